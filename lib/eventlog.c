/* SPDX-License-Identifier: MIT */
/*
 * TCG boot event log (binary_bios_measurements) replay: the TPM 1.2 SHA-1
 * format (TCG_PCR_EVENT) and the TPM 2.0 crypto-agile format (a
 * TCG_PCR_EVENT header carrying the "Spec ID Event03" structure, then
 * TCG_PCR_EVENT2 records), all little-endian (TCG PC Client Platform Firmware
 * Profile, sections 10.2 and 10.4).  Pure and bounded: a cursor over (p, len).
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "ctx.h"
#include "diag.h"
#include "pcr_internal.h"
#include "util/bytes.h"
#include "util/cleanup.h"

#define EV_NO_ACTION	  0x00000003u
#define SPEC_ID_SIG	  "Spec ID Event03" /* 16 bytes with its NUL */
#define STARTUP_LOC_SIG	  "StartupLocality" /* 16 bytes with its NUL */
#define EVENTLOG_ALGS_MAX 8
#define EVENT_DATA_MAX	  (16u << 20)
#define EVENTS_MAX	  (1u << 20)

struct ev_alg {
	uint16_t tpm_alg;
	uint16_t size;
	int algo; /* kernel id, -1 when unknown or unavailable */
	const EVP_MD *md;
};

static int cur_u32(struct cur *c, uint32_t *v)
{
	if (cur_left(c) < 4)
		return -EBADMSG;
	*v = load_le32(c->p);
	c->p += 4;
	return 0;
}

static int cur_u16(struct cur *c, uint16_t *v)
{
	if (cur_left(c) < 2)
		return -EBADMSG;
	*v = load_le16(c->p);
	c->p += 2;
	return 0;
}

static int cur_skip(struct cur *c, size_t n)
{
	if (cur_left(c) < n)
		return -EBADMSG;
	c->p += n;
	return 0;
}

static void init_bank(imactl_pcrs *p, int algo)
{
	for (unsigned int i = 0; i < IMACTL_PCR_COUNT; i++)
		memset(p->v[algo][i], (i >= 17 && i <= 22) ? 0xff : 0, IMACTL_MAX_DIGEST_SIZE);
	p->set[algo] = (1u << IMACTL_PCR_COUNT) - 1;
}

static int bad(imactl_diag *reterr, const struct cur *c, uint64_t ev, const char *what)
{
	return diag_fail_at(reterr, -EBADMSG, (unsigned long)cur_off(c),
			    "event log: event %llu: %s", (unsigned long long)ev, what);
}

/* "Spec ID Event03" from the header event's data. */
static int parse_spec_id(imactl_ctx *ctx, const uint8_t *d, size_t n, struct ev_alg *algs,
			 size_t *ret_n)
{
	struct cur c;
	uint32_t count;

	cur_init(&c, d, n);
	/* signature[16], platformClass u32, minor, major, errata, uintnSize u8 */
	if (cur_skip(&c, 16 + 4 + 4) < 0 || cur_u32(&c, &count) < 0)
		return -EBADMSG;
	if (count == 0 || count > EVENTLOG_ALGS_MAX)
		return -EBADMSG;
	for (uint32_t i = 0; i < count; i++) {
		if (cur_u16(&c, &algs[i].tpm_alg) < 0 || cur_u16(&c, &algs[i].size) < 0)
			return -EBADMSG;
		if (algs[i].size == 0 || algs[i].size > 256)
			return -EBADMSG;
		algs[i].algo = imactl_hash_from_tpm_alg(algs[i].tpm_alg);
		if (algs[i].algo >= 0 && imactl_hash_size(algs[i].algo) != algs[i].size)
			return -EBADMSG;
		algs[i].md = algs[i].algo >= 0 ? ctx_md(ctx, algs[i].algo) : NULL;
		if (!algs[i].md)
			algs[i].algo = -1;
	}
	*ret_n = count;
	return 0;
}

