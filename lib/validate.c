/*
 * validate.c - normalization and validators of form-field values (specs/forms.md).
 *
 * Every value goes through the same cleaning (NFC, white space, leader dots,
 * stray punctuation at the ends), then through its type's parser, which
 * writes the canonical form and says in res->reason why it is not to be
 * trusted. Pure string work on the caller's buffers: no global state.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "i18n.h"
#include "store.h"
#include "utf8.h"
#include "validate.h"

static const char *const type_names[] = {
	"text", "name", "cccd", "date", "datetime", "year", "phone", "email", "dossier-code", "enum",
};
#define N_TYPES (sizeof(type_names) / sizeof(type_names[0]))

int
hoso_validate_type_parse(const char *name, enum hoso_validate_type *type)
{
	size_t i;

	for (i = 0; name != NULL && i < N_TYPES; i++) {
		if (strcmp(name, type_names[i]) == 0) {
			*type = (enum hoso_validate_type)i;
			return 0;
		}
	}
	return HOSO_EUSAGE;
}

const char *
hoso_validate_type_name(enum hoso_validate_type type)
{
	return (size_t)type < N_TYPES ? type_names[type] : "?";
}

/* ---- UTF-8 and the Vietnamese alphabet ---------------------------------- */

/* Decode one code point of text already checked to be UTF-8. */
static size_t
dec(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] < 0xe0 && p[1] != 0) {
		*cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		return 2;
	}
	if (p[0] < 0xf0 && p[1] != 0 && p[2] != 0) {
		*cp = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		return 3;
	}
	if (p[1] != 0 && p[2] != 0 && p[3] != 0) {
		*cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
		    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

/* Encode cp as a C string in out[5]. */
static const char *
enc(uint32_t cp, char out[5])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		out[1] = '\0';
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		out[2] = '\0';
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		out[3] = '\0';
	} else {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		out[4] = '\0';
	}
	return out;
}

/*
 * The precomposed letters of the Vietnamese alphabet (NFC), upper and lower
 * case, with the unaccented letter each is built on: a ă â e ê i o ô ơ u ư y
 * under the five tones, and đ. Plain a-z are handled as ASCII.
 */
static const struct vn_letter {
	uint16_t upper, lower;
	char base;
} vn_letters[] = {
	{ 0x00c0, 0x00e0, 'a' }, { 0x00c1, 0x00e1, 'a' }, { 0x1ea2, 0x1ea3, 'a' }, { 0x00c3, 0x00e3, 'a' },
	{ 0x1ea0, 0x1ea1, 'a' }, { 0x0102, 0x0103, 'a' }, { 0x1eb0, 0x1eb1, 'a' }, { 0x1eae, 0x1eaf, 'a' },
	{ 0x1eb2, 0x1eb3, 'a' }, { 0x1eb4, 0x1eb5, 'a' }, { 0x1eb6, 0x1eb7, 'a' }, { 0x00c2, 0x00e2, 'a' },
	{ 0x1ea6, 0x1ea7, 'a' }, { 0x1ea4, 0x1ea5, 'a' }, { 0x1ea8, 0x1ea9, 'a' }, { 0x1eaa, 0x1eab, 'a' },
	{ 0x1eac, 0x1ead, 'a' }, { 0x00c8, 0x00e8, 'e' }, { 0x00c9, 0x00e9, 'e' }, { 0x1eba, 0x1ebb, 'e' },
	{ 0x1ebc, 0x1ebd, 'e' }, { 0x1eb8, 0x1eb9, 'e' }, { 0x00ca, 0x00ea, 'e' }, { 0x1ec0, 0x1ec1, 'e' },
	{ 0x1ebe, 0x1ebf, 'e' }, { 0x1ec2, 0x1ec3, 'e' }, { 0x1ec4, 0x1ec5, 'e' }, { 0x1ec6, 0x1ec7, 'e' },
	{ 0x00cc, 0x00ec, 'i' }, { 0x00cd, 0x00ed, 'i' }, { 0x1ec8, 0x1ec9, 'i' }, { 0x0128, 0x0129, 'i' },
	{ 0x1eca, 0x1ecb, 'i' }, { 0x00d2, 0x00f2, 'o' }, { 0x00d3, 0x00f3, 'o' }, { 0x1ece, 0x1ecf, 'o' },
	{ 0x00d5, 0x00f5, 'o' }, { 0x1ecc, 0x1ecd, 'o' }, { 0x00d4, 0x00f4, 'o' }, { 0x1ed2, 0x1ed3, 'o' },
	{ 0x1ed0, 0x1ed1, 'o' }, { 0x1ed4, 0x1ed5, 'o' }, { 0x1ed6, 0x1ed7, 'o' }, { 0x1ed8, 0x1ed9, 'o' },
	{ 0x01a0, 0x01a1, 'o' }, { 0x1edc, 0x1edd, 'o' }, { 0x1eda, 0x1edb, 'o' }, { 0x1ede, 0x1edf, 'o' },
	{ 0x1ee0, 0x1ee1, 'o' }, { 0x1ee2, 0x1ee3, 'o' }, { 0x00d9, 0x00f9, 'u' }, { 0x00da, 0x00fa, 'u' },
	{ 0x1ee6, 0x1ee7, 'u' }, { 0x0168, 0x0169, 'u' }, { 0x1ee4, 0x1ee5, 'u' }, { 0x01af, 0x01b0, 'u' },
	{ 0x1eea, 0x1eeb, 'u' }, { 0x1ee8, 0x1ee9, 'u' }, { 0x1eec, 0x1eed, 'u' }, { 0x1eee, 0x1eef, 'u' },
	{ 0x1ef0, 0x1ef1, 'u' }, { 0x1ef2, 0x1ef3, 'y' }, { 0x00dd, 0x00fd, 'y' }, { 0x1ef6, 0x1ef7, 'y' },
	{ 0x1ef8, 0x1ef9, 'y' }, { 0x1ef4, 0x1ef5, 'y' }, { 0x0110, 0x0111, 'd' },
};

static const struct vn_letter *
vn_letter(uint32_t cp)
{
	size_t i;

	if (cp < 0xc0)
		return NULL;
	for (i = 0; i < sizeof(vn_letters) / sizeof(vn_letters[0]); i++)
		if (vn_letters[i].upper == cp || vn_letters[i].lower == cp)
			return &vn_letters[i];
	return NULL;
}

static bool
ascii_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* A letter of a Vietnamese name: a-z (minority and foreign names) or a Vietnamese letter. */
static bool
is_letter(uint32_t cp)
{
	return ascii_letter(cp) || vn_letter(cp) != NULL;
}

/* Lower case, keeping the diacritics (Vietnamese letters and ASCII only). */
static uint32_t
fold_case(uint32_t cp)
{
	const struct vn_letter *l;

	if (cp >= 'A' && cp <= 'Z')
		return cp + ('a' - 'A');
	if ((l = vn_letter(cp)) != NULL)
		return l->lower;
	return cp;
}

