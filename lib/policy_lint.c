/* SPDX-License-Identifier: MIT */
/*
 * Linter: policies the kernel accepts but that will not do what their author
 * wants, or that can make a system unusable.  Each finding has a stable code;
 * docs/policy.md lists them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "policy_internal.h"

struct lint {
	const imactl_policy *p;
	imactl_policy_finding *f;
	size_t n, cap;
	bool oom;
};

static void add(struct lint *l, const char *code, size_t rule, unsigned long col, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));
static void add(struct lint *l, const char *code, size_t rule, unsigned long col, const char *fmt,
		...)
{
	imactl_policy_finding *f;
	va_list ap;

	if (l->oom)
		return;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		f = realloc(l->f, ncap * sizeof(*f));
		if (!f) {
			l->oom = true;
			return;
		}
		l->f = f;
		l->cap = ncap;
	}
	f = &l->f[l->n++];
	memset(f, 0, sizeof(*f));
	f->code = code;
	f->rule = rule;
	f->line = l->p->rules[rule].line;
	f->column = col ? col : 1;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

static unsigned long rcol(const struct policy_rule *r, int tok)
{
	return r->col[tok] ? r->col[tok] : (r->action_col ? r->action_col : 1);
}

static int action_class(int action)
{
	if (action & (PACT_MEASURE | PACT_DONT_MEASURE))
		return 0;
	if (action & (PACT_APPRAISE | PACT_DONT_APPRAISE))
		return 1;
	if (action & PACT_AUDIT)
		return 2;
	return 3;
}

static bool has_fs_condition(const struct policy_rule *r)
{
	return r->flags & (PF_FSMAGIC | PF_FSNAME | PF_FSUUID);
}

/* Whether rule @e, with no other condition, excludes filesystem @fs. */
static bool excludes_fs(const struct policy_rule *e, int fs)
{
	const uint32_t others = PF_MASK | PF_INMASK | PF_UID | PF_EUID | PF_GID | PF_EGID |
				PF_FOWNER | PF_FGROUP | PF_FSUUID;
	bool hit = false;

	if (e->flags & others)
		return false;
	for (int i = 0; i < POLICY_LSM_MAX; i++)
		if (e->lsm[i])
			return false;
	if (e->func != PFUNC_NONE && e->func != PFUNC_FILE_CHECK)
		return false;
	if ((e->flags & PF_FSMAGIC) && e->fsmagic == policy_fs[fs].magic)
		hit = true;
	if ((e->flags & PF_FSNAME) && !strcmp(e->fsname, policy_fs[fs].name))
		hit = true;
	return hit;
}

/* A rule that sees file opens (FILE_CHECK) on any filesystem. */
static bool covers_file_opens(const struct policy_rule *r)
{
	return (r->func == PFUNC_NONE || r->func == PFUNC_FILE_CHECK) && !has_fs_condition(r);
}

static void lint_pseudo_fs(struct lint *l)
{
	const imactl_policy *p = l->p;
	static const struct {
		int action, dont;
		const char *verb, *risk;
	} cls[] = {
		{PACT_MEASURE, PACT_DONT_MEASURE, "measure",
		 "their contents churn and flood the measurement list"},
		{PACT_APPRAISE, PACT_DONT_APPRAISE, "appraise",
		 "their files carry no security.ima and opening them fails, which can make the "
		 "system unusable"},
	};

	for (size_t c = 0; c < ELEMENTSOF(cls); c++) {
		for (size_t i = 0; i < p->n_rules; i++) {
			const struct policy_rule *r = &p->rules[i];
			char missing[200] = "";
			size_t used = 0;

			if (r->action != cls[c].action || !covers_file_opens(r))
				continue;
			for (int fs = 0; fs < PFS_MAX; fs++) {
				bool excluded = false;
				if (!policy_fs[fs].lint)
					continue;
				for (size_t j = 0; j < i && !excluded; j++)
					excluded = p->rules[j].action == cls[c].dont &&
						   excludes_fs(&p->rules[j], fs);
				if (excluded)
					continue;
				used += (size_t)snprintf(missing + used, sizeof(missing) - used,
							 "%s%s", used ? ", " : "",
							 policy_fs[fs].name);
				if (used >= sizeof(missing))
					break;
			}
			if (missing[0])
				add(l, "pseudo-fs", i, r->action_col,
				    "'%s' applies to pseudo filesystems not excluded by an earlier "
				    "dont_%s rule (%s); %s",
				    cls[c].verb, cls[c].verb, missing, cls[c].risk);
			break; /* the first catch-all rule of the class is the one that matters */
		}
	}
}

