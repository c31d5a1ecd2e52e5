/* lookup - find a citizen's dossiers and papers in the store: by identity number, name or phrase. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "date.h"
#include "file.h"
#include "index.h"
#include "template.h"
#include "xml.h"

static const char *
usage_text(void)
{
	return _("Usage: lookup [OPTION]... [STORE]\n"
	    "       lookup --reindex [STORE]\n"
	    "Find dossiers in the store by a citizen's identity number, a name or a phrase\n"
	    "of their pages, typed with or without diacritics. Prints each dossier found\n"
	    "(code, date received, title, pages), the values that matched and the text\n"
	    "around the phrase, the match in [ ]; newest first, or best match first.\n"
	    "The index (STORE/index.sqlite) is kept by scan-ingest, ocr-extract and\n"
	    "review, and brought up to date here when it is behind the store.\n"
	    "\n"
	    "  -o, --store STORE      the dossier store (default ./hoso-store)\n"
	    "      --id NUMBER        identity number (CCCD 12 digits, CMND 9): exact;\n"
	    "                         every paper of that person, newest first\n"
	    "      --name TEXT        a person's name, any case, diacritics optional\n"
	    "      --text PHRASE      a phrase of the recognized text of a page\n"
	    "      --form NAME        only values read with this form template\n"
	    "      --unit CODE        only dossiers of this unit (ma_don_vi)\n"
	    "      --from DATE        received on or after DATE (YYYY-MM-DD)\n"
	    "      --to DATE          received on or before DATE\n"
	    "      --limit N          dossiers to show (default 20)\n"
	    "      --format FMT       text (default), json, xml or csv\n"
	    "      --reindex          build the index again from the store\n"
	    "      --db URL           a shared index in PostgreSQL (postgresql://...),\n"
	    "                         kept for the store from now on; without a store:\n"
	    "                         search every store of it\n"
	    "  -q, --quiet            no messages about the index\n"
	    "  -v, --verbose          say how the index was brought up to date\n"
	    "  -h, --help             this help\n"
	    "      --version          version\n"
	    "\n"
	    "Exit status: 0 found, 1 nothing found, 2 usage, 3 not a store,\n"
	    "4 I/O error. See lookup(1).\n");
}

enum {
	OPT_ID = 256, OPT_NAME, OPT_TEXT, OPT_FORM, OPT_UNIT, OPT_FROM, OPT_TO, OPT_LIMIT,
	OPT_FORMAT, OPT_REINDEX, OPT_DB,
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "store", required_argument, NULL, 'o' },
	{ "id", required_argument, NULL, OPT_ID },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "form", required_argument, NULL, OPT_FORM },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "reindex", no_argument, NULL, OPT_REINDEX },
	{ "db", required_argument, NULL, OPT_DB },
	{ NULL, 0, NULL, 0 },
};

enum format { FMT_TEXT, FMT_JSON, FMT_XML, FMT_CSV };

static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

static int
pages_list(struct hoso_buf *b, const struct hoso_index_hit *h, struct hoso_err *err)
{
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < h->n_match_pages; i++)
		r = hoso_buf_addf(b, err, "%s%d", i > 0 ? " " : "", h->match_pages[i]);
	return r;
}

static int
write_text(const struct hoso_index_result *res, struct hoso_buf *b, struct hoso_err *err)
{
	size_t i, k;
	int r = 0;

	for (i = 0; r == 0 && i < res->n_hits; i++) {
		const struct hoso_index_hit *h = &res->hits[i];

		r = hoso_buf_addf(b, err, "%s  %s  %s", h->code,
		    h->received != NULL ? h->received : "----------",
		    h->title != NULL ? h->title : _("(no title)"));
		if (r == 0)
			r = hoso_buf_addf(b, err, ngettext("  (%d page)", "  (%d pages)", h->pages),
			    h->pages);
		if (r == 0 && h->n_match_pages > 0) {
			r = hoso_buf_addf(b, err, "  %s ", _("matched on page"));
			if (r == 0)
				r = pages_list(b, h, err);
		}
		if (r == 0)
			r = hoso_buf_addc(b, '\n', err);
		for (k = 0; r == 0 && k < h->n_values; k++) {
			const struct hoso_index_value *v = &h->values[k];

			r = hoso_buf_addf(b, err, _("  page %d, %s, %s: %s%s\n"), v->page, v->form,
			    v->name, v->value, v->review ? _("  (not yet reviewed)") : "");
		}
		if (r == 0 && h->snippet != NULL)
			r = hoso_buf_addf(b, err, _("  page %d: %s\n"), h->snippet_page, h->snippet);
	}
	return r;
}

static int
write_json(const struct hoso_index_result *res, struct hoso_buf *b, struct hoso_err *err)
{
	size_t i, k;
	int r = hoso_buf_adds(b, "{\"dossiers\": [", err);

	for (i = 0; r == 0 && i < res->n_hits; i++) {
		const struct hoso_index_hit *h = &res->hits[i];

		r = hoso_buf_adds(b, i > 0 ? ",\n  {\"code\": " : "\n  {\"code\": ", err);
		if (r == 0)
			r = hoso_buf_json_str(b, h->code, err);
		if (r == 0)
			r = hoso_buf_adds(b, ", \"title\": ", err);
		if (r == 0)
			r = hoso_buf_json_str(b, str(h->title), err);
		if (r == 0)
			r = hoso_buf_adds(b, ", \"unit\": ", err);
		if (r == 0)
			r = hoso_buf_json_str(b, str(h->unit), err);
		if (r == 0)
			r = hoso_buf_adds(b, ", \"received\": ", err);
		if (r == 0)
			r = hoso_buf_json_str(b, str(h->received), err);
		if (r == 0)
			r = hoso_buf_adds(b, ", \"channel\": ", err);
		if (r == 0)
			r = hoso_buf_json_str(b, str(h->channel), err);
		if (r == 0)
			r = hoso_buf_addf(b, err, ", \"pages\": %d, \"matched_pages\": [", h->pages);
		for (k = 0; r == 0 && k < h->n_match_pages; k++)
			r = hoso_buf_addf(b, err, "%s%d", k > 0 ? ", " : "", h->match_pages[k]);
		if (r == 0)
			r = hoso_buf_adds(b, "], \"values\": [", err);
		for (k = 0; r == 0 && k < h->n_values; k++) {
			const struct hoso_index_value *v = &h->values[k];

			r = hoso_buf_addf(b, err, "%s{\"page\": %d, \"form\": ", k > 0 ? ", " : "",
			    v->page);
			if (r == 0)
				r = hoso_buf_json_str(b, v->form, err);
			if (r == 0)
				r = hoso_buf_adds(b, ", \"field\": ", err);
			if (r == 0)
				r = hoso_buf_json_str(b, v->name, err);
			if (r == 0)
				r = hoso_buf_adds(b, ", \"value\": ", err);
			if (r == 0)
				r = hoso_buf_json_str(b, v->value, err);
			if (r == 0)
				r = hoso_buf_addf(b, err, ", \"reviewed\": %s}",
				    v->review ? "false" : "true");
		}
		if (r == 0)
			r = hoso_buf_adds(b, "]", err);
		if (r == 0 && h->snippet != NULL) {
			r = hoso_buf_addf(b, err, ", \"snippet\": {\"page\": %d, \"text\": ",
			    h->snippet_page);
			if (r == 0)
				r = hoso_buf_json_str(b, h->snippet, err);
			if (r == 0)
				r = hoso_buf_addc(b, '}', err);
		}
		if (r == 0)
			r = hoso_buf_addc(b, '}', err);
	}
	if (r == 0)
		r = hoso_buf_addf(b, err, "\n], \"more\": %s}\n", res->more ? "true" : "false");
	return r;
}

static int
write_xml(const struct hoso_index_result *res, struct hoso_buf *b, struct hoso_err *err)
{
	struct hoso_xmlw *w;
	struct hoso_buf pages = HOSO_BUF_INIT(0);
	size_t i, k;
	int r;

	if ((r = hoso_xmlw_new(&w, err)) != 0)
		return r;
	if ((r = hoso_xmlw_start(w, "lookup", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "version", "1", err)) != 0 ||
	    (r = hoso_xmlw_attr(w, "more", res->more ? "true" : "false", err)) != 0)
		goto out;
	for (i = 0; i < res->n_hits; i++) {
		const struct hoso_index_hit *h = &res->hits[i];

		hoso_buf_reset(&pages);
		if ((r = pages_list(&pages, h, err)) != 0 ||
		    (r = hoso_xmlw_start(w, "dossier", err)) != 0 ||
		    (r = hoso_xmlw_attr(w, "code", h->code, err)) != 0 ||
		    (h->received != NULL && (r = hoso_xmlw_attr(w, "received", h->received,
		    err)) != 0) ||
		    (h->unit != NULL && (r = hoso_xmlw_attr(w, "unit", h->unit, err)) != 0) ||
		    (h->channel != NULL && (r = hoso_xmlw_attr(w, "channel", h->channel, err)) != 0) ||
		    (r = hoso_xmlw_attrf(w, err, "pages", "%d", h->pages)) != 0 ||
		    (pages.len > 0 && (r = hoso_xmlw_attr(w, "matched_pages", hoso_buf_str(&pages),
		    err)) != 0) ||
		    (h->title != NULL && (r = hoso_xmlw_elem(w, "title", h->title, err)) != 0))
			goto out;
		for (k = 0; k < h->n_values; k++) {
			const struct hoso_index_value *v = &h->values[k];

			if ((r = hoso_xmlw_start(w, "value", err)) != 0 ||
			    (r = hoso_xmlw_attrf(w, err, "page", "%d", v->page)) != 0 ||
			    (r = hoso_xmlw_attr(w, "form", v->form, err)) != 0 ||
			    (r = hoso_xmlw_attr(w, "field", v->name, err)) != 0 ||
			    (r = hoso_xmlw_attr(w, "reviewed", v->review ? "false" : "true",
			    err)) != 0 ||
			    (r = hoso_xmlw_text(w, v->value, err)) != 0 ||
			    (r = hoso_xmlw_end(w, err)) != 0)
				goto out;
		}
		if (h->snippet != NULL &&
		    ((r = hoso_xmlw_start(w, "snippet", err)) != 0 ||
		    (r = hoso_xmlw_attrf(w, err, "page", "%d", h->snippet_page)) != 0 ||
		    (r = hoso_xmlw_text(w, h->snippet, err)) != 0 ||
		    (r = hoso_xmlw_end(w, err)) != 0))
			goto out;
		if ((r = hoso_xmlw_end(w, err)) != 0)
			goto out;
	}
	r = hoso_xmlw_finish(w, b, err);
out:
	hoso_xmlw_free(w);
	hoso_buf_free(&pages);
	return r;
}

/* One row per value that matched (a dossier without values: one row). */
static int
write_csv(const struct hoso_index_result *res, struct hoso_buf *b, struct hoso_err *err)
{
	static const char *const head[] = { "code", "received", "unit", "title", "pages",
	    "matched_pages", "page", "form", "field", "value", "reviewed", "snippet" };
	struct hoso_buf pages = HOSO_BUF_INIT(0);
	char num[16], pg[16];
	size_t i, k, c;
	int r = 0;

	for (c = 0; r == 0 && c < sizeof(head) / sizeof(head[0]); c++)
		r = hoso_buf_csv_cell(b, head[c], c + 1 == sizeof(head) / sizeof(head[0]), err);
	for (i = 0; r == 0 && i < res->n_hits; i++) {
		const struct hoso_index_hit *h = &res->hits[i];

		hoso_buf_reset(&pages);
		if ((r = pages_list(&pages, h, err)) != 0)
			break;
		snprintf(num, sizeof num, "%d", h->pages);
		for (k = 0; r == 0 && (k < h->n_values || (k == 0 && h->n_values == 0)); k++) {
			const struct hoso_index_value *v = k < h->n_values ? &h->values[k] : NULL;

			snprintf(pg, sizeof pg, "%d", v != NULL ? v->page : h->snippet_page);
			if ((r = hoso_buf_csv_cell(b, h->code, false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, str(h->received), false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, str(h->unit), false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, str(h->title), false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, num, false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, hoso_buf_str(&pages), false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, v != NULL || h->snippet != NULL ? pg : "", false,
			    err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, v != NULL ? v->form : "", false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, v != NULL ? v->name : "", false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, v != NULL ? v->value : "", false, err)) != 0 ||
			    (r = hoso_buf_csv_cell(b, v == NULL ? "" : v->review ? "false" : "true",
			    false, err)) != 0)
				break;
			r = hoso_buf_csv_cell(b, str(h->snippet), true, err);
		}
	}
	hoso_buf_free(&pages);
	return r;
}

