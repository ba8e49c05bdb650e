/* SPDX-License-Identifier: MIT */
/*
 * PCR value sets, reading them (evmctl --pcrs files, tpm2_pcrread output,
 * sysfs), measurement list replay and IMA's boot_aggregate.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ctx.h"
#include "diag.h"
#include "digest_table.h"
#include "pcr_internal.h"
#include "util/cleanup.h"
#include "util/hex.h"

#define REPLAY_BANKS_MAX 8

int imactl_pcrs_new(imactl_pcrs **ret)
{
	imactl_pcrs *p;

	if (!ret)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

void imactl_pcrs_free(imactl_pcrs *p)
{
	free(p);
}

static bool bank_ok(int algo)
{
	return algo >= 0 && algo < IMACTL_HASH__MAX && imactl_hash_size(algo) > 0;
}

int imactl_pcrs_set(imactl_pcrs *p, int algo, unsigned int pcr, const uint8_t *v, size_t len)
{
	if (!p || !v || !bank_ok(algo) || pcr >= IMACTL_PCR_COUNT || len != imactl_hash_size(algo))
		return -EINVAL;
	memcpy(p->v[algo][pcr], v, len);
	p->set[algo] |= 1u << pcr;
	return 0;
}

const uint8_t *imactl_pcrs_get(const imactl_pcrs *p, int algo, unsigned int pcr)
{
	if (!p || !bank_ok(algo) || pcr >= IMACTL_PCR_COUNT || !(p->set[algo] & (1u << pcr)))
		return NULL;
	return p->v[algo][pcr];
}

int imactl_pcrs_has_bank(const imactl_pcrs *p, int algo)
{
	return p && bank_ok(algo) && p->set[algo] != 0;
}

int pcr_extend(EVP_MD_CTX *mctx, const EVP_MD *md, imactl_pcrs *p, int algo, unsigned int pcr,
	       const uint8_t *digest, size_t len)
{
	uint8_t *v = p->v[algo][pcr];

	if (!(p->set[algo] & (1u << pcr))) {
		memset(v, 0, IMACTL_MAX_DIGEST_SIZE);
		p->set[algo] |= 1u << pcr;
	}
	if (!EVP_DigestInit_ex2(mctx, md, NULL) || !EVP_DigestUpdate(mctx, v, len) ||
	    !EVP_DigestUpdate(mctx, digest, len) || !EVP_DigestFinal_ex(mctx, v, NULL))
		return -ENOMEM;
	return 0;
}

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	return s;
}

static const char *rtrim(const char *s, const char *end)
{
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	return end;
}

static int parse_index(const char *s, size_t n, unsigned int *ret)
{
	unsigned int v = 0;

	if (n == 0 || n > 2)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v >= IMACTL_PCR_COUNT)
		return -EBADMSG;
	*ret = v;
	return 0;
}

static int set_hex(imactl_pcrs *p, int algo, unsigned int pcr, const char *h, size_t n,
		   unsigned long line, imactl_diag *reterr)
{
	uint8_t v[IMACTL_MAX_DIGEST_SIZE];
	long len = hex_decode(h, n, v, sizeof(v));

	if (len <= 0)
		return diag_fail_pos(reterr, -EBADMSG, NULL, line, 0, "bad PCR value hex");
	if (algo < 0)
		algo = hash_algo_for_len((size_t)len);
	if (algo < 0 || (size_t)len != imactl_hash_size(algo))
		return diag_fail_pos(reterr, -EBADMSG, NULL, line, 0,
				     "PCR value of %ld bytes does not fit the bank", len);
	return imactl_pcrs_set(p, algo, pcr, v, (size_t)len);
}

int imactl_pcrs_parse(imactl_pcrs *p, int algo, const char *text, size_t len, imactl_diag *reterr)
{
	const char *s = text, *end = text + len;
	int bank = -1; /* tpm2_pcrread's current bank */
	unsigned long line = 0;
	int count = 0, r;

	if (!p || (!text && len))
		return -EINVAL;
	if (algo >= 0 && !bank_ok(algo))
		return diag_fail(reterr, -EOPNOTSUPP, "unknown PCR bank %d", algo);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *b, *e, *colon;
		unsigned int pcr;

		line++;
		b = skip_ws(s, le);
		e = rtrim(b, le);
		s = nl ? nl + 1 : end;
		if (b == e || *b == '#')
			continue;
		colon = memchr(b, ':', (size_t)(e - b));
		if (!colon)
			return diag_fail_pos(reterr, -EBADMSG, NULL, line, 0, "no ':' in PCR line");
		if ((size_t)(e - b) > 4 && !memcmp(b, "PCR-", 4)) {
			/* evmctl: "PCR-NN: <hex>" */
			const char *h = skip_ws(colon + 1, e);
			if (parse_index(b + 4, (size_t)(colon - b - 4), &pcr) < 0)
				return diag_fail_pos(reterr, -EBADMSG, NULL, line, 0,
						     "bad PCR number");
			r = set_hex(p, algo, pcr, h, (size_t)(e - h), line, reterr);
		} else if (colon + 1 == e) {
			/* tpm2_pcrread: a bank header "sha256:" */
			char name[16];
			const char *ne = rtrim(b, colon);
			if ((size_t)(ne - b) >= sizeof(name))
				return diag_fail_pos(reterr, -EOPNOTSUPP, NULL, line, 0,
						     "unknown PCR bank");
			memcpy(name, b, (size_t)(ne - b));
			name[ne - b] = '\0';
			if (!strcmp(name, "sm3_256"))
				strcpy(name, "sm3");
			bank = imactl_hash_from_name(name);
			if (bank < 0 || !imactl_hash_tpm_alg(bank))
				return diag_fail_pos(reterr, -EOPNOTSUPP, NULL, line, 0,
						     "unknown PCR bank '%s'", name);
			continue;
		} else {
			/* tpm2_pcrread: "  N : 0x<HEX>" */
			const char *h = skip_ws(colon + 1, e);
			if (bank < 0)
				return diag_fail_pos(reterr, -EBADMSG, NULL, line, 0,
						     "PCR value before a bank name");
			if (parse_index(b, (size_t)(rtrim(b, colon) - b), &pcr) < 0)
				return diag_fail_pos(reterr, -EBADMSG, NULL, line, 0,
						     "bad PCR number");
			if (e - h > 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
				h += 2;
			r = set_hex(p, bank, pcr, h, (size_t)(e - h), line, reterr);
		}
		if (r < 0)
			return r;
		count++;
	}
	return count;
}

