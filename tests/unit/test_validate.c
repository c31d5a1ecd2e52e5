/* test_validate.c - normalization and every validator of form-field values (specs/forms.md). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "validate.h"

/* One case: raw in; ok, value, corrected out; a piece the reason must hold (NULL: any). */
struct vcase {
	const char *raw;
	bool ok;
	const char *value;
	bool corrected;
	const char *reason;
};

static const char *const sex[] = { "Nam", "Nữ" };

static void
run_cases(enum hoso_validate_type type, const struct vcase *c, size_t n, const char *const *values,
    size_t n_values)
{
	struct hoso_buf value = HOSO_BUF_INIT(0);
	struct hoso_validate_result res;
	struct hoso_err err;
	size_t i;
	bool bad;

	for (i = 0; i < n; i++) {
		hoso_err_clear(&err);
		assert_int_equal(hoso_validate_value(type, c[i].raw, values, n_values, &value, &res,
		    &err), 0);
		bad = res.ok != c[i].ok || res.corrected != c[i].corrected ||
		    (c[i].value != NULL && strcmp(hoso_buf_str(&value), c[i].value) != 0) ||
		    (c[i].reason != NULL && strstr(res.reason, c[i].reason) == NULL) ||
		    (res.ok && !res.corrected && res.reason[0] != '\0') ||
		    (!res.ok && res.reason[0] == '\0') || !hoso_utf8_valid(value.data, value.len);
		if (bad) {
			print_error("%s case %zu '%s': got ok=%d corrected=%d value='%s' reason='%s'; "
			    "want ok=%d corrected=%d value='%s' reason~'%s'\n",
			    hoso_validate_type_name(type), i, c[i].raw, res.ok, res.corrected,
			    hoso_buf_str(&value), res.reason, c[i].ok, c[i].corrected,
			    c[i].value ? c[i].value : "(any)", c[i].reason ? c[i].reason : "(any)");
			fail();
		}
	}
	hoso_buf_free(&value);
}

#define RUN(type, cases) run_cases(type, cases, sizeof(cases) / sizeof(cases[0]), NULL, 0)

static void
type_names(void **state)
{
	static const char *const names[] = { "text", "name", "cccd", "date", "datetime", "year",
	    "phone", "email", "dossier-code", "enum" };
	enum hoso_validate_type t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(hoso_validate_type_parse(names[i], &t), 0);
		assert_int_equal((int)t, (int)i);
		assert_string_equal(hoso_validate_type_name(t), names[i]);
	}
	assert_int_equal(hoso_validate_type_parse("Date", &t), HOSO_EUSAGE);
	assert_int_equal(hoso_validate_type_parse("", &t), HOSO_EUSAGE);
	assert_int_equal(hoso_validate_type_parse("dossier_code", &t), HOSO_EUSAGE);
}

static void
bad_arguments(void **state)
{
	struct hoso_buf value = HOSO_BUF_INIT(0);
	struct hoso_validate_result res;
	struct hoso_err err;
	const char *const with_null[] = { "Nam", NULL };
	const char *const not_utf8[] = { "Nam", "N\xff" };

	(void)state;
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_TEXT, NULL, NULL, 0, &value, &res, &err),
	    HOSO_EUSAGE);
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_TEXT, "x", NULL, 0, NULL, &res, &err),
	    HOSO_EUSAGE);
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_TEXT, "x", NULL, 0, &value, NULL, &err),
	    HOSO_EUSAGE);
	assert_int_equal(hoso_validate_value((enum hoso_validate_type)99, "x", NULL, 0, &value, &res,
	    &err), HOSO_EUSAGE);
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_ENUM, "Nam", NULL, 0, &value, &res, &err),
	    HOSO_EUSAGE);
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_ENUM, "Nam", sex, 0, &value, &res, &err),
	    HOSO_EUSAGE);
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_ENUM, "Nam", with_null, 2, &value, &res,
	    &err), HOSO_EUSAGE);
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_ENUM, "Nam", not_utf8, 2, &value, &res,
	    &err), HOSO_EUSAGE);
	assert_true(err.msg[0] != '\0');
	/* A value longer than the caller's buffer allows is the buffer's error, not a crash. */
	value.max = 4;
	assert_true(hoso_validate_value(HOSO_VALIDATE_TEXT, "Nguyễn Văn An", NULL, 0, &value, &res,
	    &err) < 0);
	assert_false(res.ok);
	hoso_buf_free(&value);
}

