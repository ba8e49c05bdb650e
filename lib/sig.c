/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ctx.h"
#include "diag.h"
#include "imactl/digest.h"
#include "imactl/sig.h"
#include "imactl/xattr.h"
#include "key_internal.h"
#include "util/bytes.h"

/* Largest raw signature: RSA-16384. */
#define SIG_RAW_MAX 2048

static void pkey_ctx_freep(EVP_PKEY_CTX **p)
{
	EVP_PKEY_CTX_free(*p);
}

static int pkey_sign_digest(imactl_ctx *ctx, EVP_PKEY *pkey, const EVP_MD *md, int pkcs1_raw,
			    const uint8_t *digest, size_t dlen, uint8_t *sig, size_t *siglen,
			    imactl_diag *d)
{
	__attribute__((cleanup(pkey_ctx_freep))) EVP_PKEY_CTX *pc =
		EVP_PKEY_CTX_new_from_pkey(ctx->libctx, pkey, ctx->propq);

	if (!pc || EVP_PKEY_sign_init(pc) <= 0)
		return diag_fail_ossl(d, -EOPNOTSUPP, "cannot initialise signing");
	if (pkcs1_raw) {
		if (EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) <= 0)
			return diag_fail_ossl(d, -EOPNOTSUPP, "cannot set RSA padding");
	} else if (EVP_PKEY_CTX_set_signature_md(pc, md) <= 0) {
		return diag_fail_ossl(d, -EOPNOTSUPP, "key cannot sign %s digests",
				      EVP_MD_get0_name(md));
	}
	if (EVP_PKEY_sign(pc, sig, siglen, digest, dlen) <= 0)
		return diag_fail_ossl(d, -EOPNOTSUPP, "signing failed");
	return 0;
}

int imactl_sig_sign(imactl_ctx *ctx, const imactl_key *key, uint8_t type, int algo,
		    const uint8_t *digest, size_t digest_len, uint8_t *out, size_t *ret_len,
		    imactl_diag *reterr)
{
	const EVP_MD *md = ctx_md(ctx, algo);
	uint8_t raw[SIG_RAW_MAX];
	size_t rawlen = sizeof(raw);
	int r;

	if (!key->is_private)
		return diag_fail(reterr, -EINVAL, "'%s' is not a private key", key->source);
	if (!md)
		return diag_fail(reterr, -EOPNOTSUPP, "hash algorithm '%s' is not available",
				 imactl_hash_name(algo) ? imactl_hash_name(algo) : "?");
	if (digest_len != imactl_hash_size(algo))
		return diag_fail(reterr, -EINVAL, "digest of %zu bytes is not %s", digest_len,
				 imactl_hash_name(algo));
	if (EVP_PKEY_get_size(key->pkey) > (int)sizeof(raw))
		return diag_fail(reterr, -EMSGSIZE, "key too large");
	r = pkey_sign_digest(ctx, key->pkey, md, 0, digest, digest_len, raw, &rawlen, reterr);
	if (r < 0)
		return r;
	r = imactl_xattr_encode_sig(type, algo, key->keyid, raw, rawlen, out, IMACTL_XATTR_MAX,
				    ret_len);
	OPENSSL_cleanse(raw, sizeof(raw));
	if (r < 0)
		return diag_fail(reterr, r, "cannot encode signature");
	return 0;
}

/*
 * v1: RSA PKCS#1 v1.5 type-1 padding over a bare SHA-1 (no DigestInfo) of the
 * content digest followed by the signature header (lib/digsig.c digsig_verify()).
 */
static int v1_sighash(const uint8_t *digest, size_t dlen, const uint8_t *hdr, uint8_t out[20])
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = m && EVP_DigestInit_ex(m, EVP_sha1(), NULL) && EVP_DigestUpdate(m, digest, dlen) &&
		 EVP_DigestUpdate(m, hdr, IMACTL_SIG_V1_HDR_LEN - 1) && /* header, no type */
		 EVP_DigestFinal_ex(m, out, NULL);

	EVP_MD_CTX_free(m);
	return ok ? 0 : -ENOMEM;
}

