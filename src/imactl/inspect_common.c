/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "inspect_common.h"
#include "opts.h"
#include "util/cleanup.h"

int keyopts_add_keys(struct keyopts *k, const char *prog, char *arg)
{
	return opt_push_split(prog, "key", k->keys, &k->nkeys, ELEMENTSOF(k->keys), arg);
}

int keyopts_add_dir(struct keyopts *k, const char *prog, const char *dir)
{
	return OPT_PUSH(prog, "keydir", k->keydirs, k->nkeydirs, dir);
}

int keyopts_load(struct keyopts *k, imactl_ctx *ctx, const char *prog)
{
	imactl_diag d = {0};
	int r;

	if (k->nkeys || k->nkeydirs) {
		if (imactl_keyring_new(&k->ring) < 0)
			return EXIT_OPER;
	}
	for (size_t i = 0; i < k->nkeys; i++) {
		imactl_key *key = NULL;
		r = imactl_key_load_public(ctx, k->keys[i], &key, &d);
		if (r < 0) {
			print_diag(prog, k->keys[i], &d, r);
			return EXIT_OPER;
		}
		if (imactl_keyring_add(k->ring, key) < 0) {
			imactl_key_free(key);
			return EXIT_OPER;
		}
	}
	for (size_t i = 0; i < k->nkeydirs; i++) {
		size_t skipped = 0;
		r = imactl_keyring_load_dir(ctx, k->ring, k->keydirs[i], &skipped, &d);
		if (r < 0) {
			print_diag(prog, k->keydirs[i], &d, r);
			return EXIT_OPER;
		}
	}
	if (k->hmackey_path) {
		r = imactl_secret_from_file(k->hmackey_path, 0, &k->hmackey, &d);
		if (r < 0) {
			print_diag(prog, k->hmackey_path, &d, r);
			return EXIT_OPER;
		}
	}
	return 0;
}

void keyopts_free(struct keyopts *k)
{
	imactl_keyring_free(k->ring);
	imactl_secret_free(k->hmackey);
	k->ring = NULL;
	k->hmackey = NULL;
}

void key_label(const imactl_key *key, char *buf, size_t cap)
{
	char desc[64];

	snprintf(buf, cap, "%s (%s)", imactl_key_source(key) ? imactl_key_source(key) : "?",
		 imactl_key_describe(key, desc, sizeof(desc)));
}

void print_hex_blocks(FILE *f, const uint8_t *p, size_t len, int indent, size_t base)
{
	for (size_t i = 0; i < len; i += 32) {
		fprintf(f, "%*s%5zu ", indent, "", base + i);
		for (size_t j = i; j < len && j < i + 32; j++)
			fprintf(f, "%s%02x", (j % 4 == 0) ? " " : "", p[j]);
		fputc('\n', f);
	}
}

long read_stream(FILE *in, uint8_t *buf, size_t cap)
{
	size_t n = 0;

	for (;;) {
		size_t k = fread(buf + n, 1, cap - n, in);
		n += k;
		if (k == 0)
			break;
		if (n == cap) {
			int c = fgetc(in);
			if (c != EOF)
				return -EMSGSIZE;
			break;
		}
	}
	if (ferror(in))
		return -EIO;
	return (long)n;
}
