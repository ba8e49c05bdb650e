/* SPDX-License-Identifier: MIT */
/*
 * Measurement list writer.  Differential: re-writing the kernel 6.1 captures
 * in tests/data/kernel-6.1 (qemu + swtpm, SeaBIOS event log; see their
 * README.txt) from their own file digests and signatures must give the
 * kernel's binary and ascii lists byte for byte and its PCR-10 in both banks.
 * Round trip: lists of every template written here are read back with the
 * reader (lib/mlog.c) and replayed with lib/pcr.c; a tampered twin must fail.
 *
 * With IMACTL_MLOG_WRITE_OUT=DIR set, the program writes one list of each
 * template (with violations) under DIR/<template>/ and exits, for
 * tests/e2e/mlog_write.test.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"
#include "imactl/mlog.h"
#include "imactl/mlog_write.h"
#include "imactl/pcr.h"

#define ELEMENTS(x) (sizeof(x) / sizeof((x)[0]))

static imactl_ctx *ctx;

static const char *const templates[] = {"ima-ng",   "ima-sig",	 "ima",
					"ima-ngv2", "ima-sigv2", "d-ng|n-ng|sig|d|n"};

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

/* A list read from a file (the reader borrows the buffer). */
struct list {
	imactl_mlog *l;
	uint8_t *buf;
	size_t len;
};

static void open_list(struct list *li, const char *path, int format)
{
	imactl_diag d = {0};

	li->l = NULL;
	li->buf = tu_read(path, &li->len);
	assert_int_equal(imactl_mlog_open_buf(ctx, li->buf, li->len, format, IMACTL_HASH_SHA1, 0,
					      &li->l, &d),
			 0);
}

static void close_list(struct list *li)
{
	imactl_mlog_free(li->l);
	free(li->buf);
}

/* The kernel's ascii line for an entry, from the reader's view (ima_fs.c). */
static void render(FILE *f, const imactl_mlog_entry *e)
{
	fprintf(f, "%2u ", e->pcr);
	for (size_t i = 0; i < e->digest_len; i++)
		fprintf(f, "%02x", e->digest[i]);
	fprintf(f, " %s", e->template_name);
	for (unsigned int i = 0; i < e->nfields; i++) {
		const imactl_mlog_field *fl = &e->fields[i];
		const uint8_t *nul;

		fputc(' ', f);
		if (!fl->len)
			continue;
		if (!strcmp(fl->id, "d-ng") || !strcmp(fl->id, "d-ngv2")) {
			nul = memchr(fl->data, '\0', fl->len);
			assert_non_null(nul);
			fwrite(fl->data, 1, (size_t)(nul - fl->data), f);
			for (const uint8_t *p = nul + 1; p < fl->data + fl->len; p++)
				fprintf(f, "%02x", *p);
		} else if (!strcmp(fl->id, "n-ng") || !strcmp(fl->id, "n")) {
			/* "ima" logs its 'n' without the NUL */
			fwrite(fl->data, 1, strnlen((const char *)fl->data, fl->len), f);
		} else {
			for (size_t j = 0; j < fl->len; j++)
				fprintf(f, "%02x", fl->data[j]);
		}
	}
	fputc('\n', f);
}

static imactl_mlog_writer *wopen(const char *dir, const char *tmpl, int hash, const char *bios)
{
	imactl_mlog_writer_opts o = {.runtime_dir = dir,
				     .template_name = tmpl,
				     .pcr = 10,
				     .hash_algo = hash,
				     .bios_log = bios};
	imactl_mlog_writer *w = NULL;
	imactl_diag d = {0};
	int r = imactl_mlog_writer_open(ctx, &o, &w, &d);

	if (r < 0)
		fail_msg("writer open (%s): %d %s", tmpl ? tmpl : "default", r, d.msg);
	return w;
}

static void assert_file_eq(const char *path, const char *want)
{
	size_t len;
	uint8_t *t = tu_read(path, &len);

	assert_int_equal(len, strlen(want));
	assert_memory_equal(t, want, len);
	free(t);
}

static void assert_files_eq(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *ta = tu_read(a, &la), *tb = tu_read(b, &lb);

	assert_int_equal(la, lb);
	assert_memory_equal(ta, tb, la);
	free(ta);
	free(tb);
}

/* Re-measure a kernel capture's entries; the writer's files must be the kernel's. */
static void rewrite_capture(const char *dir)
{
	char *out = tu_mkdtemp();
	char rel[256];
	const imactl_mlog_entry *e;
	struct list li;
	imactl_mlog_writer *w = NULL;
	imactl_diag d = {0};
	uint64_t n = 0;
	int r;

	snprintf(rel, sizeof(rel), "%s/binary_runtime_measurements", dir);
	open_list(&li, tu_data(rel), IMACTL_MLOG_BINARY);
	while ((r = imactl_mlog_next(li.l, &e, &d)) == 1) {
		if (n++ == 0) {
			snprintf(rel, sizeof(rel), "%s/binary_bios_measurements", dir);
			assert_string_equal(e->name, "boot_aggregate");
			w = wopen(out, e->template_name, e->file_algo, tu_data(rel));
			continue;
		}
		assert_false(e->violation);
		assert_int_equal(
			imactl_mlog_writer_add(w, e->name, e->file_digest, e->sig, e->sig_len, &d),
			0);
	}
	assert_int_equal(r, 0);
	close_list(&li);
	assert_int_equal(imactl_mlog_writer_count(w), n);

	snprintf(rel, sizeof(rel), "%s/binary_runtime_measurements", dir);
	assert_files_eq(tu_path(out, "binary_runtime_measurements"), tu_data(rel));
	snprintf(rel, sizeof(rel), "%s/ascii_runtime_measurements", dir);
	assert_files_eq(tu_path(out, "ascii_runtime_measurements"), tu_data(rel));
	snprintf(rel, sizeof(rel), "%s/runtime_measurements_count", dir);
	assert_files_eq(tu_path(out, "runtime_measurements_count"), tu_data(rel));
	snprintf(rel, sizeof(rel), "%s/violations", dir);
	assert_files_eq(tu_path(out, "violations"), tu_data(rel));

	/* PCR-10 in both banks equals the TPM's */
	for (int algo = IMACTL_HASH_SHA1; algo <= IMACTL_HASH_SHA256; algo += 2) {
		imactl_pcrs *p = NULL;
		uint8_t v[IMACTL_MAX_DIGEST_SIZE];
		size_t len;
		uint8_t *t;

		snprintf(rel, sizeof(rel), "%s/pcrs-%s.txt", dir, imactl_hash_name(algo));
		t = tu_read(tu_data(rel), &len);
		assert_int_equal(imactl_pcrs_new(&p), 0);
		assert_int_equal(imactl_pcrs_parse(p, algo, (const char *)t, len, &d), 24);
		assert_int_equal(imactl_mlog_writer_pcr(w, algo, v), 0);
		assert_memory_equal(v, imactl_pcrs_get(p, algo, 10), imactl_hash_size(algo));
		imactl_pcrs_free(p);
		free(t);
	}
	imactl_mlog_writer_free(w);
	tu_rmtree(out);
}

