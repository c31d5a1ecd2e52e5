/*
 * report.c - the stats report (specs/register-csv.md, "Machine-readable output"):
 * CSV with exactly the spec's columns, JSON and XML with the same names, and an
 * aligned text table with translated headers for people. It owns the columns
 * (names, headers, targets) that every format shares; HTML is in report_html.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "i18n.h"
#include "register.h"
#include "report.h"
#include "report_html.h"
#include "utf8.h"
#include "xml.h"

static const char *const target_names[HOSO_KPI_N_RATES] = {
	"online", "digitization", "on_time", "signed",
};

static const char *const level_keys[4] = { "", "tinh", "huyen", "xa" };

const char *
hoso_report_target_name(int r)
{
	return r >= 0 && r < HOSO_KPI_N_RATES ? target_names[r] : "?";
}

/* "80", "92.5" -> tenths; false when not a percentage with one decimal at most. */
static bool
parse_percent(const char *s, size_t n, int *tenths)
{
	int v = 0, frac = 0;
	size_t i = 0, digits = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		if ((v = v * 10 + (s[i] - '0')) > 100)
			return false;
	if (digits == 0)
		return false;
	if (i < n && s[i] == '.') {
		if (i + 2 != n || s[i + 1] < '0' || s[i + 1] > '9')
			return false;
		frac = s[i + 1] - '0';
		i += 2;
	}
	if (i != n || v * 10 + frac > 1000)
		return false;
	*tenths = v * 10 + frac;
	return true;
}

void
hoso_report_targets_init(struct hoso_report_targets *t)
{
	int i, l;

	for (i = 0; i < HOSO_KPI_N_RATES; i++) {
		t->all[i] = -1;
		for (l = 0; l < 4; l++)
			t->level[i][l] = -1;
	}
}

int
hoso_report_parse_targets(const char *spec, struct hoso_report_targets *t, struct hoso_err *err)
{
	const char *p = spec, *end, *eq, *colon;
	int rate = -1, l, v, *slot;
	size_t n;

	if (*p == '\0')
		goto bad;
	while (*p != '\0') {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		eq = memchr(p, '=', n);
		if (eq != NULL) {
			for (rate = 0; rate < HOSO_KPI_N_RATES; rate++)
				if (strlen(target_names[rate]) == (size_t)(eq - p) &&
				    memcmp(p, target_names[rate], (size_t)(eq - p)) == 0)
					break;
			if (rate == HOSO_KPI_N_RATES)
				goto bad;
			n -= (size_t)(eq + 1 - p);
			p = eq + 1;
		} else if (rate < 0) {
			goto bad;
		}
		colon = memchr(p, ':', n);
		if (colon == NULL) {
			if (!parse_percent(p, n, &v))
				goto bad;
			slot = &t->all[rate];
		} else {
			for (l = 1; l < 4; l++)
				if (strlen(level_keys[l]) == (size_t)(colon - p) &&
				    memcmp(p, level_keys[l], (size_t)(colon - p)) == 0)
					break;
			if (l == 4 || !parse_percent(colon + 1, n - (size_t)(colon + 1 - p), &v))
				goto bad;
			slot = &t->level[rate][l];
		}
		if (*slot >= 0)
			return hoso_err_set(err, HOSO_EUSAGE, _("--target: a plan for %s%s%.*s is "
			    "given twice"), target_names[rate], colon ? " " : "",
			    colon ? (int)(colon - p) : 0, colon ? p : "");
		*slot = v;
		p += n;
		if (*p == ',' && *++p == '\0')
			goto bad;	/* a trailing comma: something was cut off */
	}
	return 0;
bad:
	return hoso_err_set(err, HOSO_EUSAGE, _("--target wants RATE=PERCENT or "
	    "RATE=tinh:P,huyen:P,xa:P (rates online, digitization, on_time, signed), not '%s'"),
	    spec);
}

/* The plan for rate r on a row, or -1. */
int
hoso_report_target_for(const struct hoso_report_opts *o, const struct hoso_kpi_row *row, int r)
{
	if (o->targets == NULL)
		return -1;
	if (row->level_id > 0 && row->level_id < 4 && o->targets->level[r][row->level_id] >= 0)
		return o->targets->level[r][row->level_id];
	return o->targets->all[r];
}

