/* digest.h - message digests (OpenSSL EVP; the only file of lib/ using EVP digests). */
#ifndef HOSO_DIGEST_H
#define HOSO_DIGEST_H

#include <stddef.h>

#include "err.h"

#define HOSO_SHA256_LEN 32
#define HOSO_SHA256_HEX (2 * HOSO_SHA256_LEN + 1)

struct hoso_digest;

/* alg is an OpenSSL digest name: "SHA256", "SHA384", "SHA512". */
int hoso_digest_new(const char *alg, struct hoso_digest **d, struct hoso_err *err);
int hoso_digest_update(struct hoso_digest *d, const void *p, size_t n, struct hoso_err *err);
/* Writes the digest to out (room for 64 bytes) and its length to *len. */
int hoso_digest_final(struct hoso_digest *d, unsigned char *out, size_t *len, struct hoso_err *err);
void hoso_digest_free(struct hoso_digest *d);

/* One-shot SHA-256 as lowercase hex (HOSO_SHA256_HEX bytes with the NUL). */
int hoso_digest_sha256_hex(const void *p, size_t n, char hex[HOSO_SHA256_HEX], struct hoso_err *err);
void hoso_digest_hex(const unsigned char *d, size_t n, char *out);
/* The value of one hex digit (either case), or -1. */
int hoso_digest_hex_value(int c);

#endif
