/* SPDX-License-Identifier: MIT */
/*
 * Hash algorithm table (kernel ids, names, sizes, TPM ids) and content
 * hashing from an fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"

static imactl_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return imactl_ctx_new(&ctx, NULL);
}

static int teardown(void **state)
{
	(void)state;
	imactl_ctx_free(ctx);
	return 0;
}

/*
 * Expected values, typed in from the kernel, not from hash_algo.def:
 * include/uapi/linux/hash_info.h (enum hash_algo), crypto/hash_info.c
 * (hash_algo_name[], hash_digest_size[]) and the TCG Algorithm Registry
 * (TPM_ALG_ID) as used by include/linux/tpm.h.
 */
static const struct {
	int id;
	const char *name;
	size_t size;
	uint16_t tpm;
} kernel_algos[] = {
	{0, "md4", 16, 0},
	{1, "md5", 16, 0},
	{2, "sha1", 20, 0x0004},
	{3, "rmd160", 20, 0},
	{4, "sha256", 32, 0x000b},
	{5, "sha384", 48, 0x000c},
	{6, "sha512", 64, 0x000d},
	{7, "sha224", 28, 0},
	{8, "rmd128", 16, 0},
	{9, "rmd256", 32, 0},
	{10, "rmd320", 40, 0},
	{11, "wp256", 32, 0},
	{12, "wp384", 48, 0},
	{13, "wp512", 64, 0},
	{14, "tgr128", 16, 0},
	{15, "tgr160", 20, 0},
	{16, "tgr192", 24, 0},
	{17, "sm3", 32, 0x0012},
	{18, "streebog256", 32, 0},
	{19, "streebog512", 64, 0},
	{20, "sha3-256", 32, 0x0027},
	{21, "sha3-384", 48, 0x0028},
	{22, "sha3-512", 64, 0x0029},
};

static void test_table_matches_kernel(void **state)
{
	(void)state;
	assert_int_equal(IMACTL_HASH__MAX, 23);
	for (size_t i = 0; i < sizeof(kernel_algos) / sizeof(kernel_algos[0]); i++) {
		int id = kernel_algos[i].id;
		assert_non_null(imactl_hash_name(id));
		assert_string_equal(imactl_hash_name(id), kernel_algos[i].name);
		assert_int_equal(imactl_hash_size(id), kernel_algos[i].size);
		assert_int_equal(imactl_hash_from_name(kernel_algos[i].name), id);
		assert_int_equal(imactl_hash_tpm_alg(id), kernel_algos[i].tpm);
		if (kernel_algos[i].tpm)
			assert_int_equal(imactl_hash_from_tpm_alg(kernel_algos[i].tpm), id);
	}
	/* The enum constants are the kernel ids. */
	assert_int_equal(IMACTL_HASH_MD5, 1);
	assert_int_equal(IMACTL_HASH_SHA1, 2);
	assert_int_equal(IMACTL_HASH_SHA256, 4);
	assert_int_equal(IMACTL_HASH_SHA384, 5);
	assert_int_equal(IMACTL_HASH_SHA512, 6);
	assert_int_equal(IMACTL_HASH_SHA224, 7);
	assert_int_equal(IMACTL_HASH_SM3_256, 17);
	assert_int_equal(IMACTL_HASH_STREEBOG_256, 18);
	assert_int_equal(IMACTL_HASH_SHA3_256, 20);
}

static void test_names(void **state)
{
	(void)state;
	/* OpenSSL spellings are accepted too. */
	assert_int_equal(imactl_hash_from_name("SHA256"), IMACTL_HASH_SHA256);
	assert_int_equal(imactl_hash_from_name("SHA3-256"), IMACTL_HASH_SHA3_256);
	assert_int_equal(imactl_hash_from_name("sha-256"), -EOPNOTSUPP);
	assert_int_equal(imactl_hash_from_name(""), -EOPNOTSUPP);
	assert_int_equal(imactl_hash_from_name("sha257"), -EOPNOTSUPP);
	assert_int_equal(imactl_hash_from_name(NULL), -EOPNOTSUPP);
	assert_null(imactl_hash_name(-1));
	assert_null(imactl_hash_name(IMACTL_HASH__MAX));
	assert_null(imactl_hash_name(255));
	assert_int_equal(imactl_hash_size(-1), 0);
	assert_int_equal(imactl_hash_size(IMACTL_HASH__MAX), 0);
	assert_int_equal(imactl_hash_tpm_alg(IMACTL_HASH__MAX), 0);
}

