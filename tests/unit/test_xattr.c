/* SPDX-License-Identifier: MIT */
/*
 * security.ima / security.evm codec: every value type, every malformation
 * the decoder must name, the encoders, and the fd helpers (on user.* xattrs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"

#define BIG (IMACTL_XATTR_MAX + 16)

/* A value for which decode must fail; checks code, and that @ret is untouched. */
static void expect_fail(const uint8_t *v, size_t len, int code, imactl_diag *diag)
{
	imactl_xattr_view view, sentinel;

	memset(&view, 0xa5, sizeof(view));
	memcpy(&sentinel, &view, sizeof(view));
	memset(diag, 0, sizeof(*diag));
	assert_int_equal(imactl_xattr_decode(v, len, &view, diag), code);
	assert_int_equal(diag->code, code);
	assert_true(diag->msg[0] != 0);
	assert_memory_equal(&view, &sentinel, sizeof(view));
}

/* The RSA-2048/sha256 v2 signature evmctl 1.4 made (tests/data/gen/record-evmctl.sh). */
static size_t evmctl_v2(uint8_t *out, size_t cap)
{
	return tu_read_hex(tu_data("evmctl/ima_sign-rsa2048-sha256.hex"), out, cap);
}

static void test_digest_sha1(void **state)
{
	uint8_t v[21];
	imactl_xattr_view x;

	(void)state;
	v[0] = 0x01;
	for (int i = 0; i < 20; i++)
		v[1 + i] = (uint8_t)(0xa0 + i);
	assert_int_equal(imactl_xattr_decode(v, sizeof(v), &x, NULL), 0);
	assert_int_equal(x.type, IMACTL_XATTR_DIGEST);
	assert_int_equal(x.version, 0);
	assert_int_equal(x.hash_algo, IMACTL_HASH_SHA1);
	assert_ptr_equal(x.digest, v + 1);
	assert_int_equal(x.digest_len, 20);
	assert_null(x.sig);
}

static void test_digest_md5(void **state)
{
	uint8_t v[17] = {0x01};
	imactl_xattr_view x;

	(void)state;
	/* The kernel infers md5 from a 16-byte legacy digest (ima_get_hash_algo()). */
	assert_int_equal(imactl_xattr_decode(v, sizeof(v), &x, NULL), 0);
	assert_int_equal(x.hash_algo, IMACTL_HASH_MD5);
	assert_int_equal(x.digest_len, 16);
}

static void test_digest_bad_length(void **state)
{
	uint8_t v[33] = {0x01};
	imactl_diag d;

	(void)state;
	expect_fail(v, 33, -EBADMSG, &d); /* a sha256 digest cannot be type 0x01 */
	expect_fail(v, 20, -EBADMSG, &d);
	expect_fail(v, 1, -EBADMSG, &d);
}

static void test_hmac(void **state)
{
	uint8_t v[21] = {0x02, 1, 2, 3};
	imactl_xattr_view x;
	imactl_diag d;

	(void)state;
	assert_int_equal(imactl_xattr_decode(v, sizeof(v), &x, NULL), 0);
	assert_int_equal(x.type, IMACTL_XATTR_HMAC);
	assert_int_equal(x.hash_algo, IMACTL_HASH_SHA1);
	assert_int_equal(x.digest_len, 20);
	assert_ptr_equal(x.digest, v + 1);
	expect_fail(v, 20, -EBADMSG, &d);
	expect_fail(v, 1, -EBADMSG, &d);
}

static void test_sig_v2_evmctl(void **state)
{
	uint8_t v[1024];
	size_t len = evmctl_v2(v, sizeof(v));
	imactl_xattr_view x;

	(void)state;
	assert_int_equal(len, 9 + 256);
	assert_int_equal(imactl_xattr_decode(v, len, &x, NULL), 0);
	assert_int_equal(x.type, IMACTL_XATTR_DIGSIG);
	assert_int_equal(x.version, 2);
	assert_int_equal(x.hash_algo, IMACTL_HASH_SHA256);
	/* Key id of tests/data/keys/rsa2048.pem (the SKID of rsa2048.crt ends 6b:5f:d8:aa). */
	assert_int_equal(x.keyid, 0x6b5fd8aa);
	assert_int_equal(x.sig_len, 256);
	assert_ptr_equal(x.sig, v + 9);
	assert_null(x.digest);
}

