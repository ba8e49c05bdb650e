/* SPDX-License-Identifier: MIT */
/*
 * The evmctl personality: ima-evm-utils' evmctl command set, options, output
 * lines and exit codes, over libimactl.  Output follows Debian's evmctl 1.4
 * at its default verbosity (tests/e2e/evmctl_diff.test compares them); where
 * evmctl is wrong we keep the interface and do the right thing:
 *  - every file operand is processed, not only the first;
 *  - -r runs on all CPUs and exits non-zero when any file failed;
 *  - a bare -p prompts on the terminal without keeping the newline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#if HAVE_KEYUTILS
#include <keyutils.h>
#endif

#include "../imactl/commands.h"
#include "evmctl.h"
#include "util/cleanup.h"
#include "util/hex.h"

struct evcmd {
	const char *name;
	int (*fn)(struct evmctl *e);
	const char *usage;
	const char *help;
};

/* Shared state of one bulk run (workers call back into it). */
struct run {
	struct evmctl *e;
	pthread_mutex_t lock;
	pthread_mutex_t key_lock;
	imactl_key *key;
	int key_state; /* 0 not loaded, 1 loaded, <0 failed */
	imactl_keyring *ring;
	int nring;
	int rc; /* worst exit code so far */
	bool verify_mode;
	bool evm_cmd; /* EVM command: --uid is a metadata override, not a filter */
	imactl_secret *hmackey;
	int (*visit)(struct run *r, int fd, const char *path, const struct stat *st);
};

static void set_rc(struct run *r, int rc)
{
	pthread_mutex_lock(&r->lock);
	if (rc == EVMCTL_EXIT_ERR || (rc && r->rc == 0))
		r->rc = rc;
	pthread_mutex_unlock(&r->lock);
}

static const char *xname(const struct evmctl *e)
{
	return e->xattr_user ? "user.ima" : "security.ima";
}

static void log_errno(const char *what, const char *path, int err)
{
	fprintf(stderr, "%s: %s\nerrno: %s (%d)\n", what, path, strerror(err), err);
}

/* Load the signing key once, on first use (so errors print where evmctl prints them). */
static imactl_key *get_key(struct run *r)
{
	struct evmctl *e = r->e;
	imactl_diag d = {0};
	int rc;

	pthread_mutex_lock(&r->key_lock);
	if (r->key_state == 0) {
		const char *path = e->keyfile ? e->keyfile : "/etc/keys/privkey_evm.pem";
		e->pass.key_name = path;
		rc = imactl_key_load_private(e->ctx, path, pass_callback, &e->pass, &r->key, &d);
		if (rc == -ENOENT || rc == -EACCES) {
			log_errno("Failed to open keyfile", path, -rc);
		} else if (rc < 0) {
			fprintf(stderr, "Failed to PEM_read_PrivateKey key file: %s\n", path);
			fprintf(stderr, "imactl: %s\n", d.msg);
		} else if (strncmp(path, "pkcs11:", 7) == 0 && !e->keyid_set && !e->keyid_cert) {
			fprintf(stderr, "When using a pkcs11 URI you must provide the keyid "
					"(--keyid or --keyid-from-cert)\n");
			rc = -EINVAL;
		}
		if (rc == 0 && e->keyid_set)
			imactl_key_set_keyid(r->key, e->keyid);
		else if (rc == 0 && e->keyid_cert) {
			uint32_t id;
			rc = imactl_cert_keyid(e->ctx, e->keyid_cert, &id, &d);
			if (rc < 0)
				fprintf(stderr, "Error reading keyid.\n");
			else
				imactl_key_set_keyid(r->key, id);
		}
		r->key_state = rc < 0 ? rc : 1;
	}
	pthread_mutex_unlock(&r->key_lock);
	return r->key_state == 1 ? r->key : NULL;
}

static int visit_cb(void *ud, int fd, const char *path, const struct stat *st)
{
	struct run *r = ud;
	return r->visit(r, fd, path, st);
}

static void error_cb(void *ud, const char *path, int err, const char *what)
{
	struct run *r = ud;

	pthread_mutex_lock(&r->lock);
	if (r->verify_mode && (!strcmp(what, "stat") || !strcmp(what, "open"))) {
		/* evmctl's ima_verify starts with getxattr on the path */
		log_errno("getxattr failed", path, -err);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_VERIFY);
		return;
	}
	if (!strcmp(what, "stat") || !strcmp(what, "open"))
		log_errno(!strcmp(what, "stat") ? "Failed to stat" : "Failed to open", path, -err);
	else
		fprintf(stderr, "%s: %s: %s\n", path, what, strerror(-err));
	pthread_mutex_unlock(&r->lock);
	set_rc(r, EVMCTL_EXIT_ERR);
}

static int visit_clear(struct run *r, int fd, const char *path, const struct stat *st);
static int visit_fix(struct run *r, int fd, const char *path, const struct stat *st);

