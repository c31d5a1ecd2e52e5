/*
 * img.c - page images: probe, decode, normalize (orientation, deskew, blank
 * test), lossless TIFF encoding, separator sheets. The only file that
 * includes Leptonica.
 *
 * Pages are held as 1 bpp (1 = black), 8 bpp grey or 32 bpp RGB without a
 * colormap, so that every later step handles exactly three depths. The
 * analysis (orientation, skew, ink) works on a binary copy reduced to about
 * 150 ppi; only the final rotation touches the full page.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "buf.h"
#include "codec.h"
#include "err.h"
#include "i18n.h"
#include "img.h"
#include "sort.h"

struct hoso_img {
	PIX *pix;			/* 1, 8 or 32 bpp, no colormap */
	enum hoso_img_format format;	/* of the file it came from */
};

/* Analysis is done near this resolution (what pixOrientDetect wants). */
#define ANALYSIS_PPI	150
/* Part of each side ignored by the blank test: scanner borders, punch holes. */
#define MARGIN_PCT	4
/* Ink smaller than this both ways is noise, not writing. */
#define SPECK_MM	0.5
/*
 * A page is blank when its text-like ink covers less than BLANK_FRACTION of
 * the inner page AND less than BLANK_MM2 in all: the second condition keeps
 * an A4 page holding one short word (a few mm² of ink), which for an archive
 * is worse to lose than a blank page is to keep.
 */
#define BLANK_FRACTION	0.0005
#define BLANK_MM2	2.5
/*
 * Fewer pieces of ink than this are no text to turn or straighten by (a
 * signature, a stamp, a tick): the page is left as scanned.
 */
#define TEXT_PIECES	12
/* Below this (Leptonica's own deskew threshold) rotating only blurs. */
#define MIN_SKEW_DEG	0.1
#define MIN_SKEW_CONF	3.0
/*
 * Grey levels under which a background-normalized pixel (paper at 200) is
 * ink, and the dark core of a stroke.
 */
#define BACKGROUND	200
#define INK_THRESHOLD	160
#define CORE_THRESHOLD	80
/* Orientation: Leptonica's defaults for makeOrientDecision. */
/*
 * pixOrientDetect needs the ascenders of body text (10-12 pt) at 200 ppi or
 * more: on the generated forms at 150 ppi its confidence for an upright page
 * fell from 22.7 to 4.6, under the decision threshold.
 */
#define ORIENT_MIN_PPI		200
#define ORIENT_MIN_CONF		8.0
#define ORIENT_MIN_RATIO	2.5

#define MM_PER_INCH	25.4
#define DEG_TO_RAD	0.017453292519943295

static pthread_once_t lept_once = PTHREAD_ONCE_INIT;

static void
lept_discard(const char *msg)
{
	(void)msg;
}

/*
 * Leptonica reports problems with hostile or damaged input on stderr, and
 * lib/ must never print: we report through struct hoso_err instead. The
 * severity and the stderr handler are process-wide settings, so they are
 * set once (pthread_once) before any worker thread calls into Leptonica,
 * and never touched again. This also quiets Leptonica inside Tesseract,
 * which is what a front-end with a progress bar wants anyway.
 */
static void
lept_quiet(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
	leptSetStderrHandler(lept_discard);
}

static void
img_init(void)
{
	pthread_once(&lept_once, lept_quiet);
}

static const char *
format_name(enum hoso_img_format f)
{
	switch (f) {
	case HOSO_IMG_TIFF:
		return "TIFF";
	case HOSO_IMG_PNG:
		return "PNG";
	case HOSO_IMG_JPEG:
		return "JPEG";
	case HOSO_IMG_PNM:
		return "PNM";
	default:
		return "unknown";
	}
}

static const char *
format_ext(enum hoso_img_format f)
{
	switch (f) {
	case HOSO_IMG_TIFF:
		return "tif";
	case HOSO_IMG_PNG:
		return "png";
	case HOSO_IMG_JPEG:
		return "jpg";
	case HOSO_IMG_PNM:
		return "pnm";
	default:
		return "bin";
	}
}

enum hoso_img_format
hoso_img_sniff(const void *data, size_t len)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	const unsigned char *p = data;

	if (p == NULL)
		return HOSO_IMG_UNKNOWN;
	if (len >= 4 && ((p[0] == 'I' && p[1] == 'I' && p[2] == 42 && p[3] == 0) ||
	    (p[0] == 'M' && p[1] == 'M' && p[2] == 0 && p[3] == 42)))
		return HOSO_IMG_TIFF;
	if (len >= 8 && memcmp(p, png, sizeof(png)) == 0)
		return HOSO_IMG_PNG;
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return HOSO_IMG_JPEG;
	/* Netpbm: "P1".."P6" then whitespace (PAM, P7, is not ours). */
	if (len >= 3 && p[0] == 'P' && p[1] >= '1' && p[1] <= '6' &&
	    (p[2] == ' ' || p[2] == '\t' || p[2] == '\r' || p[2] == '\n' || p[2] == '#'))
		return HOSO_IMG_PNM;
	return HOSO_IMG_UNKNOWN;
}

static bool
lept_format_matches(enum hoso_img_format f, l_int32 lf)
{
	switch (f) {
	case HOSO_IMG_TIFF:
		return L_FORMAT_IS_TIFF(lf);
	case HOSO_IMG_PNG:
		return lf == IFF_PNG;
	case HOSO_IMG_JPEG:
		return lf == IFF_JFIF_JPEG;
	case HOSO_IMG_PNM:
		return lf == IFF_PNM;
	default:
		return false;
	}
}

/*
 * The resolution a TIFF records, 0 when none. PNG and JPEG resolutions come
 * from codec.c; PNM never records one.
 */
static int
header_dpi(enum hoso_img_format f, const void *data, size_t len)
{
	FILE *fp;
	l_int32 xres = 0, yres = 0;

	if (f != HOSO_IMG_TIFF)
		return 0;
	/* fmemopen only reads through the cast: mode "r". */
	if ((fp = fmemopen((void *)(uintptr_t)data, len, "r")) == NULL)
		return 0;
	if (getTiffResolution(fp, &xres, &yres) != 0)
		xres = 0;
	fclose(fp);
	return xres > 0 ? xres : 0;
}

int
hoso_img_probe(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_img_info *info, struct hoso_err *err)
{
	struct hoso_codec_info ci;
	enum hoso_img_format f;
	l_int32 lf, w, h, bps, spp, iscmap;
	int depth, dpi, r;

	img_init();
	if (label == NULL)
		label = "image";
	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (data == NULL || len == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: empty file, not an image"), label);
		goto out;
	}
	if ((f = hoso_img_sniff(data, len)) == HOSO_IMG_UNKNOWN) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: not a TIFF, PNG, JPEG or PNM image"), label);
		goto out;
	}
	if (f == HOSO_IMG_PNG || f == HOSO_IMG_JPEG) {
		/* Leptonica would let libpng and libjpeg print on a bad header. */
		r = f == HOSO_IMG_PNG ? hoso_codec_png_info(data, len, label, &ci, err) :
		    hoso_codec_jpeg_info(data, len, label, &ci, err);
		if (r != 0)
			goto out;
		w = ci.width;
		h = ci.height;
		bps = ci.bits;
		spp = ci.channels;
		depth = ci.bilevel ? 1 : ci.channels == 1 ? 8 : 32;
		dpi = ci.xdpi;
	} else {
		if (pixReadHeaderMem(data, len, &lf, &w, &h, &bps, &spp, &iscmap) != 0 ||
		    !lept_format_matches(f, lf)) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: damaged or truncated %s header"), label, format_name(f));
			goto out;
		}
		/* What decode gives: a colormap may still turn out to be grey. */
		if (spp == 1 && bps == 1 && !iscmap)
			depth = 1;
		else if (spp == 1 && !iscmap)
			depth = 8;
		else
			depth = 32;
		dpi = header_dpi(f, data, len);
	}
	if (w <= 0 || h <= 0) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: %s image has no pixels (%dx%d)"), label, format_name(f), w, h);
		goto out;
	}
	if (bps != 1 && bps != 2 && bps != 4 && bps != 8 && bps != 16) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: %d bits per sample is not supported"), label, bps);
		goto out;
	}
	if (spp < 1 || spp > 4) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: %d samples per pixel is not supported"), label, spp);
		goto out;
	}
	/* Decompression bombs are refused here, before any pixel is decoded. */
	if (max_pixels != 0 && (size_t)w > max_pixels / (size_t)h) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: %dx%d pixels is more than the limit of %zu"), label, w, h,
		    max_pixels);
		goto out;
	}
	if (info != NULL) {
		info->format = f;
		info->width = w;
		info->height = h;
		info->depth = depth;
		info->dpi = dpi;
		info->ext = format_ext(f);
	}
	r = 0;
out:
	return r;
}

/*
 * The PIX for codec.c's rows: 1 bpp (1 = black) for a bilevel file, else
 * 8 bpp grey or 32 bpp RGB. Leptonica words are native-endian with the
 * first pixel in the most significant bits, hence the GET/SET macros.
 */
