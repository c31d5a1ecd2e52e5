/* sign-pack - a dossier of the store into one signed ASiC-E archive with a BagIt payload. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cms.h"
#include "date.h"
#include "file.h"
#include "pack.h"
#include "pades.h"
#include "store.h"

static const char *
usage_text(void)
{
	return _("Usage: sign-pack [OPTION]... KEY-OPTIONS STORE|STORE/DOSSIER...\n"
	    "  or:  sign-pack [OPTION]... KEY-OPTIONS --add-signature ARCHIVE\n"
	    "Pack each dossier of the store into <code>.asice: an ASiC-E container with a\n"
	    "CAdES signature (ETSI EN 319 162-1) whose content is a BagIt bag (RFC 8493).\n"
	    "With --add-signature, countersign a signed archive: a new manifest and\n"
	    "signature over the same files are added, every existing entry is kept byte\n"
	    "for byte, and the archive is replaced atomically (or written to -o FILE).\n"
	    "\n"
	    "Key options (one of):\n"
	    "      --key FILE --cert FILE [--chain FILE]\n"
	    "                         PEM private key, its certificate, intermediates\n"
	    "      --pkcs12 FILE      PKCS#12 file holding key, certificate and chain\n"
	    "      --pkcs11 URI [--cert FILE] [--chain FILE]\n"
	    "                         a key on a PKCS#11 token or smart card (RFC 7512,\n"
	    "                         e.g. pkcs11:token=hoso;object=signer); the\n"
	    "                         certificate is the token's unless --cert names one\n"
	    "      --pkcs11-module PATH  the token's PKCS#11 module (vendor library)\n"
	    "      --pass SPEC        password or PIN: env:VAR, file:PATH or fd:N (never\n"
	    "                         the password itself on the command line)\n"
	    "\n"
	    "  -o, --output FILE      the archive to write (one dossier only; default\n"
	    "                         <code>.asice in the current directory)\n"
	    "      --digest ALG       sha256 (default), sha384 or sha512\n"
	    "      --pss              RSASSA-PSS instead of RSA PKCS#1 v1.5\n"
	    "      --signing-time T   signing time, YYYY-MM-DDTHH:MM:SSZ (UTC; default\n"
	    "                         now, or SOURCE_DATE_EPOCH)\n"
	    "      --tsa-url URL      time-stamp the signature (RFC 3161, CAdES-B-T) at\n"
	    "                         the time-stamp authority URL (http://)\n"
	    "\n"
	    "PAdES (sign-pack --pades KEY-OPTIONS [-o OUT.pdf] IN.pdf | STORE/DOSSIER):\n"
	    "      --pades            sign a PDF (ETSI EN 319 142-1 B-B; B-T with\n"
	    "                         --tsa-url) by an incremental update: IN.pdf into\n"
	    "                         OUT.pdf (default: in place), or a dossier's\n"
	    "                         ocr/dossier.pdf in place before packing\n"
	    "      --reason TEXT      /Reason of the signature (UTF-8)\n"
	    "      --location TEXT    /Location of the signature (UTF-8)\n"
	    "      --visible          show the signature on page 1: signer, unit, time,\n"
	    "                         reason, in Vietnamese (font: --font FILE.ttf,\n"
	    "                         default DejaVu Sans), embedded as a subset\n"
	    "  -q, --quiet            only errors\n"
	    "  -v, --verbose          more messages\n"
	    "  -h, --help             this help\n"
	    "      --version          version\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage or a refused key, 3 bad input, 4 I/O error,\n"
	    "5 crypto engine error (also a token that refuses the PIN).\n"
	    "See sign-pack(1), hoso-archive(5).\n");
}

enum {
	OPT_KEY = 256, OPT_CERT, OPT_CHAIN, OPT_PKCS12, OPT_PASS, OPT_DIGEST, OPT_PSS,
	OPT_SIGNING_TIME, OPT_TSA_URL, OPT_PKCS11, OPT_PKCS11_MODULE, OPT_ADD_SIGNATURE,
	OPT_PADES, OPT_REASON, OPT_LOCATION, OPT_VISIBLE, OPT_FONT,
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "output", required_argument, NULL, 'o' },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "chain", required_argument, NULL, OPT_CHAIN },
	{ "pkcs12", required_argument, NULL, OPT_PKCS12 },
	{ "pkcs11", required_argument, NULL, OPT_PKCS11 },
	{ "pkcs11-module", required_argument, NULL, OPT_PKCS11_MODULE },
	{ "add-signature", required_argument, NULL, OPT_ADD_SIGNATURE },
	{ "pass", required_argument, NULL, OPT_PASS },
	{ "digest", required_argument, NULL, OPT_DIGEST },
	{ "pss", no_argument, NULL, OPT_PSS },
	{ "signing-time", required_argument, NULL, OPT_SIGNING_TIME },
	{ "tsa-url", required_argument, NULL, OPT_TSA_URL },
	{ "pades", no_argument, NULL, OPT_PADES },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "location", required_argument, NULL, OPT_LOCATION },
	{ "visible", no_argument, NULL, OPT_VISIBLE },
	{ "font", required_argument, NULL, OPT_FONT },
	{ NULL, 0, NULL, 0 },
};

/*
 * ISO 8601 in UTC, the one form archive.md allows: YYYY-MM-DDTHH:MM:SSZ (no
 * offset), in the years a ZIP entry's date can hold (1980 to 2107).
 */
