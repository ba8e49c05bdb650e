/* SPDX-License-Identifier: MIT */
/*
 * Measurement list reader against real kernel captures and synthetic lists.
 *
 * Provenance: tests/data/kernel-6.1/{measure,measure-sig} were captured from
 * Debian's linux-image-6.1.0-56-amd64 under qemu + swtpm with
 * ima_policy=tcb ima_hash=sha256 and ima_template=ima-ng / ima-sig (see their
 * README.txt); 28 entries each, entry 0 is boot_aggregate, entry 14 is
 * /lib/modules/crc16.ko, entry 19 is /mnt/bin/prog (signed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "helpers/testutil.h"
#include "imactl/imactl.h"
#include "imactl/mlog.h"

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

struct summary {
	size_t n;
	size_t bad_template; /* entries whose template digest does not match */
	long first_bad;
	char names[64][128];
	uint8_t digests[64][20];
	uint32_t pcr[64];
	char tmpl[64][32];
	size_t sig_len[64];
	int rc; /* last imactl_mlog_next() result */
};

static void summarize(imactl_mlog *l, struct summary *s)
{
	const imactl_mlog_entry *e;
	imactl_diag d = {0};
	int r;

	memset(s, 0, sizeof(*s));
	s->first_bad = -1;
	while ((r = imactl_mlog_next(l, &e, &d)) == 1) {
		assert_true(s->n < 64);
		assert_int_equal(e->index, s->n);
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", e->name ? e->name : "");
		snprintf(s->tmpl[s->n], sizeof(s->tmpl[0]), "%s", e->template_name);
		memcpy(s->digests[s->n], e->digest, 20);
		s->pcr[s->n] = e->pcr;
		s->sig_len[s->n] = e->sig_len;
		if (imactl_mlog_entry_check(ctx, e, NULL) == -EKEYREJECTED) {
			if (s->first_bad < 0)
				s->first_bad = (long)s->n;
			s->bad_template++;
		}
		s->n++;
	}
	s->rc = r;
}

static void summarize_file(const char *rel, int format, struct summary *s)
{
	size_t len;
	uint8_t *buf = tu_read(tu_data(rel), &len);
	imactl_mlog *l = NULL;

	assert_int_equal(imactl_mlog_open_buf(ctx, buf, len, format, -1, 0, &l, NULL), 0);
	summarize(l, s);
	imactl_mlog_free(l);
	free(buf);
}

static void test_binary_ima_ng(void **state)
{
	struct summary s;

	(void)state;
	summarize_file("kernel-6.1/measure/binary_runtime_measurements", IMACTL_MLOG_AUTO, &s);
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 28); /* runtime_measurements_count */
	assert_int_equal(s.bad_template, 0);
	assert_string_equal(s.names[0], "boot_aggregate");
	assert_string_equal(s.names[14], "/lib/modules/crc16.ko");
	assert_string_equal(s.names[27], "/bin/getfattr");
	for (size_t i = 0; i < s.n; i++) {
		assert_int_equal(s.pcr[i], 10);
		assert_string_equal(s.tmpl[i], "ima-ng");
	}
}

static void test_binary_fields(void **state)
{
	size_t len;
	uint8_t *buf = tu_read(tu_data("kernel-6.1/measure/binary_runtime_measurements"), &len);
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;
	uint8_t want[32];

	(void)state;
	assert_int_equal(imactl_mlog_open_buf(ctx, buf, len, IMACTL_MLOG_BINARY, -1, 0, &l, NULL),
			 0);
	assert_int_equal(imactl_mlog_next(l, &e, NULL), 1);
	/* ascii_runtime_measurements line 1 */
	tu_unhex("a87d25ba53ccebd9dd1ee56d8718ef15a452efb8", want, sizeof(want));
	assert_memory_equal(e->digest, want, 20);
	assert_int_equal(e->digest_algo, IMACTL_HASH_SHA1);
	assert_false(e->violation);
	assert_string_equal(e->template_fmt, "d-ng|n-ng");
	assert_int_equal(e->nfields, 2);
	assert_string_equal(e->fields[0].id, "d-ng");
	assert_int_equal(e->file_algo, IMACTL_HASH_SHA256);
	assert_string_equal(e->file_algo_name, "sha256");
	assert_int_equal(e->file_digest_len, 32);
	tu_unhex("28bc147afe4ef97aa2a10590ece719d0665106b45fd3d6f91ccbf59e1f7bc4c8", want,
		 sizeof(want));
	assert_memory_equal(e->file_digest, want, 32);
	assert_int_equal(e->offset, 0);
	/* hashed = u32 len + "sha256:\0" + 32 bytes, u32 len + "boot_aggregate\0" */
	assert_int_equal(e->hashed_len, 4 + 8 + 32 + 4 + 15);
	assert_int_equal(imactl_mlog_format(l), IMACTL_MLOG_BINARY);
	imactl_mlog_free(l);
	free(buf);
}

