/*
 * review - the verification station: a local web page where a clerk sees each flagged form value
 * beside the part of the page it was read from, types the right value and saves it; and the same
 * for scripts and spreadsheets (--list, --export, --import).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "http.h"
#include "index.h"
#include "img.h"
#include "pdf.h"
#include "register.h"
#include "review.h"
#include "sort.h"
#include "store.h"
#include "template.h"
#include "utf8.h"
#include "validate.h"
#include "xlsx.h"

#include "review-assets.h"

static const char *
usage_text(void)
{
	return _("Usage: review [OPTION]... STORE|DOSSIER...\n"
	    "       review --list STORE|DOSSIER...\n"
	    "       review --export FILE.csv|FILE.xlsx STORE|DOSSIER...\n"
	    "       review --import FILE.csv|FILE.xlsx STORE|DOSSIER...\n"
	    "       review --export-training DIR STORE|DOSSIER...\n"
	    "Let a person check the form values ocr-extract flagged for review: a local web\n"
	    "page shows each one beside the part of the page it was read from; the typed\n"
	    "value is validated and saved into the dossier's ocr/fields.xml, keeping the\n"
	    "machine's reading, who and when. The page's address, with its access token,\n"
	    "is the first line of standard output.\n"
	    "\n"
	    "      --listen ADDR:PORT serve on this address (default 127.0.0.1 and a free\n"
	    "                         port; anything but loopback is reachable by others)\n"
	    "      --user NAME        who is reviewing (default: the login name)\n"
	    "      --idle-exit SECS   stop after SECS seconds without a request\n"
	    "      --templates DIR    form templates, for labels and validators (default:\n"
	    "                         the installed ones)\n"
	    "      --list             print the dossiers with values left to review\n"
	    "      --export FILE      write every flagged value to FILE (CSV, or a\n"
	    "                         workbook when FILE ends in .xlsx)\n"
	    "      --import FILE      apply the corrections of FILE (CSV or .xlsx, the\n"
	    "                         columns of --export and a filled-in 'value' column)\n"
	    "      --export-training DIR  each value a person checked, as the line image\n"
	    "                         and its text (NAME.png, NAME.gt.txt) for training\n"
	    "  -q, --quiet            only errors\n"
	    "  -v, --verbose          log each request\n"
	    "  -h, --help             this help\n"
	    "      --version          version\n"
	    "\n"
	    "Exit status: 0 done (--list: nothing left), 1 --list: values left, --import:\n"
	    "a row refused, 2 usage, 3 bad input, 4 I/O error.\n"
	    "See review(1), ocr-extract(1).\n");
}

enum { OPT_LISTEN = 256, OPT_USER, OPT_IDLE, OPT_TEMPLATES, OPT_LIST, OPT_EXPORT, OPT_IMPORT,
    OPT_TRAINING };

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "user", required_argument, NULL, OPT_USER },
	{ "idle-exit", required_argument, NULL, OPT_IDLE },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "import", required_argument, NULL, OPT_IMPORT },
	{ "export-training", required_argument, NULL, OPT_TRAINING },
	{ NULL, 0, NULL, 0 },
};

/* A dossier the operands name: STORE/CODE. */
struct target {
	char *store;
	char *code;
};

/* A decoded page kept for the next crops of the same page. */
struct cached_page {
	char *path;
	struct hoso_img *img;
	unsigned long used;
};

#define CACHE_PAGES 4
#define MAX_BODY (256u * 1024u)
#define MAX_PAGE_PIXELS (200u * 1000u * 1000u)
#define CROP_WIDTH 1400

struct app {
	struct cli *c;
	char **operands;		/* stores and dossiers as given */
	size_t n_operands;
	struct hoso_template_set templates;
	bool have_templates;
	const char *user;
	char token[33];
	char cookie[32];		/* the token's cookie name: one per port */
	char listen_addr[64];
	bool loopback;
	unsigned port;
	bool vi;			/* the page in Vietnamese */
	pthread_mutex_t mu;		/* the page cache */
	struct cached_page cache[CACHE_PAGES];
	unsigned long clock;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* ---- operands: stores and dossiers ---- */

static int
split_dossier(const char *dir, struct target *t, struct hoso_err *err)
{
	struct hoso_buf store = HOSO_BUF_INIT(0), code = HOSO_BUF_INIT(0);
	int r;

	if ((r = hoso_store_split(dir, &store, &code, err)) == 0) {
		t->store = hoso_buf_detach(&store, NULL);
		t->code = hoso_buf_detach(&code, NULL);
	}
	hoso_buf_free(&store);
	hoso_buf_free(&code);
	return r;
}

/* Every dossier the operands name, in operand order, each store's in code order. */
static int
list_targets(const struct app *a, struct target **out, size_t *n, struct hoso_err *err)
{
	struct target *t = NULL;
	char **paths = NULL;
	size_t n_paths = 0, i;
	int r;

	*n = 0;
	if ((r = hoso_store_expand(a->operands, a->n_operands, &paths, &n_paths, err)) != 0)
		goto out;
	if ((t = calloc(n_paths + 1, sizeof(*t))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < n_paths; i++) {
		/* An operand that is neither store nor dossier names no dossier. */
		if (!hoso_store_is_dossier(paths[i]))
			continue;
		if ((r = split_dossier(paths[i], &t[*n], err)) != 0) {
			(*n)++;
			goto out;
		}
		(*n)++;
	}
out:
	hoso_store_codes_free(paths, n_paths);
	if (r != 0) {
		for (i = 0; i < *n; i++) {
			free(t[i].store);
			free(t[i].code);
		}
		free(t);
		t = NULL;
		*n = 0;
	}
	*out = t;
	return r;
}

static void
targets_release(struct target *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].store);
		free(t[i].code);
	}
	free(t);
}

/*
 * Open the dossier code of the operands (the first that has it); HOSO_ENO when
 * none has. Looked up by name in each operand, not by listing the stores:
 * every request of the page comes here.
 */
static int
open_code(const struct app *a, const char *code, struct hoso_dossier **d, struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), store = HOSO_BUF_INIT(0), name = HOSO_BUF_INIT(0);
	size_t i;
	int r = HOSO_ENO;

	*d = NULL;
	if (!hoso_store_code_ok(code))
		return HOSO_ENO;
	for (i = 0; i < a->n_operands && r == HOSO_ENO; i++) {
		const char *op = a->operands[i];
		if (hoso_store_is_dossier(op)) {
			if ((r = hoso_store_split(op, &store, &name, err)) == 0)
				r = strcmp(name.data, code) == 0 ?
				    hoso_store_read(store.data, code, d, err) : HOSO_ENO;
		} else if ((r = hoso_file_join(&path, op, code, err)) == 0) {
			r = hoso_store_is_dossier(path.data) ? hoso_store_read(op, code, d, err) :
			    HOSO_ENO;
		}
	}
	hoso_buf_free(&path);
	hoso_buf_free(&store);
	hoso_buf_free(&name);
	return r;
}

/* ---- what a row shows ---- */

