/* test_register.c - the register CSV reader: quoting, separators, BOM, CRLF, dates, codes, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "register.h"

/* A file holding text, as an fd positioned at its start. */
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

/* Read all rows with a given block size; returns the status of the last call. */
static int
read_all(const char *text, size_t block, bool lenient, struct hoso_register_row *rows, size_t max,
    size_t *n, size_t *skipped, struct hoso_err *err)
{
	struct hoso_register_opts o = { "t.csv", block, 0, lenient, skipped, NULL };
	struct hoso_register *reg = NULL;
	static char codes[16][64];
	int fd = text_fd(text), r;

	*n = 0;
	if ((r = hoso_register_open(&reg, fd, &o, err)) == 0) {
		while ((r = hoso_register_next(reg, &rows[*n], err)) > 0 && *n < max) {
			/* Keep the code: the row's strings live until the next call. */
			snprintf(codes[*n], sizeof(codes[*n]), "%s", rows[*n].code);
			rows[*n].code = codes[*n];
			(*n)++;
		}
	}
	hoso_register_close(reg);
	close(fd);
	return r;
}

/*
 * The date rules spelt out a byte at a time, as the spec states them: the
 * reference the word-at-a-time parser is checked against.
 */
static bool
ref_date(const char *s, size_t n, int32_t *day)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *digits_at, *t;
	int y, m, d, v[8], h, mi, se;
	size_t i;

	if (n < 10)
		return false;
	if (s[4] == '-' && s[7] == '-')
		digits_at = "yyyy-mm-dd";
	else if (s[2] == '/' && s[5] == '/')
		digits_at = "dd/mm/yyyy";
	else
		return false;
	for (i = 0; i < 10; i++)
		if (digits_at[i] != '-' && digits_at[i] != '/' && !(s[i] >= '0' && s[i] <= '9'))
			return false;
	if (digits_at[0] == 'y') {
		y = atoi((char[]){ s[0], s[1], s[2], s[3], 0 });
		m = atoi((char[]){ s[5], s[6], 0 });
		d = atoi((char[]){ s[8], s[9], 0 });
	} else {
		d = atoi((char[]){ s[0], s[1], 0 });
		m = atoi((char[]){ s[3], s[4], 0 });
		y = atoi((char[]){ s[6], s[7], s[8], s[9], 0 });
	}
	if (n > 10) {
		t = s + 11;
		if (!(s[10] == ' ' || (s[10] == 'T' && digits_at[0] == 'y')) || (n != 16 && n != 19))
			return false;
		for (i = 0; i < n - 11; i++) {
			if (i == 2 || i == 5) {
				if (t[i] != ':')
					return false;
			} else if (!(t[i] >= '0' && t[i] <= '9')) {
				return false;
			} else {
				v[i] = t[i] - '0';
			}
		}
		h = v[0] * 10 + v[1];
		mi = v[3] * 10 + v[4];
		se = n == 19 ? v[6] * 10 + v[7] : 0;
		if (h > 23 || mi > 59 || se > 59)
			return false;
	}
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] +
	    (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return false;
	*day = hoso_date_day(y, m, d);
	return true;
}

/* Every byte value at every position of dates in both forms, with and without a time. */
static void
dates_every_byte(void **state)
{
	static const char *const base[] = {
		"2024-02-29", "2025-12-31 23:59", "2025-07-01T08:30:15", "0001-01-01",
		"29/02/2024", "31/12/2025 23:59", "01/07/2025 08:30:00", "09/10/1999",
	};
	char s[32];
	int32_t got, want;
	size_t b, i, n;
	int c;
	bool ok, r;

	(void)state;
	for (b = 0; b < sizeof(base) / sizeof(base[0]); b++) {
		n = strlen(base[b]);
		for (i = 0; i < n; i++) {
			for (c = 0; c < 256; c++) {
				memcpy(s, base[b], n + 1);
				s[i] = (char)c;
				got = want = -1;
				ok = ref_date(s, n, &want);
				r = hoso_register_parse_date(s, n, &got);
				if (r != ok || (ok && got != want))
					fail_msg("'%s' with byte %d at %zu: %d %d, reference %d %d", base[b],
					    c, i, r, got, ok, want);
			}
		}
	}
}

