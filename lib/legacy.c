/* legacy.c - Windows-1258, TCVN3 and VNI text to UTF-8, and telling which one a file is (legacy.h). */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"
#include "legacy.h"
#include "utf8.h"
#include "validate.h"

#define SAMPLE_MAX	(1u << 20)	/* bytes looked at to tell the encoding */
/* Fewer words with a letter outside ASCII than this tell nothing (a stray bad byte). */
#define MIN_WORDS	5
#define CHUNK		(1u << 16)

int
hoso_legacy_parse(const char *name, int *enc)
{
	static const struct {
		const char *name;
		int enc;
	} names[] = {
		{ "auto", HOSO_ENC_AUTO }, { "utf-8", HOSO_ENC_UTF8 }, { "utf8", HOSO_ENC_UTF8 },
		{ "windows-1258", HOSO_ENC_CP1258 }, { "cp1258", HOSO_ENC_CP1258 },
		{ "tcvn3", HOSO_ENC_TCVN3 }, { "tcvn", HOSO_ENC_TCVN3 },
		{ "tcvn5712-1", HOSO_ENC_TCVN3 }, { "vni", HOSO_ENC_VNI },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0) {
			*enc = names[i].enc;
			return 0;
		}
	return HOSO_EUSAGE;
}

const char *
hoso_legacy_name(int enc)
{
	switch (enc) {
	case HOSO_ENC_UTF8: return "UTF-8";
	case HOSO_ENC_CP1258: return "Windows-1258";
	case HOSO_ENC_TCVN3: return "TCVN3";
	case HOSO_ENC_VNI: return "VNI";
	default: return "auto";
	}
}

/* Both single-byte tables are glibc's: CP1258 (with combining tone marks) and TCVN5712-1. */
static int
decode_iconv(const char *from, const char *in, size_t n, struct hoso_buf *out,
    struct hoso_err *err)
{
	char buf[CHUNK], *ip = (char *)in, *op;
	size_t il = n, ol;
	iconv_t cd;
	int r = 0;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
		return hoso_err_sys(err, errno, _("no %s converter"), from);
	while (r == 0 && il > 0) {
		op = buf;
		ol = sizeof(buf);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != E2BIG) {
			/* A byte the table has no character for: kept visible, never dropped. */
			if ((r = hoso_buf_add(out, buf, (size_t)(op - buf), err)) == 0)
				r = hoso_buf_adds(out, "\xef\xbf\xbd", err);
			ip++;
			il--;
			continue;
		}
		r = hoso_buf_add(out, buf, (size_t)(op - buf), err);
	}
	/* The converters hold the last letter back for a combining mark: let it out. */
	op = buf;
	ol = sizeof(buf);
	if (r == 0 && iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		r = hoso_buf_add(out, buf, (size_t)(op - buf), err);
	iconv_close(cd);
	return r;
}

/*
 * VNI: a base letter, then bytes that stand for its marks ("Vie\xe4t" is
 * Việt); a few letters are one byte (ô ơ, ö ư, ñ đ, í ì æ ó ò the i's, î ỵ).
 * Marks are written as combining characters and composed by NFC.
 */
enum {
	M_ACUTE = 0x0301, M_GRAVE = 0x0300, M_HOOK = 0x0309, M_TILDE = 0x0303, M_DOT = 0x0323,
	M_CIRC = 0x0302, M_BREVE = 0x0306, M_HORN = 0x031b,
};

static int
tone_of(unsigned char b)
{
	switch (b | 0x20) {	/* the capital mark bytes are the small ones less 0x20 */
	case 0xf9: return M_ACUTE;
	case 0xf8: return M_GRAVE;
	case 0xfb: return M_HOOK;
	case 0xf5: return M_TILDE;
	case 0xef: return M_DOT;
	default: return 0;
	}
}

/* A circumflex (with a tone) after a, e, o; a breve (with a tone) after a. */
static bool
vowel_marks(unsigned char base, unsigned char b, int *m1, int *m2)
{
	static const int tones[] = { 0, M_ACUTE, M_GRAVE, M_HOOK, M_TILDE, M_DOT };
	static const unsigned char circ[] = { 0xe2, 0xe1, 0xe0, 0xe5, 0xe3, 0xe4 };
	static const unsigned char breve[] = { 0xea, 0xe9, 0xe8, 0xfa, 0xfc, 0xeb };
	unsigned char lb = (unsigned char)(b | 0x20), lbase = (unsigned char)(base | 0x20);
	size_t i;

	for (i = 0; i < 6; i++) {
		if ((lbase == 'a' || lbase == 'e' || lbase == 'o') && lb == circ[i]) {
			*m1 = M_CIRC;
			*m2 = tones[i];
			return true;
		}
		if (lbase == 'a' && lb == breve[i]) {
			*m1 = M_BREVE;
			*m2 = tones[i];
			return true;
		}
	}
	return false;
}

