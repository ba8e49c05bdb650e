/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/fs.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ctx.h"
#include "diag.h"
#include "imactl/digest.h"
#include "imactl/evm.h"
#include "imactl/sig.h"
#include "imactl/xattr.h"
#include "util/bytes.h"
#include "util/cleanup.h"

static const struct {
	const char *name;
	int smack_extra;
} evm_xattrs[] = {
#define EVM_XATTR(n, extra) {n, extra},
#include "evm_xattrs.def"
#undef EVM_XATTR
};

#define N_EVM_XATTRS ELEMENTSOF(evm_xattrs)

struct imactl_evm_meta {
	unsigned flags;
	uint64_t ino;
	uint32_t generation, uid, gid;
	uint16_t mode;
	int has_uuid;
	uint8_t uuid[16];
	uint8_t *value[N_EVM_XATTRS]; /* NULL: absent */
	size_t len[N_EVM_XATTRS];
};

int imactl_evm_meta_new(unsigned flags, imactl_evm_meta **ret)
{
	imactl_evm_meta *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->flags = flags;
	*ret = m;
	return 0;
}

void imactl_evm_meta_free(imactl_evm_meta *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < N_EVM_XATTRS; i++)
		free(m->value[i]);
	free(m);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_evm_meta *, imactl_evm_meta_free)

static int covered(const imactl_evm_meta *m, size_t i)
{
	return !evm_xattrs[i].smack_extra || (m->flags & IMACTL_EVM_SMACK_EXTRA);
}

int imactl_evm_meta_set_xattr(imactl_evm_meta *m, const char *name, const uint8_t *value,
			      size_t len)
{
	for (size_t i = 0; i < N_EVM_XATTRS; i++) {
		uint8_t *copy = NULL;
		if (strcmp(evm_xattrs[i].name, name) != 0)
			continue;
		if (value) {
			copy = malloc(len ? len : 1);
			if (!copy)
				return -ENOMEM;
			memcpy(copy, value, len);
		}
		free(m->value[i]);
		m->value[i] = copy;
		m->len[i] = value ? len : 0;
		return 0;
	}
	return -EINVAL;
}

void imactl_evm_meta_set_ino(imactl_evm_meta *m, uint64_t ino)
{
	m->ino = ino;
}
void imactl_evm_meta_set_generation(imactl_evm_meta *m, uint32_t generation)
{
	m->generation = generation;
}
void imactl_evm_meta_set_uid(imactl_evm_meta *m, uint32_t uid)
{
	m->uid = uid;
}
void imactl_evm_meta_set_gid(imactl_evm_meta *m, uint32_t gid)
{
	m->gid = gid;
}
void imactl_evm_meta_set_mode(imactl_evm_meta *m, uint16_t mode)
{
	m->mode = mode;
}
void imactl_evm_meta_set_uuid(imactl_evm_meta *m, const uint8_t *uuid)
{
	m->has_uuid = uuid != NULL;
	if (uuid)
		memcpy(m->uuid, uuid, 16);
}
uint64_t imactl_evm_meta_ino(const imactl_evm_meta *m)
{
	return m->ino;
}
uint32_t imactl_evm_meta_generation(const imactl_evm_meta *m)
{
	return m->generation;
}
uint32_t imactl_evm_meta_uid(const imactl_evm_meta *m)
{
	return m->uid;
}
uint32_t imactl_evm_meta_gid(const imactl_evm_meta *m)
{
	return m->gid;
}
uint16_t imactl_evm_meta_mode(const imactl_evm_meta *m)
{
	return m->mode;
}
const uint8_t *imactl_evm_meta_uuid(const imactl_evm_meta *m)
{
	return m->has_uuid ? m->uuid : NULL;
}
size_t imactl_evm_meta_nxattrs(const imactl_evm_meta *m)
{
	return N_EVM_XATTRS;
}
const char *imactl_evm_meta_xattr(const imactl_evm_meta *m, size_t i, const uint8_t **ret_value,
				  size_t *ret_len)
{
	if (i >= N_EVM_XATTRS)
		return NULL;
	*ret_value = covered(m, i) ? m->value[i] : NULL;
	*ret_len = m->len[i];
	return evm_xattrs[i].name;
}

