/*
 * verify.c - the verify operation: the checks of archive.md "What verify
 * checks", in its order, on one archive read in place. Entries are streamed
 * once: every digest (ASiC manifests, BagIt manifests) comes from that pass,
 * nothing is written to disk unless an extraction is asked for, and then only
 * after the whole archive verified.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
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
#include "pades.h"
#include "pdf.h"
#include "utf8.h"
#include "verify.h"
#include "xml.h"

#define MAX_MANIFEST ((size_t)16 << 20)
#define MAX_SIGNATURE ((size_t)1 << 20)
#define MAX_TAGFILE ((size_t)64 << 20)

static const char *const tag_names[] = {
	"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
};
enum { TAG_BAGIT, TAG_INFO, TAG_MANIFEST, TAG_TAGMANIFEST, N_TAGS };

struct digests {
	unsigned char sha256[32], sha384[48], sha512[64];
	bool need384, need512, done;
};

struct manifest {
	size_t idx;
	struct hoso_buf bytes;
	struct hoso_asic_manifest m;
	bool parsed;
};

struct vctx {
	const struct hoso_verify_opts *o;
	struct hoso_verify_report *rep;
	struct hoso_zipr *zr;
	size_t n;
	struct digests *dg;
	struct manifest *man;
	size_t n_man;
	struct hoso_buf tags[N_TAGS];
	long tag_idx[N_TAGS];
	bool readable;		/* a sound ZIP with a right mimetype: the other checks can run */
};

const char *
hoso_verify_check_id(int i)
{
	static const char *const ids[HOSO_VERIFY_N_CHECKS] = { "container", "manifests",
	    "signature", "certificate", "timestamp", "bagit" };

	return i >= 0 && i < HOSO_VERIFY_N_CHECKS ? ids[i] : "?";
}

const char *
hoso_verify_check_title(int i)
{
	switch (i) {
	case HOSO_CHECK_CONTAINER:
		return _("container");
	case HOSO_CHECK_MANIFESTS:
		return _("manifests");
	case HOSO_CHECK_SIGNATURE:
		return _("signature");
	case HOSO_CHECK_CERTIFICATE:
		return _("certificate");
	case HOSO_CHECK_TIMESTAMP:
		return _("timestamp");
	case HOSO_CHECK_BAGIT:
		return _("BagIt");
	default:
		return "?";
	}
}

const char *
hoso_verify_result_id(int result)
{
	switch (result) {
	case HOSO_VERIFY_VALID:
		return "valid";
	case HOSO_VERIFY_INVALID:
		return "invalid";
	case HOSO_VERIFY_INDETERMINATE:
		return "indeterminate";
	case HOSO_VERIFY_NOT_CONTAINER:
		return "not-a-container";
	default:
		return "error";
	}
}

static void set_check(struct hoso_verify_report *rep, int i, int status, const char *fmt, ...)
	HOSO_PRINTF(4, 5);

static void
set_check(struct hoso_verify_report *rep, int i, int status, const char *fmt, ...)
{
	va_list ap;

	rep->checks[i].status = status;
	va_start(ap, fmt);
	vsnprintf(rep->checks[i].detail, sizeof(rep->checks[i].detail), fmt, ap);
	va_end(ap);
}

static bool
in_meta(const char *name)
{
	return strncmp(name, "META-INF/", 9) == 0;
}

static bool
is_manifest_name(const char *name)
{
	size_t n = strlen(name);

	return strncmp(name, "META-INF/ASiCManifest", 21) == 0 && n >= 25 &&
	    strcmp(name + n - 4, ".xml") == 0 && strchr(name + 9, '/') == NULL;
}

static int
section_of(const char *name)
{
	if (strncmp(name, "data/", 5) == 0)
		return 2;
	if (in_meta(name))
		return 3;
	return 1;
}

/*
 * archive.md "Layout": after mimetype the tag files, then the payload in byte
 * order, then META-INF/. An archive whose entries were moved around is not
 * one sign-pack wrote, even when every digest still matches.
 */
static int
check_order(struct vctx *v)
{
	const struct hoso_zip_entry *prev = NULL, *e;
	size_t i;

	for (i = 1; i < v->n; i++, prev = e) {
		e = hoso_zipr_entry(v->zr, i);
		if (prev == NULL)
			continue;
		if (section_of(e->name) < section_of(prev->name) ||
		    (section_of(e->name) == 2 && section_of(prev->name) == 2 &&
		    strcmp(prev->name, e->name) >= 0)) {
			set_check(v->rep, HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, _("entry %s comes "
			    "after %s: not the order of hoso-archive(5) (tag files, data/ sorted, "
			    "META-INF/)"), e->label, prev->label);
			return HOSO_ENO;
		}
	}
	return 0;
}

