/* SPDX-License-Identifier: MIT */
/* Golden lists without json-c: the JSON form is not available. */
#include <errno.h>

#include "diag.h"
#include "imactl/golden.h"

int imactl_golden_parse_json(const char *text, size_t len, imactl_golden **ret, imactl_diag *reterr)
{
	(void)text, (void)len, (void)ret;
	return diag_fail(reterr, -EOPNOTSUPP, "runtime policy JSON: built without json-c");
}

int imactl_golden_to_json(const imactl_golden *g, char **ret, imactl_diag *reterr)
{
	(void)g, (void)ret;
	return diag_fail(reterr, -EOPNOTSUPP, "runtime policy JSON: built without json-c");
}
