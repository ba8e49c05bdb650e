/* SPDX-License-Identifier: MIT */
/* The evmctl personality: option state and command entry points. */
#ifndef IMACTL_EVMCTL_H
#define IMACTL_EVMCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "../imactl/common.h"
#include "../imactl/evm_opts.h"

/* evmctl's exit codes: 0 ok, 1 verification failed, 125 any other error. */
#define EVMCTL_EXIT_OK	   0
#define EVMCTL_EXIT_VERIFY 1
#define EVMCTL_EXIT_ERR	   125

struct evmctl {
	int verbose;
	const char *hash_algo; /* -a, default sha256 */
	int algo;
	bool sigfile;	     /* -f/--sigfile */
	bool xattr_user;     /* --xattr-user */
	bool rsa;	     /* --rsa: signature v1 */
	const char *keyfile; /* -k */
	bool keyid_set;
	uint32_t keyid;		 /* --keyid */
	const char *keyid_cert;	 /* --keyid-from-cert */
	bool print_only;	 /* -n */
	bool recursive;		 /* -r */
	bool xdev;		 /* -t m */
	bool skip_both;		 /* -t x */
	bool veritysig;		 /* --veritysig */
	bool imahash, imasig;	 /* sign -d / -s */
	bool portable;		 /* -o */
	bool immutable_v3;	 /* -i (evmctl's undocumented "version 3" header) */
	bool uid_given;		 /* --uid */
	const char *hmackey;	 /* --hmackey */
	struct evm_overrides ov; /* EVM metadata overrides */
	const char *providers[8];
	int nproviders;
	struct pass_opts pass;
	imactl_walk_opts walk; /* filters for -r (our extension) */
	int jobs;
	/* ima_measurement / ima_boot_aggregate (issue 5) */
	bool ignore_violations; /* --ignore-violations */
	bool verify_sig;	/* --verify-sig */
	bool verify_bank;	/* --verify-bank[=algo] */
	const char *verify_bank_algo;
	bool hwtpm;	     /* --hwtpm */
	const char *pcrs[8]; /* --pcrs [algo,]file, repeatable */
	int npcrs;
	char **args; /* operands after the command */
	int nargs;
	imactl_ctx *ctx;
};

/* compat_opts.c */
int evmctl_parse(struct evmctl *e, int argc, char **argv, const char **ret_cmd);
void evmctl_usage(void);

/* cmd_measurement.c */
int evmctl_cmd_ima_measurement(struct evmctl *e);
int evmctl_cmd_ima_boot_aggregate(struct evmctl *e);

#endif
