/* SPDX-License-Identifier: MIT */
/*
 * IMA policy parser: accepts exactly what a given kernel release accepts.
 *
 * Modelled on the kernel's write path (ima_fs.c ima_write_policy(),
 * ima_policy.c ima_parse_add_rule(), ima_parse_rule(), ima_validate_rule()),
 * read in a 6.17 tree; release differences are gated on the "since" values of
 * policy_tokens.def and the K_* constants below.  Our own code: the kernel is
 * a reference for behaviour, not a source of text.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "policy_internal.h"
#include "util/hex.h"
#include "util/cleanup.h"

/*
 * Release thresholds not tied to a single token (kernel history):
 *  - 6.6: "integrity: Always reference the blacklist keyring with appraisal":
 *    every imasig/sigv3/modsig rule checks the blacklist, appraise_flag= is
 *    parsed and ignored, the read-back no longer prints appraise_flag.
 *    Before it, appraise_flag needed CONFIG_IMA_APPRAISE_MODSIG and a value
 *    containing "blacklist", and only modsig rules could carry it.
 *  - 6.14: "ima: ignore suffixed policy rule comments": a token starting with
 *    '#' ends the rule; earlier releases reject it as an unknown token.
 *
 * What "--kernel 6.1" means: the 6.1 kernels users run, i.e. the 6.1.y stable
 * series as distributions ship it (Debian 12's 6.1.0-N is 6.1.1xx), probed
 * by tests/kernel/probe-policy.sh (tests/data/policy/kernel-6.1-verdicts.txt).
 * A gate belongs here only when a probed 6.1.y kernel agrees with it.  The
 * fs-verity grammar (digest_type=verity, appraise_type=sigv3, ima-ngv2,
 * ima-sigv2) is not gated: it was merged for v5.19, so 6.1.0 already has it;
 * this table used to gate it on 6.3, which the probe showed to be wrong.
 * Whether a hash named by appraise_algos= exists is build configuration
 * (options.no_algos, e.g. from imactl_policy_kconfig_parse()), not release.
 */
#define K_BLACKLIST_DEFAULT POLICY_K(6, 6)
#define K_SUFFIX_COMMENT    POLICY_K(6, 14)

/* ima_write_policy() cuts every write() to PAGE_SIZE - 1 bytes (4 KiB pages). */
#define POLICY_LINE_MAX 4095

const struct policy_keyword policy_keywords[PTOK_MAX] = {
#define POLICY_KEYWORD(id, text, kind, slot, since) \
	[PTOK_##id] = {text, sizeof(text) - 1, PK_##kind, slot, since},
#include "policy_tokens.def"
};

const struct policy_func_info policy_funcs[PFUNC_MAX] = {
	[PFUNC_NONE] = {"NONE", false, 0},
#define POLICY_FUNC(id, name, parseable, since) [PFUNC_##id] = {name, parseable, since},
#include "policy_tokens.def"
};

const struct policy_template_info policy_templates[] = {
#define POLICY_TEMPLATE(name, fmt, since) {name, fmt, since},
#include "policy_tokens.def"
};
const size_t policy_n_templates = ELEMENTSOF(policy_templates);

const struct policy_fs_info policy_fs[PFS_MAX] = {
#define POLICY_FS(id, name, magic, lint) [PFS_##id] = {name, magic, lint},
#include "policy_tokens.def"
};

const struct policy_algo_info policy_algos[POLICY_N_ALGOS] = {
#define POLICY_ALGO(index, name, weak, usable, since, rare, kconfig) \
	[index] = {name, weak, usable, since, rare, kconfig},
#include "policy_tokens.def"
};

static const struct {
	const char *name;
	enum policy_func func;
} func_aliases[] = {
#define POLICY_FUNC_ALIAS(name, id) {name, PFUNC_##id},
#include "policy_tokens.def"
};

static const struct {
	const char *name;
	unsigned int bit;
} mask_names[] = {
#define POLICY_MASK(id, name, bit) {name, bit},
#include "policy_tokens.def"
};

int imactl_policy_mask_parse(const char *s, unsigned int *ret_mask)
{
	unsigned int m = 0;
	char *end;
	unsigned long v;

	if (!s || !*s || !ret_mask)
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		v = strtoul(s, &end, 0);
		if (errno || *end || v > 0xffffffffu)
			return -EINVAL;
		*ret_mask = (unsigned int)v;
		return 0;
	}
	while (*s) {
		size_t n = strcspn(s, "|,"), i;

		for (i = 0; i < ELEMENTSOF(mask_names); i++)
			if (strlen(mask_names[i].name) == n && !strncmp(mask_names[i].name, s, n))
				break;
		if (i == ELEMENTSOF(mask_names))
			return -EINVAL;
		m |= mask_names[i].bit;
		s += n;
		if (*s && !*++s)
			return -EINVAL; /* a trailing separator */
	}
	*ret_mask = m;
	return 0;
}

static void kernel_str(unsigned int k, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u", k / 1000, k % 1000);
}

