/* http.c - the local web server of http.h on libmicrohttpd (the only file that includes it). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "date.h"
#include "digest.h"
#include "http.h"
#include "i18n.h"

struct hoso_http {
	struct MHD_Daemon *d;
	struct hoso_http_opts o;
	unsigned port;
	pthread_mutex_t mu;		/* guards the two below */
	double last;			/* monotonic seconds of the last answer */
	double tokens;			/* rate limit bucket */
	double filled;			/* when tokens was last topped up */
};

/* One request in progress: its body as it arrives. */
struct hoso_http_req {
	struct MHD_Connection *con;
	const char *method, *path;
	struct hoso_buf body;
	bool too_large;
};

/* Take one token from the bucket: false when the rate is exceeded. */
static bool
rate_ok(struct hoso_http *h)
{
	double t, cap = 2.0 * h->o.rate;
	bool ok;

	if (h->o.rate == 0)
		return true;
	pthread_mutex_lock(&h->mu);
	t = hoso_date_monotonic();
	h->tokens += (t - h->filled) * h->o.rate;
	if (h->tokens > cap)
		h->tokens = cap;
	h->filled = t;
	if ((ok = h->tokens >= 1.0))
		h->tokens -= 1.0;
	pthread_mutex_unlock(&h->mu);
	return ok;
}

static void
touch(struct hoso_http *h)
{
	pthread_mutex_lock(&h->mu);
	h->last = hoso_date_monotonic();
	pthread_mutex_unlock(&h->mu);
}

static enum MHD_Result
add_headers(struct MHD_Response *mr, const struct hoso_buf *headers)
{
	const char *p = headers->data, *end = p + headers->len, *nl, *colon;
	char name[128], value[1024];
	size_t nlen, vlen;

	while (p != NULL && p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon != NULL) {
			nlen = (size_t)(colon - p);
			colon++;
			while (colon < nl && *colon == ' ')
				colon++;
			vlen = (size_t)(nl - colon);
			if (nlen < sizeof(name) && vlen < sizeof(value)) {
				memcpy(name, p, nlen);
				name[nlen] = '\0';
				memcpy(value, colon, vlen);
				value[vlen] = '\0';
				if (MHD_add_response_header(mr, name, value) != MHD_YES)
					return MHD_NO;
			}
		}
		p = nl + 1;
	}
	return MHD_YES;
}

static enum MHD_Result
answer(struct MHD_Connection *con, int status, const char *type, const void *body, size_t len,
    const struct hoso_buf *headers)
{
	struct MHD_Response *mr;
	enum MHD_Result ret;

	mr = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (mr == NULL)
		return MHD_NO;
	ret = MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* What every answer of a local tool wants: no sniffing, no framing by others. */
	if (ret == MHD_YES)
		ret = MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	if (ret == MHD_YES)
		ret = MHD_add_response_header(mr, "X-Frame-Options", "DENY");
	if (ret == MHD_YES)
		ret = MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
	if (ret == MHD_YES && headers != NULL)
		ret = add_headers(mr, headers);
	if (ret == MHD_YES)
		ret = MHD_queue_response(con, (unsigned)status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static enum MHD_Result
plain(struct MHD_Connection *con, int status, const char *msg)
{
	return answer(con, status, "text/plain; charset=utf-8", msg, strlen(msg), NULL);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct hoso_http *h = cls;
	struct hoso_http_req *req = *con_cls;
	struct hoso_http_resp resp;
	struct hoso_err err = { 0 };
	enum MHD_Result ret;
	int r;

	(void)version;
	if (req == NULL) {
		if (!rate_ok(h))
			return plain(con, 429, _("Too many requests: wait a moment and try again.\n"));
		if ((req = calloc(1, sizeof(*req))) == NULL)
			return MHD_NO;
		hoso_buf_init(&req->body, h->o.max_body);
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!req->too_large && hoso_buf_add(&req->body, upload, *upload_size, &err) != 0)
			req->too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->too_large)
		return plain(con, 413, _("The request is too large.\n"));
	req->con = con;
	req->method = method;
	req->path = url;
	memset(&resp, 0, sizeof(resp));
	resp.status = 200;
	hoso_buf_init(&resp.body, 0);
	hoso_buf_init(&resp.headers, 64 * 1024);
	r = h->o.handler(h->o.ctx, req, &resp);
	if (r != 0)
		ret = plain(con, 500, _("Internal error.\n"));
	else
		ret = answer(con, resp.status, resp.type != NULL ? resp.type :
		    "text/plain; charset=utf-8", resp.body.data != NULL ? resp.body.data : "",
		    resp.body.len, &resp.headers);
	hoso_buf_free(&resp.body);
	hoso_buf_free(&resp.headers);
	touch(h);
	return ret;
}

static void
on_done(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct hoso_http_req *req = *con_cls;

	(void)cls;
	(void)con;
	(void)toe;
	if (req != NULL) {
		hoso_buf_free(&req->body);
		free(req);
		*con_cls = NULL;
	}
}

int
hoso_http_start(const struct hoso_http_opts *o, struct hoso_http **out, struct hoso_err *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	const char *addr = o->addr != NULL ? o->addr : "127.0.0.1";
	const union MHD_DaemonInfo *info;
	struct hoso_http *h;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;

	*out = NULL;
	if (o->handler == NULL || o->port > 65535)
		return hoso_err_set(err, HOSO_EUSAGE, _("web server: bad options"));
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)o->port);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)o->port);
		flags |= MHD_USE_IPv6;
	} else
		return hoso_err_set(err, HOSO_EUSAGE, _("'%s' is not a numeric IP address"), addr);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	h->o = *o;
	pthread_mutex_init(&h->mu, NULL);
	h->last = h->filled = hoso_date_monotonic();
	h->tokens = 2.0 * o->rate;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 4),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)(o->max_connections ? o->max_connections : 128),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->timeout ? o->timeout : 30),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		pthread_mutex_destroy(&h->mu);
		free(h);
		return hoso_err_set(err, HOSO_EIO, _("cannot listen on %s port %u (in use?)"), addr,
		    o->port);
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL ? info->port : o->port;
	*out = h;
	return 0;
}

