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

int
hoso_pdf_open(const void *data, size_t len, const char *label, struct hoso_pdf **pp,
    struct hoso_err *err)
{
	struct hoso_pdf *p = NULL;
	QPDF_ERROR_CODE code;
	int r;

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
	*pp = p;
	p = NULL;
	r = 0;
out:
	hoso_pdf_close(p);
	return r;
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
