/* test_date.c - the calendar, day numbers, ISO 8601 and PDF dates of date.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"

static const time_t when = 1793520000;	/* 2026-11-01T08:00:00Z */

static void
leap_years(void **state)
{
	(void)state;
	assert_false(hoso_date_leap(1900));
	assert_true(hoso_date_leap(2000));
	assert_true(hoso_date_leap(2024));
	assert_false(hoso_date_leap(2023));
	assert_false(hoso_date_leap(2100));
	assert_true(hoso_date_valid(2024, 2, 29));
	assert_true(hoso_date_valid(2000, 2, 29));
	assert_false(hoso_date_valid(1900, 2, 29));
	assert_false(hoso_date_valid(2023, 2, 29));
	assert_false(hoso_date_valid(2024, 2, 30));
}

static void
days_and_months_that_are_not(void **state)
{
	(void)state;
	assert_true(hoso_date_valid(2025, 1, 31));
	assert_false(hoso_date_valid(2025, 1, 0));
	assert_false(hoso_date_valid(2025, 1, 32));
	assert_false(hoso_date_valid(2025, 4, 31));
	assert_true(hoso_date_valid(2025, 12, 31));
	assert_false(hoso_date_valid(2025, 0, 1));
	assert_false(hoso_date_valid(2025, 13, 1));
	assert_false(hoso_date_valid(2025, -1, 1));
}

/* Every day of 1900..2100 in order: its number is the one before plus 1, and back. */
static void
days_round_trip_1900_2100(void **state)
{
	int32_t day = hoso_date_day(1900, 1, 1);
	int y, m, d, gy, gm, gd;
	char ymd[11], want[11];

	(void)state;
	assert_int_equal(hoso_date_day(1970, 1, 1), 0);
	assert_int_equal(day, -25567);
	assert_int_equal(hoso_date_day(2000, 1, 1), 10957);
	for (y = 1900; y <= 2100; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; hoso_date_valid(y, m, d); d++, day++) {
				assert_int_equal(hoso_date_day(y, m, d), day);
				hoso_date_civil(day, &gy, &gm, &gd);
				assert_int_equal(gy, y);
				assert_int_equal(gm, m);
				assert_int_equal(gd, d);
				hoso_date_ymd(day, ymd);
				want[0] = (char)('0' + y / 1000);
				want[1] = (char)('0' + y / 100 % 10);
				want[2] = (char)('0' + y / 10 % 10);
				want[3] = (char)('0' + y % 10);
				want[4] = '-';
				want[5] = (char)('0' + m / 10);
				want[6] = (char)('0' + m % 10);
				want[7] = '-';
				want[8] = (char)('0' + d / 10);
				want[9] = (char)('0' + d % 10);
				want[10] = '\0';
				assert_string_equal(ymd, want);
			}
	assert_int_equal(day, hoso_date_day(2101, 1, 1));
}

/* Around year 0, where the era arithmetic of days before 0000-03-01 takes over. */
static void
days_round_trip_before_year_1(void **state)
{
	int32_t day, last = hoso_date_day(401, 1, 1);
	int y, m, d;

	(void)state;
	assert_int_equal(hoso_date_day(0, 1, 1), -719528);
	assert_int_equal(hoso_date_day(0, 3, 1), -719468);
	assert_int_equal(hoso_date_day(-1, 12, 31), hoso_date_day(0, 1, 1) - 1);
	for (day = hoso_date_day(-401, 1, 1); day <= last; day++) {
		hoso_date_civil(day, &y, &m, &d);
		assert_true(hoso_date_valid(y, m, d));
		assert_int_equal(hoso_date_day(y, m, d), day);
	}
}

static void
ymd_strings(void **state)
{
	int32_t day = 0;
	char s[11];

	(void)state;
	assert_true(hoso_date_parse_ymd("2024-02-29", &day));
	assert_int_equal(day, hoso_date_day(2024, 2, 29));
	assert_true(hoso_date_parse_ymd("2024-02-29", NULL));
	assert_false(hoso_date_parse_ymd("2023-02-29", NULL));
	assert_false(hoso_date_parse_ymd("2024-02-31", NULL));
	assert_false(hoso_date_parse_ymd("2024-13-01", NULL));
	assert_false(hoso_date_parse_ymd("2024-1-01", NULL));
	assert_false(hoso_date_parse_ymd("24-01-01xx", NULL));
	assert_false(hoso_date_parse_ymd("2024-01-01 ", NULL));
	assert_false(hoso_date_parse_ymd("2024-01-0x", NULL));
	assert_false(hoso_date_parse_ymd("+024-01-01", NULL));
	assert_false(hoso_date_parse_ymd("", NULL));
	hoso_date_ymd(hoso_date_day(-5, 3, 1), s);
	assert_string_equal(s, "0000-03-01");
	hoso_date_ymd(hoso_date_day(10000, 3, 1), s);
	assert_string_equal(s, "9999-03-01");
}