/* Header fields are big-endian: distinguishable byte patterns catch a swap. */
static void test_sig_v2_byte_order(void **state)
{
	static uint8_t v[9 + 0x0102];
	imactl_xattr_view x;

	(void)state;
	v[0] = 0x03;
	v[1] = 0x02;
	v[2] = IMACTL_HASH_SHA512;
	v[3] = 0x01;
	v[4] = 0x02;
	v[5] = 0x03;
	v[6] = 0x04;
	v[7] = 0x01; /* sig length 0x0102 = 258; little-endian would read 513 */
	v[8] = 0x02;
	v[9] = 0x77;
	assert_int_equal(imactl_xattr_decode(v, sizeof(v), &x, NULL), 0);
	assert_int_equal(x.keyid, 0x01020304);
	assert_int_equal(x.sig_len, 258);
	assert_int_equal(x.hash_algo, IMACTL_HASH_SHA512);
	assert_int_equal(x.sig[0], 0x77);
}

static void test_sig_v1_evmctl(void **state)
{
	uint8_t v[1024];
	size_t len = tu_read_hex(tu_data("evmctl/ima_sign-v1-rsa2048-sha1.hex"), v, sizeof(v));
	imactl_xattr_view x;
	uint32_t ts;
	/* keyid bytes as evmctl wrote them (record-evmctl.sh, --rsa): offsets 8..15. */
	static const uint8_t keyid[8] = {0x98, 0x90, 0xa9, 0x5a, 0xe2, 0x61, 0xc4, 0x0f};

	(void)state;
	/* evmctl printed "evm/ima signature-v1: 274 bytes" (without the type byte). */
	assert_int_equal(len, 1 + 274);
	assert_int_equal(imactl_xattr_decode(v, len, &x, NULL), 0);
	assert_int_equal(x.type, IMACTL_XATTR_DIGSIG);
	assert_int_equal(x.version, 1);
	assert_int_equal(x.hash_algo, IMACTL_HASH_SHA1);
	assert_memory_equal(x.keyid_v1, keyid, 8);
	memcpy(&ts, v + 2, 4);
	assert_int_equal(x.timestamp_v1, ts);
	assert_int_equal(x.sig_len, 256);
	assert_ptr_equal(x.sig, v + 1 + 16 + 2);

	len = tu_read_hex(tu_data("evmctl/ima_sign-v1-rsa2048-sha256.hex"), v, sizeof(v));
	assert_int_equal(imactl_xattr_decode(v, len, &x, NULL), 0);
	assert_int_equal(x.version, 1);
	assert_int_equal(x.hash_algo, IMACTL_HASH_SHA256);
}

static void test_sig_v1_malformed(void **state)
{
	uint8_t v[1024], t[1024];
	size_t len = tu_read_hex(tu_data("evmctl/ima_sign-v1-rsa2048-sha1.hex"), v, sizeof(v));
	imactl_diag d;

	(void)state;
	expect_fail(v, 17, -EBADMSG, &d); /* header without MPI */
	expect_fail(v, len - 1, -EBADMSG, &d);
	memcpy(t, v, len);
	t[len] = 0;
	expect_fail(t, len + 1, -EBADMSG, &d); /* padded */
	memcpy(t, v, len);
	t[16] = 2; /* nmpi */
	expect_fail(t, len, -EBADMSG, &d);
	memcpy(t, v, len);
	t[7] = 2; /* hash: only 0 (sha1) and 1 (sha256) exist in v1 */
	expect_fail(t, len, -EOPNOTSUPP, &d);
	memcpy(t, v, len);
	t[6] = 1; /* public key algorithm: only RSA (0) */
	expect_fail(t, len, -EOPNOTSUPP, &d);
	memcpy(t, v, len);
	t[17] = 0x09; /* MPI bit count 0x0900: 288 bytes, 256 present */
	expect_fail(t, len, -EBADMSG, &d);
	memcpy(t, v, len);
	t[17] = 0;
	t[18] = 0; /* zero-length MPI */
	expect_fail(t, 19, -EBADMSG, &d);
}