/* What every type shares: spaces, NFC, leaders, stray punctuation, empty. */
static void
normalization(void **state)
{
	static const struct vcase text[] = {
		{ "  Ủy ban   nhân dân\txã\nTích Sơn  ", true, "Ủy ban nhân dân xã Tích Sơn", false,
		    NULL },
		/* NFD in, NFC out: "Nguyễn" with combining tilde and circumflex. */
		{ "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n", true, "Nguyễn Văn", false, NULL },
		{ "Ho\xcc\x80" "a Bi\xcc\x80nh", true, "Hòa Bình", false, NULL },
		/* Leader lines of every kind, before, after and inside. */
		{ "………… Hà Nội …………", true, "Hà Nội", false, NULL },
		{ "Hà Nội.....................", true, "Hà Nội", false, NULL },
		{ "Hà Nội . . . . . . .", true, "Hà Nội", false, NULL },
		{ "Hà Nội ____________", true, "Hà Nội", false, NULL },
		{ "Hà Nội……", true, "Hà Nội", false, NULL },
		{ "Hà Nội‥", true, "Hà Nội", false, NULL },
		{ "Số 5 ........ phố Huế", true, "Số 5 phố Huế", false, NULL },
		{ "Số 5 … phố Huế", true, "Số 5 phố Huế", false, NULL },
		{ "thôn 3 . . . xã A", true, "thôn 3 xã A", false, NULL },
		{ "A·····B", true, "A B", false, NULL },
		/* Stray punctuation at the ends; what is inside stays. */
		{ ": UBND xã Tích Sơn", true, "UBND xã Tích Sơn", false, NULL },
		{ ":: UBND: xã A, tỉnh B ;", true, "UBND: xã A, tỉnh B", false, NULL },
		{ "- Chuyển hộ khẩu -", true, "Chuyển hộ khẩu", false, NULL },
		{ "| Hà Nội |", true, "Hà Nội", false, NULL },
		{ "Hà Nội.", true, "Hà Nội", false, NULL },
		{ "Đăng ký tại Hà Nội.", true, "Đăng ký tại Hà Nội.", false, NULL },
		{ "08/2021.", true, "08/2021", false, NULL },
		{ "Đăng ký tại Hà Nội..", true, "Đăng ký tại Hà Nội", false, NULL },
		{ "Đăng ký tại Hà Nội .", true, "Đăng ký tại Hà Nội", false, NULL },
		{ "a.b", true, "a.b", false, NULL },
		{ "a..b", false, "a..b", false, "'..'" },
		{ "ông_bà", false, "ông_bà", false, "'_'" },
		{ "(ghi rõ)", true, "(ghi rõ)", false, NULL },
		/* Unicode spaces and invisible characters. */
		{ "Hà\xc2\xa0Nội", true, "Hà Nội", false, NULL },
		{ "Hà\xe2\x80\x83\xe3\x80\x80Nội", true, "Hà Nội", false, NULL },
		{ "\xef\xbb\xbfH\xe2\x80\x8b\xc3\xa0 N\xe1\xbb\x99i\xc2\xad", true, "Hà Nội", false, NULL },
		/* A zero-width space between a letter and its accent: removed, then composed. */
		{ "Ha\xe2\x80\x8b\xcc\x80", true, "Hà", false, NULL },
		/* Empty after normalization: never ok. */
		{ "", false, "", false, "empty" },
		{ "   ", false, "", false, "empty" },
		{ "……………", false, "", false, "empty" },
		{ ". . . . .", false, "", false, "empty" },
		{ ":", false, "", false, "empty" },
		{ "___ : ___", false, "", false, "empty" },
		{ "\xe2\x80\x8b", false, "", false, "empty" },
		/* Not UTF-8: flagged, and what is kept is printable. */
		{ "H\xff Nội", false, "H\\xFF Nội", false, "UTF-8" },
		{ "\xc3\x28", false, NULL, false, "UTF-8" },
	};
	static const struct vcase empty_everywhere[] = {
		{ " .......... ", false, "", false, "empty" },
	};
	enum hoso_validate_type t;

	(void)state;
	RUN(HOSO_VALIDATE_TEXT, text);
	for (t = HOSO_VALIDATE_TEXT; t <= HOSO_VALIDATE_ENUM; t++)
		run_cases(t, empty_everywhere, 1, sex, 2);
}

static void
name_cases(void **state)
{
	static const struct vcase c[] = {
		{ "NGUYỄN VĂN AN", true, "NGUYỄN VĂN AN", false, NULL },
		{ "Nguyễn Văn An", true, "Nguyễn Văn An", false, NULL },
		{ "nguyễn văn an", true, "nguyễn văn an", false, NULL },	/* case as written */
		{ "Trần Thị Thu Hương", true, NULL, false, NULL },
		{ "Đặng Vũ Huỳnh Như", true, NULL, false, NULL },
		{ "ĐỖ QUỲNH ƯNG", true, NULL, false, NULL },
		{ "Lê Ngọc Ánh", true, NULL, false, NULL },
		{ "Vương Thị Ỷ", true, NULL, false, NULL },
		{ "H'Hen Niê", true, NULL, false, NULL },
		{ "Ksor H’Bin", true, NULL, false, NULL },
		{ "Lò Văn Pá-Xi", true, NULL, false, NULL },
		{ "John Smith", true, NULL, false, NULL },	/* no marks: foreign, not checked */
		{ "Huỳnh Thu UyÊn", false, NULL, false, "mixed case in 'UyÊn'" },
		{ "HƯỲNH THẾ SƠN", false, NULL, false, "'HƯỲNH' is not a Vietnamese syllable" },
		{ "NGUYỄN THỊ NGỌC BÍCH", true, NULL, false, NULL },
		{ "Họ, chữ đệm, tên: ...... Phạm Minh Quân", false, NULL, false, "','" },
		{ ": Phạm Minh Quân ......", true, "Phạm Minh Quân", false, NULL },
		{ "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3", true, "Nguyễn Thị", false, NULL },
		{ "Nguyễn Văn A1", false, "Nguyễn Văn A1", false, "digit" },
		{ "Nguy3n Văn An", false, NULL, false, "digit" },
		{ "0912345678", false, NULL, false, "digit" },
		{ "Nguyễn (Văn) An", false, NULL, false, "'('" },
		{ "Nguyễn Văn @n", false, NULL, false, "'@'" },
		{ "Nguyễn Văn An!", false, NULL, false, "'!'" },
		{ "Nguyễn/Văn", false, NULL, false, "'/'" },
		{ "'Nguyễn", false, NULL, false, "'''" },
		{ "Nguyễn - Văn", false, NULL, false, "'-'" },
		{ "Nguyễn Vañ", false, NULL, false, "'ñ'" },		/* not a Vietnamese letter */
		{ "Nguyễn Văn Ан", false, NULL, false, "not a letter" },	/* Cyrillic */
		/* A tone mark that composes with nothing is not a letter. */
		{ "Nguyễn B\xcc\x83\xcc\x80", false, NULL, false, "not a letter" },
	};

	(void)state;
	RUN(HOSO_VALIDATE_NAME, c);
}

