/* SPDX-License-Identifier: MIT */
/*
 * Signatures: v2/v3/v1 sign and verify round trips with throwaway keys, byte
 * identity with ima-evm-utils evmctl 1.4 for the fixture RSA key
 * (tests/data/evmctl/, recorded by tests/data/gen/record-evmctl.sh), and a
 * tampered twin for every verification.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"
#include "key_internal.h"

#define RSA2048_KEYID 0x6b5fd8aau

static imactl_ctx *ctx;
static char *tmpdir;

/* Throwaway keys generated at test time: private and public halves. */
struct kp {
	const char *name;
	imactl_key *priv;
	imactl_key *pub;
};
static struct kp keys[] = {
	{"rsa1024", NULL, NULL}, {"rsa2048", NULL, NULL}, {"rsa4096", NULL, NULL},
	{"ec-p256", NULL, NULL}, {"ec-p384", NULL, NULL},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static void gen_key(struct kp *k)
{
	EVP_PKEY *pk;
	FILE *f;
	const char *priv = tu_path(tmpdir, k->name);
	char pub[4096];

	if (!strncmp(k->name, "rsa", 3))
		pk = EVP_RSA_gen((unsigned)atoi(k->name + 3));
	else
		pk = EVP_EC_gen(!strcmp(k->name, "ec-p256") ? "P-256" : "P-384");
	assert_non_null(pk);
	f = fopen(priv, "w");
	assert_non_null(f);
	assert_true(PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL));
	fclose(f);
	snprintf(pub, sizeof(pub), "%s.pub", priv);
	f = fopen(pub, "w");
	assert_non_null(f);
	assert_true(PEM_write_PUBKEY(f, pk));
	fclose(f);
	EVP_PKEY_free(pk);
	assert_int_equal(imactl_key_load_private(ctx, priv, NULL, NULL, &k->priv, NULL), 0);
	assert_int_equal(imactl_key_load_public(ctx, pub, &k->pub, NULL), 0);
	assert_int_equal(imactl_key_keyid(k->priv), imactl_key_keyid(k->pub));
}

static int setup(void **state)
{
	(void)state;
	if (imactl_ctx_new(&ctx, NULL) < 0)
		return -1;
	tmpdir = tu_mkdtemp();
	for (size_t i = 0; i < NKEYS; i++)
		gen_key(&keys[i]);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NKEYS; i++) {
		imactl_key_free(keys[i].priv);
		imactl_key_free(keys[i].pub);
	}
	tu_rmtree(tmpdir);
	imactl_ctx_free(ctx);
	return 0;
}

/* A keyring owning a fresh copy of a public key file. */
static imactl_keyring *ring_of(const char *path)
{
	imactl_keyring *kr = NULL;
	imactl_key *k = NULL;

	assert_int_equal(imactl_keyring_new(&kr), 0);
	assert_int_equal(imactl_key_load_public(ctx, path, &k, NULL), 0);
	assert_int_equal(imactl_keyring_add(kr, k), 0);
	return kr;
}

static imactl_keyring *ring_of_kp(const struct kp *k)
{
	char pub[4096];

	snprintf(pub, sizeof(pub), "%s.pub", tu_path(tmpdir, k->name));
	return ring_of(pub);
}

static void digest_of(int algo, const char *msg, uint8_t *out)
{
	assert_int_equal(imactl_hash_buf(ctx, algo, msg, strlen(msg), out, NULL), 0);
}

