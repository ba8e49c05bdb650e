/* SPDX-License-Identifier: MIT */
/*
 * TPM 2.0 quotes: TPMS_ATTEST and TPMT_SIGNATURE parsers (pure, bounded,
 * big-endian as every TPM structure), the PCR digest, the AK signature.
 * See include/imactl/quote.h for the wire formats.
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ctx.h"
#include "diag.h"
#include "imactl/quote.h"
#include "key_internal.h"
#include "util/bytes.h"

/* TPM_ST values of the other attestation types, for a precise error. */
static const char *attest_type_name(uint16_t t)
{
	switch (t) {
	case 0x8014:
		return "TPM_ST_ATTEST_NV";
	case 0x8015:
		return "TPM_ST_ATTEST_COMMAND_AUDIT";
	case 0x8016:
		return "TPM_ST_ATTEST_SESSION_AUDIT";
	case 0x8017:
		return "TPM_ST_ATTEST_CERTIFY";
	case 0x8019:
		return "TPM_ST_ATTEST_TIME";
	case 0x801A:
		return "TPM_ST_ATTEST_CREATION";
	case 0x801C:
		return "TPM_ST_ATTEST_NV_DIGEST";
	default:
		return "unknown";
	}
}

static int rd_u8(struct cur *c, uint8_t *v)
{
	if (cur_left(c) < 1)
		return -EBADMSG;
	*v = *c->p++;
	return 0;
}

static int rd_be16(struct cur *c, uint16_t *v)
{
	if (cur_left(c) < 2)
		return -EBADMSG;
	*v = load_be16(c->p);
	c->p += 2;
	return 0;
}

static int rd_be32(struct cur *c, uint32_t *v)
{
	if (cur_left(c) < 4)
		return -EBADMSG;
	*v = load_be32(c->p);
	c->p += 4;
	return 0;
}

static int rd_be64(struct cur *c, uint64_t *v)
{
	if (cur_left(c) < 8)
		return -EBADMSG;
	*v = load_be64(c->p);
	c->p += 8;
	return 0;
}

/* A TPM2B: u16 size, then size bytes, at most @max, copied into @out. */
static int rd_tpm2b(struct cur *c, uint8_t *out, size_t max, size_t *ret_len, const char *what,
		    imactl_diag *d)
{
	size_t off = cur_off(c);
	uint16_t n;

	if (rd_be16(c, &n) < 0)
		return diag_fail_at(d, -EBADMSG, off, "quote: truncated in %s size", what);
	if (n > max)
		return diag_fail_at(d, -EBADMSG, off, "quote: %s of %u bytes (at most %zu)", what,
				    n, max);
	if (cur_left(c) < n)
		return diag_fail_at(d, -EBADMSG, off, "quote: %s of %u bytes truncated", what, n);
	memcpy(out, c->p, n);
	c->p += n;
	*ret_len = n;
	return 0;
}

