/* SPDX-License-Identifier: MIT */
/*
 * TPM quote verification against real quotes in tests/data/quote, made by
 * tests/data/gen/make-quotes.sh: swtpm 0.7.1 (TPM 2.0), tpm2-tools 5.4
 * (tpm2_createek/createak/quote, `-l sha1:0,10+sha256:0,10 -g sha256`),
 * checked by tpm2_checkquote when made.  PCR 10 holds the kernel-6.1
 * fixture's measurement list replayed into both banks, so it equals the
 * kernel's own PCR-10 in tests/data/kernel-6.1/measure/pcrs-*.txt.
 * Every accepted quote has tampered twins next to it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"
#include "imactl/pcr.h"
#include "imactl/quote.h"

static imactl_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return imactl_ctx_new(&ctx, NULL);
}

static int teardown(void **state)
{
	(void)state;
	imactl_ctx_free(ctx);
	return 0;
}

struct fx {
	uint8_t *msg, *sig;
	size_t msg_len, sig_len;
	imactl_tpm_sig tsig;
	imactl_key *ak;
	imactl_pcrs *pcrs;
	uint8_t nonce[64];
	size_t nonce_len;
};

static void fx_load(struct fx *f, const char *ak, bool plain)
{
	char p[64];
	size_t len;
	uint8_t *t;
	imactl_diag d = {0};

	memset(f, 0, sizeof(*f));
	snprintf(p, sizeof(p), "quote/%s%s.msg", ak, plain ? ".plain" : "");
	f->msg = tu_read(tu_data(p), &f->msg_len);
	snprintf(p, sizeof(p), "quote/%s.sig%s", ak, plain ? ".plain" : "");
	f->sig = tu_read(tu_data(p), &f->sig_len);
	if (plain)
		assert_int_equal(
			imactl_tpm_sig_plain(f->sig, f->sig_len, IMACTL_HASH_SHA256, &f->tsig, &d),
			0);
	else
		assert_int_equal(imactl_tpm_sig_parse(f->sig, f->sig_len, &f->tsig, &d), 0);
	snprintf(p, sizeof(p), "quote/%s.pub.pem", ak);
	assert_int_equal(imactl_key_load_public(ctx, tu_data(p), &f->ak, &d), 0);
	t = tu_read(tu_data("quote/pcrs.txt"), &len);
	assert_int_equal(imactl_pcrs_new(&f->pcrs), 0);
	assert_int_equal(imactl_pcrs_parse(f->pcrs, -1, (const char *)t, len, &d), 4);
	free(t);
	f->nonce_len = tu_read_hex(tu_data("quote/nonce.hex"), f->nonce, sizeof(f->nonce));
	assert_int_equal(f->nonce_len, 16);
}

static void fx_free(struct fx *f)
{
	free(f->msg);
	free(f->sig);
	imactl_key_free(f->ak);
	imactl_pcrs_free(f->pcrs);
}

static int fx_verify(struct fx *f, imactl_quote_result *res)
{
	imactl_quote_check chk = {.msg = f->msg,
				  .msg_len = f->msg_len,
				  .sig = &f->tsig,
				  .ak = f->ak,
				  .nonce = f->nonce,
				  .nonce_len = f->nonce_len,
				  .pcrs = f->pcrs};
	imactl_diag d = {0};

	return imactl_quote_verify(ctx, &chk, res, &d);
}

static void test_parse_fields(void **state)
{
	struct fx f;
	imactl_quote q;
	imactl_diag d = {0};

	(void)state;
	fx_load(&f, "rsa", false);
	assert_int_equal(imactl_quote_parse(f.msg, f.msg_len, &q, &d), 0);
	assert_int_equal(q.nonce_len, 16);
	assert_memory_equal(q.nonce, f.nonce, 16);
	/* qualifiedSigner is a TPM2B_NAME: nameAlg sha256 (0x000b) + digest */
	assert_int_equal(q.signer_len, 34);
	assert_int_equal(q.signer[0], 0x00);
	assert_int_equal(q.signer[1], 0x0b);
	assert_true(q.safe);
	assert_int_equal(q.nbanks, 2);
	assert_int_equal(q.banks[0].tpm_alg, 0x0004);
	assert_int_equal(q.banks[0].algo, IMACTL_HASH_SHA1);
	assert_int_equal(q.banks[0].mask, (1u << 0) | (1u << 10));
	assert_int_equal(q.banks[1].tpm_alg, 0x000b);
	assert_int_equal(q.banks[1].algo, IMACTL_HASH_SHA256);
	assert_int_equal(q.banks[1].mask, (1u << 0) | (1u << 10));
	assert_int_equal(q.pcr_digest_len, 32);
	assert_int_equal(f.tsig.sig_alg, IMACTL_TPM_ALG_RSASSA);
	assert_int_equal(f.tsig.algo, IMACTL_HASH_SHA256);
	assert_int_equal(f.tsig.sig_len, 256);
	fx_free(&f);
}

