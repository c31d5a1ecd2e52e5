/* scanner.c - the SANE wrapper of scanner.h: devices, options, pages as PNM. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sane/sane.h>
#include <sane/saneopts.h>

#include "i18n.h"
#include "scanner.h"

#define MAX_PAGE_BYTES	((size_t)1 << 30)	/* 1 GiB: an A3 colour page at 1200 dpi is less */

struct hoso_scanner {
	SANE_Handle h;
	bool adf;			/* more than one page a batch */
	bool done;			/* a flatbed's one page was given */
	int dpi;
	int pages;			/* pages given so far */
	int jam_after;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static SANE_Status init_status;

static void
init(void)
{
	SANE_Int version;

	init_status = sane_init(&version, NULL);
}

static int
sane_ready(struct hoso_err *err)
{
	pthread_once(&init_once, init);
	if (init_status != SANE_STATUS_GOOD)
		return hoso_err_set(err, HOSO_EIO, _("SANE does not start: %s"),
		    sane_strstatus(init_status));
	return 0;
}

void
hoso_scanner_devs_free(struct hoso_scanner_dev *devs, size_t n)
{
	size_t i;

	for (i = 0; devs != NULL && i < n; i++) {
		free(devs[i].name);
		free(devs[i].label);
	}
	free(devs);
}

int
hoso_scanner_list(struct hoso_scanner_dev **out, size_t *n, struct hoso_err *err)
{
	const SANE_Device **list = NULL;
	struct hoso_scanner_dev *devs;
	SANE_Status st;
	size_t i, k = 0;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = sane_ready(err)) != 0)
		return r;
	if ((st = sane_get_devices(&list, SANE_TRUE)) != SANE_STATUS_GOOD)
		return hoso_err_set(err, HOSO_EIO, _("cannot list scanners: %s"), sane_strstatus(st));
	for (i = 0; list[i] != NULL; i++)
		;
	if ((devs = calloc(i + 1, sizeof(*devs))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (k = 0; k < i; k++) {
		char label[512];
		snprintf(label, sizeof(label), "%s %s (%s)", list[k]->vendor, list[k]->model,
		    list[k]->type);
		if ((devs[k].name = strdup(list[k]->name)) == NULL ||
		    (devs[k].label = strdup(label)) == NULL) {
			hoso_scanner_devs_free(devs, k + 1);
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		}
	}
	*out = devs;
	*n = k;
	return 0;
}

/* The option called name, or -1. */
static SANE_Int
option(SANE_Handle h, const char *name, const SANE_Option_Descriptor **d)
{
	SANE_Int i;

	for (i = 1; (*d = sane_get_option_descriptor(h, i)) != NULL; i++)
		if ((*d)->name != NULL && strcmp((*d)->name, name) == 0)
			return i;
	return -1;
}

/* Case-insensitive: does value hold any of the words (NULL-ended)? */
static bool
names(const char *value, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasestr(value, *words) != NULL)
			return true;
	return false;
}

/* A string option set to the first of its values that one of words names. */
static int
set_choice(SANE_Handle h, const char *opt, const char *what, const char *const *words,
    struct hoso_err *err)
{
	const SANE_Option_Descriptor *d;
	const SANE_String_Const *v;
	SANE_Status st;
	SANE_Int i;
	char *buf;

