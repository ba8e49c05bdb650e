/* SPDX-License-Identifier: MIT */
/*
 * TPM 2.0 quote verification: the TPMS_ATTEST a TPM2_Quote signs, its
 * TPMT_SIGNATURE, the PCR digest over PCR values, the nonce, and the
 * attestation key's signature (RSASSA, RSAPSS, ECDSA).
 *
 * Wire formats (TPM 2.0 Library Part 2, all integers big-endian):
 *   TPMS_ATTEST: u32 magic (TPM_GENERATED_VALUE 0xff544347), u16 type
 *     (TPM_ST_ATTEST_QUOTE 0x8018), TPM2B_NAME qualifiedSigner, TPM2B_DATA
 *     extraData (the nonce), TPMS_CLOCK_INFO (u64 clock, u32 resetCount,
 *     u32 restartCount, u8 safe), u64 firmwareVersion, TPMS_QUOTE_INFO
 *     (TPML_PCR_SELECTION: u32 count, count x {u16 hash, u8 sizeofSelect,
 *     pcrSelect bitmap}; TPM2B_DIGEST pcrDigest).
 *   TPMT_SIGNATURE: u16 sigAlg, u16 hash, then TPM2B_PUBLIC_KEY_RSA (RSASSA,
 *     RSAPSS) or two TPM2B_ECC_PARAMETER r, s (ECDSA).
 * tpm2_quote -m writes the TPMS_ATTEST (the TPM2B_ATTEST's body; the parser
 * also accepts it with its u16 size), -s writes a TPMT_SIGNATURE ("tss"
 * format) or, with -f plain, the bare signature (RSA bytes or DER ECDSA).
 *
 * pcrDigest is the quote's hash (the signing scheme's) over the selected PCR
 * values concatenated: selections in order, PCRs ascending within each.
 */
#ifndef IMACTL_QUOTE_H
#define IMACTL_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imactl/digest.h"
#include "imactl/error.h"
#include "imactl/pcr.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Wire constants. */
#define IMACTL_TPM_GENERATED_VALUE 0xff544347u
#define IMACTL_TPM_ST_ATTEST_QUOTE 0x8018u
#define IMACTL_TPM_ALG_RSASSA	   0x0014u
#define IMACTL_TPM_ALG_RSAPSS	   0x0016u
#define IMACTL_TPM_ALG_ECDSA	   0x0018u

/* Limits (the TPM's own maxima). */
#define IMACTL_QUOTE_ATTEST_MAX 2048 /* bytes of a TPMS_ATTEST (sizeof(TPMS_ATTEST) < 2048) */
#define IMACTL_QUOTE_NAME_MAX	66   /* TPM2B_NAME: sizeof(TPMU_NAME) */
#define IMACTL_QUOTE_DATA_MAX	66   /* TPM2B_DATA: sizeof(TPMT_HA) */
#define IMACTL_QUOTE_BANKS_MAX	16   /* TPML_PCR_SELECTION: HASH_COUNT */
#define IMACTL_QUOTE_SELECT_MAX 4    /* pcrSelect bytes: PCR_SELECT_MAX for 32 PCRs */
#define IMACTL_TPM_SIG_MAX	512  /* RSA 4096 signature, or a DER ECDSA signature */
#define IMACTL_TPM_ECC_MAX	72   /* TPM2B_ECC_PARAMETER: MAX_ECC_KEY_BYTES, with room */

/* One TPMS_PCR_SELECTION of a quote. */
typedef struct imactl_quote_bank {
	uint16_t tpm_alg; /* TPM_ALG_ID of the bank */
	int algo;	  /* kernel hash id, -1 when unknown to imactl */
	uint32_t mask;	  /* bit n: PCR n selected */
} imactl_quote_bank;

/* A parsed TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE (a value, no pointers). */
typedef struct imactl_quote {
	uint8_t signer[IMACTL_QUOTE_NAME_MAX]; /* qualifiedSigner */
	size_t signer_len;
	uint8_t nonce[IMACTL_QUOTE_DATA_MAX]; /* extraData */
	size_t nonce_len;
	uint64_t clock;
	uint32_t reset_count, restart_count;
	bool safe;
	uint64_t firmware_version;
	size_t nbanks;
	imactl_quote_bank banks[IMACTL_QUOTE_BANKS_MAX];
	uint8_t pcr_digest[IMACTL_MAX_DIGEST_SIZE];
	size_t pcr_digest_len;
} imactl_quote;

/* A TPMT_SIGNATURE, or a plain signature (a value, no pointers). */
typedef struct imactl_tpm_sig {
	uint16_t sig_alg;  /* IMACTL_TPM_ALG_*; 0 for a plain signature (scheme from the key) */
	uint16_t hash_alg; /* TPM_ALG_ID of the hash */
	int algo;	   /* kernel hash id, -1 when unknown */
	uint8_t sig[IMACTL_TPM_SIG_MAX]; /* RSA signature, or plain DER ECDSA */
	size_t sig_len;
	uint8_t r[IMACTL_TPM_ECC_MAX], s[IMACTL_TPM_ECC_MAX]; /* ECDSA (TPMT_SIGNATURE) */
	size_t r_len, s_len;
} imactl_tpm_sig;

