/* SPDX-License-Identifier: MIT */
/*
 * imactl hash | sign | verify: IMA content values (security.ima) for files
 * and trees, in parallel, with filters, progress and a summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "opts.h"
#include "util/cleanup.h"

enum mode { MODE_HASH, MODE_SIGN, MODE_VERIFY };

enum {
	O_ALGO = 1,
	O_KEY,
	O_KEYDIR,
	O_KEYID,
	O_KEYID_CERT,
	O_PASS_FILE,
	O_PASS_FD,
	O_PROVIDER,
	O_RECURSIVE,
	O_XDEV,
	O_JOBS,
	O_UID,
	O_FSTYPE,
	O_EXEC,
	O_NAME,
	O_PRINT,
	O_SIGFILE,
	O_XATTR_USER,
	O_JSON,
	O_QUIET,
	O_VERBOSE,
	O_VERITY,
};

#define COMMON_WALK_OPTS                                                                             \
	{O_RECURSIVE, 'r', "recursive", OPT_NOARG, false, NULL, "walk directories"},                 \
		{O_XDEV,                                                                             \
		 'x',                                                                                \
		 "one-file-system",                                                                  \
		 OPT_NOARG,                                                                          \
		 false,                                                                              \
		 NULL,                                                                               \
		 "stay on the filesystem of each directory operand"},                                \
		{O_JOBS, 'j', "jobs", OPT_REQ, false, "N", "worker threads (default: CPUs)"},        \
		{O_UID, 0, "uid", OPT_REQ, false, "UID", "only files owned by UID"},                 \
		{O_FSTYPE,                                                                           \
		 0,                                                                                  \
		 "fstype",                                                                           \
		 OPT_REQ,                                                                            \
		 false,                                                                              \
		 "TYPE",                                                                             \
		 "only files on filesystems of TYPE (ext4, xfs, btrfs ...)"},                        \
		{O_EXEC, 0, "executable", OPT_NOARG, false, NULL, "only files with an execute bit"}, \
		{O_NAME, 0, "name", OPT_REQ, false, "GLOB", "only files whose name matches GLOB"},   \
		{O_XATTR_USER,                                                                       \
		 0,                                                                                  \
		 "xattr-user",                                                                       \
		 OPT_NOARG,                                                                          \
		 false,                                                                              \
		 NULL,                                                                               \
		 "use user.ima instead of security.ima (testing)"},                                  \
		{O_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output"},              \
		{O_QUIET, 'q', "quiet", OPT_NOARG, false, NULL, "no progress or summary"},           \
	{                                                                                            \
		O_VERBOSE, 'v', "verbose", OPT_NOARG, false, NULL, "a line per file"                 \
	}

static const struct opt_spec hash_opts[] = {
	{O_ALGO, 'a', "hash-algo", OPT_REQ, false, "ALGO", "sha256 (default), sha1, sha384 ..."},
	{O_PRINT, 'n', "print", OPT_NOARG, false, NULL, "print values instead of writing xattrs"},
	COMMON_WALK_OPTS,
	{0},
};

static const struct opt_spec sign_opts[] = {
	{O_ALGO, 'a', "hash-algo", OPT_REQ, false, "ALGO", "sha256 (default), sha384, sha512 ..."},
	{O_KEY, 'k', "key", OPT_REQ, false, "KEY", "private key file or pkcs11: URI"},
	{O_KEYID, 0, "keyid", OPT_REQ, false, "HEX", "override the 32-bit key id"},
	{O_KEYID_CERT, 0, "cert", OPT_REQ, false, "CERT", "take the key id from CERT's SKID"},
	{O_PASS_FILE, 0, "pass-file", OPT_REQ, false, "FILE", "read the key passphrase from FILE"},
	{O_PASS_FD, 0, "pass-fd", OPT_REQ, false, "FD", "read the key passphrase from FD"},
	{O_PROVIDER, 0, "provider", OPT_REQ, true, "NAME", "load an OpenSSL provider"},
	{O_PRINT, 'n', "print", OPT_NOARG, false, NULL, "print values instead of writing xattrs"},
	{O_SIGFILE, 0, "sigfile", OPT_NOARG, false, NULL, "write FILE.sig instead of the xattr"},
	{O_VERITY, 0, "verity", OPT_NOARG, false, NULL,
	 "sign the fs-verity digest (sigv3, type 0x06; appraise_type=sigv3 digest_type=verity)"},
	COMMON_WALK_OPTS,
	{0},
};

static const struct opt_spec verify_opts[] = {
	{O_KEY, 'k', "key", OPT_REQ, true, "CERT",
	 "verification certificate or public key(s), comma-separated"},
	{O_KEYDIR, 0, "keydir", OPT_REQ, true, "DIR",
	 "every certificate in DIR (default /etc/keys/ima)"},
	{O_PROVIDER, 0, "provider", OPT_REQ, true, "NAME", "load an OpenSSL provider"},
	{O_SIGFILE, 0, "sigfile", OPT_NOARG, false, NULL, "read FILE.sig when FILE has no xattr"},
	COMMON_WALK_OPTS,
	{0},
};

struct content {
	enum mode mode;
	const char *prog;
	imactl_ctx *ctx;
	int algo;
	const char *keypath;
	bool keyid_set;
	uint32_t keyid;
	const char *keyid_cert;
	struct pass_opts pass;
	const char *keys[64];
	size_t nkeys;
	const char *keydirs[16];
	size_t nkeydirs;
	const char *providers[8];
	size_t nproviders;
	bool print, sigfile, user, json, quiet, verbose, verity;
	const char *xattr_name;
	imactl_walk_opts walk;
	imactl_key *key;
	imactl_keyring *ring;
	struct bulk bulk;
};

static int on_opt(void *ud, int id, const char *arg)
{
	struct content *c = ud;
	int r;

	switch (id) {
	case O_ALGO:
		c->algo = imactl_hash_from_name(arg);
		if (c->algo < 0) {
			fprintf(stderr, "%s: unknown hash algorithm '%s'\n", c->prog, arg);
			return EXIT_USAGE;
		}
		break;
	case O_KEY:
		if (c->mode == MODE_SIGN) {
			c->keypath = arg;
			break;
		}
		/* split in place: argv strings are the process's own */
		return opt_push_split(c->prog, "key", c->keys, &c->nkeys, ELEMENTSOF(c->keys),
				      (char *)arg);
	case O_KEYDIR:
		return OPT_PUSH(c->prog, "keydir", c->keydirs, c->nkeydirs, arg);
	case O_KEYID:
		if (parse_keyid(arg, &c->keyid) < 0) {
			fprintf(stderr, "%s: --keyid '%s' is not a 32-bit hex value\n", c->prog,
				arg);
			return EXIT_USAGE;
		}
		c->keyid_set = true;
		break;
	case O_KEYID_CERT:
		c->keyid_cert = arg;
		break;
	case O_PASS_FILE:
		c->pass.pass_file = arg;
		break;
	case O_PASS_FD: {
		unsigned v;
		if (opts_parse_u32(arg, 10, &v) < 0 || v > INT_MAX) {
			fprintf(stderr, "%s: --pass-fd '%s' is not a file descriptor\n", c->prog,
				arg);
			return EXIT_USAGE;
		}
		c->pass.pass_fd = (int)v;
		break;
	}
	case O_PROVIDER:
		return OPT_PUSH(c->prog, "provider", c->providers, c->nproviders, arg);
	case O_RECURSIVE:
		c->walk.recursive = 1;
		break;
	case O_XDEV:
		c->walk.xdev = 1;
		break;
	case O_JOBS: {
		unsigned v;
		if (opts_parse_u32(arg, 10, &v) < 0 || v == 0 || v > 256) {
			fprintf(stderr, "%s: --jobs '%s' must be 1..256\n", c->prog, arg);
			return EXIT_USAGE;
		}
		c->walk.jobs = (int)v;
		break;
	}
	case O_UID: {
		unsigned v;
		if (opts_parse_u32(arg, 10, &v) < 0) {
			fprintf(stderr, "%s: --uid '%s' is not a number\n", c->prog, arg);
			return EXIT_USAGE;
		}
		c->walk.filter_uid = 1;
		c->walk.uid = v;
		break;
	}
	case O_FSTYPE:
		r = imactl_fstype_magic(arg, &c->walk.fstype_magic);
		if (r < 0) {
			fprintf(stderr, "%s: unknown filesystem type '%s'\n", c->prog, arg);
			return EXIT_USAGE;
		}
		c->walk.filter_fstype = 1;
		break;
	case O_EXEC:
		c->walk.filter_executable = 1;
		break;
	case O_NAME:
		c->walk.name_glob = arg;
		break;
	case O_PRINT:
		c->print = true;
		break;
	case O_SIGFILE:
		c->sigfile = true;
		break;
	case O_XATTR_USER:
		c->user = true;
		break;
	case O_JSON:
		c->json = true;
		break;
	case O_QUIET:
		c->quiet = true;
		break;
	case O_VERBOSE:
		c->verbose = true;
		break;
	case O_VERITY:
		c->verity = true;
		break;
	}
	return 0;
}

