/* SPDX-License-Identifier: MIT */
/*
 * PCR replay, PCR files, the TCG event log and boot_aggregate against the
 * kernel 6.1 captures in tests/data/kernel-6.1 (qemu + swtpm, SeaBIOS TCG2
 * event log; PCR files read from /sys/class/tpm/tpm0/pcr-<bank>/NN after the
 * log was captured).  Reference values typed in below come from those files
 * and from Debian's evmctl 1.4 (`evmctl ima_boot_aggregate --pcrs ...`).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"
#include "imactl/mlog.h"
#include "imactl/pcr.h"

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

static imactl_pcrs *load_pcrs(const char *rel, int algo)
{
	size_t len;
	uint8_t *t = tu_read(tu_data(rel), &len);
	imactl_pcrs *p = NULL;
	imactl_diag d = {0};

	assert_int_equal(imactl_pcrs_new(&p), 0);
	assert_int_equal(imactl_pcrs_parse(p, algo, (const char *)t, len, &d), 24);
	free(t);
	return p;
}

/* sha1 + sha256 reference values of one capture directory */
static imactl_pcrs *load_both(const char *dir, const char *sha256_file)
{
	char a[256], b[256];
	size_t len;
	uint8_t *t;
	imactl_pcrs *p = NULL;

	snprintf(a, sizeof(a), "%s/pcrs-sha1.txt", dir);
	snprintf(b, sizeof(b), "%s/%s", dir, sha256_file ? sha256_file : "pcrs-sha256.txt");
	assert_int_equal(imactl_pcrs_new(&p), 0);
	t = tu_read(tu_data(a), &len);
	assert_int_equal(imactl_pcrs_parse(p, IMACTL_HASH_SHA1, (const char *)t, len, NULL), 24);
	free(t);
	t = tu_read(tu_data(b), &len);
	assert_int_equal(imactl_pcrs_parse(p, -1, (const char *)t, len, NULL), 24);
	free(t);
	return p;
}

struct run {
	imactl_replay *r;
	uint64_t entries;
	size_t rejected;
	int parse_rc;
};

static void replay_file(const char *rel, const int *banks, size_t nb, const imactl_pcrs *exp,
			struct run *out)
{
	size_t len;
	uint8_t *buf = tu_read(tu_data(rel), &len);
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;
	int r;

	memset(out, 0, sizeof(*out));
	assert_int_equal(
		imactl_replay_new(ctx, banks, nb, IMACTL_REPLAY_CHECK_TEMPLATE, exp, &out->r, NULL),
		0);
	assert_int_equal(imactl_mlog_open_buf(ctx, buf, len, IMACTL_MLOG_AUTO, -1, 0, &l, NULL), 0);
	while ((r = imactl_mlog_next(l, &e, NULL)) == 1) {
		int x = imactl_replay_extend(out->r, e, NULL);
		if (x == -EKEYREJECTED)
			out->rejected++;
		else
			assert_int_equal(x, 0);
		out->entries++;
	}
	out->parse_rc = r;
	imactl_mlog_free(l);
	free(buf);
}

static const int sha1_256[] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256};

static const imactl_pcr_verdict *find_verdict(imactl_pcr_verdict *v, size_t n, int algo,
					      unsigned pcr)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].algo == algo && v[i].pcr == pcr)
			return &v[i];
	fail_msg("no verdict for bank %d PCR %u", algo, pcr);
	return NULL;
}

