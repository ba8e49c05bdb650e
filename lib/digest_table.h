/* SPDX-License-Identifier: MIT */
/* Internal: the hash algorithm table generated from imactl/hash_algo.def. */
#ifndef IMACTL_LIB_DIGEST_TABLE_H
#define IMACTL_LIB_DIGEST_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/digest.h"

struct hash_info {
	const char *name; /* kernel name */
	size_t size;
	const char *ossl; /* OpenSSL fetch name, NULL when OpenSSL has none */
	uint16_t tpm_alg;
};

extern const struct hash_info hash_table[IMACTL_HASH__MAX];

/*
 * The SHA-family algorithm a bare digest of @n bytes is taken for where a
 * format names none (PCR files, the kernel's d-ng digests without "algo:"):
 * sha1, sha256, sha384, sha512; -1 otherwise.
 */
int hash_algo_for_len(size_t n);

#endif
