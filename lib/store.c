/* store.c - dossier directories, their lock, dossier.xml, and crash-safe page writes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "file.h"
#include "i18n.h"
#include "sort.h"
#include "store.h"
#include "utf8.h"
#include "xml.h"

#define DOSSIER_XML "dossier.xml"
#define DOSSIER_XML_MAX (64u << 20)

bool
hoso_store_code_ok(const char *code)
{
	size_t i, n = strlen(code);

	if (n == 0 || n > HOSO_CODE_MAX || code[0] == '.' || code[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

int
hoso_store_code_check(const char *code, struct hoso_err *err)
{
	if (hoso_store_code_ok(code))
		return 0;
	return hoso_err_set(err, HOSO_EINPUT, _("'%s' is not a usable dossier code: 1 to 128 "
	    "unaccented letters, digits, '.', '-' or '_', not starting with '.' or '-'"), code);
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

bool
hoso_store_code_parts(const char *code, struct hoso_buf *unit, char date[11])
{
	const char *last = strrchr(code, '-'), *mid;
	int y, m, d;

	/* {unit}-{yyMMdd}-{NNNN} */
	if (last == NULL || last == code || !all_digits(last + 1, strlen(last + 1)))
		return false;
	mid = last - 1;
	while (mid > code && *mid != '-')
		mid--;
	if (mid == code || last - mid - 1 != 6 || !all_digits(mid + 1, 6))
		return false;
	y = 2000 + (mid[1] - '0') * 10 + (mid[2] - '0');
	m = (mid[3] - '0') * 10 + (mid[4] - '0');
	d = (mid[5] - '0') * 10 + (mid[6] - '0');
	if (!hoso_date_valid(y, m, d))
		return false;
	hoso_date_ymd(hoso_date_day(y, m, d), date);
	hoso_buf_reset(unit);
	return hoso_buf_add(unit, code, (size_t)(mid - code), NULL) == 0;
}

static void
meta_free(struct hoso_dossier_meta *m)
{
	free(m->tieu_de);
	free(m->ma_don_vi);
	free(m->ngay_tiep_nhan);
	free(m->kenh);
	free(m->thoi_han_bao_quan);
	free(m->ngon_ngu);
	memset(m, 0, sizeof(*m));
}

static void
page_free(struct hoso_page *p)
{
	free(p->file);
	free(p->norm);
	free(p->source);
	free(p->ocr_status);
	free(p->text);
	free(p->hocr);
	p->file = p->norm = p->source = p->ocr_status = p->text = p->hocr = NULL;
}

static void
review_free(struct hoso_dossier *d)
{
	free(d->review_by);
	free(d->review_at);
	d->review_by = d->review_at = NULL;
	d->review_left = 0;
}

/* The pages and what was made of them (ocr_pdf): all that dossier.xml lists. */
static void
pages_free(struct hoso_dossier *d)
{
	size_t i;

	for (i = 0; i < d->n_pages; i++)
		page_free(&d->pages[i]);
	free(d->pages);
	d->pages = NULL;
	d->n_pages = d->cap_pages = 0;
	free(d->ocr_pdf);
	d->ocr_pdf = NULL;
	free(d->ocr_fields);
	d->ocr_fields = NULL;
	review_free(d);
}

void
hoso_store_close(struct hoso_dossier *d)
{
	if (d == NULL)
		return;
	if (d->unlisted > 0) {
		struct hoso_err ignore;

		(void)hoso_store_flush(d, 0, &ignore);
	}
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	pages_free(d);
	meta_free(&d->meta);
	free(d->code);
	free(d->dir);
	free(d);
}

int
hoso_store_find_page(const struct hoso_dossier *d, const char *sha256)
{
	size_t i;

	for (i = 0; i < d->n_pages; i++)
		if (strcmp(d->pages[i].sha256, sha256) == 0)
			return (int)i;
	return -1;
}

/* ---- dossier.xml ---- */

static int
opt_elem(struct hoso_xmlw *w, const char *name, const char *val, struct hoso_err *err)
{
	return val != NULL ? hoso_xmlw_elem(w, name, val, err) : 0;
}

static int
write_page(struct hoso_xmlw *w, const struct hoso_page *p, struct hoso_err *err)
{
	int r;

	if ((r = hoso_xmlw_start(w, "page", err)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "n", "%d", p->n)) != 0 ||
	    (r = hoso_xmlw_attr(w, "file", p->file, err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "norm", p->norm, err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "source", p->source ? p->source : "", err)) != 0)
		return r;
	if (p->source_page > 0 &&
	    (r = hoso_xmlw_attrf(w, err, "source_page", "%d", p->source_page)) != 0)
		return r;
	if ((r = hoso_xmlw_attr(w, "sha256", p->sha256, err)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "size", "%llu", (unsigned long long)p->size)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "width", "%d", p->width)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "height", "%d", p->height)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "dpi", "%d", p->dpi)) != 0 ||
	    (r = hoso_xmlw_attr(w, "colour", p->colour, err)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "rotation", "%d", p->rotation)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "skew", "%.2f", p->skew)) != 0 ||
	    (r = hoso_xmlw_attr(w, "blank", p->blank ? "true" : "false", err)) != 0)
		return r;
	if (p->ingested[0] != '\0' && (r = hoso_xmlw_attr(w, "ingested", p->ingested, err)) != 0)
		return r;
	if (p->ocr_status != NULL && p->ocr_confidence >= 0 &&
	    (r = hoso_xmlw_attrf(w, err, "ocr_confidence", "%d", p->ocr_confidence)) != 0)
		return r;
	if (p->ocr_status != NULL && (r = hoso_xmlw_attr(w, "ocr_status", p->ocr_status, err)) != 0)
		return r;
	if (p->text != NULL && (r = hoso_xmlw_attr(w, "text", p->text, err)) != 0)
		return r;
	if (p->hocr != NULL && (r = hoso_xmlw_attr(w, "hocr", p->hocr, err)) != 0)
		return r;
	return hoso_xmlw_end(w, err);
}