int
main(int argc, char **argv)
{
	struct hoso_index_query q;
	struct hoso_index_opts io;
	struct hoso_index_result res;
	struct hoso_index_sync st;
	struct hoso_index *ix = NULL;
	struct hoso_template_set set;
	struct hoso_buf out = HOSO_BUF_INIT(0), tdir = HOSO_BUF_INIT(0);
	struct hoso_err err;
	struct cli c;
	const char *store = "hoso-store", *db = NULL;
	bool reindex = false, have_set = false, store_opt = false;
	enum format fmt = FMT_TEXT;
	double t0;
	long lim;
	int opt, status = CLI_EXIT_OK;

	cli_init(&c, "lookup", argv);
	memset(&q, 0, sizeof(q));
	memset(&res, 0, sizeof(res));
	memset(&set, 0, sizeof(set));
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "o:", longopts, NULL)) != -1) {
		if (opt != 'j' && cli_common_option(&c, opt, optarg, usage_text()))
			continue;
		switch (opt) {
		case 'o':
			store = optarg;
			store_opt = true;
			break;
		case OPT_ID:
			q.id = optarg;
			break;
		case OPT_NAME:
			q.name = optarg;
			break;
		case OPT_TEXT:
			q.text = optarg;
			break;
		case OPT_FORM:
			q.form = optarg;
			break;
		case OPT_UNIT:
			q.unit = optarg;
			break;
		case OPT_FROM:
			q.from = optarg;
			break;
		case OPT_TO:
			q.to = optarg;
			break;
		case OPT_LIMIT:
			if (!cli_parse_long(optarg, 1, 100000, &lim))
				cli_usage_error(&c, _("--limit wants a number from 1 to 100000, not '%s'"),
				    optarg);
			q.limit = (size_t)lim;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = FMT_JSON;
			else if (strcmp(optarg, "xml") == 0)
				fmt = FMT_XML;
			else if (strcmp(optarg, "csv") == 0)
				fmt = FMT_CSV;
			else
				cli_usage_error(&c, _("--format wants text, json, xml or csv, not '%s'"),
				    optarg);
			break;
		case OPT_REINDEX:
			reindex = true;
			break;
		case OPT_DB:
			if (strncmp(optarg, "postgresql://", 13) != 0 &&
			    strncmp(optarg, "postgres://", 11) != 0)
				cli_usage_error(&c, _("--db wants a postgresql:// URL, not '%s'"), optarg);
			db = optarg;
			break;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), c.prog);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		if (store_opt || argc - optind > 1)
			cli_usage_error(&c, _("one store at a time"));
		store = argv[optind];
		store_opt = true;
	}
	/* A shared index searched from afar: no store of one's own to bring up to date. */
	if (db != NULL && !store_opt) {
		if (reindex)
			cli_usage_error(&c, _("--reindex needs the store to index"));
		store = NULL;
	}
	if (!reindex && q.id == NULL && q.name == NULL && q.text == NULL && q.form == NULL &&
	    q.unit == NULL && q.from == NULL && q.to == NULL)
		cli_usage_error(&c, _("nothing to look for: give --id, --name, --text or a filter"));
	hoso_err_clear(&err);
	/* The templates name the types of fields in documents that do not (older ones). */
	if (hoso_file_join(&tdir, cli_datadir(), "templates", &err) == 0 &&
	    hoso_template_load_dir(hoso_buf_str(&tdir), &set, &err) == 0)
		have_set = true;
	hoso_err_clear(&err);
	memset(&io, 0, sizeof(io));
	io.store = store;
	io.db = db;
	io.templates = have_set ? &set : NULL;
	io.log = &c.log;
	t0 = hoso_date_monotonic();
	if (hoso_index_open(&io, &ix, &err) != 0 ||
	    hoso_index_refresh(ix, reindex, &st, &err) != 0) {
		status = cli_fail(&c, &err);
		goto out;
	}
	if (st.done && (reindex || st.indexed > 0 || st.removed > 0 || c.verbose > 0))
		cli_info(&c, _("index of %s: %zu dossiers, %zu indexed, %zu removed, %zu unreadable"
		    " (%.1f s, %.1f MB)"), store != NULL ? store : "-", st.dossiers, st.indexed, st.removed, st.unreadable,
		    hoso_date_monotonic() - t0, (double)hoso_index_size(ix) / 1e6);
	if (st.unreadable > 0)
		status = CLI_EXIT_INPUT;
	if (q.id == NULL && q.name == NULL && q.text == NULL && q.form == NULL && q.unit == NULL &&
	    q.from == NULL && q.to == NULL)
		goto out;
	if (hoso_index_search(ix, &q, &res, &err) != 0) {
		if (err.code == HOSO_EUSAGE)
			cli_usage_error(&c, "%s", err.msg);
		status = cli_fail(&c, &err);
		goto out;
	}
	switch (fmt) {
	case FMT_TEXT:
		status = write_text(&res, &out, &err) != 0 ? cli_fail(&c, &err) : status;
		break;
	case FMT_JSON:
		status = write_json(&res, &out, &err) != 0 ? cli_fail(&c, &err) : status;
		break;
	case FMT_XML:
		status = write_xml(&res, &out, &err) != 0 ? cli_fail(&c, &err) : status;
		break;
	case FMT_CSV:
		status = write_csv(&res, &out, &err) != 0 ? cli_fail(&c, &err) : status;
		break;
	}
	if (status == CLI_EXIT_OK || status == CLI_EXIT_INPUT) {
		int s = cli_write_output(&c, "-", &out);

		if (s != 0)
			status = s;
	}
	if (res.more)
		cli_info(&c, _("more dossiers match: narrow the search or raise --limit"));
	if (status == CLI_EXIT_OK && res.n_hits == 0)
		status = CLI_EXIT_NO;
out:
	hoso_index_result_free(&res);
	hoso_index_close(ix);
	if (have_set)
		hoso_template_set_free(&set);
	hoso_buf_free(&out);
	hoso_buf_free(&tdir);
	return status;
}
