/* SPDX-License-Identifier: MIT */
/*
 * Inspection and appraisal explanation.
 *
 * imactl_inspect_decode() says what the bytes of a security.ima /
 * security.evm value (or a FILE.sig sidecar) are, field by field, and keeps
 * going when they are malformed: a zero-padded signature (keylime #1030,
 * rpm #2124) still shows its header, its key id and the length the value
 * should have had.  It is pure and bounded (no I/O, no crypto) so it can be
 * fuzzed and reused by imad.
 *
 * imactl_explain_appraise_fd() runs the checks of the kernel's
 * ima_appraise_measurement() / xattr_verify() / evm_verify_hmac() against an
 * open file with the library's crypto and names the audit cause the kernel
 * would log ("missing-hash", "IMA-signature-required", "invalid-signature",
 * "invalid-HMAC" ...), or none when the access would pass.
 */
#ifndef IMACTL_INSPECT_H
#define IMACTL_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What is wrong with a value; IMACTL_INSPECT_OK when the kernel's format rules hold. */
enum imactl_inspect_problem {
	IMACTL_INSPECT_OK = 0,
	IMACTL_INSPECT_EMPTY,		/* zero bytes */
	IMACTL_INSPECT_TOO_LONG,	/* over IMACTL_XATTR_MAX */
	IMACTL_INSPECT_UNKNOWN_TYPE,	/* type byte not 0x01..0x06 */
	IMACTL_INSPECT_UNKNOWN_VERSION, /* signature version not 1, 2 or 3 */
	IMACTL_INSPECT_WRONG_VERSION,	/* a version the type does not allow (3 in 0x03 ...) */
	IMACTL_INSPECT_UNKNOWN_ALGO,	/* hash algorithm id the kernel does not know */
	IMACTL_INSPECT_TRUNCATED,	/* fewer bytes than the header or length field says */
	IMACTL_INSPECT_ZERO_PADDED,	/* zero bytes after the signature */
	IMACTL_INSPECT_TRAILING,	/* non-zero bytes after the signature */
	IMACTL_INSPECT_WRONG_LENGTH,	/* digest length wrong for the algorithm, length field 0 */
	IMACTL_INSPECT_BAD_FIELD,	/* another header field out of range (v1 nmpi, pkalgo) */
	IMACTL_INSPECT__MAX
};

/* A decoded value.  Pointers borrow from the input buffer. */
typedef struct imactl_inspect_value {
	size_t len;		/* length of the whole value */
	uint8_t type;		/* first byte (0 when empty) */
	const char *type_name;	/* "digest-ng", "digsig" ... "unknown" */
	int has_version;	/* signature types: version byte present */
	uint8_t version;	/* signature format version */
	int hash_algo;		/* kernel hash id the value names, -1 when unknown/none */
	int hash_algo_raw;	/* the algorithm byte as stored, -1 when absent */
	const uint8_t *digest;	/* digest or HMAC bytes present (types 1, 2, 4) */
	size_t digest_len;	/* bytes present */
	size_t digest_expected; /* bytes the algorithm needs, 0 when unknown */
	int has_keyid;		/* v2/v3 key id present */
	uint32_t keyid;		/* as printed ("%08x") */
	int has_keyid_v1;	/* v1 key id present */
	uint8_t keyid_v1[8];	/* v1 key id bytes */
	uint32_t timestamp_v1;	/* v1 signing time (little-endian as evmctl writes it) */
	uint8_t v1_pkalgo;	/* v1 public key algorithm (0 = RSA) */
	uint8_t v1_nmpi;	/* v1 MPI count (1) */
	size_t v1_mpi_bits;	/* v1 MPI bit count */
	int has_sig_size;	/* signature length field present (v2/v3) or MPI length (v1) */
	size_t sig_size;	/* what that field says, in bytes */
	const uint8_t *sig;	/* signature bytes present, at most sig_size */
	size_t sig_len;		/* their number */
	enum imactl_inspect_problem problem;
	size_t problem_offset; /* byte offset the problem starts at */
	size_t expected_len;   /* total length of a well-formed value with this header, 0 unknown */
	char msg[IMACTL_DIAG_MSG_MAX]; /* one-line explanation when problem != OK */
} imactl_inspect_value;

/**
 * imactl_inspect_decode() - decode a value for display, leniently.
 * @value, @len: the raw bytes (may be malformed).
 * @ret: the report; filled whatever the bytes are.
 *
 * Validity follows imactl_xattr_decode() (the same rules and message); the
 * report adds the fields that could still be read and, for padded, truncated
 * or over-long signatures, the length the value should have (expected_len).
 * Returns 0, or -EINVAL when @ret is NULL or @value is NULL with @len > 0.
 */
int imactl_inspect_decode(const uint8_t *value, size_t len, imactl_inspect_value *ret);

/** imactl_inspect_problem_name() - "truncated", "zero-padded" ...; "ok" for OK. */
const char *imactl_inspect_problem_name(enum imactl_inspect_problem p);

/**
 * imactl_inspect_parse_text() - a value written as text into bytes:
 * getfattr's "0x<hex>" and "0s<base64>" forms, plain hex, plain base64, with
 * an optional "name=" prefix (a getfattr line), optional double quotes and
 * whitespace anywhere (line breaks).  Pure and bounded.
 * @s, @len: the text (not NUL-terminated).
 * @out, @cap: destination.
 * @ret_len: receives the byte count.
 * @reterr: says which character is wrong.
 *
 * Returns 0, -EBADMSG (neither valid hex nor valid base64; diag offset is the
 * first bad character) or -EMSGSIZE (more than @cap bytes).
 */
