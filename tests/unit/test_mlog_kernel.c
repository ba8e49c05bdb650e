/* SPDX-License-Identifier: MIT */
/*
 * The measurement list reader, PCR replay, boot_aggregate and signature checks
 * against the captures tests/kernel/capture-measurements.sh made from real
 * Debian kernels under qemu + swtpm (tests/data/kernel-<6.1|6.12>-tcb-templates,
 * see their README.txt): ima-ng, ima-sig and ima-buf entries in one log, one
 * open_writers violation, sha1+sha256 banks on 6.1, sha1/sha256/sha384/sha512
 * banks and the 6.10+ per-bank lists on 6.12, and tampered copies that must
 * fail at the entry their README names.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/testutil.h"
#include "imactl/digest.h"
#include "imactl/imactl.h"
#include "imactl/key.h"
#include "imactl/mlog.h"
#include "imactl/pcr.h"
#include "imactl/sig.h"

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

/* What each capture holds (from its README.txt and the capture script). */
struct capture {
	const char *dir;
	int banks[4];
	size_t nbanks;
	bool per_bank; /* 6.10+: binary_runtime_measurements_<bank> */
	uint64_t entries, n_ng, n_sig, n_buf;
	/* tampered-*.bin (legacy list): /mnt/data/root.txt */
	uint64_t tamper_idx;
	/* tampered-*.runtime_measurements_sha256: /mnt/data/signed.txt */
	uint64_t bank_tamper_idx;
};

static const struct capture caps[] = {
	{"kernel-6.1-tcb-templates",
	 {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256},
	 2,
	 false,
	 35,
	 29,
	 4,
	 2,
	 31,
	 0},
	{"kernel-6.12-tcb-templates",
	 {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256, IMACTL_HASH_SHA384, IMACTL_HASH_SHA512},
	 4,
	 true,
	 30,
	 24,
	 4,
	 2,
	 26,
	 22},
};
#define NCAPS (sizeof(caps) / sizeof(caps[0]))