static void
dates(void **state)
{
	int32_t d, want = hoso_date_day(2025, 7, 1);
	char s[11];

	(void)state;
	assert_true(hoso_register_parse_date("2025-07-01", 10, &d) && d == want);
	assert_true(hoso_register_parse_date("2025-07-01 23:59", 16, &d) && d == want);
	assert_true(hoso_register_parse_date("2025-07-01T08:30:15", 19, &d) && d == want);
	assert_true(hoso_register_parse_date("01/07/2025", 10, &d) && d == want);
	assert_true(hoso_register_parse_date("01/07/2025 08:30", 16, &d) && d == want);
	assert_true(hoso_register_parse_date("01/07/2025 08:30:00", 19, &d) && d == want);
	assert_true(hoso_register_parse_date("2024-02-29", 10, &d));
	assert_false(hoso_register_parse_date("2025-02-29", 10, &d));
	assert_false(hoso_register_parse_date("2025-13-01", 10, &d));
	assert_false(hoso_register_parse_date("2025-07-01 24:00", 16, &d));
	assert_false(hoso_register_parse_date("1/7/2025", 8, &d));
	assert_false(hoso_register_parse_date("01/07/2025T08:30", 16, &d));
	assert_false(hoso_register_parse_date("2025-07-01Z", 11, &d));
	assert_int_equal(hoso_date_day(1970, 1, 1), 0);
	hoso_date_ymd(want, s);
	assert_string_equal(s, "2025-07-01");
}

static void
quoting_bom_crlf_and_blocks(void **state)
{
	const char *text = "\xef\xbb\xbf Ma_Ho_So ,KENH,ngay_tiep_nhan,ma_don_vi,linh_vuc,extra\r\n"
	    "\"A,1\",1,2025-01-02,X,\"Hộ \"\"tịch\"\"\nmới\",ignored\r\n"
	    "\r\n"
	    "B,truc_tuyen,02/01/2025 10:00,X,,\r\n"
	    "C,3,2025-01-02T10:00,X,\"\",\"\"";
	struct hoso_register_row rows[8];
	struct hoso_err err;
	size_t n, block;

	(void)state;
	/* Every block size, down to one byte: rows, quotes and CRLF straddle the reads. */
	for (block = 1; block <= 64; block++) {
		assert_int_equal(read_all(text, block, false, rows, 8, &n, NULL, &err), 0);
		assert_int_equal(n, 3);
		assert_string_equal(rows[0].code, "A,1");
		assert_int_equal(rows[0].kenh, HOSO_KENH_TRUC_TIEP);
		assert_int_equal(rows[0].line, 2);
		assert_string_equal(rows[1].code, "B");
		assert_int_equal(rows[1].kenh, HOSO_KENH_TRUC_TUYEN);
		assert_int_equal(rows[1].line, 5);	/* a quoted newline and a blank line before */
		assert_int_equal(rows[1].recv, hoso_date_day(2025, 1, 2));
		assert_null(rows[1].field);
		assert_int_equal(rows[2].kenh, HOSO_KENH_BUU_CHINH);
		assert_int_equal(rows[2].line, 6);
	}
}

/* The last byte a separator (an empty last cell, no final newline); lines of only blanks. */
static void
ends_and_blank_lines(void **state)
{
	static const char *const texts[] = {
		"ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,x\nA1,X,2,2025-03-01,",
		"ma_ho_so;ma_don_vi;kenh;ngay_tiep_nhan;x\r\nA0;X;2;2025-03-01;a\r\nA1;X;2;2025-03-01;",
		"ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,linh_vuc\n \n\t\n  \t \r\nA1,X,2,2025-03-01,\n \n",
	};
	static const size_t want[] = { 1, 2, 1 };
	struct hoso_register_row rows[8];
	struct hoso_err err;
	size_t i, n, block;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		/* The separator is told from the first block: the ';' header must fit in it. */
		for (block = i == 1 ? 48 : 1; block <= 80; block++) {
			hoso_err_clear(&err);
			if (read_all(texts[i], block, false, rows, 8, &n, NULL, &err) != 0)
				fail_msg("text %zu, block %zu: %s", i, block, err.msg);
			assert_int_equal(n, want[i]);
			assert_string_equal(rows[n - 1].code, "A1");
			assert_null(rows[n - 1].field);
		}
	}
	/* A header ending in a separator and nothing else: no row, no error. */
	assert_int_equal(read_all("ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,", 16, false, rows, 8, &n,
	    NULL, &err), 0);
	assert_int_equal(n, 0);
}

