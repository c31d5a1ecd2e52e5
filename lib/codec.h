/*
 * codec.h - PNG and JPEG headers and pixels, read without printing.
 * codec.c is the only file that includes <png.h> and <jpeglib.h>.
 */
#ifndef HOSO_CODEC_H
#define HOSO_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* What a header says, and what decoding it will give. */
struct hoso_codec_info {
	int width, height;
	int channels;		/* 1 grey, 3 RGB, after decoding */
	int bits;		/* bits per sample in the file: 1, 2, 4, 8 or 16 */
	bool bilevel;		/* 1 bit per pixel, no colour: decodes to 0 and 255 only */
	int xdpi, ydpi;		/* 0 when the file does not record them */
};

/* Decoded pixels: top row first, 8 bits per sample, R G B order for colour. */
struct hoso_raster {
	int width, height;
	int channels;		/* 1 grey, 3 RGB */
	int depth;		/* bits per sample in pixels: always 8 */
	bool bilevel;		/* as in hoso_codec_info */
	size_t stride;		/* bytes from one row to the next */
	unsigned char *pixels;	/* malloc'd, height * stride bytes */
	int xdpi, ydpi;		/* 0 when not recorded */
};

/*
 * Read the header only. HOSO_EINPUT, with label in the message, for a damaged,
 * truncated or unsupported one.
 */
int hoso_codec_png_info(const void *data, size_t len, const char *label,
    struct hoso_codec_info *info, struct hoso_err *err);
int hoso_codec_jpeg_info(const void *data, size_t len, const char *label,
    struct hoso_codec_info *info, struct hoso_err *err);

/*
 * Decode the whole image into *out (zeroed first; free with
 * hoso_codec_raster_free). Transparency is composited onto white; CMYK JPEGs
 * come out as RGB. HOSO_EINPUT for damaged or truncated data and for images
 * over max_pixels (0 = no limit), checked before any pixel is decoded.
 */
int hoso_codec_png_decode(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_raster *out, struct hoso_err *err);
int hoso_codec_jpeg_decode(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_raster *out, struct hoso_err *err);

void hoso_codec_raster_free(struct hoso_raster *r);

#endif
