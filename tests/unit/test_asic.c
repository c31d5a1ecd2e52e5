/* test_asic.c - the ASiC manifest (EN 319 162-1 A.4) and BagIt manifests (RFC 8493): write, read, refuse. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "asic.h"
#include "bagit.h"

static void
manifest_round_trip(void **state)
{
	struct hoso_asic_ref refs[2];
	struct hoso_asic_manifest m;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err e;

	(void)state;
	memset(refs, 0, sizeof(refs));
	refs[0].name = (char *)"bagit.txt";
	memcpy(refs[0].alg, "SHA256", 7);
	memset(refs[0].digest, 0xab, 32);
	refs[0].digest_len = 32;
	refs[1].name = (char *)"data/Đơn 1%.png";
	memcpy(refs[1].alg, "SHA512", 7);
	memset(refs[1].digest, 0x01, 64);
	refs[1].digest_len = 64;
	assert_int_equal(hoso_asic_manifest_write("META-INF/signature001.p7s", refs, 2, &out, &e), 0);
	assert_non_null(strstr(out.data, "xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\""));
	assert_non_null(strstr(out.data, "URI=\"data/%C4%90%C6%A1n%201%25.png\""));
	assert_non_null(strstr(out.data, "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="));
	assert_int_equal(hoso_asic_manifest_parse(out.data, out.len, "m.xml", &m, &e), 0);
	assert_string_equal(m.sig_name, "META-INF/signature001.p7s");
	assert_int_equal(m.n, 2);
	assert_string_equal(m.refs[1].name, "data/Đơn 1%.png");
	assert_string_equal(m.refs[1].alg, "SHA512");
	assert_int_equal(m.refs[1].digest_len, 64);
	assert_memory_equal(m.refs[0].digest, refs[0].digest, 32);
	hoso_asic_manifest_free(&m);
	hoso_buf_free(&out);
}

static int
parse(const char *xml)
{
	struct hoso_asic_manifest m;
	struct hoso_err e;
	int r = hoso_asic_manifest_parse(xml, strlen(xml), "m.xml", &m, &e);

	if (r == 0)
		hoso_asic_manifest_free(&m);
	return r;
}

#define HEAD "<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\" " \
	"xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" \
	"<asic:SigReference URI=\"META-INF/signature001.p7s\"/>"
#define REF(alg, val) "<asic:DataObjectReference URI=\"a.txt\"><ds:DigestMethod Algorithm=\"" alg \
	"\"/><ds:DigestValue>" val "</ds:DigestValue></asic:DataObjectReference>"
#define S256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define V256 "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="

static void
manifest_refusals(void **state)
{
	(void)state;
	assert_int_equal(parse(HEAD REF(S256, V256) "</asic:ASiCManifest>"), 0);
	/* SHA-1, MD5 digests; a value of the wrong length; not base64. */
	assert_int_equal(parse(HEAD REF("http://www.w3.org/2000/09/xmldsig#sha1",
	    "q6urq6urq6urq6urq6urq6urq6s=") "</asic:ASiCManifest>"), HOSO_EINPUT);
	assert_int_equal(parse(HEAD REF("http://www.w3.org/2001/04/xmldsig-more#md5",
	    "q6urq6urq6urq6urq6urqw==") "</asic:ASiCManifest>"), HOSO_EINPUT);
	assert_int_equal(parse(HEAD REF(S256, "q6urq6s=") "</asic:ASiCManifest>"), HOSO_EINPUT);
	assert_int_equal(parse(HEAD REF(S256, "q6ur*6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=")
	    "</asic:ASiCManifest>"), HOSO_EINPUT);
	/* The wrong namespace; no SigReference; no reference at all. */
	assert_int_equal(parse("<asic:ASiCManifest xmlns:asic=\"urn:other\"/>"), HOSO_EINPUT);
	assert_int_equal(parse("<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\" "
	    "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" REF(S256, V256) "</asic:ASiCManifest>"),
	    HOSO_EINPUT);
	assert_int_equal(parse(HEAD "</asic:ASiCManifest>"), HOSO_EINPUT);
	/* A DOCTYPE, an entity. */
	assert_int_equal(parse("<!DOCTYPE x [<!ENTITY e \"e\">]>" HEAD REF(S256, V256)
	    "</asic:ASiCManifest>"), HOSO_EINPUT);
	/* A URI with a scheme or an encoded NUL. */
	assert_int_equal(parse(HEAD "<asic:DataObjectReference URI=\"file:///etc/passwd\">"
	    "<ds:DigestMethod Algorithm=\"" S256 "\"/><ds:DigestValue>" V256 "</ds:DigestValue>"
	    "</asic:DataObjectReference></asic:ASiCManifest>"), HOSO_EINPUT);
	assert_int_equal(parse(HEAD "<asic:DataObjectReference URI=\"a%00b\">"
	    "<ds:DigestMethod Algorithm=\"" S256 "\"/><ds:DigestValue>" V256 "</ds:DigestValue>"
	    "</asic:DataObjectReference></asic:ASiCManifest>"), HOSO_EINPUT);
}

static void
bagit_manifests(void **state)
{
	static const char h[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	struct hoso_bagit_manifest m;
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err e;

	(void)state;
	assert_int_equal(hoso_bagit_line(&b, h, "data/a b%\n.txt", &e), 0);
	assert_int_equal(b.len, hoso_bagit_line_len(64, "data/a b%\n.txt"));
	assert_non_null(strstr(b.data, "  data/a b%25%0A.txt\n"));
	assert_int_equal(hoso_buf_adds(&b, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\tdata/x\r\n", &e), 0);
	assert_int_equal(hoso_bagit_parse(b.data, b.len, "manifest", 64, &m, &e), 0);
	assert_int_equal(m.n, 2);
	assert_non_null(hoso_bagit_find(&m, "data/a b%\n.txt"));
	assert_string_equal(hoso_bagit_find(&m, "data/x")->hex, h);
	assert_null(hoso_bagit_find(&m, "data/y"));
	hoso_bagit_free(&m);
	/* Unsafe or repeated paths, short digests. */
	hoso_buf_reset(&b);
	assert_int_equal(hoso_buf_addf(&b, &e, "%s  data/../../etc/passwd\n", h), 0);
	assert_int_equal(hoso_bagit_parse(b.data, b.len, "m", 64, &m, &e), HOSO_EINPUT);
	hoso_buf_reset(&b);
	assert_int_equal(hoso_buf_addf(&b, &e, "%s  /etc/passwd\n", h), 0);
	assert_int_equal(hoso_bagit_parse(b.data, b.len, "m", 64, &m, &e), HOSO_EINPUT);
	hoso_buf_reset(&b);
	assert_int_equal(hoso_buf_addf(&b, &e, "%s  data/a\n%s  data/a\n", h, h), 0);
	assert_int_equal(hoso_bagit_parse(b.data, b.len, "m", 64, &m, &e), HOSO_EINPUT);
	hoso_buf_reset(&b);
	assert_int_equal(hoso_buf_adds(&b, "abcd  data/a\n", &e), 0);
	assert_int_equal(hoso_bagit_parse(b.data, b.len, "m", 64, &m, &e), HOSO_EINPUT);
	hoso_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(manifest_round_trip),
		cmocka_unit_test(manifest_refusals),
		cmocka_unit_test(bagit_manifests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
