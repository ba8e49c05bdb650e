/* SPDX-License-Identifier: MIT */
/* Internal: the key object, shared by key.c and sig.c. */
#ifndef IMACTL_LIB_KEY_INTERNAL_H
#define IMACTL_LIB_KEY_INTERNAL_H

#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

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
};

#endif
