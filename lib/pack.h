/* pack.h - sign-pack: a dossier of the store into one signed <code>.asice (hoso-archive(5)). */
#ifndef HOSO_PACK_H
#define HOSO_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cms.h"
#include "err.h"

struct hoso_pack_opts {
	const char *dossier_dir;		/* STORE/<code> */
	const char *out;			/* the .asice to write (atomically) */
	time_t signing_time;			/* signing-time, entry timestamps, Bagging-Date */
	const struct hoso_cms_signer *signer;
	const char *digest;			/* "SHA256" (NULL), "SHA384", "SHA512" */
	bool pss;
	const char *tsa_url;			/* RFC 3161 time-stamp authority; NULL: none */
};

struct hoso_pack_result {
	size_t n_files;				/* payload files */
	uint64_t octets;			/* payload bytes */
};

/*
 * Read STORE/<code>/dossier.xml once, and write the archive in one pass over
 * the files it lists: mimetype, BagIt tag files, data/..., the ASiC manifest
 * and its CAdES signature (archive.md "Layout"). Every payload file is read
 * once, hashed and deflated as it streams; the BagIt manifests, which come
 * before the payload, are reserved and filled in when its digests are known.
 */
int hoso_pack_dossier(const struct hoso_pack_opts *o, struct hoso_pack_result *res,
    struct hoso_err *err);

struct hoso_pack_add_opts {
	const char *archive;			/* a signed archive */
	const char *out;			/* where the countersigned one goes; may be archive */
	time_t signing_time;			/* signing-time and the new entries' timestamps */
	const struct hoso_cms_signer *signer;
	const char *digest;			/* "SHA256" (NULL), "SHA384", "SHA512" */
	bool pss;
	const char *tsa_url;			/* RFC 3161 time-stamp authority, or NULL */
};

struct hoso_pack_add_result {
	size_t n_objects;			/* data objects the new manifest references */
	char manifest[40];			/* META-INF/ASiCManifestNNN.xml */
	char signature[40];			/* META-INF/signatureNNN.p7s */
};

/*
 * Countersign (archive.md "Layout" 4-5, EN 319 162-1 4.4.3): check the
 * archive as verify does (without trust anchors; anything proven wrong is
 * refused, HOSO_EINPUT), then write it again with every entry copied byte for
 * byte, followed by a new manifest that references the same data objects as
 * the first one and its CAdES signature, under the first free number NNN >= 002.
 */
int hoso_pack_add_signature(const struct hoso_pack_add_opts *o, struct hoso_pack_add_result *res,
    struct hoso_err *err);

#endif
