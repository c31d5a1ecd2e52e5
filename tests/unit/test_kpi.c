/* test_kpi.c - the counting rules at the period's edges, duplicates, roll-up and --as-of. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "kpi.h"
#include "units.h"

#define HEAD "ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,muc_do," \
	"so_hoa_ho_so,so_hoa_ket_qua,thanh_toan_truc_tuyen,ky_so,linh_vuc\n"

static int
text_fd(const char *text)
{
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fflush(f);
	fd = dup(fileno(f));
	fclose(f);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static struct hoso_units *
vinh_phuc(void)
{
	struct hoso_units *u = NULL;
	struct hoso_err err;
	int fd = open("testdata/units-vinh-phuc-2024.csv", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(hoso_units_load(&u, fd, "units.csv", &err), 0);
	close(fd);
	return u;
}

/* Count registers (texts, in order) over [from, to]; res filled. */
static void
count(const char *const *texts, size_t n, const char *from, const char *to, unsigned by,
    struct hoso_units *units, const char *as_of, bool direct, struct hoso_kpi *(*kp),
    struct hoso_kpi_result *res)
{
	struct hoso_kpi_opts o;
	struct hoso_err err;
	size_t i;
	int fd;

	memset(&o, 0, sizeof(o));
	assert_true(hoso_register_parse_date(from, 10, &o.from));
	assert_true(hoso_register_parse_date(to, 10, &o.to));
	if (as_of != NULL) {
		o.has_as_of = true;
		assert_true(hoso_register_parse_date(as_of, 10, &o.as_of));
	}
	o.by = by;
	o.direct = direct;
	assert_int_equal(hoso_kpi_new(kp, &o, units, &err), 0);
	for (i = 0; i < n; i++) {
		fd = text_fd(texts[i]);
		if (hoso_kpi_add_fd(*kp, fd, "r.csv", &err) != 0)
			fail_msg("%s", err.msg);
		close(fd);
	}
	assert_int_equal(hoso_kpi_count(*kp, res, &err), 0);
}

#define C(x) res.total.counts[HOSO_KPI_##x]