static void test_replay_matches_tpm(void **state)
{
	static const char *const dirs[] = {"kernel-6.1/measure", "kernel-6.1/measure-sig"};
	static const char *const lists[] = {"binary_runtime_measurements",
					    "ascii_runtime_measurements"};

	(void)state;
	for (size_t k = 0; k < 2; k++)
		for (size_t f = 0; f < 2; f++) {
			imactl_pcrs *exp = load_both(dirs[k], NULL);
			imactl_pcr_verdict v[8];
			char rel[256];
			struct run run;
			size_t n;

			snprintf(rel, sizeof(rel), "%s/%s", dirs[k], lists[f]);
			replay_file(rel, sha1_256, 2, exp, &run);
			assert_int_equal(run.parse_rc, 0);
			assert_int_equal(run.entries, 28);
			assert_int_equal(run.rejected, 0);
			assert_int_equal(imactl_replay_pcr_mask(run.r), 1u << 10);
			n = imactl_replay_verdicts(run.r, v, 8);
			assert_int_equal(n, 2);
			for (size_t i = 0; i < n; i++) {
				assert_int_equal(v[i].status, IMACTL_PCR_MATCH);
				assert_int_equal(v[i].pcr, 10);
				assert_int_equal(v[i].matched_at, 28);
				assert_memory_equal(v[i].computed,
						    imactl_pcrs_get(exp, v[i].algo, 10), v[i].len);
			}
			assert_int_equal(imactl_replay_result(run.r), 0);
			assert_int_equal(imactl_replay_first_bad_template(run.r), -1);
			imactl_replay_free(run.r);
			imactl_pcrs_free(exp);
		}
}

/* The PCR-10 values, typed in from measure/pcrs-sha{1,256}.txt. */
static void test_replay_known_values(void **state)
{
	struct run run;
	uint8_t want[32];

	(void)state;
	replay_file("kernel-6.1/measure/binary_runtime_measurements", sha1_256, 2, NULL, &run);
	tu_unhex("5ac76af52e4f55640513782fa3c242190c6b028d", want, sizeof(want));
	assert_memory_equal(imactl_pcrs_get(imactl_replay_pcrs(run.r), IMACTL_HASH_SHA1, 10), want,
			    20);
	tu_unhex("d2f3bae2a39df7a6d6c405e9eed65be727cab0c40e43773b8a4bda1c8859b3ec", want,
		 sizeof(want));
	assert_memory_equal(imactl_pcrs_get(imactl_replay_pcrs(run.r), IMACTL_HASH_SHA256, 10),
			    want, 32);
	/* no reference: nothing compared */
	assert_int_equal(imactl_replay_result(run.r), -ENODATA);
	imactl_replay_free(run.r);
}

static void test_tampered_digest_flip(void **state)
{
	imactl_pcrs *exp = load_both("kernel-6.1/measure", NULL);
	imactl_pcr_verdict v[8];
	struct run run;
	size_t n;

	(void)state;
	replay_file("kernel-6.1/measure/tampered-digest-flip.bin", sha1_256, 2, exp, &run);
	n = imactl_replay_verdicts(run.r, v, 8);
	/* the sha1 bank uses the logged (unchanged) template digests and matches... */
	assert_int_equal(find_verdict(v, n, IMACTL_HASH_SHA1, 10)->status, IMACTL_PCR_MATCH);
	/* ...the sha256 bank hashes the template data and does not: every bank must match */
	assert_int_equal(find_verdict(v, n, IMACTL_HASH_SHA256, 10)->status, IMACTL_PCR_MISMATCH);
	assert_int_equal(imactl_replay_result(run.r), -EKEYREJECTED);
	assert_int_equal(run.rejected, 1);
	assert_int_equal(imactl_replay_first_bad_template(run.r), 14);
	imactl_replay_free(run.r);
	imactl_pcrs_free(exp);
}

static void test_tampered_unlocalised(void **state)
{
	static const char *const files[] = {
		"kernel-6.1/measure/tampered-digest-rehash.bin",
		"kernel-6.1/measure/tampered-truncate.bin",
		"kernel-6.1/measure/tampered-drop-entry.bin",
		"kernel-6.1/measure-sig/tampered-digest-rehash.bin",
		"kernel-6.1/measure-sig/tampered-truncate.bin",
		"kernel-6.1/measure-sig/tampered-drop-entry.bin",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *dir =
			strstr(files[i], "sig/") ? "kernel-6.1/measure-sig" : "kernel-6.1/measure";
		imactl_pcrs *exp = load_both(dir, NULL);
		imactl_pcr_verdict v[8];
		struct run run;
		size_t n;

		replay_file(files[i], sha1_256, 2, exp, &run);
		n = imactl_replay_verdicts(run.r, v, 8);
		assert_int_equal(find_verdict(v, n, IMACTL_HASH_SHA1, 10)->status,
				 IMACTL_PCR_MISMATCH);
		assert_int_equal(find_verdict(v, n, IMACTL_HASH_SHA256, 10)->status,
				 IMACTL_PCR_MISMATCH);
		assert_int_equal(imactl_replay_result(run.r), -EKEYREJECTED);
		assert_int_equal(run.rejected, 0);
		imactl_replay_free(run.r);
		imactl_pcrs_free(exp);
	}
}

