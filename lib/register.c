/*
 * register.c - register exports (specs/register-csv.md, "File format", "Columns", "Rows"):
 * an RFC 4180 record reader that streams in blocks, and the row parser on top of it.
 * Memory is one block plus the longest row, whatever the size of the file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "date.h"
#include "file.h"
#include "i18n.h"
#include "register.h"
#include "utf8.h"
#include "xlsx.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define DEFAULT_BLOCK ((size_t)1 << 20)
#define DEFAULT_MAX_ROW ((size_t)1 << 20)
/* Bytes allocated past the block, so that csv_fast may load 16 at a time up to its end. */
#define BLK_SLACK 64

enum csv_state { ST_START, ST_UNQUOTED, ST_QUOTED, ST_QUOTE_SEEN };

struct hoso_register_csv {
	int fd;
	char *label;
	char *blk;
	size_t blk_size, blk_len, blk_pos;
	bool eof, started, skip_lf;
	uint64_t bytes;
	char sep;
	long line;		/* line of the next byte */
	size_t max_row;
	struct hoso_buf rec;	/* the cells of the record, each NUL-terminated */
	size_t *starts, *lens;
	char **cells;
	size_t n_cells, cap_cells;
	unsigned char special[256];	/* bytes that end an unquoted run */
	unsigned char fast_special[256];	/* bytes csv_fast stops at */
	bool keep_long;		/* a record over max_row is returned cut, too_long set */
	bool too_long;		/* the last record was cut at max_row bytes ... */
	size_t long_cell;	/* ... in this cell */
	bool in_block;		/* the last record was split in place in the block */
	bool text_ok;		/* ... and all of it is valid UTF-8 without a NUL */
	/* A part of a file (hoso_register_open_part): read with pread from base on. */
	bool part;
	uint64_t base;		/* file offset of the first byte read */
	uint64_t soft_end;	/* no record that starts at or after it is read */
};

/* The columns of the spec; the order here is the index in struct hoso_register.col. */
enum {
	C_MA_HO_SO, C_MA_TTHC, C_LINH_VUC, C_MA_DON_VI, C_KENH, C_MUC_DO, C_NGAY_TIEP_NHAN,
	C_NGAY_HEN_TRA, C_NGAY_KET_THUC, C_NGAY_TRA, C_TRANG_THAI, C_SO_HOA_HO_SO,
	C_SO_HOA_KET_QUA, C_THANH_TOAN, C_KY_SO, C_MAX
};

static const struct {
	const char *name;
	bool required;
} columns[C_MAX] = {
	{ "ma_ho_so", true }, { "ma_tthc", false }, { "linh_vuc", false },
	{ "ma_don_vi", true }, { "kenh", true }, { "muc_do", false },
	{ "ngay_tiep_nhan", true }, { "ngay_hen_tra", false }, { "ngay_ket_thuc", false },
	{ "ngay_tra", false }, { "trang_thai", false }, { "so_hoa_ho_so", false },
	{ "so_hoa_ket_qua", false }, { "thanh_toan_truc_tuyen", false }, { "ky_so", false },
};

struct hoso_register {
	struct hoso_register_csv *csv;
	struct hoso_xlsx *xlsx;		/* an Excel workbook instead of CSV */
	char *label;
	bool lenient;
	size_t *skipped;
	size_t col[C_MAX];	/* cell index of each column; SIZE_MAX when absent */
	char **header;		/* header names, for messages about unknown columns */
	size_t n_header;
	const struct hoso_register_labels *labels;	/* NULL: built-in */
	struct hoso_buf nfc;	/* scratch for comparing có/không */
	bool header_borrowed;	/* a part: header belongs to the whole file's reader */
	off_t seek_start;	/* the fd's offset when opened; -1 when it has none (a pipe) */
};

/* ---- dates ---- */

/*
 * The cells are read eight bytes at a time: a word's bytes XOR '0' are 0..9
 * exactly where they were digits. lanes has 0xff in the bytes that must be.
 */
static inline uint64_t
load8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);	/* byte i of the cell is byte i of the word */
#endif
	return w ^ 0x3030303030303030ULL;
}

