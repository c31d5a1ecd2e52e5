/*
 * tiff.c - multipage TIFF reading and page splitting without recompression.
 *
 * The only file that includes <tiffio.h>. It owns the in-memory libtiff
 * handles, the per-handle routing of libtiff's messages into our error
 * record (never stderr, never libtiff's global handlers), the checks that
 * keep hostile files from reaching a decoder, and the raw strip/tile copy
 * that turns one page of a multipage file into a single-page TIFF.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

#include "buf.h"
#include "err.h"
#include "i18n.h"
#include "tiff.h"

/* No single libtiff allocation (tag arrays, strip tables) may exceed this. */
#define TIFF_MAX_ALLOC		((tmsize_t)256 * 1024 * 1024)
/* Leave this much room for the directory before switching output to BigTIFF. */
#define TIFF_CLASSIC_MARGIN	((uint64_t)16 * 1024 * 1024)

/* The bytes libtiff reads from (input) or writes to (output). */
struct tiff_io {
	const unsigned char *rdata;	/* input: the caller's bytes */
	size_t rlen;
	struct hoso_buf *out;		/* output: appended at base */
	size_t base;
	uint64_t pos;
	struct hoso_err buf_err;	/* why the output could not grow */
	bool failed;
};

struct hoso_tiff {
	TIFF *tif;
	struct tiff_io in;
	char *label;
	int n_pages;		/* -1 until counted */
	int cur_page;		/* directory libtiff holds; -1 when unknown */
	int n_errors;		/* libtiff errors since the last reset */
	char lib_msg[256];	/* the first of them */
};

bool
hoso_tiff_is(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (p == NULL || len < 8)
		return false;
	if (p[0] == 'I' && p[1] == 'I')
		return (p[2] == 42 || p[2] == 43) && p[3] == 0;
	if (p[0] == 'M' && p[1] == 'M')
		return p[2] == 0 && (p[3] == 42 || p[3] == 43);
	return false;
}

/* libtiff's per-handle error handler: keep the first message, stop there. */
static int
tiff_on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	struct hoso_tiff *t = user;

	(void)tif;
	(void)module;
	size_t n = strlen(t->label);

	if (t->n_errors++ == 0) {
		vsnprintf(t->lib_msg, sizeof(t->lib_msg), fmt, ap);
		/* Many libtiff messages start with the file name: ours says it already. */
		if (strncmp(t->lib_msg, t->label, n) == 0 && strncmp(t->lib_msg + n, ": ", 2) == 0)
			memmove(t->lib_msg, t->lib_msg + n + 2, strlen(t->lib_msg + n + 2) + 1);
	}
	return 1;	/* handled: libtiff must not call its global handler */
}

/*
 * Warnings (unknown tags, odd but readable files) are not worth a message,
 * except one: libtiff drops a tag whose data lies past the end of the file
 * and only warns. The file is truncated, and the page copied without (say)
 * its JPEGTables would not decode: count it as an error.
 */
static int
tiff_on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	if (strstr(fmt, "IO error") != NULL)
		return tiff_on_error(tif, user, module, fmt, ap);
	return 1;
}

static void
lib_reset(struct hoso_tiff *t)
{
	t->n_errors = 0;
	t->lib_msg[0] = '\0';
}

/* What libtiff said, or a fallback when it said nothing. */
static const char *
lib_said(const struct hoso_tiff *t, const char *fallback)
{
	return t->lib_msg[0] != '\0' ? t->lib_msg : fallback;
}

static tmsize_t
io_read(thandle_t h, void *p, tmsize_t n)
{
	struct tiff_io *io = h;
	const unsigned char *src;
	uint64_t have;
	size_t want;

	if (n <= 0)
		return 0;
	if (io->out != NULL) {
		have = io->out->len - io->base;
		src = (const unsigned char *)io->out->data + io->base;
	} else {
		have = io->rlen;
		src = io->rdata;
	}
	if (io->pos >= have)
		return 0;
	want = (uint64_t)n < have - io->pos ? (size_t)n : (size_t)(have - io->pos);
	memcpy(p, src + io->pos, want);
	io->pos += want;
	return (tmsize_t)want;
}

