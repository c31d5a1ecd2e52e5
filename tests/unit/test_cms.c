/* test_cms.c - CAdES signing and verification with the test PKI (scripts/test-pki). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cms.h"
#include "utf8.h"

static char pki[64];
static const time_t when = 1793520000;	/* 2026-11-01T08:00:00Z */
static const char content[] = "<manifest>the bytes that are signed</manifest>\n";

static int
setup(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(pki, sizeof(pki), "/tmp/hoso-cms-test-XXXXXX");
	if (mkdtemp(pki) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "scripts/test-pki '%s' >/dev/null 2>&1", pki);
	return system(cmd);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pki);
	return system(cmd);
}

static char *
f(const char *name)
{
	static char paths[8][128];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, 128, "%s/%s", pki, name);
	return p;
}

static int
load(const char *who, struct hoso_cms_signer **s, struct hoso_err *e)
{
	struct hoso_cms_key_opts o;
	char key[64], cert[64];

	memset(&o, 0, sizeof(o));
	snprintf(key, sizeof(key), "%s.key", who);
	snprintf(cert, sizeof(cert), "%s.pem", who);
	o.key_file = f(key);
	o.cert_file = f(cert);
	o.chain_file = f("chain.pem");
	return hoso_cms_signer_load(&o, s, e);
}

static void
sign_with(const char *who, const char *digest, bool pss, time_t t, struct hoso_buf *der)
{
	struct hoso_cms_sign_opts so = { .digest = digest, .pss = pss, .signing_time = t };
	struct hoso_cms_signer *s;
	struct hoso_err e;

	assert_int_equal(load(who, &s, &e), 0);
	hoso_buf_reset(der);
	assert_int_equal(hoso_cms_sign(s, &so, content, strlen(content), der, &e), 0);
	hoso_cms_signer_free(s);
}

static struct hoso_cms_trust *
trust(const char *crl)
{
	struct hoso_cms_trust *t;
	struct hoso_err e;
	const char *crls[1] = { crl };

	assert_int_equal(hoso_cms_trust_load(f("ca.pem"), NULL, crls, crl ? 1 : 0, &t, &e), 0);
	return t;
}

static void
check(const struct hoso_buf *der, const void *data, size_t len, const struct hoso_cms_trust *t,
    struct hoso_cms_result *res)
{
	struct hoso_err e;

	assert_int_equal(hoso_cms_verify(der->data, der->len, data, len, t, res, &e), 0);
}

/* A subject longer than any real one: reported cut at a character, marked, never silently. */
static void
long_subject(void **state)
{
	struct hoso_cms_key_opts o;
	struct hoso_cms_sign_opts so = { .digest = "SHA256", .signing_time = when };
	struct hoso_buf der = HOSO_BUF_INIT(0), subj = HOSO_BUF_INIT(0);
	struct hoso_cms_signer *s = NULL;
	struct hoso_cms_result res;
	struct hoso_err e;
	char cmd[8192];
	size_t n;
	int i;

	(void)state;
	assert_int_equal(hoso_buf_adds(&subj, "/CN=Nguy\xe1\xbb\x85n V\xc4\x83n An", &e), 0);
	for (i = 0; i < 60; i++)
		assert_int_equal(hoso_buf_addf(&subj, &e, "/OU=Ph\xc3\xb2ng %d \xe1\xbb\xa6y ban", i),
		    0);
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 -nodes -utf8 -days 3650 "
	    "-keyout '%s' -out '%s' -subj '%s' >/dev/null 2>&1", f("long.key"), f("long.pem"),
	    subj.data);
	assert_int_equal(system(cmd), 0);
	memset(&o, 0, sizeof(o));
	o.key_file = f("long.key");
	o.cert_file = f("long.pem");
	assert_int_equal(hoso_cms_signer_load(&o, &s, &e), 0);
	assert_int_equal(hoso_cms_sign(s, &so, content, strlen(content), &der, &e), 0);
	assert_int_equal(hoso_cms_verify(der.data, der.len, content, strlen(content), NULL, &res,
	    &e), 0);
	n = strlen(res.signer);
	assert_true(n > 900 && n < sizeof(res.signer));
	assert_true(hoso_utf8_valid(res.signer, n));
	assert_string_equal(res.signer + n - 3, "\xe2\x80\xa6");
	hoso_cms_signer_free(s);
	hoso_buf_free(&der);
	hoso_buf_free(&subj);
}

