/*
 * xlsx.c - register exports as Excel workbooks (specs/register-csv.md, "File format").
 *
 * An .xlsx is a ZIP of XML parts (ECMA-376 Part 1, SpreadsheetML). Two are read,
 * each as a stream (input.c for the ZIP, xml.c for the XML), never extracted:
 * xl/sharedStrings.xml, held as a table of strings (§18.4), then
 * xl/worksheets/sheet1.xml, row by row (§18.3.1.73 row, §18.3.1.4 c). A cell's
 * column comes from its reference ("C5"); cells and rows the sheet leaves out
 * are empty. Cell types (§18.18.11): s shared string, inlineStr (<is>), str
 * formula text, b boolean, n or none a number, e an error, d an ISO date.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "i18n.h"
#include "input.h"
#include "utf8.h"
#include "xlsx.h"
#include "xml.h"
#include "zip.h"

#define MAX_COLUMNS 16384		/* XFD, §18.3.1.4 */
#define MAX_STRINGS_BYTES ((size_t)256 << 20)

struct stream {
	struct hoso_input_member *m;
	struct hoso_err err;		/* why a read failed */
	bool failed;
};

struct hoso_xlsx {
	char *label;
	char *sheet_name;		/* the first sheet's, as its tab shows it */
	char *sheet_part;		/* its part: "xl/worksheets/sheet1.xml" */
	size_t max_cell;
	/* shared strings */
	char **strings;
	size_t n_strings, cap_strings, strings_bytes;
	/* the sheet */
	struct stream in;
	struct hoso_xmlr *x;
	bool done;
	/* the current row: cell texts back to back in text, at offsets */
	struct hoso_buf text;
	size_t *offs, *lens;
	char **cells;
	size_t n_cells, cap_cells;
	long row;
};

bool
hoso_xlsx_magic(const void *p, size_t n)
{
	return n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0;
}

