/*
 * tsp.c - the on-line services of a PKI, through OpenSSL only: RFC 3161
 * time-stamps (request, reply, token check) and RFC 6960 OCSP, both over
 * OpenSSL's own HTTP client (OSSL_HTTP_transfer). With cms.c and ossl.c the
 * only files that include OpenSSL's X.509 headers: it is apart from cms.c
 * because it talks to the network and to two more protocols, and cms.c only
 * calls it; what both need is in ossl.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/http.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "date.h"
#include "i18n.h"
#include "ossl.h"
#include "tsp.h"

/* A time-stamp reply or an OCSP response is a few kB; refuse what is far larger. */
#define MAX_REPLY (1024 * 1024)

/* The last OpenSSL error with its data (an HTTP status, a host), for messages. */
static const char *
why_data(char *buf, size_t n)
{
	const char *data = NULL;
	char e[200];
	int flags = 0;
	unsigned long code = ERR_peek_last_error_data(&data, &flags);

	if (code == 0)
		snprintf(buf, n, "?");
	else {
		ERR_error_string_n(code, e, sizeof(e));
		snprintf(buf, n, "%s%s%s", e, (flags & ERR_TXT_STRING) && data != NULL &&
		    *data != '\0' ? ": " : "", (flags & ERR_TXT_STRING) && data != NULL ? data : "");
	}
	ERR_clear_error();
	return buf;
}

/*
 * Connect once, giving up at the first error: OSSL_HTTP_transfer would retry
 * a refused connection until its timeout, for a service that is down.
 */
static BIO *
connect_once(const char *host, const char *port, char *why, size_t wn)
{
	time_t deadline = time(NULL) + HOSO_TSP_TIMEOUT;
	BIO *b = BIO_new_connect(host);
	int rv;

	if (b == NULL || !BIO_set_conn_port(b, port) || BIO_set_nbio(b, 1) <= 0)
		goto fail;
	while ((rv = BIO_do_connect(b)) <= 0) {
		if (!BIO_should_retry(b))
			goto fail;
		if ((rv = BIO_wait(b, deadline, 100)) <= 0) {
			if (rv == 0)
				snprintf(why, wn, _("no connection within %d seconds"), HOSO_TSP_TIMEOUT);
			else
				why_data(why, wn);
			BIO_free_all(b);
			return NULL;
		}
	}
	return b;
fail:
	why_data(why, wn);
	BIO_free_all(b);
	return NULL;
}

/*
 * POST req to url (http:// only; no proxy: the call reads no environment)
 * and return the body of a 200 answer with content type want. NULL with why
 * filled when that fails; *bad_url is set when url itself is unusable.
 */
static BIO *
http_post(const char *url, const char *ctype, const char *want, BIO *req, bool *bad_url, char *why,
    size_t wn)
{
	char *host = NULL, *port = NULL, *path = NULL, *query = NULL, e[256];
	char *full = NULL;
	BIO *conn = NULL, *resp = NULL;
	bool q;
	size_t n;
	int ssl = 0;

	*bad_url = false;
	if (!OSSL_HTTP_parse_url(url, &ssl, NULL, &host, &port, NULL, &path, &query, NULL)) {
		*bad_url = true;
		snprintf(why, wn, _("not a URL: %s"), hoso_ossl_why(e, sizeof(e)));
		goto out;
	}
	if (ssl) {
		*bad_url = true;
		snprintf(why, wn, _("https is not supported here (time-stamp and OCSP services "
		    "answer over http; their answers are signed)"));
		goto out;
	}
	q = query != NULL && *query != '\0';
	n = strlen(path) + (q ? strlen(query) + 1 : 0) + 1;
	if ((full = malloc(n)) == NULL) {
		snprintf(why, wn, _("out of memory"));
		goto out;
	}
	snprintf(full, n, "%s%s%s", path, q ? "?" : "", q ? query : "");
	if ((conn = connect_once(host, port, why, wn)) == NULL)
		goto out;
	/* With our connection, OpenSSL neither connects nor reads http_proxy from the environment. */
	resp = OSSL_HTTP_transfer(NULL, host, port, full, 0, NULL, NULL, conn, conn, NULL, NULL, 0,
	    NULL, ctype, req, want, 1, MAX_REPLY, HOSO_TSP_TIMEOUT, 0);
	if (resp == NULL)
		why_data(why, wn);
out:
	ERR_clear_error();
	BIO_free_all(conn);
	free(full);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	OPENSSL_free(query);
	return resp;
}

