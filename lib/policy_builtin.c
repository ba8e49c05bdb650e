/* SPDX-License-Identifier: MIT */
/*
 * Builtin policies and the kernel command line.
 *
 * The rule lists are those of ima_policy.c (6.17): dont_measure_rules[],
 * original_measurement_rules[], default_measurement_rules[],
 * default_appraise_rules[], build_appraise_rules[], secure_boot_rules[],
 * critical_data_rules[], assembled in ima_init_policy()'s order.  The x86 arch
 * policy is that of arch/x86/kernel/ima_arch.c (sb_arch_rules).  The command
 * line handlers follow policy_setup(), default_measure_policy_setup(),
 * default_appraise_policy_setup() (ima_policy.c), default_appraise_setup()
 * (ima_appraise.c), hash_setup() (ima_main.c), ima_template_setup() and
 * ima_template_fmt_setup() (ima_template.c) and evm_set_fixmode() (evm_main.c).
 * The lists are the same in 6.1 and 6.12 as far as we know (kernel history:
 * EFIVARFS and CGROUP2 entries predate 6.1).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "policy_internal.h"

static const char *const dont_measure_rules[] = {
	"dont_measure fsmagic=0x9fa0",			  /* PROC_SUPER_MAGIC */
	"dont_measure fsmagic=0x62656572",		  /* SYSFS_MAGIC */
	"dont_measure fsmagic=0x64626720",		  /* DEBUGFS_MAGIC */
	"dont_measure fsmagic=0x1021994 func=FILE_CHECK", /* TMPFS_MAGIC, FILE_CHECK only */
	"dont_measure fsmagic=0x1cd1",			  /* DEVPTS_SUPER_MAGIC */
	"dont_measure fsmagic=0x42494e4d",		  /* BINFMTFS_MAGIC */
	"dont_measure fsmagic=0x73636673",		  /* SECURITYFS_MAGIC */
	"dont_measure fsmagic=0xf97cff8c",		  /* SELINUX_MAGIC */
	"dont_measure fsmagic=0x43415d53",		  /* SMACK_MAGIC */
	"dont_measure fsmagic=0x27e0eb",		  /* CGROUP_SUPER_MAGIC */
	"dont_measure fsmagic=0x63677270",		  /* CGROUP2_SUPER_MAGIC */
	"dont_measure fsmagic=0x6e736673",		  /* NSFS_MAGIC */
	"dont_measure fsmagic=0xde5e81e4",		  /* EFIVARFS_MAGIC */
};

static const char *const original_measurement_rules[] = {
	"measure func=MMAP_CHECK mask=MAY_EXEC",
	"measure func=BPRM_CHECK mask=MAY_EXEC",
	"measure func=FILE_CHECK mask=MAY_READ uid=0",
	"measure func=MODULE_CHECK",
	"measure func=FIRMWARE_CHECK",
};

static const char *const default_measurement_rules[] = {
	"measure func=MMAP_CHECK mask=MAY_EXEC",
	"measure func=BPRM_CHECK mask=MAY_EXEC",
	"measure func=FILE_CHECK mask=^MAY_READ euid=0",
	"measure func=FILE_CHECK mask=^MAY_READ uid=0",
	"measure func=MODULE_CHECK",
	"measure func=FIRMWARE_CHECK",
	"measure func=POLICY_CHECK",
};

static const char *const default_appraise_rules[] = {
	"dont_appraise fsmagic=0x9fa0",	    "dont_appraise fsmagic=0x62656572",
	"dont_appraise fsmagic=0x64626720", "dont_appraise fsmagic=0x1021994",
	"dont_appraise fsmagic=0x858458f6", "dont_appraise fsmagic=0x1cd1",
	"dont_appraise fsmagic=0x42494e4d", "dont_appraise fsmagic=0x73636673",
	"dont_appraise fsmagic=0xf97cff8c", "dont_appraise fsmagic=0x43415d53",
	"dont_appraise fsmagic=0x6e736673", "dont_appraise fsmagic=0xde5e81e4",
	"dont_appraise fsmagic=0x27e0eb",   "dont_appraise fsmagic=0x63677270",
};

static const char *const secure_boot_rules[] = {
	"appraise func=MODULE_CHECK appraise_type=imasig",
	"appraise func=FIRMWARE_CHECK appraise_type=imasig",
	"appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig",
	"appraise func=POLICY_CHECK appraise_type=imasig",
};

/*
 * Add rules written as policy text.  @builtin marks rules the kernel builds as
 * C structures: those carry IMA_DIGSIG_REQUIRED without IMA_CHECK_BLACKLIST,
 * unlike rules parsed from text (arch rules) on 6.6 and later.
 */
