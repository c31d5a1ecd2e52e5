/*
 * watch.h - a hot folder: files a scanner (or a share) drops into a directory are ingested once
 * complete, then moved to DIR/done/, or to DIR/failed/ with NAME.reason beside them.
 */
#ifndef HOSO_WATCH_H
#define HOSO_WATCH_H

#include <signal.h>

#include "err.h"
#include "ingest.h"

struct hoso_watch_opts {
	const char *dir;
	double settle;			/* seconds a file's size and time must hold still */
	const struct hoso_ingest_opts *ingest;
	/* Called on a copy of *ingest before each file (the time it is ingested at); may be NULL. */
	void (*prepare)(void *ctx, struct hoso_ingest_opts *o);
	/* Set (by the caller's signal handler) to stop after the file in hand. */
	volatile sig_atomic_t *stop;
	/* Called after each file, with where it went (DIR/done/NAME or DIR/failed/NAME). */
	void (*report)(void *ctx, const char *name, const struct hoso_ingest_summary *sum,
	    const char *moved_to);
	void *ctx;
};

/*
 * Watch o->dir until *o->stop (inotify; files already there are taken first,
 * in name order). A file is taken when its size and modification time have
 * not changed for o->settle seconds since the last event or look. One watcher
 * a directory: a second one is HOSO_EIO (DIR/.hoso-watch.lock is held).
 * Returns 0 when stopped, or what stops the watch (I/O on the store or DIR).
 */
int hoso_watch_run(const struct hoso_watch_opts *o, struct hoso_err *err);

#endif
