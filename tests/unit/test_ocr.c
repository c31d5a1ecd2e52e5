/* test_ocr.c - the OCR engine (text, confidence, hOCR, deadline, missing data, PDF, silence) and the store's OCR fields. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "file.h"
#include "img.h"
#include "ocr.h"
#include "store.h"
#include "utf8.h"

#define TD "testdata/tesseract/"
#define MAX_PIXELS ((size_t)100 * 1000 * 1000)

/* ---- stderr must stay silent: fd 2 goes to a file around the engine calls ---- */

static int saved_fd2 = -1;
static char errfile[] = "/tmp/test_ocr.stderr.XXXXXX";

static void
quiet_begin(void)
{
	int fd = mkstemp(errfile);

	assert_true(fd >= 0);
	fflush(stderr);
	saved_fd2 = dup(2);
	assert_true(saved_fd2 >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
}

/* Restore fd 2 and return what was written to it while it was away (caller frees). */
static char *
quiet_end(void)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };

	fflush(stderr);
	assert_int_equal(dup2(saved_fd2, 2), 2);
	close(saved_fd2);
	assert_int_equal(hoso_file_read(errfile, 1 << 20, &b, &err), 0);
	unlink(errfile);
	memcpy(errfile + strlen(errfile) - 6, "XXXXXX", 6);
	return hoso_buf_detach(&b, NULL);
}

static void
assert_quiet_end(void)
{
	char *said = quiet_end();

	if (said[0] != '\0')
		fail_msg("written to stderr: %s", said);
	free(said);
}

static struct hoso_img *
load(const char *path)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	struct hoso_img *img = NULL;

	if (hoso_file_read(path, 64 << 20, &b, &err) != 0 ||
	    hoso_img_decode(b.data, b.len, path, MAX_PIXELS, &img, &err) != 0)
		fail_msg("%s", err.msg);
	hoso_buf_free(&b);
	return img;
}

static struct hoso_ocr *
engine(const char *langs, int timeout_ms)
{
	struct hoso_ocr_opts o = { NULL, langs, timeout_ms, 300 };
	struct hoso_err err = { 0 };
	struct hoso_ocr *e = NULL;

	if (hoso_ocr_new(&o, &e, &err) != 0)
		fail_msg("%s", err.msg);
	return e;
}

static void
phototest_eng(void **state)
{
	struct hoso_ocr_result res;
	struct hoso_err err = { 0 };
	struct hoso_buf nfc = HOSO_BUF_INIT(0);
	struct hoso_img *img;
	struct hoso_ocr *e;

	(void)state;
	quiet_begin();
	img = load(TD "phototest.tif");
	e = engine("eng", 60000);
	if (hoso_ocr_page(e, img, "phototest.tif", 0, &res, &err) != 0)
		fail_msg("%s", err.msg);
	assert_quiet_end();
	/* phototest.txt: "The quick brown dog jumped over the lazy fox." */
	assert_non_null(strstr(res.text.data, "quick brown dog"));
	assert_non_null(strstr(res.text.data, "lazy fox"));
	assert_true(res.confidence > 80);
	assert_non_null(strstr(res.hocr.data, "ocr_page"));
	assert_non_null(strstr(res.hocr.data, "quick"));
	assert_false(res.timed_out);
	assert_int_equal(hoso_utf8_nfc(res.text.data, res.text.len, &nfc, &err), 0);
	assert_string_equal(nfc.data, res.text.data);
	hoso_buf_free(&nfc);
	hoso_ocr_result_free(&res);
	hoso_ocr_free(e);
	hoso_img_free(img);
}

/* The engine is reused: the second page's results are that page's alone. */
static void
engine_reused(void **state)
{
	struct hoso_ocr_result a, b;
	struct hoso_err err = { 0 };
	struct hoso_img *photo, *viet;
	struct hoso_ocr *e;

	(void)state;
	quiet_begin();
	photo = load(TD "phototest.tif");
	viet = load(TD "viet.tif");
	e = engine("vie", 60000);
	assert_int_equal(hoso_ocr_page(e, photo, "phototest.tif", 0, &a, &err), 0);
	if (hoso_ocr_page(e, viet, "viet.tif", 0, &b, &err) != 0)
		fail_msg("%s", err.msg);
	assert_quiet_end();
	assert_non_null(strstr(a.text.data, "brown"));
	/* NFC: U+1EBF (ế) precomposed. */
	assert_non_null(strstr(b.text.data, "ti\xe1\xba\xbfng"));
	assert_null(strstr(b.text.data, "brown"));
	hoso_ocr_result_free(&a);
	hoso_ocr_result_free(&b);
	hoso_ocr_free(e);
	hoso_img_free(photo);
	hoso_img_free(viet);
}

