/*
 * cms.c - the only file that includes OpenSSL's CMS, PKCS#12 and ESS headers
 * (X.509 also in tsp.c and ossl.c): CAdES-B-B signing (EN 319 122-1 5.2) and
 * its verification with the certificate chain at the signing time (EN 319
 * 102-1 5.2.6). Time-stamps and OCSP are tsp.c's; the helpers both use, ossl.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/engine.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/ui.h>
#include <openssl/x509v3.h>

#include "cms.h"
#include "date.h"
#include "digest.h"
#include "i18n.h"
#include "ossl.h"
#include "tsp.h"

/* A token's verdict and TSA name are taken over as they are. */
_Static_assert((int)HOSO_TSP_VALID == (int)HOSO_CMS_VALID &&
    (int)HOSO_TSP_INVALID == (int)HOSO_CMS_INVALID &&
    (int)HOSO_TSP_INDETERMINATE == (int)HOSO_CMS_INDETERMINATE, "tsp.h and cms.h verdicts differ");
_Static_assert(HOSO_TSP_NAME_MAX == HOSO_CMS_NAME_MAX, "tsp.h and cms.h name sizes differ");

struct hoso_cms_signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) *chain;
	ENGINE *engine;		/* the token's key lives behind it (PKCS#11) */
};

struct hoso_cms_trust {
	X509_STORE *store;
	STACK_OF(X509_CRL) *crls;
	bool anchors;
	bool ocsp;			/* ask OCSP about the signer's certificate */
	char *ocsp_url;			/* NULL: the certificate's AIA */
};

static const char *
digest_label(int nid)
{
	return nid == NID_sha256 ? "SHA-256" : nid == NID_sha384 ? "SHA-384" :
	    nid == NID_sha512 ? "SHA-512" : OBJ_nid2sn(nid);
}

/* RSA at least 2048 bits, EC at least 256 (Circular 15/2025/TT-BKHCN); NULL when fine. */
static const char *
weak_key(const EVP_PKEY *k, char *buf, size_t n)
{
	int id = EVP_PKEY_get_base_id(k), bits = EVP_PKEY_get_bits(k);

	if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
		if (bits < 2048) {
			snprintf(buf, n, _("an RSA key of %d bits (2048 or more wanted)"), bits);
			return buf;
		}
		return NULL;
	}
	if (id == EVP_PKEY_EC) {
		if (bits < 256) {
			snprintf(buf, n, _("an EC key of %d bits (P-256 or larger wanted)"), bits);
			return buf;
		}
		return NULL;
	}
	snprintf(buf, n, _("a %s key (RSA or ECDSA wanted)"), OBJ_nid2sn(id));
	return buf;
}

/* The digest a certificate was signed with is weak (SHA-1, MD5 and older). */
static bool
cert_sig_weak(X509 *c, char *buf, size_t n)
{
	int md = NID_undef, pk = NID_undef, bits = 0;
	uint32_t flags = 0;

	if (!X509_get_signature_info(c, &md, &pk, &bits, &flags) ||
	    (md != NID_undef && !hoso_ossl_digest_ok(md)) || (md == NID_undef && bits < 112)) {
		snprintf(buf, n, "%s", md != NID_undef ? OBJ_nid2sn(md) : "?");
		ERR_clear_error();
		return true;
	}
	return false;
}