/* Check 1: the ZIP rules are zip.c's; here what makes it an ASiC-E container (EN 319 162-1 A.1). */
static int
check_mimetype(struct vctx *v, struct hoso_err *err)
{
	const struct hoso_zip_entry *e = hoso_zipr_entry(v->zr, 0);
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_verify_report *rep = v->rep;
	int r = 0;

	if (strcmp(e->name, "mimetype") != 0) {
		if (hoso_zipr_find(v->zr, "mimetype") < 0)
			rep->result = HOSO_VERIFY_NOT_CONTAINER;
		set_check(rep, HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, hoso_zipr_find(v->zr,
		    "mimetype") < 0 ? _("no mimetype entry: not an ASiC-E container") :
		    _("mimetype is not the first entry"));
		goto out;
	}
	if (e->method != HOSO_ZIP_STORED || e->local_extra_len != 0) {
		set_check(rep, HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, e->method != HOSO_ZIP_STORED ?
		    _("mimetype is compressed (it must be STORED)") :
		    _("mimetype has an extra field"));
		goto out;
	}
	if ((r = hoso_zipr_read_all(v->zr, 0, 256, &b, err)) != 0 ||
	    strcmp(hoso_buf_str(&b), HOSO_ASIC_MIMETYPE) != 0 || b.len != strlen(HOSO_ASIC_MIMETYPE)) {
		rep->result = HOSO_VERIFY_NOT_CONTAINER;
		set_check(rep, HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, _("mimetype is not %s: not "
		    "an ASiC-E container"), HOSO_ASIC_MIMETYPE);
		r = 0;
		goto out;
	}
	/* Entries out of order fail the container, yet the other checks still run. */
	v->readable = true;
	if ((r = check_order(v)) != 0) {
		r = 0;
		goto out;
	}
	set_check(rep, HOSO_CHECK_CONTAINER, HOSO_CHECK_PASSED, _("%zu entries; mimetype first, "
	    "stored, %s; entries in the order of hoso-archive(5)"), v->n, HOSO_ASIC_MIMETYPE);
out:
	hoso_buf_free(&b);
	return r;
}

struct sink {
	struct hoso_digest *d256, *d384, *d512;
	struct hoso_buf *keep;
	int fd;
	const char *path;
};

static int
sink_fn(void *ctx, const void *p, size_t n, struct hoso_err *err)
{
	struct sink *s = ctx;
	const char *c = p;
	ssize_t got;
	int r;

	if ((r = hoso_digest_update(s->d256, p, n, err)) != 0 ||
	    (s->d384 != NULL && (r = hoso_digest_update(s->d384, p, n, err)) != 0) ||
	    (s->d512 != NULL && (r = hoso_digest_update(s->d512, p, n, err)) != 0) ||
	    (s->keep != NULL && (r = hoso_buf_add(s->keep, p, n, err)) != 0))
		return r;
	while (s->fd >= 0 && n > 0) {
		if ((got = write(s->fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return hoso_err_sys(err, errno, _("%s: cannot write"), s->path);
		}
		c += got;
		n -= (size_t)got;
	}
	return 0;
}

/* Stream entry i once through the digests it needs (and into keep, or a file). */
static int
stream_entry(struct vctx *v, size_t i, struct hoso_buf *keep, int fd, const char *path,
    struct hoso_err *err)
{
	struct digests *dg = &v->dg[i];
	struct sink s = { NULL, NULL, NULL, keep, fd, path };
	size_t len;
	int r;

	if ((r = hoso_digest_new("SHA256", &s.d256, err)) != 0 ||
	    (dg->need384 && (r = hoso_digest_new("SHA384", &s.d384, err)) != 0) ||
	    (dg->need512 && (r = hoso_digest_new("SHA512", &s.d512, err)) != 0) ||
	    (r = hoso_zipr_read(v->zr, i, sink_fn, &s, err)) != 0)
		goto out;
	if ((r = hoso_digest_final(s.d256, dg->sha256, &len, err)) != 0 ||
	    (s.d384 != NULL && (r = hoso_digest_final(s.d384, dg->sha384, &len, err)) != 0) ||
	    (s.d512 != NULL && (r = hoso_digest_final(s.d512, dg->sha512, &len, err)) != 0))
		goto out;
	dg->done = true;
out:
	hoso_digest_free(s.d256);
	hoso_digest_free(s.d384);
	hoso_digest_free(s.d512);
	return r;
}

static const unsigned char *
digest_for(const struct digests *dg, const char *alg)
{
	if (strcmp(alg, "SHA384") == 0)
		return dg->sha384;
	if (strcmp(alg, "SHA512") == 0)
		return dg->sha512;
	return dg->sha256;
}

/* Check 2, first half: parse every manifest and see what it covers (EN 319 162-1 4.4.1). */
static void
load_manifests(struct vctx *v)
{
	struct hoso_verify_report *rep = v->rep;
	struct hoso_buf lab = HOSO_BUF_INIT(0);
	struct hoso_err e;
	bool *covered = NULL;
	size_t i, k, j, m;
	long idx;

	for (i = 0; i < v->n; i++)
		if (is_manifest_name(hoso_zipr_entry(v->zr, i)->name))
			v->n_man++;
	if (v->n_man == 0) {
		set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, _("no "
		    "META-INF/ASiCManifest*.xml"));
		return;
	}
	if ((v->man = calloc(v->n_man, sizeof(*v->man))) == NULL ||
	    (covered = calloc(v->n, sizeof(*covered))) == NULL) {
		if (v->man == NULL)
			v->n_man = 0;
		set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, _("out of memory"));
		goto out;
	}
	for (i = 0, m = 0; i < v->n; i++) {
		const struct hoso_zip_entry *ze = hoso_zipr_entry(v->zr, i);
		struct manifest *mf;
		if (!is_manifest_name(ze->name))
			continue;
		mf = &v->man[m++];
		mf->idx = i;
		hoso_buf_init(&mf->bytes, 0);
		hoso_buf_reset(&lab);
		hoso_buf_addf(&lab, &e, "%s:%s", rep->archive, ze->label);
		if (hoso_zipr_read_all(v->zr, i, MAX_MANIFEST, &mf->bytes, &e) != 0 ||
		    hoso_asic_manifest_parse(mf->bytes.data, mf->bytes.len, hoso_buf_str(&lab), &mf->m,
		    &e) != 0) {
			set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, "%s", e.msg);
			goto out;
		}
		mf->parsed = true;
		memset(covered, 0, v->n * sizeof(*covered));
		for (k = 0; k < mf->m.n; k++) {
			const char *name = mf->m.refs[k].name;
			if ((idx = hoso_zipr_find(v->zr, name)) < 0) {
				set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, _("%s references "
				    "%s, which is not in the archive"), ze->label, name);
				goto out;
			}
			if (in_meta(name) || strcmp(name, "mimetype") == 0) {
				set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, _("%s references "
				    "%s, which is not a data object"), ze->label, name);
				goto out;
			}
			if (covered[idx]) {
				set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, _("%s "
				    "references %s twice"), ze->label, name);
				goto out;
			}
			covered[idx] = true;
			v->dg[idx].need384 |= strcmp(mf->m.refs[k].alg, "SHA384") == 0;
			v->dg[idx].need512 |= strcmp(mf->m.refs[k].alg, "SHA512") == 0;
		}
		/* Every file outside META-INF/ but mimetype is covered by every manifest. */
		for (j = 0; j < v->n; j++) {
			const struct hoso_zip_entry *de = hoso_zipr_entry(v->zr, j);
			if (in_meta(de->name) || strcmp(de->name, "mimetype") == 0 || covered[j])
				continue;
			set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, _("%s is not "
			    "covered by %s"), de->label, ze->label);
			goto out;
		}
	}