static void
iso_with_z_and_offsets(void **state)
{
	time_t t = 0;

	(void)state;
	assert_true(hoso_date_parse_iso("2026-11-01T08:00:00Z", &t));
	assert_int_equal(t, when);
	/* 15:00 at +07:00 is 08:00 UTC, 7 hours earlier */
	assert_true(hoso_date_parse_iso("2026-11-01T15:00:00+07:00", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_iso("2026-11-01T03:00:00-05:00", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_iso("2026-11-01T13:30:00+05:30", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_iso("2026-11-01T08:00:00+00:00", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_iso("2026-11-02T06:59:59+23:00", &t));
	assert_int_equal(t, when - 1);
	assert_true(hoso_date_parse_iso("1970-01-01T00:00:00Z", &t));
	assert_int_equal(t, 0);
	assert_true(hoso_date_parse_iso("1969-12-31T23:59:59Z", &t));
	assert_int_equal(t, -1);
	assert_true(hoso_date_parse_iso("1900-01-01T00:00:00Z", &t));
	assert_int_equal(t, -2208988800LL);
	assert_true(hoso_date_parse_iso("2024-02-29T23:59:59Z", &t));
	assert_int_equal(t, 1709251199);
}

static void
iso_garbage_is_refused(void **state)
{
	static const char *bad[] = {
		"", "garbage", "2026-11-01", "2026-11-01T08:00:00", "2026-11-01T08:00Z",
		"2026-11-01T08:00:00Zx", "2026-11-01T08:00:00Z ", " 2026-11-01T08:00:00Z",
		"2026-11-01T08:00:00z", "2026-11-01t08:00:00Z", "2026-11-01 08:00:00Z",
		"2026-11-01T08:00:00.5Z", "2026-11-01T08:00:00+07:00x", "2026-11-01T08:00:00+0700",
		"2026-11-01T08:00:00+07", "2026-11-01T08:00:00+7:00", "2026-11-01T08:00:00+24:00",
		"2026-11-01T08:00:00+07:60", "2026-11-01T08:00:00 07:00", "2026-1-01T08:00:00Z",
		"2026-+1-01T08:00:00Z", "2026-11-01T 8:00:00Z", "2026-02-29T08:00:00Z",
		"2026-04-31T08:00:00Z", "2026-13-01T08:00:00Z", "2026-00-01T08:00:00Z",
		"2026-11-00T08:00:00Z", "2026-11-32T08:00:00Z", "2026-11-01T24:00:00Z",
		"2026-11-01T08:60:00Z", "2026-11-01T08:00:60Z", "2026/11/01T08:00:00Z",
	};
	time_t t = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hoso_date_parse_iso(bad[i], &t))
			fail_msg("'%s' parsed", bad[i]);
	}
}

static void
iso_format(void **state)
{
	char s[HOSO_DATE_ISO_SIZE];
	time_t t;

	(void)state;
	assert_true(hoso_date_iso(when, s));
	assert_string_equal(s, "2026-11-01T08:00:00Z");
	assert_true(hoso_date_iso(-1, s));
	assert_string_equal(s, "1969-12-31T23:59:59Z");
	assert_true(hoso_date_iso(0, s));
	assert_string_equal(s, "1970-01-01T00:00:00Z");
	t = (time_t)hoso_date_day(9999, 12, 31) * 86400 + 86399;
	assert_true(hoso_date_iso(t, s));
	assert_string_equal(s, "9999-12-31T23:59:59Z");
	assert_false(hoso_date_iso(t + 1, s));
	assert_string_equal(s, "");
	t = (time_t)hoso_date_day(0, 1, 1) * 86400;
	assert_true(hoso_date_iso(t, s));
	assert_string_equal(s, "0000-01-01T00:00:00Z");
	assert_false(hoso_date_iso(t - 1, s));
	/* what it writes, it reads back */
	for (t = -2208988800LL; t < 4102444800LL; t += 86400 * 17 + 3607) {
		time_t back;

		assert_true(hoso_date_iso(t, s));
		assert_true(hoso_date_parse_iso(s, &back));
		assert_int_equal(back, t);
	}
}

static void
timegm_of_a_struct_tm(void **state)
{
	struct tm tm;

	(void)state;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 126;
	tm.tm_mon = 10;
	tm.tm_mday = 1;
	tm.tm_hour = 8;
	assert_int_equal(hoso_date_timegm(&tm), when);
	tm.tm_year = 69;
	tm.tm_mon = 11;
	tm.tm_mday = 31;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	assert_int_equal(hoso_date_timegm(&tm), -1);
}

/* The same strings give the same times whatever the process's time zone. */
static void
no_time_zone(void **state)
{
	static const char *zones[] = { "Asia/Ho_Chi_Minh", "ICT-7", "America/New_York", "UTC" };
	char s[HOSO_DATE_ISO_SIZE], p[HOSO_DATE_PDF_SIZE];
	struct tm tm;
	time_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		assert_int_equal(setenv("TZ", zones[i], 1), 0);
		tzset();
		if (i < 2) {
			/* the zone is in effect: 08:00 UTC is 15:00 in Hanoi */
			assert_non_null(localtime_r(&when, &tm));
			assert_int_equal(tm.tm_hour, 15);
		}
		assert_true(hoso_date_parse_iso("2026-11-01T08:00:00Z", &t));
		assert_int_equal(t, when);
		assert_true(hoso_date_parse_iso("2026-11-01T15:00:00+07:00", &t));
		assert_int_equal(t, when);
		assert_true(hoso_date_parse_pdf("D:20261101150000+07'00'", &t));
		assert_int_equal(t, when);
		assert_true(hoso_date_iso(when, s));
		assert_string_equal(s, "2026-11-01T08:00:00Z");
		assert_true(hoso_date_pdf(when, p));
		assert_string_equal(p, "D:20261101080000+00'00'");
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 126;
		tm.tm_mon = 10;
		tm.tm_mday = 1;
		tm.tm_hour = 8;
		assert_int_equal(hoso_date_timegm(&tm), when);
	}
	unsetenv("TZ");
	tzset();
}

/* ISO 32000-1 7.9.4, as signatures' /M and /CreationDate hold it. */
static void
pdf_dates(void **state)
{
	char s[HOSO_DATE_PDF_SIZE];
	time_t t;

	(void)state;
	assert_true(hoso_date_parse_pdf("D:20261101080000+00'00'", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_pdf("D:20261101150000+07'00'", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_pdf("D:20261101080000Z", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_pdf("D:20261101030000-05'00", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_pdf("D:20261101150000+07", &t));
	assert_int_equal(t, when);
	assert_true(hoso_date_parse_pdf("D:20261101", &t));
	assert_int_equal(t, when - 8 * 3600);
	assert_false(hoso_date_parse_pdf("2026-11-01", &t));
	assert_false(hoso_date_parse_pdf("D:20261301", &t));
	assert_false(hoso_date_parse_pdf("D:20260431", &t));
	assert_false(hoso_date_parse_pdf("D:20250229120000Z", &t));
	assert_true(hoso_date_parse_pdf("D:20240229120000Z", &t));
	assert_false(hoso_date_parse_pdf("D:2026", &t));
	assert_false(hoso_date_parse_pdf("D:2026110", &t));
	assert_false(hoso_date_parse_pdf("D:20261101X", &t));
	assert_false(hoso_date_parse_pdf("D:202611010800", &t));
	assert_false(hoso_date_parse_pdf("D:20261101080000+24'00'", &t));
	assert_false(hoso_date_parse_pdf(NULL, &t));
	assert_true(hoso_date_pdf(when, s));
	assert_string_equal(s, "D:20261101080000+00'00'");
	assert_true(hoso_date_parse_pdf(s, &t));
	assert_int_equal(t, when);
	assert_false(hoso_date_pdf((time_t)hoso_date_day(10000, 1, 1) * 86400, s));
	assert_string_equal(s, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leap_years),
		cmocka_unit_test(days_and_months_that_are_not),
		cmocka_unit_test(days_round_trip_1900_2100),
		cmocka_unit_test(days_round_trip_before_year_1),
		cmocka_unit_test(ymd_strings),
		cmocka_unit_test(iso_with_z_and_offsets),
		cmocka_unit_test(iso_garbage_is_refused),
		cmocka_unit_test(iso_format),
		cmocka_unit_test(timegm_of_a_struct_tm),
		cmocka_unit_test(no_time_zone),
		cmocka_unit_test(pdf_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