static const int default_banks[] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256, IMACTL_HASH_SHA384,
				    IMACTL_HASH_SHA512, IMACTL_HASH_SM3_256};

static int read_sysfs_value(const char *path, uint8_t *v, size_t want)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	char buf[2 * IMACTL_MAX_DIGEST_SIZE + 8];
	ssize_t n;
	size_t m;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	m = (size_t)n;
	while (m && (buf[m - 1] == '\n' || buf[m - 1] == ' '))
		m--;
	if (hex_decode(buf, m, v, IMACTL_MAX_DIGEST_SIZE) != (long)want)
		return -EBADMSG;
	return 0;
}

int imactl_pcrs_read_sysfs(imactl_pcrs *p, const char *tpm_dir, const int *algos, size_t n_algos,
			   imactl_diag *reterr)
{
	int banks = 0;

	if (!p || !tpm_dir)
		return -EINVAL;
	if (n_algos == 0) {
		algos = default_banks;
		n_algos = ELEMENTSOF(default_banks);
	}
	for (size_t i = 0; i < n_algos; i++) {
		const char *name = imactl_hash_name(algos[i]);
		size_t want = imactl_hash_size(algos[i]);
		int got = 0;

		if (!name || !want)
			continue;
		for (unsigned int pcr = 0; pcr < IMACTL_PCR_COUNT; pcr++) {
			char path[512];
			uint8_t v[IMACTL_MAX_DIGEST_SIZE];
			int r;

			snprintf(path, sizeof(path), "%s/pcr-%s/%u", tpm_dir, name, pcr);
			r = read_sysfs_value(path, v, want);
			if (r == -ENOENT && pcr == 0)
				break; /* the TPM has no such bank */
			if (r < 0)
				continue;
			imactl_pcrs_set(p, algos[i], pcr, v, want);
			got = 1;
		}
		banks += got;
	}
	if (!banks)
		return diag_fail(reterr, -ENODEV, "no PCR banks readable under '%s'", tpm_dir);
	return banks;
}

struct replay_bank {
	int algo;
	size_t len;
	const EVP_MD *md;
	EVP_MD_CTX *mctx;
};

struct imactl_replay {
	imactl_ctx *ctx;
	unsigned flags;
	const imactl_pcrs *expected;
	struct replay_bank banks[REPLAY_BANKS_MAX];
	size_t nbanks;
	EVP_MD_CTX *check_ctx;
	imactl_pcrs *pcrs;
	uint32_t mask;
	uint64_t entries, violations;
	int64_t first_bad;
	uint64_t matched_at[REPLAY_BANKS_MAX][IMACTL_PCR_COUNT];
	uint64_t last_entry[IMACTL_PCR_COUNT];
};

void imactl_replay_free(imactl_replay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nbanks; i++)
		EVP_MD_CTX_free(r->banks[i].mctx);
	EVP_MD_CTX_free(r->check_ctx);
	imactl_pcrs_free(r->pcrs);
	free(r);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_replay *, imactl_replay_free)

