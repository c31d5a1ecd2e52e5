/* report.h - the stats report as text, CSV, JSON or XML (specs/register-csv.md, "Machine-readable output"). */
#ifndef HOSO_REPORT_H
#define HOSO_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "kpi.h"

enum hoso_report_format {
	HOSO_REPORT_TEXT,
	HOSO_REPORT_CSV,
	HOSO_REPORT_JSON,
	HOSO_REPORT_XML,
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
};

/*
 * Parse --target: "online=80,signed=99" or per level "online=tinh:90,huyen:80,xa:60";
 * rates online, digitization, on_time, signed; values 0..100 with one decimal at most.
 */
int hoso_report_parse_targets(const char *spec, struct hoso_report_targets *t,
    struct hoso_err *err);

/* Append the report to out. Text headers are translated (gettext); the rest is not. */
int hoso_report_write(const struct hoso_kpi_result *res, const struct hoso_report_opts *o,
    struct hoso_buf *out, struct hoso_err *err);

#endif