static void test_kernel_ima_ng(void **state)
{
	(void)state;
	rewrite_capture("kernel-6.1/measure");
}

static void test_kernel_ima_sig(void **state)
{
	(void)state;
	rewrite_capture("kernel-6.1/measure-sig");
}

/* What one generated entry was given. */
struct gen {
	char path[512];
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	uint8_t sig[64];
	size_t siglen;
	bool violation;
};

#define GEN_N 24

static void gen_entry(struct gen *g, unsigned int i, size_t dlen)
{
	memset(g, 0, sizeof(*g));
	if (i == 7)
		/* over IMA_EVENT_NAME_LEN_MAX: 'n' keeps the last component */
		snprintf(g->path, sizeof(g->path), "/%0300d/long name", 0);
	else
		snprintf(g->path, sizeof(g->path), "/usr/lib/file %u.so", i);
	for (size_t j = 0; j < dlen; j++)
		g->digest[j] = (uint8_t)(i * 31 + j * 7 + 1);
	g->violation = i % 8 == 5;
	if (i % 3 == 0) {
		/* a v2 signature header (type 3) ... */
		g->sig[0] = 0x03;
		g->sig[1] = 0x02;
		g->siglen = 16 + i % 5;
		for (size_t j = 2; j < g->siglen; j++)
			g->sig[j] = (uint8_t)(i + j);
	} else if (i % 3 == 1) {
		/* ... a digest (type 4) the sig field does not log */
		g->sig[0] = 0x04;
		g->sig[1] = 0x04;
		g->siglen = 2 + dlen;
	}
}

/* Write GEN_N entries (with violations) of @tmpl into @dir; returns the writer. */
static imactl_mlog_writer *write_list(const char *dir, const char *tmpl, struct gen *gens)
{
	bool d_field = !strcmp(tmpl, "ima") || strstr(tmpl, "|d|");
	int algo = d_field ? IMACTL_HASH_SHA1 : IMACTL_HASH_SHA256;
	imactl_mlog_writer *w = wopen(dir, tmpl, d_field ? -1 : IMACTL_HASH_SHA256,
				      tu_data("kernel-6.1/measure/binary_bios_measurements"));
	imactl_diag d = {0};

	for (unsigned int i = 0; i < GEN_N; i++) {
		struct gen *g = &gens[i];

		gen_entry(g, i, imactl_hash_size(algo));
		if (g->violation)
			assert_int_equal(imactl_mlog_writer_add_violation(w, g->path, &d), 0);
		else
			assert_int_equal(imactl_mlog_writer_add(w, g->path, g->digest, g->sig,
								g->siglen, &d),
					 0);
	}
	return w;
}

static void underscore(char *dst, const char *src)
{
	for (; *src; src++)
		*dst++ = *src == ' ' ? '_' : *src;
	*dst = '\0';
}

/* The last replay_against()'s per-bank verdicts. */
static imactl_pcr_verdict last_verdicts[8];
static size_t last_verdicts_n;

/* Replay @path against the writer's pcrs-<bank> files; returns imactl_replay_result(). */
static int replay_against(const char *path, const char *dir, imactl_mlog_writer *w,
			  uint64_t *ret_bad)
{
	static const int banks[] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256};
	imactl_pcrs *ref = NULL;
	imactl_replay *rp = NULL;
	const imactl_mlog_entry *e;
	imactl_diag d = {0};
	struct list li;
	uint64_t bad = 0;
	int r;

	open_list(&li, path, IMACTL_MLOG_BINARY);
	assert_int_equal(imactl_pcrs_new(&ref), 0);
	for (size_t i = 0; i < 2; i++) {
		char name[32];
		size_t len;
		uint8_t *t;

		snprintf(name, sizeof(name), "pcrs-%s", imactl_hash_name(banks[i]));
		t = tu_read(tu_path(dir, name), &len);
		/* a line per PCR the list extended */
		assert_int_equal(imactl_pcrs_parse(ref, -1, (const char *)t, len, &d),
				 w ? __builtin_popcount(imactl_mlog_writer_pcr_mask(w)) : 1);
		free(t);
	}
	assert_int_equal(
		imactl_replay_new(ctx, banks, 2, IMACTL_REPLAY_CHECK_TEMPLATE, ref, &rp, &d), 0);
	while ((r = imactl_mlog_next(li.l, &e, &d)) == 1) {
		r = imactl_replay_extend(rp, e, &d);
		if (r == -EKEYREJECTED)
			bad++;
		else
			assert_int_equal(r, 0);
	}
	assert_int_equal(r, 0);
	if (w && !bad) {
		/* the replay equals the writer's software PCRs, every PCR it extended */
		uint32_t mask = imactl_mlog_writer_pcr_mask(w);

		assert_int_equal(imactl_replay_pcr_mask(rp), mask);
		for (size_t i = 0; i < 2; i++) {
			uint8_t v[IMACTL_MAX_DIGEST_SIZE];
			for (unsigned int pcr = 0; pcr < IMACTL_PCR_COUNT; pcr++) {
				if (!(mask & (1u << pcr)))
					continue;
				assert_int_equal(imactl_mlog_writer_pcr_index(w, banks[i], pcr, v),
						 0);
				assert_memory_equal(
					v, imactl_pcrs_get(imactl_replay_pcrs(rp), banks[i], pcr),
					imactl_hash_size(banks[i]));
			}
		}
	}
	r = imactl_replay_result(rp);
	*ret_bad = bad;
	last_verdicts_n = imactl_replay_verdicts(rp, last_verdicts, ELEMENTS(last_verdicts));
	imactl_replay_free(rp);
	imactl_pcrs_free(ref);
	close_list(&li);
	return r;
}

