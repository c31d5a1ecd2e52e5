/*
 * pades.h - PAdES signatures (ETSI EN 319 142-1, baselines B-B and B-T) in PDF files:
 * signing by an incremental update (ISO 32000-1 7.5.6, 12.8) and verifying
 * every signature of a file. The parsing goes through pdf.c (qpdf), the
 * update is written by pdfupdate.c, the CMS goes through cms.c; what is here
 * is the signature we add, the byte ranges and the checks that tie them to
 * the CMS.
 */
#ifndef HOSO_PADES_H
#define HOSO_PADES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cms.h"
#include "err.h"
#include "verdict.h"
#include "zip.h"

struct hoso_pades_sign_opts {
	const char *in;			/* the PDF to sign */
	const char *out;		/* written atomically; may be in itself */
	const struct hoso_cms_signer *signer;
	const char *digest;		/* "SHA256" (NULL), "SHA384", "SHA512" */
	bool pss;
	time_t signing_time;		/* written as /M */
	const char *reason;		/* UTF-8 or NULL */
	const char *location;		/* UTF-8 or NULL */
	bool visible;			/* an appearance on page 1 (who, unit, when, why) */
	const char *font;		/* TrueType font for it, e.g. DejaVuSans.ttf */
	const char *tsa_url;		/* RFC 3161 TSA (http://): B-T; NULL: B-B */
};

/*
 * Append to in a revision holding a signature dictionary (/SubFilter
 * /ETSI.CAdES.detached), an invisible signature field on page 1, the catalog
 * and form that list it and an xref section of the kind in uses (table or
 * stream); the CMS is over the whole result but /Contents. Encrypted or
 * damaged input is HOSO_EINPUT. The bytes of in are copied, never rewritten.
 * With o->tsa_url the CMS carries a signature-time-stamp-token (B-T); the
 * room for /Contents is that of a trial signature with its own token and a
 * margin, and a TSA failure or a token that outgrows the room is
 * HOSO_EENGINE with nothing written.
 */
int hoso_pades_sign(const struct hoso_pades_sign_opts *o, struct hoso_err *err);

/*
 * Sign the searchable PDF of the dossier at dossier_dir (STORE/<code>), as
 * dossier.xml lists it, in place and under the dossier's lock; o->in and
 * o->out are ignored. No listed PDF is HOSO_EINPUT.
 */
int hoso_pades_sign_dossier(const char *dossier_dir, const struct hoso_pades_sign_opts *o,
    struct hoso_err *err);

/*
 * Verify every signature of the PDF at path, called name in reports and
 * messages (NULL: path): one report per signature ("file.pdf: Signature1"),
 * with the checks of verdict.h read for a PDF:
 * CONTAINER = the byte range, MANIFESTS = the document unchanged since
 * signing, SIGNATURE, CERTIFICATE, TIMESTAMP as for archives, BAGIT skipped.
 * A PDF without a signature gets one invalid report. Free *reps with
 * hoso_verify_reports_free. Returns non-zero (and sets err) when the file is
 * not a readable PDF (HOSO_EINPUT) or cannot be read.
 */
int hoso_pades_verify(const char *path, const char *name, const struct hoso_cms_trust *trust,
    struct hoso_verify_report **reps, size_t *n, struct hoso_err *err);
/*
 * The same, but a file that cannot be verified at all gets one report with
 * HOSO_VERIFY_ERROR and why; non-zero only when even that cannot be made.
 */
int hoso_pades_verify_or_error(const char *path, const char *name,
    const struct hoso_cms_trust *trust, struct hoso_verify_report **reps, size_t *n,
    struct hoso_err *err);

/*
 * The same for every PDF (by content, not name) under data/ of an archive:
 * each is streamed to a temporary file in tmp_dir (NULL: $TMPDIR or /tmp),
 * verified and removed. Names are "ARCHIVE!data/...pdf: field". A PDF that
 * cannot be read gets one report with HOSO_VERIFY_ERROR. *n is 0 when the
 * archive holds no PDF.
 */
int hoso_pades_verify_archive(const char *archive, const struct hoso_zip_limits *lim,
    const struct hoso_cms_trust *trust, const char *tmp_dir, struct hoso_verify_report **reps,
    size_t *n, struct hoso_err *err);

/* The length of the DER value at the start of p (tag, length, contents), 0 if not DER. */
size_t hoso_pades_der_len(const unsigned char *p, size_t n);
/* Decode a gap "<hex>" of the file (exactly that: no spaces) into out; false if not one. */
bool hoso_pades_gap_hex(const unsigned char *gap, size_t n, unsigned char *out, size_t *out_len);

#endif
