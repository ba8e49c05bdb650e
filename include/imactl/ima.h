/* SPDX-License-Identifier: MIT */
/*
 * IMA content operations on an open file: compute the security.ima value the
 * kernel would accept (hash or signature), and appraise a value against the
 * file's content as the kernel's ima_appraise_measurement() does.
 */
#ifndef IMACTL_IMA_H
#define IMACTL_IMA_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * imactl_ima_hash_fd() - hash the content and encode it as security.ima
 * (0x01 for sha1, 0x04 otherwise; @flags as imactl_xattr_encode_hash()).
 * @out: at least 2 + IMACTL_MAX_DIGEST_SIZE bytes.
 */
int imactl_ima_hash_fd(imactl_ctx *ctx, int fd, int algo, unsigned flags, uint8_t *out,
		       size_t *ret_len, imactl_diag *reterr);

/**
 * imactl_ima_sign_fd() - hash the content with @algo and sign it (v2,
 * type 0x03).  @out: IMACTL_XATTR_MAX bytes.
 */
int imactl_ima_sign_fd(imactl_ctx *ctx, int fd, const imactl_key *key, int algo, uint8_t *out,
		       size_t *ret_len, imactl_diag *reterr);

/**
 * imactl_verity_digest_fd() - the fs-verity digest the kernel holds for a
 * verity-enabled file (FS_IOC_MEASURE_VERITY).
 * Returns 0 with *ret_algo and @ret_digest (IMACTL_MAX_DIGEST_SIZE bytes) set,
 * -ENODATA (fs-verity not enabled on the file) or -EOPNOTSUPP.
 */
int imactl_verity_digest_fd(int fd, int *ret_algo, uint8_t *ret_digest, imactl_diag *reterr);

/**
 * imactl_verity_compute_fd() - compute a file's fs-verity digest in userspace
 * (libfsverity: Merkle tree of 4096-byte blocks, no salt, @algo sha256 or
 * sha512), the value FS_IOC_MEASURE_VERITY will report once `fsverity
 * enable` has run, so files can be signed (sigv3) before verity is enabled.
 * Returns 0, -EOPNOTSUPP (built without libfsverity, or another algorithm).
 */
int imactl_verity_compute_fd(int fd, int algo, uint8_t *ret_digest, imactl_diag *reterr);

/**
 * imactl_ima_sign_verity_fd() - a type 0x06 (sigv3) value for a file: its
 * fs-verity digest (measured when enabled, else computed with @verity_algo)
 * wrapped in the kernel's ima_file_id and signed with @algo.
 */
int imactl_ima_sign_verity_fd(imactl_ctx *ctx, int fd, const imactl_key *key, int algo,
			      int verity_algo, uint8_t *out, size_t *ret_len, imactl_diag *reterr);

/* What appraisal found; filled by imactl_ima_appraise_fd() on success and on
 * -EKEYREJECTED/-ENOKEY (so callers can explain the failure). */
typedef struct imactl_appraisal {
	uint8_t type;	 /* xattr type */
	uint8_t version; /* signature version, 0 for hashes */
	int hash_algo;	 /* algorithm the value names */
	uint32_t keyid;	 /* v2/v3 key id */
	int is_signature;
	int content_match;  /* hashes: 1 when the digest matches the content */
	uint8_t digest[64]; /* content digest computed now */
	size_t digest_len;
	const imactl_key *key; /* verifying key (borrowed from the keyring), or NULL */
	int verity_enabled;    /* sigv3: fs-verity is enabled (else the digest was computed) */
} imactl_appraisal;

/**
 * imactl_ima_appraise_fd() - check a security.ima value against the file.
 * @value, @len: the value (from the xattr or a .sig sidecar).
 * @keyring: verification keys; may be NULL when only hashes are expected.
 * @ret: optional details.
 *
 * Returns 0 (valid), -EKEYREJECTED (hash mismatch or bad signature), -ENOKEY
 * (signature by a key not in @keyring), -EBADMSG (malformed value),
 * -EOPNOTSUPP (value type that does not appraise content, e.g. an EVM HMAC).
 */
int imactl_ima_appraise_fd(imactl_ctx *ctx, int fd, const imactl_keyring *keyring,
			   const uint8_t *value, size_t len, imactl_appraisal *ret,
			   imactl_diag *reterr);

#ifdef __cplusplus
}
#endif
#endif
