/*
 * test_pdf.c - unit tests for lib/pdf.c (and hoso_tiff_wrap_strip in
 * lib/tiff.c): each kind of scanned page comes out with the source's
 * pixels and resolution (JPEG bytes unchanged), pages that are not one
 * image and codings we cannot keep are refused with the page named, and
 * damaged or encrypted files are refused without a word on stderr.
 *
 * The PDFs are written here byte by byte (with a correct xref unless a
 * test breaks it); the CCITT data comes from libtiff, the JPEG from
 * Leptonica, the encrypted copies from qpdf. With HOSO_PDF_FIXTURES set to
 * a directory, the fixtures and extracted images are also written there
 * (to check them against another reader, e.g. pdftoppm).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <leptonica/allheaders.h>
#include <qpdf/qpdf-c.h>
#include <tiffio.h>
#include <zlib.h>

#include "buf.h"
#include "err.h"
#include "pdf.h"
#include "tiff.h"

#define W	64
#define H	48

struct blob {
	unsigned char *data;
	size_t len;
};

/* A PDF being put together: object 1 is the catalog, 2 the page tree. */
#define DOC_MAX_OBJ	64
struct doc {
	struct {
		char *dict;
		unsigned char *stream;	/* NULL: not a stream */
		size_t len;
	} obj[DOC_MAX_OBJ + 1];
	int n_obj;
	int kids[DOC_MAX_OBJ];
	int n_kids;
};

static char tmpdir[64];
static struct blob jpeg;	/* grey JPEG, 300 dpi */
static struct blob g4, g3;	/* raw CCITT strips of the bit pattern */

/* Source pixel patterns. */
static unsigned char
grey_at(unsigned x, unsigned y)
{
	return (unsigned char)((x * 3 + y * 5) & 0xff);
}

static void
rgb_at(unsigned x, unsigned y, unsigned char *rgb)
{
	rgb[0] = (unsigned char)(x * 4);
	rgb[1] = (unsigned char)(y * 5);
	rgb[2] = (unsigned char)((x + y) * 2);
}

static int
bit_at(unsigned x, unsigned y)
{
	return (int)(((x / 8 + y / 6) % 2) ^ (x == y));
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	assert_non_null(p);
	return p;
}

static char *
xprintf(const char *fmt, ...)
{
	char *s;
	va_list ap;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

static void
doc_init(struct doc *d)
{
	memset(d, 0, sizeof(*d));
	d->n_obj = 2;
}

/* Add an object (a stream when data is not NULL); returns its number. */
static int
doc_add(struct doc *d, char *dict, const void *data, size_t len)
{
	int id = ++d->n_obj;

	assert_true(id <= DOC_MAX_OBJ);
	d->obj[id].dict = dict;
	if (data != NULL) {
		d->obj[id].stream = xmalloc(len + 1);
		memcpy(d->obj[id].stream, data, len);
		d->obj[id].len = len;
	}
	return id;
}

/* A page drawing resources' /Im0 over the whole media box. */
static int
doc_page(struct doc *d, const char *resources, const char *extra, const char *content)
{
	int contents, page;

	if (content == NULL)
		content = "/Im0 Do\n";
	contents = doc_add(d, xprintf("<< >>"), content, strlen(content));
	page = doc_add(d, xprintf("<< /Type /Page /Parent 2 0 R %s %s /Contents %d 0 R >>",
	    resources != NULL ? resources : "", extra != NULL ? extra : "", contents),
	    NULL, 0);
	d->kids[d->n_kids++] = page;
	return page;
}

/* A page whose one image has the given dictionary entries and data. */
static int
doc_image_page(struct doc *d, const char *image_dict, const void *data, size_t len,
    const char *extra, const char *content)
{
	char res[128];
	int im;

	im = doc_add(d, xprintf("<< /Type /XObject /Subtype /Image %s >>", image_dict), data,
	    len);
	snprintf(res, sizeof(res), "/Resources << /XObject << /Im0 %d 0 R >> >>", im);
	return doc_page(d, res, extra, content);
}

static void
add(struct hoso_buf *b, const void *p, size_t n)
{
	assert_int_equal(hoso_buf_add(b, p, n, NULL), 0);
}

static void
addf(struct hoso_buf *b, const char *fmt, ...)
{
	char *s;
	va_list ap;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	add(b, s, strlen(s));
	free(s);
}

/* Write the file: header, objects, xref (7.5.4), trailer. Frees d. */
static void
doc_write(struct doc *d, const char *pages_extra, struct blob *out)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	size_t off[DOC_MAX_OBJ + 1], xref;
	int i;

	d->obj[1].dict = xprintf("<< /Type /Catalog /Pages 2 0 R >>");
	b.max = 0;
	addf(&b, "<< /Type /Pages /Count %d /Kids [", d->n_kids);
	for (i = 0; i < d->n_kids; i++)
		addf(&b, " %d 0 R", d->kids[i]);
	addf(&b, " ] %s >>", pages_extra != NULL ? pages_extra : "");
	d->obj[2].dict = hoso_buf_detach(&b, NULL);

	add(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15);
	for (i = 1; i <= d->n_obj; i++) {
		off[i] = b.len;
		addf(&b, "%d 0 obj\n", i);
		if (d->obj[i].stream != NULL) {
			/* the dictionary without its closing ">>", then /Length */
			size_t n = strlen(d->obj[i].dict);

			assert_true(n >= 2);
			add(&b, d->obj[i].dict, n - 2);
			addf(&b, " /Length %zu >>\nstream\n", d->obj[i].len);
			add(&b, d->obj[i].stream, d->obj[i].len);
			addf(&b, "\nendstream\nendobj\n");
		} else {
			addf(&b, "%s\nendobj\n", d->obj[i].dict);
		}
		free(d->obj[i].dict);
		free(d->obj[i].stream);
	}
	xref = b.len;
	addf(&b, "xref\n0 %d\n0000000000 65535 f \n", d->n_obj + 1);
	for (i = 1; i <= d->n_obj; i++)
		addf(&b, "%010zu 00000 n \n", off[i]);
	addf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	    d->n_obj + 1, xref);
	out->data = (unsigned char *)hoso_buf_detach(&b, &out->len);
	memset(d, 0, sizeof(*d));
}

