/* file.c - atomic writes (temp, fsync, rename, fsync dir) and bounded reads. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "i18n.h"
#include "sort.h"

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	if ((d = malloc((size_t)(slash - path) + 1)) == NULL)
		return NULL;
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

/* Failing to write an output is an I/O error, whatever errno says. */
static int
out_err(struct hoso_err *err, int errnum, const char *fmt, const char *arg)
{
	hoso_err_sys(err, errnum, fmt, arg);
	if (err != NULL)
		err->code = HOSO_EIO;
	return HOSO_EIO;
}

int
hoso_file_fsync_dir(const char *dir, struct hoso_err *err)
{
	int fd, r = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return hoso_err_sys(err, errno, _("%s: cannot open directory"), dir);
	if (fsync(fd) != 0 && errno != EINVAL)
		r = hoso_err_sys(err, errno, _("%s: cannot sync directory"), dir);
	close(fd);
	return r;
}

/*
 * Create a fresh temporary file next to path, 0666 before the umask.  Our own
 * random suffix and O_EXCL instead of mkstemp, so the kernel applies the
 * umask as it does for any other new file.
 */
static int
create_temp(struct hoso_afile *af, const char *path, struct hoso_err *err)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct hoso_buf tmp = HOSO_BUF_INIT(0);
	const char *base = strrchr(path, '/');
	unsigned char rnd[6];
	char *dir = NULL;
	int r, tries;

	base = base ? base + 1 : path;
	if ((dir = dir_of(path)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	if ((r = hoso_buf_addf(&tmp, err, "%s/.%s.tmp.XXXXXX", dir, base)) != 0)
		goto out;
	for (tries = 0; tries < 100; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
			r = out_err(err, errno, _("%s: cannot create temporary file"), path);
			goto out;
		}
		for (size_t i = 0; i < sizeof(rnd); i++)
			tmp.data[tmp.len - 6 + i] = abc[rnd[i] % (sizeof(abc) - 1)];
		af->fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (af->fd >= 0 || errno != EEXIST)
			break;
	}
	if (af->fd < 0) {
		r = out_err(err, errno, _("%s: cannot create temporary file"), path);
		goto out;
	}
	af->tmp = hoso_buf_detach(&tmp, NULL);	/* from here on, abort removes it */
out:
	hoso_buf_free(&tmp);
	free(dir);
	return r;
}

static int
afile_start(struct hoso_afile *af, const char *path, struct hoso_err *err)
{
	af->fd = -1;
	af->path = NULL;
	af->tmp = NULL;
	af->direct = false;
	if ((af->path = strdup(path)) == NULL)
		return hoso_err_set(err, HOSO_EIO, _("out of memory"));
	return 0;
}

/*
 * The file a user-named path stands for: symbolic links in its last component
 * are followed (as a shell's ">" does), relative ones from the link's directory,
 * so that the link stays and its target is replaced.
 */
static int
resolve_links(const char *path, char **out, struct hoso_err *err)
{
	struct hoso_buf cur = HOSO_BUF_INIT(0), next = HOSO_BUF_INIT(0);
	struct stat st;
	char link[4096], *dir;
	ssize_t n;
	int hops, r;

	if ((r = hoso_buf_adds(&cur, path, err)) != 0)
		goto out;
	for (hops = 0; lstat(cur.data, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
		if (hops == 40 || (n = readlink(cur.data, link, sizeof(link) - 1)) < 0) {
			r = out_err(err, hops == 40 ? ELOOP : errno,
			    _("%s: cannot follow symbolic link"), path);
			goto out;
		}
		link[n] = '\0';
		if (link[0] == '/' || strchr(cur.data, '/') == NULL) {
			hoso_buf_reset(&next);
			r = hoso_buf_adds(&next, link, err);
		} else if ((dir = dir_of(cur.data)) == NULL) {
			r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		} else {
			r = hoso_file_join(&next, dir, link, err);
			free(dir);
		}
		if (r != 0)
			goto out;
		hoso_buf_reset(&cur);
		if ((r = hoso_buf_add(&cur, next.data, next.len, err)) != 0)
			goto out;
	}
	*out = hoso_buf_detach(&cur, NULL);
out:
	hoso_buf_free(&cur);
	hoso_buf_free(&next);
	return r;
}

int
hoso_afile_open(struct hoso_afile *af, const char *path, struct hoso_err *err)
{
	struct stat st;
	bool exists;
	char *real = NULL;
	int r;

	if ((r = afile_start(af, path, err)) != 0)
		goto out;
	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		r = out_err(err, EISDIR, _("%s: cannot write"), path);
		goto out;
	}
	/* Devices, FIFOs, /dev/stdout and the like: there is nothing to replace. */
	if ((exists && !S_ISREG(st.st_mode)) || strncmp(path, "/dev/", 5) == 0 ||
	    strncmp(path, "/proc/", 6) == 0) {
		if ((af->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY)) < 0)
			r = out_err(err, errno, _("%s: cannot open for writing"), path);
		af->direct = true;
		goto out;
	}
	if ((r = resolve_links(path, &real, err)) != 0 ||
	    (r = create_temp(af, real, err)) != 0)
		goto out;
	/* A replaced file keeps its permissions (st: stat follows the links too). */
	if (exists && fchmod(af->fd, st.st_mode & 07777) != 0) {
		r = out_err(err, errno, _("%s: cannot set mode"), af->tmp);
		goto out;
	}
	free(af->path);
	af->path = real;
	real = NULL;
