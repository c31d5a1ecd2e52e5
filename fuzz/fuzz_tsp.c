/*
 * fuzz_tsp.c - libFuzzer target for the time-stamp token check (tsp.c): the
 * token comes from the archive, so any bytes; the first byte picks the data
 * the imprint is compared with, so both the imprint and the later checks run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_tsp_token tk;

	if (size < 1)
		return 0;
	hoso_tsp_check(data + 1, size - 1, data, 1, NULL, &tk);
	/* Without trust anchors nothing can be proven valid. */
	if (tk.status == HOSO_TSP_VALID)
		abort();
	return 0;
}
