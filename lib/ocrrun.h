/* ocrrun.h - ocr-extract as one call: dossiers or image files -> text, hOCR, searchable PDF. */
#ifndef HOSO_OCRRUN_H
#define HOSO_OCRRUN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "log.h"
#include "ocr.h"
#include "template.h"

/*
 * What a dossier gets (see ocr-extract(1), FILES), all in STORE/CODE/ocr/:
 *   NNNN.txt      the text of the page whose files are pages/NNNN.*, UTF-8 NFC
 *   NNNN.hocr     its hOCR document
 *   NNNN.sha256   the sha256 of the original the text came from: the page is
 *                 done while it equals the page's sha256 in dossier.xml
 *   dossier.pdf   every page that could be recognized, in order, searchable
 *   dossier.pdf.sha256  the page sha256s in dossier.pdf, one a line
 * and dossier.xml records ocr_status and ocr_confidence per page and lists
 * the OCR files (text, hocr, the dossier PDF). With form fields asked for:
 *   fields.xml    the fields of every page a template matched (fields.xsd)
 *   fields.key    what fields.xml was made from: pages and --form
 */

struct hoso_ocrrun_progress {
	size_t items_done, items_total;	/* dossiers, or image files */
	size_t pages;			/* pages finished so far */
	const char *label;		/* the page just finished */
};

/* One page's outcome, handed to on_page in input order. */
struct hoso_ocrrun_page {
	const char *label;
	size_t input;			/* index of the dossier or image in the inputs */
	const struct hoso_ocr_result *res;	/* NULL when it failed */
	const struct hoso_err *why;	/* why it failed, else NULL */
};

struct hoso_ocrrun_opts {
	struct hoso_ocr_opts ocr;
	int jobs;			/* worker threads (= engines), >= 1 */
	bool force;			/* redo pages that are done */
	size_t max_pixels;		/* per page; larger is bad input */
	size_t max_file_size;		/* per image file */
	/* Image files only: */
	const char *pdf;		/* one searchable PDF of all pages, in order */
	const char *outdir;		/* NAME.txt, NAME.hocr, NAME.pdf per input */
	/* Form fields: with templates set, each page is matched to one (form, or by title). */
	const struct hoso_template_set *templates;	/* NULL: no fields */
	const struct hoso_template *form;	/* NULL: --form auto */
	const char *form_name;		/* "auto" or the form's name, recorded in fields.key */
	bool no_index;			/* leave the search index to catch up (lookup) */
	const struct hoso_log *log;
	void (*progress)(void *ctx, const struct hoso_ocrrun_progress *p);
	void (*on_page)(void *ctx, const struct hoso_ocrrun_page *p);
	void *ctx;			/* of progress and on_page */
};

struct hoso_ocrrun_failure {
	char *label;			/* "STORE/CODE: page 2", "scan.png" */
	struct hoso_err why;
};

struct hoso_ocrrun_summary {
	size_t pages;			/* recognized by this run */
	size_t skipped;			/* done before, same sha256: left alone */
	size_t dossiers;		/* dossiers worked on */
	size_t dossiers_skipped;	/* dossiers already done */
	double confidence;		/* mean over the pages recognized */
	struct hoso_ocrrun_failure *failures;
	size_t n_failures;
	/* Image files with templates and no outdir: the fields document of all pages. */
	struct hoso_buf fields;
	size_t forms;			/* pages a template matched */
	size_t fields_review;		/* fields flagged for review */
};

/*
 * OCR dossiers (each input a dossier directory STORE/CODE) or image files
 * (not both). A page that cannot be read or recognized in time is recorded
 * in sum->failures and the rest goes on. The return value is non-zero only
 * for what stops a run: no engine (HOSO_EENGINE), store or output I/O
 * errors (HOSO_EIO), bad options (HOSO_EUSAGE).
 */
int hoso_ocrrun_dossiers(const struct hoso_ocrrun_opts *opts, const char *const *dirs, size_t n,
    struct hoso_ocrrun_summary *sum, struct hoso_err *err);
int hoso_ocrrun_images(const struct hoso_ocrrun_opts *opts, const char *const *files, size_t n,
    struct hoso_ocrrun_summary *sum, struct hoso_err *err);
void hoso_ocrrun_summary_free(struct hoso_ocrrun_summary *sum);

/*
 * --shard I/N: the share (1..n) an input belongs to, the same on every
 * machine and whatever list it comes in: 1 + (the first 8 hex digits of the
 * SHA-256 of the input's last path component, trailing slashes dropped,
 * read as a number) mod n. For a dossier STORE/CODE that component is its
 * code. The n shares of a list are disjoint and together the whole list.
 */
int hoso_ocrrun_shard(const char *path, unsigned n, unsigned *shard, struct hoso_err *err);

/* True when path is a dossier directory (it holds dossier.xml). */
bool hoso_ocrrun_is_dossier(const char *path);

#endif
