/* watch.c - the hot folder of watch.h: inotify, settling, ingest, done/ and failed/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "file.h"
#include "i18n.h"
#include "sort.h"
#include "watch.h"

#define DONE_DIR	"done"
#define FAILED_DIR	"failed"
#define LOCK_NAME	".hoso-watch.lock"
#define MAX_PENDING	100000

/* A file seen and not yet taken: taken once it held still long enough. */
struct pending {
	char *name;
	off_t size;
	struct timespec mtime;
	double changed;			/* monotonic seconds of the last event or change seen */
};

struct watch {
	const struct hoso_watch_opts *o;
	int dirfd;
	struct pending *p;
	size_t n, cap;
};

/* A name the watch takes: not hidden (our lock, temporary files), not done/ or failed/. */
static bool
takes(const char *name)
{
	return name[0] != '.' && strcmp(name, DONE_DIR) != 0 && strcmp(name, FAILED_DIR) != 0 &&
	    !hoso_file_is_temp(name);
}

static long
find(const struct watch *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->p[i].name, name) == 0)
			return (long)i;
	return -1;
}

static void
drop(struct watch *w, size_t i)
{
	free(w->p[i].name);
	w->p[i] = w->p[--w->n];
}

/* Note name as changed now (a new file, or an event on one). */
static int
seen(struct watch *w, const char *name, struct hoso_err *err)
{
	struct pending *np;
	struct stat st;
	long k;

	if (!takes(name))
		return 0;
	if ((k = find(w, name)) >= 0) {
		w->p[k].changed = hoso_date_monotonic();
		return 0;
	}
	if (w->n == MAX_PENDING)
		return 0;	/* taken on a later look, once some are done */
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		if ((np = realloc(w->p, cap * sizeof(*np))) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		w->p = np;
		w->cap = cap;
	}
	memset(&w->p[w->n], 0, sizeof(w->p[w->n]));
	w->p[w->n].size = -1;
	w->p[w->n].changed = hoso_date_monotonic();
	/* Its size now: unchanged after the settle time, it is taken. */
	if (fstatat(w->dirfd, name, &st, 0) == 0) {
		w->p[w->n].size = st.st_size;
		w->p[w->n].mtime = st.st_mtim;
	}
	if ((w->p[w->n].name = strdup(name)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	w->n++;
	return 0;
}

static int
cmp_pending(const void *a, const void *b)
{
	return strcmp(((const struct pending *)a)->name, ((const struct pending *)b)->name);
}

/* The files already in the directory: a restart loses nothing. */
static int
look(struct watch *w, struct hoso_err *err)
{
	struct dirent *de;
	DIR *dp;
	int r = 0;

	if ((dp = opendir(w->o->dir)) == NULL)
		return hoso_err_sys(err, errno, _("%s: cannot read directory"), w->o->dir);
	while (r == 0 && (de = readdir(dp)) != NULL)
		r = seen(w, de->d_name, err);
	closedir(dp);
	if (w->n > 1)
		hoso_sort(w->p, w->n, sizeof(*w->p), cmp_pending);
	return r;
}

/* A free name for name in sub/: NAME, else NAME.1, NAME.2 ... */
static int
free_name(const char *dir, const char *sub, const char *name, struct hoso_buf *out,
    struct hoso_err *err)
{
	struct stat st;
	int i, r;

	for (i = 0; i < 10000; i++) {
		hoso_buf_reset(out);
		r = i == 0 ? hoso_buf_addf(out, err, "%s/%s/%s", dir, sub, name) :
		    hoso_buf_addf(out, err, "%s/%s/%s.%d", dir, sub, name, i);
		if (r != 0)
			return r;
		if (lstat(out->data, &st) != 0 && errno == ENOENT)
			return 0;
	}
	return hoso_err_set(err, HOSO_EIO, _("%s/%s: no free name for %s"), dir, sub, name);
}

/* Ingest one file that held still, and move it where it belongs. */
static int
take(struct watch *w, const char *name, struct hoso_err *err)
{
	const struct hoso_watch_opts *o = w->o;
	struct hoso_buf path = HOSO_BUF_INIT(0), dest = HOSO_BUF_INIT(0), why = HOSO_BUF_INIT(0);
	struct hoso_buf reason = HOSO_BUF_INIT(0);
	struct hoso_ingest_summary sum;
	struct hoso_ingest_opts io = *o->ingest;
	const char *in;
	size_t i;
	int r;

	memset(&sum, 0, sizeof(sum));
	if ((r = hoso_buf_addf(&path, err, "%s/%s", o->dir, name)) != 0)
		goto out;
	in = path.data;
	if (o->prepare != NULL)
		o->prepare(o->ctx, &io);
	if ((r = hoso_ingest_run(&io, &in, 1, &sum, err)) != 0)
		goto out;
	if ((r = free_name(o->dir, sum.n_rejects > 0 ? FAILED_DIR : DONE_DIR, name, &dest,
	    err)) != 0)
		goto out;
	if (sum.n_rejects > 0) {
		/* Why, beside the file, before it moves: a reader of failed/ finds both. */
		for (i = 0; r == 0 && i < sum.n_rejects; i++)
			r = hoso_buf_addf(&why, err, "%s: %s\n", sum.rejects[i].label,
			    sum.rejects[i].why.msg);
		if (r == 0 && sum.pages > 0)
			r = hoso_buf_addf(&why, err, _("%zu other pages were stored; giving the file "
			    "again adds only what is missing\n"), sum.pages);
		if (r == 0)
			r = hoso_buf_addf(&reason, err, "%s.reason", dest.data);
		if (r != 0 || (r = hoso_file_write_atomic(reason.data, why.data, why.len, err)) != 0)
			goto out;
	}
	if (rename(path.data, dest.data) != 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot move to %s"), path.data, dest.data);
		goto out;
	}
	if ((r = hoso_file_fsync_dir(o->dir, err)) != 0)
		goto out;
	if (o->report != NULL)
		o->report(o->ctx, name, &sum, dest.data);
out:
	hoso_ingest_summary_free(&sum);
	hoso_buf_free(&path);
	hoso_buf_free(&dest);
	hoso_buf_free(&why);
	hoso_buf_free(&reason);
	return r;
}

/* Read the inotify events waiting: each names a file that changed (or went away). */
static int
events(struct watch *w, int ifd, struct hoso_err *err)
{
	_Alignas(struct inotify_event) char buf[16384];
	const struct inotify_event *ev;
	ssize_t got;
	char *p;
	long k;
	int r = 0;

	while ((got = read(ifd, buf, sizeof(buf))) > 0) {
		for (p = buf; r == 0 && p < buf + got; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				r = look(w, err);	/* events lost: look again */
				continue;
			}
			if (ev->len == 0)
				continue;
			if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
				if ((k = find(w, ev->name)) >= 0)
					drop(w, (size_t)k);
				continue;
			}
			r = seen(w, ev->name, err);
		}
	}
	if (got < 0 && errno != EAGAIN && errno != EINTR)
		r = hoso_err_sys(err, errno, _("%s: watching"), w->o->dir);
	return r;
}

