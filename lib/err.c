/* err.c - filling struct hoso_err. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "i18n.h"

/*
 * vsnprintf cuts at a byte count: drop a UTF-8 sequence it left incomplete,
 * so that a long Vietnamese path never makes a message invalid UTF-8.
 */
static void
trim_utf8(char *msg)
{
	size_t len = strlen(msg), i = len, need;
	unsigned char lead;

	while (i > 0 && len - i < 4 && ((unsigned char)msg[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)msg[i - 1];
	if (lead < 0xc0)
		return;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (len - (i - 1) < need)
		msg[i - 1] = '\0';
}

void
hoso_err_clear(struct hoso_err *err)
{
	if (err == NULL)
		return;
	err->code = HOSO_OK;
	err->msg[0] = '\0';
}

int
hoso_err_set(struct hoso_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	trim_utf8(err->msg);
	return code;
}

int
hoso_err_sys(struct hoso_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int code;

	/* A file that is not there or not readable is the user's input. */
	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ELOOP:
	case ENAMETOOLONG:
		code = HOSO_EINPUT;
		break;
	default:
		code = HOSO_EIO;
	}
	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	trim_utf8(err->msg);
	return code;
}

int
hoso_err_prefix(struct hoso_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	va_list ap;
	size_t n;

	if (err == NULL)
		return HOSO_EIO;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", old);
	trim_utf8(err->msg);
	return err->code;
}

int
hoso_err_exit_status(int code)
{
	if (code >= 0)
		return 0;
	if (code < HOSO_EENGINE)
		return 4;
	return -code;
}