/* Period 2025-03-01..2025-03-31; each dossier is named after the rule it tests. */
static void
period_edges(void **state)
{
	const char *reg = HEAD
	    "recv-on-from,U,2,2025-03-01,,,toan_trinh,1,,1,,\n"
	    "recv-on-to,U,1,2025-03-31 23:59,,,,,,,,\n"
	    "recv-day-before,U,3,2025-02-28,2025-03-10,,,,,,,\n"	/* carried over, pending, overdue */
	    "done-day-before-from,U,1,2025-02-01,,2025-02-28,,,,,,\n"	/* not in the period */
	    "done-on-from,U,1,2025-02-01,2025-03-01,2025-03-01,,,1,,1,\n"	/* carried, resolved on the due date */
	    "done-day-after-due,U,2,2025-03-02,2025-03-05,2025-03-06,4,,,,,\n"	/* late */
	    "done-before-due,U,1,2025-03-02,2025-03-09,2025-03-05,,,,,1,\n"	/* early */
	    "done-on-to-no-due,U,1,2025-03-03,,2025-03-31,,,,,,\n"	/* on time (no due) */
	    "done-day-after-to,U,1,2025-03-03,2025-03-31,2025-04-01,,,,,,\n"	/* pending, due on TO: overdue */
	    "pending-due-after-to,U,1,2025-03-03,2025-04-01,,,,,,,\n"	/* pending in time */
	    "recv-day-after-to,U,2,2025-04-01,,,,,,,,\n";	/* not in the period */
	struct hoso_kpi_result res;
	struct hoso_kpi *k = NULL;
	uint64_t t;

	(void)state;
	count(&reg, 1, "2025-03-01", "2025-03-31", HOSO_KPI_BY_UNIT, NULL, NULL, false, &k, &res);
	assert_int_equal(C(RECEIVED), 7);
	assert_int_equal(C(ONLINE), 2);
	assert_int_equal(C(PAPER), 5);
	assert_int_equal(C(CARRIED_OVER), 2);
	assert_int_equal(C(RESOLVED), 4);
	assert_int_equal(C(EARLY), 1);
	assert_int_equal(C(ON_TIME), 2);
	assert_int_equal(C(LATE), 1);
	assert_int_equal(C(PENDING), 5);
	assert_int_equal(C(IN_TIME), 3);
	assert_int_equal(C(OVERDUE), 2);
	assert_int_equal(C(DIGITIZED), 1);
	assert_int_equal(C(DIGITIZED_RESULTS), 1);
	assert_int_equal(C(PAID_ONLINE), 1);
	assert_int_equal(C(SIGNED), 2);
	assert_int_equal(C(END_TO_END), 2);	/* recv-on-from and done-day-after-due */
	/* The invariants of the spec. */
	assert_int_equal(C(RECEIVED), C(ONLINE) + C(PAPER));
	assert_int_equal(C(RESOLVED), C(EARLY) + C(ON_TIME) + C(LATE));
	assert_int_equal(C(PENDING), C(IN_TIME) + C(OVERDUE));
	assert_int_equal(C(CARRIED_OVER) + C(RECEIVED), C(RESOLVED) + C(PENDING));
	/* Rates: one decimal, rounded half up; none where the base is 0. */
	assert_true(hoso_kpi_rate(res.total.counts, HOSO_KPI_ONLINE_RATE, &t));
	assert_int_equal(t, 286);	/* 2/7 = 28.57 % */
	assert_true(hoso_kpi_rate(res.total.counts, HOSO_KPI_ON_TIME_RATE, &t));
	assert_int_equal(t, 750);
	res.total.counts[HOSO_KPI_RESOLVED] = 0;
	assert_false(hoso_kpi_rate(res.total.counts, HOSO_KPI_SIGNED_RATE, &t));
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
}

static void
duplicates_last_wins(void **state)
{
	const char *regs[] = {
		HEAD "A,U,1,2025-03-01,,,,,,,,\nB,U,1,2025-03-02,,,,,,,,\nA,U,1,2025-03-03,,,,,,,,\n",
		HEAD "A,U,2,2025-03-04,,2025-03-05,,,,,,\n",
	};
	struct hoso_kpi_result res;
	struct hoso_kpi *k = NULL;

	(void)state;
	count(regs, 2, "2025-03-01", "2025-03-31", HOSO_KPI_BY_UNIT, NULL, NULL, false, &k, &res);
	assert_int_equal(res.rows_read, 4);
	assert_int_equal(res.dossiers, 2);
	assert_int_equal(res.duplicates, 2);
	assert_int_equal(C(RECEIVED), 2);
	assert_int_equal(C(ONLINE), 1);	/* the last A is online and resolved */
	assert_int_equal(C(RESOLVED), 1);
	assert_true(res.dossier_bytes > 0);
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
}

/* Codes long and short, repeated in one file: rows go in in order however long the code. */
static void
long_codes_last_wins(void **state)
{
	char text[2048], l1[101], l2[256];
	const char *regs[1] = { text };
	struct hoso_kpi_result res;
	struct hoso_kpi *k = NULL;

	(void)state;
	memset(l1, 'L', 100);
	l1[100] = '\0';
	memset(l2, 'M', 255);
	l2[255] = '\0';
	snprintf(text, sizeof(text), HEAD "%s,U,1,2025-03-01,,,,,,,,\nB,U,1,2025-03-02,,,,,,,,\n"
	    "%s,U,1,2025-03-03,,,,,,,,\n%s,U,2,2025-03-04,,2025-03-05,,,,,,\n"
	    "B,U,2,2025-03-04,,,,,,,,\n%s,U,1,2025-03-06,,,,,,,,\n", l1, l2, l1, l2);
	count(regs, 1, "2025-03-01", "2025-03-31", HOSO_KPI_BY_UNIT, NULL, NULL, false, &k, &res);
	assert_int_equal(res.rows_read, 6);
	assert_int_equal(res.dossiers, 3);
	assert_int_equal(res.duplicates, 3);
	assert_int_equal(C(RECEIVED), 3);
	assert_int_equal(C(ONLINE), 2);	/* the last l1 and the last B */
	assert_int_equal(C(RESOLVED), 1);	/* the last l1 */
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
}