static tmsize_t
io_write(thandle_t h, void *p, tmsize_t n)
{
	struct tiff_io *io = h;
	struct hoso_buf *b = io->out;
	size_t at, end;

	if (b == NULL || n < 0 || io->failed)
		return -1;
	if (io->pos > SIZE_MAX - io->base || (size_t)n > SIZE_MAX - io->base - io->pos) {
		hoso_err_set(&io->buf_err, HOSO_EINPUT, _("output too large"));
		io->failed = true;
		return -1;
	}
	at = io->base + (size_t)io->pos;
	end = at + (size_t)n;
	if (end > b->len) {
		if (hoso_buf_grow(b, end - b->len, &io->buf_err) != 0) {
			io->failed = true;
			return -1;
		}
		/* a seek past the end leaves a gap; fill it so output is deterministic */
		if (at > b->len)
			memset(b->data + b->len, 0, at - b->len);
		b->len = end;
		b->data[b->len] = '\0';
	}
	if (n > 0)
		memcpy(b->data + at, p, (size_t)n);
	io->pos += (uint64_t)n;
	return n;
}

static uint64_t
io_size(const struct tiff_io *io)
{
	return io->out != NULL ? (uint64_t)(io->out->len - io->base) : (uint64_t)io->rlen;
}

static toff_t
io_seek(thandle_t h, toff_t off, int whence)
{
	struct tiff_io *io = h;
	uint64_t from;

	switch (whence) {
	case SEEK_SET:
		from = 0;
		break;
	case SEEK_CUR:
		from = io->pos;
		break;
	case SEEK_END:
		from = io_size(io);
		break;
	default:
		return (toff_t)-1;
	}
	/* off is unsigned; libtiff only seeks forward from SEEK_CUR/SEEK_END */
	if (off > UINT64_MAX / 2 || from > UINT64_MAX / 2 - off)
		return (toff_t)-1;
	io->pos = from + off;
	return io->pos;
}

static toff_t
io_sizeproc(thandle_t h)
{
	return io_size(h);
}

static int
io_close(thandle_t h)
{
	(void)h;
	return 0;
}

static int
io_map(thandle_t h, void **base, toff_t *size)
{
	(void)h;
	(void)base;
	(void)size;
	return 0;	/* not mapped: libtiff reads through io_read */
}

static void
io_unmap(thandle_t h, void *base, toff_t size)
{
	(void)h;
	(void)base;
	(void)size;
}

/* A libtiff handle whose messages go to t and whose allocations are bounded. */
static TIFF *
tiff_client_open(struct hoso_tiff *t, const char *mode, struct tiff_io *io)
{
	TIFFOpenOptions *opts;
	TIFF *tif;

	if ((opts = TIFFOpenOptionsAlloc()) == NULL)
		return NULL;
	TIFFOpenOptionsSetMaxSingleMemAlloc(opts, TIFF_MAX_ALLOC);
	TIFFOpenOptionsSetErrorHandlerExtR(opts, tiff_on_error, t);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, tiff_on_warning, t);
	tif = TIFFClientOpenExt(t->label, mode, (thandle_t)io, io_read, io_write,
	    io_seek, io_close, io_sizeproc, io_map, io_unmap, opts);
	TIFFOpenOptionsFree(opts);
	return tif;
}

int
hoso_tiff_open(const void *data, size_t len, const char *label, struct hoso_tiff **tp,
    struct hoso_err *err)
{
	struct hoso_tiff *t = NULL;
	int r;

	*tp = NULL;
	if (label == NULL)
		label = "TIFF";
	if (data == NULL && len > 0) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("%s: no data"), label);
		goto out;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->label = strdup(label)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	t->in.rdata = data;
	t->in.rlen = len;
	t->n_pages = -1;
	t->cur_page = -1;
	if (!hoso_tiff_is(data, len)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a TIFF file"), label);
		goto out;
	}
	lib_reset(t);
	/*
	 * r: read only; c: no strip chopping, so strips are the file's own;
	 * D: strip tables are loaded when first used, not with the directory.
	 */
	if ((t->tif = tiff_client_open(t, "rcD", &t->in)) == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a readable TIFF file: %s"),
		    label, lib_said(t, _("cannot open")));
		goto out;
	}
	/* page 1 is read again, and its trouble reported, when it is asked for */
	t->cur_page = t->n_errors > 0 ? -1 : 0;
	*tp = t;
	t = NULL;
	r = 0;
out:
	hoso_tiff_close(t);
	return r;
}

void
hoso_tiff_close(struct hoso_tiff *t)
{
	if (t == NULL)
		return;
	if (t->tif != NULL)
		TIFFClose(t->tif);
	free(t->label);
	free(t);
}

