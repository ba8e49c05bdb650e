/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the TCG boot event log reader (TPM 1.2 and crypto-agile
 * TPM 2.0), then boot_aggregate over what it replayed.
 */
#include <stddef.h>
#include <stdint.h>

#include "imactl/imactl.h"
#include "imactl/pcr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static imactl_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	imactl_pcrs *p = NULL;
	imactl_eventlog_info info;
	uint8_t agg[IMACTL_MAX_DIGEST_SIZE];
	imactl_diag d;

	if (!ctx && imactl_ctx_new(&ctx, NULL) < 0)
		return 0;
	if (imactl_pcrs_new(&p) < 0)
		return 0;
	if (imactl_eventlog_replay(ctx, data, size, p, &info, &d) == 0)
		for (size_t i = 0; i < info.n_algos; i++)
			(void)imactl_boot_aggregate(ctx, info.algos[i], p, agg, &d);
	imactl_pcrs_free(p);
	return 0;
}
