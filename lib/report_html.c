/*
 * report_html.c - the stats report as one HTML5 page for people: the Biểu 06
 * table with report.c's columns, and inline SVG charts (online and paper per
 * row, rates against the plans, the trend by month). Nothing is fetched: no
 * script, no link, no font, no image; the CSS is inline and a
 * Content-Security-Policy forbids the rest, so the page reads the same from a
 * USB stick, a mail attachment or paper (A4 landscape print style).
 *
 * Every text that came from outside (unit names, fields, the units file name,
 * the title) goes through esc(). The markup is also well-formed XML (every
 * element closed, attributes quoted, only the five XML entities), so that
 * tests and tools can read it with an XML parser.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "i18n.h"
#include "register.h"
#include "report_html.h"
#include "units.h"
#include "utf8.h"

/* Okabe & Ito's palette: told apart with every common colour-vision deficiency. */
#define C_BLUE "#0072B2"
#define C_ORANGE "#E69F00"
#define C_SKY "#56B4E9"
#define C_GREEN "#009E73"
#define C_VERMILLION "#D55E00"
#define C_GREY "#767676"

#define SVG_W 1000		/* viewBox width; the page scales it to its width */
#define LABEL_X 240		/* right edge of the row labels */
#define BAR_X 250		/* where bars start */
#define ROW_H 22
#define LABEL_MAX 32		/* code points of a row label before it is cut (full text in a tooltip) */
#define EM_DASH "\xe2\x80\x94"

/* What the trend shows per month: two counts as bars (and the online rate as a line). */
static const int trend_counts[2] = { HOSO_KPI_RECEIVED, HOSO_KPI_RESOLVED };

/*
 * The page is long and built in one go: the writer keeps the first error and
 * ignores later calls, so the layout code reads as the page does, and the
 * error is returned once at the end.
 */
struct page {
	struct hoso_buf *out;
	struct hoso_err *err;
	int r;
	const struct hoso_report_opts *o;
	const struct hoso_kpi_result *res;
	struct hoso_buf tmp, label;	/* scratch */
	unsigned n_svg;			/* for unique ids */
	int period_month;		/* year * 12 + month - 1 of the period's first day */
};

static void
put(struct page *p, const char *s)
{
	if (p->r == 0)
		p->r = hoso_buf_adds(p->out, s, p->err);
}

/* Formatted markup: only numbers and text already escaped go through here. */
static void HOSO_PRINTF(2, 3)
putf(struct page *p, const char *fmt, ...)
{
	va_list ap, aq;
	int n;

	if (p->r != 0)
		return;
	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		p->r = hoso_err_set(p->err, HOSO_EIO, _("cannot format the HTML report"));
	else if ((p->r = hoso_buf_grow(p->out, (size_t)n, p->err)) == 0) {
		vsnprintf(p->out->data + p->out->len, (size_t)n + 1, fmt, aq);
		p->out->len += (size_t)n;
	}
	va_end(aq);
}

/* Text as HTML (content or quoted attribute value): markup characters and controls defused. */
static void
esc(struct page *p, const char *s)
{
	struct hoso_buf lab = HOSO_BUF_INIT(0);
	size_t i, start = 0, n = strlen(s);

	if (p->r != 0)
		return;
	/* Input is checked UTF-8 on the way in; should a byte slip through, it is shown as \xNN. */
	if (!hoso_utf8_valid(s, n)) {
		if ((p->r = hoso_utf8_label(s, n, &lab, p->err)) != 0)
			goto out;
		s = hoso_buf_str(&lab);
		n = lab.len;
	}
	for (i = 0; i < n && p->r == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep;

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if ((c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t')
				continue;
			rep = " ";	/* not allowed in HTML or XML text */
		}
		if ((p->r = hoso_buf_add(p->out, s + start, i - start, p->err)) == 0)
			p->r = hoso_buf_adds(p->out, rep, p->err);
		start = i + 1;
	}
	if (p->r == 0)
		p->r = hoso_buf_add(p->out, s + start, n - start, p->err);
out:
	hoso_buf_free(&lab);
}

/*
 * Coordinates as whole viewBox units (1/1000 of the chart's width): printf's
 * %f would follow LC_NUMERIC, and vi_VN writes "12,5", which SVG does not read.
 */
static long
ix(double v)
{
	return v < 0 ? -(long)(-v + 0.5) : (long)(v + 0.5);
}

/* s escaped, cut to max code points with an ellipsis. */
static void
esc_cut(struct page *p, const char *s, size_t max)
{
	size_t n = 0, i;

	if (p->r != 0)
		return;
	if (hoso_utf8_width(s) <= max) {
		esc(p, s);
		return;
	}
	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++n == max)
			break;
	hoso_buf_reset(&p->tmp);
	if ((p->r = hoso_buf_add(&p->tmp, s, i, p->err)) == 0 &&
	    (p->r = hoso_buf_adds(&p->tmp, "\xe2\x80\xa6", p->err)) == 0)
		esc(p, hoso_buf_str(&p->tmp));
}

/* "YYYY-MM" of a month number (year * 12 + month - 1). */
static void
month_str(int month, char out[static 12])
{
	unsigned u = month < 0 ? 0 : (unsigned)month;

	snprintf(out, 12, "%04u-%02u", u / 12 % 10000, u % 12 + 1);
}

