/* SPDX-License-Identifier: MIT */
#ifndef IMACTL_POLICY_H
#define IMACTL_POLICY_H

/*
 * IMA policy language: parse a policy exactly as a given kernel release would,
 * print it back as the kernel does, derive the builtin (boot-time) policy from
 * a kernel command line, evaluate an access against a policy and lint it.
 *
 * Ownership: _parse/_builtin return an owned imactl_policy through ret_;
 * release it with imactl_policy_free() (NULL is fine).  Strings returned by
 * accessors are borrowed from the policy and live as long as it does.
 * Errors: 0 or a negative errno; details go to the optional imactl_diag.
 */

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct imactl_policy imactl_policy;

/* A kernel release as major * 1000 + minor. */
#define IMACTL_POLICY_KERNEL(major, minor) ((major)*1000u + (minor))
/* Oldest and newest releases whose grammar is modelled. */
#define IMACTL_POLICY_KERNEL_OLDEST IMACTL_POLICY_KERNEL(6, 1)
#define IMACTL_POLICY_KERNEL_NEWEST IMACTL_POLICY_KERNEL(6, 17)

/* Kernel configuration and load context (imactl_policy_options.flags). */
#define IMACTL_POLICY_NO_MODSIG		 0x0001u /* CONFIG_IMA_APPRAISE_MODSIG=n */
#define IMACTL_POLICY_NO_ASYMMETRIC_KEYS 0x0002u /* CONFIG_IMA_MEASURE_ASYMMETRIC_KEYS=n */
#define IMACTL_POLICY_LSM_UNDEFINED	 0x0004u /* no active LSM knows the labels used */
#define IMACTL_POLICY_FIRST_LOAD	 0x0008u /* the write replaces the boot policy */
#define IMACTL_POLICY_ALLOW_EMPTY	 0x0010u /* accept zero rules (the kernel does not) */
#define IMACTL_POLICY_32BIT		 0x0020u /* 32-bit kernel: pcr must be < 32 */
/* no_algos is exactly what the kernel's crypto API lacks (from its .config):
 * the linter then stops warning about hashes distributions often leave out. */
#define IMACTL_POLICY_CRYPTO_KNOWN 0x0040u
/* Build-time and firmware facts used by imactl_policy_builtin(). */
#define IMACTL_POLICY_CFG_WRITE_POLICY	0x0100u	 /* CONFIG_IMA_WRITE_POLICY=y */
#define IMACTL_POLICY_CFG_SIGNED_INIT	0x0200u	 /* CONFIG_IMA_APPRAISE_SIGNED_INIT=y */
#define IMACTL_POLICY_CFG_REQ_MODULE	0x0400u	 /* CONFIG_IMA_APPRAISE_REQUIRE_MODULE_SIGS=y */
#define IMACTL_POLICY_CFG_REQ_FIRMWARE	0x0800u	 /* CONFIG_IMA_APPRAISE_REQUIRE_FIRMWARE_SIGS=y */
#define IMACTL_POLICY_CFG_REQ_KEXEC	0x1000u	 /* CONFIG_IMA_APPRAISE_REQUIRE_KEXEC_SIGS=y */
#define IMACTL_POLICY_CFG_REQ_POLICY	0x2000u	 /* CONFIG_IMA_APPRAISE_REQUIRE_POLICY_SIGS=y */
#define IMACTL_POLICY_CFG_SECURE_BOOT	0x4000u	 /* EFI secure boot on (arch policy) */
#define IMACTL_POLICY_CFG_NO_KEXEC_SIG	0x8000u	 /* CONFIG_KEXEC_SIG=n */
#define IMACTL_POLICY_CFG_NO_MODULE_SIG 0x10000u /* CONFIG_MODULE_SIG=n */

/* Version 2 added no_algos; version 1 structures are still accepted. */
#define IMACTL_POLICY_OPTIONS_VERSION 2

/* Options shared by every call; initialise with IMACTL_POLICY_OPTIONS_INIT. */
typedef struct imactl_policy_options {
	unsigned int version;	  /* IMACTL_POLICY_OPTIONS_VERSION */
	unsigned int kernel;	  /* IMACTL_POLICY_KERNEL(); 0 means the newest modelled */
	unsigned int flags;	  /* IMACTL_POLICY_* */
	const char *file;	  /* input name for diagnostics, may be NULL */
	const char *template_fmt; /* ima_template_fmt= in force, or NULL */
	/* appraise_algos bits (1u << imactl_policy_algo_lookup()) whose hash the
	 * kernel's crypto API lacks (not built): the kernel rejects a rule naming
	 * one (crypto_has_alg() fails).  Build configuration, not grammar. */
	uint32_t no_algos;
} imactl_policy_options;

