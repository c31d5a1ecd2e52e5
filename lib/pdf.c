/*
 * pdf.c - the one full-page image of each page of a scanned PDF, without loss.
 *
 * The only file that includes qpdf headers. It owns the qpdf handle (made
 * silent: its messages come back to us through its warning list and error
 * record, never through stderr), the walk from a page to its image
 * (ISO 32000-1 7.7.3 page tree, 7.8.3 resources, 8.8 XObjects), the reading
 * of the image dictionary (8.9.5) and the choice of how to keep the image:
 * a DCT stream is a JPEG file, a CCITT stream goes into a TIFF as it is,
 * and the samples of anything else are decoded by qpdf and deflated into a
 * TIFF. Lossy re-coding and rendering are never done here.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "buf.h"
#include "err.h"
#include "i18n.h"
#include "pdf.h"
#include "tiff.h"

#define PDF_MAX_DEPTH		64	/* /Parent links followed for inherited attributes */
#define PDF_MAX_XOBJECTS	4096	/* XObjects looked at on one page */
#define PDF_MAX_FILTERS		8	/* a longer chain is no scanner's */
#define PDF_MAX_ICC		((size_t)4 << 20)
#define PDF_HEADER_WINDOW	1024	/* readers find "%PDF-" this far in */

struct hoso_pdf {
	qpdf_data q;
	char *label;
	int n_pages;		/* -1 until counted */
	int n_warnings;		/* qpdf warnings since the last reset */
	int open_warnings;	/* what qpdf repaired while reading the file */
	int lib_code;		/* qpdf's code for the error in lib_msg */
	char lib_msg[256];	/* the first thing qpdf said since the last reset */
};

/* How the image is kept. */
enum coding {
	CODING_JPEG,		/* /DCTDecode: the stream is a JPEG file */
	CODING_CCITT,		/* /CCITTFaxDecode: the stream is a fax strip */
	CODING_SAMPLES,		/* lossless general filters: decode, then deflate */
};

enum space {
	SPACE_GRAY,
	SPACE_RGB,
	SPACE_INDEXED,
};

struct image {
	qpdf_oh stream, dict;
	uint32_t width, height;
	unsigned bpc;
	bool mask;		/* /ImageMask true: a stencil, 0 paints */
	enum coding coding;
	qpdf_oh parms;		/* /DecodeParms of the one filter that needs them */
	enum space space;
	unsigned n_comp;	/* samples per pixel as stored */
	unsigned base_comp;	/* Indexed: components of the base space */
	unsigned hival;		/* Indexed: highest index */
	unsigned char lookup[256 * 3];
	qpdf_oh icc;		/* /ICCBased stream, or 0 */
	bool inverted;		/* /Decode maps 0 to 1 and 1 to 0 */
	unsigned xdpi, ydpi;	/* 0 when the page says nothing useful */
};

bool
hoso_pdf_is(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i, n;

	if (p == NULL)
		return false;
	/* 7.5.2 puts the header first; readers accept it after some junk */
	n = len < PDF_HEADER_WINDOW ? len : PDF_HEADER_WINDOW;
	for (i = 0; i + 5 <= n; i++)
		if (memcmp(p + i, "%PDF-", 5) == 0)
			return true;
	return false;
}

/* Keep what qpdf said about e (detail first: the full text repeats the label). */
static void
lib_note(struct hoso_pdf *p, qpdf_error e)
{
	const char *s;

	if (e == NULL)
		return;
	s = qpdf_get_error_message_detail(p->q, e);
	if (s == NULL || *s == '\0')
		s = qpdf_get_error_full_text(p->q, e);
	snprintf(p->lib_msg, sizeof(p->lib_msg), "%s", s != NULL ? s : "");
	p->lib_code = (int)qpdf_get_error_code(p->q, e);
}

/* Take qpdf's pending warnings off its list, keeping the first. */
static void
lib_collect(struct hoso_pdf *p)
{
	qpdf_error e;

	while (qpdf_more_warnings(p->q)) {
		e = qpdf_next_warning(p->q);
		if (p->n_warnings++ == 0 && p->lib_msg[0] == '\0')
			lib_note(p, e);
	}
}

static void
lib_reset(struct hoso_pdf *p)
{
	lib_collect(p);
	/* an error nobody asked about is stale; qpdf_cleanup would print it */
	if (qpdf_has_error(p->q))
		(void)qpdf_get_error(p->q);
	p->n_warnings = 0;
	p->lib_code = 0;
	p->lib_msg[0] = '\0';
}

/* True when the last qpdf calls failed; the error replaces any warning kept. */
static bool
lib_failed(struct hoso_pdf *p)
{
	lib_collect(p);
	if (!qpdf_has_error(p->q))
		return false;
	lib_note(p, qpdf_get_error(p->q));
	return true;
}

static const char *
lib_said(const struct hoso_pdf *p, const char *fallback)
{
	return p->lib_msg[0] != '\0' ? p->lib_msg : fallback;
}

/* A logger that drops everything: what matters comes back as warnings and errors. */
static void
lib_quiet(qpdf_data q)
{
	qpdflogger_handle l = qpdflogger_create();

	if (l == NULL)
		return;
	qpdflogger_set_info(l, qpdf_log_dest_discard, NULL, NULL);
	qpdflogger_set_warn(l, qpdf_log_dest_discard, NULL, NULL);
	qpdflogger_set_error(l, qpdf_log_dest_discard, NULL, NULL);
	qpdf_set_logger(q, l);
	qpdflogger_cleanup(&l);
}

/* The first bytes of path, for hoso_pdf_is; 0 bytes when it cannot be read (qpdf says why). */
static size_t
file_head(const char *path, unsigned char *head, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(head, 1, size, f);
	fclose(f);
	return n;
}

/* From memory (data, len) or, with path, from the file, which qpdf reads as it needs. */
static int
open_any(const void *data, size_t len, const char *path, const char *label,
    struct hoso_pdf **pp, struct hoso_err *err)
{
	unsigned char head[PDF_HEADER_WINDOW];
	struct hoso_pdf *p = NULL;
	QPDF_ERROR_CODE code;
	int r;

	if (path != NULL) {
		len = file_head(path, head, sizeof(head));
		data = head;
	}

	*pp = NULL;
	if (label == NULL)
		label = "PDF";
	if (data == NULL && len > 0) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("%s: no data"), label);
		goto out;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->label = strdup(label)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	p->n_pages = -1;
	if (!hoso_pdf_is(data, len)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a PDF file"), label);
		goto out;
	}
	if ((p->q = qpdf_init()) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* before anything else: by default qpdf prints errors and warnings */
	qpdf_silence_errors(p->q);
	qpdf_set_suppress_warnings(p->q, QPDF_TRUE);
	lib_quiet(p->q);
	lib_reset(p);
	/* a damaged cross-reference table is rebuilt (and warned about) */
	if (path != NULL)
		code = qpdf_read(p->q, path, NULL);
	else
		code = qpdf_read_memory(p->q, label, data, (unsigned long long)len, NULL);
	if (lib_failed(p) || (code & QPDF_ERRORS) != 0) {
		if (p->lib_code == (int)qpdf_e_password)
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("%s: encrypted PDF (it needs a password): save an unprotected copy"),
			    label);
		else
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a readable PDF file: %s"),
			    label, lib_said(p, _("unknown error")));
		goto out;
	}
	/*
	 * 7.6: qpdf opens a file whose user password is empty by itself.
	 * We refuse it all the same: what is kept must stay readable without
	 * the document's security handler.
	 */
	if (qpdf_is_encrypted(p->q)) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("%s: encrypted PDF: save an unprotected copy"), label);
		goto out;
	}
	p->open_warnings = p->n_warnings;
	*pp = p;
	p = NULL;
	r = 0;
out:
	hoso_pdf_close(p);
	return r;
}

int
hoso_pdf_open(const void *data, size_t len, const char *label, struct hoso_pdf **pp,
    struct hoso_err *err)
{
	return open_any(data, len, NULL, label, pp, err);
}

int
hoso_pdf_open_file(const char *path, const char *label, struct hoso_pdf **pp,
    struct hoso_err *err)
{
	return open_any(NULL, 0, path, label != NULL ? label : path, pp, err);
}

void
hoso_pdf_close(struct hoso_pdf *p)
{
	if (p == NULL)
		return;
	if (p->q != NULL) {
		lib_reset(p);
		qpdf_cleanup(&p->q);
	}
	free(p->label);
	free(p);
}

int
hoso_pdf_count(struct hoso_pdf *p, int *n, struct hoso_err *err)
{
	int n_pages, r;

	*n = 0;
	if (p->n_pages >= 0) {
		*n = p->n_pages;
		r = 0;
		goto out;
	}
	lib_reset(p);
	n_pages = qpdf_get_num_pages(p->q);
	if (lib_failed(p) || n_pages < 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: broken page tree: %s"),
		    p->label, lib_said(p, _("unknown error")));
		goto out;
	}
	if (n_pages == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no pages"), p->label);
		goto out;
	}
	if (n_pages > HOSO_PDF_MAX_PAGES) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: more than %d pages"),
		    p->label, HOSO_PDF_MAX_PAGES);
		goto out;
	}
	p->n_pages = n_pages;
	*n = n_pages;
	r = 0;
out:
	return r;
}

/*
 * Object access. qpdf warns when asked for a key of a non-dictionary or an
 * item of a non-array; these helpers ask only where the type is right, so
 * that a warning always means trouble in the file.
 */