/* The ascii list, rebuilt into template data, must hash to the same digests. */
static void test_ascii_equals_binary(void **state)
{
	static const char *const dirs[] = {"kernel-6.1/measure", "kernel-6.1/measure-sig"};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct summary a, b;
		char pa[256], pb[256];

		snprintf(pa, sizeof(pa), "%s/ascii_runtime_measurements", dirs[k]);
		snprintf(pb, sizeof(pb), "%s/binary_runtime_measurements", dirs[k]);
		summarize_file(pa, IMACTL_MLOG_AUTO, &a);
		summarize_file(pb, IMACTL_MLOG_AUTO, &b);
		assert_int_equal(a.rc, 0);
		assert_int_equal(a.n, 28);
		assert_int_equal(a.n, b.n);
		assert_int_equal(a.bad_template, 0);
		for (size_t i = 0; i < a.n; i++) {
			assert_string_equal(a.names[i], b.names[i]);
			assert_memory_equal(a.digests[i], b.digests[i], 20);
			assert_string_equal(a.tmpl[i], b.tmpl[i]);
			assert_int_equal(a.sig_len[i], b.sig_len[i]);
		}
	}
}

static void test_ima_sig(void **state)
{
	struct summary s;
	size_t signed_entries = 0;

	(void)state;
	summarize_file("kernel-6.1/measure-sig/binary_runtime_measurements", IMACTL_MLOG_AUTO, &s);
	assert_int_equal(s.n, 28);
	assert_int_equal(s.bad_template, 0);
	for (size_t i = 0; i < s.n; i++) {
		assert_string_equal(s.tmpl[i], "ima-sig");
		signed_entries += s.sig_len[i] > 0;
	}
	/* /mnt/bin/prog, /mnt/bin/hello.sh, /mnt/data/a.txt carry signatures */
	assert_string_equal(s.names[19], "/mnt/bin/prog");
	assert_true(s.sig_len[19] > 9);
	assert_true(s.sig_len[20] > 9);
	assert_true(s.sig_len[21] > 9);
	assert_int_equal(signed_entries, 3);
}

static void test_tampered(void **state)
{
	struct summary s;

	(void)state;
	/* flipped file digest, template digest kept: entry 14 fails the re-check */
	summarize_file("kernel-6.1/measure/tampered-digest-flip.bin", IMACTL_MLOG_AUTO, &s);
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 28);
	assert_int_equal(s.bad_template, 1);
	assert_int_equal(s.first_bad, 14);
	assert_string_equal(s.names[14], "/lib/modules/crc16.ko");
	summarize_file("kernel-6.1/measure-sig/tampered-digest-flip.bin", IMACTL_MLOG_AUTO, &s);
	assert_int_equal(s.first_bad, 14);
	assert_int_equal(s.bad_template, 1);
	/* rehashed: consistent in itself, only the PCR catches it (test_pcr) */
	summarize_file("kernel-6.1/measure/tampered-digest-rehash.bin", IMACTL_MLOG_AUTO, &s);
	assert_int_equal(s.n, 28);
	assert_int_equal(s.bad_template, 0);
	summarize_file("kernel-6.1/measure/tampered-truncate.bin", IMACTL_MLOG_AUTO, &s);
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 27);
	summarize_file("kernel-6.1/measure/tampered-drop-entry.bin", IMACTL_MLOG_AUTO, &s);
	assert_int_equal(s.n, 27);
	assert_string_equal(s.names[14], "/lib/modules/ext4.ko");
	summarize_file("kernel-6.1/measure-sig/tampered-sig-flip-rehash.bin", IMACTL_MLOG_AUTO, &s);
	assert_int_equal(s.n, 28);
	assert_int_equal(s.bad_template, 0);
}