static int add(imactl_policy *p, const char *const *rules, size_t n, bool builtin,
	       imactl_diag *reterr)
{
	for (size_t i = 0; i < n; i++) {
		size_t before = p->n_rules;
		int ret = policy_parse_into(p, rules[i], strlen(rules[i]), "builtin", reterr);
		if (ret < 0)
			return ret;
		for (size_t j = before; j < p->n_rules; j++) {
			p->rules[j].line = 0;
			if (builtin)
				p->rules[j].flags &= ~PF_CHECK_BLACKLIST;
		}
	}
	return 0;
}

int imactl_policy_builtin(const imactl_policy_boot *boot, const imactl_policy_options *opts,
			  imactl_policy **ret_policy, imactl_diag *reterr)
{
	_cleanup_(imactl_policy_freep) imactl_policy *p = NULL;
	unsigned int kernel, flags, b = boot->builtin;
	const char *build[4];
	size_t n_build = 0;
	int ret;

	ret = policy_opts_resolve(opts, &kernel, &flags, reterr);
	if (ret < 0)
		return ret;
	p = policy_new(kernel, flags & ~(IMACTL_POLICY_LSM_UNDEFINED));
	if (!p)
		return diag_fail(reterr, -ENOMEM, "out of memory");
	p->no_algos = policy_opts_no_algos(opts);

	if (b & (IMACTL_POLICY_BUILTIN_TCB | IMACTL_POLICY_BUILTIN_ORIGINAL_TCB)) {
		ret = add(p, dont_measure_rules, ELEMENTSOF(dont_measure_rules), true, reterr);
		if (ret < 0)
			return ret;
	}
	/* ima_tcb and ima_policy=tcb: whichever came first on the command line. */
	if (b & IMACTL_POLICY_BUILTIN_ORIGINAL_TCB)
		ret = add(p, original_measurement_rules, ELEMENTSOF(original_measurement_rules),
			  true, reterr);
	else if (b & IMACTL_POLICY_BUILTIN_TCB)
		ret = add(p, default_measurement_rules, ELEMENTSOF(default_measurement_rules), true,
			  reterr);
	if (ret < 0)
		return ret;

	if (flags & IMACTL_POLICY_CFG_SECURE_BOOT) {
		const char *arch[4];
		size_t n = 0;
		if (flags & IMACTL_POLICY_CFG_NO_KEXEC_SIG)
			arch[n++] = "appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig";
		arch[n++] = "measure func=KEXEC_KERNEL_CHECK";
		if (flags & IMACTL_POLICY_CFG_NO_MODULE_SIG)
			arch[n++] = "appraise func=MODULE_CHECK appraise_type=imasig";
		arch[n++] = "measure func=MODULE_CHECK";
		ret = add(p, arch, n, false, reterr);
		if (ret < 0)
			return ret;
	}

	if (b & IMACTL_POLICY_BUILTIN_SECURE_BOOT) {
		ret = add(p, secure_boot_rules, ELEMENTSOF(secure_boot_rules), true, reterr);
		if (ret < 0)
			return ret;
	}

	/* Build-time rules go to the boot policy unless secure_boot already covers them. */
	if (flags & IMACTL_POLICY_CFG_REQ_MODULE)
		build[n_build++] = "appraise func=MODULE_CHECK appraise_type=imasig";
	if (flags & IMACTL_POLICY_CFG_REQ_FIRMWARE)
		build[n_build++] = "appraise func=FIRMWARE_CHECK appraise_type=imasig";
	if (flags & IMACTL_POLICY_CFG_REQ_KEXEC)
		build[n_build++] = "appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig";
	if (flags & IMACTL_POLICY_CFG_REQ_POLICY)
		build[n_build++] = "appraise func=POLICY_CHECK appraise_type=imasig";
	if (n_build && !(b & IMACTL_POLICY_BUILTIN_SECURE_BOOT)) {
		ret = add(p, build, n_build, true, reterr);
		if (ret < 0)
			return ret;
	}

	if (b & IMACTL_POLICY_BUILTIN_APPRAISE_TCB) {
		const char *tail[2];
		size_t n = 0;
		ret = add(p, default_appraise_rules, ELEMENTSOF(default_appraise_rules), true,
			  reterr);
		if (ret < 0)
			return ret;
		if (flags & IMACTL_POLICY_CFG_WRITE_POLICY)
			tail[n++] = "appraise func=POLICY_CHECK appraise_type=imasig";
		tail[n++] = (flags & IMACTL_POLICY_CFG_SIGNED_INIT)
				    ? "appraise fowner=0 appraise_type=imasig"
				    : "appraise fowner=0";
		ret = add(p, tail, n, true, reterr);
		if (ret < 0)
			return ret;
	}

	if (b & IMACTL_POLICY_BUILTIN_CRITICAL_DATA) {
		static const char *const cd[] = {"measure func=CRITICAL_DATA"};
		ret = add(p, cd, 1, true, reterr);
		if (ret < 0)
			return ret;
	}
	p->fail_securely = (b & IMACTL_POLICY_BUILTIN_FAIL_SECURELY) != 0;
	*ret_policy = TAKE_PTR(p);
	return 0;
}