int
hoso_tiff_count(struct hoso_tiff *t, int *n, struct hoso_err *err)
{
	tdir_t n_dirs;
	int r;

	*n = 0;
	if (t->n_pages >= 0) {
		*n = t->n_pages;
		r = 0;
		goto out;
	}
	lib_reset(t);
	n_dirs = TIFFNumberOfDirectories(t->tif);
	/* libtiff stops counting at a loop or a broken link and says so */
	if (t->n_errors > 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: broken page chain: %s"),
		    t->label, lib_said(t, _("unreadable page header (IFD)")));
		goto out;
	}
	if (n_dirs == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no pages"), t->label);
		goto out;
	}
	if (n_dirs > HOSO_TIFF_MAX_PAGES) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: more than %d pages"),
		    t->label, HOSO_TIFF_MAX_PAGES);
		goto out;
	}
	/*
	 * libtiff 4.5 stops counting quietly where the chain turns back on
	 * itself: the last page it counted must really be the last one.
	 */
	lib_reset(t);
	t->cur_page = -1;
	if (!TIFFSetDirectory(t->tif, n_dirs - 1) || t->n_errors > 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: unreadable page header (IFD): %s"),
		    t->label, (int)n_dirs, lib_said(t, _("unknown error")));
		goto out;
	}
	t->cur_page = (int)n_dirs - 1;
	if (!TIFFLastDirectory(t->tif)) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: broken page chain: the page after page %d loops back or is missing"),
		    t->label, (int)n_dirs);
		goto out;
	}
	t->n_pages = (int)n_dirs;
	*n = t->n_pages;
	r = 0;
out:
	return r;
}

/* Make page the current directory of t->tif. */
static int
tiff_set_page(struct hoso_tiff *t, int page, struct hoso_err *err)
{
	int n, r;

	if ((r = hoso_tiff_count(t, &n, err)) != 0)
		goto out;
	if (page < 0 || page >= n) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("%s: no page %d (the file has %d)"),
		    t->label, page + 1, n);
		goto out;
	}
	if (t->cur_page == page) {
		r = 0;
		goto out;
	}
	lib_reset(t);
	t->cur_page = -1;
	/* libtiff may read on past a recoverable error; we do not */
	if (!TIFFSetDirectory(t->tif, (tdir_t)page) || t->n_errors > 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: unreadable page header (IFD): %s"),
		    t->label, page + 1, lib_said(t, _("unknown error")));
		goto out;
	}
	t->cur_page = page;
	r = 0;
out:
	return r;
}

/* Pixels per inch from a resolution tag, or 0 when it means nothing. */
static double
to_ppi(float res, uint16_t unit)
{
	double v = res;

	if (!isfinite(v) || v <= 0)
		return 0;
	switch (unit) {
	case RESUNIT_INCH:
		return v;
	case RESUNIT_CENTIMETER:
		return v * 2.54;
	default:
		return 0;	/* RESUNIT_NONE: an aspect ratio, not a density */
	}
}

/* Read the current directory's geometry and refuse what no scan looks like. */
static int
tiff_read_info(struct hoso_tiff *t, int page, struct hoso_tiff_info *info,
    struct hoso_err *err)
{
	TIFF *tif = t->tif;
	uint16_t unit = RESUNIT_INCH;
	float xres = 0, yres = 0;
	int r;

	memset(info, 0, sizeof(*info));
	if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &info->width) ||
	    !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &info->height) ||
	    info->width == 0 || info->height == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: no image size"),
		    t->label, page + 1);
		goto out;
	}
	if (info->width > HOSO_TIFF_MAX_SIDE || info->height > HOSO_TIFF_MAX_SIDE) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: page %d: image size %" PRIu32 "x%" PRIu32 " is over the limit of %u"),
		    t->label, page + 1, info->width, info->height, HOSO_TIFF_MAX_SIDE);
		goto out;
	}
	TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &info->bits_per_sample);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &info->samples_per_pixel);
	TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &info->compression);
	if (info->bits_per_sample < 1 || info->bits_per_sample > 64) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: bad bits per sample %u"),
		    t->label, page + 1, (unsigned)info->bits_per_sample);
		goto out;
	}
	if (info->samples_per_pixel < 1 ||
	    info->samples_per_pixel > HOSO_TIFF_MAX_SAMPLES) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: bad samples per pixel %u"),
		    t->label, page + 1, (unsigned)info->samples_per_pixel);
		goto out;
	}
	TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
	if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres))
		info->xres = to_ppi(xres, unit);
	if (TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yres))
		info->yres = to_ppi(yres, unit);
	r = 0;
out:
	return r;
}