static struct blob
deflate_data(const void *data, size_t len)
{
	struct blob z;
	uLongf n = compressBound((uLong)len);

	z.data = xmalloc(n);
	assert_int_equal(compress2(z.data, &n, data, (uLong)len, 9), Z_OK);
	z.len = n;
	return z;
}

static void
dump(const char *name, const void *data, size_t len)
{
	const char *dir = getenv("HOSO_PDF_FIXTURES");
	char path[512];
	FILE *f;

	if (dir == NULL || *dir == '\0')
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
read_file(const char *path, struct blob *b)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	b->len = (size_t)st.st_size;
	b->data = xmalloc(b->len + 1);
	assert_int_equal(read(fd, b->data, b->len), (ssize_t)b->len);
	close(fd);
}

/* The raw strip of a one-strip CCITT TIFF of bit_at (1 = black), from libtiff. */
static void
make_ccitt(int compression, struct blob *raw)
{
	char path[128];
	unsigned char row[(W + 7) / 8];
	unsigned x, y;
	TIFF *tif;

	snprintf(path, sizeof(path), "%s/fax%d.tif", tmpdir, compression);
	assert_non_null(tif = TIFFOpen(path, "w"));
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, W);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, H);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, compression);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, H);
	if (compression == COMPRESSION_CCITTFAX3)
		TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, 0);
	for (y = 0; y < H; y++) {
		memset(row, 0, sizeof(row));
		for (x = 0; x < W; x++)
			if (bit_at(x, y))
				row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
		assert_int_equal(TIFFWriteScanline(tif, row, y, 0), 1);
	}
	TIFFClose(tif);
	assert_non_null(tif = TIFFOpen(path, "r"));
	raw->len = (size_t)TIFFRawStripSize(tif, 0);
	raw->data = xmalloc(raw->len);
	assert_int_equal(TIFFReadRawStrip(tif, 0, raw->data, (tmsize_t)raw->len),
	    (tmsize_t)raw->len);
	TIFFClose(tif);
	unlink(path);
}

static int
setup(void **state)
{
	l_uint8 *mem = NULL;
	size_t len = 0;
	unsigned x, y;
	PIX *pix;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hoso-test-pdf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	pix = pixCreate(W, H, 8);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			pixSetPixel(pix, x, y, grey_at(x, y));
	pixSetResolution(pix, 300, 300);
	if (pixWriteMemJpeg(&mem, &len, pix, 90, 0) != 0)
		return -1;
	pixDestroy(&pix);
	jpeg.data = mem;
	jpeg.len = len;
	setMsgSeverity(L_SEVERITY_NONE);
	make_ccitt(COMPRESSION_CCITTFAX4, &g4);
	make_ccitt(COMPRESSION_CCITTFAX3, &g3);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(jpeg.data);
	free(g4.data);
	free(g3.data);
	rmdir(tmpdir);
	return 0;
}

/* Redirect fd 2 to a file while qpdf runs; stderr_end checks nothing came. */
struct quiet {
	int saved;
	char path[128];
};

