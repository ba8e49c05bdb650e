/* SPDX-License-Identifier: MIT */
/*
 * Collection and appraisal, in the kernel's order and with its audit causes:
 *
 *   imad_collect()  - ima_collect_measurement(): hash the content ONCE with
 *                     the algorithm security.ima names (ima_get_hash_algo()),
 *                     else ima_hash; the digest lives in the cache entry, so
 *                     the FAN_OPEN_PERM that follows every FAN_OPEN_EXEC_PERM,
 *                     and later opens, reuse it.
 *   imad_appraise() - ima_appraise_measurement(): no xattr (missing-hash /
 *                     IMA-signature-required), evm_verifyxattr() (missing-HMAC,
 *                     invalid-HMAC, invalid-fail-immutable), xattr_verify()
 *                     (invalid-hash, invalid-signature, ...), then
 *                     process_measurement()'s appraise_algos= check.
 *   imad_fix()      - ima_fix_xattr(): write the collected hash as the kernel
 *                     does (0x04 digest-ng, 0x01 for sha1); then, when an EVM
 *                     HMAC key is configured, the HMAC that evm_inode_post_setxattr()
 *                     would write.
 *
 * fs-verity (digest_type=verity) rules are delegated to the library's
 * imactl_explain_appraise_fd(), which reads the verity digest itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "imactl/inspect.h"
#include "imad.h"
#include "util/cleanup.h"

int imad_collect(struct imad *d, int fd, struct imad_entry *e, uint8_t *ima, long ima_len)
{
	int algo = d->hash_algo;
	int r;

	if (ima_len > 0) {
		algo = imactl_ima_kernel_hash_algo(ima, (size_t)ima_len, d->hash_algo);
		/* ima_get_hash_algo(): an algorithm the kernel lacks falls back to ima_hash */
		if (algo < 0 || !imactl_hash_available(d->ctx, algo))
			algo = d->hash_algo;
	}
	if (e->algo == algo)
		return 0;
	/* e->key.size: the event's fstat() of this regular file */
	r = imactl_hash_fd_size(d->ctx, algo, fd, e->key.size, e->digest, NULL);
	if (r < 0)
		return r;
	e->algo = algo;
	atomic_fetch_add(&d->st.hashed, 1);
	return 0;
}

static void fail(struct imad_appr *a, const char *op, const char *cause)
{
	a->pass = 0;
	a->op = op;
	a->cause = cause;
}

/* evm_verify_hmac() for security.ima's protection: returns the cause, NULL when it passes. */
static const char *evm_check(struct imad *d, int fd, int *immutable_pass, char *detail,
			     size_t detail_len)
{
	imactl_evm_meta *m = NULL;
	_cleanup_free_ uint8_t *buf = malloc(IMACTL_XATTR_MAX);
	imactl_diag diag = {0};
	const char *cause = NULL;
	long n;
	int r;

	*immutable_pass = 0;
	if (!buf)
		return "unknown";
	r = imactl_evm_meta_from_fd(fd, 0, &m, &diag);
	if (r < 0) {
		snprintf(detail, detail_len, "EVM metadata: %s", diag.msg);
		return "invalid-HMAC";
	}
	n = imactl_xattr_get(fd, IMACTL_XATTR_EVM, buf, IMACTL_XATTR_MAX);
	if (n <= 0) {
		/* INTEGRITY_NOLABEL or INTEGRITY_NOXATTRS: both give missing-HMAC */
		snprintf(detail, detail_len, "no security.evm");
		cause = "missing-HMAC";
		goto out;
	}
	if (buf[0] != IMACTL_XATTR_HMAC && buf[0] != IMACTL_XATTR_DIGSIG &&
	    buf[0] != IMACTL_XATTR_PORTABLE_DIGSIG) {
		snprintf(detail, detail_len, "security.evm has type 0x%02x", buf[0]);
		cause = "invalid-HMAC";
		goto out;
	}
	r = imactl_evm_verify(d->ctx, m, buf, (size_t)n, d->keys,
			      d->evm_key ? imactl_secret_data(d->evm_key) : NULL,
			      d->evm_key ? imactl_secret_len(d->evm_key) : 0, IMACTL_EVM_ABI_NATIVE,
			      &diag);
	if (r == 0) {
		*immutable_pass = buf[0] == IMACTL_XATTR_PORTABLE_DIGSIG;
		goto out;
	}
	snprintf(detail, detail_len, "security.evm: %s",
		 diag.msg[0] ? diag.msg : imactl_strerror(r));
	/* 6.1..6.17: a failed portable signature is INTEGRITY_FAIL_IMMUTABLE */
	cause = buf[0] == IMACTL_XATTR_PORTABLE_DIGSIG ? "invalid-fail-immutable" : "invalid-HMAC";
out:
	imactl_evm_meta_free(m);
	return cause;
}