int
hoso_tiff_page_info(struct hoso_tiff *t, int page, struct hoso_tiff_info *info,
    struct hoso_err *err)
{
	int r;

	memset(info, 0, sizeof(*info));
	if ((r = tiff_set_page(t, page, err)) != 0)
		goto out;
	r = tiff_read_info(t, page, info, err);
out:
	return r;
}

/*
 * True when tag is known to in's current directory with the plain
 * (no count) calling convention of TIFFGetField, so that a file whose
 * codec tags are unknown to libtiff (then read as anonymous arrays)
 * cannot make TIFFGetField write past our variables.
 */
static bool
plain_field(TIFF *tif, uint32_t tag)
{
	const TIFFField *f = TIFFFindField(tif, tag, TIFF_ANY);

	return f != NULL && !TIFFFieldIsAnonymous(f) && !TIFFFieldPassCount(f);
}

static bool
counted_field(TIFF *tif, uint32_t tag)
{
	const TIFFField *f = TIFFFindField(tif, tag, TIFF_ANY);

	return f != NULL && !TIFFFieldIsAnonymous(f) && TIFFFieldPassCount(f);
}

static bool
has_predictor(uint16_t compression)
{
	switch (compression) {
	case COMPRESSION_LZW:
	case COMPRESSION_ADOBE_DEFLATE:
	case COMPRESSION_DEFLATE:
	case COMPRESSION_LZMA:
	case COMPRESSION_ZSTD:
		return true;
	default:
		return false;
	}
}