static void roundtrip(const char *tmpl)
{
	char *dir = tu_mkdtemp();
	struct gen gens[GEN_N];
	imactl_mlog_writer *w = write_list(dir, tmpl, gens);
	const imactl_mlog_entry *e;
	imactl_diag d = {0};
	struct list l, la;
	char *rendered = NULL, want[64];
	size_t rlen = 0, len, nviol = 0;
	FILE *rf = open_memstream(&rendered, &rlen);
	uint8_t *ascii, *bin, *hit;
	size_t dlen =
		imactl_hash_size(strcmp(tmpl, "ima") && !strstr(tmpl, "|d|") ? IMACTL_HASH_SHA256
									     : IMACTL_HASH_SHA1);
	uint64_t n = 0, bad;
	int r;

	assert_non_null(rf);
	assert_int_equal(imactl_mlog_writer_count(w), GEN_N + 1);

	/* read back: every template digest re-checks, fields are what was given */
	open_list(&l, tu_path(dir, "binary_runtime_measurements"), IMACTL_MLOG_BINARY);
	open_list(&la, tu_path(dir, "ascii_runtime_measurements"), IMACTL_MLOG_ASCII);
	while ((r = imactl_mlog_next(l.l, &e, &d)) == 1) {
		const imactl_mlog_entry *ea;
		char name[512];

		assert_int_equal(e->pcr, 10);
		assert_string_equal(e->template_name, tmpl);
		assert_int_equal(imactl_mlog_entry_check(ctx, e, &d), 0);
		render(rf, e);
		assert_int_equal(imactl_mlog_next(la.l, &ea, &d), 1);
		assert_memory_equal(ea->digest, e->digest, 20);
		if (n == 0) {
			assert_string_equal(e->name, "boot_aggregate");
		} else {
			const struct gen *g = &gens[n - 1];

			assert_int_equal(e->violation, g->violation);
			nviol += g->violation;
			underscore(name, g->path);
			/* 'n' keeps the last component of a name over 255 bytes */
			if (strcmp(e->name, name))
				assert_true(strlen(name) > 255 &&
					    !strcmp(e->name, strrchr(name, '/') + 1));
			assert_non_null(e->file_digest);
			assert_int_equal(e->file_digest_len, dlen);
			if (g->violation)
				assert_true(!e->file_digest[0] &&
					    !memcmp(e->file_digest, e->file_digest + 1, dlen - 1));
			else
				assert_memory_equal(e->file_digest, g->digest, dlen);
			if (strstr(tmpl, "sig")) {
				if (!g->violation && g->siglen && g->sig[0] == 0x03) {
					assert_int_equal(e->sig_len, g->siglen);
					assert_memory_equal(e->sig, g->sig, g->siglen);
				} else {
					assert_int_equal(e->sig_len, 0);
				}
			}
		}
		n++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(imactl_mlog_next(la.l, &e, &d), 0);
	assert_int_equal(n, GEN_N + 1);
	close_list(&l);
	close_list(&la);

	/* the ascii file is the reader's rendering of the binary file */
	fclose(rf);
	ascii = tu_read(tu_path(dir, "ascii_runtime_measurements"), &len);
	assert_int_equal(len, rlen);
	assert_memory_equal(ascii, rendered, len);
	free(ascii);
	free(rendered);

	snprintf(want, sizeof(want), "%d\n", GEN_N + 1);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), want);
	snprintf(want, sizeof(want), "%zu\n", nviol);
	assert_file_eq(tu_path(dir, "violations"), want);

	/* replay equals the writer's PCRs and the pcrs-* files */
	assert_int_equal(replay_against(tu_path(dir, "binary_runtime_measurements"), dir, w, &bad),
			 0);
	assert_int_equal(bad, 0);

	/* tampered twin: one bit of the last entry's file digest */
	bin = tu_read(tu_path(dir, "binary_runtime_measurements"), &len);
	assert_false(gens[GEN_N - 1].violation);
	hit = memmem(bin, len, gens[GEN_N - 1].digest, dlen);
	assert_non_null(hit);
	hit[0] ^= 0x01;
	tu_write(tu_path(dir, "tampered"), bin, len);
	free(bin);
	assert_int_equal(replay_against(tu_path(dir, "tampered"), dir, NULL, &bad), -EKEYREJECTED);
	assert_int_equal(bad, 1);

	imactl_mlog_writer_free(w);
	tu_rmtree(dir);
}

static void test_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTS(templates); i++)
		roundtrip(templates[i]);
}

