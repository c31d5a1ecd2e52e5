/*
 * pades.c - PAdES baselines B-B and B-T (ETSI EN 319 142-1) signing by incremental
 * update (ISO 32000-1 7.5.6) and the verification of every signature of a
 * PDF (12.8.1, 12.8.3.4). The input's structure comes from pdf.c, the
 * update is written by pdfupdate.c; what is here is the signature's
 * objects, its byte range and CMS. The file is hashed while it is copied
 * (or read, to verify), in blocks: memory stays flat in the file's size.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "date.h"
#include "digest.h"
#include "font.h"
#include "file.h"
#include "i18n.h"
#include "pades.h"
#include "pdf.h"
#include "pdfdiff.h"
#include "pdfupdate.h"
#include "pdfxref.h"
#include "sort.h"
#include "store.h"
#include "utf8.h"

#define PADES_BLOCK		(256 * 1024)
#define PADES_MAX_CMS		65536	/* bytes we reserve for our /Contents at most */
#define PADES_MARGIN		512	/* room over a trial signature (ECDSA varies) */
#define PADES_TS_MARGIN		1024	/* and over its token (serial, nonce, TSA signature vary) */
#define PADES_MAX_GAP		(4 << 20)	/* a /Contents string of other signers, at most */
#define PADES_RANGE_WIDTH	10	/* digits reserved for each /ByteRange number */

/* Where the signature dictionary left room in the update, filled in once the rest is written. */
struct sig_slots {
	size_t range_at;		/* offset of the /ByteRange numbers */
	size_t contents_at;		/* offset of '<' of /Contents */
	size_t contents_hex;		/* hex digits reserved */
};

/* The signature dictionary (12.8.1, EN 319 142-1 5.3) with room for its own ByteRange and CMS. */
static int
sig_object(struct hoso_pdfupdate *u, struct sig_slots *slots,
    const struct hoso_pades_sign_opts *o, long long id, size_t cms_room, struct hoso_err *err)
{
	char when[HOSO_DATE_PDF_SIZE];
	size_t i;
	int r;

	if (!hoso_date_pdf(o->signing_time, when))
		return hoso_err_set(err, HOSO_EUSAGE, _("signing time out of range"));
	if ((r = hoso_pdfupdate_obj(u, id, 0, err)) != 0 ||
	    (r = hoso_buf_adds(&u->text, "<< /Type /Sig /Filter /Adobe.PPKLite "
	    "/SubFilter /ETSI.CAdES.detached /ByteRange [0 ", err)) != 0)
		return r;
	slots->range_at = u->text.len;
	for (i = 0; i < 3 * (PADES_RANGE_WIDTH + 1); i++)
		if ((r = hoso_buf_addc(&u->text, ' ', err)) != 0)
			return r;
	if ((r = hoso_buf_adds(&u->text, "] /Contents ", err)) != 0)
		return r;
	slots->contents_at = u->text.len;
	slots->contents_hex = 2 * cms_room;
	if ((r = hoso_buf_addc(&u->text, '<', err)) != 0)
		return r;
	for (i = 0; i < slots->contents_hex; i++)
		if ((r = hoso_buf_addc(&u->text, '0', err)) != 0)
			return r;
	if ((r = hoso_buf_addf(&u->text, err, "> /M (%s)", when)) != 0)
		return r;
	if (o->reason != NULL && ((r = hoso_buf_adds(&u->text, " /Reason ", err)) != 0 ||
	    (r = hoso_pdfupdate_text_string(&u->text, o->reason, err)) != 0))
		return r;
	if (o->location != NULL && ((r = hoso_buf_adds(&u->text, " /Location ", err)) != 0 ||
	    (r = hoso_pdfupdate_text_string(&u->text, o->location, err)) != 0))
		return r;
	return hoso_buf_adds(&u->text, " >>\nendobj\n", err);
}

#define VIS_LINES	4
#define VIS_SIZE	8	/* font size, points */
#define VIS_LEADING	10
#define VIS_MAX_CHARS	60	/* per line; longer text is cut */

/* The value of attribute key (e.g. "CN") of an RFC 2253 name, unescaped, into out. */
static void
dn_part(const char *dn, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key), n = 0;
	const char *p = dn;

	out[0] = '\0';
	while (*p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			for (p += klen + 1; *p != '\0' && *p != ',' && n + 1 < size; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				out[n++] = *p;
			}
			out[n] = '\0';
			return;
		}
		for (; *p != '\0' && *p != ','; p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
		if (*p == ',')
			p++;
	}
}

/* One glyph of the appearance: its id, width and the character it shows. */
struct vis_glyph {
	unsigned gid;
	int width;
	unsigned long cp;
};

/*
 * The lines of a visible signature (EN 319 142-1 leaves the look to us): who
 * signed, for which unit, when, and why, in Vietnamese.
 */
static int
vis_lines(const struct hoso_pades_sign_opts *o, struct hoso_buf lines[VIS_LINES], int *n,
    struct hoso_err *err)
{
	struct hoso_buf name = HOSO_BUF_INIT(0);
	char cn[256], org[256], when[32];
	struct tm tm;
	time_t t = o->signing_time;
	int r;

	*n = 0;
	if ((r = hoso_cms_signer_name(o->signer, &name, err)) != 0)
		goto out;
	dn_part(hoso_buf_str(&name), "CN", cn, sizeof(cn));
	dn_part(hoso_buf_str(&name), "O", org, sizeof(org));
	if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
	    &tm) == 0) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("signing time out of range"));
		goto out;
	}
	if ((r = hoso_buf_addf(&lines[(*n)++], err, "Đã ký số bởi: %s", cn)) != 0 ||
	    (org[0] != '\0' && (r = hoso_buf_addf(&lines[(*n)++], err, "Đơn vị: %s", org)) != 0) ||
	    (r = hoso_buf_addf(&lines[(*n)++], err, "Thời gian: %s", when)) != 0 ||
	    (o->reason != NULL &&
	    (r = hoso_buf_addf(&lines[(*n)++], err, "Lý do: %s", o->reason)) != 0))
		goto out;
