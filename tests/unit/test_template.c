/* test_template.c - form templates: the shipped ones, the schema, and errors with file:line. */
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

#include "buf.h"
#include "file.h"
#include "template.h"

/* The field names of specs/forms.md, in order. */
static const char *const khai_sinh[] = { "co_quan", "nguoi_yeu_cau",
	"so_dinh_danh_nguoi_yeu_cau", "quan_he", "ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc",
	"quoc_tich", "noi_sinh", "que_quan", "ho_ten_me", "nam_sinh_me", "ho_ten_cha",
	"nam_sinh_cha", "noi_cu_tru", NULL };
static const char *const ct01[] = { "co_quan", "ho_ten", "ngay_sinh", "gioi_tinh",
	"so_dinh_danh", "dien_thoai", "email", "ho_ten_chu_ho", "quan_he_chu_ho",
	"so_dinh_danh_chu_ho", "noi_dung", NULL };
static const char *const tiep_nhan[] = { "ma_ho_so", "nguoi_nop", "dia_chi", "dien_thoai",
	"email", "noi_dung", "thoi_gian_nhan", "thoi_gian_tra", "noi_nhan_ket_qua", "quyen_so",
	NULL };

static void
check_names(const struct hoso_template *t, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		assert_true(i < t->n_fields);
		assert_string_equal(t->fields[i].name, names[i]);
	}
	assert_int_equal(t->n_fields, i);
}

static void
shipped(void **state)
{
	struct hoso_template_set set;
	struct hoso_buf names = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	const struct hoso_template *t;
	size_t i;

	(void)state;
	assert_int_equal(hoso_template_load_dir("data/templates", &set, &err), 0);
	assert_int_equal(set.n, 3);
	assert_int_equal(hoso_template_names(&set, &names, &err), 0);
	assert_string_equal(names.data, "ct01, khai-sinh, tiep-nhan");
	check_names(hoso_template_find(&set, "khai-sinh"), khai_sinh);
	check_names(hoso_template_find(&set, "ct01"), ct01);
	check_names(hoso_template_find(&set, "tiep-nhan"), tiep_nhan);
	assert_null(hoso_template_find(&set, "nope"));
	t = hoso_template_find(&set, "khai-sinh");
	assert_string_equal(t->titles[0], "TỜ KHAI ĐĂNG KÝ KHAI SINH");
	/* The repeated labels are told apart by their sections. */
	for (i = 0; i < t->n_fields; i++) {
		const struct hoso_template_field *f = &t->fields[i];
		if (strcmp(f->name, "nam_sinh_me") == 0) {
			assert_string_equal(f->labels[0], "Năm sinh:");
			assert_string_equal(f->after, "Họ, chữ đệm, tên người mẹ:");
			assert_int_equal(f->type, HOSO_VALIDATE_YEAR);
		}
		if (strcmp(f->name, "gioi_tinh") == 0) {
			assert_int_equal(f->type, HOSO_VALIDATE_ENUM);
			assert_int_equal(f->n_values, 2);
			assert_string_equal(f->values[1], "Nữ");
		}
		if (strcmp(f->name, "noi_sinh") == 0)
			assert_true(f->block);
	}
	hoso_buf_free(&names);
	hoso_template_set_free(&set);
}

/* The shipped templates validate against the schema they ship with (independent of our parser). */
static void
schema(void **state)
{
	const char *forms[] = { "khai-sinh", "ct01", "tiep-nhan" };
	char cmd[512];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout --schema data/schema/template.xsd "
		    "data/templates/%s.xml 2>/dev/null", forms[i]);
		assert_int_equal(system(cmd), 0);
	}
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

/* parse text; expect HOSO_EINPUT and a message holding want. */
static void
refused(const char *text, const char *want)
{
	struct hoso_template *t = NULL;
	struct hoso_err err = { 0 };

	if (hoso_template_parse(text, strlen(text), "t.xml", &t, &err) != HOSO_EINPUT)
		fail_msg("accepted: %s", text);
	assert_null(t);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, want);
}