/* A row's name for people: unit name (or code), level, field, month, joined by " · ". */
static void
row_label(struct page *p, const struct hoso_kpi_row *row)
{
	struct hoso_buf *b = &p->label;
	char m[12];
	int r = 0;

	hoso_buf_reset(b);
	if (row->unit != NULL)
		r = hoso_buf_adds(b, row->unit_name != NULL && *row->unit_name != '\0' ?
		    row->unit_name : row->unit, p->err);
	if (r == 0 && row->level != NULL && hoso_report_group_on(p->o, HOSO_REPORT_G_LEVEL))
		r = hoso_buf_addf(b, p->err, "%s%s", b->len ? " \xc2\xb7 " : "",
		    hoso_report_level_label(row->level));
	if (r == 0 && row->field != NULL)
		r = hoso_buf_addf(b, p->err, "%s%s", b->len ? " \xc2\xb7 " : "", row->field);
	if (r == 0 && row->month >= 0) {
		month_str(row->month, m);
		r = hoso_buf_addf(b, p->err, "%s%s", b->len ? " \xc2\xb7 " : "", m);
	}
	if (p->r == 0)
		p->r = r;
}

/* The row's label, cut, with the whole of it (and the unit code) as a tooltip. */
static void
svg_row_label(struct page *p, const struct hoso_kpi_row *row, double y)
{
	row_label(p, row);
	putf(p, "<text x=\"%d\" y=\"%ld\" text-anchor=\"end\"><title>", LABEL_X, ix(y));
	if (row->unit != NULL && row->unit_name != NULL && *row->unit_name != '\0') {
		esc(p, row->unit);
		put(p, " ");
	}
	esc(p, hoso_buf_str(&p->label));
	put(p, "</title>");
	esc_cut(p, hoso_buf_str(&p->label), LABEL_MAX);
	put(p, "</text>\n");
}

static void
svg_open(struct page *p, int height, const char *title, const char *desc)
{
	unsigned id = ++p->n_svg;

	putf(p, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	    "height=\"%d\" role=\"img\" aria-labelledby=\"svg%u-t svg%u-d\">\n<title id=\"svg%u-t\">",
	    SVG_W, height, SVG_W, height, id, id, id);
	esc(p, title);
	putf(p, "</title>\n<desc id=\"svg%u-d\">", id);
	esc(p, desc);
	put(p, "</desc>\n");
}

/* A legend entry: a swatch (or a line when dash is not NULL) and its text; returns the next x. */
static double
legend(struct page *p, double x, double y, const char *colour, const char *dash, const char *text)
{
	if (dash != NULL)
		putf(p, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"%s\" "
		    "stroke-width=\"2\"%s%s%s/>\n", ix(x), ix(y - 4), ix(x + 16), ix(y - 4), colour,
		    *dash ? " stroke-dasharray=\"" : "", dash, *dash ? "\"" : "");
	else
		putf(p, "<rect x=\"%ld\" y=\"%ld\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
		    ix(x), ix(y - 10), colour);
	putf(p, "<text x=\"%ld\" y=\"%ld\">", ix(x + 20), ix(y));
	esc(p, text);
	put(p, "</text>\n");
	return x + 20 + 7.0 * (double)hoso_utf8_width(text) + 24;
}

/* "Title (2/5)" when a chart takes several pages. */
static void
page_title(struct page *p, struct hoso_buf *b, const char *title, size_t page, size_t n_pages)
{
	hoso_buf_reset(b);
	if (p->r == 0)
		p->r = n_pages > 1 ? hoso_buf_addf(b, p->err, "%s (%zu/%zu)", title, page, n_pages) :
		    hoso_buf_adds(b, title, p->err);
}

/* A chart's page; several pages say which one they are. */
static void
figure_open(struct page *p, const struct hoso_buf *title, size_t n_pages)
{
	put(p, "<figure>\n");
	if (n_pages > 1) {
		put(p, "<figcaption>");
		esc(p, hoso_buf_str(title));
		put(p, "</figcaption>\n");
	}
}

/* ---- the Biểu 06 table ---- */

/* Bands over the count columns, as the paper form groups them; bounds from kpi.h's order. */
static const struct {
	int first, end;
	const char *title;
} bands[] = {
	{ HOSO_KPI_RECEIVED, HOSO_KPI_RESOLVED, N_("Dossiers to process") },
	{ HOSO_KPI_RESOLVED, HOSO_KPI_PENDING, N_("Resolved in the period") },
	{ HOSO_KPI_PENDING, HOSO_KPI_DIGITIZED, N_("Pending at the end of the period") },
	{ HOSO_KPI_DIGITIZED, HOSO_KPI_N_COUNTS, N_("Digitized, paid and signed") },
};