out:
	if (r != 0)
		hoso_afile_abort(af);
	free(real);
	return r;
}

/* Store-internal files: no links followed, nothing written in place. */
static int
afile_open_plain(struct hoso_afile *af, const char *path, struct hoso_err *err)
{
	int r;

	if ((r = afile_start(af, path, err)) == 0)
		r = create_temp(af, path, err);
	if (r != 0)
		hoso_afile_abort(af);
	return r;
}

int
hoso_afile_write(struct hoso_afile *af, const void *p, size_t n, struct hoso_err *err)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(af->fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return out_err(err, errno, _("%s: cannot write"), af->path);
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
hoso_afile_commit(struct hoso_afile *af, struct hoso_err *err)
{
	char *dir = NULL;
	int r = 0;

	/* A pipe or terminal cannot be synced; only a real failure counts. */
	if (fsync(af->fd) != 0 && !(af->direct && (errno == EINVAL || errno == EROFS))) {
		r = out_err(err, errno, _("%s: cannot sync"), af->path);
		goto out;
	}
	if (close(af->fd) != 0) {
		af->fd = -1;
		r = out_err(err, errno, _("%s: cannot close"), af->path);
		goto out;
	}
	af->fd = -1;
	if (af->direct)
		goto out;
	if (rename(af->tmp, af->path) != 0) {
		r = out_err(err, errno, _("%s: cannot rename into place"), af->path);
		goto out;
	}
	free(af->tmp);
	af->tmp = NULL;
	if ((dir = dir_of(af->path)) == NULL) {
		r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
		goto out;
	}
	r = hoso_file_fsync_dir(dir, err);
out:
	free(dir);
	hoso_afile_abort(af);
	return r;
}

void
hoso_afile_abort(struct hoso_afile *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp != NULL)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	af->tmp = NULL;
	af->path = NULL;
}

static int
write_all(struct hoso_afile *af, const void *p, size_t n, struct hoso_err *err)
{
	int r;

	if ((r = hoso_afile_write(af, p, n, err)) != 0) {
		hoso_afile_abort(af);
		return r;
	}
	return hoso_afile_commit(af, err);
}

int
hoso_file_write_atomic(const char *path, const void *p, size_t n, struct hoso_err *err)
{
	struct hoso_afile af;
	int r;

	if ((r = afile_open_plain(&af, path, err)) != 0)
		return r;
	return write_all(&af, p, n, err);
}

int
hoso_file_write_output(const char *path, const void *p, size_t n, struct hoso_err *err)
{
	struct hoso_afile af;
	int r;

	if ((r = hoso_afile_open(&af, path, err)) != 0)
		return r;
	return write_all(&af, p, n, err);
}

bool
hoso_file_is_temp(const char *name)
{
	const char *t;

	if (name[0] != '.' || (t = strstr(name, ".tmp.")) == NULL)
		return false;
	return strlen(t + 5) == 6;
}