/* Lower case without diacritics: "Nữ" and "NU" both fold to "nu". */
static uint32_t
fold_base(uint32_t cp)
{
	const struct vn_letter *l;

	if ((l = vn_letter(cp)) != NULL)
		return (uint32_t)l->base;
	return fold_case(cp);
}

/* ---- reasons ------------------------------------------------------------ */

/* Cut a truncated multibyte sequence off the end of s. */
static void
utf8_cut(char *s)
{
	size_t len = strlen(s), i = len, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

static void why(struct hoso_validate_result *res, const char *fmt, ...) HOSO_PRINTF(2, 3);

/* Set res->reason (never cutting a character in two). */
static void
why(struct hoso_validate_result *res, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
	if (n < 0)
		res->reason[0] = '\0';
	else if ((size_t)n >= sizeof(res->reason))
		utf8_cut(res->reason);
}

/* ---- the cleaning every type shares ------------------------------------- */

static bool
is_space(uint32_t cp)
{
	return cp <= 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0xa0) || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
	    cp == 0x205f || cp == 0x3000;
}

/* Characters OCR leaves in that mean nothing: zero-width ones, soft hyphen, BOM. */
static bool
is_invisible(uint32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff || cp == 0xad;
}

/* How many dots a character of a leader line counts for (0: not one). */
static int
leader_units(uint32_t cp)
{
	switch (cp) {
	case '.': case '_': case 0xb7: case 0x2024: case 0x2027:
		return 1;
	case 0x2025:
		return 2;
	case 0x2026: case 0x22ef:
		return 3;
	default:
		return 0;
	}
}

static bool
is_dash(uint32_t cp)
{
	return cp >= 0x2010 && cp <= 0x2015;
}

/*
 * Punctuation that means nothing at either end of a value: what follows a
 * label (':'), ends a line (',' ';' '.'), or is left of a leader or a border.
 * '|' is kept for cccd and dossier codes, where it may be a misread 1.
 */
static bool
is_stray(uint32_t cp, bool keep_bar)
{
	if (cp == '|')
		return !keep_bar;
	return leader_units(cp) > 0 || is_dash(cp) || cp == ':' || cp == ';' || cp == ',' ||
	    cp == '-' || cp == '=' || cp == '~' || cp == '*' || cp == 0x2022 || cp == 0xff1a;
}

/*
 * A leader line is a run of leader characters (and spaces between them) worth
 * at least three dots, or holding an ellipsis: "……", ".....", ". . .", "___".
 * Two dots are left alone: "a..b" is more likely a slip inside a value.
 * Returns the byte length of the run at s, 0 when there is none.
 */
static size_t
leader_run(const char *s)
{
	size_t i = 0, end = 0, len;
	uint32_t cp;
	int units = 0, u;
	bool ellipsis = false;

	while (s[i] != '\0') {
		len = dec(s + i, &cp);
		if ((u = leader_units(cp)) > 0) {
			units += u;
			ellipsis = ellipsis || u > 1;
			end = i + len;
		} else if (!is_space(cp) && !is_invisible(cp)) {
			break;
		}
		i += len;
	}
	return units >= 3 || ellipsis ? end : 0;
}

/* Start of the code point that ends s[0..n). */
static size_t
last_cp(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	return n > 0 ? n - 1 : 0;
}

/* The code point that ends s[0..n) is a letter or a digit. */
static bool
alnum_before(const char *s, size_t n)
{
	uint32_t cp;

	if (n == 0)
		return false;
	dec(s + last_cp(s, n), &cp);
	return (cp >= '0' && cp <= '9') || is_letter(cp);
}

/* s[0..n) is a sentence, not a number or a code: three words or more. */
static bool
sentence(const char *s, size_t n)
{
	size_t i, words = 0;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
			words++;
	return words >= 3;
}

/*
 * raw (valid UTF-8) -> out: NFC; controls and Unicode spaces to one space,
 * invisible characters dropped, leader lines to a space, stray punctuation
 * off both ends, trimmed, NFC again (a dropped character may have stood
 * between a letter and its accent). keep_stop: a single '.' right after a
 * letter or digit at the end of three words or more ends a sentence, and
 * stays (text); "08/2021." loses it.
 */
static int
clean(const char *raw, bool keep_bar, bool keep_stop, struct hoso_buf *out,
    struct hoso_err *err)
{
	struct hoso_buf nfc = HOSO_BUF_INIT(0), flat = HOSO_BUF_INIT(0);
	const char *s;
	size_t i, len, start, end, at;
	uint32_t cp;
	bool space = false;
	int r, dots = 0;

	if ((r = hoso_utf8_nfc(raw, strlen(raw), &nfc, err)) != 0)
		goto out;
	s = hoso_buf_str(&nfc);
	/* White space and leaders to ' ', invisibles out. */
	for (i = 0; s[i] != '\0' && r == 0; i += len) {
		len = dec(s + i, &cp);
		if (leader_units(cp) > 0 && (at = leader_run(s + i)) > 0) {
			len = at;
			r = hoso_buf_addc(&flat, ' ', err);
		} else if (is_space(cp)) {
			r = hoso_buf_addc(&flat, ' ', err);
		} else if (!is_invisible(cp)) {
			r = hoso_buf_add(&flat, s + i, len, err);
		}
	}
	if (r != 0)
		goto out;
	/* Strip both ends, then copy collapsing runs of spaces. */
	s = hoso_buf_str(&flat);
	start = 0;
	end = flat.len;
	while (start < end) {
		len = dec(s + start, &cp);
		if (cp != ' ' && !is_stray(cp, keep_bar))
			break;
		start += len;
	}
	while (end > start) {
		at = last_cp(s, end);
		dec(s + at, &cp);
		if (cp != ' ' && !is_stray(cp, keep_bar))
			break;
		if (cp == '.' && keep_stop && dots == 0 && alnum_before(s, at) &&
		    sentence(s + start, at - start))
			break;
		dots += cp == '.';
		end = at;
	}
	hoso_buf_reset(&nfc);
	for (i = start; i < end && r == 0; i++) {
		if (s[i] == ' ' && space)
			continue;
		space = s[i] == ' ';
		r = hoso_buf_addc(&nfc, s[i], err);
	}
	if (r == 0)
		r = hoso_utf8_nfc(hoso_buf_str(&nfc), nfc.len, out, err);
out:
	hoso_buf_free(&nfc);
	hoso_buf_free(&flat);
	return r;
}

