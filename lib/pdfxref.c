/*
 * pdfxref.c - the cross-reference sections of a PDF, read from its bytes
 * (ISO 32000-1 7.2 lexical conventions, 7.3 objects, 7.5.4-7.5.8).
 *
 * A small lexer and a parser of direct objects, enough for trailers,
 * cross-reference stream dictionaries and the extent of an object; then
 * the sections, newest first along /Prev, and for each object number the
 * entry a reader takes. Everything is bounded: nesting, sizes, counts.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "i18n.h"
#include "pdf.h"
#include "pdfxref.h"
#include "sort.h"

#define MAX_NEST	100		/* arrays and dictionaries inside one another */
#define MAX_NODES	(1 << 20)	/* values in one parsed object */
#define MAX_XREF_STREAM	((size_t)256 << 20)	/* a cross-reference stream, decoded */
#define EOF_WINDOW	1024		/* readers look for the last startxref this far back */

/* 7.2.2: white space and delimiters. */
static bool
is_space(int c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static bool
is_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
	    c == '{' || c == '}' || c == '/' || c == '%';
}

static bool
is_regular(int c)
{
	return !is_space(c) && !is_delim(c);
}

enum tok_type {
	T_END,			/* end of the data */
	T_BAD,			/* not a token (an unterminated string, a stray ')') */
	T_INT,
	T_REAL,
	T_NAME,
	T_STRING,		/* literal or hex */
	T_DICT,			/* << */
	T_DICT_END,		/* >> */
	T_ARRAY,		/* [ */
	T_ARRAY_END,		/* ] */
	T_WORD,			/* a keyword: R, obj, true, trailer, ... */
};

struct tok {
	enum tok_type type;
	size_t at, end;
	long long ival;		/* T_INT, when it fits */
	bool big;		/* T_INT too large for ival */
};

struct lex {
	const unsigned char *d;
	size_t len, i;
};

/* White space and comments (7.2.3: a comment runs to the end of its line). */
static void
skip_space(struct lex *l)
{
	while (l->i < l->len) {
		if (is_space(l->d[l->i])) {
			l->i++;
		} else if (l->d[l->i] == '%') {
			while (l->i < l->len && l->d[l->i] != '\r' && l->d[l->i] != '\n')
				l->i++;
		} else {
			break;
		}
	}
}

/* 7.3.4.2: a literal string, balanced parentheses, backslash escapes. */
static bool
skip_literal(struct lex *l)
{
	int depth = 0;

	while (l->i < l->len) {
		unsigned char c = l->d[l->i++];
		if (c == '\\') {
			if (l->i < l->len)
				l->i++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0)
				return true;
		}
	}
	return false;
}

static struct tok
next_token(struct lex *l)
{
	struct tok t;
	size_t j;
	bool digits, dot;
	unsigned char c;

	memset(&t, 0, sizeof(t));
	skip_space(l);
	t.at = l->i;
	if (l->i >= l->len) {
		t.type = T_END;
		t.end = l->i;
		return t;
	}
	c = l->d[l->i];
	if (c == '(') {
		t.type = skip_literal(l) ? T_STRING : T_BAD;
	} else if (c == '<' && l->i + 1 < l->len && l->d[l->i + 1] == '<') {
		l->i += 2;
		t.type = T_DICT;
	} else if (c == '>' && l->i + 1 < l->len && l->d[l->i + 1] == '>') {
		l->i += 2;
		t.type = T_DICT_END;
	} else if (c == '<') {
		/* 7.3.4.3: hexadecimal digits and white space, up to '>' */
		t.type = T_BAD;
		for (l->i++; l->i < l->len; l->i++) {
			c = l->d[l->i];
			if (c == '>') {
				l->i++;
				t.type = T_STRING;
				break;
			}
			if (!is_space(c) && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			    (c >= 'A' && c <= 'F')))
				break;
		}
	} else if (c == '[' || c == ']') {
		l->i++;
		t.type = c == '[' ? T_ARRAY : T_ARRAY_END;
	} else if (c == '/') {
		for (l->i++; l->i < l->len && is_regular(l->d[l->i]); l->i++)
			;
		t.type = T_NAME;
	} else if (is_delim(c)) {
		l->i++;
		t.type = T_BAD;		/* ')', '>', '{', '}' alone */
	} else {
		for (; l->i < l->len && is_regular(l->d[l->i]); l->i++)
			;
		/* 7.3.3: [+-]digits[.digits], or a real starting with '.' */
		j = t.at;
		if (l->d[j] == '+' || l->d[j] == '-')
			j++;
		digits = dot = false;
		for (; j < l->i; j++) {
			if (l->d[j] >= '0' && l->d[j] <= '9')
				digits = true;
			else if (l->d[j] == '.' && !dot)
				dot = true;
			else
				break;
		}
		if (j == l->i && digits) {
			t.type = dot ? T_REAL : T_INT;
			if (!dot) {
				long long v = 0;
				bool neg = l->d[t.at] == '-';
				for (j = t.at + (l->d[t.at] == '+' || neg); j < l->i; j++) {
					if (v > (LLONG_MAX - 9) / 10) {
						t.big = true;
						break;
					}
					v = v * 10 + (l->d[j] - '0');
				}
				t.ival = neg ? -v : v;
			}
		} else {
			t.type = T_WORD;
		}
	}
	t.end = l->i;
	return t;
}

