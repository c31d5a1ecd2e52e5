/*
 * pdfupdate.h - writing an incremental update of a PDF (ISO 32000-1 7.5.6):
 * new or rewritten objects after the input's last byte, then a
 * cross-reference section of the kind the input ends with (a table and
 * trailer, 7.5.4, or a stream, 7.5.8) whose /Prev is the input's last
 * startxref. The bytes of the input are copied, never rewritten.
 *
 * The writer of the format, for every update we make: pades.c adds a
 * signature with it, xmp.c metadata. pdf.c (qpdf) and pdfxref.c only read.
 */
#ifndef HOSO_PDFUPDATE_H
#define HOSO_PDFUPDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "digest.h"
#include "err.h"
#include "file.h"

#define HOSO_PDFUPDATE_MAX_OBJS	15	/* objects in one update */

/* Where an object of the update starts. */
struct hoso_pdfupdate_place {
	long long id;
	int gen;
	long long offset;
};

/* An update being built in memory; zero it before hoso_pdfupdate_begin. */
struct hoso_pdfupdate {
	struct hoso_buf text;		/* everything after the input's last byte */
	long long base;			/* the input's size: text starts there */
	long long prev;			/* the input's last startxref: our /Prev */
	bool table;			/* that section is a table (else a stream) */
	int n_objs;
	/* one more than the objects: an xref stream lists itself */
	struct hoso_pdfupdate_place objs[HOSO_PDFUPDATE_MAX_OBJS + 1];
};

/*
 * Start an update of the file open at fd, of size bytes (label names it in
 * messages): find its last startxref (7.5.5), and begin the text with the
 * end of line the file may lack. No usable startxref is HOSO_EINPUT.
 */
int hoso_pdfupdate_begin(struct hoso_pdfupdate *u, int fd, long long size, const char *label,
    struct hoso_err *err);
/* Note where object id gen starts and write "ID GEN obj"; the caller adds its body and "endobj". */
int hoso_pdfupdate_obj(struct hoso_pdfupdate *u, long long id, int gen, struct hoso_err *err);
/*
 * End the text with the cross-reference section listing the objects, whose
 * trailer is /Size new_size, /Prev and the entries in trailer ("/Root 1 0 R
 * /Info 9 0 R /ID [...]"); an xref stream takes number new_size itself.
 */
int hoso_pdfupdate_end(struct hoso_pdfupdate *u, const char *trailer, long long new_size,
    struct hoso_err *err);
void hoso_pdfupdate_free(struct hoso_pdfupdate *u);

/* Copy the first size bytes of fd to af, and to d when not NULL, in blocks. */
int hoso_pdfupdate_copy(int fd, long long size, struct hoso_afile *af, struct hoso_digest *d,
    const char *label, struct hoso_err *err);

/*
 * All of the above at once: append to in the objects (each body is what
 * goes between "ID GEN obj" and "endobj") and the section hoso_pdfupdate_end
 * writes. Written to out atomically (out may be in).
 */
struct hoso_pdfupdate_obj {
	long long id;
	int gen;
	const char *body;
	size_t len;
};
int hoso_pdfupdate_append(const char *in, const char *out, const struct hoso_pdfupdate_obj *objs,
    int n, long long new_size, const char *trailer, struct hoso_err *err);

/* s (UTF-8) as a PDF text string (7.9.2.2): UTF-16BE hex with its byte order mark. */
int hoso_pdfupdate_text_string(struct hoso_buf *out, const char *s, struct hoso_err *err);

#endif
