/* SPDX-License-Identifier: MIT */
/*
 * imactl golden record|from-log|show and imactl log check: golden lists
 * (keylime runtime policies) recorded at provisioning, and the check of a
 * measurement list against one.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "goldencheck.h"
#include "imactl/golden.h"
#include "logcheck.h"
#include "opts.h"
#include "util/cleanup.h"

#define MAX_EXCLUDES 64

enum {
	GO_RECURSIVE = 1,
	GO_ALGO,
	GO_OUTPUT,
	GO_STRIP,
	GO_XDEV,
	GO_JOBS,
	GO_EXCLUDE,
	GO_JSON,
	GO_GOLDEN,
	GO_DIGEST_ALGO,
	GO_IGNORE_VIOLATIONS,
	GO_MERGE,
};

struct gargs {
	const char *prog;
	bool recursive, xdev, json, ignore_violations;
	int algo, digest_algo, jobs;
	const char *output, *strip, *golden, *merge;
	const char *excludes[MAX_EXCLUDES];
	size_t nexcludes;
};

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_golden *, imactl_golden_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_ctx *, imactl_ctx_free)

static int on_opt(void *ud, int id, const char *arg)
{
	struct gargs *a = ud;
	unsigned int v;
	int algo;

	switch (id) {
	case GO_RECURSIVE:
		a->recursive = true;
		break;
	case GO_ALGO:
	case GO_DIGEST_ALGO:
		algo = imactl_hash_from_name(arg);
		if (algo < 0) {
			fprintf(stderr, "%s: unknown hash algorithm '%s'\n", a->prog, arg);
			return EXIT_USAGE;
		}
		if (id == GO_ALGO)
			a->algo = algo;
		else
			a->digest_algo = algo;
		break;
	case GO_OUTPUT:
		a->output = arg;
		break;
	case GO_STRIP:
		a->strip = arg;
		break;
	case GO_XDEV:
		a->xdev = true;
		break;
	case GO_JOBS:
		if (opts_parse_u32(arg, 10, &v) < 0 || v > 1024) {
			fprintf(stderr, "%s: bad --jobs '%s'\n", a->prog, arg);
			return EXIT_USAGE;
		}
		a->jobs = (int)v;
		break;
	case GO_EXCLUDE:
		return OPT_PUSH(a->prog, "exclude", a->excludes, a->nexcludes, arg);
	case GO_JSON:
		a->json = true;
		break;
	case GO_GOLDEN:
		a->golden = arg;
		break;
	case GO_IGNORE_VIOLATIONS:
		a->ignore_violations = true;
		break;
	case GO_MERGE:
		a->merge = arg;
		break;
	}
	return 0;
}

#define OPT_EXCLUDE                                                                           \
	{                                                                                     \
		GO_EXCLUDE, 0, "exclude", OPT_REQ, true, "REGEX",                             \
			"skip paths matching REGEX (POSIX ERE, anchored at the path's start)" \
	}

static const struct opt_spec record_opts[] = {
	{GO_RECURSIVE, 'r', "recursive", OPT_NOARG, false, NULL, "descend into directories"},
	{GO_ALGO, 'a', "hash-algo", OPT_REQ, false, "ALGO", "content hash (default sha256)"},
	{GO_OUTPUT, 'o', "output", OPT_REQ, false, "FILE", "write the list here ('-': stdout)"},
	{GO_STRIP, 0, "strip-prefix", OPT_REQ, false, "DIR",
	 "record paths without this prefix (an image mounted at DIR)"},
	{GO_MERGE, 0, "merge", OPT_REQ, false, "FILE", "start from this golden list"},
	{GO_XDEV, 'x', "xdev", OPT_NOARG, false, NULL, "stay on the roots' filesystems"},
	{GO_JOBS, 'j', "jobs", OPT_REQ, false, "N", "hashing threads (default: CPUs)"},
	OPT_EXCLUDE,
	{0},
};

static const struct opt_spec fromlog_opts[] = {
	{GO_OUTPUT, 'o', "output", OPT_REQ, false, "FILE", "write the list here ('-': stdout)"},
	{GO_DIGEST_ALGO, 0, "digest-algo", OPT_REQ, false, "ALGO",
	 "template digest algorithm of the list (default: sha1, or the file name's _<algo>)"},
	{GO_MERGE, 0, "merge", OPT_REQ, false, "FILE", "start from this golden list"},
	OPT_EXCLUDE,
	{0},
};

static const struct opt_spec show_opts[] = {
	{GO_JSON, 0, "json", OPT_NOARG, false, NULL, "print the list (keylime runtime policy)"},
	{0},
};

static const struct opt_spec check_opts[] = {
	{GO_GOLDEN, 'g', "golden", OPT_REQ, false, "FILE",
	 "golden list (keylime runtime policy JSON)"},
	OPT_EXCLUDE,
	{GO_IGNORE_VIOLATIONS, 0, "ignore-violations", OPT_NOARG, false, NULL,
	 "report violations without failing"},
	{GO_DIGEST_ALGO, 0, "digest-algo", OPT_REQ, false, "ALGO",
	 "template digest algorithm of the list (default: sha1, or the file name's _<algo>)"},
	{GO_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output"},
	{0},
};

/* Write @text to @path all-or-nothing (temp file + rename), or to stdout for "-". */
static int write_out(const char *path, const char *text)
{
	size_t len = strlen(text), n = strlen(path);
	_cleanup_free_ char *tmp = NULL;
	int fd, r = 0;

	if (!strcmp(path, "-"))
		return fwrite(text, 1, len, stdout) == len && fputc('\n', stdout) != EOF ? 0 : -EIO;
	tmp = malloc(n + 16);
	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, n + 16, "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0 || write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static int save(struct gargs *a, const imactl_golden *g)
{
	_cleanup_free_ char *text = NULL;
	imactl_diag d = {0};
	int r = imactl_golden_to_json(g, &text, &d);

	if (r < 0) {
		print_diag(a->prog, a->output, &d, r);
		return EXIT_OPER;
	}
	r = write_out(a->output, text);
	if (r < 0) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", a->prog, a->output, strerror(-r));
		return EXIT_OPER;
	}
	return EXIT_OK;
}

