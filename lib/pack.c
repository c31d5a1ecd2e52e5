/*
 * pack.c - the sign-pack operation: dossier -> ASiC-E container (ETSI EN 319
 * 162-1) that is also a BagIt v1.0 bag (RFC 8493) once unzipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asic.h"
#include "bagit.h"
#include "digest.h"
#include "file.h"
#include "i18n.h"
#include "pack.h"
#include "sort.h"
#include "store.h"
#include "verify.h"
#include "zip.h"

#define MAX_DOSSIER_XML ((size_t)64 << 20)
#define CHUNK 65536

struct item {
	char *rel;		/* path in the dossier directory */
	char *name;		/* entry name, "data/" + rel */
	uint64_t size;
	unsigned char sha256[HOSO_SHA256_LEN];
	unsigned char md[HOSO_ASIC_MAX_DIGEST];	/* in the manifest's digest */
	size_t md_len;
};

static int
item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->name, ((const struct item *)b)->name);
}

/* Formats that are compressed already are STORED: deflating them only costs time. */
static int
method_for(const char *name)
{
	static const char *const packed[] = { ".png", ".jpg", ".jpeg", ".jp2", ".gif", ".webp",
	    ".zip", ".gz", ".xz", ".zst", ".7z", ".p7s" };
	size_t i, n = strlen(name), k;

	for (i = 0; i < sizeof(packed) / sizeof(packed[0]); i++) {
		k = strlen(packed[i]);
		if (n > k && strcasecmp(name + n - k, packed[i]) == 0)
			return HOSO_ZIP_STORED;
	}
	return HOSO_ZIP_DEFLATED;
}

