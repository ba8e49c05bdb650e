/* SPDX-License-Identifier: MIT */
/*
 * What the kernel's appraisal would find on a file, with its audit cause.
 * Each step names the 6.17 function it mirrors (security/integrity/ima/
 * ima_appraise.c, ima_api.c, evm/evm_main.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "diag.h"
#include "imactl/digest.h"
#include "imactl/evm.h"
#include "imactl/ima.h"
#include "imactl/inspect.h"
#include "imactl/key.h"
#include "imactl/sig.h"
#include "imactl/xattr.h"
#include "util/bytes.h"
#include "util/cleanup.h"

static const char *const evm_status_names[] = {
	/* integrity_status_msg[] in evm_main.c */
	"pass", "pass_immutable", "fail", "fail_immutable", "no_label", "no_xattrs", "unknown",
};

const char *imactl_evm_status_name(enum imactl_evm_status s)
{
	if ((unsigned)s >= ELEMENTSOF(evm_status_names))
		return "unknown";
	return evm_status_names[s];
}

int imactl_ima_kernel_hash_algo(const uint8_t *v, size_t len, int default_algo)
{
	/* mirrors ima_get_hash_algo() */
	if (!v || len < 2)
		return default_algo;
	switch (v[0]) {
	case IMACTL_XATTR_VERITY_DIGSIG:
		if (v[1] != 3 || len <= IMACTL_SIG_V2_HDR_LEN || !imactl_hash_name(v[2]))
			return default_algo;
		return v[2];
	case IMACTL_XATTR_DIGSIG:
		if (v[1] != 2 || len <= IMACTL_SIG_V2_HDR_LEN || !imactl_hash_name(v[2]))
			return default_algo;
		return v[2];
	case IMACTL_XATTR_DIGEST_NG:
		if (imactl_hash_name(v[1]))
			return v[1];
		break;
	case IMACTL_XATTR_DIGEST:
		if (len == 21) {
			static const uint8_t zero[4];
			return memcmp(v + 17, zero, 4) == 0 ? IMACTL_HASH_MD5 : IMACTL_HASH_SHA1;
		}
		if (len == 17)
			return IMACTL_HASH_MD5;
		break;
	}
	return default_algo;
}

