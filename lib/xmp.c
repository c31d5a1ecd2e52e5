/*
 * xmp.c - XMP metadata (ISO 16684-1; ISO 32000-1 14.3.2) and a matching
 * document information dictionary (14.3.3) for a searchable PDF, written as
 * an incremental update (7.5.6) by pdfupdate.c; pdf.c reads the file.
 */
#include <string.h>
#include <time.h>

#include "date.h"
#include "i18n.h"
#include "pdf.h"
#include "pdfupdate.h"
#include "xml.h"
#include "xmp.h"

#define NS_X	"adobe:ns:meta/"
#define NS_RDF	"http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC	"http://purl.org/dc/elements/1.1/"
#define NS_XMP	"http://ns.adobe.com/xap/1.0/"
#define NS_PDF	"http://ns.adobe.com/pdf/1.3/"

int
hoso_xmp_packet(const char *title, const char *creator, const char *create_date,
    const char *producer, struct hoso_buf *out, struct hoso_err *err)
{
	struct hoso_xmlw *w = NULL;
	struct hoso_buf doc = HOSO_BUF_INIT(0);
	const char *body;
	int r;

	if ((r = hoso_xmlw_new(&w, err)) != 0 ||
	    (r = hoso_xmlw_start(w, "x:xmpmeta", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "xmlns:x", NS_X, err)) != 0 ||
	    (r = hoso_xmlw_start(w, "rdf:RDF", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "xmlns:rdf", NS_RDF, err)) != 0 ||
	    (r = hoso_xmlw_start(w, "rdf:Description", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "rdf:about", "", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "xmlns:dc", NS_DC, err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "xmlns:xmp", NS_XMP, err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "xmlns:pdf", NS_PDF, err)) != 0 ||
	    /* dc:title is a language alternative (ISO 16684-1 8.2.2.4) */
	    (r = hoso_xmlw_start(w, "dc:title", err)) != 0 ||
	    (r = hoso_xmlw_start(w, "rdf:Alt", err)) != 0 ||
	    (r = hoso_xmlw_start(w, "rdf:li", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "xml:lang", "x-default", err)) != 0 ||
	    (r = hoso_xmlw_text(w, title, err)) != 0 ||
	    (r = hoso_xmlw_end(w, err)) != 0 || (r = hoso_xmlw_end(w, err)) != 0 ||
	    (r = hoso_xmlw_end(w, err)) != 0 ||
	    (r = hoso_xmlw_elem(w, "dc:format", "application/pdf", err)) != 0 ||
	    (r = hoso_xmlw_elem(w, "xmp:CreatorTool", creator, err)) != 0 ||
	    (create_date != NULL &&
	    (r = hoso_xmlw_elem(w, "xmp:CreateDate", create_date, err)) != 0) ||
	    (r = hoso_xmlw_elem(w, "pdf:Producer", producer, err)) != 0 ||
	    (r = hoso_xmlw_finish(w, &doc, err)) != 0)
		goto out;
	/* the packet wrapper (ISO 16684-1 7.3) in place of the XML declaration */
	body = hoso_buf_str(&doc);
	if (strncmp(body, "<?xml", 5) == 0 && strstr(body, "?>") != NULL)
		body = strstr(body, "?>") + 2;
	while (*body == '\n')
		body++;
	r = hoso_buf_addf(out, err, "<?xpacket begin=\"\xef\xbb\xbf\" "
	    "id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n%s<?xpacket end=\"r\"?>\n", body);
out:
	hoso_xmlw_free(w);
	hoso_buf_free(&doc);
	return r;
}

