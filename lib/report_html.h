/* report_html.h - the stats report as one self-contained HTML5 page with inline SVG charts. */
#ifndef HOSO_REPORT_HTML_H
#define HOSO_REPORT_HTML_H

#include "buf.h"
#include "err.h"
#include "kpi.h"
#include "report.h"

/* Months the trend chart shows at least (hoso_kpi_opts.trend_months), ending with the period's. */
#define HOSO_REPORT_HTML_TREND_MONTHS 12

/* Rows of a bar chart per SVG, so that each fits on one printed A4 landscape page. */
#define HOSO_REPORT_HTML_ROWS_PER_CHART 25

/*
 * Append the page to out: the heading (title, period, units, generation time),
 * the Biểu 06 table with the columns of report.c, the charts (online and paper
 * per row, rates against the plans, the trend by month from res->trend) and
 * the trend table. No script, no URL: it reads the same offline and printed.
 */
int hoso_report_html_write(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err);

#endif
