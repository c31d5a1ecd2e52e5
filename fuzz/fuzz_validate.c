/* fuzz_validate.c - libFuzzer target for form-field normalization and validators (hoso_validate_*). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A value checked ok (and the value it wrote) obeys the output contract of specs/forms.md. */
static void
check_ok(enum hoso_validate_type type, const char *v)
{
	size_t n = strlen(v), i;

	if (n == 0)
		abort();
	switch (type) {
	case HOSO_VALIDATE_CCCD:
		if (n != 12 || strspn(v, "0123456789") != 12)
			abort();
		break;
	case HOSO_VALIDATE_DATE:
		if (n != 10 || v[4] != '-' || v[7] != '-')
			abort();
		break;
	case HOSO_VALIDATE_DATETIME:
		if (n != 16 || v[10] != 'T' || v[13] != ':')
			abort();
		break;
	case HOSO_VALIDATE_YEAR:
		if (n != 4 || strspn(v, "0123456789") != 4)
			abort();
		break;
	case HOSO_VALIDATE_PHONE:
		if ((n != 10 && n != 11) || v[0] != '0' || strspn(v, "0123456789") != n)
			abort();
		break;
	case HOSO_VALIDATE_EMAIL:
		if (strchr(v, '@') == NULL || strchr(v, ' ') != NULL)
			abort();
		for (i = (size_t)(strchr(v, '@') - v); i < n; i++)
			if (v[i] >= 'A' && v[i] <= 'Z')
				abort();
		break;
	case HOSO_VALIDATE_NAME:
		if (strpbrk(v, "0123456789") != NULL)
			abort();
		break;
	case HOSO_VALIDATE_ENUM:
		if (strcmp(v, "Nam") != 0 && strcmp(v, "Nữ") != 0 && strcmp(v, "Việt Nam") != 0)
			abort();
		break;
	default:
		break;
	}
	/* Trimmed, no double spaces. */
	if (v[0] == ' ' || v[n - 1] == ' ' || strstr(v, "  ") != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const values[] = { "Nam", "Nữ", "Việt Nam" };
	struct hoso_buf v1 = HOSO_BUF_INIT(0), v2 = HOSO_BUF_INIT(0);
	struct hoso_validate_result r1, r2;
	struct hoso_err err;
	enum hoso_validate_type t;
	char *raw;

	if ((raw = malloc(size + 1)) == NULL)
		return 0;
	memcpy(raw, data, size);
	raw[size] = '\0';	/* a NUL inside ends the value early, as in any C string */
	for (t = HOSO_VALIDATE_TEXT; t <= HOSO_VALIDATE_ENUM; t++) {
		if (hoso_validate_value(t, raw, values, 3, &v1, &r1, &err) != 0)
			abort();
		if (!hoso_utf8_valid(hoso_buf_str(&v1), v1.len) ||
		    !hoso_utf8_valid(r1.reason, strlen(r1.reason)) ||
		    memchr(r1.reason, '\0', sizeof(r1.reason)) == NULL)
			abort();
		if (!r1.ok && (r1.reason[0] == '\0' || r1.corrected))
			abort();
		if (!r1.ok)
			continue;
		if (!r1.corrected && r1.reason[0] != '\0')
			abort();
		check_ok(t, hoso_buf_str(&v1));
		/* What a validator writes, it takes back unchanged and without correction. */
		if (hoso_validate_value(t, hoso_buf_str(&v1), values, 3, &v2, &r2, &err) != 0 ||
		    !r2.ok || r2.corrected || strcmp(hoso_buf_str(&v1), hoso_buf_str(&v2)) != 0)
			abort();
	}
	hoso_buf_free(&v1);
	hoso_buf_free(&v2);
	free(raw);
	return 0;
}