/* Copy s to out without the ASCII characters in drop, dashes read as '-'. */
static int
compact(const char *s, const char *drop, struct hoso_buf *out, struct hoso_err *err)
{
	size_t i, len;
	uint32_t cp;
	int r = 0;

	hoso_buf_reset(out);
	for (i = 0; s[i] != '\0' && r == 0; i += len) {
		len = dec(s + i, &cp);
		if (is_dash(cp))
			cp = '-';
		if (cp < 0x80 && strchr(drop, (int)cp) != NULL)
			continue;
		if (cp == '-')
			r = hoso_buf_addc(out, '-', err);
		else
			r = hoso_buf_add(out, s + i, len, err);
	}
	return r == 0 ? hoso_buf_add(out, "", 0, err) : r;
}

/* ---- OCR confusions of digits ------------------------------------------- */

static char
confused_digit(char c)
{
	switch (c) {
	case 'O': case 'o':
		return '0';
	case 'l': case 'I': case '|':
		return '1';
	case 'S':
		return '5';
	case 'B':
		return '8';
	default:
		return 0;
	}
}

/*
 * Read the confusable letters of s[0..n) (ASCII) as the digits they look
 * like, in place, noting each change "O->0 at 3" (1-based, offset by base)
 * in what. Returns the number of changes, or -1 (s untouched) when a
 * character is neither a digit nor a confusable letter.
 */
static int
fix_digits(char *s, size_t n, size_t base, char *what, size_t what_size)
{
	size_t i, used = strlen(what);
	int changes = 0, w;
	char d;

	for (i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && confused_digit(s[i]) == 0)
			return -1;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			continue;
		d = confused_digit(s[i]);
		w = snprintf(what + used, what_size - used, "%s%c->%c at %zu", used > 0 ? ", " : "",
		    s[i], d, base + i + 1);
		if (w > 0 && (size_t)w < what_size - used)
			used += (size_t)w;
		s[i] = d;
		changes++;
	}
	return changes;
}

/* First character of s that is not an ASCII digit, or 0. */
static uint32_t
first_non_digit(const char *s)
{
	uint32_t cp;

	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			dec(s, &cp);
			return cp;
		}
	}
	return 0;
}

/* ---- cccd --------------------------------------------------------------- */

/* 12 digits, province code 001-096 first (Circular 59/2021/TT-BCA, annex). */
static bool
cccd_ok(const char *s, struct hoso_validate_result *res)
{
	size_t n = strlen(s);
	int province;
	char c[5];

	if (first_non_digit(s) != 0) {
		why(res, "'%s' is not a digit", enc(first_non_digit(s), c));
		return false;
	}
	if (n != 12) {
		why(res, "%zu digits, 12 needed", n);
		return false;
	}
	province = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	if (province < 1 || province > 96) {
		why(res, "province code %.3s is not 001-096", s);
		return false;
	}
	return true;
}

/*
 * Try candidate as it is; when it fails and its letters can be read as
 * digits (by fix, which rewrites a copy), take the fixed copy only if it
 * then passes check. The reason of a failure is always the uncorrected one.
 */
typedef int (*fix_fn)(char *s, char *what, size_t what_size);
typedef bool (*check_fn)(const char *s, struct hoso_validate_result *res);

static int
check_or_fix(const char *candidate, fix_fn fix, check_fn check, struct hoso_buf *value,
    struct hoso_validate_result *res, struct hoso_err *err)
{
	struct hoso_validate_result fixed_res = { false, false, "" };
	char what[sizeof(res->reason)] = "", *copy;
	int r;

	if (check(candidate, res)) {
		res->ok = true;
		res->reason[0] = '\0';
		return hoso_buf_adds(value, candidate, err);
	}
	if ((copy = strdup(candidate)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	if (fix(copy, what, sizeof(what)) > 0) {
		if (check(copy, &fixed_res)) {
			res->ok = true;
			res->corrected = true;
			why(res, "corrected OCR confusions: %s", what);
			r = hoso_buf_adds(value, copy, err);
			free(copy);
			return r;
		}
		/* Say that reading the letters as digits was tried, and why it failed. */
		if (strlen(res->reason) < sizeof(res->reason) - 32) {
			char first[sizeof(res->reason)];

			memcpy(first, res->reason, sizeof(first));
			why(res, "%s (read as digits it still fails: %s)", first, fixed_res.reason);
		}
	}
	free(copy);
	return hoso_buf_adds(value, candidate, err);
}

static int
fix_all(char *s, char *what, size_t what_size)
{
	return fix_digits(s, strlen(s), 0, what, what_size);
}

static int
v_cccd(const char *s, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	struct hoso_buf digits = HOSO_BUF_INIT(0);
	int r;

	/* "001 203 004 567", "001.203.004.567": groups as printed or written. */
	if ((r = compact(s, " .-", &digits, err)) == 0)
		r = check_or_fix(hoso_buf_str(&digits), fix_all, cccd_ok, value, res, err);
	hoso_buf_free(&digits);
	return r;
}

/* ---- dossier code ------------------------------------------------------- */

/* The two '-' that end {unit}-{yyMMdd}-{NNNN}, or false. */
static bool
code_split(const char *s, size_t *dash1, size_t *dash2)
{
	const char *last = strrchr(s, '-'), *mid;

	if (last == NULL || last == s)
		return false;
	for (mid = last - 1; mid > s && *mid != '-'; mid--)
		;
	if (*mid != '-' || mid == s)
		return false;
	*dash1 = (size_t)(mid - s);
	*dash2 = (size_t)(last - s);
	return true;
}

/* The unit code: dot-separated groups of letters and digits ("000.17.22.H56"). */
static bool
unit_ok(const char *s, size_t n)
{
	size_t i;
	bool group = false;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (!group)
				return false;
			group = false;
		} else if ((s[i] >= '0' && s[i] <= '9') || ascii_letter((unsigned char)s[i])) {
			group = true;
		} else {
			return false;
		}
	}
	return group;
}

static bool
code_ok(const char *s, struct hoso_validate_result *res)
{
	struct hoso_buf unit = HOSO_BUF_INIT(0);
	size_t d1, d2;
	char date[11];
	bool ok;

	if (!code_split(s, &d1, &d2)) {
		why(res, "not a dossier code {unit}-{yyMMdd}-{NNNN}");
		return false;
	}
	if (!unit_ok(s, d1)) {
		why(res, "unit code '%.*s' is not dot-separated groups of letters and digits",
		    (int)d1, s);
		return false;
	}
	if (d2 - d1 - 1 != 6 || strspn(s + d1 + 1, "0123456789") != 6) {
		why(res, "'%.*s' is not a date yyMMdd", (int)(d2 - d1 - 1), s + d1 + 1);
		return false;
	}
	if (strlen(s + d2 + 1) != 4 || strspn(s + d2 + 1, "0123456789") != 4) {
		why(res, "sequence number '%s' is not 4 digits", s + d2 + 1);
		return false;
	}
	if (!hoso_store_code_ok(s)) {
		why(res, "longer than %d characters", HOSO_CODE_MAX);
		return false;
	}
	ok = hoso_store_code_parts(s, &unit, date);
	hoso_buf_free(&unit);
	if (!ok)
		why(res, "no such date: '%.6s' (yyMMdd)", s + d1 + 1);
	return ok;
}