/* Copy to out every tag needed to decode in's current directory. */
static bool
copy_tags(TIFF *in, TIFF *out, const struct hoso_tiff_info *info, uint16_t photometric,
    uint16_t planar)
{
	uint16_t u16, u16b, *list, *red, *green, *blue;
	uint32_t u32, count;
	float f, *floats;
	void *blob;
	bool ok = true;

	ok &= TIFFSetField(out, TIFFTAG_IMAGEWIDTH, info->width) == 1;
	ok &= TIFFSetField(out, TIFFTAG_IMAGELENGTH, info->height) == 1;
	ok &= TIFFSetField(out, TIFFTAG_BITSPERSAMPLE, (int)info->bits_per_sample) == 1;
	ok &= TIFFSetField(out, TIFFTAG_SAMPLESPERPIXEL, (int)info->samples_per_pixel) == 1;
	/* the codec must be set before its own tags (predictor, fax options, tables) */
	ok &= TIFFSetField(out, TIFFTAG_COMPRESSION, (int)info->compression) == 1;
	ok &= TIFFSetField(out, TIFFTAG_PHOTOMETRIC, (int)photometric) == 1;
	ok &= TIFFSetField(out, TIFFTAG_PLANARCONFIG, (int)planar) == 1;
	if (TIFFGetField(in, TIFFTAG_FILLORDER, &u16))
		ok &= TIFFSetField(out, TIFFTAG_FILLORDER, (int)u16) == 1;
	if (TIFFIsTiled(in)) {
		u32 = 0;
		TIFFGetField(in, TIFFTAG_TILEWIDTH, &u32);
		ok &= TIFFSetField(out, TIFFTAG_TILEWIDTH, u32) == 1;
		u32 = 0;
		TIFFGetField(in, TIFFTAG_TILELENGTH, &u32);
		ok &= TIFFSetField(out, TIFFTAG_TILELENGTH, u32) == 1;
	} else {
		TIFFGetFieldDefaulted(in, TIFFTAG_ROWSPERSTRIP, &u32);
		ok &= TIFFSetField(out, TIFFTAG_ROWSPERSTRIP, u32) == 1;
	}
	if (TIFFGetField(in, TIFFTAG_SAMPLEFORMAT, &u16))
		ok &= TIFFSetField(out, TIFFTAG_SAMPLEFORMAT, (int)u16) == 1;
	if (TIFFGetField(in, TIFFTAG_EXTRASAMPLES, &u16, &list))
		ok &= TIFFSetField(out, TIFFTAG_EXTRASAMPLES, (int)u16, list) == 1;
	if (photometric == PHOTOMETRIC_PALETTE) {
		/* libtiff refuses a palette page without one when it reads it */
		if (TIFFGetField(in, TIFFTAG_COLORMAP, &red, &green, &blue))
			ok &= TIFFSetField(out, TIFFTAG_COLORMAP, red, green, blue) == 1;
		else
			ok = false;
	}

	if (has_predictor(info->compression) && plain_field(in, TIFFTAG_PREDICTOR) &&
	    TIFFGetField(in, TIFFTAG_PREDICTOR, &u16))
		ok &= TIFFSetField(out, TIFFTAG_PREDICTOR, (int)u16) == 1;
	if (info->compression == COMPRESSION_CCITTFAX3 &&
	    plain_field(in, TIFFTAG_GROUP3OPTIONS) &&
	    TIFFGetField(in, TIFFTAG_GROUP3OPTIONS, &u32))
		ok &= TIFFSetField(out, TIFFTAG_GROUP3OPTIONS, u32) == 1;
	if (info->compression == COMPRESSION_CCITTFAX4 &&
	    plain_field(in, TIFFTAG_GROUP4OPTIONS) &&
	    TIFFGetField(in, TIFFTAG_GROUP4OPTIONS, &u32))
		ok &= TIFFSetField(out, TIFFTAG_GROUP4OPTIONS, u32) == 1;
	if (info->compression == COMPRESSION_JPEG) {
		/*
		 * libtiff reserves a placeholder JPEGTables in a new file;
		 * a page whose strips carry their own tables must not get it.
		 */
		count = 0;
		blob = NULL;
		if (counted_field(in, TIFFTAG_JPEGTABLES) &&
		    TIFFGetField(in, TIFFTAG_JPEGTABLES, &count, &blob) &&
		    count > 0 && blob != NULL)
			ok &= TIFFSetField(out, TIFFTAG_JPEGTABLES, count, blob) == 1;
		else
			TIFFUnsetField(out, TIFFTAG_JPEGTABLES);
	}

	if (photometric == PHOTOMETRIC_YCBCR) {
		/* defaulted: libtiff corrects it from the JPEG data when the tag lies */
		TIFFGetFieldDefaulted(in, TIFFTAG_YCBCRSUBSAMPLING, &u16, &u16b);
		ok &= TIFFSetField(out, TIFFTAG_YCBCRSUBSAMPLING, (int)u16, (int)u16b) == 1;
		if (TIFFGetField(in, TIFFTAG_YCBCRPOSITIONING, &u16))
			ok &= TIFFSetField(out, TIFFTAG_YCBCRPOSITIONING, (int)u16) == 1;
		if (TIFFGetField(in, TIFFTAG_YCBCRCOEFFICIENTS, &floats))
			ok &= TIFFSetField(out, TIFFTAG_YCBCRCOEFFICIENTS, floats) == 1;
	}
	if (TIFFGetField(in, TIFFTAG_REFERENCEBLACKWHITE, &floats))
		ok &= TIFFSetField(out, TIFFTAG_REFERENCEBLACKWHITE, floats) == 1;

	if (TIFFGetField(in, TIFFTAG_XRESOLUTION, &f))
		ok &= TIFFSetField(out, TIFFTAG_XRESOLUTION, (double)f) == 1;
	if (TIFFGetField(in, TIFFTAG_YRESOLUTION, &f))
		ok &= TIFFSetField(out, TIFFTAG_YRESOLUTION, (double)f) == 1;
	if (TIFFGetField(in, TIFFTAG_RESOLUTIONUNIT, &u16))
		ok &= TIFFSetField(out, TIFFTAG_RESOLUTIONUNIT, (int)u16) == 1;
	if (TIFFGetField(in, TIFFTAG_ORIENTATION, &u16))
		ok &= TIFFSetField(out, TIFFTAG_ORIENTATION, (int)u16) == 1;
	count = 0;
	blob = NULL;
	if (TIFFGetField(in, TIFFTAG_ICCPROFILE, &count, &blob) && count > 0 && blob != NULL)
		ok &= TIFFSetField(out, TIFFTAG_ICCPROFILE, count, blob) == 1;
	return ok;
}

/* Bytes an uncompressed strip or tile must hold at least. */
static uint64_t
raw_min_size(TIFF *tif, uint32_t strile, uint32_t height, bool tiled)
{
	uint32_t rps = height, per_plane, row;

	if (tiled)
		return TIFFTileSize64(tif);
	TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
	if (rps == 0 || rps > height)
		rps = height;
	/* the strips of a separate-planes image run plane after plane */
	per_plane = (height - 1) / rps + 1;
	row = (strile % per_plane) * rps;
	return TIFFVStripSize64(tif, height - row < rps ? height - row : rps);
}

