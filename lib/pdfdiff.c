/*
 * pdfdiff.c - changes after a signature, judged by rule (verify(1),
 * "Changes after signing").
 *
 * Three passes over the file and the signed revision:
 * 1. Structure, from the bytes (pdfxref.c): the updates extend the signed
 *    revision (7.5.6): their sections chain to its own, keep its /Root,
 *    define objects only in the bytes they add, never reuse an object
 *    number with another generation, and nothing else lies in those bytes
 *    (a reader that rebuilds a file's cross-reference would find it).
 *    Every object number an update defines differently is "changed".
 * 2. The document as a reader shows it now, walked from the catalog: a
 *    changed object on the way must be one a rule allows to change (the
 *    catalog, the form, a page, their /Annots and /Fields) and the rule
 *    checks it key by key; an object new since signing may only be
 *    reached where a rule expects it (a new signature field or widget).
 * 3. What the rules let through, checked in full: a new or newly signed
 *    signature field (no actions; an appearance on a page only when the
 *    field's own signature covers it and is valid), the DSS, document
 *    information and metadata; and what a certification (DocMDP) or a
 *    field lock (FieldMDP) of the judged signature forbids.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "i18n.h"
#include "pdf.h"
#include "pdfdiff.h"
#include "pdfxref.h"
#include "sort.h"

#define MAX_NEST	64	/* direct arrays and dictionaries inside one object */
#define MAX_FAILS	32
#define MAX_OKS		16
#define MAX_ROOTS	1024	/* signature fields and widgets added in one file */
#define SIG_TREE_MAX	10000	/* field tree nodes looked at */

/* A set of (number, generation) keys, open addressing. */
struct idset {
	unsigned long long *slot;	/* 0 = empty; keys are stored + 1 */
	size_t cap, n;
};

static unsigned long long
id_key(long long id, int gen)
{
	return ((unsigned long long)id << 16 | (unsigned)(gen & 0xffff)) + 1;
}

static long long
key_id(unsigned long long key)
{
	return (long long)((key - 1) >> 16);
}

static int
key_gen(unsigned long long key)
{
	return (int)((key - 1) & 0xffff);
}

/* 1 when added, 0 when already there, negative on error. */
static int
idset_add(struct idset *s, unsigned long long key, struct hoso_err *err)
{
	unsigned long long *old = s->slot;
	size_t i, oldcap = s->cap;

	if (2 * (s->n + 1) > s->cap) {
		s->cap = s->cap != 0 ? 2 * s->cap : 256;
		if ((s->slot = calloc(s->cap, sizeof(*s->slot))) == NULL) {
			s->slot = old;
			s->cap = oldcap;
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		}
		s->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i] != 0)
				(void)idset_add(s, old[i], err);
		free(old);
	}
	for (i = (size_t)(key * 0x9e3779b97f4a7c15ULL) & (s->cap - 1); s->slot[i] != 0;
	    i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == key)
			return 0;
	s->slot[i] = key;
	s->n++;
	return 1;
}

static bool
idset_has(const struct idset *s, unsigned long long key)
{
	size_t i;

	if (s->cap == 0)
		return false;
	for (i = (size_t)(key * 0x9e3779b97f4a7c15ULL) & (s->cap - 1); s->slot[i] != 0;
	    i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == key)
			return true;
	return false;
}