static PIX *
raster_to_pix(const struct hoso_raster *ras)
{
	const unsigned char *src;
	l_uint32 *line;
	PIX *pix;
	int depth, wpl, x, y;

	depth = ras->bilevel ? 1 : ras->channels == 1 ? 8 : 32;
	if ((ras->channels != 1 && ras->channels != 3) || ras->depth != 8 ||
	    (pix = pixCreate(ras->width, ras->height, depth)) == NULL)
		return NULL;
	wpl = pixGetWpl(pix);
	line = pixGetData(pix);
	for (y = 0; y < ras->height; y++, line += wpl) {
		src = ras->pixels + (size_t)y * ras->stride;
		if (depth == 1) {
			/* pixCreate cleared the words: only black needs setting. */
			for (x = 0; x < ras->width; x++)
				if (src[x] < 128)
					SET_DATA_BIT(line, x);
		} else if (depth == 8) {
			for (x = 0; x < ras->width; x++)
				SET_DATA_BYTE(line, x, src[x]);
		} else {
			for (x = 0; x < ras->width; x++, src += 3)
				line[x] = (l_uint32)src[0] << L_RED_SHIFT |
				    (l_uint32)src[1] << L_GREEN_SHIFT |
				    (l_uint32)src[2] << L_BLUE_SHIFT;
		}
	}
	if (depth == 32)
		pixSetSpp(pix, 3);
	pixSetResolution(pix, ras->xdpi, ras->ydpi);
	return pix;
}

/* Bring any decoded pix to 1 bpp, 8 bpp grey or 32 bpp RGB, no colormap. */
static PIX *
canonical_depth(PIX *pix)
{
	PIX *t = NULL;
	int d;

	if (pixGetColormap(pix) != NULL) {
		if ((t = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC)) == NULL)
			return NULL;
		pix = t;
	} else
		pix = pixClone(pix);
	d = pixGetDepth(pix);
	if (d == 2 || d == 4) {
		t = pixConvertTo8(pix, 0);
		pixDestroy(&pix);
		pix = t;
	} else if (d == 16) {
		t = pixConvert16To8(pix, L_MS_BYTE);
		pixDestroy(&pix);
		pix = t;
	} else if (d == 32 && pixGetSpp(pix) == 4) {
		/* Transparent parts of a scan are paper: blend onto white. */
		t = pixRemoveAlpha(pix);
		pixDestroy(&pix);
		pix = t;
	}
	if (pix == NULL)
		return NULL;
	d = pixGetDepth(pix);
	if ((d != 1 && d != 8 && d != 32) || pixGetColormap(pix) != NULL) {
		pixDestroy(&pix);
		return NULL;
	}
	if (d == 32)
		pixSetSpp(pix, 3);
	return pix;
}

int
hoso_img_decode(const void *data, size_t len, const char *label, size_t max_pixels,
    struct hoso_img **img, struct hoso_err *err)
{
	struct hoso_raster ras = { 0 };
	struct hoso_img_info info;
	struct hoso_img *im = NULL;
	PIX *raw = NULL;
	int r;

	if (label == NULL)
		label = "image";
	if (img == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("%s: nowhere to put the image"), label);
		goto out;
	}
	*img = NULL;
	if ((r = hoso_img_probe(data, len, label, max_pixels, &info, err)) != 0)
		goto out;
	if (info.format == HOSO_IMG_PNG || info.format == HOSO_IMG_JPEG) {
		/* codec.c, so that libpng and libjpeg report instead of printing. */
		r = info.format == HOSO_IMG_PNG ?
		    hoso_codec_png_decode(data, len, label, max_pixels, &ras, err) :
		    hoso_codec_jpeg_decode(data, len, label, max_pixels, &ras, err);
		if (r != 0)
			goto out;
		if ((raw = raster_to_pix(&ras)) == NULL) {
			r = hoso_err_sys(err, ENOMEM, _("%s: decoding"), label);
			goto out;
		}
		hoso_codec_raster_free(&ras);
	} else if (info.format == HOSO_IMG_TIFF)
		/* TIFF: the first page only; multipage files are split before this. */
		raw = pixReadMemTiff(data, len, 0);
	else
		raw = pixReadMem(data, len);
	if (raw == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot decode the %s image"),
		    label, format_name(info.format));
		goto out;
	}
	if (pixGetWidth(raw) != info.width || pixGetHeight(raw) != info.height) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: %s image size differs from its header"), label,
		    format_name(info.format));
		goto out;
	}
	if ((im = calloc(1, sizeof(*im))) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("%s: decoding"), label);
		goto out;
	}
	if ((im->pix = canonical_depth(raw)) == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: unsupported pixel layout in %s image"), label,
		    format_name(info.format));
		goto out;
	}
	im->format = info.format;
	/* Leptonica gives PNM a made-up resolution; PNM records none. */
	if (info.format == HOSO_IMG_PNM || pixGetXRes(im->pix) < 0)
		pixSetResolution(im->pix, 0, 0);
	*img = im;
	im = NULL;
	r = 0;
out:
	hoso_codec_raster_free(&ras);
	pixDestroy(&raw);
	hoso_img_free(im);
	return r;
}

void
hoso_img_free(struct hoso_img *img)
{
	if (img == NULL)
		return;
	pixDestroy(&img->pix);
	free(img);
}

int
hoso_img_width(const struct hoso_img *img)
{
	return img != NULL ? pixGetWidth(img->pix) : 0;
}

int
hoso_img_height(const struct hoso_img *img)
{
	return img != NULL ? pixGetHeight(img->pix) : 0;
}

int
hoso_img_dpi(const struct hoso_img *img)
{
	int dpi;

	if (img == NULL)
		return 0;
	dpi = pixGetXRes(img->pix);
	return dpi > 0 ? dpi : 0;
}

int
hoso_img_depth(const struct hoso_img *img)
{
	return img != NULL ? pixGetDepth(img->pix) : 0;
}

struct Pix *
hoso_img_pix_ref(const struct hoso_img *img)
{
	return img != NULL ? pixClone(img->pix) : NULL;
}

/* The power-of-two reduction that brings dpi nearest ANALYSIS_PPI from above. */
static int
analysis_reduction(int dpi)
{
	int red = 1;

	while (red < 8 && dpi / (red * 2) >= ANALYSIS_PPI * 5 / 6)
		red *= 2;
	return red;
}

/* The largest power-of-two reduction that keeps dpi at ORIENT_MIN_PPI or more. */
static int
orient_reduction(int dpi)
{
	int red = 1;

	while (red < 8 && dpi / (red * 2) >= ORIENT_MIN_PPI)
		red *= 2;
	return red;
}

/*
 * Binary copies of the page reduced by red (1, 2, 4 or 8), ink = 1: *ink
 * takes every stroke (blank test, skew), *thin (optional) only the dark
 * cores of strokes, which pixOrientDetect needs: at ~150 ppi the bold copy
 * closes the small gaps its ascender patterns look for, and its score for
 * 12 pt text drops below the decision threshold.
 * The page is reduced to grey first (cheaper, and a 1 bpp page reduced to
 * grey keeps how much of each cell was ink), then binarized after a
 * background normalization, which copes with uneven paper and, unlike a
 * plain Otsu split, does not invent ink on a page that has none.
 */
static int
analysis_binaries(PIX *pix, int red, PIX **ink, PIX **thin)
{
	PIX *g = NULL, *t = NULL, *norm = NULL;
	int level, r = -1;

	*ink = NULL;
	if (thin != NULL)
		*thin = NULL;
	if (pixGetDepth(pix) == 1 && red == 1) {
		if ((*ink = pixCopy(NULL, pix)) == NULL)
			goto out;
		if (thin != NULL)
			*thin = pixClone(*ink);
		r = 0;
		goto out;
	}
	if (pixGetDepth(pix) == 1)
		g = pixScaleToGray(pix, 1.0f / red);
	else {
		g = pixClone(pix);
		for (level = red; g != NULL && level > 1; level /= 2) {
			t = pixScaleAreaMap2(g);
			pixDestroy(&g);
			g = t;
		}
		if (g != NULL && pixGetDepth(g) == 32) {
			t = pixConvertRGBToLuminance(g);
			pixDestroy(&g);
			g = t;
		}
	}
	if (g == NULL)
		goto out;
	/* No background found (a photo, a black page): scale to the same range. */
	if ((norm = pixBackgroundNormSimple(g, NULL, NULL)) == NULL) {
		if ((norm = pixCopy(NULL, g)) == NULL)
			goto out;
		pixMultConstantGray(norm, BACKGROUND / 255.0f);
	}
	if ((*ink = pixThresholdToBinary(norm, INK_THRESHOLD)) == NULL)
		goto out;
	if (thin != NULL && (*thin = pixThresholdToBinary(norm, CORE_THRESHOLD)) == NULL)
		goto out;
	r = 0;
out:
	if (r != 0) {
		pixDestroy(ink);
		if (thin != NULL)
			pixDestroy(thin);
	}
	pixDestroy(&norm);
	pixDestroy(&g);
	return r;
}