/*
 * An A4 page of glyph-like noise: random 5x7 dot patterns, 5x magnified,
 * in "words" and "lines", so Tesseract finds thousands of words to try.
 */
static struct hoso_img *
noise_page(void)
{
	enum { W = 2480, H = 3508 };
	struct hoso_buf pgm = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	struct hoso_img *img = NULL;
	unsigned char *px;
	unsigned int seed = 42;
	int x, y, gx, gy, dx, dy, bits;

	assert_int_equal(hoso_buf_addf(&pgm, &err, "P5\n%d %d\n255\n", W, H), 0);
	assert_int_equal(hoso_buf_grow(&pgm, (size_t)W * H, &err), 0);
	px = (unsigned char *)pgm.data + pgm.len;
	memset(px, 255, (size_t)W * H);
	for (y = 150; y + 40 < H - 150; y += 62) {
		for (x = 150; x + 30 < W - 150; x += 33) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 7 == 0)
				continue;	/* a space between "words" */
			for (gy = 0; gy < 7; gy++) {
				seed = seed * 1103515245u + 12345u;
				bits = (int)(seed >> 16) & 0x1f;
				for (gx = 0; gx < 5; gx++) {
					if (!(bits & (1 << gx)))
						continue;
					for (dy = 0; dy < 5; dy++)
						for (dx = 0; dx < 5; dx++)
							px[(size_t)(y + gy * 5 + dy) * W +
							    (size_t)(x + gx * 5 + dx)] = 0;
				}
			}
		}
	}
	pgm.len += (size_t)W * H;
	if (hoso_img_decode(pgm.data, pgm.len, "noise.pgm", MAX_PIXELS, &img, &err) != 0)
		fail_msg("%s", err.msg);
	hoso_buf_free(&pgm);
	return img;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
deadline_stops_noise(void **state)
{
	struct hoso_ocr_result res;
	struct hoso_err err = { 0 };
	struct hoso_img *img = noise_page(), *photo = load(TD "phototest.tif");
	struct hoso_ocr *e;
	double t0;
	int r;

	(void)state;
	quiet_begin();
	e = engine("vie", 1);
	t0 = now_s();
	r = hoso_ocr_page(e, img, "noise.pgm", 0, &res, &err);
	assert_quiet_end();
	assert_int_equal(r, HOSO_EINPUT);
	assert_true(res.timed_out);
	assert_non_null(strstr(err.msg, "noise.pgm"));
	assert_non_null(strstr(err.msg, "deadline"));
	/* Layout analysis runs before the first check: a few seconds at most. */
	print_message("noise page stopped after %.2f s\n", now_s() - t0);
	assert_true(now_s() - t0 < 20.0);
	hoso_ocr_free(e);
	/* And an engine with a sane deadline still reads a real page after that. */
	quiet_begin();
	e = engine("eng", 60000);
	assert_int_equal(hoso_ocr_page(e, photo, "phototest.tif", 0, &res, &err), 0);
	assert_quiet_end();
	assert_non_null(strstr(res.text.data, "lazy fox"));
	hoso_ocr_result_free(&res);
	hoso_ocr_free(e);
	hoso_img_free(img);
	hoso_img_free(photo);
}

static void
missing_language(void **state)
{
	char dir[] = "/tmp/test_ocr.tessdata.XXXXXX";
	struct hoso_ocr_opts o = { NULL, NULL, 1000, 300 };
	struct hoso_err err = { 0 };
	struct hoso_ocr *e = NULL;
	int r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	o.tessdata = dir;
	quiet_begin();
	r = hoso_ocr_new(&o, &e, &err);
	assert_quiet_end();
	assert_int_equal(r, HOSO_EENGINE);
	assert_null(e);
	assert_non_null(strstr(err.msg, "tesseract-ocr-vie"));
	assert_non_null(strstr(err.msg, dir));
	o.langs = "vie+Vietnamese+chi_sim";
	quiet_begin();
	r = hoso_ocr_new(&o, &e, &err);
	assert_quiet_end();
	assert_int_equal(r, HOSO_EENGINE);
	assert_non_null(strstr(err.msg, "tesseract-ocr-script-viet"));
	assert_non_null(strstr(err.msg, "tesseract-ocr-chi-sim"));
	o.langs = "../etc/passwd";
	assert_int_equal(hoso_ocr_new(&o, &e, &err), HOSO_EUSAGE);
	rmdir(dir);
}

static void
package_names(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };

	(void)state;
	assert_int_equal(hoso_ocr_package("vie", &b, &err), 0);
	assert_string_equal(b.data, "tesseract-ocr-vie");
	assert_int_equal(hoso_ocr_package("chi_sim", &b, &err), 0);
	assert_string_equal(b.data, "tesseract-ocr-chi-sim");
	assert_int_equal(hoso_ocr_package("script/Vietnamese", &b, &err), 0);
	assert_string_equal(b.data, "tesseract-ocr-script-viet");
	hoso_buf_free(&b);
}