out:
	free(covered);
	hoso_buf_free(&lab);
}

/* Check 2, second half, after the streaming pass. */
static void
compare_manifests(struct vctx *v)
{
	struct hoso_verify_report *rep = v->rep;
	size_t m, k, refs = 0;
	long idx;

	if (rep->checks[HOSO_CHECK_MANIFESTS].status != HOSO_CHECK_SKIPPED)
		return;		/* failed already */
	for (m = 0; m < v->n_man; m++) {
		const struct hoso_asic_manifest *mf = &v->man[m].m;
		for (k = 0; k < mf->n; k++, refs++) {
			idx = hoso_zipr_find(v->zr, mf->refs[k].name);
			if (memcmp(digest_for(&v->dg[idx], mf->refs[k].alg), mf->refs[k].digest,
			    mf->refs[k].digest_len) != 0) {
				set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, _("the digest "
				    "of %s does not match %s"), hoso_zipr_entry(v->zr, (size_t)idx)->label,
				    hoso_zipr_entry(v->zr, v->man[m].idx)->label);
				return;
			}
		}
	}
	set_check(rep, HOSO_CHECK_MANIFESTS, HOSO_CHECK_PASSED, _("%zu manifest(s), %zu "
	    "references, every file covered, digests match"), v->n_man, refs);
}