int
hoso_tiff_extract(struct hoso_tiff *t, int page, struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_tiff_info info;
	struct tiff_io oio;
	TIFF *in = t->tif, *wr = NULL;
	uint64_t off, size, total = 0, extra;
	uint32_t n_striles, i, count;
	uint16_t photometric, planar;
	void *blob;
	char mode[4];
	bool tiled;
	int flags_err, r;

	memset(&oio, 0, sizeof(oio));
	oio.out = out;
	oio.base = out->len;
	if ((r = hoso_tiff_page_info(t, page, &info, err)) != 0)
		goto out;
	if (info.compression == COMPRESSION_OJPEG) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: page %d: unsupported old-style JPEG TIFF"), t->label, page + 1);
		goto out;
	}
	if (!TIFFIsCODECConfigured(info.compression)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: unsupported compression %u"),
		    t->label, page + 1, (unsigned)info.compression);
		goto out;
	}
	if (!TIFFGetField(in, TIFFTAG_PHOTOMETRIC, &photometric)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: no photometric interpretation"),
		    t->label, page + 1);
		goto out;
	}
	TIFFGetFieldDefaulted(in, TIFFTAG_PLANARCONFIG, &planar);
	tiled = TIFFIsTiled(in) != 0;
	n_striles = tiled ? TIFFNumberOfTiles(in) : TIFFNumberOfStrips(in);
	if (n_striles == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: no image data"),
		    t->label, page + 1);
		goto out;
	}
	if (n_striles > HOSO_TIFF_MAX_STRILES) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: page %d: too many %s: %" PRIu32 " (the limit is %u)"),
		    t->label, page + 1, tiled ? _("tiles") : _("strips"), n_striles,
		    HOSO_TIFF_MAX_STRILES);
		goto out;
	}

	/* Every strip must lie inside the data before anything is written. */
	lib_reset(t);
	for (i = 0; i < n_striles; i++) {
		flags_err = 0;
		off = TIFFGetStrileOffsetWithErr(in, i, &flags_err);
		if (flags_err == 0)
			size = TIFFGetStrileByteCountWithErr(in, i, &flags_err);
		if (flags_err != 0 || t->n_errors > 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: unreadable %s table: %s"),
			    t->label, page + 1, tiled ? _("tile") : _("strip"),
			    lib_said(t, _("unknown error")));
			goto out;
		}
		if (size == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: %s %" PRIu32 " is empty"),
			    t->label, page + 1, tiled ? _("tile") : _("strip"), i + 1);
			goto out;
		}
		if (off > t->in.rlen || size > t->in.rlen - off) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: page %d: %s %" PRIu32 " lies past the end of the data (truncated file?)"),
			    t->label, page + 1, tiled ? _("tile") : _("strip"), i + 1);
			goto out;
		}
		if (info.compression == COMPRESSION_NONE &&
		    size < raw_min_size(in, i, info.height, tiled)) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: %s %" PRIu32 " is too short"),
			    t->label, page + 1, tiled ? _("tile") : _("strip"), i + 1);
			goto out;
		}
		total += size;
	}

	/* Classic TIFF offsets are 32 bits; only a page that needs it gets BigTIFF. */
	extra = TIFF_CLASSIC_MARGIN;
	count = 0;
	if (TIFFGetField(in, TIFFTAG_ICCPROFILE, &count, &blob))
		extra += count;
	snprintf(mode, sizeof(mode), "w%c%s", TIFFIsBigEndian(in) ? 'b' : 'l',
	    total + extra > UINT32_MAX ? "8" : "");
	/* keeps the byte order: uncompressed 16-bit samples are stored in it */
	lib_reset(t);
	if ((wr = tiff_client_open(t, mode, &oio)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("%s: page %d: cannot start the output: %s"),
		    t->label, page + 1, lib_said(t, _("unknown error")));
		goto out;
	}
	if (!copy_tags(in, wr, &info, photometric, planar) || t->n_errors > 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: cannot copy the tags: %s"),
		    t->label, page + 1, lib_said(t, _("unknown error")));
		goto out;
	}
	for (i = 0; i < n_striles; i++) {
		off = TIFFGetStrileOffset(in, i);
		size = TIFFGetStrileByteCount(in, i);
		/* the bytes are passed through unchanged; libtiff does not write to them */
		if ((tiled ? TIFFWriteRawTile(wr, i, (void *)(t->in.rdata + off), (tmsize_t)size) :
		    TIFFWriteRawStrip(wr, i, (void *)(t->in.rdata + off), (tmsize_t)size)) !=
		    (tmsize_t)size)
			break;
	}
	if (i < n_striles || !TIFFWriteDirectory(wr) || oio.failed || t->n_errors > 0) {
		if (oio.failed) {
			r = hoso_err_set(err, oio.buf_err.code, _("%s: page %d: %s"),
			    t->label, page + 1, oio.buf_err.msg);
		} else {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: page %d: cannot write the page: %s"),
			    t->label, page + 1, lib_said(t, _("unknown error")));
		}
		goto out;
	}
	r = 0;
