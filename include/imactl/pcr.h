/* SPDX-License-Identifier: MIT */
/*
 * PCR values, measurement list replay, the TCG boot event log and IMA's
 * boot_aggregate.
 *
 * Replay follows the kernel (ima_queue.c ima_pcr_extend(), ima_crypto.c
 * ima_calc_field_array_hash()): every entry extends its PCR in every bank;
 * the bank whose algorithm the list's template digests use (SHA-1 in the
 * legacy file, the bank's own in 6.10+ per-bank files) is extended with the
 * logged digest, every other bank with its own hash over the template data,
 * and violations (all-zero digest) extend 0xff... in every bank.
 */
#ifndef IMACTL_PCR_H
#define IMACTL_PCR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imactl/digest.h"
#include "imactl/error.h"
#include "imactl/mlog.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IMACTL_PCR_COUNT 24 /* PCRs of a PC client TPM */

/* A set of PCR values per bank (a quote, a file, sysfs, a replay). */
typedef struct imactl_pcrs imactl_pcrs;
/* A measurement list replay in progress. */
typedef struct imactl_replay imactl_replay;

int imactl_pcrs_new(imactl_pcrs **ret);
/** imactl_pcrs_free() - NULL is a no-op. */
void imactl_pcrs_free(imactl_pcrs *p);

/**
 * imactl_pcrs_set() - set PCR @pcr of bank @algo.  @len must be the bank's
 * digest size.  Returns 0 or -EINVAL.
 */
int imactl_pcrs_set(imactl_pcrs *p, int algo, unsigned int pcr, const uint8_t *v, size_t len);

/** imactl_pcrs_get() - a value (borrowed), or NULL when not set. */
const uint8_t *imactl_pcrs_get(const imactl_pcrs *p, int algo, unsigned int pcr);

/** imactl_pcrs_has_bank() - 1 when any PCR of bank @algo is set, else 0. */
int imactl_pcrs_has_bank(const imactl_pcrs *p, int algo);

/**
 * imactl_pcrs_parse() - add PCR values from text: evmctl's --pcrs format
 * ("PCR-NN: <hex>" lines, one bank per file) or tpm2_pcrread's output
 * ("sha256:" then "  N : 0x<HEX>" lines, any number of banks).
 * @algo: bank of "PCR-NN:" lines; -1 picks it from the digest length (20:
 *        sha1, 32: sha256, 48: sha384, 64: sha512).
 *
 * Returns the number of values added (>= 0), -EBADMSG (malformed line, with
 * its line number in the diag) or -EOPNOTSUPP (unknown bank name).
 */
int imactl_pcrs_parse(imactl_pcrs *p, int algo, const char *text, size_t len, imactl_diag *reterr);

/**
 * imactl_pcrs_read_sysfs() - read /sys/class/tpm/tpmN/pcr-<algo>/<n> for
 * every bank in @algos (or sha1, sha256, sha384, sha512, sm3 when @n_algos is
 * 0) and every PCR.  @tpm_dir: "/sys/class/tpm/tpm0".  Never blocks on a
 * missing TPM.
 *
 * Returns the number of banks read (>= 1), or -ENODEV (no TPM or no
 * readable bank).
 */
int imactl_pcrs_read_sysfs(imactl_pcrs *p, const char *tpm_dir, const int *algos, size_t n_algos,
			   imactl_diag *reterr);

/* Flags for imactl_replay_new(). */
enum {
	/* recompute and compare every template digest (costs one hash per entry) */
	IMACTL_REPLAY_CHECK_TEMPLATE = 1u << 0,
};

/**
 * imactl_replay_new() - start a replay of the banks @algos (kernel hash ids).
 * @expected: optional reference values (borrowed, must outlive the replay):
 *            every entry is compared as it is extended, so a log read after
 *            the PCRs (log ahead of the PCR value) is recognised.
 * Returns 0, -EOPNOTSUPP (a bank's hash unavailable), -EINVAL or -ENOMEM.
 */
int imactl_replay_new(imactl_ctx *ctx, const int *algos, size_t n_algos, unsigned flags,
		      const imactl_pcrs *expected, imactl_replay **ret, imactl_diag *reterr);
void imactl_replay_free(imactl_replay *r);

/**
 * imactl_replay_extend() - extend one entry into every bank.
 * Returns 0; -EKEYREJECTED when the template digest does not match the
 * template data (the entry is extended all the same, the digest bank with the
 * logged digest, as the TPM was); -EBADMSG (PCR number >= 24);
 * -EOPNOTSUPP; -ENOMEM.
 */
