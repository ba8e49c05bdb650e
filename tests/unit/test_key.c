/* SPDX-License-Identifier: MIT */
/*
 * Key loading (private, public, certificates; PEM/DER; encrypted), IMA key
 * ids (v2 from SKID or key hash, v1), and keyrings.
 *
 * Fixture keys: tests/data/keys/ (TEST-ONLY, made by tests/data/gen/make-keys.sh).
 * Expected key ids come from outside libimactl:
 *   - `openssl x509 -in keys/<name>.crt -noout -ext subjectKeyIdentifier`
 *     (OpenSSL 3.0.19; `-addext subjectKeyIdentifier=hash` = SHA-1 of the
 *     public key bits): rsa2048 ...6B:5F:D8:AA, ec-p256 ...CC:90:09:51,
 *     ec-p384 ...BB:18:D4:81, rsa-skid 01:02:03:04:05:06:07:08;
 *   - the headers evmctl 1.4 wrote in tests/data/evmctl/ (record-evmctl.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"
#include "key_internal.h"

#define RSA2048_KEYID 0x6b5fd8aau
#define EC_P256_KEYID 0xcc900951u
#define EC_P384_KEYID 0xbb18d481u
#define PASSPHRASE    "imactl-test-passphrase"

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

static imactl_key *load_priv(const char *rel)
{
	imactl_key *k = NULL;
	imactl_diag d = {0};
	int r = imactl_key_load_private(ctx, tu_data(rel), NULL, NULL, &k, &d);

	if (r < 0)
		fail_msg("loading %s: %d %s", rel, r, d.msg);
	assert_non_null(k);
	return k;
}

static imactl_key *load_pub(const char *rel)
{
	imactl_key *k = NULL;
	imactl_diag d = {0};
	int r = imactl_key_load_public(ctx, tu_data(rel), &k, &d);

	if (r < 0)
		fail_msg("loading %s: %d %s", rel, r, d.msg);
	assert_non_null(k);
	return k;
}

static void test_private_rsa_forms(void **state)
{
	static const char *const forms[] = {"keys/rsa2048.pem", "keys/rsa2048-trad.pem",
					    "keys/rsa2048.der"};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		imactl_key *k = load_priv(forms[i]);
		assert_int_equal(imactl_key_is_private(k), 1);
		assert_int_equal(imactl_key_keyid(k), RSA2048_KEYID);
		assert_string_equal(imactl_key_describe(k, buf, sizeof(buf)), "RSA-2048");
		assert_string_equal(imactl_key_source(k), tu_data(forms[i]));
		/* No certificate came with it. */
		{
			uint32_t id = 0;
			const uint8_t *der;
			size_t dl;
			assert_int_equal(imactl_key_skid_keyid(k, &id), -ENODATA);
			assert_int_equal(imactl_key_der_cert(k, &der, &dl), -ENODATA);
		}
		imactl_key_free(k);
	}
}

static void test_private_ec(void **state)
{
	imactl_key *k;
	char buf[64];

	(void)state;
	k = load_priv("keys/ec-p256.pem");
	assert_int_equal(imactl_key_keyid(k), EC_P256_KEYID);
	assert_true(strncmp(imactl_key_describe(k, buf, sizeof(buf)), "EC-", 3) == 0);
	assert_non_null(strstr(buf, "256"));
	imactl_key_free(k);
	k = load_priv("keys/ec-p384.pem");
	assert_int_equal(imactl_key_keyid(k), EC_P384_KEYID);
	assert_non_null(strstr(imactl_key_describe(k, buf, sizeof(buf)), "384"));
	imactl_key_free(k);
}

struct pass {
	const char *pw;
	int ret; /* returned instead when negative */
	int calls;
};

static int pass_cb(char *buf, size_t cap, void *ud)
{
	struct pass *p = ud;
	size_t n;

	p->calls++;
	if (p->ret < 0)
		return p->ret;
	n = strlen(p->pw);
	assert_true(n <= cap);
	memcpy(buf, p->pw, n);
	return (int)n;
}