static void test_tpm_ids(void **state)
{
	(void)state;
	assert_int_equal(imactl_hash_from_tpm_alg(0x000b), IMACTL_HASH_SHA256);
	assert_int_equal(imactl_hash_from_tpm_alg(0x0004), IMACTL_HASH_SHA1);
	assert_int_equal(imactl_hash_from_tpm_alg(0x0012), IMACTL_HASH_SM3_256);
	/* TPM_ALG_RSA (0x0001) is not a hash; 0 is TPM_ALG_ERROR. */
	assert_int_equal(imactl_hash_from_tpm_alg(0x0001), -EOPNOTSUPP);
	assert_int_equal(imactl_hash_from_tpm_alg(0), -EOPNOTSUPP);
	assert_int_equal(imactl_hash_from_tpm_alg(0xffff), -EOPNOTSUPP);
}

static void test_available(void **state)
{
	(void)state;
	assert_int_equal(imactl_hash_available(ctx, IMACTL_HASH_SHA256), 1);
	assert_int_equal(imactl_hash_available(ctx, IMACTL_HASH_SHA1), 1);
	/* No OpenSSL implementation exists for rmd128 / tgr192. */
	assert_int_equal(imactl_hash_available(ctx, IMACTL_HASH_RMD128), 0);
	assert_int_equal(imactl_hash_available(ctx, IMACTL_HASH_TGR192), 0);
	assert_int_equal(imactl_hash_available(ctx, -1), 0);
	assert_int_equal(imactl_hash_available(ctx, IMACTL_HASH__MAX), 0);
}

static void expect_hex(const uint8_t *got, size_t len, const char *hex)
{
	uint8_t want[IMACTL_MAX_DIGEST_SIZE];

	assert_int_equal(tu_unhex(hex, want, sizeof(want)), len);
	assert_memory_equal(got, want, len);
}

static void test_hash_buf_kat(void **state)
{
	uint8_t d[IMACTL_MAX_DIGEST_SIZE];
	imactl_diag diag = {0};

	(void)state;
	/* FIPS 180-2 Appendix B.1 ("abc") and the well-known empty-string digest. */
	assert_int_equal(imactl_hash_buf(ctx, IMACTL_HASH_SHA256, "abc", 3, d, NULL), 0);
	expect_hex(d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(imactl_hash_buf(ctx, IMACTL_HASH_SHA256, "", 0, d, NULL), 0);
	expect_hex(d, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(imactl_hash_buf(ctx, IMACTL_HASH_RMD128, "abc", 3, d, &diag), -EOPNOTSUPP);
	assert_int_equal(diag.code, -EOPNOTSUPP);
	assert_non_null(strstr(diag.msg, "rmd128"));
}

static int open_fixture(void)
{
	int fd = open(tu_data("evmctl/content.txt"), O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/*
 * Known answers for tests/data/evmctl/content.txt ("imactl fixture content\n"),
 * produced with GNU coreutils 9.1 md5sum/sha1sum/sha224sum/sha256sum/
 * sha384sum/sha512sum, and `openssl dgst -sm3` / `openssl dgst -sha3-256`
 * (OpenSSL 3.0.19), Debian bookworm x86_64.
 */
static const struct {
	int algo;
	const char *hex;
} content_kat[] = {
	{IMACTL_HASH_MD5, "cbc2e65db3c2233acea4cfe92b315fa5"},
	{IMACTL_HASH_SHA1, "ba0f2541dca2c9b134d3723a8df642f90fb3c2c9"},
	{IMACTL_HASH_SHA224, "4d611e747ab372bfd6fa99caf17f142bb9567a612e30430db584efff"},
	{IMACTL_HASH_SHA256, "e1f5b4f132a2d88b8421aa506082f59aa2ba87b3b6493be63023e2a74e9f6ee5"},
	{IMACTL_HASH_SHA384, "d356741aa1b6804bf067b6aea5f356429d8463769c47503175811d1cae3f9a0f"
			     "6c5c464a50a9c41992a1846540e16628"},
	{IMACTL_HASH_SHA512, "4d9360e7c1859b5aa523988eb3c73b092ba475df6ce2980d1ee15388bee7d54a"
			     "12eedc78cbd68a85f2aa8e5d9767dc0404c0f0589d0213c1859e13c05e8efa52"},
	{IMACTL_HASH_SHA3_256, "38ad4b8d8de3e7e48c894498f16453ac740f6f7c8c43b891a45271b0373e45a2"},
};

static void test_hash_fd_kat(void **state)
{
	uint8_t d[IMACTL_MAX_DIGEST_SIZE];
	int fd = open_fixture();

	(void)state;
	for (size_t i = 0; i < sizeof(content_kat) / sizeof(content_kat[0]); i++) {
		memset(d, 0, sizeof(d));
		assert_int_equal(imactl_hash_fd(ctx, content_kat[i].algo, fd, d, NULL), 0);
		expect_hex(d, imactl_hash_size(content_kat[i].algo), content_kat[i].hex);
	}
	close(fd);
}

static void test_hash_fd_sm3(void **state)
{
	uint8_t d[IMACTL_MAX_DIGEST_SIZE];
	int fd;

	(void)state;
	if (!imactl_hash_available(ctx, IMACTL_HASH_SM3_256))
		skip(); /* OpenSSL built without SM3 */
	fd = open_fixture();
	/* `openssl dgst -sm3 tests/data/evmctl/content.txt`, OpenSSL 3.0.19. */
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SM3_256, fd, d, NULL), 0);
	expect_hex(d, 32, "1c1aa6702998e9b4cf1349b211176dc33f3ce45c003d033e7ed8776984bee6ab");
	close(fd);
}

/* The fd's file position is irrelevant: hashing starts at offset 0. */
static void test_hash_fd_ignores_position(void **state)
{
	uint8_t d[32];
	int fd = open_fixture();

	(void)state;
	assert_true(lseek(fd, 0, SEEK_END) > 0);
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA256, fd, d, NULL), 0);
	expect_hex(d, 32, "e1f5b4f132a2d88b8421aa506082f59aa2ba87b3b6493be63023e2a74e9f6ee5");
	close(fd);
}

