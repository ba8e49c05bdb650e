/* SPDX-License-Identifier: MIT */
/*
 * PCR banks from a TPM through tpm2-tss: Esys_GetCapability(TPM2_CAP_PCRS)
 * for the allocated banks, then Esys_PCR_Read until every PCR of a bank is
 * in (a TPM returns at most 8 digests per command).
 *
 * No call here can wait for a TPM that is not there: the transport is
 * chosen and probed first (tpm_tcti.c), and every command is sent with the
 * asynchronous Esys API and finished against one deadline.  The synchronous
 * Esys calls retry TSS2_BASE_RC_TRY_AGAIN forever, so they are not used.
 *
 * PCR extension (imactl_tpm_open() / imactl_tpm_extend_template()) keeps
 * one session open and sends each TPM2_PCR_Extend the same way, with its
 * own deadline.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include <openssl/evp.h>

#include "ctx.h"
#include "diag.h"
#include "imactl/tpm.h"
#include "pcr_internal.h"
#include "tpm_internal.h"
#include "util/cleanup.h"

#include "tss2_dl.h"

#define TPM_BANKS_MAX 16
/* a PCR selection covering PCR 0..23 is 3 bytes */
#define PCR_SELECT_BYTES 3
#define PCR_ALL		 ((1u << IMACTL_PCR_COUNT) - 1)

struct tpm_session {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	int64_t deadline;
	unsigned int timeout_ms;
	const char *conf;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void session_close(struct tpm_session *s)
{
	if (s->esys)
		Esys_Finalize(&s->esys);
	if (s->tcti)
		Tss2_TctiLdr_Finalize(&s->tcti);
}

static int tss_fail(struct tpm_session *s, imactl_diag *reterr, TSS2_RC rc, const char *what)
{
	return diag_fail(reterr, -EIO, "TPM (%s): %s: %s (0x%x)", s->conf, what, Tss2_RC_Decode(rc),
			 (unsigned int)rc);
}

/* Before each _Finish: the time left, or -ETIMEDOUT. */
static int arm_timeout(struct tpm_session *s, imactl_diag *reterr, const char *what)
{
	int64_t left = s->deadline - now_ms();

	if (left <= 0)
		return diag_fail(reterr, -ETIMEDOUT, "TPM (%s): %s: no answer within %u ms",
				 s->conf, what, s->timeout_ms);
	if (Esys_SetTimeout(s->esys, (int32_t)left) != TSS2_RC_SUCCESS)
		return diag_fail(reterr, -EIO, "TPM (%s): cannot set a timeout", s->conf);
	return 0;
}

static bool try_again(TSS2_RC rc)
{
	return (rc & ~TSS2_RC_LAYER_MASK) == TSS2_BASE_RC_TRY_AGAIN;
}

static int get_banks(struct tpm_session *s, int *algos, size_t *n, uint32_t *masks,
		     imactl_diag *reterr)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more = TPM2_NO;
	TSS2_RC rc;
	int r;

	rc = Esys_GetCapability_Async(s->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				      TPM2_CAP_PCRS, 0, 1);
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail(s, reterr, rc, "GetCapability");
	do {
		r = arm_timeout(s, reterr, "GetCapability");
		if (r < 0)
			return r;
		rc = Esys_GetCapability_Finish(s->esys, &more, &cap);
	} while (try_again(rc));
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail(s, reterr, rc, "GetCapability");
	*n = 0;
	for (uint32_t i = 0; i < cap->data.assignedPCR.count && *n < TPM_BANKS_MAX; i++) {
		const TPMS_PCR_SELECTION *ps = &cap->data.assignedPCR.pcrSelections[i];
		uint32_t mask = 0;
		int algo = imactl_hash_from_tpm_alg(ps->hash);

		for (unsigned int b = 0; b < ps->sizeofSelect && b < PCR_SELECT_BYTES; b++)
			mask |= (uint32_t)ps->pcrSelect[b] << (8 * b);
		/* a bank without PCRs is allocated nowhere; one we cannot name is skipped */
		if (algo < 0 || !mask)
			continue;
		algos[*n] = algo;
		masks[(*n)++] = mask & PCR_ALL;
	}
	Esys_Free(cap);
	return 0;
}

