/* SPDX-License-Identifier: MIT */
/*
 * imactl evm hmac | sign | verify | fix | key: security.evm for files and
 * trees, kernel-exact (see include/imactl/evm.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "evm_opts.h"
#include "opts.h"
#include "util/cleanup.h"

enum evm_mode { EM_HMAC, EM_SIGN, EM_VERIFY, EM_FIX };

enum {
	E_HMACKEY = 1,
	E_HMACKEY_FD,
	E_KEY,
	E_KEYDIR,
	E_KEYID,
	E_CERT,
	E_PASS_FILE,
	E_PASS_FD,
	E_ALGO,
	E_PORTABLE,
	E_IMAHASH,
	E_IMASIG,
	E_UUID,
	E_INO,
	E_GEN,
	E_UID_MD,
	E_GID_MD,
	E_MODE,
	E_IMA,
	E_SELINUX,
	E_CAPS,
	E_SMACK,
	E_M32,
	E_M64,
	E_PRINT,
	E_RECURSIVE,
	E_XDEV,
	E_JOBS,
	E_OWNER,
	E_FSTYPE,
	E_EXEC,
	E_NAME,
	E_XATTR_USER,
	E_JSON,
	E_QUIET,
	E_VERBOSE,
};

/* Which modes take an option: bit per enum evm_mode. */
#define M_H   (1 << EM_HMAC)
#define M_S   (1 << EM_SIGN)
#define M_V   (1 << EM_VERIFY)
#define M_F   (1 << EM_FIX)
#define M_ALL (M_H | M_S | M_V | M_F)

