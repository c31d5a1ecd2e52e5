/*
 * index_sqlite.c - the search index in SQLite (the only file that includes sqlite3.h): plain
 * tables for dossiers, pages and fields, and two contentless FTS5 tables over the folded words
 * of page texts and of names. WAL, so searches run while a batch writes; the WAL file is kept
 * (SQLITE_FCNTL_PERSIST_WAL) so opening and closing the index leaves the store's directory
 * unchanged, which is how a change of the store is noticed (index.c).
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "index_db.h"
#include "utf8.h"

struct hoso_idb {
	sqlite3 *db;
	char *path;
};

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE dossiers(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    " stamp TEXT NOT NULL, title TEXT, unit TEXT, received TEXT, channel TEXT,"
    " pages INTEGER NOT NULL);"
    "CREATE INDEX dossiers_received ON dossiers(received, code);"
    "CREATE TABLE pages(id INTEGER PRIMARY KEY, dossier INTEGER NOT NULL, n INTEGER NOT NULL,"
    " sha256 TEXT, text TEXT);"
    "CREATE INDEX pages_dossier ON pages(dossier);"
    "CREATE INDEX pages_sha256 ON pages(sha256);"
    "CREATE TABLE fields(id INTEGER PRIMARY KEY, dossier INTEGER NOT NULL,"
    " page INTEGER NOT NULL, form TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,"
    " value TEXT NOT NULL, review INTEGER NOT NULL);"
    "CREATE INDEX fields_dossier ON fields(dossier);"
    "CREATE INDEX fields_id ON fields(value) WHERE type = 'cccd';"
    "CREATE VIRTUAL TABLE pages_fts USING fts5(fold, content='', tokenize='unicode61');"
    "CREATE VIRTUAL TABLE names_fts USING fts5(fold, content='', tokenize='unicode61');"
    "INSERT INTO meta VALUES('schema', '" HOSO_IDB_SCHEMA "');";

/* Damage is bad input (the index is rebuilt); anything else is the system's. */
static int
fail(struct hoso_idb *db, sqlite3 *h, int rc, struct hoso_err *err)
{
	int code = (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ?
	    HOSO_EINPUT : HOSO_EIO;

	return hoso_err_set(err, code, _("%s: the index database: %s"),
	    db != NULL ? db->path : "?", h != NULL ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
}

static int
exec(struct hoso_idb *db, const char *sql, struct hoso_err *err)
{
	int rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : fail(db, db->db, rc, err);
}

static int
prepare(struct hoso_idb *db, const char *sql, sqlite3_stmt **st, struct hoso_err *err)
{
	int rc = sqlite3_prepare_v2(db->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : fail(db, db->db, rc, err);
}

static void
remove_files(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	char buf[4096];
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		if ((size_t)snprintf(buf, sizeof buf, "%s%s", path, ext[i]) < sizeof buf)
			(void)unlink(buf);
	}
}

static int
connect(struct hoso_idb *db, struct hoso_err *err)
{
	int rc, one = 1;

	rc = sqlite3_open_v2(db->path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK)
		return fail(db, db->db, rc, err);
	sqlite3_extended_result_codes(db->db, 1);
	/* Writers of a batch and a lookup share the file: wait for each other, not fail. */
	sqlite3_busy_timeout(db->db, 30000);
	(void)sqlite3_file_control(db->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	/*
	 * A checkpoint leaves the WAL file empty (not removed: see above). A WAL left
	 * full would be read whole and copied back again by every later connection.
	 */
	return exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	    " PRAGMA journal_size_limit=0;", err);
}

/* 1: of this schema; 0: empty (new); -1: something else, with why. */
static int
check_schema(struct hoso_idb *db, struct hoso_buf *why, struct hoso_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ok = -1, tables = 0;

	rc = sqlite3_prepare_v2(db->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW) {
		if (why != NULL)
			hoso_buf_adds(why, sqlite3_errmsg(db->db), err);
		return -1;
	}
	if (tables == 0)
		return 0;
	rc = sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st,
	    NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (v != NULL && strcmp(v, HOSO_IDB_SCHEMA) == 0)
			ok = 1;
		else if (why != NULL)
			hoso_buf_addf(why, err, _("schema %s, this version uses %s"),
			    v != NULL ? v : "?", HOSO_IDB_SCHEMA);
	} else if (why != NULL) {
		hoso_buf_adds(why, rc == SQLITE_DONE ? _("no schema version") :
		    sqlite3_errmsg(db->db), err);
	}
	sqlite3_finalize(st);
	return ok;
}

static void sq_close(struct hoso_idb *db);

static int
sq_open(const char *path, const char *store, struct hoso_idb **out, bool *fresh,
    struct hoso_buf *why, struct hoso_err *err)
{
	struct hoso_idb *db;
	int r, state, rc;

	(void)store;		/* one store per file */
	*out = NULL;
	*fresh = false;
	if ((db = calloc(1, sizeof(*db))) == NULL || (db->path = strdup(path)) == NULL) {
		free(db);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	r = connect(db, err);
	state = r == 0 ? check_schema(db, why, err) : -1;
	if (r != 0 && err->code != HOSO_EINPUT)
		goto bad;
	if (state < 0) {
		/* Not ours, damaged or another schema: the store holds the truth, start again. */
		if (r != 0 && why != NULL)
			hoso_buf_adds(why, err->msg, err);
		hoso_err_clear(err);
		sqlite3_close(db->db);
		db->db = NULL;
		remove_files(path);
		if ((r = connect(db, err)) != 0)
			goto bad;
		state = 0;
	}
	if (state == 0) {
		*fresh = true;
		rc = sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			r = fail(db, db->db, rc, err);
			goto bad;
		}
		/* Another process may have made the tables while we waited. */
		if (check_schema(db, NULL, err) == 1) {
			*fresh = false;
			r = exec(db, "COMMIT", err);
		} else if ((r = exec(db, schema_sql, err)) != 0 || (r = exec(db, "COMMIT", err)) != 0) {
			(void)sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
		}
		if (r != 0)
			goto bad;
	}
	*out = db;
	return 0;
bad:
	sq_close(db);
	return r;
}

static void
sq_close(struct hoso_idb *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->db);
	free(db->path);
	free(db);
}

