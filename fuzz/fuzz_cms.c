/*
 * fuzz_cms.c - libFuzzer target for the CMS wrapper: hoso_cms_verify on a hostile
 * SignedData (certificates, attributes, timestamp tokens inside) over hostile content.
 * The first two bytes split the input into signature and content; no trust anchors,
 * so every path up to the chain check runs and nothing touches the network.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
known(int st)
{
	return st == HOSO_CMS_VALID || st == HOSO_CMS_INVALID || st == HOSO_CMS_INDETERMINATE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_cms_result res;
	struct hoso_err err;
	size_t split;

	if (size < 2)
		return 0;
	split = ((size_t)data[0] << 8 | data[1]) % (size - 1);
	data += 2;
	size -= 2;
	if (hoso_cms_verify(data, split, data + split, size - split, NULL, &res, &err) != 0)
		return 0;
	/* Without trust anchors nothing can be valid as a whole. */
	if (!known(res.sig_status) || !known(res.cert_status) ||
	    (res.sig_status == HOSO_CMS_VALID && res.cert_status == HOSO_CMS_VALID))
		abort();
	return 0;
}
