/* test_zip.c - the ZIP writer (layout, determinism, refusals) and the strict reader. */
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

#include "buf.h"
#include "file.h"
#include "zip.h"

#define MIME "application/vnd.etsi.asic-e+zip"

static char top[64];
static const time_t when = 1793520000;	/* 2026-11-01T08:00:00Z */

static int
setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/hoso-zip-test-XXXXXX");
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
path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", top, name);
}

static void
add(struct hoso_zipw *zw, const char *name, int method, const void *p, size_t n)
{
	struct hoso_err e;

	assert_int_equal(hoso_zipw_begin(zw, name, method, n, NULL, &e), 0);
	assert_int_equal(hoso_zipw_write(zw, p, n, &e), 0);
	assert_int_equal(hoso_zipw_end(zw, &e), 0);
}

/* Text that deflates about 4:1, so that it is not taken for a bomb. */
static char *
text(size_t n)
{
	char *t = malloc(n);
	uint32_t x = 12345;
	size_t i;

	assert_non_null(t);
	for (i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		t[i] = (char)('a' + (x >> 16) % 16);
	}
	return t;
}

/* A small archive like sign-pack writes, with a reserved entry patched later. */
static void
write_sample(const char *path, size_t big)
{
	struct hoso_zipw *zw;
	struct hoso_err e;
	char *t = text(big);
	size_t idx;

	assert_int_equal(hoso_zipw_open(path, when, &zw, &e), 0);
	add(zw, "mimetype", HOSO_ZIP_STORED, MIME, strlen(MIME));
	assert_int_equal(hoso_zipw_begin(zw, "later.txt", HOSO_ZIP_STORED, 5, &idx, &e), 0);
	assert_int_equal(hoso_zipw_write(zw, "     ", 5, &e), 0);
	assert_int_equal(hoso_zipw_end(zw, &e), 0);
	add(zw, "data/big.txt", HOSO_ZIP_DEFLATED, t, big);
	add(zw, "data/empty", HOSO_ZIP_DEFLATED, "", 0);
	add(zw, "data/Đơn đăng ký.txt", HOSO_ZIP_STORED, "xin chào", strlen("xin chào"));
	assert_int_equal(hoso_zipw_patch(zw, idx, "later", 5, &e), 0);
	assert_int_equal(hoso_zipw_commit(zw, &e), 0);
	hoso_zipw_free(zw);
	free(t);
}

static void
read_file(const char *path, struct hoso_buf *b)
{
	struct hoso_err e;

	hoso_buf_reset(b);
	assert_int_equal(hoso_file_read(path, (size_t)1 << 30, b, &e), 0);
}

static void
round_trip(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0), c = HOSO_BUF_INIT(0);
	struct hoso_zipr *zr;
	struct hoso_err e;
	char path[128], cmd[256];
	char *t = text(3 << 20);

	(void)state;
	path_in(path, sizeof(path), "a.zip");
	write_sample(path, 3 << 20);
	read_file(path, &b);
	/* EN 319 162-1 A.1: mimetype's content at byte 38, STORED, no extra field. */
	assert_memory_equal(b.data + 38, MIME, strlen(MIME));
	assert_int_equal(b.data[8], 0);
	assert_int_equal(b.data[28], 0);
	assert_int_equal(b.data[6] & 8, 0);
	assert_int_equal(hoso_zipr_open(path, NULL, &zr, &e), 0);
	assert_int_equal(hoso_zipr_count(zr), 5);
	assert_string_equal(hoso_zipr_entry(zr, 0)->name, "mimetype");
	assert_int_equal(hoso_zipr_find(zr, "data/Đơn đăng ký.txt"), 4);
	assert_int_equal(hoso_zipr_read_all(zr, 1, 100, &c, &e), 0);
	assert_string_equal(c.data, "later");
	assert_int_equal(hoso_zipr_read_all(zr, 2, 4 << 20, &c, &e), 0);
	assert_int_equal(c.len, 3 << 20);
	assert_memory_equal(c.data, t, 3 << 20);
	assert_true(hoso_zipr_entry(zr, 2)->csize < (3 << 20));
	assert_int_equal(hoso_zipr_read_all(zr, 3, 100, &c, &e), 0);
	assert_int_equal(c.len, 0);
	assert_int_equal(hoso_zipr_read_all(zr, 2, 1000, &c, &e), HOSO_EINPUT);
	hoso_zipr_free(zr);
	/* Info-ZIP agrees. */
	snprintf(cmd, sizeof(cmd), "unzip -tq '%s' >/dev/null", path);
	assert_int_equal(system(cmd), 0);
	hoso_buf_free(&b);
	hoso_buf_free(&c);
	free(t);
}

