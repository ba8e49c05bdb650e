/* SPDX-License-Identifier: MIT */
/*
 * EVM: HMACs and signatures over file metadata, computed exactly as the
 * kernel's evm_calc_hmac_or_hash() (security/integrity/evm/evm_crypto.c):
 *
 *   H( value of each protected xattr present, in the kernel's order:
 *        security.selinux, security.SMACK64, [security.SMACK64EXEC,
 *        security.SMACK64TRANSMUTE, security.SMACK64MMAP with --smack],
 *        security.apparmor, security.ima, security.capability
 *    ‖ struct h_misc { unsigned long ino; u32 generation; u32 uid; u32 gid;
 *                      u16 mode; } with its ABI padding, zero-filled
 *    ‖ the filesystem UUID (16 bytes) )
 *
 * Type 0x02 is HMAC-SHA1 keyed with the EVM key's plaintext zero-padded to
 * 128 bytes (evm_set_key()/init_desc() key with all MAX_KEY_SIZE bytes); type 0x03
 * (immutable signature) signs the hash of the same input; type 0x05 (portable
 * signature) zeroes ino and generation, omits the UUID and requires
 * security.ima.  h_misc is serialised explicitly for the target ABI: 24 bytes
 * on 64-bit kernels (8-byte ino), 20 bytes on 32-bit ones, little-endian.
 */
#ifndef IMACTL_EVM_H
#define IMACTL_EVM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct imactl_evm_meta imactl_evm_meta;

enum imactl_evm_abi {
	IMACTL_EVM_ABI_NATIVE = 0, /* this machine's unsigned long */
	IMACTL_EVM_ABI_32 = 32,	   /* --m32 */
	IMACTL_EVM_ABI_64 = 64,	   /* --m64 */
};

/* Flags for imactl_evm_meta_from_fd(). */
enum {
	IMACTL_EVM_SMACK_EXTRA = 1 << 0,	 /* include SMACK64EXEC/TRANSMUTE/MMAP */
	IMACTL_EVM_USER_IMA = 1 << 1,		 /* read user.ima for the security.ima slot */
	IMACTL_EVM_NO_UUID = 1 << 2,		 /* do not look the fs UUID up */
	IMACTL_EVM_NO_GENERATION = 1 << 3,	 /* do not read the generation (set later) */
	IMACTL_EVM_GENERATION_OPTIONAL = 1 << 4, /* read it if possible, else 0 (portable) */
};

#define IMACTL_EVM_HMAC_KEY_MAX 128 /* the kernel's MAX_KEY_SIZE for evm_set_key() */
#define IMACTL_EVM_HMAC_LEN	20

/** imactl_evm_meta_new() - empty metadata (no xattrs, zero fields, no UUID). */
int imactl_evm_meta_new(unsigned flags, imactl_evm_meta **ret);
void imactl_evm_meta_free(imactl_evm_meta *m);

/**
 * imactl_evm_meta_from_fd() - gather what EVM covers from an open file: fstat
 * (ino, uid, gid, mode), FS_IOC_GETVERSION (generation), fgetxattr of each
 * protected xattr, and the fs UUID (FS_IOC_GETFSUUID, else libblkid on the
 * device; cached per device).  Never runs a subprocess.
 *
 * Returns 0; -EOPNOTSUPP with a diag naming the fix (--generation, --uuid,
 * --portable) when the generation or UUID cannot be determined; or -errno.
 */
int imactl_evm_meta_from_fd(int fd, unsigned flags, imactl_evm_meta **ret, imactl_diag *reterr);

/* Overrides for offline and image signing. */
void imactl_evm_meta_set_ino(imactl_evm_meta *m, uint64_t ino);
void imactl_evm_meta_set_generation(imactl_evm_meta *m, uint32_t generation);
void imactl_evm_meta_set_uid(imactl_evm_meta *m, uint32_t uid);
void imactl_evm_meta_set_gid(imactl_evm_meta *m, uint32_t gid);
void imactl_evm_meta_set_mode(imactl_evm_meta *m, uint16_t mode);
/** imactl_evm_meta_set_uuid() - 16 bytes, or NULL for "no UUID in the digest". */
void imactl_evm_meta_set_uuid(imactl_evm_meta *m, const uint8_t *uuid);
/**
 * imactl_evm_meta_set_xattr() - set or (value NULL) remove a protected xattr's
 * value.  Returns 0, -EINVAL (not an EVM-protected name) or -ENOMEM.
 */
int imactl_evm_meta_set_xattr(imactl_evm_meta *m, const char *name, const uint8_t *value,
			      size_t len);

/* Accessors (for inspection and messages). */
uint64_t imactl_evm_meta_ino(const imactl_evm_meta *m);
uint32_t imactl_evm_meta_generation(const imactl_evm_meta *m);
uint32_t imactl_evm_meta_uid(const imactl_evm_meta *m);
uint32_t imactl_evm_meta_gid(const imactl_evm_meta *m);
uint16_t imactl_evm_meta_mode(const imactl_evm_meta *m);
/** imactl_evm_meta_uuid() - the UUID, or NULL when none is included. */
const uint8_t *imactl_evm_meta_uuid(const imactl_evm_meta *m);
/** imactl_evm_meta_xattr() - i-th protected name (kernel order) and its value or NULL. */
const char *imactl_evm_meta_xattr(const imactl_evm_meta *m, size_t i, const uint8_t **ret_value,
				  size_t *ret_len);