static int appraise_verity(struct imad *d, int fd, const struct imad_appraise_in *in,
			   struct imad_appr *a, char *detail, size_t detail_len)
{
	imactl_explain_opts o = {0};
	imactl_explain_result res;
	imactl_diag diag = {0};
	int r;

	o.flags = IMACTL_EXPLAIN_VERITY_REQUIRED;
	if (in->flags & IMACTL_POLICY_DIGSIG_REQUIRED)
		o.flags |= IMACTL_EXPLAIN_DIGSIG_REQUIRED;
	if (d->evm_key)
		o.flags |= IMACTL_EXPLAIN_EVM_ACTIVE;
	o.appraise_algos = in->algos;
	o.default_algo = d->hash_algo;
	o.keyring = d->keys;
	o.hmac_key = d->evm_key ? imactl_secret_data(d->evm_key) : NULL;
	o.hmac_key_len = d->evm_key ? imactl_secret_len(d->evm_key) : 0;
	r = imactl_explain_appraise_fd(d->ctx, fd, &o, &res, &diag);
	if (r < 0) {
		snprintf(detail, detail_len, "%s", diag.msg);
		fail(a, "collect_data", "failed");
		return 0;
	}
	if (!res.pass) {
		fail(a, res.op, res.cause);
		snprintf(detail, detail_len, "%s", res.detail);
	}
	return 0;
}

int imad_appraise(struct imad *d, int fd, struct imad_entry *e, const uint8_t *v, long n,
		  const struct imad_appraise_in *in, struct imad_appr *a, char *detail,
		  size_t detail_len)
{
	int digsig = !!(in->flags & IMACTL_POLICY_DIGSIG_REQUIRED);
	int immutable = 0;
	const char *cause;
	imactl_diag diag = {0};

	memset(a, 0, sizeof(*a));
	a->valid = 1;
	a->pass = 1;
	a->flags = in->flags;
	a->algos = in->algos;
	a->evm = d->evm_key != NULL;
	detail[0] = '\0';

	if (in->flags & IMACTL_POLICY_VERITY_REQUIRED)
		return appraise_verity(d, fd, in, a, detail, detail_len);

	if (n <= 0) {
		/* ima_appraise_measurement(): a file this open created (IMA_NEW_FILE)
		 * passes without a value, as long as no signature is required or it is
		 * still empty.  fanotify does not say whether the open created the
		 * file: an empty file without security.ima whose ctime is under two
		 * seconds old is taken as new (documented approximation). */
		if (in->new_file)
			return 0;
		if (digsig)
			fail(a, "appraise_data", "IMA-signature-required");
		else
			fail(a, "appraise_data", "missing-hash");
		snprintf(detail, detail_len, "no security.ima%s",
			 digsig ? ", and the rule requires a signature (imasig)" : "");
		return 0;
	}

	/* evm_verifyxattr(): only when EVM is initialised (an HMAC key is loaded) */
	if (d->evm_key) {
		cause = evm_check(d, fd, &immutable, detail, detail_len);
		if (cause) {
			fail(a, "appraise_data", cause);
			return 0;
		}
	}

	switch (v[0]) {
	case IMACTL_XATTR_DIGEST:
	case IMACTL_XATTR_DIGEST_NG: {
		size_t start = v[0] == IMACTL_XATTR_DIGEST_NG ? 2 : 1;
		size_t hl = imactl_hash_size(e->algo);

		if (digsig && !immutable) {
			fail(a, "appraise_data", "IMA-signature-required");
			snprintf(detail, detail_len,
				 "security.ima holds a hash, and the rule requires a signature");
			return 0;
		}
		if ((v[0] == IMACTL_XATTR_DIGEST_NG && (n < 2 || v[1] != e->algo)) ||
		    (size_t)n - start < hl || CRYPTO_memcmp(v + start, e->digest, hl) != 0) {
			fail(a, "appraise_data", "invalid-hash");
			snprintf(detail, detail_len, "the %s hash does not match the content",
				 imactl_hash_name(e->algo));
			return 0;
		}
		break;
	}
	case IMACTL_XATTR_DIGSIG: {
		int r;

		if (n > 1 && v[1] >= 3) {
			fail(a, "appraise_data", "invalid-signature-version");
			return 0;
		}
		if (n < 2 || v[1] == 0) {
			fail(a, "appraise_data", "unknown");
			return 0;
		}
		r = d->keys ? imactl_sig_verify(d->ctx, d->keys, v, (size_t)n, e->digest,
						imactl_hash_size(e->algo), NULL, &diag)
			    : -ENOKEY;
		if (r < 0) {
			fail(a, "appraise_data", "invalid-signature");
			snprintf(detail, detail_len, "%s",
				 diag.msg[0] ? diag.msg : imactl_strerror(r));
			return 0;
		}
		break;
	}
	case IMACTL_XATTR_VERITY_DIGSIG:
		if (digsig) {
			fail(a, "appraise_data", "IMA-signature-required");
			snprintf(detail, detail_len,
				 "an fs-verity signature, and the rule has no digest_type=verity");
			return 0;
		}
		return appraise_verity(d, fd, in, a, detail, detail_len);
	default:
		fail(a, "appraise_data", "unknown-ima-data");
		snprintf(detail, detail_len, "security.ima has type 0x%02x (%s)", v[0],
			 imactl_xattr_type_name(v[0]));
		return 0;
	}

	if (in->algos && e->algo >= 0 && e->algo < 32 && !(in->algos & (1u << e->algo))) {
		fail(a, "collect_data", "denied-hash-algorithm");
		snprintf(detail, detail_len,
			 "%s is not in appraise_algos=", imactl_hash_name(e->algo));
	}
	return 0;
}

