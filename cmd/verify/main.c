/* verify - check signed dossier archives (.asice) as an auditor would: every check, in order. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cms.h"
#include "file.h"
#include "pades.h"
#include "verify.h"

static const char *
usage_text(void)
{
	return _("Usage: verify [OPTION]... ARCHIVE|FILE.pdf|DIR...\n"
	    "       verify --extract DIR [OPTION]... ARCHIVE\n"
	    "Check signed dossier archives (ASiC-E with CAdES signatures and a BagIt\n"
	    "payload): container, manifests, signatures, certificates, timestamps, BagIt.\n"
	    "Prints one line per archive: valid, invalid: reason, indeterminate: reason.\n"
	    "A PDF gets one line per signature (PAdES, ETSI EN 319 142-1): byte range,\n"
	    "changes after signing, signature, certificate. A directory stands for the\n"
	    "archives (.asice) and PDFs in it, in name order.\n"
	    "\n"
	    "      --ca-file FILE     trust anchors (PEM)\n"
	    "      --ca-path DIR      trust anchors (hashed directory, c_rehash)\n"
	    "      --crl FILE         revocation list (PEM or DER); repeatable\n"
	    "      --ocsp             ask the OCSP responder named in the signer's\n"
	    "                         certificate whether it is revoked\n"
	    "      --ocsp-url URL     ask this OCSP responder instead (implies --ocsp)\n"
	    "      --report FILE      write the full report as XML ('-' for standard output)\n"
	    "      --extract DIR      after the archive verified, write its files into DIR\n"
	    "  -j, --jobs N           archives checked at once (default: number of CPUs)\n"
	    "  -q, --quiet            only the result lines and errors\n"
	    "  -v, --verbose          every check of every archive, in order\n"
	    "  -h, --help             this help\n"
	    "      --version          version\n"
	    "\n"
	    "Exit status: 0 every archive valid, 1 some archive invalid or indeterminate,\n"
	    "2 usage, 3 an input is not a container or a readable PDF, 4 I/O error.\n"
	    "See verify(1), hoso-archive(5).\n");
}

enum { OPT_CA_FILE = 256, OPT_CA_PATH, OPT_CRL, OPT_REPORT, OPT_EXTRACT, OPT_OCSP, OPT_OCSP_URL };

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "ca-path", required_argument, NULL, OPT_CA_PATH },
	{ "crl", required_argument, NULL, OPT_CRL },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "extract", required_argument, NULL, OPT_EXTRACT },
	{ "ocsp", no_argument, NULL, OPT_OCSP },
	{ "ocsp-url", required_argument, NULL, OPT_OCSP_URL },
	{ NULL, 0, NULL, 0 },
};

static const char *
result_text(int result)
{
	switch (result) {
	case HOSO_VERIFY_VALID:
		return _("valid");
	case HOSO_VERIFY_INVALID:
		return _("invalid");
	case HOSO_VERIFY_INDETERMINATE:
		return _("indeterminate");
	case HOSO_VERIFY_NOT_CONTAINER:
		return _("not a container");
	default:
		return _("error");
	}
}

static const char *
status_text(int st)
{
	switch (st) {
	case HOSO_CHECK_PASSED:
		return _("passed");
	case HOSO_CHECK_FAILED:
		return _("failed");
	case HOSO_CHECK_INDETERMINATE:
		return _("indeterminate");
	default:
		return _("skipped");
	}
}

static int
exit_for(const struct hoso_verify_report *rep)
{
	switch (rep->result) {
	case HOSO_VERIFY_VALID:
		return CLI_EXIT_OK;
	case HOSO_VERIFY_INVALID:
	case HOSO_VERIFY_INDETERMINATE:
		return CLI_EXIT_NO;
	case HOSO_VERIFY_NOT_CONTAINER:
		return CLI_EXIT_INPUT;
	default:
		return rep->err.code != 0 ? hoso_err_exit_status(rep->err.code) : CLI_EXIT_IO;
	}
}

/* The checks of a PDF signature, in the slots of verify.h (see pades.h). */
static const char *
pdf_check_title(int k)
{
	switch (k) {
	case HOSO_CHECK_CONTAINER:
		return _("byte range");
	case HOSO_CHECK_MANIFESTS:
		return _("changes after signing");
	default:
		return hoso_verify_check_title(k);
	}
}

