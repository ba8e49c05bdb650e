/* SPDX-License-Identifier: MIT */
#ifndef IMACTL_ERROR_H
#define IMACTL_ERROR_H

/*
 * Error contract of libimactl.
 *
 * Every function returns 0 (or a documented non-negative value) on success and
 * a negative errno on failure.  Codes with a fixed meaning:
 *
 *   -EBADMSG       malformed input
 *   -EKEYREJECTED  signature or HMAC mismatch, hash mismatch
 *   -ENOKEY        no key with that id
 *   -ENODATA       xattr absent
 *   -EOPNOTSUPP    algorithm or format not supported
 *   -EMSGSIZE      over a limit
 *
 * Details (which file, where, why) go to an optional imactl_diag supplied by
 * the caller as the last parameter; it is written only on failure.  The
 * library never prints, logs or exits.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IMACTL_DIAG_MSG_MAX  512
#define IMACTL_DIAG_FILE_MAX 256

typedef struct imactl_diag {
	int code;			 /* the negative errno returned */
	char file[IMACTL_DIAG_FILE_MAX]; /* input name, "" when unknown */
	unsigned long line;		 /* 1-based, 0 when not applicable */
	unsigned long column;		 /* 1-based, 0 when not applicable */
	unsigned long offset;		 /* byte offset in binary input */
	int has_offset;			 /* offset is meaningful */
	char msg[IMACTL_DIAG_MSG_MAX];	 /* one-line explanation, no newline */
} imactl_diag;

/**
 * imactl_strerror() - short text for a libimactl error code.
 * @code: a negative errno as returned by libimactl.
 *
 * Returns a static string; never NULL.
 */
const char *imactl_strerror(int code);

/**
 * imactl_diag_clear() - reset a diagnostic to "no error".
 * @d: the diagnostic, may be NULL.
 */
void imactl_diag_clear(imactl_diag *d);

/**
 * imactl_diag_set_file() - record which input a diagnostic is about, when the
 * callee could not know (e.g. a blob decoded from memory).
 * @d: the diagnostic, may be NULL.
 * @file: the name; truncated to fit.
 */
void imactl_diag_set_file(imactl_diag *d, const char *file);

#ifdef __cplusplus
}
#endif
#endif
