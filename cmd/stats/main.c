/* stats - KPI counts of one-stop registers (specs/register-csv.md): text, CSV, JSON, XML, HTML. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "date.h"
#include "file.h"
#include "kpi.h"
#include "legacy.h"
#include "register.h"
#include "report.h"
#include "report_html.h"
#include "units.h"
#include "xml.h"

static const char *
usage_text(void)
{
	return _("Usage: stats [OPTION]... -r FILE|-... (--month YYYY-MM | --from D --to D)\n"
	    "Count the dossiers of one-stop register exports (CSV or Excel .xlsx) for a\n"
	    "period:\n"
	    "received online and on paper, carried over, resolved early, on time or\n"
	    "late, pending, digitized, paid online, signed, and their rates.\n"
	    "\n"
	    "  -r, --register FILE    a register export; repeatable, '-' is standard\n"
	    "                         input; a dossier in several files: the last wins\n"
	    "  -u, --units FILE       the units file (names, levels, parents, successors)\n"
	    "      --month YYYY-MM    the period is this month\n"
	    "      --from DATE        first day of the period (YYYY-MM-DD)\n"
	    "      --to DATE          last day of the period (YYYY-MM-DD)\n"
	    "      --by LIST          group by unit, level, field, month, or a list such\n"
	    "                         as unit,field (default unit)\n"
	    "      --as-of DATE       report under the units valid on DATE\n"
	    "      --direct           count each unit's own dossiers only (no roll-up)\n"
	    "      --lenient          skip bad rows, say how many and why\n"
	    "      --encoding NAME    the registers' encoding: utf-8, windows-1258, tcvn3\n"
	    "                         or vni (default: UTF-8, else the one of the three\n"
	    "                         that reads as Vietnamese)\n"
	    "      --columns FILE     the labels the export gives the columns, one\n"
	    "                         'ma_ho_so = Mã hồ sơ' a line (default: the usual\n"
	    "                         Vietnamese labels, see hoso-register(5))\n"
	    "      --target LIST      plans: online=80,signed=99 or online=tinh:90,xa:60\n"
	    "                         (rates online, digitization, on_time, signed);\n"
	    "                         repeatable\n"
	    "  -s, --store STORE      add the dossier store's counts per unit and month:\n"
	    "                         dossiers scanned, pages, blank pages, pages OCR'd\n"
	    "                         and their mean confidence, fields to review,\n"
	    "                         signed archives\n"
	    "      --archives DIR     where sign-pack wrote <code>.asice (default: the\n"
	    "                         directory that holds STORE)\n"
	    "  -f, --format FORMAT    text (default), csv, json, xml, or html (a page\n"
	    "                         with the table and charts, for a browser or print)\n"
	    "      --title TEXT       the heading of the HTML report\n"
	    "  -o, --output FILE      write the report to FILE (atomically), not stdout\n"
	    "  -j, --jobs N           worker threads (default: number of CPUs)\n"
	    "  -q, --quiet            only errors\n"
	    "  -v, --verbose          say how many rows each file had\n"
	    "  -h, --help             this help\n"
	    "      --version          version\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 bad input (the message names file:line),\n"
	    "4 I/O or system error. See stats(1), hoso-register(5).\n");
}

enum {
	OPT_MONTH = 256, OPT_FROM, OPT_TO, OPT_BY, OPT_AS_OF, OPT_DIRECT, OPT_LENIENT, OPT_TARGET,
	OPT_ARCHIVES,
	OPT_TITLE,
	OPT_COLUMNS,
	OPT_ENCODING,
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "register", required_argument, NULL, 'r' },
	{ "units", required_argument, NULL, 'u' },
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "by", required_argument, NULL, OPT_BY },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "direct", no_argument, NULL, OPT_DIRECT },
	{ "lenient", no_argument, NULL, OPT_LENIENT },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "encoding", required_argument, NULL, OPT_ENCODING },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "store", required_argument, NULL, 's' },
	{ "archives", required_argument, NULL, OPT_ARCHIVES },
	{ "format", required_argument, NULL, 'f' },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

static int32_t
date_arg(struct cli *c, const char *opt, const char *s)
{
	int32_t day;

	if (strlen(s) != 10 || !hoso_register_parse_date(s, 10, &day))
		cli_usage_error(c, _("%s wants a date YYYY-MM-DD, not '%s'"), opt, s);
	return day;
}

static unsigned
by_arg(struct cli *c, const char *s)
{
	static const struct {
		const char *name;
		unsigned bit;
	} dims[] = {
		{ "unit", HOSO_KPI_BY_UNIT }, { "level", HOSO_KPI_BY_LEVEL },
		{ "field", HOSO_KPI_BY_FIELD }, { "month", HOSO_KPI_BY_MONTH },
	};
	unsigned by = 0;
	const char *p = s;
	size_t n, i;

	while (*p != '\0') {
		n = strcspn(p, ",");
		for (i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
			if (strlen(dims[i].name) == n && strncmp(p, dims[i].name, n) == 0)
				break;
		if (i == sizeof(dims) / sizeof(dims[0]))
			cli_usage_error(c, _("--by wants unit, level, field or month (or a list "
			    "such as unit,field), not '%s'"), s);
		if (by & dims[i].bit)
			cli_usage_error(c, _("--by names %s twice: '%s'"), dims[i].name, s);
		by |= dims[i].bit;
		p += n;
		if (*p == ',' && *++p == '\0')
			by = 0;		/* "unit,": a trailing comma is a typo, not a list */
	}
	if (by == 0)
		cli_usage_error(c, _("--by wants unit, level, field or month (or a list "
		    "such as unit,field), not '%s'"), s);
	return by;
}

