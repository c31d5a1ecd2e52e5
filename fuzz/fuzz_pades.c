/*
 * fuzz_pades.c - libFuzzer target for verify FILE.pdf: the PDF is written
 * to a temporary file (verify reads by path, in blocks) and every
 * signature is checked without trust anchors. Twice: the input as a whole
 * file (the signature-extraction path), and the input appended to a small
 * signed file made here, whose byte range and place are right, so that
 * the input is judged as incremental updates after a signature (the
 * change-comparison path, pdfdiff.c). The helpers that read bytes of the
 * file are fed the input directly too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "pades.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A one-page PDF with one signature field whose /ByteRange covers it all (the CMS is junk). */
static size_t
signed_base(char *out, size_t room)
{
	long long off[7], gap_at, gap_end, xref;
	char contents[129], numbers[40];
	size_t n = 0, br_at;
	int i;

#define PUT(...) (n += (size_t)snprintf(out + n, room - n, __VA_ARGS__))
	memset(contents, '0', sizeof(contents) - 1);
	contents[sizeof(contents) - 1] = '\0';
	contents[0] = '3';
	PUT("%%PDF-1.7\n");
	off[1] = (long long)n;
	PUT("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] >> >>\nendobj\n");
	off[2] = (long long)n;
	PUT("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	off[3] = (long long)n;
	PUT("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R "
	    "/Annots [5 0 R] >>\nendobj\n");
	off[4] = (long long)n;
	PUT("4 0 obj\n<< /Length 5 >>\nstream\nBT ET\nendstream\nendobj\n");
	off[5] = (long long)n;
	PUT("5 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (S) /Rect [0 0 0 0] /P 3 0 R "
	    "/V 6 0 R >>\nendobj\n");
	off[6] = (long long)n;
	PUT("6 0 obj\n<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 ");
	br_at = n;
	PUT("%010d %010d %010d] /Contents ", 0, 0, 0);
	gap_at = (long long)n;
	PUT("<%s>", contents);
	gap_end = (long long)n;
	PUT(" >>\nendobj\n");
	xref = (long long)n;
	PUT("xref\n0 7\n0000000000 65535 f\r\n");
	for (i = 1; i < 7; i++)
		PUT("%010lld 00000 n\r\n", off[i]);
	PUT("trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%lld\n%%%%EOF\n", xref);
#undef PUT
	/* now that the layout is known: the gap, and the rest up to the end */
	snprintf(numbers, sizeof(numbers), "%010lld %010lld %010lld", gap_at, gap_end,
	    (long long)n - gap_end);
	memcpy(out + br_at, numbers, strlen(numbers));
	return n;
}

/* Verify the file at path: without trust anchors nothing can be valid. */
static void
check_file(const char *path)
{
	struct hoso_verify_report *reps = NULL;
	struct hoso_err err;
	size_t n = 0, i;

	if (hoso_pades_verify(path, NULL, NULL, &reps, &n, &err) != 0)
		return;
	for (i = 0; i < n; i++)
		if (reps[i].result == HOSO_VERIFY_VALID)
			abort();
	hoso_verify_reports_free(reps, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64], base[4096];
	static size_t base_len;
	unsigned char *out;
	char date[64];
	size_t out_len;
	time_t t;
	FILE *f;
	int fd;

	/* the small parsers on the raw input */
	if (hoso_pades_der_len(data, size) > size)
		abort();
	if ((out = malloc(size / 2 + 1)) != NULL) {
		if (hoso_pades_gap_hex(data, size, out, &out_len) && out_len > size / 2)
			abort();
		free(out);
	}
	snprintf(date, sizeof(date), "%.*s", (int)(size < 40 ? size : 40), (const char *)data);
	(void)hoso_date_parse_pdf(date, &t);
	/* the whole path over a file */
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/fuzz-pades-XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			return 0;
		close(fd);
	}
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	check_file(path);
	/* the change-comparison path: the input as updates after a signed revision */
	if (base_len == 0)
		base_len = signed_base(base, sizeof(base));
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	if (fwrite(base, 1, base_len, f) != base_len || fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	check_file(path);
	return 0;
}
