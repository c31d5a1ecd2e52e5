/* test_img.c - page images: probe refusals, orientation, deskew, blank test, depths, TIFF. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tests may use Leptonica to make fixtures; lib/ keeps it inside img.c. */
#include <leptonica/allheaders.h>

#include "buf.h"
#include "err.h"
#include "img.h"

#define TD "testdata/tesseract/"
#define MAX_PIXELS ((size_t)100 * 1000 * 1000)

static const struct hoso_norm_opts norm_opts = {
	.default_dpi = 300, .max_skew = 10.0, .orient = true, .blank = true,
};

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp;
	unsigned char *p;
	long n;

	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	p = malloc((size_t)n);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return p;
}

static struct hoso_img *
load(const char *path)
{
	struct hoso_err err = { 0 };
	struct hoso_img *img = NULL;
	unsigned char *data;
	size_t len;

	data = slurp(path, &len);
	if (hoso_img_decode(data, len, path, MAX_PIXELS, &img, &err) != 0)
		fail_msg("%s", err.msg);
	free(data);
	return img;
}

/* Decode a Leptonica-made fixture through the library, via PNG in memory. */
static struct hoso_img *
from_pix(PIX *pix)
{
	struct hoso_err err = { 0 };
	struct hoso_img *img = NULL;
	l_uint8 *data = NULL;
	size_t len = 0;

	assert_int_equal(pixWriteMemPng(&data, &len, pix, 0.0f), 0);
	if (hoso_img_decode(data, len, "fixture.png", MAX_PIXELS, &img, &err) != 0)
		fail_msg("%s", err.msg);
	lept_free(data);
	return img;
}

static PIX *
read_pix(const char *path)
{
	PIX *pix = pixRead(path);

	assert_non_null(pix);
	return pix;
}

static void
normalize(const struct hoso_img *in, struct hoso_img **out, struct hoso_norm_result *res)
{
	struct hoso_err err = { 0 };

	if (hoso_img_normalize(in, &norm_opts, out, res, &err) != 0)
		fail_msg("%s", err.msg);
	assert_non_null(*out);
}

static void
test_sniff(void **state)
{
	(void)state;
	assert_int_equal(hoso_img_sniff("II*\0xxxx", 8), HOSO_IMG_TIFF);
	assert_int_equal(hoso_img_sniff("MM\0*xxxx", 8), HOSO_IMG_TIFF);
	assert_int_equal(hoso_img_sniff("\x89PNG\r\n\x1a\n", 8), HOSO_IMG_PNG);
	assert_int_equal(hoso_img_sniff("\xff\xd8\xff\xe0", 4), HOSO_IMG_JPEG);
	assert_int_equal(hoso_img_sniff("P4\n1 1\n", 7), HOSO_IMG_PNM);
	assert_int_equal(hoso_img_sniff("P7\n", 3), HOSO_IMG_UNKNOWN);
	assert_int_equal(hoso_img_sniff("%PDF-1.4", 8), HOSO_IMG_UNKNOWN);
	assert_int_equal(hoso_img_sniff("\x89PN", 3), HOSO_IMG_UNKNOWN);
	assert_int_equal(hoso_img_sniff("", 0), HOSO_IMG_UNKNOWN);
}

static void
test_probe_real(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_img_info info;
	unsigned char *data;
	size_t len;

	(void)state;
	data = slurp(TD "phototest.tif", &len);
	assert_int_equal(hoso_img_probe(data, len, "p", 0, &info, &err), 0);
	assert_int_equal(info.format, HOSO_IMG_TIFF);
	assert_int_equal(info.width, 640);
	assert_int_equal(info.height, 480);
	assert_int_equal(info.depth, 1);
	assert_int_equal(info.dpi, 200);
	assert_string_equal(info.ext, "tif");
	/* Exactly at the limit passes, one pixel less refuses. */
	assert_int_equal(hoso_img_probe(data, len, "p", 640 * 480, &info, &err), 0);
	assert_int_equal(hoso_img_probe(data, len, "p", 640 * 480 - 1, &info, &err),
	    HOSO_EINPUT);
	free(data);

	data = slurp(TD "phototest-rotated-L.png", &len);
	assert_int_equal(hoso_img_probe(data, len, "p", 0, &info, &err), 0);
	assert_int_equal(info.format, HOSO_IMG_PNG);
	assert_int_equal(info.width, 480);
	assert_int_equal(info.height, 640);
	assert_int_equal(info.dpi, 200);
	free(data);
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

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A 1 KB PNG whose IHDR claims 50000 x 50000 (a decompression bomb). */
static void
test_probe_refuses_bomb(void **state)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char png[1024];
	struct hoso_err err = { 0 };
	struct hoso_img_info info;
	struct hoso_img *img = NULL;
	size_t n = 0, idat;

	(void)state;
	memset(png, 0, sizeof(png));
	memcpy(png, sig, 8);
	n = 8;
	put32(png + n, 13);
	memcpy(png + n + 4, "IHDR", 4);
	put32(png + n + 8, 50000);
	put32(png + n + 12, 50000);
	png[n + 16] = 8;	/* bit depth */
	png[n + 17] = 0;	/* grey */
	put32(png + n + 21, crc32_png(png + n + 4, 17));
	n += 25;
	idat = sizeof(png) - n - 12 - 12;
	put32(png + n, (uint32_t)idat);
	memcpy(png + n + 4, "IDAT", 4);
	put32(png + n + 8 + idat, crc32_png(png + n + 4, idat + 4));
	n += 12 + idat;
	put32(png + n, 0);
	memcpy(png + n + 4, "IEND", 4);
	put32(png + n + 8, crc32_png(png + n + 4, 4));
	n += 12;
	assert_int_equal(n, sizeof(png));

	assert_int_equal(hoso_img_probe(png, n, "bomb.png", MAX_PIXELS, &info, &err),
	    HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "bomb.png"));
	assert_non_null(strstr(err.msg, "50000x50000"));
	assert_int_equal(hoso_img_decode(png, n, "bomb.png", MAX_PIXELS, &img, &err),
	    HOSO_EINPUT);
	assert_null(img);
}