unsigned
hoso_http_port(const struct hoso_http *h)
{
	return h->port;
}

double
hoso_http_idle(const struct hoso_http *h)
{
	struct hoso_http *m = (struct hoso_http *)h;
	double t;

	pthread_mutex_lock(&m->mu);
	t = hoso_date_monotonic() - m->last;
	pthread_mutex_unlock(&m->mu);
	return t;
}

void
hoso_http_stop(struct hoso_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

const char *
hoso_http_method(const struct hoso_http_req *req)
{
	return req->method;
}

const char *
hoso_http_path(const struct hoso_http_req *req)
{
	return req->path;
}

const char *
hoso_http_header(const struct hoso_http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->con, MHD_HEADER_KIND, name);
}

const char *
hoso_http_query(const struct hoso_http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->con, MHD_GET_ARGUMENT_KIND, name);
}

const char *
hoso_http_cookie(const struct hoso_http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->con, MHD_COOKIE_KIND, name);
}

const void *
hoso_http_body(const struct hoso_http_req *req, size_t *len)
{
	*len = req->body.len;
	return req->body.data != NULL ? req->body.data : "";
}

int
hoso_http_header_add(struct hoso_http_resp *resp, const char *name, const char *value,
    struct hoso_err *err)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
		return hoso_err_set(err, HOSO_EUSAGE, _("bad response header"));
	return hoso_buf_addf(&resp->headers, err, "%s: %s\n", name, value);
}

/* Decode one form-urlencoded piece into out. */
static int
form_decode(const char *p, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	size_t i;
	int hi, lo, r;

	for (i = 0; i < n; i++) {
		char c = p[i];
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < n && (hi = hoso_digest_hex_value((unsigned char)p[i + 1])) >= 0 &&
		    (lo = hoso_digest_hex_value((unsigned char)p[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if ((r = hoso_buf_addc(out, c, err)) != 0)
			return r;
	}
	return 0;
}

int
hoso_http_form_value(const void *body, size_t len, const char *name, struct hoso_buf *out,
    struct hoso_err *err)
{
	const char *p = body, *end = p + len, *amp, *eq;
	struct hoso_buf key = HOSO_BUF_INIT(4096);
	int r = 0;

	hoso_buf_reset(out);
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		hoso_buf_reset(&key);
		if ((r = form_decode(p, (size_t)(eq - p), &key, err)) != 0)
			goto out;
		if (key.len == strlen(name) && memcmp(key.data, name, key.len) == 0) {
			if (eq < amp)
				r = form_decode(eq + 1, (size_t)(amp - eq - 1), out, err);
			if (r == 0)
				r = 1;
			goto out;
		}
		p = amp + 1;
	}
out:
	hoso_buf_free(&key);
	return r;
}

bool
hoso_http_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	volatile unsigned char diff = la != lb;

	/* Every byte of b is looked at whatever a holds: the time tells only b's length. */
	for (i = 0; i < lb; i++)
		diff |= (unsigned char)(a[i < la ? i : 0] ^ b[i]);
	return la > 0 && diff == 0;
}
