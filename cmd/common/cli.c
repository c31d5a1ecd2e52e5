/* cli.c - locale, shared options, messages and the progress bar of every front-end. */
#include <errno.h>
#include <getopt.h>
#include <libintl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"

static void
log_to_stderr(void *ctx, int level, const char *msg)
{
	struct cli *c = ctx;

	if (level == HOSO_LOG_ERROR)
		cli_error(c, "%s", msg);
	else if (level == HOSO_LOG_WARN)
		cli_warn(c, "%s", msg);
	else
		cli_info(c, "%s", msg);
}

static const char *tree_dir(const char *rel, const char *sub, char *out, size_t size);

void
cli_init(struct cli *c, const char *prog, char **argv)
{
	const char *dir = getenv("HOSO_LOCALEDIR");
	static char tree[4096];
	long n;

	setlocale(LC_ALL, "");
	/*
	 * Numbers in what we write are for programs (xs:decimal, PDF operands, CSV):
	 * vi_VN's decimal comma ("96,1") would make them invalid. Messages and
	 * character classes still follow the user's locale.
	 */
	setlocale(LC_NUMERIC, "C");
	/* From the build tree: build/locale, where make puts the catalogs. */
	if ((dir == NULL || *dir == '\0') &&
	    (dir = tree_dir("./locale", "vi/LC_MESSAGES/hoso.mo", tree, sizeof(tree))) == NULL)
		dir = HOSO_LOCALEDIR;
	bindtextdomain(HOSO_TEXTDOMAIN, dir);
	bind_textdomain_codeset(HOSO_TEXTDOMAIN, "UTF-8");
	textdomain(HOSO_TEXTDOMAIN);

	memset(c, 0, sizeof(*c));
	c->prog = prog;
	argv[0] = (char *)prog;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	c->jobs = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
	c->tty = isatty(STDERR_FILENO) == 1;
	c->log.fn = log_to_stderr;
	c->log.ctx = c;
	c->log.level = HOSO_LOG_WARN;
}

bool
cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return false;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

int
cli_common_option(struct cli *c, int opt, const char *arg, const char *usage)
{
	long n;

	switch (opt) {
	case 'h':
		fputs(usage, stdout);
		exit(CLI_EXIT_OK);
	case 'V':
		printf("%s (hoso) %s\n", c->prog, HOSO_VERSION);
		exit(CLI_EXIT_OK);
	case 'q':
		c->quiet = true;
		c->log.level = HOSO_LOG_ERROR;
		return 1;
	case 'v':
		c->verbose++;
		c->log.level = c->verbose > 1 ? HOSO_LOG_DEBUG : HOSO_LOG_INFO;
		return 1;
	case 'j':
		if (!cli_parse_long(arg, 1, 256, &n))
			cli_usage_error(c, _("-j wants a number of workers from 1 to 256, not '%s'"), arg);
		c->jobs = (int)n;
		return 1;
	default:
		return 0;
	}
}

static void
clear_progress(struct cli *c)
{
	if (c->progress_shown) {
		fputs("\r\033[K", stderr);
		c->progress_shown = false;
	}
}

static void
vmessage(struct cli *c, const char *kind, const char *fmt, va_list ap)
{
	clear_progress(c);
	fprintf(stderr, "%s: ", c->prog);
	if (kind != NULL)
		fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(c, NULL, fmt, ap);
	va_end(ap);
}

void
cli_warn(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vmessage(c, _("warning"), fmt, ap);
	va_end(ap);
}

void
cli_info(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vmessage(c, NULL, fmt, ap);
	va_end(ap);
}

int
cli_fail(struct cli *c, const struct hoso_err *err)
{
	cli_error(c, "%s", err->msg[0] ? err->msg : _("unknown error"));
	return hoso_err_exit_status(err->code);
}

void
cli_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(c, NULL, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("Try '%s --help' for more information.\n"), c->prog);
	exit(CLI_EXIT_USAGE);
}