static void
test_probe_refuses_garbage(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_img_info info;
	struct hoso_img *img = NULL;
	unsigned char *data, rnd[1000];
	uint32_t seed = 12345;
	size_t len, i;
	int r;

	(void)state;
	/* Nothing at all. */
	assert_int_equal(hoso_img_probe("", 0, "empty.png", 0, &info, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "empty.png"));
	assert_int_equal(hoso_img_decode("", 0, "empty.png", 0, &img, &err), HOSO_EINPUT);
	assert_null(img);

	/* Random bytes, then random bytes behind each magic number. */
	for (i = 0; i < sizeof(rnd); i++) {
		seed = seed * 1103515245u + 12345u;
		rnd[i] = (unsigned char)(seed >> 16);
	}
	rnd[0] = 'x';
	assert_int_equal(hoso_img_probe(rnd, sizeof(rnd), "noise", 0, &info, &err),
	    HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "noise"));
	memcpy(rnd, "II*\0", 4);
	assert_int_equal(hoso_img_decode(rnd, sizeof(rnd), "noise.tif", 0, &img, &err),
	    HOSO_EINPUT);
	memcpy(rnd, "\x89PNG\r\n\x1a\n", 8);
	assert_int_equal(hoso_img_decode(rnd, sizeof(rnd), "noise.png", 0, &img, &err),
	    HOSO_EINPUT);
	memcpy(rnd, "\xff\xd8\xff\xe0", 4);
	assert_int_equal(hoso_img_decode(rnd, sizeof(rnd), "noise.jpg", 0, &img, &err),
	    HOSO_EINPUT);
	memcpy(rnd, "P5\n", 3);
	assert_int_equal(hoso_img_decode(rnd, sizeof(rnd), "noise.pgm", 0, &img, &err),
	    HOSO_EINPUT);
	assert_null(img);

	/* A PNG cut inside its header, then one cut inside its pixel data. */
	data = slurp(TD "phototest-rotated-180.png", &len);
	assert_int_equal(hoso_img_probe(data, 20, "cut.png", 0, &info, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "cut.png"));
	r = hoso_img_decode(data, len / 2, "half.png", 0, &img, &err);
	assert_true(r == 0 || r == HOSO_EINPUT);
	hoso_img_free(img);
	img = NULL;
	free(data);

	/* A zero-size PNM. */
	assert_int_equal(hoso_img_probe("P5\n0 0\n255\n", 11, "zero.pgm", 0, &info, &err),
	    HOSO_EINPUT);
}

static void
test_decode_pnm(void **state)
{
	static const char pbm[] = "P1\n4 2\n1 0 0 1\n0 1 1 0\n";
	struct hoso_err err = { 0 };
	struct hoso_img *img = NULL;
	unsigned char *grey = NULL;
	int w, h;

	(void)state;
	assert_int_equal(hoso_img_decode(pbm, sizeof(pbm) - 1, "a.pbm", 0, &img, &err), 0);
	assert_int_equal(hoso_img_width(img), 4);
	assert_int_equal(hoso_img_height(img), 2);
	assert_int_equal(hoso_img_depth(img), 1);
	assert_int_equal(hoso_img_dpi(img), 0);
	assert_int_equal(hoso_img_grey8(img, &grey, &w, &h, &err), 0);
	assert_int_equal(w, 4);
	assert_int_equal(h, 2);
	/* PBM 1 is black. */
	assert_int_equal(grey[0], 0);
	assert_int_equal(grey[1], 255);
	assert_int_equal(grey[4], 255);
	assert_int_equal(grey[5], 0);
	free(grey);
	hoso_img_free(img);
}

