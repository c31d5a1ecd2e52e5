/* asic.h - the ASiC-E manifest, META-INF/ASiCManifest.xml (ETSI EN 319 162-1 A.4): writing and reading. */
#ifndef HOSO_ASIC_H
#define HOSO_ASIC_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* EN 319 162-1 A.1: the content of the mimetype entry (no newline). */
#define HOSO_ASIC_MIMETYPE "application/vnd.etsi.asic-e+zip"
#define HOSO_ASIC_NS "http://uri.etsi.org/02918/v1.2.1#"
#define HOSO_DSIG_NS "http://www.w3.org/2000/09/xmldsig#"
#define HOSO_ASIC_MANIFEST "META-INF/ASiCManifest.xml"
#define HOSO_ASIC_SIGNATURE "META-INF/signature001.p7s"
#define HOSO_ASIC_MAX_DIGEST 64

struct hoso_asic_ref {
	char *name;		/* entry name (URI decoded) */
	char alg[8];		/* "SHA256", "SHA384", "SHA512" (OpenSSL names) */
	unsigned char digest[HOSO_ASIC_MAX_DIGEST];
	size_t digest_len;
};

struct hoso_asic_manifest {
	char *sig_name;		/* SigReference, URI decoded */
	struct hoso_asic_ref *refs;
	size_t n;
};

/* The manifest for one signature file and n references, as UTF-8 XML. */
int hoso_asic_manifest_write(const char *sig_name, const struct hoso_asic_ref *refs, size_t n,
    struct hoso_buf *out, struct hoso_err *err);

/*
 * Parse a manifest with the hardened XML reader (any DOCTYPE refused): the
 * right namespace, one SigReference, DataObjectReferences with an allowed
 * digest method (SHA-256 or stronger) and a base64 value of the right length.
 */
int hoso_asic_manifest_parse(const char *data, size_t len, const char *label,
    struct hoso_asic_manifest *m, struct hoso_err *err);
void hoso_asic_manifest_free(struct hoso_asic_manifest *m);

/* The XML-DSig URI of a digest ("SHA256" -> ...xmlenc#sha256), NULL if not allowed. */
const char *hoso_asic_digest_uri(const char *alg);

/* Standard base64 (RFC 4648 4) of n bytes, appended to out. */
int hoso_asic_base64(const unsigned char *p, size_t n, struct hoso_buf *out, struct hoso_err *err);

#endif
