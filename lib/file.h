/* file.h - atomic file writes, bounded reads, directories. */
#ifndef HOSO_FILE_H
#define HOSO_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/*
 * A file being written under a temporary name in its final directory
 * (".NAME.tmp.XXXXXX"); hoso_afile_commit fsyncs it, renames it over NAME and
 * fsyncs the directory, so a reader sees the old file or the whole new one.
 */
struct hoso_afile {
	int fd;
	char *path;
	char *tmp;
	bool direct;	/* written in place: a device, FIFO or socket */
};

/*
 * Open an output the user named.  A symbolic link is followed and its target
 * replaced; a path under /dev/ or /proc/ (/dev/stdout), a FIFO, socket or
 * device is written in place; a regular file is replaced atomically and keeps
 * its mode; a new file gets 0666 & ~umask.  Every failure is HOSO_EIO.
 */
int hoso_afile_open(struct hoso_afile *af, const char *path, struct hoso_err *err);
int hoso_afile_write(struct hoso_afile *af, const void *p, size_t n, struct hoso_err *err);
int hoso_afile_commit(struct hoso_afile *af, struct hoso_err *err);
/* Drop the temporary file; safe to call after commit or on a closed record. */
void hoso_afile_abort(struct hoso_afile *af);

/*
 * The whole write-to-temp, fsync, rename, fsync-directory sequence at once,
 * for files inside a store: a link at path is replaced, not followed.
 */
int hoso_file_write_atomic(const char *path, const void *p, size_t n, struct hoso_err *err);

/* The same for an output the user named, with hoso_afile_open's rules. */
int hoso_file_write_output(const char *path, const void *p, size_t n, struct hoso_err *err);

/* True when name (a directory entry) is one of our temporary files. */
bool hoso_file_is_temp(const char *name);

/* Read a whole regular file into out; HOSO_EINPUT when larger than max bytes. */
int hoso_file_read(const char *path, size_t max, struct hoso_buf *out, struct hoso_err *err);

/* Create a directory and its missing parents (mode 0777 & ~umask). */
int hoso_file_mkdirs(const char *path, struct hoso_err *err);

/* fsync a directory so a rename or create in it is durable. */
int hoso_file_fsync_dir(const char *dir, struct hoso_err *err);

/* Join a and b with one '/' into out (out is reset first). */
int hoso_file_join(struct hoso_buf *out, const char *a, const char *b, struct hoso_err *err);

/*
 * The regular files of dir whose names end in one of suffixes (a NULL-ended
 * list, compared without case), not hidden, as dir/name paths sorted by name.
 * Free each and the list.
 */
int hoso_file_list(const char *dir, const char *const *suffixes, char ***out, size_t *n,
    struct hoso_err *err);

#endif
