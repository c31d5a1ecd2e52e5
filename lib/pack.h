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

#endif