/* Two engines feed one PDF in page order; it is put in place whole, no temporary left. */
static void
searchable_pdf(void **state)
{
	char dir[] = "/tmp/test_ocr.pdf.XXXXXX";
	struct hoso_buf path = HOSO_BUF_INIT(0), pdf = HOSO_BUF_INIT(0);
	struct hoso_ocr_result res;
	struct hoso_err err = { 0 };
	struct hoso_ocr_pdf *p = NULL;
	struct hoso_img *img = load(TD "phototest.tif");
	struct hoso_ocr *e1, *e2;
	const char *s;
	size_t n_pages = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(hoso_buf_addf(&path, &err, "%s/out.pdf", dir), 0);
	quiet_begin();
	e1 = engine("eng", 60000);
	e2 = engine("eng", 60000);
	assert_int_equal(hoso_ocr_page(e1, img, "a", 0, &res, &err), 0);
	hoso_ocr_result_free(&res);
	assert_int_equal(hoso_ocr_pdf_begin(e1, path.data, "test", &p, &err), 0);
	assert_int_equal(hoso_ocr_pdf_add(p, e1, &err), 0);
	assert_int_equal(hoso_ocr_page(e2, img, "b", 0, &res, &err), 0);
	hoso_ocr_result_free(&res);
	assert_int_equal(hoso_ocr_pdf_add(p, e2, &err), 0);
	assert_int_equal(hoso_ocr_pdf_pages(p), 2);
	assert_int_equal(access(path.data, F_OK), -1);	/* not there before commit */
	if (hoso_ocr_pdf_commit(p, &err) != 0)
		fail_msg("%s", err.msg);
	assert_quiet_end();
	assert_int_equal(hoso_file_read(path.data, 64 << 20, &pdf, &err), 0);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	/* "/Type /Page" once per page, "/Type /Pages" once for the tree; the file holds NULs. */
	for (s = pdf.data; (s = memmem(s, pdf.len - (size_t)(s - pdf.data), "/Type /Page", 11)) != NULL;
	    s++)
		n_pages += s[11] != 's';
	if (n_pages != 2)
		fail_msg("%zu pages in %s", n_pages, path.data);
	assert_int_equal(unlink(path.data), 0);
	assert_int_equal(rmdir(dir), 0);	/* empty: no temporary file left */
	hoso_buf_free(&path);
	hoso_buf_free(&pdf);
	hoso_ocr_free(e1);
	hoso_ocr_free(e2);
	hoso_img_free(img);
}

/* The store keeps ocr_status and ocr_confidence, and its lock nests. */
static void
store_ocr_fields(void **state)
{
	char top[] = "/tmp/test_ocr.store.XXXXXX";
	struct hoso_dossier *d = NULL, *d2 = NULL;
	struct hoso_page p;
	struct hoso_page_ocr po[2];
	struct hoso_buf xml = HOSO_BUF_INIT(0), cmd = HOSO_BUF_INIT(0);
	struct hoso_err e = { 0 };
	bool added;

	(void)state;
	assert_non_null(mkdtemp(top));
	assert_int_equal(hoso_store_open(top, "X", true, &d, &e), 0);
	memset(&p, 0, sizeof(p));
	p.source = (char *)"a.png";
	memset(p.sha256, 'a', 64);
	snprintf(p.colour, sizeof(p.colour), "grey");
	assert_int_equal(hoso_store_add_page(d, &p, "png", "A", 1, "N", 1, &added, &e), 0);
	memset(p.sha256, 'b', 64);
	assert_int_equal(hoso_store_add_page(d, &p, "png", "B", 1, "M", 1, &added, &e), 0);
	/* A new page has no OCR attributes. */
	assert_int_equal(hoso_store_to_xml(d, &xml, &e), 0);
	assert_null(strstr(xml.data, "ocr_"));
	assert_null(d->pages[0].ocr_status);
	/* Under the lock, as ocrrun does; the strings may point into d (set_ocr copies them). */
	assert_int_equal(hoso_store_lock(d, &e), 0);
	po[0].sha256 = d->pages[0].sha256;
	po[0].status = "ok";
	po[0].confidence = 91;
	po[1].sha256 = d->pages[1].sha256;
	po[1].status = "failed: X: page 2: bad";
	po[1].confidence = -1;
	assert_int_equal(hoso_store_set_ocr(d, po, 2, &e), 0);	/* nested inside the lock */
	hoso_store_unlock(d);
	/* Another reader sees them; the XML holds them and validates. */
	assert_int_equal(hoso_store_open(top, "X", false, &d2, &e), 0);
	assert_string_equal(d2->pages[0].ocr_status, "ok");
	assert_int_equal(d2->pages[0].ocr_confidence, 91);
	assert_string_equal(d2->pages[1].ocr_status, "failed: X: page 2: bad");
	assert_int_equal(d2->pages[1].ocr_confidence, -1);
	hoso_buf_reset(&xml);
	assert_int_equal(hoso_store_to_xml(d2, &xml, &e), 0);
	assert_non_null(strstr(xml.data, "ocr_confidence=\"91\" ocr_status=\"ok\""));
	assert_int_equal(hoso_buf_addf(&cmd, &e, "xmllint --noout --schema data/schema/dossier.xsd "
	    "%s/X/dossier.xml 2>/dev/null", top), 0);
	assert_int_equal(system(cmd.data), 0);
	/* The lock is free again after the nested hold: a second handle can take it. */
	assert_int_equal(hoso_store_lock(d2, &e), 0);
	hoso_store_unlock(d2);
	hoso_store_close(d);
	hoso_store_close(d2);
	hoso_buf_reset(&cmd);
	assert_int_equal(hoso_buf_addf(&cmd, &e, "rm -rf %s", top), 0);
	assert_int_equal(system(cmd.data), 0);
	hoso_buf_free(&cmd);
	hoso_buf_free(&xml);
}

