/* SPDX-License-Identifier: MIT */
/*
 * imactl log diff A B: what changed between two measurement lists (two
 * boots, two attestations of one machine): names measured only in A or only
 * in B, names whose measured digests differ, and violations.  A name
 * measured several times is compared as the set of its digests.  Entries
 * are keyed by name (file path, or the ima-buf event name); the file digest
 * ("algo:hex") is compared, the template digest when an entry has none.
 * Exit codes as diff(1): 0 same, 1 different, 2 usage, 3 cannot read.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "logcheck.h"
#include "opts.h"
#include "util/cleanup.h"

/* One measurement: its name and digest as text. */
struct rec {
	char *name;
	char *digest; /* "sha256:ab..", NULL for a violation */
};

struct side {
	const char *path;
	struct rec *recs;
	size_t n, cap;
	uint64_t entries, violations;
	int err; /* -ENOMEM while collecting */
};

/* A name's measurements in one list. */
struct group {
	const char *name;
	const struct rec *r; /* the digests (violations sort before them) */
	size_t count;
	bool violation;
};

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_ctx *, imactl_ctx_free)

enum { DO_JSON = 1 };

struct dargs {
	bool json;
};

static int on_opt(void *ud, int id, const char *arg)
{
	struct dargs *a = ud;

	(void)arg;
	if (id == DO_JSON)
		a->json = true;
	return 0;
}

static const struct opt_spec diff_opts[] = {
	{DO_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output"},
	{0},
};

static char *digest_text(const imactl_mlog_entry *e)
{
	const uint8_t *p = e->file_digest ? e->file_digest : e->digest;
	size_t n = e->file_digest ? e->file_digest_len : e->digest_len;
	const char *algo =
		e->file_digest ? (e->file_algo_name ? e->file_algo_name : "?") : "template";
	size_t alen = strlen(algo);
	char *s = malloc(alen + 2 + 2 * n);

	if (!s)
		return NULL;
	memcpy(s, algo, alen);
	s[alen] = ':';
	for (size_t i = 0; i < n; i++)
		snprintf(s + alen + 1 + 2 * i, 3, "%02x", p[i]);
	s[alen + 1 + 2 * n] = '\0';
	return s;
}

static void collect(void *ud, const imactl_mlog_entry *e, int tmpl_rc, enum sig_status sig,
		    const imactl_diag *sd)
{
	struct side *s = ud;
	struct rec r = {0};

	(void)tmpl_rc, (void)sig, (void)sd;
	if (s->err)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct rec *nr = realloc(s->recs, cap * sizeof(*nr));
		if (!nr) {
			s->err = -ENOMEM;
			return;
		}
		s->recs = nr;
		s->cap = cap;
	}
	r.name = strndup(e->name ? e->name : "", e->name ? e->name_len : 0);
	if (!e->violation)
		r.digest = digest_text(e);
	if (!r.name || (!e->violation && !r.digest)) {
		free(r.name);
		free(r.digest);
		s->err = -ENOMEM;
		return;
	}
	s->recs[s->n++] = r;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	/* violations (NULL digest) first */
	if (!x->digest || !y->digest)
		return !!x->digest - !!y->digest;
	return strcmp(x->digest, y->digest);
}

static void side_done(struct side *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->recs[i].name);
		free(s->recs[i].digest);
	}
	free(s->recs);
}

/* Read @s->path, then sort and deduplicate: 0 or an exit code. */
static int load(imactl_ctx *ctx, struct side *s)
{
	static const int banks[] = {IMACTL_HASH_SHA1};
	struct logcheck_opts o = {.path = s->path,
				  .digest_algo = -1,
				  .banks = banks,
				  .nbanks = 1,
				  .on_entry = collect,
				  .ud = s};
	struct logcheck_result res;
	imactl_diag d = {0};
	size_t w = 0;
	int r;

	r = logcheck_run(ctx, &o, &res, &d);
	if (r < 0) {
		print_diag("imactl log diff", s->path, &d, r);
		return EXIT_OPER;
	}
	logcheck_result_done(&res);
	if (res.parse_rc < 0) {
		print_diag("imactl log diff", s->path, &res.parse_diag, res.parse_rc);
		return EXIT_OPER;
	}
	if (s->err) {
		fprintf(stderr, "imactl log diff: %s: %s\n", s->path, strerror(-s->err));
		return EXIT_OPER;
	}
	s->entries = res.entries;
	s->violations = res.violations;
	qsort(s->recs, s->n, sizeof(*s->recs), rec_cmp);
	for (size_t i = 0; i < s->n; i++) {
		if (w && !rec_cmp(&s->recs[w - 1], &s->recs[i])) {
			free(s->recs[i].name);
			free(s->recs[i].digest);
			continue;
		}
		s->recs[w++] = s->recs[i];
	}
	s->n = w;
	return 0;
}