out:
	hoso_buf_free(&name);
	return r;
}

/* The glyphs of a line ('?' for what the font lacks), at most VIS_MAX_CHARS. */
static size_t
vis_shape(struct hoso_font *f, const char *text, struct vis_glyph *g)
{
	size_t len = strlen(text), at = 0, n = 0;
	uint32_t cp;

	while (at < len && n < VIS_MAX_CHARS) {
		at += (size_t)hoso_utf8_decode(text + at, len - at, &cp);
		g[n].cp = cp;
		if (!hoso_font_glyph(f, cp, &g[n].gid, &g[n].width)) {
			g[n].cp = '?';
			if (!hoso_font_glyph(f, '?', &g[n].gid, &g[n].width))
				continue;
		}
		n++;
	}
	return n;
}

static int
cmp_glyph(const void *a, const void *b)
{
	const struct vis_glyph *x = a, *y = b;

	return x->gid < y->gid ? -1 : x->gid > y->gid;
}

/*
 * 12.7.4.5, 12.5.5, 9.7: the appearance of a visible signature (a form
 * XObject with the lines), its Type0 font (CIDFontType2, Identity-H,
 * CIDToGIDMap /Identity) with the subset of the TrueType font that the lines
 * use, and a ToUnicode map so the text can be searched and copied. Objects
 * id .. id + 5; *w, *h: the box in points.
 */
static int
vis_objects(struct hoso_pdfupdate *u, const struct hoso_pades_sign_opts *o, long long id, double *w,
    double *h, struct hoso_err *err)
{
	struct hoso_buf lines[VIS_LINES], content = HOSO_BUF_INIT(0), ttf = HOSO_BUF_INIT(0);
	struct hoso_buf cmap = HOSO_BUF_INIT(0), widths = HOSO_BUF_INIT(0);
	struct vis_glyph g[VIS_LINES][VIS_MAX_CHARS], used[VIS_LINES * VIS_MAX_CHARS];
	size_t n_g[VIS_LINES], n_used = 0, i, j;
	uint32_t cps[VIS_LINES * VIS_MAX_CHARS];
	struct hoso_font *f = NULL;
	char hex[HOSO_SHA256_HEX], tag[7], fname[64];
	int ascent, descent, bbox[4], n_lines = 0, k, line_w, r;

	for (k = 0; k < VIS_LINES; k++)
		hoso_buf_init(&lines[k], 4096);
	if ((r = hoso_font_open(o->font, &f, err)) != 0 ||
	    (r = vis_lines(o, lines, &n_lines, err)) != 0)
		goto out;
	*w = 0;
	for (k = 0; k < n_lines; k++) {
		n_g[k] = vis_shape(f, hoso_buf_str(&lines[k]), g[k]);
		for (line_w = 0, i = 0; i < n_g[k]; i++) {
			line_w += g[k][i].width;
			used[n_used++] = g[k][i];
		}
		if (line_w * VIS_SIZE / 1000.0 > *w)
			*w = line_w * VIS_SIZE / 1000.0;
	}
	*w += 8;
	*h = n_lines * VIS_LEADING + 6;
	hoso_sort(used, n_used, sizeof(used[0]), cmp_glyph);
	for (i = j = 0; i < n_used; i++)
		if (j == 0 || used[j - 1].gid != used[i].gid)
			used[j++] = used[i];
	n_used = j;
	for (i = 0; i < n_used; i++)
		cps[i] = (uint32_t)used[i].cp;
	if ((r = hoso_font_subset(f, cps, n_used, &ttf, err)) != 0)
		goto out;
	hoso_font_metrics(f, &ascent, &descent, bbox);
	hoso_font_name(f, fname, sizeof(fname));
	/* 9.6.4: a subset's name starts with six capitals, here from its digest */
	if ((r = hoso_digest_sha256_hex(ttf.data, ttf.len, hex, err)) != 0)
		goto out;
	for (k = 0; k < 6; k++)
		tag[k] = (char)('A' + hoso_digest_hex_value((unsigned char)hex[k]));
	tag[6] = '\0';
	/* the appearance: a thin frame and the lines, glyph ids as 2-byte codes */
	if ((r = hoso_buf_addf(&content, err, "q 0.1 0.2 0.5 RG 0.6 w 0.3 0.3 %.2f %.2f re S Q\n"
	    "BT 0.1 0.2 0.5 rg /F1 %d Tf %d TL 4 %.2f Td\n", *w - 0.6, *h - 0.6, VIS_SIZE,
	    VIS_LEADING, *h - 3 - VIS_SIZE)) != 0)
		goto out;
	for (k = 0; k < n_lines; k++) {
		if ((r = hoso_buf_adds(&content, k > 0 ? "T* <" : "<", err)) != 0)
			goto out;
		for (i = 0; i < n_g[k]; i++)
			if ((r = hoso_buf_addf(&content, err, "%04X", g[k][i].gid)) != 0)
				goto out;
		if ((r = hoso_buf_adds(&content, "> Tj\n", err)) != 0)
			goto out;
	}
	if ((r = hoso_buf_adds(&content, "ET\n", err)) != 0)
		goto out;
	/* 9.10.3: ToUnicode, at most 100 mappings per block */
	if ((r = hoso_buf_adds(&cmap, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
	    "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n"
	    "<0000> <FFFF>\nendcodespacerange\n", err)) != 0)
		goto out;
	for (i = 0; i < n_used; i += 100) {
		if ((r = hoso_buf_addf(&cmap, err, "%zu beginbfchar\n",
		    n_used - i < 100 ? n_used - i : 100)) != 0)
			goto out;
		for (j = i; j < n_used && j < i + 100; j++)
			if ((r = hoso_buf_addf(&cmap, err, "<%04X> <%04lX>\n", used[j].gid,
			    used[j].cp < 0x10000 ? used[j].cp : 0xfffdUL)) != 0)
				goto out;
		if ((r = hoso_buf_adds(&cmap, "endbfchar\n", err)) != 0)
			goto out;
	}
	if ((r = hoso_buf_adds(&cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
	    "end\nend\n", err)) != 0)
		goto out;
	for (i = 0; i < n_used; i++)
		if ((r = hoso_buf_addf(&widths, err, "%u [%d] ", used[i].gid, used[i].width)) != 0)
			goto out;
	if ((r = hoso_pdfupdate_obj(u, id, 0, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "<< /Type /XObject /Subtype /Form /BBox [0 0 %.2f "
	    "%.2f] /Resources << /Font << /F1 %lld 0 R >> >> /Length %zu >>\nstream\n", *w, *h,
	    id + 1, content.len)) != 0 ||
	    (r = hoso_buf_add(&u->text, content.data, content.len, err)) != 0 ||
	    (r = hoso_buf_adds(&u->text, "\nendstream\nendobj\n", err)) != 0 ||
	    (r = hoso_pdfupdate_obj(u, id + 1, 0, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "<< /Type /Font /Subtype /Type0 /BaseFont "
	    "/%s+%s /Encoding /Identity-H /DescendantFonts [%lld 0 R] /ToUnicode "
	    "%lld 0 R >>\nendobj\n", tag, fname, id + 2, id + 5)) != 0 ||
	    (r = hoso_pdfupdate_obj(u, id + 2, 0, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont "
	    "/%s+%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement "
	    "0 >> /FontDescriptor %lld 0 R /CIDToGIDMap /Identity /DW 1000 /W [ %s] >>\nendobj\n",
	    tag, fname, id + 3, hoso_buf_str(&widths))) != 0 ||
	    (r = hoso_pdfupdate_obj(u, id + 3, 0, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "<< /Type /FontDescriptor /FontName /%s+%s "
	    "/Flags 32 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight "
	    "%d /StemV 80 /FontFile2 %lld 0 R >>\nendobj\n", tag, fname, bbox[0], bbox[1], bbox[2],
	    bbox[3], ascent, descent, ascent, id + 4)) != 0 ||
	    (r = hoso_pdfupdate_obj(u, id + 4, 0, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "<< /Length %zu /Length1 %zu >>\nstream\n",
	    ttf.len, ttf.len)) != 0 ||
	    (r = hoso_buf_add(&u->text, ttf.data, ttf.len, err)) != 0 ||
	    (r = hoso_buf_adds(&u->text, "\nendstream\nendobj\n", err)) != 0 ||
	    (r = hoso_pdfupdate_obj(u, id + 5, 0, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "<< /Length %zu >>\nstream\n", cmap.len)) != 0 ||
	    (r = hoso_buf_add(&u->text, cmap.data, cmap.len, err)) != 0)
		goto out;
	r = hoso_buf_adds(&u->text, "\nendstream\nendobj\n", err);
out:
	for (k = 0; k < VIS_LINES; k++)
		hoso_buf_free(&lines[k]);
	hoso_buf_free(&content);
	hoso_buf_free(&ttf);
	hoso_buf_free(&cmap);
	hoso_buf_free(&widths);
	hoso_font_close(f);
	return r;
}