static qpdf_oh
key_of(const struct hoso_pdf *p, qpdf_oh oh, const char *key)
{
	if (qpdf_oh_is_stream(p->q, oh))
		oh = qpdf_oh_get_dict(p->q, oh);
	return qpdf_oh_get_key_if_dict(p->q, oh, key);
}

static bool
is_name(const struct hoso_pdf *p, qpdf_oh oh, const char *name)
{
	return qpdf_oh_is_name_and_equals(p->q, oh, name) != QPDF_FALSE;
}

/* An integer (or an integral real, which some writers use) in [lo, hi]. */
static bool
get_int(const struct hoso_pdf *p, qpdf_oh oh, long long lo, long long hi, long long *v)
{
	double d;

	if (!qpdf_oh_get_value_as_number(p->q, oh, &d) || !isfinite(d) || d != floor(d) ||
	    d < (double)lo || d > (double)hi)
		return false;
	*v = (long long)d;
	return true;
}

static bool
get_bool(const struct hoso_pdf *p, qpdf_oh oh, bool dflt)
{
	QPDF_BOOL b;

	return qpdf_oh_get_value_as_bool(p->q, oh, &b) ? b != QPDF_FALSE : dflt;
}

/* oh's name for a message ("/DeviceCMYK"), or what kind of object it is. */
static void
name_for_message(const struct hoso_pdf *p, qpdf_oh oh, char *buf, size_t size)
{
	const char *s = NULL;

	if (qpdf_oh_is_array(p->q, oh) && qpdf_oh_get_array_n_items(p->q, oh) > 0)
		oh = qpdf_oh_get_array_item(p->q, oh, 0);
	if (qpdf_oh_is_name(p->q, oh))
		s = qpdf_oh_get_name(p->q, oh);
	else
		s = qpdf_oh_get_type_name(p->q, oh);
	snprintf(buf, size, "%s", s != NULL ? s : "?");
}

/* An attribute a page may inherit from its ancestors (7.7.3.4). */
static qpdf_oh
inherited(const struct hoso_pdf *p, qpdf_oh page, const char *key)
{
	qpdf_oh node = page, v;
	int depth;

	for (depth = 0; depth < PDF_MAX_DEPTH && qpdf_oh_is_dictionary(p->q, node); depth++) {
		v = qpdf_oh_get_key_if_dict(p->q, node, key);
		if (!qpdf_oh_is_null(p->q, v))
			return v;
		node = qpdf_oh_get_key_if_dict(p->q, node, "/Parent");
	}
	return qpdf_oh_new_null(p->q);
}

/* Append the values of resources' /XObject dictionary (7.8.3) to list. */
static void
add_xobjects(const struct hoso_pdf *p, qpdf_oh resources, qpdf_oh *list, int *n, bool *over)
{
	qpdf_oh xobjects = qpdf_oh_get_key_if_dict(p->q, resources, "/XObject");
	const char *key;

	if (!qpdf_oh_is_dictionary(p->q, xobjects))
		return;
	/* qpdf iterates over one dictionary at a time: take the values now */
	qpdf_oh_begin_dict_key_iter(p->q, xobjects);
	while (qpdf_oh_dict_more_keys(p->q)) {
		key = qpdf_oh_dict_next_key(p->q);
		if (*n >= PDF_MAX_XOBJECTS) {
			*over = true;
			break;
		}
		list[(*n)++] = qpdf_oh_get_key(p->q, xobjects, key);
	}
}

static bool
is_xobject(const struct hoso_pdf *p, qpdf_oh oh, const char *subtype)
{
	return qpdf_oh_is_stream(p->q, oh) && is_name(p, key_of(p, oh, "/Subtype"), subtype);
}

/*
 * The image XObjects of a page: those of its (inherited) resources and
 * those of its Form XObjects' own resources, one level down (8.10). An
 * image named twice counts once. *image is the first one found.
 */
static int
find_images(struct hoso_pdf *p, qpdf_oh page, qpdf_oh *image, int *n_images, bool *over,
    struct hoso_err *err)
{
	qpdf_oh *list = NULL;
	int (*ids)[2] = NULL;
	int n = 0, n_top, n_found = 0, i, j, id, gen, r;

	*image = 0;
	*n_images = 0;
	*over = false;
	if ((list = calloc(PDF_MAX_XOBJECTS, sizeof(*list))) == NULL ||
	    (ids = calloc(PDF_MAX_XOBJECTS, sizeof(*ids))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	add_xobjects(p, inherited(p, page, "/Resources"), list, &n, over);
	n_top = n;
	for (i = 0; i < n_top; i++)
		if (is_xobject(p, list[i], "/Form"))
			add_xobjects(p, key_of(p, list[i], "/Resources"), list, &n, over);
	for (i = 0; i < n; i++) {
		if (!is_xobject(p, list[i], "/Image"))
			continue;
		id = qpdf_oh_get_object_id(p->q, list[i]);
		gen = qpdf_oh_get_generation(p->q, list[i]);
		for (j = 0; j < n_found; j++)
			if (id != 0 && ids[j][0] == id && ids[j][1] == gen)
				break;
		if (j < n_found)
			continue;
		if (n_found == 0)
			*image = list[i];
		ids[n_found][0] = id;
		ids[n_found][1] = gen;
		n_found++;
	}
	if (lib_failed(p)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("unreadable page resources: %s"),
		    lib_said(p, _("unknown error")));
		goto out;
	}
	*n_images = n_found;
	r = 0;
out:
	free(list);
	free(ids);
	return r;
}

static bool
filter_is_lossless(const char *name)
{
	/* 7.4: the general-purpose filters qpdf decodes without loss */
	return strcmp(name, "/FlateDecode") == 0 || strcmp(name, "/LZWDecode") == 0 ||
	    strcmp(name, "/RunLengthDecode") == 0 || strcmp(name, "/ASCIIHexDecode") == 0 ||
	    strcmp(name, "/ASCII85Decode") == 0;
}

/* Decide how the image is kept from its /Filter and /DecodeParms (7.3.8.2, 7.4). */
static int
read_filters(struct hoso_pdf *p, struct image *im, struct hoso_err *err)
{
	char names[PDF_MAX_FILTERS][32];
	struct hoso_buf chain = HOSO_BUF_INIT(512);
	qpdf_oh filter = key_of(p, im->stream, "/Filter");
	qpdf_oh parms = key_of(p, im->stream, "/DecodeParms");
	qpdf_oh item;
	int n = 0, i, r;
	bool lossless = true, jpx = false, jbig2 = false;

	if (qpdf_oh_is_name(p->q, filter)) {
		n = 1;
		snprintf(names[0], sizeof(names[0]), "%s", qpdf_oh_get_name(p->q, filter));
	} else if (qpdf_oh_is_array(p->q, filter)) {
		n = qpdf_oh_get_array_n_items(p->q, filter);
		if (n > PDF_MAX_FILTERS) {
			r = hoso_err_set(err, HOSO_EINPUT, _("too many filters (%d)"), n);
			goto out;
		}
		for (i = 0; i < n; i++) {
			item = qpdf_oh_get_array_item(p->q, filter, i);
			if (!qpdf_oh_is_name(p->q, item)) {
				r = hoso_err_set(err, HOSO_EINPUT, _("bad /Filter entry"));
				goto out;
			}
			snprintf(names[i], sizeof(names[i]), "%s", qpdf_oh_get_name(p->q, item));
		}
	} else if (!qpdf_oh_is_null(p->q, filter)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("bad /Filter"));
		goto out;
	}
	/* one set of parameters per filter: a dictionary for one, an array for a chain */
	if (n == 1 && qpdf_oh_is_array(p->q, parms))
		parms = qpdf_oh_get_array_n_items(p->q, parms) > 0 ?
		    qpdf_oh_get_array_item(p->q, parms, 0) : qpdf_oh_new_null(p->q);
	im->parms = parms;
	for (i = 0; i < n; i++) {
		lossless &= filter_is_lossless(names[i]);
		jpx |= strcmp(names[i], "/JPXDecode") == 0;
		jbig2 |= strcmp(names[i], "/JBIG2Decode") == 0;
	}
	if (n == 1 && strcmp(names[0], "/DCTDecode") == 0) {
		im->coding = CODING_JPEG;
	} else if (n == 1 && strcmp(names[0], "/CCITTFaxDecode") == 0) {
		im->coding = CODING_CCITT;
	} else if (lossless) {
		im->coding = CODING_SAMPLES;
	} else if (jbig2) {
		r = hoso_err_set(err, HOSO_EINPUT, _("JBIG2 images are not supported"));
		goto out;
	} else if (jpx) {
		r = hoso_err_set(err, HOSO_EINPUT, _("JPEG 2000 (JPX) images are not supported"));
		goto out;
	} else {
		for (i = 0; i < n; i++)
			if (hoso_buf_addf(&chain, NULL, "%s%s", i > 0 ? " " : "", names[i]) != 0)
				break;
		r = hoso_err_set(err, HOSO_EINPUT, _("images coded with %s are not supported"),
		    hoso_buf_str(&chain));
		goto out;
	}
	r = 0;
out:
	hoso_buf_free(&chain);
	return r;
}