int imactl_policy_kernel_parse(const char *s, unsigned int *ret_kernel, imactl_diag *reterr)
{
	unsigned long major, minor;
	char *end;

	if (!s || !*s)
		return diag_fail(reterr, -EINVAL, "empty kernel release");
	if (!strcmp(s, "newest") || !strcmp(s, "latest")) {
		*ret_kernel = IMACTL_POLICY_KERNEL_NEWEST;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return diag_fail(reterr, -EINVAL, "'%s' is not a kernel release (e.g. 6.12)", s);
	errno = 0;
	major = strtoul(s, &end, 10);
	if (errno || *end != '.' || !isdigit((unsigned char)end[1]))
		return diag_fail(reterr, -EINVAL, "'%s' is not a kernel release (e.g. 6.12)", s);
	minor = strtoul(end + 1, &end, 10);
	/* "6.1.0-31-amd64", "6.12.9": the stable part and suffix do not matter. */
	if (errno || (*end && *end != '.' && *end != '-' && *end != '+') || major > 1000 ||
	    minor >= 1000)
		return diag_fail(reterr, -EINVAL, "'%s' is not a kernel release (e.g. 6.12)", s);
	if (IMACTL_POLICY_KERNEL(major, minor) < IMACTL_POLICY_KERNEL_OLDEST)
		return diag_fail(reterr, -EOPNOTSUPP,
				 "kernel %lu.%lu is older than the oldest modelled release (6.1)",
				 major, minor);
	*ret_kernel = IMACTL_POLICY_KERNEL(major, minor);
	return 0;
}

int policy_opts_resolve(const imactl_policy_options *opts, unsigned int *ret_kernel,
			unsigned int *ret_flags, imactl_diag *reterr)
{
	unsigned int k = IMACTL_POLICY_KERNEL_NEWEST, flags = 0;

	if (opts) {
		if (opts->version != 1 && opts->version != IMACTL_POLICY_OPTIONS_VERSION)
			return diag_fail(reterr, -EINVAL, "policy options version %u unsupported",
					 opts->version);
		if (opts->kernel) {
			if (opts->kernel < IMACTL_POLICY_KERNEL_OLDEST)
				return diag_fail(reterr, -EOPNOTSUPP,
						 "kernel release older than 6.1 is not modelled");
			k = opts->kernel;
		}
		flags = opts->flags;
	}
	*ret_kernel = k;
	*ret_flags = flags;
	return 0;
}

uint32_t policy_opts_no_algos(const imactl_policy_options *opts)
{
	return opts && opts->version >= 2 ? opts->no_algos : 0;
}

enum policy_func policy_func_lookup(const char *name, size_t len, unsigned int kernel)
{
	for (int f = PFUNC_NONE + 1; f < PFUNC_MAX; f++) {
		const struct policy_func_info *fi = &policy_funcs[f];
		if (fi->parseable && fi->since <= kernel && strlen(fi->name) == len &&
		    !memcmp(fi->name, name, len))
			return (enum policy_func)f;
	}
	for (size_t i = 0; i < ELEMENTSOF(func_aliases); i++)
		if (strlen(func_aliases[i].name) == len && !memcmp(func_aliases[i].name, name, len))
			return func_aliases[i].func;
	return PFUNC_NONE;
}

imactl_policy *policy_new(unsigned int kernel, unsigned int flags)
{
	imactl_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->kernel = kernel;
	p->flags = flags;
	return p;
}

static void rule_clear(struct policy_rule *r)
{
	free(r->source);
	free(r->fsname);
	free(r->keyrings);
	free(r->label);
	for (int i = 0; i < POLICY_LSM_MAX; i++)
		free(r->lsm[i]);
}

void imactl_policy_free(imactl_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++)
		rule_clear(&p->rules[i]);
	free(p->rules);
	free(p->template_fmt);
	free(p);
}

size_t imactl_policy_rule_count(const imactl_policy *p)
{
	return p ? p->n_rules : 0;
}

unsigned long imactl_policy_rule_line(const imactl_policy *p, size_t i)
{
	return p && i < p->n_rules ? p->rules[i].line : 0;
}

const char *imactl_policy_rule_source(const imactl_policy *p, size_t i)
{
	return p && i < p->n_rules && p->rules[i].source ? p->rules[i].source : "";
}

int imactl_policy_rule_hidden(const imactl_policy *p, size_t i)
{
	return p && i < p->n_rules && p->rules[i].lsm_undefined;
}

/* ---- number parsers with the kernel's kstrto*() rules -------------------- */

/* _kstrtoull(): "0x" prefix skipped for base 16, at least one digit, no junk. */
static int k_parse_ull(const char *s, unsigned int base, unsigned long long *ret)
{
	unsigned long long v = 0;
	const char *d;

	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (d = s; *d; d++) {
		unsigned int digit;
		if (*d >= '0' && *d <= '9')
			digit = (unsigned int)(*d - '0');
		else if (base == 16 && *d >= 'a' && *d <= 'f')
			digit = (unsigned int)(*d - 'a' + 10);
		else if (base == 16 && *d >= 'A' && *d <= 'F')
			digit = (unsigned int)(*d - 'A' + 10);
		else
			break;
		if (v > (ULLONG_MAX - digit) / base)
			return -ERANGE;
		v = v * base + digit;
	}
	if (d == s)
		return -EINVAL;
	/* The kernel allows one trailing newline; a token never holds one. */
	if (*d)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* kstrtoull(): additionally allows a leading '+'. */
static int k_strtoull(const char *s, unsigned int base, unsigned long long *ret)
{
	if (s[0] == '+')
		s++;
	return k_parse_ull(s, base, ret);
}

/* kstrtoint(): kstrtoll() ("-" then digits, or kstrtoull()) narrowed to int. */
static int k_strtoint(const char *s, int *ret)
{
	unsigned long long u;
	long long v;
	int r;

	if (s[0] == '-') {
		r = k_parse_ull(s + 1, 10, &u);
		if (r < 0)
			return r;
		if ((long long)-u > 0)
			return -ERANGE;
		v = (long long)-u;
	} else {
		r = k_strtoull(s, 10, &u);
		if (r < 0)
			return r;
		if ((long long)u < 0)
			return -ERANGE;
		v = (long long)u;
	}
	if (v != (int)v)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

/*
 * uuid_parse(): the first 36 characters must be a dashed UUID; like the
 * kernel's uuid_is_valid() we do not look past them, so trailing junk is
 * accepted (the linter warns about it).
 */
static int k_uuid_parse(const char *s, uint8_t out[16])
{
	static const unsigned char pos[16] = {0,  2,  4,  6,  9,  11, 14, 16,
					      19, 21, 24, 26, 28, 30, 32, 34};

	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
		} else if (hex_nibble(s[i]) < 0) {
			return -EINVAL;
		}
	}
	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)(hex_nibble(s[pos[i]]) << 4 | hex_nibble(s[pos[i] + 1]));
	return 0;
}