static void test_no_tpm(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_mlog_writer *w = wopen(dir, NULL, -1, "");
	const imactl_mlog_entry *e;
	struct list l;
	imactl_diag d = {0};
	static const uint8_t zero[32];

	(void)state;
	open_list(&l, tu_path(dir, "binary_runtime_measurements"), IMACTL_MLOG_BINARY);
	assert_int_equal(imactl_mlog_next(l.l, &e, &d), 1);
	assert_string_equal(e->template_name, "ima-ng");
	assert_string_equal(e->name, "boot_aggregate");
	assert_string_equal(e->file_algo_name, "sha256");
	assert_int_equal(e->file_digest_len, 32);
	assert_memory_equal(e->file_digest, zero, 32);
	assert_false(e->violation);
	assert_int_equal(imactl_mlog_entry_check(ctx, e, &d), 0);
	assert_int_equal(imactl_mlog_next(l.l, &e, &d), 0);
	close_list(&l);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "1\n");
	assert_file_eq(tu_path(dir, "violations"), "0\n");
	imactl_mlog_writer_free(w);
	tu_rmtree(dir);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * A TPM 1.2 (SHA-1 only) event log: ima_calc_boot_aggregate() falls back to
 * the sha1 bank, so an ima-ng/sha256 list starts with "sha1:" + SHA-1 over
 * PCR 0-7.
 */
static void test_sha1_only_tpm(void **state)
{
	static const char *const tmpls[] = {"ima-ng", "ima"};
	uint8_t log[32], pcrs[8][20] = {{0}}, want[20];
	char *dir = tu_mkdtemp();
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	imactl_diag d = {0};

	(void)state;
	/* one TCG_PCR_EVENT: PCR 4, EV_SEPARATOR, digest 0x11..., no data */
	put_le32(log, 4);
	put_le32(log + 4, 4);
	memset(log + 8, 0x11, 20);
	put_le32(log + 28, 0);
	tu_write(tu_path(dir, "bios.bin"), log, sizeof(log));
	assert_non_null(m);
	assert_true(EVP_DigestInit_ex(m, EVP_sha1(), NULL) && EVP_DigestUpdate(m, pcrs[4], 20) &&
		    EVP_DigestUpdate(m, log + 8, 20) && EVP_DigestFinal_ex(m, pcrs[4], NULL));
	assert_true(EVP_DigestInit_ex(m, EVP_sha1(), NULL) &&
		    EVP_DigestUpdate(m, pcrs, sizeof(pcrs)) && EVP_DigestFinal_ex(m, want, NULL));
	EVP_MD_CTX_free(m);

	for (size_t i = 0; i < ELEMENTS(tmpls); i++) {
		char sub[1024];
		imactl_mlog_writer *w;
		const imactl_mlog_entry *e;
		struct list l;

		snprintf(sub, sizeof(sub), "%s/%s", dir, tmpls[i]);
		w = wopen(sub, tmpls[i], -1, tu_path(dir, "bios.bin"));
		open_list(&l, tu_path(sub, "binary_runtime_measurements"), IMACTL_MLOG_BINARY);
		assert_int_equal(imactl_mlog_next(l.l, &e, &d), 1);
		assert_string_equal(e->name, "boot_aggregate");
		assert_int_equal(e->file_digest_len, 20);
		assert_memory_equal(e->file_digest, want, 20);
		if (!i)
			assert_string_equal(e->file_algo_name, "sha1");
		assert_int_equal(imactl_mlog_entry_check(ctx, e, &d), 0);
		close_list(&l);
		imactl_mlog_writer_free(w);
	}
	tu_rmtree(dir);
}

/* Kernel: same template digest on the same PCR is not added twice. */
static void test_duplicate(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_mlog_writer *w = wopen(dir, "ima-sig", -1, "");
	uint8_t dg[32] = {1, 2, 3}, before[32], after[32];
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(imactl_mlog_writer_add(w, "/bin/a", dg, NULL, 0, &d), 0);
	assert_int_equal(imactl_mlog_writer_pcr(w, IMACTL_HASH_SHA256, before), 0);
	assert_int_equal(imactl_mlog_writer_add(w, "/bin/a", dg, NULL, 0, &d), 0);
	assert_int_equal(imactl_mlog_writer_pcr(w, IMACTL_HASH_SHA256, after), 0);
	assert_memory_equal(before, after, 32);
	assert_int_equal(imactl_mlog_writer_count(w), 2);
	/* a type-4 value is not logged, so this is the same entry too */
	assert_int_equal(
		imactl_mlog_writer_add(w, "/bin/a", dg, (const uint8_t *)"\x04\x04", 2, &d), 0);
	assert_int_equal(imactl_mlog_writer_count(w), 2);
	dg[0] ^= 1;
	assert_int_equal(imactl_mlog_writer_add(w, "/bin/a", dg, NULL, 0, &d), 0);
	assert_int_equal(imactl_mlog_writer_count(w), 3);
	/* violations are always added */
	assert_int_equal(imactl_mlog_writer_add_violation(w, "/bin/a", &d), 0);
	assert_int_equal(imactl_mlog_writer_add_violation(w, "/bin/a", &d), 0);
	assert_int_equal(imactl_mlog_writer_count(w), 5);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "5\n");
	assert_file_eq(tu_path(dir, "violations"), "2\n");
	imactl_mlog_writer_free(w);
	tu_rmtree(dir);
}

