/*
 * index_pg.c - the search index in PostgreSQL (the only file that includes libpq-fe.h): one
 * database shared by the stores of a province, each store's dossiers told apart by the
 * store's real path. Words arrive folded (index_db.h), so the 'simple' text search
 * configuration matches them as SQLite's FTS5 does: no extension (unaccent, pg_trgm) needed,
 * and both databases answer the same queries alike.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "index_db.h"

/* A tsvector holds at most 1 MiB: the words of a longer page are indexed up to this. */
#define FOLD_MAX (256u << 10)

struct hoso_idb {
	PGconn *conn;
	char *store;			/* "" when only searching */
};

static const char schema_sql[] =
    "CREATE TABLE hoso_meta(store text NOT NULL, key text NOT NULL, value text NOT NULL,"
    " PRIMARY KEY(store, key));"
    "CREATE TABLE hoso_dossiers(id bigserial PRIMARY KEY, store text NOT NULL,"
    " code text NOT NULL, stamp text NOT NULL, title text, unit text, received text,"
    " channel text, pages integer NOT NULL, UNIQUE(store, code));"
    "CREATE INDEX hoso_dossiers_received ON hoso_dossiers(received, code);"
    "CREATE TABLE hoso_pages(id bigserial PRIMARY KEY, dossier bigint NOT NULL"
    " REFERENCES hoso_dossiers(id) ON DELETE CASCADE, n integer NOT NULL, sha256 text,"
    " text text, fold tsvector);"
    "CREATE INDEX hoso_pages_dossier ON hoso_pages(dossier);"
    "CREATE INDEX hoso_pages_sha256 ON hoso_pages(sha256);"
    "CREATE INDEX hoso_pages_fold ON hoso_pages USING gin(fold);"
    "CREATE TABLE hoso_fields(id bigserial PRIMARY KEY, dossier bigint NOT NULL"
    " REFERENCES hoso_dossiers(id) ON DELETE CASCADE, page integer NOT NULL,"
    " form text NOT NULL, name text NOT NULL, type text NOT NULL, value text NOT NULL,"
    " review boolean NOT NULL, fold tsvector);"
    "CREATE INDEX hoso_fields_dossier ON hoso_fields(dossier);"
    "CREATE INDEX hoso_fields_id ON hoso_fields(value) WHERE type = 'cccd';"
    "CREATE INDEX hoso_fields_name ON hoso_fields USING gin(fold) WHERE type = 'name';"
    "INSERT INTO hoso_meta VALUES('', 'schema', '" HOSO_IDB_SCHEMA "');";

static const char drop_sql[] =
    "DROP TABLE IF EXISTS hoso_fields, hoso_pages, hoso_dossiers, hoso_meta;";

/* libpq would print the server's notices on stderr: the library prints nothing. */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int
fail_msg(struct hoso_idb *db, struct hoso_err *err)
{
	char msg[400];
	size_t n;

	snprintf(msg, sizeof msg, "%s", db != NULL && db->conn != NULL ?
	    PQerrorMessage(db->conn) : "?");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	return hoso_err_set(err, HOSO_EIO, _("PostgreSQL: %s"), msg);
}

/* Run a statement; *res (when not NULL) gets a result that returned rows. */
static int
run(struct hoso_idb *db, const char *sql, int n, const char *const *params, PGresult **res,
    struct hoso_err *err)
{
	PGresult *r = PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		PQclear(r);
		return fail_msg(db, err);
	}
	if (res != NULL)
		*res = r;
	else
		PQclear(r);
	return 0;
}

static int
exec(struct hoso_idb *db, const char *sql, struct hoso_err *err)
{
	PGresult *r = PQexec(db->conn, sql);
	ExecStatusType st = PQresultStatus(r);

	PQclear(r);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : fail_msg(db, err);
}

static void
pg_close(struct hoso_idb *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn);
	free(db->store);
	free(db);
}

static int
pg_open(const char *url, const char *store, struct hoso_idb **out, bool *fresh,
    struct hoso_buf *why, struct hoso_err *err)
{
	struct hoso_idb *db;
	PGresult *res = NULL;
	const char *v;
	int r;