#define IMACTL_POLICY_OPTIONS_INIT                                 \
	{                                                          \
		IMACTL_POLICY_OPTIONS_VERSION, 0, 0, NULL, NULL, 0 \
	}

/* What a kernel's build configuration (its .config) says about its policy grammar. */
typedef struct imactl_policy_kconfig {
	unsigned int kernel; /* release from the "# Linux/ARCH X.Y.Z Kernel Configuration"
				header, 0 when there is none */
	unsigned int flags;  /* IMACTL_POLICY_NO_MODSIG, _NO_ASYMMETRIC_KEYS, _32BIT and
				_CRYPTO_KNOWN */
	uint32_t no_algos;   /* for imactl_policy_options.no_algos */
} imactl_policy_kconfig;

/**
 * imactl_policy_kconfig_parse() - read a kernel .config (/boot/config-RELEASE,
 * /proc/config.gz uncompressed).
 * @text: the configuration text (not NUL-terminated).
 * @len: its length.
 * @ret: the facts; OR ret->flags into imactl_policy_options.flags and copy
 *       ret->no_algos (ret->kernel when no release was chosen otherwise).
 * @reterr: optional diagnostic.
 *
 * A symbol absent from the text counts as not set, as in the kernel build.
 * Returns 0; -EINVAL when the text has no CONFIG_IMA=y (not the configuration
 * of a kernel with an IMA policy).
 */
int imactl_policy_kconfig_parse(const char *text, size_t len, imactl_policy_kconfig *ret,
				imactl_diag *reterr);

/**
 * imactl_policy_kernel_parse() - read a kernel release ("6.12", "6.1.0-31-amd64",
 * "newest").
 * @s: the text.
 * @ret_kernel: the release as IMACTL_POLICY_KERNEL(major, minor).
 * @reterr: optional diagnostic.
 *
 * Returns 0; -EINVAL for text that is not a release; -EOPNOTSUPP for a
 * release older than IMACTL_POLICY_KERNEL_OLDEST.  A release newer than the
 * newest modelled one is accepted and checked with the newest grammar.
 */
int imactl_policy_kernel_parse(const char *s, unsigned int *ret_kernel, imactl_diag *reterr);

/**
 * imactl_policy_parse() - parse a policy as written to <securityfs>/ima/policy.
 * @text: the policy text (not NUL-terminated; NUL bytes are rejected).
 * @len: its length.
 * @opts: kernel release and configuration; NULL means defaults.
 * @ret_policy: the parsed policy (owned by the caller).
 * @reterr: optional diagnostic: file, line, column and the offending token.
 *
 * Accepts exactly what the chosen kernel accepts, all-or-nothing.
 * Returns 0; -EINVAL when the kernel would reject the policy (the diagnostic
 * names the first rejected token); -EMSGSIZE for an over-long line;
 * -EOPNOTSUPP for an unmodelled kernel release; -ENOMEM.
 */
int imactl_policy_parse(const char *text, size_t len, const imactl_policy_options *opts,
			imactl_policy **ret_policy, imactl_diag *reterr);

/* imactl_policy_free() - release a policy; NULL is a no-op. */
void imactl_policy_free(imactl_policy *p);

/* Number of rules, and the source line (1-based, 0 for builtin rules) of rule @i. */
size_t imactl_policy_rule_count(const imactl_policy *p);
unsigned long imactl_policy_rule_line(const imactl_policy *p, size_t i);
/* The source text of rule @i ("" for builtin rules); borrowed. */
const char *imactl_policy_rule_source(const imactl_policy *p, size_t i);

/**
 * imactl_policy_print() - the policy as the kernel reads it back
 * (<securityfs>/ima/policy with CONFIG_IMA_READ_POLICY), byte for byte,
 * including the kernel's trailing blank after the last field.
 * @p: the policy.
 * @buf: output buffer, may be NULL when @size is 0.
 * @size: its size; the text is NUL-terminated when it fits.
 * @ret_len: length of the whole text without the NUL.
 *
 * Returns 0, or -EMSGSIZE when @size is too small (call again with
 * *@ret_len + 1).
 */
int imactl_policy_print(const imactl_policy *p, char *buf, size_t size, size_t *ret_len);

/* imactl_policy_print_rule() - as imactl_policy_print() for rule @i alone, with its newline. */
int imactl_policy_print_rule(const imactl_policy *p, size_t i, char *buf, size_t size,
			     size_t *ret_len);

/* Whether the kernel hides rule @i from the read-back (an undefined LSM label). */
int imactl_policy_rule_hidden(const imactl_policy *p, size_t i);

/* ---- evaluation ---------------------------------------------------------- */

#define IMACTL_POLICY_MAY_EXEC	 0x1u
#define IMACTL_POLICY_MAY_WRITE	 0x2u
#define IMACTL_POLICY_MAY_READ	 0x4u
#define IMACTL_POLICY_MAY_APPEND 0x8u

