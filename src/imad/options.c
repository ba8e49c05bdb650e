/* SPDX-License-Identifier: MIT */
/*
 * imad's options and config file: one table, so that every option is also a
 * key of /etc/imad/imad.conf (KEY = VALUE; flags take yes/no) but for the
 * few that only make sense on a command line.  The command line overrides
 * the file; --watch and --allow given there replace the file's lists.
 * A bad line is an error naming the file and line, and imad does not start.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "imad.h"
#include "util/cleanup.h"

enum {
	O_FOREGROUND = 1,
	O_POLICY,
	O_BUILTIN,
	O_KEYS,
	O_MODE,
	O_WATCH,
	O_EVM_KEY,
	O_EVM_KEY_FD,
	O_EVM_FIX,
	O_RUNTIME_DIR,
	O_PCR,
	O_TEMPLATE,
	O_HASH,
	O_FAIL_OPEN,
	O_FAIL_CLOSED,
	O_DEADLINE,
	O_ALLOW,
	O_RELOAD,
	O_CACHE,
	O_WORKERS,
	O_TPM,
	O_TCTI,
	O_AUDIT,
	O_CONFIG,
	O_CHECK,
	O_STATUS,
	O_HELP,
	O_VERSION,
};

enum { A_NONE, A_REQ, A_BOOL };

struct opt {
	int id;
	const char *name; /* --name, and the config key */
	int arg;	  /* A_NONE: flag (config: yes/no); A_REQ: value; */
	int config;	  /* accepted in the config file */
	const char *metavar;
	const char *help;
};

static const struct opt opts[] = {
	{O_FOREGROUND, "foreground", A_NONE, 1, NULL,
	 "stay in the foreground, log to stderr, stop cleanly on SIGTERM/SIGINT"},
	{O_POLICY, "policy", A_REQ, 1, "FILE",
	 "IMA policy (the kernel's policy language, as written to securityfs)"},
	{O_BUILTIN, "builtin-policy", A_REQ, 1, "NAMES",
	 "builtin policy when no --policy: ima_policy= values (tcb, appraise_tcb, ...; "
	 "default tcb)"},
	{O_KEYS, "keys", A_REQ, 1, "DIR", "verification certificates (default /etc/keys/ima)"},
	{O_MODE, "mode", A_REQ, 1, "MODE", "appraisal: enforce, fix, log or off (default enforce)"},
	{O_WATCH, "watch", A_REQ, 1, "PATH", "mark the mount holding PATH (repeatable; required)"},
	{O_EVM_KEY, "evm-key", A_REQ, 1, "FILE",
	 "EVM HMAC key plaintext (the evm-key's); enables EVM verification"},
	/* an fd is the invoker's, not a setting: command line only */
	{O_EVM_KEY_FD, "evm-key-fd", A_REQ, 0, "N",
	 "the same key read from inherited fd N (a pipe or file; closed after)"},
	{O_EVM_FIX, "evm-fix", A_NONE, 1, NULL, "evm=fix: fix mode may replace a failing HMAC"},
	{O_RUNTIME_DIR, "runtime-dir", A_REQ, 1, "DIR",
	 "measurement list, counters, policy, status (default /run/imad)"},
	{O_PCR, "pcr", A_REQ, 1, "N",
	 "default PCR of the measurement list (default 10, or 11 when kernel IMA is active)"},
	{O_TEMPLATE, "template", A_REQ, 1, "NAME", "default measurement template (default ima-ng)"},
	{O_HASH, "hash", A_REQ, 1, "ALGO", "ima_hash: default content hash (default sha256)"},
	{O_FAIL_OPEN, "fail-open", A_NONE, 1, NULL, "allow an event whose deadline passes"},
	{O_FAIL_CLOSED, "fail-closed", A_NONE, 1, NULL,
	 "deny an event whose deadline passes (default)"},
	{O_DEADLINE, "deadline-ms", A_REQ, 1, "MS", "per-event deadline (default 10000)"},
	{O_ALLOW, "allow", A_REQ, 1, "PATH",
	 "break-glass: never deny PATH or files under it (logged; repeatable)"},
	{O_RELOAD, "reload", A_NONE, 1, NULL,
	 "SIGHUP may replace the policy (else write-once, as the kernel's default)"},
	{O_CACHE, "cache-entries", A_REQ, 1, "N", "cache size (default 65536)"},
	{O_WORKERS, "workers", A_REQ, 1, "N", "worker threads (default: one per CPU)"},
	{O_TPM, "tpm", A_NONE, 1, NULL, "extend each entry's PCR of every TPM bank too (tpm2-tss)"},
	{O_TCTI, "tcti", A_REQ, 1, "STRING",
	 "TPM transport for --tpm: device:PATH, swtpm:host=H,port=P, ... (default "
	 "/dev/tpmrm0, then /dev/tpm0)"},
	{O_AUDIT, "audit", A_REQ, 1, "WHEN",
	 "integrity records also to the audit subsystem (libaudit) and FAN_AUDIT on denials: "
	 "auto, on (required) or off (default auto)"},
	{O_CONFIG, "config", A_REQ, 0, "FILE", "config file (default /etc/imad/imad.conf)"},
	{O_CHECK, "check-config", A_NONE, 0, NULL,
	 "check the configuration and policy, report unenforced hooks, exit"},
	{O_STATUS, "status", A_NONE, 0, NULL, "print the running daemon's counters and exit"},
	{O_HELP, "help", A_NONE, 0, NULL, "this help"},
	{O_VERSION, "version", A_NONE, 0, NULL, "print the version"},
	{0, NULL, 0, 0, NULL, NULL},
};