static void
sign_and_verify(void **state)
{
	static const char *const who[] = { "rsa2048", "ec256", "rsa3072" };
	struct hoso_buf der = HOSO_BUF_INIT(0);
	struct hoso_cms_trust *t = trust(NULL);
	struct hoso_cms_result res;
	size_t i, sv;

	(void)state;
	for (i = 0; i < 3; i++) {
		sign_with(who[i], i == 1 ? "SHA384" : NULL, i == 2, when, &der);
		check(&der, content, strlen(content), t, &res);
		assert_int_equal(res.sig_status, HOSO_CMS_VALID);
		assert_int_equal(res.cert_status, HOSO_CMS_VALID);
		assert_string_equal(res.signing_time, "2026-11-01T08:00:00Z");
		assert_false(res.has_timestamp);
	}
	assert_non_null(strstr(res.algorithm, "PSS"));
	/* The content changed after signing. */
	check(&der, "x", 1, t, &res);
	assert_int_equal(res.sig_status, HOSO_CMS_INVALID);
	assert_non_null(strstr(res.sig_detail, "message-digest"));
	/* No trust anchors: the signature is right, the signer unknown. */
	sign_with("rsa2048", NULL, false, when, &der);
	check(&der, content, strlen(content), NULL, &res);
	assert_int_equal(res.sig_status, HOSO_CMS_VALID);
	assert_int_equal(res.cert_status, HOSO_CMS_INDETERMINATE);
	/*
	 * Any flipped byte of the DER: never valid, and no crash. Two fields are
	 * covered by no signature and not used: SignedData.digestAlgorithms
	 * (bytes 26-40; RFC 5652 5.1: only the SignerInfo's digest counts) and the
	 * SignerInfo version (OpenSSL does not expose it): the last INTEGER 1
	 * followed by a SEQUENCE (the signer's IssuerAndSerialNumber), found rather
	 * than fixed as the certificate's length varies with test-pki's extensions.
	 */
	for (sv = der.len - 4; sv > 0; sv--)
		if (memcmp(der.data + sv, "\x02\x01\x01\x30", 4) == 0)
			break;
	assert_true(sv > 40);
	for (i = 0; i < der.len; i += i == 21 ? 20 : i == sv + 1 ? 2 : 1) {
		der.data[i] ^= 0x21;
		check(&der, content, strlen(content), t, &res);
		assert_false(res.sig_status == HOSO_CMS_VALID && res.cert_status == HOSO_CMS_VALID);
		der.data[i] ^= 0x21;
	}
	check(&der, content, strlen(content), t, &res);
	assert_int_equal(res.cert_status, HOSO_CMS_VALID);
	/* Not CMS at all. */
	hoso_buf_reset(&der);
	assert_int_equal(hoso_buf_adds(&der, "garbage", NULL), 0);
	check(&der, content, strlen(content), t, &res);
	assert_int_equal(res.sig_status, HOSO_CMS_INVALID);
	hoso_cms_trust_free(t);
	hoso_buf_free(&der);
}

static void
rsa_is_deterministic(void **state)
{
	struct hoso_buf a = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);

	(void)state;
	sign_with("rsa2048", NULL, false, when, &a);
	sign_with("rsa2048", NULL, false, when, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	sign_with("rsa2048", NULL, false, when + 1, &b);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
	hoso_buf_free(&a);
	hoso_buf_free(&b);
}