/* The part of the page inside the margins the blank test ignores. */
static BOX *
inner_box(PIX *pix)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix);
	int mx = w * MARGIN_PCT / 100, my = h * MARGIN_PCT / 100;

	return boxCreate(mx, my, w - 2 * mx, h - 2 * my);
}

/* Clear the margins in place: scanner borders and punch holes are not ink. */
static void
clear_margins(PIX *bin)
{
	int w = pixGetWidth(bin), h = pixGetHeight(bin);
	int mx = w * MARGIN_PCT / 100, my = h * MARGIN_PCT / 100;

	pixRasterop(bin, 0, 0, w, my, PIX_CLR, NULL, 0, 0);
	pixRasterop(bin, 0, h - my, w, my, PIX_CLR, NULL, 0, 0);
	pixRasterop(bin, 0, 0, mx, h, PIX_CLR, NULL, 0, 0);
	pixRasterop(bin, w - mx, 0, mx, h, PIX_CLR, NULL, 0, 0);
}

/*
 * Ink left after margins and specks, not counting what scanning adds at the
 * edges: a dark strip or wedge that runs into the margin (a scanner border
 * wider than the margin, the shadow of the page edge, the background beside
 * a page fed askew, in an L round a corner too): a piece touching a side,
 * a quarter of the page long, none of it in the middle three fifths of the
 * page; and punch holes (filled discs of 4-9 mm within 30 mm of a side).
 * Text never makes one connected piece a quarter of the page long.
 */
static l_int32
text_ink(PIX *clean, BOX *inner, double mm_per_px)
{
	PIX *clip = NULL, *comp = NULL, *part = NULL;
	PIXA *pixa = NULL;
	BOXA *boxa = NULL;
	BOX *b = NULL;
	l_int32 ink = 0, i, n, x, y, w, h, cw, ch, on, near, ix0, iy0, ix1, iy1;
	double wmm, hmm;
	bool edge;

	if ((clip = pixClipRectangle(clean, inner, NULL)) == NULL)
		goto out;
	cw = pixGetWidth(clip);
	ch = pixGetHeight(clip);
	near = (l_int32)(30.0 / mm_per_px);
	if ((boxa = pixConnComp(clip, &pixa, 8)) == NULL)
		goto out;
	n = boxaGetCount(boxa);
	for (i = 0; i < n; i++) {
		if (boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h) != 0 ||
		    (comp = pixaGetPix(pixa, i, L_CLONE)) == NULL)
			continue;
		edge = false;
		if (x == 0 || y == 0 || x + w >= cw || y + h >= ch) {
			if (h >= ch / 4 || w >= cw / 4) {
				/* The part of the piece in the middle of the page, if any. */
				ix0 = L_MAX(x, cw / 5);
				iy0 = L_MAX(y, ch / 5);
				ix1 = L_MIN(x + w, cw - cw / 5);
				iy1 = L_MIN(y + h, ch - ch / 5);
				on = 0;
				if (ix1 > ix0 && iy1 > iy0 &&
				    (b = boxCreate(ix0 - x, iy0 - y, ix1 - ix0, iy1 - iy0)) != NULL &&
				    (part = pixClipRectangle(comp, b, NULL)) != NULL)
					pixCountPixels(part, &on, NULL);
				boxDestroy(&b);
				pixDestroy(&part);
				edge = on == 0;
			}
		} else {
			wmm = w * mm_per_px;
			hmm = h * mm_per_px;
			/* A hole is filled: most of its box is ink (a ring or a letter is not). */
			if (wmm >= 4 && wmm <= 9 && hmm >= 4 && hmm <= 9 &&
			    (x <= near || y <= near || cw - (x + w) <= near || ch - (y + h) <= near) &&
			    pixCountPixels(comp, &on, NULL) == 0)
				edge = on * 10 >= w * h * 6;
		}
		/* Clear the piece's own pixels: its box may hold text beside it. */
		if (edge)
			pixRasterop(clip, x, y, w, h, PIX_NOT(PIX_SRC) & PIX_DST, comp, 0, 0);
		pixDestroy(&comp);
	}
	pixCountPixels(clip, &ink, NULL);
out:
	pixaDestroy(&pixa);
	boxaDestroy(&boxa);
	pixDestroy(&clip);
	return ink;
}

/*
 * Quarter turns clockwise that make the text upright, from the confidences
 * of pixOrientDetect (Leptonica's makeOrientDecision rules and defaults,
 * except that one direction without signal does not veto the other: a short
 * page gives too few ascenders across the lines to score that way at all).
 * Unsure is 0: a page left as scanned is better than one turned wrongly.
 */
static int
orient_decision(double upconf, double leftconf)
{
	double up = fabs(upconf), left = fabs(leftconf);

	if (up < ORIENT_MIN_CONF && left < ORIENT_MIN_CONF)
		return 0;
	if (up > ORIENT_MIN_RATIO * left)
		return upconf > 0 ? 0 : 2;
	if (left > ORIENT_MIN_RATIO * up)
		return leftconf > 0 ? 1 : 3;
	return 0;
}

/*
 * Skew of a binary analysis copy, in the clockwise degrees that correct
 * it (Leptonica's convention, the one hoso_norm_result.skew uses).
 */
static void
find_skew(PIX *bin, double range, double *skew, double *conf)
{
	l_float32 angle = 0, c = 0, endscore = 0;

	*skew = 0;
	*conf = 0;
	if (range <= 0)
		return;
	if (range > 45)
		range = 45;
	/* Sweep at half the analysis resolution, refine at full. */
	if (pixFindSkewSweepAndSearchScore(bin, &angle, &c, &endscore, 2, 1, 0.0f,
	    (l_float32)range, 1.0f, 0.01f) != 0)
		return;
	*skew = angle;
	*conf = c;
}

int
hoso_img_normalize(const struct hoso_img *in, const struct hoso_norm_opts *opts,
    struct hoso_img **out, struct hoso_norm_result *res, struct hoso_err *err)
{
	struct hoso_img *im = NULL;
	PIX *bin = NULL, *thin = NULL, *clean = NULL, *t = NULL, *pix = NULL;
	BOX *inner = NULL;
	l_float32 upconf = 0, leftconf = 0;
	l_int32 ink = 0, iw, ih;
	double skew = 0, conf = 0, mm_per_px, ink_mm2;
	l_int32 pieces = 0;
	int dpi, red, speck, quads = 0, d, r;

