/*
 * ossl.c - the OpenSSL helpers cms.c and tsp.c share (ossl.h), so that
 * neither needs the other's: cms.c calls tsp.c, never the reverse.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "ossl.h"

const char *
hoso_ossl_why(char *buf, size_t n)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		snprintf(buf, n, "?");
	else
		ERR_error_string_n(e, buf, n);
	ERR_clear_error();
	return buf;
}

void
hoso_ossl_name(const X509_NAME *nm, char *out, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long len;

	out[0] = '\0';
	if (b == NULL)
		return;
	X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(b, &p);
	if (len > 0 && (size_t)len < n) {
		memcpy(out, p, (size_t)len);
		out[len] = '\0';
	} else if (len > 0 && n > 8) {
		/* never cut silently, nor inside a character; what is left out is marked */
		size_t k = n - 4;
		while (k > 0 && ((unsigned char)p[k] & 0xc0) == 0x80)
			k--;
		memcpy(out, p, k);
		memcpy(out + k, "\xe2\x80\xa6", 4);	/* "…" and the NUL */
	}
	BIO_free(b);
}

bool
hoso_ossl_digest_ok(int nid)
{
	return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

bool
hoso_ossl_time(const ASN1_TIME *t, time_t *out, char iso[static HOSO_DATE_ISO_SIZE])
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return false;
	*out = hoso_date_timegm(&tm);
	hoso_date_iso(*out, iso);
	return true;
}