bool
hoso_report_rate_targeted(const struct hoso_report_opts *o, int r)
{
	int l;

	if (o->targets == NULL)
		return false;
	for (l = 1; l < 4; l++)
		if (o->targets->level[r][l] >= 0)
			return true;
	return o->targets->all[r] >= 0;
}

/* ---- cells ---- */

static const char *const group_names[HOSO_REPORT_G_MAX] = {
	"unit", "unit_name", "level", "field", "month",
};

const char *
hoso_report_group_name(int g)
{
	return g >= 0 && g < HOSO_REPORT_G_MAX ? group_names[g] : "?";
}

bool
hoso_report_group_on(const struct hoso_report_opts *o, int g)
{
	switch (g) {
	case HOSO_REPORT_G_UNIT:
	case HOSO_REPORT_G_UNIT_NAME:
		return (o->by & HOSO_KPI_BY_UNIT) != 0;
	case HOSO_REPORT_G_LEVEL:
		return (o->by & HOSO_KPI_BY_LEVEL) != 0;
	case HOSO_REPORT_G_FIELD:
		return (o->by & HOSO_KPI_BY_FIELD) != 0;
	default:
		return (o->by & HOSO_KPI_BY_MONTH) != 0;
	}
}

/* Group cell g of a row into b (reset first); the total row says TOTAL. */
int
hoso_report_group_cell(const struct hoso_kpi_row *row, bool total, int g, struct hoso_buf *b,
    struct hoso_err *err)
{
	const char *s = NULL;

	hoso_buf_reset(b);
	if (total)
		return hoso_buf_adds(b, "TOTAL", err);
	switch (g) {
	case HOSO_REPORT_G_UNIT:
		s = row->unit;
		break;
	case HOSO_REPORT_G_UNIT_NAME:
		s = row->unit_name;
		break;
	case HOSO_REPORT_G_LEVEL:
		s = row->level;
		break;
	case HOSO_REPORT_G_FIELD:
		s = row->field;
		break;
	default:
		if (row->month >= 0)
			return hoso_buf_addf(b, err, "%04d-%02d", row->month / 12, row->month % 12 + 1);
	}
	return hoso_buf_adds(b, s != NULL ? s : "", err);
}

/* Level names for people; the machine formats keep the codes of level_keys. */
static const char *const level_labels[4] = { "", N_("province"), N_("district"), N_("commune") };

const char *
hoso_report_level_label(const char *code)
{
	int l;

	for (l = 1; l < 4; l++)
		if (code != NULL && strcmp(code, level_keys[l]) == 0)
			return _(level_labels[l]);
	return code != NULL ? code : "";
}

int
hoso_report_group_label(const struct hoso_kpi_row *row, int g, struct hoso_buf *b,
    struct hoso_err *err)
{
	if (g != HOSO_REPORT_G_LEVEL)
		return hoso_report_group_cell(row, false, g, b, err);
	hoso_buf_reset(b);
	return hoso_buf_adds(b, hoso_report_level_label(row->level), err);
}