int imad_fix(struct imad *d, int fd, struct imad_entry *e, char *detail, size_t detail_len)
{
	uint8_t val[2 + IMACTL_MAX_DIGEST_SIZE];
	uint8_t evm[64];
	size_t len;
	long n;
	int r;

	r = imactl_xattr_encode_hash(e->algo, e->digest, 0, val, &len);
	if (r < 0)
		return r;
	if (d->evm_key) {
		/* evm_protect_xattr(): an immutable signature is never replaced, and
		 * without evm=fix a failing HMAC blocks the security.ima write */
		n = imactl_xattr_get(fd, IMACTL_XATTR_EVM, evm, sizeof(evm));
		if (n > 0 && evm[0] != IMACTL_XATTR_HMAC) {
			snprintf(detail, detail_len, "security.evm is a signature: not fixed");
			return -EPERM;
		}
	}
	r = imactl_xattr_set(fd, IMACTL_XATTR_IMA, val, len);
	if (r < 0) {
		snprintf(detail, detail_len, "cannot write security.ima: %s", strerror(-r));
		return r;
	}
	atomic_fetch_add(&d->st.fixed, 1);
	if (d->evm_key) {
		imactl_evm_meta *m = NULL;
		imactl_diag diag = {0};
		uint8_t hmac[1 + IMACTL_EVM_HMAC_LEN];

		r = imactl_evm_meta_from_fd(fd, 0, &m, &diag);
		if (r == 0)
			r = imactl_evm_hmac(d->ctx, m, IMACTL_EVM_ABI_NATIVE,
					    imactl_secret_data(d->evm_key),
					    imactl_secret_len(d->evm_key), hmac, &diag);
		imactl_evm_meta_free(m);
		if (r == 0)
			r = imactl_xattr_set(fd, IMACTL_XATTR_EVM, hmac, sizeof(hmac));
		if (r < 0) {
			snprintf(detail, detail_len, "security.ima fixed, security.evm not: %s",
				 diag.msg[0] ? diag.msg : strerror(-r));
			return r;
		}
	}
	return 0;
}
