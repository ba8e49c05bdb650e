/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/fsverity.h>

#include <openssl/crypto.h>

#include "config.h"
#if HAVE_FSVERITY
#include <libfsverity.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

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
	/* struct fsverity_digest is followed by its flexible digest[] array */
	union {
		struct fsverity_digest d;
		uint8_t raw[sizeof(struct fsverity_digest) + IMACTL_MAX_DIGEST_SIZE];
	} u = {.d.digest_size = IMACTL_MAX_DIGEST_SIZE};
	struct fsverity_digest *m = &u.d;

	if (ioctl(fd, FS_IOC_MEASURE_VERITY, m) < 0) {
		if (errno == ENODATA)
			return diag_fail(reterr, -ENODATA, "fs-verity is not enabled on this file");
		if (errno == ENOTTY || errno == EOPNOTSUPP)
			return diag_fail(reterr, -EOPNOTSUPP,
					 "this filesystem does not support fs-verity");
		return diag_fail(reterr, -errno, "FS_IOC_MEASURE_VERITY: %m");
	}
	/* FS_VERITY_HASH_ALG_SHA256 = 1, SHA512 = 2 (include/uapi/linux/fsverity.h). */
	if (m->digest_algorithm == FS_VERITY_HASH_ALG_SHA256)
		*ret_algo = IMACTL_HASH_SHA256;
	else if (m->digest_algorithm == FS_VERITY_HASH_ALG_SHA512)
		*ret_algo = IMACTL_HASH_SHA512;
	else
		return diag_fail(reterr, -EOPNOTSUPP, "unknown fs-verity hash algorithm %u",
				 m->digest_algorithm);
	if (m->digest_size != imactl_hash_size(*ret_algo))
		return diag_fail(reterr, -EBADMSG, "fs-verity digest of unexpected size %u",
				 m->digest_size);
	memcpy(ret_digest, m->digest, m->digest_size);
	return 0;
}

#if HAVE_FSVERITY
struct vread {
	int fd;
	off_t off;
};

static int verity_read(void *ctx, void *buf, size_t count)
{
	struct vread *v = ctx;

	while (count) {
		ssize_t n = pread(v->fd, buf, count, v->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* the file shrank */
		buf = (uint8_t *)buf + n;
		count -= (size_t)n;
		v->off += n;
	}
	return 0;
}
#endif

int imactl_verity_compute_fd(int fd, int algo, uint8_t *ret_digest, imactl_diag *reterr)
{
#if HAVE_FSVERITY
	struct libfsverity_merkle_tree_params p = {.version = 1};
	struct libfsverity_digest *d = NULL;
	struct vread v = {.fd = fd};
	struct stat st;
	int r;

	if (algo == IMACTL_HASH_SHA256)
		p.hash_algorithm = FS_VERITY_HASH_ALG_SHA256;
	else if (algo == IMACTL_HASH_SHA512)
		p.hash_algorithm = FS_VERITY_HASH_ALG_SHA512;
	else
		return diag_fail(reterr, -EOPNOTSUPP, "fs-verity digests are sha256 or sha512");
	if (fstat(fd, &st) < 0)
		return diag_fail(reterr, -errno, "fstat: %m");
	if (!S_ISREG(st.st_mode))
		return diag_fail(reterr, -EINVAL, "not a regular file");
	p.file_size = (uint64_t)st.st_size;
	p.block_size = 4096;
	r = libfsverity_compute_digest(&v, verity_read, &p, &d);
	if (r < 0)
		return diag_fail(reterr, r, "fs-verity digest: %s", strerror(-r));
	memcpy(ret_digest, d->digest, d->digest_size);
	free(d);
	return 0;
#else
	return diag_fail(reterr, -EOPNOTSUPP,
			 "built without libfsverity: cannot compute fs-verity digests");
#endif
}

int imactl_ima_sign_verity_fd(imactl_ctx *ctx, int fd, const imactl_key *key, int algo,
			      int verity_algo, uint8_t *out, size_t *ret_len, imactl_diag *reterr)
{
	uint8_t vd[IMACTL_MAX_DIGEST_SIZE], fid[IMACTL_MAX_DIGEST_SIZE];
	int valgo = verity_algo;
	int r = imactl_verity_digest_fd(fd, &valgo, vd, NULL);

	if (r < 0) {
		valgo = verity_algo;
		r = imactl_verity_compute_fd(fd, valgo, vd, reterr);
		if (r < 0)
			return r;
	}
	r = imactl_sig_file_id_digest(ctx, algo, IMACTL_XATTR_VERITY_DIGSIG, valgo, vd, fid,
				      reterr);
	if (r < 0)
		return r;
	return imactl_sig_sign(ctx, key, IMACTL_XATTR_VERITY_DIGSIG, algo, fid,
			       imactl_hash_size(algo), out, ret_len, reterr);
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
		if (r == 0) {
			a.verity_enabled = 1;
		} else if (r == -ENODATA || r == -EOPNOTSUPP) {
			/* not enabled: compute it, so the caller can say whether the
			 * signature will hold once fs-verity is enabled (the kernel
			 * itself refuses sigv3 on a file without fs-verity) */
			int cr = imactl_verity_compute_fd(fd, IMACTL_HASH_SHA256, vd, NULL);
			if (cr < 0)
				return r;
			valgo = IMACTL_HASH_SHA256;
		} else {
			return r;
		}
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
	if (v.type == IMACTL_XATTR_VERITY_DIGSIG && !a.verity_enabled)
		return diag_fail(
			reterr, -ENODATA, "%s",
			r == 0 ? "the signature matches the file's fs-verity digest, but "
				 "fs-verity is not enabled on it, so the kernel will refuse it: "
				 "run `fsverity enable`"
			       : "fs-verity is not enabled on this file (the kernel refuses a "
				 "sigv3 without it), and the signature does not match its "
				 "computed fs-verity digest either");
	return r;
}