static void
table_row(struct page *p, const struct hoso_kpi_row *row, bool total)
{
	const struct hoso_report_opts *o = p->o;
	uint64_t tenths;
	int g, i, t;

	if (total)
		put(p, "<tr class=\"total\">");
	else if (row->level_id != HOSO_LEVEL_NONE && hoso_report_group_on(o, HOSO_REPORT_G_UNIT))
		putf(p, "<tr class=\"lv-%s\">", hoso_units_level_name(row->level_id));
	else
		put(p, "<tr>");
	for (g = 0; g < HOSO_REPORT_G_MAX; g++) {
		if (!hoso_report_group_on(o, g))
			continue;
		put(p, total || g == HOSO_REPORT_G_UNIT_NAME ? "<th scope=\"row\">" :
		    g == HOSO_REPORT_G_UNIT ? "<td>" : "<td class=\"g\">");
		if (total) {
			/* As the text table: TOTAL under the unit, or under every group column. */
			if (g == HOSO_REPORT_G_UNIT || !hoso_report_group_on(o, HOSO_REPORT_G_UNIT))
				esc(p, _("TOTAL"));
		} else if (p->r == 0 &&
		    (p->r = hoso_report_group_label(row, g, &p->tmp, p->err)) == 0) {
			esc(p, hoso_buf_str(&p->tmp));
		}
		put(p, total || g == HOSO_REPORT_G_UNIT_NAME ? "</th>" : "</td>");
	}
	for (i = 0; i < HOSO_KPI_N_COUNTS; i++)
		putf(p, "<td class=\"n\">%" PRIu64 "</td>", row->counts[i]);
	for (i = 0; i < HOSO_KPI_N_RATES; i++) {
		if (hoso_kpi_rate(row->counts, i, &tenths))
			putf(p, "<td class=\"n\">%" PRIu64 ".%" PRIu64 "</td>", tenths / 10, tenths % 10);
		else
			put(p, "<td class=\"n\">" EM_DASH "</td>");
	}
	for (i = 0; i < HOSO_KPI_N_RATES; i++) {
		if (!hoso_report_rate_targeted(o, i))
			continue;
		if ((t = hoso_report_target_for(o, row, i)) < 0) {
			put(p, "<td></td>");
		} else if (hoso_kpi_rate(row->counts, i, &tenths)) {
			putf(p, "<td class=\"n %s\">%d.%d ", tenths >= (uint64_t)t ? "met" : "notmet",
			    t / 10, t % 10);
			esc(p, tenths >= (uint64_t)t ? _("met") : _("not met"));
			put(p, "</td>");
		} else {
			putf(p, "<td class=\"n\">%d.%d</td>", t / 10, t % 10);
		}
	}
	/* --store: what the store holds of the row's dossiers ("—" for a mean over no pages). */
	for (i = 0; o->store && i < HOSO_KPI_N_STORE_COLUMNS; i++) {
		char num[32];
		hoso_kpi_store_column(i, row->store, num);
		putf(p, "<td class=\"n\">%s</td>", num[0] != '\0' ? num : EM_DASH);
	}
	put(p, "</tr>\n");
}

/* A column's header: its spec name (for programs) and its header (for people). */
static void
col_head(struct page *p, const char *attrs, const char *name, const char *suffix, int kind, int i)
{
	putf(p, "<th%s scope=\"col\" data-col=\"%s%s\">", attrs, name, suffix);
	esc(p, hoso_report_header(kind, i));
	put(p, "</th>");
}

static void
table(struct page *p)
{
	const struct hoso_report_opts *o = p->o;
	const struct hoso_kpi_result *res = p->res;
	int g, i, n_cols = 0, n_targets = 0;
	size_t k;

	for (i = 0; i < HOSO_KPI_N_RATES; i++)
		n_targets += hoso_report_rate_targeted(o, i);
	put(p, "<section id=\"bieu06\">\n<h2>");
	esc(p, _("Form 06 (Bi\xe1\xbb\x83u 06): dossiers received and resolved"));
	put(p, "</h2>\n<div class=\"scroll\">\n<table class=\"b06\">\n<thead>\n<tr>");
	for (g = 0; g < HOSO_REPORT_G_MAX; g++) {
		if (!hoso_report_group_on(o, g))
			continue;
		col_head(p, " rowspan=\"2\"", hoso_report_group_name(g), "", HOSO_REPORT_COL_GROUP, g);
		n_cols++;
	}
	for (k = 0; k < sizeof(bands) / sizeof(bands[0]); k++) {
		putf(p, "<th colspan=\"%d\" scope=\"colgroup\">", bands[k].end - bands[k].first);
		esc(p, _(bands[k].title));
		put(p, "</th>");
	}
	putf(p, "<th colspan=\"%d\" scope=\"colgroup\">", HOSO_KPI_N_RATES);
	esc(p, _("Rates (%)"));
	put(p, "</th>");
	if (n_targets > 0) {
		putf(p, "<th colspan=\"%d\" scope=\"colgroup\">", n_targets);
		esc(p, _("Plans (%)"));
		put(p, "</th>");
	}
	if (o->store) {
		putf(p, "<th colspan=\"%d\" scope=\"colgroup\">", HOSO_KPI_N_STORE_COLUMNS);
		esc(p, _("In the dossier store"));
		put(p, "</th>");
	}
	put(p, "</tr>\n<tr>");
	for (i = 0; i < HOSO_KPI_N_COUNTS; i++)
		col_head(p, "", hoso_kpi_count_name(i), "", HOSO_REPORT_COL_COUNT, i);
	for (i = 0; i < HOSO_KPI_N_RATES; i++)
		col_head(p, "", hoso_kpi_rate_name(i), "", HOSO_REPORT_COL_RATE, i);
	for (i = 0; i < HOSO_KPI_N_RATES; i++)
		if (hoso_report_rate_targeted(o, i))
			col_head(p, "", hoso_report_target_name(i), "_target", HOSO_REPORT_COL_TARGET, i);
	for (i = 0; o->store && i < HOSO_KPI_N_STORE_COLUMNS; i++) {
		static const uint64_t none[HOSO_KPI_N_STORE];
		char num[32];
		col_head(p, "", hoso_kpi_store_column(i, none, num), "", HOSO_REPORT_COL_STORE, i);
	}
	/* The paper form numbers its columns; people quote them ("cột 5"). */
	put(p, "</tr>\n<tr class=\"colno\">");
	n_cols += HOSO_KPI_N_COUNTS + HOSO_KPI_N_RATES + n_targets +
	    (o->store ? HOSO_KPI_N_STORE_COLUMNS : 0);
	for (i = 1; i <= n_cols; i++)
		putf(p, "<th>(%d)</th>", i);
	put(p, "</tr>\n</thead>\n<tbody>\n");
	for (k = 0; k < res->n_rows; k++)
		table_row(p, &res->rows[k], false);
	put(p, "</tbody>\n<tfoot>\n");
	table_row(p, &res->total, true);
	put(p, "</tfoot>\n</table>\n</div>\n<p class=\"meta\">");
	hoso_buf_reset(&p->tmp);
	if (p->r == 0)
		p->r = hoso_buf_addf(&p->tmp, p->err, _("\nDossiers: %" PRIu64 "; rows read: %" PRIu64
		    "; duplicates replaced (last row wins): %" PRIu64 "\n"), res->dossiers,
		    res->rows_read, res->duplicates);
	esc(p, hoso_buf_str(&p->tmp));
	for (k = 0, i = 0; k < HOSO_REG_SKIP_MAX; k++) {
		if (res->skipped[k] == 0)
			continue;
		if (i++ == 0) {
			put(p, "<br/>");
			esc(p, _("Rows skipped (--lenient):"));
		}
		putf(p, " %s %zu", hoso_register_skip_name((int)k), res->skipped[k]);
	}
	put(p, "</p>\n</section>\n");
}

