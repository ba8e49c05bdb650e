/* SPDX-License-Identifier: MIT */
/*
 * Reading PCR banks from a TPM through tpm2-tss (Esys_PCR_Read).
 *
 * The no-hang rule: nothing here waits for a TPM that is not there.
 *  - No TCTI string: /dev/tpmrm0, then /dev/tpm0, through the device TCTI;
 *    when neither exists the call fails at once with -ENODEV.  tpm2-tss's
 *    default search (tabrmd first: a D-Bus activation that can take ~15 s
 *    when no tpm2-abrmd runs) is never used.
 *  - "device:PATH": PATH must exist and be a character device (or the
 *    caller's own socket/file for tests), checked before the TCTI loads.
 *  - "swtpm:..." / "mssim:...": the TCP port is probed with a non-blocking
 *    connect bounded by the timeout before the TCTI loads.
 *  - Every TPM command runs asynchronously against a deadline; a TPM that
 *    stops answering gives -ETIMEDOUT.
 *  - "tabrmd:..." is used only when asked for by name; its D-Bus connection
 *    timeout belongs to tpm2-abrmd and is not bounded here.
 * Builds without tpm2-tss return -EOPNOTSUPP.
 */
#ifndef IMACTL_TPM_H
#define IMACTL_TPM_H

#include <stddef.h>

#include "imactl/error.h"
#include "imactl/pcr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default bound on the whole read (every bank, every PCR), in milliseconds. */
#define IMACTL_TPM_TIMEOUT_MS 5000u

/**
 * imactl_tpm_supported() - 1 when this build reads TPMs (tpm2-tss), else 0.
 */
int imactl_tpm_supported(void);

/**
 * imactl_pcrs_read_tpm() - read every PCR of the banks @algos (kernel hash
 * ids; all of @n_algos == 0: every bank the TPM has allocated) into @p.
 * @tcti: tpm2-tss TCTI configuration ("device:/dev/tpmrm0",
 *        "swtpm:host=127.0.0.1,port=2321", "mssim:...", "tabrmd:..."), or
 *        NULL for /dev/tpmrm0 then /dev/tpm0.
 * @timeout_ms: bound on the TPM's answers (0: IMACTL_TPM_TIMEOUT_MS).
 *
 * Returns the number of banks read (>= 1); -ENODEV (no TPM there: missing
 * device, refused connection), -ETIMEDOUT, -EINVAL (malformed TCTI string),
 * -EOPNOTSUPP (built without tpm2-tss; a requested bank the TPM lacks),
 * -EIO (a TPM or TSS error, decoded in the diag), -ENOMEM.  @p is changed
 * only on success.
 */
int imactl_pcrs_read_tpm(imactl_pcrs *p, const char *tcti, const int *algos, size_t n_algos,
			 unsigned int timeout_ms, imactl_diag *reterr);

#ifdef __cplusplus
}
#endif
#endif
