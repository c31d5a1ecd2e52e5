/*
 * input.c - walking the inputs of a batch: plain files (mapped read-only),
 * directories (recursive, byte order, no symlinks) and archives read member
 * by member in memory.  The only file that includes libarchive headers.
 * Member names are hostile: they become printable labels and nothing else;
 * nothing here ever creates a file.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "file.h"
#include "i18n.h"
#include "input.h"

/* Files up to this size are read, not mapped (see visit). */
#define READ_MAX ((size_t)256 << 20)
#include "sort.h"
#include "utf8.h"

#define DEFAULT_MAX_FILE	((uint64_t)4 << 30)
#define DEFAULT_MAX_TOTAL	((uint64_t)64 << 30)
/* Bytes read from an archive at a time. */
#define CHUNK			65536
/* Longer member names are cut in labels; they are only shown to people. */
#define MAX_NAME_IN_LABEL	4096
/*
 * Each level keeps a directory descriptor open; no scanner writes trees
 * this deep, and the limit keeps a hostile tree from exhausting descriptors.
 */
#define MAX_DEPTH		128

/* One file found while listing: top-level paths follow symlinks, others not. */
struct entry {
	char *path;
	bool top;
};

struct walk {
	const struct hoso_input_ops *ops;
	const struct hoso_log *log;
	size_t max_file;
	uint64_t max_total;
	struct entry *entries;
	size_t n_entries;
	size_t cap_entries;
	unsigned char *chunk;	/* CHUNK bytes, reused for every member */
	locale_t utf8;		/* C.UTF-8 while libarchive runs, or 0 */
	locale_t caller;	/* the thread's locale, restored around callbacks */
};

/* What reading one member's data came to. */
enum member_status {
	MEMBER_OK,
	MEMBER_TOO_BIG,		/* over max_file; the data was drained */
	MEMBER_FAILED,		/* libarchive could not read it; the next one may work */
	MEMBER_FATAL,		/* the archive is broken or over max_total: stop it */
};

