/*
 * ocr.c - the OCR engine: Tesseract through its C API, one TessBaseAPI per
 * worker, a deadline per page, text (NFC), hOCR, confidence, and Tesseract's
 * own searchable-PDF renderer. The only file that includes Tesseract headers.
 *
 * Tesseract writes diagnostics to stderr unless its "debug_file" parameter
 * names somewhere else; lib/ never prints, so every engine sends them to
 * /dev/null before it loads anything. That parameter is process-wide, one
 * more reason engines are created on one thread before the workers start.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tesseract/capi.h>

#include "file.h"
#include "img.h"
#include "i18n.h"
#include "ocr.h"
#include "utf8.h"

/* Tesseract's output for one page: far above any real page, a guard against runaway memory. */
#define TEXT_MAX	(64u << 20)

struct hoso_ocr {
	TessBaseAPI *api;
	/* Other models for zones (enum hoso_ocr_zone_model), made on first use. */
	TessBaseAPI *alt[3];
	bool alt_tried[3];		/* and the attempt failed when alt[] is NULL */
	char *tessdata;			/* the options' directory, for them */
	int page_timeout_ms;
	int default_dpi;
	struct timespec deadline;	/* of the page being recognized */
	bool timed_out;
	bool has_page;			/* results of a page are there for the PDF */
	int page_w, page_h, page_dpi;	/* of the page recognized last */
};

struct hoso_ocr_pdf {
	TessResultRenderer *renderer;
	char *path;			/* final name */
	char *placeholder;		/* .NAME.tmp.XXXXXX: reserves the temporary name */
	char *tmp;			/* placeholder + ".pdf": what the renderer writes */
	int pages;
};

/* Debian ships script models as tesseract-ocr-script-<short name>; the common ones here. */
static const struct {
	const char *model, *package;
} scripts[] = {
	{ "Vietnamese", "tesseract-ocr-script-viet" },
	{ "Latin", "tesseract-ocr-script-latn" },
	{ "Cyrillic", "tesseract-ocr-script-cyrl" },
	{ "Han", "tesseract-ocr-script-hans" },
};

int
hoso_ocr_package(const char *lang, struct hoso_buf *out, struct hoso_err *err)
{
	const char *base = strrchr(lang, '/');
	size_t i;
	int r;

	hoso_buf_reset(out);
	base = base != NULL ? base + 1 : lang;
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		if (strcmp(base, scripts[i].model) == 0)
			return hoso_buf_adds(out, scripts[i].package, err);
	if ((r = hoso_buf_adds(out, "tesseract-ocr-", err)) != 0)
		return r;
	/* chi_sim -> tesseract-ocr-chi-sim, as Debian names them. */
	for (; *base != '\0' && r == 0; base++)
		r = hoso_buf_addc(out, *base == '_' ? '-' : (char)(*base | 0x20), err);
	return r;
}

/*
 * Say which language's data is missing, and the package that has it. Only
 * when a data directory was given can we look for the files ourselves;
 * otherwise every language is named.
 */
