/* SPDX-License-Identifier: MIT */
/*
 * security.ima / security.evm values: a pure, bounded codec (no I/O) plus
 * fd-based get/set helpers.  Formats are the kernel's (enum evm_ima_xattr_type,
 * struct signature_v2_hdr in security/integrity/integrity.h):
 *
 *   0x01 IMA_XATTR_DIGEST          01 digest               (sha1; md5 legacy)
 *   0x02 EVM_XATTR_HMAC            02 hmac-sha1[20]
 *   0x03 EVM_IMA_XATTR_DIGSIG      03 02 algo keyid[4] siglen[2,BE] sig   (v2)
 *                                  03 01 ts[4] pkalgo hash keyid[8] nmpi mpi (v1)
 *   0x04 IMA_XATTR_DIGEST_NG       04 algo digest
 *   0x05 EVM_XATTR_PORTABLE_DIGSIG 05 02 algo keyid[4] siglen[2,BE] sig
 *   0x06 IMA_VERITY_DIGSIG         06 03 algo keyid[4] siglen[2,BE] sig   (sigv3)
 */
#ifndef IMACTL_XATTR_H
#define IMACTL_XATTR_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum imactl_xattr_type {
	IMACTL_XATTR_DIGEST = 0x01,
	IMACTL_XATTR_HMAC = 0x02,
	IMACTL_XATTR_DIGSIG = 0x03,
	IMACTL_XATTR_DIGEST_NG = 0x04,
	IMACTL_XATTR_PORTABLE_DIGSIG = 0x05,
	IMACTL_XATTR_VERITY_DIGSIG = 0x06,
};

/* Largest value we read or write: the kernel's XATTR_SIZE_MAX. */
#define IMACTL_XATTR_MAX 65536
/* Signature v2/v3 header length including the type byte. */
#define IMACTL_SIG_V2_HDR_LEN 9
/* Signature v1: type byte + 16-byte header; then the MPI (2-byte bit count, bytes). */
#define IMACTL_SIG_V1_HDR_LEN 17

/* A decoded value; pointers borrow from the decoded buffer. */
typedef struct imactl_xattr_view {
	uint8_t type;	       /* enum imactl_xattr_type */
	uint8_t version;       /* signature format version (1, 2, 3); 0 for digests/HMAC */
	int hash_algo;	       /* kernel hash id; -1 when the format does not say */
	const uint8_t *digest; /* digest or HMAC bytes (types 1, 2, 4) */
	size_t digest_len;
	uint32_t keyid;	       /* v2/v3 key id, as printed ("%08x") */
	uint8_t keyid_v1[8];   /* v1 key id */
	uint32_t timestamp_v1; /* v1 signature time (host order as written by evmctl) */
	const uint8_t *sig;    /* raw signature (v2/v3: sig_size bytes; v1: MPI bytes) */
	size_t sig_len;
	size_t trailing; /* digest types: bytes after the digest (the kernel ignores them) */
} imactl_xattr_view;

/**
 * imactl_xattr_decode() - decode a security.ima or security.evm value.
 * @value, @len: the raw bytes.
 * @ret: filled on success only.
 * @reterr: on failure, says what is wrong and at which byte offset (truncated
 *          header, wrong length field, zero padding after the signature,
 *          unknown type or algorithm).
 *
 * Returns 0, -EBADMSG (malformed) or -EOPNOTSUPP (unknown type, version or
 * hash algorithm id).
 */
int imactl_xattr_decode(const uint8_t *value, size_t len, imactl_xattr_view *ret,
			imactl_diag *reterr);

/* Flags for imactl_xattr_encode_hash(). */
enum {
	/* Write md5 as legacy type 0x01 too (ima-evm-utils' evmctl does; the
	 * kernel writes 0x01 only for sha1). */
	IMACTL_XATTR_LEGACY_MD5 = 1 << 0,
};

/**
 * imactl_xattr_encode_hash() - encode a content hash as the kernel writes it:
 * type 0x01 for sha1, type 0x04 (digest-ng) for every other algorithm.
 * @out: at least 2 + IMACTL_MAX_DIGEST_SIZE bytes.
 * @ret_len: receives the value length.
 * Returns 0 or -EOPNOTSUPP (unknown algorithm).
 */
int imactl_xattr_encode_hash(int algo, const uint8_t *digest, unsigned flags, uint8_t *out,
			     size_t *ret_len);

/**
 * imactl_xattr_encode_sig() - encode a v2/v3 signature header and signature.
 * @type: IMACTL_XATTR_DIGSIG or IMACTL_XATTR_PORTABLE_DIGSIG (version 2), or
 *        IMACTL_XATTR_VERITY_DIGSIG (version 3).
 * @out, @cap: destination; needs IMACTL_SIG_V2_HDR_LEN + sig_len bytes.
 * Returns 0, -EINVAL (bad type) or -EMSGSIZE (signature over 65535 bytes or
 * @cap too small).
 */
int imactl_xattr_encode_sig(uint8_t type, int algo, uint32_t keyid, const uint8_t *sig,
			    size_t sig_len, uint8_t *out, size_t cap, size_t *ret_len);

/** imactl_xattr_type_name() - short name of a type byte ("digest-ng", "digsig" ...). */
const char *imactl_xattr_type_name(uint8_t type);

/*
 * fd-based access.  @user selects "user.ima"/"user.evm" instead of
 * "security.*" (testing without privileges, like evmctl --xattr-user).
 */
#define IMACTL_XATTR_IMA "security.ima"
#define IMACTL_XATTR_EVM "security.evm"

/**
 * imactl_xattr_get() - read an xattr from an fd into @buf (IMACTL_XATTR_MAX).
 * Returns the length (>= 0), -ENODATA when absent, or another negative errno.
 */
long imactl_xattr_get(int fd, const char *name, uint8_t *buf, size_t cap);

/**
 * imactl_xattr_set() - replace or create an xattr on an fd, atomically (one
 * fsetxattr call; the file content and mtime are untouched).
 * Returns 0 or a negative errno.
 */
int imactl_xattr_set(int fd, const char *name, const uint8_t *value, size_t len);

/** imactl_xattr_remove() - remove an xattr; 0 also when it was absent. */
int imactl_xattr_remove(int fd, const char *name);

#ifdef __cplusplus
}
#endif
#endif
