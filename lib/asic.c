/*
 * asic.c - META-INF/ASiCManifest.xml of an ASiC-E container with CAdES
 * signatures (ETSI EN 319 162-1 4.4.1 and A.4): one SigReference to the
 * signature that signs the manifest's bytes, one DataObjectReference per
 * signed file with an XML-DSig digest (W3C xmldsig-core 6.2, RFC 6931).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asic.h"
#include "digest.h"
#include "i18n.h"
#include "xml.h"

static const struct {
	const char *alg, *uri;
	size_t len;
} digests[] = {
	{ "SHA256", "http://www.w3.org/2001/04/xmlenc#sha256", 32 },
	{ "SHA384", "http://www.w3.org/2001/04/xmldsig-more#sha384", 48 },
	{ "SHA512", "http://www.w3.org/2001/04/xmlenc#sha512", 64 },
};

const char *
hoso_asic_digest_uri(const char *alg)
{
	size_t i;

	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (strcmp(digests[i].alg, alg) == 0)
			return digests[i].uri;
	return NULL;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
hoso_asic_base64(const unsigned char *p, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	char q[4];
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);
		q[0] = b64[v >> 18];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		r = hoso_buf_add(out, q, 4, err);
	}
	return r;
}

/* Decode base64, skipping XML whitespace; false on anything else or too much data. */
static bool
unbase64(const char *s, unsigned char *out, size_t max, size_t *len)
{
	uint32_t v = 0;
	size_t n = 0, bits = 0, pad = 0;
	const char *c;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			continue;
		if (*s == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (c = strchr(b64, *s)) == NULL)
			return false;
		v = v << 6 | (uint32_t)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				return false;
			out[n++] = (unsigned char)(v >> bits);
		}
	}
	if (pad > 2 || bits >= 6 || (v & ((1u << bits) - 1)) != 0)
		return false;
	*len = n;
	return true;
}

/* URIs in the manifest are relative references (RFC 3986): encode all but unreserved and '/'. */
static int
uri_encode(const char *s, struct hoso_buf *out, struct hoso_err *err)
{
	static const char hex[] = "0123456789ABCDEF";
	int r = 0;

	for (; *s != '\0' && r == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			r = hoso_buf_addc(out, (char)c, err);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			r = hoso_buf_add(out, e, 3, err);
		}
	}
	return r;
}

/* A relative reference without scheme, query or fragment; percent-decoded. */
static char *
uri_decode(const char *s)
{
	struct hoso_buf b = HOSO_BUF_INIT(65536);
	struct hoso_err e;
	int hi, lo;

	if (strpbrk(s, ":?#") != NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		if (*s == '%') {
			if ((hi = hoso_digest_hex_value(s[1])) < 0 ||
			    (lo = hoso_digest_hex_value(s[2])) < 0 || (hi == 0 && lo == 0))
				goto bad;
			if (hoso_buf_addc(&b, (char)(hi << 4 | lo), &e) != 0)
				goto bad;
			s += 2;
		} else if (hoso_buf_addc(&b, *s, &e) != 0) {
			goto bad;
		}
	}
	return hoso_buf_detach(&b, NULL);
bad:
	hoso_buf_free(&b);
	return NULL;
}