static void
deterministic(void **state)
{
	struct hoso_buf a = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);
	char p1[128], p2[128];

	(void)state;
	path_in(p1, sizeof(p1), "d1.zip");
	path_in(p2, sizeof(p2), "d2.zip");
	write_sample(p1, 100000);
	write_sample(p2, 100000);
	read_file(p1, &a);
	read_file(p2, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	hoso_buf_free(&a);
	hoso_buf_free(&b);
}

static void
writer_refuses(void **state)
{
	static const char *const bad[] = { "", "../x", "/abs", "a\\b", "a//b", "a/./b", "dir/",
	    "a/..", "\xff" };
	struct hoso_zipw *zw;
	struct hoso_err e;
	struct stat st;
	char path[128], cmd[256];
	size_t i;

	(void)state;
	path_in(path, sizeof(path), "refused.zip");
	assert_int_equal(hoso_zipw_open(path, when, &zw, &e), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hoso_zipw_begin(zw, bad[i], HOSO_ZIP_STORED, 0, NULL, &e),
		    HOSO_EINPUT);
	/* More or fewer bytes than announced. */
	assert_int_equal(hoso_zipw_begin(zw, "a", HOSO_ZIP_DEFLATED, 3, NULL, &e), 0);
	assert_int_equal(hoso_zipw_write(zw, "abcd", 4, &e), HOSO_EINPUT);
	assert_int_equal(hoso_zipw_end(zw, &e), HOSO_EINPUT);
	/* Not committed: nothing left, not even the temporary file. */
	hoso_zipw_free(zw);
	assert_int_not_equal(stat(path, &st), 0);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s' | grep tmp)\"", top);
	assert_int_equal(system(cmd), 0);
}

static int
open_mem(const struct hoso_buf *b, const struct hoso_zip_limits *lim, struct hoso_err *e)
{
	struct hoso_zipr *zr = NULL;
	struct hoso_buf c = HOSO_BUF_INIT(0);
	size_t i;
	int r;

	r = hoso_zipr_open_mem(b->data, b->len, "mem.zip", lim, &zr, e);
	for (i = 0; r == 0 && i < hoso_zipr_count(zr); i++)
		r = hoso_zipr_read_all(zr, i, 64 << 20, &c, e);
	hoso_zipr_free(zr);
	hoso_buf_free(&c);
	return r;
}

static uint32_t
cd_offset(const struct hoso_buf *b)
{
	const unsigned char *p = (const unsigned char *)b->data + b->len - 22 + 16;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
reader_refuses(void **state)
{
	struct hoso_buf good = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);
	struct hoso_err e;
	char path[128];
	uint32_t cd;

	(void)state;
	path_in(path, sizeof(path), "r.zip");
	write_sample(path, 100000);
	read_file(path, &good);
	assert_int_equal(open_mem(&good, NULL, &e), 0);
	cd = cd_offset(&good);

#define COPY() do { hoso_buf_reset(&b); assert_int_equal(hoso_buf_add(&b, good.data, good.len, &e), 0); } while (0)
	/* The CRC in the central directory differs from the local header's. */
	COPY();
	b.data[cd + 16] ^= 1;
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "disagrees"));
	/* The same CRC changed in both: the data no longer matches it. */
	COPY();
	b.data[cd + 16] ^= 1;
	b.data[14] ^= 1;
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "CRC"));
	/* Bytes before the first entry. */
	hoso_buf_reset(&b);
	assert_int_equal(hoso_buf_adds(&b, "junk", &e), 0);
	assert_int_equal(hoso_buf_add(&b, good.data, good.len, &e), 0);
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	/* Truncated, and trailing bytes. */
	COPY();
	b.len -= 30;
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	COPY();
	assert_int_equal(hoso_buf_adds(&b, "trailer", &e), 0);
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	/* Encryption, data descriptor flags set in both headers. */
	COPY();
	b.data[6] |= 1;
	b.data[cd + 8] |= 1;
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "encrypted"));
	COPY();
	b.data[6] |= 8;
	b.data[cd + 8] |= 8;
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "data descriptor"));
	/* A symbolic link (UNIX mode in the external attributes). */
	COPY();
	b.data[cd + 38 + 3] = (char)0xa1;
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "symbolic link"));
	/* Total size over the limit, before anything is inflated. */
	{
		struct hoso_zip_limits lim = { 1000, 0, 0 };
		assert_int_equal(open_mem(&good, &lim, &e), HOSO_EINPUT);
		assert_non_null(strstr(e.msg, "once unpacked"));
	}
	/* Empty and garbage. */
	hoso_buf_reset(&b);
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	assert_int_equal(hoso_buf_adds(&b, "PK\5\6 not really a zip file at all", &e), 0);
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
#undef COPY
	hoso_buf_free(&good);
	hoso_buf_free(&b);
}

