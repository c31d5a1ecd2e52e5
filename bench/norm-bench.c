/*
 * norm-bench.c - one page through the ingest path: decode, normalize
 * (orientation, deskew, blank test), encode TIFF, write. Built and run by
 * bench/normalize.sh, which times whole processes; the per-step times it
 * prints on stderr say where the time goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "img.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct hoso_norm_opts opts = { 300, 10.0, true, true };
	struct hoso_err err = { 0 };
	struct hoso_buf file = HOSO_BUF_INIT(0), tiff = HOSO_BUF_INIT(0);
	struct hoso_img *in = NULL, *out = NULL;
	struct hoso_norm_result res;
	double t0, t1, t2, t3;
	char chunk[65536];
	size_t n;
	FILE *fp = NULL;
	int r = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: norm-bench IN OUT.tif\n");
		return 2;
	}
	if ((fp = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (hoso_buf_add(&file, chunk, n, &err) != 0)
			goto fail;
	fclose(fp);
	fp = NULL;
	t0 = now();
	if (hoso_img_decode(file.data, file.len, argv[1], 0, &in, &err) != 0)
		goto fail;
	t1 = now();
	if (hoso_img_normalize(in, &opts, &out, &res, &err) != 0)
		goto fail;
	t2 = now();
	if (hoso_img_encode_tiff(out, &tiff, &err) != 0)
		goto fail;
	t3 = now();
	if ((fp = fopen(argv[2], "wb")) == NULL || fwrite(tiff.data, 1, tiff.len, fp) != tiff.len) {
		perror(argv[2]);
		goto out;
	}
	fprintf(stderr, "decode %.3f normalize %.3f encode %.3f s; rotation %d skew %.2f "
	    "blank %d ink %.5f %s %dx%d\n", t1 - t0, t2 - t1, t3 - t2, res.rotation, res.skew,
	    res.blank, res.ink, res.colour, res.width, res.height);
	r = 0;
	goto out;
fail:
	fprintf(stderr, "norm-bench: %s\n", err.msg);
out:
	if (fp != NULL)
		fclose(fp);
	hoso_img_free(in);
	hoso_img_free(out);
	hoso_buf_free(&file);
	hoso_buf_free(&tiff);
	return r;
}