static bool
word_is(const struct lex *l, const struct tok *t, const char *w)
{
	size_t n = strlen(w);

	return t->type == T_WORD && t->end - t->at == n && memcmp(l->d + t->at, w, n) == 0;
}

/* A parsed direct object; a dictionary's kids are key, value, key, value... */
enum val_kind { V_INT, V_REAL, V_NAME, V_STRING, V_REF, V_ARRAY, V_DICT, V_BOOL, V_NULL };

struct val {
	enum val_kind kind;
	size_t at, end;		/* its bytes */
	long long i;		/* V_INT; V_REF: the object number */
	int gen;		/* V_REF */
	bool big;		/* V_INT out of range */
	struct val *kid;
	size_t n, cap;
};

static void
val_free(struct val *v)
{
	size_t k;

	if (v == NULL)
		return;
	for (k = 0; k < v->n; k++)
		val_free(&v->kid[k]);
	free(v->kid);
	v->kid = NULL;
	v->n = v->cap = 0;
}

struct parse {
	struct lex *l;
	size_t nodes;
	const char *why;	/* what was wrong, for the message */
};

static int parse_value(struct parse *ps, struct val *v, int depth);

static int
add_kid(struct parse *ps, struct val *v, int depth)
{
	struct val *grown;
	size_t cap;
	int r;

	if (v->n == v->cap) {
		cap = v->cap != 0 ? 2 * v->cap : 8;
		if ((grown = realloc(v->kid, cap * sizeof(*grown))) == NULL) {
			ps->why = N_("out of memory");
			return -1;
		}
		v->kid = grown;
		v->cap = cap;
	}
	memset(&v->kid[v->n], 0, sizeof(v->kid[v->n]));
	if ((r = parse_value(ps, &v->kid[v->n], depth + 1)) != 0) {
		val_free(&v->kid[v->n]);
		return r;
	}
	v->n++;
	return 0;
}

/*
 * One direct object (7.3), or "N G R". Returns 0, or -1 with ps->why; a
 * closing ']' or '>>' where a value was wanted is 1 (the caller's end).
 */
