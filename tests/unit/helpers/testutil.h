/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the cmocka unit tests: fixture paths, temp
 * directories, file and hex helpers.  Header-only (static inline) so each
 * test stays a single translation unit.
 */
#ifndef IMACTL_TESTS_TESTUTIL_H
#define IMACTL_TESTS_TESTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

/* A path under $IMACTL_TEST_DATA (set by tests/unit/meson.build). */
static inline const char *tu_data(const char *rel)
{
	static __thread char buf[4][4096];
	static __thread int slot;
	const char *root = getenv("IMACTL_TEST_DATA");
	char *p = buf[slot++ % 4];

	assert_non_null(root);
	snprintf(p, sizeof(buf[0]), "%s/%s", root, rel);
	return p;
}

/* Read a whole file; fails the test when it cannot. Caller frees. */
static inline uint8_t *tu_read(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (!f)
		fail_msg("cannot open '%s': %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = 0;
	fclose(f);
	*ret_len = (size_t)n;
	return b;
}

static inline void tu_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		fail_msg("cannot create '%s': %s", path, strerror(errno));
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static inline int tu_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex (stops at the first non-hex character); returns the byte count. */
static inline size_t tu_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (tu_hexval(hex[0]) >= 0 && tu_hexval(hex[1]) >= 0) {
		assert_true(n < cap);
		out[n++] = (uint8_t)(tu_hexval(hex[0]) << 4 | tu_hexval(hex[1]));
		hex += 2;
	}
	return n;
}

/* Read a fixture file holding one hex string (evmctl output); returns bytes. */
static inline size_t tu_read_hex(const char *path, uint8_t *out, size_t cap)
{
	size_t len;
	uint8_t *t = tu_read(path, &len);
	size_t n = tu_unhex((const char *)t, out, cap);

	free(t);
	assert_true(n > 0);
	return n;
}

/* A fresh private directory under $TMPDIR (or /tmp). Caller frees the string. */
static inline char *tu_mkdtemp(void)
{
	const char *t = getenv("TMPDIR");
	char *p;

	if (!t || !*t)
		t = "/tmp";
	assert_true(asprintf(&p, "%s/imactl-test-XXXXXX", t) > 0);
	assert_non_null(mkdtemp(p));
	return p;
}

static inline int tu_rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

/* rm -rf a temp tree (does not follow symlinks). */
static inline void tu_rmtree(char *dir)
{
	if (!dir)
		return;
	(void)nftw(dir, tu_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* Join into a static rotating buffer (for brevity in tests). */
static inline const char *tu_path(const char *dir, const char *name)
{
	static __thread char buf[8][4096];
	static __thread int slot;
	char *p = buf[slot++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

#endif