/* Checks 3, 4, 5: each manifest's CAdES signature. */
static int
check_signatures(struct vctx *v, struct hoso_err *err)
{
	struct hoso_verify_report *rep = v->rep;
	struct hoso_buf sig = HOSO_BUF_INIT(0);
	struct hoso_buf each = HOSO_BUF_INIT(0);	/* every good signature, for the report */
	struct hoso_cms_result res;
	bool any_ts = false, done_sig = false, done_cert = false, done_ts = false;
	size_t m, k, n_ok = 0;
	long idx;
	int r = 0;

	for (m = 0; m < v->n_man; m++) {
		const char *mlabel = hoso_zipr_entry(v->zr, v->man[m].idx)->label;
		if (!v->man[m].parsed)
			continue;
		/* Countersignatures: one signature per manifest, never one counted twice. */
		for (k = 0; k < m; k++)
			if (v->man[k].parsed && strcmp(v->man[k].m.sig_name, v->man[m].m.sig_name) == 0)
				break;
		if (k < m) {
			if (!done_sig)
				set_check(rep, HOSO_CHECK_SIGNATURE, HOSO_CHECK_FAILED, _("%s and %s "
				    "name the same signature %s"), hoso_zipr_entry(v->zr,
				    v->man[k].idx)->label, mlabel, v->man[m].m.sig_name);
			done_sig = true;
			continue;
		}
		idx = hoso_zipr_find(v->zr, v->man[m].m.sig_name);
		if (idx < 0 || !in_meta(v->man[m].m.sig_name)) {
			if (!done_sig)
				set_check(rep, HOSO_CHECK_SIGNATURE, HOSO_CHECK_FAILED, _("%s names "
				    "the signature %s, which is not in META-INF/ of the archive"),
				    mlabel, v->man[m].m.sig_name);
			done_sig = true;
			continue;
		}
		if ((r = hoso_zipr_read_all(v->zr, (size_t)idx, MAX_SIGNATURE, &sig, err)) != 0) {
			if (r == HOSO_EIO)
				goto out;
			if (!done_sig)
				set_check(rep, HOSO_CHECK_SIGNATURE, HOSO_CHECK_FAILED, "%s", err->msg);
			done_sig = true;
			r = 0;
			continue;
		}
		if ((r = hoso_cms_verify(sig.data, sig.len, v->man[m].bytes.data, v->man[m].bytes.len,
		    v->o->trust, &res, err)) != 0)
			goto out;
		if (rep->signer[0] == '\0') {
			snprintf(rep->signer, sizeof(rep->signer), "%s", res.signer);
			snprintf(rep->signing_time, sizeof(rep->signing_time), "%s", res.signing_time);
		}
		any_ts |= res.has_timestamp;
		if (res.sig_status != HOSO_CMS_VALID) {
			if (!done_sig)
				set_check(rep, HOSO_CHECK_SIGNATURE, HOSO_CHECK_FAILED, "%s: %s",
				    hoso_zipr_entry(v->zr, (size_t)idx)->label, res.sig_detail);
			done_sig = true;
			continue;
		}
		n_ok++;
		if (res.has_timestamp && !done_ts) {
			/* Check 5: the first token that is not valid, else the first signature's. */
			set_check(rep, HOSO_CHECK_TIMESTAMP, res.ts_status == HOSO_CMS_VALID ?
			    HOSO_CHECK_PASSED : res.ts_status == HOSO_CMS_INVALID ? HOSO_CHECK_FAILED :
			    HOSO_CHECK_INDETERMINATE, "%s", res.ts_detail);
			done_ts = res.ts_status != HOSO_CMS_VALID;
		}
		if (res.cert_status != HOSO_CMS_VALID && !done_cert) {
			set_check(rep, HOSO_CHECK_CERTIFICATE, res.cert_status == HOSO_CMS_INVALID ?
			    HOSO_CHECK_FAILED : HOSO_CHECK_INDETERMINATE, "%s", res.cert_detail);
			done_cert = true;
		} else if (!done_cert) {
			set_check(rep, HOSO_CHECK_CERTIFICATE, HOSO_CHECK_PASSED, "%s", res.cert_detail);
		}
		hoso_buf_addf(&each, err, _("; %s, signed %s by %s"), res.algorithm,
		    res.signing_time, res.signer);
		if (!done_sig)
			set_check(rep, HOSO_CHECK_SIGNATURE, HOSO_CHECK_PASSED, _("%zu signature(s)%s"),
			    n_ok, hoso_buf_str(&each));
	}
	if (rep->checks[HOSO_CHECK_SIGNATURE].status == HOSO_CHECK_SKIPPED)
		set_check(rep, HOSO_CHECK_SIGNATURE, HOSO_CHECK_FAILED, _("no signature could be "
		    "checked (no readable manifest)"));
	if (rep->checks[HOSO_CHECK_CERTIFICATE].status == HOSO_CHECK_SKIPPED)
		set_check(rep, HOSO_CHECK_CERTIFICATE, HOSO_CHECK_SKIPPED, _("not checked: no valid "
		    "signature"));
	if (!any_ts)
		set_check(rep, HOSO_CHECK_TIMESTAMP, HOSO_CHECK_SKIPPED, _("none (CAdES-B-B)"));
	else if (rep->checks[HOSO_CHECK_TIMESTAMP].status == HOSO_CHECK_SKIPPED)
		set_check(rep, HOSO_CHECK_TIMESTAMP, HOSO_CHECK_SKIPPED, _("not checked: no valid "
		    "signature"));
out:
	hoso_buf_free(&sig);
	hoso_buf_free(&each);
	return r;
}

static bool
oxum(const char *info, unsigned long long *octets, unsigned long long *count)
{
	const char *p = strstr(info, "Payload-Oxum:");

	if (p == NULL || (p != info && p[-1] != '\n'))
		return false;
	return sscanf(p + 13, " %llu.%llu", octets, count) == 2;
}