static void
check_rotation(const char *path, int expected)
{
	struct hoso_img *in, *out = NULL;
	struct hoso_norm_result res;

	in = load(path);
	normalize(in, &out, &res);
	if (res.rotation != expected)
		fail_msg("%s: rotation %d, expected %d", path, res.rotation, expected);
	assert_false(res.blank);
	/* Upright phototest is 640 wide, 480 high. */
	assert_int_equal(res.width, 640);
	assert_int_equal(res.height, 480);
	assert_int_equal(hoso_img_width(out), 640);
	assert_int_equal(res.dpi, 200);
	assert_string_equal(res.colour, hoso_img_depth(in) == 1 ? "bw" : "grey");
	hoso_img_free(out);
	hoso_img_free(in);
}

static void
test_orientation(void **state)
{
	(void)state;
	check_rotation(TD "phototest.tif", 0);
	/* Turned 90 degrees left: a quarter turn clockwise puts it right. */
	check_rotation(TD "phototest-rotated-L.png", 90);
	check_rotation(TD "phototest-rotated-R.png", 270);
	check_rotation(TD "phototest-rotated-180.png", 180);
}

/* At 300 dpi the analysis runs on a 2x reduced copy: same answers. */
static void
test_orientation_reduced(void **state)
{
	struct hoso_img *in, *out = NULL;
	struct hoso_norm_result res;
	PIX *bw, *big, *grey, *rot;
	int quads;

	(void)state;
	bw = read_pix(TD "phototest.tif");
	big = pixScale(bw, 1.5f, 1.5f);
	pixSetResolution(big, 300, 300);
	grey = pixConvertTo8(big, 0);
	for (quads = 0; quads < 4; quads++) {
		/* Turned counter-clockwise by quads quarters: corrected clockwise. */
		rot = pixRotateOrth(quads % 2 ? grey : big, (4 - quads) % 4);
		in = from_pix(rot);
		normalize(in, &out, &res);
		if (res.rotation != quads * 90)
			fail_msg("turned %d left: rotation %d", quads * 90, res.rotation);
		assert_int_equal(res.width, pixGetWidth(big));
		hoso_img_free(out);
		hoso_img_free(in);
		pixDestroy(&rot);
	}
	pixDestroy(&grey);
	pixDestroy(&big);
	pixDestroy(&bw);
}

static void
test_orientation_off(void **state)
{
	struct hoso_norm_opts opts = norm_opts;
	struct hoso_err err = { 0 };
	struct hoso_img *in, *out = NULL;
	struct hoso_norm_result res;

	(void)state;
	opts.orient = false;
	in = load(TD "phototest-rotated-180.png");
	assert_int_equal(hoso_img_normalize(in, &opts, &out, &res, &err), 0);
	assert_int_equal(res.rotation, 0);
	hoso_img_free(out);
	hoso_img_free(in);
}

static void
check_deskew(PIX *upright, double degrees)
{
	struct hoso_err err = { 0 };
	struct hoso_img *in, *out = NULL;
	struct hoso_norm_result res;
	double residual = 99, conf = 0;
	PIX *skewed;

	/* pixRotate turns clockwise for a positive angle. */
	skewed = pixRotate(upright, (l_float32)(degrees * M_PI / 180), L_ROTATE_AREA_MAP,
	    L_BRING_IN_WHITE, 0, 0);
	assert_non_null(skewed);
	in = from_pix(skewed);
	normalize(in, &out, &res);
	/* The correction turns the other way. */
	if (fabs(res.skew + degrees) >= 0.3)
		fail_msg("skew %.2f found for a page turned %.2f", res.skew, degrees);
	assert_int_equal(res.rotation, 0);
	assert_int_equal(hoso_img_depth(out), pixGetDepth(skewed));
	assert_int_equal(res.width, pixGetWidth(skewed));
	assert_int_equal(res.height, pixGetHeight(skewed));
	assert_int_equal(hoso_img_measure_skew(out, &residual, &conf, &err), 0);
	if (fabs(residual) >= 0.3)
		fail_msg("residual skew %.2f after deskewing %.2f", residual, degrees);
	hoso_img_free(out);
	hoso_img_free(in);
	pixDestroy(&skewed);
}

static void
test_deskew(void **state)
{
	PIX *bw, *grey, *colour;

	(void)state;
	bw = read_pix(TD "phototest.tif");
	check_deskew(bw, 3.0);
	check_deskew(bw, -3.0);
	grey = pixConvertTo8(bw, 0);
	check_deskew(grey, 3.0);
	colour = pixConvertTo32(grey);
	pixSetSpp(colour, 3);
	check_deskew(colour, -2.0);
	pixDestroy(&colour);
	pixDestroy(&grey);
	pixDestroy(&bw);
}

