/* ingest.h - scan-ingest as one call: inputs -> normalized pages in dossiers of a store. */
#ifndef HOSO_INGEST_H
#define HOSO_INGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "log.h"
#include "store.h"

struct hoso_ingest_progress {
	size_t files_done, files_total;	/* top-level files (an archive counts as one) */
	size_t pages;			/* pages handled so far (stored, skipped or rejected) */
	const char *label;		/* the page just handled */
};

struct hoso_ingest_opts {
	const char *store;
	const char *dossier;		/* pages before the first separator go here (or all pages) */
	bool split;			/* QR separator sheets start dossiers */
	int jobs;			/* worker threads, >= 1 */
	int default_dpi;		/* for images that record no resolution */
	bool drop_blank;
	bool deskew, orient;
	size_t max_pixels;		/* per page; larger is bad input */
	size_t max_file_size;		/* per file or archive member */
	struct hoso_dossier_meta meta;	/* given by the user: replaces what a dossier has */
	const char *now;		/* UTC time stamp for ingested="" (YYYY-MM-DDTHH:MM:SSZ) */
	const char *today;		/* YYYY-MM-DD, when the code carries no date */
	bool no_index;			/* leave the search index to catch up (lookup) */
	const struct hoso_log *log;
	void (*progress)(void *ctx, const struct hoso_ingest_progress *p);
	void *progress_ctx;
};

struct hoso_ingest_reject {
	char *label;			/* "scans/a.tif", "mail.zip:x/b.png", with ": page N" */
	struct hoso_err why;
};

struct hoso_ingest_dossier {
	char *code;
	size_t added, duplicates, total_pages;
};

struct hoso_ingest_summary {
	size_t pages;			/* pages stored by this run */
	size_t blank;			/* of those (or dropped), flagged blank */
	size_t dropped_blank;
	size_t rotated, deskewed;
	size_t duplicates;		/* already in their dossier: skipped */
	size_t separators;
	struct hoso_ingest_dossier *dossiers;
	size_t n_dossiers;
	struct hoso_ingest_reject *rejects;
	size_t n_rejects;
	/* The dossier a page after these would go into (the last separator's, or --dossier); NULL: none. */
	char *next_dossier;
};

/*
 * Run a batch. Bad inputs are recorded in sum->rejects and the batch goes on;
 * the return value is non-zero only for what stops a batch (I/O errors on the
 * store, out of memory).
 */
int hoso_ingest_run(const struct hoso_ingest_opts *opts, const char *const *inputs, size_t n,
    struct hoso_ingest_summary *sum, struct hoso_err *err);
void hoso_ingest_summary_free(struct hoso_ingest_summary *sum);
int hoso_ingest_summary_xml(const struct hoso_ingest_summary *sum, struct hoso_buf *out,
    struct hoso_err *err);

/* The text a separator sheet's QR code carries: "HOSO:" and the dossier code. */
#define HOSO_SEPARATOR_PREFIX "HOSO:"

/* A printable separator sheet (PNG) for a dossier code. */
int hoso_ingest_separator_sheet(const char *code, int dpi, struct hoso_buf *png,
    struct hoso_err *err);

#endif
