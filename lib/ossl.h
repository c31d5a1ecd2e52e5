/*
 * ossl.h - what the two OpenSSL wrappers, cms.c and tsp.c, share: error
 * text, certificate names, the digests we accept, ASN.1 times, and the
 * certificates a check works with. Internal to those files and ossl.c: it
 * speaks in OpenSSL types, which no public header of hoso does (tsp.h only
 * names struct hoso_ossl_certs, never its members).
 */
#ifndef HOSO_OSSL_H
#define HOSO_OSSL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include "date.h"

/* The last OpenSSL error as text in buf, for messages (buf returned); clears the queue. */
const char *hoso_ossl_why(char *buf, size_t n);

/*
 * The RFC 2253 text of nm (UTF-8) into out: a name that does not fit (longer
 * than any real one) is cut at a character and ends in "…".
 */
void hoso_ossl_name(const X509_NAME *nm, char *out, size_t n);

/* The digests we sign and accept (hoso-archive(5) "What verify checks" 3): SHA-256/384/512. */
bool hoso_ossl_digest_ok(int nid);

/* An ASN.1 UTCTime or GeneralizedTime (RFC 5280 4.1.2.5) as a time and as YYYY-MM-DDTHH:MM:SSZ. */
bool hoso_ossl_time(const ASN1_TIME *t, time_t *out, char iso[static HOSO_DATE_ISO_SIZE]);

/* The certificates a check works with; any member may be NULL when there is none. */
struct hoso_ossl_certs {
	X509_STORE *store;		/* trust anchors and CRLs: NULL when none were given */
	STACK_OF(X509) *untrusted;	/* the certificates that came with the signature */
	X509 *cert, *issuer;		/* OCSP: the certificate asked about and its issuer */
};

#endif