out:
	if (wr != NULL)
		TIFFClose(wr);
	if (r != 0 && out->len > oio.base) {
		/* leave out as it was */
		out->len = oio.base;
		out->data[out->len] = '\0';
	}
	return r;
}

/* Check a wrap request against what the writer below can store. */
static int
wrap_check(const struct hoso_tiff_strip *d, size_t len, size_t row_bytes,
    struct hoso_err *err)
{
	int r = HOSO_EUSAGE;

	if (d->width == 0 || d->height == 0 || d->width > HOSO_TIFF_MAX_SIDE ||
	    d->height > HOSO_TIFF_MAX_SIDE) {
		r = hoso_err_set(err, HOSO_EINPUT, _("image size %" PRIu32 "x%" PRIu32
		    " is outside 1..%u"), d->width, d->height, HOSO_TIFF_MAX_SIDE);
		goto out;
	}
	switch (d->compression) {
	case HOSO_TIFF_COMP_G3:
	case HOSO_TIFF_COMP_G4:
		if (d->bits_per_sample != 1 || d->samples_per_pixel != 1 ||
		    (d->photometric != HOSO_TIFF_PHOTO_MINISWHITE &&
		    d->photometric != HOSO_TIFF_PHOTO_MINISBLACK))
			goto usage;
		if (len == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("no image data"));
			goto out;
		}
		break;
	case HOSO_TIFF_COMP_DEFLATE:
		if (d->bits_per_sample != 1 && d->bits_per_sample != 2 &&
		    d->bits_per_sample != 4 && d->bits_per_sample != 8)
			goto usage;
		if (d->samples_per_pixel == 3 ?
		    d->photometric != HOSO_TIFF_PHOTO_RGB || d->bits_per_sample != 8 :
		    d->samples_per_pixel != 1 || d->photometric == HOSO_TIFF_PHOTO_RGB)
			goto usage;
		if (d->photometric == HOSO_TIFF_PHOTO_PALETTE && d->colormap == NULL)
			goto usage;
		if (len / row_bytes < d->height) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("image data too short: %zu bytes for %" PRIu32 " rows of %zu"),
			    len, d->height, row_bytes);
			goto out;
		}
		break;
	default:
		goto usage;
	}
	if (d->icc_len > 0 && (d->icc == NULL || d->icc_len > UINT32_MAX / 2))
		goto usage;
	r = 0;
	goto out;
usage:
	r = hoso_err_set(err, HOSO_EUSAGE, _("cannot write this image as TIFF"));
out:
	return r;
}

