/* SPDX-License-Identifier: MIT */
/*
 * evmctl personality: ima_measurement and ima_boot_aggregate, with
 * ima-evm-utils 1.4's messages and exit codes where 1.4 is right.
 *
 * Deliberate differences (1.4 is wrong there):
 *  - every bank given a reference value must match; 1.4 reports "Matched"
 *    when the sha256 bank matches a forged value while sha1 does not;
 *  - any bank the TPM or --pcrs has (sha384, sha512, sm3 too), not only
 *    sha1 and sha256;
 *  - a signature that fails --verify-sig fails the command (1.4: exit 0);
 *  - no reference PCR value at all is a failure (1.4: exit 0, nothing checked);
 *  - ima_boot_aggregate reads crypto-agile TPM 2.0 event logs as well as
 *    TPM 1.2 ones, and never waits for a TPM that is not there.
 *  - the TPM is reached through tpm2-tss with /dev/tpmrm0 or /dev/tpm0 only
 *    (1.4 lets tpm2-tss search, starting with tpm2-abrmd over D-Bus, ~15 s
 *    without a TPM); with --hwtpm, $TPM2TOOLS_TCTI names another transport.
 *    Without --pcrs and --hwtpm, sysfs comes first and the TPM device is the
 *    fallback, as in 1.4.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/tpm.h"

#include "evmctl.h"
#include "../imactl/logcheck.h"
#include "util/cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_pcrs *, imactl_pcrs_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_keyring *, imactl_keyring_free)

#define MEAS_USAGE                                                                             \
	"usage: ima_measurement [--ignore-violations] [--verify-sig [--key key1, key2, ...]] " \
	"[--pcrs [hash-algorithm,]file [--pcrs hash-algorithm,file] ...] [--verify-bank "      \
	"hash-algorithm] file\n"

static void hex_err(const uint8_t *p, size_t n)
{
	print_hex(stderr, p, n);
}

/* evmctl -v prints each entry as "pcr template-hash template algo:digest name [sig]". */
static void verbose_entry(void *ud, const imactl_mlog_entry *en, int tmpl_rc, enum sig_status sig,
			  const imactl_diag *sd)
{
	struct evmctl *e = ud;

	if (e->verbose) {
		fprintf(stderr, "%d ", en->pcr);
		hex_err(en->digest, en->digest_len);
		fprintf(stderr, " %s ", en->template_name);
		if (en->file_digest) {
			fprintf(stderr, "%s:", en->file_algo_name ? en->file_algo_name : "");
			hex_err(en->file_digest, en->file_digest_len);
		}
		fprintf(stderr, " %s", en->name ? en->name : "");
		if (en->sig) {
			fputc(' ', stderr);
			hex_err(en->sig, en->sig_len);
		}
		fputc('\n', stderr);
		if (tmpl_rc == -EKEYREJECTED)
			fprintf(stderr, "Failed to verify template data digest(line %llu).\n",
				(unsigned long long)en->index + 1);
	}
	switch (sig) {
	case SIG_OK:
		if (e->verbose)
			fprintf(stderr, "%s: verification is OK\n", en->name ? en->name : "");
		break;
	case SIG_BAD:
		fprintf(stderr, "%s: verification failed: %s\n", en->name ? en->name : "",
			sd->msg[0] ? sd->msg : "bad signature");
		break;
	case SIG_NOKEY:
		if (en->sig_len >= 7)
			fprintf(stderr, "key %02x%02x%02x%02x: unknown keyid (%s)\n", en->sig[3],
				en->sig[4], en->sig[5], en->sig[6], en->name ? en->name : "");
		break;
	default:
		break;
	}
}

static int load_keys(struct evmctl *e, imactl_keyring **ret)
{
	_cleanup_(imactl_keyring_freep) imactl_keyring *kr = NULL;
	_cleanup_free_ char *list = strdup(e->keyfile ? e->keyfile : "/etc/keys/x509_evm.der");
	char *save = NULL;
	int n = 0;

	if (!list || imactl_keyring_new(&kr) < 0)
		return -ENOMEM;
	/* evmctl: -k takes a comma-separated list of certificates */
	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		imactl_key *k = NULL;
		imactl_diag d = {0};

		while (*tok == ' ')
			tok++;
		if (imactl_key_load_public(e->ctx, tok, &k, &d) < 0) {
			fprintf(stderr, "Failed to open keyfile: %s\n", tok);
			continue;
		}
		fprintf(stderr, "key %d: %08x %s\n", ++n, imactl_key_keyid(k), tok);
		imactl_keyring_add(kr, k);
	}
	*ret = TAKE_PTR(kr);
	return 0;
}

