/* buf.c - growable buffer with a size limit (in the manner of curl's dynbuf). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"

static size_t
buf_limit(const struct hoso_buf *b)
{
	return b->max ? b->max : SIZE_MAX / 2;
}

void
hoso_buf_init(struct hoso_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

int
hoso_buf_grow(struct hoso_buf *b, size_t extra, struct hoso_err *err)
{
	size_t need, cap;
	char *p;

	if (extra > buf_limit(b) - b->len)
		return hoso_err_set(err, HOSO_EINPUT,
		    _("data larger than the limit of %zu bytes"), buf_limit(b));
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	b->data = p;
	b->cap = cap;
	return 0;
}

int
hoso_buf_add(struct hoso_buf *b, const void *p, size_t n, struct hoso_err *err)
{
	int r;

	if ((r = hoso_buf_grow(b, n, err)) != 0)
		return r;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
hoso_buf_adds(struct hoso_buf *b, const char *s, struct hoso_err *err)
{
	return hoso_buf_add(b, s, strlen(s), err);
}

int
hoso_buf_addc(struct hoso_buf *b, char c, struct hoso_err *err)
{
	return hoso_buf_add(b, &c, 1, err);
}

int
hoso_buf_addf(struct hoso_buf *b, struct hoso_err *err, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return hoso_err_set(err, HOSO_EIO, _("cannot format text"));
	if ((r = hoso_buf_grow(b, (size_t)n, err)) != 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
hoso_buf_reset(struct hoso_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

char *
hoso_buf_detach(struct hoso_buf *b, size_t *len)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
hoso_buf_free(struct hoso_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

const char *
hoso_buf_str(const struct hoso_buf *b)
{
	return b->data != NULL ? b->data : "";
}

int
hoso_buf_json_str(struct hoso_buf *b, const char *s, struct hoso_err *err)
{
	int r = hoso_buf_addc(b, '"', err);

	for (; r == 0 && *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			r = hoso_buf_addf(b, err, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f || ch == '<' || ch == '>' || ch == '&')
			r = hoso_buf_addf(b, err, "\\u%04x", ch);
		else
			r = hoso_buf_addc(b, (char)ch, err);
	}
	return r != 0 ? r : hoso_buf_addc(b, '"', err);
}

int
hoso_buf_csv_cell(struct hoso_buf *b, const char *s, bool last, struct hoso_err *err)
{
	bool formula = s[0] != '\0' && strchr("=+-@", s[0]) != NULL;
	int r = 0;

	if (formula || strpbrk(s, ",\"\r\n;\t") != NULL) {
		r = hoso_buf_adds(b, formula ? "\"'" : "\"", err);
		for (; r == 0 && *s != '\0'; s++)
			r = *s == '"' ? hoso_buf_adds(b, "\"\"", err) : hoso_buf_addc(b, *s, err);
		if (r == 0)
			r = hoso_buf_addc(b, '"', err);
	} else {
		r = hoso_buf_adds(b, s, err);
	}
	return r != 0 ? r : hoso_buf_adds(b, last ? "\r\n" : ",", err);
}