/* ---- charts of the table's rows ---- */

/* Open a chart's section; false (and the section closed) when the table has no rows. */
static bool
chart_section(struct page *p, const char *id, const char *heading)
{
	putf(p, "<section id=\"%s\" class=\"chart\">\n<h2>", id);
	esc(p, heading);
	put(p, "</h2>\n");
	if (p->res->n_rows > 0)
		return true;
	put(p, "<p>");
	esc(p, _("No rows to chart."));
	put(p, "</p>\n</section>\n");
	return false;
}

/* ---- chart (a): online and paper received, per row ---- */

static int
level_slot(const struct hoso_kpi_row *row)
{
	return row->level_id >= 0 && row->level_id < 4 ? row->level_id : 0;
}

static void
chart_channels(struct page *p)
{
	const struct hoso_kpi_result *res = p->res;
	struct hoso_buf title = HOSO_BUF_INIT(0);
	size_t n = res->n_rows, per = HOSO_REPORT_HTML_ROWS_PER_CHART, first, i, n_pages;
	uint64_t max[4] = { 0, 0, 0, 0 }, on, paper;
	const double bar_w = 520;
	int n_levels = 0;
	unsigned char seen[4] = { 0, 0, 0, 0 };
	double y, w_on, w_paper, x;
	int height;

	if (!chart_section(p, "channels", _("Dossiers received online and on paper")))
		return;
	/*
	 * With roll-up a province's row holds all its communes: one scale for all
	 * would leave the communes as slivers. Rows of one level share a scale.
	 */
	for (i = 0; i < n; i++) {
		const struct hoso_kpi_row *row = &res->rows[i];

		if (row->counts[HOSO_KPI_RECEIVED] > max[level_slot(row)])
			max[level_slot(row)] = row->counts[HOSO_KPI_RECEIVED];
		if (!seen[level_slot(row)]) {
			seen[level_slot(row)] = 1;
			n_levels++;
		}
	}
	n_pages = (n + per - 1) / per;
	for (first = 0; first < n; first += per) {
		size_t count = n - first < per ? n - first : per;

		height = 40 + (int)count * ROW_H + 10;
		page_title(p, &title, _("Dossiers received online and on paper"), first / per + 1,
		    n_pages);
		figure_open(p, &title, n_pages);
		svg_open(p, height, hoso_buf_str(&title), n_levels > 1 ?
		    _("Stacked bars, one per row of the table: online, then paper (at the desk and "
		    "by post); the counts follow each bar. Rows of one level (province, district, "
		    "commune) share a scale.") :
		    _("Stacked bars, one per row of the table: online, then paper (at the desk and "
		    "by post); the counts follow each bar. Every bar has the same scale."));
		x = legend(p, BAR_X, 20, C_BLUE, NULL, hoso_report_header(HOSO_REPORT_COL_COUNT,
		    HOSO_KPI_ONLINE));
		legend(p, x, 20, C_ORANGE, NULL, hoso_report_header(HOSO_REPORT_COL_COUNT,
		    HOSO_KPI_PAPER));
		putf(p, "<line x1=\"%d\" y1=\"34\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", BAR_X,
		    BAR_X, 40 + (int)count * ROW_H);
		for (i = first; i < first + count; i++) {
			const struct hoso_kpi_row *row = &res->rows[i];

			on = row->counts[HOSO_KPI_ONLINE];
			paper = row->counts[HOSO_KPI_PAPER];
			y = 40 + (double)(i - first) * ROW_H;
			w_on = max[level_slot(row)] ?
			    bar_w * (double)on / (double)max[level_slot(row)] : 0;
			w_paper = max[level_slot(row)] ?
			    bar_w * (double)paper / (double)max[level_slot(row)] : 0;
			put(p, "<g>");
			svg_row_label(p, row, y + 15);
			hoso_buf_reset(&p->tmp);
			if (p->r == 0)
				p->r = hoso_buf_addf(&p->tmp, p->err, _("%" PRIu64 " online, %" PRIu64
				    " paper"), on, paper);
			putf(p, "<rect x=\"%d\" y=\"%ld\" width=\"%ld\" height=\"14\" fill=\"%s\">"
			    "<title>", BAR_X, ix(y + 4), ix(w_on), C_BLUE);
			esc(p, hoso_buf_str(&p->tmp));
			putf(p, "</title></rect>\n<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" "
			    "height=\"14\" fill=\"%s\"><title>", ix(BAR_X + w_on), ix(y + 4),
			    ix(BAR_X + w_on + w_paper) - ix(BAR_X + w_on), C_ORANGE);
			esc(p, hoso_buf_str(&p->tmp));
			putf(p, "</title></rect>\n<text x=\"%ld\" y=\"%ld\" class=\"num\">",
			    ix(BAR_X + w_on + w_paper + 6), ix(y + 15));
			esc(p, hoso_buf_str(&p->tmp));
			put(p, "</text></g>\n");
		}
		put(p, "</svg>\n</figure>\n");
	}
	put(p, "</section>\n");
	hoso_buf_free(&title);
}

