/*
 * index_db.h - what the search index (index.c) asks of its database; internal. index_sqlite.c
 * answers with SQLite and FTS5. Text arrives folded (utf8.c: lower case, no diacritics, words
 * split by one space), so the database only matches words; ranking by the diacritics typed,
 * snippets and grouping stay in index.c, the same for every database.
 */
#ifndef HOSO_INDEX_DB_H
#define HOSO_INDEX_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Bump when the tables change: an index of another version is built again. */
#define HOSO_IDB_SCHEMA "1"

struct hoso_idb;

struct hoso_idb_page {
	int n;
	const char *sha256;
	const char *text;		/* NFC; NULL: not recognized */
	const char *fold;		/* its words folded; NULL with text */
};

struct hoso_idb_field {
	int page;
	const char *form, *name, *type, *value;
	const char *fold;		/* value's words folded */
	bool review;
};

/* One dossier as the index holds it. */
struct hoso_idb_doc {
	const char *code, *stamp;
	const char *title, *unit, *received, *channel;	/* NULL: absent */
	int n_pages;
	const struct hoso_idb_page *pages;
	size_t n_page_rows;
	const struct hoso_idb_field *fields;
	size_t n_fields;
};

enum hoso_idb_kind {
	HOSO_IDB_ID,			/* fields of type cccd equal to id */
	HOSO_IDB_NAME,			/* fields of type name holding every word */
	HOSO_IDB_TEXT,			/* pages holding the words as a phrase, best first */
	HOSO_IDB_FILTER,		/* dossiers, newest first */
};

struct hoso_idb_query {
	enum hoso_idb_kind kind;
	const char *id;
	const char *const *words;	/* folded, [a-z0-9] and other letters only */
	size_t n_words;
	const char *form, *unit, *from, *to;	/* NULL: any */
	size_t cap;			/* rows at most */
};

/* One row found; strings live until the callback returns. */
struct hoso_idb_row {
	const char *code, *title, *unit, *received, *channel;
	int pages;
	int page;			/* 0: a dossier row (FILTER) */
	const char *form, *name, *value;	/* field rows (ID, NAME) */
	bool review;
	const char *text;		/* page rows (TEXT) */
};

typedef int (*hoso_idb_row_fn)(void *ctx, const struct hoso_idb_row *row, struct hoso_err *err);
typedef int (*hoso_idb_stamp_fn)(void *ctx, const char *code, const char *stamp,
    struct hoso_err *err);

/* A database the index can live in. */
struct hoso_idb_ops {
	const char *name;		/* "sqlite", "postgresql" */
	/*
	 * Open target (a file; a connection URL), creating the tables when
	 * new. A database that is not of this schema is emptied and made again:
	 * *fresh is then true and why (when not NULL) says what was wrong ("" for
	 * a new one). store names the store whose dossiers put and stamps and
	 * clear concern (a shared database holds several stores).
	 */
	int (*open)(const char *target, const char *store, struct hoso_idb **db, bool *fresh,
	    struct hoso_buf *why, struct hoso_err *err);
	void (*close)(struct hoso_idb *db);
	int (*begin)(struct hoso_idb *db, struct hoso_err *err);
	int (*commit)(struct hoso_idb *db, struct hoso_err *err);
	void (*rollback)(struct hoso_idb *db);
	/* A value of the meta table; *found false (out empty) when unset. */
	int (*meta_get)(struct hoso_idb *db, const char *key, struct hoso_buf *out, bool *found,
	    struct hoso_err *err);
	int (*meta_set)(struct hoso_idb *db, const char *key, const char *value,
	    struct hoso_err *err);
	/* Replace what the index holds of doc->code; remove it; remove the store's all. */
	int (*put)(struct hoso_idb *db, const struct hoso_idb_doc *doc, struct hoso_err *err);
	int (*remove)(struct hoso_idb *db, const char *code, struct hoso_err *err);
	int (*clear)(struct hoso_idb *db, struct hoso_err *err);
	/* The store's dossiers' codes and stamps, in bytewise code order. */
	int (*stamps)(struct hoso_idb *db, hoso_idb_stamp_fn fn, void *ctx, struct hoso_err *err);
	/* Rows found in the whole database (every store of it). */
	int (*search)(struct hoso_idb *db, const struct hoso_idb_query *q, hoso_idb_row_fn fn,
	    void *ctx, struct hoso_err *err);
};

extern const struct hoso_idb_ops hoso_idb_sqlite;	/* index_sqlite.c */
extern const struct hoso_idb_ops hoso_idb_pg;		/* index_pg.c */

#endif