/* Every truncation point: clean end on an entry boundary, -EBADMSG inside one. */
static void test_truncation_everywhere(void **state)
{
	size_t len;
	uint8_t *buf = tu_read(tu_data("kernel-6.1/measure-sig/binary_runtime_measurements"), &len);
	size_t bounds[32], nb = 0;
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;

	(void)state;
	/* entry boundaries from the offsets the reader reports */
	assert_int_equal(imactl_mlog_open_buf(ctx, buf, len, IMACTL_MLOG_BINARY, -1, 0, &l, NULL),
			 0);
	nb = 0;
	while (imactl_mlog_next(l, &e, NULL) == 1)
		bounds[nb++] = (size_t)e->offset;
	bounds[nb++] = len;
	imactl_mlog_free(l);

	for (size_t cut = 0; cut < len; cut++) {
		size_t whole = 0, k;
		imactl_diag d = {0};
		int r;

		for (k = 1; k < nb; k++)
			if (bounds[k] <= cut)
				whole = k;
		assert_int_equal(
			imactl_mlog_open_buf(ctx, buf, cut, IMACTL_MLOG_BINARY, -1, 0, &l, NULL),
			0);
		for (k = 0; (r = imactl_mlog_next(l, &e, &d)) == 1; k++)
			;
		assert_int_equal(k, whole);
		if (cut == bounds[whole])
			assert_int_equal(r, 0);
		else {
			assert_int_equal(r, -EBADMSG);
			assert_true(d.has_offset);
			assert_int_equal(d.offset, bounds[whole]);
			/* sticky */
			assert_int_equal(imactl_mlog_next(l, &e, NULL), -EBADMSG);
		}
		imactl_mlog_free(l);
	}
	free(buf);
}

/* Streaming from a pipe, in small writes, gives the same entries. */
static void test_fd_pipe(void **state)
{
	size_t len;
	uint8_t *buf = tu_read(tu_data("kernel-6.1/measure-sig/binary_runtime_measurements"), &len);
	int p[2];
	pid_t pid;
	imactl_mlog *l = NULL;
	struct summary s;

	(void)state;
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		for (size_t o = 0; o < len; o += 7)
			if (write(p[1], buf + o, len - o < 7 ? len - o : 7) < 0)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(imactl_mlog_open_fd(ctx, p[0], IMACTL_MLOG_AUTO, -1, 0, &l, NULL), 0);
	summarize(l, &s);
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 28);
	assert_int_equal(s.bad_template, 0);
	assert_string_equal(s.names[27], "/bin/getfattr");
	imactl_mlog_free(l);
	close(p[0]);
	waitpid(pid, NULL, 0);
	free(buf);
}

/* --- synthetic lists ---------------------------------------------------- */

struct wbuf {
	uint8_t b[8192];
	size_t n;
	bool be;
};

static void w_bytes(struct wbuf *w, const void *p, size_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void w_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4];

	if (w->be) {
		b[0] = (uint8_t)(v >> 24), b[1] = (uint8_t)(v >> 16), b[2] = (uint8_t)(v >> 8),
		b[3] = (uint8_t)v;
	} else {
		b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8), b[2] = (uint8_t)(v >> 16),
		b[3] = (uint8_t)(v >> 24);
	}
	w_bytes(w, b, 4);
}

static void w_field(struct wbuf *w, const void *p, size_t n)
{
	w_u32(w, (uint32_t)n);
	w_bytes(w, p, n);
}

static void sha1(const void *p, size_t n, uint8_t out[20])
{
	assert_int_equal(EVP_Digest(p, n, out, NULL, EVP_sha1(), NULL), 1);
}