/*
 * A forged sha256 PCR-10 made to match a tampered log: the sha256 bank
 * matches, the sha1 bank (true TPM value) does not, so the log fails —
 * evmctl 1.4 accepts this (it reports success when any bank matches).
 */
static void test_every_bank_must_match(void **state)
{
	imactl_pcrs *exp =
		load_both("kernel-6.1/measure-sig", "tampered-sig-flip-rehash.pcrs-sha256.txt");
	imactl_pcr_verdict v[8];
	struct run run;
	size_t n;

	(void)state;
	replay_file("kernel-6.1/measure-sig/tampered-sig-flip-rehash.bin", sha1_256, 2, exp, &run);
	n = imactl_replay_verdicts(run.r, v, 8);
	assert_int_equal(find_verdict(v, n, IMACTL_HASH_SHA256, 10)->status, IMACTL_PCR_MATCH);
	assert_int_equal(find_verdict(v, n, IMACTL_HASH_SHA1, 10)->status, IMACTL_PCR_MISMATCH);
	assert_int_equal(imactl_replay_result(run.r), -EKEYREJECTED);
	imactl_replay_free(run.r);
	imactl_pcrs_free(exp);
}

/* PCRs read before the log grew: the full log matches at entry 27, "ahead". */
static void test_log_ahead(void **state)
{
	struct run part, full;
	imactl_pcr_verdict v[8];
	size_t n;

	(void)state;
	replay_file("kernel-6.1/measure/tampered-truncate.bin", sha1_256, 2, NULL, &part);
	replay_file("kernel-6.1/measure/binary_runtime_measurements", sha1_256, 2,
		    imactl_replay_pcrs(part.r), &full);
	n = imactl_replay_verdicts(full.r, v, 8);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].status, IMACTL_PCR_MATCH_AHEAD);
		assert_int_equal(v[i].matched_at, 27);
		assert_int_equal(v[i].last_entry, 28);
	}
	assert_int_equal(imactl_replay_result(full.r), 0);
	imactl_replay_free(full.r);
	imactl_replay_free(part.r);
}

/* Banks the capture has no reference for are replayed by hashing template data. */
static void test_other_banks(void **state)
{
	static const int all[] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256, IMACTL_HASH_SHA384,
				  IMACTL_HASH_SHA512, IMACTL_HASH_SM3_256};
	struct run run;
	size_t len;
	uint8_t *buf = tu_read(tu_data("kernel-6.1/measure/binary_runtime_measurements"), &len);
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;
	uint8_t pcr[64] = {0}, d[64];
	EVP_MD_CTX *m = EVP_MD_CTX_new();

	(void)state;
	replay_file("kernel-6.1/measure/binary_runtime_measurements", all, 5, NULL, &run);
	/* independent sha384 replay with OpenSSL directly */
	assert_int_equal(imactl_mlog_open_buf(ctx, buf, len, IMACTL_MLOG_AUTO, -1, 0, &l, NULL), 0);
	while (imactl_mlog_next(l, &e, NULL) == 1) {
		EVP_Digest(e->hashed, e->hashed_len, d, NULL, EVP_sha384(), NULL);
		EVP_DigestInit_ex(m, EVP_sha384(), NULL);
		EVP_DigestUpdate(m, pcr, 48);
		EVP_DigestUpdate(m, d, 48);
		EVP_DigestFinal_ex(m, pcr, NULL);
	}
	assert_memory_equal(imactl_pcrs_get(imactl_replay_pcrs(run.r), IMACTL_HASH_SHA384, 10), pcr,
			    48);
	assert_non_null(imactl_pcrs_get(imactl_replay_pcrs(run.r), IMACTL_HASH_SM3_256, 10));
	assert_non_null(imactl_pcrs_get(imactl_replay_pcrs(run.r), IMACTL_HASH_SHA512, 10));
	EVP_MD_CTX_free(m);
	imactl_mlog_free(l);
	imactl_replay_free(run.r);
	free(buf);
}

