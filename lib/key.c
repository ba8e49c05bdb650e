/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/store.h>
#include <openssl/ui.h>
#include <openssl/x509v3.h>

#include "ctx.h"
#include "diag.h"
#include "key_internal.h"
#include "util/bytes.h"
#include "util/cleanup.h"

/* Certificates and key files are small; anything larger is not one. */
#define KEY_FILE_MAX (1024 * 1024)

void imactl_key_free(imactl_key *key)
{
	if (!key)
		return;
	for (size_t i = 0; i < ELEMENTSOF(key->vctx); i++)
		EVP_PKEY_CTX_free(key->vctx[i]);
	pthread_mutex_destroy(&key->vlock);
	EVP_PKEY_free(key->pkey);
	free(key->cert_der);
	free(key->source);
	free(key);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_key *, imactl_key_free)

struct imactl_key *key_alloc(void)
{
	struct imactl_key *k = calloc(1, sizeof(*k));

	if (k)
		pthread_mutex_init(&k->vlock, NULL);
	return k;
}

uint32_t imactl_key_keyid(const imactl_key *key)
{
	return key->keyid;
}

void imactl_key_set_keyid(imactl_key *key, uint32_t keyid)
{
	key->keyid = keyid;
}

int imactl_key_skid_keyid(const imactl_key *key, uint32_t *ret_keyid)
{
	if (!key->has_skid)
		return -ENODATA;
	*ret_keyid = key->skid_keyid;
	return 0;
}

int imactl_key_is_private(const imactl_key *key)
{
	return key->is_private;
}

const char *imactl_key_source(const imactl_key *key)
{
	return key->source ? key->source : "";
}

int imactl_key_der_cert(const imactl_key *key, const uint8_t **ret, size_t *ret_len)
{
	if (!key->cert_der)
		return -ENODATA;
	*ret = key->cert_der;
	*ret_len = key->cert_der_len;
	return 0;
}

const char *imactl_key_describe(const imactl_key *key, char *buf, size_t cap)
{
	char group[64] = "";

	if (EVP_PKEY_is_a(key->pkey, "RSA"))
		snprintf(buf, cap, "RSA-%d", EVP_PKEY_get_bits(key->pkey));
	else if (EVP_PKEY_get_utf8_string_param(key->pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
						sizeof(group), NULL))
		snprintf(buf, cap, "%s-%s", EVP_PKEY_get0_type_name(key->pkey), group);
	else
		snprintf(buf, cap, "%s", EVP_PKEY_get0_type_name(key->pkey));
	return buf;
}

/* Last 4 bytes of SHA-1 over the SubjectPublicKeyInfo BIT STRING (evmctl calc_keyid_v2). */
static int pubkey_hash_keyid(EVP_PKEY *pkey, uint32_t *ret, imactl_diag *d)
{
	X509_PUBKEY *xpk = NULL;
	const unsigned char *pk;
	int pklen;
	uint8_t md[20];
	int r = 0;

	unsigned char *der = NULL;

	/* The BIT STRING of the SubjectPublicKeyInfo is what i2d_PublicKey() gives for
	 * RSA (RSAPublicKey) and EC (the encoded point): cheaper than building the
	 * whole SPKI; other key types take the general path. */
	if ((EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_is_a(pkey, "EC")) &&
	    (pklen = i2d_PublicKey(pkey, &der)) > 0) {
		pk = der;
	} else if (!X509_PUBKEY_set(&xpk, pkey) ||
		   !X509_PUBKEY_get0_param(NULL, &pk, &pklen, NULL, xpk)) {
		r = diag_fail_ossl(d, -EOPNOTSUPP, "cannot encode the public key");
		goto out;
	}
	if (!EVP_Digest(pk, (size_t)pklen, md, NULL, EVP_sha1(), NULL))
		r = diag_fail_ossl(d, -EOPNOTSUPP, "SHA-1 unavailable");
	else
		*ret = load_be32(md + 16);
out:
	OPENSSL_free(der);
	X509_PUBKEY_free(xpk);
	return r;
}