static void
print_report(const struct cli *c, const struct hoso_verify_report *rep, bool pdf)
{
	const char *reason = hoso_verify_reason(rep);
	size_t i;
	int k;

	if (rep->result == HOSO_VERIFY_VALID || reason == NULL)
		printf("%s: %s\n", rep->archive, result_text(rep->result));
	else
		printf("%s: %s: %s\n", rep->archive, result_text(rep->result), reason);
	if (c->verbose == 0)
		return;
	for (k = 0; k < HOSO_VERIFY_N_CHECKS; k++)
		printf("  %d. %s: %s: %s\n", k + 1, pdf ? pdf_check_title(k) :
		    hoso_verify_check_title(k),
		    status_text(rep->checks[k].status), rep->checks[k].detail);
	/* a PDF signature's changes after signing, what failed first */
	for (i = 0; i < rep->n_changes; i++)
		printf("     %s: %s\n", rep->changes[i].permitted ? _("permitted") :
		    _("not permitted"), rep->changes[i].detail);
}

static int
write_report(struct cli *c, const char *path, const struct hoso_verify_report *reps, size_t n)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	struct hoso_err err;
	int r = 0;

	hoso_err_clear(&err);
	if (hoso_verify_report_xml(reps, n, &b, &err) != 0) {
		r = cli_fail(c, &err);
	} else if (strcmp(path, "-") == 0) {
		if (fwrite(hoso_buf_str(&b), 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
			cli_error(c, _("cannot write to standard output: %s"), strerror(errno));
			r = CLI_EXIT_IO;
		}
	} else if (hoso_file_write_output(path, hoso_buf_str(&b), b.len, &err) != 0) {
		r = cli_fail(c, &err);
	}
	hoso_buf_free(&b);
	return r;
}

/*
 * -v: the signatures of the PDFs inside an archive, each on its own line
 * under the archive's checks. They do not change the archive's result: its
 * manifests already prove the PDFs' bytes; these say who signed the PDFs.
 */
static void
print_inner_pdfs(const struct cli *c, const char *path, const struct hoso_verify_report *rep,
    const struct hoso_verify_opts *o)
{
	struct hoso_verify_report *inner = NULL;
	struct hoso_err err;
	size_t n = 0, i;

	if (c->verbose == 0 || rep->result == HOSO_VERIFY_NOT_CONTAINER ||
	    rep->result == HOSO_VERIFY_ERROR)
		return;
	hoso_err_clear(&err);
	if (hoso_pades_verify_archive(path, &o->limits, o->trust, NULL, &inner, &n,
	    &err) != 0) {
		printf("  %s\n", err.msg);
		return;
	}
	for (i = 0; i < n; i++) {
		printf("  PDF ");
		print_report(c, &inner[i], true);
	}
	hoso_verify_reports_free(inner, n);
}

/*
 * The operands, where a directory stands for the archives and PDFs in it
 * (*.asice, *.pdf) in name order. Returns 0, or the exit status after saying why.
 */
static int
collect_operands(struct cli *c, int argc, char **argv, char ***ops, size_t *n_ops)
{
	static const char *const kinds[] = { ".asice", ".pdf", NULL };
	struct hoso_err err = { 0 };
	struct stat st;
	char **list = NULL, **nl, **found;
	size_t n = 0, n_found, k;
	int i;

	for (i = 0; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (hoso_file_list(argv[i], kinds, &found, &n_found, &err) != 0)
				goto fail;
			if (n_found == 0) {
				cli_error(c, _("%s: no archive (.asice) or PDF in this directory"),
				    argv[i]);
				free(found);
				goto input;
			}
		} else {
			if ((found = malloc(sizeof(*found))) == NULL ||
			    (found[0] = strdup(argv[i])) == NULL) {
				free(found);
				hoso_err_set(&err, HOSO_EIO, _("out of memory"));
				goto fail;
			}
			n_found = 1;
		}
		if ((nl = realloc(list, (n + n_found) * sizeof(*nl))) == NULL) {
			for (k = 0; k < n_found; k++)
				free(found[k]);
			free(found);
			hoso_err_set(&err, HOSO_EIO, _("out of memory"));
			goto fail;
		}
		list = nl;
		memcpy(list + n, found, n_found * sizeof(*found));
		n += n_found;
		free(found);
	}
	*ops = list;
	*n_ops = n;
	return 0;
