/* kpi.h - the counting rules of specs/register-csv.md over registers, grouped for a report. */
#ifndef HOSO_KPI_H
#define HOSO_KPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "log.h"
#include "register.h"
#include "units.h"

/* The counts, in the order of the spec's CSV columns ("Machine-readable output"). */
enum hoso_kpi_count {
	HOSO_KPI_RECEIVED, HOSO_KPI_ONLINE, HOSO_KPI_PAPER, HOSO_KPI_CARRIED_OVER,
	HOSO_KPI_RESOLVED, HOSO_KPI_EARLY, HOSO_KPI_ON_TIME, HOSO_KPI_LATE,
	HOSO_KPI_PENDING, HOSO_KPI_IN_TIME, HOSO_KPI_OVERDUE, HOSO_KPI_DIGITIZED,
	HOSO_KPI_DIGITIZED_RESULTS, HOSO_KPI_PAID_ONLINE, HOSO_KPI_SIGNED, HOSO_KPI_END_TO_END,
	HOSO_KPI_N_COUNTS
};

/* The rates: count over base, percent (spec, "Counting rules"). */
enum hoso_kpi_rate {
	HOSO_KPI_ONLINE_RATE, HOSO_KPI_DIGITIZATION_RATE, HOSO_KPI_ON_TIME_RATE,
	HOSO_KPI_SIGNED_RATE, HOSO_KPI_N_RATES
};

/*
 * What the dossier store adds (--store), per group: the work of scan-ingest,
 * ocr-extract and sign-pack. The confidence is kept as a sum and a page count;
 * the report prints their mean (hoso_kpi_store_column).
 */
enum hoso_kpi_store_count {
	HOSO_KPI_SCANNED, HOSO_KPI_PAGES, HOSO_KPI_BLANK_PAGES, HOSO_KPI_OCR_PAGES,
	HOSO_KPI_OCR_CONFIDENCE_SUM, HOSO_KPI_OCR_CONFIDENCE_PAGES, HOSO_KPI_REVIEW_FIELDS,
	HOSO_KPI_ARCHIVES_SIGNED,
	/* A dossier that reused a paper digitized earlier: a page whose original (sha256) a
	 * dossier of the store had before (ingested earlier), not scanned again. */
	HOSO_KPI_REUSED,
	HOSO_KPI_N_STORE
};

/* The store's output columns: scanned ... archives_signed, reused, reuse_rate (9 of them). */
#define HOSO_KPI_N_STORE_COLUMNS 9

/* Grouping dimensions (--by), combinable. */
enum {
	HOSO_KPI_BY_UNIT = 1,
	HOSO_KPI_BY_LEVEL = 2,
	HOSO_KPI_BY_FIELD = 4,
	HOSO_KPI_BY_MONTH = 8,
};

struct hoso_kpi_opts {
	int32_t from, to;	/* the period, inclusive day numbers */
	bool has_as_of;
	int32_t as_of;		/* --as-of: re-attribute units to those valid on this day */
	unsigned by;		/* HOSO_KPI_BY_* bits; 0 means unit */
	bool direct;		/* --direct: no roll-up, only units with a non-zero count */
	bool lenient;		/* skip bad rows, counted per reason */
	const struct hoso_register_labels *labels;	/* --columns; NULL: the built-in labels */
	size_t block_size;	/* register reads; 0: 1 MiB */
	size_t max_row;		/* 0: 1 MiB */
	/*
	 * hoso_kpi_add_fds with jobs > 1 reads a CSV file in parts of about this
	 * many bytes, in parallel; 0: the files' size over jobs, at least 8 MiB.
	 * Small values are for tests (many part boundaries in a small file; the
	 * counting then also takes a thread per part_size dossiers, not 64 Ki).
	 */
	size_t part_size;
	const struct hoso_log *log;
	unsigned trend_months;	/* > 0: count res->trend too (the HTML report's trend chart) */
};

/* One row of the report. Strings belong to the kpi and units; NULL where not grouped by. */
struct hoso_kpi_row {
	const char *unit;	/* code */
	const char *unit_name;
	const char *level;	/* tinh, huyen, xa */
	int level_id;		/* enum hoso_level, for per-level targets */
	const char *field;
	int month;		/* year * 12 + month - 1, or -1 */
	uint64_t counts[HOSO_KPI_N_COUNTS];
	uint64_t store[HOSO_KPI_N_STORE];	/* zero unless hoso_kpi_add_store was called */
};

