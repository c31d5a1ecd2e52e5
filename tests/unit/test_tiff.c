/*
 * test_tiff.c - unit tests for lib/tiff.c: page count, page info, raw page
 * extraction (same compressed bytes, same decoded pixels, same output every
 * time) and refusal of truncated, looping and hostile files.
 *
 * The fixtures are written here with libtiff itself (into a mkdtemp
 * directory) or put together byte by byte for the broken ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <leptonica/allheaders.h>
#include <tiffio.h>

#include "buf.h"
#include "err.h"
#include "tiff.h"

struct blob {
	unsigned char *data;
	size_t len;
};

struct fixtures {
	char dir[64];
	struct blob multi;	/* G4 1-bit, LZW+predictor grey, JPEG YCbCr */
	struct blob variety;	/* big-endian: tiled palette, planar RGB, 16-bit, RGBA, G3 */
	struct blob big;	/* BigTIFF, one LZW page */
};

/* Pixel patterns the fixtures are made of. */
static int
g4_bit(uint32_t x, uint32_t y)
{
	return (int)(((x / 10 + y / 10) % 2) ^ (x == y));
}

static unsigned char
grey_at(uint32_t x, uint32_t y)
{
	return (unsigned char)((x * 3 + y * 2) & 0xff);
}

static void
read_whole(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b->data = malloc((size_t)n);
	assert_non_null(b->data);
	assert_int_equal(fread(b->data, 1, (size_t)n, f), (size_t)n);
	b->len = (size_t)n;
	fclose(f);
	assert_int_equal(unlink(path), 0);
}

static void
write_g4_page(TIFF *tif, uint32_t w, uint32_t h)
{
	unsigned char line[64];
	uint32_t x, y;

	assert_true(w <= 8 * sizeof(line));
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, h);
	TIFFSetField(tif, TIFFTAG_XRESOLUTION, 300.0);
	TIFFSetField(tif, TIFFTAG_YRESOLUTION, 300.0);
	TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	for (y = 0; y < h; y++) {
		memset(line, 0, sizeof(line));
		for (x = 0; x < w; x++)
			if (g4_bit(x, y))
				line[x / 8] |= (unsigned char)(0x80 >> (x % 8));
		assert_int_equal(TIFFWriteScanline(tif, line, y, 0), 1);
	}
	assert_int_equal(TIFFWriteDirectory(tif), 1);
}

static void
make_multi(const char *path)
{
	unsigned char line[3 * 256], strip[64 * 16 * 3];
	TIFF *tif = TIFFOpen(path, "w");
	uint32_t x, y, s;

	assert_non_null(tif);
	/* page 1: G4 */
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
	write_g4_page(tif, 200, 100);

	/* page 2: LZW 8-bit grey with horizontal predictor, resolution in cm */
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 150);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 80);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
	TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 16);
	TIFFSetField(tif, TIFFTAG_XRESOLUTION, 78.74);
	TIFFSetField(tif, TIFFTAG_YRESOLUTION, 78.74);
	TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
	for (y = 0; y < 80; y++) {
		for (x = 0; x < 150; x++)
			line[x] = grey_at(x, y);
		assert_int_equal(TIFFWriteScanline(tif, line, y, 0), 1);
	}
	assert_int_equal(TIFFWriteDirectory(tif), 1);

	/* page 3: JPEG, RGB given, stored as YCbCr 2x2; no resolution */
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 64);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 48);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
	TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
	TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 90);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 16);
	for (s = 0; s < 3; s++) {
		for (y = 0; y < 16; y++)
			for (x = 0; x < 64; x++) {
				strip[(y * 64 + x) * 3] = (unsigned char)(x * 4);
				strip[(y * 64 + x) * 3 + 1] = (unsigned char)((s * 16 + y) * 5);
				strip[(y * 64 + x) * 3 + 2] = 128;
			}
		assert_true(TIFFWriteEncodedStrip(tif, s, strip, sizeof(strip)) > 0);
	}
	assert_int_equal(TIFFWriteDirectory(tif), 1);
	TIFFClose(tif);
}