/* Confusions are read only in the parts that are all digits: the date and the number. */
static int
fix_code(char *s, char *what, size_t what_size)
{
	size_t d1, d2;
	int a, b;

	if (!code_split(s, &d1, &d2))
		return -1;
	a = fix_digits(s + d1 + 1, d2 - d1 - 1, d1 + 1, what, what_size);
	b = fix_digits(s + d2 + 1, strlen(s + d2 + 1), d2 + 1, what, what_size);
	if (a < 0 || b < 0)
		return -1;
	return a + b;
}

static int
v_code(const char *s, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	struct hoso_buf code = HOSO_BUF_INIT(0);
	int r;

	/* OCR puts spaces around '.' and '-'; a code has none. */
	if ((r = compact(s, " ", &code, err)) == 0)
		r = check_or_fix(hoso_buf_str(&code), fix_code, code_ok, value, res, err);
	hoso_buf_free(&code);
	return r;
}

/* ---- dates and times ---------------------------------------------------- */

enum tok_kind { T_NUM, T_WORD, T_PUNCT };

struct tok {
	enum tok_kind kind;
	uint32_t cp;		/* T_PUNCT */
	long num;		/* T_NUM, saturated */
	int digits;		/* T_NUM */
	char word[12];		/* T_WORD folded to ASCII; "" when too long or not ASCII */
};

#define MAX_TOKS 48

struct toks {
	struct tok t[MAX_TOKS];
	int n, i;
};

/* Split s into numbers, words (folded: "Tháng" -> "thang") and punctuation. */
static bool
tokenize(const char *s, struct toks *tk)
{
	size_t len;
	uint32_t cp, f;
	struct tok *t;
	size_t wl;

	tk->n = tk->i = 0;
	while (*s != '\0') {
		len = dec(s, &cp);
		if (is_space(cp)) {
			s += len;
			continue;
		}
		if (tk->n == MAX_TOKS)
			return false;
		t = &tk->t[tk->n++];
		memset(t, 0, sizeof(*t));
		if (cp >= '0' && cp <= '9') {
			t->kind = T_NUM;
			for (; *s >= '0' && *s <= '9'; s++) {
				t->num = t->num < 1000000 ? t->num * 10 + (*s - '0') : t->num;
				t->digits++;
			}
		} else if (is_letter(cp)) {
			t->kind = T_WORD;
			for (wl = 0; (len = dec(s, &cp)) > 0 && is_letter(cp); s += len) {
				f = fold_base(cp);
				if (wl + 1 < sizeof(t->word) && f < 0x80)
					t->word[wl] = (char)f;
				wl++;
			}
			if (wl >= sizeof(t->word))
				t->word[0] = '\0';
		} else {
			t->kind = T_PUNCT;
			t->cp = is_dash(cp) ? '-' : cp;
			s += len;
		}
	}
	return true;
}

static const struct tok *
peek(const struct toks *tk)
{
	return tk->i < tk->n ? &tk->t[tk->i] : NULL;
}

static bool
take_word(struct toks *tk, const char *w)
{
	const struct tok *t = peek(tk);

	if (t == NULL || t->kind != T_WORD || strcmp(t->word, w) != 0)
		return false;
	tk->i++;
	return true;
}

static bool
take_punct(struct toks *tk, uint32_t cp)
{
	const struct tok *t = peek(tk);

	if (t == NULL || t->kind != T_PUNCT || t->cp != cp)
		return false;
	tk->i++;
	return true;
}

/* A number of min..max digits. */
static bool
take_num(struct toks *tk, int min, int max, long *v)
{
	const struct tok *t = peek(tk);

	if (t == NULL || t->kind != T_NUM || t->digits < min || t->digits > max)
		return false;
	*v = t->num;
	tk->i++;
	return true;
}

static bool
take_date_sep(struct toks *tk)
{
	return take_punct(tk, '/') || take_punct(tk, '-') || take_punct(tk, '.');
}

/*
 * The shape of a date at the cursor: [ngày] D/M/YYYY (or '-' '.'),
 * [ngày] D tháng M năm YYYY, or YYYY-MM-DD (what this file writes).
 */
static bool
date_shape(struct toks *tk, long *y, long *m, long *d)
{
	int at;

	if (take_word(tk, "ngay"))
		take_punct(tk, ':');
	at = tk->i;
	if (take_num(tk, 4, 4, y) && take_punct(tk, '-') && take_num(tk, 1, 2, m) &&
	    take_punct(tk, '-') && take_num(tk, 1, 2, d))
		return true;
	tk->i = at;
	if (!take_num(tk, 1, 2, d))
		return false;
	at = tk->i;
	if (take_date_sep(tk) && take_num(tk, 1, 2, m) && take_date_sep(tk) && take_num(tk, 4, 4, y))
		return true;
	tk->i = at;
	take_punct(tk, ',');
	if (!take_word(tk, "thang") || !take_num(tk, 1, 2, m))
		return false;
	take_punct(tk, ',');
	return take_word(tk, "nam") && take_num(tk, 4, 4, y);
}

/* A real date, year 1900-2100. */
static bool
date_ok(long y, long m, long d, struct hoso_validate_result *res)
{
	if (y < 1900 || y > 2100) {
		why(res, "year %ld is not 1900-2100", y);
		return false;
	}
	if (m < 1 || m > 12) {
		why(res, "month %ld is not 1-12", m);
		return false;
	}
	if (!hoso_date_valid((int)y, (int)m, (int)d)) {
		if (m == 2 && d == 29)
			why(res, "no 29 February in %ld, not a leap year", y);
		else
			why(res, "no day %ld in month %ld", d, m);
		return false;
	}
	return true;
}

/* What may follow a date on the birth form: "ghi bằng chữ: …", "(bằng chữ …)". */
static bool
date_tail(struct toks *tk)
{
	const struct tok *t = peek(tk);

	if (t == NULL)
		return true;
	take_punct(tk, ',');
	take_punct(tk, '(');
	take_word(tk, "ghi");
	return take_word(tk, "bang") && take_word(tk, "chu");
}

/* [lúc] H giờ M [phút] | HhM | HgM | H:M ['] */
static bool
time_shape(struct toks *tk, long *h, long *mi)
{
	take_word(tk, "luc");
	if (!take_num(tk, 1, 2, h))
		return false;
	if (!take_word(tk, "gio") && !take_word(tk, "h") && !take_word(tk, "g") &&
	    !take_punct(tk, ':'))
		return false;
	if (!take_num(tk, 1, 2, mi))
		return false;
	if (!take_word(tk, "phut") && !take_word(tk, "p") && !take_punct(tk, '\''))
		take_punct(tk, 0x2019);
	return true;
}