static int
add_cp(struct hoso_buf *b, uint32_t c, struct hoso_err *err)
{
	char u[4];
	int n;

	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	}
	return hoso_buf_add(b, u, (size_t)n, err);
}

static int
decode_vni(const unsigned char *in, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	size_t i = 0;
	int r = 0, m1, m2, t;

	while (r == 0 && i < n) {
		unsigned char b = in[i++], lb = (unsigned char)(b | 0x20);
		bool vowel = strchr("aeouy", lb) != NULL && b < 0x80, tone_ok = vowel;

		m1 = m2 = 0;
		if (b < 0x80) {
			r = add_cp(out, b, err);
		} else if (lb == 0xf4 || lb == 0xf6) {	/* ô ơ, ö ư */
			r = add_cp(out, (b & 0x20 ? 0x60 : 0x40) + (lb == 0xf4 ? 0x0f : 0x15), err);
			if (r == 0)
				r = add_cp(out, M_HORN, err);
			tone_ok = true;
		} else if (lb == 0xf1) {		/* ñ đ */
			r = add_cp(out, b & 0x20 ? 0x0111 : 0x0110, err);
		} else if (lb == 0xed || lb == 0xec || lb == 0xe6 || lb == 0xf3 || lb == 0xf2) {
			r = add_cp(out, b & 0x20 ? 'i' : 'I', err);
			if (r == 0)
				r = add_cp(out, lb == 0xed ? M_ACUTE : lb == 0xec ? M_GRAVE :
				    lb == 0xe6 ? M_HOOK : lb == 0xf3 ? M_TILDE : M_DOT, err);
		} else if (lb == 0xee) {		/* î ỵ */
			r = add_cp(out, b & 0x20 ? 'y' : 'Y', err);
			if (r == 0)
				r = add_cp(out, M_DOT, err);
		} else {
			/* Anything else: as Windows-1252 shows it (a sign the file is no VNI). */
			r = add_cp(out, b, err);
		}
		if (r != 0 || i >= n || !tone_ok)
			continue;
		if (vowel && vowel_marks(b, in[i], &m1, &m2)) {
			i++;
			if ((r = add_cp(out, (uint32_t)m1, err)) == 0 && m2 != 0)
				r = add_cp(out, (uint32_t)m2, err);
		} else if ((t = tone_of(in[i])) != 0) {
			i++;
			r = add_cp(out, (uint32_t)t, err);
		}
	}
	return r;
}

int
hoso_legacy_decode(int enc, const char *in, size_t n, struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_buf raw = HOSO_BUF_INIT(0);
	int r;

	switch (enc) {
	case HOSO_ENC_CP1258:
		r = decode_iconv("CP1258", in, n, &raw, err);
		break;
	case HOSO_ENC_TCVN3:
		r = decode_iconv("TCVN5712-1", in, n, &raw, err);
		break;
	case HOSO_ENC_VNI:
		r = decode_vni((const unsigned char *)in, n, &raw, err);
		break;
	default:
		return hoso_err_set(err, HOSO_EUSAGE, _("not a legacy encoding"));
	}
	if (r == 0 && raw.len > 0)
		r = hoso_utf8_nfc(raw.data, raw.len, out, err);
	hoso_buf_free(&raw);
	return r;
}

/* Of the words of text with a letter outside ASCII, how many are Vietnamese syllables. */
static void
score(const char *s, size_t n, size_t *words, size_t *good)
{
	size_t i = 0, start;
	uint32_t c;
	int len;
	bool wide;

	*words = *good = 0;
	while (i < n) {
		start = i;
		wide = false;
		while (i < n && (len = hoso_utf8_decode(s + i, n - i, &c)) > 0 &&
		    hoso_utf8_is_letter(c)) {
			wide = wide || c >= 0x80;
			i += (size_t)len;
		}
		if (i > start && wide) {
			(*words)++;
			*good += hoso_validate_syllable(s + start, i - start);
		}
		if (i == start) {
			len = hoso_utf8_decode(s + i, n - i, &c);
			i += (size_t)(len > 0 ? len : 1);
		}
	}
}

int
hoso_legacy_detect(const char *sample, size_t n, const char *label, int *enc,
    struct hoso_err *err)
{
	static const int encs[] = { HOSO_ENC_CP1258, HOSO_ENC_TCVN3, HOSO_ENC_VNI };
	struct hoso_buf text = HOSO_BUF_INIT(0);
	size_t words[3], good[3], i, fits = 0, most = 0;
	int r = 0;