static void
make_variety(const char *path)
{
	unsigned char tile[32 * 32], line[4 * 64], icc[200];
	uint16_t red[256], green[256], blue[256], line16[64], extra = EXTRASAMPLE_UNASSALPHA;
	TIFF *tif = TIFFOpen(path, "wb");
	uint32_t x, y, tx, ty, i;
	uint16_t smp;

	assert_non_null(tif);
	/* page 1: palette, deflate, 32x32 tiles */
	for (i = 0; i < 256; i++) {
		red[i] = (uint16_t)(i * 257);
		green[i] = (uint16_t)((255 - i) * 257);
		blue[i] = (uint16_t)((i * 7 % 256) * 257);
	}
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 70);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 50);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_PALETTE);
	TIFFSetField(tif, TIFFTAG_COLORMAP, red, green, blue);
	TIFFSetField(tif, TIFFTAG_TILEWIDTH, 32);
	TIFFSetField(tif, TIFFTAG_TILELENGTH, 32);
	for (ty = 0; ty < 50; ty += 32)
		for (tx = 0; tx < 70; tx += 32) {
			for (y = 0; y < 32; y++)
				for (x = 0; x < 32; x++)
					tile[y * 32 + x] = grey_at(tx + x, ty + y);
			assert_true(TIFFWriteTile(tif, tile, tx, ty, 0, 0) > 0);
		}
	assert_int_equal(TIFFWriteDirectory(tif), 1);

	/* page 2: uncompressed RGB, separate planes, 3 strips each */
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 40);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 30);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_SEPARATE);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 10);
	for (smp = 0; smp < 3; smp++)
		for (y = 0; y < 30; y++) {
			for (x = 0; x < 40; x++)
				line[x] = (unsigned char)(grey_at(x, y) + smp * 60);
			assert_int_equal(TIFFWriteScanline(tif, line, y, smp), 1);
		}
	assert_int_equal(TIFFWriteDirectory(tif), 1);

	/* page 3: uncompressed 16-bit grey (big-endian samples), ICC, orientation */
	for (i = 0; i < sizeof(icc); i++)
		icc[i] = (unsigned char)(i * 13);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 33);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 21);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 16);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 7);
	TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_BOTRIGHT);
	TIFFSetField(tif, TIFFTAG_ICCPROFILE, (uint32_t)sizeof(icc), icc);
	for (y = 0; y < 21; y++) {
		for (x = 0; x < 33; x++)
			line16[x] = (uint16_t)(x * 1000 + y * 17);
		assert_int_equal(TIFFWriteScanline(tif, line16, y, 0), 1);
	}
	assert_int_equal(TIFFWriteDirectory(tif), 1);

	/* page 4: RGBA (unassociated alpha), LZW with predictor */
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 20);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 20);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 4);
	TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &extra);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
	TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 20);
	for (y = 0; y < 20; y++) {
		for (x = 0; x < 80; x++)
			line[x] = grey_at(x, y);
		assert_int_equal(TIFFWriteScanline(tif, line, y, 0), 1);
	}
	assert_int_equal(TIFFWriteDirectory(tif), 1);

	/* page 5: G3 2-D with fill bits, least significant bit first */
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX3);
	TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, GROUP3OPT_2DENCODING | GROUP3OPT_FILLBITS);
	TIFFSetField(tif, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
	write_g4_page(tif, 120, 40);
	TIFFClose(tif);
}

static void
make_big(const char *path)
{
	unsigned char line[100];
	TIFF *tif = TIFFOpen(path, "w8");
	uint32_t x, y;

	assert_non_null(tif);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 100);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 60);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 25);
	for (y = 0; y < 60; y++) {
		for (x = 0; x < 100; x++)
			line[x] = grey_at(x, y);
		assert_int_equal(TIFFWriteScanline(tif, line, y, 0), 1);
	}
	TIFFClose(tif);
}

static int
setup(void **state)
{
	struct fixtures *fx = calloc(1, sizeof(*fx));
	char path[128];

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/hoso-test-tiff-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/multi.tif", fx->dir);
	make_multi(path);
	read_whole(path, &fx->multi);
	snprintf(path, sizeof(path), "%s/variety.tif", fx->dir);
	make_variety(path);
	read_whole(path, &fx->variety);
	snprintf(path, sizeof(path), "%s/big.tif", fx->dir);
	make_big(path);
	read_whole(path, &fx->big);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixtures *fx = *state;

	rmdir(fx->dir);
	free(fx->multi.data);
	free(fx->variety.data);
	free(fx->big.data);
	free(fx);
	return 0;
}

/* Reading a TIFF held in memory with plain libtiff, to check our output. */
struct memsrc {
	const unsigned char *p;
	size_t len;
	uint64_t pos;
};

static tmsize_t
m_read(thandle_t h, void *buf, tmsize_t n)
{
	struct memsrc *m = h;
	size_t k;

	if (m->pos >= m->len)
		return 0;
	k = (size_t)n < m->len - m->pos ? (size_t)n : m->len - (size_t)m->pos;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (tmsize_t)k;
}

static tmsize_t
m_write(thandle_t h, void *buf, tmsize_t n)
{
	(void)h;
	(void)buf;
	(void)n;
	return -1;
}

static toff_t
m_seek(thandle_t h, toff_t off, int whence)
{
	struct memsrc *m = h;

	if (whence == SEEK_CUR)
		off += m->pos;
	else if (whence == SEEK_END)
		off += m->len;
	m->pos = off;
	return off;
}

