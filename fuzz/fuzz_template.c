/* fuzz_template.c - libFuzzer target for the form template parser (hoso_template_parse). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_template *t = NULL;
	struct hoso_err err;
	size_t i, k;

	hoso_xml_init();
	if (hoso_template_parse((const char *)data, size, "fuzz.xml", &t, &err) != 0) {
		/* Refused input is bad input, with a message, and nothing handed out. */
		if (t != NULL || err.code != HOSO_EINPUT || err.msg[0] == '\0')
			abort();
		return 0;
	}
	/* What it accepts keeps the rules the extractor relies on. */
	if (t->n_titles == 0 || t->n_fields == 0 || t->name == NULL)
		abort();
	for (i = 0; i < t->n_fields; i++) {
		const struct hoso_template_field *f = &t->fields[i];
		if (f->name == NULL || f->occurrence < 1 || f->max_lines < 1 ||
		    (f->n_labels == 0 && !(f->zone.set && !f->zone.from_label)) ||
		    (f->type == HOSO_VALIDATE_ENUM) != (f->n_values > 0))
			abort();
		for (k = 0; k < f->n_labels; k++)
			if (f->labels[k][0] == '\0')
				abort();
	}
	hoso_template_free(t);
	return 0;
}