static void test_digest_ng_every_algo(void **state)
{
	uint8_t v[2 + IMACTL_MAX_DIGEST_SIZE + 1];
	imactl_xattr_view x;
	imactl_diag d;

	(void)state;
	for (int a = 0; a < IMACTL_HASH__MAX; a++) {
		size_t sz = imactl_hash_size(a);
		assert_true(sz >= 16 && sz <= IMACTL_MAX_DIGEST_SIZE);
		memset(v, 0x5c, sizeof(v));
		v[0] = 0x04;
		v[1] = (uint8_t)a;
		assert_int_equal(imactl_xattr_decode(v, 2 + sz, &x, NULL), 0);
		assert_int_equal(x.type, IMACTL_XATTR_DIGEST_NG);
		assert_int_equal(x.hash_algo, a);
		assert_int_equal(x.digest_len, sz);
		assert_ptr_equal(x.digest, v + 2);
		/* 0x04 shorter than its algorithm's digest is malformed; longer is
		 * accepted with the extra bytes reported, as the kernel compares only
		 * the digest-size prefix (ima_appraise.c, "xattr length may be longer") */
		expect_fail(v, 2 + sz - 1, -EBADMSG, &d);
		assert_int_equal(imactl_xattr_decode(v, 2 + sz + 1, &x, NULL), 0);
		assert_int_equal(x.digest_len, sz);
		assert_int_equal(x.trailing, 1);
	}
	/* A sha1-sized digest claiming sha256 is caught by its length. */
	v[1] = IMACTL_HASH_SHA256;
	expect_fail(v, 2 + 20, -EBADMSG, &d);
	assert_non_null(strstr(d.msg, "sha256"));
	/* type 0x01 of 21 bytes whose last 4 are zero is an md5 digest in an old
	 * 20-byte field (ima_get_hash_algo()) */
	memset(v, 0x5c, sizeof(v));
	v[0] = 0x01;
	memset(v + 17, 0, 4);
	assert_int_equal(imactl_xattr_decode(v, 21, &x, NULL), 0);
	assert_int_equal(x.hash_algo, IMACTL_HASH_MD5);
	assert_int_equal(x.digest_len, 16);
}

static void test_digest_ng_unknown_algo(void **state)
{
	uint8_t v[2 + 32] = {0x04, IMACTL_HASH__MAX};
	imactl_diag d;

	(void)state;
	expect_fail(v, sizeof(v), -EOPNOTSUPP, &d);
	assert_int_equal(d.has_offset, 1);
	assert_int_equal(d.offset, 1);
	v[1] = 0xff;
	expect_fail(v, sizeof(v), -EOPNOTSUPP, &d);
	expect_fail(v, 1, -EBADMSG, &d); /* no algorithm byte */
}

static void test_portable_v2(void **state)
{
	uint8_t v[1024];
	size_t len = evmctl_v2(v, sizeof(v));
	imactl_xattr_view x;
	imactl_diag d;

	(void)state;
	v[0] = 0x05;
	assert_int_equal(imactl_xattr_decode(v, len, &x, NULL), 0);
	assert_int_equal(x.type, IMACTL_XATTR_PORTABLE_DIGSIG);
	assert_int_equal(x.version, 2);
	assert_int_equal(x.keyid, 0x6b5fd8aa);
	v[1] = 3;
	expect_fail(v, len, -EOPNOTSUPP, &d);
	v[1] = 1;
	expect_fail(v, len, -EOPNOTSUPP, &d);
}