	img_init();
	if (out != NULL)
		*out = NULL;
	if (in == NULL || in->pix == NULL || opts == NULL || out == NULL || res == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("normalize: no image"));
		goto out;
	}
	memset(res, 0, sizeof(*res));
	if ((dpi = hoso_img_dpi(in)) == 0)
		dpi = opts->default_dpi > 0 ? opts->default_dpi : 300;
	d = pixGetDepth(in->pix);
	red = analysis_reduction(dpi);
	if (analysis_binaries(in->pix, red, &bin, &thin) != 0) {
		r = hoso_err_sys(err, ENOMEM, _("normalize: cannot analyse the page"));
		goto out;
	}
	clear_margins(bin);
	clear_margins(thin);
	if ((inner = inner_box(bin)) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("normalize: cannot analyse the page"));
		goto out;
	}
	mm_per_px = MM_PER_INCH * red / dpi;
	/* A reduced speck can straddle one more cell than its size says. */
	speck = (int)lround(SPECK_MM / mm_per_px) + (red > 1 ? 1 : 0);
	if (speck < 2)
		speck = 2;
	clean = pixSelectBySize(bin, speck, speck, 8, L_SELECT_IF_EITHER,
	    L_SELECT_IF_GTE, NULL);
	if (clean == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("normalize: cannot analyse the page"));
		goto out;
	}
	ink = text_ink(clean, inner, mm_per_px);
	/* Pieces of ink: a line of text has a dozen or more, a signature or a stamp a few. */
	if (pixCountConnComp(clean, 8, &pieces) != 0)
		pieces = 0;
	pixDestroy(&clean);
	boxGetGeometry(inner, NULL, NULL, &iw, &ih);
	res->ink = iw > 0 && ih > 0 ? (double)ink / ((double)iw * ih) : 0;
	ink_mm2 = ink * mm_per_px * mm_per_px;
	res->blank = opts->blank && res->ink < BLANK_FRACTION && ink_mm2 < BLANK_MM2;

	/*
	 * A page without enough text gives orientation and skew detectors
	 * nothing to go on: leave it as scanned rather than guess. They get
	 * copies with the specks still in: dots and commas carry part of the
	 * up/down signal (removing them halves pixOrientDetect's score).
	 */
	if (opts->orient && ink_mm2 >= BLANK_MM2 && pieces >= TEXT_PIECES) {
		PIX *othin = thin, *oink = NULL;
		int ored = orient_reduction(dpi);

		if (ored != red) {
			if (analysis_binaries(in->pix, ored, &oink, &othin) != 0) {
				r = hoso_err_sys(err, ENOMEM, _("normalize: cannot analyse the page"));
				goto out;
			}
			clear_margins(othin);
		}
		if (pixOrientDetect(othin, &upconf, &leftconf, 0, 0) == 0)
			quads = orient_decision(upconf, leftconf);
		if (othin != thin)
			pixDestroy(&othin);
		pixDestroy(&oink);
		if (quads != 0) {
			if ((t = pixRotateOrth(bin, quads)) == NULL) {
				r = hoso_err_sys(err, ENOMEM, _("normalize: rotating"));
				goto out;
			}
			pixDestroy(&bin);
			bin = t;
		}
	}
	/* A signature alone has a slant, not a skew: only text is straightened. */
	if (opts->max_skew > 0 && ink_mm2 >= BLANK_MM2 && pieces >= TEXT_PIECES) {
		find_skew(bin, opts->max_skew, &skew, &conf);
		if (conf < MIN_SKEW_CONF || fabs(skew) < MIN_SKEW_DEG)
			skew = 0;
	}

	/* Now the full page, once per transformation, at its own depth. */
	if (quads != 0)
		pix = pixRotateOrth(in->pix, quads);
	else
		pix = pixCopy(NULL, in->pix);
	if (pix == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("normalize: rotating"));
		goto out;
	}
	if (skew != 0) {
		/* Sampling keeps 1 bpp sharp; area mapping keeps grey smooth. */
		t = pixRotate(pix, (l_float32)(skew * DEG_TO_RAD),
		    d == 1 ? L_ROTATE_SAMPLING : L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
		if (t == NULL) {
			r = hoso_err_sys(err, ENOMEM, _("normalize: deskewing"));
			goto out;
		}
		pixDestroy(&pix);
		pix = t;
		if (d == 32)
			pixSetSpp(pix, 3);
	}
	pixSetResolution(pix, dpi, dpi);
	if ((im = calloc(1, sizeof(*im))) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("normalize"));
		goto out;
	}
	im->pix = pix;
	pix = NULL;
	im->format = in->format;

	res->rotation = quads * 90;
	res->skew = skew;
	res->dpi = dpi;
	res->colour = d == 1 ? "bw" : d == 8 ? "grey" : "colour";
	res->width = pixGetWidth(im->pix);
	res->height = pixGetHeight(im->pix);
	*out = im;
	im = NULL;
	r = 0;
out:
	hoso_img_free(im);
	pixDestroy(&pix);
	pixDestroy(&clean);
	pixDestroy(&thin);
	pixDestroy(&bin);
	boxDestroy(&inner);
	return r;
}

int
hoso_img_rotate_orth(const struct hoso_img *in, int quads, struct hoso_img **out,
    struct hoso_err *err)
{
	struct hoso_img *o;

	*out = NULL;
	if (in == NULL || quads < 0 || quads > 3)
		return hoso_err_set(err, HOSO_EUSAGE, _("rotate: no image, or not 0-3 quarter turns"));
	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (o->pix = quads != 0 ? pixRotateOrth(in->pix, quads) : pixCopy(NULL, in->pix)) == NULL) {
		free(o);
		return hoso_err_sys(err, ENOMEM, _("normalize: rotating"));
	}
	pixCopyResolution(o->pix, in->pix);
	o->format = in->format;
	*out = o;
	return 0;
}

int
hoso_img_encode_tiff(const struct hoso_img *img, struct hoso_buf *out, struct hoso_err *err)
{
	l_uint8 *data = NULL;
	size_t size = 0;
	int r;

	img_init();
	if (img == NULL || img->pix == NULL || out == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("TIFF encoding: no image"));
		goto out;
	}
	/* Both lossless; Leptonica writes no date or software tag, so bytes repeat. */
	if (pixWriteMemTiff(&data, &size, img->pix,
	    pixGetDepth(img->pix) == 1 ? IFF_TIFF_G4 : IFF_TIFF_ZIP) != 0 || data == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("TIFF encoding failed"));
		goto out;
	}
	r = hoso_buf_add(out, data, size, err);
out:
	lept_free(data);
	return r;
}

static int
grey8(const struct hoso_img *img, bool half, unsigned char **grey, int *width, int *height,
    struct hoso_err *err)
{
	PIX *g = NULL, *t;
	unsigned char *p = NULL;
	l_uint32 *line;
	int w, h, wpl, x, y, r;

	if (grey != NULL)
		*grey = NULL;
	if (img == NULL || img->pix == NULL || grey == NULL || width == NULL || height == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("grey copy: no image"));
		goto out;
	}
	if (half && pixGetDepth(img->pix) == 1)
		g = pixScaleToGray2(img->pix);
	else if (pixGetDepth(img->pix) == 32)
		g = pixConvertRGBToLuminance(img->pix);
	else
		g = pixConvertTo8(img->pix, 0);
	if (half && g != NULL && pixGetDepth(img->pix) != 1) {
		t = pixScaleAreaMap2(g);
		pixDestroy(&g);
		g = t;
	}
	if (g == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("grey copy"));
		goto out;
	}
	w = pixGetWidth(g);
	h = pixGetHeight(g);
	if ((p = malloc((size_t)w * (size_t)h)) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("grey copy"));
		goto out;
	}
	wpl = pixGetWpl(g);
	for (y = 0; y < h; y++) {
		line = pixGetData(g) + (size_t)y * wpl;
		for (x = 0; x < w; x++)
			p[(size_t)y * w + x] = (unsigned char)GET_DATA_BYTE(line, x);
	}
	*grey = p;
	p = NULL;
	*width = w;
	*height = h;
	r = 0;
out:
	free(p);
	pixDestroy(&g);
	return r;
}

int
hoso_img_grey8(const struct hoso_img *img, unsigned char **grey, int *width, int *height,
    struct hoso_err *err)
{
	return grey8(img, false, grey, width, height, err);
}

int
hoso_img_grey8_half(const struct hoso_img *img, unsigned char **grey, int *width, int *height,
    struct hoso_err *err)
{
	return grey8(img, true, grey, width, height, err);
}

/* ---- grey buffers ---- */

/* An 8 bpp Leptonica copy of a grey buffer; NULL when out of memory. */
static PIX *
pix_of_grey(const unsigned char *grey, int width, int height)
{
	PIX *p;
	int x, y, wpl;

	img_init();
	if ((p = pixCreate(width, height, 8)) == NULL)
		return NULL;
	wpl = pixGetWpl(p);
	for (y = 0; y < height; y++) {
		l_uint32 *line = pixGetData(p) + (size_t)y * wpl;
		for (x = 0; x < width; x++)
			SET_DATA_BYTE(line, x, grey[(size_t)y * width + x]);
	}
	return p;
}

/* ---- impulse noise ---- */

/* Isolated specks per million pixels over which a page is filtered (2000: 0.2%). */
#define SPECKS_PPM	2000

/* Dark with only light around, or light with only dark around. */
static bool
isolated(const unsigned char *g, int w, int x, int y)
{
	const unsigned char *p = g + (size_t)y * w + x;
	bool dark = *p < 128;
	static const int dx[8] = { -1, 0, 1, -1, 1, -1, 0, 1 }, dy[8] = { -1, -1, -1, 0, 0, 1, 1, 1 };

	for (int k = 0; k < 8; k++)
		if ((p[(ptrdiff_t)dy[k] * w + dx[k]] < 128) == dark)
			return false;
	return true;
}

int
hoso_img_despeckle(unsigned char *grey, int width, int height)
{
	PIX *pg = NULL, *med = NULL;
	uint64_t specks = 0, n;
	int x, y, wpl, r = -1;

	if (grey == NULL || width < 3 || height < 3)
		return 0;
	n = (uint64_t)(width - 2) * (uint64_t)(height - 2);
	/* Every other row is enough to tell a noisy page. */
	for (y = 1; y < height - 1; y += 2)
		for (x = 1; x < width - 1; x++)
			specks += isolated(grey, width, x, y);
	if (specks * 2 * 1000000 < (uint64_t)SPECKS_PPM * n)
		return 0;
	if ((pg = pix_of_grey(grey, width, height)) == NULL)
		goto out;
	if ((med = pixRankFilterGray(pg, 3, 3, 0.5)) == NULL)
		goto out;
	wpl = pixGetWpl(med);
	for (y = 0; y < height; y++) {
		const l_uint32 *line = pixGetData(med) + (size_t)y * wpl;
		for (x = 0; x < width; x++)
			grey[(size_t)y * width + x] = (unsigned char)GET_DATA_BYTE(line, x);
	}
	r = 1;
out:
	pixDestroy(&med);
	pixDestroy(&pg);
	return r;
}

/*
 * Red ink (an office's seal, a red pen's tick) over printed text: where red
 * clearly outweighs green and blue, the grey copy takes the red channel,
 * in which the seal is pale and the black print under it still black. Blue
 * ink, the usual pen for filling in forms, is left alone.
 */