/* Check 6: RFC 8493 3 (validity of a bag), with the digests of the streaming pass. */
static void
check_bagit(struct vctx *v)
{
	struct hoso_verify_report *rep = v->rep;
	struct hoso_bagit_manifest man = { NULL, 0 }, tag = { NULL, 0 };
	struct hoso_bagit_entry *be;
	struct hoso_buf lab = HOSO_BUF_INIT(0);
	unsigned long long octets = 0, count = 0, o_want, c_want;
	char hex[HOSO_SHA256_HEX];
	struct hoso_err e;
	size_t i, n_payload = 0;
	long idx;

	if (v->tag_idx[TAG_BAGIT] < 0 ||
	    strcmp(hoso_buf_str(&v->tags[TAG_BAGIT]), HOSO_BAGIT_DECLARATION) != 0) {
		set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, _("bagit.txt missing or not the "
		    "BagIt 1.0 declaration"));
		goto out;
	}
	if (v->tag_idx[TAG_MANIFEST] < 0) {
		set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, _("manifest-sha256.txt missing"));
		goto out;
	}
	hoso_buf_addf(&lab, &e, "%s:manifest-sha256.txt", rep->archive);
	if (hoso_bagit_parse(v->tags[TAG_MANIFEST].data, v->tags[TAG_MANIFEST].len,
	    hoso_buf_str(&lab), 64, &man, &e) != 0) {
		set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, "%s", e.msg);
		goto out;
	}
	for (i = 0; i < man.n; i++) {
		if (strncmp(man.e[i].path, "data/", 5) != 0 ||
		    (idx = hoso_zipr_find(v->zr, man.e[i].path)) < 0) {
			set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, _("manifest-sha256.txt "
			    "lists %s, which is not a payload file of the bag"), man.e[i].path);
			goto out;
		}
		hoso_digest_hex(v->dg[idx].sha256, 32, hex);
		if (strcmp(hex, man.e[i].hex) != 0) {
			set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, _("the SHA-256 of %s does "
			    "not match manifest-sha256.txt"), man.e[i].path);
			goto out;
		}
	}
	for (i = 0; i < v->n; i++) {
		const struct hoso_zip_entry *ze = hoso_zipr_entry(v->zr, i);
		if (strncmp(ze->name, "data/", 5) != 0)
			continue;
		n_payload++;
		octets += ze->usize;
		if (hoso_bagit_find(&man, ze->name) == NULL) {
			set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, _("payload file %s is not in "
			    "manifest-sha256.txt"), ze->label);
			goto out;
		}
	}
	count = n_payload;
	if (v->tag_idx[TAG_INFO] >= 0 && oxum(hoso_buf_str(&v->tags[TAG_INFO]), &o_want, &c_want) &&
	    (o_want != octets || c_want != count)) {
		set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, _("Payload-Oxum says %llu.%llu, "
		    "the payload is %llu.%llu"), o_want, c_want, octets, count);
		goto out;
	}
	if (v->tag_idx[TAG_TAGMANIFEST] >= 0) {
		hoso_buf_reset(&lab);
		hoso_buf_addf(&lab, &e, "%s:tagmanifest-sha256.txt", rep->archive);
		if (hoso_bagit_parse(v->tags[TAG_TAGMANIFEST].data, v->tags[TAG_TAGMANIFEST].len,
		    hoso_buf_str(&lab), 64, &tag, &e) != 0) {
			set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, "%s", e.msg);
			goto out;
		}
		for (i = 0; i < tag.n; i++) {
			be = &tag.e[i];
			if (strncmp(be->path, "data/", 5) == 0 ||
			    (idx = hoso_zipr_find(v->zr, be->path)) < 0 || !v->dg[idx].done) {
				set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, _("tagmanifest-"
				    "sha256.txt lists %s, which is not a tag file of the bag"), be->path);
				goto out;
			}
			hoso_digest_hex(v->dg[idx].sha256, 32, hex);
			if (strcmp(hex, be->hex) != 0) {
				set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_FAILED, _("the SHA-256 of %s "
				    "does not match tagmanifest-sha256.txt"), be->path);
				goto out;
			}
		}
	}
	set_check(rep, HOSO_CHECK_BAGIT, HOSO_CHECK_PASSED, _("BagIt 1.0; %zu payload files, "
	    "%llu bytes, all in manifest-sha256.txt with matching digests; tag manifest %s"),
	    n_payload, octets, v->tag_idx[TAG_TAGMANIFEST] >= 0 ? _("right") : _("absent"));
out:
	hoso_bagit_free(&man);
	hoso_bagit_free(&tag);
	hoso_buf_free(&lab);
}

