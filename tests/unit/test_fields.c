/*
 * test_fields.c - label matching and field extraction on made-up pages: rows of words with
 * boxes as Tesseract would give them, read with the shipped templates (no engine needed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fields.h"
#include "file.h"
#include "template.h"

static struct hoso_template_set set;

static int
setup(void **state)
{
	struct hoso_err err = { 0 };

	(void)state;
	return hoso_template_load_dir("data/templates", &set, &err);
}

static int
teardown(void **state)
{
	(void)state;
	hoso_template_set_free(&set);
	return 0;
}

/*
 * A page of text lines, 25 px a character, 100 px between lines; "|" in a
 * line starts a new Tesseract line on the same row (a far-away column).
 */
static void
make_page(struct hoso_ocr_layout *l, const char *const *lines, size_t n)
{
	size_t i, cap = 256;

	memset(l, 0, sizeof(*l));
	l->width = 2480;
	l->height = 3508;
	l->dpi = 300;
	l->words = calloc(cap, sizeof(*l->words));
	l->lines = calloc(cap, sizeof(*l->lines));
	assert_non_null(l->words);
	assert_non_null(l->lines);
	for (i = 0; i < n; i++) {
		const char *p = lines[i];
		int col = 0, y = 200 + (int)i * 100;
		struct hoso_ocr_line *ln = NULL;
		while (*p != '\0') {
			const char *sp;
			size_t len, chars = 0, k;
			if (*p == ' ') {
				p++;
				col++;
				continue;
			}
			if (ln == NULL || *p == '|') {
				if (*p == '|') {
					p++;
					col += 4;
					continue;
				}
				assert_true(l->n_lines < cap);
				ln = &l->lines[l->n_lines++];
				ln->first_word = l->n_words;
				ln->x0 = 200 + col * 25;
				ln->y0 = y;
				ln->y1 = y + 46;
				ln->base_y0 = ln->base_y1 = y + 40;
				ln->base_x0 = ln->x0;
			}
			sp = strchr(p, ' ');
			len = sp != NULL ? (size_t)(sp - p) : strlen(p);
			if (memchr(p, '|', len) != NULL)
				len = (size_t)((const char *)memchr(p, '|', len) - p);
			for (k = 0; k < len; k++)
				chars += ((unsigned char)p[k] & 0xc0) != 0x80;
			assert_true(l->n_words < cap);
			l->words[l->n_words].text = strndup(p, len);
			l->words[l->n_words].x0 = 200 + col * 25;
			l->words[l->n_words].x1 = 200 + (col + (int)chars) * 25;
			l->words[l->n_words].y0 = y;
			l->words[l->n_words].y1 = y + 46;
			l->words[l->n_words].confidence = 95;
			l->words[l->n_words].min_confidence = 90;
			l->words[l->n_words].line = l->n_lines - 1;
			l->n_words++;
			ln->n_words++;
			ln->x1 = ln->base_x1 = 200 + (col + (int)chars) * 25;
			col += (int)chars;
			p += len;
			/* The next '|' starts another Tesseract line. */
			if (*p == '|')
				ln = NULL, p++, col += 4;
		}
	}
}

static const struct hoso_fields_value *
value_of(const struct hoso_fields_page *pg, const char *name)
{
	size_t i;

	for (i = 0; i < pg->n_values; i++)
		if (strcmp(pg->values[i].field->name, name) == 0)
			return &pg->values[i];
	fail_msg("no field %s", name);
	return NULL;
}

static void
expect(const struct hoso_fields_page *pg, const char *name, const char *value, bool review)
{
	const struct hoso_fields_value *v = value_of(pg, name);

	if (strcmp(v->value, value) != 0 || v->review != review)
		fail_msg("%s: got '%s' review %d (%s), wanted '%s' review %d", name, v->value,
		    v->review, v->reason, value, review);
}

static void
keys(void **state)
{
	struct hoso_buf k = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };

	(void)state;
	assert_int_equal(hoso_fields_key("Họ, chữ đệm, tên:", &k, &err), 0);
	assert_string_equal(k.data, "hochudemten:");
	assert_int_equal(hoso_fields_key("ĐỊNH DANH; Số 5", &k, &err), 0);
	assert_string_equal(k.data, "dinhdanh:so5");
	hoso_buf_free(&k);
}

