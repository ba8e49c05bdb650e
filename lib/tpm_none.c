/* SPDX-License-Identifier: MIT */
/* TPM access without tpm2-tss: not available in this build. */
#include <errno.h>

#include "diag.h"
#include "imactl/tpm.h"

int imactl_tpm_supported(void)
{
	return 0;
}

int imactl_pcrs_read_tpm(imactl_pcrs *p, const char *tcti, const int *algos, size_t n_algos,
			 unsigned int timeout_ms, imactl_diag *reterr)
{
	(void)p, (void)tcti, (void)algos, (void)n_algos, (void)timeout_ms;
	return diag_fail(reterr, -EOPNOTSUPP,
			 "reading PCRs from a TPM: built without tpm2-tss (meson -Dtpm2=enabled)");
}

int imactl_tpm_open(imactl_ctx *ctx, const char *tcti, unsigned int timeout_ms, imactl_tpm **ret,
		    imactl_diag *reterr)
{
	(void)ctx, (void)tcti, (void)timeout_ms;
	if (ret)
		*ret = NULL;
	return diag_fail(reterr, -EOPNOTSUPP,
			 "extending a TPM PCR: built without tpm2-tss (meson -Dtpm2=enabled)");
}

size_t imactl_tpm_banks(const imactl_tpm *t, int *algos, size_t max)
{
	(void)t, (void)algos, (void)max;
	return 0;
}

int imactl_tpm_extend_template(imactl_tpm *t, unsigned int pcr, const uint8_t *data, size_t len,
			       int violation, imactl_diag *reterr)
{
	(void)t, (void)pcr, (void)data, (void)len, (void)violation;
	return diag_fail(reterr, -EOPNOTSUPP, "extending a TPM PCR: built without tpm2-tss");
}

int imactl_tpm_read_pcr(imactl_tpm *t, int algo, unsigned int pcr, uint8_t *out,
			imactl_diag *reterr)
{
	(void)t, (void)algo, (void)pcr, (void)out;
	return diag_fail(reterr, -EOPNOTSUPP, "reading a TPM PCR: built without tpm2-tss");
}

void imactl_tpm_free(imactl_tpm *t)
{
	(void)t;
}