/* Violations extend 0xff.. in every bank. */
static void test_violation_extends_ff(void **state)
{
	imactl_mlog_entry e;
	imactl_replay *r = NULL;
	uint8_t ff[32], want[32], zero[32] = {0};
	EVP_MD_CTX *m = EVP_MD_CTX_new();

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pcr = 10;
	e.digest_algo = IMACTL_HASH_SHA1;
	e.digest_len = 20;
	e.violation = true;
	e.hashed = (const uint8_t *)"junk";
	e.hashed_len = 4;
	memset(ff, 0xff, sizeof(ff));
	assert_int_equal(
		imactl_replay_new(ctx, sha1_256, 2, IMACTL_REPLAY_CHECK_TEMPLATE, NULL, &r, NULL),
		0);
	assert_int_equal(imactl_replay_extend(r, &e, NULL), 0);
	EVP_DigestInit_ex(m, EVP_sha256(), NULL);
	EVP_DigestUpdate(m, zero, 32);
	EVP_DigestUpdate(m, ff, 32);
	EVP_DigestFinal_ex(m, want, NULL);
	assert_memory_equal(imactl_pcrs_get(imactl_replay_pcrs(r), IMACTL_HASH_SHA256, 10), want,
			    32);
	assert_int_equal(imactl_replay_violations(r), 1);
	e.pcr = 24;
	assert_int_equal(imactl_replay_extend(r, &e, NULL), -EBADMSG);
	imactl_replay_free(r);
	EVP_MD_CTX_free(m);
}

static void test_pcrs_parse_formats(void **state)
{
	imactl_pcrs *p = NULL;
	imactl_diag d = {0};
	uint8_t want[32];
	static const char pcrread[] =
		"  sha1:\n"
		"    0 : 0x3A3F780F11A4B49969FCAA80CD6E3957C33B2275\n"
		"    10: 0x5AC76AF52E4F55640513782FA3C242190C6B028D\n"
		"  sha256:\n"
		"    10 : 0xD2F3BAE2A39DF7A6D6C405E9EED65BE727CAB0C40E43773B8A4BDA1C8859B3EC\n";

	(void)state;
	assert_int_equal(imactl_pcrs_new(&p), 0);
	assert_int_equal(imactl_pcrs_parse(p, -1, pcrread, sizeof(pcrread) - 1, &d), 3);
	tu_unhex("d2f3bae2a39df7a6d6c405e9eed65be727cab0c40e43773b8a4bda1c8859b3ec", want,
		 sizeof(want));
	assert_memory_equal(imactl_pcrs_get(p, IMACTL_HASH_SHA256, 10), want, 32);
	assert_non_null(imactl_pcrs_get(p, IMACTL_HASH_SHA1, 0));
	assert_null(imactl_pcrs_get(p, IMACTL_HASH_SHA1, 1));
	assert_true(imactl_pcrs_has_bank(p, IMACTL_HASH_SHA1));
	assert_false(imactl_pcrs_has_bank(p, IMACTL_HASH_SHA384));
	/* errors carry the line */
	assert_int_equal(imactl_pcrs_parse(p, -1, "PCR-10: 00\n", 11, &d), -EBADMSG);
	assert_int_equal(imactl_pcrs_parse(p, -1, "\nPCR-99: 00\n", 12, &d), -EBADMSG);
	assert_int_equal(d.line, 2);
	assert_int_equal(imactl_pcrs_parse(p, -1, "md4:\n", 5, &d), -EOPNOTSUPP);
	assert_int_equal(imactl_pcrs_parse(p, -1, "0 : 0x00\n", 9, &d), -EBADMSG);
	assert_int_equal(
		imactl_pcrs_parse(
			p, IMACTL_HASH_SHA1,
			"PCR-01: "
			"d2f3bae2a39df7a6d6c405e9eed65be727cab0c40e43773b8a4bda1c8859b3ec\n",
			73, &d),
		-EBADMSG);
	imactl_pcrs_free(p);
}

