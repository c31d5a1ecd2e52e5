/* utf8.h - UTF-8 validation, NFC normalization (libunistring) and safe labels. */
#ifndef HOSO_UTF8_H
#define HOSO_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates). */
bool hoso_utf8_valid(const char *s, size_t n);

/* Append the NFC form of s[0..n) to out; HOSO_EINPUT when not UTF-8. */
int hoso_utf8_nfc(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err);

/*
 * Append the full Unicode case folding of s[0..n), normalized to NFC: two
 * names that fold to the same text are one file to a case-insensitive file
 * system (NTFS, APFS, exFAT). HOSO_EINPUT when s is not UTF-8.
 */
int hoso_utf8_casefold(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err);

/*
 * Append a printable label for bytes that came from outside (a file or member
 * name): valid UTF-8 is kept and NFC-normalized, every invalid byte and every
 * control character becomes \xNN, so a hostile name can neither break a
 * terminal nor an XML attribute.
 */
int hoso_utf8_label(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err);

/*
 * True when s holds a character XML 1.0 forbids (2.2): a C0 control other
 * than TAB, LF and CR (ESC among them, which a terminal would obey), U+FFFE
 * or U+FFFF.  The text table shows TAB, LF and CR escaped.
 */
bool hoso_utf8_has_control(const char *s);

/*
 * The columns s takes on a terminal: two for a wide (East Asian) character,
 * none for a combining mark or control character.
 */
size_t hoso_utf8_width(const char *s);

/*
 * Decode the code point at s[0..n) into *c and return its length in bytes
 * (1..4); an invalid or truncated sequence gives 1 and U+FFFD. n > 0.
 */
int hoso_utf8_decode(const char *s, size_t n, uint32_t *c);
/* c is a letter; a small letter (Unicode's properties). */
bool hoso_utf8_is_letter(uint32_t c);
bool hoso_utf8_is_lower(uint32_t c);

/*
 * The base letter of c for tolerant matching of printed labels: lower case
 * and without diacritics ("Ệ" and "ệ" give 'e', "Đ" gives 'd'); c's lower
 * case when it has no decomposition.
 */
uint32_t hoso_utf8_base_letter(uint32_t c);

/*
 * The next word of s[0..n) from *pos, for searching text as people type it:
 * a run of letters, digits and combining marks. Returns 0 when there is
 * none, a negative code on failure (memory); else 1 and sets [*start, *end) to its bytes in s, moves *pos past it and
 * puts in fold (reset first) its letters lower case without diacritics
 * (hoso_utf8_base_letter: "Nguyễn" and "NGUYÊ\u0303N" both give "nguyen")
 * and, when lower is not NULL, in lower its lower case, NFC ("nguyễn"), so
 * typed diacritics can count. Invalid bytes separate words.
 */
int hoso_utf8_word(const char *s, size_t n, size_t *pos, size_t *start, size_t *end,
    struct hoso_buf *fold, struct hoso_buf *lower, struct hoso_err *err);

/* Append the words of s[0..n) folded as hoso_utf8_word does, one space between them. */
int hoso_utf8_fold_words(const char *s, size_t n, struct hoso_buf *out, struct hoso_err *err);

#endif
