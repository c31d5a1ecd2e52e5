/* test_store.c - dossier codes, dossier.xml, page adds, crash leftovers, two writers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "digest.h"
#include "file.h"
#include "store.h"

static char top[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/hoso-store-test-XXXXXX");
	return mkdtemp(top) == NULL;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd);
}

static void
codes(void **state)
{
	struct hoso_buf unit = HOSO_BUF_INIT(0);
	char date[11];

	(void)state;
	assert_true(hoso_store_code_ok("000.17.22.H56-210531-0001"));
	assert_true(hoso_store_code_ok("x"));
	assert_false(hoso_store_code_ok(""));
	assert_false(hoso_store_code_ok(".."));
	assert_false(hoso_store_code_ok(".hidden"));
	assert_false(hoso_store_code_ok("-rf"));
	assert_false(hoso_store_code_ok("a/b"));
	assert_false(hoso_store_code_ok("a b"));
	assert_false(hoso_store_code_ok("Hồ-sơ"));
	assert_true(hoso_store_code_parts("000.17.22.H56-210531-0001", &unit, date));
	assert_string_equal(unit.data, "000.17.22.H56");
	assert_string_equal(date, "2021-05-31");
	assert_false(hoso_store_code_parts("000.17.22.H56-210231-0001", &unit, date)); /* 31 Feb */
	assert_false(hoso_store_code_parts("H56-2105310-0001", &unit, date));
	assert_false(hoso_store_code_parts("plain", &unit, date));
	assert_false(hoso_store_code_parts("-210531-0001", &unit, date));
	hoso_buf_free(&unit);
}

static void
fill_page(struct hoso_page *p, const char *bytes)
{
	struct hoso_err e;

	memset(p, 0, sizeof(*p));
	p->source = (char *)"scans/a.tif";
	assert_int_equal(hoso_digest_sha256_hex(bytes, strlen(bytes), p->sha256, &e), 0);
	p->size = strlen(bytes);
	p->width = 100;
	p->height = 200;
	p->dpi = 300;
	snprintf(p->colour, sizeof(p->colour), "grey");
	p->rotation = 90;
	p->skew = -1.8;
	snprintf(p->ingested, sizeof(p->ingested), "2026-11-23T10:00:00Z");
}

static void
add_pages_once_each(void **state)
{
	struct hoso_dossier *d = NULL, *d2 = NULL;
	struct hoso_page p;
	struct hoso_buf path = HOSO_BUF_INIT(0), got = HOSO_BUF_INIT(0);
	struct hoso_err e;
	bool added;

	(void)state;
	assert_int_equal(hoso_store_open(top, "A-210531-0001", false, &d, &e), HOSO_EINPUT);
	assert_int_equal(hoso_store_open(top, "../evil", true, &d, &e), HOSO_EINPUT);
	assert_int_equal(hoso_store_open(top, "A-210531-0001", true, &d, &e), 0);
	fill_page(&p, "page one");
	assert_int_equal(hoso_store_add_page(d, &p, "png", "page one", 8, "NORM1", 5, &added, &e), 0);
	assert_true(added);
	fill_page(&p, "page two");
	p.source_page = 2;
	assert_int_equal(hoso_store_add_page(d, &p, "tif", "page two", 8, "NORM2", 5, &added, &e), 0);
	assert_true(added);
	fill_page(&p, "page one");
	assert_int_equal(hoso_store_add_page(d, &p, "png", "page one", 8, "NORM1", 5, &added, &e), 0);
	assert_false(added);
	assert_int_equal(d->n_pages, 2);
	assert_string_equal(d->pages[1].file, "pages/0002.tif");
	assert_string_equal(d->pages[1].norm, "pages/0002.norm.tif");
	hoso_store_close(d);

	/* Reopen: everything read back from dossier.xml. */
	assert_int_equal(hoso_store_open(top, "A-210531-0001", false, &d2, &e), 0);
	assert_int_equal(d2->n_pages, 2);
	assert_int_equal(d2->pages[0].rotation, 90);
	assert_true(d2->pages[0].skew < -1.79 && d2->pages[0].skew > -1.81);
	assert_string_equal(d2->pages[0].colour, "grey");
	assert_string_equal(d2->pages[0].source, "scans/a.tif");
	assert_int_equal(d2->pages[1].source_page, 2);
	assert_int_equal(hoso_file_join(&path, d2->dir, "pages/0002.tif", &e), 0);
	assert_int_equal(hoso_file_read(path.data, 100, &got, &e), 0);
	assert_string_equal(got.data, "page two");
	hoso_store_close(d2);
	hoso_buf_free(&path);
	hoso_buf_free(&got);
}