int imactl_replay_new(imactl_ctx *ctx, const int *algos, size_t n_algos, unsigned flags,
		      const imactl_pcrs *expected, imactl_replay **ret, imactl_diag *reterr)
{
	_cleanup_(imactl_replay_freep) imactl_replay *r = NULL;

	if (!ret || (!algos && n_algos) || n_algos > REPLAY_BANKS_MAX)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->ctx = ctx;
	r->flags = flags;
	r->expected = expected;
	r->first_bad = -1;
	if (imactl_pcrs_new(&r->pcrs) < 0)
		return -ENOMEM;
	r->check_ctx = EVP_MD_CTX_new();
	if (!r->check_ctx)
		return -ENOMEM;
	for (size_t i = 0; i < n_algos; i++) {
		struct replay_bank *b = &r->banks[r->nbanks];
		bool dup = false;

		for (size_t j = 0; j < r->nbanks; j++)
			dup |= r->banks[j].algo == algos[i];
		if (dup)
			continue;
		b->algo = algos[i];
		b->len = imactl_hash_size(algos[i]);
		b->md = ctx_md(ctx, algos[i]);
		if (!b->md || !b->len)
			return diag_fail(reterr, -EOPNOTSUPP, "PCR bank %s: hash unavailable",
					 imactl_hash_name(algos[i]) ? imactl_hash_name(algos[i])
								    : "?");
		b->mctx = EVP_MD_CTX_new();
		if (!b->mctx)
			return -ENOMEM;
		r->nbanks++;
	}
	*ret = TAKE_PTR(r);
	return 0;
}

static int hash_into(EVP_MD_CTX *mctx, const EVP_MD *md, const uint8_t *p, size_t n, uint8_t *out)
{
	if (!EVP_DigestInit_ex2(mctx, md, NULL) || !EVP_DigestUpdate(mctx, p, n) ||
	    !EVP_DigestFinal_ex(mctx, out, NULL))
		return -ENOMEM;
	return 0;
}

int imactl_replay_extend(imactl_replay *r, const imactl_mlog_entry *e, imactl_diag *reterr)
{
	static const uint8_t ff[IMACTL_MAX_DIGEST_SIZE] = {
		[0 ... IMACTL_MAX_DIGEST_SIZE - 1] = 0xff,
	};
	bool checked = false, bad = false;
	uint8_t d[IMACTL_MAX_DIGEST_SIZE];

	if (!r || !e)
		return -EINVAL;
	if (e->pcr >= IMACTL_PCR_COUNT)
		return diag_fail_at(reterr, -EBADMSG, (unsigned long)e->offset,
				    "entry %llu: PCR %u out of range", (unsigned long long)e->index,
				    e->pcr);
	r->entries++;
	r->mask |= 1u << e->pcr;
	r->last_entry[e->pcr] = r->entries;
	if (e->violation)
		r->violations++;
	for (size_t i = 0; i < r->nbanks; i++) {
		struct replay_bank *b = &r->banks[i];
		const uint8_t *ext;

		if (e->violation) {
			ext = ff; /* ima_add_violation(): 0xff in every bank */
		} else if (b->algo == e->digest_algo) {
			ext = e->digest;
			if (r->flags & IMACTL_REPLAY_CHECK_TEMPLATE) {
				if (hash_into(b->mctx, b->md, e->hashed, e->hashed_len, d) < 0)
					return diag_fail_ossl(reterr, -ENOMEM, "hashing");
				bad = memcmp(d, e->digest, b->len) != 0;
				checked = true;
			}
		} else {
			if (hash_into(b->mctx, b->md, e->hashed, e->hashed_len, d) < 0)
				return diag_fail_ossl(reterr, -ENOMEM, "hashing");
			ext = d;
		}
		if (pcr_extend(b->mctx, b->md, r->pcrs, b->algo, e->pcr, ext, b->len) < 0)
			return diag_fail_ossl(reterr, -ENOMEM, "extending");
		if (r->expected) {
			const uint8_t *x = imactl_pcrs_get(r->expected, b->algo, e->pcr);
			if (x && !memcmp(x, r->pcrs->v[b->algo][e->pcr], b->len))
				r->matched_at[i][e->pcr] = r->entries;
		}
	}
	if ((r->flags & IMACTL_REPLAY_CHECK_TEMPLATE) && !checked && !e->violation) {
		const EVP_MD *md = ctx_md(r->ctx, e->digest_algo);
		if (!md)
			return diag_fail(reterr, -EOPNOTSUPP,
					 "template digest algorithm unavailable");
		if (hash_into(r->check_ctx, md, e->hashed, e->hashed_len, d) < 0)
			return diag_fail_ossl(reterr, -ENOMEM, "hashing");
		bad = memcmp(d, e->digest, e->digest_len) != 0;
	}
	if (bad) {
		if (r->first_bad < 0)
			r->first_bad = (int64_t)e->index;
		return diag_fail_at(reterr, -EKEYREJECTED, (unsigned long)e->offset,
				    "entry %llu: template digest does not match its data",
				    (unsigned long long)e->index);
	}
	return 0;
}

