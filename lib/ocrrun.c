/*
 * ocrrun.c - the ocr-extract operation. As in ingest.c, the caller's thread
 * queues pages and commits finished ones strictly in input order, and worker
 * threads do the heavy part: each worker owns one OCR engine for the whole
 * run. Engines and threads are started on demand (never more than there are
 * pages in flight) and on the caller's thread, since a Tesseract engine sets
 * process-wide parameters while it starts.
 *
 * The searchable PDF is Tesseract's own renderer, which takes a page from
 * the engine that has just recognized it. So a worker, after recognizing
 * page k of a PDF, waits for its turn (every page before k of that PDF has
 * been added) and adds its page itself: a turnstile per PDF, in page order.
 * The lowest page of a PDF in flight is always being worked on, so the wait
 * ends; pages of different PDFs (--outdir) never wait for each other.
 *
 * Dossiers are taken one at a time under their lock, so two processes (or
 * machines on NFS) can share a store without ever waiting on each other in
 * a cycle. A dossier is done when every page's text is there for the page's
 * sha256 and dossier.pdf holds exactly its pages; otherwise it is
 * recognized whole, because the PDF can only be made from live results.
 * Files whose content does not change are not rewritten.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "fields.h"
#include "file.h"
#include "i18n.h"
#include "img.h"
#include "index.h"
#include "ocr.h"
#include "ocrrun.h"
#include "review.h"
#include "store.h"
#include "tiff.h"
#include "xmp.h"

#define SMALL_MAX	(1u << 20)	/* a .sha256 file or a manifest is far smaller */
#define OUTPUT_MAX	(256u << 20)

enum job_state { JOB_QUEUED, JOB_TAKEN, JOB_DONE };

/* One PDF being made: a dossier's dossier.pdf, --pdf, or one NAME.pdf of --outdir. */
struct group {
	char *path;
	char *title;
	struct hoso_ocr_pdf *pdf;
	struct hoso_err err;		/* the PDF could not be made */
	struct hoso_buf manifest;	/* sha256 of each page added, one a line */
	int fed;			/* pages whose turn is over (under the batch lock) */
};

struct job {
	enum job_state state;
	char *path;			/* the image to read */
	char *label;			/* for messages */
	size_t input;
	int page_index;			/* in its hOCR document */
	struct group *group;		/* NULL: no PDF */
	int group_seq;			/* 0-based place in the group's PDF */
	bool group_last;		/* the group is finished with this page */
	char stem[16];			/* dossier page: "0001" of pages/0001.norm.tif */
	char sha256[HOSO_SHA256_HEX];
	char *outbase;			/* --outdir: DIR/NAME */
	bool file_last;			/* the last page of its input file */
	struct hoso_buf data;		/* image files: the page's bytes (path is not read) */
	/* results */
	struct hoso_err err;		/* err.code != 0: the page failed */
	struct hoso_ocr_result res;
	/* form fields: the page's words and image until they are read, then the fields */
	int page_no;			/* 1-based, in its dossier or file */
	struct hoso_ocr_layout layout;
	unsigned char *grey;
	unsigned char *pen;		/* the filling in pen, apart (hoso_img_grey8_form); NULL */
	int grey_w, grey_h;
	struct hoso_fields_page *fields;	/* NULL: no template matched */
};

struct batch;

struct worker {
	struct batch *b;
	struct hoso_ocr *eng;
	pthread_t thread;
};

struct batch {
	const struct hoso_ocrrun_opts *opts;
	struct hoso_ocrrun_summary *sum;
	pthread_mutex_t mu;
	pthread_cond_t work, done, turn;
	struct job *ring;
	size_t cap, head, next, tail;
	bool closing;
	struct worker *workers;
	int n_workers, max_workers;
	/* producer side */
	struct hoso_dossier *cur;	/* the dossier being worked on */
	struct group *cur_group;	/* its dossier.pdf */
	struct hoso_page_ocr *outcomes;
	size_t n_outcomes;
	size_t items_done, items_total, pages_done;
	double conf_sum;
	struct hoso_buf file_text, file_hocr;	/* --outdir: the current input file's pages */
	size_t file_pages, file_ok;
	struct hoso_fields_page *fpages;	/* fields of the dossier, file or run so far */
	size_t n_fpages;
	/* The search index of the store of the dossiers written (one store at a time). */
	struct hoso_index_writer index;
	char *index_store;
	struct hoso_err fatal;
};

/* The dossier's outputs are listed: the search index learns what it holds now. */
static void
index_dossier(struct batch *b)
{
	struct hoso_buf store = HOSO_BUF_INIT(0), code = HOSO_BUF_INIT(0);
	struct hoso_err e;

	hoso_err_clear(&e);
	if (b->cur == NULL || hoso_store_split(b->cur->dir, &store, &code, &e) != 0)
		goto out;
	if (b->index_store == NULL || strcmp(b->index_store, hoso_buf_str(&store)) != 0) {
		hoso_index_writer_close(&b->index);
		free(b->index_store);
		b->index_store = hoso_buf_detach(&store, NULL);
		hoso_index_writer_init(&b->index, b->index_store, b->opts->templates,
		    b->opts->no_index, b->opts->log);
	}
	hoso_index_writer_dossier(&b->index, hoso_buf_str(&code));
out:
	hoso_buf_free(&store);
	hoso_buf_free(&code);
}

static void
group_free(struct group *g)
{
	if (g == NULL)
		return;
	hoso_ocr_pdf_abort(g->pdf);
	hoso_buf_free(&g->manifest);
	free(g->path);
	free(g->title);
	free(g);
}

static struct group *
group_new(const char *path, const char *title)
{
	struct group *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	hoso_buf_init(&g->manifest, SMALL_MAX);
	if ((g->path = strdup(path)) == NULL || (g->title = strdup(title)) == NULL) {
		group_free(g);
		return NULL;
	}
	return g;
}

static void
fields_free(struct hoso_fields_page *p)
{
	hoso_fields_page_free(p);
	free(p);
}

static void
job_clear(struct job *j)
{
	hoso_ocr_layout_free(&j->layout);
	free(j->grey);
	free(j->pen);
	fields_free(j->fields);
	free(j->path);
	free(j->label);
	free(j->outbase);
	hoso_buf_free(&j->data);
	hoso_ocr_result_free(&j->res);
	memset(j, 0, sizeof(*j));
}

/* ---- workers ---- */

/* Recognize img for its form fields: its words and the cleaned grey copy are kept. */
static int
recognize_form(struct hoso_ocr *eng, const struct hoso_img *img, struct job *j)
{
	/* labels are found on the print; a value written in pen is read on the pen copy */
	if (hoso_img_grey8_form(img, hoso_ocr_dpi(eng, img), &j->grey, &j->pen, &j->grey_w,
	    &j->grey_h, &j->err) != 0) {
		hoso_err_prefix(&j->err, "%s", j->label);
		return -1;
	}
	if (hoso_ocr_page_grey(eng, img, j->grey, j->grey_w, j->grey_h, j->label, j->page_index,
	    &j->res, &j->err) != 0)
		return -1;
	if (hoso_ocr_layout(eng, &j->layout, &j->err) != 0) {
		hoso_ocr_result_free(&j->res);
		return -1;
	}
	return 0;
}