static int
sq_begin(struct hoso_idb *db, struct hoso_err *err)
{
	return exec(db, "BEGIN IMMEDIATE", err);
}

static int
sq_commit(struct hoso_idb *db, struct hoso_err *err)
{
	return exec(db, "COMMIT", err);
}

static void
sq_rollback(struct hoso_idb *db)
{
	if (!sqlite3_get_autocommit(db->db))
		(void)sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
sq_meta_get(struct hoso_idb *db, const char *key, struct hoso_buf *out, bool *found,
    struct hoso_err *err)
{
	sqlite3_stmt *st;
	int r, rc;

	*found = false;
	hoso_buf_reset(out);
	if ((r = prepare(db, "SELECT value FROM meta WHERE key = ?1", &st, err)) != 0)
		return r;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		r = hoso_buf_adds(out, (const char *)sqlite3_column_text(st, 0), err);
	} else if (rc != SQLITE_DONE) {
		r = fail(db, db->db, rc, err);
	}
	sqlite3_finalize(st);
	return r;
}

static int
sq_meta_set(struct hoso_idb *db, const char *key, const char *value, struct hoso_err *err)
{
	sqlite3_stmt *st;
	int r, rc;

	if ((r = prepare(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", &st,
	    err)) != 0)
		return r;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(db, db->db, rc, err);
}

/*
 * A contentless FTS5 table forgets its text: to delete a row it must be given
 * the words it was indexed with, folded again from the text kept beside it.
 */
static int
fts_forget(struct hoso_idb *db, const char *select, const char *del, sqlite3_int64 dossier,
    struct hoso_err *err)
{
	sqlite3_stmt *sel = NULL, *st = NULL;
	struct hoso_buf fold = HOSO_BUF_INIT(0);
	int r, rc;

	if ((r = prepare(db, select, &sel, err)) != 0 || (r = prepare(db, del, &st, err)) != 0)
		goto out;
	sqlite3_bind_int64(sel, 1, dossier);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(sel, 1);

