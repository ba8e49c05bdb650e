/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "diag.h"
#include "imactl/digest.h"
#include "imactl/xattr.h"
#include "util/bytes.h"

const char *imactl_xattr_type_name(uint8_t type)
{
	switch (type) {
	case IMACTL_XATTR_DIGEST:
		return "digest";
	case IMACTL_XATTR_HMAC:
		return "hmac";
	case IMACTL_XATTR_DIGSIG:
		return "digsig";
	case IMACTL_XATTR_DIGEST_NG:
		return "digest-ng";
	case IMACTL_XATTR_PORTABLE_DIGSIG:
		return "portable-digsig";
	case IMACTL_XATTR_VERITY_DIGSIG:
		return "verity-digsig";
	default:
		return "unknown";
	}
}

static int count_zero_tail(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int decode_sig_v2(const uint8_t *v, size_t len, imactl_xattr_view *out, imactl_diag *d)
{
	size_t sig_size, need;

	if (len < IMACTL_SIG_V2_HDR_LEN)
		return diag_fail_at(d, -EBADMSG, len, "truncated signature header: %zu of %d bytes",
				    len, IMACTL_SIG_V2_HDR_LEN);
	out->hash_algo = v[2];
	if (!imactl_hash_name(v[2]))
		return diag_fail_at(d, -EOPNOTSUPP, 2, "unknown hash algorithm id %u", v[2]);
	out->keyid = load_be32(v + 3);
	sig_size = load_be16(v + 7);
	need = IMACTL_SIG_V2_HDR_LEN + sig_size;
	if (sig_size == 0)
		return diag_fail_at(d, -EBADMSG, 7, "signature length field is 0");
	if (len < need)
		return diag_fail_at(d, -EBADMSG, len,
				    "truncated signature: length field says %zu bytes, %zu present",
				    sig_size, len - IMACTL_SIG_V2_HDR_LEN);
	if (len > need) {
		if (count_zero_tail(v + need, len - need))
			return diag_fail_at(
				d, -EBADMSG, need,
				"zero-padded: %zu zero bytes after the %zu-byte signature "
				"(the kernel rejects padded values)",
				len - need, sig_size);
		return diag_fail_at(d, -EBADMSG, need,
				    "%zu trailing bytes after the %zu-byte signature (length field "
				    "wrong?)",
				    len - need, sig_size);
	}
	out->sig = v + IMACTL_SIG_V2_HDR_LEN;
	out->sig_len = sig_size;
	return 0;
}

/* v1 (legacy RSA, lib/digsig.c): version ts[4] pkalgo hash keyid[8] nmpi, MPI = bits[2,BE] bytes */
static int decode_sig_v1(const uint8_t *v, size_t len, imactl_xattr_view *out, imactl_diag *d)
{
	size_t bits, bytes;

	if (len < IMACTL_SIG_V1_HDR_LEN + 3)
		return diag_fail_at(d, -EBADMSG, len, "truncated v1 signature header: %zu bytes",
				    len);
	memcpy(&out->timestamp_v1, v + 2, 4);
	if (v[6] != 0)
		return diag_fail_at(d, -EOPNOTSUPP, 6,
				    "v1 signature: unknown public key algorithm %u", v[6]);
	/* v1 hash field: 0 = sha1, 1 = sha256 (ima-evm-utils enum digest_algo). */
	if (v[7] == 0)
		out->hash_algo = IMACTL_HASH_SHA1;
	else if (v[7] == 1)
		out->hash_algo = IMACTL_HASH_SHA256;
	else
		return diag_fail_at(d, -EOPNOTSUPP, 7, "v1 signature: unknown hash %u", v[7]);
	memcpy(out->keyid_v1, v + 8, 8);
	if (v[16] != 1)
		return diag_fail_at(d, -EBADMSG, 16, "v1 signature: %u MPIs, expected 1", v[16]);
	bits = load_be16(v + IMACTL_SIG_V1_HDR_LEN);
	bytes = (bits + 7) / 8;
	if (bytes == 0 || len != IMACTL_SIG_V1_HDR_LEN + 2 + bytes)
		return diag_fail_at(d, -EBADMSG, IMACTL_SIG_V1_HDR_LEN,
				    "v1 signature: MPI of %zu bits does not fit %zu bytes", bits,
				    len - IMACTL_SIG_V1_HDR_LEN - 2);
	out->sig = v + IMACTL_SIG_V1_HDR_LEN + 2;
	out->sig_len = bytes;
	return 0;
}

int imactl_xattr_decode(const uint8_t *v, size_t len, imactl_xattr_view *ret, imactl_diag *d)
{
	imactl_xattr_view out = {.hash_algo = -1};
	size_t dsz;
	int r;

	if (len < 1)
		return diag_fail_at(d, -EBADMSG, 0, "empty value");
	if (len > IMACTL_XATTR_MAX)
		return diag_fail(d, -EMSGSIZE, "value of %zu bytes is over %d", len,
				 IMACTL_XATTR_MAX);
	out.type = v[0];
	switch (v[0]) {
	case IMACTL_XATTR_DIGEST:
		/*
		 * The kernel infers the algorithm from the length (ima_get_hash_algo()):
		 * 21 bytes are sha1, unless the last 4 are zero: an md5 digest as old
		 * versions stored it (20-byte field); 17 bytes are md5.
		 */
		if (len == 1 + 20 && (v[17] | v[18] | v[19] | v[20]) == 0) {
			out.hash_algo = IMACTL_HASH_MD5;
			out.trailing = 4;
		} else if (len == 1 + 20) {
			out.hash_algo = IMACTL_HASH_SHA1;
		} else if (len == 1 + 16) {
			out.hash_algo = IMACTL_HASH_MD5;
		} else {
			return diag_fail_at(
				d, -EBADMSG, len,
				"legacy digest of %zu bytes: neither sha1 (20) nor md5 (16)",
				len - 1);
		}
		out.digest = v + 1;
		out.digest_len = imactl_hash_size(out.hash_algo);
		break;
	case IMACTL_XATTR_HMAC:
		if (len != 1 + 20)
			return diag_fail_at(d, -EBADMSG, len,
					    "EVM HMAC of %zu bytes, expected 20 (HMAC-SHA1)",
					    len - 1);
		out.hash_algo = IMACTL_HASH_SHA1;
		out.digest = v + 1;
		out.digest_len = 20;
		break;
	case IMACTL_XATTR_DIGEST_NG:
		if (len < 2)
			return diag_fail_at(d, -EBADMSG, 1, "truncated: no hash algorithm byte");
		dsz = imactl_hash_size(v[1]);
		if (!dsz)
			return diag_fail_at(d, -EOPNOTSUPP, 1, "unknown hash algorithm id %u",
					    v[1]);
		/* A longer value is accepted: the kernel compares the digest-size prefix
		 * (ima_appraise_measurement(): "xattr length may be longer"). */
		if (len < 2 + dsz)
			return diag_fail_at(d, -EBADMSG, len,
					    "%s digest of %zu bytes, expected %zu",
					    imactl_hash_name(v[1]), len - 2, dsz);
		out.trailing = len - 2 - dsz;
		out.hash_algo = v[1];
		out.digest = v + 2;
		out.digest_len = dsz;
		break;
	case IMACTL_XATTR_DIGSIG:
	case IMACTL_XATTR_PORTABLE_DIGSIG:
	case IMACTL_XATTR_VERITY_DIGSIG:
		if (len < 2)
			return diag_fail_at(d, -EBADMSG, 1, "truncated: no signature version byte");
		out.version = v[1];
		if (v[0] == IMACTL_XATTR_VERITY_DIGSIG && v[1] != 3)
			return diag_fail_at(d, -EOPNOTSUPP, 1,
					    "verity signature version %u, expected 3", v[1]);
		if (v[0] == IMACTL_XATTR_PORTABLE_DIGSIG && v[1] != 2)
			return diag_fail_at(d, -EOPNOTSUPP, 1,
					    "portable signature version %u, expected 2", v[1]);
		if (v[0] == IMACTL_XATTR_DIGSIG && v[1] >= 3)
			return diag_fail_at(
				d, -EOPNOTSUPP, 1,
				"signature version %u in a type-0x03 value: the kernel "
				"rejects it (invalid-signature-version); version 3 belongs "
				"to type 0x06",
				v[1]);
		if (v[1] == 1 && v[0] == IMACTL_XATTR_DIGSIG)
			r = decode_sig_v1(v, len, &out, d);
		else if (v[1] == 2 || v[1] == 3)
			r = decode_sig_v2(v, len, &out, d);
		else
			return diag_fail_at(d, -EOPNOTSUPP, 1, "unknown signature version %u",
					    v[1]);
		if (r < 0)
			return r;
		break;
	default:
		return diag_fail_at(d, -EOPNOTSUPP, 0, "unknown type 0x%02x", v[0]);
	}
	*ret = out;
	return 0;
}

int imactl_xattr_encode_hash(int algo, const uint8_t *digest, unsigned flags, uint8_t *out,
			     size_t *ret_len)
{
	size_t dsz = imactl_hash_size(algo);

	if (!dsz)
		return -EOPNOTSUPP;
	if (algo == IMACTL_HASH_SHA1 ||
	    (algo == IMACTL_HASH_MD5 && (flags & IMACTL_XATTR_LEGACY_MD5))) {
		out[0] = IMACTL_XATTR_DIGEST;
		memcpy(out + 1, digest, dsz);
		*ret_len = 1 + dsz;
		return 0;
	}
	out[0] = IMACTL_XATTR_DIGEST_NG;
	out[1] = (uint8_t)algo;
	memcpy(out + 2, digest, dsz);
	*ret_len = 2 + dsz;
	return 0;
}

int imactl_xattr_encode_sig(uint8_t type, int algo, uint32_t keyid, const uint8_t *sig,
			    size_t sig_len, uint8_t *out, size_t cap, size_t *ret_len)
{
	uint8_t version;

	if (type == IMACTL_XATTR_DIGSIG || type == IMACTL_XATTR_PORTABLE_DIGSIG)
		version = 2;
	else if (type == IMACTL_XATTR_VERITY_DIGSIG)
		version = 3;
	else
		return -EINVAL;
	if (!imactl_hash_name(algo))
		return -EOPNOTSUPP;
	if (sig_len == 0 || sig_len > 0xffff || cap < IMACTL_SIG_V2_HDR_LEN + sig_len)
		return -EMSGSIZE;
	out[0] = type;
	out[1] = version;
	out[2] = (uint8_t)algo;
	store_be32(out + 3, keyid);
	store_be16(out + 7, (uint16_t)sig_len);
	memmove(out + IMACTL_SIG_V2_HDR_LEN, sig, sig_len);
	*ret_len = IMACTL_SIG_V2_HDR_LEN + sig_len;
	return 0;
}