/* The Indexed colour table (8.6.6.3): a string or a stream of (hival + 1) entries. */
static int
read_lookup(struct hoso_pdf *p, qpdf_oh lookup, struct image *im, struct hoso_err *err)
{
	unsigned char *data = NULL;
	const char *s;
	size_t len = 0, need = (size_t)(im->hival + 1) * im->base_comp;
	QPDF_BOOL filtered = QPDF_FALSE;
	QPDF_ERROR_CODE code;
	int r;

	if (qpdf_oh_is_string(p->q, lookup)) {
		s = qpdf_oh_get_binary_string_value(p->q, lookup, &len);
		if (s != NULL && len >= need)
			memcpy(im->lookup, s, need);
	} else if (qpdf_oh_is_stream(p->q, lookup)) {
		lib_reset(p);
		code = qpdf_oh_get_stream_data(p->q, lookup, qpdf_dl_generalized, &filtered,
		    &data, &len);
		if (lib_failed(p) || (code & QPDF_ERRORS) != 0 || !filtered)
			len = 0;
		if (data != NULL && len >= need)
			memcpy(im->lookup, data, need);
	}
	if (len < need) {
		r = hoso_err_set(err, HOSO_EINPUT, _("colour table too short for %u colours"),
		    im->hival + 1);
		goto out;
	}
	r = 0;
out:
	free(data);
	return r;
}

/*
 * The colour spaces whose samples a grey, RGB or palette TIFF holds as they
 * are (8.6): device and CIE-based grey and RGB, ICC profiles of 1 or 3
 * components (the profile goes along), and Indexed over those.
 */
static int
read_space(struct hoso_pdf *p, qpdf_oh cs, bool base, struct image *im, struct hoso_err *err)
{
	char what[64];
	qpdf_oh family = cs, icc = 0;
	long long v;
	int r, n_items = 0;

	if (qpdf_oh_is_array(p->q, cs)) {
		n_items = qpdf_oh_get_array_n_items(p->q, cs);
		family = n_items > 0 ? qpdf_oh_get_array_item(p->q, cs, 0) : qpdf_oh_new_null(p->q);
	}
	if (is_name(p, family, "/DeviceGray") || (n_items >= 2 && is_name(p, family, "/CalGray"))) {
		im->space = SPACE_GRAY;
		im->n_comp = 1;
	} else if (is_name(p, family, "/DeviceRGB") ||
	    (n_items >= 2 && is_name(p, family, "/CalRGB"))) {
		im->space = SPACE_RGB;
		im->n_comp = 3;
	} else if (n_items >= 2 && is_name(p, family, "/ICCBased")) {
		/* 8.6.5.5: the stream's /N says how many components */
		icc = qpdf_oh_get_array_item(p->q, cs, 1);
		if (!qpdf_oh_is_stream(p->q, icc) || !get_int(p, key_of(p, icc, "/N"), 1, 4, &v) ||
		    (v != 1 && v != 3)) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("unsupported PDF image colour space %s (not 1 or 3 components)"),
			    "/ICCBased");
			goto out;
		}
		im->space = v == 1 ? SPACE_GRAY : SPACE_RGB;
		im->n_comp = (unsigned)v;
		im->icc = icc;
	} else if (!base && n_items == 4 && is_name(p, family, "/Indexed")) {
		/* 8.6.6.3: [/Indexed base hival lookup] */
		if ((r = read_space(p, qpdf_oh_get_array_item(p->q, cs, 1), true, im, err)) != 0)
			goto out;
		if (!get_int(p, qpdf_oh_get_array_item(p->q, cs, 2), 0, 255, &v)) {
			r = hoso_err_set(err, HOSO_EINPUT, _("bad /Indexed colour count"));
			goto out;
		}
		im->base_comp = im->n_comp;
		im->hival = (unsigned)v;
		if ((r = read_lookup(p, qpdf_oh_get_array_item(p->q, cs, 3), im, err)) != 0)
			goto out;
		im->space = SPACE_INDEXED;
		im->n_comp = 1;
	} else {
		name_for_message(p, cs, what, sizeof(what));
		r = hoso_err_set(err, HOSO_EINPUT, _("unsupported PDF image colour space %s"),
		    what);
		goto out;
	}
	r = 0;
out:
	return r;
}

/*
 * 8.9.5.2: /Decode either leaves the samples alone ([0 1] per component;
 * [0 2^bpc-1] for Indexed) or inverts every component ([1 0]). Anything
 * else would need the samples rewritten.
 */
static int
read_decode(struct hoso_pdf *p, struct image *im, struct hoso_err *err)
{
	qpdf_oh decode = key_of(p, im->stream, "/Decode");
	double lo, hi, top;
	unsigned i, n_plain = 0, n_inverted = 0;
	int r;

	if (qpdf_oh_is_null(p->q, decode)) {
		r = 0;
		goto out;
	}
	if (!qpdf_oh_is_array(p->q, decode) ||
	    qpdf_oh_get_array_n_items(p->q, decode) != (int)(2 * im->n_comp))
		goto bad;
	top = im->space == SPACE_INDEXED ? (double)((1u << im->bpc) - 1) : 1.0;
	for (i = 0; i < im->n_comp; i++) {
		if (!qpdf_oh_get_value_as_number(p->q,
		    qpdf_oh_get_array_item(p->q, decode, (int)(2 * i)), &lo) ||
		    !qpdf_oh_get_value_as_number(p->q,
		    qpdf_oh_get_array_item(p->q, decode, (int)(2 * i + 1)), &hi))
			goto bad;
		if (lo == 0 && hi == top)
			n_plain++;
		else if (lo == top && hi == 0 && im->space != SPACE_INDEXED)
			n_inverted++;
	}
	if (n_plain == im->n_comp) {
		r = 0;
		goto out;
	}
	if (n_inverted == im->n_comp) {
		im->inverted = true;
		r = 0;
		goto out;
	}
bad:
	r = hoso_err_set(err, HOSO_EINPUT, _("unsupported /Decode array"));
out:
	return r;
}

/* Read the image dictionary (8.9.5.1) and check it can be kept as it is. */
static int
read_image(struct hoso_pdf *p, qpdf_oh stream, size_t max_pixels, struct image *im,
    struct hoso_err *err)
{
	long long w, h, bpc = 0;
	qpdf_oh v;
	int r;

	im->stream = stream;
	if (!get_int(p, key_of(p, stream, "/Width"), 1, HOSO_TIFF_MAX_SIDE, &w) ||
	    !get_int(p, key_of(p, stream, "/Height"), 1, HOSO_TIFF_MAX_SIDE, &h)) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("image has no valid /Width and /Height (1..%u)"), HOSO_TIFF_MAX_SIDE);
		goto out;
	}
	im->width = (uint32_t)w;
	im->height = (uint32_t)h;
	/* before anything is decoded: a small stream can claim a huge image */
	if (max_pixels > 0 && (uint64_t)w * (uint64_t)h > max_pixels) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("image of %lldx%lld pixels is over the limit of %zu pixels"),
		    w, h, max_pixels);
		goto out;
	}
	if ((r = read_filters(p, im, err)) != 0)
		goto out;
	v = key_of(p, stream, "/BitsPerComponent");
	if (!qpdf_oh_is_null(p->q, v) && !get_int(p, v, 1, 32, &bpc)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("bad /BitsPerComponent"));
		goto out;
	}
	im->mask = get_bool(p, key_of(p, stream, "/ImageMask"), false);
	if (im->mask) {
		/* 8.9.6.2: a stencil mask has one 1-bit component and no colour space */
		if (bpc != 0 && bpc != 1) {
			r = hoso_err_set(err, HOSO_EINPUT, _("bad /BitsPerComponent for a mask"));
			goto out;
		}
		im->space = SPACE_GRAY;
		im->n_comp = 1;
		bpc = 1;
	} else if ((r = read_space(p, key_of(p, stream, "/ColorSpace"), false, im, err)) != 0) {
		goto out;
	}
	if (im->coding == CODING_CCITT && bpc == 0)
		bpc = 1;
	if (im->coding != CODING_JPEG) {
		/* a TIFF can hold these without rewriting a sample */
		if (bpc == 16) {
			r = hoso_err_set(err, HOSO_EINPUT, _("16-bit images are not supported"));
			goto out;
		}
		if ((bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8) ||
		    (im->space == SPACE_RGB && bpc != 8) ||
		    (im->coding == CODING_CCITT && (bpc != 1 || im->space != SPACE_GRAY))) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("unsupported image of %lld bits per component"), bpc);
			goto out;
		}
	} else if (im->space == SPACE_INDEXED) {
		r = hoso_err_set(err, HOSO_EINPUT, _("unsupported PDF image colour space %s"),
		    _("/Indexed with JPEG data"));
		goto out;
	}
	im->bpc = (unsigned)(bpc == 0 ? 8 : bpc);
	if ((r = read_decode(p, im, err)) != 0)
		goto out;
	if (im->coding == CODING_JPEG && im->inverted) {
		r = hoso_err_set(err, HOSO_EINPUT, _("inverted JPEG images are not supported"));
		goto out;
	}
	if (lib_failed(p)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("unreadable image dictionary: %s"),
		    lib_said(p, _("unknown error")));
		goto out;
	}
	r = 0;
out:
	return r;
}

/*
 * Pixels per inch: the image spans the page (14.11.2 MediaBox, scaled by
 * /UserUnit). A scan drawn turned by the content stream's matrix spans it
 * the other way round: take the way that matches the image's proportions.
 * /Rotate is not used: it turns the page when shown, not the image on it.
 */