void
hoso_xlsx_column(size_t i, char out[static 4])
{
	char tmp[4];
	size_t n = 0, k;

	i++;
	while (i > 0 && n < 3) {
		tmp[n++] = (char)('A' + (i - 1) % 26);
		i = (i - 1) / 26;
	}
	for (k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	out[n] = '\0';
}

bool
hoso_xlsx_serial_day(const char *s, size_t n, int32_t *day)
{
	long serial = 0;
	size_t i = 0;

	if (n == 0 || n > 12)
		return false;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		serial = serial * 10 + (s[i] - '0');
	if (i == 0)
		return false;
	if (i < n) {
		if (s[i] != '.' || i + 1 == n)
			return false;
		for (i++; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return false;
	}
	/* Serial 60 is 1900-02-29, which Lotus 1-2-3 had and Excel kept; it never was. */
	if (serial < 1 || serial == 60 || serial > 2958465)	/* 9999-12-31 */
		return false;
	*day = hoso_date_day(1899, 12, 31) + (int32_t)serial - (serial > 60 ? 1 : 0);
	return true;
}

static int
stream_read(void *ctx, char *buf, int len)
{
	struct stream *st = ctx;
	size_t got;

	if (hoso_input_member_read(st->m, buf, (size_t)len, &got, &st->err) != 0) {
		st->failed = true;
		return -1;
	}
	return (int)got;
}

/* The member as an XML stream; an optional member that is not there leaves st->m NULL. */
static int
stream_open(struct hoso_xlsx *x, struct stream *st, struct hoso_xmlr **xr, int fd,
    const void *mem, size_t mem_len, const char *member, bool optional, struct hoso_err *err)
{
	struct hoso_buf label = HOSO_BUF_INIT(0);
	int r;

	memset(st, 0, sizeof(*st));
	*xr = NULL;
	if ((r = hoso_input_member_open(&st->m, fd, mem, mem_len, x->label, member, optional,
	    err)) != 0 || st->m == NULL)
		goto out;
	if ((r = hoso_buf_addf(&label, err, "%s:%s", x->label, member)) != 0)
		goto out;
	r = hoso_xmlr_new(xr, stream_read, st, hoso_buf_str(&label), err);
out:
	hoso_buf_free(&label);
	return r;
}

/* A node of the stream; a failed read of the ZIP is reported as itself. */
static int
next_node(struct stream *st, struct hoso_xmlr *xr, int *type, struct hoso_err *err)
{
	int r = hoso_xmlr_next(xr, type, err);

	if (r < 0 && st->failed && err != NULL)
		*err = st->err;
	return r;
}

/* Text of the elements named t inside the current element (until its end), appended to out. */
static int
collect_text(struct hoso_xlsx *x, struct stream *st, struct hoso_xmlr *xr, const char *what,
    struct hoso_buf *out, struct hoso_err *err)
{
	int depth = 1, in_t = 0, type, r;

	while (depth > 0) {
		if ((r = next_node(st, xr, &type, err)) < 0)
			return r;
		if (r == 0)
			return hoso_err_set(err, HOSO_EINPUT, _("%s: %s ends too early"), x->label,
			    what);
		if (type == HOSO_XMLR_START && !hoso_xmlr_empty(xr)) {
			depth++;
			/* <t> of <si>, <is>, <r>; the phonetic runs (<rPh>) are not the text. */
			if (strcmp(hoso_xmlr_name(xr), "rPh") == 0)
				in_t -= 1000;
			else if (strcmp(hoso_xmlr_name(xr), "t") == 0 ||
			    strcmp(hoso_xmlr_name(xr), "v") == 0)
				in_t++;
		} else if (type == HOSO_XMLR_END) {
			depth--;
			if (strcmp(hoso_xmlr_name(xr), "rPh") == 0)
				in_t += 1000;
			else if (strcmp(hoso_xmlr_name(xr), "t") == 0 ||
			    strcmp(hoso_xmlr_name(xr), "v") == 0)
				in_t--;
		} else if (type == HOSO_XMLR_TEXT && in_t > 0) {
			if ((r = hoso_buf_adds(out, hoso_xmlr_value(xr), err)) != 0)
				return hoso_err_set(err, HOSO_EINPUT, _("%s: %s longer than %zu bytes"),
				    x->label, what, x->max_cell);
		}
	}
	return 0;
}

static int
read_shared_strings(struct hoso_xlsx *x, int fd, const void *mem, size_t mem_len,
    struct hoso_err *err)
{
	struct stream st;
	struct hoso_xmlr *xr = NULL;
	struct hoso_buf s = HOSO_BUF_INIT(0);
	int type, r;

	/* A workbook with no text cells has no shared strings part. */
	if ((r = stream_open(x, &st, &xr, fd, mem, mem_len, "xl/sharedStrings.xml", true, err)) != 0 ||
	    st.m == NULL)
		goto out;
	s.max = x->max_cell;
	while ((r = next_node(&st, xr, &type, err)) > 0) {
		if (type != HOSO_XMLR_START || strcmp(hoso_xmlr_name(xr), "si") != 0)
			continue;
		hoso_buf_reset(&s);
		if (!hoso_xmlr_empty(xr) &&
		    (r = collect_text(x, &st, xr, "xl/sharedStrings.xml", &s, err)) != 0)
			goto out;
		x->strings_bytes += s.len + 1;
		if (x->strings_bytes > MAX_STRINGS_BYTES) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: shared strings larger than %zu bytes"),
			    x->label, MAX_STRINGS_BYTES);
			goto out;
		}
		if (x->n_strings == x->cap_strings) {
			size_t cap = x->cap_strings ? x->cap_strings * 2 : 256;
			char **ns = realloc(x->strings, cap * sizeof(*ns));

			if (ns == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			x->strings = ns;
			x->cap_strings = cap;
		}
		if ((x->strings[x->n_strings] = strdup(hoso_buf_str(&s))) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		x->n_strings++;
	}
out:
	hoso_xmlr_free(xr);
	hoso_input_member_close(st.m);
	hoso_buf_free(&s);
	return r < 0 ? r : 0;
}

void
hoso_xlsx_close(struct hoso_xlsx *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n_strings; i++)
		free(x->strings[i]);
	free(x->strings);
	hoso_xmlr_free(x->x);
	hoso_input_member_close(x->in.m);
	hoso_buf_free(&x->text);
	free(x->offs);
	free(x->lens);
	free(x->cells);
	free(x->label);
	free(x->sheet_name);
	free(x->sheet_part);
	free(x);
}

const char *
hoso_xlsx_sheet_name(const struct hoso_xlsx *x)
{
	return x->sheet_name != NULL ? x->sheet_name : HOSO_XLSX_SHEET;
}

/* The relationships namespaces of transitional and strict OOXML (ECMA-376 Part 1, §22.8). */
static const char *const rel_ns[] = {
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
	"http://purl.oclc.org/ooxml/officeDocument/relationships",
};

/*
 * From the part, the attributes of the first element named elem whose
 * attribute key equals want (want NULL: the first such element): *a and *b
 * get attributes an and bn (bn in a relationships namespace when rel_b).
 */
static int
first_element(struct hoso_xlsx *x, int fd, const void *mem, size_t mem_len, const char *part,
    const char *elem, const char *key, const char *want, const char *an, char **a,
    const char *bn, bool rel_b, char **b, struct hoso_err *err)
{
	struct stream st;
	struct hoso_xmlr *xr = NULL;
	int type, r;
	size_t i;

	*a = *b = NULL;
	if ((r = stream_open(x, &st, &xr, fd, mem, mem_len, part, true, err)) != 0 ||
	    st.m == NULL)
		goto out;
	while ((r = next_node(&st, xr, &type, err)) > 0) {
		char *k;
		bool hit;
		if (type != HOSO_XMLR_START || strcmp(hoso_xmlr_name(xr), elem) != 0)
			continue;
		k = want != NULL ? hoso_xmlr_attr(xr, key) : NULL;
		hit = want == NULL || (k != NULL && strcmp(k, want) == 0);
		free(k);
		if (!hit)
			continue;
		*a = hoso_xmlr_attr(xr, an);
		for (i = 0; i < sizeof(rel_ns) / sizeof(rel_ns[0]) && *b == NULL; i++)
			*b = rel_b ? hoso_xmlr_attr_ns(xr, bn, rel_ns[i]) : hoso_xmlr_attr(xr, bn);
		break;
	}
out:
	hoso_xmlr_free(xr);
	hoso_input_member_close(st.m);
	return r < 0 ? r : 0;
}

/*
 * The first sheet, in the order of the workbook's tabs (§18.2.19 sheet), and
 * its part by the workbook's relationships (a Target relative to xl/, or
 * absolute from the package's root). A workbook that lists no sheets is read
 * as xl/worksheets/sheet1.xml.
 */
static int
find_first_sheet(struct hoso_xlsx *x, int fd, const void *mem, size_t mem_len,
    struct hoso_err *err)
{
	char *rid = NULL, *type = NULL, *target = NULL;
	struct hoso_buf part = HOSO_BUF_INIT(0);
	int r;

	if ((r = first_element(x, fd, mem, mem_len, "xl/workbook.xml", "sheet", NULL, NULL,
	    "name", &x->sheet_name, "id", true, &rid, err)) != 0)
		goto out;
	if (rid != NULL && (r = first_element(x, fd, mem, mem_len, "xl/_rels/workbook.xml.rels",
	    "Relationship", "Id", rid, "Type", &type, "Target", false, &target, err)) != 0)
		goto out;
	if (target == NULL) {
		r = hoso_buf_adds(&part, "xl/worksheets/" HOSO_XLSX_SHEET ".xml", err);
	} else if (strstr(target, "..") != NULL || strchr(target, '\\') != NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: the first sheet's part '%s' leaves xl/"),
		    x->label, target);
	} else {
		r = target[0] == '/' ? hoso_buf_adds(&part, target + 1, err) :
		    hoso_buf_addf(&part, err, "xl/%s", target);
	}
	if (r == 0 && (x->sheet_part = strdup(hoso_buf_str(&part))) == NULL)
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
out:
	free(rid);
	free(type);
	free(target);
	hoso_buf_free(&part);
	return r;
}

