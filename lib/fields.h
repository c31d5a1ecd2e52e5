/*
 * fields.h - form fields out of a recognized page: which template the page is (its title),
 * where each field's label is (tolerant of OCR errors and lost diacritics), the value after
 * it, a second reading of doubtful values from the page image, validation, and the fields
 * document (data/schema/fields.xsd, the contract of specs/forms.md).
 */
#ifndef HOSO_FIELDS_H
#define HOSO_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "ocr.h"
#include "template.h"

/* One field's outcome. */
struct hoso_fields_value {
	const struct hoso_template_field *field;
	char *value;			/* normalized; "" when not found */
	char *raw;			/* as recognized; "" when not found */
	double confidence;		/* 0..100, mean word confidence of the value */
	bool found;
	bool review;			/* a person must check it */
	bool reread;			/* the value comes from the zone's second reading */
	bool handwritten;		/* read from the pen ink of the filling */
	char reason[200];		/* why review, or what was corrected; "" when neither */
	/*
	 * Where it was read, in pixels of the page as recognized ([x0,x1) x
	 * [y0,y1), 0 0 top left): the value's zone; for a value not found, the
	 * zone searched (the whole page when the label was not found).
	 */
	int x0, y0, x1, y1;
};

/* The fields of one page read with one template. */
struct hoso_fields_page {
	const struct hoso_template *tpl;
	int page;			/* 1-based page number in its dossier or file */
	char *source;			/* the page's label, or NULL */
	struct hoso_fields_value *values;	/* one per template field, in template order */
	size_t n_values;
};

/*
 * The page image, for the second reading of a doubtful value: the engine
 * that recognized the page and an 8-bit grey copy of it (the layout's size).
 * Without one (eng NULL) values are taken as first read.
 */
struct hoso_fields_image {
	struct hoso_ocr *eng;
	const unsigned char *grey;
	/*
	 * The filling apart from the print (hoso_img_grey8_form), or NULL: a value
	 * with pen ink in its region is read there, as handwriting.
	 */
	const unsigned char *pen;
	int width, height, dpi;
};

/*
 * Which template of set the page is, by the printed title on it: the best
 * title match, or NULL when no title is there. With only set, only that
 * template is tried, and a page whose title is not found is still taken when
 * a third or more of its fields' labels are found (a stamp over the title).
 */
const struct hoso_template *hoso_fields_detect(const struct hoso_template_set *set,
    const struct hoso_template *only, const struct hoso_ocr_layout *layout);

/*
 * Read the fields of tpl from a recognized page. img may be NULL. out is
 * filled (free with hoso_fields_page_free); page and source are left to the
 * caller. Errors are HOSO_EIO (memory) and the engine's own.
 */
int hoso_fields_extract(const struct hoso_template *tpl, const struct hoso_ocr_layout *layout,
    const struct hoso_fields_image *img, struct hoso_fields_page *out, struct hoso_err *err);
void hoso_fields_page_free(struct hoso_fields_page *page);

/* The fields document of pages (in order) into out (appended). */
int hoso_fields_xml(const struct hoso_fields_page *pages, size_t n, struct hoso_buf *out,
    struct hoso_err *err);

/*
 * Tolerant label matching, exposed for tests: the key of text (lower case,
 * no diacritics, no spaces or punctuation but ':'), and the edit distance of
 * the best match of label's key starting at a word of text, or -1 when no
 * match is within the tolerance for the label's length.
 */
int hoso_fields_key(const char *text, struct hoso_buf *key, struct hoso_err *err);
int hoso_fields_match(const char *label, const char *text, struct hoso_err *err);

#endif
