/*
 * report.h - the stats report as text, CSV, JSON, XML or HTML (specs/register-csv.md,
 * "Machine-readable output"), and the columns every format shares.
 */
#ifndef HOSO_REPORT_H
#define HOSO_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "kpi.h"

enum hoso_report_format {
	HOSO_REPORT_TEXT,
	HOSO_REPORT_CSV,
	HOSO_REPORT_JSON,
	HOSO_REPORT_XML,
	HOSO_REPORT_HTML,
};

/* Plans per rate, in tenths of a percent; -1 where none. level[] is indexed by enum hoso_level. */
struct hoso_report_targets {
	int all[HOSO_KPI_N_RATES];
	int level[HOSO_KPI_N_RATES][4];
};

struct hoso_report_opts {
	int format;			/* enum hoso_report_format */
	unsigned by;			/* HOSO_KPI_BY_* as counted */
	bool direct;
	int32_t from, to;		/* the period (day numbers) */
	bool has_as_of;
	int32_t as_of;
	const struct hoso_report_targets *targets;	/* NULL: none */
	bool store;			/* --store: the store's columns after the rest */
	/* HTML only (the front-end knows them; NULL where unknown): */
	const char *lang;		/* BCP 47 language of the translated text, e.g. "vi" */
	const char *title;		/* heading; NULL: a generic one */
	const char *units_label;	/* the units file, NULL when units come from the registers */
	const char *generated;		/* when the report was made, as the reader should see it */
};

/* No plans at all. */
void hoso_report_targets_init(struct hoso_report_targets *t);

/*
 * Add the plans of one --target to t: "online=80,signed=99" or per level
 * "online=tinh:90,huyen:80,xa:60"; rates online, digitization, on_time, signed;
 * values 0..100 with one decimal at most.  A plan already in t is a usage error.
 */
int hoso_report_parse_targets(const char *spec, struct hoso_report_targets *t,
    struct hoso_err *err);

/* Append the report to out. Text headers are translated (gettext); the rest is not. */
int hoso_report_write(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err);

/* ---- the columns every format shares (report.c), for the writers in report_*.c ---- */

/* Group columns, in report order. */
enum {
	HOSO_REPORT_G_UNIT, HOSO_REPORT_G_UNIT_NAME, HOSO_REPORT_G_LEVEL, HOSO_REPORT_G_FIELD,
	HOSO_REPORT_G_MONTH, HOSO_REPORT_G_MAX
};

/* Kinds of columns for hoso_report_header. */
enum {
	HOSO_REPORT_COL_GROUP, HOSO_REPORT_COL_COUNT, HOSO_REPORT_COL_RATE, HOSO_REPORT_COL_TARGET,
	HOSO_REPORT_COL_STORE
};

/* True when group column g is in the report. */
bool hoso_report_group_on(const struct hoso_report_opts *o, int g);
/* The spec's name of group column g ("unit", "unit_name", ...). */
const char *hoso_report_group_name(int g);
/* Group cell g of a row into b (reset first); the total row says TOTAL. */
int hoso_report_group_cell(const struct hoso_kpi_row *row, bool total, int g, struct hoso_buf *b,
    struct hoso_err *err);

/* The same for people (text, HTML): a level by its translated name, not its code. */
int hoso_report_group_label(const struct hoso_kpi_row *row, int g, struct hoso_buf *b,
    struct hoso_err *err);

/* "province", "district" or "commune" (translated) for a level code; other codes as they are. */
const char *hoso_report_level_label(const char *code);
/* The header people read for column i of a kind (translated with gettext). */
const char *hoso_report_header(int kind, int i);
/* The plan for rate r on a row in tenths of a percent, or -1. */
int hoso_report_target_for(const struct hoso_report_opts *o, const struct hoso_kpi_row *row, int r);
/* The --target name of rate r ("online", "digitization", "on_time", "signed"). */
const char *hoso_report_target_name(int r);
/* True when some row can have a plan for rate r (the report has its columns). */
bool hoso_report_rate_targeted(const struct hoso_report_opts *o, int r);

#endif
