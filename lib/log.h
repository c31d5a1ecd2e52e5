/* log.h - the logging callback a front-end installs; lib/ never prints. */
#ifndef HOSO_LOG_H
#define HOSO_LOG_H

#include "err.h"

enum hoso_log_level {
	HOSO_LOG_ERROR,
	HOSO_LOG_WARN,
	HOSO_LOG_INFO,	/* shown with -v */
	HOSO_LOG_DEBUG,	/* shown with -vv */
};

struct hoso_log {
	void (*fn)(void *ctx, int level, const char *msg);
	void *ctx;
	int level;	/* messages above this level are not even formatted */
};

/* Format and pass a message to log->fn; a NULL log or fn drops it. */
void hoso_log(const struct hoso_log *log, int level, const char *fmt, ...)
	HOSO_PRINTF(3, 4);

#endif
