/*
 * codec.c - PNG and JPEG decoding with errors reported, never printed. The
 * only file that includes <png.h> and <jpeglib.h>.
 *
 * Leptonica leaves libpng's and libjpeg's default handlers in place, and
 * those write "libpng error: ...", "Premature end of JPEG file" and the like
 * to stderr; lib/ must never print. So PNG goes through libpng's simplified
 * API, which keeps its messages in png_image.message, and JPEG through
 * libjpeg with our own error manager, which formats messages into a buffer
 * and longjmps back instead of printing or exiting. The PNG header (size,
 * depth, palette, pHYs) is read by walking the chunks here, so probing never
 * reaches libpng at all.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <jpeglib.h>
#include <jerror.h>

#include "codec.h"
#include "err.h"
#include "i18n.h"

#define INCH_PER_METRE	0.0254
#define CM_PER_INCH	2.54
/*
 * A progressive JPEG may hold any number of scans, and each one costs a pass
 * over the whole image: a small hostile file can keep a worker busy for
 * minutes. Encoders write about ten (libjpeg's progressive default).
 */
#define JPEG_MAX_SCANS	500

void
hoso_codec_raster_free(struct hoso_raster *r)
{
	if (r == NULL)
		return;
	free(r->pixels);
	memset(r, 0, sizeof(*r));
}

/* Refuse before allocating: w * h over max_pixels (0 = no limit). */
static int
check_pixels(const char *label, int w, int h, size_t max_pixels, struct hoso_err *err)
{
	if (max_pixels != 0 && (size_t)w > max_pixels / (size_t)h)
		return hoso_err_set(err, HOSO_EINPUT,
		    _("%s: %dx%d pixels is more than the limit of %zu"), label, w, h, max_pixels);
	return 0;
}

/* Room for h rows of w * channels bytes, or HOSO_EIO/HOSO_EINPUT. */
static int
alloc_pixels(struct hoso_raster *out, const char *label, int w, int h, int channels,
    struct hoso_err *err)
{
	size_t stride = (size_t)w * (size_t)channels;

	if (stride > INT32_MAX || stride > SIZE_MAX / (size_t)h)
		return hoso_err_set(err, HOSO_EINPUT,
		    _("%s: %dx%d pixels is more than the limit of %zu"), label, w, h,
		    (size_t)INT32_MAX);
	if ((out->pixels = malloc(stride * (size_t)h)) == NULL)
		return hoso_err_sys(err, ENOMEM, _("%s: decoding"), label);
	out->width = w;
	out->height = h;
	out->channels = channels;
	out->depth = 8;
	out->stride = stride;
	return 0;
}

/* ---- PNG ---- */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Pixels per metre to dots per inch, rounded as Leptonica does. */
static int
ppm_to_dpi(uint32_t ppm)
{
	double dpi = ppm * INCH_PER_METRE + 0.5;

	return dpi < INT_MAX ? (int)dpi : 0;
}

/*
 * Walk the chunks up to the first IDAT (PNG spec 5.2-5.3: signature, then
 * length, type, data, CRC), reading IHDR, PLTE and pHYs. CRCs are left to
 * libpng when decoding.
 */
