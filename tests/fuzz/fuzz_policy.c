/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the policy parser and everything that consumes a parsed policy.  The
 * first byte picks the kernel release and configuration flags; the rest is
 * policy text.  Invariants checked: a failure leaves no policy behind and
 * names a line; an accepted policy prints, lints and evaluates, and its
 * read-back parses again to the same read-back unless it holds one of the two
 * rule shapes whose kernel read-back is known not to be loadable (sigv3 rules
 * and ids above INT_MAX).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int kernels[] = {
		IMACTL_POLICY_KERNEL(6, 1), IMACTL_POLICY_KERNEL(6, 6), IMACTL_POLICY_KERNEL(6, 12),
		IMACTL_POLICY_KERNEL(6, 17)};
	imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
	imactl_policy *p = NULL, *q = NULL;
	imactl_policy_finding *f = NULL;
	imactl_diag d = {0};
	size_t len = 0, n = 0;
	char *out;

	if (size < 1)
		return 0;
	o.kernel = kernels[data[0] & 3];
	o.flags = (data[0] >> 2) & (IMACTL_POLICY_NO_MODSIG | IMACTL_POLICY_NO_ASYMMETRIC_KEYS |
				    IMACTL_POLICY_LSM_UNDEFINED | IMACTL_POLICY_FIRST_LOAD |
				    IMACTL_POLICY_ALLOW_EMPTY | IMACTL_POLICY_32BIT);
	if (imactl_policy_parse((const char *)data + 1, size - 1, &o, &p, &d) < 0) {
		if (p)
			abort();
		return 0;
	}
	(void)imactl_policy_print(p, NULL, 0, &len);
	out = malloc(len + 1);
	if (!out || imactl_policy_print(p, out, len + 1, &len) < 0)
		abort();
	if (imactl_policy_lint(p, &f, &n, &d) < 0)
		abort();
	imactl_policy_findings_free(f);
	{
		imactl_policy_access a = {0};
		imactl_policy_decision dec;
		a.func = "BPRM_CHECK";
		a.mask = IMACTL_POLICY_MAY_EXEC;
		a.fsname = "ext4";
		a.obj_type = "bin_t";
		if (imactl_policy_evaluate(p, &a, &dec, &d) < 0)
			abort();
	}
	/* Round trip of the read-back. */
	if (!strstr(out, "sigv3") && !strstr(out, "id=-") && !strstr(out, "uid=-") &&
	    !strstr(out, "owner=-") && !strstr(out, "group=-") && !strstr(out, "id>-") &&
	    !strstr(out, "id<-") && !strstr(out, "owner>-") && !strstr(out, "owner<-") &&
	    !strstr(out, "group>-") && !strstr(out, "group<-") && !strstr(out, "template= ")) {
		o.flags |= IMACTL_POLICY_ALLOW_EMPTY;
		if (imactl_policy_parse(out, len, &o, &q, &d) < 0)
			abort();
		{
			size_t len2 = 0;
			char *again;
			(void)imactl_policy_print(q, NULL, 0, &len2);
			again = malloc(len2 + 1);
			if (!again || imactl_policy_print(q, again, len2 + 1, &len2) < 0 ||
			    len2 != len || memcmp(again, out, len))
				abort();
			free(again);
		}
		imactl_policy_free(q);
	}
	free(out);
	imactl_policy_free(p);
	return 0;
}
