/*
 * example.c - a program that uses libhoso as an integration program of the one-stop system
 * would, through the installed interface only: #include <hoso.h>, built with
 * `pkg-config --cflags --libs hoso` against the installed shared library (t-libhoso.sh).
 *   example STORE CODE SCAN REGISTER.csv
 * Ingests SCAN into STORE/CODE, reads the dossier back, searches it by its unit, and counts
 * REGISTER.csv for March 2025; prints what it found, one fact a line.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hoso.h>

static int
fail(const struct hoso_err *err)
{
	fprintf(stderr, "example: %s\n", err->msg);
	return -err->code;
}

int
main(int argc, char **argv)
{
	struct hoso_ingest_opts io;
	struct hoso_ingest_summary sum;
	struct hoso_dossier *d = NULL;
	struct hoso_index_opts xo;
	struct hoso_index *ix = NULL;
	struct hoso_index_sync st;
	struct hoso_index_query q;
	struct hoso_index_result res;
	struct hoso_kpi_opts ko;
	struct hoso_kpi *kpi = NULL;
	struct hoso_kpi_result kr;
	struct hoso_err err;
	const char *inputs[1];
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: example STORE CODE SCAN REGISTER.csv\n");
		return 2;
	}
	printf("built against %d.%d.%d, running %s\n", HOSO_VERSION_MAJOR, HOSO_VERSION_MINOR,
	    HOSO_VERSION_PATCH, hoso_version());
	hoso_err_clear(&err);

	memset(&io, 0, sizeof(io));
	io.store = argv[1];
	io.dossier = argv[2];
	io.jobs = 1;
	io.default_dpi = 300;
	io.deskew = io.orient = true;
	io.max_pixels = 100000000;
	io.max_file_size = (size_t)1 << 30;
	io.meta.ma_don_vi = "000.17.22.H56";
	io.now = "2026-12-08T00:00:00Z";
	io.today = "2026-12-08";
	inputs[0] = argv[3];
	if (hoso_ingest_run(&io, inputs, 1, &sum, &err) != 0)
		return fail(&err);
	printf("ingested: %zu page(s), %zu rejected\n", sum.pages, sum.n_rejects);
	hoso_ingest_summary_free(&sum);

	if (hoso_store_read(argv[1], argv[2], &d, &err) != 0)
		return fail(&err);
	printf("dossier %s: %zu page(s), unit %s, page 1 %dx%d at %d dpi\n", d->code, d->n_pages,
	    d->meta.ma_don_vi, d->pages[0].width, d->pages[0].height, d->pages[0].dpi);
	hoso_store_close(d);

	memset(&xo, 0, sizeof(xo));
	xo.store = argv[1];
	memset(&q, 0, sizeof(q));
	q.unit = "000.17.22.H56";
	if (hoso_index_open(&xo, &ix, &err) != 0 || hoso_index_refresh(ix, false, &st, &err) != 0 ||
	    hoso_index_search(ix, &q, &res, &err) != 0)
		return fail(&err);
	printf("found by its unit: %zu dossier(s), first %s\n", res.n_hits,
	    res.n_hits > 0 ? res.hits[0].code : "-");
	hoso_index_result_free(&res);
	hoso_index_close(ix);

	memset(&ko, 0, sizeof(ko));
	ko.from = hoso_date_day(2025, 3, 1);
	ko.to = hoso_date_day(2025, 3, 31);
	ko.by = HOSO_KPI_BY_UNIT;
	if ((fd = open(argv[4], O_RDONLY)) < 0) {
		perror(argv[4]);
		return 4;
	}
	if (hoso_kpi_new(&kpi, &ko, NULL, &err) != 0 || hoso_kpi_add_fd(kpi, fd, argv[4], &err) != 0 ||
	    hoso_kpi_count(kpi, &kr, &err) != 0)
		return fail(&err);
	close(fd);
	printf("register: %llu dossier(s), %llu received in March 2025, %llu online\n",
	    (unsigned long long)kr.dossiers,
	    (unsigned long long)kr.total.counts[HOSO_KPI_RECEIVED],
	    (unsigned long long)kr.total.counts[HOSO_KPI_ONLINE]);
	hoso_kpi_result_free(&kr);
	hoso_kpi_free(kpi);
	return 0;
}