static const struct hoso_template_field *
tfield(const struct app *a, const char *form, const char *name)
{
	const struct hoso_template *t;
	size_t i;

	if (!a->have_templates || (t = hoso_template_find(&a->templates, form)) == NULL)
		return NULL;
	for (i = 0; i < t->n_fields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

static const char *
field_label(const struct app *a, const char *form, const char *name)
{
	const struct hoso_template_field *f = tfield(a, form, name);

	return f != NULL && f->n_labels > 0 ? f->labels[0] : name;
}

/* The validator's answer on a value: "" when it passes (or nothing is there). */
static void
validator_says(const struct app *a, const char *form, const struct hoso_review_field *f,
    char *out, size_t size)
{
	const struct hoso_template_field *tf = tfield(a, form, f->name);
	struct hoso_validate_result res;
	struct hoso_buf v = HOSO_BUF_INIT(64 * 1024);
	struct hoso_err err = { 0 };

	out[0] = '\0';
	if (f->value[0] == '\0')
		snprintf(out, size, "%s", _("no value"));
	else if (hoso_validate_value(tf != NULL ? tf->type : HOSO_VALIDATE_TEXT, f->value,
	    tf != NULL ? (const char *const *)tf->values : NULL, tf != NULL ? tf->n_values : 0,
	    &v, &res, &err) == 0 && !res.ok)
		snprintf(out, size, "%s", res.reason);
	hoso_buf_free(&v);
}

/*
 * A reason of fields.xml (written in English, for programs) as the clerk's
 * language says it, when it is one of the fixed ones; others as they are.
 */
static const char *
reason_text(const char *reason, char *buf, size_t size)
{
	static const char *const fixed[] = {
		N_("label not found"), N_("no value after the label"), N_("handwritten"),
		N_("two readings differ"), N_("section end not found"),
	};
	int a, b, n = 0;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(reason, fixed[i]) == 0)
			return _(fixed[i]);
	if (sscanf(reason, "confidence %d below %d%n", &a, &b, &n) == 2 && reason[n] == '\0') {
		snprintf(buf, size, _("confidence %d below %d"), a, b);
		return buf;
	}
	return reason;
}

/* True when the dossier's searchable PDF carries a signature (sign-pack --pades). */
static bool
dossier_signed(const struct hoso_dossier *d)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	struct hoso_pdf_sig *sigs = NULL;
	struct hoso_pdf *pdf = NULL;
	size_t n = 0;

	if (d->ocr_pdf == NULL || hoso_file_join(&path, d->dir, d->ocr_pdf, &err) != 0 ||
	    hoso_pdf_open_file(path.data, path.data, &pdf, &err) != 0 ||
	    hoso_pdf_sigs(pdf, &sigs, &n, &err) != 0)
		n = 0;
	hoso_pdf_sigs_free(sigs, n);
	hoso_pdf_close(pdf);
	hoso_buf_free(&path);
	return n > 0;
}

/* ---- HTML and JSON text ---- */

static int
esc(struct hoso_buf *b, const char *s, struct hoso_err *err)
{
	int r = 0;

	for (; r == 0 && *s != '\0'; s++) {
		switch (*s) {
		case '&': r = hoso_buf_adds(b, "&amp;", err); break;
		case '<': r = hoso_buf_adds(b, "&lt;", err); break;
		case '>': r = hoso_buf_adds(b, "&gt;", err); break;
		case '"': r = hoso_buf_adds(b, "&quot;", err); break;
		case '\'': r = hoso_buf_adds(b, "&#39;", err); break;
		default: r = hoso_buf_addc(b, *s, err); break;
		}
	}
	return r;
}

/* Corrections saved: the store's search index learns them (lookup marks them reviewed). */
static void
index_saved(const struct app *a, const struct hoso_dossier *d)
{
	struct hoso_buf store = HOSO_BUF_INIT(0), code = HOSO_BUF_INIT(0);
	struct hoso_index_writer w;
	struct hoso_err e;

	hoso_err_clear(&e);
	if (hoso_store_split(d->dir, &store, &code, &e) == 0) {
		hoso_index_writer_init(&w, hoso_buf_str(&store),
		    a->have_templates ? &a->templates : NULL, false, &a->c->log);
		hoso_index_writer_dossier(&w, hoso_buf_str(&code));
		hoso_index_writer_close(&w);
	}
	hoso_buf_free(&store);
	hoso_buf_free(&code);
}