/* Sign, verify, then the tampered twins: digest byte and signature byte flipped. */
static void round_trip(const struct kp *k, uint8_t type, int algo)
{
	static uint8_t out[IMACTL_XATTR_MAX];
	uint8_t dg[IMACTL_MAX_DIGEST_SIZE];
	size_t len = 0, dl = imactl_hash_size(algo);
	imactl_keyring *kr = ring_of_kp(k);
	const imactl_key *who = NULL;
	imactl_xattr_view v;
	imactl_diag d = {0};
	int r;

	digest_of(algo, "the content", dg);
	r = imactl_sig_sign(ctx, k->priv, type, algo, dg, dl, out, &len, &d);
	if (r < 0)
		fail_msg("%s/%s: sign: %d %s", k->name, imactl_hash_name(algo), r, d.msg);
	assert_int_equal(imactl_xattr_decode(out, len, &v, NULL), 0);
	assert_int_equal(v.type, type);
	assert_int_equal(v.version, type == IMACTL_XATTR_VERITY_DIGSIG ? 3 : 2);
	assert_int_equal(v.hash_algo, algo);
	assert_int_equal(v.keyid, imactl_key_keyid(k->priv));
	r = imactl_sig_verify(ctx, kr, out, len, dg, dl, &who, &d);
	if (r < 0)
		fail_msg("%s/%s: verify: %d %s", k->name, imactl_hash_name(algo), r, d.msg);
	assert_ptr_equal(who, imactl_keyring_get(kr, 0));

	/* (byte 0: ECDSA uses only the leftmost curve-size bits of a longer digest) */
	dg[0] ^= 0x01;
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, dl, NULL, NULL), -EKEYREJECTED);
	dg[0] ^= 0x01;
	out[len - 1] ^= 0x80;
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, dl, NULL, NULL), -EKEYREJECTED);
	out[len - 1] ^= 0x80;
	out[IMACTL_SIG_V2_HDR_LEN + 3] ^= 0x10;
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, dl, NULL, NULL), -EKEYREJECTED);
	out[IMACTL_SIG_V2_HDR_LEN + 3] ^= 0x10;
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, dl, NULL, NULL), 0);
	imactl_keyring_free(kr);
}

static void test_rsa_round_trips(void **state)
{
	static const int algos[] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256, IMACTL_HASH_SHA384,
				    IMACTL_HASH_SHA512};

	(void)state;
	for (size_t i = 0; i < 3; i++)
		for (size_t a = 0; a < 4; a++)
			round_trip(&keys[i], IMACTL_XATTR_DIGSIG, algos[a]);
	/* portable EVM signatures share the v2 format */
	round_trip(&keys[1], IMACTL_XATTR_PORTABLE_DIGSIG, IMACTL_HASH_SHA256);
}

static void test_ecdsa_round_trips(void **state)
{
	static const int algos[] = {IMACTL_HASH_SHA256, IMACTL_HASH_SHA384, IMACTL_HASH_SHA512};

	(void)state;
	for (size_t i = 3; i < 5; i++)
		for (size_t a = 0; a < 3; a++)
			round_trip(&keys[i], IMACTL_XATTR_DIGSIG, algos[a]);
}

/*
 * One key verifying many signatures: the prepared verification contexts it
 * keeps (one per digest, and raw PKCS#1 for v1) must give every verify its
 * own state: digests interleaved, a bad signature between good ones, and the
 * same key used from several threads at once.
 */
struct mixed {
	uint8_t sig[4][IMACTL_XATTR_MAX];
	size_t len[4];
	uint8_t dg[4][IMACTL_MAX_DIGEST_SIZE];
	size_t dl[4];
	imactl_keyring *kr;
	int failures;
};

static void *verify_mixed(void *arg)
{
	struct mixed *m = arg;
	uint8_t bad[IMACTL_MAX_DIGEST_SIZE];

	for (int round = 0; round < 50; round++)
		for (int i = 0; i < 4; i++) {
			if (imactl_sig_verify(ctx, m->kr, m->sig[i], m->len[i], m->dg[i], m->dl[i],
					      NULL, NULL) != 0)
				m->failures++;
			memcpy(bad, m->dg[i], m->dl[i]);
			bad[m->dl[i] - 1] ^= 1;
			if (imactl_sig_verify(ctx, m->kr, m->sig[i], m->len[i], bad, m->dl[i], NULL,
					      NULL) != -EKEYREJECTED)
				m->failures++;
		}
	return NULL;
}