static void
rate_str(uint64_t tenths, char *out, size_t n)
{
	snprintf(out, n, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
}

/* ---- CSV ---- */

static int
csv_cell(struct hoso_buf *out, const char *s, bool first, struct hoso_err *err)
{
	int r;

	if (!first && (r = hoso_buf_addc(out, ',', err)) != 0)
		return r;
	if (strpbrk(s, ",\"\r\n") == NULL)
		return hoso_buf_adds(out, s, err);
	if ((r = hoso_buf_addc(out, '"', err)) != 0)
		return r;
	for (; *s != '\0'; s++)
		if ((*s == '"' && (r = hoso_buf_addc(out, '"', err)) != 0) ||
		    (r = hoso_buf_addc(out, *s, err)) != 0)
			return r;
	return hoso_buf_addc(out, '"', err);
}

static int
csv_row(const struct hoso_report_opts *o, const struct hoso_kpi_row *row, bool total,
    struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_buf cell = HOSO_BUF_INIT(0);
	bool first = true;
	char num[32];
	uint64_t tenths;
	int g, i, t, r = 0;

	for (g = 0; g < HOSO_REPORT_G_MAX && r == 0; g++) {
		if (!hoso_report_group_on(o, g))
			continue;
		if ((r = hoso_report_group_cell(row, total, g, &cell, err)) == 0)
			r = csv_cell(out, hoso_buf_str(&cell), first, err);
		first = false;
	}
	for (i = 0; i < HOSO_KPI_N_COUNTS && r == 0; i++) {
		r = hoso_buf_addf(out, err, first ? "%" PRIu64 : ",%" PRIu64, row->counts[i]);
		first = false;
	}
	for (i = 0; i < HOSO_KPI_N_RATES && r == 0; i++) {
		num[0] = '\0';
		if (hoso_kpi_rate(row->counts, i, &tenths))
			rate_str(tenths, num, sizeof(num));
		r = csv_cell(out, num, false, err);
	}
	/* With --target, two more columns per planned rate: the plan and whether it is met. */
	for (i = 0; i < HOSO_KPI_N_RATES && r == 0; i++) {
		if (!hoso_report_rate_targeted(o, i))
			continue;
		t = hoso_report_target_for(o, row, i);
		num[0] = '\0';
		if (t >= 0)
			snprintf(num, sizeof(num), "%d.%d", t / 10, t % 10);
		if ((r = csv_cell(out, num, false, err)) != 0)
			break;
		r = csv_cell(out, t < 0 || !hoso_kpi_rate(row->counts, i, &tenths) ? "" :
		    tenths >= (uint64_t)t ? "true" : "false", false, err);
	}
	/* --store: the store's columns last. */
	for (i = 0; o->store && i < HOSO_KPI_N_STORE_COLUMNS && r == 0; i++) {
		hoso_kpi_store_column(i, row->store, num);
		r = csv_cell(out, num, false, err);
	}
	if (r == 0)
		r = hoso_buf_addc(out, '\n', err);
	hoso_buf_free(&cell);
	return r;
}

static int
write_csv(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err)
{
	char num[32];
	bool first = true;
	size_t i;
	int g, r = 0;

	for (g = 0; g < HOSO_REPORT_G_MAX && r == 0; g++) {
		if (!hoso_report_group_on(o, g))
			continue;
		r = csv_cell(out, group_names[g], first, err);
		first = false;
	}
	for (i = 0; i < HOSO_KPI_N_COUNTS && r == 0; i++) {
		r = csv_cell(out, hoso_kpi_count_name((int)i), first, err);
		first = false;
	}
	for (i = 0; i < HOSO_KPI_N_RATES && r == 0; i++)
		r = csv_cell(out, hoso_kpi_rate_name((int)i), false, err);
	for (i = 0; i < HOSO_KPI_N_RATES && r == 0; i++)
		if (hoso_report_rate_targeted(o, (int)i) && (r = hoso_buf_addf(out, err, ",%s_target,%s_met",
		    target_names[i], target_names[i])) != 0)
			break;
	for (i = 0; o->store && i < HOSO_KPI_N_STORE_COLUMNS && r == 0; i++)
		r = csv_cell(out, hoso_kpi_store_column((int)i, res->total.store, num), false, err);
	if (r == 0)
		r = hoso_buf_addc(out, '\n', err);
	for (i = 0; i < res->n_rows && r == 0; i++)
		r = csv_row(o, &res->rows[i], false, out, err);
	if (r == 0)
		r = csv_row(o, &res->total, true, out, err);
	return r;
}

/* ---- JSON ---- */

static int
json_row(const struct hoso_report_opts *o, const struct hoso_kpi_row *row, bool total,
    struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_buf cell = HOSO_BUF_INIT(0);
	const char *sep = "";
	uint64_t tenths;
	int g, i, t, r = hoso_buf_adds(out, "{", err);

	for (g = 0; g < HOSO_REPORT_G_MAX && r == 0; g++) {
		if (!hoso_report_group_on(o, g))
			continue;
		if ((r = hoso_report_group_cell(row, total, g, &cell, err)) != 0 ||
		    (r = hoso_buf_addf(out, err, "%s\"%s\": ", sep, group_names[g])) != 0)
			break;
		r = hoso_buf_json_str(out, hoso_buf_str(&cell), err);
		sep = ", ";
	}
	for (i = 0; i < HOSO_KPI_N_COUNTS && r == 0; i++) {
		r = hoso_buf_addf(out, err, "%s\"%s\": %" PRIu64, sep, hoso_kpi_count_name(i),
		    row->counts[i]);
		sep = ", ";
	}
	for (i = 0; i < HOSO_KPI_N_RATES && r == 0; i++) {
		if (hoso_kpi_rate(row->counts, i, &tenths))
			r = hoso_buf_addf(out, err, ", \"%s\": %" PRIu64 ".%" PRIu64,
			    hoso_kpi_rate_name(i), tenths / 10, tenths % 10);
		else
			r = hoso_buf_addf(out, err, ", \"%s\": null", hoso_kpi_rate_name(i));
	}
	for (i = 0; o->store && i < HOSO_KPI_N_STORE_COLUMNS && r == 0; i++) {
		char num[32];
		const char *name = hoso_kpi_store_column(i, row->store, num);

		r = hoso_buf_addf(out, err, ", \"%s\": %s", name, num[0] != '\0' ? num : "null");
	}
	if (o->targets != NULL && r == 0) {
		r = hoso_buf_adds(out, ", \"targets\": {", err);
		sep = "";
		for (i = 0; i < HOSO_KPI_N_RATES && r == 0; i++) {
			if ((t = hoso_report_target_for(o, row, i)) < 0)
				continue;
			r = hoso_buf_addf(out, err, "%s\"%s\": {\"target\": %d.%d, \"met\": %s}", sep,
			    target_names[i], t / 10, t % 10,
			    !hoso_kpi_rate(row->counts, i, &tenths) ? "null" :
			    tenths >= (uint64_t)t ? "true" : "false");
			sep = ", ";
		}
		if (r == 0)
			r = hoso_buf_adds(out, "}", err);
	}
	if (r == 0)
		r = hoso_buf_adds(out, "}", err);
	hoso_buf_free(&cell);
	return r;
}

static int
write_json(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err)
{
	char from[11], to[11], asof[11];
	const char *sep = "";
	size_t i;
	int g, r;

	hoso_date_ymd(o->from, from);
	hoso_date_ymd(o->to, to);
	hoso_date_ymd(o->as_of, asof);
	r = hoso_buf_addf(out, err, "{\n  \"from\": \"%s\",\n  \"to\": \"%s\",\n  \"as_of\": %s%s%s,\n"
	    "  \"direct\": %s,\n  \"by\": [", from, to, o->has_as_of ? "\"" : "",
	    o->has_as_of ? asof : "null", o->has_as_of ? "\"" : "", o->direct ? "true" : "false");
	for (g = 0; g < HOSO_REPORT_G_MAX && r == 0; g++) {
		if (g == HOSO_REPORT_G_UNIT_NAME || !hoso_report_group_on(o, g))
			continue;
		r = hoso_buf_addf(out, err, "%s\"%s\"", sep, group_names[g]);
		sep = ", ";
	}
	if (r == 0)
		r = hoso_buf_adds(out, "],\n  \"rows\": [", err);
	for (i = 0; i < res->n_rows && r == 0; i++) {
		if ((r = hoso_buf_adds(out, i ? ",\n    " : "\n    ", err)) == 0)
			r = json_row(o, &res->rows[i], false, out, err);
	}
	if (r == 0)
		r = hoso_buf_adds(out, "\n  ],\n  \"total\": ", err);
	if (r == 0)
		r = json_row(o, &res->total, true, out, err);
	if (r == 0)
		r = hoso_buf_addf(out, err, ",\n  \"rows_read\": %" PRIu64 ",\n  \"dossiers\": %" PRIu64
		    ",\n  \"duplicates_replaced\": %" PRIu64 ",\n  \"skipped\": {", res->rows_read,
		    res->dossiers, res->duplicates);
	for (i = 0; i < HOSO_REG_SKIP_MAX && r == 0; i++)
		r = hoso_buf_addf(out, err, "%s\"%s\": %zu", i ? ", " : "",
		    hoso_register_skip_name((int)i), res->skipped[i]);
	if (r == 0)
		r = hoso_buf_adds(out, "}\n}\n", err);
	return r;
}

/* ---- XML ---- */

static int
xml_row(struct hoso_xmlw *w, const struct hoso_report_opts *o, const struct hoso_kpi_row *row,
    bool total, struct hoso_err *err)
{
	struct hoso_buf cell = HOSO_BUF_INIT(0);
	uint64_t tenths;
	int g, i, t, r;

	if ((r = hoso_xmlw_start(w, total ? "total" : "row", err)) != 0)
		goto out;
	for (g = 0; g < HOSO_REPORT_G_MAX && !total; g++) {
		if (!hoso_report_group_on(o, g))
			continue;
		if ((r = hoso_report_group_cell(row, total, g, &cell, err)) != 0 ||
		    (r = hoso_xmlw_attr(w, group_names[g], hoso_buf_str(&cell), err)) != 0)
			goto out;
	}
	for (i = 0; i < HOSO_KPI_N_COUNTS; i++)
		if ((r = hoso_xmlw_attrf(w, err, hoso_kpi_count_name(i), "%" PRIu64,
		    row->counts[i])) != 0)
			goto out;
	for (i = 0; i < HOSO_KPI_N_RATES; i++)
		if (hoso_kpi_rate(row->counts, i, &tenths) &&
		    (r = hoso_xmlw_attrf(w, err, hoso_kpi_rate_name(i), "%" PRIu64 ".%" PRIu64,
		    tenths / 10, tenths % 10)) != 0)
			goto out;
	for (i = 0; o->store && i < HOSO_KPI_N_STORE_COLUMNS; i++) {
		char num[32];
		const char *name = hoso_kpi_store_column(i, row->store, num);

		if (num[0] != '\0' && (r = hoso_xmlw_attr(w, name, num, err)) != 0)
			goto out;
	}
	for (i = 0; i < HOSO_KPI_N_RATES; i++) {
		if ((t = hoso_report_target_for(o, row, i)) < 0)
			continue;
		if ((r = hoso_xmlw_start(w, "target", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "rate", target_names[i], err)) != 0 ||
		    (r = hoso_xmlw_attrf(w, err, "value", "%d.%d", t / 10, t % 10)) != 0)
			goto out;
		if (hoso_kpi_rate(row->counts, i, &tenths) &&
		    (r = hoso_xmlw_attr(w, "met", tenths >= (uint64_t)t ? "true" : "false", err)) != 0)
			goto out;
		if ((r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	r = hoso_xmlw_end(w, err);
out:
	hoso_buf_free(&cell);
	return r;
}

static int
write_xml(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_xmlw *w = NULL;
	struct hoso_buf by = HOSO_BUF_INIT(0);
	char d[11];
	size_t i;
	int g, r;

	for (g = 0; g < HOSO_REPORT_G_MAX; g++)
		if (g != HOSO_REPORT_G_UNIT_NAME && hoso_report_group_on(o, g) &&
		    (r = hoso_buf_addf(&by, err, "%s%s", by.len ? "," : "", group_names[g])) != 0)
			goto out;
	if ((r = hoso_xmlw_new(&w, err)) != 0 || (r = hoso_xmlw_start(w, "stats", err)) != 0)
		goto out;
	hoso_date_ymd(o->from, d);
	if ((r = hoso_xmlw_attr(w, "from", d, err)) != 0)
		goto out;
	hoso_date_ymd(o->to, d);
	if ((r = hoso_xmlw_attr(w, "to", d, err)) != 0)
		goto out;
	hoso_date_ymd(o->as_of, d);
	if ((o->has_as_of && (r = hoso_xmlw_attr(w, "as_of", d, err)) != 0) ||
	    (r = hoso_xmlw_attr(w, "by", hoso_buf_str(&by), err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "direct", o->direct ? "true" : "false", err)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "rows_read", "%" PRIu64, res->rows_read)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "dossiers", "%" PRIu64, res->dossiers)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "duplicates_replaced", "%" PRIu64, res->duplicates)) != 0)
		goto out;
	for (i = 0; i < res->n_rows; i++)
		if ((r = xml_row(w, o, &res->rows[i], false, err)) != 0)
			goto out;
	if ((r = xml_row(w, o, &res->total, true, err)) != 0)
		goto out;
	for (i = 0; i < HOSO_REG_SKIP_MAX; i++) {
		if (res->skipped[i] == 0)
			continue;
		if ((r = hoso_xmlw_start(w, "skipped", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "reason", hoso_register_skip_name((int)i), err)) != 0 ||
		    (r = hoso_xmlw_attrf(w, err, "count", "%zu", res->skipped[i])) != 0 ||
		    (r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	r = hoso_xmlw_finish(w, out, err);
out:
	hoso_xmlw_free(w);
	hoso_buf_free(&by);
	return r;
}

/* ---- text ---- */

static const char *const group_headers[HOSO_REPORT_G_MAX] = {
	N_("Unit"), N_("Name"), N_("Level"), N_("Field"), N_("Month"),
};

static const char *const count_headers[HOSO_KPI_N_COUNTS] = {
	N_("Received"), N_("Online"), N_("Paper"), N_("Carried over"), N_("Resolved"),
	N_("Early"), N_("On time"), N_("Late"), N_("Pending"), N_("In time"), N_("Overdue"),
	N_("Digitized"), N_("Digitized results"), N_("Paid online"), N_("Signed"),
	N_("End-to-end"),
};

static const char *const rate_headers[HOSO_KPI_N_RATES] = {
	N_("Online %"), N_("Digitized %"), N_("On time %"), N_("Signed %"),
};

static const char *const target_headers[HOSO_KPI_N_RATES] = {
	N_("Online target"), N_("Digitization target"), N_("On time target"), N_("Signed target"),
};

static const char *const store_headers[HOSO_KPI_N_STORE_COLUMNS] = {
	N_("Scanned"), N_("Pages"), N_("Blank pages"), N_("OCR pages"), N_("OCR confidence"),
	N_("Fields to review"), N_("Archives signed"), N_("Reused papers"), N_("Reuse rate"),
};

const char *
hoso_report_header(int kind, int i)
{
	switch (kind) {
	case HOSO_REPORT_COL_GROUP:
		return i >= 0 && i < HOSO_REPORT_G_MAX ? _(group_headers[i]) : "?";
	case HOSO_REPORT_COL_COUNT:
		return i >= 0 && i < HOSO_KPI_N_COUNTS ? _(count_headers[i]) : "?";
	case HOSO_REPORT_COL_RATE:
		return i >= 0 && i < HOSO_KPI_N_RATES ? _(rate_headers[i]) : "?";
	case HOSO_REPORT_COL_STORE:
		return i >= 0 && i < HOSO_KPI_N_STORE_COLUMNS ? _(store_headers[i]) : "?";
	default:
		return i >= 0 && i < HOSO_KPI_N_RATES ? _(target_headers[i]) : "?";
	}
}


struct table {
	char **cells;		/* n_rows x n_cols */
	size_t n_rows, n_cols, cap;
};

/* Room for cell number idx. */
static int
table_room(struct table *t, size_t idx, struct hoso_err *err)
{
	if (idx >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		char **nc = realloc(t->cells, cap * sizeof(*nc));

		if (nc == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		t->cells = nc;
		t->cap = cap;
	}
	return 0;
}

/* Cell *n of the row starting at cell base; *n is advanced. */
static int
table_cell(struct table *t, size_t base, size_t *n, const char *text, struct hoso_err *err)
{
	int r;

	if ((r = table_room(t, base + *n, err)) != 0)
		return r;
	if ((t->cells[base + *n] = strdup(text)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	(*n)++;
	return 0;
}

static int
text_row(struct table *t, size_t *n, const struct hoso_report_opts *o,
    const struct hoso_kpi_row *row, bool total, struct hoso_err *err)
{
	struct hoso_buf cell = HOSO_BUF_INIT(0), raw = HOSO_BUF_INIT(0);
	char num[64];
	uint64_t tenths;
	int g, i, tg, r = 0;

	for (g = 0; g < HOSO_REPORT_G_MAX + HOSO_KPI_N_COUNTS + 2 * HOSO_KPI_N_RATES && r == 0; g++) {
		hoso_buf_reset(&cell);
		if (g < HOSO_REPORT_G_MAX) {
			if (!hoso_report_group_on(o, g))
				continue;
			if (total)
				r = hoso_buf_adds(&cell, g == 0 || !hoso_report_group_on(o, 0) ? _("TOTAL") : "", err);
			else if ((r = hoso_report_group_label(row, g, &raw, err)) == 0)
				/* A name from a register may hold a newline or escape sequence. */
				r = hoso_utf8_label(hoso_buf_str(&raw), raw.len, &cell, err);
			hoso_buf_reset(&raw);
		} else if (g < HOSO_REPORT_G_MAX + HOSO_KPI_N_COUNTS) {
			r = hoso_buf_addf(&cell, err, "%" PRIu64, row->counts[g - HOSO_REPORT_G_MAX]);
		} else if (g < HOSO_REPORT_G_MAX + HOSO_KPI_N_COUNTS + HOSO_KPI_N_RATES) {
			i = g - HOSO_REPORT_G_MAX - HOSO_KPI_N_COUNTS;
			if (hoso_kpi_rate(row->counts, i, &tenths)) {
				rate_str(tenths, num, sizeof(num));
				r = hoso_buf_adds(&cell, num, err);
			} else {
				r = hoso_buf_adds(&cell, "\xe2\x80\x94", err);	/* — where the base is 0 */
			}
		} else {
			i = g - HOSO_REPORT_G_MAX - HOSO_KPI_N_COUNTS - HOSO_KPI_N_RATES;
			if (!hoso_report_rate_targeted(o, i))
				continue;
			if ((tg = hoso_report_target_for(o, row, i)) >= 0 && hoso_kpi_rate(row->counts, i, &tenths))
				r = hoso_buf_addf(&cell, err, "%d.%d %s", tg / 10, tg % 10,
				    tenths >= (uint64_t)tg ? _("met") : _("not met"));
			else if (tg >= 0)
				r = hoso_buf_addf(&cell, err, "%d.%d", tg / 10, tg % 10);
		}
		if (r == 0)
			r = table_cell(t, t->n_rows * t->n_cols, n, hoso_buf_str(&cell), err);
	}
	/* --store: the store's columns last ("—" for a mean over no pages). */
	for (i = 0; o->store && i < HOSO_KPI_N_STORE_COLUMNS && r == 0; i++) {
		hoso_kpi_store_column(i, row->store, num);
		r = table_cell(t, t->n_rows * t->n_cols, n, num[0] != '\0' ? num : "\xe2\x80\x94", err);
	}
	hoso_buf_free(&cell);
	hoso_buf_free(&raw);
	return r;
}

static int
write_text(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err)
{
	struct table t = { NULL, 0, 0, 0 };
	size_t *w = NULL, i, j, n = 0, pad, cw, n_group = 0;
	char from[11], to[11];
	int g, r = 0;

	/* Header row: the column count follows from it. */
	for (g = 0; g < HOSO_REPORT_G_MAX + HOSO_KPI_N_COUNTS + 2 * HOSO_KPI_N_RATES && r == 0; g++) {
		const char *h;

		if (g < HOSO_REPORT_G_MAX && !hoso_report_group_on(o, g))
			continue;
		if (g >= HOSO_REPORT_G_MAX + HOSO_KPI_N_COUNTS + HOSO_KPI_N_RATES &&
		    !hoso_report_rate_targeted(o, g - HOSO_REPORT_G_MAX - HOSO_KPI_N_COUNTS - HOSO_KPI_N_RATES))
			continue;
		if (g < HOSO_REPORT_G_MAX)
			h = hoso_report_header(HOSO_REPORT_COL_GROUP, g);
		else if (g < HOSO_REPORT_G_MAX + HOSO_KPI_N_COUNTS)
			h = hoso_report_header(HOSO_REPORT_COL_COUNT, g - HOSO_REPORT_G_MAX);
		else if (g < HOSO_REPORT_G_MAX + HOSO_KPI_N_COUNTS + HOSO_KPI_N_RATES)
			h = hoso_report_header(HOSO_REPORT_COL_RATE,
			    g - HOSO_REPORT_G_MAX - HOSO_KPI_N_COUNTS);
		else
			h = hoso_report_header(HOSO_REPORT_COL_TARGET,
			    g - HOSO_REPORT_G_MAX - HOSO_KPI_N_COUNTS - HOSO_KPI_N_RATES);
		if ((r = table_cell(&t, 0, &n, h, err)) != 0)
			goto out;
	}
	for (g = 0; o->store && g < HOSO_KPI_N_STORE_COLUMNS; g++)
		if ((r = table_cell(&t, 0, &n, _(store_headers[g]), err)) != 0)
			goto out;
	t.n_cols = n;
	t.n_rows = 1;
	for (g = 0; g < HOSO_REPORT_G_MAX; g++)
		n_group += hoso_report_group_on(o, g);
	for (i = 0; i <= res->n_rows; i++) {
		n = 0;
		if ((r = text_row(&t, &n, o, i < res->n_rows ? &res->rows[i] : &res->total,
		    i == res->n_rows, err)) != 0)
			goto out;
		t.n_rows++;
	}
	if ((w = calloc(t.n_cols, sizeof(*w))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < t.n_rows; i++)
		for (j = 0; j < t.n_cols; j++)
			if ((cw = hoso_utf8_width(t.cells[i * t.n_cols + j])) > w[j])
				w[j] = cw;
	hoso_date_ymd(o->from, from);
	hoso_date_ymd(o->to, to);
	if ((r = hoso_buf_addf(out, err, _("Period: %s to %s"), from, to)) != 0)
		goto out;
	if (o->has_as_of) {
		hoso_date_ymd(o->as_of, from);
		if ((r = hoso_buf_addf(out, err, _(", units as of %s"), from)) != 0)
			goto out;
	}
	if ((r = hoso_buf_adds(out, "\n\n", err)) != 0)
		goto out;
	/* Text columns left-aligned, numbers right-aligned; two spaces between. */
	for (i = 0; i < t.n_rows; i++) {
		for (j = 0; j < t.n_cols; j++) {
			const char *s = t.cells[i * t.n_cols + j];
			bool left = i == 0 || j < n_group;

			pad = w[j] - hoso_utf8_width(s);
			if ((j > 0 && (r = hoso_buf_adds(out, "  ", err)) != 0))
				goto out;
			for (; !left && pad > 0; pad--)
				if ((r = hoso_buf_addc(out, ' ', err)) != 0)
					goto out;
			if ((r = hoso_buf_adds(out, s, err)) != 0)
				goto out;
			for (; left && pad > 0 && j + 1 < t.n_cols; pad--)
				if ((r = hoso_buf_addc(out, ' ', err)) != 0)
					goto out;
		}
		if ((r = hoso_buf_addc(out, '\n', err)) != 0)
			goto out;
	}
	r = hoso_buf_addf(out, err, _("\nDossiers: %" PRIu64 "; rows read: %" PRIu64
	    "; duplicates replaced (last row wins): %" PRIu64 "\n"), res->dossiers, res->rows_read,
	    res->duplicates);
out:
	for (i = 0; i < t.n_rows * t.n_cols; i++)
		free(t.cells[i]);
	free(t.cells);
	free(w);
	return r;
}

int
hoso_report_write(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err)
{
	switch (o->format) {
	case HOSO_REPORT_CSV:
		return write_csv(res, o, out, err);
	case HOSO_REPORT_JSON:
		return write_json(res, o, out, err);
	case HOSO_REPORT_XML:
		return write_xml(res, o, out, err);
	case HOSO_REPORT_HTML:
		return hoso_report_html_write(res, o, out, err);
	default:
		return write_text(res, o, out, err);
	}
}