/* ---- chart (b): the four rates per row against the plans ---- */

static void
chart_rates(struct page *p)
{
	const struct hoso_report_opts *o = p->o;
	const struct hoso_kpi_result *res = p->res;
	struct hoso_buf title = HOSO_BUF_INIT(0);
	size_t n = res->n_rows, per = HOSO_REPORT_HTML_ROWS_PER_CHART, first, i, n_pages;
	const double panel = 185, scale = 1.2;	/* 100 % = 120 units */
	uint64_t tenths;
	double y, px, x, end;
	int height, r, t, bottom;

	if (!chart_section(p, "rates", o->targets != NULL ? _("Rates against the plans") :
	    _("Rates")))
		return;
	n_pages = (n + per - 1) / per;
	for (first = 0; first < n; first += per) {
		size_t count = n - first < per ? n - first : per;

		bottom = 40 + (int)count * ROW_H;
		height = bottom + (o->targets != NULL ? 44 : 24);
		page_title(p, &title, o->targets != NULL ? _("Rates against the plans") : _("Rates"),
		    first / per + 1, n_pages);
		figure_open(p, &title, n_pages);
		svg_open(p, height, hoso_buf_str(&title),
		    _("For each row of the table, four bars from 0 to 100 %: the online, "
		    "digitization, on-time and signed rates; a black tick marks the plan, a check "
		    "mark or a cross says whether it is met; a dash where there is nothing to "
		    "count."));
		for (r = 0; r < HOSO_KPI_N_RATES; r++) {
			px = BAR_X + panel * r;
			putf(p, "<text x=\"%ld\" y=\"20\" class=\"head\">", ix(px));
			esc(p, hoso_report_header(HOSO_REPORT_COL_RATE, r));
			put(p, "</text>\n");
			for (t = 0; t <= 100; t += 50)
				putf(p, "<line x1=\"%ld\" y1=\"34\" x2=\"%ld\" y2=\"%d\" stroke=\"#ccc\"/>\n"
				    "<text x=\"%ld\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%d</text>\n",
				    ix(px + t * scale), ix(px + t * scale), bottom, ix(px + t * scale),
				    bottom + 14, t);
		}
		for (i = first; i < first + count; i++) {
			const struct hoso_kpi_row *row = &res->rows[i];

			y = 40 + (double)(i - first) * ROW_H;
			put(p, "<g>");
			svg_row_label(p, row, y + 15);
			for (r = 0; r < HOSO_KPI_N_RATES; r++) {
				bool has = hoso_kpi_rate(row->counts, r, &tenths);
				const char *fill = C_SKY, *mark = "";

				px = BAR_X + panel * r;
				t = hoso_report_target_for(o, row, r);
				if (!has) {
					putf(p, "<text x=\"%ld\" y=\"%ld\" class=\"num\">" EM_DASH "</text>\n",
					    ix(px + 4), ix(y + 15));
					continue;
				}
				if (t >= 0) {
					fill = tenths >= (uint64_t)t ? C_BLUE : C_VERMILLION;
					mark = tenths >= (uint64_t)t ? " \xe2\x9c\x93" : " \xe2\x9c\x97";
				}
				row_label(p, row);
				putf(p, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"12\" fill=\"%s\">"
				    "<title>", ix(px), ix(y + 5), ix((double)tenths / 10 * scale), fill);
				esc(p, hoso_buf_str(&p->label));
				putf(p, ": %" PRIu64 ".%" PRIu64 " %%", tenths / 10, tenths % 10);
				if (t >= 0) {
					putf(p, " (%d.%d %%, ", t / 10, t % 10);
					esc(p, tenths >= (uint64_t)t ? _("met") : _("not met"));
					put(p, ")");
				}
				put(p, "</title></rect>\n");
				if (t >= 0)
					putf(p, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" "
					    "stroke=\"#000\" stroke-width=\"2\"/>\n", ix(px + t / 10.0 * scale),
					    ix(y + 2), ix(px + t / 10.0 * scale), ix(y + 20));
				/* The value right of the bar, and of the plan's tick when that is further. */
				end = (double)tenths / 10 * scale;
				if (t >= 0 && t / 10.0 * scale + 2 > end)
					end = t / 10.0 * scale + 2;
				putf(p, "<text x=\"%ld\" y=\"%ld\" class=\"num\">%" PRIu64 ".%" PRIu64
				    "%s</text>\n", ix(px + end + 4), ix(y + 15), tenths / 10, tenths % 10,
				    mark);
			}
			put(p, "</g>\n");
		}
		if (o->targets != NULL) {
			x = legend(p, BAR_X, bottom + 36, C_BLUE, NULL, _("plan met"));
			x = legend(p, x, bottom + 36, C_VERMILLION, NULL, _("plan not met"));
			x = legend(p, x, bottom + 36, C_SKY, NULL, _("no plan"));
			putf(p, "<line x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%d\" stroke=\"#000\" "
			    "stroke-width=\"2\"/>\n<text x=\"%ld\" y=\"%d\">", ix(x + 6), bottom + 24,
			    ix(x + 6), bottom + 40, ix(x + 14), bottom + 36);
			esc(p, _("plan"));
			put(p, "</text>\n");
		}
		put(p, "</svg>\n</figure>\n");
	}
	put(p, "</section>\n");
	hoso_buf_free(&title);
}

