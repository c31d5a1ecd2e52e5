/* test_review.c - the fields document read back and written again, corrections saved by rule, reviews carried. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "http.h"
#include "review.h"
#include "store.h"
#include "template.h"

static char top[64];
static struct hoso_template_set set;

static const char fields_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<fields version=\"1\">\n"
    "  <form name=\"khai-sinh\" page=\"1\" source=\"a.png\">\n"
    "    <field name=\"ho_ten\" type=\"name\" confidence=\"61.0\" review=\"true\" "
    "raw=\"Ffoàng T.hu.Hùng\" "
    "reason=\"handwritten\" bbox=\"10 20 300 60\">Ffoàng Thu Hùng</field>\n"
    "    <field name=\"ngay_sinh\" confidence=\"90.0\" review=\"true\" raw=\"12/03/2O24\" "
    "reason=\"not a date\" bbox=\"10 70 300 110\">12/03/2O24</field>\n"
    "    <field name=\"dan_toc\" confidence=\"96.0\" review=\"false\" raw=\"Kinh\" "
    "bbox=\"10 120 300 160\">Kinh</field>\n"
    "    <field name=\"quoc_tich\" confidence=\"0.0\" review=\"true\" raw=\"\" "
    "reason=\"label not found\" bbox=\"0 0 2480 3508\"/>\n"
    "  </form>\n"
    "  <form name=\"tiep-nhan\" page=\"2\">\n"
    "    <field name=\"nguoi_nop\" confidence=\"50.0\" review=\"true\" raw=\"Lê Thi Hoa\" "
    "bbox=\"1 2 3 4\">Lê Thi Hoa</field>\n"
    "  </form>\n"
    "</fields>\n";

static int
setup(void **state)
{
	struct hoso_err err = { 0 };

	(void)state;
	snprintf(top, sizeof(top), "/tmp/hoso-review-test-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	return hoso_template_load_dir("data/templates", &set, &err);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	hoso_template_set_free(&set);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd);
}

/* STORE/code with dossier.xml listing ocr/fields.xml, and that file. */
static struct hoso_dossier *
make_dossier(const char *code, const char *fields)
{
	struct hoso_dossier *d = NULL;
	struct hoso_err err = { 0 };
	char path[256], xml[512];

	snprintf(path, sizeof(path), "%s/%s/ocr", top, code);
	assert_int_equal(hoso_file_mkdirs(path, &err), 0);
	snprintf(path, sizeof(path), "%s/%s/ocr/fields.xml", top, code);
	assert_int_equal(hoso_file_write_atomic(path, fields, strlen(fields), &err), 0);
	snprintf(xml, sizeof(xml), "<?xml version=\"1.0\"?>\n<dossier version=\"1\"><ma_ho_so>%s"
	    "</ma_ho_so><ngon_ngu>vi</ngon_ngu><so_trang>0</so_trang><pages/>"
	    "<ocr fields=\"ocr/fields.xml\"/></dossier>\n", code);
	snprintf(path, sizeof(path), "%s/%s/dossier.xml", top, code);
	assert_int_equal(hoso_file_write_atomic(path, xml, strlen(xml), &err), 0);
	assert_int_equal(hoso_store_open(top, code, false, &d, &err), 0);
	return d;
}

static void
parse_and_write_back(void **state)
{
	struct hoso_review_doc *doc = NULL, *again = NULL;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(hoso_review_parse(fields_xml, strlen(fields_xml), "f.xml", &doc, &err), 0);
	assert_int_equal(doc->n_forms, 2);
	assert_int_equal(doc->n_fields, 5);
	assert_string_equal(doc->forms[0].source, "a.png");
	assert_null(doc->forms[1].source);
	assert_string_equal(doc->fields[3].value, "");
	assert_int_equal(doc->fields[0].x1, 300);
	assert_int_equal(hoso_review_left(doc), 4);
	/* The template's type, when the document names it (older ones do not). */
	assert_string_equal(doc->fields[0].type, "name");
	assert_null(doc->fields[1].type);
	assert_int_equal(hoso_review_find(doc, 2, "nguoi_nop"), 4);
	assert_int_equal(hoso_review_find(doc, 1, "nguoi_nop"), -1);
	assert_int_equal(hoso_review_to_xml(doc, &out, &err), 0);
	assert_int_equal(hoso_review_parse(out.data, out.len, "again", &again, &err), 0);
	assert_int_equal(again->n_fields, doc->n_fields);
	for (i = 0; i < doc->n_fields; i++) {
		assert_string_equal(again->fields[i].value, doc->fields[i].value);
		assert_string_equal(again->fields[i].raw, doc->fields[i].raw);
		assert_string_equal(again->fields[i].tag, doc->fields[i].tag);
		assert_int_equal(again->fields[i].form, doc->fields[i].form);
		assert_true((again->fields[i].type == NULL) == (doc->fields[i].type == NULL));
	}
	assert_string_equal(again->fields[0].type, "name");
	hoso_review_doc_free(doc);
	hoso_review_doc_free(again);
	hoso_buf_free(&out);
}

