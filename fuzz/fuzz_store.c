/* fuzz_store.c - libFuzzer target for the dossier.xml reader (hoso_store_from_xml). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_dossier *d;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err;
	size_t i;

	if ((d = calloc(1, sizeof(*d))) == NULL || (d->code = strdup("000.17.22.H56-210531-0001")) == NULL)
		abort();
	d->lock_fd = -1;
	if (hoso_store_from_xml(d, (const char *)data, size, "fuzz.xml", &err) == 0) {
		/* Whatever was accepted must write back out. */
		if (hoso_store_to_xml(d, &out, &err) != 0)
			abort();
		/* Page file names are opened later: nothing but pages/<safe name>. */
		for (i = 0; i < d->n_pages; i++)
			if (strncmp(d->pages[i].file, "pages/", 6) != 0 ||
			    strchr(d->pages[i].file + 6, '/') != NULL || d->pages[i].file[6] == '.')
				abort();
	}
	hoso_buf_free(&out);
	hoso_store_close(d);
	return 0;
}
