/* pdf.h - scanned-page PDFs: each page's one full-page image, taken out without loss.
 *
 * A scanner's "scan to PDF" wraps every page's image (JPEG, CCITT G4, or
 * Flate-coded samples) in a PDF page. We want those images, not a
 * rendering: the JPEG bytes as they are, CCITT data as it is inside a TIFF,
 * and decoded samples in a lossless TIFF. pdf.c is the only qpdf user.
 */
#ifndef HOSO_PDF_H
#define HOSO_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct hoso_pdf;

/* Limits past which a file is refused as hostile or broken (HOSO_EINPUT). */
#define HOSO_PDF_MAX_PAGES	100000

/* True when "%PDF-" is within the first 1024 bytes (ISO 32000-1 7.5.2, with readers' leeway). */
bool hoso_pdf_is(const void *data, size_t len);

/*
 * Open a PDF held in memory (the caller keeps data alive until close).
 * label names it in messages. Malformed input is HOSO_EINPUT, and so is an
 * encrypted file, even one that opens without a password: what we keep must
 * stay readable. Nothing is ever written to stdout or stderr.
 */
int hoso_pdf_open(const void *data, size_t len, const char *label, struct hoso_pdf **p,
    struct hoso_err *err);
/* The same from a file, which qpdf reads as it needs it (memory flat in the file's size). */
int hoso_pdf_open_file(const char *path, const char *label, struct hoso_pdf **p,
    struct hoso_err *err);
/* Number of pages, at most HOSO_PDF_MAX_PAGES. */
int hoso_pdf_count(struct hoso_pdf *p, int *n, struct hoso_err *err);
/*
 * Append to out the image of page (0-based), which must hold exactly one
 * image: a JPEG file as stored in the PDF (*ext "jpg"), or a TIFF (*ext
 * "tif") holding the CCITT data as stored or the decoded samples, deflated,
 * with the resolution the page gives the image. An image of more than
 * max_pixels pixels (0 = no limit) is refused before anything decodes it.
 * Pages that are not one image, and codings we cannot keep without loss,
 * are HOSO_EINPUT ("scan.pdf: page 3: ..."); out is then left as it was.
 */
int hoso_pdf_page_image(struct hoso_pdf *p, int page, size_t max_pixels, struct hoso_buf *out,
    const char **ext, struct hoso_err *err);
void hoso_pdf_close(struct hoso_pdf *p);

/*
 * Signatures (ISO 32000-1 12.8, ETSI EN 319 142-1): what lib/pades.c needs
 * from the parser. pades.c writes the update; here the input is only read.
 */

/* The objects an incremental update (7.5.6) adding one signature field rewrites. */
struct hoso_pdf_sig_update {
	long long size;			/* the input's trailer /Size: our first object number */
	int root_id, root_gen;		/* the catalog */
	int page_id, page_gen;		/* the first page, which gets the widget */
	int form_id, form_gen;		/* the /AcroForm object: the input's, or size + 2 */
	struct hoso_buf catalog;	/* "<<...>>" of the catalog, /AcroForm form_id R */
	struct hoso_buf page;		/* "<<...>>" of page 1, /Annots ending in size + 1 */
	struct hoso_buf form;		/* "<<...>>" of the form, /Fields ending in size + 1 */
	struct hoso_buf trailer;	/* "/Root .. R /Info .. R /ID [..]" as in the input */
	char field_name[32];		/* /T not used by a top-level field of the input */
	double media[4];		/* page 1's /MediaBox (inherited), for a visible widget */
};

/*
 * Fill u for a signature whose dictionary will be object size and whose
 * field (merged with its widget, 12.5.6.19) size + 1. A file qpdf had to
 * repair, or without a page, is HOSO_EINPUT: an update must extend an
 * intact file.
 */
int hoso_pdf_sig_update(struct hoso_pdf *p, struct hoso_pdf_sig_update *u,
    struct hoso_err *err);
