/*
 * xmp.h - XMP metadata (ISO 16684-1) and the matching document information
 * dictionary (ISO 32000-1 14.3) for the searchable PDFs ocr-extract writes,
 * added by an incremental update (the writer of pades.c).
 */
#ifndef HOSO_XMP_H
#define HOSO_XMP_H

#include "buf.h"
#include "err.h"

/*
 * The XMP packet (UTF-8, in xpacket processing instructions) with dc:title
 * title, dc:format, xmp:CreatorTool creator, xmp:CreateDate create_date
 * (ISO 8601; NULL: none) and pdf:Producer producer, appended to out.
 */
int hoso_xmp_packet(const char *title, const char *creator, const char *create_date,
    const char *producer, struct hoso_buf *out, struct hoso_err *err);

/*
 * Give the PDF at path (replaced atomically) a /Metadata stream in its
 * catalog and /Info /Title and /Creator: the title is code, and
 * "code — title" when title (the dossier's tiêu đề) is neither NULL nor
 * empty; the creator "hoso ocr-extract VERSION". /Producer, xmp:CreateDate
 * come from the file's /Info (its maker's), so both say the same. A file that
 * is not an intact PDF is HOSO_EINPUT.
 */
int hoso_xmp_add(const char *path, const char *code, const char *title, struct hoso_err *err);

#endif