/*
 * The quarter turns clockwise that make a page lying on its side upright, from
 * the words Tesseract read on it (it reads turned lines all the same, but a
 * form's rows are then columns): most words of three letters or more are
 * taller than wide. Read in order, the lines then go right to left on a page
 * turned clockwise, left to right on one turned anticlockwise. 0: upright.
 */
static int
sideways(const struct hoso_ocr_layout *l)
{
	size_t i, n = 0, tall = 0, fifth;
	double first = 0, last = 0;
	size_t n_first = 0, n_last = 0;

	for (i = 0; i < l->n_words; i++) {
		const struct hoso_ocr_word *w = &l->words[i];
		if (strlen(w->text) < 3)
			continue;
		n++;
		tall += w->y1 - w->y0 > w->x1 - w->x0;
	}
	if (n < 20 || tall * 10 < n * 7)
		return 0;
	fifth = l->n_words / 5;
	for (i = 0; i < l->n_words; i++) {
		double cx = (l->words[i].x0 + l->words[i].x1) / 2.0;
		if (i < fifth) {
			first += cx;
			n_first++;
		} else if (i >= l->n_words - fifth) {
			last += cx;
			n_last++;
		}
	}
	if (n_first == 0 || n_last == 0)
		return 0;
	return first / (double)n_first > last / (double)n_last ? 3 : 1;
}

/* Free what recognize_form left in j. */
static void
form_reading_free(struct job *j)
{
	free(j->grey);
	free(j->pen);
	j->grey = j->pen = NULL;
	hoso_ocr_layout_free(&j->layout);
	hoso_ocr_result_free(&j->res);
}

/*
 * The page read turned a half, then a quarter turn either way, until the form
 * is found; the reading kept is that one, or else the surest (mean
 * confidence). The engine must end holding the kept page, for its PDF.
 */
static void
turn_if_better(const struct hoso_ocrrun_opts *o, struct hoso_ocr *eng,
    const struct hoso_img *img, struct job *j)
{
	static const int tries[] = { 2, 1, 3 };
	struct job best = *j, t;
	struct hoso_img *turned = NULL;
	int best_q = 0, last_q = 0;
	bool found = false;
	size_t i;

	for (i = 0; i < sizeof(tries) / sizeof(tries[0]) && !found; i++) {
		memset(&t, 0, sizeof(t));
		t.label = j->label;
		t.page_index = j->page_index;
		last_q = -1;
		if (hoso_img_rotate_orth(img, tries[i], &turned, &t.err) != 0)
			break;
		if (recognize_form(eng, turned, &t) != 0) {
			hoso_img_free(turned);
			form_reading_free(&t);
			break;
		}
		hoso_img_free(turned);
		last_q = tries[i];
		found = hoso_fields_detect(o->templates, o->form, &t.layout) != NULL;
		if (found || t.res.confidence > best.res.confidence) {
			form_reading_free(&best);
			best = t;
			best_q = tries[i];
		} else {
			form_reading_free(&t);
		}
	}
	j->grey = best.grey;
	j->pen = best.pen;
	j->grey_w = best.grey_w;
	j->grey_h = best.grey_h;
	j->layout = best.layout;
	j->res = best.res;
	if (best_q == last_q)
		return;
	/* The engine holds another turn of the page: read the kept one again. */
	form_reading_free(j);
	if (best_q == 0) {
		recognize_form(eng, img, j);
	} else if (hoso_img_rotate_orth(img, best_q, &turned, &j->err) == 0) {
		recognize_form(eng, turned, j);
		hoso_img_free(turned);
	}
}

static void
process(struct batch *b, struct hoso_ocr *eng, struct job *j)
{
	const struct hoso_ocrrun_opts *o = b->opts;
	struct hoso_buf data = HOSO_BUF_INIT(0);
	const struct hoso_buf *in = &j->data;
	struct hoso_img *img = NULL;
	int quads;

	if (j->err.code != 0)
		return;
	if (j->data.data == NULL) {
		if (hoso_file_read(j->path, o->max_file_size, &data, &j->err) != 0)
			goto out;
		in = &data;
	}
	if (hoso_img_decode(in->data, in->len, j->label, o->max_pixels, &img, &j->err) != 0)
		goto out;
	/*
	 * Form fields are found by rows of text: an image file read as a form is
	 * first made upright and straight, as scan-ingest does for a dossier's pages.
	 */
	if (o->templates != NULL && j->stem[0] == '\0') {
		struct hoso_norm_opts no = { o->ocr.default_dpi, 10.0, true, false };
		struct hoso_norm_result nr;
		struct hoso_img *upright = NULL;
		if (hoso_img_normalize(img, &no, &upright, &nr, &j->err) != 0)
			goto out;
		hoso_img_free(img);
		img = upright;
	}
	if (o->templates == NULL) {
		hoso_ocr_page(eng, img, j->label, j->page_index, &j->res, &j->err);
		goto out;
	}
	/*
	 * Fields are read after the page went into its PDF: keep its words, and
	 * the cleaned grey copy it was recognized from, to read values again.
	 */
	if (recognize_form(eng, img, j) != 0)
		goto out;
	/* Lying on its side (the orientation test abstained): read it again upright. */
	if ((quads = sideways(&j->layout)) != 0) {
		struct hoso_img *turned = NULL;
		form_reading_free(j);
		if (hoso_img_rotate_orth(img, quads, &turned, &j->err) != 0)
			goto out;
		hoso_img_free(img);
		img = turned;
		if (recognize_form(eng, img, j) != 0)
			goto out;
	}
	/*
	 * An image given as --form NAME whose title and labels are not found
	 * may be turned: the orientation test abstains on some pages (its score
	 * is weak where capitals and diacritics crowd the ascenders). It is read
	 * turned a half and a quarter turn either way (turn_if_better).
	 */
	if (o->form != NULL && j->stem[0] == '\0' &&
	    hoso_fields_detect(o->templates, o->form, &j->layout) == NULL)
		turn_if_better(o, eng, img, j);
out:
	hoso_img_free(img);
	hoso_buf_free(&data);
}

/* In page order (the turnstile): put the page just recognized into its PDF. */
static void
feed_pdf(struct hoso_ocr *eng, struct job *j)
{
	struct group *g = j->group;

	if (g == NULL || j->err.code != 0 || g->err.code != 0)
		return;
	if (g->pdf == NULL && hoso_ocr_pdf_begin(eng, g->path, g->title, &g->pdf, &g->err) != 0)
		return;
	if (hoso_ocr_pdf_add(g->pdf, eng, &g->err) != 0)
		return;
	if (j->sha256[0] != '\0')
		hoso_buf_addf(&g->manifest, &g->err, "%s\n", j->sha256);
}

/*
 * The page's form fields, once its PDF has it: a doubtful value is read
 * again, and that takes the engine's page results. A failure here (memory,
 * the engine) fails the page, as a failed recognition would.
 */