static void
page_dpi(const struct hoso_pdf *p, qpdf_oh page, struct image *im)
{
	qpdf_oh box = inherited(p, page, "/MediaBox");
	double c[4], w, h, unit = 1, t, x, y, aspect;
	int i;

	if (!qpdf_oh_is_array(p->q, box) || qpdf_oh_get_array_n_items(p->q, box) != 4)
		return;
	for (i = 0; i < 4; i++)
		if (!qpdf_oh_get_value_as_number(p->q, qpdf_oh_get_array_item(p->q, box, i), &c[i]))
			return;
	if (!qpdf_oh_get_value_as_number(p->q, key_of(p, page, "/UserUnit"), &unit) ||
	    !(unit > 0))
		unit = 1;
	w = fabs(c[2] - c[0]) * unit / 72;
	h = fabs(c[3] - c[1]) * unit / 72;
	if (!isfinite(w) || !isfinite(h) || !(w > 0) || !(h > 0))
		return;
	aspect = (double)im->width / im->height;
	if (fabs(log(aspect * h / w)) > fabs(log(aspect * w / h))) {
		t = w;
		w = h;
		h = t;
	}
	x = round(im->width / w);
	y = round(im->height / h);
	if (x >= 1 && x <= 1e6 && y >= 1 && y <= 1e6) {
		im->xdpi = (unsigned)x;
		im->ydpi = (unsigned)y;
	}
}

/* The stream's data, raw (qpdf_dl_none) or fully decoded; qpdf's warnings are errors. */
static int
stream_data(struct hoso_pdf *p, qpdf_oh stream, enum qpdf_stream_decode_level_e level,
    unsigned char **data, size_t *len, struct hoso_err *err)
{
	QPDF_BOOL filtered = QPDF_FALSE;
	QPDF_ERROR_CODE code;
	int r;

	*data = NULL;
	*len = 0;
	lib_reset(p);
	code = qpdf_oh_get_stream_data(p->q, stream, level, &filtered, data, len);
	if (lib_failed(p) || (code & QPDF_ERRORS) != 0 || p->n_warnings > 0 ||
	    (level != qpdf_dl_none && !filtered)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("unreadable image data: %s"),
		    lib_said(p, _("cannot decode it")));
		goto out;
	}
	if (*data == NULL || *len == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("no image data"));
		goto out;
	}
	r = 0;
out:
	if (r != 0) {
		free(*data);
		*data = NULL;
		*len = 0;
	}
	return r;
}

static int add_jpeg(struct hoso_buf *out, const unsigned char *data, size_t len,
    struct hoso_err *err);

/*
 * 8.9.5 / 7.4.8: a DCTDecode stream holds a whole JPEG file; keep it byte for
 * byte (but for a repeated SOI, see add_jpeg).
 */
static int
keep_jpeg(struct hoso_pdf *p, const struct image *im, struct hoso_buf *out,
    struct hoso_err *err)
{
	unsigned char *data = NULL;
	size_t len = 0, end;
	int r;

	if ((r = stream_data(p, im->stream, qpdf_dl_none, &data, &len, err)) != 0)
		goto out;
	/* a cut-off stream must not pass for a page: the end marker must be there */
	end = len;
	while (end > 0 && (data[end - 1] == 0 || data[end - 1] == '\n' ||
	    data[end - 1] == '\r' || data[end - 1] == ' '))
		end--;
	if (end < 4 || data[0] != 0xff || data[1] != 0xd8) {
		r = hoso_err_set(err, HOSO_EINPUT, _("the DCT image is not a JPEG file"));
		goto out;
	}
	if (data[end - 2] != 0xff || data[end - 1] != 0xd9) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("the JPEG data is cut off (no end-of-image marker)"));
		goto out;
	}
	r = add_jpeg(out, data, len, err);
out:
	free(data);
	return r;
}

/*
 * Copy a JPEG stream, dropping a second SOI marker among the header
 * segments. libtiff's tiff2pdf (and tools like it) write a JPEG-in-TIFF
 * page as its JPEGTables segment followed by the strip, which starts with
 * its own SOI: readers as lenient as PDF viewers show it, libjpeg refuses
 * it. Only those two bytes go; the coded image is kept as it is.
 */
static int
add_jpeg(struct hoso_buf *out, const unsigned char *data, size_t len, struct hoso_err *err)
{
	size_t pos = 2, seg;
	int r;

	while (pos + 4 <= len && data[pos] == 0xff) {
		if (data[pos + 1] == 0xd8) {		/* SOI again: drop it */
			if ((r = hoso_buf_add(out, data, pos, err)) != 0)
				return r;
			data += pos + 2;
			len -= pos + 2;
			pos = 0;
			continue;
		}
		if (data[pos + 1] == 0xda)		/* SOS: entropy-coded data follows */
			break;
		seg = (size_t)data[pos + 2] << 8 | data[pos + 3];
		if (seg < 2)
			break;
		pos += 2 + seg;
	}
	return hoso_buf_add(out, data, len, err);
}

/*
 * 7.4.6 CCITTFaxDecode: the coded rows go into a TIFF strip unchanged.
 * TIFF (and libtiff) reads T.4 only with an EOL before each row, and T.6
 * only without byte alignment; other forms are refused rather than recoded.
 */
static int
keep_ccitt(struct hoso_pdf *p, const struct image *im, struct hoso_buf *out,
    struct hoso_err *err)
{
	struct hoso_tiff_strip d;
	unsigned char *data = NULL;
	size_t len = 0;
	long long k = 0, columns = 1728;
	qpdf_oh v;
	bool eol, byte_align, black_is_1;
	int r;

	v = qpdf_oh_get_key_if_dict(p->q, im->parms, "/K");
	if (!qpdf_oh_is_null(p->q, v) && !get_int(p, v, -1000000, 1000000, &k)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("bad CCITT /K"));
		goto out;
	}
	v = qpdf_oh_get_key_if_dict(p->q, im->parms, "/Columns");
	if (!qpdf_oh_is_null(p->q, v) && !get_int(p, v, 1, HOSO_TIFF_MAX_SIDE, &columns)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("bad CCITT /Columns"));
		goto out;
	}
	/* rows are as wide as the image; /Rows may be absent, /Height rules */
	if (columns != (long long)im->width) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("CCITT /Columns %lld differ from the image width %" PRIu32), columns,
		    im->width);
		goto out;
	}
	eol = get_bool(p, qpdf_oh_get_key_if_dict(p->q, im->parms, "/EndOfLine"), false);
	byte_align = get_bool(p, qpdf_oh_get_key_if_dict(p->q, im->parms, "/EncodedByteAlign"),
	    false);
	black_is_1 = get_bool(p, qpdf_oh_get_key_if_dict(p->q, im->parms, "/BlackIs1"), false);
	memset(&d, 0, sizeof(d));
	d.width = im->width;
	d.height = im->height;
	d.bits_per_sample = 1;
	d.samples_per_pixel = 1;
	if (k < 0) {
		if (byte_align) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("CCITT G4 images with byte-aligned rows are not supported"));
			goto out;
		}
		d.compression = HOSO_TIFF_COMP_G4;
	} else {
		if (!eol) {
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("CCITT G3 images without end-of-line codes are not supported"));
			goto out;
		}
		d.compression = HOSO_TIFF_COMP_G3;
		/* with an EOL before each row, aligned rows are TIFF's fill bits */
		d.fax_options = (k > 0 ? HOSO_TIFF_G3_2D : 0) |
		    (byte_align ? HOSO_TIFF_G3_FILLBITS : 0);
	}
	/*
	 * The coding has white and black runs. PDF decodes black runs to 0
	 * bits (BlackIs1 false), which DeviceGray or a mask shows black unless
	 * /Decode inverts; libtiff decodes black runs to 1 bits, which
	 * WhiteIsZero shows black. Keep what the PDF shows.
	 */
	d.photometric = black_is_1 != im->inverted ? HOSO_TIFF_PHOTO_MINISBLACK :
	    HOSO_TIFF_PHOTO_MINISWHITE;
	d.xdpi = im->xdpi;
	d.ydpi = im->ydpi;
	if ((r = stream_data(p, im->stream, qpdf_dl_none, &data, &len, err)) != 0)
		goto out;
	r = hoso_tiff_wrap_strip(&d, data, len, out, err);
out:
	free(data);
	return r;
}

/* The ICC profile to record with the samples, or none when it cannot be had cheaply. */
static void
read_icc(struct hoso_pdf *p, const struct image *im, unsigned char **icc, size_t *len)
{
	QPDF_BOOL filtered = QPDF_FALSE;
	QPDF_ERROR_CODE code;

	*icc = NULL;
	*len = 0;
	if (im->icc == 0 || im->space == SPACE_INDEXED)
		return;
	lib_reset(p);
	code = qpdf_oh_get_stream_data(p->q, im->icc, qpdf_dl_generalized, &filtered, icc, len);
	if (lib_failed(p) || (code & QPDF_ERRORS) != 0 || p->n_warnings > 0 || !filtered ||
	    *len < 128 || *len > PDF_MAX_ICC) {
		/* the colours stay right to the eye without it; the samples are whole */
		free(*icc);
		*icc = NULL;
		*len = 0;
	}
}

/* Decode the samples (7.4.2-7.4.5, predictors 7.4.4.4) and deflate them into a TIFF. */
static int
keep_samples(struct hoso_pdf *p, const struct image *im, struct hoso_buf *out,
    struct hoso_err *err)
{
	struct hoso_tiff_strip d;
	unsigned char *data = NULL, *icc = NULL, rgb[3];
	uint16_t *map = NULL;
	size_t len = 0, icc_len = 0, i, n_colours;
	uint64_t row_bytes, need;
	unsigned c, idx;
	int r;