static int
parse_value(struct parse *ps, struct val *v, int depth)
{
	struct lex *l = ps->l;
	struct tok t, t2, t3;
	size_t save;
	int r;

	if (depth > MAX_NEST) {
		ps->why = N_("objects nested too deep");
		return -1;
	}
	if (++ps->nodes > MAX_NODES) {
		ps->why = N_("too many values in one object");
		return -1;
	}
	memset(v, 0, sizeof(*v));
	t = next_token(l);
	v->at = t.at;
	switch (t.type) {
	case T_INT:
		v->kind = V_INT;
		v->i = t.ival;
		v->big = t.big;
		/* 7.3.10: "N G R" */
		save = l->i;
		t2 = next_token(l);
		if (t2.type == T_INT && !t.big && !t2.big && t.ival > 0 && t2.ival >= 0 &&
		    t2.ival <= 65535) {
			t3 = next_token(l);
			if (word_is(l, &t3, "R")) {
				v->kind = V_REF;
				v->gen = (int)t2.ival;
				v->end = t3.end;
				return 0;
			}
		}
		l->i = save;
		break;
	case T_REAL:
		v->kind = V_REAL;
		break;
	case T_NAME:
		v->kind = V_NAME;
		break;
	case T_STRING:
		v->kind = V_STRING;
		break;
	case T_WORD:
		if (word_is(l, &t, "true") || word_is(l, &t, "false")) {
			v->kind = V_BOOL;
		} else if (word_is(l, &t, "null")) {
			v->kind = V_NULL;
		} else {
			ps->why = N_("a keyword where a value was expected");
			return -1;
		}
		break;
	case T_ARRAY:
		v->kind = V_ARRAY;
		for (;;) {
			save = l->i;
			t2 = next_token(l);
			if (t2.type == T_ARRAY_END)
				break;
			l->i = save;
			if ((r = add_kid(ps, v, depth)) != 0)
				return r < 0 ? r : (ps->why = N_("an array not closed by ']'"), -1);
		}
		t.end = l->i;
		break;
	case T_DICT:
		v->kind = V_DICT;
		for (;;) {
			t2 = next_token(l);
			if (t2.type == T_DICT_END)
				break;
			if (t2.type != T_NAME) {
				ps->why = N_("a dictionary key that is not a name");
				return -1;
			}
			l->i = t2.at;
			if ((r = add_kid(ps, v, depth)) != 0 || (r = add_kid(ps, v, depth)) != 0)
				return r < 0 ? r : (ps->why = N_("a dictionary key without a value"), -1);
		}
		t.end = l->i;
		break;
	case T_ARRAY_END:
	case T_DICT_END:
		return 1;
	default:
		ps->why = t.type == T_END ? N_("the data ends inside an object") :
		    N_("bytes that are not PDF syntax");
		return -1;
	}
	v->end = t.type == T_ARRAY || t.type == T_DICT ? l->i : t.end;
	return 0;
}

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 7.3.5: a name with its #xx escapes undone equals s ("/Prev"). */
static bool
name_is(const unsigned char *d, const struct val *v, const char *s)
{
	size_t i = v->at, n = strlen(s), k = 0;
	int c, hi, lo;

	if (v->kind != V_NAME)
		return false;
	while (i < v->end) {
		c = d[i++];
		if (c == '#' && i + 2 <= v->end && (hi = hex_digit(d[i])) >= 0 &&
		    (lo = hex_digit(d[i + 1])) >= 0) {
			c = hi * 16 + lo;
			i += 2;
		}
		if (k >= n || s[k] != c)
			return false;
		k++;
	}
	return k == n;
}

/* The value of key in dictionary v; NULL when absent; *dup when the key is there twice. */
static const struct val *
dict_get(const unsigned char *d, const struct val *v, const char *key, bool *dup)
{
	const struct val *found = NULL;
	size_t k;

	if (v == NULL || v->kind != V_DICT)
		return NULL;
	for (k = 0; k + 1 < v->n; k += 2)
		if (name_is(d, &v->kid[k], key)) {
			if (found != NULL)
				*dup = true;
			found = &v->kid[k + 1];
		}
	return found;
}

/* Reading a chain of sections. */
struct reader {
	struct hoso_pdfxref *x;
	struct hoso_err *err;
	size_t cap_sections, cap_entries;
};

static int
bad(struct reader *rd, long long at, const char *what)
{
	return hoso_err_set(rd->err, HOSO_EINPUT, _("%s: byte %lld: %s"), rd->x->label, at,
	    what);
}

static int
add_entry(struct reader *rd, const struct hoso_pdfxref_entry *e)
{
	struct hoso_pdfxref *x = rd->x;
	struct hoso_pdfxref_entry *grown;
	size_t cap;

	if (x->n_entries >= HOSO_PDFXREF_MAX_ENTRIES)
		return bad(rd, x->sections[x->n_sections - 1].off,
		    _("too many cross-reference entries"));
	if (x->n_entries == rd->cap_entries) {
		cap = rd->cap_entries != 0 ? 2 * rd->cap_entries : 256;
		if ((grown = realloc(x->entries, cap * sizeof(*grown))) == NULL)
			return hoso_err_set(rd->err, HOSO_EIO, _("out of memory"));
		x->entries = grown;
		rd->cap_entries = cap;
	}
	x->entries[x->n_entries++] = *e;
	return 0;
}