static int
v_date(const char *s, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	struct toks tk;
	long y, m, d;

	if (!tokenize(s, &tk) || !date_shape(&tk, &y, &m, &d)) {
		why(res, "not a date DD/MM/YYYY or 'ngày DD tháng MM năm YYYY'");
	} else if (!date_tail(&tk)) {
		why(res, "text after the date");
	} else if (date_ok(y, m, d, res)) {
		res->ok = true;
		return hoso_buf_addf(value, err, "%04ld-%02ld-%02ld", y, m, d);
	}
	return hoso_buf_adds(value, s, err);
}

static int
v_datetime(const char *s, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	struct toks tk;
	long y, m, d, h, mi;
	bool shape;

	/* "8 giờ 30 phút, ngày 05 tháng 3 năm 2026", or the date first. */
	shape = tokenize(s, &tk);
	if (shape && time_shape(&tk, &h, &mi)) {
		take_punct(&tk, ',');
		shape = date_shape(&tk, &y, &m, &d);
	} else if (shape) {
		tk.i = 0;
		shape = date_shape(&tk, &y, &m, &d);
		if (shape && !take_punct(&tk, ','))
			take_word(&tk, "t");
		shape = shape && time_shape(&tk, &h, &mi);
	}
	if (!shape) {
		why(res, "not a date and time 'H giờ M phút, ngày DD tháng MM năm YYYY'");
	} else if (tk.i < tk.n) {
		why(res, "text after the date and time");
	} else if (h > 23) {
		why(res, "hour %ld is not 0-23", h);
	} else if (mi > 59) {
		why(res, "minute %ld is not 0-59", mi);
	} else if (date_ok(y, m, d, res)) {
		res->ok = true;
		return hoso_buf_addf(value, err, "%04ld-%02ld-%02ldT%02ld:%02ld", y, m, d, h, mi);
	}
	return hoso_buf_adds(value, s, err);
}

static int
v_year(const char *s, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	long y;

	if (strlen(s) != 4 || first_non_digit(s) != 0) {
		why(res, "not a year of 4 digits");
	} else if ((y = strtol(s, NULL, 10)) < 1900 || y > 2100) {
		why(res, "year %ld is not 1900-2100", y);
	} else {
		res->ok = true;
	}
	return hoso_buf_adds(value, s, err);
}

/* ---- phone and e-mail --------------------------------------------------- */

static int
v_phone(const char *s, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	struct hoso_buf num = HOSO_BUF_INIT(0);
	const char *p;
	size_t n;
	char c[5];
	int r;

	if ((r = compact(s, " .-()", &num, err)) != 0)
		goto out;
	p = hoso_buf_str(&num);
	/* +84 is Viet Nam: +84 912 345 678 is 0912 345 678 (+84 0912… too). */
	if (strncmp(p, "+84", 3) == 0) {
		p += 3;
		if (*p != '0')
			r = hoso_buf_addc(value, '0', err);
	}
	if (r != 0 || (r = hoso_buf_adds(value, p, err)) != 0)
		goto out;
	p = hoso_buf_str(value);
	n = strlen(p);
	if (first_non_digit(p) != 0)
		why(res, "'%s' is not a digit", enc(first_non_digit(p), c));
	else if (n < 10 || n > 11)
		why(res, "%zu digits, 10 or 11 needed", n);
	else if (p[0] != '0')
		why(res, "does not start with 0");
	else if (n == 11 && p[1] != '2')
		/* Since 2018 only fixed lines (02x area codes) have 11 digits. */
		why(res, "11 digits, but not a fixed line (02...)");
	else
		res->ok = true;
out:
	hoso_buf_free(&num);
	return r;
}

/* RFC 5322 atext, and '.' between atoms. */
static bool
email_local_char(char c)
{
	return (c >= '0' && c <= '9') || ascii_letter((unsigned char)c) ||
	    (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL);
}

static bool
email_ok(const char *s, struct hoso_validate_result *res)
{
	const char *at = strchr(s, '@'), *p, *label, *tld;
	uint32_t cp;
	char c[5];

	if (at == NULL) {
		why(res, "no '@'");
		return false;
	}
	if (strchr(at + 1, '@') != NULL) {
		why(res, "more than one '@'");
		return false;
	}
	for (p = s; *p != '\0'; p++) {
		if (p == at)
			continue;
		if (p < at ? !email_local_char(*p) :
		    !((*p >= '0' && *p <= '9') || ascii_letter((unsigned char)*p) || *p == '.' ||
		    *p == '-')) {
			dec(p, &cp);
			why(res, "'%s' is not allowed in an e-mail address", enc(cp, c));
			return false;
		}
	}
	if (at == s || at - s > 64 || s[0] == '.' || at[-1] == '.' ||
	    ((p = strstr(s, "..")) != NULL && p < at)) {
		why(res, "the part before '@' is empty or has misplaced dots");
		return false;
	}
	if ((tld = strrchr(at, '.')) == NULL) {
		why(res, "the domain has no '.'");
		return false;
	}
	for (label = at + 1; label <= tld; label = p + 1) {
		p = strchr(label, '.');
		if (p == label || label[0] == '-' || p[-1] == '-') {
			why(res, "the domain '%s' has an empty or badly formed part", at + 1);
			return false;
		}
	}
	if (strlen(tld + 1) < 2 || strspn(tld + 1, "abcdefghijklmnopqrstuvwxyz") != strlen(tld + 1)) {
		why(res, "'%s' is not a top-level domain", tld + 1);
		return false;
	}
	if (strlen(s) > 254) {
		why(res, "longer than 254 characters");
		return false;
	}
	return true;
}

/*
 * The Vietnamese model reads '@' as "(@", "@®", "(Œ@" or a lone '(': drop
 * such marks next to the '@', or take a single '(' for a missing '@', when
 * the address then validates (reported as a correction).
 */