/* ---- chart (c): the trend by month ---- */

/* A step of 1, 2 or 5 times a power of ten that cuts [0, max] into at most five. */
static uint64_t
nice_step(uint64_t max)
{
	uint64_t step = 1;

	for (;;) {
		if (max <= step * 5)
			return step;
		if (max <= step * 10)
			return step * 2;
		if (max <= step * 25)
			return step * 5;
		step *= 10;
	}
}

static void
chart_trend(struct page *p)
{
	const struct hoso_report_opts *o = p->o;
	const struct hoso_kpi_result *res = p->res;
	const double x0 = 70, x1 = 930, top = 50, bottom = 280;
	size_t n = res->n_trend, i, n_before = 0, label_every;
	uint64_t max = 0, step, ymax, v, tenths;
	double slot, bw, cx, y, x, prev_x = 0, prev_y = 0;
	bool prev = false;
	char m[12];
	int t, k, c;

	for (i = 0; i < n; i++) {
		if (res->trend[i].month < p->period_month)
			n_before++;
		for (c = 0; c < 2; c++)
			if (res->trend[i].counts[trend_counts[c]] > max)
				max = res->trend[i].counts[trend_counts[c]];
	}
	step = nice_step(max);
	ymax = max == 0 ? step * 5 : (max + step - 1) / step * step;
	slot = (x1 - x0) / (double)n;
	bw = slot * 0.35 < 28 ? slot * 0.35 : 28;
	label_every = n > 24 ? (n + 23) / 24 : 1;

	put(p, "<section id=\"trend\" class=\"chart\">\n<h2>");
	esc(p, _("Trend by month"));
	put(p, "</h2>\n<figure>\n");
	svg_open(p, 340, _("Trend by month"),
	    _("For each month, two bars: dossiers received and resolved (left scale); a line: "
	    "the online rate (right scale, 0 to 100 %). Months before the period are shaded."));
	x = legend(p, x0, 20, C_SKY, NULL, hoso_report_header(HOSO_REPORT_COL_COUNT,
	    HOSO_KPI_RECEIVED));
	x = legend(p, x, 20, C_GREEN, NULL, hoso_report_header(HOSO_REPORT_COL_COUNT,
	    HOSO_KPI_RESOLVED));
	x = legend(p, x, 20, C_VERMILLION, "", hoso_report_header(HOSO_REPORT_COL_RATE,
	    HOSO_KPI_ONLINE_RATE));
	t = hoso_report_target_for(o, &res->total, HOSO_KPI_ONLINE_RATE);
	if (t >= 0)
		legend(p, x, 20, "#000", "6 4", _("plan"));
	if (n_before > 0) {
		putf(p, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" fill=\"#eee\"/>\n"
		    "<text x=\"%ld\" y=\"%ld\" class=\"tick\">", ix(x0), ix(top),
		    ix(slot * (double)n_before), ix(bottom - top), ix(x0 + 4), ix(top + 12));
		esc(p, _("before the period"));
		put(p, "</text>\n");
	}
	/* Scales: counts on the left, percent on the right. */
	for (v = 0; v <= ymax; v += step) {
		y = bottom - (bottom - top) * (double)v / (double)ymax;
		putf(p, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"#ddd\"/>\n"
		    "<text x=\"%ld\" y=\"%ld\" text-anchor=\"end\" class=\"tick\">%" PRIu64 "</text>\n",
		    ix(x0), ix(y), ix(x1), ix(y), ix(x0 - 6), ix(y + 4), v);
	}
	for (k = 0; k <= 100; k += 25)
		putf(p, "<text x=\"%ld\" y=\"%ld\" class=\"tick\">%d %%</text>\n", ix(x1 + 6),
		    ix(bottom - (bottom - top) * k / 100.0 + 4), k);
	putf(p, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"#333\"/>\n", ix(x0),
	    ix(bottom), ix(x1), ix(bottom));
	for (i = 0; i < n; i++) {
		const struct hoso_kpi_row *row = &res->trend[i];
		const char *op = row->month < p->period_month ? " fill-opacity=\"0.5\"" : "";

		month_str(row->month, m);
		cx = x0 + slot * ((double)i + 0.5);
		for (c = 0; c < 2; c++) {
			int which = trend_counts[c];
			double h = (bottom - top) * (double)row->counts[which] / (double)ymax;
			double bx = c == 0 ? cx - bw - 1 : cx + 1;

			putf(p, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" fill=\"%s\"%s>"
			    "<title>%s: ", ix(bx), ix(bottom - h), ix(bw), ix(bottom) - ix(bottom - h),
			    c == 0 ? C_SKY : C_GREEN, op, m);
			esc(p, hoso_report_header(HOSO_REPORT_COL_COUNT, which));
			putf(p, " %" PRIu64 "</title></rect>\n", row->counts[which]);
			if (n <= 12)
				putf(p, "<text x=\"%ld\" y=\"%ld\" text-anchor=\"middle\" class=\"small\">%"
				    PRIu64 "</text>\n", ix(bx + bw / 2), ix(bottom - h - 3), row->counts[which]);
		}
		if (i % label_every == 0) {
			if (n > 12)
				putf(p, "<text x=\"%ld\" y=\"%ld\" text-anchor=\"end\" class=\"tick\" "
				    "transform=\"rotate(-45 %ld %ld)\">%s</text>\n", ix(cx), ix(bottom + 16),
				    ix(cx), ix(bottom + 16), m);
			else
				putf(p, "<text x=\"%ld\" y=\"%ld\" text-anchor=\"middle\" class=\"tick\">"
				    "%s</text>\n", ix(cx), ix(bottom + 16), m);
		}
	}
	/* The online rate: a line through the months that have a rate, broken where none. */
	for (i = 0; i < n; i++) {
		if (!hoso_kpi_rate(res->trend[i].counts, HOSO_KPI_ONLINE_RATE, &tenths)) {
			prev = false;
			continue;
		}
		cx = x0 + slot * ((double)i + 0.5);
		y = bottom - (bottom - top) * (double)tenths / 1000.0;
		if (prev)
			putf(p, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"%s\" "
			    "stroke-width=\"2\"/>\n", ix(prev_x), ix(prev_y), ix(cx), ix(y), C_VERMILLION);
		month_str(res->trend[i].month, m);
		putf(p, "<circle cx=\"%ld\" cy=\"%ld\" r=\"4\" fill=\"%s\"><title>%s: ", ix(cx),
		    ix(y), C_VERMILLION, m);
		esc(p, hoso_report_header(HOSO_REPORT_COL_RATE, HOSO_KPI_ONLINE_RATE));
		putf(p, " %" PRIu64 ".%" PRIu64 "</title></circle>\n", tenths / 10, tenths % 10);
		prev = true;
		prev_x = cx;
		prev_y = y;
	}
	if (t >= 0) {
		y = bottom - (bottom - top) * t / 1000.0;
		putf(p, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"#000\" "
		    "stroke-dasharray=\"6 4\"><title>", ix(x0), ix(y), ix(x1), ix(y));
		esc(p, _("plan"));
		putf(p, " %d.%d %%</title></line>\n", t / 10, t % 10);
	}
	put(p, "</svg>\n</figure>\n");

	/* The same numbers as a table, for screen readers and for copying. */
	put(p, "<table class=\"trend\">\n<thead><tr>");
	col_head(p, "", "month", "", HOSO_REPORT_COL_GROUP, HOSO_REPORT_G_MONTH);
	for (c = 0; c < 2; c++)
		col_head(p, "", hoso_kpi_count_name(trend_counts[c]), "", HOSO_REPORT_COL_COUNT,
		    trend_counts[c]);
	col_head(p, "", hoso_kpi_rate_name(HOSO_KPI_ONLINE_RATE), "", HOSO_REPORT_COL_RATE,
	    HOSO_KPI_ONLINE_RATE);
	put(p, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		const struct hoso_kpi_row *row = &res->trend[i];

		month_str(row->month, m);
		putf(p, "<tr%s><th scope=\"row\">%s</th><td class=\"n\">%" PRIu64 "</td>"
		    "<td class=\"n\">%" PRIu64 "</td>", row->month < p->period_month ?
		    " class=\"before\"" : "", m, row->counts[HOSO_KPI_RECEIVED],
		    row->counts[HOSO_KPI_RESOLVED]);
		if (hoso_kpi_rate(row->counts, HOSO_KPI_ONLINE_RATE, &tenths))
			putf(p, "<td class=\"n\">%" PRIu64 ".%" PRIu64 "</td></tr>\n", tenths / 10,
			    tenths % 10);
		else
			put(p, "<td class=\"n\">" EM_DASH "</td></tr>\n");
	}
	put(p, "</tbody>\n</table>\n<p class=\"note\">");
	esc(p, _("The trend shows at least the twelve months that end with the period's last "
	    "month, from the first month in which the registers received or resolved anything; "
	    "months of the period are cut to it as with --by month, earlier months (shaded) are "
	    "whole."));
	put(p, "</p>\n</section>\n");
}