static int run_files(struct run *r, int flags)
{
	struct evmctl *e = r->e;
	imactl_walk_opts w = e->walk;
	int rc;

	w.recursive = e->recursive;
	w.xdev = e->xdev;
	if (e->uid_given && !r->evm_cmd) {
		w.filter_uid = 1;
		w.uid = e->ov.uid;
	}
	/* evmctl applies ima_clear and ima_fix to a directory operand itself */
	if (r->visit == visit_clear || r->visit == visit_fix)
		w.dir_operands = 1;
	w.open_flags = flags;
	/* Without -r evmctl works file by file, in order: keep its output order. */
	if (!e->recursive)
		w.jobs = 1;
	rc = imactl_walk((const char *const *)e->args, (size_t)e->nargs, &w, visit_cb, error_cb, r);
	if (rc < 0)
		set_rc(r, EVMCTL_EXIT_ERR);
	return r->rc;
}

static int missing(const struct evcmd *c);

/* ima_hash */
static int visit_hash(struct run *r, int fd, const char *path, const struct stat *st)
{
	struct evmctl *e = r->e;
	uint8_t v[2 + IMACTL_MAX_DIGEST_SIZE];
	size_t len = 0;
	imactl_diag d = {0};
	int rc = imactl_ima_hash_fd(e->ctx, fd, e->algo, IMACTL_XATTR_LEGACY_MD5, v, &len, &d);

	pthread_mutex_lock(&r->lock);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", path, d.msg);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_ERR);
		return 0;
	}
	fprintf(stderr, "hash(%s): ", e->hash_algo);
	hex_fprint(stdout, v, len);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&r->lock);
	if (!e->print_only) {
		rc = imactl_xattr_set(fd, xname(e), v, len);
		if (rc < 0) {
			pthread_mutex_lock(&r->lock);
			fprintf(stderr, "setxattr failed: %s\nerrno: %s (%d)\n", path,
				strerror(-rc), -rc);
			pthread_mutex_unlock(&r->lock);
			set_rc(r, EVMCTL_EXIT_ERR);
		}
	}
	return 0;
}

/* ima_sign */
static int visit_sign(struct run *r, int fd, const char *path, const struct stat *st)
{
	struct evmctl *e = r->e;
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	uint8_t v[IMACTL_XATTR_MAX];
	size_t len = 0, dlen = imactl_hash_size(e->algo);
	imactl_diag d = {0};
	imactl_key *key;
	int rc = imactl_hash_fd(e->ctx, e->algo, fd, digest, &d);

	if (rc < 0) {
		pthread_mutex_lock(&r->lock);
		fprintf(stderr, "%s: %s\n", path, d.msg);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_ERR);
		return 0;
	}
	pthread_mutex_lock(&r->lock);
	fprintf(stderr, "hash(%s): ", e->hash_algo);
	hex_fprint(stderr, digest, dlen);
	fputc('\n', stderr);
	pthread_mutex_unlock(&r->lock);
	key = get_key(r);
	if (!key) {
		set_rc(r, EVMCTL_EXIT_ERR);
		return -ENOKEY; /* stop the walk: no file can be signed */
	}
	if (e->rsa)
		rc = imactl_sig_sign_v1(e->ctx, key, e->algo, digest, dlen, (uint32_t)time(NULL), v,
					&len, &d);
	else
		rc = imactl_sig_sign(e->ctx, key, IMACTL_XATTR_DIGSIG, e->algo, digest, dlen, v,
				     &len, &d);
	pthread_mutex_lock(&r->lock);
	if (rc < 0) {
		fprintf(stderr, "sign_hash_v%d: signing failed: %s\n", e->rsa ? 1 : 2, d.msg);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_ERR);
		return 0;
	}
	/* evmctl counts the signature header (without the type byte) in this figure. */
	fprintf(stderr, "evm/ima signature: %zu bytes\n", len - 1);
	hex_fprint(stdout, v, len);
	fputc('\n', stdout);
	fflush(stdout);
	if (e->sigfile)
		fprintf(stderr, "Writing to %s.sig\n", path);
	pthread_mutex_unlock(&r->lock);
	/* evmctl: -f writes FILE.sig in addition to the xattr; -n only skips the xattr */
	rc = e->sigfile ? write_sigfile_atomic(path, v, len) : 0;
	if (rc == 0 && !e->print_only)
		rc = imactl_xattr_set(fd, xname(e), v, len);
	if (rc < 0) {
		pthread_mutex_lock(&r->lock);
		log_errno("write failed", path, -rc);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_ERR);
	}
	return 0;
}

/* Default verification keys, as evmctl: -k list or /etc/keys/x509_evm.der. */
static void load_verify_keys(struct run *r)
{
	struct evmctl *e = r->e;
	_cleanup_free_ char *list = strdup(e->keyfile ? e->keyfile : "/etc/keys/x509_evm.der");
	char *save = NULL;

	if (imactl_keyring_new(&r->ring) < 0 || !list)
		return;
	for (char *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		imactl_key *k;
		if (imactl_key_load_public(e->ctx, t, &k, NULL) < 0) {
			/* evmctl skips keys it cannot read, saying so for unparsable ones */
			if (access(t, F_OK) == 0)
				fprintf(stderr, "Failed to d2i_X509_fp key file: %s\n", t);
			continue;
		}
		imactl_keyring_add(r->ring, k);
		r->nring++;
		fprintf(stderr, "key %d: %x %s\n", r->nring, imactl_key_keyid(k), t);
	}
}

