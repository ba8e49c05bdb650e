/* SPDX-License-Identifier: MIT */
/*
 * imactl status: what the running imad reports about itself.  imad rewrites
 * <runtime-dir>/status (KEY: VALUE lines, temp file + rename) once a second
 * from its main loop; this command reads that file, checks that the pid it
 * names is alive and is imad, and prints the mode, the policy and its hash,
 * the counters with the cache hit rate, the measurement count and the hooks
 * imad cannot enforce.  Exit 0 running; 3 when no imad runs there (no
 * status file, state "stopped", or its pid gone); 2 usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "opts.h"
#include "status_file.h"
#include "util/cleanup.h"

#define STATUS_DEFAULT_DIR "/run/imad"

enum { SO_JSON = 1, SO_RUNDIR };

struct sargs {
	bool json;
	const char *dir;
};

static int on_opt(void *ud, int id, const char *arg)
{
	struct sargs *a = ud;

	if (id == SO_JSON)
		a->json = true;
	else if (id == SO_RUNDIR)
		a->dir = arg;
	return 0;
}

static const struct opt_spec status_opts[] = {
	{SO_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output (one JSON object)"},
	{SO_RUNDIR, 0, "runtime-dir", OPT_REQ, false, "DIR",
	 "imad's runtime directory (default /run/imad)"},
	{0},
};

static const char *get(const struct status *s, const char *key)
{
	return status_get(s, key);
}

static const char *getd(const struct status *s, const char *key)
{
	const char *v = get(s, key);

	return v ? v : "-";
}

/* The pid is alive and is imad (its comm, when /proc says). */
static bool imad_alive(const char *pidstr)
{
	char path[64], comm[32] = "";
	unsigned int pid;
	FILE *f;

	if (opts_parse_u32(pidstr, 10, &pid) < 0 || pid == 0)
		return false;
	if (kill((pid_t)pid, 0) < 0 && errno != EPERM)
		return false;
	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return true; /* no /proc here: kill() said it exists */
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, "imad") == 0;
}

static bool is_number(const char *v)
{
	const char *p = v;
	bool dot = false;

	if (!*p)
		return false;
	if (*p == '0' && p[1] && p[1] != '.')
		return false; /* JSON has no leading zeros (and "0x.." is text) */
	for (; *p; p++) {
		if (*p == '.' && !dot && p != v && p[1])
			dot = true;
		else if (*p < '0' || *p > '9')
			return false;
	}
	return true;
}

static void print_json(const struct status *s, const char *dir)
{
	char *hooks = NULL;

	printf("{\"running\":true,\"runtime_dir\":");
	json_str(stdout, dir);
	for (size_t i = 0; i < s->n; i++) {
		const struct status_kv *kv = &s->kv[i];

		if (strcmp(kv->k, "unenforced_hooks") == 0) {
			hooks = kv->v;
			continue;
		}
		putchar(',');
		json_str(stdout, kv->k);
		putchar(':');
		if (is_number(kv->v))
			fputs(kv->v, stdout);
		else
			json_str(stdout, kv->v);
	}
	printf(",\"unenforced_hooks\":[");
	if (hooks) {
		char *save = NULL, *dup = strdup(hooks);
		bool first = true;

		for (char *h = dup ? strtok_r(dup, " ", &save) : NULL; h;
		     h = strtok_r(NULL, " ", &save)) {
			if (!first)
				putchar(',');
			first = false;
			json_str(stdout, h);
		}
		free(dup);
	}
	printf("]}\n");
}

static void print_text(const struct status *s, const char *dir)
{
	const char *hits = getd(s, "cache_hits"), *miss = getd(s, "cache_misses");
	const char *rate = get(s, "cache_hit_rate");

	printf("imad:             running, pid %s (runtime directory %s)\n", getd(s, "pid"), dir);
	printf("mode:             %s (deadline %s ms, fail-%s)\n", getd(s, "mode"),
	       getd(s, "deadline_ms"), getd(s, "fail"));
	printf("policy:           %s (generation %s)\n", getd(s, "policy"),
	       getd(s, "policy_generation"));
	printf("policy sha256:    %s\n", getd(s, "policy_sha256"));
	printf("events:           %s (allowed %s, denied %s, own pid %s, deadline expired %s)\n",
	       getd(s, "events"), getd(s, "allowed"), getd(s, "denied"), getd(s, "own_pid"),
	       getd(s, "deadline_expired"));
	printf("cache:            %s hits, %s misses, hit rate %.1f%% (%s entries)\n", hits, miss,
	       rate ? strtod(rate, NULL) * 100.0 : 0.0, getd(s, "cache_entries"));
	printf("hashed:           %s  appraised: %s  fixed: %s  errors: %s\n", getd(s, "hashed"),
	       getd(s, "appraised"), getd(s, "fixed"), getd(s, "errors"));
	printf("measurements:     %s in the list (violations %s), pcrs %s (default pcr %s, "
	       "template %s), tpm %s\n",
	       getd(s, "measurements"), getd(s, "violations"), getd(s, "pcrs"), getd(s, "pcr"),
	       getd(s, "template"), getd(s, "tpm"));
	printf("unenforced hooks: %s\n", getd(s, "unenforced_hooks"));
}

int cmd_status(int argc, char **argv)
{
	struct sargs a = {.dir = STATUS_DEFAULT_DIR};
	struct status s = {0};
	_cleanup_free_ char *text = NULL;
	char path[4096];
	int r, optind_ = 0;
	FILE *f;
	long len;

	r = opts_parse("imactl status", "[--json] [--runtime-dir DIR]",
		       "State and counters of the running imad (from DIR/status).", status_opts,
		       argc, argv, on_opt, &a, &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r > 0)
		return r;
	if (optind_ < argc) {
		fprintf(stderr, "imactl status: unexpected argument '%s'\n", argv[optind_]);
		return EXIT_USAGE;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/status", a.dir) >= sizeof(path)) {
		fprintf(stderr, "imactl status: runtime directory name too long\n");
		return EXIT_USAGE;
	}
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "imactl status: no imad running: cannot read '%s': %m\n", path);
		return EXIT_OPER;
	}
	text = calloc(1, 65536);
	len = text ? (long)fread(text, 1, 65535, f) : -1;
	fclose(f);
	if (len <= 0 || status_parse(&s, text) < 0) {
		fprintf(stderr, "imactl status: '%s' is not an imad status file\n", path);
		return EXIT_OPER;
	}
	if (strcmp(get(&s, "state"), "running") != 0) {
		fprintf(stderr, "imactl status: no imad running: '%s' says state %s (pid %s)\n",
			path, get(&s, "state"), get(&s, "pid"));
		return EXIT_OPER;
	}
	if (!imad_alive(get(&s, "pid"))) {
		fprintf(stderr,
			"imactl status: no imad running: '%s' names pid %s, which is gone "
			"(imad was killed: the file is stale)\n",
			path, get(&s, "pid"));
		return EXIT_OPER;
	}
	if (a.json)
		print_json(&s, a.dir);
	else
		print_text(&s, a.dir);
	return EXIT_OK;
}