static void
bomb_refused_before_inflating(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_zip_limits lax = { 0, 5000, 0 };
	struct hoso_zipw *zw;
	struct hoso_err e;
	char path[128];
	char *zeros = calloc(1, 16 << 20);

	(void)state;
	assert_non_null(zeros);
	path_in(path, sizeof(path), "bomb.zip");
	assert_int_equal(hoso_zipw_open(path, when, &zw, &e), 0);
	add(zw, "mimetype", HOSO_ZIP_STORED, MIME, strlen(MIME));
	add(zw, "data/zeros", HOSO_ZIP_DEFLATED, zeros, 16 << 20);
	assert_int_equal(hoso_zipw_commit(zw, &e), 0);
	hoso_zipw_free(zw);
	read_file(path, &b);
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "ratio"));
	/* With the ratio allowed, the data itself is fine. */
	assert_int_equal(open_mem(&b, &lax, &e), 0);
	/*
	 * A central directory and local header that both announce less than the
	 * data inflates to: inflating stops at the announced size.
	 */
	{
		uint32_t cd = cd_offset(&b);
		size_t loc = 30 + 8 + strlen(MIME);
		b.data[loc + 22] = 0;
		b.data[loc + 23] = 0;
		b.data[loc + 24] = 0x10;	/* 1 MiB */
		b.data[loc + 25] = 0;
		b.data[cd + 46 + 8 + 24] = 0;
		b.data[cd + 46 + 8 + 25] = 0;
		b.data[cd + 46 + 8 + 26] = 0x10;
		b.data[cd + 46 + 8 + 27] = 0;
		assert_int_equal(open_mem(&b, &lax, &e), HOSO_EINPUT);
		assert_non_null(strstr(e.msg, "announced size"));
	}
	hoso_buf_free(&b);
	free(zeros);
}

static void
names_that_collide(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_zipw *zw;
	struct hoso_err e;
	char path[128];

	(void)state;
	path_in(path, sizeof(path), "case.zip");
	assert_int_equal(hoso_zipw_open(path, when, &zw, &e), 0);
	add(zw, "mimetype", HOSO_ZIP_STORED, MIME, strlen(MIME));
	add(zw, "data/Đơn.txt", HOSO_ZIP_STORED, "a", 1);
	add(zw, "data/đơn.TXT", HOSO_ZIP_STORED, "b", 1);
	assert_int_equal(hoso_zipw_commit(zw, &e), 0);
	hoso_zipw_free(zw);
	read_file(path, &b);
	assert_int_equal(open_mem(&b, NULL, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "only by case"));
	hoso_buf_free(&b);
}