#define RED_MARGIN	60

static void
drop_red(PIX *rgb, unsigned char *grey)
{
	int w = pixGetWidth(rgb), h = pixGetHeight(rgb), wpl = pixGetWpl(rgb), x, y;

	for (y = 0; y < h; y++) {
		const l_uint32 *line = pixGetData(rgb) + (size_t)y * wpl;
		for (x = 0; x < w; x++) {
			l_int32 r, g, b;
			extractRGBValues(line[x], &r, &g, &b);
			if (r - (g > b ? g : b) > RED_MARGIN)
				grey[(size_t)y * w + x] = (unsigned char)r;
		}
	}
}

/*
 * Pen ink (blue or purple ballpoint) by its colour: bluer by PEN_MARGIN
 * (blue minus the mean of red and green) than a grey of its lightness would
 * be on this paper (the paper's cast, yellowed or under a phone's blue
 * light, scaled down with the lightness: black print stays neutral), and
 * darker than the paper by PEN_DARK. A stroke's anti-aliased rim, bluer by PEN_EDGE next
 * to such a pixel, goes with it. Under PEN_MIN_PPM of the page, the blue is
 * a tick or a logo, not a filling.
 */
#define PEN_MARGIN	36
#define PEN_EDGE	16
#define PEN_DARK	40
#define PEN_MIN_PPM	400
#define HALO_MIN	110	/* darker than this next to the pen is print it crosses */

/*
 * The paper's lightness around each pixel: the median, in each BG_TILE
 * square, of what is paper there (lighter than the page's paper by 60 at
 * most, and not ink marked out (mark[i] != skip) when mark is given). Ink
 * painted out takes it, so that no lighter or darker shape of it is left
 * on the scan (Tesseract reads those too).
 */
#define BG_TILE	32

struct paper_map {
	int cols, rows;
	unsigned char *v;
};

static int
paper_map_make(const unsigned char *grey, const unsigned char *mark, unsigned char keep, int w,
    int h, int paper, struct paper_map *pm)
{
	uint32_t hist[256];
	int c, r, x, y, k;
	uint64_t n, seen;

	pm->cols = (w + BG_TILE - 1) / BG_TILE;
	pm->rows = (h + BG_TILE - 1) / BG_TILE;
	if ((pm->v = malloc((size_t)pm->cols * (size_t)pm->rows)) == NULL)
		return -1;
	for (r = 0; r < pm->rows; r++)
		for (c = 0; c < pm->cols; c++) {
			memset(hist, 0, sizeof(hist));
			n = 0;
			for (y = r * BG_TILE; y < (r + 1) * BG_TILE && y < h; y++)
				for (x = c * BG_TILE; x < (c + 1) * BG_TILE && x < w; x++) {
					size_t at = (size_t)y * w + x;
					if (grey[at] + 60 < paper || (mark != NULL && mark[at] != keep))
						continue;
					hist[grey[at]]++;
					n++;
				}
			for (k = 0, seen = 0; k < 255 && (seen += hist[k]) * 2 <= n; k++)
				;
			pm->v[(size_t)r * pm->cols + c] = (unsigned char)(n > 0 ? k : paper);
		}
	return 0;
}

static unsigned char
paper_at(const struct paper_map *pm, int x, int y)
{
	return pm->v[(size_t)(y / BG_TILE) * pm->cols + (size_t)(x / BG_TILE)];
}

static int
blueness(l_int32 r, l_int32 g, l_int32 b)
{
	return b - (r + g) / 2;
}

/* The value at the q-th fraction of a histogram of n samples. */
static int
hist_quantile(const uint32_t *hist, int bins, uint64_t n, double q)
{
	uint64_t want = (uint64_t)(q * (double)n), seen = 0;
	int i;

	for (i = 0; i < bins; i++) {
		seen += hist[i];
		if (seen > want)
			return i;
	}
	return bins - 1;
}

/* The paper of a grey page of n pixels: the level 90% of it is darker than. */
static int
paper_level(const unsigned char *grey, size_t n)
{
	uint32_t hist[256] = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		hist[grey[i]]++;
	return hist_quantile(hist, 256, n, 0.9);
}

/*
 * Take the pen ink of rgb out of grey (painted paper-white) into a new
 * *pen copy; *pen stays NULL when there is too little of it.
 */
static int
split_pen(PIX *rgb, unsigned char *grey, unsigned char **pen)
{
	int w = pixGetWidth(rgb), h = pixGetHeight(rgb), wpl = pixGetWpl(rgb), x, y, k;
	uint32_t blue_hist[512] = { 0 };
	uint64_t n = (uint64_t)w * (uint64_t)h, light = 0, inked = 0;
	int paper, cast;
	unsigned char *mark = NULL, *out = NULL;
	struct paper_map pm;
	size_t i;

	*pen = NULL;
	if (w < 3 || h < 3)
		return 0;
	/* the paper: the bright end of the page, and its own blueness */
	paper = paper_level(grey, (size_t)n);
	for (y = 0; y < h; y++) {
		const l_uint32 *line = pixGetData(rgb) + (size_t)y * wpl;
		for (x = 0; x < w; x++) {
			l_int32 r, g, b;
			if (grey[(size_t)y * w + x] + 25 < paper)
				continue;
			extractRGBValues(line[x], &r, &g, &b);
			blue_hist[blueness(r, g, b) + 256]++;
			light++;
		}
	}
	cast = light > 0 ? hist_quantile(blue_hist, 512, light, 0.5) - 256 : 0;
	/* 2: pen ink; 1: a rim bluer than the paper next to it (marked below) */
	if ((mark = calloc((size_t)n, 1)) == NULL)
		return -1;
	for (y = 0; y < h; y++) {
		const l_uint32 *line = pixGetData(rgb) + (size_t)y * wpl;
		for (x = 0; x < w; x++) {
			l_int32 r, g, b;
			extractRGBValues(line[x], &r, &g, &b);
			if (blueness(r, g, b) - cast * grey[(size_t)y * w + x] / (paper + 1) >
			    PEN_MARGIN && grey[(size_t)y * w + x] + PEN_DARK < paper) {
				mark[(size_t)y * w + x] = 2;
				inked++;
			}
		}
	}
	if (inked * 1000000 < (uint64_t)PEN_MIN_PPM * n) {
		free(mark);
		return 0;
	}
	for (y = 1; y < h - 1; y++) {
		const l_uint32 *line = pixGetData(rgb) + (size_t)y * wpl;
		for (x = 1; x < w - 1; x++) {
			l_int32 r, g, b;
			const unsigned char *m = mark + (size_t)y * w + x;
			if (*m != 0)
				continue;
			extractRGBValues(line[x], &r, &g, &b);
			if (blueness(r, g, b) - cast * grey[(size_t)y * w + x] / (paper + 1) <=
			    PEN_EDGE)
				continue;
			for (k = -1; k <= 1; k++)
				if (m[(ptrdiff_t)k * w - 1] == 2 || m[(ptrdiff_t)k * w] == 2 ||
				    m[(ptrdiff_t)k * w + 1] == 2)
					break;
			if (k <= 1)
				mark[(size_t)y * w + x] = 1;
		}
	}
	/*
	 * Around that, a halo neither blue nor print (a JPEG keeps colour at half
	 * the resolution of lightness): two more pixels that are not dark print
	 * are painted out of the print, not taken into the pen.
	 */
	for (k = 0; k < 2; k++)
		for (y = 1; y < h - 1; y++)
			for (x = 1; x < w - 1; x++) {
				unsigned char *m = mark + (size_t)y * w + x;
				int j;
				if (*m != 0 || grey[(size_t)y * w + x] < HALO_MIN)
					continue;
				for (j = -1; j <= 1; j++)
					if ((m[(ptrdiff_t)j * w - 1] != 0 && m[(ptrdiff_t)j * w - 1] != 5 - k) ||
					    (m[(ptrdiff_t)j * w] != 0 && m[(ptrdiff_t)j * w] != 5 - k) ||
					    (m[(ptrdiff_t)j * w + 1] != 0 && m[(ptrdiff_t)j * w + 1] != 5 - k))
						break;
				if (j <= 1)
					*m = (unsigned char)(5 - k);
			}
	if ((out = malloc((size_t)n)) == NULL) {
		free(mark);
		return -1;
	}
	if (paper_map_make(grey, mark, 0, w, h, paper, &pm) != 0) {
		free(mark);
		free(out);
		return -1;
	}
	/* the pen alone, dark on white; the print without it or its halo */
	for (i = 0; i < (size_t)n; i++) {
		out[i] = mark[i] == 1 || mark[i] == 2 ? grey[i] : 255;
		if (mark[i] != 0)
			grey[i] = paper_at(&pm, (int)(i % (size_t)w), (int)(i / (size_t)w));
	}
	free(pm.v);
	free(mark);
	*pen = out;
	return 1;
}

