/* SPDX-License-Identifier: MIT */
/*
 * Option spec tables: each command declares its options once; the same table
 * drives parsing (getopt_long), --help text and duplicate detection.
 */
#ifndef IMACTL_OPTS_H
#define IMACTL_OPTS_H

#include <stdbool.h>
#include <stdio.h>

enum opt_arg {
	OPT_NOARG = 0,
	OPT_REQ = 1, /* --name VALUE or --name=VALUE */
	OPT_OPT = 2, /* --name[=VALUE] (value must be glued) */
};

struct opt_spec {
	int id;		/* > 0, unique in the table; returned to the callback */
	char shortname; /* 0 for none */
	const char *longname;
	enum opt_arg arg;
	bool repeatable;     /* may appear more than once */
	const char *metavar; /* for help, e.g. "FILE" */
	const char *help;
};

/* Exit codes of imactl, fixed and documented in docs/imactl.1.md. */
enum {
	EXIT_OK = 0,
	EXIT_VERIFY = 1, /* a verification failed */
	EXIT_USAGE = 2,	 /* bad command line */
	EXIT_OPER = 3,	 /* operational error: I/O, key, internal */
};

/*
 * Parse argv against a NULL-terminated spec (terminated by an entry with id 0).
 * cb is called for every option in order; it returns 0 or an exit code.  On
 * success *ret_optind is the first operand.  "-h/--help" prints the generated
 * help (usage + summary + options) and returns -1 so the caller exits 0.
 */
typedef int (*opt_cb)(void *userdata, int id, const char *arg);
int opts_parse(const char *prog, const char *usage, const char *summary,
	       const struct opt_spec *spec, int argc, char **argv, opt_cb cb, void *userdata,
	       int *ret_optind);
void opts_help(FILE *f, const char *prog, const char *usage, const char *summary,
	       const struct opt_spec *spec);

/* Numeric argument parsing with a clear error on junk; 0 or -EINVAL. */
int opts_parse_u32(const char *s, int base, unsigned int *ret);
int opts_parse_u64(const char *s, int base, unsigned long long *ret);

#endif