/* Append an entry with template data td (its hash is SHA-1 over td) */
static void w_entry(struct wbuf *w, uint32_t pcr, const char *tname, const struct wbuf *td,
		    bool violation)
{
	uint8_t d[20] = {0};

	if (!violation)
		sha1(td->b, td->n, d);
	w_u32(w, pcr);
	w_bytes(w, d, 20);
	w_field(w, tname, strlen(tname));
	w_field(w, td->b, td->n);
}

static void test_synthetic_templates(void **state)
{
	struct wbuf w = {0}, td = {0};
	uint8_t dig[32], hashed[276] = {0};
	const char *name = "/etc/passwd";
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;
	imactl_diag d = {0};
	uint32_t uid = 1000, gid = 100;
	uint16_t mode = 0100644;
	uint8_t xl[4] = {5, 0, 0, 0};

	(void)state;
	memset(dig, 0xab, sizeof(dig));
	/* "ima": raw d, then u32 len + name without NUL; hash over d || name[256] */
	memcpy(hashed, dig, 20);
	memcpy(hashed + 20, name, strlen(name));
	{
		uint8_t h[20];
		sha1(hashed, sizeof(hashed), h);
		w_u32(&w, 10);
		w_bytes(&w, h, 20);
		w_field(&w, "ima", 3);
		w_bytes(&w, dig, 20);
		w_field(&w, name, strlen(name));
	}
	/* ima-buf */
	td.n = 0;
	{
		uint8_t f[8 + 32];
		memcpy(f, "sha256:", 8);
		memcpy(f + 8, dig, 32);
		w_field(&td, f, sizeof(f));
		w_field(&td, "kexec-cmdline", 14);
		w_field(&td, "console=ttyS0", 13);
	}
	w_entry(&w, 10, "ima-buf", &td, false);
	/* ima-ngv2 with a verity digest */
	td.n = 0;
	{
		uint8_t f[15 + 32];
		memcpy(f, "verity:sha256:", 15);
		memcpy(f + 15, dig, 32);
		w_field(&td, f, sizeof(f));
		w_field(&td, "/usr/bin/x", 11);
	}
	w_entry(&w, 11, "ima-ngv2", &td, false);
	/* evm-sig with empty evmsig and xattr fields */
	td.n = 0;
	{
		uint8_t f[8 + 32];
		memcpy(f, "sha256:", 8);
		memcpy(f + 8, dig, 32);
		w_field(&td, f, sizeof(f));
		w_field(&td, "/bin/ls", 8);
		w_field(&td, "", 0);
		w_field(&td, "security.ima", 12);
		w_field(&td, xl, 4);
		w_field(&td, "\x04\x04\x01\x02\x03", 5);
		w_field(&td, &uid, 4);
		w_field(&td, &gid, 4);
		w_field(&td, &mode, 2);
	}
	w_entry(&w, 10, "evm-sig", &td, false);
	/* a custom format, and a violation */
	td.n = 0;
	w_field(&td, "/tmp/f", 7);
	w_field(&td, &uid, 4);
	w_entry(&w, 10, "n-ng|iuid", &td, false);
	td.n = 0;
	{
		uint8_t f[8 + 32] = "sha256:";
		w_field(&td, f, sizeof(f));
		w_field(&td, "/var/log/x", 11);
	}
	w_entry(&w, 10, "ima-ng", &td, true);

	assert_int_equal(imactl_mlog_open_buf(ctx, w.b, w.n, IMACTL_MLOG_AUTO, -1, 0, &l, NULL), 0);
	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_string_equal(e->template_name, "ima");
	assert_string_equal(e->name, name);
	assert_int_equal(e->file_algo, IMACTL_HASH_SHA1);
	assert_int_equal(e->hashed_len, 276);
	assert_int_equal(imactl_mlog_entry_check(ctx, e, NULL), 0);

	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_string_equal(e->template_name, "ima-buf");
	assert_int_equal(e->buf_len, 13);
	assert_memory_equal(e->buf, "console=ttyS0", 13);
	assert_string_equal(e->name, "kexec-cmdline");
	assert_int_equal(imactl_mlog_entry_check(ctx, e, NULL), 0);

	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_int_equal(e->pcr, 11);
	assert_int_equal(e->file_digest_type, IMACTL_MLOG_DIGEST_VERITY);
	assert_int_equal(e->file_algo, IMACTL_HASH_SHA256);
	assert_int_equal(e->file_digest_len, 32);
	assert_int_equal(imactl_mlog_entry_check(ctx, e, NULL), 0);

	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_string_equal(e->template_name, "evm-sig");
	assert_int_equal(e->nfields, 9);
	assert_string_equal(e->fields[8].id, "imode");
	assert_int_equal(e->fields[8].len, 2);
	assert_null(e->sig);
	assert_int_equal(imactl_mlog_entry_check(ctx, e, NULL), 0);

	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_string_equal(e->template_name, "n-ng|iuid");
	assert_string_equal(e->template_fmt, "n-ng|iuid");
	assert_string_equal(e->name, "/tmp/f");
	assert_int_equal(imactl_mlog_entry_check(ctx, e, NULL), 0);

	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_true(e->violation);
	assert_int_equal(imactl_mlog_entry_check(ctx, e, NULL), 0);
	assert_int_equal(imactl_mlog_next(l, &e, &d), 0);
	imactl_mlog_free(l);

	/* a tampered template digest is caught, the entry still parses */
	w.b[5] ^= 1;
	assert_int_equal(imactl_mlog_open_buf(ctx, w.b, w.n, IMACTL_MLOG_AUTO, -1, 0, &l, NULL), 0);
	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_int_equal(imactl_mlog_entry_check(ctx, e, &d), -EKEYREJECTED);
	imactl_mlog_free(l);
}