/* ima_verify */
static int visit_verify(struct run *r, int fd, const char *path, const struct stat *st)
{
	struct evmctl *e = r->e;
	uint8_t v[IMACTL_XATTR_MAX];
	imactl_appraisal a;
	imactl_xattr_view view;
	imactl_diag d = {0};
	long n;
	int rc;

	if (e->sigfile) {
		_cleanup_free_ char *p = malloc(strlen(path) + 5);
		if (!p)
			return -ENOMEM;
		sprintf(p, "%s.sig", path);
		pthread_mutex_lock(&r->lock);
		fprintf(stderr, "Reading to %s\n", p);
		pthread_mutex_unlock(&r->lock);
		n = read_small_file(p, v, sizeof(v));
	} else {
		n = imactl_xattr_get(fd, xname(e), v, sizeof(v));
	}
	pthread_mutex_lock(&r->lock);
	if (n < 0) {
		log_errno(e->sigfile ? "Failed to read signature file" : "getxattr failed", path,
			  (int)-n);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_VERIFY);
		return 0;
	}
	pthread_mutex_unlock(&r->lock);
	if (imactl_xattr_decode(v, (size_t)n, &view, &d) == 0 && view.type != IMACTL_XATTR_DIGSIG &&
	    view.type != IMACTL_XATTR_VERITY_DIGSIG) {
		pthread_mutex_lock(&r->lock);
		fprintf(stderr, "%s: xattr ima has no signature\n", path);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_VERIFY);
		return 0;
	}
	rc = imactl_ima_appraise_fd(e->ctx, fd, r->ring, v, (size_t)n, &a, &d);
	pthread_mutex_lock(&r->lock);
	if (rc == 0)
		fprintf(stderr, "%s: verification is OK\n", path);
	else if (rc == -ENOKEY)
		fprintf(stderr, "key %d: %x (unknown keyid)\n", r->nring + 1, a.keyid);
	else if (rc == -EKEYREJECTED)
		fprintf(stderr, "%s: verification failed: 0 (bad signature)\n", path);
	else if (rc == -EBADMSG || rc == -EOPNOTSUPP)
		fprintf(stderr, "%s: Invalid signature: %s\n", path, d.msg);
	else
		fprintf(stderr, "%s: verification failed: %s\n", path, d.msg);
	pthread_mutex_unlock(&r->lock);
	if (rc)
		set_rc(r,
		       rc == -EKEYREJECTED || rc == -ENOKEY || rc == -EBADMSG || rc == -EOPNOTSUPP
			       ? EVMCTL_EXIT_VERIFY
			       : EVMCTL_EXIT_ERR);
	return 0;
}

/* ima_clear: remove security.ima and security.evm */
static int visit_clear(struct run *r, int fd, const char *path, const struct stat *st)
{
	struct evmctl *e = r->e;
	int rc = imactl_xattr_remove(fd, xname(e));

	if (rc == 0)
		rc = imactl_xattr_remove(fd, e->xattr_user ? "user.evm" : IMACTL_XATTR_EVM);
	pthread_mutex_lock(&r->lock);
	fprintf(stderr, "%s\n", path);
	if (rc < 0)
		fprintf(stderr, "removexattr failed: %s\nerrno: %s (%d)\n", path, strerror(-rc),
			-rc);
	pthread_mutex_unlock(&r->lock);
	if (rc < 0)
		set_rc(r, EVMCTL_EXIT_ERR);
	return 0;
}

static const struct evcmd *find_cmd(const char *name);

static int run_visit(struct evmctl *e, const char *cmdname,
		     int (*visit)(struct run *, int, const char *, const struct stat *))
{
	struct run r = {.e = e, .visit = visit};
	int rc;

	pthread_mutex_init(&r.lock, NULL);
	pthread_mutex_init(&r.key_lock, NULL);
	if (visit == visit_verify) {
		r.verify_mode = true;
		load_verify_keys(&r); /* evmctl loads (and lists) keys first */
	}
	if (e->nargs < 1) {
		imactl_keyring_free(r.ring);
		return missing(find_cmd(cmdname));
	}
	rc = run_files(&r, 0);
	imactl_key_free(r.key);
	imactl_keyring_free(r.ring);
	return rc;
}

/* EVM: evmctl's per-file report of what the digest covers. */
static void print_evm_input(struct run *r, const imactl_evm_meta *m, uint8_t type)
{
	const uint8_t *uuid = imactl_evm_meta_uuid(m);

	fprintf(stderr, "generation: %u\n", imactl_evm_meta_generation(m));
	for (size_t i = 0; i < imactl_evm_meta_nxattrs(m); i++) {
		const uint8_t *v;
		size_t len;
		const char *name = imactl_evm_meta_xattr(m, i, &v, &len);
		if (!r->e->ov.smack && strstr(name, "SMACK64") && strcmp(name, "security.SMACK64"))
			continue;
		if (v)
			fprintf(stderr, "name: %s, size: %zu\n", name, len);
		else
			fprintf(stderr, "no xattr: %s\n", name);
	}
	if (uuid && type != IMACTL_XATTR_PORTABLE_DIGSIG) {
		fprintf(stderr, "uuid: ");
		hex_fprint(stderr, uuid, 16);
		fputc('\n', stderr);
	}
}

