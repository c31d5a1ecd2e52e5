/* test_legacy.c - Windows-1258, TCVN3 and VNI text to UTF-8, and which one a text is. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "legacy.h"

/* "Việt Nam, Hà Nội, Đường Lê Lợi" in each (Windows-1258 and TCVN3 bytes from glibc iconv). */
static const char cp1258[] = "Vi\xea\xf2t Nam, H\xe0 N\xf4\xf2i, \xd0\xfd\xf5\xccng L\xea L\xf5\xf2i";
static const char tcvn3[] = "Vi\xd6t Nam, H\xb5 N\xe9i, \xa7\xad\xea" "ng L\xaa L\xeei";
static const char vni[] = "Vie\xe4t Nam, Ha\xf8 No\xe4i, \xd1\xf6\xf4\xf8ng Le\xe2 L\xf4\xefi";
static const char want[] = "Việt Nam, Hà Nội, Đường Lê Lợi";

static void
decodes(void **state)
{
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err;

	(void)state;
	assert_int_equal(hoso_legacy_decode(HOSO_ENC_CP1258, cp1258, strlen(cp1258), &out, &err), 0);
	assert_string_equal(hoso_buf_str(&out), want);
	hoso_buf_reset(&out);
	assert_int_equal(hoso_legacy_decode(HOSO_ENC_TCVN3, tcvn3, strlen(tcvn3), &out, &err), 0);
	assert_string_equal(hoso_buf_str(&out), want);
	hoso_buf_reset(&out);
	assert_int_equal(hoso_legacy_decode(HOSO_ENC_VNI, vni, strlen(vni), &out, &err), 0);
	assert_string_equal(hoso_buf_str(&out), want);
	/* VNI capitals and the one-byte letters: "ỦY BAN, TỈNH, ỴNG, Ăn, ẮNG". */
	static const char vni_caps[] = "U\xdbY BAN, T\xc6NH, \xceNG, A\xca" "n, A\xc9NG";
	hoso_buf_reset(&out);
	assert_int_equal(hoso_legacy_decode(HOSO_ENC_VNI, vni_caps, strlen(vni_caps), &out, &err), 0);
	assert_string_equal(hoso_buf_str(&out), "ỦY BAN, TỈNH, ỴNG, Ăn, ẮNG");
	hoso_buf_free(&out);
}

static void
detects_the_one_reading_that_is_vietnamese(void **state)
{
	struct hoso_err err;
	int enc = -1;

	(void)state;
	assert_int_equal(hoso_legacy_detect(cp1258, strlen(cp1258), "a.csv", &enc, &err), 0);
	assert_int_equal(enc, HOSO_ENC_CP1258);
	assert_int_equal(hoso_legacy_detect(tcvn3, strlen(tcvn3), "a.csv", &enc, &err), 0);
	assert_int_equal(enc, HOSO_ENC_TCVN3);
	assert_int_equal(hoso_legacy_detect(vni, strlen(vni), "a.csv", &enc, &err), 0);
	assert_int_equal(enc, HOSO_ENC_VNI);
	/* Latin-1 French is none of them: refused, naming the file. */
	static const char fr[] = "caf\xe9 cr\xe8me br\xfbl\xe9" "e \xe0 la fran\xe7" "aise, "
	    "\xe9l\xe8ve, fen\xeatre, h\xf4pital";
	assert_int_equal(hoso_legacy_detect(fr, strlen(fr), "fr.csv", &enc, &err), HOSO_EINPUT);
	assert_non_null(strstr(err.msg, "fr.csv: not UTF-8"));
	/* One stray byte in UTF-8 text tells nothing: left to the reader to name its line. */
	static const char stray[] = "ma_ho_so,A\xd4,2025";
	assert_int_equal(hoso_legacy_detect(stray, strlen(stray), "u.csv", &enc, &err), HOSO_ENO);
}

static void
names(void **state)
{
	int enc;

	(void)state;
	assert_int_equal(hoso_legacy_parse("VNI", &enc), 0);
	assert_int_equal(enc, HOSO_ENC_VNI);
	assert_int_equal(hoso_legacy_parse("windows-1258", &enc), 0);
	assert_int_equal(enc, HOSO_ENC_CP1258);
	assert_int_equal(hoso_legacy_parse("tcvn3", &enc), 0);
	assert_int_equal(enc, HOSO_ENC_TCVN3);
	assert_int_equal(hoso_legacy_parse("latin1", &enc), HOSO_EUSAGE);
}

static void
files_become_utf8(void **state)
{
	char path[] = "/tmp/hoso-legacy-XXXXXX", got[256];
	struct hoso_err err;
	int fd, out, used;
	ssize_t n;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	unlink(path);
	assert_int_equal(write(fd, tcvn3, strlen(tcvn3)), (ssize_t)strlen(tcvn3));
	assert_int_equal(hoso_legacy_fd(fd, "t.csv", HOSO_ENC_AUTO, &out, &used, &err), 0);
	assert_int_equal(used, HOSO_ENC_TCVN3);
	assert_true(out != fd);
	n = read(out, got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, want);
	close(out);
	/* UTF-8 stays the file it is. */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, want, strlen(want), 0), (ssize_t)strlen(want));
	assert_int_equal(hoso_legacy_fd(fd, "u.csv", HOSO_ENC_AUTO, &out, &used, &err), 0);
	assert_int_equal(out, fd);
	assert_int_equal(used, HOSO_ENC_UTF8);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes),
		cmocka_unit_test(detects_the_one_reading_that_is_vietnamese),
		cmocka_unit_test(names),
		cmocka_unit_test(files_become_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