static bool uuid_is_null(const uint8_t u[16])
{
	for (int i = 0; i < 16; i++)
		if (u[i])
			return false;
	return true;
}

/* ima_alloc_rule_opt_list(): '|' separated, no empty item. */
static bool opt_list_valid(const char *s)
{
	const char *item = s;

	for (const char *c = s;; c++) {
		if (*c == '|' || *c == '\0') {
			if (c == item)
				return false;
			if (!*c)
				return true;
			item = c + 1;
		}
	}
}

/* ---- the rule parser ----------------------------------------------------- */

struct pctx {
	imactl_policy *p;
	const char *file;
	unsigned long line;
	imactl_diag *reterr;
	char kname[16];
};

static int fail_at(struct pctx *c, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct pctx *c, unsigned long col, const char *fmt, ...)
{
	char msg[IMACTL_DIAG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_fail_pos(c->reterr, -EINVAL, c->file ? c->file : "", c->line, col, "%s", msg);
}

static int keyword_match(const char *tok, unsigned int kernel, const char **ret_value,
			 bool *ret_later)
{
	*ret_later = false;
	for (int t = 0; t < PTOK_MAX; t++) {
		const struct policy_keyword *k = &policy_keywords[t];
		bool match;

		if (k->kind == PK_ACTION || k->kind == PK_FLAG)
			match = !strcmp(tok, k->text);
		else
			/* match_token()'s %s needs at least one character. */
			match = !strncmp(tok, k->text, k->len) && tok[k->len];
		if (!match)
			continue;
		if (k->since > kernel) {
			*ret_later = true;
			return t;
		}
		*ret_value = tok + k->len;
		return t;
	}
	return -1;
}

static const char *action_name(int action)
{
	for (int t = 0; t < PTOK_MAX; t++)
		if (policy_keywords[t].kind == PK_ACTION && policy_keywords[t].slot == action)
			return policy_keywords[t].text;
	return "?";
}

static int template_lookup(const imactl_policy *p, const char *v)
{
	for (size_t i = 0; i < policy_n_templates; i++) {
		const struct policy_template_info *t = &policy_templates[i];
		if (t->since <= p->kernel && (!strcmp(t->name, v) || !strcmp(t->fmt, v)))
			return (int)i;
	}
	if (p->template_fmt && !strcmp(p->template_fmt, v))
		return -2;
	return -1;
}

static int parse_algos(struct pctx *c, unsigned long col, const char *v, uint32_t *ret)
{
	uint32_t set = 0;
	const char *item = v;

	for (const char *e = v;; e++) {
		if (*e != ',' && *e != '\0')
			continue;
		size_t n = (size_t)(e - item);
		int found = -1;
		for (int i = 0; i < POLICY_N_ALGOS; i++)
			if (strlen(policy_algos[i].name) == n &&
			    !memcmp(policy_algos[i].name, item, n))
				found = i;
		if (found < 0)
			return fail_at(c, col, "appraise_algos: unknown hash algorithm '%.*s'",
				       (int)n, item);
		if (policy_algos[found].since > c->p->kernel) {
			char since[16];
			kernel_str(policy_algos[found].since, since, sizeof(since));
			return fail_at(c, col,
				       "appraise_algos: '%s' is unknown to kernel %s (added in %s)",
				       policy_algos[found].name, c->kname, since);
		}
		if (!policy_algos[found].usable)
			return fail_at(c, col,
				       "appraise_algos: '%s' is not available in the kernel crypto "
				       "API (removed in 5.12)",
				       policy_algos[found].name);
		if (c->p->no_algos & (1u << found))
			return fail_at(c, col,
				       "appraise_algos: '%s' is not built into this kernel's "
				       "crypto API (needs CONFIG_ one of: %s)",
				       policy_algos[found].name, policy_algos[found].kconfig);
		set |= 1u << found;
		if (!*e)
			break;
		item = e + 1;
	}
	*ret = set;
	return 0;
}

static uint32_t id_flag(int tok)
{
	switch (tok) {
	case PTOK_UID_EQ:
	case PTOK_UID_GT:
	case PTOK_UID_LT:
		return PF_UID;
	case PTOK_EUID_EQ:
	case PTOK_EUID_GT:
	case PTOK_EUID_LT:
		return PF_EUID;
	case PTOK_GID_EQ:
	case PTOK_GID_GT:
	case PTOK_GID_LT:
		return PF_GID;
	case PTOK_EGID_EQ:
	case PTOK_EGID_GT:
	case PTOK_EGID_LT:
		return PF_EGID;
	case PTOK_FOWNER_EQ:
	case PTOK_FOWNER_GT:
	case PTOK_FOWNER_LT:
		return PF_FOWNER;
	default:
		return PF_FGROUP;
	}
}

static int parse_token(struct pctx *c, struct policy_rule *r, int t, const char *tok, const char *v,
		       unsigned long col)
{
	imactl_policy *p = c->p;
	const struct policy_keyword *k = &policy_keywords[t];
	bool new_blacklist = p->kernel >= K_BLACKLIST_DEFAULT;

	switch (k->kind) {
	case PK_ACTION:
		if (r->action)
			return fail_at(c, col, "second action '%s' (the rule already has '%s')",
				       tok, action_name(r->action));
		r->action = k->slot;
		r->action_col = (unsigned short)col;
		return 0;
	case PK_LSM:
		if (p->flags & IMACTL_POLICY_LSM_UNDEFINED) {
			/* ima_lsm_rule_init(): an undefined label fails only while the
			 * boot policy is active; later loads keep a rule that never matches. */
			if (p->flags & IMACTL_POLICY_FIRST_LOAD)
				return fail_at(
					c, col,
					"'%s': no active LSM defines this label, and the first "
					"policy load rejects undefined labels",
					tok);
			r->lsm_undefined = true;
		} else if (r->lsm[k->slot]) {
			return fail_at(c, col, "duplicate '%.*s' in one rule", (int)(k->len - 1),
				       k->text);
		}
		free(r->lsm[k->slot]);
		r->lsm[k->slot] = strdup(v);
		if (!r->lsm[k->slot])
			return -ENOMEM;
		return 0;
	case PK_ID: {
		int slot = k->slot;
		unsigned long long n;
		if (r->id_set[slot]) {
			const char *hint =
				slot == POLICY_SLOT_UID	  ? " (uid and euid share one slot)"
				: slot == POLICY_SLOT_GID ? " (gid and egid share one slot)"
							  : "";
			return fail_at(c, col, "'%s': a second %s condition in one rule%s", tok,
				       slot == POLICY_SLOT_UID	    ? "uid/euid"
				       : slot == POLICY_SLOT_GID    ? "gid/egid"
				       : slot == POLICY_SLOT_FOWNER ? "fowner"
								    : "fgroup",
				       hint);
		}
		if (k_strtoull(v, 10, &n) < 0)
			return fail_at(c, col, "'%s': not a decimal id", tok);
		/* make_kuid() in the initial user namespace: (uid_t)-1 is invalid. */
		if (n >= UINT32_MAX)
			return fail_at(c, col, "'%s': id out of range (must be below 4294967295)",
				       tok);
		r->id[slot] = (uint32_t)n;
		r->id_set[slot] = true;
		r->op[slot] = k->text[k->len - 1];
		r->flags |= id_flag(t);
		return 0;
	}
	default:
		break;
	}

	switch (t) {
	case PTOK_FUNC: {
		enum policy_func f;
		if (r->func != PFUNC_NONE)
			return fail_at(c, col, "duplicate func= in one rule");
		f = policy_func_lookup(v, strlen(v), p->kernel);
		if (f == PFUNC_NONE) {
			for (int i = 1; i < PFUNC_MAX; i++)
				if (policy_funcs[i].parseable && !strcmp(policy_funcs[i].name, v)) {
					char since[16];
					kernel_str(policy_funcs[i].since, since, sizeof(since));
					return fail_at(
						c, col,
						"func=%s is unknown to kernel %s (added in %s)", v,
						c->kname, since);
				}
			return fail_at(c, col, "unknown func '%s'", v);
		}
		if (f == PFUNC_KEY_CHECK && (p->flags & IMACTL_POLICY_NO_ASYMMETRIC_KEYS))
			return fail_at(c, col,
				       "func=KEY_CHECK needs CONFIG_IMA_MEASURE_ASYMMETRIC_KEYS");
		r->func = f;
		r->flags |= PF_FUNC;
		return 0;
	}
	case PTOK_MASK: {
		const char *name = v[0] == '^' ? v + 1 : v;
		unsigned int bit = 0;
		if (r->mask)
			return fail_at(c, col, "duplicate mask= in one rule");
		for (size_t i = 0; i < ELEMENTSOF(mask_names); i++)
			if (!strcmp(mask_names[i].name, name))
				bit = mask_names[i].bit;
		if (!bit)
			return fail_at(c, col,
				       "unknown mask '%s' (one of MAY_EXEC, MAY_WRITE, "
				       "MAY_READ, MAY_APPEND, optionally with '^')",
				       v);
		r->mask = bit;
		r->flags |= v[0] == '^' ? PF_INMASK : PF_MASK;
		return 0;
	}
	case PTOK_FSMAGIC: {
		unsigned long long m;
		/* The kernel tests the stored value, so a first fsmagic=0 does not count. */
		if (r->fsmagic)
			return fail_at(c, col, "duplicate fsmagic= in one rule");
		if (k_strtoull(v, 16, &m) < 0)
			return fail_at(c, col, "fsmagic '%s' is not a hexadecimal number", v);
		if (r->flags & PF_FSMAGIC)
			r->repeated |= PF_FSMAGIC;
		r->fsmagic = m;
		r->flags |= PF_FSMAGIC;
		return 0;
	}
	case PTOK_FSNAME:
		/* No duplicate check in the kernel: the last fsname= wins. */
		if (r->flags & PF_FSNAME)
			r->repeated |= PF_FSNAME;
		free(r->fsname);
		r->fsname = strdup(v);
		if (!r->fsname)
			return -ENOMEM;
		r->flags |= PF_FSNAME;
		return 0;
	case PTOK_KEYRINGS:
	case PTOK_LABEL: {
		char **slot = t == PTOK_KEYRINGS ? &r->keyrings : &r->label;
		if (t == PTOK_KEYRINGS && (p->flags & IMACTL_POLICY_NO_ASYMMETRIC_KEYS))
			return fail_at(c, col,
				       "keyrings= needs CONFIG_IMA_MEASURE_ASYMMETRIC_KEYS");
		if (*slot)
			return fail_at(c, col, "duplicate %s in one rule", k->text);
		if (!opt_list_valid(v))
			return fail_at(c, col, "'%s': empty item in a '|' separated list", tok);
		*slot = strdup(v);
		if (!*slot)
			return -ENOMEM;
		r->flags |= t == PTOK_KEYRINGS ? PF_KEYRINGS : PF_LABEL;
		return 0;
	}
	case PTOK_FSUUID:
		/* The kernel tests for a null UUID, so a first all-zero UUID does not count. */
		if (!uuid_is_null(r->fsuuid))
			return fail_at(c, col, "duplicate fsuuid= in one rule");
		if (k_uuid_parse(v, r->fsuuid) < 0)
			return fail_at(c, col, "fsuuid '%s' is not a UUID", v);
		if (r->flags & PF_FSUUID)
			r->repeated |= PF_FSUUID;
		r->fsuuid_junk = strlen(v) > 36;
		r->flags |= PF_FSUUID;
		return 0;
	case PTOK_DIGEST_TYPE:
		if (r->flags & PF_DIGSIG_REQUIRED)
			return fail_at(c, col, "digest_type= must come before appraise_type=");
		if (strcmp(v, "verity"))
			return fail_at(c, col, "unknown digest_type '%s' (only 'verity')", v);
		r->flags |= PF_VERITY_REQUIRED;
		return 0;
	case PTOK_APPRAISE_TYPE: {
		uint32_t bl = new_blacklist ? PF_CHECK_BLACKLIST : 0;
		if (!strcmp(v, "imasig")) {
			if (r->flags & PF_VERITY_REQUIRED)
				return fail_at(c, col,
					       "appraise_type=imasig after digest_type=verity (use "
					       "sigv3)");
			r->flags |= PF_DIGSIG_REQUIRED | bl;
		} else if (!strcmp(v, "sigv3")) {
			if (!(r->flags & PF_VERITY_REQUIRED))
				return fail_at(
					c, col,
					"appraise_type=sigv3 needs digest_type=verity earlier "
					"in the rule");
			r->flags |= PF_DIGSIG_REQUIRED | bl;
		} else if (!(p->flags & IMACTL_POLICY_NO_MODSIG) && !strcmp(v, "imasig|modsig")) {
			if (r->flags & PF_VERITY_REQUIRED)
				return fail_at(
					c, col,
					"appraise_type=imasig|modsig after digest_type=verity");
			r->flags |= PF_DIGSIG_REQUIRED | PF_MODSIG_ALLOWED | bl;
		} else if (!strcmp(v, "imasig|modsig")) {
			return fail_at(
				c, col,
				"appraise_type=imasig|modsig needs CONFIG_IMA_APPRAISE_MODSIG");
		} else {
			return fail_at(c, col, "unknown appraise_type '%s'", v);
		}
		return 0;
	}
	case PTOK_APPRAISE_FLAG:
		if (new_blacklist)
			return 0; /* parsed, audited and ignored */
		if ((p->flags & IMACTL_POLICY_NO_MODSIG) || !strstr(v, "blacklist"))
			return fail_at(c, col,
				       "appraise_flag='%s' rejected by kernel %s (needs "
				       "CONFIG_IMA_APPRAISE_MODSIG and 'check_blacklist')",
				       v, c->kname);
		r->flags |= PF_CHECK_BLACKLIST;
		return 0;
	case PTOK_APPRAISE_ALGOS: {
		int ret;
		if (r->algos)
			return fail_at(c, col, "duplicate appraise_algos= in one rule");
		ret = parse_algos(c, col, v, &r->algos);
		if (ret < 0)
			return ret;
		r->flags |= PF_VALIDATE_ALGOS;
		return 0;
	}
	case PTOK_PERMIT_DIRECTIO:
		if (r->flags & PF_PERMIT_DIRECTIO)
			r->repeated |= PF_PERMIT_DIRECTIO;
		r->flags |= PF_PERMIT_DIRECTIO;
		return 0;
	case PTOK_PCR: {
		int pcr, max = (p->flags & IMACTL_POLICY_32BIT) ? 32 : 64;
		/* No duplicate check in the kernel: the last pcr= wins. */
		if (k_strtoint(v, &pcr) < 0 || pcr < 0 || pcr >= max)
			return fail_at(c, col, "pcr '%s' is not a number from 0 to %d", v, max - 1);
		if (r->flags & PF_PCR)
			r->repeated |= PF_PCR;
		r->pcr = pcr;
		r->flags |= PF_PCR;
		return 0;
	}
	case PTOK_TEMPLATE: {
		int idx;
		if (r->action != PACT_MEASURE)
			return fail_at(c, col, "template= needs the 'measure' action before it");
		idx = template_lookup(p, v);
		if (idx == -1)
			return fail_at(c, col, "unknown template '%s'", v);
		if (r->template_idx != -1)
			return fail_at(c, col, "duplicate template= in one rule");
		r->template_idx = idx;
		return 0;
	}
	default:
		return fail_at(c, col, "internal: unhandled keyword '%s'", tok);
	}
}

/* Which token set a flag, for pointing at it. */
static unsigned long flag_col(const struct policy_rule *r, uint32_t flag)
{
	static const struct {
		uint32_t flag;
		int toks[6];
	} map[] = {
		{PF_FUNC, {PTOK_FUNC, -1}},
		{PF_MASK, {PTOK_MASK, -1}},
		{PF_INMASK, {PTOK_MASK, -1}},
		{PF_FSMAGIC, {PTOK_FSMAGIC, -1}},
		{PF_FSNAME, {PTOK_FSNAME, -1}},
		{PF_FSUUID, {PTOK_FSUUID, -1}},
		{PF_UID, {PTOK_UID_EQ, PTOK_UID_GT, PTOK_UID_LT, -1}},
		{PF_EUID, {PTOK_EUID_EQ, PTOK_EUID_GT, PTOK_EUID_LT, -1}},
		{PF_GID, {PTOK_GID_EQ, PTOK_GID_GT, PTOK_GID_LT, -1}},
		{PF_EGID, {PTOK_EGID_EQ, PTOK_EGID_GT, PTOK_EGID_LT, -1}},
		{PF_FOWNER, {PTOK_FOWNER_EQ, PTOK_FOWNER_GT, PTOK_FOWNER_LT, -1}},
		{PF_FGROUP, {PTOK_FGROUP_EQ, PTOK_FGROUP_GT, PTOK_FGROUP_LT, -1}},
		{PF_PCR, {PTOK_PCR, -1}},
		{PF_KEYRINGS, {PTOK_KEYRINGS, -1}},
		{PF_LABEL, {PTOK_LABEL, -1}},
		{PF_VALIDATE_ALGOS, {PTOK_APPRAISE_ALGOS, -1}},
		{PF_DIGSIG_REQUIRED, {PTOK_APPRAISE_TYPE, -1}},
		{PF_MODSIG_ALLOWED, {PTOK_APPRAISE_TYPE, -1}},
		{PF_CHECK_BLACKLIST, {PTOK_APPRAISE_FLAG, PTOK_APPRAISE_TYPE, -1}},
		{PF_PERMIT_DIRECTIO, {PTOK_PERMIT_DIRECTIO, -1}},
		{PF_VERITY_REQUIRED, {PTOK_DIGEST_TYPE, -1}},
	};

	for (size_t i = 0; i < ELEMENTSOF(map); i++) {
		if (!(map[i].flag & flag))
			continue;
		for (int j = 0; map[i].toks[j] >= 0; j++)
			if (r->col[map[i].toks[j]])
				return r->col[map[i].toks[j]];
	}
	return r->action_col ? r->action_col : 1;
}

static const char *flag_word(uint32_t flag)
{
	switch (flag) {
	case PF_FUNC:
		return "func=";
	case PF_MASK:
	case PF_INMASK:
		return "mask=";
	case PF_FSMAGIC:
		return "fsmagic=";
	case PF_FSNAME:
		return "fsname=";
	case PF_FSUUID:
		return "fsuuid=";
	case PF_UID:
		return "uid";
	case PF_EUID:
		return "euid";
	case PF_GID:
		return "gid";
	case PF_EGID:
		return "egid";
	case PF_FOWNER:
		return "fowner";
	case PF_FGROUP:
		return "fgroup";
	case PF_PCR:
		return "pcr=";
	case PF_KEYRINGS:
		return "keyrings=";
	case PF_LABEL:
		return "label=";
	case PF_VALIDATE_ALGOS:
		return "appraise_algos=";
	case PF_DIGSIG_REQUIRED:
		return "appraise_type=";
	case PF_MODSIG_ALLOWED:
		return "appraise_type=imasig|modsig";
	case PF_CHECK_BLACKLIST:
		return "appraise_flag=check_blacklist";
	case PF_PERMIT_DIRECTIO:
		return "permit_directio";
	case PF_VERITY_REQUIRED:
		return "digest_type=verity";
	default:
		return "?";
	}
}

static uint32_t lowest_bit(uint32_t v)
{
	return v & (~v + 1);
}

static bool has_lsm(const struct policy_rule *r)
{
	for (int i = 0; i < POLICY_LSM_MAX; i++)
		if (r->lsm[i])
			return true;
	return false;
}

static unsigned long first_lsm_col(const struct policy_rule *r)
{
	for (int t = PTOK_OBJ_USER; t <= PTOK_SUBJ_TYPE; t++)
		if (r->col[t])
			return r->col[t];
	return 1;
}

/* ima_validate_rule(), with a reason and a position. */
static int validate_rule(struct pctx *c, const struct policy_rule *r, unsigned long first_col)
{
	const uint32_t appraise_only =
		PF_DIGSIG_REQUIRED | PF_MODSIG_ALLOWED | PF_CHECK_BLACKLIST | PF_VALIDATE_ALGOS;
	const uint32_t base = PF_FUNC | PF_MASK | PF_FSMAGIC | PF_UID | PF_FOWNER | PF_FSUUID |
			      PF_INMASK | PF_EUID | PF_PCR | PF_FSNAME | PF_GID | PF_EGID |
			      PF_FGROUP | PF_DIGSIG_REQUIRED | PF_PERMIT_DIRECTIO |
			      PF_VALIDATE_ALGOS;
	bool new_blacklist = c->p->kernel >= K_BLACKLIST_DEFAULT;
	const char *fname = r->func ? policy_funcs[r->func].name : NULL;
	uint32_t allowed, bad;
	int actions_allowed = 0;

	if (!r->action)
		return fail_at(c, first_col,
			       "rule has no action (measure, dont_measure, appraise, "
			       "dont_appraise, audit, hash, dont_hash)");
	if (r->action != PACT_MEASURE && (r->flags & PF_PCR))
		return fail_at(c, flag_col(r, PF_PCR), "pcr= is only valid with 'measure'");
	if (r->action != PACT_APPRAISE && (r->flags & appraise_only)) {
		uint32_t f = lowest_bit(r->flags & appraise_only);
		return fail_at(c, flag_col(r, f), "%s is only valid with 'appraise' (not '%s')",
			       flag_word(f), action_name(r->action));
	}

	switch (r->func) {
	case PFUNC_NONE:
	case PFUNC_FILE_CHECK:
	case PFUNC_MMAP_CHECK:
	case PFUNC_MMAP_CHECK_REQPROT:
	case PFUNC_BPRM_CHECK:
	case PFUNC_CREDS_CHECK:
	case PFUNC_POST_SETATTR:
	case PFUNC_FIRMWARE_CHECK:
	case PFUNC_POLICY_CHECK:
		allowed = base | PF_VERITY_REQUIRED | (new_blacklist ? PF_CHECK_BLACKLIST : 0);
		break;
	case PFUNC_MODULE_CHECK:
	case PFUNC_KEXEC_KERNEL_CHECK:
	case PFUNC_KEXEC_INITRAMFS_CHECK:
		allowed = base | PF_MODSIG_ALLOWED | PF_CHECK_BLACKLIST;
		break;
	case PFUNC_KEXEC_CMDLINE:
		actions_allowed = PACT_MEASURE | PACT_DONT_MEASURE;
		allowed = PF_FUNC | PF_FSMAGIC | PF_UID | PF_FOWNER | PF_FSUUID | PF_EUID | PF_PCR |
			  PF_FSNAME | PF_GID | PF_EGID | PF_FGROUP;
		break;
	case PFUNC_KEY_CHECK:
		actions_allowed = PACT_MEASURE | PACT_DONT_MEASURE;
		allowed = PF_FUNC | PF_UID | PF_GID | PF_PCR | PF_KEYRINGS;
		break;
	case PFUNC_CRITICAL_DATA:
		actions_allowed = PACT_MEASURE | PACT_DONT_MEASURE;
		allowed = PF_FUNC | PF_UID | PF_GID | PF_PCR | PF_LABEL;
		break;
	case PFUNC_SETXATTR_CHECK:
		if (r->action != PACT_APPRAISE)
			return fail_at(c, r->action_col,
				       "func=SETXATTR_CHECK only allows the 'appraise' action");
		if (!(r->flags & PF_VALIDATE_ALGOS))
			return fail_at(c, flag_col(r, PF_FUNC),
				       "func=SETXATTR_CHECK requires appraise_algos=");
		allowed = PF_FUNC | PF_VALIDATE_ALGOS;
		break;
	default:
		return fail_at(c, flag_col(r, PF_FUNC), "func not allowed in a policy");
	}
	if (actions_allowed && (r->action & ~actions_allowed))
		return fail_at(c, r->action_col,
			       "func=%s only allows 'measure' and 'dont_measure' (not '%s')", fname,
			       action_name(r->action));
	bad = r->flags & ~allowed;
	if (bad) {
		uint32_t f = lowest_bit(bad);
		return fail_at(c, flag_col(r, f), "%s is not allowed %s%s", flag_word(f),
			       fname ? "with func=" : "in a rule without func= (file hooks)",
			       fname ? fname : "");
	}
	if ((r->func == PFUNC_KEY_CHECK || r->func == PFUNC_CRITICAL_DATA) && has_lsm(r))
		return fail_at(c, first_lsm_col(r), "LSM conditions are not allowed with func=%s",
			       fname);

	if ((r->flags & PF_CHECK_BLACKLIST) &&
	    !(r->flags & (new_blacklist ? PF_DIGSIG_REQUIRED : PF_MODSIG_ALLOWED)))
		return fail_at(c, flag_col(r, PF_CHECK_BLACKLIST),
			       "appraise_flag=check_blacklist needs appraise_type=imasig|modsig");
	if (r->action == PACT_APPRAISE && (r->flags & PF_VERITY_REQUIRED) &&
	    !(r->flags & PF_DIGSIG_REQUIRED))
		return fail_at(c, flag_col(r, PF_VERITY_REQUIRED),
			       "'appraise' with digest_type=verity requires appraise_type=sigv3");
	return 0;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Parse one non-comment line (NUL-terminated, writable) into a new rule. */
static int parse_line(struct pctx *c, char *line, size_t len)
{
	imactl_policy *p = c->p;
	struct policy_rule r = {0};
	unsigned long first_col = 0;
	int ret;

	r.template_idx = -1;
	for (int i = 0; i < POLICY_SLOT_MAX; i++)
		r.op[i] = '=';
	r.line = c->line;
	r.source = strndup(line, len);
	if (!r.source)
		return -ENOMEM;

	/* ima_parse_rule(): strsep() on blanks; empty pieces are skipped. */
	for (size_t i = 0; i < len;) {
		size_t start, end;
		const char *v = NULL;
		bool later = false;
		int t;

		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !is_blank(line[i]))
			i++;
		end = i;
		line[end] = '\0';
		i++;
		if (!first_col)
			first_col = start + 1;

		if (line[start] == '#') {
			if (p->kernel >= K_SUFFIX_COMMENT)
				break;
			ret = fail_at(c, start + 1,
				      "'#' after a rule: trailing comments are accepted from "
				      "kernel 6.14 (checking as %s)",
				      c->kname);
			goto fail;
		}
		t = keyword_match(line + start, p->kernel, &v, &later);
		if (t < 0) {
			const char *tok = line + start;
			if (strchr(tok, '\r'))
				ret = fail_at(
					c, start + 1,
					"unknown token '%s' (carriage return: DOS line endings "
					"are not accepted)",
					tok);
			else if (strchr(tok, '=') && tok[strlen(tok) - 1] == '=')
				ret = fail_at(c, start + 1, "empty value in '%s'", tok);
			else
				ret = fail_at(c, start + 1, "unknown token '%s'", tok);
			goto fail;
		}
		if (later) {
			char since[16];
			kernel_str(policy_keywords[t].since, since, sizeof(since));
			ret = fail_at(c, start + 1, "'%s' is unknown to kernel %s (added in %s)",
				      line + start, c->kname, since);
			goto fail;
		}
		r.col[t] = (unsigned short)(start + 1);
		ret = parse_token(c, &r, t, line + start, v, start + 1);
		if (ret == -EINVAL && strchr(line + start, '\r') && c->reterr) {
			size_t used = strlen(c->reterr->msg);
			snprintf(c->reterr->msg + used, sizeof(c->reterr->msg) - used,
				 " (carriage return: DOS line endings are not accepted)");
		}
		if (ret < 0)
			goto fail;
		if (strchr(line + start, '\r'))
			r.has_cr = true;
	}
	ret = validate_rule(c, &r, first_col ? first_col : 1);
	if (ret < 0)
		goto fail;

	if (p->n_rules == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct policy_rule *n = realloc(p->rules, ncap * sizeof(*n));
		if (!n) {
			ret = -ENOMEM;
			goto fail;
		}
		p->rules = n;
		p->cap = ncap;
	}
	p->rules[p->n_rules++] = r;
	return 0;
fail:
	rule_clear(&r);
	return ret;
}

int policy_parse_into(imactl_policy *p, const char *text, size_t len, const char *file,
		      imactl_diag *reterr)
{
	struct pctx c = {.p = p, .file = file, .reterr = reterr};
	char buf[POLICY_LINE_MAX + 2];
	size_t pos = 0;

	kernel_str(p->kernel, c.kname, sizeof(c.kname));
	if (memchr(text, '\0', len)) {
		const char *z = memchr(text, '\0', len);
		unsigned long line = 1;
		for (const char *q = text; q < z; q++)
			line += *q == '\n';
		return diag_fail_pos(reterr, -EBADMSG, file ? file : "", line, 0,
				     "NUL byte in policy text");
	}
	/* ima_write_policy(): a write starting with '/' names a policy file. */
	if (len > 0 && text[0] == '/')
		return diag_fail_pos(reterr, -EINVAL, file ? file : "", 1, 1,
				     "policy text starts with '/': the kernel reads such a write "
				     "as the path of a signed policy file");

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t skip = 0;
		int ret;

		c.line++;
		if (n > POLICY_LINE_MAX)
			return diag_fail_pos(reterr, -EMSGSIZE, file ? file : "", c.line, 0,
					     "line longer than %d bytes: the kernel would split it",
					     POLICY_LINE_MAX);
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + (nl ? 1 : 0);

		/* ima_parse_add_rule(): leading blanks, then '#' or nothing is a comment. */
		while (skip < n && is_blank(buf[skip]))
			skip++;
		if (skip == n || buf[skip] == '#')
			continue;
		/* Columns count from the start of the line, blanks included. */
		for (size_t i = 0; i < skip; i++)
			buf[i] = ' ';
		ret = parse_line(&c, buf, n);
		if (ret < 0)
			return ret == -ENOMEM ? diag_fail(reterr, ret, "out of memory") : ret;
	}
	return 0;
}

