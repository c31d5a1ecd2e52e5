/* fuzz_register.c - libFuzzer target for the register CSV reader (hoso_register_*). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "register.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_register_opts o = { "fuzz.csv", 0, 4096, false, NULL };
	size_t skipped[HOSO_REG_SKIP_MAX];
	struct hoso_register *reg = NULL;
	struct hoso_register_row row;
	struct hoso_err err;
	int fds[2], r, pass;

	/* Both modes: strict stops at the first bad row, lenient reads on. */
	for (pass = 0; pass < 2; pass++) {
		FILE *f = tmpfile();

		if (f == NULL)
			abort();
		if (size > 0 && fwrite(data, 1, size, f) != size)
			abort();
		fflush(f);
		rewind(f);
		fds[0] = fileno(f);
		o.lenient = pass == 1;
		o.skipped = skipped;
		o.block_size = 7 + (size % 64);	/* small blocks: records straddle reads */
		memset(skipped, 0, sizeof(skipped));
		if (hoso_register_open(&reg, fds[0], &o, &err) == 0) {
			while ((r = hoso_register_next(reg, &row, &err)) > 0) {
				/* Whatever is accepted obeys the spec's row rules. */
				if (row.code[0] == '\0' || row.unit[0] == '\0' || row.kenh < 1 || row.kenh > 3 ||
				    row.recv == HOSO_DATE_NONE ||
				    (row.done != HOSO_DATE_NONE && row.done < row.recv))
					abort();
			}
			if (r < 0 && err.msg[0] == '\0')
				abort();
			hoso_register_close(reg);
			reg = NULL;
		}
		fclose(f);
	}
	return 0;
}