static int
email_at_fix(const char *addr, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	/* ( ® Œ œ © in UTF-8 */
	static const char *const junk[] = { "(", "\xc2\xae", "\xc5\x92", "\xc5\x93", "\xc2\xa9" };
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_validate_result fixed = { false, false, "" };
	const char *at = strchr(addr, '@'), *p, *q;
	size_t i, k;
	bool again;
	int r;

	if (at == NULL) {
		/* No '@' at all, and one '(' where it would go. */
		if ((p = strchr(addr, '(')) == NULL || strchr(p + 1, '(') != NULL)
			return 0;
		if ((r = hoso_buf_add(&b, addr, (size_t)(p - addr), err)) != 0 ||
		    (r = hoso_buf_addc(&b, '@', err)) != 0 || (r = hoso_buf_adds(&b, p + 1, err)) != 0)
			goto out;
	} else {
		/* The marks just before the '@', then just after it. */
		p = at;
		do {
			again = false;
			for (k = 0; k < sizeof(junk) / sizeof(junk[0]); k++) {
				size_t n = strlen(junk[k]);
				if ((size_t)(p - addr) >= n && memcmp(p - n, junk[k], n) == 0) {
					p -= n;
					again = true;
				}
			}
		} while (again);
		q = at + 1;
		do {
			again = false;
			for (k = 0; k < sizeof(junk) / sizeof(junk[0]); k++) {
				size_t n = strlen(junk[k]);
				if (strncmp(q, junk[k], n) == 0) {
					q += n;
					again = true;
				}
			}
		} while (again);
		if (p == at && q == at + 1)
			return 0;
		if ((r = hoso_buf_add(&b, addr, (size_t)(p - addr), err)) != 0 ||
		    (r = hoso_buf_addc(&b, '@', err)) != 0 || (r = hoso_buf_adds(&b, q, err)) != 0)
			goto out;
	}
	/* The domain in lower case, as v_email gives it. */
	for (i = (size_t)(strchr(b.data, '@') - b.data); i < b.len; i++)
		if (b.data[i] >= 'A' && b.data[i] <= 'Z')
			b.data[i] = (char)(b.data[i] - 'A' + 'a');
	r = 0;
	if (email_ok(b.data, &fixed)) {
		res->ok = res->corrected = true;
		why(res, "corrected OCR confusions: marks read around or for the '@'");
		r = hoso_buf_adds(value, b.data, err);
	}
out:
	hoso_buf_free(&b);
	return r;
}