int imactl_inspect_parse_text(const char *s, size_t len, uint8_t *out, size_t cap, size_t *ret_len,
			      imactl_diag *reterr);

/* ---- appraisal explanation ---------------------------------------------- */

/* imactl_explain_opts.flags */
#define IMACTL_EXPLAIN_DIGSIG_REQUIRED 0x01u /* rule: appraise_type=imasig (or sigv3) */
#define IMACTL_EXPLAIN_VERITY_REQUIRED 0x02u /* rule: digest_type=verity */
#define IMACTL_EXPLAIN_MODSIG_ALLOWED  0x04u /* rule: imasig|modsig (modsigs are not read) */
#define IMACTL_EXPLAIN_EVM_ACTIVE      0x08u /* EVM is initialised (a key is loaded) */
#define IMACTL_EXPLAIN_USER_XATTRS     0x10u /* read user.ima/user.evm (tests) */

/* EVM status, the kernel's enum integrity_status (integrity.h) in its order. */
enum imactl_evm_status {
	IMACTL_EVM_PASS = 0,
	IMACTL_EVM_PASS_IMMUTABLE,
	IMACTL_EVM_FAIL,
	IMACTL_EVM_FAIL_IMMUTABLE,
	IMACTL_EVM_NOLABEL,
	IMACTL_EVM_NOXATTRS,
	IMACTL_EVM_UNKNOWN,
};

/** imactl_evm_status_name() - the kernel's integrity_status_msg[] text ("no_label" ...). */
const char *imactl_evm_status_name(enum imactl_evm_status s);

typedef struct imactl_explain_opts {
	unsigned int flags;	       /* IMACTL_EXPLAIN_* */
	uint32_t appraise_algos;       /* the rule's appraise_algos= bits, 0 = any */
	int default_algo;	       /* the kernel's ima_hash (for values naming no algorithm) */
	const imactl_keyring *keyring; /* the _ima/_evm keys; may be NULL */
	const uint8_t *hmac_key;       /* EVM HMAC key plaintext, or NULL (HMACs unchecked) */
	size_t hmac_key_len;
	unsigned int evm_flags; /* IMACTL_EVM_* for imactl_evm_meta_from_fd() */
	const uint8_t *fs_uuid; /* 16 bytes the kernel hashes for EVM, or NULL to look up */
} imactl_explain_opts;

typedef struct imactl_explain_result {
	int pass;	   /* 1 when appraisal succeeds */
	const char *op;	   /* audit op of the failure: "appraise_data", "collect_data" */
	const char *cause; /* the kernel's audit cause, NULL when pass */
	int ima_present;   /* security.ima (or user.ima) exists */
	int ima_len;	   /* its length */
	uint8_t ima_type;  /* its type byte */
	int hash_algo;	   /* algorithm the kernel hashes the content with */
	int content_match; /* digest types: stored digest equals the content's, -1 n/a */
	int sig_rc;	   /* signature verification: 0, -EKEYREJECTED, -ENOKEY, ..., 1 n/a */
	uint32_t keyid;	   /* signing key id of a v2/v3 signature */
	int has_keyid;
	const imactl_key *key; /* the key that verified or matched the key id, or NULL */
	enum imactl_evm_status evm_status; /* UNKNOWN when EVM is not active */
	int evm_checked;		   /* EVM verification ran */
	int evm_rc;			   /* its result (0, -EKEYREJECTED, -ENOKEY, ...) */
	char detail[IMACTL_DIAG_MSG_MAX];  /* what failed, for humans */
} imactl_explain_result;

/**
 * imactl_explain_appraise_fd() - what the kernel's appraisal would find.
 * @ctx: library context.
 * @fd: the file, open for reading.
 * @o: the matching rule's requirements, the keys and EVM settings.
 * @ret: the outcome (filled on success).
 * @reterr: operational failures only.
 *
 * Mirrors 6.17 ima_appraise_measurement(): no security.ima gives
 * missing-hash / IMA-signature-required / verity-signature-required; with
 * EVM active, evm_verify_hmac() gives missing-HMAC / invalid-HMAC /
 * invalid-fail-immutable; then xattr_verify() by type (invalid-hash,
 * invalid-signature, invalid-signature-version, invalid-verity-signature,
 * unknown-ima-data); finally appraise_algos= (denied-hash-algorithm).
 * Returns 0, or a negative errno when the file cannot be read or hashed.
 */
int imactl_explain_appraise_fd(imactl_ctx *ctx, int fd, const imactl_explain_opts *o,
			       imactl_explain_result *ret, imactl_diag *reterr);

/**
 * imactl_ima_kernel_hash_algo() - the algorithm the kernel hashes a file's
 * content with for this security.ima value (ima_get_hash_algo()): the
 * signature header's, the digest-ng byte's, sha1/md5 by length for type 1,
 * else @default_algo.
 */
int imactl_ima_kernel_hash_algo(const uint8_t *value, size_t len, int default_algo);

#ifdef __cplusplus
}
#endif
#endif