/* The group of names starting at *i; advances *i past it. */
static bool next_group(const struct side *s, size_t *i, struct group *g)
{
	size_t j;

	if (*i >= s->n)
		return false;
	*g = (struct group){.name = s->recs[*i].name};
	for (j = *i; j < s->n && !strcmp(s->recs[j].name, s->recs[*i].name); j++) {
		if (!s->recs[j].digest)
			g->violation = true;
		else
			g->count++;
	}
	g->r = &s->recs[j - g->count];
	*i = j;
	return true;
}

static bool same_digests(const struct group *a, const struct group *b)
{
	if (a->count != b->count)
		return false;
	for (size_t k = 0; k < a->count; k++)
		if (strcmp(a->r[k].digest, b->r[k].digest))
			return false;
	return true;
}

enum change { CH_ADDED, CH_REMOVED, CH_CHANGED, CH_VIOL_NEW, CH_VIOL_GONE };

struct out {
	bool json;
	size_t counts[5];
	bool first[5];
};

static void json_digests(const struct group *g)
{
	printf("[");
	for (size_t k = 0; g && k < g->count; k++) {
		printf("%s", k ? "," : "");
		json_str(stdout, g->r[k].digest);
	}
	printf("]");
}

static void text_digests(const struct group *g)
{
	for (size_t k = 0; k < g->count; k++)
		printf("%s%s", k ? "," : "", g->r[k].digest);
	if (!g->count)
		printf("(violation only)");
}

static void report(struct out *o, enum change c, const char *name, const struct group *a,
		   const struct group *b)
{
	o->counts[c]++;
	if (o->json)
		return; /* JSON is printed per section afterwards */
	switch (c) {
	case CH_ADDED:
		printf("+ %s ", name);
		text_digests(b);
		break;
	case CH_REMOVED:
		printf("- %s ", name);
		text_digests(a);
		break;
	case CH_CHANGED:
		printf("~ %s ", name);
		text_digests(a);
		printf(" -> ");
		text_digests(b);
		break;
	case CH_VIOL_NEW:
		printf("! %s: violation in B only", name);
		break;
	case CH_VIOL_GONE:
		printf("! %s: violation in A only", name);
		break;
	}
	printf("\n");
}

/* Walk both sorted lists; with @only >= 0 print that change's JSON array items. */
static void walk(const struct side *a, const struct side *b, struct out *o, int only)
{
	size_t i = 0, j = 0;
	struct group ga, gb;
	bool ha = next_group(a, &i, &ga), hb = next_group(b, &j, &gb);

	while (ha || hb) {
		int c = !ha ? 1 : !hb ? -1 : strcmp(ga.name, gb.name);
		const char *name = c <= 0 ? ga.name : gb.name;
		enum change ch[2];
		size_t nch = 0;

		if (c < 0) {
			ch[nch++] = CH_REMOVED;
			if (ga.violation)
				ch[nch++] = CH_VIOL_GONE;
		} else if (c > 0) {
			ch[nch++] = CH_ADDED;
			if (gb.violation)
				ch[nch++] = CH_VIOL_NEW;
		} else {
			if (!same_digests(&ga, &gb))
				ch[nch++] = CH_CHANGED;
			if (gb.violation && !ga.violation)
				ch[nch++] = CH_VIOL_NEW;
			if (ga.violation && !gb.violation)
				ch[nch++] = CH_VIOL_GONE;
		}
		for (size_t k = 0; k < nch; k++) {
			const struct group *pa = c <= 0 ? &ga : NULL, *pb = c >= 0 ? &gb : NULL;

			if (only < 0) {
				report(o, ch[k], name, pa, pb);
			} else if ((int)ch[k] == only) {
				printf("%s{\"name\":", o->first[only] ? "" : ",");
				json_str(stdout, name);
				if (only == CH_CHANGED || only == CH_REMOVED) {
					printf(",\"a\":");
					json_digests(pa);
				}
				if (only == CH_CHANGED || only == CH_ADDED) {
					printf(",\"b\":");
					json_digests(pb);
				}
				printf("}");
				o->first[only] = false;
			}
		}
		if (c <= 0)
			ha = next_group(a, &i, &ga);
		if (c >= 0)
			hb = next_group(b, &j, &gb);
	}
}

