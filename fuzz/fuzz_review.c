/*
 * fuzz_review.c - libFuzzer target for what review reads from outside: a fields document
 * (hoso_review_parse; once written back, a document must read and write to itself: NFC and
 * escaping are applied by the first write only) and a
 * form-urlencoded request body (hoso_http_form_value).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "review.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_review_doc *doc = NULL, *again = NULL, *third = NULL;
	struct hoso_buf out = HOSO_BUF_INIT(0), out2 = HOSO_BUF_INIT(0), v = HOSO_BUF_INIT(1 << 20);
	struct hoso_err err;
	size_t i;

	if (hoso_http_form_value(data, size, "ho_ten", &v, &err) < 0 && err.code != HOSO_EINPUT)
		abort();
	if (hoso_review_parse((const char *)data, size, "fuzz", &doc, &err) == 0) {
		if (hoso_review_to_xml(doc, &out, &err) != 0 ||
		    hoso_review_parse(out.data, out.len, "again", &again, &err) != 0 ||
		    again->n_fields != doc->n_fields || again->n_forms != doc->n_forms ||
		    hoso_review_to_xml(again, &out2, &err) != 0 ||
		    hoso_review_parse(out2.data, out2.len, "third", &third, &err) != 0 ||
		    out.len != out2.len || memcmp(out.data, out2.data, out.len) != 0)
			abort();
		for (i = 0; i < again->n_fields; i++)
			if (strcmp(again->fields[i].tag, third->fields[i].tag) != 0)
				abort();
	}
	hoso_review_doc_free(doc);
	hoso_review_doc_free(again);
	hoso_review_doc_free(third);
	hoso_buf_free(&out);
	hoso_buf_free(&out2);
	hoso_buf_free(&v);
	return 0;
}
