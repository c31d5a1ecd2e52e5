/* test_report_html.c - the HTML report: outside text is escaped, charts paginate, numbers hold. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register.h"
#include "report.h"
#include "report_html.h"

static size_t
count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* A result of n rows named by name(i), without a kpi run. */
static void
fake(struct hoso_kpi_result *res, size_t n, const char *unit_name)
{
	size_t i;

	memset(res, 0, sizeof(*res));
	res->rows = calloc(n, sizeof(*res->rows));
	assert_non_null(res->rows);
	res->n_rows = n;
	for (i = 0; i < n; i++) {
		res->rows[i].unit = "X1";
		res->rows[i].unit_name = unit_name;
		res->rows[i].month = -1;
		res->rows[i].counts[HOSO_KPI_RECEIVED] = 3 + i;
		res->rows[i].counts[HOSO_KPI_ONLINE] = 1;
		res->rows[i].counts[HOSO_KPI_PAPER] = 2 + i;
		res->total.counts[HOSO_KPI_RECEIVED] += 3 + i;
	}
	res->total.month = -1;
}

static void
opts(struct hoso_report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = HOSO_REPORT_HTML;
	o->by = HOSO_KPI_BY_UNIT;
	assert_true(hoso_register_parse_date("2025-03-01", 10, &o->from));
	assert_true(hoso_register_parse_date("2025-03-31", 10, &o->to));
}

static void
hostile_text(void **state)
{
	struct hoso_kpi_result res;
	struct hoso_report_opts o;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err;
	const char *s;

	(void)state;
	/* Markup, quotes, a control character and a byte that is not UTF-8. */
	fake(&res, 1, "<script>x</script> \"'&\x01\xff");
	opts(&o);
	o.title = "<b onmouseover='x'>T\x02</b>";
	o.units_label = "u&<.csv";
	o.lang = "vi\"><script>";
	assert_int_equal(hoso_report_write(&res, &o, &out, &err), 0);
	s = hoso_buf_str(&out);
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<b "));
	assert_null(strstr(s, "\x01"));
	/* Not UTF-8: shown as hoso_utf8_label shows it, controls and bad bytes as \xNN. */
	assert_non_null(strstr(s, "&lt;script&gt;x&lt;/script&gt; &quot;&#39;&amp;\\x01\\xFF"));
	/* UTF-8 with a control character: the control becomes a space. */
	assert_non_null(strstr(s, "<h1>&lt;b onmouseover=&#39;x&#39;&gt;T &lt;/b&gt;</h1>"));
	assert_non_null(strstr(s, "Units: u&amp;&lt;.csv"));
	assert_non_null(strstr(s, "<html lang=\"vi&quot;&gt;&lt;script&gt;\">"));
	hoso_buf_free(&out);
	hoso_kpi_result_free(&res);
}

static void
pages_and_numbers(void **state)
{
	struct hoso_kpi_result res;
	struct hoso_report_opts o;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err;
	const char *s;
	size_t n = 2 * HOSO_REPORT_HTML_ROWS_PER_CHART + 1;

	(void)state;
	/* A comma locale must not leak into SVG numbers (when the system has one). */
	if (setlocale(LC_NUMERIC, "vi_VN.UTF-8") == NULL)
		setlocale(LC_NUMERIC, "de_DE.UTF-8");
	fake(&res, n, "X\xc3\xa3 M\xe1\xbb\x99t");
	opts(&o);
	assert_int_equal(hoso_report_write(&res, &o, &out, &err), 0);
	setlocale(LC_NUMERIC, "C");
	s = hoso_buf_str(&out);
	/* Two charts of three pages each; no trend without res->trend. */
	assert_int_equal(count_of(s, "<svg "), 6);
	assert_non_null(strstr(s, "(3/3)</figcaption>"));
	assert_null(strstr(s, "id=\"trend\""));
	assert_int_equal(count_of(s, "<tr class=\"total\">"), 1);
	assert_non_null(strstr(s, "<td class=\"n\">53</td>"));	/* the last row's received */
	assert_null(strstr(s, ",5\""));
	assert_null(strstr(s, ",0\""));
	hoso_buf_free(&out);
	hoso_kpi_result_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostile_text),
		cmocka_unit_test(pages_and_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