/* Build the whole update; the ByteRange and /Contents are filled in later. */
static int
build_update(int fd, long long size, const struct hoso_pades_sign_opts *o, size_t cms_room,
    struct hoso_pdf *pdf, struct hoso_pdfupdate *u, struct sig_slots *slots, struct hoso_err *err)
{
	struct hoso_pdf_sig_update su;
	long long next;
	char widget[160];
	double w = 0, h = 0;
	int r;

	memset(&su, 0, sizeof(su));
	if ((r = hoso_pdfupdate_begin(u, fd, size, o->in, err)) != 0 ||
	    (r = hoso_pdf_sig_update(pdf, &su, err)) != 0)
		goto out;
	next = su.form_id == su.size + 2 ? su.size + 3 : su.size + 2;
	if ((r = sig_object(u, slots, o, su.size, cms_room, err)) != 0)
		goto out;
	/* 12.5.6.19: field and widget in one; invisible: zero /Rect, Print|Locked */
	snprintf(widget, sizeof(widget), "/Rect [0 0 0 0] /F 132");
	if (o->visible) {
		if ((r = vis_objects(u, o, next, &w, &h, err)) != 0)
			goto out;
		/* bottom left of page 1, Print|Locked, the appearance as drawn */
		snprintf(widget, sizeof(widget), "/Rect [%.2f %.2f %.2f %.2f] /F 132 /AP << /N "
		    "%lld 0 R >>", su.media[0] + 36, su.media[1] + 36, su.media[0] + 36 + w,
		    su.media[1] + 36 + h, next);
		next += 6;
	}
	if ((r = hoso_pdfupdate_obj(u, su.size + 1, 0, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "<< /Type /Annot /Subtype /Widget /FT /Sig "
	    "/T (%s) /V %lld 0 R %s /P %d %d R >>\nendobj\n", su.field_name, su.size, widget,
	    su.page_id, su.page_gen)) != 0 ||
	    (r = hoso_pdfupdate_obj(u, su.form_id, su.form_gen, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "%s\nendobj\n", hoso_buf_str(&su.form))) != 0 ||
	    (r = hoso_pdfupdate_obj(u, su.root_id, su.root_gen, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "%s\nendobj\n", hoso_buf_str(&su.catalog))) != 0 ||
	    (r = hoso_pdfupdate_obj(u, su.page_id, su.page_gen, err)) != 0 ||
	    (r = hoso_buf_addf(&u->text, err, "%s\nendobj\n", hoso_buf_str(&su.page))) != 0)
		goto out;
	r = hoso_pdfupdate_end(u, hoso_buf_str(&su.trailer), next, err);
out:
	hoso_pdf_sig_update_free(&su);
	return r;
}