static void
cccd_cases(void **state)
{
	static const struct vcase c[] = {
		{ "001203004567", true, "001203004567", false, NULL },
		{ "096099000001", true, "096099000001", false, NULL },
		{ "001 203 004 567", true, "001203004567", false, NULL },
		{ "001.203.004.567", true, "001203004567", false, NULL },
		{ "001-203-004-567", true, "001203004567", false, NULL },
		{ "0 0 1 2 0 3 0 0 4 5 6 7", true, "001203004567", false, NULL },
		{ ": 001203004567 .......", true, "001203004567", false, NULL },
		/* Province boundaries. */
		{ "000203004567", false, "000203004567", false, "province code 000" },
		{ "097203004567", false, "097203004567", false, "province code 097" },
		{ "999203004567", false, NULL, false, "province code 999" },
		/* Length boundaries. */
		{ "00120300456", false, "00120300456", false, "11 digits" },
		{ "0012030045678", false, "0012030045678", false, "13 digits" },
		{ "001203004", false, NULL, false, "9 digits" },
		/* Every OCR confusion, corrected because the result validates. */
		{ "OO1203004567", true, "001203004567", true, "O->0 at 1, O->0 at 2" },
		{ "0o1203004567", true, "001203004567", true, "o->0 at 2" },
		{ "00l203004567", true, "001203004567", true, "l->1 at 3" },
		{ "00I203004567", true, "001203004567", true, "I->1 at 3" },
		{ "00|203004567", true, "001203004567", true, "|->1 at 3" },
		{ "|23456789012", false, NULL, false, "province code 123" },
		{ "0012030045S7", true, "001203004557", true, "S->5 at 11" },
		{ "0012030B4567", true, "001203084567", true, "B->8 at 8" },
		{ "OOl2O3OO4S67", true, "001203004567", true,
		    "O->0 at 1, O->0 at 2, l->1 at 3, O->0 at 5, O->0 at 7, O->0 at 8, S->5 at 10" },
		{ "001 2O3 004 567", true, "001203004567", true, "O->0 at 5" },
		/* Correction NOT applied: the result would still fail. */
		{ "O97203004567", false, "O97203004567", false,
		    "'O' is not a digit (read as digits it still fails: province code 097" },
		{ "OO120300456", false, "OO120300456", false,
		    "read as digits it still fails: 11 digits" },
		{ "OOO203004567", false, "OOO203004567", false, "province code 000" },
		{ "0012030045678S", false, "0012030045678S", false, "14 digits" },
		/* Letters that are not confusions: no correction at all. */
		{ "0012030045Z7", false, "0012030045Z7", false, "'Z' is not a digit" },
		{ "001203004567 cấp ngày", false, NULL, false, "'c' is not a digit" },
		{ "s01203004567", false, NULL, false, "'s'" },	/* only capital S is a 5 */
		{ "Số 001203004567", false, NULL, false, "'S' is not a digit" },
		{ "00120300456,7", false, NULL, false, "','" },
	};

	(void)state;
	RUN(HOSO_VALIDATE_CCCD, c);
}

