/* SPDX-License-Identifier: MIT */
/*
 * IMA measurement list writer (6.1 semantics): template data encoded as
 * ima_template_lib.c does, template digests as ima_crypto.c
 * ima_calc_field_array_hash(), the list files as ima_fs.c shows them, PCR
 * extension and violations as ima_queue.c ima_add_template_entry() and
 * ima_api.c ima_add_violation(), the first entry as ima_init.c
 * ima_add_boot_aggregate().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ctx.h"
#include "diag.h"
#include "imactl/mlog_write.h"
#include "imactl/pcr.h"
#include "template.h"
#include "util/bytes.h"
#include "util/cleanup.h"
#include "util/hex.h"

#define SHA1_LEN	    20
#define EVENT_NAME_LEN_MAX  255 /* IMA_EVENT_NAME_LEN_MAX */
#define BIOS_LOG_DEFAULT    "/sys/kernel/security/tpm0/binary_bios_measurements"
#define BIOS_LOG_MAX	    (16u << 20)
#define FILE_MODE	    0440 /* securityfs: S_IRUSR | S_IRGRP */
#define BOOT_AGGREGATE_NAME "boot_aggregate"

/* security.ima types logged by the sig field (ima_eventsig_init()) */
#define EVM_IMA_XATTR_DIGSIG 0x03
#define IMA_VERITY_DIGSIG    0x06

/* One software PCR bank: every PCR index the list may use (0..IMACTL_PCR_COUNT-1). */
struct wbank {
	int algo;
	size_t len;
	const EVP_MD *md;
	uint8_t value[IMACTL_PCR_COUNT][IMACTL_MAX_DIGEST_SIZE];
};

/* A growable byte buffer, reused for every entry. */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

/* Template digests already in the list (ima_queue.c's hash table), open addressing. */
struct dkey {
	uint8_t d[SHA1_LEN];
	uint8_t pcr;
	uint8_t used;
};

struct imactl_mlog_writer {
	imactl_ctx *ctx;
	pthread_mutex_t lock;
	int dirfd, bin_fd, ascii_fd;
	off_t bin_size, ascii_size;
	bool broken;	 /* an append could not be undone */
	bool status_old; /* count/violations/pcrs files lag behind */
	int sync;	 /* enum imactl_mlog_sync */
	/* templates parsed once, by name; [0] is the writer's own (boot_aggregate, violations) */
	struct template_desc tmpl[IMACTL_MLOG_WRITER_TEMPLATES_MAX];
	size_t ntmpl;
	unsigned int pcr;  /* the writer's own PCR */
	uint32_t pcr_used; /* bit n: PCR n has been extended (listed in pcrs-*) */
	int hash_algo;
	struct wbank banks[IMACTL_MLOG_WRITER_BANKS_MAX];
	size_t nbanks;
	const EVP_MD *sha1;
	EVP_MD_CTX *mctx;
	uint64_t count, violations;
	struct dkey *set;
	size_t set_cap, set_n;
	struct wbuf data, hashed, rec, line;
	imactl_mlog_extend_fn extend;
	void *extend_arg;
};

/* One measurement to encode. */
struct meas {
	const struct template_desc *t;
	unsigned int pcr;
	const char *path;
	int ng_algo;		  /* d-ng / d-ngv2 algorithm */
	const uint8_t *ng_digest; /* NULL: zeros (violation) */
	const uint8_t *d_digest;  /* 'd' field, 20 bytes; NULL: zeros */
	const uint8_t *sig;
	size_t siglen;
	bool violation;
};