static void
leftovers_of_a_crash_are_swept(void **state)
{
	struct hoso_dossier *d = NULL;
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_err e;
	struct stat st;

	(void)state;
	assert_int_equal(hoso_store_open(top, "B", true, &d, &e), 0);
	hoso_store_close(d);
	/* What kill -9 between a page write and the index write leaves. */
	assert_int_equal(hoso_file_join(&path, top, "B/pages/0001.png", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "orphan", 6, &e), 0);
	assert_int_equal(hoso_file_join(&path, top, "B/pages/.0002.png.tmp.abcdef", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "half", 4, &e), 0);
	assert_int_equal(hoso_file_join(&path, top, "B/.dossier.xml.tmp.abcdef", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "<dossier", 8, &e), 0);
	assert_int_equal(hoso_store_open(top, "B", true, &d, &e), 0);	/* writers sweep */
	assert_int_equal(d->n_pages, 0);
	hoso_store_close(d);
	assert_int_equal(hoso_file_join(&path, top, "B/pages/0001.png", &e), 0);
	assert_int_not_equal(stat(path.data, &st), 0);
	assert_int_equal(hoso_file_join(&path, top, "B/pages/.0002.png.tmp.abcdef", &e), 0);
	assert_int_not_equal(stat(path.data, &st), 0);
	assert_int_equal(hoso_file_join(&path, top, "B/.dossier.xml.tmp.abcdef", &e), 0);
	assert_int_not_equal(stat(path.data, &st), 0);
	hoso_buf_free(&path);
}

static void
broken_index_is_bad_input(void **state)
{
	struct hoso_dossier *d = NULL;
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_err e;
	const char evil[] = "<dossier version=\"1\"><ma_ho_so>C</ma_ho_so><ngon_ngu>vi</ngon_ngu>"
	    "<so_trang>1</so_trang><pages><page n=\"1\" file=\"pages/../../x\" norm=\"pages/1\" "
	    "source=\"\" sha256=\"00\" size=\"1\" width=\"1\" height=\"1\" dpi=\"1\" colour=\"bw\" "
	    "rotation=\"0\" skew=\"0\" blank=\"false\"/></pages></dossier>";

	(void)state;
	assert_int_equal(hoso_store_open(top, "C", true, &d, &e), 0);
	hoso_store_close(d);
	assert_int_equal(hoso_file_join(&path, top, "C/dossier.xml", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, evil, strlen(evil), &e), 0);
	assert_int_equal(hoso_store_open(top, "C", false, &d, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "dossier.xml"));
	hoso_buf_free(&path);
}

