/* scan-ingest - scans (files, folders, archives) into the dossier store. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "date.h"
#include "file.h"
#include "ingest.h"
#include "scanner.h"
#include "img.h"
#include "utf8.h"
#include "watch.h"

static const char *
usage_text(void)
{
	return _("Usage: scan-ingest [OPTION]... FILE|DIR|- ...\n"
	    "       scan-ingest --watch DIR [OPTION]...\n"
	    "       scan-ingest --scan[=DEVICE] [--source S] [--resolution N] [--mode M]\n"
	    "       scan-ingest --list-scanners\n"
	    "       scan-ingest --separator CODE -o SHEET.png [--dpi N]\n"
	    "Put scanned pages (TIFF, PNG, JPEG, PNM, PDF; folders; ZIP, TAR, 7z archives)\n"
	    "into the dossier store, upright and deskewed, with blank pages flagged.\n"
	    "'-' reads a list of paths, one per line, from standard input.\n"
	    "\n"
	    "  -o, --store STORE      the dossier store (default ./hoso-store)\n"
	    "      --dossier CODE     put the pages in dossier CODE (with --split: only\n"
	    "                         those before the first separator sheet)\n"
	    "      --split            a page with a QR code HOSO:<code> starts dossier\n"
	    "                         <code> (implied when --dossier is not given)\n"
	    "  -j, --jobs N           worker threads (default: number of CPUs)\n"
	    "      --dpi N            resolution of images that record none (default 300)\n"
	    "      --keep-blank       keep blank pages, flagged blank=\"true\" (default)\n"
	    "      --drop-blank       do not store blank pages\n"
	    "      --no-deskew        do not straighten pages\n"
	    "      --no-orient        do not turn pages upright\n"
	    "      --no-index         leave the search index for lookup to catch up\n"
	    "      --max-pixels N     refuse pages larger than N pixels (default 100000000)\n"
	    "      --xml FILE         write the summary as XML ('-' for standard output)\n"
	    "      --title TEXT       dossier title (tieu_de)\n"
	    "      --unit CODE        receiving unit (ma_don_vi)\n"
	    "      --channel KIND     truc_tiep, truc_tuyen or buu_chinh (default truc_tiep)\n"
	    "      --received DATE    date received, YYYY-MM-DD (default: from the code)\n"
	    "      --retention TEXT   retention period (default \"Vĩnh viễn\")\n"
	    "      --separator CODE   write a separator sheet for CODE to the -o file\n"
	    "      --watch DIR        a hot folder: ingest each file dropped into DIR once\n"
	    "                         complete, then move it to DIR/done/ (or DIR/failed/\n"
	    "                         with NAME.reason); until SIGTERM or Ctrl-C\n"
	    "      --settle SECS      a file is complete when unchanged this long\n"
	    "                         (default 3)\n"
	    "      --scan[=DEVICE]    scan straight from the scanner (SANE; default the\n"
	    "                         first found); each page is stored as it comes\n"
	    "      --source S         flatbed, adf or duplex (default: the scanner's)\n"
	    "      --resolution N     dpi to scan at (default 300)\n"
	    "      --mode M           color (default), gray or lineart\n"
	    "      --list-scanners    list the scanners SANE finds\n"
	    "  -q, --quiet            only errors\n"
	    "  -v, --verbose          say what happens to each page\n"
	    "  -h, --help             this help\n"
	    "      --version          version\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 some input was rejected (the rest is stored),\n"
	    "4 I/O or system error. See scan-ingest(1), hoso-store(5).\n");
}

enum {
	OPT_DOSSIER = 256, OPT_SPLIT, OPT_DPI, OPT_KEEP_BLANK, OPT_DROP_BLANK, OPT_NO_DESKEW,
	OPT_NO_ORIENT, OPT_MAX_PIXELS, OPT_XML, OPT_TITLE, OPT_UNIT, OPT_CHANNEL, OPT_RECEIVED,
	OPT_RETENTION, OPT_SEPARATOR, OPT_WATCH, OPT_SETTLE, OPT_SCAN, OPT_SOURCE, OPT_RESOLUTION,
	OPT_MODE, OPT_LIST_SCANNERS, OPT_NO_INDEX,
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "store", required_argument, NULL, 'o' },
	{ "dossier", required_argument, NULL, OPT_DOSSIER },
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "dpi", required_argument, NULL, OPT_DPI },
	{ "keep-blank", no_argument, NULL, OPT_KEEP_BLANK },
	{ "drop-blank", no_argument, NULL, OPT_DROP_BLANK },
	{ "no-deskew", no_argument, NULL, OPT_NO_DESKEW },
	{ "no-orient", no_argument, NULL, OPT_NO_ORIENT },
	{ "no-index", no_argument, NULL, OPT_NO_INDEX },
	{ "max-pixels", required_argument, NULL, OPT_MAX_PIXELS },
	{ "xml", required_argument, NULL, OPT_XML },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "received", required_argument, NULL, OPT_RECEIVED },
	{ "retention", required_argument, NULL, OPT_RETENTION },
	{ "separator", required_argument, NULL, OPT_SEPARATOR },
	{ "watch", required_argument, NULL, OPT_WATCH },
	{ "settle", required_argument, NULL, OPT_SETTLE },
	{ "scan", optional_argument, NULL, OPT_SCAN },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "resolution", required_argument, NULL, OPT_RESOLUTION },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "list-scanners", no_argument, NULL, OPT_LIST_SCANNERS },
	{ NULL, 0, NULL, 0 },
};

static void
show_progress(void *ctx, const struct hoso_ingest_progress *p)
{
	cli_progress(ctx, p->files_done, p->files_total, _("files"), p->label);
}

/* Metadata goes into dossier.xml: UTF-8 without control characters. */
static bool
meta_ok(const char *s)
{
	const unsigned char *p;

	if (!hoso_utf8_valid(s, strlen(s)))
		return false;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static int
separator_sheet(struct cli *c, const char *code, const char *out, int dpi)
{
	struct hoso_buf png = HOSO_BUF_INIT(0);
	struct hoso_err err;
	int r;

	hoso_err_clear(&err);
	if (hoso_ingest_separator_sheet(code, dpi, &png, &err) != 0)
		r = cli_fail(c, &err);
	else if ((r = cli_write_output(c, out, &png)) == 0)
		cli_info(c, _("separator sheet for %s written to %s"), code, out);
	hoso_buf_free(&png);
	return r;
}

static void
print_summary(struct cli *c, const struct hoso_ingest_summary *s, const char *store)
{
	size_t i;

	for (i = 0; i < s->n_rejects; i++)
		cli_error(c, "%s", s->rejects[i].why.msg);
	for (i = 0; i < s->n_dossiers; i++)
		cli_info(c, _("dossier %s: %zu pages added, %zu already there, %zu in all -> %s/%s"),
		    s->dossiers[i].code, s->dossiers[i].added, s->dossiers[i].duplicates,
		    s->dossiers[i].total_pages, store, s->dossiers[i].code);
	cli_info(c, _("summary: dossiers %zu, pages stored %zu (blank %zu, rotated %zu, "
	    "deskewed %zu), duplicates skipped %zu, separator sheets %zu, inputs rejected %zu"),
	    s->n_dossiers, s->pages, s->blank - s->dropped_blank, s->rotated, s->deskewed,
	    s->duplicates, s->separators, s->n_rejects);
	if (s->dropped_blank > 0)
		cli_info(c, _("blank pages dropped: %zu"), s->dropped_blank);
}

/* ---- the hot folder ---- */

static volatile sig_atomic_t stop_watch;

static void
on_stop(int sig)
{
	(void)sig;
	stop_watch = 1;
}

struct watch_ctx {
	struct cli *c;
	char now[24], today[16];
};

/* Each file is ingested at its own time, not the watcher's start. */
static void
watch_prepare(void *ctx, struct hoso_ingest_opts *o)
{
	struct watch_ctx *w = ctx;
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(w->now, sizeof(w->now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	localtime_r(&t, &tm);
	strftime(w->today, sizeof(w->today), "%Y-%m-%d", &tm);
	o->now = w->now;
	o->today = w->today;
}

static void
watch_report(void *ctx, const char *name, const struct hoso_ingest_summary *sum,
    const char *moved_to)
{
	struct watch_ctx *w = ctx;
	size_t i;

	if (sum->n_rejects > 0) {
		for (i = 0; i < sum->n_rejects; i++)
			cli_error(w->c, "%s: %s", sum->rejects[i].label, sum->rejects[i].why.msg);
		cli_error(w->c, _("%s: not taken (%zu pages stored) -> %s"), name, sum->pages,
		    moved_to);
		return;
	}
	for (i = 0; i < sum->n_dossiers; i++)
		cli_info(w->c, _("%s: dossier %s: %zu pages added, %zu already there -> %s"), name,
		    sum->dossiers[i].code, sum->dossiers[i].added, sum->dossiers[i].duplicates,
		    moved_to);
	if (sum->n_dossiers == 0)
		cli_info(w->c, _("%s: no page stored -> %s"), name, moved_to);
}

static int
watch_folder(struct cli *c, struct hoso_ingest_opts *o, const char *dir, const char *store,
    bool split, double settle)
{
	struct hoso_watch_opts wo;
	struct watch_ctx ctx;
	struct sigaction sa;
	struct hoso_err err;

	memset(&ctx, 0, sizeof(ctx));
	ctx.c = c;
	o->store = store;
	o->split = split || o->dossier == NULL;
	o->jobs = c->jobs;
	o->log = &c->log;
	/* No SA_RESTART: the wait for a file ends at once, the file in hand is finished. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	memset(&wo, 0, sizeof(wo));
	wo.dir = dir;
	wo.settle = settle;
	wo.ingest = o;
	wo.prepare = watch_prepare;
	wo.stop = &stop_watch;
	wo.report = watch_report;
	wo.ctx = &ctx;
	hoso_err_clear(&err);
	cli_info(c, _("watching %s; files go into %s (Ctrl-C stops)"), dir, store);
	if (hoso_watch_run(&wo, &err) != 0)
		return cli_fail(c, &err);
	cli_info(c, _("stopped watching %s"), dir);
	return CLI_EXIT_OK;
}

/* ---- the scanner ---- */

static int
list_scanners(struct cli *c)
{
	struct hoso_scanner_dev *devs = NULL;
	struct hoso_err err;
	size_t n = 0, i;

	hoso_err_clear(&err);
	if (hoso_scanner_list(&devs, &n, &err) != 0)
		return cli_fail(c, &err);
	for (i = 0; i < n; i++)
		printf("%s\t%s\n", devs[i].name, devs[i].label);
	if (n == 0)
		cli_info(c, _("no scanner found"));
	hoso_scanner_devs_free(devs, n);
	return CLI_EXIT_OK;
}

/*
 * Scan and store page by page: each page is written as PNG into STORE/.scans/
 * and ingested at once, so a jam, an empty feeder or a pulled cable loses no
 * page already scanned, and the message says which page to scan again.
 */
static int
scan_pages(struct cli *c, struct hoso_ingest_opts *o, struct hoso_scanner_opts *so,
    const char *store, bool split)
{
	struct hoso_buf pnm = HOSO_BUF_INIT(0), png = HOSO_BUF_INIT(0), path = HOSO_BUF_INIT(0);
	struct hoso_buf spool = HOSO_BUF_INIT(0);
	struct hoso_scanner *sc = NULL;
	struct hoso_img *img = NULL;
	struct hoso_err err;
	char *next = NULL, stamp[32], now[24], today[16];
	const char *env = getenv("HOSO_SCAN_TEST_JAM_AFTER"), *in;
	int page = 0, status = CLI_EXIT_OK, r;
	time_t t;
	struct tm tm;
	long v;
	size_t i;

	hoso_err_clear(&err);
	/* Tests only (scan-ingest(1), ENVIRONMENT): SANE's test device jams after N pages. */
	if (env != NULL && cli_parse_long(env, 1, 100000, &v))
		so->jam_after = (int)v;
	if (hoso_file_join(&spool, store, ".scans", &err) != 0 ||
	    hoso_file_mkdirs(spool.data, &err) != 0 || hoso_scanner_open(so, &sc, &err) != 0) {
		status = cli_fail(c, &err);
		goto out;
	}
	o->store = store;
	o->split = split || o->dossier == NULL;
	o->jobs = 1;
	o->log = &c->log;
	o->default_dpi = hoso_scanner_dpi(sc);
	if (o->dossier != NULL && (next = strdup(o->dossier)) == NULL) {
		cli_error(c, _("out of memory"));
		status = CLI_EXIT_IO;
		goto out;
	}
	t = time(NULL);
	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	for (;;) {
		struct hoso_ingest_summary sum;
		if ((r = hoso_scanner_next(sc, &pnm, &err)) == 0)
			break;
		if (r < 0) {
			cli_error(c, "%s", err.msg);
			cli_error(c, page > 0 ? _("pages 1 to %d are stored; scan page %d and what "
			    "follows again") : _("no page was stored; scan from page %d again"),
			    page > 0 ? page : page + 1, page + 1);
			status = CLI_EXIT_IO;
			break;
		}
		page++;
		/* PNG: lossless and a tenth of the PNM the scanner gives. */
		hoso_buf_reset(&png);
		hoso_buf_reset(&path);
		if (hoso_img_decode(pnm.data, pnm.len, "scanner", o->max_pixels, &img, &err) != 0 ||
		    hoso_img_crop_png(img, 0, 0, hoso_img_width(img), hoso_img_height(img), 0, &png,
		    &err) != 0 ||
		    hoso_buf_addf(&path, &err, "%s/scan-%s-%04d.png", spool.data, stamp, page) != 0 ||
		    hoso_file_write_atomic(path.data, png.data, png.len, &err) != 0) {
			hoso_img_free(img);
			img = NULL;
			status = cli_fail(c, &err);
			cli_error(c, _("page %d is not stored; pages 1 to %d are"), page, page - 1);
			break;
		}
		hoso_img_free(img);
		img = NULL;
		t = time(NULL);
		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		localtime_r(&t, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		o->now = now;
		o->today = today;
		o->dossier = next;	/* a separator sheet's dossier goes on over the pages after it */
		in = path.data;
		r = hoso_ingest_run(o, &in, 1, &sum, &err);
		if (r == 0) {
			for (i = 0; i < sum.n_rejects; i++)
				cli_error(c, _("page %d: %s"), page, sum.rejects[i].why.msg);
			for (i = 0; i < sum.n_dossiers; i++) {
				if (sum.dossiers[i].added > 0)
					cli_info(c, _("page %d -> dossier %s (%zu pages)"), page,
					    sum.dossiers[i].code, sum.dossiers[i].total_pages);
				else
					cli_info(c, _("page %d: already in dossier %s (the same page "
					    "scanned twice?)"), page, sum.dossiers[i].code);
			}
			if (sum.separators > 0)
				cli_info(c, _("page %d: separator sheet for dossier %s"), page,
				    sum.next_dossier != NULL ? sum.next_dossier : "?");
			if (sum.n_rejects > 0)
				status = CLI_EXIT_INPUT;
			free(next);
			next = sum.next_dossier;
			sum.next_dossier = NULL;
			unlink(path.data);
		}
		hoso_ingest_summary_free(&sum);
		if (r != 0) {
			status = cli_fail(c, &err);
			cli_error(c, _("page %d is kept in %s; pages 1 to %d are stored"), page,
			    path.data, page - 1);
			break;
		}
	}
	if (status == CLI_EXIT_OK || page > 0)
		cli_info(c, ngettext("%d page scanned", "%d pages scanned", (unsigned long)page),
		    page);
out:
	hoso_scanner_close(sc);
	free(next);
	hoso_buf_free(&pnm);
	hoso_buf_free(&png);
	hoso_buf_free(&path);
	hoso_buf_free(&spool);
	return status;
}

int
main(int argc, char **argv)
{
	struct hoso_ingest_opts o;
	struct hoso_ingest_summary sum;
	struct hoso_err err;
	struct cli c;
	const char *xml = NULL, *separator = NULL, *store = "hoso-store", *epoch, *watch = NULL;
	struct hoso_scanner_opts so;
	bool scan = false;
	double settle = 3;
	char now[32], today[16];
	char **inputs = NULL;
	size_t n_inputs = 0;
	time_t t;
	struct tm tm;
	long v;
	int opt, r, status;
	bool split = false, store_given = false;

	cli_init(&c, "scan-ingest", argv);
	memset(&o, 0, sizeof(o));
	memset(&so, 0, sizeof(so));
	o.default_dpi = 300;
	o.deskew = o.orient = true;
	o.max_pixels = 100000000;
	o.max_file_size = (size_t)2 << 30;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "o:", longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg, usage_text()))
			continue;
		switch (opt) {
		case 'o':
			store = optarg;
			store_given = true;
			break;
		case OPT_DOSSIER:
			o.dossier = optarg;
			break;
		case OPT_SPLIT:
			split = true;
			break;
		case OPT_DPI:
			if (!cli_parse_long(optarg, 50, 2400, &v))
				cli_usage_error(&c, _("--dpi wants a resolution from 50 to 2400, not '%s'"),
				    optarg);
			o.default_dpi = (int)v;
			break;
		case OPT_KEEP_BLANK:
			o.drop_blank = false;
			break;
		case OPT_DROP_BLANK:
			o.drop_blank = true;
			break;
		case OPT_NO_DESKEW:
			o.deskew = false;
			break;
		case OPT_NO_ORIENT:
			o.orient = false;
			break;
		case OPT_NO_INDEX:
			o.no_index = true;
			break;
		case OPT_MAX_PIXELS:
			if (!cli_parse_long(optarg, 1, 2000000000L, &v))
				cli_usage_error(&c, _("--max-pixels wants a positive number, not '%s'"),
				    optarg);
			o.max_pixels = (size_t)v;
			break;
		case OPT_XML:
			xml = optarg;
			break;
		case OPT_TITLE:
			o.meta.tieu_de = optarg;
			break;
		case OPT_UNIT:
			o.meta.ma_don_vi = optarg;
			break;
		case OPT_CHANNEL:
			if (strcmp(optarg, "truc_tiep") != 0 && strcmp(optarg, "truc_tuyen") != 0 &&
			    strcmp(optarg, "buu_chinh") != 0)
				cli_usage_error(&c, _("--channel is truc_tiep, truc_tuyen or buu_chinh, "
				    "not '%s'"), optarg);
			o.meta.kenh = optarg;
			break;
		case OPT_RECEIVED:
			if (!hoso_date_parse_ymd(optarg, NULL))
				cli_usage_error(&c, _("--received wants a date YYYY-MM-DD, not '%s'"),
				    optarg);
			o.meta.ngay_tiep_nhan = optarg;
			break;
		case OPT_RETENTION:
			o.meta.thoi_han_bao_quan = optarg;
			break;
		case OPT_SEPARATOR:
			separator = optarg;
			break;
		case OPT_WATCH:
			watch = optarg;
			break;
		case OPT_SCAN:
			scan = true;
			so.device = optarg;
			break;
		case OPT_SOURCE:
			if (strcmp(optarg, "flatbed") != 0 && strcmp(optarg, "adf") != 0 &&
			    strcmp(optarg, "duplex") != 0)
				cli_usage_error(&c, _("--source is flatbed, adf or duplex, not '%s'"),
				    optarg);
			so.source = optarg;
			break;
		case OPT_RESOLUTION:
			if (!cli_parse_long(optarg, 50, 2400, &v))
				cli_usage_error(&c, _("--resolution wants dpi from 50 to 2400, not '%s'"),
				    optarg);
			so.resolution = (int)v;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "color") != 0 && strcmp(optarg, "gray") != 0 &&
			    strcmp(optarg, "lineart") != 0)
				cli_usage_error(&c, _("--mode is color, gray or lineart, not '%s'"),
				    optarg);
			so.mode = optarg;
			break;
		case OPT_LIST_SCANNERS:
			return list_scanners(&c);
		case OPT_SETTLE:
			if (!cli_parse_long(optarg, 0, 3600, &v))
				cli_usage_error(&c, _("--settle wants seconds from 0 to 3600, not '%s'"),
				    optarg);
			settle = (double)v;
			break;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), c.prog);
			return CLI_EXIT_USAGE;
		}
	}
	if ((o.meta.tieu_de != NULL && !meta_ok(o.meta.tieu_de)) ||
	    (o.meta.ma_don_vi != NULL && !meta_ok(o.meta.ma_don_vi)) ||
	    (o.meta.thoi_han_bao_quan != NULL && !meta_ok(o.meta.thoi_han_bao_quan)))
		cli_usage_error(&c, _("--title, --unit and --retention want UTF-8 text without "
		    "control characters"));
	if (separator != NULL) {
		if (!store_given || optind != argc)
			cli_usage_error(&c, _("--separator CODE wants -o SHEET.png and no inputs"));
		return separator_sheet(&c, separator, store, o.default_dpi);
	}
	if ((so.source != NULL || so.resolution > 0 || so.mode != NULL) && !scan)
		cli_usage_error(&c, _("--source, --resolution and --mode go with --scan"));
	if (scan) {
		if (optind != argc || watch != NULL)
			cli_usage_error(&c, _("--scan takes no inputs: the pages come from the "
			    "scanner"));
		return scan_pages(&c, &o, &so, store, split);
	}
	if (watch != NULL) {
		if (optind != argc || xml != NULL)
			cli_usage_error(&c, _("--watch DIR takes no inputs and no --xml: the files "
			    "come into DIR"));
		return watch_folder(&c, &o, watch, store, split, settle);
	}
	if (optind == argc)
		cli_usage_error(&c, _("no input: give scan files, folders or archives, or '-'"));

	if ((r = cli_collect_inputs(&c, argc, argv, optind, &inputs, &n_inputs)) != 0)
		return r;

	/* SOURCE_DATE_EPOCH makes a run reproducible, as in Debian's builds. */
	epoch = getenv("SOURCE_DATE_EPOCH");
	t = epoch != NULL && cli_parse_long(epoch, 0, 4102444800L, &v) ? (time_t)v : time(NULL);
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	localtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);

	o.store = store;
	o.split = split || o.dossier == NULL;
	o.jobs = c.jobs;
	o.now = now;
	o.today = today;
	o.log = &c.log;
	o.progress = show_progress;
	o.progress_ctx = &c;
	hoso_err_clear(&err);
	r = hoso_ingest_run(&o, (const char *const *)inputs, n_inputs, &sum, &err);
	cli_progress_end(&c);
	status = sum.n_rejects > 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
	if (r != 0)
		status = cli_fail(&c, &err);
	/* After a stop before any page (a bad --dossier), a summary of zeros says nothing. */
	if (r == 0 || sum.n_dossiers > 0 || sum.n_rejects > 0)
		print_summary(&c, &sum, store);
	if (xml != NULL) {
		struct hoso_buf b = HOSO_BUF_INIT(0);
		hoso_err_clear(&err);
		if (hoso_ingest_summary_xml(&sum, &b, &err) != 0)
			status = cli_fail(&c, &err);
		else if ((r = cli_write_output(&c, xml, &b)) != 0)
			status = r;
		hoso_buf_free(&b);
	}
	hoso_ingest_summary_free(&sum);
	cli_inputs_free(inputs, n_inputs);
	return status;
}
