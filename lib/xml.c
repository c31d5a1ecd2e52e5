/* xml.c - the only file that includes libxml2: an in-memory writer, a hardened reader, a streaming one. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>

#include "i18n.h"
#include "utf8.h"
#include "xml.h"

struct hoso_xmlw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
};

struct hoso_xml {
	xmlDocPtr doc;
};

static int
writer_failed(struct hoso_err *err)
{
	return hoso_err_set(err, HOSO_EIO, _("cannot write XML"));
}

int
hoso_xmlw_new(struct hoso_xmlw **wp, struct hoso_err *err)
{
	struct hoso_xmlw *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	if ((w->buf = xmlBufferCreate()) == NULL ||
	    (w->w = xmlNewTextWriterMemory(w->buf, 0)) == NULL ||
	    xmlTextWriterSetIndent(w->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w->w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(w->w, "1.0", "UTF-8", NULL) < 0) {
		hoso_xmlw_free(w);
		return writer_failed(err);
	}
	*wp = w;
	return 0;
}

int
hoso_xmlw_start(struct hoso_xmlw *w, const char *name, struct hoso_err *err)
{
	if (xmlTextWriterStartElement(w->w, BAD_CAST name) < 0)
		return writer_failed(err);
	return 0;
}

/*
 * Text from outside must be UTF-8 and is stored NFC, as the project rules
 * ask; characters XML 1.0 forbids (2.2: C0 controls but TAB, LF, CR, and
 * U+FFFE, U+FFFF) are refused, or the document could never be read back.
 */
static int
nfc(const char *s, struct hoso_buf *out, struct hoso_err *err)
{
	int r;

	if ((r = hoso_utf8_nfc(s, strlen(s), out, err)) != 0)
		return r;
	if (hoso_utf8_has_control(hoso_buf_str(out)))
		return hoso_err_set(err, HOSO_EINPUT,
		    _("text holds a control character, which XML cannot carry"));
	return 0;
}

int
hoso_xmlw_attr(struct hoso_xmlw *w, const char *name, const char *value, struct hoso_err *err)
{
	struct hoso_buf v = HOSO_BUF_INIT(0);
	int r;

	if ((r = nfc(value, &v, err)) == 0 &&
	    xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST hoso_buf_str(&v)) < 0)
		r = writer_failed(err);
	hoso_buf_free(&v);
	return r;
}

int
hoso_xmlw_attrf(struct hoso_xmlw *w, struct hoso_err *err, const char *name, const char *fmt, ...)
{
	char val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return hoso_xmlw_attr(w, name, val, err);
}

int
hoso_xmlw_text(struct hoso_xmlw *w, const char *text, struct hoso_err *err)
{
	struct hoso_buf v = HOSO_BUF_INIT(0);
	int r;

	if ((r = nfc(text, &v, err)) == 0 &&
	    xmlTextWriterWriteString(w->w, BAD_CAST hoso_buf_str(&v)) < 0)
		r = writer_failed(err);
	hoso_buf_free(&v);
	return r;
}

int
hoso_xmlw_elem(struct hoso_xmlw *w, const char *name, const char *text, struct hoso_err *err)
{
	int r;

	if ((r = hoso_xmlw_start(w, name, err)) != 0 || (r = hoso_xmlw_text(w, text, err)) != 0)
		return r;
	return hoso_xmlw_end(w, err);
}

int
hoso_xmlw_end(struct hoso_xmlw *w, struct hoso_err *err)
{
	if (xmlTextWriterEndElement(w->w) < 0)
		return writer_failed(err);
	return 0;
}

int
hoso_xmlw_finish(struct hoso_xmlw *w, struct hoso_buf *out, struct hoso_err *err)
{
	if (xmlTextWriterEndDocument(w->w) < 0 || xmlTextWriterFlush(w->w) < 0)
		return writer_failed(err);
	return hoso_buf_add(out, xmlBufferContent(w->buf), (size_t)xmlBufferLength(w->buf), err);
}

void
hoso_xmlw_free(struct hoso_xmlw *w)
{
	if (w == NULL)
		return;
	if (w->w != NULL)
		xmlFreeTextWriter(w->w);
	if (w->buf != NULL)
		xmlBufferFree(w->buf);
	free(w);
}

int
hoso_xml_parse(const char *data, size_t len, const char *label, struct hoso_xml **docp,
    struct hoso_err *err)
{
	/* No network, no DTD loading or validation, no entity substitution. */
	const int flags = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxtPtr ctxt = NULL;
	struct hoso_xml *doc = NULL;
	const xmlError *e;
	int r = 0;

	*docp = NULL;
	if (len > INT32_MAX) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: XML document too large"), label);
		goto out;
	}
	if ((doc = calloc(1, sizeof(*doc))) == NULL || (ctxt = xmlNewParserCtxt()) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	doc->doc = xmlCtxtReadMemory(ctxt, data, (int)len, label, "UTF-8", flags);
	if (doc->doc == NULL) {
		e = xmlCtxtGetLastError(ctxt);
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%d: not well-formed XML: %s"), label,
		    e ? e->line : 0, e && e->message ? e->message : "?");
		/* libxml2 messages end with a newline */
		if (err != NULL && (len = strlen(err->msg)) > 0 && err->msg[len - 1] == '\n')
			err->msg[len - 1] = '\0';
		goto out;
	}
	/* A DOCTYPE is never needed by our formats and is how XXE attacks start. */
	if (doc->doc->intSubset != NULL || doc->doc->extSubset != NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: a DOCTYPE is not allowed"), label);
		goto out;
	}
	if (xmlDocGetRootElement(doc->doc) == NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: no root element"), label);
		goto out;
	}
	*docp = doc;
	doc = NULL;
out:
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	hoso_xml_free(doc);
	return r;
}