/* Read PCRs @want of bank @algo into @out; returns the mask actually read. */
static int read_bank(struct tpm_session *s, int algo, uint32_t want, imactl_pcrs *out,
		     uint32_t *ret_got, imactl_diag *reterr)
{
	uint16_t alg = imactl_hash_tpm_alg(algo);
	size_t dlen = imactl_hash_size(algo);
	uint32_t got = 0, left = want;

	while (left) {
		TPML_PCR_SELECTION sel = {.count = 1};
		TPML_PCR_SELECTION *sel_out = NULL;
		TPML_DIGEST *vals = NULL;
		UINT32 counter = 0;
		uint32_t done = 0;
		size_t k = 0;
		TSS2_RC rc;
		int r;

		sel.pcrSelections[0].hash = alg;
		sel.pcrSelections[0].sizeofSelect = PCR_SELECT_BYTES;
		for (unsigned int b = 0; b < PCR_SELECT_BYTES; b++)
			sel.pcrSelections[0].pcrSelect[b] = (uint8_t)(left >> (8 * b));
		rc = Esys_PCR_Read_Async(s->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel);
		if (rc != TSS2_RC_SUCCESS)
			return tss_fail(s, reterr, rc, "PCR_Read");
		do {
			r = arm_timeout(s, reterr, "PCR_Read");
			if (r < 0)
				return r;
			rc = Esys_PCR_Read_Finish(s->esys, &counter, &sel_out, &vals);
		} while (try_again(rc));
		if (rc != TSS2_RC_SUCCESS)
			return tss_fail(s, reterr, rc, "PCR_Read");
		/* digests come in selection order: bank by bank, PCR ascending */
		for (uint32_t i = 0; i < sel_out->count; i++) {
			const TPMS_PCR_SELECTION *ps = &sel_out->pcrSelections[i];

			for (unsigned int pcr = 0; pcr < IMACTL_PCR_COUNT; pcr++) {
				if (pcr / 8 >= ps->sizeofSelect ||
				    !(ps->pcrSelect[pcr / 8] & (1u << (pcr % 8))))
					continue;
				if (k >= vals->count)
					break;
				if (ps->hash == alg && vals->digests[k].size == dlen &&
				    (left & (1u << pcr))) {
					imactl_pcrs_set(out, algo, pcr, vals->digests[k].buffer,
							dlen);
					done |= 1u << pcr;
				}
				k++;
			}
		}
		Esys_Free(sel_out);
		Esys_Free(vals);
		if (!done)
			break; /* the TPM returns nothing more of what is left: not there */
		got |= done;
		left &= ~done;
	}
	*ret_got = got;
	return 0;
}

int imactl_tpm_supported(void)
{
	return tss2_ready(NULL) == 0;
}

