/* store.h - the dossier store: STORE/<code>/{dossier.xml,pages/,.lock}; see hoso-store(5). */
#ifndef HOSO_STORE_H
#define HOSO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "digest.h"
#include "err.h"

#define HOSO_CODE_MAX 128

/* The store's own files beside its dossiers: the search index of lookup(1) (index.h). */
#define HOSO_STORE_INDEX "index.sqlite"	/* and its -wal, -shm, -journal */
#define HOSO_STORE_INDEX_STALE "index.stale"
#define HOSO_STORE_INDEX_DB "index.db"

/*
 * True when path is one of those files of a store (not of a dossier): a
 * glob such as STORE/ * names them too, and tools that take dossiers skip them.
 */
bool hoso_store_own_file(const char *path);

/* One <page> of dossier.xml. Strings are owned by the dossier. */
struct hoso_page {
	int n;				/* 1-based page number */
	char *file;			/* "pages/0001.tif": the original bytes */
	char *norm;			/* "pages/0001.norm.tif": upright, deskewed */
	char *source;			/* printable label of where it came from */
	int source_page;		/* 1-based page within a multipage source; 0 = single */
	char sha256[HOSO_SHA256_HEX];	/* of the original bytes: the page's identity */
	uint64_t size;			/* of the original */
	int width, height, dpi;		/* of the normalized page */
	char colour[8];			/* "bw", "grey", "colour" */
	int rotation;			/* clockwise degrees applied */
	double skew;			/* degrees corrected */
	bool blank;
	char ingested[24];		/* UTC, YYYY-MM-DDTHH:MM:SSZ */
	/* Written by ocr-extract; ocr_status NULL: never recognized. */
	char *ocr_status;		/* "ok", or "failed: " and the reason */
	int ocr_confidence;		/* mean word confidence 0..100; -1: none */
	char *text;			/* "ocr/0001.txt": recognized text; NULL = none */
	char *hocr;			/* "ocr/0001.hocr": hOCR of the page; NULL = none */
};

/* Descriptive metadata (archive.md); NULL = absent. */
struct hoso_dossier_meta {
	char *tieu_de;
	char *ma_don_vi;
	char *ngay_tiep_nhan;		/* YYYY-MM-DD */
	char *kenh;			/* truc_tiep | truc_tuyen | buu_chinh */
	char *thoi_han_bao_quan;
	char *ngon_ngu;
};

struct hoso_dossier {
	char *code;
	char *dir;			/* STORE/<code> */
	struct hoso_dossier_meta meta;
	struct hoso_page *pages;
	size_t n_pages, cap_pages;
	char *ocr_pdf;			/* "ocr/dossier.pdf": searchable PDF; NULL = none */
	char *ocr_fields;		/* "ocr/fields.xml": form fields; NULL = none */
	/* The last review of the form fields (review(1)); by NULL: never reviewed. */
	char *review_by;		/* who saved */
	char *review_at;		/* when, ISO 8601 with offset */
	long review_left;		/* values still flagged after it */
	int lock_fd;
	int lock_depth;			/* nested holds of the lock by this process */
	/* Seconds to wait for the lock, then HOSO_EIO "busy"; 0: as long as it takes. */
	double lock_wait;
	/* dossier.xml as this process last read or wrote it: unchanged, it is not parsed again. */
	char xml_stamp[80];
	/* hoso_store_defer: pages added and not yet listed, and since when (monotonic s). */
	bool defer;
	size_t unlisted;
	double unlisted_since;
};

/* A dossier code that is safe as one file name: 1-128 of [A-Za-z0-9._-], not led by '.' or '-'. */
bool hoso_store_code_ok(const char *code);

/* The same test, as bad input with a message that says what a code may hold. */
int hoso_store_code_check(const char *code, struct hoso_err *err);

/*
 * If code has the shape {unit}-{yyMMdd}-{NNNN} with a real date, fill unit
 * (the part before the date) and date (YYYY-MM-DD, 20yy) and return true.
 */
bool hoso_store_code_parts(const char *code, struct hoso_buf *unit, char date[11]);

/*
 * Open (with create: make) the dossier STORE/<code>. Under its lock it loads
 * dossier.xml and removes what a killed writer may have left: temporary
 * files, and page files dossier.xml does not list.
 */
int hoso_store_open(const char *store, const char *code, bool create, struct hoso_dossier **d,
    struct hoso_err *err);
void hoso_store_close(struct hoso_dossier *d);

/*
 * Read the dossier STORE/<code> as it is, without its lock (dossier.xml is
 * replaced atomically, so what is read is one whole version) and without
 * cleaning up: for readers that must not wait behind a long writer (a review
 * page while ocr-extract reads the dossier). Updates through the result
 * still take the lock.
 */
int hoso_store_read(const char *store, const char *code, struct hoso_dossier **d,
    struct hoso_err *err);

/* Index of the page whose original has this sha256, or -1. */
int hoso_store_find_page(const struct hoso_dossier *d, const char *sha256);

/*
 * Fill metadata fields that are absent (or, with override, replace them) from
 * meta, and write dossier.xml when anything changed. Under the lock.
 */
int hoso_store_set_meta(struct hoso_dossier *d, const struct hoso_dossier_meta *meta, bool override,
    struct hoso_err *err);

