/*
 * verdict.c - a report's result and reason from its checks (verdict.h), and
 * freeing reports: the same for an archive (verify.c) and a PDF (pades.c).
 */
#include <stdlib.h>

#include "verdict.h"

void
hoso_verify_decide(struct hoso_verify_report *rep)
{
	int i;

	if (rep->result == HOSO_VERIFY_NOT_CONTAINER || rep->result == HOSO_VERIFY_ERROR) {
		rep->reason = HOSO_VERIFY_REASON_CHECK(HOSO_CHECK_CONTAINER);
		return;
	}
	rep->result = HOSO_VERIFY_VALID;
	for (i = 0; i < HOSO_VERIFY_N_CHECKS; i++)
		if (rep->checks[i].status == HOSO_CHECK_FAILED) {
			rep->result = HOSO_VERIFY_INVALID;
			rep->reason = HOSO_VERIFY_REASON_CHECK(i);
			return;
		}
	for (i = 0; i < HOSO_VERIFY_N_CHECKS; i++)
		if (rep->checks[i].status == HOSO_CHECK_INDETERMINATE) {
			rep->result = HOSO_VERIFY_INDETERMINATE;
			rep->reason = HOSO_VERIFY_REASON_CHECK(i);
			return;
		}
}

const char *
hoso_verify_reason(const struct hoso_verify_report *rep)
{
	if (rep->reason == HOSO_VERIFY_REASON_ERR)
		return rep->err.msg;
	if (rep->reason > 0 && rep->reason <= HOSO_VERIFY_N_CHECKS)
		return rep->checks[rep->reason - 1].detail;
	return NULL;
}

void
hoso_verify_report_free(struct hoso_verify_report *rep)
{
	if (rep == NULL)
		return;
	free(rep->archive);
	rep->archive = NULL;
	free(rep->changes);
	rep->changes = NULL;
	rep->n_changes = 0;
}

void
hoso_verify_reports_free(struct hoso_verify_report *reps, size_t n)
{
	size_t i;

	for (i = 0; reps != NULL && i < n; i++)
		hoso_verify_report_free(&reps[i]);
	free(reps);
}
