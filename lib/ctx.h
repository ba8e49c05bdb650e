/* SPDX-License-Identifier: MIT */
/* Internal: the library context. */
#ifndef IMACTL_LIB_CTX_H
#define IMACTL_LIB_CTX_H

#include <pthread.h>

#include <openssl/evp.h>

#include "imactl/imactl.h"

#define CTX_MAX_PROVIDERS 8

struct imactl_ctx {
	OSSL_LIB_CTX *libctx; /* NULL: OpenSSL's default context */
	char *propq;
	OSSL_PROVIDER *providers[CTX_MAX_PROVIDERS];
	size_t n_providers;
	pthread_mutex_t lock;
	EVP_MD *md[IMACTL_HASH__MAX]; /* fetched lazily, under lock */
	unsigned char md_tried[IMACTL_HASH__MAX];
};

/* The fetched digest for an algorithm, NULL when unavailable. Thread-safe. */
const EVP_MD *ctx_md(imactl_ctx *ctx, int algo);

#endif
