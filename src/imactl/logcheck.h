/* SPDX-License-Identifier: MIT */
/*
 * Measurement list verification shared by `imactl log`, `imactl bootaggr`
 * and the evmctl personality's ima_measurement / ima_boot_aggregate: one
 * pass over the list that re-checks template digests, verifies signatures
 * and replays every requested bank.
 */
#ifndef IMACTL_LOGCHECK_H
#define IMACTL_LOGCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "imactl/imactl.h"
#include "imactl/mlog.h"
#include "imactl/pcr.h"

#define LOGCHECK_TEMPLATES 8
#define LOGCHECK_NAME_MAX  256

#define IMA_LOG_DEFAULT	 "/sys/kernel/security/ima/binary_runtime_measurements"
#define BIOS_LOG_DEFAULT "/sys/kernel/security/tpm0/binary_bios_measurements"
#define TPM_SYSFS	 "/sys/class/tpm/tpm0"

/* Outcome of one entry's signature check. */
enum sig_status {
	SIG_NONE = 0,	 /* no signature in the entry */
	SIG_OK,		 /* verified */
	SIG_BAD,	 /* did not verify */
	SIG_NOKEY,	 /* no key with its key id */
	SIG_UNSUPPORTED, /* a form this check does not handle */
};

typedef void (*logcheck_entry_cb)(void *ud, const imactl_mlog_entry *e, int tmpl_rc,
				  enum sig_status sig, const imactl_diag *sig_diag);

struct logcheck_opts {
	const char *path; /* "-" reads standard input */
	int digest_algo;  /* -1: from a _<algo> file name suffix, else sha1 */
	const int *banks; /* banks to replay */
	size_t nbanks;
	const imactl_pcrs *expected;   /* reference PCR values, or NULL */
	const imactl_keyring *keyring; /* NULL: signatures are not checked */
	logcheck_entry_cb on_entry;    /* optional */
	void *ud;
};

struct logcheck_result {
	uint64_t entries, violations, tmpl_bad;
	uint64_t sig_ok, sig_bad, sig_nokey, sig_unsupported, sig_none;
	int64_t first_tmpl_bad, first_sig_bad;
	char first_tmpl_bad_name[LOGCHECK_NAME_MAX], first_sig_bad_name[LOGCHECK_NAME_MAX];
	char tmpl_names[LOGCHECK_TEMPLATES][64];
	uint64_t tmpl_counts[LOGCHECK_TEMPLATES];
	size_t ntmpl;
	bool have_first; /* the first entry is boot_aggregate */
	int first_algo;	 /* its file digest algorithm */
	uint8_t first_digest[IMACTL_MAX_DIGEST_SIZE];
	size_t first_len;
	imactl_replay *replay; /* owned; logcheck_result_done() frees it */
	int parse_rc;	       /* 0 or the reader's error */
	imactl_diag parse_diag;
};

/*
 * Run the check.  Returns 0 when the list was read to its end (verdicts are
 * in @res, including parse errors mid-list in res->parse_rc), or a negative
 * errno when it could not start (open error, bad arguments) with @reterr set.
 */
int logcheck_run(imactl_ctx *ctx, const struct logcheck_opts *o, struct logcheck_result *res,
		 imactl_diag *reterr);
void logcheck_result_done(struct logcheck_result *res);

/* Verify one entry's sig/evmsig field against a keyring. */
enum sig_status logcheck_entry_sig(imactl_ctx *ctx, const imactl_keyring *kr,
				   const imactl_mlog_entry *e, imactl_diag *reterr);

/* The list digest algorithm a file name implies ("..._sha256"), or -1. */
int logcheck_algo_from_path(const char *path);

/*
 * Load "[ALGO,]FILE" (evmctl --pcrs syntax) into @p.  Returns the number of
 * values, or a negative errno with @reterr set.
 */
int logcheck_load_pcrs(imactl_pcrs *p, const char *arg, imactl_diag *reterr);

/* Read a whole file ("-" for stdin) into a malloc'ed buffer, at most @max bytes. */
int logcheck_read_file(const char *path, size_t max, uint8_t **ret, size_t *ret_len);

#endif
