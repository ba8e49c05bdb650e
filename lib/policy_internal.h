/* SPDX-License-Identifier: MIT */
/* Internal: the parsed form of an IMA policy, shared by parse/print/eval/lint/builtin. */
#ifndef IMACTL_LIB_POLICY_INTERNAL_H
#define IMACTL_LIB_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "imactl/policy.h"
#include "util/cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_policy *, imactl_policy_free)

/* Id slots: uid and euid share one in the kernel's ima_rule_entry, so do gid/egid. */
enum { POLICY_SLOT_UID, POLICY_SLOT_GID, POLICY_SLOT_FOWNER, POLICY_SLOT_FGROUP, POLICY_SLOT_MAX };

enum policy_kind { PK_ACTION, PK_FLAG, PK_VALUE, PK_ID, PK_LSM };

enum policy_tok {
#define POLICY_KEYWORD(id, text, kind, slot, since) PTOK_##id,
#include "policy_tokens.def"
	PTOK_MAX
};

enum policy_func {
	PFUNC_NONE = 0,
#define POLICY_FUNC(id, name, parseable, since) PFUNC_##id,
#include "policy_tokens.def"
	PFUNC_MAX
};

enum policy_fs {
#define POLICY_FS(id, name, magic, lint) PFS_##id,
#include "policy_tokens.def"
	PFS_MAX
};

/* Actions: the kernel's bit values. */
#define PACT_MEASURE	   0x0001
#define PACT_DONT_MEASURE  0x0002
#define PACT_APPRAISE	   0x0004
#define PACT_DONT_APPRAISE 0x0008
#define PACT_AUDIT	   0x0040
#define PACT_HASH	   0x0100
#define PACT_DONT_HASH	   0x0200
#define PACT_DO_MASK	   (PACT_MEASURE | PACT_APPRAISE | PACT_AUDIT | PACT_HASH)

/*
 * Rule flags.  Our own names for the kernel's IMA_* rule flags; which of them a
 * func may carry is decided in policy_parse.c exactly as ima_validate_rule().
 */
#define PF_FUNC		   0x00000001u
#define PF_MASK		   0x00000002u
#define PF_FSMAGIC	   0x00000004u
#define PF_UID		   0x00000008u
#define PF_FOWNER	   0x00000010u
#define PF_FSUUID	   0x00000020u
#define PF_INMASK	   0x00000040u
#define PF_EUID		   0x00000080u
#define PF_PCR		   0x00000100u
#define PF_FSNAME	   0x00000200u
#define PF_KEYRINGS	   0x00000400u
#define PF_LABEL	   0x00000800u
#define PF_VALIDATE_ALGOS  0x00001000u
#define PF_GID		   0x00002000u
#define PF_EGID		   0x00004000u
#define PF_FGROUP	   0x00008000u
#define PF_DIGSIG_REQUIRED 0x00010000u
#define PF_PERMIT_DIRECTIO 0x00020000u
#define PF_MODSIG_ALLOWED  0x00040000u
#define PF_CHECK_BLACKLIST 0x00080000u
#define PF_VERITY_REQUIRED 0x00100000u

#define POLICY_LSM_MAX 6

struct policy_rule {
	unsigned long line; /* 1-based source line, 0 for builtin rules */
	char *source;	    /* the source line, without newline */
	int action;	    /* PACT_* */
	uint32_t flags;	    /* PF_* */
	enum policy_func func;
	unsigned int mask;
	unsigned long long fsmagic;
	uint8_t fsuuid[16];
	uint32_t id[POLICY_SLOT_MAX];
	char op[POLICY_SLOT_MAX]; /* '=', '<' or '>' */
	bool id_set[POLICY_SLOT_MAX];
	int pcr;
	uint32_t algos; /* appraise_algos bit set */
	char *fsname;
	char *keyrings; /* '|' separated, as written */
	char *label;
	char *lsm[POLICY_LSM_MAX];
	uint32_t repeated;  /* PF_* given more than once where the kernel keeps the last */
	bool fsuuid_junk;   /* fsuuid= had text after the 36 UUID characters */
	bool has_cr;	    /* a value ends in '\r' (kept by the kernel, never matches) */
	bool lsm_undefined; /* an LSM label no active LSM defines: hidden, never matches */
	int template_idx;   /* index into the template table, -1 none, -2 custom format */
	unsigned short col[PTOK_MAX]; /* column of the token that set each field, 0 = absent */
	unsigned short action_col;
};

struct imactl_policy {
	struct policy_rule *rules;
	size_t n_rules, cap;
	unsigned int kernel;
	unsigned int flags;
	bool fail_securely; /* ima_policy=fail_securely in force */
	uint32_t no_algos;  /* hashes the kernel's crypto API lacks (options.no_algos) */
	char *template_fmt; /* custom template format in force, or NULL */
};

struct policy_keyword {
	const char *text;
	unsigned char len;
	enum policy_kind kind;
	int slot;
	unsigned int since;
};
extern const struct policy_keyword policy_keywords[PTOK_MAX];

struct policy_func_info {
	const char *name;
	bool parseable;
	unsigned int since;
};
extern const struct policy_func_info policy_funcs[PFUNC_MAX];

struct policy_template_info {
	const char *name;
	const char *fmt;
	unsigned int since;
};
extern const struct policy_template_info policy_templates[];
extern const size_t policy_n_templates;

struct policy_fs_info {
	const char *name;
	unsigned long magic;
	bool lint;
};
extern const struct policy_fs_info policy_fs[PFS_MAX];

#define POLICY_N_ALGOS 23
struct policy_algo_info {
	const char *name;
	bool weak;
	bool usable;
	unsigned int since;
	bool rare;	     /* often not built by distributions */
	const char *kconfig; /* CONFIG_ symbols (blank-separated) providing it */
};
extern const struct policy_algo_info policy_algos[POLICY_N_ALGOS];

/* Resolve the options (NULL = defaults) into a kernel release and flags. */
int policy_opts_resolve(const imactl_policy_options *opts, unsigned int *ret_kernel,
			unsigned int *ret_flags, imactl_diag *reterr);
/* options.no_algos (0 for a version 1 structure or NULL). */
uint32_t policy_opts_no_algos(const imactl_policy_options *opts);

/* Look a func name (or alias) up for a kernel release; PFUNC_NONE if unknown. */
enum policy_func policy_func_lookup(const char *name, size_t len, unsigned int kernel);

/* Allocate an empty policy. */
imactl_policy *policy_new(unsigned int kernel, unsigned int flags);

/* Parse and append lines to @p (the core of imactl_policy_parse()). */
int policy_parse_into(imactl_policy *p, const char *text, size_t len, const char *file,
		      imactl_diag *reterr);

/* Format one rule as ima_policy_show() does (with newline); returns length, or -ENOMEM. */
struct policy_buf {
	char *p;
	size_t len, size;
	bool overflow;
};
void policy_buf_puts(struct policy_buf *b, const char *s);
void policy_buf_printf(struct policy_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void policy_format_rule(const imactl_policy *p, const struct policy_rule *r, struct policy_buf *b);

/* Whether rule @r matches access @a for hook @func (ima_match_rules()). */
bool policy_rule_matches(const struct policy_rule *r, const imactl_policy_access *a,
			 enum policy_func func);

#endif
