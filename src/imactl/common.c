/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common.h"
#include "opts.h"
#include "util/cleanup.h"
#include "util/hex.h"

void print_diag(const char *prog, const char *what, const imactl_diag *d, int r)
{
	const char *msg = d && d->msg[0] ? d->msg : imactl_strerror(r);

	if (d && d->line)
		fprintf(stderr, "%s: %s:%lu:%lu: %s\n", prog, d->file[0] ? d->file : what, d->line,
			d->column, msg);
	else if (d && d->has_offset)
		fprintf(stderr, "%s: %s: at byte %lu: %s\n", prog, what, d->offset, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, what, msg);
}

static int copy_secret(imactl_secret *s, char *buf, size_t cap)
{
	size_t n = imactl_secret_len(s);

	if (n > cap)
		return -EMSGSIZE;
	memcpy(buf, imactl_secret_data(s), n);
	return (int)n;
}

/* Read a line from the terminal with echo off; the newline is not part of it. */
static int prompt_tty(const char *key_name, char *buf, size_t cap)
{
	_cleanup_close_ int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	struct termios old, noecho;
	char c;
	size_t n = 0;
	int r = 0;

	if (fd < 0)
		return -ECANCELED;
	if (tcgetattr(fd, &old) < 0)
		return -ECANCELED;
	dprintf(fd, "Enter passphrase for %s: ", key_name ? key_name : "key");
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	noecho.c_lflag |= ICANON;
	(void)tcsetattr(fd, TCSAFLUSH, &noecho);
	for (;;) {
		ssize_t k = read(fd, &c, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r = n ? 0 : -ECANCELED;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (n + 1 >= cap) {
			r = -EMSGSIZE;
			break;
		}
		buf[n++] = c;
	}
	c = 0;
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	if (r < 0) {
		OPENSSL_cleanse(buf, cap);
		return r;
	}
	return (int)n;
}

int pass_callback(char *buf, size_t cap, void *userdata)
{
	const struct pass_opts *po = userdata;
	imactl_secret *s = NULL;
	imactl_diag d = {0};
	int r;

	if (po->pass_file) {
		r = imactl_secret_from_file(po->pass_file, 1, &s, &d);
		if (r < 0) {
			print_diag(po->prog, po->pass_file, &d, r);
			return r;
		}
	} else if (po->pass_fd >= 0) {
		r = imactl_secret_from_fd(po->pass_fd, 1, &s, &d);
		if (r < 0) {
			print_diag(po->prog, "--pass-fd", &d, r);
			return r;
		}
	} else if (po->pass_arg) {
		r = imactl_secret_from_str(po->pass_arg, &s);
		if (r < 0)
			return r;
	} else {
		for (const char *const *e = po->env; e && *e; e++) {
			const char *v = getenv(*e);
			if (v) {
				r = imactl_secret_from_str(v, &s);
				if (r < 0)
					return r;
				break;
			}
		}
	}
	if (s) {
		r = copy_secret(s, buf, cap);
		imactl_secret_free(s);
		return r;
	}
	if (po->prompt)
		return prompt_tty(po->key_name, buf, cap);
	return -ECANCELED;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void human_bytes(unsigned long long n, char *buf, size_t cap)
{
	static const char *units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)n;
	size_t u = 0;

	while (v >= 1000 && u + 1 < ELEMENTSOF(units)) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%llu B", n);
	else
		snprintf(buf, cap, "%.1f %s", v, units[u]);
}

static void progress_print(struct bulk *b)
{
	char hb[32];
	double dt = now_seconds() - b->t0;
	unsigned long done =
		atomic_load(&b->ok) + atomic_load(&b->failed) + atomic_load(&b->errors);

	human_bytes(atomic_load(&b->bytes), hb, sizeof(hb));
	fprintf(stderr, "\r\033[K%s: %lu files, %s, %lu failed, %.0f files/s", b->prog, done, hb,
		atomic_load(&b->failed) + atomic_load(&b->errors),
		dt > 0 ? (double)done / dt : 0.0);
	b->progress_line_shown = true;
}

static void *progress_main(void *arg)
{
	struct bulk *b = arg;

	while (!atomic_load(&b->stop)) {
		struct timespec ts = {0, 200 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (atomic_load(&b->stop))
			break;
		pthread_mutex_lock(&b->out_lock);
		progress_print(b);
		pthread_mutex_unlock(&b->out_lock);
	}
	return NULL;
}

void bulk_init(struct bulk *b, const char *prog, const char *verb, bool quiet)
{
	memset(b, 0, sizeof(*b));
	b->prog = prog;
	b->verb = verb;
	pthread_mutex_init(&b->out_lock, NULL);
	b->progress = !quiet && isatty(STDERR_FILENO);
	b->json_first = true;
	b->t0 = now_seconds();
}

void bulk_start(struct bulk *b)
{
	b->t0 = now_seconds();
	if (b->progress && pthread_create(&b->progress_thread, NULL, progress_main, b) == 0)
		b->thread_running = true;
}

void bulk_stop(struct bulk *b)
{
	atomic_store(&b->stop, true);
	if (b->thread_running)
		pthread_join(b->progress_thread, NULL);
	b->thread_running = false;
	if (b->progress_line_shown) {
		fputs("\r\033[K", stderr);
		b->progress_line_shown = false;
	}
}

void bulk_lock(struct bulk *b)
{
	pthread_mutex_lock(&b->out_lock);
	if (b->progress_line_shown) {
		fputs("\r\033[K", stderr);
		b->progress_line_shown = false;
	}
}

void bulk_unlock(struct bulk *b)
{
	pthread_mutex_unlock(&b->out_lock);
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void print_hex(FILE *f, const uint8_t *p, size_t len)
{
	hex_fprint(f, p, len);
}

int parse_keyid(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s || strlen(s) > 8)
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno || *end)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int write_sigfile_atomic(const char *path, const uint8_t *v, size_t len)
{
	size_t n = strlen(path);
	_cleanup_free_ char *dst = malloc(n + 5), *tmp = malloc(n + 16);
	int fd, r = 0;

	if (!dst || !tmp)
		return -ENOMEM;
	snprintf(dst, n + 5, "%s.sig", path);
	snprintf(tmp, n + 16, "%s.sig.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, v, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, dst) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

long read_small_file(const char *path, uint8_t *buf, size_t cap)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	while (len < cap) {
		ssize_t k = read(fd, buf + len, cap - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return (long)len;
		len += (size_t)k;
	}
	return -EMSGSIZE;
}

void bulk_report(struct bulk *b, const struct report_opts *o, const char *path, int r,
		 const char *status, const uint8_t *value, size_t vlen, const char *detail)
{
	bulk_lock(b);
	if (o->json) {
		printf("%s\n    {\"path\": ", b->json_first ? "" : ",");
		b->json_first = false;
		json_str(stdout, path);
		printf(", \"status\": \"%s\"", status);
		if (value) {
			printf(", \"value\": \"");
			print_hex(stdout, value, vlen);
			printf("\"");
		}
		if (detail) {
			printf(", \"%s\": ", r < 0 ? "error" : "detail");
			json_str(stdout, detail);
		}
		printf("}");
	} else if (r < 0) {
		fprintf(stderr, "%s: %s: %s\n", o->prog, path,
			detail ? detail : imactl_strerror(r));
	} else if (o->print && value) {
		print_hex(stdout, value, vlen);
		printf(" %s\n", path);
	} else if (o->verbose || o->show_ok) {
		printf("%s: %s%s%s\n", path, status, detail ? " " : "", detail ? detail : "");
	}
	bulk_unlock(b);
}

int opt_push(const char *prog, const char *opt, const char **list, size_t *n, size_t max,
	     const char *arg)
{
	if (*n >= max) {
		fprintf(stderr, "%s: too many --%s (at most %zu)\n", prog, opt, max);
		return EXIT_USAGE;
	}
	list[(*n)++] = arg;
	return 0;
}

int opt_push_split(const char *prog, const char *opt, const char **list, size_t *n, size_t max,
		   char *arg)
{
	char *save = NULL;

	for (char *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (opt_push(prog, opt, list, n, max, t) != 0)
			return EXIT_USAGE;
	return 0;
}

int opt_tpm_hash(const char *prog, const char *arg, const char *what)
{
	int algo = imactl_hash_from_name(arg);

	if (algo < 0 || !imactl_hash_tpm_alg(algo)) {
		fprintf(stderr, "%s: '%s' is not %s\n", prog, arg, what);
		return -1;
	}
	return algo;
}

bool is_help_word(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help") || !strcmp(s, "help");
}
