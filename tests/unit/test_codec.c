/*
 * test_codec.c - PNG and JPEG decoding through codec.c: damaged files are
 * refused with the label in the message and nothing on stderr; pixels, depth
 * and resolution survive the round trip for each PNG and JPEG layout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Tests may use Leptonica to make fixtures; lib/ keeps it inside img.c. */
#include <leptonica/allheaders.h>

#include "buf.h"
#include "codec.h"
#include "err.h"
#include "img.h"

#define MAX_PIXELS ((size_t)100 * 1000 * 1000)

/* 32x16 Adobe (inverted) CMYK JPEG at 200 dpi, left half red, right half blue (ImageMagick). */
static const unsigned char cmyk_jpg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
	0x01, 0x01, 0x00, 0xc8, 0x00, 0xc8, 0x00, 0x00, 0xff, 0xee, 0x00, 0x0e,
	0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x02,
	0xff, 0xdb, 0x00, 0x43, 0x00, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x02,
	0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02, 0x02, 0x04, 0x03, 0x02, 0x02,
	0x02, 0x02, 0x05, 0x04, 0x04, 0x03, 0x04, 0x06, 0x05, 0x06, 0x06, 0x06,
	0x05, 0x06, 0x06, 0x06, 0x07, 0x09, 0x08, 0x06, 0x07, 0x09, 0x07, 0x06,
	0x06, 0x08, 0x0b, 0x08, 0x09, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x06, 0x08,
	0x0b, 0x0c, 0x0b, 0x0a, 0x0c, 0x09, 0x0a, 0x0a, 0x0a, 0xff, 0xdb, 0x00,
	0x43, 0x01, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x05, 0x03, 0x03, 0x05,
	0x0a, 0x07, 0x06, 0x07, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a,
	0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a,
	0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a,
	0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a,
	0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0xff, 0xc0, 0x00, 0x14, 0x08, 0x00,
	0x10, 0x00, 0x20, 0x04, 0x01, 0x11, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11,
	0x01, 0x04, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x16, 0x00, 0x01, 0x01, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x08, 0x09, 0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xc4, 0x00, 0x16, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0a, 0x08, 0xff, 0xc4, 0x00, 0x14, 0x11, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xda, 0x00, 0x0e, 0x04, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x04,
	0x00, 0x00, 0x3f, 0x00, 0xb3, 0x1a, 0xb1, 0x3f, 0xed, 0xfc, 0x00, 0x57,
	0x89, 0x53, 0x52, 0xa0, 0x00, 0x90, 0xd5, 0x58, 0x9a, 0xb0, 0x01, 0x5e,
	0x25, 0x4d, 0x4a, 0x80, 0x03, 0xff, 0xd9
};

/* fd 2 goes to a temporary file between quiet_begin and quiet_end. */
struct quiet {
	FILE *capture;
	int saved;
};

static void
quiet_begin(struct quiet *q)
{
	fflush(stderr);
	q->capture = tmpfile();
	assert_non_null(q->capture);
	q->saved = dup(2);
	assert_true(q->saved >= 0);
	assert_true(dup2(fileno(q->capture), 2) == 2);
}

/* What was written to fd 2 meanwhile, as a byte count. */
static off_t
quiet_end(struct quiet *q)
{
	struct stat st;

	fflush(stderr);
	assert_true(dup2(q->saved, 2) == 2);
	close(q->saved);
	assert_int_equal(fstat(fileno(q->capture), &st), 0);
	fclose(q->capture);
	return st.st_size;
}

static unsigned char *
pix_to_png(PIX *pix, size_t *len)
{
	l_uint8 *data = NULL;

	assert_int_equal(pixWriteMemPng(&data, len, pix, 0.0f), 0);
	return data;
}

static unsigned char *
pix_to_jpeg(PIX *pix, int progressive, size_t *len)
{
	l_uint8 *data = NULL;

	assert_int_equal(pixWriteMemJpeg(&data, len, pix, 90, progressive), 0);
	return data;
}