static int
m_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t
m_size(thandle_t h)
{
	return ((struct memsrc *)h)->len;
}

static int
m_map(thandle_t h, void **base, toff_t *size)
{
	(void)h;
	(void)base;
	(void)size;
	return 0;
}

static void
m_unmap(thandle_t h, void *base, toff_t size)
{
	(void)h;
	(void)base;
	(void)size;
}

static TIFF *
mem_open(struct memsrc *m, const void *p, size_t len)
{
	m->p = p;
	m->len = len;
	m->pos = 0;
	return TIFFClientOpen("mem", "rc", m, m_read, m_write, m_seek, m_close, m_size,
	    m_map, m_unmap);
}

static uint32_t
tag32(TIFF *tif, uint32_t tag)
{
	uint32_t v = 0;

	TIFFGetFieldDefaulted(tif, tag, &v);
	return v;
}

static uint16_t
tag16(TIFF *tif, uint32_t tag)
{
	uint16_t v = 0;

	TIFFGetFieldDefaulted(tif, tag, &v);
	return v;
}

/*
 * The single-page TIFF ext holds page of orig: same tags that matter, the
 * same compressed bytes in every strip or tile, the same decoded strips and
 * the same RGBA raster.
 */
static void
assert_same_page(const struct blob *orig, int page, const void *ext, size_t ext_len)
{
	static const uint32_t tags16[] = {
		TIFFTAG_BITSPERSAMPLE, TIFFTAG_SAMPLESPERPIXEL, TIFFTAG_COMPRESSION,
		TIFFTAG_PHOTOMETRIC, TIFFTAG_PLANARCONFIG, TIFFTAG_FILLORDER,
		TIFFTAG_ORIENTATION, TIFFTAG_SAMPLEFORMAT, TIFFTAG_RESOLUTIONUNIT,
	};
	struct memsrc ma, mb;
	TIFF *a = mem_open(&ma, orig->data, orig->len);
	TIFF *b = mem_open(&mb, ext, ext_len);
	unsigned char *ra, *rb, *da, *db;
	uint32_t w, h, n, i;
	uint32_t *pa, *pb;
	uint64_t *bc;
	tmsize_t sz, ka, kb;
	float fa, fb;
	int tiled;
	size_t k;

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(TIFFSetDirectory(a, (tdir_t)page), 1);
	assert_int_equal(TIFFNumberOfDirectories(b), 1);
	/* the output keeps the input's byte order */
	assert_int_equal(TIFFIsBigEndian(a), TIFFIsBigEndian(b));
	w = tag32(a, TIFFTAG_IMAGEWIDTH);
	h = tag32(a, TIFFTAG_IMAGELENGTH);
	assert_int_equal(w, tag32(b, TIFFTAG_IMAGEWIDTH));
	assert_int_equal(h, tag32(b, TIFFTAG_IMAGELENGTH));
	for (k = 0; k < sizeof(tags16) / sizeof(tags16[0]); k++)
		assert_int_equal(tag16(a, tags16[k]), tag16(b, tags16[k]));
	fa = fb = 0;
	assert_int_equal(TIFFGetField(a, TIFFTAG_XRESOLUTION, &fa),
	    TIFFGetField(b, TIFFTAG_XRESOLUTION, &fb));
	assert_true(fa == fb);
	tiled = TIFFIsTiled(a);
	assert_int_equal(tiled, TIFFIsTiled(b));
	n = tiled ? TIFFNumberOfTiles(a) : TIFFNumberOfStrips(a);
	assert_int_equal(n, tiled ? TIFFNumberOfTiles(b) : TIFFNumberOfStrips(b));
	sz = tiled ? TIFFTileSize(a) : TIFFStripSize(a);
	assert_true(sz > 0);
	da = malloc((size_t)sz);
	db = malloc((size_t)sz);
	assert_non_null(da);
	assert_non_null(db);
	assert_int_equal(TIFFGetField(a, tiled ? TIFFTAG_TILEBYTECOUNTS : TIFFTAG_STRIPBYTECOUNTS,
	    &bc), 1);
	for (i = 0; i < n; i++) {
		/* compressed bytes copied unchanged */
		ra = malloc((size_t)bc[i]);
		rb = malloc((size_t)bc[i]);
		assert_non_null(ra);
		assert_non_null(rb);
		ka = tiled ? TIFFReadRawTile(a, i, ra, (tmsize_t)bc[i]) :
		    TIFFReadRawStrip(a, i, ra, (tmsize_t)bc[i]);
		kb = tiled ? TIFFReadRawTile(b, i, rb, (tmsize_t)bc[i]) :
		    TIFFReadRawStrip(b, i, rb, (tmsize_t)bc[i]);
		assert_int_equal(ka, (tmsize_t)bc[i]);
		assert_int_equal(kb, ka);
		assert_memory_equal(ra, rb, (size_t)ka);
		free(ra);
		free(rb);
		/* and they decode the same (libtiff need not fill every byte) */
		memset(da, 0, (size_t)sz);
		memset(db, 0, (size_t)sz);
		ka = tiled ? TIFFReadEncodedTile(a, i, da, sz) : TIFFReadEncodedStrip(a, i, da, sz);
		kb = tiled ? TIFFReadEncodedTile(b, i, db, sz) : TIFFReadEncodedStrip(b, i, db, sz);
		assert_true(ka > 0);
		assert_int_equal(ka, kb);
		assert_memory_equal(da, db, (size_t)ka);
	}
	free(da);
	free(db);

	pa = calloc((size_t)w * h, sizeof(*pa));
	pb = calloc((size_t)w * h, sizeof(*pb));
	assert_non_null(pa);
	assert_non_null(pb);
	assert_int_equal(TIFFReadRGBAImage(a, w, h, pa, 0), 1);
	assert_int_equal(TIFFReadRGBAImage(b, w, h, pb, 0), 1);
	assert_memory_equal(pa, pb, (size_t)w * h * sizeof(*pa));
	free(pa);
	free(pb);
	TIFFClose(a);
	TIFFClose(b);
}