fail:
	cli_fail(c, &err);
input:
	for (k = 0; k < n; k++)
		free(list[k]);
	free(list);
	return err.code != 0 ? hoso_err_exit_status(err.code) : CLI_EXIT_INPUT;
}

int
main(int argc, char **argv)
{
	struct hoso_verify_opts o;
	struct hoso_verify_report *reps = NULL;
	struct hoso_cms_trust *trust = NULL;
	struct hoso_err err;
	struct cli c;
	const char *ca_file = NULL, *ca_path = NULL, *report = NULL, **crls = NULL, *ocsp_url = NULL;
	bool ocsp = false;
	size_t n_crls = 0, n = 0, i, n_ops = 0;
	char **ops = NULL;
	int opt, status = CLI_EXIT_OK, s;

	cli_init(&c, "verify", argv);
	memset(&o, 0, sizeof(o));
	if ((crls = calloc((size_t)argc + 1, sizeof(*crls))) == NULL) {
		cli_error(&c, _("out of memory"));
		return CLI_EXIT_IO;
	}
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg, usage_text()))
			continue;
		switch (opt) {
		case OPT_CA_FILE:
			ca_file = optarg;
			break;
		case OPT_CA_PATH:
			ca_path = optarg;
			break;
		case OPT_CRL:
			crls[n_crls++] = optarg;
			break;
		case OPT_REPORT:
			report = optarg;
			break;
		case OPT_EXTRACT:
			o.extract_dir = optarg;
			break;
		case OPT_OCSP:
			ocsp = true;
			break;
		case OPT_OCSP_URL:
			if (strncmp(optarg, "http://", 7) != 0)
				cli_usage_error(&c, _("--ocsp-url wants an http:// URL, not '%s'"),
				    optarg);
			ocsp = true;
			ocsp_url = optarg;
			break;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), c.prog);
			free(crls);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind == argc)
		cli_usage_error(&c, _("no archive to verify"));
	if ((status = collect_operands(&c, argc - optind, argv + optind, &ops, &n_ops)) != 0)
		goto out;
	if (o.extract_dir != NULL && n_ops != 1)
		cli_usage_error(&c, _("--extract takes exactly one archive"));
	hoso_err_clear(&err);
	if (hoso_cms_trust_load(ca_file, ca_path, crls, n_crls, &trust, &err) != 0 ||
	    (ocsp && hoso_cms_trust_set_ocsp(trust, ocsp_url, &err) != 0)) {
		status = cli_fail(&c, &err);
		goto out;
	}
	o.trust = trust;
	o.jobs = c.jobs;
	/* archives and PDFs alike (-j), told apart by the library; one report per PDF signature */
	if (hoso_verify_run((const char *const *)ops, n_ops, &o, &reps, &n, &err) != 0) {
		status = cli_fail(&c, &err);
		goto out;
	}
	if (o.extract_dir != NULL && reps[0].kind != NULL)
		cli_usage_error(&c, _("--extract takes an archive, not a PDF"));
	for (i = 0; i < n; i++) {
		print_report(&c, &reps[i], reps[i].kind != NULL);
		if (reps[i].kind == NULL)
			print_inner_pdfs(&c, ops[reps[i].input], &reps[i], &o);
		if (reps[i].err.code != 0 && reps[i].result == HOSO_VERIFY_VALID) {
			/* Verified, but the extraction failed. */
			cli_error(&c, "%s", reps[i].err.msg);
			s = hoso_err_exit_status(reps[i].err.code);
		} else {
			s = exit_for(&reps[i]);
		}
		if (s > status)
			status = s;
	}
	if (o.extract_dir != NULL && status == CLI_EXIT_OK)
		cli_info(&c, _("%s: written to %s"), reps[0].archive, o.extract_dir);
	else if (o.extract_dir != NULL && reps[0].result != HOSO_VERIFY_VALID)
		cli_error(&c, _("%s: not extracted: the archive did not verify"), reps[0].archive);
	if (report != NULL && (s = write_report(&c, report, reps, n)) > status)
		status = s;
	fflush(stdout);
out:
	hoso_verify_reports_free(reps, n);
	free(crls);
	for (i = 0; i < n_ops; i++)
		free(ops[i]);
	free(ops);
	hoso_cms_trust_free(trust);
	return status;
}
