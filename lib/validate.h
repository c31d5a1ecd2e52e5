/*
 * validate.h - the value types of form fields (specs/forms.md): normalization of a value as
 * recognized into its canonical form, and the validator that says whether it can be trusted.
 * Pure string work: no OCR, no I/O; used by the form-field extractor and its tests.
 */
#ifndef HOSO_VALIDATE_H
#define HOSO_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

enum hoso_validate_type {
	HOSO_VALIDATE_TEXT,		/* any text */
	HOSO_VALIDATE_NAME,		/* letters (Vietnamese) and spaces, no digits */
	HOSO_VALIDATE_CCCD,		/* 12 digits, province code 001-096 first */
	HOSO_VALIDATE_DATE,		/* -> YYYY-MM-DD, a real date, year 1900-2100 */
	HOSO_VALIDATE_DATETIME,		/* "... giờ ... phút, ngày ... tháng ... năm ..." -> YYYY-MM-DDTHH:MM */
	HOSO_VALIDATE_YEAR,		/* -> YYYY, 1900-2100 */
	HOSO_VALIDATE_PHONE,		/* digits only, 10-11, leading 0 */
	HOSO_VALIDATE_EMAIL,		/* local@domain.tld, lower-cased domain */
	HOSO_VALIDATE_DOSSIER_CODE,	/* {unit}-{yyMMdd}-{NNNN}, a real date inside */
	HOSO_VALIDATE_ENUM,		/* one of a list, matched tolerant of case and diacritics */
};

/* "text", "name", "cccd", "date", "datetime", "year", "phone", "email", "dossier-code", "enum". */
int hoso_validate_type_parse(const char *name, enum hoso_validate_type *type);
const char *hoso_validate_type_name(enum hoso_validate_type type);

struct hoso_validate_result {
	bool ok;		/* the normalized value passed its validator */
	bool corrected;		/* an OCR-confusion correction was applied (cccd: O->0 ...) */
	char reason[160];	/* why not ok, or what was corrected; English, "" when ok */
};

/*
 * Normalize raw (UTF-8, as recognized, possibly with leader dots, stray
 * punctuation and extra spaces) for type into value (reset first): trimmed,
 * inner white space collapsed, NFC, leader dots removed, then the type's
 * canonical form. enum_values/n_enum list the allowed values of an enum (the
 * value becomes the listed spelling). A value that fails its validator is
 * still written to value (normalized as far as it goes) with res->ok false:
 * failing validation is not an error. Errors are only HOSO_EIO (memory) and
 * HOSO_EUSAGE (bad arguments).
 */
int hoso_validate_value(enum hoso_validate_type type, const char *raw,
    const char *const *enum_values, size_t n_enum, struct hoso_buf *value,
    struct hoso_validate_result *res, struct hoso_err *err);

/* w[0..n) (UTF-8, NFC, letters only, any case) is a possible Vietnamese syllable. */
bool hoso_validate_syllable(const char *w, size_t n);

#endif