static void
date_cases(void **state)
{
	static const struct vcase c[] = {
		{ "05/03/2026", true, "2026-03-05", false, NULL },
		{ "05-03-2026", true, "2026-03-05", false, NULL },
		{ "05.03.2026", true, "2026-03-05", false, NULL },
		{ "5/3/2026", true, "2026-03-05", false, NULL },
		{ "05 / 03 / 2026", true, "2026-03-05", false, NULL },
		{ "05 – 03 – 2026", true, "2026-03-05", false, NULL },
		{ "ngày 05 tháng 03 năm 2026", true, "2026-03-05", false, NULL },
		{ "Ngày 5 tháng 3 năm 2026", true, "2026-03-05", false, NULL },
		{ "NGÀY 05 THÁNG 3 NĂM 2026", true, "2026-03-05", false, NULL },
		{ "ngay 05 thang 03 nam 2026", true, "2026-03-05", false, NULL },
		{ "ngày 05, tháng 03, năm 2026", true, "2026-03-05", false, NULL },
		{ "05 tháng 03 năm 2026", true, "2026-03-05", false, NULL },
		{ "nga\xcc\x80y 05 tha\xcc\x81ng 03 na\xcc\x86m 2026", true, "2026-03-05", false, NULL },
		{ "ngày 05/03/2026", true, "2026-03-05", false, NULL },
		{ ": 05/03/2026 ..........", true, "2026-03-05", false, NULL },
		{ "2026-03-05", true, "2026-03-05", false, NULL },	/* the canonical form */
		{ "05/03/2020 ghi bằng chữ: Ngày năm tháng ba năm hai nghìn hai mươi", true,
		    "2020-03-05", false, NULL },
		{ "05/03/2020 (bằng chữ: ngày năm tháng ba)", true, "2020-03-05", false, NULL },
		/* Leap years. */
		{ "29/02/2024", true, "2024-02-29", false, NULL },
		{ "29/02/2000", true, "2000-02-29", false, NULL },
		{ "29/02/2023", false, "29/02/2023", false, "no 29 February in 2023" },
		{ "29/02/1900", false, NULL, false, "no 29 February in 1900" },
		{ "29/02/2100", false, NULL, false, "no 29 February in 2100" },
		{ "30/02/2024", false, NULL, false, "no day 30 in month 2" },
		/* Month lengths. */
		{ "31/04/2023", false, NULL, false, "no day 31 in month 4" },
		{ "31/06/2023", false, NULL, false, "no day 31 in month 6" },
		{ "31/09/2023", false, NULL, false, "no day 31 in month 9" },
		{ "31/11/2023", false, NULL, false, "no day 31 in month 11" },
		{ "31/12/2023", true, "2023-12-31", false, NULL },
		{ "30/04/2023", true, "2023-04-30", false, NULL },
		{ "00/04/2023", false, NULL, false, "no day 0" },
		{ "15/13/2023", false, NULL, false, "month 13" },
		{ "15/00/2023", false, NULL, false, "month 0" },
		/* Year range. */
		{ "01/01/1900", true, "1900-01-01", false, NULL },
		{ "31/12/2100", true, "2100-12-31", false, NULL },
		{ "31/12/1899", false, NULL, false, "year 1899 is not 1900-2100" },
		{ "01/01/2101", false, NULL, false, "year 2101 is not 1900-2100" },
		/* Shapes that are not dates. */
		{ "05/03/26", false, "05/03/26", false, "not a date" },
		{ "2026/03/05", false, NULL, false, "not a date" },
		{ "05032026", false, NULL, false, "not a date" },
		{ "005/03/2026", false, NULL, false, "not a date" },
		{ "05/03", false, NULL, false, "not a date" },
		{ "ngày tháng năm", false, NULL, false, "not a date" },
		{ "ngày 05 tháng 03", false, NULL, false, "not a date" },
		{ "O5/03/2026", false, NULL, false, "not a date" },
		{ "05/03/2026 08:30", false, NULL, false, "text after the date" },
		{ "05/03/2026 và 06/03/2026", false, NULL, false, "text after the date" },
	};

	(void)state;
	RUN(HOSO_VALIDATE_DATE, c);
}