static void fail(imactl_explain_result *r, const char *op, const char *cause, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(imactl_explain_result *r, const char *op, const char *cause, const char *fmt, ...)
{
	va_list ap;

	r->pass = 0;
	r->op = op;
	r->cause = cause;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

/* As fail(), keeping the detail already written. */
static void fail_keep(imactl_explain_result *r, const char *op, const char *cause)
{
	r->pass = 0;
	r->op = op;
	r->cause = cause;
}

/* A verification verdict (the file's fault) rather than an operational error. */
static int is_verdict(int rc)
{
	return rc == -EKEYREJECTED || rc == -ENOKEY || rc == -EBADMSG || rc == -EOPNOTSUPP ||
	       rc == -EPERM || rc == -EINVAL;
}

/* mirrors evm_verify_hmac(): the status of security.evm for this file now */
static int evm_status(imactl_ctx *ctx, int fd, const imactl_explain_opts *o,
		      imactl_explain_result *r, imactl_diag *reterr)
{
	imactl_evm_meta *m = NULL;
	const char *evm_name =
		(o->flags & IMACTL_EXPLAIN_USER_XATTRS) ? "user.evm" : "security.evm";
	unsigned int mflags = o->evm_flags;
	_cleanup_free_ uint8_t *buf = malloc(IMACTL_XATTR_MAX);
	imactl_diag d = {0};
	long n;
	int rc;

	if (!buf)
		return -ENOMEM;
	if (o->flags & IMACTL_EXPLAIN_USER_XATTRS)
		mflags |= IMACTL_EVM_USER_IMA;
	if (o->fs_uuid)
		mflags |= IMACTL_EVM_NO_UUID;
	rc = imactl_evm_meta_from_fd(fd, mflags, &m, reterr);
	if (rc < 0)
		return rc;
	if (o->fs_uuid)
		imactl_evm_meta_set_uuid(m, o->fs_uuid);

	n = imactl_xattr_get(fd, evm_name, buf, IMACTL_XATTR_MAX);
	if (n == -ENODATA || n == -EOPNOTSUPP || n == 0) {
		size_t present = 0;
		for (size_t i = 0; i < imactl_evm_meta_nxattrs(m); i++) {
			const uint8_t *val;
			size_t vl;
			if (imactl_evm_meta_xattr(m, i, &val, &vl) && val)
				present++;
		}
		r->evm_status = present ? IMACTL_EVM_NOLABEL : IMACTL_EVM_NOXATTRS;
		snprintf(r->detail, sizeof(r->detail), "no %s, %zu protected xattr(s) present",
			 evm_name, present);
		imactl_evm_meta_free(m);
		return 0;
	}
	if (n < 0) {
		imactl_evm_meta_free(m);
		return diag_fail(reterr, (int)n, "cannot read %s: %s", evm_name, strerror((int)-n));
	}
	r->evm_checked = 1;
	switch (buf[0]) {
	case IMACTL_XATTR_HMAC:
		if (n != 1 + IMACTL_EVM_HMAC_LEN) {
			r->evm_status = IMACTL_EVM_FAIL;
			r->evm_rc = -EBADMSG;
			snprintf(r->detail, sizeof(r->detail), "%s HMAC of %ld bytes, not 20",
				 evm_name, n - 1);
			break;
		}
		if (!o->hmac_key) {
			/* the kernel would check it; we cannot without the key */
			r->evm_checked = 0;
			r->evm_status = IMACTL_EVM_UNKNOWN;
			snprintf(r->detail, sizeof(r->detail),
				 "%s is an HMAC; not checked (no HMAC key given)", evm_name);
			break;
		}
		/* fall through */
	case IMACTL_XATTR_DIGSIG:
	case IMACTL_XATTR_PORTABLE_DIGSIG:
		if (buf[0] != IMACTL_XATTR_HMAC && n <= IMACTL_SIG_V2_HDR_LEN) {
			r->evm_rc = -EBADMSG;
			r->evm_status = IMACTL_EVM_FAIL;
			snprintf(r->detail, sizeof(r->detail), "%s signature of %ld bytes is empty",
				 evm_name, n);
			break;
		}
		rc = imactl_evm_verify(ctx, m, buf, (size_t)n, o->keyring, o->hmac_key,
				       o->hmac_key_len, IMACTL_EVM_ABI_NATIVE, &d);
		r->evm_rc = rc;
		if (rc == 0) {
			r->evm_status = buf[0] == IMACTL_XATTR_PORTABLE_DIGSIG
						? IMACTL_EVM_PASS_IMMUTABLE
						: IMACTL_EVM_PASS;
		} else if (is_verdict(rc)) {
			r->evm_status = buf[0] == IMACTL_XATTR_PORTABLE_DIGSIG
						? IMACTL_EVM_FAIL_IMMUTABLE
						: IMACTL_EVM_FAIL;
			snprintf(r->detail, sizeof(r->detail), "%s: %.400s", evm_name, d.msg);
		} else {
			imactl_evm_meta_free(m);
			if (reterr)
				*reterr = d;
			return rc;
		}
		break;
	default:
		r->evm_rc = -EINVAL;
		r->evm_status = IMACTL_EVM_FAIL;
		snprintf(r->detail, sizeof(r->detail), "%s has type 0x%02x, not an EVM type",
			 evm_name, buf[0]);
		break;
	}
	imactl_evm_meta_free(m);
	return 0;
}

static void note_key(const imactl_explain_opts *o, imactl_explain_result *r, const uint8_t *v,
		     size_t n)
{
	if (n >= 7 && (v[0] == IMACTL_XATTR_DIGSIG || v[0] == IMACTL_XATTR_VERITY_DIGSIG) &&
	    v[1] >= 2) {
		r->has_keyid = 1;
		r->keyid = load_be32(v + 3);
		if (o->keyring)
			r->key = imactl_keyring_find(o->keyring, r->keyid);
	} else if (n >= 16 && v[0] == IMACTL_XATTR_DIGSIG && v[1] == 1 && o->keyring) {
		r->key = imactl_keyring_find_v1(o->keyring, v + 8);
	}
}

int imactl_explain_appraise_fd(imactl_ctx *ctx, int fd, const imactl_explain_opts *o,
			       imactl_explain_result *ret, imactl_diag *reterr)
{
	imactl_explain_result r;
	const char *ima_name =
		(o->flags & IMACTL_EXPLAIN_USER_XATTRS) ? "user.ima" : IMACTL_XATTR_IMA;
	int digsig = !!(o->flags & IMACTL_EXPLAIN_DIGSIG_REQUIRED);
	int verity = !!(o->flags & IMACTL_EXPLAIN_VERITY_REQUIRED);
	_cleanup_free_ uint8_t *v = malloc(IMACTL_XATTR_MAX);
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE], vdigest[IMACTL_MAX_DIGEST_SIZE];
	int valgo = -1;
	imactl_diag d = {0};
	long n;
	int rc;

	if (!v)
		return -ENOMEM;
	memset(&r, 0, sizeof(r));
	r.pass = 1;
	r.content_match = -1;
	r.sig_rc = 1;
	r.evm_status = IMACTL_EVM_UNKNOWN;
	r.hash_algo = o->default_algo;

	n = imactl_xattr_get(fd, ima_name, v, IMACTL_XATTR_MAX);
	if (n < 0 && n != -ENODATA && n != -EOPNOTSUPP)
		return diag_fail(reterr, (int)n, "cannot read %s: %s", ima_name, strerror((int)-n));
	if (n > 0) {
		r.ima_present = 1;
		r.ima_len = (int)n;
		r.ima_type = v[0];
		r.hash_algo = imactl_ima_kernel_hash_algo(v, (size_t)n, o->default_algo);
		note_key(o, &r, v, (size_t)n);
	}

	/* ima_collect_measurement(): a verity rule needs the fs-verity digest first */
	if (verity) {
		rc = imactl_verity_digest_fd(fd, &valgo, vdigest, &d);
		if (rc == -ENODATA || rc == -EOPNOTSUPP) {
			fail(&r, "collect_data", "no-verity-digest",
			     "the rule has digest_type=verity and the file has no fs-verity "
			     "digest (%s)",
			     d.msg);
			goto out;
		}
		if (rc < 0) {
			if (reterr)
				*reterr = d;
			return rc;
		}
		r.hash_algo = valgo;
	}

	/* ima_appraise_measurement(): no xattr */
	if (!r.ima_present) {
		if (digsig)
			fail(&r, "appraise_data",
			     verity ? "verity-signature-required" : "IMA-signature-required",
			     "no %s, and the rule requires a %s", ima_name,
			     verity ? "fs-verity signature (sigv3)" : "signature (imasig)");
		else
			fail(&r, "appraise_data", "missing-hash", "no %s", ima_name);
		goto out;
	}

	/* evm_verifyxattr(): only when EVM has a key */
	if (o->flags & IMACTL_EXPLAIN_EVM_ACTIVE) {
		rc = evm_status(ctx, fd, o, &r, reterr);
		if (rc < 0)
			return rc;
		switch (r.evm_status) {
		case IMACTL_EVM_NOXATTRS:
		case IMACTL_EVM_NOLABEL:
			fail_keep(&r, "appraise_data", "missing-HMAC");
			goto out;
		case IMACTL_EVM_FAIL_IMMUTABLE:
			fail_keep(&r, "appraise_data", "invalid-fail-immutable");
			goto out;
		case IMACTL_EVM_FAIL:
			fail_keep(&r, "appraise_data", "invalid-HMAC");
			goto out;
		default:
			r.detail[0] = '\0';
			break;
		}
	}

	/* xattr_verify() */
	switch (v[0]) {
	case IMACTL_XATTR_DIGEST:
	case IMACTL_XATTR_DIGEST_NG: {
		size_t start = v[0] == IMACTL_XATTR_DIGEST_NG ? 2 : 1, hl;
		if (r.evm_status != IMACTL_EVM_PASS_IMMUTABLE && digsig) {
			fail(&r, "appraise_data",
			     verity ? "verity-signature-required" : "IMA-signature-required",
			     "%s holds a %s hash, and the rule requires a %s", ima_name,
			     imactl_hash_name(r.hash_algo) ? imactl_hash_name(r.hash_algo) : "?",
			     verity ? "fs-verity signature (sigv3)" : "signature (imasig)");
			goto out;
		}
		if (verity) {
			memcpy(digest, vdigest, imactl_hash_size(valgo));
		} else {
			rc = imactl_hash_fd(ctx, r.hash_algo, fd, digest, reterr);
			if (rc < 0)
				return rc;
		}
		hl = imactl_hash_size(r.hash_algo);
		/* the value may be longer than the digest (legacy md5 in 20 bytes) */
		r.content_match =
			(size_t)n - start >= hl && CRYPTO_memcmp(v + start, digest, hl) == 0;
		if (!r.content_match) {
			fail(&r, "appraise_data", "invalid-hash",
			     "the %s hash in %s does not match the content now",
			     imactl_hash_name(r.hash_algo), ima_name);
			goto out;
		}
		break;
	}
	case IMACTL_XATTR_DIGSIG: {
		imactl_appraisal a;
		if (digsig && verity) {
			fail(&r, "appraise_data", "verity-signature-required",
			     "%s holds a signature v%u, and the rule requires an fs-verity sigv3 "
			     "signature",
			     ima_name, n > 1 ? v[1] : 0);
			goto out;
		}
		if (n > 1 && v[1] >= 3) {
			fail(&r, "appraise_data", "invalid-signature-version",
			     "a type-0x03 value with signature version %u", v[1]);
			goto out;
		}
		if (n < 2 || v[1] == 0) {
			/* integrity_digsig_verify(): -EOPNOTSUPP leaves the cause "unknown" */
			fail(&r, "appraise_data", "unknown", "signature version %u is unknown",
			     n > 1 ? v[1] : 0);
			goto out;
		}
		rc = imactl_ima_appraise_fd(ctx, fd, o->keyring, v, (size_t)n, &a, &d);
		r.sig_rc = rc;
		if (rc == 0) {
			r.key = a.key;
			break;
		}
		if (!is_verdict(rc)) {
			if (reterr)
				*reterr = d;
			return rc;
		}
		fail(&r, "appraise_data", "invalid-signature", "%s", d.msg);
		goto out;
	}
	case IMACTL_XATTR_VERITY_DIGSIG: {
		imactl_appraisal a;
		if (digsig && !verity) {
			fail(&r, "appraise_data", "IMA-signature-required",
			     "%s holds an fs-verity signature, and the rule requires an imasig "
			     "signature (no digest_type=verity)",
			     ima_name);
			goto out;
		}
		if (n < 2 || v[1] != 3) {
			fail(&r, "appraise_data", "invalid-signature-version",
			     "a type-0x06 value with signature version %u", n > 1 ? v[1] : 0);
			goto out;
		}
		if (!verity) {
			/* the kernel signs the file id over the regular content hash then */
			uint8_t fid[IMACTL_MAX_DIGEST_SIZE];
			rc = imactl_hash_fd(ctx, r.hash_algo, fd, digest, reterr);
			if (rc < 0)
				return rc;
			rc = imactl_sig_file_id_digest(ctx, r.hash_algo, IMACTL_XATTR_VERITY_DIGSIG,
						       r.hash_algo, digest, fid, &d);
			if (rc < 0) {
				fail(&r, "appraise_data", "sigv3-hashing-error", "%s", d.msg);
				goto out;
			}
			rc = o->keyring
				     ? imactl_sig_verify(ctx, o->keyring, v, (size_t)n, fid,
							 imactl_hash_size(r.hash_algo), &r.key, &d)
				     : -ENOKEY;
		} else {
			rc = imactl_ima_appraise_fd(ctx, fd, o->keyring, v, (size_t)n, &a, &d);
			if (rc == 0)
				r.key = a.key;
		}
		r.sig_rc = rc;
		if (rc == 0)
			break;
		if (!is_verdict(rc)) {
			if (reterr)
				*reterr = d;
			return rc;
		}
		fail(&r, "appraise_data", "invalid-verity-signature", "%s",
		     d.msg[0] ? d.msg : "no keys were given");
		goto out;
	}
	default:
		fail(&r, "appraise_data", "unknown-ima-data",
		     "%s has type 0x%02x (%s), which does not appraise content", ima_name, v[0],
		     imactl_xattr_type_name(v[0]));
		goto out;
	}

	/* process_measurement(): appraise_algos= of the rule */
	if (o->appraise_algos && r.hash_algo >= 0 && r.hash_algo < 32 &&
	    !(o->appraise_algos & (1u << r.hash_algo))) {
		fail(&r, "collect_data", "denied-hash-algorithm",
		     "%s is not in the rule's appraise_algos=", imactl_hash_name(r.hash_algo));
		goto out;
	}
out:
	*ret = r;
	return 0;
}