const char *imad_mode_name(int mode)
{
	static const char *const n[] = {"off", "enforce", "fix", "log"};

	return mode >= 0 && mode < 4 ? n[mode] : "?";
}

int imad_mode_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, imad_mode_name(i)) == 0)
			return i;
	return -EINVAL;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: imad [--foreground] --watch PATH... [OPTIONS]\n"
		   "IMA/EVM measurement and appraisal on fanotify permission events.\n\n");
	for (const struct opt *o = opts; o->id; o++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->metavar ? " " : "",
			 o->metavar ? o->metavar : "");
		fprintf(f, "  %-26s %s\n", left, o->help);
	}
	fprintf(f, "\nEvery option except --config, --check-config, --status, --help and --version "
		   "is also a key of the config file (KEY = VALUE; flags take yes/no).\n");
}

static int parse_uint(const char *s, unsigned int max, unsigned int *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*ret = (unsigned int)v;
	return 0;
}

static int parse_bool(const char *s)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "on"))
		return 1;
	if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "off"))
		return 0;
	return -EINVAL;
}

static int set_str(char **dst, const char *v)
{
	char *n = strdup(v);

	if (!n)
		return -ENOMEM;
	free(*dst);
	*dst = n;
	return 0;
}

static int list_add(char **list, size_t *n, const char *v, const char *what)
{
	if (*n >= IMAD_LIST_MAX) {
		fprintf(stderr, "imad: more than %d %s entries\n", IMAD_LIST_MAX, what);
		return -EMSGSIZE;
	}
	list[*n] = strdup(v);
	if (!list[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Apply one option or config key.  @on is the flag's value (config "no" gives 0). */
static int apply(struct imad_config *c, const struct opt *o, const char *v, int on)
{
	unsigned int u;
	int r;

	switch (o->id) {
	case O_FOREGROUND:
		c->foreground = on;
		return 0;
	case O_POLICY:
		return set_str(&c->policy_file, v);
	case O_BUILTIN:
		return set_str(&c->builtin_policy, v);
	case O_KEYS:
		return set_str(&c->keys_dir, v);
	case O_MODE:
		r = imad_mode_parse(v);
		if (r < 0)
			goto bad;
		c->mode = r;
		return 0;
	case O_WATCH:
		return list_add(c->watch, &c->n_watch, v, "watch");
	case O_EVM_KEY:
		return set_str(&c->evm_key_file, v);
	case O_EVM_KEY_FD:
		if (parse_uint(v, INT_MAX, &u) < 0 || u < 3)
			goto bad; /* 0..2 are stdio, never a key */
		c->evm_key_fd = (int)u;
		return 0;
	case O_EVM_FIX:
		c->evm_fix = on;
		return 0;
	case O_RUNTIME_DIR:
		return set_str(&c->runtime_dir, v);
	case O_PCR:
		if (parse_uint(v, 23, &u) < 0)
			goto bad;
		c->pcr = (int)u;
		return 0;
	case O_TEMPLATE:
		return set_str(&c->template_name, v);
	case O_HASH:
		return set_str(&c->hash_name, v);
	case O_FAIL_OPEN:
		c->fail_open = on;
		return 0;
	case O_FAIL_CLOSED:
		c->fail_open = !on;
		return 0;
	case O_DEADLINE:
		if (parse_uint(v, 3600000, &u) < 0 || u < 10)
			goto bad;
		c->deadline_ms = u;
		return 0;
	case O_ALLOW: {
		char real[PATH_MAX];
		if (!realpath(v, real)) {
			fprintf(stderr, "imad: --allow '%s': %m\n", v);
			return -EINVAL;
		}
		return list_add(c->allow, &c->n_allow, real, "allow");
	}
	case O_RELOAD:
		c->reload = on;
		return 0;
	case O_CACHE:
		if (parse_uint(v, 1u << 26, &u) < 0)
			goto bad;
		c->cache_entries = u;
		return 0;
	case O_WORKERS:
		if (parse_uint(v, 16, &u) < 0 || !u)
			goto bad;
		c->workers = u;
		return 0;
	case O_TPM:
		c->tpm = on;
		return 0;
	case O_TCTI:
		return set_str(&c->tcti, v);
	case O_AUDIT:
		if (!strcmp(v, "auto")) {
			c->audit = IMAD_AUDIT_AUTO;
			return 0;
		}
		r = parse_bool(v);
		if (r < 0)
			goto bad;
		c->audit = r ? IMAD_AUDIT_ON : IMAD_AUDIT_OFF;
		return 0;
	default:
		return 0;
	}
bad:
	fprintf(stderr, "imad: invalid value '%s' for %s\n", v, o->name);
	return -EINVAL;
}

static const struct opt *find_opt(const char *name)
{
	for (const struct opt *o = opts; o->id; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

#define CONFIG_LINE_MAX 4096
#define CONFIG_FILE_MAX (1 << 20)

/* One KEY = VALUE line (NUL-terminated, comment and newline still in it). */
static int config_line(struct imad_config *c, const char *name, unsigned int lineno, char *line)
{
	char *k = line, *v, *e;
	const struct opt *o;

	line[strcspn(line, "#\n")] = '\0';
	while (*k == ' ' || *k == '\t')
		k++;
	if (!*k)
		return 0;
	v = strchr(k, '=');
	if (!v) {
		fprintf(stderr, "imad: %s:%u: expected KEY = VALUE\n", name, lineno);
		return -EINVAL;
	}
	*v++ = '\0';
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r');)
		*--e = '\0';
	for (e = k + strlen(k); e > k && (e[-1] == ' ' || e[-1] == '\t');)
		*--e = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	o = find_opt(k);
	if (!o || !o->config) {
		fprintf(stderr, "imad: %s:%u: unknown key '%s'\n", name, lineno, k);
		return -EINVAL;
	}
	if (o->arg == A_NONE) {
		int b = parse_bool(v);
		if (b < 0) {
			fprintf(stderr, "imad: %s:%u: %s takes yes or no\n", name, lineno, k);
			return -EINVAL;
		}
		if (apply(c, o, v, b) < 0)
			return -EINVAL;
	} else if (o->id == O_WATCH || o->id == O_ALLOW) {
		char *save = NULL;
		for (char *w = strtok_r(v, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
			if (apply(c, o, w, 1) < 0) {
				fprintf(stderr, "imad: %s:%u: bad value for %s\n", name, lineno, k);
				return -EINVAL;
			}
	} else if (apply(c, o, v, 1) < 0) {
		fprintf(stderr, "imad: %s:%u: bad value for %s\n", name, lineno, k);
		return -EINVAL;
	}
	return 0;
}

int imad_config_parse_text(struct imad_config *c, const char *name, const char *text, size_t len)
{
	char line[CONFIG_LINE_MAX];
	unsigned int lineno = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		int r;

		lineno++;
		if (l >= sizeof(line)) {
			fprintf(stderr, "imad: %s:%u: line longer than %d bytes\n", name, lineno,
				CONFIG_LINE_MAX - 1);
			return -EINVAL;
		}
		if (memchr(text + pos, '\0', l)) {
			fprintf(stderr, "imad: %s:%u: NUL byte in the line\n", name, lineno);
			return -EINVAL;
		}
		memcpy(line, text + pos, l);
		line[l] = '\0';
		r = config_line(c, name, lineno, line);
		if (r < 0)
			return r;
		pos += l + (nl ? 1 : 0);
	}
	return 0;
}

/* The config file: KEY = VALUE lines, '#' comments; list keys may repeat or hold several words. */
static int load_config(struct imad_config *c, const char *path, int must_exist)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		fprintf(stderr, "imad: cannot open config '%s': %m\n", path);
		return -errno;
	}
	text = malloc(CONFIG_FILE_MAX + 1);
	if (!text)
		return -ENOMEM;
	len = fread(text, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "imad: cannot read config '%s': %m\n", path);
		return -EIO;
	}
	if (len > CONFIG_FILE_MAX) {
		fprintf(stderr, "imad: config '%s': larger than %d bytes\n", path, CONFIG_FILE_MAX);
		return -EFBIG;
	}
	return imad_config_parse_text(c, path, text, len);
}

static void free_list(char **list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free(list[i]);
	*n = 0;
}

int imad_config_parse_args(struct imad_config *c, int argc, char **argv, int *ret_exit)
{
	struct option lo[ELEMENTSOF(opts)];
	const char *config = NULL;
	int watch_from_cli = 0, allow_from_cli = 0, n = 0, ch, idx;

	for (const struct opt *o = opts; o->id; o++)
		lo[n++] = (struct option){
			o->name, o->arg == A_REQ ? required_argument : no_argument, NULL, o->id};
	lo[n] = (struct option){0};

	/* pass 1: --config, so the command line overrides the file */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, &idx)) != -1)
		if (ch == O_CONFIG)
			config = optarg;
	if (load_config(c, config ? config : IMAD_DEFAULT_CONFIG, config != NULL) < 0) {
		*ret_exit = 2;
		return -EINVAL;
	}

	optind = 1;
	opterr = 1;
	while ((ch = getopt_long(argc, argv, "", lo, &idx)) != -1) {
		const struct opt *o = NULL;
		if (ch == '?') {
			*ret_exit = 2;
			return -EINVAL;
		}
		for (const struct opt *p = opts; p->id; p++)
			if (p->id == ch)
				o = p;
		switch (ch) {
		case O_HELP:
			usage(stdout);
			*ret_exit = 0;
			return 1;
		case O_VERSION:
			printf("imad %s\n", IMACTL_VERSION);
			*ret_exit = 0;
			return 1;
		case O_CONFIG:
			continue;
		case O_CHECK:
			c->check_config = 1;
			continue;
		case O_STATUS:
			c->check_config = 2;
			continue;
		case O_WATCH:
			if (!watch_from_cli++)
				free_list(c->watch, &c->n_watch);
			break;
		case O_ALLOW:
			if (!allow_from_cli++)
				free_list(c->allow, &c->n_allow);
			break;
		}
		if (apply(c, o, optarg, 1) < 0) {
			*ret_exit = 2;
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "imad: unexpected argument '%s'\n", argv[optind]);
		*ret_exit = 2;
		return -EINVAL;
	}
	return 0;
}

void imad_config_free(struct imad_config *c)
{
	free(c->config_file);
	free(c->policy_file);
	free(c->builtin_policy);
	free(c->keys_dir);
	free(c->evm_key_file);
	free(c->runtime_dir);
	free(c->template_name);
	free(c->hash_name);
	free(c->tcti);
	free_list(c->watch, &c->n_watch);
	free_list(c->allow, &c->n_allow);
}

void imad_config_init(struct imad_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = IMAD_MODE_ENFORCE;
	c->pcr = -1;
	c->evm_key_fd = -1;
	c->deadline_ms = IMAD_DEFAULT_DEADLINE;
	c->cache_entries = IMAD_DEFAULT_CACHE;
}

int imad_config_defaults(struct imad_config *c)
{
	if ((!c->keys_dir && set_str(&c->keys_dir, IMAD_DEFAULT_KEYS) < 0) ||
	    (!c->runtime_dir && set_str(&c->runtime_dir, IMAD_DEFAULT_RUNDIR) < 0) ||
	    (!c->template_name && set_str(&c->template_name, "ima-ng") < 0) ||
	    (!c->hash_name && set_str(&c->hash_name, "sha256") < 0))
		return -ENOMEM;
	return 0;
}