static int
missing_language(const struct hoso_ocr_opts *o, const char *langs, struct hoso_err *err)
{
	struct hoso_buf names = HOSO_BUF_INIT(0), pkgs = HOSO_BUF_INIT(0), pkg = HOSO_BUF_INIT(0);
	struct hoso_buf one = HOSO_BUF_INIT(0), path = HOSO_BUF_INIT(0);
	const char *p = langs, *plus;
	struct stat st;
	int r = 0;

	while (r == 0 && *p != '\0') {
		plus = strchr(p, '+');
		hoso_buf_reset(&one);
		if ((r = hoso_buf_add(&one, p, plus ? (size_t)(plus - p) : strlen(p), err)) != 0)
			break;
		p = plus ? plus + 1 : p + strlen(p);
		if (one.len == 0)
			continue;
		if (o->tessdata != NULL) {
			hoso_buf_reset(&path);
			if ((r = hoso_buf_addf(&path, err, "%s/%s.traineddata", o->tessdata,
			    one.data)) != 0)
				break;
			if (stat(path.data, &st) == 0)
				continue;
		}
		if ((r = hoso_ocr_package(one.data, &pkg, err)) != 0 ||
		    (r = hoso_buf_addf(&names, err, "%s%s", names.len ? ", " : "", one.data)) != 0 ||
		    (r = hoso_buf_addf(&pkgs, err, "%s%s", pkgs.len ? " " : "", pkg.data)) != 0)
			break;
	}
	if (r != 0)
		goto out;
	if (names.len == 0) {
		r = hoso_err_set(err, HOSO_EENGINE, _("Tesseract cannot load the language data "
		    "'%s' from %s (damaged file?)"), langs, o->tessdata);
		goto out;
	}
	if (o->tessdata != NULL)
		r = hoso_err_set(err, HOSO_EENGINE, _("no OCR language data for %s in %s: install "
		    "the Debian package %s (apt install %s), or give --tessdata DIR"), names.data,
		    o->tessdata, pkgs.data, pkgs.data);
	else
		r = hoso_err_set(err, HOSO_EENGINE, _("Tesseract cannot load the OCR language data "
		    "for %s: install the Debian package %s (apt install %s); if TESSDATA_PREFIX is "
		    "set, check that it names the directory holding the .traineddata files"),
		    names.data, pkgs.data, pkgs.data);
out:
	hoso_buf_free(&names);
	hoso_buf_free(&pkgs);
	hoso_buf_free(&pkg);
	hoso_buf_free(&one);
	hoso_buf_free(&path);
	return r;
}

static bool
langs_ok(const char *s)
{
	size_t i;

	if (*s == '\0' || strlen(s) > 200)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '+' || c == '-' || (c == '/' && i > 0)))
			return false;
	}
	return strstr(s, "..") == NULL;
}

int
hoso_ocr_new(const struct hoso_ocr_opts *o, struct hoso_ocr **engp, struct hoso_err *err)
{
	struct hoso_ocr *e = NULL;
	const char *langs = o->langs != NULL ? o->langs : HOSO_OCR_DEFAULT_LANGS;
	int r = 0;

	*engp = NULL;
	if (!langs_ok(langs)) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("'%s' is not a list of OCR languages such as "
		    "vie or vie+eng"), langs);
		goto out;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL || (e->api = TessBaseAPICreate()) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	e->page_timeout_ms = o->page_timeout_ms;
	e->default_dpi = o->default_dpi > 0 ? o->default_dpi : 300;
	if (o->tessdata != NULL && (e->tessdata = strdup(o->tessdata)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* Before Init: loading a missing model is the first thing Tesseract would complain about. */
	if (!TessBaseAPISetVariable(e->api, "debug_file", "/dev/null")) {
		r = hoso_err_set(err, HOSO_EENGINE, _("Tesseract refuses its debug_file setting"));
		goto out;
	}
	if (TessBaseAPIInit2(e->api, o->tessdata, langs, OEM_LSTM_ONLY) != 0) {
		r = missing_language(o, langs, err);
		goto out;
	}
	TessBaseAPISetPageSegMode(e->api, PSM_AUTO);
	*engp = e;
	e = NULL;
out:
	hoso_ocr_free(e);
	return r;
}

void
hoso_ocr_free(struct hoso_ocr *e)
{
	if (e == NULL)
		return;
	if (e->api != NULL) {
		TessBaseAPIEnd(e->api);
		TessBaseAPIDelete(e->api);
	}
	for (size_t i = 0; i < sizeof(e->alt) / sizeof(e->alt[0]); i++)
		if (e->alt[i] != NULL) {
			TessBaseAPIEnd(e->alt[i]);
			TessBaseAPIDelete(e->alt[i]);
		}
	free(e->tessdata);
	free(e);
}

/* The engine that reads a zone with model: made once, or the page's when it cannot be. */
static TessBaseAPI *
zone_api(struct hoso_ocr *e, enum hoso_ocr_zone_model model)
{
	static const char *const lang[] = { NULL, "eng", "Vietnamese" };
	TessBaseAPI **api;

	if (model <= HOSO_OCR_ZONE_PAGE || model > HOSO_OCR_ZONE_SCRIPT)
		return e->api;
	api = &e->alt[model];
	if (*api == NULL && !e->alt_tried[model]) {
		e->alt_tried[model] = true;
		if ((*api = TessBaseAPICreate()) != NULL &&
		    (!TessBaseAPISetVariable(*api, "debug_file", "/dev/null") ||
		    TessBaseAPIInit2(*api, e->tessdata, lang[model], OEM_LSTM_ONLY) != 0)) {
			TessBaseAPIDelete(*api);
			*api = NULL;
		}
	}
	return *api != NULL ? *api : e->api;
}

bool
hoso_ocr_zone_model_loaded(struct hoso_ocr *e, enum hoso_ocr_zone_model model)
{
	return zone_api(e, model) != e->api || model == HOSO_OCR_ZONE_PAGE;
}

void
hoso_ocr_result_free(struct hoso_ocr_result *res)
{
	hoso_buf_free(&res->text);
	hoso_buf_free(&res->hocr);
	memset(res, 0, sizeof(*res));
}

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Tesseract asks this before each word; true stops the page. Our own clock
 * and not only the monitor's deadline, so that the page is known to have
 * timed out rather than failed in some other way.
 */
static bool
past_deadline(void *arg, int words)
{
	struct hoso_ocr *e = arg;
	struct timespec now;

	(void)words;
	if (e->page_timeout_ms <= 0)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > e->deadline.tv_sec ||
	    (now.tv_sec == e->deadline.tv_sec && now.tv_nsec >= e->deadline.tv_nsec))
		e->timed_out = true;
	return e->timed_out;
}

