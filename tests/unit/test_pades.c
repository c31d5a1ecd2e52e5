/* test_pades.c - PAdES signing and verification end to end, and the small parsers of pades.c. */
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
#include "file.h"
#include "pades.h"

static char dir[64];
static const time_t when = 1793520000;	/* 2026-11-01T08:00:00Z */

/* A one-page PDF with a right xref table, written here (7.5). */
static void
write_pdf(const char *path)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
		"<< /Length 8 >>\nstream\n0 0 m S\n\nendstream",
	};
	long off[4];
	size_t i;
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs("%PDF-1.7\n", f);
	for (i = 0; i < 4; i++) {
		off[i] = ftell(f);
		fprintf(f, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	i = (size_t)ftell(f);
	fprintf(f, "xref\n0 5\n0000000000 65535 f\r\n");
	for (int k = 0; k < 4; k++)
		fprintf(f, "%010ld 00000 n\r\n", off[k]);
	fprintf(f, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", i);
	fclose(f);
}

static char *
f(const char *name)
{
	static char paths[8][128];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

static int
setup(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hoso-pades-test-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "scripts/test-pki '%s' >/dev/null 2>&1", dir);
	return system(cmd);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void
sign(const char *key, const char *in, const char *out, int want)
{
	struct hoso_cms_key_opts ko;
	struct hoso_pades_sign_opts so;
	struct hoso_cms_signer *s = NULL;
	struct hoso_err e;
	char k[64], c[64];

	snprintf(k, sizeof(k), "%s.key", key);
	snprintf(c, sizeof(c), "%s.pem", key);
	memset(&ko, 0, sizeof(ko));
	ko.key_file = f(k);
	ko.cert_file = f(c);
	ko.chain_file = f("chain.pem");
	assert_int_equal(hoso_cms_signer_load(&ko, &s, &e), 0);
	memset(&so, 0, sizeof(so));
	so.in = in;
	so.out = out;
	so.signer = s;
	so.signing_time = when;
	so.reason = "Sao y bản chính";
	assert_int_equal(hoso_pades_sign(&so, &e), want);
	hoso_cms_signer_free(s);
}

static void
verify(const char *path, size_t want_n, int want_result)
{
	struct hoso_cms_trust *t = NULL;
	struct hoso_verify_report *reps = NULL;
	struct hoso_err e;
	size_t n = 0, i;

	assert_int_equal(hoso_cms_trust_load(f("ca.pem"), NULL, NULL, 0, &t, &e), 0);
	assert_int_equal(hoso_pades_verify(path, NULL, t, &reps, &n, &e), 0);
	assert_int_equal(n, want_n);
	for (i = 0; i < n; i++)
		assert_int_equal(reps[i].result, want_result);
	hoso_verify_reports_free(reps, n);
	hoso_cms_trust_free(t);
}

static void
test_sign_verify(void **state)
{
	(void)state;
	write_pdf(f("a.pdf"));
	verify(f("a.pdf"), 1, HOSO_VERIFY_INVALID);	/* no signature */
	sign("rsa2048", f("a.pdf"), f("b.pdf"), 0);
	verify(f("b.pdf"), 1, HOSO_VERIFY_VALID);
	sign("ec256", f("b.pdf"), f("c.pdf"), 0);
	verify(f("c.pdf"), 2, HOSO_VERIFY_VALID);
}

static void
test_tamper(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err e;
	char *p;

	(void)state;
	write_pdf(f("a.pdf"));
	sign("rsa2048", f("a.pdf"), f("b.pdf"), 0);
	assert_int_equal(hoso_file_read(f("b.pdf"), 1 << 20, &b, &e), 0);
	p = strstr(b.data, "0 0 m S");
	assert_non_null(p);
	p[0] = '1';
	assert_int_equal(hoso_file_write_atomic(f("t.pdf"), b.data, b.len, &e), 0);
	verify(f("t.pdf"), 1, HOSO_VERIFY_INVALID);
	hoso_buf_free(&b);
}

static void
test_refused(void **state)
{
	struct hoso_verify_report *reps = NULL;
	struct hoso_err e;
	size_t n;

	(void)state;
	assert_int_equal(hoso_file_write_atomic(f("x.pdf"), "not a pdf at all", 16, &e), 0);
	sign("rsa2048", f("x.pdf"), f("y.pdf"), HOSO_EINPUT);
	assert_int_not_equal(access(f("y.pdf"), F_OK), 0);
	assert_int_equal(hoso_pades_verify(f("x.pdf"), NULL, NULL, &reps, &n, &e), HOSO_EINPUT);
}

static void
test_der_len(void **state)
{
	static const unsigned char short_form[] = { 0x30, 0x03, 1, 2, 3, 0, 0 };
	static const unsigned char long_form[] = { 0x30, 0x82, 0x00, 0x02, 9, 9, 0 };
	static const unsigned char too_long[] = { 0x30, 0x82, 0x10, 0x00, 9 };

	(void)state;
	assert_int_equal(hoso_pades_der_len(short_form, sizeof(short_form)), 5);
	assert_int_equal(hoso_pades_der_len(long_form, sizeof(long_form)), 6);
	assert_int_equal(hoso_pades_der_len(too_long, sizeof(too_long)), 0);
	assert_int_equal(hoso_pades_der_len((const unsigned char *)"\x31\x00", 2), 0);
	assert_int_equal(hoso_pades_der_len(short_form, 1), 0);
}

static void
test_gap_hex(void **state)
{
	unsigned char out[8];
	size_t n;

	(void)state;
	assert_true(hoso_pades_gap_hex((const unsigned char *)"<30aB00>", 8, out, &n));
	assert_int_equal(n, 3);
	assert_int_equal(out[1], 0xab);
	assert_false(hoso_pades_gap_hex((const unsigned char *)"<30 00>", 7, out, &n));
	assert_false(hoso_pades_gap_hex((const unsigned char *)"<300>", 5, out, &n));
	assert_false(hoso_pades_gap_hex((const unsigned char *)"(3000)", 6, out, &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_der_len),
		cmocka_unit_test(test_gap_hex),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
