/*
 * fields.c - reading form fields off a recognized page (see fields.h).
 *
 * Tesseract's text lines are put back together into rows (a row of the form can come out as
 * several blocks when a label and its value are far apart), and each row becomes a key: lower
 * case, no diacritics, no spaces or punctuation except ':', with a map back to the words. Every
 * printed text of the template (labels, stops, section marks) is searched in every row by
 * approximate substring matching that starts at a word (Sellers' edit distance), and where two
 * matches overlap the better one keeps the place, so that "Họ, chữ đệm, tên:" does not take the
 * row of "Họ, chữ đệm, tên người mẹ:". A value is what follows its label up to the next match
 * on the row; a block value goes on over the next rows until something printed starts.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "i18n.h"
#include "sort.h"
#include "utf8.h"
#include "validate.h"
#include "xml.h"

#define KEY_MAX		4096	/* key characters of one row */
#define NO_MATCH	(-1)

/* One character of a row's key and where it came from. */
struct kchar {
	char c;
	unsigned word;		/* index in the row's words */
	unsigned off, end;	/* its bytes in the word's text */
};

struct row {
	size_t *words;		/* indices into the layout, left to right */
	size_t n_words;
	struct kchar *key;
	size_t n_key;
	double base;		/* baseline height at x = 0 (page slope): the reading order */
	int x0, y0, x1, y1;
	int height;		/* typical word height */
};

/* A printed text searched on the page: labels, stops, section marks; keys are unique. */
struct pattern {
	char *key;
	size_t m;
};

struct match {
	size_t pat, row;
	size_t ks, ke;		/* key range in the row */
	int dist;
	bool alive;
};

struct page {
	const struct hoso_ocr_layout *l;
	struct row *rows;
	size_t n_rows;
	double slope;		/* of the text lines, dy/dx */
	double pitch;		/* typical distance between rows */
	struct pattern *pats;
	size_t n_pats;
	struct match *matches;
	size_t n_matches, cap_matches;
};

/* ---- keys ---- */

static char
key_char(uint32_t c)
{
	uint32_t b = hoso_utf8_base_letter(c);

	if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9'))
		return (char)b;
	if (b == ':' || b == ';' || b == 0xff1a)
		return ':';
	if (b < 0x80)
		return 0;	/* punctuation and spaces do not count */
	/* Other letters (Greek, Cyrillic look-alikes) stay, as a character no label has. */
	return '~';
}

int
hoso_fields_key(const char *text, struct hoso_buf *key, struct hoso_err *err)
{
	size_t n = strlen(text), i = 0;
	uint32_t c;
	char k;
	int r = 0;

	hoso_buf_reset(key);
	while (i < n && r == 0) {
		i += (size_t)hoso_utf8_decode(text + i, n - i, &c);
		if ((k = key_char(c)) != 0)
			r = hoso_buf_addc(key, k, err);
	}
	if (r == 0 && key->data == NULL)
		r = hoso_buf_adds(key, "", err);
	return r;
}

/*
 * Errors allowed in a match of the key p of m characters: one in five for a
 * label ending in ':', one in six for other printed text (a heading, a
 * sentence), which is more like the words of a value.
 */
static int
tolerance(const char *p, size_t m)
{
	int k = m > 0 && p[m - 1] == ':' ? (int)((m + 2) / 5) : (int)(m / 6);

	return k < 1 ? 1 : k;
}

/*
 * Approximate matches of pattern p (m chars) in the key t (n chars), each
 * starting at a word (or paying for every character skipped into one), at
 * most k errors. Calls found() for each end position that is a local best.
 */
struct dp_hit {
	size_t start, end;
	int dist;
};