/* Copy Tesseract's string into b, NFC for text; frees s. */
static int
take_text(char *s, bool nfc, struct hoso_buf *b, const char *label, struct hoso_err *err)
{
	size_t n;
	int r;

	if (s == NULL)
		return hoso_err_set(err, HOSO_EENGINE, _("%s: Tesseract gave no result"), label);
	n = strlen(s);
	hoso_buf_init(b, TEXT_MAX);
	if (nfc)
		r = hoso_utf8_nfc(s, n, b, err);
	else
		r = hoso_buf_add(b, s, n, err);
	if (r == 0 && b->data == NULL)
		r = hoso_buf_adds(b, "", err);
	TessDeleteText(s);
	if (r != 0)
		hoso_err_prefix(err, "%s", label);
	return r;
}

int
hoso_ocr_dpi(const struct hoso_ocr *e, const struct hoso_img *img)
{
	int dpi = hoso_img_dpi(img);

	return dpi >= 50 && dpi <= 2400 ? dpi : e->default_dpi;
}

int
hoso_ocr_page(struct hoso_ocr *e, const struct hoso_img *img, const char *label,
    int page_index, struct hoso_ocr_result *res, struct hoso_err *err)
{
	unsigned char *grey = NULL;
	int w = 0, h = 0, r;

	memset(res, 0, sizeof(*res));
	e->has_page = false;
	/*
	 * Specks all over a page (salt and pepper) and a form's rows of leader
	 * dots are taken out of what recognition reads: the dots made Tesseract
	 * misread the short value before them ("Giới tính: Nữ ......" came out
	 * as "Sïc si 0ï ....."). The PDF shows the page as it is.
	 */
	if ((r = hoso_img_grey8_clean(img, hoso_ocr_dpi(e, img), &grey, &w, &h, err)) != 0) {
		hoso_err_prefix(err, "%s", label);
		return r;
	}
	r = hoso_ocr_page_grey(e, img, grey, w, h, label, page_index, res, err);
	free(grey);
	return r;
}

int
hoso_ocr_page_grey(struct hoso_ocr *e, const struct hoso_img *img, const unsigned char *grey,
    int w, int h, const char *label, int page_index, struct hoso_ocr_result *res,
    struct hoso_err *err)
{
	ETEXT_DESC *monitor = NULL;
	struct timespec t0;
	int dpi, conf, r = 0;