int
hoso_pades_sign(const struct hoso_pades_sign_opts *o, struct hoso_err *err)
{
	struct hoso_cms_sign_opts so;
	struct hoso_pdf *pdf = NULL;
	struct hoso_afile af = { .fd = -1 };
	struct hoso_digest *d = NULL;
	struct hoso_buf der = HOSO_BUF_INIT(0);
	struct hoso_pdfupdate u;
	struct sig_slots slots;
	unsigned char md[64], zero[64];
	char range[3 * (PADES_RANGE_WIDTH + 1) + 1];
	long long size, total, after;
	size_t md_len, cms_room;
	struct stat st;
	char *hex = NULL;
	int fd = -1, n, r;

	memset(&u, 0, sizeof(u));
	memset(&slots, 0, sizeof(slots));
	memset(&so, 0, sizeof(so));
	memset(zero, 0, sizeof(zero));
	so.digest = o->digest != NULL ? o->digest : "SHA256";
	so.pss = o->pss;
	so.tsa_url = o->tsa_url;
	if ((fd = open(o->in, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open"), o->in);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 16) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a PDF file"), o->in);
		goto out;
	}
	size = (long long)st.st_size;
	if ((r = hoso_pdf_open_file(o->in, o->in, &pdf, err)) != 0)
		goto out;
	/*
	 * The room for the CMS: a trial signature's size and a margin (ECDSA
	 * varies); with a TSA the trial carries a real token (its size depends
	 * on the TSA's certificates), and the token of the final one may differ
	 * a little (serial number, nonce, the TSA's own signature).
	 */
	if ((r = hoso_digest_new(so.digest, &d, err)) != 0 ||
	    (r = hoso_digest_final(d, md, &md_len, err)) != 0 ||
	    (r = hoso_cms_sign_digest(o->signer, &so, zero, md_len, &der, err)) != 0)
		goto out;
	hoso_digest_free(d);
	d = NULL;
	cms_room = der.len + PADES_MARGIN + (o->tsa_url != NULL ? PADES_TS_MARGIN : 0);
	if (cms_room > PADES_MAX_CMS) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("the signature would be %zu bytes, more than "
		    "%d"), der.len, PADES_MAX_CMS);
		goto out;
	}
	if ((r = build_update(fd, size, o, cms_room, pdf, &u, &slots, err)) != 0)
		goto out;
	hoso_pdf_close(pdf);
	pdf = NULL;
	/* 12.8.1: ByteRange = everything but the /Contents string, '<' and '>' included */
	total = size + (long long)u.text.len;
	after = size + (long long)(slots.contents_at + slots.contents_hex + 2);
	n = snprintf(range, sizeof(range), "%lld %lld %lld]", size + (long long)slots.contents_at,
	    after, total - after);
	if (n < 0 || (size_t)n > sizeof(range) - 1) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: too large to sign"), o->in);
		goto out;
	}
	memcpy(u.text.data + slots.range_at, range, (size_t)n);
	/* the "]" written after the reserved room becomes a space */
	u.text.data[slots.range_at + 3 * (PADES_RANGE_WIDTH + 1)] = ' ';
	if ((r = hoso_digest_new(so.digest, &d, err)) != 0 ||
	    (r = hoso_afile_open(&af, o->out, err)) != 0 ||
	    (r = hoso_pdfupdate_copy(fd, size, &af, d, o->in, err)) != 0 ||
	    (r = hoso_afile_write(&af, u.text.data, u.text.len, err)) != 0 ||
	    (r = hoso_digest_update(d, u.text.data, slots.contents_at, err)) != 0 ||
	    (r = hoso_digest_update(d, u.text.data + (after - size), (size_t)(total - after),
	    err)) != 0 ||
	    (r = hoso_digest_final(d, md, &md_len, err)) != 0)
		goto out;
	hoso_buf_reset(&der);
	if ((r = hoso_cms_sign_digest(o->signer, &so, md, md_len, &der, err)) != 0)
		goto out;
	if (2 * der.len > slots.contents_hex) {
		r = hoso_err_set(err, HOSO_EENGINE, _("the signature (%zu bytes) outgrew the room "
		    "kept for it"), der.len);
		goto out;
	}
	if ((hex = malloc(2 * der.len + 1)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	/* 7.3.4.3: hex strings may use either case */
	hoso_digest_hex((const unsigned char *)der.data, der.len, hex);
	if (pwrite(af.fd, hex, 2 * der.len, (off_t)(size + (long long)slots.contents_at + 1)) !=
	    (ssize_t)(2 * der.len)) {
		r = hoso_err_sys(err, errno != 0 ? errno : EIO, _("%s: cannot write"), o->out);
		goto out;
	}
	r = hoso_afile_commit(&af, err);
out:
	if (r != 0)
		hoso_afile_abort(&af);
	free(hex);
	hoso_buf_free(&der);
	hoso_pdfupdate_free(&u);
	hoso_digest_free(d);
	hoso_pdf_close(pdf);
	if (fd >= 0)
		close(fd);
	return r;
}

int
hoso_pades_sign_dossier(const char *dossier_dir, const struct hoso_pades_sign_opts *o,
    struct hoso_err *err)
{
	struct hoso_pades_sign_opts so = *o;
	struct hoso_buf store = HOSO_BUF_INIT(0), pdf = HOSO_BUF_INIT(0);
	struct hoso_dossier *d = NULL;
	const char *code;
	size_t len = strlen(dossier_dir);
	bool locked = false;
	int r;

	while (len > 1 && dossier_dir[len - 1] == '/')
		len--;
	if ((r = hoso_buf_add(&store, dossier_dir, len, err)) != 0)
		goto out;
	if ((code = strrchr(store.data, '/')) != NULL) {
		store.data[code - store.data] = '\0';
		code++;
	} else {
		code = store.data;
	}
	/* the store's own list says which file is the searchable PDF */
	if ((r = hoso_store_open(code == store.data ? "." : store.data[0] != '\0' ? store.data :
	    "/", code, false, &d, err)) != 0 || (r = hoso_store_lock(d, err)) != 0)
		goto out;
	locked = true;
	if (d->ocr_pdf == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no searchable PDF in dossier.xml: run "
		    "ocr-extract first"), dossier_dir);
		goto out;
	}
	if ((r = hoso_file_join(&pdf, d->dir, d->ocr_pdf, err)) != 0)
		goto out;
	so.in = so.out = pdf.data;
	r = hoso_pades_sign(&so, err);