static void
separators(void **state)
{
	struct hoso_register_row rows[4];
	struct hoso_err err;
	size_t n;

	(void)state;
	assert_int_equal(read_all("ma_ho_so;ma_don_vi;kenh;ngay_tiep_nhan\nA;1,5;2;2025-01-01\n", 0,
	    false, rows, 4, &n, NULL, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].code, "A");
	assert_int_equal(read_all("ma_ho_so\tma_don_vi\tkenh\tngay_tiep_nhan\nA;B\tU\t2\t2025-01-01\n",
	    0, false, rows, 4, &n, NULL, &err), 0);
	assert_string_equal(rows[0].code, "A;B");
}

static void
legacy_codes_and_booleans(void **state)
{
	const char *text = "ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,muc_do,so_hoa_ho_so,ky_so,"
	    "so_hoa_ket_qua,thanh_toan_truc_tuyen\n"
	    "A,U,1,2025-01-01,4,có,true,0,\n"
	    "B,U,1,2025-01-01,3,co\xcc\x81,1,kho\xcc\x82ng,false\n"	/* NFD có, không */
	    "C,U,1,2025-01-01,2,Có,0,KHÔNG,TRUE\n"
	    "D,U,1,2025-01-01,1,,,,\n"
	    "E,U,1,2025-01-01,khong,,,,\n";
	struct hoso_register_row rows[8];
	struct hoso_err err;
	size_t n;

	(void)state;
	assert_int_equal(read_all(text, 0, false, rows, 8, &n, NULL, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rows[0].muc_do, HOSO_MUC_DO_TOAN_TRINH);
	assert_int_equal(rows[1].muc_do, HOSO_MUC_DO_MOT_PHAN);
	assert_int_equal(rows[2].muc_do, HOSO_MUC_DO_KHONG);
	assert_int_equal(rows[3].muc_do, HOSO_MUC_DO_KHONG);
	assert_int_equal(rows[4].muc_do, HOSO_MUC_DO_KHONG);
	assert_int_equal(rows[0].flags, HOSO_REG_SO_HOA_HO_SO | HOSO_REG_KY_SO);
	assert_int_equal(rows[1].flags, HOSO_REG_SO_HOA_HO_SO | HOSO_REG_KY_SO);
	assert_int_equal(rows[2].flags, HOSO_REG_SO_HOA_HO_SO | HOSO_REG_THANH_TOAN_TRUC_TUYEN);
	assert_int_equal(rows[3].flags, 0);
}

static void
errors_name_file_line_column(void **state)
{
	struct hoso_register_row rows[4];
	struct hoso_err err;
	size_t n, skipped[HOSO_REG_SKIP_MAX];
	const char *bad = "ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,ngay_ket_thuc\n"
	    "A,U,1,2025-01-05,2025-01-04\n"
	    ",U,1,2025-01-05,\n"
	    "C,U,fax,2025-01-05,\n"
	    "D,U,1,2025-01-05 25:00,\n"
	    "\"E\"x,U,1,2025-01-05,\n"
	    "F,U,1,2025-01-05,,surplus\n"
	    "G,U\xff,1,2025-01-05,\n"
	    "H,U,1,2025-01-05,2025-01-05\n";

	(void)state;
	assert_int_equal(read_all(bad, 0, false, rows, 4, &n, NULL, &err), HOSO_EINPUT);
	assert_string_equal(err.msg, "t.csv:2: ngay_ket_thuc: before ngay_tiep_nhan (2025-01-05)");
	memset(skipped, 0, sizeof(skipped));
	assert_int_equal(read_all(bad, 0, true, rows, 4, &n, skipped, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].code, "H");
	assert_int_equal(skipped[HOSO_REG_SKIP_ORDER], 1);
	assert_int_equal(skipped[HOSO_REG_SKIP_EMPTY], 1);
	assert_int_equal(skipped[HOSO_REG_SKIP_VALUE], 1);
	assert_int_equal(skipped[HOSO_REG_SKIP_DATE], 1);
	assert_int_equal(skipped[HOSO_REG_SKIP_TEXT], 3);
	assert_int_equal(read_all("ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nA,U\xff,1,2025-01-01\n", 0,
	    false, rows, 4, &n, NULL, &err), HOSO_EINPUT);
	assert_string_equal(err.msg, "t.csv:2: ma_don_vi: not valid UTF-8");
	assert_int_equal(read_all("ma_ho_so,ma_don_vi,kenh\n", 0, false, rows, 4, &n, NULL, &err),
	    HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "t.csv: the header has no column 'ngay_tiep_nhan'"));
	assert_int_equal(read_all("ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\n\"A,U,1,2025-01-01\n", 0,
	    true, rows, 4, &n, skipped, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "t.csv:2: a quoted cell is not closed"));
	assert_int_equal(read_all("", 0, false, rows, 4, &n, NULL, &err), HOSO_EINPUT);
}

