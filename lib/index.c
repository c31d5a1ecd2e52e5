/*
 * index.c - the store's search index: what to index of a dossier, keeping the index as
 * current as the store, and searching it as people type (see index.h). The database itself
 * is index_sqlite.c; folding, ranking by typed diacritics and snippets are here, so every
 * database answers alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "file.h"
#include "i18n.h"
#include "index.h"
#include "index_db.h"
#include "review.h"
#include "sort.h"
#include "store.h"
#include "utf8.h"
#include "validate.h"

#define PAGE_TEXT_MAX	(4u << 20)	/* bytes of one page's text that are indexed */
#define SYNC_BATCH	256		/* dossiers per transaction when catching up */
#define QUERY_MAX	1024		/* bytes of a name or phrase typed */

struct hoso_index {
	char *store;
	char *path;
	const struct hoso_template_set *templates;
	const struct hoso_log *log;
	const struct hoso_idb_ops *ops;
	struct hoso_idb *db;
	bool fresh;			/* made (again) by this open: everything to index */
};

static int
oom(struct hoso_err *err)
{
	return hoso_err_set(err, HOSO_EIO, _("out of memory"));
}

static bool
is_pg_url(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

/*
 * The database of a store: the one given (a PostgreSQL URL is recorded in
 * STORE/index.db, so the writers update it too), else the one recorded
 * there, else STORE/index.sqlite.
 */
static int
which_db(const struct hoso_index_opts *o, struct hoso_buf *target, struct hoso_err *err)
{
	struct hoso_buf rec = HOSO_BUF_INIT(0), have = HOSO_BUF_INIT(4096);
	struct hoso_err e;
	int r = 0;

	hoso_buf_reset(target);
	if (o->store != NULL && (r = hoso_file_join(&rec, o->store, HOSO_INDEX_DB, err)) != 0)
		goto out;
	if (o->db != NULL) {
		r = hoso_buf_adds(target, o->db, err);
		if (r == 0 && o->store != NULL && is_pg_url(o->db)) {
			hoso_err_clear(&e);
			if (hoso_file_read(hoso_buf_str(&rec), 4096, &have, &e) != 0 ||
			    strcmp(hoso_buf_str(&have), o->db) != 0)
				r = hoso_file_write_atomic(hoso_buf_str(&rec), o->db, strlen(o->db),
				    err);
		}
		goto out;
	}
	hoso_err_clear(&e);
	if (hoso_file_read(hoso_buf_str(&rec), 4096, &have, &e) == 0) {
		size_t n = strcspn(hoso_buf_str(&have), "\r\n");

		if (n == 0 || !is_pg_url(hoso_buf_str(&have))) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: not a PostgreSQL URL (postgresql://...)"), hoso_buf_str(&rec));
			goto out;
		}
		r = hoso_buf_add(target, hoso_buf_str(&have), n, err);
		goto out;
	}
	r = hoso_file_join(target, o->store, HOSO_INDEX_FILE, err);
out:
	hoso_buf_free(&rec);
	hoso_buf_free(&have);
	return r;
}

int
hoso_index_open(const struct hoso_index_opts *o, struct hoso_index **out, struct hoso_err *err)
{
	struct hoso_index *ix;
	struct hoso_buf path = HOSO_BUF_INIT(0), why = HOSO_BUF_INIT(4096);
	char *real = NULL;
	struct stat sb;
	bool existed = true;
	int r;

	*out = NULL;
	if (o->store == NULL && (o->db == NULL || !is_pg_url(o->db)))
		return hoso_err_set(err, HOSO_EUSAGE, _("no store and no shared index to search"));
	if (o->store != NULL) {
		if (stat(o->store, &sb) != 0)
			return hoso_err_sys(err, errno, "%s", o->store);
		if (!S_ISDIR(sb.st_mode) || hoso_store_is_dossier(o->store))
			return hoso_err_set(err, HOSO_EINPUT,
			    _("%s: not a store (a directory of dossiers)"), o->store);
	}
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return oom(err);
	ix->templates = o->templates;
	ix->log = o->log;
	ix->ops = &hoso_idb_sqlite;
	if (o->store != NULL && (ix->store = strdup(o->store)) == NULL) {
		r = oom(err);
		goto bad;
	}
	if ((r = which_db(o, &path, err)) != 0)
		goto bad;
	if (is_pg_url(hoso_buf_str(&path))) {
		ix->ops = &hoso_idb_pg;
		/* A shared database tells stores apart by their real path. */
		if (o->store != NULL && (real = realpath(o->store, NULL)) == NULL) {
			r = hoso_err_sys(err, errno, "%s", o->store);
			goto bad;
		}
	} else {
		existed = access(hoso_buf_str(&path), F_OK) == 0;
	}
	if ((r = ix->ops->open(hoso_buf_str(&path), real, &ix->db, &ix->fresh, &why, err)) != 0)
		goto bad;
	if (ix->fresh && existed && why.len > 0)
		hoso_log(ix->log, 1, _("%s: the index is built again: %s"),
		    ix->ops == &hoso_idb_sqlite ? hoso_buf_str(&path) : "PostgreSQL",
		    hoso_buf_str(&why));
	ix->path = hoso_buf_detach(&path, NULL);
	hoso_buf_free(&why);
	free(real);
	*out = ix;
	return 0;
bad:
	hoso_buf_free(&path);
	hoso_buf_free(&why);
	free(real);
	hoso_index_close(ix);
	return r;
}

void
hoso_index_close(struct hoso_index *ix)
{
	if (ix == NULL)
		return;
	if (ix->db != NULL)
		ix->ops->close(ix->db);
	free(ix->store);
	free(ix->path);
	free(ix);
}

unsigned long long
hoso_index_size(const struct hoso_index *ix)
{
	static const char *const ext[] = { "", "-wal" };
	unsigned long long total = 0;
	char buf[4096];
	struct stat sb;
	size_t i;

	for (i = 0; i < 2; i++)
		if ((size_t)snprintf(buf, sizeof buf, "%s%s", ix->path, ext[i]) < sizeof buf &&
		    stat(buf, &sb) == 0)
			total += (unsigned long long)sb.st_size;
	return total;
}

/* What tells one version of a file from the next: mtime (ns), size, inode. */
static int
stamp_of(const char *path, char out[96])
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	snprintf(out, 96, "%lld.%09ld:%lld:%llu", (long long)sb.st_mtim.tv_sec,
	    (long)sb.st_mtim.tv_nsec, (long long)sb.st_size, (unsigned long long)sb.st_ino);
	return 0;
}