static void test_one_key_many_verifies(void **state)
{
	static struct mixed m[4];
	static const int algos[] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256, IMACTL_HASH_SHA512};
	pthread_t th[4];

	(void)state;
	m[0].kr = ring_of_kp(&keys[1]);
	for (int i = 0; i < 3; i++) {
		m[0].dl[i] = imactl_hash_size(algos[i]);
		digest_of(algos[i], "mixed", m[0].dg[i]);
		m[0].len[i] = sizeof(m[0].sig[i]);
		assert_int_equal(imactl_sig_sign(ctx, keys[1].priv, IMACTL_XATTR_DIGSIG, algos[i],
						 m[0].dg[i], m[0].dl[i], m[0].sig[i], &m[0].len[i],
						 NULL),
				 0);
	}
	m[0].dl[3] = 32;
	digest_of(IMACTL_HASH_SHA256, "v1", m[0].dg[3]);
	m[0].len[3] = sizeof(m[0].sig[3]);
	assert_int_equal(imactl_sig_sign_v1(ctx, keys[1].priv, IMACTL_HASH_SHA256, m[0].dg[3], 32,
					    0, m[0].sig[3], &m[0].len[3], NULL),
			 0);
	verify_mixed(&m[0]);
	assert_int_equal(m[0].failures, 0);
	for (int t = 1; t < 4; t++)
		m[t] = m[0];
	for (int t = 0; t < 4; t++)
		assert_int_equal(pthread_create(&th[t], NULL, verify_mixed, &m[t]), 0);
	for (int t = 0; t < 4; t++) {
		pthread_join(th[t], NULL);
		assert_int_equal(m[t].failures, 0);
	}
	imactl_keyring_free(m[0].kr);
}

static void test_wrong_key(void **state)
{
	static uint8_t out[IMACTL_XATTR_MAX];
	uint8_t dg[32];
	size_t len;
	imactl_keyring *kr;
	imactl_key *other = NULL;
	imactl_diag d = {0};

	(void)state;
	digest_of(IMACTL_HASH_SHA256, "x", dg);
	assert_int_equal(imactl_sig_sign(ctx, keys[1].priv, IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256,
					 dg, 32, out, &len, NULL),
			 0);
	/* A keyring without the signer: -ENOKEY, and the diag names the key id. */
	kr = ring_of_kp(&keys[3]);
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, 32, NULL, &d), -ENOKEY);
	{
		char hex[16];
		snprintf(hex, sizeof(hex), "%08x", imactl_key_keyid(keys[1].priv));
		assert_non_null(strstr(d.msg, hex));
	}
	imactl_keyring_free(kr);

	/* Another RSA key wearing the signer's key id: found, and rejected. */
	assert_int_equal(imactl_keyring_new(&kr), 0);
	assert_int_equal(imactl_key_load_public(ctx, tu_data("keys/rsa2048.crt"), &other, NULL), 0);
	imactl_key_set_keyid(other, imactl_key_keyid(keys[1].priv));
	assert_int_equal(imactl_keyring_add(kr, other), 0);
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, 32, NULL, NULL), -EKEYREJECTED);
	imactl_keyring_free(kr);

	/* An EC key wearing an RSA signer's key id. */
	assert_int_equal(imactl_keyring_new(&kr), 0);
	assert_int_equal(imactl_key_load_public(ctx, tu_data("keys/ec-p256.crt"), &other, NULL), 0);
	imactl_key_set_keyid(other, imactl_key_keyid(keys[1].priv));
	assert_int_equal(imactl_keyring_add(kr, other), 0);
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, 32, NULL, NULL), -EKEYREJECTED);
	imactl_keyring_free(kr);
}