/*
 * Cells are checked for UTF-8 a line at a time when no quote is in it: same
 * verdicts, wherever a sequence falls across the scanner's 16- and 32-byte
 * chunks (the code before it is padded by 0 to 40 bytes).
 */
static void
utf8_checked_per_line(void **state)
{
	static const struct {
		const char *field;	/* linh_vuc, last on the line */
		bool ok;
	} cases[] = {
		{ "H\xe1\xbb\x99 t\xe1\xbb\x8b" "ch", true }, { "\xf0\x9f\x98\x80", true },
		{ "\xc3\xb3\xc3\xb3\xc3\xb3\xc3\xb3\xc3\xb3", true }, { "\xc0\x80", false },
		{ "\xed\xa0\x80", false }, { "\xf4\x90\x80\x80", false }, { "\xe1\xbb", false },
		{ "abcdefgh\xe1\xbb\r", false }, { "\xe1\xbb\x99\r", true }, { "\x80", false },
		{ "\xf5\x80\x80\x80", false }, { "\xe0\x9f\xbf", false },
	};
	static const size_t blocks[] = { 0, 7, 64 };
	struct hoso_register_row rows[4];
	struct hoso_err err;
	char text[256];
	size_t i, b, n;
	int pad;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]) * 41; i++) {
		pad = (int)(i / (sizeof(cases) / sizeof(cases[0])));
		snprintf(text, sizeof(text), "ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,linh_vuc\n"
		    "A-%.*s1,UNIT0001,truc_tiep,2025-01-05,%s\n", pad,
		    "0000000000000000000000000000000000000000", cases[i % (sizeof(cases) /
		    sizeof(cases[0]))].field);
		for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
			hoso_err_clear(&err);
			if (cases[i % (sizeof(cases) / sizeof(cases[0]))].ok) {
				assert_int_equal(read_all(text, blocks[b], false, rows, 4, &n, NULL, &err), 0);
				assert_int_equal(n, 1);
			} else {
				assert_int_equal(read_all(text, blocks[b], false, rows, 4, &n, NULL, &err),
				    HOSO_EINPUT);
				assert_string_equal(err.msg, "t.csv:2: linh_vuc: not valid UTF-8");
			}
		}
	}
}

static void
rows_are_bounded(void **state)
{
	size_t skipped[HOSO_REG_SKIP_MAX] = { 0 };
	struct hoso_register_opts o = { "big.csv", 4096, 1000, false, NULL, NULL };
	struct hoso_register *reg = NULL;
	struct hoso_register_row row;
	struct hoso_err err;
	char *text = malloc(5000);
	int fd;

	(void)state;
	assert_non_null(text);
	memcpy(text, "ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nA,", 41);
	memset(text + 41, 'x', 3000);
	memcpy(text + 3041, ",1,2025-01-01\nB,U,1,2025-01-01\n", 32);
	fd = text_fd(text);
	assert_int_equal(hoso_register_open(&reg, fd, &o, &err), 0);
	assert_int_equal(hoso_register_next(reg, &row, &err), HOSO_EINPUT);
	assert_string_equal(err.msg, "big.csv:2: ma_don_vi: the row is longer than 1000 bytes");
	hoso_register_close(reg);
	/* --lenient: the long row is skipped whole, and the next one read. */
	o.lenient = true;
	o.skipped = skipped;
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(hoso_register_open(&reg, fd, &o, &err), 0);
	assert_int_equal(hoso_register_next(reg, &row, &err), 1);
	assert_string_equal(row.code, "B");
	assert_int_equal(row.line, 3);
	assert_int_equal(skipped[HOSO_REG_SKIP_TEXT], 1);
	assert_int_equal(hoso_register_next(reg, &row, &err), 0);
	hoso_register_close(reg);
	close(fd);
	free(text);
}