static bool
usage_ok(X509 *c)
{
	/* X.509 4.2.1.3: without the extension every use is allowed. */
	return (X509_get_key_usage(c) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

static int
pem_pass(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t len;

	(void)rwflag;
	if (pw == NULL || size <= 0)
		return 0;
	len = strlen(pw);
	if (len > (size_t)size)
		len = (size_t)size;
	memcpy(buf, pw, len);
	return (int)len;
}

/* PEM intermediates, in the order of the file, after the signer's certificate. */
static int
load_chain(const char *path, struct hoso_cms_signer *s, struct hoso_err *err)
{
	char why[256];
	BIO *b;
	X509 *c;
	int r = 0;

	if ((b = BIO_new_file(path, "rb")) == NULL)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read the chain: %s"), path,
		    hoso_ossl_why(why, sizeof(why)));
	while ((c = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(s->chain, c)) {
			X509_free(c);
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			break;
		}
	ERR_clear_error();	/* the end of the file */
	BIO_free(b);
	return r;
}

static int
load_pem(const struct hoso_cms_key_opts *o, struct hoso_cms_signer *s, struct hoso_err *err)
{
	char why[256];
	BIO *b = NULL;
	int r = 0;

	if (o->key_file == NULL || o->cert_file == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("a PEM signer wants both a key and a "
		    "certificate"));
		goto out;
	}
	if ((b = BIO_new_file(o->key_file, "rb")) == NULL ||
	    (s->key = PEM_read_bio_PrivateKey(b, NULL, pem_pass, (void *)(uintptr_t)o->password))
	    == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read the private key (wrong or "
		    "missing password?): %s"), o->key_file, hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	BIO_free(b);
	if ((b = BIO_new_file(o->cert_file, "rb")) == NULL ||
	    (s->cert = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read the certificate: %s"),
		    o->cert_file, hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	if (o->chain_file != NULL)
		r = load_chain(o->chain_file, s, err);
out:
	BIO_free(b);
	return r;
}

static int
load_p12(const struct hoso_cms_key_opts *o, struct hoso_cms_signer *s, struct hoso_err *err)
{
	STACK_OF(X509) *ca = NULL;
	PKCS12 *p12 = NULL;
	char why[256];
	BIO *b = NULL;
	int r = 0;

	if ((b = BIO_new_file(o->pkcs12_file, "rb")) == NULL ||
	    (p12 = d2i_PKCS12_bio(b, NULL)) == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read PKCS#12: %s"), o->pkcs12_file,
		    hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	if (!PKCS12_parse(p12, o->password != NULL ? o->password : "", &s->key, &s->cert, &ca) ||
	    s->key == NULL || s->cert == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot open PKCS#12 (wrong password, or no "
		    "key and certificate in it): %s"), o->pkcs12_file, hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	while (ca != NULL && sk_X509_num(ca) > 0)
		if (!sk_X509_push(s->chain, sk_X509_shift(ca))) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
out:
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	BIO_free(b);
	return r;
}

/*
 * PKCS#11 tokens (RFC 7512 URIs). Debian 12 has no OpenSSL 3 provider for
 * PKCS#11 (pkcs11-provider came later), so the key is reached through the
 * libp11 engine (libengine-pkcs11-openssl): an EVP_PKEY whose operations the
 * token performs, the private key never leaving it. The engine API is
 * deprecated in OpenSSL 3 yet supported through 3.x; its warnings are silenced
 * for this block only.
 */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

static void
p11_release(struct hoso_cms_signer *s)
{
	if (s->engine == NULL)
		return;
	EVP_PKEY_free(s->key);
	s->key = NULL;
	ENGINE_finish(s->engine);
	ENGINE_free(s->engine);
	s->engine = NULL;
}

static int
load_p11(const struct hoso_cms_key_opts *o, struct hoso_cms_signer *s, struct hoso_err *err)
{
	/* libp11's LOAD_CERT_CTRL argument (README of libp11, "engine controls"). */
	struct {
		const char *uri;
		X509 *cert;
	} want = { o->pkcs11_uri, NULL };
	ENGINE *e = NULL;
	struct stat st;
	char why[256];
	BIO *b = NULL;
	int r = 0;

	if (strncmp(o->pkcs11_uri, "pkcs11:", 7) != 0) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("--pkcs11 wants an RFC 7512 URI such as "
		    "pkcs11:token=NAME;object=LABEL, not '%s'"), o->pkcs11_uri);
		goto out;
	}
	if (o->pkcs11_module != NULL && (stat(o->pkcs11_module, &st) != 0 || !S_ISREG(st.st_mode))) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no such PKCS#11 module (--pkcs11-module)"),
		    o->pkcs11_module);
		goto out;
	}
	if ((e = ENGINE_by_id("pkcs11")) == NULL) {
		ERR_clear_error();
		r = hoso_err_set(err, HOSO_EENGINE, _("OpenSSL's pkcs11 engine is not installed "
		    "(Debian package libengine-pkcs11-openssl)"));
		goto out;
	}
	if ((o->pkcs11_module != NULL &&
	    !ENGINE_ctrl_cmd_string(e, "MODULE_PATH", o->pkcs11_module, 0)) || !ENGINE_init(e)) {
		r = hoso_err_set(err, HOSO_EENGINE, _("%s: the pkcs11 engine cannot use this module: "
		    "%s"), o->pkcs11_module != NULL ? o->pkcs11_module : "pkcs11",
		    hoso_ossl_why(why, sizeof(why)));
		ENGINE_free(e);
		goto out;
	}
	s->engine = e;
	if (o->password != NULL && !ENGINE_ctrl_cmd_string(e, "PIN", o->password, 0)) {
		r = hoso_err_set(err, HOSO_EENGINE, _("the pkcs11 engine does not take a PIN: %s"),
		    hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	/* UI_null: never prompt; the PIN comes from --pass or not at all. */
	if ((s->key = ENGINE_load_private_key(e, o->pkcs11_uri,
	    (UI_METHOD *)(uintptr_t)UI_null(), NULL)) == NULL) {
		r = hoso_err_set(err, HOSO_EENGINE, o->password != NULL ?
		    _("%s: the token gave no private key (a wrong PIN, no such key, or a module "
		    "that does not load): %s") :
		    _("%s: no such private key on the token (without a PIN, given with --pass, "
		    "private keys stay hidden): %s"), o->pkcs11_uri, hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	if (o->cert_file != NULL) {
		if ((b = BIO_new_file(o->cert_file, "rb")) == NULL ||
		    (s->cert = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read the certificate: %s"),
			    o->cert_file, hoso_ossl_why(why, sizeof(why)));
			goto out;
		}
	} else if (!ENGINE_ctrl_cmd(e, "LOAD_CERT_CTRL", 0, &want, NULL, 0) || want.cert == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no certificate for the key on the token "
		    "(give it with --cert): %s"), o->pkcs11_uri, hoso_ossl_why(why, sizeof(why)));
		goto out;
	} else {
		s->cert = want.cert;
	}
	r = o->chain_file != NULL ? load_chain(o->chain_file, s, err) : 0;
out:
	BIO_free(b);
	return r;
}

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

int
hoso_cms_signer_load(const struct hoso_cms_key_opts *o, struct hoso_cms_signer **sp,
    struct hoso_err *err)
{
	struct hoso_cms_signer *s;
	char why[256], subj[256];
	const char *w;
	int r;

	*sp = NULL;
	ERR_clear_error();
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->chain = sk_X509_new_null()) == NULL) {
		free(s);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	if ((r = o->pkcs11_uri != NULL ? load_p11(o, s, err) : o->pkcs12_file != NULL ?
	    load_p12(o, s, err) : load_pem(o, s, err)) != 0)
		goto out;
	hoso_ossl_name(X509_get_subject_name(s->cert), subj, sizeof(subj));
	if (!X509_check_private_key(s->cert, s->key)) {
		ERR_clear_error();
		r = hoso_err_set(err, HOSO_EINPUT, _("the private key does not match the "
		    "certificate of %s"), subj);
		goto out;
	}
	if ((w = weak_key(s->key, why, sizeof(why))) != NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("refusing to sign with %s"), w);
		goto out;
	}
	if (cert_sig_weak(s->cert, why, sizeof(why))) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("refusing to sign: the certificate of %s is "
		    "signed with %s, which verifiers refuse"), subj, why);
		goto out;
	}
	if (!usage_ok(s->cert)) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("refusing to sign: the key usage of %s allows "
		    "neither digitalSignature nor nonRepudiation"), subj);
		goto out;
	}
	*sp = s;
	s = NULL;
out:
	hoso_cms_signer_free(s);
	return r;
}

void
hoso_cms_signer_free(struct hoso_cms_signer *s)
{
	if (s == NULL)
		return;
	p11_release(s);
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s);
}

int
hoso_cms_signer_name(const struct hoso_cms_signer *s, struct hoso_buf *out, struct hoso_err *err)
{
	char subj[256];

	hoso_ossl_name(X509_get_subject_name(s->cert), subj, sizeof(subj));
	return hoso_buf_adds(out, subj, err);
}

/* RFC 5035 3: ESSCertIDv2 of the signer (SHA-256, with IssuerSerial) as a signed attribute. */
static int
add_signing_cert_v2(CMS_SignerInfo *si, X509 *cert)
{
	ESS_SIGNING_CERT_V2 *sc;
	unsigned char *der = NULL;
	int len, ok = 0;

	if ((sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert, NULL, 1)) == NULL)
		return 0;
	if ((len = i2d_ESS_SIGNING_CERT_V2(sc, &der)) > 0)
		ok = CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
		    V_ASN1_SEQUENCE, der, len);
	OPENSSL_free(der);
	ESS_SIGNING_CERT_V2_free(sc);
	return ok;
}