int
hoso_store_to_xml(const struct hoso_dossier *d, struct hoso_buf *out, struct hoso_err *err)
{
	const struct hoso_dossier_meta *m = &d->meta;
	struct hoso_xmlw *w = NULL;
	char n[32];
	size_t i;
	int r;

	if ((r = hoso_xmlw_new(&w, err)) != 0)
		return r;
	snprintf(n, sizeof(n), "%zu", d->n_pages);
	if ((r = hoso_xmlw_start(w, "dossier", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "version", "1", err)) != 0 ||
	    (r = hoso_xmlw_elem(w, "ma_ho_so", d->code, err)) != 0 ||
	    (r = opt_elem(w, "tieu_de", m->tieu_de, err)) != 0 ||
	    (r = opt_elem(w, "ma_don_vi", m->ma_don_vi, err)) != 0 ||
	    (r = opt_elem(w, "ngay_tiep_nhan", m->ngay_tiep_nhan, err)) != 0 ||
	    (r = opt_elem(w, "kenh", m->kenh, err)) != 0 ||
	    (r = opt_elem(w, "thoi_han_bao_quan", m->thoi_han_bao_quan, err)) != 0 ||
	    (r = hoso_xmlw_elem(w, "ngon_ngu", m->ngon_ngu ? m->ngon_ngu : "vi", err)) != 0 ||
	    (r = hoso_xmlw_elem(w, "so_trang", n, err)) != 0 ||
	    (r = hoso_xmlw_start(w, "pages", err)) != 0)
		goto out;
	for (i = 0; i < d->n_pages; i++)
		if ((r = write_page(w, &d->pages[i], err)) != 0)
			goto out;
	if ((r = hoso_xmlw_end(w, err)) != 0)	/* </pages> */
		goto out;
	if ((d->ocr_pdf != NULL || d->ocr_fields != NULL) &&
	    ((r = hoso_xmlw_start(w, "ocr", err)) != 0 ||
	    (d->ocr_pdf != NULL && (r = hoso_xmlw_attr(w, "pdf", d->ocr_pdf, err)) != 0) ||
	    (d->ocr_fields != NULL && (r = hoso_xmlw_attr(w, "fields", d->ocr_fields, err)) != 0) ||
	    (r = hoso_xmlw_end(w, err)) != 0))
		goto out;
	if (d->review_by != NULL && d->ocr_fields != NULL &&
	    ((r = hoso_xmlw_start(w, "review", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "by", d->review_by, err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "at", d->review_at, err)) != 0 ||
	    (r = hoso_xmlw_attrf(w, err, "left", "%ld", d->review_left)) != 0 ||
	    (r = hoso_xmlw_end(w, err)) != 0))
		goto out;
	r = hoso_xmlw_finish(w, out, err);
out:
	hoso_xmlw_free(w);
	return r;
}

static int
text_of(const struct hoso_xml_node *root, const char *name, char **dst)
{
	const struct hoso_xml_node *e = hoso_xml_child(root, name);

	free(*dst);
	*dst = NULL;
	if (e == NULL)
		return 0;
	return (*dst = hoso_xml_text(e)) != NULL ? 0 : -1;
}

static bool
parse_int(const char *s, long min, long max, long *v)
{
	char *end;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' && *v >= min && *v <= max;
}

/* A page's file names are ours to open later: accept only what we write. */
static bool
page_path_ok(const char *p)
{
	return p != NULL && strncmp(p, "pages/", 6) == 0 && hoso_store_code_ok(p + 6);
}

/* The same for what ocr-extract made of the pages: "ocr/" and one safe name. */
static bool
ocr_path_ok(const char *p)
{
	return p != NULL && strncmp(p, "ocr/", 4) == 0 && hoso_store_code_ok(p + 4);
}