	memset(res, 0, sizeof(*res));
	e->has_page = false;
	e->timed_out = false;
	if ((monitor = TessMonitorCreate()) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	dpi = hoso_ocr_dpi(e, img);
	TessBaseAPISetImage(e->api, grey, w, h, 1, w);
	TessBaseAPISetSourceResolution(e->api, dpi);
	e->page_w = w;
	e->page_h = h;
	e->page_dpi = dpi;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e->deadline = t0;
	e->deadline.tv_sec += e->page_timeout_ms / 1000;
	e->deadline.tv_nsec += (long)(e->page_timeout_ms % 1000) * 1000000L;
	if (e->deadline.tv_nsec >= 1000000000L) {
		e->deadline.tv_sec++;
		e->deadline.tv_nsec -= 1000000000L;
	}
	TessMonitorSetCancelFunc(monitor, past_deadline);
	TessMonitorSetCancelThis(monitor, e);
	if (TessBaseAPIRecognize(e->api, monitor) != 0 || e->timed_out) {
		res->seconds = since(&t0);
		if (e->timed_out || past_deadline(e, 0)) {
			res->timed_out = true;
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: recognition stopped at the page "
			    "deadline of %.3g s (noise, or a page far larger than a form?)"), label,
			    e->page_timeout_ms / 1000.0);
		} else {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: Tesseract could not recognize the "
			    "page"), label);
		}
		goto out;
	}
	if ((r = take_text(TessBaseAPIGetUTF8Text(e->api), true, &res->text, label, err)) != 0 ||
	    (r = take_text(TessBaseAPIGetHOCRText(e->api, page_index), false, &res->hocr, label, err)) != 0)
		goto out;
	conf = TessBaseAPIMeanTextConf(e->api);
	res->confidence = conf < 0 ? 0 : conf > 100 ? 100 : conf;
	res->seconds = since(&t0);
	/*
	 * Recognition read the grey copy; the searchable PDF shows the page as
	 * scanned, in colour or 1-bit (G4) as it came. Set only now: Tesseract's
	 * LSTM reads its lines from the input image when it has the page's size.
	 */
	TessBaseAPISetInputImage(e->api, hoso_img_pix_ref(img));
	e->has_page = true;
out:
	if (monitor != NULL)
		TessMonitorDelete(monitor);
	if (r != 0) {
		hoso_buf_free(&res->text);
		hoso_buf_free(&res->hocr);
	}
	return r;
}

/* ---- hOCR document ---- */

int
hoso_ocr_hocr_head(struct hoso_buf *out, const char *title, struct hoso_err *err)
{
	int r;

	if ((r = hoso_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
	    "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"vi\" lang=\"vi\">\n"
	    " <head>\n  <title>", err)) != 0)
		return r;
	for (; *title != '\0' && r == 0; title++) {
		switch (*title) {
		case '&': r = hoso_buf_adds(out, "&amp;", err); break;
		case '<': r = hoso_buf_adds(out, "&lt;", err); break;
		case '>': r = hoso_buf_adds(out, "&gt;", err); break;
		default: r = hoso_buf_addc(out, *title, err); break;
		}
	}
	if (r != 0)
		return r;
	return hoso_buf_addf(out, err, "</title>\n"
	    "  <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
	    "  <meta name='ocr-system' content='tesseract %s' />\n"
	    "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line "
	    "ocrx_word ocrp_wconf'/>\n </head>\n <body>\n", TessVersion());
}

int
hoso_ocr_hocr_tail(struct hoso_buf *out, struct hoso_err *err)
{
	return hoso_buf_adds(out, " </body>\n</html>\n", err);
}

/* ---- searchable PDF ---- */

int
hoso_ocr_pdf_begin(struct hoso_ocr *e, const char *path, const char *title,
    struct hoso_ocr_pdf **pdfp, struct hoso_err *err)
{
	struct hoso_ocr_pdf *p = NULL;
	struct hoso_buf b = HOSO_BUF_INIT(0);
	const char *slash = strrchr(path, '/'), *datadir;
	int fd, r = 0;