static void
read_fields(struct batch *b, struct hoso_ocr *eng, struct job *j)
{
	const struct hoso_ocrrun_opts *o = b->opts;
	const struct hoso_template *t;
	struct hoso_fields_image img;
	struct hoso_err e;

	if (o->templates == NULL || j->err.code != 0 || j->grey == NULL)
		goto out;
	/*
	 * An image given with --form NAME is that form: when its title and labels
	 * are not found, every field is still written, empty and to review
	 * (specs/forms.md); a dossier's page that is not the form has no fields.
	 */
	if ((t = hoso_fields_detect(o->templates, o->form, &j->layout)) == NULL &&
	    (o->form == NULL || j->stem[0] != '\0'))
		goto out;
	if (t == NULL)
		t = o->form;
	if ((j->fields = calloc(1, sizeof(*j->fields))) == NULL)
		goto out;
	img.eng = eng;
	img.grey = j->grey;
	img.pen = j->pen;
	img.width = j->grey_w;
	img.height = j->grey_h;
	img.dpi = j->layout.dpi;
	hoso_err_clear(&e);
	if (hoso_fields_extract(t, &j->layout, &img, j->fields, &e) != 0) {
		fields_free(j->fields);
		j->fields = NULL;
		j->err = e;
		hoso_err_prefix(&j->err, "%s", j->label);
		hoso_ocr_result_free(&j->res);
		goto out;
	}
	j->fields->page = j->page_no;
	/* A dossier's page is its number; an image file's is named. */
	if (j->stem[0] == '\0')
		j->fields->source = strdup(j->label);
out:
	hoso_ocr_layout_free(&j->layout);
	free(j->grey);
	free(j->pen);
	j->grey = j->pen = NULL;
}

static void *
worker(void *arg)
{
	struct worker *w = arg;
	struct batch *b = w->b;
	struct job *j;
	size_t seq;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (b->next == b->tail && !b->closing)
			pthread_cond_wait(&b->work, &b->mu);
		if (b->next == b->tail)
			break;
		seq = b->next++;
		j = &b->ring[seq % b->cap];
		j->state = JOB_TAKEN;
		pthread_mutex_unlock(&b->mu);
		process(b, w->eng, j);
		pthread_mutex_lock(&b->mu);
		if (j->group != NULL) {
			while (j->group->fed != j->group_seq && !b->closing)
				pthread_cond_wait(&b->turn, &b->mu);
			if (!b->closing) {
				/* Our turn: nobody else touches this PDF until fed moves on. */
				pthread_mutex_unlock(&b->mu);
				feed_pdf(w->eng, j);
				pthread_mutex_lock(&b->mu);
			}
			j->group->fed = j->group_seq + 1;
			pthread_cond_broadcast(&b->turn);
		}
		pthread_mutex_unlock(&b->mu);
		read_fields(b, w->eng, j);
		pthread_mutex_lock(&b->mu);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&b->done);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* One more engine and worker while there are fewer than pages waiting. */
static int
grow_workers(struct batch *b)
{
	struct worker *w;
	size_t waiting;
	int r;

	pthread_mutex_lock(&b->mu);
	waiting = b->tail - b->next;
	pthread_mutex_unlock(&b->mu);
	if (b->n_workers >= b->max_workers || waiting == 0)
		return 0;
	w = &b->workers[b->n_workers];
	w->b = b;
	if ((r = hoso_ocr_new(&b->opts->ocr, &w->eng, &b->fatal)) != 0)
		return r;
	if (pthread_create(&w->thread, NULL, worker, w) != 0) {
		hoso_ocr_free(w->eng);
		w->eng = NULL;
		return hoso_err_set(&b->fatal, HOSO_EIO, _("cannot start worker threads"));
	}
	b->n_workers++;
	return 0;
}

/* ---- committing, in input order, on the caller's thread ---- */

static int
fail_page(struct batch *b, const struct job *j)
{
	struct hoso_ocrrun_summary *s = b->sum;
	struct hoso_ocrrun_failure *nf;

	if ((nf = realloc(s->failures, (s->n_failures + 1) * sizeof(*nf))) == NULL)
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	s->failures = nf;
	if ((nf[s->n_failures].label = strdup(j->label)) == NULL)
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	nf[s->n_failures].why = j->err;
	s->n_failures++;
	hoso_log(b->opts->log, HOSO_LOG_INFO, _("failed: %s"), j->err.msg);
	return 0;
}

/* Write path atomically unless it already holds exactly these bytes. */
static int
write_if_changed(const char *path, const struct hoso_buf *content, struct hoso_err *err)
{
	struct hoso_buf old = HOSO_BUF_INIT(0);
	struct hoso_err ignored;
	int r = 0;

	if (hoso_file_read(path, content->len + 1, &old, &ignored) == 0 && old.len == content->len &&
	    memcmp(hoso_buf_str(&old), hoso_buf_str(content), content->len) == 0)
		goto out;
	r = hoso_file_write_atomic(path, hoso_buf_str(content), content->len, err);
out:
	hoso_buf_free(&old);
	return r;
}

static int
write_hocr(const char *path, const char *title, const struct hoso_ocr_result *res,
    struct hoso_err *err)
{
	struct hoso_buf doc = HOSO_BUF_INIT(OUTPUT_MAX);
	int r;

	if ((r = hoso_ocr_hocr_head(&doc, title, err)) == 0 &&
	    (r = hoso_buf_add(&doc, res->hocr.data, res->hocr.len, err)) == 0 &&
	    (r = hoso_ocr_hocr_tail(&doc, err)) == 0)
		r = write_if_changed(path, &doc, err);
	hoso_buf_free(&doc);
	return r;
}

/* ocr/STEM.EXT of the current dossier into out. */
static int
ocr_path(const struct batch *b, const char *stem, const char *ext, struct hoso_buf *out,
    struct hoso_err *err)
{
	hoso_buf_reset(out);
	return hoso_buf_addf(out, err, "%s/ocr/%s%s", b->cur->dir, stem, ext);
}

/* "ocr/STEM.EXT", as dossier.xml lists it, into *out (the caller frees it). */
static int
ocr_rel(const char *stem, const char *ext, const char **out, struct hoso_err *err)
{
	struct hoso_buf rel = HOSO_BUF_INIT(0);
	int r;

	if ((r = hoso_buf_addf(&rel, err, "ocr/%s%s", stem, ext)) == 0)
		*out = hoso_buf_detach(&rel, NULL);
	hoso_buf_free(&rel);
	return r;
}