/*
 * A pen told from the print by lightness alone: black pen on a form
 * printed grey, or a blue pen photocopied (grey) on a form printed black.
 * The page's ink then falls in two clusters, one under DARK_INK_MAX and
 * one between GREY_INK_MIN and GREY_INK_MAX (paler is a seal dropped to
 * its red). The print is the cluster of the labels, which start at the
 * left margin (the left LABEL_BAND of the page); the other is the pen.
 * A page printed and filled in one ink has one cluster: no pen copy.
 */
#define GREY_INK_MIN	90
#define GREY_INK_MAX	180
#define DARK_INK_MAX	70
#define LABEL_BAND	5	/* a fifth of the width */

static int
split_dark(unsigned char *grey, int w, int h, unsigned char **pen)
{
	uint32_t hist[256] = { 0 }, left[256] = { 0 };
	uint64_t n = (uint64_t)w * (uint64_t)h, dark = 0, mid = 0, dark_left = 0, mid_left = 0,
	    smooth[256];
	unsigned char *out = NULL, *cls = NULL;
	struct paper_map pm;
	int paper, cut, d, g, x, y, k, ink;
	bool pen_dark;
	size_t i;

	*pen = NULL;
	if (w < 3 || h < 3)
		return 0;
	paper = paper_level(grey, (size_t)n);
	if (paper < GREY_INK_MIN + 60)
		return 0;
	/*
	 * The lightness of the inside of strokes (ink with ink on its four
	 * sides): the rims of black print (anti-aliasing, blur) are grey, its
	 * inside is not; a grey ink is grey through and through. Two peaks of
	 * that histogram, smoothed, with a deep valley between them.
	 */
	ink = paper - 40;
	for (y = 1; y < h - 1; y++)
		for (x = 1; x < w - 1; x++) {
			size_t at = (size_t)y * w + x;
			if (grey[at] < ink && grey[at - 1] < ink && grey[at + 1] < ink &&
			    grey[at - (size_t)w] < ink && grey[at + (size_t)w] < ink) {
				hist[grey[at]]++;
				if (x < w / LABEL_BAND)
					left[grey[at]]++;
			}
		}
	for (k = 0; k < 256; k++) {
		int j0 = k - 6 < 0 ? 0 : k - 6, j1 = k + 6 > 255 ? 255 : k + 6, j;
		smooth[k] = 0;
		for (j = j0; j <= j1; j++)
			smooth[k] += hist[j];
	}
	for (d = 0, k = 0; k <= DARK_INK_MAX; k++)
		if (smooth[k] > smooth[d])
			d = k;
	for (g = GREY_INK_MIN, k = GREY_INK_MIN; k <= GREY_INK_MAX && k < paper - 60; k++)
		if (smooth[k] > smooth[g])
			g = k;
	for (cut = d, k = d; k <= g; k++)
		if (smooth[k] < smooth[cut])
			cut = k;
	for (k = 0; k <= cut; k++) {
		dark += hist[k];
		dark_left += left[k];
	}
	for (k = cut + 1; k < ink; k++) {
		mid += hist[k];
		mid_left += left[k];
	}
	if (g >= paper - 60 || dark * 1000000 < (uint64_t)PEN_MIN_PPM * n ||
	    mid * 1000000 < (uint64_t)PEN_MIN_PPM * n || smooth[g] < 3 * smooth[cut] ||
	    smooth[d] < 3 * smooth[cut])
		return 0;
	/* the print is where the labels are: the larger share of its ink at the left margin */
	pen_dark = mid_left * dark > dark_left * mid;
	if ((cls = malloc((size_t)n)) == NULL || (out = malloc((size_t)n)) == NULL)
		goto nomem;
	/* 2: dark ink, 1: grey ink, 0: paper */
	for (i = 0; i < (size_t)n; i++)
		cls[i] = grey[i] <= cut ? 2 : grey[i] < ink ? 1 : 0;
	/*
	 * Grey next to dark ink is the dark stroke's rim: with a dark pen it is
	 * the pen's, with a grey pen it is the dark print's, not the pen's.
	 */
	for (y = 1; y < h - 1; y++)
		for (x = 1; x < w - 1; x++) {
			size_t at = (size_t)y * w + x;
			if (cls[at] != 1)
				continue;
			for (k = -1; k <= 1; k++)
				if (cls[at + (ptrdiff_t)k * w - 1] == 2 || cls[at + (ptrdiff_t)k * w] == 2 ||
				    cls[at + (ptrdiff_t)k * w + 1] == 2)
					break;
			if (k <= 1)
				cls[at] = 3;
		}
	if (paper_map_make(grey, cls, 0, w, h, paper, &pm) != 0)
		goto nomem;
	for (i = 0; i < (size_t)n; i++) {
		bool is_pen = pen_dark ? cls[i] == 2 || cls[i] == 3 : cls[i] == 1;
		if (!is_pen) {
			out[i] = 255;
			continue;
		}
		/* a grey pen is darkened to read like ink: its lightest ink to white */
		out[i] = pen_dark ? grey[i] : (unsigned char)((grey[i] - cut) * 255 / (ink - cut));
		grey[i] = paper_at(&pm, (int)(i % (size_t)w), (int)(i / (size_t)w));
	}
	free(pm.v);
	free(cls);
	*pen = out;
	return 1;
nomem:
	free(cls);
	free(out);
	return -1;
}

/*
 * Writing lines and boxes of a form: horizontal ink of LINE_MIN_MM or more
 * (underscores, the top and bottom of digit boxes, table rules) and
 * vertical ink of BOX_MIN_MM or more (the walls of the boxes; a printed or
 * typed letter is shorter), LINE_MAX_MM thick at most, painted out of grey.
 * What crosses a line (a letter written through it) keeps the pixels that
 * have ink above and below them.
 */
#define LINE_MIN_MM	8.0
#define BOX_MIN_MM	4.5
#define LINE_MAX_MM	0.8

static int pix_bit(PIX *p, int x, int y);

/* Any set pixel of p in the rectangle [x0,x1] x [y0,y1]. */
static bool
any_bit(PIX *p, int x0, int y0, int x1, int y1)
{
	int x, y;

	for (y = y0; y <= y1; y++)
		for (x = x0; x <= x1; x++)
			if (pix_bit(p, x, y))
				return true;
	return false;
}

/*
 * Keep of the vertical strokes only the walls of boxes: those that meet a
 * horizontal line at their top and at their bottom (a tall letter of a
 * title does not).
 */
static int
box_walls(PIX *ver, PIX *hor, int reach)
{
	BOXA *boxa;
	BOX *b;
	int i, n;

	if ((boxa = pixConnCompBB(ver, 8)) == NULL)
		return -1;
	n = boxaGetCount(boxa);
	for (i = 0; i < n; i++) {
		l_int32 bx, by, bw, bh;
		if (boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh) != 0)
			continue;
		if (any_bit(hor, bx - reach, by - reach, bx + bw + reach, by + reach) &&
		    any_bit(hor, bx - reach, by + bh - 1 - reach, bx + bw + reach,
		    by + bh - 1 + reach))
			continue;
		if ((b = boxaGetBox(boxa, i, L_CLONE)) != NULL) {
			pixClearInRect(ver, b);
			boxDestroy(&b);
		}
	}
	boxaDestroy(&boxa);
	return 0;
}

static int
erase_lines(unsigned char *grey, int w, int h, int dpi)
{
	double pxmm = (dpi > 0 ? dpi : 300) / MM_PER_INCH;
	int lh = (int)(LINE_MIN_MM * pxmm), lv = (int)(BOX_MIN_MM * pxmm);
	int thick = (int)(LINE_MAX_MM * pxmm + 0.5) + 1, x, y, wpl, k;
	PIX *pg = NULL, *bin = NULL, *hor = NULL, *ver = NULL, *fat = NULL, *lines = NULL;
	struct paper_map pm = { 0, 0, NULL };
	int paper, r = -1;

	if (grey == NULL || w < 8 || h < 8)
		return 0;
	paper = paper_level(grey, (size_t)w * (size_t)h);
	if ((pg = pix_of_grey(grey, w, h)) == NULL ||
	    (bin = pixThresholdToBinary(pg, paper > 100 ? paper - 60 : 40)) == NULL ||
	    (hor = pixOpenBrick(NULL, bin, lh, 1)) == NULL ||
	    (ver = pixOpenBrick(NULL, bin, 1, lv)) == NULL)
		goto out;
	/* thin lines only: what is still there opened across its length is a bar, not a line */
	if ((fat = pixOpenBrick(NULL, hor, 1, thick + 1)) == NULL ||
	    pixSubtract(hor, hor, fat) == NULL)
		goto out;
	pixDestroy(&fat);
	if ((fat = pixOpenBrick(NULL, ver, thick + 1, 1)) == NULL ||
	    pixSubtract(ver, ver, fat) == NULL || box_walls(ver, hor, thick) != 0 ||
	    (lines = pixOr(NULL, hor, ver)) == NULL)
		goto out;
	/* with the grey rim a scan gives a line */
	pixDestroy(&fat);
	if ((fat = pixDilateBrick(NULL, lines, 3, 3)) == NULL)
		goto out;
	pixDestroy(&lines);
	lines = fat;
	fat = NULL;
	if (paper_map_make(grey, NULL, 0, w, h, paper, &pm) != 0)
		goto out;
	wpl = pixGetWpl(lines);
	for (y = 0; y < h; y++) {
		const l_uint32 *ln = pixGetData(lines) + (size_t)y * wpl;
		const l_uint32 *hl = pixGetData(hor) + (size_t)y * wpl;
		for (x = 0; x < w; x++) {
			if (!GET_DATA_BIT(ln, x))
				continue;
			/* a stroke through a horizontal line: ink just above and below it */
			if (GET_DATA_BIT(hl, x)) {
				int up = 0, down = 0;
				for (k = 1; k <= thick + 1; k++) {
					if (y - k >= 0 && grey[(size_t)(y - k) * w + x] < paper - 60 &&
					    !pix_bit(hor, x, y - k))
						up = 1;
					if (y + k < h && grey[(size_t)(y + k) * w + x] < paper - 60 &&
					    !pix_bit(hor, x, y + k))
						down = 1;
				}
				if (up && down)
					continue;
			}
			grey[(size_t)y * w + x] = paper_at(&pm, x, y);
		}
	}
	r = 0;
out:
	free(pm.v);
	pixDestroy(&pg);
	pixDestroy(&bin);
	pixDestroy(&hor);
	pixDestroy(&ver);
	pixDestroy(&fat);
	pixDestroy(&lines);
	return r;
}