out:
	if (locked)
		hoso_store_unlock(d);
	hoso_store_close(d);
	hoso_buf_free(&store);
	hoso_buf_free(&pdf);
	return r;
}

/* ---- verification ---- */

size_t
hoso_pades_der_len(const unsigned char *p, size_t n)
{
	size_t len = 0, i, k;

	/* X.690 8.1: one tag byte (SEQUENCE here), definite length */
	if (n < 2 || p[0] != 0x30)
		return 0;
	if (p[1] < 0x80) {
		len = p[1];
		k = 0;
	} else {
		k = p[1] & 0x7f;
		if (k == 0 || k > 4 || n < 2 + k)
			return 0;
		for (i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
	}
	if (len > n - 2 - k)
		return 0;
	return 2 + k + len;
}

bool
hoso_pades_gap_hex(const unsigned char *gap, size_t n, unsigned char *out, size_t *out_len)
{
	size_t i;
	int hi, lo;

	if (n < 2 || gap[0] != '<' || gap[n - 1] != '>' || (n - 2) % 2 != 0)
		return false;
	for (i = 1; i + 1 < n; i += 2) {
		if ((hi = hoso_digest_hex_value(gap[i])) < 0 ||
		    (lo = hoso_digest_hex_value(gap[i + 1])) < 0)
			return false;
		out[(i - 1) / 2] = (unsigned char)(hi << 4 | lo);
	}
	*out_len = (n - 2) / 2;
	return true;
}

/* The two ranges of the file, fed to the digest in blocks. */
struct ranges {
	int fd;
	long long range[4];
	const char *label;
};

static int
feed_ranges(void *arg, struct hoso_digest *d, struct hoso_err *err)
{
	const struct ranges *rg = arg;
	unsigned char *block;
	long long at, end;
	ssize_t got;
	int k, r = 0;

	if ((block = malloc(PADES_BLOCK)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	for (k = 0; k < 2 && r == 0; k++) {
		at = rg->range[2 * k];
		end = at + rg->range[2 * k + 1];
		while (at < end) {
			got = pread(rg->fd, block, (size_t)(end - at < PADES_BLOCK ? end - at :
			    PADES_BLOCK), (off_t)at);
			if (got <= 0) {
				r = hoso_err_sys(err, got < 0 ? errno : EIO, _("%s: cannot read"),
				    rg->label);
				break;
			}
			if ((r = hoso_digest_update(d, block, (size_t)got, err)) != 0)
				break;
			at += got;
		}
	}
	free(block);
	return r;
}

#define CHECK(k, st, ...) do { \
	rep->checks[k].status = (st); \
	snprintf(rep->checks[k].detail, sizeof(rep->checks[k].detail), __VA_ARGS__); \
} while (0)

/*
 * 12.8.1: the ByteRange starts at 0, leaves out exactly this signature's
 * /Contents string and ends where a revision ends ("%%EOF", 7.5.5).
 */
static bool
check_range(int fd, long long size, const struct hoso_pdf_sig *sig, struct hoso_verify_report *rep)
{
	unsigned char *gap = NULL, *bin = NULL, tail[16];
	long long gap_at, gap_len, end;
	size_t bin_len = 0, i, t;
	bool ok = false;

	if (sig->n_range != 4) {
		CHECK(HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, _("/ByteRange is not four integers"));
		goto out;
	}
	gap_at = sig->range[1];
	gap_len = sig->range[2] - sig->range[1];
	end = sig->range[2] + sig->range[3];
	if (sig->range[0] != 0 || gap_at <= 0 || gap_len < 2 || end > size ||
	    gap_len > PADES_MAX_GAP) {
		CHECK(HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, _("/ByteRange [%lld %lld %lld %lld] "
		    "does not start at 0, leave one gap and end inside the file (%lld bytes)"),
		    sig->range[0], sig->range[1], sig->range[2], sig->range[3], size);
		goto out;
	}
	if ((gap = malloc((size_t)gap_len)) == NULL || (bin = malloc((size_t)gap_len)) == NULL ||
	    pread(fd, gap, (size_t)gap_len, (off_t)gap_at) != gap_len) {
		CHECK(HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, _("cannot read the /Contents gap"));
		goto out;
	}
	if (!hoso_pades_gap_hex(gap, (size_t)gap_len, bin, &bin_len) ||
	    bin_len != sig->contents_len || memcmp(bin, sig->contents, bin_len) != 0) {
		CHECK(HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, _("the bytes left out of /ByteRange "
		    "are not exactly this signature's /Contents"));
		goto out;
	}
	t = end < (long long)sizeof(tail) ? (size_t)end : sizeof(tail);
	if (pread(fd, tail, t, (off_t)(end - (long long)t)) != (ssize_t)t)
		t = 0;
	while (t > 0 && (tail[t - 1] == '\n' || tail[t - 1] == '\r' || tail[t - 1] == ' '))
		t--;
	for (i = 0; t >= 5 && i + 5 <= t; i++)
		if (memcmp(tail + i, "%%EOF", 5) == 0 && i + 5 == t)
			break;
	if (t < 5 || i + 5 != t) {
		CHECK(HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, _("/ByteRange ends at byte %lld, "
		    "which is not the end of a revision"), end);
		goto out;
	}
	CHECK(HOSO_CHECK_CONTAINER, HOSO_CHECK_PASSED, end == size ?
	    _("bytes 0 to %lld but /Contents: the whole file") :
	    _("bytes 0 to %lld but /Contents: a revision of the file"), end);
	ok = true;
out:
	free(gap);
	free(bin);
	return ok;
}

/*
 * 12.8.1: the signature lies in the revision it signs: its dictionary is
 * where the file's cross-reference says and holds the bytes left out; its
 * field is in the signed bytes (a copied dictionary fails here). A
 * signature over the whole file was made on these very bytes: when our
 * strict reading of the cross-reference fails on such a file (qpdf read
 * it), nothing can have been placed after it.
 */
static bool
check_place(const struct hoso_pdfxref *xn, const char *xref_error, const struct hoso_pdf_sig *sig,
    long long size, struct hoso_verify_report *rep)
{
	char why[sizeof(rep->checks[0].detail)];

	if (xn == NULL && sig->range[2] + sig->range[3] == size)
		return true;
	if (xn == NULL) {
		CHECK(HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, _("the file's cross-reference "
		    "cannot be read, so where the signature lies cannot be checked: %s"),
		    xref_error);
		return false;
	}
	if (!hoso_pdfdiff_sig_in_place(xn, sig, why, sizeof(why))) {
		CHECK(HOSO_CHECK_CONTAINER, HOSO_CHECK_FAILED, "%s", why);
		return false;
	}
	return true;
}

/* Signature, certificate and timestamp of one signature whose byte range is right. */
static void
check_cms(const char *path, int fd, const struct hoso_pdf_sig *sig,
    const struct hoso_cms_trust *trust, struct hoso_verify_report *rep)
{
	struct hoso_cms_content content;
	struct hoso_cms_result res;
	struct ranges rg;
	struct hoso_err e;
	size_t der_len;

	/* EN 319 142-1 5.1 (and the older adbe.pkcs7.detached of 12.8.3.3) */
	if (strcmp(sig->subfilter, "/ETSI.CAdES.detached") != 0 &&
	    strcmp(sig->subfilter, "/adbe.pkcs7.detached") != 0) {
		CHECK(HOSO_CHECK_SIGNATURE, HOSO_CHECK_FAILED, _("/SubFilter %s is not a detached "
		    "CMS signature (ETSI.CAdES.detached); SHA-1 based forms are refused"),
		    sig->subfilter[0] != '\0' ? sig->subfilter : "(none)");
		return;
	}
	memset(&content, 0, sizeof(content));
	memset(&rg, 0, sizeof(rg));
	rg.fd = fd;
	memcpy(rg.range, sig->range, sizeof(rg.range));
	rg.label = path;
	content.feed = feed_ranges;
	content.arg = &rg;
	content.pades = true;
	if (!hoso_date_parse_pdf(sig->m, &content.claimed_time))
		content.claimed_time = 0;
	der_len = hoso_pades_der_len(sig->contents, sig->contents_len);
	hoso_err_clear(&e);
	if (hoso_cms_verify_content(sig->contents, der_len, &content, trust, &res, &e) != 0) {
		CHECK(HOSO_CHECK_SIGNATURE, HOSO_CHECK_INDETERMINATE, "%s", e.msg);
		return;
	}
	snprintf(rep->signer, sizeof(rep->signer), "%s", res.signer);
	snprintf(rep->signing_time, sizeof(rep->signing_time), "%s", res.signing_time);
	CHECK(HOSO_CHECK_SIGNATURE, res.sig_status == HOSO_CMS_VALID ? HOSO_CHECK_PASSED :
	    res.sig_status == HOSO_CMS_INVALID ? HOSO_CHECK_FAILED : HOSO_CHECK_INDETERMINATE,
	    "%s", res.sig_detail);
	if (res.sig_status == HOSO_CMS_VALID)
		CHECK(HOSO_CHECK_CERTIFICATE, res.cert_status == HOSO_CMS_VALID ?
		    HOSO_CHECK_PASSED : res.cert_status == HOSO_CMS_INVALID ? HOSO_CHECK_FAILED :
		    HOSO_CHECK_INDETERMINATE, "%s", res.cert_detail);
	/* as for archives (verify.c): the tokens are checked when the signature is valid */
	if (!res.has_timestamp)
		CHECK(HOSO_CHECK_TIMESTAMP, HOSO_CHECK_SKIPPED, _("no timestamp (PAdES B-B)"));
	else if (res.sig_status != HOSO_CMS_VALID)
		CHECK(HOSO_CHECK_TIMESTAMP, HOSO_CHECK_SKIPPED, _("not checked: no valid "
		    "signature"));
	else
		CHECK(HOSO_CHECK_TIMESTAMP, res.ts_status == HOSO_CMS_VALID ? HOSO_CHECK_PASSED :
		    res.ts_status == HOSO_CMS_INVALID ? HOSO_CHECK_FAILED :
		    HOSO_CHECK_INDETERMINATE, "%s", res.ts_detail);
}

/* What the checks of a signature but the changes after it say: for judging its appearance. */
static int
own_status(const struct hoso_verify_report *rep)
{
	static const int own[] = { HOSO_CHECK_CONTAINER, HOSO_CHECK_SIGNATURE,
	    HOSO_CHECK_CERTIFICATE, HOSO_CHECK_TIMESTAMP };
	int st = HOSO_CHECK_PASSED, c;
	size_t k;

	for (k = 0; k < sizeof(own) / sizeof(own[0]); k++) {
		c = rep->checks[own[k]].status;
		if (c == HOSO_CHECK_FAILED || (c == HOSO_CHECK_SKIPPED && own[k] !=
		    HOSO_CHECK_TIMESTAMP))
			return HOSO_CHECK_FAILED;
		if (c == HOSO_CHECK_INDETERMINATE)
			st = HOSO_CHECK_INDETERMINATE;
	}
	return st;
}

/* What a PDF's verification holds for all its signatures. */
struct pdf_run {
	const char *path;		/* the name in messages */
	const unsigned char *map;	/* the whole file */
	long long size;
	struct hoso_pdf *now;
	const struct hoso_pdfxref *xn;	/* NULL when it could not be read */
	struct hoso_pdfdiff_sig *dsigs;
	size_t n_sigs;
};

/*
 * The revisions after the signed one (ISO 32000-1 12.8.2, verify(1)):
 * judged by pdfdiff.c; its changes go into the report.
 */
static int
check_changes(const struct pdf_run *run, size_t self, struct hoso_verify_report *rep,
    struct hoso_err *err)
{
	struct hoso_pdfdiff_opts o;
	struct hoso_pdfdiff d;
	struct hoso_pdfxref xt;
	struct hoso_pdf *then = NULL;
	struct hoso_err e;
	long long end = run->dsigs[self].end;
	int r = 0;

	memset(&xt, 0, sizeof(xt));
	memset(&d, 0, sizeof(d));
	if (end == run->size) {
		CHECK(HOSO_CHECK_MANIFESTS, HOSO_CHECK_PASSED, _("nothing was added after signing"));
		return 0;
	}
	if (run->xn == NULL) {
		CHECK(HOSO_CHECK_MANIFESTS, HOSO_CHECK_FAILED, "%s", _("the file's cross-reference "
		    "cannot be read"));
		return 0;
	}
	hoso_err_clear(&e);
	if (hoso_pdf_open(run->map, (size_t)end, run->path, &then, &e) != 0 ||
	    hoso_pdfxref_read(run->map, (size_t)end, run->path, &xt, &e) != 0) {
		if (e.code != HOSO_EINPUT) {
			*err = e;
			r = e.code;
			goto out;
		}
		/* what the signer left cannot be read: nothing can be told of what came after */
		CHECK(HOSO_CHECK_MANIFESTS, HOSO_CHECK_INDETERMINATE, _("the signed revision "
		    "cannot be read to compare it with the file: %s"), e.msg);
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.end = end;
	o.sigs = run->dsigs;
	o.n_sigs = run->n_sigs;
	o.self = self;
	if ((r = hoso_pdfdiff_judge(then, run->now, &xt, run->xn, &o, &d, err)) != 0)
		goto out;
	CHECK(HOSO_CHECK_MANIFESTS, d.status, "%s", d.summary);
	rep->changes = d.changes;
	rep->n_changes = d.n_changes;
	d.changes = NULL;
out:
	hoso_pdfdiff_free(&d);
	hoso_pdfxref_free(&xt);
	hoso_pdf_close(then);
	return r;
}

/*
 * The result and reason from the checks, as for archives; a signature not
 * checked to the end is not valid.
 */
static void
conclude(struct hoso_verify_report *rep)
{
	hoso_verify_decide(rep);
	if (rep->result == HOSO_VERIFY_VALID &&
	    (rep->checks[HOSO_CHECK_SIGNATURE].status != HOSO_CHECK_PASSED ||
	    rep->checks[HOSO_CHECK_CERTIFICATE].status != HOSO_CHECK_PASSED)) {
		rep->result = HOSO_VERIFY_INVALID;
		rep->reason = HOSO_VERIFY_REASON_CHECK(HOSO_CHECK_SIGNATURE);
	}
}

/* The label of report i: "file.pdf: Signature1". */
static int
label_report(struct hoso_verify_report *rep, const char *name, const struct hoso_pdf_sig *sig,
    struct hoso_err *err)
{
	struct hoso_buf label = HOSO_BUF_INIT(0);
	int r;

	if ((r = hoso_buf_addf(&label, err, "%s: %s", name, sig == NULL ? _("no signature") :
	    sig->name[0] != '\0' ? sig->name : _("signature"))) == 0 &&
	    (rep->archive = strdup(hoso_buf_str(&label))) == NULL)
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
	hoso_buf_free(&label);
	return r;
}

/*
 * Every signature of the file in two rounds: first each one's byte range,
 * place and CMS; then what was done after each, judged knowing which of
 * the later signatures are valid (a later signature's appearance counts
 * as permitted only when that signature holds).
 */
int
hoso_pades_verify(const char *path, const char *name, const struct hoso_cms_trust *trust,
    struct hoso_verify_report **repsp, size_t *np, struct hoso_err *err)
{
	struct hoso_verify_report *reps = NULL, *rep;
	struct hoso_pdf_sig *sigs = NULL;
	struct hoso_pdfxref xn;
	struct pdf_run run;
	struct hoso_err xe;
	struct stat st;
	void *map = MAP_FAILED;
	size_t n_sigs = 0, n = 0, i;
	int fd = -1, k, r;

	*repsp = NULL;
	*np = 0;
	memset(&xn, 0, sizeof(xn));
	memset(&run, 0, sizeof(run));
	if (name == NULL)
		name = path;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot open"), name);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a regular file"), name);
		goto out;
	}
	if ((r = hoso_pdf_open_file(path, name, &run.now, err)) != 0 ||
	    (r = hoso_pdf_sigs(run.now, &sigs, &n_sigs, err)) != 0)
		goto out;
	n = n_sigs > 0 ? n_sigs : 1;
	if ((reps = calloc(n, sizeof(*reps))) == NULL ||
	    (run.dsigs = calloc(n, sizeof(*run.dsigs))) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		reps[i].kind = "pdf-signature";
		if ((r = label_report(&reps[i], name, n_sigs > 0 ? &sigs[i] : NULL, err)) != 0)
			goto out;
	}
	if (n_sigs == 0) {
		for (k = 0; k < HOSO_VERIFY_N_CHECKS; k++)
			reps[0].checks[k].status = HOSO_CHECK_SKIPPED;
		snprintf(reps[0].checks[HOSO_CHECK_SIGNATURE].detail,
		    sizeof(reps[0].checks[0].detail), "%s", _("the PDF has no signed signature "
		    "field"));
		reps[0].checks[HOSO_CHECK_SIGNATURE].status = HOSO_CHECK_FAILED;
		conclude(&reps[0]);
		goto done;
	}
	/* the bytes themselves: the cross-reference chain and the signed revisions */
	if (st.st_size > 0 && (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) == MAP_FAILED) {
		r = hoso_err_sys(err, errno, _("%s: cannot map"), name);
		goto out;
	}
	run.path = name;
	run.map = map;
	run.size = (long long)st.st_size;
	run.n_sigs = n_sigs;
	hoso_err_clear(&xe);
	if (hoso_pdfxref_read(map, (size_t)st.st_size, name, &xn, &xe) == 0)
		run.xn = &xn;
	else if (xe.code != HOSO_EINPUT) {
		*err = xe;
		r = xe.code;
		goto out;
	}
	for (i = 0; i < n_sigs; i++) {
		rep = &reps[i];
		for (k = 0; k < HOSO_VERIFY_N_CHECKS; k++)
			CHECK(k, HOSO_CHECK_SKIPPED, _("not checked"));
		CHECK(HOSO_CHECK_BAGIT, HOSO_CHECK_SKIPPED, _("not a container"));
		if (check_range(fd, run.size, &sigs[i], rep) &&
		    check_place(run.xn, xe.msg, &sigs[i], run.size, rep))
			check_cms(name, fd, &sigs[i], trust, rep);
		run.dsigs[i].sig = &sigs[i];
		run.dsigs[i].end = sigs[i].range[2] + sigs[i].range[3];
		run.dsigs[i].status = own_status(rep);
		run.dsigs[i].signer = rep->signer;
	}
	for (i = 0; i < n_sigs; i++) {
		rep = &reps[i];
		if (rep->checks[HOSO_CHECK_CONTAINER].status == HOSO_CHECK_PASSED &&
		    (r = check_changes(&run, i, rep, err)) != 0)
			goto out;
		conclude(rep);
	}
done:
	*repsp = reps;
	*np = n;
	reps = NULL;
	r = 0;
out:
	hoso_verify_reports_free(reps, n);
	hoso_pdfxref_free(&xn);
	free(run.dsigs);
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	hoso_pdf_sigs_free(sigs, n_sigs);
	hoso_pdf_close(run.now);
	if (fd >= 0)
		close(fd);
	return r;
}