/* The trailer keys every kind of section has (7.5.5, 7.5.8.2). */
static int
read_trailer(struct reader *rd, const struct val *dict, struct hoso_pdfxref_section *s)
{
	const unsigned char *d = rd->x->data;
	const struct val *v;
	bool dup = false;

	s->prev = s->xrefstm = -1;
	if ((v = dict_get(d, dict, "/Prev", &dup)) != NULL) {
		if (v->kind != V_INT || v->big || v->i < 0 || v->i >= (long long)rd->x->len)
			return bad(rd, (long long)v->at, _("/Prev is not an offset in the file"));
		s->prev = v->i;
	}
	if ((v = dict_get(d, dict, "/XRefStm", &dup)) != NULL) {
		if (v->kind != V_INT || v->big || v->i < 0 || v->i >= (long long)rd->x->len)
			return bad(rd, (long long)v->at, _("/XRefStm is not an offset in the file"));
		s->xrefstm = v->i;
	}
	if ((v = dict_get(d, dict, "/Root", &dup)) != NULL) {
		if (v->kind != V_REF)
			return bad(rd, (long long)v->at, _("/Root is not a reference"));
		s->root_id = (int)v->i;
		s->root_gen = v->gen;
	}
	if ((v = dict_get(d, dict, "/Info", &dup)) != NULL) {
		s->has_info = true;
		if (v->kind == V_REF) {
			s->info_id = (int)v->i;
			s->info_gen = v->gen;
		}
	}
	s->encrypt = dict_get(d, dict, "/Encrypt", &dup) != NULL;
	if (dup)
		return bad(rd, (long long)dict->at, _("a trailer key is there twice"));
	return 0;
}

/* 7.5.4: "xref", subsections "first count" of entries "oooooooooo ggggg n", "trailer" << >>. */
static int
read_table(struct reader *rd, long long off, struct hoso_pdfxref_section *s)
{
	struct hoso_pdfxref_entry e;
	struct lex l = { rd->x->data, rd->x->len, (size_t)off };
	struct parse ps = { &l, 0, NULL };
	struct val trailer;
	struct tok t, t2;
	long long first, count, k;
	int r;

	memset(&trailer, 0, sizeof(trailer));
	t = next_token(&l);
	if (!word_is(&l, &t, "xref"))
		return bad(rd, off, _("no cross-reference table where startxref or /Prev points"));
	s->off = (long long)t.at;
	for (;;) {
		t = next_token(&l);
		if (word_is(&l, &t, "trailer"))
			break;
		t2 = next_token(&l);
		if (t.type != T_INT || t2.type != T_INT || t.big || t2.big || t.ival < 0 ||
		    t2.ival < 0 || t.ival > HOSO_PDFXREF_MAX_OBJECT ||
		    t2.ival > HOSO_PDFXREF_MAX_OBJECT + 1 - t.ival)
			return bad(rd, (long long)t.at, _("a cross-reference subsection that is not "
			    "\"first count\""));
		first = t.ival;
		count = t2.ival;
		for (k = 0; k < count; k++) {
			struct tok to = next_token(&l), tg = next_token(&l), tt = next_token(&l);
			if (to.type != T_INT || tg.type != T_INT || to.big || to.ival < 0 ||
			    tg.ival < 0 || tg.ival > 65535 || (!word_is(&l, &tt, "n") &&
			    !word_is(&l, &tt, "f")))
				return bad(rd, (long long)to.at, _("a cross-reference entry that "
				    "is not \"offset generation n|f\""));
			memset(&e, 0, sizeof(e));
			e.num = first + k;
			e.gen = (int)tg.ival;
			e.type = l.d[tt.at];
			e.off = to.ival;
			e.section = (int)rd->x->n_sections - 1;
			/* 7.5.4: object 0 heads the free list; a used 0 is nobody's */
			if (e.type == 'n' && (e.num == 0 || e.off >= (long long)rd->x->len))
				return bad(rd, (long long)to.at, _("a cross-reference entry points "
				    "outside the file"));
			if ((r = add_entry(rd, &e)) != 0)
				return r;
		}
	}
	if ((r = parse_value(&ps, &trailer, 0)) != 0 || trailer.kind != V_DICT) {
		r = bad(rd, (long long)t.end, ps.why != NULL ? _(ps.why) :
		    _("\"trailer\" is not followed by a dictionary"));
		goto out;
	}
	s->end = (long long)trailer.end;
	r = read_trailer(rd, &trailer, s);
out:
	val_free(&trailer);
	return r;
}

/* The integer a reference names: an object "N G obj INT endobj" the chain gives. */
static int
resolve_int(const struct hoso_pdfxref *x, const struct val *v, long long *out)
{
	const struct hoso_pdfxref_entry *e;
	struct lex l;
	struct tok a, b, c, n, end;

	if (v->kind == V_INT && !v->big) {
		*out = v->i;
		return 0;
	}
	if (v->kind != V_REF || (e = hoso_pdfxref_lookup(x, v->i)) == NULL || e->type != 'n' ||
	    e->gen != v->gen)
		return -1;
	l.d = x->data;
	l.len = x->len;
	l.i = (size_t)e->off;
	a = next_token(&l);
	b = next_token(&l);
	c = next_token(&l);
	n = next_token(&l);
	end = next_token(&l);
	if (a.type != T_INT || a.ival != v->i || b.type != T_INT || b.ival != v->gen ||
	    !word_is(&l, &c, "obj") || n.type != T_INT || n.big || !word_is(&l, &end, "endobj"))
		return -1;
	*out = n.ival;
	return 0;
}