static void usage_diff(FILE *f)
{
	opts_help(f, "imactl log diff", "[OPTIONS] A B",
		  "Compare two measurement lists (binary or ascii): names measured only in A "
		  "(-) or only in B (+), names whose digests differ (~), and violations (!). "
		  "Exit 0 when they measure the same, 1 when not.",
		  diff_opts);
}

int cmd_log_diff(int argc, char **argv)
{
	_cleanup_(imactl_ctx_freep) imactl_ctx *ctx = NULL;
	static const char *const sections[] = {"added", "removed", "changed", "new_violations",
					       "gone_violations"};
	struct dargs a = {0};
	struct side sa = {0}, sb = {0};
	struct out o = {0};
	imactl_diag d = {0};
	int optind_ret = 0, r, rc;
	size_t total;

	r = opts_parse("imactl log diff", "[OPTIONS] A B",
		       "Compare two measurement lists: names added, removed, digests changed, "
		       "violations.",
		       diff_opts, argc, argv, on_opt, &a, &optind_ret);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (argc - optind_ret != 2) {
		usage_diff(stderr);
		return EXIT_USAGE;
	}
	if (imactl_ctx_new(&ctx, &d) < 0)
		return EXIT_OPER;
	sa.path = argv[optind_ret];
	sb.path = argv[optind_ret + 1];
	if (!strcmp(sa.path, "-") && !strcmp(sb.path, "-")) {
		fprintf(stderr, "imactl log diff: only one list can be standard input\n");
		return EXIT_USAGE;
	}
	rc = load(ctx, &sa);
	if (!rc)
		rc = load(ctx, &sb);
	if (rc) {
		side_done(&sa);
		side_done(&sb);
		return rc;
	}
	o.json = a.json;
	if (!a.json) {
		printf("--- %s (%llu entries, %llu violations)\n+++ %s (%llu entries, %llu "
		       "violations)\n",
		       sa.path, (unsigned long long)sa.entries, (unsigned long long)sa.violations,
		       sb.path, (unsigned long long)sb.entries, (unsigned long long)sb.violations);
	}
	walk(&sa, &sb, &o, -1);
	total = o.counts[0] + o.counts[1] + o.counts[2] + o.counts[3] + o.counts[4];
	if (a.json) {
		printf("{\"a\":{\"file\":");
		json_str(stdout, sa.path);
		printf(",\"entries\":%llu,\"violations\":%llu},\"b\":{\"file\":",
		       (unsigned long long)sa.entries, (unsigned long long)sa.violations);
		json_str(stdout, sb.path);
		printf(",\"entries\":%llu,\"violations\":%llu}", (unsigned long long)sb.entries,
		       (unsigned long long)sb.violations);
		for (int s = 0; s < 5; s++) {
			o.first[s] = true;
			printf(",\"%s\":[", sections[s]);
			walk(&sa, &sb, &o, s);
			printf("]");
		}
		printf(",\"identical\":%s}\n", total ? "false" : "true");
	} else {
		printf("%zu added, %zu removed, %zu changed, %zu new violations, %zu violations "
		       "gone\n",
		       o.counts[CH_ADDED], o.counts[CH_REMOVED], o.counts[CH_CHANGED],
		       o.counts[CH_VIOL_NEW], o.counts[CH_VIOL_GONE]);
	}
	side_done(&sa);
	side_done(&sb);
	return total ? EXIT_VERIFY : EXIT_OK;
}
