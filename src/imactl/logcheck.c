/* SPDX-License-Identifier: MIT */
/* One verification pass over a measurement list; see logcheck.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logcheck.h"
#include "util/cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_mlog *, imactl_mlog_free)

int logcheck_algo_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *us;

	base = base ? base + 1 : path;
	/* 6.10+: binary_runtime_measurements_<algo>, ascii_runtime_measurements_<algo> */
	if (!strstr(base, "runtime_measurements_"))
		return -1;
	us = strrchr(base, '_');
	return us ? imactl_hash_from_name(us + 1) : -1;
}

int logcheck_read_file(const char *path, size_t max, uint8_t **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : dup(0);
	if (fd < 0)
		return -errno;
	/* O_NONBLOCK only guards the open (FIFOs); read blocking from here on */
	(void)fcntl(fd, F_SETFL, 0);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			uint8_t *nb;
			if (cap >= max)
				return -EMSGSIZE;
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

int logcheck_load_pcrs(imactl_pcrs *p, const char *arg, imactl_diag *reterr)
{
	_cleanup_free_ uint8_t *text = NULL;
	const char *comma = strchr(arg, ',');
	const char *file = arg;
	size_t len;
	int algo = -1, r;

	if (comma) {
		char name[32];
		size_t n = (size_t)(comma - arg);
		if (n < sizeof(name)) {
			memcpy(name, arg, n);
			name[n] = '\0';
			algo = imactl_hash_from_name(name);
		}
		if (algo < 0 || !imactl_hash_tpm_alg(algo)) {
			snprintf(reterr->msg, sizeof(reterr->msg), "unknown PCR bank '%.*s'",
				 (int)n, arg);
			return -EOPNOTSUPP;
		}
		file = comma + 1;
	}
	r = logcheck_read_file(file, 1u << 20, &text, &len);
	if (r < 0) {
		snprintf(reterr->msg, sizeof(reterr->msg), "cannot read '%s': %s", file,
			 strerror(-r));
		return r;
	}
	r = imactl_pcrs_parse(p, algo, (const char *)text, len, reterr);
	if (r < 0)
		imactl_diag_set_file(reterr, file);
	return r;
}

enum sig_status logcheck_entry_sig(imactl_ctx *ctx, const imactl_keyring *kr,
				   const imactl_mlog_entry *e, imactl_diag *reterr)
{
	uint8_t fid[IMACTL_MAX_DIGEST_SIZE];
	const uint8_t *digest = e->file_digest;
	size_t dlen = e->file_digest_len;
	int r;

	if (!e->sig || e->sig_len < 3)
		return e->sig ? SIG_UNSUPPORTED : SIG_NONE;
	if (!e->file_digest || e->file_algo < 0)
		return SIG_UNSUPPORTED;
	switch (e->sig[0]) {
	case IMACTL_XATTR_DIGSIG:
		/* the measured digest is made with the signature's algorithm (ima_get_hash_algo) */
		if (e->sig[1] == 2 && e->sig[2] != e->file_algo) {
			snprintf(reterr->msg, sizeof(reterr->msg),
				 "signature algorithm %u differs from the measured digest's",
				 e->sig[2]);
			return SIG_UNSUPPORTED;
		}
		break;
	case IMACTL_XATTR_VERITY_DIGSIG:
		if (e->file_digest_type != IMACTL_MLOG_DIGEST_VERITY)
			return SIG_BAD;
		r = imactl_sig_file_id_digest(ctx, e->sig[2], IMACTL_XATTR_VERITY_DIGSIG,
					      e->file_algo, e->file_digest, fid, reterr);
		if (r < 0)
			return SIG_UNSUPPORTED;
		digest = fid;
		dlen = imactl_hash_size(e->sig[2]);
		break;
	default:
		/* EVM portable signatures (0x05) cover metadata, not checked here */
		snprintf(reterr->msg, sizeof(reterr->msg), "signature type 0x%02x not checked",
			 e->sig[0]);
		return SIG_UNSUPPORTED;
	}
	r = imactl_sig_verify(ctx, kr, e->sig, e->sig_len, digest, dlen, NULL, reterr);
	if (r == 0)
		return SIG_OK;
	if (r == -ENOKEY)
		return SIG_NOKEY;
	if (r == -EOPNOTSUPP)
		return SIG_UNSUPPORTED;
	return SIG_BAD;
}

static void count_template(struct logcheck_result *res, const char *name)
{
	for (size_t i = 0; i < res->ntmpl; i++)
		if (!strcmp(res->tmpl_names[i], name)) {
			res->tmpl_counts[i]++;
			return;
		}
	if (res->ntmpl < LOGCHECK_TEMPLATES) {
		snprintf(res->tmpl_names[res->ntmpl], sizeof(res->tmpl_names[0]), "%s", name);
		res->tmpl_counts[res->ntmpl++] = 1;
	}
}

int logcheck_run(imactl_ctx *ctx, const struct logcheck_opts *o, struct logcheck_result *res,
		 imactl_diag *reterr)
{
	_cleanup_(imactl_mlog_freep) imactl_mlog *l = NULL;
	_cleanup_close_ int fd = -EBADF;
	const imactl_mlog_entry *e;
	int algo = o->digest_algo, r;

	memset(res, 0, sizeof(*res));
	res->first_tmpl_bad = res->first_sig_bad = -1;
	if (algo < 0)
		algo = logcheck_algo_from_path(o->path);
	fd = strcmp(o->path, "-") ? open(o->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : dup(0);
	if (fd < 0) {
		r = -errno;
		snprintf(reterr->msg, sizeof(reterr->msg), "cannot open '%s': %s", o->path,
			 strerror(errno));
		return r;
	}
	/* sysfs and files: blocking reads are fine once open */
	(void)fcntl(fd, F_SETFL, 0);
	r = imactl_mlog_open_fd(ctx, fd, IMACTL_MLOG_AUTO, algo, 0, &l, reterr);
	if (r < 0)
		return r;
	imactl_mlog_set_name(l, o->path);
	r = imactl_replay_new(ctx, o->banks, o->nbanks, IMACTL_REPLAY_CHECK_TEMPLATE, o->expected,
			      &res->replay, reterr);
	if (r < 0)
		return r;
	while ((r = imactl_mlog_next(l, &e, &res->parse_diag)) == 1) {
		imactl_diag td = {0}, sd = {0};
		enum sig_status ss = SIG_NONE;
		int tr;

		if (res->entries == 0 && e->name && !strcmp(e->name, "boot_aggregate") &&
		    e->file_digest && e->file_digest_len <= IMACTL_MAX_DIGEST_SIZE) {
			res->have_first = true;
			res->first_algo = e->file_algo;
			res->first_len = e->file_digest_len;
			memcpy(res->first_digest, e->file_digest, e->file_digest_len);
		}
		res->entries++;
		count_template(res, e->template_name);
		if (e->violation)
			res->violations++;
		tr = imactl_replay_extend(res->replay, e, &td);
		if (tr == -EKEYREJECTED) {
			if (res->first_tmpl_bad < 0) {
				res->first_tmpl_bad = (int64_t)e->index;
				snprintf(res->first_tmpl_bad_name, LOGCHECK_NAME_MAX, "%s",
					 e->name ? e->name : "");
			}
			res->tmpl_bad++;
		} else if (tr < 0) {
			res->parse_rc = tr;
			res->parse_diag = td;
			break;
		}
		if (o->keyring) {
			ss = logcheck_entry_sig(ctx, o->keyring, e, &sd);
			switch (ss) {
			case SIG_NONE:
				res->sig_none++;
				break;
			case SIG_OK:
				res->sig_ok++;
				break;
			case SIG_BAD:
				res->sig_bad++;
				if (res->first_sig_bad < 0) {
					res->first_sig_bad = (int64_t)e->index;
					snprintf(res->first_sig_bad_name, LOGCHECK_NAME_MAX, "%s",
						 e->name ? e->name : "");
				}
				break;
			case SIG_NOKEY:
				res->sig_nokey++;
				break;
			case SIG_UNSUPPORTED:
				res->sig_unsupported++;
				break;
			}
		}
		if (o->on_entry)
			o->on_entry(o->ud, e, tr, ss, &sd);
	}
	if (r < 0)
		res->parse_rc = r;
	return 0;
}

void logcheck_result_done(struct logcheck_result *res)
{
	imactl_replay_free(res->replay);
	res->replay = NULL;
}
