/*
 * fuzz_lookup.c - libFuzzer target for lookup's query side (index.c, utf8.c's words): any
 * bytes as a name, a phrase or an identity number against a small index either find
 * something, find nothing, or are refused as a usage error with a message; a snippet is valid
 * UTF-8 with its match marked; the words of any bytes fold without fault. The index is made
 * once, in a temporary store, with page texts and names that share words with typical inputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index.h"
#include "index_db.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char store[64];
static struct hoso_index *ix;

static void
make_index(void)
{
	static const char *const texts[] = {
		"Kính gửi UBND xã Hà Nam. Tôi là Nguyễn Văn An, số định danh 026090001234.",
		"Hộ khẩu thường trú ở xã Hạ Long \"AND\" (OR) NEAR* tỉnh Quảng Ninh",
		"Đăng ký tạm trú tại phường Đống Đa, Hà Nội; ngày 12/03/2024.",
	};
	struct hoso_buf path = HOSO_BUF_INIT(0), folds[3], nf = HOSO_BUF_INIT(0);
	struct hoso_idb_page pages[3];
	struct hoso_idb_field fields[2];
	struct hoso_idb_doc doc;
	struct hoso_index_opts o;
	struct hoso_idb *db;
	struct hoso_err e;
	struct stat sb;
	char mtime[48];
	bool fresh;
	int i;

	snprintf(store, sizeof store, "/tmp/hoso-fuzz-lookup-XXXXXX");
	if (mkdtemp(store) == NULL || hoso_buf_addf(&path, &e, "%s/index.sqlite", store) != 0 ||
	    hoso_idb_sqlite.open(hoso_buf_str(&path), NULL, &db, &fresh, NULL, &e) != 0)
		abort();
	for (i = 0; i < 3; i++) {
		hoso_buf_init(&folds[i], 0);
		if (hoso_utf8_fold_words(texts[i], strlen(texts[i]), &folds[i], &e) != 0)
			abort();
		pages[i] = (struct hoso_idb_page){ i + 1, "00", texts[i], hoso_buf_str(&folds[i]) };
	}
	if (hoso_utf8_fold_words("Nguyễn Văn An", strlen("Nguyễn Văn An"), &nf, &e) != 0)
		abort();
	fields[0] = (struct hoso_idb_field){ 1, "khai-sinh", "ho_ten", "name", "Nguyễn Văn An",
	    hoso_buf_str(&nf), false };
	fields[1] = (struct hoso_idb_field){ 1, "khai-sinh", "so", "cccd", "026090001234", "", true };
	memset(&doc, 0, sizeof(doc));
	doc.code = "F-240101-0001";
	doc.stamp = "x";
	doc.received = "2024-01-01";
	doc.n_pages = 3;
	doc.pages = pages;
	doc.n_page_rows = 3;
	doc.fields = fields;
	doc.n_fields = 2;
	if (stat(store, &sb) != 0)
		abort();
	snprintf(mtime, sizeof mtime, "%lld.%09ld", (long long)sb.st_mtim.tv_sec,
	    (long)sb.st_mtim.tv_nsec);
	if (hoso_idb_sqlite.begin(db, &e) != 0 || hoso_idb_sqlite.put(db, &doc, &e) != 0 ||
	    hoso_idb_sqlite.meta_set(db, "store_mtime", mtime, &e) != 0 ||
	    hoso_idb_sqlite.commit(db, &e) != 0)
		abort();
	hoso_idb_sqlite.close(db);
	memset(&o, 0, sizeof(o));
	o.store = store;
	if (hoso_index_open(&o, &ix, &e) != 0)
		abort();
	for (i = 0; i < 3; i++)
		hoso_buf_free(&folds[i]);
	hoso_buf_free(&nf);
	hoso_buf_free(&path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_index_query q;
	struct hoso_index_result res;
	struct hoso_buf fold = HOSO_BUF_INIT(0);
	struct hoso_err e;
	char *s;
	size_t i, k;
	int r, kind;

	if (ix == NULL)
		make_index();
	if (size == 0 || (s = malloc(size)) == NULL)
		return 0;
	/* The first byte picks the criterion; the rest, up to a NUL, is what was typed. */
	kind = data[0] % 3;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (hoso_utf8_fold_words(s, strlen(s), &fold, &e) != 0)
		abort();
	memset(&q, 0, sizeof(q));
	if (kind == 0)
		q.id = s;
	else if (kind == 1)
		q.name = s;
	else
		q.text = s;
	hoso_err_clear(&e);
	r = hoso_index_search(ix, &q, &res, &e);
	if (r != 0) {
		if (r != HOSO_EUSAGE || e.msg[0] == '\0')
			abort();
	} else {
		for (i = 0; i < res.n_hits; i++) {
			const struct hoso_index_hit *h = &res.hits[i];

			if (h->snippet != NULL && (!hoso_utf8_valid(h->snippet, strlen(h->snippet)) ||
			    strchr(h->snippet, '[') == NULL))
				abort();
			for (k = 0; k < h->n_values; k++)
				if (h->values[k].value == NULL)
					abort();
		}
		hoso_index_result_free(&res);
	}
	hoso_buf_free(&fold);
	free(s);
	return 0;
}