/* EN 319 122-1 5.3: signature-time-stamp-token (RFC 3161) over the signature value. */
static int
add_timestamp(CMS_SignerInfo *si, const EVP_MD *md, const char *url, struct hoso_err *err)
{
	struct hoso_buf token = HOSO_BUF_INIT(0);
	ASN1_OCTET_STRING *value = CMS_SignerInfo_get0_signature(si);
	char why[256];
	int r;

	if ((r = hoso_tsp_stamp(url, EVP_MD_get_type(md), ASN1_STRING_get0_data(value),
	    (size_t)ASN1_STRING_length(value), &token, err)) != 0)
		goto out;
	if (token.len > 0x7fffffff || !CMS_unsigned_add1_attr_by_NID(si,
	    NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, token.data, (int)token.len))
		r = hoso_err_set(err, HOSO_EENGINE, _("%s: cannot add the time-stamp token: %s"), url,
		    hoso_ossl_why(why, sizeof(why)));
out:
	hoso_buf_free(&token);
	return r;
}

int
hoso_cms_signer_check_time(const struct hoso_cms_signer *s, time_t when, struct hoso_err *err)
{
	char subj[256], from[24], to[24], at[24];
	time_t t;

	hoso_ossl_name(X509_get_subject_name(s->cert), subj, sizeof(subj));
	if (!hoso_ossl_time(X509_get0_notBefore(s->cert), &t, from) ||
	    !hoso_ossl_time(X509_get0_notAfter(s->cert), &t, to))
		return hoso_err_set(err, HOSO_EINPUT, _("the certificate of %s has unreadable "
		    "validity dates"), subj);
	hoso_date_iso(when, at);
	if (X509_cmp_time(X509_get0_notBefore(s->cert), &when) >= 0 ||
	    X509_cmp_time(X509_get0_notAfter(s->cert), &when) <= 0)
		return hoso_err_set(err, HOSO_EUSAGE, _("refusing to sign: the certificate of %s is "
		    "valid from %s to %s, not at the signing time %s"), subj, from, to, at);
	return 0;
}

/* RFC 4056 3.1: PSS with MGF1 over the same digest, salt as long as the digest. */
static int
pss_padding(EVP_PKEY_CTX *pctx, const EVP_MD *md)
{
	return pctx != NULL && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) > 0;
}

#define SIGN_FLAGS	(CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP)

/*
 * What both signing forms share: the digest and key refusals, a partial
 * detached SignedData with one signer (PSS set up when asked), the
 * signing-certificate-v2 attribute and the chain. *md is the digest.
 */
static int
sign_begin(const struct hoso_cms_signer *s, const struct hoso_cms_sign_opts *o,
    const EVP_MD **md, CMS_ContentInfo **cmsp, CMS_SignerInfo **sip, struct hoso_err *err)
{
	const char *dname = o->digest != NULL ? o->digest : "SHA256";
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	char why[256];
	int i, n, r;

	ERR_clear_error();
	*cmsp = NULL;
	if ((*md = EVP_get_digestbyname(dname)) == NULL || !hoso_ossl_digest_ok(EVP_MD_get_type(*md))) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("refusing to sign with digest %s (SHA256, "
		    "SHA384 or SHA512)"), dname);
		goto out;
	}
	if (o->pss && EVP_PKEY_get_base_id(s->key) != EVP_PKEY_RSA) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("--pss wants an RSA key"));
		goto out;
	}
	if ((cms = CMS_sign(NULL, NULL, NULL, NULL, SIGN_FLAGS)) == NULL ||
	    (si = CMS_add1_signer(cms, s->cert, s->key, *md,
	    SIGN_FLAGS | (o->pss ? CMS_KEY_PARAM : 0))) == NULL ||
	    (o->pss && !pss_padding(CMS_SignerInfo_get0_pkey_ctx(si), *md)) ||
	    !add_signing_cert_v2(si, s->cert))
		goto engine;
	n = sk_X509_num(s->chain);
	for (i = 0; i < n; i++)
		if (!CMS_add1_cert(cms, sk_X509_value(s->chain, i)))
			goto engine;
	*cmsp = cms;
	*sip = si;
	return 0;
engine:
	r = hoso_err_set(err, HOSO_EENGINE, _("signing failed: %s"), hoso_ossl_why(why, sizeof(why)));
out:
	CMS_ContentInfo_free(cms);
	return r;
}

/*
 * What both signing forms end with, once the SignerInfo is signed: the RFC 3161
 * token when asked (EN 319 122-1 5.3, EN 319 142-1 5.4: over the final value),
 * then the DER of the whole SignedData into der.
 */
static int
sign_finish(CMS_ContentInfo *cms, CMS_SignerInfo *si, const EVP_MD *md,
    const struct hoso_cms_sign_opts *o, struct hoso_buf *der, struct hoso_err *err)
{
	unsigned char *out = NULL;
	char why[256];
	int n, r;

	if (o->tsa_url != NULL && (r = add_timestamp(si, md, o->tsa_url, err)) != 0)
		return r;
	if ((n = i2d_CMS_ContentInfo(cms, &out)) <= 0)
		return hoso_err_set(err, HOSO_EENGINE, _("signing failed: %s"),
		    hoso_ossl_why(why, sizeof(why)));
	r = hoso_buf_add(der, out, (size_t)n, err);
	OPENSSL_free(out);
	return r;
}

int
hoso_cms_sign(const struct hoso_cms_signer *s, const struct hoso_cms_sign_opts *o,
    const void *content, size_t len, struct hoso_buf *der, struct hoso_err *err)
{
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	ASN1_TIME *t = NULL;
	const EVP_MD *md;
	char why[256];
	BIO *in = NULL;
	int r = 0;

	if ((r = sign_begin(s, o, &md, &cms, &si, err)) != 0)
		goto out;
	/* RFC 5652 11.3: UTCTime through 2049 (ASN1_TIME_set chooses it so). */
	if ((t = ASN1_TIME_set(NULL, o->signing_time)) == NULL ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1))
		goto engine;
	/* CMS_final adds content-type and message-digest, then signs (RFC 5652 5.4). */
	if ((in = BIO_new_mem_buf(content, (int)len)) == NULL ||
	    !CMS_final(cms, in, NULL, SIGN_FLAGS))
		goto engine;
	r = sign_finish(cms, si, md, o, der, err);
	goto out;