static void test_sign_errors(void **state)
{
	static uint8_t out[IMACTL_XATTR_MAX];
	uint8_t dg[64] = {0};
	size_t len;

	(void)state;
	/* A verification key cannot sign. */
	assert_int_equal(imactl_sig_sign(ctx, keys[1].pub, IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256,
					 dg, 32, out, &len, NULL),
			 -EINVAL);
	/* Digest length must match the algorithm. */
	assert_int_equal(imactl_sig_sign(ctx, keys[1].priv, IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256,
					 dg, 20, out, &len, NULL),
			 -EINVAL);
	assert_int_equal(imactl_sig_sign(ctx, keys[1].priv, IMACTL_XATTR_DIGSIG, IMACTL_HASH_RMD128,
					 dg, 16, out, &len, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(imactl_sig_sign(ctx, keys[1].priv, IMACTL_XATTR_DIGEST_NG,
					 IMACTL_HASH_SHA256, dg, 32, out, &len, NULL),
			 -EINVAL);
}

static void test_verify_errors(void **state)
{
	static uint8_t out[IMACTL_XATTR_MAX];
	uint8_t dg[32];
	size_t len;
	imactl_keyring *kr = ring_of_kp(&keys[1]);

	(void)state;
	digest_of(IMACTL_HASH_SHA256, "x", dg);
	assert_int_equal(imactl_sig_sign(ctx, keys[1].priv, IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256,
					 dg, 32, out, &len, NULL),
			 0);
	/* Malformed values. */
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len - 1, dg, 32, NULL, NULL), -EBADMSG);
	out[len] = 0;
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len + 1, dg, 32, NULL, NULL), -EBADMSG);
	assert_int_equal(imactl_sig_verify(ctx, kr, out, 0, dg, 32, NULL, NULL), -EBADMSG);
	/* Digest of the wrong size for the header's algorithm. */
	assert_true(imactl_sig_verify(ctx, kr, out, len, dg, 20, NULL, NULL) < 0);
	/* A hash value is not a signature. */
	{
		uint8_t h[34] = {0x04, 0x04};
		memcpy(h + 2, dg, 32);
		assert_true(imactl_sig_verify(ctx, kr, h, 34, dg, 32, NULL, NULL) < 0);
	}
	/* Header claims sha1 on a sha256 signature: sizes disagree, or the signature fails. */
	out[2] = IMACTL_HASH_SHA1;
	assert_true(imactl_sig_verify(ctx, kr, out, len, dg, 20, NULL, NULL) < 0);
	imactl_keyring_free(kr);
}

/*
 * Byte identity with evmctl 1.4: RSA PKCS#1 v1.5 is deterministic, so the
 * same key, algorithm and content must give the same bytes.
 */
static void expect_evmctl_identical(const char *keyfile, const char *fixture, int algo,
				    int override, uint32_t keyid)
{
	static uint8_t want[IMACTL_XATTR_MAX], got[IMACTL_XATTR_MAX];
	size_t clen, wlen, glen = 0;
	uint8_t *content = tu_read(tu_data("evmctl/content.txt"), &clen);
	uint8_t dg[IMACTL_MAX_DIGEST_SIZE];
	imactl_key *k = NULL;
	imactl_keyring *kr = ring_of(tu_data("keys/rsa2048.crt"));

	wlen = tu_read_hex(tu_data(fixture), want, sizeof(want));
	assert_int_equal(imactl_key_load_private(ctx, tu_data(keyfile), NULL, NULL, &k, NULL), 0);
	if (override)
		imactl_key_set_keyid(k, keyid);
	assert_int_equal(imactl_hash_buf(ctx, algo, content, clen, dg, NULL), 0);
	assert_int_equal(imactl_sig_sign(ctx, k, IMACTL_XATTR_DIGSIG, algo, dg,
					 imactl_hash_size(algo), got, &glen, NULL),
			 0);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	if (!override && !strcmp(keyfile, "keys/rsa2048.pem")) {
		/* evmctl's value verifies with the certificate; its twin does not. */
		assert_int_equal(imactl_sig_verify(ctx, kr, want, wlen, dg, imactl_hash_size(algo),
						   NULL, NULL),
				 0);
		want[wlen - 5] ^= 0x01;
		assert_int_equal(imactl_sig_verify(ctx, kr, want, wlen, dg, imactl_hash_size(algo),
						   NULL, NULL),
				 -EKEYREJECTED);
	}
	imactl_keyring_free(kr);
	imactl_key_free(k);
	free(content);
}