int
hoso_asic_manifest_write(const char *sig_name, const struct hoso_asic_ref *refs, size_t n,
    struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_buf v = HOSO_BUF_INIT(0);
	struct hoso_xmlw *w = NULL;
	const char *uri;
	size_t i;
	int r;

	if ((r = hoso_xmlw_new(&w, err)) != 0)
		goto out;
	if ((r = hoso_xmlw_start(w, "asic:ASiCManifest", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "xmlns:asic", HOSO_ASIC_NS, err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "xmlns:ds", HOSO_DSIG_NS, err)) != 0)
		goto out;
	if ((r = uri_encode(sig_name, &v, err)) != 0 ||
	    (r = hoso_xmlw_start(w, "asic:SigReference", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "URI", hoso_buf_str(&v), err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "MimeType", "application/pkcs7-signature", err)) != 0 ||
	    (r = hoso_xmlw_end(w, err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((uri = hoso_asic_digest_uri(refs[i].alg)) == NULL) {
			r = hoso_err_set(err, HOSO_EUSAGE, _("digest %s is not allowed"), refs[i].alg);
			goto out;
		}
		hoso_buf_reset(&v);
		if ((r = uri_encode(refs[i].name, &v, err)) != 0 ||
		    (r = hoso_xmlw_start(w, "asic:DataObjectReference", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "URI", hoso_buf_str(&v), err)) != 0 ||
		    (r = hoso_xmlw_start(w, "ds:DigestMethod", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "Algorithm", uri, err)) != 0 ||
		    (r = hoso_xmlw_end(w, err)) != 0)
			goto out;
		hoso_buf_reset(&v);
		if ((r = hoso_asic_base64(refs[i].digest, refs[i].digest_len, &v, err)) != 0 ||
		    (r = hoso_xmlw_elem(w, "ds:DigestValue", hoso_buf_str(&v), err)) != 0 ||
		    (r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	r = hoso_xmlw_finish(w, out, err);
out:
	hoso_xmlw_free(w);
	hoso_buf_free(&v);
	return r;
}

static bool
is(const struct hoso_xml_node *n, const char *ns, const char *name)
{
	const char *u = hoso_xml_ns(n);

	return u != NULL && strcmp(u, ns) == 0 && strcmp(hoso_xml_name(n), name) == 0;
}

static int
parse_ref(const struct hoso_xml_node *e, const char *label, struct hoso_asic_ref *ref,
    struct hoso_err *err)
{
	const struct hoso_xml_node *c, *dm = NULL, *dv = NULL;
	char *uri = NULL, *alg = NULL, *val = NULL;
	size_t i, want = 0;
	int r = 0;

	if ((uri = hoso_xml_attr(e, "URI")) == NULL || (ref->name = uri_decode(uri)) == NULL ||
	    ref->name[0] == '\0') {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: a DataObjectReference without a "
		    "usable URI"), label, hoso_xml_line(e));
		goto out;
	}
	for (c = hoso_xml_child(e, NULL); c != NULL; c = hoso_xml_next(c, NULL)) {
		if (is(c, HOSO_DSIG_NS, "DigestMethod") && dm == NULL)
			dm = c;
		else if (is(c, HOSO_DSIG_NS, "DigestValue") && dv == NULL && dm != NULL)
			dv = c;
		else {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: unexpected element %s"), label,
			    hoso_xml_line(c), hoso_xml_name(c));
			goto out;
		}
	}
	if (dm == NULL || dv == NULL || (alg = hoso_xml_attr(dm, "Algorithm")) == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: a DataObjectReference without "
		    "ds:DigestMethod and ds:DigestValue"), label, hoso_xml_line(e));
		goto out;
	}
	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (strcmp(alg, digests[i].uri) == 0) {
			memcpy(ref->alg, digests[i].alg, strlen(digests[i].alg) + 1);
			want = digests[i].len;
		}
	if (want == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: digest method %s is not allowed "
		    "(SHA-256 or stronger)"), label, hoso_xml_line(dm), alg);
		goto out;
	}
	if ((val = hoso_xml_text(dv)) == NULL ||
	    !unbase64(val, ref->digest, sizeof(ref->digest), &ref->digest_len) ||
	    ref->digest_len != want) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: a digest value that is not base64 of "
		    "the right length"), label, hoso_xml_line(dv));
		goto out;
	}
out:
	free(uri);
	free(alg);
	free(val);
	return r;
}

int
hoso_asic_manifest_parse(const char *data, size_t len, const char *label,
    struct hoso_asic_manifest *m, struct hoso_err *err)
{
	const struct hoso_xml_node *root, *c;
	struct hoso_xml *doc = NULL;
	size_t cap = 0;
	char *uri = NULL;
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = hoso_xml_parse(data, len, label, &doc, err)) != 0)
		goto out;
	root = hoso_xml_root(doc);
	if (!is(root, HOSO_ASIC_NS, "ASiCManifest")) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: the root is not asic:ASiCManifest in "
		    "namespace %s"), label, HOSO_ASIC_NS);
		goto out;
	}
	for (c = hoso_xml_child(root, NULL); c != NULL; c = hoso_xml_next(c, NULL)) {
		if (is(c, HOSO_ASIC_NS, "SigReference") && m->sig_name == NULL && m->n == 0) {
			if ((uri = hoso_xml_attr(c, "URI")) == NULL ||
			    (m->sig_name = uri_decode(uri)) == NULL) {
				r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: a SigReference without "
				    "a usable URI"), label, hoso_xml_line(c));
				goto out;
			}
		} else if (is(c, HOSO_ASIC_NS, "DataObjectReference") && m->sig_name != NULL) {
			if (m->n == cap) {
				struct hoso_asic_ref *nr;
				cap = cap * 2 + 16;
				if ((nr = realloc(m->refs, cap * sizeof(*nr))) == NULL) {
					r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
					goto out;
				}
				m->refs = nr;
			}
			memset(&m->refs[m->n], 0, sizeof(m->refs[m->n]));
			m->n++;
			if ((r = parse_ref(c, label, &m->refs[m->n - 1], err)) != 0)
				goto out;
		} else if (is(c, HOSO_ASIC_NS, "ASiCManifestExtensions")) {
			continue;	/* A.4: optional, carries nothing we check */
		} else {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: unexpected element %s"), label,
			    hoso_xml_line(c), hoso_xml_name(c));
			goto out;
		}
	}
	if (m->sig_name == NULL || m->n == 0)
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no SigReference or no DataObjectReference"),
		    label);
out:
	if (r != 0)
		hoso_asic_manifest_free(m);
	free(uri);
	hoso_xml_free(doc);
	return r;
}

void
hoso_asic_manifest_free(struct hoso_asic_manifest *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->refs[i].name);
	free(m->refs);
	free(m->sig_name);
	memset(m, 0, sizeof(*m));
}
