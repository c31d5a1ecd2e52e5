/*
 * tsp.h - internal to cms.c and tsp.c (not part of hoso.h): the on-line services of
 * a PKI, RFC 3161 time-stamping and RFC 6960 OCSP, over OpenSSL's own HTTP client.
 * It speaks in OpenSSL types because only the two OpenSSL wrappers include it.
 */
#ifndef HOSO_TSP_H
#define HOSO_TSP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "buf.h"
#include "cms.h"
#include "date.h"
#include "err.h"

/* Seconds a TSA or an OCSP responder has to answer, connection included. */
#define HOSO_TSP_TIMEOUT 20

/*
 * Ask the TSA at url (http://) for a time-stamp token over data[0..len)
 * hashed with md; check that the reply grants it, for our imprint and nonce.
 * Appends the token (DER ContentInfo) to token. HOSO_EUSAGE for a URL we
 * cannot use, HOSO_EENGINE (with the URL in the message) for a TSA that does
 * not answer or answers wrong.
 */
int hoso_tsp_stamp(const char *url, const EVP_MD *md, const void *data, size_t len,
    struct hoso_buf *token, struct hoso_err *err);

/* An ASN.1 UTCTime or GeneralizedTime (RFC 5280 4.1.2.5) as a time and as YYYY-MM-DDTHH:MM:SSZ. */
bool hoso_tsp_time(const ASN1_TIME *t, time_t *out, char iso[static HOSO_DATE_ISO_SIZE]);

struct hoso_tsp_token {
	int status;			/* enum hoso_cms_status */
	char detail[512];
	time_t gen_time;
	char gen_time_iso[24];
	char tsa[HOSO_CMS_NAME_MAX];	/* the TSA certificate's subject ("…": cut) */
};

/*
 * Check a time-stamp token (RFC 3161 2.4.2) over data: imprint, the TSA's
 * signature and its certificate chain to store (now) with the timeStamping
 * extended key usage. Proven wrong: INVALID; TSA not trusted: INDETERMINATE.
 */
void hoso_tsp_check(const unsigned char *der, size_t len, const void *data, size_t data_len,
    X509_STORE *store, STACK_OF(X509) *untrusted, struct hoso_tsp_token *tk);

enum hoso_tsp_ocsp_state { HOSO_OCSP_GOOD, HOSO_OCSP_REVOKED, HOSO_OCSP_NO_ANSWER };

struct hoso_tsp_ocsp {
	int state;			/* enum hoso_tsp_ocsp_state */
	time_t revoked_at;		/* with HOSO_OCSP_REVOKED */
	char detail[512];		/* why there is no answer, or what the answer was */
};

/*
 * Ask the OCSP responder at url (or, when NULL, the one in cert's authority
 * information access) about cert, issued by issuer; check the response's
 * signature and responder (RFC 6960 4.2.2.2), our nonce, thisUpdate and
 * nextUpdate.
 */
void hoso_tsp_ocsp_ask(const char *url, X509 *cert, X509 *issuer, STACK_OF(X509) *untrusted,
    X509_STORE *store, struct hoso_tsp_ocsp *res);

/* Helpers of cms.c that tsp.c shares. */
const char *hoso_cms_ossl_why(char *buf, size_t n);
void hoso_cms_name_of(const X509_NAME *nm, char *out, size_t n);
bool hoso_cms_digest_ok(int nid);

#endif
