/* SPDX-License-Identifier: MIT */
/* Shared by the imactl commands and the evmctl personality: secrets, keys, bulk runs. */
#ifndef IMACTL_COMMON_H
#define IMACTL_COMMON_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>

#include "imactl/imactl.h"
#include "util/cleanup.h"

/* Where a passphrase may come from, tried in this order; the prompt last. */
struct pass_opts {
	const char *prog;	/* for messages */
	const char *pass_file;	/* --pass-file */
	int pass_fd;		/* --pass-fd, -1 when unset */
	const char *pass_arg;	/* -pSECRET / --pass=SECRET (compat; warned about) */
	bool prompt;		/* -p without value, or a terminal is available */
	const char *const *env; /* environment variable names, NULL-terminated */
	const char *key_name;	/* for the prompt */
};

/* imactl_pass_cb implementation over struct pass_opts. */
int pass_callback(char *buf, size_t cap, void *userdata);

/*
 * Append @arg to an option's bounded list (@list holds @max): 0, or
 * EXIT_USAGE after "PROG: too many --OPT (at most MAX)" on stderr.
 */
int opt_push(const char *prog, const char *opt, const char **list, size_t *n, size_t max,
	     const char *arg);
#define OPT_PUSH(prog, opt, arr, n, arg) opt_push(prog, opt, arr, &(n), ELEMENTSOF(arr), arg)
/* The same for a comma-separated @arg, split in place ("--key a.pem,b.pem"). */
int opt_push_split(const char *prog, const char *opt, const char **list, size_t *n, size_t max,
		   char *arg);

/* @arg as a hash the TPM has a bank for: its id, or -1 after "PROG: 'ARG' is not WHAT". */
int opt_tpm_hash(const char *prog, const char *arg, const char *what);

/* "-h", "--help" or "help": a sub-command dispatcher's own usage. */
bool is_help_word(const char *s);

/* Print "prog: msg" for a diag to stderr (file position when known). */
void print_diag(const char *prog, const char *what, const imactl_diag *d, int r);

/* Bulk-run bookkeeping: counters, progress line on a terminal, one output lock. */
struct bulk {
	const char *prog;
	const char *verb; /* "hashed", "signed", "verified" */
	atomic_ulong ok, failed, errors, bytes;
	pthread_mutex_t out_lock;
	bool progress; /* stderr is a terminal and not quiet */
	bool progress_line_shown;
	atomic_bool stop;
	pthread_t progress_thread;
	bool thread_running;
	double t0;
	bool json_first; /* no JSON file object printed yet */
};

/* How per-file results are printed (text or JSON), shared by the bulk commands. */
struct report_opts {
	const char *prog;
	bool json;    /* one JSON object per file, in a "files" array */
	bool print;   /* -n: "VALUE PATH" lines on stdout */
	bool verbose; /* a line per file */
	bool show_ok; /* a line per successful file even without verbose */
};

/* Report one file's outcome (r < 0: failure, detail on stderr), under the output lock. */
void bulk_report(struct bulk *b, const struct report_opts *o, const char *path, int r,
		 const char *status, const uint8_t *value, size_t vlen, const char *detail);

void bulk_init(struct bulk *b, const char *prog, const char *verb, bool quiet);
void bulk_start(struct bulk *b);
void bulk_stop(struct bulk *b);
/* Take the output lock, clearing the progress line first. */
void bulk_lock(struct bulk *b);
void bulk_unlock(struct bulk *b);
double now_seconds(void);
/* "1.2 GB" */
void human_bytes(unsigned long long n, char *buf, size_t cap);

/* JSON string output with escaping. */
void json_str(FILE *f, const char *s);

/* Hex of a value. */
void print_hex(FILE *f, const uint8_t *p, size_t len);

/* Parse a hex key id ("1234abcd", with or without 0x); 0 or -EINVAL. */
int parse_keyid(const char *s, uint32_t *ret);

/* Write PATH.sig all-or-nothing (temporary file + rename); 0 or -errno. */
int write_sigfile_atomic(const char *path, const uint8_t *v, size_t len);
/* Read a small file whole into buf; length, -EMSGSIZE when larger than cap, or -errno. */
long read_small_file(const char *path, uint8_t *buf, size_t cap);

#endif