static int
read_page(const struct hoso_xml_node *e, const char *label, struct hoso_page *p,
    struct hoso_err *err)
{
	char *a[12] = { 0 };
	static const char *const names[12] = { "n", "file", "norm", "source", "source_page",
	    "sha256", "size", "width", "height", "dpi", "rotation", "skew" };
	char *colour = NULL, *blank = NULL, *ingested = NULL, *conf = NULL, *status = NULL, *end;
	char *text = NULL, *hocr = NULL;
	double dv;
	long v;
	int i, r = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 12; i++)
		a[i] = hoso_xml_attr(e, names[i]);
	colour = hoso_xml_attr(e, "colour");
	blank = hoso_xml_attr(e, "blank");
	ingested = hoso_xml_attr(e, "ingested");
	conf = hoso_xml_attr(e, "ocr_confidence");
	status = hoso_xml_attr(e, "ocr_status");
	text = hoso_xml_attr(e, "text");
	hocr = hoso_xml_attr(e, "hocr");
	r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: bad page element"), label, hoso_xml_line(e));
	if (!parse_int(a[0], 1, 10000000, &v))
		goto out;
	p->n = (int)v;
	if (!page_path_ok(a[1]) || !page_path_ok(a[2]))
		goto out;
	/* Optional, but when there only what ocr-extract writes: a path out is damage. */
	if ((text != NULL && !ocr_path_ok(text)) || (hocr != NULL && !ocr_path_ok(hocr)) ||
	    (text != NULL && hocr != NULL && strcmp(text, hocr) == 0))
		goto out;
	if (a[5] == NULL || strlen(a[5]) != HOSO_SHA256_HEX - 1 ||
	    strspn(a[5], "0123456789abcdef") != HOSO_SHA256_HEX - 1)
		goto out;
	memcpy(p->sha256, a[5], HOSO_SHA256_HEX);
	if (a[4] != NULL && parse_int(a[4], 1, 10000000, &v))
		p->source_page = (int)v;
	if (a[6] != NULL)
		p->size = strtoull(a[6], NULL, 10);
	if (parse_int(a[7], 0, 1000000, &v))
		p->width = (int)v;
	if (parse_int(a[8], 0, 1000000, &v))
		p->height = (int)v;
	if (parse_int(a[9], 0, 100000, &v))
		p->dpi = (int)v;
	if (parse_int(a[10], 0, 270, &v))
		p->rotation = (int)v;
	if (a[11] != NULL)
		p->skew = strtod(a[11], &end);
	/*
	 * The two that fill fixed fields: only the values the schema allows, never a
	 * value cut to fit (a colour outside the three is none; a time is kept in the
	 * form the store writes, YYYY-MM-DDTHH:MM:SSZ, whatever offset it came with).
	 */
	if (colour != NULL && (strcmp(colour, "bw") == 0 || strcmp(colour, "grey") == 0 ||
	    strcmp(colour, "colour") == 0))
		memcpy(p->colour, colour, strlen(colour) + 1);
	if (ingested != NULL) {
		time_t t;
		char iso[HOSO_DATE_ISO_SIZE];

		if (hoso_date_parse_iso(ingested, &t) && hoso_date_iso(t, iso))
			memcpy(p->ingested, iso, sizeof(iso));
	}
	p->blank = blank != NULL && strcmp(blank, "true") == 0;
	/* xs:decimal; we write whole numbers, a reader of others' files rounds. */
	p->ocr_confidence = -1;
	if (conf != NULL && (dv = strtod(conf, &end)) >= 0.0 && dv <= 100.0 && *end == '\0' &&
	    end != conf)
		p->ocr_confidence = (int)(dv + 0.5);
	p->ocr_status = status;
	p->text = text;
	p->hocr = hocr;
	status = text = hocr = NULL;
	p->file = a[1];
	p->norm = a[2];
	p->source = a[3] ? a[3] : strdup("");
	a[1] = a[2] = a[3] = NULL;
	hoso_err_clear(err);
	r = 0;
out:
	for (i = 0; i < 12; i++)
		free(a[i]);
	free(colour);
	free(blank);
	free(ingested);
	free(conf);
	free(status);
	free(text);
	free(hocr);
	return r;
}

static bool
file_used(const struct hoso_dossier *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_pages; i++)
		if (strcmp(d->pages[i].file, name) == 0 || strcmp(d->pages[i].norm, name) == 0)
			return true;
	return false;
}

static int
push_page(struct hoso_dossier *d, const struct hoso_page *p, struct hoso_err *err)
{
	struct hoso_page *np;
	size_t cap;

	if (d->n_pages == d->cap_pages) {
		cap = d->cap_pages ? d->cap_pages * 2 : 16;
		if ((np = realloc(d->pages, cap * sizeof(*np))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		d->pages = np;
		d->cap_pages = cap;
	}
	d->pages[d->n_pages++] = *p;
	return 0;
}

int
hoso_store_from_xml(struct hoso_dossier *d, const char *xml, size_t len, const char *label,
    struct hoso_err *err)
{
	const struct hoso_xml_node *root, *pages, *e;
	struct hoso_xml *doc = NULL;
	struct hoso_dossier_meta *m = &d->meta;
	struct hoso_page p;
	char *code = NULL;
	int r;

	pages_free(d);
	meta_free(m);
	if ((r = hoso_xml_parse(xml, len, label, &doc, err)) != 0)
		return r;
	root = hoso_xml_root(doc);
	if (strcmp(hoso_xml_name(root), "dossier") != 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: root element is not <dossier>"), label);
		goto out;
	}
	if (text_of(root, "ma_ho_so", &code) != 0 || code == NULL || strcmp(code, d->code) != 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: <ma_ho_so> is not %s"), label, d->code);
		goto out;
	}
	if (text_of(root, "tieu_de", &m->tieu_de) != 0 ||
	    text_of(root, "ma_don_vi", &m->ma_don_vi) != 0 ||
	    text_of(root, "ngay_tiep_nhan", &m->ngay_tiep_nhan) != 0 ||
	    text_of(root, "kenh", &m->kenh) != 0 ||
	    text_of(root, "thoi_han_bao_quan", &m->thoi_han_bao_quan) != 0 ||
	    text_of(root, "ngon_ngu", &m->ngon_ngu) != 0) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((pages = hoso_xml_child(root, "pages")) == NULL)
		goto out;
	for (e = hoso_xml_child(pages, "page"); e != NULL; e = hoso_xml_next(e, "page")) {
		if ((r = read_page(e, label, &p, err)) != 0)
			goto out;
		if (p.n != (int)d->n_pages + 1) {
			page_free(&p);
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: page %d out of order"), label,
			    hoso_xml_line(e), p.n);
			goto out;
		}
		if (file_used(d, p.file) || file_used(d, p.norm) || strcmp(p.file, p.norm) == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: page %d names a file another "
			    "page uses"), label, hoso_xml_line(e), p.n);
			page_free(&p);
			goto out;
		}
		if ((r = push_page(d, &p, err)) != 0) {
			page_free(&p);
			goto out;
		}
	}
	if ((e = hoso_xml_child(root, "ocr")) != NULL) {
		d->ocr_pdf = hoso_xml_attr(e, "pdf");
		d->ocr_fields = hoso_xml_attr(e, "fields");
		if ((d->ocr_pdf == NULL && d->ocr_fields == NULL) ||
		    (d->ocr_pdf != NULL && !ocr_path_ok(d->ocr_pdf)) ||
		    (d->ocr_fields != NULL && !ocr_path_ok(d->ocr_fields))) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: bad ocr element"), label,
			    hoso_xml_line(e));
			goto out;
		}
	}
	if ((e = hoso_xml_child(root, "review")) != NULL) {
		long left;
		char *s = hoso_xml_attr(e, "left");
		d->review_by = hoso_xml_attr(e, "by");
		d->review_at = hoso_xml_attr(e, "at");
		if (d->review_by == NULL || d->review_at == NULL || !parse_int(s, 0, LONG_MAX, &left)) {
			free(s);
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: bad review element"), label,
			    hoso_xml_line(e));
			goto out;
		}
		free(s);
		d->review_left = left;
	}