/* A golden list to start from: --merge FILE, or empty; plus --exclude. */
static int start_list(struct gargs *a, imactl_golden **ret)
{
	imactl_diag d = {0};

	if (a->merge)
		return goldencheck_load(a->prog, a->merge, a->excludes, a->nexcludes, ret);
	if (imactl_golden_new(ret) < 0)
		return EXIT_OPER;
	for (size_t i = 0; i < a->nexcludes; i++) {
		int r = imactl_golden_add_exclude(*ret, a->excludes[i], &d);
		if (r < 0) {
			print_diag(a->prog, "--exclude", &d, r);
			imactl_golden_free(*ret);
			return EXIT_USAGE;
		}
	}
	return 0;
}

struct record_state {
	struct gargs *a;
	imactl_ctx *ctx;
	imactl_golden *g;
	pthread_mutex_t lock;
	atomic_ulong files, errors, excluded;
};

static int record_visit(void *ud, int fd, const char *path, const struct stat *st)
{
	struct record_state *s = ud;
	uint8_t dg[IMACTL_MAX_DIGEST_SIZE];
	const char *name = path;
	imactl_diag d = {0};
	const char *strip = s->a->strip;
	size_t pl = strip ? strlen(strip) : 0;
	int r;

	(void)st;
	/* "--strip-prefix /mnt/img" (or "/mnt/img/"): "/mnt/img/usr/bin/x" -> "/usr/bin/x" */
	while (pl > 1 && strip[pl - 1] == '/')
		pl--;
	if (pl > 1 && !strncmp(path, strip, pl) && path[pl] == '/')
		name = path + pl;
	if (imactl_golden_excluded(s->g, name)) {
		s->excluded++;
		return 0;
	}
	r = imactl_hash_fd(s->ctx, s->a->algo, fd, dg, &d);
	if (r < 0) {
		pthread_mutex_lock(&s->lock);
		print_diag(s->a->prog, path, &d, r);
		pthread_mutex_unlock(&s->lock);
		s->errors++;
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	r = imactl_golden_add(s->g, IMACTL_GOLDEN_FILE, name, dg, imactl_hash_size(s->a->algo), &d);
	if (r < 0)
		print_diag(s->a->prog, path, &d, r);
	pthread_mutex_unlock(&s->lock);
	if (r < 0) {
		s->errors++;
		return r == -ENOMEM ? r : 0;
	}
	s->files++;
	return 0;
}

static void record_error(void *ud, const char *path, int err, const char *what)
{
	struct record_state *s = ud;

	pthread_mutex_lock(&s->lock);
	fprintf(stderr, "%s: '%s': %s: %s\n", s->a->prog, path, what, strerror(-err));
	pthread_mutex_unlock(&s->lock);
	s->errors++;
}

static int do_record(struct gargs *a, int argc, char **argv)
{
	_cleanup_(imactl_ctx_freep) imactl_ctx *ctx = NULL;
	_cleanup_(imactl_golden_freep) imactl_golden *g = NULL;
	struct record_state s = {.a = a};
	imactl_walk_opts wo = {.recursive = a->recursive, .xdev = a->xdev, .jobs = a->jobs};
	imactl_diag d = {0};
	int r;

	if (argc < 1) {
		fprintf(stderr, "%s: no files or directories given\n", a->prog);
		return EXIT_USAGE;
	}
	if (!a->output) {
		fprintf(stderr, "%s: -o FILE is required ('-' for stdout)\n", a->prog);
		return EXIT_USAGE;
	}
	if (imactl_ctx_new(&ctx, &d) < 0)
		return EXIT_OPER;
	if (!imactl_hash_available(ctx, a->algo)) {
		fprintf(stderr, "%s: %s is not available\n", a->prog, imactl_hash_name(a->algo));
		return EXIT_USAGE;
	}
	r = start_list(a, &g);
	if (r)
		return r;
	s.ctx = ctx;
	s.g = g;
	pthread_mutex_init(&s.lock, NULL);
	r = imactl_walk((const char *const *)argv, (size_t)argc, &wo, record_visit, record_error,
			&s);
	pthread_mutex_destroy(&s.lock);
	if (r < 0) {
		fprintf(stderr, "%s: walk failed: %s\n", a->prog, strerror(-r));
		return EXIT_OPER;
	}
	if (s.errors) {
		fprintf(stderr, "%s: %lu files could not be recorded; no list written\n", a->prog,
			(unsigned long)s.errors);
		return EXIT_OPER;
	}
	r = save(a, g);
	if (r == EXIT_OK && strcmp(a->output, "-"))
		fprintf(stderr, "%s: %lu files recorded (%lu excluded), %zu paths in '%s'\n",
			a->prog, (unsigned long)s.files, (unsigned long)s.excluded,
			imactl_golden_count(g, IMACTL_GOLDEN_FILE), a->output);
	return r;
}

struct fromlog_state {
	imactl_golden *g;
	uint64_t added, skipped;
	int error;
	imactl_diag d;
};

static void fromlog_cb(void *ud, const imactl_mlog_entry *e, int tmpl_rc, enum sig_status sig,
		       const imactl_diag *sd)
{
	struct fromlog_state *s = ud;
	int r;

	(void)tmpl_rc, (void)sig, (void)sd;
	if (s->error || e->violation || !e->file_digest || !e->file_digest_len || !e->name ||
	    !*e->name || (!e->buf && imactl_golden_excluded(s->g, e->name))) {
		s->skipped++;
		return;
	}
	r = imactl_golden_add(s->g, e->buf ? IMACTL_GOLDEN_BUF : IMACTL_GOLDEN_FILE, e->name,
			      e->file_digest, e->file_digest_len, &s->d);
	if (r < 0)
		s->error = r;
	else
		s->added++;
}

static int do_fromlog(struct gargs *a, const char *path)
{
	_cleanup_(imactl_ctx_freep) imactl_ctx *ctx = NULL;
	_cleanup_(imactl_golden_freep) imactl_golden *g = NULL;
	static const int sha1[] = {IMACTL_HASH_SHA1};
	struct fromlog_state s = {0};
	struct logcheck_opts o = {.path = path,
				  .digest_algo = a->digest_algo,
				  .banks = sha1,
				  .nbanks = 1,
				  .on_entry = fromlog_cb,
				  .ud = &s};
	struct logcheck_result res;
	imactl_diag d = {0};
	int r;

	if (!a->output) {
		fprintf(stderr, "%s: -o FILE is required ('-' for stdout)\n", a->prog);
		return EXIT_USAGE;
	}
	if (imactl_ctx_new(&ctx, &d) < 0)
		return EXIT_OPER;
	r = start_list(a, &g);
	if (r)
		return r;
	s.g = g;
	r = logcheck_run(ctx, &o, &res, &d);
	if (r < 0) {
		print_diag(a->prog, path, &d, r);
		return EXIT_OPER;
	}
	logcheck_result_done(&res);
	if (res.parse_rc < 0) {
		print_diag(a->prog, path, &res.parse_diag, res.parse_rc);
		return EXIT_VERIFY;
	}
	if (res.tmpl_bad) {
		fprintf(stderr,
			"%s: '%s': %llu template digests do not match: not a list to trust\n",
			a->prog, path, (unsigned long long)res.tmpl_bad);
		return EXIT_VERIFY;
	}
	if (s.error) {
		print_diag(a->prog, path, &s.d, s.error);
		return EXIT_OPER;
	}
	return save(a, g);
}

static int do_show(struct gargs *a, const char *path)
{
	_cleanup_(imactl_golden_freep) imactl_golden *g = NULL;
	int r = goldencheck_load(a->prog, path, NULL, 0, &g);

	if (r)
		return r;
	if (a->json) {
		a->output = "-";
		return save(a, g);
	}
	printf("%s: %zu paths, %zu keyrings, %zu ima-buf names\n", path,
	       imactl_golden_count(g, IMACTL_GOLDEN_FILE),
	       imactl_golden_count(g, IMACTL_GOLDEN_KEYRING),
	       imactl_golden_count(g, IMACTL_GOLDEN_BUF));
	return EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: imactl golden COMMAND [OPTIONS] ARGS\n\n"
		   "Commands:\n"
		   "  record    hash files at provisioning into a golden list\n"
		   "  from-log  make a golden list from a trusted measurement list\n"
		   "  show      summarise a golden list (--json: print it)\n"
		   "\nGolden lists are keylime runtime policies (JSON); check a measurement list "
		   "against one with 'imactl log check --golden FILE'.\n");
}

