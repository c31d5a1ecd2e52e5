/* img.h - page images: probe, decode, normalize, encode; img.c is the only Leptonica user. */
#ifndef HOSO_IMG_H
#define HOSO_IMG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "qr.h"

enum hoso_img_format {
	HOSO_IMG_UNKNOWN = 0,
	HOSO_IMG_TIFF,
	HOSO_IMG_PNG,
	HOSO_IMG_JPEG,
	HOSO_IMG_PNM,
};

struct hoso_img_info {
	enum hoso_img_format format;
	int width, height;
	int depth;		/* bits per pixel after decoding: 1, 8, 32 ... */
	int dpi;		/* 0 when the file does not record it */
	const char *ext;	/* file name extension for the original: "tif", "png", "jpg", "pnm" */
};

struct hoso_img;

/* Format from the first bytes; HOSO_IMG_UNKNOWN when none of ours. */
enum hoso_img_format hoso_img_sniff(const void *data, size_t len);

/*
 * Read format and size from the header only, without decoding pixels.
 * HOSO_EINPUT (with label in the message) for an unknown, truncated or
 * unsupported file, and for one larger than max_pixels (0 = no limit).
 */
int hoso_img_probe(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_img_info *info, struct hoso_err *err);

/* Decode a single-page image (probe first); HOSO_EINPUT when it cannot be decoded. */
int hoso_img_decode(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_img **img, struct hoso_err *err);
void hoso_img_free(struct hoso_img *img);

int hoso_img_width(const struct hoso_img *img);
int hoso_img_height(const struct hoso_img *img);
int hoso_img_dpi(const struct hoso_img *img);	/* 0 when unknown */
int hoso_img_depth(const struct hoso_img *img);	/* 1, 8 (grey) or 32 (RGB) */

/*
 * A new reference to the Leptonica image underneath, for the one other
 * wrapper that takes Leptonica images (ocr.c hands it to Tesseract's PDF
 * renderer, which keeps it and releases it itself). NULL when out of memory.
 */
struct Pix;
struct Pix *hoso_img_pix_ref(const struct hoso_img *img);

struct hoso_norm_opts {
	int default_dpi;	/* used when the image records no resolution */
	double max_skew;	/* degrees searched either way; 0 = no deskew */
	bool orient;		/* detect and fix 90/180/270 rotation */
	bool blank;		/* run the blank-page test */
};

struct hoso_norm_result {
	int rotation;		/* clockwise degrees applied: 0, 90, 180, 270 */
	double skew;		/* degrees rotated to correct the skew, clockwise
				 * positive: a page scanned turned 3 degrees
				 * clockwise gives -3 (0 when none found) */
	bool blank;
	double ink;		/* fraction of the page's area inside the margins
				 * that is text-like ink */
	int dpi;		/* resolution recorded in the normalized page */
	const char *colour;	/* "bw", "grey" or "colour" */
	int width, height;	/* of the normalized page */
};

/*
 * Make the page upright and straight: orientation, deskew, blank test.
 * The output keeps the input's colour or grey depth (1 bpp stays 1 bpp)
 * and size; res->colour names that depth (an RGB scan of a grey page is
 * "colour"). Orientation and skew are left alone when the page holds too
 * little text to judge. Blank: the ink inside a 4% margin, specks under
 * 0.5 mm and edge strips left out, covers under 0.05% of it and under
 * 2.5 mm² in all (one short word is more and keeps the page).
 */
int hoso_img_normalize(const struct hoso_img *in, const struct hoso_norm_opts *opts,
    struct hoso_img **out, struct hoso_norm_result *res, struct hoso_err *err);

/* A copy turned clockwise by quads quarter turns (0-3), same depth and dpi. */
int hoso_img_rotate_orth(const struct hoso_img *in, int quads, struct hoso_img **out,
    struct hoso_err *err);

/* Lossless TIFF (G4 for 1 bpp, deflate otherwise) with the dpi recorded. */
int hoso_img_encode_tiff(const struct hoso_img *img, struct hoso_buf *out, struct hoso_err *err);

/* An 8-bit grey copy of the pixels (for QR decoding); *grey is malloc'd. */
int hoso_img_grey8(const struct hoso_img *img, unsigned char **grey, int *width, int *height,
    struct hoso_err *err);
/* The same at half the size each way (a quarter of the pixels to scan). */
int hoso_img_grey8_half(const struct hoso_img *img, unsigned char **grey, int *width,
    int *height, struct hoso_err *err);

/*
 * The 8-bit grey copy recognition reads: hoso_img_grey8, then specks
 * (hoso_img_despeckle) and leader dots (hoso_img_erase_leaders, at dpi)
 * taken out. *grey is malloc'd.
 */
int hoso_img_grey8_clean(const struct hoso_img *img, int dpi, unsigned char **grey, int *width,
    int *height, struct hoso_err *err);

/*
 * The same for a form, with the filling taken apart from the print (the
 * "dropout" of form scanners): on a colour page, pen ink bluer than the
 * paper (blue and purple ballpoint) is painted out of *print (which labels
 * are found on) and kept alone, dark on white, in *pen (which values are
 * read on), where the print under it (leader dots, lines, boxes) is gone;
 * so is a pen told from the print by lightness alone (black pen on a form
 * printed grey, blue pen photocopied on a form printed black). *pen is NULL
 * when no pen can be told from the print (a page printed black, a few
 * blue ticks). Both are malloc'd, of one size.
 */
int hoso_img_grey8_form(const struct hoso_img *img, int dpi, unsigned char **print,
    unsigned char **pen, int *width, int *height, struct hoso_err *err);

/*
 * Salt-and-pepper noise (a scanner's or a fax's specks, single pixels all
 * over the page) ruins recognition: when more than 0.2% of an 8-bit grey
 * page's pixels are isolated specks, put it through a 3x3 median filter,
 * which takes the specks and keeps strokes at 200 dpi and more. Returns 1
 * when filtered, 0 when the page was left alone, -1 when out of memory.
 */
int hoso_img_despeckle(unsigned char *grey, int width, int height);

/*
 * Paint out leader dots in an 8-bit grey page (or a zone of one) at dpi:
 * chains of five or more small round dots along one height, evenly spaced
 * with nothing printed between them ("Họ và tên: NGUYỄN AN ..........", an
 * ellipsis "……"). A dot on or under a letter (ạ, ị) or between words is
 * kept. Recognition reads a short value followed by a long row of dots far
 * better without them. Returns the number of dots erased; -1 when out of
 * memory (the page is then left as it was).
 */
long hoso_img_erase_leaders(unsigned char *grey, int width, int height, int dpi);

/*
 * Measure the residual skew of an image in degrees, as the clockwise rotation
 * that would correct it (the sign of hoso_norm_result.skew); tests and -v.
 */
int hoso_img_measure_skew(const struct hoso_img *img, double *skew, double *confidence,
    struct hoso_err *err);

/*
 * Render a separator sheet as PNG: white A4 at dpi, the QR symbol centred in
 * the upper half, caption (ASCII is enough for dossier codes) in large text
 * under it.
 */
int hoso_img_separator_sheet(const struct hoso_qr_matrix *qr, const char *caption, int dpi,
    struct hoso_buf *png, struct hoso_err *err);

/*
 * The rectangle [x0,x1) x [y0,y1) of img (clamped to the page) as PNG into out
 * (appended), scaled down to max_width pixels wide when wider (0: as is).
 */
int hoso_img_crop_png(const struct hoso_img *img, int x0, int y0, int x1, int y1, int max_width,
    struct hoso_buf *png, struct hoso_err *err);

#endif
