/* ocr-extract - Vietnamese OCR of dossiers or image files to text, hOCR and searchable PDF. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "ocr.h"
#include "ocrrun.h"
#include "store.h"
#include "template.h"

static const char *
usage_text(void)
{
	return _("Usage: ocr-extract [OPTION]... STORE|STORE/DOSSIER...\n"
	    "       ocr-extract [OPTION]... [--text FILE|-] [--hocr FILE] [--pdf FILE] IMAGE...\n"
	    "       ocr-extract [OPTION]... --outdir DIR IMAGE...\n"
	    "       ocr-extract [OPTION]... --form NAME|auto [--fields FILE|-] IMAGE...\n"
	    "An operand '-' reads more inputs from standard input, one path a line.\n"
	    "Recognize the text of scanned pages (Tesseract, Vietnamese by default).\n"
	    "A dossier gets ocr/NNNN.txt, ocr/NNNN.hocr and a searchable ocr/dossier.pdf,\n"
	    "and the confidence of each page in dossier.xml; pages already done are skipped.\n"
	    "A store stands for each of its dossiers.\n"
	    "\n"
	    "  -l, --lang LANGS       Tesseract languages, e.g. vie or vie+eng (default vie)\n"
	    "      --tessdata DIR     directory of the .traineddata files\n"
	    "      --page-timeout SEC give up a page after SEC seconds (default 60; 0: never)\n"
	    "      --force            recognize pages again even when done\n"
	    "      --no-index         leave the search index for lookup to catch up\n"
	    "      --text FILE|-      images: the text of all pages, joined by form feeds\n"
	    "      --hocr FILE        images: one hOCR document of all pages\n"
	    "      --pdf FILE         images: one searchable PDF of all pages, in order\n"
	    "      --outdir DIR       images: NAME.txt, NAME.hocr and NAME.pdf per image\n"
	    "      --form NAME|auto   read the form fields of template NAME, or of the form\n"
	    "                         whose title is on the page (dossiers: ocr/fields.xml)\n"
	    "      --templates DIR    form templates (default: the installed ones)\n"
	    "      --fields FILE|-    images: the fields document of all pages\n"
	    "      --shard I/N        only the inputs of share I of N (by a hash of the name)\n"
	    "  -j, --jobs N           worker threads, one OCR engine each (default: CPUs)\n"
	    "  -q, --quiet            only errors\n"
	    "  -v, --verbose          a line per page: confidence, length, time\n"
	    "  -h, --help             this help\n"
	    "      --version          version\n"
	    "\n"
	    "With images and no output option the text goes to standard output.\n"
	    "Exit status: 0 ok, 2 usage, 3 some page failed (the rest is done),\n"
	    "4 I/O or system error, 5 OCR engine or language data missing.\n"
	    "See ocr-extract(1).\n");
}

enum {
	OPT_TESSDATA = 256, OPT_TIMEOUT, OPT_FORCE, OPT_TEXT, OPT_HOCR, OPT_PDF, OPT_OUTDIR,
	OPT_FORM, OPT_TEMPLATES, OPT_FIELDS, OPT_NO_INDEX,
	OPT_SHARD = 300,
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "lang", required_argument, NULL, 'l' },
	{ "tessdata", required_argument, NULL, OPT_TESSDATA },
	{ "page-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "no-index", no_argument, NULL, OPT_NO_INDEX },
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "hocr", required_argument, NULL, OPT_HOCR },
	{ "pdf", required_argument, NULL, OPT_PDF },
	{ "outdir", required_argument, NULL, OPT_OUTDIR },
	{ "form", required_argument, NULL, OPT_FORM },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "fields", required_argument, NULL, OPT_FIELDS },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct cli *c;
	struct hoso_buf text, hocr;
	size_t n_text;
	bool want_text, want_hocr;
	int status;
};

static void
show_progress(void *ctx, const struct hoso_ocrrun_progress *p)
{
	struct run *r = ctx;

	cli_progress(r->c, p->items_done, p->items_total, _("inputs"), p->label);
}

/* Image mode: gather what --text and --hocr want, in page order. */
static void
on_page(void *ctx, const struct hoso_ocrrun_page *p)
{
	struct run *r = ctx;
	struct hoso_err err;

	hoso_err_clear(&err);
	if (r->want_text && (r->n_text++ > 0 && hoso_buf_addc(&r->text, '\f', &err) != 0))
		goto fail;
	if (p->res == NULL)
		return;
	if (r->want_text && hoso_buf_add(&r->text, p->res->text.data, p->res->text.len, &err) != 0)
		goto fail;
	if (r->want_hocr && hoso_buf_add(&r->hocr, p->res->hocr.data, p->res->hocr.len, &err) != 0)
		goto fail;
	return;
fail:
	r->status = cli_fail(r->c, &err);
}

