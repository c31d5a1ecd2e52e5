/*
 * fuzz_img.c - libFuzzer target for image probing and decoding: whatever the
 * bytes, hoso_img_probe and hoso_img_decode must return, not crash or hang;
 * a small pixel limit keeps each run cheap and exercises the bomb check.
 * A decoded image also goes through the form copies (print and pen apart,
 * lines and leader dots out), whose pen copy must be of the print's size.
 * Seed corpus: testdata/tesseract/ and colour scans of filled forms.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "err.h"
#include "img.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Enough for the test pages (640x480); larger claims are refused unread. */
#define FUZZ_MAX_PIXELS	((size_t)1 << 20)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_err err = { 0 };
	struct hoso_img_info info;
	struct hoso_img *img = NULL;
	unsigned char *grey = NULL, *pen = NULL;
	int w, h;

	(void)hoso_img_sniff(data, size);
	if (hoso_img_probe(data, size, "fuzz", FUZZ_MAX_PIXELS, &info, &err) != 0)
		return 0;
	if (hoso_img_decode(data, size, "fuzz", FUZZ_MAX_PIXELS, &img, &err) != 0)
		return 0;
	/* A decoded image must be usable: dimensions as probed, a grey copy. */
	if (hoso_img_width(img) != info.width || hoso_img_height(img) != info.height)
		abort();
	if (hoso_img_grey8(img, &grey, &w, &h, &err) == 0)
		free(grey);
	grey = NULL;
	if (hoso_img_grey8_form(img, 300, &grey, &pen, &w, &h, &err) == 0) {
		if (w != hoso_img_width(img) || h != hoso_img_height(img))
			abort();
		free(grey);
		free(pen);
	}
	hoso_img_free(img);
	return 0;
}