/* ---- the page ---- */

static const char css[] =
	":root{color-scheme:light}\n"
	"body{font-family:\"DejaVu Sans\",\"Noto Sans\",\"Liberation Sans\",Arial,sans-serif;"
	"margin:16px 24px;color:#111;background:#fff;font-size:14px;line-height:1.35}\n"
	"h1{font-size:1.5em;margin:0 0 .3em}\n"
	"h2{font-size:1.15em;margin:1.4em 0 .5em}\n"
	".meta{color:#333;margin:.2em 0}\n"
	".note{color:#444;font-size:.9em;max-width:60em}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;font-size:12px}\n"
	"th,td{border:1px solid #8a8a8a;padding:2px 5px}\n"
	"thead th{background:#e8edf3;font-weight:600;vertical-align:bottom}\n"
	"tbody th,tfoot th{text-align:left;font-weight:normal}\n"
	"tbody th{min-width:11em}\n"
	"td.g{min-width:8em}\n"
	"td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"tr.colno th{font-weight:normal;font-style:italic;font-size:11px;text-align:center}\n"
	"tr.total td,tr.total th{font-weight:700;background:#f2f2f2}\n"
	"tr.lv-tinh td,tr.lv-tinh th{font-weight:600;background:#fafafa}\n"
	"td.notmet{color:#a33c00}\n"
	"tr.before{color:#666}\n"
	"figure{margin:.6em 0 1.2em;break-inside:avoid;page-break-inside:avoid}\n"
	"svg{display:block;width:100%;max-width:1200px;height:auto}\n"
	"svg text{font-size:12px;fill:#111}\n"
	"svg text.head{font-weight:700}\n"
	"svg text.tick{font-size:11px;fill:#444}\n"
	"svg text.small{font-size:10px;fill:#333}\n"
	"svg text.num{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}\n"
	"figcaption{font-size:.9em;color:#444}\n"
	"@page{size:A4 landscape;margin:10mm}\n"
	"@media print{body{margin:0;font-size:10pt}.scroll{overflow:visible}"
	"table.b06{font-size:7pt}th,td{padding:1px 2px}thead{display:table-header-group}"
	"tr{break-inside:avoid;page-break-inside:avoid}section.chart{break-before:page;"
	"page-break-before:always}svg{max-width:none}}\n";