static bool
parse_time(const char *s, time_t *out)
{
	return strlen(s) == 20 && hoso_date_parse_iso(s, out) &&
	    *out >= (time_t)hoso_date_day(1980, 1, 1) * 86400 &&
	    *out < (time_t)hoso_date_day(2108, 1, 1) * 86400;
}

/* A password from env:VAR, file:PATH (first line) or fd:N (first line); NULL when unusable. */
static char *
read_pass(struct cli *c, const char *spec)
{
	struct hoso_buf b = HOSO_BUF_INIT(4096);
	struct hoso_err err;
	const char *v;
	char ch;
	long fd;
	ssize_t got;

	hoso_err_clear(&err);
	if (strncmp(spec, "env:", 4) == 0) {
		if ((v = getenv(spec + 4)) == NULL) {
			cli_error(c, _("--pass %s: the variable is not set"), spec);
			return NULL;
		}
		return strdup(v);
	}
	if (strncmp(spec, "file:", 5) == 0) {
		if (hoso_file_read(spec + 5, 4096, &b, &err) != 0) {
			cli_error(c, "%s", err.msg);
			hoso_buf_free(&b);
			return NULL;
		}
	} else if (strncmp(spec, "fd:", 3) == 0 && cli_parse_long(spec + 3, 0, 1024, &fd)) {
		while ((got = read((int)fd, &ch, 1)) == 1 && ch != '\n')
			if (hoso_buf_addc(&b, ch, &err) != 0)
				break;
		if (got < 0) {
			cli_error(c, _("--pass %s: cannot read: %s"), spec, strerror(errno));
			hoso_buf_free(&b);
			return NULL;
		}
	} else {
		cli_usage_error(c, _("--pass wants env:VAR, file:PATH or fd:N, not '%s'"), spec);
	}
	if (b.data != NULL && memchr(b.data, '\n', b.len) != NULL)
		b.len = (size_t)((char *)memchr(b.data, '\n', b.len) - b.data);
	if (b.len > 0 && b.data[b.len - 1] == '\r')
		b.len--;
	if (b.data != NULL)
		b.data[b.len] = '\0';
	return hoso_buf_detach(&b, NULL);
}

static const char *
digest_name(struct cli *c, const char *s)
{
	if (strcmp(s, "sha256") == 0 || strcmp(s, "SHA256") == 0)
		return "SHA256";
	if (strcmp(s, "sha384") == 0 || strcmp(s, "SHA384") == 0)
		return "SHA384";
	if (strcmp(s, "sha512") == 0 || strcmp(s, "SHA512") == 0)
		return "SHA512";
	cli_usage_error(c, _("--digest is sha256, sha384 or sha512, not '%s' (SHA-1 and MD5 are "
	    "refused)"), s);
	return NULL;
}

static int
output_for(const char *dir, struct hoso_buf *out, struct hoso_err *err)
{
	size_t len = strlen(dir);
	const char *base;
	struct hoso_buf d = HOSO_BUF_INIT(0);
	int r;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if ((r = hoso_buf_add(&d, dir, len, err)) != 0)
		return r;
	base = strrchr(hoso_buf_str(&d), '/');
	base = base != NULL ? base + 1 : hoso_buf_str(&d);
	r = hoso_buf_addf(out, err, "%s.asice", base);
	hoso_buf_free(&d);
	return r;
}