int imactl_quote_parse(const uint8_t *data, size_t len, imactl_quote *ret, imactl_diag *reterr)
{
	imactl_quote q;
	struct cur c;
	uint32_t magic, count;
	uint16_t type;
	uint8_t safe;
	int r;

	if (!data && len)
		return diag_fail(reterr, -EINVAL, "quote: no data");
	/* a TPM2B_ATTEST: u16 size of the TPMS_ATTEST that follows */
	if (len >= 6 && load_be16(data) == len - 2 &&
	    load_be32(data + 2) == IMACTL_TPM_GENERATED_VALUE) {
		data += 2;
		len -= 2;
	}
	if (len > IMACTL_QUOTE_ATTEST_MAX)
		return diag_fail(reterr, -EBADMSG, "quote: %zu bytes, a TPMS_ATTEST is at most %d",
				 len, IMACTL_QUOTE_ATTEST_MAX);
	memset(&q, 0, sizeof(q));
	cur_init(&c, data, len);
	if (rd_be32(&c, &magic) < 0 || rd_be16(&c, &type) < 0)
		return diag_fail_at(reterr, -EBADMSG, 0, "quote: truncated header (%zu bytes)",
				    len);
	if (magic != IMACTL_TPM_GENERATED_VALUE)
		return diag_fail_at(reterr, -EBADMSG, 0,
				    "quote: magic 0x%08x is not TPM_GENERATED_VALUE (0xff544347): "
				    "not made by a TPM",
				    magic);
	if (type != IMACTL_TPM_ST_ATTEST_QUOTE)
		return diag_fail_at(reterr, -EOPNOTSUPP, 4,
				    "quote: attestation type 0x%04x (%s) is not a quote "
				    "(TPM_ST_ATTEST_QUOTE 0x8018)",
				    type, attest_type_name(type));
	r = rd_tpm2b(&c, q.signer, sizeof(q.signer), &q.signer_len, "qualifiedSigner", reterr);
	if (r < 0)
		return r;
	r = rd_tpm2b(&c, q.nonce, sizeof(q.nonce), &q.nonce_len, "extraData", reterr);
	if (r < 0)
		return r;
	if (rd_be64(&c, &q.clock) < 0 || rd_be32(&c, &q.reset_count) < 0 ||
	    rd_be32(&c, &q.restart_count) < 0 || rd_u8(&c, &safe) < 0 ||
	    rd_be64(&c, &q.firmware_version) < 0)
		return diag_fail_at(reterr, -EBADMSG, cur_off(&c),
				    "quote: truncated in clockInfo/firmwareVersion");
	if (safe > 1)
		return diag_fail_at(reterr, -EBADMSG, cur_off(&c) - 9,
				    "quote: clockInfo.safe is %u (a TPMI_YES_NO)", safe);
	q.safe = safe;
	if (rd_be32(&c, &count) < 0)
		return diag_fail_at(reterr, -EBADMSG, cur_off(&c),
				    "quote: truncated in the PCR selection count");
	if (count > IMACTL_QUOTE_BANKS_MAX)
		return diag_fail_at(reterr, -EBADMSG, cur_off(&c) - 4,
				    "quote: %u PCR selections (at most %d)", count,
				    IMACTL_QUOTE_BANKS_MAX);
	for (uint32_t i = 0; i < count; i++) {
		imactl_quote_bank *b = &q.banks[i];
		size_t off = cur_off(&c);
		uint8_t sz;

		if (rd_be16(&c, &b->tpm_alg) < 0 || rd_u8(&c, &sz) < 0)
			return diag_fail_at(reterr, -EBADMSG, off,
					    "quote: truncated in PCR selection %u", i);
		if (sz > IMACTL_QUOTE_SELECT_MAX || cur_left(&c) < sz)
			return diag_fail_at(reterr, -EBADMSG, off,
					    "quote: PCR selection %u has a %u-byte bitmap%s", i, sz,
					    sz > IMACTL_QUOTE_SELECT_MAX ? " (at most 4)"
									 : ", truncated");
		for (uint8_t j = 0; j < sz; j++)
			b->mask |= (uint32_t)c.p[j] << (8 * j);
		c.p += sz;
		for (uint32_t k = 0; k < i; k++)
			if (q.banks[k].tpm_alg == b->tpm_alg)
				return diag_fail_at(reterr, -EBADMSG, off,
						    "quote: bank 0x%04x selected twice",
						    b->tpm_alg);
		b->algo = imactl_hash_from_tpm_alg(b->tpm_alg);
		if (b->algo < 0)
			b->algo = -1;
	}
	q.nbanks = count;
	r = rd_tpm2b(&c, q.pcr_digest, sizeof(q.pcr_digest), &q.pcr_digest_len, "pcrDigest",
		     reterr);
	if (r < 0)
		return r;
	if (cur_left(&c))
		return diag_fail_at(reterr, -EBADMSG, cur_off(&c),
				    "quote: %zu trailing bytes after TPMS_QUOTE_INFO",
				    cur_left(&c));
	*ret = q;
	return 0;
}