static void
extract_ok(const struct blob *src, const char *label, int page, struct hoso_buf *out)
{
	struct hoso_tiff *t = NULL;
	struct hoso_err err;

	hoso_err_clear(&err);
	assert_int_equal(hoso_tiff_open(src->data, src->len, label, &t, &err), 0);
	if (hoso_tiff_extract(t, page, out, &err) != 0)
		fail_msg("extract page %d: %s", page + 1, err.msg);
	hoso_tiff_close(t);
}

static void
test_is(void **state)
{
	struct fixtures *fx = *state;
	static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00";
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n";
	static const unsigned char ii[] = "II*\0\x08\0\0\0";
	static const unsigned char mm[] = "MM\0*\0\0\0\x08";
	static const unsigned char bt[] = "II+\0\x08\0\0\0";

	assert_true(hoso_tiff_is(fx->multi.data, fx->multi.len));
	assert_true(hoso_tiff_is(fx->variety.data, fx->variety.len));
	assert_true(hoso_tiff_is(fx->big.data, fx->big.len));
	assert_true(hoso_tiff_is(ii, 8));
	assert_true(hoso_tiff_is(mm, 8));
	assert_true(hoso_tiff_is(bt, 8));
	assert_false(hoso_tiff_is(gif, 10));
	assert_false(hoso_tiff_is(png, 8));
	assert_false(hoso_tiff_is("IM*\0\x08\0\0\0", 8));
	assert_false(hoso_tiff_is(ii, 3));
	assert_false(hoso_tiff_is(NULL, 0));
	assert_false(hoso_tiff_is("", 0));
}