static void
bad_documents_refused(void **state)
{
	static const char *const bad[] = {
		"<fields version=\"2\"/>",
		"<other version=\"1\"/>",
		"<fields version=\"1\"><form page=\"1\"/></fields>",
		"<fields version=\"1\"><form name=\"x\" page=\"0\"/></fields>",
		"<fields version=\"1\"><form name=\"x\" page=\"1\"><field name=\"a\" confidence=\"1\" "
		    "review=\"true\" raw=\"\" bbox=\"1 2 3\"/></form></fields>",
		"<fields version=\"1\"><form name=\"x\" page=\"1\"><field name=\"a\" confidence=\"1\" "
		    "review=\"maybe\" raw=\"\" bbox=\"1 2 3 4\"/></form></fields>",
		"<fields version=\"1\"><form name=\"x\" page=\"1\"><field name=\"A/../b\" "
		    "confidence=\"1\" review=\"true\" raw=\"\" bbox=\"1 2 3 4\"/></form></fields>",
		"<fields version=\"1\"><form name=\"x\" page=\"1\"><field name=\"a\" confidence=\"1\" "
		    "review=\"true\" raw=\"\" by=\"me\" bbox=\"1 2 3 4\"/></form></fields>",
		"<fields version=\"1\"><form name=\"x\" page=\"1\"><field name=\"a\" confidence=\"101\" "
		    "review=\"true\" raw=\"\" bbox=\"1 2 3 4\"/></form></fields>",
		"<!DOCTYPE fields [<!ENTITY x \"y\">]><fields version=\"1\"/>",
	};
	struct hoso_review_doc *doc = NULL;
	struct hoso_err err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hoso_review_parse(bad[i], strlen(bad[i]), "bad", &doc, &err),
		    HOSO_EINPUT);
		assert_null(doc);
	}
}

