/*
 * kpi.c - the counting rules of specs/register-csv.md ("Counting rules", "Grouping").
 *
 * Registers are read row by row; per distinct dossier only what counting needs is
 * kept, in a 20-byte record (three dates as 16-bit day numbers, unit and field as
 * 16-bit indices, one byte of flags, a 32-bit hash and a 32-bit reference to the
 * code). Codes are kept whole in an arena (a length byte and the bytes), so two
 * dossiers are merged only when their codes are equal, never on a hash collision.
 * An open-addressing table of 32-bit record numbers finds a code. All of it grows
 * in fixed chunks, so nothing is copied twice and no doubling wastes half.
 * Per dossier: 20 (record) + 4 / load (table, load 0.375..0.75) + 1 + code length,
 * about 54 bytes for the usual 25-byte code. Counting runs once all input is read,
 * because the last occurrence of a code wins (spec, "Rows").
 * With -j, parts of the input are read into kpis of their own, merged in input
 * order by adopting their chunks (a part of fewer than REC_CHUNK dossiers is
 * copied instead); a record replaced by a later part's is marked dead (F_DEAD)
 * rather than moved, and counting skips it. Workers read at most READ_AHEAD
 * pieces ahead of the merge.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "date.h"
#include "file.h"
#include "i18n.h"
#include "kpi.h"
#include "sort.h"
#include "store.h"
#include "utf8.h"
#include "xml.h"

/* Dates in records: days after 1999-12-31, so 1 is 2000-01-01 and 65535 is 2179-06-05; 0 = none. */
#define DAY_BASE 10956	/* hoso_date_day(2000, 1, 1) - 1, a constant on the hot path */
#define REC_NONE 0

#define REC_CHUNK_BITS 16
#define REC_CHUNK ((size_t)1 << REC_CHUNK_BITS)
#define ARENA_CHUNK_BITS 20
#define ARENA_CHUNK ((size_t)1 << ARENA_CHUNK_BITS)
#define ARENA_MAX_CHUNKS ((size_t)1 << (32 - ARENA_CHUNK_BITS))
#define KEY_NONE 0xffffu

/* flags */
#define F_KENH_MASK 3u		/* enum hoso_kenh */
#define F_TOAN_TRINH 4u
#define F_SHIFT 3		/* HOSO_REG_* booleans above */
#define F_DEAD 0x80u		/* no dossier: replaced by a later part's, or a gap (merge) */

struct rec {
	uint32_t hash;
	uint32_t code;		/* arena chunk << 20 | offset */
	uint16_t recv, due, done;
	uint16_t unit, field;
	uint8_t flags;
	uint8_t pad;
};

_Static_assert(sizeof(struct rec) == 20, "a dossier record is 20 bytes");

#define REC_BYTES (REC_CHUNK * sizeof(struct rec))

/*
 * Record and code chunks are mapped, not malloc'd: unmapped, their memory goes
 * back at once. Merging a -j worker's kpi frees its chunks as the main one grows,
 * and malloc would keep them in the worker thread's arena, out of reach.
 */
static void *
chunk_alloc(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void
chunk_free(void *p, size_t n)
{
	if (p != NULL)
		munmap(p, n);
}

/*
 * The slot table: mapped like the chunks, in huge pages where the kernel
 * offers them (a probe is a random access: with 4 KiB pages nearly every one
 * also missed the TLB), and written once per page before use. A page first
 * read maps the shared zero page, and its first write then replaces that
 * mapping, which flushes the TLB of every CPU running one of our threads
 * (10% of the time of -j 2, measured with perf).
 */
#define HUGE_PAGE ((size_t)2 << 20)

static uint32_t *
table_alloc(size_t n_slots)
{
	size_t n = n_slots * sizeof(uint32_t), i;
	unsigned char *p = chunk_alloc(n);

	if (p == NULL)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (n >= HUGE_PAGE)
		(void)madvise(p, n, MADV_HUGEPAGE);	/* a hint: 4 KiB pages work too */
#endif
	for (i = 0; i < n; i += 4096)
		p[i] = 0;
	return (uint32_t *)(void *)p;
}

/* A group's register counts, then its store counts. */
#define N_ALL (HOSO_KPI_N_COUNTS + HOSO_KPI_N_STORE)

struct group {
	uint64_t key;
	uint64_t counts[N_ALL];
};

/* A dossier of the store (--store): where it counts and what it adds. */
struct store_rec {
	uint32_t unit;
	uint16_t field, day;
	uint64_t v[HOSO_KPI_N_STORE];
};

/* A page of the store: its original's sha256, when it was ingested, its dossier's record. */
struct seen_page {
	unsigned char sha[32];
	uint64_t when;			/* YYYYMMDDhhmmss, UTC */
	int64_t rec;			/* index into store; -1: a dossier in no row */
	uint32_t dossier;		/* tells dossiers apart */
};

struct groups {
	struct group *v;
	size_t n, cap;
	uint32_t *slots;	/* index + 1 */
	size_t n_slots;
};

struct hoso_kpi {
	struct hoso_kpi_opts o;
	struct hoso_units *units;
	struct hoso_units *own_units;
	/* dossiers */
	struct rec **rec_chunks;
	size_t n_recs, n_rec_chunks;
	size_t n_dead;		/* records with F_DEAD */
	unsigned char **arena;
	size_t n_arena, arena_used;	/* chunks, bytes used in the last one */
	uint32_t *slots;	/* high bits of the hash above slot_bits, record + 1 below */
	size_t n_slots;		/* 1 << slot_bits */
	unsigned slot_bits;
	/* fields (lĩnh vực), NFC, interned */
	char **fields;
	size_t n_fields;
	uint32_t *field_slots;
	size_t n_field_slots;
	long last_field;		/* the field of the row before (rows come in runs); -1: none */
	struct hoso_buf nfc;
	/* the dossier store */
	struct store_rec *store;
	size_t n_store, cap_store;
	struct seen_page *seen;		/* every page of the store: who had which paper first */
	size_t n_seen, cap_seen;
	bool has_store;
	uint64_t store_dossiers, store_matched, store_unplaced, store_bad;
	unsigned jobs;		/* threads of hoso_kpi_add_fds, for the counting too */
	/* statistics */
	uint64_t rows_read, duplicates;
	size_t skipped[HOSO_REG_SKIP_MAX];
	uint64_t units_repaired;	/* codes read without their leading zeros */
};

static const char *const count_names[HOSO_KPI_N_COUNTS] = {
	"received", "online", "paper", "carried_over", "resolved", "early", "on_time", "late",
	"pending", "in_time", "overdue", "digitized", "digitized_results", "paid_online", "signed",
	"end_to_end",
};

static const char *const rate_names[HOSO_KPI_N_RATES] = {
	"online_rate", "digitization_rate", "on_time_rate", "signed_rate",
};

const char *
hoso_kpi_count_name(int c)
{
	return c >= 0 && c < HOSO_KPI_N_COUNTS ? count_names[c] : "?";
}

const char *
hoso_kpi_rate_name(int r)
{
	return r >= 0 && r < HOSO_KPI_N_RATES ? rate_names[r] : "?";
}

bool
hoso_kpi_rate(const uint64_t c[HOSO_KPI_N_COUNTS], int rate, uint64_t *tenths)
{
	uint64_t num, base;

	switch (rate) {
	case HOSO_KPI_ONLINE_RATE:
		num = c[HOSO_KPI_ONLINE];
		base = c[HOSO_KPI_RECEIVED];
		break;
	case HOSO_KPI_DIGITIZATION_RATE:
		num = c[HOSO_KPI_DIGITIZED];
		base = c[HOSO_KPI_RECEIVED];
		break;
	case HOSO_KPI_ON_TIME_RATE:
		num = c[HOSO_KPI_EARLY] + c[HOSO_KPI_ON_TIME];
		base = c[HOSO_KPI_RESOLVED];
		break;
	default:
		num = c[HOSO_KPI_SIGNED];
		base = c[HOSO_KPI_RESOLVED];
		break;
	}
	if (base == 0)
		return false;
	/* Integers, rounded half up: the same digits as any spreadsheet or SQL check. */
	*tenths = (num * 2000 + base) / (2 * base);
	return true;
}

/*
 * Eight bytes at a time, each word mixed in by a multiply and a shift, folded to
 * 32 bits with a final mix (codes share long prefixes). A byte loop was a chain
 * of 25 dependent multiplies per code.
 */
static inline uint32_t
hash_core(const char *s, size_t n, bool padded)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, padded ? 8 : n);
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

static uint32_t
hash_bytes(const char *s, size_t n)
{
	return hash_core(s, n, false);
}

/* The same hash, of bytes followed by zeros up to the next multiple of 8 past n: no short copy. */
static uint32_t
hash_padded(const char *s, size_t n)
{
	return hash_core(s, n, true);
}

static struct rec *
rec_at(const struct hoso_kpi *k, uint32_t i)
{
	return &k->rec_chunks[i >> REC_CHUNK_BITS][i & (REC_CHUNK - 1)];
}

static const unsigned char *
code_at(const struct hoso_kpi *k, uint32_t ref)
{
	return k->arena[ref >> ARENA_CHUNK_BITS] + (ref & (ARENA_CHUNK - 1));
}

void
hoso_kpi_free(struct hoso_kpi *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->n_rec_chunks; i++)
		chunk_free(k->rec_chunks[i], REC_BYTES);
	free(k->rec_chunks);
	for (i = 0; i < k->n_arena; i++)
		chunk_free(k->arena[i], ARENA_CHUNK);
	free(k->arena);
	chunk_free(k->slots, k->n_slots * sizeof(*k->slots));
	for (i = 0; i < k->n_fields; i++)
		free(k->fields[i]);
	free(k->fields);
	free(k->field_slots);
	free(k->store);
	free(k->seen);
	hoso_buf_free(&k->nfc);
	hoso_units_free(k->own_units);
	free(k);
}

int
hoso_kpi_new(struct hoso_kpi **kp, const struct hoso_kpi_opts *o, struct hoso_units *units,
    struct hoso_err *err)
{
	struct hoso_kpi *k = NULL;
	int32_t lo = DAY_BASE + 1, hi = DAY_BASE + 0xffff;
	int r;

	*kp = NULL;
	if (o->from > o->to || o->from < lo || o->to > hi || (o->has_as_of &&
	    (o->as_of < lo || o->as_of > hi))) {
		r = hoso_err_set(err, HOSO_EUSAGE,
		    _("the period must run forward and lie within 2000-01-01 to 2179-06-05"));
		goto out;
	}
	if (units == NULL && (o->has_as_of || (o->by & HOSO_KPI_BY_LEVEL))) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("--as-of and --by level need a units file"));
		goto out;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	k->o = *o;
	k->last_field = -1;
	if (k->o.by == 0)
		k->o.by = HOSO_KPI_BY_UNIT;
	hoso_buf_init(&k->nfc, 0);
	if (units == NULL) {
		if ((r = hoso_units_new(&k->own_units, err)) != 0)
			goto out;
		units = k->own_units;
	}
	k->units = units;
	*kp = k;
	k = NULL;
	r = 0;
out:
	hoso_kpi_free(k);
	return r;
}

/* ---- fields ---- */

/* The index of the interned field t (n bytes, NFC), or -1; *slot is where it would go. */
static long
find_field(const struct hoso_kpi *k, const char *t, size_t n, size_t *slot)
{
	size_t h;

	if (k->n_field_slots == 0)
		return -1;
	for (h = hash_bytes(t, n) & (k->n_field_slots - 1); k->field_slots[h] != 0;
	    h = (h + 1) & (k->n_field_slots - 1)) {
		const char *f = k->fields[k->field_slots[h] - 1];

		if (strncmp(f, t, n) == 0 && f[n] == '\0')
			return (long)k->field_slots[h] - 1;
	}
	*slot = h;
	return -1;
}