static int wbuf_reserve(struct wbuf *b, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (n <= b->cap - b->len)
		return 0;
	cap = b->cap ? b->cap : 512;
	while (cap - b->len < n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int wbuf_put(struct wbuf *b, const void *p, size_t n)
{
	if (wbuf_reserve(b, n) < 0)
		return -ENOMEM;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static int wbuf_le32(struct wbuf *b, uint32_t v)
{
	uint8_t le[4];

	store_le32(le, v);
	return wbuf_put(b, le, sizeof(le));
}

static int wbuf_zero(struct wbuf *b, size_t n)
{
	if (wbuf_reserve(b, n) < 0)
		return -ENOMEM;
	memset(b->p + b->len, 0, n);
	b->len += n;
	return 0;
}

static int wbuf_hex(struct wbuf *b, const uint8_t *p, size_t n)
{
	if (wbuf_reserve(b, 2 * n + 1) < 0)
		return -ENOMEM;
	hex_encode(p, n, (char *)b->p + b->len);
	b->len += 2 * n;
	return 0;
}

static int wbuf_str(struct wbuf *b, const char *s)
{
	return wbuf_put(b, s, strlen(s));
}

static bool field_supported(int f)
{
	return f == TF_D || f == TF_N || f == TF_D_NG || f == TF_D_NGV2 || f == TF_N_NG ||
	       f == TF_SIG;
}

static bool template_has(const struct template_desc *t, int f)
{
	for (unsigned int i = 0; i < t->nfields; i++)
		if (t->fields[i] == f)
			return true;
	return false;
}

/* Parse @name into @t and check that every field can be written; @ret_flags:
 * IMACTL_MLOG_TEMPLATE_*. */
static int template_parse(struct template_desc *t, const char *name, unsigned int *ret_flags,
			  imactl_diag *reterr)
{
	int r;

	r = template_desc_init(t, name, strlen(name), reterr);
	if (r < 0)
		return r == -EBADMSG ? diag_fail(reterr, -EINVAL, "template '%s' invalid", name)
				     : r;
	for (unsigned int i = 0; i < t->nfields; i++)
		if (!field_supported(t->fields[i]))
			return diag_fail(reterr, -EOPNOTSUPP,
					 "template '%s': field '%s' is not supported by the writer",
					 name, template_field_table[t->fields[i]].id);
	if (ret_flags)
		*ret_flags = template_has(t, TF_D) ? IMACTL_MLOG_TEMPLATE_SHA1 : 0;
	return 0;
}

int imactl_mlog_template_check(const char *name, unsigned int *ret_flags, imactl_diag *reterr)
{
	struct template_desc t;

	if (!name || !*name)
		return diag_fail(reterr, -EINVAL, "template: empty name");
	return template_parse(&t, name, ret_flags, reterr);
}

/*
 * Encode one field's data (ima_template_lib.c *_init() functions through
 * ima_write_template_field_data()) into @b.
 */
static int encode_field(struct wbuf *b, int f, const struct meas *m)
{
	const char *name = m->path;
	size_t nlen = strlen(name), start = b->len;
	char prefix[64];
	int n;

	switch (f) {
	case TF_D:
		/* ima_eventdigest_init(): SHA-1 digest; violations IMA_DIGEST_SIZE zeros */
		return m->d_digest ? wbuf_put(b, m->d_digest, SHA1_LEN) : wbuf_zero(b, SHA1_LEN);
	case TF_D_NG:
	case TF_D_NGV2:
		/*
		 * ima_eventdigest_init_common(): "<algo>:" or "ima:<algo>:", its
		 * NUL, the digest; a violation leaves hash-size zeros.  d-ngv2
		 * is "verity:" only for fs-verity digests, which we never get.
		 */
		n = snprintf(prefix, sizeof(prefix), "%s%s:", f == TF_D_NGV2 ? "ima:" : "",
			     imactl_hash_name(m->ng_algo));
		if (wbuf_put(b, prefix, (size_t)n + 1) < 0)
			return -ENOMEM;
		if (m->ng_digest)
			return wbuf_put(b, m->ng_digest, imactl_hash_size(m->ng_algo));
		return wbuf_zero(b, imactl_hash_size(m->ng_algo));
	case TF_N:
		/*
		 * ima_eventname_init(): over IMA_EVENT_NAME_LEN_MAX the kernel
		 * logs the dentry name (the last component), else truncates.
		 */
		if (nlen > EVENT_NAME_LEN_MAX) {
			const char *slash = strrchr(name, '/');
			if (slash && slash[1])
				name = slash + 1;
			nlen = strlen(name);
			if (nlen > EVENT_NAME_LEN_MAX)
				nlen = EVENT_NAME_LEN_MAX;
		}
		/* fallthrough */
	case TF_N_NG:
		/* DATA_FMT_STRING: stored with its NUL, spaces replaced by '_' */
		if (wbuf_reserve(b, nlen + 1) < 0)
			return -ENOMEM;
		for (size_t i = 0; i < nlen; i++)
			b->p[start + i] = name[i] == ' ' ? '_' : (uint8_t)name[i];
		b->p[start + nlen] = '\0';
		b->len += nlen + 1;
		return 0;
	case TF_SIG:
		/* ima_eventsig_init(): only a signature type is logged */
		if (m->violation || !m->sig || !m->siglen ||
		    (m->sig[0] != EVM_IMA_XATTR_DIGSIG && m->sig[0] != IMA_VERITY_DIGSIG))
			return 0;
		return wbuf_put(b, m->sig, m->siglen);
	default:
		return -EOPNOTSUPP;
	}
}

/* ima_fs.c ima_show_template_*() with IMA_SHOW_ASCII */
static int show_field(struct wbuf *b, int f, const uint8_t *p, size_t len)
{
	const uint8_t *nul;

	if (!len)
		return 0;
	switch (f) {
	case TF_D_NG:
	case TF_D_NGV2:
		nul = memchr(p, '\0', len);
		if (!nul)
			return -EBADMSG;
		if (wbuf_put(b, p, (size_t)(nul - p)) < 0)
			return -ENOMEM;
		return wbuf_hex(b, nul + 1, len - (size_t)(nul - p) - 1);
	case TF_N:
	case TF_N_NG:
		return wbuf_put(b, p, strnlen((const char *)p, len));
	default:
		return wbuf_hex(b, p, len);
	}
}

/*
 * Build the entry into w->rec (binary record) and w->line (ascii line),
 * w->hashed (what the template digest covers); @tdigest receives the SHA-1
 * template digest (zeros for a violation).
 */
static int build_entry(imactl_mlog_writer *w, const struct meas *m, uint8_t *tdigest,
		       imactl_diag *reterr)
{
	size_t off[IMACTL_TEMPLATE_FIELDS_MAX], len[IMACTL_TEMPLATE_FIELDS_MAX];
	const struct template_desc *t = m->t;
	size_t namelen = strlen(t->name);
	char pcrs[8];
	int r, n;

	w->data.len = w->hashed.len = w->rec.len = w->line.len = 0;
	for (unsigned int i = 0; i < t->nfields; i++) {
		off[i] = w->data.len;
		r = encode_field(&w->data, t->fields[i], m);
		if (r < 0)
			return diag_fail(reterr, r, "template '%s': cannot encode field '%s'",
					 t->name, template_field_table[t->fields[i]].id);
		len[i] = w->data.len - off[i];
	}

	/* ima_calc_field_array_hash_tfm() */
	for (unsigned int i = 0; i < t->nfields; i++) {
		const uint8_t *p = w->data.p + off[i];

		if (!t->is_ima) {
			r = wbuf_le32(&w->hashed, (uint32_t)len[i]);
			if (r >= 0)
				r = wbuf_put(&w->hashed, p, len[i]);
		} else if (t->fields[i] == TF_N) {
			/* "ima": the name zero-padded to IMA_EVENT_NAME_LEN_MAX + 1 */
			r = wbuf_put(&w->hashed, p, len[i]);
			if (r >= 0)
				r = wbuf_zero(&w->hashed, EVENT_NAME_LEN_MAX + 1 - len[i]);
		} else {
			r = wbuf_put(&w->hashed, p, len[i]);
		}
		if (r < 0)
			return -ENOMEM;
	}
	if (m->violation) {
		memset(tdigest, 0, SHA1_LEN);
	} else if (!EVP_DigestInit_ex2(w->mctx, w->sha1, NULL) ||
		   !EVP_DigestUpdate(w->mctx, w->hashed.p, w->hashed.len) ||
		   !EVP_DigestFinal_ex(w->mctx, tdigest, NULL)) {
		return diag_fail_ossl(reterr, -ENOMEM, "template digest");
	}

	/* ima_measurements_show(), canonical (little-endian) layout */
	r = wbuf_le32(&w->rec, m->pcr);
	r = r < 0 ? r : wbuf_put(&w->rec, tdigest, SHA1_LEN);
	r = r < 0 ? r : wbuf_le32(&w->rec, (uint32_t)namelen);
	r = r < 0 ? r : wbuf_put(&w->rec, t->name, namelen);
	if (!t->is_ima) {
		r = r < 0 ? r : wbuf_le32(&w->rec, (uint32_t)w->hashed.len);
		r = r < 0 ? r : wbuf_put(&w->rec, w->hashed.p, w->hashed.len);
	} else {
		/* 'd' without a length, 'n' as an old-format string: length, no NUL */
		for (unsigned int i = 0; r >= 0 && i < t->nfields; i++) {
			const uint8_t *p = w->data.p + off[i];
			if (t->fields[i] == TF_N) {
				r = wbuf_le32(&w->rec, (uint32_t)(len[i] - 1));
				r = r < 0 ? r : wbuf_put(&w->rec, p, len[i] - 1);
			} else {
				r = wbuf_put(&w->rec, p, len[i]);
			}
		}
	}
	if (r < 0)
		return -ENOMEM;

	/* ima_ascii_measurements_show() */
	n = snprintf(pcrs, sizeof(pcrs), "%2u ", m->pcr);
	r = wbuf_put(&w->line, pcrs, (size_t)n);
	r = r < 0 ? r : wbuf_hex(&w->line, tdigest, SHA1_LEN);
	r = r < 0 ? r : wbuf_str(&w->line, " ");
	r = r < 0 ? r : wbuf_str(&w->line, t->name);
	for (unsigned int i = 0; r >= 0 && i < t->nfields; i++) {
		r = wbuf_str(&w->line, " ");
		r = r < 0 ? r : show_field(&w->line, t->fields[i], w->data.p + off[i], len[i]);
	}
	r = r < 0 ? r : wbuf_str(&w->line, "\n");
	return r < 0 ? diag_fail(reterr, r, "ascii line") : 0;
}

static size_t set_slot(const struct dkey *set, size_t cap, const uint8_t *d, unsigned int pcr)
{
	size_t i = (size_t)(load_le64(d) ^ pcr) & (cap - 1);

	while (set[i].used && (set[i].pcr != pcr || memcmp(set[i].d, d, SHA1_LEN)))
		i = (i + 1) & (cap - 1);
	return i;
}

static bool set_has(const imactl_mlog_writer *w, const uint8_t *d, unsigned int pcr)
{
	return w->set_cap && w->set[set_slot(w->set, w->set_cap, d, pcr)].used;
}

/* Make room for one more digest (before the append, so nothing fails after it). */
static int set_reserve(imactl_mlog_writer *w)
{
	size_t cap;
	struct dkey *s;

	if ((w->set_n + 1) * 2 <= w->set_cap)
		return 0;
	cap = w->set_cap ? w->set_cap * 2 : 1024;
	s = calloc(cap, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t j = 0; j < w->set_cap; j++)
		if (w->set[j].used)
			s[set_slot(s, cap, w->set[j].d, w->set[j].pcr)] = w->set[j];
	free(w->set);
	w->set = s;
	w->set_cap = cap;
	return 0;
}

static void set_insert(imactl_mlog_writer *w, const uint8_t *d, unsigned int pcr)
{
	size_t i = set_slot(w->set, w->set_cap, d, pcr);

	memcpy(w->set[i].d, d, SHA1_LEN);
	w->set[i].pcr = (uint8_t)pcr;
	w->set[i].used = 1;
	w->set_n++;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			return -EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Replace @name in the directory with @len bytes: a temp file, then rename.
 * With @ret_fd, the file was opened O_APPEND and its fd is handed out.
 */
static int replace_file(int dirfd, const char *name, const void *p, size_t len, int *ret_fd,
			imactl_diag *reterr)
{
	_cleanup_close_ int fd = -EBADF;
	char tmp[64];
	int r;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return diag_fail(reterr, -errno, "cannot remove '%s': %m", tmp);
	fd = openat(dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | (ret_fd ? O_APPEND : 0),
		    FILE_MODE);
	if (fd < 0)
		return diag_fail(reterr, -errno, "cannot create '%s': %m", tmp);
	r = write_all(fd, p, len);
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return diag_fail(reterr, r, "cannot write '%s': %s", tmp, strerror(-r));
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = -errno;
		unlinkat(dirfd, tmp, 0);
		return diag_fail(reterr, r, "cannot rename '%s' to '%s': %s", tmp, name,
				 strerror(-r));
	}
	if (ret_fd)
		*ret_fd = TAKE_FD(fd);
	return 0;
}

/* runtime_measurements_count, violations and pcrs-<bank> (a line per PCR extended) */
static int write_status(imactl_mlog_writer *w, imactl_diag *reterr)
{
	char buf[IMACTL_PCR_COUNT * (16 + 2 * IMACTL_MAX_DIGEST_SIZE)], name[64];
	int n, r;

	w->status_old = true;
	/* ima_show_htable_value(): "%li\n" */
	n = snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)w->count);
	r = replace_file(w->dirfd, "runtime_measurements_count", buf, (size_t)n, NULL, reterr);
	if (r < 0)
		return r;
	n = snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)w->violations);
	r = replace_file(w->dirfd, "violations", buf, (size_t)n, NULL, reterr);
	if (r < 0)
		return r;
	for (size_t i = 0; i < w->nbanks; i++) {
		const struct wbank *b = &w->banks[i];

		n = 0;
		for (unsigned int pcr = 0; pcr < IMACTL_PCR_COUNT; pcr++) {
			if (!(w->pcr_used & (1u << pcr)))
				continue;
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "PCR-%02u: ", pcr);
			hex_encode(b->value[pcr], b->len, buf + n);
			n += (int)(2 * b->len);
			buf[n++] = '\n';
		}
		snprintf(name, sizeof(name), "pcrs-%s", imactl_hash_name(b->algo));
		r = replace_file(w->dirfd, name, buf, (size_t)n, NULL, reterr);
		if (r < 0)
			return r;
	}
	w->status_old = false;
	return 0;
}

