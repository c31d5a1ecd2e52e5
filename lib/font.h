/*
 * font.h - a TrueType font for text we draw into PDFs (the visible signature):
 * glyphs and advances by code point, and the subset that embeds only the
 * glyphs used. font.c is the only file that includes HarfBuzz.
 */
#ifndef HOSO_FONT_H
#define HOSO_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct hoso_font;

int hoso_font_open(const char *path, struct hoso_font **f, struct hoso_err *err);
void hoso_font_close(struct hoso_font *f);

/* The glyph of cp and its advance in 1/1000 em; false when the font lacks it. */
bool hoso_font_glyph(struct hoso_font *f, uint32_t cp, unsigned *gid, int *advance);

/* The PostScript name, only [A-Za-z0-9-] kept ("Font" when it has none). */
void hoso_font_name(struct hoso_font *f, char *buf, size_t size);

/* Ascent, descent (negative) and the bounding box of every glyph, in 1/1000 em. */
void hoso_font_metrics(struct hoso_font *f, int *ascent, int *descent, int bbox[4]);

/*
 * The font program with only the glyphs of cps (n code points), glyph ids
 * unchanged, so that a PDF can name glyphs by their ids (CIDToGIDMap
 * /Identity). Appended to out.
 */
int hoso_font_subset(struct hoso_font *f, const uint32_t *cps, size_t n, struct hoso_buf *out,
    struct hoso_err *err);

#endif
