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
 *   policy-table-dump eval KERNEL [LACKS]
 *       reads "FLAGS HEX" lines on stdin and prints, for each, imactl's
 *       verdict for that kernel release (6.1, 6.12, ...) and flags:
 *       "accept" or "reject:ERRNO".  LACKS: comma-separated hashes the
 *       kernel's crypto API lacks (imactl_policy_options.no_algos), "-" none.
 *   policy-table-dump lacks KCONFIG
 *       prints the hashes a kernel .config leaves out of the crypto API
 *       (imactl_policy_kconfig_parse()), comma-separated, or "-".
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
	if (argc == 3 && !strcmp(argv[1], "lacks")) {
		imactl_policy_kconfig k;
		imactl_diag d = {0};
		char *text = NULL;
		size_t cap = 0, len = 0, n;
		FILE *f = fopen(argv[2], "r");
		int first = 1;

		if (!f) {
			perror(argv[2]);
			return 2;
		}
		do {
			if (len + 65536 > cap) {
				char *t = realloc(text, cap = len + 65536 * 4);
				if (!t)
					return 2;
				text = t;
			}
			n = fread(text + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		if (imactl_policy_kconfig_parse(text, len, &k, &d)) {
			fprintf(stderr, "%s: %s\n", argv[2], d.msg);
			free(text);
			return 2;
		}
		free(text);
		for (unsigned int b = 0; b < 32; b++)
			if (k.no_algos & (1u << b)) {
				printf("%s%s", first ? "" : ",", imactl_policy_algo_name(b));
				first = 0;
			}
		printf("%s\n", first ? "-" : "");
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "eval")) {
		unsigned int kernel, flags;
		uint32_t no_algos = 0;
		char hex[8200], line[4100];
		imactl_diag d = {0};

		if (imactl_policy_kernel_parse(argv[2], &kernel, &d)) {
			fprintf(stderr, "bad kernel release %s\n", argv[2]);
			return 2;
		}
		if (argc == 4 && strcmp(argv[3], "-")) {
			char buf[256], *save = NULL;
			snprintf(buf, sizeof(buf), "%s", argv[3]);
			for (char *t = strtok_r(buf, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				int bit = imactl_policy_algo_lookup(t);
				if (bit < 0) {
					fprintf(stderr, "unknown hash %s\n", t);
					return 2;
				}
				no_algos |= 1u << bit;
			}
		}
		while (scanf("%x %8199s", &flags, hex) == 2) {
			imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
			imactl_policy *p = NULL;
			size_t n = hex_in(hex, line, sizeof(line));
			int r;

			o.kernel = kernel;
			o.flags = flags;
			o.no_algos = no_algos;
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
	fprintf(stderr,
		"usage: %s table | eval KERNEL [LACKS] < \"FLAGS HEX\" lines | lacks KCONFIG\n",
		argv[0]);
	return 2;
}
