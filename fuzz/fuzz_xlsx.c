/* fuzz_xlsx.c - libFuzzer target for the Excel workbook reader (hoso_xlsx_*): ZIP and XML. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx.h"
#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_xlsx *x = NULL;
	struct hoso_err err;
	char **cells;
	size_t *lens, n, i;
	long row, last = 0;
	int r;

	hoso_xml_init();
	if (hoso_xlsx_open(&x, -1, data, size, "fuzz.xlsx", 4096, &err) != 0) {
		if (err.msg[0] == '\0')
			abort();
		return 0;
	}
	while ((r = hoso_xlsx_next(x, &cells, &lens, &n, &row, &err)) > 0) {
		/* Every cell is there, NUL-terminated at its length, and the row holds text. */
		bool any = false;

		for (i = 0; i < n; i++) {
			if (cells[i] == NULL || strlen(cells[i]) != lens[i] || cells[i][lens[i]] != '\0')
				abort();
			any = any || lens[i] > 0;
		}
		if (!any || n > 16384)
			abort();
		last = row;
	}
	if (r < 0 && err.msg[0] == '\0')
		abort();
	(void)last;
	hoso_xlsx_close(x);
	return 0;
}
