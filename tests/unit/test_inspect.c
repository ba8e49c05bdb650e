/* SPDX-License-Identifier: MIT */
/*
 * lib/inspect.c and lib/explain.c: the lenient value decoder (every type,
 * every malformed shape, agreement with imactl_xattr_decode() on every
 * one-byte mutation), the text forms, and the kernel appraisal causes on real
 * files (user.ima/user.evm), each passing case with its tampered twin.
 * Signatures: evmctl 1.4 over tests/data/evmctl/content.txt with the
 * TEST-ONLY tests/data/keys/rsa2048 key (see tests/data/evmctl/README.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"
#include "imactl/inspect.h"

static uint8_t rsa[300];
static size_t rsa_len;

static void load_rsa(void)
{
	rsa_len = tu_read_hex(tu_data("evmctl/ima_sign-rsa2048-sha256.hex"), rsa, sizeof(rsa));
	assert_int_equal(rsa_len, 265);
}

static void test_decode_types(void **state)
{
	imactl_inspect_value v;
	uint8_t buf[600];
	size_t n;

	(void)state;
	load_rsa();
	assert_int_equal(imactl_inspect_decode(rsa, rsa_len, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_OK);
	assert_int_equal(v.type, 3);
	assert_int_equal(v.version, 2);
	assert_int_equal(v.hash_algo, IMACTL_HASH_SHA256);
	assert_true(v.has_keyid);
	assert_int_equal(v.keyid, 0x6b5fd8aau);
	assert_int_equal(v.sig_size, 256);
	assert_int_equal(v.sig_len, 256);
	assert_ptr_equal(v.sig, rsa + 9);
	assert_string_equal(v.type_name, "digsig");

	/* v1 */
	n = tu_read_hex(tu_data("evmctl/ima_sign-v1-rsa2048-sha256.hex"), buf, sizeof(buf));
	assert_int_equal(imactl_inspect_decode(buf, n, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_OK);
	assert_int_equal(v.version, 1);
	assert_true(v.has_keyid_v1);
	assert_int_equal(v.v1_mpi_bits, 2048);
	assert_int_equal(v.hash_algo, IMACTL_HASH_SHA256);

	/* 0x05 and 0x06 share the v2 header */
	memcpy(buf, rsa, rsa_len);
	buf[0] = 5;
	assert_int_equal(imactl_inspect_decode(buf, rsa_len, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_OK);
	assert_string_equal(v.type_name, "portable-digsig");
	buf[0] = 6;
	buf[1] = 3;
	assert_int_equal(imactl_inspect_decode(buf, rsa_len, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_OK);
	assert_int_equal(v.version, 3);

	/* digests */
	memset(buf, 0xab, sizeof(buf));
	buf[0] = 4;
	buf[1] = IMACTL_HASH_SHA512;
	assert_int_equal(imactl_inspect_decode(buf, 66, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_OK);
	assert_int_equal(v.digest_len, 64);
	buf[0] = 1;
	assert_int_equal(imactl_inspect_decode(buf, 17, &v), 0);
	assert_int_equal(v.hash_algo, IMACTL_HASH_MD5);
	assert_int_equal(v.problem, IMACTL_INSPECT_OK);
	buf[0] = 2;
	assert_int_equal(imactl_inspect_decode(buf, 21, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_OK);
	assert_int_equal(v.hash_algo, IMACTL_HASH_SHA1);
}

static void test_decode_malformed(void **state)
{
	imactl_inspect_value v;
	uint8_t buf[1024];

	(void)state;
	load_rsa();
	/* zero-padded (keylime #1030, rpm #2124) */
	memcpy(buf, rsa, rsa_len);
	memset(buf + rsa_len, 0, 247);
	assert_int_equal(imactl_inspect_decode(buf, rsa_len + 247, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_ZERO_PADDED);
	assert_int_equal(v.problem_offset, 265);
	assert_int_equal(v.expected_len, 265);
	assert_int_equal(v.keyid, 0x6b5fd8aau); /* the header is still shown */
	assert_non_null(strstr(v.msg, "zero-padded"));
	/* trailing non-zero */
	buf[rsa_len + 3] = 1;
	assert_int_equal(imactl_inspect_decode(buf, rsa_len + 247, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_TRAILING);
	/* truncated body and header */
	assert_int_equal(imactl_inspect_decode(rsa, 100, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_TRUNCATED);
	assert_int_equal(v.expected_len, 265);
	assert_int_equal(v.sig_len, 91);
	assert_int_equal(imactl_inspect_decode(rsa, 5, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_TRUNCATED);
	assert_false(v.has_sig_size);
	/* length field 0 */
	memcpy(buf, rsa, rsa_len);
	buf[7] = buf[8] = 0;
	assert_int_equal(imactl_inspect_decode(buf, rsa_len, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_WRONG_LENGTH);
	/* versions */
	memcpy(buf, rsa, rsa_len);
	buf[1] = 3;
	assert_int_equal(imactl_inspect_decode(buf, rsa_len, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_WRONG_VERSION);
	buf[1] = 9;
	assert_int_equal(imactl_inspect_decode(buf, rsa_len, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_UNKNOWN_VERSION);
	/* algorithm */
	memcpy(buf, rsa, rsa_len);
	buf[2] = 0x63;
	assert_int_equal(imactl_inspect_decode(buf, rsa_len, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_UNKNOWN_ALGO);
	assert_int_equal(v.hash_algo_raw, 0x63);
	assert_int_equal(v.hash_algo, -1);
	/* digest-ng too short, unknown type, empty */
	buf[0] = 4;
	buf[1] = IMACTL_HASH_SHA256;
	assert_int_equal(imactl_inspect_decode(buf, 33, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_TRUNCATED);
	assert_int_equal(v.digest_expected, 32);
	buf[0] = 7;
	assert_int_equal(imactl_inspect_decode(buf, 33, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_UNKNOWN_TYPE);
	assert_int_equal(imactl_inspect_decode(buf, 0, &v), 0);
	assert_int_equal(v.problem, IMACTL_INSPECT_EMPTY);
	assert_int_equal(imactl_inspect_decode(NULL, 1, &v), -EINVAL);
	assert_string_equal(imactl_inspect_problem_name(IMACTL_INSPECT_ZERO_PADDED), "zero-padded");
}

/* Every one-byte mutation of a valid value: never crashes, always agrees with the codec. */
static void test_decode_agrees_with_codec(void **state)
{
	uint8_t buf[300];
	imactl_inspect_value v;
	imactl_xattr_view x;

	(void)state;
	load_rsa();
	for (size_t len = 0; len <= rsa_len; len += (len < 20 ? 1 : 61)) {
		for (size_t i = 0; i < 12 && i < len; i++) {
			for (int delta = 1; delta < 256; delta += 37) {
				memcpy(buf, rsa, rsa_len);
				buf[i] = (uint8_t)(buf[i] + delta);
				assert_int_equal(imactl_inspect_decode(buf, len, &v), 0);
				assert_int_equal(v.problem == IMACTL_INSPECT_OK,
						 imactl_xattr_decode(buf, len, &x, NULL) == 0);
				if (v.problem != IMACTL_INSPECT_OK)
					assert_true(v.msg[0] != '\0');
				if (v.sig)
					assert_true(v.sig + v.sig_len <= buf + len);
			}
		}
	}
}

static void test_parse_text(void **state)
{
	uint8_t out[64];
	size_t n = 0;
	imactl_diag d = {0};
	static const uint8_t want[] = {0x04, 0x04, 0xde, 0xad, 0xbe, 0xef};

	(void)state;
	static const char *const ok[] = {
		"0x0404deadbeef",
		"0404deadbeef",
		"0sBATerb7v",
		"BATerb7v",
		"security.ima=0x0404deadbeef",
		"  \"0x0404DEADBEEF\"\n",
		"0x0404 dead\nbeef",
		"user.ima=0sBATerb7v",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		n = 0;
		assert_int_equal(
			imactl_inspect_parse_text(ok[i], strlen(ok[i]), out, sizeof(out), &n, &d),
			0);
		assert_int_equal(n, sizeof(want));
		assert_memory_equal(out, want, n);
	}
	assert_int_equal(imactl_inspect_parse_text("0x04zz", 6, out, sizeof(out), &n, &d),
			 -EBADMSG);
	assert_int_equal(d.offset, 4);
	assert_int_equal(imactl_inspect_parse_text("0x040", 5, out, sizeof(out), &n, &d), -EBADMSG);
	assert_int_equal(imactl_inspect_parse_text("0s!!!!", 6, out, sizeof(out), &n, &d),
			 -EBADMSG);
	assert_int_equal(imactl_inspect_parse_text("0x0404", 6, out, 1, &n, &d), -EMSGSIZE);
	assert_int_equal(imactl_inspect_parse_text("", 0, out, sizeof(out), &n, &d), -EBADMSG);
}

static void test_kernel_hash_algo(void **state)
{
	uint8_t v[40] = {0};

	(void)state;
	load_rsa();
	assert_int_equal(imactl_ima_kernel_hash_algo(rsa, rsa_len, IMACTL_HASH_SHA1),
			 IMACTL_HASH_SHA256);
	assert_int_equal(imactl_ima_kernel_hash_algo(rsa, 9, IMACTL_HASH_SHA1), IMACTL_HASH_SHA1);
	v[0] = 1;
	v[1] = 0xff;
	v[20] = 0x01;
	assert_int_equal(imactl_ima_kernel_hash_algo(v, 21, 4), IMACTL_HASH_SHA1);
	/* ima_get_hash_algo(): 21 bytes with bytes 17..20 zero is md5 in 20 bytes */
	memset(v + 1, 0, 20);
	v[1] = 0xff;
	assert_int_equal(imactl_ima_kernel_hash_algo(v, 21, 4), IMACTL_HASH_MD5);
	v[0] = 4;
	v[1] = 0x60;
	assert_int_equal(imactl_ima_kernel_hash_algo(v, 34, 4), 4);
	assert_int_equal(imactl_ima_kernel_hash_algo(NULL, 0, 7), 7);
}

/* ---- explain: causes on real files ---------------------------------------- */

static imactl_ctx *ctx;
static char *dir;
static imactl_keyring *ring;

static int setup(void **state)
{
	imactl_key *k = NULL;

	(void)state;
	if (imactl_ctx_new(&ctx, NULL) < 0 || imactl_keyring_new(&ring) < 0)
		return -1;
	if (imactl_key_load_public(ctx, tu_data("keys/rsa2048.crt"), &k, NULL) < 0 ||
	    imactl_keyring_add(ring, k) < 0)
		return -1;
	dir = tu_mkdtemp();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	imactl_keyring_free(ring);
	imactl_ctx_free(ctx);
	return 0;
}

/* A copy of content.txt with @ima as user.ima (NULL: none); @tamper flips a byte after. */
static int mkfile(const char *name, const uint8_t *ima, size_t len, int tamper)
{
	size_t n;
	uint8_t *c = tu_read(tu_data("evmctl/content.txt"), &n);
	const char *p = tu_path(dir, name);
	int fd;

	if (tamper)
		c[0] ^= 1;
	tu_write(p, c, n);
	free(c);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	if (ima && fsetxattr(fd, "user.ima", ima, len, 0) < 0)
		skip(); /* no user xattrs on this filesystem */
	return fd;
}

static const char *cause(int fd, unsigned int flags, const imactl_keyring *kr, int *pass)
{
	imactl_explain_opts o = {.flags = flags | IMACTL_EXPLAIN_USER_XATTRS,
				 .default_algo = IMACTL_HASH_SHA256,
				 .keyring = kr};
	imactl_explain_result r;
	imactl_diag d = {0};

	assert_int_equal(imactl_explain_appraise_fd(ctx, fd, &o, &r, &d), 0);
	*pass = r.pass;
	return r.pass ? "pass" : r.cause;
}

static void test_explain_causes(void **state)
{
	uint8_t hash[40];
	size_t hlen = 0;
	int fd, pass;

	(void)state;
	load_rsa();
	/* missing-hash / IMA-signature-required / verity-signature-required */
	fd = mkfile("none", NULL, 0, 0);
	assert_string_equal(cause(fd, 0, NULL, &pass), "missing-hash");
	assert_string_equal(cause(fd, IMACTL_EXPLAIN_DIGSIG_REQUIRED, NULL, &pass),
			    "IMA-signature-required");
	close(fd);

	/* a hash, and its tampered twin */
	fd = mkfile("hashed", NULL, 0, 0);
	assert_int_equal(imactl_ima_hash_fd(ctx, fd, IMACTL_HASH_SHA256, 0, hash, &hlen, NULL), 0);
	close(fd);
	fd = mkfile("hashed", hash, hlen, 0);
	assert_string_equal(cause(fd, 0, NULL, &pass), "pass");
	assert_string_equal(cause(fd, IMACTL_EXPLAIN_DIGSIG_REQUIRED, NULL, &pass),
			    "IMA-signature-required");
	close(fd);
	fd = mkfile("hashed-tampered", hash, hlen, 1);
	assert_string_equal(cause(fd, 0, NULL, &pass), "invalid-hash");
	close(fd);

	/* a signature: right key, no key, tampered content */
	fd = mkfile("signed", rsa, rsa_len, 0);
	assert_string_equal(cause(fd, IMACTL_EXPLAIN_DIGSIG_REQUIRED, ring, &pass), "pass");
	assert_string_equal(cause(fd, 0, NULL, &pass), "invalid-signature");
	assert_string_equal(cause(fd,
				  IMACTL_EXPLAIN_DIGSIG_REQUIRED | IMACTL_EXPLAIN_VERITY_REQUIRED,
				  ring, &pass),
			    "no-verity-digest");
	close(fd);
	fd = mkfile("signed-tampered", rsa, rsa_len, 1);
	assert_string_equal(cause(fd, 0, ring, &pass), "invalid-signature");
	close(fd);

	/* malformed and misplaced values */
	{
		uint8_t v[600];
		memcpy(v, rsa, rsa_len);
		memset(v + rsa_len, 0, 247);
		fd = mkfile("padded", v, rsa_len + 247, 0);
		assert_string_equal(cause(fd, 0, ring, &pass), "invalid-signature");
		close(fd);
		v[1] = 3;
		fd = mkfile("v3-in-03", v, rsa_len, 0);
		assert_string_equal(cause(fd, 0, ring, &pass), "invalid-signature-version");
		close(fd);
		v[0] = 2;
		fd = mkfile("hmac-in-ima", v, 21, 0);
		assert_string_equal(cause(fd, 0, ring, &pass), "unknown-ima-data");
		close(fd);
		memcpy(v, rsa, rsa_len);
		v[0] = 6;
		v[1] = 3;
		fd = mkfile("verity-sig", v, rsa_len, 0);
		assert_string_equal(cause(fd, IMACTL_EXPLAIN_DIGSIG_REQUIRED, ring, &pass),
				    "IMA-signature-required");
		assert_string_equal(cause(fd, 0, ring, &pass), "invalid-verity-signature");
		close(fd);
	}

	/* appraise_algos= */
	{
		imactl_explain_opts o = {.flags = IMACTL_EXPLAIN_USER_XATTRS,
					 .default_algo = IMACTL_HASH_SHA256,
					 .appraise_algos = 1u << IMACTL_HASH_SHA512};
		imactl_explain_result r;
		fd = mkfile("hashed", hash, hlen, 0);
		assert_int_equal(imactl_explain_appraise_fd(ctx, fd, &o, &r, NULL), 0);
		assert_string_equal(r.cause, "denied-hash-algorithm");
		assert_string_equal(r.op, "collect_data");
		o.appraise_algos = 1u << IMACTL_HASH_SHA256;
		assert_int_equal(imactl_explain_appraise_fd(ctx, fd, &o, &r, NULL), 0);
		assert_true(r.pass);
		close(fd);
	}
}

static void test_explain_evm(void **state)
{
	uint8_t hash[40], hmac[21];
	size_t hlen = 0;
	static const uint8_t key[32] = "0123456789abcdef0123456789abcdef";
	imactl_explain_opts o = {.flags = IMACTL_EXPLAIN_USER_XATTRS | IMACTL_EXPLAIN_EVM_ACTIVE,
				 .default_algo = IMACTL_HASH_SHA256,
				 .hmac_key = key,
				 .hmac_key_len = sizeof(key)};
	static const uint8_t uuid[16] = {1, 2, 3};
	imactl_explain_result r;
	imactl_evm_meta *m = NULL;
	imactl_diag d = {0};
	int fd;

	(void)state;
	o.fs_uuid = uuid;
	fd = mkfile("evm", NULL, 0, 0);
	assert_int_equal(imactl_ima_hash_fd(ctx, fd, IMACTL_HASH_SHA256, 0, hash, &hlen, NULL), 0);
	close(fd);
	fd = mkfile("evm", hash, hlen, 0);
	/* no security.evm: missing-HMAC */
	if (imactl_explain_appraise_fd(ctx, fd, &o, &r, &d) == -EOPNOTSUPP)
		skip(); /* no inode generation on this filesystem */
	assert_string_equal(r.cause, "missing-HMAC");
	/* a right HMAC, then the same file after chmod: invalid-HMAC */
	assert_int_equal(
		imactl_evm_meta_from_fd(fd, IMACTL_EVM_USER_IMA | IMACTL_EVM_NO_UUID, &m, &d), 0);
	imactl_evm_meta_set_uuid(m, uuid);
	assert_int_equal(imactl_evm_hmac(ctx, m, IMACTL_EVM_ABI_NATIVE, key, sizeof(key), hmac, &d),
			 0);
	imactl_evm_meta_free(m);
	assert_int_equal(fsetxattr(fd, "user.evm", hmac, sizeof(hmac), 0), 0);
	assert_int_equal(imactl_explain_appraise_fd(ctx, fd, &o, &r, &d), 0);
	assert_true(r.pass);
	assert_int_equal(r.evm_status, IMACTL_EVM_PASS);
	assert_int_equal(fchmod(fd, 0600), 0);
	assert_int_equal(imactl_explain_appraise_fd(ctx, fd, &o, &r, &d), 0);
	assert_string_equal(r.cause, "invalid-HMAC");
	assert_int_equal(r.evm_status, IMACTL_EVM_FAIL);
	assert_string_equal(imactl_evm_status_name(r.evm_status), "fail");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_types),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_agrees_with_codec),
		cmocka_unit_test(test_parse_text),
		cmocka_unit_test(test_kernel_hash_algo),
		cmocka_unit_test(test_explain_causes),
		cmocka_unit_test(test_explain_evm),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
