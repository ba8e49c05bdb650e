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
#include <stdint.h>

#include "imactl/error.h"
#include "imactl/pcr.h"
#include "imactl/types.h"

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

/*
 * PCR extension for a measuring daemon (imad): one TPM connection kept open,
 * the same no-hang rule (transport probed before tpm2-tss loads it, every
 * command against a deadline of @timeout_ms from when it is sent).
 */
typedef struct imactl_tpm imactl_tpm;

#define IMACTL_TPM_BANKS_MAX 16

/**
 * imactl_tpm_open() - resolve and probe @tcti as imactl_pcrs_read_tpm()
 * does, connect, and read which PCR banks the TPM has allocated.
 * @ctx: borrowed; must outlive the handle (the per-bank hashes).
 * @timeout_ms: bound on this open and on each later command (0:
 *        IMACTL_TPM_TIMEOUT_MS).
 * @ret: the handle (owned; imactl_tpm_free()).
 *
 * Returns 0; -ENODEV, -ETIMEDOUT, -EINVAL, -EIO, -ENOMEM as
 * imactl_pcrs_read_tpm(); -EOPNOTSUPP (built without tpm2-tss).
 */
int imactl_tpm_open(imactl_ctx *ctx, const char *tcti, unsigned int timeout_ms, imactl_tpm **ret,
		    imactl_diag *reterr);

/**
 * imactl_tpm_banks() - the allocated banks (kernel hash ids) into @algos,
 * at most @max of them; returns how many the TPM has.
 */
size_t imactl_tpm_banks(const imactl_tpm *t, int *algos, size_t max);

/**
 * imactl_tpm_read_pcr() - PCR @pcr of bank @algo (kernel hash id) into @out
 * (that hash's size), over the open connection.  Returns 0; -EINVAL;
 * -EOPNOTSUPP (no such bank); -ETIMEDOUT; -EIO.
 */
int imactl_tpm_read_pcr(imactl_tpm *t, int algo, unsigned int pcr, uint8_t *out,
			imactl_diag *reterr);

/**
 * imactl_tpm_extend_template() - extend PCR @pcr of every allocated bank
 * with one measurement-list entry, as the kernel does (ima_pcr_extend() after
 * ima_calc_field_array_hash(); lib/mlog_write.c's software banks): each
 * bank's own hash of @data, the template data the template digest covers; a
 * bank whose hash this OpenSSL lacks gets the SHA-1 digest zero-padded, as
 * the kernel does for a bank without a crypto driver.  A violation
 * (@violation != 0) extends all 0xff bytes into every bank; @data is unused.
 * One TPM2_PCR_Extend command for every bank.
 *
 * Returns 0; -EINVAL (@pcr over 23); -ETIMEDOUT; -EIO (a TPM or TSS error,
 * the connection lost: decoded in the diag); -ENOMEM.
 */
int imactl_tpm_extend_template(imactl_tpm *t, unsigned int pcr, const uint8_t *data, size_t len,
			       int violation, imactl_diag *reterr);

/** imactl_tpm_free() - close the connection; NULL is a no-op. */
void imactl_tpm_free(imactl_tpm *t);

#ifdef __cplusplus
}
#endif
#endif