static void test_private_encrypted(void **state)
{
	struct pass p = {PASSPHRASE, 0, 0};
	imactl_key *k = NULL;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/rsa2048-enc.pem"), pass_cb, &p, &k, &d),
		0);
	assert_int_equal(p.calls, 1);
	assert_int_equal(imactl_key_keyid(k), RSA2048_KEYID);
	imactl_key_free(k);
	k = NULL;

	p = (struct pass){"wrong-passphrase", 0, 0};
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/rsa2048-enc.pem"), pass_cb, &p, &k, &d),
		-EKEYREJECTED);
	assert_null(k);
	assert_int_equal(p.calls, 1); /* asked once, not in a loop */
	assert_int_equal(d.code, -EKEYREJECTED);

	/* The user has no passphrase. */
	p = (struct pass){NULL, -ECANCELED, 0};
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/rsa2048-enc.pem"), pass_cb, &p, &k, &d),
		-ECANCELED);
	assert_null(k);
}

/* Encrypted key and no passphrase callback at all: -ECANCELED, not "malformed". */
static void test_private_encrypted_no_callback(void **state)
{
	imactl_key *k = NULL;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/rsa2048-enc.pem"), NULL, NULL, &k, &d),
		-ECANCELED);
	assert_null(k);
}

/* The callback is not called for a plain key. */
static void test_private_plain_no_prompt(void **state)
{
	struct pass p = {PASSPHRASE, 0, 0};
	imactl_key *k = NULL;

	(void)state;
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/rsa2048.pem"), pass_cb, &p, &k, NULL),
		0);
	assert_int_equal(p.calls, 0);
	imactl_key_free(k);
}

static void test_private_bad(void **state)
{
	static const char *const bad[] = {"keys/truncated.pem", "keys/garbage.pem",
					  "evmctl/content.txt", "keys/rsa2048.pub.pem"};
	imactl_key *k = NULL;
	imactl_diag d;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(imactl_key_load_private(ctx, tu_data(bad[i]), NULL, NULL, &k, &d),
				 -EBADMSG);
		assert_null(k);
		/* The diagnostic names the file. */
		assert_non_null(strstr(d.msg, tu_data(bad[i])));
	}
	memset(&d, 0, sizeof(d));
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/no-such-key.pem"), NULL, NULL, &k, &d),
		-ENOENT);
	assert_non_null(strstr(d.msg, "no-such-key.pem"));
	/* ed25519 cannot make IMA signatures. */
	assert_int_equal(
		imactl_key_load_private(ctx, tu_data("keys/ed25519.pem"), NULL, NULL, &k, &d),
		-EOPNOTSUPP);
	assert_null(k);
}

static void test_public_forms(void **state)
{
	static const char *const certs[] = {"keys/rsa2048.crt", "keys/rsa2048.crt.der"};
	static const char *const bare[] = {"keys/rsa2048.pub.pem", "keys/rsa2048.pub.der",
					   "keys/rsa2048.pkcs1pub.pem"};
	size_t der_len;
	uint8_t *der = tu_read(tu_data("keys/rsa2048.crt.der"), &der_len);

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		imactl_key *k = load_pub(certs[i]);
		const uint8_t *p;
		size_t n;
		uint32_t id = 0;
		assert_int_equal(imactl_key_is_private(k), 0);
		assert_int_equal(imactl_key_keyid(k), RSA2048_KEYID);
		assert_int_equal(imactl_key_skid_keyid(k, &id), 0);
		assert_int_equal(id, RSA2048_KEYID);
		/* The DER certificate, for kernel keyring import, is the file's. */
		assert_int_equal(imactl_key_der_cert(k, &p, &n), 0);
		assert_int_equal(n, der_len);
		assert_memory_equal(p, der, der_len);
		imactl_key_free(k);
	}
	for (size_t i = 0; i < 3; i++) {
		imactl_key *k = load_pub(bare[i]);
		const uint8_t *p;
		size_t n;
		uint32_t id;
		assert_int_equal(imactl_key_is_private(k), 0);
		assert_int_equal(imactl_key_keyid(k), RSA2048_KEYID);
		assert_int_equal(imactl_key_skid_keyid(k, &id), -ENODATA);
		assert_int_equal(imactl_key_der_cert(k, &p, &n), -ENODATA);
		imactl_key_free(k);
	}
	free(der);
	{
		imactl_key *k = load_pub("keys/ec-p256.crt");
		assert_int_equal(imactl_key_keyid(k), EC_P256_KEYID);
		imactl_key_free(k);
		k = load_pub("keys/ec-p384.crt");
		assert_int_equal(imactl_key_keyid(k), EC_P384_KEYID);
		imactl_key_free(k);
	}
}

