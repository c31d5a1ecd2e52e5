/* xml.h - XML writing and hardened reading; xml.c is the only libxml2 user. */
#ifndef HOSO_XML_H
#define HOSO_XML_H

#include <stdbool.h>
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

/*
 * Streaming reader: one node at a time, for documents too big to hold (the
 * sheets of an .xlsx). The same hardening as hoso_xml_parse: no network, no
 * DTD, no entity substitution, and a DOCTYPE is an error.
 */
struct hoso_xmlr;

enum hoso_xmlr_type {
	HOSO_XMLR_START = 1,	/* an element starts (for <x/>, hoso_xmlr_empty is true, no END) */
	HOSO_XMLR_END,		/* an element ends */
	HOSO_XMLR_TEXT,		/* text, CDATA or white space */
};

/*
 * read fills buf with up to len bytes and returns how many, 0 at the end, or
 * -1 on error (the reader's caller then has its own reason). label names the
 * document in messages.
 */
int hoso_xmlr_new(struct hoso_xmlr **r, int (*read)(void *ctx, char *buf, int len), void *ctx,
    const char *label, struct hoso_err *err);
/* Next node: 1 and *type, 0 at the end of the document, or a negative HOSO_E* code. */
int hoso_xmlr_next(struct hoso_xmlr *r, int *type, struct hoso_err *err);
/* The local name of the element (START, END); "" for text. */
const char *hoso_xmlr_name(struct hoso_xmlr *r);
bool hoso_xmlr_empty(struct hoso_xmlr *r);
/* An attribute of the element just started, malloc'd, or NULL. */
char *hoso_xmlr_attr(struct hoso_xmlr *r, const char *name);
/* The same, of the attribute with local name in namespace ns. */
char *hoso_xmlr_attr_ns(struct hoso_xmlr *r, const char *name, const char *ns);
/* The text of a TEXT node (valid until the next call); "" otherwise. */
const char *hoso_xmlr_value(struct hoso_xmlr *r);
long hoso_xmlr_line(struct hoso_xmlr *r);
void hoso_xmlr_free(struct hoso_xmlr *r);

#endif
