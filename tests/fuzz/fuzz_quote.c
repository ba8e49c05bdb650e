/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the TPM quote parsers.  The input is split at its first byte
 * (an offset into the rest): TPMS_ATTEST before, TPMT_SIGNATURE after; the
 * whole input is also tried as each.  A parsed quote's PCR digest is
 * computed over an empty PCR set (must fail cleanly with -ENODATA).
 */
#include <stddef.h>
#include <stdint.h>

#include "imactl/imactl.h"
#include "imactl/pcr.h"
#include "imactl/quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static imactl_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	imactl_quote q;
	imactl_tpm_sig s;
	imactl_pcrs *p = NULL;
	uint8_t dg[IMACTL_MAX_DIGEST_SIZE];
	imactl_diag d;
	size_t cut;

	if (!ctx && imactl_ctx_new(&ctx, NULL) < 0)
		return 0;
	if (imactl_quote_parse(data, size, &q, &d) == 0 && imactl_pcrs_new(&p) == 0) {
		(void)imactl_quote_pcr_digest(ctx, &q, p, IMACTL_HASH_SHA256, dg, &d);
		imactl_pcrs_free(p);
	}
	(void)imactl_tpm_sig_parse(data, size, &s, &d);
	if (size < 1)
		return 0;
	cut = data[0];
	if (cut > size - 1)
		cut = size - 1;
	(void)imactl_quote_parse(data + 1, cut, &q, &d);
	(void)imactl_tpm_sig_parse(data + 1 + cut, size - 1 - cut, &s, &d);
	return 0;
}