int cmd_golden(int argc, char **argv)
{
	struct gargs a = {.algo = IMACTL_HASH_SHA256, .digest_algo = -1};
	int optind_ret = 0, r;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help_word(argv[1])) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "record")) {
		a.prog = "imactl golden record";
		r = opts_parse(
			a.prog, "[OPTIONS] -o FILE PATH...",
			"Record the content hashes of files (a provisioned image) as a golden "
			"list: a keylime runtime policy.",
			record_opts, argc - 1, argv + 1, on_opt, &a, &optind_ret);
		if (r)
			return r < 0 ? EXIT_OK : r;
		return do_record(&a, argc - 1 - optind_ret, argv + 1 + optind_ret);
	}
	if (!strcmp(argv[1], "from-log")) {
		a.prog = "imactl golden from-log";
		r = opts_parse(a.prog, "[OPTIONS] -o FILE LOG",
			       "Make a golden list from a measurement list taken on a known-good "
			       "system (its template digests must verify).",
			       fromlog_opts, argc - 1, argv + 1, on_opt, &a, &optind_ret);
		if (r)
			return r < 0 ? EXIT_OK : r;
		if (argc - 1 - optind_ret != 1) {
			fprintf(stderr, "%s: one measurement list expected\n", a.prog);
			return EXIT_USAGE;
		}
		return do_fromlog(&a, argv[1 + optind_ret]);
	}
	if (!strcmp(argv[1], "show")) {
		a.prog = "imactl golden show";
		r = opts_parse(a.prog, "[OPTIONS] FILE", "Summarise or print a golden list.",
			       show_opts, argc - 1, argv + 1, on_opt, &a, &optind_ret);
		if (r)
			return r < 0 ? EXIT_OK : r;
		if (argc - 1 - optind_ret != 1) {
			fprintf(stderr, "%s: one golden list expected\n", a.prog);
			return EXIT_USAGE;
		}
		return do_show(&a, argv[1 + optind_ret]);
	}
	fprintf(stderr, "imactl golden: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

int cmd_log_check(int argc, char **argv)
{
	_cleanup_(imactl_ctx_freep) imactl_ctx *ctx = NULL;
	_cleanup_(imactl_golden_freep) imactl_golden *g = NULL;
	static const int sha1[] = {IMACTL_HASH_SHA1};
	struct gargs a = {.prog = "imactl log check", .digest_algo = -1};
	struct goldencheck gc;
	struct logcheck_opts o = {.banks = sha1, .nbanks = 1, .on_entry = goldencheck_entry};
	struct logcheck_result res;
	const char *path = IMA_LOG_DEFAULT;
	imactl_diag d = {0};
	int optind_ret = 0, r;
	bool ok;

	r = opts_parse(a.prog, "--golden FILE [OPTIONS] [LOG|-]",
		       "Check every entry of a measurement list against a golden list: unknown "
		       "paths, hash mismatches, violations, ToMToU (one path measured with "
		       "different contents); template digests are re-checked too.",
		       check_opts, argc, argv, on_opt, &a, &optind_ret);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (argc - optind_ret > 1)
		return EXIT_USAGE;
	if (optind_ret < argc)
		path = argv[optind_ret];
	if (!a.golden) {
		fprintf(stderr, "%s: --golden FILE is required\n", a.prog);
		return EXIT_USAGE;
	}
	r = goldencheck_load(a.prog, a.golden, a.excludes, a.nexcludes, &g);
	if (r)
		return r;
	if (imactl_ctx_new(&ctx, &d) < 0 || goldencheck_init(&gc, g, a.json, stdout) < 0)
		return EXIT_OPER;
	gc.ignore_violations = a.ignore_violations;
	o.path = path;
	o.digest_algo = a.digest_algo;
	o.ud = &gc;
	if (a.json) {
		printf("{\"file\":");
		json_str(stdout, path);
		printf(",\"findings\":[\n");
	}
	r = logcheck_run(ctx, &o, &res, &d);
	if (r < 0) {
		if (a.json)
			printf("]}\n");
		print_diag(a.prog, path, &d, r);
		goldencheck_done(&gc);
		return EXIT_OPER;
	}
	logcheck_result_done(&res);
	ok = goldencheck_ok(&gc) && res.parse_rc == 0 && !res.tmpl_bad;
	if (a.json) {
		printf("],\"entries\":%llu,\"template_mismatches\":%llu,",
		       (unsigned long long)res.entries, (unsigned long long)res.tmpl_bad);
		if (res.parse_rc < 0) {
			printf("\"error\":");
			json_str(stdout, res.parse_diag.msg);
			printf(",");
		}
		goldencheck_summary_json(&gc, stdout);
		printf(",\"ok\":%s}\n", ok ? "true" : "false");
	} else {
		printf("%s: %llu entries\n", path, (unsigned long long)res.entries);
		if (res.parse_rc < 0)
			print_diag(a.prog, path, &res.parse_diag, res.parse_rc);
		if (res.tmpl_bad)
			printf("template digests: %llu mismatched, first at entry %lld '%s'\n",
			       (unsigned long long)res.tmpl_bad, (long long)res.first_tmpl_bad,
			       res.first_tmpl_bad_name);
		goldencheck_summary(&gc, stdout);
		printf("result: %s\n", ok ? "ok" : "FAILED");
	}
	goldencheck_done(&gc);
	return ok ? EXIT_OK : EXIT_VERIFY;
}
