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
	char producer[256];		/* /Info /Producer, UTF-8, "" when absent */
	char creation_date[40];		/* /Info /CreationDate as written, "" when absent */
};

/* Fill u; a file qpdf had to repair is HOSO_EINPUT, as for signatures. */
int hoso_pdf_info_update(struct hoso_pdf *p, struct hoso_pdf_info_update *u,
    struct hoso_err *err);
void hoso_pdf_info_update_free(struct hoso_pdf_info_update *u);

/* One signature field with a value (12.7.4.5, 12.8.1). */
struct hoso_pdf_sig {
	char name[128];			/* /T, UTF-8 */
	long long range[4];		/* /ByteRange */
	int n_range;			/* its length as written (4 is right) */
	unsigned char *contents;	/* /Contents, decoded (zero padding kept) */
	size_t contents_len;
	char filter[64], subfilter[64];	/* "" when absent */
	char m[40];			/* /M as written, "" when absent */
};

#define HOSO_PDF_MAX_SIGS	256	/* signature fields looked at in one file */

/* Every signed signature field of the form, in /Fields order (*sigs NULL when none). */
int hoso_pdf_sigs(struct hoso_pdf *p, struct hoso_pdf_sig **sigs, size_t *n,
    struct hoso_err *err);
void hoso_pdf_sigs_free(struct hoso_pdf_sig *sigs, size_t n);

/* What the revisions after a signed one did (12.8.2.2's "modification detection"). */
struct hoso_pdf_changes {
	int n_changed;			/* objects whose change alters the document */
	int n_sigs_added;		/* signature fields added */
	char first[256];		/* the first change that alters the document */
};

/*
 * Compare then (the same file cut at the end of a signed revision) with now:
 * every object reachable from then's trailer must be unchanged in now, but
 * for the catalog's /AcroForm and /DSS, the form's /Fields, /SigFlags, /DR,
 * /DA, the pages' /Annots and the document information dictionary; new
 * fields and annotations must be signature fields. Bounded by
 * HOSO_PDF_MAX_WALK objects (more is HOSO_EINPUT).
 */
#define HOSO_PDF_MAX_WALK	2000000
int hoso_pdf_changes(struct hoso_pdf *then, struct hoso_pdf *now, struct hoso_pdf_changes *c,
    struct hoso_err *err);

#endif
