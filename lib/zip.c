/*
 * zip.c - the only file that includes zlib: a deterministic streaming ZIP
 * writer and a strict ZIP reader, both following PKWARE's APPNOTE 6.3.x
 * (section numbers below) with the restrictions of ASiC-E (EN 319 162-1 A.1).
 *
 * Writer: every entry's local header is written with zero CRC and sizes, the
 * data streams out (deflated with zlib, raw), and the header is patched with
 * pwrite when the entry ends, so there is never a data descriptor (4.3.9) and
 * memory does not depend on the size of an entry.
 *
 * Reader: the central directory is read and every entry checked against its
 * local header before any byte is inflated: an archive is refused unless its
 * entries lie back to back from offset 0 to the central directory, with safe,
 * unique names and sizes bounded in total and in compression ratio.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "file.h"
#include "i18n.h"
#include "sort.h"
#include "utf8.h"
#include "zip.h"

#define SIG_LOCAL	0x04034b50u	/* 4.3.7 */
#define SIG_CENTRAL	0x02014b50u	/* 4.3.12 */
#define SIG_EOCD	0x06054b50u	/* 4.3.16 */
#define SIG_EOCD64	0x06064b50u	/* 4.3.14 */
#define SIG_LOC64	0x07064b50u	/* 4.3.15 */
#define LOCAL_LEN	30
#define CENTRAL_LEN	46
#define EOCD_LEN	22
#define EOCD64_LEN	56
#define LOC64_LEN	20

#define FLAG_ENCRYPTED	0x0001u
#define FLAG_DESCRIPTOR	0x0008u
#define FLAG_STRONG	0x0040u
#define FLAG_UTF8	0x0800u		/* 4.4.4 bit 11, APPNOTE appendix D */
#define FLAG_MASKED	0x2000u

/* Deflate can grow data a little; announce ZIP64 for an entry well before 4 GiB. */
#define ZIP64_SIZE	0xffff0000u
#define CHUNK		65536

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* --- writer --- */

struct wentry {
	char *name;
	size_t name_len;
	int method;
	unsigned version;
	uint32_t crc;
	uint64_t csize, usize, offset;
	bool zip64;		/* sizes in a ZIP64 extra field */
};

struct hoso_zipw {
	struct hoso_afile af;
	unsigned dos_time, dos_date;
	struct wentry *ents;
	size_t n, cap;
	uint64_t pos;
	bool in_entry;
	uint64_t announced;
	z_stream zs;
	bool zs_live;
	unsigned char *out;
	unsigned char *old_cd;	/* central records of entries copied by hoso_zipw_open_append */
	size_t old_cd_len, n_old;
};

/* 4.4.6: MS-DOS date and time; before 1980 cannot be written. */
static void
dos_time(time_t t, unsigned *tim, unsigned *date)
{
	struct tm tm;

	if (t < 315532800 || gmtime_r(&t, &tm) == NULL) {
		*tim = 0;
		*date = (0 << 9) | (1 << 5) | 1;
		return;
	}
	if (tm.tm_year > 2107 - 1900) {
		tm.tm_year = 2107 - 1900;
	}
	*date = (unsigned)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	*tim = (unsigned)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
}

