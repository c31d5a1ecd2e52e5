/*
 * template.c - reading form templates (hoso-template(5)) through xml.h's hardened reader.
 * Every rule of data/schema/template.xsd is checked here too, with the file and line, so that
 * a user who writes a template gets told what is wrong without running xmllint.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "i18n.h"
#include "sort.h"
#include "template.h"
#include "utf8.h"
#include "xml.h"

#define MAX_FIELDS	256
#define MAX_TEXTS	32	/* labels, titles, stops, enum values of one kind */
#define MAX_TEXT	256	/* bytes of one label, title, stop or value */
#define MAX_TEMPLATES	1024

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
field_free(struct hoso_template_field *f)
{
	free(f->name);
	strv_free(f->labels, f->n_labels);
	free(f->after);
	free(f->before);
	strv_free(f->values, f->n_values);
}

void
hoso_template_free(struct hoso_template *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_fields; i++)
		field_free(&t->fields[i]);
	free(t->fields);
	strv_free(t->titles, t->n_titles);
	strv_free(t->stops, t->n_stops);
	free(t->name);
	free(t->path);
	free(t);
}

/* A form or field name: [a-z0-9_-], 1-64, starting with a letter or digit. */
static bool
name_ok(const char *s, bool dash)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) > 64 || s[0] == '-' || s[0] == '_')
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    (dash && s[i] == '-')))
			return false;
	return true;
}

/* The text of e, NFC, trimmed; an empty or oversized text is refused. */
static int
text_of(const struct hoso_xml_node *e, const char *label, char **out, struct hoso_err *err)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	char *raw = hoso_xml_text(e);
	size_t start = 0, end;
	int r = 0;

	*out = NULL;
	if (raw == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	end = strlen(raw);
	while (start < end && strchr(" \t\r\n", raw[start]) != NULL)
		start++;
	while (end > start && strchr(" \t\r\n", raw[end - 1]) != NULL)
		end--;
	if (end == start || end - start > MAX_TEXT) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <%s> must hold 1 to %d bytes of "
		    "text"), label, hoso_xml_line(e), hoso_xml_name(e), MAX_TEXT);
		goto out;
	}
	if ((r = hoso_utf8_nfc(raw + start, end - start, &b, err)) != 0)
		goto out;
	*out = hoso_buf_detach(&b, NULL);
out:
	free(raw);
	hoso_buf_free(&b);
	return r;
}

static int
push_text(const struct hoso_xml_node *e, const char *label, char ***v, size_t *n,
    struct hoso_err *err)
{
	char **nv, *s;
	int r;

	if (*n >= MAX_TEXTS)
		return hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: more than %d <%s> elements"), label,
		    hoso_xml_line(e), MAX_TEXTS, hoso_xml_name(e));
	if ((r = text_of(e, label, &s, err)) != 0)
		return r;
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
		free(s);
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

/* An optional decimal attribute in [min, max]. */
static int
attr_num(const struct hoso_xml_node *e, const char *name, double min, double max, double *out,
    bool *present, const char *label, struct hoso_err *err)
{
	char *s = hoso_xml_attr(e, name), *end;
	double v;
	int r = 0;

	if (present != NULL)
		*present = s != NULL;
	if (s == NULL)
		return 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v) || v < min || v > max)
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: %s=\"%.40s\" is not a number from %g "
		    "to %g"), label, hoso_xml_line(e), name, s, min, max);
	else
		*out = v;
	free(s);
	return r;
}

static int
attr_bool(const struct hoso_xml_node *e, const char *name, bool *out, const char *label,
    struct hoso_err *err)
{
	char *s = hoso_xml_attr(e, name);
	int r = 0;

	if (s == NULL)
		return 0;
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*out = false;
	else
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: %s=\"%.40s\" is not true or false"),
		    label, hoso_xml_line(e), name, s);
	free(s);
	return r;
}

/* Attributes outside the list are refused: a misspelt one would otherwise be ignored. */
static int
only_attrs(const struct hoso_xml_node *e, const char *const *allowed, const char *label,
    struct hoso_err *err)
{
	static const char *const all[] = { "name", "type", "block", "max-lines", "min-confidence",
	    "occurrence", "after", "before", "relative-to", "x", "y", "width", "height",
	    "version", NULL };
	size_t i, k;
	char *s;