static void test_verity_v3(void **state)
{
	uint8_t v[1024];
	size_t len = evmctl_v2(v, sizeof(v));
	imactl_xattr_view x;
	imactl_diag d;

	(void)state;
	v[0] = 0x06;
	v[1] = 0x03;
	assert_int_equal(imactl_xattr_decode(v, len, &x, NULL), 0);
	assert_int_equal(x.type, IMACTL_XATTR_VERITY_DIGSIG);
	assert_int_equal(x.version, 3);
	assert_int_equal(x.sig_len, 256);
	v[1] = 2;
	expect_fail(v, len, -EOPNOTSUPP, &d);
	assert_int_equal(d.offset, 1);
}

/*
 * The kernel rejects a type 0x03 value whose header says version 3
 * (ima_appraise.c xattr_verify(): "invalid-signature-version"); v3 exists
 * only as type 0x06.  The header documents 0x03 as v2 or v1.
 */
static void test_digsig_v3_rejected(void **state)
{
	uint8_t v[1024];
	size_t len = evmctl_v2(v, sizeof(v));
	imactl_diag d;

	(void)state;
	v[1] = 3;
	expect_fail(v, len, -EOPNOTSUPP, &d);
	v[1] = 4;
	expect_fail(v, len, -EOPNOTSUPP, &d);
	v[1] = 0;
	expect_fail(v, len, -EOPNOTSUPP, &d);
}

static void test_malformed_sig(void **state)
{
	static uint8_t v[2048];
	size_t len = evmctl_v2(v, sizeof(v));
	imactl_diag d;

	(void)state;
	expect_fail(v, 0, -EBADMSG, &d);
	assert_true(d.has_offset);
	assert_int_equal(d.offset, 0);
	expect_fail(v, 1, -EBADMSG, &d);       /* type only */
	expect_fail(v, 5, -EBADMSG, &d);       /* truncated header */
	expect_fail(v, 8, -EBADMSG, &d);       /* one byte short of the header */
	expect_fail(v, 9, -EBADMSG, &d);       /* header, no signature */
	expect_fail(v, len - 1, -EBADMSG, &d); /* length field longer than data */
	assert_non_null(strstr(d.msg, "truncated"));

	/* Zero padding after the signature: the kernel rejects it; say so and where. */
	memset(v + len, 0, 7);
	expect_fail(v, len + 7, -EBADMSG, &d);
	assert_non_null(strstr(d.msg, "zero-padded"));
	assert_true(d.has_offset);
	assert_int_equal(d.offset, 9 + 256);

	/* Non-zero trailing bytes: a different message, same offset. */
	v[len + 3] = 0x42;
	expect_fail(v, len + 7, -EBADMSG, &d);
	assert_null(strstr(d.msg, "zero-padded"));
	assert_true(d.has_offset);
	assert_int_equal(d.offset, 9 + 256);

	/* Length field 0. */
	{
		uint8_t z[16] = {0x03, 0x02, 0x04, 1, 2, 3, 4, 0, 0, 0xaa};
		expect_fail(z, 10, -EBADMSG, &d);
	}
	/* Unknown hash algorithm in the signature header. */
	v[2] = IMACTL_HASH__MAX;
	expect_fail(v, len, -EOPNOTSUPP, &d);
	assert_int_equal(d.offset, 2);
}

static void test_unknown_type(void **state)
{
	uint8_t v[64] = {0};
	imactl_diag d;

	(void)state;
	for (unsigned t = 0; t < 256; t++) {
		if (t >= 0x01 && t <= 0x06)
			continue;
		v[0] = (uint8_t)t;
		expect_fail(v, sizeof(v), -EOPNOTSUPP, &d);
		assert_int_equal(d.offset, 0);
	}
}

static void test_over_limit(void **state)
{
	uint8_t *v = calloc(1, BIG);
	imactl_diag d;

	(void)state;
	assert_non_null(v);
	v[0] = 0x04;
	v[1] = IMACTL_HASH_SHA256;
	expect_fail(v, IMACTL_XATTR_MAX + 1, -EMSGSIZE, &d);
	free(v);
}

