/* SPDX-License-Identifier: MIT */
/*
 * Measurement: one measurement list writer (include/imactl/mlog_write.h) on
 * the runtime directory, with the configured template, PCR and ima_hash; its
 * software PCR banks (sha1, sha256) are written to pcrs-<bank>.
 *
 * Differences from the kernel, reported rather than hidden:
 *  - one list, one template and one PCR per daemon: a rule's own pcr= or
 *    template= that differs is measured with the daemon's (a rate-limited
 *    notice says so);
 *  - the file digest is always ima_hash (--hash); the kernel logs the digest
 *    with the algorithm security.ima names.  A file whose appraisal hashed it
 *    with another algorithm is hashed again for the list;
 *  - runtime_measurements_count, violations and pcrs-* are rewritten by
 *    imad_measure_flush() (the main thread, every IMAD_MLOG_FLUSH_MS when
 *    entries were added, and at exit), not per entry: the lists are appended
 *    per entry and may be ahead of them by up to that long, never behind
 *    (include/imactl/mlog_write.h, IMACTL_MLOG_SYNC_DEFERRED);
 *  - no TPM extension in this build (--tpm is refused at start-up);
 *  - no ToMToU/open-writers violations (fanotify does not say who has the
 *    file open for write).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "imactl/mlog_write.h"
#include "imad.h"

struct imad_measure {
	imactl_mlog_writer *w;
};

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
	r = imactl_mlog_writer_open(d->ctx, &o, &m.w, &diag);
	if (r < 0) {
		snprintf(err, errlen, "measurement list in '%s': %s", d->cfg.runtime_dir,
			 diag.msg[0] ? diag.msg : strerror(-r));
		return r;
	}
	r = imactl_mlog_writer_set_sync(m.w, IMACTL_MLOG_SYNC_DEFERRED);
	if (r < 0) {
		snprintf(err, errlen, "measurement list: deferred status files: %s", strerror(-r));
		imactl_mlog_writer_free(m.w);
		m.w = NULL;
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
	d->measure = NULL;
}

int imad_measure_add(struct imad *d, int fd, int pcr, const char *template_name, const char *path,
		     int algo, const uint8_t *digest, const uint8_t *sig, size_t sig_len)
{
	uint8_t own[IMACTL_MAX_DIGEST_SIZE];
	imactl_diag diag = {0};
	int r;

	if (!d->measure || !d->measure->w)
		return -EOPNOTSUPP;
	if (pcr != d->cfg.pcr || (template_name && strcmp(template_name, d->cfg.template_name)))
		imad_log_rl(LOG_NOTICE,
			    "'%s': the rule asks for pcr=%d template=%s; imad keeps one list "
			    "(pcr=%d template=%s)",
			    path, pcr, template_name ? template_name : d->cfg.template_name,
			    d->cfg.pcr, d->cfg.template_name);
	if (algo != d->hash_algo) {
		r = imactl_hash_fd(d->ctx, d->hash_algo, fd, own, &diag);
		if (r < 0)
			return r;
		digest = own;
	}
	r = imactl_mlog_writer_add(d->measure->w, path, digest, sig, sig_len, &diag);
	if (r < 0 && diag.msg[0])
		imad_log_rl(LOG_ERR, "measurement list: %s", diag.msg);
	return r;
}