/* Undo a partial append; on failure the writer refuses further entries. */
static void truncate_back(imactl_mlog_writer *w)
{
	if (ftruncate(w->bin_fd, w->bin_size) < 0 || ftruncate(w->ascii_fd, w->ascii_size) < 0)
		w->broken = true;
}

/*
 * Append the entry built in w->rec/w->line and extend every bank; @first
 * creates the lists with it instead (replacing a previous run's).  Under the
 * lock.
 */
static int commit_entry(imactl_mlog_writer *w, const uint8_t *tdigest, unsigned int pcr,
			bool violation, bool first, imactl_diag *reterr)
{
	static const uint8_t ff[IMACTL_MAX_DIGEST_SIZE] = {
		[0 ... IMACTL_MAX_DIGEST_SIZE - 1] = 0xff,
	};
	uint8_t nv[IMACTL_MLOG_WRITER_BANKS_MAX][IMACTL_MAX_DIGEST_SIZE];
	int r;

	/* new PCR values first, so a hashing failure leaves the files alone */
	for (size_t i = 0; i < w->nbanks; i++) {
		struct wbank *b = &w->banks[i];
		uint8_t d[IMACTL_MAX_DIGEST_SIZE];
		const uint8_t *ext = ff; /* ima_add_template_entry(): violations extend 0xff */

		if (!violation && b->algo == IMACTL_HASH_SHA1) {
			ext = tdigest; /* the template digest: SHA-1 over the same data */
		} else if (!violation) {
			/* 6.1: every bank with its own hash over the template data */
			if (!EVP_DigestInit_ex2(w->mctx, b->md, NULL) ||
			    !EVP_DigestUpdate(w->mctx, w->hashed.p, w->hashed.len) ||
			    !EVP_DigestFinal_ex(w->mctx, d, NULL))
				return diag_fail_ossl(reterr, -ENOMEM, "hashing");
			ext = d;
		}
		if (!EVP_DigestInit_ex2(w->mctx, b->md, NULL) ||
		    !EVP_DigestUpdate(w->mctx, b->value[pcr], b->len) ||
		    !EVP_DigestUpdate(w->mctx, ext, b->len) ||
		    !EVP_DigestFinal_ex(w->mctx, nv[i], NULL))
			return diag_fail_ossl(reterr, -ENOMEM, "extending");
	}
	if (!violation && set_reserve(w) < 0)
		return -ENOMEM;

	if (first) {
		r = replace_file(w->dirfd, "binary_runtime_measurements", w->rec.p, w->rec.len,
				 &w->bin_fd, reterr);
		if (r < 0)
			return r;
		r = replace_file(w->dirfd, "ascii_runtime_measurements", w->line.p, w->line.len,
				 &w->ascii_fd, reterr);
		if (r < 0)
			return r;
		goto written;
	}
	r = write_all(w->bin_fd, w->rec.p, w->rec.len);
	if (r < 0) {
		truncate_back(w);
		return diag_fail(reterr, r, "binary_runtime_measurements: %s", strerror(-r));
	}
	r = write_all(w->ascii_fd, w->line.p, w->line.len);
	if (r < 0) {
		truncate_back(w);
		return diag_fail(reterr, r, "ascii_runtime_measurements: %s", strerror(-r));
	}
written:
	w->bin_size += (off_t)w->rec.len;
	w->ascii_size += (off_t)w->line.len;
	if (!violation)
		set_insert(w, tdigest, pcr);
	for (size_t i = 0; i < w->nbanks; i++)
		memcpy(w->banks[i].value[pcr], nv[i], w->banks[i].len);
	w->pcr_used |= 1u << pcr;
	w->count++;
	if (violation)
		w->violations++;
	if (w->extend)
		w->extend(w->extend_arg, pcr, w->hashed.p, w->hashed.len, violation);
	if (w->sync == IMACTL_MLOG_SYNC_DEFERRED) {
		w->status_old = true; /* imactl_mlog_writer_flush() rewrites them */
		return 0;
	}
	return write_status(w, reterr);
}