static void test_encode_hash(void **state)
{
	uint8_t dg[IMACTL_MAX_DIGEST_SIZE], out[2 + IMACTL_MAX_DIGEST_SIZE];
	size_t len = 0;
	imactl_xattr_view x;

	(void)state;
	for (size_t i = 0; i < sizeof(dg); i++)
		dg[i] = (uint8_t)(i + 1);
	/* sha1 is the only algorithm the kernel writes as 0x01. */
	assert_int_equal(imactl_xattr_encode_hash(IMACTL_HASH_SHA1, dg, 0, out, &len), 0);
	assert_int_equal(len, 21);
	assert_int_equal(out[0], 0x01);
	assert_memory_equal(out + 1, dg, 20);

	assert_int_equal(imactl_xattr_encode_hash(IMACTL_HASH_MD5, dg, 0, out, &len), 0);
	assert_int_equal(len, 18);
	assert_int_equal(out[0], 0x04);
	assert_int_equal(out[1], IMACTL_HASH_MD5);

	assert_int_equal(
		imactl_xattr_encode_hash(IMACTL_HASH_MD5, dg, IMACTL_XATTR_LEGACY_MD5, out, &len),
		0);
	assert_int_equal(len, 17);
	assert_int_equal(out[0], 0x01);
	assert_memory_equal(out + 1, dg, 16);

	/* The legacy flag does not affect other algorithms. */
	assert_int_equal(imactl_xattr_encode_hash(IMACTL_HASH_SHA256, dg, IMACTL_XATTR_LEGACY_MD5,
						  out, &len),
			 0);
	assert_int_equal(len, 34);
	assert_int_equal(out[0], 0x04);
	assert_int_equal(out[1], 0x04);
	assert_memory_equal(out + 2, dg, 32);

	assert_int_equal(imactl_xattr_encode_hash(IMACTL_HASH__MAX, dg, 0, out, &len), -EOPNOTSUPP);
	assert_int_equal(imactl_xattr_encode_hash(-1, dg, 0, out, &len), -EOPNOTSUPP);

	/* Every algorithm round-trips through the decoder. */
	for (int a = 0; a < IMACTL_HASH__MAX; a++) {
		assert_int_equal(imactl_xattr_encode_hash(a, dg, 0, out, &len), 0);
		assert_int_equal(imactl_xattr_decode(out, len, &x, NULL), 0);
		assert_int_equal(x.hash_algo, a);
		assert_int_equal(x.digest_len, imactl_hash_size(a));
		assert_memory_equal(x.digest, dg, x.digest_len);
	}
}

static void test_encode_sig(void **state)
{
	static uint8_t sig[70000], out[70000];
	size_t len = 0;
	imactl_xattr_view x;

	(void)state;
	for (size_t i = 0; i < sizeof(sig); i++)
		sig[i] = (uint8_t)(i * 7);
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256,
						 0xdeadbeef, sig, 0x0123, out, sizeof(out), &len),
			 0);
	assert_int_equal(len, 9 + 0x123);
	{
		static const uint8_t hdr[9] = {0x03, 0x02, 0x04, 0xde, 0xad,
					       0xbe, 0xef, 0x01, 0x23};
		assert_memory_equal(out, hdr, 9);
	}
	assert_memory_equal(out + 9, sig, 0x123);
	assert_int_equal(imactl_xattr_decode(out, len, &x, NULL), 0);
	assert_int_equal(x.keyid, 0xdeadbeef);

	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_PORTABLE_DIGSIG, IMACTL_HASH_SHA1, 1,
						 sig, 64, out, sizeof(out), &len),
			 0);
	assert_int_equal(out[0], 0x05);
	assert_int_equal(out[1], 0x02);
	assert_int_equal(out[2], IMACTL_HASH_SHA1);
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_VERITY_DIGSIG, IMACTL_HASH_SHA512, 1,
						 sig, 64, out, sizeof(out), &len),
			 0);
	assert_int_equal(out[0], 0x06);
	assert_int_equal(out[1], 0x03);
	assert_int_equal(imactl_xattr_decode(out, len, &x, NULL), 0);
	assert_int_equal(x.version, 3);

	/* Limits: empty and over-65535-byte signatures, too small a buffer. */
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256, 1, sig, 0,
						 out, sizeof(out), &len),
			 -EMSGSIZE);
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256, 1, sig,
						 65536, out, sizeof(out), &len),
			 -EMSGSIZE);
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256, 1, sig,
						 65535, out, sizeof(out), &len),
			 0);
	assert_int_equal(len, 9 + 65535);
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256, 1, sig,
						 256, out, 9 + 255, &len),
			 -EMSGSIZE);
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256, 1, sig,
						 256, out, 9 + 256, &len),
			 0);
	/* Bad type and algorithm. */
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_DIGEST_NG, IMACTL_HASH_SHA256, 1, sig,
						 256, out, sizeof(out), &len),
			 -EINVAL);
	assert_int_equal(imactl_xattr_encode_sig(IMACTL_XATTR_DIGSIG, IMACTL_HASH__MAX, 1, sig, 256,
						 out, sizeof(out), &len),
			 -EOPNOTSUPP);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(imactl_xattr_type_name(0x01), "digest");
	assert_string_equal(imactl_xattr_type_name(0x02), "hmac");
	assert_string_equal(imactl_xattr_type_name(0x03), "digsig");
	assert_string_equal(imactl_xattr_type_name(0x04), "digest-ng");
	assert_string_equal(imactl_xattr_type_name(0x05), "portable-digsig");
	assert_string_equal(imactl_xattr_type_name(0x06), "verity-digsig");
	assert_string_equal(imactl_xattr_type_name(0x07), "unknown");
}

