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