static void
test_straight_page_untouched(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_img *in, *out = NULL;
	struct hoso_buf a = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);
	struct hoso_norm_result res;

	(void)state;
	in = load(TD "phototest.tif");
	normalize(in, &out, &res);
	assert_true(res.skew == 0);
	assert_int_equal(hoso_img_encode_tiff(in, &a, &err), 0);
	assert_int_equal(hoso_img_encode_tiff(out, &b, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	hoso_buf_free(&a);
	hoso_buf_free(&b);
	hoso_img_free(out);
	hoso_img_free(in);
}

static uint32_t
lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* White A4 at 300 dpi: grey paper noise, dust specks, a dark strip at the left edge. */
static PIX *
blank_page(int depth)
{
	PIX *pix, *t;
	uint32_t seed = 42;
	int i, x, y, s;

	pix = pixCreate(2480, 3508, 8);
	assert_non_null(pix);
	pixSetAllArbitrary(pix, 235);
	for (i = 0; i < 200000; i++)
		pixSetPixel(pix, lcg(&seed) % 2480, lcg(&seed) % 3508, 215 + lcg(&seed) % 30);
	for (i = 0; i < 300; i++) {
		x = lcg(&seed) % 2480;
		y = lcg(&seed) % 3508;
		s = 1 + lcg(&seed) % 4;
		pixRasterop(pix, x, y, s, s, PIX_CLR, NULL, 0, 0);
	}
	pixRasterop(pix, 0, 0, 60, 3508, PIX_CLR, NULL, 0, 0);
	pixSetResolution(pix, 300, 300);
	if (depth == 1) {
		t = pixThresholdToBinary(pix, 128);
		pixDestroy(&pix);
		pix = t;
	}
	return pix;
}

static void
test_blank(void **state)
{
	struct hoso_img *in, *out = NULL;
	struct hoso_norm_result res;
	PIX *pix;
	int depth;

	(void)state;
	for (depth = 1; depth <= 8; depth += 7) {
		pix = blank_page(depth);
		in = from_pix(pix);
		normalize(in, &out, &res);
		if (!res.blank)
			fail_msg("%d bpp noisy page not blank: ink %g", depth, res.ink);
		assert_int_equal(res.rotation, 0);
		assert_true(res.skew == 0);
		assert_int_equal(res.dpi, 300);
		assert_int_equal(hoso_img_depth(out), depth);
		hoso_img_free(out);
		hoso_img_free(in);
		pixDestroy(&pix);
	}
}

static void
test_not_blank(void **state)
{
	static const char *const pages[] = {
		TD "phototest.tif", TD "viet.tif", TD "phototest-rotated-L.png",
	};
	struct hoso_img *in, *out = NULL;
	struct hoso_norm_result res;
	PIX *pix, *word, *page;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		in = load(pages[i]);
		normalize(in, &out, &res);
		if (res.blank || res.ink <= 0)
			fail_msg("%s: blank (ink %g)", pages[i], res.ink);
		hoso_img_free(out);
		hoso_img_free(in);
	}
	/* The one word of viet.tif alone on a noisy A4 page is still a page. */
	word = read_pix(TD "viet.tif");
	pix = blank_page(8);
	page = pixConvertTo8(word, 0);
	pixRasterop(pix, 1000, 1500, pixGetWidth(page), pixGetHeight(page), PIX_SRC & PIX_DST,
	    page, 0, 0);
	in = from_pix(pix);
	normalize(in, &out, &res);
	if (res.blank)
		fail_msg("one word on A4: blank (ink %g)", res.ink);
	hoso_img_free(out);
	hoso_img_free(in);
	pixDestroy(&page);
	pixDestroy(&pix);
	pixDestroy(&word);
}

static void
test_blank_off(void **state)
{
	struct hoso_norm_opts opts = norm_opts;
	struct hoso_err err = { 0 };
	struct hoso_img *in, *out = NULL;
	struct hoso_norm_result res;
	PIX *pix;

	(void)state;
	opts.blank = false;
	pix = blank_page(1);
	in = from_pix(pix);
	assert_int_equal(hoso_img_normalize(in, &opts, &out, &res, &err), 0);
	assert_false(res.blank);
	hoso_img_free(out);
	hoso_img_free(in);
	pixDestroy(&pix);
}

static void
test_depth_preserved(void **state)
{
	struct hoso_img *in, *out = NULL;
	struct hoso_norm_result res;
	PIX *bw, *rgb, *rot;
	int x, y;

	(void)state;
	in = load(TD "phototest-rotated-R.png");
	normalize(in, &out, &res);
	assert_int_equal(hoso_img_depth(out), hoso_img_depth(in));
	hoso_img_free(out);
	hoso_img_free(in);

	in = load(TD "phototest.tif");
	assert_int_equal(hoso_img_depth(in), 1);
	normalize(in, &out, &res);
	assert_int_equal(hoso_img_depth(out), 1);
	assert_string_equal(res.colour, "bw");
	hoso_img_free(out);
	hoso_img_free(in);

	/* A colour page turned upside down comes back upright and in colour. */
	bw = read_pix(TD "phototest.tif");
	rgb = pixConvertTo32(bw);
	pixSetSpp(rgb, 3);
	for (y = 0; y < 40; y++)
		for (x = 0; x < 40; x++)
			pixSetPixel(rgb, x, y, 0xff000000u);
	rot = pixRotateOrth(rgb, 2);
	in = from_pix(rot);
	assert_int_equal(hoso_img_depth(in), 32);
	normalize(in, &out, &res);
	assert_int_equal(res.rotation, 180);
	assert_int_equal(hoso_img_depth(out), 32);
	assert_string_equal(res.colour, "colour");
	hoso_img_free(out);
	hoso_img_free(in);
	pixDestroy(&rot);
	pixDestroy(&rgb);
	pixDestroy(&bw);
}

