/* SPDX-License-Identifier: MIT */
/*
 * IMA content operations: security.ima values computed from an fd, and
 * appraisal of hash and signature values against file content, each with a
 * tampered twin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"

#define RSA2048_KEYID 0x6b5fd8aau

static imactl_ctx *ctx;
static char *dir;
static int fd_good, fd_bad; /* content.txt, and a copy with one byte changed */
static imactl_keyring *kr;

static int setup(void **state)
{
	size_t len;
	uint8_t *c;
	imactl_key *k = NULL;

	(void)state;
	if (imactl_ctx_new(&ctx, NULL) < 0)
		return -1;
	dir = tu_mkdtemp();
	c = tu_read(tu_data("evmctl/content.txt"), &len);
	tu_write(tu_path(dir, "good"), c, len);
	c[3] ^= 0x20; /* "imaCtl fixture content\n" */
	tu_write(tu_path(dir, "bad"), c, len);
	free(c);
	fd_good = open(tu_path(dir, "good"), O_RDONLY | O_CLOEXEC);
	fd_bad = open(tu_path(dir, "bad"), O_RDONLY | O_CLOEXEC);
	if (fd_good < 0 || fd_bad < 0)
		return -1;
	if (imactl_keyring_new(&kr) < 0 ||
	    imactl_key_load_public(ctx, tu_data("keys/rsa2048.crt"), &k, NULL) < 0 ||
	    imactl_keyring_add(kr, k) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(fd_good);
	close(fd_bad);
	imactl_keyring_free(kr);
	tu_rmtree(dir);
	imactl_ctx_free(ctx);
	return 0;
}

/* sha1sum / sha256sum / md5sum of tests/data/evmctl/content.txt (coreutils 9.1). */
#define SHA1_HEX   "ba0f2541dca2c9b134d3723a8df642f90fb3c2c9"
#define SHA256_HEX "e1f5b4f132a2d88b8421aa506082f59aa2ba87b3b6493be63023e2a74e9f6ee5"
#define MD5_HEX	   "cbc2e65db3c2233acea4cfe92b315fa5"

static void test_hash_fd(void **state)
{
	uint8_t out[2 + IMACTL_MAX_DIGEST_SIZE], want[2 + IMACTL_MAX_DIGEST_SIZE];
	size_t len = 0;

	(void)state;
	assert_int_equal(imactl_ima_hash_fd(ctx, fd_good, IMACTL_HASH_SHA256, 0, out, &len, NULL),
			 0);
	want[0] = 0x04;
	want[1] = 0x04;
	tu_unhex(SHA256_HEX, want + 2, 32);
	assert_int_equal(len, 34);
	assert_memory_equal(out, want, 34);

	assert_int_equal(imactl_ima_hash_fd(ctx, fd_good, IMACTL_HASH_SHA1, 0, out, &len, NULL), 0);
	want[0] = 0x01;
	tu_unhex(SHA1_HEX, want + 1, 20);
	assert_int_equal(len, 21);
	assert_memory_equal(out, want, 21);

	assert_int_equal(imactl_ima_hash_fd(ctx, fd_good, IMACTL_HASH_MD5, IMACTL_XATTR_LEGACY_MD5,
					    out, &len, NULL),
			 0);
	tu_unhex(MD5_HEX, want + 1, 16);
	assert_int_equal(len, 17);
	assert_memory_equal(out, want, 17);

	assert_int_equal(imactl_ima_hash_fd(ctx, fd_good, IMACTL_HASH_RMD128, 0, out, &len, NULL),
			 -EOPNOTSUPP);
}

static void appraise_hash(const uint8_t *v, size_t len, int algo)
{
	imactl_appraisal a;
	imactl_diag d = {0};

	memset(&a, 0xee, sizeof(a));
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, NULL, v, len, &a, &d), 0);
	assert_int_equal(a.type, v[0]);
	assert_int_equal(a.hash_algo, algo);
	assert_int_equal(a.is_signature, 0);
	assert_int_equal(a.content_match, 1);
	assert_int_equal(a.digest_len, imactl_hash_size(algo));
	assert_null(a.key);
	/* Tampered twin: one byte of content changed. */
	memset(&a, 0xee, sizeof(a));
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_bad, NULL, v, len, &a, &d), -EKEYREJECTED);
	assert_int_equal(a.content_match, 0);
	assert_int_equal(a.hash_algo, algo);
	assert_int_equal(d.code, -EKEYREJECTED);
}

static void test_appraise_hashes(void **state)
{
	uint8_t v[2 + IMACTL_MAX_DIGEST_SIZE];
	size_t len;

	(void)state;
	v[0] = 0x01;
	tu_unhex(SHA1_HEX, v + 1, 20);
	appraise_hash(v, 21, IMACTL_HASH_SHA1);
	v[0] = 0x01;
	tu_unhex(MD5_HEX, v + 1, 16);
	appraise_hash(v, 17, IMACTL_HASH_MD5);
	v[0] = 0x04;
	v[1] = 0x04;
	tu_unhex(SHA256_HEX, v + 2, 32);
	appraise_hash(v, 34, IMACTL_HASH_SHA256);
	/* A value the library computed itself, sha512. */
	assert_int_equal(imactl_ima_hash_fd(ctx, fd_good, IMACTL_HASH_SHA512, 0, v, &len, NULL), 0);
	appraise_hash(v, len, IMACTL_HASH_SHA512);
	/* A wrong stored digest (not wrong content) fails the same way. */
	v[len - 1] ^= 1;
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, NULL, v, len, NULL, NULL),
			 -EKEYREJECTED);
}

