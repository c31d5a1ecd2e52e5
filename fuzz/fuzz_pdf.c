/*
 * fuzz_pdf.c - libFuzzer entry for lib/pdf.c: open, count, and take the
 * image out of every page (bounded), then check that what came out is
 * what the extension says and that every failure says why.
 *
 * Build: make fuzz; run: build-fuzz/fuzz_pdf -max_total_time=60 -max_len=65536 testdata/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "pdf.h"
#include "tiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PAGES	32
#define FUZZ_MAX_PIXELS	((size_t)1 << 20)
#define FUZZ_MAX_OUT	((size_t)64 * 1024 * 1024)

/* A kept image is a JPEG (as stored: only its start is ours to check) or a one-page TIFF. */
static void
check_image(const struct hoso_buf *out, const char *ext)
{
	struct hoso_tiff *t = NULL;
	struct hoso_err err;
	int n = 0;

	if (strcmp(ext, "jpg") == 0) {
		if (out->len < 4 || (unsigned char)out->data[0] != 0xff ||
		    (unsigned char)out->data[1] != 0xd8)
			abort();
		return;
	}
	if (strcmp(ext, "tif") != 0 || !hoso_tiff_is(out->data, out->len) ||
	    hoso_tiff_open(out->data, out->len, "page", &t, &err) != 0 ||
	    hoso_tiff_count(t, &n, &err) != 0 || n != 1)
		abort();
	hoso_tiff_close(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_buf out = HOSO_BUF_INIT(FUZZ_MAX_OUT);
	struct hoso_pdf *p = NULL;
	struct hoso_err err;
	const char *ext;
	int n = 0, page, r;

	hoso_err_clear(&err);
	(void)hoso_pdf_is(data, size);
	if (hoso_pdf_open(data, size, "fuzz.pdf", &p, &err) != 0)
		goto out;
	if (hoso_pdf_count(p, &n, &err) != 0)
		goto out;
	if (n > FUZZ_MAX_PAGES)
		n = FUZZ_MAX_PAGES;
	for (page = 0; page < n; page++) {
		hoso_buf_reset(&out);
		ext = NULL;
		r = hoso_pdf_page_image(p, page, FUZZ_MAX_PIXELS, &out, &ext, &err);
		/* the library's codes only, and a message with every failure */
		if (r != 0 && (r != err.code || err.msg[0] == '\0' || r < HOSO_EENGINE ||
		    ext != NULL || out.len != 0))
			abort();
		if (r == 0)
			check_image(&out, ext);
	}
out:
	hoso_pdf_close(p);
	hoso_buf_free(&out);
	return 0;
}