/*
 * Add a page under the dossier's lock: reload dossier.xml (another process may
 * have added pages), and if a page with the same sha256 is there already set
 * *added = false and change nothing. Otherwise write the original bytes as
 * pages/NNNN.<ext> and the normalized page as pages/NNNN.norm.tif (atomic
 * each), then the new dossier.xml (atomic). page->n, file, norm are set here;
 * the other fields are copied from page. The dossier's ocr_pdf and ocr_fields are unlisted:
 * it no longer covers every page (ocr-extract makes it again).
 */
int hoso_store_add_page(struct hoso_dossier *d, const struct hoso_page *page, const char *ext,
    const void *orig, size_t orig_len, const void *norm, size_t norm_len, bool *added,
    struct hoso_err *err);

/*
 * A long batch of pages into one dossier (scan-ingest): with defer on,
 * hoso_store_add_page does not write dossier.xml for every page, which costs
 * the size of the dossier each time (quadratic in a 5 000-page dossier), but
 * when the pages not yet listed reach an eighth of the dossier (linear in
 * all). Meanwhile the dossier's lock stays held, as for one long update; the
 * pages not yet listed do not exist for the other tools, and a writer killed
 * before listing them leaves them to be removed, as if it had died before
 * the dossier.xml of each. hoso_store_flush lists them (max_age > 0: only
 * when the oldest has waited that many seconds) and lets the lock go; call
 * it before closing and before waiting long (hoso_store_close lists them too,
 * without a word on failure).
 */
void hoso_store_defer(struct hoso_dossier *d, bool on);
int hoso_store_flush(struct hoso_dossier *d, double max_age, struct hoso_err *err);

/*
 * Hold the dossier's lock across several steps (an OCR run of the dossier),
 * and reload dossier.xml under it. The store's own updates nest inside.
 * Like every call that reloads dossier.xml, it replaces d->pages: pointers
 * into the old array are dangling afterwards.
 */
int hoso_store_lock(struct hoso_dossier *d, struct hoso_err *err);
void hoso_store_unlock(struct hoso_dossier *d);

/* The OCR outcome of one page, found by the sha256 of its original. */
struct hoso_page_ocr {
	const char *sha256;
	const char *status;		/* "ok" or "failed: ..." */
	int confidence;			/* -1: none (a failed page) */
	/* Read by hoso_store_set_ocr_files only. */
	const char *text;		/* "ocr/NNNN.txt", or NULL: the page has none */
	const char *hocr;		/* "ocr/NNNN.hocr", or NULL */
};

/*
 * Record OCR outcomes under the lock: reload dossier.xml, set the pages'
 * ocr_status and ocr_confidence, and write dossier.xml (atomic) when
 * anything changed. A sha256 no page has any more is skipped. The pages'
 * text and hocr and the dossier's ocr_pdf stay as they are (text and hocr
 * of ocr are not read).
 */
int hoso_store_set_ocr(struct hoso_dossier *d, const struct hoso_page_ocr *ocr, size_t n,
    struct hoso_err *err);

/*
 * The same, and in the same write of dossier.xml the files: each page's
 * text and hocr from ocr (NULL: none), and the dossier's ocr_pdf (NULL:
 * none). Write the files before: once listed they exist for every tool.
 * A path must be "ocr/" and a name hoso_store_code_ok accepts; anything
 * else is HOSO_EINPUT and nothing is written.
 */
int hoso_store_set_ocr_files(struct hoso_dossier *d, const struct hoso_page_ocr *ocr, size_t n,
    const char *ocr_pdf, struct hoso_err *err);

/* The same, and the form fields document too (ocr_fields NULL: none); set_ocr_files keeps it. */
int hoso_store_set_ocr_outputs(struct hoso_dossier *d, const struct hoso_page_ocr *ocr, size_t n,
    const char *ocr_pdf, const char *ocr_fields, struct hoso_err *err);

/*
 * Record a review of the form fields under the lock (reload, set, write
 * dossier.xml atomically). by and at must be non-empty and hold no control
 * characters. A new fields document (ocr-extract, a new page) drops it.
 */
int hoso_store_set_review(struct hoso_dossier *d, const char *by, const char *at, long left,
    struct hoso_err *err);

/*
 * The dossiers of store: the names of its subdirectories that are dossier
 * codes and hold a dossier.xml, sorted (bytewise). Free with hoso_store_codes_free.
 */
int hoso_store_list(const char *store, char ***codes, size_t *n, struct hoso_err *err);
void hoso_store_codes_free(char **codes, size_t n);

/* "STORE/CODE/" into store ("." when none) and code (both reset first). */
int hoso_store_split(const char *dir, struct hoso_buf *store, struct hoso_buf *code,
    struct hoso_err *err);

/* True when dir holds a dossier.xml: a dossier of a store, not a store. */
bool hoso_store_is_dossier(const char *dir);

/*
 * Operands as a clerk types them, one way for every tool: a store (a
 * directory that is no dossier and holds dossiers) becomes its dossiers,
 * STORE/CODE in code order; the store's own files (hoso_store_own_file) are
 * left out; anything else stays as given. Free *out with
 * hoso_store_codes_free(*out, *n_out).
 */
int hoso_store_expand(char *const *in, size_t n, char ***out, size_t *n_out,
    struct hoso_err *err);

/* dossier.xml as text / from text (used by the store and by tests). */
int hoso_store_to_xml(const struct hoso_dossier *d, struct hoso_buf *out, struct hoso_err *err);
int hoso_store_from_xml(struct hoso_dossier *d, const char *xml, size_t len, const char *label,
    struct hoso_err *err);

#endif