static void
weak_keys_refused(void **state)
{
	struct hoso_cms_sign_opts so = { .digest = "SHA1", .signing_time = when };
	struct hoso_buf der = HOSO_BUF_INIT(0);
	struct hoso_cms_key_opts o;
	struct hoso_cms_signer *s;
	struct hoso_err e;

	(void)state;
	assert_int_equal(load("rsa1024", &s, &e), HOSO_EUSAGE);
	assert_non_null(strstr(e.msg, "1024"));
	assert_int_equal(load("sha1", &s, &e), HOSO_EUSAGE);
	assert_int_equal(load("noku", &s, &e), HOSO_EUSAGE);
	assert_int_equal(load("rsa2048", &s, &e), 0);
	assert_int_equal(hoso_cms_sign(s, &so, "x", 1, &der, &e), HOSO_EUSAGE);
	so.digest = "MD5";
	assert_int_equal(hoso_cms_sign(s, &so, "x", 1, &der, &e), HOSO_EUSAGE);
	hoso_cms_signer_free(s);
	assert_int_equal(load("ec256", &s, &e), 0);
	so.digest = NULL;
	so.pss = true;
	assert_int_equal(hoso_cms_sign(s, &so, "x", 1, &der, &e), HOSO_EUSAGE);
	hoso_cms_signer_free(s);
	/* A key that is not the certificate's; PKCS#12 with right and wrong passwords. */
	memset(&o, 0, sizeof(o));
	o.key_file = f("ec256.key");
	o.cert_file = f("rsa2048.pem");
	assert_int_equal(hoso_cms_signer_load(&o, &s, &e), HOSO_EINPUT);
	memset(&o, 0, sizeof(o));
	o.pkcs12_file = f("rsa2048.p12");
	o.password = "wrong";
	assert_int_equal(hoso_cms_signer_load(&o, &s, &e), HOSO_EINPUT);
	o.password = "hoso-test-pass";
	assert_int_equal(hoso_cms_signer_load(&o, &s, &e), 0);
	hoso_cms_signer_free(s);
	memset(&o, 0, sizeof(o));
	o.key_file = f("rsa2048-enc.key");
	o.cert_file = f("rsa2048.pem");
	assert_int_equal(hoso_cms_signer_load(&o, &s, &e), HOSO_EINPUT);
	o.password = "hoso-test-pass";
	assert_int_equal(hoso_cms_signer_load(&o, &s, &e), 0);
	hoso_cms_signer_free(s);
	hoso_buf_free(&der);
}

static void
chain_at_signing_time(void **state)
{
	struct hoso_buf der = HOSO_BUF_INIT(0);
	struct hoso_cms_trust *t = trust(NULL), *tc = trust(f("crl.pem"));
	struct hoso_cms_result res;

	(void)state;
	sign_with("rsa2048", NULL, false, when, &der);
	check(&der, content, strlen(content), tc, &res);
	assert_int_equal(res.cert_status, HOSO_CMS_VALID);
	/* Before the signer's certificate existed. */
	sign_with("rsa2048", NULL, false, 1262304000, &der);	/* 2010 */
	check(&der, content, strlen(content), t, &res);
	assert_int_equal(res.cert_status, HOSO_CMS_INDETERMINATE);
	assert_non_null(strstr(res.cert_detail, "not yet valid"));
	/* Expired at the signing time. */
	sign_with("expired", NULL, false, when, &der);
	check(&der, content, strlen(content), t, &res);
	assert_int_equal(res.sig_status, HOSO_CMS_VALID);
	assert_int_equal(res.cert_status, HOSO_CMS_INDETERMINATE);
	assert_non_null(strstr(res.cert_detail, "expired"));
	/* Revoked: after the signing time indeterminate, before it invalid. */
	sign_with("revoked", NULL, false, when, &der);
	check(&der, content, strlen(content), t, &res);
	assert_int_equal(res.cert_status, HOSO_CMS_VALID);
	check(&der, content, strlen(content), tc, &res);
	assert_int_equal(res.cert_status, HOSO_CMS_INDETERMINATE);
	sign_with("revoked", NULL, false, 2208988800, &der);	/* 2040 */
	check(&der, content, strlen(content), tc, &res);
	assert_int_equal(res.cert_status, HOSO_CMS_INVALID);
	/* Untrusted root. */
	sign_with("untrusted", NULL, false, when, &der);
	check(&der, content, strlen(content), t, &res);
	assert_int_equal(res.cert_status, HOSO_CMS_INDETERMINATE);
	hoso_cms_trust_free(t);
	hoso_cms_trust_free(tc);
	hoso_buf_free(&der);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_and_verify),
		cmocka_unit_test(long_subject),
		cmocka_unit_test(rsa_is_deterministic),
		cmocka_unit_test(weak_keys_refused),
		cmocka_unit_test(chain_at_signing_time),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