static int
intern_field(struct hoso_kpi *k, const char *s, uint16_t *idx, struct hoso_err *err)
{
	const char *t = s;
	size_t n = strlen(s), i, h = 0;
	long found;
	int r;

	/* Faster still: the field of the row before (7% of a narrow register's time). */
	if (k->last_field >= 0 && strcmp(k->fields[k->last_field], s) == 0) {
		*idx = (uint16_t)k->last_field;
		return 0;
	}
	/*
	 * Fast path: the bytes as they are equal a field already interned, which is
	 * NFC, so they are NFC too. Only a new spelling pays for normalization (the
	 * main cost per row when every row did).
	 */
	if ((found = find_field(k, s, n, &h)) >= 0) {
		k->last_field = found;
		*idx = (uint16_t)found;
		return 0;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			break;
	/* "Hộ tịch" typed on two keyboards is one field: compare in NFC. */
	if (i < n) {
		hoso_buf_reset(&k->nfc);
		if ((r = hoso_utf8_nfc(s, n, &k->nfc, err)) != 0)
			return r;
		t = hoso_buf_str(&k->nfc);
		n = k->nfc.len;
	}
	if (k->n_fields * 2 >= k->n_field_slots) {
		size_t ns = k->n_field_slots ? k->n_field_slots * 2 : 64;
		uint32_t *slots = calloc(ns, sizeof(*slots));
		char **nf;

		if (k->n_fields >= 0xfffe)
			return hoso_err_set(err, HOSO_EINPUT, _("more than 65534 distinct fields (linh_vuc)"));
		if (slots == NULL || (nf = realloc(k->fields, ns / 2 * sizeof(*nf))) == NULL) {
			free(slots);
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		}
		k->fields = nf;
		for (i = 0; i < k->n_fields; i++) {
			for (h = hash_bytes(k->fields[i], strlen(k->fields[i])) & (ns - 1); slots[h] != 0;
			    h = (h + 1) & (ns - 1))
				;
			slots[h] = (uint32_t)i + 1;
		}
		free(k->field_slots);
		k->field_slots = slots;
		k->n_field_slots = ns;
	}
	if ((found = find_field(k, t, n, &h)) >= 0) {
		*idx = (uint16_t)found;
		return 0;
	}
	if (hoso_utf8_has_control(t))
		return 1;	/* never interned: every row with it is refused */
	if ((k->fields[k->n_fields] = strdup(t)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	k->field_slots[h] = (uint32_t)k->n_fields + 1;
	*idx = (uint16_t)k->n_fields++;
	return 0;
}

/* ---- dossiers ---- */

/*
 * A slot holds the record number + 1 in its low slot_bits (n_recs < n_slots) and
 * the hash bits above those in the rest: a probe past another code's slot then
 * rarely has to read that code's record, a cache miss in a table of millions.
 */
static uint32_t
slot_value(uint32_t hash, size_t rec, unsigned bits)
{
	return (uint32_t)(((uint64_t)hash >> bits << bits) | (rec + 1));
}

static bool
slot_may_be(uint32_t slot, uint32_t hash, unsigned bits)
{
	return ((uint64_t)(slot ^ hash) >> bits) == 0;
}

static uint32_t
slot_rec(uint32_t slot, unsigned bits)
{
	return (uint32_t)((slot & (((uint64_t)1 << bits) - 1)) - 1);
}

static int rebuild_slots(struct hoso_kpi *k, unsigned bits, unsigned n, struct hoso_err *err);

/* The table at twice its size (1024 slots at first), rebuilt on this thread. */
static int
grow_slots(struct hoso_kpi *k, struct hoso_err *err)
{
	return rebuild_slots(k, k->n_slots ? k->slot_bits + 1 : 10, 1, err);
}

/*
 * Room for n dossiers in all, made at once: the table grown to its size
 * early rather than doubled (and rehashed) on the way there. At most 2^27
 * slots (512 MiB): past that it grows as it fills.
 */
static int
reserve_slots(struct hoso_kpi *k, uint64_t n, struct hoso_err *err)
{
	unsigned bits = k->n_slots ? k->slot_bits : 10;

	while (bits < 27 && (n + 1) * 4 > ((uint64_t)1 << bits) * 3)
		bits++;
	return bits > k->slot_bits || k->n_slots == 0 ? rebuild_slots(k, bits, 1, err) : 0;
}

static int
store_code(struct hoso_kpi *k, const char *code, size_t n, uint32_t *ref, struct hoso_err *err)
{
	unsigned char *p;

	if (k->n_arena == 0 || k->arena_used + 1 + n > ARENA_CHUNK) {
		unsigned char **na;

		if (k->n_arena == ARENA_MAX_CHUNKS)
			return hoso_err_set(err, HOSO_EINPUT, _("too many dossiers"));
		if ((na = realloc(k->arena, (k->n_arena + 1) * sizeof(*na))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		k->arena = na;
		if ((k->arena[k->n_arena] = chunk_alloc(ARENA_CHUNK)) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		k->n_arena++;
		k->arena_used = 0;
	}
	p = k->arena[k->n_arena - 1] + k->arena_used;
	p[0] = (unsigned char)n;
	memcpy(p + 1, code, n);
	*ref = (uint32_t)((k->n_arena - 1) << ARENA_CHUNK_BITS | k->arena_used);
	k->arena_used += 1 + n;
	return 0;
}

/*
 * The slot where a code of this hash starts its probe, fetched into the cache
 * ahead of find_or_add: in a table of millions it is a miss nearly every time,
 * and the row's other work can hide it.
 */
static void
prefetch_slot(const struct hoso_kpi *k, uint32_t hash)
{
#if defined(__GNUC__)
	if (k->n_slots != 0)
		__builtin_prefetch(&k->slots[hash & (k->n_slots - 1)], 1);
#else
	(void)k;
	(void)hash;
#endif
}

/* Insert or replace (the last occurrence wins); *out is the record to fill. */
static int
find_or_add(struct hoso_kpi *k, const char *code, size_t n, uint32_t hash, struct rec **out,
    bool *replaced, struct hoso_err *err)
{
	size_t h;
	uint32_t ref = 0;
	struct rec *x;
	int r;

	if ((k->n_recs + 1) * 4 > k->n_slots * 3 && (r = grow_slots(k, err)) != 0)
		return r;
	for (h = hash & (k->n_slots - 1); k->slots[h] != 0; h = (h + 1) & (k->n_slots - 1)) {
		const unsigned char *c;

		if (!slot_may_be(k->slots[h], hash, k->slot_bits))
			continue;
		x = rec_at(k, slot_rec(k->slots[h], k->slot_bits));
		if (x->hash != hash)
			continue;
		c = code_at(k, x->code);
		if (c[0] == n && memcmp(c + 1, code, n) == 0) {
			*out = x;
			*replaced = true;
			return 0;
		}
	}
	if (k->n_recs == (size_t)UINT32_MAX - 1)
		return hoso_err_set(err, HOSO_EINPUT, _("too many dossiers"));
	if ((k->n_recs & (REC_CHUNK - 1)) == 0) {
		struct rec **nc;

		if ((nc = realloc(k->rec_chunks, (k->n_rec_chunks + 1) * sizeof(*nc))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		k->rec_chunks = nc;
		if ((k->rec_chunks[k->n_rec_chunks] = chunk_alloc(REC_BYTES)) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		k->n_rec_chunks++;
	}
	if ((r = store_code(k, code, n, &ref, err)) != 0)
		return r;
	x = rec_at(k, (uint32_t)k->n_recs);
	memset(x, 0, sizeof(*x));
	x->hash = hash;
	x->code = ref;
	k->slots[h] = slot_value(hash, k->n_recs++, k->slot_bits);
	*out = x;
	*replaced = false;
	return 0;
}

/* A row error found here rather than in register.c (unit, date range), fatal or skipped. */
static int
kpi_row_error(struct hoso_kpi *k, int reason, struct hoso_err *err)
{
	if (k->o.lenient) {
		k->skipped[reason]++;
		hoso_err_clear(err);
		return 1;
	}
	return err->code;
}

static int
compact_date(struct hoso_kpi *k, const char *label, const struct hoso_register_row *row,
    const char *column, int32_t day, uint16_t *out, struct hoso_err *err)
{
	char d[11];

	if (day == HOSO_DATE_NONE) {
		*out = REC_NONE;
		return 0;
	}
	if (day <= DAY_BASE || day > DAY_BASE + 0xffff) {
		hoso_date_ymd(day, d);
		hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: %s: %s is outside 2000-01-01 to 2179-06-05"),
		    label, row->line, column, d);
		return kpi_row_error(k, HOSO_REG_SKIP_DATE, err);
	}
	*out = (uint16_t)(day - DAY_BASE);
	return 0;
}

/*
 * A row ready to go into the table: its record, and its code with the hash
 * whose slot was prefetched. hoso_kpi_add_fd holds one back while it parses
 * the next row, so that the slot has arrived by the time it is looked up.
 */
struct pending {
	struct rec x;		/* dates, unit, field, flags; hash */
	size_t n;
	const char *code;	/* buf, or the row's own code when longer than buf */
	char buf[64];		/* a multiple of 8 (hash_padded) */
};

/*
 * A unit or field name reaches the report, where XML 1.0 cannot carry a control
 * character and a terminal would obey it: such a row is bad text.
 */
static int
control_char(struct hoso_kpi *k, const char *label, const struct hoso_register_row *row,
    const char *column, struct hoso_err *err)
{
	hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: %s: contains a control character"), label,
	    row->line, column);
	return kpi_row_error(k, HOSO_REG_SKIP_TEXT, err);
}

/* Check a row and make its record: 0, 1 when skipped (--lenient), or an error. */

/*
 * A unit code a spreadsheet turned into a number ("8740" for commune 08740):
 * all digits, not in the units file, and exactly one code valid on the date
 * received when zero-padded to the width of a level's codes (2, 3, 5). 0 and
 * *unit when repaired; 1 when there is none (the caller's error); a row error
 * when two widths give a unit.
 */
static int
unit_zeros(struct hoso_kpi *k, const char *label, const struct hoso_register_row *row,
    uint32_t *unit, struct hoso_err *err)
{
	static const size_t widths[] = { 2, 3, 5 };
	char padded[8], first[8] = "";
	size_t n = strlen(row->unit), w, found = 0;
	uint32_t idx;

	if (n == 0 || n >= 5 || strspn(row->unit, "0123456789") != n)
		return 1;
	for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		if (widths[w] <= n)
			continue;
		snprintf(padded, sizeof(padded), "%0*d%s", (int)(widths[w] - n), 0, row->unit);
		if (!hoso_units_find(k->units, padded, row->recv, &idx))
			continue;
		if (found++ == 0) {
			memcpy(first, padded, sizeof(first));
			*unit = idx;
		}
	}
	if (found == 0)
		return 1;
	if (found > 1) {
		hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: ma_don_vi: unit '%s' lost its leading "
		    "zeros and could be %s or another code; write it in full"), label, row->line,
		    row->unit, first);
		return kpi_row_error(k, HOSO_REG_SKIP_UNIT, err) < 0 ? HOSO_EINPUT : 2;	/* 2: skipped */
	}
	k->units_repaired++;
	return 0;
}

static int
prepare_row(struct hoso_kpi *k, const char *label, const struct hoso_register_row *row,
    struct pending *p, struct hoso_err *err)
{
	uint16_t recv = 0, due = 0, done = 0, field = KEY_NONE;
	uint32_t unit;
	char d[11];
	int r;

	p->n = row->code_len;
	p->code = row->code;
	if (p->n < sizeof(p->buf)) {
		memset(p->buf + (p->n & ~(size_t)7), 0, 8);	/* buf: a multiple of 8 */
		p->code = memcpy(p->buf, row->code, p->n);
		p->x.hash = hash_padded(p->buf, p->n);
	} else {
		p->x.hash = hash_bytes(row->code, p->n);
	}
	prefetch_slot(k, p->x.hash);
	if ((r = compact_date(k, label, row, "ngay_tiep_nhan", row->recv, &recv, err)) != 0 ||
	    (r = compact_date(k, label, row, "ngay_hen_tra", row->due, &due, err)) != 0 ||
	    (r = compact_date(k, label, row, "ngay_ket_thuc", row->done, &done, err)) != 0)
		return r;
	if (!hoso_units_from_file(k->units)) {
		if ((r = hoso_units_adhoc(k->units, row->unit, &unit, err)) < 0)
			return r;
		if (r > 0)
			return control_char(k, label, row, "ma_don_vi", err);
	} else if (!hoso_units_find(k->units, row->unit, row->recv, &unit) &&
	    (r = unit_zeros(k, label, row, &unit, err)) != 0) {
		if (r != 1)
			return r < 0 ? r : 1;	/* two candidates: fatal, or skipped */
		/* Spec, "Units file": a unit unknown on its date is an error. */
		struct hoso_buf lab = HOSO_BUF_INIT(200);
		struct hoso_err e;

		hoso_utf8_label(row->unit, strlen(row->unit), &lab, &e);
		hoso_date_ymd(row->recv, d);
		hoso_err_set(err, HOSO_EINPUT,
		    _("%s:%ld: ma_don_vi: unit '%s' is not in the units file on %s (ngay_tiep_nhan)"),
		    label, row->line, hoso_buf_str(&lab), d);
		hoso_buf_free(&lab);
		return kpi_row_error(k, HOSO_REG_SKIP_UNIT, err);
	}
	/* Spec, "Columns": an empty linh_vuc is "(không xác định)". */
	if ((r = intern_field(k, row->field != NULL ? row->field : "(kh\xc3\xb4ng x\xc3\xa1" "c \xc4\x91\xe1\xbb\x8bnh)",
	    &field, err)) < 0)
		return r;
	if (r > 0)
		return control_char(k, label, row, "linh_vuc", err);
	p->x.recv = recv;
	p->x.due = due;
	p->x.done = done;
	p->x.unit = (uint16_t)unit;
	p->x.field = field;
	p->x.flags = (uint8_t)((unsigned)row->kenh |
	    (row->muc_do == HOSO_MUC_DO_TOAN_TRINH ? F_TOAN_TRINH : 0) | row->flags << F_SHIFT);
	return 0;
}

/* Put a prepared row into the table: a new dossier, or the last occurrence of one. */
static int
commit_row(struct hoso_kpi *k, const struct pending *p, struct hoso_err *err)
{
	struct rec *x = NULL;
	bool replaced = false;
	int r;

	if ((r = find_or_add(k, p->code, p->n, p->x.hash, &x, &replaced, err)) != 0)
		return r;
	if (replaced)
		k->duplicates++;
	x->recv = p->x.recv;
	x->due = p->x.due;
	x->done = p->x.done;
	x->unit = p->x.unit;
	x->field = p->x.field;
	x->flags = p->x.flags;
	k->rows_read++;
	return 0;
}

static void
reg_opts(struct hoso_kpi *k, const char *label, struct hoso_register_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->label = label;
	ro->block_size = k->o.block_size;
	ro->max_row = k->o.max_row;
	ro->lenient = k->o.lenient;
	ro->labels = k->o.labels;
	ro->skipped = k->skipped;
}

/* Rows read before the bytes per row are measured for the table's size. */
#define SAMPLE_ROWS 4096

/*
 * Every row of reg into k, in order. expect: about how many bytes of rows k
 * will have been given when the reading is over (this reading's and any that
 * will be merged into k), 0 when unknown: the rows they hold are estimated
 * from the bytes of the first SAMPLE_ROWS rows, and the table made that big.
 */
static int
add_rows(struct hoso_kpi *k, struct hoso_register *reg, const char *label, uint64_t expect,
    struct hoso_err *err)
{
	struct hoso_register_row row;
	struct pending pend[2];
	struct hoso_err e;
	unsigned cur = 0;
	bool held = false;
	uint64_t n = 0, first = 0, before = k->n_recs;
	int r;

	/* Rows go into the table one behind the parsing, in their order (the last wins). */
	while ((r = hoso_register_next(reg, &row, err)) > 0) {
		if (expect != 0 && ++n == 1) {
			first = hoso_register_offset(reg);
		} else if (expect != 0 && n == SAMPLE_ROWS + 1) {
			uint64_t used = hoso_register_offset(reg) - first;

			if (used > 0 && (r = reserve_slots(k, before + expect / used * SAMPLE_ROWS +
			    expect % used * SAMPLE_ROWS / used, err)) != 0)
				break;
		}
		if ((r = prepare_row(k, label, &row, &pend[cur], err)) < 0)
			break;
		if (r > 0)
			continue;	/* skipped */
		if (held && (r = commit_row(k, &pend[cur ^ 1], err)) != 0)
			goto out;
		held = false;
		/* A code too long to hold lives only until the next row: in it goes now. */
		if (pend[cur].code != pend[cur].buf) {
			if ((r = commit_row(k, &pend[cur], err)) != 0)
				goto out;
			continue;
		}
		held = true;
		cur ^= 1;
	}
	if (r < 0 && held)
		commit_row(k, &pend[cur ^ 1], &e);	/* the rows before the error are in, as before */
	if (r < 0)
		goto out;
	if (held && (r = commit_row(k, &pend[cur ^ 1], err)) != 0)
		goto out;
	r = 0;
out:
	return r;
}

int
hoso_kpi_add_fd(struct hoso_kpi *k, int fd, const char *label, struct hoso_err *err)
{
	struct hoso_register_opts ro;
	struct hoso_register *reg = NULL;
	uint64_t before = k->rows_read, expect = 0;
	int r;

	struct stat st;
	off_t at;

	reg_opts(k, label, &ro);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (at = lseek(fd, 0, SEEK_CUR)) >= 0 &&
	    st.st_size > at)
		expect = (uint64_t)(st.st_size - at);
	if ((r = hoso_register_open(&reg, fd, &ro, err)) != 0)
		goto out;
	if ((r = add_rows(k, reg, label, expect, err)) != 0)
		goto out;
	hoso_log(k->o.log, HOSO_LOG_INFO, _("%s: %llu rows"), label,
	    (unsigned long long)(k->rows_read - before));
out:
	hoso_register_close(reg);
	return r;
}

/* ---- several registers at once (-j) ---- */

/*
 * The merge's two passes over millions of records, on the -j threads: the
 * table rebuilt at its new size, then the later kpi's records put in it.
 * Slots are claimed with compare-and-swap (linear probing stays correct
 * when two threads race for one slot). A later record can only match an
 * earlier one (a kpi's own codes are unique), so the second pass starts
 * once the first is complete, and no thread compares with another's new
 * records.
 */
#define MERGE_THREADS_MAX 16

struct merge_part {
	struct hoso_kpi *k;
	uint32_t *slots;		/* pass 1: the new table */
	size_t mask;
	unsigned bits;
	size_t from, to;		/* record indexes */
	size_t base;			/* pass 2: the later kpi's first record */
	uint32_t arena_base;
	const uint16_t *field_map;
	const uint32_t *unit_map;
	size_t dead, dups;		/* pass 2: counted here, summed after */
};

/* Put v in the first free slot from hash's home on. */
static void
claim_slot(uint32_t *slots, size_t mask, uint32_t hash, uint32_t v)
{
	size_t h;

	for (h = hash & mask;; h = (h + 1) & mask) {
		uint32_t cur = __atomic_load_n(&slots[h], __ATOMIC_ACQUIRE);
		if (cur == 0 && __atomic_compare_exchange_n(&slots[h], &cur, v, false,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return;
	}
}

static void *
rehash_part(void *arg)
{
	struct merge_part *mp = arg;
	struct hoso_kpi *k = mp->k;
	size_t i;

	for (i = mp->from; i < mp->to; i++) {
		const struct rec *x = rec_at(k, (uint32_t)i);
		if (i + 16 < mp->to)
			__builtin_prefetch(&mp->slots[rec_at(k, (uint32_t)(i + 16))->hash & mp->mask], 1);
		if (!(x->flags & F_DEAD))
			claim_slot(mp->slots, mp->mask, x->hash, slot_value(x->hash, i, mp->bits));
	}
	return NULL;
}

static void *
insert_part(void *arg)
{
	struct merge_part *mp = arg;
	struct hoso_kpi *k = mp->k;
	size_t i, h, mask = k->n_slots - 1;
	unsigned bits = k->slot_bits;

	for (i = mp->from; i < mp->to; i++) {
		struct rec *x = rec_at(k, (uint32_t)i);
		const unsigned char *c;
		uint32_t v;

		if (i + 16 < mp->to)
			__builtin_prefetch(&k->slots[rec_at(k, (uint32_t)(i + 16))->hash & mask], 1);
		if (x->flags & F_DEAD) {
			mp->dead++;
			continue;
		}
		x->code += mp->arena_base << ARENA_CHUNK_BITS;
		x->unit = (uint16_t)mp->unit_map[x->unit];
		x->field = x->field == KEY_NONE ? KEY_NONE : mp->field_map[x->field];
		c = code_at(k, x->code);
		v = slot_value(x->hash, i, bits);
		for (h = x->hash & mask;; h = (h + 1) & mask) {
			uint32_t cur = __atomic_load_n(&k->slots[h], __ATOMIC_ACQUIRE);
			struct rec *y;
			const unsigned char *d;

			if (cur == 0) {
				if (__atomic_compare_exchange_n(&k->slots[h], &cur, v, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
					break;
				/* Taken meanwhile by a record of this kpi: not this code. */
				continue;
			}
			if (!slot_may_be(cur, x->hash, bits) || slot_rec(cur, bits) >= mp->base)
				continue;
			y = rec_at(k, slot_rec(cur, bits));
			d = code_at(k, y->code);
			if (y->hash == x->hash && d[0] == c[0] && memcmp(d + 1, c + 1, c[0]) == 0) {
				/* The same dossier read earlier: the later record wins its slot. */
				y->flags = F_DEAD;
				mp->dead++;
				mp->dups++;
				__atomic_store_n(&k->slots[h], v, __ATOMIC_RELEASE);
				break;
			}
		}
	}
	return NULL;
}

/* fn on each of n (at most MERGE_THREADS_MAX) args, size bytes apart: a thread each, the caller's the first. */
static void
run_threads(void *(*fn)(void *), void *args, size_t size, unsigned n)
{
	pthread_t th[MERGE_THREADS_MAX];
	bool started[MERGE_THREADS_MAX];
	unsigned t;

	for (t = 1; t < n; t++)
		started[t] = pthread_create(&th[t], NULL, fn, (char *)args + t * size) == 0;
	fn(args);
	for (t = 1; t < n; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			fn((char *)args + t * size);	/* no thread: this one does it */
	}
}

/* Run fn over records [from, to) cut into n parts, one thread each. */
static void
run_parts(void *(*fn)(void *), struct merge_part *proto, size_t from, size_t to,
    struct merge_part *mp, unsigned n)
{
	unsigned t;

	for (t = 0; t < n; t++) {
		mp[t] = *proto;
		mp[t].from = from + (to - from) * t / n;
		mp[t].to = from + (to - from) * (t + 1) / n;
		mp[t].dead = mp[t].dups = 0;
	}
	run_threads(fn, mp, sizeof(*mp), n);
}

/* The table rebuilt with 2^bits slots, on n threads (grow_slots: one, while reading). */
static int
rebuild_slots(struct hoso_kpi *k, unsigned bits, unsigned n, struct hoso_err *err)
{
	struct merge_part proto, mp[MERGE_THREADS_MAX];
	size_t ns = (size_t)1 << bits;
	uint32_t *slots;

	if (bits > 32)
		return hoso_err_set(err, HOSO_EINPUT, _("too many dossiers"));
	if ((slots = table_alloc(ns)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	memset(&proto, 0, sizeof(proto));
	proto.k = k;
	proto.slots = slots;
	proto.mask = ns - 1;
	proto.bits = bits;
	run_parts(rehash_part, &proto, 0, k->n_recs, mp, n);
	chunk_free(k->slots, k->n_slots * sizeof(*k->slots));
	k->slots = slots;
	k->n_slots = ns;
	k->slot_bits = bits;
	return 0;
}

/*
 * A small kpi (a file or part of fewer rows than a record chunk holds) is
 * copied record by record: adopting its chunks would keep a whole record chunk
 * and a whole code chunk (2.3 MB) for a few rows, and a year of daily files
 * would run out of code chunks.
 */
static int
merge_copy(struct hoso_kpi *k, struct hoso_kpi *s, const uint16_t *field_map,
    const uint32_t *unit_map, struct hoso_err *err)
{
	size_t i;
	int r;

	for (i = 0; i < s->n_recs; i++) {
		const struct rec *x = rec_at(s, (uint32_t)i);
		const unsigned char *c;
		struct rec *y;
		uint32_t ref;
		bool replaced;

		if (x->flags & F_DEAD)
			continue;
		c = code_at(s, x->code);
		if ((r = find_or_add(k, (const char *)c + 1, c[0], x->hash, &y, &replaced, err)) != 0)
			return r;
		ref = y->code;
		*y = *x;
		y->code = ref;
		y->unit = (uint16_t)unit_map[x->unit];
		y->field = x->field == KEY_NONE ? KEY_NONE : field_map[x->field];
		k->duplicates += replaced;
	}
	return 0;
}

/*
 * Each file is read by a worker into a kpi of its own; the kpis are then merged
 * in the order of the files, so the last occurrence of a code still wins. The
 * first kpi is taken over whole (no copy); a later one is freed chunk by chunk
 * as it is merged, so the memory it gives back holds the merged records.
 */
static int
merge(struct hoso_kpi *k, struct hoso_kpi *s, unsigned jobs, struct hoso_err *err)
{
	struct merge_part proto, mp[MERGE_THREADS_MAX];
	unsigned n = jobs < 1 ? 1 : jobs > MERGE_THREADS_MAX ? MERGE_THREADS_MAX : jobs, bits, t;
	uint32_t *unit_map = NULL, arena_base;
	uint16_t *field_map = NULL;
	size_t i, n_units = hoso_units_count(s->units), base;
	struct rec **nc;
	unsigned char **na;
	int r = 0;

	if (k->n_recs == 0 && k->n_fields == 0 && k->rows_read == 0 &&
	    (hoso_units_from_file(k->units) || hoso_units_count(k->units) == 0)) {
		struct hoso_kpi tmp = *k;

		*k = *s;
		*s = tmp;
		for (i = 0; i < HOSO_REG_SKIP_MAX; i++)
			k->skipped[i] += s->skipped[i];
		k->units_repaired += s->units_repaired;
		return 0;
	}
	if ((field_map = calloc(s->n_fields + 1, sizeof(*field_map))) == NULL ||
	    (unit_map = calloc(n_units + 1, sizeof(*unit_map))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < s->n_fields; i++)
		if ((r = intern_field(k, s->fields[i], &field_map[i], err)) != 0)
			goto out;
	for (i = 0; i < n_units; i++) {
		if (hoso_units_from_file(k->units))
			unit_map[i] = (uint32_t)i;
		else if ((r = hoso_units_adhoc(k->units, hoso_units_get(s->units, (uint32_t)i)->code,
		    &unit_map[i], err)) != 0)
			goto out;
	}
	if (s->n_recs < REC_CHUNK) {
		if ((r = merge_copy(k, s, field_map, unit_map, err)) != 0)
			goto out;
		goto tally;
	}
	/*
	 * The records and codes of s are adopted, not copied: k's last record chunk
	 * is closed (the rest of it a dead gap), s's chunks follow k's, and only the
	 * table learns the new records. A code k had already is the same dossier
	 * read earlier: that record dies, the later one wins.
	 */
	base = (k->n_recs + REC_CHUNK - 1) & ~(REC_CHUNK - 1);
	if (base + s->n_recs >= (size_t)UINT32_MAX - 1 || k->n_arena + s->n_arena > ARENA_MAX_CHUNKS) {
		r = hoso_err_set(err, HOSO_EINPUT, _("too many dossiers"));
		goto out;
	}
	if ((nc = realloc(k->rec_chunks, (k->n_rec_chunks + s->n_rec_chunks + 1) *
	    sizeof(*nc))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	k->rec_chunks = nc;
	if ((na = realloc(k->arena, (k->n_arena + s->n_arena + 1) * sizeof(*na))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	k->arena = na;
	for (bits = k->n_slots ? k->slot_bits : 10; (base + s->n_recs + 1) * 4 >
	    ((size_t)1 << bits) * 3; bits++)
		;
	if (bits != k->slot_bits && (r = rebuild_slots(k, bits, n, err)) != 0)
		goto out;
	for (i = k->n_recs; i < base; i++) {
		memset(rec_at(k, (uint32_t)i), 0, sizeof(struct rec));
		rec_at(k, (uint32_t)i)->flags = F_DEAD;
		k->n_dead++;
	}
	k->n_recs = base;
	for (i = 0; i < s->n_rec_chunks; i++) {
		k->rec_chunks[k->n_rec_chunks++] = s->rec_chunks[i];
		s->rec_chunks[i] = NULL;
	}
	arena_base = (uint32_t)k->n_arena;
	for (i = 0; i < s->n_arena; i++) {
		k->arena[k->n_arena++] = s->arena[i];
		s->arena[i] = NULL;
	}
	if (s->n_arena > 0)
		k->arena_used = s->arena_used;
	memset(&proto, 0, sizeof(proto));
	proto.k = k;
	proto.base = base;
	proto.arena_base = arena_base;
	proto.field_map = field_map;
	proto.unit_map = unit_map;
	run_parts(insert_part, &proto, base, base + s->n_recs, mp, n);
	for (t = 0; t < n; t++) {
		k->n_dead += mp[t].dead;
		k->duplicates += mp[t].dups;
	}
	k->n_recs = base + s->n_recs;
tally:
	s->n_recs = 0;
	k->rows_read += s->rows_read;
	k->duplicates += s->duplicates;
	for (i = 0; i < HOSO_REG_SKIP_MAX; i++)
		k->skipped[i] += s->skipped[i];
	k->units_repaired += s->units_repaired;
out:
	free(field_map);
	free(unit_map);
	return r;
}

/*
 * One piece of work for a -j thread: a whole input (a pipe, a workbook), or a
 * part of a CSV file (hoso_register_open_part), read into a kpi of its own. A
 * part guesses that it starts outside quotes and numbers its lines from 1; the
 * merge checks the guess and redoes, in order, any part that guessed wrong or
 * failed, so errors name the true line.
 */
struct piece {
	size_t file;
	bool whole;
	uint64_t start, end;	/* a part: its bytes */
	uint64_t expect;	/* bytes of rows its kpi will hold (add_rows) */
	struct hoso_kpi *sub;
	int rc;
	struct hoso_err err;
	uint64_t stop;		/* a part read right: where its last record ended */
	long lines;		/* ... and the newlines before it */
	bool done;		/* read (under reader.lock) */
};

/* What the main thread learnt of a CSV file before it was cut in parts. */
struct split_file {
	struct hoso_register *head;	/* the header read; NULL: the file is read whole */
	int rc;				/* opening it failed: this, in err */
	struct hoso_err err;
	uint64_t data, size;		/* offset of the first row; file size */
	long data_line;
};

/*
 * The workers take pieces in order; the main thread merges each as soon as it
 * and those before it are read, while the workers read on. Workers never touch
 * k (a merge may swap its insides): they use o and file_units.
 */
struct reader {
	struct hoso_kpi *k;
	struct hoso_kpi_opts o;
	struct hoso_units *file_units;	/* the units file, only read; NULL: ad hoc units */
	const int *fds;
	const char *const *labels;
	struct split_file *files;
	struct piece *pieces;
	size_t n_pieces, next;
	size_t merged;			/* pieces before this one are merged and freed */
	bool stop;			/* an error: take no more pieces */
	unsigned jobs;			/* threads, for the merge too */
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	pthread_cond_t room_cv;		/* merged moved on or stop was set */
};

/*
 * How far the workers may read ahead of the merge, in pieces: every piece read
 * and not yet merged holds its own kpi, so hundreds of small files must not
 * all be in memory at once.
 */
#define READ_AHEAD(jobs) (2 * (size_t)(jobs))

static int
read_piece(struct reader *rd, struct piece *pc)
{
	struct hoso_register_opts ro;
	struct hoso_register *reg = NULL;
	const char *label = rd->labels[pc->file];
	int r;

	/* Ad hoc units are per worker (the table grows); a units file is only read. */
	if ((r = hoso_kpi_new(&pc->sub, &rd->o, rd->file_units, &pc->err)) != 0)
		goto out;
	if (pc->whole) {
		r = hoso_kpi_add_fd(pc->sub, rd->fds[pc->file], label, &pc->err);
		goto out;
	}
	reg_opts(pc->sub, label, &ro);
	if ((r = hoso_register_open_part(&reg, rd->files[pc->file].head, rd->fds[pc->file],
	    pc->start, pc->end, 1, &ro, &pc->err)) != 0 ||
	    (r = add_rows(pc->sub, reg, label, pc->expect, &pc->err)) != 0 ||
	    (r = hoso_register_position(reg, &pc->stop, &pc->lines, &pc->err)) != 0)
		goto out;
	pc->lines--;
out:
	hoso_register_close(reg);
	return r;
}

static void *
reader_main(void *arg)
{
	struct reader *rd = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&rd->lock);
		while (!rd->stop && rd->next < rd->n_pieces &&
		    rd->next >= rd->merged + READ_AHEAD(rd->jobs))
			pthread_cond_wait(&rd->room_cv, &rd->lock);
		i = rd->stop ? rd->n_pieces : rd->next++;
		pthread_mutex_unlock(&rd->lock);
		if (i >= rd->n_pieces)
			break;
		hoso_err_clear(&rd->pieces[i].err);
		rd->pieces[i].rc = read_piece(rd, &rd->pieces[i]);
		pthread_mutex_lock(&rd->lock);
		rd->pieces[i].done = true;
		pthread_cond_broadcast(&rd->done_cv);
		pthread_mutex_unlock(&rd->lock);
	}
	return NULL;
}

static void
wait_piece(struct reader *rd, const struct piece *pc)
{
	pthread_mutex_lock(&rd->lock);
	while (!pc->done)
		pthread_cond_wait(&rd->done_cv, &rd->lock);
	pthread_mutex_unlock(&rd->lock);
}

/* The offset just past the first LF at or after from, or size when there is none. */
static int
next_line_start(int fd, const char *label, uint64_t from, uint64_t size, uint64_t *out,
    struct hoso_err *err)
{
	char buf[16384];
	const char *nl;
	ssize_t got;

	while (from < size) {
		got = pread(fd, buf, sizeof(buf), (off_t)from);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return hoso_err_sys(err, errno, _("%s: cannot read"), label);
		if (got == 0)
			break;
		if ((nl = memchr(buf, '\n', (size_t)got)) != NULL) {
			*out = from + (uint64_t)(nl - buf) + 1;
			return 0;
		}
		from += (uint64_t)got;
	}
	*out = size;
	return 0;
}

/*
 * Read the header of every CSV file that is a regular file and cut its rows in
 * parts of about part bytes at line starts; anything else is one whole piece.
 * An error here is kept with its file and reported in file order.
 */
static int
plan_pieces(struct reader *rd, size_t n, unsigned jobs, struct hoso_err *err)
{
	struct hoso_kpi *k = rd->k;
	struct hoso_register_opts ro;
	struct piece *v = NULL;
	uint64_t total = 0, part, at, s;
	size_t i, cap = 0, n_v = 0, j, n_parts;
	struct stat st;
	int r = 0;

	for (i = 0; i < n; i++) {
		struct split_file *f = &rd->files[i];
		int fd = rd->fds[i];

		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || lseek(fd, 0, SEEK_CUR) != 0)
			continue;
		reg_opts(k, rd->labels[i], &ro);
		ro.skipped = NULL;
		if ((f->rc = hoso_register_open(&f->head, fd, &ro, &f->err)) != 0)
			continue;
		if (!hoso_register_splittable(f->head) ||
		    (f->rc = hoso_register_position(f->head, &f->data, &f->data_line, &f->err)) != 0) {
			hoso_register_close(f->head);
			f->head = NULL;
			if (f->rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
				f->rc = hoso_err_sys(&f->err, errno, _("%s: cannot read"), rd->labels[i]);
			continue;
		}
		f->size = (uint64_t)st.st_size;
		if (f->size > f->data)
			total += f->size - f->data;
	}
	/*
	 * One part per thread: each later part costs its records' probes in the
	 * merge; three per thread balanced a slowed thread better but measured
	 * slower overall (two 5M-row files, -j 2, shared machine: 5.4-5.6 s against
	 * 5.0-5.4 s).
	 */
	part = k->o.part_size ? k->o.part_size : total / jobs;
	if (k->o.part_size == 0 && part < ((uint64_t)8 << 20))
		part = (uint64_t)8 << 20;
	for (i = 0; i < n; i++) {
		struct split_file *f = &rd->files[i];

		n_parts = 1;
		if (f->head != NULL && f->size > f->data)
			n_parts = (size_t)((f->size - f->data + part - 1) / part);
		if (f->rc != 0)
			n_parts = 0;	/* nothing to read: the merge reports the error */
		if (n_v + n_parts > cap) {
			struct piece *nv;

			cap = (n_v + n_parts) * 2;
			if ((nv = realloc(v, cap * sizeof(*nv))) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			v = nv;
		}
		/* Part j starts at the first line start at or after its share of the bytes. */
		for (j = 0, at = f->data; j < n_parts; j++) {
			memset(&v[n_v], 0, sizeof(v[n_v]));
			v[n_v].file = i;
			v[n_v].whole = f->head == NULL;
			v[n_v].start = at;
			v[n_v].end = UINT64_MAX;
			if (f->head != NULL && j + 1 < n_parts) {
				s = f->data + (f->size - f->data) / n_parts * (j + 1);
				if ((r = next_line_start(rd->fds[i], rd->labels[i], s > at ? s : at,
				    f->size, &s, err)) != 0)
					goto out;
				if (s < f->size) {
					v[n_v].end = s;
					at = s;
				} else {
					j = n_parts;	/* the rest is one part */
				}
			}
			n_v++;
		}
	}
	/*
	 * Each part's table is made for its own rows, but the first kpi read is
	 * the one the others are merged into: its table is made for all of them.
	 */
	for (i = 0; i < n_v; i++) {
		if (v[i].whole)
			continue;
		s = v[i].end != UINT64_MAX ? v[i].end : rd->files[v[i].file].size;
		v[i].expect = s > v[i].start ? s - v[i].start : 0;
	}
	if (n_v > 0 && !v[0].whole)
		v[0].expect = total;
out:
	rd->pieces = v;
	rd->n_pieces = n_v;
	return r;
}

/* Piece pc is merged: free its kpi and let the workers read one more ahead. */
static void
release_piece(struct reader *rd, struct piece *pc)
{
	hoso_kpi_free(pc->sub);
	pc->sub = NULL;
	pthread_mutex_lock(&rd->lock);
	rd->merged = (size_t)(pc - rd->pieces) + 1;
	pthread_cond_broadcast(&rd->room_cv);
	pthread_mutex_unlock(&rd->lock);
}

/* Merge the pieces of file f in order, redoing those that guessed wrong. */
static int
merge_file(struct reader *rd, size_t f, struct piece *pc, size_t n_pc, struct hoso_err *err)
{
	struct hoso_kpi *k = rd->k;
	struct split_file *sf = &rd->files[f];
	struct hoso_register_opts ro;
	struct hoso_register *reg = NULL;
	uint64_t before = k->rows_read, at = sf->data;
	long line = sf->data_line;
	size_t i, n_again = 0;
	int r = 0;

	if (sf->rc != 0) {
		*err = sf->err;
		return sf->rc;
	}
	for (i = 0; i < n_pc; i++) {
		wait_piece(rd, &pc[i]);
		if (pc[i].whole) {
			if (pc[i].rc != 0) {
				*err = pc[i].err;
				return pc[i].rc;
			}
			r = merge(k, pc[i].sub, rd->jobs, err);
			release_piece(rd, &pc[i]);
			return r;
		}
		if (pc[i].rc == 0 && pc[i].start == at) {
			if ((r = merge(k, pc[i].sub, rd->jobs, err)) != 0)
				goto out;
			at = pc[i].stop;
			line += pc[i].lines;
			release_piece(rd, &pc[i]);
			continue;
		}
		release_piece(rd, &pc[i]);
		/* Read it again from where the part before it really ended, with true lines. */
		n_again++;
		reg_opts(k, rd->labels[f], &ro);
		if ((r = hoso_register_open_part(&reg, sf->head, rd->fds[f], at, pc[i].end, line, &ro,
		    err)) != 0 || (r = add_rows(k, reg, rd->labels[f], 0, err)) != 0 ||
		    (r = hoso_register_position(reg, &at, &line, err)) != 0)
			goto out;
		hoso_register_close(reg);
		reg = NULL;
	}
	hoso_log(k->o.log, HOSO_LOG_DEBUG, _("%s: read in %zu parts, %zu of them again in order"),
	    rd->labels[f], n_pc, n_again);
	hoso_log(k->o.log, HOSO_LOG_INFO, _("%s: %llu rows"), rd->labels[f],
	    (unsigned long long)(k->rows_read - before));
out:
	hoso_register_close(reg);
	return r;
}

int
hoso_kpi_add_fds(struct hoso_kpi *k, const int *fds, const char *const *labels, size_t n,
    unsigned jobs, struct hoso_err *err)
{
	struct reader rd;
	pthread_t *threads = NULL;
	size_t i, j, n_threads, started = 0;
	int r = 0;

	k->jobs = jobs;		/* set again at the end: merge may swap k's insides */
	if (jobs <= 1) {
		for (i = 0; i < n && r == 0; i++)
			r = hoso_kpi_add_fd(k, fds[i], labels[i], err);
		return r;
	}
	memset(&rd, 0, sizeof(rd));
	rd.k = k;
	rd.o = k->o;
	rd.jobs = jobs;
	rd.file_units = hoso_units_from_file(k->units) ? k->units : NULL;
	rd.fds = fds;
	rd.labels = labels;
	pthread_mutex_init(&rd.lock, NULL);
	pthread_cond_init(&rd.done_cv, NULL);
	pthread_cond_init(&rd.room_cv, NULL);
	if ((rd.files = calloc(n ? n : 1, sizeof(*rd.files))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = plan_pieces(&rd, n, jobs, err)) != 0)
		goto out;
	n_threads = jobs < rd.n_pieces ? jobs : rd.n_pieces;
	if (n_threads > 0 && (threads = calloc(n_threads, sizeof(*threads))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (started = 0; started < n_threads; started++)
		if (pthread_create(&threads[started], NULL, reader_main, &rd) != 0)
			break;
	if (n_threads > 0 && started == 0) {
		r = hoso_err_set(err, HOSO_EIO, _("cannot start a thread"));
		goto out;
	}
	/* In file order: the first error is the one reported, as when reading one by one. */
	for (i = 0, j = 0; i < n; i++) {
		size_t first = j;

		while (j < rd.n_pieces && rd.pieces[j].file == i)
			j++;
		if ((r = merge_file(&rd, i, rd.pieces + first, j - first, err)) != 0)
			goto out;
	}
out:
	k->jobs = jobs;
	pthread_mutex_lock(&rd.lock);
	rd.stop = true;
	pthread_cond_broadcast(&rd.room_cv);
	pthread_mutex_unlock(&rd.lock);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < rd.n_pieces; i++)
		hoso_kpi_free(rd.pieces[i].sub);
	for (i = 0; rd.files != NULL && i < n; i++)
		hoso_register_close(rd.files[i].head);
	free(rd.pieces);
	free(rd.files);
	free(threads);
	pthread_cond_destroy(&rd.done_cv);
	pthread_cond_destroy(&rd.room_cv);
	pthread_mutex_destroy(&rd.lock);
	return r;
}

/* ---- the dossier store (--store) ---- */

static const char *const store_columns[HOSO_KPI_N_STORE_COLUMNS] = {
	"scanned", "pages", "blank_pages", "ocr_pages", "ocr_confidence", "review_fields",
	"archives_signed", "reused", "reuse_rate",
};

const char *
hoso_kpi_store_column(int i, const uint64_t v[HOSO_KPI_N_STORE], char out[32])
{
	static const int count_of[HOSO_KPI_N_STORE_COLUMNS] = {
		HOSO_KPI_SCANNED, HOSO_KPI_PAGES, HOSO_KPI_BLANK_PAGES, HOSO_KPI_OCR_PAGES, -1,
		HOSO_KPI_REVIEW_FIELDS, HOSO_KPI_ARCHIVES_SIGNED, HOSO_KPI_REUSED, -2,
	};
	uint64_t n, tenths;

	out[0] = '\0';
	if (i < 0 || i >= HOSO_KPI_N_STORE_COLUMNS)
		return "?";
	if (count_of[i] >= 0) {
		snprintf(out, 32, "%llu", (unsigned long long)v[count_of[i]]);
	} else if (count_of[i] == -2) {
		/* Dossiers that reused a paper, per 100 dossiers scanned; one decimal, half up. */
		if ((n = v[HOSO_KPI_SCANNED]) > 0) {
			tenths = (v[HOSO_KPI_REUSED] * 2000 + n) / (2 * n);
			snprintf(out, 32, "%llu.%llu", (unsigned long long)(tenths / 10),
			    (unsigned long long)(tenths % 10));
		}
	} else if ((n = v[HOSO_KPI_OCR_CONFIDENCE_PAGES]) > 0) {
		/* The mean word confidence of the pages, one decimal, rounded half up. */
		tenths = (v[HOSO_KPI_OCR_CONFIDENCE_SUM] * 20 + n) / (2 * n);
		snprintf(out, 32, "%llu.%llu", (unsigned long long)(tenths / 10),
		    (unsigned long long)(tenths % 10));
	}
	return store_columns[i];
}

/* The code's record, or NULL. */
static const struct rec *
find_code(const struct hoso_kpi *k, const char *code)
{
	size_t n = strlen(code), h;
	uint32_t hash = hash_bytes(code, n);

	if (k->n_slots == 0)
		return NULL;
	for (h = hash & (k->n_slots - 1); k->slots[h] != 0; h = (h + 1) & (k->n_slots - 1)) {
		const struct rec *x;
		const unsigned char *c;

		if (!slot_may_be(k->slots[h], hash, k->slot_bits))
			continue;
		x = rec_at(k, slot_rec(k->slots[h], k->slot_bits));
		c = code_at(k, x->code);
		if (x->hash == hash && c[0] == n && memcmp(c + 1, code, n) == 0)
			return x;
	}
	return NULL;
}

/* Elements named "field" with review="true", anywhere under node (ocr/fields.xml). */
static uint64_t
review_fields(const struct hoso_xml_node *node)
{
	const struct hoso_xml_node *c;
	uint64_t n = 0;
	char *v;

	if (strcmp(hoso_xml_name(node), "field") == 0 && (v = hoso_xml_attr(node, "review")) != NULL) {
		n += strcmp(v, "true") == 0;
		free(v);
	}
	for (c = hoso_xml_child(node, NULL); c != NULL; c = hoso_xml_next(c, NULL))
		n += review_fields(c);
	return n;
}

static void
store_warn(struct hoso_kpi *k, const struct hoso_err *e)
{
	hoso_log(k->o.log, HOSO_LOG_WARN, "%s", e->msg);
	k->store_bad++;
}

/* The day (record days) a store dossier counts on, from its dossier.xml or its code. */
static bool
store_day(const struct hoso_dossier *d, const char *code_date, uint16_t *day, int32_t *abs_day)
{
	const char *s = d->meta.ngay_tiep_nhan != NULL ? d->meta.ngay_tiep_nhan : code_date;

	if (s == NULL || strlen(s) != 10 || !hoso_register_parse_date(s, 10, abs_day) ||
	    *abs_day <= DAY_BASE || *abs_day > DAY_BASE + 0xffff)
		return false;
	*day = (uint16_t)(*abs_day - DAY_BASE);
	return true;
}

static int
hex_val(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Remember the dossier's pages (sha256, time ingested) to tell reused papers. */
static int
see_pages(struct hoso_kpi *k, const struct hoso_dossier *d, struct hoso_err *err)
{
	size_t i, j;

	for (i = 0; i < d->n_pages; i++) {
		const struct hoso_page *p = &d->pages[i];
		struct seen_page *s;
		const char *t = p->ingested;
		uint64_t when = 0;

		if (k->n_seen == k->cap_seen) {
			size_t cap = k->cap_seen ? k->cap_seen * 2 : 256;
			struct seen_page *nv = realloc(k->seen, cap * sizeof(*nv));

			if (nv == NULL)
				return hoso_err_set(err, HOSO_EIO, _("out of memory"));
			k->seen = nv;
			k->cap_seen = cap;
		}
		s = &k->seen[k->n_seen];
		for (j = 0; j < 32; j++) {
			int hi = hex_val(p->sha256[2 * j]), lo = hex_val(p->sha256[2 * j + 1]);

			if (hi < 0 || lo < 0)
				break;
			s->sha[j] = (unsigned char)(hi << 4 | lo);
		}
		if (j < 32)
			continue;	/* no sha256: nothing to compare */
		/* "YYYY-MM-DDTHH:MM:SSZ": its digits, in order, compare as the times do. */
		for (; *t != '\0'; t++)
			if (*t >= '0' && *t <= '9')
				when = when * 10 + (uint64_t)(*t - '0');
		s->when = when;
		s->rec = -1;
		s->dossier = (uint32_t)k->store_dossiers;
		k->n_seen++;
	}
	return 0;
}

static int
by_sha_when(const void *a, const void *b)
{
	const struct seen_page *x = a, *y = b;
	int c = memcmp(x->sha, y->sha, sizeof(x->sha));

	if (c != 0)
		return c;
	return (x->when > y->when) - (x->when < y->when);
}

/*
 * A dossier reused a paper when one of its pages is the very file (sha256)
 * that another dossier had ingested before it: taken from the store, not
 * scanned again (a new scan of a paper is never the same file).
 */
static void
mark_reused(struct hoso_kpi *k)
{
	size_t i, j;

	hoso_sort(k->seen, k->n_seen, sizeof(*k->seen), by_sha_when);
	for (i = 0; i < k->n_seen; i = j) {
		for (j = i + 1; j < k->n_seen &&
		    memcmp(k->seen[j].sha, k->seen[i].sha, sizeof(k->seen[i].sha)) == 0; j++) {
			const struct seen_page *s = &k->seen[j];

			if (s->when > k->seen[i].when && s->dossier != k->seen[i].dossier && s->rec >= 0)
				k->store[s->rec].v[HOSO_KPI_REUSED] = 1;
		}
	}
	free(k->seen);
	k->seen = NULL;
	k->n_seen = k->cap_seen = 0;
}

/* One dossier of the store: what it adds, and where. */
static int
store_one(struct hoso_kpi *k, const char *store, const char *code, const char *archives,
    struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), xml = HOSO_BUF_INIT(0), unit = HOSO_BUF_INIT(256);
	struct hoso_dossier *d = NULL;
	struct hoso_xml *doc = NULL;
	struct store_rec x;
	struct hoso_err e;
	const struct rec *reg;
	struct stat st;
	char date[11];
	const char *ucode, *cdate = NULL;
	int32_t abs_day;
	size_t i, first_seen = 0;
	int r = 0;

	memset(&x, 0, sizeof(x));
	hoso_err_clear(&e);
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	d->lock_fd = -1;
	if ((d->code = strdup(code)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if (hoso_buf_addf(&path, &e, "%s/%s/dossier.xml", store, code) != 0 ||
	    hoso_file_read(hoso_buf_str(&path), 64u << 20, &xml, &e) != 0 ||
	    hoso_store_from_xml(d, xml.data, xml.len, hoso_buf_str(&path), &e) != 0) {
		store_warn(k, &e);
		goto out;
	}
	k->store_dossiers++;
	first_seen = k->n_seen;
	if ((r = see_pages(k, d, err)) != 0)
		goto out;
	x.v[HOSO_KPI_SCANNED] = d->n_pages > 0;
	x.v[HOSO_KPI_PAGES] = d->n_pages;
	for (i = 0; i < d->n_pages; i++) {
		const struct hoso_page *p = &d->pages[i];

		x.v[HOSO_KPI_BLANK_PAGES] += p->blank;
		if (p->ocr_status == NULL || strcmp(p->ocr_status, "ok") != 0)
			continue;
		x.v[HOSO_KPI_OCR_PAGES]++;
		if (p->ocr_confidence >= 0) {
			x.v[HOSO_KPI_OCR_CONFIDENCE_SUM] += (uint64_t)p->ocr_confidence;
			x.v[HOSO_KPI_OCR_CONFIDENCE_PAGES]++;
		}
	}
	/* ocr/fields.xml, when the dossier has one. */
	hoso_buf_reset(&path);
	hoso_buf_reset(&xml);
	if (hoso_buf_addf(&path, &e, "%s/%s/ocr/fields.xml", store, code) == 0 &&
	    stat(hoso_buf_str(&path), &st) == 0) {
		if (hoso_file_read(hoso_buf_str(&path), 64u << 20, &xml, &e) != 0 ||
		    hoso_xml_parse(xml.data, xml.len, hoso_buf_str(&path), &doc, &e) != 0)
			store_warn(k, &e);
		else
			x.v[HOSO_KPI_REVIEW_FIELDS] = review_fields(hoso_xml_root(doc));
	}
	/* sign-pack writes <code>.asice wherever it is told; the store does not record it. */
	hoso_buf_reset(&path);
	if (archives != NULL && hoso_buf_addf(&path, &e, "%s/%s.asice", archives, code) == 0 &&
	    stat(hoso_buf_str(&path), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		x.v[HOSO_KPI_ARCHIVES_SIGNED] = 1;
	/* Where it counts: its register row, else its dossier.xml, else its code. */
	if ((reg = find_code(k, code)) != NULL) {
		k->store_matched++;
		x.unit = reg->unit;
		x.day = reg->recv;
		x.field = reg->field;
	} else {
		if (hoso_store_code_parts(code, &unit, date))
			cdate = date;
		ucode = d->meta.ma_don_vi != NULL ? d->meta.ma_don_vi : unit.len > 0 ?
		    hoso_buf_str(&unit) : NULL;
		if (ucode == NULL || !store_day(d, cdate, &x.day, &abs_day)) {
			k->store_unplaced++;
			goto out;
		}
		if (!hoso_units_from_file(k->units)) {
			if ((r = hoso_units_adhoc(k->units, ucode, &x.unit, err)) < 0)
				goto out;
			if (r > 0) {	/* a control character: no report could name the unit */
				r = 0;
				k->store_unplaced++;
				goto out;
			}
		} else if (!hoso_units_find(k->units, ucode, abs_day, &x.unit)) {
			k->store_unplaced++;
			goto out;
		}
		if ((r = intern_field(k, "(kh\xc3\xb4ng x\xc3\xa1" "c \xc4\x91\xe1\xbb\x8bnh)", &x.field,
		    err)) != 0)
			goto out;
	}
	if (k->n_store == k->cap_store) {
		size_t cap = k->cap_store ? k->cap_store * 2 : 64;
		struct store_rec *nv = realloc(k->store, cap * sizeof(*nv));

		if (nv == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		k->store = nv;
		k->cap_store = cap;
	}
	for (i = first_seen; i < k->n_seen; i++)
		k->seen[i].rec = (int64_t)k->n_store;
	k->store[k->n_store++] = x;
out:
	hoso_xml_free(doc);
	hoso_store_close(d);
	hoso_buf_free(&path);
	hoso_buf_free(&xml);
	hoso_buf_free(&unit);
	return r;
}

int
hoso_kpi_add_store(struct hoso_kpi *k, const char *store, const char *archives,
    struct hoso_err *err)
{
	DIR *dir;
	struct dirent *de;
	int r = 0;

	if ((dir = opendir(store)) == NULL)
		return hoso_err_set(err, errno == ENOENT || errno == ENOTDIR ? HOSO_EINPUT : HOSO_EIO,
		    _("%s: cannot read the store: %s"), store, strerror(errno));
	k->has_store = true;
	/* Every directory whose name is a dossier code (hoso-store(5)); the rest is not ours. */
	while (r == 0 && (de = readdir(dir)) != NULL) {
		if (!hoso_store_code_ok(de->d_name))
			continue;
		r = store_one(k, store, de->d_name, archives, err);
	}
	closedir(dir);
	if (r == 0)
		mark_reused(k);
	return r;
}

/* ---- counting ---- */

/*
 * Spec, "Counting rules": one dossier over [from, to], day numbers as in
 * records. Every count is added, 0 or 1, rather than branched to: the
 * branches follow the data (channel, dates, flags) and mispredicted on most
 * dossiers of a generated register (10M records: 0.24 s to count, now 0.13-0.17 s).
 */
static bool
count_one(const struct rec *x, uint16_t from, uint16_t to, uint64_t c[HOSO_KPI_N_COUNTS])
{
	unsigned b = (unsigned)x->flags >> F_SHIFT;
	uint64_t has_due = x->due != REC_NONE, has_done = x->done != REC_NONE;
	uint64_t online = (x->flags & F_KENH_MASK) == HOSO_KENH_TRUC_TUYEN;
	uint64_t in, done, open;

	if (x->recv > to || (has_done && x->done < from))
		return false;
	in = x->recv >= from;
	c[HOSO_KPI_RECEIVED] += in;
	c[HOSO_KPI_ONLINE] += in & online;
	c[HOSO_KPI_END_TO_END] += in & online & ((x->flags & F_TOAN_TRINH) != 0);
	c[HOSO_KPI_PAPER] += in & !online;
	c[HOSO_KPI_DIGITIZED] += in & ((b & HOSO_REG_SO_HOA_HO_SO) != 0);
	c[HOSO_KPI_PAID_ONLINE] += in & ((b & HOSO_REG_THANH_TOAN_TRUC_TUYEN) != 0);
	c[HOSO_KPI_CARRIED_OVER] += !in;	/* recv < from, not done before from */
	done = has_done & (x->done <= to);
	open = !done;
	c[HOSO_KPI_RESOLVED] += done;
	c[HOSO_KPI_ON_TIME] += done & (!has_due | (x->done == x->due));
	c[HOSO_KPI_EARLY] += done & has_due & (x->done < x->due);
	c[HOSO_KPI_LATE] += done & has_due & (x->done > x->due);
	c[HOSO_KPI_DIGITIZED_RESULTS] += done & ((b & HOSO_REG_SO_HOA_KET_QUA) != 0);
	c[HOSO_KPI_SIGNED] += done & ((b & HOSO_REG_KY_SO) != 0);
	c[HOSO_KPI_PENDING] += open;
	c[HOSO_KPI_IN_TIME] += open & (!has_due | (x->due > to));
	c[HOSO_KPI_OVERDUE] += open & has_due & (x->due <= to);
	return true;
}

static uint64_t
make_key(unsigned unit, unsigned level, unsigned field, unsigned month)
{
	return (uint64_t)unit << 48 | (uint64_t)level << 32 | (uint64_t)field << 16 | month;
}

static int
group_get(struct groups *g, uint64_t key, struct group **out, struct hoso_err *err)
{
	size_t h, i;

	if ((g->n + 1) * 2 > g->n_slots) {
		size_t ns = g->n_slots ? g->n_slots * 2 : 256;
		uint32_t *slots = calloc(ns, sizeof(*slots));

		if (slots == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		for (i = 0; i < g->n; i++) {
			for (h = (size_t)(g->v[i].key * 0x9e3779b97f4a7c15ULL >> 20) & (ns - 1);
			    slots[h] != 0; h = (h + 1) & (ns - 1))
				;
			slots[h] = (uint32_t)i + 1;
		}
		free(g->slots);
		g->slots = slots;
		g->n_slots = ns;
	}
	for (h = (size_t)(key * 0x9e3779b97f4a7c15ULL >> 20) & (g->n_slots - 1); g->slots[h] != 0;
	    h = (h + 1) & (g->n_slots - 1)) {
		if (g->v[g->slots[h] - 1].key == key) {
			*out = &g->v[g->slots[h] - 1];
			return 0;
		}
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct group *nv = realloc(g->v, cap * sizeof(*nv));

		if (nv == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		g->v = nv;
		g->cap = cap;
	}
	memset(&g->v[g->n], 0, sizeof(g->v[g->n]));
	g->v[g->n].key = key;
	g->slots[h] = (uint32_t)++g->n;
	*out = &g->v[g->n - 1];
	return 0;
}

static int
group_add(struct groups *g, uint64_t key, const uint64_t c[N_ALL], struct hoso_err *err)
{
	struct group *x;
	int i, r;

	if ((r = group_get(g, key, &x, err)) != 0)
		return r;
	for (i = 0; i < N_ALL; i++)
		x->counts[i] += c[i];
	return 0;
}

static void
groups_free(struct groups *g)
{
	free(g->v);
	free(g->slots);
}

static unsigned
month_of(uint16_t day)
{
	int y, m, d;

	hoso_date_civil(DAY_BASE + day, &y, &m, &d);
	return (unsigned)((y - 2000) * 12 + m - 1);
}

static uint16_t
month_first(unsigned month)
{
	return (uint16_t)(hoso_date_day(2000 + (int)month / 12, (int)month % 12 + 1, 1) - DAY_BASE);
}

static int
cmp_keys(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;

	return a->key < b->key ? -1 : a->key > b->key;
}

static int
cmp_names(const void *pa, const void *pb)
{
	return strcmp(**(char *const *const *)pa, **(char *const *const *)pb);
}

/*
 * Rows sort by unit (units-file order), level, field name (bytes of NFC) and
 * month: field indices in the keys are replaced by their rank by name, so that
 * one integer comparison sorts (and qsort needs no context). by_rank[rank] is
 * the field index back.
 */
static int
sort_groups(const struct hoso_kpi *k, struct groups *g, uint16_t **by_rank, struct hoso_err *err)
{
	char ***ptrs = NULL;
	uint16_t *rank = NULL;
	size_t i;
	int r;

	if ((ptrs = malloc((k->n_fields + 1) * sizeof(*ptrs))) == NULL ||
	    (rank = malloc((k->n_fields + 1) * sizeof(*rank))) == NULL ||
	    (*by_rank = malloc((k->n_fields + 1) * sizeof(**by_rank))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < k->n_fields; i++)
		ptrs[i] = &k->fields[i];
	if (k->n_fields > 0)
		hoso_sort(ptrs, k->n_fields, sizeof(*ptrs), cmp_names);
	for (i = 0; i < k->n_fields; i++) {
		size_t f = (size_t)(ptrs[i] - k->fields);

		rank[f] = (uint16_t)i;
		(*by_rank)[i] = (uint16_t)f;
	}
	for (i = 0; i < g->n; i++) {
		uint64_t f = g->v[i].key >> 16 & 0xffff;

		if (f != KEY_NONE)
			g->v[i].key = (g->v[i].key & ~((uint64_t)0xffff << 16)) | (uint64_t)rank[f] << 16;
	}
	if (g->n > 0)
		hoso_sort(g->v, g->n, sizeof(*g->v), cmp_keys);
	r = 0;
out:
	free(ptrs);
	free(rank);
	return r;
}

static void
fill_row(const struct hoso_kpi *k, const struct group *g, const uint16_t *by_rank,
    struct hoso_kpi_row *row)
{
	unsigned u = (unsigned)(g->key >> 48), l = (unsigned)(g->key >> 32) & 0xffff;
	unsigned f = (unsigned)(g->key >> 16) & 0xffff, m = (unsigned)g->key & 0xffff;
	const struct hoso_unit *x;

	memset(row, 0, sizeof(*row));
	row->month = -1;
	row->level_id = HOSO_LEVEL_NONE;
	if (u != KEY_NONE) {
		x = hoso_units_get(k->units, u);
		row->unit = x->code;
		row->unit_name = x->name;
		row->level_id = x->level;
		if (k->o.by & HOSO_KPI_BY_LEVEL)
			row->level = hoso_units_level_name(x->level);
	}
	if (l != KEY_NONE) {
		row->level_id = (int)l;
		row->level = hoso_units_level_name((int)l);
	}
	if (f != KEY_NONE)
		row->field = k->fields[by_rank[f]];
	if (m != KEY_NONE)
		row->month = 24000 + (int)m;
	memcpy(row->counts, g->counts, sizeof(row->counts));
	memcpy(row->store, g->counts + HOSO_KPI_N_COUNTS, sizeof(row->store));
}

/* Ancestor chain of a unit in the world the report is in (as-of or as recorded). */
static uint32_t
root_of(const struct hoso_units *u, uint32_t i)
{
	while (hoso_units_get(u, i)->parent != HOSO_UNIT_NONE)
		i = hoso_units_get(u, i)->parent;
	return i;
}

/*
 * Plain --by unit with roll-up lists every unit of the provinces the registers
 * speak of that is valid in the period (or on the --as-of day), zeros included:
 * a commune that reported nothing is part of the report. --direct lists only
 * units with a count (spec, "Machine-readable output").
 */
static int
add_zero_units(const struct hoso_kpi *k, struct groups *out, struct hoso_err *err)
{
	size_t n = hoso_units_count(k->units), i, j;
	bool *root_used;
	struct group *g;
	int r = 0;

	if ((root_used = calloc(n ? n : 1, sizeof(*root_used))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (j = 0; j < out->n; j++)
		root_used[root_of(k->units, (uint32_t)(out->v[j].key >> 48))] = true;
	for (i = 0; i < n; i++) {
		const struct hoso_unit *x = hoso_units_get(k->units, (uint32_t)i);
		int32_t f = k->o.from, t = k->o.to;
		bool valid;

		if (k->o.has_as_of)
			valid = x->from <= k->o.as_of && k->o.as_of <= x->to;
		else
			valid = x->from <= t && f <= x->to;
		if (!valid || !root_used[root_of(k->units, (uint32_t)i)])
			continue;
		if ((r = group_get(out, make_key((unsigned)i, KEY_NONE, KEY_NONE, KEY_NONE), &g, err)) != 0)
			break;
	}
	free(root_used);
	return r;
}

/* ---- the trend by month (HTML report) ---- */

/*
 * In a base group's key the level field holds, while rolling up by unit, the
 * span of the unit a dossier rolls up along (hoso_units_span): by the date it
 * was received, or --as-of's date. Without roll-up, KEY_NONE.
 */
static inline unsigned
span_of(const struct hoso_kpi *k, uint32_t unit, uint16_t recv)
{
	if (!(k->o.by & HOSO_KPI_BY_UNIT) || k->o.direct)
		return KEY_NONE;
	return hoso_units_span(k->units, unit, k->o.has_as_of ? k->o.as_of : DAY_BASE + recv);
}

/* Records [from, to) into groups of their own: hoso_kpi_count without months, on a thread. */
struct count_part {
	const struct hoso_kpi *k;
	const uint32_t *map;		/* unit -> the unit it is counted under */
	size_t n_units;
	uint16_t day_from, day_to;	/* the period, record days */
	size_t from, to;		/* the records of this part */
	struct groups g;
	int r;
	struct hoso_err err;
};

static void *
count_part(void *arg)
{
	struct count_part *cp = arg;
	const struct hoso_kpi *k = cp->k;
	uint16_t from = cp->day_from, to = cp->day_to;
	unsigned by = k->o.by;
	uint32_t *unit_group = NULL;	/* unit index -> group + 1, by unit alone */
	size_t i;

	if (!(by & HOSO_KPI_BY_FIELD) &&
	    (unit_group = calloc(cp->n_units ? cp->n_units : 1, sizeof(*unit_group))) == NULL) {
		cp->r = hoso_err_set(&cp->err, HOSO_EIO, _("out of memory"));
		return NULL;
	}
	for (i = cp->from; i < cp->to; i++) {
		const struct rec *x = rec_at(k, (uint32_t)i);
		struct group *g;

		if (x->recv > to || (x->done != REC_NONE && x->done < from) || (x->flags & F_DEAD))
			continue;
		/* By unit alone, a unit's group is found by its index (unit_group). */
		if (unit_group != NULL && unit_group[x->unit] != 0) {
			g = &cp->g.v[unit_group[x->unit] - 1];
		} else {
			uint32_t u = cp->map[x->unit];

			if ((cp->r = group_get(&cp->g, make_key(u, span_of(k, u, x->recv),
			    by & HOSO_KPI_BY_FIELD ? x->field : KEY_NONE, KEY_NONE), &g, &cp->err)) != 0)
				break;
			/* A unit whose parents change in time has a group per span. */
			if (unit_group != NULL && hoso_units_n_spans(k->units, u) <= 1)
				unit_group[x->unit] = (uint32_t)(g - cp->g.v) + 1;
		}
		count_one(x, from, to, g->counts);
	}
	free(unit_group);
	return NULL;
}

struct trend {
	unsigned first;			/* month of c[0] */
	size_t n;
	uint64_t (*c)[HOSO_KPI_N_COUNTS];
};

/* Months m_last - trend_months + 1 (or m_first when earlier) .. m_last, not before 2000-01. */
static int
trend_init(const struct hoso_kpi *k, unsigned m_first, unsigned m_last, struct trend *t,
    struct hoso_err *err)
{
	unsigned want = k->o.trend_months;

	t->first = m_first;
	if (m_last - m_first + 1 < want)
		t->first = m_last + 1 >= want ? m_last + 1 - want : 0;
	t->n = m_last - t->first + 1;
	if ((t->c = calloc(t->n, sizeof(*t->c))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	return 0;
}

/*
 * One dossier into every month of the trend it concerns: each month is a
 * period of its own, cut to [from, to] inside the report's period as --by
 * month cuts it, whole before it.
 */
static void
trend_add(struct trend *t, const struct rec *x, uint16_t from, uint16_t to, unsigned m_first)
{
	uint64_t c[HOSO_KPI_N_COUNTS];
	unsigned m = month_of(x->recv), last = t->first + (unsigned)t->n - 1;
	int32_t lo, hi;
	int i;

	if (x->recv > to)
		return;
	for (m = m > t->first ? m : t->first; m <= last; m++) {
		lo = hoso_date_day(2000 + (int)m / 12, (int)m % 12 + 1, 1) - DAY_BASE;
		hi = hoso_date_day(2000 + (int)(m + 1) / 12, (int)(m + 1) % 12 + 1, 1) - DAY_BASE - 1;
		if (m >= m_first && lo < from)
			lo = from;
		if (hi > to)
			hi = to;
		if (x->done != REC_NONE && x->done < lo)
			break;
		memset(c, 0, sizeof(c));
		if (count_one(x, (uint16_t)lo, (uint16_t)hi, c))
			for (i = 0; i < HOSO_KPI_N_COUNTS; i++)
				t->c[m - t->first][i] += c[i];
	}
}

/* The months into res, from the first one in which anything was received or resolved. */
static int
trend_fill(const struct trend *t, unsigned m_first, struct hoso_kpi_result *res,
    struct hoso_err *err)
{
	size_t skip = 0, i;

	while (skip < t->n && t->first + skip < m_first && t->c[skip][HOSO_KPI_RECEIVED] == 0 &&
	    t->c[skip][HOSO_KPI_RESOLVED] == 0)
		skip++;
	if ((res->trend = calloc(t->n - skip, sizeof(*res->trend))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (i = skip; i < t->n; i++) {
		struct hoso_kpi_row *row = &res->trend[i - skip];

		row->month = 24000 + (int)(t->first + i);
		row->level_id = HOSO_LEVEL_NONE;
		memcpy(row->counts, t->c[i], sizeof(row->counts));
	}
	res->n_trend = t->n - skip;
	return 0;
}

/* One count: the period in record days, the unit map, the groups as they are made. */
struct counting {
	struct hoso_kpi *k;
	uint16_t from, to;		/* the period, record days */
	unsigned by, m_first, m_last;
	uint32_t *map;			/* unit -> the unit it counts under (--as-of) */
	size_t n_units;
	struct groups base;		/* attributed unit, and field and month when grouped so */
	struct groups out;		/* the report's rows: rolled up, direct or by level */
	struct count_part cp[MERGE_THREADS_MAX];
};

/* Each unit counts under itself, or under the unit it was on --as-of. */
static int
unit_map(struct counting *c, struct hoso_err *err)
{
	size_t i;
	int r;

	if ((c->map = malloc((c->n_units ? c->n_units : 1) * sizeof(*c->map))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (i = 0; i < c->n_units; i++) {
		c->map[i] = (uint32_t)i;
		if (c->k->o.has_as_of && (r = hoso_units_as_of(c->k->units, (uint32_t)i,
		    c->k->o.as_of, &c->map[i], err)) != 0)
			return r;
	}
	return 0;
}

/*
 * Without months a dossier counts straight into its group (when it counts at
 * all: no group is made for none), on as many threads as the reading had, and
 * the total is the sum of the groups.
 */
static int
count_by_group(struct counting *c, struct hoso_kpi_result *res, struct hoso_err *err)
{
	const struct hoso_kpi *k = c->k;
	unsigned n = k->jobs < 1 ? 1 : k->jobs > MERGE_THREADS_MAX ? MERGE_THREADS_MAX : k->jobs, t;
	/* A thread for 64 Ki records at least (for part_size records in tests). */
	size_t least = k->o.part_size ? k->o.part_size : 65536, i;
	int m, r;

	if (n > k->n_recs / least + 1)
		n = (unsigned)(k->n_recs / least + 1);
	for (t = 0; t < n; t++) {
		c->cp[t].k = k;
		c->cp[t].map = c->map;
		c->cp[t].n_units = c->n_units;
		c->cp[t].day_from = c->from;
		c->cp[t].day_to = c->to;
		c->cp[t].from = k->n_recs * t / n;
		c->cp[t].to = k->n_recs * (t + 1) / n;
	}
	run_threads(count_part, c->cp, sizeof(c->cp[0]), n);
	for (t = 0; t < n; t++) {
		if (c->cp[t].r != 0) {
			*err = c->cp[t].err;
			return c->cp[t].r;
		}
		for (i = 0; i < c->cp[t].g.n; i++)
			if ((r = group_add(&c->base, c->cp[t].g.v[i].key, c->cp[t].g.v[i].counts,
			    err)) != 0)
				return r;
	}
	for (i = 0; i < c->base.n; i++)
		for (m = 0; m < HOSO_KPI_N_COUNTS; m++)
			res->total.counts[m] += c->base.v[i].counts[m];
	return 0;
}

/*
 * --by month: each month is its own period cut to [from, to], so received
 * goes by the month of recv, resolved by the month of done, and carried over
 * and pending are those of the month (spec, "Grouping").
 */
static int
count_by_month(struct counting *c, struct hoso_kpi_result *res, struct hoso_err *err)
{
	const struct hoso_kpi *k = c->k;
	uint64_t v[N_ALL];
	unsigned m;
	size_t i;
	int r;

	for (i = 0; i < k->n_recs; i++) {
		const struct rec *x = rec_at(k, (uint32_t)i);
		unsigned unit = c->map[x->unit];
		unsigned field = c->by & HOSO_KPI_BY_FIELD ? x->field : KEY_NONE;

		memset(v, 0, sizeof(v));
		if ((x->flags & F_DEAD) || !count_one(x, c->from, c->to, v))
			continue;
		for (m = 0; m < HOSO_KPI_N_COUNTS; m++)
			res->total.counts[m] += v[m];
		for (m = month_of(x->recv) > c->m_first ? month_of(x->recv) : c->m_first;
		    m <= c->m_last; m++) {
			uint16_t mf = month_first(m), ml = (uint16_t)(month_first(m + 1) - 1);
			uint16_t lo = mf > c->from ? mf : c->from, hi = ml < c->to ? ml : c->to;

			if (x->done != REC_NONE && x->done < lo)
				break;
			memset(v, 0, sizeof(v));
			if (count_one(x, lo, hi, v) && (r = group_add(&c->base, make_key(unit,
			    span_of(k, unit, x->recv), field, m), v, err)) != 0)
				return r;
		}
	}
	return 0;
}

/* The store's dossiers (--store), by the month of their date received. */
static int
count_store(struct counting *c, struct hoso_kpi_result *res, struct hoso_err *err)
{
	const struct hoso_kpi *k = c->k;
	uint64_t v[N_ALL];
	size_t i, m;
	int r;

	for (i = 0; i < k->n_store; i++) {
		const struct store_rec *x = &k->store[i];
		uint32_t unit = c->map[x->unit];

		if (x->day < c->from || x->day > c->to)
			continue;
		memset(v, 0, sizeof(v));
		memcpy(v + HOSO_KPI_N_COUNTS, x->v, sizeof(x->v));
		for (m = 0; m < HOSO_KPI_N_STORE; m++)
			res->total.store[m] += x->v[m];
		if ((r = group_add(&c->base, make_key(unit, span_of(k, unit, x->day),
		    c->by & HOSO_KPI_BY_FIELD ? x->field : KEY_NONE,
		    c->by & HOSO_KPI_BY_MONTH ? month_of(x->day) : KEY_NONE), v, err)) != 0)
			return r;
	}
	return 0;
}

/* Output groups: rolled up along the units' parents, or direct, or by level. */
static int
roll_up(struct counting *c, struct hoso_err *err)
{
	const struct hoso_kpi *k = c->k;
	size_t i;
	int r;

	for (i = 0; i < c->base.n; i++) {
		const struct group *g = &c->base.v[i];
		uint32_t unit = (uint32_t)(g->key >> 48);
		uint64_t rest = g->key & 0xffffffffULL;
		uint64_t lev = (uint64_t)KEY_NONE << 32;

		if (c->by & HOSO_KPI_BY_UNIT) {
			uint32_t span = (uint32_t)(g->key >> 32) & 0xffff;

			for (;;) {
				if ((r = group_add(&c->out, (uint64_t)unit << 48 | lev | rest, g->counts,
				    err)) != 0)
					return r;
				/* Up along the parents valid over the dossiers' span. */
				if (k->o.direct || !hoso_units_up(k->units, &unit, &span))
					break;
			}
			continue;
		}
		if (c->by & HOSO_KPI_BY_LEVEL)
			lev = (uint64_t)hoso_units_get(k->units, unit)->level << 32;
		if ((r = group_add(&c->out, (uint64_t)KEY_NONE << 48 | lev | rest, g->counts,
		    err)) != 0)
			return r;
	}
	if (c->by == HOSO_KPI_BY_UNIT && !k->o.direct && hoso_units_from_file(k->units))
		return add_zero_units(k, &c->out, err);
	return 0;
}

/* The rows in report order, and what the reading and the store add to the result. */
static int
make_rows(struct counting *c, struct hoso_kpi_result *res, struct hoso_err *err)
{
	const struct hoso_kpi *k = c->k;
	uint16_t *by_rank = NULL;
	size_t i;
	int r;

	if ((r = sort_groups(k, &c->out, &by_rank, err)) != 0)
		return r;
	if ((res->rows = calloc(c->out.n ? c->out.n : 1, sizeof(*res->rows))) == NULL) {
		free(by_rank);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	for (i = 0; i < c->out.n; i++)
		fill_row(k, &c->out.v[i], by_rank, &res->rows[i]);
	free(by_rank);
	res->n_rows = c->out.n;
	res->total.month = -1;
	res->rows_read = k->rows_read;
	res->dossiers = k->n_recs - k->n_dead;
	res->duplicates = k->duplicates;
	res->has_store = k->has_store;
	res->store_dossiers = k->store_dossiers;
	res->store_matched = k->store_matched;
	res->store_unplaced = k->store_unplaced;
	res->store_bad = k->store_bad;
	memcpy(res->skipped, k->skipped, sizeof(res->skipped));
	res->units_repaired = k->units_repaired;
	res->dossier_bytes = k->n_rec_chunks * REC_CHUNK * sizeof(struct rec) +
	    k->n_slots * sizeof(uint32_t) + k->n_arena * ARENA_CHUNK +
	    (k->n_rec_chunks + k->n_arena) * sizeof(void *);
	return 0;
}

int
hoso_kpi_count(struct hoso_kpi *k, struct hoso_kpi_result *res, struct hoso_err *err)
{
	struct counting c;
	struct trend trend = { 0, 0, NULL };
	unsigned t;
	size_t i;
	int r;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.k = k;
	c.by = k->o.by;
	/* Options hold absolute days; records hold days from DAY_BASE. */
	c.from = (uint16_t)(k->o.from - DAY_BASE);
	c.to = (uint16_t)(k->o.to - DAY_BASE);
	c.m_first = month_of(c.from);
	c.m_last = month_of(c.to);
	c.n_units = hoso_units_count(k->units);
	/* The HTML report's trend: every dossier, in its own pass. */
	if (k->o.trend_months > 0) {
		if ((r = trend_init(k, c.m_first, c.m_last, &trend, err)) != 0)
			goto out;
		for (i = 0; i < k->n_recs; i++)
			if (!(rec_at(k, (uint32_t)i)->flags & F_DEAD))
				trend_add(&trend, rec_at(k, (uint32_t)i), c.from, c.to, c.m_first);
	}
	if ((r = unit_map(&c, err)) != 0 ||
	    (r = (c.by & HOSO_KPI_BY_MONTH) ? count_by_month(&c, res, err) :
	    count_by_group(&c, res, err)) != 0 ||
	    (r = count_store(&c, res, err)) != 0 || (r = roll_up(&c, err)) != 0 ||
	    (r = make_rows(&c, res, err)) != 0 ||
	    (trend.c != NULL && (r = trend_fill(&trend, c.m_first, res, err)) != 0))
		goto out;
out:
	free(c.map);
	for (t = 0; t < MERGE_THREADS_MAX; t++)
		groups_free(&c.cp[t].g);
	free(trend.c);
	groups_free(&c.base);
	groups_free(&c.out);
	if (r != 0)
		hoso_kpi_result_free(res);
	return r;
}

void
hoso_kpi_result_free(struct hoso_kpi_result *res)
{
	free(res->rows);
	res->rows = NULL;
	res->n_rows = 0;
	free(res->trend);
	res->trend = NULL;
	res->n_trend = 0;
}