static int
v_email(const char *s, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	struct hoso_buf addr = HOSO_BUF_INIT(0);
	struct hoso_validate_result fixed = { false, false, "" };
	char *p, *at, *copy = NULL;
	int r;

	/* An address has no spaces: OCR puts them around '@' and '.'. */
	if ((r = compact(s, " ", &addr, err)) != 0)
		goto out;
	if ((at = strchr(addr.data, '@')) != NULL)
		for (p = at + 1; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	if (email_ok(addr.data, res)) {
		res->ok = true;
		/* "yahoo.com vn": a space between two letters is where a dot went missing. */
		for (p = strchr(s, ' '); p != NULL; p = strchr(p + 1, ' '))
			if (p > s && p[-1] != '@' && p[-1] != '.' && p[1] != '@' && p[1] != '.' &&
			    p[1] != ' ') {
				res->ok = false;
				why(res, "a space inside the address: a character may be missing");
				break;
			}
	} else if ((r = email_at_fix(addr.data, value, res, err)) != 0 || res->ok) {
		goto out;
	} else if (at != NULL && strchr(at, ',') != NULL) {
		/* "gmail,com": a comma in the domain is a misread dot. */
		if ((copy = strdup(addr.data)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		for (p = copy + (at - addr.data); *p != '\0'; p++)
			if (*p == ',')
				*p = '.';
		if (email_ok(copy, &fixed)) {
			res->ok = res->corrected = true;
			why(res, "corrected OCR confusions: ',' read as '.' in the domain");
			r = hoso_buf_adds(value, copy, err);
			goto out;
		}
	}
	r = hoso_buf_adds(value, addr.data, err);
out:
	free(copy);
	hoso_buf_free(&addr);
	return r;
}

/* ---- names, enums ------------------------------------------------------- */

static bool
is_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019;
}

/* The character at s is a letter. */
static bool
letter_at(const char *s)
{
	uint32_t cp;

	return *s != '\0' && (dec(s, &cp), is_letter(cp));
}

static int
v_name(const char *s, struct hoso_buf *value, struct hoso_validate_result *res,
    struct hoso_err *err)
{
	size_t i, len;
	uint32_t cp, prev = ' ';
	char c[5];

	res->ok = true;
	for (i = 0; s[i] != '\0'; i += len, prev = cp) {
		len = dec(s + i, &cp);
		if (cp == ' ' || is_letter(cp))
			continue;
		/* H'Hen Niê, Ksor H'Bin; a hyphen inside a compound word. */
		if ((is_apostrophe(cp) || cp == '-') && is_letter(prev) && letter_at(s + i + len))
			continue;
		res->ok = false;
		if (cp >= '0' && cp <= '9')
			why(res, "a name has no digits ('%s')", enc(cp, c));
		else
			why(res, "'%s' is not a letter of a name", enc(cp, c));
		break;
	}
	return hoso_buf_adds(value, s, err);
}

/* s folded to code points (case only, or case and diacritics); NULL when out of memory. */
static uint32_t *
fold(const char *s, bool base, size_t *n)
{
	uint32_t *out = malloc((strlen(s) + 1) * sizeof(*out)), cp;
	size_t i;

	*n = 0;
	if (out == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; ) {
		i += dec(s + i, &cp);
		out[(*n)++] = base ? fold_base(cp) : fold_case(cp);
	}
	return out;
}

static bool
same(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	return na == nb && memcmp(a, b, na * sizeof(*a)) == 0;
}

/* At most one insertion, deletion or substitution apart (Levenshtein <= 1). */
static bool
one_edit(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0;

	if (na > nb + 1 || nb > na + 1)
		return false;
	while (i < na && i < nb && a[i] == b[i])
		i++;
	if (i == na || i == nb)		/* equal, or one letter more at the end */
		return true;
	/* Past the first difference the rest must match, with that one letter skipped. */
	return same(a + i + (na >= nb), na - i - (na >= nb), b + i + (nb >= na), nb - i - (nb >= na));
}

/*
 * Match s against the listed values: exactly, then ignoring case, then
 * ignoring diacritics too, then (values of 3 letters or more) one OCR edit
 * away. A level with one match wins; two matches at a level are ambiguous.
 */
static int
v_enum(const char *s, const char *const *values, size_t n_values, struct hoso_buf *value,
    struct hoso_validate_result *res, struct hoso_err *err)
{
	uint32_t *in[2] = { NULL, NULL }, *v = NULL;
	size_t n_in[2], n_v, k, hit = 0, n_hits;
	int level, r = 0;

	for (k = 0; k < n_values; k++) {
		if (strcmp(s, values[k]) == 0) {
			res->ok = true;
			return hoso_buf_adds(value, values[k], err);
		}
	}
	if ((in[0] = fold(s, false, &n_in[0])) == NULL || (in[1] = fold(s, true, &n_in[1])) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (level = 0; level < 3 && !res->ok; level++) {
		n_hits = 0;
		for (k = 0; k < n_values; k++) {
			if ((v = fold(values[k], level > 0, &n_v)) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			if (level < 2 ? same(in[level], n_in[level], v, n_v) :
			    n_v >= 3 && one_edit(in[1], n_in[1], v, n_v)) {
				if (n_hits++ == 0)
					hit = k;
				else
					why(res, "ambiguous: '%s' or '%s'", values[hit], values[k]);
			}
			free(v);
			v = NULL;
		}
		if (n_hits == 1) {
			res->ok = true;
			if (level == 2) {
				res->corrected = true;
				why(res, "corrected OCR confusions: '%s' read as '%s'", s, values[hit]);
			}
		} else if (n_hits > 1) {
			break;
		}
	}
	if (res->ok) {
		r = hoso_buf_adds(value, values[hit], err);
	} else {
		if (res->reason[0] == '\0') {
			char list[sizeof(res->reason)] = "";
			size_t used = 0;
			int w;

			for (k = 0; k < n_values && used < sizeof(list); k++) {
				w = snprintf(list + used, sizeof(list) - used, "%s'%s'", k ? ", " : "",
				    values[k]);
				used += w > 0 ? (size_t)w : 0;
			}
			utf8_cut(list);
			why(res, "not one of %s", list);
		}
		r = hoso_buf_adds(value, s, err);
	}
out:
	free(in[0]);
	free(in[1]);
	return r;
}

/* ---- plausible Vietnamese words ------------------------------------------- */

/*
 * The vowels by quality (a ă â e ê i o ô ơ u ư y), each row its six tones
 * (none, grave, acute, hook, tilde, dot below), and one ASCII code per row
 * for the vowel clusters below.
 */
static const char *const vowel_rows[] = {
	"aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị",
	"oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ",
};
static const char vowel_codes[] = "aABeEioOPuUy";

/* The code of the vowel cp (lower case) and its tone (0: none); 0 when not a vowel. */
static char
vowel(uint32_t cp, int *tone)
{
	size_t row, i, len;
	uint32_t v;
	int k;

	for (row = 0; row < sizeof(vowel_rows) / sizeof(vowel_rows[0]); row++)
		for (i = 0, k = 0; vowel_rows[row][i] != '\0'; i += len, k++) {
			len = dec(vowel_rows[row] + i, &v);
			if (v == cp) {
				*tone = k;
				return vowel_codes[row];
			}
		}
	return 0;
}

/* Vowel clusters of Vietnamese syllables, in the codes of vowel_codes. */
static const char *const clusters[] = {
	"a", "A", "B", "e", "E", "i", "o", "O", "P", "u", "U", "y",
	"ai", "ao", "au", "ay", "Bu", "By", "eo", "Eu", "ia", "iE", "iu", "oa", "oA", "oe",
	"oi", "Oi", "Pi", "oo", "ua", "uB", "uE", "ui", "uO", "uP", "uy", "Ua", "Ui", "UP",
	"Uu", "yE", "iEu", "yEu", "oai", "oay", "oeo", "uBy", "uOi", "UPi", "UPu", "uya",
	"uyE", "uyu",
};
/* Initial consonants, longest first; finals (k: Đắk Lắk and other minority names). */
static const char *const initials[] = {
	"ngh", "ng", "nh", "gh", "gi", "kh", "ch", "ph", "th", "tr", "qu",
	"b", "c", "d", "\xc4\x91", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
};
static const char *const finals[] = { "", "c", "ch", "m", "n", "ng", "nh", "p", "t", "k" };

static bool
in_list(const char *s, size_t n, const char *const *list, size_t n_list)
{
	size_t i;

	for (i = 0; i < n_list; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return true;
	return false;
}

/*
 * w[0..n): one run of letters (lower case, UTF-8) is a possible Vietnamese
 * syllable: an initial consonant, a vowel cluster, a final consonant, at most
 * one tone mark.
 */
static bool
syllable_ok(const char *w, size_t n)
{
	char v[8];
	size_t i, len, nv, ini, try;
	uint32_t cp;
	int tone, tones;
	char c;

	for (try = 0; try < 2; try++) {
		/* The longest initial; "gi" before no vowel is g + i (gì, gìn). */
		for (ini = 0, i = 0; i < sizeof(initials) / sizeof(initials[0]); i++) {
			len = strlen(initials[i]);
			if (len <= n && memcmp(w, initials[i], len) == 0 &&
			    !(try == 1 && strcmp(initials[i], "gi") == 0)) {
				ini = len;
				break;
			}
		}
		for (i = ini, nv = 0, tones = 0; i < n; i += len) {
			len = dec(w + i, &cp);
			if ((c = vowel(cp, &tone)) == 0)
				break;
			if (nv + 1 >= sizeof(v))
				return false;
			v[nv++] = c;
			tones += tone > 0;
		}
		v[nv] = '\0';
		if (nv > 0 && tones <= 1 && in_list(v, nv, clusters,
		    sizeof(clusters) / sizeof(clusters[0])) &&
		    in_list(w + i, n - i, finals, sizeof(finals) / sizeof(finals[0])))
			return true;
		if (strncmp(w, "gi", 2) != 0)
			break;
	}
	return false;
}

bool
hoso_validate_syllable(const char *w, size_t n)
{
	char low[32], one[8];
	size_t i, nl = 0, len;
	uint32_t cp;

	/* Lower case, letters only, NFC (as the decoders of legacy.c give them). */
	for (i = 0; i < n; i += len) {
		len = dec(w + i, &cp);
		if (len == 0 || !is_letter(cp))
			return false;
		enc(fold_case(cp), one);
		if (nl + strlen(one) >= sizeof(low))
			return false;
		memcpy(low + nl, one, strlen(one));
		nl += strlen(one);
	}
	low[nl] = '\0';
	return nl > 0 && syllable_ok(low, nl);
}

/*
 * Words OCR cannot have meant, in a name or text that otherwise passed: a
 * run of letters that is no Vietnamese syllable (Trrng, HƯỲNH, Nhúứt), mixed
 * case inside a word (UyÊn), a word with marks in capitals among small
 * letters (Lập LỄ), punctuation standing alone between words or doubled
 * inside one. Runs in capitals without marks are abbreviations (UBND) and
 * runs touching a digit are house numbers (12A); both are left alone.
 * Returns false (with the reason) for the first such word.
 */
static bool
words_plausible(const char *s, struct hoso_validate_result *res)
{
	size_t i, j, len, k, nl;
	uint32_t cp, prev;
	bool any_lower = false, minority = false, upper, lower, marks, first_upper, rest_lower;
	bool ok = true, marked = false;
	int tone;
	char run[48], low[64], one[5], c;

	for (i = 0; s[i] != '\0'; i += len) {
		len = dec(s + i, &cp);
		any_lower = any_lower || (is_letter(cp) && fold_case(cp) == cp);
		minority = minority || is_apostrophe(cp);
		marked = marked || vn_letter(cp) != NULL;
	}
	/* No marks anywhere: a foreign or unaccented name, not checked as syllables. */
	minority = minority || !marked;
	for (i = 0; s[i] != '\0' && ok; ) {
		len = dec(s + i, &cp);
		if (!is_letter(cp)) {
			/* Punctuation alone between two words, or "..", "!" inside. */
			if (cp != ' ' && !(cp >= '0' && cp <= '9') &&
			    (cp >= 0x80 || strchr("-&/()\"'", (int)cp) == NULL) &&
			    !is_dash(cp) && cp != 0x2019 && (i == 0 || s[i - 1] == ' ') &&
			    (s[i + len] == ' ' || s[i + len] == '\0')) {
				why(res, "stray punctuation between words");
				ok = false;
			} else if (cp == '.' && s[i + len] == '.') {
				why(res, "'..' inside a word");
				ok = false;
			} else if (cp < 0x80 && cp != 0 && strchr("!?|\\{}[]<>=^~_#$%*@", (int)cp) != NULL) {
				why(res, "'%c' is unusual in %s", (int)cp, "a name or text");
				ok = false;
			}
			i += len;
			continue;
		}
		/* One run of letters: s[i..j), lower-cased into low. */
		prev = ' ';
		if (i > 0)
			dec(s + last_cp(s, i), &prev);
		upper = lower = marks = false;
		first_upper = fold_case(cp) != cp;
		rest_lower = true;
		for (j = i, k = 0, nl = 0; s[j] != '\0'; j += len, k++) {
			len = dec(s + j, &cp);
			if (!is_letter(cp))
				break;
			if (fold_case(cp) != cp) {
				upper = true;
				rest_lower = rest_lower && k == 0;
			} else {
				lower = true;
			}
			c = vowel(fold_case(cp), &tone);
			marks = marks || (c != 0 && (tone > 0 || strchr("ABEOPU", c) != NULL));
			enc(fold_case(cp), one);
			if (nl + strlen(one) < sizeof(low)) {
				memcpy(low + nl, one, strlen(one));
				nl += strlen(one);
			} else {
				nl = sizeof(low);	/* too long for a syllable */
			}
		}
		low[nl < sizeof(low) ? nl : 0] = '\0';
		snprintf(run, sizeof(run), "%.*s", (int)(j - i), s + i);
		utf8_cut(run);
		if ((prev >= '0' && prev <= '9') || (s[j] >= '0' && s[j] <= '9')) {
			/* 12A, P5: house numbers and codes. */
		} else if (upper && lower && !(first_upper && rest_lower)) {
			why(res, "mixed case in '%s'", run);
			ok = false;
		} else if (upper && !lower && !marks) {
			/* UBND, TP: an abbreviation. */
		} else if (upper && !lower && marks && any_lower && k >= 2) {
			why(res, "'%s' in capitals among small letters", run);
			ok = false;
		} else if (k == 1 || minority) {
			/* Khu A, lô x; H'Hen Niê, Ksor H'Bin: not Kinh syllables. */
		} else if (nl >= sizeof(low) || !syllable_ok(low, nl)) {
			why(res, "'%s' is not a Vietnamese syllable", run);
			ok = false;
		}
		i = j;
	}
	return ok;
}

/* ---- the entry point ---------------------------------------------------- */

int
hoso_validate_value(enum hoso_validate_type type, const char *raw,
    const char *const *enum_values, size_t n_enum, struct hoso_buf *value,
    struct hoso_validate_result *res, struct hoso_err *err)
{
	struct hoso_buf norm = HOSO_BUF_INIT(0), label = HOSO_BUF_INIT(0);
	bool keep_bar = type == HOSO_VALIDATE_CCCD || type == HOSO_VALIDATE_DOSSIER_CODE;
	const char *s;
	size_t k;
	int r;

	if (raw == NULL || value == NULL || res == NULL || (size_t)type >= N_TYPES)
		return hoso_err_set(err, HOSO_EUSAGE, _("validate: bad arguments"));
	if (type == HOSO_VALIDATE_ENUM) {
		for (k = 0; k < n_enum && enum_values != NULL; k++)
			if (enum_values[k] == NULL || !hoso_utf8_valid(enum_values[k],
			    strlen(enum_values[k])))
				break;
		if (enum_values == NULL || n_enum == 0 || k < n_enum)
			return hoso_err_set(err, HOSO_EUSAGE,
			    _("validate: an enum needs its list of values, each in UTF-8"));
	}
	memset(res, 0, sizeof(*res));
	hoso_buf_reset(value);
	if (!hoso_utf8_valid(raw, strlen(raw))) {
		/* Not text at all: keep a printable form for the reviewer. */
		if ((r = hoso_utf8_label(raw, strlen(raw), &label, err)) == 0 &&
		    (r = clean(hoso_buf_str(&label), keep_bar, false, &norm, err)) == 0)
			r = hoso_buf_adds(value, hoso_buf_str(&norm), err);
		why(res, "not valid UTF-8");
		goto out;
	}
	if ((r = clean(raw, keep_bar, type == HOSO_VALIDATE_TEXT, &norm, err)) != 0)
		goto out;
	s = hoso_buf_str(&norm);
	if (*s == '\0') {
		why(res, "empty");
		r = hoso_buf_adds(value, "", err);
		goto out;
	}
	switch (type) {
	case HOSO_VALIDATE_TEXT:
		res->ok = true;
		r = hoso_buf_adds(value, s, err);
		break;
	case HOSO_VALIDATE_NAME:
		r = v_name(s, value, res, err);
		break;
	case HOSO_VALIDATE_CCCD:
		r = v_cccd(s, value, res, err);
		break;
	case HOSO_VALIDATE_DATE:
		r = v_date(s, value, res, err);
		break;
	case HOSO_VALIDATE_DATETIME:
		r = v_datetime(s, value, res, err);
		break;
	case HOSO_VALIDATE_YEAR:
		r = v_year(s, value, res, err);
		break;
	case HOSO_VALIDATE_PHONE:
		r = v_phone(s, value, res, err);
		break;
	case HOSO_VALIDATE_EMAIL:
		r = v_email(s, value, res, err);
		break;
	case HOSO_VALIDATE_DOSSIER_CODE:
		r = v_code(s, value, res, err);
		break;
	case HOSO_VALIDATE_ENUM:
		r = v_enum(s, enum_values, n_enum, value, res, err);
		break;
	}
	if (r == 0 && res->ok && (type == HOSO_VALIDATE_TEXT || type == HOSO_VALIDATE_NAME) &&
	    !words_plausible(hoso_buf_str(value), res))
		res->ok = false;
	/* Compacting may leave nothing ("-" as a cccd): empty is never ok. */
	if (r == 0 && value->len == 0) {
		res->ok = false;
		res->corrected = false;
		why(res, "empty");
	}
out:
	if (r != 0)
		res->ok = false;
	hoso_buf_free(&norm);
	hoso_buf_free(&label);
	return r;
}