static void
datetime_cases(void **state)
{
	static const struct vcase c[] = {
		{ "8 giờ 30 phút, ngày 05 tháng 3 năm 2026", true, "2026-03-05T08:30", false, NULL },
		{ "08 giờ 30 phút ngày 05/03/2026", true, "2026-03-05T08:30", false, NULL },
		{ "8h30 ngày 05/03/2026", true, "2026-03-05T08:30", false, NULL },
		{ "8h30, 05/03/2026", true, "2026-03-05T08:30", false, NULL },
		{ "8g30 ngày 05/03/2026", true, "2026-03-05T08:30", false, NULL },
		{ "8:30 ngày 05/03/2026", true, "2026-03-05T08:30", false, NULL },
		{ "8 giờ 30 phút chiều, ngày 05/03/2026", false, NULL, false, "not a date and time" },
		{ "8H30' ngày 5/3/2026", true, "2026-03-05T08:30", false, NULL },
		{ "08:30 05-03-2026", true, "2026-03-05T08:30", false, NULL },
		{ "8 gio 30 phut, ngay 05 thang 3 nam 2026", true, "2026-03-05T08:30", false, NULL },
		{ "lúc 14 giờ 05 phút, ngày 31 tháng 12 năm 2025", true, "2025-12-31T14:05", false,
		    NULL },
		{ "8giờ30phút,ngày05tháng3năm2026", true, "2026-03-05T08:30", false, NULL },
		{ "ngày 05/03/2026 lúc 8h30", true, "2026-03-05T08:30", false, NULL },
		{ "05/03/2026, 08:30", true, "2026-03-05T08:30", false, NULL },
		{ "2026-03-05T08:30", true, "2026-03-05T08:30", false, NULL },	/* canonical */
		{ ": 8 giờ 30 phút, ngày 05 tháng 3 năm 2026 .....", true, "2026-03-05T08:30", false,
		    NULL },
		/* Boundaries of hour and minute. */
		{ "0 giờ 0 phút, ngày 01 tháng 01 năm 2026", true, "2026-01-01T00:00", false, NULL },
		{ "23 giờ 59 phút, ngày 01 tháng 01 năm 2026", true, "2026-01-01T23:59", false, NULL },
		{ "24 giờ 00 phút, ngày 01 tháng 01 năm 2026", false, NULL, false, "hour 24" },
		{ "8 giờ 60 phút, ngày 01 tháng 01 năm 2026", false, NULL, false, "minute 60" },
		/* The date inside is checked as a date. */
		{ "8 giờ 30 phút, ngày 29 tháng 2 năm 2025", false, NULL, false, "no 29 February" },
		{ "8 giờ 30 phút, ngày 29 tháng 2 năm 2024", true, "2024-02-29T08:30", false, NULL },
		{ "8 giờ 30 phút, ngày 01 tháng 01 năm 2101", false, NULL, false, "year 2101" },
		/* Missing parts. */
		{ "ngày 05 tháng 3 năm 2026", false, NULL, false, "not a date and time" },
		{ "8 giờ 30 phút", false, NULL, false, "not a date and time" },
		{ "... giờ ... phút, ngày ... tháng ... năm ...", false, NULL, false,
		    "not a date and time" },
		{ "8 giờ, ngày 05 tháng 3 năm 2026", false, NULL, false, "not a date and time" },
		{ "8 giờ 30 phút, ngày 05 tháng 3 năm 2026 đến 9 giờ", false, NULL, false,
		    "text after" },
	};

	(void)state;
	RUN(HOSO_VALIDATE_DATETIME, c);
}

static void
year_cases(void **state)
{
	static const struct vcase c[] = {
		{ "1985", true, "1985", false, NULL },
		{ "1900", true, "1900", false, NULL },
		{ "2100", true, "2100", false, NULL },
		{ ": 1985 .......", true, "1985", false, NULL },
		{ "1899", false, "1899", false, "year 1899 is not 1900-2100" },
		{ "2101", false, "2101", false, "year 2101" },
		{ "85", false, NULL, false, "4 digits" },
		{ "19850", false, NULL, false, "4 digits" },
		{ "198S", false, NULL, false, "4 digits" },
		{ "19 85", false, NULL, false, "4 digits" },
		{ "05/03/1985", false, NULL, false, "4 digits" },
	};

	(void)state;
	RUN(HOSO_VALIDATE_YEAR, c);
}

static void
phone_cases(void **state)
{
	static const struct vcase c[] = {
		{ "0912345678", true, "0912345678", false, NULL },
		{ "0912 345 678", true, "0912345678", false, NULL },
		{ "0912.345.678", true, "0912345678", false, NULL },
		{ "0912-345-678", true, "0912345678", false, NULL },
		{ "(024) 3826 1234", true, "02438261234", false, NULL },
		{ "+84 912 345 678", true, "0912345678", false, NULL },
		{ "+84912345678", true, "0912345678", false, NULL },
		{ "(+84) 912 345 678", true, "0912345678", false, NULL },
		{ "+84 0912 345 678", true, "0912345678", false, NULL },
		{ "01234567890", false, "01234567890", false, "not a fixed line" },
		{ "09763577948", false, "09763577948", false, "not a fixed line" },
		{ ": 0912345678 ........", true, "0912345678", false, NULL },
		/* Lengths. */
		{ "091234567", false, "091234567", false, "9 digits, 10 or 11 needed" },
		{ "091234567890", false, "091234567890", false, "12 digits" },
		{ "+8491234567", false, "091234567", false, "9 digits" },
		/* Leading 0, other characters. */
		{ "9123456789", false, NULL, false, "does not start with 0" },
		{ "+1 212 555 0100", false, NULL, false, "'+'" },
		{ "0912 345 67B", false, NULL, false, "'B' is not a digit" },
		{ "0912345678 / 0987654321", false, NULL, false, "'/'" },
	};

	(void)state;
	RUN(HOSO_VALIDATE_PHONE, c);
}