out:
	free(code);
	hoso_xml_free(doc);
	return r;
}

/* ---- the directory, its lock and its files ---- */

/* Nested holds (hoso_store_lock around the store's own updates) take the flock once. */
static int
lock(struct hoso_dossier *d, struct hoso_err *err)
{
	struct timespec t0, t, nap = { 0, 50 * 1000 * 1000 };

	if (d->lock_depth > 0) {
		d->lock_depth++;
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(d->lock_fd, d->lock_wait > 0 ? LOCK_EX | LOCK_NB : LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return hoso_err_sys(err, errno, _("%s: cannot lock"), d->dir);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 >=
		    d->lock_wait)
			return hoso_err_set(err, HOSO_EIO, _("%s: busy (another program is writing "
			    "it); try again in a moment"), d->dir);
		nanosleep(&nap, NULL);
	}
	d->lock_depth = 1;
	return 0;
}

static void
unlock(struct hoso_dossier *d)
{
	if (d->lock_depth > 0 && --d->lock_depth == 0)
		flock(d->lock_fd, LOCK_UN);
}

static int
path_in(const struct hoso_dossier *d, const char *rel, struct hoso_buf *out, struct hoso_err *err)
{
	return hoso_file_join(out, d->dir, rel, err);
}

/* What tells one dossier.xml from the next: inode, size, mtime to the nanosecond. */
static void
stamp_of(const struct stat *st, char out[80])
{
	snprintf(out, 80, "%llu:%lld:%lld.%09ld", (unsigned long long)st->st_ino,
	    (long long)st->st_size, (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
}

static int
reload(struct hoso_dossier *d, bool *exists, struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), xml = HOSO_BUF_INIT(DOSSIER_XML_MAX);
	struct stat st;
	char stamp[80];
	int r;

	if (exists != NULL)
		*exists = true;
	/* Pages not yet listed: the lock was held since dossier.xml was last written. */
	if (d->unlisted > 0)
		return 0;
	if ((r = path_in(d, DOSSIER_XML, &path, err)) != 0)
		goto out;
	if (stat(path.data, &st) != 0 && errno == ENOENT) {
		pages_free(d);
		d->xml_stamp[0] = '\0';
		if (exists != NULL)
			*exists = false;
		goto out;
	}
	/* The version this process read or wrote last is what it holds already. */
	stamp_of(&st, stamp);
	if (d->xml_stamp[0] != '\0' && strcmp(stamp, d->xml_stamp) == 0)
		goto out;
	if ((r = hoso_file_read(path.data, DOSSIER_XML_MAX, &xml, err)) != 0)
		goto out;
	d->xml_stamp[0] = '\0';
	if ((r = hoso_store_from_xml(d, xml.data, xml.len, path.data, err)) == 0)
		memcpy(d->xml_stamp, stamp, sizeof(stamp));
out:
	hoso_buf_free(&path);
	hoso_buf_free(&xml);
	return r;
}

static int
save(struct hoso_dossier *d, struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), xml = HOSO_BUF_INIT(DOSSIER_XML_MAX);
	struct stat st;
	int r;

	d->xml_stamp[0] = '\0';
	if ((r = hoso_store_to_xml(d, &xml, err)) == 0 &&
	    (r = path_in(d, DOSSIER_XML, &path, err)) == 0)
		r = hoso_file_write_atomic(path.data, xml.data, xml.len, err);
	if (r == 0 && stat(path.data, &st) == 0)
		stamp_of(&st, d->xml_stamp);
	/* Every page is listed now: the hold hoso_store_defer kept goes. */
	if (r == 0 && d->unlisted > 0) {
		d->unlisted = 0;
		unlock(d);
	}
	hoso_buf_free(&path);
	hoso_buf_free(&xml);
	return r;
}

void
hoso_store_defer(struct hoso_dossier *d, bool on)
{
	d->defer = on;
}

int
hoso_store_flush(struct hoso_dossier *d, double max_age, struct hoso_err *err)
{
	int r;

	if (d == NULL || d->unlisted == 0 ||
	    (max_age > 0 && hoso_date_monotonic() - d->unlisted_since < max_age))
		return 0;
	if ((r = lock(d, err)) != 0)
		return r;
	r = save(d, err);
	unlock(d);
	return r;
}

/*
 * A page file name as the store writes them: NNNN.<ext> or NNNN.norm.tif,
 * four digits or more. *num gets NNNN. Nothing else in pages/ is ours.
 */
static bool
page_name(const char *name, unsigned long *num)
{
	static const char *const exts[] = { ".tif", ".png", ".jpg", ".pnm", ".norm.tif" };
	size_t digits = strspn(name, "0123456789"), i;

	if (digits < 4 || digits > 9)
		return false;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (strcmp(name + digits, exts[i]) == 0) {
			if (num != NULL)
				*num = strtoul(name, NULL, 10);
			return true;
		}
	}
	return false;
}