static inline bool
lanes_digits(uint64_t x, uint64_t lanes)
{
	/* A byte from 10 up gets its top bit by the addition (no carry: 0x7f + 0x76 < 0x100). */
	return ((((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7676767676767676ULL) | x) &
	    0x8080808080808080ULL & lanes) == 0;
}

/* Byte i of x (a digit's value after load8). */
static inline int
lane(uint64_t x, unsigned i)
{
	return (int)(x >> (8 * i) & 0xff);
}

static inline bool
digit2(const char *s, int *v)
{
	unsigned a = (unsigned)(unsigned char)s[0] - '0', b = (unsigned)(unsigned char)s[1] - '0';

	*v = (int)(a * 10 + b);
	return a <= 9 && b <= 9;
}

/* "HH:MM" or "HH:MM:SS", checked and dropped: comparisons are by calendar date. */
static bool
time_ok(const char *s, size_t n)
{
	int h, m, sec = 0;

	if (n != 5 && n != 8)
		return false;
	if (!digit2(s, &h) || s[2] != ':' || !digit2(s + 3, &m) || h > 23 || m > 59)
		return false;
	if (n == 8 && (s[5] != ':' || !digit2(s + 6, &sec) || sec > 59))
		return false;
	return true;
}

/*
 * YYYY-MM-DD or DD/MM/YYYY, then an optional time: the first eight bytes are
 * checked and taken apart as one word, the last two as a pair.
 */
bool
hoso_register_parse_date(const char *s, size_t n, int32_t *day)
{
	uint64_t x;
	int y, m, d, t;

	if (n < 10)
		return false;
	x = load8(s);
	if (s[4] == '-' && s[7] == '-') {
		/* Y Y Y Y - M M - | D D */
		if (!lanes_digits(x, 0x00ffff00ffffffffULL) || !digit2(s + 8, &d))
			return false;
		y = lane(x, 0) * 1000 + lane(x, 1) * 100 + lane(x, 2) * 10 + lane(x, 3);
		m = lane(x, 5) * 10 + lane(x, 6);
		if (n > 10 && ((s[10] != ' ' && s[10] != 'T') || !time_ok(s + 11, n - 11)))
			return false;
	} else if (s[2] == '/' && s[5] == '/') {
		/* D D / M M / Y Y | Y Y */
		if (!lanes_digits(x, 0xffff00ffff00ffffULL) || !digit2(s + 8, &t))
			return false;
		d = lane(x, 0) * 10 + lane(x, 1);
		m = lane(x, 3) * 10 + lane(x, 4);
		y = lane(x, 6) * 1000 + lane(x, 7) * 100 + t;
		if (n > 10 && (s[10] != ' ' || !time_ok(s + 11, n - 11)))
			return false;
	} else {
		return false;
	}
	if (y < 1 || !hoso_date_valid(y, m, d))
		return false;
	*day = hoso_date_day(y, m, d);
	return true;
}

const char *
hoso_register_skip_name(int reason)
{
	static const char *const names[HOSO_REG_SKIP_MAX] = {
		"empty_cell", "bad_date", "bad_value", "finished_before_received", "bad_text",
		"unknown_unit",
	};

	return reason >= 0 && reason < HOSO_REG_SKIP_MAX ? names[reason] : "?";
}

/* ---- RFC 4180 records ---- */

static int
csv_fill(struct hoso_register_csv *c, struct hoso_err *err)
{
	ssize_t got;

	c->blk_pos = 0;
	c->blk_len = 0;
	for (;;) {
		got = c->part ? pread(c->fd, c->blk, c->blk_size, (off_t)(c->base + c->bytes)) :
		    read(c->fd, c->blk, c->blk_size);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return hoso_err_sys(err, errno, _("%s: cannot read"), c->label);
		break;
	}
	if (got == 0)
		c->eof = true;
	c->blk_len = (size_t)got;
	c->bytes += (uint64_t)got;
	return 0;
}

/*
 * The separator is the most frequent of ',' ';' TAB outside quotes on the
 * header line (spec, "File format"); ',' when none occurs or on a tie. A line
 * with none of them (a title above the table, as exports have) is passed over
 * for the next one in the block.
 */
static char
detect_separator(const char *p, size_t n)
{
	size_t comma = 0, semi = 0, tab = 0, i;
	bool quoted = false;

	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (p[i] == '\n' || p[i] == '\r') {
			if (comma + semi + tab > 0)
				break;
		} else if (p[i] == ',')
			comma++;
		else if (p[i] == ';')
			semi++;
		else if (p[i] == '\t')
			tab++;
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

/*
 * The first block is read until it holds the whole header line (or is full), so
 * that the BOM and the separator are seen however short the reads are (pipes).
 */
static void csv_set_separator(struct hoso_register_csv *c, char sep);

static int
csv_start(struct hoso_register_csv *c, struct hoso_err *err)
{
	ssize_t got;

	c->started = true;
	c->blk_pos = 0;
	c->blk_len = 0;
	while (c->blk_len < c->blk_size && memchr(c->blk, '\n', c->blk_len) == NULL) {
		got = read(c->fd, c->blk + c->blk_len, c->blk_size - c->blk_len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return hoso_err_sys(err, errno, _("%s: cannot read"), c->label);
		if (got == 0) {
			c->eof = true;
			break;
		}
		c->blk_len += (size_t)got;
		c->bytes += (uint64_t)got;
	}
	if (c->blk_len >= 3 && memcmp(c->blk, "\xef\xbb\xbf", 3) == 0)
		c->blk_pos = 3;
	csv_set_separator(c, detect_separator(c->blk + c->blk_pos, c->blk_len - c->blk_pos));
	return 0;
}

static void
csv_set_separator(struct hoso_register_csv *c, char sep)
{
	c->sep = sep;
	c->special[(unsigned char)c->sep] = 1;
	c->special['\n'] = 1;
	c->special['\r'] = 1;
	c->fast_special[(unsigned char)c->sep] = 1;
	c->fast_special['"'] = 1;
	c->fast_special['\r'] = 1;
	c->fast_special['\0'] = 1;
}

int
hoso_register_csv_open(struct hoso_register_csv **csvp, int fd, const char *label,
    size_t block_size, size_t max_row, struct hoso_err *err)
{
	struct hoso_register_csv *c;
	int r;

	*csvp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	c->fd = fd;
	/* At least the 3 bytes of a BOM. */
	c->blk_size = block_size ? (block_size < 4 ? 4 : block_size) : DEFAULT_BLOCK;
	c->max_row = max_row ? max_row : DEFAULT_MAX_ROW;
	c->line = 1;
	c->sep = ',';
	c->soft_end = UINT64_MAX;
	hoso_buf_init(&c->rec, c->max_row + 64);
	if ((c->label = strdup(label)) == NULL || (c->blk = malloc(c->blk_size + BLK_SLACK)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	*csvp = c;
	c = NULL;
	r = 0;
out:
	hoso_register_csv_close(c);
	return r;
}

void
hoso_register_csv_close(struct hoso_register_csv *c)
{
	if (c == NULL)
		return;
	free(c->label);
	free(c->blk);
	hoso_buf_free(&c->rec);
	free(c->starts);
	free(c->lens);
	free(c->cells);
	free(c);
}

char
hoso_register_csv_separator(const struct hoso_register_csv *c)
{
	return c->sep;
}

uint64_t
hoso_register_csv_bytes(const struct hoso_register_csv *c)
{
	return c->bytes;
}

static int grow_cells(struct hoso_register_csv *c, struct hoso_err *err);

static int
cell_end(struct hoso_register_csv *c, size_t start, struct hoso_err *err)
{
	int r;

	if (c->n_cells == c->cap_cells && (r = grow_cells(c, err)) != 0)
		return r;
	c->starts[c->n_cells] = start;
	c->lens[c->n_cells] = c->rec.len - start;
	c->n_cells++;
	if ((r = hoso_buf_addc(&c->rec, '\0', err)) != 0)
		return r;
	return 0;
}

/* Past max_row bytes a record is read on to its end but kept no more (too_long). */
static int
rec_add(struct hoso_register_csv *c, const char *p, size_t n, struct hoso_err *err)
{
	if (c->too_long)
		return 0;
	if (n > c->max_row || c->rec.len > c->max_row - n) {
		c->too_long = true;
		c->long_cell = c->n_cells;
		return 0;
	}
	return hoso_buf_add(&c->rec, p, n, err);
}

/*
 * One record, whatever the blocks it spans. Runs of ordinary bytes are copied
 * at once; only separators, quotes and line ends go through the state machine.
 */
static int
csv_record(struct hoso_register_csv *c, long *line, size_t *bad_cell, struct hoso_err *err)
{
	enum csv_state st = ST_START;
	size_t start = 0;
	long start_line = c->line;
	bool any = false;
	int r = 0;	/* at the end of input no read sets it */

	hoso_buf_reset(&c->rec);
	c->n_cells = 0;
	c->too_long = false;
	*bad_cell = SIZE_MAX;
	for (;;) {
		const char *p, *e, *q;

		if (c->blk_pos == c->blk_len) {
			if (c->eof || (r = csv_fill(c, err)) != 0 || c->blk_len == 0) {
				if (r != 0)
					goto out;
				break;
			}
		}
		p = c->blk + c->blk_pos;
		e = c->blk + c->blk_len;
		if (c->skip_lf) {
			c->skip_lf = false;
			if (*p == '\n') {
				c->line++;
				c->blk_pos++;
				continue;
			}
		}
		if (!any) {
			start_line = c->line;
			any = true;
		}
		switch (st) {
		case ST_START:
			start = c->rec.len;
			if (*p == '"') {
				st = ST_QUOTED;
				c->blk_pos++;
				continue;
			}
			st = ST_UNQUOTED;
			/* FALLTHROUGH */
		case ST_UNQUOTED:
			for (q = p; q < e && !c->special[(unsigned char)*q]; q++)
				;
			if ((r = rec_add(c, p, (size_t)(q - p), err)) != 0)
				goto out;
			c->blk_pos += (size_t)(q - p);
			if (q == e)
				continue;
			c->blk_pos++;
			if ((r = cell_end(c, start, err)) != 0)
				goto out;
			if (*q == c->sep) {
				st = ST_START;
				continue;
			}
			if (*q == '\n')
				c->line++;
			else
				c->skip_lf = true;	/* CRLF: the LF may be in the next block */
			goto done;
		case ST_QUOTED:
			for (q = p; q < e && *q != '"'; q++)
				if (*q == '\n')
					c->line++;
			if ((r = rec_add(c, p, (size_t)(q - p), err)) != 0)
				goto out;
			c->blk_pos += (size_t)(q - p);
			if (q < e) {
				c->blk_pos++;
				st = ST_QUOTE_SEEN;
			}
			continue;
		case ST_QUOTE_SEEN:
			if (*p == '"') {	/* "" is a quote */
				if ((r = rec_add(c, "\"", 1, err)) != 0)
					goto out;
				c->blk_pos++;
				st = ST_QUOTED;
				continue;
			}
			/* RFC 4180 allows only a separator or a line end after the closing quote. */
			if (*p != c->sep && *p != '\n' && *p != '\r' && *bad_cell == SIZE_MAX)
				*bad_cell = c->n_cells;
			st = ST_UNQUOTED;
			continue;
		}
	}
	/* End of input. */
	if (st == ST_QUOTED) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s:%ld: a quoted cell is not closed before the end of the file"),
		    c->label, start_line);
		goto out;
	}
	if (!any) {
		r = 0;
		goto out;
	}
	if (st == ST_START)
		start = c->rec.len;	/* the last byte was a separator: one more, empty cell */
	if ((r = cell_end(c, start, err)) != 0)
		goto out;
done:
	*line = start_line;
	r = 1;
out:
	return r;
}

/*
 * The length of the UTF-8 sequence at s (n bytes left, s[0] >= 0x80), 0 when it
 * is not one (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Valid UTF-8, ASCII skipped eight bytes at a time (a register line is mostly ASCII). */
static bool
line_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;
	uint64_t w;

	while (i < n) {
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			w &= 0x8080808080808080ULL;
			if (w == 0) {
				i += 8;
				continue;
			}
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			i += (size_t)__builtin_ctzll(w) >> 3;
#endif
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		/*
		 * The two- and three-byte forms of Vietnamese letters (C2..DF, and E1..EC
		 * without the E0 and ED limits) inline; the rest through utf8_seq.
		 */
		if (s[i] >= 0xc2 && s[i] <= 0xdf && n - i >= 2) {
			if ((s[i + 1] & 0xc0) != 0x80)
				return false;
			i += 2;
			continue;
		}
		if (s[i] >= 0xe1 && s[i] <= 0xec && n - i >= 3) {
			if ((s[i + 1] & 0xc0) != 0x80 || (s[i + 2] & 0xc0) != 0x80)
				return false;
			i += 3;
			continue;
		}
		if ((len = utf8_seq(s + i, n - i)) == 0)
			return false;
		i += len;
	}
	return true;
}

static int
grow_cells(struct hoso_register_csv *c, struct hoso_err *err)
{
	size_t cap = c->cap_cells ? c->cap_cells * 2 : 32;
	size_t *ns, *nl;
	char **nc;

	if ((ns = realloc(c->starts, cap * sizeof(*ns))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	c->starts = ns;
	if ((nl = realloc(c->lens, cap * sizeof(*nl))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	c->lens = nl;
	if ((nc = realloc(c->cells, cap * sizeof(*nc))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	c->cells = nc;
	c->cap_cells = cap;
	return 0;
}

#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* 0x80 in each byte of v that is zero, 0 in the others (no carries across bytes). */
static inline uint64_t
zero_bytes(uint64_t v)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;

	return ~(((v & low7) + low7) | v | low7);
}
#endif

/*
 * A byte csv_fast stops at, t: a separator ends the cell that began at *s; a
 * NUL is noted; a quote or CR sends the record to csv_record (0).
 */
static inline int
fast_special(struct hoso_register_csv *c, char *t, char **s, bool *nul, struct hoso_err *err)
{
	int r;

	if (*t != c->sep) {
		if (*t != '\0')
			return 0;
		*nul = true;
		return 1;
	}
	if (c->n_cells == c->cap_cells && (r = grow_cells(c, err)) != 0)
		return r;
	c->cells[c->n_cells] = *s;
	c->lens[c->n_cells++] = (size_t)(t - *s);
	*s = t + 1;
	return 1;
}

/*
 * The common record: whole in the block, ended by LF or CRLF, without a quote
 * or another CR. One pass finds its cells, which are then split in place
 * (separators and the line end become NULs), with no copy; the line is checked
 * for UTF-8 and NULs as a whole. 1 when done, 0 when the record needs
 * csv_record (the block is then left as it was).
 */
/*
 * The end of csv_fast once the record is known to be whole: its last cell
 * (from s to end), every cell split in place, the record taken.
 */
static int
fast_finish(struct hoso_register_csv *c, char *s, char *end, char *nl, bool text_ok, bool split,
    long *line, struct hoso_err *err)
{
	size_t i, n;
	char **cells;
	const size_t *lens;
	int r;

	if (c->n_cells == c->cap_cells && (r = grow_cells(c, err)) != 0)
		return r;
	c->cells[c->n_cells] = s;
	c->lens[c->n_cells++] = (size_t)(end - s);
	/* In locals: a byte stored through cells[i] could alias c as far as the compiler knows. */
	cells = c->cells;
	lens = c->lens;
	n = c->n_cells;
	for (i = split ? n - 1 : 0; i < n; i++)
		cells[i][lens[i]] = '\0';
	*nl = '\0';
	c->text_ok = text_ok;
	*line = c->line++;
	c->blk_pos = (size_t)(nl + 1 - c->blk);
	c->in_block = true;
	return 1;
}

#if defined(__SSE2__)
/* The byte masks of two 16-byte halves as one 32-bit mask. */
static inline unsigned
mask32(__m128i lo, __m128i hi)
{
	return (unsigned)_mm_movemask_epi8(lo) | (unsigned)_mm_movemask_epi8(hi) << 16;
}

/*
 * A record csv_fast will not take: the separators it had already turned into
 * NULs are put back (the record's cells end where they were), 0 returned.
 */
static int
unsplit(struct hoso_register_csv *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		c->cells[i][c->lens[i]] = c->sep;
	return 0;
}

/*
 * 32 bytes at a time, two SSE2 words (SSE2 is in every x86-64): one pass finds the line
 * end, the separators and the bytes that send a record to csv_record, and
 * notes whether any byte is not ASCII. Each separator becomes its cell's NUL
 * as it is found; a bail-out puts them back (unsplit), so the block is as it
 * was for csv_record.
 */
static int
csv_fast(struct hoso_register_csv *c, long *line, struct hoso_err *err)
{
	char *p = c->blk + c->blk_pos, *e = c->blk + c->blk_len, *nl = NULL, *end, *q, *s;
	const __m128i v_sep = _mm_set1_epi8(c->sep), v_nl = _mm_set1_epi8('\n');
	const __m128i v_quote = _mm_set1_epi8('"'), v_cr = _mm_set1_epi8('\r');
	const __m128i v_zero = _mm_setzero_si128(), v_c0 = _mm_set1_epi8((char)0xc0);
	const __m128i v_80 = _mm_set1_epi8((char)0x80), v_c1 = _mm_set1_epi8((char)0xc1);
	const __m128i v_e0 = _mm_set1_epi8((char)0xe0), v_ed = _mm_set1_epi8((char)0xed);
	unsigned hi = 0, m_nl, m_sep, m_odd, lim, m_hi, m_cont, m_l2, m_l3;
	uint64_t want = 0;	/* continuation bytes due, from bit 0 of this chunk on */
	bool nul = false, utf8_known = true;
	char **cells = c->cells;
	size_t *lens = c->lens, n_cells = 0, cap = c->cap_cells;
	int r;

	if (c->skip_lf || p == e)
		return 0;
	c->n_cells = 0;
	s = p;
	for (q = p; q < e; q += 32) {
		/* Up to 31 bytes past e are read (BLK_SLACK) and masked off by lim. */
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)q);
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(q + 16));

		lim = e - q < 32 ? (1u << (e - q)) - 1 : 0xffffffffu;
		m_nl = mask32(_mm_cmpeq_epi8(w, v_nl), _mm_cmpeq_epi8(x, v_nl)) & lim;
		m_sep = mask32(_mm_cmpeq_epi8(w, v_sep), _mm_cmpeq_epi8(x, v_sep));
		m_odd = mask32(_mm_or_si128(_mm_cmpeq_epi8(w, v_quote),
		    _mm_or_si128(_mm_cmpeq_epi8(w, v_cr), _mm_cmpeq_epi8(w, v_zero))),
		    _mm_or_si128(_mm_cmpeq_epi8(x, v_quote),
		    _mm_or_si128(_mm_cmpeq_epi8(x, v_cr), _mm_cmpeq_epi8(x, v_zero))));
		if (m_nl != 0)
			lim = (m_nl & (0u - m_nl)) - 1;	/* the bytes before the line end */
		m_sep &= lim;
		m_odd &= lim;
		m_hi = mask32(w, x) & lim;
		hi |= m_hi;
		/*
		 * UTF-8 as Vietnamese text has it, checked on the way: lead bytes C2..DF
		 * with one continuation byte, E1..EC with two (no limits on the second
		 * byte, unlike E0 and ED). Anything else, or a sequence cut at the line
		 * end, leaves the line to line_utf8_valid.
		 */
		if ((m_hi | want) != 0 && utf8_known) {
			m_cont = mask32(_mm_cmpeq_epi8(_mm_and_si128(w, v_c0), v_80),
			    _mm_cmpeq_epi8(_mm_and_si128(x, v_c0), v_80)) & lim;
			m_l2 = mask32(_mm_and_si128(_mm_cmpgt_epi8(w, v_c1), _mm_cmplt_epi8(w, v_e0)),
			    _mm_and_si128(_mm_cmpgt_epi8(x, v_c1), _mm_cmplt_epi8(x, v_e0))) & lim;
			m_l3 = mask32(_mm_and_si128(_mm_cmpgt_epi8(w, v_e0), _mm_cmplt_epi8(w, v_ed)),
			    _mm_and_si128(_mm_cmpgt_epi8(x, v_e0), _mm_cmplt_epi8(x, v_ed))) & lim;
			want |= (uint64_t)m_l2 << 1 | (uint64_t)m_l3 << 1 | (uint64_t)m_l3 << 2;
			if ((m_hi & ~(m_cont | m_l2 | m_l3)) != 0 || ((unsigned)want & lim) != m_cont ||
			    (m_nl != 0 && (want & ~(uint64_t)lim) != 0))
				utf8_known = false;
			want >>= 32;
		}
		for (; m_odd != 0; m_odd &= m_odd - 1) {
			char *t = q + __builtin_ctz(m_odd);

			if (*t == '\0')
				nul = true;
			else if (*t != '\r' || t + 1 >= e || t[1] != '\n')
				return unsplit(c, n_cells);	/* a quote, or a CR not of a CRLF */
		}
		/* Room for this chunk's separators first, 32 at most: none checked one by one. */
		if (cap - n_cells < 32 && m_sep != 0) {
			c->n_cells = n_cells;
			if ((r = grow_cells(c, err)) != 0)
				return r;
			cells = c->cells;
			lens = c->lens;
			cap = c->cap_cells;
		}
		for (; m_sep != 0; m_sep &= m_sep - 1) {
			char *t = q + __builtin_ctz(m_sep);

			*t = '\0';	/* put back by unsplit if the record is not taken */
			cells[n_cells] = s;
			lens[n_cells++] = (size_t)(t - s);
			s = t + 1;
		}
		if (m_nl != 0) {
			nl = q + __builtin_ctz(m_nl);
			break;
		}
		if ((size_t)(q - p) > c->max_row)
			return unsplit(c, n_cells);
	}
	c->n_cells = n_cells;
	if (nl == NULL)
		return unsplit(c, n_cells);
	end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	if ((size_t)(end - p) > c->max_row)
		return unsplit(c, n_cells);
	return fast_finish(c, s, end, nl, !nul && (hi == 0 || (utf8_known && want == 0) ||
	    line_utf8_valid(p, (size_t)(end - p))), true, line, err);
}
#else
static int
csv_fast(struct hoso_register_csv *c, long *line, struct hoso_err *err)
{
	char *p = c->blk + c->blk_pos, *e = c->blk + c->blk_len, *nl, *end, *q, *s;
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t hi = 0, w, m;
	bool nul = false;
	int r;

	if (c->skip_lf || p == e || (nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
		return 0;
	end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	if ((size_t)(end - p) > c->max_row)
		return 0;
	c->n_cells = 0;
	s = q = p;
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Eight bytes at a time: a mask of the special ones, walked bit by bit. */
	for (; end - q >= 8; q += 8) {
		memcpy(&w, q, 8);
		hi |= w;
		m = zero_bytes(w ^ ones * (unsigned char)c->sep);
		/*
		 * A quote, CR or NUL is below 0x23: only a word with such a byte (a
		 * space, mostly) is looked at for them, and rarely holds one.
		 */
		if (((w - ones * 0x23) & ~w & ones * 0x80) != 0)
			m |= zero_bytes(w ^ ones * '"') | zero_bytes(w ^ ones * '\r') | zero_bytes(w);
		for (; m != 0; m &= m - 1) {
			char *t = q + (__builtin_ctzll(m) >> 3);

			if ((r = fast_special(c, t, &s, &nul, err)) <= 0)
				return r;
		}
	}
#endif
	for (; q < end; q++) {
		hi |= (unsigned char)*q;
		if (c->fast_special[(unsigned char)*q] && (r = fast_special(c, q, &s, &nul, err)) <= 0)
			return r;
	}
	return fast_finish(c, s, end, nl, !nul && (!(hi & 0x8080808080808080ULL) ||
	    line_utf8_valid(p, (size_t)(end - p))), false, line, err);
}
#endif

/*
 * The LF of a CRLF that ended the last record in csv_record, taken now, so that
 * the offset of the next record is known (csv_record would skip it the same way).
 */
static int
csv_settle(struct hoso_register_csv *c, struct hoso_err *err)
{
	int r;

	if (!c->skip_lf)
		return 0;
	if (c->blk_pos == c->blk_len) {
		if (c->eof)
			return 0;
		if ((r = csv_fill(c, err)) != 0)
			return r;
		if (c->blk_len == 0)
			return 0;
	}
	c->skip_lf = false;
	if (c->blk[c->blk_pos] == '\n') {
		c->blk_pos++;
		c->line++;
	}
	return 0;
}

/* The file offset of the next byte to parse. */
static uint64_t
csv_offset(const struct hoso_register_csv *c)
{
	return c->base + c->bytes - c->blk_len + c->blk_pos;
}

static bool
blank(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n == 0;
}

int
hoso_register_csv_next(struct hoso_register_csv *c, char ***cells, size_t **lens, size_t *n,
    long *line, size_t *bad_cell, struct hoso_err *err)
{
	size_t i;
	int r;

	if (!c->started && (r = csv_start(c, err)) != 0)
		goto out;
	for (;;) {
		if ((r = csv_settle(c, err)) != 0)
			goto out;
		/* A part ends before the first record that starts at its end. */
		if (c->part && csv_offset(c) >= c->soft_end) {
			r = 0;
			goto out;
		}
		if ((r = csv_fast(c, line, err)) < 0)
			goto out;
		if (r == 0) {
			c->in_block = false;
			if ((r = csv_record(c, line, bad_cell, err)) <= 0)
				goto out;
		} else {
			*bad_cell = SIZE_MAX;
			c->too_long = false;
		}
		if (c->too_long && !c->keep_long) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: row longer than %zu bytes"),
			    c->label, *line, c->max_row);
			goto out;
		}
		/* A blank line (nothing, or only spaces and tabs) is no record. */
		if (c->n_cells != 1 || !blank(c->in_block ? c->cells[0] : c->rec.data + c->starts[0],
		    c->lens[0]))
			break;
	}
	/* Pointers only now: the record buffer may have moved while it grew. */
	if (!c->in_block)
		for (i = 0; i < c->n_cells; i++)
			c->cells[i] = c->rec.data + c->starts[i];
	*cells = c->cells;
	*lens = c->lens;
	*n = c->n_cells;
	r = 1;
out:
	return r;
}

/* ---- rows ---- */

static inline void
trim(char **s, size_t *n)
{
	/* Most cells: no blank at either end, and already ended by a NUL. */
	if (*n > 0 && (unsigned char)**s > ' ' && (unsigned char)(*s)[*n - 1] > ' ')
		return;
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
	(*s)[*n] = '\0';
}

void
hoso_register_csv_trim(char **s, size_t *n)
{
	trim(s, n);
}

static bool
ascii_ieq(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (y == '\0')
			return false;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (x != y)
			return false;
	}
	return b[n] == '\0';
}

/* ---- column labels and values in words ---- */

/*
 * s as a key for words people write: base letters in lower case (no
 * diacritics, đ as d, NFC and NFD alike), runs of blanks, '_' and '-' one
 * space, trimmed. Other characters (✓) are kept as they are.
 */
static int
word_key(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	size_t i = 0;
	uint32_t c;
	int len, r = 0;
	bool space = false;

	hoso_buf_reset(out);
	while (r == 0 && i < n) {
		len = hoso_utf8_decode(s + i, n - i, &c);
		if (c >= 0x0300 && c <= 0x036f) {	/* a combining mark of NFD */
			i += (size_t)len;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '_' || c == '-' || c == 0xa0) {
			space = out->len > 0;
			i += (size_t)len;
			continue;
		}
		if (space && (r = hoso_buf_addc(out, ' ', err)) != 0)
			break;
		space = false;
		c = hoso_utf8_base_letter(c);
		if (c < 0x80)
			r = hoso_buf_addc(out, (char)c, err);
		else
			r = hoso_buf_add(out, s + i, (size_t)len, err);
		i += (size_t)len;
	}
	if (r == 0 && out->data == NULL)
		r = hoso_buf_adds(out, "", err);
	return r;
}

struct label {
	int col;
	char *key;		/* word_key of text */
	char *text;		/* as written, for messages */
};

struct hoso_register_labels {
	struct label *v;
	size_t n;
};

/*
 * The labels one-stop systems and hand-kept spreadsheets put on the columns
 * (hoso-register(5) lists them). Matched by word_key, so case, diacritics and
 * the old or new place of the tone mark (hoá, hóa) do not matter.
 */
static const struct {
	int col;
	const char *text;
} builtin_labels[] = {
	{ C_MA_HO_SO, "Mã hồ sơ" }, { C_MA_HO_SO, "Số hồ sơ" }, { C_MA_HO_SO, "Mã HS" },
	{ C_MA_TTHC, "Mã thủ tục" }, { C_MA_TTHC, "Mã TTHC" },
	{ C_MA_TTHC, "Mã thủ tục hành chính" },
	{ C_LINH_VUC, "Lĩnh vực" }, { C_LINH_VUC, "Tên lĩnh vực" },
	{ C_MA_DON_VI, "Mã đơn vị" }, { C_MA_DON_VI, "Mã đơn vị tiếp nhận" },
	{ C_MA_DON_VI, "Mã cơ quan" }, { C_MA_DON_VI, "Mã cơ quan tiếp nhận" },
	{ C_KENH, "Hình thức nộp" }, { C_KENH, "Hình thức tiếp nhận" },
	{ C_KENH, "Kênh tiếp nhận" }, { C_KENH, "Kênh nộp" },
	{ C_MUC_DO, "Mức độ" }, { C_MUC_DO, "Mức độ dịch vụ công" }, { C_MUC_DO, "Mức độ DVC" },
	{ C_NGAY_TIEP_NHAN, "Ngày tiếp nhận" }, { C_NGAY_TIEP_NHAN, "Ngày nhận" },
	{ C_NGAY_HEN_TRA, "Ngày hẹn trả" }, { C_NGAY_HEN_TRA, "Ngày hẹn trả kết quả" },
	{ C_NGAY_KET_THUC, "Ngày kết thúc" }, { C_NGAY_KET_THUC, "Ngày hoàn thành" },
	{ C_NGAY_KET_THUC, "Ngày có kết quả" },
	{ C_NGAY_TRA, "Ngày trả" }, { C_NGAY_TRA, "Ngày trả kết quả" },
	{ C_TRANG_THAI, "Trạng thái" }, { C_TRANG_THAI, "Tình trạng" },
	{ C_SO_HOA_HO_SO, "Số hóa hồ sơ" }, { C_SO_HOA_HO_SO, "Đã số hóa hồ sơ" },
	{ C_SO_HOA_KET_QUA, "Số hóa kết quả" }, { C_SO_HOA_KET_QUA, "Đã số hóa kết quả" },
	{ C_THANH_TOAN, "Thanh toán trực tuyến" }, { C_THANH_TOAN, "Thanh toán trực tuyến phí" },
	{ C_KY_SO, "Ký số" }, { C_KY_SO, "Đã ký số" },
};

void
hoso_register_labels_free(struct hoso_register_labels *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].text);
	}
	free(l->v);
	free(l);
}