static int check_type(EVP_PKEY *pkey, const char *src, imactl_diag *d)
{
	if (EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_is_a(pkey, "EC") || EVP_PKEY_is_a(pkey, "SM2"))
		return 0;
	return diag_fail(d, -EOPNOTSUPP, "'%s': %s keys cannot sign IMA/EVM values (RSA, EC only)",
			 src, EVP_PKEY_get0_type_name(pkey));
}

static int attach_cert(imactl_key *k, X509 *cert)
{
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(cert);
	unsigned char *der = NULL;
	int n;

	if (skid && ASN1_STRING_length(skid) >= 4) {
		k->skid_keyid =
			load_be32(ASN1_STRING_get0_data(skid) + ASN1_STRING_length(skid) - 4);
		k->has_skid = 1;
	}
	n = i2d_X509(cert, &der);
	if (n <= 0)
		return -ENOMEM;
	k->cert_der = malloc((size_t)n);
	if (!k->cert_der) {
		OPENSSL_free(der);
		return -ENOMEM;
	}
	memcpy(k->cert_der, der, (size_t)n);
	k->cert_der_len = (size_t)n;
	OPENSSL_free(der);
	return 0;
}

static int key_finish(imactl_key *k, imactl_diag *d)
{
	int r = pubkey_hash_keyid(k->pkey, &k->hash_keyid, d);

	if (r < 0)
		return r;
	k->keyid = k->has_skid ? k->skid_keyid : k->hash_keyid;
	return 0;
}

struct pass_state {
	imactl_pass_cb cb;
	void *data;
	int called, result;
	char buf[1024];
	int len;
};

/* OpenSSL pem_password_cb adapter: ask the caller once, replay for retries. */
static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_state *ps = u;

	if (!ps)
		return -1;
	if (!ps->cb) {
		/* encrypted, and the caller gave no way to get a passphrase */
		ps->called = 1;
		ps->result = -ECANCELED;
		return -1;
	}
	if (!ps->called) {
		ps->called = 1;
		ps->result = ps->cb(ps->buf, sizeof(ps->buf), ps->data);
		ps->len = ps->result > 0 ? ps->result : 0;
	}
	if (ps->result < 0 || ps->len > size)
		return -1;
	memcpy(buf, ps->buf, (size_t)ps->len);
	return ps->len;
}

static int read_small_file(const char *path, uint8_t **ret, size_t *ret_len, imactl_diag *d)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ uint8_t *buf = NULL;
	struct stat st;
	size_t len = 0;

	if (fd < 0)
		return diag_fail(d, -errno, "cannot open '%s': %m", path);
	if (fstat(fd, &st) < 0)
		return diag_fail(d, -errno, "cannot stat '%s': %m", path);
	if (!S_ISREG(st.st_mode))
		return diag_fail(d, -EBADMSG, "'%s' is not a regular file", path);
	if (st.st_size > KEY_FILE_MAX)
		return diag_fail(d, -EMSGSIZE, "'%s' is too large for a key or certificate", path);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return diag_fail(d, -errno, "cannot read '%s': %m", path);
		if (n == 0)
			return diag_fail(d, -EIO, "'%s' shrank while being read", path);
		len += (size_t)n;
	}
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/*
 * Fast path for PEM private keys: PEM_read_bio_PrivateKey_ex(), then the first
 * certificate in the same file (an appended certificate names the key id).
 * Leaves *ret_pkey NULL when the file is not a PEM private key (the caller
 * falls back to OSSL_STORE) or on a passphrase failure (recorded in @ps).
 */
static void pem_fast_path(imactl_ctx *ctx, const char *path, struct pass_state *ps,
			  EVP_PKEY **ret_pkey, X509 **ret_cert)
{
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0;
	BIO *b;

	if (read_small_file(path, &buf, &len, NULL) < 0 || len == 0)
		return;
	buf[len] = 0; /* read_small_file() leaves room for it */
	if (!strstr((const char *)buf, "PRIVATE KEY-----"))
		goto out;
	b = BIO_new_mem_buf(buf, (int)len);
	if (!b)
		goto out;
	*ret_pkey = PEM_read_bio_PrivateKey_ex(b, NULL, pem_pass_cb, ps, ctx->libctx, ctx->propq);
	BIO_free(b);
	if (*ret_pkey && strstr((const char *)buf, "-----BEGIN CERTIFICATE-----")) {
		b = BIO_new_mem_buf(buf, (int)len);
		if (b) {
			*ret_cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
			BIO_free(b);
		}
	}
out:
	OPENSSL_cleanse(buf, len);
	diag_ossl_drain();
}