int
hoso_xmp_add(const char *path, const char *code, const char *title, struct hoso_err *err)
{
	struct hoso_pdf_info_update u;
	struct hoso_pdf *pdf = NULL;
	struct hoso_buf full = HOSO_BUF_INIT(0), creator = HOSO_BUF_INIT(0);
	struct hoso_buf xmp = HOSO_BUF_INIT(0), meta = HOSO_BUF_INIT(0);
	struct hoso_buf cat = HOSO_BUF_INIT(0), info = HOSO_BUF_INIT(0);
	struct hoso_buf trailer = HOSO_BUF_INIT(0);
	struct hoso_pdfupdate_obj objs[3];
	const char *producer;
	char when[HOSO_DATE_ISO_SIZE];
	time_t t;
	long long info_id;
	int info_gen, r;

	memset(&u, 0, sizeof(u));
	if ((r = hoso_buf_adds(&full, code, err)) != 0 ||
	    (title != NULL && title[0] != '\0' &&
	    (r = hoso_buf_addf(&full, err, " \xe2\x80\x94 %s", title)) != 0) ||
	    (r = hoso_buf_adds(&creator, "hoso ocr-extract " HOSO_VERSION, err)) != 0 ||
	    (r = hoso_pdf_open_file(path, path, &pdf, err)) != 0 ||
	    (r = hoso_pdf_info_update(pdf, &u, err)) != 0)
		goto out;
	hoso_pdf_close(pdf);
	pdf = NULL;
	producer = u.producer[0] != '\0' ? u.producer : creator.data;
	/* xmp:CreateDate is /CreationDate (ISO 32000-1 14.3.3 and 16684-1 agree on it) */
	if (!hoso_date_parse_pdf(u.creation_date, &t) || !hoso_date_iso(t, when))
		when[0] = '\0';
	if ((r = hoso_xmp_packet(full.data, creator.data, when[0] != '\0' ? when : NULL, producer,
	    &xmp, err)) != 0)
		goto out;
	info_id = u.info_id != 0 ? u.info_id : u.size + 1;
	info_gen = u.info_id != 0 ? u.info_gen : 0;
	/* 14.3.2: a metadata stream, not compressed so that any tool reads it */
	if ((r = hoso_buf_addf(&meta, err, "<< /Type /Metadata /Subtype /XML /Length %zu >>\n"
	    "stream\n", xmp.len)) != 0 ||
	    (r = hoso_buf_add(&meta, xmp.data, xmp.len, err)) != 0 ||
	    (r = hoso_buf_adds(&meta, "\nendstream", err)) != 0 ||
	    (r = hoso_buf_addf(&cat, err, "<<%s /Metadata %lld 0 R >>", hoso_buf_str(&u.catalog),
	    u.size)) != 0 ||
	    (r = hoso_buf_addf(&info, err, "<<%s /Title ", hoso_buf_str(&u.info))) != 0 ||
	    (r = hoso_pdfupdate_text_string(&info, full.data, err)) != 0 ||
	    (r = hoso_buf_adds(&info, " /Creator ", err)) != 0 ||
	    (r = hoso_pdfupdate_text_string(&info, creator.data, err)) != 0 ||
	    (r = hoso_buf_adds(&info, " /Producer ", err)) != 0 ||
	    (r = hoso_pdfupdate_text_string(&info, producer, err)) != 0 ||
	    (r = hoso_buf_adds(&info, " >>", err)) != 0 ||
	    (r = hoso_buf_addf(&trailer, err, "%s /Info %lld %d R", hoso_buf_str(&u.trailer),
	    info_id, info_gen)) != 0)
		goto out;
	objs[0] = (struct hoso_pdfupdate_obj){ u.size, 0, meta.data, meta.len };
	objs[1] = (struct hoso_pdfupdate_obj){ u.root_id, u.root_gen, cat.data, cat.len };
	objs[2] = (struct hoso_pdfupdate_obj){ info_id, info_gen, info.data, info.len };
	r = hoso_pdfupdate_append(path, path, objs, 3, u.info_id != 0 ? u.size + 1 : u.size + 2,
	    trailer.data, err);
out:
	hoso_pdf_info_update_free(&u);
	hoso_pdf_close(pdf);
	hoso_buf_free(&full);
	hoso_buf_free(&creator);
	hoso_buf_free(&xmp);
	hoso_buf_free(&meta);
	hoso_buf_free(&cat);
	hoso_buf_free(&info);
	hoso_buf_free(&trailer);
	return r;
}