	*pdfp = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL || (p->path = strdup(path)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* The renderer adds ".pdf" to a base name: reserve a unique base in path's directory. */
	if (slash != NULL)
		r = hoso_buf_addf(&b, err, "%.*s/.%s.tmp.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		r = hoso_buf_addf(&b, err, ".%s.tmp.XXXXXX", path);
	if (r != 0)
		goto out;
	if ((fd = mkstemp(b.data)) < 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot create a temporary file"), path);
		goto out;
	}
	close(fd);
	p->placeholder = hoso_buf_detach(&b, NULL);
	if ((r = hoso_buf_addf(&b, err, "%s.pdf", p->placeholder)) != 0)
		goto out;
	p->tmp = hoso_buf_detach(&b, NULL);
	datadir = TessBaseAPIGetDatapath(e->api);
	p->renderer = TessPDFRendererCreate(p->placeholder, datadir, 0);
	if (p->renderer == NULL ||
	    !TessResultRendererBeginDocument(p->renderer, title != NULL ? title : "")) {
		r = hoso_err_set(err, HOSO_EENGINE, _("%s: Tesseract cannot start the PDF (is "
		    "pdf.ttf in %s, and the directory writable?)"), path, datadir ? datadir : "?");
		goto out;
	}
	*pdfp = p;
	p = NULL;
out:
	hoso_ocr_pdf_abort(p);
	hoso_buf_free(&b);
	return r;
}

int
hoso_ocr_pdf_add(struct hoso_ocr_pdf *p, struct hoso_ocr *e, struct hoso_err *err)
{
	if (!e->has_page)
		return hoso_err_set(err, HOSO_EUSAGE, _("%s: no recognized page to add"), p->path);
	if (!TessResultRendererAddImage(p->renderer, e->api))
		return hoso_err_set(err, HOSO_EENGINE, _("%s: Tesseract cannot add page %d"),
		    p->path, p->pages + 1);
	p->pages++;
	return 0;
}

int
hoso_ocr_pdf_pages(const struct hoso_ocr_pdf *p)
{
	return p->pages;
}

/*
 * The renderer writes through stdio and reports no write error, so the
 * finished file is checked: it must end with the PDF trailer's %%EOF.
 */
static int
check_and_sync(const char *tmp, const char *path, struct hoso_err *err)
{
	char tail[16] = { 0 };
	struct stat st;
	ssize_t got;
	int fd, r = 0;

	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0)
		return hoso_err_sys(err, errno, _("%s: cannot open the PDF just written"), path);
	if (fstat(fd, &st) != 0 || st.st_size < 16 ||
	    (got = pread(fd, tail, sizeof(tail) - 1, st.st_size - 15)) != 15 ||
	    strstr(tail, "%%EOF") == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("%s: the PDF was not written completely (disk "
		    "full?)"), path);
		goto out;
	}
	if (fsync(fd) != 0)
		r = hoso_err_sys(err, errno, _("%s: cannot sync"), path);
out:
	close(fd);
	return r;
}

int
hoso_ocr_pdf_commit(struct hoso_ocr_pdf *p, struct hoso_err *err)
{
	struct hoso_buf dir = HOSO_BUF_INIT(0);
	const char *slash = strrchr(p->path, '/');
	bool ended;
	int r;

	ended = TessResultRendererEndDocument(p->renderer);
	/* Deleting the renderer closes its file. */
	TessDeleteResultRenderer(p->renderer);
	p->renderer = NULL;
	if (!ended) {
		r = hoso_err_set(err, HOSO_EENGINE, _("%s: Tesseract cannot finish the PDF"),
		    p->path);
		goto out;
	}
	if ((r = check_and_sync(p->tmp, p->path, err)) != 0)
		goto out;
	if (rename(p->tmp, p->path) != 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot rename into place"), p->path);
		goto out;
	}
	free(p->tmp);
	p->tmp = NULL;
	if ((r = hoso_buf_addf(&dir, err, "%.*s", slash ? (int)(slash - p->path) : 1,
	    slash ? p->path : ".")) != 0)
		goto out;
	r = hoso_file_fsync_dir(dir.data, err);
out:
	hoso_buf_free(&dir);
	hoso_ocr_pdf_abort(p);
	return r;
}

void
hoso_ocr_pdf_abort(struct hoso_ocr_pdf *p)
{
	if (p == NULL)
		return;
	if (p->renderer != NULL)
		TessDeleteResultRenderer(p->renderer);
	if (p->tmp != NULL)
		unlink(p->tmp);
	if (p->placeholder != NULL)
		unlink(p->placeholder);
	free(p->tmp);
	free(p->placeholder);
	free(p->path);
	free(p);
}

/* ---- words and lines ---- */

void
hoso_ocr_layout_free(struct hoso_ocr_layout *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n_words; i++)
		free(l->words[i].text);
	free(l->words);
	free(l->lines);
	memset(l, 0, sizeof(*l));
}