/* Banks and PCR of the caller's choosing; reopening replaces the files. */
static void test_banks_reopen(void **state)
{
	static const int banks[] = {IMACTL_HASH_SHA384};
	char *dir = tu_mkdtemp();
	imactl_mlog_writer_opts o = {.runtime_dir = dir,
				     .pcr = 11,
				     .hash_algo = -1,
				     .bios_log = "",
				     .banks = banks,
				     .nbanks = 1};
	imactl_mlog_writer *w = wopen(dir, NULL, -1, "");
	uint8_t dg[32] = {9}, v[64];
	imactl_replay *rp = NULL;
	const imactl_mlog_entry *e;
	struct list l;
	imactl_diag d = {0};
	struct stat st;
	int r;

	(void)state;
	for (int i = 0; i < 5; i++) {
		dg[1] = (uint8_t)i;
		assert_int_equal(imactl_mlog_writer_add(w, "/x", dg, NULL, 0, &d), 0);
	}
	assert_int_equal(imactl_mlog_writer_count(w), 6);
	imactl_mlog_writer_free(w);
	assert_int_equal(stat(tu_path(dir, "pcrs-sha1"), &st), 0);

	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), 0);
	assert_int_equal(imactl_mlog_writer_count(w), 1);
	assert_int_equal(imactl_mlog_writer_add(w, "/y", dg, NULL, 0, &d), 0);
	assert_int_equal(imactl_mlog_writer_pcr(w, IMACTL_HASH_SHA1, v), -EINVAL);
	assert_int_equal(imactl_mlog_writer_pcr(w, IMACTL_HASH_SHA384, v), 0);
	/* stale banks of the previous run are gone */
	assert_int_equal(stat(tu_path(dir, "pcrs-sha1"), &st), -1);
	assert_int_equal(stat(tu_path(dir, "pcrs-sha256"), &st), -1);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "2\n");

	open_list(&l, tu_path(dir, "binary_runtime_measurements"), IMACTL_MLOG_BINARY);
	assert_int_equal(imactl_replay_new(ctx, banks, 1, 0, NULL, &rp, &d), 0);
	while ((r = imactl_mlog_next(l.l, &e, &d)) == 1) {
		assert_int_equal(e->pcr, 11);
		assert_int_equal(imactl_replay_extend(rp, e, &d), 0);
	}
	assert_int_equal(r, 0);
	assert_int_equal(imactl_replay_entries(rp), 2);
	assert_memory_equal(v, imactl_pcrs_get(imactl_replay_pcrs(rp), IMACTL_HASH_SHA384, 11), 48);
	imactl_replay_free(rp);
	close_list(&l);
	imactl_mlog_writer_free(w);
	tu_rmtree(dir);
}

static void test_errors(void **state)
{
	static const int md5[] = {IMACTL_HASH_MD5};
	static const int twice[] = {IMACTL_HASH_SHA256, IMACTL_HASH_SHA256};
	char *dir = tu_mkdtemp();
	imactl_mlog_writer_opts o = {
		.runtime_dir = dir, .pcr = 10, .hash_algo = -1, .bios_log = ""};
	imactl_mlog_writer *w = NULL, *w2 = NULL;
	imactl_diag d = {0};
	uint8_t dg[32] = {0}, big[IMACTL_MLOG_WRITER_SIG_MAX + 1] = {3};
	char *longpath;

	(void)state;
	o.template_name = "ima-buf";
	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "buf"));
	o.template_name = "d-ng|n-ng|bogus";
	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), -EOPNOTSUPP);
	o.template_name = "ima";
	o.hash_algo = IMACTL_HASH_SHA256;
	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), -EOPNOTSUPP);
	o.template_name = NULL;
	o.hash_algo = -1;
	o.pcr = 24;
	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), -EINVAL);
	o.pcr = 10;
	o.banks = md5;
	o.nbanks = 1;
	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), -EOPNOTSUPP);
	o.banks = twice;
	o.nbanks = 2;
	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), -EINVAL);
	o.banks = NULL;
	o.nbanks = 0;
	o.bios_log = tu_path(dir, "no-such-log");
	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), -ENOENT);
	o.bios_log = tu_data("kernel-6.1/measure/pcrs-sha1.txt"); /* not an event log */
	assert_true(imactl_mlog_writer_open(ctx, &o, &w, &d) < 0);
	assert_null(w);
	o.bios_log = "";

	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w, &d), 0);
	assert_int_equal(imactl_mlog_writer_open(ctx, &o, &w2, &d), -EBUSY);
	assert_null(w2);
	assert_int_equal(imactl_mlog_writer_add(w, "", dg, NULL, 0, &d), -EINVAL);
	assert_int_equal(imactl_mlog_writer_add(w, NULL, dg, NULL, 0, &d), -EINVAL);
	assert_int_equal(imactl_mlog_writer_add(w, "/a", NULL, NULL, 0, &d), -EINVAL);
	assert_int_equal(imactl_mlog_writer_add(w, "/a", dg, NULL, 3, &d), -EINVAL);
	assert_int_equal(imactl_mlog_writer_add(w, "/a", dg, big, sizeof(big), &d), -EMSGSIZE);
	longpath = malloc(IMACTL_MLOG_WRITER_PATH_MAX + 2);
	assert_non_null(longpath);
	memset(longpath, 'a', IMACTL_MLOG_WRITER_PATH_MAX + 1);
	longpath[IMACTL_MLOG_WRITER_PATH_MAX + 1] = '\0';
	assert_int_equal(imactl_mlog_writer_add(w, longpath, dg, NULL, 0, &d), -EMSGSIZE);
	assert_int_equal(imactl_mlog_writer_add_violation(w, longpath, &d), -EMSGSIZE);
	free(longpath);
	assert_int_equal(imactl_mlog_writer_count(w), 1);
	assert_int_equal(imactl_mlog_writer_pcr(w, IMACTL_HASH_SHA512, dg), -EINVAL);
	imactl_mlog_writer_free(w);
	imactl_mlog_writer_free(NULL);
	assert_int_equal(imactl_mlog_writer_count(NULL), 0);
	tu_rmtree(dir);
}

#define THREADS	   4
#define PER_THREAD 50

struct targ {
	imactl_mlog_writer *w;
	int id;
};

static void *adder(void *p)
{
	struct targ *a = p;
	uint8_t dg[32] = {0};
	char path[64];

	for (int i = 0; i < PER_THREAD; i++) {
		dg[0] = (uint8_t)a->id;
		dg[1] = (uint8_t)i;
		snprintf(path, sizeof(path), "/t%d/%d", a->id, i);
		if ((i % 10 == 9 ? imactl_mlog_writer_add_violation(a->w, path, NULL)
				 : imactl_mlog_writer_add(a->w, path, dg, NULL, 0, NULL)) < 0)
			return p;
	}
	return NULL;
}

