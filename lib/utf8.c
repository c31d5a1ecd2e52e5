/* utf8.c - the only file that includes libunistring headers. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <uniwidth.h>
#include <unistr.h>

#include "i18n.h"
#include "utf8.h"

bool
hoso_utf8_valid(const char *s, size_t n)
{
	return u8_check((const uint8_t *)s, n) == NULL;
}

int
hoso_utf8_nfc(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	uint8_t *res;
	size_t rlen = 0;
	int r;

	if (!hoso_utf8_valid(s, n))
		return hoso_err_set(err, HOSO_EINPUT, _("text is not valid UTF-8"));
	if (n == 0)
		return hoso_buf_add(out, "", 0, err);
	res = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &rlen);
	if (res == NULL)
		return hoso_err_set(err, HOSO_EIO, _("cannot normalize text to NFC"));
	r = hoso_buf_add(out, res, rlen, err);
	free(res);
	return r;
}

int
hoso_utf8_casefold(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	uint8_t *res;
	size_t rlen = 0;
	int r;

	if (!hoso_utf8_valid(s, n))
		return hoso_err_set(err, HOSO_EINPUT, _("text is not valid UTF-8"));
	if (n == 0)
		return hoso_buf_add(out, "", 0, err);
	res = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFC, NULL, &rlen);
	if (res == NULL)
		return hoso_err_set(err, HOSO_EIO, _("cannot case-fold text"));
	r = hoso_buf_add(out, res, rlen, err);
	free(res);
	return r;
}

int
hoso_utf8_label(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_buf tmp = HOSO_BUF_INIT(0);
	const uint8_t *p = (const uint8_t *)s, *end = p + n;
	ucs4_t uc;
	int len, r = 0;

	while (p < end && r == 0) {
		len = u8_mbtouc(&uc, p, (size_t)(end - p));
		if (uc == 0xfffd && !(len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] == 0xbd))
			len = -1;	/* u8_mbtouc reports invalid bytes as U+FFFD */
		if (len < 0 || uc < 0x20 || uc == 0x7f || (uc >= 0x80 && uc < 0xa0)) {
			r = hoso_buf_addf(&tmp, err, "\\x%02X", p[0]);
			p++;
			continue;
		}
		r = hoso_buf_add(&tmp, p, (size_t)len, err);
		p += len;
	}
	if (r == 0)
		r = hoso_utf8_nfc(hoso_buf_str(&tmp), tmp.len, out, err);
	hoso_buf_free(&tmp);
	return r;
}

bool
hoso_utf8_has_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
		    (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)))
			return true;
	return false;
}

size_t
hoso_utf8_width(const char *s)
{
	/* Wide (CJK) characters take two columns, combining marks none. */
	return (size_t)u8_strwidth((const uint8_t *)s, "UTF-8");
}

int
hoso_utf8_decode(const char *s, size_t n, uint32_t *c)
{
	ucs4_t uc;
	int len = u8_mbtouc(&uc, (const uint8_t *)s, n);

	if (len <= 0) {
		*c = 0xfffd;
		return 1;
	}
	*c = uc;
	return len;
}

uint32_t
hoso_utf8_base_letter(uint32_t c)
{
	ucs4_t lower = uc_tolower((ucs4_t)c), d[UC_DECOMPOSITION_MAX_LENGTH];
	int kind, n;

	/* Vietnamese đ has no decomposition: its base letter is d all the same. */
	if (lower == 0x0111)
		return 'd';
	if (lower < 0x80)
		return lower;
	/* Canonical decompositions nest (ệ = ẹ + ̂ = e + ̣ + ̂): follow the first part. */
	while ((n = uc_decomposition(lower, &kind, d)) > 0 && kind == UC_DECOMP_CANONICAL &&
	    d[0] != lower)
		lower = d[0];
	return lower;
}

static bool
word_char(ucs4_t c)
{
	return uc_is_alnum(c) || uc_is_general_category(c, UC_CATEGORY_M);
}

int
hoso_utf8_word(const char *s, size_t n, size_t *pos, size_t *start, size_t *end,
    struct hoso_buf *fold, struct hoso_buf *lower, struct hoso_err *err)
{
	size_t i = *pos, b;
	ucs4_t c;
	int len, r;

	hoso_buf_reset(fold);
	if (lower != NULL)
		hoso_buf_reset(lower);
	/* Skip to a word; a lone combining mark does not start one. */
	for (;;) {
		if (i >= n) {
			*pos = n;
			return 0;
		}
		len = u8_mbtouc(&c, (const uint8_t *)s + i, n - i);
		if (len > 0 && uc_is_alnum(c))
			break;
		i += len > 0 ? (size_t)len : 1;
	}
	b = i;
	while (i < n) {
		len = u8_mbtouc(&c, (const uint8_t *)s + i, n - i);
		if (len <= 0 || c == 0xfffd || !word_char(c))
			break;
		if (!uc_is_general_category(c, UC_CATEGORY_M)) {
			uint8_t enc[6];
			int k = u8_uctomb(enc, hoso_utf8_base_letter(c), (int)sizeof enc);

			if (k > 0 && (r = hoso_buf_add(fold, enc, (size_t)k, err)) != 0)
				return r;
		}
		i += (size_t)len;
	}
	*start = b;
	*end = i;
	*pos = i;
	if (lower != NULL) {
		size_t ln = 0;
		uint8_t *l = u8_tolower((const uint8_t *)s + b, i - b, NULL, UNINORM_NFC, NULL, &ln);

		if (l == NULL)
			return hoso_err_sys(err, errno, "%s", _("cannot fold a word to lower case"));
		r = hoso_buf_add(lower, l, ln, err);
		free(l);
		if (r != 0)
			return r;
	}
	return 1;
}

int
hoso_utf8_fold_words(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_buf w = HOSO_BUF_INIT(0);
	size_t pos = 0, a, b;
	int r;

	while ((r = hoso_utf8_word(s, n, &pos, &a, &b, &w, NULL, err)) > 0) {
		if ((out->len > 0 && (r = hoso_buf_addc(out, ' ', err)) != 0) ||
		    (r = hoso_buf_add(out, w.data, w.len, err)) != 0)
			break;
	}
	hoso_buf_free(&w);
	return r < 0 ? r : 0;
}

bool
hoso_utf8_is_letter(uint32_t c)
{
	return uc_is_alpha(c);
}

bool
hoso_utf8_is_lower(uint32_t c)
{
	return uc_is_property_lowercase(c);
}