static int add_locked(imactl_mlog_writer *w, const struct meas *m, imactl_diag *reterr)
{
	uint8_t tdigest[SHA1_LEN];
	int r;

	if (w->broken)
		return diag_fail(reterr, -EIO,
				 "measurement list: an earlier failed append could not be undone");
	r = build_entry(w, m, tdigest, reterr);
	if (r < 0)
		return r;
	/* ima_add_template_entry(): "hash_exists", not added again */
	if (!m->violation && set_has(w, tdigest, m->pcr))
		return w->status_old && w->sync == IMACTL_MLOG_SYNC_EACH ? write_status(w, reterr)
									 : 0;
	return commit_entry(w, tdigest, m->pcr, m->violation, false, reterr);
}

static int check_path(const char *path, imactl_diag *reterr)
{
	if (!path || !*path)
		return diag_fail(reterr, -EINVAL, "measurement: empty path");
	if (strnlen(path, IMACTL_MLOG_WRITER_PATH_MAX + 1) > IMACTL_MLOG_WRITER_PATH_MAX)
		return diag_fail(reterr, -EMSGSIZE, "measurement: path over %d bytes",
				 IMACTL_MLOG_WRITER_PATH_MAX);
	return 0;
}

/* The cached template called @name, parsing and validating it on first use.  Under the lock. */
static int template_get(imactl_mlog_writer *w, const char *name, const struct template_desc **ret,
			imactl_diag *reterr)
{
	struct template_desc *t;
	int r;

	for (size_t i = 0; i < w->ntmpl; i++)
		if (!strcmp(w->tmpl[i].name, name)) {
			*ret = &w->tmpl[i];
			return 0;
		}
	if (w->ntmpl == IMACTL_MLOG_WRITER_TEMPLATES_MAX)
		return diag_fail(reterr, -ENOSPC, "template '%s': over %d templates in one list",
				 name, IMACTL_MLOG_WRITER_TEMPLATES_MAX);
	t = &w->tmpl[w->ntmpl];
	r = template_parse(t, name, NULL, reterr);
	if (r < 0)
		return r;
	w->ntmpl++;
	*ret = t;
	return 0;
}