static void test_ascii_synthetic(void **state)
{
	/* the kernel's ascii forms: empty fields still get their space */
	static const char list[] =
		"10 0000000000000000000000000000000000000000 ima-sig "
		"sha256:0000000000000000000000000000000000000000000000000000000000000000 "
		"/var/log/x \n"
		" 9 0000000000000000000000000000000000000000 d-ng|iuid|imode sha1:"
		"0102030405060708090a0b0c0d0e0f1011121314 1000 33188\n";
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(imactl_mlog_open_buf(ctx, (const uint8_t *)list, sizeof(list) - 1,
					      IMACTL_MLOG_AUTO, -1, 0, &l, NULL),
			 0);
	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_true(e->violation);
	assert_int_equal(e->nfields, 3);
	assert_int_equal(e->fields[2].len, 0);
	assert_int_equal(e->line, 1);
	assert_int_equal(imactl_mlog_next(l, &e, &d), 1);
	assert_int_equal(e->pcr, 9);
	assert_int_equal(e->fields[1].len, 4);
	assert_int_equal(e->fields[2].len, 2);
	assert_int_equal(e->fields[2].data[0], 33188 & 0xff);
	assert_int_equal(e->file_algo, IMACTL_HASH_SHA1);
	assert_int_equal(imactl_mlog_next(l, &e, &d), 0);
	assert_int_equal(imactl_mlog_format(l), IMACTL_MLOG_ASCII);
	imactl_mlog_free(l);
}

static void expect_bad(const void *p, size_t n, int format, int code, const char *msg)
{
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;
	imactl_diag d = {0};

	assert_int_equal(imactl_mlog_open_buf(ctx, p, n, format, -1, 0, &l, NULL), 0);
	assert_int_equal(imactl_mlog_next(l, &e, &d), code);
	if (msg && !strstr(d.msg, msg))
		fail_msg("diag '%s' lacks '%s'", d.msg, msg);
	imactl_mlog_free(l);
}

