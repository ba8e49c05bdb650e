/* SPDX-License-Identifier: MIT */
/*
 * Policy load: parse -> validate -> atomic swap, all-or-nothing, like the
 * kernel's ima_parse_add_rule() into a temporary list spliced in by
 * ima_update_policy().  A policy that does not parse leaves the active one in
 * force.  Readers take a reference under a mutex held for a pointer copy only;
 * the old generation is freed when its last event finishes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "imactl/mlog.h"
#include "imactl/mlog_write.h"
#include "imactl/pcr.h"
#include "imad.h"
#include "util/cleanup.h"

#define POLICY_FILE_MAX (4u << 20)

/* Which hooks fanotify lets imad enforce, and how. */
int imad_policy_func_enforced(const char *func)
{
	static const char *const full[] = {"BPRM_CHECK", "FILE_CHECK", "PATH_CHECK"};
	static const char *const approx[] = {"MMAP_CHECK", "FILE_MMAP"};

	for (size_t i = 0; i < ELEMENTSOF(full); i++)
		if (strcmp(func, full[i]) == 0)
			return 2;
	for (size_t i = 0; i < ELEMENTSOF(approx); i++)
		if (strcmp(func, approx[i]) == 0)
			return 1;
	return 0;
}

/* What the rules look at, from their printed form ("appraise func=BPRM_CHECK euid=0 ..."). */
static unsigned int policy_needs(const imactl_policy *p)
{
	unsigned int needs = 0;
	char buf[4096];

	for (size_t i = 0; i < imactl_policy_rule_count(p); i++) {
		size_t len;
		char *save = NULL, *tok;

		if (imactl_policy_print_rule(p, i, buf, sizeof(buf), &len) < 0)
			return ~0u; /* cannot tell: gather everything */
		if (strncmp(buf, "measure ", 8) == 0 || strcmp(buf, "measure\n") == 0) {
			/* open-writers/ToMToU: a measure rule that can match FILE_CHECK */
			if (!strstr(buf, "func=") || strstr(buf, "func=FILE_CHECK") ||
			    strstr(buf, "func=PATH_CHECK"))
				needs |= IMAD_NEED_VIOLATION;
		}
		for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
			size_t k = strcspn(tok, "=<>^");
			if ((k == 3 && strncmp(tok, "uid", 3) == 0) ||
			    (k == 4 && strncmp(tok, "euid", 4) == 0) ||
			    (k == 3 && strncmp(tok, "gid", 3) == 0) ||
			    (k == 4 && strncmp(tok, "egid", 4) == 0))
				needs |= IMAD_NEED_CREDS;
			else if (k == 6 && strncmp(tok, "fsuuid", 6) == 0)
				needs |= IMAD_NEED_FSUUID;
			else if (strncmp(tok, "obj_", 4) == 0)
				needs |= IMAD_NEED_OBJ_LABEL;
			else if (strncmp(tok, "subj_", 5) == 0)
				needs |= IMAD_NEED_SUBJ_LABEL;
			else if (strcmp(tok, "func=MMAP_CHECK") == 0 ||
				 strcmp(tok, "func=FILE_MMAP") == 0)
				needs |= IMAD_NEED_MMAP;
		}
	}
	return needs;
}

/*
 * Every measure rule's pcr= and template= must be recordable: the parser
 * already holds them to the kernel's grammar (pcr= 0..63 as INVALID_PCR(),
 * template= a built-in name or format, or the daemon's own custom format as
 * ima_template_fmt=); the list writer keeps a TPM's PCRs (0..23) and cannot
 * fill every field (buf, modsig, evmsig ...).  The kernel rejects an unknown
 * template at policy write; imad rejects one it cannot write the same way,
 * before anything is swapped in.
 */
static int check_measure_rules(const imactl_policy *p, const char *source, char *err, size_t errlen)
{
	char rule[4096], buf[4096], *save = NULL, *tok;
	size_t len;

	for (size_t i = 0; i < imactl_policy_rule_count(p); i++) {
		if (imactl_policy_print_rule(p, i, rule, sizeof(rule), &len) < 0) {
			snprintf(err, errlen, "policy %s rejected: rule %zu: cannot print it back",
				 source, i + 1);
			return -EINVAL;
		}
		len = strcspn(rule, "\n");
		while (len && rule[len - 1] == ' ')
			len--;
		rule[len] = '\0';
		if (strncmp(rule, "measure ", 8) != 0)
			continue;
		memcpy(buf, rule, len + 1);
		for (tok = strtok_r(buf + 8, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			imactl_diag diag = {0};
			int r;

			if (strncmp(tok, "pcr=", 4) == 0 && atoi(tok + 4) >= IMACTL_PCR_COUNT) {
				snprintf(
					err, errlen,
					"policy %s rejected: rule %zu (%s): %s: imad's measurement "
					"list keeps PCRs 0 to %d (a TPM's)",
					source, i + 1, rule, tok, IMACTL_PCR_COUNT - 1);
				return -EINVAL;
			}
			if (strncmp(tok, "template=", 9) != 0)
				continue;
			r = imactl_mlog_template_check(tok + 9, NULL, &diag);
			if (r < 0) {
				snprintf(err, errlen,
					 "policy %s rejected: rule %zu (%s): template '%s' cannot "
					 "be written by imad: %s",
					 source, i + 1, rule, tok + 9,
					 diag.msg[0] ? diag.msg : strerror(-r));
				return r;
			}
		}
	}
	return 0;
}

static int read_policy_file(const char *path, char **ret, size_t *ret_len, char *err, size_t errlen)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t off = 0;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open policy '%s': %m", path);
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > POLICY_FILE_MAX) {
		snprintf(err, errlen, "policy '%s' is not a regular file of at most %u bytes", path,
			 POLICY_FILE_MAX);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot read policy '%s': %s", path,
				 n < 0 ? strerror(errno) : "short read");
			return n < 0 ? -errno : -EIO;
		}
		off += (size_t)n;
	}
	buf[off] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = off;
	return 0;
}