/* Open one directory level below dirfd without following a symbolic link, creating it. */
static int
sub_dir(int dirfd, const char *name, const char *label, struct hoso_err *err)
{
	int fd;

	if (mkdirat(dirfd, name, 0777) != 0 && errno != EEXIST)
		return hoso_err_sys(err, errno, _("%s: cannot create directory"), label);
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return hoso_err_sys(err, errno, _("%s: cannot open directory (a symbolic link?)"),
		    label);
	return fd;
}

/*
 * Write every entry under dir. Names were checked by the reader (relative, no
 * '..', no backslash); each level is opened with O_NOFOLLOW and each file
 * created with O_EXCL, so nothing lands outside dir or overwrites a file,
 * whatever dir held before. Each file's SHA-256 must be the one verified.
 */
static int
extract(struct vctx *v, const char *dir, struct hoso_err *err)
{
	struct hoso_buf part = HOSO_BUF_INIT(0), path = HOSO_BUF_INIT(0);
	unsigned char before[32];
	const char *name, *slash;
	size_t i;
	int root = -1, dfd = -1, fd = -1, r = 0, nfd;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		r = hoso_err_sys(err, errno, _("%s: cannot create directory"), dir);
		goto out;
	}
	if ((root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open directory"), dir);
		goto out;
	}
	for (i = 0; i < v->n; i++) {
		name = hoso_zipr_entry(v->zr, i)->name;
		hoso_buf_reset(&path);
		if ((r = hoso_file_join(&path, dir, name, err)) != 0)
			goto out;
		if ((dfd = dup(root)) < 0) {
			r = hoso_err_sys(err, errno, _("%s: cannot open directory"), dir);
			goto out;
		}
		while ((slash = strchr(name, '/')) != NULL) {
			hoso_buf_reset(&part);
			if ((r = hoso_buf_add(&part, name, (size_t)(slash - name), err)) != 0)
				goto out;
			if ((nfd = sub_dir(dfd, hoso_buf_str(&part), hoso_buf_str(&path), err)) < 0) {
				r = nfd;
				goto out;
			}
			close(dfd);
			dfd = nfd;
			name = slash + 1;
		}
		if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0644)) < 0) {
			r = hoso_err_sys(err, errno, _("%s: cannot create"), hoso_buf_str(&path));
			goto out;
		}
		memcpy(before, v->dg[i].sha256, sizeof(before));
		if ((r = stream_entry(v, i, NULL, fd, hoso_buf_str(&path), err)) != 0 ||
		    memcmp(before, v->dg[i].sha256, sizeof(before)) != 0) {
			if (r == 0)
				r = hoso_err_set(err, HOSO_EINPUT, _("%s: changed since it was "
				    "verified"), hoso_buf_str(&path));
			unlinkat(dfd, name, 0);
			goto out;
		}
		if (fsync(fd) != 0 || close(fd) != 0) {
			fd = -1;
			r = hoso_err_sys(err, errno, _("%s: cannot write"), hoso_buf_str(&path));
			goto out;
		}
		fd = -1;
		close(dfd);
		dfd = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (root >= 0)
		close(root);
	hoso_buf_free(&part);
	hoso_buf_free(&path);
	return r;
}

static bool
starts_like_zip(const char *path)
{
	unsigned char b[4];
	bool yes = false;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	yes = read(fd, b, 4) == 4 && memcmp(b, "PK\3\4", 4) == 0;
	close(fd);
	return yes;
}

int
hoso_verify_archive(const char *path, const struct hoso_verify_opts *o,
    struct hoso_verify_report *rep, struct hoso_err *err)
{
	struct hoso_buf lab = HOSO_BUF_INIT(0);
	struct vctx v;
	struct hoso_err e;
	size_t i, t;
	int k, r = 0;

	memset(rep, 0, sizeof(*rep));
	memset(&v, 0, sizeof(v));
	v.o = o;
	v.rep = rep;
	for (t = 0; t < N_TAGS; t++) {
		hoso_buf_init(&v.tags[t], MAX_TAGFILE);
		v.tag_idx[t] = -1;
	}
	for (k = 0; k < HOSO_VERIFY_N_CHECKS; k++)
		set_check(rep, k, HOSO_CHECK_SKIPPED, "%s", _("not run"));
	if ((r = hoso_utf8_label(path, strlen(path), &lab, err)) != 0)
		goto out;
	rep->archive = hoso_buf_detach(&lab, NULL);
	rep->result = HOSO_VERIFY_INVALID;