/* ---- kernel command line ------------------------------------------------- */

static void note(imactl_policy_boot *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(imactl_policy_boot *b, const char *fmt, ...)
{
	va_list ap;

	if (b->n_notes >= IMACTL_POLICY_BOOT_NOTES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(b->notes[b->n_notes++], sizeof(b->notes[0]), fmt, ap);
	va_end(ap);
}

/* Bounded copy; callers only pass strings already checked to fit. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int algo_index(const char *name, unsigned int kernel)
{
	for (int i = 0; i < POLICY_N_ALGOS; i++)
		if (policy_algos[i].since <= kernel && !strcmp(policy_algos[i].name, name))
			return i;
	return -1;
}

static int template_index(const char *name, unsigned int kernel)
{
	for (size_t i = 0; i < policy_n_templates; i++)
		if (policy_templates[i].since <= kernel &&
		    (!strcmp(policy_templates[i].name, name) ||
		     !strcmp(policy_templates[i].fmt, name)))
			return (int)i;
	return -1;
}

/* template_desc_init_fields(): known fields, each 1..16 chars, at most 15. */
static bool template_fmt_valid(const char *fmt, unsigned int kernel)
{
	static const struct {
		const char *id;
		unsigned int since;
	} fields[] = {
#define POLICY_TEMPLATE_FIELD(id, since) {id, since},
#include "policy_tokens.def"
	};
	int count = 0;

	for (const char *s = fmt;;) {
		const char *e = strchr(s, '|');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		bool ok = false;
		if (len == 0 || len > 16 || ++count > 15)
			return false;
		for (size_t i = 0; i < ELEMENTSOF(fields); i++)
			if (fields[i].since <= kernel && strlen(fields[i].id) == len &&
			    !memcmp(fields[i].id, s, len))
				ok = true;
		if (!ok)
			return false;
		if (!e)
			return true;
		s = e + 1;
	}
}

/* parameqn(): '-' and '_' are the same in parameter names. */
static bool param_prefix(const char *param, const char *name)
{
	for (; *name; name++, param++) {
		char a = *param == '-' ? '_' : *param, b = *name == '-' ? '_' : *name;
		if (a != b)
			return false;
	}
	return true;
}

int imactl_policy_boot_parse(const char *cmdline, size_t len, const imactl_policy_options *opts,
			     const char *default_hash, const char *default_template,
			     imactl_policy_boot *ret, imactl_diag *reterr)
{
	imactl_policy_boot b = {0};
	unsigned int kernel, flags;
	bool tcb_chosen = false, template_done = false, hash_done = false;
	int ret_code, dt;
	char param[1024];
	size_t pos = 0;

	ret_code = policy_opts_resolve(opts, &kernel, &flags, reterr);
	if (ret_code < 0)
		return ret_code;
	if (!default_hash)
		default_hash = "sha1";
	if (!default_template)
		default_template = "ima-ng";
	if (algo_index(default_hash, kernel) < 0)
		return diag_fail(reterr, -EINVAL, "unknown default hash '%s'", default_hash);
	dt = template_index(default_template, kernel);
	if (dt < 0)
		return diag_fail(reterr, -EINVAL, "unknown default template '%s'",
				 default_template);
	copy_str(b.hash, sizeof(b.hash), default_hash);
	snprintf(b.template_name, sizeof(b.template_name), "%s", policy_templates[dt].name);
	snprintf(b.template_fmt, sizeof(b.template_fmt), "%s", policy_templates[dt].fmt);
	b.appraise = IMACTL_POLICY_APPRAISE_ENFORCE; /* ima_appraise's initial value */

	while (pos < len) {
		size_t n = 0;
		bool quoted = false;
		const char *v;

		while (pos < len &&
		       (cmdline[pos] == ' ' || cmdline[pos] == '\t' || cmdline[pos] == '\n'))
			pos++;
		if (pos >= len)
			break;
		/* next_arg(): blanks inside double quotes do not split; quotes go away. */
		while (pos < len && (quoted || (cmdline[pos] != ' ' && cmdline[pos] != '\t' &&
						cmdline[pos] != '\n'))) {
			if (cmdline[pos] == '"')
				quoted = !quoted;
			else if (n + 1 < sizeof(param))
				param[n++] = cmdline[pos];
			pos++;
		}
		param[n] = '\0';
		if (!strcmp(param, "--"))
			break; /* the rest belongs to init */

		if (param_prefix(param, "ima_policy=")) {
			/* policy_setup(): items split on blanks and '|'. */
			char *s = param + strlen("ima_policy="), *item;
			while ((item = strsep(&s, " |\n")) != NULL) {
				if (!strcmp(item, "tcb")) {
					if (!tcb_chosen) {
						b.builtin |= IMACTL_POLICY_BUILTIN_TCB;
						tcb_chosen = true;
					}
				} else if (!strcmp(item, "appraise_tcb")) {
					b.builtin |= IMACTL_POLICY_BUILTIN_APPRAISE_TCB;
				} else if (!strcmp(item, "secure_boot")) {
					b.builtin |= IMACTL_POLICY_BUILTIN_SECURE_BOOT;
				} else if (!strcmp(item, "critical_data")) {
					b.builtin |= IMACTL_POLICY_BUILTIN_CRITICAL_DATA;
				} else if (!strcmp(item, "fail_securely")) {
					b.builtin |= IMACTL_POLICY_BUILTIN_FAIL_SECURELY;
				} else {
					note(&b, "ima_policy: policy \"%s\" not found", item);
				}
			}
		} else if (param_prefix(param, "ima_tcb")) {
			if (!tcb_chosen) {
				b.builtin |= IMACTL_POLICY_BUILTIN_ORIGINAL_TCB;
				tcb_chosen = true;
			}
		} else if (param_prefix(param, "ima_appraise_tcb")) {
			b.builtin |= IMACTL_POLICY_BUILTIN_APPRAISE_TCB;
		} else if (param_prefix(param, "ima_appraise=")) {
			int state = b.appraise;
			v = param + strlen("ima_appraise=");
			if (!strncmp(v, "off", 3))
				state = IMACTL_POLICY_APPRAISE_OFF;
			else if (!strncmp(v, "log", 3))
				state = IMACTL_POLICY_APPRAISE_LOG;
			else if (!strncmp(v, "fix", 3))
				state = IMACTL_POLICY_APPRAISE_FIX;
			else if (!strncmp(v, "enforce", 7))
				state = IMACTL_POLICY_APPRAISE_ENFORCE;
			else
				note(&b, "ima_appraise: invalid \"%s\" appraise option", v);
			if ((flags & IMACTL_POLICY_CFG_SECURE_BOOT) &&
			    state != IMACTL_POLICY_APPRAISE_ENFORCE)
				note(&b, "secure boot enabled: ignoring ima_appraise=%s", v);
			else
				b.appraise = state;
		} else if (param_prefix(param, "ima_hash=")) {
			v = param + strlen("ima_hash=");
			if (hash_done)
				continue;
			if (!strcmp(b.template_name, "ima")) {
				/* The 'ima' template only carries SHA-1 or MD5 digests. */
				if (!strncmp(v, "sha1", 4))
					snprintf(b.hash, sizeof(b.hash), "sha1");
				else if (!strncmp(v, "md5", 3))
					snprintf(b.hash, sizeof(b.hash), "md5");
				else {
					note(&b,
					     "ima_hash: invalid hash \"%s\" for template \"ima\"",
					     v);
					continue;
				}
			} else if (algo_index(v, kernel) < 0) {
				note(&b, "ima_hash: invalid hash algorithm \"%s\"", v);
				continue;
			} else {
				copy_str(b.hash, sizeof(b.hash), v);
			}
			hash_done = true;
		} else if (param_prefix(param, "ima_template=")) {
			int t;
			v = param + strlen("ima_template=");
			if (template_done)
				continue;
			t = template_index(v, kernel);
			if (t < 0) {
				note(&b, "ima_template: template %s not found, using %s", v,
				     b.template_name);
				continue;
			}
			if (!strcmp(v, "ima") && strcmp(b.hash, "sha1") && strcmp(b.hash, "md5")) {
				note(&b, "ima_template: template 'ima' does not support %s",
				     b.hash);
				continue;
			}
			snprintf(b.template_name, sizeof(b.template_name), "%s",
				 policy_templates[t].name);
			snprintf(b.template_fmt, sizeof(b.template_fmt), "%s",
				 policy_templates[t].fmt);
			template_done = true;
		} else if (param_prefix(param, "ima_template_fmt=")) {
			v = param + strlen("ima_template_fmt=");
			if (template_done)
				continue;
			if (!template_fmt_valid(v, kernel)) {
				note(&b, "ima_template_fmt: format string '%s' not valid, using %s",
				     v, b.template_name);
				continue;
			}
			b.template_name[0] = '\0';
			copy_str(b.template_fmt, sizeof(b.template_fmt), v);
			template_done = true;
		} else if (param_prefix(param, "evm=")) {
			v = param + strlen("evm=");
			if (!strncmp(v, "fix", 3))
				b.evm_fix = 1;
			else
				note(&b, "evm: invalid \"%s\" mode", v);
		}
	}
	*ret = b;
	return 0;
}