static int
labels_add(struct hoso_register_labels *l, int col, const char *text, size_t n,
    struct hoso_err *err)
{
	struct hoso_buf key = HOSO_BUF_INIT(4096);
	struct label *nv;
	int r;

	if ((r = word_key(text, n, &key, err)) != 0)
		goto out;
	if ((nv = realloc(l->v, (l->n + 1) * sizeof(*nv))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	l->v = nv;
	nv[l->n].col = col;
	nv[l->n].key = hoso_buf_detach(&key, NULL);
	if ((nv[l->n].text = strndup(text, n)) == NULL) {
		free(nv[l->n].key);
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	l->n++;
out:
	hoso_buf_free(&key);
	return r;
}

int
hoso_register_labels_parse(const char *text, size_t len, const char *label,
    struct hoso_register_labels **out, struct hoso_err *err)
{
	struct hoso_register_labels *l;
	const char *p = text, *end = text + len, *nl, *eq;
	long line = 0;
	size_t k;
	int r = 0;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; r == 0 && p < end; p = nl + 1) {
		char *name, *lab;
		size_t nn, ln;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line++;
		name = (char *)p;
		nn = (size_t)(nl - p);
		if (nn > 0 && name[nn - 1] == '\r')
			nn--;
		if (!hoso_utf8_valid(name, nn)) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: not valid UTF-8"), label, line);
			break;
		}
		while (nn > 0 && (*name == ' ' || *name == '\t')) {
			name++;
			nn--;
		}
		if (nn == 0 || *name == '#')
			continue;
		if ((eq = memchr(name, '=', nn)) == NULL) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: not 'column = label'"), label,
			    line);
			break;
		}
		lab = (char *)eq + 1;
		ln = nn - (size_t)(lab - name);
		nn = (size_t)(eq - name);
		while (nn > 0 && (name[nn - 1] == ' ' || name[nn - 1] == '\t'))
			nn--;
		while (ln > 0 && (*lab == ' ' || *lab == '\t')) {
			lab++;
			ln--;
		}
		while (ln > 0 && (lab[ln - 1] == ' ' || lab[ln - 1] == '\t'))
			ln--;
		for (k = 0; k < C_MAX; k++)
			if (strlen(columns[k].name) == nn && memcmp(columns[k].name, name, nn) == 0)
				break;
		if (k == C_MAX) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: '%.*s' is not a column of "
			    "hoso-register(5)"), label, line, (int)(nn > 64 ? 64 : nn), name);
			break;
		}
		if (ln == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: no label for %s"), label, line,
			    columns[k].name);
			break;
		}
		r = labels_add(l, (int)k, lab, ln, err);
	}
	if (r == 0 && l->n == 0)
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no 'column = label' line"), label);
	if (r != 0) {
		hoso_register_labels_free(l);
		return r;
	}
	*out = l;
	return 0;
}