/* A PDF of an archive, on its way to a temporary file. */
struct spill {
	int fd;
	size_t n;
	unsigned char head[5];
};

static int
spill_write(void *ctx, const void *p, size_t n, struct hoso_err *err)
{
	struct spill *sp = ctx;
	const unsigned char *b = p;
	ssize_t w;
	size_t done = 0;

	for (; sp->n < sizeof(sp->head) && done < n; done++)
		sp->head[sp->n++] = b[done];
	done = 0;
	while (done < n) {
		if ((w = write(sp->fd, b + done, n - done)) < 0)
			return hoso_err_sys(err, errno, _("cannot write a temporary file"));
		done += (size_t)w;
	}
	return 0;
}

/* Move src[0..n) to the end of *all (of *n_all). */
static int
take_reports(struct hoso_verify_report **all, size_t *n_all, struct hoso_verify_report *src,
    size_t n, struct hoso_err *err)
{
	struct hoso_verify_report *grown;

	if ((grown = realloc(*all, (*n_all + n) * sizeof(*grown))) == NULL) {
		hoso_verify_reports_free(src, n);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	*all = grown;
	memcpy(grown + *n_all, src, n * sizeof(*src));
	*n_all += n;
	free(src);
	return 0;
}

int
hoso_pades_verify_or_error(const char *path, const char *name, const struct hoso_cms_trust *trust,
    struct hoso_verify_report **reps, size_t *n, struct hoso_err *err)
{
	struct hoso_verify_report *one;
	struct hoso_err ve;

	hoso_err_clear(&ve);
	if (hoso_pades_verify(path, name, trust, reps, n, &ve) == 0)
		return 0;
	if ((one = calloc(1, sizeof(*one))) == NULL ||
	    (one->archive = strdup(name != NULL ? name : path)) == NULL) {
		free(one);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	one->kind = "pdf-signature";
	one->result = HOSO_VERIFY_ERROR;
	one->err = ve;
	one->reason = HOSO_VERIFY_REASON_ERR;
	*reps = one;
	*n = 1;
	return 0;
}

int
hoso_pades_verify_archive(const char *archive, const struct hoso_zip_limits *lim,
    const struct hoso_cms_trust *trust, const char *tmp_dir, struct hoso_verify_report **repsp,
    size_t *np, struct hoso_err *err)
{
	struct hoso_verify_report *all = NULL, *got;
	struct hoso_zipr *zr = NULL;
	const struct hoso_zip_entry *e;
	struct hoso_buf tmp = HOSO_BUF_INIT(0), prefix = HOSO_BUF_INIT(0);
	struct hoso_err ve;
	struct spill sp;
	size_t n_all = 0, n_got, i;
	int r;

	*repsp = NULL;
	*np = 0;
	if (tmp_dir == NULL && (tmp_dir = getenv("TMPDIR")) == NULL)
		tmp_dir = "/tmp";
	if ((r = hoso_zipr_open(archive, lim, &zr, err)) != 0)
		goto out;
	for (i = 0; i < hoso_zipr_count(zr); i++) {
		e = hoso_zipr_entry(zr, i);
		if (strncmp(e->name, "data/", 5) != 0)
			continue;
		hoso_buf_reset(&tmp);
		hoso_buf_reset(&prefix);
		if ((r = hoso_buf_addf(&tmp, err, "%s/hoso-pdf-XXXXXX", tmp_dir)) != 0 ||
		    (r = hoso_buf_addf(&prefix, err, "%s!%s", archive, e->name)) != 0)
			goto out;
		memset(&sp, 0, sizeof(sp));
		if ((sp.fd = mkstemp(tmp.data)) < 0) {
			r = hoso_err_sys(err, errno, _("%s: cannot create a temporary file"),
			    tmp.data);
			goto out;
		}
		hoso_err_clear(&ve);
		r = hoso_zipr_read(zr, i, spill_write, &sp, &ve);
		close(sp.fd);
		if (r == 0 && sp.n == sizeof(sp.head) && memcmp(sp.head, "%PDF-", 5) == 0) {
			if ((r = hoso_pades_verify_or_error(tmp.data, prefix.data, trust, &got,
			    &n_got, err)) == 0)
				r = take_reports(&all, &n_all, got, n_got, err);
		} else {
			r = 0;	/* not a PDF (or not readable: the archive checks say so) */
		}
		unlink(tmp.data);
		if (r != 0)
			goto out;
	}
	*repsp = all;
	*np = n_all;
	all = NULL;
	n_all = 0;
	r = 0;
out:
	hoso_verify_reports_free(all, n_all);
	hoso_zipr_free(zr);
	hoso_buf_free(&tmp);
	hoso_buf_free(&prefix);
	return r;
}
