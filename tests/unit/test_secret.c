/* SPDX-License-Identifier: MIT */
/* Secrets: sources (fd, file, string, memory), newline stripping, the size limit. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"

static void expect_secret(const imactl_secret *s, const void *want, size_t len)
{
	assert_non_null(s);
	assert_int_equal(imactl_secret_len(s), len);
	assert_memory_equal(imactl_secret_data(s), want, len);
}

static imactl_secret *from_pipe(const void *data, size_t len, int strip, int *ret)
{
	imactl_secret *s = NULL;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_true(len <= 65536); /* fits in the pipe buffer */
	assert_int_equal(write(p[1], data, len), (ssize_t)len);
	close(p[1]);
	*ret = imactl_secret_from_fd(p[0], strip, &s, NULL);
	close(p[0]);
	return s;
}

static void test_from_fd(void **state)
{
	imactl_secret *s;
	int r;

	(void)state;
	s = from_pipe("hunter2\n", 8, 1, &r);
	assert_int_equal(r, 0);
	expect_secret(s, "hunter2", 7);
	imactl_secret_free(s);
	/* No stripping: bytes as given. */
	s = from_pipe("hunter2\n", 8, 0, &r);
	assert_int_equal(r, 0);
	expect_secret(s, "hunter2\n", 8);
	imactl_secret_free(s);
	/* Only one newline, CRLF counts as one. */
	s = from_pipe("pw\n\n", 4, 1, &r);
	expect_secret(s, "pw\n", 3);
	imactl_secret_free(s);
	s = from_pipe("pw\r\n", 4, 1, &r);
	expect_secret(s, "pw", 2);
	imactl_secret_free(s);
	s = from_pipe("pw\r", 3, 1, &r);
	expect_secret(s, "pw\r", 3); /* a lone CR is data */
	imactl_secret_free(s);
	/* Binary with NULs is kept intact. */
	s = from_pipe("a\0b\0", 4, 1, &r);
	expect_secret(s, "a\0b\0", 4);
	imactl_secret_free(s);
	/* Empty input. */
	s = from_pipe("", 0, 1, &r);
	assert_int_equal(r, 0);
	assert_int_equal(imactl_secret_len(s), 0);
	imactl_secret_free(s);
	s = from_pipe("\n", 1, 1, &r);
	assert_int_equal(imactl_secret_len(s), 0);
	imactl_secret_free(s);
}

static void test_limit(void **state)
{
	static uint8_t big[IMACTL_SECRET_MAX + 2];
	imactl_secret *s = NULL;
	imactl_diag d = {0};
	int r, p[2];

	(void)state;
	memset(big, 'k', sizeof(big));
	/* Exactly at the limit: accepted. */
	s = from_pipe(big, IMACTL_SECRET_MAX, 0, &r);
	assert_int_equal(r, 0);
	assert_int_equal(imactl_secret_len(s), IMACTL_SECRET_MAX);
	imactl_secret_free(s);
	/* One byte over: rejected, nothing returned. */
	s = NULL;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], big, IMACTL_SECRET_MAX + 1), IMACTL_SECRET_MAX + 1);
	close(p[1]);
	assert_int_equal(imactl_secret_from_fd(p[0], 0, &s, &d), -EMSGSIZE);
	assert_null(s);
	assert_int_equal(d.code, -EMSGSIZE);
	close(p[0]);
	/* At the limit plus a newline that stripping would remove: still too long to read. */
	big[IMACTL_SECRET_MAX] = '\n';
	s = from_pipe(big, IMACTL_SECRET_MAX + 1, 1, &r);
	assert_int_equal(r, -EMSGSIZE);
	assert_null(s);

	/* From a string and from memory. */
	big[IMACTL_SECRET_MAX + 1] = 0;
	assert_int_equal(imactl_secret_from_str((const char *)big, &s), -EMSGSIZE);
	assert_null(s);
	assert_int_equal(imactl_secret_from_mem(big, IMACTL_SECRET_MAX + 1, &s), -EMSGSIZE);
	assert_int_equal(imactl_secret_from_mem(big, IMACTL_SECRET_MAX, &s), 0);
	imactl_secret_free(s);
	/* new(): capacity bounds. */
	assert_int_equal(imactl_secret_new(0, &s), -EMSGSIZE);
	assert_int_equal(imactl_secret_new(IMACTL_SECRET_MAX + 1, &s), -EMSGSIZE);
	assert_int_equal(imactl_secret_new(IMACTL_SECRET_MAX, &s), 0);
	assert_int_equal(imactl_secret_len(s), 0);
	imactl_secret_free(s);
}

static void test_from_file(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_secret *s = NULL;
	imactl_diag d = {0};

	(void)state;
	tu_write(tu_path(dir, "pass"), "file secret\n", 12);
	assert_int_equal(imactl_secret_from_file(tu_path(dir, "pass"), 1, &s, &d), 0);
	expect_secret(s, "file secret", 11);
	imactl_secret_free(s);
	s = NULL;
	assert_int_equal(imactl_secret_from_file(tu_path(dir, "missing"), 1, &s, &d), -ENOENT);
	assert_null(s);
	assert_string_equal(d.file, tu_path(dir, "missing"));
	/* Over the limit from a file: the diag names it. */
	{
		static uint8_t big[IMACTL_SECRET_MAX + 1];
		memset(big, 'x', sizeof(big));
		tu_write(tu_path(dir, "big"), big, sizeof(big));
		memset(&d, 0, sizeof(d));
		assert_int_equal(imactl_secret_from_file(tu_path(dir, "big"), 0, &s, &d),
				 -EMSGSIZE);
		assert_string_equal(d.file, tu_path(dir, "big"));
	}
	/* A directory cannot be read. */
	assert_int_equal(imactl_secret_from_file(dir, 0, &s, &d), -EISDIR);
	tu_rmtree(dir);
}

static void test_from_str_mem(void **state)
{
	imactl_secret *s = NULL;

	(void)state;
	assert_int_equal(imactl_secret_from_str("env secret\n", &s), 0);
	expect_secret(s, "env secret\n", 11); /* strings are taken as they are */
	imactl_secret_free(s);
	assert_int_equal(imactl_secret_from_str("", &s), 0);
	assert_int_equal(imactl_secret_len(s), 0);
	imactl_secret_free(s);
	assert_int_equal(imactl_secret_from_mem((const uint8_t *)"\0\1\2", 3, &s), 0);
	expect_secret(s, "\0\1\2", 3);
	imactl_secret_free(s);
}

static void test_free_null(void **state)
{
	(void)state;
	imactl_secret_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_fd),	  cmocka_unit_test(test_limit),
		cmocka_unit_test(test_from_file), cmocka_unit_test(test_from_str_mem),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