int
hoso_register_labels_load(const char *path, struct hoso_register_labels **out,
    struct hoso_err *err)
{
	struct hoso_buf text = HOSO_BUF_INIT(1 << 20);
	int r;

	if ((r = hoso_file_read(path, 1 << 20, &text, err)) == 0)
		r = hoso_register_labels_parse(hoso_buf_str(&text), text.len, path, out, err);
	hoso_buf_free(&text);
	return r;
}

/* The built-in labels, keyed once (a process reads many registers). */
static struct hoso_register_labels *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void
builtin_init(void)
{
	struct hoso_register_labels *l = calloc(1, sizeof(*l));
	struct hoso_err err;
	size_t i;

	for (i = 0; l != NULL && i < sizeof(builtin_labels) / sizeof(builtin_labels[0]); i++)
		if (labels_add(l, builtin_labels[i].col, builtin_labels[i].text,
		    strlen(builtin_labels[i].text), &err) != 0) {
			hoso_register_labels_free(l);
			l = NULL;
		}
	builtin = l;
}

/* Which column a cell names by one set of labels; -1: none; -2: two. */
static int
label_column(const struct hoso_register_labels *l, const char *key, const bool *skip)
{
	size_t i;
	int found = -1;

	for (i = 0; l != NULL && i < l->n; i++) {
		if (strcmp(l->v[i].key, key) != 0 || (skip != NULL && skip[l->v[i].col]))
			continue;
		if (found >= 0 && found != l->v[i].col)
			return -2;
		found = l->v[i].col;
	}
	return found;
}

