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

#endif
