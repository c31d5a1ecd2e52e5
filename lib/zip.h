/*
 * zip.h - our ZIP writer and strict reader (APPNOTE 6.3.x); zip.c is the only
 * file that includes zlib. The writer makes what ASiC-E asks (EN 319 162-1
 * A.1): `mimetype` first and STORED, no data descriptors, UTF-8 names, fixed
 * timestamps, ZIP64 only when a size or offset needs it. The reader accepts
 * only archives laid out that plainly and refuses everything hostile.
 */
#ifndef HOSO_ZIP_H
#define HOSO_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

enum {
	HOSO_ZIP_STORED = 0,
	HOSO_ZIP_DEFLATED = 8,
};

/* Writer. */
struct hoso_zipw;

/*
 * Start an archive written to a temporary file next to path; every entry gets
 * the DOS date and time of mtime (UTC), so that equal inputs give equal bytes.
 */
int hoso_zipw_open(const char *path, time_t mtime, struct hoso_zipw **zw, struct hoso_err *err);

/*
 * Start an entry. size is the exact number of bytes that will follow (it
 * decides ZIP64 up front, as a local header cannot grow afterwards); the
 * entry's sizes and CRC are written into its local header when it ends.
 * *index (if not NULL) names the entry for hoso_zipw_patch.
 */
int hoso_zipw_begin(struct hoso_zipw *zw, const char *name, int method, uint64_t size,
    size_t *index, struct hoso_err *err);
int hoso_zipw_write(struct hoso_zipw *zw, const void *p, size_t n, struct hoso_err *err);
/* End the entry; HOSO_EINPUT when the bytes written differ from the size announced. */
int hoso_zipw_end(struct hoso_zipw *zw, struct hoso_err *err);

/*
 * Replace the whole content of an earlier STORED entry by n bytes of the same
 * length (a placeholder written first, its real content known later: BagIt
 * manifests precede the payload they describe, yet are one pass).
 */
int hoso_zipw_patch(struct hoso_zipw *zw, size_t index, const void *p, size_t n,
    struct hoso_err *err);

/*
 * Start an archive at path (a temporary file until commit, as above) that
 * begins with every entry of zr copied byte for byte: local headers, data and
 * central directory records. Entries begun afterwards follow them, so a
 * signed archive grows without one of its bytes changing (a countersignature,
 * EN 319 162-1 4.4.3). path may be the file zr reads: it is replaced on commit.
 */
struct hoso_zipr;
int hoso_zipw_open_append(const char *path, time_t mtime, struct hoso_zipr *zr,
    struct hoso_zipw **zw, struct hoso_err *err);

/* Write the central directory, fsync, rename into place. */
int hoso_zipw_commit(struct hoso_zipw *zw, struct hoso_err *err);
/* Free; an archive not committed is removed. */
void hoso_zipw_free(struct hoso_zipw *zw);

/*
 * Whether DEFLATE is worth its time for data that begins like p[0..n): false
 * when a fast trial compression of those bytes saves less than 1/32 (data
 * compressed already: scans, compressed TIFF, most PDF streams). Deterministic.
 */
bool hoso_zip_deflate_pays(const void *p, size_t n);

/* Reader. */
struct hoso_zipr;

struct hoso_zip_limits {
	uint64_t max_total;	/* sum of uncompressed sizes; 0 = 64 GiB */
	uint64_t max_ratio;	/* uncompressed/compressed of an entry over 1 MiB; 0 = 200 */
	size_t max_entries;	/* 0 = 100000 */
};

struct hoso_zip_entry {
	const char *name;	/* UTF-8, NFC, checked safe */
	const char *label;	/* printable form for messages */
	int method;
	uint16_t flags;
	uint32_t crc;
	uint64_t csize, usize;
	uint64_t offset;	/* of the local header */
	uint64_t data_offset;	/* of the (compressed) data */
	size_t local_extra_len;
};

/*
 * Open and check the whole structure before any entry is inflated: the rules
 * are those of hoso-archive(5) "container" (see zip.c for each clause).
 * label names the archive in messages. HOSO_EINPUT for anything refused.
 */
int hoso_zipr_open(const char *path, const struct hoso_zip_limits *lim, struct hoso_zipr **zr,
    struct hoso_err *err);
/* The same over bytes in memory (kept by the caller while zr lives); for fuzzing and tests. */
int hoso_zipr_open_mem(const void *data, size_t len, const char *label,
    const struct hoso_zip_limits *lim, struct hoso_zipr **zr, struct hoso_err *err);
void hoso_zipr_free(struct hoso_zipr *zr);

const char *hoso_zipr_label(const struct hoso_zipr *zr);
size_t hoso_zipr_count(const struct hoso_zipr *zr);
/* Entries in archive order (the order of the local headers, also the central directory's). */
const struct hoso_zip_entry *hoso_zipr_entry(const struct hoso_zipr *zr, size_t i);
/* Index of the entry named name, or -1. */
long hoso_zipr_find(const struct hoso_zipr *zr, const char *name);

/*
 * Stream entry i's uncompressed bytes to fn in pieces; the CRC and the size
 * are checked at the end and inflating stops as soon as it passes the size
 * the central directory announced. fn returning non-zero stops with that code.
 */
typedef int (*hoso_zip_sink)(void *ctx, const void *p, size_t n, struct hoso_err *err);
int hoso_zipr_read(struct hoso_zipr *zr, size_t i, hoso_zip_sink fn, void *ctx,
    struct hoso_err *err);

/* The whole entry into memory, refused when larger than max. */
struct hoso_buf;
int hoso_zipr_read_all(struct hoso_zipr *zr, size_t i, size_t max, struct hoso_buf *out,
    struct hoso_err *err);

#endif