static const char *evm_name(const struct evmctl *e)
{
	return e->xattr_user ? "user.evm" : IMACTL_XATTR_EVM;
}

/* sign [--imahash|--imasig] [-o]: EVM signature, optionally the IMA value first */
static int visit_evm_sign(struct run *r, int fd, const char *path, const struct stat *st)
{
	struct evmctl *e = r->e;
	uint8_t v[IMACTL_XATTR_MAX], d[IMACTL_MAX_DIGEST_SIZE];
	uint8_t type = e->portable ? IMACTL_XATTR_PORTABLE_DIGSIG : IMACTL_XATTR_DIGSIG;
	imactl_evm_meta *m = NULL;
	imactl_diag dg = {0};
	imactl_key *key;
	size_t len = 0, dlen = 0;
	int rc = 0;

	if ((e->imahash || e->imasig) && !S_ISDIR(st->st_mode)) {
		/* the content value first, so that EVM covers it */
		rc = e->imasig ? visit_sign(r, fd, path, st) : visit_hash(r, fd, path, st);
		if (rc < 0 || r->rc)
			return rc;
	}
	rc = evm_meta_for_fd(fd, &e->ov, &m, &dg);
	if (rc < 0) {
		pthread_mutex_lock(&r->lock);
		fprintf(stderr, "%s: %s\n", path, dg.msg);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_ERR);
		return 0;
	}
	rc = imactl_evm_digest(e->ctx, m, type, e->algo, e->ov.abi, NULL, 0, d, &dlen, &dg);
	pthread_mutex_lock(&r->lock);
	print_evm_input(r, m, type);
	if (rc == 0) {
		fprintf(stderr, "hash(%s): ", e->hash_algo);
		hex_fprint(stderr, d, dlen);
		fputc('\n', stderr);
	}
	pthread_mutex_unlock(&r->lock);
	imactl_evm_meta_free(m);
	if (rc < 0)
		goto fail;
	key = get_key(r);
	if (!key) {
		set_rc(r, EVMCTL_EXIT_ERR);
		return -ENOKEY;
	}
	rc = imactl_sig_sign(e->ctx, key, type, e->algo, d, dlen, v, &len, &dg);
	if (rc < 0)
		goto fail;
	pthread_mutex_lock(&r->lock);
	fprintf(stderr, "evm/ima signature: %zu bytes\n", len - 1);
	hex_fprint(stdout, v, len);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&r->lock);
	if (!e->print_only) {
		rc = imactl_xattr_set(fd, evm_name(e), v, len);
		if (rc < 0) {
			strcpy(dg.msg, "setxattr failed");
			goto fail;
		}
	}
	return 0;
fail:
	pthread_mutex_lock(&r->lock);
	fprintf(stderr, "%s: %s\n", path, dg.msg[0] ? dg.msg : strerror(-rc));
	pthread_mutex_unlock(&r->lock);
	set_rc(r, EVMCTL_EXIT_ERR);
	return 0;
}

/* hmac: the kernel's HMAC-SHA1 (evmctl 1.4 computes HMAC-SHA256 without the UUID: wrong) */
static int visit_evm_hmac(struct run *r, int fd, const char *path, const struct stat *st)
{
	struct evmctl *e = r->e;
	uint8_t v[1 + IMACTL_EVM_HMAC_LEN];
	imactl_evm_meta *m = NULL;
	imactl_diag dg = {0};
	int rc = evm_meta_for_fd(fd, &e->ov, &m, &dg);

	if (rc == 0)
		rc = imactl_evm_hmac(e->ctx, m, e->ov.abi, imactl_secret_data(r->hmackey),
				     imactl_secret_len(r->hmackey), v, &dg);
	pthread_mutex_lock(&r->lock);
	if (m)
		print_evm_input(r, m, IMACTL_XATTR_HMAC);
	if (rc == 0) {
		fprintf(stderr, "hmac(sha1): ");
		hex_fprint(stderr, v + 1, IMACTL_EVM_HMAC_LEN);
		fputc('\n', stderr);
		hex_fprint(stdout, v, sizeof(v));
		fputc('\n', stdout);
		fflush(stdout);
	} else {
		fprintf(stderr, "%s: %s\n", path, dg.msg);
	}
	pthread_mutex_unlock(&r->lock);
	imactl_evm_meta_free(m);
	if (rc == 0 && !e->print_only) {
		rc = imactl_xattr_set(fd, evm_name(e), v, sizeof(v));
		if (rc < 0) {
			pthread_mutex_lock(&r->lock);
			log_errno("setxattr failed", path, -rc);
			pthread_mutex_unlock(&r->lock);
		}
	}
	if (rc < 0)
		set_rc(r, EVMCTL_EXIT_ERR);
	return 0;
}

