/* SPDX-License-Identifier: MIT */
/*
 * Secrets (passphrases, HMAC keys): held in locked, non-dumpable memory and
 * wiped on free, on every path.
 */
#ifndef IMACTL_SECRET_H
#define IMACTL_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest secret accepted from any source. */
#define IMACTL_SECRET_MAX 4096

/** imactl_secret_new() - an empty secret of capacity @cap (<= IMACTL_SECRET_MAX). */
int imactl_secret_new(size_t cap, imactl_secret **ret);
/** imactl_secret_free() - wipe and free; NULL is a no-op. */
void imactl_secret_free(imactl_secret *s);
/** imactl_secret_data() - the bytes (borrowed; valid until free). */
const uint8_t *imactl_secret_data(const imactl_secret *s);
size_t imactl_secret_len(const imactl_secret *s);

/**
 * imactl_secret_from_fd() - read a secret from an fd until EOF (a pipe, a
 * file), up to IMACTL_SECRET_MAX bytes.  With @strip_newline one trailing
 * "\n" (or "\r\n") is removed, as for a passphrase file.
 * Returns 0, -EMSGSIZE (too long) or a read error.
 */
int imactl_secret_from_fd(int fd, int strip_newline, imactl_secret **ret, imactl_diag *reterr);
/** imactl_secret_from_file() - as from_fd, opening @path (O_CLOEXEC|O_NOFOLLOW). */
int imactl_secret_from_file(const char *path, int strip_newline, imactl_secret **ret,
			    imactl_diag *reterr);
/** imactl_secret_from_str() - copy a C string (an environment variable). */
int imactl_secret_from_str(const char *str, imactl_secret **ret);
/** imactl_secret_from_mem() - copy bytes. */
int imactl_secret_from_mem(const uint8_t *p, size_t len, imactl_secret **ret);

#ifdef __cplusplus
}
#endif
#endif
