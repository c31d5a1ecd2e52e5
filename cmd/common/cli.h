/* cli.h - what every hoso front-end shares: locale, options, messages, progress, exit codes. */
#ifndef HOSO_CLI_H
#define HOSO_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "i18n.h"
#include "log.h"

/* The exit status table of hoso(7), the same in every tool. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_NO = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_INPUT = 3,
	CLI_EXIT_IO = 4,
	CLI_EXIT_ENGINE = 5,
};

struct cli {
	const char *prog;
	int verbose;		/* -v, repeatable */
	bool quiet;		/* -q */
	int jobs;		/* -j N; default: online CPUs */
	bool tty;		/* stderr is a terminal: progress bars allowed */
	struct hoso_log log;	/* routes library messages to stderr */
	bool progress_shown;	/* a progress line is on screen and must be cleared */
};

/*
 * Locale and message catalog (HOSO_LOCALEDIR overrides the installed one, for
 * running from the build tree), defaults, and the log callback.  argv[0]
 * becomes prog, so that getopt's own messages ("unrecognized option") name
 * the tool, not the path it ran from.
 */
void cli_init(struct cli *c, const char *prog, char **argv);

/*
 * Handle an option every tool has: -h/--help, --version, -q, -v, -j N.
 * Returns 1 when handled, 0 when not one of them; exits for --help, --version
 * and a bad -j value. usage is the tool's full help text.
 */
int cli_common_option(struct cli *c, int opt, const char *arg, const char *usage);

/* The long options of cli_common_option, for getopt_long tables. */
#define CLI_COMMON_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "jobs", required_argument, NULL, 'j' }
#define CLI_COMMON_SHORTOPTS "hqvj:"

/* "prog: message" on stderr (clears a progress line first). */
void cli_error(struct cli *c, const char *fmt, ...) HOSO_PRINTF(2, 3);
void cli_warn(struct cli *c, const char *fmt, ...) HOSO_PRINTF(2, 3);
/* A library error, then its exit status. */
int cli_fail(struct cli *c, const struct hoso_err *err);
/* A usage error: message, a hint to --help, exit 2. */
void cli_usage_error(struct cli *c, const char *fmt, ...) HOSO_PRINTF(2, 3);
/* Informational line on stderr unless -q. */
void cli_info(struct cli *c, const char *fmt, ...) HOSO_PRINTF(2, 3);

/*
 * Write an output the user named: "-" (or NULL) is standard output, a file
 * is written atomically (temp, fsync, rename). Returns the exit status.
 */
int cli_write_output(struct cli *c, const char *path, const struct hoso_buf *b);

/*
 * The operands argv[first..argc) as a new list of copies, where "-" stands
 * for the lines of standard input: one path a line, empty lines skipped
 * (for "find ... | tool -"). Returns 0, or the exit status after printing
 * why; *list is then freed. Free a list with cli_inputs_free.
 */
int cli_collect_inputs(struct cli *c, int argc, char **argv, int first, char ***list, size_t *n);
void cli_inputs_free(char **list, size_t n);

/*
 * The data directory (templates, schemas): HOSO_DATADIR from the environment,
 * else the installed one, else, for a tool run from the build tree
 * (build/bin/TOOL), the source tree's data/ beside it.
 */
const char *cli_datadir(void);

/* Parse a decimal integer in [min, max]; false when it is not one. */
bool cli_parse_long(const char *s, long min, long max, long *out);

/*
 * A one-line progress bar on stderr, drawn only on a terminal and without -q:
 * "[#######.....]  12/40  label". total 0 means unknown (no bar, a count).
 */
void cli_progress(struct cli *c, size_t done, size_t total, const char *what, const char *label);
void cli_progress_end(struct cli *c);

#endif
