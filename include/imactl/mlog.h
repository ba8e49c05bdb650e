/* SPDX-License-Identifier: MIT */
/*
 * IMA measurement list reader: binary_runtime_measurements (native or
 * canonical little-endian, the legacy SHA-1 file and the 6.10+ per-bank
 * binary_runtime_measurements_<algo> files) and ascii_runtime_measurements,
 * for the templates ima, ima-ng, ima-ngv2, ima-sig, ima-sigv2, ima-buf,
 * ima-modsig, evm-sig and any custom ima_template_fmt built from the kernel's
 * template fields.
 *
 * The reader is streaming: it holds one entry at a time (memory does not grow
 * with the log) and hands out a borrowed view of it.  Wire format (ima_fs.c
 * ima_measurements_show()): u32 pcr, template digest, u32 name_len, name,
 * u32 template_data_len (absent for "ima"), template data = fields, each a
 * u32 length and its bytes ("ima": raw 20-byte digest, then u32 len + name
 * without its NUL).
 */
#ifndef IMACTL_MLOG_H
#define IMACTL_MLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imactl/digest.h"
#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A measurement list reader. */
typedef struct imactl_mlog imactl_mlog;

/* Limits (the kernel's, or generous bounds where the kernel has none). */
#define IMACTL_TEMPLATE_FIELDS_MAX    15	  /* IMA_TEMPLATE_NUM_FIELDS_MAX */
#define IMACTL_TEMPLATE_FIELD_ID_MAX  16	  /* IMA_TEMPLATE_FIELD_ID_MAX_LEN */
#define IMACTL_TEMPLATE_NAME_MAX      255	  /* template name or format string */
#define IMACTL_MLOG_TEMPLATE_DATA_MAX (16u << 20) /* one entry's template data */
#define IMACTL_MLOG_ASCII_LINE_MAX    (40u << 20) /* one ascii line (hex doubles data) */

/* Input format for imactl_mlog_open_*(). */
enum imactl_mlog_format {
	IMACTL_MLOG_AUTO = 0, /* ascii when the input starts with a digit or a space */
	IMACTL_MLOG_BINARY,
	IMACTL_MLOG_ASCII,
};

/* Flags for imactl_mlog_open_*(). */
enum {
	/*
	 * Binary lists are read little-endian (native on the hosts we run on,
	 * and the ima_canonical_fmt layout).  A native list from a big-endian
	 * host is detected from its first entry; this flag forces it.
	 */
	IMACTL_MLOG_BIG_ENDIAN = 1u << 0,
};

/* Digest type of a d-ngv2 field ("ima:" or "verity:" prefix). */
enum imactl_mlog_digest_type {
	IMACTL_MLOG_DIGEST_NONE = 0, /* d, d-ng: no type prefix */
	IMACTL_MLOG_DIGEST_IMA,
	IMACTL_MLOG_DIGEST_VERITY,
};

/* One template field of an entry (borrowed view). */
typedef struct imactl_mlog_field {
	const char *id;	     /* kernel field id: "d-ng", "n-ng", "sig" ... */
	int kind;	     /* internal field number; see imactl_template_field_id() */
	const uint8_t *data; /* field bytes as in the binary list */
	uint32_t len;
} imactl_mlog_field;

/*
 * One measurement list entry.  Every pointer is borrowed from the reader and
 * valid until the next imactl_mlog_next() or imactl_mlog_free().
 */
typedef struct imactl_mlog_entry {
	uint64_t index;	 /* 0-based position in the list */
	uint64_t offset; /* byte offset of the entry in the input */
	uint64_t line;	 /* 1-based line for ascii input, 0 for binary */
	uint32_t pcr;

	/* The template digest as logged (SHA-1 in the legacy file). */
	int digest_algo;
	size_t digest_len;
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	bool violation; /* all-zero template digest: extended as 0xff... */

	const char *template_name; /* NUL-terminated; a format string for custom templates */
	const char *template_fmt;  /* "d-ng|n-ng|sig" ... */

	/*
	 * The bytes the template digest is computed over (ima_crypto.c
	 * ima_calc_field_array_hash()): for every template but "ima" the
	 * template data as in the binary list; for "ima" the 20-byte digest
	 * followed by the name zero-padded to 256 bytes.
	 */
	const uint8_t *hashed;
	size_t hashed_len;

	unsigned int nfields;
	imactl_mlog_field fields[IMACTL_TEMPLATE_FIELDS_MAX];

	/* Decoded from the fields, for convenience (NULL/0/-1 when absent). */
	int file_algo; /* d-ng/d-ngv2/d algorithm, -1 when unknown */
	int file_digest_type;
	const uint8_t *file_digest;
	size_t file_digest_len;
	const char *file_algo_name; /* as logged, e.g. "sha256", NUL-terminated */
	const char *name;	    /* n / n-ng, NUL-terminated */
	size_t name_len;
	const uint8_t *sig; /* sig field (security.ima value), or evmsig */
	size_t sig_len;
	const uint8_t *buf; /* buf field (ima-buf) */
	size_t buf_len;
} imactl_mlog_entry;