	*out = NULL;
	*fresh = false;
	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->store = strdup(store != NULL ? store : "")) == NULL) {
		free(db);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	db->conn = PQconnectdb(url);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		r = fail_msg(db, err);
		goto bad;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	/* One process at a time makes or remakes the tables. */
	if ((r = exec(db, "BEGIN; SELECT pg_advisory_xact_lock(4871236)", err)) != 0 ||
	    (r = run(db, "SELECT to_regclass('hoso_meta') IS NOT NULL", 0, NULL, &res, err)) != 0)
		goto bad;
	v = PQgetvalue(res, 0, 0);
	if (strcmp(v, "t") == 0) {
		PQclear(res);
		res = NULL;
		if ((r = run(db, "SELECT value FROM hoso_meta WHERE store = '' AND key = 'schema'", 0,
		    NULL, &res, err)) != 0)
			goto bad;
		v = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : NULL;
		if (v == NULL || strcmp(v, HOSO_IDB_SCHEMA) != 0) {
			if (why != NULL)
				hoso_buf_addf(why, err, _("schema %s, this version uses %s"),
				    v != NULL ? v : "?", HOSO_IDB_SCHEMA);
			*fresh = true;
		}
	} else {
		*fresh = true;
	}
	PQclear(res);
	res = NULL;
	if (*fresh && ((r = exec(db, drop_sql, err)) != 0 || (r = exec(db, schema_sql, err)) != 0))
		goto bad;
	if ((r = exec(db, "COMMIT", err)) != 0)
		goto bad;
	/* The tables may be old, this store new to them: everything of it to index. */
	if (!*fresh && store != NULL) {
		const char *p[1] = { db->store };

		if ((r = run(db, "SELECT 1 FROM hoso_meta WHERE store = $1 AND key = 'store_mtime'",
		    1, p, &res, err)) != 0)
			goto bad;
		*fresh = PQntuples(res) == 0;
		PQclear(res);
	}
	*out = db;
	return 0;
bad:
	PQclear(res);
	pg_close(db);
	return r;
}

static int
pg_begin(struct hoso_idb *db, struct hoso_err *err)
{
	return exec(db, "BEGIN", err);
}

static int
pg_commit(struct hoso_idb *db, struct hoso_err *err)
{
	return exec(db, "COMMIT", err);
}

static void
pg_rollback(struct hoso_idb *db)
{
	PGresult *r;

	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
		r = PQexec(db->conn, "ROLLBACK");
		PQclear(r);
	}
}

static int
pg_meta_get(struct hoso_idb *db, const char *key, struct hoso_buf *out, bool *found,
    struct hoso_err *err)
{
	const char *p[2] = { db->store, key };
	PGresult *res = NULL;
	int r;

	*found = false;
	hoso_buf_reset(out);
	if ((r = run(db, "SELECT value FROM hoso_meta WHERE store = $1 AND key = $2", 2, p, &res,
	    err)) != 0)
		return r;
	if (PQntuples(res) == 1) {
		*found = true;
		r = hoso_buf_adds(out, PQgetvalue(res, 0, 0), err);
	}
	PQclear(res);
	return r;
}

static int
pg_meta_set(struct hoso_idb *db, const char *key, const char *value, struct hoso_err *err)
{
	const char *p[3] = { db->store, key, value };

	return run(db, "INSERT INTO hoso_meta VALUES($1, $2, $3) ON CONFLICT (store, key)"
	    " DO UPDATE SET value = EXCLUDED.value", 3, p, NULL, err);
}

static int
pg_remove(struct hoso_idb *db, const char *code, struct hoso_err *err)
{
	const char *p[2] = { db->store, code };

	return run(db, "DELETE FROM hoso_dossiers WHERE store = $1 AND code = $2", 2, p, NULL,
	    err);
}

static int
pg_clear(struct hoso_idb *db, struct hoso_err *err)
{
	const char *p[1] = { db->store };

	return run(db, "DELETE FROM hoso_dossiers WHERE store = $1", 1, p, NULL, err);
}

/* The folded words, cut at a word's end within FOLD_MAX bytes. */
static char *
fold_cut(const char *fold, char *tmp)
{
	size_t n = strlen(fold);

	if (n <= FOLD_MAX)
		return (char *)fold;
	n = FOLD_MAX;
	while (n > 0 && fold[n] != ' ')
		n--;
	memcpy(tmp, fold, n);
	tmp[n] = '\0';
	return tmp;
}

