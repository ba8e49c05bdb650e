/* SPDX-License-Identifier: MIT */
/* Hash algorithms (kernel hash_algo ids) and content hashing. */
#ifndef IMACTL_DIGEST_H
#define IMACTL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's enum hash_algo. */
enum imactl_hash_algo {
#define HASH(e, id, name, size, ossl, tpm) IMACTL_HASH_##e = id,
#include "imactl/hash_algo.def"
#undef HASH
	IMACTL_HASH__MAX
};

#define IMACTL_MAX_DIGEST_SIZE 64

/**
 * imactl_hash_from_name() - kernel hash id for a name ("sha256", "sha3-256"...).
 * Also accepts the OpenSSL spelling ("SHA256", "sha-256" is not accepted).
 * Returns the id (>= 0), or -EOPNOTSUPP for an unknown name.
 */
int imactl_hash_from_name(const char *name);

/** imactl_hash_name() - kernel name of an id, or NULL when out of range. */
const char *imactl_hash_name(int algo);

/** imactl_hash_size() - digest size in bytes of an id, 0 when out of range. */
size_t imactl_hash_size(int algo);

/** imactl_hash_tpm_alg() - TCG TPM_ALG_ID of an id, 0 when the TPM has none. */
uint16_t imactl_hash_tpm_alg(int algo);

/** imactl_hash_from_tpm_alg() - kernel id for a TPM_ALG_ID, or -EOPNOTSUPP. */
int imactl_hash_from_tpm_alg(uint16_t tpm_alg);

/**
 * imactl_hash_available() - whether this build and its OpenSSL providers can
 * compute @algo.  Returns 1, or 0.
 */
int imactl_hash_available(imactl_ctx *ctx, int algo);

/**
 * imactl_hash_buf() - hash a buffer.
 * @ret_digest: at least imactl_hash_size(algo) bytes.
 * Returns 0, -EOPNOTSUPP (algorithm unavailable) or -ENOMEM.
 */
int imactl_hash_buf(imactl_ctx *ctx, int algo, const void *buf, size_t len, uint8_t *ret_digest,
		    imactl_diag *reterr);

/**
 * imactl_hash_fd() - hash a file's content from an open fd, from offset 0
 * (pread), in large reads.  For a regular file the number of bytes read must
 * equal its size at fstat() time: a file that shrinks or grows while being
 * hashed is an error (-EIO), never a silently short digest.
 * @ret_digest: at least imactl_hash_size(algo) bytes.
 * Returns 0, -EOPNOTSUPP, -EIO or another negative errno from read().
 */
int imactl_hash_fd(imactl_ctx *ctx, int algo, int fd, uint8_t *ret_digest, imactl_diag *reterr);

/**
 * imactl_hash_fd_size() - imactl_hash_fd() for a caller that has just
 * fstat()ed @fd and found a regular file of @size bytes: the library does
 * not fstat() it again.  @size < 0: unknown, as imactl_hash_fd().
 */
int imactl_hash_fd_size(imactl_ctx *ctx, int algo, int fd, int64_t size, uint8_t *ret_digest,
			imactl_diag *reterr);

#ifdef __cplusplus
}
#endif
#endif