static void
idset_free(struct idset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* A signature field, or a widget, that an update added or signed: judged in pass 3. */
struct root {
	int id, gen;
	int page;		/* a widget's page (1-based), 0 when not from a page's /Annots */
	bool widget;		/* from a page's /Annots, not from /Fields */
	bool filled;		/* a field of the signed revision, empty then, signed now */
};

struct judge {
	struct hoso_pdf *then, *now;
	const struct hoso_pdfxref *xt, *xn;
	const struct hoso_pdfdiff_opts *o;
	const struct hoso_pdf_sig *self;
	struct hoso_pdfdiff *d;
	struct hoso_err *err;
	size_t n_upd;			/* xn->sections[0 .. n_upd) are the updates */
	struct idset changed;		/* numbers (gen 0) an update defines differently */
	struct idset seen;		/* objects of the document walked (pass 2) */
	struct idset aside;		/* the DSS and /Extensions, and what they hold */
	struct idset info;		/* the trailer's /Info and what it holds */
	struct idset meta;		/* the catalog's /Metadata and what it holds */
	struct idset roled;		/* objects of the signature fields of pass 3 */
	unsigned long long *pages;	/* then's pages, in order */
	int n_pages;
	unsigned long long *stack;
	size_t n_stack, cap_stack;
	struct root roots[MAX_ROOTS];
	size_t n_roots;
	int worst;			/* HOSO_CHECK_PASSED < _INDETERMINATE < _FAILED */
	int first_failed;		/* index in fails of the first _FAILED one; -1 */
	struct hoso_verify_change fails[MAX_FAILS], oks[MAX_OKS];
	size_t n_fails, n_oks;
	bool stop;			/* a structural failure: the document cannot be compared */
};

/* Record a change: status HOSO_CHECK_PASSED (permitted), _INDETERMINATE or _FAILED. */
static void
change(struct judge *j, int status, const char *kind, long long id, int gen, int page,
    const char *fmt, ...) HOSO_PRINTF(7, 8);

static void
change(struct judge *j, int status, const char *kind, long long id, int gen, int page,
    const char *fmt, ...)
{
	struct hoso_verify_change *c = NULL;
	va_list ap;

	if (status == HOSO_CHECK_PASSED) {
		if (j->n_oks < MAX_OKS)
			c = &j->oks[j->n_oks++];
	} else {
		j->d->n_failed++;
		if (status == HOSO_CHECK_FAILED && j->first_failed < 0 && j->n_fails < MAX_FAILS)
			j->first_failed = (int)j->n_fails;
		if (j->n_fails < MAX_FAILS)
			c = &j->fails[j->n_fails++];
		if (status == HOSO_CHECK_FAILED || j->worst == HOSO_CHECK_PASSED)
			j->worst = status;
	}
	if (c == NULL)
		return;
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->permitted = status == HOSO_CHECK_PASSED;
	c->id = (int)id;
	c->gen = gen;
	c->page = page;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

#define FAIL(j, kind, id, gen, page, ...) \
	change((j), HOSO_CHECK_FAILED, (kind), (id), (gen), (page), __VA_ARGS__)
#define PERMIT(j, kind, id, gen, page, ...) \
	change((j), HOSO_CHECK_PASSED, (kind), (id), (gen), (page), __VA_ARGS__)

static bool
is_changed(const struct judge *j, long long id)
{
	return idset_has(&j->changed, id_key(id, 0));
}

/* An object the signed revision does not have (or has free): new since signing. */
static bool
is_new(const struct judge *j, long long id)
{
	const struct hoso_pdfxref_entry *e = hoso_pdfxref_lookup(j->xt, id);

	return e == NULL || e->type == 'f';
}

/* Where an object of the file is defined now (an object stream's own place); -1 unknown. */
static long long
def_offset(const struct hoso_pdfxref *x, long long id)
{
	const struct hoso_pdfxref_entry *e = hoso_pdfxref_lookup(x, id);

	if (e != NULL && e->type == 'c')
		e = hoso_pdfxref_lookup(x, e->off);
	return e != NULL && e->type == 'n' ? e->off : -1;
}

static int
page_of(const struct judge *j, int id, int gen)
{
	unsigned long long key = id_key(id, gen);
	int i;

	for (i = 0; i < j->n_pages; i++)
		if (j->pages[i] == key)
			return i + 1;
	return 0;
}

/* Pass 1 ------------------------------------------------------------------ */

struct region {
	long long at, end;
	long long id;		/* the object there; -1 for a section */
};

static int
cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at ? 1 : (x->end > y->end) - (x->end < y->end);
}

/* The chain of sections: the updates first, then exactly the signed revision's. */
static void
check_chain(struct judge *j)
{
	const struct hoso_pdfxref *xn = j->xn, *xt = j->xt;
	const struct hoso_pdfxref_section *s, *t;
	size_t i;

	for (i = 0; i < xn->n_sections && xn->sections[i].off >= j->o->end; i++)
		;
	j->n_upd = i;
	if (i == xn->n_sections || xn->sections[i].off != xt->sections[0].off ||
	    xn->n_sections - i != xt->n_sections) {
		FAIL(j, "structure", 0, 0, 0, _("the file's cross-reference chain does not lead "
		    "to the signed revision's: the file was rewritten, not updated"));
		j->stop = true;
		return;
	}
	for (; i < xn->n_sections; i++)
		if (xn->sections[i].off != xt->sections[i - j->n_upd].off) {
			FAIL(j, "structure", 0, 0, 0, _("the cross-reference sections before byte "
			    "%lld differ from the signed revision's"), j->o->end);
			j->stop = true;
			return;
		}
	t = &xt->sections[0];
	for (i = 0; i < j->n_upd; i++) {
		s = &xn->sections[i];
		if (s->hybrid)
			continue;
		if (s->root_id != t->root_id || s->root_gen != t->root_gen) {
			FAIL(j, "catalog", s->root_id, s->root_gen, 0, _("an update's trailer "
			    "names another document catalog (/Root %d %d R, signed: %d %d R): "
			    "a reader shows another document"), s->root_id, s->root_gen,
			    t->root_id, t->root_gen);
			j->stop = true;
		}
		if (s->encrypt && !t->encrypt) {
			FAIL(j, "structure", 0, 0, 0, _("an update encrypts the document "
			    "(/Encrypt in its trailer)"));
			j->stop = true;
		}
	}
}

static int
add_region(struct region **rs, size_t *n, size_t *cap, long long at, long long end,
    long long id, struct hoso_err *err)
{
	struct region *grown;

	if (*n == *cap) {
		*cap = *cap != 0 ? 2 * *cap : 64;
		if ((grown = realloc(*rs, *cap * sizeof(*grown))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		*rs = grown;
	}
	(*rs)[(*n)++] = (struct region){ at, end, id };
	return 0;
}

/*
 * An object stream kept as it was signed is still read anew when an
 * update redefines an object its dictionary refers to (an indirect
 * /Length, /Filter or /DecodeParms): what it holds may change with it.
 */
static bool
container_changed(struct judge *j, long long id)
{
	struct hoso_pdf *p = j->now;
	hoso_pdf_val dict = hoso_pdf_object(p, (int)id, 0), v;
	static const char *const keys[] = { "/Length", "/Filter", "/DecodeParms", "/Extends",
	    NULL };
	int k, i, n, rid, rgen;
	bool changed = false;

	if (id <= 0 || id > HOSO_PDFXREF_MAX_OBJECT)
		return false;
	for (k = 0; keys[k] != NULL && !changed; k++) {
		v = hoso_pdf_get(p, dict, keys[k]);
		if (hoso_pdf_ref(p, v, &rid, &rgen) && is_changed(j, rid))
			changed = true;
		n = hoso_pdf_len(p, v);
		for (i = 0; i < n && !changed; i++)
			if (hoso_pdf_ref(p, hoso_pdf_item(p, v, i), &rid, &rgen) &&
			    is_changed(j, rid))
				changed = true;
	}
	hoso_pdf_release(p);
	return changed;
}

/*
 * Each entry of the updates: a no-op, or an object defined in the added
 * bytes with the generation the signed revision gives its number; then the
 * added bytes hold nothing but those objects and sections.
 */
static int
check_entries(struct judge *j)
{
	const struct hoso_pdfxref *xn = j->xn;
	const struct hoso_pdfxref_entry *e, *te, *se;
	struct region *rs = NULL;
	struct hoso_err oe;
	long long *ok = NULL, num, end, at, size = (long long)xn->len;
	size_t n_rs = 0, cap_rs = 0, i, k, n_ok = 0;
	int gen, r = 0;

	if ((ok = calloc(j->n_upd + 1, sizeof(*ok))) == NULL)
		return hoso_err_set(j->err, HOSO_EIO, _("out of memory"));
	for (i = 0; i < j->n_upd && r == 0; i++) {
		const struct hoso_pdfxref_section *s = &xn->sections[i];
		if (!s->hybrid)
			ok[n_ok++] = s->off;
		r = add_region(&rs, &n_rs, &cap_rs, s->off, s->end, -1, j->err);
		for (k = s->first; k < s->first + s->n && r == 0 && !j->stop; k++) {
			e = &xn->entries[k];
			te = hoso_pdfxref_lookup(j->xt, e->num);
			/* a writer may repeat an entry of the signed revision: no change */
			if (te != NULL && te->type == e->type && te->gen == e->gen &&
			    te->off == e->off && te->index == e->index)
				continue;
			/* nor is a number free then and free now */
			if (e->type == 'f' && (te == NULL || te->type == 'f'))
				continue;
			if (te != NULL && te->type != 'f' && e->type != 'f' && te->gen != e->gen) {
				FAIL(j, "generation", e->num, e->gen, 0, _("object %lld is "
				    "defined again with generation %d, while the signed revision "
				    "has %lld %d: readers disagree on which one a reference "
				    "means"), e->num, e->gen, e->num, te->gen);
				continue;
			}
			if ((r = idset_add(&j->changed, id_key(e->num, 0), j->err)) < 0)
				break;
			r = 0;
			if (e->type == 'c') {
				se = hoso_pdfxref_lookup(xn, e->off);
				if (se == NULL || se->type != 'n' || se->off < j->o->end)
					FAIL(j, "structure", e->num, 0, 0, _("object %lld is taken "
					    "from object stream %lld, which no update defines"),
					    e->num, e->off);
				continue;
			}
			if (e->type != 'n')
				continue;
			if (e->off < j->o->end) {
				FAIL(j, "structure", e->num, e->gen, 0, _("an update points object "
				    "%lld %d at byte %lld, inside the signed revision (a shadow "
				    "object the signature did not cover as such)"), e->num, e->gen,
				    e->off);
				continue;
			}
			hoso_err_clear(&oe);
			if (hoso_pdfxref_object(xn, e->off, &num, &gen, &end, &oe) != 0) {
				if (oe.code != HOSO_EINPUT) {
					*j->err = oe;
					r = oe.code;
					break;
				}
				FAIL(j, "structure", e->num, e->gen, 0, "%s", oe.msg);
				continue;
			}
			if (num != e->num || gen != e->gen) {
				FAIL(j, "structure", e->num, e->gen, 0, _("the cross-reference "
				    "points object %lld %d at byte %lld, where object %lld %d is"),
				    e->num, e->gen, e->off, num, gen);
				continue;
			}
			r = add_region(&rs, &n_rs, &cap_rs, e->off, end, e->num, j->err);
		}
	}
	if (r != 0 || j->stop || j->d->n_failed > 0)
		goto out;
	/*
	 * An object kept in an object stream an update defines anew is read from
	 * the new stream: it changes with it, whatever its own entry says.
	 */
	for (i = 0; i < xn->n_merged && r == 0; i++)
		if (xn->merged[i].type == 'c' && (is_changed(j, xn->merged[i].off) ||
		    container_changed(j, xn->merged[i].off)) &&
		    (r = idset_add(&j->changed, id_key(xn->merged[i].num, 0), j->err)) > 0)
			r = 0;
	if (r != 0)
		goto out;
	/* the added bytes: regions side by side, blank in between (7.5.6) */
	hoso_sort(rs, n_rs, sizeof(*rs), cmp_region);
	for (i = k = 0; i < n_rs; i++)
		/* the same object twice (an xref stream listing itself) counts once */
		if (k == 0 || rs[k - 1].at != rs[i].at || rs[k - 1].end != rs[i].end)
			rs[k++] = rs[i];
	n_rs = k;
	at = j->o->end;
	for (i = 0; i <= n_rs; i++) {
		long long next = i < n_rs ? rs[i].at : size;
		if (next < at) {
			FAIL(j, "structure", rs[i].id > 0 ? rs[i].id : 0, 0, 0, _("objects of the "
			    "updates overlap at byte %lld"), next);
			break;
		}
		if (hoso_pdfxref_skip_blank(xn, at, next, ok, n_ok) != next) {
			FAIL(j, "structure", 0, 0, 0, _("bytes %lld to %lld after the signed "
			    "revision belong to no object or section of an update (a reader that "
			    "rebuilds the cross-reference would take them)"),
			    hoso_pdfxref_skip_blank(xn, at, next, ok, n_ok), next);
			break;
		}
		if (i < n_rs)
			at = rs[i].end;
	}
out:
	free(rs);
	free(ok);
	return r < 0 ? r : 0;
}

/* Pass 2 ------------------------------------------------------------------ */

static int
push(struct judge *j, int id, int gen)
{
	unsigned long long *grown;
	int r;

	if ((r = idset_add(&j->seen, id_key(id, gen), j->err)) <= 0)
		return r;
	if (j->seen.n > HOSO_PDFDIFF_MAX_WALK)
		return hoso_err_set(j->err, HOSO_EINPUT, _("%s: more than %d objects"),
		    hoso_pdf_label(j->now), HOSO_PDFDIFF_MAX_WALK);
	if (j->n_stack == j->cap_stack) {
		j->cap_stack = j->cap_stack != 0 ? 2 * j->cap_stack : 1024;
		if ((grown = realloc(j->stack, j->cap_stack * sizeof(*grown))) == NULL)
			return hoso_err_set(j->err, HOSO_EIO, _("out of memory"));
		j->stack = grown;
	}
	j->stack[j->n_stack++] = id_key(id, gen);
	return 0;
}

/* A reference of the document from object (pid, pgen) under key: walk it. */
static int
edge(struct judge *j, int id, int gen, int pid, int pgen, const char *key)
{
	if (is_changed(j, id) && is_new(j, id)) {
		FAIL(j, "new-object", id, gen, page_of(j, pid, pgen), _("object %d %d, new since "
		    "signing, is drawn into the document through %s of object %d %d"), id, gen,
		    key != NULL ? key : "[]", pid, pgen);
		return 0;
	}
	return push(j, id, gen);
}

static bool in_list(const char *key, const char *const *list);

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Call edge() for each indirect reference inside v, a value of object
 * (pid, pgen) under key; skip, when not NULL, lists keys of v itself not to
 * follow. tv is the same value in the signed revision (has_then): its keys
 * are followed too, for qpdf leaves out a key whose value is null now, as a
 * reference to an object an update freed is (7.3.7, 7.3.10).
 */
static int
each_ref(struct judge *j, hoso_pdf_val v, hoso_pdf_val tv, bool has_then, int pid, int pgen,
    const char *key, const char *const *skip, int depth)
{
	struct hoso_pdf *p = j->now;
	char **keys = NULL, **tkeys = NULL;
	size_t n = 0, tn = 0, i, k;
	int id, gen, r = 0, len, c;
	const char *name;
	bool t;

	if (depth > 0 && hoso_pdf_ref(p, v, &id, &gen))
		return edge(j, id, gen, pid, pgen, key);
	if (depth > MAX_NEST)
		return hoso_err_set(j->err, HOSO_EINPUT, _("%s: objects nested more than %d "
		    "deep"), hoso_pdf_label(p), MAX_NEST);
	switch (hoso_pdf_kind(p, v)) {
	case HOSO_PDF_ARRAY:
		len = hoso_pdf_len(p, v);
		for (i = 0; (int)i < len && r == 0; i++) {
			t = has_then && (int)i < hoso_pdf_len(j->then, tv);
			r = each_ref(j, hoso_pdf_item(p, v, (int)i), t ? hoso_pdf_item(j->then, tv,
			    (int)i) : v, t, pid, pgen, key, NULL, depth + 1);
		}
		return r;
	case HOSO_PDF_DICT:
	case HOSO_PDF_STREAM:
		break;
	default:
		return 0;
	}
	if ((r = hoso_pdf_keys(p, v, &keys, &n, j->err)) != 0 ||
	    (has_then && (r = hoso_pdf_keys(j->then, tv, &tkeys, &tn, j->err)) != 0))
		goto out;
	hoso_sort(keys, n, sizeof(*keys), cmp_key);
	hoso_sort(tkeys, tn, sizeof(*tkeys), cmp_key);
	/* the keys of both, merged: a key only then is walked through now's value */
	for (i = k = 0; (i < n || k < tn) && r == 0;) {
		c = i == n ? 1 : k == tn ? -1 : strcmp(keys[i], tkeys[k]);
		name = c <= 0 ? keys[i] : tkeys[k];
		i += c <= 0;
		k += c >= 0;
		if (in_list(name, skip))
			continue;
		t = has_then && hoso_pdf_kind(j->then, tv) != HOSO_PDF_NULL;
		r = each_ref(j, hoso_pdf_get(p, v, name), t ? hoso_pdf_get(j->then, tv, name) : v,
		    t, pid, pgen, depth == 0 ? name : key, NULL, depth + 1);
	}
out:
	hoso_pdf_keys_free(keys, n);
	hoso_pdf_keys_free(tkeys, tn);
	return r;
}

static bool
in_list(const char *key, const char *const *list)
{
	size_t k;

	for (k = 0; list != NULL && list[k] != NULL; k++)
		if (strcmp(key, list[k]) == 0)
			return true;
	return false;
}

/*
 * Two direct values, a of the signed revision and b now, are the same PDF
 * object: numbers by value (595 and 595.0 alike, as writers differ),
 * names and strings by their bytes, arrays item by item, dictionaries key
 * by key (a missing key and a null one alike, 7.3.7), references by
 * number and generation without following them (the walk does).
 */
static int
equal_values(struct judge *j, hoso_pdf_val a, hoso_pdf_val b, int depth, bool *eq)
{
	struct hoso_pdf *t = j->then, *n = j->now;
	struct hoso_buf ta = HOSO_BUF_INIT(0), tb = HOSO_BUF_INIT(0);
	enum hoso_pdf_kind ka, kb;
	char **keys = NULL;
	size_t nk = 0, i;
	int ia, ga, ib, gb, r = 0, len;
	double da, db;

	*eq = false;
	if (depth > MAX_NEST)
		return hoso_err_set(j->err, HOSO_EINPUT, _("%s: objects nested more than %d "
		    "deep"), hoso_pdf_label(n), MAX_NEST);
	if (hoso_pdf_ref(t, a, &ia, &ga) || hoso_pdf_ref(n, b, &ib, &gb)) {
		*eq = hoso_pdf_ref(t, a, &ia, &ga) && hoso_pdf_ref(n, b, &ib, &gb) && ia == ib &&
		    ga == gb;
		return 0;
	}
	ka = hoso_pdf_kind(t, a);
	kb = hoso_pdf_kind(n, b);
	if ((ka == HOSO_PDF_INT || ka == HOSO_PDF_REAL) && (kb == HOSO_PDF_INT ||
	    kb == HOSO_PDF_REAL)) {
		*eq = hoso_pdf_number(t, a, &da) && hoso_pdf_number(n, b, &db) && da == db;
		return 0;
	}
	if (ka != kb)
		return 0;
	switch (ka) {
	case HOSO_PDF_ARRAY:
		len = hoso_pdf_len(t, a);
		if (len != hoso_pdf_len(n, b))
			return 0;
		*eq = true;
		for (i = 0; (int)i < len && *eq && r == 0; i++)
			r = equal_values(j, hoso_pdf_item(t, a, (int)i), hoso_pdf_item(n, b, (int)i),
			    depth + 1, eq);
		return r;
	case HOSO_PDF_DICT:
		*eq = true;
		/* the keys of each side looked up in both: one side's keys, then the other's */
		if ((r = hoso_pdf_keys(t, a, &keys, &nk, j->err)) != 0)
			return r;
		for (i = 0; i < nk && *eq && r == 0; i++)
			r = equal_values(j, hoso_pdf_get(t, a, keys[i]), hoso_pdf_get(n, b, keys[i]),
			    depth + 1, eq);
		hoso_pdf_keys_free(keys, nk);
		if (r != 0 || !*eq || (r = hoso_pdf_keys(n, b, &keys, &nk, j->err)) != 0)
			return r;
		for (i = 0; i < nk && *eq && r == 0; i++)
			r = equal_values(j, hoso_pdf_get(t, a, keys[i]), hoso_pdf_get(n, b, keys[i]),
			    depth + 1, eq);
		hoso_pdf_keys_free(keys, nk);
		return r;
	default:
		/* names, strings, booleans, null: qpdf writes equal ones alike */
		if ((r = hoso_pdf_text(t, a, false, &ta, j->err)) == 0 &&
		    (r = hoso_pdf_text(n, b, false, &tb, j->err)) == 0)
			*eq = ta.len == tb.len && memcmp(hoso_buf_str(&ta), hoso_buf_str(&tb),
			    ta.len) == 0;
		hoso_buf_free(&ta);
		hoso_buf_free(&tb);
		return r;
	}
}

/*
 * The value a (of the signed revision) and b (now) are the same object but
 * for the keys in skip: *same, and in which (size bytes) what differs
 * first: a key, "its data" for a stream's data, "its type". A stream's
 * /Length is not compared: its data is.
 */
static int
same_value(struct judge *j, hoso_pdf_val a, hoso_pdf_val b, const char *const *skip,
    bool *same, char *which, size_t size)
{
	enum hoso_pdf_kind ka = hoso_pdf_kind(j->then, a), kb = hoso_pdf_kind(j->now, b);
	unsigned char *da = NULL, *db = NULL;
	char **ka_keys = NULL, **kb_keys = NULL;
	size_t na = 0, nb = 0, la = 0, lb = 0, i;
	const char *key;
	bool eq;
	int r = 0;

	*same = false;
	snprintf(which, size, "%s", kb == HOSO_PDF_NULL ? _("it is gone (freed, or a null "
	    "object)") : _("its type"));
	if (ka != kb)
		goto out;
	if (ka != HOSO_PDF_DICT && ka != HOSO_PDF_STREAM) {
		snprintf(which, size, "%s", _("its value"));
		r = equal_values(j, a, b, 1, same);
		goto out;
	}
	if ((r = hoso_pdf_keys(j->then, a, &ka_keys, &na, j->err)) != 0 ||
	    (r = hoso_pdf_keys(j->now, b, &kb_keys, &nb, j->err)) != 0)
		goto out;
	/* every key of either side: one missing on a side reads as null there */
	for (i = 0; i < na + nb; i++) {
		key = i < na ? ka_keys[i] : kb_keys[i - na];
		if (in_list(key, skip) || (ka == HOSO_PDF_STREAM && strcmp(key, "/Length") == 0))
			continue;
		if ((r = equal_values(j, hoso_pdf_get(j->then, a, key), hoso_pdf_get(j->now, b,
		    key), 1, &eq)) != 0)
			goto out;
		if (!eq) {
			snprintf(which, size, "%s", key);
			goto out;
		}
	}
	if (ka == HOSO_PDF_STREAM) {
		snprintf(which, size, "%s", _("its data"));
		if ((r = hoso_pdf_stream_raw(j->then, a, &da, &la, j->err)) != 0 ||
		    (r = hoso_pdf_stream_raw(j->now, b, &db, &lb, j->err)) != 0) {
			if (r == HOSO_EINPUT) {
				hoso_err_clear(j->err);
				r = 0;	/* data that cannot be read differs */
			}
			goto out;
		}
		if (la != lb || (la > 0 && memcmp(da, db, la) != 0))
			goto out;
	}
	*same = true;
out:
	hoso_pdf_keys_free(ka_keys, na);
	hoso_pdf_keys_free(kb_keys, nb);
	free(da);
	free(db);
	return r;
}

/* What an object is, for a message ("page 2", "a font", ...). */
static void
describe(struct judge *j, int id, int gen, char *buf, size_t size)
{
	hoso_pdf_val v = hoso_pdf_object(j->then, id, gen);
	struct hoso_pdf *p = j->then;
	int page = page_of(j, id, gen);

	if (page > 0)
		snprintf(buf, size, _("page %d"), page);
	else if (hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/Type"), "/Pages"))
		snprintf(buf, size, "%s", _("the page tree"));
	else if (hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/Type"), "/Font"))
		snprintf(buf, size, "%s", _("a font"));
	else if (hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/Subtype"), "/Image"))
		snprintf(buf, size, "%s", _("an image"));
	else if (hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/Subtype"), "/Form"))
		snprintf(buf, size, "%s", _("a form XObject"));
	else if (hoso_pdf_kind(p, hoso_pdf_get(p, v, "/FT")) == HOSO_PDF_NAME)
		snprintf(buf, size, "%s", _("a form field"));
	else if (hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/Type"), "/Annot") ||
	    hoso_pdf_kind(p, hoso_pdf_get(p, v, "/Rect")) == HOSO_PDF_ARRAY)
		snprintf(buf, size, "%s", _("an annotation"));
	else if (hoso_pdf_kind(p, v) == HOSO_PDF_STREAM)
		snprintf(buf, size, "%s", _("a stream (page content, image or font data)"));
	else if (hoso_pdf_kind(p, v) == HOSO_PDF_NULL)
		snprintf(buf, size, "%s", _("an object the signed revision does not have"));
	else
		snprintf(buf, size, "%s", _("an object of the document"));
}

/* Texts of the items of an array value (resolved), for comparing lists. */
struct items {
	char **text;
	int *id, *gen;		/* 0 0: a direct item */
	int n;
};

static void
items_free(struct items *it)
{
	int i;

	for (i = 0; i < it->n; i++)
		free(it->text[i]);
	free(it->text);
	free(it->id);
	free(it->gen);
	memset(it, 0, sizeof(*it));
}

static int
items_of(struct judge *j, struct hoso_pdf *p, hoso_pdf_val arr, struct items *it)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	hoso_pdf_val item;
	int i, n = hoso_pdf_len(p, arr), r = 0;

	memset(it, 0, sizeof(*it));
	if (n == 0)
		return 0;
	if ((it->text = calloc((size_t)n, sizeof(*it->text))) == NULL ||
	    (it->id = calloc((size_t)n, sizeof(*it->id))) == NULL ||
	    (it->gen = calloc((size_t)n, sizeof(*it->gen))) == NULL) {
		items_free(it);
		return hoso_err_set(j->err, HOSO_EIO, _("out of memory"));
	}
	for (i = 0; i < n; i++) {
		item = hoso_pdf_item(p, arr, i);
		(void)hoso_pdf_ref(p, item, &it->id[i], &it->gen[i]);
		hoso_buf_reset(&b);
		if ((r = hoso_pdf_text(p, item, false, &b, j->err)) != 0 ||
		    (it->text[i] = strdup(hoso_buf_str(&b))) == NULL) {
			r = r != 0 ? r : hoso_err_set(j->err, HOSO_EIO, _("out of memory"));
			it->n = i;
			items_free(it);
			goto out;
		}
		it->n = i + 1;
	}
out:
	hoso_buf_free(&b);
	return r;
}

static int
add_root(struct judge *j, int id, int gen, int page, bool widget, bool filled)
{
	size_t i;

	for (i = 0; i < j->n_roots; i++)
		if (j->roots[i].id == id && j->roots[i].gen == gen && j->roots[i].widget == widget) {
			if (page > 0 && j->roots[i].page == 0)
				j->roots[i].page = page;
			return 0;
		}
	if (j->n_roots == MAX_ROOTS)
		return hoso_err_set(j->err, HOSO_EINPUT, _("%s: more than %d signature fields "
		    "added"), hoso_pdf_label(j->now), MAX_ROOTS);
	j->roots[j->n_roots++] = (struct root){ id, gen, page, widget, filled };
	return 0;
}

/*
 * A list of the signed revision (then) and its value now: the old items kept
 * in order, the added ones roots of pass 3 (fields: widget false; a page's
 * annotations: widget true, with the page). The old ones are walked.
 */
static int
compare_list(struct judge *j, hoso_pdf_val then_arr, hoso_pdf_val now_arr, int pid, int pgen,
    const char *key, bool widgets, int page)
{
	struct items a, b;
	const char *removed = NULL;
	int i, k = 0, m, r = 0;

	if ((r = items_of(j, j->then, then_arr, &a)) != 0)
		return r;
	if ((r = items_of(j, j->now, now_arr, &b)) != 0) {
		items_free(&a);
		return r;
	}
	for (i = 0; i < b.n && r == 0; i++) {
		/* an item of then further on: those before it were taken out */
		for (m = k; m < a.n && strcmp(a.text[m], b.text[i]) != 0; m++)
			;
		if (m < a.n && m > k) {
			removed = a.text[k];
			k = m;
		}
		if (k < a.n && strcmp(a.text[k], b.text[i]) == 0) {
			k++;
			r = b.id[i] != 0 ? edge(j, b.id[i], b.gen[i], pid, pgen, key) :
			    each_ref(j, hoso_pdf_item(j->now, now_arr, i), hoso_pdf_item(j->then,
			    then_arr, k - 1), true, pid, pgen, key, NULL, 1);
			continue;
		}
		if (b.id[i] == 0) {
			if (widgets)
				FAIL(j, "annotation", pid, pgen, page, _("page %d: an annotation "
				    "added after signing is not an indirect object"), page);
			else
				FAIL(j, "form", pid, pgen, 0, _("a form field added after signing is "
				    "not an indirect object"));
			continue;
		}
		if (!is_changed(j, b.id[i])) {
			/* an object the signed revision has but did not use here */
			if (widgets)
				FAIL(j, "annotation", b.id[i], b.gen[i], page, _("page %d: object %d "
				    "%d, of the signed revision but not one of this page's "
				    "annotations then, is one now"), page, b.id[i], b.gen[i]);
			else
				FAIL(j, "form", b.id[i], b.gen[i], 0, _("object %d %d, of the signed "
				    "revision but not a field of the form then, is one now"), b.id[i],
				    b.gen[i]);
			continue;
		}
		r = add_root(j, b.id[i], b.gen[i], page, widgets, false);
	}
	if (k < a.n)
		removed = a.text[k];
	if (r == 0 && removed != NULL && widgets)
		FAIL(j, "annotation", pid, pgen, page, _("page %d: an annotation of the signed "
		    "revision was taken out or moved (%s)"), page, removed);
	else if (r == 0 && removed != NULL)
		FAIL(j, "form", pid, pgen, 0, _("a form field of the signed revision was taken out "
		    "or moved (%s)"), removed);
	items_free(&a);
	items_free(&b);
	return r;
}

/*
 * 12.7.3.3: the signed revision's form has a field whose appearance a
 * reader may make from /DA and /DR (text, choice or button; pdf.js draws
 * them itself): any field but a signature field. A tree too big to walk
 * counts as having one.
 */
static bool
has_drawn_fields(struct judge *j, hoso_pdf_val form)
{
	struct hoso_pdf *p = j->then;
	struct node { hoso_pdf_val v; bool sig; int depth; } *stack;
	size_t n = 0, seen = 0;
	hoso_pdf_val fields = hoso_pdf_get(p, form, "/Fields"), kids, ft;
	struct node cur;
	bool found = false;
	int i, len;

	if ((stack = calloc(SIG_TREE_MAX, sizeof(*stack))) == NULL)
		return true;
	len = hoso_pdf_len(p, fields);
	for (i = 0; i < len && n < SIG_TREE_MAX; i++)
		stack[n++] = (struct node){ hoso_pdf_item(p, fields, i), false, 0 };
	if (len > SIG_TREE_MAX)
		found = true;
	while (n > 0 && !found) {
		cur = stack[--n];
		if (++seen > SIG_TREE_MAX || cur.depth > 32) {
			found = true;
			break;
		}
		ft = hoso_pdf_get(p, cur.v, "/FT");
		if (hoso_pdf_kind(p, ft) == HOSO_PDF_NAME)
			cur.sig = hoso_pdf_is_name(p, ft, "/Sig");
		kids = hoso_pdf_get(p, cur.v, "/Kids");
		len = hoso_pdf_len(p, kids);
		/* a field with no kid that is a field is terminal: it is drawn, or a signature */
		if (len == 0 || hoso_pdf_kind(p, hoso_pdf_get(p, hoso_pdf_item(p, kids, 0),
		    "/T")) == HOSO_PDF_NULL) {
			if (!cur.sig)
				found = true;
			continue;
		}
		for (i = 0; i < len; i++) {
			if (n == SIG_TREE_MAX) {
				found = true;
				break;
			}
			stack[n++] = (struct node){ hoso_pdf_item(p, kids, i), cur.sig,
			    cur.depth + 1 };
		}
	}
	free(stack);
	return found;
}

/*
 * The form (12.7.2): nothing but /Fields (old fields kept, new ones judged
 * in pass 3) and /SigFlags may change. /DR and /DA too when no field could
 * be drawn from them: the signed revision had no form, or only signature
 * fields (signing tools add them with the first signature field they
 * write); then their objects are not walked as the document's.
 */
static int
compare_form(struct judge *j, hoso_pdf_val tf, hoso_pdf_val nf, int rid, int rgen)
{
	static const char *const form_skip[] = { "/Fields", "/SigFlags", NULL };
	static const char *const sig_form_skip[] = { "/Fields", "/SigFlags", "/DR", "/DA", NULL };
	static const char *const walk_skip[] = { "/Fields", NULL };
	static const char *const sig_walk_skip[] = { "/Fields", "/DR", "/DA", NULL };
	struct hoso_pdf *now = j->now;
	hoso_pdf_val tfa, nfa;
	char which[64];
	char **keys = NULL;
	size_t n = 0, i;
	bool same, drawn, fresh;
	int id = rid, gen = rgen, r;

	/* the form, and below its /Fields and /Annots arrays, are judged here, not walked */
	if (hoso_pdf_ref(now, nf, &id, &gen) &&
	    (r = idset_add(&j->seen, id_key(id, gen), j->err)) < 0)
		return r;
	if (hoso_pdf_kind(now, nf) == HOSO_PDF_NULL) {
		if (hoso_pdf_kind(j->then, tf) != HOSO_PDF_NULL)
			FAIL(j, "form", id, gen, 0, _("the form (/AcroForm) was removed after "
			    "signing"));
		return 0;
	}
	if (hoso_pdf_kind(now, nf) != HOSO_PDF_DICT) {
		FAIL(j, "form", id, gen, 0, _("the form (/AcroForm) is not a dictionary"));
		return 0;
	}
	fresh = hoso_pdf_kind(j->then, tf) == HOSO_PDF_NULL;
	drawn = !fresh && has_drawn_fields(j, tf);
	if (fresh) {
		/* a form new since signing: only what a signature field needs */
		if ((r = hoso_pdf_keys(now, nf, &keys, &n, j->err)) != 0)
			return r;
		for (i = 0; i < n; i++)
			if (!in_list(keys[i], sig_form_skip)) {
				FAIL(j, "form", id, gen, 0, _("the form added after signing has %s"),
				    keys[i]);
				break;
			}
		hoso_pdf_keys_free(keys, n);
	} else {
		if ((r = same_value(j, tf, nf, drawn ? form_skip : sig_form_skip, &same, which,
		    sizeof(which))) != 0)
			return r;
		if (!same)
			FAIL(j, "form", id, gen, 0, _("the form's %s changed after signing: it "
			    "decides how fields are drawn"), which);
		else if (!drawn && (r = same_value(j, tf, nf, form_skip, &same, which,
		    sizeof(which))) != 0)
			return r;
		else if (!drawn && !same)
			PERMIT(j, "form", id, gen, 0, _("the form's %s changed; the signed revision "
			    "has no field drawn from it"), which);
	}
	tfa = hoso_pdf_get(j->then, tf, "/Fields");
	nfa = hoso_pdf_get(now, nf, "/Fields");
	if (hoso_pdf_ref(now, hoso_pdf_get(now, nf, "/Fields"), &id, &gen) &&
	    (r = idset_add(&j->seen, id_key(id, gen), j->err)) < 0)
		return r;
	if ((r = compare_list(j, tfa, nfa, rid, rgen, "/Fields", false, 0)) != 0)
		return r;
	return each_ref(j, nf, tf, true, rid, rgen, "/AcroForm", drawn ? walk_skip : sig_walk_skip,
	    0);
}

/* The objects below a value no page shows (the DSS, metadata, /Info), into set. */
static int
set_aside(struct judge *j, struct idset *set, hoso_pdf_val v, int depth)
{
	struct hoso_pdf *p = j->now;
	char **keys = NULL;
	size_t n = 0, i;
	int id, gen, r = 0, len;

	if (depth > MAX_NEST)
		return 0;
	if (hoso_pdf_ref(p, v, &id, &gen)) {
		if ((r = idset_add(set, id_key(id, 0), j->err)) <= 0)
			return r;
		if (set->n > HOSO_PDFDIFF_MAX_WALK)
			return hoso_err_set(j->err, HOSO_EINPUT, _("%s: more than %d objects"),
			    hoso_pdf_label(p), HOSO_PDFDIFF_MAX_WALK);
		v = hoso_pdf_object(p, id, gen);
	}
	switch (hoso_pdf_kind(p, v)) {
	case HOSO_PDF_ARRAY:
		len = hoso_pdf_len(p, v);
		for (i = 0; (int)i < len && r == 0; i++)
			r = set_aside(j, set, hoso_pdf_item(p, v, (int)i), depth + 1);
		return r;
	case HOSO_PDF_DICT:
	case HOSO_PDF_STREAM:
		if ((r = hoso_pdf_keys(p, v, &keys, &n, j->err)) != 0)
			return r;
		for (i = 0; i < n && r == 0; i++)
			r = set_aside(j, set, hoso_pdf_get(p, v, keys[i]), depth + 1);
		hoso_pdf_keys_free(keys, n);
		return r;
	default:
		return 0;
	}
}

/*
 * The catalog (7.7.2): the same but for /AcroForm (compare_form), /DSS
 * (EN 319 142-1 5.4), /Metadata (14.3.2) and /Extensions (7.12), none of
 * which changes what a page shows.
 */
static int
expand_catalog(struct judge *j, int id, int gen, hoso_pdf_val nv)
{
	static const char *const skip[] = { "/AcroForm", "/DSS", "/Metadata", "/Extensions",
	    NULL };
	hoso_pdf_val tv = hoso_pdf_object(j->then, id, gen);
	char which[64];
	bool same;
	int r;

	if ((r = same_value(j, tv, nv, skip, &same, which, sizeof(which))) != 0)
		return r;
	if (!same)
		FAIL(j, "catalog", id, gen, 0, _("the document catalog's %s changed after "
		    "signing"), which);
	if ((r = set_aside(j, &j->aside, hoso_pdf_get(j->now, nv, "/DSS"), 1)) != 0 ||
	    (r = set_aside(j, &j->aside, hoso_pdf_get(j->now, nv, "/Extensions"), 1)) != 0 ||
	    (r = set_aside(j, &j->meta, hoso_pdf_get(j->now, nv, "/Metadata"), 1)) != 0)
		return r;
	if ((r = compare_form(j, hoso_pdf_get(j->then, tv, "/AcroForm"),
	    hoso_pdf_get(j->now, nv, "/AcroForm"), id, gen)) != 0)
		return r;
	return each_ref(j, nv, tv, true, id, gen, NULL, skip, 0);
}

/* A page (7.7.3.3): the same but for annotations added to /Annots (pass 3). */
static int
expand_page(struct judge *j, int id, int gen, hoso_pdf_val nv, int page)
{
	static const char *const skip[] = { "/Annots", NULL };
	hoso_pdf_val tv = hoso_pdf_object(j->then, id, gen);
	char which[64];
	bool same;
	int aid, agen, r;

	if ((r = same_value(j, tv, nv, skip, &same, which, sizeof(which))) != 0)
		return r;
	if (!same)
		FAIL(j, "page", id, gen, page, _("page %d: its %s changed after signing"), page,
		    which);
	if (hoso_pdf_ref(j->now, hoso_pdf_get(j->now, nv, "/Annots"), &aid, &agen) &&
	    (r = idset_add(&j->seen, id_key(aid, agen), j->err)) < 0)
		return r;
	if ((r = compare_list(j, hoso_pdf_get(j->then, tv, "/Annots"),
	    hoso_pdf_get(j->now, nv, "/Annots"), id, gen, "/Annots", true, page)) != 0)
		return r;
	return each_ref(j, nv, tv, true, id, gen, NULL, skip, 0);
}

/* A signature field (12.7.4.5), here or inherited from a parent. */
static bool
is_sig_field(struct hoso_pdf *p, hoso_pdf_val v)
{
	int depth;

	for (depth = 0; depth < 16 && hoso_pdf_kind(p, v) == HOSO_PDF_DICT; depth++) {
		if (hoso_pdf_kind(p, hoso_pdf_get(p, v, "/FT")) != HOSO_PDF_NULL)
			return hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/FT"), "/Sig");
		v = hoso_pdf_get(p, v, "/Parent");
	}
	return false;
}

/* The field a widget or field belongs to holds /V: itself, or its /Parent. */
static hoso_pdf_val
field_of(struct hoso_pdf *p, hoso_pdf_val v)
{
	if (hoso_pdf_kind(p, hoso_pdf_get(p, v, "/FT")) == HOSO_PDF_NULL &&
	    hoso_pdf_kind(p, hoso_pdf_get(p, v, "/Parent")) == HOSO_PDF_DICT)
		return hoso_pdf_get(p, v, "/Parent");
	return v;
}

/*
 * A changed object of the signed revision met by the walk: a signature
 * field that was empty then and is signed now may gain /V and appearances
 * (/AP), on itself or on its widgets; nothing else may change.
 */
static int
changed_object(struct judge *j, int id, int gen, hoso_pdf_val nv, const char *const **skip)
{
	static const char *const fill_skip[] = { "/V", "/AP", NULL };
	hoso_pdf_val tv = hoso_pdf_object(j->then, id, gen), tfield, nfield;
	char which[64], what[96];
	bool same;
	int fid = id, fgen = gen, r;

	*skip = NULL;
	if ((r = same_value(j, tv, nv, NULL, &same, which, sizeof(which))) != 0 || same)
		return r;
	tfield = field_of(j->then, tv);
	nfield = field_of(j->now, nv);
	if (is_sig_field(j->then, tv) &&
	    hoso_pdf_kind(j->then, hoso_pdf_get(j->then, tfield, "/V")) == HOSO_PDF_NULL &&
	    hoso_pdf_kind(j->now, hoso_pdf_get(j->now, nfield, "/V")) != HOSO_PDF_NULL) {
		if ((r = same_value(j, tv, nv, fill_skip, &same, which, sizeof(which))) != 0)
			return r;
		if (same) {
			(void)hoso_pdf_ref(j->now, hoso_pdf_get(j->now, nv, "/Parent"), &fid,
			    &fgen);
			if (hoso_pdf_kind(j->now, hoso_pdf_get(j->now, nv, "/FT")) != HOSO_PDF_NULL)
				fid = id, fgen = gen;
			*skip = fill_skip;
			return add_root(j, fid, fgen, 0, false, true);
		}
	}
	describe(j, id, gen, what, sizeof(what));
	FAIL(j, "object", id, gen, page_of(j, id, gen), _("%s (object %d %d) changed after "
	    "signing: %s"), what, id, gen, which);
	return 0;
}

static int
expand(struct judge *j, int id, int gen)
{
	hoso_pdf_val nv = hoso_pdf_object(j->now, id, gen);
	const struct hoso_pdfxref_section *t = &j->xt->sections[0];
	const char *const *skip = NULL;
	int page = page_of(j, id, gen), r;

	if (id == t->root_id && gen == t->root_gen)
		return expand_catalog(j, id, gen, nv);
	if (page > 0)
		return expand_page(j, id, gen, nv, page);
	if (is_changed(j, id) && (r = changed_object(j, id, gen, nv, &skip)) != 0)
		return r;
	return each_ref(j, nv, hoso_pdf_object(j->then, id, gen), true, id, gen, NULL, skip, 0);
}

static int
walk_document(struct judge *j)
{
	const struct hoso_pdfxref_section *t = &j->xt->sections[0];
	unsigned long long key;
	struct hoso_err e;
	int i, r;

	if ((r = hoso_pdf_count(j->then, &j->n_pages, j->err)) != 0)
		return r;
	if ((j->pages = calloc((size_t)j->n_pages, sizeof(*j->pages))) == NULL)
		return hoso_err_set(j->err, HOSO_EIO, _("out of memory"));
	for (i = 0; i < j->n_pages; i++) {
		int id = 0, gen = 0;
		(void)hoso_pdf_ref(j->then, hoso_pdf_page(j->then, i), &id, &gen);
		j->pages[i] = id_key(id, gen);
	}
	hoso_pdf_release(j->then);
	if ((r = push(j, t->root_id, t->root_gen)) < 0)
		return r;
	while (j->n_stack > 0) {
		key = j->stack[--j->n_stack];
		r = expand(j, (int)key_id(key), key_gen(key));
		/* what qpdf met reading it: in the signed bytes the signer's doing, else the updates' */
		hoso_err_clear(&e);
		if (r == 0 && hoso_pdf_check(j->now, &e) != 0)
			change(j, is_changed(j, key_id(key)) ? HOSO_CHECK_FAILED :
			    HOSO_CHECK_INDETERMINATE, "structure", key_id(key), key_gen(key),
			    page_of(j, (int)key_id(key), key_gen(key)), "%s", e.msg);
		/* handles pile up in qpdf until released; nothing is kept across objects */
		hoso_pdf_release(j->then);
		hoso_pdf_release(j->now);
		if (r != 0)
			return r;
	}
	return 0;
}

/* Pass 3 ------------------------------------------------------------------ */

struct role {
	struct idset seen;
	long long latest;	/* the latest offset at which a changed object of it is defined */
	bool action;
	int action_id, action_gen;
	char action_key[16];
};

/*
 * The objects of a signature field: itself, its widgets, its value and
 * appearances, not the page or parent they point back to. Notes the latest
 * place a changed one is defined at, and an action in a changed one.
 */
static int
role_walk(struct judge *j, struct role *ro, hoso_pdf_val v, bool in_changed, int depth)
{
	static const char *const out_keys[] = { "/Parent", "/P", "/Data", NULL };
	static const char *const action_keys[] = { "/A", "/AA", "/JS", NULL };
	struct hoso_pdf *p = j->now;
	char **keys = NULL;
	size_t n = 0, i;
	int id = 0, gen = 0, r = 0, len;
	long long at;

	if (depth > MAX_NEST)
		return 0;
	if (hoso_pdf_ref(p, v, &id, &gen)) {
		if ((r = idset_add(&ro->seen, id_key(id, gen), j->err)) <= 0)
			return r;
		if (ro->seen.n > HOSO_PDFDIFF_MAX_WALK)
			return hoso_err_set(j->err, HOSO_EINPUT, _("%s: more than %d objects"),
			    hoso_pdf_label(p), HOSO_PDFDIFF_MAX_WALK);
		if ((in_changed = is_changed(j, id))) {
			if ((r = idset_add(&j->roled, id_key(id, 0), j->err)) < 0)
				return r;
			at = def_offset(j->xn, id);
			if (at > ro->latest)
				ro->latest = at;
		}
		v = hoso_pdf_object(p, id, gen);
	}
	switch (hoso_pdf_kind(p, v)) {
	case HOSO_PDF_ARRAY:
		len = hoso_pdf_len(p, v);
		for (i = 0; (int)i < len && r == 0; i++)
			r = role_walk(j, ro, hoso_pdf_item(p, v, (int)i), in_changed, depth + 1);
		return r;
	case HOSO_PDF_DICT:
	case HOSO_PDF_STREAM:
		break;
	default:
		return 0;
	}
	if ((r = hoso_pdf_keys(p, v, &keys, &n, j->err)) != 0)
		return r;
	for (i = 0; i < n && r == 0; i++) {
		/* 12.6: actions run code, open files, submit forms: none may come after signing */
		if (in_changed && in_list(keys[i], action_keys) && !ro->action) {
			ro->action = true;
			ro->action_id = id;
			ro->action_gen = gen;
			snprintf(ro->action_key, sizeof(ro->action_key), "%s", keys[i]);
		}
		if (!in_list(keys[i], out_keys))
			r = role_walk(j, ro, hoso_pdf_get(p, v, keys[i]), in_changed, depth + 1);
	}
	hoso_pdf_keys_free(keys, n);
	return r;
}

/* 12.5.3, 12.5.2: a widget a reader draws: a rectangle with area, not Hidden, not NoView alone. */
static bool
visible(struct hoso_pdf *p, hoso_pdf_val w)
{
	hoso_pdf_val rect = hoso_pdf_get(p, w, "/Rect");
	double c[4] = { 0, 0, 0, 0 };
	long long flags = 0;
	int k;

	if (hoso_pdf_len(p, rect) != 4)
		return true;	/* no usable rectangle: a reader may still draw something */
	for (k = 0; k < 4; k++)
		if (!hoso_pdf_number(p, hoso_pdf_item(p, rect, k), &c[k]))
			return true;
	if (c[0] == c[2] || c[1] == c[3])
		return false;
	if (!hoso_pdf_int(p, hoso_pdf_get(p, w, "/F"), 0, 0xffffffffLL, &flags))
		flags = 0;
	/* Hidden (2); NoView (32) without Print (4) or ToggleNoView (256) */
	return (flags & 2) == 0 && ((flags & 32) == 0 || (flags & (4 | 256)) != 0);
}

/* The signature of the file whose dictionary is (id, gen) in field (fid, fgen); NULL when none. */
static const struct hoso_pdfdiff_sig *
sig_of(const struct judge *j, int id, int gen, int fid, int fgen)
{
	size_t i;

	for (i = 0; i < j->o->n_sigs; i++) {
		const struct hoso_pdf_sig *s = j->o->sigs[i].sig;
		if (s->id == id && s->gen == gen && s->field_id == fid && s->field_gen == fgen)
			return &j->o->sigs[i];
	}
	return NULL;
}

/* The full name of a field (12.7.3.2): the /T of it and its parents, joined by dots. */
static int
field_name(struct judge *j, hoso_pdf_val f, struct hoso_buf *name)
{
	struct hoso_pdf *p = j->now;
	struct hoso_buf part = HOSO_BUF_INIT(0), rest = HOSO_BUF_INIT(0);
	int depth, r = 0;

	hoso_buf_reset(name);
	for (depth = 0; depth < 16 && hoso_pdf_kind(p, f) == HOSO_PDF_DICT && r == 0; depth++) {
		hoso_buf_reset(&part);
		if ((r = hoso_pdf_utf8(p, hoso_pdf_get(p, f, "/T"), &part, j->err)) != 0)
			break;
		if (part.len > 0) {
			hoso_buf_reset(&rest);
			if ((r = hoso_buf_add(&rest, hoso_buf_str(name), name->len, j->err)) != 0)
				break;
			hoso_buf_reset(name);
			if ((r = hoso_buf_add(name, part.data, part.len, j->err)) != 0 ||
			    (rest.len > 0 && ((r = hoso_buf_addc(name, '.', j->err)) != 0 ||
			    (r = hoso_buf_add(name, rest.data, rest.len, j->err)) != 0)))
				break;
		}
		f = hoso_pdf_get(p, f, "/Parent");
	}
	hoso_buf_free(&part);
	hoso_buf_free(&rest);
	return r;
}

/* FieldMDP (12.8.2.4): the judged signature locks field name. */
static bool
locked(const struct hoso_pdf_sig *self, const char *name)
{
	const char *s = self->lock_fields.data, *end = s + self->lock_fields.len;
	bool listed = false;

	for (; s != NULL && s < end; s += strlen(s) + 1)
		if (strcmp(s, name) == 0)
			listed = true;
	switch (self->lock) {
	case HOSO_PDF_LOCK_ALL:
		return true;
	case HOSO_PDF_LOCK_INCLUDE:
		return listed;
	case HOSO_PDF_LOCK_EXCLUDE:
		return !listed;
	default:
		return false;
	}
}

/* A signature field added, or signed, after the judged signature. */
static int
judge_field(struct judge *j, const struct root *f)
{
	struct hoso_pdf *p = j->now;
	hoso_pdf_val fv = hoso_pdf_object(p, f->id, f->gen), kids, w, v;
	const struct hoso_pdfdiff_sig *s = NULL;
	struct hoso_buf nb = HOSO_BUF_INIT(1024);
	struct role ro;
	char name[256];
	int vid = 0, vgen = 0, i, n, page = 0, wid, wgen, r = 0;
	size_t k;
	bool shown = false;

	memset(&ro, 0, sizeof(ro));
	ro.latest = -1;
	if ((r = field_name(j, fv, &nb)) != 0 && r != HOSO_EINPUT)
		goto out;
	r = 0;
	/* a label for messages, and the name FieldMDP locks */
	if (nb.len == 0)
		snprintf(name, sizeof(name), _("object %d %d"), f->id, f->gen);
	else
		snprintf(name, sizeof(name), "%s", hoso_buf_str(&nb));
	if (hoso_pdf_kind(p, fv) != HOSO_PDF_DICT || !is_sig_field(p, fv) || (!f->filled &&
	    (!hoso_pdf_is_name(p, hoso_pdf_get(p, fv, "/FT"), "/Sig") ||
	    hoso_pdf_kind(p, hoso_pdf_get(p, fv, "/Parent")) != HOSO_PDF_NULL))) {
		FAIL(j, "form", f->id, f->gen, 0, _("field %s, added to the form after signing, "
		    "is not a signature field of its own (/FT /Sig, no /Parent)"), name);
		goto out;
	}
	v = hoso_pdf_get(p, fv, "/V");
	if (hoso_pdf_kind(p, v) != HOSO_PDF_NULL) {
		if (hoso_pdf_ref(p, v, &vid, &vgen))
			s = sig_of(j, vid, vgen, f->id, f->gen);
		if (vid == j->self->id && vgen == j->self->gen) {
			FAIL(j, "signature-copy", f->id, f->gen, 0, _("field %s, added after "
			    "signing, has this signature's own dictionary as its value"), name);
			goto out;
		}
	}
	if (f->filled && locked(j->self, hoso_buf_str(&nb)))
		FAIL(j, "field-lock", f->id, f->gen, 0, _("field %s was signed after this "
		    "signature, which locks it (FieldMDP)"), name);
	if (j->self->docmdp == 1 && (s == NULL || !s->sig->timestamp))
		FAIL(j, "certified", f->id, f->gen, 0, _("signature field %s was added or signed "
		    "after this certification, which permits no change (DocMDP P=1)"), name);
	/* the field and what it holds, then its widgets on pages */
	if ((r = role_walk(j, &ro, fv, false, 0)) != 0)
		goto out;
	for (k = 0; k < j->n_roots; k++) {
		const struct root *wr = &j->roots[k];
		if (!wr->widget)
			continue;
		w = hoso_pdf_object(p, wr->id, wr->gen);
		if ((wr->id != f->id || wr->gen != f->gen) &&
		    (!hoso_pdf_ref(p, hoso_pdf_get(p, w, "/Parent"), &wid, &wgen) ||
		    wid != f->id || wgen != f->gen))
			continue;
		if ((r = role_walk(j, &ro, w, false, 0)) != 0)
			goto out;
		if (!shown && visible(p, w)) {
			shown = true;
			page = wr->page;
		}
	}
	/* a field signed in place keeps its widgets where they were: judge them too */
	if (f->filled) {
		kids = hoso_pdf_get(p, fv, "/Kids");
		n = hoso_pdf_len(p, kids);
		if (hoso_pdf_is_name(p, hoso_pdf_get(p, fv, "/Subtype"), "/Widget") &&
		    visible(p, fv)) {
			shown = true;
			if (hoso_pdf_ref(p, hoso_pdf_get(p, fv, "/P"), &wid, &wgen))
				page = page_of(j, wid, wgen);
		}
		for (i = 0; i < n; i++) {
			w = hoso_pdf_item(p, kids, i);
			if (visible(p, w)) {
				shown = true;
				if (page == 0 && hoso_pdf_ref(p, hoso_pdf_get(p, w, "/P"), &wid,
				    &wgen))
					page = page_of(j, wid, wgen);
			}
		}
	}
	if (ro.action) {
		FAIL(j, "action", ro.action_id, ro.action_gen, page, _("signature field %s, added "
		    "or signed after this signature, carries an action (%s): code or a jump a "
		    "reader runs"), name, ro.action_key);
		goto out;
	}
	if (!shown) {
		if (s != NULL)
			PERMIT(j, "signature-added", f->id, f->gen, 0, _("signature field %s "
			    "added or signed after this signature, not shown on any page (%s)"),
			    name, s->status == HOSO_CHECK_PASSED ? _("its signature is valid") :
			    s->status == HOSO_CHECK_FAILED ? _("its signature is not valid") :
			    _("its signature cannot be shown valid"));
		else
			PERMIT(j, "empty-signature-field", f->id, f->gen, 0, _("empty signature "
			    "field %s added, not shown on any page"), name);
		goto out;
	}
	/* shown: only as the appearance of a valid signature that covers it */
	if (s == NULL) {
		FAIL(j, "signature-appearance", f->id, f->gen, page, _("page %d: signature field "
		    "%s, added after signing, is not signed but draws on the page"), page, name);
	} else if (ro.latest >= s->end) {
		FAIL(j, "signature-appearance", f->id, f->gen, page, _("page %d: signature field "
		    "%s draws on the page with objects defined after its own signature (byte "
		    "%lld, past %lld)"), page, name, ro.latest, s->end);
	} else if (s->status == HOSO_CHECK_FAILED) {
		FAIL(j, "signature-appearance", f->id, f->gen, page, _("page %d: signature field "
		    "%s draws on the page, and its signature is not valid"), page, name);
	} else if (s->status != HOSO_CHECK_PASSED) {
		change(j, HOSO_CHECK_INDETERMINATE, "signature-appearance", f->id, f->gen, page,
		    _("page %d: signature field %s draws on the page, and its signature "
		    "cannot be shown valid"), page, name);
	} else {
		PERMIT(j, "signature-added", f->id, f->gen, page, _("page %d: signature field %s, "
		    "added or signed after this signature, is shown on the page; its valid "
		    "signature by %s covers what it shows"), page, name, s->signer != NULL &&
		    s->signer[0] != '\0' ? s->signer : _("its signer"));
	}
out:
	idset_free(&ro.seen);
	hoso_buf_free(&nb);
	return r;
}

/* The widgets of pass 2: each must belong to a field of pass 3. */
static void
judge_widget(struct judge *j, const struct root *w)
{
	struct hoso_pdf *p = j->now;
	hoso_pdf_val v = hoso_pdf_object(p, w->id, w->gen), sub;
	struct hoso_buf b = HOSO_BUF_INIT(0);
	int fid = w->id, fgen = w->gen;
	size_t k;

	if (hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/Subtype"), "/Widget") &&
	    hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/FT"), "/Sig")) {
		for (k = 0; k < j->n_roots; k++)
			if (!j->roots[k].widget && j->roots[k].id == fid && j->roots[k].gen == fgen)
				return;
	} else if (hoso_pdf_is_name(p, hoso_pdf_get(p, v, "/Subtype"), "/Widget") &&
	    hoso_pdf_kind(p, hoso_pdf_get(p, v, "/FT")) == HOSO_PDF_NULL &&
	    hoso_pdf_ref(p, hoso_pdf_get(p, v, "/Parent"), &fid, &fgen) &&
	    hoso_pdf_kind(p, hoso_pdf_get(p, v, "/Kids")) == HOSO_PDF_NULL) {
		for (k = 0; k < j->n_roots; k++)
			if (!j->roots[k].widget && j->roots[k].id == fid && j->roots[k].gen == fgen)
				return;
	}
	sub = hoso_pdf_get(p, v, "/Subtype");
	if (hoso_pdf_text(p, sub, false, &b, j->err) != 0)
		hoso_err_clear(j->err);
	FAIL(j, "annotation", w->id, w->gen, w->page, _("page %d: annotation %d %d (%s), added "
	    "after signing, is not the widget of a signature field added or signed since"),
	    w->page, w->id, w->gen, b.len > 0 ? hoso_buf_str(&b) : "?");
	hoso_buf_free(&b);
}

/* Changed objects no page shows: the DSS, document information, metadata, unused ones. */
static int
judge_rest(struct judge *j)
{
	const struct hoso_pdfxref_section *s = &j->xn->sections[0];
	const struct hoso_pdfxref_entry *e;
	size_t i;
	int gen, info = 0, meta = 0, dss = 0, other = 0, r;

	if ((r = set_aside(j, &j->info, hoso_pdf_get(j->now, hoso_pdf_trailer(j->now), "/Info"),
	    1)) != 0)
		return r;
	for (i = 0; i < j->changed.cap; i++) {
		unsigned long long key = j->changed.slot[i];
		long long num;
		if (key == 0)
			continue;
		num = key_id(key);
		e = hoso_pdfxref_lookup(j->xn, num);
		gen = e != NULL && e->type == 'n' ? e->gen : 0;
		/* judged already: part of the document, or of a signature field */
		if (idset_has(&j->roled, id_key(num, 0)) || idset_has(&j->seen, id_key(num, gen)))
			continue;
		if (idset_has(&j->aside, id_key(num, 0)))
			dss++;
		else if (idset_has(&j->info, id_key(num, 0)))
			info++;
		else if (idset_has(&j->meta, id_key(num, 0)))
			meta++;
		else
			other++;
	}
	if (dss > 0) {
		PERMIT(j, "dss", 0, 0, 0, _("validation data (/DSS, /Extensions) added or "
		    "changed: %d objects"), dss);
	}
	if (info > 0) {
		if (j->self->docmdp == 1)
			FAIL(j, "certified", s->info_id, s->info_gen, 0, _("the document "
			    "information (/Info) changed after this certification, which permits "
			    "no change (DocMDP P=1)"));
		else
			PERMIT(j, "info", s->info_id, s->info_gen, 0, _("the document information "
			    "(/Info) changed; no page shows it"));
	}
	if (meta > 0) {
		if (j->self->docmdp == 1)
			FAIL(j, "certified", 0, 0, 0, _("the XMP metadata changed after this "
			    "certification, which permits no change (DocMDP P=1)"));
		else
			PERMIT(j, "metadata", 0, 0, 0, _("the XMP metadata (/Metadata) changed; no "
			    "page shows it"));
	}
	if (other > 0) {
		if (j->self->docmdp == 1)
			FAIL(j, "certified", 0, 0, 0, _("%d objects added or changed after this "
			    "certification, which permits no change (DocMDP P=1)"), other);
		else
			PERMIT(j, "unused", 0, 0, 0, _("%d objects added or changed that the "
			    "document does not use"), other);
	}
	return 0;
}

static int
finish(struct judge *j)
{
	struct hoso_pdfdiff *d = j->d;
	size_t n = j->n_fails + j->n_oks, k;
	long long added = (long long)j->xn->len - j->o->end;

	d->status = j->worst;
	d->n_updates = 0;
	for (size_t i = 0; i < j->n_upd; i++)
		if (!j->xn->sections[i].hybrid)
			d->n_updates++;
	if (n > 0) {
		if ((d->changes = calloc(n, sizeof(*d->changes))) == NULL)
			return hoso_err_set(j->err, HOSO_EIO, _("out of memory"));
		memcpy(d->changes, j->fails, j->n_fails * sizeof(*d->changes));
		memcpy(d->changes + j->n_fails, j->oks, j->n_oks * sizeof(*d->changes));
		d->n_changes = n;
	}
	if (j->worst == HOSO_CHECK_INDETERMINATE) {
		snprintf(d->summary, sizeof(d->summary), _("what was done after signing cannot be "
		    "told for sure: %s"), j->fails[0].detail);
	} else if (j->worst != HOSO_CHECK_PASSED) {
		/* the first change that is not permitted at all names the failure */
		k = j->first_failed >= 0 ? (size_t)j->first_failed : 0;
		if (d->n_failed > 1)
			snprintf(d->summary, sizeof(d->summary), _("changed after signing: %s "
			    "(and %d more)"), j->fails[k].detail, d->n_failed - 1);
		else
			snprintf(d->summary, sizeof(d->summary), _("changed after signing: %s"),
			    j->fails[k].detail);
	} else {
		struct hoso_buf b = HOSO_BUF_INIT(sizeof(d->summary) - 1);
		struct hoso_err e;
		size_t i;
		/* cut to the report's room: the XML report lists every change whole */
		(void)hoso_buf_addf(&b, &e, _("%lld bytes added after signing (incremental "
		    "updates: %d), nothing a page shows changed"), added, d->n_updates);
		for (i = 0; i < j->n_oks; i++)
			if (hoso_buf_addf(&b, &e, "%s %s", i == 0 ? ":" : ";", j->oks[i].detail) != 0)
				break;
		snprintf(d->summary, sizeof(d->summary), "%s", hoso_buf_str(&b));
		hoso_buf_free(&b);
	}
	return 0;
}

int
hoso_pdfdiff_judge(struct hoso_pdf *then, struct hoso_pdf *now,
    const struct hoso_pdfxref *xt, const struct hoso_pdfxref *xn,
    const struct hoso_pdfdiff_opts *o, struct hoso_pdfdiff *d, struct hoso_err *err)
{
	struct judge *j;
	struct hoso_err e;
	size_t k;
	int r = 0;

	memset(d, 0, sizeof(*d));
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	j->then = then;
	j->now = now;
	j->xt = xt;
	j->xn = xn;
	j->o = o;
	j->self = o->sigs[o->self].sig;
	j->d = d;
	j->err = err;
	j->worst = HOSO_CHECK_PASSED;
	j->first_failed = -1;
	if (xt->n_sections == 0) {
		FAIL(j, "structure", 0, 0, 0, _("the signed revision has no cross-reference "
		    "section"));
		goto done;
	}
	/* pass 1: the bytes */
	check_chain(j);
	if (j->stop || (r = check_entries(j)) != 0 || j->d->n_failed > 0)
		goto done;
	if (hoso_pdf_repairs(now) > 0 || hoso_pdf_repairs(then) > 0) {
		/* damage the signer left: what later revisions did cannot be told */
		if (hoso_pdf_repairs(then) > 0)
			change(j, HOSO_CHECK_INDETERMINATE, "structure", 0, 0, 0, "%s",
			    _("qpdf had to repair the signed revision to read it: readers may show "
			    "different things"));
		else
			FAIL(j, "structure", 0, 0, 0, "%s", _("qpdf had to repair the file to read "
			    "it: readers may show different things"));
		goto done;
	}
	/* pass 2: the document now, from its catalog */
	if ((r = walk_document(j)) != 0)
		goto stopped;
	/* pass 3: what the rules let through */
	for (k = 0; k < j->n_roots && r == 0; k++)
		if (!j->roots[k].widget)
			r = judge_field(j, &j->roots[k]);
	for (k = 0; k < j->n_roots && r == 0; k++)
		if (j->roots[k].widget)
			judge_widget(j, &j->roots[k]);
	if (r == 0)
		r = judge_rest(j);
stopped:
	hoso_pdf_release(then);
	hoso_pdf_release(now);
	hoso_err_clear(&e);
	/* what qpdf met on the way: in the signed bytes the signer's doing, else the updates' */
	if (r == 0 && hoso_pdf_check(then, &e) != 0) {
		change(j, HOSO_CHECK_INDETERMINATE, "structure", 0, 0, 0, "%s", e.msg);
		(void)hoso_pdf_check(now, &e);
	} else if (r == 0 && hoso_pdf_check(now, &e) != 0) {
		FAIL(j, "structure", 0, 0, 0, "%s", e.msg);
	}
	if (r == HOSO_EINPUT) {
		/* too big or too deep to judge: say so as a failure */
		FAIL(j, "structure", 0, 0, 0, "%s", err->msg);
		hoso_err_clear(err);
		r = 0;
	}
done:
	if (r == 0)
		r = finish(j);
	idset_free(&j->changed);
	idset_free(&j->seen);
	idset_free(&j->info);
	idset_free(&j->meta);
	idset_free(&j->aside);
	idset_free(&j->roled);
	free(j->pages);
	free(j->stack);
	free(j);
	if (r != 0)
		hoso_pdfdiff_free(d);
	return r;
}

void
hoso_pdfdiff_free(struct hoso_pdfdiff *d)
{
	if (d == NULL)
		return;
	free(d->changes);
	d->changes = NULL;
	d->n_changes = 0;
}

bool
hoso_pdfdiff_sig_in_place(const struct hoso_pdfxref *xn, const struct hoso_pdf_sig *sig,
    char *why, size_t why_size)
{
	const struct hoso_pdfxref_entry *e;
	struct hoso_err err;
	long long num, end, field_at, range_end = sig->range[2] + sig->range[3];
	int gen;

	if (sig->id == 0 || sig->field_id == 0) {
		snprintf(why, why_size, "%s", _("the signature dictionary or its field is not an "
		    "indirect object (ISO 32000-1 12.7.4.5)"));
		return false;
	}
	e = hoso_pdfxref_lookup(xn, sig->id);
	if (e == NULL || e->type != 'n' || e->gen != sig->gen) {
		snprintf(why, why_size, _("the signature dictionary, object %d %d, is not where "
		    "the file's cross-reference says (an object stream holds it, or nothing)"),
		    sig->id, sig->gen);
		return false;
	}
	hoso_err_clear(&err);
	if (hoso_pdfxref_object(xn, e->off, &num, &gen, &end, &err) != 0 || num != sig->id ||
	    gen != sig->gen || e->off >= sig->range[1] || end <= sig->range[2]) {
		snprintf(why, why_size, _("the /Contents the byte range leaves out (bytes %lld to "
		    "%lld) is not inside this signature's dictionary, object %d %d at byte %lld: "
		    "the dictionary was copied or moved"), sig->range[1], sig->range[2], sig->id,
		    sig->gen, e->off);
		return false;
	}
	field_at = def_offset(xn, sig->field_id);
	e = hoso_pdfxref_lookup(xn, sig->field_id);
	if (field_at < 0 || field_at >= range_end || e == NULL ||
	    (e->type == 'n' && e->gen != sig->field_gen)) {
		snprintf(why, why_size, _("the signature's field, object %d %d, was added or "
		    "changed after the revision the signature signs (it ends at byte %lld)"),
		    sig->field_id, sig->field_gen, range_end);
		return false;
	}
	return true;
}
