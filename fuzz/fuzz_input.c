/*
 * fuzz_input.c - libFuzzer target: the bytes are read as an archive through
 * the member-reading path of input.c with small limits, and every label
 * handed out must be printable UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_label(const char *label)
{
	const unsigned char *p = (const unsigned char *)label;

	/* A label ends up on terminals and in XML: no control characters. */
	if (!hoso_utf8_valid(label, strlen(label)))
		abort();
	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

static int
fuzz_item(void *ctx, const struct hoso_input_item *item, struct hoso_err *err)
{
	unsigned *sum = ctx;
	size_t i;

	(void)err;
	check_label(item->label);
	if (item->len > 4096)
		abort();
	/* Touch every byte so that the sanitizers see a bad length. */
	for (i = 0; i < item->len; i++)
		*sum += item->data[i];
	return 0;
}

static void
fuzz_bad(void *ctx, const char *label, const struct hoso_err *why)
{
	(void)ctx;
	check_label(label);
	if (why->code >= 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_input_opts opts = { 4096, 65536, NULL };
	unsigned sum = 0;
	struct hoso_input_ops ops = { fuzz_item, fuzz_bad, &sum };
	struct hoso_err err;

	hoso_err_clear(&err);
	/* Only running out of memory may end the walk with an error. */
	if (hoso_input_archive("fuzz.zip", data, size, &opts, &ops, &err) != 0 &&
	    err.code != HOSO_EIO)
		abort();
	(void)hoso_input_is_archive(data, size);
	return 0;
}
