/*
 * fuzz_tiff.c - libFuzzer entry for lib/tiff.c: open, count, read every
 * page's directory and extract every page (bounded), then check that each
 * extracted page is itself a one-page TIFF with the same geometry.
 *
 * Build: make fuzz; run: build-fuzz/fuzz_tiff -max_total_time=60 testdata/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "err.h"
#include "tiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PAGES	64
#define FUZZ_MAX_OUT	((size_t)64 * 1024 * 1024)

/* An extracted page must reopen as exactly that page. */
static void
check_page(const struct hoso_buf *page, const struct hoso_tiff_info *want)
{
	struct hoso_tiff_info got;
	struct hoso_tiff *t = NULL;
	struct hoso_err err;
	int n = 0;

	if (!hoso_tiff_is(page->data, page->len) ||
	    hoso_tiff_open(page->data, page->len, "page", &t, &err) != 0 ||
	    hoso_tiff_count(t, &n, &err) != 0 || n != 1 ||
	    hoso_tiff_page_info(t, 0, &got, &err) != 0 ||
	    got.width != want->width || got.height != want->height ||
	    got.bits_per_sample != want->bits_per_sample ||
	    got.samples_per_pixel != want->samples_per_pixel ||
	    got.compression != want->compression)
		abort();
	hoso_tiff_close(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_buf out = HOSO_BUF_INIT(FUZZ_MAX_OUT);
	struct hoso_tiff_info info;
	struct hoso_tiff *t = NULL;
	struct hoso_err err;
	int n = 0, page, r;

	hoso_err_clear(&err);
	(void)hoso_tiff_is(data, size);
	if (hoso_tiff_open(data, size, "fuzz.tif", &t, &err) != 0)
		goto out;
	if (hoso_tiff_count(t, &n, &err) != 0)
		goto out;
	if (n > FUZZ_MAX_PAGES)
		n = FUZZ_MAX_PAGES;
	for (page = 0; page < n; page++) {
		if (hoso_tiff_page_info(t, page, &info, &err) != 0)
			continue;
		hoso_buf_reset(&out);
		r = hoso_tiff_extract(t, page, &out, &err);
		/* the library's codes only, and a message with every failure */
		if (r != 0 && (r != err.code || err.msg[0] == '\0' || r < HOSO_EENGINE))
			abort();
		if (r == 0)
			check_page(&out, &info);
	}
out:
	hoso_tiff_close(t);
	hoso_buf_free(&out);
	return 0;
}
