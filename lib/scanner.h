/*
 * scanner.h - pages straight from a scanner through SANE; scanner.c is the only libsane user.
 * Each page comes out as a PNM image in memory, as soon as it is scanned.
 */
#ifndef HOSO_SCANNER_H
#define HOSO_SCANNER_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct hoso_scanner_dev {
	char *name;			/* what --scan takes: "epson2:libusb:001:004" */
	char *label;			/* vendor, model and type, for a person */
};

/* The scanners SANE finds (local ones only: no network search). */
int hoso_scanner_list(struct hoso_scanner_dev **devs, size_t *n, struct hoso_err *err);
void hoso_scanner_devs_free(struct hoso_scanner_dev *devs, size_t n);

struct hoso_scanner_opts {
	const char *device;		/* NULL: the first scanner found */
	const char *source;		/* "flatbed", "adf", "duplex"; NULL: the device's own */
	int resolution;			/* dpi; 0: 300 */
	const char *mode;		/* "color", "gray", "lineart"; NULL: color */
	int jam_after;			/* tests: SANE's test device jams after this many pages; 0 */
};

struct hoso_scanner;

/* Open and set up the scanner. HOSO_EIO when it is not there or refuses a setting. */
int hoso_scanner_open(const struct hoso_scanner_opts *o, struct hoso_scanner **s,
    struct hoso_err *err);

/*
 * The next page as PNM (P4, P5 or P6) into out (reset first): 1 when there is
 * one, 0 when the batch is over (the feeder is empty; a flatbed after its one
 * page), or HOSO_EIO when the scanner failed (jammed, cover open, cable): the
 * message says what, and no part of the failed page is given.
 */
int hoso_scanner_next(struct hoso_scanner *s, struct hoso_buf *out, struct hoso_err *err);

/* The resolution the scanner scans at (for the page's dpi). */
int hoso_scanner_dpi(const struct hoso_scanner *s);

void hoso_scanner_close(struct hoso_scanner *s);

#endif
