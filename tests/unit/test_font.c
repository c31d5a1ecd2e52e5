/* test_font.c - glyphs, metrics and subsets of a TrueType font (DejaVu Sans, fonts-dejavu-core). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>

#include "font.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

static void
test_glyphs(void **state)
{
	struct hoso_font *f = NULL;
	struct hoso_err e;
	unsigned gid_a, gid_d;
	int adv, asc, desc, bbox[4];

	(void)state;
	assert_int_equal(hoso_font_open(DEJAVU, &f, &e), 0);
	assert_true(hoso_font_glyph(f, 'A', &gid_a, &adv));
	assert_true(adv > 500 && adv < 800);
	assert_true(hoso_font_glyph(f, 0x0110, &gid_d, &adv));	/* Đ */
	assert_int_not_equal(gid_a, gid_d);
	assert_true(hoso_font_glyph(f, 0x1EDF, &gid_d, &adv));	/* ở */
	assert_false(hoso_font_glyph(f, 0x10FFFD, &gid_d, &adv));	/* private use */
	hoso_font_metrics(f, &asc, &desc, bbox);
	assert_true(asc > 600 && desc < 0);
	assert_true(bbox[0] < 0 && bbox[2] > 1000);
	hoso_font_close(f);
}

static void
test_subset(void **state)
{
	static const uint32_t cps[] = { 'D', 0x00E3, 0x1EDF, ' ' };
	struct hoso_font *f = NULL;
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err e;
	struct stat st;

	(void)state;
	assert_int_equal(stat(DEJAVU, &st), 0);
	assert_int_equal(hoso_font_open(DEJAVU, &f, &e), 0);
	assert_int_equal(hoso_font_subset(f, cps, 4, &b, &e), 0);
	/* a TrueType file (sfnt version 1.0), much smaller than the whole font */
	assert_true(b.len > 12 && memcmp(b.data, "\0\1\0\0", 4) == 0);
	assert_true((off_t)b.len * 5 < st.st_size);
	hoso_buf_free(&b);
	hoso_font_close(f);
}

static void
test_not_a_font(void **state)
{
	struct hoso_font *f = NULL;
	struct hoso_err e;

	(void)state;
	assert_int_equal(hoso_font_open("/bin/sh", &f, &e), HOSO_EINPUT);
	assert_null(f);
	assert_int_equal(hoso_font_open("/nonexistent.ttf", &f, &e), HOSO_EINPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_subset),
		cmocka_unit_test(test_not_a_font),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
