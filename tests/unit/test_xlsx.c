/* test_xlsx.c - Excel workbooks: serial dates of the 1900 system, column names, the streaming XML reader, a written workbook read back. */
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
#include "xlsx.h"
#include "xml.h"

static void
serial_days(void **state)
{
	int32_t day;

	(void)state;
	/* 1 is 1900-01-01; 59 is 1900-02-28; 60 is Excel's 1900-02-29, which never was. */
	assert_true(hoso_xlsx_serial_day("1", 1, &day));
	assert_int_equal(day, hoso_date_day(1900, 1, 1));
	assert_true(hoso_xlsx_serial_day("59", 2, &day));
	assert_int_equal(day, hoso_date_day(1900, 2, 28));
	assert_false(hoso_xlsx_serial_day("60", 2, &day));
	assert_true(hoso_xlsx_serial_day("61", 2, &day));
	assert_int_equal(day, hoso_date_day(1900, 3, 1));
	/* 45658 is 2025-01-01 in Excel; the fraction is the time of day. */
	assert_true(hoso_xlsx_serial_day("45658", 5, &day));
	assert_int_equal(day, hoso_date_day(2025, 1, 1));
	assert_true(hoso_xlsx_serial_day("45658.999988", 12, &day));
	assert_int_equal(day, hoso_date_day(2025, 1, 1));
	assert_true(hoso_xlsx_serial_day("2958465", 7, &day));
	assert_int_equal(day, hoso_date_day(9999, 12, 31));
	assert_false(hoso_xlsx_serial_day("2958466", 7, &day));
	assert_false(hoso_xlsx_serial_day("0", 1, &day));
	assert_false(hoso_xlsx_serial_day("-3", 2, &day));
	assert_false(hoso_xlsx_serial_day("1e5", 3, &day));
	assert_false(hoso_xlsx_serial_day("45658.", 6, &day));
	assert_false(hoso_xlsx_serial_day("", 0, &day));
}

static void
columns(void **state)
{
	char c[4];

	(void)state;
	hoso_xlsx_column(0, c);
	assert_string_equal(c, "A");
	hoso_xlsx_column(25, c);
	assert_string_equal(c, "Z");
	hoso_xlsx_column(26, c);
	assert_string_equal(c, "AA");
	hoso_xlsx_column(16383, c);
	assert_string_equal(c, "XFD");
	assert_true(hoso_xlsx_magic("PK\3\4rest", 8));
	assert_false(hoso_xlsx_magic("PK", 2));
}

struct chunks {
	const char *text;
	size_t pos;
};

/* Three bytes at a time: names and text straddle reads. */
static int
read_chunks(void *ctx, char *buf, int len)
{
	struct chunks *c = ctx;
	size_t left = strlen(c->text) - c->pos, n = left < 3 ? left : 3;

	(void)len;
	memcpy(buf, c->text + c->pos, n);
	c->pos += n;
	return (int)n;
}

static void
streaming_reader(void **state)
{
	struct chunks c = { "<?xml version=\"1.0\"?><a x=\"1\"><b/><!-- no --><c>H&#7897; t&amp;ch</c></a>", 0 };
	struct chunks bad = { "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", 0 };
	struct chunks broken = { "<a><b></a>", 0 };
	struct hoso_xmlr *r = NULL;
	struct hoso_err err;
	char *v;
	int type;

	(void)state;
	assert_int_equal(hoso_xmlr_new(&r, read_chunks, &c, "t.xml", &err), 0);
	assert_int_equal(hoso_xmlr_next(r, &type, &err), 1);
	assert_int_equal(type, HOSO_XMLR_START);
	assert_string_equal(hoso_xmlr_name(r), "a");
	assert_non_null(v = hoso_xmlr_attr(r, "x"));
	assert_string_equal(v, "1");
	free(v);
	assert_null(hoso_xmlr_attr(r, "y"));
	assert_int_equal(hoso_xmlr_next(r, &type, &err), 1);
	assert_string_equal(hoso_xmlr_name(r), "b");
	assert_true(hoso_xmlr_empty(r));
	assert_int_equal(hoso_xmlr_next(r, &type, &err), 1);	/* the comment is skipped */
	assert_string_equal(hoso_xmlr_name(r), "c");
	assert_int_equal(hoso_xmlr_next(r, &type, &err), 1);
	assert_int_equal(type, HOSO_XMLR_TEXT);
	assert_string_equal(hoso_xmlr_value(r), "Hộ t&ch");
	assert_int_equal(hoso_xmlr_next(r, &type, &err), 1);
	assert_int_equal(type, HOSO_XMLR_END);
	assert_int_equal(hoso_xmlr_next(r, &type, &err), 1);
	assert_string_equal(hoso_xmlr_name(r), "a");
	assert_int_equal(hoso_xmlr_next(r, &type, &err), 0);
	hoso_xmlr_free(r);

	assert_int_equal(hoso_xmlr_new(&r, read_chunks, &bad, "bad.xml", &err), 0);
	while (hoso_xmlr_next(r, &type, &err) > 0)
		;
	assert_non_null(strstr(err.msg, "bad.xml: a DOCTYPE is not allowed"));
	hoso_xmlr_free(r);

	assert_int_equal(hoso_xmlr_new(&r, read_chunks, &broken, "broken.xml", &err), 0);
	while ((type = hoso_xmlr_next(r, &type, &err)) > 0)
		;
	assert_int_equal(type, HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "broken.xml:1: not well-formed XML"));
	hoso_xmlr_free(r);
}

static void
written_and_read_back(void **state)
{
	const char *cells[] = {
		"dossier", "reading", "value",
		"A-1", "Nguyễn Văn <An> & \"Bình\"", NULL,
		"B-2", "ctl\x01\x1f drop", "=1+1",
	};
	char path[] = "/tmp/hoso-xlsx-test-XXXXXX";
	struct hoso_xlsx *x = NULL;
	struct hoso_err err;
	char **row;
	size_t *lens, n;
	long line;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(hoso_xlsx_write(path, "Giá trị", cells, 3, 3, 0, &err), 0);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(hoso_xlsx_open(&x, fd, NULL, 0, path, 4096, &err), 0);
	assert_string_equal(hoso_xlsx_sheet_name(x), "Giá trị");
	assert_int_equal(hoso_xlsx_next(x, &row, &lens, &n, &line, &err), 1);
	assert_int_equal(n, 3);
	assert_string_equal(row[2], "value");
	assert_int_equal(hoso_xlsx_next(x, &row, &lens, &n, &line, &err), 1);
	assert_int_equal(line, 2);
	assert_string_equal(row[1], "Nguyễn Văn <An> & \"Bình\"");
	assert_true(n < 3 || row[2][0] == '\0');	/* NULL: no cell */
	assert_int_equal(hoso_xlsx_next(x, &row, &lens, &n, &line, &err), 1);
	assert_string_equal(row[1], "ctl drop");	/* what XML cannot hold is dropped */
	assert_string_equal(row[2], "=1+1");		/* text, never a formula */
	assert_int_equal(hoso_xlsx_next(x, &row, &lens, &n, &line, &err), 0);
	hoso_xlsx_close(x);
	close(fd);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serial_days),
		cmocka_unit_test(columns),
		cmocka_unit_test(streaming_reader),
		cmocka_unit_test(written_and_read_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