	for (i = 0; i < 3; i++) {
		hoso_buf_reset(&text);
		if ((r = hoso_legacy_decode(encs[i], sample, n, &text, err)) != 0)
			goto out;
		score(hoso_buf_str(&text), text.len, &words[i], &good[i]);
		if (words[i] > most)
			most = words[i];
		if (words[i] >= MIN_WORDS && good[i] * 10 >= words[i] * 9) {
			fits++;
			*enc = encs[i];
		}
	}
	if (fits == 0 && most < MIN_WORDS)
		r = HOSO_ENO;	/* too little text outside ASCII to tell: the caller's to say */
	else if (fits == 0)
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not UTF-8, and no reading of it is "
		    "Vietnamese (Vietnamese words as Windows-1258 %zu of %zu, TCVN3 %zu of %zu, VNI "
		    "%zu of %zu); say which with --encoding"), label, good[0], words[0], good[1],
		    words[1], good[2], words[2]);
	else if (fits > 1)
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not UTF-8, and more than one reading of "
		    "it is Vietnamese (Vietnamese words as Windows-1258 %zu of %zu, TCVN3 %zu of %zu, "
		    "VNI %zu of %zu); say which with --encoding"), label, good[0], words[0], good[1],
		    words[1], good[2], words[2]);
out:
	hoso_buf_free(&text);
	return r;
}

/* The longest prefix of s[0..n) that is whole UTF-8 (a sample may end inside a character). */
static bool
sample_utf8(const char *s, size_t n)
{
	size_t k = n, back = 0;

	while (k > 0 && back < 3 && ((unsigned char)s[k - 1] & 0xc0) == 0x80) {
		k--;
		back++;
	}
	if (k > 0 && (unsigned char)s[k - 1] >= 0xc0)
		k--;
	return hoso_utf8_valid(s, n == SAMPLE_MAX ? k : n);
}

int
hoso_legacy_fd(int fd, const char *label, int enc, int *out_fd, int *used, struct hoso_err *err)
{
	struct hoso_buf text = HOSO_BUF_INIT(0);
	const char *dir = getenv("TMPDIR");
	char *buf = NULL, *nl;
	ssize_t got;
	off_t at = 0;
	size_t n = 0, done;
	int tmp = -1, r = 0;

	*out_fd = fd;
	*used = HOSO_ENC_UTF8;
	if (enc == HOSO_ENC_UTF8 || (enc == HOSO_ENC_AUTO && lseek(fd, 0, SEEK_CUR) < 0))
		return 0;
	if (lseek(fd, 0, SEEK_CUR) < 0)
		return hoso_err_set(err, HOSO_EUSAGE, _("%s: a register in %s must be a file, not "
		    "a pipe"), label, hoso_legacy_name(enc));
	if ((buf = malloc(SAMPLE_MAX)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	while (n < SAMPLE_MAX && (got = pread(fd, buf + n, SAMPLE_MAX - n, (off_t)n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = hoso_err_sys(err, errno, _("%s: cannot read"), label);
			goto out;
		}
		n += (size_t)got;
	}
	/* A workbook (a ZIP) holds its own UTF-8. */
	if (n >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0)
		goto out;
	if (enc == HOSO_ENC_AUTO) {
		if (sample_utf8(buf, n))
			goto out;
		/* A stray bad byte in UTF-8 is no old encoding: the reader names its line. */
		if ((r = hoso_legacy_detect(buf, n, label, &enc, err)) == HOSO_ENO) {
			r = 0;
			goto out;
		}
		if (r != 0)
			goto out;
	}
	/* The file whole, chunk by chunk; all three are one byte a character but VNI's marks. */
	if ((tmp = open(dir != NULL && *dir != '\0' ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC,
	    0600)) < 0) {
		r = hoso_err_sys(err, errno, _("%s: no temporary file for the UTF-8 copy"), label);
		goto out;
	}
	for (;;) {
		got = pread(fd, buf, SAMPLE_MAX, at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = hoso_err_sys(err, errno, _("%s: cannot read"), label);
			goto out;
		}
		if (got == 0)
			break;
		/*
		 * A letter's marks follow it (Windows-1258, VNI): a full chunk ends
		 * after its last line, so that no letter is cut from its marks.
		 */
		n = (size_t)got;
		if (n == SAMPLE_MAX && (nl = memrchr(buf, '\n', n)) != NULL)
			n = (size_t)(nl - buf) + 1;
		hoso_buf_reset(&text);
		if ((r = hoso_legacy_decode(enc, buf, n, &text, err)) != 0)
			goto out;
		for (done = 0; done < text.len; done += (size_t)got)
			if ((got = write(tmp, text.data + done, text.len - done)) < 0) {
				r = hoso_err_sys(err, errno, _("%s: cannot write the UTF-8 copy"), label);
				goto out;
			}
		at += (off_t)n;
	}
	if (lseek(tmp, 0, SEEK_SET) != 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot read the UTF-8 copy"), label);
		goto out;
	}
	*out_fd = tmp;
	*used = enc;
	tmp = -1;
out:
	if (tmp >= 0)
		close(tmp);
	free(buf);
	hoso_buf_free(&text);
	return r;
}
