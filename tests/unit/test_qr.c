/* test_qr.c - QR codes: encode, render on a separator sheet, read back with zbar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "img.h"
#include "qr.h"

#define CODE "HOSO:000.17.22.H56-210531-0001"

static void
test_encode(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_qr_matrix m = { 0, NULL };
	int i, dark = 0;

	(void)state;
	assert_int_equal(hoso_qr_encode(CODE, &m, &err), 0);
	/* All alphanumeric, so libqrencode fits it in version 2 at level M. */
	assert_int_equal(m.size, 25);
	for (i = 0; i < m.size * m.size; i++) {
		assert_true(m.modules[i] == 0 || m.modules[i] == 1);
		dark += m.modules[i];
	}
	/* Finder pattern corner, and a sensible amount of dark. */
	assert_int_equal(m.modules[0], 1);
	assert_int_equal(m.modules[m.size - 1], 1);
	assert_true(dark > m.size * m.size / 3 && dark < m.size * m.size * 2 / 3);
	hoso_qr_matrix_free(&m);
	assert_null(m.modules);
	hoso_qr_matrix_free(&m);
}

static void
test_encode_errors(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_qr_matrix m = { 0, NULL };
	char *big;

	(void)state;
	assert_int_equal(hoso_qr_encode(NULL, &m, &err), HOSO_EUSAGE);
	big = malloc(4000);
	assert_non_null(big);
	memset(big, 'x', 3999);
	big[3999] = '\0';
	assert_int_equal(hoso_qr_encode(big, &m, &err), HOSO_EINPUT);
	assert_null(m.modules);
	free(big);
}

static void
sheet_roundtrip(const char *text, const char *caption, int dpi)
{
	struct hoso_err err = { 0 };
	struct hoso_qr_matrix m = { 0, NULL };
	struct hoso_buf png = HOSO_BUF_INIT(0), texts = HOSO_BUF_INIT(0);
	struct hoso_img *img = NULL;
	unsigned char *grey = NULL;
	int w = 0, h = 0, n = -1;

	assert_int_equal(hoso_qr_encode(text, &m, &err), 0);
	if (hoso_img_separator_sheet(&m, caption, dpi, &png, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(hoso_img_sniff(png.data, png.len), HOSO_IMG_PNG);
	assert_int_equal(hoso_img_decode(png.data, png.len, "sheet.png", 0, &img, &err), 0);
	assert_int_equal(hoso_img_dpi(img), dpi);
	assert_int_equal(hoso_img_grey8(img, &grey, &w, &h, &err), 0);
	if (dpi == 300) {
		assert_int_equal(w, 2480);
		assert_int_equal(h, 3508);
	}
	assert_int_equal(hoso_qr_decode(grey, w, h, &texts, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(texts.len, strlen(text) + 1);
	assert_string_equal(texts.data, text);
	free(grey);
	/* The half-size copy that a split batch searches reads the same code. */
	hoso_buf_reset(&texts);
	assert_int_equal(hoso_img_grey8_half(img, &grey, &w, &h, &err), 0);
	assert_int_equal(w, (hoso_img_width(img) + 1) / 2);
	assert_int_equal(hoso_qr_decode(grey, w, h, &texts, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(texts.data, text);
	free(grey);
	hoso_img_free(img);
	hoso_buf_free(&texts);
	hoso_buf_free(&png);
	hoso_qr_matrix_free(&m);
}

static void
test_separator_sheet(void **state)
{
	(void)state;
	sheet_roundtrip(CODE, "000.17.22.H56-210531-0001", 300);
	sheet_roundtrip(CODE, "", 150);
	/* 8-bit mode keeps UTF-8 bytes as they are. */
	sheet_roundtrip("HOSO:h\xe1\xbb\x93 s\xc6\xa1", "ho so", 200);
	/* A caption far wider than the page is clipped, not refused. */
	sheet_roundtrip(CODE, "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123456789", 300);
}

static void
test_separator_sheet_deterministic(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_qr_matrix m = { 0, NULL };
	struct hoso_buf a = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);

	(void)state;
	assert_int_equal(hoso_qr_encode(CODE, &m, &err), 0);
	assert_int_equal(hoso_img_separator_sheet(&m, "x", 300, &a, &err), 0);
	assert_int_equal(hoso_img_separator_sheet(&m, "x", 300, &b, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_int_equal(hoso_img_separator_sheet(&m, "x", 10, &a, &err), HOSO_EUSAGE);
	assert_int_equal(hoso_img_separator_sheet(NULL, "x", 300, &a, &err), HOSO_EUSAGE);
	hoso_buf_free(&a);
	hoso_buf_free(&b);
	hoso_qr_matrix_free(&m);
}

static void
test_decode_nothing(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_buf texts = HOSO_BUF_INIT(0);
	unsigned char *white;
	int n = -1;

	(void)state;
	white = malloc(400 * 300);
	assert_non_null(white);
	memset(white, 255, 400 * 300);
	assert_int_equal(hoso_qr_decode(white, 400, 300, &texts, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(texts.len, 0);
	assert_int_equal(hoso_qr_decode(NULL, 400, 300, &texts, &n, &err), HOSO_EUSAGE);
	assert_int_equal(hoso_qr_decode(white, 0, 300, &texts, &n, &err), HOSO_EUSAGE);
	free(white);
	hoso_buf_free(&texts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_separator_sheet),
		cmocka_unit_test(test_separator_sheet_deterministic),
		cmocka_unit_test(test_decode_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
