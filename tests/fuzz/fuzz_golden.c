/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the golden-list parser (keylime runtime policy JSON,
 * lib/golden_json.c).  A policy that parses is queried (lookups of every
 * kind, the exclude regexes), written back as JSON, and that JSON must parse
 * again with the same number of names of each kind: the export/import round
 * trip `imactl golden` relies on.  Without json-c the parser must refuse
 * every input with -EOPNOTSUPP.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/golden.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t dg[64] = {0};
	imactl_golden *g = NULL, *g2 = NULL;
	imactl_diag d;
	char *json = NULL;
	int r;

	r = imactl_golden_parse_json((const char *)data, size, &g, &d);
	if (r < 0) {
		/* a failure leaves nothing behind and says why */
		if (g || (r != -EBADMSG && r != -EMSGSIZE && r != -ENOMEM && r != -EOPNOTSUPP))
			abort();
		return 0;
	}
	for (int kind = 0; kind < IMACTL_GOLDEN__KINDS; kind++) {
		(void)imactl_golden_lookup(g, kind, "/usr/bin/bash", dg, 32);
		(void)imactl_golden_lookup(g, kind, "", dg, 20);
		(void)imactl_golden_lookup(g, kind, ".ima", dg, 64);
	}
	(void)imactl_golden_excluded(g, "/tmp/x");
	(void)imactl_golden_excluded(g, "");
	if (imactl_golden_to_json(g, &json, &d) == 0) {
		if (imactl_golden_parse_json(json, strlen(json), &g2, &d) < 0)
			abort();
		for (int kind = 0; kind < IMACTL_GOLDEN__KINDS; kind++)
			if (imactl_golden_count(g, kind) != imactl_golden_count(g2, kind))
				abort();
		imactl_golden_free(g2);
		free(json);
	}
	imactl_golden_free(g);
	return 0;
}