		if (text == NULL)
			continue;
		hoso_buf_reset(&fold);
		if ((r = hoso_utf8_fold_words(text, strlen(text), &fold, err)) != 0)
			goto out;
		sqlite3_bind_int64(st, 1, sqlite3_column_int64(sel, 0));
		sqlite3_bind_text(st, 2, hoso_buf_str(&fold), -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
			r = fail(db, db->db, rc, err);
			goto out;
		}
		sqlite3_reset(st);
	}
	if (rc != SQLITE_DONE)
		r = fail(db, db->db, rc, err);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(st);
	hoso_buf_free(&fold);
	return r;
}

static int
delete_by(struct hoso_idb *db, const char *sql, sqlite3_int64 id, struct hoso_err *err)
{
	sqlite3_stmt *st;
	int r, rc;

	if ((r = prepare(db, sql, &st, err)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(db, db->db, rc, err);
}

static int
sq_remove(struct hoso_idb *db, const char *code, struct hoso_err *err)
{
	sqlite3_stmt *st;
	sqlite3_int64 id;
	int r, rc;

	if ((r = prepare(db, "SELECT id FROM dossiers WHERE code = ?1", &st, err)) != 0)
		return r;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return fail(db, db->db, rc, err);
	if ((r = fts_forget(db, "SELECT id, text FROM pages WHERE dossier = ?1",
	    "INSERT INTO pages_fts(pages_fts, rowid, fold) VALUES('delete', ?1, ?2)", id, err)) != 0 ||
	    (r = fts_forget(db, "SELECT id, value FROM fields WHERE dossier = ?1 AND type = 'name'",
	    "INSERT INTO names_fts(names_fts, rowid, fold) VALUES('delete', ?1, ?2)", id, err)) != 0)
		return r;
	if ((r = delete_by(db, "DELETE FROM pages WHERE dossier = ?1", id, err)) != 0 ||
	    (r = delete_by(db, "DELETE FROM fields WHERE dossier = ?1", id, err)) != 0)
		return r;
	return delete_by(db, "DELETE FROM dossiers WHERE id = ?1", id, err);
}

static int
sq_clear(struct hoso_idb *db, struct hoso_err *err)
{
	return exec(db, "DELETE FROM pages; DELETE FROM fields; DELETE FROM dossiers;"
	    "INSERT INTO pages_fts(pages_fts) VALUES('delete-all');"
	    "INSERT INTO names_fts(names_fts) VALUES('delete-all');", err);
}

static void
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int
step_done(struct hoso_idb *db, sqlite3_stmt *st, struct hoso_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(db, db->db, rc, err);
}

static int
sq_put(struct hoso_idb *db, const struct hoso_idb_doc *doc, struct hoso_err *err)
{
	sqlite3_stmt *st = NULL, *fts = NULL;
	sqlite3_int64 id;
	size_t i;
	int r;

	if ((r = sq_remove(db, doc->code, err)) != 0)
		return r;
	if ((r = prepare(db, "INSERT INTO dossiers(code, stamp, title, unit, received, channel,"
	    " pages) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, err)) != 0)
		return r;
	bind_opt(st, 1, doc->code);
	bind_opt(st, 2, doc->stamp);
	bind_opt(st, 3, doc->title);
	bind_opt(st, 4, doc->unit);
	bind_opt(st, 5, doc->received);
	bind_opt(st, 6, doc->channel);
	sqlite3_bind_int(st, 7, doc->n_pages);
	r = step_done(db, st, err);
	sqlite3_finalize(st);
	st = NULL;
	if (r != 0)
		return r;
	id = sqlite3_last_insert_rowid(db->db);
	if ((r = prepare(db, "INSERT INTO pages(dossier, n, sha256, text) VALUES(?1, ?2, ?3, ?4)",
	    &st, err)) != 0 ||
	    (r = prepare(db, "INSERT INTO pages_fts(rowid, fold) VALUES(?1, ?2)", &fts, err)) != 0)
		goto out;
	for (i = 0; i < doc->n_page_rows; i++) {
		const struct hoso_idb_page *p = &doc->pages[i];

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, p->n);
		bind_opt(st, 3, p->sha256);
		bind_opt(st, 4, p->text);
		if ((r = step_done(db, st, err)) != 0)
			goto out;
		if (p->text == NULL)
			continue;
		sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(db->db));
		bind_opt(fts, 2, p->fold != NULL ? p->fold : "");
		if ((r = step_done(db, fts, err)) != 0)
			goto out;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(fts);
	st = fts = NULL;
	if ((r = prepare(db, "INSERT INTO fields(dossier, page, form, name, type, value, review)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, err)) != 0 ||
	    (r = prepare(db, "INSERT INTO names_fts(rowid, fold) VALUES(?1, ?2)", &fts, err)) != 0)
		goto out;
	for (i = 0; i < doc->n_fields; i++) {
		const struct hoso_idb_field *f = &doc->fields[i];

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, f->page);
		bind_opt(st, 3, f->form);
		bind_opt(st, 4, f->name);
		bind_opt(st, 5, f->type);
		bind_opt(st, 6, f->value);
		sqlite3_bind_int(st, 7, f->review);
		if ((r = step_done(db, st, err)) != 0)
			goto out;
		if (strcmp(f->type, "name") != 0)
			continue;
		sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(db->db));
		bind_opt(fts, 2, f->fold != NULL ? f->fold : "");
		if ((r = step_done(db, fts, err)) != 0)
			goto out;
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(fts);
	return r;
}

static int
sq_stamps(struct hoso_idb *db, hoso_idb_stamp_fn fn, void *ctx, struct hoso_err *err)
{
	sqlite3_stmt *st;
	int r, rc;

	if ((r = prepare(db, "SELECT code, stamp FROM dossiers ORDER BY code", &st, err)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = fn(ctx, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), err)) != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = fail(db, db->db, rc, err);
	sqlite3_finalize(st);
	return r;
}

/*
 * "w1" "w2"*: every word, the last one as typed so far (NAME); "w1 w2": the phrase (TEXT).
 * Words hold no quotes; doubled anyway.
 */
static int
match_expr(const struct hoso_idb_query *q, struct hoso_buf *out, struct hoso_err *err)
{
	size_t i;
	const char *p;
	int r = 0;

	if (q->kind == HOSO_IDB_TEXT)
		r = hoso_buf_addc(out, '"', err);
	for (i = 0; r == 0 && i < q->n_words; i++) {
		if (q->kind == HOSO_IDB_NAME)
			r = hoso_buf_adds(out, i > 0 ? " \"" : "\"", err);
		else if (i > 0)
			r = hoso_buf_addc(out, ' ', err);
		for (p = q->words[i]; r == 0 && *p != '\0'; p++)
			r = hoso_buf_adds(out, *p == '"' ? "\"\"" : (char[]){ *p, '\0' }, err);
		if (r == 0 && q->kind == HOSO_IDB_NAME)
			r = hoso_buf_adds(out, i + 1 == q->n_words ? "\"*" : "\"", err);
	}
	if (r == 0 && q->kind == HOSO_IDB_TEXT)
		r = hoso_buf_addc(out, '"', err);
	return r;
}

#define D_COLS "d.code, d.title, d.unit, d.received, d.channel, d.pages"

static int
sq_search(struct hoso_idb *db, const struct hoso_idb_query *q, hoso_idb_row_fn fn,
    void *ctx, struct hoso_err *err)
{
	struct hoso_buf sql = HOSO_BUF_INIT(0), m = HOSO_BUF_INIT(0);
	sqlite3_stmt *st = NULL;
	int r = 0, rc, i;
	bool field_rows = q->kind == HOSO_IDB_ID || q->kind == HOSO_IDB_NAME;

	switch (q->kind) {
	case HOSO_IDB_ID:
		r = hoso_buf_adds(&sql, "SELECT " D_COLS ", f.page, f.form, f.name, f.value, f.review"
		    " FROM fields f JOIN dossiers d ON d.id = f.dossier"
		    " WHERE f.type = 'cccd' AND f.value = :m", err);
		break;
	case HOSO_IDB_NAME:
		r = hoso_buf_adds(&sql, "SELECT " D_COLS ", f.page, f.form, f.name, f.value, f.review"
		    " FROM names_fts JOIN fields f ON f.id = names_fts.rowid"
		    " JOIN dossiers d ON d.id = f.dossier WHERE names_fts MATCH :m", err);
		break;
	case HOSO_IDB_TEXT:
		r = hoso_buf_adds(&sql, "SELECT " D_COLS ", p.n, p.text"
		    " FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid"
		    " JOIN dossiers d ON d.id = p.dossier WHERE pages_fts MATCH :m", err);
		break;
	case HOSO_IDB_FILTER:
		r = hoso_buf_adds(&sql, "SELECT " D_COLS " FROM dossiers d WHERE 1", err);
		break;
	}
	if (r == 0 && q->unit != NULL)
		r = hoso_buf_adds(&sql, " AND d.unit = :unit", err);
	if (r == 0 && q->from != NULL)
		r = hoso_buf_adds(&sql, " AND d.received >= :from", err);
	if (r == 0 && q->to != NULL)
		r = hoso_buf_adds(&sql, " AND d.received <= :to", err);
	if (r == 0 && q->form != NULL)
		r = hoso_buf_adds(&sql, field_rows ? " AND f.form = :form" :
		    " AND EXISTS (SELECT 1 FROM fields g WHERE g.dossier = d.id AND g.form = :form)",
		    err);
	if (r == 0)
		r = hoso_buf_adds(&sql, q->kind == HOSO_IDB_TEXT ?
		    " ORDER BY bm25(pages_fts), d.received DESC, d.code DESC LIMIT :cap" :
		    " ORDER BY d.received DESC, d.code DESC LIMIT :cap", err);
	if (r == 0 && (q->kind == HOSO_IDB_NAME || q->kind == HOSO_IDB_TEXT))
		r = match_expr(q, &m, err);
	if (r != 0 || (r = prepare(db, hoso_buf_str(&sql), &st, err)) != 0)
		goto out;
	if ((i = sqlite3_bind_parameter_index(st, ":m")) > 0)
		sqlite3_bind_text(st, i, q->kind == HOSO_IDB_ID ? q->id : hoso_buf_str(&m), -1,
		    SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":unit")) > 0)
		sqlite3_bind_text(st, i, q->unit, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":from")) > 0)
		sqlite3_bind_text(st, i, q->from, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":to")) > 0)
		sqlite3_bind_text(st, i, q->to, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":form")) > 0)
		sqlite3_bind_text(st, i, q->form, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":cap"),
	    (sqlite3_int64)(q->cap > 0 ? q->cap : 1000));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hoso_idb_row row;

		memset(&row, 0, sizeof(row));
		row.code = (const char *)sqlite3_column_text(st, 0);
		row.title = (const char *)sqlite3_column_text(st, 1);
		row.unit = (const char *)sqlite3_column_text(st, 2);
		row.received = (const char *)sqlite3_column_text(st, 3);
		row.channel = (const char *)sqlite3_column_text(st, 4);
		row.pages = sqlite3_column_int(st, 5);
		if (q->kind != HOSO_IDB_FILTER)
			row.page = sqlite3_column_int(st, 6);
		if (field_rows) {
			row.form = (const char *)sqlite3_column_text(st, 7);
			row.name = (const char *)sqlite3_column_text(st, 8);
			row.value = (const char *)sqlite3_column_text(st, 9);
			row.review = sqlite3_column_int(st, 10) != 0;
		} else if (q->kind == HOSO_IDB_TEXT) {
			row.text = (const char *)sqlite3_column_text(st, 7);
		}
		if ((r = fn(ctx, &row, err)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = fail(db, db->db, rc, err);
out:
	sqlite3_finalize(st);
	hoso_buf_free(&sql);
	hoso_buf_free(&m);
	return r;
}

const struct hoso_idb_ops hoso_idb_sqlite = {
	"sqlite", sq_open, sq_close, sq_begin, sq_commit, sq_rollback, sq_meta_get, sq_meta_set,
	sq_put, sq_remove, sq_clear, sq_stamps, sq_search,
};