/*
 * Which column a header cell names: its spec name; else a label of the
 * --columns file (l); else a built-in label of a column the file does not
 * map. -1: none; -2: the labels of two columns.
 */
static int
header_column(const struct hoso_register_labels *l, const char *s, size_t n, struct hoso_buf *key,
    struct hoso_err *err)
{
	bool mapped[C_MAX] = { false };
	size_t k, i;
	int c;

	for (k = 0; k < C_MAX; k++)
		if (ascii_ieq(s, n, columns[k].name))
			return (int)k;
	if (word_key(s, n, key, err) != 0)
		return -1;
	if (l != NULL && l != builtin) {
		if ((c = label_column(l, hoso_buf_str(key), NULL)) != -1)
			return c;
		for (i = 0; i < l->n; i++)
			mapped[l->v[i].col] = true;
	}
	return label_column(builtin, hoso_buf_str(key), mapped);
}

void
hoso_register_close(struct hoso_register *reg)
{
	size_t i;

	if (reg == NULL)
		return;
	hoso_register_csv_close(reg->csv);
	hoso_xlsx_close(reg->xlsx);
	if (!reg->header_borrowed) {
		for (i = 0; i < reg->n_header; i++)
			free(reg->header[i]);
		free(reg->header);
	}
	free(reg->label);
	hoso_buf_free(&reg->nfc);
	free(reg);
}

uint64_t
hoso_register_bytes(const struct hoso_register *reg)
{
	return reg->csv != NULL ? hoso_register_csv_bytes(reg->csv) : 0;
}

uint64_t
hoso_register_offset(const struct hoso_register *reg)
{
	return reg->csv != NULL ? csv_offset(reg->csv) : 0;
}

/* The next record of the CSV or of the workbook's sheet (line: its row number). */
static int
next_record(struct hoso_register *reg, char ***cells, size_t **lens, size_t *n, long *line,
    size_t *bad_cell, struct hoso_err *err)
{
	if (reg->xlsx == NULL)
		return hoso_register_csv_next(reg->csv, cells, lens, n, line, bad_cell, err);
	*bad_cell = SIZE_MAX;
	return hoso_xlsx_next(reg->xlsx, cells, lens, n, line, err);
}

#define HEADER_SEARCH_ROWS 50

/*
 * The header is the first record, within the first HEADER_SEARCH_ROWS, with a
 * cell naming ma_ho_so (its spec name or a label); the records above it are
 * an export's title block. Columns are found by spec name (case-insensitive,
 * surrounding spaces ignored: spec, "File format") or by label
 * (hoso_register_labels); two cells for one column, or a cell that two
 * columns' labels name, are an error naming them.
 */
