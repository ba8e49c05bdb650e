/* SPDX-License-Identifier: MIT */
/*
 * Evaluator: which actions the kernel takes for one access, following
 * ima_match_policy() and ima_match_rules() (ima_policy.c, 6.17): rules are
 * walked in order, the first match of each action class decides it, pcr= and
 * template= come from the matching measure rule, and a matching appraise rule
 * cancels "hash".
 */
#include <errno.h>
#include <string.h>

#include "diag.h"
#include "policy_internal.h"

static bool id_op(char op, uint32_t have, uint32_t rule)
{
	switch (op) {
	case '<':
		return have < rule;
	case '>':
		return have > rule;
	default:
		return have == rule;
	}
}

/* '|' separated list membership (ima_match_rule_data()). */
static bool in_list(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *s = list; *s;) {
		const char *e = strchr(s, '|');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == n && !memcmp(s, item, n))
			return true;
		if (!e)
			break;
		s = e + 1;
	}
	return false;
}

static bool match_rule_data(const struct policy_rule *r, const imactl_policy_access *a)
{
	const char *list;

	/* Only uid is tested here: a gid= on these funcs is accepted but ignored. */
	if ((r->flags & PF_UID) && !id_op(r->op[POLICY_SLOT_UID], a->uid, r->id[POLICY_SLOT_UID]))
		return false;
	list = r->func == PFUNC_KEY_CHECK ? r->keyrings : r->label;
	if (!list)
		return true;
	if (!a->func_data)
		return false;
	return in_list(list, a->func_data);
}

bool policy_rule_matches(const struct policy_rule *r, const imactl_policy_access *a,
			 enum policy_func func)
{
	const char *have[POLICY_LSM_MAX] = {a->obj_user,  a->obj_role,	a->obj_type,
					    a->subj_user, a->subj_role, a->subj_type};
	bool post_setattr = func == PFUNC_POST_SETATTR;
	uint32_t uid_rule = r->id[POLICY_SLOT_UID], gid_rule = r->id[POLICY_SLOT_GID];
	char uop = r->op[POLICY_SLOT_UID], gop = r->op[POLICY_SLOT_GID];

	if ((r->flags & PF_FUNC) && r->func != func && !post_setattr)
		return false;
	if (func == PFUNC_KEY_CHECK || func == PFUNC_CRITICAL_DATA)
		return r->func == func && match_rule_data(r, a);
	if ((r->flags & PF_MASK) && r->mask != a->mask && !post_setattr)
		return false;
	if ((r->flags & PF_INMASK) && !(r->mask & a->mask) && !post_setattr)
		return false;
	if ((r->flags & PF_FSMAGIC) && r->fsmagic != a->fsmagic)
		return false;
	if ((r->flags & PF_FSNAME) && (!a->fsname || strcmp(r->fsname, a->fsname)))
		return false;
	if ((r->flags & PF_FSUUID) && memcmp(r->fsuuid, a->fsuuid, 16))
		return false;
	if ((r->flags & PF_UID) && !id_op(uop, a->uid, uid_rule))
		return false;
	if (r->flags & PF_EUID) {
		/* With CAP_SETUID the saved and real ids count too. */
		if (a->cap_setuid) {
			if (!id_op(uop, a->euid, uid_rule) && !id_op(uop, a->suid, uid_rule) &&
			    !id_op(uop, a->uid, uid_rule))
				return false;
		} else if (!id_op(uop, a->euid, uid_rule)) {
			return false;
		}
	}
	if ((r->flags & PF_GID) && !id_op(gop, a->gid, gid_rule))
		return false;
	if (r->flags & PF_EGID) {
		if (a->cap_setgid) {
			if (!id_op(gop, a->egid, gid_rule) && !id_op(gop, a->sgid, gid_rule) &&
			    !id_op(gop, a->gid, gid_rule))
				return false;
		} else if (!id_op(gop, a->egid, gid_rule)) {
			return false;
		}
	}
	if ((r->flags & PF_FOWNER) &&
	    !id_op(r->op[POLICY_SLOT_FOWNER], a->fowner, r->id[POLICY_SLOT_FOWNER]))
		return false;
	if ((r->flags & PF_FGROUP) &&
	    !id_op(r->op[POLICY_SLOT_FGROUP], a->fgroup, r->id[POLICY_SLOT_FGROUP]))
		return false;
	for (int i = 0; i < POLICY_LSM_MAX; i++) {
		if (!r->lsm[i])
			continue;
		/* An undefined label never matches; a label compares by equality. */
		if (r->lsm_undefined || !have[i] || strcmp(have[i], r->lsm[i]))
			return false;
	}
	return true;
}