int imactl_sig_sign_v1(imactl_ctx *ctx, const imactl_key *key, int algo, const uint8_t *digest,
		       size_t digest_len, uint32_t timestamp, uint8_t *out, size_t *ret_len,
		       imactl_diag *reterr)
{
	uint8_t *hdr = out + 1;
	uint8_t sighash[20];
	size_t rawlen;
	int r;

	if (!key->is_private || !EVP_PKEY_is_a(key->pkey, "RSA"))
		return diag_fail(reterr, -EOPNOTSUPP, "v1 signatures need an RSA private key");
	if (algo != IMACTL_HASH_SHA1 && algo != IMACTL_HASH_SHA256)
		return diag_fail(reterr, -EOPNOTSUPP,
				 "signature v1 supports only sha1 and sha256, not '%s'",
				 imactl_hash_name(algo) ? imactl_hash_name(algo) : "?");
	out[0] = IMACTL_XATTR_DIGSIG;
	hdr[0] = 1;
	memcpy(hdr + 1, &timestamp, 4); /* host order, as ima-evm-utils writes it */
	hdr[5] = 0;			/* PUBKEY_ALGO_RSA */
	hdr[6] = algo == IMACTL_HASH_SHA1 ? 0 : 1;
	r = imactl_key_keyid_v1(key, hdr + 7);
	if (r < 0)
		return diag_fail(reterr, r, "cannot compute the v1 key id");
	hdr[15] = 1; /* one MPI */
	r = v1_sighash(digest, digest_len, hdr, sighash);
	if (r < 0)
		return diag_fail(reterr, r, "SHA-1 unavailable");
	rawlen = (size_t)EVP_PKEY_get_size(key->pkey);
	r = pkey_sign_digest(ctx, key->pkey, NULL, 1, sighash, sizeof(sighash),
			     out + IMACTL_SIG_V1_HDR_LEN + 2, &rawlen, reterr);
	if (r < 0)
		return r;
	store_be16(out + IMACTL_SIG_V1_HDR_LEN, (uint16_t)(rawlen * 8));
	*ret_len = IMACTL_SIG_V1_HDR_LEN + 2 + rawlen;
	return 0;
}

/* A fresh verification context for @key, @md (NULL: raw PKCS#1), or NULL. */
static EVP_PKEY_CTX *verify_ctx_new(imactl_ctx *ctx, EVP_PKEY *pkey, const EVP_MD *md,
				    int pkcs1_raw, imactl_diag *d)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_pkey(ctx->libctx, pkey, ctx->propq);

	if (!pc || EVP_PKEY_verify_init(pc) <= 0) {
		EVP_PKEY_CTX_free(pc);
		diag_fail_ossl(d, -EOPNOTSUPP, "cannot initialise verification");
		return NULL;
	}
	if (pkcs1_raw) {
		if (EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) <= 0) {
			EVP_PKEY_CTX_free(pc);
			diag_fail_ossl(d, -EOPNOTSUPP, "cannot set RSA padding");
			return NULL;
		}
	} else if (EVP_PKEY_CTX_set_signature_md(pc, md) <= 0) {
		EVP_PKEY_CTX_free(pc);
		diag_fail_ossl(d, -EOPNOTSUPP, "key cannot verify %s signatures",
			       EVP_MD_get0_name(md));
		return NULL;
	}
	return pc;
}

/*
 * A verification context of @key for digest @algo (IMACTL_HASH__MAX: raw
 * PKCS#1): a copy of the one the key keeps prepared (key_internal.h), or a
 * fresh one when it keeps none for this library context.
 */
static EVP_PKEY_CTX *verify_ctx(imactl_ctx *ctx, struct imactl_key *key, int algo, const EVP_MD *md,
				imactl_diag *d)
{
	const int raw = algo == IMACTL_HASH__MAX;
	EVP_PKEY_CTX *pc = NULL;

	pthread_mutex_lock(&key->vlock);
	if (!key->vlib_set) {
		key->vlib = ctx->libctx;
		key->vlib_set = 1;
	}
	if (key->vlib == ctx->libctx) {
		if (!key->vctx[algo])
			key->vctx[algo] = verify_ctx_new(ctx, key->pkey, md, raw, d);
		if (key->vctx[algo])
			pc = EVP_PKEY_CTX_dup(key->vctx[algo]);
	}
	pthread_mutex_unlock(&key->vlock);
	if (!pc)
		pc = verify_ctx_new(ctx, key->pkey, md, raw, d);
	return pc;
}