/* pcrDigest recomputed by hand: SHA-256(sha1 PCR0 || sha1 PCR10 || sha256 PCR0 || sha256 PCR10) */
static void test_pcr_digest_known_answer(void **state)
{
	struct fx f;
	imactl_quote q;
	uint8_t buf[2 * 20 + 2 * 32], want[32], got[32];
	unsigned int wl = 0;
	imactl_diag d = {0};

	(void)state;
	fx_load(&f, "ecc", false);
	assert_int_equal(imactl_quote_parse(f.msg, f.msg_len, &q, &d), 0);
	memcpy(buf, imactl_pcrs_get(f.pcrs, IMACTL_HASH_SHA1, 0), 20);
	memcpy(buf + 20, imactl_pcrs_get(f.pcrs, IMACTL_HASH_SHA1, 10), 20);
	memcpy(buf + 40, imactl_pcrs_get(f.pcrs, IMACTL_HASH_SHA256, 0), 32);
	memcpy(buf + 72, imactl_pcrs_get(f.pcrs, IMACTL_HASH_SHA256, 10), 32);
	assert_int_equal(EVP_Digest(buf, sizeof(buf), want, &wl, EVP_sha256(), NULL), 1);
	assert_memory_equal(want, q.pcr_digest, 32);
	assert_int_equal(imactl_quote_pcr_digest(ctx, &q, f.pcrs, IMACTL_HASH_SHA256, got, &d), 0);
	assert_memory_equal(got, want, 32);
	fx_free(&f);
}

/* PCR 10 of the quote is the real kernel's PCR 10 (the fixture log replayed) */
static void test_pcr10_is_kernel_pcr10(void **state)
{
	struct fx f;
	uint8_t k1[20], k256[32];

	(void)state;
	fx_load(&f, "rsa", false);
	/* tests/data/kernel-6.1/measure/pcrs-sha1.txt, pcrs-sha256.txt PCR-10 */
	tu_unhex("5ac76af52e4f55640513782fa3c242190c6b028d", k1, sizeof(k1));
	tu_unhex("d2f3bae2a39df7a6d6c405e9eed65be727cab0c40e43773b8a4bda1c8859b3ec", k256,
		 sizeof(k256));
	assert_memory_equal(imactl_pcrs_get(f.pcrs, IMACTL_HASH_SHA1, 10), k1, 20);
	assert_memory_equal(imactl_pcrs_get(f.pcrs, IMACTL_HASH_SHA256, 10), k256, 32);
	fx_free(&f);
}

static void verify_good(const char *ak, bool plain)
{
	struct fx f;
	imactl_quote_result res;

	fx_load(&f, ak, plain);
	assert_int_equal(fx_verify(&f, &res), 0);
	assert_int_equal(res.parse, 0);
	assert_int_equal(res.signature, 0);
	assert_int_equal(res.nonce, 0);
	assert_int_equal(res.pcrs, 0);
	assert_int_equal(res.computed_len, 32);
	fx_free(&f);
}

static void test_rsa_ok(void **state)
{
	(void)state;
	verify_good("rsa", false);
}

static void test_ecc_ok(void **state)
{
	(void)state;
	verify_good("ecc", false);
}

static void test_plain_ok(void **state)
{
	(void)state;
	verify_good("rsa", true);
	verify_good("ecc", true);
}

/* tampered twins: every byte of the message flipped in turn is caught */
static void tamper_every_byte(const char *ak)
{
	struct fx f;
	imactl_quote_result res;

	fx_load(&f, ak, false);
	for (size_t i = 0; i < f.msg_len; i++) {
		f.msg[i] ^= 0x01;
		assert_int_not_equal(fx_verify(&f, &res), 0);
		/* where the message still parses, the AK signature fails */
		if (res.parse == 0)
			assert_int_equal(res.signature, -EKEYREJECTED);
		f.msg[i] ^= 0x01;
	}
	assert_int_equal(fx_verify(&f, &res), 0);
	fx_free(&f);
}

static void test_flipped_message(void **state)
{
	(void)state;
	tamper_every_byte("rsa");
	tamper_every_byte("ecc");
}