engine:
	r = hoso_err_set(err, HOSO_EENGINE, _("signing failed: %s"), hoso_ossl_why(why, sizeof(why)));
out:
	BIO_free(in);
	ASN1_TIME_free(t);
	CMS_ContentInfo_free(cms);
	return r;
}

int
hoso_cms_trust_load(const char *ca_file, const char *ca_path, const char *const *crl_files,
    size_t n_crls, struct hoso_cms_trust **tp, struct hoso_err *err)
{
	struct hoso_cms_trust *t;
	X509_CRL *crl;
	char why[256];
	BIO *b = NULL;
	size_t i;
	int r = 0, got;

	*tp = NULL;
	ERR_clear_error();
	if ((t = calloc(1, sizeof(*t))) == NULL || (t->store = X509_STORE_new()) == NULL ||
	    (t->crls = sk_X509_CRL_new_null()) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if (ca_file != NULL && !X509_STORE_load_file(t->store, ca_file)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot load trust anchors: %s"), ca_file,
		    hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	if (ca_path != NULL && !X509_STORE_load_path(t->store, ca_path)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot use as a directory of trust "
		    "anchors: %s"), ca_path, hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	t->anchors = ca_file != NULL || ca_path != NULL;
	for (i = 0; i < n_crls; i++) {
		if ((b = BIO_new_file(crl_files[i], "rb")) == NULL) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: cannot read CRL: %s"), crl_files[i],
			    hoso_ossl_why(why, sizeof(why)));
			goto out;
		}
		got = 0;
		while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
			got++;
			if (!sk_X509_CRL_push(t->crls, crl)) {
				X509_CRL_free(crl);
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
		}
		if (got == 0) {
			/* Not PEM: one DER CRL. */
			BIO_free(b);
			ERR_clear_error();
			if ((b = BIO_new_file(crl_files[i], "rb")) == NULL ||
			    (crl = d2i_X509_CRL_bio(b, NULL)) == NULL) {
				r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a CRL (PEM or DER)"),
				    crl_files[i]);
				goto out;
			}
			if (!sk_X509_CRL_push(t->crls, crl)) {
				X509_CRL_free(crl);
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
		}
		ERR_clear_error();
		BIO_free(b);
		b = NULL;
	}
	*tp = t;
	t = NULL;
out:
	BIO_free(b);
	hoso_cms_trust_free(t);
	return r;
}

void
hoso_cms_trust_free(struct hoso_cms_trust *t)
{
	if (t == NULL)
		return;
	X509_STORE_free(t->store);
	sk_X509_CRL_pop_free(t->crls, X509_CRL_free);
	free(t->ocsp_url);
	free(t);
}

int
hoso_cms_trust_set_ocsp(struct hoso_cms_trust *t, const char *url, struct hoso_err *err)
{
	free(t->ocsp_url);
	t->ocsp_url = NULL;
	if (url != NULL && (t->ocsp_url = strdup(url)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	t->ocsp = true;
	return 0;
}

static int
set_status(int *status, char *detail, size_t n, int st, const char *fmt, ...)
	HOSO_PRINTF(5, 6);

static int
set_status(int *status, char *detail, size_t n, int st, const char *fmt, ...)
{
	va_list ap;

	*status = st;
	va_start(ap, fmt);
	vsnprintf(detail, n, fmt, ap);
	va_end(ap);
	return st;
}

#define SIG_FAIL(...) set_status(&res->sig_status, res->sig_detail, sizeof(res->sig_detail), \
	HOSO_CMS_INVALID, __VA_ARGS__)
#define CERT_SET(st, ...) set_status(&res->cert_status, res->cert_detail, \
	sizeof(res->cert_detail), (st), __VA_ARGS__)

/* RFC 4055 3.1: the PSS hash and MGF1 hash must be allowed digests too. */
static bool
pss_ok(const X509_ALGOR *alg)
{
	RSA_PSS_PARAMS *p;
	X509_ALGOR *mh = NULL;
	bool ok = false;

	if (alg->parameter == NULL ||
	    (p = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), alg->parameter)) == NULL)
		return false;
	if (p->hashAlgorithm != NULL && hoso_ossl_digest_ok(OBJ_obj2nid(p->hashAlgorithm->algorithm)) &&
	    p->maskGenAlgorithm != NULL &&
	    OBJ_obj2nid(p->maskGenAlgorithm->algorithm) == NID_mgf1 &&
	    p->maskGenAlgorithm->parameter != NULL &&
	    (mh = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
	    p->maskGenAlgorithm->parameter)) != NULL && hoso_ossl_digest_ok(OBJ_obj2nid(mh->algorithm)))
		ok = true;
	X509_ALGOR_free(mh);
	RSA_PSS_PARAMS_free(p);
	return ok;
}

