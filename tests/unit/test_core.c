/* test_core.c - err, buf, utf8 and atomic file writes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "file.h"
#include "utf8.h"

static void
exit_status_table(void **state)
{
	(void)state;
	assert_int_equal(hoso_err_exit_status(HOSO_OK), 0);
	assert_int_equal(hoso_err_exit_status(HOSO_ENO), 1);
	assert_int_equal(hoso_err_exit_status(HOSO_EUSAGE), 2);
	assert_int_equal(hoso_err_exit_status(HOSO_EINPUT), 3);
	assert_int_equal(hoso_err_exit_status(HOSO_EIO), 4);
	assert_int_equal(hoso_err_exit_status(HOSO_EENGINE), 5);
	assert_int_equal(hoso_err_exit_status(-99), 4);
}

static void
err_prefix_keeps_message(void **state)
{
	struct hoso_err e;

	(void)state;
	assert_int_equal(hoso_err_set(&e, HOSO_EINPUT, "bad %d", 7), HOSO_EINPUT);
	hoso_err_prefix(&e, "file %s", "a.tif");
	assert_string_equal(e.msg, "file a.tif: bad 7");
	assert_int_equal(e.code, HOSO_EINPUT);
	assert_int_equal(hoso_err_sys(&e, 2, "x"), HOSO_EINPUT);	/* ENOENT is the user's */
	assert_non_null(strstr(e.msg, "x: "));
}

static void
buf_grows_and_stops_at_max(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(10);
	struct hoso_err e;
	size_t len;
	char *s;

	(void)state;
	assert_string_equal(hoso_buf_str(&b), "");
	assert_int_equal(hoso_buf_adds(&b, "hello", &e), 0);
	assert_int_equal(hoso_buf_addf(&b, &e, "%d", 1234), 0);
	assert_string_equal(b.data, "hello1234");
	assert_int_equal(b.len, 9);
	assert_int_equal(hoso_buf_adds(&b, "xy", &e), HOSO_EINPUT);
	assert_string_equal(b.data, "hello1234");	/* unchanged on failure */
	assert_int_equal(hoso_buf_addc(&b, '!', &e), 0);
	s = hoso_buf_detach(&b, &len);
	assert_string_equal(s, "hello1234!");
	assert_int_equal(len, 10);
	assert_null(b.data);
	free(s);
	hoso_buf_free(&b);
}

static void
utf8_validation_and_nfc(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err e;
	/* "Việt" decomposed: e + combining dot below (U+0323) + circumflex (U+0302) */
	const char nfd[] = "Vi\x65\xcc\xa3\xcc\x82t";

	(void)state;
	assert_true(hoso_utf8_valid("Tiếng Việt", strlen("Tiếng Việt")));
	assert_false(hoso_utf8_valid("\xc0\xaf", 2));		/* overlong '/' */
	assert_false(hoso_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(hoso_utf8_valid("\xff", 1));
	assert_int_equal(hoso_utf8_nfc(nfd, strlen(nfd), &b, &e), 0);
	assert_string_equal(b.data, "Việt");
	assert_int_equal(strlen(b.data), strlen("Việt"));
	hoso_buf_reset(&b);
	assert_int_equal(hoso_utf8_nfc("\xff", 1, &b, &e), HOSO_EINPUT);
	hoso_buf_free(&b);
}

static void
utf8_label_escapes_hostile_bytes(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err e;
	const char name[] = "a\x1b[31m\xffz\xe1\xbb\x87.tif";

	(void)state;
	assert_int_equal(hoso_utf8_label(name, strlen(name), &b, &e), 0);
	assert_string_equal(b.data, "a\\x1B[31m\\xFFzệ.tif");
	assert_true(hoso_utf8_valid(b.data, b.len));
	hoso_buf_free(&b);
}

static void
utf8_casefold_matches_what_file_systems_merge(void **state)
{
	struct hoso_buf a = HOSO_BUF_INIT(0), b = HOSO_BUF_INIT(0);
	struct hoso_err e;
	const char nfd[] = "\xc4\x90" "a\xcc\xa3\xcc\x86" "ng.TIF";	/* "Đặng.TIF", decomposed */

	(void)state;
	assert_int_equal(hoso_utf8_casefold(nfd, strlen(nfd), &a, &e), 0);
	assert_int_equal(hoso_utf8_casefold("đặng.tif", strlen("đặng.tif"), &b, &e), 0);
	assert_string_equal(a.data, b.data);
	hoso_buf_reset(&a);
	assert_int_equal(hoso_utf8_casefold("Straße", strlen("Straße"), &a, &e), 0);
	assert_string_equal(a.data, "strasse");
	assert_int_equal(hoso_utf8_casefold("\xff", 1, &a, &e), HOSO_EINPUT);
	hoso_buf_free(&a);
	hoso_buf_free(&b);
}

static int
count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
atomic_write_replaces_whole_file(void **state)
{
	char dir[] = "/tmp/hoso-test-XXXXXX";
	struct hoso_buf path = HOSO_BUF_INIT(0), got = HOSO_BUF_INIT(0);
	struct hoso_afile af;
	struct hoso_err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(hoso_file_join(&path, dir, "f.txt", &e), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, "old", 3, &e), 0);

	/* An aborted write leaves the old file and no temporary behind. */
	assert_int_equal(hoso_afile_open(&af, path.data, &e), 0);
	assert_true(hoso_file_is_temp(strrchr(af.tmp, '/') + 1));
	assert_int_equal(hoso_afile_write(&af, "half", 4, &e), 0);
	assert_int_equal(count_entries(dir), 2);
	hoso_afile_abort(&af);
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(hoso_file_read(path.data, 100, &got, &e), 0);
	assert_string_equal(got.data, "old");

	assert_int_equal(hoso_file_write_atomic(path.data, "new!", 4, &e), 0);
	hoso_buf_reset(&got);
	assert_int_equal(hoso_file_read(path.data, 100, &got, &e), 0);
	assert_string_equal(got.data, "new!");
	assert_int_equal(count_entries(dir), 1);

	/* Bounded read. */
	hoso_buf_reset(&got);
	assert_int_equal(hoso_file_read(path.data, 3, &got, &e), HOSO_EINPUT);

	assert_false(hoso_file_is_temp("f.txt"));
	assert_false(hoso_file_is_temp(".f.tmp.abc"));
	unlink(path.data);
	rmdir(dir);
	hoso_buf_free(&path);
	hoso_buf_free(&got);
}

