/*
 * index.h - the store's search index (lookup(1)): dossier metadata, every form field and
 * the recognized text of every page, searchable by identity number, by a name typed with or
 * without diacritics, or by a phrase. The store is the truth and the index a cache kept at
 * STORE/index.sqlite: writers (ingest, OCR, review) update it as they write, and one that is
 * missing, damaged, of another schema or behind the store is built again from the store.
 */
#ifndef HOSO_INDEX_H
#define HOSO_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "log.h"
#include "store.h"
#include "template.h"

#define HOSO_INDEX_FILE HOSO_STORE_INDEX
/* A writer that could not update the index leaves this file; the next lookup catches up. */
#define HOSO_INDEX_STALE HOSO_STORE_INDEX_STALE
/* A store whose index is a shared PostgreSQL database records its URL here. */
#define HOSO_INDEX_DB HOSO_STORE_INDEX_DB

struct hoso_index;

struct hoso_index_opts {
	const char *store;		/* NULL: search a shared database only (db a URL) */
	/*
	 * NULL: the URL in STORE/index.db, else STORE/index.sqlite. A
	 * postgresql:// URL: a shared database (recorded in STORE/index.db for
	 * the writers); passwords belong in ~/.pgpass, not in the URL.
	 */
	const char *db;
	/* Types of the fields of documents that do not name them (older ones); NULL: "text". */
	const struct hoso_template_set *templates;
	/* Why the index is rebuilt or caught up, and dossiers it could not read (warnings). */
	const struct hoso_log *log;
};

/*
 * Open the index, creating it when it is missing. An index that is damaged
 * or of another schema is replaced by an empty one (logged) and rebuilt by
 * the next hoso_index_refresh.
 */
int hoso_index_open(const struct hoso_index_opts *o, struct hoso_index **ix, struct hoso_err *err);
void hoso_index_close(struct hoso_index *ix);

struct hoso_index_sync {
	size_t dossiers;		/* in the store */
	size_t indexed;			/* (re)indexed by this call */
	size_t removed;			/* gone from the store, dropped from the index */
	size_t unreadable;		/* skipped: their dossier.xml could not be read (logged) */
	bool done;			/* false: the index was current, nothing looked at */
};

/*
 * Bring the index up to date. full: every dossier again (lookup --reindex).
 * Otherwise only when the index is new or was rebuilt, a writer left
 * STORE/index.stale, or the store's directory changed (a dossier added or
 * removed by any means): then the dossiers whose dossier.xml changed are
 * indexed again and those gone are dropped.
 */
int hoso_index_refresh(struct hoso_index *ix, bool full, struct hoso_index_sync *st,
    struct hoso_err *err);

/* Index the dossier STORE/code as it is now (or drop it when it is gone). */
int hoso_index_dossier(struct hoso_index *ix, const char *code, struct hoso_err *err);

/*
 * For writers: index the dossiers they wrote, never failing them. An index
 * that cannot be opened or updated is left for lookup to catch up:
 * STORE/index.stale is made and one warning logged. A store without an
 * index gets none (lookup builds it whole).
 */
struct hoso_index_writer {
	const char *store;
	const struct hoso_log *log;
	const struct hoso_template_set *templates;
	bool defer;			/* only leave STORE/index.stale (--no-index) */
	struct hoso_index *ix;
	bool tried, failed;
};
void hoso_index_writer_init(struct hoso_index_writer *w, const char *store,
    const struct hoso_template_set *templates, bool defer, const struct hoso_log *log);
void hoso_index_writer_dossier(struct hoso_index_writer *w, const char *code);
void hoso_index_writer_close(struct hoso_index_writer *w);

/* A search; every criterion given must hold (NULL, 0: not given). */
struct hoso_index_query {
	const char *id;			/* an identity number: exact */
	const char *name;		/* a person's name, any case, with or without diacritics;
					   the last word may be its beginning ("nguyen van a") */
	const char *text;		/* a phrase of a page's text, same */
	const char *form;		/* values read with this template, or dossiers that have one */
	const char *unit;		/* ma_don_vi */
	const char *from, *to;		/* ngay_tiep_nhan, YYYY-MM-DD, inclusive */
	size_t limit;			/* dossiers; 0: 20 */
};

/* A field value that matched. */
struct hoso_index_value {
	int page;
	char *form, *name, *value;
	bool review;			/* not yet checked by a person */
};

/* A dossier found. */
struct hoso_index_hit {
	char *code, *title, *unit, *received, *channel;
	int pages;			/* in the dossier */
	int *match_pages;		/* the pages that matched, ascending */
	size_t n_match_pages;
	struct hoso_index_value *values;
	size_t n_values;
	char *snippet;			/* text around the phrase, the match in [ ]; NULL: none */
	int snippet_page;
	long score;			/* higher first */
	long order;			/* then this: the database's order (newest, best text match) */
};

struct hoso_index_result {
	struct hoso_index_hit *hits;
	size_t n_hits;
	bool more;			/* there were more than limit */
};

/*
 * Search. Names and phrases are matched as people type them: case,
 * diacritics and đ/d are ignored, NFC and NFD are alike; diacritics typed
 * rank exact spellings first ("Hà" before "Hạ"). An identity number is
 * matched exactly (spaces and dots ignored). A query with no criterion, a
 * name or phrase with no word, a phrase of common words only, or a bad
 * number or date is HOSO_EUSAGE with a message.
 */
int hoso_index_search(struct hoso_index *ix, const struct hoso_index_query *q,
    struct hoso_index_result *res, struct hoso_err *err);
void hoso_index_result_free(struct hoso_index_result *res);

/* Bytes the index takes on disk (its files), for reports; 0 when not known. */
unsigned long long hoso_index_size(const struct hoso_index *ix);

#endif
