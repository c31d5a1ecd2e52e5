/*
 * legacy.h - Vietnamese text in the 8-bit encodings old exports still use: Windows-1258,
 * TCVN3 (TCVN 5712:1993, glibc's TCVN5712-1) and VNI (a base letter followed by mark bytes),
 * recognised by which reading gives Vietnamese words, and made UTF-8 (NFC).
 */
#ifndef HOSO_LEGACY_H
#define HOSO_LEGACY_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

enum hoso_legacy_enc {
	HOSO_ENC_AUTO = 0,	/* UTF-8 when valid, else the one legacy reading that is Vietnamese */
	HOSO_ENC_UTF8,
	HOSO_ENC_CP1258,
	HOSO_ENC_TCVN3,
	HOSO_ENC_VNI,
};

/* "auto", "utf-8", "windows-1258" (cp1258), "tcvn3" (tcvn), "vni"; HOSO_EUSAGE otherwise. */
int hoso_legacy_parse(const char *name, int *enc);
const char *hoso_legacy_name(int enc);

/* Append the UTF-8 (NFC) text of in[0..n) read as enc (not AUTO) to out. */
int hoso_legacy_decode(int enc, const char *in, size_t n, struct hoso_buf *out,
    struct hoso_err *err);

/*
 * The encoding of a sample of text that is not UTF-8: the one legacy reading
 * in which nine words in ten that have a letter outside ASCII are Vietnamese
 * syllables. HOSO_EINPUT (with the scores) when none or more than one is;
 * HOSO_ENO (no message) when fewer than five such words are there to tell.
 */
int hoso_legacy_detect(const char *sample, size_t n, const char *label, int *enc,
    struct hoso_err *err);

/*
 * A register file as UTF-8: with enc AUTO, fd itself when its first MiB is
 * UTF-8 (*out_fd = fd, *used = UTF8); otherwise the file is read as the
 * detected (or given) encoding into an unlinked temporary file, *out_fd (the
 * caller closes it), *used the encoding. fd must be seekable unless enc is
 * UTF8 or AUTO (a pipe is then taken as UTF-8).
 */
int hoso_legacy_fd(int fd, const char *label, int enc, int *out_fd, int *used,
    struct hoso_err *err);

#endif