void hoso_pdf_sig_update_free(struct hoso_pdf_sig_update *u);

/* What an update (7.5.6) giving a file XMP metadata (14.3.2) and a new /Info (14.3.3) needs. */
struct hoso_pdf_info_update {
	long long size;			/* the input's trailer /Size: our first object number */
	int root_id, root_gen;		/* the catalog */
	int info_id, info_gen;		/* the input's indirect /Info; 0: none */
	struct hoso_buf catalog;	/* " /Key value..." of the catalog but /Metadata */
	struct hoso_buf info;		/* the same of /Info but /Title /Creator /Producer */
	struct hoso_buf trailer;	/* "/Root .. R /ID [..]" as in the input (no /Info) */
	char *producer;			/* /Info /Producer, UTF-8, whole; "" when absent */
	char *creation_date;		/* /Info /CreationDate as written; "" when absent */
};

/* Fill u; a file qpdf had to repair is HOSO_EINPUT, as for signatures. */
int hoso_pdf_info_update(struct hoso_pdf *p, struct hoso_pdf_info_update *u,
    struct hoso_err *err);
void hoso_pdf_info_update_free(struct hoso_pdf_info_update *u);

/* One signature field with a value (12.7.4.5, 12.8.1). */
struct hoso_pdf_sig {
	char name[128];			/* /T, UTF-8, a label only: a longer one cut, ending in "…" */
	long long range[4];		/* /ByteRange */
	int n_range;			/* its length as written (4 is right) */
	unsigned char *contents;	/* /Contents, decoded (zero padding kept) */
	size_t contents_len;
	char filter[64], subfilter[64];	/* "" when absent (cut: compared, never shown whole) */
	char m[40];			/* /M as written, "" when absent */
	int id, gen;			/* the signature dictionary (/V); 0 0: not indirect */
	int field_id, field_gen;	/* the field holding /V; 0 0: not indirect */
	bool timestamp;			/* /Type /DocTimeStamp (ISO 32000-2 12.8.5) */
	int docmdp;			/* 1-3: a certification's /P (12.8.2.2); 0: none */
	bool docmdp_bad;		/* a DocMDP reference that cannot be read as one */
	int lock;			/* FieldMDP (12.8.2.4): HOSO_PDF_LOCK_* */
	struct hoso_buf lock_fields;	/* with INCLUDE or EXCLUDE: the names, each ending in NUL */
};

enum { HOSO_PDF_LOCK_NONE, HOSO_PDF_LOCK_ALL, HOSO_PDF_LOCK_INCLUDE, HOSO_PDF_LOCK_EXCLUDE };

#define HOSO_PDF_MAX_SIGS	256	/* signature fields looked at in one file */

/* Every signed signature field of the form, in /Fields order (*sigs NULL when none). */
int hoso_pdf_sigs(struct hoso_pdf *p, struct hoso_pdf_sig **sigs, size_t *n,
    struct hoso_err *err);
void hoso_pdf_sigs_free(struct hoso_pdf_sig *sigs, size_t n);

/*
 * Objects, for code that reads a file's structure (pdfdiff.c) without
 * knowing qpdf. A value is a handle, good until hoso_pdf_release; asking
 * for a key of what is not a dictionary, or an item of what is not an
 * array, gives null and no warning. An indirect value is its object.
 */
typedef unsigned int hoso_pdf_val;

enum hoso_pdf_kind {
	HOSO_PDF_NULL,			/* also a missing key, a free or absent object */
	HOSO_PDF_BOOL,
	HOSO_PDF_INT,
	HOSO_PDF_REAL,
	HOSO_PDF_STRING,
	HOSO_PDF_NAME,
	HOSO_PDF_ARRAY,
	HOSO_PDF_DICT,
	HOSO_PDF_STREAM,
	HOSO_PDF_OTHER,			/* operators, what qpdf could not make sense of */
};