const imactl_pcrs *imactl_replay_pcrs(const imactl_replay *r)
{
	return r ? r->pcrs : NULL;
}

uint32_t imactl_replay_pcr_mask(const imactl_replay *r)
{
	return r ? r->mask : 0;
}

uint64_t imactl_replay_entries(const imactl_replay *r)
{
	return r ? r->entries : 0;
}

int64_t imactl_replay_first_bad_template(const imactl_replay *r)
{
	return r ? r->first_bad : -1;
}

uint64_t imactl_replay_violations(const imactl_replay *r)
{
	return r ? r->violations : 0;
}

size_t imactl_replay_verdicts(const imactl_replay *r, imactl_pcr_verdict *out, size_t cap)
{
	size_t n = 0;

	if (!r)
		return 0;
	for (size_t i = 0; i < r->nbanks; i++) {
		const struct replay_bank *b = &r->banks[i];

		for (unsigned int pcr = 0; pcr < IMACTL_PCR_COUNT; pcr++) {
			const uint8_t *x;
			imactl_pcr_verdict v = {.algo = b->algo, .pcr = pcr, .len = b->len};

			if (!(r->mask & (1u << pcr)))
				continue;
			memcpy(v.computed, r->pcrs->v[b->algo][pcr], b->len);
			v.last_entry = r->last_entry[pcr];
			x = r->expected ? imactl_pcrs_get(r->expected, b->algo, pcr) : NULL;
			if (!x) {
				v.status = IMACTL_PCR_NO_REFERENCE;
			} else {
				memcpy(v.expected, x, b->len);
				v.matched_at = r->matched_at[i][pcr];
				if (!memcmp(x, v.computed, b->len))
					v.status = IMACTL_PCR_MATCH;
				else if (v.matched_at)
					v.status = IMACTL_PCR_MATCH_AHEAD;
				else
					v.status = IMACTL_PCR_MISMATCH;
			}
			if (n < cap)
				out[n] = v;
			n++;
		}
	}
	return n;
}

int imactl_replay_result(const imactl_replay *r)
{
	imactl_pcr_verdict v[REPLAY_BANKS_MAX * IMACTL_PCR_COUNT];
	size_t n = imactl_replay_verdicts(r, v, ELEMENTSOF(v));
	size_t compared = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].status == IMACTL_PCR_MISMATCH)
			return -EKEYREJECTED;
		if (v[i].status != IMACTL_PCR_NO_REFERENCE)
			compared++;
	}
	return compared ? 0 : -ENODATA;
}

int imactl_boot_aggregate(imactl_ctx *ctx, int algo, const imactl_pcrs *pcrs, uint8_t *ret_digest,
			  imactl_diag *reterr)
{
	/* ima_crypto.c: "Registers 8-9 are only included in non-SHA1 boot_aggregate digests" */
	unsigned int last = algo == IMACTL_HASH_SHA1 ? 7 : 9;
	const EVP_MD *md = ctx_md(ctx, algo);
	EVP_MD_CTX *mctx;
	size_t len = imactl_hash_size(algo);
	int r = 0;

	if (!pcrs || !ret_digest)
		return -EINVAL;
	if (!md || !len)
		return diag_fail(reterr, -EOPNOTSUPP, "boot_aggregate: bank %d unavailable", algo);
	for (unsigned int i = 0; i <= last; i++)
		if (!imactl_pcrs_get(pcrs, algo, i))
			return diag_fail(reterr, -ENODATA, "boot_aggregate: no %s PCR %u",
					 imactl_hash_name(algo), i);
	mctx = EVP_MD_CTX_new();
	if (!mctx || !EVP_DigestInit_ex2(mctx, md, NULL))
		r = -ENOMEM;
	for (unsigned int i = 0; !r && i <= last; i++)
		if (!EVP_DigestUpdate(mctx, imactl_pcrs_get(pcrs, algo, i), len))
			r = -ENOMEM;
	if (!r && !EVP_DigestFinal_ex(mctx, ret_digest, NULL))
		r = -ENOMEM;
	EVP_MD_CTX_free(mctx);
	if (r < 0)
		return diag_fail_ossl(reterr, r, "boot_aggregate: hashing");
	return 0;
}