static void
errors(void **state)
{
	(void)state;
	refused("not xml", "t.xml");
	refused(HEAD "<form/>", "t.xml:2: the root element must be <template>");
	refused(HEAD "<template name=\"x\"><title>T</title></template>", "version=\"1\"");
	refused(HEAD "<template name=\"Bad Name\" version=\"1\"><title>T</title></template>",
	    "t.xml:2:");
	refused(HEAD "<template name=\"x\" version=\"1\"><title>T</title></template>",
	    "at least one <field>");
	refused(HEAD "<template name=\"x\" version=\"1\">\n<title>T</title>\n"
	    "<field name=\"a\" type=\"number\"><label>A:</label></field>\n</template>",
	    "t.xml:4: field a: type must be");
	refused(HEAD "<template name=\"x\" version=\"1\">\n<title>T</title>\n"
	    "<field name=\"a\" type=\"text\"/>\n</template>", "t.xml:4: field a needs a <label>");
	refused(HEAD "<template name=\"x\" version=\"1\"><title>T</title>"
	    "<field name=\"a\" type=\"enum\"><label>A:</label></field></template>", "enum");
	refused(HEAD "<template name=\"x\" version=\"1\"><title>T</title>"
	    "<field name=\"a\" type=\"text\"><label>A:</label></field>"
	    "<field name=\"a\" type=\"text\"><label>B:</label></field></template>", "twice");
	refused(HEAD "<template name=\"x\" version=\"1\"><title>T</title>"
	    "<field name=\"a\" type=\"text\" after=\"X\"><label>A:</label></field></template>",
	    "t.xml:2: <field> has no attribute after");
	refused(HEAD "<template name=\"x\" version=\"1\"><title>T</title>"
	    "<field name=\"a\" type=\"text\"><label>A:</label><select occurrence=\"0\"/></field>"
	    "</template>", "occurrence");
	refused(HEAD "<template name=\"x\" version=\"1\"><title>T</title>"
	    "<field name=\"a\" type=\"text\"><label>A:</label><zone relative-to=\"page\" x=\"0\" "
	    "y=\"0\" width=\"2\" height=\"0.1\"/></field></template>", "width");
	refused(HEAD "<template name=\"x\" version=\"1\"><title>T</title>"
	    "<field name=\"a\" type=\"text\"><label>   </label></field></template>", "<label>");
	refused(HEAD "<!DOCTYPE t [<!ENTITY a \"b\">]><template name=\"x\" version=\"1\"/>", "t.xml");
}

static void
zones_and_selects(void **state)
{
	const char *text = HEAD "<template name=\"x\" version=\"1\" min-confidence=\"70\">"
	    "<title>MẪU</title><stop>Ghi chú:</stop>"
	    "<field name=\"a\" type=\"date\" min-confidence=\"90\"><label>Ngày:</label>"
	    "<label>Ngay:</label><select occurrence=\"2\" after=\"Phần B\" before=\"Phần C\"/>"
	    "<zone relative-to=\"label\" x=\"0\" y=\"-1\" width=\"60\" height=\"8\"/></field>"
	    "<field name=\"b\" type=\"text\" block=\"true\" max-lines=\"5\">"
	    "<zone relative-to=\"page\" x=\"0.1\" y=\"0.2\" width=\"0.5\" height=\"0.1\"/></field>"
	    "</template>";
	struct hoso_template *t = NULL;
	struct hoso_err err = { 0 };

	(void)state;
	assert_int_equal(hoso_template_parse(text, strlen(text), "t.xml", &t, &err), 0);
	assert_int_equal(t->n_fields, 2);
	assert_int_equal(t->fields[0].n_labels, 2);
	assert_int_equal(t->fields[0].occurrence, 2);
	assert_string_equal(t->fields[0].after, "Phần B");
	assert_string_equal(t->fields[0].before, "Phần C");
	assert_true(t->fields[0].zone.set && t->fields[0].zone.from_label);
	assert_true(t->fields[0].zone.y == -1 && t->fields[0].zone.width == 60);
	assert_true(t->fields[0].min_confidence == 90);
	assert_true(t->fields[1].min_confidence == 70);
	assert_int_equal(t->fields[1].max_lines, 5);
	assert_true(t->fields[1].zone.set && !t->fields[1].zone.from_label);
	assert_int_equal(t->n_stops, 1);
	hoso_template_free(t);
}

static void
directory(void **state)
{
	char dir[] = "/tmp/test_template.XXXXXX";
	struct hoso_template_set set;
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	const char *one = HEAD "<template name=\"x\" version=\"1\"><title>T</title>"
	    "<field name=\"a\" type=\"text\"><label>A:</label></field></template>";

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(hoso_file_join(&path, dir, "a.xml", &err), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, one, strlen(one), &err), 0);
	assert_int_equal(hoso_template_load_dir(dir, &set, &err), 0);
	assert_int_equal(set.n, 1);
	hoso_template_set_free(&set);
	/* Two files, one form name. */
	assert_int_equal(hoso_file_join(&path, dir, "b.xml", &err), 0);
	assert_int_equal(hoso_file_write_atomic(path.data, one, strlen(one), &err), 0);
	assert_int_equal(hoso_template_load_dir(dir, &set, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "two templates named x"));
	/* A broken one is named with its line. */
	assert_int_equal(hoso_file_write_atomic(path.data, HEAD "<template>\n<x/>", 26 + 12, &err), 0);
	assert_int_equal(hoso_template_load_dir(dir, &set, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "b.xml"));
	unlink(path.data);
	assert_int_equal(hoso_file_join(&path, dir, "a.xml", &err), 0);
	unlink(path.data);
	rmdir(dir);
	assert_int_not_equal(hoso_template_load_dir(dir, &set, &err), 0);
	assert_non_null(strstr(err.msg, dir));
	hoso_buf_free(&path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped),
		cmocka_unit_test(schema),
		cmocka_unit_test(errors),
		cmocka_unit_test(zones_and_selects),
		cmocka_unit_test(directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