static void
email_cases(void **state)
{
	static const struct vcase c[] = {
		{ "nguyen.van.an@gmail.com", true, "nguyen.van.an@gmail.com", false, NULL },
		{ "Nguyen.An@Example.COM.VN", true, "Nguyen.An@example.com.vn", false, NULL },
		{ "an_nguyen+hs@ubnd.tichson.vinhphuc.gov.vn", true, NULL, false, NULL },
		{ "nguyen.van.an @ gmail . com", true, "nguyen.van.an@gmail.com", false, NULL },
		{ "mai@yahoo.com vn", false, "mai@yahoo.comvn", false, "space inside the address" },
		{ "nguyen.van.an@gmail.com.", true, "nguyen.van.an@gmail.com", false, NULL },
		{ ": an@gmail.com ......", true, "an@gmail.com", false, NULL },
		{ "an@my-office.vn", true, NULL, false, NULL },
		{ "an@gmail,com", true, "an@gmail.com", true, "',' read as '.'" },
		/* What the Vietnamese model makes of '@' (generated pages, several fonts). */
		{ "tuan.pham(@gmail.com", true, "tuan.pham@gmail.com", true, "around or for the '@'" },
		{ "chauthuynga@\xc2\xaegmail.com", true, "chauthuynga@gmail.com", true, "'@'" },
		{ "hothanhanh(\xc5\x92@Outlook.com", true, "hothanhanh@outlook.com", true, "'@'" },
		{ "quan.vu90(example.Vn", true, "quan.vu90@example.vn", true, "for the '@'" },
		/* Not when it still fails, nor a '(' elsewhere, nor two of them. */
		{ "an(@gmail", false, NULL, false, NULL },
		{ "a(n@gmail.com", false, NULL, false, "'('" },
		{ "a(n(gmail.com", false, NULL, false, "no '@'" },
		/* Not corrected: a comma outside the domain, or still failing. */
		{ "an,b@gmail.com", false, "an,b@gmail.com", false, "','" },
		{ "an@gmail,c", false, "an@gmail,c", false, "','" },
		{ "an.gmail.com", false, NULL, false, "no '@'" },
		{ "an@b@gmail.com", false, NULL, false, "more than one '@'" },
		{ "@gmail.com", false, NULL, false, "before '@'" },
		{ ".an@gmail.com", true, "an@gmail.com", false, NULL },	/* a stray dot */
		{ "an.@gmail.com", false, NULL, false, "before '@'" },
		{ "a..n@gmail.com", false, NULL, false, "before '@'" },
		{ "an@gmail", false, NULL, false, "no '.'" },
		{ "an@.gmail.com", false, NULL, false, "badly formed" },
		{ "an@gmail..com", false, NULL, false, "badly formed" },
		{ "an@-gmail.com", false, NULL, false, "badly formed" },
		{ "an@gmail.c", false, NULL, false, "top-level" },
		{ "an@gmail.c0m", false, NULL, false, "top-level" },
		{ "an@gmail.com.", true, NULL, false, NULL },	/* a trailing dot is stray */
		{ "nguyễn@gmail.com", false, NULL, false, "'ễ' is not allowed" },
		{ "an@gm_ail.com", false, NULL, false, "'_'" },
	};

	(void)state;
	RUN(HOSO_VALIDATE_EMAIL, c);
}

static void
dossier_code_cases(void **state)
{
	static const struct vcase c[] = {
		{ "000.17.22.H56-210531-0001", true, "000.17.22.H56-210531-0001", false, NULL },
		{ "000.00.01.H26-240229-0123", true, NULL, false, NULL },	/* leap year */
		{ "26-250101-9999", true, NULL, false, NULL },			/* one group */
		{ "000.17.22.H56 - 210531 - 0001", true, "000.17.22.H56-210531-0001", false, NULL },
		{ "000. 17. 22. H56-210531-0001", true, "000.17.22.H56-210531-0001", false, NULL },
		{ "000.17.22.H56–210531–0001", true, "000.17.22.H56-210531-0001", false, NULL },
		{ "Mã hồ sơ: 000.17.22.H56-210531-0001", false, NULL, false, "unit code" },
		{ ": 000.17.22.H56-210531-0001 ......", true, "000.17.22.H56-210531-0001", false,
		    NULL },
		/* Dates inside. */
		{ "000.17.22.H56-230229-0001", false, NULL, false, "no such date: '230229'" },
		{ "000.17.22.H56-210431-0001", false, NULL, false, "no such date" },
		{ "000.17.22.H56-211301-0001", false, NULL, false, "no such date" },
		{ "000.17.22.H56-210500-0001", false, NULL, false, "no such date" },
		/* Shape. */
		{ "000.17.22.H56-21053-0001", false, NULL, false, "not a date yyMMdd" },
		{ "000.17.22.H56-2105311-0001", false, NULL, false, "not a date yyMMdd" },
		{ "000.17.22.H56-210531-001", false, NULL, false, "not 4 digits" },
		{ "000.17.22.H56-210531-00001", false, NULL, false, "not 4 digits" },
		{ "000.17.22.H56-210531", false, NULL, false, "not a dossier code" },
		{ "210531-0001", false, NULL, false, "not a dossier code" },
		{ "000.17.22.H56", false, NULL, false, "not a dossier code" },
		{ "000..22.H56-210531-0001", false, NULL, false, "unit code" },
		{ "000.17.22.-210531-0001", false, NULL, false, "unit code" },
		{ "000.17.22.H_56-210531-0001", false, NULL, false, "unit code" },
		{ "000.17.22.Hà-210531-0001", false, NULL, false, "unit code" },
		/* OCR confusions in the digit parts, when the result then validates. */
		{ "000.17.22.H56-2l0531-OOO1", true, "000.17.22.H56-210531-0001", true,
		    "l->1 at 16, O->0 at 22, O->0 at 23, O->0 at 24" },
		{ "000.17.22.H56-21OS11-0001", true, "000.17.22.H56-210511-0001", true,
		    "O->0 at 17, S->5 at 18" },
		{ "000.17.22.H56-210531-000|", true, "000.17.22.H56-210531-0001", true, "|->1" },
		{ "000.17.22.H56-2lO531-OOOB", true, "000.17.22.H56-210531-0008", true, "B->8" },
		/* ... and not when it still fails (30 February) or the unit would change. */
		{ "000.17.22.H56-21O230-0001", false, "000.17.22.H56-21O230-0001", false,
		    "still fails: no such date" },
		{ "000.17.22.HS6-210531-0001", true, "000.17.22.HS6-210531-0001", false, NULL },
	};

	(void)state;
	RUN(HOSO_VALIDATE_DOSSIER_CODE, c);
}

