/*
 * test_input.c - hoso_input_walk over directories, plain files and archives
 * (ZIP, tar.gz, 7z) built here with libarchive's writer, with hostile member
 * names, links, bombs and truncation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "file.h"
#include "input.h"

#define MAX_EVENTS 64

struct event {
	bool bad;
	char *label;
	char *data;		/* item bytes (NUL added) or bad message */
	size_t len;
	size_t index;
	size_t total;
	int code;
};

struct rec {
	struct event ev[MAX_EVENTS];
	size_t n;
	size_t stop_after;	/* return stop_code from this many items on; 0 = never */
	int stop_code;
	size_t n_items;
	struct hoso_buf logs;
};

/* The fixture directory; the tests run inside it so labels are short. */
static char tmpdir[] = "/tmp/test_input.XXXXXX";
static int topfd = -1;

static char *
dupmem(const void *p, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static int
rec_item(void *ctx, const struct hoso_input_item *item, struct hoso_err *err)
{
	struct rec *rc = ctx;
	struct event *e;

	(void)err;
	/* Our callbacks run in our locale, whatever the reader switched to. */
	assert_true(uselocale((locale_t)0) == LC_GLOBAL_LOCALE);
	assert_true(rc->n < MAX_EVENTS);
	e = &rc->ev[rc->n++];
	e->bad = false;
	e->label = dupmem(item->label, strlen(item->label));
	e->data = dupmem(item->data, item->len);
	e->len = item->len;
	e->index = item->index;
	e->total = item->total;
	rc->n_items++;
	if (rc->stop_after != 0 && rc->n_items >= rc->stop_after)
		return rc->stop_code;
	return 0;
}

static void
rec_bad(void *ctx, const char *label, const struct hoso_err *why)
{
	struct rec *rc = ctx;
	struct event *e;

	assert_true(uselocale((locale_t)0) == LC_GLOBAL_LOCALE);
	assert_true(rc->n < MAX_EVENTS);
	e = &rc->ev[rc->n++];
	e->bad = true;
	e->label = dupmem(label, strlen(label));
	e->data = dupmem(why->msg, strlen(why->msg));
	e->len = strlen(why->msg);
	e->code = why->code;
}

static void
rec_log(void *ctx, int level, const char *msg)
{
	struct rec *rc = ctx;

	(void)level;
	assert_int_equal(hoso_buf_adds(&rc->logs, msg, NULL), 0);
	assert_int_equal(hoso_buf_addc(&rc->logs, '\n', NULL), 0);
}

static void
rec_free(struct rec *rc)
{
	size_t i;

	for (i = 0; i < rc->n; i++) {
		free(rc->ev[i].label);
		free(rc->ev[i].data);
	}
	hoso_buf_free(&rc->logs);
	memset(rc, 0, sizeof(*rc));
}

/* Walk paths with the recorder; returns what hoso_input_walk returned. */
static int
walk(struct rec *rc, const char *const *paths, size_t n, size_t max_file, size_t max_total)
{
	struct hoso_log log = { rec_log, NULL, HOSO_LOG_DEBUG };
	struct hoso_input_opts opts = { max_file, max_total, &log };
	struct hoso_input_ops ops = { rec_item, rec_bad, NULL };
	struct hoso_err err;

	log.ctx = rc;
	ops.ctx = rc;
	hoso_err_clear(&err);
	return hoso_input_walk(paths, n, &opts, &ops, &err);
}

static void
expect_item(const struct rec *rc, size_t i, const char *label, const char *data)
{
	assert_true(i < rc->n);
	assert_false(rc->ev[i].bad);
	assert_string_equal(rc->ev[i].label, label);
	if (data != NULL) {
		assert_int_equal(rc->ev[i].len, strlen(data));
		assert_memory_equal(rc->ev[i].data, data, strlen(data));
	}
}

static void
expect_bad(const struct rec *rc, size_t i, const char *label, const char *msg_part)
{
	assert_true(i < rc->n);
	assert_true(rc->ev[i].bad);
	assert_string_equal(rc->ev[i].label, label);
	assert_int_equal(rc->ev[i].code, HOSO_EINPUT);
	if (strstr(rc->ev[i].data, msg_part) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", rc->ev[i].data, msg_part);
}

static void
put_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (n > 0)
		assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
put_text(const char *path, const char *text)
{
	put_file(path, text, strlen(text));
}

/* A recursive listing (names and types) of the fixture directory. */
static struct hoso_buf snapshot;

static int
snap_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	assert_int_equal(hoso_buf_addf(&snapshot, NULL, "%s %d %lld\n", path, type,
	    (long long)st->st_size), 0);
	return 0;
}

static char *
snap(void)
{
	hoso_buf_init(&snapshot, 0);
	assert_int_equal(nftw(".", snap_one, 16, FTW_PHYS), 0);
	return hoso_buf_detach(&snapshot, NULL);
}

struct member {
	const char *name;
	unsigned type;		/* AE_IFREG, AE_IFDIR, AE_IFLNK */
	const char *data;
	size_t len;		/* 0: strlen(data) */
	const char *link;	/* symlink target, or hardlink target with hard */
	bool hard;
};

enum kind { ZIP, ZIP_STORE, TARGZ, SEVENZIP, ZIP_CRYPT };

static void
write_archive(const char *path, enum kind kind, const struct member *m, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae;
	size_t i, len;

	assert_non_null(a);
	switch (kind) {
	case ZIP:
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
		break;
	case ZIP_STORE:
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
		assert_int_equal(archive_write_set_options(a, "zip:compression=store"),
		    ARCHIVE_OK);
		break;
	case ZIP_CRYPT:
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
		assert_int_equal(archive_write_set_options(a, "zip:encryption=zipcrypt"),
		    ARCHIVE_OK);
		assert_int_equal(archive_write_set_passphrase(a, "secret"), ARCHIVE_OK);
		break;
	case TARGZ:
		assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
		break;
	case SEVENZIP:
		assert_int_equal(archive_write_set_format_7zip(a), ARCHIVE_OK);
		break;
	}
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		ae = archive_entry_new();
		assert_non_null(ae);
		/* Raw bytes on purpose: the reader must cope with any name. */
		archive_entry_copy_pathname(ae, m[i].name);
		archive_entry_set_perm(ae, 0644);
		len = m[i].data == NULL ? 0 : m[i].len ? m[i].len : strlen(m[i].data);
		if (m[i].hard) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_copy_hardlink(ae, m[i].link);
			len = 0;
		} else {
			archive_entry_set_filetype(ae, m[i].type);
			if (m[i].type == AE_IFLNK)
				archive_entry_copy_symlink(ae, m[i].link);
		}
		archive_entry_set_size(ae, (la_int64_t)len);
		assert_true(archive_write_header(a, ae) >= ARCHIVE_WARN);
		if (len > 0)
			assert_int_equal(archive_write_data(a, m[i].data, len), (la_ssize_t)len);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static char big[5000];

/* The hostile member set shared by the ZIP and tar.gz tests. */
static const struct member hostile[] = {
	{ "../../etc/evil.tif", AE_IFREG, "EVIL", 0, NULL, false },
	{ "/abs.png", AE_IFREG, "ABS", 0, NULL, false },
	{ "dir/", AE_IFDIR, NULL, 0, NULL, false },
	{ "dir/ok.tif", AE_IFREG, "OK", 0, NULL, false },
	{ "link.tif", AE_IFLNK, NULL, 0, "/etc/passwd", false },
	{ "bad\xff\xfe\x01.tif", AE_IFREG, "BAD", 0, NULL, false },
	{ "big.tif", AE_IFREG, big, sizeof(big), NULL, false },
	{ "inner.zip", AE_IFREG, "PK\3\4nested", 0, NULL, false },
	{ "after.tif", AE_IFREG, "AFTER", 0, NULL, false },
};

static int
setup(void **state)
{
	(void)state;
	memset(big, 'x', sizeof(big));
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	if ((topfd = open(".", O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	return chdir(tmpdir);
}

static int
teardown(void **state)
{
	char cmd[64 + sizeof(tmpdir)];

	(void)state;
	if (fchdir(topfd) != 0)
		return -1;
	close(topfd);
	/* Make a locked directory removable again before rm -rf. */
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s && rm -rf %s", tmpdir, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_dir_order(void **state)
{
	static const char *const paths[] = { "tree" };
	static const char *const want[] = {
		"tree/Z.tif", "tree/a-b.tif", "tree/a.tif", "tree/b.tif", "tree/sub/a.tif",
		"tree/sub/c.tif", "tree/sub/deeper/x.tif", "tree/sub.tif", "tree/\xc3\xa9.tif",
	};
	struct rec rc = { 0 };
	size_t i, n_items = 0;
	const char *logs;

	(void)state;
	assert_int_equal(mkdir("tree", 0755), 0);
	assert_int_equal(mkdir("tree/sub", 0755), 0);
	assert_int_equal(mkdir("tree/sub/deeper", 0755), 0);
	assert_int_equal(mkdir("tree/.hdir", 0755), 0);
	/* Created out of order: the walk must not depend on readdir's order. */
	put_text("tree/b.tif", "tree/b.tif");
	put_text("tree/sub/c.tif", "tree/sub/c.tif");
	put_text("tree/\xc3\xa9.tif", "tree/\xc3\xa9.tif");
	put_text("tree/a.tif", "tree/a.tif");
	put_text("tree/sub.tif", "tree/sub.tif");
	put_text("tree/Z.tif", "tree/Z.tif");
	put_text("tree/sub/a.tif", "tree/sub/a.tif");
	put_text("tree/a-b.tif", "tree/a-b.tif");
	put_text("tree/sub/deeper/x.tif", "tree/sub/deeper/x.tif");
	put_text("tree/.hidden.tif", "hidden");
	put_text("tree/.hdir/h.tif", "hidden dir");
	assert_int_equal(symlink("a.tif", "tree/link.tif"), 0);
	assert_int_equal(symlink(".", "tree/sub/loop"), 0);
	assert_int_equal(mkfifo("tree/fifo", 0644), 0);

	assert_int_equal(walk(&rc, paths, 1, 0, 0), 0);
	for (i = 0; i < rc.n; i++) {
		if (rc.ev[i].bad)
			continue;
		assert_true(n_items < sizeof(want) / sizeof(want[0]));
		expect_item(&rc, i, want[n_items], want[n_items]);
		assert_int_equal(rc.ev[i].index, n_items);
		assert_int_equal(rc.ev[i].total, sizeof(want) / sizeof(want[0]));
		n_items++;
	}
	assert_int_equal(n_items, sizeof(want) / sizeof(want[0]));
	/* The fifo is the only bad entry, found while listing, so it comes first. */
	assert_int_equal(rc.n, n_items + 1);
	expect_bad(&rc, 0, "tree/fifo", "not a regular file");
	logs = hoso_buf_str(&rc.logs);
	assert_non_null(strstr(logs, "skipped hidden .hidden.tif"));
	assert_non_null(strstr(logs, "skipped hidden .hdir"));
	assert_non_null(strstr(logs, "tree/link.tif: skipped symbolic link"));
	assert_non_null(strstr(logs, "tree/sub/loop: skipped symbolic link"));
	rec_free(&rc);
}

static void
test_bad_paths(void **state)
{
	static const char *const paths[] = {
		"empty.tif", "missing.tif", "one.tif", "top-link.tif", "locked",
	};
	struct rec rc = { 0 };
	size_t i = 0;

	(void)state;
	put_file("empty.tif", NULL, 0);
	put_text("one.tif", "ONE");
	/* A symlink named on the command line is what the user meant: follow it. */
	assert_int_equal(symlink("one.tif", "top-link.tif"), 0);
	assert_int_equal(mkdir("locked", 0), 0);

	assert_int_equal(walk(&rc, paths, 5, 0, 0), 0);
	/* Listing problems come first, in path order; then the files. */
	expect_bad(&rc, i++, "missing.tif", "No such file or directory");
	if (geteuid() != 0) {
		assert_true(rc.ev[i].bad);
		assert_string_equal(rc.ev[i].label, "locked");
		assert_int_equal(rc.ev[i].code, HOSO_EIO);
		assert_non_null(strstr(rc.ev[i].data, "Permission denied"));
		i++;
	}
	expect_bad(&rc, i++, "empty.tif", "empty file");
	expect_item(&rc, i, "one.tif", "ONE");
	assert_int_equal(rc.ev[i].index, 1);
	assert_int_equal(rc.ev[i].total, 3);
	i++;
	expect_item(&rc, i, "top-link.tif", "ONE");
	assert_int_equal(rc.ev[i].index, 2);
	i++;
	assert_int_equal(rc.n, i);
	rec_free(&rc);
}

/* Check the events of a walk over an archive holding the hostile members. */
static void
check_hostile(const struct rec *rc, const char *a, bool tar)
{
	char label[256];
	size_t i = 0;

#define L(name) (snprintf(label, sizeof(label), "%s:%s", a, (name)), label)
	expect_item(rc, i++, L("../../etc/evil.tif"), "EVIL");
	expect_item(rc, i++, L("/abs.png"), "ABS");
	expect_item(rc, i++, L("dir/ok.tif"), "OK");
	expect_bad(rc, i++, L("link.tif"), "not a regular file");
	expect_item(rc, i++, L("bad\\xFF\\xFE\\x01.tif"), "BAD");
	expect_bad(rc, i++, L("big.tif"), "larger than 1000 bytes");
	/* Nested archives are items like any file; the caller rejects them. */
	expect_item(rc, i++, L("inner.zip"), "PK\3\4nested");
	expect_item(rc, i++, L("after.tif"), "AFTER");
	if (tar)
		expect_bad(rc, i++, L("hard.tif"), "not a regular file");
	expect_item(rc, i++, "plain.tif", "PLAIN");
	assert_int_equal(rc->n, i);
	for (i = 0; i < rc->n; i++) {
		if (rc->ev[i].bad)
			continue;
		assert_int_equal(rc->ev[i].total, 2);
		assert_int_equal(rc->ev[i].index, i + 1 == rc->n ? 1 : 0);
	}
#undef L
}

static void
run_hostile(const char *name, enum kind kind)
{
	struct member m[sizeof(hostile) / sizeof(hostile[0]) + 1];
	const char *paths[] = { name, "plain.tif" };
	struct rec rc = { 0 };
	struct stat st;
	size_t n = sizeof(hostile) / sizeof(hostile[0]);
	bool etc_before, abs_before;
	char *before, *after;

	memcpy(m, hostile, sizeof(hostile));
	if (kind == TARGZ)
		m[n++] = (struct member){ "hard.tif", AE_IFREG, NULL, 0, "dir/ok.tif", true };
	write_archive(name, kind, m, n);
	put_text("plain.tif", "PLAIN");
	etc_before = lstat("/etc/evil.tif", &st) == 0;
	abs_before = lstat("/abs.png", &st) == 0;
	before = snap();

	assert_int_equal(walk(&rc, paths, 2, 1000, 0), 0);
	check_hostile(&rc, name, kind == TARGZ);
	/* Member names are only labels: nothing was created anywhere. */
	after = snap();
	assert_string_equal(before, after);
	assert_int_equal(lstat("/etc/evil.tif", &st) == 0, etc_before);
	assert_int_equal(lstat("/abs.png", &st) == 0, abs_before);
	assert_int_equal(lstat("../../etc/evil.tif", &st), -1);
	free(before);
	free(after);
	rec_free(&rc);
}

static void
test_zip(void **state)
{
	(void)state;
	run_hostile("x.zip", ZIP);
}

static void
test_targz(void **state)
{
	(void)state;
	run_hostile("x.tar.gz", TARGZ);
}

/*
 * Replace every copy of from in a ZIP; names appear twice (local and central
 * header), and then they are also marked UTF-8.
 */
static void
patch_zip(const char *path, const char *from, const char *to, size_t want_hits)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	size_t n = strlen(from), i, hits = 0;

	assert_int_equal(strlen(to), n);
	assert_int_equal(hoso_file_read(path, 1 << 20, &b, NULL), 0);
	for (i = 0; i + n <= b.len; i++) {
		if (memcmp(b.data + i, from, n) != 0)
			continue;
		memcpy(b.data + i, to, n);
		hits++;
	}
	assert_int_equal(hits, want_hits);
	/* General purpose flag bit 11 (APPNOTE 4.4.4): the name is UTF-8. */
	for (i = 0; want_hits == 2 && i + 10 <= b.len; i++) {
		if (memcmp(b.data + i, "PK\3\4", 4) == 0)
			b.data[i + 7] |= 0x08;
		else if (memcmp(b.data + i, "PK\1\2", 4) == 0)
			b.data[i + 9] |= 0x08;
	}
	put_file(path, b.data, b.len);
	hoso_buf_free(&b);
}

/*
 * Names flagged UTF-8 in a ZIP must come through in the C locale too (this
 * test never calls setlocale); a flagged name that is not UTF-8 at all
 * still gives a label.
 */
static void
test_zip_utf8_flag(void **state)
{
	static const struct member m[] = {
		{ "hXXX sYY.tif", AE_IFREG, "HOSO", 0, NULL, false },
		{ "bQQ.tif", AE_IFREG, "B", 0, NULL, false },
	};
	static const char *const paths[] = { "u.zip" };
	struct rec rc = { 0 };

	(void)state;
	write_archive("u.zip", ZIP, m, 2);
	patch_zip("u.zip", "hXXX sYY.tif", "h\xe1\xbb\x93 s\xc6\xa1.tif", 2);
	patch_zip("u.zip", "bQQ.tif", "b\xff\xfe.tif", 2);
	assert_int_equal(walk(&rc, paths, 1, 0, 0), 0);
	expect_item(&rc, 0, "u.zip:h\xe1\xbb\x93 s\xc6\xa1.tif", "HOSO");
	expect_item(&rc, 1, "u.zip:(member 2, name unreadable)", "B");
	assert_int_equal(rc.n, 2);
	rec_free(&rc);
}

static void
test_7z(void **state)
{
	static const struct member m[] = {
		{ "d/", AE_IFDIR, NULL, 0, NULL, false },
		{ "d/one.tif", AE_IFREG, "ONE", 0, NULL, false },
		{ "two.png", AE_IFREG, "TWO", 0, NULL, false },
	};
	static const char *const paths[] = { "s.7z" };
	struct rec rc = { 0 };

	(void)state;
	write_archive("s.7z", SEVENZIP, m, 3);
	assert_int_equal(walk(&rc, paths, 1, 0, 0), 0);
	expect_item(&rc, 0, "s.7z:d/one.tif", "ONE");
	expect_item(&rc, 1, "s.7z:two.png", "TWO");
	assert_int_equal(rc.n, 2);
	rec_free(&rc);
}

static void
test_encrypted(void **state)
{
	static const struct member m[] = {
		{ "secret.tif", AE_IFREG, "SECRET", 0, NULL, false },
	};
	static const char *const paths[] = { "enc.zip", "plain.tif" };
	struct rec rc = { 0 };

	(void)state;
	write_archive("enc.zip", ZIP_CRYPT, m, 1);
	put_text("plain.tif", "PLAIN");
	assert_int_equal(walk(&rc, paths, 2, 0, 0), 0);
	expect_bad(&rc, 0, "enc.zip:secret.tif", "encrypted");
	expect_item(&rc, 1, "plain.tif", "PLAIN");
	assert_int_equal(rc.n, 2);
	rec_free(&rc);
}

/* Highly compressible members: the total, not the file size, must stop them. */
static void
test_bomb(void **state)
{
	static char zeros[1000];
	static const struct member m[] = {
		{ "m1.tif", AE_IFREG, zeros, sizeof(zeros), NULL, false },
		{ "m2.tif", AE_IFREG, zeros, sizeof(zeros), NULL, false },
		{ "m3.tif", AE_IFREG, zeros, sizeof(zeros), NULL, false },
		{ "m4.tif", AE_IFREG, zeros, sizeof(zeros), NULL, false },
	};
	static const char *const zpaths[] = { "bomb.zip", "plain.tif" };
	static const char *const tpaths[] = { "bomb.tar.gz", "plain.tif" };
	struct rec rc = { 0 };

	(void)state;
	put_text("plain.tif", "PLAIN");
	write_archive("bomb.zip", ZIP, m, 4);
	assert_int_equal(walk(&rc, zpaths, 2, 2000, 2500), 0);
	assert_int_equal(rc.n, 4);
	assert_int_equal(rc.ev[0].len, 1000);
	expect_item(&rc, 0, "bomb.zip:m1.tif", NULL);
	expect_item(&rc, 1, "bomb.zip:m2.tif", NULL);
	expect_bad(&rc, 2, "bomb.zip", "inflates to more than 2500 bytes");
	expect_item(&rc, 3, "plain.tif", "PLAIN");
	rec_free(&rc);

	/* Members over max_file_size are drained, and still count. */
	write_archive("bomb.tar.gz", TARGZ, m, 4);
	assert_int_equal(walk(&rc, tpaths, 2, 500, 2500), 0);
	expect_bad(&rc, 0, "bomb.tar.gz:m1.tif", "larger than 500 bytes");
	expect_bad(&rc, 1, "bomb.tar.gz:m2.tif", "larger than 500 bytes");
	expect_bad(&rc, 2, "bomb.tar.gz:m3.tif", "larger than 500 bytes");
	expect_bad(&rc, 3, "bomb.tar.gz", "inflates to more than 2500 bytes; stopped at "
	    "bomb.tar.gz:m3.tif");
	expect_item(&rc, 4, "plain.tif", "PLAIN");
	assert_int_equal(rc.n, 5);
	rec_free(&rc);
}

static void
test_truncated_zip(void **state)
{
	static char noise[20000];
	static const struct member m[] = {
		{ "first.tif", AE_IFREG, "FIRST", 0, NULL, false },
		{ "noise.tif", AE_IFREG, noise, sizeof(noise), NULL, false },
		{ "last.tif", AE_IFREG, "LAST", 0, NULL, false },
	};
	static const char *const paths[] = { "trunc.zip", "plain.tif" };
	struct rec rc = { 0 };
	struct stat st;
	size_t i, n_bad = 0;
	uint32_t x = 2463534242u;

	(void)state;
	/* Incompressible, so that cutting the file cuts into this member. */
	for (i = 0; i < sizeof(noise); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (char)x;
	}
	write_archive("trunc.zip", ZIP, m, 3);
	put_text("plain.tif", "PLAIN");
	assert_int_equal(stat("trunc.zip", &st), 0);
	assert_int_equal(truncate("trunc.zip", st.st_size / 2), 0);

	assert_int_equal(walk(&rc, paths, 2, 0, 0), 0);
	for (i = 0; i < rc.n; i++) {
		if (rc.ev[i].bad) {
			assert_int_equal(strncmp(rc.ev[i].label, "trunc.zip", 9), 0);
			assert_int_equal(rc.ev[i].code, HOSO_EINPUT);
			n_bad++;
		} else if (strcmp(rc.ev[i].label, "trunc.zip:first.tif") == 0) {
			expect_item(&rc, i, "trunc.zip:first.tif", "FIRST");
		} else
			expect_item(&rc, i, "plain.tif", "PLAIN");
	}
	assert_true(n_bad >= 1);
	/* Neither the cut member nor the one after it came through. */
	for (i = 0; i < rc.n; i++) {
		assert_string_not_equal(rc.ev[i].label, "trunc.zip:noise.tif");
		assert_string_not_equal(rc.ev[i].label, "trunc.zip:last.tif");
	}
	expect_item(&rc, rc.n - 1, "plain.tif", "PLAIN");
	rec_free(&rc);
}

/* A member whose bytes do not match their CRC-32 is bad; the next one comes. */
static void
test_bad_crc(void **state)
{
	static const struct member m[] = {
		{ "c1.tif", AE_IFREG, "GOOD-DATA-1", 0, NULL, false },
		{ "c2.tif", AE_IFREG, "FLIP-THIS-DATA", 0, NULL, false },
		{ "c3.tif", AE_IFREG, "GOOD-DATA-3", 0, NULL, false },
	};
	static const char *const paths[] = { "crc.zip" };
	struct rec rc = { 0 };

	(void)state;
	write_archive("crc.zip", ZIP_STORE, m, 3);
	patch_zip("crc.zip", "FLIP-THIS-DATA", "FLIP-THAT-DATA", 1);
	assert_int_equal(walk(&rc, paths, 1, 0, 0), 0);
	expect_item(&rc, 0, "crc.zip:c1.tif", "GOOD-DATA-1");
	expect_bad(&rc, 1, "crc.zip:c2.tif", "CRC");
	expect_item(&rc, 2, "crc.zip:c3.tif", "GOOD-DATA-3");
	assert_int_equal(rc.n, 3);
	rec_free(&rc);
}

/* Not an archive after all: reported with libarchive's reason, walk goes on. */
static void
test_broken_archive(void **state)
{
	static const char *const paths[] = { "junk.tar.gz", "empty.zip", "plain.tif" };
	static const unsigned char junk[] = { 0x1f, 0x8b, 0x08, 0x00, 'n', 'o', 'p', 'e' };
	static const unsigned char eocd[22] = { 'P', 'K', 5, 6 };
	struct rec rc = { 0 };

	(void)state;
	put_file("junk.tar.gz", junk, sizeof(junk));
	put_file("empty.zip", eocd, sizeof(eocd));
	put_text("plain.tif", "PLAIN");
	assert_int_equal(walk(&rc, paths, 3, 0, 0), 0);
	assert_true(rc.ev[0].bad);
	assert_string_equal(rc.ev[0].label, "junk.tar.gz");
	assert_non_null(strstr(rc.ev[0].data, "junk.tar.gz: "));
	/* An empty ZIP has nothing in it, which is not an error. */
	expect_item(&rc, 1, "plain.tif", "PLAIN");
	assert_int_equal(rc.ev[1].index, 2);
	assert_int_equal(rc.ev[1].total, 3);
	assert_int_equal(rc.n, 2);
	rec_free(&rc);
}

static void
test_stop(void **state)
{
	static const char *const paths[] = { "s1.tif", "s2.tif", "s3.tif" };
	struct rec rc = { 0 };

	(void)state;
	put_text("s1.tif", "1");
	put_text("s2.tif", "2");
	put_text("s3.tif", "3");
	rc.stop_after = 2;
	rc.stop_code = HOSO_EIO;
	assert_int_equal(walk(&rc, paths, 3, 0, 0), HOSO_EIO);
	assert_int_equal(rc.n, 2);
	expect_item(&rc, 1, "s2.tif", "2");
	rec_free(&rc);
}

static void
test_max_file_plain(void **state)
{
	static const char *const paths[] = { "p1.tif", "p2.tif" };
	struct rec rc = { 0 };

	(void)state;
	put_text("p1.tif", "0123456789");
	put_text("p2.tif", "012");
	assert_int_equal(walk(&rc, paths, 2, 5, 0), 0);
	expect_bad(&rc, 0, "p1.tif", "larger than 5 bytes");
	expect_item(&rc, 1, "p2.tif", "012");
	assert_int_equal(rc.n, 2);
	rec_free(&rc);
}

static void
test_in_memory(void **state)
{
	static const unsigned char tiff[] = { 'I', 'I', 42, 0, 8, 0, 0, 0 };
	struct hoso_input_ops ops = { rec_item, rec_bad, NULL };
	struct rec rc = { 0 };
	struct hoso_err err;

	(void)state;
	ops.ctx = &rc;
	/* Not an archive: one bad report naming the label, no item. */
	assert_int_equal(hoso_input_archive("mem\n", tiff, sizeof(tiff), NULL, &ops, &err), 0);
	assert_int_equal(rc.n, 1);
	assert_true(rc.ev[0].bad);
	assert_string_equal(rc.ev[0].label, "mem\\x0A");
	rec_free(&rc);
	assert_int_equal(hoso_input_walk(NULL, 0, NULL, NULL, &err), HOSO_EUSAGE);
}

static void
test_is_archive(void **state)
{
	static const unsigned char tiff[] = { 'I', 'I', 42, 0 };
	unsigned char tar[512] = { 0 };

	(void)state;
	assert_true(hoso_input_is_archive("PK\3\4", 4));
	assert_true(hoso_input_is_archive("PK\5\6", 4));
	assert_true(hoso_input_is_archive("7z\xBC\xAF\x27\x1C", 6));
	assert_true(hoso_input_is_archive("\x1f\x8b\x08", 3));
	assert_true(hoso_input_is_archive("BZh9", 4));
	assert_true(hoso_input_is_archive("\xFD" "7zXZ\0", 6));
	assert_true(hoso_input_is_archive("\x28\xB5\x2F\xFD", 4));
	memcpy(tar + 257, "ustar", 5);
	assert_true(hoso_input_is_archive(tar, sizeof(tar)));
	assert_false(hoso_input_is_archive(tar, 261));
	assert_false(hoso_input_is_archive(tiff, sizeof(tiff)));
	assert_false(hoso_input_is_archive("PK\3", 3));
	assert_false(hoso_input_is_archive("BZhx", 4));
	assert_false(hoso_input_is_archive("7z\xBC\xAF\x27", 5));
	assert_false(hoso_input_is_archive(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_order),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_zip),
		cmocka_unit_test(test_targz),
		cmocka_unit_test(test_zip_utf8_flag),
		cmocka_unit_test(test_7z),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_truncated_zip),
		cmocka_unit_test(test_bad_crc),
		cmocka_unit_test(test_broken_archive),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_max_file_plain),
		cmocka_unit_test(test_in_memory),
		cmocka_unit_test(test_is_archive),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