/* Signature algorithm and key (spec 3): a label in alg, NULL when allowed, else why not. */
static const char *
check_algorithms(const X509_ALGOR *dig, const X509_ALGOR *sig, EVP_PKEY *pk, char *alg, size_t n,
    char *why, size_t wn)
{
	int dnid = OBJ_obj2nid(dig->algorithm), snid = OBJ_obj2nid(sig->algorithm);
	int kid = EVP_PKEY_get_base_id(pk), bits = EVP_PKEY_get_bits(pk);
	const char *w, *scheme;

	if (!hoso_ossl_digest_ok(dnid)) {
		snprintf(why, wn, _("digest algorithm %s is refused (SHA-256, SHA-384 or SHA-512 "
		    "wanted)"), OBJ_nid2sn(dnid));
		return why;
	}
	if ((w = weak_key(pk, why, wn)) != NULL)
		return w;
	/* RFC 3370 3.2 / RFC 4055 5: RSA parameters NULL or absent; RFC 5758 3.2: ECDSA absent. */
	if (snid != NID_rsassaPss && sig->parameter != NULL &&
	    (ASN1_TYPE_get(sig->parameter) != V_ASN1_NULL || kid == EVP_PKEY_EC)) {
		snprintf(why, wn, _("signature algorithm %s with unexpected parameters"),
		    OBJ_nid2sn(snid));
		return why;
	}
	switch (snid) {
	case NID_rsaEncryption:
	case NID_sha256WithRSAEncryption:
	case NID_sha384WithRSAEncryption:
	case NID_sha512WithRSAEncryption:
		scheme = "PKCS#1 v1.5";
		if (kid != EVP_PKEY_RSA)
			goto mismatch;
		if (snid != NID_rsaEncryption) {
			int md = NID_undef, pkn = NID_undef;
			OBJ_find_sigid_algs(snid, &md, &pkn);
			if (md != dnid)
				goto mismatch;
		}
		snprintf(alg, n, "RSA %d %s, %s", bits, scheme, digest_label(dnid));
		return NULL;
	case NID_rsassaPss:
		if (kid != EVP_PKEY_RSA && kid != EVP_PKEY_RSA_PSS)
			goto mismatch;
		if (!pss_ok(sig)) {
			snprintf(why, wn, _("RSASSA-PSS parameters with a refused digest"));
			return why;
		}
		snprintf(alg, n, "RSA %d PSS, %s", bits, digest_label(dnid));
		return NULL;
	case NID_ecdsa_with_SHA256:
	case NID_ecdsa_with_SHA384:
	case NID_ecdsa_with_SHA512:
	case NID_X9_62_id_ecPublicKey:
		if (kid != EVP_PKEY_EC)
			goto mismatch;
		snprintf(alg, n, "ECDSA %d, %s", bits, digest_label(dnid));
		return NULL;
	default:
		snprintf(why, wn, _("signature algorithm %s is refused"), OBJ_nid2sn(snid));
		return why;
	}
mismatch:
	snprintf(why, wn, _("signature algorithm %s does not fit the %s key or the %s digest"),
	    OBJ_nid2sn(snid), OBJ_nid2sn(kid), OBJ_nid2sn(dnid));
	return why;
}

/*
 * EN 319 142-1 5.4: a PAdES signature carries no signing-time attribute; the
 * time it claims is the signature dictionary's /M, and without a timestamp
 * that is only a claim. The chain is checked at that time when it is given,
 * else now (EN 319 102-1 5.2.6 without proof of existence).
 */
static void
pades_time(const struct hoso_cms_content *content, time_t *when, struct hoso_cms_result *res)
{
	*when = content->claimed_time != 0 ? content->claimed_time : time(NULL);
	if (content->claimed_time != 0)
		hoso_date_iso(*when, res->signing_time);
}

/* The signed attributes and the signature itself (RFC 5652 5.4, 5.6; RFC 5035). */
static void
check_signature(CMS_SignerInfo *si, X509 *signer, const struct hoso_cms_content *content,
    time_t *when, struct hoso_cms_result *res)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	EVP_PKEY *pk = NULL;
	const ASN1_OBJECT *ct;
	const ASN1_OCTET_STRING *md;
	const ASN1_TIME *st;
	const ASN1_STRING *scv2;
	ESS_SIGNING_CERT_V2 *sc = NULL;
	STACK_OF(X509) *one = NULL;
	struct hoso_digest *d = NULL;
	struct hoso_err e;
	unsigned char calc[EVP_MAX_MD_SIZE];
	const unsigned char *p;
	char why[256];
	const char *w;
	size_t clen;

	CMS_SignerInfo_get0_algs(si, &pk, NULL, &dig, &sig);
	if (X509_get0_pubkey(signer) == NULL) {
		SIG_FAIL(_("the public key of the signer's certificate cannot be read"));
		goto out;
	}
	if ((w = check_algorithms(dig, sig, X509_get0_pubkey(signer), res->algorithm,
	    sizeof(res->algorithm), why, sizeof(why))) != NULL) {
		SIG_FAIL("%s", w);
		goto out;
	}
	/* CAdES-B-B (EN 319 122-1 5.2.1-5.2.3): each mandatory attribute exactly once. */
	if (CMS_signed_get_attr_count(si) <= 0) {
		SIG_FAIL(_("no signed attributes"));
		goto out;
	}
	ct = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT);
	if (ct == NULL || OBJ_obj2nid(ct) != NID_pkcs7_data) {
		SIG_FAIL(_("signed attribute content-type missing, repeated or not id-data"));
		goto out;
	}
	st = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_signingTime), -3,
	    V_ASN1_UTCTIME);
	if (st == NULL)
		st = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_signingTime), -3,
		    V_ASN1_GENERALIZEDTIME);
	if (content->pades)
		pades_time(content, when, res);
	else if (!hoso_ossl_time(st, when, res->signing_time)) {
		SIG_FAIL(_("signed attribute signing-time missing or unreadable"));
		goto out;
	}
	scv2 = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2),
	    -3, V_ASN1_SEQUENCE);
	p = scv2 != NULL ? ASN1_STRING_get0_data(scv2) : NULL;
	if (p == NULL || (sc = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(scv2))) == NULL) {
		SIG_FAIL(_("signed attribute signing-certificate-v2 missing or unreadable"));
		goto out;
	}
	if ((one = sk_X509_new_null()) == NULL || !sk_X509_push(one, signer) ||
	    OSSL_ESS_check_signing_certs(NULL, sc, one, 1) != 1) {
		SIG_FAIL(_("signing-certificate-v2 does not name the signer's certificate"));
		goto out;
	}
	md = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3,
	    V_ASN1_OCTET_STRING);
	if (md == NULL) {
		SIG_FAIL(_("signed attribute message-digest missing or repeated"));
		goto out;
	}
	if (hoso_digest_new(OBJ_nid2sn(OBJ_obj2nid(dig->algorithm)), &d, &e) != 0 ||
	    (content->feed != NULL ? content->feed(content->arg, d, &e) :
	    hoso_digest_update(d, content->data, content->len, &e)) != 0 ||
	    hoso_digest_final(d, calc, &clen, &e) != 0) {
		SIG_FAIL("%s", e.msg);
		goto out;
	}
	if ((size_t)ASN1_STRING_length(md) != clen ||
	    memcmp(ASN1_STRING_get0_data(md), calc, clen) != 0) {
		SIG_FAIL(content->pades ? _("message-digest does not match the signed byte "
		    "range (changed after signing)") : _("message-digest does not match the "
		    "signed manifest (changed after signing)"));
		goto out;
	}
	if (CMS_SignerInfo_verify(si) != 1) {
		SIG_FAIL(_("the signature value does not verify: %s"), hoso_ossl_why(why, sizeof(why)));
		goto out;
	}
	res->sig_status = HOSO_CMS_VALID;
	snprintf(res->sig_detail, sizeof(res->sig_detail), "%s", res->algorithm);
