/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "diag.h"
#include "imactl/secret.h"
#include "util/cleanup.h"

/*
 * One private mapping per secret: page-aligned, mlock'ed (best effort: an
 * unprivileged RLIMIT_MEMLOCK may refuse) and excluded from core dumps.
 */
struct imactl_secret {
	uint8_t *data;
	size_t len, cap;
	size_t map_len;
};

int imactl_secret_new(size_t cap, imactl_secret **ret)
{
	imactl_secret *s;
	long page = sysconf(_SC_PAGESIZE);
	size_t map_len;

	if (cap == 0 || cap > IMACTL_SECRET_MAX)
		return -EMSGSIZE;
	if (page <= 0)
		page = 4096;
	map_len = (cap + (size_t)page - 1) / (size_t)page * (size_t)page;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->data = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->data == MAP_FAILED) {
		free(s);
		return -ENOMEM;
	}
	(void)mlock(s->data, map_len);
	(void)madvise(s->data, map_len, MADV_DONTDUMP);
	s->cap = cap;
	s->map_len = map_len;
	*ret = s;
	return 0;
}

void imactl_secret_free(imactl_secret *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s->data, s->map_len);
	munlock(s->data, s->map_len);
	munmap(s->data, s->map_len);
	free(s);
}

const uint8_t *imactl_secret_data(const imactl_secret *s)
{
	return s->data;
}

size_t imactl_secret_len(const imactl_secret *s)
{
	return s->len;
}

static void strip_nl(imactl_secret *s)
{
	if (s->len && s->data[s->len - 1] == '\n') {
		s->data[--s->len] = 0;
		if (s->len && s->data[s->len - 1] == '\r')
			s->data[--s->len] = 0;
	}
}

int imactl_secret_from_fd(int fd, int strip_newline, imactl_secret **ret, imactl_diag *reterr)
{
	imactl_secret *s;
	int r = imactl_secret_new(IMACTL_SECRET_MAX, &s);

	if (r < 0)
		return diag_fail(reterr, r, "cannot allocate secret memory");
	for (;;) {
		ssize_t n;
		if (s->len == s->cap) {
			uint8_t extra;
			n = read(fd, &extra, 1);
			OPENSSL_cleanse(&extra, 1);
			if (n > 0) {
				imactl_secret_free(s);
				return diag_fail(reterr, -EMSGSIZE, "secret longer than %d bytes",
						 IMACTL_SECRET_MAX);
			}
			break;
		}
		n = read(fd, s->data + s->len, s->cap - s->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			imactl_secret_free(s);
			return diag_fail(reterr, r, "read: %s", strerror(-r));
		}
		if (n == 0)
			break;
		s->len += (size_t)n;
	}
	if (strip_newline)
		strip_nl(s);
	*ret = s;
	return 0;
}

int imactl_secret_from_file(const char *path, int strip_newline, imactl_secret **ret,
			    imactl_diag *reterr)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int r;

	if (fd < 0) {
		r = -errno;
		imactl_diag_set_file(reterr, path);
		return diag_fail(reterr, r, "cannot open: %s", strerror(-r));
	}
	r = imactl_secret_from_fd(fd, strip_newline, ret, reterr);
	if (r < 0)
		imactl_diag_set_file(reterr, path);
	return r;
}

int imactl_secret_from_mem(const uint8_t *p, size_t len, imactl_secret **ret)
{
	imactl_secret *s;
	int r = imactl_secret_new(len ? len : 1, &s);

	if (r < 0)
		return r;
	memcpy(s->data, p, len);
	s->len = len;
	*ret = s;
	return 0;
}

int imactl_secret_from_str(const char *str, imactl_secret **ret)
{
	return imactl_secret_from_mem((const uint8_t *)str, strlen(str), ret);
}
