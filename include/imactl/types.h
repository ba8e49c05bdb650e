/* SPDX-License-Identifier: MIT */
/* Opaque handle types shared by the public headers (declared once, C99-safe). */
#ifndef IMACTL_TYPES_H
#define IMACTL_TYPES_H

/* Library context: OpenSSL library context, providers, cached algorithms. */
typedef struct imactl_ctx imactl_ctx;
/* A private (signing) or public (verification) key with its IMA key ids. */
typedef struct imactl_key imactl_key;
/* A set of verification keys, looked up by key id. */
typedef struct imactl_keyring imactl_keyring;
/* A secret (passphrase, HMAC key) in locked memory, wiped on free. */
typedef struct imactl_secret imactl_secret;

#endif
