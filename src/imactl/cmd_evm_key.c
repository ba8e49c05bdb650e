/* SPDX-License-Identifier: MIT */
/*
 * imactl evm key create | open: the kernel's encrypted "evm-key" blob made
 * from (or opened to) a plaintext we know, so HMACs can be computed offline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "commands.h"
#include "common.h"
#include "opts.h"
#include "util/cleanup.h"

enum { K_KMK = 1, K_KMK_OUT, K_KEY, K_KEY_OUT, K_BLOB, K_BLOB_OUT, K_MASTER, K_LEN, K_FORCE };

static const struct opt_spec create_opts[] = {
	{K_KMK, 0, "kmk", OPT_REQ, false, "FILE", "master key (raw bytes) to seal under"},
	{K_KMK_OUT, 0, "kmk-out", OPT_REQ, false, "FILE",
	 "generate a 32-byte master key into FILE"},
	{K_KEY, 0, "key", OPT_REQ, false, "FILE", "EVM key plaintext to seal (raw bytes)"},
	{K_KEY_OUT, 0, "key-out", OPT_REQ, false, "FILE",
	 "generate the EVM key plaintext into FILE"},
	{K_BLOB_OUT, 0, "blob-out", OPT_REQ, false, "FILE",
	 "write the blob to FILE (default stdout)"},
	{K_MASTER, 0, "master", OPT_REQ, false, "DESC", "master key description (user:kmk)"},
	{K_LEN, 0, "len", OPT_REQ, false, "N", "generated EVM key length, 32 or 64 (64)"},
	{K_FORCE, 'f', "force", OPT_NOARG, false, NULL, "overwrite existing output files"},
	{0},
};

static const struct opt_spec open_opts[] = {
	{K_KMK, 0, "kmk", OPT_REQ, false, "FILE", "master key (raw bytes)"},
	{K_BLOB, 0, "blob", OPT_REQ, false, "FILE", "the blob (`keyctl pipe` output)"},
	{K_KEY_OUT, 0, "key-out", OPT_REQ, false, "FILE",
	 "write the plaintext to FILE (mode 0600)"},
	{K_FORCE, 'f', "force", OPT_NOARG, false, NULL, "overwrite an existing output file"},
	{0},
};

struct keyopts {
	const char *kmk, *kmk_out, *key, *key_out, *blob, *blob_out, *master;
	unsigned len;
	bool force;
};

static int on_opt(void *ud, int id, const char *arg)
{
	struct keyopts *k = ud;

	switch (id) {
	case K_KMK:
		k->kmk = arg;
		break;
	case K_KMK_OUT:
		k->kmk_out = arg;
		break;
	case K_KEY:
		k->key = arg;
		break;
	case K_KEY_OUT:
		k->key_out = arg;
		break;
	case K_BLOB:
		k->blob = arg;
		break;
	case K_BLOB_OUT:
		k->blob_out = arg;
		break;
	case K_MASTER:
		k->master = arg;
		break;
	case K_LEN:
		if (opts_parse_u32(arg, 10, &k->len) < 0 || (k->len != 32 && k->len != 64)) {
			fprintf(stderr, "imactl evm key: --len must be 32 or 64\n");
			return EXIT_USAGE;
		}
		break;
	case K_FORCE:
		k->force = true;
		break;
	}
	return 0;
}

/* Write a secret file all-or-nothing, mode 0600, never following a symlink. */
static int write_private(const char *path, const void *data, size_t len, bool force)
{
	size_t n = strlen(path);
	_cleanup_free_ char *tmp = malloc(n + 16);
	int fd, r = 0;

	if (!tmp)
		return -ENOMEM;
	if (!force && access(path, F_OK) == 0)
		return -EEXIST;
	snprintf(tmp, n + 16, "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

static int load_or_make(const char *in, const char *out, size_t gen_len, bool force,
			imactl_secret **ret, const char *what)
{
	imactl_diag d = {0};
	int r;

	if (in) {
		r = imactl_secret_from_file(in, 0, ret, &d);
		if (r < 0)
			print_diag("imactl evm key", in, &d, r);
		return r;
	}
	if (!out) {
		fprintf(stderr,
			"imactl evm key: give the %s (--%s FILE) or where to generate it "
			"(--%s-out FILE)\n",
			what, what, what);
		return -EINVAL;
	}
	r = imactl_secret_new(gen_len, ret);
	if (r < 0)
		return r;
	{
		uint8_t buf[64];
		if (RAND_priv_bytes(buf, (int)gen_len) != 1) {
			imactl_secret_free(*ret);
			return -EIO;
		}
		imactl_secret_free(*ret);
		r = imactl_secret_from_mem(buf, gen_len, ret);
		OPENSSL_cleanse(buf, sizeof(buf));
		if (r < 0)
			return r;
	}
	r = write_private(out, imactl_secret_data(*ret), imactl_secret_len(*ret), force);
	if (r < 0) {
		fprintf(stderr, "imactl evm key: cannot write '%s': %s%s\n", out, strerror(-r),
			r == -EEXIST ? " (use --force to replace it)" : "");
		imactl_secret_free(*ret);
		*ret = NULL;
	}
	return r;
}

static int key_create(int argc, char **argv)
{
	struct keyopts k = {.master = "user:kmk", .len = 64};
	imactl_secret *kmk = NULL, *key = NULL;
	imactl_diag d = {0};
	char *blob = NULL;
	int optind_, r, rc = EXIT_OPER;

	r = opts_parse(
		"imactl evm key create",
		"[--kmk FILE | --kmk-out FILE] [--key FILE | --key-out FILE] [--blob-out FILE]",
		"Seal an EVM key plaintext under a master key into the blob that\n"
		"`keyctl add encrypted evm-key \"load <blob>\" @u` accepts.",
		create_opts, argc, argv, on_opt, &k, &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r)
		return r;
	if (optind_ != argc) {
		fprintf(stderr, "imactl evm key create: unexpected operand '%s'\n", argv[optind_]);
		return EXIT_USAGE;
	}
	if ((k.kmk && k.kmk_out) || (k.key && k.key_out)) {
		fprintf(stderr, "imactl evm key create: give an input or an output for each key, "
				"not both\n");
		return EXIT_USAGE;
	}
	if (load_or_make(k.kmk, k.kmk_out, 32, k.force, &kmk, "kmk") < 0)
		goto out;
	if (load_or_make(k.key, k.key_out, k.len, k.force, &key, "key") < 0)
		goto out;
	r = imactl_evm_key_seal(imactl_secret_data(kmk), imactl_secret_len(kmk), k.master,
				imactl_secret_data(key), imactl_secret_len(key), NULL, &blob, &d);
	if (r < 0) {
		print_diag("imactl evm key create", "seal", &d, r);
		goto out;
	}
	if (k.blob_out) {
		size_t n = strlen(blob);
		blob[n] = '\n';
		r = write_private(k.blob_out, blob, n + 1, k.force);
		blob[n] = 0;
		if (r < 0) {
			fprintf(stderr, "imactl evm key create: cannot write '%s': %s\n",
				k.blob_out, strerror(-r));
			goto out;
		}
	} else {
		printf("%s\n", blob);
	}
	fprintf(stderr,
		"imactl evm key create: load it on the target with\n"
		"  keyctl padd user %s @u < %s\n"
		"  keyctl add encrypted evm-key \"load $(cat %s)\" @u\n"
		"and compute HMACs offline with: imactl evm hmac --hmackey %s ...\n",
		strchr(k.master, ':') + 1, k.kmk ? k.kmk : k.kmk_out,
		k.blob_out ? k.blob_out : "BLOB", k.key ? k.key : k.key_out);
	rc = EXIT_OK;
out:
	free(blob);
	imactl_secret_free(kmk);
	imactl_secret_free(key);
	return rc;
}

static int key_open(int argc, char **argv)
{
	struct keyopts k = {0};
	imactl_secret *kmk = NULL, *plain = NULL, *blob = NULL;
	imactl_diag d = {0};
	int optind_, r, rc = EXIT_OPER;

	r = opts_parse("imactl evm key open", "--kmk FILE --blob FILE --key-out FILE",
		       "Check an encrypted evm-key blob against its master key and write the\n"
		       "plaintext (the HMAC key for imactl evm hmac --hmackey).",
		       open_opts, argc, argv, on_opt, &k, &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r)
		return r;
	if (!k.kmk || !k.blob || !k.key_out || optind_ != argc) {
		fprintf(stderr, "imactl evm key open: --kmk, --blob and --key-out are required\n");
		return EXIT_USAGE;
	}
	r = imactl_secret_from_file(k.kmk, 0, &kmk, &d);
	if (r == 0)
		r = imactl_secret_from_file(k.blob, 1, &blob, &d);
	if (r < 0) {
		print_diag("imactl evm key open", d.file[0] ? d.file : k.blob, &d, r);
		goto out;
	}
	{
		/* the blob is text: NUL-terminate a copy */
		size_t n = imactl_secret_len(blob);
		_cleanup_free_ char *text = malloc(n + 1);
		if (!text)
			goto out;
		memcpy(text, imactl_secret_data(blob), n);
		text[n] = 0;
		r = imactl_evm_key_open(imactl_secret_data(kmk), imactl_secret_len(kmk), text,
					&plain, &d);
		OPENSSL_cleanse(text, n);
	}
	if (r < 0) {
		print_diag("imactl evm key open", k.blob, &d, r);
		rc = r == -EKEYREJECTED ? EXIT_VERIFY : EXIT_OPER;
		goto out;
	}
	r = write_private(k.key_out, imactl_secret_data(plain), imactl_secret_len(plain), k.force);
	if (r < 0) {
		fprintf(stderr, "imactl evm key open: cannot write '%s': %s\n", k.key_out,
			strerror(-r));
		goto out;
	}
	rc = EXIT_OK;
out:
	imactl_secret_free(kmk);
	imactl_secret_free(blob);
	imactl_secret_free(plain);
	return rc;
}

int cmd_evm_key(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "create"))
		return key_create(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "open"))
		return key_open(argc - 1, argv + 1);
	fprintf(argc >= 2 && strcmp(argv[1], "--help") ? stderr : stdout,
		"Usage: imactl evm key create|open [OPTIONS]\n"
		"  create   seal an EVM key plaintext into the kernel's encrypted-key blob\n"
		"  open     check a blob against its master key and recover the plaintext\n");
	return argc >= 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
}
