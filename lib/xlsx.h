/*
 * xlsx.h - the first worksheet of an Excel workbook (.xlsx) as rows of text cells, streaming;
 * and a one-sheet workbook of text cells written for a person to fill in (review --export).
 */
#ifndef HOSO_XLSX_H
#define HOSO_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

/* The sheet read when the workbook does not list its sheets: xl/worksheets/sheet1.xml. */
#define HOSO_XLSX_SHEET "sheet1"

struct hoso_xlsx;

/* True when the bytes start like a ZIP (an .xlsx is one): "PK\3\4". */
bool hoso_xlsx_magic(const void *p, size_t n);

/*
 * Open the workbook in fd (a file: the archive is read again for each part:
 * the list of sheets, shared strings, then the sheet) or, when fd < 0, in
 * mem. label names it in messages.
 * max_cell bounds a cell's text and the shared strings' total is bounded too.
 */
int hoso_xlsx_open(struct hoso_xlsx **xp, int fd, const void *mem, size_t mem_len,
    const char *label, size_t max_cell, struct hoso_err *err);
/*
 * Next row with a non-empty cell: 1 with cells[0..n) (NUL-terminated text,
 * lengths in lens; a column the sheet skips is ""), the row's number; 0 at the
 * end; negative on error. Shared and inline strings give their text, numbers
 * and dates their stored number (a date is a serial day, see
 * hoso_xlsx_serial_day), booleans 1 or 0.
 */
int hoso_xlsx_next(struct hoso_xlsx *x, char ***cells, size_t **lens, size_t *n, long *row,
    struct hoso_err *err);
void hoso_xlsx_close(struct hoso_xlsx *x);
/*
 * The name of the sheet read, as its tab shows it (for messages such as
 * "Sổ tiếp nhận!D7"): the first sheet of xl/workbook.xml, in the order of
 * the tabs, found through xl/_rels/workbook.xml.rels.
 */
const char *hoso_xlsx_sheet_name(const struct hoso_xlsx *x);

/* "A", "B", ... "XFD" for column index 0, 1, ... into out (at least 4 bytes). */
void hoso_xlsx_column(size_t index, char out[static 4]);

/*
 * A cell's stored number as a date of the 1900 date system (serial 1 is
 * 1900-01-01; Excel's 1900-02-29, serial 60, does not exist): true and the
 * day number (days since 1970-01-01) when s is a plain number of days
 * (a fraction is the time of day, dropped).
 */
bool hoso_xlsx_serial_day(const char *s, size_t n, int32_t *day);

/*
 * Write a workbook of one sheet named sheet: n_rows rows of n_cols text cells
 * (cells[row * n_cols + col], UTF-8; NULL is an empty cell), the first row in
 * bold as a header and frozen. Written to a temporary file and renamed into
 * place; every part dated mtime, so equal inputs give equal bytes. Control
 * characters XML cannot hold are dropped.
 */
int hoso_xlsx_write(const char *path, const char *sheet, const char *const *cells, size_t n_rows,
    size_t n_cols, time_t mtime, struct hoso_err *err);

#endif