int
hoso_report_html_write(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err)
{
	struct page pg;
	struct page *p = &pg;
	const char *title = o->title != NULL && *o->title != '\0' ? o->title :
	    _("One-stop office: dossiers received and resolved");
	char from[11], to[11], asof[11];
	int y, m, d;

	memset(p, 0, sizeof(*p));
	p->out = out;
	p->err = err;
	p->o = o;
	p->res = res;
	hoso_buf_init(&p->tmp, 0);
	hoso_buf_init(&p->label, 0);
	hoso_date_civil(o->from, &y, &m, &d);
	p->period_month = y * 12 + m - 1;
	hoso_date_ymd(o->from, from);
	hoso_date_ymd(o->to, to);
	hoso_date_ymd(o->as_of, asof);

	put(p, "<!DOCTYPE html>\n<html lang=\"");
	esc(p, o->lang != NULL && *o->lang != '\0' ? o->lang : "en");
	put(p, "\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\"/>\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
	    "<meta name=\"generator\" content=\"hoso stats\"/>\n<title>");
	esc(p, title);
	putf(p, " (%s \xe2\x80\x93 %s)</title>\n<style>\n", from, to);
	put(p, css);
	put(p, "</style>\n</head>\n<body>\n<header>\n<h1>");
	esc(p, title);
	put(p, "</h1>\n<p class=\"meta\" id=\"period\">");
	hoso_buf_reset(&p->tmp);
	if (p->r == 0)
		p->r = hoso_buf_addf(&p->tmp, p->err, _("Period: %s to %s"), from, to);
	if (p->r == 0 && o->has_as_of)
		p->r = hoso_buf_addf(&p->tmp, p->err, _(", units as of %s"), asof);
	esc(p, hoso_buf_str(&p->tmp));
	put(p, "</p>\n<p class=\"meta\" id=\"units\">");
	hoso_buf_reset(&p->tmp);
	if (p->r == 0)
		p->r = o->units_label != NULL ?
		    hoso_buf_addf(&p->tmp, p->err, _("Units: %s"), o->units_label) :
		    hoso_buf_adds(&p->tmp, _("Units: as written in the registers (no units file)"),
		    p->err);
	esc(p, hoso_buf_str(&p->tmp));
	put(p, "</p>\n");
	if (o->generated != NULL) {
		put(p, "<p class=\"meta\" id=\"generated\">");
		hoso_buf_reset(&p->tmp);
		if (p->r == 0)
			p->r = hoso_buf_addf(&p->tmp, p->err, _("Generated: %s"), o->generated);
		esc(p, hoso_buf_str(&p->tmp));
		put(p, "</p>\n");
	}
	put(p, "</header>\n<main>\n");
	table(p);
	chart_channels(p);
	chart_rates(p);
	if (res->trend != NULL && res->n_trend > 0)
		chart_trend(p);
	put(p, "</main>\n</body>\n</html>\n");
	hoso_buf_free(&p->tmp);
	hoso_buf_free(&p->label);
	return p->r;
}