static int
page_head(const struct app *a, struct hoso_buf *b, const char *title, struct hoso_err *err)
{
	int r;

	if ((r = hoso_buf_addf(b, err, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>", a->vi ? "vi" : "en")) != 0 ||
	    (r = esc(b, title, err)) != 0)
		return r;
	return hoso_buf_adds(b, "</title>\n<link rel=\"stylesheet\" href=\"/static/review.css\">\n"
	    "<script src=\"/static/review.js\" defer></script>\n</head>\n<body>\n", err);
}

/* ---- the start page ---- */

struct listed {
	struct target t;
	char *title;
	char *date;			/* ngay_tiep_nhan, or "" */
	size_t left, total;
	bool has_fields;
};

static int
cmp_listed(const void *pa, const void *pb)
{
	const struct listed *x = pa, *y = pb;
	int c;

	/* Values left first, then newest: date received, then code, both descending. */
	if ((x->left > 0) != (y->left > 0))
		return x->left > 0 ? -1 : 1;
	if ((c = strcmp(y->date, x->date)) != 0)
		return c;
	return strcmp(y->t.code, x->t.code);
}

/* Every dossier of the operands with its counts; a dossier that cannot be read gets a message. */
static int
survey(const struct app *a, struct listed **out, size_t *n, struct hoso_err *err)
{
	struct target *t;
	struct listed *l;
	size_t nt, i;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = list_targets(a, &t, &nt, err)) != 0)
		return r;
	if ((l = calloc(nt + 1, sizeof(*l))) == NULL) {
		targets_release(t, nt);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	for (i = 0; i < nt; i++) {
		struct hoso_dossier *d = NULL;
		struct hoso_review_doc *doc = NULL;
		struct hoso_err e = { 0 };
		l[i].t = t[i];
		if (hoso_store_read(t[i].store, t[i].code, &d, &e) == 0 &&
		    hoso_review_load(d, &doc, &e) == 0) {
			l[i].left = hoso_review_left(doc);
			l[i].total = doc->n_fields;
			l[i].has_fields = d->ocr_fields != NULL;
			l[i].title = d->meta.tieu_de != NULL ? strdup(d->meta.tieu_de) : NULL;
			l[i].date = strdup(d->meta.ngay_tiep_nhan != NULL ? d->meta.ngay_tiep_nhan : "");
		} else {
			l[i].title = strdup(e.msg);
			l[i].date = strdup("");
		}
		hoso_review_doc_free(doc);
		hoso_store_close(d);
		if (l[i].date == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			break;
		}
	}
	free(t);	/* the strings moved into l */
	if (r == 0)
		hoso_sort(l, nt, sizeof(*l), cmp_listed);
	*out = l;
	*n = nt;
	return r;
}

static void
survey_free(struct listed *l, size_t n)
{
	size_t i;

	for (i = 0; l != NULL && i < n; i++) {
		free(l[i].t.store);
		free(l[i].t.code);
		free(l[i].title);
		free(l[i].date);
	}
	free(l);
}

static int
start_page(struct app *a, struct hoso_http_resp *resp, struct hoso_err *err)
{
	struct hoso_buf *b = &resp->body;
	struct listed *l = NULL;
	size_t n = 0, i, shown = 0, left = 0;
	int r;

	if ((r = survey(a, &l, &n, err)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		left += l[i].left;
	if ((r = page_head(a, b, _("Review of form values"), err)) != 0 ||
	    (r = hoso_buf_addf(b, err, "<header><h1>%s</h1><p class=\"who\">", _("Review of form "
	    "values"))) != 0 ||
	    (r = esc(b, a->user, err)) != 0 ||
	    (r = hoso_buf_addf(b, err, "</p></header>\n<main>\n<p id=\"summary\">")) != 0 ||
	    (r = hoso_buf_addf(b, err, ngettext("%zu value left to review", "%zu values left to "
	    "review", left), left)) != 0 ||
	    (r = hoso_buf_adds(b, "</p>\n<table class=\"dossiers\">\n<thead><tr><th>", err)) != 0 ||
	    (r = hoso_buf_addf(b, err, "%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n"
	    "<tbody>\n", _("Dossier"), _("Title"), _("Received"), _("Left to review"))) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (!l[i].has_fields)
			continue;
		shown++;
		if ((r = hoso_buf_addf(b, err, "<tr class=\"%s\"><td><a href=\"/d/",
		    l[i].left > 0 ? "todo" : "done")) != 0 ||
		    (r = esc(b, l[i].t.code, err)) != 0 ||
		    (r = hoso_buf_adds(b, "\">", err)) != 0 ||
		    (r = esc(b, l[i].t.code, err)) != 0 ||
		    (r = hoso_buf_adds(b, "</a></td><td>", err)) != 0 ||
		    (r = esc(b, l[i].title != NULL ? l[i].title : "", err)) != 0 ||
		    (r = hoso_buf_adds(b, "</td><td>", err)) != 0 ||
		    (r = esc(b, l[i].date, err)) != 0 ||
		    (r = hoso_buf_addf(b, err, "</td><td class=\"num\">%zu / %zu</td></tr>\n",
		    l[i].left, l[i].total)) != 0)
			goto out;
	}
	if (shown == 0 && (r = hoso_buf_addf(b, err, "<tr><td colspan=\"4\">%s</td></tr>\n",
	    _("No dossier has form fields yet: run ocr-extract --form first."))) != 0)
		goto out;
	r = hoso_buf_adds(b, "</tbody>\n</table>\n</main>\n</body>\n</html>\n", err);
	resp->type = "text/html; charset=utf-8";
out:
	survey_free(l, n);
	return r;
}

/* ---- a dossier's page ---- */

static int
field_row(const struct app *a, struct hoso_buf *b, const struct hoso_dossier *d,
    const struct hoso_review_doc *doc, const struct hoso_review_field *f, struct hoso_err *err)
{
	const struct hoso_review_form *fm = &doc->forms[f->form];
	char says[200], why[200];
	int r;

	validator_says(a, fm->name, f, says, sizeof(says));
	if ((r = hoso_buf_addf(b, err, "<div class=\"row%s\" data-field=\"%s\" data-tag=\"%s\">\n"
	    "<img class=\"crop\" alt=\"\" loading=\"lazy\" src=\"/crop/", f->review ? " flagged" :
	    "", f->name, f->tag)) != 0 ||
	    (r = esc(b, d->code, err)) != 0 ||
	    (r = hoso_buf_addf(b, err, "/%d/%s\">\n<label for=\"p%d-%s\">", fm->page, f->name,
	    fm->page, f->name)) != 0 ||
	    (r = esc(b, field_label(a, fm->name, f->name), err)) != 0 ||
	    (r = hoso_buf_addf(b, err, "</label>\n<input id=\"p%d-%s\" name=\"%s\" value=\"", fm->page,
	    f->name, f->name)) != 0 ||
	    (r = esc(b, f->value, err)) != 0 ||
	    (r = hoso_buf_addf(b, err, "\" autocomplete=\"off\" spellcheck=\"false\" "
	    "data-saved=\"")) != 0 ||
	    (r = esc(b, f->value, err)) != 0 ||
	    (r = hoso_buf_addf(b, err, "\">\n<input type=\"hidden\" name=\"v.%s\" value=\"%s\">\n"
	    "<p class=\"why\">", f->name, f->tag)) != 0)
		return r;
	if (f->review && f->reason != NULL &&
	    (r = esc(b, reason_text(f->reason, why, sizeof(why)), err)) != 0)
		return r;
	if (says[0] != '\0' && (f->reason == NULL || strstr(f->reason, says) == NULL) &&
	    ((r = hoso_buf_addf(b, err, " <span class=\"bad\">%s: ",
	    _("validator"))) != 0 || (r = esc(b, says, err)) != 0 ||
	    (r = hoso_buf_adds(b, "</span>", err)) != 0))
		return r;
	if (f->by != NULL && ((r = hoso_buf_addf(b, err, " <span class=\"by\">%s ",
	    _("checked by"))) != 0 || (r = esc(b, f->by, err)) != 0 ||
	    (r = hoso_buf_adds(b, ", ", err)) != 0 || (r = esc(b, f->at, err)) != 0 ||
	    (r = hoso_buf_adds(b, "</span>", err)) != 0))
		return r;
	return hoso_buf_adds(b, "</p>\n<p class=\"msg\" role=\"status\"></p>\n</div>\n", err);
}

static int
dossier_page(struct app *a, const struct hoso_dossier *d, struct hoso_http_resp *resp,
    struct hoso_err *err)
{
	struct hoso_buf *b = &resp->body;
	struct hoso_review_doc *doc = NULL;
	size_t i, k, left, folded;
	int r;

	if ((r = hoso_review_load(d, &doc, err)) != 0)
		return r;
	left = hoso_review_left(doc);
	if ((r = page_head(a, b, d->code, err)) != 0 ||
	    (r = hoso_buf_addf(b, err, "<header><a href=\"/\">%s</a><h1>", _("All dossiers"))) != 0 ||
	    (r = esc(b, d->code, err)) != 0 ||
	    (r = hoso_buf_adds(b, "</h1><p>", err)) != 0 ||
	    (r = esc(b, d->meta.tieu_de != NULL ? d->meta.tieu_de : "", err)) != 0 ||
	    (r = hoso_buf_adds(b, "</p><p id=\"left\">", err)) != 0 ||
	    (r = hoso_buf_addf(b, err, ngettext("%zu value left to review", "%zu values left to "
	    "review", left), left)) != 0 ||
	    (r = hoso_buf_addf(b, err, "</p></header>\n<main data-msg-saved=\"%s\" "
	    "data-msg-failed=\"%s\">\n", _("saved"), _("not saved: the review program does "
	    "not answer"))) != 0)
		goto out;
	if (dossier_signed(d) && (r = hoso_buf_addf(b, err, "<p class=\"signed\">%s</p>\n",
	    _("This dossier is already signed. Corrections are saved in the store; the signed "
	    "copies keep the values they were signed with until you sign again."))) != 0)
		goto out;
	if ((r = hoso_buf_addf(b, err, "<p class=\"keys\">%s</p>\n", _("Enter: save the row and "
	    "go to the next. Enter on an unchanged value confirms it. Esc: undo the typing. "
	    "Click a picture to enlarge it."))) != 0)
		goto out;
	for (i = 0; i < doc->n_forms; i++) {
		const struct hoso_review_form *fm = &doc->forms[i];
		if ((r = hoso_buf_addf(b, err, "<section>\n<h2>%s %d &middot; ", _("Page"),
		    fm->page)) != 0 ||
		    (r = esc(b, fm->name, err)) != 0 ||
		    (fm->source != NULL && ((r = hoso_buf_adds(b, " &middot; ", err)) != 0 ||
		    (r = esc(b, fm->source, err)) != 0)) ||
		    (r = hoso_buf_addf(b, err, "</h2>\n<form method=\"post\" action=\"/d/")) != 0 ||
		    (r = esc(b, d->code, err)) != 0 ||
		    (r = hoso_buf_addf(b, err, "/p/%d\" data-page=\"%d\">\n", fm->page, fm->page)) != 0)
			goto out;
		folded = 0;
		for (k = 0; k < doc->n_fields; k++)
			if (doc->fields[k].form == i && doc->fields[k].review &&
			    (r = field_row(a, b, d, doc, &doc->fields[k], err)) != 0)
				goto out;
		for (k = 0; k < doc->n_fields; k++)
			folded += doc->fields[k].form == i && !doc->fields[k].review;
		if (folded > 0) {
			if ((r = hoso_buf_adds(b, "<details>\n<summary>", err)) != 0 ||
			    (r = hoso_buf_addf(b, err, ngettext("%zu value not flagged",
			    "%zu values not flagged", folded), folded)) != 0 ||
			    (r = hoso_buf_adds(b, "</summary>\n", err)) != 0)
				goto out;
			for (k = 0; k < doc->n_fields; k++)
				if (doc->fields[k].form == i && !doc->fields[k].review &&
				    (r = field_row(a, b, d, doc, &doc->fields[k], err)) != 0)
					goto out;
			if ((r = hoso_buf_adds(b, "</details>\n", err)) != 0)
				goto out;
		}
		if ((r = hoso_buf_addf(b, err, "<button type=\"submit\">%s</button>\n</form>\n"
		    "</section>\n", _("Save the page"))) != 0)
			goto out;
	}
	r = hoso_buf_adds(b, "</main>\n</body>\n</html>\n", err);
	resp->type = "text/html; charset=utf-8";
out:
	hoso_review_doc_free(doc);
	return r;
}

/* ---- crops ---- */

static int
crop(struct app *a, const struct hoso_dossier *d, int page, const char *field,
    struct hoso_http_resp *resp, struct hoso_err *err)
{
	struct hoso_review_doc *doc = NULL;
	struct hoso_buf path = HOSO_BUF_INIT(0), data = HOSO_BUF_INIT(0);
	const struct hoso_review_field *f;
	struct cached_page *slot = NULL;
	struct hoso_img *img = NULL;
	int x0, y0, x1, y1, pad, r;
	size_t i;
	long k;

	if ((r = hoso_review_load(d, &doc, err)) != 0)
		goto out;
	if (page < 1 || (size_t)page > d->n_pages || (k = hoso_review_find(doc, page, field)) < 0) {
		r = HOSO_ENO;
		goto out;
	}
	f = &doc->fields[k];
	if ((r = hoso_file_join(&path, d->dir, d->pages[page - 1].norm, err)) != 0)
		goto out;
	/* Some of the line above and below, and a little to the left: what a reader needs. */
	pad = (f->y1 - f->y0) / 4 + 8;
	x0 = f->x0 - 4 * pad;
	y0 = f->y0 - pad;
	x1 = f->x1 + pad;
	y1 = f->y1 + pad;
	pthread_mutex_lock(&a->mu);
	for (i = 0; i < CACHE_PAGES; i++)
		if (a->cache[i].path != NULL && strcmp(a->cache[i].path, path.data) == 0)
			slot = &a->cache[i];
	if (slot != NULL) {
		slot->used = ++a->clock;
		r = hoso_img_crop_png(slot->img, x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0, x1, y1,
		    CROP_WIDTH, &resp->body, err);
		pthread_mutex_unlock(&a->mu);
		goto done;
	}
	pthread_mutex_unlock(&a->mu);
	if ((r = hoso_file_read(path.data, 256u << 20, &data, err)) != 0 ||
	    (r = hoso_img_decode(data.data, data.len, path.data, MAX_PAGE_PIXELS, &img, err)) != 0 ||
	    (r = hoso_img_crop_png(img, x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0, x1, y1, CROP_WIDTH,
	    &resp->body, err)) != 0)
		goto out;
	pthread_mutex_lock(&a->mu);
	slot = &a->cache[0];
	for (i = 1; i < CACHE_PAGES; i++)
		if (a->cache[i].used < slot->used)
			slot = &a->cache[i];
	free(slot->path);
	hoso_img_free(slot->img);
	slot->path = hoso_buf_detach(&path, NULL);
	slot->img = img;
	slot->used = ++a->clock;
	img = NULL;
	pthread_mutex_unlock(&a->mu);
done:
	if (r == 0) {
		resp->type = "image/png";
		r = hoso_http_header_add(resp, "Cache-Control", "private, no-cache", err);
	}
out:
	hoso_img_free(img);
	hoso_review_doc_free(doc);
	hoso_buf_free(&path);
	hoso_buf_free(&data);
	return r;
}

/* ---- saving ---- */

/* Local time with its offset, "2026-12-08T09:14:03+07:00" (xs:dateTime). */
static void
now_iso(char out[40])
{
	time_t t = time(NULL);
	struct tm tm;
	char z[8];
	size_t n;

	localtime_r(&t, &tm);
	n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);
	snprintf(out + n, 40 - n, "%.3s:%.2s", z, z + 3);
}

/*
 * POST /d/CODE/p/PAGE: every field of the page the body names, each with its
 * tag "v.NAME". From the page's script (Accept: application/json) the answer
 * is each field's outcome; from a plain form post, the dossier's page again.
 */
static int
save(struct app *a, struct hoso_dossier *d, int page, const struct hoso_http_req *req,
    struct hoso_http_resp *resp, struct hoso_err *err)
{
	struct hoso_review_doc *doc = NULL, *after = NULL;
	const struct hoso_review_doc *now;
	struct hoso_review_edit *edits = NULL;
	char left_text[96];
	size_t left;
	struct hoso_buf *vals = NULL, *tags = NULL, key = HOSO_BUF_INIT(0), *b = &resp->body;
	const char *accept = hoso_http_header(req, "Accept"), *body;
	bool json = accept != NULL && strstr(accept, "application/json") != NULL;
	size_t i, n = 0, saved = 0, len, n_bufs = 0;
	char at[40];
	int r, found;

	body = hoso_http_body(req, &len);
	if ((r = hoso_review_load(d, &doc, err)) != 0)
		goto out;
	n_bufs = doc->n_fields + 1;
	if ((edits = calloc(n_bufs, sizeof(*edits))) == NULL ||
	    (vals = calloc(n_bufs, sizeof(*vals))) == NULL ||
	    (tags = calloc(n_bufs, sizeof(*tags))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < n_bufs; i++) {
		hoso_buf_init(&vals[i], MAX_BODY);
		hoso_buf_init(&tags[i], 64);
	}
	for (i = 0; i < doc->n_fields; i++) {
		const struct hoso_review_field *f = &doc->fields[i];
		if (doc->forms[f->form].page != page)
			continue;
		if ((found = hoso_http_form_value(body, len, f->name, &vals[n], err)) < 0) {
			r = found;
			goto out;
		}
		if (found == 0)
			continue;
		hoso_buf_reset(&key);
		if ((r = hoso_buf_addf(&key, err, "v.%s", f->name)) != 0 ||
		    (found = hoso_http_form_value(body, len, key.data, &tags[n], err)) < 0) {
			r = r != 0 ? r : found;
			goto out;
		}
		edits[n].page = page;
		edits[n].field = f->name;
		edits[n].value = hoso_buf_str(&vals[n]);
		/* Without the tag the page was not ours: treat as stale rather than overwrite. */
		edits[n].tag = found ? hoso_buf_str(&tags[n]) : "-";
		n++;
	}
	now_iso(at);
	if (n > 0 && (r = hoso_review_apply(d, a->have_templates ? &a->templates : NULL, edits, n,
	    a->user, at, &saved, &after, err)) != 0)
		goto out;
	if (saved > 0)
		index_saved(a, d);
	if (!a->c->quiet && a->c->verbose > 0)
		cli_info(a->c, _("%s page %d: %zu of %zu values saved"), d->code, page, saved, n);
	if (!json) {
		/* A plain form post: back to the page, with what was refused (if any) in the URL. */
		resp->status = 303;
		hoso_buf_reset(&key);
		if ((r = hoso_buf_addf(&key, err, "/d/%s%s", d->code, saved == n ? "" :
		    "?refused=1")) != 0 ||
		    (r = hoso_http_header_add(resp, "Location", key.data, err)) != 0)
			goto out;
		r = hoso_buf_adds(b, "", err);
		goto out;
	}
	resp->type = "application/json";
	now = after != NULL ? after : doc;	/* nothing posted: the document as read */
	if ((r = hoso_buf_adds(b, "{\"fields\":[", err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		long k = hoso_review_find(now, page, edits[i].field);
		/* The stored value after the save (normalized), for the page to show. */
		if ((r = hoso_buf_adds(b, i ? ",{\"field\":" : "{\"field\":", err)) != 0 ||
		    (r = hoso_buf_json_str(b, edits[i].field, err)) != 0 ||
		    (r = hoso_buf_addf(b, err, ",\"status\":\"%s\",\"message\":",
		    edits[i].status == 0 ? "saved" : edits[i].status == HOSO_ENO ? "stale" :
		    "refused")) != 0 ||
		    (r = hoso_buf_json_str(b, edits[i].message, err)) != 0 ||
		    (r = hoso_buf_adds(b, ",\"tag\":", err)) != 0 ||
		    (r = hoso_buf_json_str(b, k >= 0 ? now->fields[k].tag : "", err)) != 0 ||
		    (r = hoso_buf_adds(b, ",\"value\":", err)) != 0 ||
		    (r = hoso_buf_json_str(b, k >= 0 ? now->fields[k].value : "", err)) != 0 ||
		    (r = hoso_buf_addc(b, '}', err)) != 0)
			goto out;
	}
	left = hoso_review_left(now);
	snprintf(left_text, sizeof(left_text), ngettext("%zu value left to review",
	    "%zu values left to review", left), left);
	if ((r = hoso_buf_addf(b, err, "],\"left\":%zu,\"left_text\":", left)) != 0 ||
	    (r = hoso_buf_json_str(b, left_text, err)) != 0)
		goto out;
	if (r == 0)
		r = hoso_buf_adds(b, "}\n", err);
out:
	for (i = 0; vals != NULL && tags != NULL && i < n_bufs; i++) {
		hoso_buf_free(&vals[i]);
		hoso_buf_free(&tags[i]);
	}
	free(vals);
	free(tags);
	free(edits);
	hoso_review_doc_free(doc);
	hoso_review_doc_free(after);
	hoso_buf_free(&key);
	return r;
}

/* ---- the server: who may ask, and what ---- */

static bool
host_ok(const struct app *a, const char *host)
{
	char want[96];
	static const char *const loop[] = { "127.0.0.1", "localhost", "[::1]" };
	size_t i;

	if (host == NULL)
		return false;
	if (a->loopback) {
		/* DNS rebinding: a page of another site reaches us by name only, never by these. */
		for (i = 0; i < sizeof(loop) / sizeof(loop[0]); i++) {
			snprintf(want, sizeof(want), "%s:%u", loop[i], a->port);
			if (strcmp(host, want) == 0)
				return true;
		}
		return false;
	}
	/* Listening for others: the address as typed, or any numeric address, with our port. */
	snprintf(want, sizeof(want), ":%u", a->port);
	return strlen(host) > strlen(want) &&
	    strcmp(host + strlen(host) - strlen(want), want) == 0 &&
	    strspn(host, "0123456789.:[]abcdefABCDEF") == strlen(host);
}

/* A request that changes something must come from our own page (cross-site posts). */
static bool
origin_ok(const struct hoso_http_req *req, const char *host)
{
	const char *origin = hoso_http_header(req, "Origin");

	return origin != NULL && strncmp(origin, "http://", 7) == 0 &&
	    strcmp(origin + 7, host) == 0;
}

static int
text_answer(struct hoso_http_resp *resp, int status, const char *msg, struct hoso_err *err)
{
	resp->status = status;
	resp->type = "text/plain; charset=utf-8";
	hoso_buf_reset(&resp->body);
	return hoso_buf_addf(&resp->body, err, "%s\n", msg);
}

/* "/d/CODE/rest": CODE into code (a store code or nothing), rest after it. */
static const char *
path_code(const char *path, const char *prefix, char code[HOSO_CODE_MAX + 1])
{
	size_t n = strlen(prefix), k;

	code[0] = '\0';
	if (strncmp(path, prefix, n) != 0)
		return NULL;
	path += n;
	k = strcspn(path, "/");
	if (k == 0 || k > HOSO_CODE_MAX)
		return NULL;
	memcpy(code, path, k);
	code[k] = '\0';
	return hoso_store_code_ok(code) ? path + k : NULL;
}

static bool
page_number(const char *s, const char **end, int *page)
{
	long v = 0;

	if (*s < '1' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9' && v < 10000000)
		v = v * 10 + (*s++ - '0');
	*page = (int)v;
	*end = s;
	return v < 10000000;
}

static int
handle(void *ctx, const struct hoso_http_req *req, struct hoso_http_resp *resp)
{
	struct app *a = ctx;
	struct hoso_err err = { 0 };
	struct hoso_dossier *d = NULL;
	const char *method = hoso_http_method(req), *path = hoso_http_path(req), *rest;
	const char *host = hoso_http_header(req, "Host"), *tok = hoso_http_query(req, "token");
	const char *cookie = hoso_http_cookie(req, a->cookie);
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	char code[HOSO_CODE_MAX + 1], hdr[160];
	int page = 0, r = 0;

	if (a->c->verbose > 0)
		cli_info(a->c, "%s %s", method, path);
	if (!host_ok(a, host))
		return text_answer(resp, 421, _("Wrong host name: open the address review printed."),
		    &err);
	if (!((tok != NULL && hoso_http_secret_equal(tok, a->token)) ||
	    (cookie != NULL && hoso_http_secret_equal(cookie, a->token))))
		return text_answer(resp, 403, _("Forbidden: open the address review printed, with "
		    "its token."), &err);
	if (!get && strcmp(method, "POST") != 0)
		return text_answer(resp, 405, _("Method not allowed."), &err);
	if (!get && !origin_ok(req, host))
		return text_answer(resp, 403, _("Forbidden: a change must come from the review "
		    "page itself."), &err);
	/* The address with the token sets the cookie that carries it on the page's own requests. */
	if (tok != NULL) {
		snprintf(hdr, sizeof(hdr), "%s=%s; Path=/; HttpOnly; SameSite=Strict", a->cookie,
		    a->token);
		if (hoso_http_header_add(resp, "Set-Cookie", hdr, &err) != 0)
			return -1;
	}
	if (hoso_http_header_add(resp, "Content-Security-Policy", "default-src 'self'; "
	    "img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; "
	    "frame-ancestors 'none'", &err) != 0 ||
	    hoso_http_header_add(resp, "Cache-Control", "no-store", &err) != 0)
		return -1;
	if (get && strcmp(path, "/") == 0)
		r = start_page(a, resp, &err);
	else if (get && strcmp(path, "/static/review.js") == 0) {
		resp->type = "text/javascript; charset=utf-8";
		r = hoso_buf_adds(&resp->body, review_js, &err);
	} else if (get && strcmp(path, "/static/review.css") == 0) {
		resp->type = "text/css; charset=utf-8";
		r = hoso_buf_adds(&resp->body, review_css, &err);
	} else if ((rest = path_code(path, "/d/", code)) != NULL && get && *rest == '\0') {
		if ((r = open_code(a, code, &d, &err)) == 0)
			r = dossier_page(a, d, resp, &err);
	} else if ((rest = path_code(path, "/d/", code)) != NULL && !get &&
	    strncmp(rest, "/p/", 3) == 0 && page_number(rest + 3, &rest, &page) && *rest == '\0') {
		const char *type = hoso_http_header(req, "Content-Type");
		if (type == NULL || strncmp(type, "application/x-www-form-urlencoded", 33) != 0)
			return text_answer(resp, 415, _("Send the page's form."), &err);
		if ((r = open_code(a, code, &d, &err)) == 0) {
			/* A dossier ocr-extract is reading: say so rather than hang the page. */
			d->lock_wait = 10;
			r = save(a, d, page, req, resp, &err);
			if (r == HOSO_EIO) {
				hoso_store_close(d);
				return text_answer(resp, 503, err.msg, &err);
			}
		}
	} else if ((rest = path_code(path, "/crop/", code)) != NULL && get && *rest == '/' &&
	    page_number(rest + 1, &rest, &page) && *rest == '/') {
		if ((r = open_code(a, code, &d, &err)) == 0)
			r = crop(a, d, page, rest + 1, resp, &err);
	} else
		r = HOSO_ENO;
	hoso_store_close(d);
	if (r == HOSO_ENO)
		return text_answer(resp, 404, _("Not found."), &err);
	if (r != 0) {
		if (!a->c->quiet)
			cli_warn(a->c, "%s %s: %s", method, path, err.msg);
		return text_answer(resp, err.code == HOSO_EINPUT ? 422 : 500, err.msg, &err);
	}
	return 0;
}

static int
serve(struct app *a, const char *listen, long idle)
{
	struct hoso_http_opts o = { 0 };
	struct hoso_http *h = NULL;
	struct hoso_err err = { 0 };
	struct sigaction sa;
	unsigned char rnd[16];
	long port = 0;
	const char *colon;
	size_t i;
	int r;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		cli_error(a->c, _("no random numbers for the access token: %s"), strerror(errno));
		return CLI_EXIT_IO;
	}
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(a->token + 2 * i, 3, "%02x", rnd[i]);
	snprintf(a->listen_addr, sizeof(a->listen_addr), "127.0.0.1");
	if (listen != NULL) {
		if ((colon = strrchr(listen, ':')) == NULL || colon == listen ||
		    (size_t)(colon - listen) >= sizeof(a->listen_addr) ||
		    !cli_parse_long(colon + 1, 0, 65535, &port)) {
			cli_usage_error(a->c, _("--listen wants ADDR:PORT, not '%s'"), listen);
			return CLI_EXIT_USAGE;
		}
		snprintf(a->listen_addr, sizeof(a->listen_addr), "%.*s", (int)(colon - listen),
		    listen);
		/* [::1]:8080 */
		if (a->listen_addr[0] == '[' &&
		    a->listen_addr[strlen(a->listen_addr) - 1] == ']') {
			memmove(a->listen_addr, a->listen_addr + 1, strlen(a->listen_addr));
			a->listen_addr[strlen(a->listen_addr) - 1] = '\0';
		}
	}
	a->loopback = strncmp(a->listen_addr, "127.", 4) == 0 ||
	    strcmp(a->listen_addr, "::1") == 0;
	if (!a->loopback)
		cli_warn(a->c, _("listening on %s: anyone who can reach this address and has the "
		    "token can change values"), a->listen_addr);
	o.addr = a->listen_addr;
	o.port = (unsigned)port;
	o.max_body = MAX_BODY;
	o.threads = 4;
	o.max_connections = 256;
	o.rate = 200;
	o.handler = handle;
	o.ctx = a;
	if ((r = hoso_http_start(&o, &h, &err)) != 0)
		return cli_fail(a->c, &err);
	a->port = hoso_http_port(h);
	snprintf(a->cookie, sizeof(a->cookie), "hoso_review_%u", a->port);
	if (strchr(a->listen_addr, ':') != NULL)
		printf("http://[%s]:%u/?token=%s\n", a->listen_addr, a->port, a->token);
	else
		printf("http://%s:%u/?token=%s\n", a->listen_addr, a->port, a->token);
	fflush(stdout);
	cli_info(a->c, _("serving the review page; Ctrl-C stops"));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (stop_signal == 0 && (idle <= 0 || hoso_http_idle(h) < (double)idle))
		usleep(100 * 1000);
	hoso_http_stop(h);
	cli_info(a->c, stop_signal != 0 ? _("stopped") : _("stopped: idle"));
	return CLI_EXIT_OK;
}

/* ---- scripts and spreadsheets ---- */

/* --list: one line per dossier with values left: "CODE<TAB>LEFT<TAB>TITLE". */
static int
do_list(struct app *a)
{
	struct hoso_err err = { 0 };
	struct listed *l = NULL;
	size_t n = 0, i, left = 0;

	if (survey(a, &l, &n, &err) != 0)
		return cli_fail(a->c, &err);
	for (i = 0; i < n; i++) {
		if (l[i].left == 0)
			continue;
		printf("%s\t%zu\t%s\n", l[i].t.code, l[i].left, l[i].title != NULL ? l[i].title : "");
		left += l[i].left;
	}
	survey_free(l, n);
	if (!a->c->quiet)
		cli_info(a->c, ngettext("%zu value left to review", "%zu values left to review",
		    left), left);
	return left > 0 ? CLI_EXIT_NO : CLI_EXIT_OK;
}

static const char *const export_cols[] = { "dossier", "page", "field", "label", "reading",
    "reason", "value" };
#define N_EXPORT_COLS (sizeof(export_cols) / sizeof(export_cols[0]))

/* The cells of an export, row after row. */
struct table {
	char **cells;
	size_t n, cap;
};

static int
table_add(struct table *t, const char *s, struct hoso_err *err)
{
	char **nc;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		if ((nc = realloc(t->cells, t->cap * sizeof(*nc))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		t->cells = nc;
	}
	if ((t->cells[t->n] = strdup(s)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	t->n++;
	return 0;
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* --export FILE: every flagged value, as CSV or (FILE.xlsx) a workbook. */
static int
do_export(struct app *a, const char *file)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	struct target *t = NULL;
	struct table tab = { 0 };
	size_t nt = 0, i, k, c, rows;
	char page[16];
	int r;

	if ((r = list_targets(a, &t, &nt, &err)) != 0)
		goto fail;
	for (c = 0; c < N_EXPORT_COLS; c++)
		if ((r = table_add(&tab, export_cols[c], &err)) != 0)
			goto fail;
	for (i = 0; i < nt; i++) {
		struct hoso_dossier *d = NULL;
		struct hoso_review_doc *doc = NULL;
		if ((r = hoso_store_read(t[i].store, t[i].code, &d, &err)) != 0 ||
		    (r = hoso_review_load(d, &doc, &err)) != 0) {
			hoso_store_close(d);
			goto fail;
		}
		for (k = 0; r == 0 && k < doc->n_fields; k++) {
			const struct hoso_review_field *f = &doc->fields[k];
			const struct hoso_review_form *fm = &doc->forms[f->form];
			if (!f->review)
				continue;
			snprintf(page, sizeof(page), "%d", fm->page);
			if ((r = table_add(&tab, d->code, &err)) != 0 ||
			    (r = table_add(&tab, page, &err)) != 0 ||
			    (r = table_add(&tab, f->name, &err)) != 0 ||
			    (r = table_add(&tab, field_label(a, fm->name, f->name), &err)) != 0 ||
			    (r = table_add(&tab, f->value, &err)) != 0 ||
			    (r = table_add(&tab, f->reason != NULL ? f->reason : "", &err)) != 0)
				break;
			r = table_add(&tab, "", &err);
		}
		hoso_review_doc_free(doc);
		hoso_store_close(d);
		if (r != 0)
			goto fail;
	}
	targets_release(t, nt);
	t = NULL;
	nt = 0;
	rows = tab.n / N_EXPORT_COLS - 1;
	if (ends_with(file, ".xlsx")) {
		if ((r = hoso_xlsx_write(file, _("Values to review"), (const char *const *)tab.cells,
		    tab.n / N_EXPORT_COLS, N_EXPORT_COLS, time(NULL), &err)) != 0)
			goto fail;
	} else {
		for (i = 0; i < tab.n; i++)
			if ((r = hoso_buf_csv_cell(&b, tab.cells[i], (i + 1) % N_EXPORT_COLS == 0, &err)) != 0)
				goto fail;
		if ((r = cli_write_output(a->c, file, &b)) != 0)
			goto out;
	}
	if (!a->c->quiet)
		cli_info(a->c, ngettext("%zu flagged value written to %s",
		    "%zu flagged values written to %s", rows), rows, file);
out:
	table_free(&tab);
	hoso_buf_free(&b);
	return r;
fail:
	r = cli_fail(a->c, &err);
	targets_release(t, nt);
	goto out;
}

/* A reading exported as text for a spreadsheet ("'=..."): the value it stands for. */
static const char *
unquote_formula(const char *s)
{
	return s[0] == '\'' && s[1] != '\0' && strchr("=+-@", s[1]) != NULL ? s + 1 : s;
}

struct import_row {
	char *code;
	int page;
	char *field, *reading, *value;
	long line;
};

static int
do_import(struct app *a, const char *file)
{
	struct hoso_err err = { 0 };
	struct hoso_register_csv *csv = NULL;
	struct hoso_xlsx *x = NULL;
	struct import_row *rows = NULL, *nr;
	size_t n_rows = 0, cap = 0, i, j, n, col[N_EXPORT_COLS], bad, applied = 0, refused = 0;
	char **cells, head[8];
	size_t *lens;
	long line;
	bool header = true;
	int fd = -1, r, got;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		cli_error(a->c, _("%s: cannot open: %s"), file, strerror(errno));
		return errno == ENOENT ? CLI_EXIT_INPUT : CLI_EXIT_IO;
	}
	got = (int)pread(fd, head, sizeof(head), 0);
	if (got > 0 && hoso_xlsx_magic(head, (size_t)got))
		r = hoso_xlsx_open(&x, fd, NULL, 0, file, 64 * 1024, &err);
	else
		r = hoso_register_csv_open(&csv, fd, file, 1u << 16, 1u << 20, &err);
	if (r != 0)
		goto fail;
	for (;;) {
		bad = (size_t)-1;
		got = x != NULL ? hoso_xlsx_next(x, &cells, &lens, &n, &line, &err) :
		    hoso_register_csv_next(csv, &cells, &lens, &n, &line, &bad, &err);
		if (got < 0) {
			r = got;
			goto fail;
		}
		if (got == 0)
			break;
		if (header) {
			/* Columns by name, in any order; the spreadsheet may add its own. */
			for (j = 0; j < N_EXPORT_COLS; j++) {
				col[j] = (size_t)-1;
				for (i = 0; i < n; i++) {
					char *s = cells[i];
					size_t len = lens[i];
					hoso_register_csv_trim(&s, &len);
					if (strcasecmp(s, export_cols[j]) == 0)
						col[j] = i;
				}
				if (col[j] == (size_t)-1 && j != 3 && j != 5) {
					cli_error(a->c, _("%s:%ld: no column '%s' (the header of "
					    "review --export is needed)"), file, line, export_cols[j]);
					r = HOSO_EINPUT;
					goto done;
				}
			}
			header = false;
			continue;
		}
		{
			const char *v[N_EXPORT_COLS];
			for (j = 0; j < N_EXPORT_COLS; j++) {
				char *s = col[j] < n ? cells[col[j]] : (char *)"";
				size_t len = col[j] < n ? lens[col[j]] : 0;
				if (j != 4 && j != 6)	/* a reading or value keeps its spaces */
					hoso_register_csv_trim(&s, &len);
				v[j] = s;
			}
			if (v[6][0] == '\0')	/* no value filled in: not done yet */
				continue;
			if (n_rows == cap) {
				cap = cap ? cap * 2 : 64;
				if ((nr = realloc(rows, cap * sizeof(*rows))) == NULL) {
					r = hoso_err_set(&err, HOSO_EIO, _("out of memory"));
					goto fail;
				}
				rows = nr;
			}
			memset(&rows[n_rows], 0, sizeof(rows[n_rows]));
			rows[n_rows].line = line;
			if (!cli_parse_long(v[1], 1, 10000000, &line)) {
				cli_error(a->c, _("%s:%ld: page '%s' is not a page number"), file,
				    rows[n_rows].line, v[1]);
				refused++;
				continue;
			}
			rows[n_rows].page = (int)line;
			if ((rows[n_rows].code = strdup(v[0])) == NULL ||
			    (rows[n_rows].field = strdup(v[2])) == NULL ||
			    (rows[n_rows].reading = strdup(unquote_formula(v[4]))) == NULL ||
			    (rows[n_rows].value = strdup(unquote_formula(v[6]))) == NULL) {
				n_rows++;
				r = hoso_err_set(&err, HOSO_EIO, _("out of memory"));
				goto fail;
			}
			n_rows++;
		}
	}
	/* One save per dossier, rows in file order. */
	for (i = 0; i < n_rows; i++) {
		struct hoso_review_edit *edits;
		struct hoso_dossier *d = NULL;
		size_t k, m = 0, saved = 0;
		char at[40];
		if (rows[i].code == NULL)
			continue;
		if ((edits = calloc(n_rows, sizeof(*edits))) == NULL) {
			r = hoso_err_set(&err, HOSO_EIO, _("out of memory"));
			goto fail;
		}
		for (k = i; k < n_rows; k++) {
			if (rows[k].code == NULL || strcmp(rows[k].code, rows[i].code) != 0)
				continue;
			edits[m].page = rows[k].page;
			edits[m].field = rows[k].field;
			edits[m].value = rows[k].value;
			edits[m].expect = rows[k].reading;
			edits[m].status = (int)k;	/* which row, until apply sets it */
			m++;
		}
		now_iso(at);
		r = open_code(a, rows[i].code, &d, &err);
		if (r == 0)
			d->lock_wait = 60;
		if (r == HOSO_ENO) {
			for (k = 0; k < m; k++)
				cli_error(a->c, _("%s:%ld: no dossier %s in the stores given"), file,
				    rows[edits[k].status].line, rows[i].code);
			refused += m;
			r = 0;
		} else if (r == 0) {
			long *lines = calloc(m + 1, sizeof(*lines));
			for (k = 0; lines != NULL && k < m; k++)
				lines[k] = rows[edits[k].status].line;
			if (lines == NULL)
				r = hoso_err_set(&err, HOSO_EIO, _("out of memory"));
			else
				r = hoso_review_apply(d, a->have_templates ? &a->templates : NULL,
				    edits, m, a->user, at, &saved, NULL, &err);
			if (r == 0 && saved > 0)
				index_saved(a, d);
			for (k = 0; r == 0 && k < m; k++)
				if (edits[k].status != 0)
					cli_error(a->c, "%s:%ld: %s %s: %s", file, lines[k],
					    rows[i].code, edits[k].field, edits[k].message);
			applied += saved;
			refused += m - saved;
			free(lines);
		}
		hoso_store_close(d);
		/* The rows of this dossier are done. */
		for (k = i + 1; k < n_rows; k++)
			if (rows[k].code != NULL && strcmp(rows[k].code, rows[i].code) == 0) {
				free(rows[k].code);
				rows[k].code = NULL;
			}
		free(edits);
		if (r != 0)
			goto fail;
	}
	if (!a->c->quiet)
		cli_info(a->c, _("%s: %zu corrections saved, %zu refused"), file, applied, refused);
	r = 0;
	goto done;
fail:
	cli_fail(a->c, &err);
done:
	for (i = 0; i < n_rows; i++) {
		free(rows[i].code);
		free(rows[i].field);
		free(rows[i].reading);
		free(rows[i].value);
	}
	free(rows);
	if (x != NULL)
		hoso_xlsx_close(x);
	if (csv != NULL)
		hoso_register_csv_close(csv);
	if (fd >= 0)
		close(fd);
	if (r != 0)
		return hoso_err_exit_status(r);
	return refused > 0 ? CLI_EXIT_NO : CLI_EXIT_OK;
}

/*
 * --export-training DIR: the line image and text of each value a person
 * checked, as Tesseract's training takes them (NAME.png + NAME.gt.txt). Only
 * fields whose value is the writing itself (text, name, enum): a date or an
 * identity number is stored normalized, not as written on the page.
 */
static int
do_training(struct app *a, const char *dir)
{
	struct hoso_err err = { 0 };
	struct hoso_buf png = HOSO_BUF_INIT(0), path = HOSO_BUF_INIT(0), data = HOSO_BUF_INIT(0);
	struct hoso_buf gt = HOSO_BUF_INIT(0);
	struct target *t = NULL;
	size_t nt = 0, i, k, written = 0, skipped = 0;
	int bad = 0;		/* the worst exit status of a dossier skipped */
	int r;

	if (!a->have_templates) {
		/* Which values are the writing itself is the templates' to say. */
		cli_error(a->c, _("--export-training needs the form templates (--templates DIR)"));
		return CLI_EXIT_INPUT;
	}
	if ((r = hoso_file_mkdirs(dir, &err)) != 0 || (r = list_targets(a, &t, &nt, &err)) != 0)
		goto fail;
	for (i = 0; i < nt; i++) {
		struct hoso_dossier *d = NULL;
		struct hoso_review_doc *doc = NULL;
		struct hoso_img *img = NULL;
		int img_page = 0;
		if ((r = hoso_store_read(t[i].store, t[i].code, &d, &err)) == 0)
			r = hoso_review_load(d, &doc, &err);
		for (k = 0; r == 0 && k < doc->n_fields; k++) {
			const struct hoso_review_field *f = &doc->fields[k];
			const struct hoso_review_form *fm = &doc->forms[f->form];
			const struct hoso_template_field *tf = tfield(a, fm->name, f->name);
			int pad;
			if (f->by == NULL || f->value[0] == '\0')
				continue;
			if (tf == NULL || (tf->type != HOSO_VALIDATE_TEXT &&
			    tf->type != HOSO_VALIDATE_NAME && tf->type != HOSO_VALIDATE_ENUM) ||
			    fm->page < 1 || (size_t)fm->page > d->n_pages) {
				skipped++;
				continue;
			}
			if (img_page != fm->page) {
				hoso_img_free(img);
				img = NULL;
				hoso_buf_reset(&data);
				if ((r = hoso_file_join(&path, d->dir, d->pages[fm->page - 1].norm,
				    &err)) != 0 ||
				    (r = hoso_file_read(path.data, 256u << 20, &data, &err)) != 0 ||
				    (r = hoso_img_decode(data.data, data.len, path.data, MAX_PAGE_PIXELS,
				    &img, &err)) != 0)
					break;
				img_page = fm->page;
			}
			/* A little room around the writing, as in Tesseract's line images. */
			pad = (f->y1 - f->y0) / 8 + 2;
			hoso_buf_reset(&png);
			hoso_buf_reset(&gt);
			hoso_buf_reset(&path);
			if ((r = hoso_img_crop_png(img, f->x0 > pad ? f->x0 - pad : 0,
			    f->y0 > pad ? f->y0 - pad : 0, f->x1 + pad, f->y1 + pad, 0, &png,
			    &err)) != 0 ||
			    (r = hoso_buf_addf(&path, &err, "%s/%s-p%d-%s.png", dir, d->code, fm->page,
			    f->name)) != 0 ||
			    (r = hoso_file_write_atomic(path.data, png.data, png.len, &err)) != 0 ||
			    (r = hoso_buf_addf(&gt, &err, "%s\n", f->value)) != 0)
				break;
			hoso_buf_reset(&path);
			if ((r = hoso_buf_addf(&path, &err, "%s/%s-p%d-%s.gt.txt", dir, d->code,
			    fm->page, f->name)) != 0 ||
			    (r = hoso_file_write_atomic(path.data, gt.data, gt.len, &err)) != 0)
				break;
			written++;
		}
		hoso_img_free(img);
		hoso_review_doc_free(doc);
		hoso_store_close(d);
		/* A damaged dossier (a page file gone) is named and skipped; the others go on. */
		if (r != 0) {
			cli_error(a->c, "%s", err.msg);
			if (hoso_err_exit_status(r) > bad)
				bad = hoso_err_exit_status(r);
			r = 0;
		}
	}
	if (!a->c->quiet)
		cli_info(a->c, _("%s: %zu line images with their text; %zu checked values "
		    "skipped (dates, numbers: stored normalized, not as written)"), dir, written,
		    skipped);
	r = bad;
	goto out;
fail:
	r = cli_fail(a->c, &err);
out:
	targets_release(t, nt);
	hoso_buf_free(&png);
	hoso_buf_free(&gt);
	hoso_buf_free(&path);
	hoso_buf_free(&data);
	return r;
}

/* ---- main ---- */

static int
load_templates(struct app *a, const char *dir)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	int r;

	if (dir == NULL) {
		if (hoso_file_join(&path, cli_datadir(),
		    "templates", &err) != 0)
			return cli_fail(a->c, &err);
		dir = path.data;
	}
	r = hoso_template_load_dir(dir, &a->templates, &err);
	if (r == 0)
		a->have_templates = true;
	else if (a->c->verbose > 0)
		/* Labels and validators only: without them names stand for labels, text for types. */
		cli_warn(a->c, "%s", err.msg);
	hoso_buf_free(&path);
	return 0;
}

static const char *
login_name(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u != NULL && *u != '\0')
		return u;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "?";
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct app a;
	const char *listen = NULL, *templates = NULL, *export_file = NULL, *import_file = NULL;
	const char *training = NULL;
	const char *msgs;
	bool list = false;
	long idle = 0;
	int opt, status, i;

	cli_init(&c, "review", argv);
	memset(&a, 0, sizeof(a));
	a.c = &c;
	pthread_mutex_init(&a.mu, NULL);
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg, usage_text()))
			continue;
		switch (opt) {
		case OPT_LISTEN:
			listen = optarg;
			break;
		case OPT_USER:
			if (*optarg == '\0' || hoso_utf8_has_control(optarg) ||
			    !hoso_utf8_valid(optarg, strlen(optarg)) || strlen(optarg) > 200) {
				cli_usage_error(&c, _("--user wants a name, not '%s'"), optarg);
				return CLI_EXIT_USAGE;
			}
			a.user = optarg;
			break;
		case OPT_IDLE:
			if (!cli_parse_long(optarg, 1, 86400 * 365, &idle)) {
				cli_usage_error(&c, _("--idle-exit wants seconds, not '%s'"), optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case OPT_TEMPLATES:
			templates = optarg;
			break;
		case OPT_LIST:
			list = true;
			break;
		case OPT_EXPORT:
			export_file = optarg;
			break;
		case OPT_IMPORT:
			import_file = optarg;
			break;
		case OPT_TRAINING:
			training = optarg;
			break;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), c.prog);
			return CLI_EXIT_USAGE;
		}
	}
	if ((list ? 1 : 0) + (export_file != NULL) + (import_file != NULL) + (training != NULL) > 1) {
		cli_usage_error(&c, _("--list, --export, --import and --export-training go one at "
		    "a time"));
		return CLI_EXIT_USAGE;
	}
	if (optind >= argc) {
		cli_usage_error(&c, _("which store or dossier?"));
		return CLI_EXIT_USAGE;
	}
	for (i = optind; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			cli_error(&c, _("%s: not a store or dossier directory"), argv[i]);
			return CLI_EXIT_INPUT;
		}
	}
	a.operands = argv + optind;
	a.n_operands = (size_t)(argc - optind);
	if (a.user == NULL)
		a.user = login_name();
	msgs = setlocale(LC_MESSAGES, NULL);
	a.vi = msgs != NULL && strncmp(msgs, "vi", 2) == 0;
	if ((status = load_templates(&a, templates)) != 0)
		return status;
	if (list)
		status = do_list(&a);
	else if (export_file != NULL)
		status = do_export(&a, export_file);
	else if (import_file != NULL)
		status = do_import(&a, import_file);
	else if (training != NULL)
		status = do_training(&a, training);
	else
		status = serve(&a, listen, idle);
	for (i = 0; i < CACHE_PAGES; i++) {
		free(a.cache[i].path);
		hoso_img_free(a.cache[i].img);
	}
	if (a.have_templates)
		hoso_template_set_free(&a.templates);
	pthread_mutex_destroy(&a.mu);
	return status;
}
