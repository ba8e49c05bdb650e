/* SPDX-License-Identifier: MIT */
/*
 * Measurement: one measurement list writer (include/imactl/mlog_write.h) on
 * the runtime directory, with the configured template, PCR and ima_hash; its
 * software PCR banks (sha1, sha256) are written to pcrs-<bank>, a line per
 * PCR the list has extended.
 *
 * As the kernel (ima_main.c process_measurement() -> ima_store_measurement()
 * with the rule's pcr and template_desc), a rule's pcr= and template= apply
 * to its entries: one list holds entries of several PCRs and templates, and
 * each entry extends its own PCR.  The boot_aggregate and violations
 * (ima_add_violation(): the default template, CONFIG_IMA_MEASURE_PCR_IDX)
 * stay on the daemon's --pcr and --template.  A rule's template= is checked
 * when the policy loads (reload.c); "ima" (a 'd' field) gets the file's
 * SHA-1 digest, rehashed when ima_hash is not sha1, as
 * ima_eventdigest_init() does.
 *
 * Differences from the kernel, reported rather than hidden:
 *  - pcr= is limited to 0..23 (a TPM's PCRs; the kernel's grammar allows up
 *    to 63), and template= to what the writer can fill (not buf, modsig,
 *    evmsig ...): a policy asking for more is rejected at load;
 *  - the file digest is always ima_hash (--hash); the kernel logs the digest
 *    with the algorithm security.ima names.  A file whose appraisal hashed it
 *    with another algorithm is hashed again for the list;
 *  - runtime_measurements_count, violations and pcrs-* are rewritten by
 *    imad_measure_flush() (the main thread, every IMAD_MLOG_FLUSH_MS when
 *    entries were added, and at exit), not per entry: the lists are appended
 *    per entry and may be ahead of them by up to that long, never behind
 *    (include/imactl/mlog_write.h, IMACTL_MLOG_SYNC_DEFERRED);
 *  - with --tpm, every entry (the boot_aggregate included) also extends the
 *    PCR of every bank the TPM has (include/imactl/tpm.h), under the list
 *    writer's lock and in list order, as ima_add_template_entry() does; the
 *    software banks start from zero when imad starts, so the TPM's PCR
 *    equals them only if nothing else extended it since the TPM's reset (a
 *    restarted imad starts a new list: a notice says so when the PCR is not
 *    zero at start-up).  A failed extension keeps the entry in the list
 *    (the kernel does the same) and is counted (tpm_errors) and logged;
 *  - ToMToU/open-writers violations are approximated from FAN_OPEN and
 *    FAN_CLOSE_WRITE events (fan.c, docs/imad.8.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "imactl/mlog_write.h"
#include "imactl/tpm.h"
#include "imad.h"

struct imad_measure {
	imactl_mlog_writer *w;
	imactl_tpm *tpm;
	struct imad *d;
};

/* The writer's extend hook: the TPM PCR follows the list, entry by entry. */
static void tpm_extend(void *arg, unsigned int pcr, const uint8_t *data, size_t len, int violation)
{
	struct imad_measure *m = arg;
	imactl_diag diag = {0};
	int r;

	if (!m->tpm)
		return;
	r = imactl_tpm_extend_template(m->tpm, pcr, data, len, violation, &diag);
	if (r < 0) {
		atomic_fetch_add(&m->d->st.tpm_errors, 1);
		imad_log_rl(LOG_ERR,
			    "TPM PCR %u extension failed (the entry stays in the list): %s", pcr,
			    diag.msg[0] ? diag.msg : strerror(-r));
	} else {
		atomic_fetch_add(&m->d->st.tpm_extends, 1);
	}
}

/* A TPM PCR that is not zero will not replay from this list: say so once. */
static void tpm_check_start(struct imad *d, imactl_tpm *t)
{
	uint8_t v[IMACTL_MAX_DIGEST_SIZE];
	imactl_diag diag = {0};
	int algo;
	size_t len;
	int zero = 1;

	if (imactl_tpm_banks(t, &algo, 1) < 1 ||
	    imactl_tpm_read_pcr(t, algo, (unsigned int)d->cfg.pcr, v, &diag) < 0)
		return;
	len = imactl_hash_size(algo);
	for (size_t i = 0; i < len; i++)
		zero &= v[i] == 0;
	if (!zero)
		imad_log(LOG_NOTICE,
			 "TPM PCR %d is not zero at start-up: the new list replays to the software "
			 "PCR, not to the TPM's (imad restarted without a TPM reset, or something "
			 "else extends PCR %d)",
			 d->cfg.pcr, d->cfg.pcr);
}

