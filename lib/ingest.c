/*
 * ingest.c - the scan-ingest operation: a producer (the caller's thread) walks
 * the inputs and queues pages, worker threads decode, find separator sheets
 * and normalize, and the producer commits finished pages to the store strictly
 * in input order. So the store is the same whatever -j is, and memory is
 * bounded by the queue (2 x jobs + 2 pages), not by the batch.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "digest.h"
#include "i18n.h"
#include "img.h"
#include "ingest.h"
#include "index.h"
#include "input.h"
#include "pdf.h"
#include "qr.h"
#include "tiff.h"
#include "utf8.h"
#include "xml.h"

enum job_state { JOB_QUEUED, JOB_TAKEN, JOB_DONE };

struct job {
	enum job_state state;
	char *label;			/* file or member label */
	int source_page;		/* 1-based in a multipage TIFF, else 0 */
	struct hoso_buf data;		/* the original page bytes */
	/* results */
	struct hoso_err err;		/* err.code != 0: rejected */
	char sha256[HOSO_SHA256_HEX];
	const char *ext;
	char *separator;		/* dossier code of a separator sheet */
	bool bad_separator;		/* a HOSO: sheet whose code is unusable */
	struct hoso_buf norm;		/* normalized page, TIFF */
	struct hoso_norm_result res;
};

struct batch {
	const struct hoso_ingest_opts *opts;
	struct hoso_ingest_summary *sum;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job *ring;
	size_t cap;
	size_t head;			/* next sequence number to commit */
	size_t next;			/* next sequence number a worker takes */
	size_t tail;			/* next sequence number to queue */
	bool closing;
	/* producer-side state (no lock needed) */
	const char *cur_code;		/* the dossier the next page goes to */
	struct hoso_dossier *cur;	/* that dossier once opened (on its first page) */
	size_t cur_index;		/* its entry in sum->dossiers */
	char *sep_code;			/* code of the last separator sheet */
	size_t files_done, files_total, pages_seen;
	struct hoso_index_writer index;	/* the search index, told of each dossier written */
	struct hoso_err fatal;
};

static void
job_clear(struct job *j)
{
	free(j->label);
	free(j->separator);
	hoso_buf_free(&j->data);
	hoso_buf_free(&j->norm);
	memset(j, 0, sizeof(*j));
}

/* ---- workers ---- */

/* A separator sheet is a page whose QR code says HOSO:<code>. */
static int
find_separator(const struct hoso_img *img, struct job *j)
{
	struct hoso_buf texts = HOSO_BUF_INIT(1 << 20);
	unsigned char *grey = NULL;
	const char *t;
	int w, h, n = 0, i, r;

	/*
	 * Every page of a split batch is searched for a code, so this is on the
	 * hot path: a page of 1600 px or more a side (about 190 dpi on A4) is
	 * searched at half size, a quarter of the pixels. Separator sheets' codes
	 * are 6 cm wide, a module 2.4 mm: still 14 px at 300 dpi halved.
	 */
	if (hoso_img_width(img) >= 1600 && hoso_img_height(img) >= 1600)
		r = hoso_img_grey8_half(img, &grey, &w, &h, &j->err);
	else
		r = hoso_img_grey8(img, &grey, &w, &h, &j->err);
	if (r != 0 ||
	    (r = hoso_qr_decode(grey, w, h, &texts, &n, &j->err)) != 0)
		goto out;
	for (i = 0, t = hoso_buf_str(&texts); i < n; i++, t += strlen(t) + 1) {
		if (strncmp(t, HOSO_SEPARATOR_PREFIX, strlen(HOSO_SEPARATOR_PREFIX)) != 0)
			continue;
		t += strlen(HOSO_SEPARATOR_PREFIX);
		if (!hoso_store_code_ok(t)) {
			j->bad_separator = true;
			r = hoso_err_set(&j->err, HOSO_EINPUT, _("separator sheet with an unusable "
			    "dossier code; the pages after it are rejected until the next sheet"));
			goto out;
		}
		if ((j->separator = strdup(t)) == NULL)
			r = hoso_err_set(&j->err, HOSO_EIO, _("out of memory"));
		goto out;
	}
out:
	free(grey);
	hoso_buf_free(&texts);
	return r;
}