	/* 8.9.3: each row starts on a byte boundary */
	row_bytes = ((uint64_t)im->width * im->bpc * im->n_comp + 7) / 8;
	need = row_bytes * im->height;
	if (need > SIZE_MAX / 2) {
		r = hoso_err_set(err, HOSO_EINPUT, _("image too large"));
		goto out;
	}
	if ((r = stream_data(p, im->stream, qpdf_dl_specialized, &data, &len, err)) != 0)
		goto out;
	/* readers ignore data past the last row; short data is a damaged file */
	if (len < need) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("image data too short: %zu bytes for %" PRIu64 " expected"), len, need);
		goto out;
	}
	memset(&d, 0, sizeof(d));
	d.width = im->width;
	d.height = im->height;
	d.bits_per_sample = (uint16_t)im->bpc;
	d.samples_per_pixel = (uint16_t)im->n_comp;
	d.compression = HOSO_TIFF_COMP_DEFLATE;
	d.xdpi = im->xdpi;
	d.ydpi = im->ydpi;
	switch (im->space) {
	case SPACE_GRAY:
		/* 0 is black (8.6.4.2), and a mask paints where it is 0 (8.9.6.2) */
		d.photometric = im->inverted ? HOSO_TIFF_PHOTO_MINISWHITE :
		    HOSO_TIFF_PHOTO_MINISBLACK;
		break;
	case SPACE_RGB:
		d.photometric = HOSO_TIFF_PHOTO_RGB;
		/* TIFF has no inverted RGB; inverting 8-bit samples loses nothing */
		if (im->inverted)
			for (i = 0; i < need; i++)
				data[i] = (unsigned char)~data[i];
		break;
	case SPACE_INDEXED:
		d.photometric = HOSO_TIFF_PHOTO_PALETTE;
		n_colours = (size_t)1 << im->bpc;
		if ((map = calloc(3 * n_colours, sizeof(*map))) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		for (i = 0; i < n_colours; i++) {
			/* 8.6.6.3: an index past hival means hival */
			idx = i > im->hival ? im->hival : (unsigned)i;
			for (c = 0; c < 3; c++)
				rgb[c] = im->lookup[idx * im->base_comp +
				    (im->base_comp == 3 ? c : 0)];
			for (c = 0; c < 3; c++)
				map[c * n_colours + i] = (uint16_t)(rgb[c] * 257u);
		}
		d.colormap = map;
		break;
	}
	read_icc(p, im, &icc, &icc_len);
	d.icc = icc;
	d.icc_len = icc_len;
	r = hoso_tiff_wrap_strip(&d, data, (size_t)need, out, err);
out:
	free(data);
	free(icc);
	free(map);
	return r;
}

int
hoso_pdf_page_image(struct hoso_pdf *p, int page, size_t max_pixels, struct hoso_buf *out,
    const char **ext, struct hoso_err *err)
{
	struct image im;
	size_t base = out->len;
	qpdf_oh page_oh, stream;
	int n, n_images = 0, r;
	bool over = false, in_page = false;

	*ext = NULL;
	memset(&im, 0, sizeof(im));
	if ((r = hoso_pdf_count(p, &n, err)) != 0)
		goto out;
	if (page < 0 || page >= n) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("%s: no page %d (the file has %d)"),
		    p->label, page + 1, n);
		goto out;
	}
	in_page = true;
	lib_reset(p);
	page_oh = qpdf_get_page_n(p->q, (size_t)page);
	if (lib_failed(p) || !qpdf_oh_is_dictionary(p->q, page_oh)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("unreadable page object: %s"),
		    lib_said(p, _("unknown error")));
		goto out;
	}
	if ((r = find_images(p, page_oh, &stream, &n_images, &over, err)) != 0)
		goto out;
	if (over) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("not a scanned page (it holds more than %d objects)"), PDF_MAX_XOBJECTS);
		goto out;
	}
	if (n_images != 1) {
		r = hoso_err_set(err, HOSO_EINPUT,
		    _("not a scanned page (it holds %d images and is not one full-page image)"),
		    n_images);
		goto out;
	}
	if ((r = read_image(p, stream, max_pixels, &im, err)) != 0)
		goto out;
	page_dpi(p, page_oh, &im);
	switch (im.coding) {
	case CODING_JPEG:
		r = keep_jpeg(p, &im, out, err);
		*ext = "jpg";
		break;
	case CODING_CCITT:
		r = keep_ccitt(p, &im, out, err);
		*ext = "tif";
		break;
	case CODING_SAMPLES:
		r = keep_samples(p, &im, out, err);
		*ext = "tif";
		break;
	}
out:
	if (r != 0) {
		if (in_page)
			hoso_err_prefix(err, _("%s: page %d"), p->label, page + 1);
		*ext = NULL;
		if (out->len > base) {
			out->len = base;
			out->data[out->len] = '\0';
		}
	}
	/* handles made for this page are not needed again */
	qpdf_oh_release_all(p->q);
	lib_reset(p);
	return r;
}

/*
 * Signatures (12.8): the objects an incremental update rewrites to add a
 * signature field, the signature fields of a file, and what the revisions
 * after a signed one changed. Text for the update comes from qpdf's
 * unparsing, so every value we carry over is written as qpdf read it.
 */

#define SIG_MAX_FIELDS		10000	/* form field nodes looked at */

/* Append "/Key value" for each key of dict not in skip (NULL-terminated). */
static int
dict_text(struct hoso_pdf *p, qpdf_oh dict, const char *const *skip, struct hoso_buf *out,
    struct hoso_err *err)
{
	char **keys = NULL;
	size_t n = 0, i, j;
	int r;

	if ((r = hoso_pdf_keys(p, dict, &keys, &n, err)) != 0)
		return r;
	if (qpdf_oh_is_stream(p->q, dict))
		dict = qpdf_oh_get_dict(p->q, dict);
	for (i = 0; i < n; i++) {
		for (j = 0; skip != NULL && skip[j] != NULL; j++)
			if (strcmp(keys[i], skip[j]) == 0)
				break;
		if (skip != NULL && skip[j] != NULL)
			continue;
		/* qpdf keeps one buffer for the strings it returns: one call at a time */
		if ((r = hoso_buf_addf(out, err, " %s",
		    qpdf_oh_unparse(p->q, qpdf_oh_new_name(p->q, keys[i])))) != 0 ||
		    (r = hoso_buf_addf(out, err, " %s",
		    qpdf_oh_unparse(p->q, qpdf_oh_get_key(p->q, dict, keys[i])))) != 0)
			break;
	}
	hoso_pdf_keys_free(keys, n);
	return r;
}

/* Append the items of arr (if it is an array), each followed by a space. */
static int
items_text(struct hoso_pdf *p, qpdf_oh arr, struct hoso_buf *out, struct hoso_err *err)
{
	int i, n, r;

	if (!qpdf_oh_is_array(p->q, arr))
		return 0;
	n = qpdf_oh_get_array_n_items(p->q, arr);
	for (i = 0; i < n; i++)
		if ((r = hoso_buf_addf(out, err, "%s ",
		    qpdf_oh_unparse(p->q, qpdf_oh_get_array_item(p->q, arr, i)))) != 0)
			return r;
	return 0;
}

/* True when some item of fields has /T equal to name. */
static bool
field_named(struct hoso_pdf *p, qpdf_oh fields, const char *name)
{
	const char *t;
	qpdf_oh f;
	int i, n;

	if (!qpdf_oh_is_array(p->q, fields))
		return false;
	n = qpdf_oh_get_array_n_items(p->q, fields);
	for (i = 0; i < n; i++) {
		f = qpdf_oh_get_array_item(p->q, fields, i);
		if (!qpdf_oh_is_dictionary(p->q, f))
			continue;
		f = qpdf_oh_get_key(p->q, f, "/T");
		if (qpdf_oh_is_string(p->q, f) && (t = qpdf_oh_get_utf8_value(p->q, f)) != NULL &&
		    strcmp(t, name) == 0)
			return true;
	}
	return false;
}

void
hoso_pdf_sig_update_free(struct hoso_pdf_sig_update *u)
{
	if (u == NULL)
		return;
	hoso_buf_free(&u->catalog);
	hoso_buf_free(&u->page);
	hoso_buf_free(&u->form);
	hoso_buf_free(&u->trailer);
}

/* An incremental update extends an intact file only. */
static int
update_intact(struct hoso_pdf *p, struct hoso_err *err)
{
	if (p->open_warnings > 0)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: damaged PDF (%s): an incremental "
		    "update needs an intact file; repair it first (qpdf IN.pdf OUT.pdf)"), p->label,
		    _("its cross-reference table had to be rebuilt"));
	return 0;
}

/* 7.5.6: the update's trailer repeats /Root, /ID and (with info) /Info; then qpdf's verdict. */
static int
update_trailer(struct hoso_pdf *p, qpdf_oh trailer, int root_id, int root_gen, bool info,
    struct hoso_buf *out, struct hoso_err *err)
{
	qpdf_oh v;
	int r;