int
hoso_codec_png_info(const void *data, size_t len, const char *label,
    struct hoso_codec_info *info, struct hoso_err *err)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	const unsigned char *p = data, *c;
	size_t pos, n_entries, i;
	uint32_t clen, w, h;
	int colour_type = -1, bits = 0, r;
	bool have_plte = false, grey_plte = true, bw_plte = true;

	if (label == NULL)
		label = "image";
	memset(info, 0, sizeof(*info));
	if (p == NULL || len < sizeof(sig) || memcmp(p, sig, sizeof(sig)) != 0)
		goto damaged;
	for (pos = sizeof(sig); len - pos >= 12; pos += 12 + clen) {
		clen = be32(p + pos);
		c = p + pos + 8;
		/* PNG spec 5.3: a length is at most 2^31 - 1. */
		if (clen > 0x7fffffffu || clen > len - pos - 12)
			break;
		if (colour_type < 0) {
			/* PNG spec 11.2.2: IHDR comes first and holds 13 bytes. */
			if (memcmp(p + pos + 4, "IHDR", 4) != 0 || clen != 13)
				goto damaged;
			w = be32(c);
			h = be32(c + 4);
			bits = c[8];
			colour_type = c[9];
			if (w == 0 || h == 0 || w > 0x7fffffffu || h > 0x7fffffffu ||
			    c[10] != 0 || c[11] != 0 || c[12] > 1)
				goto damaged;
			info->width = (int)w;
			info->height = (int)h;
			info->bits = bits;
			switch (colour_type) {
			case 0:
				if (bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16)
					goto damaged;
				break;
			case 3:
				if (bits != 1 && bits != 2 && bits != 4 && bits != 8)
					goto damaged;
				break;
			case 2:
			case 4:
			case 6:
				if (bits != 8 && bits != 16)
					goto damaged;
				break;
			default:
				goto damaged;
			}
		} else if (memcmp(p + pos + 4, "PLTE", 4) == 0) {
			if (clen == 0 || clen % 3 != 0 || clen / 3 > 256)
				goto damaged;
			have_plte = true;
			n_entries = clen / 3;
			for (i = 0; i < n_entries; i++) {
				if (c[3 * i] != c[3 * i + 1] || c[3 * i] != c[3 * i + 2])
					grey_plte = bw_plte = false;
				else if (c[3 * i] != 0 && c[3 * i] != 255)
					bw_plte = false;
			}
		} else if (memcmp(p + pos + 4, "pHYs", 4) == 0) {
			/* PNG spec 11.3.5.3: unit 1 is the metre, 0 only an aspect ratio. */
			if (clen == 9 && c[8] == 1) {
				info->xdpi = ppm_to_dpi(be32(c));
				info->ydpi = ppm_to_dpi(be32(c + 4));
			}
		} else if (memcmp(p + pos + 4, "IDAT", 4) == 0 ||
		    memcmp(p + pos + 4, "IEND", 4) == 0)
			break;
	}
	if (colour_type < 0 || (colour_type == 3 && !have_plte))
		goto damaged;
	/* A palette of greys decodes to grey, as Leptonica's colormap removal does. */
	info->channels = colour_type == 0 || colour_type == 4 ||
	    (colour_type == 3 && grey_plte) ? 1 : 3;
	info->bilevel = bits == 1 && (colour_type == 0 || (colour_type == 3 && bw_plte));
	r = 0;
	goto out;
damaged:
	memset(info, 0, sizeof(*info));
	r = hoso_err_set(err, HOSO_EINPUT, _("%s: damaged or truncated %s header"), label,
	    "PNG");
out:
	return r;
}

int
hoso_codec_png_decode(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_raster *out, struct hoso_err *err)
{
	/* Transparent parts of a scan are paper. */
	static const png_color white = { 255, 255, 255 };
	struct hoso_codec_info info;
	png_image image;
	int r;

	if (label == NULL)
		label = "image";
	memset(out, 0, sizeof(*out));
	memset(&image, 0, sizeof(image));
	image.version = PNG_IMAGE_VERSION;
	if ((r = hoso_codec_png_info(data, len, label, &info, err)) != 0)
		goto out;
	if ((r = check_pixels(label, info.width, info.height, max_pixels, err)) != 0)
		goto out;
	if (!png_image_begin_read_from_memory(&image, data, len)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot decode the %s image: %s"),
		    label, "PNG", image.message);
		goto out;
	}
	if (image.width != (png_uint_32)info.width || image.height != (png_uint_32)info.height) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: damaged or truncated %s header"),
		    label, "PNG");
		goto out;
	}
	/*
	 * Scanners that write 16 bits write them sRGB-encoded like 8 bits, and
	 * Leptonica treats them so; without the flag libpng assumes linear.
	 */
	image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
	image.format = info.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
	if ((r = alloc_pixels(out, label, info.width, info.height, info.channels, err)) != 0)
		goto out;
	if (!png_image_finish_read(&image, &white, out->pixels, (png_int_32)out->stride, NULL)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot decode the %s image: %s"),
		    label, "PNG", image.message);
		goto out;
	}
	out->bilevel = info.bilevel;
	out->xdpi = info.xdpi;
	out->ydpi = info.ydpi;
	r = 0;
out:
	png_image_free(&image);
	if (r != 0)
		hoso_codec_raster_free(out);
	return r;
}

/* ---- JPEG ---- */

/*
 * Everything a decode touches after setjmp lives here, in memory, so that
 * nothing the longjmp path needs sits in a clobberable register.
 */
struct jpeg_job {
	struct jpeg_decompress_struct cinfo;
	struct jpeg_error_mgr jerr;
	struct jpeg_progress_mgr progress;
	jmp_buf jump;
	char message[JMSG_LENGTH_MAX];
	bool too_many_scans;
	bool bad_colour;
	int code;		/* set with err when the pixels were refused */
	unsigned char *cmyk_row;	/* one row of CMYK samples, converted to RGB */
};

