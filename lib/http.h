/*
 * http.h - a small HTTP/1.1 server for local web pages (the review station); http.c is the only
 * libmicrohttpd user. Requests are answered by one handler on a few worker threads; bodies are
 * collected whole up to a limit; a request rate limit answers 429 before the handler runs.
 */
#ifndef HOSO_HTTP_H
#define HOSO_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct hoso_http;
struct hoso_http_req;

struct hoso_http_resp {
	int status;			/* 200 unless set */
	const char *type;		/* Content-Type; "text/plain; charset=utf-8" unless set */
	struct hoso_buf body;
	struct hoso_buf headers;	/* "Name: value\n" lines, added with hoso_http_header_add */
};

/*
 * Called on a worker thread for each whole request; fills resp. Returning
 * non-zero answers 500 whatever resp holds.
 */
typedef int (*hoso_http_handler)(void *ctx, const struct hoso_http_req *req,
    struct hoso_http_resp *resp);

struct hoso_http_opts {
	const char *addr;		/* numeric IPv4 or IPv6 address; NULL: 127.0.0.1 */
	unsigned port;			/* 0: a free port */
	size_t max_body;		/* bytes of a request body; larger is 413 */
	unsigned threads;		/* worker threads; 0: 4 */
	unsigned max_connections;	/* at once; 0: 128 */
	unsigned rate;			/* requests a second (burst: twice that); 0: no limit */
	unsigned timeout;		/* seconds an idle connection is kept; 0: 30 */
	hoso_http_handler handler;
	void *ctx;
};

/* Listen and serve on background threads until hoso_http_stop. HOSO_EIO when the address is taken. */
int hoso_http_start(const struct hoso_http_opts *o, struct hoso_http **h, struct hoso_err *err);
/* The port listened on (the free one chosen for port 0). */
unsigned hoso_http_port(const struct hoso_http *h);
/* Seconds since the last request was answered (or since the start). */
double hoso_http_idle(const struct hoso_http *h);
/* Finish the requests in progress, close, free. NULL is a no-op. */
void hoso_http_stop(struct hoso_http *h);

/* The request. Strings are valid during the handler call only. */
const char *hoso_http_method(const struct hoso_http_req *req);
const char *hoso_http_path(const struct hoso_http_req *req);	/* decoded, no query */
const char *hoso_http_header(const struct hoso_http_req *req, const char *name);	/* or NULL */
const char *hoso_http_query(const struct hoso_http_req *req, const char *name);	/* or NULL */
const char *hoso_http_cookie(const struct hoso_http_req *req, const char *name);	/* or NULL */
const void *hoso_http_body(const struct hoso_http_req *req, size_t *len);

/* Add a response header line; name and value must not hold CR or LF (HOSO_EUSAGE). */
int hoso_http_header_add(struct hoso_http_resp *resp, const char *name, const char *value,
    struct hoso_err *err);

/*
 * The value of name in an application/x-www-form-urlencoded body (or query
 * string) into out (reset first), decoded ('+' is a space, %XX a byte):
 * 1 found, 0 absent, or a negative HOSO_E* code (memory).
 */
int hoso_http_form_value(const void *body, size_t len, const char *name, struct hoso_buf *out,
    struct hoso_err *err);

/* Compare two secrets in time that depends on their lengths only. */
bool hoso_http_secret_equal(const char *a, const char *b);

#endif
