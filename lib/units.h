/* units.h - the units file: administrative units over time (specs/register-csv.md, "Units file"). */
#ifndef HOSO_UNITS_H
#define HOSO_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define HOSO_UNIT_NONE UINT32_MAX

enum hoso_level {
	HOSO_LEVEL_NONE = 0,	/* units seen only in a register (no units file) */
	HOSO_LEVEL_TINH,
	HOSO_LEVEL_HUYEN,	/* legacy: gone since 2025-07-01 */
	HOSO_LEVEL_XA,
};

/*
 * One unit over one stretch of time. A code may be reused with another meaning,
 * so a unit is a (code, validity) pair: an index into the table, never a code.
 */
struct hoso_unit {
	char *code;
	char *name;
	int level;		/* enum hoso_level */
	int32_t from, to;	/* valid days, inclusive; INT32_MIN / INT32_MAX when open */
	uint32_t parent;	/* index, HOSO_UNIT_NONE for a province */
	uint32_t successor;	/* index of the unit that took over after to, or NONE */
	long line;		/* in the units file, for messages */
};

struct hoso_units;

/* Read and check a units file from fd (not closed); label names it in messages. */
int hoso_units_load(struct hoso_units **unitsp, int fd, const char *label, struct hoso_err *err);
/* An empty table, filled by hoso_units_adhoc when there is no units file. */
int hoso_units_new(struct hoso_units **unitsp, struct hoso_err *err);
void hoso_units_free(struct hoso_units *units);

size_t hoso_units_count(const struct hoso_units *units);
const struct hoso_unit *hoso_units_get(const struct hoso_units *units, uint32_t idx);
/* True when the table came from a units file (roll-up, levels and names are known). */
bool hoso_units_from_file(const struct hoso_units *units);

/* The unit with this code valid on day; false when there is none. */
bool hoso_units_find(const struct hoso_units *units, const char *code, int32_t day, uint32_t *idx);
/*
 * The flat unit named code, added (no name, no level, no parent) when new;
 * 1, and nothing added, when code holds a control character.
 */
int hoso_units_adhoc(struct hoso_units *units, const char *code, uint32_t *idx,
    struct hoso_err *err);
/*
 * The unit that stands for idx on day (--as-of): idx itself when valid then (or
 * not yet begun), else its successor chain; a unit that ended without a
 * successor goes through its nearest ancestor that has one or is still valid.
 */
int hoso_units_as_of(const struct hoso_units *units, uint32_t idx, int32_t day, uint32_t *out,
    struct hoso_err *err);
/*
 * Roll-up follows the parents valid on a row's date: a unit's validity is cut
 * into spans over which its chain of ancestors stays the same (usually one).
 * hoso_units_span gives the span of idx that holds day (the first or last when
 * day is outside); hoso_units_up moves (idx, span) to the parent and its span,
 * false at the top.  Units without a units file have one span and no parent.
 */
uint32_t hoso_units_span(const struct hoso_units *units, uint32_t idx, int32_t day);
bool hoso_units_up(const struct hoso_units *units, uint32_t *idx, uint32_t *span);
uint32_t hoso_units_n_spans(const struct hoso_units *units, uint32_t idx);

/* "tinh", "huyen", "xa" or "" */
const char *hoso_units_level_name(int level);

#endif
