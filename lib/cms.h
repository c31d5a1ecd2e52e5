/*
 * cms.h - CAdES signatures as detached CMS SignedData (RFC 5652, ETSI EN 319 122-1)
 * and the certificates behind them; cms.c is the only file that includes the
 * OpenSSL CMS, X.509 and PKCS#12 headers.
 */
#ifndef HOSO_CMS_H
#define HOSO_CMS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "err.h"

/* Where the signing key and its certificates come from; password NULL = none. */
struct hoso_cms_key_opts {
	const char *key_file;		/* PEM private key */
	const char *cert_file;		/* PEM signer certificate */
	const char *chain_file;		/* PEM intermediates, optional */
	const char *pkcs12_file;	/* instead of the three above */
	const char *pkcs11_uri;		/* RFC 7512 URI of a key on a token, instead of key_file;
					   the certificate is cert_file, or the token's */
	const char *pkcs11_module;	/* the token's PKCS#11 module; NULL: the engine's default */
	const char *password;		/* or the token's PIN */
};

struct hoso_cms_signer;

/*
 * Load a key and its certificate and refuse what verify would refuse: RSA
 * under 2048 bits, EC under 256 bits, other key types, a certificate signed
 * with SHA-1 or MD5, a key usage that does not allow signing, a key that does
 * not match the certificate. A key on a PKCS#11 token stays there: it is
 * used through OpenSSL's pkcs11 engine (libp11), and only the signatures come
 * out. A token that refuses the PIN or cannot be reached is HOSO_EENGINE.
 */
int hoso_cms_signer_load(const struct hoso_cms_key_opts *o, struct hoso_cms_signer **s,
    struct hoso_err *err);
void hoso_cms_signer_free(struct hoso_cms_signer *s);
/* HOSO_EUSAGE when the signer's certificate is not valid at when (expired, not yet valid). */
int hoso_cms_signer_check_time(const struct hoso_cms_signer *s, time_t when, struct hoso_err *err);
/* The signer's subject (RFC 2253, UTF-8), for messages. */
int hoso_cms_signer_name(const struct hoso_cms_signer *s, struct hoso_buf *out,
    struct hoso_err *err);

struct hoso_cms_sign_opts {
	const char *digest;		/* "SHA256" (default when NULL), "SHA384", "SHA512" */
	bool pss;			/* RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys) */
	time_t signing_time;
	const char *tsa_url;		/* RFC 3161 TSA (http://): CAdES-B-T; NULL: B-B */
};

/*
 * A detached SignedData over content[0..len) with the signed attributes of
 * CAdES-B-B (EN 319 122-1 5.2): content-type, message-digest, signing-time,
 * signing-certificate-v2; the signer certificate and chain included. DER to der.
 * With o->tsa_url, also the unsigned signature-time-stamp-token over the
 * signature value (EN 319 122-1 5.3, CAdES-B-T); a TSA that does not answer
 * or answers wrong is HOSO_EENGINE and nothing is appended to der.
 */
int hoso_cms_sign(const struct hoso_cms_signer *s, const struct hoso_cms_sign_opts *o,
    const void *content, size_t len, struct hoso_buf *der, struct hoso_err *err);

/*
 * PAdES (EN 319 142-1 5.3): a detached SignedData whose content the caller has
 * hashed already with o->digest (digest holds that hash), with content-type,
 * message-digest and signing-certificate-v2 signed and no signing-time
 * (5.4: the time is the signature dictionary's /M). o->signing_time is unused.
 * With o->tsa_url, the signature-time-stamp-token as hoso_cms_sign adds it
 * (PAdES B-T); a TSA failure is HOSO_EENGINE and der is left as it was.
 */
int hoso_cms_sign_digest(const struct hoso_cms_signer *s, const struct hoso_cms_sign_opts *o,
    const unsigned char *digest, size_t digest_len, struct hoso_buf *der, struct hoso_err *err);

/* Trust anchors and revocation data, loaded once, shared by worker threads. */
struct hoso_cms_trust;
int hoso_cms_trust_load(const char *ca_file, const char *ca_path, const char *const *crl_files,
    size_t n_crls, struct hoso_cms_trust **t, struct hoso_err *err);
void hoso_cms_trust_free(struct hoso_cms_trust *t);
/*
 * Also ask OCSP (RFC 6960) about the signer's certificate: the responder at
 * url, or when NULL the one its authority information access names. With
 * CRLs too, a certificate is revoked when either source says so.
 */
int hoso_cms_trust_set_ocsp(struct hoso_cms_trust *t, const char *url, struct hoso_err *err);

/* Room for a certificate's subject as RFC 2253 text: a name that does not fit ends in "…". */
#define HOSO_CMS_NAME_MAX	1024

enum hoso_cms_status {
	HOSO_CMS_VALID,
	HOSO_CMS_INVALID,		/* proven wrong */
	HOSO_CMS_INDETERMINATE,		/* cannot be proven right (trust, time, revocation) */
};

struct hoso_cms_result {
	int sig_status;			/* the CMS structure, attributes, algorithms, signature */
	char sig_detail[512];
	int cert_status;		/* chain, key usage, validity at signing time, revocation */
	char cert_detail[512];
	char signer[HOSO_CMS_NAME_MAX];	/* subject, RFC 2253; a longer one ends in "…" */
	char signing_time[24];		/* YYYY-MM-DDTHH:MM:SSZ, "" if absent */
	char algorithm[64];		/* e.g. "RSA 2048 PKCS#1 v1.5, SHA-256" */
	bool has_timestamp;		/* an unsigned signature-time-stamp-token */
	int ts_status;			/* with has_timestamp: the tokens (the worst of them) */
	char ts_detail[512];
	char ts_time[24];		/* genTime of the earliest valid token, "" if none */
};

/*
 * Verify a detached signature over content (EN 319 102-1 5.2 and 5.3, limited
 * to what CAdES-B-B and B-T need). A valid timestamp's genTime is the time at
 * which the certificate must have been valid and not revoked; without one,
 * the signing-time attribute (hoso-archive(5)). Fills res; returns non-zero only when the check
 * could not run at all (out of memory).
 */
int hoso_cms_verify(const void *sig, size_t sig_len, const void *content, size_t len,
    const struct hoso_cms_trust *t, struct hoso_cms_result *res, struct hoso_err *err);

/*
 * The signed content for hoso_cms_verify_content: in memory (data, len), or
 * fed piece by piece into the digest by feed (a PDF's ByteRange read from
 * disk: memory flat in the file's size). pades: no signing-time attribute is
 * expected; claimed_time (the signature dictionary's /M, 0 = none) is the
 * time the chain is checked at, else the time of the check.
 */
struct hoso_digest;
struct hoso_cms_content {
	const void *data;
	size_t len;
	int (*feed)(void *arg, struct hoso_digest *d, struct hoso_err *err);
	void *arg;
	bool pades;
	time_t claimed_time;
};

/* hoso_cms_verify over content given as above. */
int hoso_cms_verify_content(const void *sig, size_t sig_len,
    const struct hoso_cms_content *content, const struct hoso_cms_trust *t,
    struct hoso_cms_result *res, struct hoso_err *err);

#endif