static long read_sigfile(const char *path, uint8_t *buf, size_t cap)
{
	size_t n = strlen(path);
	_cleanup_free_ char *p = malloc(n + 5);

	if (!p)
		return -ENOMEM;
	snprintf(p, n + 5, "%s.sig", path);
	return read_small_file(p, buf, cap);
}

static void report(struct content *c, const char *path, int r, const char *status,
		   const uint8_t *value, size_t vlen, const char *detail)
{
	struct report_opts o = {
		.prog = c->prog,
		.json = c->json,
		.print = c->print,
		.verbose = c->verbose,
		.show_ok = c->mode == MODE_VERIFY && !c->walk.recursive,
	};

	bulk_report(&c->bulk, &o, path, r, status, value, vlen, detail);
}

static int visit(void *ud, int fd, const char *path, const struct stat *st)
{
	struct content *c = ud;
	uint8_t value[IMACTL_XATTR_MAX];
	size_t vlen = 0;
	imactl_diag d = {0};
	int r;

	switch (c->mode) {
	case MODE_HASH:
	case MODE_SIGN:
		if (c->mode == MODE_HASH)
			r = imactl_ima_hash_fd(c->ctx, fd, c->algo, 0, value, &vlen, &d);
		else if (c->verity)
			r = imactl_ima_sign_verity_fd(c->ctx, fd, c->key, c->algo,
						      IMACTL_HASH_SHA256, value, &vlen, &d);
		else
			r = imactl_ima_sign_fd(c->ctx, fd, c->key, c->algo, value, &vlen, &d);
		if (r == 0 && !c->print) {
			if (c->sigfile)
				r = write_sigfile_atomic(path, value, vlen);
			else
				r = imactl_xattr_set(fd, c->xattr_name, value, vlen);
			if (r < 0)
				snprintf(d.msg, sizeof(d.msg), "cannot write %s: %s",
					 c->sigfile ? "signature file" : c->xattr_name,
					 strerror(-r));
		}
		if (r < 0) {
			atomic_fetch_add(&c->bulk.errors, 1);
			report(c, path, r, "error", NULL, 0, d.msg);
			return 0;
		}
		atomic_fetch_add(&c->bulk.ok, 1);
		atomic_fetch_add(&c->bulk.bytes, (unsigned long)st->st_size);
		report(c, path, 0, c->mode == MODE_HASH ? "hashed" : "signed", value, vlen, NULL);
		return 0;
	case MODE_VERIFY: {
		imactl_appraisal a;
		long n = imactl_xattr_get(fd, c->xattr_name, value, sizeof(value));
		char detail[IMACTL_DIAG_MSG_MAX + 128];
		if (n == -ENODATA && c->sigfile)
			n = read_sigfile(path, value, sizeof(value));
		if (n < 0) {
			atomic_fetch_add(&c->bulk.failed, 1);
			report(c, path, (int)n, "failed", NULL, 0,
			       n == -ENODATA || n == -ENOENT
				       ? "no security.ima value (missing-hash)"
				       : strerror((int)-n));
			return 0;
		}
		r = imactl_ima_appraise_fd(c->ctx, fd, c->ring, value, (size_t)n, &a, &d);
		atomic_fetch_add(&c->bulk.bytes, (unsigned long)st->st_size);
		if (r == 0) {
			char kd[64] = "";
			atomic_fetch_add(&c->bulk.ok, 1);
			if (a.is_signature)
				snprintf(detail, sizeof(detail),
					 "(signature v%u %s, key %08x %s %s)", a.version,
					 imactl_hash_name(a.hash_algo), a.keyid,
					 imactl_key_describe(a.key, kd, sizeof(kd)),
					 imactl_key_source(a.key));
			else
				snprintf(detail, sizeof(detail), "(%s hash)",
					 imactl_hash_name(a.hash_algo));
			report(c, path, 0, "OK", NULL, 0, detail);
		} else {
			bool verify_fail = r == -EKEYREJECTED || r == -ENOKEY || r == -EBADMSG ||
					   r == -ENODATA || r == -EOPNOTSUPP;
			atomic_fetch_add(verify_fail ? &c->bulk.failed : &c->bulk.errors, 1);
			snprintf(detail, sizeof(detail), "%s",
				 d.msg[0] ? d.msg : imactl_strerror(r));
			report(c, path, r, "failed", NULL, 0, detail);
		}
		return 0;
	}
	}
	return 0;
}