static void test_hash_fd_empty(void **state)
{
	char *dir = tu_mkdtemp();
	uint8_t d[20];
	int fd;

	(void)state;
	tu_write(tu_path(dir, "empty"), "", 0);
	fd = open(tu_path(dir, "empty"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	/* sha1sum </dev/null (coreutils 9.1). */
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA1, fd, d, NULL), 0);
	expect_hex(d, 20, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	close(fd);
	tu_rmtree(dir);
}

/* Larger than the 1 MiB read buffer, not a multiple of it: several reads. */
static void test_hash_fd_large(void **state)
{
	const size_t len = 3 * 1024 * 1024 + 17;
	char *dir = tu_mkdtemp();
	uint8_t *buf = malloc(len);
	uint8_t got[64], want[64];
	unsigned int wl;
	int fd;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 31 + (i >> 12));
	tu_write(tu_path(dir, "big"), buf, len);
	fd = open(tu_path(dir, "big"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	/* Reference: OpenSSL's one-shot digest over the whole buffer. */
	assert_true(EVP_Digest(buf, len, want, &wl, EVP_sha512(), NULL));
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA512, fd, got, NULL), 0);
	assert_memory_equal(got, want, 64);
	/* And a one-byte change anywhere (here: in the last chunk) changes it. */
	buf[len - 1] ^= 1;
	assert_true(EVP_Digest(buf, len, want, &wl, EVP_sha512(), NULL));
	assert_memory_not_equal(got, want, 64);
	close(fd);
	free(buf);
	tu_rmtree(dir);
}

/* A pipe has no size: read to EOF. */
static void test_hash_fd_pipe(void **state)
{
	static const char content[] = "imactl fixture content\n";
	uint8_t d[32];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], content, strlen(content)), (ssize_t)strlen(content));
	close(p[1]);
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA256, p[0], d, NULL), 0);
	/* Same content as tests/data/evmctl/content.txt: sha256sum (coreutils 9.1). */
	expect_hex(d, 32, "e1f5b4f132a2d88b8421aa506082f59aa2ba87b3b6493be63023e2a74e9f6ee5");
	close(p[0]);
}

static void test_hash_fd_directory(void **state)
{
	imactl_diag diag = {0};
	uint8_t d[32];
	int fd = open(tu_data("keys"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA256, fd, d, &diag), -EISDIR);
	assert_int_equal(diag.code, -EISDIR);
	close(fd);
}

static void test_hash_fd_bad_fd(void **state)
{
	uint8_t d[32];

	(void)state;
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA256, -1, d, NULL), -EBADF);
}

