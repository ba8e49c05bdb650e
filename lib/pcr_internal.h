/* SPDX-License-Identifier: MIT */
/* Internal: the PCR value set shared by pcr.c and eventlog.c. */
#ifndef IMACTL_LIB_PCR_INTERNAL_H
#define IMACTL_LIB_PCR_INTERNAL_H

#include <openssl/evp.h>

#include "imactl/pcr.h"

struct imactl_pcrs {
	uint32_t set[IMACTL_HASH__MAX]; /* bit n: PCR n of that bank is set */
	uint8_t v[IMACTL_HASH__MAX][IMACTL_PCR_COUNT][IMACTL_MAX_DIGEST_SIZE];
};

/* Extend pcrs->v[algo][pcr] with digest (bank-size bytes) using mctx; marks it set. */
int pcr_extend(EVP_MD_CTX *mctx, const EVP_MD *md, imactl_pcrs *p, int algo, unsigned int pcr,
	       const uint8_t *digest, size_t len);

#endif
