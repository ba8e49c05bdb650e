/* SPDX-License-Identifier: MIT */
/*
 * Signatures over content digests: v2 (security.ima type 0x03, EVM 0x03/0x05),
 * v3 (type 0x06 over the kernel's struct ima_file_id) and legacy v1.
 * RSA signatures are PKCS#1 v1.5 (deterministic); EC signatures are ECDSA
 * (DER-encoded, randomised).
 */
#ifndef IMACTL_SIG_H
#define IMACTL_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * imactl_sig_sign() - make a complete v2 or v3 xattr value over @digest.
 * @type: IMACTL_XATTR_DIGSIG, IMACTL_XATTR_PORTABLE_DIGSIG or
 *        IMACTL_XATTR_VERITY_DIGSIG (then @digest must be the file-id digest
 *        from imactl_sig_file_id_digest()).
 * @algo: the hash algorithm of @digest (recorded in the header).
 * @out: at least IMACTL_XATTR_MAX bytes; @ret_len receives the value length.
 *
 * Returns 0, -EOPNOTSUPP (key/algorithm combination unsupported), -EINVAL.
 */
int imactl_sig_sign(imactl_ctx *ctx, const imactl_key *key, uint8_t type, int algo,
		    const uint8_t *digest, size_t digest_len, uint8_t *out, size_t *ret_len,
		    imactl_diag *reterr);

/**
 * imactl_sig_sign_v1() - make a legacy v1 signature value (RSA only, sha1 or
 * sha256 digests) as ima-evm-utils' --rsa mode does; @timestamp goes into
 * the header.
 */
int imactl_sig_sign_v1(imactl_ctx *ctx, const imactl_key *key, int algo, const uint8_t *digest,
		       size_t digest_len, uint32_t timestamp, uint8_t *out, size_t *ret_len,
		       imactl_diag *reterr);

/**
 * imactl_sig_verify() - verify a signature value (v1, v2 or v3) over @digest,
 * looking the key up by key id in @keyring.
 * @digest: the content digest computed with the algorithm the value's header
 *          names (v3: the file-id digest).
 * @ret_key: optional; receives the key that verified (borrowed from @keyring).
 *
 * Returns 0, -EKEYREJECTED (bad signature), -ENOKEY (no key with that id),
 * -EBADMSG (malformed value) or -EOPNOTSUPP.
 */
int imactl_sig_verify(imactl_ctx *ctx, const imactl_keyring *keyring, const uint8_t *value,
		      size_t len, const uint8_t *digest, size_t digest_len,
		      const imactl_key **ret_key, imactl_diag *reterr);

/**
 * imactl_sig_file_id_digest() - the digest a sigv3 signs: @sig_algo over the
 * kernel's struct ima_file_id {u8 hash_type; u8 hash_algorithm; u8 hash[]},
 * truncated after the digest (calc_file_id_hash() in ima_appraise.c).
 * @file_id_type: IMACTL_XATTR_VERITY_DIGSIG for fs-verity digests.
 * @ret_digest: at least imactl_hash_size(sig_algo) bytes.
 */
int imactl_sig_file_id_digest(imactl_ctx *ctx, int sig_algo, uint8_t file_id_type, int content_algo,
			      const uint8_t *content_digest, uint8_t *ret_digest,
			      imactl_diag *reterr);

#ifdef __cplusplus
}
#endif
#endif