int imactl_eventlog_replay(imactl_ctx *ctx, const uint8_t *data, size_t len, imactl_pcrs *out,
			   imactl_eventlog_info *info, imactl_diag *reterr)
{
	struct ev_alg algs[EVENTLOG_ALGS_MAX];
	imactl_eventlog_info in = {0};
	size_t nalgs = 0;
	struct cur c;
	uint32_t pcr, type, size;
	const uint8_t *ev;
	EVP_MD_CTX *mctx = NULL;
	int r = 0;

	if (!out || (!data && len))
		return -EINVAL;
	cur_init(&c, data, len);
	/* the first event is always a TCG_PCR_EVENT (SHA-1 layout) */
	if (cur_u32(&c, &pcr) < 0 || cur_u32(&c, &type) < 0 || cur_left(&c) < 20)
		return bad(reterr, &c, 0, "truncated header event");
	c.p += 20; /* the header's SHA-1 digest field, zero */
	if (cur_u32(&c, &size) < 0 || size > EVENT_DATA_MAX || cur_left(&c) < size)
		return bad(reterr, &c, 0, "bad header event size");
	ev = c.p;
	c.p += size;
	in.events = 1;
	if (type == EV_NO_ACTION && size >= 16 && !memcmp(ev, SPEC_ID_SIG, 16)) {
		in.crypto_agile = true;
		if (parse_spec_id(ctx, ev, size, algs, &nalgs) < 0)
			return bad(reterr, &c, 0, "malformed Spec ID event");
	} else {
		algs[0] = (struct ev_alg){0x0004, 20, IMACTL_HASH_SHA1,
					  ctx_md(ctx, IMACTL_HASH_SHA1)};
		nalgs = 1;
		c.p = c.start; /* TPM 1.2: the first event is a measurement like the rest */
		in.events = 0;
	}
	for (size_t i = 0; i < nalgs; i++)
		if (algs[i].algo >= 0) {
			init_bank(out, algs[i].algo);
			if (in.n_algos < ELEMENTSOF(in.algos))
				in.algos[in.n_algos++] = algs[i].algo;
		}
	mctx = EVP_MD_CTX_new();
	if (!mctx)
		return -ENOMEM;

	while (cur_left(&c) > 0) {
		const uint8_t *dig[EVENTLOG_ALGS_MAX] = {0};
		uint64_t evn = in.events;

		if (in.events >= EVENTS_MAX) {
			r = diag_fail(reterr, -EMSGSIZE, "event log: more than %u events",
				      EVENTS_MAX);
			goto out;
		}
		if (cur_u32(&c, &pcr) < 0 || cur_u32(&c, &type) < 0) {
			r = bad(reterr, &c, evn, "truncated event header");
			goto out;
		}
		if (pcr >= IMACTL_PCR_COUNT) {
			r = bad(reterr, &c, evn, "PCR index out of range");
			goto out;
		}
		if (in.crypto_agile) {
			uint32_t count;

			if (cur_u32(&c, &count) < 0 || count > EVENTLOG_ALGS_MAX) {
				r = bad(reterr, &c, evn, "bad digest count");
				goto out;
			}
			for (uint32_t k = 0; k < count; k++) {
				uint16_t alg;
				size_t j;

				if (cur_u16(&c, &alg) < 0) {
					r = bad(reterr, &c, evn, "truncated digest");
					goto out;
				}
				for (j = 0; j < nalgs && algs[j].tpm_alg != alg; j++)
					;
				if (j == nalgs) {
					r = bad(reterr, &c, evn, "digest of a bank not in Spec ID");
					goto out;
				}
				dig[j] = c.p;
				if (cur_skip(&c, algs[j].size) < 0) {
					r = bad(reterr, &c, evn, "truncated digest");
					goto out;
				}
			}
		} else {
			dig[0] = c.p;
			if (cur_skip(&c, 20) < 0) {
				r = bad(reterr, &c, evn, "truncated digest");
				goto out;
			}
		}
		if (cur_u32(&c, &size) < 0 || size > EVENT_DATA_MAX || cur_left(&c) < size) {
			r = bad(reterr, &c, evn, "bad event size");
			goto out;
		}
		ev = c.p;
		c.p += size;
		in.events++;
		if (type == EV_NO_ACTION) {
			/* StartupLocality sets PCR 0's initial value (H-CRTM: 3 or 4) */
			if (pcr == 0 && size >= 17 && !memcmp(ev, STARTUP_LOC_SIG, 16) &&
			    !(in.pcr_mask & 1u)) {
				in.locality = ev[16];
				for (size_t j = 0; j < nalgs; j++)
					if (algs[j].algo >= 0)
						out->v[algs[j].algo][0][algs[j].size - 1] = ev[16];
			}
			continue;
		}
		in.pcr_mask |= 1u << pcr;
		for (size_t j = 0; j < nalgs; j++) {
			if (algs[j].algo < 0 || !dig[j])
				continue;
			if (pcr_extend(mctx, algs[j].md, out, algs[j].algo, pcr, dig[j],
				       algs[j].size) < 0) {
				r = diag_fail_ossl(reterr, -ENOMEM, "event log: extending");
				goto out;
			}
		}
	}
	if (info)
		*info = in;
out:
	EVP_MD_CTX_free(mctx);
	return r;
}