int imactl_policy_parse(const char *text, size_t len, const imactl_policy_options *opts,
			imactl_policy **ret_policy, imactl_diag *reterr)
{
	_cleanup_(imactl_policy_freep) imactl_policy *p = NULL;
	unsigned int kernel, flags;
	const char *file = opts && opts->file ? opts->file : "";
	int ret;

	ret = policy_opts_resolve(opts, &kernel, &flags, reterr);
	if (ret < 0)
		return ret;
	p = policy_new(kernel, flags);
	if (!p)
		return diag_fail(reterr, -ENOMEM, "out of memory");
	p->no_algos = policy_opts_no_algos(opts);
	if (opts && opts->template_fmt) {
		p->template_fmt = strdup(opts->template_fmt);
		if (!p->template_fmt)
			return diag_fail(reterr, -ENOMEM, "out of memory");
	}
	ret = policy_parse_into(p, text ? text : "", text ? len : 0, file, reterr);
	if (ret < 0)
		return ret;
	/* ima_check_policy() on release(): an update without rules fails. */
	if (p->n_rules == 0 && !(flags & IMACTL_POLICY_ALLOW_EMPTY))
		return diag_fail_pos(reterr, -EINVAL, file, 0, 0,
				     "policy has no rules: the kernel rejects an empty update");
	*ret_policy = TAKE_PTR(p);
	return 0;
}