/* Parts of one file (-j): a part ends after the last record that starts in it. */
static void
parts_resume_where_the_part_before_ended(void **state)
{
	const char *text = "ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,linh_vuc\r\n"
	    "A,U1,1,2025-01-02,x\r\n"
	    "B,U1,1,2025-01-02,\"two\r\nC,U1,1,2025-01-02,fake\r\n\"\r\n"
	    "D,U1,2,2025-01-03,y\n";
	const size_t blocks[] = { 4, 7, 0 };
	uint64_t header_end = (uint64_t)(strstr(text, "A,U1") - text);
	uint64_t cut = (uint64_t)(strstr(text, "C,U1") - text);
	uint64_t d_start = (uint64_t)(strstr(text, "D,U1") - text), at;
	struct hoso_register_row row;
	struct hoso_err err;
	size_t b;
	long line;
	int fd = text_fd(text), r;

	(void)state;
	for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
		struct hoso_register_opts o = { "t.csv", blocks[b], 0, false, NULL, NULL };
		struct hoso_register *head = NULL, *part = NULL;

		assert_int_equal(hoso_register_open(&head, fd, &o, &err), 0);
		assert_true(hoso_register_splittable(head));
		assert_int_equal(hoso_register_position(head, &at, &line, &err), 0);
		assert_int_equal(at, header_end);
		assert_int_equal(line, 2);

		/* The first part: A, then B, whose quoted cell runs past the cut. */
		assert_int_equal(hoso_register_open_part(&part, head, fd, header_end, cut, 2, &o, &err),
		    0);
		assert_int_equal(hoso_register_next(part, &row, &err), 1);
		assert_string_equal(row.code, "A");
		assert_int_equal(row.line, 2);
		assert_int_equal(hoso_register_next(part, &row, &err), 1);
		assert_string_equal(row.code, "B");
		assert_int_equal(row.line, 3);
		assert_int_equal(hoso_register_next(part, &row, &err), 0);
		assert_int_equal(hoso_register_position(part, &at, &line, &err), 0);
		assert_int_equal(at, d_start);	/* not the cut: a part from the cut guessed wrong */
		assert_int_equal(line, 6);
		hoso_register_close(part);

		/* A part from the cut reads the fake row C, then a quote that never closes. */
		assert_int_equal(hoso_register_open_part(&part, head, fd, cut, UINT64_MAX, 1, &o, &err),
		    0);
		assert_int_equal(hoso_register_next(part, &row, &err), 1);
		assert_string_equal(row.code, "C");
		assert_true(hoso_register_next(part, &row, &err) < 0);
		hoso_register_close(part);

		/* Read again from where the first part ended: D, on its true line. */
		assert_int_equal(hoso_register_open_part(&part, head, fd, d_start, UINT64_MAX, 6, &o,
		    &err), 0);
		assert_int_equal(hoso_register_next(part, &row, &err), 1);
		assert_string_equal(row.code, "D");
		assert_int_equal(row.line, 6);
		assert_int_equal(row.kenh, HOSO_KENH_TRUC_TUYEN);
		assert_int_equal((r = hoso_register_next(part, &row, &err)), 0);
		assert_int_equal(hoso_register_position(part, &at, &line, &err), 0);
		assert_int_equal(at, strlen(text));
		assert_int_equal(line, 7);
		hoso_register_close(part);
		hoso_register_close(head);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	}
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates),
		cmocka_unit_test(dates_every_byte),
		cmocka_unit_test(quoting_bom_crlf_and_blocks),
		cmocka_unit_test(separators),
		cmocka_unit_test(ends_and_blank_lines),
		cmocka_unit_test(legacy_codes_and_booleans),
		cmocka_unit_test(errors_name_file_line_column),
		cmocka_unit_test(utf8_checked_per_line),
		cmocka_unit_test(rows_are_bounded),
		cmocka_unit_test(parts_resume_where_the_part_before_ended),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
