/*
 * template.h - form templates: one XML file per form (hoso-template(5), data/schema/template.xsd)
 * saying where each field's value is on the page and what type it is.
 */
#ifndef HOSO_TEMPLATE_H
#define HOSO_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "validate.h"

#define HOSO_TEMPLATE_NS	"urn:hoso:template:1"
#define HOSO_TEMPLATE_MAX_SIZE	(1u << 20)	/* bytes of one template file */

/* Where a value is, when it is not simply the rest of its label's line. */
struct hoso_template_zone {
	bool set;
	bool from_label;	/* true: millimetres from the label's right end and top;
				 * false: fractions 0..1 of the page's width and height */
	double x, y, width, height;
};

struct hoso_template_field {
	char *name;			/* [a-z0-9_]+, the field element's name attribute */
	char **labels;			/* printed label and alternative spellings */
	size_t n_labels;
	int occurrence;			/* 1-based, among the label's matches in the section */
	char *after, *before;		/* section: after / before these printed texts; NULL: none */
	struct hoso_template_zone zone;
	enum hoso_validate_type type;
	char **values;			/* enum: the allowed values */
	size_t n_values;
	bool block;			/* the value may go on over the next lines */
	int max_lines;			/* of a block value */
	double min_confidence;		/* below it the value is flagged for review */
	long line;			/* in the template file, for messages */
};

struct hoso_template {
	char *name;			/* the form's name: --form NAME */
	char *path;			/* the file it came from */
	char **titles;			/* printed title(s), for --form auto */
	size_t n_titles;
	char **stops;			/* other printed labels that end a value */
	size_t n_stops;
	struct hoso_template_field *fields;
	size_t n_fields;
};

struct hoso_template_set {
	struct hoso_template **templates;	/* sorted by name */
	size_t n;
};

/*
 * Parse one template. label names the input in messages ("file:line: ...").
 * Anything the schema or the rules of hoso-template(5) refuse is HOSO_EINPUT.
 */
int hoso_template_parse(const char *data, size_t len, const char *label,
    struct hoso_template **tpl, struct hoso_err *err);
int hoso_template_load(const char *path, struct hoso_template **tpl, struct hoso_err *err);
void hoso_template_free(struct hoso_template *tpl);

/*
 * Load every DIR/NAME.xml; two templates with one name are HOSO_EINPUT, a
 * directory that cannot be read HOSO_EIO.
 */
int hoso_template_load_dir(const char *dir, struct hoso_template_set *set, struct hoso_err *err);
void hoso_template_set_free(struct hoso_template_set *set);

/* The template named name, or NULL. */
const struct hoso_template *hoso_template_find(const struct hoso_template_set *set,
    const char *name);

/* "ct01, khai-sinh, tiep-nhan" into out (reset first). */
int hoso_template_names(const struct hoso_template_set *set, struct hoso_buf *out,
    struct hoso_err *err);

#endif