int imactl_evm_meta_from_fd(int fd, unsigned flags, imactl_evm_meta **ret, imactl_diag *reterr)
{
	_cleanup_(imactl_evm_meta_freep) imactl_evm_meta *m = NULL;
	uint8_t buf[IMACTL_XATTR_MAX];
	struct stat st;
	int r = imactl_evm_meta_new(flags, &m);

	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return diag_fail(reterr, -errno, "fstat: %m");
	m->ino = (uint64_t)st.st_ino;
	m->uid = st.st_uid;
	m->gid = st.st_gid;
	m->mode = (uint16_t)st.st_mode;
	if (!(flags & IMACTL_EVM_NO_GENERATION)) {
		int gen = 0;
		/* FS_IOC_GETVERSION returns the inode's i_generation (an int). */
		if (ioctl(fd, FS_IOC_GETVERSION, &gen) < 0 &&
		    (flags & IMACTL_EVM_GENERATION_OPTIONAL))
			gen = 0;
		else if (ioctl(fd, FS_IOC_GETVERSION, &gen) < 0)
			return diag_fail(
				reterr, -EOPNOTSUPP,
				"cannot read the inode generation (FS_IOC_GETVERSION: %m): "
				"give it with --generation, or sign --portable");
		m->generation = (uint32_t)gen;
	}
	for (size_t i = 0; i < N_EVM_XATTRS; i++) {
		const char *name = evm_xattrs[i].name;
		long n;
		if (!covered(m, i))
			continue;
		if ((flags & IMACTL_EVM_USER_IMA) && !strcmp(name, IMACTL_XATTR_IMA))
			name = "user.ima";
		n = imactl_xattr_get(fd, name, buf, sizeof(buf));
		if (n == -ENODATA || n == -EOPNOTSUPP)
			continue;
		if (n < 0)
			return diag_fail(reterr, (int)n, "cannot read %s: %s", name,
					 strerror((int)-n));
		r = imactl_evm_meta_set_xattr(m, evm_xattrs[i].name, buf, (size_t)n);
		if (r < 0)
			return r;
	}
	if (!(flags & IMACTL_EVM_NO_UUID)) {
		r = imactl_fs_uuid_fd(fd, m->uuid, reterr);
		if (r < 0)
			return r;
		m->has_uuid = 1;
	}
	*ret = TAKE_PTR(m);
	return 0;
}

size_t imactl_evm_misc(const imactl_evm_meta *m, uint8_t type, enum imactl_evm_abi abi,
		       uint8_t *out)
{
	/* mirrors hmac_add_misc(): zero-filled struct, ino/generation zero for portable */
	int portable = type == IMACTL_XATTR_PORTABLE_DIGSIG;
	uint64_t ino = portable ? 0 : m->ino;
	uint32_t gen = portable ? 0 : m->generation;
	size_t off;

	if (abi == IMACTL_EVM_ABI_NATIVE)
		abi = sizeof(unsigned long) == 8 ? IMACTL_EVM_ABI_64 : IMACTL_EVM_ABI_32;
	memset(out, 0, 24);
	if (abi == IMACTL_EVM_ABI_64) {
		store_le64(out, ino);
		off = 8;
	} else {
		store_le32(out, (uint32_t)ino);
		off = 4;
	}
	store_le32(out + off, gen);
	store_le32(out + off + 4, m->uid);
	store_le32(out + off + 8, m->gid);
	store_le16(out + off + 12, m->mode);
	/* struct padding: to 8-byte alignment (24) on 64-bit, 4-byte (20) on 32-bit */
	return abi == IMACTL_EVM_ABI_64 ? 24 : 20;
}

static int feed(EVP_MD_CTX *md, EVP_MAC_CTX *mac, const uint8_t *p, size_t n)
{
	return md ? EVP_DigestUpdate(md, p, n) : EVP_MAC_update(mac, p, n);
}