int
hoso_xlsx_open(struct hoso_xlsx **xp, int fd, const void *mem, size_t mem_len, const char *label,
    size_t max_cell, struct hoso_err *err)
{
	struct hoso_xlsx *x;
	int r;

	*xp = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL || (x->label = strdup(label)) == NULL) {
		free(x);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	x->max_cell = max_cell ? max_cell : (size_t)1 << 20;
	hoso_buf_init(&x->text, 0);
	if ((r = find_first_sheet(x, fd, mem, mem_len, err)) != 0 ||
	    (r = read_shared_strings(x, fd, mem, mem_len, err)) != 0 ||
	    (r = stream_open(x, &x->in, &x->x, fd, mem, mem_len, x->sheet_part, false,
	    err)) != 0) {
		hoso_xlsx_close(x);
		return r;
	}
	*xp = x;
	return 0;
}

/* Column index of a reference such as "C5" (letters then digits), or SIZE_MAX. */
static size_t
ref_column(const char *ref)
{
	size_t col = 0, i;

	for (i = 0; ref[i] >= 'A' && ref[i] <= 'Z'; i++) {
		col = col * 26 + (size_t)(ref[i] - 'A' + 1);
		if (col > MAX_COLUMNS)
			return SIZE_MAX;
	}
	if (i == 0 || ref[i] < '1' || ref[i] > '9')
		return SIZE_MAX;
	for (; ref[i] != '\0'; i++)
		if (ref[i] < '0' || ref[i] > '9')
			return SIZE_MAX;
	return col - 1;
}