size_t imactl_evm_meta_nxattrs(const imactl_evm_meta *m);

/**
 * imactl_evm_misc() - the serialised h_misc block for @type (for inspection
 * and tests).  @out: 24 bytes.  Returns its length (20 or 24).
 */
size_t imactl_evm_misc(const imactl_evm_meta *m, uint8_t type, enum imactl_evm_abi abi,
		       uint8_t *out);

/**
 * imactl_evm_digest() - the digest EVM computes for @type:
 * IMACTL_XATTR_HMAC (HMAC-SHA1 with @hmac_key), IMACTL_XATTR_DIGSIG or
 * IMACTL_XATTR_PORTABLE_DIGSIG (hash @algo).
 * @out: IMACTL_MAX_DIGEST_SIZE bytes; @ret_len receives the length.
 * Returns 0, -EPERM (portable without security.ima, as the kernel), -EINVAL.
 */
int imactl_evm_digest(imactl_ctx *ctx, const imactl_evm_meta *m, uint8_t type, int algo,
		      enum imactl_evm_abi abi, const uint8_t *hmac_key, size_t hmac_key_len,
		      uint8_t *out, size_t *ret_len, imactl_diag *reterr);

/**
 * imactl_evm_hmac() - a complete security.evm HMAC value (0x02 + 20 bytes).
 * @out: 21 bytes.
 */
int imactl_evm_hmac(imactl_ctx *ctx, const imactl_evm_meta *m, enum imactl_evm_abi abi,
		    const uint8_t *key, size_t key_len, uint8_t *out, imactl_diag *reterr);

/**
 * imactl_evm_sign() - a complete security.evm signature value.
 * @type: IMACTL_XATTR_DIGSIG (immutable) or IMACTL_XATTR_PORTABLE_DIGSIG.
 * @out: IMACTL_XATTR_MAX bytes.
 */
int imactl_evm_sign(imactl_ctx *ctx, const imactl_evm_meta *m, const imactl_key *key, uint8_t type,
		    int algo, enum imactl_evm_abi abi, uint8_t *out, size_t *ret_len,
		    imactl_diag *reterr);

/**
 * imactl_evm_verify() - check a security.evm value against @m, as
 * evm_verify_hmac() does: HMACs with @hmac_key (may be NULL when only
 * signatures are expected), signatures with @keyring.
 * Returns 0, -EKEYREJECTED (mismatch), -ENOKEY (no HMAC key / no key with that
 * id), -EBADMSG (malformed), -EOPNOTSUPP (not an EVM type).
 */
int imactl_evm_verify(imactl_ctx *ctx, const imactl_evm_meta *m, const uint8_t *value, size_t len,
		      const imactl_keyring *keyring, const uint8_t *hmac_key, size_t hmac_key_len,
		      enum imactl_evm_abi abi, imactl_diag *reterr);

/**
 * imactl_uuid_parse() - "01234567-89ab-cdef-0123-456789abcdef" (or 32 hex
 * digits) into 16 bytes.  Returns 0 or -EINVAL.
 */
int imactl_uuid_parse(const char *s, uint8_t out[16]);

/**
 * imactl_fs_uuid_fd() - the UUID the kernel hashes for files on this fd's
 * filesystem (sb->s_uuid): FS_IOC_GETFSUUID, else libblkid on the block
 * device.  Cached per device.  Returns 0, or -EOPNOTSUPP with a diag saying
 * how to supply it.
 */
int imactl_fs_uuid_fd(int fd, uint8_t out[16], imactl_diag *reterr);

/*
 * The kernel's encrypted-key blob for "evm-key" (security/keys/encrypted-keys/
 * encrypted.c, format "default"): the text
 *     "default <master-desc> <len> <hex(iv[16] ‖ 0x00 ‖ AES-256-CBC(data) ‖ HMAC)>"
 * that `keyctl pipe` prints and `keyctl add encrypted evm-key "load <blob>"`
 * takes.  The encryption key is SHA-256("ENC_KEY\0" ‖ kmk), the HMAC-SHA256 key
 * SHA-256("AUTH_KEY\0" ‖ kmk) (each buffer zero-padded to at least 32 bytes),
 * and the HMAC covers "default\0<master-desc>\0<len>\0" ‖ iv ‖ 0x00 ‖ ciphertext.
 * Knowing the plaintext lets EVM HMACs be computed offline.
 */

/**
 * imactl_evm_key_seal() - make a "load" blob for @plain (1..128 bytes).
 * @master_desc: "user:NAME" or "trusted:NAME" (the master key's type and name).
 * @iv: 16 bytes, or NULL for a random IV.
 * @ret_blob: NUL-terminated text, free() it.
 */
int imactl_evm_key_seal(const uint8_t *kmk, size_t kmk_len, const char *master_desc,
			const uint8_t *plain, size_t plain_len, const uint8_t *iv, char **ret_blob,
			imactl_diag *reterr);

/**
 * imactl_evm_key_open() - check a blob's HMAC under @kmk and decrypt it.
 * @ret_plain: receives a secret with the plaintext (wiped on free).
 * Returns 0, -EBADMSG (not a blob), -EKEYREJECTED (HMAC mismatch: wrong
 * master key), -EOPNOTSUPP (format other than "default").
 */
int imactl_evm_key_open(const uint8_t *kmk, size_t kmk_len, const char *blob,
			imactl_secret **ret_plain, imactl_diag *reterr);

#ifdef __cplusplus
}
#endif
#endif
