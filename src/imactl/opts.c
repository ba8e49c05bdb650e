/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "util/cleanup.h"

#define HELP_ID (-1000)

void opts_help(FILE *f, const char *prog, const char *usage, const char *summary,
	       const struct opt_spec *spec)
{
	fprintf(f, "Usage: %s %s\n", prog, usage);
	if (summary)
		fprintf(f, "\n%s\n", summary);
	fprintf(f, "\nOptions:\n");
	for (const struct opt_spec *o = spec; o->id; o++) {
		char left[64];
		int n = 0;
		if (o->shortname)
			n = snprintf(left, sizeof(left), "  -%c, ", o->shortname);
		else
			n = snprintf(left, sizeof(left), "      ");
		if (o->arg == OPT_REQ)
			snprintf(left + n, sizeof(left) - n, "--%s %s", o->longname,
				 o->metavar ? o->metavar : "ARG");
		else if (o->arg == OPT_OPT)
			snprintf(left + n, sizeof(left) - n, "--%s[=%s]", o->longname,
				 o->metavar ? o->metavar : "ARG");
		else
			snprintf(left + n, sizeof(left) - n, "--%s", o->longname);
		fprintf(f, "%-30s %s\n", left, o->help);
	}
	fprintf(f, "%-30s %s\n", "  -h, --help", "show this help");
}

int opts_parse(const char *prog, const char *usage, const char *summary,
	       const struct opt_spec *spec, int argc, char **argv, opt_cb cb, void *userdata,
	       int *ret_optind)
{
	size_t n = 0;
	for (const struct opt_spec *o = spec; o->id; o++)
		n++;

	_cleanup_free_ struct option *lo = calloc(n + 2, sizeof(*lo));
	_cleanup_free_ unsigned *seen = calloc(n + 1, sizeof(*seen));
	char shorts[256] = "h";
	size_t sl = 1;

	if (!lo || !seen)
		return EXIT_OPER;
	for (size_t i = 0; i < n; i++) {
		lo[i].name = spec[i].longname;
		lo[i].has_arg = spec[i].arg == OPT_REQ	 ? required_argument
				: spec[i].arg == OPT_OPT ? optional_argument
							 : no_argument;
		lo[i].val = 1000 + (int)i;
		if (spec[i].shortname && sl + 3 < sizeof(shorts)) {
			shorts[sl++] = spec[i].shortname;
			if (spec[i].arg == OPT_REQ)
				shorts[sl++] = ':';
			else if (spec[i].arg == OPT_OPT) {
				shorts[sl++] = ':';
				shorts[sl++] = ':';
			}
		}
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	shorts[sl] = 0;

	optind = 1;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, shorts, lo, NULL);
		size_t idx = n;
		if (c == -1)
			break;
		if (c == 'h') {
			opts_help(stdout, prog, usage, summary, spec);
			return -1;
		}
		if (c == '?' || c == ':') {
			if (optopt && optopt < 256)
				fprintf(stderr, "%s: invalid option or missing argument: -%c\n",
					prog, optopt);
			else
				fprintf(stderr, "%s: invalid option or missing argument: '%s'\n",
					prog, argv[optind - 1]);
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return EXIT_USAGE;
		}
		if (c >= 1000)
			idx = (size_t)(c - 1000);
		else
			for (size_t i = 0; i < n; i++)
				if (spec[i].shortname == c)
					idx = i;
		if (idx >= n)
			return EXIT_USAGE;
		if (seen[idx]++ && !spec[idx].repeatable) {
			fprintf(stderr, "%s: option --%s given twice\n", prog, spec[idx].longname);
			return EXIT_USAGE;
		}
		int r = cb(userdata, spec[idx].id, optarg);
		if (r)
			return r;
	}
	*ret_optind = optind;
	return 0;
}

static int parse_ull(const char *s, int base, unsigned long long max, unsigned long long *ret)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int opts_parse_u32(const char *s, int base, unsigned int *ret)
{
	unsigned long long v;
	int r = parse_ull(s, base, 0xffffffffULL, &v);
	if (r == 0)
		*ret = (unsigned int)v;
	return r;
}

int opts_parse_u64(const char *s, int base, unsigned long long *ret)
{
	return parse_ull(s, base, ~0ULL, ret);
}