static int
read_header(struct hoso_register *reg, struct hoso_err *err)
{
	const struct hoso_register_labels *l = reg->labels;
	struct hoso_buf key = HOSO_BUF_INIT(1 << 16);
	char **cells;
	size_t *lens, n, i, k, bad, rows;
	long line;
	int r, c;

	pthread_once(&builtin_once, builtin_init);
	if (builtin == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (rows = 0;; rows++) {
		if ((r = next_record(reg, &cells, &lens, &n, &line, &bad, err)) < 0)
			goto out;
		if (r == 0 && rows == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: empty file, no header line"),
			    reg->label);
			goto out;
		}
		if (r == 0 || rows == HEADER_SEARCH_ROWS) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: no header row in the first %d rows: "
			    "no cell reads ma_ho_so or a label of it (Mã hồ sơ, Số hồ sơ; see "
			    "--columns)"), reg->label, HEADER_SEARCH_ROWS);
			goto out;
		}
		if (reg->csv != NULL && rows == 0 && n > 0 && hoso_xlsx_magic(cells[0], lens[0])) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: an Excel workbook must be a file, not a pipe"), reg->label);
			goto out;
		}
		/* Looked at, not trimmed in place: the header's cells are checked whole below. */
		for (i = 0; i < n; i++) {
			const char *s = cells[i];
			size_t len = lens[i];
			if (!hoso_utf8_valid(s, len) || strlen(s) != len)
				continue;
			while (len > 0 && (*s == ' ' || *s == '\t')) {
				s++;
				len--;
			}
			while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			if (header_column(l, s, len, &key, err) == C_MA_HO_SO)
				break;
		}
		if (i < n)
			break;
	}
	if ((reg->header = calloc(n + 1, sizeof(*reg->header))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *s = cells[i];
		size_t len = lens[i];

		if (!hoso_utf8_valid(s, len) || strlen(s) != len) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: header: not valid UTF-8"),
			    reg->label, line);
			goto out;
		}
		hoso_register_csv_trim(&s, &len);
		if ((reg->header[i] = strdup(s)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		reg->n_header++;
		if ((c = header_column(l, s, len, &key, err)) == -1)
			continue;
		if (c == -2) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: header: '%s' is a label of two "
			    "columns; say which in a --columns file"), reg->label, line, s);
			goto out;
		}
		if (reg->col[c] != SIZE_MAX) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s:%ld: header: both '%s' and '%s' name column %s; say which in a "
			    "--columns file"), reg->label, line, reg->header[reg->col[c]], s,
			    columns[c].name);
			goto out;
		}
		reg->col[c] = i;
	}
	for (k = 0; k < C_MAX; k++) {
		if (columns[k].required && reg->col[k] == SIZE_MAX) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: the header has no column '%s' (a register needs ma_ho_so, "
			    "ma_don_vi, kenh and ngay_tiep_nhan)"), reg->label, columns[k].name);
			goto out;
		}
	}
	r = 0;
out:
	hoso_buf_free(&key);
	return r;
}

int
hoso_register_open(struct hoso_register **regp, int fd, const struct hoso_register_opts *o,
    struct hoso_err *err)
{
	struct hoso_register *reg;
	char magic[4];
	size_t k;
	int r;