int imactl_tpm_sig_parse(const uint8_t *data, size_t len, imactl_tpm_sig *ret, imactl_diag *reterr)
{
	imactl_tpm_sig s;
	struct cur c;
	int r;

	if (!data && len)
		return diag_fail(reterr, -EINVAL, "signature: no data");
	memset(&s, 0, sizeof(s));
	cur_init(&c, data, len);
	if (rd_be16(&c, &s.sig_alg) < 0 || rd_be16(&c, &s.hash_alg) < 0)
		return diag_fail_at(reterr, -EBADMSG, 0,
				    "signature: truncated TPMT_SIGNATURE (%zu bytes)", len);
	switch (s.sig_alg) {
	case IMACTL_TPM_ALG_RSASSA:
	case IMACTL_TPM_ALG_RSAPSS:
		r = rd_tpm2b(&c, s.sig, sizeof(s.sig), &s.sig_len, "RSA signature", reterr);
		if (r < 0)
			return r;
		if (!s.sig_len)
			return diag_fail_at(reterr, -EBADMSG, 4, "signature: empty RSA signature");
		break;
	case IMACTL_TPM_ALG_ECDSA:
		r = rd_tpm2b(&c, s.r, sizeof(s.r), &s.r_len, "ECDSA r", reterr);
		if (r < 0)
			return r;
		r = rd_tpm2b(&c, s.s, sizeof(s.s), &s.s_len, "ECDSA s", reterr);
		if (r < 0)
			return r;
		if (!s.r_len || !s.s_len)
			return diag_fail_at(reterr, -EBADMSG, 4, "signature: empty ECDSA r or s");
		break;
	case 0x0005:
		return diag_fail_at(reterr, -EOPNOTSUPP, 0,
				    "signature: HMAC (0x0005) signatures cannot be verified with a "
				    "public key");
	case 0x0010:
		return diag_fail_at(reterr, -EOPNOTSUPP, 0,
				    "signature: TPM_ALG_NULL: the key signed nothing");
	default:
		return diag_fail_at(reterr, -EOPNOTSUPP, 0,
				    "signature: scheme 0x%04x not supported (RSASSA 0x0014, "
				    "RSAPSS 0x0016, ECDSA 0x0018 are)",
				    s.sig_alg);
	}
	if (cur_left(&c))
		return diag_fail_at(reterr, -EBADMSG, cur_off(&c),
				    "signature: %zu trailing bytes after TPMT_SIGNATURE",
				    cur_left(&c));
	r = imactl_hash_from_tpm_alg(s.hash_alg);
	s.algo = r < 0 ? -1 : r;
	*ret = s;
	return 0;
}

int imactl_tpm_sig_plain(const uint8_t *data, size_t len, int algo, imactl_tpm_sig *ret,
			 imactl_diag *reterr)
{
	imactl_tpm_sig s;

	if (!imactl_hash_size(algo) || !imactl_hash_tpm_alg(algo))
		return diag_fail(reterr, -EOPNOTSUPP, "signature: hash %d is not a TPM hash", algo);
	if (!len)
		return diag_fail(reterr, -EBADMSG, "signature: empty");
	if (len > IMACTL_TPM_SIG_MAX)
		return diag_fail(reterr, -EMSGSIZE, "signature: %zu bytes (at most %d)", len,
				 IMACTL_TPM_SIG_MAX);
	memset(&s, 0, sizeof(s));
	s.algo = algo;
	s.hash_alg = imactl_hash_tpm_alg(algo);
	memcpy(s.sig, data, len);
	s.sig_len = len;
	*ret = s;
	return 0;
}

/* DER INTEGER of an unsigned big-endian value; returns bytes written. */
static size_t der_uint(uint8_t *out, const uint8_t *v, size_t n)
{
	size_t o = 0;

	while (n > 1 && v[0] == 0)
		v++, n--;
	out[o++] = 0x02;
	out[o++] = (uint8_t)(n + (v[0] & 0x80 ? 1 : 0));
	if (v[0] & 0x80)
		out[o++] = 0;
	memcpy(out + o, v, n);
	return o + n;
}

/* ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } from the TPM's r, s. */
static size_t ecdsa_der(const imactl_tpm_sig *s, uint8_t *out)
{
	uint8_t body[2 * (IMACTL_TPM_ECC_MAX + 3)];
	size_t n = der_uint(body, s->r, s->r_len), o = 0;

	n += der_uint(body + n, s->s, s->s_len);
	out[o++] = 0x30;
	if (n >= 0x80)
		out[o++] = 0x81;
	out[o++] = (uint8_t)n;
	memcpy(out + o, body, n);
	return o + n;
}

static void pkey_ctx_freep(EVP_PKEY_CTX **p)
{
	EVP_PKEY_CTX_free(*p);
}

static int verify_digest(imactl_ctx *ctx, EVP_PKEY *pkey, const EVP_MD *md, int padding,
			 const uint8_t *sig, size_t siglen, const uint8_t *dg, size_t dlen,
			 imactl_diag *d)
{
	__attribute__((cleanup(pkey_ctx_freep))) EVP_PKEY_CTX *pc =
		EVP_PKEY_CTX_new_from_pkey(ctx->libctx, pkey, ctx->propq);
	int r;

	if (!pc || EVP_PKEY_verify_init(pc) <= 0 || EVP_PKEY_CTX_set_signature_md(pc, md) <= 0)
		return diag_fail_ossl(d, -EOPNOTSUPP, "AK cannot verify %s signatures",
				      EVP_MD_get0_name(md));
	if (padding && EVP_PKEY_CTX_set_rsa_padding(pc, padding) <= 0)
		return diag_fail_ossl(d, -EOPNOTSUPP, "cannot set RSA padding");
	/* TPMs salt with the digest size (newer) or the maximum (older): accept both */
	if (padding == RSA_PKCS1_PSS_PADDING &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_AUTO) <= 0)
		return diag_fail_ossl(d, -EOPNOTSUPP, "cannot set the PSS salt length");
	r = EVP_PKEY_verify(pc, sig, siglen, dg, dlen);
	diag_ossl_drain();
	return r == 1 ? 0 : -EKEYREJECTED;
}

static const char *scheme_name(uint16_t alg)
{
	switch (alg) {
	case IMACTL_TPM_ALG_RSASSA:
		return "RSASSA";
	case IMACTL_TPM_ALG_RSAPSS:
		return "RSAPSS";
	case IMACTL_TPM_ALG_ECDSA:
		return "ECDSA";
	default:
		return "plain";
	}
}