/* A page-like test picture: gradients and a few hard edges. */
static PIX *
make_pix(int depth, int w, int h)
{
	PIX *pix;
	int x, y;
	l_uint32 v;

	pix = pixCreate(w, h, depth);
	assert_non_null(pix);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			if (depth == 1)
				v = ((x / 3 + y / 5) % 3) == 0;
			else if (depth == 8)
				v = (l_uint32)((x * 255 / (w - 1) + (y % 16 < 8 ? 0 : 64)) % 256);
			else if (depth == 16)
				v = (l_uint32)(x * 65535 / (w - 1));
			else {
				v = 0;
				composeRGBPixel(x * 255 / (w - 1), y * 255 / (h - 1),
				    (x + y) % 2 ? 40 : 220, &v);
			}
			pixSetPixel(pix, x, y, v);
		}
	if (depth == 32)
		pixSetSpp(pix, 3);
	pixSetResolution(pix, 300, 300);
	return pix;
}

/* Largest difference of any sample between the raster and pix (8 or 32 bpp). */
static int
max_diff(const struct hoso_raster *ras, PIX *pix)
{
	int x, y, c, d, worst = 0, want[3];
	l_uint32 v;
	const unsigned char *p;

	assert_int_equal(ras->width, pixGetWidth(pix));
	assert_int_equal(ras->height, pixGetHeight(pix));
	for (y = 0; y < ras->height; y++)
		for (x = 0; x < ras->width; x++) {
			p = ras->pixels + (size_t)y * ras->stride + (size_t)x * ras->channels;
			pixGetPixel(pix, x, y, &v);
			if (pixGetDepth(pix) == 32)
				extractRGBValues(v, &want[0], &want[1], &want[2]);
			else
				want[0] = want[1] = want[2] = (int)v;
			for (c = 0; c < ras->channels; c++) {
				d = abs((int)p[c] - want[c]);
				if (d > worst)
					worst = d;
			}
		}
	return worst;
}