static int
grow(void **p, size_t *cap, size_t n, size_t size, struct hoso_err *err)
{
	void *np;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > (SIZE_MAX / 2) / size || (np = realloc(*p, ncap * size)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	*p = np;
	*cap = ncap;
	return 0;
}

/*
 * The lowest confidence of a letter or digit in the word at it (a copy walks
 * its symbols); conf when there is none. One doubtful letter (Kỵ read as Ky)
 * hides in a word's mean.
 */
static float
min_symbol(const TessResultIterator *it, float conf)
{
	TessResultIterator *c;
	TessPageIterator *pc;
	float low = conf, v;
	char *s;

	if ((c = TessResultIteratorCopy(it)) == NULL)
		return conf;
	pc = TessResultIteratorGetPageIterator(c);
	for (;;) {
		if ((s = TessResultIteratorGetUTF8Text(c, RIL_SYMBOL)) != NULL) {
			/* ASCII punctuation (leader dots) says nothing of the value. */
			if (((unsigned char)s[0] >= 0x80 || isalnum((unsigned char)s[0])) &&
			    (v = TessResultIteratorConfidence(c, RIL_SYMBOL)) < low)
				low = v;
			TessDeleteText(s);
		}
		if (TessPageIteratorIsAtFinalElement(pc, RIL_WORD, RIL_SYMBOL) ||
		    !TessResultIteratorNext(c, RIL_SYMBOL))
			break;
	}
	TessResultIteratorDelete(c);
	return low < 0 ? 0 : low > 100 ? 100 : low;
}

static int
layout_of(struct hoso_ocr *e, TessBaseAPI *api, struct hoso_ocr_layout *l, struct hoso_err *err);

int
hoso_ocr_layout(struct hoso_ocr *e, struct hoso_ocr_layout *l, struct hoso_err *err)
{
	return layout_of(e, e->api, l, err);
}

/* The words and lines api holds (the page's engine, or the one that read a zone). */
static int
layout_of(struct hoso_ocr *e, TessBaseAPI *api, struct hoso_ocr_layout *l, struct hoso_err *err)
{
	struct hoso_buf nfc = HOSO_BUF_INIT(0);
	TessResultIterator *it = NULL;
	TessPageIterator *pit;
	struct hoso_ocr_line *ln;
	struct hoso_ocr_word *w;
	size_t cap_words = 0, cap_lines = 0;
	char *s;
	int r = 0;

	memset(l, 0, sizeof(*l));
	if (!e->has_page)
		return hoso_err_set(err, HOSO_EUSAGE, _("no recognized page to read words from"));
	l->width = e->page_w;
	l->height = e->page_h;
	l->dpi = e->page_dpi;
	if ((it = TessBaseAPIGetIterator(api)) == NULL)
		goto out;	/* nothing recognized: no words */
	pit = TessResultIteratorGetPageIterator(it);
	TessPageIteratorBegin(pit);
	do {
		if (TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE)) {
			if ((r = grow((void **)&l->lines, &cap_lines, l->n_lines, sizeof(*l->lines),
			    err)) != 0)
				goto out;
			ln = &l->lines[l->n_lines++];
			memset(ln, 0, sizeof(*ln));
			ln->first_word = l->n_words;
			TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &ln->x0, &ln->y0, &ln->x1, &ln->y1);
			if (!TessPageIteratorBaseline(pit, RIL_TEXTLINE, &ln->base_x0, &ln->base_y0,
			    &ln->base_x1, &ln->base_y1)) {
				ln->base_x0 = ln->x0;
				ln->base_x1 = ln->x1;
				ln->base_y0 = ln->base_y1 = ln->y1;
			}
		}
		if (l->n_lines == 0)
			continue;
		if ((s = TessResultIteratorGetUTF8Text(it, RIL_WORD)) == NULL)
			continue;
		hoso_buf_reset(&nfc);
		r = hoso_utf8_nfc(s, strlen(s), &nfc, err);
		TessDeleteText(s);
		if (r != 0)
			goto out;
		if (nfc.len == 0)
			continue;
		if ((r = grow((void **)&l->words, &cap_words, l->n_words, sizeof(*l->words),
		    err)) != 0)
			goto out;
		w = &l->words[l->n_words];
		memset(w, 0, sizeof(*w));
		TessPageIteratorBoundingBox(pit, RIL_WORD, &w->x0, &w->y0, &w->x1, &w->y1);
		w->confidence = TessResultIteratorConfidence(it, RIL_WORD);
		if (w->confidence < 0)
			w->confidence = 0;
		if (w->confidence > 100)
			w->confidence = 100;
		w->min_confidence = min_symbol(it, w->confidence);
		w->line = l->n_lines - 1;
		w->text = hoso_buf_detach(&nfc, NULL);
		l->n_words++;
		l->lines[l->n_lines - 1].n_words++;
	} while (TessResultIteratorNext(it, RIL_WORD));
