/* review.c - the fields document read back, and a person's corrections saved into it (review.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "i18n.h"
#include "review.h"
#include "utf8.h"
#include "validate.h"
#include "xml.h"

void
hoso_review_doc_free(struct hoso_review_doc *doc)
{
	size_t i;

	if (doc == NULL)
		return;
	for (i = 0; i < doc->n_forms; i++) {
		free(doc->forms[i].name);
		free(doc->forms[i].source);
	}
	for (i = 0; i < doc->n_fields; i++) {
		struct hoso_review_field *f = &doc->fields[i];
		free(f->name);
		free(f->type);
		free(f->value);
		free(f->raw);
		free(f->reason);
		free(f->ocr);
		free(f->by);
		free(f->at);
	}
	free(doc->forms);
	free(doc->fields);
	free(doc);
}

/* FNV-1a over the parts a save can change: a cheap version, not a secret. */
static void
hash_part(unsigned long long *h, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "\x01");

	for (; *p != '\0'; p++) {
		*h ^= *p;
		*h *= 1099511628211ull;
	}
	*h ^= 0xff;
	*h *= 1099511628211ull;
}

static void
set_tag(struct hoso_review_field *f)
{
	unsigned long long h = 14695981039346656037ull;

	hash_part(&h, f->value);
	hash_part(&h, f->review ? "1" : "0");
	hash_part(&h, f->by);
	hash_part(&h, f->at);
	snprintf(f->tag, sizeof(f->tag), "%016llx", h);
}

static bool
int_attr(const char *s, long min, long max, long *v)
{
	char *end;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' && *v >= min && *v <= max;
}

static bool
bbox_attr(const char *s, struct hoso_review_field *f)
{
	int n = 0;

	return s != NULL && sscanf(s, "%d %d %d %d%n", &f->x0, &f->y0, &f->x1, &f->y1, &n) == 4 &&
	    s[n] == '\0' && f->x0 >= 0 && f->y0 >= 0 && f->x1 >= f->x0 && f->y1 >= f->y0;
}

static bool
name_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n >= 1 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n &&
	    s[0] != '_';
}

static int
read_field(const struct hoso_xml_node *e, const char *label, size_t form,
    struct hoso_review_field *f, struct hoso_err *err)
{
	char *conf = hoso_xml_attr(e, "confidence"), *review = hoso_xml_attr(e, "review");
	char *bbox = hoso_xml_attr(e, "bbox"), *end = NULL;
	int r = 0;

	memset(f, 0, sizeof(*f));
	f->form = form;
	f->name = hoso_xml_attr(e, "name");
	f->type = hoso_xml_attr(e, "type");
	f->value = hoso_xml_text(e);
	f->raw = hoso_xml_attr(e, "raw");
	f->reason = hoso_xml_attr(e, "reason");
	f->ocr = hoso_xml_attr(e, "ocr");
	f->by = hoso_xml_attr(e, "by");
	f->at = hoso_xml_attr(e, "at");
	if (f->value == NULL)
		f->value = strdup("");
	if (f->value == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if (conf != NULL)
		f->confidence = strtod(conf, &end);
	if (!name_ok(f->name) || f->raw == NULL || conf == NULL || end == conf || *end != '\0' ||
	    !(f->confidence >= 0.0 && f->confidence <= 100.0) || review == NULL ||
	    (strcmp(review, "true") != 0 && strcmp(review, "false") != 0) ||
	    !bbox_attr(bbox, f) || (f->by == NULL) != (f->at == NULL)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: bad field element"), label,
		    hoso_xml_line(e));
		goto out;
	}
	f->review = strcmp(review, "true") == 0;
	set_tag(f);
out:
	free(conf);
	free(review);
	free(bbox);
	return r;
}