	if ((r = hoso_buf_addf(out, err, "/Root %d %d R", root_id, root_gen)) != 0)
		return r;
	v = qpdf_oh_get_key_if_dict(p->q, trailer, "/Info");
	if (info && qpdf_oh_is_indirect(p->q, v) && qpdf_oh_is_dictionary(p->q, v) &&
	    (r = hoso_buf_addf(out, err, " /Info %s", qpdf_oh_unparse(p->q, v))) != 0)
		return r;
	v = qpdf_oh_get_key_if_dict(p->q, trailer, "/ID");
	if (qpdf_oh_is_array(p->q, v) && qpdf_oh_get_array_n_items(p->q, v) == 2 &&
	    (r = hoso_buf_addf(out, err, " /ID %s", qpdf_oh_unparse_resolved(p->q, v))) != 0)
		return r;
	if (lib_failed(p))
		return hoso_err_set(err, HOSO_EINPUT, _("%s: unreadable document structure: %s"),
		    p->label, lib_said(p, _("unknown error")));
	return 0;
}

int
hoso_pdf_sig_update(struct hoso_pdf *p, struct hoso_pdf_sig_update *u, struct hoso_err *err)
{
	static const char *const no_form[] = { "/AcroForm", NULL };
	static const char *const no_annots[] = { "/Annots", NULL };
	static const char *const no_fields[] = { "/Fields", "/SigFlags", NULL };
	qpdf_oh trailer, root, page, form, fields, v;
	long long size;
	int n_pages, k, r;

	memset(u, 0, sizeof(*u));
	if ((r = hoso_pdf_count(p, &n_pages, err)) != 0)
		goto out;
	lib_reset(p);
	if ((r = update_intact(p, err)) != 0)
		goto out;
	trailer = qpdf_get_trailer(p->q);
	root = qpdf_get_root(p->q);
	page = qpdf_get_page_n(p->q, 0);
	if (!get_int(p, key_of(p, trailer, "/Size"), 1, 8388606, &size) ||
	    !qpdf_oh_is_dictionary(p->q, root) || qpdf_oh_get_object_id(p->q, root) == 0 ||
	    !qpdf_oh_is_dictionary(p->q, page) || qpdf_oh_get_object_id(p->q, page) == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no trailer /Size, catalog or first page "
		    "object to update"), p->label);
		goto out;
	}
	u->size = size;
	u->root_id = qpdf_oh_get_object_id(p->q, root);
	u->root_gen = qpdf_oh_get_generation(p->q, root);
	u->page_id = qpdf_oh_get_object_id(p->q, page);
	u->page_gen = qpdf_oh_get_generation(p->q, page);
	form = qpdf_oh_get_key_if_dict(p->q, root, "/AcroForm");
	if (qpdf_oh_is_indirect(p->q, form) && qpdf_oh_is_dictionary(p->q, form)) {
		u->form_id = qpdf_oh_get_object_id(p->q, form);
		u->form_gen = qpdf_oh_get_generation(p->q, form);
	} else {
		u->form_id = (int)size + 2;
		u->form_gen = 0;
	}
	fields = key_of(p, form, "/Fields");
	k = qpdf_oh_is_array(p->q, fields) ? qpdf_oh_get_array_n_items(p->q, fields) + 1 : 1;
	do
		snprintf(u->field_name, sizeof(u->field_name), "Signature%d", k++);
	while (field_named(p, fields, u->field_name) && k < 100000);
	/* the catalog with its form as an indirect object */
	if ((r = hoso_buf_adds(&u->catalog, "<<", err)) != 0 ||
	    (r = dict_text(p, root, no_form, &u->catalog, err)) != 0 ||
	    (r = hoso_buf_addf(&u->catalog, err, " /AcroForm %d %d R >>", u->form_id,
	    u->form_gen)) != 0)
		goto out;
	/* 12.7.2: the form lists our field; SigFlags 3 = SignaturesExist | AppendOnly */
	if ((r = hoso_buf_adds(&u->form, "<<", err)) != 0 ||
	    (r = dict_text(p, form, no_fields, &u->form, err)) != 0 ||
	    (r = hoso_buf_adds(&u->form, " /Fields [ ", err)) != 0 ||
	    (r = items_text(p, fields, &u->form, err)) != 0 ||
	    (r = hoso_buf_addf(&u->form, err, "%lld 0 R ] /SigFlags 3 >>", size + 1)) != 0)
		goto out;
	/* 12.5.2: the page lists the widget */
	if ((r = hoso_buf_adds(&u->page, "<<", err)) != 0 ||
	    (r = dict_text(p, page, no_annots, &u->page, err)) != 0 ||
	    (r = hoso_buf_adds(&u->page, " /Annots [ ", err)) != 0 ||
	    (r = items_text(p, qpdf_oh_get_key_if_dict(p->q, page, "/Annots"), &u->page,
	    err)) != 0 ||
	    (r = hoso_buf_addf(&u->page, err, "%lld 0 R ] >>", size + 1)) != 0)
		goto out;
	/* 7.7.3.3: MediaBox, maybe inherited; US Letter when it is unusable */
	v = inherited(p, page, "/MediaBox");
	u->media[2] = 612;
	u->media[3] = 792;
	if (qpdf_oh_is_array(p->q, v) && qpdf_oh_get_array_n_items(p->q, v) == 4)
		for (k = 0; k < 4; k++)
			if (!qpdf_oh_get_value_as_number(p->q, qpdf_oh_get_array_item(p->q, v, k),
			    &u->media[k]) || !isfinite(u->media[k]))
				u->media[k] = k < 2 ? 0 : k == 2 ? 612 : 792;
	r = update_trailer(p, trailer, u->root_id, u->root_gen, true, &u->trailer, err);
out:
	if (r != 0)
		hoso_pdf_sig_update_free(u);
	return r;
}

void
hoso_pdf_info_update_free(struct hoso_pdf_info_update *u)
{
	if (u == NULL)
		return;
	hoso_buf_free(&u->catalog);
	hoso_buf_free(&u->info);
	hoso_buf_free(&u->trailer);
	free(u->producer);
	free(u->creation_date);
	u->producer = u->creation_date = NULL;
}

/*
 * The UTF-8 value of string key of dict, whole (it is written back into the
 * file: never cut), "" when it is not a string; NULL only without memory.
 */
static char *
string_of(struct hoso_pdf *p, qpdf_oh dict, const char *key)
{
	qpdf_oh v = key_of(p, dict, key);
	const char *s = qpdf_oh_is_string(p->q, v) ? qpdf_oh_get_utf8_value(p->q, v) : NULL;

	return strdup(s != NULL ? s : "");
}

int
hoso_pdf_info_update(struct hoso_pdf *p, struct hoso_pdf_info_update *u, struct hoso_err *err)
{
	static const char *const no_meta[] = { "/Metadata", NULL };
	static const char *const no_names[] = { "/Title", "/Creator", "/Producer", NULL };
	qpdf_oh trailer, root, info;
	long long size;
	int r;

	memset(u, 0, sizeof(*u));
	lib_reset(p);
	if ((r = update_intact(p, err)) != 0)
		goto out;
	trailer = qpdf_get_trailer(p->q);
	root = qpdf_get_root(p->q);
	if (!get_int(p, key_of(p, trailer, "/Size"), 1, 8388606, &size) ||
	    !qpdf_oh_is_dictionary(p->q, root) || qpdf_oh_get_object_id(p->q, root) == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no trailer /Size or catalog object to "
		    "update"), p->label);
		goto out;
	}
	u->size = size;
	u->root_id = qpdf_oh_get_object_id(p->q, root);
	u->root_gen = qpdf_oh_get_generation(p->q, root);
	info = qpdf_oh_get_key_if_dict(p->q, trailer, "/Info");
	if (qpdf_oh_is_indirect(p->q, info) && qpdf_oh_is_dictionary(p->q, info)) {
		u->info_id = qpdf_oh_get_object_id(p->q, info);
		u->info_gen = qpdf_oh_get_generation(p->q, info);
	}
	if ((u->producer = string_of(p, info, "/Producer")) == NULL ||
	    (u->creation_date = string_of(p, info, "/CreationDate")) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = dict_text(p, root, no_meta, &u->catalog, err)) != 0 ||
	    (r = dict_text(p, info, no_names, &u->info, err)) != 0)
		goto out;
	r = update_trailer(p, trailer, u->root_id, u->root_gen, false, &u->trailer, err);
out:
	if (r != 0)
		hoso_pdf_info_update_free(u);
	return r;
}

void
hoso_pdf_sigs_free(struct hoso_pdf_sig *sigs, size_t n)
{
	size_t i;

	for (i = 0; sigs != NULL && i < n; i++) {
		free(sigs[i].contents);
		hoso_buf_free(&sigs[i].lock_fields);
	}
	free(sigs);
}

static void
name_text(struct hoso_pdf *p, qpdf_oh oh, char *buf, size_t size)
{
	const char *s = qpdf_oh_is_name(p->q, oh) ? qpdf_oh_get_name(p->q, oh) : NULL;

	snprintf(buf, size, "%s", s != NULL ? s : "");
}

/* A string for a label: cut to size if need be, at a character, the cut marked "…". */
static void
string_text(struct hoso_pdf *p, qpdf_oh oh, char *buf, size_t size)
{
	const char *s = qpdf_oh_is_string(p->q, oh) ? qpdf_oh_get_utf8_value(p->q, oh) : NULL;
	size_t n = s != NULL ? strlen(s) : 0, k;

	if (n < size) {
		memcpy(buf, s != NULL ? s : "", n + 1);
		return;
	}
	for (k = size - 4; k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80; k--)
		;
	memcpy(buf, s, k);
	memcpy(buf + k, "\xe2\x80\xa6", 4);
}