static void
matching(void **state)
{
	struct hoso_err err = { 0 };

	(void)state;
	/* Exact, without diacritics, upper case, with OCR slips. */
	assert_int_equal(hoso_fields_match("Năm sinh:", "Năm sinh: 1990", &err), 0);
	assert_int_equal(hoso_fields_match("Năm sinh:", "NAM SINH 1990", &err), 1);
	assert_int_equal(hoso_fields_match("Năm sinh:", "'Năhi sinh: 1990.", &err), 2);
	assert_int_equal(hoso_fields_match("Số định danh cá nhân:", "So dinh danh ca nhan: 0", &err), 0);
	assert_int_equal(hoso_fields_match("Quốc tịch:", "Năm sinh: 1992 Quoc tich: VN", &err), 0);
	/* Another label, or a label inside a word, is no match. */
	assert_int_equal(hoso_fields_match("Quê quán:", "Quốc tịch: Việt Nam", &err), -1);
	assert_int_equal(hoso_fields_match("Email:", "Địa chỉ: Thôn Đông", &err), -1);
	assert_int_equal(hoso_fields_match("Năm sinh:", "Tennamsinh 1990", &err), -1);
}

static const char *const khai_sinh_page[] = {
	"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
	"TỜ KHAI ĐĂNG KÝ KHAI SINH",
	"Kính gửi: Ủy ban nhân dân phường Bến Nghé",
	"Họ, chữ đệm, tên người yêu cầu: TRẦN VĂN BẢY",
	"Số định danh cá nhân: 079085001122",
	"Nơi cư trú: 12 Lê Lợi, phường Bến Nghé,",
	"   Quận 1, Thành phố Hồ Chí Minh",
	"Quan hệ với người được khai sinh: Cha",
	"Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
	"Họ, chữ đệm, tên: Trần Ngọc Hân .................",
	"Ngày, tháng, năm sinh: 01/02/2023",
	"Giới tính: Nữ |Dân tộc: Kinh |Quốc tịch: Việt Nam",
	"Nơi sinh: Bệnh viện Từ Dũ",
	"Quê quán: Bến Tre",
	"Họ, chữ đệm, tên người mẹ: Lê Thị Mai",
	"Năm sinh: 1995 |Dân tộc: Tày |Quốc tịch: Việt Nam",
	"Họ, chữ đệm, tên người cha: Trần Văn Bảy",
	"Năm sinh: 1985    Dân tộc: Kinh    Quốc tịch: Việt Nam",
	"Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.",
};

static void
khai_sinh(void **state)
{
	struct hoso_ocr_layout l;
	struct hoso_fields_page pg;
	struct hoso_err err = { 0 };
	const struct hoso_template *t;

	(void)state;
	make_page(&l, khai_sinh_page, sizeof(khai_sinh_page) / sizeof(khai_sinh_page[0]));
	t = hoso_fields_detect(&set, NULL, &l);
	assert_non_null(t);
	assert_string_equal(t->name, "khai-sinh");
	assert_int_equal(hoso_fields_extract(t, &l, NULL, &pg, &err), 0);
	expect(&pg, "co_quan", "Ủy ban nhân dân phường Bến Nghé", false);
	expect(&pg, "nguoi_yeu_cau", "TRẦN VĂN BẢY", false);
	expect(&pg, "so_dinh_danh_nguoi_yeu_cau", "079085001122", false);
	/* A block goes on over the indented line, and stops at the next label. */
	expect(&pg, "noi_cu_tru", "12 Lê Lợi, phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
	    false);
	expect(&pg, "quan_he", "Cha", false);
	/* The short label does not take the rows of the longer ones; leader dots go. */
	expect(&pg, "ho_ten", "Trần Ngọc Hân", false);
	expect(&pg, "ngay_sinh", "2023-02-01", false);
	/* Several labels on one row (and one row in several Tesseract lines). */
	expect(&pg, "gioi_tinh", "Nữ", false);
	expect(&pg, "dan_toc", "Kinh", false);
	expect(&pg, "quoc_tich", "Việt Nam", false);
	expect(&pg, "noi_sinh", "Bệnh viện Từ Dũ", false);
	expect(&pg, "que_quan", "Bến Tre", false);
	expect(&pg, "ho_ten_me", "Lê Thị Mai", false);
	/* "Năm sinh:" twice, told apart by section. */
	expect(&pg, "nam_sinh_me", "1995", false);
	expect(&pg, "ho_ten_cha", "Trần Văn Bảy", false);
	expect(&pg, "nam_sinh_cha", "1985", false);
	hoso_fields_page_free(&pg);
	hoso_ocr_layout_free(&l);
}

/*
 * Dots inside a value: a gap left in the writing ("…" between words) keeps the
 * words after it; dots Tesseract read as letters after the value do not.
 */