out:
	ERR_clear_error();
	hoso_digest_free(d);
	sk_X509_free(one);
	ESS_SIGNING_CERT_V2_free(sc);
}

/* What the revocation sources say about one certificate. */
struct rev_answer {
	bool answered;			/* a source knows the certificate's status */
	bool revoked;
	bool time_known;
	time_t at;			/* the earliest revocation time given */
};

static void
rev_revoked(struct rev_answer *a, bool time_known, time_t at)
{
	if (!a->revoked || (time_known && (!a->time_known || at < a->at))) {
		a->time_known = time_known;
		a->at = at;
	}
	a->answered = a->revoked = true;
}

/* RFC 5280 6.3: the --crl files signed by the issuer. */
static void
crl_lookup(const struct hoso_cms_trust *t, X509 *c, X509 *issuer, struct rev_answer *a)
{
	X509_CRL *crl;
	X509_REVOKED *rev;
	char iso[24];
	time_t rt = 0;
	bool known;
	int k;

	for (k = 0; k < sk_X509_CRL_num(t->crls); k++) {
		crl = sk_X509_CRL_value(t->crls, k);
		if (X509_get0_pubkey(issuer) == NULL ||
		    X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0 ||
		    X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
			ERR_clear_error();
			continue;
		}
		a->answered = true;
		if (X509_CRL_get0_by_cert(crl, &rev, c) == 1) {
			known = hoso_ossl_time(X509_REVOKED_get0_revocationDate(rev), &rt, iso);
			rev_revoked(a, known, rt);
		}
	}
}

/*
 * Revocation from the --crl files and, for the signer's certificate, OCSP
 * when asked (RFC 5280 6.3, RFC 6960), done here rather than by
 * X509_verify_cert because the chain is checked at the signing time while a
 * CRL or an OCSP answer is from later. A certificate is revoked when any
 * source says so, known good when some source answered and none says
 * revoked. Revoked at or before the proven time: invalid; later: fine when a
 * timestamp proves the signature older, else indeterminate (EN 319 102-1
 * 5.2.6, REVOKED_NO_POE). Returns false when it set res->cert_status.
 */
static bool
check_revocation(const struct hoso_cms_trust *t, STACK_OF(X509) *chain, STACK_OF(X509) *untrusted,
    time_t when, bool poe, char *note, size_t nn, struct hoso_cms_result *res)
{
	struct hoso_ossl_certs oc_certs = { t->store, untrusted, NULL, NULL };
	struct hoso_tsp_ocsp oc;
	struct rev_answer a;
	X509 *c, *issuer;
	char subj[256], iso[24];
	int i;

	note[0] = '\0';
	for (i = 0; i + 1 < sk_X509_num(chain); i++) {
		c = sk_X509_value(chain, i);
		issuer = sk_X509_value(chain, i + 1);
		hoso_ossl_name(X509_get_subject_name(c), subj, sizeof(subj));
		memset(&a, 0, sizeof(a));
		crl_lookup(t, c, issuer, &a);
		if (i == 0 && t->ocsp) {
			oc_certs.cert = c;
			oc_certs.issuer = issuer;
			hoso_tsp_ocsp_ask(t->ocsp_url, &oc_certs, &oc);
			if (oc.state == HOSO_OCSP_GOOD)
				a.answered = true;
			else if (oc.state == HOSO_OCSP_REVOKED)
				rev_revoked(&a, true, oc.revoked_at);
		}
		if (a.revoked) {
			if (!a.time_known) {
				CERT_SET(HOSO_CMS_INVALID, _("%s is revoked"), subj);
				return false;
			}
			hoso_date_iso(a.at, iso);
			if (a.at <= when) {
				CERT_SET(HOSO_CMS_INVALID, poe ? _("%s was revoked on %s, before the "
				    "time of the signature's timestamp") : _("%s was revoked on %s, "
				    "before the signing time"), subj, iso);
				return false;
			}
			if (!poe) {
				CERT_SET(HOSO_CMS_INDETERMINATE, _("%s was revoked on %s, after the "
				    "signing time, and no timestamp proves the signature older"), subj,
				    iso);
				return false;
			}
			snprintf(note, nn, _(" (%s revoked on %s, after the timestamp)"), subj, iso);
			continue;
		}
		if (!a.answered && i == 0) {
			if (!t->ocsp)
				CERT_SET(HOSO_CMS_INDETERMINATE, _("no CRL from the issuer of %s among "
				    "the --crl files"), subj);
			else if (sk_X509_CRL_num(t->crls) == 0)
				CERT_SET(HOSO_CMS_INDETERMINATE, _("revocation of %s unknown: %s"), subj,
				    oc.detail);
			else
				CERT_SET(HOSO_CMS_INDETERMINATE, _("revocation of %s unknown: no CRL "
				    "from its issuer among the --crl files, and %s"), subj, oc.detail);
			return false;
		}
	}
	return true;
}

/* when: the signing time, or with poe the time a valid timestamp proves. */
static void
check_certificate(const struct hoso_cms_trust *t, X509 *signer, STACK_OF(X509) *certs, time_t when,
    bool poe, struct hoso_cms_result *res)
{
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *chain = NULL;
	char subj[256], why[64], root[256], note[512];
	const char *at = poe ? _("the time of the signature's timestamp") : _("the signing time");
	int i, e;

	hoso_ossl_name(X509_get_subject_name(signer), subj, sizeof(subj));
	if (t == NULL || !t->anchors) {
		CERT_SET(HOSO_CMS_INDETERMINATE, _("no trust anchor given (--ca-file or --ca-path)"));
		goto out;
	}
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, t->store, signer, certs)) {
		CERT_SET(HOSO_CMS_INDETERMINATE, _("out of memory"));
		goto out;
	}
	/* EN 319 102-1 5.2.6: the chain as it was at the signing time. */
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), when);
	if (X509_verify_cert(ctx) != 1) {
		e = X509_STORE_CTX_get_error(ctx);
		hoso_ossl_name(X509_get_subject_name(X509_STORE_CTX_get_current_cert(ctx) != NULL ?
		    X509_STORE_CTX_get_current_cert(ctx) : signer), root, sizeof(root));
		CERT_SET(HOSO_CMS_INDETERMINATE, _("certificate chain of %s not valid at %s: %s "
		    "(%s)"), subj, at, X509_verify_cert_error_string(e), root);
		goto out;
	}
	chain = X509_STORE_CTX_get1_chain(ctx);
	for (i = 0; i + 1 < sk_X509_num(chain); i++)
		if (cert_sig_weak(sk_X509_value(chain, i), why, sizeof(why))) {
			hoso_ossl_name(X509_get_subject_name(sk_X509_value(chain, i)), root, sizeof(root));
			CERT_SET(HOSO_CMS_INVALID, _("certificate %s is signed with %s, which is "
			    "refused"), root, why);
			goto out;
		}
	if (!usage_ok(signer)) {
		CERT_SET(HOSO_CMS_INVALID, _("the key usage of %s allows neither digitalSignature "
		    "nor nonRepudiation"), subj);
		goto out;
	}
	hoso_ossl_name(X509_get_subject_name(sk_X509_value(chain, sk_X509_num(chain) - 1)), root,
	    sizeof(root));
	CERT_SET(HOSO_CMS_VALID, _("%s, chain to %s valid at %s"), subj, root, at);
	if ((sk_X509_CRL_num(t->crls) > 0 || t->ocsp) &&
	    check_revocation(t, chain, certs, when, poe, note, sizeof(note), res))
		CERT_SET(HOSO_CMS_VALID, _("%s, chain to %s valid at %s, not revoked%s"), subj,
		    root, at, note);