/*
 * A FieldMDP lock (12.8.2.4, 12.7.4.5 table 233): /Action and, for /Include
 * and /Exclude, the names in /Fields. A second lock on one signature (the
 * field's /Lock and a /Reference), or one that cannot be read, locks every
 * field: the strictest reading.
 */
static int
read_lock(struct hoso_pdf *p, qpdf_oh lock, struct hoso_pdf_sig *sig, struct hoso_err *err)
{
	qpdf_oh action = key_of(p, lock, "/Action"), names = key_of(p, lock, "/Fields"), f;
	bool include = is_name(p, action, "/Include");
	const char *t;
	int i, n, r;

	if (!qpdf_oh_is_dictionary(p->q, lock))
		return 0;
	if (sig->lock != HOSO_PDF_LOCK_NONE || !qpdf_oh_is_array(p->q, names) ||
	    (!include && !is_name(p, action, "/Exclude"))) {
		sig->lock = HOSO_PDF_LOCK_ALL;
		hoso_buf_reset(&sig->lock_fields);
		return 0;
	}
	sig->lock = include ? HOSO_PDF_LOCK_INCLUDE : HOSO_PDF_LOCK_EXCLUDE;
	n = qpdf_oh_get_array_n_items(p->q, names);
	for (i = 0; i < n; i++) {
		f = qpdf_oh_get_array_item(p->q, names, i);
		if (!qpdf_oh_is_string(p->q, f) || (t = qpdf_oh_get_utf8_value(p->q, f)) == NULL)
			continue;
		if ((r = hoso_buf_add(&sig->lock_fields, t, strlen(t) + 1, err)) != 0)
			return r;
	}
	return 0;
}

/*
 * The transforms of a signature's /Reference (12.8.1 table 253): DocMDP's
 * /P (12.8.2.2, 2 when absent) and FieldMDP locks. A DocMDP entry that
 * cannot be read is kept as such: verify does not guess a permission.
 */
static int
read_reference(struct hoso_pdf *p, qpdf_oh v, struct hoso_pdf_sig *sig, struct hoso_err *err)
{
	qpdf_oh refs = key_of(p, v, "/Reference"), ref, method, params, pv;
	long long level;
	int i, n, r;

	n = qpdf_oh_is_array(p->q, refs) ? qpdf_oh_get_array_n_items(p->q, refs) : 0;
	for (i = 0; i < n; i++) {
		ref = qpdf_oh_get_array_item(p->q, refs, i);
		method = key_of(p, ref, "/TransformMethod");
		params = key_of(p, ref, "/TransformParams");
		if (is_name(p, method, "/DocMDP")) {
			pv = key_of(p, params, "/P");
			if (qpdf_oh_is_null(p->q, pv))
				level = 2;
			else if (!get_int(p, pv, 1, 3, &level))
				sig->docmdp_bad = true, level = 1;
			if (sig->docmdp == 0 || level < sig->docmdp)
				sig->docmdp = (int)level;
		} else if (is_name(p, method, "/FieldMDP") &&
		    (r = read_lock(p, params, sig, err)) != 0) {
			return r;
		}
	}
	return 0;
}

/* Take what verify needs from the signature dictionary v of field. */
static int
read_sig(struct hoso_pdf *p, qpdf_oh field, qpdf_oh v, struct hoso_pdf_sig *sig,
    struct hoso_err *err)
{
	qpdf_oh br = qpdf_oh_get_key(p->q, v, "/ByteRange"), c = qpdf_oh_get_key(p->q, v,
	    "/Contents");
	const char *data;
	size_t len = 0;
	int i, r;

	memset(sig, 0, sizeof(*sig));
	string_text(p, qpdf_oh_get_key(p->q, field, "/T"), sig->name, sizeof(sig->name));
	name_text(p, qpdf_oh_get_key(p->q, v, "/Filter"), sig->filter, sizeof(sig->filter));
	name_text(p, qpdf_oh_get_key(p->q, v, "/SubFilter"), sig->subfilter,
	    sizeof(sig->subfilter));
	string_text(p, qpdf_oh_get_key(p->q, v, "/M"), sig->m, sizeof(sig->m));
	if (qpdf_oh_is_indirect(p->q, v)) {
		sig->id = qpdf_oh_get_object_id(p->q, v);
		sig->gen = qpdf_oh_get_generation(p->q, v);
	}
	if (qpdf_oh_is_indirect(p->q, field)) {
		sig->field_id = qpdf_oh_get_object_id(p->q, field);
		sig->field_gen = qpdf_oh_get_generation(p->q, field);
	}
	sig->timestamp = is_name(p, qpdf_oh_get_key(p->q, v, "/Type"), "/DocTimeStamp");
	if ((r = read_reference(p, v, sig, err)) != 0 ||
	    (r = read_lock(p, qpdf_oh_get_key(p->q, field, "/Lock"), sig, err)) != 0)
		return r;
	if (qpdf_oh_is_array(p->q, br)) {
		sig->n_range = qpdf_oh_get_array_n_items(p->q, br);
		for (i = 0; i < sig->n_range && i < 4; i++)
			if (!get_int(p, qpdf_oh_get_array_item(p->q, br, i), 0,
			    (long long)1 << 50, &sig->range[i]))
				sig->n_range = -1;
	}
	if (qpdf_oh_is_string(p->q, c) &&
	    (data = qpdf_oh_get_binary_string_value(p->q, c, &len)) != NULL && len > 0) {
		if ((sig->contents = malloc(len)) == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		memcpy(sig->contents, data, len);
		sig->contents_len = len;
	}
	return 0;
}

int
hoso_pdf_sigs(struct hoso_pdf *p, struct hoso_pdf_sig **sigsp, size_t *np, struct hoso_err *err)
{
	struct node { qpdf_oh oh; int depth; bool sig; } *stack = NULL;
	struct hoso_pdf_sig *sigs = NULL;
	size_t n_stack = 0, n = 0, seen = 0;
	qpdf_oh fields, kids, v, ft;
	struct node cur;
	int i, k, r;

	*sigsp = NULL;
	*np = 0;
	lib_reset(p);
	fields = key_of(p, qpdf_oh_get_key_if_dict(p->q, qpdf_get_root(p->q), "/AcroForm"),
	    "/Fields");
	if (!qpdf_oh_is_array(p->q, fields)) {
		r = 0;
		goto out;
	}
	if ((stack = calloc(SIG_MAX_FIELDS, sizeof(*stack))) == NULL ||
	    (sigs = calloc(HOSO_PDF_MAX_SIGS, sizeof(*sigs))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* 12.7.3.1: a field tree; /FT inherits; pushed in reverse to pop in order */
	k = qpdf_oh_get_array_n_items(p->q, fields);
	for (i = k - 1; i >= 0 && n_stack < SIG_MAX_FIELDS; i--)
		stack[n_stack++] = (struct node){ qpdf_oh_get_array_item(p->q, fields, i), 0,
		    false };
	while (n_stack > 0) {
		cur = stack[--n_stack];
		if (++seen > SIG_MAX_FIELDS || cur.depth > PDF_MAX_DEPTH) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: the form's field tree is too "
			    "large or deep (a loop?)"), p->label);
			goto out;
		}
		if (!qpdf_oh_is_dictionary(p->q, cur.oh))
			continue;
		ft = qpdf_oh_get_key(p->q, cur.oh, "/FT");
		if (qpdf_oh_is_name(p->q, ft))
			cur.sig = is_name(p, ft, "/Sig");
		v = qpdf_oh_get_key(p->q, cur.oh, "/V");
		if (cur.sig && qpdf_oh_is_dictionary(p->q, v)) {
			if (n == HOSO_PDF_MAX_SIGS) {
				r = hoso_err_set(err, HOSO_EINPUT, _("%s: more than %d signatures"),
				    p->label, HOSO_PDF_MAX_SIGS);
				goto out;
			}
			if ((r = read_sig(p, cur.oh, v, &sigs[n++], err)) != 0)
				goto out;
			continue;
		}
		kids = qpdf_oh_get_key(p->q, cur.oh, "/Kids");
		if (!qpdf_oh_is_array(p->q, kids))
			continue;
		k = qpdf_oh_get_array_n_items(p->q, kids);
		for (i = k - 1; i >= 0; i--) {
			if (n_stack == SIG_MAX_FIELDS) {
				r = hoso_err_set(err, HOSO_EINPUT, _("%s: the form's field tree is "
				    "too large or deep (a loop?)"), p->label);
				goto out;
			}
			stack[n_stack++] = (struct node){ qpdf_oh_get_array_item(p->q, kids, i),
			    cur.depth + 1, cur.sig };
		}
	}
	if (lib_failed(p)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: unreadable form: %s"), p->label,
		    lib_said(p, _("unknown error")));
		goto out;
	}
	r = 0;
out:
	free(stack);
	if (r == 0 && n > 0) {
		*sigsp = sigs;
		*np = n;
	} else {
		hoso_pdf_sigs_free(sigs, n);
	}
	return r;
}

/*
 * Objects for pdfdiff.c: thin, qpdf-free access to what a file holds. These
 * calls keep qpdf's error state as it is; hoso_pdf_check reads it.
 */

