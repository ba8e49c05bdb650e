/* SPDX-License-Identifier: MIT */
/*
 * Keys: private signing keys (PEM/DER, encrypted or not, or an OpenSSL store
 * URI such as pkcs11:), public keys and X.509 certificates, their IMA key ids
 * and keyrings of verification keys.
 *
 * Key id v2 (4 bytes, printed "%08x"), as ima-evm-utils' evmctl derives it:
 *   1. an explicit override (imactl_key_set_keyid());
 *   2. the last 4 bytes of the subjectKeyIdentifier of a certificate found in
 *      the private key file (an appended certificate);
 *   3. else the last 4 bytes of SHA-1 over the public key bits (the
 *      SubjectPublicKeyInfo BIT STRING), which equals the SKID that
 *      `openssl req -addext subjectKeyIdentifier=hash` and most CAs produce.
 * The kernel finds the verification key by matching the id against the SKID of
 * the certificates on its keyring; imactl keyrings match either form.
 */
#ifndef IMACTL_KEY_H
#define IMACTL_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Passphrase callback: write the passphrase (not NUL-terminated) into @buf of
 * @cap bytes and return its length, or a negative errno (-ECANCELED when the
 * user has none).  Called at most once per load, only for encrypted keys.
 */
typedef int (*imactl_pass_cb)(char *buf, size_t cap, void *userdata);

/**
 * imactl_key_load_private() - load a private key.
 * @uri: a file path (PEM or DER; PKCS#8, traditional, encrypted or not) or an
 *       OpenSSL store URI ("pkcs11:..." with the pkcs11 provider loaded).
 * @pass_cb, @pass_data: passphrase source for encrypted keys; may be NULL.
 * @ret_key: owned by the caller; free with imactl_key_free().
 *
 * Returns 0; -ENOENT/-EACCES (cannot open), -EBADMSG (not a key), -EKEYREJECTED
 * (wrong passphrase), -ECANCELED (encrypted and no passphrase), -EOPNOTSUPP
 * (key type not usable for IMA: only RSA and EC keys are).
 */
int imactl_key_load_private(imactl_ctx *ctx, const char *uri, imactl_pass_cb pass_cb,
			    void *pass_data, imactl_key **ret_key, imactl_diag *reterr);

/**
 * imactl_key_load_public() - load a verification key from a file: an X.509
 * certificate (PEM or DER) or a bare public key (PEM or DER SubjectPublicKeyInfo,
 * or a PKCS#1 RSA public key).
 * Returns 0, -ENOENT/-EACCES, -EBADMSG.
 */
int imactl_key_load_public(imactl_ctx *ctx, const char *path, imactl_key **ret_key,
			   imactl_diag *reterr);

/** imactl_key_load_public_mem() - as imactl_key_load_public() from memory. */
int imactl_key_load_public_mem(imactl_ctx *ctx, const uint8_t *data, size_t len,
			       imactl_key **ret_key, imactl_diag *reterr);

/** imactl_key_free() - free a key; NULL is a no-op. */
void imactl_key_free(imactl_key *key);

/** imactl_key_keyid() - the v2 key id (see above). */
uint32_t imactl_key_keyid(const imactl_key *key);

/** imactl_key_set_keyid() - override the key id (--keyid, --keyid-from-cert). */
void imactl_key_set_keyid(imactl_key *key, uint32_t keyid);

/**
 * imactl_key_skid_keyid() - the key id from a certificate's SKID, when the key
 * came with a certificate.  Returns 0, or -ENODATA.
 */
int imactl_key_skid_keyid(const imactl_key *key, uint32_t *ret_keyid);

/**
 * imactl_key_keyid_v1() - the 8-byte v1 key id (RSA only): bytes 12..19 of
 * SHA-1 over the ima-evm-utils public key blob {1, ts=0, algo=0, nmpi=2,
 * MPI(n), MPI(e)}.  Returns 0 or -EOPNOTSUPP (not RSA).
 */
int imactl_key_keyid_v1(const imactl_key *key, uint8_t ret_keyid[8]);

/** imactl_key_is_private() - 1 for a signing key, 0 for a verification key. */
int imactl_key_is_private(const imactl_key *key);

/**
 * imactl_key_describe() - "RSA-2048", "EC-P256" ... into @buf.
 * Returns @buf.
 */
const char *imactl_key_describe(const imactl_key *key, char *buf, size_t cap);

/** imactl_key_source() - the path or URI the key was loaded from (borrowed). */
const char *imactl_key_source(const imactl_key *key);

/**
 * imactl_key_der_cert() - the DER certificate a verification key came from,
 * for kernel keyring import.  Returns 0 and borrows into *ret, or -ENODATA
 * (bare public key).
 */
int imactl_key_der_cert(const imactl_key *key, const uint8_t **ret, size_t *ret_len);

/**
 * imactl_cert_keyid() - key id from a certificate file's SKID (last 4 bytes),
 * as evmctl --keyid-from-cert.  Returns 0, -ENOENT, -EBADMSG or -ENODATA (no
 * SKID extension).
 */
int imactl_cert_keyid(imactl_ctx *ctx, const char *path, uint32_t *ret_keyid, imactl_diag *reterr);

/* Keyrings of verification keys. */
int imactl_keyring_new(imactl_keyring **ret);
void imactl_keyring_free(imactl_keyring *kr);
/** imactl_keyring_add() - add a key; the keyring takes ownership. */
int imactl_keyring_add(imactl_keyring *kr, imactl_key *key);
/**
 * imactl_keyring_load_dir() - add every certificate in a directory (the
 * /etc/keys/ima layout); unreadable or non-key files are skipped and counted
 * in *ret_skipped.  Returns the number of keys added or a negative errno.
 */
int imactl_keyring_load_dir(imactl_ctx *ctx, imactl_keyring *kr, const char *dir,
			    size_t *ret_skipped, imactl_diag *reterr);
size_t imactl_keyring_count(const imactl_keyring *kr);
const imactl_key *imactl_keyring_get(const imactl_keyring *kr, size_t i);
/** imactl_keyring_find() - a key whose v2 or SKID key id is @keyid, or NULL. */
const imactl_key *imactl_keyring_find(const imactl_keyring *kr, uint32_t keyid);
/** imactl_keyring_find_v1() - a key whose v1 key id is @keyid, or NULL. */
const imactl_key *imactl_keyring_find_v1(const imactl_keyring *kr, const uint8_t keyid[8]);

#ifdef __cplusplus
}
#endif
#endif