static void
stderr_begin(struct quiet *q)
{
	int fd;

	fflush(stderr);
	snprintf(q->path, sizeof(q->path), "%s/stderr", tmpdir);
	assert_true((fd = open(q->path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	assert_true((q->saved = dup(2)) >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
}

static void
stderr_end(struct quiet *q)
{
	struct blob said;

	fflush(stderr);
	assert_int_equal(dup2(q->saved, 2), 2);
	close(q->saved);
	read_file(q->path, &said);
	if (said.len > 0)
		print_error("on stderr: %.*s\n", (int)said.len, (const char *)said.data);
	assert_int_equal(said.len, 0);
	free(said.data);
	unlink(q->path);
}

/* A media box giving a W x H image the resolution dpi. */
static char *
media_for(unsigned w, unsigned h, unsigned dpi)
{
	return xprintf("/MediaBox [0 0 %.4f %.4f]", w * 72.0 / dpi, h * 72.0 / dpi);
}

/* A content stream drawing name over that whole media box (8.3.4: images fill the unit square). */
static char *
draw_for(unsigned w, unsigned h, unsigned dpi, const char *name)
{
	return xprintf("q %.4f 0 0 %.4f 0 0 cm %s Do Q\n", w * 72.0 / dpi, h * 72.0 / dpi,
	    name);
}

/* ---- the good pages -------------------------------------------------- */

enum good {
	P_GREY, P_RGB, P_INDEXED, P_BITS_INV, P_MASK, P_JPEG, P_G4, P_G4_INV, P_G4_BLACK1,
	P_G3, P_FORM, P_ROT, N_GOOD
};

static void
make_good(struct blob *pdf)
{
	struct doc d;
	struct blob z;
	unsigned char *raw, *p, rgb[3];
	char *media, *draw, *s;
	unsigned x, y;
	int im, form;
	size_t bpr;

	doc_init(&d);

	/* P_GREY: Flate 8-bit grey; resources and media box inherited from the tree */
	raw = xmalloc(W * H);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			raw[y * W + x] = grey_at(x, y);
	z = deflate_data(raw, W * H);
	free(raw);
	im = doc_add(&d, xprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d "
	    "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>", W, H),
	    z.data, z.len);
	free(z.data);
	assert_int_equal(im, 3);	/* make_good's page tree names it Im0 */
	draw = draw_for(W, H, 150, "/Im0");
	doc_page(&d, NULL, NULL, draw);
	free(draw);

	/* P_RGB: Flate with the PNG "Up" predictor (7.4.4.4), 200 dpi */
	bpr = 1 + W * 3;
	raw = xmalloc(bpr * H);
	for (y = 0; y < H; y++) {
		p = raw + y * bpr;
		p[0] = 2;
		for (x = 0; x < W; x++) {
			rgb_at(x, y, rgb);
			for (int c = 0; c < 3; c++) {
				unsigned char up = 0;

				if (y > 0) {
					unsigned char prev[3];

					rgb_at(x, y - 1, prev);
					up = prev[c];
				}
				p[1 + x * 3 + c] = (unsigned char)(rgb[c] - up);
			}
		}
	}
	z = deflate_data(raw, bpr * H);
	free(raw);
	media = media_for(W, H, 200);
	draw = draw_for(W, H, 200, "/Im0");
	s = xprintf("/Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
	    "/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /Columns %d >>",
	    W, H, W);
	doc_image_page(&d, s, z.data, z.len, media, draw);
	free(s);
	free(media);
	free(draw);
	free(z.data);

	/* P_INDEXED: 4-bit palette of 6 RGB colours, no filter, lookup in a hex string */
	bpr = (W * 4 + 7) / 8;
	raw = calloc(bpr * H, 1);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			raw[y * bpr + x / 2] |= (unsigned char)(((x + y) % 6) << (x % 2 ? 0 : 4));
	media = media_for(W, H, 300);
	draw = draw_for(W, H, 300, "/Im0");
	doc_image_page(&d, "/Width 64 /Height 48 /BitsPerComponent 4 /ColorSpace "
	    "[/Indexed /DeviceRGB 5 <FF000000FF000000FFFFFF00000000808080>]", raw, bpr * H,
	    media, draw);
	free(media);
	free(draw);
	free(raw);

	/* P_BITS_INV: 1-bit grey, /Decode [1 0] (1 is black), 300 dpi */
	bpr = (W + 7) / 8;
	raw = calloc(bpr * H, 1);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			if (bit_at(x, y))
				raw[y * bpr + x / 8] |= (unsigned char)(0x80 >> (x % 8));
	z = deflate_data(raw, bpr * H);
	media = media_for(W, H, 300);
	draw = draw_for(W, H, 300, "/Im0");
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 1 "
	    "/Decode [1 0] /Filter /FlateDecode", z.data, z.len, media, draw);

	/* P_MASK: the same bits as a stencil mask: 0 paints, so bit_at 0 is black */
	doc_image_page(&d, "/Width 64 /Height 48 /ImageMask true /Filter /FlateDecode",
	    z.data, z.len, media, draw);
	free(z.data);
	free(raw);
	free(media);
	free(draw);

	/* P_JPEG: a JPEG made at 300 dpi on a page that says 300 dpi */
	media = media_for(W, H, 300);
	draw = draw_for(W, H, 300, "/Im0");
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 8 "
	    "/Filter /DCTDecode", jpeg.data, jpeg.len, media, draw);

	/* P_G4, P_G4_INV, P_G4_BLACK1: G4; then inverted by /Decode; then by BlackIs1 */
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 1 "
	    "/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 64 /Rows 48 >>",
	    g4.data, g4.len, media, draw);
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 1 "
	    "/Decode [1 0] /Filter [/CCITTFaxDecode] /DecodeParms [<< /K -1 /Columns 64 >>]",
	    g4.data, g4.len, media, draw);
	doc_image_page(&d, "/Width 64 /Height 48 /ImageMask true "
	    "/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 64 /BlackIs1 true >>",
	    g4.data, g4.len, media, draw);

	/* P_G3: 1-D T.4 with an EOL before each row */
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 1 "
	    "/Filter /CCITTFaxDecode /DecodeParms << /K 0 /Columns 64 /EndOfLine true >>",
	    g3.data, g3.len, media, draw);
	free(media);
	free(draw);

	/* P_FORM: the grey image again, inside a Form XObject */
	form = doc_add(&d, xprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] "
	    "/Resources << /XObject << /Im0 3 0 R >> >> >>"), "/Im0 Do\n", 8);
	s = xprintf("/Resources << /XObject << /Fm0 %d 0 R >> >>", form);
	media = media_for(W, H, 150);
	draw = draw_for(W, H, 150, "/Fm0");
	doc_page(&d, s, media, draw);
	free(media);
	free(draw);
	free(s);

	/* P_ROT: the grey image drawn turned a quarter on a portrait page shown /Rotate 90 */
	media = xprintf("/MediaBox [0 0 %.4f %.4f] /Rotate 90", H * 72.0 / 100, W * 72.0 / 100);
	/* 8.3.3: image x along the page's y, image y along the page's -x */
	draw = xprintf("q 0 %.4f %.4f 0 %.4f 0 cm /Im0 Do Q\n", W * 72.0 / 100,
	    -H * 72.0 / 100, H * 72.0 / 100);
	doc_page(&d, "/Resources << /XObject << /Im0 3 0 R >> >>", media, draw);
	free(media);
	free(draw);

	assert_int_equal(d.n_kids, N_GOOD);
	media = media_for(W, H, 150);
	s = xprintf("/Resources << /XObject << /Im0 3 0 R >> >> %s", media);
	doc_write(&d, s, pdf);
	free(s);
	free(media);
}