int imactl_mlog_writer_add_ex(imactl_mlog_writer *w, const imactl_mlog_add_opts *o,
			      const char *path, const uint8_t *digest, const uint8_t *sig,
			      size_t siglen, imactl_diag *reterr)
{
	struct meas m = {.path = path, .sig = sig, .siglen = siglen};
	int r;

	if (!w || !digest || (!sig && siglen))
		return diag_fail(reterr, -EINVAL, "measurement: missing argument");
	r = check_path(path, reterr);
	if (r < 0)
		return r;
	if (siglen > IMACTL_MLOG_WRITER_SIG_MAX)
		return diag_fail(reterr, -EMSGSIZE, "'%s': security.ima value over %d bytes", path,
				 IMACTL_MLOG_WRITER_SIG_MAX);
	if (o && (o->pcr < -1 || o->pcr >= IMACTL_PCR_COUNT))
		return diag_fail(reterr, -EINVAL, "'%s': PCR %d out of range (0..%d)", path, o->pcr,
				 IMACTL_PCR_COUNT - 1);
	if (o && o->template_name && !*o->template_name)
		return diag_fail(reterr, -EINVAL, "'%s': empty template name", path);
	m.pcr = o && o->pcr >= 0 ? (unsigned int)o->pcr : w->pcr;
	m.ng_algo = w->hash_algo;
	m.ng_digest = digest;
	m.d_digest = w->hash_algo == IMACTL_HASH_SHA1 ? digest : o ? o->sha1_digest : NULL;
	pthread_mutex_lock(&w->lock);
	m.t = &w->tmpl[0];
	if (o && o->template_name)
		r = template_get(w, o->template_name, &m.t, reterr);
	/* ima_eventdigest_init(): 'd' is a SHA-1 digest (the kernel rehashes the file) */
	if (r >= 0 && !m.d_digest && template_has(m.t, TF_D))
		r = diag_fail(reterr, -EINVAL,
			      "'%s': template '%s' needs the file's SHA-1 digest for its 'd' field",
			      path, m.t->name);
	if (r >= 0)
		r = add_locked(w, &m, reterr);
	pthread_mutex_unlock(&w->lock);
	return r;
}

