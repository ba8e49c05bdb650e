/* SPDX-License-Identifier: MIT */
/*
 * Host side helper of tests/kernel/probe-policy.sh.
 *
 *   policy-table-dump table
 *       prints the rows of tests/unit/test_policy_parse.c's table, read-only:
 *       the test file is compiled in as it is (its main() renamed), so the
 *       rows are exactly what the unit test checks.  One row per line:
 *       "INDEX ACCEPT FLAGS HEX ESCAPED" (ACCEPT: bit 0 = 6.1, 1 = 6.12, 2 = 6.17;
 *       FLAGS: IMACTL_POLICY_* in hex; HEX: the policy line's bytes;
 *       ESCAPED: the line with C escapes, up to the end of the line).
 *   policy-table-dump eval KERNEL
 *       reads "FLAGS HEX" lines on stdin and prints, for each, imactl's
 *       verdict for that kernel release (6.1, 6.12, ...) and flags:
 *       "accept" or "reject:ERRNO".
 */
#define main policy_parse_unit_main
#include "../unit/test_policy_parse.c"
#undef main

static void hex_out(const char *s)
{
	for (; *s; s++)
		printf("%02x", (unsigned char)*s);
}

/* The line with C escapes for '\\', '\t', '\r', '\n' and other control bytes. */
static void esc_out(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static size_t hex_in(const char *hex, char *out, size_t cap)
{
	size_t n = 0;
	unsigned int b;

	while (hex[0] && hex[1] && n + 1 < cap && sscanf(hex, "%2x", &b) == 1) {
		out[n++] = (char)b;
		hex += 2;
	}
	out[n] = '\0';
	return n;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "table")) {
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			printf("%zu %u %x ", c, cases[c].accept, cases[c].flags);
			hex_out(cases[c].line);
			putchar(' ');
			esc_out(cases[c].line);
			putchar('\n');
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "eval")) {
		unsigned int kernel, flags;
		char hex[8200], line[4100];
		imactl_diag d = {0};

		if (imactl_policy_kernel_parse(argv[2], &kernel, &d)) {
			fprintf(stderr, "bad kernel release %s\n", argv[2]);
			return 2;
		}
		while (scanf("%x %8199s", &flags, hex) == 2) {
			imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
			imactl_policy *p = NULL;
			size_t n = hex_in(hex, line, sizeof(line));
			int r;

			o.kernel = kernel;
			o.flags = flags;
			r = imactl_policy_parse(line, n, &o, &p, &d);
			if (r == 0)
				printf("accept\n");
			else
				printf("reject:%d\n", -r);
			imactl_policy_free(p);
			fflush(stdout);
		}
		return 0;
	}
	fprintf(stderr, "usage: %s table | eval KERNEL < \"FLAGS HEX\" lines\n", argv[0]);
	return 2;
}