static int
commit_dossier_page(struct batch *b, struct job *j)
{
	struct hoso_page_ocr *po = &b->outcomes[b->n_outcomes];
	struct hoso_buf path = HOSO_BUF_INIT(0), msg = HOSO_BUF_INIT(0), sha = HOSO_BUF_INIT(0);
	int r = 0;

	po->sha256 = NULL;
	po->status = NULL;
	po->text = po->hocr = NULL;
	if (j->err.code == 0) {
		if ((r = ocr_path(b, j->stem, ".txt", &path, &b->fatal)) != 0 ||
		    (r = write_if_changed(path.data, &j->res.text, &b->fatal)) != 0 ||
		    (r = ocr_path(b, j->stem, ".hocr", &path, &b->fatal)) != 0 ||
		    (r = write_hocr(path.data, j->label, &j->res, &b->fatal)) != 0 ||
		    (r = hoso_buf_addf(&sha, &b->fatal, "%s\n", j->sha256)) != 0 ||
		    (r = ocr_path(b, j->stem, ".sha256", &path, &b->fatal)) != 0 ||
		    (r = write_if_changed(path.data, &sha, &b->fatal)) != 0 ||
		    (r = hoso_buf_adds(&msg, "ok", &b->fatal)) != 0)
			goto out;
		po->confidence = j->res.confidence;
	} else {
		/* The text there, if any, is no longer the page's: not done. */
		if ((r = ocr_path(b, j->stem, ".sha256", &path, &b->fatal)) != 0)
			goto out;
		if (unlink(path.data) != 0 && errno != ENOENT) {
			r = hoso_err_sys(&b->fatal, errno, _("%s: cannot remove"), path.data);
			goto out;
		}
		if ((r = hoso_buf_addf(&msg, &b->fatal, "failed: %s", j->err.msg)) != 0)
			goto out;
		po->confidence = -1;
	}
	/* Listed only when this page's text is there (a failed page's is not its own). */
	if (j->err.code == 0 && j->stem[0] != '\0' &&
	    ((r = ocr_rel(j->stem, ".txt", &po->text, &b->fatal)) != 0 ||
	    (r = ocr_rel(j->stem, ".hocr", &po->hocr, &b->fatal)) != 0))
		goto out;
	if ((po->sha256 = strdup(j->sha256)) == NULL) {
		r = hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
		goto out;
	}
	po->status = hoso_buf_detach(&msg, NULL);
	b->n_outcomes++;
out:
	if (r != 0) {
		free((char *)po->text);
		free((char *)po->hocr);
		po->text = po->hocr = NULL;
	}
	hoso_buf_free(&path);
	hoso_buf_free(&msg);
	hoso_buf_free(&sha);
	return r;
}

/* ---- form fields ---- */

/* Take the job's fields into the batch's list (of the dossier, the file or the run). */
static int
keep_fields(struct batch *b, struct job *j)
{
	struct hoso_fields_page *np;

	if (j->fields == NULL)
		return 0;
	if ((np = realloc(b->fpages, (b->n_fpages + 1) * sizeof(*np))) == NULL)
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	b->fpages = np;
	np[b->n_fpages++] = *j->fields;
	free(j->fields);
	j->fields = NULL;
	b->sum->forms++;
	return 0;
}

static void
fpages_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n_fpages; i++)
		hoso_fields_page_free(&b->fpages[i]);
	free(b->fpages);
	b->fpages = NULL;
	b->n_fpages = 0;
}

/* The fields document of the pages kept so far into out (reset first); counts what to review. */
static int
fields_doc(struct batch *b, struct hoso_buf *out)
{
	size_t i, k;

	hoso_buf_reset(out);
	for (i = 0; i < b->n_fpages; i++)
		for (k = 0; k < b->fpages[i].n_values; k++)
			b->sum->fields_review += b->fpages[i].values[k].review;
	return hoso_fields_xml(b->fpages, b->n_fpages, out, &b->fatal);
}

/* --outdir: the pages of one input file gather here until its last page. */
static int
commit_image(struct batch *b, struct job *j)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), doc = HOSO_BUF_INIT(OUTPUT_MAX);
	int r = 0;

	if (j->outbase == NULL)
		return 0;
	if (b->file_pages++ > 0 && (r = hoso_buf_addc(&b->file_text, '\f', &b->fatal)) != 0)
		goto out;
	if (j->err.code == 0 &&
	    ((r = hoso_buf_add(&b->file_text, j->res.text.data, j->res.text.len, &b->fatal)) != 0 ||
	    (r = hoso_buf_add(&b->file_hocr, j->res.hocr.data, j->res.hocr.len, &b->fatal)) != 0))
		goto out;
	b->file_ok += j->err.code == 0;
	if (!j->file_last)
		goto out;
	/* A file none of whose pages could be read gets no outputs. */
	if (b->file_ok > 0) {
		if (b->file_text.data == NULL && (r = hoso_buf_adds(&b->file_text, "", &b->fatal)) != 0)
			goto out;
		if ((r = hoso_buf_addf(&path, &b->fatal, "%s.txt", j->outbase)) != 0 ||
		    (r = write_if_changed(path.data, &b->file_text, &b->fatal)) != 0)
			goto out;
		hoso_buf_reset(&path);
		if ((r = hoso_ocr_hocr_head(&doc, j->path, &b->fatal)) != 0 ||
		    (r = hoso_buf_add(&doc, b->file_hocr.data, b->file_hocr.len, &b->fatal)) != 0 ||
		    (r = hoso_ocr_hocr_tail(&doc, &b->fatal)) != 0 ||
		    (r = hoso_buf_addf(&path, &b->fatal, "%s.hocr", j->outbase)) != 0 ||
		    (r = write_if_changed(path.data, &doc, &b->fatal)) != 0)
			goto out;
	}
	/* --form with --outdir: NAME.fields.xml for every file, empty when no page matched. */
	if (b->opts->templates != NULL) {
		hoso_buf_reset(&path);
		if ((r = fields_doc(b, &doc)) != 0 ||
		    (r = hoso_buf_addf(&path, &b->fatal, "%s.fields.xml", j->outbase)) != 0 ||
		    (r = write_if_changed(path.data, &doc, &b->fatal)) != 0)
			goto out;
		fpages_free(b);
	}
	hoso_buf_reset(&b->file_text);
	hoso_buf_reset(&b->file_hocr);
	b->file_pages = b->file_ok = 0;
out:
	hoso_buf_free(&path);
	hoso_buf_free(&doc);
	return r;
}

/* All of a group's pages are in: put its PDF in place (or say why there is none). */
static int
finish_group(struct batch *b, struct group *g)
{
	int r;

	if (g->err.code != 0) {
		b->fatal = g->err;
		if (b->fatal.code == HOSO_EINPUT)
			b->fatal.code = HOSO_EIO;
		return b->fatal.code;
	}
	if (g->pdf == NULL)		/* no page could be recognized */
		return 0;
	r = hoso_ocr_pdf_commit(g->pdf, &b->fatal);
	g->pdf = NULL;
	/* XMP and /Info (xmp.h); before the .pdf.sha256 that says the PDF is done */
	if (r == 0)
		r = hoso_xmp_add(g->path, g->title, g == b->cur_group && b->cur != NULL ?
		    b->cur->meta.tieu_de : NULL, &b->fatal);
	return r;
}

