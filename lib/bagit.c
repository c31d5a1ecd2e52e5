/* bagit.c - BagIt v1.0 (RFC 8493) tag files: bag-info.txt, manifest lines, manifest parsing. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bagit.h"
#include "digest.h"
#include "i18n.h"
#include "sort.h"
#include "utf8.h"

int
hoso_bagit_info(const char *bagging_date, uint64_t octets, size_t n_files,
    const char *external_id, struct hoso_buf *out, struct hoso_err *err)
{
	/* 2.2.2 reserved labels; Payload-Oxum lets a reader spot a short bag cheaply. */
	return hoso_buf_addf(out, err, "Bagging-Date: %s\nPayload-Oxum: %llu.%zu\n"
	    "External-Identifier: %s\nBag-Software-Agent: hoso %s\n", bagging_date,
	    (unsigned long long)octets, n_files, external_id, HOSO_VERSION);
}

/* 2.1.3: in a manifest path, CR, LF and % are percent-encoded. */
static int
encode_path(struct hoso_buf *out, const char *path, struct hoso_err *err)
{
	int r = 0;

	for (; *path != '\0' && r == 0; path++) {
		if (*path == '%')
			r = hoso_buf_adds(out, "%25", err);
		else if (*path == '\r')
			r = hoso_buf_adds(out, "%0D", err);
		else if (*path == '\n')
			r = hoso_buf_adds(out, "%0A", err);
		else
			r = hoso_buf_addc(out, *path, err);
	}
	return r;
}

size_t
hoso_bagit_line_len(size_t hex_len, const char *path)
{
	size_t n = hex_len + 3;

	for (; *path != '\0'; path++)
		n += *path == '%' || *path == '\r' || *path == '\n' ? 3 : 1;
	return n;
}

int
hoso_bagit_line(struct hoso_buf *out, const char *hex, const char *path, struct hoso_err *err)
{
	int r;

	/* Two spaces, as sha256sum(1) writes: "sha256sum -c" then reads the manifest as it is. */
	if ((r = hoso_buf_adds(out, hex, err)) != 0 || (r = hoso_buf_adds(out, "  ", err)) != 0 ||
	    (r = encode_path(out, path, err)) != 0)
		return r;
	return hoso_buf_addc(out, '\n', err);
}

static int
decode_path(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	size_t i;
	int r = 0, hi, lo;

	for (i = 0; i < n && r == 0; i++) {
		if (s[i] == '%' && i + 2 < n && (hi = hoso_digest_hex_value(s[i + 1])) >= 0 &&
		    (lo = hoso_digest_hex_value(s[i + 2])) >= 0) {
			r = hoso_buf_addc(out, (char)(hi << 4 | lo), err);
			i += 2;
		} else {
			r = hoso_buf_addc(out, s[i], err);
		}
	}
	return r;
}

static bool
path_ok(const char *p)
{
	const char *part = p, *q;

	if (*p == '\0' || *p == '/' || strchr(p, '\\') != NULL)
		return false;
	for (q = p;; q++) {
		if (*q == '/' || *q == '\0') {
			size_t len = (size_t)(q - part);
			if (len == 0 || (len == 1 && part[0] == '.') ||
			    (len == 2 && part[0] == '.' && part[1] == '.'))
				return false;
			if (*q == '\0')
				return true;
			part = q + 1;
		}
	}
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hoso_bagit_entry *)a)->path,
	    ((const struct hoso_bagit_entry *)b)->path);
}

int
hoso_bagit_parse(const char *data, size_t len, const char *label, size_t hex_len,
    struct hoso_bagit_manifest *m, struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(4096);
	const char *p = data, *end = data + len, *eol, *q;
	size_t cap = 0, line = 0, i;
	int r = 0;

	m->e = NULL;
	m->n = 0;
	if (!hoso_utf8_valid(data, len)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not UTF-8"), label);
		goto out;
	}
	while (p < end) {
		line++;
		for (eol = p; eol < end && *eol != '\n' && *eol != '\r'; eol++)
			;
		if (eol == p) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%zu: empty line"), label, line);
			goto out;
		}
		for (q = p; q < eol && hoso_digest_hex_value(*q) >= 0; q++)
			;
		if ((size_t)(q - p) != hex_len || q == eol || (*q != ' ' && *q != '\t')) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%zu: not \"checksum  path\" with a "
			    "%zu-digit checksum"), label, line, hex_len);
			goto out;
		}
		if (m->n == cap) {
			struct hoso_bagit_entry *ne;
			cap = cap * 2 + 16;
			if ((ne = realloc(m->e, cap * sizeof(*ne))) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			m->e = ne;
		}
		memset(&m->e[m->n], 0, sizeof(m->e[m->n]));
		for (i = 0; i < hex_len; i++)
			m->e[m->n].hex[i] = (char)(p[i] >= 'A' && p[i] <= 'F' ? p[i] + 32 : p[i]);
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		hoso_buf_reset(&path);
		if ((r = decode_path(q, (size_t)(eol - q), &path, err)) != 0)
			goto out;
		if (!path_ok(hoso_buf_str(&path)) || memchr(path.data, '\0', path.len) != NULL) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%zu: an unsafe path"), label, line);
			goto out;
		}
		m->e[m->n].path = hoso_buf_detach(&path, NULL);
		m->n++;
		p = eol;
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
	}
	hoso_sort(m->e, m->n, sizeof(*m->e), entry_cmp);
	for (i = 1; i < m->n; i++)
		if (strcmp(m->e[i - 1].path, m->e[i].path) == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: a path is listed twice"), label);
			goto out;
		}
out:
	if (r != 0)
		hoso_bagit_free(m);
	hoso_buf_free(&path);
	return r;
}

void
hoso_bagit_free(struct hoso_bagit_manifest *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->e[i].path);
	free(m->e);
	m->e = NULL;
	m->n = 0;
}

struct hoso_bagit_entry *
hoso_bagit_find(const struct hoso_bagit_manifest *m, const char *path)
{
	struct hoso_bagit_entry key;

	if (m->n == 0)
		return NULL;
	key.path = (char *)(uintptr_t)path;
	return bsearch(&key, m->e, m->n, sizeof(*m->e), entry_cmp);
}