/* verify: security.evm against the metadata now */
static int visit_evm_verify(struct run *r, int fd, const char *path, const struct stat *st)
{
	struct evmctl *e = r->e;
	uint8_t v[IMACTL_XATTR_MAX];
	imactl_evm_meta *m = NULL;
	imactl_diag dg = {0};
	long n = imactl_xattr_get(fd, evm_name(e), v, sizeof(v));
	int rc;

	if (n < 0) {
		pthread_mutex_lock(&r->lock);
		log_errno("getxattr failed", path, (int)-n);
		pthread_mutex_unlock(&r->lock);
		set_rc(r, EVMCTL_EXIT_ERR);
		return 0;
	}
	rc = evm_meta_for_fd(fd, &e->ov, &m, &dg);
	if (rc == 0)
		rc = imactl_evm_verify(e->ctx, m, v, (size_t)n, r->ring,
				       r->hmackey ? imactl_secret_data(r->hmackey) : NULL,
				       r->hmackey ? imactl_secret_len(r->hmackey) : 0, e->ov.abi,
				       &dg);
	imactl_evm_meta_free(m);
	pthread_mutex_lock(&r->lock);
	if (rc == 0)
		fprintf(stderr, "%s: verification is OK\n", path);
	else if (rc == -EKEYREJECTED)
		fprintf(stderr, "%s: verification failed: 0 (%s)\n", path,
			v[0] == IMACTL_XATTR_HMAC ? "invalid HMAC" : "bad signature");
	else
		fprintf(stderr, "%s: verification failed: %s\n", path, dg.msg);
	pthread_mutex_unlock(&r->lock);
	if (rc)
		set_rc(r,
		       rc == -EKEYREJECTED || rc == -ENOKEY ? EVMCTL_EXIT_VERIFY : EVMCTL_EXIT_ERR);
	return 0;
}