static struct blob good;

static int
setup_good(void **state)
{
	if (setup(state) != 0)
		return -1;
	make_good(&good);
	dump("good.pdf", good.data, good.len);
	return 0;
}

static int
teardown_good(void **state)
{
	free(good.data);
	return teardown(state);
}

static PIX *
extract(struct hoso_pdf *p, int page, const char *want_ext, struct hoso_buf *out)
{
	struct hoso_err err;
	const char *ext = NULL;
	char name[32];
	PIX *pix;
	int r;

	hoso_buf_reset(out);
	hoso_err_clear(&err);
	r = hoso_pdf_page_image(p, page, 1000000, out, &ext, &err);
	if (r != 0)
		print_error("page %d: %s\n", page + 1, err.msg);
	assert_int_equal(r, 0);
	assert_non_null(ext);
	assert_string_equal(ext, want_ext);
	snprintf(name, sizeof(name), "page%02d.%s", page + 1, ext);
	dump(name, out->data, out->len);
	pix = pixReadMem((const l_uint8 *)out->data, out->len);
	assert_non_null(pix);
	assert_int_equal(pixGetWidth(pix), W);
	assert_int_equal(pixGetHeight(pix), H);
	return pix;
}

static void
check_grey(PIX *pix)
{
	l_uint32 v;
	unsigned x, y;

	assert_int_equal(pixGetDepth(pix), 8);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			pixGetPixel(pix, x, y, &v);
			assert_int_equal(v, grey_at(x, y));
		}
}

/* Leptonica's 1-bit pixels are 1 for black. */
static void
check_bits(PIX *pix, int black_when)
{
	l_uint32 v;
	unsigned x, y;

	assert_int_equal(pixGetDepth(pix), 1);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			pixGetPixel(pix, x, y, &v);
			assert_int_equal((int)v, bit_at(x, y) == black_when);
		}
}

static void
check_dpi(PIX *pix, int dpi)
{
	assert_int_equal(pixGetXRes(pix), dpi);
	assert_int_equal(pixGetYRes(pix), dpi);
}

