/* fuzz_zip.c - libFuzzer target for the strict ZIP reader (hoso_zipr_open_mem, hoso_zipr_read). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sink(void *ctx, const void *p, size_t n, struct hoso_err *err)
{
	(void)p;
	(void)err;
	*(uint64_t *)ctx += n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits so that a bomb is refused, not slowly inflated. */
	struct hoso_zip_limits lim = { 64 << 20, 0, 1000 };
	struct hoso_zipr *zr;
	struct hoso_err err;
	const struct hoso_zip_entry *e;
	uint64_t got;
	size_t i;

	if (hoso_zipr_open_mem(data, size, "fuzz.zip", &lim, &zr, &err) != 0)
		return 0;
	for (i = 0; i < hoso_zipr_count(zr); i++) {
		e = hoso_zipr_entry(zr, i);
		/* What the reader accepted is safe to extract: it promised so. */
		if (e->name[0] == '/' || strstr(e->name, "..") == e->name || strchr(e->name, '\\') ||
		    e->data_offset + e->csize > size)
			abort();
		got = 0;
		if (hoso_zipr_read(zr, i, sink, &got, &err) == 0 && got != e->usize)
			abort();
	}
	hoso_zipr_free(zr);
	return 0;
}