static int
open_input(struct cli *c, const char *path, int *fd)
{
	if (strcmp(path, "-") == 0) {
		*fd = STDIN_FILENO;
		return 0;
	}
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		cli_error(c, _("%s: cannot open: %s"), path, strerror(errno));
		return errno == ENOENT || errno == EISDIR || errno == EACCES ? CLI_EXIT_INPUT :
		    CLI_EXIT_IO;
	}
	return 0;
}

/*
 * What the HTML report needs from the environment: the language of the
 * messages (lang="vi" under a vi locale) and the time it was made
 * (SOURCE_DATE_EPOCH when set, for reproducible reports).
 */
static void
html_context(struct hoso_report_opts *ro, char when[static 64])
{
	const char *loc = setlocale(LC_MESSAGES, NULL), *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);
	struct tm tm;
	long v;

	ro->lang = loc != NULL && strncmp(loc, "vi", 2) == 0 && (loc[2] == '\0' || loc[2] == '_' ||
	    loc[2] == '.') ? "vi" : "en";
	if (sde != NULL && cli_parse_long(sde, 0, 253402300799L, &v))
		now = (time_t)v;
	when[0] = '\0';
	if (localtime_r(&now, &tm) != NULL)
		strftime(when, 64, "%Y-%m-%d %H:%M %z", &tm);
	ro->generated = when[0] != '\0' ? when : NULL;
}

static const char *
skip_reason(int reason)
{
	switch (reason) {
	case HOSO_REG_SKIP_EMPTY:
		return _("a required cell is empty");
	case HOSO_REG_SKIP_DATE:
		return _("a date that does not parse or is out of range");
	case HOSO_REG_SKIP_VALUE:
		return _("a value that does not parse");
	case HOSO_REG_SKIP_ORDER:
		return _("finished before it was received");
	case HOSO_REG_SKIP_TEXT:
		return _("invalid text (UTF-8, quoting, extra cells, control characters, over 1 MiB)");
	default:
		return _("unit not in the units file on the date received");
	}
}