static void test_threads(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_mlog_writer *w = wopen(dir, "ima-ng", -1, "");
	pthread_t th[THREADS];
	struct targ a[THREADS];
	char want[32];
	uint64_t bad;

	(void)state;
	for (int i = 0; i < THREADS; i++) {
		a[i] = (struct targ){w, i};
		assert_int_equal(pthread_create(&th[i], NULL, adder, &a[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		void *rv;
		assert_int_equal(pthread_join(th[i], &rv), 0);
		assert_null(rv);
	}
	assert_int_equal(imactl_mlog_writer_count(w), THREADS * PER_THREAD + 1);
	snprintf(want, sizeof(want), "%d\n", THREADS * PER_THREAD / 10);
	assert_file_eq(tu_path(dir, "violations"), want);
	assert_int_equal(replay_against(tu_path(dir, "binary_runtime_measurements"), dir, w, &bad),
			 0);
	assert_int_equal(bad, 0);
	imactl_mlog_writer_free(w);
	tu_rmtree(dir);
}

/*
 * IMACTL_MLOG_WRITE_OUT=DIR (an existing directory): one list per template
 * under DIR/<template>/ (the custom format under DIR/custom), DIR/mixed/ (PCRs
 * 10, 11, 12 and four templates in one list, write_mixed()), and DIR/clean/,
 * an ima-sig list without violations.
 */
/*
 * Deferred status files: the lists grow per entry, the count, violations and
 * pcrs-* files only on flush (or free); in between the lists are ahead of
 * them (match-ahead), never behind.
 */
static void test_deferred(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_mlog_writer *w = wopen(dir, "ima-sig", -1, "");
	char bin[4096];
	uint8_t dg[32] = {7};
	imactl_diag d = {0};
	uint64_t bad;
	size_t len;
	uint8_t *t;

	(void)state;
	snprintf(bin, sizeof(bin), "%s/binary_runtime_measurements", dir);
	assert_int_equal(imactl_mlog_writer_set_sync(w, 42), -EINVAL);
	assert_int_equal(imactl_mlog_writer_set_sync(NULL, IMACTL_MLOG_SYNC_DEFERRED), -EINVAL);
	assert_int_equal(imactl_mlog_writer_flush(NULL, &d), -EINVAL);
	assert_int_equal(imactl_mlog_writer_set_sync(w, IMACTL_MLOG_SYNC_DEFERRED), 0);
	/* nothing lags right after open: the boot_aggregate's files are written */
	assert_int_equal(imactl_mlog_writer_flush(w, &d), 0);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "1\n");

	for (unsigned int i = 0; i < 3; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/bin/f%u", i);
		dg[1] = (uint8_t)i;
		assert_int_equal(imactl_mlog_writer_add(w, path, dg, NULL, 0, &d), 0);
	}
	assert_int_equal(imactl_mlog_writer_add_violation(w, "/bin/v", &d), 0);
	/* the duplicate path leaves the files alone too */
	assert_int_equal(imactl_mlog_writer_add(w, "/bin/f0", (uint8_t[32]){7, 0}, NULL, 0, &d), 0);
	assert_int_equal(imactl_mlog_writer_count(w), 5);
	/* the lists have every entry ... */
	t = tu_read(tu_path(dir, "ascii_runtime_measurements"), &len);
	{
		size_t lines = 0;
		for (size_t i = 0; i < len; i++)
			lines += t[i] == '\n';
		assert_int_equal(lines, 5);
	}
	free(t);
	/* ... the status files still say boot_aggregate only: the lists are ahead */
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "1\n");
	assert_file_eq(tu_path(dir, "violations"), "0\n");
	assert_int_equal(replay_against(bin, dir, w, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(last_verdicts_n, 2);
	for (size_t i = 0; i < last_verdicts_n; i++) {
		assert_int_equal(last_verdicts[i].status, IMACTL_PCR_MATCH_AHEAD);
		assert_int_equal(last_verdicts[i].matched_at, 1);
	}

	assert_int_equal(imactl_mlog_writer_flush(w, &d), 1);
	assert_int_equal(imactl_mlog_writer_flush(w, &d), 0);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "5\n");
	assert_file_eq(tu_path(dir, "violations"), "1\n");
	assert_int_equal(replay_against(bin, dir, w, &bad), 0);
	for (size_t i = 0; i < last_verdicts_n; i++)
		assert_int_equal(last_verdicts[i].status, IMACTL_PCR_MATCH);

	/* back to per-entry rewriting */
	dg[1] = 9;
	assert_int_equal(imactl_mlog_writer_add(w, "/bin/g", dg, NULL, 0, &d), 0);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "5\n");
	assert_int_equal(imactl_mlog_writer_set_sync(w, IMACTL_MLOG_SYNC_EACH), 0);
	dg[1] = 10;
	assert_int_equal(imactl_mlog_writer_add(w, "/bin/h", dg, NULL, 0, &d), 0);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "7\n");

	/* free() rewrites what lags */
	assert_int_equal(imactl_mlog_writer_set_sync(w, IMACTL_MLOG_SYNC_DEFERRED), 0);
	dg[1] = 11;
	assert_int_equal(imactl_mlog_writer_add(w, "/bin/i", dg, NULL, 0, &d), 0);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "7\n");
	imactl_mlog_writer_free(w);
	assert_file_eq(tu_path(dir, "runtime_measurements_count"), "8\n");
	assert_int_equal(replay_against(bin, dir, NULL, &bad), 0);
	for (size_t i = 0; i < last_verdicts_n; i++)
		assert_int_equal(last_verdicts[i].status, IMACTL_PCR_MATCH);
	tu_rmtree(dir);
}

/*
 * One list, several PCRs and templates (a policy's pcr=/template=): the
 * default entries in PCR 10 with ima-ng, others in 11 and 12 with ima-sig,
 * a custom format and "ima"; violations stay on the writer's PCR and
 * template (ima_add_violation()).  Written into @dir; returns the writer.
 */