int
hoso_zipw_open(const char *path, time_t mtime, struct hoso_zipw **zwp, struct hoso_err *err)
{
	struct hoso_zipw *zw;
	int r;

	*zwp = NULL;
	if ((zw = calloc(1, sizeof(*zw))) == NULL || (zw->out = malloc(CHUNK)) == NULL) {
		free(zw);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	zw->af.fd = -1;
	dos_time(mtime, &zw->dos_time, &zw->dos_date);
	if ((r = hoso_afile_open(&zw->af, path, err)) != 0) {
		hoso_zipw_free(zw);
		return r;
	}
	*zwp = zw;
	return 0;
}

static int
wbytes(struct hoso_zipw *zw, const void *p, size_t n, struct hoso_err *err)
{
	int r;

	if ((r = hoso_afile_write(&zw->af, p, n, err)) == 0)
		zw->pos += n;
	return r;
}

static int
pwrite_all(struct hoso_zipw *zw, const void *p, size_t n, uint64_t off, struct hoso_err *err)
{
	const unsigned char *b = p;
	ssize_t got;

	while (n > 0) {
		if ((got = pwrite(zw->af.fd, b, n, (off_t)off)) < 0) {
			if (errno == EINTR)
				continue;
			return hoso_err_sys(err, errno, _("%s: cannot write"), zw->af.path);
		}
		b += got;
		n -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

/* A name we are about to write: relative, '/'-separated, no empty, '.' or '..' part. */
static bool
write_name_ok(const char *name)
{
	const char *p, *part = name;

	if (*name == '\0' || !hoso_utf8_valid(name, strlen(name)))
		return false;
	for (p = name;; p++) {
		if (*p == '\\' || ((unsigned char)*p < 0x20 && *p != '\0'))
			return false;
		if (*p == '/' || *p == '\0') {
			size_t len = (size_t)(p - part);
			if (len == 0 || (len == 1 && part[0] == '.') ||
			    (len == 2 && part[0] == '.' && part[1] == '.'))
				return false;
			if (*p == '\0')
				return true;
			part = p + 1;
		}
	}
}

/* The local header of e (4.3.7), with its ZIP64 extra field (4.5.3) when e->zip64. */
static size_t
local_header(const struct hoso_zipw *zw, const struct wentry *e, unsigned char *h)
{
	put32(h, SIG_LOCAL);
	put16(h + 4, e->version);
	put16(h + 6, FLAG_UTF8);
	put16(h + 8, (unsigned)e->method);
	put16(h + 10, zw->dos_time);
	put16(h + 12, zw->dos_date);
	put32(h + 14, e->crc);
	put32(h + 18, e->zip64 ? 0xffffffffu : (uint32_t)e->csize);
	put32(h + 22, e->zip64 ? 0xffffffffu : (uint32_t)e->usize);
	put16(h + 26, (unsigned)e->name_len);
	put16(h + 28, e->zip64 ? 20 : 0);
	if (!e->zip64)
		return LOCAL_LEN;
	put16(h + 30, 0x0001);
	put16(h + 32, 16);
	put64(h + 34, e->usize);
	put64(h + 42, e->csize);
	return LOCAL_LEN + 20;
}

int
hoso_zipw_begin(struct hoso_zipw *zw, const char *name, int method, uint64_t size, size_t *index,
    struct hoso_err *err)
{
	unsigned char h[LOCAL_LEN + 20];
	struct wentry *e;
	size_t hlen;
	int r;

	if (zw->in_entry)
		return hoso_err_set(err, HOSO_EUSAGE, "zip: entry %s begun inside another", name);
	if (!write_name_ok(name) || strlen(name) > 0xffff)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: cannot store the name %s in an archive"),
		    zw->af.path, name);
	if (method != HOSO_ZIP_STORED && method != HOSO_ZIP_DEFLATED)
		return hoso_err_set(err, HOSO_EUSAGE, "zip: unknown method %d", method);
	if (zw->n == zw->cap) {
		size_t cap = zw->cap * 2 + 16;
		struct wentry *ne = realloc(zw->ents, cap * sizeof(*ne));
		if (ne == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		zw->ents = ne;
		zw->cap = cap;
	}
	e = &zw->ents[zw->n];
	memset(e, 0, sizeof(*e));
	if ((e->name = strdup(name)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	zw->n++;
	e->name_len = strlen(name);
	e->method = method;
	e->offset = zw->pos;
	e->zip64 = size >= ZIP64_SIZE;
	/* 4.4.3.2: 1.0 stored, 2.0 deflate, 4.5 ZIP64 (also when only the offset needs it). */
	e->version = e->zip64 || e->offset >= 0xffffffffu ? 45 : method == HOSO_ZIP_STORED ? 10 : 20;
	e->crc = (uint32_t)crc32(0, NULL, 0);
	hlen = local_header(zw, e, h);
	if ((r = wbytes(zw, h, hlen, err)) != 0 || (r = wbytes(zw, name, e->name_len, err)) != 0)
		return r;
	if (method == HOSO_ZIP_DEFLATED) {
		memset(&zw->zs, 0, sizeof(zw->zs));
		/* Negative window bits: raw deflate, as 4.4.5 method 8 stores it. */
		if (deflateInit2(&zw->zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		zw->zs_live = true;
	}
	zw->announced = size;
	zw->in_entry = true;
	if (index != NULL)
		*index = zw->n - 1;
	return 0;
}

static int
deflate_some(struct hoso_zipw *zw, int flush, struct hoso_err *err)
{
	struct wentry *e = &zw->ents[zw->n - 1];
	size_t have;
	int zr, r;

	do {
		zw->zs.next_out = zw->out;
		zw->zs.avail_out = CHUNK;
		zr = deflate(&zw->zs, flush);
		if (zr == Z_STREAM_ERROR)
			return hoso_err_set(err, HOSO_EIO, "zip: deflate failed");
		have = CHUNK - zw->zs.avail_out;
		if (have > 0 && (r = wbytes(zw, zw->out, have, err)) != 0)
			return r;
		e->csize += have;
	} while (zw->zs.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

int
hoso_zipw_write(struct hoso_zipw *zw, const void *p, size_t n, struct hoso_err *err)
{
	struct wentry *e = &zw->ents[zw->n - 1];
	const unsigned char *b = p;
	size_t part;
	int r;

	if (!zw->in_entry)
		return hoso_err_set(err, HOSO_EUSAGE, "zip: write outside an entry");
	while (n > 0) {
		part = n > CHUNK ? CHUNK : n;
		if (e->usize + part > zw->announced)
			return hoso_err_set(err, HOSO_EINPUT,
			    _("%s: %s grew while it was being packed"), zw->af.path, e->name);
		e->crc = (uint32_t)crc32(e->crc, b, (uInt)part);
		e->usize += part;
		if (e->method == HOSO_ZIP_STORED) {
			if ((r = wbytes(zw, b, part, err)) != 0)
				return r;
			e->csize += part;
		} else {
			zw->zs.next_in = (unsigned char *)(uintptr_t)b;
			zw->zs.avail_in = (uInt)part;
			if ((r = deflate_some(zw, Z_NO_FLUSH, err)) != 0)
				return r;
		}
		b += part;
		n -= part;
	}
	return 0;
}

int
hoso_zipw_end(struct hoso_zipw *zw, struct hoso_err *err)
{
	struct wentry *e = &zw->ents[zw->n - 1];
	unsigned char h[LOCAL_LEN + 20];
	size_t hlen;
	int r;

	if (!zw->in_entry)
		return hoso_err_set(err, HOSO_EUSAGE, "zip: end outside an entry");
	zw->in_entry = false;
	if (e->method == HOSO_ZIP_DEFLATED) {
		zw->zs.next_in = NULL;
		zw->zs.avail_in = 0;
		r = deflate_some(zw, Z_FINISH, err);
		deflateEnd(&zw->zs);
		zw->zs_live = false;
		if (r != 0)
			return r;
	}
	if (e->usize != zw->announced)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: %s changed while it was being packed"),
		    zw->af.path, e->name);
	if (!e->zip64 && e->csize >= 0xffffffffu)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: %s does not fit in the archive"),
		    zw->af.path, e->name);
	hlen = local_header(zw, e, h);
	return pwrite_all(zw, h, hlen, e->offset, err);
}

int
hoso_zipw_patch(struct hoso_zipw *zw, size_t index, const void *p, size_t n, struct hoso_err *err)
{
	struct wentry *e;
	unsigned char h[LOCAL_LEN + 20];
	size_t hlen;
	int r;

	if (index >= zw->n || (index == zw->n - 1 && zw->in_entry))
		return hoso_err_set(err, HOSO_EUSAGE, "zip: no finished entry %zu", index);
	e = &zw->ents[index];
	if (e->method != HOSO_ZIP_STORED || e->usize != n)
		return hoso_err_set(err, HOSO_EUSAGE, "zip: %s cannot be patched with %zu bytes",
		    e->name, n);
	e->crc = (uint32_t)crc32(crc32(0, NULL, 0), p, (uInt)n);
	hlen = local_header(zw, e, h);
	if ((r = pwrite_all(zw, h, hlen, e->offset, err)) != 0)
		return r;
	return pwrite_all(zw, p, n, e->offset + hlen + e->name_len, err);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 4.3.12 central directory header, 4.5.3 ZIP64 extra. */
static int
central_entry(struct hoso_zipw *zw, const struct wentry *e, struct hoso_err *err)
{
	unsigned char h[CENTRAL_LEN + 28];
	bool big_off = e->offset >= 0xffffffffu;
	size_t x = 0;
	int r;

	put32(h, SIG_CENTRAL);
	put16(h + 4, 3u << 8 | 63);		/* made by: UNIX, APPNOTE 6.3 */
	put16(h + 6, e->version);
	put16(h + 8, FLAG_UTF8);
	put16(h + 10, (unsigned)e->method);
	put16(h + 12, zw->dos_time);
	put16(h + 14, zw->dos_date);
	put32(h + 16, e->crc);
	put32(h + 20, e->zip64 ? 0xffffffffu : (uint32_t)e->csize);
	put32(h + 24, e->zip64 ? 0xffffffffu : (uint32_t)e->usize);
	put16(h + 28, (unsigned)e->name_len);
	put16(h + 32, 0);			/* comment */
	put16(h + 34, 0);			/* disk */
	put16(h + 36, 0);			/* internal attributes */
	put32(h + 38, (uint32_t)0100644 << 16);	/* a regular file, rw-r--r-- */
	put32(h + 42, big_off ? 0xffffffffu : (uint32_t)e->offset);
	if (e->zip64 || big_off) {
		x = 4;
		if (e->zip64) {
			put64(h + CENTRAL_LEN + x, e->usize);
			put64(h + CENTRAL_LEN + x + 8, e->csize);
			x += 16;
		}
		if (big_off) {
			put64(h + CENTRAL_LEN + x, e->offset);
			x += 8;
		}
		put16(h + CENTRAL_LEN, 0x0001);
		put16(h + CENTRAL_LEN + 2, (unsigned)(x - 4));
	}
	put16(h + 30, (unsigned)x);
	if ((r = wbytes(zw, h, CENTRAL_LEN, err)) != 0 ||
	    (r = wbytes(zw, e->name, e->name_len, err)) != 0)
		return r;
	return x > 0 ? wbytes(zw, h + CENTRAL_LEN, x, err) : 0;
}

int
hoso_zipw_commit(struct hoso_zipw *zw, struct hoso_err *err)
{
	unsigned char h[EOCD64_LEN + LOC64_LEN + EOCD_LEN];
	uint64_t cd_off = zw->pos, cd_size, eocd64_off;
	char **names = NULL;
	size_t i;
	bool z64;
	int r = 0;

	if (zw->in_entry) {
		r = hoso_err_set(err, HOSO_EUSAGE, "zip: commit inside an entry");
		goto out;
	}
	/* The caller sorts; a duplicate here is a bug we still refuse to write. */
	if ((names = malloc((zw->n + 1) * sizeof(*names))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < zw->n; i++)
		names[i] = zw->ents[i].name;
	hoso_sort(names, zw->n, sizeof(*names), name_cmp);
	for (i = 1; i < zw->n; i++)
		if (strcmp(names[i - 1], names[i]) == 0) {
			r = hoso_err_set(err, HOSO_EUSAGE, "zip: %s written twice", names[i]);
			goto out;
		}
	if (zw->old_cd_len > 0 && (r = wbytes(zw, zw->old_cd, zw->old_cd_len, err)) != 0)
		goto out;
	for (i = zw->n_old; i < zw->n; i++)
		if ((r = central_entry(zw, &zw->ents[i], err)) != 0)
			goto out;
	cd_size = zw->pos - cd_off;
	eocd64_off = zw->pos;
	z64 = zw->n >= 0xffff || cd_off >= 0xffffffffu || cd_size >= 0xffffffffu;
	if (z64) {
		put32(h, SIG_EOCD64);
		put64(h + 4, EOCD64_LEN - 12);
		put16(h + 12, 3u << 8 | 63);
		put16(h + 14, 45);
		put32(h + 16, 0);
		put32(h + 20, 0);
		put64(h + 24, zw->n);
		put64(h + 32, zw->n);
		put64(h + 40, cd_size);
		put64(h + 48, cd_off);
		put32(h + 56, SIG_LOC64);
		put32(h + 60, 0);
		put64(h + 64, eocd64_off);
		put32(h + 72, 1);
		if ((r = wbytes(zw, h, EOCD64_LEN + LOC64_LEN, err)) != 0)
			goto out;
	}
	put32(h, SIG_EOCD);
	put16(h + 4, 0);
	put16(h + 6, 0);
	put16(h + 8, zw->n >= 0xffff ? 0xffff : (unsigned)zw->n);
	put16(h + 10, zw->n >= 0xffff ? 0xffff : (unsigned)zw->n);
	put32(h + 12, cd_size >= 0xffffffffu ? 0xffffffffu : (uint32_t)cd_size);
	put32(h + 16, cd_off >= 0xffffffffu ? 0xffffffffu : (uint32_t)cd_off);
	put16(h + 20, 0);
	if ((r = wbytes(zw, h, EOCD_LEN, err)) != 0)
		goto out;
	r = hoso_afile_commit(&zw->af, err);
out:
	free(names);
	return r;
}

void
hoso_zipw_free(struct hoso_zipw *zw)
{
	size_t i;

	if (zw == NULL)
		return;
	if (zw->zs_live)
		deflateEnd(&zw->zs);
	hoso_afile_abort(&zw->af);
	for (i = 0; i < zw->n; i++)
		free(zw->ents[i].name);
	free(zw->ents);
	free(zw->out);
	free(zw->old_cd);
	free(zw);
}

bool
hoso_zip_deflate_pays(const void *p, size_t n)
{
	unsigned char out[CHUNK];
	z_stream zs;
	bool pays = true;

	if (n < 512)
		return true;	/* too little to judge, and too little to matter */
	if (n > CHUNK)
		n = CHUNK;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return true;
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)(n - n / 32);
	/* Z_STREAM_END within n - n/32 bytes: it shrank by 1/32 at least. */
	pays = deflate(&zs, Z_FINISH) == Z_STREAM_END;
	deflateEnd(&zs);
	return pays;
}

/* --- reader --- */

/* A name (folded, or as it is) and its entry's index, for sorting. */
struct key {
	char *folded;
	size_t i;
};


struct hoso_zipr {
	int fd;
	const unsigned char *mem;
	uint64_t size;
	char *label;
	struct hoso_zip_entry *ents;
	size_t n;
	struct key *by_name;	/* names sorted, for hoso_zipr_find */
	uint64_t cd_off, cd_size;
};

static int
read_at(const struct hoso_zipr *zr, uint64_t off, void *buf, size_t n, struct hoso_err *err)
{
	unsigned char *b = buf;
	ssize_t got;

	if (off > zr->size || n > zr->size - off)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: truncated archive (a record runs past "
		    "the end of the file)"), zr->label);
	if (zr->mem != NULL) {
		memcpy(b, zr->mem + off, n);
		return 0;
	}
	while (n > 0) {
		if ((got = pread(zr->fd, b, n, (off_t)off)) < 0) {
			if (errno == EINTR)
				continue;
			return hoso_err_sys(err, errno, _("%s: cannot read"), zr->label);
		}
		if (got == 0)
			return hoso_err_set(err, HOSO_EINPUT, _("%s: file shrank while being read"),
			    zr->label);
		b += got;
		n -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

/*
 * Why a member name is refused, or NULL. Names must be relative paths with
 * '/' separators (4.4.17.1), UTF-8 (bit 11) and NFC (our format), and must
 * not climb out of the directory they would be extracted to.
 */
static const char *
bad_name(const char *name, size_t len, bool utf8_flag, struct hoso_buf *nfc)
{
	const char *p, *part;
	bool ascii = true;
	struct hoso_err e;

	if (len == 0)
		return _("an empty name");
	if (memchr(name, '\0', len) != NULL)
		return _("a NUL byte in the name");
	for (p = name; p < name + len; p++) {
		if ((unsigned char)*p >= 0x80)
			ascii = false;
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return _("a control character in the name");
		if (*p == '\\')
			return _("a backslash in the name");
	}
	if (!ascii && !utf8_flag)
		return _("a non-ASCII name without the UTF-8 flag (bit 11)");
	if (!hoso_utf8_valid(name, len))
		return _("a name that is not UTF-8");
	if (name[0] == '/')
		return _("an absolute name");
	if (name[len - 1] == '/')
		return _("a directory entry (only regular files are allowed)");
	part = name;
	for (p = name;; p++) {
		if (p == name + len || *p == '/') {
			size_t plen = (size_t)(p - part);
			if (plen == 0)
				return _("an empty path component");
			if ((plen == 1 && part[0] == '.') ||
			    (plen == 2 && part[0] == '.' && part[1] == '.'))
				return _("a '.' or '..' path component");
			if (part == name && memchr(part, ':', plen) != NULL)
				return _("a drive letter or ':' in the first component");
			if (p == name + len)
				break;
			part = p + 1;
		}
	}
	hoso_buf_reset(nfc);
	if (hoso_utf8_nfc(name, len, nfc, &e) != 0)
		return _("a name that is not UTF-8");
	if (nfc->len != len || memcmp(nfc->data, name, len) != 0)
		return _("a name that is not in Unicode NFC");
	return NULL;
}

/* Walk an extra field (4.5.1): id, size, data; a ZIP64 block (4.5.3) fills the 0xffffffff fields. */
static bool
parse_extra(const unsigned char *x, size_t len, uint64_t *usize, uint64_t *csize, uint64_t *off,
    bool *had64)
{
	size_t pos = 0, bl, k;

	*had64 = false;
	while (pos < len) {
		if (len - pos < 4)
			return false;
		bl = get16(x + pos + 2);
		if (bl > len - pos - 4)
			return false;
		if (get16(x + pos) == 0x0001) {
			if (*had64)
				return false;
			*had64 = true;
			k = pos + 4;
			if (usize != NULL && *usize == 0xffffffffu) {
				if (k + 8 > pos + 4 + bl)
					return false;
				*usize = get64(x + k);
				k += 8;
			}
			if (csize != NULL && *csize == 0xffffffffu) {
				if (k + 8 > pos + 4 + bl)
					return false;
				*csize = get64(x + k);
				k += 8;
			}
			if (off != NULL && *off == 0xffffffffu) {
				if (k + 8 > pos + 4 + bl)
					return false;
				*off = get64(x + k);
			}
		}
		pos += 4 + bl;
	}
	return true;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct key *ka = a, *kb = b;
	int c = strcmp(ka->folded, kb->folded);

	return c != 0 ? c : (ka->i > kb->i) - (ka->i < kb->i);
}

/* Exact duplicates and names equal after NFC and case folding. */
static int
check_collisions(struct hoso_zipr *zr, struct hoso_err *err)
{
	struct hoso_buf f = HOSO_BUF_INIT(0);
	struct key *keys;
	size_t i, k;
	int r = 0;

	if ((keys = calloc(zr->n + 1, sizeof(*keys))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (k = 0; k < zr->n; k++) {
		hoso_buf_reset(&f);
		if ((r = hoso_utf8_casefold(zr->ents[k].name, strlen(zr->ents[k].name), &f, err)) != 0)
			goto out;
		keys[k].folded = hoso_buf_detach(&f, NULL);
		keys[k].i = k;
	}
	hoso_sort(keys, zr->n, sizeof(*keys), key_cmp);
	for (i = 1; i < zr->n; i++) {
		const struct hoso_zip_entry *a = &zr->ents[keys[i - 1].i], *b = &zr->ents[keys[i].i];
		if (strcmp(keys[i - 1].folded, keys[i].folded) != 0)
			continue;
		if (strcmp(a->name, b->name) == 0)
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: entry %s: duplicate name"),
			    zr->label, a->label);
		else
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: entries %s and %s: names that "
			    "differ only by case"), zr->label, a->label, b->label);
		goto out;
	}
out:
	for (k = 0; k < zr->n; k++)
		free(keys[k].folded);
	free(keys);
	hoso_buf_free(&f);
	return r;
}

/* 4.3.16 and, when a field overflows, 4.3.14/4.3.15: where the central directory is. */
static int
find_central(struct hoso_zipr *zr, uint64_t *cd_off, uint64_t *cd_size, uint64_t *n_ent,
    struct hoso_err *err)
{
	unsigned char *tail = NULL, loc[LOC64_LEN], e64[EOCD64_LEN];
	size_t tlen, i;
	uint64_t eocd = 0, cd_end, off64;
	bool found = false;
	int r = 0;

	if (zr->size < EOCD_LEN) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a ZIP archive (too short)"), zr->label);
		goto out;
	}
	tlen = zr->size < EOCD_LEN + 0xffff ? (size_t)zr->size : EOCD_LEN + 0xffff;
	if ((tail = malloc(tlen)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = read_at(zr, zr->size - tlen, tail, tlen, err)) != 0)
		goto out;
	/* The end record and its comment must end exactly at the end of the file. */
	for (i = tlen - EOCD_LEN + 1; i-- > 0;) {
		if (get32(tail + i) == SIG_EOCD && get16(tail + i + 20) == tlen - i - EOCD_LEN) {
			eocd = zr->size - tlen + i;
			found = true;
			break;
		}
	}
	if (!found) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a ZIP archive, or truncated (no end of "
		    "central directory record)"), zr->label);
		goto out;
	}
	i = (size_t)(eocd - (zr->size - tlen));
	if (get16(tail + i + 4) != 0 || get16(tail + i + 6) != 0 ||
	    get16(tail + i + 8) != get16(tail + i + 10)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: a multi-disk archive"), zr->label);
		goto out;
	}
	*n_ent = get16(tail + i + 10);
	*cd_size = get32(tail + i + 12);
	*cd_off = get32(tail + i + 16);
	cd_end = eocd;
	if (eocd >= LOC64_LEN && (r = read_at(zr, eocd - LOC64_LEN, loc, LOC64_LEN, err)) == 0 &&
	    get32(loc) == SIG_LOC64) {
		off64 = get64(loc + 8);
		if (get32(loc + 4) != 0 || get32(loc + 16) > 1 || off64 > eocd - LOC64_LEN ||
		    eocd - LOC64_LEN - off64 < EOCD64_LEN ||
		    (r = read_at(zr, off64, e64, EOCD64_LEN, err)) != 0 || get32(e64) != SIG_EOCD64 ||
		    get64(e64 + 4) + 12 != eocd - LOC64_LEN - off64 || get32(e64 + 16) != 0 ||
		    get32(e64 + 20) != 0 || get64(e64 + 24) != get64(e64 + 32)) {
			if (r == 0)
				r = hoso_err_set(err, HOSO_EINPUT, _("%s: damaged ZIP64 end of central "
				    "directory"), zr->label);
			goto out;
		}
		*n_ent = get64(e64 + 32);
		*cd_size = get64(e64 + 40);
		*cd_off = get64(e64 + 48);
		cd_end = off64;
	} else if (r != 0) {
		goto out;
	} else if (*n_ent == 0xffff || *cd_size == 0xffffffffu || *cd_off == 0xffffffffu) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: ZIP64 end of central directory missing"),
		    zr->label);
		goto out;
	}
	if (*cd_off > cd_end || cd_end - *cd_off != *cd_size) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: the central directory is not where its end "
		    "record says (data between them, or a damaged archive)"), zr->label);
		goto out;
	}
out:
	free(tail);
	return r;
}