/* ima_fix: open each file so that a kernel in ima_appraise=fix mode rewrites its xattrs */
static int visit_fix(struct run *r, int fd, const char *path, const struct stat *st)
{
	struct evmctl *e = r->e;
	uint8_t v[8];

	if (e->skip_both && imactl_xattr_get(fd, xname(e), v, 0) >= 0 &&
	    imactl_xattr_get(fd, evm_name(e), v, 0) >= 0)
		return 0;
	/* the walker's open is the one the kernel appraises; reading a byte makes sure
	 * the file was opened for read by the FILE_CHECK hook */
	(void)!pread(fd, v, 1, 0);
	pthread_mutex_lock(&r->lock);
	fprintf(stderr, "%s\n", path);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static int run_evm(struct evmctl *e, const char *cmdname,
		   int (*visit)(struct run *, int, const char *, const struct stat *))
{
	struct run r = {.e = e, .visit = visit, .evm_cmd = true};
	imactl_diag d = {0};
	int rc;

	if (e->nargs < 1)
		return missing(find_cmd(cmdname));
	if (e->immutable_v3) {
		fprintf(stderr,
			"evmctl: -i writes a type-3 EVM signature with version byte 3, "
			"which no kernel verifies; not supported (use the default immutable "
			"v2 signature or --portable)\n");
		return EVMCTL_EXIT_ERR;
	}
	pthread_mutex_init(&r.lock, NULL);
	pthread_mutex_init(&r.key_lock, NULL);
	if (visit == visit_evm_hmac ||
	    (visit == visit_evm_verify &&
	     (e->hmackey || access("/etc/keys/evm-key-plain", R_OK) == 0))) {
		const char *path = e->hmackey ? e->hmackey : "/etc/keys/evm-key-plain";
		rc = evm_load_hmac_key(path, -1, &r.hmackey, &d);
		if (rc < 0) {
			fprintf(stderr, "Failed to read a key: %s\n%s\n", path, d.msg);
			return EVMCTL_EXIT_ERR;
		}
	}
	if (visit == visit_evm_verify)
		load_verify_keys(&r);
	rc = run_files(&r, 0);
	imactl_secret_free(r.hmackey);
	imactl_key_free(r.key);
	imactl_keyring_free(r.ring);
	return rc;
}

static int cmd_evm_sign(struct evmctl *e)
{
	return run_evm(e, "sign", visit_evm_sign);
}

static int cmd_evm_verify(struct evmctl *e)
{
	return run_evm(e, "verify", visit_evm_verify);
}

static int cmd_evm_hmac(struct evmctl *e)
{
	return run_evm(e, "hmac", visit_evm_hmac);
}

static int cmd_ima_fix(struct evmctl *e)
{
	return run_evm(e, "ima_fix", visit_fix);
}

static int cmd_ima_hash(struct evmctl *e)
{
	return run_visit(e, "ima_hash", visit_hash);
}

static int cmd_ima_sign(struct evmctl *e)
{
	return run_visit(e, "ima_sign", visit_sign);
}

static int cmd_ima_verify(struct evmctl *e)
{
	return run_visit(e, "ima_verify", visit_verify);
}

static int cmd_ima_clear(struct evmctl *e)
{
	return run_visit(e, "ima_clear", visit_clear);
}

/* ima_setxattr [--sigfile SIGFILE] FILE: FILE.sig by default */
static int cmd_ima_setxattr(struct evmctl *e)
{
	const char *sig = NULL, *file;
	_cleanup_free_ char *def = NULL;
	uint8_t v[IMACTL_XATTR_MAX];
	imactl_xattr_view view;
	imactl_diag d = {0};
	_cleanup_close_ int fd = -EBADF;
	int i = 0, rc;
	long n;

	if (e->sigfile)
		sig = i < e->nargs ? e->args[i++] : NULL;
	file = i < e->nargs ? e->args[i++] : NULL;
	if (!file)
		return missing(find_cmd("ima_setxattr"));
	if (!sig) {
		def = malloc(strlen(file) + 5);
		if (!def)
			return EVMCTL_EXIT_ERR;
		sprintf(def, "%s.sig", file);
		sig = def;
	}
	fprintf(stderr, "Reading to %s\n", sig);
	n = read_small_file(sig, v, sizeof(v));
	if (n < 0) {
		log_errno("Failed to open", sig, (int)-n);
		return EVMCTL_EXIT_ERR;
	}
	/* Never write a value the kernel would reject. */
	if (imactl_xattr_decode(v, (size_t)n, &view, &d) < 0) {
		fprintf(stderr, "%s: not a valid security.ima value: %s%s%lu\n", sig, d.msg,
			d.has_offset ? " at byte " : "", d.has_offset ? d.offset : 0UL);
		return EVMCTL_EXIT_ERR;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		log_errno("Failed to open", file, errno);
		return EVMCTL_EXIT_ERR;
	}
	rc = imactl_xattr_set(fd, xname(e), v, (size_t)n);
	if (rc < 0) {
		log_errno("setxattr failed", file, -rc);
		return EVMCTL_EXIT_ERR;
	}
	return EVMCTL_EXIT_OK;
}

/* sign_hash: "HEX  name" (sha*sum) or "ALGO:HEX name" (fsverity digest) lines on stdin */
static int cmd_sign_hash(struct evmctl *e)
{
	struct run r = {.e = e};
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc = EVMCTL_EXIT_OK;

	pthread_mutex_init(&r.lock, NULL);
	pthread_mutex_init(&r.key_lock, NULL);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		uint8_t digest[IMACTL_MAX_DIGEST_SIZE], v[IMACTL_XATTR_MAX];
		uint8_t fid[IMACTL_MAX_DIGEST_SIZE];
		size_t vlen = 0, hlen;
		const char *hex = line;
		int content_algo = e->algo;
		imactl_diag d = {0};
		imactl_key *key;
		long dl;
		int sr;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n == 0)
			continue;
		if (e->veritysig) {
			char *colon = strchr(line, ':');
			char *sp = strchr(line, ' ');
			if (!colon || (sp && sp < colon)) {
				fprintf(stderr,
					"sign_hash: stdin:%lu: expected 'ALGO:HEX FILE' (fsverity "
					"digest output)\n",
					lineno);
				rc = EVMCTL_EXIT_ERR;
				break;
			}
			*colon = 0;
			content_algo = imactl_hash_from_name(line);
			*colon = ':';
			if (content_algo < 0) {
				fprintf(stderr, "sign_hash: stdin:%lu: unknown hash algorithm\n",
					lineno);
				rc = EVMCTL_EXIT_ERR;
				break;
			}
			hex = colon + 1;
		}
		hlen = strcspn(hex, " \t");
		dl = hex_decode(hex, hlen, digest, sizeof(digest));
		if (dl < 0 || (size_t)dl != imactl_hash_size(content_algo)) {
			fprintf(stderr,
				"sign_hash: stdin:%lu: '%.*s' is not a %s digest (%zu hex digits "
				"expected)\n",
				lineno, (int)(hlen > 80 ? 80 : hlen), hex,
				imactl_hash_name(content_algo), 2 * imactl_hash_size(content_algo));
			rc = EVMCTL_EXIT_ERR;
			break;
		}
		key = get_key(&r);
		if (!key) {
			rc = EVMCTL_EXIT_ERR;
			break;
		}
		if (e->veritysig) {
			sr = imactl_sig_file_id_digest(e->ctx, e->algo, IMACTL_XATTR_VERITY_DIGSIG,
						       content_algo, digest, fid, &d);
			if (sr == 0)
				sr = imactl_sig_sign(e->ctx, key, IMACTL_XATTR_VERITY_DIGSIG,
						     e->algo, fid, imactl_hash_size(e->algo), v,
						     &vlen, &d);
		} else {
			fprintf(stderr, "hash(%s): ", e->hash_algo);
			hex_fprint(stderr, digest, (size_t)dl);
			fputc('\n', stderr);
			sr = imactl_sig_sign(e->ctx, key, IMACTL_XATTR_DIGSIG, e->algo, digest,
					     (size_t)dl, v, &vlen, &d);
		}
		if (sr < 0) {
			fprintf(stderr, "sign_hash: stdin:%lu: signing failed: %s\n", lineno,
				d.msg);
			rc = EVMCTL_EXIT_ERR;
			break;
		}
		if (!e->veritysig)
			fprintf(stderr, "evm/ima signature: %zu bytes\n", vlen - 1);
		printf("%s ", line);
		hex_fprint(stdout, v, vlen);
		putchar('\n');
		fflush(stdout);
	}
	free(line);
	imactl_key_free(r.key);
	return rc;
}