/* What ocr-extract made is listed, kept through reload and page adds, and read back checked. */
static void
ocr_files_are_listed(void **state)
{
	struct hoso_dossier *d = NULL, *d2 = NULL;
	struct hoso_buf path = HOSO_BUF_INIT(0), xml = HOSO_BUF_INIT(0);
	struct hoso_page p;
	struct hoso_page_ocr po;
	struct hoso_err e;
	bool added;
	const char evil[] = "<dossier version=\"1\"><ma_ho_so>O</ma_ho_so><ngon_ngu>vi</ngon_ngu>"
	    "<so_trang>1</so_trang><pages><page n=\"1\" file=\"pages/0001.png\" "
	    "norm=\"pages/0001.norm.tif\" source=\"\" sha256=\"%s\" size=\"1\" width=\"1\" "
	    "height=\"1\" dpi=\"1\" colour=\"bw\" rotation=\"0\" skew=\"0\" blank=\"false\" "
	    "text=\"%s\"/></pages>%s</dossier>";
	char sha[HOSO_SHA256_HEX];

	(void)state;
	memset(sha, 'c', 64);
	sha[64] = '\0';
	assert_int_equal(hoso_store_open(top, "O", true, &d, &e), 0);
	memset(&p, 0, sizeof(p));
	p.source = (char *)"a.png";
	memcpy(p.sha256, sha, sizeof(sha));
	snprintf(p.colour, sizeof(p.colour), "bw");
	assert_int_equal(hoso_store_add_page(d, &p, "png", "A", 1, "N", 1, &added, &e), 0);
	memset(&po, 0, sizeof(po));
	po.sha256 = sha;
	po.status = "ok";
	po.confidence = 90;
	po.text = "ocr/0001.txt";
	po.hocr = "ocr/0001.hocr";
	assert_int_equal(hoso_store_set_ocr_files(d, &po, 1, "ocr/dossier.pdf", &e), 0);
	/* A path out of ocr/ is refused before anything is written. */
	po.text = "ocr/../../x";
	assert_int_equal(hoso_store_set_ocr_files(d, &po, 1, NULL, &e), HOSO_EINPUT);
	po.text = "ocr/0001.txt";
	assert_int_equal(hoso_store_set_ocr_files(d, &po, 1, "pages/0001.png", &e), HOSO_EINPUT);
	/* Status-only updates keep the files listed. */
	assert_int_equal(hoso_store_set_ocr(d, &po, 1, &e), 0);
	assert_string_equal(d->ocr_pdf, "ocr/dossier.pdf");
	assert_int_equal(hoso_store_to_xml(d, &xml, &e), 0);
	assert_non_null(strstr(xml.data, "text=\"ocr/0001.txt\" hocr=\"ocr/0001.hocr\""));
	assert_non_null(strstr(xml.data, "<ocr pdf=\"ocr/dossier.pdf\"/>"));
	assert_true(strstr(xml.data, "<ocr ") > strstr(xml.data, "</pages>"));
	hoso_buf_reset(&xml);
	assert_int_equal(hoso_buf_addf(&path, &e, "xmllint --noout --schema data/schema/dossier.xsd "
	    "%s/O/dossier.xml 2>/dev/null", top), 0);
	assert_int_equal(system(path.data), 0);
	/* A page add keeps the pages' files, but the PDF no longer covers every page. */
	memset(p.sha256, 'd', 64);
	assert_int_equal(hoso_store_add_page(d, &p, "png", "B", 1, "M", 1, &added, &e), 0);
	assert_true(added);
	hoso_store_close(d);
	assert_int_equal(hoso_store_open(top, "O", false, &d2, &e), 0);
	assert_int_equal(d2->n_pages, 2);
	assert_string_equal(d2->pages[0].text, "ocr/0001.txt");
	assert_string_equal(d2->pages[0].hocr, "ocr/0001.hocr");
	assert_null(d2->pages[1].text);
	assert_null(d2->pages[1].hocr);
	assert_null(d2->ocr_pdf);
	assert_int_equal(system(path.data), 0);		/* still valid */
	/* A failed page's text is no longer its own: listing NULL removes it. */
	po.status = "failed: bad";
	po.confidence = -1;
	po.text = po.hocr = NULL;
	assert_int_equal(hoso_store_set_ocr_files(d2, &po, 1, NULL, &e), 0);
	assert_null(d2->pages[0].text);
	assert_null(d2->ocr_pdf);
	hoso_store_close(d2);

	/* Read back: text, hocr and the PDF must be "ocr/" and one safe name. */
	assert_int_equal(hoso_file_join(&path, top, "O/dossier.xml", &e), 0);
	hoso_buf_reset(&xml);
	assert_int_equal(hoso_buf_addf(&xml, &e, evil, sha, "ocr/../../x", ""), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, xml.data, xml.len, &e), 0);
	assert_int_equal(hoso_store_open(top, "O", false, &d, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "dossier.xml"));
	hoso_buf_reset(&xml);
	assert_int_equal(hoso_buf_addf(&xml, &e, evil, sha, "pages/0001.png", ""), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, xml.data, xml.len, &e), 0);
	assert_int_equal(hoso_store_open(top, "O", false, &d, &e), HOSO_EINPUT);
	hoso_buf_reset(&xml);
	assert_int_equal(hoso_buf_addf(&xml, &e, evil, sha, "ocr/0001.txt",
	    "<ocr pdf=\"/etc/passwd\"/>"), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, xml.data, xml.len, &e), 0);
	assert_int_equal(hoso_store_open(top, "O", false, &d, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "dossier.xml"));
	hoso_buf_free(&path);
	hoso_buf_free(&xml);
}