static void test_fd_io(void **state)
{
	char *dir = tu_mkdtemp();
	static uint8_t buf[IMACTL_XATTR_MAX];
	static const uint8_t val[] = {0x04, 0x04, 1, 2, 3};
	int fd, r;

	(void)state;
	tu_write(tu_path(dir, "f"), "x", 1);
	fd = open(tu_path(dir, "f"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(imactl_xattr_get(fd, "user.ima", buf, sizeof(buf)), -ENODATA);
	r = imactl_xattr_set(fd, "user.ima", val, sizeof(val));
	if (r == -EOPNOTSUPP) {
		close(fd);
		tu_rmtree(dir);
		skip(); /* filesystem without user xattrs */
	}
	assert_int_equal(r, 0);
	assert_int_equal(imactl_xattr_get(fd, "user.ima", buf, sizeof(buf)), sizeof(val));
	assert_memory_equal(buf, val, sizeof(val));
	/* Replace. */
	assert_int_equal(imactl_xattr_set(fd, "user.ima", val, 2), 0);
	assert_int_equal(imactl_xattr_get(fd, "user.ima", buf, sizeof(buf)), 2);
	/* Buffer too small. */
	assert_int_equal(imactl_xattr_get(fd, "user.ima", buf, 1), -ERANGE);
	assert_int_equal(imactl_xattr_remove(fd, "user.ima"), 0);
	assert_int_equal(imactl_xattr_get(fd, "user.ima", buf, sizeof(buf)), -ENODATA);
	/* Removing an absent xattr is not an error. */
	assert_int_equal(imactl_xattr_remove(fd, "user.ima"), 0);
	close(fd);
	assert_int_equal(imactl_xattr_get(fd, "user.ima", buf, sizeof(buf)), -EBADF);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_sha1),
		cmocka_unit_test(test_digest_md5),
		cmocka_unit_test(test_digest_bad_length),
		cmocka_unit_test(test_hmac),
		cmocka_unit_test(test_sig_v2_evmctl),
		cmocka_unit_test(test_sig_v2_byte_order),
		cmocka_unit_test(test_sig_v1_evmctl),
		cmocka_unit_test(test_sig_v1_malformed),
		cmocka_unit_test(test_digest_ng_every_algo),
		cmocka_unit_test(test_digest_ng_unknown_algo),
		cmocka_unit_test(test_portable_v2),
		cmocka_unit_test(test_verity_v3),
		cmocka_unit_test(test_digsig_v3_rejected),
		cmocka_unit_test(test_malformed_sig),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_over_limit),
		cmocka_unit_test(test_encode_hash),
		cmocka_unit_test(test_encode_sig),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_fd_io),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