static imactl_mlog_writer *write_mixed(const char *dir)
{
	static const uint8_t sig[] = {0x03, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1, 2};
	imactl_mlog_writer *w = wopen(dir, "ima-ng", IMACTL_HASH_SHA256,
				      tu_data("kernel-6.1/measure/binary_bios_measurements"));
	imactl_mlog_add_opts o12 = IMACTL_MLOG_ADD_OPTS_INIT, o11 = IMACTL_MLOG_ADD_OPTS_INIT;
	imactl_mlog_add_opts oima = IMACTL_MLOG_ADD_OPTS_INIT;
	uint8_t dg[32], sha1[20];
	imactl_diag d = {0};

	o12.pcr = 12;
	o12.template_name = "ima-sig";
	o11.pcr = 11;
	o11.template_name = "d-ng|n-ng|sig";
	oima.pcr = 12;
	oima.template_name = "ima";
	oima.sha1_digest = sha1;
	for (unsigned int i = 0; i < 6; i++) {
		char path[64];

		memset(dg, (int)(i + 1), sizeof(dg));
		memset(sha1, (int)(0x80 + i), sizeof(sha1));
		snprintf(path, sizeof(path), "/bin/m%u", i);
		assert_int_equal(imactl_mlog_writer_add(w, path, dg, NULL, 0, &d), 0);
		assert_int_equal(imactl_mlog_writer_add_ex(w, &o12, path, dg, sig, sizeof(sig), &d),
				 0);
		assert_int_equal(imactl_mlog_writer_add_ex(w, &o11, path, dg, sig, sizeof(sig), &d),
				 0);
		if (i % 2)
			assert_int_equal(imactl_mlog_writer_add_ex(w, &oima, path, dg, NULL, 0, &d),
					 0);
		if (i == 3)
			assert_int_equal(imactl_mlog_writer_add_violation(w, "/bin/viol", &d), 0);
	}
	return w;
}

static void test_mixed(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_mlog_writer *w = write_mixed(dir);
	imactl_mlog_add_opts o = IMACTL_MLOG_ADD_OPTS_INIT;
	const imactl_mlog_entry *e;
	imactl_diag d = {0};
	uint8_t dg[32] = {1}, v10[32], v12[32];
	unsigned int per_pcr[IMACTL_PCR_COUNT] = {0};
	size_t len, n = 1 + 6 * 3 + 3 + 1;
	struct list l, la;
	uint64_t bad;
	char *t;
	int r;

	(void)state;
	assert_int_equal(imactl_mlog_writer_count(w), n);
	assert_int_equal(imactl_mlog_writer_pcr_mask(w), (1u << 10) | (1u << 11) | (1u << 12));

	/* a duplicate is per PCR: the same entry again in 12 is not added ... */
	memset(dg, 1, sizeof(dg));
	o.pcr = 12;
	o.template_name = "ima-ng";
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/bin/m0", dg, NULL, 0, &d), 0);
	assert_int_equal(imactl_mlog_writer_count(w), n + 1);
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/bin/m0", dg, NULL, 0, &d), 0);
	assert_int_equal(imactl_mlog_writer_count(w), n + 1);
	/* ... while PCR 10 already had it from the first loop */
	o.pcr = -1;
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/bin/m0", dg, NULL, 0, &d), 0);
	assert_int_equal(imactl_mlog_writer_count(w), n + 1);
	n++;

	/* every PCR's pcrs-* line is the writer's value; PCR 10 is the default getter */
	assert_int_equal(imactl_mlog_writer_pcr(w, IMACTL_HASH_SHA256, v10), 0);
	assert_int_equal(imactl_mlog_writer_pcr_index(w, IMACTL_HASH_SHA256, 10, v12), 0);
	assert_memory_equal(v10, v12, 32);
	assert_int_equal(imactl_mlog_writer_pcr_index(w, IMACTL_HASH_SHA256, 12, v12), 0);
	assert_memory_not_equal(v10, v12, 32);
	assert_int_equal(imactl_mlog_writer_pcr_index(w, IMACTL_HASH_SHA256, 24, v12), -EINVAL);
	t = (char *)tu_read(tu_path(dir, "pcrs-sha256"), &len);
	assert_non_null(strstr(t, "PCR-10: "));
	assert_true(strstr(t, "PCR-10: ") < strstr(t, "PCR-11: "));
	assert_true(strstr(t, "PCR-11: ") < strstr(t, "PCR-12: "));
	free(t);

	/* the binary and ascii lists carry each entry's PCR and template */
	open_list(&l, tu_path(dir, "binary_runtime_measurements"), IMACTL_MLOG_BINARY);
	open_list(&la, tu_path(dir, "ascii_runtime_measurements"), IMACTL_MLOG_ASCII);
	while ((r = imactl_mlog_next(l.l, &e, &d)) == 1) {
		const imactl_mlog_entry *ea;
		const char *tn = e->template_name;

		assert_int_equal(imactl_mlog_next(la.l, &ea, &d), 1);
		assert_int_equal(ea->pcr, e->pcr);
		assert_string_equal(ea->template_name, tn);
		per_pcr[e->pcr]++;
		if (e->pcr == 10)
			assert_string_equal(tn, "ima-ng"); /* boot_aggregate, violation included */
		else if (e->pcr == 11)
			assert_string_equal(tn, "d-ng|n-ng|sig");
		else
			assert_true(!strcmp(tn, "ima-sig") || !strcmp(tn, "ima") ||
				    !strcmp(tn, "ima-ng"));
		if (!strcmp(tn, "ima")) {
			/* the 'd' field is the SHA-1 digest given */
			assert_int_equal(e->fields[0].len, 20);
			assert_int_equal(e->fields[0].data[0] & 0x80, 0x80);
		}
	}
	assert_int_equal(r, 0);
	assert_int_equal(per_pcr[10], 1 + 6 + 1);
	assert_int_equal(per_pcr[11], 6);
	assert_int_equal(per_pcr[12], 6 + 3 + 1);
	close_list(&l);
	close_list(&la);

	/* the replay of every PCR from the binary list equals the pcrs-* files and the writer */
	assert_int_equal(replay_against(tu_path(dir, "binary_runtime_measurements"), dir, w, &bad),
			 0);
	assert_int_equal(bad, 0);
	assert_int_equal(last_verdicts_n, 2 * 3);
	for (size_t i = 0; i < last_verdicts_n; i++)
		assert_int_equal(last_verdicts[i].status, IMACTL_PCR_MATCH);
	imactl_mlog_writer_free(w);
	tu_rmtree(dir);
}