static void test_flipped_signature(void **state)
{
	struct fx f;
	imactl_quote_result res;

	(void)state;
	fx_load(&f, "rsa", false);
	f.tsig.sig[100] ^= 0x80;
	assert_int_equal(fx_verify(&f, &res), -EKEYREJECTED);
	assert_int_equal(res.signature, -EKEYREJECTED);
	assert_int_equal(res.nonce, 0);
	assert_int_equal(res.pcrs, 0);
	assert_non_null(strstr(res.signature_diag.msg, "bad AK signature"));
	fx_free(&f);

	fx_load(&f, "ecc", false);
	f.tsig.s[5] ^= 0x01;
	assert_int_equal(fx_verify(&f, &res), -EKEYREJECTED);
	assert_int_equal(res.signature, -EKEYREJECTED);
	fx_free(&f);
}

static void test_wrong_ak(void **state)
{
	struct fx f;
	imactl_quote_result res;
	imactl_key *other = NULL;
	imactl_diag d = {0};

	(void)state;
	/* the ECC AK's key for the RSA quote: scheme does not fit */
	fx_load(&f, "rsa", false);
	imactl_key_free(f.ak);
	assert_int_equal(imactl_key_load_public(ctx, tu_data("quote/ecc.pub.pem"), &f.ak, &d), 0);
	assert_int_equal(fx_verify(&f, &res), -EKEYREJECTED);
	assert_int_equal(res.signature, -EKEYREJECTED);
	fx_free(&f);

	/* another RSA key (not a TPM key at all) */
	fx_load(&f, "rsa", false);
	assert_int_equal(imactl_key_load_public(ctx, tu_data("keys/rsa2048.pub.pem"), &other, &d),
			 0);
	imactl_key_free(f.ak);
	f.ak = other;
	assert_int_equal(fx_verify(&f, &res), -EKEYREJECTED);
	fx_free(&f);

	/* another EC key for the ECC quote */
	fx_load(&f, "ecc", false);
	imactl_key_free(f.ak);
	f.ak = NULL;
	assert_int_equal(imactl_key_load_public(ctx, tu_data("keys/ec-p256.crt"), &f.ak, &d), 0);
	assert_int_equal(fx_verify(&f, &res), -EKEYREJECTED);
	fx_free(&f);
}

static void test_wrong_nonce(void **state)
{
	struct fx f;
	imactl_quote_result res;
	imactl_diag d = {0};
	imactl_quote_check chk;

	(void)state;
	fx_load(&f, "rsa", false);
	f.nonce[15] ^= 1;
	assert_int_equal(fx_verify(&f, &res), -EKEYREJECTED);
	assert_int_equal(res.signature, 0);
	assert_int_equal(res.nonce, -EKEYREJECTED);
	assert_non_null(strstr(res.nonce_diag.msg, "nonce mismatch"));
	f.nonce[15] ^= 1;
	f.nonce_len = 15; /* a prefix is not the nonce */
	assert_int_equal(fx_verify(&f, &res), -EKEYREJECTED);
	assert_int_equal(res.nonce, -EKEYREJECTED);
	/* nonce not given: not checked (1) */
	chk = (imactl_quote_check){.msg = f.msg, .msg_len = f.msg_len, .sig = &f.tsig, .ak = f.ak};
	assert_int_equal(imactl_quote_verify(ctx, &chk, &res, &d), 0);
	assert_int_equal(res.nonce, 1);
	assert_int_equal(res.pcrs, 1);
	fx_free(&f);
}

static void test_wrong_pcr(void **state)
{
	struct fx f;
	imactl_quote_result res;
	imactl_pcrs *p = NULL;
	uint8_t v[32];

	(void)state;
	fx_load(&f, "ecc", false);
	memcpy(v, imactl_pcrs_get(f.pcrs, IMACTL_HASH_SHA256, 10), 32);
	v[31] ^= 1;
	assert_int_equal(imactl_pcrs_set(f.pcrs, IMACTL_HASH_SHA256, 10, v, 32), 0);
	assert_int_equal(fx_verify(&f, &res), -EKEYREJECTED);
	assert_int_equal(res.signature, 0);
	assert_int_equal(res.nonce, 0);
	assert_int_equal(res.pcrs, -EKEYREJECTED);
	assert_non_null(strstr(res.pcrs_diag.msg, "PCR digest mismatch"));
	fx_free(&f);

	/* a selected PCR with no value */
	fx_load(&f, "ecc", false);
	assert_int_equal(imactl_pcrs_new(&p), 0);
	assert_int_equal(imactl_pcrs_set(p, IMACTL_HASH_SHA1, 0,
					 imactl_pcrs_get(f.pcrs, IMACTL_HASH_SHA1, 0), 20),
			 0);
	imactl_pcrs_free(f.pcrs);
	f.pcrs = p;
	assert_int_equal(fx_verify(&f, &res), -ENODATA);
	assert_int_equal(res.pcrs, -ENODATA);
	fx_free(&f);
}

