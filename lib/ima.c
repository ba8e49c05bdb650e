/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/fsverity.h>

#include <openssl/crypto.h>

#include "diag.h"
#include "imactl/digest.h"
#include "imactl/ima.h"
#include "imactl/key.h"
#include "imactl/sig.h"
#include "imactl/xattr.h"

int imactl_ima_hash_fd(imactl_ctx *ctx, int fd, int algo, unsigned flags, uint8_t *out,
		       size_t *ret_len, imactl_diag *reterr)
{
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	int r = imactl_hash_fd(ctx, algo, fd, digest, reterr);

	if (r < 0)
		return r;
	r = imactl_xattr_encode_hash(algo, digest, flags, out, ret_len);
	if (r < 0)
		return diag_fail(reterr, r, "cannot encode the hash");
	return 0;
}

int imactl_ima_sign_fd(imactl_ctx *ctx, int fd, const imactl_key *key, int algo, uint8_t *out,
		       size_t *ret_len, imactl_diag *reterr)
{
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	int r = imactl_hash_fd(ctx, algo, fd, digest, reterr);

	if (r < 0)
		return r;
	return imactl_sig_sign(ctx, key, IMACTL_XATTR_DIGSIG, algo, digest, imactl_hash_size(algo),
			       out, ret_len, reterr);
}

int imactl_verity_digest_fd(int fd, int *ret_algo, uint8_t *ret_digest, imactl_diag *reterr)
{
	struct {
		struct fsverity_digest d;
		uint8_t buf[IMACTL_MAX_DIGEST_SIZE];
	} m = {.d.digest_size = IMACTL_MAX_DIGEST_SIZE};

	if (ioctl(fd, FS_IOC_MEASURE_VERITY, &m) < 0) {
		if (errno == ENODATA)
			return diag_fail(reterr, -ENODATA, "fs-verity is not enabled on this file");
		if (errno == ENOTTY || errno == EOPNOTSUPP)
			return diag_fail(reterr, -EOPNOTSUPP,
					 "this filesystem does not support fs-verity");
		return diag_fail(reterr, -errno, "FS_IOC_MEASURE_VERITY: %m");
	}
	/* FS_VERITY_HASH_ALG_SHA256 = 1, SHA512 = 2 (include/uapi/linux/fsverity.h). */
	if (m.d.digest_algorithm == FS_VERITY_HASH_ALG_SHA256)
		*ret_algo = IMACTL_HASH_SHA256;
	else if (m.d.digest_algorithm == FS_VERITY_HASH_ALG_SHA512)
		*ret_algo = IMACTL_HASH_SHA512;
	else
		return diag_fail(reterr, -EOPNOTSUPP, "unknown fs-verity hash algorithm %u",
				 m.d.digest_algorithm);
	if (m.d.digest_size != imactl_hash_size(*ret_algo))
		return diag_fail(reterr, -EBADMSG, "fs-verity digest of unexpected size %u",
				 m.d.digest_size);
	memcpy(ret_digest, m.buf, m.d.digest_size);
	return 0;
}

int imactl_ima_appraise_fd(imactl_ctx *ctx, int fd, const imactl_keyring *keyring,
			   const uint8_t *value, size_t len, imactl_appraisal *ret,
			   imactl_diag *reterr)
{
	imactl_appraisal a = {0};
	imactl_xattr_view v;
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	int r = imactl_xattr_decode(value, len, &v, reterr);

	if (r < 0)
		return r;
	a.type = v.type;
	a.version = v.version;
	a.hash_algo = v.hash_algo;
	a.keyid = v.keyid;
	switch (v.type) {
	case IMACTL_XATTR_DIGEST:
	case IMACTL_XATTR_DIGEST_NG:
		r = imactl_hash_fd(ctx, v.hash_algo, fd, a.digest, reterr);
		if (r < 0)
			return r;
		a.digest_len = v.digest_len;
		a.content_match = CRYPTO_memcmp(a.digest, v.digest, v.digest_len) == 0;
		if (ret)
			*ret = a;
		if (!a.content_match)
			return diag_fail(reterr, -EKEYREJECTED,
					 "%s hash does not match the content",
					 imactl_hash_name(v.hash_algo));
		return 0;
	case IMACTL_XATTR_DIGSIG:
		a.is_signature = 1;
		r = imactl_hash_fd(ctx, v.hash_algo, fd, a.digest, reterr);
		if (r < 0)
			return r;
		a.digest_len = imactl_hash_size(v.hash_algo);
		memcpy(digest, a.digest, a.digest_len);
		break;
	case IMACTL_XATTR_VERITY_DIGSIG: {
		int valgo;
		uint8_t vd[IMACTL_MAX_DIGEST_SIZE];
		a.is_signature = 1;
		r = imactl_verity_digest_fd(fd, &valgo, vd, reterr);
		if (r < 0)
			return r;
		r = imactl_sig_file_id_digest(ctx, v.hash_algo, IMACTL_XATTR_VERITY_DIGSIG, valgo,
					      vd, digest, reterr);
		if (r < 0)
			return r;
		memcpy(a.digest, vd, imactl_hash_size(valgo));
		a.digest_len = imactl_hash_size(valgo);
		break;
	}
	default:
		return diag_fail(reterr, -EOPNOTSUPP, "a %s value does not appraise file content",
				 imactl_xattr_type_name(v.type));
	}
	if (!keyring) {
		if (ret)
			*ret = a;
		return diag_fail(reterr, -ENOKEY, "signed with key %08x, and no keys were given",
				 v.keyid);
	}
	r = imactl_sig_verify(ctx, keyring, value, len, digest, imactl_hash_size(v.hash_algo),
			      &a.key, reterr);
	if (ret)
		*ret = a;
	return r;
}
