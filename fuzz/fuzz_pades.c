/*
 * fuzz_pades.c - libFuzzer target for the signature-extraction path of
 * verify FILE.pdf: the PDF is written to a temporary file (verify reads by
 * path, in blocks) and every signature is checked without trust anchors.
 * The helpers that read bytes of the file are fed the input directly too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pades.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct hoso_verify_report *reps = NULL;
	struct hoso_err err;
	unsigned char *out;
	char date[64];
	size_t n = 0, out_len, i;
	time_t t;
	FILE *f;
	int fd;

	/* the small parsers on the raw input */
	if (hoso_pades_der_len(data, size) > size)
		abort();
	if ((out = malloc(size / 2 + 1)) != NULL) {
		if (hoso_pades_gap_hex(data, size, out, &out_len) && out_len > size / 2)
			abort();
		free(out);
	}
	snprintf(date, sizeof(date), "%.*s", (int)(size < 40 ? size : 40), (const char *)data);
	(void)hoso_pades_parse_date(date, &t);
	/* the whole path over a file */
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/fuzz-pades-XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			return 0;
		close(fd);
	}
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	if (hoso_pades_verify(path, NULL, NULL, &reps, &n, &err) == 0) {
		/* without trust anchors nothing can be valid */
		for (i = 0; i < n; i++)
			if (reps[i].result == HOSO_VERIFY_VALID)
				abort();
		hoso_pades_reports_free(reps, n);
	}
	return 0;
}