/* The page through hoso_img_decode and back out as TIFF, for depth and bits. */
static PIX *
via_img(const unsigned char *data, size_t len, const char *label, int depth, int dpi)
{
	struct hoso_err err = { 0 };
	struct hoso_img *img = NULL;
	struct hoso_buf tiff = HOSO_BUF_INIT(0);
	struct hoso_img_info info;
	struct quiet q;
	PIX *pix;
	int r;

	quiet_begin(&q);
	r = hoso_img_probe(data, len, label, MAX_PIXELS, &info, &err);
	if (r == 0)
		r = hoso_img_decode(data, len, label, MAX_PIXELS, &img, &err);
	assert_int_equal(quiet_end(&q), 0);
	if (r != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(info.depth, depth);
	assert_int_equal(info.dpi, dpi);
	assert_int_equal(hoso_img_depth(img), depth);
	assert_int_equal(hoso_img_dpi(img), dpi);
	assert_int_equal(hoso_img_encode_tiff(img, &tiff, &err), 0);
	pix = pixReadMemTiff((const l_uint8 *)tiff.data, tiff.len, 0);
	assert_non_null(pix);
	hoso_buf_free(&tiff);
	hoso_img_free(img);
	return pix;
}

static void
decode_png(const unsigned char *data, size_t len, struct hoso_raster *ras)
{
	struct hoso_err err = { 0 };
	struct quiet q;
	int r;

	quiet_begin(&q);
	r = hoso_codec_png_decode(data, len, "t.png", MAX_PIXELS, ras, &err);
	assert_int_equal(quiet_end(&q), 0);
	if (r != 0)
		fail_msg("%s", err.msg);
}

static void
decode_jpeg(const unsigned char *data, size_t len, struct hoso_raster *ras)
{
	struct hoso_err err = { 0 };
	struct quiet q;
	int r;

	quiet_begin(&q);
	r = hoso_codec_jpeg_decode(data, len, "t.jpg", MAX_PIXELS, ras, &err);
	assert_int_equal(quiet_end(&q), 0);
	if (r != 0)
		fail_msg("%s", err.msg);
}

/* Both the codec and the whole probe+decode path refuse, silently, naming label. */
static void
expect_refused(const unsigned char *data, size_t len, const char *label, bool png)
{
	struct hoso_err err = { 0 };
	struct hoso_raster ras;
	struct hoso_img_info info;
	struct hoso_img *img = NULL;
	struct quiet q;
	int r1, r2, r3;
	char m1[sizeof(err.msg)], m2[sizeof(err.msg)];

	quiet_begin(&q);
	r1 = png ? hoso_codec_png_decode(data, len, label, MAX_PIXELS, &ras, &err) :
	    hoso_codec_jpeg_decode(data, len, label, MAX_PIXELS, &ras, &err);
	snprintf(m1, sizeof(m1), "%s", err.msg);
	r2 = hoso_img_decode(data, len, label, MAX_PIXELS, &img, &err);
	snprintf(m2, sizeof(m2), "%s", err.msg);
	r3 = hoso_img_probe(data, len, label, MAX_PIXELS, &info, &err);
	assert_int_equal(quiet_end(&q), 0);
	assert_int_equal(r1, HOSO_EINPUT);
	assert_null(ras.pixels);
	assert_non_null(strstr(m1, label));
	assert_int_equal(r2, HOSO_EINPUT);
	assert_null(img);
	assert_non_null(strstr(m2, label));
	/* The header may be intact; if probe refuses, it names the file too. */
	assert_true(r3 == 0 || (r3 == HOSO_EINPUT && strstr(err.msg, label) != NULL));
}

static void
test_png_damaged(void **state)
{
	unsigned char *png, *bad;
	uint32_t seed = 2463534242u;
	size_t len, i;
	PIX *pix;

	(void)state;
	/* Noise, so that the image data is most of the file. */
	pix = make_pix(32, 300, 200);
	for (i = 0; i < (size_t)300 * 200; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		pixSetPixel(pix, (int)(i % 300), (int)(i / 300), seed & 0xffffff00u);
	}
	png = pix_to_png(pix, &len);
	assert_true(len > 100000);
	expect_refused(png, len / 2, "half.png", true);
	expect_refused(png, 60, "sixty.png", true);
	expect_refused(png, 20, "twenty.png", true);
	expect_refused(png, 8, "sig.png", true);
	/* A flipped byte inside the image data: the CRC no longer matches. */
	bad = malloc(len);
	assert_non_null(bad);
	memcpy(bad, png, len);
	bad[len / 2] ^= 0x55;
	expect_refused(bad, len, "flipped.png", true);
	/* Random bytes behind the signature. */
	for (i = 8; i < len; i++)
		bad[i] = (unsigned char)(i * 2654435761u >> 13);
	expect_refused(bad, len, "noise.png", true);
	free(bad);
	lept_free(png);
	pixDestroy(&pix);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
crc32_png(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

/*
 * An iCCP chunk whose profile does not inflate: libpng warns ("iCCP: ..."),
 * which used to reach stderr; the page itself is fine and must decode.
 */
static void
test_png_warning_silent(void **state)
{
	static const unsigned char iccp[] = "sRGB\0\0\x78\x9c garbage, not zlib";
	unsigned char *png, *with;
	size_t len, n, at, clen = sizeof(iccp) - 1;
	struct hoso_raster ras;
	PIX *pix, *back;
	l_int32 same;

	(void)state;
	pix = make_pix(8, 64, 48);
	png = pix_to_png(pix, &len);
	/* After the signature and the 25-byte IHDR chunk. */
	at = 8 + 25;
	with = malloc(len + 12 + clen);
	assert_non_null(with);
	memcpy(with, png, at);
	n = at;
	put32(with + n, (uint32_t)clen);
	memcpy(with + n + 4, "iCCP", 4);
	memcpy(with + n + 8, iccp, clen);
	put32(with + n + 8 + clen, crc32_png(with + n + 4, clen + 4));
	n += 12 + clen;
	memcpy(with + n, png + at, len - at);
	n += len - at;

	decode_png(with, n, &ras);
	assert_int_equal(ras.channels, 1);
	assert_int_equal(max_diff(&ras, pix), 0);
	hoso_codec_raster_free(&ras);
	back = via_img(with, n, "iccp.png", 8, 300);
	assert_int_equal(pixEqual(back, pix, &same), 0);
	assert_true(same);
	pixDestroy(&back);
	free(with);
	lept_free(png);
	pixDestroy(&pix);
}

static void
test_jpeg_damaged(void **state)
{
	unsigned char *jpg, *bad;
	size_t len, i;
	PIX *pix;

	(void)state;
	pix = make_pix(32, 300, 200);
	jpg = pix_to_jpeg(pix, 0, &len);
	expect_refused(jpg, len / 2, "half.jpg", false);
	/* Only the EOI marker missing: still a file cut short. */
	expect_refused(jpg, len - 2, "noeoi.jpg", false);
	expect_refused(jpg, 100, "hundred.jpg", false);
	expect_refused(jpg, 3, "three.jpg", false);
	lept_free(jpg);
	jpg = pix_to_jpeg(pix, 1, &len);
	expect_refused(jpg, len / 2, "half-progressive.jpg", false);
	lept_free(jpg);
	/* Garbage after the SOI marker, as in build/fixtures/bad/garbage.jpg. */
	bad = malloc(4096);
	assert_non_null(bad);
	for (i = 0; i < 4096; i++)
		bad[i] = (unsigned char)(i * 2654435761u >> 13);
	bad[0] = 0xff;
	bad[1] = 0xd8;
	bad[2] = 0xff;
	expect_refused(bad, 4096, "garbage.jpg", false);
	free(bad);
	pixDestroy(&pix);
}

static void
test_png_roundtrip(void **state)
{
	struct hoso_raster ras;
	unsigned char *png;
	size_t len;
	PIX *pix, *back, *cm;
	PIXCMAP *cmap;
	l_int32 same;
	l_uint32 v;
	int x, y, rv, gv, bv;

	(void)state;
	/* Grey, with its resolution. */
	pix = make_pix(8, 101, 67);
	png = pix_to_png(pix, &len);
	decode_png(png, len, &ras);
	assert_int_equal(ras.channels, 1);
	assert_int_equal(ras.xdpi, 300);
	assert_int_equal(ras.ydpi, 300);
	assert_false(ras.bilevel);
	assert_int_equal(max_diff(&ras, pix), 0);
	hoso_codec_raster_free(&ras);
	back = via_img(png, len, "grey.png", 8, 300);
	assert_int_equal(pixEqual(back, pix, &same), 0);
	assert_true(same);
	pixDestroy(&back);
	lept_free(png);
	pixDestroy(&pix);

	/* RGB. */
	pix = make_pix(32, 101, 67);
	pixSetResolution(pix, 200, 200);
	png = pix_to_png(pix, &len);
	decode_png(png, len, &ras);
	assert_int_equal(ras.channels, 3);
	assert_int_equal(ras.xdpi, 200);
	assert_int_equal(max_diff(&ras, pix), 0);
	hoso_codec_raster_free(&ras);
	back = via_img(png, len, "rgb.png", 32, 200);
	assert_int_equal(pixEqual(back, pix, &same), 0);
	assert_true(same);
	pixDestroy(&back);
	lept_free(png);
	pixDestroy(&pix);

	/* 1 bit per pixel stays 1 bpp, 1 = black. */
	pix = make_pix(1, 101, 67);
	png = pix_to_png(pix, &len);
	decode_png(png, len, &ras);
	assert_int_equal(ras.channels, 1);
	assert_true(ras.bilevel);
	hoso_codec_raster_free(&ras);
	back = via_img(png, len, "bw.png", 1, 300);
	assert_int_equal(pixEqual(back, pix, &same), 0);
	assert_true(same);
	pixDestroy(&back);
	lept_free(png);
	pixDestroy(&pix);

	/* 16 bits: the high byte, give or take rounding. */
	pix = make_pix(16, 101, 67);
	png = pix_to_png(pix, &len);
	decode_png(png, len, &ras);
	assert_int_equal(ras.channels, 1);
	back = pixConvert16To8(pix, L_MS_BYTE);
	assert_true(max_diff(&ras, back) <= 1);
	hoso_codec_raster_free(&ras);
	pixDestroy(&back);
	back = via_img(png, len, "sixteen.png", 8, 300);
	pixDestroy(&back);
	lept_free(png);
	pixDestroy(&pix);

	/* A colour palette decodes to RGB, a grey one to grey. */
	pix = pixCreate(40, 30, 8);
	cmap = pixcmapCreate(8);
	pixcmapAddColor(cmap, 255, 255, 255);
	pixcmapAddColor(cmap, 200, 10, 30);
	pixcmapAddColor(cmap, 0, 90, 250);
	pixSetColormap(pix, cmap);
	for (y = 0; y < 30; y++)
		for (x = 0; x < 40; x++)
			pixSetPixel(pix, x, y, (l_uint32)((x / 4 + y / 3) % 3));
	pixSetResolution(pix, 150, 150);
	png = pix_to_png(pix, &len);
	cm = pixRemoveColormap(pix, REMOVE_CMAP_TO_FULL_COLOR);
	decode_png(png, len, &ras);
	assert_int_equal(ras.channels, 3);
	assert_int_equal(ras.xdpi, 150);
	assert_int_equal(max_diff(&ras, cm), 0);
	hoso_codec_raster_free(&ras);
	back = via_img(png, len, "palette.png", 32, 150);
	pixSetSpp(cm, 3);
	assert_int_equal(pixEqual(back, cm, &same), 0);
	assert_true(same);
	pixDestroy(&back);
	pixDestroy(&cm);
	lept_free(png);
	pixDestroy(&pix);

	pix = pixCreate(40, 30, 8);
	cmap = pixcmapCreate(8);
	pixcmapAddColor(cmap, 255, 255, 255);
	pixcmapAddColor(cmap, 128, 128, 128);
	pixcmapAddColor(cmap, 7, 7, 7);
	pixSetColormap(pix, cmap);
	for (y = 0; y < 30; y++)
		for (x = 0; x < 40; x++)
			pixSetPixel(pix, x, y, (l_uint32)((x / 4 + y / 3) % 3));
	png = pix_to_png(pix, &len);
	cm = pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE);
	decode_png(png, len, &ras);
	assert_int_equal(ras.channels, 1);
	assert_int_equal(max_diff(&ras, cm), 0);
	hoso_codec_raster_free(&ras);
	back = via_img(png, len, "greypalette.png", 8, 0);
	assert_int_equal(pixEqual(back, cm, &same), 0);
	assert_true(same);
	pixDestroy(&back);
	pixDestroy(&cm);
	lept_free(png);
	pixDestroy(&pix);

	/* Alpha: transparent is white paper, opaque keeps its colour. */
	pix = pixCreate(20, 10, 32);
	pixSetSpp(pix, 4);
	for (y = 0; y < 10; y++)
		for (x = 0; x < 20; x++) {
			composeRGBAPixel(10, 100, 200, x < 10 ? 255 : 0, &v);
			pixSetPixel(pix, x, y, v);
		}
	png = pix_to_png(pix, &len);
	decode_png(png, len, &ras);
	assert_int_equal(ras.channels, 3);
	for (y = 0; y < 10; y++)
		for (x = 0; x < 20; x++) {
			rv = ras.pixels[(size_t)y * ras.stride + (size_t)x * 3];
			gv = ras.pixels[(size_t)y * ras.stride + (size_t)x * 3 + 1];
			bv = ras.pixels[(size_t)y * ras.stride + (size_t)x * 3 + 2];
			if (x < 10)
				assert_true(rv == 10 && gv == 100 && bv == 200);
			else
				assert_true(rv == 255 && gv == 255 && bv == 255);
		}
	hoso_codec_raster_free(&ras);
	back = via_img(png, len, "alpha.png", 32, 0);
	pixDestroy(&back);
	lept_free(png);
	pixDestroy(&pix);
}

static void
check_jpeg(PIX *pix, int progressive, int channels, int depth, int tolerance)
{
	struct hoso_raster ras;
	unsigned char *jpg;
	size_t len;
	PIX *lept, *back;

	jpg = pix_to_jpeg(pix, progressive, &len);
	lept = pixReadMem(jpg, len);
	assert_non_null(lept);
	decode_jpeg(jpg, len, &ras);
	assert_int_equal(ras.channels, channels);
	assert_int_equal(ras.xdpi, pixGetXRes(pix));
	assert_int_equal(ras.ydpi, pixGetYRes(pix));
	if (getenv("HOSO_TEST_VERBOSE") != NULL)
		print_message("JPEG %d channel(s), progressive %d: largest difference %d\n",
		    channels, progressive, max_diff(&ras, lept));
	if (max_diff(&ras, lept) > tolerance)
		fail_msg("JPEG differs from Leptonica's decode by %d", max_diff(&ras, lept));
	hoso_codec_raster_free(&ras);
	back = via_img(jpg, len, "t.jpg", depth, pixGetXRes(pix));
	pixDestroy(&back);
	pixDestroy(&lept);
	lept_free(jpg);
}

static void
test_jpeg_roundtrip(void **state)
{
	struct hoso_raster ras;
	PIX *pix, *back;
	l_uint32 v;
	int rv, gv, bv;

	(void)state;
	pix = make_pix(8, 203, 101);
	check_jpeg(pix, 0, 1, 8, 0);
	check_jpeg(pix, 1, 1, 8, 0);
	pixDestroy(&pix);
	pix = make_pix(32, 203, 101);
	pixSetResolution(pix, 150, 150);
	check_jpeg(pix, 0, 3, 32, 0);
	check_jpeg(pix, 1, 3, 32, 0);
	pixDestroy(&pix);

	/* Adobe CMYK, as some scanners and Photoshop write it. */
	decode_jpeg(cmyk_jpg, sizeof(cmyk_jpg), &ras);
	assert_int_equal(ras.channels, 3);
	assert_int_equal(ras.width, 32);
	assert_int_equal(ras.height, 16);
	assert_int_equal(ras.xdpi, 200);
	rv = ras.pixels[8 * ras.stride + 4 * 3];
	gv = ras.pixels[8 * ras.stride + 4 * 3 + 1];
	bv = ras.pixels[8 * ras.stride + 4 * 3 + 2];
	assert_true(rv > 240 && gv < 15 && bv < 15);
	rv = ras.pixels[8 * ras.stride + 28 * 3];
	gv = ras.pixels[8 * ras.stride + 28 * 3 + 1];
	bv = ras.pixels[8 * ras.stride + 28 * 3 + 2];
	assert_true(rv < 15 && gv < 15 && bv > 240);
	hoso_codec_raster_free(&ras);
	back = via_img(cmyk_jpg, sizeof(cmyk_jpg), "cmyk.jpg", 32, 200);
	pixGetPixel(back, 4, 8, &v);
	extractRGBValues(v, &rv, &gv, &bv);
	assert_true(rv > 240 && gv < 15 && bv < 15);
	pixDestroy(&back);
}

static void
test_pixel_limit(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_raster ras;
	unsigned char *data;
	size_t len;
	PIX *pix;

	(void)state;
	pix = make_pix(8, 100, 50);
	data = pix_to_png(pix, &len);
	assert_int_equal(hoso_codec_png_decode(data, len, "big.png", 5000, &ras, &err), 0);
	hoso_codec_raster_free(&ras);
	assert_int_equal(hoso_codec_png_decode(data, len, "big.png", 4999, &ras, &err),
	    HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "big.png"));
	assert_null(ras.pixels);
	lept_free(data);
	data = pix_to_jpeg(pix, 0, &len);
	assert_int_equal(hoso_codec_jpeg_decode(data, len, "big.jpg", 5000, &ras, &err), 0);
	hoso_codec_raster_free(&ras);
	assert_int_equal(hoso_codec_jpeg_decode(data, len, "big.jpg", 4999, &ras, &err),
	    HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "big.jpg"));
	assert_non_null(strstr(err.msg, "100x50"));
	assert_null(ras.pixels);
	lept_free(data);
	pixDestroy(&pix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_damaged),
		cmocka_unit_test(test_png_warning_silent),
		cmocka_unit_test(test_jpeg_damaged),
		cmocka_unit_test(test_png_roundtrip),
		cmocka_unit_test(test_jpeg_roundtrip),
		cmocka_unit_test(test_pixel_limit),
	};

	/* Leptonica's own messages (it makes the fixtures here) are not under test. */
	setMsgSeverity(L_SEVERITY_NONE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