/* Two processes adding pages to one dossier at once: none lost, none doubled. */
static void
two_writers(void **state)
{
	struct hoso_dossier *d = NULL;
	struct hoso_page p;
	struct hoso_err e;
	char bytes[32];
	pid_t kids[2];
	int k, i, status;
	bool added;

	(void)state;
	for (k = 0; k < 2; k++) {
		if ((kids[k] = fork()) == 0) {
			if (hoso_store_open(top, "D", true, &d, &e) != 0)
				_exit(1);
			for (i = 0; i < 20; i++) {
				/* both add pages 0..9; each adds 10 of its own */
				snprintf(bytes, sizeof(bytes), i < 10 ? "shared %d" : "own %d %d", i, k);
				fill_page(&p, bytes);
				if (hoso_store_add_page(d, &p, "png", bytes, strlen(bytes), "N", 1,
				    &added, &e) != 0)
					_exit(2);
			}
			hoso_store_close(d);
			_exit(0);
		}
	}
	for (k = 0; k < 2; k++) {
		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(hoso_store_open(top, "D", false, &d, &e), 0);
	assert_int_equal(d->n_pages, 30);
	for (i = 0; i < 30; i++)
		assert_int_equal(d->pages[i].n, i + 1);
	hoso_store_close(d);
}

/* A folder that happens to have a dossier's name is someone else's: refused, untouched. */
static void
foreign_folder_is_left_alone(void **state)
{
	struct hoso_dossier *d = NULL;
	struct hoso_buf path = HOSO_BUF_INIT(0), got = HOSO_BUF_INIT(0);
	struct hoso_err e;
	struct stat st;

	(void)state;
	assert_int_equal(hoso_file_join(&path, top, "Docs/pages", &e), 0);
	assert_int_equal(hoso_file_mkdirs(path.data, &e), 0);
	assert_int_equal(hoso_file_join(&path, top, "Docs/pages/photo.jpg", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "precious", 8, &e), 0);
	assert_int_equal(hoso_store_open(top, "Docs", true, &d, &e), HOSO_EINPUT);
	assert_null(d);
	assert_non_null(strstr(e.msg, "photo.jpg"));
	assert_int_equal(hoso_file_read(path.data, 100, &got, &e), 0);
	assert_string_equal(got.data, "precious");
	assert_int_equal(hoso_file_join(&path, top, "Docs/.lock", &e), 0);
	assert_int_not_equal(stat(path.data, &st), 0);

	/* What a writer killed before its first index leaves is adopted. */
	assert_int_equal(hoso_file_join(&path, top, "Killed/pages", &e), 0);
	assert_int_equal(hoso_file_mkdirs(path.data, &e), 0);
	assert_int_equal(hoso_file_join(&path, top, "Killed/pages/0001.png", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "orphan", 6, &e), 0);
	assert_int_equal(hoso_store_open(top, "Killed", true, &d, &e), 0);
	assert_int_not_equal(stat(path.data, &st), 0);		/* the orphan is swept */
	hoso_store_close(d);
	hoso_buf_free(&path);
	hoso_buf_free(&got);
}

/* In a dossier, the sweep removes only names the store writes. */
static void
sweep_spares_other_names(void **state)
{
	struct hoso_dossier *d = NULL;
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_err e;
	struct stat st;

	(void)state;
	struct hoso_dossier_meta m = { 0 };

	m.tieu_de = (char *)"Hồ sơ E";
	assert_int_equal(hoso_store_open(top, "E", true, &d, &e), 0);
	assert_int_equal(hoso_store_set_meta(d, &m, true, &e), 0);	/* writes dossier.xml */
	hoso_store_close(d);
	assert_int_equal(hoso_file_join(&path, top, "E/pages/README.txt", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "mine", 4, &e), 0);
	assert_int_equal(hoso_file_join(&path, top, "E/pages/.x.tmp.abcdef", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "mine", 4, &e), 0);
	assert_int_equal(hoso_store_open(top, "E", true, &d, &e), 0);
	hoso_store_close(d);
	assert_int_equal(stat(path.data, &st), 0);
	assert_int_equal(hoso_file_join(&path, top, "E/pages/README.txt", &e), 0);
	assert_int_equal(stat(path.data, &st), 0);
	hoso_buf_free(&path);
}

/* An index pruned and renumbered by someone else never makes a new page overwrite a listed one. */
static void
new_files_never_reuse_listed_names(void **state)
{
	const char xml[] = "<dossier version=\"1\"><ma_ho_so>F</ma_ho_so><ngon_ngu>vi</ngon_ngu>"
	    "<so_trang>1</so_trang><pages><page n=\"1\" file=\"pages/0002.png\" "
	    "norm=\"pages/0002.norm.tif\" source=\"\" sha256=\"%s\" size=\"8\" width=\"1\" "
	    "height=\"1\" dpi=\"1\" colour=\"bw\" rotation=\"0\" skew=\"0\" blank=\"false\"/>"
	    "</pages></dossier>";
	struct hoso_dossier *d = NULL;
	struct hoso_buf path = HOSO_BUF_INIT(0), doc = HOSO_BUF_INIT(0), got = HOSO_BUF_INIT(0);
	struct hoso_page p;
	struct hoso_err e;
	bool added;

	(void)state;
	assert_int_equal(hoso_store_open(top, "F", true, &d, &e), 0);
	hoso_store_close(d);
	fill_page(&p, "page two");
	assert_int_equal(hoso_buf_addf(&doc, &e, xml, p.sha256), 0);
	assert_int_equal(hoso_file_join(&path, top, "F/dossier.xml", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, doc.data, doc.len, &e), 0);
	assert_int_equal(hoso_file_join(&path, top, "F/pages/0002.png", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "page two", 8, &e), 0);
	assert_int_equal(hoso_file_join(&path, top, "F/pages/0002.norm.tif", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "N", 1, &e), 0);

	assert_int_equal(hoso_store_open(top, "F", true, &d, &e), 0);
	fill_page(&p, "page three");
	assert_int_equal(hoso_store_add_page(d, &p, "png", "page three", 10, "M", 1, &added, &e), 0);
	assert_true(added);
	assert_int_equal(d->pages[1].n, 2);
	assert_string_equal(d->pages[1].file, "pages/0003.png");
	assert_string_equal(d->pages[1].norm, "pages/0003.norm.tif");
	hoso_store_close(d);
	assert_int_equal(hoso_file_join(&path, top, "F/pages/0002.png", &e), 0);
	assert_int_equal(hoso_file_read(path.data, 100, &got, &e), 0);
	assert_string_equal(got.data, "page two");

	/* Two pages naming one file: a damaged index, refused. */
	hoso_buf_reset(&doc);
	assert_int_equal(hoso_buf_adds(&doc, "<dossier version=\"1\"><ma_ho_so>F</ma_ho_so>"
	    "<ngon_ngu>vi</ngon_ngu><so_trang>2</so_trang><pages>", &e), 0);
	for (int i = 1; i <= 2; i++)
		assert_int_equal(hoso_buf_addf(&doc, &e, "<page n=\"%d\" file=\"pages/0001.png\" "
		    "norm=\"pages/000%d.norm.tif\" source=\"\" sha256=\"%s\" size=\"1\" "
		    "width=\"1\" height=\"1\" dpi=\"1\" colour=\"bw\" rotation=\"0\" skew=\"0\" "
		    "blank=\"false\"/>", i, i, p.sha256), 0);
	assert_int_equal(hoso_buf_adds(&doc, "</pages></dossier>", &e), 0);
	assert_int_equal(hoso_file_join(&path, top, "F/dossier.xml", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, doc.data, doc.len, &e), 0);
	assert_int_equal(hoso_store_open(top, "F", false, &d, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "another page"));
	hoso_buf_free(&path);
	hoso_buf_free(&doc);
	hoso_buf_free(&got);
}

static void
fixed_fields_never_cut(void **state)
{
	static const char xml[] =
	    "<dossier version=\"1\"><ma_ho_so>C</ma_ho_so><pages>"
	    "<page n=\"1\" file=\"pages/0001.png\" norm=\"pages/0001.norm.tif\" sha256=\""
	    "0000000000000000000000000000000000000000000000000000000000000000\" size=\"1\" "
	    "width=\"1\" height=\"1\" dpi=\"300\" colour=\"colourful\" rotation=\"0\" "
	    "skew=\"0\" blank=\"false\" ingested=\"2026-12-08T07:00:00+07:00\"/>"
	    "<page n=\"2\" file=\"pages/0002.png\" norm=\"pages/0002.norm.tif\" sha256=\""
	    "1111111111111111111111111111111111111111111111111111111111111111\" size=\"1\" "
	    "width=\"1\" height=\"1\" dpi=\"300\" colour=\"grey\" rotation=\"0\" "
	    "skew=\"0\" blank=\"false\" ingested=\"2026-12-08T00:00:00Z and then some\"/>"
	    "</pages></dossier>";
	struct hoso_dossier *d = calloc(1, sizeof(*d));
	struct hoso_err e;

	(void)state;
	assert_non_null(d);
	d->lock_fd = -1;
	d->code = strdup("C");
	assert_int_equal(hoso_store_from_xml(d, xml, strlen(xml), "x.xml", &e), 0);
	assert_int_equal(d->n_pages, 2);
	/* A colour not of the three is none: not "colourf", cut to fit. */
	assert_string_equal(d->pages[0].colour, "");
	assert_string_equal(d->pages[1].colour, "grey");
	/* A time with an offset is kept in the store's form; a longer text is no time. */
	assert_string_equal(d->pages[0].ingested, "2026-12-08T00:00:00Z");
	assert_string_equal(d->pages[1].ingested, "");
	hoso_store_close(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes),
		cmocka_unit_test(fixed_fields_never_cut),
		cmocka_unit_test(add_pages_once_each),
		cmocka_unit_test(leftovers_of_a_crash_are_swept),
		cmocka_unit_test(broken_index_is_bad_input),
		cmocka_unit_test(ocr_files_are_listed),
		cmocka_unit_test(two_writers),
		cmocka_unit_test(foreign_folder_is_left_alone),
		cmocka_unit_test(sweep_spares_other_names),
		cmocka_unit_test(new_files_never_reuse_listed_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