	for (i = 0; all[i] != NULL; i++) {
		bool ok = false;
		for (k = 0; allowed[k] != NULL; k++)
			ok = ok || strcmp(allowed[k], all[i]) == 0;
		if (ok || (s = hoso_xml_attr(e, all[i])) == NULL)
			continue;
		free(s);
		return hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <%s> has no attribute %s"), label,
		    hoso_xml_line(e), hoso_xml_name(e), all[i]);
	}
	return 0;
}

static int
parse_zone(const struct hoso_xml_node *e, const char *label, struct hoso_template_zone *z,
    struct hoso_err *err)
{
	static const char *const allowed[] = { "relative-to", "x", "y", "width", "height", NULL };
	char *rel = hoso_xml_attr(e, "relative-to");
	double max;
	bool have;
	int r;

	if ((r = only_attrs(e, allowed, label, err)) != 0)
		goto out;
	if (rel == NULL || (strcmp(rel, "page") != 0 && strcmp(rel, "label") != 0)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <zone> needs relative-to=\"page\" or "
		    "\"label\""), label, hoso_xml_line(e));
		goto out;
	}
	z->set = true;
	z->from_label = strcmp(rel, "label") == 0;
	/* Page zones are fractions of the page; label zones millimetres (an A3 page is 420). */
	max = z->from_label ? 1000 : 1;
	if ((r = attr_num(e, "x", -max, max, &z->x, &have, label, err)) != 0 ||
	    (!have && (r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <zone> needs x"), label,
	    hoso_xml_line(e))) != 0) ||
	    (r = attr_num(e, "y", -max, max, &z->y, &have, label, err)) != 0 ||
	    (!have && (r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <zone> needs y"), label,
	    hoso_xml_line(e))) != 0) ||
	    (r = attr_num(e, "width", 0, max, &z->width, &have, label, err)) != 0 ||
	    (!have && (r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <zone> needs width"), label,
	    hoso_xml_line(e))) != 0) ||
	    (r = attr_num(e, "height", 0, max, &z->height, &have, label, err)) != 0 ||
	    (!have && (r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <zone> needs height"), label,
	    hoso_xml_line(e))) != 0))
		goto out;
	if (z->width <= 0 || z->height <= 0)
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: a zone's width and height must be "
		    "more than 0"), label, hoso_xml_line(e));
out:
	free(rel);
	return r;
}

static int
parse_select(const struct hoso_xml_node *e, const char *label, struct hoso_template_field *f,
    struct hoso_err *err)
{
	static const char *const allowed[] = { "occurrence", "after", "before", NULL };
	double occ = 1;
	int r;

	if ((r = only_attrs(e, allowed, label, err)) != 0 ||
	    (r = attr_num(e, "occurrence", 1, 100, &occ, NULL, label, err)) != 0)
		return r;
	if (occ != floor(occ))
		return hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: occurrence must be a whole number"),
		    label, hoso_xml_line(e));
	f->occurrence = (int)occ;
	f->after = hoso_xml_attr(e, "after");
	f->before = hoso_xml_attr(e, "before");
	if ((f->after != NULL && (f->after[0] == '\0' || strlen(f->after) > MAX_TEXT)) ||
	    (f->before != NULL && (f->before[0] == '\0' || strlen(f->before) > MAX_TEXT)))
		return hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: after and before must name 1 to %d "
		    "bytes of printed text"), label, hoso_xml_line(e), MAX_TEXT);
	return 0;
}

static int
parse_field(const struct hoso_xml_node *e, const char *label, double min_conf,
    struct hoso_template_field *f, struct hoso_err *err)
{
	static const char *const allowed[] = { "name", "type", "block", "max-lines",
	    "min-confidence", NULL };
	const struct hoso_xml_node *c;
	char *type = NULL;
	double max_lines = 3;
	bool seen_select = false;
	long line = hoso_xml_line(e);
	int r;