static void test_public_bad(void **state)
{
	static const char *const bad[] = {"keys/garbage.pem", "keys/truncated.pem",
					  "evmctl/content.txt"};
	imactl_key *k = NULL;
	imactl_diag d;
	size_t len;
	uint8_t *der;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(imactl_key_load_public(ctx, tu_data(bad[i]), &k, &d), -EBADMSG);
		assert_null(k);
		assert_non_null(strstr(d.msg, tu_data(bad[i])));
		assert_string_equal(d.file, tu_data(bad[i]));
	}
	assert_int_equal(imactl_key_load_public(ctx, tu_data("keys/nope.crt"), &k, &d), -ENOENT);
	/* A directory is not a key. */
	assert_int_equal(imactl_key_load_public(ctx, tu_data("keys"), &k, &d), -EBADMSG);
	/* In memory: empty, truncated DER, DER with trailing garbage. */
	der = tu_read(tu_data("keys/rsa2048.crt.der"), &len);
	assert_int_equal(imactl_key_load_public_mem(ctx, der, 0, &k, &d), -EBADMSG);
	assert_int_equal(imactl_key_load_public_mem(ctx, der, len - 1, &k, &d), -EBADMSG);
	der = realloc(der, len + 1);
	assert_non_null(der);
	der[len] = 0x00;
	assert_int_equal(imactl_key_load_public_mem(ctx, der, len + 1, &k, &d), -EBADMSG);
	assert_null(k);
	free(der);
}

static void test_cert_keyid(void **state)
{
	uint32_t id = 0;
	imactl_diag d = {0};

	(void)state;
	/* `openssl req -addext subjectKeyIdentifier=0102030405060708`: last 4 bytes. */
	assert_int_equal(imactl_cert_keyid(ctx, tu_data("keys/rsa-skid.crt"), &id, &d), 0);
	assert_int_equal(id, 0x05060708);
	assert_int_equal(imactl_cert_keyid(ctx, tu_data("keys/rsa2048.crt"), &id, &d), 0);
	assert_int_equal(id, RSA2048_KEYID);
	assert_int_equal(imactl_cert_keyid(ctx, tu_data("keys/rsa2048.crt.der"), &id, &d), 0);
	assert_int_equal(id, RSA2048_KEYID);
	id = 0x11111111;
	assert_int_equal(imactl_cert_keyid(ctx, tu_data("keys/rsa2048-noskid.crt"), &id, &d),
			 -ENODATA);
	assert_int_equal(id, 0x11111111);
	assert_int_equal(imactl_cert_keyid(ctx, tu_data("keys/rsa2048.pub.pem"), &id, &d),
			 -EBADMSG);
	assert_int_equal(imactl_cert_keyid(ctx, tu_data("keys/missing.crt"), &id, &d), -ENOENT);
	assert_int_equal(imactl_cert_keyid(ctx, tu_data("keys/garbage.pem"), &id, &d), -EBADMSG);
}

/* A certificate without SKID: the key id falls back to the key hash. */
static void test_cert_without_skid(void **state)
{
	imactl_key *k = load_pub("keys/rsa2048-noskid.crt");
	uint32_t id;

	(void)state;
	assert_int_equal(imactl_key_skid_keyid(k, &id), -ENODATA);
	assert_int_equal(imactl_key_keyid(k), RSA2048_KEYID);
	imactl_key_free(k);
}

static void test_custom_skid_keyring(void **state)
{
	imactl_keyring *kr = NULL;
	imactl_key *cert = load_pub("keys/rsa-skid.crt");
	imactl_key *priv = load_priv("keys/rsa-skid.pem");
	uint32_t hash_id = imactl_key_keyid(priv);

	(void)state;
	/* The bare private key has no certificate: hash key id, not the SKID. */
	assert_int_not_equal(hash_id, 0x05060708);
	assert_int_equal(imactl_key_keyid(cert), 0x05060708);
	assert_int_equal(imactl_keyring_new(&kr), 0);
	assert_int_equal(imactl_keyring_add(kr, cert), 0);
	/* The keyring matches the SKID form and the key-hash form. */
	assert_ptr_equal(imactl_keyring_find(kr, 0x05060708), cert);
	assert_ptr_equal(imactl_keyring_find(kr, hash_id), cert);
	assert_null(imactl_keyring_find(kr, RSA2048_KEYID));
	assert_null(imactl_keyring_find(kr, 0x01020304));
	imactl_keyring_free(kr);
	imactl_key_free(priv);
}