static int
commit(struct batch *b, struct job *j)
{
	const struct hoso_ocrrun_opts *o = b->opts;
	struct hoso_ocrrun_page pg;
	int r;

	b->pages_done++;
	if (j->err.code != 0 && j->err.code != HOSO_EINPUT && j->err.code != HOSO_EENGINE) {
		b->fatal = j->err;
		return j->err.code;
	}
	if (j->err.code != 0) {
		if ((r = fail_page(b, j)) != 0)
			return r;
	} else {
		b->sum->pages++;
		b->conf_sum += j->res.confidence;
		hoso_log(o->log, HOSO_LOG_INFO, _("%s: confidence %d%%, %zu bytes of text, %.1f s"),
		    j->label, j->res.confidence, j->res.text.len, j->res.seconds);
	}
	if ((r = keep_fields(b, j)) != 0)
		return r;
	if ((r = b->cur != NULL ? commit_dossier_page(b, j) : commit_image(b, j)) != 0)
		return r;
	if (o->on_page != NULL) {
		pg.label = j->label;
		pg.input = j->input;
		pg.res = j->err.code == 0 ? &j->res : NULL;
		pg.why = j->err.code != 0 ? &j->err : NULL;
		o->on_page(o->ctx, &pg);
	}
	if (j->group_last && j->group != NULL && b->cur == NULL) {
		r = finish_group(b, j->group);
		group_free(j->group);
		j->group = NULL;
		if (r != 0)
			return r;
	}
	if (o->progress != NULL) {
		struct hoso_ocrrun_progress p = { b->items_done, b->items_total, b->pages_done,
		    j->label };
		o->progress(o->ctx, &p);
	}
	return 0;
}

/* Commit finished jobs at the head; with wait_all, until nothing is in flight. */
static int
drain(struct batch *b, bool wait_one, bool wait_all)
{
	struct job *j;
	int r = 0;

	pthread_mutex_lock(&b->mu);
	while (b->head != b->tail) {
		j = &b->ring[b->head % b->cap];
		if (j->state != JOB_DONE) {
			if (!wait_one && !wait_all)
				break;
			pthread_cond_wait(&b->done, &b->mu);
			continue;
		}
		pthread_mutex_unlock(&b->mu);
		r = commit(b, j);
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

/* Queue a page; takes ownership of what *proto holds. */
static int
enqueue(struct batch *b, struct job *proto)
{
	struct job *j;
	int r;

	while (b->tail - b->head >= b->cap) {
		if ((r = drain(b, true, false)) != 0) {
			job_clear(proto);
			return r;
		}
	}
	j = &b->ring[b->tail % b->cap];
	*j = *proto;
	memset(proto, 0, sizeof(*proto));
	j->state = JOB_QUEUED;
	pthread_mutex_lock(&b->mu);
	b->tail++;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->mu);
	if ((r = grow_workers(b)) != 0)
		return r;
	return drain(b, false, false);
}

static int
batch_init(struct batch *b, const struct hoso_ocrrun_opts *o, struct hoso_ocrrun_summary *sum,
    struct hoso_err *err)
{
	memset(sum, 0, sizeof(*sum));
	memset(b, 0, sizeof(*b));
	b->opts = o;
	b->sum = sum;
	b->max_workers = o->jobs > 0 ? o->jobs : 1;
	b->cap = 2 * (size_t)b->max_workers + 2;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->work, NULL);
	pthread_cond_init(&b->done, NULL);
	pthread_cond_init(&b->turn, NULL);
	if ((b->ring = calloc(b->cap, sizeof(*b->ring))) == NULL ||
	    (b->workers = calloc((size_t)b->max_workers, sizeof(*b->workers))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	return 0;
}

static int
batch_finish(struct batch *b, int r, struct hoso_err *err)
{
	int i;

	while (r == 0 && b->head != b->tail)
		r = drain(b, true, true);
	pthread_mutex_lock(&b->mu);
	b->closing = true;
	/* A fatal stop leaves queued jobs: workers skip them, and nobody waits for a turn. */
	b->next = b->tail;
	pthread_cond_broadcast(&b->work);
	pthread_cond_broadcast(&b->turn);
	pthread_mutex_unlock(&b->mu);
	for (i = 0; i < b->n_workers; i++) {
		pthread_join(b->workers[i].thread, NULL);
		hoso_ocr_free(b->workers[i].eng);
	}
	while (b->head != b->tail) {
		struct job *j = &b->ring[b->head++ % b->cap];
		if (j->group_last && b->cur == NULL)
			group_free(j->group);
		job_clear(j);
	}
	if (b->sum->pages > 0)
		b->sum->confidence = b->conf_sum / (double)b->sum->pages;
	hoso_buf_free(&b->file_text);
	hoso_buf_free(&b->file_hocr);
	if (r != 0)
		fpages_free(b);
	if (r != 0 && err != NULL && b->fatal.code != 0)
		*err = b->fatal;
	free(b->ring);
	free(b->workers);
	hoso_index_writer_close(&b->index);
	free(b->index_store);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->done);
	pthread_cond_destroy(&b->turn);
	return r;
}

/* ---- --shard ---- */

int
hoso_ocrrun_shard(const char *path, unsigned n, unsigned *shard, struct hoso_err *err)
{
	char hex[HOSO_SHA256_HEX];
	size_t end = strlen(path), start;
	int r;

	if (n == 0)
		return hoso_err_set(err, HOSO_EUSAGE, _("--shard: there must be 1 or more shards"));
	while (end > 1 && path[end - 1] == '/')
		end--;
	for (start = end; start > 0 && path[start - 1] != '/'; start--)
		;
	if ((r = hoso_digest_sha256_hex(path + start, end - start, hex, err)) != 0)
		return r;
	hex[8] = '\0';
	*shard = 1 + (unsigned)(strtoul(hex, NULL, 16) % n);
	return 0;
}

/* ---- dossiers ---- */

bool
hoso_ocrrun_is_dossier(const char *path)
{
	return hoso_store_is_dossier(path);
}


/* Under the lock, what a killed run left in ocr/ is garbage: our temporary files. */
static int
sweep_ocr(const char *ocrdir, struct hoso_err *err)
{
	struct dirent *de;
	DIR *dp;
	int r = 0;

	if ((dp = opendir(ocrdir)) == NULL)
		return hoso_err_sys(err, errno, _("%s: cannot read directory"), ocrdir);
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] != '.' || strstr(de->d_name, ".tmp.") == NULL)
			continue;
		if (unlinkat(dirfd(dp), de->d_name, 0) != 0 && errno != ENOENT) {
			r = hoso_err_sys(err, errno, _("%s/%s: cannot remove"), ocrdir, de->d_name);
			break;
		}
	}
	closedir(dp);
	return r;
}

/* The file's content equals want (both small). */
static bool
holds(const char *path, const char *want)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err ignored;
	bool same;

	same = hoso_file_read(path, SMALL_MAX, &b, &ignored) == 0 &&
	    strcmp(hoso_buf_str(&b), want) == 0;
	hoso_buf_free(&b);
	return same;
}

/* "0001" from "pages/0001.norm.tif": the page's file number names its OCR files. */
static void
page_stem(const struct hoso_page *p, char stem[16])
{
	const char *name = p->norm + strlen("pages/");
	size_t n = strspn(name, "0123456789");

	if (n == 0 || n >= 16)
		n = 0;
	memcpy(stem, name, n);
	stem[n] = '\0';
}