/* A temporary file of ours: ".NAME.tmp.XXXXXX" for dossier.xml or a page file. */
static bool
our_temp(const char *name)
{
	const char *t;
	char inner[64];
	size_t n;

	if (!hoso_file_is_temp(name) || (t = strstr(name, ".tmp.")) == NULL)
		return false;
	n = (size_t)(t - name) - 1;
	if (n == 0 || n >= sizeof(inner))
		return false;
	memcpy(inner, name + 1, n);
	inner[n] = '\0';
	return strcmp(inner, DOSSIER_XML) == 0 || page_name(inner, NULL);
}

static unsigned long
next_file_number(const struct hoso_dossier *d)
{
	unsigned long max = 0, n;
	size_t i;

	for (i = 0; i < d->n_pages; i++) {
		if (page_name(d->pages[i].file + 6, &n) && n > max)
			max = n;
		if (page_name(d->pages[i].norm + 6, &n) && n > max)
			max = n;
	}
	return max + 1;
}

static bool
listed(const struct hoso_dossier *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_pages; i++)
		if (strcmp(d->pages[i].file + 6, name) == 0 || strcmp(d->pages[i].norm + 6, name) == 0)
			return true;
	return false;
}

/*
 * Under the lock, what a killed writer left is garbage: every writer holds
 * the lock while its temporary or not-yet-listed files exist. Only names
 * the store writes are touched; anything else someone put there stays.
 */
static int
sweep(struct hoso_dossier *d, const char *sub, bool pages, struct hoso_err *err)
{
	struct hoso_buf dir = HOSO_BUF_INIT(0);
	struct dirent *de;
	DIR *dp = NULL;
	int dfd, r = 0;

	if ((r = path_in(d, sub, &dir, err)) != 0)
		goto out;
	if ((dp = opendir(dir.data)) == NULL) {
		if (errno != ENOENT)
			r = hoso_err_sys(err, errno, _("%s: cannot read directory"), dir.data);
		goto out;
	}
	dfd = dirfd(dp);
	while ((de = readdir(dp)) != NULL) {
		if (our_temp(de->d_name) ||
		    (pages && page_name(de->d_name, NULL) && !listed(d, de->d_name))) {
			if (unlinkat(dfd, de->d_name, 0) != 0 && errno != ENOENT) {
				r = hoso_err_sys(err, errno, _("%s/%s: cannot remove"), dir.data,
				    de->d_name);
				goto out;
			}
		}
	}
out:
	if (dp != NULL)
		closedir(dp);
	hoso_buf_free(&dir);
	return r;
}

/*
 * A directory without dossier.xml is ours to use only if it holds nothing
 * but what a writer killed before its first index leaves: the lock, pages/
 * with page files, temporary files. Anything else is someone else's folder.
 */
static int
foreign_entry(const struct hoso_dossier *d, const char *sub, struct hoso_buf *found,
    struct hoso_err *err)
{
	struct hoso_buf dir = HOSO_BUF_INIT(0);
	struct dirent *de;
	DIR *dp = NULL;
	bool top = strcmp(sub, ".") == 0;
	int r;

	if ((r = path_in(d, sub, &dir, err)) != 0)
		goto out;
	if ((dp = opendir(dir.data)) == NULL) {
		if (errno != ENOENT)
			r = hoso_err_sys(err, errno, _("%s: cannot read directory"), dir.data);
		goto out;
	}
	while ((de = readdir(dp)) != NULL && found->len == 0) {
		const char *n = de->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 || our_temp(n) ||
		    (top && (strcmp(n, ".lock") == 0 || strcmp(n, "pages") == 0)) ||
		    (!top && page_name(n, NULL)))
			continue;
		r = hoso_buf_adds(found, n, err);
	}
out:
	if (dp != NULL)
		closedir(dp);
	hoso_buf_free(&dir);
	return r;
}

static int
check_foreign(const struct hoso_dossier *d, struct hoso_err *err)
{
	struct hoso_buf found = HOSO_BUF_INIT(0), xml = HOSO_BUF_INIT(0);
	struct stat st;
	int r;

	if ((r = path_in(d, DOSSIER_XML, &xml, err)) != 0 || stat(xml.data, &st) == 0)
		goto out;
	if ((r = foreign_entry(d, ".", &found, err)) != 0 ||
	    (found.len == 0 && (r = foreign_entry(d, "pages", &found, err)) != 0))
		goto out;
	if (found.len > 0)
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a dossier of the store (no %s, and "
		    "it holds '%s'); nothing in it was touched"), d->dir, DOSSIER_XML, found.data);
out:
	hoso_buf_free(&found);
	hoso_buf_free(&xml);
	return r;
}

