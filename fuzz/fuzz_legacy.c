/*
 * fuzz_legacy.c - libFuzzer target for the legacy encodings (legacy.c): any bytes read as
 * Windows-1258, TCVN3 or VNI give valid UTF-8, and detection either picks one of them or
 * refuses with a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "legacy.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int encs[] = { HOSO_ENC_CP1258, HOSO_ENC_TCVN3, HOSO_ENC_VNI };
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err;
	size_t i;
	int enc = -1;

	for (i = 0; i < 3; i++) {
		hoso_buf_reset(&out);
		if (hoso_legacy_decode(encs[i], (const char *)data, size, &out, &err) != 0 ||
		    !hoso_utf8_valid(hoso_buf_str(&out), out.len))
			abort();
	}
	if (hoso_legacy_detect((const char *)data, size, "fuzz", &enc, &err) == 0) {
		if (enc != HOSO_ENC_CP1258 && enc != HOSO_ENC_TCVN3 && enc != HOSO_ENC_VNI)
			abort();
	} else if (err.msg[0] == '\0') {
		abort();
	}
	hoso_buf_free(&out);
	return 0;
}
