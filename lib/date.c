/*
 * date.c - the calendar and the date forms of libhoso (see date.h). Plain
 * arithmetic on day numbers, so that no result depends on the time zone.
 */
#include <string.h>

#include "date.h"

#define DAY_SECONDS 86400

bool
hoso_date_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

bool
hoso_date_valid(int year, int month, int mday)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12 || mday < 1)
		return false;
	return mday <= mdays[month - 1] + (month == 2 && hoso_date_leap(year) ? 1 : 0);
}

int32_t
hoso_date_day(int year, int month, int mday)
{
	long y = year - (month <= 2);
	long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	unsigned long u = (unsigned long)y;
	long era, yoe, doe;

	/*
	 * From year 1 on (all a register's date cell holds, on its hot path) the
	 * eras fold into y / 4 - y / 100 + y / 400, in unsigned division.
	 */
	if (y >= 0)
		return (int32_t)((long)(u * 365 + u / 4 - u / 100 + u / 400) + doy - 719468);
	era = (y - 399) / 400;
	yoe = y - era * 400;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void
hoso_date_civil(int32_t day, int *year, int *month, int *mday)
{
	long z = (long)day + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*mday = (int)d;
}

/* n decimal digits at s (no sign, no space) into *v. */
static bool
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* v as n digits at out, the leading ones zeros. */
static void
put_digits(char *out, int n, int v)
{
	for (; n > 0; n--, v /= 10)
		out[n - 1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD" at s, checked against the calendar. */
static bool
ymd_at(const char *s, int32_t *day)
{
	int y, m, d;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || !hoso_date_valid(y, m, d))
		return false;
	*day = hoso_date_day(y, m, d);
	return true;
}

bool
hoso_date_parse_ymd(const char *s, int32_t *day)
{
	int32_t got;

	if (strlen(s) != 10 || !ymd_at(s, &got))
		return false;
	if (day != NULL)
		*day = got;
	return true;
}

void
hoso_date_ymd(int32_t day, char out[11])
{
	int y, m, d;

	hoso_date_civil(day, &y, &m, &d);
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	put_digits(out, 4, y);
	out[4] = '-';
	put_digits(out + 5, 2, m);
	out[7] = '-';
	put_digits(out + 8, 2, d);
	out[10] = '\0';
}

/* day and a time of day as seconds since the epoch; the caller checked the ranges. */
static time_t
seconds(int32_t day, int h, int mi, int sec)
{
	return (time_t)day * DAY_SECONDS + h * 3600 + mi * 60 + sec;
}

bool
hoso_date_parse_iso(const char *s, time_t *t)
{
	int32_t day;
	int h, mi, sec, oh = 0, om = 0, sign = 0;

	/* RFC 3339 5.6: date "T" time, then "Z" or the offset from UTC of the time given. */
	if (strnlen(s, 20) < 20 || !ymd_at(s, &day) || s[10] != 'T' ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec) || h > 23 || mi > 59 || sec > 59)
		return false;
	s += 19;
	if (strcmp(s, "Z") != 0) {
		if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || !digits(s + 1, 2, &oh) ||
		    s[3] != ':' || !digits(s + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		sign = s[0] == '+' ? 1 : -1;
	}
	*t = seconds(day, h, mi, sec) - (time_t)sign * (oh * 3600 + om * 60);
	return true;
}

/* t as its civil date and time of day in UTC; false when the year is not 0-9999. */
static bool
civil_time(time_t t, int *y, int *m, int *d, int *secs)
{
	time_t day = t / DAY_SECONDS, rest = t % DAY_SECONDS;

	if (rest < 0) {
		rest += DAY_SECONDS;
		day--;
	}
	/* 0000-01-01 and 9999-12-31 as day numbers */
	if (day < -719528 || day > 2932896)
		return false;
	hoso_date_civil((int32_t)day, y, m, d);
	*secs = (int)rest;
	return true;
}

bool
hoso_date_iso(time_t t, char out[HOSO_DATE_ISO_SIZE])
{
	int y, m, d, secs;

	out[0] = '\0';
	if (!civil_time(t, &y, &m, &d, &secs))
		return false;
	memcpy(out, "YYYY-MM-DDTHH:MM:SSZ", HOSO_DATE_ISO_SIZE);
	put_digits(out, 4, y);
	put_digits(out + 5, 2, m);
	put_digits(out + 8, 2, d);
	put_digits(out + 11, 2, secs / 3600);
	put_digits(out + 14, 2, secs / 60 % 60);
	put_digits(out + 17, 2, secs % 60);
	return true;
}

time_t
hoso_date_timegm(const struct tm *tm)
{
	return seconds(hoso_date_day(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday), tm->tm_hour,
	    tm->tm_min, tm->tm_sec);
}

/* Two digits at s, from lo to hi. */
static bool
two_digits(const char *s, int lo, int hi, int *v)
{
	return digits(s, 2, v) && *v >= lo && *v <= hi;
}

bool
hoso_date_parse_pdf(const char *s, time_t *t)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;

	/* 7.9.4: D:YYYYMMDDHHmmSSOHH'mm' with everything after the day optional */
	if (s == NULL || strncmp(s, "D:", 2) != 0)
		return false;
	s += 2;
	if (strnlen(s, 8) < 8 || !digits(s, 4, &y) || !two_digits(s + 4, 1, 12, &mo) ||
	    !two_digits(s + 6, 1, 31, &d) || !hoso_date_valid(y, mo, d))
		return false;
	s += 8;
	if (*s != '\0' && *s != 'Z' && *s != '+' && *s != '-') {
		if (!two_digits(s, 0, 23, &h) || !two_digits(s + 2, 0, 59, &mi) ||
		    !two_digits(s + 4, 0, 59, &sec))
			return false;
		s += 6;
	}
	if (*s == '+' || *s == '-') {
		sign = *s == '+' ? 1 : -1;
		if (!two_digits(s + 1, 0, 23, &oh))
			return false;
		if (s[3] == '\'' && !two_digits(s + 4, 0, 59, &om))
			return false;
	}
	*t = seconds(hoso_date_day(y, mo, d), h, mi, sec) - (time_t)sign * (oh * 3600 + om * 60);
	return true;
}

bool
hoso_date_pdf(time_t t, char out[HOSO_DATE_PDF_SIZE])
{
	int y, m, d, secs;

	out[0] = '\0';
	if (!civil_time(t, &y, &m, &d, &secs))
		return false;
	memcpy(out, "D:YYYYMMDDHHmmSS+00'00'", HOSO_DATE_PDF_SIZE);
	put_digits(out + 2, 4, y);
	put_digits(out + 6, 2, m);
	put_digits(out + 8, 2, d);
	put_digits(out + 10, 2, secs / 3600);
	put_digits(out + 12, 2, secs / 60 % 60);
	put_digits(out + 14, 2, secs % 60);
	return true;
}

double
hoso_date_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