/* Cells up to col exist (empty ones are ""); the current one is col. */
static int
cells_to(struct hoso_xlsx *x, size_t col, struct hoso_err *err)
{
	int r;

	while (x->n_cells <= col) {
		if (x->n_cells == x->cap_cells) {
			size_t cap = x->cap_cells ? x->cap_cells * 2 : 32;
			size_t *no = realloc(x->offs, cap * sizeof(*no)), *nl;
			char **nc;

			if (no == NULL)
				return hoso_err_set(err, HOSO_EIO, _("out of memory"));
			x->offs = no;
			if ((nl = realloc(x->lens, cap * sizeof(*nl))) == NULL)
				return hoso_err_set(err, HOSO_EIO, _("out of memory"));
			x->lens = nl;
			if ((nc = realloc(x->cells, cap * sizeof(*nc))) == NULL)
				return hoso_err_set(err, HOSO_EIO, _("out of memory"));
			x->cells = nc;
			x->cap_cells = cap;
		}
		x->offs[x->n_cells] = x->text.len;
		x->lens[x->n_cells] = 0;
		if ((r = hoso_buf_addc(&x->text, '\0', err)) != 0)
			return r;
		x->n_cells++;
	}
	return 0;
}

static int
cell_error(struct hoso_xlsx *x, size_t col, const char *why, struct hoso_err *err)
{
	char c[4];

	hoso_xlsx_column(col, c);
	return hoso_err_set(err, HOSO_EINPUT, "%s: %s!%s%ld: %s", x->label,
	    hoso_xlsx_sheet_name(x), c, x->row, why);
}

/* One <c>: its text becomes cell col (the text buffer ends with the row so far). */
static int
read_cell(struct hoso_xlsx *x, size_t col, const char *type, struct hoso_err *err)
{
	struct hoso_buf v = HOSO_BUF_INIT(0);
	char *end;
	unsigned long idx;
	const char *text;
	int r;

	v.max = x->max_cell;
	if (!hoso_xmlr_empty(x->x) && (r = collect_text(x, &x->in, x->x, "a cell", &v, err)) != 0)
		goto out;
	text = hoso_buf_str(&v);
	if (type != NULL && strcmp(type, "s") == 0) {
		idx = strtoul(text, &end, 10);
		if (*text < '0' || *text > '9' || *end != '\0' || idx >= x->n_strings) {
			r = cell_error(x, col, _("a shared string that is not there"), err);
			goto out;
		}
		text = x->strings[idx];
	}
	if ((r = cells_to(x, col, err)) != 0)
		goto out;
	/* The cell is the last one so far: replace its empty text. */
	x->text.len = x->offs[col];
	if ((r = hoso_buf_adds(&x->text, text, err)) != 0 ||
	    (r = hoso_buf_addc(&x->text, '\0', err)) != 0)
		goto out;
	x->lens[col] = strlen(text);
out:
	hoso_buf_free(&v);
	return r;
}

int
hoso_xlsx_next(struct hoso_xlsx *x, char ***cells, size_t **lens, size_t *n, long *row,
    struct hoso_err *err)
{
	char *ref = NULL, *t = NULL, *rattr;
	size_t col, next_col = 0, i;
	bool in_row = false, any = false;
	int type, r;