static void
months(void **state)
{
	const char *reg = HEAD
	    "A,U,1,2025-01-20,,2025-02-10,,,,,,\n"
	    "B,U,1,2025-02-05,,,,,,,,\n";
	struct hoso_kpi_result res;
	struct hoso_kpi *k = NULL;

	(void)state;
	count(&reg, 1, "2025-01-01", "2025-02-28", HOSO_KPI_BY_MONTH, NULL, NULL, false, &k, &res);
	assert_int_equal(res.n_rows, 2);
	assert_int_equal(res.rows[0].month, 2025 * 12 + 0);
	assert_int_equal(res.rows[0].counts[HOSO_KPI_RECEIVED], 1);
	assert_int_equal(res.rows[0].counts[HOSO_KPI_PENDING], 1);
	/* February: A carried over from January and resolved there; B received. */
	assert_int_equal(res.rows[1].counts[HOSO_KPI_CARRIED_OVER], 1);
	assert_int_equal(res.rows[1].counts[HOSO_KPI_RESOLVED], 1);
	assert_int_equal(res.rows[1].counts[HOSO_KPI_RECEIVED], 1);
	/* The total is the whole period, not a sum of months. */
	assert_int_equal(C(RECEIVED), 2);
	assert_int_equal(C(CARRIED_OVER), 0);
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
}

static const struct hoso_kpi_row *
row_of(const struct hoso_kpi_result *res, const char *unit)
{
	size_t i;

	for (i = 0; i < res->n_rows; i++)
		if (strcmp(res->rows[i].unit, unit) == 0)
			return &res->rows[i];
	return NULL;
}