static bool id_covers(char eop, uint32_t ev, char rop, uint32_t rv)
{
	switch (eop) {
	case '=':
		return rop == '=' && rv == ev;
	case '<':
		return (rop == '<' && rv <= ev) || (rop == '=' && rv < ev);
	default:
		return (rop == '>' && rv >= ev) || (rop == '=' && rv > ev);
	}
}

static bool list_subset(const char *sub, const char *set)
{
	/* Every item of @sub is an item of @set. */
	size_t setlen = strlen(set);

	for (const char *s = sub; *s;) {
		const char *e = strchr(s, '|');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		bool found = false;
		for (const char *t = set; t < set + setlen;) {
			const char *te = strchr(t, '|');
			size_t tn = te ? (size_t)(te - t) : strlen(t);
			if (tn == n && !memcmp(s, t, n))
				found = true;
			if (!te)
				break;
			t = te + 1;
		}
		if (!found)
			return false;
		if (!e)
			break;
		s = e + 1;
	}
	return true;
}

/* Whether every access rule @r matches is also matched by the earlier rule @e. */
static bool covers(const struct policy_rule *e, const struct policy_rule *r)
{
	static const struct {
		uint32_t flag;
		int slot;
	} ids[] = {
		{PF_UID, POLICY_SLOT_UID},	 {PF_EUID, POLICY_SLOT_UID},
		{PF_GID, POLICY_SLOT_GID},	 {PF_EGID, POLICY_SLOT_GID},
		{PF_FOWNER, POLICY_SLOT_FOWNER}, {PF_FGROUP, POLICY_SLOT_FGROUP},
	};

	if (e->lsm_undefined)
		return false;
	if (e->func != PFUNC_NONE && e->func != r->func)
		return false;
	/* A rule without func= never matches KEY_CHECK or CRITICAL_DATA data. */
	if (e->func == PFUNC_NONE && (r->func == PFUNC_KEY_CHECK || r->func == PFUNC_CRITICAL_DATA))
		return false;
	if (e->flags & PF_MASK) {
		if (!(r->flags & PF_MASK) || r->mask != e->mask)
			return false;
	}
	if (e->flags & PF_INMASK) {
		if (r->flags & PF_MASK) {
			if (!(r->mask & e->mask))
				return false;
		} else if (!(r->flags & PF_INMASK) || r->mask != e->mask) {
			return false;
		}
	}
	if ((e->flags & PF_FSMAGIC) && (!(r->flags & PF_FSMAGIC) || r->fsmagic != e->fsmagic))
		return false;
	if ((e->flags & PF_FSNAME) && (!(r->flags & PF_FSNAME) || strcmp(r->fsname, e->fsname)))
		return false;
	if ((e->flags & PF_FSUUID) && (!(r->flags & PF_FSUUID) || memcmp(r->fsuuid, e->fsuuid, 16)))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
		int s = ids[i].slot;
		if (!(e->flags & ids[i].flag))
			continue;
		if (!(r->flags & ids[i].flag) || !id_covers(e->op[s], e->id[s], r->op[s], r->id[s]))
			return false;
	}
	for (int i = 0; i < POLICY_LSM_MAX; i++)
		if (e->lsm[i] && (!r->lsm[i] || strcmp(e->lsm[i], r->lsm[i])))
			return false;
	if (e->keyrings && (!r->keyrings || !list_subset(r->keyrings, e->keyrings)))
		return false;
	if (e->label && (!r->label || !list_subset(r->label, e->label)))
		return false;
	return true;
}

static void lint_shadowed(struct lint *l)
{
	const imactl_policy *p = l->p;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];
		if (r->func == PFUNC_SETXATTR_CHECK)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct policy_rule *e = &p->rules[j];
			if (e->func == PFUNC_SETXATTR_CHECK ||
			    action_class(e->action) != action_class(r->action) || !covers(e, r))
				continue;
			if (e->action != r->action && !(e->action & PACT_DO_MASK))
				add(l, "shadowed", i, r->action_col,
				    "never takes effect: the earlier dont_ rule at line %lu "
				    "already "
				    "decides every access this rule matches",
				    e->line);
			else
				add(l, "unreachable", i, r->action_col,
				    "never reached: the earlier rule at line %lu already decides "
				    "every "
				    "access this rule matches",
				    e->line);
			break;
		}
	}
}