	while (!x->done) {
		if ((r = next_node(&x->in, x->x, &type, err)) < 0)
			goto out;
		if (r == 0) {
			x->done = true;
			break;
		}
		if (type == HOSO_XMLR_START && strcmp(hoso_xmlr_name(x->x), "row") == 0) {
			rattr = hoso_xmlr_attr(x->x, "r");
			x->row = rattr != NULL ? strtol(rattr, NULL, 10) : x->row + 1;
			free(rattr);
			hoso_buf_reset(&x->text);
			x->n_cells = 0;
			next_col = 0;
			any = false;
			if (hoso_xmlr_empty(x->x))
				continue;
			in_row = true;
		} else if (type == HOSO_XMLR_START && in_row &&
		    strcmp(hoso_xmlr_name(x->x), "c") == 0) {
			ref = hoso_xmlr_attr(x->x, "r");
			t = hoso_xmlr_attr(x->x, "t");
			col = ref != NULL ? ref_column(ref) : next_col;
			if (col == SIZE_MAX || col >= MAX_COLUMNS) {
				r = hoso_err_set(err, HOSO_EINPUT, _("%s: %s row %ld: a bad cell reference"),
				    x->label, hoso_xlsx_sheet_name(x), x->row);
				goto out;
			}
			if (col < next_col) {
				r = cell_error(x, col, _("cells out of order"), err);
				goto out;
			}
			if ((r = read_cell(x, col, t, err)) != 0)
				goto out;
			any = any || x->lens[col] > 0;
			next_col = col + 1;
			free(ref);
			free(t);
			ref = t = NULL;
		} else if (type == HOSO_XMLR_END && strcmp(hoso_xmlr_name(x->x), "row") == 0) {
			in_row = false;
			if (any)
				break;
		} else if (type == HOSO_XMLR_END && strcmp(hoso_xmlr_name(x->x), "sheetData") == 0) {
			x->done = true;
		}
	}
	if (x->done && !any) {
		r = 0;
		goto out;
	}
	/* The texts are in place; point at them (the buffer does not move any more). */
	for (i = 0; i < x->n_cells; i++)
		x->cells[i] = x->text.data + x->offs[i];
	*cells = x->cells;
	*lens = x->lens;
	*n = x->n_cells;
	*row = x->row;
	r = 1;
out:
	free(ref);
	free(t);
	return r;
}

/* ---- writing ---- */

/* XML text of s: escaped, and what XML 1.0 cannot hold (C0 but TAB and LF, bad UTF-8) dropped. */
static int
xml_text(struct hoso_buf *b, const char *s, struct hoso_err *err)
{
	size_t n = strlen(s), i = 0;
	uint32_t c;
	int len, r = 0;

	while (r == 0 && i < n) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x80) {
			i++;
			if (ch == '&')
				r = hoso_buf_adds(b, "&amp;", err);
			else if (ch == '<')
				r = hoso_buf_adds(b, "&lt;", err);
			else if (ch == '>')
				r = hoso_buf_adds(b, "&gt;", err);
			else if (ch == '"')
				r = hoso_buf_adds(b, "&quot;", err);
			else if (ch >= 0x20 || ch == '\t' || ch == '\n')
				r = hoso_buf_addc(b, (char)ch, err);
			continue;
		}
		if ((len = hoso_utf8_decode(s + i, n - i, &c)) <= 0) {
			i++;
			continue;
		}
		if (c != 0xfffe && c != 0xffff)
			r = hoso_buf_add(b, s + i, (size_t)len, err);
		i += (size_t)len;
	}
	return r;
}

static int
add_part(struct hoso_zipw *zw, const char *name, const struct hoso_buf *b, struct hoso_err *err)
{
	int r;

	if ((r = hoso_zipw_begin(zw, name, HOSO_ZIP_DEFLATED, b->len, NULL, err)) != 0 ||
	    (r = hoso_zipw_write(zw, hoso_buf_str(b), b->len, err)) != 0)
		return r;
	return hoso_zipw_end(zw, err);
}

#define XLSX_XML "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define XLSX_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define XLSX_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XLSX_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define XLSX_CT "application/vnd.openxmlformats-officedocument.spreadsheetml"

