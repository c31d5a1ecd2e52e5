/*
 * verdict.h - the records a verification fills: each check's status and
 * detail, a report's result and reason, a PDF signature's changes after
 * signing. Below the operations that fill them (verify.c for archives,
 * pades.c for PDFs) and the format that reads the changes (pdfdiff.c), so
 * that none of those needs another's header for them. The names keep
 * verify's prefix: they are what verify(1) reports.
 */
#ifndef HOSO_VERDICT_H
#define HOSO_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "cms.h"
#include "err.h"

enum hoso_verify_result {
	HOSO_VERIFY_VALID,
	HOSO_VERIFY_INVALID,		/* something is proven wrong */
	HOSO_VERIFY_INDETERMINATE,	/* cannot be proven right: trust, time, revocation */
	HOSO_VERIFY_NOT_CONTAINER,	/* not an ASiC-E container at all */
	HOSO_VERIFY_ERROR,		/* could not be read (I/O, memory) */
};

enum hoso_check_status {
	HOSO_CHECK_PASSED,
	HOSO_CHECK_FAILED,
	HOSO_CHECK_INDETERMINATE,
	HOSO_CHECK_SKIPPED,
};

/* The checks, in the order archive.md "What verify checks" lists them. */
enum {
	HOSO_CHECK_CONTAINER,
	HOSO_CHECK_MANIFESTS,
	HOSO_CHECK_SIGNATURE,
	HOSO_CHECK_CERTIFICATE,
	HOSO_CHECK_TIMESTAMP,
	HOSO_CHECK_BAGIT,
	HOSO_VERIFY_N_CHECKS
};

struct hoso_verify_check {
	int status;
	char detail[512];
};

/*
 * One change a PDF's later revisions made after a signature (pdfdiff.c):
 * the kind ("page", "signature-added", ...: verify(1) lists them), whether
 * the policy permits it, the object it concerns and the page it is on.
 */
struct hoso_verify_change {
	const char *kind;		/* a static string */
	bool permitted;
	int id, gen;			/* 0 0: no one object */
	int page;			/* 1-based; 0: none */
	char detail[256];
};

/*
 * A report holds no pointer into itself: it may be copied and moved
 * (realloc) as it is. Its one owner frees archive and changes.
 */
struct hoso_verify_report {
	char *archive;			/* printable label */
	int result;
	int reason;			/* why not valid: HOSO_VERIFY_REASON_*; see hoso_verify_reason */
	struct hoso_verify_check checks[HOSO_VERIFY_N_CHECKS];
	char signer[HOSO_CMS_NAME_MAX];
	char signing_time[24];
	size_t n_entries;
	struct hoso_err err;		/* with HOSO_VERIFY_ERROR, or a failed extraction */
	const char *kind;		/* NULL: an archive; "pdf-signature": see pades.h */
	struct hoso_verify_change *changes;	/* a PDF signature's, malloc'd */
	size_t n_changes;
	size_t input;			/* hoso_verify_run: the index of its path */
};

/* What reason says: none (0), the detail of check i, or err.msg. */
#define HOSO_VERIFY_REASON_NONE		0
#define HOSO_VERIFY_REASON_CHECK(i)	(1 + (i))
#define HOSO_VERIFY_REASON_ERR		(1 + HOSO_VERIFY_N_CHECKS)
/* The text of rep->reason (the first failed or indeterminate check's detail), NULL for none. */
const char *hoso_verify_reason(const struct hoso_verify_report *rep);

void hoso_verify_report_free(struct hoso_verify_report *rep);
/* Free reps[0..n) and the array itself. */
void hoso_verify_reports_free(struct hoso_verify_report *reps, size_t n);

/* Set rep->result and rep->reason from its checks, as for an archive (used for PDFs too). */
void hoso_verify_decide(struct hoso_verify_report *rep);

#endif
