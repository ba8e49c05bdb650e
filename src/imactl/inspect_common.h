/* SPDX-License-Identifier: MIT */
/* Shared by imactl inspect, imactl explain and the ima_inspect personality. */
#ifndef IMACTL_INSPECT_COMMON_H
#define IMACTL_INSPECT_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "imactl/imactl.h"
#include "imactl/inspect.h"

/* Verification material named on the command line. */
struct keyopts {
	const char *keys[64]; /* --key/--cert, comma lists split */
	size_t nkeys;
	const char *keydirs[16];
	size_t nkeydirs;
	const char *hmackey_path; /* --hmackey FILE */
	imactl_keyring *ring;	  /* NULL when no key was named */
	imactl_secret *hmackey;
};

/* Add a --key/--cert argument (comma-separated); 0 or EXIT_USAGE. */
int keyopts_add_keys(struct keyopts *k, const char *prog, char *arg);
/* Add a --keydir; 0 or EXIT_USAGE. */
int keyopts_add_dir(struct keyopts *k, const char *prog, const char *dir);
/* Load what was named; 0 or EXIT_OPER (message printed). */
int keyopts_load(struct keyopts *k, imactl_ctx *ctx, const char *prog);
void keyopts_free(struct keyopts *k);
/* A short description of the certificate that holds @key: "FILE (RSA-2048)". */
void key_label(const imactl_key *key, char *buf, size_t cap);

/*
 * Hex in readable blocks: 4-byte groups, 32 bytes a line, each line starting
 * with @indent spaces and the decimal offset of its first byte (+@base).
 */
void print_hex_blocks(FILE *f, const uint8_t *p, size_t len, int indent, size_t base);

/* Read all of a stream (up to @cap bytes); length, -EMSGSIZE or -errno. */
long read_stream(FILE *in, uint8_t *buf, size_t cap);

#endif
