/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "diag.h"
#include "imactl/evm.h"
#include "imactl/secret.h"
#include "util/cleanup.h"
#include "util/hex.h"

#define IV_LEN	  16
#define HMAC_LEN  32
#define MAX_PLAIN 128 /* ENCRYPTED_MAX_DATA_SIZE for the EVM key's purpose */

/* get_derived_key(): SHA-256 over "ENC_KEY\0"/"AUTH_KEY\0" ‖ kmk, buffer >= 32 bytes. */
static int derive(const char *label, const uint8_t *kmk, size_t kmk_len, uint8_t out[32])
{
	size_t len = strlen("AUTH_KEY") + 1 + kmk_len;
	uint8_t *buf;
	int ok;

	if (len < 32)
		len = 32;
	buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, label, strlen(label));
	memcpy(buf + strlen(label) + 1, kmk, kmk_len);
	ok = EVP_Digest(buf, len, out, NULL, EVP_sha256(), NULL);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return ok ? 0 : -ENOMEM;
}

static int hmac_sha256(const uint8_t *key, const uint8_t *data, size_t len, uint8_t out[32])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t n = 0;
	int ok = c && EVP_MAC_init(c, key, 32, params) && EVP_MAC_update(c, data, len) &&
		 EVP_MAC_final(c, out, &n, 32);

	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return ok && n == 32 ? 0 : -ENOMEM;
}

static int aes_cbc(int enc, const uint8_t key[32], const uint8_t iv[16], const uint8_t *in,
		   size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;
	int ok = c && EVP_CipherInit_ex2(c, EVP_aes_256_cbc(), key, iv, enc, NULL) &&
		 EVP_CIPHER_CTX_set_padding(c, 0) && EVP_CipherUpdate(c, out, &n1, in, (int)len) &&
		 EVP_CipherFinal_ex(c, out + n1, &n2);

	EVP_CIPHER_CTX_free(c);
	return ok && (size_t)(n1 + n2) == len ? 0 : -EIO;
}

/* The authenticated header: "default\0<desc>\0<len>\0". */
static size_t header(char *buf, size_t cap, const char *desc, const char *lenstr)
{
	size_t a = strlen("default") + 1, b = strlen(desc) + 1, c = strlen(lenstr) + 1;

	if (a + b + c > cap)
		return 0;
	memcpy(buf, "default", a);
	memcpy(buf + a, desc, b);
	memcpy(buf + a + b, lenstr, c);
	return a + b + c;
}

static int check_desc(const char *desc, imactl_diag *d)
{
	if ((strncmp(desc, "user:", 5) && strncmp(desc, "trusted:", 8)) || strchr(desc, ' ') ||
	    strlen(desc) > 200)
		return diag_fail(d, -EINVAL,
				 "master key '%s' must be user:NAME or trusted:NAME, no spaces",
				 desc);
	return 0;
}

int imactl_evm_key_seal(const uint8_t *kmk, size_t kmk_len, const char *master_desc,
			const uint8_t *plain, size_t plain_len, const uint8_t *iv_in,
			char **ret_blob, imactl_diag *reterr)
{
	uint8_t enc_key[32], auth_key[32], iv[IV_LEN];
	char lenstr[16], hdr[256];
	size_t enc_len = (plain_len + 15) / 16 * 16, hl, mlen, blen;
	uint8_t *msg = NULL, *padded = NULL;
	char *blob = NULL;
	int r;

	r = check_desc(master_desc, reterr);
	if (r < 0)
		return r;
	if (plain_len == 0 || plain_len > MAX_PLAIN)
		return diag_fail(reterr, -EINVAL, "key data of %zu bytes: 1 to %d allowed",
				 plain_len, MAX_PLAIN);
	if (kmk_len == 0)
		return diag_fail(reterr, -EINVAL, "empty master key");
	if (iv_in)
		memcpy(iv, iv_in, IV_LEN);
	else if (RAND_bytes(iv, IV_LEN) != 1)
		return diag_fail_ossl(reterr, -EIO, "no random bytes for the IV");
	snprintf(lenstr, sizeof(lenstr), "%zu", plain_len);
	hl = header(hdr, sizeof(hdr), master_desc, lenstr);
	mlen = hl + IV_LEN + 1 + enc_len;
	msg = calloc(1, mlen + HMAC_LEN);
	padded = calloc(1, enc_len);
	if (!msg || !padded) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(padded, plain, plain_len);
	r = derive("ENC_KEY", kmk, kmk_len, enc_key);
	if (!r)
		r = derive("AUTH_KEY", kmk, kmk_len, auth_key);
	if (r < 0)
		goto out;
	memcpy(msg, hdr, hl);
	memcpy(msg + hl, iv, IV_LEN);
	msg[hl + IV_LEN] = 0; /* the kernel's byte between iv and encrypted data */
	r = aes_cbc(1, enc_key, iv, padded, enc_len, msg + hl + IV_LEN + 1);
	if (!r)
		r = hmac_sha256(auth_key, msg, mlen, msg + mlen);
	if (r < 0) {
		r = diag_fail_ossl(reterr, r, "encryption failed");
		goto out;
	}
	/* "default DESC LEN " + hex(iv ‖ 0 ‖ ciphertext ‖ hmac) */
	blen = strlen("default ") + strlen(master_desc) + 1 + strlen(lenstr) + 1 +
	       2 * (IV_LEN + 1 + enc_len + HMAC_LEN) + 1;
	blob = malloc(blen);
	if (!blob) {
		r = -ENOMEM;
		goto out;
	}
	{
		int n = snprintf(blob, blen, "default %s %s ", master_desc, lenstr);
		hex_encode(msg + hl, IV_LEN + 1 + enc_len + HMAC_LEN, blob + n);
	}
	*ret_blob = blob;
	r = 0;
out:
	OPENSSL_cleanse(enc_key, sizeof(enc_key));
	OPENSSL_cleanse(auth_key, sizeof(auth_key));
	if (padded)
		OPENSSL_cleanse(padded, enc_len);
	free(padded);
	free(msg);
	return r;
}