void
cli_progress(struct cli *c, size_t done, size_t total, const char *what, const char *label)
{
	enum { WIDTH = 24 };
	char bar[WIDTH + 1];
	size_t i, fill;

	if (!c->tty || c->quiet)
		return;
	fputs("\r\033[K", stderr);
	if (total > 0) {
		fill = done >= total ? WIDTH : done * WIDTH / total;
		for (i = 0; i < WIDTH; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[WIDTH] = '\0';
		fprintf(stderr, "[%s] %zu/%zu %s", bar, done, total, what);
	} else {
		fprintf(stderr, "%zu %s", done, what);
	}
	/* Keep the line short so it never wraps: the label's tail is what matters. */
	if (label != NULL && *label != '\0') {
		size_t len = strlen(label);
		const char *tail = label;
		if (len > 40) {
			tail = label + len - 40;
			while ((*tail & 0xc0) == 0x80)	/* not in the middle of a UTF-8 char */
				tail++;
			fprintf(stderr, "  …%s", tail);
		} else {
			fprintf(stderr, "  %s", tail);
		}
	}
	fflush(stderr);
	c->progress_shown = true;
}

void
cli_progress_end(struct cli *c)
{
	clear_progress(c);
}

int
cli_write_output(struct cli *c, const char *path, const struct hoso_buf *b)
{
	struct hoso_err err;

	hoso_err_clear(&err);
	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(hoso_buf_str(b), 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
			cli_error(c, _("cannot write to standard output: %s"), strerror(errno));
			return CLI_EXIT_IO;
		}
		return 0;
	}
	if (hoso_file_write_output(path, hoso_buf_str(b), b->len, &err) != 0)
		return cli_fail(c, &err);
	return 0;
}

static int
push_input(char ***list, size_t *n, size_t *cap, const char *path)
{
	char **nl;

	if (*n == *cap) {
		if ((nl = realloc(*list, (*cap * 2 + 16) * sizeof(*nl))) == NULL)
			return -1;
		*list = nl;
		*cap = *cap * 2 + 16;
	}
	if (((*list)[*n] = strdup(path)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Paths from standard input, one per line. */
static int
read_stdin_list(char ***list, size_t *n, size_t *cap)
{
	char *line = NULL;
	size_t len = 0;
	ssize_t got;
	int r = 0;

	while (r == 0 && (got = getline(&line, &len, stdin)) >= 0) {
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = '\0';
		if (got == 0)
			continue;
		r = push_input(list, n, cap, line);
	}
	free(line);
	return r == 0 && !ferror(stdin) ? 0 : -1;
}

int
cli_collect_inputs(struct cli *c, int argc, char **argv, int first, char ***list, size_t *n)
{
	size_t cap = 0;
	int i;

	*list = NULL;
	*n = 0;
	for (i = first; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (read_stdin_list(list, n, &cap) != 0) {
				cli_error(c, _("cannot read the list of inputs from standard input"));
				cli_inputs_free(*list, *n);
				return CLI_EXIT_IO;
			}
			continue;
		}
		if (push_input(list, n, &cap, argv[i]) != 0) {
			cli_error(c, _("out of memory"));
			cli_inputs_free(*list, *n);
			return CLI_EXIT_IO;
		}
	}
	return 0;
}

void
cli_inputs_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/*
 * A tool run from the build tree (build/bin/TOOL, build-san/bin/TOOL) finds
 * its data and messages there, so that it runs before, and apart from, any
 * install: the tree's directory that holds sub, or NULL.
 */
static const char *
tree_dir(const char *rel, const char *sub, char *out, size_t size)
{
	char exe[4096], *slash;
	struct stat st;
	ssize_t n;
	size_t len;
	int k, w;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return NULL;
	exe[n] = '\0';
	/* Only .../build.../bin/TOOL: the build directory is above bin/, the tree above it. */
	for (k = 0; k < (rel[0] == '.' ? 2 : 3) && (slash = strrchr(exe, '/')) != NULL; k++) {
		*slash = '\0';
		if ((k == 0 && ((slash = strrchr(exe, '/')) == NULL || strcmp(slash, "/bin") != 0)) ||
		    (k == 1 && ((slash = strrchr(exe, '/')) == NULL ||
		    strncmp(slash, "/build", 6) != 0)))
			return NULL;
	}
	len = strlen(exe);
	w = snprintf(out, size, "%s/%s/%s", exe, rel[0] == '.' ? rel + 2 : rel, sub);
	if (w < 0 || (size_t)w >= size || stat(out, &st) != 0)
		return NULL;
	out[len + 1 + strlen(rel[0] == '.' ? rel + 2 : rel)] = '\0';
	return out;
}

const char *
cli_datadir(void)
{
	static char found[4096];
	const char *env = getenv("HOSO_DATADIR"), *t;

	if (env != NULL && *env != '\0')
		return env;
	if ((t = tree_dir("data", "templates", found, sizeof(found))) != NULL)
		return t;
	return HOSO_DATADIR;
}