	/* 1. Container. A file we cannot read at all is an error, not a verdict. */
	hoso_err_clear(&e);
	if ((k = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		hoso_err_sys(&rep->err, errno, _("%s: cannot open"), rep->archive);
		set_check(rep, HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, "%s", rep->err.msg);
		rep->result = HOSO_VERIFY_ERROR;
		goto done;
	}
	close(k);
	if (hoso_zipr_open(path, &o->limits, &v.zr, &e) != 0) {
		set_check(rep, HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, "%s", e.msg);
		if (e.code != HOSO_EINPUT) {
			rep->result = HOSO_VERIFY_ERROR;
			rep->err = e;
		} else if (!starts_like_zip(path)) {
			rep->result = HOSO_VERIFY_NOT_CONTAINER;
		}
		goto done;
	}
	v.n = hoso_zipr_count(v.zr);
	rep->n_entries = v.n;
	if ((v.dg = calloc(v.n, sizeof(*v.dg))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = check_mimetype(&v, err)) != 0)
		goto out;
	if (!v.readable)
		goto done;

	/* 2. Manifests, then one streaming pass over every entry. */
	load_manifests(&v);
	for (i = 0; i < v.n; i++) {
		const char *name = hoso_zipr_entry(v.zr, i)->name;
		struct hoso_buf *keep = NULL;
		for (t = 0; t < N_TAGS; t++)
			if (strcmp(name, tag_names[t]) == 0) {
				keep = &v.tags[t];
				v.tag_idx[t] = (long)i;
			}
		if (stream_entry(&v, i, keep, -1, NULL, &e) != 0) {
			if (e.code != HOSO_EINPUT) {
				r = hoso_err_set(err, e.code, "%s", e.msg);
				goto out;
			}
			set_check(rep, HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, "%s", e.msg);
			goto done;
		}
	}
	compare_manifests(&v);

	/* 3, 4, 5. Signatures, certificates, timestamps. */
	if ((r = check_signatures(&v, err)) != 0)
		goto out;

	/* 6. BagIt. */
	check_bagit(&v);
done:
	hoso_verify_decide(rep);
	if (rep->result == HOSO_VERIFY_VALID && o->extract_dir != NULL &&
	    (r = extract(&v, o->extract_dir, err)) != 0)
		rep->err = *err;
out:
	if (r != 0 && rep->err.code == 0) {
		rep->err = *err;
		rep->result = HOSO_VERIFY_ERROR;
		rep->reason = HOSO_VERIFY_REASON_ERR;
	}
	for (i = 0; i < v.n_man; i++) {
		hoso_buf_free(&v.man[i].bytes);
		hoso_asic_manifest_free(&v.man[i].m);
	}
	free(v.man);
	for (t = 0; t < N_TAGS; t++)
		hoso_buf_free(&v.tags[t]);
	free(v.dg);
	hoso_zipr_free(v.zr);
	hoso_buf_free(&lab);
	return r;
}

/* What one input gave: an archive one report, a PDF one per signature. */
struct input {
	struct hoso_verify_report *reps;
	size_t n;
	int r;				/* a failure of the run itself */
	struct hoso_err err;
};

struct pool {
	const char *const *paths;
	size_t n, next;
	const struct hoso_verify_opts *o;
	struct input *in;
	pthread_mutex_t lock;
};

/* True when the file at path starts like a PDF (ISO 32000-1 7.5.2, as hoso_pdf_is reads it). */
static bool
starts_like_pdf(const char *path)
{
	unsigned char head[1024];
	ssize_t got;
	bool yes;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	got = read(fd, head, sizeof(head));
	yes = got > 0 && hoso_pdf_is(head, (size_t)got);
	close(fd);
	return yes;
}

static void
verify_input(const char *path, const struct hoso_verify_opts *o, struct input *in)
{
	struct hoso_err e;

	if (starts_like_pdf(path)) {
		in->r = hoso_pades_verify_or_error(path, NULL, o->trust, &in->reps, &in->n,
		    &in->err);
		return;
	}
	if ((in->reps = calloc(1, sizeof(*in->reps))) == NULL) {
		in->r = hoso_err_set(&in->err, HOSO_EIO, _("out of memory"));
		return;
	}
	in->n = 1;
	/* what went wrong is the report's (HOSO_VERIFY_ERROR and its err) */
	hoso_err_clear(&e);
	hoso_verify_archive(path, o, in->reps, &e);
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		verify_input(p->paths[i], p->o, &p->in[i]);
	}
}

