/* tiff.h - multipage TIFF split without recompression; tiff.c is the only libtiff user.
 *
 * Leptonica decodes pages, but cannot copy a page's compressed data as it is;
 * we want each stored page of a multipage TIFF to keep its original coding
 * (G4, LZW, JPEG-in-TIFF ...) bit for bit, and to check a page's size before
 * anything decodes it.
 */
#ifndef HOSO_TIFF_H
#define HOSO_TIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct hoso_tiff;

/* Limits past which a file is refused as hostile or broken (HOSO_EINPUT). */
#define HOSO_TIFF_MAX_PAGES	100000
#define HOSO_TIFF_MAX_SIDE	(1u << 20)	/* pixels, width or height */
#define HOSO_TIFF_MAX_SAMPLES	16		/* samples per pixel */
#define HOSO_TIFF_MAX_STRILES	(1u << 20)	/* strips or tiles in one page */

struct hoso_tiff_info {
	uint32_t width, height;
	uint16_t bits_per_sample, samples_per_pixel;
	uint16_t compression;	/* TIFF tag value (1 none, 4 G4, 5 LZW, 7 JPEG, 8 deflate ...) */
	double xres, yres;	/* pixels per inch; 0 when not recorded */
};

/* True when data starts like a TIFF (II*\0, MM\0*, or BigTIFF). */
bool hoso_tiff_is(const void *data, size_t len);

/*
 * Open a TIFF held in memory (the caller keeps data alive until close).
 * label names it in messages. Malformed input is HOSO_EINPUT.
 */
int hoso_tiff_open(const void *data, size_t len, const char *label, struct hoso_tiff **t,
    struct hoso_err *err);
/* Number of pages (directories); bounded, a directory loop is HOSO_EINPUT. */
int hoso_tiff_count(struct hoso_tiff *t, int *n, struct hoso_err *err);
/*
 * Size, coding and resolution of page (0-based) from its directory alone,
 * without decoding pixels, so the caller can refuse a decompression bomb.
 * Messages number pages from 1 ("scan.tif: page 3: ...").
 */
int hoso_tiff_page_info(struct hoso_tiff *t, int page, struct hoso_tiff_info *info,
    struct hoso_err *err);
/*
 * Append to out a single-page TIFF holding page (0-based) with its compressed
 * strips or tiles copied unchanged and the tags needed to read it. The result
 * is a deterministic function of the input page.
 */
int hoso_tiff_extract(struct hoso_tiff *t, int page, struct hoso_buf *out, struct hoso_err *err);
void hoso_tiff_close(struct hoso_tiff *t);

/*
 * Building a single-page TIFF around image data that comes from elsewhere
 * (a PDF page's image). The numbers are TIFF 6.0 tag values, so that callers
 * need not include <tiffio.h>.
 */
#define HOSO_TIFF_COMP_NONE	1
#define HOSO_TIFF_COMP_G3	3	/* CCITT T.4 */
#define HOSO_TIFF_COMP_G4	4	/* CCITT T.6 */
#define HOSO_TIFF_COMP_DEFLATE	8

#define HOSO_TIFF_PHOTO_MINISWHITE	0
#define HOSO_TIFF_PHOTO_MINISBLACK	1
#define HOSO_TIFF_PHOTO_RGB		2
#define HOSO_TIFF_PHOTO_PALETTE		3

#define HOSO_TIFF_G3_2D		0x1	/* T4Options: some rows are 2-D coded */
#define HOSO_TIFF_G3_FILLBITS	0x4	/* T4Options: EOLs end on a byte boundary */

struct hoso_tiff_strip {
	uint32_t width, height;
	uint16_t bits_per_sample;	/* 1, 2, 4 or 8 */
	uint16_t samples_per_pixel;	/* 1 or 3 */
	uint16_t photometric;		/* HOSO_TIFF_PHOTO_* */
	/*
	 * HOSO_TIFF_COMP_G3 or _G4: data is one compressed strip, stored
	 * as it is. HOSO_TIFF_COMP_DEFLATE: data is the uncompressed rows
	 * (each padded to a whole byte), compressed here without loss.
	 */
	uint16_t compression;
	uint32_t fax_options;		/* T4Options for G3 */
	/* for HOSO_TIFF_PHOTO_PALETTE: 3 << bits_per_sample entries, red, green, blue */
	const uint16_t *colormap;
	const void *icc;		/* ICC profile to record, or NULL */
	size_t icc_len;
	unsigned xdpi, ydpi;		/* 0 when not known */
};

/*
 * Append to out a single-page TIFF holding data as desc describes it. The
 * result is a deterministic function of the arguments; on failure out is
 * left as it was.
 */
int hoso_tiff_wrap_strip(const struct hoso_tiff_strip *desc, const void *data, size_t len,
    struct hoso_buf *out, struct hoso_err *err);

#endif