static void
check_tiff_roundtrip(PIX *pix)
{
	struct hoso_err err = { 0 };
	struct hoso_buf a = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);
	struct hoso_img *img, *back = NULL;
	l_int32 same = 0;
	PIX *dec;

	img = from_pix(pix);
	assert_int_equal(hoso_img_encode_tiff(img, &a, &err), 0);
	assert_int_equal(hoso_img_encode_tiff(img, &b, &err), 0);
	/* Deterministic bytes. */
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	dec = pixReadMemTiff((const l_uint8 *)a.data, a.len, 0);
	assert_non_null(dec);
	assert_int_equal(pixGetDepth(dec), pixGetDepth(pix));
	assert_int_equal(pixEqual(dec, pix, &same), 0);
	assert_true(same);
	/* The dpi travels. */
	assert_int_equal(hoso_img_decode(a.data, a.len, "rt.tif", 0, &back, &err), 0);
	assert_int_equal(hoso_img_dpi(back), pixGetXRes(pix));
	hoso_img_free(back);
	pixDestroy(&dec);
	hoso_buf_free(&a);
	hoso_buf_free(&b);
	hoso_img_free(img);
}

static void
test_tiff_roundtrip(void **state)
{
	PIX *bw, *grey, *rgb;
	l_int32 i;

	(void)state;
	bw = read_pix(TD "phototest.tif");
	grey = pixConvertTo8(bw, 0);
	/* Put every grey level in, so that no value is lost unnoticed. */
	for (i = 0; i < 256; i++)
		pixSetPixel(grey, i, 10, (l_uint32)i);
	rgb = pixConvertTo32(grey);
	pixSetSpp(rgb, 3);
	for (i = 0; i < 256; i++)
		pixSetPixel(rgb, i, 20, ((l_uint32)i << 24) | ((l_uint32)(255 - i) << 16) | ((l_uint32)i << 8));
	check_tiff_roundtrip(bw);
	check_tiff_roundtrip(grey);
	check_tiff_roundtrip(rgb);
	pixDestroy(&rgb);
	pixDestroy(&grey);
	pixDestroy(&bw);
}

static void
test_usage_errors(void **state)
{
	struct hoso_err err = { 0 };
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_img *out = NULL;
	struct hoso_norm_result res;

	(void)state;
	assert_int_equal(hoso_img_normalize(NULL, &norm_opts, &out, &res, &err), HOSO_EUSAGE);
	assert_null(out);
	assert_int_equal(hoso_img_encode_tiff(NULL, &b, &err), HOSO_EUSAGE);
	assert_int_equal(hoso_img_width(NULL), 0);
	hoso_img_free(NULL);
}

/* Workers normalize concurrently; each result must match a lone run's bytes. */
struct worker {
	const char *path;
	struct hoso_buf tiff;
	int rotation;
	int r;
};