static void
rollup_and_as_of(void **state)
{
	const char *reg = HEAD
	    "A,08707,2,2025-06-30,,,,,,,,Hộ tịch\n"	/* Phường Tích Sơn, its last day */
	    "B,08737,1,2025-06-10,,2025-07-02,,,,,,Đất đai\n"	/* Phường Hùng Vương */
	    "C,25,2,2025-07-01,,,,,,,,Hộ tịch\n";	/* Phú Thọ from the first day */
	const char *late = HEAD "D,08707,1,2025-07-01,,,,,,,,\n";
	struct hoso_units *u = vinh_phuc();
	struct hoso_kpi_result res;
	struct hoso_kpi *k = NULL;
	struct hoso_kpi_opts o;
	struct hoso_err err;
	uint32_t idx, to;
	int fd;

	(void)state;
	/* Roll-up: commune -> district -> province; every unit of Vĩnh Phúc listed. */
	count(&reg, 1, "2025-06-01", "2025-07-31", HOSO_KPI_BY_UNIT, u, NULL, false, &k, &res);
	assert_int_equal(row_of(&res, "26")->counts[HOSO_KPI_RECEIVED], 2);
	assert_int_equal(row_of(&res, "243")->counts[HOSO_KPI_RECEIVED], 1);
	assert_int_equal(row_of(&res, "08707")->counts[HOSO_KPI_RECEIVED], 1);
	assert_int_equal(row_of(&res, "25")->counts[HOSO_KPI_RECEIVED], 1);
	assert_int_equal(row_of(&res, "08710")->counts[HOSO_KPI_RECEIVED], 0);
	assert_int_equal(res.n_rows, 1 + 131);	/* Phú Thọ and all of Vĩnh Phúc */
	assert_int_equal(C(RECEIVED), 3);
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
	/* --direct: own dossiers only, non-zero rows only. */
	count(&reg, 1, "2025-06-01", "2025-07-31", HOSO_KPI_BY_UNIT, u, NULL, true, &k, &res);
	assert_int_equal(res.n_rows, 3);
	assert_null(row_of(&res, "26"));
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
	/* --as-of 2025-07-01: a commune without successor goes to Phú Thọ through Vĩnh Phúc. */
	count(&reg, 1, "2025-06-01", "2025-07-31", HOSO_KPI_BY_UNIT, u, "2025-07-01", false, &k, &res);
	assert_int_equal(res.n_rows, 1);
	assert_string_equal(res.rows[0].unit, "25");
	assert_int_equal(res.rows[0].counts[HOSO_KPI_RECEIVED], 3);
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
	/* --as-of a day before the reorganization changes nothing. */
	assert_true(hoso_units_find(u, "08707", hoso_date_day(2025, 6, 30), &idx));
	assert_int_equal(hoso_units_as_of(u, idx, hoso_date_day(2025, 6, 30), &to, &err), 0);
	assert_int_equal(to, idx);
	assert_int_equal(hoso_units_as_of(u, idx, hoso_date_day(2025, 7, 1), &to, &err), 0);
	assert_string_equal(hoso_units_get(u, to)->code, "25");
	/* By level, a unit's own level; by field, NFC names, sorted. */
	count(&reg, 1, "2025-06-01", "2025-07-31", HOSO_KPI_BY_LEVEL | HOSO_KPI_BY_FIELD, u, NULL,
	    false, &k, &res);
	assert_int_equal(res.n_rows, 2 + 1);
	assert_string_equal(res.rows[0].level, "tinh");
	assert_string_equal(res.rows[1].level, "xa");
	assert_string_equal(res.rows[1].field, "Hộ tịch");
	assert_string_equal(res.rows[2].field, "Đất đai");
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
	/* A commune code after it ended is unknown on that date: the error names row and date. */
	memset(&o, 0, sizeof(o));
	o.from = hoso_date_day(2025, 7, 1);
	o.to = o.from;
	assert_int_equal(hoso_kpi_new(&k, &o, u, &err), 0);
	fd = text_fd(late);
	assert_int_equal(hoso_kpi_add_fd(k, fd, "late.csv", &err), HOSO_EINPUT);
	assert_string_equal(err.msg, "late.csv:2: ma_don_vi: unit '08707' is not in the units file "
	    "on 2025-07-01 (ngay_tiep_nhan)");
	close(fd);
	hoso_kpi_free(k);
	hoso_units_free(u);
}

static void
bad_units_files(void **state)
{
	static const char *const bad[] = {
		"code,name,level,parent\n1,A,tinh,\n1,B,tinh,\n",
		"code,name,level,parent\n1,A,commune,\n",
		"code,name,level,parent\n1,A,xa,9\n",
		"code,name,level,parent,valid_from,valid_to,successor\n1,A,tinh,,,2025-06-30,7\n",
		"code,name,level,parent\n1,A,xa,2\n2,B,xa,1\n",
		"name,level\n",
	};
	struct hoso_units *u = NULL;
	struct hoso_err err;
	size_t i;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fd = text_fd(bad[i]);
		assert_int_equal(hoso_units_load(&u, fd, "u.csv", &err), HOSO_EINPUT);
		assert_null(u);
		assert_non_null(strstr(err.msg, "u.csv"));
		close(fd);
	}
}

/* Units met in registers without a units file: many codes, each found again (ASan watches). */
static void
adhoc_units(void **state)
{
	struct hoso_units *u = NULL;
	struct hoso_err err;
	char code[16];
	uint32_t idx;
	int i;

	(void)state;
	assert_int_equal(hoso_units_new(&u, &err), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(code, sizeof(code), "U%d", i);
		assert_int_equal(hoso_units_adhoc(u, code, &idx, &err), 0);
		assert_int_equal(idx, (uint32_t)i);
	}
	for (i = 999; i >= 0; i--) {
		snprintf(code, sizeof(code), "U%d", i);
		assert_int_equal(hoso_units_adhoc(u, code, &idx, &err), 0);
		assert_int_equal(idx, (uint32_t)i);
	}
	assert_int_equal(hoso_units_count(u), 1000);
	hoso_units_free(u);
}