/* Everything one dossier puts in the index, owned. */
struct loaded {
	struct hoso_dossier *d;
	struct hoso_review_doc *fields;
	char stamp[96];
	struct hoso_idb_doc doc;
	struct hoso_idb_page *pages;
	struct hoso_idb_field *irows;
	char **texts, **folds;		/* per page row */
	char **ffolds;			/* per field */
};

static void
loaded_free(struct loaded *l)
{
	size_t i;

	for (i = 0; i < l->doc.n_page_rows; i++) {
		free(l->texts[i]);
		free(l->folds[i]);
	}
	for (i = 0; i < l->doc.n_fields; i++)
		free(l->ffolds[i]);
	free(l->texts);
	free(l->folds);
	free(l->ffolds);
	free(l->pages);
	free(l->irows);
	hoso_review_doc_free(l->fields);
	hoso_store_close(l->d);
	memset(l, 0, sizeof(*l));
}

static int
fold_dup(const char *s, char **out, struct hoso_err *err)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	int r = hoso_utf8_fold_words(s, strlen(s), &b, err);

	if (r == 0)
		*out = hoso_buf_detach(&b, NULL);
	hoso_buf_free(&b);
	return r;
}

/* A page's recognized text, NFC; *text NULL when it has none or it cannot be read. */
static int
page_text(const struct hoso_dossier *d, const struct hoso_page *p, char **text,
    struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), raw = HOSO_BUF_INIT(PAGE_TEXT_MAX),
	    nfc = HOSO_BUF_INIT(0);
	struct hoso_err e;
	int r = 0;

	*text = NULL;
	if (p->text == NULL)
		return 0;
	hoso_err_clear(&e);
	if ((r = hoso_file_join(&path, d->dir, p->text, err)) != 0)
		goto out;
	/*
	 * A page text that is gone, too large or not UTF-8 is left out of the
	 * index, not a reason to leave out the dossier.
	 */
	if (hoso_file_read(hoso_buf_str(&path), PAGE_TEXT_MAX, &raw, &e) != 0 ||
	    hoso_utf8_nfc(raw.data != NULL ? raw.data : "", raw.len, &nfc, &e) != 0)
		goto out;
	*text = hoso_buf_detach(&nfc, NULL);
out:
	hoso_buf_free(&path);
	hoso_buf_free(&raw);
	hoso_buf_free(&nfc);
	return r;
}

static const char *
field_type(const struct hoso_index *ix, const struct hoso_review_doc *doc,
    const struct hoso_review_field *f)
{
	const struct hoso_template *t;
	size_t i;

	if (f->type != NULL)
		return f->type;
	if (ix->templates != NULL &&
	    (t = hoso_template_find(ix->templates, doc->forms[f->form].name)) != NULL)
		for (i = 0; i < t->n_fields; i++)
			if (strcmp(t->fields[i].name, f->name) == 0)
				return hoso_validate_type_name(t->fields[i].type);
	return "text";
}

/*
 * Read STORE/code for the index: dossier.xml (one whole version, no lock:
 * the stamp is taken before and after, and a dossier that changed meanwhile
 * is read again), its fields and its pages' texts. HOSO_ENO: it is gone.
 */
