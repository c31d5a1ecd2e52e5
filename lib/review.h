/*
 * review.h - a person's review of the form fields ocr-extract read (review(1)): the fields
 * document of a dossier read back, corrections validated and saved under the dossier's lock,
 * refused when the value changed since the person saw it, and who and when kept beside the
 * machine's reading.
 */
#ifndef HOSO_REVIEW_H
#define HOSO_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "store.h"
#include "template.h"

#define HOSO_REVIEW_FIELDS_MAX	(16u << 20)	/* bytes of one fields document */

/* One <field> of fields.xml. */
struct hoso_review_field {
	size_t form;			/* index into the document's forms */
	char *name;
	char *type;			/* the template's type ("name", "cccd", ...); NULL: not said */
	char *value;			/* "" when none */
	char *raw;
	char *reason;			/* NULL: none */
	char *ocr;			/* the machine's reading, once a person changed it; NULL */
	char *by, *at;			/* who confirmed or corrected it and when; NULL: nobody */
	double confidence;
	bool review;
	int x0, y0, x1, y1;		/* bbox, page pixels */
	char tag[17];			/* version of value, review, by, at: stale saves are refused */
};

/* One <form> (a page read with a template). */
struct hoso_review_form {
	char *name;			/* the template */
	int page;
	char *source;			/* NULL: none */
};

struct hoso_review_doc {
	struct hoso_review_form *forms;
	size_t n_forms;
	struct hoso_review_field *fields;	/* in document order */
	size_t n_fields;
};

/* Parse a fields document (data/schema/fields.xsd); label names it in messages. */
int hoso_review_parse(const char *xml, size_t len, const char *label,
    struct hoso_review_doc **doc, struct hoso_err *err);
int hoso_review_to_xml(const struct hoso_review_doc *doc, struct hoso_buf *out,
    struct hoso_err *err);
void hoso_review_doc_free(struct hoso_review_doc *doc);

/* The dossier's fields document (an empty one when it has none). Read under the caller's lock if wanted. */
int hoso_review_load(const struct hoso_dossier *d, struct hoso_review_doc **doc,
    struct hoso_err *err);

/* Values still flagged. */
size_t hoso_review_left(const struct hoso_review_doc *doc);

/* Index of the field name on page, or -1. */
long hoso_review_find(const struct hoso_review_doc *doc, int page, const char *name);

/* One correction or confirmation. */
struct hoso_review_edit {
	int page;
	const char *field;
	const char *value;		/* the person's value; NULL: confirm the value as it is */
	const char *tag;		/* the field's tag the person saw, or NULL */
	const char *expect;		/* or the value the person saw (import), or NULL */
	/* Out: 0 saved (or nothing to change), HOSO_ENO stale, HOSO_EINPUT refused. */
	int status;
	char message[256];		/* why not saved; "" when saved */
};

/*
 * Apply edits to the dossier's fields under its lock: read fields.xml again,
 * check each edit against what is there now (its tag or expected value:
 * otherwise HOSO_ENO "changed since"), run the field's validator (the
 * template's type; a template not in set: text) on the value, NFC; a
 * rejected value is HOSO_EINPUT with the validator's reason, nothing saved
 * for that edit. The fields saved get review="false", by, at, and ocr (the
 * first machine reading) when the value changed; fields.xml is replaced
 * atomically and dossier.xml records the review (hoso_store_set_review).
 * *saved counts the edits saved; *after (when not NULL) is the document as
 * it stands after them, read under the lock. Errors (the return) are only
 * those that stop everything: I/O, a damaged fields document, no fields.
 */
int hoso_review_apply(struct hoso_dossier *d, const struct hoso_template_set *set,
    struct hoso_review_edit *edits, size_t n, const char *by, const char *at, size_t *saved,
    struct hoso_review_doc **after, struct hoso_err *err);

/*
 * The person's reviews of old into new, for a dossier read again: a field of
 * new whose form, page and name match a field of old that a person
 * confirmed or corrected takes the person's value, by, at, and review
 * false; the machine's new reading is kept in ocr when it differs.
 * *carried counts them.
 */
int hoso_review_carry(const struct hoso_review_doc *old, struct hoso_review_doc *new_doc,
    size_t *carried, struct hoso_err *err);

#endif