static int verify_raw(imactl_ctx *ctx, const imactl_key *key, int algo, const EVP_MD *md,
		      const uint8_t *sig, size_t siglen, const uint8_t *digest, size_t dlen,
		      imactl_diag *d)
{
	/* the cache is the key's own state, not part of its value: const to callers */
	__attribute__((cleanup(pkey_ctx_freep))) EVP_PKEY_CTX *pc =
		verify_ctx(ctx, (struct imactl_key *)key, algo, md, d);
	int r;

	if (!pc)
		return d && d->code ? d->code : -EOPNOTSUPP;
	r = EVP_PKEY_verify(pc, sig, siglen, digest, dlen);
	diag_ossl_drain();
	if (r == 1)
		return 0;
	return diag_fail(d, -EKEYREJECTED, "bad signature");
}

int imactl_sig_verify(imactl_ctx *ctx, const imactl_keyring *kr, const uint8_t *value, size_t len,
		      const uint8_t *digest, size_t digest_len, const imactl_key **ret_key,
		      imactl_diag *reterr)
{
	imactl_xattr_view v;
	const imactl_key *k;
	int r = imactl_xattr_decode(value, len, &v, reterr);

	if (r < 0)
		return r;
	if (v.type != IMACTL_XATTR_DIGSIG && v.type != IMACTL_XATTR_PORTABLE_DIGSIG &&
	    v.type != IMACTL_XATTR_VERITY_DIGSIG)
		return diag_fail(reterr, -EINVAL, "value is a %s, not a signature",
				 imactl_xattr_type_name(v.type));
	/* ima_appraise.c xattr_verify(): a type-3 value must be v1/v2, type 6 must be v3 */
	if (v.type != IMACTL_XATTR_VERITY_DIGSIG && v.version >= 3)
		return diag_fail(
			reterr, -EBADMSG,
			"signature version %u in a type-0x%02x value: the kernel rejects it "
			"(invalid-signature-version)",
			v.version, v.type);
	if (digest_len != imactl_hash_size(v.hash_algo))
		return diag_fail(reterr, -EINVAL, "digest of %zu bytes is not %s", digest_len,
				 imactl_hash_name(v.hash_algo));
	if (v.version == 1) {
		uint8_t sighash[20];
		k = imactl_keyring_find_v1(kr, v.keyid_v1);
		if (!k)
			return diag_fail(reterr, -ENOKEY,
					 "no key with v1 key id %02x%02x%02x%02x%02x%02x%02x%02x",
					 v.keyid_v1[0], v.keyid_v1[1], v.keyid_v1[2], v.keyid_v1[3],
					 v.keyid_v1[4], v.keyid_v1[5], v.keyid_v1[6],
					 v.keyid_v1[7]);
		r = v1_sighash(digest, digest_len, value + 1, sighash);
		if (r < 0)
			return r;
		r = verify_raw(ctx, k, IMACTL_HASH__MAX, NULL, v.sig, v.sig_len, sighash, 20,
			       reterr);
	} else {
		const EVP_MD *md = ctx_md(ctx, v.hash_algo);
		if (!md)
			return diag_fail(reterr, -EOPNOTSUPP,
					 "hash algorithm '%s' is not available",
					 imactl_hash_name(v.hash_algo));
		k = imactl_keyring_find(kr, v.keyid);
		if (!k)
			return diag_fail(reterr, -ENOKEY, "no key with key id %08x", v.keyid);
		r = verify_raw(ctx, k, v.hash_algo, md, v.sig, v.sig_len, digest, digest_len,
			       reterr);
	}
	if (r == 0 && ret_key)
		*ret_key = k;
	return r;
}

int imactl_sig_file_id_digest(imactl_ctx *ctx, int sig_algo, uint8_t file_id_type, int content_algo,
			      const uint8_t *content_digest, uint8_t *ret_digest,
			      imactl_diag *reterr)
{
	uint8_t file_id[2 + IMACTL_MAX_DIGEST_SIZE];
	size_t dsz = imactl_hash_size(content_algo);

	if (!dsz)
		return diag_fail(reterr, -EOPNOTSUPP, "unknown content hash algorithm %d",
				 content_algo);
	file_id[0] = file_id_type;
	file_id[1] = (uint8_t)content_algo;
	memcpy(file_id + 2, content_digest, dsz);
	return imactl_hash_buf(ctx, sig_algo, file_id, 2 + dsz, ret_digest, reterr);
}