static int
load(struct hoso_index *ix, const char *code, struct loaded *l, struct hoso_err *err)
{
	struct hoso_buf dir = HOSO_BUF_INIT(0), xml = HOSO_BUF_INIT(0);
	char after[96];
	size_t i, k;
	int r, tries;

	memset(l, 0, sizeof(*l));
	if ((r = hoso_file_join(&dir, ix->store, code, err)) != 0 ||
	    (r = hoso_file_join(&xml, hoso_buf_str(&dir), "dossier.xml", err)) != 0)
		goto out;
	for (tries = 0;; tries++) {
		if (stamp_of(hoso_buf_str(&xml), l->stamp) != 0) {
			r = errno == ENOENT || errno == ENOTDIR ? HOSO_ENO :
			    hoso_err_sys(err, errno, "%s", hoso_buf_str(&xml));
			goto out;
		}
		if ((r = hoso_store_read(ix->store, code, &l->d, err)) != 0)
			goto out;
		if (stamp_of(hoso_buf_str(&xml), after) == 0 && strcmp(after, l->stamp) == 0)
			break;
		hoso_store_close(l->d);
		l->d = NULL;
		if (tries == 3) {
			r = hoso_err_set(err, HOSO_EIO, _("%s: keeps changing"), hoso_buf_str(&xml));
			goto out;
		}
	}
	if ((r = hoso_review_load(l->d, &l->fields, err)) != 0)
		goto out;
	if ((l->pages = calloc(l->d->n_pages + 1, sizeof(*l->pages))) == NULL ||
	    (l->texts = calloc(l->d->n_pages + 1, sizeof(*l->texts))) == NULL ||
	    (l->folds = calloc(l->d->n_pages + 1, sizeof(*l->folds))) == NULL ||
	    (l->irows = calloc(l->fields->n_fields + 1, sizeof(*l->irows))) == NULL ||
	    (l->ffolds = calloc(l->fields->n_fields + 1, sizeof(*l->ffolds))) == NULL) {
		r = oom(err);
		goto out;
	}
	for (i = 0; i < l->d->n_pages; i++) {
		const struct hoso_page *p = &l->d->pages[i];

		l->doc.n_page_rows = i + 1;
		l->pages[i].n = p->n;
		l->pages[i].sha256 = p->sha256;
		if ((r = page_text(l->d, p, &l->texts[i], err)) != 0 ||
		    (l->texts[i] != NULL && (r = fold_dup(l->texts[i], &l->folds[i], err)) != 0))
			goto out;
		l->pages[i].text = l->texts[i];
		l->pages[i].fold = l->folds[i];
	}
	for (k = 0; k < l->fields->n_fields; k++) {
		const struct hoso_review_field *f = &l->fields->fields[k];
		struct hoso_idb_field *o = &l->irows[k];

		l->doc.n_fields = k + 1;
		o->page = l->fields->forms[f->form].page;
		o->form = l->fields->forms[f->form].name;
		o->name = f->name;
		o->type = field_type(ix, l->fields, f);
		o->value = f->value;
		o->review = f->review;
		if ((r = fold_dup(f->value, &l->ffolds[k], err)) != 0)
			goto out;
		o->fold = l->ffolds[k];
	}
	l->doc.code = l->d->code;
	l->doc.stamp = l->stamp;
	l->doc.title = l->d->meta.tieu_de;
	l->doc.unit = l->d->meta.ma_don_vi;
	l->doc.received = l->d->meta.ngay_tiep_nhan;
	l->doc.channel = l->d->meta.kenh;
	l->doc.n_pages = (int)l->d->n_pages;
	l->doc.pages = l->pages;
	l->doc.fields = l->irows;
out:
	hoso_buf_free(&dir);
	hoso_buf_free(&xml);
	return r;
}

/* Index one dossier inside the caller's transaction. HOSO_ENO: gone, dropped. */
static int
put_one(struct hoso_index *ix, const char *code, struct hoso_err *err)
{
	struct loaded l;
	int r = load(ix, code, &l, err);

	if (r == 0)
		r = ix->ops->put(ix->db, &l.doc, err);
	else if (r == HOSO_ENO && (r = ix->ops->remove(ix->db, code, err)) == 0)
		r = HOSO_ENO;
	loaded_free(&l);
	return r;
}

int
hoso_index_dossier(struct hoso_index *ix, const char *code, struct hoso_err *err)
{
	int r;

	if (ix->store == NULL)
		return hoso_err_set(err, HOSO_EUSAGE, _("no store to index"));
	if ((r = ix->ops->begin(ix->db, err)) != 0)
		return r;
	r = put_one(ix, code, err);
	if (r == 0 || r == HOSO_ENO)
		return ix->ops->commit(ix->db, err);
	ix->ops->rollback(ix->db);
	return r;
}

/* The store directory's mtime: it changes when a dossier is added or removed. */
static int
store_mtime(const char *store, char out[48], struct hoso_err *err)
{
	struct stat sb;

	if (stat(store, &sb) != 0)
		return hoso_err_sys(err, errno, "%s", store);
	snprintf(out, 48, "%lld.%09ld", (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec);
	return 0;
}

struct stamps {
	char **code, **stamp;
	size_t n, cap;
};

static int
add_stamp(void *ctx, const char *code, const char *stamp, struct hoso_err *err)
{
	struct stamps *s = ctx;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		char **c = realloc(s->code, cap * sizeof(*c));

		if (c == NULL)
			return oom(err);
		s->code = c;
		if ((c = realloc(s->stamp, cap * sizeof(*c))) == NULL)
			return oom(err);
		s->stamp = c;
		s->cap = cap;
	}
	s->code[s->n] = strdup(code);
	s->stamp[s->n] = strdup(stamp != NULL ? stamp : "");
	if (s->code[s->n] == NULL || s->stamp[s->n] == NULL) {
		free(s->code[s->n]);
		free(s->stamp[s->n]);
		return oom(err);
	}
	s->n++;
	return 0;
}