static int build(struct imad *d, struct imad_policy **ret, char *err, size_t errlen)
{
	imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
	imactl_diag diag = {0};
	imactl_policy *p = NULL;
	struct imad_policy *ip;
	char *printed;
	size_t plen = 0;
	int r;

	/* ima_template_fmt=: the daemon's custom format may be named by template= */
	if (!imactl_template_fmt(d->cfg.template_name))
		o.template_fmt = d->cfg.template_name;
	if (d->cfg.policy_file) {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;

		r = read_policy_file(d->cfg.policy_file, &text, &len, err, errlen);
		if (r < 0)
			return r;
		o.file = d->cfg.policy_file;
		r = imactl_policy_parse(text, len, &o, &p, &diag);
		if (r < 0) {
			snprintf(err, errlen, "policy '%s' rejected (line %lu): %s",
				 d->cfg.policy_file, diag.line, diag.msg);
			return r;
		}
	} else {
		imactl_policy_boot boot;
		char cmdline[300];

		snprintf(cmdline, sizeof(cmdline), "ima_policy=%s",
			 d->cfg.builtin_policy ? d->cfg.builtin_policy : "tcb");
		r = imactl_policy_boot_parse(cmdline, strlen(cmdline), &o, NULL, NULL, &boot,
					     &diag);
		if (r == 0)
			r = imactl_policy_builtin(&boot, &o, &p, &diag);
		if (r < 0) {
			snprintf(err, errlen, "builtin policy '%s': %s", cmdline, diag.msg);
			return r;
		}
	}

	{
		char source[300];

		if (d->cfg.policy_file)
			snprintf(source, sizeof(source), "'%s'", d->cfg.policy_file);
		else
			snprintf(source, sizeof(source), "builtin:%s",
				 d->cfg.builtin_policy ? d->cfg.builtin_policy : "tcb");
		r = check_measure_rules(p, source, err, errlen);
	}
	if (r < 0) {
		imactl_policy_free(p);
		return r;
	}
	ip = calloc(1, sizeof(*ip));
	if (!ip) {
		imactl_policy_free(p);
		return -ENOMEM;
	}
	ip->p = p;
	ip->needs = policy_needs(p);
	atomic_init(&ip->refs, 1);
	if (d->cfg.policy_file)
		snprintf(ip->source, sizeof(ip->source), "%s", d->cfg.policy_file);
	else
		snprintf(ip->source, sizeof(ip->source), "builtin:%s",
			 d->cfg.builtin_policy ? d->cfg.builtin_policy : "tcb");
	/* the policy hash is over what the kernel would print back */
	imactl_policy_print(p, NULL, 0, &plen);
	printed = malloc(plen + 1);
	if (printed && imactl_policy_print(p, printed, plen + 1, &plen) == 0)
		EVP_Digest(printed, plen, ip->sha256, NULL, EVP_sha256(), NULL);
	free(printed);
	*ret = ip;
	return 0;
}

int imad_policy_load(struct imad *d, char *err, size_t errlen)
{
	struct imad_policy *np = NULL, *old;
	int r;

	r = build(d, &np, err, errlen);
	if (r < 0)
		return r;
	pthread_mutex_lock(&d->policy_lock);
	np->gen = ++d->policy_gen;
	old = d->policy;
	d->policy = np;
	/* cache entries settle only under a policy that looks at the file alone */
	atomic_store(&d->settle_gen,
		     np->needs & (IMAD_NEED_CREDS | IMAD_NEED_SUBJ_LABEL) ? 0u : np->gen);
	atomic_store(&d->probe_writers, !!(np->needs & IMAD_NEED_VIOLATION));
	pthread_mutex_unlock(&d->policy_lock);
	imad_policy_put(old);
	imad_policy_write_runtime(d);
	return 0;
}

struct imad_policy *imad_policy_get(struct imad *d)
{
	struct imad_policy *p;

	pthread_mutex_lock(&d->policy_lock);
	p = d->policy;
	if (p)
		atomic_fetch_add(&p->refs, 1);
	pthread_mutex_unlock(&d->policy_lock);
	return p;
}

void imad_policy_put(struct imad_policy *p)
{
	if (!p)
		return;
	if (atomic_fetch_sub(&p->refs, 1) == 1) {
		imactl_policy_free(p->p);
		free(p);
	}
}

void imad_policy_release_all(struct imad *d)
{
	pthread_mutex_lock(&d->policy_lock);
	imad_policy_put(d->policy);
	d->policy = NULL;
	pthread_mutex_unlock(&d->policy_lock);
}

/* <runtime-dir>/policy: the active policy as the kernel prints it (securityfs "policy"). */
void imad_policy_write_runtime(struct imad *d)
{
	struct imad_policy *p = imad_policy_get(d);
	char path[4096], tmp[4200];
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!p)
		return;
	imactl_policy_print(p->p, NULL, 0, &len);
	text = malloc(len + 1);
	if (!text || imactl_policy_print(p->p, text, len + 1, &len) < 0) {
		imad_policy_put(p);
		return;
	}
	imad_policy_put(p);
	snprintf(path, sizeof(path), "%s/policy", d->cfg.runtime_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return;
	fwrite(text, 1, len, f);
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}