static void
process(const struct hoso_ingest_opts *o, struct job *j)
{
	struct hoso_img_info info;
	struct hoso_img *img = NULL, *norm = NULL;
	struct hoso_norm_opts no = { o->default_dpi, o->deskew ? 10.0 : 0.0, o->orient, true };

	if (j->err.code != 0)
		return;
	if (hoso_digest_sha256_hex(j->data.data, j->data.len, j->sha256, &j->err) != 0 ||
	    hoso_img_probe(j->data.data, j->data.len, j->label, o->max_pixels, &info, &j->err) != 0 ||
	    hoso_img_decode(j->data.data, j->data.len, j->label, o->max_pixels, &img, &j->err) != 0)
		goto out;
	j->ext = info.ext;
	if (o->split && (find_separator(img, j) != 0 || j->separator != NULL))
		goto out;
	if (hoso_img_normalize(img, &no, &norm, &j->res, &j->err) != 0)
		goto out;
	hoso_img_encode_tiff(norm, &j->norm, &j->err);
out:
	hoso_img_free(img);
	hoso_img_free(norm);
}

static void *
worker(void *arg)
{
	struct batch *b = arg;
	struct job *j;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (b->next == b->tail && !b->closing)
			pthread_cond_wait(&b->work, &b->mu);
		if (b->next == b->tail)
			break;
		j = &b->ring[b->next++ % b->cap];
		j->state = JOB_TAKEN;
		pthread_mutex_unlock(&b->mu);
		process(b->opts, j);
		pthread_mutex_lock(&b->mu);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&b->done);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* ---- committing, in input order, on the producer's thread ---- */

/*
 * Record a rejected input. Its message is made to start with the input's
 * label (and page), whatever part of the library filled it.
 */
static int
reject(struct batch *b, const char *label, int page, const struct hoso_err *why)
{
	struct hoso_ingest_summary *s = b->sum;
	struct hoso_ingest_reject *nr;
	struct hoso_buf l = HOSO_BUF_INIT(0), m = HOSO_BUF_INIT(0);
	size_t n = strlen(label);
	int r;

	if ((nr = realloc(s->rejects, (s->n_rejects + 1) * sizeof(*nr))) == NULL)
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	s->rejects = nr;
	if (page > 0)
		r = hoso_buf_addf(&l, &b->fatal, _("%s: page %d"), label, page);
	else
		r = hoso_buf_adds(&l, label, &b->fatal);
	if (r != 0)
		goto out;
	if (strncmp(why->msg, l.data, l.len) == 0)
		r = hoso_buf_adds(&m, why->msg, &b->fatal);
	else if (strncmp(why->msg, label, n) == 0 && why->msg[n] == ':')
		r = hoso_buf_addf(&m, &b->fatal, "%s%s", l.data, why->msg + n);
	else
		r = hoso_buf_addf(&m, &b->fatal, "%s: %s", l.data, why->msg);
	if (r != 0)
		goto out;
	nr[s->n_rejects].label = hoso_buf_detach(&l, NULL);
	nr[s->n_rejects].why.code = why->code;
	snprintf(nr[s->n_rejects].why.msg, sizeof(nr->why.msg), "%s", m.data);
	s->n_rejects++;
	hoso_log(b->opts->log, HOSO_LOG_INFO, _("rejected: %s"), m.data);
out:
	hoso_buf_free(&l);
	hoso_buf_free(&m);
	return r;
}