static void
stamps_free(struct stamps *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->code[i]);
		free(s->stamp[i]);
	}
	free(s->code);
	free(s->stamp);
}

/* Commit every SYNC_BATCH changes, so a long catch-up does not hold writers out. */
static int
batch_step(struct hoso_index *ix, size_t *in_tx, struct hoso_err *err)
{
	int r;

	if (++*in_tx < SYNC_BATCH)
		return 0;
	*in_tx = 0;
	if ((r = ix->ops->commit(ix->db, err)) != 0)
		return r;
	return ix->ops->begin(ix->db, err);
}

static int
sync_all(struct hoso_index *ix, bool full, struct hoso_index_sync *st, struct hoso_err *err)
{
	struct stamps have = { 0 };
	char **codes = NULL, mtime[48], stamp[96];
	struct hoso_buf xml = HOSO_BUF_INIT(0);
	size_t n = 0, i = 0, j = 0, in_tx = 0;
	int r, c;

	if ((r = store_mtime(ix->store, mtime, err)) != 0 ||
	    (r = hoso_store_list(ix->store, &codes, &n, err)) != 0)
		return r;
	st->dossiers = n;
	if ((r = ix->ops->begin(ix->db, err)) != 0)
		goto out;
	if (full)
		r = ix->ops->clear(ix->db, err);
	else
		r = ix->ops->stamps(ix->db, add_stamp, &have, err);
	/* Both lists are in bytewise code order: walk them side by side. */
	while (r == 0 && (i < n || j < have.n)) {
		c = i == n ? 1 : j == have.n ? -1 : strcmp(codes[i], have.code[j]);
		if (c > 0) {
			if ((r = ix->ops->remove(ix->db, have.code[j], err)) == 0)
				st->removed++;
			j++;
		} else {
			bool same = false;

			hoso_buf_reset(&xml);
			if (c == 0 && (r = hoso_buf_addf(&xml, err, "%s/%s/dossier.xml", ix->store,
			    codes[i])) == 0)
				same = stamp_of(hoso_buf_str(&xml), stamp) == 0 &&
				    strcmp(stamp, have.stamp[j]) == 0;
			if (r == 0 && !same) {
				struct hoso_err e;

				hoso_err_clear(&e);
				r = put_one(ix, codes[i], &e);
				if (r == 0) {
					st->indexed++;
				} else if (r == HOSO_ENO) {
					r = 0;
				} else if (e.code == HOSO_EINPUT) {
					/* A damaged dossier: said, skipped, the rest goes on. */
					hoso_log(ix->log, 0, "%s", e.msg);
					st->unreadable++;
					r = 0;
				} else {
					*err = e;
				}
			}
			i++;
			j += c == 0;
		}
		if (r == 0)
			r = batch_step(ix, &in_tx, err);
	}
	if (r == 0)
		r = ix->ops->meta_set(ix->db, "store_mtime", mtime, err);
	if (r == 0)
		r = ix->ops->commit(ix->db, err);
	else
		ix->ops->rollback(ix->db);
out:
	hoso_store_codes_free(codes, n);
	stamps_free(&have);
	hoso_buf_free(&xml);
	return r;
}

int
hoso_index_refresh(struct hoso_index *ix, bool full, struct hoso_index_sync *st,
    struct hoso_err *err)
{
	struct hoso_buf marker = HOSO_BUF_INIT(0), seen = HOSO_BUF_INIT(64);
	char now[48];
	bool found = false, stale;
	int r = 0;

	memset(st, 0, sizeof(*st));
	if (ix->store == NULL)		/* a shared database searched from afar */
		goto out;
	if ((r = hoso_file_join(&marker, ix->store, HOSO_INDEX_STALE, err)) != 0)
		goto out;
	stale = access(hoso_buf_str(&marker), F_OK) == 0;
	/* Taken away before looking, so a writer failing meanwhile leaves a new one. */
	if (stale && unlink(hoso_buf_str(&marker)) != 0 && errno != ENOENT) {
		r = hoso_err_sys(err, errno, "%s", hoso_buf_str(&marker));
		goto out;
	}
	if (!full && !stale && !ix->fresh) {
		if ((r = store_mtime(ix->store, now, err)) != 0 ||
		    (r = ix->ops->meta_get(ix->db, "store_mtime", &seen, &found, err)) != 0)
			goto out;
		if (found && strcmp(hoso_buf_str(&seen), now) == 0)
			goto out;
	}
	if (stale)
		hoso_log(ix->log, 1, _("%s: a writer could not update the index: catching up"),
		    ix->store);
	r = sync_all(ix, full, st, err);
	if (r == 0) {
		st->done = true;
		ix->fresh = false;
	}
out:
	hoso_buf_free(&marker);
	hoso_buf_free(&seen);
	return r;
}