hoso_pdf_val
hoso_pdf_trailer(struct hoso_pdf *p)
{
	return qpdf_get_trailer(p->q);
}

hoso_pdf_val
hoso_pdf_catalog(struct hoso_pdf *p)
{
	return qpdf_get_root(p->q);
}

hoso_pdf_val
hoso_pdf_page(struct hoso_pdf *p, int i)
{
	if (i < 0 || p->n_pages < 0 || i >= p->n_pages)
		return qpdf_oh_new_null(p->q);
	return qpdf_get_page_n(p->q, (size_t)i);
}

hoso_pdf_val
hoso_pdf_object(struct hoso_pdf *p, int id, int gen)
{
	if (id <= 0 || gen < 0 || gen > 65535)
		return qpdf_oh_new_null(p->q);
	return qpdf_get_object_by_id(p->q, id, gen);
}

enum hoso_pdf_kind
hoso_pdf_kind(struct hoso_pdf *p, hoso_pdf_val v)
{
	switch (qpdf_oh_get_type_code(p->q, v)) {
	case ot_null:
	case ot_uninitialized:
		return HOSO_PDF_NULL;
	case ot_boolean:
		return HOSO_PDF_BOOL;
	case ot_integer:
		return HOSO_PDF_INT;
	case ot_real:
		return HOSO_PDF_REAL;
	case ot_string:
		return HOSO_PDF_STRING;
	case ot_name:
		return HOSO_PDF_NAME;
	case ot_array:
		return HOSO_PDF_ARRAY;
	case ot_dictionary:
		return HOSO_PDF_DICT;
	case ot_stream:
		return HOSO_PDF_STREAM;
	default:
		return HOSO_PDF_OTHER;
	}
}

bool
hoso_pdf_ref(struct hoso_pdf *p, hoso_pdf_val v, int *id, int *gen)
{
	if (!qpdf_oh_is_indirect(p->q, v))
		return false;
	*id = qpdf_oh_get_object_id(p->q, v);
	*gen = qpdf_oh_get_generation(p->q, v);
	return true;
}

hoso_pdf_val
hoso_pdf_get(struct hoso_pdf *p, hoso_pdf_val v, const char *key)
{
	return key_of(p, v, key);
}

void
hoso_pdf_keys_free(char **keys, size_t n)
{
	size_t i;

	for (i = 0; keys != NULL && i < n; i++)
		free(keys[i]);
	free(keys);
}

int
hoso_pdf_keys(struct hoso_pdf *p, hoso_pdf_val v, char ***keysp, size_t *np,
    struct hoso_err *err)
{
	char **keys = NULL, **grown;
	size_t n = 0, cap = 0;
	const char *k;
	int r = 0;

	*keysp = NULL;
	*np = 0;
	if (qpdf_oh_is_stream(p->q, v))
		v = qpdf_oh_get_dict(p->q, v);
	if (!qpdf_oh_is_dictionary(p->q, v))
		return 0;
	/* qpdf iterates over one dictionary at a time: take the keys first */
	qpdf_oh_begin_dict_key_iter(p->q, v);
	while (qpdf_oh_dict_more_keys(p->q)) {
		k = qpdf_oh_dict_next_key(p->q);
		if (n == cap) {
			cap = cap != 0 ? 2 * cap : 16;
			if ((grown = realloc(keys, cap * sizeof(*keys))) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			keys = grown;
		}
		if ((keys[n] = strdup(k)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		n++;
	}
out:
	if (r != 0) {
		hoso_pdf_keys_free(keys, n);
		return r;
	}
	*keysp = keys;
	*np = n;
	return 0;
}

int
hoso_pdf_len(struct hoso_pdf *p, hoso_pdf_val v)
{
	return qpdf_oh_is_array(p->q, v) ? qpdf_oh_get_array_n_items(p->q, v) : 0;
}

hoso_pdf_val
hoso_pdf_item(struct hoso_pdf *p, hoso_pdf_val v, int i)
{
	if (i < 0 || i >= hoso_pdf_len(p, v))
		return qpdf_oh_new_null(p->q);
	return qpdf_oh_get_array_item(p->q, v, i);
}

bool
hoso_pdf_is_name(struct hoso_pdf *p, hoso_pdf_val v, const char *name)
{
	return is_name(p, v, name);
}

int
hoso_pdf_utf8(struct hoso_pdf *p, hoso_pdf_val v, struct hoso_buf *out, struct hoso_err *err)
{
	const char *s = qpdf_oh_is_string(p->q, v) ? qpdf_oh_get_utf8_value(p->q, v) : NULL;

	return s != NULL ? hoso_buf_adds(out, s, err) : 0;
}

bool
hoso_pdf_int(struct hoso_pdf *p, hoso_pdf_val v, long long lo, long long hi, long long *out)
{
	return get_int(p, v, lo, hi, out);
}

bool
hoso_pdf_number(struct hoso_pdf *p, hoso_pdf_val v, double *out)
{
	if (!qpdf_oh_is_number(p->q, v))
		return false;
	*out = qpdf_oh_get_numeric_value(p->q, v);
	return isfinite(*out);
}

int
hoso_pdf_text(struct hoso_pdf *p, hoso_pdf_val v, bool resolved, struct hoso_buf *out,
    struct hoso_err *err)
{
	const char *s;

	if (resolved && qpdf_oh_is_stream(p->q, v))
		v = qpdf_oh_get_dict(p->q, v);
	/* strings come out escaped, the same way for the same bytes */
	s = resolved ? qpdf_oh_unparse_resolved(p->q, v) : qpdf_oh_unparse(p->q, v);
	return hoso_buf_adds(out, s != NULL ? s : "", err);
}

int
hoso_pdf_stream_raw(struct hoso_pdf *p, hoso_pdf_val v, unsigned char **data, size_t *len,
    struct hoso_err *err)
{
	QPDF_BOOL filtered = QPDF_FALSE;
	QPDF_ERROR_CODE code;

	*data = NULL;
	*len = 0;
	if (!qpdf_oh_is_stream(p->q, v))
		return hoso_err_set(err, HOSO_EINPUT, _("%s: not a stream"), p->label);
	code = qpdf_oh_get_stream_data(p->q, v, qpdf_dl_none, &filtered, data, len);
	if ((code & QPDF_ERRORS) != 0 || qpdf_has_error(p->q)) {
		free(*data);
		*data = NULL;
		*len = 0;
		return hoso_pdf_check(p, err) != 0 ? err->code : hoso_err_set(err, HOSO_EINPUT,
		    _("%s: unreadable stream"), p->label);
	}
	if (*len == 0) {
		free(*data);
		*data = NULL;
	}
	return 0;
}

void
hoso_pdf_release(struct hoso_pdf *p)
{
	qpdf_oh_release_all(p->q);
}

int
hoso_pdf_check(struct hoso_pdf *p, struct hoso_err *err)
{
	int warned;

	lib_collect(p);
	warned = p->n_warnings;
	if (!lib_failed(p) && warned == 0)
		return 0;
	hoso_err_set(err, HOSO_EINPUT, _("%s: unreadable object: %s"), p->label,
	    lib_said(p, _("unknown error")));
	lib_reset(p);
	return HOSO_EINPUT;
}

int
hoso_pdf_repairs(const struct hoso_pdf *p)
{
	return p->open_warnings;
}

const char *
hoso_pdf_label(const struct hoso_pdf *p)
{
	return p->label;
}

int
hoso_pdf_decode(const char *filter, const char *parms, const unsigned char *raw, size_t len,
    size_t max, unsigned char **out, size_t *out_len, struct hoso_err *err)
{
	struct hoso_pdf p;
	QPDF_BOOL filtered = QPDF_FALSE;
	QPDF_ERROR_CODE code;
	qpdf_oh s, f, d;
	int r;

	*out = NULL;
	*out_len = 0;
	memset(&p, 0, sizeof(p));
	p.label = (char *)"stream";
	if ((p.q = qpdf_init()) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	qpdf_silence_errors(p.q);
	qpdf_set_suppress_warnings(p.q, QPDF_TRUE);
	lib_quiet(p.q);
	lib_reset(&p);
	/* a stream of an empty file, given the data and filters: qpdf decodes it as its own */
	qpdf_empty_pdf(p.q);
	f = filter != NULL ? qpdf_oh_parse(p.q, filter) : qpdf_oh_new_null(p.q);
	d = parms != NULL ? qpdf_oh_parse(p.q, parms) : qpdf_oh_new_null(p.q);
	s = qpdf_oh_new_stream(p.q);
	if (lib_failed(&p) || p.n_warnings > 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("bad stream filter: %s"),
		    lib_said(&p, _("unknown error")));
		goto out;
	}
	qpdf_oh_replace_stream_data(p.q, s, raw, len, f, d);
	code = qpdf_oh_get_stream_data(p.q, s, qpdf_dl_specialized, &filtered, out, out_len);
	if (lib_failed(&p) || (code & QPDF_ERRORS) != 0 || p.n_warnings > 0 || !filtered) {
		r = hoso_err_set(err, HOSO_EINPUT, _("undecodable stream: %s"),
		    lib_said(&p, _("a filter qpdf cannot undo")));
		goto out;
	}
	if (*out_len > max) {
		r = hoso_err_set(err, HOSO_EINPUT, _("a stream decodes to more than %zu bytes"),
		    max);
		goto out;
	}
	r = 0;
out:
	if (r != 0) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
	lib_reset(&p);
	qpdf_cleanup(&p.q);
	return r;
}