/* Per-entry options that cannot be written are refused before anything is added. */
static void test_mixed_errors(void **state)
{
	char *dir = tu_mkdtemp();
	imactl_mlog_writer *w = wopen(dir, "ima-ng", IMACTL_HASH_SHA256, "");
	imactl_mlog_add_opts o = IMACTL_MLOG_ADD_OPTS_INIT;
	imactl_diag d = {0};
	uint8_t dg[32] = {5};
	unsigned int flags = 99;
	char fmt[128];
	size_t i;

	(void)state;
	/* the writer-less check, for policy load */
	assert_int_equal(imactl_mlog_template_check("ima-sig", &flags, &d), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(imactl_mlog_template_check("ima", &flags, &d), 0);
	assert_int_equal(flags, IMACTL_MLOG_TEMPLATE_SHA1);
	assert_int_equal(imactl_mlog_template_check("d-ng|n-ng|sig", NULL, &d), 0);
	assert_int_equal(imactl_mlog_template_check("ima-modsig", NULL, &d), -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "modsig"));
	assert_int_equal(imactl_mlog_template_check("ima-buf", NULL, &d), -EOPNOTSUPP);
	assert_int_equal(imactl_mlog_template_check("evm-sig", NULL, &d), -EOPNOTSUPP);
	assert_int_equal(imactl_mlog_template_check("d-ng|bogus", NULL, &d), -EOPNOTSUPP);
	assert_int_equal(imactl_mlog_template_check("d-ng||n-ng", NULL, &d), -EINVAL);
	assert_int_equal(imactl_mlog_template_check("", NULL, &d), -EINVAL);
	assert_int_equal(imactl_mlog_template_check(NULL, NULL, &d), -EINVAL);

	o.template_name = "ima-buf";
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/a", dg, NULL, 0, &d), -EOPNOTSUPP);
	o.template_name = "";
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/a", dg, NULL, 0, &d), -EINVAL);
	/* "ima" on a sha256 writer needs the SHA-1 digest */
	o.template_name = "ima";
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/a", dg, NULL, 0, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "SHA-1"));
	o.template_name = NULL;
	o.pcr = IMACTL_PCR_COUNT;
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/a", dg, NULL, 0, &d), -EINVAL);
	o.pcr = -2;
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/a", dg, NULL, 0, &d), -EINVAL);
	assert_int_equal(imactl_mlog_writer_count(w), 1);
	assert_int_equal(imactl_mlog_writer_pcr_mask(w), 1u << 10);

	/*
	 * templates are cached by name, up to IMACTL_MLOG_WRITER_TEMPLATES_MAX:
	 * "ima-ng" (the writer's) and "ima" (valid, parsed above) hold two
	 */
	o.pcr = 13;
	for (i = 1; i < IMACTL_MLOG_WRITER_TEMPLATES_MAX - 1; i++) {
		snprintf(fmt, sizeof(fmt), "d-ng");
		for (size_t k = 0; k < i - 1; k++)
			strcat(fmt, "|n-ng");
		o.template_name = fmt;
		dg[1] = (uint8_t)i;
		assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/c", dg, NULL, 0, &d), 0);
		/* its second use is a cache hit, same result */
		dg[2] = 1;
		assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/c", dg, NULL, 0, &d), 0);
		dg[2] = 0;
	}
	assert_int_equal(imactl_mlog_writer_count(w),
			 1 + 2 * (IMACTL_MLOG_WRITER_TEMPLATES_MAX - 2));
	o.template_name = "n-ng|d-ng";
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/c", dg, NULL, 0, &d), -ENOSPC);
	o.template_name = "ima-ng"; /* cached: still fine */
	assert_int_equal(imactl_mlog_writer_add_ex(w, &o, "/c", dg, NULL, 0, &d), 0);
	imactl_mlog_writer_free(w);
	tu_rmtree(dir);
}

static int write_out(const char *out)
{
	imactl_mlog_writer *w;
	uint8_t dg[32];
	char sub[4096];

	for (size_t i = 0; i < ELEMENTS(templates); i++) {
		struct gen gens[GEN_N];

		snprintf(sub, sizeof(sub), "%s/%s", out,
			 strchr(templates[i], '|') ? "custom" : templates[i]);
		imactl_mlog_writer_free(write_list(sub, templates[i], gens));
	}
	snprintf(sub, sizeof(sub), "%s/mixed", out);
	imactl_mlog_writer_free(write_mixed(sub));
	snprintf(sub, sizeof(sub), "%s/clean", out);
	w = wopen(sub, "ima-sig", -1, tu_data("kernel-6.1/measure-sig/binary_bios_measurements"));
	for (unsigned int i = 0; i < GEN_N; i++) {
		struct gen g;

		gen_entry(&g, i, sizeof(dg));
		if (imactl_mlog_writer_add(w, g.path, g.digest, g.sig, g.siglen, NULL) < 0)
			return 1;
	}
	imactl_mlog_writer_free(w);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_ima_ng), cmocka_unit_test(test_kernel_ima_sig),
		cmocka_unit_test(test_roundtrip),     cmocka_unit_test(test_no_tpm),
		cmocka_unit_test(test_sha1_only_tpm), cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_banks_reopen),  cmocka_unit_test(test_errors),
		cmocka_unit_test(test_threads),	      cmocka_unit_test(test_deferred),
		cmocka_unit_test(test_mixed),	      cmocka_unit_test(test_mixed_errors),
	};
	const char *out = getenv("IMACTL_MLOG_WRITE_OUT");

	if (out && *out) {
		int r;
		if (setup(NULL))
			return 1;
		r = write_out(out);
		teardown(NULL);
		return r;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