/* ---- writers ---------------------------------------------------------- */

void
hoso_index_writer_init(struct hoso_index_writer *w, const char *store,
    const struct hoso_template_set *templates, bool defer, const struct hoso_log *log)
{
	memset(w, 0, sizeof(*w));
	w->store = store;
	w->templates = templates;
	w->defer = defer;
	w->log = log;
}

/* Leave the mark that makes the next lookup catch up; false when it could not. */
static bool
mark_stale(const char *store, struct hoso_err *err)
{
	struct hoso_buf marker = HOSO_BUF_INIT(0);
	bool ok = hoso_file_join(&marker, store, HOSO_INDEX_STALE, err) == 0 &&
	    hoso_file_write_atomic(hoso_buf_str(&marker), "", 0, err) == 0;

	hoso_buf_free(&marker);
	return ok;
}

static void
writer_fail(struct hoso_index_writer *w, const struct hoso_err *e)
{
	struct hoso_err ignore;

	w->failed = true;
	hoso_index_close(w->ix);
	w->ix = NULL;
	(void)mark_stale(w->store, &ignore);
	hoso_log(w->log, 0, _("%s (the search index will catch up at the next lookup)"), e->msg);
}

void
hoso_index_writer_dossier(struct hoso_index_writer *w, const char *code)
{
	struct hoso_index_opts o = { w->store, NULL, w->templates, NULL };
	struct hoso_err e;

	if (w->failed || w->store == NULL)
		return;
	hoso_err_clear(&e);
	if (w->defer) {
		if (!w->tried && !mark_stale(w->store, &e))
			writer_fail(w, &e);
		w->tried = true;
		return;
	}
	if (!w->tried) {
		w->tried = true;
		if (hoso_index_open(&o, &w->ix, &e) != 0) {
			writer_fail(w, &e);
			return;
		}
	}
	if (hoso_index_dossier(w->ix, code, &e) != 0)
		writer_fail(w, &e);
}

void
hoso_index_writer_close(struct hoso_index_writer *w)
{
	hoso_index_close(w->ix);
	w->ix = NULL;
}

/* ---- searching -------------------------------------------------------- */

/* The words of a text with their places, for ranking and snippets. */
struct twords {
	struct tword {
		size_t a, b;
		char *fold, *lower;
	} *w;
	size_t n, cap;
};

static void
twords_free(struct twords *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->w[i].fold);
		free(t->w[i].lower);
	}
	free(t->w);
	memset(t, 0, sizeof(*t));
}

static int
twords_of(const char *s, struct twords *t, struct hoso_err *err)
{
	struct hoso_buf f = HOSO_BUF_INIT(0), l = HOSO_BUF_INIT(0);
	size_t pos = 0, a, b, len = strlen(s);
	int r;

	memset(t, 0, sizeof(*t));
	while ((r = hoso_utf8_word(s, len, &pos, &a, &b, &f, &l, err)) > 0) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 64;
			struct tword *nw = realloc(t->w, cap * sizeof(*nw));

			if (nw == NULL) {
				r = oom(err);
				break;
			}
			t->w = nw;
			t->cap = cap;
		}
		t->w[t->n].a = a;
		t->w[t->n].b = b;
		t->w[t->n].fold = strdup(hoso_buf_str(&f));
		t->w[t->n].lower = strdup(hoso_buf_str(&l));
		t->n++;
		if (t->w[t->n - 1].fold == NULL || t->w[t->n - 1].lower == NULL) {
			r = oom(err);
			break;
		}
	}
	hoso_buf_free(&f);
	hoso_buf_free(&l);
	if (r < 0)
		twords_free(t);
	return r < 0 ? r : 0;
}

/* A word typed with diacritics: they count for the order ("Hà" before "Hạ"). */
static bool
marked(const struct tword *w)
{
	return strcmp(w->fold, w->lower) != 0;
}

/* The words of a name or phrase typed: what is matched (fold) and what ranks (lower). */
static int
query_words(const char *s, struct twords *q, struct hoso_err *err)
{
	size_t len = strlen(s);
	int r;

	memset(q, 0, sizeof(*q));
	if (len > QUERY_MAX)
		return hoso_err_set(err, HOSO_EUSAGE, _("the query is longer than %u bytes"),
		    (unsigned)QUERY_MAX);
	if (!hoso_utf8_valid(s, len))
		return hoso_err_set(err, HOSO_EUSAGE, _("the query is not UTF-8 text"));
	if ((r = twords_of(s, q, err)) != 0)
		return r;
	if (q->n > 64) {
		twords_free(q);
		return hoso_err_set(err, HOSO_EUSAGE, _("the query has more than 64 words"));
	}
	return 0;
}