static size_t
clamp_size(uint64_t v)
{
	return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

/*
 * libarchive converts member names to the charset of the thread's locale and
 * drops a name it cannot convert, so in the C locale every Vietnamese name in
 * a ZIP marked UTF-8 would be lost.  While libarchive runs, this thread uses
 * C.UTF-8 (uselocale is per thread; the process locale is not touched), and
 * the caller's locale is back in place whenever its callbacks run.
 */
static void
locale_enter(struct walk *w)
{
	if (w->utf8 != (locale_t)0)
		w->caller = uselocale(w->utf8);
}

static void
locale_leave(struct walk *w)
{
	if (w->utf8 != (locale_t)0 && w->caller != (locale_t)0)
		uselocale(w->caller);
	w->caller = (locale_t)0;
}

static void
report_bad(struct walk *w, const char *label, const struct hoso_err *why)
{
	bool inside = w->caller != (locale_t)0;

	if (inside)
		locale_leave(w);
	if (w->ops->bad != NULL)
		w->ops->bad(w->ops->ctx, label, why);
	if (inside)
		locale_enter(w);
}

static int
call_item(struct walk *w, const struct hoso_input_item *item, struct hoso_err *err)
{
	bool inside = w->caller != (locale_t)0;
	int r;

	if (inside)
		locale_leave(w);
	r = w->ops->item(w->ops->ctx, item, err);
	if (inside)
		locale_enter(w);
	return r;
}

static int
add_entry(struct walk *w, const char *path, bool top, struct hoso_err *err)
{
	struct entry *e;
	size_t cap;
	int r = 0;

	if (w->n_entries == w->cap_entries) {
		cap = w->cap_entries ? w->cap_entries * 2 : 64;
		if (cap > SIZE_MAX / sizeof(*e) ||
		    (e = realloc(w->entries, cap * sizeof(*e))) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		w->entries = e;
		w->cap_entries = cap;
	}
	if ((w->entries[w->n_entries].path = strdup(path)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	w->entries[w->n_entries].top = top;
	w->n_entries++;
out:
	return r;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Read all names of an open directory (hidden ones logged and dropped) so
 * they can be sorted; dirfd stays open.  A directory that cannot be read is
 * reported and yields no names; only running out of memory is returned.
 */
static int
read_names(struct walk *w, int dirfd, const char *label, char ***namesp, size_t *np,
    struct hoso_err *err)
{
	DIR *d = NULL;
	struct dirent *de;
	struct hoso_err why;
	char **names = NULL, **p;
	size_t n = 0, cap = 0;
	bool failed = false;
	int fd, r = 0;

	/* fdopendir takes over the descriptor; keep ours for openat/fstatat. */
	if ((fd = dup(dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		hoso_err_sys(&why, errno, _("%s: cannot read directory"), label);
		report_bad(w, label, &why);
		if (fd >= 0)
			close(fd);
		failed = true;
		goto out;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				hoso_err_sys(&why, errno, _("%s: cannot read directory"), label);
				report_bad(w, label, &why);
				failed = true;
			}
			break;
		}
		if (de->d_name[0] == '.') {
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
				hoso_log(w->log, HOSO_LOG_INFO, _("%s: skipped hidden %s"),
				    label, de->d_name);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if (cap > SIZE_MAX / sizeof(*p) ||
			    (p = realloc(names, cap * sizeof(*p))) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				break;
			}
			names = p;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			break;
		}
		n++;
	}
	if (r == 0 && !failed && n > 1)
		hoso_sort(names, n, sizeof(*names), cmp_names);
out:
	if (d != NULL)
		closedir(d);
	if (r != 0 || failed) {
		while (n > 0)
			free(names[--n]);
		free(names);
		names = NULL;
	}
	*namesp = names;
	*np = n;
	return r;
}

/*
 * Put the regular files under the open directory dirfd (named path) into
 * the list.  Problems with single entries go to ops->bad; only running out
 * of memory is fatal.
 */
static int
list_dir(struct walk *w, int dirfd, const char *path, int depth, struct hoso_err *err)
{
	struct hoso_buf child = HOSO_BUF_INIT(0), label = HOSO_BUF_INIT(0);
	struct hoso_err why;
	struct stat st;
	char **names = NULL;
	size_t n = 0, i;
	int fd, r;

	if ((r = hoso_utf8_label(path, strlen(path), &label, err)) != 0)
		goto out;
	if ((r = read_names(w, dirfd, hoso_buf_str(&label), &names, &n, err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((r = hoso_file_join(&child, path, names[i], err)) != 0)
			goto out;
		hoso_buf_reset(&label);
		if ((r = hoso_utf8_label(child.data, child.len, &label, err)) != 0)
			goto out;
		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			hoso_err_sys(&why, errno, _("%s: cannot stat"), hoso_buf_str(&label));
			report_bad(w, hoso_buf_str(&label), &why);
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			/* Not followed: a link cannot make us loop or leave the tree. */
			hoso_log(w->log, HOSO_LOG_INFO, _("%s: skipped symbolic link"),
			    hoso_buf_str(&label));
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			if ((r = add_entry(w, child.data, false, err)) != 0)
				goto out;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			hoso_err_set(&why, HOSO_EINPUT, _("%s: not a regular file"),
			    hoso_buf_str(&label));
			report_bad(w, hoso_buf_str(&label), &why);
			continue;
		}
		if (depth >= MAX_DEPTH) {
			hoso_err_set(&why, HOSO_EINPUT,
			    _("%s: directories nested more than %d deep"),
			    hoso_buf_str(&label), MAX_DEPTH);
			report_bad(w, hoso_buf_str(&label), &why);
			continue;
		}
		fd = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			hoso_err_sys(&why, errno, _("%s: cannot open directory"),
			    hoso_buf_str(&label));
			report_bad(w, hoso_buf_str(&label), &why);
			continue;
		}
		r = list_dir(w, fd, child.data, depth + 1, err);
		close(fd);
		if (r != 0)
			goto out;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	hoso_buf_free(&child);
	hoso_buf_free(&label);
	return r;
}

/* Put one top-level path into the list (a symlink given by name is followed). */
static int
list_path(struct walk *w, const char *path, struct hoso_err *err)
{
	struct hoso_buf label = HOSO_BUF_INIT(0);
	struct hoso_err why;
	struct stat st;
	int fd = -1, r;

	if ((r = hoso_utf8_label(path, strlen(path), &label, err)) != 0)
		goto out;
	if (stat(path, &st) != 0) {
		hoso_err_sys(&why, errno, _("%s: cannot access"), hoso_buf_str(&label));
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		r = add_entry(w, path, true, err);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		hoso_err_set(&why, HOSO_EINPUT, _("%s: not a regular file"),
		    hoso_buf_str(&label));
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		hoso_err_sys(&why, errno, _("%s: cannot open directory"), hoso_buf_str(&label));
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	r = list_dir(w, fd, path, 1, err);
out:
	if (fd >= 0)
		close(fd);
	hoso_buf_free(&label);
	return r;
}

/*
 * "ARCHIVE:member", the member name cut and escaped so that it is printable.
 * A name libarchive could not decode (bytes that are not UTF-8 in a ZIP
 * entry flagged UTF-8) is not available at all; the member's number stands
 * in for it.
 */
static int
member_label(const char *archive_label, struct archive_entry *ae, size_t n_member,
    struct hoso_buf *out, struct hoso_err *err)
{
	const char *name;
	size_t n;
	int r;

	hoso_buf_reset(out);
	if ((r = hoso_buf_adds(out, archive_label, err)) != 0 ||
	    (r = hoso_buf_addc(out, ':', err)) != 0)
		goto out;
	/* The UTF-8 form when libarchive can make one, else the raw bytes. */
	if ((name = archive_entry_pathname_utf8(ae)) == NULL &&
	    (name = archive_entry_pathname(ae)) == NULL) {
		r = hoso_buf_addf(out, err, _("(member %zu, name unreadable)"), n_member);
		goto out;
	}
	n = strlen(name);
	if ((r = hoso_utf8_label(name, n > MAX_NAME_IN_LABEL ? MAX_NAME_IN_LABEL : n, out,
	    err)) != 0)
		goto out;
	if (n > MAX_NAME_IN_LABEL)
		r = hoso_buf_adds(out, "...", err);
out:
	return r;
}

static const char *
archive_reason(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s != NULL ? s : _("unknown error");
}

/*
 * Read the current member's data into out (when keep) or nowhere, counting
 * every inflated byte against the archive's total so that a bomb stops at
 * max_total whether its members are kept or drained.  why is filled unless
 * the result is MEMBER_OK; out of memory is MEMBER_FATAL with HOSO_EIO.
 */
static enum member_status
read_member(struct walk *w, struct archive *a, const char *archive_label, const char *label,
    bool keep, uint64_t *total, struct hoso_buf *out, struct hoso_err *why)
{
	enum member_status st = MEMBER_OK;
	la_ssize_t n;

	for (;;) {
		n = archive_read_data(a, w->chunk, CHUNK);
		if (n == 0)
			break;
		if (n == ARCHIVE_FATAL) {
			hoso_err_set(why, HOSO_EINPUT, _("%s: cannot read %s: %s"),
			    archive_label, label, archive_reason(a));
			st = MEMBER_FATAL;
			goto out;
		}
		/* A warning here is a bad checksum: the data is not what was stored. */
		if (n < 0) {
			if (st != MEMBER_TOO_BIG)
				hoso_err_set(why, HOSO_EINPUT, _("%s: cannot read: %s"),
				    label, archive_reason(a));
			st = st == MEMBER_TOO_BIG ? st : MEMBER_FAILED;
			goto out;
		}
		if ((uint64_t)n > w->max_total - *total) {
			hoso_err_set(why, HOSO_EINPUT,
			    _("%s: inflates to more than %llu bytes; stopped at %s"),
			    archive_label, (unsigned long long)w->max_total, label);
			st = MEMBER_FATAL;
			goto out;
		}
		*total += (uint64_t)n;
		if (!keep || st == MEMBER_TOO_BIG)
			continue;
		/* The declared size may lie (or be absent): count what comes. */
		if ((size_t)n > w->max_file - out->len) {
			hoso_err_set(why, HOSO_EINPUT, _("%s: larger than %zu bytes"), label,
			    w->max_file);
			st = MEMBER_TOO_BIG;
			hoso_buf_free(out);
			continue;
		}
		if (hoso_buf_add(out, w->chunk, (size_t)n, why) != 0) {
			hoso_err_prefix(why, "%s", label);
			st = MEMBER_FATAL;
			goto out;
		}
	}
out:
	return st;
}

/*
 * Read the archive in data[0..len) member by member.  Problems with a member
 * or with the archive go to ops->bad; returns only the item callback's code
 * or a fatal error (out of memory).
 */
static int
walk_archive(struct walk *w, const char *archive_label, const void *data, size_t len,
    size_t index, size_t total, struct hoso_err *err)
{
	struct archive *a = NULL;
	struct archive_entry *ae;
	struct hoso_buf label = HOSO_BUF_INIT(0), content = HOSO_BUF_INIT(0);
	struct hoso_input_item item;
	struct hoso_err why;
	enum member_status st;
	uint64_t inflated = 0;
	size_t n_member = 0;
	bool keep;
	int ar, r = 0;

	locale_enter(w);
	if ((a = archive_read_new()) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_7zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		hoso_err_set(&why, HOSO_EINPUT, _("%s: cannot read archive: %s"), archive_label,
		    archive_reason(a));
		report_bad(w, archive_label, &why);
		goto out;
	}
	for (;;) {
		ar = archive_read_next_header(a, &ae);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar == ARCHIVE_WARN) {
			locale_leave(w);
			hoso_log(w->log, HOSO_LOG_WARN, "%s: %s", archive_label,
			    archive_reason(a));
			locale_enter(w);
		} else if (ar != ARCHIVE_OK) {
			/* After a bad header nothing later can be trusted to line up. */
			hoso_err_set(&why, HOSO_EINPUT, _("%s: cannot read archive: %s"),
			    archive_label, archive_reason(a));
			report_bad(w, archive_label, &why);
			goto out;
		}
		n_member++;
		if ((r = member_label(archive_label, ae, n_member, &label, err)) != 0)
			goto out;
		hoso_buf_free(&content);
		content.max = w->max_file;
		keep = false;
		if (archive_entry_is_encrypted(ae)) {
			hoso_err_set(&why, HOSO_EINPUT, _("%s: encrypted"), hoso_buf_str(&label));
			report_bad(w, hoso_buf_str(&label), &why);
			/* Nothing of it can be inflated without the key; no bomb there. */
			if (archive_read_data_skip(a) == ARCHIVE_FATAL) {
				hoso_err_set(&why, HOSO_EINPUT, _("%s: cannot read archive: %s"),
				    archive_label, archive_reason(a));
				report_bad(w, archive_label, &why);
				goto out;
			}
			continue;
		}
		if (archive_entry_filetype(ae) == AE_IFDIR) {
			/* Directories are only structure; stay silent. */
		} else if (archive_entry_filetype(ae) != AE_IFREG ||
		    archive_entry_hardlink(ae) != NULL) {
			hoso_err_set(&why, HOSO_EINPUT, _("%s: not a regular file"),
			    hoso_buf_str(&label));
			report_bad(w, hoso_buf_str(&label), &why);
		} else if (archive_entry_size_is_set(ae) && archive_entry_size(ae) >= 0 &&
		    (uint64_t)archive_entry_size(ae) > w->max_file) {
			hoso_err_set(&why, HOSO_EINPUT, _("%s: larger than %zu bytes"),
			    hoso_buf_str(&label), w->max_file);
			report_bad(w, hoso_buf_str(&label), &why);
		} else
			keep = true;
		/*
		 * Members we do not keep are still read through, not skipped,
		 * so that their inflated size counts against the total.
		 */
		st = read_member(w, a, archive_label, hoso_buf_str(&label), keep, &inflated,
		    &content, &why);
		if (st == MEMBER_FATAL && why.code == HOSO_EIO) {
			if (err != NULL)
				*err = why;
			r = why.code;
			goto out;
		}
		if (st == MEMBER_FATAL) {
			report_bad(w, archive_label, &why);
			goto out;
		}
		/* A member already reported as bad is reported once. */
		if (st != MEMBER_OK && (keep || archive_entry_filetype(ae) == AE_IFDIR))
			report_bad(w, hoso_buf_str(&label), &why);
		if (st != MEMBER_OK || !keep)
			continue;
		item.label = hoso_buf_str(&label);
		item.data = (const unsigned char *)hoso_buf_str(&content);
		item.len = content.len;
		item.index = index;
		item.total = total;
		if ((r = call_item(w, &item, err)) != 0)
			goto out;
	}
out:
	if (a != NULL)
		archive_read_free(a);
	locale_leave(w);
	hoso_buf_free(&label);
	hoso_buf_free(&content);
	return r;
}

/* Read fd's len bytes into out; a file that shrank or grew meanwhile is bad input. */
static int
read_whole(int fd, const char *label, size_t len, struct hoso_buf *out, struct hoso_err *err)
{
	ssize_t n;
	char extra;
	int r;

	if ((r = hoso_buf_grow(out, len, err)) != 0)
		return r;
	while (out->len < len) {
		n = read(fd, out->data + out->len, len - out->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hoso_err_sys(err, errno, _("%s: cannot read"), label);
		if (n == 0)
			return hoso_err_set(err, HOSO_EINPUT, _("%s: the file shrank while it was "
			    "read (is it still being written?)"), label);
		out->len += (size_t)n;
	}
	out->data[out->len] = '\0';
	if (read(fd, &extra, 1) > 0)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: the file grew while it was read "
		    "(is it still being written?)"), label);
	return 0;
}

/* Read (or map, when large) one listed file and pass it on, or read it as an archive. */
static int
visit(struct walk *w, const struct entry *e, size_t index, struct hoso_err *err)
{
	struct hoso_buf label = HOSO_BUF_INIT(0), copy = HOSO_BUF_INIT(0);
	struct hoso_input_item item;
	struct hoso_err why;
	struct stat st;
	void *map = MAP_FAILED;
	const unsigned char *data = NULL;
	size_t len = 0;
	int fd = -1, flags, r;

	if ((r = hoso_utf8_label(e->path, strlen(e->path), &label, err)) != 0)
		goto out;
	/*
	 * Inside a directory the entry was a regular file when listed; if it
	 * has become a link since, do not follow it.  O_NONBLOCK keeps a fifo
	 * swapped in meanwhile from hanging the open.
	 */
	flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (e->top ? 0 : O_NOFOLLOW);
	if ((fd = open(e->path, flags)) < 0) {
		hoso_err_sys(&why, errno, _("%s: cannot open"), hoso_buf_str(&label));
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		hoso_err_sys(&why, errno, _("%s: cannot stat"), hoso_buf_str(&label));
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		hoso_err_set(&why, HOSO_EINPUT, _("%s: not a regular file"),
		    hoso_buf_str(&label));
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	if (st.st_size <= 0) {
		/* mmap of 0 bytes fails; and an empty scan is a scanner fault. */
		hoso_err_set(&why, HOSO_EINPUT, _("%s: empty file"), hoso_buf_str(&label));
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		hoso_err_set(&why, HOSO_EINPUT, _("%s: larger than %zu bytes"),
		    hoso_buf_str(&label), (size_t)SIZE_MAX);
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	len = (size_t)st.st_size;
	/*
	 * A file still being written by a scanner or a network share can shrink
	 * under a mapping, and reading a lost page of it is SIGBUS. Files up to
	 * READ_MAX (every ordinary scan) are read into memory instead; only
	 * larger ones are mapped.
	 */
	if (len <= READ_MAX) {
		if (read_whole(fd, hoso_buf_str(&label), len, &copy, &why) != 0) {
			report_bad(w, hoso_buf_str(&label), &why);
			goto out;
		}
		data = (const unsigned char *)copy.data;
		len = copy.len;
	} else if ((map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		hoso_err_sys(&why, errno, _("%s: cannot map"), hoso_buf_str(&label));
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	} else {
		data = map;
	}
	/* An archive is limited by what it inflates to, not by its own size. */
	if (hoso_input_is_archive(data, len)) {
		r = walk_archive(w, hoso_buf_str(&label), data, len, index, w->n_entries, err);
		goto out;
	}
	if (len > w->max_file) {
		hoso_err_set(&why, HOSO_EINPUT, _("%s: larger than %zu bytes"),
		    hoso_buf_str(&label), w->max_file);
		report_bad(w, hoso_buf_str(&label), &why);
		goto out;
	}
	item.label = hoso_buf_str(&label);
	item.data = data;
	item.len = len;
	item.index = index;
	item.total = w->n_entries;
	r = call_item(w, &item, err);
out:
	if (map != MAP_FAILED)
		munmap(map, len);
	if (fd >= 0)
		close(fd);
	hoso_buf_free(&copy);
	hoso_buf_free(&label);
	return r;
}

static int
walk_init(struct walk *w, const struct hoso_input_opts *opts, const struct hoso_input_ops *ops,
    struct hoso_err *err)
{
	locale_t base;
	int r = 0;

	memset(w, 0, sizeof(*w));
	w->ops = ops;
	w->log = opts != NULL ? opts->log : NULL;
	w->max_file = opts != NULL && opts->max_file_size != 0 ? opts->max_file_size :
	    clamp_size(DEFAULT_MAX_FILE);
	w->max_total = opts != NULL && opts->max_archive_total != 0 ?
	    (uint64_t)opts->max_archive_total : DEFAULT_MAX_TOTAL;
	if (ops == NULL || ops->item == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("no callback for input files"));
		goto out;
	}
	if ((w->chunk = malloc(CHUNK)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/*
	 * Only LC_CTYPE changes: built on a copy of the caller's locale, so that
	 * messages made while an archive is read stay in the caller's language.
	 * Without C.UTF-8 names are converted to the caller's charset, as before.
	 */
	if ((base = duplocale(uselocale((locale_t)0))) != (locale_t)0 &&
	    (w->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", base)) == (locale_t)0)
		freelocale(base);
out:
	return r;
}

static void
walk_free(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->n_entries; i++)
		free(w->entries[i].path);
	free(w->entries);
	free(w->chunk);
	if (w->utf8 != (locale_t)0)
		freelocale(w->utf8);
}

int
hoso_input_walk(const char *const *paths, size_t n_paths, const struct hoso_input_opts *opts,
    const struct hoso_input_ops *ops, struct hoso_err *err)
{
	struct walk w;
	size_t i;
	int r;

	if ((r = walk_init(&w, opts, ops, err)) != 0)
		goto out;
	for (i = 0; i < n_paths; i++)
		if ((r = list_path(&w, paths[i], err)) != 0)
			goto out;
	for (i = 0; i < w.n_entries; i++)
		if ((r = visit(&w, &w.entries[i], i, err)) != 0)
			goto out;
out:
	walk_free(&w);
	return r;
}

int
hoso_input_archive(const char *label, const void *data, size_t len,
    const struct hoso_input_opts *opts, const struct hoso_input_ops *ops, struct hoso_err *err)
{
	struct hoso_buf plabel = HOSO_BUF_INIT(0);
	struct walk w;
	int r;

	if ((r = walk_init(&w, opts, ops, err)) != 0)
		goto out;
	if ((r = hoso_utf8_label(label, strlen(label), &plabel, err)) != 0)
		goto out;
	r = walk_archive(&w, hoso_buf_str(&plabel), data, len, 0, 1, err);
out:
	walk_free(&w);
	hoso_buf_free(&plabel);
	return r;
}

bool
hoso_input_is_archive(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 4 && (memcmp(p, "PK\3\4", 4) == 0 || memcmp(p, "PK\5\6", 4) == 0))
		return true;
	if (len >= 6 && memcmp(p, "7z\xBC\xAF\x27\x1C", 6) == 0)
		return true;
	/* POSIX "ustar\0" and GNU "ustar  \0" share the first five bytes. */
	if (len >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return true;
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return true;
	if (len >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
		return true;
	if (len >= 6 && memcmp(p, "\xFD" "7zXZ\0", 6) == 0)
		return true;
	/* zstd frame, RFC 8878 3.1.1 */
	if (len >= 4 && memcmp(p, "\x28\xB5\x2F\xFD", 4) == 0)
		return true;
	return false;
}

/* ---- one ZIP member as a stream ---- */

struct hoso_input_member {
	struct archive *a;
	char *label;
};

void
hoso_input_member_close(struct hoso_input_member *m)
{
	if (m == NULL)
		return;
	if (m->a != NULL)
		archive_read_free(m->a);
	free(m->label);
	free(m);
}

int
hoso_input_member_open(struct hoso_input_member **mp, int fd, const void *mem, size_t mem_len,
    const char *label, const char *member, bool optional, struct hoso_err *err)
{
	struct hoso_input_member *m;
	struct archive_entry *ae;
	const char *name;
	int ar, r;

	*mp = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL || (m->label = strdup(label)) == NULL ||
	    (m->a = archive_read_new()) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	archive_read_support_format_zip(m->a);
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: an Excel workbook must be a file, not a pipe"),
		    label);
		goto out;
	}
	if ((fd >= 0 ? archive_read_open_fd(m->a, fd, 65536) :
	    archive_read_open_memory(m->a, mem, mem_len)) != ARCHIVE_OK) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read archive: %s"), label,
		    archive_reason(m->a));
		goto out;
	}
	for (;;) {
		if ((ar = archive_read_next_header(m->a, &ae)) == ARCHIVE_EOF) {
			r = optional ? 0 : hoso_err_set(err, HOSO_EINPUT, _("%s: no %s in the workbook"),
			    label, member);
			goto out;
		}
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read archive: %s"), label,
			    archive_reason(m->a));
			goto out;
		}
		if ((name = archive_entry_pathname(ae)) != NULL && strcmp(name, member) == 0)
			break;
	}
	if (archive_entry_is_encrypted(ae) || archive_entry_filetype(ae) != AE_IFREG) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: %s is encrypted or not a file"), label, member);
		goto out;
	}
	*mp = m;
	m = NULL;
	r = 0;
out:
	hoso_input_member_close(m);
	return r;
}

int
hoso_input_member_read(struct hoso_input_member *m, void *buf, size_t len, size_t *got,
    struct hoso_err *err)
{
	la_ssize_t n = archive_read_data(m->a, buf, len);

	*got = 0;
	if (n < 0)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read archive: %s"), m->label,
		    archive_reason(m->a));
	*got = (size_t)n;
	return 0;
}