int imactl_mlog_writer_add(imactl_mlog_writer *w, const char *path, const uint8_t *digest,
			   const uint8_t *sig, size_t siglen, imactl_diag *reterr)
{
	return imactl_mlog_writer_add_ex(w, NULL, path, digest, sig, siglen, reterr);
}

int imactl_mlog_writer_add_violation(imactl_mlog_writer *w, const char *path, imactl_diag *reterr)
{
	struct meas m = {.path = path, .violation = true};
	int r;

	if (!w)
		return diag_fail(reterr, -EINVAL, "violation: missing argument");
	r = check_path(path, reterr);
	if (r < 0)
		return r;
	/* ima_add_violation(): the default template, CONFIG_IMA_MEASURE_PCR_IDX */
	m.t = &w->tmpl[0];
	m.pcr = w->pcr;
	m.ng_algo = w->hash_algo;
	pthread_mutex_lock(&w->lock);
	r = add_locked(w, &m, reterr);
	pthread_mutex_unlock(&w->lock);
	return r;
}

int imactl_mlog_writer_set_sync(imactl_mlog_writer *w, int mode)
{
	if (!w || (mode != IMACTL_MLOG_SYNC_EACH && mode != IMACTL_MLOG_SYNC_DEFERRED))
		return -EINVAL;
	pthread_mutex_lock(&w->lock);
	w->sync = mode;
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int imactl_mlog_writer_flush(imactl_mlog_writer *w, imactl_diag *reterr)
{
	int r = 0;

	if (!w)
		return diag_fail(reterr, -EINVAL, "flush: missing argument");
	pthread_mutex_lock(&w->lock);
	if (w->status_old && !w->broken) {
		r = write_status(w, reterr);
		if (r == 0)
			r = 1;
	}
	pthread_mutex_unlock(&w->lock);
	return r;
}

int imactl_mlog_writer_pcr_index(imactl_mlog_writer *w, int bank, unsigned int pcr, uint8_t *out)
{
	int r = -EINVAL;

	if (!w || !out || pcr >= IMACTL_PCR_COUNT)
		return -EINVAL;
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->nbanks; i++)
		if (w->banks[i].algo == bank) {
			memcpy(out, w->banks[i].value[pcr], w->banks[i].len);
			r = 0;
		}
	pthread_mutex_unlock(&w->lock);
	return r;
}

int imactl_mlog_writer_pcr(imactl_mlog_writer *w, int bank, uint8_t *out)
{
	return w ? imactl_mlog_writer_pcr_index(w, bank, w->pcr, out) : -EINVAL;
}

uint32_t imactl_mlog_writer_pcr_mask(imactl_mlog_writer *w)
{
	uint32_t mask;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->lock);
	mask = w->pcr_used;
	pthread_mutex_unlock(&w->lock);
	return mask;
}

size_t imactl_mlog_writer_count(imactl_mlog_writer *w)
{
	size_t n;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->lock);
	n = (size_t)w->count;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void imactl_mlog_writer_free(imactl_mlog_writer *w)
{
	if (!w)
		return;
	if (w->status_old && !w->broken && w->dirfd >= 0)
		(void)write_status(w, NULL);
	if (w->bin_fd >= 0) {
		(void)fsync(w->bin_fd);
		close(w->bin_fd);
	}
	if (w->ascii_fd >= 0) {
		(void)fsync(w->ascii_fd);
		close(w->ascii_fd);
	}
	if (w->dirfd >= 0)
		close(w->dirfd); /* drops the flock */
	EVP_MD_CTX_free(w->mctx);
	pthread_mutex_destroy(&w->lock);
	free(w->set);
	free(w->data.p);
	free(w->hashed.p);
	free(w->rec.p);
	free(w->line.p);
	free(w);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_mlog_writer *, imactl_mlog_writer_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_pcrs *, imactl_pcrs_free)

