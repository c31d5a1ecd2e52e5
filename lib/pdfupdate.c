/*
 * pdfupdate.c - the incremental-update writer (ISO 32000-1 7.5.6): objects,
 * a cross-reference table or stream and its trailer after the input's bytes.
 * It reads no more of the input than its tail; what the objects say is the
 * caller's (pades.c, xmp.c), from pdf.c's reading of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "pdfupdate.h"
#include "sort.h"
#include "utf8.h"

#define COPY_BLOCK	(256 * 1024)
#define TAIL		1024	/* "startxref" is this close to the end (7.5.5) */

/* 7.5.5: the last "startxref" of the file, and whether that section is a table. */
static int
find_startxref(int fd, long long size, const char *label, long long *prev, bool *table,
    struct hoso_err *err)
{
	char tail[TAIL + 1], head[8];
	long long from = size > TAIL ? size - TAIL : 0, v = -1;
	ssize_t got;
	char *p, *last = NULL;
	size_t i;

	if ((got = pread(fd, tail, (size_t)(size - from), (off_t)from)) != size - from)
		return hoso_err_sys(err, errno != 0 ? errno : EIO, _("%s: cannot read"), label);
	tail[got] = '\0';
	for (i = 0; i + 9 <= (size_t)got; i++)
		if (memcmp(tail + i, "startxref", 9) == 0)
			last = tail + i;
	if (last != NULL) {
		for (p = last + 9; *p == ' ' || *p == '\r' || *p == '\n'; p++)
			;
		for (v = 0; *p >= '0' && *p <= '9' && v < size; p++)
			v = v * 10 + (*p - '0');
	}
	if (last == NULL || v <= 0 || v >= size ||
	    pread(fd, head, 4, (off_t)v) != 4)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: no usable startxref at the end of "
		    "the file"), label);
	*prev = v;
	*table = memcmp(head, "xref", 4) == 0;
	return 0;
}

int
hoso_pdfupdate_begin(struct hoso_pdfupdate *u, int fd, long long size, const char *label,
    struct hoso_err *err)
{
	char last;
	int r;

	u->base = size;
	u->table = true;
	if ((r = find_startxref(fd, size, label, &u->prev, &u->table, err)) != 0)
		return r;
	if (pread(fd, &last, 1, (off_t)(size - 1)) != 1)
		return hoso_err_sys(err, errno != 0 ? errno : EIO, _("%s: cannot read"), label);
	if (last != '\n' && last != '\r')
		return hoso_buf_addc(&u->text, '\n', err);
	return 0;
}

int
hoso_pdfupdate_obj(struct hoso_pdfupdate *u, long long id, int gen, struct hoso_err *err)
{
	if (u->n_objs >= HOSO_PDFUPDATE_MAX_OBJS)
		return hoso_err_set(err, HOSO_EUSAGE, _("%d objects in one PDF update"),
		    u->n_objs + 1);
	u->objs[u->n_objs].id = id;
	u->objs[u->n_objs].gen = gen;
	u->objs[u->n_objs].offset = u->base + (long long)u->text.len;
	u->n_objs++;
	return hoso_buf_addf(&u->text, err, "%lld %d obj\n", id, gen);
}