void
hoso_xml_free(struct hoso_xml *doc)
{
	if (doc == NULL)
		return;
	if (doc->doc != NULL)
		xmlFreeDoc(doc->doc);
	free(doc);
}

const struct hoso_xml_node *
hoso_xml_root(const struct hoso_xml *doc)
{
	return (const struct hoso_xml_node *)xmlDocGetRootElement(doc->doc);
}

const char *
hoso_xml_name(const struct hoso_xml_node *node)
{
	return (const char *)((const xmlNode *)node)->name;
}

static const struct hoso_xml_node *
element_from(const xmlNode *n, const char *name)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    (name == NULL || strcmp((const char *)n->name, name) == 0))
			return (const struct hoso_xml_node *)n;
	return NULL;
}

const struct hoso_xml_node *
hoso_xml_child(const struct hoso_xml_node *node, const char *name)
{
	return element_from(((const xmlNode *)node)->children, name);
}

const struct hoso_xml_node *
hoso_xml_next(const struct hoso_xml_node *node, const char *name)
{
	return element_from(((const xmlNode *)node)->next, name);
}

static char *
own(xmlChar *s)
{
	char *c;

	if (s == NULL)
		return NULL;
	c = strdup((const char *)s);
	xmlFree(s);
	return c;
}

char *
hoso_xml_attr(const struct hoso_xml_node *node, const char *name)
{
	return own(xmlGetProp((const xmlNode *)node, BAD_CAST name));
}

char *
hoso_xml_text(const struct hoso_xml_node *node)
{
	return own(xmlNodeGetContent((const xmlNode *)node));
}

long
hoso_xml_line(const struct hoso_xml_node *node)
{
	return xmlGetLineNo((const xmlNode *)node);
}

const char *
hoso_xml_ns(const struct hoso_xml_node *node)
{
	const xmlNode *n = (const xmlNode *)node;

	return n->ns != NULL && n->ns->href != NULL ? (const char *)n->ns->href : NULL;
}

void
hoso_xml_init(void)
{
	xmlInitParser();
}

/* ---- streaming reader ---- */

struct hoso_xmlr {
	xmlTextReaderPtr reader;
	char *label;
};

int
hoso_xmlr_new(struct hoso_xmlr **rp, int (*read)(void *ctx, char *buf, int len), void *ctx,
    const char *label, struct hoso_err *err)
{
	const int flags = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	struct hoso_xmlr *r;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL || (r->label = strdup(label)) == NULL) {
		free(r);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	if ((r->reader = xmlReaderForIO(read, NULL, ctx, label, "UTF-8", flags)) == NULL) {
		hoso_xmlr_free(r);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	*rp = r;
	return 0;
}

int
hoso_xmlr_next(struct hoso_xmlr *r, int *type, struct hoso_err *err)
{
	const xmlError *e;
	size_t len;
	int rc;

	for (;;) {
		if ((rc = xmlTextReaderRead(r->reader)) == 0)
			return 0;
		if (rc < 0) {
			e = xmlGetLastError();
			rc = hoso_err_set(err, HOSO_EINPUT, _("%s:%d: not well-formed XML: %s"),
			    r->label, e ? e->line : 0, e && e->message ? e->message : "?");
			if (err != NULL && (len = strlen(err->msg)) > 0 && err->msg[len - 1] == '\n')
				err->msg[len - 1] = '\0';
			return rc;
		}
		switch (xmlTextReaderNodeType(r->reader)) {
		case XML_READER_TYPE_ELEMENT:
			*type = HOSO_XMLR_START;
			return 1;
		case XML_READER_TYPE_END_ELEMENT:
			*type = HOSO_XMLR_END;
			return 1;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			*type = HOSO_XMLR_TEXT;
			return 1;
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE:
			/* As in hoso_xml_parse: no DOCTYPE, so no entity of our own either. */
			return hoso_err_set(err, HOSO_EINPUT, _("%s: a DOCTYPE is not allowed"),
			    r->label);
		default:
			continue;	/* comments, processing instructions */
		}
	}
}

const char *
hoso_xmlr_name(struct hoso_xmlr *r)
{
	const xmlChar *n = xmlTextReaderConstLocalName(r->reader);
	int t = xmlTextReaderNodeType(r->reader);

	return n != NULL && (t == XML_READER_TYPE_ELEMENT || t == XML_READER_TYPE_END_ELEMENT) ?
	    (const char *)n : "";
}

bool
hoso_xmlr_empty(struct hoso_xmlr *r)
{
	return xmlTextReaderIsEmptyElement(r->reader) == 1;
}

char *
hoso_xmlr_attr(struct hoso_xmlr *r, const char *name)
{
	return own(xmlTextReaderGetAttribute(r->reader, BAD_CAST name));
}

char *
hoso_xmlr_attr_ns(struct hoso_xmlr *r, const char *name, const char *ns)
{
	return own(xmlTextReaderGetAttributeNs(r->reader, BAD_CAST name, BAD_CAST ns));
}

const char *
hoso_xmlr_value(struct hoso_xmlr *r)
{
	const xmlChar *v;
	int t = xmlTextReaderNodeType(r->reader);

	if (t == XML_READER_TYPE_ELEMENT || t == XML_READER_TYPE_END_ELEMENT)
		return "";
	v = xmlTextReaderConstValue(r->reader);
	return v != NULL ? (const char *)v : "";
}

long
hoso_xmlr_line(struct hoso_xmlr *r)
{
	return xmlTextReaderGetParserLineNumber(r->reader);
}

void
hoso_xmlr_free(struct hoso_xmlr *r)
{
	if (r == NULL)
		return;
	if (r->reader != NULL)
		xmlFreeTextReader(r->reader);
	free(r->label);
	free(r);
}