static void
enum_cases(void **state)
{
	static const struct vcase c[] = {
		{ "Nam", true, "Nam", false, NULL },
		{ "Nữ", true, "Nữ", false, NULL },
		{ "Nu", true, "Nữ", false, NULL },
		{ "NỮ", true, "Nữ", false, NULL },
		{ "nữ", true, "Nữ", false, NULL },
		{ "NU", true, "Nữ", false, NULL },
		{ "Nú", true, "Nữ", false, NULL },
		{ "N\xc6\xb0\xcc\x83", true, "Nữ", false, NULL },	/* NFD */
		{ "NAM", true, "Nam", false, NULL },
		{ "nam", true, "Nam", false, NULL },
		{ "Nằm", true, "Nam", false, NULL },
		{ ": Nam ......", true, "Nam", false, NULL },
		/* One OCR edit from a value of 3 letters or more. */
		{ "Nan", true, "Nam", true, "'Nan' read as 'Nam'" },
		{ "Narn", false, NULL, false, "not one of 'Nam', 'Nữ'" },	/* two edits */
		{ "Na", true, "Nam", true, "read as 'Nam'" },
		{ "Namm", true, "Nam", true, "read as 'Nam'" },
		/* Values shorter than 3 letters get no edits. */
		{ "Ni", false, "Ni", false, "not one of" },
		{ "N", false, NULL, false, "not one of" },
		{ "Nam Nữ", false, NULL, false, "not one of" },
		{ "Khác", false, NULL, false, "not one of" },
	};
	static const char *const nationality[] = { "Việt Nam", "Lào", "Campuchia" };
	static const struct vcase n[] = {
		{ "VIỆT NAM", true, "Việt Nam", false, NULL },
		{ "viet nam", true, "Việt Nam", false, NULL },
		{ "Viet Narn", false, NULL, false, "not one of" },
		{ "Viêt Nan", true, "Việt Nam", true, "read as 'Việt Nam'" },
		{ "Lao", true, "Lào", false, NULL },
		{ "Lac", true, "Lào", true, NULL },
		{ "Campuchla", true, "Campuchia", true, NULL },	/* substitution */
		{ "Campchia", true, "Campuchia", true, NULL },	/* a letter lost */
		{ "Campuuchia", true, "Campuchia", true, NULL },	/* a letter more */
		{ "ILào", true, "Lào", true, NULL },		/* a letter more in front */
		{ "Cmpchia", false, NULL, false, "not one of" },	/* two lost */
	};
	/* Two values one edit from the input, or equal without diacritics: ambiguous. */
	static const char *const close[] = { "Năm", "Nấm", "Nam", "Nem" };
	static const struct vcase a[] = {
		{ "Nam", true, "Nam", false, NULL },
		{ "NĂM", true, "Năm", false, NULL },
		{ "NAM", true, "Nam", false, NULL },
		{ "Nâm", false, "Nâm", false, "ambiguous" },
		{ "Nim", false, NULL, false, "ambiguous" },
	};

	(void)state;
	run_cases(HOSO_VALIDATE_ENUM, c, sizeof(c) / sizeof(c[0]), sex, 2);
	run_cases(HOSO_VALIDATE_ENUM, n, sizeof(n) / sizeof(n[0]), nationality, 3);
	run_cases(HOSO_VALIDATE_ENUM, a, sizeof(a) / sizeof(a[0]), close, 4);
}

static void
text_cases(void **state)
{
	static const struct vcase c[] = {
		{ "Con", true, "Con", false, NULL },
		{ "Số 12, ngõ 34, phường Tích Sơn, TP. Vĩnh Yên", true,
		    "Số 12, ngõ 34, phường Tích Sơn, TP. Vĩnh Yên", false, NULL },
		{ "x", true, "x", false, NULL },
		{ "0123 !@#", false, "0123 !@#", false, "'!'" },
		/* Words OCR cannot have meant are flagged (the value is kept). */
		{ "Trrng tâm Phục vụ", false, NULL, false, "'Trrng' is not a Vietnamese syllable" },
		{ "xã Bình Phục Nhúứt", false, NULL, false, "'Nhúứt'" },
		{ "tỉnh Tiền GIảnH", false, NULL, false, "mixed case in 'GIảnH'" },
		{ "UBND xã Lập LỄ", false, NULL, false, "'LỄ' in capitals" },
		{ "tỉnh Thái . Nguyên", false, NULL, false, "stray punctuation" },
		{ "UBND xã Phật Tích À..À", false, NULL, false, "'..'" },
		{ "Số 12A, ngõ 5, phường Nghĩa Đô, quận Cầu Giấy", true, NULL, false, NULL },
		{ "Thôn Gia Khánh, xã Quỳnh Giang, khu B", true, NULL, false, NULL },
		{ "UBND huyện Krông Pắk", false, NULL, false, "'Krông'" },
		{ "Đắk Lắk; gì, giữa, quyết, khuya, khuỷu, nghiêng, Hà Nội.", true, NULL, false, NULL },
	};

	(void)state;
	RUN(HOSO_VALIDATE_TEXT, c);
}

