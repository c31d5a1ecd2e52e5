/* test_xmp.c - the XMP packet of xmp.c and the update that adds it to a PDF. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "xml.h"
#include "xmp.h"

static char dir[64];

static char *
f(const char *name)
{
	static char paths[4][128];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

/* A one-page PDF with an xref table and, if info, a document information dictionary (7.5). */
static void
write_pdf_producer(const char *path, int info, const char *producer)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
		"<< /Producer (%s) /CreationDate (D:20260102030405Z) /Title (old) >>",
	};
	int n = info ? 4 : 3, i;
	long off[4], x;
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs("%PDF-1.7\n", fp);
	for (i = 0; i < n; i++) {
		off[i] = ftell(fp);
		fprintf(fp, "%d 0 obj\n", i + 1);
		if (i == 3)
			fprintf(fp, objs[i], producer);
		else
			fputs(objs[i], fp);
		fputs("\nendobj\n", fp);
	}
	x = ftell(fp);
	fprintf(fp, "xref\n0 %d\n0000000000 65535 f\r\n", n + 1);
	for (i = 0; i < n; i++)
		fprintf(fp, "%010ld 00000 n\r\n", off[i]);
	fprintf(fp, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%ld\n%%%%EOF\n", n + 1,
	    info ? "/Info 4 0 R " : "", x);
	fclose(fp);
}

static void
write_pdf(const char *path, int info)
{
	write_pdf_producer(path, info, "Maker 1.0");
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *b;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*n = (size_t)ftell(fp);
	rewind(fp);
	b = malloc(*n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, *n, fp), *n);
	b[*n] = '\0';
	fclose(fp);
	return b;
}

static void
test_packet(void **state)
{
	const char *title = "HS-01 \xe2\x80\x94 A & <b> \"c\" ]]>";
	struct hoso_buf out = HOSO_BUF_INIT(0);
	const struct hoso_xml_node *n;
	struct hoso_xml *doc = NULL;
	struct hoso_err err;
	char *text;

	(void)state;
	hoso_err_clear(&err);
	assert_int_equal(hoso_xmp_packet(title, "hoso ocr-extract 1", "2026-01-02T03:04:05Z",
	    "Maker & Co", &out, &err), 0);
	assert_true(strncmp(out.data, "<?xpacket begin=\"\xef\xbb\xbf\"", 19) == 0);
	assert_non_null(strstr(out.data, "<?xpacket end=\"r\"?>"));
	assert_null(strstr(out.data, "<?xml"));
	/* well-formed, and the title comes back as it went in */
	assert_int_equal(hoso_xml_parse(out.data, out.len, "xmp", &doc, &err), 0);
	n = hoso_xml_root(doc);
	assert_string_equal(hoso_xml_name(n), "xmpmeta");
	n = hoso_xml_child(hoso_xml_child(n, "RDF"), "Description");
	assert_non_null(n);
	text = hoso_xml_text(hoso_xml_child(hoso_xml_child(hoso_xml_child(n, "title"), "Alt"),
	    "li"));
	assert_string_equal(text, title);
	free(text);
	assert_string_equal(hoso_xml_ns(hoso_xml_child(n, "CreatorTool")),
	    "http://ns.adobe.com/xap/1.0/");
	text = hoso_xml_text(hoso_xml_child(n, "Producer"));
	assert_string_equal(text, "Maker & Co");
	free(text);
	hoso_xml_free(doc);
	/* without a date there is no xmp:CreateDate */
	hoso_buf_reset(&out);
	assert_int_equal(hoso_xmp_packet("t", "c", NULL, "p", &out, &err), 0);
	assert_null(strstr(out.data, "CreateDate"));
	hoso_buf_free(&out);
}

static void
test_add(void **state)
{
	struct hoso_err err;
	char *before, *after;
	size_t n0, n1;
	int info;

	(void)state;
	for (info = 0; info <= 1; info++) {
		write_pdf(f("a.pdf"), info);
		before = slurp(f("a.pdf"), &n0);
		hoso_err_clear(&err);
		assert_int_equal(hoso_xmp_add(f("a.pdf"), "HS-01", "Khai sinh (b\xe1\xba\xa3n sao)",
		    &err), 0);
		after = slurp(f("a.pdf"), &n1);
		/* an incremental update: the old bytes first, unchanged */
		assert_true(n1 > n0 && memcmp(before, after, n0) == 0);
		assert_non_null(strstr(after + n0, "/Metadata"));
		assert_non_null(strstr(after + n0, "/Type /Metadata /Subtype /XML"));
		assert_non_null(strstr(after + n0, "/Prev "));
		/* the title as UTF-16BE: "HS" first */
		assert_non_null(strstr(after + n0, "/Title <FEFF00480053"));
		if (info) {
			/* the maker's /Producer and date are kept, the info object rewritten */
			assert_non_null(strstr(after + n0, "<pdf:Producer>Maker 1.0</pdf:Producer>"));
			assert_non_null(strstr(after + n0, "2026-01-02T03:04:05Z"));
			assert_non_null(strstr(after + n0, "/Info 4 0 R"));
			assert_null(strstr(after + n0, "(old)"));
		} else {
			assert_non_null(strstr(after + n0, "/Info 5 0 R"));
			assert_non_null(strstr(after + n0, "/Size 6"));
		}
		free(before);
		free(after);
	}
}

/* A producer longer than any buffer comes back whole: it is written into the file again. */
static void
test_long_producer(void **state)
{
	struct hoso_err err;
	char producer[601], want[700], *after;
	size_t n;

	(void)state;
	memset(producer, 'x', 600);
	memcpy(producer, "Maker ", 6);
	producer[600] = '\0';
	write_pdf_producer(f("long.pdf"), 1, producer);
	hoso_err_clear(&err);
	assert_int_equal(hoso_xmp_add(f("long.pdf"), "HS-02", NULL, &err), 0);
	after = slurp(f("long.pdf"), &n);
	snprintf(want, sizeof(want), "<pdf:Producer>%s</pdf:Producer>", producer);
	assert_non_null(strstr(after, want));
	free(after);
}

static void
test_refused(void **state)
{
	struct hoso_err err;
	FILE *fp;

	(void)state;
	fp = fopen(f("junk.pdf"), "wb");
	assert_non_null(fp);
	fputs("%PDF-1.7\nthis is not a PDF at all, no xref, no trailer\n", fp);
	fclose(fp);
	hoso_err_clear(&err);
	assert_int_not_equal(hoso_xmp_add(f("junk.pdf"), "X", NULL, &err), 0);
	assert_int_equal(err.code, HOSO_EINPUT);
	hoso_err_clear(&err);
	assert_int_not_equal(hoso_xmp_add(f("none.pdf"), "X", NULL, &err), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hoso-xmp-test-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_long_producer),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
