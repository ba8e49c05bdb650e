/* SPDX-License-Identifier: MIT */
/* The imactl command groups; each lives in its own cmd_<group>.c. */
#ifndef IMACTL_COMMANDS_H
#define IMACTL_COMMANDS_H

/* Each returns an exit code (opts.h: EXIT_*); argv[0] is the command name. */
int cmd_hash(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_evm(int argc, char **argv);
int cmd_evm_key(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_bootaggr(int argc, char **argv);
/* inspector and explainer (issue 4) */
int cmd_inspect(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_audit(int argc, char **argv);
/* attestation: TPM quotes, golden lists (issue 5) */
int cmd_attest(int argc, char **argv);
int cmd_golden(int argc, char **argv);
int cmd_log_check(int argc, char **argv);
int cmd_log_diff(int argc, char **argv);
/* the running imad (issue 6) */
int cmd_status(int argc, char **argv);

/* The evmctl personality (src/evmctl/main.c). */
int evmctl_main(int argc, char **argv);
/* The ima_inspect personality (src/imactl/ima_inspect.c). */
int ima_inspect_main(int argc, char **argv);

#endif