/* The boot event log replays to the TPM's PCR 0-7 in both banks. */
static void test_eventlog_replay(void **state)
{
	size_t len;
	uint8_t *log = tu_read(tu_data("kernel-6.1/measure/binary_bios_measurements"), &len);
	imactl_pcrs *p = NULL,
		    *sha1 = load_pcrs("kernel-6.1/measure/pcrs-sha1.txt", IMACTL_HASH_SHA1),
		    *sha256 = load_pcrs("kernel-6.1/measure/pcrs-sha256.txt", IMACTL_HASH_SHA256);
	imactl_eventlog_info info;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(imactl_pcrs_new(&p), 0);
	assert_int_equal(imactl_eventlog_replay(ctx, log, len, p, &info, &d), 0);
	assert_true(info.crypto_agile);
	assert_int_equal(info.events, 14); /* tpm2_eventlog: EventNum 0..13 */
	assert_int_equal(info.n_algos, 2);
	assert_int_equal(info.pcr_mask, 0xffu);
	for (unsigned i = 0; i < 10; i++) {
		assert_memory_equal(imactl_pcrs_get(p, IMACTL_HASH_SHA1, i),
				    imactl_pcrs_get(sha1, IMACTL_HASH_SHA1, i), 20);
		assert_memory_equal(imactl_pcrs_get(p, IMACTL_HASH_SHA256, i),
				    imactl_pcrs_get(sha256, IMACTL_HASH_SHA256, i), 32);
	}
	/* truncated logs fail with an offset, never read past the end */
	for (size_t cut = 1; cut < len; cut++) {
		imactl_pcrs *q = NULL;
		int r;

		assert_int_equal(imactl_pcrs_new(&q), 0);
		r = imactl_eventlog_replay(ctx, log, cut, q, NULL, &d);
		assert_true(r == 0 || r == -EBADMSG);
		imactl_pcrs_free(q);
	}
	imactl_pcrs_free(p);
	imactl_pcrs_free(sha1);
	imactl_pcrs_free(sha256);
	free(log);
}

/* A TPM 1.2 SHA-1 log: TCG_PCR_EVENT records only. */
static void test_eventlog_tpm12(void **state)
{
	uint8_t log[2 * (12 + 20 + 4) + 4], d1[20], d2[20], want[20], zero[20] = {0};
	imactl_pcrs *p = NULL;
	imactl_eventlog_info info;
	size_t n = 0;
	EVP_MD_CTX *m = EVP_MD_CTX_new();

	(void)state;
	memset(d1, 0x11, 20);
	memset(d2, 0x22, 20);
	for (int i = 0; i < 2; i++) {
		uint32_t pcr = 4, type = 0x0d, size = i ? 4 : 0;
		memcpy(log + n, &pcr, 4);
		memcpy(log + n + 4, &type, 4);
		memcpy(log + n + 8, i ? d2 : d1, 20);
		memcpy(log + n + 28, &size, 4);
		n += 32;
		if (size) {
			memcpy(log + n, "abcd", 4);
			n += 4;
		}
	}
	assert_int_equal(imactl_pcrs_new(&p), 0);
	assert_int_equal(imactl_eventlog_replay(ctx, log, n, p, &info, NULL), 0);
	assert_false(info.crypto_agile);
	assert_int_equal(info.events, 2);
	EVP_DigestInit_ex(m, EVP_sha1(), NULL);
	EVP_DigestUpdate(m, zero, 20);
	EVP_DigestUpdate(m, d1, 20);
	EVP_DigestFinal_ex(m, want, NULL);
	EVP_DigestInit_ex(m, EVP_sha1(), NULL);
	EVP_DigestUpdate(m, want, 20);
	EVP_DigestUpdate(m, d2, 20);
	EVP_DigestFinal_ex(m, want, NULL);
	assert_memory_equal(imactl_pcrs_get(p, IMACTL_HASH_SHA1, 4), want, 20);
	assert_false(imactl_pcrs_has_bank(p, IMACTL_HASH_SHA256));
	EVP_MD_CTX_free(m);
	imactl_pcrs_free(p);
}

/*
 * boot_aggregate from the event log and from the PCR files equals the log's
 * first entry (sha256, ima_hash=sha256) and evmctl's sha1 value.
 */