/* The record of STORE/<code>, its directory named (and, unless create, there). */
static int
dossier_at(const char *store, const char *code, bool create, struct hoso_dossier **out,
    struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_dossier *d = NULL;
	struct stat st;
	int r;

	*out = NULL;
	if ((r = hoso_store_code_check(code, err)) != 0)
		return r;
	if ((d = calloc(1, sizeof(*d))) == NULL || (d->code = strdup(code)) == NULL) {
		free(d);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	d->lock_fd = -1;
	if ((r = hoso_file_join(&path, store, code, err)) != 0)
		goto out;
	d->dir = hoso_buf_detach(&path, NULL);
	if (!create && (stat(d->dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no such dossier"), d->dir);
		goto out;
	}
	*out = d;
	d = NULL;
out:
	hoso_store_close(d);
	hoso_buf_free(&path);
	return r;
}

int
hoso_store_open(const char *store, const char *code, bool create, struct hoso_dossier **dp,
    struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_dossier *d = NULL;
	struct stat st;
	bool locked = false;
	int r;

	*dp = NULL;
	if ((r = dossier_at(store, code, create, &d, err)) != 0)
		goto out;
	/* Checked before anything is created in it (the lock file, pages/). */
	if (stat(d->dir, &st) == 0 && (r = check_foreign(d, err)) != 0)
		goto out;
	if ((r = hoso_file_join(&path, d->dir, "pages", err)) != 0 ||
	    (create && (r = hoso_file_mkdirs(path.data, err)) != 0) ||
	    (r = hoso_file_join(&path, d->dir, ".lock", err)) != 0)
		goto out;
	d->lock_fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d->lock_fd < 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open lock file"), path.data);
		goto out;
	}
	if ((r = lock(d, err)) != 0)
		goto out;
	locked = true;
	if ((r = reload(d, NULL, err)) != 0)
		goto out;
	if (create && ((r = sweep(d, ".", false, err)) != 0 ||
	    (r = sweep(d, "pages", true, err)) != 0))
		goto out;
	*dp = d;
	d = NULL;
out:
	if (locked && *dp != NULL)
		unlock(*dp);
	hoso_store_close(d);
	hoso_buf_free(&path);
	return r;
}

int
hoso_store_read(const char *store, const char *code, struct hoso_dossier **dp,
    struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_dossier *d = NULL;
	int r;

	*dp = NULL;
	if ((r = dossier_at(store, code, false, &d, err)) != 0)
		goto out;
	/* The lock file, for updates later; a store read-only to us has none to create. */
	if ((r = hoso_file_join(&path, d->dir, ".lock", err)) != 0)
		goto out;
	d->lock_fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if ((r = reload(d, NULL, err)) != 0)
		goto out;
	*dp = d;
	d = NULL;
out:
	hoso_store_close(d);
	hoso_buf_free(&path);
	return r;
}

static int
replace(char **dst, const char *src, bool override, bool *changed)
{
	char *c;

	if (src == NULL || (*dst != NULL && !override) || (*dst != NULL && strcmp(*dst, src) == 0))
		return 0;
	if ((c = strdup(src)) == NULL)
		return -1;
	free(*dst);
	*dst = c;
	*changed = true;
	return 0;
}

int
hoso_store_set_meta(struct hoso_dossier *d, const struct hoso_dossier_meta *src, bool override,
    struct hoso_err *err)
{
	struct hoso_dossier_meta *m = &d->meta;
	bool changed = false;
	int r;

	if ((r = lock(d, err)) != 0)
		return r;
	if ((r = reload(d, NULL, err)) != 0)
		goto out;
	if (replace(&m->tieu_de, src->tieu_de, override, &changed) != 0 ||
	    replace(&m->ma_don_vi, src->ma_don_vi, override, &changed) != 0 ||
	    replace(&m->ngay_tiep_nhan, src->ngay_tiep_nhan, override, &changed) != 0 ||
	    replace(&m->kenh, src->kenh, override, &changed) != 0 ||
	    replace(&m->thoi_han_bao_quan, src->thoi_han_bao_quan, override, &changed) != 0 ||
	    replace(&m->ngon_ngu, src->ngon_ngu, override, &changed) != 0) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if (changed)
		r = save(d, err);
out:
	unlock(d);
	return r;
}

int
hoso_store_add_page(struct hoso_dossier *d, const struct hoso_page *page, const char *ext,
    const void *orig, size_t orig_len, const void *norm, size_t norm_len, bool *added,
    struct hoso_err *err)
{
	struct hoso_buf rel = HOSO_BUF_INIT(0), path = HOSO_BUF_INIT(0);
	struct hoso_page p = *page;
	unsigned long num;
	char *stale_pdf = NULL;
	int r;

	*added = false;
	p.file = p.norm = p.source = p.ocr_status = p.text = p.hocr = NULL;
	if ((r = lock(d, err)) != 0)
		return r;
	if ((r = reload(d, NULL, err)) != 0)
		goto out;
	if (hoso_store_find_page(d, page->sha256) >= 0)
		goto out;
	/*
	 * Pages keep their numbers in n, but file names take the next number no
	 * listed file uses, so a renumbered or pruned index can never make a new
	 * page overwrite a listed one.
	 */
	p.n = (int)d->n_pages + 1;
	num = next_file_number(d);
	if ((r = hoso_buf_addf(&rel, err, "pages/%04lu.%s", num, ext)) != 0 ||
	    (r = path_in(d, rel.data, &path, err)) != 0 ||
	    (r = hoso_file_write_atomic(path.data, orig, orig_len, err)) != 0)
		goto out;
	p.file = hoso_buf_detach(&rel, NULL);
	if ((r = hoso_buf_addf(&rel, err, "pages/%04lu.norm.tif", num)) != 0 ||
	    (r = path_in(d, rel.data, &path, err)) != 0 ||
	    (r = hoso_file_write_atomic(path.data, norm, norm_len, err)) != 0)
		goto out;
	p.norm = hoso_buf_detach(&rel, NULL);
	p.ocr_status = p.text = p.hocr = NULL;	/* a new page has not been recognized */
	p.ocr_confidence = -1;
	if ((p.source = strdup(page->source ? page->source : "")) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = push_page(d, &p, err)) != 0)
		goto out;
	p.file = p.norm = p.source = p.ocr_status = p.text = p.hocr = NULL;
	/*
	 * The searchable PDF no longer covers every page: unlisted, so that no
	 * tool (sign-pack) takes it for the dossier's copy until ocr-extract
	 * makes it again. The file stays, unlisted, for that run to replace.
	 */
	stale_pdf = d->ocr_pdf;
	d->ocr_pdf = NULL;
	/* So are the form fields read from the pages before, and their review. */
	free(d->ocr_fields);
	d->ocr_fields = NULL;
	review_free(d);
	/*
	 * The index last: until it is written the new files do not exist for
	 * anyone. Deferred, while fewer than an eighth of the pages wait: the
	 * lock is held on for them (one more hold, let go by save).
	 */
	if (d->defer && (d->unlisted + 1) * 8 < d->n_pages) {
		if (d->unlisted == 0) {
			d->unlisted_since = hoso_date_monotonic();
			d->lock_depth++;
		}
		d->unlisted++;
		free(stale_pdf);
		stale_pdf = NULL;
		*added = true;
		goto out;
	}
	if ((r = save(d, err)) != 0) {
		page_free(&d->pages[--d->n_pages]);
		d->ocr_pdf = stale_pdf;
		stale_pdf = NULL;
		goto out;
	}
	*added = true;
out:
	unlock(d);
	free(stale_pdf);
	free(p.file);
	free(p.norm);
	free(p.source);
	hoso_buf_free(&rel);
	hoso_buf_free(&path);
	return r;
}

int
hoso_store_lock(struct hoso_dossier *d, struct hoso_err *err)
{
	int r;

	if ((r = lock(d, err)) != 0)
		return r;
	if ((r = reload(d, NULL, err)) != 0)
		unlock(d);
	return r;
}

void
hoso_store_unlock(struct hoso_dossier *d)
{
	unlock(d);
}

/* Both NULL or both the same string. */
static bool
same_str(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* A copy of an optional OCR path, refused unless the store would read it back. */
static int
ocr_path_dup(const struct hoso_dossier *d, const char *src, char **dst, struct hoso_err *err)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	if (!ocr_path_ok(src))
		return hoso_err_set(err, HOSO_EINPUT, _("%s: '%s' is not a file of ocr/ the store "
		    "can list"), d->dir, src);
	if ((*dst = strdup(src)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	return 0;
}

static void
take(char **dst, char **src)
{
	free(*dst);
	*dst = *src;
	*src = NULL;
}

/* files false: text, hocr, ocr_pdf and ocr_fields are neither read nor changed. */
static int
set_ocr(struct hoso_dossier *d, const struct hoso_page_ocr *ocr, size_t n, bool files,
    const char *ocr_pdf, bool set_fields, const char *ocr_fields, struct hoso_err *err)
{
	char *fields = NULL;
	struct hoso_page *p;
	char (*sha)[HOSO_SHA256_HEX] = NULL;
	char **status = NULL, **text = NULL, **hocr = NULL, *pdf = NULL;
	bool changed = false;
	size_t i;
	int k, r;

	/* Copies first: the caller's strings may live in d->pages, which the reload replaces. */
	if ((sha = calloc(n + 1, sizeof(*sha))) == NULL ||
	    (status = calloc(n + 1, sizeof(*status))) == NULL ||
	    (text = calloc(n + 1, sizeof(*text))) == NULL ||
	    (hocr = calloc(n + 1, sizeof(*hocr))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto done;
	}
	for (i = 0; i < n; i++) {
		snprintf(sha[i], sizeof(sha[i]), "%s", ocr[i].sha256);
		if ((status[i] = strdup(ocr[i].status)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto done;
		}
		if (files && ((r = ocr_path_dup(d, ocr[i].text, &text[i], err)) != 0 ||
		    (r = ocr_path_dup(d, ocr[i].hocr, &hocr[i], err)) != 0))
			goto done;
	}
	if (files && (r = ocr_path_dup(d, ocr_pdf, &pdf, err)) != 0)
		goto done;
	if (files && set_fields && (r = ocr_path_dup(d, ocr_fields, &fields, err)) != 0)
		goto done;
	if ((r = lock(d, err)) != 0)
		goto done;
	if ((r = reload(d, NULL, err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((k = hoso_store_find_page(d, sha[i])) < 0)
			continue;
		p = &d->pages[k];
		if (p->ocr_status != NULL && strcmp(p->ocr_status, status[i]) == 0 &&
		    p->ocr_confidence == ocr[i].confidence &&
		    (!files || (same_str(p->text, text[i]) && same_str(p->hocr, hocr[i]))))
			continue;
		take(&p->ocr_status, &status[i]);
		if (files) {
			take(&p->text, &text[i]);
			take(&p->hocr, &hocr[i]);
		}
		p->ocr_confidence = ocr[i].confidence;
		changed = true;
	}
	if (files && !same_str(d->ocr_pdf, pdf)) {
		take(&d->ocr_pdf, &pdf);
		changed = true;
	}
	if (files && set_fields) {
		/* A new fields document: the review of the old one is history. */
		if (!same_str(d->ocr_fields, fields) || d->review_by != NULL)
			changed = true;
		take(&d->ocr_fields, &fields);
		review_free(d);
	}
	if (changed)
		r = save(d, err);
out:
	unlock(d);
done:
	for (i = 0; i < n; i++) {
		free(status != NULL ? status[i] : NULL);
		free(text != NULL ? text[i] : NULL);
		free(hocr != NULL ? hocr[i] : NULL);
	}
	free(status);
	free(text);
	free(hocr);
	free(pdf);
	free(fields);
	free(sha);
	return r;
}

int
hoso_store_set_review(struct hoso_dossier *d, const char *by, const char *at, long left,
    struct hoso_err *err)
{
	char *b = NULL, *a = NULL;
	int r;

	if (by == NULL || at == NULL || *by == '\0' || *at == '\0' || hoso_utf8_has_control(by) ||
	    hoso_utf8_has_control(at) || left < 0)
		return hoso_err_set(err, HOSO_EUSAGE, _("%s: a review needs who and when"), d->dir);
	if ((b = strdup(by)) == NULL || (a = strdup(at)) == NULL) {
		free(b);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	if ((r = lock(d, err)) != 0)
		goto done;
	if ((r = reload(d, NULL, err)) != 0)
		goto out;
	if (d->ocr_fields == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no form fields to review"), d->dir);
		goto out;
	}
	take(&d->review_by, &b);
	take(&d->review_at, &a);
	d->review_left = left;
	r = save(d, err);
out:
	unlock(d);
done:
	free(b);
	free(a);
	return r;
}

int
hoso_store_set_ocr(struct hoso_dossier *d, const struct hoso_page_ocr *ocr, size_t n,
    struct hoso_err *err)
{
	return set_ocr(d, ocr, n, false, NULL, false, NULL, err);
}

int
hoso_store_set_ocr_files(struct hoso_dossier *d, const struct hoso_page_ocr *ocr, size_t n,
    const char *ocr_pdf, struct hoso_err *err)
{
	return set_ocr(d, ocr, n, true, ocr_pdf, false, NULL, err);
}

int
hoso_store_set_ocr_outputs(struct hoso_dossier *d, const struct hoso_page_ocr *ocr, size_t n,
    const char *ocr_pdf, const char *ocr_fields, struct hoso_err *err)
{
	return set_ocr(d, ocr, n, true, ocr_pdf, true, ocr_fields, err);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
hoso_store_codes_free(char **codes, size_t n)
{
	size_t i;

	for (i = 0; codes != NULL && i < n; i++)
		free(codes[i]);
	free(codes);
}

int
hoso_store_list(const char *store, char ***codes, size_t *n, struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct dirent *de;
	struct stat st;
	char **list = NULL, **nl;
	size_t cap = 0;
	DIR *dp;
	int r = 0;

	*codes = NULL;
	*n = 0;
	if ((dp = opendir(store)) == NULL)
		return hoso_err_sys(err, errno, _("%s: cannot read the store"), store);
	while ((de = readdir(dp)) != NULL) {
		if (!hoso_store_code_ok(de->d_name))
			continue;
		hoso_buf_reset(&path);
		if ((r = hoso_buf_addf(&path, err, "%s/%s/dossier.xml", store, de->d_name)) != 0)
			goto out;
		if (stat(path.data, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nl = realloc(list, cap * sizeof(*nl))) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			list = nl;
		}
		if ((list[*n] = strdup(de->d_name)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		(*n)++;
	}
	if (*n > 1)
		hoso_sort(list, *n, sizeof(*list), cmp_str);
out:
	closedir(dp);
	hoso_buf_free(&path);
	if (r != 0) {
		hoso_store_codes_free(list, *n);
		list = NULL;
		*n = 0;
	}
	*codes = list;
	return r;
}

bool
hoso_store_is_dossier(const char *dir)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_err err;
	struct stat st;
	bool yes;

	hoso_err_clear(&err);
	yes = hoso_file_join(&path, dir, "dossier.xml", &err) == 0 && stat(path.data, &st) == 0 &&
	    S_ISREG(st.st_mode);
	hoso_buf_free(&path);
	return yes;
}

bool
hoso_store_own_file(const char *path)
{
	static const char *const own[] = { HOSO_STORE_INDEX, HOSO_STORE_INDEX "-wal",
	    HOSO_STORE_INDEX "-shm", HOSO_STORE_INDEX "-journal", HOSO_STORE_INDEX_STALE,
	    HOSO_STORE_INDEX_DB };
	const char *base = strrchr(path, '/');
	char dir[4096];
	struct stat st;
	size_t i, n;

	base = base != NULL ? base + 1 : path;
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(base, own[i]) == 0)
			break;
	if (i == sizeof(own) / sizeof(own[0]) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	n = (size_t)(base - path);
	if (n >= sizeof(dir))
		return false;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return !hoso_store_is_dossier(n > 0 ? dir : ".");
}

int
hoso_store_expand(char *const *in, size_t n, char ***out, size_t *n_out, struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct stat st;
	char **list = NULL, **nl, **codes = NULL;
	size_t cap = 0, i, k, n_codes = 0;
	int r = 0;

	*out = NULL;
	*n_out = 0;
	for (i = 0; i < n; i++) {
		if (hoso_store_own_file(in[i]))
			continue;
		/* A store: a directory that is no dossier itself and holds dossiers. */
		n_codes = 0;
		codes = NULL;
		if (stat(in[i], &st) == 0 && S_ISDIR(st.st_mode) && !hoso_store_is_dossier(in[i]) &&
		    (r = hoso_store_list(in[i], &codes, &n_codes, err)) != 0)
			goto out;
		for (k = 0; k < (n_codes > 0 ? n_codes : 1); k++) {
			if (*n_out == cap) {
				cap = cap ? cap * 2 : 16;
				if ((nl = realloc(list, cap * sizeof(*nl))) == NULL) {
					r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
					goto out;
				}
				list = nl;
			}
			hoso_buf_reset(&path);
			if ((r = n_codes > 0 ? hoso_file_join(&path, in[i], codes[k], err) :
			    hoso_buf_adds(&path, in[i], err)) != 0)
				goto out;
			list[(*n_out)++] = hoso_buf_detach(&path, NULL);
		}
		hoso_store_codes_free(codes, n_codes);
		codes = NULL;
	}
out:
	hoso_store_codes_free(codes, n_codes);
	hoso_buf_free(&path);
	if (r != 0) {
		hoso_store_codes_free(list, *n_out);
		list = NULL;
		*n_out = 0;
	}
	*out = list;
	return r;
}

int
hoso_store_split(const char *dir, struct hoso_buf *store, struct hoso_buf *code,
    struct hoso_err *err)
{
	size_t n = strlen(dir), start;
	int r;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	start = n;
	while (start > 0 && dir[start - 1] != '/')
		start--;
	hoso_buf_reset(store);
	hoso_buf_reset(code);
	if ((r = hoso_buf_add(code, dir + start, n - start, err)) != 0)
		return r;
	if (start == 0)
		return hoso_buf_adds(store, ".", err);
	return hoso_buf_add(store, dir, start > 1 ? start - 1 : 1, err);
}