int imad_measure_open(struct imad *d, char *err, size_t errlen)
{
	static struct imad_measure m;
	imactl_mlog_writer_opts o = {0};
	imactl_diag diag = {0};
	int r;

	o.runtime_dir = d->cfg.runtime_dir;
	o.template_name = d->cfg.template_name;
	o.pcr = d->cfg.pcr;
	o.hash_algo = d->hash_algo;
	m.d = d;
	if (d->cfg.tpm) {
		r = imactl_tpm_open(d->ctx, d->cfg.tcti, 0, &m.tpm, &diag);
		if (r < 0) {
			snprintf(err, errlen, "--tpm: %s", diag.msg[0] ? diag.msg : strerror(-r));
			return r;
		}
		tpm_check_start(d, m.tpm);
		o.extend = tpm_extend;
		o.extend_arg = &m;
	}
	r = imactl_mlog_writer_open(d->ctx, &o, &m.w, &diag);
	if (r < 0) {
		snprintf(err, errlen, "measurement list in '%s': %s", d->cfg.runtime_dir,
			 diag.msg[0] ? diag.msg : strerror(-r));
		imactl_tpm_free(m.tpm);
		m.tpm = NULL;
		return r;
	}
	r = imactl_mlog_writer_set_sync(m.w, IMACTL_MLOG_SYNC_DEFERRED);
	if (r < 0) {
		snprintf(err, errlen, "measurement list: deferred status files: %s", strerror(-r));
		imactl_mlog_writer_free(m.w);
		m.w = NULL;
		imactl_tpm_free(m.tpm);
		m.tpm = NULL;
		return r;
	}
	d->measure = &m;
	return 0;
}

void imad_measure_flush(struct imad *d)
{
	imactl_diag diag = {0};
	int r;

	if (!d->measure || !d->measure->w)
		return;
	r = imactl_mlog_writer_flush(d->measure->w, &diag);
	if (r < 0)
		imad_log_rl(LOG_ERR, "measurement list status files: %s",
			    diag.msg[0] ? diag.msg : strerror(-r));
}

void imad_measure_close(struct imad *d)
{
	if (!d->measure)
		return;
	imactl_mlog_writer_free(d->measure->w);
	d->measure->w = NULL;
	imactl_tpm_free(d->measure->tpm);
	d->measure->tpm = NULL;
	d->measure = NULL;
}

int imad_measure_add(struct imad *d, int fd, int pcr, const char *template_name, const char *path,
		     int algo, const uint8_t *digest, const uint8_t *sig, size_t sig_len)
{
	imactl_mlog_add_opts ao = IMACTL_MLOG_ADD_OPTS_INIT;
	uint8_t own[IMACTL_MAX_DIGEST_SIZE], sha1[IMACTL_MAX_DIGEST_SIZE];
	imactl_diag diag = {0};
	unsigned int tflags = 0;
	int r;

	if (!d->measure || !d->measure->w)
		return -EOPNOTSUPP;
	ao.pcr = pcr;
	if (template_name && strcmp(template_name, d->cfg.template_name)) {
		ao.template_name = template_name;
		r = imactl_mlog_template_check(template_name, &tflags, &diag);
		if (r < 0) {
			imad_log_rl(LOG_ERR, "measurement list: %s", diag.msg);
			return r;
		}
	}
	if ((tflags & IMACTL_MLOG_TEMPLATE_SHA1) && d->hash_algo != IMACTL_HASH_SHA1) {
		/* ima_eventdigest_init(): the 'd' field is SHA-1, the file is rehashed */
		if (algo == IMACTL_HASH_SHA1) {
			memcpy(sha1, digest, imactl_hash_size(IMACTL_HASH_SHA1));
		} else {
			r = imactl_hash_fd(d->ctx, IMACTL_HASH_SHA1, fd, sha1, &diag);
			if (r < 0)
				return r;
		}
		ao.sha1_digest = sha1;
	}
	if (algo != d->hash_algo) {
		r = imactl_hash_fd(d->ctx, d->hash_algo, fd, own, &diag);
		if (r < 0)
			return r;
		digest = own;
	}
	r = imactl_mlog_writer_add_ex(d->measure->w, &ao, path, digest, sig, sig_len, &diag);
	if (r < 0 && diag.msg[0])
		imad_log_rl(LOG_ERR, "measurement list: %s", diag.msg);
	return r;
}

int imad_measure_violation(struct imad *d, const char *path)
{
	imactl_diag diag = {0};
	int r;

	if (!d->measure || !d->measure->w)
		return -EOPNOTSUPP;
	r = imactl_mlog_writer_add_violation(d->measure->w, path, &diag);
	if (r < 0 && diag.msg[0])
		imad_log_rl(LOG_ERR, "measurement list: violation: %s", diag.msg);
	if (r == 0)
		atomic_fetch_add(&d->st.violations, 1);
	return r;
}

size_t imad_measure_count(struct imad *d)
{
	return d->measure && d->measure->w ? imactl_mlog_writer_count(d->measure->w) : 0;
}

uint32_t imad_measure_pcr_mask(struct imad *d)
{
	return d->measure && d->measure->w ? imactl_mlog_writer_pcr_mask(d->measure->w) : 0;
}