int imactl_replay_extend(imactl_replay *r, const imactl_mlog_entry *e, imactl_diag *reterr);

/** imactl_replay_pcrs() - the replayed values of the PCRs the log used (borrowed). */
const imactl_pcrs *imactl_replay_pcrs(const imactl_replay *r);

/** imactl_replay_pcr_mask() - bit n set when the log extended PCR n. */
uint32_t imactl_replay_pcr_mask(const imactl_replay *r);

/** imactl_replay_entries() - entries extended so far. */
uint64_t imactl_replay_entries(const imactl_replay *r);

/**
 * imactl_replay_first_bad_template() - index of the first entry whose
 * template digest did not match its data, or -1.
 */
int64_t imactl_replay_first_bad_template(const imactl_replay *r);

/** imactl_replay_violations() - number of violation entries extended. */
uint64_t imactl_replay_violations(const imactl_replay *r);

enum imactl_pcr_status {
	IMACTL_PCR_MATCH = 0,	 /* final replayed value equals the reference */
	IMACTL_PCR_MATCH_AHEAD,	 /* equal after entry matched_at; later entries not yet extended */
	IMACTL_PCR_MISMATCH,	 /* never equal */
	IMACTL_PCR_NO_REFERENCE, /* no reference value for this bank and PCR */
};

/* The comparison of one bank and PCR. */
typedef struct imactl_pcr_verdict {
	int algo;
	unsigned int pcr;
	int status;	     /* enum imactl_pcr_status */
	uint64_t matched_at; /* entries of the list (1-based count) when it matched */
	uint64_t last_entry; /* count of the last entry that extended this PCR */
	size_t len;
	uint8_t computed[IMACTL_MAX_DIGEST_SIZE];
	uint8_t expected[IMACTL_MAX_DIGEST_SIZE]; /* zero when NO_REFERENCE */
} imactl_pcr_verdict;

/**
 * imactl_replay_verdicts() - compare every replayed bank and PCR with the
 * reference values given to imactl_replay_new(): bank-major, PCR ascending.
 * Writes at most @cap verdicts and returns how many there are (which may
 * exceed @cap).
 */
size_t imactl_replay_verdicts(const imactl_replay *r, imactl_pcr_verdict *out, size_t cap);

/**
 * imactl_replay_result() - the overall verdict: 0 when every bank and PCR
 * with a reference matches (MATCH or MATCH_AHEAD) and at least one was
 * compared; -EKEYREJECTED when any mismatches; -ENODATA when nothing could
 * be compared.
 */
int imactl_replay_result(const imactl_replay *r);

/**
 * imactl_boot_aggregate() - IMA's boot_aggregate for bank @algo from PCR
 * values, as ima_calc_boot_aggregate_tfm(): @algo over PCR 0..7 for sha1,
 * over PCR 0..9 for every other bank.
 * @ret_digest: imactl_hash_size(algo) bytes.
 * Returns 0, -ENODATA (a PCR of that bank is missing) or -EOPNOTSUPP.
 */
int imactl_boot_aggregate(imactl_ctx *ctx, int algo, const imactl_pcrs *pcrs, uint8_t *ret_digest,
			  imactl_diag *reterr);

/* What imactl_eventlog_replay() found. */
typedef struct imactl_eventlog_info {
	bool crypto_agile; /* TPM 2.0 "Spec ID Event03" log, else TPM 1.2 SHA-1 log */
	uint64_t events;   /* events parsed, including the header */
	uint32_t pcr_mask; /* PCRs extended */
	uint32_t locality; /* StartupLocality (0 when absent) */
	int algos[8];	   /* banks the log carries (kernel ids) */
	size_t n_algos;
} imactl_eventlog_info;

/**
 * imactl_eventlog_replay() - replay a TCG event log (binary_bios_measurements,
 * TPM 1.2 or crypto-agile TPM 2.0 format) into @out: every bank the log
 * carries, every PCR it extends (initialised to zero, PCR 0 to the startup
 * locality); EV_NO_ACTION events are not extended.  Pure: parses @data only.
 * @info: optional.
 *
 * Returns 0, -EBADMSG (malformed, with the offset), -EMSGSIZE or -EOPNOTSUPP
 * (a bank OpenSSL cannot hash is skipped silently; unknown digest sizes
 * are -EBADMSG).
 */
int imactl_eventlog_replay(imactl_ctx *ctx, const uint8_t *data, size_t len, imactl_pcrs *out,
			   imactl_eventlog_info *info, imactl_diag *reterr);

#ifdef __cplusplus
}
#endif
#endif
