/* test_xml.c - the XML writer and the hardened reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "xml.h"

static void
writer_escapes_and_normalizes(void **state)
{
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_xmlw *w;
	struct hoso_err e;

	(void)state;
	assert_int_equal(hoso_xmlw_new(&w, &e), 0);
	assert_int_equal(hoso_xmlw_start(w, "a", &e), 0);
	assert_int_equal(hoso_xmlw_attr(w, "x", "<\"&'>", &e), 0);
	assert_int_equal(hoso_xmlw_elem(w, "b", "Vi\x65\xcc\xa3\xcc\x82t & co", &e), 0);
	assert_int_equal(hoso_xmlw_finish(w, &out, &e), 0);
	hoso_xmlw_free(w);
	assert_non_null(strstr(out.data, "x=\"&lt;&quot;&amp;'&gt;\""));
	assert_non_null(strstr(out.data, "<b>Việt &amp; co</b>"));
	assert_non_null(strstr(out.data, "encoding=\"UTF-8\""));
	hoso_buf_free(&out);

	/* Not UTF-8: refused, not written as garbage. */
	assert_int_equal(hoso_xmlw_new(&w, &e), 0);
	assert_int_equal(hoso_xmlw_start(w, "a", &e), 0);
	assert_int_equal(hoso_xmlw_attr(w, "x", "\xff", &e), HOSO_EINPUT);
	hoso_xmlw_free(w);
}

static void
reader_walks_elements(void **state)
{
	const char doc[] = "<?xml version=\"1.0\"?>\n<r v=\"1\">\n <p n=\"1\">one</p>\n"
	    " <q/>\n <p n=\"2\">two</p>\n</r>\n";
	const struct hoso_xml_node *root, *p;
	struct hoso_xml *x;
	struct hoso_err e;
	char *s;

	(void)state;
	assert_int_equal(hoso_xml_parse(doc, strlen(doc), "t.xml", &x, &e), 0);
	root = hoso_xml_root(x);
	assert_string_equal(hoso_xml_name(root), "r");
	s = hoso_xml_attr(root, "v");
	assert_string_equal(s, "1");
	free(s);
	assert_null(hoso_xml_attr(root, "missing"));
	p = hoso_xml_child(root, "p");
	assert_non_null(p);
	s = hoso_xml_text(p);
	assert_string_equal(s, "one");
	free(s);
	assert_int_equal(hoso_xml_line(p), 3);
	p = hoso_xml_next(p, "p");
	s = hoso_xml_attr(p, "n");
	assert_string_equal(s, "2");
	free(s);
	assert_null(hoso_xml_next(p, "p"));
	hoso_xml_free(x);
}

static void
reader_refuses_doctype_and_entities(void **state)
{
	const char xxe[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">]>\n<r>&x;</r>";
	const char lol[] = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><r>&b;</r>";
	const char bad[] = "<r><unclosed></r>";
	struct hoso_xml *x = NULL;
	struct hoso_err e;

	(void)state;
	assert_int_equal(hoso_xml_parse(xxe, strlen(xxe), "xxe.xml", &x, &e), HOSO_EINPUT);
	assert_null(x);
	assert_non_null(strstr(e.msg, "xxe.xml"));
	assert_int_equal(hoso_xml_parse(lol, strlen(lol), "lol.xml", &x, &e), HOSO_EINPUT);
	assert_null(x);
	assert_int_equal(hoso_xml_parse(bad, strlen(bad), "bad.xml", &x, &e), HOSO_EINPUT);
	assert_non_null(strstr(e.msg, "bad.xml:1"));
	assert_int_equal(hoso_xml_parse("", 0, "empty.xml", &x, &e), HOSO_EINPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writer_escapes_and_normalizes),
		cmocka_unit_test(reader_walks_elements),
		cmocka_unit_test(reader_refuses_doctype_and_entities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
