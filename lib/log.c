/* log.c - formatting messages for the front-end's logging callback. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

void
hoso_log(const struct hoso_log *log, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (log == NULL || log->fn == NULL || level > log->level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log->fn(log->ctx, level, msg);
}