/* Exactly one key source: --key with --cert, --pkcs12, or --pkcs11 (--cert optional). */
static void
check_key_options(struct cli *c, const struct hoso_cms_key_opts *ko)
{
	int sources = (ko->key_file != NULL) + (ko->pkcs12_file != NULL) + (ko->pkcs11_uri != NULL);

	if (sources != 1 || (ko->key_file != NULL && ko->cert_file == NULL) ||
	    (ko->pkcs12_file != NULL && (ko->cert_file != NULL || ko->chain_file != NULL)))
		cli_usage_error(c, _("give one of: --key and --cert, --pkcs12, or --pkcs11"));
	if (ko->pkcs11_module != NULL && ko->pkcs11_uri == NULL)
		cli_usage_error(c, _("--pkcs11-module goes with --pkcs11"));
}

/* --add-signature: countersign ARCHIVE, in place (atomically) or into -o OUT. */
static int
add_signature(struct cli *c, const char *archive, const char *output,
    const struct hoso_cms_signer *signer, const char *digest, bool pss, time_t when,
    const char *tsa_url)
{
	struct hoso_pack_add_opts ao;
	struct hoso_pack_add_result res;
	struct hoso_err err;

	hoso_err_clear(&err);
	memset(&ao, 0, sizeof(ao));
	ao.archive = archive;
	ao.out = output != NULL ? output : archive;
	ao.signing_time = when;
	ao.signer = signer;
	ao.digest = digest;
	ao.pss = pss;
	ao.tsa_url = tsa_url;
	if (hoso_pack_add_signature(&ao, &res, &err) != 0)
		return cli_fail(c, &err);
	cli_info(c, _("%s: %zu files countersigned in %s and %s -> %s"), archive, res.n_objects,
	    res.manifest, res.signature, ao.out);
	return CLI_EXIT_OK;
}

/* True when path is a directory (a dossier), not a PDF file. */
static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * --pades on one operand: a PDF file (to output, or in place), or a dossier,
 * whose searchable PDF is signed in place; the dossier is packed after.
 */
