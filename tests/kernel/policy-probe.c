/* SPDX-License-Identifier: MIT */
/*
 * Guest side of tests/kernel/probe-policy.sh: asks the running kernel whether
 * it accepts each policy line, without ever applying a policy.
 *
 * Input (argv[1]): one probe per line, "ID MODE HEX", where HEX is the policy
 * line's bytes (a '\n' is appended when writing) and MODE is
 *   w  write the line through a fresh open file descriptor; if the write
 *      succeeds, write an invalid line through the SAME descriptor, so that
 *      ima_write_policy() clears valid_policy and ima_release_policy() deletes
 *      every rule written through it (ima_delete_rules()) instead of applying
 *      them; then close;
 *   r  write the line and close without invalidating: only for lines that
 *      hold no rule (comments), to see ima_check_policy() reject the empty
 *      update at release.  The host puts these last.
 * Output (stdout, the serial console): "IMAKT PROBE ID w=ok|w=errno:N
 * inv=errno:N|inv=ok|inv=- file=present|file=gone".  The host judges.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define POLICY	"/sys/kernel/security/ima/policy"
#define INVALID "imakt_probe_invalid_line\n"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void fmt_rc(char *out, size_t n, ssize_t r, int err)
{
	if (r >= 0)
		snprintf(out, n, "ok");
	else
		snprintf(out, n, "errno:%d", err);
}

int main(int argc, char **argv)
{
	char rec[8192];
	FILE *in;
	struct stat st;

	if (argc != 2 || !(in = fopen(argv[1], "r"))) {
		printf("IMAKT PROBE-ERROR usage or cannot open input\n");
		return 2;
	}
	while (fgets(rec, sizeof(rec), in)) {
		char id[64], mode[8], hex[8000], line[4100], w[32], inv[32];
		size_t n = 0;
		ssize_t r;
		int fd, e;

		if (sscanf(rec, "%63s %7s %7999s", id, mode, hex) != 3)
			continue;
		for (size_t i = 0; hex[i] && hex[i + 1] && n < sizeof(line) - 2; i += 2)
			line[n++] = (char)(hexval(hex[i]) << 4 | hexval(hex[i + 1]));
		line[n++] = '\n';

		fd = open(POLICY, O_WRONLY);
		if (fd < 0) {
			printf("IMAKT PROBE %s open=errno:%d\n", id, errno);
			fflush(stdout);
			continue;
		}
		r = write(fd, line, n);
		e = errno;
		fmt_rc(w, sizeof(w), r, e);
		if (r >= 0 && (size_t)r != n)
			snprintf(w, sizeof(w), "short:%zd/%zu", r, n);
		strcpy(inv, "-");
		if (r >= 0 && mode[0] == 'w') {
			r = write(fd, INVALID, strlen(INVALID));
			fmt_rc(inv, sizeof(inv), r, errno);
		}
		close(fd);
		printf("IMAKT PROBE %s w=%s inv=%s file=%s\n", id, w, inv,
		       stat(POLICY, &st) == 0 ? "present" : "gone");
		fflush(stdout);
	}
	fclose(in);
	return 0;
}
