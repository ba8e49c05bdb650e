/* SPDX-License-Identifier: MIT */
/* Golden list check of a measurement list; see goldencheck.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "goldencheck.h"
#include "opts.h"
#include "util/cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_golden *, imactl_golden_free)

int goldencheck_load(const char *prog, const char *path, const char *const *excludes,
		     size_t nexcludes, imactl_golden **ret)
{
	_cleanup_(imactl_golden_freep) imactl_golden *g = NULL;
	_cleanup_free_ uint8_t *text = NULL;
	imactl_diag d = {0};
	size_t len;
	int r;

	r = logcheck_read_file(path, IMACTL_GOLDEN_JSON_MAX, &text, &len);
	if (r < 0) {
		fprintf(stderr, "%s: cannot read golden list '%s': %s\n", prog, path, strerror(-r));
		return EXIT_OPER;
	}
	r = imactl_golden_parse_json((const char *)text, len, &g, &d);
	if (r < 0) {
		print_diag(prog, path, &d, r);
		return EXIT_OPER;
	}
	for (size_t i = 0; i < nexcludes; i++) {
		r = imactl_golden_add_exclude(g, excludes[i], &d);
		if (r < 0) {
			print_diag(prog, "--exclude", &d, r);
			return EXIT_USAGE;
		}
	}
	*ret = TAKE_PTR(g);
	return 0;
}

int goldencheck_init(struct goldencheck *gc, const imactl_golden *g, bool json, FILE *out)
{
	memset(gc, 0, sizeof(*gc));
	gc->json = json;
	gc->out = out;
	return imactl_golden_check_new(g, &gc->chk);
}

void goldencheck_done(struct goldencheck *gc)
{
	imactl_golden_check_free(gc->chk);
	gc->chk = NULL;
}

static bool is_failure(const struct goldencheck *gc, int st)
{
	switch (st) {
	case IMACTL_GOLDEN_UNKNOWN:
	case IMACTL_GOLDEN_MISMATCH:
	case IMACTL_GOLDEN_TOMTOU:
	case IMACTL_GOLDEN_NODIGEST:
		return true;
	case IMACTL_GOLDEN_VIOLATION:
		return !gc->ignore_violations;
	default:
		return false;
	}
}

void goldencheck_entry(void *ud, const imactl_mlog_entry *e, int tmpl_rc, enum sig_status sig,
		       const imactl_diag *sig_diag)
{
	struct goldencheck *gc = ud;
	int st;

	(void)tmpl_rc, (void)sig, (void)sig_diag;
	st = imactl_golden_check_entry(gc->chk, e);
	if (st < 0) {
		if (!gc->error)
			gc->error = st;
		return;
	}
	if (st < GOLDENCHECK_STATUSES)
		gc->counts[st]++;
	if (st == IMACTL_GOLDEN_OK || st == IMACTL_GOLDEN_EXCLUDED || st == IMACTL_GOLDEN_IGNORED)
		return;
	if (gc->json) {
		fprintf(gc->out,
			"%s{\"index\":%llu,\"status\":\"%s\",\"name\":", gc->findings ? ",\n" : "",
			(unsigned long long)e->index, imactl_golden_status_name(st));
		json_str(gc->out, e->name ? e->name : "");
		if (e->file_digest) {
			fprintf(gc->out,
				",\"digest\":\"%s:", e->file_algo_name ? e->file_algo_name : "");
			print_hex(gc->out, e->file_digest, e->file_digest_len);
			fputc('"', gc->out);
		}
		fputc('}', gc->out);
	} else {
		fprintf(gc->out, "entry %llu '%s': %s", (unsigned long long)e->index,
			e->name ? e->name : "", imactl_golden_status_name(st));
		if (e->file_digest && !e->violation) {
			fprintf(gc->out, " (%s:", e->file_algo_name ? e->file_algo_name : "?");
			print_hex(gc->out, e->file_digest, e->file_digest_len);
			fputc(')', gc->out);
		}
		if (!is_failure(gc, st))
			fprintf(gc->out, " (ignored)");
		fputc('\n', gc->out);
	}
	gc->findings++;
}

bool goldencheck_ok(const struct goldencheck *gc)
{
	if (gc->error)
		return false;
	for (int st = 0; st < GOLDENCHECK_STATUSES; st++)
		if (gc->counts[st] && is_failure(gc, st))
			return false;
	return true;
}

void goldencheck_summary(const struct goldencheck *gc, FILE *f)
{
	fprintf(f,
		"golden: %llu ok, %llu excluded, %llu ignored, %llu unknown, %llu mismatched, "
		"%llu violations%s, %llu ToMToU\n",
		(unsigned long long)gc->counts[IMACTL_GOLDEN_OK],
		(unsigned long long)gc->counts[IMACTL_GOLDEN_EXCLUDED],
		(unsigned long long)gc->counts[IMACTL_GOLDEN_IGNORED],
		(unsigned long long)gc->counts[IMACTL_GOLDEN_UNKNOWN],
		(unsigned long long)gc->counts[IMACTL_GOLDEN_MISMATCH],
		(unsigned long long)gc->counts[IMACTL_GOLDEN_VIOLATION],
		gc->ignore_violations && gc->counts[IMACTL_GOLDEN_VIOLATION] ? " (ignored)" : "",
		(unsigned long long)gc->counts[IMACTL_GOLDEN_TOMTOU]);
	if (gc->error)
		fprintf(f, "golden: check failed: %s\n", strerror(-gc->error));
}

void goldencheck_summary_json(const struct goldencheck *gc, FILE *f)
{
	fprintf(f, "\"counts\":{");
	for (int st = 0; st < GOLDENCHECK_STATUSES; st++)
		fprintf(f, "%s\"%s\":%llu", st ? "," : "", imactl_golden_status_name(st),
			(unsigned long long)gc->counts[st]);
	fprintf(f, "},\"result\":\"%s\"", goldencheck_ok(gc) ? "ok" : "fail");
}