static const char *const gap_page[] = {
	"TỜ KHAI ĐĂNG KÝ KHAI SINH",
	"Kính gửi: Ủy ban…nhân dân xã Tam Dương",
	"Nơi sinh: Bệnh viện huyện...... Tam Dương",
	"Quê quán: Bến Tre......cc2EEtt",
	"Dân tộc: Kinh.........oo",
};

static void
gaps_inside_a_value(void **state)
{
	struct hoso_ocr_layout l;
	struct hoso_fields_page pg;
	struct hoso_err err = { 0 };
	const struct hoso_template *t;

	(void)state;
	make_page(&l, gap_page, sizeof(gap_page) / sizeof(gap_page[0]));
	t = hoso_template_find(&set, "khai-sinh");
	assert_non_null(t);
	assert_int_equal(hoso_fields_extract(t, &l, NULL, &pg, &err), 0);
	expect(&pg, "co_quan", "Ủy ban nhân dân xã Tam Dương", false);
	expect(&pg, "noi_sinh", "Bệnh viện huyện Tam Dương", false);
	expect(&pg, "que_quan", "Bến Tre", false);
	/* (flagged: its section's end is not on this short page) */
	expect(&pg, "dan_toc", "Kinh", true);
	hoso_fields_page_free(&pg);
	hoso_ocr_layout_free(&l);
}

/* Typed onto a dotted line: the dots that touched the letters came through in the words. */
static const char *const dotted_page[] = {
	"TỜ KHAI ĐĂNG KÝ KHAI SINH",
	"Kính gửi: Ủy..ban..nhân..dân.. TP.HCM",
	"Họ, chữ đệm, tên người yêu cầu: Nguyễn..Văn.. Bình",
	"Quan hệ với người được khai sinh: C.ha",
	"Quê quán: T.hôn..Thượng, xã Hàm Rồng",
};

static void
dotted(void **state)
{
	struct hoso_ocr_layout l;
	struct hoso_fields_page pg;
	struct hoso_err err = { 0 };
	const struct hoso_template *t = hoso_template_find(&set, "khai-sinh");

	(void)state;
	make_page(&l, dotted_page, sizeof(dotted_page) / sizeof(dotted_page[0]));
	assert_int_equal(hoso_fields_extract(t, &l, NULL, &pg, &err), 0);
	/* runs of dots are gaps; a dot before a small letter goes; TP.HCM keeps its own */
	expect(&pg, "co_quan", "Ủy ban nhân dân TP.HCM", false);
	expect(&pg, "nguoi_yeu_cau", "Nguyễn Văn Bình", false);
	expect(&pg, "quan_he", "Cha", false);
	expect(&pg, "que_quan", "Thôn Thượng, xã Hàm Rồng", false);
	/* raw stays as recognized */
	assert_string_equal(value_of(&pg, "quan_he")->raw, "C.ha");
	hoso_fields_page_free(&pg);
	hoso_ocr_layout_free(&l);
}

static const char *const ct01_page[] = {
	"TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
	"Kính gửi: Công an phường 3",
	"1. Họ, chữ đệm và tên: Đặng Thu Thảo",
	"2. Ngày, tháng, năm sinh: ngày 9 tháng 12 năm 1990",
	"3. Giới tính: Nam",
	"4. Số định danh cá nhân: 0791900O5566",
	"5. Số điện thoại liên hệ: 090 123 4567",
	"6. Email: thao.dang@example.vn",
	"7. Họ, chữ đệm và tên chủ hộ: Đặng Văn Hùng",
	"8. Mối quan hệ với chủ hộ: Con",
	"9. Số định danh cá nhân của chủ hộ: 12345",
	"11. Những thành viên trong hộ gia đình cùng thay đổi: Không",
};