static int
entry_fail(struct hoso_zipr *zr, const char *name, size_t len, const char *why,
    struct hoso_err *err)
{
	struct hoso_buf lab = HOSO_BUF_INIT(0);
	struct hoso_err e;

	hoso_utf8_label(name, len, &lab, &e);
	hoso_err_set(err, HOSO_EINPUT, _("%s: entry %s: %s"), zr->label, hoso_buf_str(&lab), why);
	hoso_buf_free(&lab);
	return HOSO_EINPUT;
}

/* One central directory header at cd[*pos]: fill ents[k], advance *pos. */
static int
parse_central(struct hoso_zipr *zr, const unsigned char *cd, size_t cd_len, size_t *pos, size_t k,
    uint16_t *versions, struct hoso_err *err)
{
	struct hoso_buf nfc = HOSO_BUF_INIT(0), lab = HOSO_BUF_INIT(0);
	struct hoso_zip_entry *e = &zr->ents[k];
	const unsigned char *h = cd + *pos;
	size_t nlen, xlen, clen;
	unsigned host, type;
	uint32_t ext;
	const char *why;
	bool had64;
	int r = 0;

	if (cd_len - *pos < CENTRAL_LEN || get32(h) != SIG_CENTRAL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: damaged central directory (entry %zu)"),
		    zr->label, k + 1);
		goto out;
	}
	nlen = get16(h + 28);
	xlen = get16(h + 30);
	clen = get16(h + 32);
	if (cd_len - *pos - CENTRAL_LEN < nlen + xlen + clen) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: damaged central directory (entry %zu)"),
		    zr->label, k + 1);
		goto out;
	}
	e->flags = (uint16_t)get16(h + 8);
	e->method = (int)get16(h + 10);
	e->crc = get32(h + 16);
	e->csize = get32(h + 20);
	e->usize = get32(h + 24);
	e->offset = get32(h + 42);
	versions[k] = (uint16_t)get16(h + 6);
	if ((why = bad_name((const char *)h + CENTRAL_LEN, nlen, e->flags & FLAG_UTF8, &nfc)) != NULL) {
		r = entry_fail(zr, (const char *)h + CENTRAL_LEN, nlen, why, err);
		goto out;
	}
	if ((r = hoso_buf_add(&lab, h + CENTRAL_LEN, nlen, err)) != 0)
		goto out;
	e->name = hoso_buf_detach(&lab, NULL);
	if ((r = hoso_utf8_label(e->name, nlen, &lab, err)) != 0)
		goto out;
	e->label = hoso_buf_detach(&lab, NULL);
	why = NULL;
	if (!parse_extra(h + CENTRAL_LEN + nlen, xlen, &e->usize, &e->csize, &e->offset, &had64))
		why = _("a damaged extra field");
	else if (e->usize == 0xffffffffu || e->csize == 0xffffffffu || e->offset == 0xffffffffu)
		why = _("a size or offset marked ZIP64 without a ZIP64 field");
	else if (e->flags & (FLAG_ENCRYPTED | FLAG_STRONG | FLAG_MASKED))
		why = _("encrypted");
	else if (e->flags & FLAG_DESCRIPTOR)
		why = _("a data descriptor (not allowed in this format)");
	else if (e->method != HOSO_ZIP_STORED && e->method != HOSO_ZIP_DEFLATED)
		why = _("a compression method other than STORED or DEFLATE");
	else if (e->method == HOSO_ZIP_STORED && e->csize != e->usize)
		why = _("a STORED entry whose sizes differ");
	else if (get16(h + 34) != 0)
		why = _("on another disk");
	if (why != NULL) {
		r = entry_fail(zr, e->name, nlen, why, err);
		goto out;
	}
	/* 4.4.2, 4.4.15: UNIX hosts keep st_mode in the high half of the external attributes. */
	host = get16(h + 4) >> 8;
	ext = get32(h + 38);
	type = (ext >> 16) & 0170000;
	if (host == 3 && type == 0120000)
		why = _("a symbolic link");
	else if (host == 3 && type == 0040000)
		why = _("a directory entry (only regular files are allowed)");
	else if (host == 3 && type != 0 && type != 0100000)
		why = _("a device or other special file");
	else if (ext & 0x10)
		why = _("a directory entry (only regular files are allowed)");
	if (why != NULL) {
		r = entry_fail(zr, e->name, nlen, why, err);
		goto out;
	}
	*pos += CENTRAL_LEN + nlen + xlen + clen;
