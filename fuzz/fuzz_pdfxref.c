/*
 * fuzz_pdfxref.c - libFuzzer target for lib/pdfxref.c: the input is a whole
 * file; its cross-reference chain is read, every in-use entry's object is
 * measured, and the stretches between objects are skipped as blank. The
 * invariants: nothing found lies outside the input, the merged entries are
 * sorted and unique, and a measured object ends after it starts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "pdfxref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_pdfxref x;
	struct hoso_err err;
	long long num, end, at;
	size_t i;
	int gen;

	if (hoso_pdfxref_read(data, size, "fuzz.pdf", &x, &err) != 0)
		return 0;
	if (x.startxref < 0 || x.startxref >= (long long)size || x.eof_end > (long long)size)
		abort();
	for (i = 0; i < x.n_sections; i++)
		if (x.sections[i].off < 0 || x.sections[i].end > (long long)size ||
		    x.sections[i].first + x.sections[i].n > x.n_entries)
			abort();
	for (i = 0; i < x.n_merged; i++) {
		if (i > 0 && x.merged[i - 1].num >= x.merged[i].num)
			abort();
		if (hoso_pdfxref_lookup(&x, x.merged[i].num) != &x.merged[i])
			abort();
		if (x.merged[i].type != 'n')
			continue;
		if (hoso_pdfxref_object(&x, x.merged[i].off, &num, &gen, &end, &err) == 0 &&
		    (end <= x.merged[i].off || end > (long long)size))
			abort();
		at = hoso_pdfxref_skip_blank(&x, x.merged[i].off, (long long)size, &x.startxref, 1);
		if (at < x.merged[i].off || at > (long long)size)
			abort();
	}
	hoso_pdfxref_free(&x);
	return 0;
}