int imactl_evm_key_open(const uint8_t *kmk, size_t kmk_len, const char *blob,
			imactl_secret **ret_plain, imactl_diag *reterr)
{
	_cleanup_free_ char *copy = strdup(blob);
	char *save = NULL, *fmt, *desc, *lenstr, *hexs, *end;
	uint8_t enc_key[32], auth_key[32], mac[32];
	char hdr[256];
	unsigned long plain_len;
	size_t enc_len, hl, mlen, hexlen;
	uint8_t *msg = NULL, *plain = NULL;
	int r;

	if (!copy)
		return -ENOMEM;
	if (!strncmp(copy, "load ", 5))
		memmove(copy, copy + 5, strlen(copy + 5) + 1);
	fmt = strtok_r(copy, " \t\n", &save);
	desc = strtok_r(NULL, " \t\n", &save);
	lenstr = strtok_r(NULL, " \t\n", &save);
	hexs = strtok_r(NULL, " \t\n", &save);
	if (!fmt || !desc || !lenstr || !hexs || strtok_r(NULL, " \t\n", &save))
		return diag_fail(reterr, -EBADMSG,
				 "not an encrypted key blob ('default user:NAME LEN HEX')");
	if (strcmp(fmt, "default"))
		return diag_fail(reterr, -EOPNOTSUPP,
				 "blob format '%s': only 'default' is supported", fmt);
	r = check_desc(desc, reterr);
	if (r < 0)
		return r;
	errno = 0;
	plain_len = strtoul(lenstr, &end, 10);
	if (errno || *end || plain_len == 0 || plain_len > MAX_PLAIN)
		return diag_fail(reterr, -EBADMSG, "bad key length field '%s'", lenstr);
	enc_len = (plain_len + 15) / 16 * 16;
	hexlen = strlen(hexs);
	if (hexlen != 2 * (IV_LEN + 1 + enc_len + HMAC_LEN))
		return diag_fail(reterr, -EBADMSG,
				 "hex part of %zu digits, expected %zu for a %lu-byte key", hexlen,
				 2 * (IV_LEN + 1 + enc_len + HMAC_LEN), plain_len);
	hl = header(hdr, sizeof(hdr), desc, lenstr);
	mlen = hl + IV_LEN + 1 + enc_len;
	msg = calloc(1, mlen + HMAC_LEN);
	plain = calloc(1, enc_len);
	if (!msg || !plain) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(msg, hdr, hl);
	if (hex_decode(hexs, hexlen, msg + hl, IV_LEN + 1 + enc_len + HMAC_LEN) < 0) {
		r = diag_fail(reterr, -EBADMSG, "the blob's data is not hex");
		goto out;
	}
	msg[hl + IV_LEN] = 0; /* ignored on load, zero in the kernel's buffer */
	r = derive("AUTH_KEY", kmk, kmk_len, auth_key);
	if (!r)
		r = derive("ENC_KEY", kmk, kmk_len, enc_key);
	if (!r)
		r = hmac_sha256(auth_key, msg, mlen, mac);
	if (r < 0)
		goto out;
	if (CRYPTO_memcmp(mac, msg + mlen, HMAC_LEN) != 0) {
		r = diag_fail(reterr, -EKEYREJECTED,
			      "the blob's HMAC does not match: wrong master key (the kernel would "
			      "refuse it with 'bad hmac')");
		goto out;
	}
	r = aes_cbc(0, enc_key, msg + hl, msg + hl + IV_LEN + 1, enc_len, plain);
	if (r < 0) {
		r = diag_fail_ossl(reterr, r, "decryption failed");
		goto out;
	}
	r = imactl_secret_from_mem(plain, plain_len, ret_plain);
out:
	OPENSSL_cleanse(enc_key, sizeof(enc_key));
	OPENSSL_cleanse(auth_key, sizeof(auth_key));
	if (plain)
		OPENSSL_cleanse(plain, enc_len);
	free(plain);
	free(msg);
	return r;
}
