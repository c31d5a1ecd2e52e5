/*
 * test_pdfxref.c - unit tests for lib/pdfxref.c: cross-reference tables,
 * streams (raw and Flate with a PNG predictor) and hybrid files read as
 * the bytes say, newest section first and the newest entry winning; the
 * extent of objects; and the refusals (a /Prev loop, bytes after %%EOF,
 * entries outside the file, unknown entry types, a name spelled with #xx
 * escapes read as itself, nesting past the bound).
 *
 * Every file is written here, byte by byte, with offsets computed as it
 * is built.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "buf.h"
#include "err.h"
#include "pdfxref.h"

/* A file under construction, with the offset of each object written. */
struct file {
	struct hoso_buf b;
	long long off[32];
};

static void
add(struct file *f, const char *fmt, ...)
{
	struct hoso_err err;
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	assert_int_equal(hoso_buf_adds(&f->b, text, &err), 0);
}

static void
obj(struct file *f, int num, const char *body)
{
	f->off[num] = (long long)f->b.len;
	add(f, "%d 0 obj\n%s\nendobj\n", num, body);
}

/* A classic table for objects 0 .. n-1 (0 free), then trailer and startxref. */
static long long
table(struct file *f, int n, const char *trailer)
{
	long long at = (long long)f->b.len;
	int i;

	add(f, "xref\n0 %d\n0000000000 65535 f\r\n", n);
	for (i = 1; i < n; i++)
		add(f, "%010lld 00000 n\r\n", f->off[i]);
	add(f, "trailer\n%s\nstartxref\n%lld\n%%%%EOF\n", trailer, at);
	return at;
}