/* The jpeg_error_mgr is the job's; cinfo->client_data points back to the job. */
static struct jpeg_job *
job_of(j_common_ptr cinfo)
{
	return cinfo->client_data;
}

static void
jpeg_quiet_output(j_common_ptr cinfo)
{
	struct jpeg_job *job = job_of(cinfo);

	(*cinfo->err->format_message)(cinfo, job->message);
}

/* libjpeg's error_exit must not return: go back to jpeg_guarded. */
static void
jpeg_quiet_exit(j_common_ptr cinfo)
{
	struct jpeg_job *job = job_of(cinfo);

	jpeg_quiet_output(cinfo);
	longjmp(job->jump, 1);
}

/*
 * Warnings (msg_level -1) are corrupt-data notes libjpeg recovers from;
 * trace messages (0 and up) are for debugging. Both stay silent, except that
 * a file cut short is bad input, not a picture with a grey bottom.
 */
static void
jpeg_quiet_emit(j_common_ptr cinfo, int msg_level)
{
	if (msg_level >= 0)
		return;
	if (cinfo->err->msg_code == JWRN_JPEG_EOF)
		(*cinfo->err->error_exit)(cinfo);
	cinfo->err->num_warnings++;
}

static void
jpeg_count_scans(j_common_ptr cinfo)
{
	struct jpeg_job *job = job_of(cinfo);

	if (cinfo->is_decompressor &&
	    ((j_decompress_ptr)cinfo)->input_scan_number > JPEG_MAX_SCANS) {
		job->too_many_scans = true;
		longjmp(job->jump, 1);
	}
}

/* Adobe CMYK (as Photoshop and most scanners write it) is stored inverted. */
static void
cmyk_to_rgb(const unsigned char *cmyk, unsigned char *rgb, size_t width, bool inverted)
{
	unsigned int c, m, y, k;
	size_t x;

	for (x = 0; x < width; x++, cmyk += 4, rgb += 3) {
		c = cmyk[0];
		m = cmyk[1];
		y = cmyk[2];
		k = cmyk[3];
		if (!inverted) {
			c = 255 - c;
			m = 255 - m;
			y = 255 - y;
			k = 255 - k;
		}
		rgb[0] = (unsigned char)((c * k + 127) / 255);
		rgb[1] = (unsigned char)((m * k + 127) / 255);
		rgb[2] = (unsigned char)((y * k + 127) / 255);
	}
}

/*
 * The part of a JPEG decode libjpeg may longjmp out of. Returns 0 when done
 * (check the job's flags), 1 after an error. Only job and out are used, and
 * both point to memory outside this frame.
 */
static int
jpeg_guarded(struct jpeg_job *job, const void *data, size_t len, size_t max_pixels,
    struct hoso_raster *out, struct hoso_codec_info *info, const char *label,
    struct hoso_err *err)
{
	j_decompress_ptr cinfo = &job->cinfo;
	JSAMPROW row;

	if (setjmp(job->jump) != 0)
		return 1;
	jpeg_create_decompress(cinfo);
	cinfo->progress = &job->progress;
	jpeg_mem_src(cinfo, data, (unsigned long)len);
	(void)jpeg_read_header(cinfo, TRUE);

	info->width = (int)cinfo->image_width;
	info->height = (int)cinfo->image_height;
	info->bits = cinfo->data_precision;
	info->channels = cinfo->num_components == 1 ? 1 : 3;
	if (cinfo->saw_JFIF_marker && cinfo->density_unit == 1) {
		info->xdpi = cinfo->X_density;
		info->ydpi = cinfo->Y_density;
	} else if (cinfo->saw_JFIF_marker && cinfo->density_unit == 2) {
		info->xdpi = (int)(cinfo->X_density * CM_PER_INCH + 0.5);
		info->ydpi = (int)(cinfo->Y_density * CM_PER_INCH + 0.5);
	}
	if (out == NULL)
		return 0;