/* RFC 3161 2.4.1: version 1, the imprint, a 63-bit random nonce, certReq. */
static TS_REQ *
ts_request(const EVP_MD *md, const unsigned char *hash, unsigned int hlen)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *nonce = NULL;
	BIGNUM *bn = NULL;
	unsigned char rnd[8];
	bool ok = false;

	if (req == NULL || mi == NULL || alg == NULL || RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	rnd[0] &= 0x7f;
	if ((bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL ||
	    (nonce = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(mi, alg) || !TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)hash,
	    (int)hlen) ||
	    !TS_REQ_set_version(req, 1) || !TS_REQ_set_msg_imprint(req, mi) ||
	    !TS_REQ_set_nonce(req, nonce) || !TS_REQ_set_cert_req(req, 1))
		goto out;
	ok = true;
out:
	BN_free(bn);
	ASN1_INTEGER_free(nonce);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	if (!ok) {
		TS_REQ_free(req);
		req = NULL;
	}
	return req;
}

int
hoso_tsp_stamp(const char *url, int md_nid, const void *data, size_t len,
    struct hoso_buf *token, struct hoso_err *err)
{
	const EVP_MD *md = EVP_get_digestbynid(md_nid);
	unsigned char hash[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int hlen = 0;
	TS_REQ *req = NULL;
	TS_RESP *resp = NULL;
	TS_VERIFY_CTX *vc = NULL;
	BIO *rb = NULL, *answer = NULL;
	char why[256];
	bool bad_url;
	int n, r = 0;

	ERR_clear_error();
	if (!EVP_Digest(data, len, hash, &hlen, md, NULL) || (req = ts_request(md, hash, hlen)) == NULL ||
	    (rb = BIO_new(BIO_s_mem())) == NULL || !i2d_TS_REQ_bio(rb, req)) {
		r = hoso_err_set(err, HOSO_EENGINE, _("%s: cannot make the time-stamp request: %s"),
		    url, hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	if ((answer = http_post(url, "application/timestamp-query", "application/timestamp-reply",
	    rb, &bad_url, why, sizeof(why))) == NULL) {
		r = bad_url ? hoso_err_set(err, HOSO_EUSAGE, _("--tsa-url %s: %s"), url, why) :
		    hoso_err_set(err, HOSO_EENGINE, _("%s: no answer from the time-stamp authority: "
		    "%s"), url, why);
		goto out;
	}
	/* RFC 3161 2.4.2: granted, for our imprint and nonce (the signature is checked by verify). */
	if ((resp = d2i_TS_RESP_bio(answer, NULL)) == NULL ||
	    (vc = TS_REQ_to_TS_VERIFY_CTX(req, NULL)) == NULL || TS_RESP_verify_response(vc, resp) != 1 ||
	    TS_RESP_get_token(resp) == NULL) {
		r = hoso_err_set(err, HOSO_EENGINE, _("%s: the time-stamp authority's reply is refused: "
		    "%s"), url, hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	if ((n = i2d_PKCS7(TS_RESP_get_token(resp), &der)) <= 0) {
		r = hoso_err_set(err, HOSO_EENGINE, _("%s: cannot encode the time-stamp token: %s"),
		    url, hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	r = hoso_buf_add(token, der, (size_t)n, err);
out:
	ERR_clear_error();
	OPENSSL_free(der);
	TS_VERIFY_CTX_free(vc);
	TS_RESP_free(resp);
	BIO_free(answer);
	BIO_free(rb);
	TS_REQ_free(req);
	return r;
}

static void
set_state(int *state, char *detail, size_t n, int st, const char *fmt, ...) HOSO_PRINTF(5, 6);

/* A result and its reason, for struct hoso_tsp_token and struct hoso_tsp_ocsp. */
static void
set_state(int *state, char *detail, size_t n, int st, const char *fmt, ...)
{
	va_list ap;

	*state = st;
	va_start(ap, fmt);
	vsnprintf(detail, n, fmt, ap);
	va_end(ap);
}

#define tk_set(tk, st, ...) set_state(&(tk)->status, (tk)->detail, sizeof((tk)->detail), (st), \
	__VA_ARGS__)
#define ocsp_set(res, st, ...) set_state(&(res)->state, (res)->detail, sizeof((res)->detail), \
	(st), __VA_ARGS__)

/* RFC 3161 2.4.2 and 2.3: the imprint (checked first: a token over other data is proven wrong). */
static bool
imprint_ok(TS_TST_INFO *ti, const void *data, size_t len, struct hoso_tsp_token *tk)
{
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(ti);
	X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
	ASN1_OCTET_STRING *want = TS_MSG_IMPRINT_get_msg(mi);
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	int nid = OBJ_obj2nid(alg->algorithm);

	if (!hoso_ossl_digest_ok(nid)) {
		tk_set(tk, HOSO_TSP_INVALID, _("the timestamp's imprint is made with %s, which is "
		    "refused"), OBJ_nid2sn(nid));
		return false;
	}
	if (!EVP_Digest(data, len, hash, &hlen, EVP_get_digestbynid(nid), NULL) ||
	    (unsigned int)ASN1_STRING_length(want) != hlen ||
	    memcmp(ASN1_STRING_get0_data(want), hash, hlen) != 0) {
		tk_set(tk, HOSO_TSP_INVALID, _("the timestamp's imprint is not the hash of the "
		    "signature value (the timestamp belongs to something else)"));
		return false;
	}
	return true;
}

void
hoso_tsp_check(const unsigned char *der, size_t len, const void *data, size_t data_len,
    const struct hoso_ossl_certs *certs, struct hoso_tsp_token *tk)
{
	X509_STORE *store = certs != NULL ? certs->store : NULL;
	STACK_OF(X509) *untrusted = certs != NULL ? certs->untrusted : NULL;
	const unsigned char *p = der;
	PKCS7 *p7 = NULL;
	TS_TST_INFO *ti = NULL;
	TS_VERIFY_CTX *vc = NULL;
	STACK_OF(X509) *signers = NULL, *extra = NULL;
	STACK_OF(PKCS7_SIGNER_INFO) *sis;
	X509_ALGOR *dalg = NULL;
	X509 *tsa;
	char why[256];
	unsigned long e;

	memset(tk, 0, sizeof(*tk));
	ERR_clear_error();
	if (len > 0x7fffffff || (p7 = d2i_PKCS7(NULL, &p, (long)len)) == NULL || p != der + len ||
	    (ti = PKCS7_to_TS_TST_INFO(p7)) == NULL) {
		tk_set(tk, HOSO_TSP_INVALID, _("the timestamp is not an RFC 3161 time-stamp token"));
		goto out;
	}
	if (!hoso_ossl_time(TS_TST_INFO_get_time(ti), &tk->gen_time, tk->gen_time_iso)) {
		tk_set(tk, HOSO_TSP_INVALID, _("the timestamp's genTime cannot be read"));
		goto out;
	}
	if (!imprint_ok(ti, data, data_len, tk))
		goto out;
	sis = PKCS7_get_signer_info(p7);
	if (sk_PKCS7_SIGNER_INFO_num(sis) != 1) {
		tk_set(tk, HOSO_TSP_INVALID, _("the timestamp has %d signers (one wanted)"),
		    sk_PKCS7_SIGNER_INFO_num(sis));
		goto out;
	}
	PKCS7_SIGNER_INFO_get0_algs(sk_PKCS7_SIGNER_INFO_value(sis, 0), NULL, &dalg, NULL);
	if (dalg == NULL || !hoso_ossl_digest_ok(OBJ_obj2nid(dalg->algorithm))) {
		tk_set(tk, HOSO_TSP_INVALID, _("the timestamp is signed with digest %s, which is "
		    "refused"), dalg != NULL ? OBJ_nid2sn(OBJ_obj2nid(dalg->algorithm)) : "?");
		goto out;
	}
	if ((signers = PKCS7_get0_signers(p7, untrusted, 0)) == NULL ||
	    (tsa = sk_X509_value(signers, 0)) == NULL) {
		tk_set(tk, HOSO_TSP_INDETERMINATE, _("the certificate of the time-stamp authority is "
		    "not in the timestamp"));
		goto out;
	}
	hoso_ossl_name(X509_get_subject_name(tsa), tk->tsa, sizeof(tk->tsa));
	/* RFC 3161 2.3: the TSA's certificate has the one extended key usage timeStamping. */
	if ((X509_get_extension_flags(tsa) & EXFLAG_XKUSAGE) == 0 ||
	    X509_get_extended_key_usage(tsa) != XKU_TIMESTAMP) {
		tk_set(tk, HOSO_TSP_INVALID, _("the certificate of %s is not a time-stamping "
		    "certificate (extended key usage timeStamping only)"), tk->tsa);
		goto out;
	}
	if (store == NULL) {
		tk_set(tk, HOSO_TSP_INDETERMINATE, _("no trust anchor given (--ca-file or --ca-path) "
		    "for the time-stamp authority %s"), tk->tsa);
		goto out;
	}
	/* Signature, ESS signing certificate, chain now with purpose timestampsign. */
	if ((vc = TS_VERIFY_CTX_new()) == NULL || !X509_STORE_up_ref(store) ||
	    TS_VERIFY_CTX_set_store(vc, store) == NULL ||
	    (untrusted != NULL && ((extra = X509_chain_up_ref(untrusted)) == NULL ||
	    TS_VERIFY_CTX_set_certs(vc, extra) == NULL))) {
		tk_set(tk, HOSO_TSP_INDETERMINATE, _("out of memory"));
		goto out;
	}
	TS_VERIFY_CTX_set_flags(vc, TS_VFY_VERSION | TS_VFY_SIGNATURE);
	if (TS_RESP_verify_token(vc, p7) != 1) {
		e = ERR_peek_last_error();
		if (ERR_GET_LIB(e) == ERR_LIB_TS && ERR_GET_REASON(e) == TS_R_CERTIFICATE_VERIFY_ERROR)
			tk_set(tk, HOSO_TSP_INDETERMINATE, _("the time-stamp authority %s is not "
			    "trusted: %s"), tk->tsa, why_data(why, sizeof(why)));
		else
			tk_set(tk, HOSO_TSP_INVALID, _("the timestamp's signature by %s does not "
			    "verify: %s"), tk->tsa, why_data(why, sizeof(why)));
		goto out;
	}
	tk_set(tk, HOSO_TSP_VALID, _("signature time-stamped %s by %s"), tk->gen_time_iso, tk->tsa);
out:
	ERR_clear_error();
	TS_VERIFY_CTX_free(vc);
	sk_X509_free(signers);
	TS_TST_INFO_free(ti);
	PKCS7_free(p7);
}

/* Seconds of clock difference allowed between us and the responder (RFC 6960 4.2.2.1). */
#define OCSP_SKEW 300

void
hoso_tsp_ocsp_ask(const char *url, const struct hoso_ossl_certs *certs,
    struct hoso_tsp_ocsp *res)
{
	X509 *cert = certs->cert, *issuer = certs->issuer;
	STACK_OF(X509) *untrusted = certs->untrusted;
	X509_STORE *store = certs->store;
	STACK_OF(OPENSSL_STRING) *aia = NULL;
	OCSP_REQUEST *req = NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_CERTID *id = NULL, *id2 = NULL;
	ASN1_GENERALIZEDTIME *rev = NULL, *this_upd = NULL, *next_upd = NULL;
	BIO *rb = NULL, *answer = NULL;
	char why[256], iso[24];
	int status, reason, nonce;
	bool bad_url;

	memset(res, 0, sizeof(*res));
	ERR_clear_error();
	if (url == NULL) {
		aia = X509_get1_ocsp(cert);
		if (sk_OPENSSL_STRING_num(aia) <= 0) {
			ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("no OCSP responder: the certificate names "
			    "none (authority information access) and no --ocsp-url was given"));
			goto out;
		}
		url = sk_OPENSSL_STRING_value(aia, 0);
	}
	/* RFC 6960 4.1.1: CertID with SHA-1, the hash every responder knows; it only names. */
	if ((id = OCSP_cert_to_id(NULL, cert, issuer)) == NULL || (id2 = OCSP_CERTID_dup(id)) == NULL ||
	    (req = OCSP_REQUEST_new()) == NULL || OCSP_request_add0_id(req, id2) == NULL) {
		OCSP_CERTID_free(id2);
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("cannot make the OCSP request: %s"),
		    hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	if (!OCSP_request_add1_nonce(req, NULL, -1) || (rb = BIO_new(BIO_s_mem())) == NULL ||
	    !i2d_OCSP_REQUEST_bio(rb, req)) {
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("cannot make the OCSP request: %s"),
		    hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	if ((answer = http_post(url, "application/ocsp-request", "application/ocsp-response", rb,
	    &bad_url, why, sizeof(why))) == NULL) {
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("no answer from the OCSP responder %s: %s"), url,
		    why);
		goto out;
	}
	if ((resp = d2i_OCSP_RESPONSE_bio(answer, NULL)) == NULL) {
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("the OCSP responder %s sent no OCSP response"),
		    url);
		goto out;
	}
	if ((status = OCSP_response_status(resp)) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    (bs = OCSP_response_get1_basic(resp)) == NULL) {
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("the OCSP responder %s answers '%s'"), url,
		    OCSP_response_status_str(status));
		goto out;
	}
	/* 1: our nonce came back; -1: the responder sends none (RFC 8954 allows it); else a replay. */
	nonce = OCSP_check_nonce(req, bs);
	if (nonce != 1 && nonce != -1) {
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("the OCSP response from %s does not carry our "
		    "nonce (a replayed response?)"), url);
		goto out;
	}
	/* RFC 6960 4.2.2.2: signed by the CA, or by a responder it delegated (id-kp-OCSPSigning). */
	if (OCSP_basic_verify(bs, untrusted, store, 0) <= 0) {
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("the OCSP response from %s is not signed by a "
		    "trusted responder for this certificate: %s"), url, why_data(why, sizeof(why)));
		goto out;
	}
	if (OCSP_resp_find_status(bs, id, &status, &reason, &rev, &this_upd, &next_upd) != 1) {
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("the OCSP response from %s does not speak of "
		    "the certificate asked about"), url);
		goto out;
	}
	if (OCSP_check_validity(this_upd, next_upd, OCSP_SKEW, -1) != 1) {
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("the OCSP response from %s is outside its "
		    "thisUpdate/nextUpdate window"), url);
		goto out;
	}
	switch (status) {
	case V_OCSP_CERTSTATUS_GOOD:
		ocsp_set(res, HOSO_OCSP_GOOD, _("OCSP %s: good"), url);
		break;
	case V_OCSP_CERTSTATUS_REVOKED:
		if (!hoso_ossl_time(rev, &res->revoked_at, iso)) {
			ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("the OCSP response from %s has an "
			    "unreadable revocation time"), url);
			break;
		}
		ocsp_set(res, HOSO_OCSP_REVOKED, _("OCSP %s: revoked on %s (%s)"), url, iso,
		    OCSP_crl_reason_str(reason));
		break;
	default:
		ocsp_set(res, HOSO_OCSP_NO_ANSWER, _("the OCSP responder %s does not know the "
		    "certificate"), url);
	}
out:
	ERR_clear_error();
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	OCSP_REQUEST_free(req);
	BIO_free(answer);
	BIO_free(rb);
	X509_email_free(aia);
}
