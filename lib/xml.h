/* xml.h - XML writing and hardened reading; xml.c is the only libxml2 user. */
#ifndef HOSO_XML_H
#define HOSO_XML_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Writer: builds an indented UTF-8 document in memory. */
struct hoso_xmlw;

int hoso_xmlw_new(struct hoso_xmlw **w, struct hoso_err *err);
int hoso_xmlw_start(struct hoso_xmlw *w, const char *name, struct hoso_err *err);
/* Attribute on the element just started; value must be UTF-8 (NFC is applied). */
int hoso_xmlw_attr(struct hoso_xmlw *w, const char *name, const char *value, struct hoso_err *err);
int hoso_xmlw_attrf(struct hoso_xmlw *w, struct hoso_err *err, const char *name, const char *fmt, ...)
	HOSO_PRINTF(4, 5);
int hoso_xmlw_text(struct hoso_xmlw *w, const char *text, struct hoso_err *err);
/* <name>text</name> in one call. */
int hoso_xmlw_elem(struct hoso_xmlw *w, const char *name, const char *text, struct hoso_err *err);
int hoso_xmlw_end(struct hoso_xmlw *w, struct hoso_err *err);
/* Close what is open and append the document to out. */
int hoso_xmlw_finish(struct hoso_xmlw *w, struct hoso_buf *out, struct hoso_err *err);
void hoso_xmlw_free(struct hoso_xmlw *w);

/*
 * Reader: parses a whole document with the network off, no DTD loading, no
 * entity substitution; any DOCTYPE is refused (XXE, billion laughs).
 * label names the input in error messages.
 */
struct hoso_xml;
struct hoso_xml_node;

int hoso_xml_parse(const char *data, size_t len, const char *label, struct hoso_xml **doc,
    struct hoso_err *err);
void hoso_xml_free(struct hoso_xml *doc);
const struct hoso_xml_node *hoso_xml_root(const struct hoso_xml *doc);
const char *hoso_xml_name(const struct hoso_xml_node *node);
/* First element child (or next element sibling) named name; NULL name = any element. */
const struct hoso_xml_node *hoso_xml_child(const struct hoso_xml_node *node, const char *name);
const struct hoso_xml_node *hoso_xml_next(const struct hoso_xml_node *node, const char *name);
/* Attribute value or element text as a malloc'd string the caller frees; NULL if absent. */
char *hoso_xml_attr(const struct hoso_xml_node *node, const char *name);
char *hoso_xml_text(const struct hoso_xml_node *node);
/* Line number of a node, for messages. */
long hoso_xml_line(const struct hoso_xml_node *node);
/* Initialize libxml2 once, before threads that parse are started (xmlInitParser). */
void hoso_xml_init(void);
/* Namespace URI of an element, or NULL when it has none (names are local names). */
const char *hoso_xml_ns(const struct hoso_xml_node *node);

#endif