out:
	ERR_clear_error();
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_CTX_free(ctx);
}

static int
status_rank(int st)
{
	return st == HOSO_CMS_INVALID ? 2 : st == HOSO_CMS_INDETERMINATE ? 1 : 0;
}

/*
 * EN 319 102-1 5.4: each signature-time-stamp-token over the signature value.
 * The earliest valid genTime, in *proven, is when the signature existed;
 * returns whether there is one. res->ts_status is the worst token's.
 */
static bool
check_timestamps(CMS_SignerInfo *si, STACK_OF(X509) *certs, const struct hoso_cms_trust *t,
    time_t signing_time, time_t *proven, struct hoso_cms_result *res)
{
	const ASN1_OCTET_STRING *value = CMS_SignerInfo_get0_signature(si);
	struct hoso_ossl_certs tc = { t != NULL && t->anchors ? t->store : NULL, certs, NULL, NULL };
	struct hoso_tsp_token tk;
	X509_ATTRIBUTE *attr;
	ASN1_TYPE *ty;
	bool have = false;
	int i = -1, n = 0;

	res->ts_status = HOSO_CMS_VALID;
	while ((i = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, i)) >= 0) {
		attr = CMS_unsigned_get_attr(si, i);
		memset(&tk, 0, sizeof(tk));
		if (X509_ATTRIBUTE_count(attr) != 1 || (ty = X509_ATTRIBUTE_get0_type(attr, 0)) == NULL ||
		    ty->type != V_ASN1_SEQUENCE) {
			tk.status = HOSO_CMS_INVALID;
			snprintf(tk.detail, sizeof(tk.detail), _("a signature-time-stamp-token "
			    "attribute that does not hold exactly one token"));
		} else {
			hoso_tsp_check(ASN1_STRING_get0_data(ty->value.sequence),
			    (size_t)ASN1_STRING_length(ty->value.sequence), ASN1_STRING_get0_data(value),
			    (size_t)ASN1_STRING_length(value), &tc, &tk);
		}
		/* EN 319 102-1 5.6.2.4 b): the claimed signing time is not after the timestamp. */
		if (tk.status == HOSO_CMS_VALID && signing_time > tk.gen_time) {
			tk.status = HOSO_CMS_INDETERMINATE;
			snprintf(tk.detail, sizeof(tk.detail), _("the signing time %s is later than the "
			    "timestamp's %s"), res->signing_time, tk.gen_time_iso);
		}
		if (tk.status == HOSO_CMS_VALID && (!have || tk.gen_time < *proven)) {
			*proven = tk.gen_time;
			snprintf(res->ts_time, sizeof(res->ts_time), "%s", tk.gen_time_iso);
			have = true;
		}
		if (n++ == 0 || status_rank(tk.status) > status_rank(res->ts_status) ||
		    (tk.status == HOSO_CMS_VALID && res->ts_status == HOSO_CMS_VALID &&
		    tk.gen_time == *proven)) {
			res->ts_status = tk.status;
			snprintf(res->ts_detail, sizeof(res->ts_detail), "%s", tk.detail);
		}
	}
	ERR_clear_error();
	return have;
}

static int
verify_content(const void *sig, size_t sig_len, const struct hoso_cms_content *content,
    const struct hoso_cms_trust *t, struct hoso_cms_result *res, struct hoso_err *err)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	CMS_SignerInfo *si;
	const unsigned char *p = sig;
	X509 *signer = NULL;
	time_t when = 0, proven = 0;
	bool poe;

	(void)err;
	memset(res, 0, sizeof(*res));
	res->sig_status = HOSO_CMS_INVALID;
	CERT_SET(HOSO_CMS_INDETERMINATE, _("not checked: the signature is not valid"));
	ERR_clear_error();
	if (sig_len > 0x7fffffff || (cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig_len)) == NULL ||
	    p != (const unsigned char *)sig + sig_len) {
		SIG_FAIL(_("not a DER CMS structure"));
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		SIG_FAIL(_("not CMS SignedData"));
		goto out;
	}
	if (CMS_is_detached(cms) != 1 || OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		SIG_FAIL(_("not a detached signature over data (EN 319 162-1 4.4.3)"));
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		SIG_FAIL(_("%d signers in one signature file (one wanted)"),
		    sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	certs = CMS_get1_certs(cms);
	CMS_set1_signers_certs(cms, NULL, 0);
	ERR_clear_error();
	CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
	if (signer == NULL) {
		SIG_FAIL(_("the signer's certificate is not in the signature"));
		goto out;
	}
	hoso_ossl_name(X509_get_subject_name(signer), res->signer, sizeof(res->signer));
	res->has_timestamp = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1) >= 0;
	check_signature(si, signer, content, &when, res);
	if (res->sig_status == HOSO_CMS_VALID) {
		poe = res->has_timestamp && check_timestamps(si, certs, t, when, &proven, res);
		check_certificate(t, signer, certs, poe ? proven : when, poe, res);
	}
out:
	ERR_clear_error();
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	return 0;
}

