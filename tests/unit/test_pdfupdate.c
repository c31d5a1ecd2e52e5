/* test_pdfupdate.c - the incremental-update writer: what it appends, and what it refuses. */
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
#include "file.h"
#include "pdfupdate.h"

#define HEAD	"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"

static char dir[64], path[128];

/* A file of one object with an xref table; its startxref is strlen(HEAD), 45. */
static void
write_pdf(const char *tail)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fprintf(fp, "%sxref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\n"
	    "trailer\n<< /Size 2 /Root 1 0 R >>\n%s", HEAD, tail);
	assert_int_equal(fclose(fp), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hoso-test-pdfupdate-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/a.pdf", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

/* 7.9.2.2: UTF-16BE with a byte order mark, a surrogate pair past the BMP; only UTF-8 in. */
static void
test_text_string(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err err;

	(void)state;
	assert_int_equal(hoso_pdfupdate_text_string(&b, "A\xc3\xa9\xf0\x9f\x98\x80", &err), 0);
	assert_string_equal(hoso_buf_str(&b), "<FEFF004100E9D83DDE00>");
	hoso_buf_reset(&b);
	assert_int_equal(hoso_pdfupdate_text_string(&b, "\xff", &err), HOSO_EUSAGE);
	hoso_buf_free(&b);
}

/* The input's bytes kept, the end of line it lacked added, a table section with /Prev. */
static void
test_append(void **state)
{
	struct hoso_pdfupdate_obj obj = { 2, 0, "<< /Title (x) >>", 16 };
	struct hoso_buf got = HOSO_BUF_INIT(0), want = HOSO_BUF_INIT(0);
	struct hoso_err err;
	size_t in_len;

	(void)state;
	write_pdf("startxref\n45\n%%EOF");
	assert_int_equal(hoso_file_read(path, 1 << 20, &want, &err), 0);
	in_len = want.len;
	assert_int_equal(hoso_pdfupdate_append(path, path, &obj, 1, 3, "/Root 1 0 R", &err), 0);
	assert_int_equal(hoso_file_read(path, 1 << 20, &got, &err), 0);
	assert_true(got.len > in_len);
	assert_memory_equal(got.data, want.data, in_len);
	hoso_buf_reset(&want);
	assert_int_equal(hoso_buf_addf(&want, &err, "\n2 0 obj\n<< /Title (x) >>\nendobj\n"
	    "xref\n2 1\n%010zu 00000 n\r\ntrailer\n<< /Size 3 /Prev 45 /Root 1 0 R >>\n"
	    "startxref\n%zu\n%%%%EOF\n", in_len + 1, in_len + 33), 0);
	assert_string_equal(hoso_buf_str(&got) + in_len, hoso_buf_str(&want));
	hoso_buf_free(&got);
	hoso_buf_free(&want);
}

/* Nothing is written for a file without a startxref, or an update past the writer's room. */
static void
test_refused(void **state)
{
	struct hoso_pdfupdate_obj objs[HOSO_PDFUPDATE_MAX_OBJS + 1];
	struct hoso_pdfupdate u;
	struct hoso_err err;
	int i;

	(void)state;
	write_pdf("");
	assert_int_equal(hoso_pdfupdate_append(path, path, objs, 0, 2, "", &err), HOSO_EINPUT);
	for (i = 0; i <= HOSO_PDFUPDATE_MAX_OBJS; i++)
		objs[i] = (struct hoso_pdfupdate_obj){ i + 2, 0, "null", 4 };
	write_pdf("startxref\n45\n%%EOF\n");
	assert_int_equal(hoso_pdfupdate_append(path, path, objs, HOSO_PDFUPDATE_MAX_OBJS + 1, 20,
	    "", &err), HOSO_EUSAGE);
	/* and object by object, as pades.c builds a signature */
	memset(&u, 0, sizeof(u));
	for (i = 0; i < HOSO_PDFUPDATE_MAX_OBJS; i++)
		assert_int_equal(hoso_pdfupdate_obj(&u, i + 2, 0, &err), 0);
	assert_int_equal(hoso_pdfupdate_obj(&u, 99, 0, &err), HOSO_EUSAGE);
	hoso_pdfupdate_free(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_string),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