static int
dossier_done(struct batch *b, const struct hoso_buf *manifest, bool *done)
{
	struct hoso_dossier *d = b->cur;
	struct hoso_buf path = HOSO_BUF_INIT(0), want = HOSO_BUF_INIT(0);
	struct stat st;
	char stem[16];
	size_t i;
	int r = 0;

	*done = false;
	for (i = 0; i < d->n_pages; i++) {
		const struct hoso_page *p = &d->pages[i];
		page_stem(p, stem);
		hoso_buf_reset(&want);
		if (p->ocr_status == NULL || strcmp(p->ocr_status, "ok") != 0)
			goto out;
		if ((r = hoso_buf_addf(&want, &b->fatal, "%s\n", p->sha256)) != 0 ||
		    (r = ocr_path(b, stem, ".sha256", &path, &b->fatal)) != 0)
			goto out;
		if (!holds(path.data, want.data))
			goto out;
		if ((r = ocr_path(b, stem, ".txt", &path, &b->fatal)) != 0 || stat(path.data, &st) != 0 ||
		    (r = ocr_path(b, stem, ".hocr", &path, &b->fatal)) != 0 || stat(path.data, &st) != 0)
			goto out;
	}
	if ((r = ocr_path(b, "dossier", ".pdf.sha256", &path, &b->fatal)) != 0 ||
	    !holds(path.data, hoso_buf_str(manifest)))
		goto out;
	if ((r = ocr_path(b, "dossier", ".pdf", &path, &b->fatal)) != 0 || stat(path.data, &st) != 0)
		goto out;
	*done = true;
out:
	hoso_buf_free(&path);
	hoso_buf_free(&want);
	return r;
}

static void
outcomes_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n_outcomes; i++) {
		free((char *)b->outcomes[i].sha256);
		free((char *)b->outcomes[i].status);
		free((char *)b->outcomes[i].text);
		free((char *)b->outcomes[i].hocr);
	}
	free(b->outcomes);
	b->outcomes = NULL;
	b->n_outcomes = 0;
}

/* The PDF and its manifest, once every page of the dossier is committed; *made: a PDF is there. */
static int
finish_dossier(struct batch *b, struct group *g, bool *made)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), pdf = HOSO_BUF_INIT(0);
	int r;

	*made = false;
	if ((r = ocr_path(b, "dossier", ".pdf.sha256", &path, &b->fatal)) != 0 ||
	    (r = ocr_path(b, "dossier", ".pdf", &pdf, &b->fatal)) != 0)
		goto out;
	/* The manifest goes first and comes back last: a crash between leaves "not done". */
	if (unlink(path.data) != 0 && errno != ENOENT) {
		r = hoso_err_sys(&b->fatal, errno, _("%s: cannot remove"), path.data);
		goto out;
	}
	if (g->pdf == NULL && g->err.code == 0) {
		/* No page could be recognized: an old PDF would claim otherwise. */
		if (unlink(pdf.data) != 0 && errno != ENOENT)
			r = hoso_err_sys(&b->fatal, errno, _("%s: cannot remove"), pdf.data);
		goto out;
	}
	if ((r = finish_group(b, g)) != 0)
		goto out;
	*made = true;
	r = hoso_file_write_atomic(path.data, g->manifest.data, g->manifest.len, &b->fatal);
out:
	hoso_buf_free(&path);
	hoso_buf_free(&pdf);
	return r;
}

/*
 * A dossier that cannot be opened (not one, damaged dossier.xml) is that
 * input's failure; the run goes on.
 */
static int
dossier_failed(struct batch *b, const char *dir, const struct hoso_err *why)
{
	struct job j;
	int r;

	memset(&j, 0, sizeof(j));
	j.err = *why;
	if (strncmp(why->msg, dir, strlen(dir)) != 0)
		hoso_err_set(&j.err, why->code, "%s: %.400s", dir, why->msg);
	if ((j.label = strdup(dir)) == NULL)
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	r = fail_page(b, &j);
	free(j.label);
	return r;
}

/*
 * A dossier that is done may come from a run that did not list its OCR
 * files in dossier.xml yet: list them (set_ocr writes only on a change).
 */
static int
list_done(struct batch *b)
{
	const struct hoso_dossier *d = b->cur;
	struct hoso_page_ocr *po;
	char stem[16];
	size_t i;
	int r = 0;

	if ((b->outcomes = calloc(d->n_pages, sizeof(*b->outcomes))) == NULL)
		return hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
	for (i = 0; i < d->n_pages; i++) {
		const struct hoso_page *p = &d->pages[i];
		po = &b->outcomes[b->n_outcomes];
		page_stem(p, stem);
		if (stem[0] == '\0')
			continue;
		po->confidence = p->ocr_confidence;
		b->n_outcomes++;
		if ((po->sha256 = strdup(p->sha256)) == NULL ||
		    (po->status = strdup(p->ocr_status)) == NULL) {
			r = hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
			goto out;
		}
		if ((r = ocr_rel(stem, ".txt", &po->text, &b->fatal)) != 0 ||
		    (r = ocr_rel(stem, ".hocr", &po->hocr, &b->fatal)) != 0)
			goto out;
	}
	if (b->opts->templates != NULL) {
		struct hoso_buf fpath = HOSO_BUF_INIT(0);
		struct stat st;
		bool have;
		if ((r = ocr_path(b, "fields", ".xml", &fpath, &b->fatal)) != 0) {
			hoso_buf_free(&fpath);
			goto out;
		}
		have = stat(fpath.data, &st) == 0;
		hoso_buf_free(&fpath);
		r = hoso_store_set_ocr_outputs(b->cur, b->outcomes, b->n_outcomes,
		    "ocr/dossier.pdf", have ? "ocr/fields.xml" : NULL, &b->fatal);
	} else {
		r = hoso_store_set_ocr_files(b->cur, b->outcomes, b->n_outcomes,
		    "ocr/dossier.pdf", &b->fatal);
	}
	if (r == 0)
		index_dossier(b);
out:
	outcomes_free(b);
	return r;
}

/* What ocr/fields.xml is made from: the form option, the templates, the pages. */
static int
fields_key(struct batch *b, const struct hoso_buf *manifest, struct hoso_buf *key)
{
	const struct hoso_template_set *set = b->opts->templates;
	size_t i;
	int r;

	hoso_buf_reset(key);
	if ((r = hoso_buf_addf(key, &b->fatal, "form %s\ntemplates", b->opts->form_name ?
	    b->opts->form_name : "auto")) != 0)
		return r;
	for (i = 0; i < set->n; i++)
		if ((r = hoso_buf_addf(key, &b->fatal, " %s", set->templates[i]->name)) != 0)
			return r;
	return hoso_buf_addf(key, &b->fatal, "\n%s", hoso_buf_str(manifest));
}

/*
 * A dossier read again keeps what a person confirmed or corrected in the
 * fields document before (review(1)): carried into doc, the flagged count
 * lowered by those no longer flagged. An old document that cannot be read
 * has nothing to carry.
 */
static int
keep_reviews(struct batch *b, const char *path, struct hoso_buf *doc)
{
	struct hoso_buf old = HOSO_BUF_INIT(HOSO_REVIEW_FIELDS_MAX);
	struct hoso_review_doc *od = NULL, *nd = NULL;
	struct hoso_err e;
	size_t before, carried;
	int r = 0;

	hoso_err_clear(&e);
	if (hoso_file_read(path, HOSO_REVIEW_FIELDS_MAX, &old, &e) != 0 ||
	    hoso_review_parse(old.data, old.len, path, &od, &e) != 0)
		goto out;
	if ((r = hoso_review_parse(doc->data, doc->len, path, &nd, &b->fatal)) != 0)
		goto out;
	before = hoso_review_left(nd);
	if ((r = hoso_review_carry(od, nd, &carried, &b->fatal)) != 0 || carried == 0)
		goto out;
	b->sum->fields_review -= before - hoso_review_left(nd);
	hoso_buf_reset(doc);
	r = hoso_review_to_xml(nd, doc, &b->fatal);
out:
	hoso_review_doc_free(od);
	hoso_review_doc_free(nd);
	hoso_buf_free(&old);
	return r;
}