static void
ct01(void **state)
{
	struct hoso_ocr_layout l;
	struct hoso_fields_page pg;
	struct hoso_buf xml = HOSO_BUF_INIT(0);
	struct hoso_err err = { 0 };
	const struct hoso_template *t = hoso_template_find(&set, "ct01");
	char path[] = "/tmp/test_fields.XXXXXX", cmd[256];
	int fd;

	(void)state;
	make_page(&l, ct01_page, sizeof(ct01_page) / sizeof(ct01_page[0]));
	/* Low confidence on the relation: kept, flagged. */
	l.words[l.lines[9].first_word + l.lines[9].n_words - 1].confidence = 40;
	/* A sure word with one doubtful letter in the e-mail: flagged too. */
	l.words[l.lines[7].first_word + l.lines[7].n_words - 1].min_confidence = 45;
	assert_true(hoso_fields_detect(&set, NULL, &l) == t);
	assert_int_equal(hoso_fields_extract(t, &l, NULL, &pg, &err), 0);
	expect(&pg, "ho_ten", "Đặng Thu Thảo", false);
	expect(&pg, "ngay_sinh", "1990-12-09", false);
	expect(&pg, "gioi_tinh", "Nam", false);
	expect(&pg, "dien_thoai", "0901234567", false);
	expect(&pg, "email", "thao.dang@example.vn", true);
	assert_non_null(strstr(value_of(&pg, "email")->reason, "a letter read with confidence 45"));
	expect(&pg, "ho_ten_chu_ho", "Đặng Văn Hùng", false);
	expect(&pg, "quan_he_chu_ho", "Con", true);
	/* A value that fails its validator is kept and flagged. */
	expect(&pg, "so_dinh_danh_chu_ho", "12345", true);
	/* Not on the page: empty and flagged. */
	expect(&pg, "noi_dung", "", true);
	assert_false(value_of(&pg, "noi_dung")->found);
	assert_string_equal(value_of(&pg, "quan_he_chu_ho")->raw, "Con");
	/* The document validates against its schema. */
	pg.page = 1;
	assert_int_equal(hoso_fields_xml(&pg, 1, &xml, &err), 0);
	assert_non_null(strstr(xml.data, "<field name=\"ngay_sinh\" type=\"date\" confidence=\"95.0\" "
	    "review=\"false\" raw=\"ngày 9 tháng 12 năm 1990\" bbox=\""));
	/* Where it was read: after the label on its row (y 500-546), inside the page. */
	{
		const struct hoso_fields_value *v = value_of(&pg, "ngay_sinh");
		char want[64];
		assert_true(v->y0 < 500 && v->y1 > 546 && v->y1 - v->y0 < 100);
		assert_true(v->x0 > 200 + 25 * (int)strlen("2. Ngày, tháng, năm") &&
		    v->x1 <= 2480 && v->x1 > v->x0);
		snprintf(want, sizeof(want), "bbox=\"%d %d %d %d\">1990-12-09<", v->x0, v->y0,
		    v->x1, v->y1);
		assert_non_null(strstr(xml.data, want));
		/* not on the page: the page was searched */
		v = value_of(&pg, "noi_dung");
		assert_true(v->x0 == 0 && v->y0 == 0 && v->x1 == 2480 && v->y1 == 3508);
	}
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(hoso_file_write_atomic(path, xml.data, xml.len, &err), 0);
	snprintf(cmd, sizeof(cmd), "xmllint --noout --schema data/schema/fields.xsd %s "
	    "2>/dev/null", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
	hoso_buf_free(&xml);
	hoso_fields_page_free(&pg);
	hoso_ocr_layout_free(&l);
}

static void
not_a_form(void **state)
{
	static const char *const lines[] = { "Biên bản họp tổ dân phố", "Năm sinh: 1990",
	    "Nội dung: bàn về vệ sinh" };
	struct hoso_ocr_layout l;

	(void)state;
	make_page(&l, lines, 3);
	assert_null(hoso_fields_detect(&set, NULL, &l));
	/* Named, but not a third of its labels: not this form either. */
	assert_null(hoso_fields_detect(&set, hoso_template_find(&set, "khai-sinh"), &l));
	hoso_ocr_layout_free(&l);
	make_page(&l, NULL, 0);
	assert_null(hoso_fields_detect(&set, NULL, &l));
	hoso_ocr_layout_free(&l);
}

/* A title in a sentence (a list of papers on a receipt) does not make the page that form. */
static void
title_in_a_sentence(void **state)
{
	static const char *const lines[] = { "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
	    "Mã hồ sơ: 000.17.22.H56-210531-0001",
	    "1. Tờ khai thay đổi thông tin cư trú (Mẫu CT01): 01 bản chính" };
	struct hoso_ocr_layout l;
	const struct hoso_template *t;

	(void)state;
	make_page(&l, lines, 3);
	t = hoso_fields_detect(&set, NULL, &l);
	assert_non_null(t);
	assert_string_equal(t->name, "tiep-nhan");
	hoso_ocr_layout_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys),
		cmocka_unit_test(matching),
		cmocka_unit_test(khai_sinh),
		cmocka_unit_test(ct01),
		cmocka_unit_test(dotted),
		cmocka_unit_test(gaps_inside_a_value),
		cmocka_unit_test(not_a_form),
		cmocka_unit_test(title_in_a_sentence),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
