/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ctx.h"
#include "diag.h"
#include "digest_table.h"
#include "util/cleanup.h"

const struct hash_info hash_table[IMACTL_HASH__MAX] = {
#define HASH(e, id, nm, sz, os, tpm) [id] = {nm, sz, os, tpm},
#include "imactl/hash_algo.def"
#undef HASH
};

/* Large reads amortise syscalls; 1 MiB keeps the buffer in L2/L3 on big files. */
#define HASH_BUF_SIZE (1024 * 1024)

int imactl_hash_from_name(const char *name)
{
	if (!name)
		return -EOPNOTSUPP;
	for (int i = 0; i < IMACTL_HASH__MAX; i++) {
		if (strcmp(name, hash_table[i].name) == 0)
			return i;
		if (hash_table[i].ossl && strcasecmp(name, hash_table[i].ossl) == 0)
			return i;
	}
	return -EOPNOTSUPP;
}

const char *imactl_hash_name(int algo)
{
	if (algo < 0 || algo >= IMACTL_HASH__MAX)
		return NULL;
	return hash_table[algo].name;
}

size_t imactl_hash_size(int algo)
{
	if (algo < 0 || algo >= IMACTL_HASH__MAX)
		return 0;
	return hash_table[algo].size;
}

uint16_t imactl_hash_tpm_alg(int algo)
{
	if (algo < 0 || algo >= IMACTL_HASH__MAX)
		return 0;
	return hash_table[algo].tpm_alg;
}

int imactl_hash_from_tpm_alg(uint16_t tpm_alg)
{
	if (tpm_alg == 0)
		return -EOPNOTSUPP;
	for (int i = 0; i < IMACTL_HASH__MAX; i++)
		if (hash_table[i].tpm_alg == tpm_alg)
			return i;
	return -EOPNOTSUPP;
}

int imactl_hash_available(imactl_ctx *ctx, int algo)
{
	return ctx_md(ctx, algo) != NULL;
}

static int get_md(imactl_ctx *ctx, int algo, const EVP_MD **ret, imactl_diag *reterr)
{
	const EVP_MD *md = ctx_md(ctx, algo);

	if (!md) {
		const char *n = imactl_hash_name(algo);
		return diag_fail(reterr, -EOPNOTSUPP,
				 "hash algorithm %s%s%s is not available in this OpenSSL",
				 n ? "'" : "", n ? n : "(unknown id)", n ? "'" : "");
	}
	*ret = md;
	return 0;
}

int imactl_hash_buf(imactl_ctx *ctx, int algo, const void *buf, size_t len, uint8_t *ret_digest,
		    imactl_diag *reterr)
{
	const EVP_MD *md = NULL;
	int r = get_md(ctx, algo, &md, reterr);

	if (r < 0)
		return r;
	if (!EVP_Digest(buf, len, ret_digest, NULL, md, NULL))
		return diag_fail_ossl(reterr, -ENOMEM, "digest failed");
	return 0;
}

static void md_ctx_freep(EVP_MD_CTX **p)
{
	EVP_MD_CTX_free(*p);
}

static pthread_key_t buf_key;
static pthread_once_t buf_once = PTHREAD_ONCE_INIT;

static void buf_key_init(void)
{
	(void)pthread_key_create(&buf_key, free);
}

/* A per-thread read buffer, kept for the thread's life (workers hash many files). */
static uint8_t *hash_buffer(void)
{
	uint8_t *b;

	pthread_once(&buf_once, buf_key_init);
	b = pthread_getspecific(buf_key);
	if (!b) {
		b = malloc(HASH_BUF_SIZE);
		if (b && pthread_setspecific(buf_key, b) != 0) {
			free(b);
			b = NULL;
		}
	}
	return b;
}

int imactl_hash_fd(imactl_ctx *ctx, int algo, int fd, uint8_t *ret_digest, imactl_diag *reterr)
{
	return imactl_hash_fd_size(ctx, algo, fd, -1, ret_digest, reterr);
}

int imactl_hash_fd_size(imactl_ctx *ctx, int algo, int fd, int64_t size, uint8_t *ret_digest,
			imactl_diag *reterr)
{
	const EVP_MD *md = NULL;
	_cleanup_(md_ctx_freep) EVP_MD_CTX *mctx = NULL;
	struct stat st;
	uint8_t *buf;
	off_t off = 0;
	int regular;
	int r = get_md(ctx, algo, &md, reterr);

	if (r < 0)
		return r;
	if (size >= 0) {
		st.st_size = (off_t)size;
		regular = 1;
	} else {
		if (fstat(fd, &st) < 0)
			return diag_fail(reterr, -errno, "fstat: %m");
		if (S_ISDIR(st.st_mode))
			return diag_fail(reterr, -EISDIR, "is a directory");
		regular = S_ISREG(st.st_mode);
	}
	buf = hash_buffer();
	mctx = EVP_MD_CTX_new();
	if (!buf || !mctx)
		return diag_fail(reterr, -ENOMEM, "out of memory");
	if (!EVP_DigestInit_ex2(mctx, md, NULL))
		return diag_fail_ossl(reterr, -EOPNOTSUPP, "digest init failed");
	if (regular && st.st_size > HASH_BUF_SIZE)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

	for (;;) {
		ssize_t n =
			regular ? pread(fd, buf, HASH_BUF_SIZE, off) : read(fd, buf, HASH_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return diag_fail(reterr, -errno, "read at offset %lld: %m", (long long)off);
		}
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(mctx, buf, (size_t)n))
			return diag_fail_ossl(reterr, -ENOMEM, "digest update failed");
		off += n;
		if (regular && off > st.st_size)
			return diag_fail(reterr, -EIO,
					 "file grew while being hashed (%lld > %lld bytes)",
					 (long long)off, (long long)st.st_size);
		/* a short read ending exactly at the size is EOF: save the extra pread */
		if (regular && n < HASH_BUF_SIZE && off == st.st_size)
			break;
	}
	if (regular && off != st.st_size)
		return diag_fail(reterr, -EIO, "short read: %lld of %lld bytes (file changed?)",
				 (long long)off, (long long)st.st_size);
	if (!EVP_DigestFinal_ex(mctx, ret_digest, NULL))
		return diag_fail_ossl(reterr, -ENOMEM, "digest final failed");
	return 0;
}

int hash_algo_for_len(size_t n)
{
	switch (n) {
	case 20:
		return IMACTL_HASH_SHA1;
	case 32:
		return IMACTL_HASH_SHA256;
	case 48:
		return IMACTL_HASH_SHA384;
	case 64:
		return IMACTL_HASH_SHA512;
	default:
		return -1;
	}
}
