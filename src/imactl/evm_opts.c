/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "evm_opts.h"
#include "util/cleanup.h"
#include "util/hex.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_evm_meta *, imactl_evm_meta_free)

int evm_meta_for_fd(int fd, const struct evm_overrides *o, imactl_evm_meta **ret,
		    imactl_diag *reterr)
{
	_cleanup_(imactl_evm_meta_freep) imactl_evm_meta *m = NULL;
	unsigned flags = (o->smack ? IMACTL_EVM_SMACK_EXTRA : 0) |
			 (o->user_ima ? IMACTL_EVM_USER_IMA : 0) |
			 (o->uuid_mode != UUID_AUTO || o->portable ? IMACTL_EVM_NO_UUID : 0) |
			 (o->gen_set ? IMACTL_EVM_NO_GENERATION : 0) |
			 (o->portable ? IMACTL_EVM_GENERATION_OPTIONAL : 0);
	int r = imactl_evm_meta_from_fd(fd, flags, &m, reterr);

	if (r < 0)
		return r;
	if (o->ino_set)
		imactl_evm_meta_set_ino(m, o->ino);
	if (o->gen_set)
		imactl_evm_meta_set_generation(m, o->generation);
	if (o->uid_set)
		imactl_evm_meta_set_uid(m, o->uid);
	if (o->gid_set)
		imactl_evm_meta_set_gid(m, o->gid);
	if (o->mode_set)
		imactl_evm_meta_set_mode(m, o->mode);
	if (o->uuid_mode == UUID_GIVEN)
		imactl_evm_meta_set_uuid(m, o->uuid);
	else if (o->uuid_mode == UUID_NONE)
		imactl_evm_meta_set_uuid(m, NULL);
	if (o->ima_set && imactl_evm_meta_set_xattr(m, IMACTL_XATTR_IMA, o->ima, o->ima_len) < 0)
		return -ENOMEM;
	if (o->selinux &&
	    imactl_evm_meta_set_xattr(m, "security.selinux", (const uint8_t *)o->selinux,
				      strlen(o->selinux) + 1) < 0)
		return -ENOMEM;
	if (o->caps_set && imactl_evm_meta_set_xattr(m, "security.capability",
						     o->caps_len ? o->caps : NULL, o->caps_len) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(m);
	return 0;
}

int evm_parse_uuid_arg(struct evm_overrides *o, const char *arg)
{
	if (!arg || !*arg) {
		o->uuid_mode = UUID_NONE;
		return 0;
	}
	if (imactl_uuid_parse(arg, o->uuid) < 0)
		return -EINVAL;
	o->uuid_mode = UUID_GIVEN;
	return 0;
}

int evm_parse_hex_value(const char *s, uint8_t *out, size_t cap, size_t *ret_len)
{
	long n;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = hex_decode(s, strlen(s), out, cap);
	if (n < 0)
		return -EINVAL;
	*ret_len = (size_t)n;
	return 0;
}

int evm_load_hmac_key(const char *path, int fd, imactl_secret **ret, imactl_diag *reterr)
{
	imactl_secret *s = NULL;
	int r;

	/* The key file is binary: never strip a trailing newline byte. */
	if (fd >= 0)
		r = imactl_secret_from_fd(fd, 0, &s, reterr);
	else
		r = imactl_secret_from_file(path ? path : "/etc/keys/evm-key-plain", 0, &s, reterr);
	if (r < 0)
		return r;
	if (imactl_secret_len(s) == 0 || imactl_secret_len(s) > IMACTL_EVM_HMAC_KEY_MAX) {
		size_t n = imactl_secret_len(s);
		imactl_secret_free(s);
		if (reterr) {
			snprintf(reterr->msg, sizeof(reterr->msg),
				 "EVM HMAC key of %zu bytes: the kernel takes 1 to %d bytes", n,
				 IMACTL_EVM_HMAC_KEY_MAX);
			reterr->code = -EMSGSIZE;
		}
		return -EMSGSIZE;
	}
	*ret = s;
	return 0;
}