int imactl_evm_digest(imactl_ctx *ctx, const imactl_evm_meta *m, uint8_t type, int algo,
		      enum imactl_evm_abi abi, const uint8_t *hmac_key, size_t hmac_key_len,
		      uint8_t *out, size_t *ret_len, imactl_diag *reterr)
{
	EVP_MD_CTX *md = NULL;
	EVP_MAC *macalg = NULL;
	EVP_MAC_CTX *mac = NULL;
	uint8_t misc[24];
	uint8_t padded_key[IMACTL_EVM_HMAC_KEY_MAX];
	size_t misc_len;
	int ima_present = 0, ok = 1, r = 0;

	if (type == IMACTL_XATTR_HMAC) {
		OSSL_PARAM params[2] = {
			OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0),
			OSSL_PARAM_construct_end(),
		};
		if (!hmac_key || hmac_key_len == 0)
			return diag_fail(reterr, -ENOKEY, "no EVM HMAC key");
		if (hmac_key_len > IMACTL_EVM_HMAC_KEY_MAX)
			return diag_fail(reterr, -EMSGSIZE,
					 "EVM HMAC key of %zu bytes is over the kernel's %d",
					 hmac_key_len, IMACTL_EVM_HMAC_KEY_MAX);
		/*
		 * evm_set_key() copies the plaintext into evmkey[MAX_KEY_SIZE] and
		 * init_desc() keys the HMAC with all MAX_KEY_SIZE (128) bytes: the key
		 * is the plaintext zero-padded to 128 bytes, which (being longer than
		 * SHA-1's block) is not the same HMAC as keying with the plaintext.
		 * Confirmed on Debian's 6.1 kernel by tests/kernel/run-evm.sh.
		 */
		memset(padded_key, 0, sizeof(padded_key));
		memcpy(padded_key, hmac_key, hmac_key_len);
		macalg = EVP_MAC_fetch(ctx->libctx, "HMAC", ctx->propq);
		mac = macalg ? EVP_MAC_CTX_new(macalg) : NULL;
		if (!mac || !EVP_MAC_init(mac, padded_key, sizeof(padded_key), params)) {
			r = diag_fail_ossl(reterr, -EOPNOTSUPP, "HMAC-SHA1 unavailable");
			goto out;
		}
	} else if (type == IMACTL_XATTR_DIGSIG || type == IMACTL_XATTR_PORTABLE_DIGSIG) {
		const EVP_MD *evp = ctx_md(ctx, algo);
		if (!evp)
			return diag_fail(reterr, -EOPNOTSUPP,
					 "hash algorithm '%s' is not available",
					 imactl_hash_name(algo) ? imactl_hash_name(algo) : "?");
		md = EVP_MD_CTX_new();
		if (!md || !EVP_DigestInit_ex2(md, evp, NULL)) {
			r = diag_fail_ossl(reterr, -ENOMEM, "digest init failed");
			goto out;
		}
	} else {
		return diag_fail(reterr, -EINVAL, "type 0x%02x is not an EVM type", type);
	}

	for (size_t i = 0; i < N_EVM_XATTRS; i++) {
		if (!covered(m, i) || !m->value[i])
			continue;
		ok &= feed(md, mac, m->value[i], m->len[i]);
		if (!strcmp(evm_xattrs[i].name, IMACTL_XATTR_IMA))
			ima_present = 1;
	}
	misc_len = imactl_evm_misc(m, type, abi, misc);
	ok &= feed(md, mac, misc, misc_len);
	if (m->has_uuid && type != IMACTL_XATTR_PORTABLE_DIGSIG)
		ok &= feed(md, mac, m->uuid, 16);
	if (type == IMACTL_XATTR_PORTABLE_DIGSIG && !ima_present) {
		r = diag_fail(reterr, -EPERM,
			      "a portable EVM signature must cover security.ima, and the file has "
			      "none (hash or sign its content first, or give --ima)");
		goto out;
	}
	if (md) {
		unsigned int n = 0;
		ok &= EVP_DigestFinal_ex(md, out, &n);
		*ret_len = n;
	} else {
		size_t n = 0;
		ok &= EVP_MAC_final(mac, out, &n, IMACTL_MAX_DIGEST_SIZE);
		*ret_len = n;
	}
	if (!ok)
		r = diag_fail_ossl(reterr, -ENOMEM, "digest failed");