struct hoso_kpi_result {
	struct hoso_kpi_row *rows;
	size_t n_rows;
	struct hoso_kpi_row total;	/* the whole period; group cells NULL */
	uint64_t rows_read;		/* rows accepted, duplicates included */
	uint64_t dossiers;		/* distinct dossier codes */
	uint64_t duplicates;		/* rows that replaced an earlier one (last wins) */
	size_t skipped[HOSO_REG_SKIP_MAX];
	uint64_t units_repaired;	/* unit codes read without their leading zeros, made whole */
	size_t dossier_bytes;		/* memory held for the dossiers (records, table, codes) */
	/* --store */
	bool has_store;
	uint64_t store_dossiers;	/* dossiers of the store read */
	uint64_t store_matched;		/* of those, also in a register (matched by code) */
	uint64_t store_unplaced;	/* with no unit or date known: in no row, not in the total */
	uint64_t store_bad;		/* whose dossier.xml or ocr/fields.xml could not be read */
	/*
	 * With opts.trend_months: all units together, month by month, oldest first,
	 * over the trend_months months that end with the period's last month (the
	 * whole period when it is longer), less the leading months before the
	 * period in which nothing was received or resolved. Months of the period are
	 * cut to it as with --by month (so they equal its total rows); earlier
	 * months are whole. NULL otherwise.
	 */
	struct hoso_kpi_row *trend;
	size_t n_trend;
};

struct hoso_kpi;

/*
 * units may be NULL: units are then taken from the registers as they come,
 * flat (no names, levels or roll-up). The kpi does not own units.
 */
int hoso_kpi_new(struct hoso_kpi **kpip, const struct hoso_kpi_opts *o, struct hoso_units *units,
    struct hoso_err *err);
/* Read one register from fd (not closed); later rows replace earlier ones with the same code. */
int hoso_kpi_add_fd(struct hoso_kpi *kpi, int fd, const char *label, struct hoso_err *err);
/*
 * Read registers fds[0..n) (not closed) with up to jobs threads; the result,
 * errors included, is that of reading them one after the other in this order.
 * A CSV register that is a regular file is read in parts (opts.part_size),
 * each by one thread; other inputs (pipes, workbooks) one per thread, whole.
 */
int hoso_kpi_add_fds(struct hoso_kpi *kpi, const int *fds, const char *const *labels, size_t n,
    unsigned jobs, struct hoso_err *err);
/*
 * Add the dossier store: every STORE/<code>/dossier.xml (read only; the store is
 * not locked or changed), its ocr/fields.xml when there is one (fields with
 * review="true"), and ARCHIVES/<code>.asice as a signed archive (archives may be
 * NULL: none counted). Call after the registers: a dossier also in a register
 * takes that row's unit, date received and field; any other, the unit and date of
 * its dossier.xml (ma_don_vi, ngay_tiep_nhan) or, failing those, of its code. A
 * dossier that cannot be read is logged as a warning, counted and skipped.
 */
int hoso_kpi_add_store(struct hoso_kpi *kpi, const char *store, const char *archives,
    struct hoso_err *err);
/*
 * Output column i (0 .. HOSO_KPI_N_STORE_COLUMNS - 1) of store counts: its name,
 * and its value in out ("" for a mean over no pages).
 */
const char *hoso_kpi_store_column(int i, const uint64_t store[HOSO_KPI_N_STORE], char out[32]);
/* Count and group; res is freed with hoso_kpi_result_free, and lives no longer than kpi. */
int hoso_kpi_count(struct hoso_kpi *kpi, struct hoso_kpi_result *res, struct hoso_err *err);
void hoso_kpi_result_free(struct hoso_kpi_result *res);
void hoso_kpi_free(struct hoso_kpi *kpi);

/* Rate r of counts in tenths of a percent, rounded half up; false when the base is 0. */
bool hoso_kpi_rate(const uint64_t counts[HOSO_KPI_N_COUNTS], int rate, uint64_t *tenths);
/* The spec's column names. */
const char *hoso_kpi_count_name(int count);
const char *hoso_kpi_rate_name(int rate);

#endif