/**
 * imactl_mlog_open_buf() - read a measurement list held in memory.
 * @data, @len: the list; borrowed, must outlive the reader.
 * @format: IMACTL_MLOG_AUTO, _BINARY or _ASCII.
 * @digest_algo: algorithm of the template digests: IMACTL_HASH_SHA1 for the
 *               legacy file, the bank's for binary_runtime_measurements_<algo>;
 *               -1 = SHA-1 (binary) or from the digest length (ascii).
 * @flags: IMACTL_MLOG_BIG_ENDIAN or 0.
 * @ret_log: owned; free with imactl_mlog_free().
 *
 * Returns 0, -EINVAL (bad argument), -EOPNOTSUPP (digest algorithm) or -ENOMEM.
 */
int imactl_mlog_open_buf(imactl_ctx *ctx, const uint8_t *data, size_t len, int format,
			 int digest_algo, unsigned flags, imactl_mlog **ret_log,
			 imactl_diag *reterr);

/**
 * imactl_mlog_open_fd() - read a measurement list from an fd (a file, a pipe
 * or securityfs), in chunks; the fd is borrowed and read until EOF.
 * Arguments and returns as imactl_mlog_open_buf().
 */
int imactl_mlog_open_fd(imactl_ctx *ctx, int fd, int format, int digest_algo, unsigned flags,
			imactl_mlog **ret_log, imactl_diag *reterr);

/**
 * imactl_mlog_set_name() - the input's name for diagnostics (copied).
 */
void imactl_mlog_set_name(imactl_mlog *log, const char *name);

/**
 * imactl_mlog_next() - parse the next entry.
 * @ret_entry: receives a borrowed view, valid until the next call.
 *
 * Returns 1 with an entry, 0 at the end of the list, or -EBADMSG (malformed
 * or truncated entry; the diag holds the entry index and offset),
 * -EMSGSIZE (over a limit), -EIO/-errno (read error).  After an error the
 * reader stays at the failed entry and keeps returning the error.
 */
int imactl_mlog_next(imactl_mlog *log, const imactl_mlog_entry **ret_entry, imactl_diag *reterr);

/** imactl_mlog_format() - IMACTL_MLOG_BINARY or _ASCII (known after the first entry). */
int imactl_mlog_format(const imactl_mlog *log);

/** imactl_mlog_free() - free a reader; NULL is a no-op. */
void imactl_mlog_free(imactl_mlog *log);

/**
 * imactl_mlog_entry_check() - recompute an entry's template digest with
 * entry->digest_algo over entry->hashed and compare it with the logged one.
 * Violations (all-zero digest) are not checked and return 0.
 *
 * Returns 0, -EKEYREJECTED (mismatch) or -EOPNOTSUPP.
 */
int imactl_mlog_entry_check(imactl_ctx *ctx, const imactl_mlog_entry *e, imactl_diag *reterr);

/**
 * imactl_template_fmt() - the format string of a built-in template name
 * ("ima-sig" -> "d-ng|n-ng|sig"), or NULL when @name is not built in.
 */
const char *imactl_template_fmt(const char *name);

/**
 * imactl_template_check_fmt() - validate a custom format string as the kernel
 * does (template_desc_init_fields(): at most 15 '|'-separated known field ids
 * of 1..16 characters).  Returns 0, -EBADMSG (empty or over-long id) or
 * -EOPNOTSUPP (unknown field id, named in the diag).
 */
int imactl_template_check_fmt(const char *fmt, imactl_diag *reterr);

/** imactl_template_field_id() - the kernel id of a field kind, or NULL. */
const char *imactl_template_field_id(int kind);

#ifdef __cplusplus
}
#endif
#endif