static void
base(struct file *f)
{
	memset(f, 0, sizeof(*f));
	add(f, "%%PDF-1.7\n");
	obj(f, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	obj(f, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	obj(f, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R >>");
	obj(f, 4, "<< /Length 5 >>\nstream\nBT ET\nendstream");
	obj(f, 5, "<< /Producer (t) >>");
}

static int
read_it(struct file *f, struct hoso_pdfxref *x, struct hoso_err *err)
{
	hoso_err_clear(err);
	return hoso_pdfxref_read((const unsigned char *)f->b.data, f->b.len, "t.pdf", x, err);
}

static void
test_table(void **state)
{
	const struct hoso_pdfxref_entry *e;
	struct hoso_pdfxref x;
	struct hoso_err err;
	struct file f;
	long long num, end;
	int gen;

	(void)state;
	base(&f);
	table(&f, 6, "<< /Size 6 /Root 1 0 R /Info 5 0 R /ID [<00ff> <00ff>] >>");
	assert_int_equal(read_it(&f, &x, &err), 0);
	assert_int_equal(x.n_sections, 1);
	assert_false(x.sections[0].stream);
	assert_int_equal(x.sections[0].root_id, 1);
	assert_int_equal(x.sections[0].info_id, 5);
	assert_int_equal(x.sections[0].prev, -1);
	assert_int_equal(x.n_entries, 6);
	e = hoso_pdfxref_lookup(&x, 4);
	assert_non_null(e);
	assert_int_equal(e->type, 'n');
	assert_int_equal(e->off, f.off[4]);
	assert_null(hoso_pdfxref_lookup(&x, 9));
	/* the extent of a stream object: "endobj" after the data /Length gives */
	assert_int_equal(hoso_pdfxref_object(&x, f.off[4], &num, &gen, &end, &err), 0);
	assert_int_equal(num, 4);
	assert_int_equal(gen, 0);
	assert_memory_equal(f.b.data + end - 6, "endobj", 6);
	assert_int_equal(f.off[5], end + 1);
	/* an offset that is not an object's start */
	assert_int_not_equal(hoso_pdfxref_object(&x, f.off[4] + 2, &num, &gen, &end, &err), 0);
	assert_int_equal(err.code, HOSO_EINPUT);
	hoso_pdfxref_free(&x);
	hoso_buf_free(&f.b);
}

/* An update redefines object 4 and adds 6: the newest entry wins, the old stays listed. */
static void
test_update(void **state)
{
	const struct hoso_pdfxref_entry *e;
	struct hoso_pdfxref x;
	struct hoso_err err;
	struct file f;
	long long first, second, eof1, at;

	(void)state;
	base(&f);
	first = table(&f, 6, "<< /Size 6 /Root 1 0 R >>");
	eof1 = (long long)f.b.len;
	obj(&f, 4, "<< /Length 9 >>\nstream\nBT 1 0 Td\nendstream");
	obj(&f, 6, "[1 2 3]");
	second = (long long)f.b.len;
	add(&f, "xref\n4 1\n%010lld 00000 n\r\n6 1\n%010lld 00000 n\r\ntrailer\n<< /Size 7 /Root 1 "
	    "0 R /Prev %lld >>\nstartxref\n%lld\n%%%%EOF\n", f.off[4], f.off[6], first, second);
	assert_int_equal(read_it(&f, &x, &err), 0);
	assert_int_equal(x.n_sections, 2);
	assert_int_equal(x.sections[0].off, second);
	assert_int_equal(x.sections[0].prev, first);
	assert_int_equal(x.sections[0].n, 2);
	e = hoso_pdfxref_lookup(&x, 4);
	assert_int_equal(e->off, f.off[4]);
	assert_int_equal(e->section, 0);
	assert_int_equal(hoso_pdfxref_lookup(&x, 1)->section, 1);
	/* "startxref N" between revisions is blank only when N is a section given as one */
	at = (long long)(strstr(f.b.data + first, "startxref") - f.b.data);
	assert_int_equal(hoso_pdfxref_skip_blank(&x, at, eof1, &first, 1), eof1);
	assert_int_equal(hoso_pdfxref_skip_blank(&x, at, eof1, &second, 1), at);
	assert_int_equal(hoso_pdfxref_skip_blank(&x, at, eof1, NULL, 0), at);
	/* an object is not blank */
	assert_int_equal(hoso_pdfxref_skip_blank(&x, eof1, f.off[6], &first, 1), eof1);
	hoso_pdfxref_free(&x);
	hoso_buf_free(&f.b);
}

/* A cross-reference stream, raw or Flate with PNG Up rows (7.4.4.4), and a hybrid file. */
static void
xref_stream(struct file *f, int num, bool flate, long long prev, const char *extra)
{
	unsigned char rows[8 * 5], packed[8 * 6], z[256];
	uLongf zlen = sizeof(z);
	struct hoso_err err;
	size_t n_rows = 0, k, len;
	const unsigned char *data;
	int i;

	/* rows for objects 0 .. 5 and the stream itself: type, offset (2 bytes), gen */
	for (i = 0; i <= num; i++) {
		unsigned char *r = rows + 4 * n_rows++;
		long long off = i == num ? (long long)f->b.len : f->off[i];
		r[0] = i == 0 ? 0 : i == 5 ? 2 : 1;
		r[1] = i == 5 ? 0 : (unsigned char)(off >> 8);
		r[2] = i == 5 ? 7 : (unsigned char)off;		/* object 5 in stream 7 */
		r[3] = i == 0 ? 0xff : 0;
	}
	data = rows;
	len = 4 * n_rows;
	if (flate) {
		for (k = 0; k < n_rows; k++) {
			packed[5 * k] = 2;	/* Up: each byte minus the one above */
			for (i = 0; i < 4; i++)
				packed[5 * k + 1 + (size_t)i] = (unsigned char)(rows[4 * k +
				    (size_t)i] - (k > 0 ? rows[4 * (k - 1) + (size_t)i] : 0));
		}
		assert_int_equal(compress(z, &zlen, packed, 5 * n_rows), Z_OK);
		data = z;
		len = zlen;
	}
	f->off[num] = (long long)f->b.len;
	add(f, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R %s", num, num + 1,
	    flate ? "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >> " : "");
	if (prev >= 0)
		add(f, "/Prev %lld ", prev);
	add(f, "%s /Length %zu >>\nstream\n", extra, len);
	assert_int_equal(hoso_buf_add(&f->b, data, len, &err), 0);
	add(f, "\nendstream\nendobj\n");
}

static void
test_streams(void **state)
{
	const struct hoso_pdfxref_entry *e;
	struct hoso_pdfxref x;
	struct hoso_err err;
	struct file f;
	int flate;

	(void)state;
	for (flate = 0; flate < 2; flate++) {
		base(&f);
		xref_stream(&f, 6, flate != 0, -1, "");
		add(&f, "startxref\n%lld\n%%%%EOF\n", f.off[6]);
		assert_int_equal(read_it(&f, &x, &err), 0);
		assert_int_equal(x.n_sections, 1);
		assert_true(x.sections[0].stream);
		assert_int_equal(x.sections[0].stream_id, 6);
		e = hoso_pdfxref_lookup(&x, 3);
		assert_int_equal(e->type, 'n');
		assert_int_equal(e->off, f.off[3]);
		e = hoso_pdfxref_lookup(&x, 5);
		assert_int_equal(e->type, 'c');
		assert_int_equal(e->off, 7);
		assert_int_equal(hoso_pdfxref_lookup(&x, 0)->type, 'f');
		hoso_pdfxref_free(&x);
		hoso_buf_free(&f.b);
	}
}

/* 7.5.8.4: a table with /XRefStm; the table's entries win over the stream's. */
static void
test_hybrid(void **state)
{
	struct hoso_pdfxref x;
	struct hoso_err err;
	struct file f;
	long long at;
	char trailer[128];

	(void)state;
	base(&f);
	xref_stream(&f, 6, false, -1, "");
	at = (long long)f.b.len;
	snprintf(trailer, sizeof(trailer), "<< /Size 7 /Root 1 0 R /XRefStm %lld >>", f.off[6]);
	add(&f, "xref\n0 2\n0000000000 65535 f\r\n%010lld 00000 n\r\ntrailer\n%s\nstartxref\n"
	    "%lld\n%%%%EOF\n", f.off[1], trailer, at);
	assert_int_equal(read_it(&f, &x, &err), 0);
	assert_int_equal(x.n_sections, 2);
	assert_false(x.sections[0].stream);
	assert_true(x.sections[1].hybrid);
	assert_int_equal(hoso_pdfxref_lookup(&x, 1)->section, 0);
	assert_int_equal(hoso_pdfxref_lookup(&x, 3)->section, 1);
	hoso_pdfxref_free(&x);
	hoso_buf_free(&f.b);
}

/* Streams whose /Length is an object, and names spelled with #xx escapes. */
static void
test_syntax(void **state)
{
	struct hoso_pdfxref x;
	struct hoso_err err;
	struct file f;
	long long num, end, first;
	int gen;

	(void)state;
	memset(&f, 0, sizeof(f));
	add(&f, "%%PDF-1.7\n");
	obj(&f, 1, "<< /Type /Catalog /Pages 2 0 R /S (a string with \\) inside and (nested) "
	    "parens >>) /H <41 42 43> >>");
	obj(&f, 2, "<< /Type /Pages /Kids [] /Count 0 % a comment >> endobj\n>>");
	obj(&f, 3, "<< /Length 4 0 R >>\nstream\n12345678\nendstream");
	obj(&f, 4, "8");
	first = table(&f, 5, "<< /Size 5 /Root 1 0 R >>");
	/* an update whose trailer spells /Prev as /Pr#65v */
	obj(&f, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
	end = (long long)f.b.len;
	add(&f, "xref\n2 1\n%010lld 00000 n\r\ntrailer\n<< /Size 5 /Root 1 0 R /Pr#65v %lld >>\n"
	    "startxref\n%lld\n%%%%EOF\n", f.off[2], first, end);
	assert_int_equal(read_it(&f, &x, &err), 0);
	assert_int_equal(x.n_sections, 2);
	assert_int_equal(x.sections[0].prev, first);
	assert_int_equal(hoso_pdfxref_object(&x, f.off[3], &num, &gen, &end, &err), 0);
	assert_int_equal(num, 3);
	assert_int_equal(hoso_pdfxref_object(&x, f.off[1], &num, &gen, &end, &err), 0);
	assert_int_equal(num, 1);
	hoso_pdfxref_free(&x);
	hoso_buf_free(&f.b);
}

/* What is refused, each with a message naming the file. */
static void
test_refused(void **state)
{
	struct hoso_pdfxref x;
	struct hoso_err err;
	struct file f;
	long long at, num, end;
	int gen, i;
	char deep[400];

	(void)state;
	/* a /Prev that points at its own section */
	base(&f);
	at = (long long)f.b.len;
	add(&f, "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 6 /Root 1 0 R /Prev %lld >>\n"
	    "startxref\n%lld\n%%%%EOF\n", at, at);
	assert_int_equal(read_it(&f, &x, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "t.pdf"));
	assert_non_null(strstr(err.msg, "loop"));
	hoso_buf_free(&f.b);
	/* bytes after the last %%EOF */
	base(&f);
	table(&f, 6, "<< /Size 6 /Root 1 0 R >>");
	add(&f, "1 0 obj << >> endobj\n");
	assert_int_equal(read_it(&f, &x, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "after the last"));
	hoso_buf_free(&f.b);
	/* an entry beyond the end of the file */
	base(&f);
	f.off[3] = 1 << 30;
	table(&f, 6, "<< /Size 6 /Root 1 0 R >>");
	assert_int_equal(read_it(&f, &x, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "outside"));
	hoso_buf_free(&f.b);
	/* a subsection that is not "first count" */
	base(&f);
	at = (long long)f.b.len;
	add(&f, "xref\n0 x\ntrailer\n<< /Size 6 >>\nstartxref\n%lld\n%%%%EOF\n", at);
	assert_int_equal(read_it(&f, &x, &err), HOSO_EINPUT);
	hoso_buf_free(&f.b);
	/* a trailer key there twice */
	base(&f);
	table(&f, 6, "<< /Size 6 /Root 1 0 R /Root 3 0 R >>");
	assert_int_equal(read_it(&f, &x, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "twice"));
	hoso_buf_free(&f.b);
	/* no startxref at all */
	base(&f);
	assert_int_equal(read_it(&f, &x, &err), HOSO_EINPUT);
	hoso_buf_free(&f.b);
	/* a cross-reference stream row of type 3 */
	base(&f);
	xref_stream(&f, 6, false, -1, "");
	f.b.data[f.b.len - strlen("\nendstream\nendobj\n") - 4 * 7 + 4 * 2] = 3;
	add(&f, "startxref\n%lld\n%%%%EOF\n", f.off[6]);
	assert_int_equal(read_it(&f, &x, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "unknown type"));
	hoso_buf_free(&f.b);
	/* nesting past the bound, in an object whose extent is asked for */
	base(&f);
	for (i = 0; i < 150; i++)
		deep[i] = '[';
	for (; i < 300; i++)
		deep[i] = ']';
	deep[i] = '\0';
	obj(&f, 6, deep);
	table(&f, 7, "<< /Size 7 /Root 1 0 R >>");
	assert_int_equal(read_it(&f, &x, &err), 0);
	assert_int_equal(hoso_pdfxref_object(&x, f.off[6], &num, &gen, &end, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "deep"));
	hoso_pdfxref_free(&x);
	hoso_buf_free(&f.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
