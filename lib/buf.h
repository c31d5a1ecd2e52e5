/* buf.h - a growable byte buffer with a hard size limit (text is NUL-terminated). */
#ifndef HOSO_BUF_H
#define HOSO_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct hoso_buf {
	char *data;	/* NULL until something is added; then NUL-terminated */
	size_t len;
	size_t cap;
	size_t max;	/* len never exceeds this; 0 means SIZE_MAX / 2 */
};

#define HOSO_BUF_INIT(maxsize) { NULL, 0, 0, (maxsize) }

void hoso_buf_init(struct hoso_buf *b, size_t max);
/* Make room for extra more bytes (plus the NUL); HOSO_EINPUT past max. */
int hoso_buf_grow(struct hoso_buf *b, size_t extra, struct hoso_err *err);
int hoso_buf_add(struct hoso_buf *b, const void *p, size_t n, struct hoso_err *err);
int hoso_buf_adds(struct hoso_buf *b, const char *s, struct hoso_err *err);
int hoso_buf_addc(struct hoso_buf *b, char c, struct hoso_err *err);
int hoso_buf_addf(struct hoso_buf *b, struct hoso_err *err, const char *fmt, ...)
	HOSO_PRINTF(3, 4);
/* Keep the allocation, drop the contents. */
void hoso_buf_reset(struct hoso_buf *b);
/* Hand the allocation to the caller (never NULL on success; "" if empty). */
char *hoso_buf_detach(struct hoso_buf *b, size_t *len);
void hoso_buf_free(struct hoso_buf *b);
/* The contents as a C string ("" when empty). */
const char *hoso_buf_str(const struct hoso_buf *b);

/*
 * Append s as a JSON string: quotes, backslash and control characters
 * escaped, and < > & too, so the text is also safe inside an HTML page.
 */
int hoso_buf_json_str(struct hoso_buf *b, const char *s, struct hoso_err *err);

/*
 * Append s as one CSV cell (RFC 4180) and then ',' or, for the last of a
 * row, CRLF. A cell led by = + - @ is a formula to a spreadsheet: it is
 * quoted with a leading ' so it stays text.
 */
int hoso_buf_csv_cell(struct hoso_buf *b, const char *s, bool last, struct hoso_err *err);

#endif