static void
test_is(void **state)
{
	char junk[1100];

	(void)state;
	assert_true(hoso_pdf_is("%PDF-1.4\n", 9));
	memset(junk, ' ', sizeof(junk));
	memcpy(junk + 1000, "%PDF-1.4", 8);
	assert_true(hoso_pdf_is(junk, sizeof(junk)));
	memcpy(junk + 1000, "        ", 8);
	memcpy(junk + 1020, "%PDF-1.4", 8);
	assert_false(hoso_pdf_is(junk, sizeof(junk)));
	assert_false(hoso_pdf_is("%PDF", 4));
	assert_false(hoso_pdf_is(NULL, 0));
}

static void
test_good_pages(void **state)
{
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_pdf *p = NULL;
	struct hoso_err err;
	struct quiet q;
	l_uint32 v;
	l_int32 rr, gg, bb;
	PIXCMAP *cmap;
	PIX *pix;
	unsigned char rgb[3];
	static const int pal[6][3] = {
		{ 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 0 }, { 0, 0, 0 },
		{ 128, 128, 128 },
	};
	unsigned x, y;
	int n = 0;

	(void)state;
	stderr_begin(&q);
	hoso_err_clear(&err);
	assert_int_equal(hoso_pdf_open(good.data, good.len, "scan.pdf", &p, &err), 0);
	assert_int_equal(hoso_pdf_count(p, &n, &err), 0);
	assert_int_equal(n, N_GOOD);

	pix = extract(p, P_GREY, "tif", &out);
	check_grey(pix);
	check_dpi(pix, 150);
	pixDestroy(&pix);

	pix = extract(p, P_RGB, "tif", &out);
	assert_int_equal(pixGetDepth(pix), 32);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			pixGetRGBPixel(pix, x, y, &rr, &gg, &bb);
			rgb_at(x, y, rgb);
			assert_int_equal(rr, rgb[0]);
			assert_int_equal(gg, rgb[1]);
			assert_int_equal(bb, rgb[2]);
		}
	check_dpi(pix, 200);
	pixDestroy(&pix);

	pix = extract(p, P_INDEXED, "tif", &out);
	assert_non_null(cmap = pixGetColormap(pix));
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			pixGetPixel(pix, x, y, &v);
			pixcmapGetColor(cmap, (l_int32)v, &rr, &gg, &bb);
			assert_int_equal(rr, pal[(x + y) % 6][0]);
			assert_int_equal(gg, pal[(x + y) % 6][1]);
			assert_int_equal(bb, pal[(x + y) % 6][2]);
		}
	check_dpi(pix, 300);
	pixDestroy(&pix);

	pix = extract(p, P_BITS_INV, "tif", &out);
	check_bits(pix, 1);
	check_dpi(pix, 300);
	pixDestroy(&pix);

	pix = extract(p, P_MASK, "tif", &out);
	check_bits(pix, 0);
	pixDestroy(&pix);

	/* the JPEG comes out byte for byte */
	pix = extract(p, P_JPEG, "jpg", &out);
	assert_int_equal(out.len, jpeg.len);
	assert_memory_equal(out.data, jpeg.data, jpeg.len);
	check_dpi(pix, 300);
	pixDestroy(&pix);

	/* coded black shows black, unless /Decode or BlackIs1 (not both) inverts */
	pix = extract(p, P_G4, "tif", &out);
	check_bits(pix, 1);
	check_dpi(pix, 300);
	pixDestroy(&pix);
	pix = extract(p, P_G4_INV, "tif", &out);
	check_bits(pix, 0);
	pixDestroy(&pix);
	pix = extract(p, P_G4_BLACK1, "tif", &out);
	check_bits(pix, 0);
	pixDestroy(&pix);
	pix = extract(p, P_G3, "tif", &out);
	check_bits(pix, 1);
	pixDestroy(&pix);

	pix = extract(p, P_FORM, "tif", &out);
	check_grey(pix);
	check_dpi(pix, 150);
	pixDestroy(&pix);

	/* drawn turned a quarter: the image's width spans the page's height */
	pix = extract(p, P_ROT, "tif", &out);
	check_dpi(pix, 100);
	pixDestroy(&pix);

	/* a page that is not there; out untouched after any failure */
	hoso_buf_reset(&out);
	{
		const char *ext = "x";

		assert_int_equal(hoso_pdf_page_image(p, N_GOOD, 0, &out, &ext, &err),
		    HOSO_EUSAGE);
		assert_null(ext);
		assert_int_equal(out.len, 0);
	}
	hoso_pdf_close(p);
	hoso_buf_free(&out);
	stderr_end(&q);
}

/* ---- pages we refuse ---------------------------------------------------- */