int
hoso_file_read(const char *path, size_t max, struct hoso_buf *out, struct hoso_err *err)
{
	struct stat st;
	char chunk[65536];
	ssize_t n;
	int fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return hoso_err_sys(err, errno, _("%s: cannot open"), path);
	if (fstat(fd, &st) != 0) {
		r = hoso_err_sys(err, errno, _("%s: cannot stat"), path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: not a regular file"), path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		r = hoso_err_set(err, HOSO_EINPUT, _("%s: larger than %zu bytes"), path, max);
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = hoso_err_sys(err, errno, _("%s: cannot read"), path);
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			r = hoso_err_set(err, HOSO_EINPUT, _("%s: larger than %zu bytes"), path, max);
			goto out;
		}
		if ((r = hoso_buf_add(out, chunk, (size_t)n, err)) != 0)
			goto out;
	}
	if (out->data == NULL)
		r = hoso_buf_add(out, "", 0, err);
out:
	close(fd);
	return r;
}

int
hoso_file_mkdirs(const char *path, struct hoso_err *err)
{
	struct hoso_buf p = HOSO_BUF_INIT(0);
	struct stat st;
	char *s;
	int r;

	if ((r = hoso_buf_adds(&p, path, err)) != 0)
		goto out;
	for (s = p.data + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p.data, 0777) == 0) {
			/* A new directory lasts a power cut only once its parent is synced. */
			char *slash = strrchr(p.data, '/');
			if (slash != NULL && slash != p.data) {
				*slash = '\0';
				r = hoso_file_fsync_dir(p.data, err);
				*slash = '/';
			} else {
				r = hoso_file_fsync_dir(slash == p.data ? "/" : ".", err);
			}
			if (r != 0)
				goto out;
		} else if (errno != EEXIST) {
			r = hoso_err_sys(err, errno, _("%s: cannot create directory"), p.data);
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		r = hoso_err_set(err, HOSO_EIO, _("%s: not a directory"), path);
out:
	hoso_buf_free(&p);
	return r;
}

int
hoso_file_join(struct hoso_buf *out, const char *a, const char *b, struct hoso_err *err)
{
	size_t la = strlen(a);

	hoso_buf_reset(out);
	while (la > 1 && a[la - 1] == '/')
		la--;
	if (hoso_buf_add(out, a, la, err) != 0)
		return err ? err->code : HOSO_EIO;
	if (la == 0 || a[la - 1] != '/')
		if (hoso_buf_addc(out, '/', err) != 0)
			return err ? err->code : HOSO_EIO;
	return hoso_buf_adds(out, b, err);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
has_suffix(const char *name, const char *const *suffixes)
{
	size_t n = strlen(name), k;

	for (; suffixes != NULL && *suffixes != NULL; suffixes++) {
		k = strlen(*suffixes);
		if (n > k && strcasecmp(name + n - k, *suffixes) == 0)
			return true;
	}
	return false;
}

int
hoso_file_list(const char *dir, const char *const *suffixes, char ***out, size_t *n,
    struct hoso_err *err)
{
	struct hoso_buf path = HOSO_BUF_INIT(0);
	struct dirent *de;
	struct stat st;
	char **list = NULL, **nl;
	size_t cap = 0, i;
	DIR *dp;
	int r = 0;

	*out = NULL;
	*n = 0;
	if ((dp = opendir(dir)) == NULL)
		return hoso_err_sys(err, errno, _("%s: cannot read directory"), dir);
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || hoso_file_is_temp(de->d_name) ||
		    !has_suffix(de->d_name, suffixes))
			continue;
		if ((r = hoso_file_join(&path, dir, de->d_name, err)) != 0)
			goto out;
		if (stat(path.data, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((nl = realloc(list, cap * sizeof(*nl))) == NULL) {
				r = hoso_err_set(err, HOSO_EIO, _("out of memory"));
				goto out;
			}
			list = nl;
		}
		list[(*n)++] = hoso_buf_detach(&path, NULL);
	}
	if (*n > 1)
		hoso_sort(list, *n, sizeof(*list), cmp_name);
out:
	closedir(dp);
	hoso_buf_free(&path);
	if (r != 0) {
		for (i = 0; i < *n; i++)
			free(list[i]);
		free(list);
		list = NULL;
		*n = 0;
	}
	*out = list;
	return r;
}