static void
mkdirs_and_join(void **state)
{
	char dir[] = "/tmp/hoso-test-XXXXXX";
	struct hoso_buf p = HOSO_BUF_INIT(0);
	struct hoso_err e;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(hoso_file_join(&p, dir, "a/b/c", &e), 0);
	assert_int_equal(hoso_file_mkdirs(p.data, &e), 0);
	assert_int_equal(stat(p.data, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(hoso_file_mkdirs(p.data, &e), 0);	/* exists: fine */
	assert_int_equal(hoso_file_join(&p, "x//", "y", &e), 0);
	assert_string_equal(p.data, "x/y");
	assert_int_equal(hoso_file_join(&p, dir, "a/b/c", &e), 0);
	assert_int_equal(rmdir(p.data), 0);
	assert_int_equal(hoso_file_join(&p, dir, "a/b", &e), 0);
	assert_int_equal(rmdir(p.data), 0);
	assert_int_equal(hoso_file_join(&p, dir, "a", &e), 0);
	assert_int_equal(rmdir(p.data), 0);
	assert_int_equal(rmdir(dir), 0);
	hoso_buf_free(&p);
}

static void
utf8_words_fold_as_people_type(void **state)
{
	/* "Đỗ  NGUYỄN-văn" with the ễ decomposed, a stray combining mark and an invalid byte. */
	const char *s = "\xcc\x81\xc4\x90\xe1\xbb\x97  NGUYE\xcc\x82\xcc\x83N-v\xc4\x83n\xff" "12a";
	struct hoso_buf f = HOSO_BUF_INIT(0), l = HOSO_BUF_INIT(0);
	struct hoso_err e;
	size_t pos = 0, a, b, n = strlen(s);

	(void)state;
	hoso_err_clear(&e);
	assert_int_equal(hoso_utf8_word(s, n, &pos, &a, &b, &f, &l, &e), 1);
	assert_string_equal(f.data, "do");
	assert_string_equal(l.data, "\xc4\x91\xe1\xbb\x97");	/* đỗ */
	assert_int_equal(a, 2);		/* the lone mark before it is not a word */
	assert_int_equal(hoso_utf8_word(s, n, &pos, &a, &b, &f, &l, &e), 1);
	assert_string_equal(f.data, "nguyen");
	assert_string_equal(l.data, "nguy\xe1\xbb\x85n");	/* nguyễn, NFC */
	assert_int_equal(hoso_utf8_word(s, n, &pos, &a, &b, &f, NULL, &e), 1);
	assert_string_equal(f.data, "van");
	assert_int_equal(hoso_utf8_word(s, n, &pos, &a, &b, &f, NULL, &e), 1);
	assert_string_equal(f.data, "12a");	/* the invalid byte ends a word */
	assert_int_equal(hoso_utf8_word(s, n, &pos, &a, &b, &f, NULL, &e), 0);
	hoso_buf_reset(&f);
	assert_int_equal(hoso_utf8_fold_words("Hạ Long, ĐỐNG Đa!", strlen("Hạ Long, ĐỐNG Đa!"), &f,
	    &e), 0);
	assert_string_equal(f.data, "ha long dong da");
	hoso_buf_free(&f);
	hoso_buf_free(&l);
}

static void
buf_json_and_csv_quote_what_they_must(void **state)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err e;

	(void)state;
	hoso_err_clear(&e);
	assert_int_equal(hoso_buf_json_str(&b, "a\"b\\c\n<\x01>Hà", &e), 0);
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\u000a\\u003c\\u0001\\u003eHà\"");
	hoso_buf_reset(&b);
	assert_int_equal(hoso_buf_csv_cell(&b, "plain", false, &e), 0);
	assert_int_equal(hoso_buf_csv_cell(&b, "a,\"b\"", false, &e), 0);
	assert_int_equal(hoso_buf_csv_cell(&b, "=1+1", true, &e), 0);
	assert_string_equal(b.data, "plain,\"a,\"\"b\"\"\",\"'=1+1\"\r\n");
	hoso_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_status_table),
		cmocka_unit_test(err_prefix_keeps_message),
		cmocka_unit_test(buf_grows_and_stops_at_max),
		cmocka_unit_test(utf8_validation_and_nfc),
		cmocka_unit_test(utf8_label_escapes_hostile_bytes),
		cmocka_unit_test(utf8_casefold_matches_what_file_systems_merge),
		cmocka_unit_test(atomic_write_replaces_whole_file),
		cmocka_unit_test(mkdirs_and_join),
		cmocka_unit_test(utf8_words_fold_as_people_type),
		cmocka_unit_test(buf_json_and_csv_quote_what_they_must),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
