/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: integrity audit lines.  Every input goes through
 * imactl_audit_parse_line(); a recognised record has NUL-terminated fields
 * and a type in 1800..1808, a rejected one explains itself, and the cause
 * table lookup never fails on whatever op/cause the line carried.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static imactl_audit_record r;
	imactl_diag d;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = imactl_audit_parse_line((const char *)data, size, &r, &d);
	if (rc < 0) {
		if (!d.msg[0])
			abort();
		return 0;
	}
	if (rc == 0)
		return 0;
	if (rc != 1 || !imactl_audit_type_name(r.type))
		abort();
	if (memchr(r.name, 0, sizeof(r.name)) == NULL ||
	    memchr(r.cause, 0, sizeof(r.cause)) == NULL ||
	    memchr(r.comm, 0, sizeof(r.comm)) == NULL || memchr(r.rule, 0, sizeof(r.rule)) == NULL)
		abort();
	(void)imactl_audit_cause_find(r.op, r.cause);
	return 0;
}