static int
defaults_for(struct batch *b, struct hoso_dossier *d)
{
	const struct hoso_ingest_opts *o = b->opts;
	struct hoso_dossier_meta m = { 0 };
	struct hoso_buf unit = HOSO_BUF_INIT(0);
	char date[11];
	int r;

	if ((r = hoso_store_set_meta(d, &o->meta, true, &b->fatal)) != 0)
		goto out;
	if (hoso_store_code_parts(d->code, &unit, date)) {
		m.ma_don_vi = unit.data;
		m.ngay_tiep_nhan = date;
	} else {
		m.ngay_tiep_nhan = (char *)o->today;
	}
	m.kenh = (char *)"truc_tiep";
	m.thoi_han_bao_quan = (char *)"Vĩnh viễn";
	m.ngon_ngu = (char *)"vi";
	r = hoso_store_set_meta(d, &m, false, &b->fatal);
out:
	hoso_buf_free(&unit);
	return r;
}

/*
 * Make code the current dossier, opening (and creating) it. Only one dossier
 * is open at a time, so a batch of thousands of dossiers holds one lock
 * file and one page list. The code was checked before (a separator's in
 * the worker, --dossier up front), so a failure here is the store's:
 * unwritable, not a directory, a damaged dossier.xml. That stops the batch
 * (exit 4) rather than turning every later page into a "bad input".
 */
/* Done with the current dossier: the search index learns what it holds now. */
static int
leave_dossier(struct batch *b)
{
	int r = 0;

	if (b->cur != NULL) {
		/* The pages still unlisted (hoso_store_defer) first: then they exist. */
		if ((r = hoso_store_flush(b->cur, 0, &b->fatal)) == 0)
			hoso_index_writer_dossier(&b->index, b->cur->code);
	}
	hoso_store_close(b->cur);
	b->cur = NULL;
	return r;
}

static int
switch_to(struct batch *b, const char *code)
{
	struct hoso_ingest_summary *s = b->sum;
	struct hoso_ingest_dossier *nd;
	struct hoso_err e;
	size_t i;
	int r;

	if ((r = leave_dossier(b)) != 0)
		return r;
	hoso_err_clear(&e);
	if ((r = hoso_store_open(b->opts->store, code, true, &b->cur, &e)) != 0 ||
	    (r = defaults_for(b, b->cur)) != 0) {
		if (e.code != 0)
			b->fatal = e;
		if (b->fatal.code == HOSO_EINPUT)
			b->fatal.code = HOSO_EIO;
		hoso_store_close(b->cur);
		b->cur = NULL;
		return b->fatal.code;
	}
	/* A batch lists its pages in dossier.xml now and then, not one by one (linear cost). */
	hoso_store_defer(b->cur, true);
	for (i = 0; i < s->n_dossiers; i++) {
		if (strcmp(s->dossiers[i].code, code) == 0) {
			b->cur_index = i;
			return 0;
		}
	}
	if ((nd = realloc(s->dossiers, (s->n_dossiers + 1) * sizeof(*nd))) == NULL)
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	s->dossiers = nd;
	memset(&nd[s->n_dossiers], 0, sizeof(*nd));
	if ((nd[s->n_dossiers].code = strdup(code)) == NULL)
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	b->cur_index = s->n_dossiers++;
	return 0;
}