/**
 * imactl_quote_parse() - parse a quote's TPMS_ATTEST.  Pure and bounded.
 * @data, @len: the TPMS_ATTEST, or a TPM2B_ATTEST (u16 size first).
 * @ret: filled on success only.
 *
 * Returns 0; -EBADMSG (truncated, trailing bytes, bad magic, a size over its
 * TPM limit; the diag has the offset); -EOPNOTSUPP (an attestation that is
 * not a quote, named by its type).
 */
int imactl_quote_parse(const uint8_t *data, size_t len, imactl_quote *ret, imactl_diag *reterr);

/**
 * imactl_tpm_sig_parse() - parse a TPMT_SIGNATURE (tpm2_quote -s, tss
 * format).  Pure and bounded.
 * Returns 0; -EBADMSG (malformed or trailing bytes); -EOPNOTSUPP (a scheme
 * other than RSASSA, RSAPSS, ECDSA).
 */
int imactl_tpm_sig_parse(const uint8_t *data, size_t len, imactl_tpm_sig *ret, imactl_diag *reterr);

/**
 * imactl_tpm_sig_plain() - wrap a plain signature (tpm2_quote -f plain: RSA
 * bytes, or DER ECDSA) made with hash @algo; the scheme comes from the key
 * (RSA: RSASSA, then RSAPSS; EC: ECDSA).
 * Returns 0, -EMSGSIZE (longer than IMACTL_TPM_SIG_MAX) or -EOPNOTSUPP.
 */
int imactl_tpm_sig_plain(const uint8_t *data, size_t len, int algo, imactl_tpm_sig *ret,
			 imactl_diag *reterr);

/**
 * imactl_quote_verify_sig() - verify the AK signature over the TPMS_ATTEST
 * bytes @msg (as signed: without a TPM2B size).
 * @ak: the attestation key's public key (borrowed).
 *
 * Returns 0; -EKEYREJECTED (signature does not verify, or its scheme does
 * not fit the key's type); -EOPNOTSUPP (hash unavailable).
 */
int imactl_quote_verify_sig(imactl_ctx *ctx, const imactl_key *ak, const uint8_t *msg, size_t len,
			    const imactl_tpm_sig *sig, imactl_diag *reterr);

/**
 * imactl_quote_pcr_digest() - hash with @algo the PCR values @pcrs selected
 * by @q: selections in quote order, PCRs ascending.
 * @ret_digest: imactl_hash_size(algo) bytes.
 *
 * Returns 0; -ENODATA (a selected PCR has no value, named in the diag);
 * -EOPNOTSUPP (a bank or @algo imactl cannot hash).
 */
int imactl_quote_pcr_digest(imactl_ctx *ctx, const imactl_quote *q, const imactl_pcrs *pcrs,
			    int algo, uint8_t *ret_digest, imactl_diag *reterr);

/**
 * imactl_quote_selected() - copy the PCR values of @pcrs that @q selects
 * into @out (which may already hold values; they are replaced).
 * Returns the number copied, or -ENODATA (a selected PCR missing), -EINVAL.
 */
int imactl_quote_selected(const imactl_quote *q, const imactl_pcrs *pcrs, imactl_pcrs *out,
			  imactl_diag *reterr);

/* What to check in imactl_quote_verify(). */
typedef struct imactl_quote_check {
	const uint8_t *msg; /* TPMS_ATTEST (or TPM2B_ATTEST) */
	size_t msg_len;
	const imactl_tpm_sig *sig;
	const imactl_key *ak;
	const uint8_t *nonce; /* expected extraData; NULL: not checked (say so to users) */
	size_t nonce_len;
	const imactl_pcrs *pcrs; /* PCR values claimed; NULL: digest not checked */
} imactl_quote_check;

/* Outcome of each check: 0 passed, a negative errno failed, 1 not checked. */
typedef struct imactl_quote_result {
	imactl_quote quote; /* valid when parse == 0 */
	int parse;
	int signature; /* -EKEYREJECTED: bad AK signature */
	int nonce;     /* -EKEYREJECTED: extraData differs from the nonce */
	int pcrs;      /* -EKEYREJECTED: PCR digest differs; -ENODATA: a PCR missing */
	uint8_t computed[IMACTL_MAX_DIGEST_SIZE]; /* the recomputed pcrDigest */
	size_t computed_len;
	imactl_diag parse_diag, signature_diag, nonce_diag, pcrs_diag;
} imactl_quote_result;

/**
 * imactl_quote_verify() - parse the quote and run every check in @chk, each
 * even when an earlier one failed (so all can be reported); the digest is
 * computed with the signature's hash.
 *
 * Returns 0 when every requested check passed, else the first failure in the
 * order parse, signature, nonce, PCR digest (-EBADMSG, -EKEYREJECTED, -ENODATA,
 * -EOPNOTSUPP), with its diag copied to @reterr.
 */
int imactl_quote_verify(imactl_ctx *ctx, const imactl_quote_check *chk, imactl_quote_result *res,
			imactl_diag *reterr);

#ifdef __cplusplus
}
#endif
#endif