static const char *path(const struct capture *c, const char *file)
{
	static char buf[4][512];
	static int slot;
	char *p = buf[slot++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", c->dir, file);
	return p;
}

static unsigned long read_number(const struct capture *c, const char *file)
{
	size_t len;
	uint8_t *t = tu_read(tu_data(path(c, file)), &len);
	unsigned long v = strtoul((const char *)t, NULL, 10);

	free(t);
	return v;
}

static imactl_pcrs *load_pcrs(const struct capture *c)
{
	imactl_pcrs *p = NULL;

	assert_int_equal(imactl_pcrs_new(&p), 0);
	for (size_t b = 0; b < c->nbanks; b++) {
		char f[64];
		size_t len;
		uint8_t *t;

		snprintf(f, sizeof(f), "pcrs-%s.txt", imactl_hash_name(c->banks[b]));
		t = tu_read(tu_data(path(c, f)), &len);
		assert_int_equal(imactl_pcrs_parse(p, c->banks[b], (const char *)t, len, NULL), 24);
		free(t);
	}
	return p;
}

/* A list with its template digest algorithm (-1: legacy SHA-1 / from ascii). */
struct list {
	const char *file;
	int algo;
};

static size_t lists_of(const struct capture *c, struct list *out)
{
	size_t n = 0;
	static char names[4][64];

	out[n++] = (struct list){"binary_runtime_measurements", -1};
	out[n++] = (struct list){"ascii_runtime_measurements", -1};
	if (c->per_bank) {
		for (size_t b = 0; b < c->nbanks; b++) {
			snprintf(names[b], sizeof(names[b]), "binary_runtime_measurements_%s",
				 imactl_hash_name(c->banks[b]));
			out[n++] = (struct list){names[b], c->banks[b]};
		}
		out[n++] = (struct list){"ascii_runtime_measurements_sha256", IMACTL_HASH_SHA256};
	}
	return n;
}

/* One list read and replayed into every bank of the capture. */
struct run {
	uint64_t entries, violations, n_ng, n_sig, n_buf;
	int parse_rc;
	int64_t first_bad;
	imactl_replay *r;
	char names[64][80];
};

static void replay(const struct capture *c, const char *file, int algo, const imactl_pcrs *exp,
		   struct run *out)
{
	size_t len;
	uint8_t *buf = tu_read(tu_data(path(c, file)), &len);
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;
	int r;

	memset(out, 0, sizeof(*out));
	assert_int_equal(imactl_replay_new(ctx, c->banks, c->nbanks, IMACTL_REPLAY_CHECK_TEMPLATE,
					   exp, &out->r, NULL),
			 0);
	assert_int_equal(imactl_mlog_open_buf(ctx, buf, len, IMACTL_MLOG_AUTO, algo, 0, &l, NULL),
			 0);
	while ((r = imactl_mlog_next(l, &e, NULL)) == 1) {
		int x = imactl_replay_extend(out->r, e, NULL);

		assert_true(x == 0 || x == -EKEYREJECTED);
		assert_int_equal(e->index, out->entries);
		if (e->violation)
			out->violations++;
		if (!strcmp(e->template_name, "ima-ng"))
			out->n_ng++;
		else if (!strcmp(e->template_name, "ima-sig"))
			out->n_sig++;
		else if (!strcmp(e->template_name, "ima-buf"))
			out->n_buf++;
		if (out->entries < 64)
			snprintf(out->names[out->entries], sizeof(out->names[0]), "%s",
				 e->name ? e->name : "");
		out->entries++;
	}
	out->parse_rc = r;
	out->first_bad = imactl_replay_first_bad_template(out->r);
	imactl_mlog_free(l);
	free(buf);
}

/* Every list of every capture parses, re-checks and replays to every captured bank. */
static void test_captures_replay(void **state)
{
	(void)state;
	for (size_t k = 0; k < NCAPS; k++) {
		const struct capture *c = &caps[k];
		imactl_pcrs *exp = load_pcrs(c);
		struct list lists[8];
		size_t nl = lists_of(c, lists);

		assert_int_equal(read_number(c, "runtime_measurements_count"), c->entries);
		assert_int_equal(read_number(c, "violations"), 1);
		for (size_t i = 0; i < nl; i++) {
			struct run run;
			imactl_pcr_verdict v[8];
			size_t n;

			replay(c, lists[i].file, lists[i].algo, exp, &run);
			assert_int_equal(run.parse_rc, 0);
			assert_int_equal(run.entries, c->entries);
			assert_int_equal(run.first_bad, -1);
			assert_int_equal(run.violations, 1);
			assert_int_equal(run.n_ng, c->n_ng);
			assert_int_equal(run.n_sig, c->n_sig);
			assert_int_equal(run.n_buf, c->n_buf);
			assert_string_equal(run.names[0], "boot_aggregate");
			assert_string_equal(run.names[c->entries - 2], "/violation.txt");
			assert_int_equal(imactl_replay_violations(run.r), 1);
			assert_int_equal(imactl_replay_pcr_mask(run.r), 1u << 10);
			n = imactl_replay_verdicts(run.r, v, 8);
			assert_int_equal(n, c->nbanks);
			for (size_t b = 0; b < n; b++) {
				if (v[b].status != IMACTL_PCR_MATCH)
					fail_msg("%s/%s: bank %s status %d", c->dir, lists[i].file,
						 imactl_hash_name(v[b].algo), v[b].status);
				assert_int_equal(v[b].pcr, 10);
				assert_int_equal(v[b].matched_at, c->entries);
			}
			assert_int_equal(imactl_replay_result(run.r), 0);
			imactl_replay_free(run.r);
		}
		imactl_pcrs_free(exp);
	}
}

/*
 * The per-bank lists (6.12) hold the same template data as the legacy list,
 * with each bank's own template digests: the digest of entry i in
 * binary_runtime_measurements_<bank> is <bank> over the template data (SHA-1
 * for the legacy list), and the violation is all zeros in every list.
 */
static void test_per_bank_lists(void **state)
{
	const struct capture *c = &caps[1];
	size_t llen;
	uint8_t *legacy = tu_read(tu_data(path(c, "binary_runtime_measurements")), &llen);
	size_t slen;
	uint8_t *sha1 = tu_read(tu_data(path(c, "binary_runtime_measurements_sha1")), &slen);

	(void)state;
	assert_true(c->per_bank);
	/* the sha1 per-bank list is the legacy file byte for byte */
	assert_int_equal(llen, slen);
	assert_memory_equal(legacy, sha1, llen);
	free(sha1);
	for (size_t b = 1; b < c->nbanks; b++) {
		char f[64];
		size_t len;
		uint8_t *buf;
		imactl_mlog *a = NULL, *l = NULL;
		const imactl_mlog_entry *ea, *eb;
		uint64_t n = 0;
		int ra, rb;

		snprintf(f, sizeof(f), "binary_runtime_measurements_%s",
			 imactl_hash_name(c->banks[b]));
		buf = tu_read(tu_data(path(c, f)), &len);
		assert_int_equal(imactl_mlog_open_buf(ctx, legacy, llen, IMACTL_MLOG_BINARY, -1, 0,
						      &a, NULL),
				 0);
		assert_int_equal(imactl_mlog_open_buf(ctx, buf, len, IMACTL_MLOG_BINARY,
						      c->banks[b], 0, &l, NULL),
				 0);
		for (;;) {
			uint8_t d[IMACTL_MAX_DIGEST_SIZE];

			ra = imactl_mlog_next(a, &ea, NULL);
			rb = imactl_mlog_next(l, &eb, NULL);
			assert_int_equal(ra, rb);
			if (ra != 1)
				break;
			assert_int_equal(eb->digest_algo, c->banks[b]);
			assert_int_equal(eb->digest_len, imactl_hash_size(c->banks[b]));
			assert_int_equal(ea->hashed_len, eb->hashed_len);
			assert_memory_equal(ea->hashed, eb->hashed, ea->hashed_len);
			assert_int_equal(ea->violation, eb->violation);
			if (eb->violation) {
				assert_string_equal(eb->name, "/violation.txt");
			} else {
				assert_int_equal(imactl_hash_buf(ctx, c->banks[b], eb->hashed,
								 eb->hashed_len, d, NULL),
						 0);
				assert_memory_equal(d, eb->digest, eb->digest_len);
				assert_int_equal(imactl_mlog_entry_check(ctx, eb, NULL), 0);
			}
			n++;
		}
		assert_int_equal(ra, 0);
		assert_int_equal(n, c->entries);
		imactl_mlog_free(a);
		imactl_mlog_free(l);
		free(buf);
	}
	free(legacy);
}

/*
 * boot_aggregate: the TCG event log SeaBIOS wrote replays to the captured PCRs
 * 0-9 in every bank, and the boot_aggregate computed from it (sha256: the
 * kernel's ima_hash) is the d-ng digest of the log's first entry.
 */
static void test_boot_aggregate(void **state)
{
	(void)state;
	for (size_t k = 0; k < NCAPS; k++) {
		const struct capture *c = &caps[k];
		imactl_pcrs *exp = load_pcrs(c), *ev = NULL;
		imactl_eventlog_info info;
		size_t len;
		uint8_t *bios = tu_read(tu_data(path(c, "binary_bios_measurements")), &len);
		uint8_t *list;
		uint8_t agg[IMACTL_MAX_DIGEST_SIZE];
		imactl_mlog *l = NULL;
		const imactl_mlog_entry *e;

		assert_int_equal(imactl_pcrs_new(&ev), 0);
		assert_int_equal(imactl_eventlog_replay(ctx, bios, len, ev, &info, NULL), 0);
		assert_true(info.crypto_agile);
		assert_int_equal(info.n_algos, c->nbanks);
		for (size_t b = 0; b < c->nbanks; b++) {
			size_t hs = imactl_hash_size(c->banks[b]);

			for (unsigned pcr = 0; pcr < 8; pcr++) {
				const uint8_t *x = imactl_pcrs_get(ev, c->banks[b], pcr);
				const uint8_t *y = imactl_pcrs_get(exp, c->banks[b], pcr);

				assert_non_null(x);
				assert_non_null(y);
				if (memcmp(x, y, hs))
					fail_msg("%s: event log PCR %u %s differs from the TPM",
						 c->dir, pcr, imactl_hash_name(c->banks[b]));
			}
		}
		free(bios);

		list = tu_read(tu_data(path(c, "binary_runtime_measurements")), &len);
		assert_int_equal(
			imactl_mlog_open_buf(ctx, list, len, IMACTL_MLOG_BINARY, -1, 0, &l, NULL),
			0);
		assert_int_equal(imactl_mlog_next(l, &e, NULL), 1);
		assert_string_equal(e->name, "boot_aggregate");
		assert_int_equal(e->file_algo, IMACTL_HASH_SHA256);
		/* PCR 8 and 9 are zero here (no bootloader): aggregate over the TPM's */
		assert_int_equal(imactl_boot_aggregate(ctx, IMACTL_HASH_SHA256, exp, agg, NULL), 0);
		assert_memory_equal(agg, e->file_digest, 32);
		/* and from the event log alone (PCR 8/9 absent there: zero, as on the TPM) */
		for (unsigned pcr = 8; pcr < 10; pcr++)
			if (!imactl_pcrs_get(ev, IMACTL_HASH_SHA256, pcr)) {
				uint8_t z[32] = {0};
				assert_int_equal(
					imactl_pcrs_set(ev, IMACTL_HASH_SHA256, pcr, z, 32), 0);
			}
		memset(agg, 0, sizeof(agg));
		assert_int_equal(imactl_boot_aggregate(ctx, IMACTL_HASH_SHA256, ev, agg, NULL), 0);
		assert_memory_equal(agg, e->file_digest, 32);
		imactl_mlog_free(l);
		free(list);
		imactl_pcrs_free(ev);
		imactl_pcrs_free(exp);
	}
}

/*
 * ima-buf (KEY_CHECK): the builtin keys queued at boot and measured when the
 * policy was loaded, then the cert added to _ima: buf is the DER certificate,
 * the d-ng digest is sha256 over it.
 */
static void test_ima_buf_keys(void **state)
{
	(void)state;
	for (size_t k = 0; k < NCAPS; k++) {
		const struct capture *c = &caps[k];
		size_t len, clen;
		uint8_t *list = tu_read(tu_data(path(c, "binary_runtime_measurements")), &len);
		uint8_t *cert = tu_read(tu_data(path(c, "ima-cert.der")), &clen);
		imactl_mlog *l = NULL;
		const imactl_mlog_entry *e;
		unsigned nbuf = 0;
		bool ima_ring = false, builtin = false;

		assert_int_equal(
			imactl_mlog_open_buf(ctx, list, len, IMACTL_MLOG_BINARY, -1, 0, &l, NULL),
			0);
		while (imactl_mlog_next(l, &e, NULL) == 1) {
			uint8_t d[32];
			imactl_key *key = NULL;

			if (strcmp(e->template_name, "ima-buf"))
				continue;
			nbuf++;
			assert_string_equal(e->template_fmt, "d-ng|n-ng|buf");
			assert_non_null(e->buf);
			assert_true(e->buf_len > 100);
			assert_int_equal(e->file_algo, IMACTL_HASH_SHA256);
			assert_int_equal(imactl_hash_buf(ctx, IMACTL_HASH_SHA256, e->buf,
							 e->buf_len, d, NULL),
					 0);
			assert_memory_equal(d, e->file_digest, 32);
			/* every measured key is an X.509 certificate */
			assert_int_equal(
				imactl_key_load_public_mem(ctx, e->buf, e->buf_len, &key, NULL), 0);
			imactl_key_free(key);
			if (!strcmp(e->name, "_ima")) {
				ima_ring = true;
				assert_int_equal(e->buf_len, clen);
				assert_memory_equal(e->buf, cert, clen);
			} else if (!strcmp(e->name, ".builtin_trusted_keys")) {
				builtin = true;
			}
		}
		assert_int_equal(nbuf, c->n_buf);
		assert_true(ima_ring);
		assert_true(builtin);
		imactl_mlog_free(l);
		free(list);
		free(cert);
	}
}

/* ima-sig: signed files verify with the captured cert; unsigned ones carry none. */
static void test_ima_sig(void **state)
{
	(void)state;
	for (size_t k = 0; k < NCAPS; k++) {
		const struct capture *c = &caps[k];
		size_t len;
		uint8_t *list = tu_read(tu_data(path(c, "binary_runtime_measurements")), &len);
		imactl_keyring *kr = NULL;
		imactl_key *key = NULL;
		imactl_mlog *l = NULL;
		const imactl_mlog_entry *e;
		unsigned verified = 0, empty = 0;

		assert_int_equal(
			imactl_key_load_public(ctx, tu_data(path(c, "ima-cert.der")), &key, NULL),
			0);
		assert_int_equal(imactl_keyring_new(&kr), 0);
		assert_int_equal(imactl_keyring_add(kr, key), 0);
		assert_int_equal(
			imactl_mlog_open_buf(ctx, list, len, IMACTL_MLOG_BINARY, -1, 0, &l, NULL),
			0);
		while (imactl_mlog_next(l, &e, NULL) == 1) {
			uint8_t bad[IMACTL_MAX_DIGEST_SIZE];

			if (strcmp(e->template_name, "ima-sig"))
				continue;
			assert_int_equal(strncmp(e->name, "/mnt/", 5), 0);
			if (!e->sig_len) {
				empty++;
				assert_true(!strcmp(e->name, "/mnt/data/unsigned.txt") ||
					    !strcmp(e->name, "/mnt/data/hashed.txt"));
				continue;
			}
			assert_true(!strcmp(e->name, "/mnt/data/signed.txt") ||
				    !strcmp(e->name, "/mnt/bin/busybox"));
			assert_int_equal(imactl_sig_verify(ctx, kr, e->sig, e->sig_len,
							   e->file_digest, e->file_digest_len, NULL,
							   NULL),
					 0);
			memcpy(bad, e->file_digest, e->file_digest_len);
			bad[0] ^= 1;
			assert_int_equal(imactl_sig_verify(ctx, kr, e->sig, e->sig_len, bad,
							   e->file_digest_len, NULL, NULL),
					 -EKEYREJECTED);
			verified++;
		}
		assert_int_equal(verified, 2);
		assert_int_equal(empty, 2);
		imactl_mlog_free(l);
		imactl_keyring_free(kr);
		free(list);
	}
}

/*
 * Replay two lists side by side without reference values; the index of the
 * first entry after which PCR 10 differs in bank @algo, or -1.
 */
static int64_t first_divergence(const struct capture *c, const char *fa, const char *fb, int algo,
				int list_algo)
{
	size_t la, lb;
	uint8_t *a = tu_read(tu_data(path(c, fa)), &la);
	uint8_t *b = tu_read(tu_data(path(c, fb)), &lb);
	imactl_mlog *ma = NULL, *mb = NULL;
	imactl_replay *ra = NULL, *rb = NULL;
	const imactl_mlog_entry *ea, *eb;
	int64_t at = -1;
	size_t hs = imactl_hash_size(algo);

	assert_int_equal(
		imactl_mlog_open_buf(ctx, a, la, IMACTL_MLOG_BINARY, list_algo, 0, &ma, NULL), 0);
	assert_int_equal(
		imactl_mlog_open_buf(ctx, b, lb, IMACTL_MLOG_BINARY, list_algo, 0, &mb, NULL), 0);
	assert_int_equal(imactl_replay_new(ctx, &algo, 1, 0, NULL, &ra, NULL), 0);
	assert_int_equal(imactl_replay_new(ctx, &algo, 1, 0, NULL, &rb, NULL), 0);
	for (int64_t i = 0;; i++) {
		int x = imactl_mlog_next(ma, &ea, NULL), y = imactl_mlog_next(mb, &eb, NULL);

		if (x != 1 || y != 1)
			break;
		assert_int_equal(imactl_replay_extend(ra, ea, NULL), 0);
		assert_int_equal(imactl_replay_extend(rb, eb, NULL), 0);
		if (memcmp(imactl_pcrs_get(imactl_replay_pcrs(ra), algo, 10),
			   imactl_pcrs_get(imactl_replay_pcrs(rb), algo, 10), hs)) {
			at = i;
			break;
		}
	}
	imactl_replay_free(ra);
	imactl_replay_free(rb);
	imactl_mlog_free(ma);
	imactl_mlog_free(mb);
	free(a);
	free(b);
	return at;
}

static void expect_all_mismatch(const struct capture *c, const struct run *run, int except)
{
	imactl_pcr_verdict v[8];
	size_t n = imactl_replay_verdicts(run->r, v, 8);

	assert_int_equal(n, c->nbanks);
	for (size_t b = 0; b < n; b++) {
		int want = v[b].algo == except ? IMACTL_PCR_MATCH : IMACTL_PCR_MISMATCH;

		if (v[b].status != want)
			fail_msg("%s: bank %s status %d, want %d", c->dir,
				 imactl_hash_name(v[b].algo), v[b].status, want);
	}
	assert_int_equal(imactl_replay_result(run->r), -EKEYREJECTED);
}

/* One tampered set (legacy list or a per-bank list) fails where its README says. */
static void check_tampered(const struct capture *c, const char *orig, const char *sfx, int algo,
			   uint64_t idx, const char *name)
{
	imactl_pcrs *exp = load_pcrs(c);
	int digest_bank = algo < 0 ? IMACTL_HASH_SHA1 : algo;
	char f[128];
	struct run run;

	/* the original names that entry */
	replay(c, orig, algo, exp, &run);
	assert_string_equal(run.names[idx], name);
	assert_int_equal(imactl_replay_result(run.r), 0);
	imactl_replay_free(run.r);

	/* flipped file digest: the template check fails at idx and nowhere else;
	 * the list's digest bank (extended with the logged digest) still matches */
	snprintf(f, sizeof(f), "tampered-digest-flip%s", sfx);
	replay(c, f, algo, exp, &run);
	assert_int_equal(run.parse_rc, 0);
	assert_int_equal(run.entries, c->entries);
	assert_int_equal(run.first_bad, (int64_t)idx);
	assert_string_equal(run.names[idx], name);
	expect_all_mismatch(c, &run, digest_bank);
	imactl_replay_free(run.r);
	for (size_t b = 0; b < c->nbanks; b++)
		if (c->banks[b] != digest_bank)
			assert_int_equal(first_divergence(c, orig, f, c->banks[b], algo), idx);
	assert_int_equal(first_divergence(c, orig, f, digest_bank, algo), -1);

	/* flip + template hash recomputed: templates check, every bank diverges at idx */
	snprintf(f, sizeof(f), "tampered-digest-rehash%s", sfx);
	replay(c, f, algo, exp, &run);
	assert_int_equal(run.parse_rc, 0);
	assert_int_equal(run.entries, c->entries);
	assert_int_equal(run.first_bad, -1);
	expect_all_mismatch(c, &run, -1);
	imactl_replay_free(run.r);
	for (size_t b = 0; b < c->nbanks; b++)
		assert_int_equal(first_divergence(c, orig, f, c->banks[b], algo), idx);

	/* dropped entry: one fewer, diverges at idx */
	snprintf(f, sizeof(f), "tampered-drop-entry%s", sfx);
	replay(c, f, algo, exp, &run);
	assert_int_equal(run.parse_rc, 0);
	assert_int_equal(run.entries, c->entries - 1);
	assert_int_equal(run.first_bad, -1);
	assert_string_not_equal(run.names[idx], name);
	expect_all_mismatch(c, &run, -1);
	imactl_replay_free(run.r);
	for (size_t b = 0; b < c->nbanks; b++)
		assert_int_equal(first_divergence(c, orig, f, c->banks[b], algo), idx);

	/* truncated: the last entry missing, the prefix identical, the PCRs ahead */
	snprintf(f, sizeof(f), "tampered-truncate%s", sfx);
	replay(c, f, algo, exp, &run);
	assert_int_equal(run.parse_rc, 0);
	assert_int_equal(run.entries, c->entries - 1);
	assert_int_equal(run.first_bad, -1);
	expect_all_mismatch(c, &run, -1);
	imactl_replay_free(run.r);
	for (size_t b = 0; b < c->nbanks; b++)
		assert_int_equal(first_divergence(c, orig, f, c->banks[b], algo), -1);

	imactl_pcrs_free(exp);
}

static void test_tampered_legacy(void **state)
{
	(void)state;
	for (size_t k = 0; k < NCAPS; k++)
		check_tampered(&caps[k], "binary_runtime_measurements", ".bin", -1,
			       caps[k].tamper_idx, "/mnt/data/root.txt");
}

static void test_tampered_per_bank(void **state)
{
	(void)state;
	check_tampered(&caps[1], "binary_runtime_measurements_sha256",
		       ".runtime_measurements_sha256", IMACTL_HASH_SHA256, caps[1].bank_tamper_idx,
		       "/mnt/data/signed.txt");
}

/* The ascii lists print what the binary lists hold (digest, template, fields). */
static void test_ascii_equals_binary(void **state)
{
	static const char *const pairs[][3] = {
		{"binary_runtime_measurements", "ascii_runtime_measurements", "sha1"},
		{"binary_runtime_measurements_sha256", "ascii_runtime_measurements_sha256",
		 "sha256"},
	};

	(void)state;
	for (size_t k = 0; k < NCAPS; k++)
		for (size_t p = 0; p < (caps[k].per_bank ? 2u : 1u); p++) {
			const struct capture *c = &caps[k];
			int algo = imactl_hash_from_name(pairs[p][2]);
			size_t lb, la;
			uint8_t *b = tu_read(tu_data(path(c, pairs[p][0])), &lb);
			uint8_t *a = tu_read(tu_data(path(c, pairs[p][1])), &la);
			imactl_mlog *mb = NULL, *ma = NULL;
			const imactl_mlog_entry *eb, *ea;
			int rb, ra;
			uint64_t n = 0;

			assert_int_equal(imactl_mlog_open_buf(ctx, b, lb, IMACTL_MLOG_BINARY, algo,
							      0, &mb, NULL),
					 0);
			assert_int_equal(imactl_mlog_open_buf(ctx, a, la, IMACTL_MLOG_ASCII, algo,
							      0, &ma, NULL),
					 0);
			while ((rb = imactl_mlog_next(mb, &eb, NULL)) == 1) {
				ra = imactl_mlog_next(ma, &ea, NULL);
				assert_int_equal(ra, 1);
				assert_int_equal(eb->pcr, ea->pcr);
				assert_int_equal(eb->digest_len, ea->digest_len);
				assert_memory_equal(eb->digest, ea->digest, eb->digest_len);
				assert_string_equal(eb->template_name, ea->template_name);
				assert_int_equal(eb->hashed_len, ea->hashed_len);
				assert_memory_equal(eb->hashed, ea->hashed, eb->hashed_len);
				n++;
			}
			assert_int_equal(rb, 0);
			assert_int_equal(imactl_mlog_next(ma, &ea, NULL), 0);
			assert_int_equal(n, c->entries);
			imactl_mlog_free(mb);
			imactl_mlog_free(ma);
			free(a);
			free(b);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures_replay),
		cmocka_unit_test(test_per_bank_lists),
		cmocka_unit_test(test_ascii_equals_binary),
		cmocka_unit_test(test_boot_aggregate),
		cmocka_unit_test(test_ima_buf_keys),
		cmocka_unit_test(test_ima_sig),
		cmocka_unit_test(test_tampered_legacy),
		cmocka_unit_test(test_tampered_per_bank),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