/* The object at off: header, value, stream data, "endobj"; its dictionary in *dict. */
static int
read_object(const struct hoso_pdfxref *x, long long off, long long *num, int *gen,
    struct val *dict, size_t *data_at, long long *data_len, long long *end,
    struct hoso_err *err)
{
	struct lex l = { x->data, x->len, (size_t)off };
	struct parse ps = { &l, 0, NULL };
	struct tok a, b, c, t;
	long long len = 0;
	bool dup = false;
	const struct val *lv;
	const char *why = NULL;
	int r;

	memset(dict, 0, sizeof(*dict));
	*data_at = 0;
	*data_len = -1;
	a = next_token(&l);
	b = next_token(&l);
	c = next_token(&l);
	if (a.type != T_INT || a.big || a.ival <= 0 || a.ival > HOSO_PDFXREF_MAX_OBJECT ||
	    b.type != T_INT || b.big || b.ival < 0 || b.ival > 65535 || !word_is(&l, &c, "obj")) {
		why = _("no \"N G obj\" where the cross-reference table points");
		goto out;
	}
	*num = a.ival;
	*gen = (int)b.ival;
	if ((r = parse_value(&ps, dict, 0)) != 0) {
		why = ps.why != NULL ? _(ps.why) : _("no value inside the object");
		goto out;
	}
	t = next_token(&l);
	if (word_is(&l, &t, "stream")) {
		/* 7.3.8.1: "stream" then CRLF or LF (CR alone is tolerated by readers) */
		l.i = t.end;
		if (l.i < l.len && l.d[l.i] == '\r')
			l.i++;
		if (l.i < l.len && l.d[l.i] == '\n')
			l.i++;
		else if (l.d[l.i - 1] != '\r')
			why = _("\"stream\" is not followed by an end of line");
		lv = dict_get(x->data, dict, "/Length", &dup);
		if (why == NULL && (dict->kind != V_DICT || lv == NULL ||
		    resolve_int(x, lv, &len) != 0 || len < 0 || dup ||
		    (unsigned long long)len > l.len - l.i))
			why = _("a stream without a usable /Length");
		if (why != NULL)
			goto out;
		*data_at = l.i;
		*data_len = len;
		l.i += (size_t)len;
		t = next_token(&l);
		if (!word_is(&l, &t, "endstream")) {
			why = _("the stream's data does not end where /Length says");
			goto out;
		}
		t = next_token(&l);
	}
	if (!word_is(&l, &t, "endobj")) {
		why = _("the object does not end with \"endobj\"");
		goto out;
	}
	*end = (long long)t.end;
out:
	if (why != NULL) {
		val_free(dict);
		return hoso_err_set(err, HOSO_EINPUT, _("%s: byte %lld: %s"), x->label, off,
		    why);
	}
	return 0;
}

int
hoso_pdfxref_object(const struct hoso_pdfxref *x, long long off, long long *num, int *gen,
    long long *end, struct hoso_err *err)
{
	struct val dict;
	size_t data_at;
	long long data_len;
	int r;

	if (off < 0 || off >= (long long)x->len)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: byte %lld: outside the file"),
		    x->label, off);
	r = read_object(x, off, num, gen, &dict, &data_at, &data_len, end, err);
	val_free(&dict);
	return r;
}

/* The text of value v, or NULL when absent; for hoso_pdf_decode. */
static char *
val_text(const unsigned char *d, const struct val *v)
{
	char *s;

	if (v == NULL)
		return NULL;
	if ((s = malloc(v->end - v->at + 1)) == NULL)
		return NULL;
	memcpy(s, d + v->at, v->end - v->at);
	s[v->end - v->at] = '\0';
	return s;
}

/* Small non-negative integers of an array: /W, /Index. */
static bool
int_items(const struct val *v, long long *out, size_t max, size_t *n)
{
	size_t k;

	if (v == NULL || v->kind != V_ARRAY || v->n > max)
		return false;
	for (k = 0; k < v->n; k++) {
		if (v->kid[k].kind != V_INT || v->kid[k].big || v->kid[k].i < 0)
			return false;
		out[k] = v->kid[k].i;
	}
	*n = v->n;
	return true;
}

