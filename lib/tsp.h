/*
 * tsp.h - the on-line services of a PKI, RFC 3161 time-stamping and RFC 6960
 * OCSP, over OpenSSL's own HTTP client; cms.c uses them. No OpenSSL type
 * here: the certificates a check works with are the opaque struct
 * hoso_ossl_certs (ossl.h), which only the OpenSSL wrappers fill.
 */
#ifndef HOSO_TSP_H
#define HOSO_TSP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "err.h"

struct hoso_ossl_certs;

/* A token's verdict, as cms.h's enum hoso_cms_status (cms.c checks they agree). */
enum hoso_tsp_status { HOSO_TSP_VALID, HOSO_TSP_INVALID, HOSO_TSP_INDETERMINATE };

/* Room for the TSA's subject, as HOSO_CMS_NAME_MAX. */
#define HOSO_TSP_NAME_MAX	1024

/* Seconds a TSA or an OCSP responder has to answer, connection included. */
#define HOSO_TSP_TIMEOUT 20

/*
 * Ask the TSA at url (http://) for a time-stamp token over data[0..len)
 * hashed with digest md_nid (an OpenSSL NID: SHA-256, -384 or -512); check
 * that the reply grants it, for our imprint and nonce.
 * Appends the token (DER ContentInfo) to token. HOSO_EUSAGE for a URL we
 * cannot use, HOSO_EENGINE (with the URL in the message) for a TSA that does
 * not answer or answers wrong.
 */
int hoso_tsp_stamp(const char *url, int md_nid, const void *data, size_t len,
    struct hoso_buf *token, struct hoso_err *err);

struct hoso_tsp_token {
	int status;			/* enum hoso_tsp_status */
	char detail[512];
	time_t gen_time;
	char gen_time_iso[24];
	char tsa[HOSO_TSP_NAME_MAX];	/* the TSA certificate's subject ("…": cut) */
};

/*
 * Check a time-stamp token (RFC 3161 2.4.2) over data: imprint, the TSA's
 * signature and its certificate chain to certs->store (now), with
 * certs->untrusted, and the timeStamping extended key usage. Proven wrong:
 * INVALID; TSA not trusted (or certs NULL): INDETERMINATE.
 */
void hoso_tsp_check(const unsigned char *der, size_t len, const void *data, size_t data_len,
    const struct hoso_ossl_certs *certs, struct hoso_tsp_token *tk);

enum hoso_tsp_ocsp_state { HOSO_OCSP_GOOD, HOSO_OCSP_REVOKED, HOSO_OCSP_NO_ANSWER };

struct hoso_tsp_ocsp {
	int state;			/* enum hoso_tsp_ocsp_state */
	time_t revoked_at;		/* with HOSO_OCSP_REVOKED */
	char detail[512];		/* why there is no answer, or what the answer was */
};

/*
 * Ask the OCSP responder at url (or, when NULL, the one in the certificate's
 * authority information access) about certs->cert, issued by certs->issuer;
 * check the response's signature and responder (RFC 6960 4.2.2.2) with
 * certs->untrusted and certs->store, our nonce, thisUpdate and nextUpdate.
 */
void hoso_tsp_ocsp_ask(const char *url, const struct hoso_ossl_certs *certs,
    struct hoso_tsp_ocsp *res);

#endif
