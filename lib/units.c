/*
 * units.c - the units file (specs/register-csv.md, "Units file"): units as (code,
 * validity) pairs, parents and successors resolved to indices once at load, the
 * lookup of the unit valid on a date, and the --as-of re-attribution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "date.h"
#include "i18n.h"
#include "register.h"
#include "units.h"
#include "utf8.h"

#define OPEN_FROM INT32_MIN
#define OPEN_TO INT32_MAX

/*
 * A stretch of a unit's validity over which its whole chain of ancestors stays
 * the same: a commune under a province whose code was reused for a new unit
 * in July has two, and a row rolls up along the one that holds its date.
 */
struct span {
	int32_t from, to;
	uint32_t parent;	/* unit index, HOSO_UNIT_NONE at the top */
	uint32_t pspan;		/* the parent's span (an index among the parent's own) */
};

struct hoso_units {
	struct hoso_unit *v;
	size_t n, cap;
	struct span *spans;	/* unit i's are spans[first_span[i]..+n_spans[i]) */
	uint32_t *first_span, *n_spans;
	size_t n_span_total, cap_spans;
	char **parent_code, **succ_code;	/* while loading */
	uint32_t *slots;	/* open addressing on the code: index + 1 of the first unit */
	uint32_t *next_same;	/* the other units with the same code */
	size_t n_slots;
	bool from_file;
	char *label;
};