int
hoso_img_grey8_form(const struct hoso_img *img, int dpi, unsigned char **print,
    unsigned char **pen, int *width, int *height, struct hoso_err *err)
{
	int r;

	*pen = NULL;
	if ((r = grey8(img, false, print, width, height, err)) != 0)
		return r;
	if (pixGetDepth(img->pix) == 32) {
		drop_red(img->pix, *print);
		if (split_pen(img->pix, *print, pen) < 0)
			goto nomem;
	}
	if (*pen == NULL && split_dark(*print, *width, *height, pen) < 0)
		goto nomem;
	if (hoso_img_despeckle(*print, *width, *height) < 0 ||
	    erase_lines(*print, *width, *height, dpi) < 0 ||
	    hoso_img_erase_leaders(*print, *width, *height, dpi) < 0 ||
	    (*pen != NULL && hoso_img_despeckle(*pen, *width, *height) < 0))
		goto nomem;
	return 0;
nomem:
	free(*print);
	free(*pen);
	*print = *pen = NULL;
	return hoso_err_sys(err, ENOMEM, _("grey copy"));
}

int
hoso_img_grey8_clean(const struct hoso_img *img, int dpi, unsigned char **grey, int *width,
    int *height, struct hoso_err *err)
{
	int r;

	if ((r = grey8(img, false, grey, width, height, err)) != 0)
		return r;
	if (pixGetDepth(img->pix) == 32)
		drop_red(img->pix, *grey);
	if (hoso_img_despeckle(*grey, *width, *height) < 0 ||
	    hoso_img_erase_leaders(*grey, *width, *height, dpi) < 0) {
		free(*grey);
		*grey = NULL;
		return hoso_err_sys(err, ENOMEM, _("grey copy"));
	}
	return 0;
}

/* One pixel of a 1 bpp image (0 outside it). */
static int
pix_bit(PIX *p, int x, int y)
{
	if (x < 0 || y < 0 || x >= (int)pixGetWidth(p) || y >= (int)pixGetHeight(p))
		return 0;
	return GET_DATA_BIT(pixGetData(p) + (size_t)y * pixGetWpl(p), x) != 0;
}

/* ---- leader dots ---- */

/* A dot, in mm: no side over LEADER_MAX_MM, none under LEADER_MIN_MM. */
#define LEADER_MAX_MM	0.9
#define LEADER_MIN_MM	0.15
/* Centre to centre along the chain: at most this far (and 6 dot sizes). */
#define LEADER_GAP_MM	2.5
/* Dots in a chain before it counts as leaders ("..." ends a sentence). */
#define LEADER_MIN_DOTS	5

struct dot {
	int x0, y0, x1, y1;	/* inclusive */
	int cy2;		/* twice the centre's y */
	int next;		/* index of the next dot of its chain, -1 */
	bool linked;		/* some dot links to this one */
};

static int
cmp_dot_y(const void *a, const void *b)
{
	const struct dot *p = a, *q = b;
	if (p->cy2 != q->cy2)
		return (p->cy2 > q->cy2) - (p->cy2 < q->cy2);
	return (p->x0 > q->x0) - (p->x0 < q->x0);
}

static int
cmp_dot_x(const void *a, const void *b)
{
	const struct dot *p = a, *q = b;
	return (p->x0 > q->x0) - (p->x0 < q->x0);
}

/* Clip an inclusive rectangle to a w x h page. */
static void
clip_rect(int *x0, int *y0, int *x1, int *y1, int w, int h)
{
	*x0 = *x0 < 0 ? 0 : *x0;
	*y0 = *y0 < 0 ? 0 : *y0;
	*x1 = *x1 >= w ? w - 1 : *x1;
	*y1 = *y1 >= h ? h - 1 : *y1;
}

/* Any ink (bit set) in the rectangle, clipped to the page? */
static bool
any_ink(PIX *bin, int x0, int y0, int x1, int y1)
{
	int w = pixGetWidth(bin), h = pixGetHeight(bin), wpl = pixGetWpl(bin), x, y;
	const l_uint32 *data = pixGetData(bin);

	clip_rect(&x0, &y0, &x1, &y1, w, h);
	for (y = y0; y <= y1; y++)
		for (x = x0; x <= x1; x++)
			if (GET_DATA_BIT(data + (size_t)y * wpl, x))
				return true;
	return false;
}

/* Paint the dot (and a one-pixel rim) with the brightest grey just around it. */
static void
paint_dot(unsigned char *g, int w, int h, const struct dot *d)
{
	int x0 = d->x0 - 2, y0 = d->y0 - 2, x1 = d->x1 + 2, y1 = d->y1 + 2, x, y;
	unsigned char bg = 0;

	clip_rect(&x0, &y0, &x1, &y1, w, h);
	for (y = y0; y <= y1; y++)
		for (x = x0; x <= x1; x++)
			if ((y == y0 || y == y1 || x == x0 || x == x1) && g[(size_t)y * w + x] > bg)
				bg = g[(size_t)y * w + x];
	for (y = y0 + 1; y < y1; y++)
		for (x = x0 + 1; x < x1; x++)
			g[(size_t)y * w + x] = bg;
}

long
hoso_img_erase_leaders(unsigned char *grey, int width, int height, int dpi)
{
	PIX *pg = NULL, *bin = NULL;
	BOXA *boxa = NULL;
	struct dot *dots = NULL;
	double pxmm = (dpi > 0 ? dpi : 300) / MM_PER_INCH;
	int maxs = (int)(LEADER_MAX_MM * pxmm + 0.5), mins = (int)(LEADER_MIN_MM * pxmm + 0.5);
	int n, nd = 0, i, k;
	long erased = -1;

	if (grey == NULL || width < 8 || height < 8)
		return 0;
	maxs = maxs < 3 ? 3 : maxs;
	mins = mins < 2 ? 2 : mins;
	if ((pg = pix_of_grey(grey, width, height)) == NULL)
		goto out;
	if ((bin = pixThresholdToBinary(pg, 128)) == NULL ||
	    (boxa = pixConnCompBB(bin, 8)) == NULL)
		goto out;
	n = boxaGetCount(boxa);
	if ((dots = calloc(n > 0 ? (size_t)n : 1, sizeof(*dots))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		l_int32 bx, by, bw, bh;
		struct dot *d = &dots[nd];
		if (boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh) != 0)
			continue;
		if (bw > maxs || bh > maxs || bw < mins || bh < mins || bw > 2 * bh + 1 ||
		    bh > 2 * bw + 1)
			continue;
		d->x0 = bx;
		d->y0 = by;
		d->x1 = bx + bw - 1;
		d->y1 = by + bh - 1;
		/* A dot on a letter (ị) or under one (ạ) has ink just above or below it. */
		if (any_ink(bin, d->x0 - 1, d->y0 - 2 * bh, d->x1 + 1, d->y0 - 1) ||
		    any_ink(bin, d->x0 - 1, d->y1 + 1, d->x1 + 1, d->y1 + 2 * bh))
			continue;
		d->cy2 = d->y0 + d->y1;
		d->next = -1;
		nd++;
	}
	/* Rows of dots: runs in y order whose centres step by no more than a pixel or two. */
	hoso_sort(dots, (size_t)nd, sizeof(*dots), cmp_dot_y);
	erased = 0;
	for (i = 0; i < nd; i = k) {
		int tol2 = 2 * (1 + maxs / 4);
		for (k = i + 1; k < nd && dots[k].cy2 - dots[k - 1].cy2 <= tol2; k++)
			;
		if (k - i < LEADER_MIN_DOTS)
			continue;
		hoso_sort(dots + i, (size_t)(k - i), sizeof(*dots), cmp_dot_x);
		for (int a = i; a < k; a++) {
			const struct dot *p = &dots[a];
			int ps = p->x1 - p->x0 + 1, ph = p->y1 - p->y0 + 1;
			int reach = (int)(LEADER_GAP_MM * pxmm), six = 6 * (ps > ph ? ps : ph);
			reach = reach < six ? reach : six;
			for (int b = a + 1; b < k; b++) {
				struct dot *q = &dots[b];
				int qs = q->x1 - q->x0 + 1, dx2 = (q->x0 + q->x1) - (p->x0 + p->x1);
				if (dx2 > 2 * reach)
					break;
				if (q->x0 <= p->x1 || abs(q->cy2 - p->cy2) > tol2 || 2 * qs < ps ||
				    qs > 2 * ps || q->linked)
					continue;
				/* Nothing printed between them along the dots' band. */
				if (any_ink(bin, p->x1 + 1, (p->y0 < q->y0 ? p->y0 : q->y0) - ph,
				    q->x0 - 1, (p->y1 > q->y1 ? p->y1 : q->y1) + ph))
					break;
				dots[a].next = b;
				q->linked = true;
				break;
			}
		}
		/* Chains start at dots nothing links to. */
		for (int a = i; a < k; a++) {
			int len = 0, c;
			if (dots[a].linked)
				continue;
			for (c = a; c >= 0; c = dots[c].next)
				len++;
			if (len < LEADER_MIN_DOTS)
				continue;
			for (c = a; c >= 0; c = dots[c].next) {
				paint_dot(grey, width, height, &dots[c]);
				erased++;
			}
		}
	}
out:
	free(dots);
	boxaDestroy(&boxa);
	pixDestroy(&bin);
	pixDestroy(&pg);
	return erased;
}

