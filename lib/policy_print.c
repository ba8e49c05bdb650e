/* SPDX-License-Identifier: MIT */
/*
 * Canonical printer: the text the kernel's ima_policy_show() produces for a
 * loaded rule (field order, "0x%lx" magics, lower-case UUIDs, ids printed as
 * signed int, the trailing blank), for the release the policy was parsed for.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_internal.h"

/* From 6.6 the blacklist flag is implied by imasig and no longer printed. */
#define K_BLACKLIST_DEFAULT POLICY_K(6, 6)

void policy_buf_puts(struct policy_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n < b->size) {
		memcpy(b->p + b->len, s, n);
		b->p[b->len + n] = '\0';
	} else {
		b->overflow = true;
	}
	b->len += n;
}

void policy_buf_printf(struct policy_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	policy_buf_puts(b, tmp);
}

static const char *const lsm_words[POLICY_LSM_MAX] = {
	"obj_user", "obj_role", "obj_type", "subj_user", "subj_role", "subj_type",
};

static void print_id(struct policy_buf *b, const char *word, char op, uint32_t id)
{
	/* The kernel prints __kuid_val() with %d: ids above INT_MAX come out negative. */
	policy_buf_printf(b, "%s%c%d ", word, op, (int)id);
}

void policy_format_rule(const imactl_policy *p, const struct policy_rule *r, struct policy_buf *b)
{
	static const struct {
		int action;
		const char *word;
	} actions[] = {
		{PACT_MEASURE, "measure"},     {PACT_DONT_MEASURE, "dont_measure"},
		{PACT_APPRAISE, "appraise"},   {PACT_DONT_APPRAISE, "dont_appraise"},
		{PACT_AUDIT, "audit"},	       {PACT_HASH, "hash"},
		{PACT_DONT_HASH, "dont_hash"},
	};
	static const char *const masks[] = {"MAY_EXEC", "MAY_WRITE", "MAY_READ", "MAY_APPEND"};

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (r->action & actions[i].action)
			policy_buf_puts(b, actions[i].word);
	policy_buf_puts(b, " ");

	if (r->flags & PF_FUNC)
		policy_buf_printf(b, "func=%s ", policy_funcs[r->func].name);
	if (r->flags & (PF_MASK | PF_INMASK)) {
		for (int i = 0; i < 4; i++)
			if (r->mask & (1u << i))
				policy_buf_printf(b, "mask=%s%s ",
						  (r->flags & PF_INMASK) ? "^" : "", masks[i]);
	}
	if (r->flags & PF_FSMAGIC)
		policy_buf_printf(b, "fsmagic=0x%llx ", r->fsmagic);
	if (r->flags & PF_FSNAME)
		policy_buf_printf(b, "fsname=%s ", r->fsname);
	if (r->flags & PF_KEYRINGS)
		policy_buf_printf(b, "keyrings=%s ", r->keyrings);
	if (r->flags & PF_LABEL)
		policy_buf_printf(b, "label=%s ", r->label);
	if (r->flags & PF_PCR)
		policy_buf_printf(b, "pcr=%d ", r->pcr);
	if (r->flags & PF_FSUUID) {
		const uint8_t *u = r->fsuuid;
		policy_buf_printf(b,
				  "fsuuid=%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
				  "%02x%02x%02x%02x%02x%02x ",
				  u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
				  u[11], u[12], u[13], u[14], u[15]);
	}
	if (r->flags & PF_UID)
		print_id(b, "uid", r->op[POLICY_SLOT_UID], r->id[POLICY_SLOT_UID]);
	if (r->flags & PF_EUID)
		print_id(b, "euid", r->op[POLICY_SLOT_UID], r->id[POLICY_SLOT_UID]);
	if (r->flags & PF_GID)
		print_id(b, "gid", r->op[POLICY_SLOT_GID], r->id[POLICY_SLOT_GID]);
	if (r->flags & PF_EGID)
		print_id(b, "egid", r->op[POLICY_SLOT_GID], r->id[POLICY_SLOT_GID]);
	if (r->flags & PF_FOWNER)
		print_id(b, "fowner", r->op[POLICY_SLOT_FOWNER], r->id[POLICY_SLOT_FOWNER]);
	if (r->flags & PF_FGROUP)
		print_id(b, "fgroup", r->op[POLICY_SLOT_FGROUP], r->id[POLICY_SLOT_FGROUP]);
	if (r->flags & PF_VALIDATE_ALGOS) {
		bool first = true;
		policy_buf_puts(b, "appraise_algos=");
		for (int i = 0; i < POLICY_N_ALGOS; i++) {
			if (!(r->algos & (1u << i)))
				continue;
			if (!first)
				policy_buf_puts(b, ",");
			policy_buf_puts(b, policy_algos[i].name);
			first = false;
		}
		policy_buf_puts(b, " ");
	}
	for (int i = 0; i < POLICY_LSM_MAX; i++)
		if (r->lsm[i])
			policy_buf_printf(b, "%s=%s ", lsm_words[i], r->lsm[i]);
	if (r->template_idx >= 0)
		policy_buf_printf(b, "template=%s ", policy_templates[r->template_idx].name);
	else if (r->template_idx == -2)
		policy_buf_puts(b, "template= "); /* the custom format template has no name */
	if (r->flags & PF_DIGSIG_REQUIRED) {
		if (r->flags & PF_VERITY_REQUIRED)
			policy_buf_puts(b, "appraise_type=sigv3 ");
		else if (r->flags & PF_MODSIG_ALLOWED)
			policy_buf_puts(b, "appraise_type=imasig|modsig ");
		else
			policy_buf_puts(b, "appraise_type=imasig ");
	}
	if (r->flags & PF_VERITY_REQUIRED)
		policy_buf_puts(b, "digest_type=verity ");
	if (p->kernel < K_BLACKLIST_DEFAULT && (r->flags & PF_CHECK_BLACKLIST))
		policy_buf_puts(b, "appraise_flag=check_blacklist ");
	if (r->flags & PF_PERMIT_DIRECTIO)
		policy_buf_puts(b, "permit_directio ");
	policy_buf_puts(b, "\n");
}

static int finish(struct policy_buf *b, size_t *ret_len)
{
	if (ret_len)
		*ret_len = b->len;
	return b->overflow ? -EMSGSIZE : 0;
}

int imactl_policy_print(const imactl_policy *p, char *buf, size_t size, size_t *ret_len)
{
	struct policy_buf b = {.p = buf, .size = buf ? size : 0};

	if (buf && size)
		buf[0] = '\0';
	for (size_t i = 0; i < p->n_rules; i++) {
		/* ima_policy_show() skips rules with an undefined LSM label. */
		if (p->rules[i].lsm_undefined)
			continue;
		policy_format_rule(p, &p->rules[i], &b);
	}
	if (b.size == 0)
		b.overflow = true; /* no room for the terminating NUL */
	return finish(&b, ret_len);
}

int imactl_policy_print_rule(const imactl_policy *p, size_t i, char *buf, size_t size,
			     size_t *ret_len)
{
	struct policy_buf b = {.p = buf, .size = buf ? size : 0};

	if (i >= p->n_rules)
		return -ERANGE;
	if (buf && size)
		buf[0] = '\0';
	policy_format_rule(p, &p->rules[i], &b);
	return finish(&b, ret_len);
}