/* Words too common to search for on their own (a phrase of only these is refused). */
static bool
stop_word(const struct tword *w)
{
	static const char *const with_marks[] = {
		"và", "của", "là", "các", "những", "có", "được", "cho", "với", "trong", "này",
		"đó", "thì", "mà", "ở", "tại", "theo", "về", "từ", "một", "ra", "vào", "đã",
		"sẽ", "đang", "cũng", "như", "khi", "không", "để", "bị", "hay", "hoặc",
	};
	static const char *const plain[] = {
		"va", "cua", "la", "cac", "nhung", "co", "duoc", "cho", "voi", "trong", "nay",
		"do", "thi", "ma", "o", "tai", "theo", "ve", "tu", "mot", "ra", "vao", "da", "se",
		"dang", "cung", "nhu", "khi", "khong", "de", "bi", "hay", "hoac",
		"the", "a", "an", "and", "of", "or", "to", "in",
	};
	size_t k;

	if (marked(w)) {
		for (k = 0; k < sizeof(with_marks) / sizeof(with_marks[0]); k++)
			if (strcmp(w->lower, with_marks[k]) == 0)
				return true;
		return false;
	}
	for (k = 0; k < sizeof(plain) / sizeof(plain[0]); k++)
		if (strcmp(w->fold, plain[k]) == 0)
			return true;
	return false;
}

/*
 * Where the query's words stand in a text, as a phrase: the start of the
 * occurrence whose typed diacritics agree most (*agree), or -1.
 */
static long
best_phrase(const struct twords *t, const struct twords *q, int *agree)
{
	long best = -1;
	size_t i, k;

	*agree = -1;
	if (q->n == 0 || t->n < q->n)
		return -1;
	for (i = 0; i + q->n <= t->n; i++) {
		int a = 0;

		for (k = 0; k < q->n; k++) {
			if (strcmp(t->w[i + k].fold, q->w[k].fold) != 0)
				break;
			a += marked(&q->w[k]) && strcmp(t->w[i + k].lower, q->w[k].lower) == 0;
		}
		if (k == q->n && a > *agree) {
			*agree = a;
			best = (long)i;
		}
	}
	return best;
}

/*
 * A name's score: every word typed is there (the database saw to it); the
 * same words in the same order count, the whole name exactly more, and each
 * word whose typed diacritics agree ("Hà" for Hà, not Hạ) more again.
 */
static long
name_score(const char *value, const struct twords *q, struct hoso_err *err)
{
	struct twords t;
	long score = 0;
	size_t k, i;
	int agree;

	if (twords_of(value, &t, err) != 0)
		return -1;
	if (best_phrase(&t, q, &agree) >= 0) {
		score += 20 + 3 * agree;
		if (t.n == q->n)
			score += 40;
	} else {
		for (k = 0; k < q->n; k++) {
			if (!marked(&q->w[k]))
				continue;
			for (i = 0; i < t.n; i++)
				if (strcmp(t.w[i].lower, q->w[k].lower) == 0) {
					score += 3;
					break;
				}
		}
	}
	twords_free(&t);
	return score;
}

/* Up to SNIP_WORDS words either side of the phrase, white space made single, the match in [ ]. */
#define SNIP_WORDS 8

static int
add_spaced(struct hoso_buf *out, const char *s, size_t n, struct hoso_err *err)
{
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			if (out->len > 0 && out->data[out->len - 1] != ' ')
				r = hoso_buf_addc(out, ' ', err);
		} else if (c < 0x20 || c == 0x7f) {
			continue;
		} else {
			r = hoso_buf_addc(out, (char)c, err);
		}
	}
	return r;
}

static int
snippet(const char *text, const struct twords *t, size_t at, size_t len, char **out,
    struct hoso_err *err)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	size_t first = at > SNIP_WORDS ? at - SNIP_WORDS : 0;
	size_t last = at + len + SNIP_WORDS < t->n ? at + len + SNIP_WORDS : t->n;
	int r = 0;

	if (first > 0)
		r = hoso_buf_adds(&b, "… ", err);
	if (r == 0)
		r = add_spaced(&b, text + t->w[first].a, t->w[at].a - t->w[first].a, err);
	if (r == 0)
		r = hoso_buf_addc(&b, '[', err);
	if (r == 0)
		r = add_spaced(&b, text + t->w[at].a, t->w[at + len - 1].b - t->w[at].a, err);
	if (r == 0)
		r = hoso_buf_addc(&b, ']', err);
	if (r == 0)
		r = add_spaced(&b, text + t->w[at + len - 1].b,
		    t->w[last - 1].b - t->w[at + len - 1].b, err);
	if (r == 0 && last < t->n)
		r = hoso_buf_adds(&b, " …", err);
	if (r == 0)
		*out = hoso_buf_detach(&b, NULL);
	hoso_buf_free(&b);
	return r;
}

/* The hits gathered so far, and which the current criterion found again. */
struct gather {
	struct hoso_index_result *res;
	struct hoso_index *ix;
	const struct twords *q;
	enum hoso_idb_kind kind;
	bool first;			/* the first criterion: rows make hits */
	bool *seen;			/* per hit: found by the current criterion */
	long *best;			/* per hit: its best row's score in the current criterion */
	size_t cap;
};

