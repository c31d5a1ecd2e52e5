/* input.h - walking the inputs of a batch: files, directories, archives (input.c, libarchive). */
#ifndef HOSO_INPUT_H
#define HOSO_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "log.h"

/*
 * One input file: a plain file, or a member of an archive read in place.
 * label is printable UTF-8 ("scans/a.tif", "mail.zip:dir/b.png"), never used
 * as a path by us; data is valid only during the callback.
 */
struct hoso_input_item {
	const char *label;
	const unsigned char *data;
	size_t len;
	size_t index;		/* 0-based position among the listed files */
	size_t total;		/* number of listed files (an archive counts as one) */
};

struct hoso_input_ops {
	/* A readable file or member; a non-zero return stops the walk with that code. */
	int (*item)(void *ctx, const struct hoso_input_item *item, struct hoso_err *err);
	/* A file, member or directory that cannot be used; the walk goes on. */
	void (*bad)(void *ctx, const char *label, const struct hoso_err *why);
	void *ctx;
};

struct hoso_input_opts {
	size_t max_file_size;		/* bigger files or members are bad input; 0 = 4 GiB */
	size_t max_archive_total;	/* bytes inflated from one archive; 0 = 64 GiB */
	const struct hoso_log *log;
};

/*
 * Walk paths in order: a directory is walked recursively in byte order of
 * names (hidden entries and symlinks inside it are skipped and logged); an
 * archive (ZIP, TAR, compressed TAR, 7z) is read member by member, never
 * extracted, with only regular-file members passed on; any other file is
 * passed on as it is. The whole tree is listed before the first item so that
 * index/total are known; what is found bad while listing (missing or
 * unreadable paths, special files) is reported before the first item, what
 * is bad in a file or an archive when its turn comes. Returns 0 when the
 * walk ran to the end (bad items were reported through ops->bad), or the
 * first non-zero code from ops->item or a fatal error (out of memory).
 */
int hoso_input_walk(const char *const *paths, size_t n_paths, const struct hoso_input_opts *opts,
    const struct hoso_input_ops *ops, struct hoso_err *err);

/*
 * Read data[0..len) as an archive, member by member, exactly as
 * hoso_input_walk reads an archive file named label (index 0, total 1);
 * for archives that are already in memory, and for fuzzing.
 */
int hoso_input_archive(const char *label, const void *data, size_t len,
    const struct hoso_input_opts *opts, const struct hoso_input_ops *ops, struct hoso_err *err);

/* True when the bytes look like an archive we read (ZIP, TAR, 7z, gzip/bzip2/xz/zstd). */
bool hoso_input_is_archive(const void *data, size_t len);

/*
 * One member of a ZIP read as a stream (the parts of an .xlsx): the archive in
 * fd, read from its start (so fd must be a file, not a pipe), or in mem when
 * fd < 0. HOSO_EINPUT naming label and member when the member is not there,
 * or with optional 0 and *mp NULL.
 */
struct hoso_input_member;

int hoso_input_member_open(struct hoso_input_member **mp, int fd, const void *mem, size_t mem_len,
    const char *label, const char *member, bool optional, struct hoso_err *err);
/* Up to len bytes into buf; *got is 0 at the end of the member. */
int hoso_input_member_read(struct hoso_input_member *m, void *buf, size_t len, size_t *got,
    struct hoso_err *err);
void hoso_input_member_close(struct hoso_input_member *m);

#endif