static void
expect_refusal(struct hoso_pdf *p, int page, size_t max_pixels, const char *msg)
{
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err;
	const char *ext = "x";

	hoso_err_clear(&err);
	add(&out, "keep", 4);
	assert_int_equal(hoso_pdf_page_image(p, page, max_pixels, &out, &ext, &err),
	    HOSO_EINPUT);
	assert_null(ext);
	assert_int_equal(out.len, 4);
	if (strstr(err.msg, msg) == NULL)
		print_error("page %d: got \"%s\", want \"%s\"\n", page + 1, err.msg, msg);
	assert_non_null(strstr(err.msg, msg));
	hoso_buf_free(&out);
}

static void
test_refused_pages(void **state)
{
	struct hoso_pdf *p = NULL;
	struct hoso_err err;
	struct blob pdf, z;
	struct quiet q;
	struct doc d;
	unsigned char *zeros;
	int n = 0;

	(void)state;
	doc_init(&d);
	/* 1: two images */
	doc_add(&d, xprintf("<< /Type /XObject /Subtype /Image /Width 8 /Height 8 "
	    "/ColorSpace /DeviceGray /BitsPerComponent 8 >>"), jpeg.data, 64);
	doc_add(&d, xprintf("<< /Type /XObject /Subtype /Image /Width 8 /Height 8 "
	    "/ColorSpace /DeviceGray /BitsPerComponent 8 >>"), jpeg.data, 64);
	doc_page(&d, "/Resources << /XObject << /A 3 0 R /B 4 0 R >> >>", NULL,
	    "/A Do /B Do\n");
	/* 2: text only */
	doc_page(&d, "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
	    "/BaseFont /Helvetica >> >> >>", NULL, "BT /F1 12 Tf 10 10 Td (Hello) Tj ET\n");
	/* 3: JBIG2 */
	doc_image_page(&d, "/Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 1 "
	    "/Filter /JBIG2Decode", "xxxxxxxx", 8, NULL, NULL);
	/* 4: CMYK */
	doc_image_page(&d, "/Width 2 /Height 1 /ColorSpace /DeviceCMYK /BitsPerComponent 8",
	    "xxxxxxxx", 8, NULL, NULL);
	/* 5: a JPEG cut short */
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 8 "
	    "/Filter /DCTDecode", jpeg.data, jpeg.len / 2, NULL, NULL);
	/* 6: a bomb: 100000 x 100000 claimed by a few bytes of Flate */
	zeros = calloc(4096, 1);
	z = deflate_data(zeros, 4096);
	free(zeros);
	doc_image_page(&d, "/Width 100000 /Height 100000 /ColorSpace /DeviceGray "
	    "/BitsPerComponent 8 /Filter /FlateDecode", z.data, z.len, NULL, NULL);
	/* 7: Flate data too short for the image */
	doc_image_page(&d, "/Width 1000 /Height 1000 /ColorSpace /DeviceGray "
	    "/BitsPerComponent 8 /Filter /FlateDecode", z.data, z.len, NULL, NULL);
	free(z.data);
	/* 8: JPX; 9: 16-bit; 10: G3 without EOLs; 11: a chain with DCT */
	doc_image_page(&d, "/Width 8 /Height 8 /Filter /JPXDecode", "xxxxxxxx", 8, NULL, NULL);
	doc_image_page(&d, "/Width 2 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 16",
	    "xxxx", 4, NULL, NULL);
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 1 "
	    "/Filter /CCITTFaxDecode /DecodeParms << /K 0 /Columns 64 >>", g3.data, g3.len,
	    NULL, NULL);
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 8 "
	    "/Filter [/ASCIIHexDecode /DCTDecode]", "00>", 3, NULL, NULL);
	/* 12: Separation */
	doc_image_page(&d, "/Width 2 /Height 1 /BitsPerComponent 8 /ColorSpace "
	    "[/Separation /Spot /DeviceGray << /FunctionType 2 /Domain [0 1] /N 1 >>]",
	    "xx", 2, NULL, NULL);
	doc_write(&d, "/MediaBox [0 0 612 792]", &pdf);
	dump("refused.pdf", pdf.data, pdf.len);

	stderr_begin(&q);
	hoso_err_clear(&err);
	assert_int_equal(hoso_pdf_open(pdf.data, pdf.len, "scan.pdf", &p, &err), 0);
	assert_int_equal(hoso_pdf_count(p, &n, &err), 0);
	assert_int_equal(n, 12);
	expect_refusal(p, 0, 0, "scan.pdf: page 1: not a scanned page (it holds 2 images "
	    "and is not one full-page image)");
	expect_refusal(p, 1, 0, "scan.pdf: page 2: not a scanned page (it holds 0 images");
	expect_refusal(p, 2, 0, "scan.pdf: page 3: JBIG2 images are not supported");
	expect_refusal(p, 3, 0, "scan.pdf: page 4: unsupported PDF image colour space "
	    "/DeviceCMYK");
	expect_refusal(p, 4, 0, "scan.pdf: page 5: the JPEG data is cut off");
	expect_refusal(p, 5, 100000000, "scan.pdf: page 6: image of 100000x100000 pixels is "
	    "over the limit of 100000000 pixels");
	expect_refusal(p, 6, 0, "scan.pdf: page 7: image data too short");
	expect_refusal(p, 7, 0, "scan.pdf: page 8: JPEG 2000 (JPX) images are not supported");
	expect_refusal(p, 8, 0, "scan.pdf: page 9: 16-bit images are not supported");
	expect_refusal(p, 9, 0, "scan.pdf: page 10: CCITT G3 images without end-of-line");
	expect_refusal(p, 10, 0, "scan.pdf: page 11: images coded with /ASCIIHexDecode "
	    "/DCTDecode are not supported");
	expect_refusal(p, 11, 0, "scan.pdf: page 12: unsupported PDF image colour space "
	    "/Separation");
	hoso_pdf_close(p);
	stderr_end(&q);
	free(pdf.data);
}