int
hoso_xlsx_write(const char *path, const char *sheet, const char *const *cells, size_t n_rows,
    size_t n_cols, time_t mtime, struct hoso_err *err)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_zipw *zw = NULL;
	char col[4];
	size_t i, k;
	int r;

	/* ECMA-376 Part 2 (OPC): content types and the package relationship come first. */
	if ((r = hoso_zipw_open(path, mtime, &zw, err)) != 0)
		return r;
	if ((r = hoso_buf_addf(&b, err, XLSX_XML "<Types xmlns=\"http://schemas.openxmlformats.org/"
	    "package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/"
	    "vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" "
	    "ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" "
	    "ContentType=\"" XLSX_CT ".sheet.main+xml\"/><Override "
	    "PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"" XLSX_CT ".worksheet+xml\"/>"
	    "<Override PartName=\"/xl/styles.xml\" ContentType=\"" XLSX_CT ".styles+xml\"/>"
	    "</Types>\n")) != 0 ||
	    (r = add_part(zw, "[Content_Types].xml", &b, err)) != 0)
		goto out;
	hoso_buf_reset(&b);
	if ((r = hoso_buf_addf(&b, err, XLSX_XML "<Relationships xmlns=\"" XLSX_PKG_REL "\">"
	    "<Relationship Id=\"rId1\" Type=\"" XLSX_REL "/officeDocument\" "
	    "Target=\"xl/workbook.xml\"/></Relationships>\n")) != 0 ||
	    (r = add_part(zw, "_rels/.rels", &b, err)) != 0)
		goto out;
	hoso_buf_reset(&b);
	if ((r = hoso_buf_addf(&b, err, XLSX_XML "<workbook xmlns=\"" XLSX_NS "\" xmlns:r=\""
	    XLSX_REL "\"><sheets><sheet name=\"")) != 0 ||
	    (r = xml_text(&b, sheet, err)) != 0 ||
	    (r = hoso_buf_adds(&b, "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>\n",
	    err)) != 0 ||
	    (r = add_part(zw, "xl/workbook.xml", &b, err)) != 0)
		goto out;
	hoso_buf_reset(&b);
	if ((r = hoso_buf_addf(&b, err, XLSX_XML "<Relationships xmlns=\"" XLSX_PKG_REL "\">"
	    "<Relationship Id=\"rId1\" Type=\"" XLSX_REL "/worksheet\" "
	    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" XLSX_REL
	    "/styles\" Target=\"styles.xml\"/></Relationships>\n")) != 0 ||
	    (r = add_part(zw, "xl/_rels/workbook.xml.rels", &b, err)) != 0)
		goto out;
	/* Style 1: bold, for the header row. */
	hoso_buf_reset(&b);
	if ((r = hoso_buf_addf(&b, err, XLSX_XML "<styleSheet xmlns=\"" XLSX_NS "\">"
	    "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/>"
	    "<sz val=\"11\"/><name val=\"Calibri\"/></font></fonts><fills count=\"1\"><fill>"
	    "<patternFill patternType=\"none\"/></fill></fills><borders count=\"1\"><border/>"
	    "</borders><cellStyleXfs count=\"1\"><xf/></cellStyleXfs><cellXfs count=\"2\"><xf/>"
	    "<xf fontId=\"1\" applyFont=\"1\"/></cellXfs></styleSheet>\n")) != 0 ||
	    (r = add_part(zw, "xl/styles.xml", &b, err)) != 0)
		goto out;
	hoso_buf_reset(&b);
	if ((r = hoso_buf_addf(&b, err, XLSX_XML "<worksheet xmlns=\"" XLSX_NS "\">"
	    "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" "
	    "activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><sheetData>")) != 0)
		goto out;
	for (i = 0; i < n_rows; i++) {
		if ((r = hoso_buf_addf(&b, err, "<row r=\"%zu\">", i + 1)) != 0)
			goto out;
		for (k = 0; k < n_cols; k++) {
			const char *v = cells[i * n_cols + k];
			if (v == NULL || *v == '\0')
				continue;
			hoso_xlsx_column(k, col);
			if ((r = hoso_buf_addf(&b, err, "<c r=\"%s%zu\" t=\"inlineStr\"%s><is>"
			    "<t xml:space=\"preserve\">", col, i + 1, i == 0 ? " s=\"1\"" : "")) != 0 ||
			    (r = xml_text(&b, v, err)) != 0 ||
			    (r = hoso_buf_adds(&b, "</t></is></c>", err)) != 0)
				goto out;
		}
		if ((r = hoso_buf_adds(&b, "</row>", err)) != 0)
			goto out;
	}
	if ((r = hoso_buf_adds(&b, "</sheetData></worksheet>\n", err)) != 0 ||
	    (r = add_part(zw, "xl/worksheets/sheet1.xml", &b, err)) != 0)
		goto out;
	r = hoso_zipw_commit(zw, err);
out:
	hoso_zipw_free(zw);
	hoso_buf_free(&b);
	return r;
}