hoso_pdf_val hoso_pdf_trailer(struct hoso_pdf *p);
hoso_pdf_val hoso_pdf_catalog(struct hoso_pdf *p);
/* Page i (0-based) of the page tree; count them with hoso_pdf_count first. */
hoso_pdf_val hoso_pdf_page(struct hoso_pdf *p, int i);
/* Object id gen as the file's cross-reference gives it (null when absent). */
hoso_pdf_val hoso_pdf_object(struct hoso_pdf *p, int id, int gen);
enum hoso_pdf_kind hoso_pdf_kind(struct hoso_pdf *p, hoso_pdf_val v);
/* True when v is an indirect reference ("id gen R"), with its numbers. */
bool hoso_pdf_ref(struct hoso_pdf *p, hoso_pdf_val v, int *id, int *gen);
/* The value of key ("/Type") in dictionary or stream v; null when none. */
hoso_pdf_val hoso_pdf_get(struct hoso_pdf *p, hoso_pdf_val v, const char *key);
/* The keys of dictionary or stream v ("/Type", ...), in a stable order; free with hoso_pdf_keys_free. */
int hoso_pdf_keys(struct hoso_pdf *p, hoso_pdf_val v, char ***keys, size_t *n,
    struct hoso_err *err);
void hoso_pdf_keys_free(char **keys, size_t n);
/* Items of array v (0 when it is not one), and item i. */
int hoso_pdf_len(struct hoso_pdf *p, hoso_pdf_val v);
hoso_pdf_val hoso_pdf_item(struct hoso_pdf *p, hoso_pdf_val v, int i);
bool hoso_pdf_is_name(struct hoso_pdf *p, hoso_pdf_val v, const char *name);
/* Append the UTF-8 of text string v (7.9.2.2); nothing when v is not a string. */
int hoso_pdf_utf8(struct hoso_pdf *p, hoso_pdf_val v, struct hoso_buf *out, struct hoso_err *err);
/* v is an integer in [lo, hi], or a number, stored in *out. */
bool hoso_pdf_int(struct hoso_pdf *p, hoso_pdf_val v, long long lo, long long hi, long long *out);
bool hoso_pdf_number(struct hoso_pdf *p, hoso_pdf_val v, double *out);
/*
 * Append v as PDF text: direct values whole, indirect ones inside it as
 * "id gen R"; with resolved, an indirect v itself is written as its
 * object's value (a stream as its dictionary). Two values read by qpdf have
 * equal text exactly when they are equal as PDF objects.
 */
int hoso_pdf_text(struct hoso_pdf *p, hoso_pdf_val v, bool resolved, struct hoso_buf *out,
    struct hoso_err *err);
/* The data of stream v as stored (no filter applied); *data NULL when empty. */
int hoso_pdf_stream_raw(struct hoso_pdf *p, hoso_pdf_val v, unsigned char **data, size_t *len,
    struct hoso_err *err);
/* Let go of every value handle (they pile up in qpdf until then). */
void hoso_pdf_release(struct hoso_pdf *p);
/* Non-zero (HOSO_EINPUT, naming the file) when qpdf failed since the last check. */
int hoso_pdf_check(struct hoso_pdf *p, struct hoso_err *err);
/* Things qpdf had to repair to read the file (a rebuilt cross-reference table, ...). */
int hoso_pdf_repairs(const struct hoso_pdf *p);
/* The label given at open. */
const char *hoso_pdf_label(const struct hoso_pdf *p);

/*
 * Decode stream data with the filters filter and parms, given as PDF text
 * of direct objects ("/FlateDecode", "<< /Predictor 12 /Columns 5 >>";
 * NULL: none), into *out (malloc'd), refusing more than max bytes. For the
 * cross-reference streams pdfxref.c reads itself.
 */
int hoso_pdf_decode(const char *filter, const char *parms, const unsigned char *raw, size_t len,
    size_t max, unsigned char **out, size_t *out_len, struct hoso_err *err);

#endif
