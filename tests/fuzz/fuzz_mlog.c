/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the measurement list reader.  The first input byte picks the
 * format (auto, binary, ascii) and byte order; the rest is the list.  Every
 * entry is re-checked and replayed into the sha1 and sha256 banks, so the
 * template digest and PCR code see attacker-shaped entries too.
 */
#include <stddef.h>
#include <stdint.h>

#include "imactl/imactl.h"
#include "imactl/mlog.h"
#include "imactl/pcr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static imactl_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int banks[] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256};
	const imactl_mlog_entry *e;
	imactl_mlog *l = NULL;
	imactl_replay *r = NULL;
	imactl_diag d;
	unsigned sel;

	if (!ctx && imactl_ctx_new(&ctx, NULL) < 0)
		return 0;
	if (size < 1)
		return 0;
	sel = data[0];
	if (imactl_mlog_open_buf(ctx, data + 1, size - 1, (int)(sel % 3), -1,
				 (sel & 4) ? IMACTL_MLOG_BIG_ENDIAN : 0, &l, &d) < 0)
		return 0;
	if (imactl_replay_new(ctx, banks, 2, IMACTL_REPLAY_CHECK_TEMPLATE, NULL, &r, &d) == 0) {
		for (int i = 0; i < 100000 && imactl_mlog_next(l, &e, &d) == 1; i++) {
			(void)imactl_mlog_entry_check(ctx, e, &d);
			(void)imactl_replay_extend(r, e, &d);
		}
		(void)imactl_replay_result(r);
	}
	imactl_replay_free(r);
	imactl_mlog_free(l);
	return 0;
}