int
main(int argc, char **argv)
{
	struct hoso_kpi_opts ko;
	struct hoso_report_opts ro;
	struct hoso_report_targets targets;
	struct hoso_kpi_result res;
	struct hoso_units *units = NULL;
	struct hoso_kpi *kpi = NULL;
	struct hoso_buf report = HOSO_BUF_INIT(0);
	struct hoso_err err;
	struct cli c;
	const char **regs = NULL, *units_path = NULL, *output = NULL, *month = NULL;
	const char *from_s = NULL, *to_s = NULL;
	const char **labels = NULL, *store = NULL, *archives = NULL, *columns = NULL;
	struct hoso_register_labels *column_labels = NULL;
	int encoding = HOSO_ENC_AUTO, used;
	char *store_parent = NULL;
	int *fds = NULL;
	char when[64];
	size_t n_regs = 0, i, skipped = 0;
	int opt, status = CLI_EXIT_OK, fd, y, m;
	bool have_res = false;
	char tail;
	const char *env;
	long part_size;

	cli_init(&c, "stats", argv);
	hoso_xml_init();	/* before -j threads read workbooks */
	memset(&ko, 0, sizeof(ko));
	memset(&ro, 0, sizeof(ro));
	memset(&res, 0, sizeof(res));
	ro.format = HOSO_REPORT_TEXT;
	hoso_report_targets_init(&targets);
	if ((regs = calloc((size_t)argc, sizeof(*regs))) == NULL) {
		cli_error(&c, _("out of memory"));
		return CLI_EXIT_IO;
	}
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "r:u:f:o:s:", longopts,
	    NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg, usage_text()))
			continue;
		switch (opt) {
		case 'r':
			regs[n_regs++] = optarg;
			break;
		case 'u':
			units_path = optarg;
			break;
		case OPT_MONTH:
			month = optarg;
			if (strlen(optarg) != 7 || sscanf(optarg, "%4d-%2d%c", &y, &m, &tail) != 2 ||
			    optarg[4] != '-' || m < 1 || m > 12)
				cli_usage_error(&c, _("--month wants YYYY-MM, not '%s'"), optarg);
			ko.from = hoso_date_day(y, m, 1);
			ko.to = hoso_date_day(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
			break;
		case OPT_FROM:
			from_s = optarg;
			ko.from = date_arg(&c, "--from", optarg);
			break;
		case OPT_TO:
			to_s = optarg;
			ko.to = date_arg(&c, "--to", optarg);
			break;
		case OPT_BY:
			ko.by = by_arg(&c, optarg);
			break;
		case OPT_AS_OF:
			ko.has_as_of = true;
			ko.as_of = date_arg(&c, "--as-of", optarg);
			break;
		case OPT_DIRECT:
			ko.direct = true;
			break;
		case OPT_LENIENT:
			ko.lenient = true;
			break;
		case OPT_TARGET:
			hoso_err_clear(&err);
			if (hoso_report_parse_targets(optarg, &targets, &err) != 0)
				cli_usage_error(&c, "%s", err.msg);
			ro.targets = &targets;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				ro.format = HOSO_REPORT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				ro.format = HOSO_REPORT_CSV;
			else if (strcmp(optarg, "json") == 0)
				ro.format = HOSO_REPORT_JSON;
			else if (strcmp(optarg, "xml") == 0)
				ro.format = HOSO_REPORT_XML;
			else if (strcmp(optarg, "html") == 0)
				ro.format = HOSO_REPORT_HTML;
			else
				cli_usage_error(&c, _("--format is text, csv, json, xml or html, not "
				    "'%s'"), optarg);
			break;
		case OPT_TITLE:
			ro.title = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 's':
			store = optarg;
			break;
		case OPT_ARCHIVES:
			archives = optarg;
			break;
		case OPT_COLUMNS:
			columns = optarg;
			break;
		case OPT_ENCODING:
			if (hoso_legacy_parse(optarg, &encoding) != 0)
				cli_usage_error(&c, _("--encoding wants utf-8, windows-1258, tcvn3 or vni, "
				    "not '%s'"), optarg);
			break;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), c.prog);
			free(regs);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc)
		cli_usage_error(&c, _("unexpected argument '%s' (registers go after --register)"),
		    argv[optind]);
	if (n_regs == 0 && store == NULL)
		cli_usage_error(&c, _("no register: give --register FILE (or '-') or --store STORE"));
	if (archives != NULL && store == NULL)
		cli_usage_error(&c, _("--archives needs --store STORE"));
	if (month != NULL && (from_s != NULL || to_s != NULL))
		cli_usage_error(&c, _("give either --month or --from and --to, not both"));
	if (month == NULL && (from_s == NULL || to_s == NULL))
		cli_usage_error(&c, _("no period: give --month YYYY-MM or --from and --to"));
	if (ko.from > ko.to)
		cli_usage_error(&c, _("--from %s is after --to %s"), from_s, to_s);
	if (units_path == NULL && (ko.has_as_of || (ko.by & HOSO_KPI_BY_LEVEL)))
		cli_usage_error(&c, _("--as-of and --by level need --units FILE"));
	if (ko.by == 0)
		ko.by = HOSO_KPI_BY_UNIT;
	ko.log = &c.log;
	if (columns != NULL) {
		if (hoso_register_labels_load(columns, &column_labels, &err) != 0) {
			status = cli_fail(&c, &err);
			goto out;
		}
		ko.labels = column_labels;
	}
	/* For tests only (stats(1), ENVIRONMENT): many -j parts in a small file. */
	if ((env = getenv("HOSO_STATS_PART_SIZE")) != NULL &&
	    cli_parse_long(env, 1, 1L << 40, &part_size))
		ko.part_size = (size_t)part_size;
	if (ro.format == HOSO_REPORT_HTML) {
		ko.trend_months = HOSO_REPORT_HTML_TREND_MONTHS;
		html_context(&ro, when);
		ro.units_label = units_path;
	}

	hoso_err_clear(&err);
	if (units_path != NULL) {
		if ((status = open_input(&c, units_path, &fd)) != 0)
			goto out;
		if (hoso_units_load(&units, fd, units_path, &err) != 0) {
			status = cli_fail(&c, &err);
			if (fd != STDIN_FILENO)
				close(fd);
			goto out;
		}
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if (hoso_kpi_new(&kpi, &ko, units, &err) != 0) {
		if (err.code == HOSO_EUSAGE)
			cli_usage_error(&c, "%s", err.msg);
		status = cli_fail(&c, &err);
		goto out;
	}
	/* -j: the registers are read in parallel, one file per thread, merged in order. */
	if ((fds = calloc(n_regs, sizeof(*fds))) == NULL || (labels = calloc(n_regs,
	    sizeof(*labels))) == NULL) {
		cli_error(&c, _("out of memory"));
		status = CLI_EXIT_IO;
		goto out;
	}
	for (i = 0; i < n_regs; i++)
		fds[i] = -1;
	for (i = 0; i < n_regs; i++) {
		labels[i] = strcmp(regs[i], "-") == 0 ? _("standard input") : regs[i];
		if ((status = open_input(&c, regs[i], &fds[i])) != 0)
			goto out;
		/* An old export in Windows-1258, TCVN3 or VNI is read as its UTF-8 copy. */
		if (hoso_legacy_fd(fds[i], labels[i], encoding, &fd, &used, &err) != 0) {
			status = cli_fail(&c, &err);
			goto out;
		}
		if (fd != fds[i]) {
			if (fds[i] > STDIN_FILENO)
				close(fds[i]);
			fds[i] = fd;
			cli_info(&c, _("%s: read as %s"), labels[i], hoso_legacy_name(used));
		}
	}
	if (hoso_kpi_add_fds(kpi, fds, labels, n_regs, c.jobs > 0 ? (unsigned)c.jobs : 1,
	    &err) != 0) {
		status = cli_fail(&c, &err);
		goto out;
	}
	/* --store: after the registers, so a dossier in both is matched by its code. */
	if (store != NULL) {
		if (archives == NULL) {
			char *slash;

			if ((store_parent = strdup(store)) == NULL) {
				cli_error(&c, _("out of memory"));
				status = CLI_EXIT_IO;
				goto out;
			}
			while ((slash = strrchr(store_parent, '/')) != NULL && slash[1] == '\0' &&
			    slash != store_parent)
				*slash = '\0';
			if ((slash = strrchr(store_parent, '/')) == NULL)
				archives = ".";
			else if (slash == store_parent)
				slash[1] = '\0';
			else
				*slash = '\0';
			if (archives == NULL)
				archives = store_parent;
		}
		if (hoso_kpi_add_store(kpi, store, archives, &err) != 0) {
			status = cli_fail(&c, &err);
			goto out;
		}
	}
	if (hoso_kpi_count(kpi, &res, &err) != 0) {
		status = cli_fail(&c, &err);
		goto out;
	}
	have_res = true;
	for (i = 0; i < HOSO_REG_SKIP_MAX; i++) {
		if (res.skipped[i] == 0)
			continue;
		skipped += res.skipped[i];
		cli_warn(&c, _("%zu rows skipped: %s"), res.skipped[i], skip_reason((int)i));
	}
	if (res.units_repaired > 0)
		cli_info(&c, _("%llu unit codes had lost their leading zeros (8740 for 08740) and "
		    "were read as the one unit they can be"), (unsigned long long)res.units_repaired);
	if (res.store_bad > 0)
		cli_warn(&c, _("%llu store files could not be read (named above) and were skipped"),
		    (unsigned long long)res.store_bad);
	if (res.store_unplaced > 0)
		cli_warn(&c, _("%llu store dossiers have no unit or date received that the report "
		    "knows (not in a register, no ma_don_vi or ngay_tiep_nhan, code not "
		    "{unit}-{yyMMdd}-{NNNN}): not counted"), (unsigned long long)res.store_unplaced);
	if (res.has_store)
		cli_info(&c, _("%llu store dossiers read, %llu of them matched in a register"),
		    (unsigned long long)res.store_dossiers, (unsigned long long)res.store_matched);
	if (res.duplicates > 0)
		cli_info(&c, _("%llu duplicate rows replaced an earlier row of the same dossier"),
		    (unsigned long long)res.duplicates);
	if (c.verbose > 0 && res.dossiers > 0)
		cli_info(&c, _("%llu dossiers held in %zu bytes (%.1f bytes per dossier)"),
		    (unsigned long long)res.dossiers, res.dossier_bytes,
		    (double)res.dossier_bytes / (double)res.dossiers);
	ro.store = store != NULL;
	ro.by = ko.by;
	ro.direct = ko.direct;
	ro.from = ko.from;
	ro.to = ko.to;
	ro.has_as_of = ko.has_as_of;
	ro.as_of = ko.as_of;
	if (hoso_report_write(&res, &ro, &report, &err) != 0) {
		status = cli_fail(&c, &err);
		goto out;
	}
	status = cli_write_output(&c, output, &report);
out:
	if (have_res)
		hoso_kpi_result_free(&res);
	for (i = 0; fds != NULL && i < n_regs; i++)
		if (fds[i] > STDIN_FILENO)
			close(fds[i]);
	free(fds);
	free(labels);
	free(store_parent);
	hoso_kpi_free(kpi);
	hoso_units_free(units);
	hoso_register_labels_free(column_labels);
	hoso_buf_free(&report);
	free(regs);
	(void)skipped;
	return status;
}
