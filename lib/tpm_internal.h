/* SPDX-License-Identifier: MIT */
/*
 * Internal: choosing and probing a TPM transport (TCTI) before tpm2-tss is
 * allowed near it, so that a missing TPM fails at once (tpm_tcti.c), and the
 * tpm2-tss backend that uses it (tpm_tss2.c).
 */
#ifndef IMACTL_LIB_TPM_INTERNAL_H
#define IMACTL_LIB_TPM_INTERNAL_H

#include "imactl/error.h"

#define TPM_TCTI_CONF_MAX 512
#define TPM_DEV_RM	  "/dev/tpmrm0"
#define TPM_DEV		  "/dev/tpm0"

enum tcti_kind {
	TCTI_DEVICE, /* device:PATH */
	TCTI_TCP,    /* swtpm: / mssim: host and port */
	TCTI_OTHER,  /* anything else named explicitly (tabrmd, cmd, ...): not probed */
};

struct tcti_target {
	enum tcti_kind kind;
	char name[32];			   /* TCTI name as tpm2-tss's loader knows it */
	char conf[TPM_TCTI_CONF_MAX];	   /* "name:config" for Tss2_TctiLdr_Initialize() */
	char path[TPM_TCTI_CONF_MAX - 16]; /* TCTI_DEVICE */
	char host[256];			   /* TCTI_TCP */
	unsigned int port;		   /* TCTI_TCP */
};

/*
 * tpm_tcti_parse() - split a TCTI string ("name[:conf]") without touching
 * anything.  NULL or "" is not accepted here (tpm_tcti_resolve() picks a
 * device).  device: an empty conf is /dev/tpm0 (tpm2-tss's default);
 * swtpm/mssim: "host=H,port=P" in any order, defaults localhost:2321.
 * Returns 0 or -EINVAL (with the reason in the diag).
 */
int tpm_tcti_parse(const char *tcti, struct tcti_target *ret, imactl_diag *reterr);

/*
 * tpm_tcti_probe() - fail fast when the transport has no TPM behind it:
 * a device path must exist, be a character device and open read-write
 * (O_NONBLOCK, closed again at once); a TCP endpoint must accept a
 * connection within @timeout_ms.  TCTI_OTHER is not probed.
 * Returns 0, -ENODEV (not there, refused), -EACCES/-EBUSY (cannot open the
 * device), -ETIMEDOUT.
 */
int tpm_tcti_probe(const struct tcti_target *t, unsigned int timeout_ms, imactl_diag *reterr);

/*
 * tpm_tcti_resolve() - parse and probe @tcti; NULL or "" means /dev/tpmrm0,
 * else /dev/tpm0, through the device TCTI (never tpm2-tss's default search,
 * which tries tpm2-abrmd over D-Bus first).  Returns as the two above;
 * -ENODEV names both devices when neither exists.
 */
int tpm_tcti_resolve(const char *tcti, unsigned int timeout_ms, struct tcti_target *ret,
		     imactl_diag *reterr);

#endif