static int
search(const char *p, size_t m, const struct kchar *t, size_t n, int k, struct dp_hit **hits,
    size_t *n_hits, struct hoso_err *err)
{
	int *prev = NULL, *cur = NULL, *ps = NULL, *cs = NULL, *tmp;
	struct dp_hit *h;
	size_t i, j, cap = 0;
	int r = 0;

	*hits = NULL;
	*n_hits = 0;
	if (m == 0 || n == 0)
		return 0;
	if ((prev = malloc((n + 1) * sizeof(int))) == NULL ||
	    (cur = malloc((n + 1) * sizeof(int))) == NULL ||
	    (ps = malloc((n + 1) * sizeof(int))) == NULL ||
	    (cs = malloc((n + 1) * sizeof(int))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* Row 0: a match may start at a word for free, inside one at a cost. */
	prev[0] = 0;
	ps[0] = 0;
	for (j = 1; j <= n; j++) {
		if (j < n && t[j].word != t[j - 1].word) {
			prev[j] = 0;
			ps[j] = (int)j;
		} else {
			prev[j] = prev[j - 1] + 1;
			ps[j] = ps[j - 1];
		}
	}
	for (i = 1; i <= m; i++) {
		cur[0] = (int)i;
		cs[0] = 0;
		for (j = 1; j <= n; j++) {
			int sub = prev[j - 1] + (p[i - 1] != t[j - 1].c);
			int del = prev[j] + 1;	/* pattern char missing from the text */
			int ins = cur[j - 1] + 1;	/* extra text char */
			if (sub <= del && sub <= ins) {
				cur[j] = sub;
				cs[j] = ps[j - 1];
			} else if (del <= ins) {
				cur[j] = del;
				cs[j] = ps[j];
			} else {
				cur[j] = ins;
				cs[j] = cs[j - 1];
			}
		}
		tmp = prev; prev = cur; cur = tmp;
		tmp = ps; ps = cs; cs = tmp;
	}
	for (j = 1; j <= n; j++) {
		if (prev[j] > k)
			continue;
		/* A local best: no better end right after it with the same start. */
		if (j < n && prev[j + 1] < prev[j] && ps[j + 1] == ps[j])
			continue;
		if (*n_hits == cap) {
			cap = cap ? cap * 2 : 16;
			if ((h = realloc(*hits, cap * sizeof(*h))) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			*hits = h;
		}
		(*hits)[*n_hits].start = (size_t)ps[j];
		(*hits)[*n_hits].end = j;
		(*hits)[*n_hits].dist = prev[j];
		(*n_hits)++;
	}
out:
	free(prev);
	free(cur);
	free(ps);
	free(cs);
	if (r != 0) {
		free(*hits);
		*hits = NULL;
		*n_hits = 0;
	}
	return r;
}

/* The end of a match falls between words, or right after a ':' (a value glued to its label). */
static bool
clean_end(const struct kchar *t, size_t n, size_t j)
{
	return j == n || t[j].word != t[j - 1].word || t[j - 1].c == ':';
}

/* ---- rows ---- */

static void
rows_free(struct page *pg)
{
	size_t i;

	for (i = 0; i < pg->n_rows; i++) {
		free(pg->rows[i].words);
		free(pg->rows[i].key);
	}
	free(pg->rows);
	pg->rows = NULL;
	pg->n_rows = 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A word to sort by its left edge. */
struct word_x {
	int x0;
	size_t idx;
};

static int
cmp_word_x(const void *a, const void *b)
{
	const struct word_x *x = a, *y = b;

	if (x->x0 != y->x0)
		return x->x0 < y->x0 ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Baseline of line ln at x = 0 along slope. */
static double
line_base(const struct hoso_ocr_line *ln, double slope)
{
	return (ln->base_y0 + ln->base_y1) / 2.0 - slope * (ln->base_x0 + ln->base_x1) / 2.0;
}

static int
sort_words(const struct hoso_ocr_layout *l, struct row *rw, struct hoso_err *err)
{
	struct word_x *wx;
	size_t i;

	if (rw->n_words == 0)
		return 0;
	if ((wx = calloc(rw->n_words, sizeof(*wx))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (i = 0; i < rw->n_words; i++) {
		wx[i].idx = rw->words[i];
		wx[i].x0 = l->words[rw->words[i]].x0;
	}
	hoso_sort(wx, rw->n_words, sizeof(*wx), cmp_word_x);
	for (i = 0; i < rw->n_words; i++)
		rw->words[i] = wx[i].idx;
	free(wx);
	return 0;
}

static int
row_key(struct page *pg, struct row *rw, struct hoso_err *err)
{
	const struct hoso_ocr_layout *l = pg->l;
	size_t i, n = 0, cap = 0, off, len;
	struct kchar *nk;
	uint32_t c;
	char k;

	for (i = 0; i < rw->n_words; i++) {
		const char *s = l->words[rw->words[i]].text;
		len = strlen(s);
		for (off = 0; off < len;) {
			size_t at = off;
			off += (size_t)hoso_utf8_decode(s + off, len - off, &c);
			if ((k = key_char(c)) == 0)
				continue;
			if (n >= KEY_MAX)
				goto done;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				if ((nk = realloc(rw->key, cap * sizeof(*nk))) == NULL)
					return hoso_err_set(err, HOSO_EIO, _("out of memory"));
				rw->key = nk;
			}
			rw->key[n].c = k;
			rw->key[n].word = (unsigned)i;
			rw->key[n].off = (unsigned)at;
			rw->key[n].end = (unsigned)off;
			n++;
		}
	}
done:
	rw->n_key = n;
	return 0;
}

static int
build_rows(struct page *pg, struct hoso_err *err)
{
	const struct hoso_ocr_layout *l = pg->l;
	size_t *order = NULL, i, k, n_slopes = 0;
	double *slopes = NULL, *heights = NULL, *gaps = NULL, base;
	size_t *row_of = NULL;
	int r = 0;

	if (l->n_lines == 0)
		return 0;
	if ((slopes = calloc(l->n_lines, sizeof(*slopes))) == NULL ||
	    (heights = calloc(l->n_words + 1, sizeof(*heights))) == NULL ||
	    (order = calloc(l->n_lines, sizeof(*order))) == NULL ||
	    (row_of = calloc(l->n_lines, sizeof(*row_of))) == NULL ||
	    (pg->rows = calloc(l->n_lines, sizeof(*pg->rows))) == NULL ||
	    (gaps = calloc(l->n_lines, sizeof(*gaps))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* The page's slope: the median of long lines' baselines (short ones are noisy). */
	for (i = 0; i < l->n_lines; i++) {
		const struct hoso_ocr_line *ln = &l->lines[i];
		int dx = ln->base_x1 - ln->base_x0;
		if (dx > l->width / 8 && dx > 0)
			slopes[n_slopes++] = (double)(ln->base_y1 - ln->base_y0) / dx;
	}
	if (n_slopes > 0) {
		hoso_sort(slopes, n_slopes, sizeof(*slopes), cmp_double);
		pg->slope = slopes[n_slopes / 2];
	}
	for (i = 0; i < l->n_words; i++)
		heights[i] = l->words[i].y1 - l->words[i].y0;
	/* Lines left to right; each joins the row whose baseline it continues. */
	for (i = 0; i < l->n_lines; i++)
		order[i] = i;
	for (i = 1; i < l->n_lines; i++)
		for (k = i; k > 0 && l->lines[order[k - 1]].x0 > l->lines[order[k]].x0; k--) {
			size_t t = order[k];
			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	for (i = 0; i < l->n_lines; i++) {
		const struct hoso_ocr_line *ln = &l->lines[order[i]];
		int h = ln->y1 - ln->y0;
		struct row *best = NULL;
		double best_d = 0;
		if (ln->n_words == 0)
			continue;
		base = line_base(ln, pg->slope);
		for (k = 0; k < pg->n_rows; k++) {
			struct row *rw = &pg->rows[k];
			double d = fabs(rw->base - base);
			int hmin = h < rw->height ? h : rw->height;
			/* Beside it, not over it; baselines within half a line. */
			if (ln->x0 < rw->x1 - hmin || d > 0.5 * hmin)
				continue;
			if (best == NULL || d < best_d) {
				best = rw;
				best_d = d;
			}
		}
		if (best == NULL) {
			best = &pg->rows[pg->n_rows++];
			best->base = base;
			best->x0 = ln->x0;
			best->y0 = ln->y0;
			best->y1 = ln->y1;
			best->height = h;
		}
		best->x1 = ln->x1 > best->x1 ? ln->x1 : best->x1;
		best->y0 = ln->y0 < best->y0 ? ln->y0 : best->y0;
		best->y1 = ln->y1 > best->y1 ? ln->y1 : best->y1;
		row_of[order[i]] = (size_t)(best - pg->rows);
		{
			size_t *nw = realloc(best->words, (best->n_words + ln->n_words) *
			    sizeof(*nw));
			if (nw == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			best->words = nw;
			for (k = 0; k < ln->n_words; k++)
				best->words[best->n_words++] = ln->first_word + k;
		}
	}
	for (i = 0; i < pg->n_rows; i++) {
		struct row *rw = &pg->rows[i];
		size_t n = 0;
		if ((r = sort_words(l, rw, err)) != 0)
			goto out;
		for (k = 0; k < rw->n_words; k++)
			heights[n++] = l->words[rw->words[k]].y1 - l->words[rw->words[k]].y0;
		if (n > 0) {
			hoso_sort(heights, n, sizeof(*heights), cmp_double);
			rw->height = (int)heights[n / 2];
		}
		if ((r = row_key(pg, rw, err)) != 0)
			goto out;
	}
	hoso_sort(pg->rows, pg->n_rows, sizeof(*pg->rows), cmp_row);
	for (i = 1; i < pg->n_rows; i++)
		gaps[i - 1] = pg->rows[i].base - pg->rows[i - 1].base;
	if (pg->n_rows > 1) {
		hoso_sort(gaps, pg->n_rows - 1, sizeof(*gaps), cmp_double);
		pg->pitch = gaps[(pg->n_rows - 1) / 2];
	}
out:
	free(slopes);
	free(heights);
	free(order);
	free(row_of);
	free(gaps);
	return r;
}

/* ---- patterns and matches ---- */

static void
page_free(struct page *pg)
{
	size_t i;

	rows_free(pg);
	for (i = 0; i < pg->n_pats; i++)
		free(pg->pats[i].key);
	free(pg->pats);
	free(pg->matches);
	memset(pg, 0, sizeof(*pg));
}

/* Index of the pattern for text, added when new; keys equal but for a final ':' are one. */
static int
add_pattern(struct page *pg, const char *text, size_t *idx, struct hoso_err *err)
{
	struct hoso_buf key = HOSO_BUF_INIT(0);
	struct pattern *np;
	size_t i, m, mi;
	int r;

	if ((r = hoso_fields_key(text, &key, err)) != 0)
		goto out;
	m = key.len;
	while (m > 0 && key.data[m - 1] == ':')
		m--;
	for (i = 0; i < pg->n_pats; i++) {
		mi = pg->pats[i].m;
		while (mi > 0 && pg->pats[i].key[mi - 1] == ':')
			mi--;
		if (mi == m && memcmp(pg->pats[i].key, key.data, m) == 0) {
			if (key.len > pg->pats[i].m) {
				free(pg->pats[i].key);
				pg->pats[i].m = key.len;
				pg->pats[i].key = hoso_buf_detach(&key, NULL);
			}
			*idx = i;
			goto out;
		}
	}
	if ((np = realloc(pg->pats, (pg->n_pats + 1) * sizeof(*np))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	pg->pats = np;
	np[pg->n_pats].m = key.len;
	np[pg->n_pats].key = hoso_buf_detach(&key, NULL);
	*idx = pg->n_pats++;
out:
	hoso_buf_free(&key);
	return r;
}

static int
add_match(struct page *pg, const struct match *m, struct hoso_err *err)
{
	struct match *nm;

	if (pg->n_matches == pg->cap_matches) {
		size_t cap = pg->cap_matches ? pg->cap_matches * 2 : 64;
		if ((nm = realloc(pg->matches, cap * sizeof(*nm))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		pg->matches = nm;
		pg->cap_matches = cap;
	}
	pg->matches[pg->n_matches++] = *m;
	return 0;
}

/* How good a match is: long patterns matched with few errors win a contested place. */
static int
score(const struct page *pg, const struct match *m)
{
	return (int)pg->pats[m->pat].m - 3 * m->dist;
}

static int
cmp_match(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	if (x->ks != y->ks)
		return x->ks < y->ks ? -1 : 1;
	return x->pat < y->pat ? -1 : x->pat > y->pat;
}

/* Every pattern in every row; then overlapping matches leave the place to the best. */
static int
find_matches(struct page *pg, struct hoso_err *err)
{
	struct dp_hit *hits = NULL;
	size_t p, rw, h, n_hits, a, b;
	int r = 0;

	for (rw = 0; rw < pg->n_rows; rw++) {
		const struct row *row = &pg->rows[rw];
		for (p = 0; p < pg->n_pats; p++) {
			const struct pattern *pt = &pg->pats[p];
			size_t best = SIZE_MAX;
			int best_cost = 0;
			if ((r = search(pt->key, pt->m, row->key, row->n_key, tolerance(pt->key, pt->m), &hits,
			    &n_hits, err)) != 0)
				goto out;
			/* One hit per start: the fewest errors, ending cleanly if it can. */
			for (h = 0; h <= n_hits; h++) {
				int cost;
				if (h == n_hits || (best != SIZE_MAX && hits[h].start != hits[best].start)) {
					if (best != SIZE_MAX) {
						struct match m = { p, rw, hits[best].start,
						    hits[best].end, hits[best].dist, true };
						if ((r = add_match(pg, &m, err)) != 0)
							goto out;
					}
					best = SIZE_MAX;
					if (h == n_hits)
						break;
				}
				/*
				 * A label printed with its ':' and read without one takes one
				 * error less: "Năm sinh:" is not "Nam Định" in an address.
				 */
				if (pt->m > 0 && pt->key[pt->m - 1] == ':' &&
				    row->key[hits[h].end - 1].c != ':' &&
				    hits[h].dist > (tolerance(pt->key, pt->m) > 1 ? tolerance(pt->key, pt->m) - 1 : 1))
					continue;
				cost = 2 * hits[h].dist + !clean_end(row->key, row->n_key, hits[h].end);
				if (best == SIZE_MAX || cost < best_cost) {
					best = h;
					best_cost = cost;
				}
			}
			free(hits);
			hits = NULL;
		}
	}
	/*
	 * Contested places: the better match stays. A tie (two labels read equally
	 * far off) keeps both: which field it is is then the selectors' to say.
	 */
	for (a = 0; a < pg->n_matches; a++)
		for (b = 0; b < pg->n_matches; b++) {
			struct match *x = &pg->matches[a], *y = &pg->matches[b];
			int sx, sy;
			if (a == b || !x->alive || !y->alive || x->row != y->row ||
			    x->ke <= y->ks || y->ke <= x->ks)
				continue;
			sx = score(pg, x);
			sy = score(pg, y);
			if (sx > sy || (sx == sy && x->dist < y->dist))
				y->alive = false;
		}
	for (a = 0, b = 0; a < pg->n_matches; a++)
		if (pg->matches[a].alive)
			pg->matches[b++] = pg->matches[a];
	pg->n_matches = b;
	if (pg->n_matches > 1)
		hoso_sort(pg->matches, pg->n_matches, sizeof(*pg->matches), cmp_match);
out:
	free(hits);
	return r;
}

/* The first match of pattern p in reading order, or NULL. */
static const struct match *
first_of(const struct page *pg, size_t p)
{
	size_t i;

	for (i = 0; i < pg->n_matches; i++)
		if (pg->matches[i].pat == p)
			return &pg->matches[i];
	return NULL;
}

static bool
after(const struct match *m, const struct match *anchor)
{
	return m->row > anchor->row || (m->row == anchor->row && m->ks >= anchor->ke);
}

static bool
before(const struct match *m, const struct match *anchor)
{
	return m->row < anchor->row || (m->row == anchor->row && m->ke <= anchor->ks);
}

/* ---- values ---- */

/* Words [from, to) of a row, cut at byte offsets; joined by spaces. */
struct span {
	size_t row;
	unsigned w0, off0;	/* start: word, byte */
	unsigned w1, off1;	/* end (exclusive): word, byte; off1 0 = whole words up to w1 */
};

static bool
has_alnum(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t c, b;

	while (i < n) {
		i += (size_t)hoso_utf8_decode(s + i, n - i, &c);
		b = hoso_utf8_base_letter(c);
		if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80)
			return true;
	}
	return false;
}

/*
 * What follows a run of dots is words of the value, not dots read as letters:
 * one or more words, each a Vietnamese syllable with a mark or of three
 * letters or more (a comma after it allowed). "nhân dân xã Tam Dương" is;
 * "cc2EEtt", "oo", "ee" are not.
 */
static bool
has_mark(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

static bool
words_follow(const char *s, size_t n)
{
	size_t i = 0, w, k, words = 0;

	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		for (w = i; w < n && s[w] != ' '; w++)
			;
		k = w;
		while (k > i && strchr(",;", s[k - 1]) != NULL)
			k--;
		if (k - i < 2 || !hoso_validate_syllable(s + i, k - i) ||
		    (k - i < 3 && !has_mark(s + i, k - i)))
			return false;
		words++;
		i = w;
	}
	return words > 0;
}

/*
 * Leader dots: a run of three or more dots (or an ellipsis). Tesseract often
 * glues a value to the dots after it and reads the end of a long run as
 * letters ("0912345678......cc2EEtt"), so the value is the first stretch of
 * text between leader runs that holds a letter or digit, and what follows the
 * next run is dropped, unless it is words of the value after a short gap in
 * the writing ("Ủy ban…nhân dân", "xã Hợp Thịnh......huyện Tam Dương"): a run
 * of at most twelve dots followed by Vietnamese words is kept inside the
 * value, for the dot eraser to make a space. [*start, *end) is that stretch
 * of s[0..n).
 */
#define GAP_DOTS 12

static void
cut_leaders(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t i = 0, seg = 0, run_at = 0, next;
	int run = 0;

	*start = *end = 0;
	while (i <= n) {
		bool dot = false;
		size_t len = 1;
		if (i < n && s[i] == '.')
			dot = true;
		else if (i + 2 < n && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0xa6) {
			dot = true;
			len = 3;
		}
		if (dot) {
			if (run == 0)
				run_at = i;
			run += (int)len;
			i += len;
			continue;
		}
		if (run >= 3 && i < n && run <= GAP_DOTS && has_alnum(s + seg, run_at - seg)) {
			/* The text up to the next run of dots (or the end). */
			for (next = i; next < n && s[next] != '.' &&
			    !(next + 2 < n && (unsigned char)s[next] == 0xe2 &&
			    (unsigned char)s[next + 1] == 0x80 && (unsigned char)s[next + 2] == 0xa6);
			    next++)
				;
			if (words_follow(s + i, next - i)) {
				run = 0;
				continue;
			}
		}
		if (run >= 3 || i == n) {
			size_t seg_end = run >= 3 ? run_at : n;
			if (has_alnum(s + seg, seg_end - seg)) {
				*start = seg;
				*end = seg_end;
				return;
			}
			seg = i;
		}
		run = 0;
		if (i == n)
			break;
		i++;
	}
}

/* A piece of a value: part of one word, its confidence and box. */
struct piece {
	size_t at, end;		/* bytes in the joined text */
	double confidence;
	double low;		/* its least sure letter's confidence */
	int x0, x1;
};

/*
 * The value in text (pieces joined by spaces), leader dots and what Tesseract
 * made of them left out, appended to out (space-separated); the confidence
 * sum and count of the pieces that gave it, and its x extent.
 */
static int
pieces_value(const struct hoso_buf *text, const struct piece *pc, size_t n, struct hoso_buf *out,
    double *conf_sum, int *n_conf, int *bx0, int *bx1, bool *glued, double *low,
    struct hoso_err *err)
{
	size_t start, end, k;
	int r;

	if (text->len == 0)
		return 0;
	cut_leaders(text->data, text->len, &start, &end);
	while (start < end && text->data[start] == ' ')
		start++;
	while (end > start && text->data[end - 1] == ' ')
		end--;
	if (end <= start)
		return 0;
	if (out->len > 0 && (r = hoso_buf_addc(out, ' ', err)) != 0)
		return r;
	if ((r = hoso_buf_add(out, text->data + start, end - start, err)) != 0)
		return r;
	for (k = 0; k < n; k++) {
		size_t c0 = pc[k].at > start ? pc[k].at : start, c1 = pc[k].end < end ? pc[k].end : end;
		if (c1 <= c0 || !has_alnum(text->data + c0, c1 - c0))
			continue;
		/* A word cut at leader dots: its confidence is mostly the dots'. */
		if (c1 < pc[k].end && has_alnum(text->data + c1, pc[k].end - c1))
			*glued = true;
		/*
		 * Words of one row overlap only when two rows were taken for one (a
		 * bent or badly turned page): their order is a guess, trust none.
		 */
		if (k > 0 && pc[k].x0 < pc[k - 1].x1 - (pc[k - 1].x1 - pc[k - 1].x0) / 2)
			*conf_sum -= pc[k - 1].confidence;
		else
			*conf_sum += pc[k].confidence;
		(*n_conf)++;
		if (pc[k].low < *low)
			*low = pc[k].low;
		if (*bx0 < 0 || pc[k].x0 < *bx0)
			*bx0 = pc[k].x0;
		if (pc[k].x1 > *bx1)
			*bx1 = pc[k].x1;
	}
	return 0;
}

static int
add_piece(struct hoso_buf *text, struct piece **pc, size_t *n, const struct hoso_ocr_word *wd,
    size_t a, size_t b, struct hoso_err *err)
{
	struct piece *np;
	int r;

	if ((np = realloc(*pc, (*n + 1) * sizeof(*np))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	*pc = np;
	if (text->len > 0 && (r = hoso_buf_addc(text, ' ', err)) != 0)
		return r;
	np[*n].at = text->len;
	if ((r = hoso_buf_add(text, wd->text + a, b - a, err)) != 0)
		return r;
	np[*n].end = text->len;
	np[*n].confidence = wd->confidence;
	np[*n].low = wd->min_confidence;
	np[*n].x0 = wd->x0;
	np[*n].x1 = wd->x1;
	(*n)++;
	return 0;
}

/* The value in a span of a row (see pieces_value). */
static int
span_text(const struct page *pg, const struct span *sp, struct hoso_buf *out, double *conf_sum,
    int *n_conf, int *bx0, int *bx1, bool *glued, double *low, struct hoso_err *err)
{
	const struct row *rw = &pg->rows[sp->row];
	struct hoso_buf text = HOSO_BUF_INIT(0);
	struct piece *pc = NULL;
	size_t n = 0;
	unsigned w;
	int r = 0;

	for (w = sp->w0; w < rw->n_words && (w < sp->w1 || (w == sp->w1 && sp->off1 > 0)) && r == 0;
	    w++) {
		const struct hoso_ocr_word *wd = &pg->l->words[rw->words[w]];
		size_t len = strlen(wd->text), a = 0, b = len;
		if (w == sp->w0)
			a = sp->off0;
		if (w == sp->w1)
			b = sp->off1;
		if (a > len)
			a = len;
		if (b > len)
			b = len;
		if (b > a)
			r = add_piece(&text, &pc, &n, wd, a, b, err);
	}
	if (r == 0)
		r = pieces_value(&text, pc, n, out, conf_sum, n_conf, bx0, bx1, glued, low, err);
	free(pc);
	hoso_buf_free(&text);
	return r;
}

/* The value in the words of a zone read again, line after line. */
static int
zone_value(const struct hoso_ocr_layout *zl, struct hoso_buf *out, double *confidence,
    double *low, struct hoso_err *err)
{
	struct hoso_buf text = HOSO_BUF_INIT(0);
	struct piece *pc = NULL;
	double sum = 0;
	size_t n = 0, i, ln;
	int n_conf = 0, bx0 = -1, bx1 = -1, r = 0;
	bool glued = false;

	hoso_buf_reset(out);
	for (ln = 0; ln < zl->n_lines && r == 0; ln++) {
		hoso_buf_reset(&text);
		n = 0;
		for (i = 0; i < zl->lines[ln].n_words && r == 0; i++) {
			const struct hoso_ocr_word *wd = &zl->words[zl->lines[ln].first_word + i];
			r = add_piece(&text, &pc, &n, wd, 0, strlen(wd->text), err);
		}
		if (r == 0)
			r = pieces_value(&text, pc, n, out, &sum, &n_conf, &bx0, &bx1, &glued, low,
			    err);
	}
	*confidence = n_conf > 0 && sum > 0 ? sum / n_conf : 0;
	if (r == 0 && out->data == NULL)
		r = hoso_buf_adds(out, "", err);
	free(pc);
	hoso_buf_free(&text);
	return r;
}

/* A row that starts a numbered item ("11.", "2)") begins something new. */
static bool
numbered(const struct page *pg, const struct row *rw)
{
	const char *s;
	size_t i = 0;

	if (rw->n_words == 0)
		return false;
	s = pg->l->words[rw->words[0]].text;
	while (isdigit((unsigned char)s[i]) && i < 3)
		i++;
	return i > 0 && (s[i] == '.' || s[i] == ')') && s[i + 1] == '\0';
}

/* Does any match lie on the row? */
static bool
row_has_match(const struct page *pg, size_t row)
{
	size_t i;

	for (i = 0; i < pg->n_matches; i++)
		if (pg->matches[i].row == row)
			return true;
	return false;
}

/* The box to read again: [x0,x1) x [y0,y1) in page pixels. */
struct box {
	int x0, y0, x1, y1;
};

static void
box_add(struct box *b, int x0, int y0, int x1, int y1)
{
	if (b->x1 <= b->x0) {
		b->x0 = x0; b->y0 = y0; b->x1 = x1; b->y1 = y1;
		return;
	}
	b->x0 = x0 < b->x0 ? x0 : b->x0;
	b->y0 = y0 < b->y0 ? y0 : b->y0;
	b->x1 = x1 > b->x1 ? x1 : b->x1;
	b->y1 = y1 > b->y1 ? y1 : b->y1;
}

/* What one reading gave. */
struct reading {
	struct hoso_buf raw, value;
	double confidence;
	double low;		/* the least sure letter or digit of the value (100: none) */
	struct hoso_validate_result vr;
	bool have;
	bool glued;		/* a value word was glued to leader dots: its confidence says little */
};

static void
reading_free(struct reading *rd)
{
	hoso_buf_free(&rd->raw);
	hoso_buf_free(&rd->value);
}

/*
 * Strip what belongs to the label (':' '.' left over) and spaces from the
 * front of raw, and from its end specks read as marks: words of no letter or
 * digit ("_", "-", "'") and a ':' ';' ',' '|' glued to the last word.
 */
static void
trim_ends(struct hoso_buf *raw)
{
	size_t i = 0, end, w;

	if (raw->data == NULL)
		return;
	for (;;) {
		end = raw->len;
		while (end > 0 && strchr(" :;,|_", raw->data[end - 1]) != NULL)
			end--;
		w = end;
		while (w > 0 && raw->data[w - 1] != ' ')
			w--;
		/* A last word of marks only (but not leader dots, the validator's to drop). */
		if (w < end && !has_alnum(raw->data + w, end - w) &&
		    strspn(raw->data + w, ".") != end - w)
			end = w;
		if (end == raw->len)
			break;
		raw->len = end;
		raw->data[end] = '\0';
	}
	for (;;) {
		while (i < raw->len && strchr(" :;.,", raw->data[i]) != NULL)
			i++;
		w = i;
		while (w < raw->len && raw->data[w] != ' ')
			w++;
		if (w == i || has_alnum(raw->data + i, w - i) || strspn(raw->data + i, ".") >= w - i)
			break;
		i = w;
	}
	/* A run of leader dots at the front is the validator's to drop: keep "..". */
	if (i > 0 && i < raw->len && raw->data[i - 1] == '.' && i >= 2 && raw->data[i - 2] == '.')
		i -= 2;
	memmove(raw->data, raw->data + i, raw->len - i + 1);
	raw->len -= i;
}

/*
 * A value read off a dotted writing line keeps dots of it the leader
 * eraser could not take (they touched the letters): in a text or a name,
 * two dots or more are a gap between words, and one dot between a letter
 * and a small letter ("T.hôn") is no abbreviation's ("TP.HCM" keeps its).
 */
static int
drop_line_dots(struct hoso_buf *raw, struct hoso_err *err)
{
	struct hoso_buf out = HOSO_BUF_INIT(0);
	const char *s = hoso_buf_str(raw);
	size_t i = 0, n = raw->len, k;
	uint32_t prev = 0, c, next;
	int len, dl, r = 0;

	while (i < n && r == 0) {
		len = hoso_utf8_decode(s + i, n - i, &c);
		if (len <= 0)
			len = 1, c = (unsigned char)s[i];
		if (c == '.' || c == 0x2026) {
			/* the run of dots and ellipses from here */
			for (k = i; k < n; k += (size_t)dl)
				if ((dl = hoso_utf8_decode(s + k, n - k, &next)) <= 0 ||
				    (next != '.' && next != 0x2026))
					break;
			next = 0;
			if (k < n)
				(void)hoso_utf8_decode(s + k, n - k, &next);
			if (k - i >= 2 || c == 0x2026) {
				r = hoso_buf_addc(&out, ' ', err);
				i = k;
				prev = ' ';
				continue;
			}
			if (hoso_utf8_is_letter(prev) && hoso_utf8_is_lower(next)) {
				i = k;
				continue;
			}
		}
		r = hoso_buf_add(&out, s + i, (size_t)len, err);
		prev = c;
		i += (size_t)len;
	}
	if (r == 0) {
		hoso_buf_reset(raw);
		r = hoso_buf_add(raw, hoso_buf_str(&out), out.len, err);
	}
	hoso_buf_free(&out);
	return r;
}

/* Validate (and normalize) rd's raw reading; raw stays as recognized. */
static int
validate(const struct hoso_template_field *f, struct reading *rd, struct hoso_err *err)
{
	struct hoso_buf text = HOSO_BUF_INIT(0);
	int r;

	if ((r = hoso_buf_add(&text, hoso_buf_str(&rd->raw), rd->raw.len, err)) == 0 &&
	    (f->type != HOSO_VALIDATE_TEXT && f->type != HOSO_VALIDATE_NAME ?
	    0 : (r = drop_line_dots(&text, err))) == 0)
		r = hoso_validate_value(f->type, hoso_buf_str(&text),
		    (const char *const *)f->values, f->n_values, &rd->value, &rd->vr, err);
	hoso_buf_free(&text);
	return r;
}

/* ---- second reading of a zone ---- */

/* Bilinear scaling of the crop [box] of the grey page, white padding around it. */
static unsigned char *
crop_scale(const struct hoso_fields_image *img, const unsigned char *src, const struct box *b,
    double scale, int pad, int *ow, int *oh)
{
	int cw = b->x1 - b->x0, ch = b->y1 - b->y0, w, h, x, y;
	unsigned char *out;

	w = (int)(cw * scale) + 2 * pad;
	h = (int)(ch * scale) + 2 * pad;
	if (cw <= 0 || ch <= 0 || w <= 0 || h <= 0 || (size_t)w * (size_t)h > (size_t)64 << 20)
		return NULL;
	if ((out = malloc((size_t)w * (size_t)h)) == NULL)
		return NULL;
	memset(out, 255, (size_t)w * (size_t)h);
	for (y = 0; y < h - 2 * pad; y++) {
		double sy = (y + 0.5) / scale - 0.5 + b->y0;
		int y0 = (int)floor(sy), y1;
		double fy = sy - y0;
		if (y0 < 0) { y0 = 0; fy = 0; }
		y1 = y0 + 1 < img->height ? y0 + 1 : y0;
		if (y0 >= img->height)
			y0 = y1 = img->height - 1;
		for (x = 0; x < w - 2 * pad; x++) {
			double sx = (x + 0.5) / scale - 0.5 + b->x0;
			int x0 = (int)floor(sx), x1;
			double fx = sx - x0, v;
			if (x0 < 0) { x0 = 0; fx = 0; }
			x1 = x0 + 1 < img->width ? x0 + 1 : x0;
			if (x0 >= img->width)
				x0 = x1 = img->width - 1;
			v = (1 - fy) * ((1 - fx) * src[(size_t)y0 * img->width + x0] +
			    fx * src[(size_t)y0 * img->width + x1]) +
			    fy * ((1 - fx) * src[(size_t)y1 * img->width + x0] +
			    fx * src[(size_t)y1 * img->width + x1]);
			out[(size_t)(y + pad) * w + x + pad] = (unsigned char)(v + 0.5);
		}
	}
	*ow = w;
	*oh = h;
	return out;
}

static int
reread(const struct hoso_fields_image *img, const unsigned char *src, const struct box *b0,
    int line_height, enum hoso_ocr_zone_mode mode, enum hoso_ocr_zone_model model,
    struct reading *rd, struct hoso_err *err)
{
	struct box b = *b0;
	unsigned char *crop;
	double scale;
	int w, h, pad, r;

	if (b.x0 < 0) b.x0 = 0;
	if (b.y0 < 0) b.y0 = 0;
	if (b.x1 > img->width) b.x1 = img->width;
	if (b.y1 > img->height) b.y1 = img->height;
	if (b.x1 - b.x0 < 4 || b.y1 - b.y0 < 4)
		return 0;
	/* Small print is read better larger: aim at 60 px high text lines. */
	scale = line_height > 0 ? 60.0 / line_height : 1;
	scale = scale < 1 ? 1 : scale > 4 ? 4 : scale;
	pad = (int)(line_height * scale / 2) + 8;
	if ((crop = crop_scale(img, src, &b, scale, pad, &w, &h)) == NULL)
		return 0;	/* too large a zone to read again: keep the first reading */
	/* The page's grey copy is cleaned already (hoso_img_grey8_clean): no leader dots. */
	{
		struct hoso_ocr_layout zl;
		double conf;
		r = hoso_ocr_zone(img->eng, crop, w, h, (int)(img->dpi * scale), mode, model,
		    &rd->raw, &conf, &zl,
		    err);
		free(crop);
		if (r != 0)
			return r;
		r = zone_value(&zl, &rd->raw, &rd->confidence, &rd->low, err);
		hoso_ocr_layout_free(&zl);
	}
	if (r == 0)
		rd->have = true;
	return r;
}

/* ---- one field ---- */

static int
mm_px(double mm, int dpi)
{
	return (int)lround(mm * (dpi > 0 ? dpi : 300) / 25.4);
}

/* Words whose centres are in the box, in reading order. */
static int
zone_text(const struct page *pg, const struct box *z, struct reading *rd, struct box *got,
    struct hoso_err *err)
{
	double sum = 0;
	size_t i, k;
	int n = 0, r = 0;

	for (i = 0; i < pg->n_rows && r == 0; i++) {
		const struct row *rw = &pg->rows[i];
		for (k = 0; k < rw->n_words && r == 0; k++) {
			const struct hoso_ocr_word *w = &pg->l->words[rw->words[k]];
			int cx = (w->x0 + w->x1) / 2, cy = (w->y0 + w->y1) / 2;
			if (cx < z->x0 || cx >= z->x1 || cy < z->y0 || cy >= z->y1)
				continue;
			if (rd->raw.len > 0 && (r = hoso_buf_addc(&rd->raw, ' ', err)) != 0)
				break;
			r = hoso_buf_adds(&rd->raw, w->text, err);
			if (has_alnum(w->text, strlen(w->text))) {
				sum += w->confidence;
				n++;
				if (w->min_confidence < rd->low)
					rd->low = w->min_confidence;
			}
			box_add(got, w->x0, w->y0, w->x1, w->y1);
		}
	}
	rd->confidence = n > 0 ? sum / n : 0;
	return r;
}

struct field_pats {
	size_t *labels;
	size_t n_labels;
	size_t after, before;	/* SIZE_MAX: none */
};

/* The first reading of a field: the label's match, the value after it. */
/* Characters (code points) in the first n bytes of s. */
static size_t
chars_in(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c > 0 ? c : 1;
}

/*
 * Where a filling written by hand after the label on row ri may lie: from
 * x0 to x1 across, and up and down to halfway to the rows printed above and
 * below (writing rises over its line and dips under it); a block field's
 * over the lines below, up to the next row with a label, max-lines at most.
 */
static void
pen_region(const struct page *pg, const struct hoso_template_field *f, size_t ri, int x0,
    int x1, struct box *b)
{
	const struct row *rw = &pg->rows[ri], *nx;
	int h = rw->height > 0 ? rw->height : 30, pitch;
	size_t k;

	b->x0 = x0;
	b->x1 = x1;
	b->y0 = rw->y0 - h;
	if (ri > 0 && (pg->rows[ri - 1].y1 + rw->y0) / 2 > b->y0)
		b->y0 = (pg->rows[ri - 1].y1 + rw->y0) / 2;
	b->y1 = rw->y1 + h;
	pitch = pg->pitch > 0 ? (int)pg->pitch : 2 * h;
	if (f->block) {
		/* the lines a block takes: down to the next label, max-lines of them at most */
		b->y1 = rw->y1 + (f->max_lines - 1) * pitch + h / 2;
		x0 = pg->l->width / 20;
		b->x0 = b->x0 < x0 ? b->x0 : x0;
		for (k = ri + 1; k < pg->n_rows; k++)
			if (row_has_match(pg, k)) {
				nx = &pg->rows[k];
				if (nx->y0 - 1 < b->y1)
					b->y1 = nx->y0 - 1;
				break;
			}
		return;
	}
	if (ri + 1 < pg->n_rows && (rw->y1 + pg->rows[ri + 1].y0) / 2 < b->y1)
		b->y1 = (rw->y1 + pg->rows[ri + 1].y0) / 2;
}

static int
first_reading(const struct page *pg, const struct hoso_template_field *f,
    const struct field_pats *fp, struct reading *rd, struct box *zone, struct box *row_zone,
    struct box *pen_zone, int *line_height, char *why, size_t why_len, struct hoso_err *err)
{
	const struct match *lab = NULL, *aft = NULL, *bef = NULL, *m;
	struct span sp;
	double sum = 0;
	size_t i, k, seen = 0, rw_i;
	int n = 0, bx0 = -1, bx1 = -1, r = 0, lines;

	*line_height = 0;
	if (fp->after != SIZE_MAX && (aft = first_of(pg, fp->after)) == NULL)
		snprintf(why, why_len, "section start not found");
	if (fp->before != SIZE_MAX && (bef = first_of(pg, fp->before)) == NULL)
		snprintf(why, why_len, "section end not found");
	for (i = 0; i < pg->n_matches && lab == NULL; i++) {
		m = &pg->matches[i];
		for (k = 0; k < fp->n_labels; k++)
			if (m->pat == fp->labels[k])
				break;
		if (k == fp->n_labels || (aft != NULL && !after(m, aft)) ||
		    (bef != NULL && !before(m, bef)))
			continue;
		if (++seen == (size_t)f->occurrence)
			lab = m;
	}
	if (f->zone.set && !f->zone.from_label) {
		const struct hoso_ocr_layout *l = pg->l;
		struct box z = { (int)(f->zone.x * l->width), (int)(f->zone.y * l->height),
		    (int)((f->zone.x + f->zone.width) * l->width),
		    (int)((f->zone.y + f->zone.height) * l->height) };
		struct box got = { 0, 0, 0, 0 };
		*zone = *pen_zone = z;
		*line_height = pg->n_rows > 0 ? pg->rows[pg->n_rows / 2].height : 0;
		rd->have = true;
		return zone_text(pg, &z, rd, &got, err);
	}
	if (lab == NULL)
		return 0;
	rd->have = true;
	{
		const struct row *rw = &pg->rows[lab->row];
		const struct kchar *ke = &rw->key[lab->ke - 1];
		const struct hoso_ocr_word *lw = &pg->l->words[rw->words[ke->word]];
		int lab_x1 = lw->x1, lab_y0 = lw->y0;
		size_t wlen = strlen(lw->text);

		/*
		 * The label may end inside its word ("hệ:......" read as one word):
		 * its end is then where its characters end, in proportion.
		 */
		if (ke->end < wlen && wlen > 0)
			lab_x1 = lw->x0 + (int)((double)(lw->x1 - lw->x0) * chars_in(lw->text,
			    ke->end) / chars_in(lw->text, wlen));

		*line_height = rw->height;
		if (f->zone.set) {
			int dpi = pg->l->dpi;
			struct box z = { lab_x1 + mm_px(f->zone.x, dpi), lab_y0 + mm_px(f->zone.y, dpi),
			    lab_x1 + mm_px(f->zone.x + f->zone.width, dpi),
			    lab_y0 + mm_px(f->zone.y + f->zone.height, dpi) };
			struct box got = { 0, 0, 0, 0 };
			*zone = *pen_zone = z;
			return zone_text(pg, &z, rd, &got, err);
		}
		/* The rest of the row, up to the next printed text on it. */
		sp.row = lab->row;
		sp.w0 = ke->word;
		sp.off0 = ke->end;
		sp.w1 = (unsigned)rw->n_words;
		sp.off1 = 0;
		zone->x0 = lab_x1 + 2;
		zone->x1 = pg->l->width - pg->l->width / 40;
		for (i = 0; i < pg->n_matches; i++) {
			m = &pg->matches[i];
			if (m->row == lab->row && m->ks >= lab->ke) {
				const struct kchar *ks = &rw->key[m->ks];
				sp.w1 = ks->word;
				sp.off1 = ks->off;
				zone->x1 = pg->l->words[rw->words[ks->word]].x0 - 2;
				break;
			}
		}
		pen_region(pg, f, lab->row, zone->x0, zone->x1, pen_zone);
		if ((r = span_text(pg, &sp, &rd->raw, &sum, &n, &bx0, &bx1, &rd->glued, &rd->low,
			    err)) != 0)
			return r;
		/* The zone follows the row's slope across the value. */
		{
			double dy = pg->slope * (zone->x1 - zone->x0);
			int top = rw->y0, bot = rw->y1;
			if (lw->y0 < top) top = lw->y0;
			zone->y0 = top - rw->height / 3 + (dy < 0 ? (int)dy : 0);
			zone->y1 = bot + rw->height / 3 + (dy > 0 ? (int)dy : 0);
		}
		/* The value's own extent: the zone leaves out the leader dots after it. */
		if (bx1 > 0 && bx1 + rw->height < zone->x1)
			zone->x1 = bx1 + rw->height;
		*row_zone = *zone;	/* the label's row only */
		rw_i = lab->row;
		for (lines = 1; f->block && lines < f->max_lines; lines++) {
			const struct row *nx;
			double gap;
			int lead;
			if (++rw_i >= pg->n_rows)
				break;
			nx = &pg->rows[rw_i];
			gap = nx->base - pg->rows[rw_i - 1].base;
			lead = bx0 >= 0 ? bx0 : zone->x0;
			if (row_has_match(pg, rw_i) || numbered(pg, nx) ||
			    (pg->pitch > 0 && gap > 1.6 * pg->pitch) || nx->x0 > lead + rw->height)
				break;
			sp.row = rw_i;
			sp.w0 = 0;
			sp.off0 = 0;
			sp.w1 = (unsigned)nx->n_words;
			sp.off1 = 0;
			if ((r = span_text(pg, &sp, &rd->raw, &sum, &n, &bx0, &bx1, &rd->glued, &rd->low,
			    err)) != 0)
				return r;
			zone->x0 = nx->x0 < zone->x0 ? nx->x0 : zone->x0;
			zone->y1 = nx->y1 + nx->height / 3;
		}
	}
	rd->confidence = n > 0 && sum > 0 ? sum / n : 0;
	return 0;
}

/* The length of s's longest prefix of at most max bytes that ends between characters. */
static int
utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

/*
 * The same letters and digits, in order (spaces and punctuation aside)? With
 * prefix, b's may also be the first of a's (the first row of a block value).
 */
static bool
same_letters(const char *a, const char *b, bool prefix)
{
	size_t na = strlen(a), nb = strlen(b), i = 0, k = 0;
	uint32_t ca = 0, cb = 0;

	for (;;) {
		/* The next letter or digit of each: ASCII alphanumerics, or any letter past ASCII. */
		for (ca = 0; i < na; ) {
			i += (size_t)hoso_utf8_decode(a + i, na - i, &ca);
			if (ca >= 0xc0 || (ca < 0x80 && isalnum((int)ca)))
				break;
			ca = 0;
		}
		for (cb = 0; k < nb; ) {
			k += (size_t)hoso_utf8_decode(b + k, nb - k, &cb);
			if (cb >= 0xc0 || (cb < 0x80 && isalnum((int)cb)))
				break;
			cb = 0;
		}
		if (ca != cb)
			return prefix && cb == 0 && k >= nb;
		if (ca == 0)
			return true;
	}
}

/*
 * Pen ink in box b of the pen copy: enough dark pixels to be writing (a
 * stroke or two of a letter, not a speck); b is then tightened to the ink
 * and a margin of half a line.
 */
static bool
pen_ink(const struct hoso_fields_image *img, struct box *b, int line_height)
{
	int x, y, x0 = INT_MAX, y0 = INT_MAX, x1 = -1, y1 = -1, margin;
	long n = 0, need = 2L * (line_height > 10 ? line_height : 10);
	struct box c = *b;

	c.x0 = c.x0 < 0 ? 0 : c.x0;
	c.y0 = c.y0 < 0 ? 0 : c.y0;
	c.x1 = c.x1 > img->width ? img->width : c.x1;
	c.y1 = c.y1 > img->height ? img->height : c.y1;
	for (y = c.y0; y < c.y1; y++)
		for (x = c.x0; x < c.x1; x++)
			if (img->pen[(size_t)y * img->width + x] < 128) {
				n++;
				x0 = x < x0 ? x : x0;
				x1 = x > x1 ? x : x1;
				y0 = y < y0 ? y : y0;
				y1 = y > y1 ? y : y1;
			}
	if (n < need)
		return false;
	margin = line_height / 2 > 4 ? line_height / 2 : 4;
	b->x0 = x0 - margin > c.x0 ? x0 - margin : c.x0;
	b->y0 = y0 - margin > c.y0 ? y0 - margin : c.y0;
	b->x1 = x1 + 1 + margin < c.x1 ? x1 + 1 + margin : c.x1;
	b->y1 = y1 + 1 + margin < c.y1 ? y1 + 1 + margin : c.y1;
	return true;
}

/* How a handwritten value is read: a number made of digits only with a whitelist of digits. */
static enum hoso_ocr_zone_mode
pen_mode(const struct hoso_template_field *f)
{
	if (f->type == HOSO_VALIDATE_CCCD || f->type == HOSO_VALIDATE_PHONE ||
	    f->type == HOSO_VALIDATE_YEAR)
		return HOSO_OCR_ZONE_DIGITS;
	return f->block ? HOSO_OCR_ZONE_BLOCK : HOSO_OCR_ZONE_LINE;
}

/* The print's own reading of a field is a value, valid and confident. */
static bool
print_value_sure(const struct hoso_template_field *f, struct reading *a, struct hoso_err *err)
{
	struct reading t;
	bool sure;

	if (a->raw.len == 0)
		return false;
	memset(&t, 0, sizeof(t));
	if (hoso_buf_add(&t.raw, hoso_buf_str(&a->raw), a->raw.len, err) != 0)
		return false;
	trim_ends(&t.raw);
	sure = t.raw.len > 0 && validate(f, &t, err) == 0 && t.vr.ok &&
	    a->confidence >= f->min_confidence;
	reading_free(&t);
	return sure;
}

/*
 * A handwritten value made of digits (an identity number, a date, a year,
 * a phone) that the Latin model, trained apart from vie, reads the same,
 * and vie too when not held to digits: independent readings agree, and it
 * need not be flagged (two agreeing on a wrong 7 for a 4 were seen). When
 * they agree, *conf is the lowest confidence of the readings that have one
 * (0: none): Tesseract 5.3 reports 0 for every word read under a whitelist.
 * err is set only on failure of the engine.
 */
static bool
digits_agree(const struct hoso_template_field *f, const struct hoso_fields_image *img,
    const struct box *zone, int line_height, const struct reading *use, double *conf,
    struct hoso_err *err)
{
	struct reading l2;
	bool same = false;
	int k;

	*conf = 0;

	if ((f->type != HOSO_VALIDATE_CCCD && f->type != HOSO_VALIDATE_DATE &&
	    f->type != HOSO_VALIDATE_DATETIME && f->type != HOSO_VALIDATE_YEAR &&
	    f->type != HOSO_VALIDATE_PHONE) || !use->vr.ok || img == NULL || img->eng == NULL ||
	    !hoso_ocr_zone_model_loaded(img->eng, HOSO_OCR_ZONE_LATIN))
		return false;
	/* the Latin model, and vie again without the digits' whitelist: all three must agree */
	for (k = 0; k < 2; k++) {
		memset(&l2, 0, sizeof(l2));
		l2.low = 100;
		same = false;
		if (reread(img, img->pen, zone, line_height, k == 0 ? pen_mode(f) :
		    HOSO_OCR_ZONE_LINE, k == 0 ? HOSO_OCR_ZONE_LATIN : HOSO_OCR_ZONE_PAGE, &l2,
		    err) == 0 && l2.have) {
			trim_ends(&l2.raw);
			if (validate(f, &l2, err) == 0)
				same = l2.vr.ok && strcmp(hoso_buf_str(&l2.value),
				    hoso_buf_str(&use->value)) == 0;
			/* a reading under the whitelist says 0: it does not count */
			if (l2.confidence > 0 && (*conf <= 0 || l2.confidence < *conf))
				*conf = l2.confidence;
		}
		reading_free(&l2);
		if (!same)
			break;
	}
	return same;
}

/* A field's box, kept inside the page. */
static void
set_box(struct hoso_fields_value *v, const struct box *b, const struct hoso_ocr_layout *l)
{
	v->x0 = b->x0 < 0 ? 0 : b->x0 > l->width ? l->width : b->x0;
	v->y0 = b->y0 < 0 ? 0 : b->y0 > l->height ? l->height : b->y0;
	v->x1 = b->x1 < v->x0 ? v->x0 : b->x1 > l->width ? l->width : b->x1;
	v->y1 = b->y1 < v->y0 ? v->y0 : b->y1 > l->height ? l->height : b->y1;
}

/* How far under the field's min-confidence its least sure letter or digit may be. */
#define LOW_MARGIN 20.0

static int
read_field(const struct page *pg, const struct hoso_template_field *f,
    const struct field_pats *fp, const struct hoso_fields_image *img,
    struct hoso_fields_value *out, struct hoso_err *err)
{
	struct reading a, b, w;		/* the first reading, a second, the witness's */
	struct hoso_buf fa = HOSO_BUF_INIT(0), fw = HOSO_BUF_INIT(0);
	struct reading *use = &a;
	struct box zone = { 0, 0, 0, 0 }, row_zone = { 0, 0, 0, 0 }, pen_zone = { 0, 0, 0, 0 };
	const unsigned char *src = img != NULL ? img->grey : NULL;
	char why[120] = "";
	int line_height = 0, r;
	bool good_a, agree = false, latin, witness = false;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&w, 0, sizeof(w));
	a.low = b.low = w.low = 100;
	out->field = f;
	if ((r = first_reading(pg, f, fp, &a, &zone, &row_zone, &pen_zone, &line_height, why,
	    sizeof(why), err)) != 0)
		goto out;
	/*
	 * Filled in by hand: the value is the pen's ink in its region, read on
	 * the pen copy; unless the print has a sure, valid value there (typed
	 * onto the form, and specks or a border taken for pen).
	 */
	if (a.have && img != NULL && img->eng != NULL && img->pen != NULL &&
	    !print_value_sure(f, &a, err) && pen_ink(img, &pen_zone, line_height)) {
		reading_free(&a);
		memset(&a, 0, sizeof(a));
		a.low = 100;
		if ((r = reread(img, img->pen, &pen_zone, line_height, pen_mode(f),
		    HOSO_OCR_ZONE_PAGE, &a, err)) != 0)
			goto out;
		a.have = true;
		zone = row_zone = pen_zone;
		src = img->pen;
		out->handwritten = true;
	}
	/* the region searched, or the page when the label was not found */
	if (a.have && zone.x1 > zone.x0 && zone.y1 > zone.y0)
		set_box(out, &zone, pg->l);
	else
		set_box(out, &(struct box){ 0, 0, pg->l->width, pg->l->height }, pg->l);
	if (!a.have) {
		out->found = false;
		out->review = true;
		snprintf(out->reason, sizeof(out->reason), "label not found");
		goto out;
	}
	trim_ends(&a.raw);
	if ((r = validate(f, &a, err)) != 0)
		goto out;
	good_a = a.vr.ok && a.confidence >= f->min_confidence;
	/*
	 * An e-mail address is ASCII: it is always read a second time, with the
	 * English model, a witness that does not share the Vietnamese model's
	 * mistakes ("@" as "(@", ".vn" as ".vii"). When both models read the
	 * same valid address, their confidences (low on addresses) do not
	 * send it to review; when they differ, it goes to review.
	 */
	latin = f->type == HOSO_VALIDATE_EMAIL;
	/* A doubtful value is read again from the image, larger and as one line. */
	if ((!good_a || latin) && !out->handwritten && img != NULL && img->eng != NULL &&
	    zone.x1 > zone.x0) {
		if ((r = reread(img, src, &zone, line_height, f->block ? HOSO_OCR_ZONE_BLOCK :
		    HOSO_OCR_ZONE_LINE, latin ? HOSO_OCR_ZONE_LATIN :
		    HOSO_OCR_ZONE_PAGE, &b, err)) != 0)
			goto out;
		if (b.have) {
			trim_ends(&b.raw);
			if ((r = validate(f, &b, err)) != 0)
				goto out;
			agree = a.vr.ok && b.vr.ok && strcmp(hoso_buf_str(&a.value),
			    hoso_buf_str(&b.value)) == 0;
			/*
			 * One engine reading the same pixels twice is not two witnesses: when
			 * the readings agree, their confidences are averaged, and the first
			 * only counts when its words were not glued to leader dots.
			 */
			if (agree) {
				a.confidence = a.glued ? b.confidence : (a.confidence + b.confidence) / 2;
			} else if (b.vr.ok && (!a.vr.ok || b.confidence > a.confidence)) {
				use = &b;
				out->reread = true;
			}
		}
	}
	/*
	 * A sure Vietnamese value is read once more by the script model, trained
	 * apart from vie: a confident misread of one tone mark (Kỵ read as Ky,
	 * Nhứt as Nhút) hides in a high mean confidence, and the other model
	 * often reads that letter otherwise. When the letters differ, a person
	 * looks; the reason names the other reading.
	 */
	if (use == &a && good_a && !out->handwritten && (f->type == HOSO_VALIDATE_TEXT ||
	    f->type == HOSO_VALIDATE_NAME) && img != NULL && img->eng != NULL &&
	    zone.x1 > zone.x0 && hoso_ocr_zone_model_loaded(img->eng, HOSO_OCR_ZONE_SCRIPT)) {
		/* A block value's zone takes in its label too: the witness reads its first row. */
		const struct box *wz = f->block ? &row_zone : &zone;
		if (wz->x1 > wz->x0 && (r = reread(img, src, wz, line_height, HOSO_OCR_ZONE_LINE,
		    HOSO_OCR_ZONE_SCRIPT, &w, err)) != 0)
			goto out;
		if (w.have) {
			trim_ends(&w.raw);
			if ((r = validate(f, &w, err)) != 0)
				goto out;
			/* Case aside: "Vợ" and "vợ" are one reading. */
			if ((r = hoso_utf8_casefold(a.value.data ? a.value.data : "", a.value.len,
			    &fa, err)) != 0 || (r = hoso_utf8_casefold(w.value.data ? w.value.data :
			    "", w.value.len, &fw, err)) != 0)
				goto out;
			witness = !same_letters(hoso_buf_str(&fa), hoso_buf_str(&fw), f->block);
		}
	}
	out->found = use->raw.len > 0;
	out->confidence = use->confidence;
	if (!out->found) {
		out->review = true;
		snprintf(out->reason, sizeof(out->reason), "no value after the label");
	} else if (!use->vr.ok) {
		out->review = true;
		snprintf(out->reason, sizeof(out->reason), "%s", use->vr.reason[0] ? use->vr.reason :
		    "not valid");
	} else if (out->handwritten) {
		/*
		 * Handwriting is read less surely than print, and Tesseract's
		 * confidence does not tell: a person looks, unless the value is
		 * digits that a second, independent model reads the same.
		 */
		double c2;

		if (digits_agree(f, img, &zone, line_height, use, &c2, err)) {
			if (use->confidence <= 0)
				out->confidence = c2;
		} else {
			if (err->code != 0) {
				r = err->code;
				goto out;
			}
			out->review = true;
			snprintf(out->reason, sizeof(out->reason), "handwritten");
		}
	} else if (use->confidence < f->min_confidence && !(latin && agree)) {
		out->review = true;
		snprintf(out->reason, sizeof(out->reason), "confidence %.0f below %.0f",
		    use->confidence, f->min_confidence);
	} else if (use->low < f->min_confidence - LOW_MARGIN && !(latin && agree)) {
		/* One doubtful letter (Kỵ read as Ky) hides in the mean of a long value. */
		out->review = true;
		snprintf(out->reason, sizeof(out->reason), "a letter read with confidence %.0f "
		    "below %.0f", use->low, f->min_confidence - LOW_MARGIN);
	} else if (witness) {
		out->review = true;
		snprintf(out->reason, sizeof(out->reason), "a second model reads '%.*s'",
		    utf8_prefix(hoso_buf_str(&w.value), 150), hoso_buf_str(&w.value));
	} else if (b.have && a.vr.ok && b.vr.ok && !agree) {
		/* Two readings that both validate but differ: a person decides. */
		out->review = true;
		snprintf(out->reason, sizeof(out->reason), "two readings differ");
	} else if (why[0] != '\0') {
		out->review = true;
		snprintf(out->reason, sizeof(out->reason), "%s", why);
	} else if (use->vr.corrected) {
		snprintf(out->reason, sizeof(out->reason), "%s", use->vr.reason);
	}
	if ((out->value = strdup(hoso_buf_str(&use->value))) == NULL ||
	    (out->raw = strdup(hoso_buf_str(&use->raw))) == NULL)
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
out:
	if (r == 0 && out->value == NULL &&
	    ((out->value = strdup("")) == NULL || (out->raw = strdup("")) == NULL))
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
	reading_free(&a);
	reading_free(&b);
	reading_free(&w);
	hoso_buf_free(&fa);
	hoso_buf_free(&fw);
	return r;
}

/* ---- the page ---- */

static int
page_init(struct page *pg, const struct hoso_template *t, const struct hoso_ocr_layout *l,
    struct field_pats *fps, struct hoso_err *err)
{
	size_t i, k, idx;
	int r;

	memset(pg, 0, sizeof(*pg));
	pg->l = l;
	if ((r = build_rows(pg, err)) != 0)
		return r;
	for (i = 0; i < t->n_fields; i++) {
		const struct hoso_template_field *f = &t->fields[i];
		struct field_pats *fp = fps != NULL ? &fps[i] : NULL;
		if (fp != NULL) {
			fp->after = fp->before = SIZE_MAX;
			if ((fp->labels = calloc(f->n_labels + 1, sizeof(*fp->labels))) == NULL)
				return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		}
		for (k = 0; k < f->n_labels; k++) {
			if ((r = add_pattern(pg, f->labels[k], &idx, err)) != 0)
				return r;
			if (fp != NULL)
				fp->labels[fp->n_labels++] = idx;
		}
		if (f->after != NULL && (r = add_pattern(pg, f->after, &idx, err)) != 0)
			return r;
		if (f->after != NULL && fp != NULL)
			fp->after = idx;
		if (f->before != NULL && (r = add_pattern(pg, f->before, &idx, err)) != 0)
			return r;
		if (f->before != NULL && fp != NULL)
			fp->before = idx;
	}
	for (i = 0; i < t->n_stops; i++)
		if ((r = add_pattern(pg, t->stops[i], &idx, err)) != 0)
			return r;
	for (i = 0; i < t->n_titles; i++)
		if ((r = add_pattern(pg, t->titles[i], &idx, err)) != 0)
			return r;
	return find_matches(pg, err);
}

static void
fps_free(struct field_pats *fps, size_t n)
{
	size_t i;

	if (fps == NULL)
		return;
	for (i = 0; i < n; i++)
		free(fps[i].labels);
	free(fps);
}

void
hoso_fields_page_free(struct hoso_fields_page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_values; i++) {
		free(p->values[i].value);
		free(p->values[i].raw);
	}
	free(p->values);
	free(p->source);
	memset(p, 0, sizeof(*p));
}

int
hoso_fields_extract(const struct hoso_template *t, const struct hoso_ocr_layout *l,
    const struct hoso_fields_image *img, struct hoso_fields_page *out, struct hoso_err *err)
{
	struct field_pats *fps = NULL;
	struct page pg;
	size_t i;
	int r;

	memset(out, 0, sizeof(*out));
	out->tpl = t;
	memset(&pg, 0, sizeof(pg));
	if ((fps = calloc(t->n_fields, sizeof(*fps))) == NULL ||
	    (out->values = calloc(t->n_fields, sizeof(*out->values))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	out->n_values = t->n_fields;
	if ((r = page_init(&pg, t, l, fps, err)) != 0)
		goto out;
	for (i = 0; i < t->n_fields; i++)
		if ((r = read_field(&pg, &t->fields[i], &fps[i], img, &out->values[i], err)) != 0)
			goto out;
out:
	page_free(&pg);
	fps_free(fps, t->n_fields);
	if (r != 0)
		hoso_fields_page_free(out);
	return r;
}

/*
 * How well the page carries tpl: its title's best match (0..1, less when the
 * row holds more than the title), and the share of its fields' labels found.
 */
static int
page_score(const struct hoso_template *t, const struct hoso_ocr_layout *l, double *title,
    double *labels, struct hoso_err *err)
{
	struct field_pats *fps = NULL;
	struct page pg;
	size_t i, k, idx, found = 0;
	int r;

	*title = *labels = 0;
	memset(&pg, 0, sizeof(pg));
	if ((fps = calloc(t->n_fields, sizeof(*fps))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = page_init(&pg, t, l, fps, err)) != 0)
		goto out;
	for (i = 0; i < t->n_titles; i++) {
		if ((r = add_pattern(&pg, t->titles[i], &idx, err)) != 0)
			goto out;
		for (k = 0; k < pg.n_matches; k++) {
			const struct match *m = &pg.matches[k];
			/* A title stands alone on its row: the same words inside a sentence are not it. */
			double cover = (double)(m->ke - m->ks) / (double)pg.rows[m->row].n_key;
			double s = (1.0 - (double)m->dist / (double)pg.pats[idx].m) * cover;
			if (m->pat == idx && s > *title)
				*title = s;
		}
	}
	for (i = 0; i < t->n_fields; i++)
		for (k = 0; k < fps[i].n_labels; k++)
			if (first_of(&pg, fps[i].labels[k]) != NULL) {
				found++;
				break;
			}
	*labels = t->n_fields ? (double)found / (double)t->n_fields : 0;
out:
	page_free(&pg);
	fps_free(fps, t->n_fields);
	return r;
}

const struct hoso_template *
hoso_fields_detect(const struct hoso_template_set *set, const struct hoso_template *only,
    const struct hoso_ocr_layout *l)
{
	const struct hoso_template *best = NULL;
	double best_title = 0, title, labels;
	struct hoso_err err;
	size_t i;

	if (only != NULL) {
		if (page_score(only, l, &title, &labels, &err) != 0)
			return NULL;
		return title > 0 || labels >= 1.0 / 3 ? only : NULL;
	}
	for (i = 0; set != NULL && i < set->n; i++) {
		if (page_score(set->templates[i], l, &title, &labels, &err) != 0)
			return NULL;
		if (title > best_title) {
			best_title = title;
			best = set->templates[i];
		}
	}
	return best;
}

int
hoso_fields_match(const char *label, const char *text, struct hoso_err *err)
{
	struct hoso_buf pk = HOSO_BUF_INIT(0), tk = HOSO_BUF_INIT(0);
	struct kchar *t = NULL;
	struct dp_hit *hits = NULL;
	size_t i, n = 0, n_hits = 0, len = strlen(text), off = 0;
	unsigned word = 0;
	uint32_t c;
	int best = NO_MATCH, r;
	char k;
	bool in_word = false;

	if ((r = hoso_fields_key(label, &pk, err)) != 0)
		goto out;
	if ((t = calloc(len + 1, sizeof(*t))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* Words are what spaces separate, as Tesseract gives them. */
	while (off < len) {
		size_t at = off;
		off += (size_t)hoso_utf8_decode(text + off, len - off, &c);
		if (c == ' ') {
			if (in_word)
				word++;
			in_word = false;
			continue;
		}
		in_word = true;
		if ((k = key_char(c)) == 0)
			continue;
		t[n].c = k;
		t[n].word = word;
		t[n].off = (unsigned)at;
		t[n].end = (unsigned)off;
		n++;
	}
	if ((r = search(pk.data, pk.len, t, n, tolerance(pk.data, pk.len), &hits, &n_hits, err)) != 0)
		goto out;
	for (i = 0; i < n_hits; i++)
		if (best == NO_MATCH || hits[i].dist < best)
			best = hits[i].dist;
	r = best;
out:
	free(hits);
	free(t);
	hoso_buf_free(&pk);
	hoso_buf_free(&tk);
	return r;
}

/* ---- the document ---- */

int
hoso_fields_xml(const struct hoso_fields_page *pages, size_t n, struct hoso_buf *out,
    struct hoso_err *err)
{
	struct hoso_xmlw *w = NULL;
	size_t i, k;
	int r;

	if ((r = hoso_xmlw_new(&w, err)) != 0)
		return r;
	if ((r = hoso_xmlw_start(w, "fields", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "version", "1", err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		const struct hoso_fields_page *p = &pages[i];
		if ((r = hoso_xmlw_start(w, "form", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "name", p->tpl->name, err)) != 0 ||
		    (r = hoso_xmlw_attrf(w, err, "page", "%d", p->page)) != 0 ||
		    (p->source != NULL && (r = hoso_xmlw_attr(w, "source", p->source, err)) != 0))
			goto out;
		for (k = 0; k < p->n_values; k++) {
			const struct hoso_fields_value *v = &p->values[k];
			if ((r = hoso_xmlw_start(w, "field", err)) != 0 ||
			    (r = hoso_xmlw_attr(w, "name", v->field->name, err)) != 0 ||
			    (r = hoso_xmlw_attr(w, "type", hoso_validate_type_name(v->field->type),
			    err)) != 0 ||
			    (r = hoso_xmlw_attrf(w, err, "confidence", "%.1f", v->confidence)) != 0 ||
			    (r = hoso_xmlw_attr(w, "review", v->review ? "true" : "false", err)) != 0 ||
			    (r = hoso_xmlw_attr(w, "raw", v->raw ? v->raw : "", err)) != 0 ||
			    (v->reason[0] != '\0' &&
			    (r = hoso_xmlw_attr(w, "reason", v->reason, err)) != 0) ||
			    (r = hoso_xmlw_attrf(w, err, "bbox", "%d %d %d %d", v->x0, v->y0, v->x1,
			    v->y1)) != 0 ||
			    (v->value != NULL && v->value[0] != '\0' &&
			    (r = hoso_xmlw_text(w, v->value, err)) != 0) ||
			    (r = hoso_xmlw_end(w, err)) != 0)
				goto out;
		}
		if ((r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	r = hoso_xmlw_finish(w, out, err);
out:
	hoso_xmlw_free(w);
	return r;
}