	memset(f, 0, sizeof(*f));
	f->line = line;
	f->occurrence = 1;
	f->min_confidence = min_conf;
	f->name = hoso_xml_attr(e, "name");
	type = hoso_xml_attr(e, "type");
	if ((r = only_attrs(e, allowed, label, err)) != 0)
		goto out;
	if (!name_ok(f->name, false)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: a field needs a name of a-z, 0-9 and "
		    "_ (at most 64)"), label, line);
		goto out;
	}
	if (type == NULL || hoso_validate_type_parse(type, &f->type) != 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: field %s: type must be one of text, "
		    "name, cccd, date, datetime, year, phone, email, dossier-code, enum"), label,
		    line, f->name);
		goto out;
	}
	if ((r = attr_bool(e, "block", &f->block, label, err)) != 0 ||
	    (r = attr_num(e, "max-lines", 1, 20, &max_lines, NULL, label, err)) != 0 ||
	    (r = attr_num(e, "min-confidence", 0, 100, &f->min_confidence, NULL, label, err)) != 0)
		goto out;
	f->max_lines = f->block ? (int)max_lines : 1;
	for (c = hoso_xml_child(e, NULL); c != NULL; c = hoso_xml_next(c, NULL)) {
		const char *n = hoso_xml_name(c);
		if (strcmp(n, "label") == 0)
			r = push_text(c, label, &f->labels, &f->n_labels, err);
		else if (strcmp(n, "value") == 0)
			r = push_text(c, label, &f->values, &f->n_values, err);
		else if (strcmp(n, "zone") == 0 && !f->zone.set)
			r = parse_zone(c, label, &f->zone, err);
		else if (strcmp(n, "select") == 0 && !seen_select) {
			seen_select = true;
			r = parse_select(c, label, f, err);
		} else
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <%s> is not expected in a "
			    "field (or is there twice)"), label, hoso_xml_line(c), n);
		if (r != 0)
			goto out;
	}
	if (f->n_labels == 0 && !(f->zone.set && !f->zone.from_label)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: field %s needs a <label>, or a <zone> "
		    "relative to the page"), label, line, f->name);
		goto out;
	}
	if ((f->type == HOSO_VALIDATE_ENUM) != (f->n_values > 0)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: field %s: <value> elements go with "
		    "type enum, and an enum needs them"), label, line, f->name);
		goto out;
	}
out:
	free(type);
	return r;
}

int
hoso_template_parse(const char *data, size_t len, const char *label, struct hoso_template **tp,
    struct hoso_err *err)
{
	static const char *const allowed[] = { "name", "version", "min-confidence", NULL };
	struct hoso_xml *doc = NULL;
	struct hoso_template *t = NULL;
	const struct hoso_xml_node *root, *c;
	struct hoso_template_field *nf;
	char *version = NULL;
	double min_conf = 80;
	size_t i, k;
	int r;

	*tp = NULL;
	if (len > HOSO_TEMPLATE_MAX_SIZE)
		return hoso_err_set(err, HOSO_EINPUT, _("%s: larger than %u bytes: not a template"),
		    label, HOSO_TEMPLATE_MAX_SIZE);
	if ((r = hoso_xml_parse(data, len, label, &doc, err)) != 0)
		return r;
	if ((t = calloc(1, sizeof(*t))) == NULL || (t->path = strdup(label)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	root = hoso_xml_root(doc);
	if (root == NULL || strcmp(hoso_xml_name(root), "template") != 0 ||
	    hoso_xml_ns(root) != NULL) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: the root element must be <template> "
		    "(no namespace)"), label, root ? hoso_xml_line(root) : 1L);
		goto out;
	}
	version = hoso_xml_attr(root, "version");
	t->name = hoso_xml_attr(root, "name");
	if ((r = only_attrs(root, allowed, label, err)) != 0)
		goto out;
	if (version == NULL || strcmp(version, "1") != 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <template> needs version=\"1\""), label,
		    hoso_xml_line(root));
		goto out;
	}
	if (!name_ok(t->name, true)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <template> needs a name of a-z, 0-9, "
		    "_ and - (at most 64)"), label, hoso_xml_line(root));
		goto out;
	}
	if ((r = attr_num(root, "min-confidence", 0, 100, &min_conf, NULL, label, err)) != 0)
		goto out;
	for (c = hoso_xml_child(root, NULL); c != NULL; c = hoso_xml_next(c, NULL)) {
		const char *n = hoso_xml_name(c);
		if (strcmp(n, "title") == 0) {
			r = push_text(c, label, &t->titles, &t->n_titles, err);
		} else if (strcmp(n, "stop") == 0) {
			r = push_text(c, label, &t->stops, &t->n_stops, err);
		} else if (strcmp(n, "description") == 0) {
			r = 0;
		} else if (strcmp(n, "field") == 0) {
			if (t->n_fields >= MAX_FIELDS) {
				r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: more than %d fields"),
				    label, hoso_xml_line(c), MAX_FIELDS);
				goto out;
			}
			if ((nf = realloc(t->fields, (t->n_fields + 1) * sizeof(*nf))) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			t->fields = nf;
			r = parse_field(c, label, min_conf, &t->fields[t->n_fields], err);
			t->n_fields++;	/* freed with the template, parsed or not */
		} else {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: <%s> is not expected in a "
			    "template"), label, hoso_xml_line(c), n);
		}
		if (r != 0)
			goto out;
	}
	if (t->n_titles == 0 || t->n_fields == 0) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: a template needs a <title> and at "
		    "least one <field>"), label, hoso_xml_line(root));
		goto out;
	}
	for (i = 0; i < t->n_fields; i++)
		for (k = 0; k < i; k++)
			if (strcmp(t->fields[i].name, t->fields[k].name) == 0) {
				r = hoso_err_set(err, HOSO_EINPUT, _("%s:%ld: field %s is there "
				    "twice"), label, t->fields[i].line, t->fields[i].name);
				goto out;
			}
	*tp = t;
	t = NULL;