static void
hit_free(struct hoso_index_hit *h)
{
	size_t i;

	free(h->code);
	free(h->title);
	free(h->unit);
	free(h->received);
	free(h->channel);
	free(h->match_pages);
	for (i = 0; i < h->n_values; i++) {
		free(h->values[i].form);
		free(h->values[i].name);
		free(h->values[i].value);
	}
	free(h->values);
	free(h->snippet);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static struct hoso_index_hit *
find_hit(struct gather *g, const char *code, size_t *at)
{
	size_t i;

	for (i = 0; i < g->res->n_hits; i++)
		if (strcmp(g->res->hits[i].code, code) == 0) {
			*at = i;
			return &g->res->hits[i];
		}
	return NULL;
}

static int
new_hit(struct gather *g, const struct hoso_idb_row *row, size_t *at, struct hoso_err *err)
{
	struct hoso_index_hit *h;

	if (g->res->n_hits == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		struct hoso_index_hit *nh = realloc(g->res->hits, cap * sizeof(*nh));
		bool *ns;
		long *nb;

		if (nh == NULL)
			return oom(err);
		g->res->hits = nh;
		if ((ns = realloc(g->seen, cap * sizeof(*ns))) == NULL)
			return oom(err);
		g->seen = ns;
		if ((nb = realloc(g->best, cap * sizeof(*nb))) == NULL)
			return oom(err);
		g->best = nb;
		g->cap = cap;
	}
	h = &g->res->hits[g->res->n_hits];
	memset(h, 0, sizeof(*h));
	g->seen[g->res->n_hits] = false;
	g->best[g->res->n_hits] = 0;
	h->order = (long)g->res->n_hits;
	*at = g->res->n_hits++;
	h->code = strdup(row->code);
	h->title = dup_or_null(row->title);
	h->unit = dup_or_null(row->unit);
	h->received = dup_or_null(row->received);
	h->channel = dup_or_null(row->channel);
	h->pages = row->pages;
	if (h->code == NULL || (row->title != NULL && h->title == NULL) ||
	    (row->unit != NULL && h->unit == NULL) || (row->received != NULL && h->received == NULL) ||
	    (row->channel != NULL && h->channel == NULL))
		return oom(err);
	return 0;
}

static int
add_page(struct hoso_index_hit *h, int page, struct hoso_err *err)
{
	size_t i;
	int *np;

	if (page <= 0)
		return 0;
	for (i = 0; i < h->n_match_pages; i++)
		if (h->match_pages[i] == page)
			return 0;
	if ((np = realloc(h->match_pages, (h->n_match_pages + 1) * sizeof(*np))) == NULL)
		return oom(err);
	h->match_pages = np;
	for (i = h->n_match_pages; i > 0 && np[i - 1] > page; i--)
		np[i] = np[i - 1];
	np[i] = page;
	h->n_match_pages++;
	return 0;
}

static int
add_value(struct hoso_index_hit *h, const struct hoso_idb_row *row, struct hoso_err *err)
{
	struct hoso_index_value *nv, *v;

	if (h->n_values == 16)		/* enough to show why it matched */
		return 0;
	if ((nv = realloc(h->values, (h->n_values + 1) * sizeof(*nv))) == NULL)
		return oom(err);
	h->values = nv;
	v = &nv[h->n_values++];
	v->page = row->page;
	v->review = row->review;
	v->form = dup_or_null(row->form);
	v->name = dup_or_null(row->name);
	v->value = dup_or_null(row->value);
	if (v->form == NULL || v->name == NULL || v->value == NULL)
		return oom(err);
	return 0;
}

static int
on_row(void *ctx, const struct hoso_idb_row *row, struct hoso_err *err)
{
	struct gather *g = ctx;
	struct hoso_index_hit *h;
	long score = 0;
	size_t at = 0;
	int r;

	if ((h = find_hit(g, row->code, &at)) == NULL) {
		if (!g->first)
			return 0;
		if ((r = new_hit(g, row, &at, err)) != 0)
			return r;
		h = &g->res->hits[at];
	}
	g->seen[at] = true;
	if ((r = add_page(h, row->page, err)) != 0)
		return r;
	if (row->value != NULL && (r = add_value(h, row, err)) != 0)
		return r;
	if (g->kind == HOSO_IDB_NAME) {
		if ((score = name_score(row->value, g->q, err)) < 0)
			return err->code;
	} else if (g->kind == HOSO_IDB_TEXT && row->text != NULL) {
		struct twords t;
		long w;
		int agree;

		if ((r = twords_of(row->text, &t, err)) != 0)
			return r;
		if ((w = best_phrase(&t, g->q, &agree)) >= 0) {
			score = 3L * agree;
			if (h->snippet == NULL) {
				r = snippet(row->text, &t, (size_t)w, g->q->n, &h->snippet, err);
				h->snippet_page = row->page;
			}
		}
		twords_free(&t);
		if (r != 0)
			return r;
	}
	if (score > g->best[at])
		g->best[at] = score;
	return 0;
}

static int
run(struct hoso_index *ix, struct gather *g, struct hoso_idb_query *iq, enum hoso_idb_kind kind,
    const struct twords *q, struct hoso_err *err)
{
	const char *words[64];
	size_t i, kept;
	int r;

	iq->kind = kind;
	g->kind = kind;
	g->q = q;
	for (i = 0; q != NULL && i < q->n; i++)
		words[i] = q->w[i].fold;
	iq->words = words;
	iq->n_words = q != NULL ? q->n : 0;
	for (i = 0; i < g->res->n_hits; i++) {
		g->seen[i] = false;
		g->best[i] = 0;
	}
	if ((r = ix->ops->search(ix->db, iq, on_row, g, err)) != 0)
		return r;
	/* Every criterion must hold: keep the hits this one found too; each adds its best row. */
	for (i = kept = 0; i < g->res->n_hits; i++) {
		if (!g->seen[i]) {
			hit_free(&g->res->hits[i]);
			continue;
		}
		g->res->hits[i].score += g->best[i];
		g->res->hits[kept] = g->res->hits[i];
		kept++;
	}
	g->res->n_hits = kept;
	g->first = false;
	return 0;
}

static int
by_rank(const void *a, const void *b)
{
	const struct hoso_index_hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* An identity number as typed: digits, with spaces, dots or dashes between groups. */
static int
clean_id(const char *s, char out[16], struct hoso_err *err)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n == 12)
				break;
			out[n++] = *s;
		} else if (*s != ' ' && *s != '.' && *s != '-') {
			break;
		}
	}
	out[n] = '\0';
	if (*s != '\0' || (n != 9 && n != 12))
		return hoso_err_set(err, HOSO_EUSAGE,
		    _("an identity number is 12 digits (CCCD) or 9 (CMND)"));
	return 0;
}