static int
cmp_obj(const void *a, const void *b)
{
	const struct hoso_pdfupdate_place *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* 7.5.4: a cross-reference table and trailer for the objects of the update. */
static int
xref_table(struct hoso_pdfupdate *u, const char *trailer, long long new_size,
    struct hoso_err *err)
{
	long long xref_at = u->base + (long long)u->text.len;
	int i, j, r;

	hoso_sort(u->objs, (size_t)u->n_objs, sizeof(u->objs[0]), cmp_obj);
	if ((r = hoso_buf_adds(&u->text, "xref\n", err)) != 0)
		return r;
	for (i = 0; i < u->n_objs; i = j) {
		for (j = i + 1; j < u->n_objs && u->objs[j].id == u->objs[j - 1].id + 1; j++)
			;
		if ((r = hoso_buf_addf(&u->text, err, "%lld %d\n", u->objs[i].id, j - i)) != 0)
			return r;
		for (; i < j; i++)
			if ((r = hoso_buf_addf(&u->text, err, "%010lld %05d n\r\n",
			    u->objs[i].offset, u->objs[i].gen)) != 0)
				return r;
	}
	return hoso_buf_addf(&u->text, err, "trailer\n<< /Size %lld /Prev %lld %s >>\n"
	    "startxref\n%lld\n%%%%EOF\n", new_size, u->prev, trailer, xref_at);
}

/* 7.5.8: the same as a cross-reference stream (for an input that uses them), not filtered. */
static int
xref_stream(struct hoso_pdfupdate *u, const char *trailer, long long id, struct hoso_err *err)
{
	struct hoso_buf index = HOSO_BUF_INIT(0);
	unsigned char row[1 + 8 + 2];
	long long xref_at;
	int i, j, k, r, w_off;

	/* the stream lists itself; its header is written below, after /Index is known */
	xref_at = u->base + (long long)u->text.len;
	u->objs[u->n_objs].id = id;
	u->objs[u->n_objs].gen = 0;
	u->objs[u->n_objs].offset = xref_at;
	u->n_objs++;
	hoso_sort(u->objs, (size_t)u->n_objs, sizeof(u->objs[0]), cmp_obj);
	for (w_off = 4; w_off < 8 && (xref_at >> (8 * w_off)) != 0; w_off++)
		;
	for (i = 0; i < u->n_objs; i = j) {
		for (j = i + 1; j < u->n_objs && u->objs[j].id == u->objs[j - 1].id + 1; j++)
			;
		if ((r = hoso_buf_addf(&index, err, "%lld %d ", u->objs[i].id, j - i)) != 0)
			goto out;
	}
	if ((r = hoso_buf_addf(&u->text, err, "%lld 0 obj\n<< /Type /XRef /Size %lld /Index [ %s] "
	    "/W [1 %d 2] /Prev %lld %s /Length %d >>\nstream\n", id, id + 1, hoso_buf_str(&index),
	    w_off, u->prev, trailer, u->n_objs * (3 + w_off))) != 0)
		goto out;
	for (i = 0; i < u->n_objs; i++) {
		row[0] = 1;
		for (k = 0; k < w_off; k++)
			row[1 + k] = (unsigned char)(u->objs[i].offset >> (8 * (w_off - 1 - k)));
		row[1 + w_off] = (unsigned char)(u->objs[i].gen >> 8);
		row[2 + w_off] = (unsigned char)u->objs[i].gen;
		if ((r = hoso_buf_add(&u->text, row, (size_t)(3 + w_off), err)) != 0)
			goto out;
	}
	r = hoso_buf_addf(&u->text, err, "\nendstream\nendobj\nstartxref\n%lld\n%%%%EOF\n",
	    xref_at);
out:
	hoso_buf_free(&index);
	return r;
}

int
hoso_pdfupdate_end(struct hoso_pdfupdate *u, const char *trailer, long long new_size,
    struct hoso_err *err)
{
	return u->table ? xref_table(u, trailer, new_size, err) :
	    xref_stream(u, trailer, new_size, err);
}

void
hoso_pdfupdate_free(struct hoso_pdfupdate *u)
{
	hoso_buf_free(&u->text);
}

int
hoso_pdfupdate_copy(int fd, long long size, struct hoso_afile *af, struct hoso_digest *d,
    const char *label, struct hoso_err *err)
{
	unsigned char *block = NULL;
	long long done = 0;
	ssize_t got;
	int r = 0;

	if ((block = malloc(COPY_BLOCK)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	while (done < size) {
		got = pread(fd, block, (size_t)(size - done < COPY_BLOCK ? size - done :
		    COPY_BLOCK), (off_t)done);
		if (got <= 0) {
			r = hoso_err_sys(err, got < 0 ? errno : EIO, _("%s: cannot read"), label);
			break;
		}
		if ((r = hoso_afile_write(af, block, (size_t)got, err)) != 0 ||
		    (d != NULL && (r = hoso_digest_update(d, block, (size_t)got, err)) != 0))
			break;
		done += got;
	}
	free(block);
	return r;
}

int
hoso_pdfupdate_append(const char *in, const char *out, const struct hoso_pdfupdate_obj *objs,
    int n, long long new_size, const char *trailer, struct hoso_err *err)
{
	struct hoso_afile af = { .fd = -1 };
	struct hoso_pdfupdate u;
	struct stat st;
	int fd = -1, i, r;

	memset(&u, 0, sizeof(u));
	if (n < 0 || n > HOSO_PDFUPDATE_MAX_OBJS)
		return hoso_err_set(err, HOSO_EUSAGE, _("%d objects in one PDF update"), n);
	if ((fd = open(in, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open"), in);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 16) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a PDF file"), in);
		goto out;
	}
	if ((r = hoso_pdfupdate_begin(&u, fd, (long long)st.st_size, in, err)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((r = hoso_pdfupdate_obj(&u, objs[i].id, objs[i].gen, err)) != 0 ||
		    (r = hoso_buf_add(&u.text, objs[i].body, objs[i].len, err)) != 0 ||
		    (r = hoso_buf_adds(&u.text, "\nendobj\n", err)) != 0)
			goto out;
	if ((r = hoso_pdfupdate_end(&u, trailer, new_size, err)) != 0 ||
	    (r = hoso_afile_open(&af, out, err)) != 0 ||
	    (r = hoso_pdfupdate_copy(fd, u.base, &af, NULL, in, err)) != 0 ||
	    (r = hoso_afile_write(&af, u.text.data, u.text.len, err)) != 0)
		goto out;
	r = hoso_afile_commit(&af, err);
out:
	if (r != 0)
		hoso_afile_abort(&af);
	hoso_pdfupdate_free(&u);
	if (fd >= 0)
		close(fd);
	return r;
}

int
hoso_pdfupdate_text_string(struct hoso_buf *out, const char *s, struct hoso_err *err)
{
	size_t len = strlen(s), at = 0;
	uint32_t cp;
	int r;

	if (!hoso_utf8_valid(s, len))
		return hoso_err_set(err, HOSO_EUSAGE, _("'%s' is not UTF-8 text"), s);
	if ((r = hoso_buf_adds(out, "<FEFF", err)) != 0)
		return r;
	while (at < len) {
		at += (size_t)hoso_utf8_decode(s + at, len - at, &cp);
		/* 7.9.2.2: past the BMP, a surrogate pair */
		if (cp >= 0x10000) {
			cp -= 0x10000;
			r = hoso_buf_addf(out, err, "%04lX%04lX", (unsigned long)(0xd800 | (cp >> 10)),
			    (unsigned long)(0xdc00 | (cp & 0x3ff)));
		} else {
			r = hoso_buf_addf(out, err, "%04lX", (unsigned long)cp);
		}
		if (r != 0)
			return r;
	}
	return hoso_buf_adds(out, ">", err);
}