static void test_evmctl_rsa_identical(void **state)
{
	(void)state;
	expect_evmctl_identical("keys/rsa2048.pem", "evmctl/ima_sign-rsa2048-sha1.hex",
				IMACTL_HASH_SHA1, 0, 0);
	expect_evmctl_identical("keys/rsa2048.pem", "evmctl/ima_sign-rsa2048-sha256.hex",
				IMACTL_HASH_SHA256, 0, 0);
	expect_evmctl_identical("keys/rsa2048.pem", "evmctl/ima_sign-rsa2048-sha384.hex",
				IMACTL_HASH_SHA384, 0, 0);
	expect_evmctl_identical("keys/rsa2048.pem", "evmctl/ima_sign-rsa2048-sha512.hex",
				IMACTL_HASH_SHA512, 0, 0);
	/* the encodings of the same key sign identically */
	expect_evmctl_identical("keys/rsa2048-trad.pem", "evmctl/ima_sign-rsa2048-sha256.hex",
				IMACTL_HASH_SHA256, 0, 0);
	expect_evmctl_identical("keys/rsa2048.der", "evmctl/ima_sign-rsa2048-sha256.hex",
				IMACTL_HASH_SHA256, 0, 0);
	/* evmctl --keyid 0xa1b2c3d4 */
	expect_evmctl_identical("keys/rsa2048.pem",
				"evmctl/ima_sign-rsa2048-keyid-a1b2c3d4-sha256.hex",
				IMACTL_HASH_SHA256, 1, 0xa1b2c3d4);
	/* key id from the certificate appended to the key */
	expect_evmctl_identical("keys/rsa-skid-withcert.pem",
				"evmctl/ima_sign-rsa-skid-withcert-sha256.hex", IMACTL_HASH_SHA256,
				0, 0);
}

/* `sha256sum content.txt | evmctl sign_hash` output: "<hex>  <name> <sig hex>". */
static void test_evmctl_sign_hash_identical(void **state)
{
	static uint8_t want[IMACTL_XATTR_MAX], got[IMACTL_XATTR_MAX];
	size_t tlen, wlen, glen;
	char *text = (char *)tu_read(tu_data("evmctl/sign_hash-rsa2048-sha256.txt"), &tlen);
	char *sig = strrchr(text, ' ');
	uint8_t dg[32];
	imactl_key *k = NULL;

	(void)state;
	assert_non_null(sig);
	assert_int_equal(tu_unhex(text, dg, sizeof(dg)), 32);
	wlen = tu_unhex(sig + 1, want, sizeof(want));
	assert_int_equal(wlen, 9 + 256);
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/rsa2048.pem"), NULL, NULL, &k, NULL), 0);
	assert_int_equal(imactl_sig_sign(ctx, k, IMACTL_XATTR_DIGSIG, IMACTL_HASH_SHA256, dg, 32,
					 got, &glen, NULL),
			 0);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	imactl_key_free(k);
	free(text);
}

/* ECDSA is randomised: verify evmctl's values, and their tampered twins. */
static void test_evmctl_ecdsa_verify(void **state)
{
	static const char *const fx[2][2] = {
		{"evmctl/ima_sign-ec-p256-sha256.hex", "keys/ec-p256.crt"},
		{"evmctl/ima_sign-ec-p384-sha256.hex", "keys/ec-p384.crt"},
	};
	static uint8_t v[IMACTL_XATTR_MAX];
	size_t clen;
	uint8_t *content = tu_read(tu_data("evmctl/content.txt"), &clen);
	uint8_t dg[32];

	(void)state;
	assert_int_equal(imactl_hash_buf(ctx, IMACTL_HASH_SHA256, content, clen, dg, NULL), 0);
	for (int i = 0; i < 2; i++) {
		size_t len = tu_read_hex(tu_data(fx[i][0]), v, sizeof(v));
		imactl_keyring *kr = ring_of(tu_data(fx[i][1]));
		imactl_diag d = {0};
		int r = imactl_sig_verify(ctx, kr, v, len, dg, 32, NULL, &d);
		if (r < 0)
			fail_msg("%s: %d %s", fx[i][0], r, d.msg);
		dg[0] ^= 0x01;
		assert_int_equal(imactl_sig_verify(ctx, kr, v, len, dg, 32, NULL, NULL),
				 -EKEYREJECTED);
		dg[0] ^= 0x01;
		imactl_keyring_free(kr);
	}
	free(content);
}