/**
 * imactl_policy_mask_parse() - an access mask as a user writes it for an
 * evaluation: MAY_* names joined by '|' or ',' ("MAY_READ|MAY_EXEC"), or a
 * number.  Unlike a rule's mask= (one name, '^' allowed), this is the
 * access itself.  0, or -EINVAL for an unknown name or an empty item.
 */
int imactl_policy_mask_parse(const char *s, unsigned int *ret_mask);

/* Action classes, in imactl_policy_decision.rule[] order. */
enum {
	IMACTL_POLICY_CLASS_MEASURE = 0,
	IMACTL_POLICY_CLASS_APPRAISE = 1,
	IMACTL_POLICY_CLASS_AUDIT = 2,
	IMACTL_POLICY_CLASS_HASH = 3,
	IMACTL_POLICY_CLASS_MAX = 4,
};

/* imactl_policy_decision.actions (the kernel's IMA_MEASURE ... values). */
#define IMACTL_POLICY_ACT_MEASURE  0x0001u
#define IMACTL_POLICY_ACT_APPRAISE 0x0004u
#define IMACTL_POLICY_ACT_AUDIT	   0x0040u
#define IMACTL_POLICY_ACT_HASH	   0x0100u

/* imactl_policy_decision.flags. */
#define IMACTL_POLICY_DIGSIG_REQUIRED	0x01u /* appraise_type=imasig (or sigv3) */
#define IMACTL_POLICY_MODSIG_ALLOWED	0x02u /* appraise_type=imasig|modsig */
#define IMACTL_POLICY_VERITY_REQUIRED	0x04u /* digest_type=verity */
#define IMACTL_POLICY_PERMIT_DIRECTIO	0x08u
#define IMACTL_POLICY_CHECK_BLACKLIST	0x10u
#define IMACTL_POLICY_FAIL_UNVERIFIABLE 0x20u /* ima_policy=fail_securely */

/* One access, as the kernel's ima_match_policy() sees it. */
typedef struct imactl_policy_access {
	const char *func;	  /* hook name, e.g. "BPRM_CHECK" (aliases accepted) */
	unsigned int mask;	  /* IMACTL_POLICY_MAY_* */
	unsigned long fsmagic;	  /* statfs f_type */
	const char *fsname;	  /* superblock type name, NULL if unknown */
	uint8_t fsuuid[16];	  /* superblock UUID (all zero if none) */
	uint32_t uid, euid, suid; /* task credentials */
	uint32_t gid, egid, sgid;
	int cap_setuid; /* the task has CAP_SETUID (euid rules also try suid, uid) */
	int cap_setgid;
	uint32_t fowner, fgroup; /* inode owner and group (after the mount idmap) */
	const char *obj_user, *obj_role, *obj_type;    /* inode LSM label parts, or NULL */
	const char *subj_user, *subj_role, *subj_type; /* task LSM label parts, or NULL */
	const char *func_data; /* keyring (KEY_CHECK) or label (CRITICAL_DATA), or NULL */
} imactl_policy_access;

/* What the kernel decides for an access, and which rules decided it. */
typedef struct imactl_policy_decision {
	unsigned int actions;	   /* IMACTL_POLICY_ACT_* to perform */
	unsigned int flags;	   /* IMACTL_POLICY_DIGSIG_REQUIRED ... */
	int pcr;		   /* pcr= of the measure rule, -1 for the default PCR */
	const char *template_name; /* template= of the measure rule, NULL for the default */
	uint32_t appraise_algos;   /* appraise_algos= bit set (HASH_ALGO_* bits), 0 = any */
	long rule[IMACTL_POLICY_CLASS_MAX];	     /* deciding rule index or -1 */
	unsigned long line[IMACTL_POLICY_CLASS_MAX]; /* its source line, 0 if none */
} imactl_policy_decision;

/**
 * imactl_policy_evaluate() - walk the rules as ima_match_policy() does: the
 * first matching rule of each action class (measure/dont_measure,
 * appraise/dont_appraise, audit, hash/dont_hash) decides that class.
 * @p: the policy.
 * @a: the access.
 * @ret: the decision.
 * @reterr: optional diagnostic.
 *
 * Returns 0, or -EINVAL for an unknown func name.
 */
int imactl_policy_evaluate(const imactl_policy *p, const imactl_policy_access *a,
			   imactl_policy_decision *ret, imactl_diag *reterr);

/* Name of hash algorithm bit @bit as the kernel spells it, or NULL. */
const char *imactl_policy_algo_name(unsigned int bit);
/* Bit of the hash algorithm named @name (as the kernel spells it), or -1. */
int imactl_policy_algo_lookup(const char *name);

/* Filesystem magic for a name ("tmpfs") or the name for a magic; 0/NULL if unknown. */
unsigned long imactl_policy_fs_magic(const char *name);
const char *imactl_policy_fs_name(unsigned long magic);