int imactl_key_load_private(imactl_ctx *ctx, const char *uri, imactl_pass_cb pass_cb,
			    void *pass_data, imactl_key **ret_key, imactl_diag *reterr)
{
	_cleanup_(imactl_key_freep) imactl_key *k = NULL;
	struct pass_state ps = {.cb = pass_cb, .data = pass_data};
	UI_METHOD *ui = NULL;
	OSSL_STORE_CTX *store = NULL;
	X509 *cert = NULL;
	int r = 0, is_uri = strncmp(uri, "pkcs11:", 7) == 0;

	if (!is_uri && access(uri, R_OK) < 0)
		return diag_fail(reterr, -errno, "cannot open key '%s': %m", uri);
	k = key_alloc();
	if (!k)
		return -ENOMEM;
	k->source = strdup(uri);
	k->is_private = 1;
	/* PEM files, the common case: one decoder pass (OSSL_STORE tries every
	 * loader, which costs a per-file `find -exec evmctl ima_sign` ~20%). */
	if (!is_uri)
		pem_fast_path(ctx, uri, &ps, &k->pkey, &cert);
	if (k->pkey || (ps.called && ps.result < 0))
		goto loaded;
	/* a passphrase already asked for is replayed from ps, never asked twice */
	ui = UI_UTIL_wrap_read_pem_callback(pem_pass_cb, 0);
	if (!ui)
		return diag_fail_ossl(reterr, -ENOMEM, "cannot create UI method");
	store = OSSL_STORE_open_ex(uri, ctx->libctx, ctx->propq, ui, &ps, NULL, NULL, NULL);
	if (!store) {
		r = diag_fail_ossl(reterr, is_uri ? -EOPNOTSUPP : -EBADMSG,
				   is_uri ? "cannot open '%s' (is the pkcs11 provider loaded? "
					    "--provider pkcs11)"
					  : "cannot read key '%s'",
				   uri);
		goto out;
	}
	while (!OSSL_STORE_eof(store)) {
		OSSL_STORE_INFO *info = OSSL_STORE_load(store);
		if (!info) {
			if (OSSL_STORE_error(store))
				continue;
			break;
		}
		switch (OSSL_STORE_INFO_get_type(info)) {
		case OSSL_STORE_INFO_PKEY:
			if (!k->pkey)
				k->pkey = OSSL_STORE_INFO_get1_PKEY(info);
			break;
		case OSSL_STORE_INFO_CERT:
			if (!cert)
				cert = OSSL_STORE_INFO_get1_CERT(info);
			break;
		default:
			break;
		}
		OSSL_STORE_INFO_free(info);
	}
loaded:
	if (!k->pkey) {
		if (ps.called && ps.result < 0)
			r = diag_fail(reterr, -ECANCELED,
				      "'%s' is encrypted and no passphrase was given", uri);
		else if (ps.called)
			r = diag_fail_ossl(reterr, -EKEYREJECTED,
					   "cannot decrypt '%s': wrong passphrase?", uri);
		else
			r = diag_fail_ossl(reterr, -EBADMSG, "no private key found in '%s'", uri);
		goto out;
	}
	diag_ossl_drain();
	r = check_type(k->pkey, uri, reterr);
	if (r < 0)
		goto out;
	if (cert) {
		/* Only a certificate that matches the key names it. */
		if (EVP_PKEY_eq(X509_get0_pubkey(cert), k->pkey) == 1) {
			r = attach_cert(k, cert);
			if (r < 0)
				goto out;
		}
	}
	r = key_finish(k, reterr);
	if (r < 0)
		goto out;
	*ret_key = TAKE_PTR(k);
out:
	OPENSSL_cleanse(ps.buf, sizeof(ps.buf));
	X509_free(cert);
	OSSL_STORE_close(store);
	UI_destroy_method(ui);
	diag_ossl_drain();
	return r;
}