/* Hooks whose mask is fixed by the kernel: rules asking for another never match. */
static void lint_mask(struct lint *l)
{
	const imactl_policy *p = l->p;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];
		unsigned int fixed;
		bool ok;

		if (!(r->flags & (PF_MASK | PF_INMASK)))
			continue;
		switch (r->func) {
		case PFUNC_BPRM_CHECK:
		case PFUNC_MMAP_CHECK:
		case PFUNC_MMAP_CHECK_REQPROT:
		case PFUNC_CREDS_CHECK:
			fixed = IMACTL_POLICY_MAY_EXEC;
			break;
		case PFUNC_MODULE_CHECK:
		case PFUNC_FIRMWARE_CHECK:
		case PFUNC_KEXEC_KERNEL_CHECK:
		case PFUNC_KEXEC_INITRAMFS_CHECK:
		case PFUNC_POLICY_CHECK:
			fixed = IMACTL_POLICY_MAY_READ;
			break;
		default:
			continue;
		}
		ok = (r->flags & PF_MASK) ? r->mask == fixed : (r->mask & fixed) != 0;
		if (!ok)
			add(l, "never-matches", i, rcol(r, PTOK_MASK),
			    "func=%s always checks with %s, so this mask never matches",
			    policy_funcs[r->func].name,
			    fixed == IMACTL_POLICY_MAY_EXEC ? "MAY_EXEC" : "MAY_READ");
	}
}

static bool is_exec_func(enum policy_func f)
{
	return f == PFUNC_BPRM_CHECK || f == PFUNC_MMAP_CHECK || f == PFUNC_MMAP_CHECK_REQPROT;
}

static void lint_appraise(struct lint *l)
{
	const imactl_policy *p = l->p;
	size_t n_setxattr = 0;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		/* imasig on files that change at runtime. */
		if (r->action == PACT_APPRAISE && (r->flags & PF_DIGSIG_REQUIRED) &&
		    (r->func == PFUNC_NONE || r->func == PFUNC_FILE_CHECK) &&
		    !(r->flags & PF_FSUUID) &&
		    !((r->flags & (PF_MASK | PF_INMASK)) && r->mask == IMACTL_POLICY_MAY_EXEC))
			add(l, "imasig-mutable", i, rcol(r, PTOK_APPRAISE_TYPE),
			    "appraise_type=imasig on every file%s opened: files that change at "
			    "runtime (configuration, logs, databases) cannot keep a valid "
			    "signature "
			    "and will fail to open; limit the rule (func=, fsuuid=, mask=MAY_EXEC)",
			    (r->flags & PF_FOWNER) ? " of the owner" : "");

		/* tmpfs/ramfs executables escaping appraisal. */
		if (r->action == PACT_DONT_APPRAISE &&
		    (r->func == PFUNC_NONE || is_exec_func(r->func)) &&
		    (excludes_fs(r, PFS_TMPFS) || excludes_fs(r, PFS_RAMFS) ||
		     ((r->flags & PF_FSMAGIC) && (r->fsmagic == policy_fs[PFS_TMPFS].magic ||
						  r->fsmagic == policy_fs[PFS_RAMFS].magic)))) {
			for (size_t j = i + 1; j < p->n_rules; j++) {
				const struct policy_rule *a = &p->rules[j];
				if (a->action == PACT_APPRAISE &&
				    (a->func == PFUNC_NONE || is_exec_func(a->func)) &&
				    !has_fs_condition(a)) {
					add(l, "tmpfs-exec", i, rcol(r, PTOK_FSMAGIC),
					    "programs run from tmpfs/ramfs (/dev/shm, /run, /tmp) "
					    "escape the appraisal of line %lu; mount them noexec "
					    "or "
					    "limit this rule to func=FILE_CHECK",
					    a->line);
					break;
				}
			}
		}

		/* Weak hash algorithms allowed. */
		if (r->flags & PF_VALIDATE_ALGOS) {
			char weak[64] = "";
			size_t used = 0;
			for (int a = 0; a < POLICY_N_ALGOS; a++)
				if ((r->algos & (1u << a)) && policy_algos[a].weak &&
				    used < sizeof(weak))
					used += (size_t)snprintf(weak + used, sizeof(weak) - used,
								 "%s%s", used ? "," : "",
								 policy_algos[a].name);
			if (weak[0])
				add(l, "weak-hash", i, rcol(r, PTOK_APPRAISE_ALGOS),
				    "appraise_algos allows weak hash algorithms (%s)", weak);
		}

		/* Hashes many distribution kernels do not build: crypto_has_alg() fails
		 * and the kernel rejects the rule (Debian's 6.1 and 6.12 lack sm3).
		 * Quiet once the kernel's configuration is known: the parser checked. */
		if ((r->flags & PF_VALIDATE_ALGOS) && !(p->flags & IMACTL_POLICY_CRYPTO_KNOWN)) {
			char rare[128] = "";
			size_t used = 0;
			for (int a = 0; a < POLICY_N_ALGOS; a++)
				if ((r->algos & (1u << a)) && policy_algos[a].rare &&
				    used < sizeof(rare))
					used += (size_t)snprintf(rare + used, sizeof(rare) - used,
								 "%s%s", used ? "," : "",
								 policy_algos[a].name);
			if (rare[0])
				add(l, "uncommon-hash", i, rcol(r, PTOK_APPRAISE_ALGOS),
				    "appraise_algos names hashes many distribution kernels do not "
				    "build (%s): the kernel rejects the rule (EINVAL) when one is "
				    "missing; check with --kernel-config /boot/config-$(uname -r)",
				    rare);
		}

		if (r->action == PACT_APPRAISE && r->func == PFUNC_POLICY_CHECK)
			add(l, "signed-policy", i, rcol(r, PTOK_FUNC),
			    "once loaded, policy updates written as text fail (EACCES): later "
			    "updates must be the path of a signed policy file");

		if (r->func == PFUNC_SETXATTR_CHECK && n_setxattr++)
			add(l, "setxattr-ignored", i, rcol(r, PTOK_FUNC),
			    "only the first SETXATTR_CHECK rule takes effect; this one is ignored");

		if ((r->func == PFUNC_KEY_CHECK || r->func == PFUNC_CRITICAL_DATA) &&
		    (r->flags & PF_GID))
			add(l, "ignored-condition", i, rcol(r, PTOK_GID_EQ),
			    "gid= is accepted with func=%s but the kernel never tests it",
			    policy_funcs[r->func].name);
	}
}