static void test_hash_fd_unavailable(void **state)
{
	imactl_diag diag = {0};
	uint8_t d[64];
	int fd = open_fixture();

	(void)state;
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_TGR192, fd, d, &diag), -EOPNOTSUPP);
	assert_non_null(strstr(diag.msg, "tgr192"));
	assert_int_equal(imactl_hash_fd(ctx, 99, fd, d, NULL), -EOPNOTSUPP);
	close(fd);
}

/*
 * The grew/shrank checks, made deterministic with pseudo-files whose fstat()
 * size is not their content length: procfs files are regular with st_size 0
 * but have content ("grew"); sysfs attributes are regular with st_size 4096
 * but hold a few bytes ("short read").  Writing a racing truncation would be
 * flaky, so these kernel behaviours stand in for a file changing underneath.
 */
static void test_hash_fd_file_grew(void **state)
{
	imactl_diag diag = {0};
	struct stat st;
	uint8_t d[32];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	(void)state;
	if (fd < 0)
		skip(); /* no procfs */
	assert_int_equal(fstat(fd, &st), 0);
	if (!S_ISREG(st.st_mode) || st.st_size != 0) {
		close(fd);
		skip();
	}
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA256, fd, d, &diag), -EIO);
	assert_non_null(strstr(diag.msg, "grew"));
	close(fd);
}

static void test_hash_fd_short_read(void **state)
{
	static const char *const candidates[] = {
		"/sys/kernel/mm/transparent_hugepage/enabled",
		"/sys/devices/system/cpu/online",
		"/sys/kernel/profiling",
	};
	imactl_diag diag = {0};
	struct stat st;
	uint8_t d[32];
	int fd = -1;

	(void)state;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]) && fd < 0; i++) {
		fd = open(candidates[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != 4096)) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		skip(); /* no sysfs */
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA256, fd, d, &diag), -EIO);
	assert_non_null(strstr(diag.msg, "short read"));
	close(fd);
}

/* The caller's size: the same digest; a size the file no longer has is -EIO. */
static void test_hash_fd_size(void **state)
{
	const size_t len = 2 * 1024 * 1024 + 5;
	char *dir = tu_mkdtemp();
	uint8_t *buf = malloc(len);
	uint8_t got[32], want[32];
	imactl_diag diag = {0};
	int fd;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 9));
	tu_write(tu_path(dir, "f"), buf, len);
	fd = open(tu_path(dir, "f"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(imactl_hash_fd(ctx, IMACTL_HASH_SHA256, fd, want, NULL), 0);
	assert_int_equal(imactl_hash_fd_size(ctx, IMACTL_HASH_SHA256, fd, (int64_t)len, got, NULL),
			 0);
	assert_memory_equal(got, want, 32);
	/* -1: unknown, the library fstat()s */
	assert_int_equal(imactl_hash_fd_size(ctx, IMACTL_HASH_SHA256, fd, -1, got, NULL), 0);
	assert_memory_equal(got, want, 32);
	/* the file is longer than the caller saw: grew while hashed */
	assert_int_equal(
		imactl_hash_fd_size(ctx, IMACTL_HASH_SHA256, fd, (int64_t)len - 1, got, &diag),
		-EIO);
	assert_non_null(strstr(diag.msg, "grew"));
	/* shorter than the caller saw: a short read, never a short digest */
	assert_int_equal(
		imactl_hash_fd_size(ctx, IMACTL_HASH_SHA256, fd, (int64_t)len + 4096, got, &diag),
		-EIO);
	assert_non_null(strstr(diag.msg, "short read"));
	close(fd);
	free(buf);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_kernel),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tpm_ids),
		cmocka_unit_test(test_available),
		cmocka_unit_test(test_hash_buf_kat),
		cmocka_unit_test(test_hash_fd_kat),
		cmocka_unit_test(test_hash_fd_sm3),
		cmocka_unit_test(test_hash_fd_ignores_position),
		cmocka_unit_test(test_hash_fd_empty),
		cmocka_unit_test(test_hash_fd_large),
		cmocka_unit_test(test_hash_fd_pipe),
		cmocka_unit_test(test_hash_fd_directory),
		cmocka_unit_test(test_hash_fd_bad_fd),
		cmocka_unit_test(test_hash_fd_unavailable),
		cmocka_unit_test(test_hash_fd_file_grew),
		cmocka_unit_test(test_hash_fd_short_read),
		cmocka_unit_test(test_hash_fd_size),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