	if ((job->code = check_pixels(label, info->width, info->height, max_pixels,
	    err)) != 0)
		return 0;
	switch (cinfo->jpeg_color_space) {
	case JCS_GRAYSCALE:
		cinfo->out_color_space = JCS_GRAYSCALE;
		break;
	case JCS_YCbCr:
	case JCS_RGB:
		cinfo->out_color_space = JCS_RGB;
		break;
	case JCS_CMYK:
	case JCS_YCCK:
		cinfo->out_color_space = JCS_CMYK;
		break;
	default:
		job->bad_colour = true;
		return 0;
	}
	(void)jpeg_start_decompress(cinfo);
	if (cinfo->output_width != cinfo->image_width ||
	    cinfo->output_height != cinfo->image_height ||
	    cinfo->output_components != (cinfo->out_color_space == JCS_GRAYSCALE ? 1 :
	    cinfo->out_color_space == JCS_RGB ? 3 : 4)) {
		job->bad_colour = true;
		return 0;
	}
	if ((job->code = alloc_pixels(out, label, info->width, info->height,
	    info->channels, err)) != 0)
		return 0;
	if (cinfo->out_color_space == JCS_CMYK &&
	    (job->cmyk_row = malloc((size_t)cinfo->output_width * 4)) == NULL) {
		job->code = hoso_err_sys(err, ENOMEM, _("%s: decoding"), label);
		return 0;
	}
	while (cinfo->output_scanline < cinfo->output_height) {
		row = out->pixels + (size_t)cinfo->output_scanline * out->stride;
		if (job->cmyk_row != NULL) {
			row = job->cmyk_row;
			if (jpeg_read_scanlines(cinfo, &row, 1) != 1)
				ERREXIT(cinfo, JERR_BAD_STATE);
			cmyk_to_rgb(job->cmyk_row, out->pixels +
			    (size_t)(cinfo->output_scanline - 1) * out->stride,
			    cinfo->output_width, cinfo->saw_Adobe_marker);
		} else if (jpeg_read_scanlines(cinfo, &row, 1) != 1)
			ERREXIT(cinfo, JERR_BAD_STATE);
	}
	/* Reads up to EOI, so a file cut after its last row is caught too. */
	(void)jpeg_finish_decompress(cinfo);
	return 0;
}

/* Read the header (out NULL) or the whole image. */
static int
jpeg_read(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_raster *out, struct hoso_codec_info *info, struct hoso_err *err)
{
	struct jpeg_job *job;
	int r;

	if (label == NULL)
		label = "image";
	memset(info, 0, sizeof(*info));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((job = calloc(1, sizeof(*job))) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("%s: decoding"), label);
		goto out;
	}
	/* jpeg_create_decompress keeps err and client_data. */
	job->cinfo.err = jpeg_std_error(&job->jerr);
	job->cinfo.client_data = job;
	job->jerr.error_exit = jpeg_quiet_exit;
	job->jerr.output_message = jpeg_quiet_output;
	job->jerr.emit_message = jpeg_quiet_emit;
	job->progress.progress_monitor = jpeg_count_scans;
	if (data == NULL || len == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: damaged or truncated %s header"),
		    label, "JPEG");
		goto out;
	}
	if (jpeg_guarded(job, data, len, max_pixels, out, info, label, err) != 0) {
		if (job->too_many_scans)
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: progressive JPEG with more than %d passes"), label, JPEG_MAX_SCANS);
		else if (out == NULL || info->width == 0)
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: damaged or truncated %s header: %s"), label, "JPEG",
			    job->message);
		else
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: cannot decode the %s image: %s"), label, "JPEG",
			    job->message);
		goto out;
	}
	if (job->code != 0) {
		r = job->code;
		goto out;
	}
	if (job->bad_colour) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: JPEG colour space with %d components is not supported"), label,
		    job->cinfo.num_components);
		goto out;
	}
	if (info->width <= 0 || info->height <= 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: damaged or truncated %s header"),
		    label, "JPEG");
		goto out;
	}
	if (out != NULL) {
		out->xdpi = info->xdpi;
		out->ydpi = info->ydpi;
	}
	r = 0;
out:
	if (job != NULL) {
		/* Safe on a never-created cinfo: it checks cinfo->mem. */
		jpeg_destroy_decompress(&job->cinfo);
		free(job->cmyk_row);
		free(job);
	}
	if (r != 0)
		hoso_codec_raster_free(out);
	return r;
}

int
hoso_codec_jpeg_info(const void *data, size_t len, const char *label,
    struct hoso_codec_info *info, struct hoso_err *err)
{
	return jpeg_read(data, len, label, 0, NULL, info, err);
}

int
hoso_codec_jpeg_decode(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_raster *out, struct hoso_err *err)
{
	struct hoso_codec_info info;

	return jpeg_read(data, len, label, max_pixels, out, &info, err);
}