int imactl_policy_algo_lookup(const char *name)
{
	for (int i = 0; name && i < POLICY_N_ALGOS; i++)
		if (!strcmp(policy_algos[i].name, name))
			return i;
	return -1;
}

/* The value of CONFIG_@sym in a .config text ('y', 'm', or 0 when not set). */
static char kconfig_value(const char *text, size_t len, const char *sym, size_t symlen)
{
	const char *s = text, *end = text + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (n > 7 + symlen + 1 && !memcmp(s, "CONFIG_", 7) && !memcmp(s + 7, sym, symlen) &&
		    s[7 + symlen] == '=') {
			char v = s[7 + symlen + 1];
			return v == 'y' || v == 'm' ? v : 0;
		}
		s += n + 1;
	}
	return 0;
}

static bool kconfig_set(const char *text, size_t len, const char *sym)
{
	return kconfig_value(text, len, sym, strlen(sym)) != 0;
}

int imactl_policy_kconfig_parse(const char *text, size_t len, imactl_policy_kconfig *ret,
				imactl_diag *reterr)
{
	imactl_policy_kconfig k = {0};
	static const char hdr[] = "# Linux/";

	if (!text)
		len = 0;
	if (kconfig_value(text, len, "IMA", 3) != 'y')
		return diag_fail(reterr, -EINVAL,
				 "not the configuration of a kernel with IMA (no CONFIG_IMA=y)");
	/* "# Linux/x86 6.1.192 Kernel Configuration", among the first lines. */
	for (size_t i = 0; i + sizeof(hdr) - 1 < len && i < 512; i++) {
		const char *q, *end = text + len;
		char rel[64];
		size_t n = 0;

		if ((i && text[i - 1] != '\n') || memcmp(text + i, hdr, sizeof(hdr) - 1))
			continue;
		q = text + i + sizeof(hdr) - 1;
		while (q < end && *q != ' ' && *q != '\n') /* the architecture */
			q++;
		while (q < end && *q == ' ')
			q++;
		while (q < end && *q != ' ' && *q != '\n' && n + 1 < sizeof(rel))
			rel[n++] = *q++;
		rel[n] = '\0';
		if (imactl_policy_kernel_parse(rel, &k.kernel, NULL) < 0)
			k.kernel = 0;
		break;
	}
	if (!kconfig_set(text, len, "IMA_APPRAISE_MODSIG"))
		k.flags |= IMACTL_POLICY_NO_MODSIG;
	if (!kconfig_set(text, len, "IMA_MEASURE_ASYMMETRIC_KEYS"))
		k.flags |= IMACTL_POLICY_NO_ASYMMETRIC_KEYS;
	if (!kconfig_set(text, len, "64BIT"))
		k.flags |= IMACTL_POLICY_32BIT;
	k.flags |= IMACTL_POLICY_CRYPTO_KNOWN;
	for (int i = 0; i < POLICY_N_ALGOS; i++) {
		const char *sym = policy_algos[i].kconfig;
		bool have = false;
		if (!policy_algos[i].usable)
			continue; /* rejected whatever the configuration */
		while (*sym && !have) {
			size_t n = strcspn(sym, " ");
			have = kconfig_value(text, len, sym, n) != 0;
			sym += n;
			sym += strspn(sym, " ");
		}
		if (!have)
			k.no_algos |= 1u << i;
	}
	*ret = k;
	return 0;
}