	if ((i = option(h, opt, &d)) < 0 || d->type != SANE_TYPE_STRING ||
	    d->constraint_type != SANE_CONSTRAINT_STRING_LIST)
		return hoso_err_set(err, HOSO_EIO, _("the scanner has no %s setting"), what);
	for (v = d->constraint.string_list; *v != NULL; v++)
		if (names(*v, words))
			break;
	if (*v == NULL)
		return hoso_err_set(err, HOSO_EIO, _("the scanner has no %s '%s'"), what, words[0]);
	/* The backend reads d->size bytes: a buffer that long. */
	if ((buf = calloc(1, (size_t)d->size + strlen(*v) + 1)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	memcpy(buf, *v, strlen(*v));
	st = sane_control_option(h, i, SANE_ACTION_SET_VALUE, buf, NULL);
	free(buf);
	if (st != SANE_STATUS_GOOD)
		return hoso_err_set(err, HOSO_EIO, _("the scanner refuses %s '%s': %s"), what, *v,
		    sane_strstatus(st));
	return 0;
}

static int
set_resolution(struct hoso_scanner *s, int dpi, struct hoso_err *err)
{
	const SANE_Option_Descriptor *d;
	SANE_Status st;
	SANE_Int i, v;

	if ((i = option(s->h, SANE_NAME_SCAN_RESOLUTION, &d)) < 0)
		return hoso_err_set(err, HOSO_EIO, _("the scanner has no resolution setting"));
	v = d->type == SANE_TYPE_FIXED ? SANE_FIX(dpi) : dpi;
	if ((st = sane_control_option(s->h, i, SANE_ACTION_SET_VALUE, &v, NULL)) != SANE_STATUS_GOOD)
		return hoso_err_set(err, HOSO_EIO, _("the scanner refuses %d dpi: %s"), dpi,
		    sane_strstatus(st));
	/* What it took (a scanner may round to its nearest). */
	if (sane_control_option(s->h, i, SANE_ACTION_GET_VALUE, &v, NULL) == SANE_STATUS_GOOD)
		s->dpi = d->type == SANE_TYPE_FIXED ? (int)SANE_UNFIX(v) : v;
	return 0;
}

int
hoso_scanner_open(const struct hoso_scanner_opts *o, struct hoso_scanner **out,
    struct hoso_err *err)
{
	static const char *const flatbed[] = { "flatbed", NULL };
	static const char *const adf[] = { "adf", "automatic document feeder", "feeder", NULL };
	static const char *const duplex[] = { "duplex", NULL };
	static const char *const color[] = { "color", "colour", NULL };
	static const char *const gray[] = { "gray", "grey", NULL };
	static const char *const lineart[] = { "lineart", "binary", "halftone", NULL };
	struct hoso_scanner_dev *devs = NULL;
	struct hoso_scanner *s;
	const char *device = o->device;
	SANE_Status st;
	size_t n = 0;
	int r;

	*out = NULL;
	if ((r = sane_ready(err)) != 0)
		return r;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	s->dpi = o->resolution > 0 ? o->resolution : 300;
	s->jam_after = o->jam_after;
	if (device == NULL) {
		if ((r = hoso_scanner_list(&devs, &n, err)) != 0)
			goto out;
		if (n == 0) {
			r = hoso_err_set(err, HOSO_EIO, _("no scanner found (is it on and plugged in? "
			    "scan-ingest --list-scanners)"));
			goto out;
		}
		device = devs[0].name;
	}
	if ((st = sane_open(device, &s->h)) != SANE_STATUS_GOOD) {
		s->h = NULL;
		r = hoso_err_set(err, HOSO_EIO, _("scanner %s: cannot open: %s"), device,
		    sane_strstatus(st));
		goto out;
	}
	if (o->source != NULL) {
		const char *const *w = strcmp(o->source, "adf") == 0 ? adf :
		    strcmp(o->source, "duplex") == 0 ? duplex : flatbed;
		if ((r = set_choice(s->h, SANE_NAME_SCAN_SOURCE, _("source"), w, err)) != 0)
			goto out;
		s->adf = w != flatbed;
	} else {
		/* The device's own source: a feeder when its name says so. */
		const SANE_Option_Descriptor *d;
		SANE_Int i = option(s->h, SANE_NAME_SCAN_SOURCE, &d);
		char buf[1024];
		if (i >= 0 && d->type == SANE_TYPE_STRING && d->size <= (SANE_Int)sizeof(buf) &&
		    sane_control_option(s->h, i, SANE_ACTION_GET_VALUE, buf, NULL) ==
		    SANE_STATUS_GOOD)
			s->adf = names(buf, adf) || names(buf, duplex);
	}
	if ((r = set_choice(s->h, SANE_NAME_SCAN_MODE, _("mode"),
	    o->mode == NULL || strcmp(o->mode, "color") == 0 ? color :
	    strcmp(o->mode, "gray") == 0 ? gray : lineart, err)) != 0 ||
	    (r = set_resolution(s, s->dpi, err)) != 0)
		goto out;
	*out = s;
	s = NULL;
out:
	hoso_scanner_devs_free(devs, n);
	hoso_scanner_close(s);
	return r;
}

int
hoso_scanner_dpi(const struct hoso_scanner *s)
{
	return s->dpi;
}

/* SANE's test device: jam from now on (tests of a failure in the middle of a batch). */
static void
test_jam(struct hoso_scanner *s)
{
	static const char jam[] = "SANE_STATUS_JAMMED";
	const SANE_Option_Descriptor *d;
	SANE_Int i = option(s->h, "read-return-value", &d);
	char *v;

	if (i < 0 || d->type != SANE_TYPE_STRING ||
	    (v = calloc(1, (size_t)d->size + sizeof(jam))) == NULL)
		return;
	memcpy(v, jam, sizeof(jam));
	sane_control_option(s->h, i, SANE_ACTION_SET_VALUE, v, NULL);
	free(v);
}

int
hoso_scanner_next(struct hoso_scanner *s, struct hoso_buf *out, struct hoso_err *err)
{
	SANE_Parameters p;
	SANE_Status st;
	SANE_Byte buf[65536];
	SANE_Int got;
	struct hoso_buf data = HOSO_BUF_INIT(MAX_PAGE_BYTES);
	size_t lines, i;
	int r = 0;

	hoso_buf_reset(out);
	if (s->done)
		return 0;
	if (s->jam_after > 0 && s->pages == s->jam_after)
		test_jam(s);
	st = sane_start(s->h);
	if (st == SANE_STATUS_NO_DOCS) {
		sane_cancel(s->h);
		if (s->pages == 0 && s->adf)
			return hoso_err_set(err, HOSO_EIO, _("the document feeder is empty"));
		return 0;	/* the feeder emptied: the batch is over */
	}
	if (st != SANE_STATUS_GOOD) {
		sane_cancel(s->h);
		return hoso_err_set(err, HOSO_EIO, _("page %d: the scanner stopped: %s"),
		    s->pages + 1, sane_strstatus(st));
	}
	if ((st = sane_get_parameters(s->h, &p)) != SANE_STATUS_GOOD) {
		r = hoso_err_set(err, HOSO_EIO, _("page %d: the scanner stopped: %s"), s->pages + 1,
		    sane_strstatus(st));
		goto out;
	}
	if ((p.format != SANE_FRAME_GRAY && p.format != SANE_FRAME_RGB) || !p.last_frame ||
	    (p.depth != 1 && p.depth != 8 && p.depth != 16) ||
	    (p.format == SANE_FRAME_RGB && p.depth == 1) || p.pixels_per_line <= 0) {
		r = hoso_err_set(err, HOSO_EIO, _("page %d: the scanner sends a kind of image we "
		    "do not read (three-pass colour, depth %d)"), s->pages + 1, p.depth);
		goto out;
	}
	for (;;) {
		st = sane_read(s->h, buf, sizeof(buf), &got);
		if (st == SANE_STATUS_EOF)
			break;
		if (st != SANE_STATUS_GOOD) {
			r = hoso_err_set(err, HOSO_EIO, _("page %d: the scanner stopped: %s"),
			    s->pages + 1, sane_strstatus(st));
			goto out;
		}
		if ((r = hoso_buf_add(&data, buf, (size_t)got, err)) != 0)
			goto out;
	}
	/* A hand scanner does not know the height beforehand: the lines that came. */
	lines = (size_t)p.bytes_per_line > 0 ? data.len / (size_t)p.bytes_per_line : 0;
	if (lines == 0) {
		r = hoso_err_set(err, HOSO_EIO, _("page %d: the scanner sent no image"), s->pages + 1);
		goto out;
	}
	if ((r = hoso_buf_addf(out, err, "%s\n%d %zu\n", p.depth == 1 ? "P4" :
	    p.format == SANE_FRAME_RGB ? "P6" : "P5", p.pixels_per_line, lines)) != 0 ||
	    (p.depth != 1 && (r = hoso_buf_addf(out, err, "%d\n", p.depth == 16 ? 65535 : 255)) != 0))
		goto out;
	/* A row of PNM is as long as SANE's (without its padding); 16 bits go big-endian. */
	for (i = 0; i < lines; i++) {
		const unsigned char *row = (const unsigned char *)data.data +
		    i * (size_t)p.bytes_per_line;
		size_t len = p.depth == 1 ? ((size_t)p.pixels_per_line + 7) / 8 :
		    (size_t)p.pixels_per_line * (p.format == SANE_FRAME_RGB ? 3 : 1) *
		    (size_t)(p.depth / 8);
		if (len > (size_t)p.bytes_per_line)
			len = (size_t)p.bytes_per_line;
		if (p.depth == 16) {
			size_t k;
			for (k = 0; r == 0 && k + 1 < len; k += 2) {
				uint16_t v;
				memcpy(&v, row + k, 2);
				r = hoso_buf_addc(out, (char)(v >> 8), err);
				if (r == 0)
					r = hoso_buf_addc(out, (char)(v & 0xff), err);
			}
		} else {
			r = hoso_buf_add(out, row, len, err);
		}
		if (r != 0)
			goto out;
	}
	s->pages++;
	if (!s->adf)
		s->done = true;
	r = 1;
out:
	if (r != 1) {
		sane_cancel(s->h);
		hoso_buf_reset(out);
	} else if (!s->adf) {
		sane_cancel(s->h);
	}
	hoso_buf_free(&data);
	return r;
}

void
hoso_scanner_close(struct hoso_scanner *s)
{
	if (s == NULL)
		return;
	if (s->h != NULL) {
		sane_cancel(s->h);
		sane_close(s->h);
	}
	free(s);
}