static int
grow(void **p, size_t *cap, size_t n, size_t size, struct hoso_err *err)
{
	void *np;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	if ((np = realloc(*p, c * size)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	*p = np;
	*cap = c;
	return 0;
}

int
hoso_review_parse(const char *xml, size_t len, const char *label, struct hoso_review_doc **out,
    struct hoso_err *err)
{
	const struct hoso_xml_node *root, *fe, *e;
	struct hoso_review_doc *doc;
	struct hoso_xml *x = NULL;
	size_t cap_forms = 0, cap_fields = 0;
	char *version = NULL, *page = NULL;
	long v;
	int r;

	*out = NULL;
	if ((doc = calloc(1, sizeof(*doc))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	if ((r = hoso_xml_parse(xml, len, label, &x, err)) != 0)
		goto out;
	root = hoso_xml_root(x);
	version = hoso_xml_attr(root, "version");
	if (strcmp(hoso_xml_name(root), "fields") != 0 || version == NULL ||
	    strcmp(version, "1") != 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a fields document of version 1"),
		    label);
		goto out;
	}
	for (fe = hoso_xml_child(root, "form"); fe != NULL; fe = hoso_xml_next(fe, "form")) {
		struct hoso_review_form *fm;
		if ((r = grow((void **)&doc->forms, &cap_forms, doc->n_forms, sizeof(*fm), err)) != 0)
			goto out;
		fm = &doc->forms[doc->n_forms];
		memset(fm, 0, sizeof(*fm));
		doc->n_forms++;
		fm->name = hoso_xml_attr(fe, "name");
		fm->source = hoso_xml_attr(fe, "source");
		free(page);
		page = hoso_xml_attr(fe, "page");
		if (fm->name == NULL || !int_attr(page, 1, INT_MAX, &v)) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: bad form element"), label,
			    hoso_xml_line(fe));
			goto out;
		}
		fm->page = (int)v;
		for (e = hoso_xml_child(fe, "field"); e != NULL; e = hoso_xml_next(e, "field")) {
			if ((r = grow((void **)&doc->fields, &cap_fields, doc->n_fields,
			    sizeof(*doc->fields), err)) != 0)
				goto out;
			r = read_field(e, label, doc->n_forms - 1, &doc->fields[doc->n_fields], err);
			doc->n_fields++;	/* freed with the document, whole or not */
			if (r != 0)
				goto out;
		}
	}
	*out = doc;
	doc = NULL;
out:
	free(version);
	free(page);
	hoso_xml_free(x);
	hoso_review_doc_free(doc);
	return r;
}

int
hoso_review_to_xml(const struct hoso_review_doc *doc, struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_xmlw *w = NULL;
	size_t i, form = (size_t)-1;
	int r;

	if ((r = hoso_xmlw_new(&w, err)) != 0)
		return r;
	if ((r = hoso_xmlw_start(w, "fields", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "version", "1", err)) != 0)
		goto out;
	for (i = 0; i <= doc->n_fields; i++) {
		const struct hoso_review_field *f = i < doc->n_fields ? &doc->fields[i] : NULL;
		size_t next = f != NULL ? f->form : doc->n_forms;
		/* Close the form before and open those up to this field's (empty forms too). */
		while (form != next) {
			const struct hoso_review_form *fm;
			if (form != (size_t)-1 && (r = hoso_xmlw_end(w, err)) != 0)
				goto out;
			form = form == (size_t)-1 ? 0 : form + 1;
			if (form >= doc->n_forms)
				break;
			fm = &doc->forms[form];
			if ((r = hoso_xmlw_start(w, "form", err)) != 0 ||
			    (r = hoso_xmlw_attr(w, "name", fm->name, err)) != 0 ||
			    (r = hoso_xmlw_attrf(w, err, "page", "%d", fm->page)) != 0 ||
			    (fm->source != NULL &&
			    (r = hoso_xmlw_attr(w, "source", fm->source, err)) != 0))
				goto out;
		}
		if (f == NULL)
			break;
		if ((r = hoso_xmlw_start(w, "field", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "name", f->name, err)) != 0 ||
		    (f->type != NULL && (r = hoso_xmlw_attr(w, "type", f->type, err)) != 0) ||
		    (r = hoso_xmlw_attrf(w, err, "confidence", "%.1f", f->confidence)) != 0 ||
		    (r = hoso_xmlw_attr(w, "review", f->review ? "true" : "false", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "raw", f->raw, err)) != 0 ||
		    (f->reason != NULL && (r = hoso_xmlw_attr(w, "reason", f->reason, err)) != 0) ||
		    (f->by != NULL && (r = hoso_xmlw_attr(w, "by", f->by, err)) != 0) ||
		    (f->at != NULL && (r = hoso_xmlw_attr(w, "at", f->at, err)) != 0) ||
		    (f->ocr != NULL && (r = hoso_xmlw_attr(w, "ocr", f->ocr, err)) != 0) ||
		    (r = hoso_xmlw_attrf(w, err, "bbox", "%d %d %d %d", f->x0, f->y0, f->x1,
		    f->y1)) != 0 ||
		    (f->value[0] != '\0' && (r = hoso_xmlw_text(w, f->value, err)) != 0) ||
		    (r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	r = hoso_xmlw_finish(w, out, err);
out:
	hoso_xmlw_free(w);
	return r;
}

int
hoso_review_load(const struct hoso_dossier *d, struct hoso_review_doc **doc, struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), xml = HOSO_BUF_INIT(HOSO_REVIEW_FIELDS_MAX);
	int r;

	*doc = NULL;
	if (d->ocr_fields == NULL) {
		if ((*doc = calloc(1, sizeof(**doc))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		return 0;
	}
	if ((r = hoso_file_join(&path, d->dir, d->ocr_fields, err)) == 0 &&
	    (r = hoso_file_read(hoso_buf_str(&path), HOSO_REVIEW_FIELDS_MAX, &xml, err)) == 0)
		r = hoso_review_parse(hoso_buf_str(&xml), xml.len, hoso_buf_str(&path), doc, err);
	hoso_buf_free(&path);
	hoso_buf_free(&xml);
	return r;
}

size_t
hoso_review_left(const struct hoso_review_doc *doc)
{
	size_t i, n = 0;

	for (i = 0; i < doc->n_fields; i++)
		n += doc->fields[i].review;
	return n;
}

long
hoso_review_find(const struct hoso_review_doc *doc, int page, const char *name)
{
	size_t i;

	for (i = 0; i < doc->n_fields; i++)
		if (doc->forms[doc->fields[i].form].page == page &&
		    strcmp(doc->fields[i].name, name) == 0)
			return (long)i;
	return -1;
}

static const struct hoso_template_field *
template_field(const struct hoso_template_set *set, const char *form, const char *name)
{
	const struct hoso_template *t = set != NULL ? hoso_template_find(set, form) : NULL;
	size_t i;

	for (i = 0; t != NULL && i < t->n_fields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

static int
replace(char **dst, const char *src, struct hoso_err *err)
{
	char *c = NULL;

	if (src != NULL && (c = strdup(src)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	free(*dst);
	*dst = c;
	return 0;
}

/* Check one edit and, when it passes, change f. */
static int
apply_one(struct hoso_review_doc *doc, const struct hoso_template_set *set,
    struct hoso_review_edit *e, const char *by, const char *at, bool *changed,
    struct hoso_err *err)
{
	const struct hoso_template_field *tf;
	struct hoso_validate_result res;
	struct hoso_buf nfc = HOSO_BUF_INIT(64 * 1024), value = HOSO_BUF_INIT(64 * 1024);
	struct hoso_review_field *f;
	const char *in;
	long k;
	int r = 0;

	e->status = 0;
	e->message[0] = '\0';
	if (e->field == NULL || (k = hoso_review_find(doc, e->page, e->field)) < 0) {
		e->status = HOSO_EINPUT;
		snprintf(e->message, sizeof(e->message), _("page %d has no field '%s'"), e->page,
		    e->field != NULL ? e->field : "");
		goto out;
	}
	f = &doc->fields[k];
	if ((e->tag != NULL && strcmp(e->tag, f->tag) != 0) ||
	    (e->expect != NULL && strcmp(e->expect, f->value) != 0)) {
		e->status = HOSO_ENO;
		if (f->by != NULL)
			snprintf(e->message, sizeof(e->message), _("changed by %s at %s since you "
			    "saw it (now \"%s\"): nothing saved; reload the page"), f->by, f->at,
			    f->value);
		else
			snprintf(e->message, sizeof(e->message), _("changed since you saw it (now "
			    "\"%s\"): nothing saved; reload the page"), f->value);
		goto out;
	}
	in = e->value != NULL ? e->value : f->value;
	if (!hoso_utf8_valid(in, strlen(in)) || hoso_utf8_has_control(in)) {
		e->status = HOSO_EINPUT;
		snprintf(e->message, sizeof(e->message), _("not text: control characters or bad "
		    "UTF-8"));
		goto out;
	}
	if ((r = hoso_utf8_nfc(in, strlen(in), &nfc, err)) != 0)
		goto out;
	tf = template_field(set, doc->forms[f->form].name, f->name);
	/* Empty says "nothing is written there"; anything else must pass the field's validator. */
	if (strspn(hoso_buf_str(&nfc), " \t") != nfc.len) {
		if ((r = hoso_validate_value(tf != NULL ? tf->type : HOSO_VALIDATE_TEXT,
		    hoso_buf_str(&nfc), tf != NULL ? (const char *const *)tf->values : NULL,
		    tf != NULL ? tf->n_values : 0, &value, &res, err)) != 0)
			goto out;
		if (!res.ok) {
			e->status = HOSO_EINPUT;
			snprintf(e->message, sizeof(e->message), "%s", res.reason);
			goto out;
		}
	}
	if (f->ocr == NULL && strcmp(hoso_buf_str(&value), f->value) != 0 &&
	    (r = replace(&f->ocr, f->value, err)) != 0)
		goto out;
	if ((r = replace(&f->value, hoso_buf_str(&value), err)) != 0 ||
	    (r = replace(&f->by, by, err)) != 0 || (r = replace(&f->at, at, err)) != 0)
		goto out;
	f->review = false;
	set_tag(f);
	*changed = true;
out:
	hoso_buf_free(&nfc);
	hoso_buf_free(&value);
	return r;
}

int
hoso_review_apply(struct hoso_dossier *d, const struct hoso_template_set *set,
    struct hoso_review_edit *edits, size_t n, const char *by, const char *at, size_t *saved,
    struct hoso_review_doc **after, struct hoso_err *err)
{
	struct hoso_review_doc *doc = NULL;
	struct hoso_buf xml = HOSO_BUF_INIT(0), path = HOSO_BUF_INIT(0);
	bool changed = false;
	size_t i;
	int r;

	*saved = 0;
	if (after != NULL)
		*after = NULL;
	if (by == NULL || *by == '\0' || at == NULL || *at == '\0' || hoso_utf8_has_control(by))
		return hoso_err_set(err, HOSO_EUSAGE, _("a review needs who and when"));
	if ((r = hoso_store_lock(d, err)) != 0)
		return r;
	if (d->ocr_fields == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no form fields (run ocr-extract --form)"),
		    d->dir);
		goto out;
	}
	if ((r = hoso_review_load(d, &doc, err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		bool one = false;
		if ((r = apply_one(doc, set, &edits[i], by, at, &one, err)) != 0)
			goto out;
		*saved += edits[i].status == 0;
		changed |= one;
	}
	if (!changed)
		goto out;
	if ((r = hoso_review_to_xml(doc, &xml, err)) != 0 ||
	    (r = hoso_file_join(&path, d->dir, d->ocr_fields, err)) != 0 ||
	    (r = hoso_file_write_atomic(hoso_buf_str(&path), xml.data, xml.len, err)) != 0)
		goto out;
	r = hoso_store_set_review(d, by, at, (long)hoso_review_left(doc), err);
out:
	hoso_store_unlock(d);
	/* What the caller shows next is what was read and written under the lock. */
	if (r == 0 && after != NULL) {
		*after = doc;
		doc = NULL;
	}
	hoso_review_doc_free(doc);
	hoso_buf_free(&xml);
	hoso_buf_free(&path);
	return r;
}

int
hoso_review_carry(const struct hoso_review_doc *old, struct hoso_review_doc *nd,
    size_t *carried, struct hoso_err *err)
{
	size_t i;
	long k;
	int r;

	*carried = 0;
	for (i = 0; i < old->n_fields; i++) {
		const struct hoso_review_field *o = &old->fields[i];
		struct hoso_review_field *f;
		if (o->by == NULL ||
		    (k = hoso_review_find(nd, old->forms[o->form].page, o->name)) < 0)
			continue;
		f = &nd->fields[k];
		if (strcmp(nd->forms[f->form].name, old->forms[o->form].name) != 0)
			continue;
		/* The machine's reading: the new one when it differs from the person's. */
		if (strcmp(f->value, o->value) != 0) {
			if ((r = replace(&f->ocr, f->value, err)) != 0)
				return r;
		} else if ((r = replace(&f->ocr, NULL, err)) != 0)
			return r;
		if ((r = replace(&f->value, o->value, err)) != 0 ||
		    (r = replace(&f->by, o->by, err)) != 0 || (r = replace(&f->at, o->at, err)) != 0)
			return r;
		f->review = false;
		set_tag(f);
		(*carried)++;
	}
	return 0;
}