static uint32_t
hash_code(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

size_t
hoso_units_count(const struct hoso_units *u)
{
	return u->n;
}

const struct hoso_unit *
hoso_units_get(const struct hoso_units *u, uint32_t idx)
{
	return idx < u->n ? &u->v[idx] : NULL;
}

bool
hoso_units_from_file(const struct hoso_units *u)
{
	return u->from_file;
}

const char *
hoso_units_level_name(int level)
{
	switch (level) {
	case HOSO_LEVEL_TINH:
		return "tinh";
	case HOSO_LEVEL_HUYEN:
		return "huyen";
	case HOSO_LEVEL_XA:
		return "xa";
	default:
		return "";
	}
}

int
hoso_units_new(struct hoso_units **up, struct hoso_err *err)
{
	if ((*up = calloc(1, sizeof(**up))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	return 0;
}

void
hoso_units_free(struct hoso_units *u)
{
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < u->n; i++) {
		free(u->v[i].code);
		free(u->v[i].name);
		if (u->parent_code != NULL)
			free(u->parent_code[i]);
		if (u->succ_code != NULL)
			free(u->succ_code[i]);
	}
	free(u->parent_code);
	free(u->succ_code);
	free(u->spans);
	free(u->first_span);
	free(u->n_spans);
	free(u->v);
	free(u->slots);
	free(u->next_same);
	free(u->label);
	free(u);
}

/* First unit with this code (any validity), or NONE. */
static uint32_t
first_with_code(const struct hoso_units *u, const char *code)
{
	size_t i;

	if (u->n_slots == 0)
		return HOSO_UNIT_NONE;
	for (i = hash_code(code) & (u->n_slots - 1); u->slots[i] != 0; i = (i + 1) & (u->n_slots - 1))
		if (strcmp(u->v[u->slots[i] - 1].code, code) == 0)
			return u->slots[i] - 1;
	return HOSO_UNIT_NONE;
}

/* Rebuild the code index (the table is small: a country has some 15 000 units over time). */
static int
index_codes(struct hoso_units *u, struct hoso_err *err)
{
	size_t n_slots = 16, i, k;
	uint32_t *slots, *next;

	/* hoso_units_adhoc adds codes until n * 2 > n_slots: next_same holds n_slots / 2. */
	while (n_slots < u->n * 2)
		n_slots *= 2;
	if ((slots = calloc(n_slots, sizeof(*slots))) == NULL ||
	    (next = malloc(n_slots / 2 * sizeof(*next))) == NULL) {
		free(slots);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	free(u->slots);
	free(u->next_same);
	u->slots = slots;
	u->next_same = next;
	u->n_slots = n_slots;
	for (i = u->n; i-- > 0;) {
		u->next_same[i] = HOSO_UNIT_NONE;
		for (k = hash_code(u->v[i].code) & (n_slots - 1); slots[k] != 0; k = (k + 1) & (n_slots - 1))
			if (strcmp(u->v[slots[k] - 1].code, u->v[i].code) == 0)
				break;
		if (slots[k] != 0)
			u->next_same[i] = slots[k] - 1;
		slots[k] = (uint32_t)i + 1;
	}
	return 0;
}

bool
hoso_units_find(const struct hoso_units *u, const char *code, int32_t day, uint32_t *idx)
{
	uint32_t i;

	for (i = first_with_code(u, code); i != HOSO_UNIT_NONE; i = u->next_same[i]) {
		if (u->v[i].from <= day && day <= u->v[i].to) {
			*idx = i;
			return true;
		}
	}
	return false;
}

static int
grow(struct hoso_units *u, struct hoso_err *err)
{
	struct hoso_unit *nv;
	char **np, **ns;
	size_t cap;

	if (u->n < u->cap)
		return 0;
	cap = u->cap ? u->cap * 2 : 64;
	/* Indices are 16 bits in the compact dossier records of kpi.c. */
	if (u->n >= 65535)
		return hoso_err_set(err, HOSO_EINPUT, _("more than 65535 units"));
	if ((nv = realloc(u->v, cap * sizeof(*nv))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	u->v = nv;
	if (u->from_file) {
		if ((np = realloc(u->parent_code, cap * sizeof(*np))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		u->parent_code = np;
		if ((ns = realloc(u->succ_code, cap * sizeof(*ns))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		u->succ_code = ns;
	}
	u->cap = cap;
	return 0;
}

int
hoso_units_adhoc(struct hoso_units *u, const char *code, uint32_t *idx, struct hoso_err *err)
{
	struct hoso_unit *x;
	uint32_t i;
	int r;

	if ((i = first_with_code(u, code)) != HOSO_UNIT_NONE) {
		*idx = i;
		return 0;
	}
	if (hoso_utf8_has_control(code))
		return 1;	/* never made: every row with it is refused */
	if ((r = grow(u, err)) != 0)
		return r;
	x = &u->v[u->n];
	memset(x, 0, sizeof(*x));
	x->from = OPEN_FROM;
	x->to = OPEN_TO;
	x->parent = x->successor = HOSO_UNIT_NONE;
	if ((x->code = strdup(code)) == NULL || (x->name = strdup("")) == NULL) {
		free(x->code);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	u->n++;
	/* Rebuilding at powers of two keeps the cost linear overall. */
	if (u->n * 2 > u->n_slots) {
		if ((r = index_codes(u, err)) != 0)
			return r;
	} else {
		size_t k;

		for (k = hash_code(code) & (u->n_slots - 1); u->slots[k] != 0; k = (k + 1) & (u->n_slots - 1))
			;
		u->slots[k] = (uint32_t)u->n;
		u->next_same[u->n - 1] = HOSO_UNIT_NONE;
	}
	*idx = (uint32_t)(u->n - 1);
	return 0;
}

static int
dup_cell(char **dst, const char *s, struct hoso_err *err)
{
	if ((*dst = strdup(s)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	return 0;
}

static int
load_date(const char *label, long line, const char *col, const char *s, size_t n, int32_t open,
    int32_t *day, struct hoso_err *err)
{
	if (n == 0) {
		*day = open;
		return 0;
	}
	if (!hoso_register_parse_date(s, n, day))
		return hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: %s: not a date: '%s'"), label, line,
		    col, s);
	return 0;
}

static int
parse_level(const char *s)
{
	if (strcmp(s, "tinh") == 0)
		return HOSO_LEVEL_TINH;
	if (strcmp(s, "huyen") == 0)
		return HOSO_LEVEL_HUYEN;
	if (strcmp(s, "xa") == 0)
		return HOSO_LEVEL_XA;
	return -1;
}

enum { U_CODE, U_NAME, U_LEVEL, U_PARENT, U_FROM, U_TO, U_SUCC, U_MAX };

static int
read_rows(struct hoso_units *u, struct hoso_register_csv *csv, struct hoso_err *err)
{
	static const char *const names[U_MAX] = {
		"code", "name", "level", "parent", "valid_from", "valid_to", "successor",
	};
	size_t col[U_MAX], *lens, n, i, k, bad, len[U_MAX];
	char **cells, *v[U_MAX];
	struct hoso_buf nfc = HOSO_BUF_INIT(4096);
	struct hoso_unit *x;
	long line;
	int r;

	for (k = 0; k < U_MAX; k++)
		col[k] = SIZE_MAX;
	if ((r = hoso_register_csv_next(csv, &cells, &lens, &n, &line, &bad, err)) <= 0) {
		if (r == 0)
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: empty file, no header line"), u->label);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *s = cells[i];
		size_t l = lens[i];

		hoso_register_csv_trim(&s, &l);
		for (k = 0; k < U_MAX; k++)
			if (strcasecmp(s, names[k]) == 0)
				col[k] = i;
	}
	for (k = 0; k < U_SUCC; k++) {
		if (k != U_FROM && k != U_TO && col[k] == SIZE_MAX) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: the header has no column '%s' "
			    "(a units file has code,name,level,parent,valid_from,valid_to,successor)"),
			    u->label, names[k]);
			goto out;
		}
	}
	while ((r = hoso_register_csv_next(csv, &cells, &lens, &n, &line, &bad, err)) > 0) {
		for (k = 0; k < U_MAX; k++) {
			v[k] = (char *)"";
			len[k] = 0;
			if (col[k] < n) {
				v[k] = cells[col[k]];
				len[k] = lens[col[k]];
				if (!hoso_utf8_valid(v[k], len[k]) || strlen(v[k]) != len[k]) {
					r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: %s: not valid UTF-8"),
					    u->label, line, names[k]);
					goto out;
				}
				hoso_register_csv_trim(&v[k], &len[k]);
			}
		}
		if (bad != SIZE_MAX) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s:%ld: text after the closing quote (RFC 4180)"), u->label, line);
			goto out;
		}
		if ((r = grow(u, err)) != 0)
			goto out;
		x = &u->v[u->n];
		memset(x, 0, sizeof(*x));
		u->parent_code[u->n] = u->succ_code[u->n] = NULL;
		x->line = line;
		x->parent = x->successor = HOSO_UNIT_NONE;
		u->n++;
		if (len[U_CODE] == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: code: empty"), u->label, line);
			goto out;
		}
		if (hoso_utf8_has_control(v[U_CODE]) || hoso_utf8_has_control(v[U_NAME])) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: %s: contains a control character"),
			    u->label, line, hoso_utf8_has_control(v[U_CODE]) ? "code" : "name");
			goto out;
		}
		if ((x->level = parse_level(v[U_LEVEL])) < 0) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s:%ld: level: not tinh, huyen or xa: '%s'"), u->label, line, v[U_LEVEL]);
			goto out;
		}
		hoso_buf_reset(&nfc);
		if ((r = hoso_utf8_nfc(v[U_NAME], len[U_NAME], &nfc, err)) != 0 ||
		    (r = dup_cell(&x->code, v[U_CODE], err)) != 0 ||
		    (r = dup_cell(&x->name, hoso_buf_str(&nfc), err)) != 0 ||
		    (r = dup_cell(&u->parent_code[u->n - 1], v[U_PARENT], err)) != 0 ||
		    (r = dup_cell(&u->succ_code[u->n - 1], v[U_SUCC], err)) != 0)
			goto out;
		if ((r = load_date(u->label, line, "valid_from", v[U_FROM], len[U_FROM], OPEN_FROM,
		    &x->from, err)) != 0 ||
		    (r = load_date(u->label, line, "valid_to", v[U_TO], len[U_TO], OPEN_TO,
		    &x->to, err)) != 0)
			goto out;
		if (x->from > x->to) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: valid_to is before valid_from"),
			    u->label, line);
			goto out;
		}
	}
out:
	hoso_buf_free(&nfc);
	return r;
}

/* Codes to indices, and the checks a wrong file would otherwise turn into wrong counts. */
static int
resolve(struct hoso_units *u, struct hoso_err *err)
{
	size_t i;
	uint32_t j;
	char d[11];

	for (i = 0; i < u->n; i++) {
		struct hoso_unit *x = &u->v[i];

		for (j = u->next_same[i]; j != HOSO_UNIT_NONE; j = u->next_same[j])
			if (u->v[j].from <= x->to && x->from <= u->v[j].to)
				return hoso_err_set(err, HOSO_EINPUT,
				    _("%s:%ld: code '%s' is also valid on line %ld at the same time"),
				    u->label, x->line, x->code, u->v[j].line);
		if (u->succ_code[i][0] != '\0') {
			if (x->to == OPEN_TO)
				return hoso_err_set(err, HOSO_EINPUT,
				    _("%s:%ld: successor '%s' given but no valid_to"),
				    u->label, x->line, u->succ_code[i]);
			if (!hoso_units_find(u, u->succ_code[i], x->to + 1, &x->successor)) {
				hoso_date_ymd(x->to + 1, d);
				return hoso_err_set(err, HOSO_EINPUT,
				    _("%s:%ld: successor '%s' is not a unit valid on %s"),
				    u->label, x->line, u->succ_code[i], d);
			}
		}
	}
	return 0;
}

enum { SPAN_TODO, SPAN_BUSY, SPAN_DONE };

static int
push_span(struct hoso_units *u, uint32_t i, struct span sp, struct hoso_err *err)
{
	if (u->n_span_total == u->cap_spans) {
		size_t cap = u->cap_spans ? u->cap_spans * 2 : u->n + 16;
		struct span *ns = realloc(u->spans, cap * sizeof(*ns));

		if (ns == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		u->spans = ns;
		u->cap_spans = cap;
	}
	u->spans[u->n_span_total++] = sp;
	u->n_spans[i]++;
	return 0;
}

/*
 * Unit i's spans, its parents' first: the versions of the parent code, cut by
 * their own spans, must cover every day of i's validity; a loop through any
 * of them is an error. i's parent (for --as-of and the top of its tree) is the
 * one of its last span.
 */
static int
make_spans(struct hoso_units *u, uint32_t i, unsigned char *state, struct hoso_err *err)
{
	struct hoso_unit *x = &u->v[i];
	const char *pc = u->parent_code[i];
	struct span ps;
	uint32_t v, best, j;
	int32_t next = x->from;
	bool more = pc[0] != '\0';
	char d[11];
	int r;

	if (state[i] == SPAN_DONE)
		return 0;
	if (state[i] == SPAN_BUSY)
		return hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: '%s' is its own ancestor"),
		    u->label, x->line, x->code);
	state[i] = SPAN_BUSY;
	for (best = HOSO_UNIT_NONE, v = first_with_code(u, pc); more && v != HOSO_UNIT_NONE;
	    v = u->next_same[v]) {
		if (u->v[v].from > x->to || x->from > u->v[v].to)
			continue;
		if ((r = make_spans(u, v, state, err)) != 0)
			return r;
		best = v;
	}
	if (more && best == HOSO_UNIT_NONE)
		return hoso_err_set(err, HOSO_EINPUT,
		    _("%s:%ld: parent '%s' is not a unit valid while '%s' is"),
		    u->label, x->line, pc, x->code);
	u->first_span[i] = (uint32_t)u->n_span_total;
	if (!more && (r = push_span(u, i, (struct span){ x->from, x->to, HOSO_UNIT_NONE, 0 },
	    err)) != 0)
		return r;
	/* Walk i's days in order: the parent version, then its span, holding day next. */
	while (more) {
		best = HOSO_UNIT_NONE;
		for (v = first_with_code(u, pc); v != HOSO_UNIT_NONE; v = u->next_same[v])
			if (u->v[v].from <= next && next <= u->v[v].to)
				best = v;
		if (best == HOSO_UNIT_NONE) {
			if (next == OPEN_FROM)	/* i has no start, the parent has one */
				return hoso_err_set(err, HOSO_EINPUT,
				    _("%s:%ld: parent '%s' has a valid_from, '%s' has none"),
				    u->label, x->line, pc, x->code);
			hoso_date_ymd(next, d);
			return hoso_err_set(err, HOSO_EINPUT,
			    _("%s:%ld: parent '%s' is not a unit valid on %s, when '%s' is"),
			    u->label, x->line, pc, d, x->code);
		}
		for (j = 0; u->spans[u->first_span[best] + j].to < next; j++)
			;	/* best's spans cover its validity, which holds next */
		ps = u->spans[u->first_span[best] + j];

		if ((r = push_span(u, i, (struct span){ next, ps.to < x->to ? ps.to : x->to, best, j },
		    err)) != 0)
			return r;
		x->parent = best;
		if ((more = ps.to < x->to))
			next = ps.to + 1;
	}
	state[i] = SPAN_DONE;
	return 0;
}

static int
all_spans(struct hoso_units *u, struct hoso_err *err)
{
	unsigned char *state = calloc(u->n ? u->n : 1, 1);
	size_t i;
	int r = 0;

	u->first_span = calloc(u->n ? u->n : 1, sizeof(*u->first_span));
	u->n_spans = calloc(u->n ? u->n : 1, sizeof(*u->n_spans));
	if (state == NULL || u->first_span == NULL || u->n_spans == NULL)
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (i = 0; r == 0 && i < u->n; i++)
		r = make_spans(u, (uint32_t)i, state, err);
	free(state);
	return r;
}

uint32_t
hoso_units_span(const struct hoso_units *u, uint32_t idx, int32_t day)
{
	uint32_t j, n;

	if (u->n_spans == NULL || idx >= u->n || (n = u->n_spans[idx]) <= 1)
		return 0;
	for (j = 0; j + 1 < n; j++)
		if (day <= u->spans[u->first_span[idx] + j].to)
			break;
	return j;
}

bool
hoso_units_up(const struct hoso_units *u, uint32_t *idx, uint32_t *span)
{
	const struct span *s;

	if (u->n_spans == NULL || *idx >= u->n || *span >= u->n_spans[*idx])
		return false;
	s = &u->spans[u->first_span[*idx] + *span];
	if (s->parent == HOSO_UNIT_NONE)
		return false;
	*idx = s->parent;
	*span = s->pspan;
	return true;
}

uint32_t
hoso_units_n_spans(const struct hoso_units *u, uint32_t idx)
{
	return u->n_spans != NULL && idx < u->n ? u->n_spans[idx] : 1;
}

int
hoso_units_load(struct hoso_units **up, int fd, const char *label, struct hoso_err *err)
{
	struct hoso_register_csv *csv = NULL;
	struct hoso_units *u = NULL;
	int r;

	*up = NULL;
	if ((r = hoso_units_new(&u, err)) != 0)
		goto out;
	u->from_file = true;
	if ((u->label = strdup(label)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = hoso_register_csv_open(&csv, fd, label, 0, 0, err)) != 0 ||
	    (r = read_rows(u, csv, err)) != 0 ||
	    (r = index_codes(u, err)) != 0 ||
	    (r = resolve(u, err)) != 0 ||
	    (r = all_spans(u, err)) != 0)
		goto out;
	*up = u;
	u = NULL;
out:
	hoso_register_csv_close(csv);
	hoso_units_free(u);
	return r;
}

int
hoso_units_as_of(const struct hoso_units *u, uint32_t idx, int32_t day, uint32_t *out,
    struct hoso_err *err)
{
	const struct hoso_unit *x;
	uint32_t cur = idx, a;
	size_t steps;
	char d[11];

	for (steps = 0; steps <= u->n; steps++) {
		x = &u->v[cur];
		/* Valid then, or begun after the date: --as-of maps forward only. */
		if (x->to >= day) {
			*out = cur;
			return 0;
		}
		if (x->successor != HOSO_UNIT_NONE) {
			cur = x->successor;
			continue;
		}
		/* Ended without a successor: its nearest ancestor that has one (spec). */
		for (a = x->parent; a != HOSO_UNIT_NONE; a = u->v[a].parent)
			if (u->v[a].to >= day || u->v[a].successor != HOSO_UNIT_NONE)
				break;
		if (a == HOSO_UNIT_NONE) {
			hoso_date_ymd(day, d);
			return hoso_err_set(err, HOSO_EINPUT,
			    _("%s:%ld: unit '%s' ended with no successor valid on %s, nor an "
			    "ancestor that has one"), u->label != NULL ? u->label : "-",
			    u->v[idx].line, u->v[idx].code, d);
		}
		cur = a;
	}
	return hoso_err_set(err, HOSO_EINPUT, _("%s: the successors of '%s' form a loop"),
	    u->label != NULL ? u->label : "-", u->v[idx].code);
}
