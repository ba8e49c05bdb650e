/* SPDX-License-Identifier: MIT */
/*
 * The policy parser against verdicts captured from real kernels, without qemu:
 * tests/data/policy/kernel-<release>-verdicts.txt were written by
 * tests/kernel/probe-policy.sh, which wrote every distinct line of
 * test_policy_parse.c's table to the policy file of Debian's 6.1 (and 6.12)
 * kernel.  Each record is "VERDICT FLAGS MARKS | "LINE"" (see the file's
 * header): imactl_policy_parse() for that release, with FLAGS describing the
 * boot (including "lacks-ALGO" for hashes the kernel's .config leaves out),
 * must give the kernel's verdict.  Records marked "imactl" are known
 * disagreements, recorded as found; they must still disagree (when the parser
 * changes to agree, re-run the probe with KT_POLICY_CAPTURE_DIR to refresh
 * the capture, which drops the mark).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imactl/policy.h"

/* FLAGS: imactl_policy flag names, and "lacks-ALGO" for each hash the booted
 * kernel's crypto API lacks (from its .config; options.no_algos). */
static unsigned int flag_bits(const char *list, uint32_t *no_algos)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} names[] = {
		{"first-load", IMACTL_POLICY_FIRST_LOAD},
		{"no-modsig", IMACTL_POLICY_NO_MODSIG},
		{"no-asymmetric-keys", IMACTL_POLICY_NO_ASYMMETRIC_KEYS},
		{"lsm-undefined", IMACTL_POLICY_LSM_UNDEFINED},
		{"32bit", IMACTL_POLICY_32BIT},
	};
	unsigned int bits = 0;
	char buf[256], *save = NULL;

	*no_algos = 0;
	if (!strcmp(list, "-"))
		return 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;
		if (!strncmp(t, "lacks-", 6)) {
			int bit = imactl_policy_algo_lookup(t + 6);
			if (bit < 0) {
				fprintf(stderr, "unknown hash in '%s'\n", t);
				fail();
			}
			*no_algos |= 1u << bit;
			continue;
		}
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(t, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			fprintf(stderr, "unknown flag '%s'\n", t);
			fail();
		}
		bits |= names[i].bit;
	}
	return bits;
}

/* "LINE" with C escapes, from the opening quote to the last quote. */
static size_t unquote(const char *q, char *out, size_t cap)
{
	const char *end = strrchr(q, '"');
	size_t n = 0;

	assert_true(q[0] == '"' && end && end > q);
	for (const char *s = q + 1; s < end && n + 1 < cap; s++) {
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		s++;
		switch (*s) {
		case 't':
			out[n++] = '\t';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'x': {
			unsigned int b = 0;
			assert_int_equal(sscanf(s + 1, "%2x", &b), 1);
			out[n++] = (char)b;
			s += 2;
			break;
		}
		default:
			out[n++] = *s;
			break; /* \\ and \" */
		}
	}
	out[n] = '\0';
	return n;
}

static void check_capture(const char *release, bool required)
{
	const char *dir = getenv("IMACTL_TEST_DATA");
	char path[4096], rec[8192];
	unsigned int kernel;
	imactl_diag d = {0};
	int n = 0, known = 0, bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/policy/kernel-%s-verdicts.txt", dir ? dir : "tests/data",
		 release);
	f = fopen(path, "r");
	if (!f) {
		if (required) {
			fprintf(stderr, "cannot open %s\n", path);
			fail();
		}
		printf("no capture %s\n", path);
		return;
	}
	assert_int_equal(imactl_policy_kernel_parse(release, &kernel, &d), 0);
	while (fgets(rec, sizeof(rec), f)) {
		char verdict[32], flags[256], marks[256], line[4100];
		imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
		imactl_policy *p = NULL;
		const char *q;
		size_t len;
		bool want, got, marked;
		int r;

		if (rec[0] == '#' || rec[0] == '\n')
			continue;
		q = strstr(rec, " | \"");
		assert_non_null(q);
		assert_int_equal(sscanf(rec, "%31s %255s %255s", verdict, flags, marks), 3);
		len = unquote(q + 3, line, sizeof(line));
		want = !strcmp(verdict, "accept");
		marked = strstr(marks, "imactl") != NULL;
		o.kernel = kernel;
		o.flags = flag_bits(flags, &o.no_algos);
		o.file = path;
		r = imactl_policy_parse(line, len, &o, &p, &d);
		imactl_policy_free(p);
		got = r == 0;
		if (!got && r != -EINVAL) {
			fprintf(stderr, "%s: '%s': parse returned %d\n", release, line, r);
			bad++;
		}
		n++;
		if (marked) {
			known++;
			if (want == got) {
				fprintf(stderr,
					"%s: '%s' now agrees with the kernel (%s): refresh the "
					"capture "
					"(tests/kernel/probe-policy.sh, KT_POLICY_CAPTURE_DIR)\n",
					release, line, verdict);
				bad++;
			} else {
				printf("known disagreement on %s: '%s': kernel %s, imactl %s\n",
				       release, line, verdict, got ? "accept" : "EINVAL");
			}
		} else if (want != got) {
			fprintf(stderr, "%s: '%s' (%s): kernel %s, imactl %s (%s)\n", release, line,
				flags, verdict, got ? "accept" : "EINVAL", d.msg);
			bad++;
		}
	}
	fclose(f);
	printf("%s: %d captured verdicts, %d known disagreements\n", release, n, known);
	assert_true(n >= 150);
	assert_int_equal(bad, 0);
}

static void test_kernel_61(void **state)
{
	(void)state;
	check_capture("6.1", true);
}

static void test_kernel_612(void **state)
{
	(void)state;
	check_capture("6.12", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_61),
		cmocka_unit_test(test_kernel_612),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