int
hoso_img_measure_skew(const struct hoso_img *img, double *skew, double *confidence,
    struct hoso_err *err)
{
	PIX *bin = NULL;
	double s = 0, c = 0;
	int dpi, r;

	img_init();
	if (img == NULL || img->pix == NULL || skew == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("skew: no image"));
		goto out;
	}
	if ((dpi = hoso_img_dpi(img)) == 0)
		dpi = 300;
	if (analysis_binaries(img->pix, analysis_reduction(dpi), &bin, NULL) != 0) {
		r = hoso_err_sys(err, ENOMEM, _("skew: cannot analyse the page"));
		goto out;
	}
	clear_margins(bin);
	find_skew(bin, 10.0, &s, &c);
	*skew = s;
	if (confidence != NULL)
		*confidence = c;
	r = 0;
out:
	pixDestroy(&bin);
	return r;
}

/* Caption text height on the separator sheet. */
#define CAPTION_MM	14.0
#define QR_MM		60.0

int
hoso_img_separator_sheet(const struct hoso_qr_matrix *qr, const char *caption, int dpi,
    struct hoso_buf *png, struct hoso_err *err)
{
	PIX *page = NULL, *line = NULL, *big = NULL;
	L_BMF *bmf = NULL;
	l_uint8 *data = NULL;
	size_t size = 0;
	l_int32 tw = 0, overflow = 0;
	int w, h, mod, side, x0, y0, row, col, factor, cap_px, bwid, bhei, r;

	img_init();
	if (qr == NULL || qr->modules == NULL || qr->size <= 0 || caption == NULL ||
	    png == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("separator sheet: no QR code or caption"));
		goto out;
	}
	if (dpi < 72 || dpi > 1200) {
		r = hoso_err_set(err, HOSO_EUSAGE,
		    _("separator sheet: %d dpi is outside 72..1200"), dpi);
		goto out;
	}
	w = (int)lround(210.0 / MM_PER_INCH * dpi);
	h = (int)lround(297.0 / MM_PER_INCH * dpi);
	/* Whole pixels per module: a QR symbol must stay a regular grid. */
	mod = (int)(QR_MM / MM_PER_INCH * dpi / qr->size);
	if (mod < 1 || (qr->size + 8) * mod > w) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("separator sheet: QR code of %d modules does not fit at %d dpi"),
		    qr->size, dpi);
		goto out;
	}
	if ((page = pixCreate(w, h, 1)) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("separator sheet"));
		goto out;
	}
	pixSetResolution(page, dpi, dpi);
	side = qr->size * mod;
	x0 = (w - side) / 2;
	/* Centred in the upper half, never closer to the top than the quiet zone. */
	y0 = L_MAX(h / 4 - side / 2, 4 * mod);
	for (row = 0; row < qr->size; row++)
		for (col = 0; col < qr->size; col++)
			if (qr->modules[(size_t)row * qr->size + col])
				pixRasterop(page, x0 + col * mod, y0 + row * mod, mod, mod,
				    PIX_SET, NULL, 0, 0);

	/* The built-in 20 pt font (Leptonica 1.82 has it compiled in), scaled up. */
	if ((bmf = bmfCreate(NULL, 20)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("separator sheet: no bitmap font"));
		goto out;
	}
	if (caption[0] != '\0') {
		if (bmfGetStringWidth(bmf, caption, &tw) != 0 || tw <= 0) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("separator sheet: caption \"%.64s\" cannot be rendered"), caption);
			goto out;
		}
		if ((line = pixCreate(tw + 4, bmf->lineheight + 4, 1)) == NULL) {
			r = hoso_err_sys(err, ENOMEM, _("separator sheet"));
			goto out;
		}
		pixSetTextline(line, bmf, caption, 1, 2, bmf->baselinetab['A'] + 2, NULL,
		    &overflow);
		cap_px = (int)(CAPTION_MM / MM_PER_INCH * dpi);
		factor = cap_px / pixGetHeight(line);
		/* Fit the width between 1 cm margins; at worst 1:1 and clipped. */
		if (factor * pixGetWidth(line) > w - 2 * (int)(10 / MM_PER_INCH * dpi))
			factor = (w - 2 * (int)(10 / MM_PER_INCH * dpi)) / pixGetWidth(line);
		if (factor < 1)
			factor = 1;
		if ((big = pixExpandReplicate(line, factor)) == NULL) {
			r = hoso_err_sys(err, ENOMEM, _("separator sheet"));
			goto out;
		}
		bwid = pixGetWidth(big);
		bhei = pixGetHeight(big);
		pixRasterop(page, L_MAX(0, (w - bwid) / 2),
		    y0 + side + 4 * mod + (int)(5 / MM_PER_INCH * dpi), bwid, bhei,
		    PIX_PAINT, big, 0, 0);
	}
	if (pixWriteMemPng(&data, &size, page, 0.0f) != 0 || data == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("separator sheet: PNG encoding failed"));
		goto out;
	}
	r = hoso_buf_add(png, data, size, err);
out:
	lept_free(data);
	bmfDestroy(&bmf);
	pixDestroy(&big);
	pixDestroy(&line);
	pixDestroy(&page);
	return r;
}

int
hoso_img_crop_png(const struct hoso_img *img, int x0, int y0, int x1, int y1, int max_width,
    struct hoso_buf *png, struct hoso_err *err)
{
	PIX *clip = NULL, *scaled = NULL;
	BOX *box = NULL;
	l_uint8 *data = NULL;
	size_t size = 0;
	int w, h, r;

	img_init();
	w = pixGetWidth(img->pix);
	h = pixGetHeight(img->pix);
	x0 = L_MAX(0, L_MIN(x0, w - 1));
	y0 = L_MAX(0, L_MIN(y0, h - 1));
	x1 = L_MAX(x0 + 1, L_MIN(x1, w));
	y1 = L_MAX(y0 + 1, L_MIN(y1, h));
	if ((box = boxCreate(x0, y0, x1 - x0, y1 - y0)) == NULL ||
	    (clip = pixClipRectangle(img->pix, box, NULL)) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("cropping the page"));
		goto out;
	}
	/* A bilevel page scaled down reads better in grey than with dropped pixels. */
	if (max_width > 0 && x1 - x0 > max_width) {
		if (pixGetDepth(clip) == 1)
			scaled = pixScaleToGray(clip, (l_float32)max_width / (float)(x1 - x0));
		else
			scaled = pixScale(clip, (l_float32)max_width / (float)(x1 - x0),
			    (l_float32)max_width / (float)(x1 - x0));
		if (scaled == NULL) {
			r = hoso_err_sys(err, ENOMEM, _("cropping the page"));
			goto out;
		}
	}
	if (pixWriteMemPng(&data, &size, scaled != NULL ? scaled : clip, 0.0f) != 0 ||
	    data == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("PNG encoding failed"));
		goto out;
	}
	r = hoso_buf_add(png, data, size, err);
out:
	lept_free(data);
	boxDestroy(&box);
	pixDestroy(&clip);
	pixDestroy(&scaled);
	return r;
}
