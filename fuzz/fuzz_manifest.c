/* fuzz_manifest.c - libFuzzer target for the ASiC manifest and BagIt manifest parsers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asic.h"
#include "bagit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_asic_manifest m;
	struct hoso_bagit_manifest b;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err;
	size_t i;

	if (hoso_asic_manifest_parse((const char *)data, size, "fuzz.xml", &m, &err) == 0) {
		/* What was accepted writes back out, and no reference name is empty. */
		for (i = 0; i < m.n; i++)
			if (m.refs[i].name[0] == '\0' || m.refs[i].digest_len < 32)
				abort();
		if (hoso_asic_manifest_write(m.sig_name, m.refs, m.n, &out, &err) != 0 &&
		    err.code != HOSO_EINPUT)
			abort();
		hoso_asic_manifest_free(&m);
	}
	if (hoso_bagit_parse((const char *)data, size, "fuzz.txt", 64, &b, &err) == 0) {
		for (i = 0; i < b.n; i++)
			if (b.e[i].path[0] == '/' || strlen(b.e[i].hex) != 64)
				abort();
		hoso_bagit_free(&b);
	}
	hoso_buf_free(&out);
	return 0;
}