out:
	hoso_buf_free(&nfc);
	hoso_buf_free(&lab);
	return r;
}

/* 4.3.7 against 4.3.12: the local header must say what the central directory says. */
static int
check_local(struct hoso_zipr *zr, size_t k, unsigned version, struct hoso_err *err)
{
	struct hoso_zip_entry *e = &zr->ents[k];
	unsigned char h[LOCAL_LEN];
	unsigned char *rest = NULL;
	uint64_t us, cs;
	size_t nlen, xlen;
	bool had64;
	int r;

	if ((r = read_at(zr, e->offset, h, LOCAL_LEN, err)) != 0)
		goto out;
	if (get32(h) != SIG_LOCAL) {
		r = entry_fail(zr, e->name, strlen(e->name), _("no local header where the central "
		    "directory points"), err);
		goto out;
	}
	nlen = get16(h + 26);
	xlen = get16(h + 28);
	if ((rest = malloc(nlen + xlen + 1)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = read_at(zr, e->offset + LOCAL_LEN, rest, nlen + xlen, err)) != 0)
		goto out;
	us = get32(h + 22);
	cs = get32(h + 18);
	if (!parse_extra(rest + nlen, xlen, &us, &cs, NULL, &had64) ||
	    get16(h + 4) != version || get16(h + 6) != e->flags || (int)get16(h + 8) != e->method ||
	    get32(h + 14) != e->crc || us != e->usize || cs != e->csize ||
	    nlen != strlen(e->name) || memcmp(rest, e->name, nlen) != 0) {
		r = entry_fail(zr, e->name, strlen(e->name), _("the local header disagrees with the "
		    "central directory"), err);
		goto out;
	}
	e->local_extra_len = xlen;
	e->data_offset = e->offset + LOCAL_LEN + nlen + xlen;
	if (e->data_offset > zr->cd_off || zr->cd_off - e->data_offset < e->csize)
		r = entry_fail(zr, e->name, nlen, _("data running into the central directory"), err);
out:
	free(rest);
	return r;
}

