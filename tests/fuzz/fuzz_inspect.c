/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the lenient value decoder and the text forms.  Every input is
 * decoded as a value (imactl_inspect_decode) and parsed as text
 * (imactl_inspect_parse_text), whose bytes are decoded too.  Invariants: the
 * report agrees with imactl_xattr_decode() on validity, explains every
 * problem, and borrows only inside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/imactl.h"
#include "imactl/inspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *p, size_t n)
{
	imactl_inspect_value v;
	imactl_xattr_view x;

	if (imactl_inspect_decode(p, n, &v) != 0)
		abort();
	if ((v.problem == IMACTL_INSPECT_OK) != (imactl_xattr_decode(p, n, &x, NULL) == 0))
		abort();
	if (v.problem != IMACTL_INSPECT_OK && !v.msg[0])
		abort();
	if (v.sig && (v.sig < p || v.sig + v.sig_len > p + n))
		abort();
	if (v.digest && (v.digest < p || v.digest + v.digest_len > p + n))
		abort();
	if (v.expected_len && v.problem == IMACTL_INSPECT_OK && v.expected_len != n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[IMACTL_XATTR_MAX + 1];
	size_t n = 0;

	check(data, size);
	if (imactl_inspect_parse_text((const char *)data, size, out, sizeof(out), &n, NULL) == 0)
		check(out, n);
	return 0;
}