static void
corrections_saved_by_rule(void **state)
{
	struct hoso_dossier *d = make_dossier("A1", fields_xml);
	struct hoso_review_doc *doc = NULL;
	struct hoso_err err = { 0 };
	struct hoso_review_edit e[4];
	char tag_ho_ten[17], tag_ngay[17];
	size_t saved;
	long k;

	(void)state;
	assert_int_equal(hoso_review_load(d, &doc, &err), 0);
	memcpy(tag_ho_ten, doc->fields[0].tag, sizeof(tag_ho_ten));
	memcpy(tag_ngay, doc->fields[1].tag, sizeof(tag_ngay));
	hoso_review_doc_free(doc);

	memset(e, 0, sizeof(e));
	/* A name typed decomposed (NFD), as some input methods send it: stored NFC. */
	e[0] = (struct hoso_review_edit){ .page = 1, .field = "ho_ten",
	    .value = "Hoa\xcc\x80ng Thu Hu\xcc\x80ng", .tag = tag_ho_ten };
	/* A date the validator refuses: nothing saved for it, with its reason. */
	e[1] = (struct hoso_review_edit){ .page = 1, .field = "ngay_sinh", .value = "31/02/2024",
	    .tag = tag_ngay };
	/* A field that is not there. */
	e[2] = (struct hoso_review_edit){ .page = 1, .field = "nope", .value = "x" };
	/* Confirming the reading as it is (value NULL), with the value seen. */
	e[3] = (struct hoso_review_edit){ .page = 2, .field = "nguoi_nop", .value = NULL,
	    .expect = "Lê Thi Hoa" };
	assert_int_equal(hoso_review_apply(d, &set, e, 4, "Chị Lan", "2026-12-08T09:14:03+07:00",
	    &saved, &doc, &err), 0);
	/* The document after the saves, as written under the lock. */
	assert_string_equal(doc->fields[hoso_review_find(doc, 1, "ho_ten")].value, "Hoàng Thu Hùng");
	hoso_review_doc_free(doc);
	doc = NULL;
	assert_int_equal(saved, 2);
	assert_int_equal(e[0].status, 0);
	assert_int_equal(e[1].status, HOSO_EINPUT);
	assert_non_null(strstr(e[1].message, "31"));
	assert_int_equal(e[2].status, HOSO_EINPUT);
	assert_int_equal(e[3].status, 0);

	assert_int_equal(hoso_review_load(d, &doc, &err), 0);
	k = hoso_review_find(doc, 1, "ho_ten");
	assert_string_equal(doc->fields[k].value, "Hoàng Thu Hùng");
	assert_string_equal(doc->fields[k].ocr, "Ffoàng Thu Hùng");
	assert_string_equal(doc->fields[k].raw, "Ffoàng T.hu.Hùng");
	assert_string_equal(doc->fields[k].by, "Chị Lan");
	assert_string_equal(doc->fields[k].at, "2026-12-08T09:14:03+07:00");
	assert_false(doc->fields[k].review);
	k = hoso_review_find(doc, 1, "ngay_sinh");
	assert_true(doc->fields[k].review);
	assert_null(doc->fields[k].by);
	k = hoso_review_find(doc, 2, "nguoi_nop");
	assert_false(doc->fields[k].review);
	assert_null(doc->fields[k].ocr);	/* confirmed, not changed */
	assert_int_equal(hoso_review_left(doc), 2);
	hoso_review_doc_free(doc);

	/* dossier.xml says who reviewed, when, and what is left. */
	hoso_store_close(d);
	d = NULL;
	assert_int_equal(hoso_store_open(top, "A1", false, &d, &err), 0);
	assert_string_equal(d->review_by, "Chị Lan");
	assert_int_equal(d->review_left, 2);

	/* A save from a page loaded before: refused, nothing overwritten. */
	memset(e, 0, sizeof(e));
	e[0] = (struct hoso_review_edit){ .page = 1, .field = "ho_ten", .value = "Other",
	    .tag = tag_ho_ten };
	e[1] = (struct hoso_review_edit){ .page = 2, .field = "nguoi_nop", .value = "X",
	    .expect = "Lê Thi Hoa (old)" };
	assert_int_equal(hoso_review_apply(d, &set, e, 2, "B", "2026-12-08T10:00:00+07:00",
	    &saved, NULL, &err), 0);
	assert_int_equal(saved, 0);
	assert_int_equal(e[0].status, HOSO_ENO);
	assert_non_null(strstr(e[0].message, "Chị Lan"));
	assert_int_equal(e[1].status, HOSO_ENO);
	assert_int_equal(hoso_review_load(d, &doc, &err), 0);
	assert_string_equal(doc->fields[hoso_review_find(doc, 1, "ho_ten")].value,
	    "Hoàng Thu Hùng");
	hoso_review_doc_free(doc);

	/* Control characters are not a value. */
	e[0] = (struct hoso_review_edit){ .page = 1, .field = "dan_toc", .value = "Ki\x1bnh" };
	assert_int_equal(hoso_review_apply(d, &set, e, 1, "B", "2026-12-08T10:00:00+07:00",
	    &saved, NULL, &err), 0);
	assert_int_equal(e[0].status, HOSO_EINPUT);
	hoso_store_close(d);
}

static void
no_fields_no_review(void **state)
{
	struct hoso_dossier *d = NULL;
	struct hoso_err err = { 0 };
	struct hoso_review_edit e = { .page = 1, .field = "ho_ten", .value = "x" };
	char path[256], xml[] = "<?xml version=\"1.0\"?>\n<dossier version=\"1\"><ma_ho_so>E"
	    "</ma_ho_so><ngon_ngu>vi</ngon_ngu><so_trang>0</so_trang><pages/></dossier>\n";
	size_t saved;

	(void)state;
	snprintf(path, sizeof(path), "%s/E", top);
	assert_int_equal(hoso_file_mkdirs(path, &err), 0);
	snprintf(path, sizeof(path), "%s/E/dossier.xml", top);
	assert_int_equal(hoso_file_write_atomic(path, xml, strlen(xml), &err), 0);
	assert_int_equal(hoso_store_open(top, "E", false, &d, &err), 0);
	assert_int_equal(hoso_review_apply(d, &set, &e, 1, "B", "2026-12-08T10:00:00+07:00",
	    &saved, NULL, &err), HOSO_EINPUT);
	assert_int_equal(hoso_store_set_review(d, "B", "2026-12-08T10:00:00+07:00", 0, &err),
	    HOSO_EINPUT);
	hoso_store_close(d);
}