int imactl_pcrs_read_tpm(imactl_pcrs *p, const char *tcti, const int *algos, size_t n_algos,
			 unsigned int timeout_ms, imactl_diag *reterr)
{
	struct tpm_session s = {0};
	struct tcti_target t;
	imactl_pcrs *tmp = NULL;
	int banks[TPM_BANKS_MAX];
	uint32_t masks[TPM_BANKS_MAX];
	size_t nbanks = 0;
	int r, nread = 0;
	TSS2_RC rc;

	if (tss2_ready(reterr) < 0)
		return -EOPNOTSUPP;

	if (!p || (n_algos && !algos) || n_algos > TPM_BANKS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n_algos; i++)
		if (!imactl_hash_tpm_alg(algos[i]))
			return diag_fail(reterr, -EOPNOTSUPP, "hash %d is not a TPM PCR bank",
					 algos[i]);
	if (!timeout_ms)
		timeout_ms = IMACTL_TPM_TIMEOUT_MS;
	r = tpm_tcti_resolve(tcti, timeout_ms, &t, reterr);
	if (r < 0)
		return r;
	s.conf = t.conf;
	s.timeout_ms = timeout_ms;
	s.deadline = now_ms() + timeout_ms;

	rc = Tss2_TctiLdr_Initialize(t.conf, &s.tcti);
	if (rc != TSS2_RC_SUCCESS)
		return diag_fail(reterr, -ENODEV, "TPM (%s): cannot load the TCTI: %s", t.conf,
				 Tss2_RC_Decode(rc));
	rc = Esys_Initialize(&s.esys, s.tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		r = tss_fail(&s, reterr, rc, "Esys_Initialize");
		goto out;
	}
	if (n_algos) {
		for (size_t i = 0; i < n_algos; i++) {
			banks[i] = algos[i];
			masks[i] = PCR_ALL;
		}
		nbanks = n_algos;
	} else {
		r = get_banks(&s, banks, &nbanks, masks, reterr);
		if (r < 0)
			goto out;
		if (!nbanks) {
			r = diag_fail(reterr, -ENODEV, "TPM (%s): no PCR bank allocated", t.conf);
			goto out;
		}
	}
	r = imactl_pcrs_new(&tmp);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < nbanks; i++) {
		uint32_t got = 0;

		r = read_bank(&s, banks[i], masks[i], tmp, &got, reterr);
		if (r < 0)
			goto out;
		if (!got) {
			r = diag_fail(reterr, -EOPNOTSUPP, "TPM (%s): no %s bank", t.conf,
				      imactl_hash_name(banks[i]));
			goto out;
		}
		nread++;
	}
	/* all or nothing: @p changes only now */
	for (size_t i = 0; i < nbanks; i++)
		for (unsigned int pcr = 0; pcr < IMACTL_PCR_COUNT; pcr++) {
			const uint8_t *v = imactl_pcrs_get(tmp, banks[i], pcr);
			if (v)
				imactl_pcrs_set(p, banks[i], pcr, v, imactl_hash_size(banks[i]));
		}
	r = nread;
out:
	imactl_pcrs_free(tmp);
	session_close(&s);
	return r;
}

/* ---- PCR extension --------------------------------------------------------- */

struct imactl_tpm {
	imactl_ctx *ctx;
	struct tpm_session s;
	struct tcti_target t;
	int banks[TPM_BANKS_MAX];
	size_t nbanks;
};

void imactl_tpm_free(imactl_tpm *t)
{
	if (!t)
		return;
	session_close(&t->s);
	free(t);
}

int imactl_tpm_open(imactl_ctx *ctx, const char *tcti, unsigned int timeout_ms, imactl_tpm **ret,
		    imactl_diag *reterr)
{
	uint32_t masks[TPM_BANKS_MAX];
	imactl_tpm *t;
	TSS2_RC rc;
	int r;

	if (tss2_ready(reterr) < 0)
		return -EOPNOTSUPP;
	if (!ctx || !ret)
		return -EINVAL;
	*ret = NULL;
	if (!timeout_ms)
		timeout_ms = IMACTL_TPM_TIMEOUT_MS;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->ctx = ctx;
	r = tpm_tcti_resolve(tcti, timeout_ms, &t->t, reterr);
	if (r < 0)
		goto fail;
	t->s.conf = t->t.conf;
	t->s.timeout_ms = timeout_ms;
	t->s.deadline = now_ms() + timeout_ms;
	rc = Tss2_TctiLdr_Initialize(t->t.conf, &t->s.tcti);
	if (rc != TSS2_RC_SUCCESS) {
		r = diag_fail(reterr, -ENODEV, "TPM (%s): cannot load the TCTI: %s", t->t.conf,
			      Tss2_RC_Decode(rc));
		goto fail;
	}
	rc = Esys_Initialize(&t->s.esys, t->s.tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		r = tss_fail(&t->s, reterr, rc, "Esys_Initialize");
		goto fail;
	}
	r = get_banks(&t->s, t->banks, &t->nbanks, masks, reterr);
	if (r < 0)
		goto fail;
	if (!t->nbanks) {
		r = diag_fail(reterr, -ENODEV, "TPM (%s): no PCR bank allocated", t->t.conf);
		goto fail;
	}
	*ret = t;
	return 0;
fail:
	imactl_tpm_free(t);
	return r;
}