/* The HTML report's trend: whole months before the period, cut to it inside, from the data's start. */
static void
trend(void **state)
{
	const char *reg = HEAD
	    "E,U,1,2023-01-01,,2023-02-01,,,,,,\n"
	    "A,U,1,2024-10-15,,2024-11-03,,,,,,\n"
	    "B,U,1,2024-12-31,,,,,,,,\n"
	    "C,U,2,2025-03-10,,2025-03-20,,,,,,\n"
	    "F,U,2,2025-03-02,,,,,,,,\n"
	    "D,U,1,2025-04-01,,,,,,,,\n";
	struct hoso_kpi_opts o;
	struct hoso_kpi_result res;
	struct hoso_kpi *k = NULL;
	struct hoso_err err;
	int fd, i;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_true(hoso_register_parse_date("2025-03-05", 10, &o.from));
	assert_true(hoso_register_parse_date("2025-03-31", 10, &o.to));
	o.trend_months = 12;
	assert_int_equal(hoso_kpi_new(&k, &o, NULL, &err), 0);
	fd = text_fd(reg);
	assert_int_equal(hoso_kpi_add_fd(k, fd, "r.csv", &err), 0);
	close(fd);
	assert_int_equal(hoso_kpi_count(k, &res, &err), 0);
	/* 2024-04..2025-03 less the empty months before A: 2024-10..2025-03. */
	assert_int_equal(res.n_trend, 6);
	assert_int_equal(res.trend[0].month, 2024 * 12 + 9);
	assert_int_equal(res.trend[0].counts[HOSO_KPI_RECEIVED], 1);
	assert_int_equal(res.trend[1].counts[HOSO_KPI_CARRIED_OVER], 1);
	assert_int_equal(res.trend[1].counts[HOSO_KPI_RESOLVED], 1);
	assert_int_equal(res.trend[2].counts[HOSO_KPI_RECEIVED], 1);
	assert_int_equal(res.trend[3].counts[HOSO_KPI_RECEIVED], 0);
	assert_int_equal(res.trend[3].counts[HOSO_KPI_PENDING], 1);
	/* The period's month is cut to the period (F, received on 03-02, is carried over): the total. */
	assert_int_equal(res.trend[5].month, 2025 * 12 + 2);
	for (i = 0; i < HOSO_KPI_N_COUNTS; i++)
		assert_int_equal(res.trend[5].counts[i], res.total.counts[i]);
	assert_int_equal(res.trend[5].counts[HOSO_KPI_CARRIED_OVER], 2);
	assert_int_equal(res.trend[5].counts[HOSO_KPI_ONLINE], 1);
	hoso_kpi_result_free(&res);
	assert_null(res.trend);
	hoso_kpi_free(k);

	/* Not asked for: not counted. */
	o.trend_months = 0;
	assert_int_equal(hoso_kpi_new(&k, &o, NULL, &err), 0);
	fd = text_fd(reg);
	assert_int_equal(hoso_kpi_add_fd(k, fd, "r.csv", &err), 0);
	close(fd);
	assert_int_equal(hoso_kpi_count(k, &res, &err), 0);
	assert_null(res.trend);
	assert_int_equal(res.n_trend, 0);
	hoso_kpi_result_free(&res);
	hoso_kpi_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(period_edges),
		cmocka_unit_test(duplicates_last_wins),
		cmocka_unit_test(long_codes_last_wins),
		cmocka_unit_test(months),
		cmocka_unit_test(rollup_and_as_of),
		cmocka_unit_test(bad_units_files),
		cmocka_unit_test(adhoc_units),
		cmocka_unit_test(trend),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
