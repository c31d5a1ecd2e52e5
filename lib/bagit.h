/* bagit.h - BagIt v1.0 tag files (RFC 8493) of a signed dossier archive: writing and reading. */
#ifndef HOSO_BAGIT_H
#define HOSO_BAGIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* RFC 8493 2.1.1: the whole of bagit.txt, byte for byte. */
#define HOSO_BAGIT_DECLARATION "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

/* bag-info.txt (RFC 8493 2.2.2): Bagging-Date, Payload-Oxum, External-Identifier, agent. */
int hoso_bagit_info(const char *bagging_date, uint64_t octets, size_t n_files,
    const char *external_id, struct hoso_buf *out, struct hoso_err *err);

/* Append one manifest line "HEX  PATH\n" (RFC 8493 2.1.3), PATH percent-encoded. */
int hoso_bagit_line(struct hoso_buf *out, const char *hex, const char *path, struct hoso_err *err);
/* The length of that line, for space reserved before the digest is known. */
size_t hoso_bagit_line_len(size_t hex_len, const char *path);

struct hoso_bagit_entry {
	char *path;		/* decoded */
	char hex[129];		/* lowercase */
	int seen;		/* for the caller's bookkeeping */
};

struct hoso_bagit_manifest {
	struct hoso_bagit_entry *e;
	size_t n;
};

/*
 * Parse a manifest or tag manifest whose digests have hex_len hex digits;
 * paths that are absolute, climb with '..' or repeat are refused. label
 * names the file in messages.
 */
int hoso_bagit_parse(const char *data, size_t len, const char *label, size_t hex_len,
    struct hoso_bagit_manifest *m, struct hoso_err *err);
void hoso_bagit_free(struct hoso_bagit_manifest *m);
struct hoso_bagit_entry *hoso_bagit_find(const struct hoso_bagit_manifest *m, const char *path);

#endif