int
hoso_cms_verify(const void *sig, size_t sig_len, const void *content, size_t len,
    const struct hoso_cms_trust *t, struct hoso_cms_result *res, struct hoso_err *err)
{
	struct hoso_cms_content c;

	memset(&c, 0, sizeof(c));
	c.data = content;
	c.len = len;
	return verify_content(sig, sig_len, &c, t, res, err);
}

int
hoso_cms_verify_content(const void *sig, size_t sig_len, const struct hoso_cms_content *content,
    const struct hoso_cms_trust *t, struct hoso_cms_result *res, struct hoso_err *err)
{
	return verify_content(sig, sig_len, content, t, res, err);
}

/*
 * PAdES signing (EN 319 142-1 5.3, 6.3). The caller hashed the ByteRange; the
 * SignedData is detached with content-type, message-digest and
 * signing-certificate-v2 signed, and no signing-time (5.4: the time is /M).
 * OpenSSL 3.0's CMS_SignerInfo_sign always adds a signing-time, so it signs
 * first (setting the algorithm identifiers, PSS parameters included), then
 * the attribute is taken out and the signed attributes, DER-encoded as the
 * SET OF they are (RFC 5652 5.4), are signed again here with the same key
 * and parameters.
 */
static int
resign_without_time(const struct hoso_cms_signer *s, CMS_SignerInfo *si, const EVP_MD *md,
    bool pss)
{
	STACK_OF(X509_ATTRIBUTE) *attrs = NULL;
	X509_ATTRIBUTE *a;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL, *sig = NULL;
	size_t sig_len = 0;
	int i, idx, der_len, ok = 0;

	while ((idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1)) >= 0)
		X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, idx));
	if ((attrs = sk_X509_ATTRIBUTE_new_null()) == NULL)
		goto out;
	for (i = 0; i < CMS_signed_get_attr_count(si); i++)
		if ((a = CMS_signed_get_attr(si, i)) == NULL || !sk_X509_ATTRIBUTE_push(attrs, a))
			goto out;
	if ((der_len = ASN1_item_i2d((ASN1_VALUE *)attrs, &der,
	    ASN1_ITEM_rptr(PKCS7_ATTR_SIGN))) <= 0)
		goto out;
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(mctx, &pctx, EVP_MD_get0_name(md), NULL, NULL, s->key,
	    NULL) <= 0)
		goto out;
	if (pss && !pss_padding(pctx, md))
		goto out;
	if (EVP_DigestSign(mctx, NULL, &sig_len, der, (size_t)der_len) <= 0 ||
	    (sig = OPENSSL_malloc(sig_len)) == NULL ||
	    EVP_DigestSign(mctx, sig, &sig_len, der, (size_t)der_len) <= 0 ||
	    sig_len > 0x7fffffff)
		goto out;
	ok = ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)sig_len);
out:
	OPENSSL_free(sig);
	OPENSSL_free(der);
	EVP_MD_CTX_free(mctx);
	sk_X509_ATTRIBUTE_free(attrs);
	return ok;
}

/*
 * RFC 4056 3.1 / RFC 4055 3.1: the RSASSA-PSS AlgorithmIdentifier (hash and
 * MGF1 over the same digest, salt as long as the digest). Without CMS_final,
 * OpenSSL 3.0 leaves a CMS_KEY_PARAM signer's algorithm unset.
 */
static int
set_pss_alg(CMS_SignerInfo *si, const EVP_MD *md)
{
	RSA_PSS_PARAMS *pss = NULL;
	X509_ALGOR *mgf_md = NULL, *sig = NULL;
	ASN1_STRING *mgf_os = NULL, *os = NULL;
	int ok = 0;

	if ((pss = RSA_PSS_PARAMS_new()) == NULL ||
	    (pss->hashAlgorithm = X509_ALGOR_new()) == NULL ||
	    (pss->maskGenAlgorithm = X509_ALGOR_new()) == NULL ||
	    (pss->saltLength = ASN1_INTEGER_new()) == NULL || (mgf_md = X509_ALGOR_new()) == NULL)
		goto out;
	X509_ALGOR_set_md(pss->hashAlgorithm, md);
	X509_ALGOR_set_md(mgf_md, md);
	if ((mgf_os = ASN1_item_pack(mgf_md, ASN1_ITEM_rptr(X509_ALGOR), NULL)) == NULL ||
	    !X509_ALGOR_set0(pss->maskGenAlgorithm, OBJ_nid2obj(NID_mgf1), V_ASN1_SEQUENCE,
	    mgf_os))
		goto out;
	mgf_os = NULL;
	if (!ASN1_INTEGER_set(pss->saltLength, EVP_MD_get_size(md)) ||
	    (os = ASN1_item_pack(pss, ASN1_ITEM_rptr(RSA_PSS_PARAMS), NULL)) == NULL)
		goto out;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sig);
	if (sig == NULL || !X509_ALGOR_set0(sig, OBJ_nid2obj(NID_rsassaPss), V_ASN1_SEQUENCE, os))
		goto out;
	os = NULL;
	ok = 1;
out:
	ASN1_STRING_free(os);
	ASN1_STRING_free(mgf_os);
	X509_ALGOR_free(mgf_md);
	RSA_PSS_PARAMS_free(pss);
	return ok;
}

int
hoso_cms_sign_digest(const struct hoso_cms_signer *s, const struct hoso_cms_sign_opts *o,
    const unsigned char *digest, size_t digest_len, struct hoso_buf *der, struct hoso_err *err)
{
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	const EVP_MD *md;
	char why[256];
	int r = 0;

	if ((r = sign_begin(s, o, &md, &cms, &si, err)) != 0)
		goto out;
	if (digest_len != (size_t)EVP_MD_get_size(md) || digest_len > 0x7fffffff) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("a %s digest is %d bytes, not %zu"),
		    EVP_MD_get0_name(md), EVP_MD_get_size(md), digest_len);
		goto out;
	}
	if (!CMS_set_detached(cms, 1) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
	    OBJ_nid2obj(NID_pkcs7_data), -1) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
	    digest, (int)digest_len))
		goto engine;
	if (CMS_SignerInfo_sign(si) != 1 || !resign_without_time(s, si, md, o->pss) ||
	    (o->pss && !set_pss_alg(si, md)))
		goto engine;
	r = sign_finish(cms, si, md, o, der, err);
	goto out;
engine:
	r = hoso_err_set(err, HOSO_EENGINE, _("signing failed: %s"), hoso_ossl_why(why, sizeof(why)));
out:
	CMS_ContentInfo_free(cms);
	return r;
}