static int
pades_sign_one(struct cli *c, struct hoso_pades_sign_opts *so, const char *arg,
    const char *output, bool *packed_after)
{
	struct hoso_err err;

	hoso_err_clear(&err);
	*packed_after = is_dir(arg);
	if (*packed_after) {
		if (hoso_pades_sign_dossier(arg, so, &err) != 0)
			return cli_fail(c, &err);
		cli_info(c, _("%s: searchable PDF signed (PAdES)"), arg);
		return CLI_EXIT_OK;
	}
	so->in = arg;
	so->out = output != NULL ? output : arg;
	if (hoso_pades_sign(so, &err) != 0)
		return cli_fail(c, &err);
	cli_info(c, _("%s: signed (PAdES) -> %s"), so->in, so->out);
	return CLI_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct hoso_cms_key_opts ko;
	struct hoso_pack_opts po;
	struct hoso_pack_result res;
	struct hoso_cms_signer *signer = NULL;
	struct hoso_buf out = HOSO_BUF_INIT(0);
	struct hoso_err err;
	struct cli c;
	const char *output = NULL, *pass_spec = NULL, *digest = "SHA256", *epoch, *tsa_url = NULL;
	const char *add_to = NULL;
	const char *reason = NULL, *location = NULL;
	const char *font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
	struct hoso_pades_sign_opts so;
	char *password = NULL;
	bool pss = false, time_given = false, pades = false, packed_after, visible = false;
	time_t when = 0;
	char **ops = NULL;
	size_t n_ops = 0, i;
	long v;
	int opt, s, status = CLI_EXIT_OK;

	cli_init(&c, "sign-pack", argv);
	memset(&ko, 0, sizeof(ko));
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "o:", longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg, usage_text()))
			continue;
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case OPT_KEY:
			ko.key_file = optarg;
			break;
		case OPT_CERT:
			ko.cert_file = optarg;
			break;
		case OPT_CHAIN:
			ko.chain_file = optarg;
			break;
		case OPT_PKCS12:
			ko.pkcs12_file = optarg;
			break;
		case OPT_PKCS11:
			ko.pkcs11_uri = optarg;
			break;
		case OPT_PKCS11_MODULE:
			ko.pkcs11_module = optarg;
			break;
		case OPT_ADD_SIGNATURE:
			add_to = optarg;
			break;
		case OPT_PASS:
			pass_spec = optarg;
			break;
		case OPT_DIGEST:
			digest = digest_name(&c, optarg);
			break;
		case OPT_PSS:
			pss = true;
			break;
		case OPT_PADES:
			pades = true;
			break;
		case OPT_REASON:
			reason = optarg;
			break;
		case OPT_LOCATION:
			location = optarg;
			break;
		case OPT_VISIBLE:
			visible = true;
			break;
		case OPT_FONT:
			font = optarg;
			break;
		case OPT_SIGNING_TIME:
			if (!parse_time(optarg, &when))
				cli_usage_error(&c, _("--signing-time wants YYYY-MM-DDTHH:MM:SSZ (UTC, "
				    "1980 to 2107), not '%s'"), optarg);
			time_given = true;
			break;
		case OPT_TSA_URL:
			if (strncmp(optarg, "http://", 7) != 0)
				cli_usage_error(&c, _("--tsa-url wants an http:// URL, not '%s'"),
				    optarg);
			tsa_url = optarg;
			break;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), c.prog);
			return CLI_EXIT_USAGE;
		}
	}
	if (add_to != NULL && optind < argc)
		cli_usage_error(&c, _("--add-signature countersigns one archive: give no dossier"));
	if (add_to == NULL && optind == argc)
		cli_usage_error(&c, _("no dossier: give STORE/DOSSIER"));
	if (pades && add_to != NULL)
		cli_usage_error(&c, _("--pades does not take --add-signature: a second PDF "
		    "signature is --pades again on the signed PDF (another incremental update)"));
	if (!pades && (reason != NULL || location != NULL || visible))
		cli_usage_error(&c, _("--reason, --location and --visible go with --pades"));
	/* A store means each of its dossiers, in code order. */
	if (add_to == NULL && hoso_store_expand(argv + optind, (size_t)(argc - optind), &ops, &n_ops,
	    &err) != 0)
		return cli_fail(&c, &err);
	if (output != NULL && n_ops > 1) {
		hoso_store_codes_free(ops, n_ops);
		cli_usage_error(&c, _("-o names one archive: give one dossier"));
	}
	check_key_options(&c, &ko);
	if (!time_given) {
		/* SOURCE_DATE_EPOCH makes a run reproducible, as in Debian's builds. */
		epoch = getenv("SOURCE_DATE_EPOCH");
		when = epoch != NULL && cli_parse_long(epoch, 315532800L, 4102444800L, &v) ?
		    (time_t)v : time(NULL);
	}
	if (pass_spec != NULL && (password = read_pass(&c, pass_spec)) == NULL)
		return CLI_EXIT_USAGE;
	ko.password = password;
	hoso_err_clear(&err);
	if (hoso_cms_signer_load(&ko, &signer, &err) != 0 ||
	    hoso_cms_signer_check_time(signer, when, &err) != 0) {
		status = cli_fail(&c, &err);
		goto out;
	}
	if (add_to != NULL) {
		status = add_signature(&c, add_to, output, signer, digest, pss, when, tsa_url);
		goto out;
	}
	for (i = 0; i < n_ops; i++) {
		if (pades) {
			memset(&so, 0, sizeof(so));
			so.signer = signer;
			so.digest = digest;
			so.pss = pss;
			so.signing_time = when;
			so.reason = reason;
			so.location = location;
			so.visible = visible;
			so.font = font;
			so.tsa_url = tsa_url;
			if ((s = pades_sign_one(&c, &so, ops[i], output, &packed_after)) != 0) {
				status = s;
				continue;
			}
			if (!packed_after)
				continue;
		}
		hoso_buf_reset(&out);
		hoso_err_clear(&err);
		if (output == NULL && output_for(ops[i], &out, &err) != 0) {
			status = cli_fail(&c, &err);
			break;
		}
		memset(&po, 0, sizeof(po));
		po.dossier_dir = ops[i];
		po.out = output != NULL ? output : hoso_buf_str(&out);
		po.signing_time = when;
		po.signer = signer;
		po.digest = digest;
		po.pss = pss;
		po.tsa_url = tsa_url;
		if (hoso_pack_dossier(&po, &res, &err) != 0) {
			status = cli_fail(&c, &err);
			continue;
		}
		cli_info(&c, _("%s: %zu files, %llu bytes signed -> %s"), ops[i], res.n_files,
		    (unsigned long long)res.octets, po.out);
	}
out:
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	hoso_cms_signer_free(signer);
	hoso_buf_free(&out);
	hoso_store_codes_free(ops, n_ops);
	return status;
}