/* ---- damaged and encrypted files ---------------------------------------- */

static void
expect_bad_file(const struct blob *pdf, const char *msg)
{
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_pdf *p = NULL;
	struct hoso_err err;
	struct quiet q;
	const char *ext;
	int n = 0, i, r;

	stderr_begin(&q);
	hoso_err_clear(&err);
	r = hoso_pdf_open(pdf->data, pdf->len, "bad.pdf", &p, &err);
	if (r == 0)
		r = hoso_pdf_count(p, &n, &err);
	/* whatever opens must fail on the page that is broken */
	for (i = 0; r == 0 && i < n; i++)
		r = hoso_pdf_page_image(p, i, 0, &out, &ext, &err);
	hoso_pdf_close(p);
	hoso_buf_free(&out);
	stderr_end(&q);
	assert_int_equal(r, HOSO_EINPUT);
	assert_int_equal(err.code, HOSO_EINPUT);
	assert_true(strncmp(err.msg, "bad.pdf: ", 9) == 0);
	if (msg != NULL && strstr(err.msg, msg) == NULL)
		print_error("got \"%s\", want \"%s\"\n", err.msg, msg);
	if (msg != NULL)
		assert_non_null(strstr(err.msg, msg));
}

/* good.pdf's first page alone, its image data cut or its xref wrong. */
static void
one_grey_page(struct blob *pdf)
{
	struct doc d;
	struct blob z;
	unsigned char *raw;
	unsigned x, y;

	raw = xmalloc(W * H);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			raw[y * W + x] = grey_at(x, y);
	z = deflate_data(raw, W * H);
	free(raw);
	doc_init(&d);
	doc_image_page(&d, "/Width 64 /Height 48 /ColorSpace /DeviceGray "
	    "/BitsPerComponent 8 /Filter /FlateDecode", z.data, z.len,
	    "/MediaBox [0 0 30.72 23.04]", "q 30.72 0 0 23.04 0 0 cm /Im0 Do Q\n");
	free(z.data);
	doc_write(&d, NULL, pdf);
}

static void
test_damaged(void **state)
{
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_pdf *p = NULL;
	struct hoso_err err;
	struct blob pdf, bad;
	struct quiet q;
	const char *ext = NULL;
	unsigned char *s;
	PIX *pix;
	int r;

	(void)state;
	one_grey_page(&pdf);
	bad.data = xmalloc(pdf.len);

	/* no xref, no trailer, no objects */
	memcpy(bad.data, "%PDF-1.7\n1 0 obj\n<< /Type", 25);
	bad.len = 25;
	expect_bad_file(&bad, "bad.pdf: ");

	/* cut inside the image stream: recovered structure, short data */
	s = memmem(pdf.data, pdf.len, "stream\n", 7);
	assert_non_null(s);
	bad.len = (size_t)(s - pdf.data) + 7 + 20;
	memcpy(bad.data, pdf.data, bad.len);
	expect_bad_file(&bad, NULL);

	/* not PDF at all */
	expect_bad_file(&(struct blob){ (unsigned char *)"GIF89a", 6 }, "not a PDF file");

	/*
	 * Every xref offset 7 bytes off (a comment line added after the
	 * header): qpdf rebuilds the table, and the page comes out whole, silently.
	 */
	free(bad.data);
	bad.data = xmalloc(pdf.len + 7);
	memcpy(bad.data, pdf.data, 15);
	memcpy(bad.data + 15, "%extra\n", 7);
	memcpy(bad.data + 22, pdf.data + 15, pdf.len - 15);
	bad.len = pdf.len + 7;
	stderr_begin(&q);
	hoso_err_clear(&err);
	r = hoso_pdf_open(bad.data, bad.len, "bad.pdf", &p, &err);
	if (r == 0)
		r = hoso_pdf_page_image(p, 0, 0, &out, &ext, &err);
	hoso_pdf_close(p);
	stderr_end(&q);
	if (r != 0)
		print_error("%s\n", err.msg);
	assert_int_equal(r, 0);
	assert_non_null(pix = pixReadMem((const l_uint8 *)out.data, out.len));
	check_grey(pix);
	check_dpi(pix, 150);
	pixDestroy(&pix);

	hoso_buf_free(&out);
	free(bad.data);
	free(pdf.data);
}