static int
commit(struct batch *b, struct job *j)
{
	const struct hoso_ingest_opts *o = b->opts;
	struct hoso_ingest_summary *s = b->sum;
	struct hoso_ingest_dossier *sd;
	struct hoso_page p;
	struct hoso_err e;
	bool added;
	int r;

	b->pages_seen++;
	if (j->err.code != 0) {
		if (j->err.code != HOSO_EINPUT && j->err.code != HOSO_EENGINE) {
			b->fatal = j->err;
			return j->err.code;
		}
		/* After a sheet we cannot read, pages until the next one have no dossier. */
		if (j->bad_separator)
			b->cur_code = NULL;
		return reject(b, j->label, j->source_page, &j->err);
	}
	if (j->separator != NULL) {
		s->separators++;
		hoso_log(o->log, HOSO_LOG_INFO, _("%s: separator sheet for dossier %s"), j->label,
		    j->separator);
		/* Opened on its first page, so a separator alone leaves no trace. */
		free(b->sep_code);
		b->sep_code = j->separator;
		j->separator = NULL;
		b->cur_code = b->sep_code;
		return 0;
	}
	if (b->cur_code == NULL) {
		hoso_err_set(&e, HOSO_EINPUT, o->split ?
		    _("page before the first separator sheet, and no --dossier given") :
		    _("no dossier to put the page in"));
		return reject(b, j->label, j->source_page, &e);
	}
	if (j->res.blank && o->drop_blank) {
		s->blank++;
		s->dropped_blank++;
		hoso_log(o->log, HOSO_LOG_INFO, _("%s: blank page dropped"), j->label);
		return 0;
	}
	if ((b->cur == NULL || strcmp(b->cur->code, b->cur_code) != 0) &&
	    (r = switch_to(b, b->cur_code)) != 0)
		return r;
	memset(&p, 0, sizeof(p));
	p.source = j->label;
	p.source_page = j->source_page;
	memcpy(p.sha256, j->sha256, sizeof(p.sha256));
	p.size = j->data.len;
	p.width = j->res.width;
	p.height = j->res.height;
	p.dpi = j->res.dpi;
	snprintf(p.colour, sizeof(p.colour), "%s", j->res.colour ? j->res.colour : "");
	p.rotation = j->res.rotation;
	p.skew = j->res.skew;
	p.blank = j->res.blank;
	snprintf(p.ingested, sizeof(p.ingested), "%s", o->now ? o->now : "");
	hoso_err_clear(&e);
	r = hoso_store_add_page(b->cur, &p, j->ext, j->data.data, j->data.len, j->norm.data,
	    j->norm.len, &added, &e);
	if (r != 0) {
		b->fatal = e;
		return r;
	}
	sd = &s->dossiers[b->cur_index];
	sd->total_pages = b->cur->n_pages;
	if (!added) {
		sd->duplicates++;
		s->duplicates++;
		hoso_log(o->log, HOSO_LOG_INFO, _("%s: already in dossier %s, skipped"), j->label,
		    b->cur->code);
		return 0;
	}
	sd->added++;
	s->pages++;
	s->blank += p.blank;
	s->rotated += p.rotation != 0;
	s->deskewed += p.skew != 0.0;
	if (o->log != NULL && o->log->level >= HOSO_LOG_INFO) {
		char where[64] = "";

		if (j->source_page > 0)
			snprintf(where, sizeof(where), _(" page %d"), j->source_page);
		hoso_log(o->log, HOSO_LOG_INFO,
		    _("%s%s -> %s/%s (rotated %d, skew %.2f, %s%s)"), j->label, where,
		    b->cur->code, b->cur->pages[b->cur->n_pages - 1].file, p.rotation, p.skew,
		    p.colour, p.blank ? _(", blank") : "");
	}
	return 0;
}

static void
report_progress(struct batch *b, const char *label)
{
	struct hoso_ingest_progress p;

	if (b->opts->progress == NULL)
		return;
	p.files_done = b->files_done;
	p.files_total = b->files_total;
	p.pages = b->pages_seen;
	p.label = label;
	b->opts->progress(b->opts->progress_ctx, &p);
}

/* Commit every finished job at the head; with wait, block until the head is done. */
static int
drain(struct batch *b, bool wait_one)
{
	struct job *j;
	int r = 0;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		if (b->head == b->tail)
			break;
		j = &b->ring[b->head % b->cap];
		if (j->state != JOB_DONE) {
			if (!wait_one)
				break;
			/* Pages left unlisted a while are listed before a wait keeps others out. */
			if (b->cur != NULL && b->cur->unlisted > 0) {
				pthread_mutex_unlock(&b->mu);
				r = hoso_store_flush(b->cur, 0.5, &b->fatal);
				pthread_mutex_lock(&b->mu);
				if (r != 0)
					break;
				if (j->state == JOB_DONE)
					continue;
			}
			if (b->cur != NULL && b->cur->unlisted > 0) {
				/* Not longer than that: then they are listed and the lock let go. */
				struct timespec until;

				clock_gettime(CLOCK_REALTIME, &until);
				until.tv_nsec += 500 * 1000 * 1000;
				if (until.tv_nsec >= 1000 * 1000 * 1000) {
					until.tv_sec++;
					until.tv_nsec -= 1000 * 1000 * 1000;
				}
				pthread_cond_timedwait(&b->done, &b->mu, &until);
			} else {
				pthread_cond_wait(&b->done, &b->mu);
			}
			continue;
		}
		pthread_mutex_unlock(&b->mu);
		r = commit(b, j);
		report_progress(b, j->label);
		job_clear(j);
		pthread_mutex_lock(&b->mu);
		b->head++;
		wait_one = false;
		if (r != 0)
			break;
	}
	pthread_mutex_unlock(&b->mu);
	return r;
}

