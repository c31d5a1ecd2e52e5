/*
 * pdfdiff.h - what the incremental updates after a signed revision of a
 * PDF did, judged against verify's policy for changes after signing
 * (verify(1), "Changes after signing"; ISO 32000-1 12.8.2, ISO 32000-2
 * 12.8.2.2, ETSI EN 319 142-1 5.4).
 *
 * The judgement works on what the updates define, read from the bytes
 * (pdfxref.c), and on the document a reader shows now, walked from the
 * trailer's /Root (qpdf, through pdf.h): every object an update defines
 * must be accounted for by one of a few permitted kinds of change, checked
 * in full; anything else fails the signature.
 */
#ifndef HOSO_PDFDIFF_H
#define HOSO_PDFDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "pdf.h"
#include "pdfxref.h"
#include "verdict.h"

#define HOSO_PDFDIFF_MAX_WALK		2000000	/* objects of the document walked */
#define HOSO_PDFDIFF_MAX_CHANGES	48	/* changes kept for the report */

/* A signature of the file, as the judgement of another one needs it. */
struct hoso_pdfdiff_sig {
	const struct hoso_pdf_sig *sig;	/* its dictionary and field (pdf.h) */
	long long end;			/* the end of the revision it signs */
	int status;			/* HOSO_CHECK_*: its own checks but changes after it */
	const char *signer;		/* for messages; "" when unknown */
};

struct hoso_pdfdiff_opts {
	long long end;			/* the signed revision is bytes [0, end) */
	const struct hoso_pdfdiff_sig *sigs;	/* every signature of the file */
	size_t n_sigs;
	size_t self;			/* the one judged: sigs[self] */
};

struct hoso_pdfdiff {
	int status;			/* HOSO_CHECK_PASSED, _FAILED or _INDETERMINATE */
	int n_updates;			/* incremental updates after the signed revision */
	int n_failed;			/* changes that are not permitted */
	struct hoso_verify_change *changes;	/* failures first, then what is permitted */
	size_t n_changes;
	char summary[512];		/* one line for the report */
};

/*
 * Judge the updates after the revision then (the file cut at o->end) in
 * the file now; xt and xn are their cross-reference chains. Fills d (free
 * it with hoso_pdfdiff_free). Returns non-zero only when the judgement
 * could not be made (memory, I/O); a file too damaged to judge is a
 * failed judgement, not an error.
 */
int hoso_pdfdiff_judge(struct hoso_pdf *then, struct hoso_pdf *now,
    const struct hoso_pdfxref *xt, const struct hoso_pdfxref *xn,
    const struct hoso_pdfdiff_opts *o, struct hoso_pdfdiff *d, struct hoso_err *err);
void hoso_pdfdiff_free(struct hoso_pdfdiff *d);

/*
 * A signature lies in the revision it signs (ISO 32000-1 12.8.1): its
 * dictionary is the object the file's cross-reference gives for its
 * number, and holds the /Contents its byte range leaves out; its field is
 * in the signed bytes too. False, with why, when not (a copied or moved
 * signature dictionary).
 */
bool hoso_pdfdiff_sig_in_place(const struct hoso_pdfxref *xn, const struct hoso_pdf_sig *sig,
    char *why, size_t why_size);

#endif