/*
 * ocr/fields.xml of the pages a template matched (none: no file), the key
 * last. *listed is what dossier.xml is to list.
 */
static int
write_fields(struct batch *b, const struct hoso_buf *key, const char **listed)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), doc = HOSO_BUF_INIT(OUTPUT_MAX);
	int r;

	*listed = NULL;
	if ((r = ocr_path(b, "fields", ".key", &path, &b->fatal)) != 0)
		goto out;
	if (unlink(path.data) != 0 && errno != ENOENT) {
		r = hoso_err_sys(&b->fatal, errno, _("%s: cannot remove"), path.data);
		goto out;
	}
	if ((r = ocr_path(b, "fields", ".xml", &path, &b->fatal)) != 0)
		goto out;
	if (b->n_fpages == 0) {
		if (unlink(path.data) != 0 && errno != ENOENT) {
			r = hoso_err_sys(&b->fatal, errno, _("%s: cannot remove"), path.data);
			goto out;
		}
	} else {
		if ((r = fields_doc(b, &doc)) != 0 ||
		    (r = keep_reviews(b, path.data, &doc)) != 0 ||
		    (r = write_if_changed(path.data, &doc, &b->fatal)) != 0)
			goto out;
		*listed = "ocr/fields.xml";
	}
	if ((r = ocr_path(b, "fields", ".key", &path, &b->fatal)) != 0)
		goto out;
	r = hoso_file_write_atomic(path.data, key->data, key->len, &b->fatal);
out:
	hoso_buf_free(&path);
	hoso_buf_free(&doc);
	return r;
}

static int
do_dossier(struct batch *b, const char *dir, size_t input)
{
	const struct hoso_ocrrun_opts *o = b->opts;
	struct hoso_buf store = HOSO_BUF_INIT(0), code = HOSO_BUF_INIT(0), ocrdir = HOSO_BUF_INIT(0);
	struct hoso_buf manifest = HOSO_BUF_INIT(SMALL_MAX), pdf = HOSO_BUF_INIT(0);
	struct hoso_buf fkey = HOSO_BUF_INIT(0), fpath = HOSO_BUF_INIT(0);
	const char *fields_listed;
	struct hoso_err e;
	struct group *g = NULL;
	struct job j;
	bool locked = false, done, made;
	size_t i;
	int r;

	hoso_err_clear(&e);
	if ((r = hoso_store_split(dir, &store, &code, &b->fatal)) != 0)
		goto out;
	if (hoso_store_open(store.data, code.data, false, &b->cur, &e) != 0) {
		r = e.code == HOSO_EINPUT ? dossier_failed(b, dir, &e) : (b->fatal = e, e.code);
		goto out;
	}
	if ((r = hoso_store_lock(b->cur, &b->fatal)) != 0)
		goto out;
	locked = true;
	if ((r = hoso_file_join(&ocrdir, b->cur->dir, "ocr", &b->fatal)) != 0 ||
	    (r = hoso_file_mkdirs(ocrdir.data, &b->fatal)) != 0 ||
	    (r = sweep_ocr(ocrdir.data, &b->fatal)) != 0)
		goto out;
	for (i = 0; i < b->cur->n_pages; i++)
		if ((r = hoso_buf_addf(&manifest, &b->fatal, "%s\n", b->cur->pages[i].sha256)) != 0)
			goto out;
	if ((r = dossier_done(b, &manifest, &done)) != 0)
		goto out;
	/* Fields asked for and not made from these pages with these templates: not done. */
	if (o->templates != NULL && done) {
		if ((r = fields_key(b, &manifest, &fkey)) != 0 ||
		    (r = ocr_path(b, "fields", ".key", &fpath, &b->fatal)) != 0)
			goto out;
		done = holds(fpath.data, fkey.data);
	}
	if (b->cur->n_pages == 0 || (done && !o->force)) {
		if (done && b->cur->n_pages > 0 && (r = list_done(b)) != 0)
			goto out;
		b->sum->dossiers_skipped++;
		b->sum->skipped += b->cur->n_pages;
		hoso_log(o->log, HOSO_LOG_INFO, _("%s: up to date (%zu pages)"), dir,
		    b->cur->n_pages);
		goto out;
	}
	b->sum->dossiers++;
	if ((b->outcomes = calloc(b->cur->n_pages, sizeof(*b->outcomes))) == NULL ||
	    (r = ocr_path(b, "dossier", ".pdf", &pdf, &b->fatal)) != 0 ||
	    (g = group_new(pdf.data, b->cur->code)) == NULL) {
		r = r ? r : hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
		goto out;
	}
	b->cur_group = g;
	for (i = 0; i < b->cur->n_pages; i++) {
		const struct hoso_page *p = &b->cur->pages[i];
		struct hoso_buf lab = HOSO_BUF_INIT(0), path = HOSO_BUF_INIT(0);

		memset(&j, 0, sizeof(j));
		if ((r = hoso_buf_addf(&lab, &b->fatal, _("%s: page %d"), dir, p->n)) != 0 ||
		    (r = hoso_file_join(&path, b->cur->dir, p->norm, &b->fatal)) != 0) {
			hoso_buf_free(&lab);
			hoso_buf_free(&path);
			goto out;
		}
		j.label = hoso_buf_detach(&lab, NULL);
		j.path = hoso_buf_detach(&path, NULL);
		j.input = input;
		j.group = g;
		j.group_seq = (int)i;
		j.group_last = i + 1 == b->cur->n_pages;
		page_stem(p, j.stem);
		memcpy(j.sha256, p->sha256, sizeof(j.sha256));
		j.page_no = p->n;
		if ((r = enqueue(b, &j)) != 0)
			goto out;
	}
	if ((r = drain(b, true, true)) != 0 || (r = finish_dossier(b, g, &made)) != 0)
		goto out;
	/* Files first, the index last: now they exist for the other tools. */
	if (o->templates != NULL) {
		if ((r = fields_key(b, &manifest, &fkey)) != 0 ||
		    (r = write_fields(b, &fkey, &fields_listed)) != 0)
			goto out;
		r = hoso_store_set_ocr_outputs(b->cur, b->outcomes, b->n_outcomes,
		    made ? "ocr/dossier.pdf" : NULL, fields_listed, &b->fatal);
	} else {
		r = hoso_store_set_ocr_files(b->cur, b->outcomes, b->n_outcomes,
		    made ? "ocr/dossier.pdf" : NULL, &b->fatal);
	}
	if (r == 0)
		index_dossier(b);
out:
	fpages_free(b);
	hoso_buf_free(&fkey);
	hoso_buf_free(&fpath);
	outcomes_free(b);
	if (locked)
		hoso_store_unlock(b->cur);
	/*
	 * On a fatal stop, jobs in flight may still point at the dossier and its
	 * PDF: they are freed after batch_finish has stopped the workers.
	 */
	if (r == 0 || b->head == b->tail) {
		group_free(g);
		b->cur_group = NULL;
		hoso_store_close(b->cur);
		b->cur = NULL;
	}
	hoso_buf_free(&store);
	hoso_buf_free(&code);
	hoso_buf_free(&ocrdir);
	hoso_buf_free(&manifest);
	hoso_buf_free(&pdf);
	return r;
}