/* Tags of a wrapped page; the codec goes first, its own tags after it. */
static bool
wrap_tags(TIFF *wr, const struct hoso_tiff_strip *d, uint32_t rows_per_strip)
{
	uint16_t *map;
	bool ok = true;

	ok &= TIFFSetField(wr, TIFFTAG_IMAGEWIDTH, d->width) == 1;
	ok &= TIFFSetField(wr, TIFFTAG_IMAGELENGTH, d->height) == 1;
	ok &= TIFFSetField(wr, TIFFTAG_BITSPERSAMPLE, (int)d->bits_per_sample) == 1;
	ok &= TIFFSetField(wr, TIFFTAG_SAMPLESPERPIXEL, (int)d->samples_per_pixel) == 1;
	ok &= TIFFSetField(wr, TIFFTAG_COMPRESSION, (int)d->compression) == 1;
	ok &= TIFFSetField(wr, TIFFTAG_PHOTOMETRIC, (int)d->photometric) == 1;
	ok &= TIFFSetField(wr, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == 1;
	ok &= TIFFSetField(wr, TIFFTAG_ROWSPERSTRIP, rows_per_strip) == 1;
	if (d->compression == COMPRESSION_CCITTFAX3)
		ok &= TIFFSetField(wr, TIFFTAG_GROUP3OPTIONS, d->fax_options) == 1;
	if (d->compression == COMPRESSION_ADOBE_DEFLATE && d->bits_per_sample == 8 &&
	    d->photometric != HOSO_TIFF_PHOTO_PALETTE)
		ok &= TIFFSetField(wr, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL) == 1;
	if (d->photometric == HOSO_TIFF_PHOTO_PALETTE) {
		map = (uint16_t *)d->colormap;	/* libtiff copies it */
		ok &= TIFFSetField(wr, TIFFTAG_COLORMAP, map,
		    map + ((size_t)1 << d->bits_per_sample),
		    map + ((size_t)2 << d->bits_per_sample)) == 1;
	}
	if (d->xdpi > 0 && d->ydpi > 0) {
		ok &= TIFFSetField(wr, TIFFTAG_XRESOLUTION, (double)d->xdpi) == 1;
		ok &= TIFFSetField(wr, TIFFTAG_YRESOLUTION, (double)d->ydpi) == 1;
		ok &= TIFFSetField(wr, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH) == 1;
	}
	if (d->icc_len > 0)
		ok &= TIFFSetField(wr, TIFFTAG_ICCPROFILE, (uint32_t)d->icc_len, d->icc) == 1;
	return ok;
}

int
hoso_tiff_wrap_strip(const struct hoso_tiff_strip *d, const void *data, size_t len,
    struct hoso_buf *out, struct hoso_err *err)
{
	char name[] = "image";
	struct hoso_tiff w;
	struct tiff_io oio;
	TIFF *wr = NULL;
	unsigned char *scratch = NULL;
	const unsigned char *src = data;
	size_t row_bytes, strip_bytes;
	uint32_t rows_per_strip, row, n;
	uint64_t total;
	char mode[4];
	int r;

	memset(&w, 0, sizeof(w));
	w.label = name;
	memset(&oio, 0, sizeof(oio));
	oio.out = out;
	oio.base = out->len;
	/* cannot overflow: width and bits are bounded by wrap_check's limits */
	row_bytes = ((size_t)d->width * d->bits_per_sample * d->samples_per_pixel + 7) / 8;
	if ((r = wrap_check(d, len, row_bytes == 0 ? 1 : row_bytes, err)) != 0)
		goto out;
	if (d->compression == HOSO_TIFF_COMP_DEFLATE) {
		/* strips of about 256 KiB keep a reader's memory small */
		rows_per_strip = (uint32_t)(262144 / row_bytes);
		if (rows_per_strip == 0)
			rows_per_strip = 1;
		if (rows_per_strip > d->height)
			rows_per_strip = d->height;
		total = (uint64_t)row_bytes * d->height;
	} else {
		rows_per_strip = d->height;
		total = len;
	}
	snprintf(mode, sizeof(mode), "wl%s",
	    total + TIFF_CLASSIC_MARGIN + d->icc_len > UINT32_MAX ? "8" : "");
	lib_reset(&w);
	if ((wr = tiff_client_open(&w, mode, &oio)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("cannot start the TIFF output: %s"),
		    lib_said(&w, _("unknown error")));
		goto out;
	}
	if (!wrap_tags(wr, d, rows_per_strip) || w.n_errors > 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("cannot set the TIFF tags: %s"),
		    lib_said(&w, _("unknown error")));
		goto out;
	}
	if (d->compression != HOSO_TIFF_COMP_DEFLATE) {
		/* the bytes are passed through unchanged; libtiff does not write to them */
		if (TIFFWriteRawStrip(wr, 0, (void *)src, (tmsize_t)len) != (tmsize_t)len)
			goto failed;
	} else {
		/* the predictor differences the rows in place: give it a copy */
		strip_bytes = row_bytes * rows_per_strip;
		if ((scratch = malloc(strip_bytes)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		for (row = 0; row < d->height; row += n) {
			n = d->height - row < rows_per_strip ? d->height - row : rows_per_strip;
			memcpy(scratch, src + (size_t)row * row_bytes, (size_t)n * row_bytes);
			if (TIFFWriteEncodedStrip(wr, row / rows_per_strip, scratch,
			    (tmsize_t)((size_t)n * row_bytes)) < 0)
				goto failed;
		}
	}
	if (!TIFFWriteDirectory(wr) || oio.failed || w.n_errors > 0)
		goto failed;
	r = 0;
	goto out;
failed:
	if (oio.failed)
		r = hoso_err_set(err, oio.buf_err.code, "%s", oio.buf_err.msg);
	else
		r = hoso_err_set(err, HOSO_EIO, _("cannot write the TIFF: %s"),
		    lib_said(&w, _("unknown error")));
out:
	if (wr != NULL)
		TIFFClose(wr);
	free(scratch);
	if (r != 0 && out->len > oio.base) {
		out->len = oio.base;
		out->data[out->len] = '\0';
	}
	return r;
}