static bool
parse_seconds(const char *s, int *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0.0 && v <= 86400.0))
		return false;
	*ms = v > 0.0 && v < 0.001 ? 1 : (int)lround(v * 1000.0);
	return true;
}

/* ---- form fields ---- */

/*
 * The templates: --templates DIR, else HOSO_DATADIR/templates from the
 * environment (running from the build tree), else the installed ones. An
 * unknown form name is a usage error that lists the forms there are.
 */
static int
load_forms(struct cli *c, const char *dir, const char *form, struct hoso_template_set *set,
    struct hoso_ocrrun_opts *o)
{
	struct hoso_buf path = HOSO_BUF_INIT(0), names = HOSO_BUF_INIT(0);
	struct hoso_err err;
	int status = 0;

	hoso_err_clear(&err);
	if (dir == NULL) {
		if (hoso_file_join(&path, cli_datadir(),
		    "templates", &err) != 0) {
			status = cli_fail(c, &err);
			goto out;
		}
		dir = path.data;
	}
	if (hoso_template_load_dir(dir, set, &err) != 0) {
		status = cli_fail(c, &err);
		goto out;
	}
	o->templates = set;
	o->form_name = form;
	if (strcmp(form, "auto") == 0)
		goto out;
	if ((o->form = hoso_template_find(set, form)) == NULL) {
		if (hoso_template_names(set, &names, &err) != 0) {
			status = cli_fail(c, &err);
			goto out;
		}
		cli_error(c, _("no form template named '%s' in %s; the forms are: %s"), form, dir,
		    set->n > 0 ? names.data : _("(none)"));
		status = CLI_EXIT_USAGE;
	}
out:
	hoso_buf_free(&path);
	hoso_buf_free(&names);
	return status;
}

/* ---- --shard I/N and lists of inputs on standard input ---- */

static bool
parse_shard(const char *s, unsigned *i, unsigned *n)
{
	char *slash = strchr(s, '/'), part[32];
	long a, b;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(part))
		return false;
	memcpy(part, s, (size_t)(slash - s));
	part[slash - s] = '\0';
	if (!cli_parse_long(part, 1, 1000000, &a) || !cli_parse_long(slash + 1, 1, 1000000, &b) ||
	    a > b)
		return false;
	*i = (unsigned)a;
	*n = (unsigned)b;
	return true;
}

/* Keep, in order, the inputs of share i of n; frees the others. Returns the exit status. */
static int
keep_shard(struct cli *c, char **list, size_t *n, unsigned i, unsigned of)
{
	struct hoso_err err;
	size_t k, kept = 0, all = *n;
	unsigned s;

	hoso_err_clear(&err);
	for (k = 0; k < *n; k++) {
		if (hoso_ocrrun_shard(list[k], of, &s, &err) != 0) {
			for (; k < *n; k++)
				free(list[k]);
			*n = kept;
			return cli_fail(c, &err);
		}
		if (s == i)
			list[kept++] = list[k];
		else
			free(list[k]);
	}
	*n = kept;
	if (c->verbose > 0)
		cli_info(c, _("shard %u/%u: %zu of %zu inputs"), i, of, kept, all);
	return 0;
}