/* v1: our own round trip, then its tampered twins. */
static void test_v1_round_trip(void **state)
{
	static uint8_t out[IMACTL_XATTR_MAX];
	uint8_t dg[32];
	size_t len = 0;
	imactl_keyring *kr = ring_of_kp(&keys[1]);
	imactl_xattr_view v;
	imactl_diag d = {0};
	int r;

	(void)state;
	digest_of(IMACTL_HASH_SHA256, "v1 content", dg);
	assert_int_equal(imactl_sig_sign_v1(ctx, keys[1].priv, IMACTL_HASH_SHA256, dg, 32,
					    0x12345678, out, &len, NULL),
			 0);
	assert_int_equal(imactl_xattr_decode(out, len, &v, NULL), 0);
	assert_int_equal(v.version, 1);
	assert_int_equal(v.timestamp_v1, 0x12345678);
	r = imactl_sig_verify(ctx, kr, out, len, dg, 32, NULL, &d);
	if (r < 0)
		fail_msg("v1 verify: %d %s", r, d.msg);
	dg[3] ^= 1;
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, 32, NULL, NULL), -EKEYREJECTED);
	dg[3] ^= 1;
	out[len - 1] ^= 1;
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, dg, 32, NULL, NULL), -EKEYREJECTED);
	imactl_keyring_free(kr);
}

static void test_v1_errors(void **state)
{
	static uint8_t out[IMACTL_XATTR_MAX];
	uint8_t dg[64] = {0};
	size_t len;

	(void)state;
	assert_int_equal(imactl_sig_sign_v1(ctx, keys[3].priv, IMACTL_HASH_SHA256, dg, 32, 0, out,
					    &len, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(imactl_sig_sign_v1(ctx, keys[1].priv, IMACTL_HASH_SHA512, dg, 64, 0, out,
					    &len, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(
		imactl_sig_sign_v1(ctx, keys[1].pub, IMACTL_HASH_SHA1, dg, 20, 0, out, &len, NULL),
		-EOPNOTSUPP);
}

/*
 * v1 against evmctl 1.4 --rsa: the kernel (lib/digsig.c digsig_verify()) and
 * evmctl hash the content digest followed by the 16-byte struct
 * signature_hdr.  With the fixture's timestamp our value must be identical,
 * and evmctl's value must verify.
 */
static void test_v1_evmctl(void **state)
{
	static const int algos[2] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256};
	static const char *const fx[2] = {"evmctl/ima_sign-v1-rsa2048-sha1.hex",
					  "evmctl/ima_sign-v1-rsa2048-sha256.hex"};
	static uint8_t want[IMACTL_XATTR_MAX], got[IMACTL_XATTR_MAX];
	size_t clen;
	uint8_t *content = tu_read(tu_data("evmctl/content.txt"), &clen);
	imactl_key *k = NULL;
	imactl_keyring *kr = ring_of(tu_data("keys/rsa2048.crt"));

	(void)state;
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/rsa2048.pem"), NULL, NULL, &k, NULL), 0);
	for (int i = 0; i < 2; i++) {
		uint8_t dg[32];
		size_t dl = imactl_hash_size(algos[i]), wlen, glen = 0;
		uint32_t ts;
		imactl_diag d = {0};
		int r;

		assert_int_equal(imactl_hash_buf(ctx, algos[i], content, clen, dg, NULL), 0);
		wlen = tu_read_hex(tu_data(fx[i]), want, sizeof(want));
		memcpy(&ts, want + 2, 4);
		/* Independent check of the fixture: RSA-recover SHA-1(digest || hdr[16]). */
		{
			const imactl_key *pub = imactl_keyring_get(kr, 0);
			EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pub->pkey, NULL);
			uint8_t sh[20];
			unsigned int shl;
			EVP_MD_CTX *m = EVP_MD_CTX_new();
			assert_true(EVP_DigestInit_ex(m, EVP_sha1(), NULL));
			assert_true(EVP_DigestUpdate(m, dg, dl));
			assert_true(EVP_DigestUpdate(m, want + 1, 16));
			assert_true(EVP_DigestFinal_ex(m, sh, &shl));
			EVP_MD_CTX_free(m);
			assert_int_equal(EVP_PKEY_verify_init(pc), 1);
			assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING), 1);
			assert_int_equal(EVP_PKEY_verify(pc, want + 19, wlen - 19, sh, 20), 1);
			EVP_PKEY_CTX_free(pc);
		}
		r = imactl_sig_verify(ctx, kr, want, wlen, dg, dl, NULL, &d);
		if (r < 0)
			fail_msg("evmctl v1 %s does not verify: %d %s", imactl_hash_name(algos[i]),
				 r, d.msg);
		assert_int_equal(imactl_sig_sign_v1(ctx, k, algos[i], dg, dl, ts, got, &glen, NULL),
				 0);
		assert_int_equal(glen, wlen);
		assert_memory_equal(got, want, wlen);
	}
	imactl_keyring_free(kr);
	imactl_key_free(k);
	free(content);
}