static void
reviews_carried_into_a_new_reading(void **state)
{
	struct hoso_review_doc *old = NULL, *nd = NULL;
	struct hoso_err err = { 0 };
	size_t carried;
	static const char old_xml[] =
	    "<fields version=\"1\"><form name=\"khai-sinh\" page=\"1\">"
	    "<field name=\"ho_ten\" confidence=\"61.0\" review=\"false\" raw=\"x\" by=\"Lan\" "
	    "at=\"2026-12-08T09:14:03+07:00\" ocr=\"Ffoàng\" bbox=\"1 2 3 4\">Hoàng</field>"
	    "<field name=\"dan_toc\" confidence=\"61.0\" review=\"true\" raw=\"x\" "
	    "bbox=\"1 2 3 4\">Kinh</field></form>"
	    "<form name=\"tiep-nhan\" page=\"2\"><field name=\"nguoi_nop\" confidence=\"61.0\" "
	    "review=\"false\" raw=\"x\" by=\"Lan\" at=\"2026-12-08T09:14:03+07:00\" "
	    "bbox=\"1 2 3 4\">Lê</field></form></fields>";
	static const char new_xml[] =
	    "<fields version=\"1\"><form name=\"khai-sinh\" page=\"1\">"
	    "<field name=\"ho_ten\" confidence=\"70.0\" review=\"true\" raw=\"y\" "
	    "bbox=\"1 2 3 4\">Hoang</field>"
	    "<field name=\"dan_toc\" confidence=\"61.0\" review=\"true\" raw=\"x\" "
	    "bbox=\"1 2 3 4\">Kinh</field></form>"
	    "<form name=\"ct01\" page=\"2\"><field name=\"nguoi_nop\" confidence=\"61.0\" "
	    "review=\"true\" raw=\"x\" bbox=\"1 2 3 4\">Le</field></form></fields>";

	(void)state;
	assert_int_equal(hoso_review_parse(old_xml, strlen(old_xml), "old", &old, &err), 0);
	assert_int_equal(hoso_review_parse(new_xml, strlen(new_xml), "new", &nd, &err), 0);
	assert_int_equal(hoso_review_carry(old, nd, &carried, &err), 0);
	assert_int_equal(carried, 1);
	assert_string_equal(nd->fields[0].value, "Hoàng");
	assert_string_equal(nd->fields[0].ocr, "Hoang");
	assert_string_equal(nd->fields[0].by, "Lan");
	assert_false(nd->fields[0].review);
	assert_true(nd->fields[1].review);		/* nobody reviewed it */
	assert_true(nd->fields[2].review);		/* another form on that page now */
	assert_string_equal(nd->fields[2].value, "Le");
	hoso_review_doc_free(old);
	hoso_review_doc_free(nd);
}

static void
form_values_and_secrets(void **state)
{
	struct hoso_buf v = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	static const char body[] = "a=1&ho_ten=V%C3%B5+Tr%E1%BB%8Dng&v.ho_ten=ab&empty=&bad=%zz%4";

	(void)state;
	assert_int_equal(hoso_http_form_value(body, strlen(body), "ho_ten", &v, &err), 1);
	assert_string_equal(hoso_buf_str(&v), "Võ Trọng");
	assert_int_equal(hoso_http_form_value(body, strlen(body), "v.ho_ten", &v, &err), 1);
	assert_string_equal(hoso_buf_str(&v), "ab");
	assert_int_equal(hoso_http_form_value(body, strlen(body), "empty", &v, &err), 1);
	assert_string_equal(hoso_buf_str(&v), "");
	assert_int_equal(hoso_http_form_value(body, strlen(body), "bad", &v, &err), 1);
	assert_string_equal(hoso_buf_str(&v), "%zz%4");
	assert_int_equal(hoso_http_form_value(body, strlen(body), "ho", &v, &err), 0);
	assert_true(hoso_http_secret_equal("abc123", "abc123"));
	assert_false(hoso_http_secret_equal("abc124", "abc123"));
	assert_false(hoso_http_secret_equal("abc12", "abc123"));
	assert_false(hoso_http_secret_equal("abc1234", "abc123"));
	assert_false(hoso_http_secret_equal("", ""));
	hoso_buf_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_write_back),
		cmocka_unit_test(bad_documents_refused),
		cmocka_unit_test(corrections_saved_by_rule),
		cmocka_unit_test(no_fields_no_review),
		cmocka_unit_test(reviews_carried_into_a_new_reading),
		cmocka_unit_test(form_values_and_secrets),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