static int
zipr_load(struct hoso_zipr *zr, const struct hoso_zip_limits *lim, struct hoso_err *err)
{
	uint64_t cd_off = 0, cd_size = 0, n_ent = 0, total = 0, max_total, max_ratio, next;
	unsigned char *cd = NULL;
	uint16_t *versions = NULL;
	size_t pos = 0, k, max_entries;
	int r;

	max_total = lim != NULL && lim->max_total ? lim->max_total : (uint64_t)64 << 30;
	max_ratio = lim != NULL && lim->max_ratio ? lim->max_ratio : 200;
	max_entries = lim != NULL && lim->max_entries ? lim->max_entries : 100000;
	if ((r = find_central(zr, &cd_off, &cd_size, &n_ent, err)) != 0)
		goto out;
	if (n_ent == 0 || n_ent > max_entries || cd_size / CENTRAL_LEN < n_ent ||
	    cd_size > (uint64_t)n_ent * (CENTRAL_LEN + 3 * 0xffff)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: %llu entries in a central directory of "
		    "%llu bytes: refused"), zr->label, (unsigned long long)n_ent,
		    (unsigned long long)cd_size);
		goto out;
	}
	zr->cd_off = cd_off;
	zr->cd_size = cd_size;
	if ((cd = malloc((size_t)cd_size)) == NULL ||
	    (zr->ents = calloc((size_t)n_ent, sizeof(*zr->ents))) == NULL ||
	    (versions = calloc((size_t)n_ent, sizeof(*versions))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = read_at(zr, cd_off, cd, (size_t)cd_size, err)) != 0)
		goto out;
	for (k = 0; k < n_ent; k++) {
		zr->n = k + 1;
		if ((r = parse_central(zr, cd, (size_t)cd_size, &pos, k, versions, err)) != 0)
			goto out;
	}
	if (pos != cd_size) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: extra bytes in the central directory"),
		    zr->label);
		goto out;
	}
	/* Sizes first (zip bombs are refused before anything is inflated). */
	for (k = 0; k < zr->n; k++) {
		const struct hoso_zip_entry *e = &zr->ents[k];
		if (e->usize > max_total - total) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: more than %llu bytes once unpacked: "
			    "refused"), zr->label, (unsigned long long)max_total);
			goto out;
		}
		total += e->usize;
		if (e->usize > (1u << 20) && (e->csize == 0 || e->usize / e->csize > max_ratio)) {
			r = entry_fail(zr, e->name, strlen(e->name), _("compressed more than the "
			    "allowed ratio (a zip bomb?)"), err);
			goto out;
		}
	}
	/* Entries back to back from offset 0 to the central directory, in its order. */
	next = 0;
	for (k = 0; k < zr->n; k++) {
		if (zr->ents[k].offset != next) {
			r = entry_fail(zr, zr->ents[k].name, strlen(zr->ents[k].name),
			    k == 0 ? _("data before the first entry") :
			    _("data between entries, or entries out of order"), err);
			goto out;
		}
		if ((r = check_local(zr, k, versions[k], err)) != 0)
			goto out;
		next = zr->ents[k].data_offset + zr->ents[k].csize;
	}
	if (next != cd_off) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: data between the last entry and the "
		    "central directory"), zr->label);
		goto out;
	}
	if ((r = check_collisions(zr, err)) != 0)
		goto out;
	if ((zr->by_name = malloc(zr->n * sizeof(*zr->by_name))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (k = 0; k < zr->n; k++) {
		zr->by_name[k].folded = (char *)(uintptr_t)zr->ents[k].name;
		zr->by_name[k].i = k;
	}
	hoso_sort(zr->by_name, zr->n, sizeof(*zr->by_name), key_cmp);
out:
	free(cd);
	free(versions);
	return r;
}

static int
zipr_new(const char *label, struct hoso_zipr **zrp, struct hoso_err *err)
{
	struct hoso_buf lab = HOSO_BUF_INIT(0);
	struct hoso_zipr *zr;
	int r;

	if ((zr = calloc(1, sizeof(*zr))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	zr->fd = -1;
	if ((r = hoso_utf8_label(label, strlen(label), &lab, err)) != 0) {
		free(zr);
		return r;
	}
	zr->label = hoso_buf_detach(&lab, NULL);
	*zrp = zr;
	return 0;
}

int
hoso_zipr_open(const char *path, const struct hoso_zip_limits *lim, struct hoso_zipr **zrp,
    struct hoso_err *err)
{
	struct hoso_zipr *zr = NULL;
	struct stat st;
	int r;

	*zrp = NULL;
	if ((r = zipr_new(path, &zr, err)) != 0)
		goto out;
	if ((zr->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open"), zr->label);
		goto out;
	}
	if (fstat(zr->fd, &st) != 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open"), zr->label);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a regular file"), zr->label);
		goto out;
	}
	zr->size = (uint64_t)st.st_size;
	if ((r = zipr_load(zr, lim, err)) != 0)
		goto out;
	*zrp = zr;
	zr = NULL;
out:
	hoso_zipr_free(zr);
	return r;
}

int
hoso_zipr_open_mem(const void *data, size_t len, const char *label,
    const struct hoso_zip_limits *lim, struct hoso_zipr **zrp, struct hoso_err *err)
{
	struct hoso_zipr *zr = NULL;
	int r;

	*zrp = NULL;
	if ((r = zipr_new(label, &zr, err)) != 0)
		goto out;
	zr->mem = data;
	zr->size = len;
	if (data == NULL)
		zr->mem = (const unsigned char *)"";
	if ((r = zipr_load(zr, lim, err)) != 0)
		goto out;
	*zrp = zr;
	zr = NULL;
out:
	hoso_zipr_free(zr);
	return r;
}

void
hoso_zipr_free(struct hoso_zipr *zr)
{
	size_t i;

	if (zr == NULL)
		return;
	if (zr->fd >= 0)
		close(zr->fd);
	for (i = 0; i < zr->n; i++) {
		free((char *)zr->ents[i].name);
		free((char *)zr->ents[i].label);
	}
	free(zr->ents);
	free(zr->by_name);
	free(zr->label);
	free(zr);
}

const char *
hoso_zipr_label(const struct hoso_zipr *zr)
{
	return zr->label;
}

size_t
hoso_zipr_count(const struct hoso_zipr *zr)
{
	return zr->n;
}

const struct hoso_zip_entry *
hoso_zipr_entry(const struct hoso_zipr *zr, size_t i)
{
	return i < zr->n ? &zr->ents[i] : NULL;
}

long
hoso_zipr_find(const struct hoso_zipr *zr, const char *name)
{
	size_t lo = 0, hi = zr->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(name, zr->by_name[mid].folded)) == 0)
			return (long)zr->by_name[mid].i;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

int
hoso_zipr_read(struct hoso_zipr *zr, size_t i, hoso_zip_sink fn, void *ctx, struct hoso_err *err)
{
	const struct hoso_zip_entry *e;
	unsigned char *in = NULL, *out = NULL;
	uint64_t left, done = 0, off;
	uint32_t crc = (uint32_t)crc32(0, NULL, 0);
	z_stream zs;
	bool live = false, end = false;
	size_t part, have;
	int r = 0, zr_;

	if ((e = hoso_zipr_entry(zr, i)) == NULL)
		return hoso_err_set(err, HOSO_EUSAGE, "zip: no entry %zu", i);
	if ((in = malloc(CHUNK)) == NULL || (out = malloc(CHUNK)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	memset(&zs, 0, sizeof(zs));
	if (e->method == HOSO_ZIP_DEFLATED) {
		if (inflateInit2(&zs, -15) != Z_OK) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		live = true;
	}
	left = e->csize;
	off = e->data_offset;
	while (left > 0 || (live && !end)) {
		part = left > CHUNK ? CHUNK : (size_t)left;
		if (part == 0 && live) {
			r = entry_fail(zr, e->name, strlen(e->name), _("truncated compressed data"),
			    err);
			goto out;
		}
		if ((r = read_at(zr, off, in, part, err)) != 0)
			goto out;
		off += part;
		left -= part;
		if (!live) {
			crc = (uint32_t)crc32(crc, in, (uInt)part);
			done += part;
			if ((r = fn(ctx, in, part, err)) != 0)
				goto out;
			continue;
		}
		zs.next_in = in;
		zs.avail_in = (uInt)part;
		do {
			zs.next_out = out;
			zs.avail_out = CHUNK;
			zr_ = inflate(&zs, Z_NO_FLUSH);
			if (zr_ != Z_OK && zr_ != Z_STREAM_END && zr_ != Z_BUF_ERROR) {
				r = entry_fail(zr, e->name, strlen(e->name),
				    _("damaged compressed data"), err);
				goto out;
			}
			have = CHUNK - zs.avail_out;
			if (have > e->usize - done) {
				r = entry_fail(zr, e->name, strlen(e->name), _("inflates to more "
				    "than its announced size (a zip bomb?)"), err);
				goto out;
			}
			done += have;
			crc = (uint32_t)crc32(crc, out, (uInt)have);
			if (have > 0 && (r = fn(ctx, out, have, err)) != 0)
				goto out;
			if (zr_ == Z_STREAM_END) {
				end = true;
				break;
			}
			if (zr_ == Z_BUF_ERROR && zs.avail_in == 0)
				break;
		} while (zs.avail_in > 0 || zs.avail_out == 0);
		if (end && (zs.avail_in > 0 || left > 0)) {
			r = entry_fail(zr, e->name, strlen(e->name), _("data after the end of the "
			    "compressed stream"), err);
			goto out;
		}
	}
	if (done != e->usize || crc != e->crc)
		r = entry_fail(zr, e->name, strlen(e->name), done != e->usize ?
		    _("size differs from the central directory") : _("CRC mismatch (damaged data)"),
		    err);
out:
	if (live)
		inflateEnd(&zs);
	free(in);
	free(out);
	return r;
}

static int
to_buf(void *ctx, const void *p, size_t n, struct hoso_err *err)
{
	return hoso_buf_add(ctx, p, n, err);
}

int
hoso_zipr_read_all(struct hoso_zipr *zr, size_t i, size_t max, struct hoso_buf *out,
    struct hoso_err *err)
{
	const struct hoso_zip_entry *e = hoso_zipr_entry(zr, i);

	if (e == NULL)
		return hoso_err_set(err, HOSO_EUSAGE, "zip: no entry %zu", i);
	if (e->usize > max)
		return entry_fail(zr, e->name, strlen(e->name), _("too large to read into memory"),
		    err);
	hoso_buf_reset(out);
	return hoso_zipr_read(zr, i, to_buf, out, err);
}

/* --- appending to a checked archive --- */

int
hoso_zipw_open_append(const char *path, time_t mtime, struct hoso_zipr *zr,
    struct hoso_zipw **zwp, struct hoso_err *err)
{
	struct hoso_zipw *zw = NULL;
	uint64_t off = 0;
	size_t k, part;
	int r;

	*zwp = NULL;
	if (zr->cd_size > SIZE_MAX)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	if ((r = hoso_zipw_open(path, mtime, &zw, err)) != 0)
		return r;
	if ((zw->ents = calloc(zr->n + 16, sizeof(*zw->ents))) == NULL ||
	    (zw->old_cd = malloc(zr->cd_size > 0 ? (size_t)zr->cd_size : 1)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	zw->cap = zr->n + 16;
	/* The names, so that commit refuses a new entry named like an old one. */
	for (k = 0; k < zr->n; k++) {
		if ((zw->ents[k].name = strdup(zr->ents[k].name)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		zw->ents[k].name_len = strlen(zr->ents[k].name);
		zw->n = zw->n_old = k + 1;
	}
	/* hoso_zipr_open proved the entries lie back to back from 0 to the central directory. */
	while (off < zr->cd_off) {
		part = zr->cd_off - off > CHUNK ? CHUNK : (size_t)(zr->cd_off - off);
		if ((r = read_at(zr, off, zw->out, part, err)) != 0 ||
		    (r = wbytes(zw, zw->out, part, err)) != 0)
			goto out;
		off += part;
	}
	zw->old_cd_len = (size_t)zr->cd_size;
	if ((r = read_at(zr, zr->cd_off, zw->old_cd, zw->old_cd_len, err)) != 0)
		goto out;
	*zwp = zw;
	zw = NULL;
out:
	hoso_zipw_free(zw);
	return r;
}