	*regp = NULL;
	if ((reg = calloc(1, sizeof(*reg))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (k = 0; k < C_MAX; k++)
		reg->col[k] = SIZE_MAX;
	reg->lenient = o->lenient;
	reg->skipped = o->skipped;
	reg->labels = o->labels;
	hoso_buf_init(&reg->nfc, 4096);
	if ((reg->label = strdup(o->label != NULL ? o->label : "-")) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* An Excel workbook is told by its content (a ZIP), whatever its name. */
	if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    hoso_xlsx_magic(magic, sizeof(magic))) {
		if ((r = hoso_xlsx_open(&reg->xlsx, fd, NULL, 0, reg->label, o->max_row, err)) != 0)
			goto out;
	} else if ((r = hoso_register_csv_open(&reg->csv, fd, reg->label, o->block_size,
	    o->max_row, err)) != 0) {
		goto out;
	} else {
		/* Offsets are the file's (parts are read with pread); -1: not seekable. */
		reg->seek_start = lseek(fd, 0, SEEK_CUR);
		reg->csv->base = reg->seek_start > 0 ? (uint64_t)reg->seek_start : 0;
	}
	if ((r = read_header(reg, err)) != 0)
		goto out;
	if (reg->csv != NULL)
		reg->csv->keep_long = true;	/* parse_row says which cell, or skips it */
	*regp = reg;
	reg = NULL;
out:
	hoso_register_close(reg);
	return r;
}

bool
hoso_register_splittable(const struct hoso_register *reg)
{
	return reg->csv != NULL && !reg->csv->part && reg->seek_start >= 0;
}

int
hoso_register_position(struct hoso_register *reg, uint64_t *offset, long *line,
    struct hoso_err *err)
{
	int r;

	if (reg->csv == NULL)
		return hoso_err_set(err, HOSO_EUSAGE, "%s: a workbook has no byte offsets",
		    reg->label);
	if ((r = csv_settle(reg->csv, err)) != 0)
		return r;
	*offset = csv_offset(reg->csv);
	*line = reg->csv->line;
	return 0;
}

int
hoso_register_open_part(struct hoso_register **regp, const struct hoso_register *head, int fd,
    uint64_t start, uint64_t end, long first_line, const struct hoso_register_opts *o,
    struct hoso_err *err)
{
	struct hoso_register *reg = NULL;
	struct hoso_register_csv *c;
	int r;

	*regp = NULL;
	if (head->csv == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, "%s: a workbook is not read in parts",
		    head->label);
		goto out;
	}
	if ((reg = calloc(1, sizeof(*reg))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	memcpy(reg->col, head->col, sizeof(reg->col));
	reg->header = head->header;
	reg->n_header = head->n_header;
	reg->header_borrowed = true;
	reg->lenient = o->lenient;
	reg->skipped = o->skipped;
	hoso_buf_init(&reg->nfc, 4096);
	if ((reg->label = strdup(head->label)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = hoso_register_csv_open(&reg->csv, fd, reg->label, o->block_size, o->max_row,
	    err)) != 0)
		goto out;
	c = reg->csv;
	/* After the header, with its separator; no BOM in the middle of a file. */
	c->started = true;
	csv_set_separator(c, head->csv->sep);
	c->part = true;
	c->keep_long = true;
	c->base = start;
	c->soft_end = end;
	c->line = first_line;
	*regp = reg;
	reg = NULL;
	r = 0;
out:
	hoso_register_close(reg);
	return r;
}

/*
 * A value in words, as exports write them, by its word_key (any case, with or
 * without diacritics): kenh, muc_do, or a yes/no. -1 when it is none.
 */
static int
kenh_words(const char *k)
{
	bool tiep = strstr(k, "truc tiep") != NULL, tuyen = strstr(k, "truc tuyen") != NULL;
	bool buu = strstr(k, "buu chinh") != NULL || strstr(k, "buu dien") != NULL;

	/* "Trực tiếp", "Nộp trực tuyến", "Dịch vụ bưu chính công ích": one of them only. */
	if (tiep + tuyen + buu != 1)
		return -1;
	return tiep ? HOSO_KENH_TRUC_TIEP : tuyen ? HOSO_KENH_TRUC_TUYEN : HOSO_KENH_BUU_CHINH;
}

static int
muc_do_words(const char *k)
{
	const char *d;

	if (strcmp(k, "toan trinh") == 0 || strcmp(k, "dvc toan trinh") == 0)
		return HOSO_MUC_DO_TOAN_TRINH;
	if (strcmp(k, "mot phan") == 0 || strcmp(k, "dvc mot phan") == 0)
		return HOSO_MUC_DO_MOT_PHAN;
	if (strcmp(k, "khong") == 0)
		return HOSO_MUC_DO_KHONG;
	/* "Mức độ 3", "mức 4": the legacy level N. */
	if ((strncmp(k, "muc do ", 7) == 0 && (d = k + 7)) || (strncmp(k, "muc ", 4) == 0 &&
	    (d = k + 4))) {
		if (d[0] >= '1' && d[0] <= '4' && d[1] == '\0')
			return d[0] >= '3' ? (d[0] == '4' ? HOSO_MUC_DO_TOAN_TRINH :
			    HOSO_MUC_DO_MOT_PHAN) : HOSO_MUC_DO_KHONG;
	}
	return -1;
}

static int
bool_words(const char *k)
{
	if (strcmp(k, "co") == 0 || strcmp(k, "x") == 0 || strcmp(k, "\xe2\x9c\x93") == 0 ||
	    strcmp(k, "\xe2\x9c\x94") == 0 || strcmp(k, "da") == 0)
		return 1;
	if (strcmp(k, "khong") == 0 || strcmp(k, "chua") == 0)
		return 0;
	return -1;
}

/* The word_key of a cell into reg's scratch buffer, or NULL. */
static const char *
cell_key(struct hoso_register *reg, const char *s, size_t n)
{
	struct hoso_err e;

	if (!hoso_utf8_valid(s, n) || word_key(s, n, &reg->nfc, &e) != 0)
		return NULL;
	return hoso_buf_str(&reg->nfc);
}

/* kenh: names or 1/2/3 in the spec's order (spec, "Columns"), or words. */
static int
parse_kenh(struct hoso_register *reg, const char *s, size_t n)
{
	const char *k;

	/* The spellings of every export first, byte for byte. */
	if (n == 1 && s[0] >= '1' && s[0] <= '3')
		return s[0] - '0';
	if (n == 9 && memcmp(s, "truc_tiep", 9) == 0)
		return HOSO_KENH_TRUC_TIEP;
	if (n == 10 && memcmp(s, "truc_tuyen", 10) == 0)
		return HOSO_KENH_TRUC_TUYEN;
	if (ascii_ieq(s, n, "truc_tiep") || ascii_ieq(s, n, "1"))
		return HOSO_KENH_TRUC_TIEP;
	if (ascii_ieq(s, n, "truc_tuyen") || ascii_ieq(s, n, "2"))
		return HOSO_KENH_TRUC_TUYEN;
	if (ascii_ieq(s, n, "buu_chinh") || ascii_ieq(s, n, "3"))
		return HOSO_KENH_BUU_CHINH;
	return (k = cell_key(reg, s, n)) != NULL ? kenh_words(k) : -1;
}

/* muc_do with the legacy levels 4 -> toan_trinh, 3 -> mot_phan, 2/1 -> khong, or words. */
static int
parse_muc_do(struct hoso_register *reg, const char *s, size_t n)
{
	const char *k;

	/* The spellings of every export first, byte for byte. */
	if (n == 1 && s[0] >= '1' && s[0] <= '4')
		return s[0] >= '3' ? (s[0] == '4' ? HOSO_MUC_DO_TOAN_TRINH : HOSO_MUC_DO_MOT_PHAN) :
		    HOSO_MUC_DO_KHONG;
	if (n == 10 && memcmp(s, "toan_trinh", 10) == 0)
		return HOSO_MUC_DO_TOAN_TRINH;
	if (n == 8 && memcmp(s, "mot_phan", 8) == 0)
		return HOSO_MUC_DO_MOT_PHAN;
	if (n == 5 && memcmp(s, "khong", 5) == 0)
		return HOSO_MUC_DO_KHONG;
	if (ascii_ieq(s, n, "toan_trinh") || ascii_ieq(s, n, "4"))
		return HOSO_MUC_DO_TOAN_TRINH;
	if (ascii_ieq(s, n, "mot_phan") || ascii_ieq(s, n, "3"))
		return HOSO_MUC_DO_MOT_PHAN;
	if (ascii_ieq(s, n, "khong") || ascii_ieq(s, n, "2") || ascii_ieq(s, n, "1"))
		return HOSO_MUC_DO_KHONG;
	return (k = cell_key(reg, s, n)) != NULL ? muc_do_words(k) : -1;
}

/* 1/0, true/false, có/không; the Vietnamese words compared in NFC (decomposed input is common). */
static int
parse_bool(struct hoso_register *reg, const char *s, size_t n)
{
	struct hoso_err e;
	const char *t = s;
	size_t tn = n, i;
	bool ascii = true;

	/* The usual spellings byte for byte (có, không also decomposed), then the general rules. */
	switch (n) {
	case 1:
		if (s[0] == '0' || s[0] == '1')
			return s[0] == '1';
		break;
	case 3:
		if (memcmp(s, "c\xc3\xb3", 3) == 0)
			return 1;
		break;
	case 4:
		if (memcmp(s, "true", 4) == 0 || memcmp(s, "co\xcc\x81", 4) == 0)
			return 1;
		break;
	case 5:
		if (memcmp(s, "false", 5) == 0)
			return 0;
		break;
	case 6:
		if (memcmp(s, "kh\xc3\xb4ng", 6) == 0)
			return 0;
		break;
	case 7:
		if (memcmp(s, "kho\xcc\x82ng", 7) == 0)
			return 0;
		break;
	default:
		break;
	}
	if (ascii_ieq(s, n, "1") || ascii_ieq(s, n, "true"))
		return 1;
	if (ascii_ieq(s, n, "0") || ascii_ieq(s, n, "false"))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = false;
	if (ascii)
		return (t = cell_key(reg, s, n)) != NULL ? bool_words(t) : -1;
	/* The usual spellings, composed or decomposed, without normalizing. */
	if ((n == 3 && memcmp(s, "c\xc3\xb3", 3) == 0) || (n == 4 && memcmp(s, "co\xcc\x81", 4) == 0))
		return 1;
	if ((n == 6 && memcmp(s, "kh\xc3\xb4ng", 6) == 0) ||
	    (n == 7 && memcmp(s, "kho\xcc\x82ng", 7) == 0))
		return 0;
	hoso_buf_reset(&reg->nfc);
	if (hoso_utf8_nfc(s, n, &reg->nfc, &e) != 0)
		return -1;
	t = hoso_buf_str(&reg->nfc);
	tn = reg->nfc.len;
	/* ascii_ieq folds the ASCII letters; the capital Ó and Ô are spelled out. */
	if (ascii_ieq(t, tn, "c\xc3\xb3") || (tn == 3 && memcmp(t, "C\xc3\x93", 3) == 0))
		return 1;
	if (ascii_ieq(t, tn, "kh\xc3\xb4ng") || (tn == 6 && memcmp(t, "KH\xc3\x94NG", 6) == 0))
		return 0;
	return (t = cell_key(reg, s, n)) != NULL ? bool_words(t) : -1;
}

/*
 * A row error "file:line: column: reason" (spec, "Rows"): fatal, or counted and
 * skipped under --lenient (returns 1 then). fmt has one %s for value when value
 * is not NULL, none otherwise; the value is shown as a safe label.
 */
static int
row_error(struct hoso_register *reg, int reason, struct hoso_err *err, long line,
    const char *column, const char *fmt, const char *value)
{
	struct hoso_buf label = HOSO_BUF_INIT(200), why = HOSO_BUF_INIT(400);
	struct hoso_err e;

	if (reg->lenient) {
		if (reg->skipped != NULL)
			reg->skipped[reason]++;
		return 1;
	}
	if (value != NULL) {
		hoso_utf8_label(value, strlen(value), &label, &e);
		hoso_buf_addf(&why, &e, fmt, hoso_buf_str(&label));
	} else {
		hoso_buf_adds(&why, fmt, &e);
	}
	if (reg->xlsx != NULL) {
		/* In a workbook: file, sheet and cell ("r.xlsx: sheet1!G5: ngay_tiep_nhan: ..."). */
		char ref[4] = "?";
		size_t k;

		for (k = 0; k < C_MAX; k++)
			if (strcmp(columns[k].name, column) == 0 && reg->col[k] != SIZE_MAX)
				hoso_xlsx_column(reg->col[k], ref);
		for (k = 0; ref[0] == '?' && k < reg->n_header; k++)
			if (strcmp(reg->header[k], column) == 0)
				hoso_xlsx_column(k, ref);
		hoso_err_set(err, HOSO_EINPUT, "%s: %s!%s%ld: %s: %s", reg->label,
		    hoso_xlsx_sheet_name(reg->xlsx), ref, line, column, hoso_buf_str(&why));
	} else {
		hoso_err_set(err, HOSO_EINPUT, "%s:%ld: %s: %s", reg->label, line, column,
		    hoso_buf_str(&why));
	}
	hoso_buf_free(&label);
	hoso_buf_free(&why);
	return HOSO_EINPUT;
}

static const char *
column_name(const struct hoso_register *reg, size_t i, struct hoso_buf *tmp)
{
	struct hoso_err e;

	if (i < reg->n_header && reg->header[i][0] != '\0')
		return reg->header[i];
	hoso_buf_reset(tmp);
	hoso_buf_addf(tmp, &e, _("column %zu"), i + 1);
	return hoso_buf_str(tmp);
}

/* The cell of column k, trimmed, or NULL when the column is absent or the cell empty. */
static inline char *
cell(const struct hoso_register *reg, char **cells, size_t *lens, size_t n, int k, size_t *len)
{
	size_t i = reg->col[k];
	char *s;

	if (i == SIZE_MAX || i >= n)
		return NULL;
	s = cells[i];
	*len = lens[i];
	trim(&s, len);
	return *len > 0 ? s : NULL;
}

static int
date_cell(struct hoso_register *reg, char **cells, size_t *lens, size_t n, int k, long line,
    int32_t *day, struct hoso_err *err)
{
	size_t len;
	char *s = cell(reg, cells, lens, n, k, &len);

	*day = HOSO_DATE_NONE;
	if (s == NULL) {
		if (columns[k].required)
			return row_error(reg, HOSO_REG_SKIP_EMPTY, err, line, columns[k].name,
			    _("empty, a value is required"), NULL);
		return 0;
	}
	/* A date cell of a workbook holds a serial day number (1900 date system). */
	if (reg->xlsx != NULL && hoso_xlsx_serial_day(s, len, day))
		return 0;
	if (!hoso_register_parse_date(s, len, day))
		return row_error(reg, HOSO_REG_SKIP_DATE, err, line, columns[k].name,
		    _("not a date (YYYY-MM-DD[ HH:MM[:SS]] or DD/MM/YYYY[ HH:MM[:SS]]): '%s'"), s);
	return 0;
}

/* True when every byte is ASCII and not NUL: most cells, checked without libunistring. */
static bool
plain_ascii(const char *s, size_t n)
{
	unsigned char any = 0;
	size_t i;

	/* A NUL turns into 0xff by the subtraction; bytes from 0x80 up keep their top bit. */
	for (i = 0; i < n; i++)
		any |= (unsigned char)((unsigned char)s[i] | ((unsigned char)s[i] - 1u));
	return (any & 0x80) == 0;
}

static int
parse_row(struct hoso_register *reg, char **cells, size_t *lens, size_t n, long line,
    size_t bad_cell, struct hoso_register_row *row, struct hoso_err *err)
{
	static const struct {
		int col;
		unsigned bit;
	} bools[] = {
		{ C_SO_HOA_HO_SO, HOSO_REG_SO_HOA_HO_SO },
		{ C_SO_HOA_KET_QUA, HOSO_REG_SO_HOA_KET_QUA },
		{ C_THANH_TOAN, HOSO_REG_THANH_TOAN_TRUC_TUYEN },
		{ C_KY_SO, HOSO_REG_KY_SO },
	};
	struct hoso_buf tmp = HOSO_BUF_INIT(64);
	size_t i, len;
	char *s;
	int r, v;

	memset(row, 0, sizeof(*row));
	row->line = line;
	if (reg->csv != NULL && reg->csv->too_long) {
		char why[80];

		snprintf(why, sizeof(why), _("the row is longer than %zu bytes"), reg->csv->max_row);
		r = row_error(reg, HOSO_REG_SKIP_TEXT, err, line,
		    column_name(reg, reg->csv->long_cell, &tmp), why, NULL);
		goto out;
	}
	/* A record split in place had its whole line checked already (csv_fast). */
	for (i = reg->csv != NULL && reg->csv->in_block && reg->csv->text_ok ? reg->n_header : 0;
	    i < n; i++) {
		/* Valid UTF-8 without a NUL: most cells, checked without libunistring. */
		if (plain_ascii(cells[i], lens[i]))
			;
		else if (!hoso_utf8_valid(cells[i], lens[i])) {
			r = row_error(reg, HOSO_REG_SKIP_TEXT, err, line, column_name(reg, i, &tmp),
			    _("not valid UTF-8"), NULL);
			goto out;
		} else if (strlen(cells[i]) != lens[i]) {
			r = row_error(reg, HOSO_REG_SKIP_TEXT, err, line, column_name(reg, i, &tmp),
			    _("contains a NUL byte"), NULL);
			goto out;
		}
		if (i >= reg->n_header && lens[i] > 0) {
			r = row_error(reg, HOSO_REG_SKIP_TEXT, err, line, column_name(reg, i, &tmp),
			    _("more cells than the header has columns: '%s'"), cells[i]);
			goto out;
		}
	}
	if (bad_cell != SIZE_MAX) {
		r = row_error(reg, HOSO_REG_SKIP_TEXT, err, line, column_name(reg, bad_cell, &tmp),
		    _("text after the closing quote (RFC 4180)"), NULL);
		goto out;
	}
	if ((s = cell(reg, cells, lens, n, C_MA_HO_SO, &len)) == NULL) {
		r = row_error(reg, HOSO_REG_SKIP_EMPTY, err, line, "ma_ho_so",
		    _("empty, a value is required"), NULL);
		goto out;
	}
	if (len > 255) {
		r = row_error(reg, HOSO_REG_SKIP_VALUE, err, line, "ma_ho_so",
		    _("longer than 255 bytes: '%s'"), s);
		goto out;
	}
	row->code = s;
	row->code_len = len;
	if ((s = cell(reg, cells, lens, n, C_MA_DON_VI, &len)) == NULL) {
		r = row_error(reg, HOSO_REG_SKIP_EMPTY, err, line, "ma_don_vi",
		    _("empty, a value is required"), NULL);
		goto out;
	}
	row->unit = s;
	if ((s = cell(reg, cells, lens, n, C_KENH, &len)) == NULL) {
		r = row_error(reg, HOSO_REG_SKIP_EMPTY, err, line, "kenh",
		    _("empty, a value is required"), NULL);
		goto out;
	}
	if ((row->kenh = parse_kenh(reg, s, len)) < 0) {
		r = row_error(reg, HOSO_REG_SKIP_VALUE, err, line, "kenh",
		    _("not truc_tiep, truc_tuyen, buu_chinh, 1, 2 or 3: '%s'"), s);
		goto out;
	}
	if ((s = cell(reg, cells, lens, n, C_MUC_DO, &len)) != NULL &&
	    (row->muc_do = parse_muc_do(reg, s, len)) < 0) {
		r = row_error(reg, HOSO_REG_SKIP_VALUE, err, line, "muc_do",
		    _("not toan_trinh, mot_phan, khong, 4, 3, 2 or 1: '%s'"), s);
		goto out;
	}
	row->field = cell(reg, cells, lens, n, C_LINH_VUC, &len);
	if ((r = date_cell(reg, cells, lens, n, C_NGAY_TIEP_NHAN, line, &row->recv, err)) != 0 ||
	    (r = date_cell(reg, cells, lens, n, C_NGAY_HEN_TRA, line, &row->due, err)) != 0 ||
	    (r = date_cell(reg, cells, lens, n, C_NGAY_KET_THUC, line, &row->done, err)) != 0 ||
	    (r = date_cell(reg, cells, lens, n, C_NGAY_TRA, line, &row->returned, err)) != 0)
		goto out;
	if (row->done != HOSO_DATE_NONE && row->done < row->recv) {
		char d[11];

		hoso_date_ymd(row->recv, d);
		r = row_error(reg, HOSO_REG_SKIP_ORDER, err, line, "ngay_ket_thuc",
		    _("before ngay_tiep_nhan (%s)"), d);
		goto out;
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		if ((s = cell(reg, cells, lens, n, bools[i].col, &len)) == NULL)
			continue;
		if ((v = parse_bool(reg, s, len)) < 0) {
			r = row_error(reg, HOSO_REG_SKIP_VALUE, err, line, columns[bools[i].col].name,
			    _("not 1, 0, true, false, có or không: '%s'"), s);
			goto out;
		}
		if (v)
			row->flags |= bools[i].bit;
	}
	r = 0;
out:
	if (tmp.data != NULL)	/* only an error names a column by number */
		hoso_buf_free(&tmp);
	return r;
}

int
hoso_register_next(struct hoso_register *reg, struct hoso_register_row *row,
    struct hoso_err *err)
{
	char **cells;
	size_t *lens, n, bad;
	long line;
	int r;

	for (;;) {
		if ((r = next_record(reg, &cells, &lens, &n, &line, &bad, err)) <= 0)
			goto out;
		r = parse_row(reg, cells, lens, n, line, bad, row, err);
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		/* r == 1: skipped under --lenient */
	}
	r = 1;
out:
	return r;
}