static void test_appraise_signed(void **state)
{
	static uint8_t v[IMACTL_XATTR_MAX], want[IMACTL_XATTR_MAX];
	size_t len = 0, wlen;
	imactl_key *k = NULL;
	imactl_keyring *other = NULL;
	imactl_key *ok = NULL;
	imactl_appraisal a;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/rsa2048.pem"), NULL, NULL, &k, NULL), 0);
	assert_int_equal(imactl_ima_sign_fd(ctx, fd_good, k, IMACTL_HASH_SHA256, v, &len, NULL), 0);
	/* Same bytes as `evmctl ima_sign -n` (tests/data/gen/record-evmctl.sh). */
	wlen = tu_read_hex(tu_data("evmctl/ima_sign-rsa2048-sha256.hex"), want, sizeof(want));
	assert_int_equal(len, wlen);
	assert_memory_equal(v, want, wlen);

	memset(&a, 0, sizeof(a));
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, kr, v, len, &a, &d), 0);
	assert_int_equal(a.is_signature, 1);
	assert_int_equal(a.version, 2);
	assert_int_equal(a.keyid, RSA2048_KEYID);
	assert_ptr_equal(a.key, imactl_keyring_get(kr, 0));
	assert_int_equal(a.digest_len, 32);

	/* Tampered content. */
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_bad, kr, v, len, &a, &d), -EKEYREJECTED);
	/* Tampered signature. */
	v[100] ^= 0x04;
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, kr, v, len, NULL, NULL),
			 -EKEYREJECTED);
	v[100] ^= 0x04;
	/* No keyring, and a keyring without the signer: -ENOKEY, details still filled. */
	memset(&a, 0, sizeof(a));
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, NULL, v, len, &a, &d), -ENOKEY);
	assert_int_equal(a.keyid, RSA2048_KEYID);
	assert_int_equal(a.is_signature, 1);
	assert_int_equal(imactl_keyring_new(&other), 0);
	assert_int_equal(imactl_key_load_public(ctx, tu_data("keys/ec-p256.crt"), &ok, NULL), 0);
	assert_int_equal(imactl_keyring_add(other, ok), 0);
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, other, v, len, NULL, &d), -ENOKEY);
	imactl_keyring_free(other);
	imactl_key_free(k);
}

/* ECDSA value made by evmctl, appraised against the content and its twin. */
static void test_appraise_evmctl_ecdsa(void **state)
{
	static uint8_t v[IMACTL_XATTR_MAX];
	size_t len = tu_read_hex(tu_data("evmctl/ima_sign-ec-p256-sha256.hex"), v, sizeof(v));
	imactl_keyring *ring = NULL;
	imactl_key *k = NULL;

	(void)state;
	assert_int_equal(imactl_keyring_new(&ring), 0);
	assert_int_equal(imactl_key_load_public(ctx, tu_data("keys/ec-p256.crt"), &k, NULL), 0);
	assert_int_equal(imactl_keyring_add(ring, k), 0);
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, ring, v, len, NULL, NULL), 0);
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_bad, ring, v, len, NULL, NULL),
			 -EKEYREJECTED);
	imactl_keyring_free(ring);
}

static void test_appraise_not_content(void **state)
{
	static uint8_t v[IMACTL_XATTR_MAX];
	uint8_t hmac[21] = {0x02};
	size_t len;
	imactl_diag d = {0};

	(void)state;
	/* An EVM HMAC does not appraise content. */
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, kr, hmac, 21, NULL, &d), -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "hmac"));
	/* Nor does a portable EVM signature. */
	len = tu_read_hex(tu_data("evmctl/ima_sign-rsa2048-sha256.hex"), v, sizeof(v));
	v[0] = 0x05;
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, kr, v, len, NULL, NULL), -EOPNOTSUPP);
	/* Malformed values. */
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, kr, v, 0, NULL, NULL), -EBADMSG);
	v[0] = 0x03;
	assert_int_equal(imactl_ima_appraise_fd(ctx, fd_good, kr, v, len - 1, NULL, NULL),
			 -EBADMSG);
}

/* A verity signature on a file without fs-verity: a clear error, not a mismatch. */
static void test_verity_on_plain_file(void **state)
{
	static uint8_t v[IMACTL_XATTR_MAX];
	size_t len = tu_read_hex(tu_data("evmctl/ima_sign-rsa2048-sha256.hex"), v, sizeof(v));
	uint8_t dg[IMACTL_MAX_DIGEST_SIZE];
	int algo, r;
	imactl_diag d = {0};

	(void)state;
	r = imactl_verity_digest_fd(fd_good, &algo, dg, &d);
	assert_true(r == -ENODATA || r == -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "fs-verity"));
	v[0] = 0x06;
	v[1] = 0x03;
	memset(&d, 0, sizeof(d));
	r = imactl_ima_appraise_fd(ctx, fd_good, kr, v, len, NULL, &d);
	assert_true(r == -ENODATA || r == -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "fs-verity"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_fd),
		cmocka_unit_test(test_appraise_hashes),
		cmocka_unit_test(test_appraise_signed),
		cmocka_unit_test(test_appraise_evmctl_ecdsa),
		cmocka_unit_test(test_appraise_not_content),
		cmocka_unit_test(test_verity_on_plain_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
