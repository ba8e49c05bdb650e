/* SPDX-License-Identifier: MIT */
/*
 * Integrity audit records (types 1800-1808, INTEGRITY_DATA ...
 * INTEGRITY_USERSPACE) as they appear in /var/log/audit/audit.log, in
 * journald text and in dmesg/console lines, and the table of the causes the
 * kernel logs with what each means and how to fix it.
 *
 * The record parser is pure and bounded: one line in, one record out.
 */
#ifndef IMACTL_AUDIT_H
#define IMACTL_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest line accepted (a record with a PATH_MAX name, hex-encoded, fits). */
#define IMACTL_AUDIT_LINE_MAX 16384
#define IMACTL_AUDIT_NAME_MAX 4096

/* The integrity record types (include/uapi/linux/audit.h). */
#define IMACTL_AUDIT_INTEGRITY_FIRST 1800
#define IMACTL_AUDIT_INTEGRITY_LAST  1808

/* Where a line came from, as recognised by its shape. */
enum imactl_audit_source {
	IMACTL_AUDIT_SRC_AUDITD = 1,  /* "type=1800 msg=audit(...): ..." (audit.log, ausearch) */
	IMACTL_AUDIT_SRC_KERNEL = 2,  /* "audit: type=1800 audit(...): ..." (dmesg, console) */
	IMACTL_AUDIT_SRC_JOURNAL = 3, /* "audit[PID]: INTEGRITY_DATA ..." (journalctl) */
	/*
	 * imad's copy through the audit subsystem: "type=TRUSTED_APP (1121)
	 * msg=audit(...): pid=IMAD ... msg='imad_type=INTEGRITY_DATA opid= ouid=
	 * oauid= oses= obj= op= cause= ... res=failed'".  The record's pid, uid,
	 * auid, ses and subj are the opener's (opid, ouid, oauid, oses, obj),
	 * not imad's; res= is 0 for "failed", 1 for "success".
	 */
	IMACTL_AUDIT_SRC_IMAD = 4,
};

/* One record; strings are NUL-terminated, "" when the field is absent. */
typedef struct imactl_audit_record {
	unsigned int type; /* 1800..1808 */
	enum imactl_audit_source source;
	char stamp[64]; /* "1700000000.123:45" (time:serial), or "" */
	char pid[24], uid[24], auid[24], ses[24];
	char subj[256];			  /* task LSM context */
	char op[64];			  /* "appraise_data" ... */
	char cause[128];		  /* "missing-hash" ... */
	char comm[64];			  /* decoded (the kernel hex-encodes odd names) */
	char name[IMACTL_AUDIT_NAME_MAX]; /* name= (paths), or file= for INTEGRITY_RULE */
	char dev[64];
	char ino[24];
	char hash[160];	 /* INTEGRITY_RULE: "sha256:..." */
	char xattr[256]; /* INTEGRITY_EVM_XATTR: xattr= */
	char rule[1024]; /* INTEGRITY_POLICY_RULE: the rule's fields */
	int res;	 /* res=, -1 when absent (0 = the kernel denied/failed) */
	int has_errno;
	int err; /* errno= */
} imactl_audit_record;

/**
 * imactl_audit_parse_line() - recognise and parse one integrity audit record.
 * @line, @len: one line (no newline needed; not NUL-terminated).
 * @ret: filled when the result is 1.
 * @reterr: why a line that claims to be an integrity record is unusable.
 *
 * Accepts numeric and named types (type=1800, type=INTEGRITY_DATA,
 * type=UNKNOWN[1808]), quoted, unquoted and hex-encoded (untrusted) values,
 * the kernel's unquoted cause= with blanks ("signed policy required") and
 * auditd's enriched suffix (after 0x1d).
 * Returns 1 (an integrity record), 0 (some other line: ignore it),
 * -EBADMSG (an integrity record without its fields) or -EMSGSIZE (line over
 * IMACTL_AUDIT_LINE_MAX).
 */
int imactl_audit_parse_line(const char *line, size_t len, imactl_audit_record *ret,
			    imactl_diag *reterr);

/** imactl_audit_type_name() - "INTEGRITY_DATA" ... for 1800..1808, NULL otherwise. */
const char *imactl_audit_type_name(unsigned int type);

/* An entry of the cause table. */
typedef struct imactl_audit_cause {
	const char *op;	     /* the op it comes with, "*" for any */
	const char *cause;   /* the kernel's string; ending in '(' matches by prefix */
	unsigned int type;   /* record type it is logged with */
	const char *meaning; /* one line */
	const char *fix;     /* one line */
} imactl_audit_cause;

/**
 * imactl_audit_cause_find() - the table entry for an op and cause: an entry
 * for exactly that op first, then one for any op.  Returns NULL for a cause
 * the table does not know.
 */
const imactl_audit_cause *imactl_audit_cause_find(const char *op, const char *cause);

/** imactl_audit_cause_count(), imactl_audit_cause_get() - walk the table. */
size_t imactl_audit_cause_count(void);
const imactl_audit_cause *imactl_audit_cause_get(size_t i);

#ifdef __cplusplus
}
#endif
#endif