/* Validating what a validator wrote gives it back unchanged, and still ok. */
static void
idempotent(void **state)
{
	static const struct {
		enum hoso_validate_type type;
		const char *raw;
	} c[] = {
		{ HOSO_VALIDATE_TEXT, " Hà  Nội ..... " },
		{ HOSO_VALIDATE_NAME, "Nguye\xcc\x82\xcc\x83n Văn An" },
		{ HOSO_VALIDATE_CCCD, "OOl 2O3 OO4 S67" },
		{ HOSO_VALIDATE_DATE, "ngày 5 tháng 3 năm 2026" },
		{ HOSO_VALIDATE_DATETIME, "8h30 ngày 05/03/2026" },
		{ HOSO_VALIDATE_YEAR, "1985." },
		{ HOSO_VALIDATE_PHONE, "+84 912 345 678" },
		{ HOSO_VALIDATE_EMAIL, "An @ Gmail,Com" },
		{ HOSO_VALIDATE_DOSSIER_CODE, "000.17.22.H56 - 2l0531 - OOO1" },
		{ HOSO_VALIDATE_ENUM, "Nan" },
	};
	struct hoso_buf v1 = HOSO_BUF_INIT(0), v2 = HOSO_BUF_INIT(0);
	struct hoso_validate_result r1, r2;
	struct hoso_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(hoso_validate_value(c[i].type, c[i].raw, sex, 2, &v1, &r1, &err), 0);
		assert_true(r1.ok);
		assert_int_equal(hoso_validate_value(c[i].type, v1.data, sex, 2, &v2, &r2, &err), 0);
		assert_true(r2.ok);
		assert_false(r2.corrected);
		assert_string_equal(v1.data, v2.data);
	}
	hoso_buf_free(&v1);
	hoso_buf_free(&v2);
}

/* The value buffer is reset first: a second call does not append. */
static void
value_is_reset(void **state)
{
	struct hoso_buf value = HOSO_BUF_INIT(0);
	struct hoso_validate_result res;
	struct hoso_err err;

	(void)state;
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_TEXT, "abc", NULL, 0, &value, &res, &err),
	    0);
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_YEAR, "1999", NULL, 0, &value, &res, &err),
	    0);
	assert_string_equal(value.data, "1999");
	assert_true(res.ok);
	assert_int_equal(hoso_validate_value(HOSO_VALIDATE_YEAR, "", NULL, 0, &value, &res, &err), 0);
	assert_string_equal(hoso_buf_str(&value), "");
	assert_false(res.ok);
	assert_string_equal(res.reason, "empty");
	hoso_buf_free(&value);
}

/* A long hostile value: reasons stay within their field and stay UTF-8. */
static void
long_values(void **state)
{
	struct hoso_buf raw = HOSO_BUF_INIT(0), value = HOSO_BUF_INIT(0);
	struct hoso_validate_result res;
	struct hoso_err err;
	enum hoso_validate_type t;
	int i;

	(void)state;
	for (i = 0; i < 400; i++)
		assert_int_equal(hoso_buf_adds(&raw, i % 7 == 0 ? "ữ-" : i % 5 == 0 ? " . " : "9",
		    &err), 0);
	for (t = HOSO_VALIDATE_TEXT; t <= HOSO_VALIDATE_ENUM; t++) {
		const char *const many[] = { "ữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữữ",
		    "ưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưưư",
		    "ơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơơ" };

		assert_int_equal(hoso_validate_value(t, raw.data, many, 3, &value, &res, &err), 0);
		assert_true(strlen(res.reason) < sizeof(res.reason));
		assert_true(hoso_utf8_valid(res.reason, strlen(res.reason)));
		/* Text as well: " . " between words is stray punctuation. */
		assert_false(res.ok);
	}
	hoso_buf_free(&raw);
	hoso_buf_free(&value);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(type_names),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(normalization),
		cmocka_unit_test(name_cases),
		cmocka_unit_test(cccd_cases),
		cmocka_unit_test(date_cases),
		cmocka_unit_test(datetime_cases),
		cmocka_unit_test(year_cases),
		cmocka_unit_test(phone_cases),
		cmocka_unit_test(email_cases),
		cmocka_unit_test(dossier_code_cases),
		cmocka_unit_test(enum_cases),
		cmocka_unit_test(text_cases),
		cmocka_unit_test(idempotent),
		cmocka_unit_test(value_is_reset),
		cmocka_unit_test(long_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