static unsigned long long
field(const unsigned char *p, long long w)
{
	unsigned long long v = 0;
	long long k;

	for (k = 0; k < w; k++)
		v = v << 8 | p[k];
	return v;
}

/* 7.5.8: a cross-reference stream: its dictionary is the trailer, its rows the entries. */
static int
read_stream(struct reader *rd, long long off, struct hoso_pdfxref_section *s)
{
	const struct hoso_pdfxref *x = rd->x;
	const unsigned char *d = x->data;
	struct hoso_pdfxref_entry e;
	struct val dict;
	const struct val *v;
	unsigned char *rows = NULL;
	char *filter = NULL, *parms = NULL;
	long long num, w[3], *index = NULL, size, end, data_len, k, j, row, type;
	size_t data_at, n_w = 0, n_index = 0, rows_len = 0, at = 0;
	bool dup = false;
	int gen, r;

	memset(&dict, 0, sizeof(dict));
	if ((r = read_object(x, off, &num, &gen, &dict, &data_at, &data_len, &end,
	    rd->err)) != 0)
		goto out;
	s->off = off;
	s->end = end;
	s->stream = true;
	s->stream_id = (int)num;
	s->stream_gen = gen;
	if (data_len < 0 || (v = dict_get(d, &dict, "/Type", &dup)) == NULL ||
	    !name_is(d, v, "/XRef")) {
		r = bad(rd, off, _("not a cross-reference stream (no /Type /XRef)"));
		goto out;
	}
	if ((v = dict_get(d, &dict, "/Size", &dup)) == NULL || v->kind != V_INT || v->big ||
	    v->i < 0 || v->i > HOSO_PDFXREF_MAX_OBJECT + 1) {
		r = bad(rd, off, _("a cross-reference stream without a usable /Size"));
		goto out;
	}
	size = v->i;
	if (!int_items(dict_get(d, &dict, "/W", &dup), w, 3, &n_w) || n_w != 3 || w[0] > 8 ||
	    w[1] > 8 || w[2] > 8 || w[1] == 0) {
		r = bad(rd, off, _("a cross-reference stream's /W is not three widths of at most "
		    "8 bytes"));
		goto out;
	}
	v = dict_get(d, &dict, "/Index", &dup);
	if ((index = calloc(v != NULL && v->kind == V_ARRAY && v->n > 2 ? v->n : 2,
	    sizeof(*index))) == NULL) {
		r = hoso_err_set(rd->err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if (v == NULL) {
		index[0] = 0;
		index[1] = size;
		n_index = 2;
	} else if (!int_items(v, index, v->n, &n_index) || n_index % 2 != 0) {
		r = bad(rd, off, _("a cross-reference stream's /Index is not pairs of integers"));
		goto out;
	}
	/* 7.5.8.2: these entries are direct; a reference cannot be decoded without the file */
	filter = val_text(d, dict_get(d, &dict, "/Filter", &dup));
	parms = val_text(d, dict_get(d, &dict, "/DecodeParms", &dup));
	if (dup) {
		r = bad(rd, off, _("a key of the cross-reference stream is there twice"));
		goto out;
	}
	if ((r = read_trailer(rd, &dict, s)) != 0 ||
	    (r = hoso_pdf_decode(filter, parms, d + data_at, (size_t)data_len, MAX_XREF_STREAM,
	    &rows, &rows_len, rd->err)) != 0) {
		if (r == HOSO_EINPUT)
			hoso_err_prefix(rd->err, _("%s: byte %lld: cross-reference stream"),
			    x->label, off);
		goto out;
	}
	row = w[0] + w[1] + w[2];
	for (k = 0; k < (long long)n_index; k += 2) {
		if (index[k] > HOSO_PDFXREF_MAX_OBJECT || index[k + 1] >
		    HOSO_PDFXREF_MAX_OBJECT + 1 - index[k]) {
			r = bad(rd, off, _("a cross-reference stream's /Index names objects past "
			    "the highest number"));
			goto out;
		}
		for (j = 0; j < index[k + 1]; j++) {
			if (at + (size_t)row > rows_len) {
				r = bad(rd, off, _("a cross-reference stream has fewer rows than "
				    "/Index says"));
				goto out;
			}
			memset(&e, 0, sizeof(e));
			e.num = index[k] + j;
			e.section = (int)x->n_sections - 1;
			/* 7.5.8.3: a missing type field means type 1 */
			type = w[0] == 0 ? 1 : (long long)field(rows + at, w[0]);
			if (type == 0) {
				e.type = 'f';
				e.gen = (int)(field(rows + at + w[0] + w[1], w[2]) & 0xffff);
			} else if (type == 1) {
				e.type = 'n';
				e.off = (long long)field(rows + at + w[0], w[1]);
				e.gen = (int)field(rows + at + w[0] + w[1], w[2]);
				if (e.num == 0 || e.off >= (long long)x->len || e.gen > 65535 ||
				    e.off < 0) {
					r = bad(rd, off, _("a cross-reference stream entry points "
					    "outside the file"));
					goto out;
				}
			} else if (type == 2) {
				e.type = 'c';
				e.off = (long long)field(rows + at + w[0], w[1]);
				e.index = (long long)field(rows + at + w[0] + w[1], w[2]);
				if (e.num == 0 || e.off <= 0 || e.off > HOSO_PDFXREF_MAX_OBJECT) {
					r = bad(rd, off, _("a cross-reference stream entry names no "
					    "object stream"));
					goto out;
				}
			} else {
				/* 7.5.8.3 reads other types as null; a writer we trust has none */
				r = bad(rd, off, _("a cross-reference stream entry of an unknown "
				    "type"));
				goto out;
			}
			at += (size_t)row;
			if ((r = add_entry(rd, &e)) != 0)
				goto out;
		}
	}
	r = 0;
out:
	val_free(&dict);
	free(index);
	free(filter);
	free(parms);
	free(rows);
	return r;
}

static int
new_section(struct reader *rd, struct hoso_pdfxref_section **s)
{
	struct hoso_pdfxref *x = rd->x;
	struct hoso_pdfxref_section *grown;
	size_t cap;

	if (x->n_sections >= HOSO_PDFXREF_MAX_SECTIONS)
		return hoso_err_set(rd->err, HOSO_EINPUT, _("%s: more than %d cross-reference "
		    "sections"), x->label, HOSO_PDFXREF_MAX_SECTIONS);
	if (x->n_sections == rd->cap_sections) {
		cap = rd->cap_sections != 0 ? 2 * rd->cap_sections : 8;
		if ((grown = realloc(x->sections, cap * sizeof(*grown))) == NULL)
			return hoso_err_set(rd->err, HOSO_EIO, _("out of memory"));
		x->sections = grown;
		rd->cap_sections = cap;
	}
	*s = &x->sections[x->n_sections++];
	memset(*s, 0, sizeof(**s));
	(*s)->first = x->n_entries;
	return 0;
}

/* Read the section at off (a table, its /XRefStm stream, or a stream); *prev: its /Prev. */
static int
read_section(struct reader *rd, long long off, long long *prev)
{
	struct hoso_pdfxref *x = rd->x;
	struct hoso_pdfxref_section *s;
	struct lex l = { x->data, x->len, (size_t)off };
	struct tok t = next_token(&l);
	long long xrefstm;
	size_t i;
	int r;

	for (i = 0; i < x->n_sections; i++)
		if (x->sections[i].off == off)
			return hoso_err_set(rd->err, HOSO_EINPUT, _("%s: the /Prev chain of "
			    "cross-reference sections is a loop (byte %lld)"), x->label, off);
	if ((r = new_section(rd, &s)) != 0)
		return r;
	if (word_is(&l, &t, "xref"))
		r = read_table(rd, off, s);
	else if (t.type == T_INT)
		r = read_stream(rd, off, s);
	else
		r = bad(rd, off, _("no cross-reference table or stream where startxref or /Prev "
		    "points"));
	if (r != 0)
		return r;
	s = &x->sections[x->n_sections - 1];
	s->n = x->n_entries - s->first;
	*prev = s->prev;
	xrefstm = s->stream ? -1 : s->xrefstm;
	if (xrefstm >= 0) {
		/* 7.5.8.4: a hybrid file's stream is read after its table, before /Prev */
		if ((r = new_section(rd, &s)) != 0 || (r = read_stream(rd, xrefstm, s)) != 0)
			return r;
		s = &x->sections[x->n_sections - 1];
		s->n = x->n_entries - s->first;
		s->hybrid = true;
	}
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct hoso_pdfxref_entry *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	/* the earlier section in chain order wins; within one, the first written */
	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
merge(struct reader *rd)
{
	struct hoso_pdfxref *x = rd->x;
	size_t i, n = 0;

	if (x->n_entries == 0)
		return 0;
	if ((x->merged = malloc(x->n_entries * sizeof(*x->merged))) == NULL)
		return hoso_err_set(rd->err, HOSO_EIO, _("out of memory"));
	memcpy(x->merged, x->entries, x->n_entries * sizeof(*x->merged));
	hoso_sort(x->merged, x->n_entries, sizeof(*x->merged), cmp_entry);
	for (i = 0; i < x->n_entries; i++)
		if (n == 0 || x->merged[n - 1].num != x->merged[i].num)
			x->merged[n++] = x->merged[i];
	x->n_merged = n;
	return 0;
}

/* 7.5.5: the last "startxref N %%EOF"; nothing but white space may follow. */
static int
find_startxref(struct reader *rd)
{
	struct hoso_pdfxref *x = rd->x;
	const unsigned char *d = x->data;
	struct lex l;
	struct tok t, n;
	size_t i, from, k;

	from = x->len > EOF_WINDOW ? x->len - EOF_WINDOW : 0;
	for (i = x->len >= 9 ? x->len - 9 : 0;; i--) {
		if (memcmp(d + i, "startxref", 9) == 0 && (i == 0 || !is_regular(d[i - 1])))
			break;
		if (i == from || i == 0)
			return hoso_err_set(rd->err, HOSO_EINPUT, _("%s: no \"startxref\" near the "
			    "end of the file"), x->label);
	}
	l.d = d;
	l.len = x->len;
	l.i = i;
	t = next_token(&l);
	n = next_token(&l);
	if (!word_is(&l, &t, "startxref") || n.type != T_INT || n.big || n.ival < 0 ||
	    n.ival >= (long long)x->len)
		return hoso_err_set(rd->err, HOSO_EINPUT, _("%s: byte %zu: \"startxref\" is not "
		    "followed by an offset in the file"), x->label, i);
	x->startxref = n.ival;
	/* %%EOF is a comment to the lexer: look for it by hand */
	for (k = n.end; k < x->len && is_space(d[k]); k++)
		;
	if (x->len - k < 5 || memcmp(d + k, "%%EOF", 5) != 0)
		return hoso_err_set(rd->err, HOSO_EINPUT, _("%s: byte %zu: the last \"startxref\" "
		    "is not followed by %%%%EOF"), x->label, i);
	x->eof_end = (long long)(k + 5);
	for (k += 5; k < x->len && is_space(d[k]); k++)
		;
	if (k != x->len)
		return hoso_err_set(rd->err, HOSO_EINPUT, _("%s: byte %zu: %zu bytes after the "
		    "last %%%%EOF"), x->label, k, x->len - k);
	return 0;
}

int
hoso_pdfxref_read(const unsigned char *data, size_t len, const char *label,
    struct hoso_pdfxref *x, struct hoso_err *err)
{
	struct reader rd;
	long long off, prev = -1;
	int r;

	memset(x, 0, sizeof(*x));
	memset(&rd, 0, sizeof(rd));
	x->data = data;
	x->len = len;
	x->label = label != NULL ? label : "PDF";
	rd.x = x;
	rd.err = err;
	if (len < 9 || len > (size_t)LLONG_MAX / 2) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: too short or too long for a PDF"),
		    x->label);
		goto out;
	}
	if ((r = find_startxref(&rd)) != 0)
		goto out;
	for (off = x->startxref; off >= 0; off = prev)
		if ((r = read_section(&rd, off, &prev)) != 0)
			goto out;
	r = merge(&rd);
out:
	if (r != 0)
		hoso_pdfxref_free(x);
	return r;
}

void
hoso_pdfxref_free(struct hoso_pdfxref *x)
{
	if (x == NULL)
		return;
	free(x->sections);
	free(x->entries);
	free(x->merged);
	x->sections = NULL;
	x->entries = x->merged = NULL;
	x->n_sections = x->n_entries = x->n_merged = 0;
}

const struct hoso_pdfxref_entry *
hoso_pdfxref_lookup(const struct hoso_pdfxref *x, long long num)
{
	size_t lo = 0, hi = x->n_merged, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x->merged[mid].num == num)
			return &x->merged[mid];
		if (x->merged[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

long long
hoso_pdfxref_skip_blank(const struct hoso_pdfxref *x, long long at, long long to,
    const long long *ok, size_t n_ok)
{
	struct lex l = { x->data, (size_t)to, (size_t)at };
	struct tok t, n;
	size_t k;

	for (;;) {
		skip_space(&l);
		if (l.i >= (size_t)to)
			return to;
		at = (long long)l.i;
		t = next_token(&l);
		if (!word_is(&l, &t, "startxref"))
			return at;
		n = next_token(&l);
		for (k = 0; k < n_ok; k++)
			if (n.type == T_INT && !n.big && n.ival == ok[k])
				break;
		if (k == n_ok)
			return at;
	}
}