static bool
same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int
hoso_watch_run(const struct hoso_watch_opts *o, struct hoso_err *err)
{
	struct watch w = { o, -1, NULL, 0, 0 };
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct pollfd pfd;
	struct stat st;
	double t, wait_s;
	size_t i;
	int lock = -1, ifd = -1, r;

	if ((r = hoso_buf_addf(&path, err, "%s/%s", o->dir, LOCK_NAME)) != 0)
		goto out;
	if ((lock = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open"), path.data);
		goto out;
	}
	if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
		r = errno == EWOULDBLOCK ? hoso_err_set(err, HOSO_EIO, _("%s: another scan-ingest "
		    "--watch is watching it"), o->dir) : hoso_err_sys(err, errno, _("%s: cannot "
		    "lock"), path.data);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		hoso_buf_reset(&path);
		if ((r = hoso_buf_addf(&path, err, "%s/%s", o->dir, i ? FAILED_DIR : DONE_DIR)) != 0 ||
		    (r = hoso_file_mkdirs(path.data, err)) != 0)
			goto out;
	}
	if ((w.dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open"), o->dir);
		goto out;
	}
	/* Watch first, then look: a file arriving in between is seen either way. */
	if ((ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0 ||
	    inotify_add_watch(ifd, o->dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_CREATE |
	    IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR) < 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot watch"), o->dir);
		goto out;
	}
	if ((r = look(&w, err)) != 0)
		goto out;
	while (!*o->stop) {
		/* Sleep until an event, or until the first pending file may have settled. */
		wait_s = -1;
		t = hoso_date_monotonic();
		for (i = 0; i < w.n; i++) {
			double left = w.p[i].changed + o->settle - t;
			if (wait_s < 0 || left < wait_s)
				wait_s = left < 0 ? 0 : left;
		}
		pfd.fd = ifd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait_s < 0 ? -1 : (int)(wait_s * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			r = hoso_err_sys(err, errno, _("%s: watching"), o->dir);
			goto out;
		}
		if ((pfd.revents & POLLIN) && (r = events(&w, ifd, err)) != 0)
			goto out;
		t = hoso_date_monotonic();
		for (i = 0; i < w.n && !*o->stop;) {
			struct pending *p = &w.p[i];
			char *name;
			if (t - p->changed < o->settle) {
				i++;
				continue;
			}
			hoso_buf_reset(&path);
			if ((r = hoso_buf_addf(&path, err, "%s/%s", o->dir, p->name)) != 0)
				goto out;
			if (stat(path.data, &st) != 0 || !S_ISREG(st.st_mode)) {
				drop(&w, i);	/* gone, or a directory: nothing to take */
				continue;
			}
			/* Still growing or touched since the last look: wait another settle time. */
			if (st.st_size != p->size || !same_time(&st.st_mtim, &p->mtime)) {
				p->size = st.st_size;
				p->mtime = st.st_mtim;
				p->changed = t;
				i++;
				continue;
			}
			name = p->name;
			p->name = NULL;
			drop(&w, i);
			r = take(&w, name, err);
			free(name);
			if (r != 0)
				goto out;
			t = hoso_date_monotonic();
			i = 0;	/* the list changed: from the start */
		}
	}
	r = 0;
out:
	for (i = 0; i < w.n; i++)
		free(w.p[i].name);
	free(w.p);
	if (ifd >= 0)
		close(ifd);
	if (w.dirfd >= 0)
		close(w.dirfd);
	if (lock >= 0)
		close(lock);
	hoso_buf_free(&path);
	return r;
}