/* evmctl takes the key id from a certificate appended to the private key. */
static void test_private_with_cert(void **state)
{
	imactl_key *k = load_priv("keys/rsa-skid-withcert.pem");
	uint32_t id = 0;
	const uint8_t *der;
	size_t dl;

	(void)state;
	assert_int_equal(imactl_key_keyid(k), 0x05060708);
	assert_int_equal(imactl_key_skid_keyid(k, &id), 0);
	assert_int_equal(id, 0x05060708);
	assert_int_equal(imactl_key_der_cert(k, &der, &dl), 0);
	imactl_key_free(k);
}

/* A certificate for another key appended to a private key does not name it. */
static void test_private_with_foreign_cert(void **state)
{
	char *dir = tu_mkdtemp();
	size_t a, b;
	uint8_t *key = tu_read(tu_data("keys/rsa2048.pem"), &a);
	uint8_t *crt = tu_read(tu_data("keys/rsa-skid.crt"), &b);
	uint8_t *both = malloc(a + b);
	imactl_key *k = NULL;
	uint32_t id;

	(void)state;
	memcpy(both, key, a);
	memcpy(both + a, crt, b);
	tu_write(tu_path(dir, "k.pem"), both, a + b);
	assert_int_equal(imactl_key_load_private(ctx, tu_path(dir, "k.pem"), NULL, NULL, &k, NULL),
			 0);
	assert_int_equal(imactl_key_keyid(k), RSA2048_KEYID);
	assert_int_equal(imactl_key_skid_keyid(k, &id), -ENODATA);
	imactl_key_free(k);
	free(key);
	free(crt);
	free(both);
	tu_rmtree(dir);
}

static void test_set_keyid(void **state)
{
	imactl_key *k = load_priv("keys/rsa2048.pem");

	(void)state;
	imactl_key_set_keyid(k, 0xa1b2c3d4);
	assert_int_equal(imactl_key_keyid(k), 0xa1b2c3d4);
	imactl_key_free(k);
}

/* Independent v1 key id: SHA-1 over {1, ts=0 (4), algo=0, nmpi=2, MPI(n), MPI(e)}, bytes 12..19. */
static void keyid_v1_reference(EVP_PKEY *pk, uint8_t out[8])
{
	uint8_t blob[2048], md[20];
	size_t n = 0;
	const char *params[2] = {OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E};
	unsigned int ml;

	blob[n++] = 1;
	memset(blob + n, 0, 4);
	n += 4;
	blob[n++] = 0;
	blob[n++] = 2;
	for (int i = 0; i < 2; i++) {
		BIGNUM *bn = NULL;
		int bits, bytes;
		assert_true(EVP_PKEY_get_bn_param(pk, params[i], &bn));
		bits = BN_num_bits(bn);
		bytes = BN_num_bytes(bn);
		blob[n++] = (uint8_t)(bits >> 8);
		blob[n++] = (uint8_t)bits;
		assert_int_equal(BN_bn2bin(bn, blob + n), bytes);
		n += (size_t)bytes;
		BN_free(bn);
	}
	assert_true(EVP_Digest(blob, n, md, &ml, EVP_sha1(), NULL));
	memcpy(out, md + 12, 8);
}