static int parse_keyring(const char *s, long *ret)
{
	static const struct {
		const char *name;
		long id;
	} specs[] = {{"@t", -1}, {"@p", -2}, {"@s", -3}, {"@u", -4}, {"@us", -5}, {"@g", -6}};
	char *end;
	long v;

	for (size_t i = 0; i < ELEMENTSOF(specs); i++)
		if (!strcmp(s, specs[i].name)) {
			*ret = specs[i].id;
			return 0;
		}
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* import [--rsa] pubkey keyring */
static int cmd_import(struct evmctl *e)
{
#if HAVE_KEYUTILS
	imactl_key *k = NULL;
	imactl_diag d = {0};
	const uint8_t *der;
	size_t derlen;
	long ring;
	key_serial_t serial;

	const char *keyfile = e->nargs > 0 ? e->args[0] : "/etc/keys/x509_evm.der";

	if (access(keyfile, R_OK) < 0) {
		/* evmctl 1.4 reports only the errno here */
		fprintf(stderr, "errno: %s (%d)\n", strerror(errno), errno);
		return 1;
	}
	if (parse_keyring(e->nargs > 1 ? e->args[1] : "@u", &ring) < 0) {
		fprintf(stderr,
			"evmctl: '%s' is not a keyring (@u, @s, @t, @p, @us, @g or a "
			"number)\n",
			e->nargs > 1 ? e->args[1] : "@u");
		return EVMCTL_EXIT_ERR;
	}
	fprintf(stderr, "Reading to %s\n", keyfile);
	if (imactl_key_load_public(e->ctx, keyfile, &k, &d) < 0) {
		fprintf(stderr, "%s\n", d.msg);
		return EVMCTL_EXIT_ERR;
	}
	if (e->rsa) {
		uint8_t id[8];
		char name[17];
		/* v1 keys: a "user" key named by the v1 key id in %llX form (lib/digsig.c). */
		if (imactl_key_keyid_v1(k, id) < 0) {
			fprintf(stderr, "evmctl: --rsa needs an RSA key\n");
			imactl_key_free(k);
			return EVMCTL_EXIT_ERR;
		}
		unsigned long long v = 0;
		for (int i = 0; i < 8; i++)
			v = v << 8 | id[i];
		snprintf(name, sizeof(name), "%llX", v);
		fprintf(stderr,
			"evmctl: importing v1 (--rsa) keys is not supported: the "
			"kernel's digsig v1 'user' key blob format is deprecated; import "
			"the X.509 certificate without --rsa (key %s)\n",
			name);
		imactl_key_free(k);
		return EVMCTL_EXIT_ERR;
	}
	if (imactl_key_der_cert(k, &der, &derlen) < 0) {
		fprintf(stderr,
			"evmctl: '%s' is a bare public key: the kernel's asymmetric "
			"keyrings take X.509 certificates\n",
			keyfile);
		imactl_key_free(k);
		return EVMCTL_EXIT_ERR;
	}
	fprintf(stderr, "Importing public key %x from file %s into keyring %ld\n",
		imactl_key_keyid(k), keyfile, ring);
	serial = add_key("asymmetric", NULL, der, derlen, (key_serial_t)ring);
	imactl_key_free(k);
	if (serial < 0) {
		log_errno("add_key failed", keyfile, errno);
		return EVMCTL_EXIT_ERR;
	}
	fprintf(stderr, "keyid: %d\n", serial);
	printf("%d\n", serial);
	return EVMCTL_EXIT_OK;
#else
	fprintf(stderr, "evmctl: import: built without libkeyutils\n");
	return EVMCTL_EXIT_ERR;
#endif
}

static int cmd_not_here(struct evmctl *e);
static int cmd_help(struct evmctl *e);

/* ima_measurement and ima_boot_aggregate live in cmd_measurement.c (issue 5). */
static int cmd_ima_measurement(struct evmctl *e)
{
	return evmctl_cmd_ima_measurement(e);
}

static int cmd_ima_boot_aggregate(struct evmctl *e)
{
	return evmctl_cmd_ima_boot_aggregate(e);
}

static const struct evcmd cmds[] = {
	{"--version", NULL, "", ""},
	{"help", cmd_help, "<command>", ""},
	{"import", cmd_import, "[--rsa] pubkey keyring", "Import public key into the keyring.\n"},
	{"convert", cmd_not_here, "key", "convert public key into the keyring.\n"},
	{"sign", cmd_evm_sign, "[-r] [--imahash | --imasig ] [--key key] [--pass [password] file",
	 "Sign file metadata.\n"},
	{"verify", cmd_evm_verify, "file", "Verify EVM signature (for debugging).\n"},
	{"ima_sign", cmd_ima_sign, "[--sigfile] [--key key] [--pass [password] file",
	 "Make file content signature.\n"},
	{"ima_verify", cmd_ima_verify, "file", "Verify IMA signature (for debugging).\n"},
	{"ima_setxattr", cmd_ima_setxattr, "[--sigfile file]", "Set IMA signature from sigfile\n"},
	{"ima_hash", cmd_ima_hash, "file", "Make file content hash.\n"},
	{"ima_measurement", cmd_ima_measurement,
	 "[--ignore-violations] [--verify-sig [--key key1, key2, ...]] [--pcrs "
	 "[hash-algorithm,]file [--pcrs hash-algorithm,file] ...] [--verify-bank hash-algorithm] "
	 "file",
	 "Verify measurement list (experimental).\n"},
	{"ima_boot_aggregate", cmd_ima_boot_aggregate,
	 "[--pcrs hash-algorithm,file] [TPM 1.2 BIOS event log]",
	 "Calculate per TPM bank boot_aggregate digests\n"},
	{"ima_fix", cmd_ima_fix, "[-t fdsxm] path",
	 "Recursively fix IMA/EVM xattrs in fix mode.\n"},
	{"ima_clear", cmd_ima_clear, "[-t fdsxm] path", "Recursively remove IMA/EVM xattrs.\n"},
	{"sign_hash", cmd_sign_hash, "[--key key] [--pass [password]",
	 "Sign hashes from shaXsum output.\n"},
	{"hmac", cmd_evm_hmac, "[--imahash | --imasig ] file",
	 "Sign file metadata with HMAC using symmetric key (for testing purpose).\n"},
	{NULL, NULL, NULL, NULL},
};

static const struct evcmd *find_cmd(const char *name)
{
	for (const struct evcmd *c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int missing(const struct evcmd *c)
{
	fprintf(stderr, "Parameters missing\n");
	printf("usage: %s %s\n", c->name, c->usage);
	return EVMCTL_EXIT_ERR;
}

static int cmd_help(struct evmctl *e)
{
	const struct evcmd *c;

	if (e->nargs < 1) {
		printf("usage: help <command>\n");
		return EVMCTL_EXIT_OK;
	}
	c = find_cmd(e->args[0]);
	if (!c) {
		printf("invalid command: %s\n", e->args[0]);
		return EVMCTL_EXIT_ERR;
	}
	printf("usage: %s %s\n%s", c->name, c->usage, c->help);
	return EVMCTL_EXIT_OK;
}

static const char *current_cmd;

static int cmd_not_here(struct evmctl *e)
{
	const char *what = !strcmp(current_cmd, "ima_measurement") ||
					   !strcmp(current_cmd, "ima_boot_aggregate")
				   ? "measurement-list replay"
				   : "EVM metadata";
	fprintf(stderr,
		"evmctl: '%s' (%s) is not implemented in this imactl release; its IMA content "
		"commands (ima_hash, ima_sign, ima_verify, ima_setxattr, sign_hash, import, "
		"ima_clear) are\n",
		current_cmd, what);
	return EVMCTL_EXIT_ERR;
}

int evmctl_main(int argc, char **argv)
{
	static const char *const env[] = {"EVMCTL_KEY_PASSWORD", NULL};
	struct evmctl e = {.hash_algo = "sha256",
			   .pass = {.prog = "evmctl", .pass_fd = -1, .env = env, .prompt = true}};
	const struct evcmd *c;
	const char *cmd = NULL;
	imactl_diag d = {0};
	int rc = evmctl_parse(&e, argc, argv, &cmd);

	if (rc)
		return rc;
	if (!cmd) {
		evmctl_usage();
		return EVMCTL_EXIT_OK;
	}
	c = find_cmd(cmd);
	if (!c || !c->fn) {
		printf("Invalid command: %s\n", cmd);
		return EVMCTL_EXIT_ERR;
	}
	current_cmd = cmd;
	e.algo = imactl_hash_from_name(e.hash_algo);
	if (imactl_ctx_new(&e.ctx, NULL) < 0)
		return EVMCTL_EXIT_ERR;
	for (int i = 0; i < e.nproviders; i++) {
		rc = imactl_ctx_load_provider(e.ctx, e.providers[i], &d);
		if (rc < 0) {
			fprintf(stderr, "evmctl: %s\n", d.msg);
			imactl_ctx_free(e.ctx);
			return EVMCTL_EXIT_ERR;
		}
	}
	if (c->fn != cmd_help && c->fn != cmd_import && c->fn != cmd_ima_clear &&
	    c->fn != cmd_ima_setxattr && c->fn != cmd_not_here && c->fn != cmd_sign_hash &&
	    (e.algo < 0 || !imactl_hash_available(e.ctx, e.algo))) {
		/* evmctl: names it does not know are "unknown" for ima_hash (125); the
		 * rest fails in OpenSSL's digest lookup (1) */
		if (e.algo < 0 && c->fn == cmd_ima_hash) {
			fprintf(stderr, "Unknown hash algo: %s\n", e.hash_algo);
			rc = EVMCTL_EXIT_ERR;
		} else {
			fprintf(stderr, "EVP_get_digestbyname(%s) failed\n", e.hash_algo);
			rc = 1;
		}
		imactl_ctx_free(e.ctx);
		return rc;
	}
	if (e.keyid_cert && c->fn != cmd_help) {
		uint32_t id;
		rc = imactl_cert_keyid(e.ctx, e.keyid_cert, &id, &d);
		if (rc < 0) {
			if (rc == -ENOENT || rc == -EACCES)
				fprintf(stderr, "Cannot open %s: %s\n", e.keyid_cert,
					strerror(-rc));
			else
				fprintf(stderr, "%s\n", d.msg);
			fprintf(stderr, "Error reading keyid.\n");
			imactl_ctx_free(e.ctx);
			return 1;
		}
		fprintf(stderr, "keyid %x (from %s)\n", id, e.keyid_cert);
	}
	rc = c->fn(&e);
	fflush(stdout);
	imactl_ctx_free(e.ctx);
	return rc;
}
