/* SPDX-License-Identifier: MIT */
/*
 * imactl entry point: a table of command groups.  Invoked under the name
 * "evmctl" (a symlink), it becomes the ima-evm-utils compatible personality.
 */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "commands.h"
#include "opts.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"hash", cmd_hash, "write or print IMA content hashes (security.ima type 0x04/0x01)"},
	{"sign", cmd_sign, "sign file contents (security.ima signature v2, or .sig sidecar)"},
	{"evm", cmd_evm, "EVM: security.evm HMACs and signatures over metadata; the evm-key blob"},
	{"verify", cmd_verify, "verify security.ima hashes and signatures against the content"},
	{"policy", cmd_policy, "check, lint, print, explain IMA policies; builtin boot policies"},
	{"log", cmd_log,
	 "show and verify IMA measurement lists: templates, signatures, PCR replay"},
	{"bootaggr", cmd_bootaggr,
	 "boot_aggregate per PCR bank from the TCG event log or PCR values"},
	{"attest", cmd_attest,
	 "verify a TPM quote, the log's replay to it and a golden list, in one"},
	{"golden", cmd_golden, "golden lists (keylime runtime policies): record at provisioning"},
	{"inspect", cmd_inspect, "decode and check every IMA/EVM value of files or given values"},
	{"explain", cmd_explain,
	 "what the kernel would do with an access: rules, appraisal, cause, fix"},
	{"audit", cmd_audit,
	 "explain integrity audit records (type 1800-1808) by cause, with fixes"},
	{"status", cmd_status, "the running imad: mode, policy hash, counters, unenforced hooks"},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: imactl COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'imactl COMMAND --help' for a command's options.\n"
		   "Invoked as 'evmctl', imactl behaves as ima-evm-utils' evmctl.\n");
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];

	if (strcmp(base, "evmctl") == 0)
		return evmctl_main(argc, argv);
	if (strcmp(base, "ima_inspect") == 0)
		return ima_inspect_main(argc, argv);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "evmctl"))
		return evmctl_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("imactl %s\n", IMACTL_VERSION);
		return EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "imactl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