int
hoso_ocrrun_dossiers(const struct hoso_ocrrun_opts *o, const char *const *dirs, size_t n,
    struct hoso_ocrrun_summary *sum, struct hoso_err *err)
{
	struct batch b;
	size_t i;
	int r;

	if ((r = batch_init(&b, o, sum, err)) != 0)
		return batch_finish(&b, r, NULL);
	b.items_total = n;
	for (i = 0; i < n && r == 0; i++) {
		r = do_dossier(&b, dirs[i], i);
		b.items_done = i + 1;
		if (r == 0 && o->progress != NULL) {
			struct hoso_ocrrun_progress p = { b.items_done, n, b.pages_done, dirs[i] };
			o->progress(o->ctx, &p);
		}
	}
	r = batch_finish(&b, r, err);
	/* A dossier left open by a fatal stop: its jobs are gone now. */
	group_free(b.cur_group);
	hoso_store_close(b.cur);
	return r;
}

/* ---- image files ---- */

/* DIR/NAME for an input: its base name without the last extension. */
static int
out_base(const char *outdir, const char *file, struct hoso_buf *out, struct hoso_err *err)
{
	const char *base = strrchr(file, '/'), *dot;
	size_t n;

	base = base != NULL ? base + 1 : file;
	dot = strrchr(base, '.');
	n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
	hoso_buf_reset(out);
	return hoso_buf_addf(out, err, "%s/%.*s", outdir, (int)n, base);
}

/*
 * Queue the pages of one image file: a multipage TIFF page by page (each
 * taken out as a TIFF of its own), anything else whole. A file that cannot
 * be read fails in its turn, as one page.
 */
static int
queue_file(struct batch *b, const char *file, size_t input, struct group **shared,
    bool last_file, int *page_index)
{
	const struct hoso_ocrrun_opts *o = b->opts;
	struct hoso_buf data = HOSO_BUF_INIT(0), base = HOSO_BUF_INIT(0), pdf = HOSO_BUF_INIT(0);
	struct hoso_buf lab = HOSO_BUF_INIT(0);
	struct hoso_tiff *t = NULL;
	struct hoso_err e;
	struct group *own = NULL;
	struct job j;
	int n = 1, i, r = 0;

	hoso_err_clear(&e);
	if (hoso_file_read(file, o->max_file_size, &data, &e) == 0 && hoso_tiff_is(data.data,
	    data.len) && (hoso_tiff_open(data.data, data.len, file, &t, &e) != 0 ||
	    hoso_tiff_count(t, &n, &e) != 0))
		n = 1;
	if (o->outdir != NULL) {
		if ((r = out_base(o->outdir, file, &base, &b->fatal)) != 0 ||
		    (r = hoso_buf_addf(&pdf, &b->fatal, "%s.pdf", base.data)) != 0)
			goto out;
		if ((own = group_new(pdf.data, strrchr(pdf.data, '/') + 1)) == NULL) {
			r = hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
			goto out;
		}
	}
	for (i = 0; i < n && r == 0; i++) {
		memset(&j, 0, sizeof(j));
		hoso_buf_reset(&lab);
		j.err = e;
		if (n > 1)
			r = hoso_buf_addf(&lab, &b->fatal, _("%s: page %d"), file, i + 1);
		else
			r = hoso_buf_adds(&lab, file, &b->fatal);
		if (r != 0 || (j.path = strdup(file)) == NULL ||
		    (o->outdir != NULL && (j.outbase = strdup(base.data)) == NULL)) {
			job_clear(&j);
			r = r ? r : hoso_err_set(&b->fatal, HOSO_EIO, _("out of memory"));
			break;
		}
		j.label = hoso_buf_detach(&lab, NULL);
		if (j.err.code == 0 && n > 1 && hoso_tiff_extract(t, i, &j.data, &j.err) != 0)
			hoso_buf_free(&j.data);
		else if (j.err.code == 0 && n == 1) {
			j.data = data;
			hoso_buf_init(&data, 0);
		}
		j.input = input;
		j.page_no = i + 1;
		j.file_last = i + 1 == n;
		if (own != NULL) {
			j.page_index = i;
			j.group = own;
			j.group_seq = i;
			j.group_last = j.file_last;
			if (j.group_last)
				own = NULL;	/* the last page's commit frees it */
		} else {
			j.group_seq = *page_index;
			j.page_index = (*page_index)++;
			j.group = *shared;
			j.group_last = j.file_last && last_file;
			if (j.group_last)
				*shared = NULL;
		}
		r = enqueue(b, &j);
	}
out:
	group_free(own);
	hoso_tiff_close(t);
	hoso_buf_free(&data);
	hoso_buf_free(&base);
	hoso_buf_free(&pdf);
	hoso_buf_free(&lab);
	return r;
}

int
hoso_ocrrun_images(const struct hoso_ocrrun_opts *o, const char *const *files, size_t n,
    struct hoso_ocrrun_summary *sum, struct hoso_err *err)
{
	struct group *shared = NULL;
	const char *title;
	struct batch b;
	size_t i;
	int page_index = 0, r;

	if ((r = batch_init(&b, o, sum, err)) != 0)
		return batch_finish(&b, r, NULL);
	b.items_total = n;
	if (o->outdir != NULL && (r = hoso_file_mkdirs(o->outdir, &b.fatal)) != 0)
		goto out;
	if (o->pdf != NULL && o->outdir == NULL && n > 0) {
		title = strrchr(o->pdf, '/') ? strrchr(o->pdf, '/') + 1 : o->pdf;
		if ((shared = group_new(o->pdf, title)) == NULL) {
			r = hoso_err_set(&b.fatal, HOSO_EIO, _("out of memory"));
			goto out;
		}
	}
	for (i = 0; i < n && r == 0; i++) {
		r = queue_file(&b, files[i], i, &shared, i + 1 == n, &page_index);
		b.items_done = i + 1;
	}
out:
	r = batch_finish(&b, r, err);
	group_free(shared);
	/* Without --outdir the fields of every page make one document, for the caller to write. */
	if (r == 0 && o->templates != NULL && o->outdir == NULL) {
		hoso_buf_init(&sum->fields, OUTPUT_MAX);
		if ((r = fields_doc(&b, &sum->fields)) != 0 && err != NULL)
			*err = b.fatal;
	}
	fpages_free(&b);
	return r;
}

void
hoso_ocrrun_summary_free(struct hoso_ocrrun_summary *sum)
{
	size_t i;

	for (i = 0; i < sum->n_failures; i++)
		free(sum->failures[i].label);
	free(sum->failures);
	hoso_buf_free(&sum->fields);
	memset(sum, 0, sizeof(*sum));
}