static void test_boot_aggregate(void **state)
{
	static const char *const dirs[] = {"kernel-6.1/measure", "kernel-6.1/measure-sig"};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		char rel[256];
		size_t len;
		uint8_t *log, *ml, agg[32], want1[20];
		imactl_pcrs *p = NULL, *files;
		imactl_mlog *l = NULL;
		const imactl_mlog_entry *e;

		snprintf(rel, sizeof(rel), "%s/binary_bios_measurements", dirs[k]);
		log = tu_read(tu_data(rel), &len);
		assert_int_equal(imactl_pcrs_new(&p), 0);
		assert_int_equal(imactl_eventlog_replay(ctx, log, len, p, NULL, NULL), 0);
		snprintf(rel, sizeof(rel), "%s/binary_runtime_measurements", dirs[k]);
		ml = tu_read(tu_data(rel), &len);
		assert_int_equal(
			imactl_mlog_open_buf(ctx, ml, len, IMACTL_MLOG_AUTO, -1, 0, &l, NULL), 0);
		assert_int_equal(imactl_mlog_next(l, &e, NULL), 1);
		assert_string_equal(e->name, "boot_aggregate");
		assert_int_equal(e->file_algo, IMACTL_HASH_SHA256);
		assert_int_equal(imactl_boot_aggregate(ctx, IMACTL_HASH_SHA256, p, agg, NULL), 0);
		assert_memory_equal(agg, e->file_digest, 32);
		snprintf(rel, sizeof(rel), "%s/pcrs-sha256.txt", dirs[k]);
		files = load_pcrs(rel, IMACTL_HASH_SHA256);
		assert_int_equal(imactl_boot_aggregate(ctx, IMACTL_HASH_SHA256, files, agg, NULL),
				 0);
		assert_memory_equal(agg, e->file_digest, 32);
		/* evmctl 1.4 ima_boot_aggregate: sha1:f43d24c6... */
		tu_unhex("f43d24c652fe51b517932b106d8845a2ab7fa520", want1, sizeof(want1));
		assert_int_equal(imactl_boot_aggregate(ctx, IMACTL_HASH_SHA1, p, agg, NULL), 0);
		assert_memory_equal(agg, want1, 20);
		/* a missing PCR is -ENODATA, not a silent zero */
		assert_int_equal(imactl_boot_aggregate(ctx, IMACTL_HASH_SHA384, p, agg, NULL),
				 -ENODATA);
		imactl_pcrs_free(files);
		imactl_mlog_free(l);
		imactl_pcrs_free(p);
		free(ml);
		free(log);
	}
}

static void test_sysfs(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_pcrs *p = NULL;
	imactl_diag d = {0};
	uint8_t want[20];
	int sha1 = IMACTL_HASH_SHA1;

	(void)state;
	mkdir(tu_path(dir, "pcr-sha1"), 0755);
	for (int i = 0; i < 24; i++) {
		char n[32];
		snprintf(n, sizeof(n), "pcr-sha1/%d", i);
		tu_write(tu_path(dir, n), "5AC76AF52E4F55640513782FA3C242190C6B028D\n", 41);
	}
	assert_int_equal(imactl_pcrs_new(&p), 0);
	assert_int_equal(imactl_pcrs_read_sysfs(p, dir, NULL, 0, &d), 1);
	tu_unhex("5ac76af52e4f55640513782fa3c242190c6b028d", want, sizeof(want));
	assert_memory_equal(imactl_pcrs_get(p, IMACTL_HASH_SHA1, 23), want, 20);
	assert_int_equal(imactl_pcrs_read_sysfs(p, "/nonexistent/tpm0", &sha1, 1, &d), -ENODEV);
	imactl_pcrs_free(p);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_matches_tpm),
		cmocka_unit_test(test_replay_known_values),
		cmocka_unit_test(test_tampered_digest_flip),
		cmocka_unit_test(test_tampered_unlocalised),
		cmocka_unit_test(test_every_bank_must_match),
		cmocka_unit_test(test_log_ahead),
		cmocka_unit_test(test_other_banks),
		cmocka_unit_test(test_violation_extends_ff),
		cmocka_unit_test(test_pcrs_parse_formats),
		cmocka_unit_test(test_eventlog_replay),
		cmocka_unit_test(test_eventlog_tpm12),
		cmocka_unit_test(test_boot_aggregate),
		cmocka_unit_test(test_sysfs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
