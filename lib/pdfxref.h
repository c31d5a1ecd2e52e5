/*
 * pdfxref.h - a PDF's cross-reference sections as its bytes hold them:
 * tables and trailers (ISO 32000-1 7.5.4, 7.5.5), cross-reference streams
 * and hybrid files (7.5.8), the chain of incremental updates (7.5.6).
 *
 * qpdf reads the same sections, but repairs what it finds broken and does
 * not say which revision defined an object or where. Judging changes after
 * a signature needs exactly that, so this file reads the bytes itself,
 * strictly: what it cannot read is an error, never a guess. Only the
 * filters of a cross-reference stream are left to qpdf (hoso_pdf_decode).
 */
#ifndef HOSO_PDFXREF_H
#define HOSO_PDFXREF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Bounds past which a file is refused (HOSO_EINPUT). */
#define HOSO_PDFXREF_MAX_SECTIONS	4096
#define HOSO_PDFXREF_MAX_ENTRIES	(8 << 20)
#define HOSO_PDFXREF_MAX_OBJECT		8388607	/* the highest object number readers take */

struct hoso_pdfxref_entry {
	long long num;
	int gen;			/* 'c' entries: 0 */
	char type;			/* 'f' free, 'n' at an offset, 'c' in an object stream */
	long long off;			/* 'n': byte offset; 'c': the object stream's number */
	long long index;		/* 'c': its index in that stream */
	int section;			/* index in sections of the section holding it */
};

struct hoso_pdfxref_section {
	long long off;			/* "xref", or the stream's "N G obj" */
	long long end;			/* the byte after its trailer dictionary or "endobj" */
	bool stream;			/* a cross-reference stream */
	bool hybrid;			/* the /XRefStm stream of the table section before it */
	int stream_id, stream_gen;	/* a stream's own object number */
	long long prev, xrefstm;	/* -1 when absent */
	int root_id, root_gen;		/* /Root; 0 0 when absent */
	int info_id, info_gen;		/* /Info; 0 0 when absent or not a reference */
	bool has_info;			/* /Info present (a reference or not) */
	bool encrypt;			/* /Encrypt present */
	size_t first, n;		/* its entries: entries[first .. first + n) */
};

struct hoso_pdfxref {
	const unsigned char *data;	/* the caller's, kept alive until hoso_pdfxref_free */
	size_t len;
	const char *label;
	long long startxref;		/* where the chain starts (the last startxref) */
	long long eof_end;		/* the byte after that startxref's "%%EOF" */
	/* newest first: the order a reader follows /Prev (a hybrid stream after its table) */
	struct hoso_pdfxref_section *sections;
	size_t n_sections;
	struct hoso_pdfxref_entry *entries;
	size_t n_entries;
	/* for each object number the entry a reader uses (the first in chain order) */
	struct hoso_pdfxref_entry *merged;
	size_t n_merged;
};

/*
 * Read the chain of sections from the last "startxref" of data[0..len).
 * label names the file in messages. Anything after the last %%EOF but
 * white space, a section that cannot be read, a /Prev loop, are
 * HOSO_EINPUT.
 */
int hoso_pdfxref_read(const unsigned char *data, size_t len, const char *label,
    struct hoso_pdfxref *x, struct hoso_err *err);
void hoso_pdfxref_free(struct hoso_pdfxref *x);

/* The entry a reader uses for object num, NULL when the chain has none. */
const struct hoso_pdfxref_entry *hoso_pdfxref_lookup(const struct hoso_pdfxref *x,
    long long num);

/*
 * The object "NUM GEN obj ... endobj" starting at off (white space before
 * it allowed): its numbers and the byte after "endobj". A stream's data is
 * skipped by its /Length, direct or an object the chain gives.
 */
int hoso_pdfxref_object(const struct hoso_pdfxref *x, long long off, long long *num, int *gen,
    long long *end, struct hoso_err *err);

/*
 * What a stretch of bytes holds besides white space and comments: from
 * *at, the offset of the first other byte (len when none), skipping
 * "startxref N" lines, whose N must be one of the offsets ok[0..n_ok).
 */
long long hoso_pdfxref_skip_blank(const struct hoso_pdfxref *x, long long at, long long to,
    const long long *ok, size_t n_ok);

#endif