static int decode_pubkey(imactl_ctx *ctx, const uint8_t *data, size_t len, EVP_PKEY **ret)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;
	const unsigned char *p = data;
	size_t left = len;

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL, EVP_PKEY_PUBLIC_KEY,
					     ctx->libctx, ctx->propq);
	if (!dctx)
		return -ENOMEM;
	if (!OSSL_DECODER_from_data(dctx, &p, &left))
		pkey = NULL;
	OSSL_DECODER_CTX_free(dctx);
	if (!pkey)
		return -EBADMSG;
	*ret = pkey;
	return 0;
}

int imactl_key_load_public_mem(imactl_ctx *ctx, const uint8_t *data, size_t len,
			       imactl_key **ret_key, imactl_diag *reterr)
{
	_cleanup_(imactl_key_freep) imactl_key *k = NULL;
	X509 *cert = NULL;
	int r;

	if (len == 0 || len > KEY_FILE_MAX)
		return diag_fail(reterr, -EBADMSG, "not a certificate or public key (%zu bytes)",
				 len);
	k = key_alloc();
	if (!k)
		return -ENOMEM;

	/* DER certificate, then PEM certificate, then any public key encoding. */
	{
		const unsigned char *p = data;
		cert = d2i_X509(NULL, &p, (long)len);
		if (cert && p != data + len) {
			X509_free(cert);
			cert = NULL;
		}
	}
	if (!cert) {
		BIO *b = BIO_new_mem_buf(data, (int)len);
		if (b) {
			cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
			BIO_free(b);
		}
	}
	if (cert) {
		EVP_PKEY *pk = X509_get_pubkey(cert);
		if (!pk) {
			X509_free(cert);
			return diag_fail_ossl(reterr, -EBADMSG,
					      "certificate has an unusable public key");
		}
		k->pkey = pk;
		r = attach_cert(k, cert);
		X509_free(cert);
		if (r < 0)
			return r;
	} else if (decode_pubkey(ctx, data, len, &k->pkey) < 0) {
		return diag_fail_ossl(reterr, -EBADMSG,
				      "not an X.509 certificate or public key (PEM or DER)");
	}
	diag_ossl_drain();
	r = check_type(k->pkey, "public key", reterr);
	if (r < 0)
		return r;
	r = key_finish(k, reterr);
	if (r < 0)
		return r;
	*ret_key = TAKE_PTR(k);
	return 0;
}

int imactl_key_load_public(imactl_ctx *ctx, const char *path, imactl_key **ret_key,
			   imactl_diag *reterr)
{
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0;
	imactl_key *k;
	int r = read_small_file(path, &buf, &len, reterr);

	if (r < 0)
		return r;
	r = imactl_key_load_public_mem(ctx, buf, len, &k, reterr);
	if (r < 0) {
		if (reterr) {
			char tmp[IMACTL_DIAG_MSG_MAX];
			int n = snprintf(tmp, sizeof(tmp), "'%.200s': ", path);
			snprintf(tmp + n, sizeof(tmp) - (size_t)n, "%.300s", reterr->msg);
			memcpy(reterr->msg, tmp, sizeof(tmp));
			imactl_diag_set_file(reterr, path);
		}
		return r;
	}
	k->source = strdup(path);
	*ret_key = k;
	return 0;
}

int imactl_cert_keyid(imactl_ctx *ctx, const char *path, uint32_t *ret_keyid, imactl_diag *reterr)
{
	_cleanup_(imactl_key_freep) imactl_key *k = NULL;
	int r = imactl_key_load_public(ctx, path, &k, reterr);

	if (r < 0)
		return r;
	if (!k->cert_der)
		return diag_fail(reterr, -EBADMSG, "'%s' is not an X.509 certificate", path);
	if (!k->has_skid)
		return diag_fail(reterr, -ENODATA,
				 "'%s' has no subjectKeyIdentifier extension to take a key id from",
				 path);
	*ret_keyid = k->skid_keyid;
	return 0;
}

static int put_mpi(EVP_MD_CTX *m, EVP_PKEY *pkey, const char *param)
{
	BIGNUM *bn = NULL;
	uint8_t hdr[2];
	_cleanup_free_ uint8_t *bytes = NULL;
	int bits, n, ok;

	if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
		return -EOPNOTSUPP;
	bits = BN_num_bits(bn);
	n = BN_num_bytes(bn);
	bytes = malloc((size_t)n + 1);
	if (!bytes) {
		BN_free(bn);
		return -ENOMEM;
	}
	BN_bn2bin(bn, bytes);
	BN_free(bn);
	store_be16(hdr, (uint16_t)bits);
	ok = EVP_DigestUpdate(m, hdr, 2) && EVP_DigestUpdate(m, bytes, (size_t)n);
	return ok ? 0 : -ENOMEM;
}