/* --pcrs files, else the kernel's sysfs PCR files; 0 or an evmctl exit code. */
static int load_pcrs(struct evmctl *e, imactl_pcrs *p, bool *ret_have)
{
	imactl_diag d = {0};

	*ret_have = false;
	for (int i = 0; i < e->npcrs; i++) {
		int r = logcheck_load_pcrs(p, e->pcrs[i], &d);
		if (r == -EOPNOTSUPP) {
			fprintf(stderr, "%s\n", d.msg);
			return EVMCTL_EXIT_ERR;
		}
		if (r < 0) {
			fprintf(stderr, "Failed to read PCRs from '%s': %s\n", e->pcrs[i], d.msg);
			return EVMCTL_EXIT_ERR;
		}
		*ret_have = true;
	}
	/* tpm2-tss logs to stderr itself; the diag says what failed */
	setenv("TSS2_LOG", "all+none", 0);
	if (e->hwtpm) {
		/* asked for the TPM: any failure is reported, no sysfs fallback */
		int r = imactl_pcrs_read_tpm(p, getenv("TPM2TOOLS_TCTI"), NULL, 0, 0, &d);
		if (r < 0) {
			fprintf(stderr, "Failed to read PCRs from the TPM: %s\n",
				d.msg[0] ? d.msg : imactl_strerror(r));
			return EVMCTL_EXIT_ERR;
		}
		*ret_have = true;
		return 0;
	}
	if (!e->npcrs && imactl_pcrs_read_sysfs(p, TPM_SYSFS, NULL, 0, &d) > 0)
		*ret_have = true;
	/* kernels before 5.12 have no pcr-<bank> files: the TPM device, at once or not at all */
	else if (!e->npcrs && imactl_pcrs_read_tpm(p, NULL, NULL, 0, 0, &d) > 0)
		*ret_have = true;
	return 0;
}

int evmctl_cmd_ima_measurement(struct evmctl *e)
{
	_cleanup_(imactl_pcrs_freep) imactl_pcrs *ref = NULL;
	_cleanup_(imactl_keyring_freep) imactl_keyring *kr = NULL;
	struct logcheck_opts o = {.digest_algo = -1, .on_entry = verbose_entry, .ud = e};
	struct logcheck_result res;
	imactl_pcr_verdict v[8 * IMACTL_PCR_COUNT];
	int banks[8], only_bank = -1, r;
	size_t nbanks = 0, nv;
	bool have_ref, ok = true, matched_any = false;
	imactl_diag d = {0};

	if (e->nargs < 1) {
		fprintf(stderr, "Parameters missing\n");
		printf(MEAS_USAGE);
		return EVMCTL_EXIT_ERR;
	}
	if (e->verify_bank) {
		const char *name = e->verify_bank_algo ? e->verify_bank_algo : e->hash_algo;
		only_bank = imactl_hash_from_name(name);
		if (only_bank < 0 || !imactl_hash_tpm_alg(only_bank)) {
			fprintf(stderr, "Unknown algorithm '%s'\n", name);
			return EVMCTL_EXIT_ERR;
		}
	}
	if (imactl_pcrs_new(&ref) < 0)
		return EVMCTL_EXIT_ERR;
	r = load_pcrs(e, ref, &have_ref);
	if (r)
		return r;
	if (e->verify_sig && load_keys(e, &kr) < 0)
		return EVMCTL_EXIT_ERR;
	for (int algo = 0; algo < IMACTL_HASH__MAX && nbanks < 8; algo++)
		if (imactl_pcrs_has_bank(ref, algo) && imactl_hash_available(e->ctx, algo))
			banks[nbanks++] = algo;
	if (!nbanks) {
		banks[nbanks++] = IMACTL_HASH_SHA1;
		banks[nbanks++] = IMACTL_HASH_SHA256;
	}
	o.path = e->args[0];
	o.banks = banks;
	o.nbanks = nbanks;
	o.expected = have_ref ? ref : NULL;
	o.keyring = kr;
	r = logcheck_run(e->ctx, &o, &res, &d);
	if (r < 0) {
		fprintf(stderr, "Failed to open measurement file: %s\n", e->args[0]);
		return EVMCTL_EXIT_ERR;
	}
	if (res.parse_rc < 0) {
		fprintf(stderr, "%s\n", res.parse_diag.msg);
		ok = false;
	}
	if (!have_ref) {
		fprintf(stderr, "Failed to read any TPM PCRs\n");
		logcheck_result_done(&res);
		return EVMCTL_EXIT_VERIFY;
	}
	nv = imactl_replay_verdicts(res.replay, v, ELEMENTSOF(v));
	if (nv > ELEMENTSOF(v))
		nv = ELEMENTSOF(v);
	for (size_t i = 0; i < nv; i++) {
		const char *bn = imactl_hash_name(v[i].algo);

		if (v[i].status == IMACTL_PCR_NO_REFERENCE)
			continue;
		if (only_bank >= 0 && v[i].algo != only_bank)
			continue;
		if (e->verbose) {
			fprintf(stderr, "%s: PCRAgg  %u: ", bn, v[i].pcr);
			hex_err(v[i].computed, v[i].len);
			fprintf(stderr, "\n%s: TPM PCR-%u: ", bn, v[i].pcr);
			hex_err(v[i].expected, v[i].len);
			fputc('\n', stderr);
		}
		if (v[i].status == IMACTL_PCR_MISMATCH) {
			ok = false;
			fprintf(stderr, "%s PCR-%u: failed to match\n", bn, v[i].pcr);
		} else {
			matched_any = true;
			if (e->verbose)
				fprintf(stderr, "%s PCR-%u: succeed at entry %llu\n", bn, v[i].pcr,
					(unsigned long long)v[i].matched_at);
		}
	}
	if (!matched_any)
		ok = false;
	if (res.violations && !e->ignore_violations) {
		fprintf(stderr, "%llu violation(s) in the list; use --ignore-violations\n",
			(unsigned long long)res.violations);
		ok = false;
	}
	if (res.sig_bad)
		ok = false;
	if (ok) {
		fprintf(stderr, "Matched per TPM bank calculated digest(s).\n");
	} else {
		fprintf(stderr, "Failed to match per TPM bank or SHA1 padded TPM digest(s).\n");
		if (res.tmpl_bad)
			fprintf(stderr, "Failed to verify template data digest.\n");
	}
	logcheck_result_done(&res);
	return ok ? EVMCTL_EXIT_OK : EVMCTL_EXIT_VERIFY;
}

