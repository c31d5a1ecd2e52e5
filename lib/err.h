/* err.h - graded error codes and the error record every fallible call fills. */
#ifndef HOSO_ERR_H
#define HOSO_ERR_H

/*
 * Codes are negative so that "r < 0" means failure; their absolute value is
 * the exit code a front-end returns (see hoso(7), EXIT STATUS).
 */
enum hoso_code {
	HOSO_OK = 0,
	HOSO_ENO = -1,		/* a verification or check said "no" */
	HOSO_EUSAGE = -2,	/* the caller asked for something impossible */
	HOSO_EINPUT = -3,	/* bad input: malformed, unsupported, too large */
	HOSO_EIO = -4,		/* I/O or system error, out of memory */
	HOSO_EENGINE = -5,	/* OCR or crypto engine failure */
};

struct hoso_err {
	int code;
	char msg[512];
};

#if defined(__GNUC__)
#define HOSO_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HOSO_PRINTF(a, b)
#endif

/* Clear the record. */
void hoso_err_clear(struct hoso_err *err);

/* Fill err (if not NULL) with code and message; returns code. */
int hoso_err_set(struct hoso_err *err, int code, const char *fmt, ...)
	HOSO_PRINTF(3, 4);

/* Like hoso_err_set, appending ": strerror(errnum)"; code from errnum. */
int hoso_err_sys(struct hoso_err *err, int errnum, const char *fmt, ...)
	HOSO_PRINTF(3, 4);

/* Put "context: " in front of the message already there; returns err->code. */
int hoso_err_prefix(struct hoso_err *err, const char *fmt, ...)
	HOSO_PRINTF(2, 3);

/* Map a (negative) code to the process exit status 0..5. */
int hoso_err_exit_status(int code);

#endif
