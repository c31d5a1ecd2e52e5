/*
 * validate.c - TEMPORARY minimal implementation of validate.h, only so that the forms branch
 * builds and its tests run; replaced by the validate branch's file when that is merged.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "utf8.h"
#include "validate.h"

static const char *const type_names[] = {
	"text", "name", "cccd", "date", "datetime", "year", "phone", "email", "dossier-code", "enum",
};

int
hoso_validate_type_parse(const char *name, enum hoso_validate_type *type)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(name, type_names[i]) == 0) {
			*type = (enum hoso_validate_type)i;
			return 0;
		}
	return HOSO_EUSAGE;
}

const char *
hoso_validate_type_name(enum hoso_validate_type type)
{
	return (size_t)type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[type] : "?";
}

static bool
real_date(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int md;

	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return false;
	md = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d <= md;
}

/* The numbers in s, in order (at most max). */
static size_t
numbers(const char *s, long *out, size_t max, int *ndigits)
{
	size_t n = 0;

	while (*s != '\0' && n < max) {
		if (isdigit((unsigned char)*s)) {
			char *end;
			out[n] = strtol(s, &end, 10);
			ndigits[n++] = (int)(end - s);
			s = end;
		} else {
			s++;
		}
	}
	return n;
}

/* Trim, collapse spaces, drop leader dots (runs of 2+ dots or ellipses). */
static int
clean(const char *raw, struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_buf tmp = HOSO_BUF_INIT(0);
	const char *p;
	int r = 0;

	for (p = raw; *p != '\0' && r == 0; p++) {
		if (strncmp(p, "\xe2\x80\xa6", 3) == 0) {
			p += 2;
			r = hoso_buf_addc(&tmp, ' ', err);
		} else if (*p == '.' && (p[1] == '.' || (p > raw && p[-1] == '.'))) {
			r = hoso_buf_addc(&tmp, ' ', err);
		} else if (isspace((unsigned char)*p)) {
			r = hoso_buf_addc(&tmp, ' ', err);
		} else {
			r = hoso_buf_addc(&tmp, *p, err);
		}
	}
	if (r == 0) {
		const char *s = hoso_buf_str(&tmp);
		struct hoso_buf col = HOSO_BUF_INIT(0);
		while (*s == ' ')
			s++;
		for (; *s != '\0' && r == 0; s++)
			if (!(*s == ' ' && (s[1] == ' ' || s[1] == '\0')))
				r = hoso_buf_addc(&col, *s, err);
		if (r == 0)
			r = hoso_utf8_nfc(hoso_buf_str(&col), col.len, out, err);
		hoso_buf_free(&col);
	}
	hoso_buf_free(&tmp);
	return r;
}

int
hoso_validate_value(enum hoso_validate_type type, const char *raw,
    const char *const *enum_values, size_t n_enum, struct hoso_buf *value,
    struct hoso_validate_result *res, struct hoso_err *err)
{
	struct hoso_buf c = HOSO_BUF_INIT(0);
	long num[8];
	int nd[8];
	size_t n, i;
	const char *s;
	int r;

	memset(res, 0, sizeof(*res));
	hoso_buf_reset(value);
	if ((r = clean(raw, &c, err)) != 0)
		goto out;
	s = hoso_buf_str(&c);
	res->ok = *s != '\0';
	switch (type) {
	case HOSO_VALIDATE_CCCD:
	case HOSO_VALIDATE_PHONE:
		for (; *s != '\0' && r == 0; s++)
			if (isdigit((unsigned char)*s))
				r = hoso_buf_addc(value, *s, err);
			else if (*s != ' ' && *s != '.' && *s != '-')
				res->ok = false;
		if (type == HOSO_VALIDATE_CCCD)
			res->ok = res->ok && value->len == 12 && strncmp(value->data, "097", 3) < 0 &&
			    strncmp(value->data, "000", 3) != 0;
		else
			res->ok = res->ok && (value->len == 10 || value->len == 11) &&
			    value->data[0] == '0';
		break;
	case HOSO_VALIDATE_DATE:
		n = numbers(s, num, 8, nd);
		res->ok = n == 3 && real_date((int)num[2], (int)num[1], (int)num[0]) && nd[2] == 4;
		r = res->ok ? hoso_buf_addf(value, err, "%04ld-%02ld-%02ld", num[2], num[1], num[0]) :
		    hoso_buf_adds(value, s, err);
		break;
	case HOSO_VALIDATE_DATETIME:
		n = numbers(s, num, 8, nd);
		res->ok = n == 5 && num[0] < 24 && num[1] < 60 &&
		    real_date((int)num[4], (int)num[3], (int)num[2]);
		r = res->ok ? hoso_buf_addf(value, err, "%04ld-%02ld-%02ldT%02ld:%02ld", num[4],
		    num[3], num[2], num[0], num[1]) : hoso_buf_adds(value, s, err);
		break;
	case HOSO_VALIDATE_YEAR:
		n = numbers(s, num, 8, nd);
		res->ok = n == 1 && nd[0] == 4 && num[0] >= 1900 && num[0] <= 2100;
		r = res->ok ? hoso_buf_addf(value, err, "%ld", num[0]) : hoso_buf_adds(value, s, err);
		break;
	case HOSO_VALIDATE_ENUM:
		res->ok = false;
		for (i = 0; i < n_enum; i++)
			if (strcasecmp(s, enum_values[i]) == 0) {
				res->ok = true;
				s = enum_values[i];
			}
		r = hoso_buf_adds(value, s, err);
		break;
	case HOSO_VALIDATE_NAME:
		for (i = 0; s[i] != '\0'; i++)
			if (isdigit((unsigned char)s[i]) || (ispunct((unsigned char)s[i]) && s[i] != '\''))
				res->ok = false;
		r = hoso_buf_adds(value, s, err);
		break;
	case HOSO_VALIDATE_EMAIL:
		res->ok = res->ok && strchr(s, '@') != NULL && strchr(s, ' ') == NULL &&
		    strchr(strchr(s, '@'), '.') != NULL;
		r = hoso_buf_adds(value, s, err);
		break;
	case HOSO_VALIDATE_DOSSIER_CODE:
		n = strlen(s);
		res->ok = n > 12 && s[n - 5] == '-' && s[n - 12] == '-';
		r = hoso_buf_adds(value, s, err);
		break;
	default:
		r = hoso_buf_adds(value, s, err);
		break;
	}
	if (!res->ok)
		snprintf(res->reason, sizeof(res->reason), "not a valid %s",
		    hoso_validate_type_name(type));
	if (r == 0 && value->data == NULL)
		r = hoso_buf_adds(value, "", err);
out:
	hoso_buf_free(&c);
	return r;
}