static void test_keyid_v1(void **state)
{
	imactl_key *k = load_priv("keys/rsa2048.pem");
	imactl_key *pub = load_pub("keys/rsa2048.crt");
	imactl_key *ec = load_priv("keys/ec-p256.pem");
	uint8_t id[8], ref[8], id2[8];
	/* The key id evmctl 1.4 --rsa wrote (tests/data/evmctl/ima_sign-v1-*.hex, bytes 8..15). */
	static const uint8_t evmctl_id[8] = {0x98, 0x90, 0xa9, 0x5a, 0xe2, 0x61, 0xc4, 0x0f};

	(void)state;
	assert_int_equal(imactl_key_keyid_v1(k, id), 0);
	keyid_v1_reference(k->pkey, ref);
	assert_memory_equal(id, ref, 8);
	assert_memory_equal(id, evmctl_id, 8);
	assert_int_equal(imactl_key_keyid_v1(pub, id2), 0);
	assert_memory_equal(id2, id, 8);
	assert_int_equal(imactl_key_keyid_v1(ec, id), -EOPNOTSUPP);
	imactl_key_free(k);
	imactl_key_free(pub);
	imactl_key_free(ec);
}

static void copy_fixture(const char *dir, const char *rel, const char *name)
{
	size_t n;
	uint8_t *b = tu_read(tu_data(rel), &n);

	tu_write(tu_path(dir, name), b, n);
	free(b);
}

static void test_keyring_load_dir(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_keyring *kr = NULL;
	size_t skipped = 99;
	uint8_t v1id[8];
	imactl_diag d = {0};

	(void)state;
	copy_fixture(dir, "keys/rsa2048.crt", "x509_rsa.pem");
	copy_fixture(dir, "keys/ec-p256.crt", "x509_ec.der.pem");
	copy_fixture(dir, "keys/rsa-skid.crt", "skid.crt");
	/* junk: */
	copy_fixture(dir, "keys/garbage.pem", "README");
	tu_write(tu_path(dir, "empty"), "", 0);
	assert_int_equal(mkdir(tu_path(dir, "subdir"), 0755), 0);
	assert_int_equal(symlink("/nonexistent/target", tu_path(dir, "dangling")), 0);
	copy_fixture(dir, "keys/ec-p384.crt", ".hidden.crt"); /* dot files are ignored */

	assert_int_equal(imactl_keyring_new(&kr), 0);
	assert_int_equal(imactl_keyring_load_dir(ctx, kr, dir, &skipped, &d), 3);
	assert_int_equal(skipped, 4);
	assert_int_equal(imactl_keyring_count(kr), 3);
	assert_non_null(imactl_keyring_get(kr, 2));
	assert_null(imactl_keyring_get(kr, 3));
	assert_non_null(imactl_keyring_find(kr, RSA2048_KEYID));
	assert_non_null(imactl_keyring_find(kr, EC_P256_KEYID));
	assert_non_null(imactl_keyring_find(kr, 0x05060708));
	assert_null(imactl_keyring_find(kr, EC_P384_KEYID));
	assert_int_equal(imactl_key_keyid(imactl_keyring_find(kr, EC_P256_KEYID)), EC_P256_KEYID);
	/* v1 lookup */
	assert_int_equal(imactl_key_keyid_v1(imactl_keyring_find(kr, RSA2048_KEYID), v1id), 0);
	assert_ptr_equal(imactl_keyring_find_v1(kr, v1id), imactl_keyring_find(kr, RSA2048_KEYID));
	v1id[0] ^= 1;
	assert_null(imactl_keyring_find_v1(kr, v1id));

	assert_int_equal(imactl_keyring_load_dir(ctx, kr, tu_path(dir, "missing"), NULL, &d),
			 -ENOENT);
	imactl_keyring_free(kr);
	tu_rmtree(dir);
}

static void test_free_null(void **state)
{
	(void)state;
	imactl_key_free(NULL);
	imactl_keyring_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_rsa_forms),
		cmocka_unit_test(test_private_ec),
		cmocka_unit_test(test_private_encrypted),
		cmocka_unit_test(test_private_encrypted_no_callback),
		cmocka_unit_test(test_private_plain_no_prompt),
		cmocka_unit_test(test_private_bad),
		cmocka_unit_test(test_public_forms),
		cmocka_unit_test(test_public_bad),
		cmocka_unit_test(test_cert_keyid),
		cmocka_unit_test(test_cert_without_skid),
		cmocka_unit_test(test_custom_skid_keyring),
		cmocka_unit_test(test_private_with_cert),
		cmocka_unit_test(test_private_with_foreign_cert),
		cmocka_unit_test(test_set_keyid),
		cmocka_unit_test(test_keyid_v1),
		cmocka_unit_test(test_keyring_load_dir),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