out:
	if (it != NULL)
		TessResultIteratorDelete(it);
	hoso_buf_free(&nfc);
	if (r != 0)
		hoso_ocr_layout_free(l);
	return r;
}

int
hoso_ocr_zone(struct hoso_ocr *e, const unsigned char *grey, int width, int height, int dpi,
    enum hoso_ocr_zone_mode mode, enum hoso_ocr_zone_model model, struct hoso_buf *text,
    double *confidence, struct hoso_ocr_layout *words, struct hoso_err *err)
{
	struct hoso_buf raw = HOSO_BUF_INIT(0);
	TessBaseAPI *api = zone_api(e, model);
	size_t i, o;
	char *s;
	int conf, r = 0;

	hoso_buf_reset(text);
	*confidence = 0;
	e->has_page = false;
	if (words != NULL)
		memset(words, 0, sizeof(*words));
	if (width <= 0 || height <= 0)
		return hoso_err_set(err, HOSO_EUSAGE, _("empty zone"));
	TessBaseAPISetPageSegMode(api, mode == HOSO_OCR_ZONE_BLOCK ? PSM_SINGLE_BLOCK :
	    PSM_SINGLE_LINE);
	/* the LSTM engines honour a whitelist since Tesseract 4.1 */
	if (mode == HOSO_OCR_ZONE_DIGITS)
		(void)TessBaseAPISetVariable(api, "tessedit_char_whitelist", "0123456789");
	TessBaseAPISetImage(api, grey, width, height, 1, width);
	TessBaseAPISetSourceResolution(api, dpi >= 50 && dpi <= 2400 ? dpi : e->default_dpi);
	/* A zone is small: no deadline needed, but Recognize must succeed. */
	if (TessBaseAPIRecognize(api, NULL) != 0) {
		r = hoso_err_set(err, HOSO_EENGINE, _("Tesseract could not recognize a field's zone"));
		goto out;
	}
	if ((s = TessBaseAPIGetUTF8Text(api)) == NULL)
		goto out;
	r = hoso_utf8_nfc(s, strlen(s), &raw, err);
	TessDeleteText(s);
	if (r != 0)
		goto out;
	/* Lines joined by one space; ends trimmed. */
	for (i = 0, o = 0; i < raw.len; i++) {
		char c = raw.data[i];
		if (c == '\n' || c == '\r' || c == '\f')
			c = ' ';
		if (c == ' ' && (o == 0 || raw.data[o - 1] == ' '))
			continue;
		raw.data[o++] = c;
	}
	while (o > 0 && raw.data[o - 1] == ' ')
		o--;
	if ((r = hoso_buf_add(text, raw.data ? raw.data : "", o, err)) != 0)
		goto out;
	conf = TessBaseAPIMeanTextConf(api);
	*confidence = text->len == 0 ? 0 : conf < 0 ? 0 : conf > 100 ? 100 : conf;
	if (words != NULL) {
		/* The zone's results are the engine's "page" for as long as it takes to list them. */
		e->has_page = true;
		e->page_w = width;
		e->page_h = height;
		e->page_dpi = dpi;
		r = layout_of(e, api, words, err);
		e->has_page = false;
	}
out:
	if (mode == HOSO_OCR_ZONE_DIGITS)
		(void)TessBaseAPISetVariable(api, "tessedit_char_whitelist", "");
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	TessBaseAPIClear(api);
	hoso_buf_free(&raw);
	return r;
}