static void test_selected(void **state)
{
	struct fx f;
	imactl_quote q;
	imactl_pcrs *out = NULL;
	imactl_diag d = {0};

	(void)state;
	fx_load(&f, "rsa", false);
	assert_int_equal(imactl_quote_parse(f.msg, f.msg_len, &q, &d), 0);
	assert_int_equal(imactl_pcrs_new(&out), 0);
	assert_int_equal(imactl_quote_selected(&q, f.pcrs, out, &d), 4);
	assert_non_null(imactl_pcrs_get(out, IMACTL_HASH_SHA256, 10));
	assert_null(imactl_pcrs_get(out, IMACTL_HASH_SHA256, 1));
	imactl_pcrs_free(out);
	fx_free(&f);
}

static void test_malformed(void **state)
{
	struct fx f;
	imactl_quote q;
	imactl_tpm_sig s;
	imactl_diag d = {0};
	uint8_t *b;

	(void)state;
	fx_load(&f, "ecc", false);
	/* every truncation */
	for (size_t n = 0; n < f.msg_len; n++)
		assert_int_equal(imactl_quote_parse(f.msg, n, &q, &d), -EBADMSG);
	for (size_t n = 0; n < f.sig_len; n++)
		assert_int_equal(imactl_tpm_sig_parse(f.sig, n, &s, &d), -EBADMSG);
	/* a trailing byte */
	b = malloc(f.msg_len + 2);
	assert_non_null(b);
	memcpy(b, f.msg, f.msg_len);
	b[f.msg_len] = 0;
	assert_int_equal(imactl_quote_parse(b, f.msg_len + 1, &q, &d), -EBADMSG);
	assert_non_null(strstr(d.msg, "trailing"));
	/* the TPM2B_ATTEST form (u16 size first) is accepted */
	b[0] = (uint8_t)(f.msg_len >> 8);
	b[1] = (uint8_t)f.msg_len;
	memcpy(b + 2, f.msg, f.msg_len);
	assert_int_equal(imactl_quote_parse(b, f.msg_len + 2, &q, &d), 0);
	free(b);
	/* not a TPM's */
	f.msg[0] = 0;
	assert_int_equal(imactl_quote_parse(f.msg, f.msg_len, &q, &d), -EBADMSG);
	assert_non_null(strstr(d.msg, "TPM_GENERATED_VALUE"));
	f.msg[0] = 0xff;
	/* a certify, not a quote */
	f.msg[5] = 0x17;
	assert_int_equal(imactl_quote_parse(f.msg, f.msg_len, &q, &d), -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "TPM_ST_ATTEST_CERTIFY"));
	f.msg[5] = 0x18;
	/* extraData size over TPM2B_DATA's maximum: offset 6 + 2 + 34 = 42 */
	f.msg[42] = 0x01;
	assert_int_equal(imactl_quote_parse(f.msg, f.msg_len, &q, &d), -EBADMSG);
	f.msg[42] = 0x00;
	assert_int_equal(imactl_quote_parse(f.msg, f.msg_len, &q, &d), 0);
	/* signature: trailing, unknown scheme, HMAC */
	b = malloc(f.sig_len + 1);
	assert_non_null(b);
	memcpy(b, f.sig, f.sig_len);
	assert_int_equal(imactl_tpm_sig_parse(b, f.sig_len + 1, &s, &d), -EBADMSG);
	b[1] = 0x05;
	assert_int_equal(imactl_tpm_sig_parse(b, f.sig_len, &s, &d), -EOPNOTSUPP);
	b[1] = 0x1c;
	assert_int_equal(imactl_tpm_sig_parse(b, f.sig_len, &s, &d), -EOPNOTSUPP);
	free(b);
	/* plain: too long, unknown hash */
	assert_int_equal(imactl_tpm_sig_plain(f.msg, 0, IMACTL_HASH_SHA256, &s, &d), -EBADMSG);
	assert_int_equal(imactl_tpm_sig_plain(f.msg, 1, IMACTL_HASH__MAX, &s, &d), -EOPNOTSUPP);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_pcr_digest_known_answer),
		cmocka_unit_test(test_pcr10_is_kernel_pcr10),
		cmocka_unit_test(test_rsa_ok),
		cmocka_unit_test(test_ecc_ok),
		cmocka_unit_test(test_plain_ok),
		cmocka_unit_test(test_flipped_message),
		cmocka_unit_test(test_flipped_signature),
		cmocka_unit_test(test_wrong_ak),
		cmocka_unit_test(test_wrong_nonce),
		cmocka_unit_test(test_wrong_pcr),
		cmocka_unit_test(test_selected),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