/* Queue one page; takes ownership of data. */
static int
enqueue(struct batch *b, const char *label, int source_page, struct hoso_buf *data,
    const struct hoso_err *preset)
{
	struct job *j;
	int r;

	while (b->tail - b->head >= b->cap)
		if ((r = drain(b, true)) != 0)
			return r;
	j = &b->ring[b->tail % b->cap];
	memset(j, 0, sizeof(*j));
	if ((j->label = strdup(label)) == NULL) {
		hoso_buf_free(data);
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	}
	j->source_page = source_page;
	j->data = *data;
	hoso_buf_init(data, 0);
	if (preset != NULL)
		j->err = *preset;
	j->state = JOB_QUEUED;
	pthread_mutex_lock(&b->mu);
	b->tail++;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->mu);
	return drain(b, false);
}

/*
 * Queue the pages of a multipage file one by one; page() takes page i
 * (0-based) out into a buffer. A page that cannot be taken out is
 * rejected in its turn, and the others go on.
 */
typedef int (*page_fn)(void *h, int i, size_t max_pixels, struct hoso_buf *out,
    struct hoso_err *err);

static int
queue_pages(struct batch *b, const struct hoso_input_item *it, void *h, int n, page_fn page)
{
	struct hoso_buf data = HOSO_BUF_INIT(0);
	struct hoso_err e;
	int i, r = 0;

	for (i = 0; i < n && r == 0; i++) {
		hoso_err_clear(&e);
		hoso_buf_reset(&data);
		if (page(h, i, b->opts->max_pixels, &data, &e) != 0) {
			hoso_buf_free(&data);
			r = enqueue(b, it->label, i + 1, &data, &e);
		} else {
			r = enqueue(b, it->label, i + 1, &data, NULL);
		}
	}
	hoso_buf_free(&data);
	return r;
}

static int
tiff_page(void *h, int i, size_t max_pixels, struct hoso_buf *out, struct hoso_err *err)
{
	(void)max_pixels;	/* checked on the page's own header by the worker */
	return hoso_tiff_extract(h, i, out, err);
}

static int
pdf_page(void *h, int i, size_t max_pixels, struct hoso_buf *out, struct hoso_err *err)
{
	const char *ext;

	return hoso_pdf_page_image(h, i, max_pixels, out, &ext, err);
}

static int
queue_tiff(struct batch *b, const struct hoso_input_item *it)
{
	struct hoso_tiff *t = NULL;
	struct hoso_buf page = HOSO_BUF_INIT(0);
	struct hoso_err e;
	int n = 0, r;

	hoso_err_clear(&e);
	if (hoso_tiff_open(it->data, it->len, it->label, &t, &e) != 0 ||
	    hoso_tiff_count(t, &n, &e) != 0)
		r = enqueue(b, it->label, 0, &page, &e);	/* rejected in its turn */
	else if (n > 1)
		r = queue_pages(b, it, t, n, tiff_page);
	else if ((r = hoso_buf_add(&page, it->data, it->len, &b->fatal)) == 0)
		r = enqueue(b, it->label, 0, &page, NULL);	/* one page: stored as it came */
	hoso_buf_free(&page);
	hoso_tiff_close(t);
	return r;
}

/*
 * A PDF scan: each page's one image, taken out without loss. Even a
 * one-page PDF is split, since a stored page must be an image.
 */