/* ---- builtin policies and the kernel command line ------------------------ */

#define IMACTL_POLICY_BUILTIN_TCB	    0x01u /* ima_policy=tcb */
#define IMACTL_POLICY_BUILTIN_ORIGINAL_TCB  0x02u /* ima_tcb (legacy) */
#define IMACTL_POLICY_BUILTIN_APPRAISE_TCB  0x04u /* ima_policy=appraise_tcb, ima_appraise_tcb */
#define IMACTL_POLICY_BUILTIN_SECURE_BOOT   0x08u /* ima_policy=secure_boot */
#define IMACTL_POLICY_BUILTIN_CRITICAL_DATA 0x10u /* ima_policy=critical_data */
#define IMACTL_POLICY_BUILTIN_FAIL_SECURELY 0x20u /* ima_policy=fail_securely */

enum {
	IMACTL_POLICY_APPRAISE_OFF = 0,
	IMACTL_POLICY_APPRAISE_ENFORCE = 1,
	IMACTL_POLICY_APPRAISE_FIX = 2,
	IMACTL_POLICY_APPRAISE_LOG = 3,
};

#define IMACTL_POLICY_BOOT_NOTES_MAX 8

/* The IMA/EVM configuration a kernel command line produces. */
typedef struct imactl_policy_boot {
	unsigned int builtin;	/* IMACTL_POLICY_BUILTIN_* */
	int appraise;		/* IMACTL_POLICY_APPRAISE_* */
	char hash[32];		/* ima_hash algorithm name */
	char template_name[32]; /* template name ("" with a custom format) */
	char template_fmt[128]; /* format of that template */
	int evm_fix;		/* evm=fix */
	unsigned int n_notes;	/* things the kernel logs and then ignores */
	char notes[IMACTL_POLICY_BOOT_NOTES_MAX][160];
} imactl_policy_boot;

/**
 * imactl_policy_boot_parse() - apply a kernel command line the way the
 * kernel's __setup handlers do (ima_policy=, ima_tcb, ima_appraise_tcb,
 * ima_appraise=, ima_hash=, ima_template=, ima_template_fmt=, evm=).
 * @cmdline: the command line (e.g. /proc/cmdline), not NUL-terminated.
 * @len: its length.
 * @opts: kernel release and configuration (CFG_SECURE_BOOT keeps
 *        ima_appraise=enforce); NULL means defaults.
 * @default_hash: CONFIG_IMA_DEFAULT_HASH, NULL for "sha1" (upstream default).
 * @default_template: CONFIG_IMA_DEFAULT_TEMPLATE, NULL for "ima-ng".
 * @ret: the configuration.
 * @reterr: optional diagnostic.
 *
 * Returns 0; -EINVAL for an unknown default hash or template.
 */
int imactl_policy_boot_parse(const char *cmdline, size_t len, const imactl_policy_options *opts,
			     const char *default_hash, const char *default_template,
			     imactl_policy_boot *ret, imactl_diag *reterr);

/**
 * imactl_policy_builtin() - the rule list the kernel builds at boot
 * (ima_init_policy()) for @boot and the build/firmware facts in @opts.
 * @boot: the boot configuration.
 * @opts: configuration (IMACTL_POLICY_CFG_*); NULL means defaults.
 * @ret_policy: the policy, owned by the caller; its rules have line 0.
 * @reterr: optional diagnostic.
 *
 * Returns 0 or -ENOMEM.
 */
int imactl_policy_builtin(const imactl_policy_boot *boot, const imactl_policy_options *opts,
			  imactl_policy **ret_policy, imactl_diag *reterr);

/* ---- linter -------------------------------------------------------------- */

typedef struct imactl_policy_finding {
	const char *code;     /* stable identifier, e.g. "pseudo-fs" */
	size_t rule;	      /* index of the rule concerned */
	unsigned long line;   /* its source line */
	unsigned long column; /* column of the token concerned, 1-based */
	char msg[320];	      /* one-line explanation */
} imactl_policy_finding;

/**
 * imactl_policy_lint() - warnings about a policy the kernel accepts but that
 * will not do what its author most likely wants.
 * @p: the policy.
 * @ret_findings: array of findings (owned; imactl_policy_findings_free()).
 * @ret_count: how many.
 * @reterr: optional diagnostic.
 *
 * Returns 0 or -ENOMEM.
 */
int imactl_policy_lint(const imactl_policy *p, imactl_policy_finding **ret_findings,
		       size_t *ret_count, imactl_diag *reterr);

/* imactl_policy_findings_free() - release lint findings; NULL is a no-op. */
void imactl_policy_findings_free(imactl_policy_finding *f);

#ifdef __cplusplus
}
#endif
#endif