int evmctl_cmd_ima_boot_aggregate(struct evmctl *e)
{
	_cleanup_(imactl_pcrs_freep) imactl_pcrs *p = NULL;
	imactl_diag d = {0};
	bool have = false;
	int r, printed = 0;

	if (imactl_pcrs_new(&p) < 0)
		return EVMCTL_EXIT_ERR;
	if (e->nargs >= 1 && !e->hwtpm) {
		/* an event log file: TPM 1.2 (as evmctl 1.4) or crypto-agile TPM 2.0 */
		_cleanup_free_ uint8_t *buf = NULL;
		size_t len;

		r = logcheck_read_file(e->args[0], 64u << 20, &buf, &len);
		if (r < 0) {
			fprintf(stderr, "Failed to open TPM 1.2 event log: %s\n", e->args[0]);
			return EVMCTL_EXIT_ERR;
		}
		r = imactl_eventlog_replay(e->ctx, buf, len, p, NULL, &d);
		if (r < 0) {
			fprintf(stderr, "%s\nFailed reading the TPM 1.2 event log %s.\n", d.msg,
				e->args[0]);
			return EVMCTL_EXIT_ERR;
		}
		have = true;
	} else {
		r = load_pcrs(e, p, &have);
		if (r)
			return r;
	}
	if (!have) {
		fprintf(stderr, "Failed to read any TPM PCRs\n");
		return EVMCTL_EXIT_ERR;
	}
	for (int algo = 0; algo < IMACTL_HASH__MAX; algo++) {
		uint8_t agg[IMACTL_MAX_DIGEST_SIZE];

		if (!imactl_pcrs_has_bank(p, algo) ||
		    imactl_boot_aggregate(e->ctx, algo, p, agg, NULL) < 0)
			continue;
		printf("%s:", imactl_hash_name(algo));
		print_hex(stdout, agg, imactl_hash_size(algo));
		printf("\n");
		printed++;
	}
	if (!printed) {
		fprintf(stderr, "Failed to read any TPM PCRs\n");
		return EVMCTL_EXIT_ERR;
	}
	return EVMCTL_EXIT_OK;
}