static void
test_count_and_info(void **state)
{
	struct fixtures *fx = *state;
	struct hoso_tiff_info info;
	struct hoso_tiff *t = NULL;
	struct hoso_err err;
	int n = -1;

	hoso_err_clear(&err);
	assert_int_equal(hoso_tiff_open(fx->multi.data, fx->multi.len, "scan.tif", &t, &err), 0);
	assert_int_equal(hoso_tiff_count(t, &n, &err), 0);
	assert_int_equal(n, 3);

	/* pages out of order on purpose: info must not depend on the last page read */
	assert_int_equal(hoso_tiff_page_info(t, 2, &info, &err), 0);
	assert_int_equal(info.width, 64);
	assert_int_equal(info.height, 48);
	assert_int_equal(info.bits_per_sample, 8);
	assert_int_equal(info.samples_per_pixel, 3);
	assert_int_equal(info.compression, 7);
	assert_true(info.xres == 0 && info.yres == 0);

	assert_int_equal(hoso_tiff_page_info(t, 0, &info, &err), 0);
	assert_int_equal(info.width, 200);
	assert_int_equal(info.height, 100);
	assert_int_equal(info.bits_per_sample, 1);
	assert_int_equal(info.samples_per_pixel, 1);
	assert_int_equal(info.compression, 4);
	assert_true(info.xres == 300.0 && info.yres == 300.0);

	assert_int_equal(hoso_tiff_page_info(t, 1, &info, &err), 0);
	assert_int_equal(info.width, 150);
	assert_int_equal(info.height, 80);
	assert_int_equal(info.bits_per_sample, 8);
	assert_int_equal(info.samples_per_pixel, 1);
	assert_int_equal(info.compression, 5);
	/* 78.74 pixels per centimetre is 200 per inch */
	assert_true(info.xres > 199.99 && info.xres < 200.01);
	assert_true(info.yres > 199.99 && info.yres < 200.01);

	/* a page that is not there is the caller's mistake */
	assert_int_equal(hoso_tiff_page_info(t, 3, &info, &err), HOSO_EUSAGE);
	assert_int_equal(hoso_tiff_page_info(t, -1, &info, &err), HOSO_EUSAGE);
	hoso_tiff_close(t);

	assert_int_equal(hoso_tiff_open(fx->variety.data, fx->variety.len, "v.tif", &t, &err), 0);
	assert_int_equal(hoso_tiff_count(t, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(hoso_tiff_page_info(t, 2, &info, &err), 0);
	assert_int_equal(info.bits_per_sample, 16);
	assert_int_equal(info.compression, 1);
	hoso_tiff_close(t);
}

/* The extracted pages decode, with libtiff, to exactly the pixels written. */
static void
test_extract_pixels(void **state)
{
	struct fixtures *fx = *state;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	unsigned char line[256];
	struct memsrc m;
	uint32_t x, y;
	TIFF *tif;
	int page;

	for (page = 0; page < 3; page++) {
		hoso_buf_reset(&out);
		extract_ok(&fx->multi, "scan.tif", page, &out);
		assert_true(hoso_tiff_is(out.data, out.len));
		/* classic TIFF out */
		assert_int_equal((unsigned char)out.data[2], 42);
		assert_same_page(&fx->multi, page, out.data, out.len);
	}

	/* the G4 page is the pattern we drew */
	hoso_buf_reset(&out);
	extract_ok(&fx->multi, "scan.tif", 0, &out);
	tif = mem_open(&m, out.data, out.len);
	assert_non_null(tif);
	for (y = 0; y < 100; y++) {
		assert_int_equal(TIFFReadScanline(tif, line, y, 0), 1);
		for (x = 0; x < 200; x++)
			assert_int_equal((line[x / 8] >> (7 - x % 8)) & 1, g4_bit(x, y));
	}
	TIFFClose(tif);

	/* so is the LZW page */
	hoso_buf_reset(&out);
	extract_ok(&fx->multi, "scan.tif", 1, &out);
	tif = mem_open(&m, out.data, out.len);
	assert_non_null(tif);
	for (y = 0; y < 80; y++) {
		assert_int_equal(TIFFReadScanline(tif, line, y, 0), 1);
		for (x = 0; x < 150; x++)
			assert_int_equal(line[x], grey_at(x, y));
	}
	TIFFClose(tif);
	hoso_buf_free(&out);
}

/* Leptonica, which decodes the stored pages later, sees the same image. */
static void
test_extract_leptonica(void **state)
{
	struct fixtures *fx = *state;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	PIX *orig, *ext;
	l_int32 same;
	int page;

	for (page = 0; page < 3; page++) {
		hoso_buf_reset(&out);
		extract_ok(&fx->multi, "scan.tif", page, &out);
		orig = pixReadMemTiff(fx->multi.data, fx->multi.len, page);
		ext = pixReadMem((const l_uint8 *)out.data, out.len);
		assert_non_null(orig);
		assert_non_null(ext);
		assert_int_equal(pixGetWidth(orig), pixGetWidth(ext));
		assert_int_equal(pixGetDepth(orig), pixGetDepth(ext));
		same = 0;
		assert_int_equal(pixEqual(orig, ext, &same), 0);
		assert_true(same);
		pixDestroy(&orig);
		pixDestroy(&ext);
	}
	hoso_buf_free(&out);
}

static void
test_extract_variety(void **state)
{
	struct fixtures *fx = *state;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct memsrc m;
	uint32_t count = 0;
	unsigned char *icc = NULL;
	TIFF *tif;
	int page;

	for (page = 0; page < 5; page++) {
		hoso_buf_reset(&out);
		extract_ok(&fx->variety, "v.tif", page, &out);
		/* big-endian in, big-endian out: the 16-bit samples depend on it */
		assert_memory_equal(out.data, "MM", 2);
		assert_same_page(&fx->variety, page, out.data, out.len);
	}

	/* the ICC profile travels with its page */
	hoso_buf_reset(&out);
	extract_ok(&fx->variety, "v.tif", 2, &out);
	tif = mem_open(&m, out.data, out.len);
	assert_non_null(tif);
	assert_int_equal(TIFFGetField(tif, TIFFTAG_ICCPROFILE, &count, &icc), 1);
	assert_int_equal(count, 200);
	assert_int_equal(icc[13], (unsigned char)(13 * 13));
	TIFFClose(tif);
	hoso_buf_free(&out);
}

static void
test_bigtiff_in_classic_out(void **state)
{
	struct fixtures *fx = *state;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_tiff_info info;
	struct hoso_tiff *t = NULL;
	struct hoso_err err;
	int n = 0;

	assert_int_equal(fx->big.data[2], 43);
	assert_int_equal(hoso_tiff_open(fx->big.data, fx->big.len, "big.tif", &t, &err), 0);
	assert_int_equal(hoso_tiff_count(t, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hoso_tiff_page_info(t, 0, &info, &err), 0);
	assert_int_equal(info.width, 100);
	assert_int_equal(hoso_tiff_extract(t, 0, &out, &err), 0);
	hoso_tiff_close(t);
	assert_int_equal((unsigned char)out.data[2], 42);
	assert_same_page(&fx->big, 0, out.data, out.len);
	hoso_buf_free(&out);
}

static void
test_extract_deterministic(void **state)
{
	struct fixtures *fx = *state;
	struct hoso_buf a = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);
	struct hoso_tiff *t = NULL;
	struct hoso_err err;
	int page;

	for (page = 0; page < 3; page++) {
		hoso_buf_reset(&a);
		hoso_buf_reset(&b);
		extract_ok(&fx->multi, "scan.tif", page, &a);
		/* a second handle, and other pages read in between */
		assert_int_equal(hoso_tiff_open(fx->multi.data, fx->multi.len, "other.tif", &t,
		    &err), 0);
		assert_int_equal(hoso_tiff_extract(t, 2 - page, &b, &err), 0);
		hoso_buf_reset(&b);
		assert_int_equal(hoso_tiff_extract(t, page, &b, &err), 0);
		hoso_tiff_close(t);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
	}

	/* extract appends: what was in the buffer stays in front */
	hoso_buf_reset(&b);
	assert_int_equal(hoso_buf_adds(&b, "prefix", &err), 0);
	extract_ok(&fx->multi, "scan.tif", 2, &b);
	assert_int_equal(b.len, 6 + a.len);
	assert_memory_equal(b.data, "prefix", 6);
	assert_memory_equal(b.data + 6, a.data, a.len);
	hoso_buf_free(&a);
	hoso_buf_free(&b);
}

/* An output buffer too small fails cleanly and is left as it was. */
static void
test_extract_limit(void **state)
{
	struct fixtures *fx = *state;
	struct hoso_buf out = HOSO_BUF_INIT(300);
	struct hoso_tiff *t = NULL;
	struct hoso_err err;

	assert_int_equal(hoso_buf_adds(&out, "keep", &err), 0);
	assert_int_equal(hoso_tiff_open(fx->multi.data, fx->multi.len, "scan.tif", &t, &err), 0);
	assert_int_equal(hoso_tiff_extract(t, 1, &out, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "scan.tif: page 2: "));
	assert_int_equal(out.len, 4);
	assert_string_equal(out.data, "keep");
	hoso_tiff_close(t);
	hoso_buf_free(&out);
}

/*
 * Hand-made little-endian files: every IFD first, then the pixels, so a
 * cut or a lie in one page's strip leaves the page chain intact.
 */
struct craft_page {
	uint32_t width, height, rows_per_strip;
	uint16_t compression, samples, planar;
	uint32_t strip_bytes;	/* claimed; 0 means width * height */
};

#define CRAFT_ENTRIES 10

static void
put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void
put_entry(unsigned char **pp, uint16_t tag, uint16_t type, uint32_t value)
{
	unsigned char *p = *pp;

	put16(p, tag);
	put16(p + 2, type);
	put32(p + 4, 1);
	if (type == 3) {
		put16(p + 8, value);
		put16(p + 10, 0);
	} else
		put32(p + 8, value);
	*pp = p + 12;
}

/* Returns a malloc'd file of n pages; loop makes the last page point back to the first. */
static unsigned char *
craft(const struct craft_page *pages, int n, int loop, size_t *len)
{
	const size_t ifd_size = 2 + 12 * CRAFT_ENTRIES + 4;
	size_t data_at = 8 + (size_t)n * ifd_size, total = data_at, at;
	unsigned char *file, *p;
	uint32_t k, i;
	int pg;

	for (pg = 0; pg < n; pg++)
		total += (size_t)pages[pg].width * pages[pg].height;
	file = calloc(1, total);
	assert_non_null(file);
	memcpy(file, "II*\0", 4);
	put32(file + 4, 8);
	at = data_at;
	for (pg = 0; pg < n; pg++) {
		const struct craft_page *cp = &pages[pg];

		p = file + 8 + (size_t)pg * ifd_size;
		put16(p, CRAFT_ENTRIES);
		p += 2;
		put_entry(&p, 256, 4, cp->width);
		put_entry(&p, 257, 4, cp->height);
		put_entry(&p, 258, 3, 8);
		put_entry(&p, 259, 3, cp->compression);
		put_entry(&p, 262, 3, cp->samples == 3 ? 2 : 1);
		put_entry(&p, 273, 4, (uint32_t)at);
		put_entry(&p, 277, 3, cp->samples);
		put_entry(&p, 278, 4, cp->rows_per_strip);
		put_entry(&p, 279, 4, cp->strip_bytes ? cp->strip_bytes :
		    cp->width * cp->height);
		put_entry(&p, 284, 3, cp->planar);
		if (pg + 1 < n)
			put32(p, (uint32_t)(8 + (size_t)(pg + 1) * ifd_size));
		else
			put32(p, loop ? 8 : 0);
		for (i = 0; i < cp->height; i++)
			for (k = 0; k < cp->width; k++)
				file[at++] = grey_at(k, i);
	}
	*len = total;
	return file;
}

static const struct craft_page plain_page = { 16, 8, 8, 1, 1, 1, 0 };

/* Run count, info and extract over every page; return the first failure. */
static int
try_all(const void *data, size_t len, const char *label, struct hoso_err *err)
{
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_tiff_info info;
	struct hoso_tiff *t = NULL;
	int n = 0, page, r;

	if ((r = hoso_tiff_open(data, len, label, &t, err)) != 0)
		goto out;
	if ((r = hoso_tiff_count(t, &n, err)) != 0)
		goto out;
	for (page = 0; page < n; page++) {
		if ((r = hoso_tiff_page_info(t, page, &info, err)) != 0)
			goto out;
		hoso_buf_reset(&out);
		if ((r = hoso_tiff_extract(t, page, &out, err)) != 0)
			goto out;
	}
out:
	hoso_tiff_close(t);
	hoso_buf_free(&out);
	return r;
}

static void
test_crafted_ok(void **state)
{
	struct craft_page pages[3] = { plain_page, plain_page, plain_page };
	struct blob file;
	struct hoso_err err;

	(void)state;
	pages[1].width = 24;
	file.data = craft(pages, 3, 0, &file.len);
	/* the builder itself makes good files */
	hoso_err_clear(&err);
	assert_int_equal(try_all(file.data, file.len, "ok.tif", &err), 0);
	{
		struct hoso_buf out = HOSO_BUF_INIT(0);

		extract_ok(&file, "ok.tif", 1, &out);
		assert_same_page(&file, 1, out.data, out.len);
		hoso_buf_free(&out);
	}
	free(file.data);
}

static void
test_truncated(void **state)
{
	struct fixtures *fx = *state;
	struct craft_page pages[3] = { plain_page, plain_page, plain_page };
	struct hoso_err err;
	unsigned char *file;
	size_t len, cut;
	static const size_t cuts[] = { 9, 16, 100, 200, 1000 };
	size_t k;

	/* the third page's strip runs past the end */
	file = craft(pages, 3, 0, &len);
	hoso_err_clear(&err);
	assert_int_equal(try_all(file, len - 5, "scan.tif", &err), HOSO_EINPUT);
	assert_string_equal(err.msg,
	    "scan.tif: page 3: strip 1 lies past the end of the data (truncated file?)");
	/*
	 * a strip that claims more bytes than the file holds (compressed:
	 * libtiff would re-estimate an uncompressed single strip itself)
	 */
	pages[1].compression = COMPRESSION_LZW;
	pages[1].strip_bytes = 1u << 30;
	free(file);
	file = craft(pages, 3, 0, &len);
	assert_int_equal(try_all(file, len, "scan.tif", &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "scan.tif: page 2: strip 1 lies past the end"));
	/* an uncompressed last strip one byte short, the file ending with it */
	pages[1] = plain_page;
	pages[2].strip_bytes = 16 * 8 - 1;
	free(file);
	file = craft(pages, 3, 0, &len);
	assert_int_equal(try_all(file, len - 1, "scan.tif", &err), HOSO_EINPUT);
	assert_memory_equal(err.msg, "scan.tif: page 3: strip 1 ", 26);
	free(file);

	/* libtiff-written files cut anywhere: never accepted whole, always EINPUT */
	for (cut = 8; cut < fx->multi.len; cut += 97) {
		hoso_err_clear(&err);
		if (try_all(fx->multi.data, cut, "cut.tif", &err) != HOSO_EINPUT)
			fail_msg("cut at %zu of %zu accepted", cut, fx->multi.len);
		assert_memory_equal(err.msg, "cut.tif: ", 9);
	}
	for (k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
		assert_int_equal(try_all(fx->multi.data, fx->multi.len - cuts[k], "cut.tif", &err),
		    HOSO_EINPUT);
	}
}

static void
test_loop(void **state)
{
	struct craft_page pages[3] = { plain_page, plain_page, plain_page };
	struct hoso_tiff *t = NULL;
	struct hoso_err err;
	unsigned char *file;
	size_t len;
	int n = -1;

	(void)state;
	file = craft(pages, 3, 1, &len);
	hoso_err_clear(&err);
	assert_int_equal(hoso_tiff_open(file, len, "loop.tif", &t, &err), 0);
	assert_int_equal(hoso_tiff_count(t, &n, &err), HOSO_EINPUT);
	assert_memory_equal(err.msg, "loop.tif: broken page chain: ", 29);
	assert_int_equal(n, 0);
	hoso_tiff_close(t);

	/* a page pointing at itself */
	free(file);
	file = craft(pages, 1, 1, &len);
	assert_int_equal(try_all(file, len, "self.tif", &err), HOSO_EINPUT);
	free(file);
}

static void
test_hostile_directories(void **state)
{
	struct craft_page page = plain_page;
	struct hoso_err err;
	unsigned char *file;
	size_t len;

	(void)state;
	/* old-style JPEG is refused by name */
	page.compression = COMPRESSION_OJPEG;
	file = craft(&page, 1, 0, &len);
	hoso_err_clear(&err);
	assert_int_equal(try_all(file, len, "old.tif", &err), HOSO_EINPUT);
	assert_string_equal(err.msg, "old.tif: page 1: unsupported old-style JPEG TIFF");
	free(file);

	/* a compression libtiff does not know */
	page.compression = 12345;
	file = craft(&page, 1, 0, &len);
	assert_int_equal(try_all(file, len, "odd.tif", &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "odd.tif: page 1: "));
	free(file);

	/* a million rows of one strip each, in three planes: too many strips */
	page = plain_page;
	page.height = 1000000;
	page.rows_per_strip = 1;
	page.samples = 3;
	page.planar = 2;
	page.width = 1;
	file = craft(&page, 1, 0, &len);
	assert_int_equal(try_all(file, len, "strips.tif", &err), HOSO_EINPUT);
	assert_string_equal(err.msg,
	    "strips.tif: page 1: too many strips: 3000000 (the limit is 1048576)");
	free(file);

	/* absurd size */
	page = plain_page;
	page.width = 4000000;
	page.height = 1;
	page.strip_bytes = 16;
	file = craft(&page, 1, 0, &len);
	assert_int_equal(try_all(file, 16 * 8 + 8 + 2 + 12 * CRAFT_ENTRIES + 4, "wide.tif", &err),
	    HOSO_EINPUT);
	assert_string_equal(err.msg,
	    "wide.tif: page 1: image size 4000000x1 is over the limit of 1048576");
	free(file);
}

/* Garbage is refused, and libtiff's complaints never reach stderr. */
static void
test_garbage(void **state)
{
	struct fixtures *fx = *state;
	char path[128];
	unsigned char junk[4096];
	struct hoso_tiff *t = NULL;
	struct hoso_err err;
	uint32_t seed = 12345;
	int saved, fd, round;
	size_t i;
	off_t said;

	snprintf(path, sizeof(path), "%s/stderr", fx->dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);

	hoso_err_clear(&err);
	assert_int_equal(hoso_tiff_open("hello, world", 12, "hello.txt", &t, &err), HOSO_EINPUT);
	assert_null(t);
	assert_string_equal(err.msg, "hello.txt: not a TIFF file");
	assert_int_equal(hoso_tiff_open("", 0, "empty", &t, &err), HOSO_EINPUT);

	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(junk); i++) {
			seed = seed * 1103515245u + 12345u;
			junk[i] = (unsigned char)(seed >> 16);
		}
		memcpy(junk, round % 2 ? "MM\0*" : "II*\0", 4);
		/* point the first IFD somewhere inside */
		junk[round % 2 ? 7 : 4] = (unsigned char)(8 + round);
		junk[round % 2 ? 6 : 5] = 0;
		junk[round % 2 ? 5 : 6] = 0;
		junk[round % 2 ? 4 : 7] = 0;
		hoso_err_clear(&err);
		assert_int_equal(try_all(junk, sizeof(junk), "junk.tif", &err), HOSO_EINPUT);
		assert_memory_equal(err.msg, "junk.tif: ", 10);
	}

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	said = lseek(fd, 0, SEEK_END);
	close(fd);
	unlink(path);
	assert_int_equal(said, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is),
		cmocka_unit_test(test_count_and_info),
		cmocka_unit_test(test_extract_pixels),
		cmocka_unit_test(test_extract_leptonica),
		cmocka_unit_test(test_extract_variety),
		cmocka_unit_test(test_bigtiff_in_classic_out),
		cmocka_unit_test(test_extract_deterministic),
		cmocka_unit_test(test_extract_limit),
		cmocka_unit_test(test_crafted_ok),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_hostile_directories),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests_name("tiff", tests, setup, teardown);
}