static void *
worker_run(void *arg)
{
	struct worker *wk = arg;
	struct hoso_err err = { 0 };
	struct hoso_img *in = NULL, *out = NULL;
	struct hoso_norm_result res;
	unsigned char *data;
	size_t len;
	FILE *fp;
	long n;
	int k;

	wk->r = -1;
	if ((fp = fopen(wk->path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	data = malloc((size_t)n);
	if (data == NULL || fread(data, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(data);
		return NULL;
	}
	fclose(fp);
	len = (size_t)n;
	for (k = 0; k < 3; k++) {
		hoso_buf_reset(&wk->tiff);
		hoso_img_free(in);
		hoso_img_free(out);
		in = out = NULL;
		if ((wk->r = hoso_img_decode(data, len, wk->path, MAX_PIXELS, &in, &err)) != 0 ||
		    (wk->r = hoso_img_normalize(in, &norm_opts, &out, &res, &err)) != 0 ||
		    (wk->r = hoso_img_encode_tiff(out, &wk->tiff, &err)) != 0)
			break;
		wk->rotation = res.rotation;
	}
	hoso_img_free(in);
	hoso_img_free(out);
	free(data);
	return NULL;
}

static void
test_threads(void **state)
{
	static const char *const pages[] = {
		TD "phototest.tif", TD "phototest-rotated-L.png",
		TD "phototest-rotated-R.png", TD "phototest-rotated-180.png",
	};
	enum { N = sizeof(pages) / sizeof(pages[0]) };
	struct worker alone, wk[N];
	pthread_t tid[N];
	size_t i;

	(void)state;
	for (i = 0; i < N; i++) {
		memset(&wk[i], 0, sizeof(wk[i]));
		wk[i].path = pages[i];
		hoso_buf_init(&wk[i].tiff, 0);
		assert_int_equal(pthread_create(&tid[i], NULL, worker_run, &wk[i]), 0);
	}
	for (i = 0; i < N; i++)
		assert_int_equal(pthread_join(tid[i], NULL), 0);
	for (i = 0; i < N; i++) {
		memset(&alone, 0, sizeof(alone));
		alone.path = pages[i];
		hoso_buf_init(&alone.tiff, 0);
		worker_run(&alone);
		assert_int_equal(wk[i].r, 0);
		assert_int_equal(alone.r, 0);
		assert_int_equal(wk[i].rotation, alone.rotation);
		assert_int_equal(wk[i].tiff.len, alone.tiff.len);
		assert_memory_equal(wk[i].tiff.data, alone.tiff.data, alone.tiff.len);
		hoso_buf_free(&alone.tiff);
		hoso_buf_free(&wk[i].tiff);
	}
}

/* ---- leader dots ---- */

#define LW 1200
#define LH 120

static void
fill_rect(unsigned char *g, int x0, int y0, int w, int h, unsigned char v)
{
	for (int y = y0; y < y0 + h; y++)
		for (int x = x0; x < x0 + w; x++)
			g[(size_t)y * LW + x] = v;
}

static int
ink_in(const unsigned char *g, int x0, int x1)
{
	int n = 0;
	for (int y = 0; y < LH; y++)
		for (int x = x0; x < x1; x++)
			n += g[(size_t)y * LW + x] < 128;
	return n;
}

/*
 * At 300 dpi: a "letter" (a 12x30 block), then 20 dots of 5 px every 12 px on
 * the baseline, a three-dot ellipsis, dots each under a letter (ạ ạ ạ ạ ạ ạ),
 * and dots with letters between them (1.2.3.4.5.6): only the first row goes.
 */
static void
test_erase_leaders(void **state)
{
	unsigned char *g = malloc((size_t)LW * LH);
	int i;

	(void)state;
	assert_non_null(g);
	memset(g, 230, (size_t)LW * LH);
	fill_rect(g, 20, 40, 12, 30, 0);
	for (i = 0; i < 20; i++)
		fill_rect(g, 50 + 12 * i, 65, 5, 5, 10);
	for (i = 0; i < 3; i++)
		fill_rect(g, 330 + 12 * i, 65, 5, 5, 10);
	for (i = 0; i < 6; i++) {	/* a letter, a gap of 2 px, its dot below */
		fill_rect(g, 420 + 20 * i, 40, 12, 22, 0);
		fill_rect(g, 424 + 20 * i, 64, 5, 5, 0);
	}
	for (i = 0; i < 6; i++) {	/* a digit, then a full stop */
		fill_rect(g, 600 + 22 * i, 40, 8, 30, 0);
		fill_rect(g, 612 + 22 * i, 65, 5, 5, 0);
	}
	assert_int_equal(hoso_img_erase_leaders(g, LW, LH, 300), 20);
	assert_int_equal(ink_in(g, 50, 300), 0);
	assert_int_equal(ink_in(g, 20, 32), 12 * 30);		/* the letter stays */
	assert_int_equal(ink_in(g, 330, 370), 3 * 25);		/* "..." stays */
	assert_int_equal(ink_in(g, 420, 560), 6 * (12 * 22 + 25));
	assert_int_equal(ink_in(g, 600, 740), 6 * (8 * 30 + 25));
	assert_int_equal(g[65 * LW + 52], 230);		/* painted as the paper around */
	/* Twice as far apart at 150 dpi is still a row of leaders; at 600 dpi the
	 * same dots are specks under the size of a printed dot. */
	memset(g, 255, (size_t)LW * LH);
	for (i = 0; i < 8; i++)
		fill_rect(g, 50 + 10 * i, 65, 4, 4, 0);
	assert_int_equal(hoso_img_erase_leaders(g, LW, LH, 150), 8);
	for (i = 0; i < 8; i++)
		fill_rect(g, 50 + 10 * i, 65, 2, 2, 0);
	assert_int_equal(hoso_img_erase_leaders(g, LW, LH, 600), 0);
	assert_int_equal(hoso_img_erase_leaders(NULL, LW, LH, 300), 0);
	free(g);
}

/* Salt and pepper on a page with one thick bar: filtered; the clean page is not. */
static void
test_despeckle(void **state)
{
	unsigned char *g = malloc((size_t)LW * LH);
	unsigned int seed = 7;
	int i, specks = 0;

	(void)state;
	assert_non_null(g);
	memset(g, 235, (size_t)LW * LH);
	fill_rect(g, 100, 40, 300, 20, 0);
	assert_int_equal(hoso_img_despeckle(g, LW, LH), 0);
	for (i = 0; i < LW * LH / 20; i++) {		/* 5% of the pixels */
		size_t at = (size_t)(rand_r(&seed) % (LW * LH));
		g[at] = g[at] < 128 ? 255 : 0;
	}
	assert_int_equal(hoso_img_despeckle(g, LW, LH), 1);
	for (int y = 0; y < LH; y++)
		for (int x = 0; x < LW; x++)
			if ((x < 100 || x >= 400 || y < 40 || y >= 60) && g[(size_t)y * LW + x] < 128)
				specks++;
	assert_true(specks < LW * LH / 2000);		/* from 5% to under 0.05% */
	assert_true(ink_in(g, 110, 390) >= 280 * 18);	/* the bar stays */
	assert_int_equal(hoso_img_despeckle(NULL, LW, LH), 0);
	free(g);
}

/* A w x h PPM (P6) whose pixels start at *px; free the result. */
static unsigned char *
ppm_new(int w, int h, unsigned char **px, size_t *len)
{
	unsigned char *ppm;
	char hdr[32];
	size_t head;

	head = (size_t)snprintf(hdr, sizeof(hdr), "P6\n%d %d\n255\n", w, h);
	assert_non_null(ppm = malloc(head + (size_t)w * h * 3));
	memcpy(ppm, hdr, head);
	*px = ppm + head;
	*len = head + (size_t)w * h * 3;
	return ppm;
}

/* A red seal over black print: pale in the grey copy recognition reads; blue ink stays. */
static void
test_red_dropped(void **state)
{
	struct hoso_img *img = NULL;
	struct hoso_err err;
	unsigned char *ppm, *px, *g = NULL;
	int w = 64, h = 16, gw, gh, x, y;
	size_t len;

	(void)state;
	ppm = ppm_new(w, h, &px, &len);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			/* columns: white, black print, red seal (print under it below), blue pen */
			static const unsigned char rgb[5][3] = { { 250, 250, 250 }, { 10, 10, 10 },
			    { 200, 35, 40 }, { 25, 20, 30 }, { 30, 40, 180 } };
			int band = x < 16 ? 0 : x < 32 ? 1 : x < 48 ? (y < 8 ? 2 : 3) : 4;
			memcpy(p, rgb[band], 3);
		}
	hoso_err_clear(&err);
	assert_int_equal(hoso_img_decode(ppm, len, "seal.ppm", MAX_PIXELS, &img, &err), 0);
	assert_int_equal(hoso_img_grey8_clean(img, 300, &g, &gw, &gh, &err), 0);
	assert_true(g[2 * gw + 20] < 40);	/* black print */
	assert_true(g[2 * gw + 40] > 180);	/* the seal: its red channel, pale */
	assert_true(g[12 * gw + 40] < 40);	/* print under the seal */
	assert_true(g[2 * gw + 56] < 90);	/* blue ink: its luminance, dark */
	free(g);
	hoso_img_free(img);
	free(ppm);
}

/*
 * A form filled in with a blue pen, on yellowed paper and under a blue cast:
 * the print keeps black and loses the pen, the pen copy the other way round,
 * grey and nearly-unfilled pages get no pen copy.
 */
static struct hoso_img *
pen_page(int w, int h, const unsigned char paper[3], int pen_cols, const char *label)
{
	struct hoso_img *img = NULL;
	struct hoso_err err;
	unsigned char *ppm, *px;
	size_t len;
	int x, y;

	ppm = ppm_new(w, h, &px, &len);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			/* black print (letter-like blocks) in the top rows, a blue pen below */
			static const unsigned char black[3] = { 15, 15, 20 }, blue[3] = { 40, 60, 170 };
			if (y >= 10 && y < 20 && x >= 10 && x < w - 10 && x % 26 < 20)
				memcpy(p, black, 3);
			else if (y >= 40 && y < 50 && x >= 10 && x < 10 + pen_cols)
				memcpy(p, blue, 3);
			else
				memcpy(p, paper, 3);
		}
	hoso_err_clear(&err);
	assert_int_equal(hoso_img_decode(ppm, len, label, MAX_PIXELS, &img, &err), 0);
	free(ppm);
	return img;
}

static void
test_pen_split(void **state)
{
	static const unsigned char papers[3][3] = { { 250, 250, 250 }, { 235, 225, 185 },
	    { 200, 215, 245 } };
	struct hoso_img *img;
	struct hoso_err err;
	unsigned char *print = NULL, *pen = NULL, *g = NULL;
	int w = 200, h = 60, gw, gh, k;

	(void)state;
	for (k = 0; k < 3; k++) {
		img = pen_page(w, h, papers[k], 150, "pen.ppm");
		hoso_err_clear(&err);
		assert_int_equal(hoso_img_grey8_form(img, 300, &print, &pen, &gw, &gh, &err), 0);
		assert_non_null(pen);
		assert_true(gw == w && gh == h);
		assert_true(print[15 * w + 110] < 60);		/* print: the black stays */
		assert_true(print[45 * w + 100] > 170);		/* ...the pen is gone */
		assert_true(pen[45 * w + 100] < 150);		/* pen: the stroke, dark */
		assert_true(pen[15 * w + 110] == 255);		/* ...and no print */
		assert_true(pen[5 * w + 5] == 255);		/* ...nor paper */
		free(print);
		free(pen);
		hoso_img_free(img);
	}
	/* a few blue pixels (10 of 30000) are a tick, not a filling */
	img = pen_page(w, 150, papers[0], 1, "tick.ppm");
	assert_int_equal(hoso_img_grey8_form(img, 300, &print, &pen, &gw, &gh, &err), 0);
	assert_null(pen);
	assert_true(print[45 * w + 10] < 170);		/* and it stays in the print */
	free(print);
	/* the clean copy of the same page is the print as ever: the pen stays in */
	assert_int_equal(hoso_img_grey8_clean(img, 300, &g, &gw, &gh, &err), 0);
	free(g);
	hoso_img_free(img);
}

/* Writing lines and digit boxes go from a form's print; letters, and strokes through a line, stay. */
static void
test_form_lines(void **state)
{
	struct hoso_img *img = NULL;
	struct hoso_err err;
	unsigned char *pgm, *print = NULL, *pen = NULL;
	int w = 600, h = 300, gw, gh, x, y, k;
	size_t head;
	char hdr[32];

	(void)state;
	head = (size_t)snprintf(hdr, sizeof(hdr), "P5\n%d %d\n255\n", w, h);
	assert_non_null(pgm = malloc(head + (size_t)w * h));
	memcpy(pgm, hdr, head);
	memset(pgm + head, 250, (size_t)w * h);
#define PX(x, y) pgm[head + (size_t)(y) * w + (x)]
	/* an underscore line 3 px thick, 500 px long (42 mm at 300 dpi) */
	for (y = 100; y < 103; y++)
		for (x = 50; x < 550; x++)
			PX(x, y) = 10;
	/* a letter's stem written through it */
	for (y = 70; y < 130; y++)
		for (x = 300; x < 304; x++)
			PX(x, y) = 10;
	/* a row of 8 digit boxes 70 px tall (6 mm), 50 px wide */
	for (k = 0; k <= 8; k++)
		for (y = 180; y < 250; y++)
			for (x = 50 + 50 * k; x < 53 + 50 * k; x++)
				PX(x, y) = 10;
	for (x = 50; x < 453; x++)
		for (k = 0; k < 3; k++)
			PX(x, 180 + k) = PX(x, 247 + k) = 10;
	/* a "1" typed in a box: 40 px tall (3.4 mm) */
	for (y = 195; y < 235; y++)
		for (x = 75; x < 79; x++)
			PX(x, y) = 10;
	/* letters: blocks 20x30 */
	for (y = 20; y < 50; y++)
		for (x = 50; x < 300; x++)
			if (x % 26 < 20)
				PX(x, y) = 10;
#undef PX
	hoso_err_clear(&err);
	assert_int_equal(hoso_img_decode(pgm, head + (size_t)w * h, "lines.pgm", MAX_PIXELS, &img,
	    &err), 0);
	assert_int_equal(hoso_img_grey8_form(img, 300, &print, &pen, &gw, &gh, &err), 0);
	assert_null(pen);
	assert_true(print[101 * w + 100] > 200);	/* the line is gone */
	assert_true(print[101 * w + 301] < 60);		/* the stem through it stays */
	assert_true(print[90 * w + 301] < 60);
	assert_true(print[210 * w + 101] > 200);	/* box walls go */
	assert_true(print[181 * w + 200] > 200);
	assert_true(print[215 * w + 76] < 60);		/* the digit in the box stays */
	assert_true(print[30 * w + 60] < 60);		/* letters stay */
	free(print);
	hoso_img_free(img);
	free(pgm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_probe_real),
		cmocka_unit_test(test_probe_refuses_bomb),
		cmocka_unit_test(test_probe_refuses_garbage),
		cmocka_unit_test(test_decode_pnm),
		cmocka_unit_test(test_orientation),
		cmocka_unit_test(test_orientation_reduced),
		cmocka_unit_test(test_orientation_off),
		cmocka_unit_test(test_deskew),
		cmocka_unit_test(test_straight_page_untouched),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_not_blank),
		cmocka_unit_test(test_blank_off),
		cmocka_unit_test(test_depth_preserved),
		cmocka_unit_test(test_tiff_roundtrip),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_erase_leaders),
		cmocka_unit_test(test_despeckle),
		cmocka_unit_test(test_red_dropped),
		cmocka_unit_test(test_pen_split),
		cmocka_unit_test(test_form_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