int imactl_key_keyid_v1(const imactl_key *key, uint8_t ret_keyid[8])
{
	/* ima-evm-utils struct pubkey_hdr: version=1, timestamp=0, algo=RSA(0), nmpi=2. */
	static const uint8_t hdr[7] = {1, 0, 0, 0, 0, 0, 2};
	EVP_MD_CTX *m;
	uint8_t md[20];
	int r = 0;

	if (!EVP_PKEY_is_a(key->pkey, "RSA"))
		return -EOPNOTSUPP;
	m = EVP_MD_CTX_new();
	if (!m || !EVP_DigestInit_ex(m, EVP_sha1(), NULL) || !EVP_DigestUpdate(m, hdr, 7))
		r = -ENOMEM;
	if (!r)
		r = put_mpi(m, key->pkey, OSSL_PKEY_PARAM_RSA_N);
	if (!r)
		r = put_mpi(m, key->pkey, OSSL_PKEY_PARAM_RSA_E);
	if (!r && !EVP_DigestFinal_ex(m, md, NULL))
		r = -ENOMEM;
	EVP_MD_CTX_free(m);
	if (!r)
		memcpy(ret_keyid, md + 12, 8);
	return r;
}

struct imactl_keyring {
	imactl_key **keys;
	size_t n, cap;
};

int imactl_keyring_new(imactl_keyring **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

void imactl_keyring_free(imactl_keyring *kr)
{
	if (!kr)
		return;
	for (size_t i = 0; i < kr->n; i++)
		imactl_key_free(kr->keys[i]);
	free(kr->keys);
	free(kr);
}

int imactl_keyring_add(imactl_keyring *kr, imactl_key *key)
{
	if (kr->n == kr->cap) {
		size_t nc = kr->cap ? kr->cap * 2 : 8;
		imactl_key **nk = realloc(kr->keys, nc * sizeof(*nk));
		if (!nk)
			return -ENOMEM;
		kr->keys = nk;
		kr->cap = nc;
	}
	kr->keys[kr->n++] = key;
	return 0;
}

size_t imactl_keyring_count(const imactl_keyring *kr)
{
	return kr->n;
}

const imactl_key *imactl_keyring_get(const imactl_keyring *kr, size_t i)
{
	return i < kr->n ? kr->keys[i] : NULL;
}

const imactl_key *imactl_keyring_find(const imactl_keyring *kr, uint32_t keyid)
{
	for (size_t i = 0; i < kr->n; i++) {
		const imactl_key *k = kr->keys[i];
		if (k->keyid == keyid || k->hash_keyid == keyid ||
		    (k->has_skid && k->skid_keyid == keyid))
			return k;
	}
	return NULL;
}

const imactl_key *imactl_keyring_find_v1(const imactl_keyring *kr, const uint8_t keyid[8])
{
	for (size_t i = 0; i < kr->n; i++) {
		uint8_t id[8];
		if (imactl_key_keyid_v1(kr->keys[i], id) == 0 && memcmp(id, keyid, 8) == 0)
			return kr->keys[i];
	}
	return NULL;
}

int imactl_keyring_load_dir(imactl_ctx *ctx, imactl_keyring *kr, const char *dir,
			    size_t *ret_skipped, imactl_diag *reterr)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t skipped = 0;
	int added = 0;

	if (!d)
		return diag_fail(reterr, -errno, "cannot open key directory '%s': %m", dir);
	while ((de = readdir(d))) {
		char path[4096];
		imactl_key *k;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (imactl_key_load_public(ctx, path, &k, NULL) < 0) {
			skipped++;
			continue;
		}
		if (imactl_keyring_add(kr, k) < 0) {
			imactl_key_free(k);
			closedir(d);
			return -ENOMEM;
		}
		added++;
	}
	closedir(d);
	if (ret_skipped)
		*ret_skipped = skipped;
	return added;
}
