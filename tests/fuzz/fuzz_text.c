/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the small text parsers that take user input: PCR value
 * files (evmctl --pcrs / tpm2_pcrread output), kernel .config files, the
 * kernel command line, the encrypted evm-key blob, UUIDs, TCTI strings and
 * --kernel release names, access masks (--mask).  The first byte picks the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/evm.h"
#include "imactl/pcr.h"
#include "imactl/policy.h"
#include "imactl/secret.h"
#include "tpm_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t kmk[32] = {1, 2, 3};
	const char *text;
	char *z;
	size_t len;

	if (size < 1)
		return 0;
	text = (const char *)data + 1;
	len = size - 1;
	z = malloc(len + 1); /* the string-taking parsers get a terminated copy */
	if (!z)
		return 0;
	memcpy(z, text, len);
	z[len] = 0;
	switch (data[0] % 8) {
	case 0: {
		imactl_pcrs *p = NULL;
		if (imactl_pcrs_new(&p) == 0) {
			(void)imactl_pcrs_parse(p, -1, text, len, NULL);
			(void)imactl_pcrs_parse(p, 4 /* sha256 */, text, len, NULL);
		}
		imactl_pcrs_free(p);
		break;
	}
	case 1: {
		imactl_policy_kconfig k;
		(void)imactl_policy_kconfig_parse(text, len, &k, NULL);
		break;
	}
	case 2: {
		imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
		imactl_policy_boot b;
		(void)imactl_policy_boot_parse(text, len, &o, NULL, NULL, &b, NULL);
		break;
	}
	case 3: {
		imactl_secret *s = NULL;
		if (imactl_evm_key_open(kmk, sizeof(kmk), z, &s, NULL) == 0)
			imactl_secret_free(s);
		break;
	}
	case 4: {
		uint8_t u[16];
		(void)imactl_uuid_parse(z, u);
		break;
	}
	case 5: {
		struct tcti_target t;
		(void)tpm_tcti_parse(z, &t, NULL);
		break;
	}
	case 6: {
		unsigned int k;
		(void)imactl_policy_kernel_parse(z, &k, NULL);
		break;
	}
	case 7: {
		unsigned int m;
		(void)imactl_policy_mask_parse(z, &m);
		break;
	}
	}
	free(z);
	return 0;
}