/* Words with boxes and confidences, lines in order; a zone read again as one block. */
static void
words_and_zone(void **state)
{
	struct hoso_ocr_result res;
	struct hoso_ocr_layout l, zl;
	struct hoso_err err = { 0 };
	struct hoso_buf text = HOSO_BUF_INIT(0);
	unsigned char *grey = NULL, *crop;
	struct hoso_img *img;
	struct hoso_ocr *e;
	size_t i, quick = SIZE_MAX;
	double conf;
	int w, h, x0, y0, cw, ch, y;

	(void)state;
	quiet_begin();
	img = load(TD "phototest.tif");
	e = engine("eng", 60000);
	assert_int_equal(hoso_ocr_layout(e, &l, &err), HOSO_EUSAGE);	/* no page yet */
	assert_int_equal(hoso_ocr_page(e, img, "phototest.tif", 0, &res, &err), 0);
	assert_int_equal(hoso_ocr_layout(e, &l, &err), 0);
	assert_true(l.n_lines >= 5 && l.n_words >= 40);
	assert_int_equal(l.width, hoso_img_width(img));
	for (i = 0; i < l.n_words; i++) {
		const struct hoso_ocr_word *wd = &l.words[i];
		assert_true(wd->x0 < wd->x1 && wd->y0 < wd->y1 && wd->x1 <= l.width &&
		    wd->y1 <= l.height);
		assert_true(wd->confidence >= 0 && wd->confidence <= 100);
		assert_true(wd->line < l.n_lines);
		if (quick == SIZE_MAX && strcmp(wd->text, "quick") == 0)
			quick = i;
	}
	assert_true(quick != SIZE_MAX);
	assert_true(l.words[quick].confidence > 80);
	/* Cut out the line of "quick" and read it again. */
	assert_int_equal(hoso_img_grey8(img, &grey, &w, &h, &err), 0);
	x0 = l.lines[l.words[quick].line].x0;
	y0 = l.lines[l.words[quick].line].y0;
	cw = l.lines[l.words[quick].line].x1 - x0;
	ch = l.lines[l.words[quick].line].y1 - y0;
	assert_non_null(crop = malloc((size_t)cw * (size_t)ch));
	for (y = 0; y < ch; y++)
		memcpy(crop + (size_t)y * cw, grey + (size_t)(y0 + y) * w + x0, (size_t)cw);
	assert_int_equal(hoso_ocr_zone(e, crop, cw, ch, 300, HOSO_OCR_ZONE_LINE, HOSO_OCR_ZONE_PAGE,
	    &text, &conf, &zl, &err), 0);
	assert_non_null(strstr(hoso_buf_str(&text), "quick"));
	assert_true(conf > 50);
	assert_true(zl.n_words >= 3 && zl.n_lines == 1);
	/* The page's results are gone: no PDF page from a zone. */
	hoso_ocr_layout_free(&l);
	assert_int_equal(hoso_ocr_layout(e, &l, &err), HOSO_EUSAGE);
	assert_quiet_end();
	hoso_ocr_layout_free(&zl);
	hoso_buf_free(&text);
	hoso_ocr_result_free(&res);
	free(crop);
	free(grey);
	hoso_ocr_free(e);
	hoso_img_free(img);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(package_names),
		cmocka_unit_test(store_ocr_fields),
		cmocka_unit_test(phototest_eng),
		cmocka_unit_test(words_and_zone),
		cmocka_unit_test(engine_reused),
		cmocka_unit_test(missing_language),
		cmocka_unit_test(deadline_stops_noise),
		cmocka_unit_test(searchable_pdf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