static int
add_item(struct item **items, size_t *n, size_t *cap, const char *rel, struct hoso_err *err)
{
	struct hoso_buf name = HOSO_BUF_INIT(0);
	struct item *it;
	int r;

	if (*n == *cap) {
		size_t nc = *cap * 2 + 16;
		struct item *ni = realloc(*items, nc * sizeof(*ni));
		if (ni == NULL)
			return hoso_err_set(err, HOSO_EIO, _("out of memory"));
		*items = ni;
		*cap = nc;
	}
	it = &(*items)[*n];
	memset(it, 0, sizeof(*it));
	if ((r = hoso_buf_addf(&name, err, "data/%s", rel)) != 0)
		return r;
	if ((it->rel = strdup(rel)) == NULL) {
		hoso_buf_free(&name);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	it->name = hoso_buf_detach(&name, NULL);
	(*n)++;
	return 0;
}

/* Digest of bytes in memory, in alg, into out. */
static int
digest_of(const char *alg, const void *p, size_t n, unsigned char *out, size_t *len,
    struct hoso_err *err)
{
	struct hoso_digest *d = NULL;
	int r;

	if ((r = hoso_digest_new(alg, &d, err)) == 0 && (r = hoso_digest_update(d, p, n, err)) == 0)
		r = hoso_digest_final(d, out, len, err);
	hoso_digest_free(d);
	return r;
}

static int
add_small(struct hoso_zipw *zw, const char *name, int method, const struct hoso_buf *b,
    struct hoso_err *err)
{
	int r;

	if ((r = hoso_zipw_begin(zw, name, method, b->len, NULL, err)) != 0 ||
	    (r = hoso_zipw_write(zw, hoso_buf_str(b), b->len, err)) != 0)
		return r;
	return hoso_zipw_end(zw, err);
}

/* A placeholder of len bytes, filled by hoso_zipw_patch once its content is known. */
static int
reserve(struct hoso_zipw *zw, const char *name, size_t len, size_t *index, struct hoso_err *err)
{
	char blank[256];
	size_t part;
	int r;

	memset(blank, ' ', sizeof(blank));
	if ((r = hoso_zipw_begin(zw, name, HOSO_ZIP_STORED, len, index, err)) != 0)
		return r;
	while (len > 0) {
		part = len > sizeof(blank) ? sizeof(blank) : len;
		if ((r = hoso_zipw_write(zw, blank, part, err)) != 0)
			return r;
		len -= part;
	}
	return hoso_zipw_end(zw, err);
}

/* Up to n bytes, fewer only at the end of the file; -1 with errno on an error. */
static ssize_t
read_full(int fd, unsigned char *buf, size_t n)
{
	size_t have = 0;
	ssize_t got;

	while (have < n) {
		if ((got = read(fd, buf + have, n - have)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			break;
		have += (size_t)got;
	}
	return (ssize_t)have;
}

/* Stream one payload file: read once, SHA-256 (BagIt) and the manifest digest, into the ZIP. */
static int
pack_file(struct hoso_zipw *zw, int dirfd, const char *dir, struct item *it, const char *alg,
    unsigned char *buf, struct hoso_err *err)
{
	struct hoso_digest *sha = NULL, *md = NULL;
	struct stat st;
	size_t len;
	ssize_t got;
	bool first;
	int fd, r;

	if ((fd = openat(dirfd, it->rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		r = hoso_err_sys(err, errno, _("%s/%s: cannot open"), dir, it->rel);
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s/%s: not a regular file"), dir, it->rel);
		goto out;
	}
	if ((uint64_t)st.st_size != it->size) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s/%s changed while it was being packed"), dir,
		    it->rel);
		goto out;
	}
	if ((r = hoso_digest_new("SHA256", &sha, err)) != 0 ||
	    (strcmp(alg, "SHA256") != 0 && (r = hoso_digest_new(alg, &md, err)) != 0))
		goto out;
	for (first = true;; first = false) {
		if ((got = read_full(fd, buf, CHUNK)) < 0) {
			r = hoso_err_sys(err, errno, _("%s/%s: cannot read"), dir, it->rel);
			goto out;
		}
		/* The method goes in the local header: decided on the first chunk. */
		if (first && (r = hoso_zipw_begin(zw, it->name, method_for(it->name) ==
		    HOSO_ZIP_DEFLATED && hoso_zip_deflate_pays(buf, (size_t)got) ?
		    HOSO_ZIP_DEFLATED : HOSO_ZIP_STORED, it->size, NULL, err)) != 0)
			goto out;
		if (got == 0)
			break;
		if ((r = hoso_digest_update(sha, buf, (size_t)got, err)) != 0 ||
		    (md != NULL && (r = hoso_digest_update(md, buf, (size_t)got, err)) != 0) ||
		    (r = hoso_zipw_write(zw, buf, (size_t)got, err)) != 0)
			goto out;
	}
	if ((r = hoso_zipw_end(zw, err)) != 0 || (r = hoso_digest_final(sha, it->sha256, &len, err)) != 0)
		goto out;
	if (md != NULL)
		r = hoso_digest_final(md, it->md, &it->md_len, err);
	else {
		memcpy(it->md, it->sha256, HOSO_SHA256_LEN);
		it->md_len = HOSO_SHA256_LEN;
	}
out:
	if (fd >= 0)
		close(fd);
	hoso_digest_free(sha);
	hoso_digest_free(md);
	return r;
}

/* The files of the payload, from dossier.xml: itself and every page file it lists. */
static int
list_payload(const char *dir, const char *code, const struct hoso_buf *xml, struct item **items,
    size_t *n, struct hoso_err *err)
{
	struct hoso_dossier *d;
	size_t cap = 0, i;
	int r;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	d->lock_fd = -1;
	if ((d->code = strdup(code)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = hoso_store_from_xml(d, xml->data, xml->len, dir, err)) != 0 ||
	    (r = add_item(items, n, &cap, "dossier.xml", err)) != 0)
		goto out;
	/* Files a dossier lists (hoso-store(5)): pages, their OCR text and hOCR, the PDF. */
	for (i = 0; i < d->n_pages; i++) {
		const struct hoso_page *p = &d->pages[i];
		if ((r = add_item(items, n, &cap, p->file, err)) != 0 ||
		    (p->norm != NULL && (r = add_item(items, n, &cap, p->norm, err)) != 0) ||
		    (p->text != NULL && (r = add_item(items, n, &cap, p->text, err)) != 0) ||
		    (p->hocr != NULL && (r = add_item(items, n, &cap, p->hocr, err)) != 0))
			goto out;
	}
	if (d->ocr_pdf != NULL && (r = add_item(items, n, &cap, d->ocr_pdf, err)) != 0)
		goto out;
	if (d->ocr_fields != NULL && (r = add_item(items, n, &cap, d->ocr_fields, err)) != 0)
		goto out;
	hoso_sort(*items, *n, sizeof(**items), item_cmp);
	for (i = 1; i < *n; i++)
		if (strcmp((*items)[i - 1].name, (*items)[i].name) == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: dossier.xml lists %s twice"), dir,
			    (*items)[i].rel);
			goto out;
		}
out:
	hoso_store_close(d);
	return r;
}

static int
add_ref(struct hoso_asic_ref *refs, size_t *n, const char *name, const char *alg, const void *p,
    size_t len, struct hoso_err *err)
{
	struct hoso_asic_ref *ref = &refs[(*n)++];

	ref->name = (char *)(uintptr_t)name;
	snprintf(ref->alg, sizeof(ref->alg), "%s", alg);
	return digest_of(alg, p, len, ref->digest, &ref->digest_len, err);
}

/* One archive being made, phase by phase (hoso_pack_dossier). */
struct packing {
	const struct hoso_pack_opts *o;
	const char *alg;			/* the ASiC manifest's digest */
	struct hoso_buf dir, code, xml;		/* the dossier, its code, its dossier.xml */
	int dirfd;
	struct item *items;			/* the payload, in archive order */
	size_t n;
	unsigned char *buf;			/* CHUNK bytes for streaming */
	struct hoso_buf decl, info, man, tag;	/* the BagIt tag files */
	size_t man_len, tag_len, man_idx, tag_idx;	/* the manifests' reserved entries */
	struct hoso_zipw *zw;
	struct hoso_asic_ref *refs;
	size_t n_refs;
	struct hoso_buf amf, sig;		/* ASiC manifest and its CAdES signature */
};

static void
packing_free(struct packing *p)
{
	size_t i;

	hoso_zipw_free(p->zw);
	if (p->dirfd >= 0)
		close(p->dirfd);
	for (i = 0; i < p->n; i++) {
		free(p->items[i].rel);
		free(p->items[i].name);
	}
	free(p->items);
	free(p->refs);
	free(p->buf);
	hoso_buf_free(&p->xml);
	hoso_buf_free(&p->dir);
	hoso_buf_free(&p->code);
	hoso_buf_free(&p->info);
	hoso_buf_free(&p->man);
	hoso_buf_free(&p->tag);
	hoso_buf_free(&p->amf);
	hoso_buf_free(&p->sig);
	hoso_buf_free(&p->decl);
}

/* The dossier: its code (the directory's name, hoso-store(5)), dossier.xml and payload. */
static int
open_dossier(struct packing *p, struct hoso_err *err)
{
	size_t len = strlen(p->o->dossier_dir);
	const char *base;
	int r;

	while (len > 1 && p->o->dossier_dir[len - 1] == '/')
		len--;
	if ((r = hoso_buf_add(&p->dir, p->o->dossier_dir, len, err)) != 0)
		return r;
	base = strrchr(hoso_buf_str(&p->dir), '/');
	base = base != NULL ? base + 1 : hoso_buf_str(&p->dir);
	if ((r = hoso_buf_adds(&p->code, base, err)) != 0 ||
	    (r = hoso_store_code_check(hoso_buf_str(&p->code), err)) != 0)
		return r;
	if ((p->dirfd = open(hoso_buf_str(&p->dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return hoso_err_sys(err, errno, _("%s: cannot open the dossier"), hoso_buf_str(&p->dir));
	if ((r = hoso_buf_adds(&p->dir, "/dossier.xml", err)) != 0 ||
	    (r = hoso_file_read(hoso_buf_str(&p->dir), MAX_DOSSIER_XML, &p->xml, err)) != 0)
		return r;
	p->dir.len -= strlen("/dossier.xml");
	p->dir.data[p->dir.len] = '\0';
	if ((r = list_payload(hoso_buf_str(&p->dir), hoso_buf_str(&p->code), &p->xml, &p->items,
	    &p->n, err)) != 0)
		return r;
	if ((p->buf = malloc(CHUNK)) == NULL || (p->refs = calloc(p->n + 4, sizeof(*p->refs))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	return 0;
}

/* Sizes for Payload-Oxum and the reserved manifests, taken before the one pass; the tag files. */
static int
size_payload(struct packing *p, struct hoso_pack_result *res, struct hoso_err *err)
{
	char date[11];
	struct tm tm;
	size_t i;
	int r;

	for (i = 0; i < p->n; i++) {
		struct stat st;

		if (fstatat(p->dirfd, p->items[i].rel, &st, AT_SYMLINK_NOFOLLOW) != 0)
			return hoso_err_sys(err, errno, _("%s/%s: listed in dossier.xml but missing"),
			    hoso_buf_str(&p->dir), p->items[i].rel);
		if (!S_ISREG(st.st_mode))
			return hoso_err_set(err, HOSO_EINPUT, _("%s/%s: not a regular file"),
			    hoso_buf_str(&p->dir), p->items[i].rel);
		p->items[i].size = (uint64_t)st.st_size;
		res->octets += p->items[i].size;
		p->man_len += hoso_bagit_line_len(2 * HOSO_SHA256_LEN, p->items[i].name);
	}
	res->n_files = p->n;
	p->tag_len = hoso_bagit_line_len(2 * HOSO_SHA256_LEN, "bagit.txt") +
	    hoso_bagit_line_len(2 * HOSO_SHA256_LEN, "bag-info.txt") +
	    hoso_bagit_line_len(2 * HOSO_SHA256_LEN, "manifest-sha256.txt");
	gmtime_r(&p->o->signing_time, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	if ((r = hoso_buf_adds(&p->decl, HOSO_BAGIT_DECLARATION, err)) != 0)
		return r;
	return hoso_bagit_info(date, res->octets, p->n, hoso_buf_str(&p->code), &p->info, err);
}

/* The archive up to its payload, streamed: each file read once, hashed and deflated. */
static int
write_bag(struct packing *p, struct hoso_err *err)
{
	size_t i;
	int r;

	/* EN 319 162-1 A.1: mimetype first, STORED, no extra field (our writer adds none). */
	if ((r = hoso_zipw_open(p->o->out, p->o->signing_time, &p->zw, err)) != 0 ||
	    (r = hoso_zipw_begin(p->zw, "mimetype", HOSO_ZIP_STORED, strlen(HOSO_ASIC_MIMETYPE),
	    NULL, err)) != 0 ||
	    (r = hoso_zipw_write(p->zw, HOSO_ASIC_MIMETYPE, strlen(HOSO_ASIC_MIMETYPE), err)) != 0 ||
	    (r = hoso_zipw_end(p->zw, err)) != 0 ||
	    (r = add_small(p->zw, "bagit.txt", HOSO_ZIP_DEFLATED, &p->decl, err)) != 0 ||
	    (r = add_small(p->zw, "bag-info.txt", HOSO_ZIP_DEFLATED, &p->info, err)) != 0 ||
	    (r = reserve(p->zw, "manifest-sha256.txt", p->man_len, &p->man_idx, err)) != 0 ||
	    (r = reserve(p->zw, "tagmanifest-sha256.txt", p->tag_len, &p->tag_idx, err)) != 0)
		return r;
	for (i = 0; i < p->n; i++)
		if ((r = pack_file(p->zw, p->dirfd, hoso_buf_str(&p->dir), &p->items[i], p->alg,
		    p->buf, err)) != 0)
			return r;
	return 0;
}

/* One line of the tag manifest: the SHA-256 of a tag file. */
static int
tag_line(struct hoso_buf *tag, const char *name, const struct hoso_buf *b, struct hoso_err *err)
{
	unsigned char d[HOSO_SHA256_LEN];
	char hex[2 * HOSO_SHA256_LEN + 1];
	size_t len;
	int r;

	if ((r = digest_of("SHA256", b->data, b->len, d, &len, err)) != 0)
		return r;
	hoso_digest_hex(d, len, hex);
	return hoso_bagit_line(tag, hex, name, err);
}

/* RFC 8493 2.1.3 and 2.2.1, now that every digest is known: into their reserved places. */
static int
fill_manifests(struct packing *p, struct hoso_err *err)
{
	char hex[2 * HOSO_SHA256_LEN + 1];
	size_t i;
	int r;

	for (i = 0; i < p->n; i++) {
		hoso_digest_hex(p->items[i].sha256, HOSO_SHA256_LEN, hex);
		if ((r = hoso_bagit_line(&p->man, hex, p->items[i].name, err)) != 0)
			return r;
	}
	if (p->man.len != p->man_len)
		return hoso_err_set(err, HOSO_EIO, "pack: manifest length %zu, reserved %zu",
		    p->man.len, p->man_len);
	if ((r = tag_line(&p->tag, "bagit.txt", &p->decl, err)) != 0 ||
	    (r = tag_line(&p->tag, "bag-info.txt", &p->info, err)) != 0 ||
	    (r = tag_line(&p->tag, "manifest-sha256.txt", &p->man, err)) != 0 ||
	    (r = hoso_zipw_patch(p->zw, p->man_idx, p->man.data, p->man.len, err)) != 0)
		return r;
	return hoso_zipw_patch(p->zw, p->tag_idx, p->tag.data, p->tag.len, err);
}

/* The ASiC manifest over every file outside META-INF/ but mimetype, signed (CAdES). */
static int
sign_manifest(struct packing *p, struct hoso_err *err)
{
	struct hoso_cms_sign_opts so;
	size_t i;
	int r;

	/* EN 319 162-1 4.4.1: in archive order. */
	if ((r = add_ref(p->refs, &p->n_refs, "bagit.txt", p->alg, p->decl.data, p->decl.len,
	    err)) != 0 ||
	    (r = add_ref(p->refs, &p->n_refs, "bag-info.txt", p->alg, p->info.data, p->info.len,
	    err)) != 0 ||
	    (r = add_ref(p->refs, &p->n_refs, "manifest-sha256.txt", p->alg, p->man.data,
	    p->man.len, err)) != 0 ||
	    (r = add_ref(p->refs, &p->n_refs, "tagmanifest-sha256.txt", p->alg, p->tag.data,
	    p->tag.len, err)) != 0)
		return r;
	for (i = 0; i < p->n; i++) {
		struct hoso_asic_ref *ref = &p->refs[p->n_refs++];

		ref->name = p->items[i].name;
		snprintf(ref->alg, sizeof(ref->alg), "%s", p->alg);
		memcpy(ref->digest, p->items[i].md, p->items[i].md_len);
		ref->digest_len = p->items[i].md_len;
	}
	memset(&so, 0, sizeof(so));
	so.digest = p->alg;
	so.pss = p->o->pss;
	so.signing_time = p->o->signing_time;
	so.tsa_url = p->o->tsa_url;
	if ((r = hoso_asic_manifest_write(HOSO_ASIC_SIGNATURE, p->refs, p->n_refs, &p->amf,
	    err)) != 0 ||
	    (r = hoso_cms_sign(p->o->signer, &so, p->amf.data, p->amf.len, &p->sig, err)) != 0 ||
	    (r = add_small(p->zw, HOSO_ASIC_MANIFEST, HOSO_ZIP_DEFLATED, &p->amf, err)) != 0 ||
	    (r = add_small(p->zw, HOSO_ASIC_SIGNATURE, HOSO_ZIP_STORED, &p->sig, err)) != 0)
		return r;
	return hoso_zipw_commit(p->zw, err);
}

int
hoso_pack_dossier(const struct hoso_pack_opts *o, struct hoso_pack_result *res,
    struct hoso_err *err)
{
	struct packing p;
	int r;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.o = o;
	p.dirfd = -1;
	p.alg = o->digest != NULL ? o->digest : "SHA256";
	if (hoso_asic_digest_uri(p.alg) == NULL)
		r = hoso_err_set(err, HOSO_EUSAGE, _("refusing to sign with digest %s (SHA256, SHA384 "
		    "or SHA512)"), p.alg);
	else if ((r = open_dossier(&p, err)) == 0 && (r = size_payload(&p, res, err)) == 0 &&
	    (r = write_bag(&p, err)) == 0 && (r = fill_manifests(&p, err)) == 0)
		r = sign_manifest(&p, err);
	packing_free(&p);
	return r;
}

/* --- countersigning a signed archive --- */

struct digest_sink {
	struct hoso_digest *d;
};

static int
digest_sink_fn(void *ctx, const void *p, size_t n, struct hoso_err *err)
{
	return hoso_digest_update(((struct digest_sink *)ctx)->d, p, n, err);
}

/*
 * Refuse what verify would call invalid. A countersignature covers every
 * data file again: added to a tampered archive it would lend the tampering
 * a new, good signature, so the archive is checked first, by verify's own
 * checks (one operation calling another, so that what sign-pack accepts is
 * exactly what verify accepts: no second reading of manifests and CMS to
 * drift apart). Without trust anchors: whether the first signer's chain is
 * trusted is the reader's decision, not the countersigner's.
 * t-sign-keys "an archive that does not verify is not countersigned".
 */
static int
check_signed(const char *archive, struct hoso_err *err)
{
	struct hoso_verify_opts vo;
	struct hoso_verify_report rep;
	int i, r = 0;

	memset(&vo, 0, sizeof(vo));
	vo.jobs = 1;
	if ((r = hoso_verify_archive(archive, &vo, &rep, err)) != 0)
		goto out;
	if (rep.result == HOSO_VERIFY_ERROR) {
		r = hoso_err_set(err, rep.err.code != 0 ? rep.err.code : HOSO_EIO, "%s", rep.err.msg);
		goto out;
	}
	for (i = 0; i < HOSO_VERIFY_N_CHECKS; i++)
		if (rep.result == HOSO_VERIFY_NOT_CONTAINER ||
		    rep.checks[i].status == HOSO_CHECK_FAILED) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: refusing to countersign an archive "
			    "that does not verify: %s"), rep.archive != NULL ? rep.archive : archive,
			    rep.checks[i].status == HOSO_CHECK_FAILED ? rep.checks[i].detail :
			    hoso_verify_reason(&rep) != NULL ? hoso_verify_reason(&rep) : "?");
			goto out;
		}
out:
	hoso_verify_report_free(&rep);
	return r;
}

int
hoso_pack_add_signature(const struct hoso_pack_add_opts *o, struct hoso_pack_add_result *res,
    struct hoso_err *err)
{
	struct hoso_buf amf = HOSO_BUF_INIT(0), sig = HOSO_BUF_INIT(0);
	const char *alg = o->digest != NULL ? o->digest : "SHA256";
	struct hoso_cms_sign_opts so;
	struct hoso_asic_ref *refs = NULL;
	struct hoso_zipr *zr = NULL;
	struct hoso_zipw *zw = NULL;
	struct digest_sink ds = { NULL };
	size_t i, n, n_refs = 0;
	unsigned num;
	int r;

	memset(res, 0, sizeof(*res));
	if (hoso_asic_digest_uri(alg) == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("refusing to sign with digest %s (SHA256, SHA384 "
		    "or SHA512)"), alg);
		goto out;
	}
	if ((r = check_signed(o->archive, err)) != 0 ||
	    (r = hoso_zipr_open(o->archive, NULL, &zr, err)) != 0)
		goto out;
	/* archive.md "Layout" 4-5: ASiCManifest002.xml with signature002.p7s, then 003, ... */
	for (num = 2; num <= 999; num++) {
		snprintf(res->manifest, sizeof(res->manifest), "META-INF/ASiCManifest%03u.xml", num);
		snprintf(res->signature, sizeof(res->signature), "META-INF/signature%03u.p7s", num);
		if (hoso_zipr_find(zr, res->manifest) < 0 && hoso_zipr_find(zr, res->signature) < 0)
			break;
	}
	if (num > 999) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: 999 signatures already"), o->archive);
		goto out;
	}
	n = hoso_zipr_count(zr);
	if ((refs = calloc(n, sizeof(*refs))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* EN 319 162-1 4.4.1: every file outside META-INF/ but mimetype, in archive order. */
	for (i = 0; i < n; i++) {
		const struct hoso_zip_entry *e = hoso_zipr_entry(zr, i);
		struct hoso_asic_ref *ref = &refs[n_refs];
		if (strncmp(e->name, "META-INF/", 9) == 0 || strcmp(e->name, "mimetype") == 0)
			continue;
		ref->name = (char *)(uintptr_t)e->name;
		snprintf(ref->alg, sizeof(ref->alg), "%s", alg);
		if ((r = hoso_digest_new(alg, &ds.d, err)) != 0 ||
		    (r = hoso_zipr_read(zr, i, digest_sink_fn, &ds, err)) != 0 ||
		    (r = hoso_digest_final(ds.d, ref->digest, &ref->digest_len, err)) != 0)
			goto out;
		hoso_digest_free(ds.d);
		ds.d = NULL;
		n_refs++;
	}
	res->n_objects = n_refs;
	so.digest = alg;
	so.pss = o->pss;
	so.signing_time = o->signing_time;
	so.tsa_url = o->tsa_url;
	if ((r = hoso_asic_manifest_write(res->signature, refs, n_refs, &amf, err)) != 0 ||
	    (r = hoso_cms_sign(o->signer, &so, amf.data, amf.len, &sig, err)) != 0 ||
	    (r = hoso_zipw_open_append(o->out, o->signing_time, zr, &zw, err)) != 0 ||
	    (r = add_small(zw, res->manifest, HOSO_ZIP_DEFLATED, &amf, err)) != 0 ||
	    (r = add_small(zw, res->signature, HOSO_ZIP_STORED, &sig, err)) != 0)
		goto out;
	r = hoso_zipw_commit(zw, err);
out:
	hoso_digest_free(ds.d);
	hoso_zipw_free(zw);
	hoso_zipr_free(zr);
	free(refs);
	hoso_buf_free(&amf);
	hoso_buf_free(&sig);
	return r;
}