/* pdf written again by qpdf with R6 (AES-256) encryption. */
static void
encrypt_pdf(const struct blob *pdf, const char *user, struct blob *out)
{
	qpdf_data q = qpdf_init();
	const unsigned char *buf;

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	assert_int_equal(qpdf_read_memory(q, "in", (const char *)pdf->data, pdf->len, NULL) &
	    QPDF_ERRORS, 0);
	assert_int_equal(qpdf_init_write_memory(q), 0);
	qpdf_set_r6_encryption_parameters2(q, user, "owner", QPDF_TRUE, QPDF_TRUE, QPDF_TRUE,
	    QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, qpdf_r3p_full, QPDF_TRUE);
	assert_int_equal(qpdf_write(q) & QPDF_ERRORS, 0);
	out->len = qpdf_get_buffer_length(q);
	buf = qpdf_get_buffer(q);
	out->data = xmalloc(out->len);
	memcpy(out->data, buf, out->len);
	qpdf_cleanup(&q);
}

static void
test_encrypted(void **state)
{
	struct blob pdf, enc;

	(void)state;
	one_grey_page(&pdf);
	/* opens without a password, and is refused all the same */
	encrypt_pdf(&pdf, "", &enc);
	expect_bad_file(&enc, "bad.pdf: encrypted PDF");
	free(enc.data);
	encrypt_pdf(&pdf, "secret", &enc);
	expect_bad_file(&enc, "bad.pdf: encrypted PDF (it needs a password)");
	free(enc.data);
	free(pdf.data);
}

/* ---- the TIFF writer ------------------------------------------------------ */

static void
test_wrap_strip(void **state)
{
	struct hoso_tiff_strip d;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_buf again = HOSO_BUF_INIT(0);
	struct hoso_err err;
	unsigned char rows[W * H];
	unsigned x, y;
	PIX *pix;

	(void)state;
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			rows[y * W + x] = grey_at(x, y);
	memset(&d, 0, sizeof(d));
	d.width = W;
	d.height = H;
	d.bits_per_sample = 8;
	d.samples_per_pixel = 1;
	d.photometric = HOSO_TIFF_PHOTO_MINISBLACK;
	d.compression = HOSO_TIFF_COMP_DEFLATE;
	d.xdpi = d.ydpi = 240;
	assert_int_equal(hoso_tiff_wrap_strip(&d, rows, sizeof(rows), &out, &err), 0);
	/* the caller's rows are not touched by the predictor, and output repeats */
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			assert_int_equal(rows[y * W + x], grey_at(x, y));
	assert_int_equal(hoso_tiff_wrap_strip(&d, rows, sizeof(rows), &again, &err), 0);
	assert_int_equal(out.len, again.len);
	assert_memory_equal(out.data, again.data, out.len);
	assert_non_null(pix = pixReadMem((const l_uint8 *)out.data, out.len));
	check_grey(pix);
	check_dpi(pix, 240);
	pixDestroy(&pix);

	/* short data, and an impossible request, leave out as it was */
	assert_int_equal(hoso_tiff_wrap_strip(&d, rows, sizeof(rows) - 1, &out, &err),
	    HOSO_EINPUT);
	assert_int_equal(out.len, again.len);
	d.samples_per_pixel = 3;
	assert_int_equal(hoso_tiff_wrap_strip(&d, rows, sizeof(rows), &out, &err), HOSO_EUSAGE);
	/* the buffer's limit is an input error, with nothing left behind */
	d.samples_per_pixel = 1;
	hoso_buf_free(&out);
	hoso_buf_init(&out, 100);
	assert_int_equal(hoso_tiff_wrap_strip(&d, rows, sizeof(rows), &out, &err), HOSO_EINPUT);
	assert_int_equal(out.len, 0);
	hoso_buf_free(&out);
	hoso_buf_free(&again);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is),
		cmocka_unit_test(test_good_pages),
		cmocka_unit_test(test_refused_pages),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_wrap_strip),
	};

	return cmocka_run_group_tests(tests, setup_good, teardown_good);
}