/* Run the pool over p's inputs with up to jobs threads (one: in this thread). */
static int
run_pool(struct pool *p, size_t jobs, struct hoso_err *err)
{
	pthread_t *th = NULL;
	size_t i, started = 0;
	int r = 0;

	if (jobs > p->n)
		jobs = p->n;
	if (jobs <= 1) {
		worker(p);
		return 0;
	}
	hoso_xml_init();
	if ((th = calloc(jobs, sizeof(*th))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (i = 0; i < jobs; i++) {
		if (pthread_create(&th[i], NULL, worker, p) != 0) {
			r = hoso_err_set(err, HOSO_EIO, _("cannot start a worker thread"));
			break;
		}
		started++;
	}
	if (started == 0)
		worker(p);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	return started > 0 || r == 0 ? 0 : r;
}

int
hoso_verify_run(const char *const *paths, size_t n, const struct hoso_verify_opts *o,
    struct hoso_verify_report **repsp, size_t *n_repsp, struct hoso_err *err)
{
	struct pool p = { paths, n, 0, o, NULL, PTHREAD_MUTEX_INITIALIZER };
	struct hoso_verify_report *reps = NULL;
	size_t n_reps = 0, i, k;
	int r;

	*repsp = NULL;
	*n_repsp = 0;
	if ((p.in = calloc(n > 0 ? n : 1, sizeof(*p.in))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	/* Extraction writes: keep it to one archive at a time, in order. */
	if ((r = run_pool(&p, o->extract_dir != NULL || o->jobs < 1 ? 1 : (size_t)o->jobs,
	    err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (p.in[i].r != 0) {
			*err = p.in[i].err;
			r = p.in[i].r;
			goto out;
		}
		n_reps += p.in[i].n;
	}
	if ((reps = calloc(n_reps > 0 ? n_reps : 1, sizeof(*reps))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* in the order of paths; a report moves as it is (it points nowhere into itself) */
	for (i = 0, n_reps = 0; i < n; i++) {
		for (k = 0; k < p.in[i].n; k++) {
			reps[n_reps] = p.in[i].reps[k];
			reps[n_reps++].input = i;
		}
		free(p.in[i].reps);
		p.in[i].reps = NULL;
		p.in[i].n = 0;
	}
	*repsp = reps;
	*n_repsp = n_reps;
out:
	for (i = 0; i < n; i++)
		hoso_verify_reports_free(p.in[i].reps, p.in[i].n);
	free(p.in);
	return r;
}

static const char *
status_id(int st)
{
	return st == HOSO_CHECK_PASSED ? "passed" : st == HOSO_CHECK_FAILED ? "failed" :
	    st == HOSO_CHECK_INDETERMINATE ? "indeterminate" : "skipped";
}

/* A PDF signature's changes after signing (pdfdiff.c), those not permitted first. */
static int
changes_xml(struct hoso_xmlw *w, const struct hoso_verify_report *rep, struct hoso_err *err)
{
	const struct hoso_verify_change *c;
	size_t i;
	int r = 0;

	for (i = 0; i < rep->n_changes && r == 0; i++) {
		c = &rep->changes[i];
		if ((r = hoso_xmlw_start(w, "change", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "kind", c->kind, err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "permitted", c->permitted ? "true" : "false",
		    err)) != 0 ||
		    (c->id > 0 && (r = hoso_xmlw_attrf(w, err, "object", "%d %d", c->id,
		    c->gen)) != 0) ||
		    (c->page > 0 && (r = hoso_xmlw_attrf(w, err, "page", "%d", c->page)) != 0) ||
		    (r = hoso_xmlw_text(w, c->detail, err)) != 0)
			break;
		r = hoso_xmlw_end(w, err);
	}
	return r;
}

/* Text for XML: messages may quote bytes from the archive, already made printable. */
int
hoso_verify_report_xml(const struct hoso_verify_report *reps, size_t n, struct hoso_buf *out,
    struct hoso_err *err)
{
	struct hoso_xmlw *w = NULL;
	size_t i;
	int k, r;

	if ((r = hoso_xmlw_new(&w, err)) != 0)
		goto out;
	if ((r = hoso_xmlw_start(w, "verify-report", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "version", "1", err)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		const struct hoso_verify_report *rep = &reps[i];
		if ((r = hoso_xmlw_start(w, "archive", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "path", rep->archive ? rep->archive : "", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "result", hoso_verify_result_id(rep->result), err)) != 0 ||
		    (hoso_verify_reason(rep) != NULL && rep->result != HOSO_VERIFY_VALID &&
		    (r = hoso_xmlw_attr(w, "reason", hoso_verify_reason(rep), err)) != 0) ||
		    (rep->signer[0] != '\0' &&
		    (r = hoso_xmlw_attr(w, "signer", rep->signer, err)) != 0) ||
		    (rep->signing_time[0] != '\0' &&
		    (r = hoso_xmlw_attr(w, "signing-time", rep->signing_time, err)) != 0) ||
		    (rep->kind != NULL && (r = hoso_xmlw_attr(w, "kind", rep->kind, err)) != 0))
			goto out;
		for (k = 0; k < HOSO_VERIFY_N_CHECKS; k++) {
			if ((r = hoso_xmlw_start(w, "check", err)) != 0 ||
			    (r = hoso_xmlw_attrf(w, err, "n", "%d", k + 1)) != 0 ||
			    (r = hoso_xmlw_attr(w, "name", hoso_verify_check_id(k), err)) != 0 ||
			    (r = hoso_xmlw_attr(w, "status", status_id(rep->checks[k].status),
			    err)) != 0 ||
			    (r = hoso_xmlw_text(w, rep->checks[k].detail, err)) != 0 ||
			    (r = hoso_xmlw_end(w, err)) != 0)
				goto out;
		}
		if ((r = changes_xml(w, rep, err)) != 0)
			goto out;
		if ((r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	r = hoso_xmlw_finish(w, out, err);
out:
	hoso_xmlw_free(w);
	return r;
}