out:
	free(version);
	hoso_template_free(t);
	hoso_xml_free(doc);
	return r;
}

int
hoso_template_load(const char *path, struct hoso_template **tpl, struct hoso_err *err)
{
	struct hoso_buf b = HOSO_BUF_INIT(0);
	int r;

	*tpl = NULL;
	if ((r = hoso_file_read(path, HOSO_TEMPLATE_MAX_SIZE + 1, &b, err)) == 0)
		r = hoso_template_parse(hoso_buf_str(&b), b.len, path, tpl, err);
	hoso_buf_free(&b);
	return r;
}

void
hoso_template_set_free(struct hoso_template_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		hoso_template_free(set->templates[i]);
	free(set->templates);
	memset(set, 0, sizeof(*set));
}

static int
by_name(const void *a, const void *b)
{
	const struct hoso_template *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
hoso_template_load_dir(const char *dir, struct hoso_template_set *set, struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct hoso_template **nt, *t;
	struct dirent *de;
	char **names = NULL, **nn;
	size_t n_names = 0, i, len;
	DIR *dp;
	int r = 0;

	memset(set, 0, sizeof(*set));
	if ((dp = opendir(dir)) == NULL)
		return hoso_err_sys(err, errno, _("%s: cannot read the templates directory"), dir);
	/* Names first, sorted: the order of readdir must not decide which error is reported. */
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0)
			continue;
		if (n_names >= MAX_TEMPLATES) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: more than %d templates"), dir,
			    MAX_TEMPLATES);
			break;
		}
		if ((nn = realloc(names, (n_names + 1) * sizeof(*nn))) == NULL ||
		    (nn[n_names] = strdup(de->d_name)) == NULL) {
			names = nn != NULL ? nn : names;
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			break;
		}
		names = nn;
		n_names++;
	}
	closedir(dp);
	if (r != 0)
		goto out;
	if (n_names > 0)
		hoso_sort(names, n_names, sizeof(*names), by_string);
	for (i = 0; i < n_names; i++) {
		if ((r = hoso_file_join(&path, dir, names[i], err)) != 0 ||
		    (r = hoso_template_load(path.data, &t, err)) != 0)
			goto out;
		if ((nt = realloc(set->templates, (set->n + 1) * sizeof(*nt))) == NULL) {
			hoso_template_free(t);
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
			goto out;
		}
		set->templates = nt;
		nt[set->n++] = t;
	}
	if (set->n > 0)
		hoso_sort(set->templates, set->n, sizeof(*set->templates), by_name);
	for (i = 1; i < set->n; i++)
		if (strcmp(set->templates[i - 1]->name, set->templates[i]->name) == 0) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s and %s: two templates named %s"),
			    set->templates[i - 1]->path, set->templates[i]->path,
			    set->templates[i]->name);
			goto out;
		}
out:
	strv_free(names, n_names);
	hoso_buf_free(&path);
	if (r != 0)
		hoso_template_set_free(set);
	return r;
}

const struct hoso_template *
hoso_template_find(const struct hoso_template_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->templates[i]->name, name) == 0)
			return set->templates[i];
	return NULL;
}

int
hoso_template_names(const struct hoso_template_set *set, struct hoso_buf *out,
    struct hoso_err *err)
{
	size_t i;
	int r = 0;

	hoso_buf_reset(out);
	for (i = 0; i < set->n && r == 0; i++)
		r = hoso_buf_addf(out, err, "%s%s", i ? ", " : "", set->templates[i]->name);
	if (r == 0 && out->data == NULL)
		r = hoso_buf_adds(out, "", err);
	return r;
}