static int
queue_pdf(struct batch *b, const struct hoso_input_item *it)
{
	struct hoso_pdf *p = NULL;
	struct hoso_buf none = HOSO_BUF_INIT(0);
	struct hoso_err e;
	int n = 0, r;

	hoso_err_clear(&e);
	if (hoso_pdf_open(it->data, it->len, it->label, &p, &e) != 0 ||
	    hoso_pdf_count(p, &n, &e) != 0)
		r = enqueue(b, it->label, 0, &none, &e);	/* rejected in its turn */
	else
		r = queue_pages(b, it, p, n, pdf_page);
	hoso_pdf_close(p);
	return r;
}

static int
on_item(void *ctx, const struct hoso_input_item *it, struct hoso_err *err)
{
	struct batch *b = ctx;
	struct hoso_buf data = HOSO_BUF_INIT(0);
	int r;

	(void)err;
	if (b->fatal.code != 0)		/* on_bad could not report: stop */
		return b->fatal.code;
	b->files_total = it->total;
	if (hoso_tiff_is(it->data, it->len))
		r = queue_tiff(b, it);
	else if (hoso_pdf_is(it->data, it->len))	/* after TIFF: "%PDF-" may sit in one */
		r = queue_pdf(b, it);
	else if ((r = hoso_buf_add(&data, it->data, it->len, &b->fatal)) == 0)
		r = enqueue(b, it->label, 0, &data, NULL);
	hoso_buf_free(&data);
	b->files_done = it->index + 1;
	return r;
}

static void
on_bad(void *ctx, const char *label, const struct hoso_err *why)
{
	struct batch *b = ctx;
	struct hoso_buf none = HOSO_BUF_INIT(0);
	struct hoso_err e = *why;

	/*
	 * Whatever made one input unusable (unreadable, EACCES, not a regular
	 * file) is that input's problem: reject it, go on (exit 3). Through the
	 * queue, so that reports keep the order of the inputs.
	 */
	e.code = HOSO_EINPUT;
	if (b->fatal.code == 0 && enqueue(b, label, 0, &none, &e) != 0 && b->fatal.code == 0)
		b->fatal.code = HOSO_EIO;

}

int
hoso_ingest_run(const struct hoso_ingest_opts *opts, const char *const *inputs, size_t n,
    struct hoso_ingest_summary *sum, struct hoso_err *err)
{
	struct hoso_input_opts io = { opts->max_file_size, 0, opts->log };
	struct hoso_input_ops ops = { on_item, on_bad, NULL };
	struct batch b;
	pthread_t *threads = NULL;
	int i, started = 0, r = 0;

