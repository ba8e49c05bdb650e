/* SPDX-License-Identifier: MIT */
/*
 * Golden list check of a measurement list, shared by `imactl log check` and
 * `imactl attest verify`: a logcheck on_entry callback that judges every
 * entry with imactl_golden_check_entry() and reports the failing ones
 * (unknown path, hash mismatch, violation, ToMToU) as text or JSON.
 */
#ifndef IMACTL_GOLDENCHECK_H
#define IMACTL_GOLDENCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "imactl/golden.h"
#include "logcheck.h"

#define GOLDENCHECK_STATUSES 8

struct goldencheck {
	imactl_golden_check *chk; /* owned; goldencheck_done() frees it */
	bool json;
	bool ignore_violations;
	FILE *out;
	uint64_t counts[GOLDENCHECK_STATUSES];
	uint64_t findings;
	int error; /* negative errno from the check (out of memory) */
};

/* Load a golden list (keylime runtime policy JSON) and add extra excludes. 0 or an exit code. */
int goldencheck_load(const char *prog, const char *path, const char *const *excludes,
		     size_t nexcludes, imactl_golden **ret);
int goldencheck_init(struct goldencheck *gc, const imactl_golden *g, bool json, FILE *out);
void goldencheck_done(struct goldencheck *gc);
/* logcheck_entry_cb: @ud is a struct goldencheck. */
void goldencheck_entry(void *ud, const imactl_mlog_entry *e, int tmpl_rc, enum sig_status sig,
		       const imactl_diag *sig_diag);
/* true when no entry failed (violations count unless ignored). */
bool goldencheck_ok(const struct goldencheck *gc);
/* Counts as text lines, or JSON members ("golden":{...} body without braces). */
void goldencheck_summary(const struct goldencheck *gc, FILE *f);
void goldencheck_summary_json(const struct goldencheck *gc, FILE *f);

#endif
