/* fuzz_units.c - libFuzzer target for the units file (hoso_units_load) and roll-up over it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "register.h"
#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A loaded file: every unit, on a few days, finds itself by code, climbs to
 * the top in fewer steps than there are units (no loop got through), and maps
 * --as-of to a unit or an error.
 */
static void
walk(const struct hoso_units *u)
{
	static const int32_t days[] = { INT32_MIN + 1, 0, 20000, 20270, 20271, INT32_MAX - 1 };
	struct hoso_err err;
	uint32_t i, idx, span, out, found;
	size_t d, steps, n = hoso_units_count(u);

	for (i = 0; i < n; i++) {
		const struct hoso_unit *x = hoso_units_get(u, i);

		if (x->from != INT32_MIN && (!hoso_units_find(u, x->code, x->from, &found) || found != i))
			abort();
		for (d = 0; d < sizeof(days) / sizeof(days[0]); d++) {
			idx = i;
			span = hoso_units_span(u, i, days[d]);
			if (span >= hoso_units_n_spans(u, i))
				abort();
			for (steps = 0; hoso_units_up(u, &idx, &span); steps++)
				if (steps > n || span >= hoso_units_n_spans(u, idx))
					abort();
			(void)hoso_units_as_of(u, i, days[d], &out, &err);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_units *u = NULL;
	struct hoso_err err;
	FILE *f = tmpfile();
	int fd;

	if (f == NULL)
		return 0;
	if (fwrite(data, 1, size, f) != size || fflush(f) != 0) {
		fclose(f);
		return 0;
	}
	fd = fileno(f);
	if (lseek(fd, 0, SEEK_SET) == 0 && hoso_units_load(&u, fd, "fuzz.csv", &err) == 0) {
		walk(u);
		hoso_units_free(u);
	}
	fclose(f);
	return 0;
}
