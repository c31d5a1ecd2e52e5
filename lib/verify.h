/*
 * verify.h - verify: every check of hoso-archive(5) on a signed dossier archive, in order,
 * and of every signature of a PDF (pades.h), each input taken for what its content is.
 */
#ifndef HOSO_VERIFY_H
#define HOSO_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cms.h"
#include "err.h"
#include "verdict.h"
#include "zip.h"

struct hoso_verify_opts {
	const struct hoso_cms_trust *trust;	/* NULL: chains are indeterminate */
	struct hoso_zip_limits limits;
	const char *extract_dir;		/* write the archive out here once valid */
	int jobs;				/* inputs hoso_verify_run checks at once */
};

/* The stable name of check i ("container", ...) and its title for people (translated). */
const char *hoso_verify_check_id(int i);
const char *hoso_verify_check_title(int i);
const char *hoso_verify_result_id(int result);

/*
 * Run every check on one archive, streaming (nothing is extracted unless
 * opts->extract_dir, and then only after every check passed). Fills rep;
 * returns non-zero only for failures of the run itself, also kept in rep->err.
 */
int hoso_verify_archive(const char *path, const struct hoso_verify_opts *o,
    struct hoso_verify_report *rep, struct hoso_err *err);

/*
 * Verify paths[0..n), o->jobs at once, each as what it holds (not as its
 * name says): a PDF ("%PDF-", hoso_pdf_is) gets one report per signature
 * (hoso_pades_verify; one HOSO_VERIFY_ERROR report when it cannot be
 * read), anything else is an archive (hoso_verify_archive; extracted with
 * o->extract_dir, one at a time). *reps (*n_reps of them) come in the order
 * of paths, each with input set to its path's index; free them with
 * hoso_verify_reports_free. Returns non-zero only for failures of the run
 * itself (memory, threads), with nothing in *reps.
 */
int hoso_verify_run(const char *const *paths, size_t n, const struct hoso_verify_opts *o,
    struct hoso_verify_report **reps, size_t *n_reps, struct hoso_err *err);

/* The reports as XML (data/schema/verify-report.xsd). */
int hoso_verify_report_xml(const struct hoso_verify_report *reps, size_t n, struct hoso_buf *out,
    struct hoso_err *err);

#endif
