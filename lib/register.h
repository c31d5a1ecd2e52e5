/* register.h - streaming reader of register exports (sổ theo dõi hồ sơ), specs/register-csv.md. */
#ifndef HOSO_REGISTER_H
#define HOSO_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "err.h"

enum hoso_kenh {
	HOSO_KENH_NONE = 0,
	HOSO_KENH_TRUC_TIEP = 1,	/* paper at the desk */
	HOSO_KENH_TRUC_TUYEN = 2,	/* online */
	HOSO_KENH_BUU_CHINH = 3,	/* postal */
};

enum hoso_muc_do {
	HOSO_MUC_DO_NONE = 0,
	HOSO_MUC_DO_TOAN_TRINH,		/* legacy 4 */
	HOSO_MUC_DO_MOT_PHAN,		/* legacy 3 */
	HOSO_MUC_DO_KHONG,		/* legacy 2 and 1 */
};

/* The yes/no columns of a row, as bits of hoso_register_row.flags. */
enum {
	HOSO_REG_SO_HOA_HO_SO = 1,
	HOSO_REG_SO_HOA_KET_QUA = 2,
	HOSO_REG_THANH_TOAN_TRUC_TUYEN = 4,
	HOSO_REG_KY_SO = 8,
};

/* Why a row was skipped under --lenient (counted per reason). */
enum hoso_register_skip {
	HOSO_REG_SKIP_EMPTY,		/* a required cell is empty */
	HOSO_REG_SKIP_DATE,		/* a date that does not parse or is out of range */
	HOSO_REG_SKIP_VALUE,		/* another value that does not parse */
	HOSO_REG_SKIP_ORDER,		/* ngay_ket_thuc before ngay_tiep_nhan */
	HOSO_REG_SKIP_TEXT,		/* invalid UTF-8, NUL byte, bad quoting, too many cells, a control character in a name */
	HOSO_REG_SKIP_UNIT,		/* unit code unknown on the date received */
	HOSO_REG_SKIP_MAX,
};

/* One register row; the strings live until the next hoso_register_next call. */
struct hoso_register_row {
	const char *code;	/* ma_ho_so, trimmed, never empty */
	const char *unit;	/* ma_don_vi, trimmed, never empty */
	const char *field;	/* linh_vuc, trimmed; NULL when empty */
	size_t code_len;	/* strlen(code) */
	int kenh;		/* enum hoso_kenh, never NONE */
	int muc_do;		/* enum hoso_muc_do */
	int32_t recv;		/* ngay_tiep_nhan, never HOSO_DATE_NONE */
	int32_t due;		/* ngay_hen_tra */
	int32_t done;		/* ngay_ket_thuc; >= recv when given */
	int32_t returned;	/* ngay_tra */
	unsigned flags;		/* HOSO_REG_* bits */
	long line;		/* line of the file where the row starts */
};

/*
 * The labels an export gives the spec's columns (hoso-register(5), "Column
 * labels"): a --columns file, or NULL for the built-in Vietnamese ones.
 */
struct hoso_register_labels;

/*
 * Read a columns file: "ma_ho_so = Mã hồ sơ" lines, '#' comments, blank lines;
 * a column may have several labels. Anything else is HOSO_EINPUT with file:line.
 */
int hoso_register_labels_load(const char *path, struct hoso_register_labels **labels,
    struct hoso_err *err);
int hoso_register_labels_parse(const char *text, size_t len, const char *label,
    struct hoso_register_labels **labels, struct hoso_err *err);
void hoso_register_labels_free(struct hoso_register_labels *labels);

struct hoso_register_opts {
	const char *label;	/* names the input in messages ("file:line: ...") */
	size_t block_size;	/* bytes per read(2); 0: 1 MiB */
	size_t max_row;		/* longest row (and so cell) accepted; 0: 1 MiB */
	bool lenient;		/* skip bad rows, counting them in skipped[] */
	size_t *skipped;	/* HOSO_REG_SKIP_MAX counters, added to; may be NULL */
	const struct hoso_register_labels *labels;	/* NULL: the built-in labels */
};

struct hoso_register;

/* Read a register from fd (not closed here); the header is read at once. */
int hoso_register_open(struct hoso_register **regp, int fd, const struct hoso_register_opts *o,
    struct hoso_err *err);
/* Next row: 1 and *row filled, 0 at the end, or a negative HOSO_E* code. */
int hoso_register_next(struct hoso_register *reg, struct hoso_register_row *row,
    struct hoso_err *err);
/*
 * Reading one file in parts, in parallel: the offset where the next record
 * starts and its line (after hoso_register_open: the first row, after the
 * header), and a reader of the records that start at offsets in [start, end)
 * (end: UINT64_MAX for all the rest), as if start were the beginning of a
 * record outside quotes; it uses pread(2) only, so parts of one fd may be read
 * at once. The caller checks that guess: a part is right when the part before
 * it, read right, stopped exactly at its start (hoso_register_position once it
 * returns 0). Rows are numbered from first_line. head is only read, and must
 * outlive the part. Only a CSV register from a seekable fd can be split;
 * offsets are the file's, wherever the fd was when the register was opened.
 */
bool hoso_register_splittable(const struct hoso_register *reg);
int hoso_register_position(struct hoso_register *reg, uint64_t *offset, long *line,
    struct hoso_err *err);
int hoso_register_open_part(struct hoso_register **regp, const struct hoso_register *head, int fd,
    uint64_t start, uint64_t end, long first_line, const struct hoso_register_opts *o,
    struct hoso_err *err);
/* Bytes read so far (for progress). */
uint64_t hoso_register_bytes(const struct hoso_register *reg);
/* The offset parsing has reached, to the byte but for a CRLF's LF (0 for a workbook). */
uint64_t hoso_register_offset(const struct hoso_register *reg);
void hoso_register_close(struct hoso_register *reg);

/*
 * The RFC 4180 record reader under hoso_register_*, shared with the units file:
 * BOM skipped, separator ',' ';' or TAB chosen from the first line, quoted cells
 * with separators, quotes and newlines, LF or CRLF, blank lines skipped.
 */
struct hoso_register_csv;

int hoso_register_csv_open(struct hoso_register_csv **csvp, int fd, const char *label,
    size_t block_size, size_t max_row, struct hoso_err *err);
/*
 * Next record: 1 with cells[0..n) (NUL-terminated, lengths in lens), the line it
 * starts on and, in bad_cell, the index of a cell with text after its closing
 * quote (SIZE_MAX when none); 0 at the end; negative on error.
 */
int hoso_register_csv_next(struct hoso_register_csv *csv, char ***cells, size_t **lens, size_t *n,
    long *line, size_t *bad_cell, struct hoso_err *err);
/* Trim spaces and TABs around a cell in place (header names and values alike); (*s)[*n] is a NUL. */
void hoso_register_csv_trim(char **s, size_t *n);
char hoso_register_csv_separator(const struct hoso_register_csv *csv);
uint64_t hoso_register_csv_bytes(const struct hoso_register_csv *csv);
void hoso_register_csv_close(struct hoso_register_csv *csv);

/*
 * A date in one of the spec's forms (YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS],
 * YYYY-MM-DDTHH:MM[:SS], DD/MM/YYYY[ HH:MM[:SS]]) as a day number; false when
 * it is none of them. The time of day is checked, then dropped.
 */
bool hoso_register_parse_date(const char *s, size_t n, int32_t *day);

/* A short English name of a skip reason, for messages and machine output. */
const char *hoso_register_skip_name(int reason);

#endif