size_t imactl_tpm_banks(const imactl_tpm *t, int *algos, size_t max)
{
	if (!t)
		return 0;
	for (size_t i = 0; i < t->nbanks && i < max; i++)
		algos[i] = t->banks[i];
	return t->nbanks;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_pcrs *, imactl_pcrs_free)

int imactl_tpm_read_pcr(imactl_tpm *t, int algo, unsigned int pcr, uint8_t *out,
			imactl_diag *reterr)
{
	_cleanup_(imactl_pcrs_freep) imactl_pcrs *p = NULL;
	const uint8_t *v;
	uint32_t got = 0;
	int r;

	if (!t || !out || pcr >= IMACTL_PCR_COUNT || !imactl_hash_tpm_alg(algo))
		return -EINVAL;
	r = imactl_pcrs_new(&p);
	if (r < 0)
		return r;
	t->s.deadline = now_ms() + t->s.timeout_ms;
	r = read_bank(&t->s, algo, 1u << pcr, p, &got, reterr);
	if (r < 0)
		return r;
	v = imactl_pcrs_get(p, algo, pcr);
	if (!v)
		return diag_fail(reterr, -EOPNOTSUPP, "TPM (%s): no %s bank", t->t.conf,
				 imactl_hash_name(algo));
	memcpy(out, v, imactl_hash_size(algo));
	return 0;
}

/* The digest a bank is extended with for template data @data (see tpm.h). */
static int bank_digest(imactl_tpm *t, int algo, const uint8_t *data, size_t len, uint8_t *out,
		       imactl_diag *reterr)
{
	const EVP_MD *md = ctx_md(t->ctx, algo);
	size_t dlen = imactl_hash_size(algo);

	memset(out, 0, dlen);
	if (!md) /* ima_calc_field_array_hash(): no tfm for the bank, SHA-1 padded */
		md = ctx_md(t->ctx, IMACTL_HASH_SHA1);
	if (!md || !EVP_Digest(data, len, out, NULL, md, NULL))
		return diag_fail(reterr, -ENOMEM, "TPM extend: cannot hash for the %s bank",
				 imactl_hash_name(algo));
	return 0;
}

int imactl_tpm_extend_template(imactl_tpm *t, unsigned int pcr, const uint8_t *data, size_t len,
			       int violation, imactl_diag *reterr)
{
	TPML_DIGEST_VALUES v = {0};
	TSS2_RC rc;
	int r;

	if (!t || pcr >= IMACTL_PCR_COUNT || (!violation && !data && len))
		return diag_fail(reterr, -EINVAL, "TPM extend: bad argument");
	for (size_t i = 0; i < t->nbanks && i < ELEMENTSOF(v.digests); i++) {
		int algo = t->banks[i];
		uint8_t *out = (uint8_t *)&v.digests[v.count].digest;

		v.digests[v.count].hashAlg = imactl_hash_tpm_alg(algo);
		if (violation) {
			memset(out, 0xff, imactl_hash_size(algo));
		} else {
			r = bank_digest(t, algo, data, len, out, reterr);
			if (r < 0)
				return r;
		}
		v.count++;
	}
	t->s.deadline = now_ms() + t->s.timeout_ms;
	rc = Esys_PCR_Extend_Async(t->s.esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				   ESYS_TR_NONE, &v);
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail(&t->s, reterr, rc, "PCR_Extend");
	do {
		r = arm_timeout(&t->s, reterr, "PCR_Extend");
		if (r < 0)
			return r;
		rc = Esys_PCR_Extend_Finish(t->s.esys);
	} while (try_again(rc));
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail(&t->s, reterr, rc, "PCR_Extend");
	return 0;
}