static void test_malformed(void **state)
{
	struct wbuf w = {0}, td = {0};

	(void)state;
	/* unknown field in a custom template */
	w_field(&td, "x", 2);
	w_entry(&w, 10, "n-ng|bogus", &td, false);
	expect_bad(w.b, w.n, IMACTL_MLOG_BINARY, -EOPNOTSUPP, "bogus");
	/* 16 fields */
	w.n = 0;
	w_entry(&w, 10, "n|n|n|n|n|n|n|n|n|n|n|n|n|n|n|n", &td, false);
	expect_bad(w.b, w.n, IMACTL_MLOG_BINARY, -EBADMSG, "more than 15");
	/* field lengths not adding up */
	w.n = 0;
	td.n = 0;
	w_field(&td, "sha1:\0abcdefghijklmnopqrst", 26);
	w_field(&td, "x", 2);
	td.b[0] = 200;
	w_entry(&w, 10, "ima-ng", &td, false);
	expect_bad(w.b, w.n, IMACTL_MLOG_BINARY, -EBADMSG, "field length");
	/* extra data after the fields */
	w.n = 0;
	td.n = 0;
	w_field(&td, "sha1:\0abcdefghijklmnopqrst", 26);
	w_field(&td, "x", 2);
	w_u32(&td, 0);
	w_entry(&w, 10, "ima-ng", &td, false);
	expect_bad(w.b, w.n, IMACTL_MLOG_BINARY, -EBADMSG, "longer than its fields");
	/* d-ng without NUL */
	w.n = 0;
	td.n = 0;
	w_field(&td, "sha1:abcdefghijklmnopqrst", 25);
	w_field(&td, "x", 2);
	w_entry(&w, 10, "ima-ng", &td, false);
	expect_bad(w.b, w.n, IMACTL_MLOG_BINARY, -EBADMSG, "d-ng");
	/* template data over the limit */
	w.n = 0;
	w_u32(&w, 10);
	w_bytes(&w, "aaaaaaaaaaaaaaaaaaaa", 20);
	w_field(&w, "ima-ng", 6);
	w_u32(&w, 0x7fffffff);
	expect_bad(w.b, w.n, IMACTL_MLOG_BINARY, -EMSGSIZE, "limit");
	/* zero-length template name */
	w.n = 0;
	w_u32(&w, 10);
	w_bytes(&w, "aaaaaaaaaaaaaaaaaaaa", 20);
	w_u32(&w, 0);
	expect_bad(w.b, w.n, IMACTL_MLOG_BINARY, -EBADMSG, "template name");
	/* ascii: missing field, bad hex, bad pcr */
	expect_bad("10 00 ima-ng\n", 13, IMACTL_MLOG_ASCII, -EBADMSG, "digest");
	expect_bad("10 0000000000000000000000000000000000000000 ima-ng sha1:00\n", 58,
		   IMACTL_MLOG_ASCII, -EBADMSG, "missing field n-ng");
	expect_bad("x 0000000000000000000000000000000000000000 ima-ng a b\n", 54, IMACTL_MLOG_ASCII,
		   -EBADMSG, "PCR");
	assert_int_equal(imactl_template_check_fmt("d-ng|n-ng|sig", NULL), 0);
	assert_int_equal(imactl_template_check_fmt("d-ng||sig", NULL), -EBADMSG);
	assert_int_equal(imactl_template_check_fmt("d-ng|nope", NULL), -EOPNOTSUPP);
	assert_string_equal(imactl_template_fmt("ima-modsig"), "d-ng|n-ng|sig|d-modsig|modsig");
	assert_null(imactl_template_fmt("ima-foo"));
}

/* A native list from a big-endian host is recognised from its first PCR number. */
static void test_big_endian(void **state)
{
	struct wbuf w = {.be = true}, td = {.be = true};
	imactl_mlog *l = NULL;
	const imactl_mlog_entry *e;

	(void)state;
	{
		uint8_t f[6 + 20] = "sha1:";
		w_field(&td, f, sizeof(f));
		w_field(&td, "/x", 3);
	}
	w_entry(&w, 10, "ima-ng", &td, false);
	assert_int_equal(imactl_mlog_open_buf(ctx, w.b, w.n, IMACTL_MLOG_BINARY, -1, 0, &l, NULL),
			 0);
	assert_int_equal(imactl_mlog_next(l, &e, NULL), 1);
	assert_int_equal(e->pcr, 10);
	assert_string_equal(e->name, "/x");
	assert_int_equal(imactl_mlog_entry_check(ctx, e, NULL), 0);
	imactl_mlog_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary_ima_ng),
		cmocka_unit_test(test_binary_fields),
		cmocka_unit_test(test_ascii_equals_binary),
		cmocka_unit_test(test_ima_sig),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_truncation_everywhere),
		cmocka_unit_test(test_fd_pipe),
		cmocka_unit_test(test_synthetic_templates),
		cmocka_unit_test(test_ascii_synthetic),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_big_endian),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