static void on_error(void *ud, const char *path, int err, const char *what)
{
	struct content *c = ud;
	char msg[256];

	atomic_fetch_add(&c->bulk.errors, 1);
	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(-err));
	report(c, path, err, "error", NULL, 0, msg);
}

static int load_keys(struct content *c)
{
	imactl_diag d = {0};
	int r;

	for (size_t i = 0; i < c->nproviders; i++) {
		r = imactl_ctx_load_provider(c->ctx, c->providers[i], &d);
		if (r < 0) {
			print_diag(c->prog, c->providers[i], &d, r);
			return EXIT_OPER;
		}
	}
	if (c->mode == MODE_SIGN) {
		const char *path = c->keypath ? c->keypath : "/etc/keys/privkey_evm.pem";
		c->pass.key_name = path;
		r = imactl_key_load_private(c->ctx, path, pass_callback, &c->pass, &c->key, &d);
		if (r < 0) {
			print_diag(c->prog, path, &d, r);
			return EXIT_OPER;
		}
		if (c->keyid_cert) {
			uint32_t id;
			r = imactl_cert_keyid(c->ctx, c->keyid_cert, &id, &d);
			if (r < 0) {
				print_diag(c->prog, c->keyid_cert, &d, r);
				return EXIT_OPER;
			}
			imactl_key_set_keyid(c->key, id);
		}
		if (c->keyid_set)
			imactl_key_set_keyid(c->key, c->keyid);
		if (strncmp(path, "pkcs11:", 7) == 0 && !c->keyid_set && !c->keyid_cert) {
			fprintf(stderr,
				"%s: a pkcs11: key needs --keyid or --cert to name its key id\n",
				c->prog);
			return EXIT_USAGE;
		}
	}
	if (c->mode == MODE_VERIFY) {
		if (imactl_keyring_new(&c->ring) < 0)
			return EXIT_OPER;
		for (size_t i = 0; i < c->nkeys; i++) {
			imactl_key *k;
			r = imactl_key_load_public(c->ctx, c->keys[i], &k, &d);
			if (r < 0) {
				print_diag(c->prog, c->keys[i], &d, r);
				return EXIT_OPER;
			}
			imactl_keyring_add(c->ring, k);
		}
		if (!c->nkeys && !c->nkeydirs && access("/etc/keys/ima", F_OK) == 0)
			c->keydirs[c->nkeydirs++] = "/etc/keys/ima";
		for (size_t i = 0; i < c->nkeydirs; i++) {
			size_t skipped = 0;
			r = imactl_keyring_load_dir(c->ctx, c->ring, c->keydirs[i], &skipped, &d);
			if (r < 0) {
				print_diag(c->prog, c->keydirs[i], &d, r);
				return EXIT_OPER;
			}
		}
	}
	return 0;
}