static int
pg_put(struct hoso_idb *db, const struct hoso_idb_doc *doc, struct hoso_err *err)
{
	char pages[16], n[16], page[16], *tmp = NULL, id[32];
	const char *p[8];
	PGresult *res = NULL;
	size_t i;
	int r;

	if ((r = pg_remove(db, doc->code, err)) != 0)
		return r;
	snprintf(pages, sizeof pages, "%d", doc->n_pages);
	p[0] = db->store;
	p[1] = doc->code;
	p[2] = doc->stamp;
	p[3] = doc->title;
	p[4] = doc->unit;
	p[5] = doc->received;
	p[6] = doc->channel;
	p[7] = pages;
	if ((r = run(db, "INSERT INTO hoso_dossiers(store, code, stamp, title, unit, received,"
	    " channel, pages) VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", 8, p, &res,
	    err)) != 0)
		return r;
	snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if ((tmp = malloc(FOLD_MAX + 1)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (i = 0; r == 0 && i < doc->n_page_rows; i++) {
		const struct hoso_idb_page *pg = &doc->pages[i];

		snprintf(n, sizeof n, "%d", pg->n);
		p[0] = id;
		p[1] = n;
		p[2] = pg->sha256;
		p[3] = pg->text;
		p[4] = pg->fold != NULL ? fold_cut(pg->fold, tmp) : NULL;
		r = run(db, "INSERT INTO hoso_pages(dossier, n, sha256, text, fold)"
		    " VALUES($1, $2, $3, $4, to_tsvector('simple', $5))", 5, p, NULL, err);
	}
	for (i = 0; r == 0 && i < doc->n_fields; i++) {
		const struct hoso_idb_field *f = &doc->fields[i];

		snprintf(page, sizeof page, "%d", f->page);
		p[0] = id;
		p[1] = page;
		p[2] = f->form;
		p[3] = f->name;
		p[4] = f->type;
		p[5] = f->value;
		p[6] = f->review ? "true" : "false";
		p[7] = strcmp(f->type, "name") == 0 && f->fold != NULL ? fold_cut(f->fold, tmp) : NULL;
		r = run(db, "INSERT INTO hoso_fields(dossier, page, form, name, type, value, review,"
		    " fold) VALUES($1, $2, $3, $4, $5, $6, $7, to_tsvector('simple', $8))", 8, p, NULL,
		    err);
	}
	free(tmp);
	return r;
}

static int
pg_stamps(struct hoso_idb *db, hoso_idb_stamp_fn fn, void *ctx, struct hoso_err *err)
{
	const char *p[1] = { db->store };
	PGresult *res = NULL;
	int i, r;

	/* COLLATE "C": bytewise, the order of the store's listing. */
	if ((r = run(db, "SELECT code, stamp FROM hoso_dossiers WHERE store = $1"
	    " ORDER BY code COLLATE \"C\"", 1, p, &res, err)) != 0)
		return r;
	for (i = 0; r == 0 && i < PQntuples(res); i++)
		r = fn(ctx, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), err);
	PQclear(res);
	return r;
}

static const char *
col(PGresult *res, int row, int c)
{
	return PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
}

#define D_COLS "d.code, d.title, d.unit, d.received, d.channel, d.pages"

static int
pg_search(struct hoso_idb *db, const struct hoso_idb_query *q, hoso_idb_row_fn fn, void *ctx,
    struct hoso_err *err)
{
	struct hoso_buf sql = HOSO_BUF_INIT(0), words = HOSO_BUF_INIT(0);
	const char *p[8];
	char cap[32];
	PGresult *res = NULL;
	bool field_rows = q->kind == HOSO_IDB_ID || q->kind == HOSO_IDB_NAME;
	size_t i;
	int n = 0, k, r = 0;

	/*
	 * NAME: every word, the last one as typed so far ('w1' & 'w2':*); TEXT: the words for
	 * phraseto_tsquery. Folded words are letters and digits only: nothing to escape.
	 */
	for (i = 0; r == 0 && i < q->n_words; i++)
		r = q->kind == HOSO_IDB_NAME ? hoso_buf_addf(&words, err, "%s'%s'%s", i > 0 ? " & " : "",
		    q->words[i], i + 1 == q->n_words ? ":*" : "") :
		    hoso_buf_addf(&words, err, "%s%s", i > 0 ? " " : "", q->words[i]);
	switch (q->kind) {
	case HOSO_IDB_ID:
		p[n++] = q->id;
		r = r != 0 ? r : hoso_buf_adds(&sql, "SELECT " D_COLS ", f.page, f.form, f.name,"
		    " f.value, f.review FROM hoso_fields f JOIN hoso_dossiers d ON d.id = f.dossier"
		    " WHERE f.type = 'cccd' AND f.value = $1", err);
		break;
	case HOSO_IDB_NAME:
		p[n++] = hoso_buf_str(&words);
		r = r != 0 ? r : hoso_buf_adds(&sql, "SELECT " D_COLS ", f.page, f.form, f.name,"
		    " f.value, f.review FROM hoso_fields f JOIN hoso_dossiers d ON d.id = f.dossier"
		    " WHERE f.type = 'name' AND f.fold @@ to_tsquery('simple', $1)", err);
		break;
	case HOSO_IDB_TEXT:
		p[n++] = hoso_buf_str(&words);
		r = r != 0 ? r : hoso_buf_adds(&sql, "SELECT " D_COLS ", p.n, p.text"
		    " FROM hoso_pages p JOIN hoso_dossiers d ON d.id = p.dossier"
		    " WHERE p.fold @@ phraseto_tsquery('simple', $1)", err);
		break;
	case HOSO_IDB_FILTER:
		r = r != 0 ? r : hoso_buf_adds(&sql, "SELECT " D_COLS " FROM hoso_dossiers d"
		    " WHERE true", err);
		break;
	}
	if (r == 0 && q->unit != NULL) {
		p[n++] = q->unit;
		r = hoso_buf_addf(&sql, err, " AND d.unit = $%d", n);
	}
	if (r == 0 && q->from != NULL) {
		p[n++] = q->from;
		r = hoso_buf_addf(&sql, err, " AND d.received >= $%d", n);
	}
	if (r == 0 && q->to != NULL) {
		p[n++] = q->to;
		r = hoso_buf_addf(&sql, err, " AND d.received <= $%d", n);
	}
	if (r == 0 && q->form != NULL) {
		p[n++] = q->form;
		r = hoso_buf_addf(&sql, err, field_rows ? " AND f.form = $%d" :
		    " AND EXISTS (SELECT 1 FROM hoso_fields g WHERE g.dossier = d.id AND g.form = $%d)",
		    n);
	}
	snprintf(cap, sizeof cap, "%zu", q->cap > 0 ? q->cap : 1000);
	p[n++] = cap;
	if (r == 0)
		r = hoso_buf_addf(&sql, err, q->kind == HOSO_IDB_TEXT ?
		    " ORDER BY ts_rank(p.fold, phraseto_tsquery('simple', $1)) DESC,"
		    " d.received DESC, d.code DESC LIMIT $%d" :
		    " ORDER BY d.received DESC, d.code DESC LIMIT $%d", n);
	if (r == 0)
		r = run(db, hoso_buf_str(&sql), n, p, &res, err);
	for (k = 0; r == 0 && k < PQntuples(res); k++) {
		struct hoso_idb_row row;

		memset(&row, 0, sizeof(row));
		row.code = col(res, k, 0);
		row.title = col(res, k, 1);
		row.unit = col(res, k, 2);
		row.received = col(res, k, 3);
		row.channel = col(res, k, 4);
		row.pages = atoi(PQgetvalue(res, k, 5));
		if (q->kind != HOSO_IDB_FILTER)
			row.page = atoi(PQgetvalue(res, k, 6));
		if (field_rows) {
			row.form = col(res, k, 7);
			row.name = col(res, k, 8);
			row.value = col(res, k, 9);
			row.review = strcmp(PQgetvalue(res, k, 10), "t") == 0;
		} else if (q->kind == HOSO_IDB_TEXT) {
			row.text = col(res, k, 7);
		}
		r = fn(ctx, &row, err);
	}
	PQclear(res);
	hoso_buf_free(&sql);
	hoso_buf_free(&words);
	return r;
}

const struct hoso_idb_ops hoso_idb_pg = {
	"postgresql", pg_open, pg_close, pg_begin, pg_commit, pg_rollback, pg_meta_get,
	pg_meta_set, pg_put, pg_remove, pg_clear, pg_stamps, pg_search,
};