out:
	OPENSSL_cleanse(padded_key, sizeof(padded_key));
	EVP_MD_CTX_free(md);
	EVP_MAC_CTX_free(mac);
	EVP_MAC_free(macalg);
	return r;
}

int imactl_evm_hmac(imactl_ctx *ctx, const imactl_evm_meta *m, enum imactl_evm_abi abi,
		    const uint8_t *key, size_t key_len, uint8_t *out, imactl_diag *reterr)
{
	size_t n = 0;
	int r = imactl_evm_digest(ctx, m, IMACTL_XATTR_HMAC, IMACTL_HASH_SHA1, abi, key, key_len,
				  out + 1, &n, reterr);

	if (r < 0)
		return r;
	out[0] = IMACTL_XATTR_HMAC;
	return 0;
}

int imactl_evm_sign(imactl_ctx *ctx, const imactl_evm_meta *m, const imactl_key *key, uint8_t type,
		    int algo, enum imactl_evm_abi abi, uint8_t *out, size_t *ret_len,
		    imactl_diag *reterr)
{
	uint8_t d[IMACTL_MAX_DIGEST_SIZE];
	size_t n = 0;
	int r;

	if (type != IMACTL_XATTR_DIGSIG && type != IMACTL_XATTR_PORTABLE_DIGSIG)
		return diag_fail(reterr, -EINVAL, "EVM signatures are type 0x03 or 0x05");
	r = imactl_evm_digest(ctx, m, type, algo, abi, NULL, 0, d, &n, reterr);
	if (r < 0)
		return r;
	return imactl_sig_sign(ctx, key, type, algo, d, n, out, ret_len, reterr);
}

int imactl_evm_verify(imactl_ctx *ctx, const imactl_evm_meta *m, const uint8_t *value, size_t len,
		      const imactl_keyring *keyring, const uint8_t *hmac_key, size_t hmac_key_len,
		      enum imactl_evm_abi abi, imactl_diag *reterr)
{
	imactl_xattr_view v;
	uint8_t d[IMACTL_MAX_DIGEST_SIZE];
	size_t n = 0;
	int r = imactl_xattr_decode(value, len, &v, reterr);

	if (r < 0)
		return r;
	switch (v.type) {
	case IMACTL_XATTR_HMAC:
		r = imactl_evm_digest(ctx, m, IMACTL_XATTR_HMAC, IMACTL_HASH_SHA1, abi, hmac_key,
				      hmac_key_len, d, &n, reterr);
		if (r < 0)
			return r;
		if (CRYPTO_memcmp(d, v.digest, IMACTL_EVM_HMAC_LEN) != 0)
			return diag_fail(reterr, -EKEYREJECTED,
					 "HMAC does not match the metadata (invalid-HMAC)");
		return 0;
	case IMACTL_XATTR_DIGSIG:
	case IMACTL_XATTR_PORTABLE_DIGSIG:
		if (v.version != 2)
			return diag_fail(reterr, -EOPNOTSUPP,
					 "EVM signature version %u: the kernel verifies only v2",
					 v.version);
		r = imactl_evm_digest(ctx, m, v.type, v.hash_algo, abi, NULL, 0, d, &n, reterr);
		if (r < 0)
			return r;
		if (!keyring)
			return diag_fail(reterr, -ENOKEY,
					 "signed with key %08x, and no keys were given", v.keyid);
		return imactl_sig_verify(ctx, keyring, value, len, d, n, NULL, reterr);
	default:
		return diag_fail(reterr, -EOPNOTSUPP, "a %s value is not an EVM value",
				 imactl_xattr_type_name(v.type));
	}
}