/* Read a whole file by path; -ENOENT/-EACCES are returned without a diag. */
static int read_all(const char *path, uint8_t **ret, size_t *ret_len, imactl_diag *reterr)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			uint8_t *p;
			if (cap >= BIOS_LOG_MAX)
				return diag_fail(reterr, -EMSGSIZE, "'%s': over %u bytes", path,
						 BIOS_LOG_MAX);
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p)
				return -ENOMEM;
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return diag_fail(reterr, -errno, "cannot read '%s': %m", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/*
 * ima_init.c ima_add_boot_aggregate() and ima_crypto.c
 * ima_calc_boot_aggregate(): the TPM bank matching ima_hash, else sha256,
 * else sha1; no TPM or no such bank: zeros with ima_hash.  The 'd' field
 * (ima_eventdigest_init()) wants the sha1 bank, else zeros.
 */
static int boot_aggregate(imactl_mlog_writer *w, const char *bios_log, int *ret_algo,
			  uint8_t *ret_ng, uint8_t *ret_d, imactl_diag *reterr)
{
	_cleanup_(imactl_pcrs_freep) imactl_pcrs *pcrs = NULL;
	_cleanup_free_ uint8_t *buf = NULL;
	const char *path = bios_log ? bios_log : BIOS_LOG_DEFAULT;
	size_t len = 0;
	int r, algo = -1;

	*ret_algo = w->hash_algo;
	memset(ret_ng, 0, IMACTL_MAX_DIGEST_SIZE);
	memset(ret_d, 0, SHA1_LEN);
	if (bios_log && !*bios_log)
		return 0;
	r = read_all(path, &buf, &len, reterr);
	if (r == -ENOENT || r == -EACCES || r == -EPERM || r == -ENODEV) {
		if (!bios_log)
			return 0; /* no TPM (or not ours to read): the kernel logs zeros */
		return diag_fail(reterr, r, "cannot open event log '%s': %s", path, strerror(-r));
	}
	if (r < 0)
		return r;
	if (imactl_pcrs_new(&pcrs) < 0)
		return -ENOMEM;
	r = imactl_eventlog_replay(w->ctx, buf, len, pcrs, NULL, reterr);
	if (r < 0)
		return r;
	if (imactl_pcrs_has_bank(pcrs, w->hash_algo))
		algo = w->hash_algo;
	else if (imactl_pcrs_has_bank(pcrs, IMACTL_HASH_SHA256))
		algo = IMACTL_HASH_SHA256;
	else if (imactl_pcrs_has_bank(pcrs, IMACTL_HASH_SHA1))
		algo = IMACTL_HASH_SHA1;
	if (algo >= 0) {
		/* else "No suitable TPM algorithm for boot aggregate": zeros */
		r = imactl_boot_aggregate(w->ctx, algo, pcrs, ret_ng, reterr);
		if (r < 0)
			return r;
		*ret_algo = algo;
	}
	if (imactl_pcrs_has_bank(pcrs, IMACTL_HASH_SHA1)) {
		r = imactl_boot_aggregate(w->ctx, IMACTL_HASH_SHA1, pcrs, ret_d, reterr);
		if (r < 0)
			return r;
	}
	return 0;
}

static int open_dir(const char *dir, int *ret_fd, imactl_diag *reterr)
{
	int fd;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return diag_fail(reterr, -errno, "cannot create '%s': %m", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return diag_fail(reterr, -errno, "cannot open '%s': %m", dir);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(fd);
		return diag_fail(reterr, r, "'%s': in use by another measurement list writer", dir);
	}
	*ret_fd = fd;
	return 0;
}

static int setup_banks(imactl_mlog_writer *w, const imactl_mlog_writer_opts *o, imactl_diag *reterr)
{
	static const int default_banks[] = {IMACTL_HASH_SHA1, IMACTL_HASH_SHA256};
	const int *banks = o->banks ? o->banks : default_banks;
	size_t n = o->banks ? o->nbanks : ELEMENTSOF(default_banks);

	if (n == 0 || n > IMACTL_MLOG_WRITER_BANKS_MAX)
		return diag_fail(reterr, -EINVAL, "measurement list writer: %zu PCR banks", n);
	for (size_t i = 0; i < n; i++) {
		struct wbank *b = &w->banks[i];

		if (!imactl_hash_tpm_alg(banks[i]))
			return diag_fail(reterr, -EOPNOTSUPP, "hash %d is not a TPM PCR bank",
					 banks[i]);
		for (size_t j = 0; j < i; j++)
			if (banks[j] == banks[i])
				return diag_fail(reterr, -EINVAL, "PCR bank %s given twice",
						 imactl_hash_name(banks[i]));
		b->algo = banks[i];
		b->len = imactl_hash_size(banks[i]);
		b->md = ctx_md(w->ctx, banks[i]);
		if (!b->md)
			return diag_fail(reterr, -EOPNOTSUPP, "PCR bank %s: hash unavailable",
					 imactl_hash_name(banks[i]));
	}
	w->nbanks = n;
	return 0;
}

static int setup_template(imactl_mlog_writer *w, const imactl_mlog_writer_opts *o,
			  imactl_diag *reterr)
{
	const char *name = o->template_name ? o->template_name : "ima-ng";
	struct template_desc *t = &w->tmpl[0];
	int r;

	r = template_parse(t, name, NULL, reterr);
	if (r < 0)
		return r;
	w->ntmpl = 1;
	if (o->hash_algo < -1 || o->hash_algo >= IMACTL_HASH__MAX)
		return diag_fail(reterr, -EINVAL, "hash algorithm %d", o->hash_algo);
	if (o->hash_algo == -1)
		w->hash_algo = template_has(t, TF_D) ? IMACTL_HASH_SHA1 : IMACTL_HASH_SHA256;
	else
		w->hash_algo = o->hash_algo;
	if (!imactl_hash_size(w->hash_algo))
		return diag_fail(reterr, -EOPNOTSUPP, "hash algorithm %d", w->hash_algo);
	/* ima_eventdigest_init() logs SHA-1 only (it rehashes the file otherwise) */
	if (template_has(t, TF_D) && w->hash_algo != IMACTL_HASH_SHA1)
		return diag_fail(reterr, -EOPNOTSUPP,
				 "template '%s': its 'd' field needs sha1 file digests, not %s",
				 name, imactl_hash_name(w->hash_algo));
	return 0;
}

/* Remove pcrs-<bank> files of banks this writer does not keep (a previous run's). */
static void remove_stale_pcrs(imactl_mlog_writer *w)
{
	for (int algo = 0; algo < IMACTL_HASH__MAX; algo++) {
		char name[64];
		bool ours = false;

		if (!imactl_hash_tpm_alg(algo))
			continue;
		for (size_t i = 0; i < w->nbanks; i++)
			ours |= w->banks[i].algo == algo;
		if (ours)
			continue;
		snprintf(name, sizeof(name), "pcrs-%s", imactl_hash_name(algo));
		(void)unlinkat(w->dirfd, name, 0);
	}
}

int imactl_mlog_writer_open(imactl_ctx *ctx, const imactl_mlog_writer_opts *o,
			    imactl_mlog_writer **ret, imactl_diag *reterr)
{
	_cleanup_(imactl_mlog_writer_freep) imactl_mlog_writer *w = NULL;
	uint8_t ng[IMACTL_MAX_DIGEST_SIZE], d[SHA1_LEN], tdigest[SHA1_LEN];
	struct meas m = {.path = BOOT_AGGREGATE_NAME};
	int r;

	/* ima_add_boot_aggregate(): the default template, CONFIG_IMA_MEASURE_PCR_IDX */

	if (!ctx || !o || !ret || !o->runtime_dir || !*o->runtime_dir)
		return diag_fail(reterr, -EINVAL, "measurement list writer: missing argument");
	if (o->pcr < 0 || o->pcr >= IMACTL_PCR_COUNT)
		return diag_fail(reterr, -EINVAL, "PCR %d out of range", o->pcr);
	if (o->nbanks && !o->banks)
		return diag_fail(reterr, -EINVAL, "measurement list writer: banks missing");
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->dirfd = w->bin_fd = w->ascii_fd = -EBADF;
	w->ctx = ctx;
	w->pcr = (unsigned int)o->pcr;
	w->extend = o->extend;
	w->extend_arg = o->extend_arg;
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		free(TAKE_PTR(w));
		return -ENOMEM;
	}
	w->mctx = EVP_MD_CTX_new();
	w->sha1 = ctx_md(ctx, IMACTL_HASH_SHA1);
	if (!w->mctx)
		return -ENOMEM;
	if (!w->sha1)
		return diag_fail(reterr, -EOPNOTSUPP, "SHA-1 unavailable for template digests");
	r = setup_template(w, o, reterr);
	if (r < 0)
		return r;
	r = setup_banks(w, o, reterr);
	if (r < 0)
		return r;
	r = boot_aggregate(w, o->bios_log, &m.ng_algo, ng, d, reterr);
	if (r < 0)
		return r;
	m.ng_digest = ng;
	m.d_digest = d;
	m.t = &w->tmpl[0];
	m.pcr = w->pcr;
	r = open_dir(o->runtime_dir, &w->dirfd, reterr);
	if (r < 0)
		return r;
	remove_stale_pcrs(w);

	r = build_entry(w, &m, tdigest, reterr);
	if (r < 0)
		return r;
	r = commit_entry(w, tdigest, m.pcr, false, true, reterr);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(w);
	return 0;
}