int
hoso_index_search(struct hoso_index *ix, const struct hoso_index_query *q,
    struct hoso_index_result *res, struct hoso_err *err)
{
	struct twords name = { 0 }, text = { 0 };
	struct hoso_idb_query iq;
	struct gather g;
	char id[16];
	size_t i, limit = q->limit > 0 ? q->limit : 20;
	bool stop = true;
	int r = 0;

	memset(res, 0, sizeof(*res));
	memset(&g, 0, sizeof(g));
	memset(&iq, 0, sizeof(iq));
	g.res = res;
	g.ix = ix;
	g.first = true;
	if (q->id == NULL && q->name == NULL && q->text == NULL && q->form == NULL &&
	    q->unit == NULL && q->from == NULL && q->to == NULL)
		return hoso_err_set(err, HOSO_EUSAGE, _("nothing to search for"));
	if ((q->from != NULL && !hoso_date_parse_ymd(q->from, NULL)) ||
	    (q->to != NULL && !hoso_date_parse_ymd(q->to, NULL)))
		return hoso_err_set(err, HOSO_EUSAGE, _("a date is written YYYY-MM-DD"));
	if (q->id != NULL && (r = clean_id(q->id, id, err)) != 0)
		return r;
	if (q->name != NULL) {
		if ((r = query_words(q->name, &name, err)) != 0)
			goto out;
		if (name.n == 0) {
			r = hoso_err_set(err, HOSO_EUSAGE, _("the name has no letters"));
			goto out;
		}
	}
	if (q->text != NULL) {
		if ((r = query_words(q->text, &text, err)) != 0)
			goto out;
		for (i = 0; i < text.n; i++)
			stop = stop && stop_word(&text.w[i]);
		if (text.n == 0 || stop) {
			r = hoso_err_set(err, HOSO_EUSAGE, text.n == 0 ? _("the phrase has no words") :
			    _("the phrase has only common words: add a word that tells pages apart"));
			goto out;
		}
	}
	iq.form = q->form;
	iq.unit = q->unit;
	iq.from = q->from;
	iq.to = q->to;
	/* The most selective criterion first: it makes the hits, the others keep them. */
	if (q->id != NULL) {
		iq.id = id;
		iq.cap = 1000;
		r = run(ix, &g, &iq, HOSO_IDB_ID, NULL, err);
	}
	if (r == 0 && q->name != NULL) {
		iq.cap = 2000;
		r = run(ix, &g, &iq, HOSO_IDB_NAME, &name, err);
	}
	if (r == 0 && q->text != NULL && (g.first || res->n_hits > 0)) {
		iq.cap = limit * 10 > 200 ? limit * 10 : 200;
		r = run(ix, &g, &iq, HOSO_IDB_TEXT, &text, err);
	}
	if (r == 0 && g.first) {
		iq.cap = limit + 1;
		r = run(ix, &g, &iq, HOSO_IDB_FILTER, NULL, err);
	}
	if (r != 0)
		goto out;
	/* Rank; the database's order (newest first, or best text match) breaks ties. */
	hoso_sort(res->hits, res->n_hits, sizeof(*res->hits), by_rank);
	if (res->n_hits > limit) {
		for (i = limit; i < res->n_hits; i++)
			hit_free(&res->hits[i]);
		res->n_hits = limit;
		res->more = true;
	}
out:
	free(g.seen);
	free(g.best);
	twords_free(&name);
	twords_free(&text);
	if (r != 0)
		hoso_index_result_free(res);
	return r;
}

void
hoso_index_result_free(struct hoso_index_result *res)
{
	size_t i;

	for (i = 0; i < res->n_hits; i++)
		hit_free(&res->hits[i]);
	free(res->hits);
	memset(res, 0, sizeof(*res));
}
