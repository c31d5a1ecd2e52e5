/*
 * date.h - the calendar (proleptic Gregorian) and the date forms shared by
 * libhoso: day numbers, ISO 8601 dates and times in UTC, PDF dates. Nothing
 * here reads the process's time zone (no mktime, localtime or TZ).
 */
#ifndef HOSO_DATE_H
#define HOSO_DATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* A date as a day number: days since 1970-01-01; this one is "no date". */
#define HOSO_DATE_NONE INT32_MIN

/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define HOSO_DATE_ISO_SIZE 21
/* "D:YYYYMMDDHHmmSS+00'00'" and its NUL. */
#define HOSO_DATE_PDF_SIZE 24

bool hoso_date_leap(int year);
/* year-month-mday is a day of the calendar (month 1-12, mday 1 to the month's last). */
bool hoso_date_valid(int year, int month, int mday);
/* Day number <-> civil date (H. Hinnant's days_from_civil and civil_from_days). */
int32_t hoso_date_day(int year, int month, int mday);
void hoso_date_civil(int32_t day, int *year, int *month, int *mday);

/* Exactly "YYYY-MM-DD", a real date; *day (may be NULL) its day number. */
bool hoso_date_parse_ymd(const char *s, int32_t *day);
/* "YYYY-MM-DD" into out (years outside 0-9999 are clamped). */
void hoso_date_ymd(int32_t day, char out[11]);

/*
 * Exactly "YYYY-MM-DDTHH:MM:SS" then "Z" or an offset "+HH:MM" / "-HH:MM"
 * (ISO 8601, RFC 3339 without fractions) as seconds since the epoch in UTC.
 */
bool hoso_date_parse_iso(const char *s, time_t *t);
/* t as "YYYY-MM-DDTHH:MM:SSZ"; false (and out "") when its year is not 0-9999. */
bool hoso_date_iso(time_t t, char out[HOSO_DATE_ISO_SIZE]);

/* Seconds on the monotonic clock (for intervals: never goes back, unaffected by settime). */
double hoso_date_monotonic(void);
/* timegm(3) for a struct tm whose fields are in their ranges (as ASN1_TIME_to_tm fills it). */
time_t hoso_date_timegm(const struct tm *tm);

/*
 * A PDF date (ISO 32000-1 7.9.4): "D:YYYYMMDD", then optionally "HHmmSS",
 * then optionally "Z" or "+HH'mm'" / "-HH'mm'" (the minutes optional).
 */
bool hoso_date_parse_pdf(const char *s, time_t *t);
/* t as "D:YYYYMMDDHHmmSS+00'00'"; false (and out "") when its year is not 0-9999. */
bool hoso_date_pdf(time_t t, char out[HOSO_DATE_PDF_SIZE]);

#endif
