/*
 * font.c - the only file that includes HarfBuzz: glyph lookup, metrics and
 * subsetting (hb-subset, glyph ids retained) of a TrueType font.
 */
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>

#include "font.h"
#include "i18n.h"

struct hoso_font {
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;
	unsigned upem;
};

int
hoso_font_open(const char *path, struct hoso_font **fp, struct hoso_err *err)
{
	struct hoso_font *f;

	*fp = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	if ((f->blob = hb_blob_create_from_file_or_fail(path)) == NULL ||
	    (f->face = hb_face_create(f->blob, 0)) == NULL || hb_face_get_glyph_count(f->face) == 0 ||
	    (f->upem = hb_face_get_upem(f->face)) == 0 || (f->font = hb_font_create(f->face)) == NULL) {
		hoso_font_close(f);
		return hoso_err_set(err, HOSO_EINPUT, _("%s: not a usable TrueType font"), path);
	}
	*fp = f;
	return 0;
}

void
hoso_font_close(struct hoso_font *f)
{
	if (f == NULL)
		return;
	hb_font_destroy(f->font);
	hb_face_destroy(f->face);
	hb_blob_destroy(f->blob);
	free(f);
}

static int
per_mille(const struct hoso_font *f, long v)
{
	return (int)(v * 1000 / (long)f->upem);
}

bool
hoso_font_glyph(struct hoso_font *f, uint32_t cp, unsigned *gid, int *advance)
{
	hb_codepoint_t g;

	if (!hb_font_get_nominal_glyph(f->font, cp, &g) || g == 0)
		return false;
	*gid = g;
	*advance = per_mille(f, hb_font_get_glyph_h_advance(f->font, g));
	return true;
}

void
hoso_font_name(struct hoso_font *f, char *buf, size_t size)
{
	char name[128];
	unsigned len = sizeof(name), i;
	size_t n = 0;

	if (hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len,
	    name) == 0)
		name[0] = '\0';
	/* ISO 32000-1 9.6.2: a font name is a PDF name; keep what needs no escape */
	for (i = 0; name[i] != '\0' && n + 1 < size; i++)
		if ((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '-')
			buf[n++] = name[i];
	if (n == 0 && size > 4) {
		memcpy(buf, "Font", 4);
		n = 4;
	}
	if (size > 0)
		buf[n] = '\0';
}

void
hoso_font_metrics(struct hoso_font *f, int *ascent, int *descent, int bbox[4])
{
	hb_font_extents_t fe;
	hb_glyph_extents_t ge;
	unsigned g, n = hb_face_get_glyph_count(f->face);
	long x0 = 0, y0 = 0, x1 = 0, y1 = 0;

	memset(&fe, 0, sizeof(fe));
	hb_font_get_h_extents(f->font, &fe);
	*ascent = per_mille(f, fe.ascender);
	*descent = per_mille(f, fe.descender);
	for (g = 0; g < n; g++) {
		if (!hb_font_get_glyph_extents(f->font, g, &ge))
			continue;
		if (ge.x_bearing < x0)
			x0 = ge.x_bearing;
		if (ge.y_bearing + ge.height < y0)
			y0 = ge.y_bearing + ge.height;
		if (ge.x_bearing + ge.width > x1)
			x1 = ge.x_bearing + ge.width;
		if (ge.y_bearing > y1)
			y1 = ge.y_bearing;
	}
	bbox[0] = per_mille(f, x0);
	bbox[1] = per_mille(f, y0);
	bbox[2] = per_mille(f, x1);
	bbox[3] = per_mille(f, y1);
}

int
hoso_font_subset(struct hoso_font *f, const uint32_t *cps, size_t n, struct hoso_buf *out,
    struct hoso_err *err)
{
	hb_subset_input_t *in = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob = NULL;
	const char *data;
	unsigned len = 0;
	size_t i;
	int r;

	if ((in = hb_subset_input_create_or_fail()) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < n; i++)
		hb_set_add(hb_subset_input_unicode_set(in), cps[i]);
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS);
	if ((sub = hb_subset_or_fail(f->face, in)) == NULL ||
	    (blob = hb_face_reference_blob(sub)) == NULL ||
	    (data = hb_blob_get_data(blob, &len)) == NULL || len == 0) {
		r = hoso_err_set(err, HOSO_EENGINE, _("the font cannot be subset"));
		goto out;
	}
	r = hoso_buf_add(out, data, len, err);
out:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	return r;
}