static int run(enum mode mode, int argc, char **argv)
{
	static const char *const env[] = {"IMACTL_KEY_PASSWORD", "EVMCTL_KEY_PASSWORD", NULL};
	struct content c = {
		.mode = mode,
		.prog = mode == MODE_HASH   ? "imactl hash"
			: mode == MODE_SIGN ? "imactl sign"
					    : "imactl verify",
		.algo = IMACTL_HASH_SHA256,
		.pass = {.pass_fd = -1, .env = env, .prompt = true},
	};
	const struct opt_spec *spec = mode == MODE_HASH	  ? hash_opts
				      : mode == MODE_SIGN ? sign_opts
							  : verify_opts;
	const char *usage = mode == MODE_HASH ? "[OPTIONS] PATH..."
			    : mode == MODE_SIGN
				    ? "-k KEY [OPTIONS] PATH..."
				    : "[-k CERT[,CERT...]] [--keydir DIR] [OPTIONS] PATH...";
	const char *summary =
		mode == MODE_HASH
			? "Write the kernel's security.ima hash of each file (0x04 digest-ng; 0x01 "
			  "for sha1)."
		: mode == MODE_SIGN
			? "Sign each file's content hash and write security.ima (signature v2)."
			: "Check security.ima (or FILE.sig) of each file against its content and "
			  "keys.\n"
			  "Exit status: 0 all valid, 1 a verification failed, 3 an operational "
			  "error.";
	int optind_ = 0, r, rc;

	c.pass.prog = c.prog;
	r = opts_parse(c.prog, usage, summary, spec, argc, argv, on_opt, &c, &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r)
		return r;
	if (optind_ >= argc) {
		fprintf(stderr, "%s: no file operands\nTry '%s --help'.\n", c.prog, c.prog);
		return EXIT_USAGE;
	}
	if (c.print && c.sigfile) {
		fprintf(stderr, "%s: --print and --sigfile exclude each other\n", c.prog);
		return EXIT_USAGE;
	}
	c.xattr_name = c.user ? "user.ima" : IMACTL_XATTR_IMA;
	if (imactl_ctx_new(&c.ctx, NULL) < 0)
		return EXIT_OPER;
	if (!imactl_hash_available(c.ctx, c.algo)) {
		fprintf(stderr, "%s: hash algorithm '%s' is not available in this OpenSSL\n",
			c.prog, imactl_hash_name(c.algo));
		imactl_ctx_free(c.ctx);
		return EXIT_USAGE;
	}
	rc = load_keys(&c);
	if (rc)
		goto out;

	bulk_init(&c.bulk, c.prog, "", c.quiet || c.json);
	if (c.json)
		printf("{\"command\": \"%s\", \"files\": [", mode == MODE_HASH	 ? "hash"
							     : mode == MODE_SIGN ? "sign"
										 : "verify");
	bulk_start(&c.bulk);
	r = imactl_walk((const char *const *)argv + optind_, (size_t)(argc - optind_), &c.walk,
			visit, on_error, &c);
	bulk_stop(&c.bulk);
	fflush(stdout);
	{
		double dt = now_seconds() - c.bulk.t0;
		unsigned long ok = atomic_load(&c.bulk.ok), failed = atomic_load(&c.bulk.failed),
			      errors = atomic_load(&c.bulk.errors);
		char hb[32];
		human_bytes(atomic_load(&c.bulk.bytes), hb, sizeof(hb));
		if (c.json)
			printf("\n  ],\n  \"summary\": {\"ok\": %lu, \"failed\": %lu, \"errors\": "
			       "%lu, "
			       "\"bytes\": %lu, \"seconds\": %.3f}}\n",
			       ok, failed, errors, atomic_load(&c.bulk.bytes), dt);
		else if (!c.quiet && (c.walk.recursive || argc - optind_ > 1 || failed || errors))
			fprintf(stderr, "%s: %lu %s, %lu failed, %lu errors (%s in %.2f s)\n",
				c.prog, ok,
				mode == MODE_HASH   ? "hashed"
				: mode == MODE_SIGN ? "signed"
						    : "valid",
				failed, errors, hb, dt);
		if (r < 0) {
			fprintf(stderr, "%s: %s\n", c.prog, strerror(-r));
			rc = EXIT_OPER;
		} else if (failed)
			rc = EXIT_VERIFY;
		else if (errors)
			rc = EXIT_OPER;
		else
			rc = EXIT_OK;
	}
out:
	imactl_key_free(c.key);
	imactl_keyring_free(c.ring);
	imactl_ctx_free(c.ctx);
	return rc;
}

int cmd_hash(int argc, char **argv)
{
	return run(MODE_HASH, argc, argv);
}

int cmd_sign(int argc, char **argv)
{
	return run(MODE_SIGN, argc, argv);
}

int cmd_verify(int argc, char **argv)
{
	return run(MODE_VERIFY, argc, argv);
}