static void lint_misc(struct lint *l)
{
	const imactl_policy *p = l->p;
	static const char *const lsm_words[POLICY_LSM_MAX] = {
		"obj_user", "obj_role", "obj_type", "subj_user", "subj_role", "subj_type",
	};

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		for (int s = 0; s < POLICY_LSM_MAX; s++) {
			if (!r->lsm[s])
				continue;
			if (r->lsm_undefined)
				add(l, "lsm-never-matches", i, rcol(r, PTOK_OBJ_USER + s),
				    "%s=%s: no active LSM defines this label; the rule never "
				    "matches "
				    "and is hidden from the policy read-back",
				    lsm_words[s], r->lsm[s]);
			else if (strchr(r->lsm[s], ':'))
				add(l, "lsm-never-matches", i, rcol(r, PTOK_OBJ_USER + s),
				    "%s=%s looks like a whole security context; %s compares a "
				    "single "
				    "field, so this rule will not match",
				    lsm_words[s], r->lsm[s], lsm_words[s]);
		}
		if (r->repeated)
			add(l, "repeated", i, r->action_col,
			    "a condition or option is given twice; the kernel keeps only the last "
			    "value");
		if (r->has_cr)
			add(l, "carriage-return", i, r->action_col,
			    "a value ends in a carriage return (DOS line endings): the kernel "
			    "keeps "
			    "it, so the condition will not match");
		if (r->fsuuid_junk)
			add(l, "fsuuid-junk", i, rcol(r, PTOK_FSUUID),
			    "text after the 36-character UUID is ignored by the kernel");
		if (r->col[PTOK_APPRAISE_FLAG] && p->kernel >= POLICY_K(6, 6))
			add(l, "deprecated", i, rcol(r, PTOK_APPRAISE_FLAG),
			    "appraise_flag= is ignored since 6.6 (blacklist checks are always on)");
	}
}

int imactl_policy_lint(const imactl_policy *p, imactl_policy_finding **ret_findings,
		       size_t *ret_count, imactl_diag *reterr)
{
	struct lint l = {.p = p};

	lint_pseudo_fs(&l);
	lint_shadowed(&l);
	lint_mask(&l);
	lint_appraise(&l);
	lint_misc(&l);
	if (l.oom) {
		free(l.f);
		return diag_fail(reterr, -ENOMEM, "out of memory");
	}
	/* Report in source order (stable: insertion sort keeps check order per position). */
	for (size_t i = 1; i < l.n; i++) {
		imactl_policy_finding tmp = l.f[i];
		size_t j = i;
		while (j > 0 && (l.f[j - 1].rule > tmp.rule ||
				 (l.f[j - 1].rule == tmp.rule && l.f[j - 1].column > tmp.column))) {
			l.f[j] = l.f[j - 1];
			j--;
		}
		l.f[j] = tmp;
	}
	*ret_findings = l.f;
	*ret_count = l.n;
	return 0;
}

void imactl_policy_findings_free(imactl_policy_finding *f)
{
	free(f);
}
