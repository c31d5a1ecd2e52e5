/* hoso - the front door: `hoso TOOL ARGS...` runs a tool, `hoso --help` lists them, `hoso help TOOL` its manual. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The tools, in the order of the work, each with what it does in one line. */
static const struct {
	const char *name;
	const char *what;
	const char *prog;		/* its program, when not named as the tool */
} tools[] = {
	{ "scan-ingest", N_("scans (files, folders, archives, a scanner) into a store"), NULL },
	{ "ocr-extract", N_("recognize pages: text, hOCR, searchable PDF, form fields"), NULL },
	{ "review", N_("check and correct the flagged form values, in a browser"), NULL },
	{ "lookup", N_("find dossiers by identity number, name or phrase"), NULL },
	{ "sign-pack", N_("sign a dossier into an ASiC-E archive, or a PDF"), NULL },
	{ "verify", N_("check signed archives and PDFs, as an auditor would"), NULL },
	{ "stats", N_("count the office's indicators from registers and a store"), NULL },
	{ "monthly-report", N_("last month's report in every format, for cron"),
	    "hoso-monthly-report" },
};
#define N_TOOLS (sizeof(tools) / sizeof(tools[0]))

static void
usage(FILE *f)
{
	size_t i;

	fputs(_("Usage: hoso TOOL [ARGUMENT]...\n"
	    "       hoso help [TOOL]\n"
	    "Run one of hoso's tools (hoso TOOL --help: its options), or read its manual.\n"
	    "\n"
	    "Tools:\n"), f);
	for (i = 0; i < N_TOOLS; i++)
		fprintf(f, "  %-20s %s\n", tools[i].name, _(tools[i].what));
	fputs(_("\n"
	    "  -h, --help             this help\n"
	    "      --version          version\n"
	    "\n"
	    "Exit status: the tool's; 2 usage (an unknown tool). See hoso(1), hoso(7).\n"), f);
}

/* The tool's program: beside this one (a build tree, or BINDIR), else on PATH. */
static int
run(const char *name, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64], *slash;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self, name);
			if (access(path, X_OK) == 0) {
				execv(path, argv);
				fprintf(stderr, "hoso: %s: %s\n", path, strerror(errno));
				return CLI_EXIT_IO;
			}
		}
	}
	execvp(name, argv);
	fprintf(stderr, "hoso: %s: %s\n", name, strerror(errno));
	return errno == ENOENT ? CLI_EXIT_USAGE : CLI_EXIT_IO;
}

static long
find(const char *name)
{
	size_t i;

	for (i = 0; i < N_TOOLS; i++)
		if (strcmp(tools[i].name, name) == 0)
			return (long)i;
	return -1;
}

static const char *
prog_of(long i)
{
	return tools[i].prog != NULL ? tools[i].prog : tools[i].name;
}

int
main(int argc, char **argv)
{
	struct cli c;
	char *man[3];
	long i;

	cli_init(&c, "hoso", argv);
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hoso %s\n", HOSO_VERSION);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc > 3)
			cli_usage_error(&c, _("help takes one tool"));
		if (argc == 3 && find(argv[2]) < 0)
			cli_usage_error(&c, _("not a hoso tool: '%s' (hoso --help lists them)"), argv[2]);
		man[0] = "man";
		man[1] = argc == 3 ? (char *)prog_of(find(argv[2])) : "hoso";
		man[2] = NULL;
		execvp("man", man);
		cli_error(&c, _("cannot run man: %s"), strerror(errno));
		return CLI_EXIT_IO;
	}
	if (argv[1][0] == '-')
		cli_usage_error(&c, _("unknown option '%s'"), argv[1]);
	if ((i = find(argv[1])) < 0)
		cli_usage_error(&c, _("not a hoso tool: '%s' (hoso --help lists them)"), argv[1]);
	argv[1] = (char *)prog_of(i);
	return run(argv[1], argv + 1);
}