static const struct {
	struct opt_spec spec;
	unsigned modes;
} all_opts[] = {
	{{E_HMACKEY, 0, "hmackey", OPT_REQ, false, "FILE",
	  "EVM HMAC key (the evm-key plaintext; default /etc/keys/evm-key-plain)"},
	 M_H | M_V | M_F},
	{{E_HMACKEY_FD, 0, "hmackey-fd", OPT_REQ, false, "FD", "read the EVM HMAC key from FD"},
	 M_H | M_V | M_F},
	{{E_KEY, 'k', "key", OPT_REQ, true, "KEY", "signing key (sign) or certificate(s) (verify)"},
	 M_S | M_V},
	{{E_KEYDIR, 0, "keydir", OPT_REQ, true, "DIR",
	  "certificates in DIR (default /etc/keys/evm)"},
	 M_V},
	{{E_KEYID, 0, "keyid", OPT_REQ, false, "HEX", "override the 32-bit key id"}, M_S},
	{{E_CERT, 0, "cert", OPT_REQ, false, "CERT", "take the key id from CERT's SKID"}, M_S},
	{{E_PASS_FILE, 0, "pass-file", OPT_REQ, false, "FILE", "key passphrase from FILE"}, M_S},
	{{E_PASS_FD, 0, "pass-fd", OPT_REQ, false, "FD", "key passphrase from FD"}, M_S},
	{{E_ALGO, 'a', "hash-algo", OPT_REQ, false, "ALGO",
	  "signature / IMA hash algorithm (sha256)"},
	 M_S | M_F},
	{{E_PORTABLE, 'o', "portable", OPT_NOARG, false, NULL,
	  "portable signature (type 0x05: no inode, generation, UUID)"},
	 M_S},
	{{E_IMAHASH, 0, "imahash", OPT_NOARG, false, NULL, "write the IMA content hash first"},
	 M_S},
	{{E_IMASIG, 0, "imasig", OPT_NOARG, false, NULL, "write the IMA content signature first"},
	 M_S},
	{{E_UUID, 'u', "uuid", OPT_OPT, false, "UUID",
	  "fs UUID to use; bare --uuid leaves it out (default: the file's fs)"},
	 M_ALL},
	{{E_INO, 0, "ino", OPT_REQ, false, "N", "inode number to use"}, M_ALL},
	{{E_GEN, 0, "generation", OPT_REQ, false, "N", "inode generation to use"}, M_ALL},
	{{E_UID_MD, 0, "evm-uid", OPT_REQ, false, "N", "owner uid to use"}, M_ALL},
	{{E_GID_MD, 0, "evm-gid", OPT_REQ, false, "N", "group gid to use"}, M_ALL},
	{{E_MODE, 0, "mode", OPT_REQ, false, "MODE", "mode to use (octal, e.g. 100755)"}, M_ALL},
	{{E_IMA, 0, "ima", OPT_REQ, false, "HEX", "security.ima value to use"}, M_ALL},
	{{E_SELINUX, 0, "selinux", OPT_REQ, false, "LABEL", "security.selinux label to use"},
	 M_ALL},
	{{E_CAPS, 0, "caps", OPT_OPT, false, "HEX", "security.capability value; bare --caps: none"},
	 M_ALL},
	{{E_SMACK, 0, "smack", OPT_NOARG, false, NULL, "also cover SMACK64EXEC/TRANSMUTE/MMAP"},
	 M_ALL},
	{{E_M32, 0, "m32", OPT_NOARG, false, NULL, "target a 32-bit kernel (4-byte inode numbers)"},
	 M_ALL},
	{{E_M64, 0, "m64", OPT_NOARG, false, NULL, "target a 64-bit kernel"}, M_ALL},
	{{E_PRINT, 'n', "print", OPT_NOARG, false, NULL, "print values instead of writing"},
	 M_H | M_S},
	{{E_RECURSIVE, 'r', "recursive", OPT_NOARG, false, NULL, "walk directories"}, M_ALL},
	{{E_XDEV, 'x', "one-file-system", OPT_NOARG, false, NULL, "stay on one filesystem"}, M_ALL},
	{{E_JOBS, 'j', "jobs", OPT_REQ, false, "N", "worker threads"}, M_ALL},
	{{E_OWNER, 0, "uid", OPT_REQ, false, "UID", "only files owned by UID"}, M_ALL},
	{{E_FSTYPE, 0, "fstype", OPT_REQ, false, "TYPE", "only files on TYPE filesystems"}, M_ALL},
	{{E_EXEC, 0, "executable", OPT_NOARG, false, NULL, "only files with an execute bit"},
	 M_ALL},
	{{E_NAME, 0, "name", OPT_REQ, false, "GLOB", "only files whose name matches"}, M_ALL},
	{{E_XATTR_USER, 0, "xattr-user", OPT_NOARG, false, NULL, "user.ima/user.evm (testing)"},
	 M_ALL},
	{{E_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output"}, M_ALL},
	{{E_QUIET, 'q', "quiet", OPT_NOARG, false, NULL, "no progress or summary"}, M_ALL},
	{{E_VERBOSE, 'v', "verbose", OPT_NOARG, false, NULL, "a line per file"}, M_ALL},
};

struct evmrun {
	enum evm_mode mode;
	const char *prog;
	imactl_ctx *ctx;
	struct evm_overrides ov;
	const char *hmackey_path;
	int hmackey_fd;
	imactl_secret *hmackey;
	const char *keys[64];
	size_t nkeys;
	const char *keydirs[16];
	size_t nkeydirs;
	bool keyid_set;
	uint32_t keyid;
	const char *cert;
	struct pass_opts pass;
	int algo;
	bool portable, imahash, imasig, print, json, quiet, verbose;
	imactl_walk_opts walk;
	imactl_key *key;
	imactl_keyring *ring;
	struct bulk bulk;
	const char *ima_name, *evm_name;
};

static int num(struct evmrun *e, const char *opt, const char *arg, int base, unsigned long long max,
	       unsigned long long *ret)
{
	if (opts_parse_u64(arg, base, ret) < 0 || *ret > max) {
		fprintf(stderr, "%s: --%s '%s' is not a valid number\n", e->prog, opt, arg);
		return EXIT_USAGE;
	}
	return 0;
}

static int on_opt(void *ud, int id, const char *arg)
{
	struct evmrun *e = ud;
	unsigned long long v;

	switch (id) {
	case E_HMACKEY:
		e->hmackey_path = arg;
		break;
	case E_HMACKEY_FD:
		if (num(e, "hmackey-fd", arg, 10, INT_MAX, &v))
			return EXIT_USAGE;
		e->hmackey_fd = (int)v;
		break;
	case E_KEY:
		return OPT_PUSH(e->prog, "key", e->keys, e->nkeys, arg);
	case E_KEYDIR:
		return OPT_PUSH(e->prog, "keydir", e->keydirs, e->nkeydirs, arg);
	case E_KEYID:
		if (parse_keyid(arg, &e->keyid) < 0) {
			fprintf(stderr, "%s: --keyid '%s' is not a 32-bit hex value\n", e->prog,
				arg);
			return EXIT_USAGE;
		}
		e->keyid_set = true;
		break;
	case E_CERT:
		e->cert = arg;
		break;
	case E_PASS_FILE:
		e->pass.pass_file = arg;
		break;
	case E_PASS_FD:
		if (num(e, "pass-fd", arg, 10, INT_MAX, &v))
			return EXIT_USAGE;
		e->pass.pass_fd = (int)v;
		break;
	case E_ALGO:
		e->algo = imactl_hash_from_name(arg);
		if (e->algo < 0) {
			fprintf(stderr, "%s: unknown hash algorithm '%s'\n", e->prog, arg);
			return EXIT_USAGE;
		}
		break;
	case E_PORTABLE:
		e->portable = true;
		e->ov.portable = true;
		break;
	case E_IMAHASH:
		e->imahash = true;
		break;
	case E_IMASIG:
		e->imasig = true;
		break;
	case E_UUID:
		if (evm_parse_uuid_arg(&e->ov, arg) < 0) {
			fprintf(stderr, "%s: --uuid '%s' is not a UUID\n", e->prog, arg);
			return EXIT_USAGE;
		}
		break;
	case E_INO:
		if (num(e, "ino", arg, 10, ~0ULL, &v))
			return EXIT_USAGE;
		e->ov.ino = v;
		e->ov.ino_set = true;
		break;
	case E_GEN:
		if (num(e, "generation", arg, 10, 0xffffffffULL, &v))
			return EXIT_USAGE;
		e->ov.generation = (uint32_t)v;
		e->ov.gen_set = true;
		break;
	case E_UID_MD:
		if (num(e, "evm-uid", arg, 10, 0xffffffffULL, &v))
			return EXIT_USAGE;
		e->ov.uid = (uint32_t)v;
		e->ov.uid_set = true;
		break;
	case E_GID_MD:
		if (num(e, "evm-gid", arg, 10, 0xffffffffULL, &v))
			return EXIT_USAGE;
		e->ov.gid = (uint32_t)v;
		e->ov.gid_set = true;
		break;
	case E_MODE:
		if (num(e, "mode", arg, 8, 0xffff, &v))
			return EXIT_USAGE;
		e->ov.mode = (uint16_t)v;
		e->ov.mode_set = true;
		break;
	case E_IMA:
		if (evm_parse_hex_value(arg, e->ov.ima, sizeof(e->ov.ima), &e->ov.ima_len) < 0) {
			fprintf(stderr, "%s: --ima needs a hex value\n", e->prog);
			return EXIT_USAGE;
		}
		e->ov.ima_set = true;
		break;
	case E_SELINUX:
		e->ov.selinux = (char *)arg;
		break;
	case E_CAPS:
		e->ov.caps_set = true;
		e->ov.caps_len = 0;
		if (arg && *arg &&
		    evm_parse_hex_value(arg, e->ov.caps, sizeof(e->ov.caps), &e->ov.caps_len) < 0) {
			fprintf(stderr, "%s: --caps needs a hex value\n", e->prog);
			return EXIT_USAGE;
		}
		break;
	case E_SMACK:
		e->ov.smack = true;
		break;
	case E_M32:
		e->ov.abi = IMACTL_EVM_ABI_32;
		break;
	case E_M64:
		e->ov.abi = IMACTL_EVM_ABI_64;
		break;
	case E_PRINT:
		e->print = true;
		break;
	case E_RECURSIVE:
		e->walk.recursive = 1;
		break;
	case E_XDEV:
		e->walk.xdev = 1;
		break;
	case E_JOBS:
		if (num(e, "jobs", arg, 10, 256, &v) || v == 0)
			return EXIT_USAGE;
		e->walk.jobs = (int)v;
		break;
	case E_OWNER:
		if (num(e, "uid", arg, 10, 0xffffffffULL, &v))
			return EXIT_USAGE;
		e->walk.filter_uid = 1;
		e->walk.uid = (uid_t)v;
		break;
	case E_FSTYPE:
		if (imactl_fstype_magic(arg, &e->walk.fstype_magic) < 0) {
			fprintf(stderr, "%s: unknown filesystem type '%s'\n", e->prog, arg);
			return EXIT_USAGE;
		}
		e->walk.filter_fstype = 1;
		break;
	case E_EXEC:
		e->walk.filter_executable = 1;
		break;
	case E_NAME:
		e->walk.name_glob = arg;
		break;
	case E_XATTR_USER:
		e->ov.user_ima = true;
		break;
	case E_JSON:
		e->json = true;
		break;
	case E_QUIET:
		e->quiet = true;
		break;
	case E_VERBOSE:
		e->verbose = true;
		break;
	}
	return 0;
}

static void report(struct evmrun *e, const char *path, int r, const char *status,
		   const uint8_t *value, size_t vlen, const char *detail)
{
	struct report_opts o = {
		.prog = e->prog,
		.json = e->json,
		.print = e->print,
		.verbose = e->verbose,
		.show_ok = false,
	};

	bulk_report(&e->bulk, &o, path, r, status, value, vlen, detail);
}

/* --imahash / --imasig / fix: the content value first, so EVM covers it. */
static int write_ima(struct evmrun *e, int fd, bool sign, imactl_diag *d)
{
	uint8_t v[IMACTL_XATTR_MAX];
	size_t len = 0;
	int r = sign ? imactl_ima_sign_fd(e->ctx, fd, e->key, e->algo, v, &len, d)
		     : imactl_ima_hash_fd(e->ctx, fd, e->algo, 0, v, &len, d);

	if (r < 0)
		return r;
	r = imactl_xattr_set(fd, e->ima_name, v, len);
	if (r < 0)
		snprintf(d->msg, sizeof(d->msg), "cannot write %s: %s", e->ima_name, strerror(-r));
	return r;
}

/* fix: rewrite a hash in security.ima (never a signature), like ima_appraise=fix. */
static int fix_ima(struct evmrun *e, int fd, imactl_diag *d)
{
	uint8_t v[IMACTL_XATTR_MAX];
	imactl_xattr_view view;
	long n = imactl_xattr_get(fd, e->ima_name, v, sizeof(v));

	if (n >= 0 && imactl_xattr_decode(v, (size_t)n, &view, NULL) == 0 &&
	    (view.type == IMACTL_XATTR_DIGSIG || view.type == IMACTL_XATTR_VERITY_DIGSIG))
		return 0;
	return write_ima(e, fd, false, d);
}

static int visit(void *ud, int fd, const char *path, const struct stat *st)
{
	struct evmrun *e = ud;
	_cleanup_free_ uint8_t *v = malloc(IMACTL_XATTR_MAX);
	imactl_evm_meta *m = NULL;
	imactl_diag d = {0};
	size_t len = 0;
	int r = 0;

	if (!v)
		return -ENOMEM;
	if (S_ISDIR(st->st_mode)) {
		/* directories: EVM only (their metadata is protected; there is no content) */
	} else if (e->mode == EM_SIGN && (e->imahash || e->imasig) && !e->print)
		r = write_ima(e, fd, e->imasig, &d);
	if (r == 0 && e->mode == EM_FIX && !S_ISDIR(st->st_mode)) {
		/* an immutable/portable signature is never replaced by an HMAC */
		long n = imactl_xattr_get(fd, e->evm_name, v, IMACTL_XATTR_MAX);
		if (n > 0 &&
		    (v[0] == IMACTL_XATTR_DIGSIG || v[0] == IMACTL_XATTR_PORTABLE_DIGSIG)) {
			atomic_fetch_add(&e->bulk.ok, 1);
			report(e, path, 0, "kept", NULL, 0, "(EVM signature is immutable)");
			return 0;
		}
		r = fix_ima(e, fd, &d);
	}
	if (r == 0)
		r = evm_meta_for_fd(fd, &e->ov, &m, &d);
	if (r < 0)
		goto fail;

	switch (e->mode) {
	case EM_HMAC:
	case EM_FIX:
		r = imactl_evm_hmac(e->ctx, m, e->ov.abi, imactl_secret_data(e->hmackey),
				    imactl_secret_len(e->hmackey), v, &d);
		len = 1 + IMACTL_EVM_HMAC_LEN;
		break;
	case EM_SIGN:
		r = imactl_evm_sign(e->ctx, m, e->key,
				    e->portable ? IMACTL_XATTR_PORTABLE_DIGSIG
						: IMACTL_XATTR_DIGSIG,
				    e->algo, e->ov.abi, v, &len, &d);
		break;
	case EM_VERIFY: {
		long n = imactl_xattr_get(fd, e->evm_name, v, IMACTL_XATTR_MAX);
		if (n < 0) {
			imactl_evm_meta_free(m);
			atomic_fetch_add(&e->bulk.failed, 1);
			report(e, path, (int)n, "failed", NULL, 0,
			       n == -ENODATA ? "no security.evm value (missing-HMAC)"
					     : strerror((int)-n));
			return 0;
		}
		r = imactl_evm_verify(e->ctx, m, v, (size_t)n, e->ring,
				      e->hmackey ? imactl_secret_data(e->hmackey) : NULL,
				      e->hmackey ? imactl_secret_len(e->hmackey) : 0, e->ov.abi,
				      &d);
		imactl_evm_meta_free(m);
		atomic_fetch_add(&e->bulk.bytes, (unsigned long)st->st_size);
		if (r == 0) {
			atomic_fetch_add(&e->bulk.ok, 1);
			report(e, path, 0, "OK", NULL, 0,
			       v[0] == IMACTL_XATTR_HMAC ? "(HMAC)" : "(signature)");
		} else {
			bool vf = r == -EKEYREJECTED || r == -ENOKEY || r == -EBADMSG ||
				  r == -EOPNOTSUPP || r == -EPERM;
			atomic_fetch_add(vf ? &e->bulk.failed : &e->bulk.errors, 1);
			report(e, path, r, "failed", NULL, 0,
			       d.msg[0] ? d.msg : imactl_strerror(r));
		}
		return 0;
	}
	}
	imactl_evm_meta_free(m);
	m = NULL;
	if (r == 0 && !e->print) {
		r = imactl_xattr_set(fd, e->evm_name, v, len);
		if (r < 0)
			snprintf(d.msg, sizeof(d.msg), "cannot write %s: %s", e->evm_name,
				 strerror(-r));
	}
	if (r < 0)
		goto fail;
	atomic_fetch_add(&e->bulk.ok, 1);
	report(e, path, 0,
	       e->mode == EM_SIGN  ? "signed"
	       : e->mode == EM_FIX ? "fixed"
				   : "hmac",
	       v, len, NULL);
	return 0;
fail:
	imactl_evm_meta_free(m);
	atomic_fetch_add(&e->bulk.errors, 1);
	report(e, path, r, "error", NULL, 0, d.msg[0] ? d.msg : imactl_strerror(r));
	return 0;
}

static void on_error(void *ud, const char *path, int err, const char *what)
{
	struct evmrun *e = ud;
	char msg[256];

	atomic_fetch_add(&e->bulk.errors, 1);
	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(-err));
	report(e, path, err, "error", NULL, 0, msg);
}

static int setup_keys(struct evmrun *e)
{
	imactl_diag d = {0};
	int r;

	if (e->mode == EM_HMAC || e->mode == EM_FIX ||
	    (e->mode == EM_VERIFY && (e->hmackey_path || e->hmackey_fd >= 0 ||
				      access("/etc/keys/evm-key-plain", R_OK) == 0))) {
		r = evm_load_hmac_key(e->hmackey_path, e->hmackey_fd, &e->hmackey, &d);
		if (r < 0) {
			print_diag(e->prog,
				   e->hmackey_fd >= 0 ? "--hmackey-fd"
				   : e->hmackey_path  ? e->hmackey_path
						      : "/etc/keys/evm-key-plain",
				   &d, r);
			return EXIT_OPER;
		}
	}
	if (e->mode == EM_SIGN) {
		const char *path = e->nkeys ? e->keys[0] : "/etc/keys/privkey_evm.pem";
		e->pass.key_name = path;
		r = imactl_key_load_private(e->ctx, path, pass_callback, &e->pass, &e->key, &d);
		if (r < 0) {
			print_diag(e->prog, path, &d, r);
			return EXIT_OPER;
		}
		if (e->cert) {
			uint32_t id;
			r = imactl_cert_keyid(e->ctx, e->cert, &id, &d);
			if (r < 0) {
				print_diag(e->prog, e->cert, &d, r);
				return EXIT_OPER;
			}
			imactl_key_set_keyid(e->key, id);
		}
		if (e->keyid_set)
			imactl_key_set_keyid(e->key, e->keyid);
	}
	if (e->mode == EM_VERIFY) {
		if (imactl_keyring_new(&e->ring) < 0)
			return EXIT_OPER;
		for (size_t i = 0; i < e->nkeys; i++) {
			imactl_key *k;
			r = imactl_key_load_public(e->ctx, e->keys[i], &k, &d);
			if (r < 0) {
				print_diag(e->prog, e->keys[i], &d, r);
				return EXIT_OPER;
			}
			imactl_keyring_add(e->ring, k);
		}
		if (!e->nkeys && !e->nkeydirs && access("/etc/keys/evm", F_OK) == 0)
			e->keydirs[e->nkeydirs++] = "/etc/keys/evm";
		for (size_t i = 0; i < e->nkeydirs; i++) {
			r = imactl_keyring_load_dir(e->ctx, e->ring, e->keydirs[i], NULL, &d);
			if (r < 0) {
				print_diag(e->prog, e->keydirs[i], &d, r);
				return EXIT_OPER;
			}
		}
	}
	return 0;
}

static int run(enum evm_mode mode, int argc, char **argv)
{
	static const char *const env[] = {"IMACTL_KEY_PASSWORD", "EVMCTL_KEY_PASSWORD", NULL};
	static const char *const names[] = {"imactl evm hmac", "imactl evm sign",
					    "imactl evm verify", "imactl evm fix"};
	static const char *const usages[] = {
		"[--hmackey FILE] [OPTIONS] PATH...", "-k KEY [--portable] [OPTIONS] PATH...",
		"[-k CERT] [--keydir DIR] [--hmackey FILE] [OPTIONS] PATH...",
		"[--hmackey FILE] [-a ALGO] [OPTIONS] PATH..."};
	static const char *const summaries[] = {
		"Write security.evm HMACs (type 0x02, HMAC-SHA1 as the kernel computes them).",
		"Write security.evm signatures: immutable (0x03) or --portable (0x05).",
		"Check security.evm of each file against its metadata now.\n"
		"Exit status: 0 all valid, 1 a verification failed, 3 an operational error.",
		"Write security.ima hashes (signatures are kept) and security.evm HMACs, as a "
		"kernel "
		"booted with ima_appraise=fix evm=fix would."};
	struct opt_spec spec[ELEMENTSOF(all_opts) + 1];
	struct evmrun e = {
		.mode = mode,
		.prog = names[mode],
		.algo = IMACTL_HASH_SHA256,
		.hmackey_fd = -1,
		.pass = {.pass_fd = -1, .env = env, .prompt = true},
	};
	size_t n = 0;
	int optind_ = 0, r, rc;

	for (size_t i = 0; i < ELEMENTSOF(all_opts); i++)
		if (all_opts[i].modes & (1u << mode))
			spec[n++] = all_opts[i].spec;
	spec[n] = (struct opt_spec){0};
	e.pass.prog = e.prog;
	r = opts_parse(e.prog, usages[mode], summaries[mode], spec, argc, argv, on_opt, &e,
		       &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r)
		return r;
	if (optind_ >= argc) {
		fprintf(stderr, "%s: no file operands\n", e.prog);
		return EXIT_USAGE;
	}
	if (e.imahash && e.imasig) {
		fprintf(stderr, "%s: --imahash and --imasig exclude each other\n", e.prog);
		return EXIT_USAGE;
	}
	if (e.print && (e.imahash || e.imasig)) {
		fprintf(stderr,
			"%s: --print does not write, so it cannot write security.ima first\n",
			e.prog);
		return EXIT_USAGE;
	}
	/* EVM protects directories' metadata too (evm=fix labels them): visit them */
	e.walk.dir_operands = 1;
	e.walk.dirs_walked = 1;
	e.ima_name = e.ov.user_ima ? "user.ima" : IMACTL_XATTR_IMA;
	e.evm_name = e.ov.user_ima ? "user.evm" : IMACTL_XATTR_EVM;
	if (imactl_ctx_new(&e.ctx, NULL) < 0)
		return EXIT_OPER;
	rc = setup_keys(&e);
	if (rc)
		goto out;
	bulk_init(&e.bulk, e.prog, "", e.quiet || e.json);
	if (e.json)
		printf("{\"command\": \"evm %s\", \"files\": [", mode == EM_HMAC     ? "hmac"
								 : mode == EM_SIGN   ? "sign"
								 : mode == EM_VERIFY ? "verify"
										     : "fix");
	bulk_start(&e.bulk);
	r = imactl_walk((const char *const *)argv + optind_, (size_t)(argc - optind_), &e.walk,
			visit, on_error, &e);
	bulk_stop(&e.bulk);
	fflush(stdout);
	{
		unsigned long ok = atomic_load(&e.bulk.ok), failed = atomic_load(&e.bulk.failed),
			      errors = atomic_load(&e.bulk.errors);
		double dt = now_seconds() - e.bulk.t0;
		if (e.json)
			printf("\n  ],\n  \"summary\": {\"ok\": %lu, \"failed\": %lu, \"errors\": "
			       "%lu, "
			       "\"seconds\": %.3f}}\n",
			       ok, failed, errors, dt);
		else if (!e.quiet && (e.walk.recursive || argc - optind_ > 1 || failed || errors))
			fprintf(stderr, "%s: %lu ok, %lu failed, %lu errors (%.2f s)\n", e.prog, ok,
				failed, errors, dt);
		rc = r < 0 ? EXIT_OPER : failed ? EXIT_VERIFY : errors ? EXIT_OPER : EXIT_OK;
	}
out:
	imactl_secret_free(e.hmackey);
	imactl_key_free(e.key);
	imactl_keyring_free(e.ring);
	imactl_ctx_free(e.ctx);
	return rc;
}

int cmd_evm(int argc, char **argv)
{
	static const char *usage =
		"Usage: imactl evm COMMAND [OPTIONS] PATH...\n\n"
		"Commands:\n"
		"  hmac     write security.evm HMACs (kernel-exact HMAC-SHA1)\n"
		"  sign     write security.evm signatures (immutable or --portable)\n"
		"  verify   check security.evm against the metadata now\n"
		"  fix      write IMA hashes and EVM HMACs, as ima_appraise=fix evm=fix would\n"
		"  key      create or open the kernel's encrypted evm-key blob\n";

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "hmac"))
		return run(EM_HMAC, argc - 1, argv + 1);
	if (!strcmp(argv[1], "sign"))
		return run(EM_SIGN, argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return run(EM_VERIFY, argc - 1, argv + 1);
	if (!strcmp(argv[1], "fix"))
		return run(EM_FIX, argc - 1, argv + 1);
	if (!strcmp(argv[1], "key"))
		return cmd_evm_key(argc - 1, argv + 1);
	fprintf(stderr, "imactl evm: unknown command '%s'\n%s", argv[1], usage);
	return EXIT_USAGE;
}