int imactl_quote_verify_sig(imactl_ctx *ctx, const imactl_key *ak, const uint8_t *msg, size_t len,
			    const imactl_tpm_sig *sig, imactl_diag *reterr)
{
	uint8_t dg[IMACTL_MAX_DIGEST_SIZE], der[2 * (IMACTL_TPM_ECC_MAX + 3) + 3];
	const EVP_MD *md;
	bool is_rsa, is_ec;
	int r;

	if (!ak || !ak->pkey || !sig)
		return diag_fail(reterr, -EINVAL, "quote: no AK or no signature");
	/* the signature covers the TPMS_ATTEST, not a TPM2B_ATTEST's size */
	if (len >= 6 && load_be16(msg) == len - 2 &&
	    load_be32(msg + 2) == IMACTL_TPM_GENERATED_VALUE)
		msg += 2, len -= 2;
	if (sig->algo < 0 || !(md = ctx_md(ctx, sig->algo)))
		return diag_fail(reterr, -EOPNOTSUPP, "signature hash 0x%04x is not available",
				 sig->hash_alg);
	r = imactl_hash_buf(ctx, sig->algo, msg, len, dg, reterr);
	if (r < 0)
		return r;
	is_rsa = EVP_PKEY_is_a(ak->pkey, "RSA");
	is_ec = EVP_PKEY_is_a(ak->pkey, "EC");
	switch (sig->sig_alg) {
	case IMACTL_TPM_ALG_RSASSA:
	case IMACTL_TPM_ALG_RSAPSS:
		if (!is_rsa)
			break;
		r = verify_digest(ctx, ak->pkey, md,
				  sig->sig_alg == IMACTL_TPM_ALG_RSAPSS ? RSA_PKCS1_PSS_PADDING
									: RSA_PKCS1_PADDING,
				  sig->sig, sig->sig_len, dg, imactl_hash_size(sig->algo), reterr);
		goto done;
	case IMACTL_TPM_ALG_ECDSA:
		if (!is_ec)
			break;
		r = verify_digest(ctx, ak->pkey, md, 0, der, ecdsa_der(sig, der), dg,
				  imactl_hash_size(sig->algo), reterr);
		goto done;
	case 0:
		if (is_rsa) {
			r = verify_digest(ctx, ak->pkey, md, RSA_PKCS1_PADDING, sig->sig,
					  sig->sig_len, dg, imactl_hash_size(sig->algo), reterr);
			if (r == -EKEYREJECTED)
				r = verify_digest(ctx, ak->pkey, md, RSA_PKCS1_PSS_PADDING,
						  sig->sig, sig->sig_len, dg,
						  imactl_hash_size(sig->algo), reterr);
			goto done;
		}
		if (is_ec) {
			r = verify_digest(ctx, ak->pkey, md, 0, sig->sig, sig->sig_len, dg,
					  imactl_hash_size(sig->algo), reterr);
			goto done;
		}
		break;
	default:
		return diag_fail(reterr, -EOPNOTSUPP, "signature scheme 0x%04x not supported",
				 sig->sig_alg);
	}
	return diag_fail(reterr, -EKEYREJECTED, "%s signature does not fit the AK (a %s key)",
			 scheme_name(sig->sig_alg),
			 is_rsa	 ? "RSA"
			 : is_ec ? "EC"
				 : "non-RSA, non-EC");
done:
	if (r == -EKEYREJECTED)
		return diag_fail(reterr, r,
				 "bad AK signature (%s, %s): the quote was not signed "
				 "by this AK or was altered",
				 scheme_name(sig->sig_alg), imactl_hash_name(sig->algo));
	return r;
}

static void md_ctx_freep(EVP_MD_CTX **p)
{
	EVP_MD_CTX_free(*p);
}

int imactl_quote_pcr_digest(imactl_ctx *ctx, const imactl_quote *q, const imactl_pcrs *pcrs,
			    int algo, uint8_t *ret_digest, imactl_diag *reterr)
{
	__attribute__((cleanup(md_ctx_freep))) EVP_MD_CTX *mc = EVP_MD_CTX_new();
	const EVP_MD *md = algo >= 0 ? ctx_md(ctx, algo) : NULL;

	if (!md)
		return diag_fail(reterr, -EOPNOTSUPP, "PCR digest hash %d is not available", algo);
	if (!mc || !EVP_DigestInit_ex(mc, md, NULL))
		return diag_fail_ossl(reterr, -ENOMEM, "cannot start the PCR digest");
	for (size_t i = 0; i < q->nbanks; i++) {
		const imactl_quote_bank *b = &q->banks[i];

		if (b->mask && b->algo < 0)
			return diag_fail(reterr, -EOPNOTSUPP, "quoted bank 0x%04x is unknown",
					 b->tpm_alg);
		for (unsigned int pcr = 0; pcr < 32; pcr++) {
			const uint8_t *v;

			if (!(b->mask & (1u << pcr)))
				continue;
			v = pcr < IMACTL_PCR_COUNT ? imactl_pcrs_get(pcrs, b->algo, pcr) : NULL;
			if (!v)
				return diag_fail(reterr, -ENODATA, "no %s value for quoted PCR %u",
						 imactl_hash_name(b->algo), pcr);
			if (!EVP_DigestUpdate(mc, v, imactl_hash_size(b->algo)))
				return diag_fail_ossl(reterr, -ENOMEM, "PCR digest failed");
		}
	}
	if (!EVP_DigestFinal_ex(mc, ret_digest, NULL))
		return diag_fail_ossl(reterr, -ENOMEM, "PCR digest failed");
	return 0;
}