static int action_class(int action)
{
	if (action & (PACT_MEASURE | PACT_DONT_MEASURE))
		return IMACTL_POLICY_CLASS_MEASURE;
	if (action & (PACT_APPRAISE | PACT_DONT_APPRAISE))
		return IMACTL_POLICY_CLASS_APPRAISE;
	if (action & PACT_AUDIT)
		return IMACTL_POLICY_CLASS_AUDIT;
	return IMACTL_POLICY_CLASS_HASH;
}

static unsigned int public_flags(uint32_t f)
{
	unsigned int out = 0;

	if (f & PF_DIGSIG_REQUIRED)
		out |= IMACTL_POLICY_DIGSIG_REQUIRED;
	if (f & PF_MODSIG_ALLOWED)
		out |= IMACTL_POLICY_MODSIG_ALLOWED;
	if (f & PF_VERITY_REQUIRED)
		out |= IMACTL_POLICY_VERITY_REQUIRED;
	if (f & PF_PERMIT_DIRECTIO)
		out |= IMACTL_POLICY_PERMIT_DIRECTIO;
	if (f & PF_CHECK_BLACKLIST)
		out |= IMACTL_POLICY_CHECK_BLACKLIST;
	return out;
}

int imactl_policy_evaluate(const imactl_policy *p, const imactl_policy_access *a,
			   imactl_policy_decision *ret, imactl_diag *reterr)
{
	const int all = PACT_MEASURE | PACT_APPRAISE | PACT_AUDIT | PACT_HASH;
	int actmask = all | (all << 1);
	imactl_policy_decision d = {.pcr = -1};
	enum policy_func func;
	uint32_t nonaction = 0;

	if (!a->func)
		return diag_fail(reterr, -EINVAL, "no func given");
	func = policy_func_lookup(a->func, strlen(a->func), IMACTL_POLICY_KERNEL_NEWEST);
	if (func == PFUNC_NONE && !strcmp(a->func, "POST_SETATTR"))
		func = PFUNC_POST_SETATTR;
	if (func == PFUNC_NONE)
		return diag_fail(reterr, -EINVAL, "unknown func '%s'", a->func);
	for (int c = 0; c < IMACTL_POLICY_CLASS_MAX; c++)
		d.rule[c] = -1;

	if (func == PFUNC_SETXATTR_CHECK) {
		/* ima_update_policy_flags(): only the first SETXATTR_CHECK rule counts. */
		for (size_t i = 0; i < p->n_rules; i++) {
			if (p->rules[i].func != PFUNC_SETXATTR_CHECK)
				continue;
			d.appraise_algos = p->rules[i].algos;
			d.rule[IMACTL_POLICY_CLASS_APPRAISE] = (long)i;
			d.line[IMACTL_POLICY_CLASS_APPRAISE] = p->rules[i].line;
			break;
		}
		*ret = d;
		return 0;
	}

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];
		int cls;

		if (!(r->action & actmask))
			continue;
		if (!policy_rule_matches(r, a, func))
			continue;
		nonaction |=
			r->flags & (PF_DIGSIG_REQUIRED | PF_MODSIG_ALLOWED | PF_VERITY_REQUIRED |
				    PF_PERMIT_DIRECTIO | PF_CHECK_BLACKLIST);
		d.actions |= (unsigned int)(r->action & PACT_DO_MASK);
		if (r->action & PACT_APPRAISE) {
			d.actions &= ~(unsigned int)PACT_HASH;
			if (p->fail_securely)
				d.flags |= IMACTL_POLICY_FAIL_UNVERIFIABLE;
			if (r->flags & PF_VALIDATE_ALGOS)
				d.appraise_algos = r->algos;
		}
		if (r->action & PACT_DO_MASK)
			actmask &= ~(r->action | r->action << 1);
		else
			actmask &= ~(r->action | r->action >> 1);
		if (r->flags & PF_PCR)
			d.pcr = r->pcr;
		if (r->template_idx >= 0)
			d.template_name = policy_templates[r->template_idx].name;
		else if (r->template_idx == -2)
			d.template_name = p->template_fmt;
		cls = action_class(r->action);
		if (d.rule[cls] < 0) {
			d.rule[cls] = (long)i;
			d.line[cls] = r->line;
		}
		if (!actmask)
			break;
	}
	d.flags |= public_flags(nonaction);
	*ret = d;
	return 0;
}

const char *imactl_policy_algo_name(unsigned int bit)
{
	return bit < POLICY_N_ALGOS ? policy_algos[bit].name : NULL;
}

unsigned long imactl_policy_fs_magic(const char *name)
{
	for (int i = 0; i < PFS_MAX; i++)
		if (!strcmp(policy_fs[i].name, name))
			return policy_fs[i].magic;
	return 0;
}

const char *imactl_policy_fs_name(unsigned long magic)
{
	for (int i = 0; i < PFS_MAX; i++)
		if (policy_fs[i].magic == magic)
			return policy_fs[i].name;
	return NULL;
}