/* sigv3: the signed digest is H(0x06 || algo || digest), computed here independently. */
static void test_v3_file_id_digest(void **state)
{
	static uint8_t out[IMACTL_XATTR_MAX];
	uint8_t content_dg[64], fid[2 + 64], want[64], got[64];
	unsigned int wl;
	size_t len;
	imactl_keyring *kr = ring_of_kp(&keys[1]);

	(void)state;
	digest_of(IMACTL_HASH_SHA256, "verity content", content_dg);
	fid[0] = 0x06;
	fid[1] = IMACTL_HASH_SHA256;
	memcpy(fid + 2, content_dg, 32);
	assert_true(EVP_Digest(fid, 34, want, &wl, EVP_sha256(), NULL));
	assert_int_equal(imactl_sig_file_id_digest(ctx, IMACTL_HASH_SHA256,
						   IMACTL_XATTR_VERITY_DIGSIG, IMACTL_HASH_SHA256,
						   content_dg, got, NULL),
			 0);
	assert_memory_equal(got, want, 32);
	/* Different signature and content algorithms (sha512 content, sha384 signature). */
	digest_of(IMACTL_HASH_SHA512, "verity content", content_dg);
	fid[1] = IMACTL_HASH_SHA512;
	memcpy(fid + 2, content_dg, 64);
	assert_true(EVP_Digest(fid, 66, want, &wl, EVP_sha384(), NULL));
	assert_int_equal(imactl_sig_file_id_digest(ctx, IMACTL_HASH_SHA384,
						   IMACTL_XATTR_VERITY_DIGSIG, IMACTL_HASH_SHA512,
						   content_dg, got, NULL),
			 0);
	assert_memory_equal(got, want, 48);
	assert_int_equal(imactl_sig_file_id_digest(ctx, IMACTL_HASH_SHA256,
						   IMACTL_XATTR_VERITY_DIGSIG, IMACTL_HASH__MAX,
						   content_dg, got, NULL),
			 -EOPNOTSUPP);

	/* Sign the file-id digest as type 0x06 and verify; a wrong file id fails. */
	assert_int_equal(imactl_sig_sign(ctx, keys[1].priv, IMACTL_XATTR_VERITY_DIGSIG,
					 IMACTL_HASH_SHA384, got, 48, out, &len, NULL),
			 0);
	assert_int_equal(out[0], 0x06);
	assert_int_equal(out[1], 0x03);
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, got, 48, NULL, NULL), 0);
	/* The raw content digest is not what a v3 signature signs. */
	assert_int_equal(imactl_sig_verify(ctx, kr, out, len, content_dg, 48, NULL, NULL),
			 -EKEYREJECTED);
	imactl_keyring_free(kr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_round_trips),
		cmocka_unit_test(test_ecdsa_round_trips),
		cmocka_unit_test(test_one_key_many_verifies),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_sign_errors),
		cmocka_unit_test(test_verify_errors),
		cmocka_unit_test(test_evmctl_rsa_identical),
		cmocka_unit_test(test_evmctl_sign_hash_identical),
		cmocka_unit_test(test_evmctl_ecdsa_verify),
		cmocka_unit_test(test_v1_round_trip),
		cmocka_unit_test(test_v1_errors),
		cmocka_unit_test(test_v1_evmctl),
		cmocka_unit_test(test_v3_file_id_digest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
