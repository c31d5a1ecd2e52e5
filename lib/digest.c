/* digest.c - EVP message digests. */
#include <stdlib.h>

#include <openssl/evp.h>

#include "digest.h"
#include "i18n.h"

struct hoso_digest {
	EVP_MD_CTX *ctx;
};

int
hoso_digest_new(const char *alg, struct hoso_digest **d, struct hoso_err *err)
{
	const EVP_MD *md;

	*d = NULL;
	if ((md = EVP_get_digestbyname(alg)) == NULL)
		return hoso_err_set(err, HOSO_EUSAGE, _("unknown digest algorithm %s"), alg);
	if ((*d = calloc(1, sizeof(**d))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	if (((*d)->ctx = EVP_MD_CTX_new()) == NULL || !EVP_DigestInit_ex((*d)->ctx, md, NULL)) {
		hoso_digest_free(*d);
		*d = NULL;
		return hoso_err_set(err, HOSO_EENGINE, _("cannot start digest %s"), alg);
	}
	return 0;
}

int
hoso_digest_update(struct hoso_digest *d, const void *p, size_t n, struct hoso_err *err)
{
	if (!EVP_DigestUpdate(d->ctx, p, n))
		return hoso_err_set(err, HOSO_EENGINE, _("digest update failed"));
	return 0;
}

int
hoso_digest_final(struct hoso_digest *d, unsigned char *out, size_t *len, struct hoso_err *err)
{
	unsigned int n = 0;

	if (!EVP_DigestFinal_ex(d->ctx, out, &n))
		return hoso_err_set(err, HOSO_EENGINE, _("digest failed"));
	*len = n;
	return 0;
}

void
hoso_digest_free(struct hoso_digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx);
	free(d);
}

int
hoso_digest_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
hoso_digest_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int
hoso_digest_sha256_hex(const void *p, size_t n, char hex[HOSO_SHA256_HEX], struct hoso_err *err)
{
	unsigned char md[HOSO_SHA256_LEN];

	if (!EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL))
		return hoso_err_set(err, HOSO_EENGINE, _("SHA-256 failed"));
	hoso_digest_hex(md, sizeof(md), hex);
	return 0;
}