	memset(sum, 0, sizeof(*sum));
	memset(&b, 0, sizeof(b));
	b.opts = opts;
	b.sum = sum;
	hoso_index_writer_init(&b.index, opts->store, NULL, opts->no_index, opts->log);
	b.cap = 2 * (size_t)(opts->jobs > 0 ? opts->jobs : 1) + 2;
	ops.ctx = &b;
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.work, NULL);
	pthread_cond_init(&b.done, NULL);
	if ((b.ring = calloc(b.cap, sizeof(*b.ring))) == NULL ||
	    (threads = calloc((size_t)(opts->jobs > 0 ? opts->jobs : 1), sizeof(*threads))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if (opts->dossier != NULL && (r = hoso_store_code_check(opts->dossier, err)) != 0)
		goto out;
	b.cur_code = opts->dossier;
	for (i = 0; i < (opts->jobs > 0 ? opts->jobs : 1); i++) {
		if (pthread_create(&threads[i], NULL, worker, &b) != 0) {
			r = hoso_err_set(err, HOSO_EIO, _("cannot start worker threads"));
			break;
		}
		started++;
	}
	if (r == 0)
		r = hoso_input_walk(inputs, n, &io, &ops, &b.fatal);
	if (r == 0 && b.fatal.code != 0)
		r = b.fatal.code;
	while (r == 0 && b.head != b.tail)
		r = drain(&b, true);
	pthread_mutex_lock(&b.mu);
	b.closing = true;
	/* A fatal stop leaves queued jobs: let workers skip them. */
	b.next = b.tail;
	pthread_cond_broadcast(&b.work);
	pthread_mutex_unlock(&b.mu);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	while (b.head != b.tail)
		job_clear(&b.ring[b.head++ % b.cap]);
	if (r != 0 && err != NULL && err->code == 0)
		*err = b.fatal;
	/* Where a next batch would go on (a scanner's pages come one batch each). */
	if (r == 0 && b.cur_code != NULL && (sum->next_dossier = strdup(b.cur_code)) == NULL)
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
out:
	if (leave_dossier(&b) != 0 && r == 0) {
		r = b.fatal.code;
		if (err != NULL)
			*err = b.fatal;
	}
	hoso_index_writer_close(&b.index);
	free(b.sep_code);
	free(b.ring);
	free(threads);
	pthread_mutex_destroy(&b.mu);
	pthread_cond_destroy(&b.work);
	pthread_cond_destroy(&b.done);
	return r;
}

void
hoso_ingest_summary_free(struct hoso_ingest_summary *sum)
{
	size_t i;

	for (i = 0; i < sum->n_rejects; i++)
		free(sum->rejects[i].label);
	for (i = 0; i < sum->n_dossiers; i++)
		free(sum->dossiers[i].code);
	free(sum->rejects);
	free(sum->dossiers);
	free(sum->next_dossier);
	memset(sum, 0, sizeof(*sum));
}

int
hoso_ingest_summary_xml(const struct hoso_ingest_summary *s, struct hoso_buf *out,
    struct hoso_err *err)
{
	struct hoso_xmlw *w = NULL;
	size_t i;
	int r;

	if ((r = hoso_xmlw_new(&w, err)) != 0)
		return r;
	if ((r = hoso_xmlw_start(w, "ingest", err)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "dossiers", "%zu", s->n_dossiers)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "pages", "%zu", s->pages)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "blank", "%zu", s->blank)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "dropped_blank", "%zu", s->dropped_blank)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "rotated", "%zu", s->rotated)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "deskewed", "%zu", s->deskewed)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "duplicates", "%zu", s->duplicates)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "separators", "%zu", s->separators)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "rejected", "%zu", s->n_rejects)) != 0)
		goto out;
	for (i = 0; i < s->n_dossiers; i++) {
		const struct hoso_ingest_dossier *d = &s->dossiers[i];
		if ((r = hoso_xmlw_start(w, "dossier", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "code", d->code, err)) != 0 ||
		    (r = hoso_xmlw_attrf(w, err, "added", "%zu", d->added)) != 0 ||
		    (r = hoso_xmlw_attrf(w, err, "duplicates", "%zu", d->duplicates)) != 0 ||
		    (r = hoso_xmlw_attrf(w, err, "pages", "%zu", d->total_pages)) != 0 ||
		    (r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	for (i = 0; i < s->n_rejects; i++) {
		if ((r = hoso_xmlw_start(w, "rejected", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "input", s->rejects[i].label, err)) != 0 ||
		    (r = hoso_xmlw_text(w, s->rejects[i].why.msg, err)) != 0 ||
		    (r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	r = hoso_xmlw_finish(w, out, err);
out:
	hoso_xmlw_free(w);
	return r;
}

int
hoso_ingest_separator_sheet(const char *code, int dpi, struct hoso_buf *png, struct hoso_err *err)
{
	struct hoso_qr_matrix qr = { 0, NULL };
	struct hoso_buf text = HOSO_BUF_INIT(0);
	int r;

	if ((r = hoso_store_code_check(code, err)) != 0)
		return r;
	if ((r = hoso_buf_addf(&text, err, "%s%s", HOSO_SEPARATOR_PREFIX, code)) == 0 &&
	    (r = hoso_qr_encode(text.data, &qr, err)) == 0)
		r = hoso_img_separator_sheet(&qr, code, dpi, png, err);
	hoso_qr_matrix_free(&qr);
	hoso_buf_free(&text);
	return r;
}