/* ---- end of --shard ---- */

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
main(int argc, char **argv)
{
	struct hoso_ocrrun_opts o;
	struct hoso_ocrrun_summary sum;
	struct hoso_err err;
	struct cli c;
	struct run run;
	const char *text = NULL, *hocr = NULL;
	const char *form = NULL, *templates = NULL, *fields = NULL;
	struct hoso_template_set set = { NULL, 0 };
	char **inputs = NULL;
	size_t i, n_dossiers = 0, n_inputs;
	unsigned shard = 0, shards = 0;
	int opt, r, status;

	/*
	 * Each worker is one engine on one core; OpenMP threads inside an engine
	 * fight the other workers (2 pages, -j 2: 3.9 s instead of 1.6 s). libgomp
	 * reads OMP_THREAD_LIMIT when it is loaded, before main, so setting it
	 * here takes a fresh start of the program. A value the user set is kept.
	 */
	if (getenv("OMP_THREAD_LIMIT") == NULL) {
		setenv("OMP_THREAD_LIMIT", "1", 1);
		execv("/proc/self/exe", argv);
		/* No /proc: go on, only slower. */
	}
	cli_init(&c, "ocr-extract", argv);
	memset(&o, 0, sizeof(o));
	memset(&run, 0, sizeof(run));
	run.c = &c;
	o.ocr.page_timeout_ms = 60000;
	o.ocr.default_dpi = 300;
	o.max_pixels = 200000000;
	o.max_file_size = (size_t)1 << 30;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "l:", longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg, usage_text()))
			continue;
		switch (opt) {
		case 'l':
			o.ocr.langs = optarg;
			break;
		case OPT_TESSDATA:
			if (!is_dir(optarg))
				cli_usage_error(&c, _("--tessdata wants a directory, not '%s'"), optarg);
			o.ocr.tessdata = optarg;
			break;
		case OPT_TIMEOUT:
			if (!parse_seconds(optarg, &o.ocr.page_timeout_ms))
				cli_usage_error(&c, _("--page-timeout wants seconds from 0 to 86400, "
				    "not '%s'"), optarg);
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case OPT_NO_INDEX:
			o.no_index = true;
			break;
		case OPT_TEXT:
			text = optarg;
			break;
		case OPT_HOCR:
			hocr = optarg;
			break;
		case OPT_PDF:
			o.pdf = optarg;
			break;
		case OPT_OUTDIR:
			o.outdir = optarg;
			break;
		case OPT_FORM:
			form = optarg;
			break;
		case OPT_TEMPLATES:
			if (!is_dir(optarg))
				cli_usage_error(&c, _("--templates wants a directory, not '%s'"), optarg);
			templates = optarg;
			break;
		case OPT_FIELDS:
			fields = optarg;
			break;
		case OPT_SHARD:
			if (!parse_shard(optarg, &shard, &shards))
				cli_usage_error(&c, _("--shard wants I/N with 1 <= I <= N, not '%s'"),
				    optarg);
			break;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), c.prog);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind == argc)
		cli_usage_error(&c, _("no input: give dossier directories or image files"));
	if ((r = cli_collect_inputs(&c, argc, argv, optind, &inputs, &n_inputs)) != 0)
		return r;
	/* A store means each of its dossiers (those done are skipped below, unless --force). */
	{
		struct hoso_err e = { 0 };
		char **expanded;
		size_t n_expanded;
		if (hoso_store_expand(inputs, n_inputs, &expanded, &n_expanded, &e) != 0) {
			cli_inputs_free(inputs, n_inputs);
			return cli_fail(&c, &e);
		}
		cli_inputs_free(inputs, n_inputs);
		inputs = expanded;
		n_inputs = n_expanded;
	}
	for (i = 0; i < n_inputs; i++)
		n_dossiers += hoso_ocrrun_is_dossier(inputs[i]);
	if (n_dossiers > 0 && n_dossiers < n_inputs)
		cli_usage_error(&c, _("give dossier directories or image files, not both"));
	if (n_dossiers > 0 && (text || hocr || o.pdf || o.outdir))
		cli_usage_error(&c, _("--text, --hocr, --pdf and --outdir are for image files; a "
		    "dossier's outputs go into its ocr/ folder"));
	if (o.outdir != NULL && (text || hocr || o.pdf))
		cli_usage_error(&c, _("--outdir cannot be combined with --text, --hocr or --pdf"));
	/* Form fields: images write them where --fields says, stdout when nothing else is asked. */
	if ((fields != NULL || templates != NULL) && form == NULL)
		cli_usage_error(&c, _("--fields and --templates go with --form NAME or --form auto"));
	if (fields != NULL && (n_dossiers > 0 || o.outdir != NULL))
		cli_usage_error(&c, _("--fields is for image files without --outdir; a dossier's "
		    "fields go into ocr/fields.xml, --outdir writes NAME.fields.xml"));
	if (form != NULL && n_dossiers == 0 && fields == NULL && !text && !hocr && !o.pdf &&
	    !o.outdir)
		fields = "-";
	if (fields != NULL && text != NULL && strcmp(fields, "-") == 0 && strcmp(text, "-") == 0)
		cli_usage_error(&c, _("--text - and --fields - cannot both go to standard output"));
	if (form != NULL && (status = load_forms(&c, templates, form, &set, &o)) != 0) {
		hoso_template_set_free(&set);
		cli_inputs_free(inputs, n_inputs);
		return status;
	}
	if (n_dossiers == 0 && !text && !hocr && !o.pdf && !o.outdir && fields == NULL)
		text = "-";
	/* Decided on the whole list, so that every shard runs in the same mode. */
	if (shards > 0 && (r = keep_shard(&c, inputs, &n_inputs, shard, shards)) != 0) {
		cli_inputs_free(inputs, n_inputs);
		return r;
	}

	run.want_text = text != NULL;
	run.want_hocr = hocr != NULL;
	hoso_buf_init(&run.text, 0);
	hoso_buf_init(&run.hocr, 0);
	o.jobs = c.jobs;
	o.log = &c.log;
	o.progress = show_progress;
	o.on_page = on_page;
	o.ctx = &run;
	hoso_err_clear(&err);
	if (run.want_hocr && hoso_ocr_hocr_head(&run.hocr, hocr, &err) != 0)
		return cli_fail(&c, &err);
	if (n_dossiers > 0)
		r = hoso_ocrrun_dossiers(&o, (const char *const *)inputs, n_inputs, &sum, &err);
	else
		r = hoso_ocrrun_images(&o, (const char *const *)inputs, n_inputs, &sum, &err);
	cli_progress_end(&c);
	status = sum.n_failures > 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
	for (i = 0; i < sum.n_failures; i++)
		cli_error(&c, "%s", sum.failures[i].why.msg);
	if (r != 0)
		status = cli_fail(&c, &err);
	if (r == 0 && run.status != 0)
		status = run.status;
	if (r == 0 && status != CLI_EXIT_IO && text != NULL &&
	    (r = cli_write_output(&c, text, &run.text)) != 0)
		status = r;
	if (r == 0 && status != CLI_EXIT_IO && fields != NULL &&
	    (r = cli_write_output(&c, fields, &sum.fields)) != 0)
		status = r;
	if (status != CLI_EXIT_IO && status != CLI_EXIT_ENGINE && hocr != NULL) {
		hoso_err_clear(&err);
		if (hoso_ocr_hocr_tail(&run.hocr, &err) != 0)
			status = cli_fail(&c, &err);
		else if ((r = cli_write_output(&c, hocr, &run.hocr)) != 0)
			status = r;
	}
	if (r == 0 && n_dossiers > 0)
		cli_info(&c, _("summary: dossiers %zu done, %zu up to date; pages recognized %zu "
		    "(mean confidence %.0f%%), up to date %zu, failed %zu"), sum.dossiers,
		    sum.dossiers_skipped, sum.pages, sum.confidence, sum.skipped, sum.n_failures);
	else if (r == 0 && c.verbose > 0)
		cli_info(&c, _("summary: pages recognized %zu (mean confidence %.0f%%), failed %zu"),
		    sum.pages, sum.confidence, sum.n_failures);
	if (r == 0 && form != NULL)
		cli_info(&c, _("fields: %zu pages read as forms, %zu values to review"), sum.forms,
		    sum.fields_review);
	hoso_ocrrun_summary_free(&sum);
	hoso_template_set_free(&set);
	hoso_buf_free(&run.text);
	hoso_buf_free(&run.hocr);
	cli_inputs_free(inputs, n_inputs);
	return status;
}
