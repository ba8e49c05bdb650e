/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: verification keys from memory (X.509 PEM/DER, SPKI PEM/DER,
 * PKCS#1), as imactl_keyring_load_dir() reads /etc/keys/ima.  A loaded key is
 * then queried through every accessor.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/imactl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static imactl_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	imactl_key *k = NULL;
	imactl_diag d;
	char buf[64];
	uint8_t id1[8];
	uint32_t id;
	const uint8_t *der;
	size_t dl;
	int r;

	if (!ctx && imactl_ctx_new(&ctx, NULL) < 0)
		abort();
	memset(&d, 0, sizeof(d));
	r = imactl_key_load_public_mem(ctx, data, size, &k, &d);
	if (r < 0) {
		if (k || d.code != r || !d.msg[0])
			abort();
		return 0;
	}
	if (!k || imactl_key_is_private(k))
		abort();
	(void)imactl_key_keyid(k);
	(void)imactl_key_describe(k, buf, sizeof(buf));
	(void)imactl_key_keyid_v1(k, id1);
	if (imactl_key_skid_keyid(k, &id) == 0 && imactl_key_der_cert(k, &der, &dl) < 0)
		abort(); /* a SKID comes from a certificate */
	if (imactl_key_der_cert(k, &der, &dl) == 0 && (!der || !dl))
		abort();
	imactl_key_free(k);
	return 0;
}