/* Every single-byte change of a valid archive is read without a crash or a leak. */
static void
flipped_bytes(void **state)
{
	struct hoso_buf good = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);
	struct hoso_err e;
	char path[128];
	size_t i;

	(void)state;
	path_in(path, sizeof(path), "f.zip");
	write_sample(path, 2000);
	read_file(path, &good);
	for (i = 0; i < good.len; i++) {
		hoso_buf_reset(&b);
		assert_int_equal(hoso_buf_add(&b, good.data, good.len, &e), 0);
		b.data[i] ^= (char)(0x5a ^ (i & 0xff));
		(void)open_mem(&b, NULL, &e);
	}
	hoso_buf_free(&good);
	hoso_buf_free(&b);
}

/* Appending keeps every byte before the old central directory and reads back whole. */
static void
append_keeps_entries(void **state)
{
	struct hoso_buf a = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0), c = HOSO_BUF_INIT(0);
	struct hoso_zipr *zr, *zr2;
	struct hoso_zipw *zw;
	struct hoso_err e;
	char p[256], q[256];
	size_t i, n;

	(void)state;
	path_in(p, sizeof(p), "append.zip");
	path_in(q, sizeof(q), "appended.zip");
	write_sample(p, 100000);
	read_file(p, &a);
	assert_int_equal(hoso_zipr_open(p, NULL, &zr, &e), 0);
	n = hoso_zipr_count(zr);
	assert_int_equal(hoso_zipw_open_append(q, when + 86400, zr, &zw, &e), 0);
	/* A name already there is refused at commit, even across the copy. */
	add(zw, "META-INF/new.xml", HOSO_ZIP_DEFLATED, "<new/>", 6);
	assert_int_equal(hoso_zipw_commit(zw, &e), 0);
	hoso_zipw_free(zw);
	read_file(q, &b);
	/* The old entries are the first bytes, unchanged: everything before the old directory. */
	assert_true(b.len > a.len);
	assert_int_equal(hoso_zipr_open(q, NULL, &zr2, &e), 0);
	assert_int_equal(hoso_zipr_count(zr2), n + 1);
	assert_memory_equal(a.data, b.data, hoso_zipr_entry(zr2, n)->offset);
	for (i = 0; i < n; i++) {
		assert_string_equal(hoso_zipr_entry(zr, i)->name, hoso_zipr_entry(zr2, i)->name);
		assert_int_equal(hoso_zipr_read_all(zr2, i, 1 << 20, &c, &e), 0);
	}
	assert_int_equal(hoso_zipr_read_all(zr2, n, 1 << 20, &c, &e), 0);
	assert_int_equal(c.len, 6);
	assert_memory_equal(c.data, "<new/>", 6);
	hoso_zipr_free(zr2);

	/* In place, and a duplicate name refused with nothing replaced. */
	assert_int_equal(hoso_zipw_open_append(p, when, zr, &zw, &e), 0);
	add(zw, "data/empty", HOSO_ZIP_STORED, "", 0);
	assert_int_not_equal(hoso_zipw_commit(zw, &e), 0);
	hoso_zipw_free(zw);
	read_file(p, &c);
	assert_int_equal(c.len, a.len);
	assert_memory_equal(c.data, a.data, a.len);
	hoso_zipr_free(zr);
	hoso_buf_free(&a);
	hoso_buf_free(&b);
	hoso_buf_free(&c);
}

/* Deflate is tried on a sample: text pays, random bytes do not, tiny files always do. */
static void
deflate_pays(void **state)
{
	unsigned char *r = malloc(70000);
	char *t = text(70000);
	uint32_t x = 99;
	size_t i;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < 70000; i++) {
		x = x * 1664525 + 1013904223;
		r[i] = (unsigned char)(x >> 24);
	}
	assert_true(hoso_zip_deflate_pays(t, 70000));
	assert_false(hoso_zip_deflate_pays(r, 70000));
	assert_false(hoso_zip_deflate_pays(r, 4096));
	assert_true(hoso_zip_deflate_pays(r, 100));
	assert_true(hoso_zip_deflate_pays(r, 0));
	free(r);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(writer_refuses),
		cmocka_unit_test(reader_refuses),
		cmocka_unit_test(bomb_refused_before_inflating),
		cmocka_unit_test(names_that_collide),
		cmocka_unit_test(flipped_bytes),
		cmocka_unit_test(append_keeps_entries),
		cmocka_unit_test(deflate_pays),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
