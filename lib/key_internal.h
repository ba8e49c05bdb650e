/* SPDX-License-Identifier: MIT */
/* Internal: the key object, shared by key.c and sig.c. */
#ifndef IMACTL_LIB_KEY_INTERNAL_H
#define IMACTL_LIB_KEY_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "imactl/digest.h"
#include "imactl/key.h"

struct imactl_key {
	EVP_PKEY *pkey;
	int is_private;
	uint32_t keyid;	     /* effective v2 key id (override, SKID or key hash) */
	uint32_t hash_keyid; /* from SHA-1 of the public key bits */
	uint32_t skid_keyid; /* from the certificate SKID, when has_skid */
	int has_skid;
	uint8_t *cert_der; /* the certificate, when the key came with one */
	size_t cert_der_len;
	char *source;
	/*
	 * Verification contexts prepared once per digest (index IMACTL_HASH__MAX:
	 * raw PKCS#1 for signature v1) and duplicated for each verify: setting
	 * one up (provider fetch, key import, md) costs as much as a fifth of an
	 * RSA-2048 verify.  Built lazily under vlock for the library context of
	 * the first use; another context verifies without the cache.
	 */
	pthread_mutex_t vlock;
	OSSL_LIB_CTX *vlib;
	int vlib_set;
	EVP_PKEY_CTX *vctx[IMACTL_HASH__MAX + 1];
};

/* A zeroed key with its lock initialised (key.c); NULL on ENOMEM. */
struct imactl_key *key_alloc(void);

#endif
