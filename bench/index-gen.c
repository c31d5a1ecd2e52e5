/*
 * index-gen - fill STORE/index.sqlite with N generated dossiers of 3 pages of Vietnamese text
 * (names, identity numbers, addresses, the wording of forms), for bench/lookup.sh, and write
 * the queries to time: QUERIES.id, QUERIES.name, QUERIES.text (one per line, taken from what
 * was generated). The index is filled directly (the database layer), as the writers would
 * leave it; the store directory holds no dossiers, so its mtime is recorded as seen, and
 * lookup does not "catch up" by dropping them.
 *   index-gen STORE N QUERIES
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index_db.h"
#include "utf8.h"

static const char *const ho[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
    "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai",
    "Cao", "Lương", "Tạ", "Hà", "Quách" };
static const char *const dem[] = { "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh",
    "Quang", "Xuân", "Thu", "Hoài", "Kim", "Bảo", "Gia", "Anh", "Phương", "Tuấn", "Hải" };
static const char *const ten[] = { "An", "Bình", "Cúc", "Dũng", "Đạt", "Hà", "Hạ", "Hải",
    "Hằng", "Hoa", "Hùng", "Hương", "Khôi", "Lan", "Linh", "Long", "Mai", "Minh", "Nam",
    "Nga", "Ngân", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung",
    "Tú", "Tuấn", "Uyên", "Việt", "Vy", "Yến", "Khánh", "Duy", "Hiếu", "Lộc" };
static const char *const xa[] = { "Tam Dương", "Hợp Thịnh", "Đông Anh", "Hạ Long",
    "Hà Nam", "Vĩnh Tường", "Yên Lạc", "Lập Thạch", "Sông Lô", "Bình Xuyên", "Tam Đảo",
    "Phúc Yên", "Kim Long", "Đạo Tú", "Hoàng Đan", "Thanh Vân", "Duy Phiên", "Hướng Đạo" };
static const char *const tinh[] = { "Vĩnh Phúc", "Phú Thọ", "Thái Nguyên", "Bắc Giang",
    "Hà Nam", "Nam Định", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Quảng Ninh" };
static const char *const thu_tuc[] = { "Đăng ký khai sinh", "Đăng ký thường trú",
    "Đăng ký tạm trú", "Chứng thực bản sao", "Cấp giấy xác nhận tình trạng hôn nhân",
    "Đăng ký kết hôn", "Cấp đổi giấy phép lái xe", "Đăng ký hộ kinh doanh" };
static const char *const loi[] = { "Kính gửi Ủy ban nhân dân", "Tôi đề nghị cơ quan giải quyết",
    "Giấy tờ kèm theo gồm có", "Tôi cam đoan những nội dung khai trên là đúng sự thật",
    "và chịu trách nhiệm trước pháp luật về lời khai của mình", "Nơi cư trú hiện nay",
    "Quan hệ với người được khai", "Ngày tháng năm sinh", "Số định danh cá nhân",
    "Bộ phận tiếp nhận và trả kết quả", "Ngày hẹn trả kết quả", "Người tiếp nhận hồ sơ",
    "Bản sao có chứng thực", "Sổ hộ khẩu đã được thu hồi", "Lệ phí đã nộp theo quy định" };

#define PICK(a) ((a)[(size_t)(rnd() % (sizeof(a) / sizeof((a)[0])))])

static unsigned long long seed = 88172645463325252ULL;

static unsigned long long
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static void
fold(const char *s, struct hoso_buf *out)
{
	struct hoso_err e;

	hoso_buf_reset(out);
	if (hoso_utf8_fold_words(s, strlen(s), out, &e) != 0) {
		fprintf(stderr, "index-gen: %s\n", e.msg);
		exit(4);
	}
}

static void
die(const struct hoso_err *e)
{
	fprintf(stderr, "index-gen: %s\n", e->msg);
	exit(4);
}

int
main(int argc, char **argv)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), text[3], tf[3], nf = HOSO_BUF_INIT(0);
	struct hoso_idb_page pages[3];
	struct hoso_idb_field fields[3];
	struct hoso_idb_doc doc;
	struct hoso_idb *db;
	struct hoso_err e;
	struct stat sb;
	FILE *qid, *qname, *qtext;
	char code[64], date[16], stamp[32], id[16], name[128], mtime[48], sha[3][65], qpath[4096];
	bool fresh;
	long n, i;
	int k, p;

	if (argc != 4 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: index-gen STORE N QUERIES\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	hoso_err_clear(&e);
	if (hoso_buf_addf(&path, &e, "%s/index.sqlite", argv[1]) != 0 ||
	    hoso_idb_sqlite.open(hoso_buf_str(&path), NULL, &db, &fresh, NULL, &e) != 0)
		die(&e);
	snprintf(qpath, sizeof qpath, "%s.id", argv[3]);
	qid = fopen(qpath, "w");
	snprintf(qpath, sizeof qpath, "%s.name", argv[3]);
	qname = fopen(qpath, "w");
	snprintf(qpath, sizeof qpath, "%s.text", argv[3]);
	qtext = fopen(qpath, "w");
	if (qid == NULL || qname == NULL || qtext == NULL) {
		perror(argv[3]);
		return 4;
	}
	for (p = 0; p < 3; p++) {
		hoso_buf_init(&text[p], 0);
		hoso_buf_init(&tf[p], 0);
	}
	if (hoso_idb_sqlite.begin(db, &e) != 0)
		die(&e);
	for (i = 0; i < n; i++) {
		int y = 2020 + (int)(rnd() % 7), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);

		snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
		snprintf(code, sizeof code, "000.%02d.%02d.H56-%02d%02d%02d-%04ld", (int)(rnd() % 30),
		    (int)(rnd() % 40), y % 100, m, d, i % 10000);
		snprintf(id, sizeof id, "%03d%d%02d%06d", 1 + (int)(rnd() % 96), (int)(rnd() % 4),
		    (int)(rnd() % 100), (int)(rnd() % 1000000));
		snprintf(name, sizeof name, "%s %s %s", PICK(ho), PICK(dem), PICK(ten));
		snprintf(stamp, sizeof stamp, "gen:%ld", i);
		const char *x = PICK(xa), *t = PICK(tinh);

		for (p = 0; p < 3; p++) {
			hoso_buf_reset(&text[p]);
			hoso_buf_addf(&text[p], &e, "%s\n%s xã %s, tỉnh %s\nHọ, chữ đệm, tên: %s\n"
			    "Số định danh cá nhân: %s\n", PICK(thu_tuc), PICK(loi), x, t, name, id);
			for (k = 0; k < 14; k++)
				hoso_buf_addf(&text[p], &e, "%s %s. ", PICK(loi), k % 3 == 0 ? PICK(xa) :
				    PICK(ten));
			fold(hoso_buf_str(&text[p]), &tf[p]);
			snprintf(sha[p], sizeof sha[p], "%016llx%016llx%016llx%016llx", rnd(), rnd(),
			    rnd(), rnd());
			pages[p].n = p + 1;
			pages[p].sha256 = sha[p];
			pages[p].text = hoso_buf_str(&text[p]);
			pages[p].fold = hoso_buf_str(&tf[p]);
		}
		fold(name, &nf);
		fields[0] = (struct hoso_idb_field){ 1, "khai-sinh", "ho_ten", "name", name,
		    hoso_buf_str(&nf), rnd() % 10 == 0 };
		fields[1] = (struct hoso_idb_field){ 1, "khai-sinh", "so_dinh_danh", "cccd", id, id,
		    rnd() % 10 == 0 };
		fields[2] = (struct hoso_idb_field){ 1, "khai-sinh", "noi_cu_tru", "text", PICK(xa),
		    "", false };
		memset(&doc, 0, sizeof(doc));
		doc.code = code;
		doc.stamp = stamp;
		doc.title = PICK(thu_tuc);
		doc.unit = "000.17.22.H56";
		doc.received = date;
		doc.channel = rnd() % 2 ? "truc_tiep" : "truc_tuyen";
		doc.n_pages = 3;
		doc.pages = pages;
		doc.n_page_rows = 3;
		doc.fields = fields;
		doc.n_fields = 3;
		if (hoso_idb_sqlite.put(db, &doc, &e) != 0)
			die(&e);
		if (i % 500 == 0) {
			fprintf(qid, "%s\n", id);
			fprintf(qname, "%s\n", rnd() % 2 ? name : hoso_buf_str(&nf));
			/* a phrase: a name, or a commune and province (some hundred pages each) */
			if (rnd() % 2)
				fprintf(qtext, "%s\n", hoso_buf_str(&nf));
			else
				fprintf(qtext, "xã %s, tỉnh %s\n", x, t);
		}
		if (i % 5000 == 4999 && (hoso_idb_sqlite.commit(db, &e) != 0 ||
		    hoso_idb_sqlite.begin(db, &e) != 0))
			die(&e);
	}
	if (stat(argv[1], &sb) != 0) {
		perror(argv[1]);
		return 4;
	}
	snprintf(mtime, sizeof mtime, "%lld.%09ld", (long long)sb.st_mtim.tv_sec,
	    (long)sb.st_mtim.tv_nsec);
	if (hoso_idb_sqlite.meta_set(db, "store_mtime", mtime, &e) != 0 ||
	    hoso_idb_sqlite.commit(db, &e) != 0)
		die(&e);
	hoso_idb_sqlite.close(db);
	fclose(qid);
	fclose(qname);
	fclose(qtext);
	for (p = 0; p < 3; p++) {
		hoso_buf_free(&text[p]);
		hoso_buf_free(&tf[p]);
	}
	hoso_buf_free(&nf);
	hoso_buf_free(&path);
	return 0;
}
