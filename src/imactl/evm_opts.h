/* SPDX-License-Identifier: MIT */
/* EVM metadata overrides shared by `imactl evm` and the evmctl personality. */
#ifndef IMACTL_EVM_OPTS_H
#define IMACTL_EVM_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "imactl/imactl.h"
#include "imactl/evm.h"

enum uuid_mode { UUID_AUTO = 0, UUID_NONE, UUID_GIVEN };

struct evm_overrides {
	bool ino_set, gen_set, uid_set, gid_set, mode_set;
	uint64_t ino;
	uint32_t generation, uid, gid;
	uint16_t mode;
	enum uuid_mode uuid_mode;
	uint8_t uuid[16];
	uint8_t ima[IMACTL_XATTR_MAX];
	size_t ima_len;
	bool ima_set;
	char *selinux; /* label; the xattr value is the label and a NUL, as LSMs store it */
	bool caps_set; /* --caps given: caps_len 0 = "do not use" */
	uint8_t caps[256];
	size_t caps_len;
	bool smack;
	bool portable; /* portable signature: generation and UUID are not needed */
	bool user_ima;
	enum imactl_evm_abi abi;
};

/*
 * Metadata for an open file with the overrides applied.  Overridden fields are
 * not read from the file, so --generation and --uuid work where the
 * filesystem cannot report them.
 */
int evm_meta_for_fd(int fd, const struct evm_overrides *o, imactl_evm_meta **ret,
		    imactl_diag *reterr);

/* Parse helpers: 0 or -EINVAL. */
int evm_parse_uuid_arg(struct evm_overrides *o, const char *arg); /* NULL/"" = none */
int evm_parse_hex_value(const char *s, uint8_t *out, size_t cap, size_t *ret_len);

/* The EVM HMAC key: from --hmackey FILE or --hmackey-fd N (raw bytes, as
 * /etc/keys/evm-key-plain holds the kernel evm-key's plaintext). */
int evm_load_hmac_key(const char *path, int fd, imactl_secret **ret, imactl_diag *reterr);

#endif