int imactl_quote_selected(const imactl_quote *q, const imactl_pcrs *pcrs, imactl_pcrs *out,
			  imactl_diag *reterr)
{
	int n = 0;

	for (size_t i = 0; i < q->nbanks; i++) {
		const imactl_quote_bank *b = &q->banks[i];

		for (unsigned int pcr = 0; pcr < 32; pcr++) {
			const uint8_t *v;

			if (!(b->mask & (1u << pcr)))
				continue;
			v = b->algo >= 0 && pcr < IMACTL_PCR_COUNT
				    ? imactl_pcrs_get(pcrs, b->algo, pcr)
				    : NULL;
			if (!v)
				return diag_fail(reterr, -ENODATA,
						 "no value for quoted PCR %u of bank 0x%04x", pcr,
						 b->tpm_alg);
			if (imactl_pcrs_set(out, b->algo, pcr, v, imactl_hash_size(b->algo)) < 0)
				return diag_fail(reterr, -EINVAL, "cannot copy PCR %u", pcr);
			n++;
		}
	}
	return n;
}

int imactl_quote_verify(imactl_ctx *ctx, const imactl_quote_check *chk, imactl_quote_result *res,
			imactl_diag *reterr)
{
	imactl_quote_result *o = res;
	int first = 0;

	memset(o, 0, sizeof(*o));
	o->signature = o->nonce = o->pcrs = 1;
	o->parse = imactl_quote_parse(chk->msg, chk->msg_len, &o->quote, &o->parse_diag);
	if (o->parse < 0) {
		if (reterr)
			*reterr = o->parse_diag;
		return o->parse;
	}
	if (chk->sig && chk->ak) {
		o->signature = imactl_quote_verify_sig(ctx, chk->ak, chk->msg, chk->msg_len,
						       chk->sig, &o->signature_diag);
		if (o->signature < 0 && !first)
			first = 1;
	}
	if (chk->nonce) {
		if (chk->nonce_len != o->quote.nonce_len ||
		    memcmp(chk->nonce, o->quote.nonce, chk->nonce_len))
			o->nonce = diag_fail(&o->nonce_diag, -EKEYREJECTED,
					     "nonce mismatch: the quote's extraData (%zu bytes) is "
					     "not the expected nonce (%zu bytes): a replayed or "
					     "foreign quote",
					     o->quote.nonce_len, chk->nonce_len);
		else
			o->nonce = 0;
		if (o->nonce < 0 && !first)
			first = 2;
	}
	if (chk->pcrs) {
		/* the PCR digest uses the signing scheme's hash (TPM2_Quote) */
		int algo = chk->sig ? chk->sig->algo : -1;

		if (algo < 0) {
			/* without a signature, pick the hash from the digest's size */
			for (int a = 0; a < IMACTL_HASH__MAX; a++)
				if (imactl_hash_tpm_alg(a) &&
				    imactl_hash_size(a) == o->quote.pcr_digest_len) {
					algo = a;
					break;
				}
		}
		if (algo < 0 || imactl_hash_size(algo) != o->quote.pcr_digest_len)
			o->pcrs = diag_fail(&o->pcrs_diag, -EBADMSG,
					    "pcrDigest of %zu bytes does not fit the quote's hash",
					    o->quote.pcr_digest_len);
		else
			o->pcrs = imactl_quote_pcr_digest(ctx, &o->quote, chk->pcrs, algo,
							  o->computed, &o->pcrs_diag);
		if (o->pcrs == 0) {
			o->computed_len = imactl_hash_size(algo);
			if (memcmp(o->computed, o->quote.pcr_digest, o->computed_len))
				o->pcrs = diag_fail(&o->pcrs_diag, -EKEYREJECTED,
						    "PCR digest mismatch: the PCR values given "
						    "are not the ones the TPM quoted");
		}
		if (o->pcrs < 0 && !first)
			first = 3;
	}
	switch (first) {
	case 1:
		if (reterr)
			*reterr = o->signature_diag;
		return o->signature;
	case 2:
		if (reterr)
			*reterr = o->nonce_diag;
		return o->nonce;
	case 3:
		if (reterr)
			*reterr = o->pcrs_diag;
		return o->pcrs;
	}
	return 0;
}
