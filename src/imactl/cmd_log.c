/* SPDX-License-Identifier: MIT */
/*
 * imactl log show|verify and imactl bootaggr: measurement lists, PCR replay
 * against reference values, and boot_aggregate from the TCG event log.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/tpm.h"

#include "commands.h"
#include "common.h"
#include "logcheck.h"
#include "opts.h"
#include "util/cleanup.h"

#define MAX_PCR_ARGS 8
#define MAX_KEYS     16
#define MAX_BANKS    8

enum {
	LO_JSON = 1,
	LO_PCRS,
	LO_SYSFS,
	LO_NO_PCRS,
	LO_BANK,
	LO_KEY,
	LO_KEYDIR,
	LO_IGNORE_VIOLATIONS,
	LO_DIGEST_ALGO,
	LO_VERBOSE,
	LO_EVENTLOG,
	LO_LOG,
	LO_TPM,
	LO_TCTI,
};

struct largs {
	const char *prog;
	bool json, no_pcrs, ignore_violations, verbose, tpm;
	const char *sysfs, *tcti;
	const char *pcrs[MAX_PCR_ARGS];
	size_t npcrs;
	int banks[MAX_BANKS];
	size_t nbanks;
	const char *keys[MAX_KEYS], *keydirs[MAX_KEYS];
	size_t nkeys, nkeydirs;
	int digest_algo;
	const char *eventlog, *log;
};

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_pcrs *, imactl_pcrs_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_keyring *, imactl_keyring_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_ctx *, imactl_ctx_free)

static int add_bank(int *banks, size_t *n, int algo)
{
	for (size_t i = 0; i < *n; i++)
		if (banks[i] == algo)
			return 0;
	if (*n >= MAX_BANKS)
		return -EMSGSIZE;
	banks[(*n)++] = algo;
	return 0;
}

static int on_opt(void *ud, int id, const char *arg)
{
	struct largs *a = ud;
	int algo;

	switch (id) {
	case LO_JSON:
		a->json = true;
		break;
	case LO_PCRS:
		return OPT_PUSH(a->prog, "pcrs", a->pcrs, a->npcrs, arg);
	case LO_SYSFS:
		a->sysfs = arg ? arg : TPM_SYSFS;
		break;
	case LO_NO_PCRS:
		a->no_pcrs = true;
		break;
	case LO_TPM:
		a->tpm = true;
		break;
	case LO_TCTI:
		a->tpm = true;
		a->tcti = arg;
		break;
	case LO_BANK:
	case LO_DIGEST_ALGO:
		algo = opt_tpm_hash(a->prog, arg, "a TPM PCR bank");
		if (algo < 0)
			return EXIT_USAGE;
		if (id == LO_DIGEST_ALGO)
			a->digest_algo = algo;
		else if (add_bank(a->banks, &a->nbanks, algo) < 0)
			return EXIT_USAGE;
		break;
	case LO_KEY:
		return OPT_PUSH(a->prog, "key", a->keys, a->nkeys, arg);
	case LO_KEYDIR:
		return OPT_PUSH(a->prog, "keydir", a->keydirs, a->nkeydirs, arg);
	case LO_IGNORE_VIOLATIONS:
		a->ignore_violations = true;
		break;
	case LO_VERBOSE:
		a->verbose = true;
		break;
	case LO_EVENTLOG:
		a->eventlog = arg;
		break;
	case LO_LOG:
		a->log = arg;
		break;
	}
	return 0;
}

#define OPT_JSON                                                                      \
	{                                                                             \
		LO_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output" \
	}
#define OPT_PCRS_SPEC                                                                         \
	{LO_PCRS,                                                                             \
	 0,                                                                                   \
	 "pcrs",                                                                              \
	 OPT_REQ,                                                                             \
	 true,                                                                                \
	 "[ALGO,]FILE",                                                                       \
	 "reference PCR values: evmctl's 'PCR-NN: hex' file or tpm2_pcrread output"},         \
		{LO_SYSFS,                                                                    \
		 0,                                                                           \
		 "sysfs",                                                                     \
		 OPT_OPT,                                                                     \
		 false,                                                                       \
		 "DIR",                                                                       \
		 "read reference PCRs from DIR/pcr-<bank>/N (default " TPM_SYSFS ")"},        \
		{LO_TPM,                                                                      \
		 0,                                                                           \
		 "tpm",                                                                       \
		 OPT_NOARG,                                                                   \
		 false,                                                                       \
		 NULL,                                                                        \
		 "read reference PCRs from the TPM (tpm2-tss; /dev/tpmrm0, else /dev/tpm0)"}, \
	{                                                                                     \
		LO_TCTI, 0, "tcti", OPT_REQ, false, "TCTI",                                   \
			"with --tpm: this transport, e.g. device:/dev/tpm0 or "               \
			"swtpm:host=127.0.0.1,port=2321"                                      \
	}

static const struct opt_spec show_opts[] = {
	OPT_JSON,
	{LO_DIGEST_ALGO, 0, "digest-algo", OPT_REQ, false, "ALGO",
	 "template digest algorithm of the list (default: sha1, or the file name's _<algo>)"},
	{0},
};

static const struct opt_spec verify_opts[] = {
	OPT_JSON,
	OPT_PCRS_SPEC,
	{LO_NO_PCRS, 0, "no-pcrs", OPT_NOARG, false, NULL,
	 "check template digests and signatures only"},
	{LO_BANK, 0, "bank", OPT_REQ, true, "ALGO",
	 "also replay this bank (default: the banks of the reference values)"},
	{LO_KEY, 'k', "key", OPT_REQ, true, "CERT", "verify signatures with this certificate"},
	{LO_KEYDIR, 0, "keydir", OPT_REQ, true, "DIR", "verify signatures with every cert in DIR"},
	{LO_IGNORE_VIOLATIONS, 0, "ignore-violations", OPT_NOARG, false, NULL,
	 "do not fail on ToMToU/open-writers violations"},
	{LO_DIGEST_ALGO, 0, "digest-algo", OPT_REQ, false, "ALGO",
	 "template digest algorithm of the list (default: sha1, or the file name's _<algo>)"},
	{LO_VERBOSE, 'v', "verbose", OPT_NOARG, false, NULL, "report every failing entry"},
	{0},
};

static const struct opt_spec bootaggr_opts[] = {
	OPT_JSON,
	OPT_PCRS_SPEC,
	{LO_EVENTLOG, 0, "eventlog", OPT_REQ, false, "FILE",
	 "TCG event log (default " BIOS_LOG_DEFAULT ")"},
	{LO_LOG, 0, "log", OPT_REQ, false, "FILE",
	 "compare with this measurement list's boot_aggregate entry"},
	{LO_BANK, 0, "bank", OPT_REQ, true, "ALGO", "only these banks"},
	{0},
};

static void hexs(FILE *f, const uint8_t *p, size_t n)
{
	print_hex(f, p, n);
}

/* One field as the kernel prints it in ascii_runtime_measurements. */
static void print_field(FILE *f, const imactl_mlog_field *fl)
{
	const char *id = fl->id;

	if (!fl->len)
		return;
	if (!strcmp(id, "d-ng") || !strcmp(id, "d-ngv2") || !strcmp(id, "d-modsig")) {
		const uint8_t *nul = memchr(fl->data, '\0', fl->len);
		if (nul) {
			fwrite(fl->data, 1, (size_t)(nul - fl->data), f);
			hexs(f, nul + 1, fl->len - (size_t)(nul - fl->data) - 1);
		}
	} else if (!strcmp(id, "n") || !strcmp(id, "n-ng") || !strcmp(id, "xattrnames")) {
		fwrite(fl->data, 1, strnlen((const char *)fl->data, fl->len), f);
	} else if (!strcmp(id, "iuid") || !strcmp(id, "igid") || !strcmp(id, "imode")) {
		unsigned long long v = 0;
		for (size_t i = fl->len; i > 0; i--)
			v = v << 8 | fl->data[i - 1];
		fprintf(f, "%llu", v);
	} else {
		hexs(f, fl->data, fl->len);
	}
}

static void print_entry_ascii(FILE *f, const imactl_mlog_entry *e)
{
	fprintf(f, "%2u ", e->pcr);
	hexs(f, e->digest, e->digest_len);
	fprintf(f, " %s", e->template_name);
	for (unsigned int i = 0; i < e->nfields; i++) {
		fputc(' ', f);
		print_field(f, &e->fields[i]);
	}
	fputc('\n', f);
}

static void print_entry_json(FILE *f, const imactl_mlog_entry *e, bool first)
{
	fprintf(f, "%s{\"index\":%llu,\"pcr\":%u,\"template_digest\":\"", first ? "" : ",\n",
		(unsigned long long)e->index, e->pcr);
	hexs(f, e->digest, e->digest_len);
	fprintf(f, "\",\"template\":");
	json_str(f, e->template_name);
	fprintf(f, ",\"violation\":%s", e->violation ? "true" : "false");
	if (e->file_digest) {
		fprintf(f, ",\"file_algo\":");
		json_str(f, e->file_algo_name ? e->file_algo_name : "");
		fprintf(f, ",\"file_digest\":\"");
		hexs(f, e->file_digest, e->file_digest_len);
		fputc('"', f);
	}
	if (e->name) {
		fprintf(f, ",\"name\":");
		json_str(f, e->name);
	}
	if (e->sig) {
		fprintf(f, ",\"sig\":\"");
		hexs(f, e->sig, e->sig_len);
		fputc('"', f);
	}
	if (e->buf) {
		fprintf(f, ",\"buf\":\"");
		hexs(f, e->buf, e->buf_len);
		fputc('"', f);
	}
	fputc('}', f);
}

struct show_state {
	bool json, first;
};

static void show_cb(void *ud, const imactl_mlog_entry *e, int tmpl_rc, enum sig_status sig,
		    const imactl_diag *sd)
{
	struct show_state *s = ud;

	(void)tmpl_rc, (void)sig, (void)sd;
	if (s->json)
		print_entry_json(stdout, e, s->first);
	else
		print_entry_ascii(stdout, e);
	s->first = false;
}

static int parse_args(struct largs *a, const char *usage, const char *summary,
		      const struct opt_spec *spec, int argc, char **argv, int *ret_optind)
{
	a->digest_algo = -1;
	return opts_parse(a->prog, usage, summary, spec, argc, argv, on_opt, a, ret_optind);
}

static int do_show(struct largs *a, const char *path)
{
	_cleanup_(imactl_ctx_freep) imactl_ctx *ctx = NULL;
	static const int banks[] = {IMACTL_HASH_SHA1};
	struct show_state st = {.json = a->json, .first = true};
	struct logcheck_opts o = {.path = path,
				  .digest_algo = a->digest_algo,
				  .banks = banks,
				  .nbanks = 1,
				  .on_entry = show_cb,
				  .ud = &st};
	struct logcheck_result res;
	imactl_diag d = {0};
	int r;

	if (imactl_ctx_new(&ctx, &d) < 0)
		return EXIT_OPER;
	if (a->json)
		printf("{\"entries\":[\n");
	r = logcheck_run(ctx, &o, &res, &d);
	if (r < 0) {
		print_diag(a->prog, path, &d, r);
		return EXIT_OPER;
	}
	if (a->json)
		printf("]}\n");
	logcheck_result_done(&res);
	if (res.parse_rc < 0) {
		print_diag(a->prog, path, &res.parse_diag, res.parse_rc);
		return EXIT_VERIFY;
	}
	return EXIT_OK;
}

/* Reference PCR values from --pcrs / --sysfs (or sysfs by default). 0, or an exit code. */
static int load_reference(struct largs *a, imactl_pcrs *p, bool *ret_have)
{
	imactl_diag d = {0};
	int r;

	*ret_have = false;
	for (size_t i = 0; i < a->npcrs; i++) {
		r = logcheck_load_pcrs(p, a->pcrs[i], &d);
		if (r < 0) {
			print_diag(a->prog, a->pcrs[i], &d, r);
			return EXIT_OPER;
		}
		*ret_have = true;
	}
	if (a->tpm) {
		/* tpm2-tss logs to stderr itself; the diag says what failed */
		setenv("TSS2_LOG", "all+none", 0);
		r = imactl_pcrs_read_tpm(p, a->tcti, NULL, 0, 0, &d);
		if (r < 0) {
			fprintf(stderr, "%s: cannot read PCRs from the TPM: %s\n", a->prog,
				d.msg[0] ? d.msg : imactl_strerror(r));
			return EXIT_OPER;
		}
		*ret_have = true;
	}
	if (a->sysfs || (!a->npcrs && !a->no_pcrs && !a->tpm)) {
		const char *dir = a->sysfs ? a->sysfs : TPM_SYSFS;
		r = imactl_pcrs_read_sysfs(p, dir, NULL, 0, &d);
		if (r < 0) {
			fprintf(stderr,
				"%s: no reference PCR values: %s (use --pcrs FILE, --sysfs DIR, "
				"--tpm or --no-pcrs)\n",
				a->prog, d.msg);
			return EXIT_OPER;
		}
		*ret_have = true;
	}
	return 0;
}

static const char *status_name(int s)
{
	switch (s) {
	case IMACTL_PCR_MATCH:
		return "match";
	case IMACTL_PCR_MATCH_AHEAD:
		return "match-ahead";
	case IMACTL_PCR_MISMATCH:
		return "mismatch";
	default:
		return "no-reference";
	}
}

static int do_verify(struct largs *a, const char *path)
{
	_cleanup_(imactl_ctx_freep) imactl_ctx *ctx = NULL;
	_cleanup_(imactl_pcrs_freep) imactl_pcrs *ref = NULL;
	_cleanup_(imactl_keyring_freep) imactl_keyring *kr = NULL;
	struct logcheck_opts o = {.path = path, .digest_algo = a->digest_algo};
	struct logcheck_result res;
	imactl_pcr_verdict v[MAX_BANKS * IMACTL_PCR_COUNT];
	int banks[MAX_BANKS];
	size_t nbanks = 0, nv;
	imactl_diag d = {0};
	bool have_ref, ok = true;
	int r, pr;

	if (a->no_pcrs && (a->tpm || a->npcrs || a->sysfs)) {
		fprintf(stderr, "%s: --no-pcrs conflicts with --pcrs, --sysfs, --tpm and --tcti\n",
			a->prog);
		return EXIT_USAGE;
	}
	if (imactl_ctx_new(&ctx, &d) < 0 || imactl_pcrs_new(&ref) < 0)
		return EXIT_OPER;
	r = load_reference(a, ref, &have_ref);
	if (r)
		return r;
	for (size_t i = 0; i < a->nbanks; i++)
		add_bank(banks, &nbanks, a->banks[i]);
	for (int algo = 0; algo < IMACTL_HASH__MAX; algo++)
		if (imactl_pcrs_has_bank(ref, algo) && imactl_hash_available(ctx, algo))
			add_bank(banks, &nbanks, algo);
	if (!nbanks) {
		add_bank(banks, &nbanks, IMACTL_HASH_SHA1);
		add_bank(banks, &nbanks, IMACTL_HASH_SHA256);
	}
	if (a->nkeys || a->nkeydirs) {
		if (imactl_keyring_new(&kr) < 0)
			return EXIT_OPER;
		for (size_t i = 0; i < a->nkeys; i++) {
			imactl_key *k = NULL;
			r = imactl_key_load_public(ctx, a->keys[i], &k, &d);
			if (r < 0) {
				print_diag(a->prog, a->keys[i], &d, r);
				return EXIT_OPER;
			}
			imactl_keyring_add(kr, k);
		}
		for (size_t i = 0; i < a->nkeydirs; i++) {
			size_t skipped = 0;
			r = imactl_keyring_load_dir(ctx, kr, a->keydirs[i], &skipped, &d);
			if (r < 0) {
				print_diag(a->prog, a->keydirs[i], &d, r);
				return EXIT_OPER;
			}
		}
	}
	o.banks = banks;
	o.nbanks = nbanks;
	o.expected = have_ref ? ref : NULL;
	o.keyring = kr;
	r = logcheck_run(ctx, &o, &res, &d);
	if (r < 0) {
		print_diag(a->prog, path, &d, r);
		return EXIT_OPER;
	}
	nv = imactl_replay_verdicts(res.replay, v, ELEMENTSOF(v));
	if (nv > ELEMENTSOF(v))
		nv = ELEMENTSOF(v);
	pr = have_ref ? imactl_replay_result(res.replay) : 0;
	if (res.parse_rc < 0 || res.tmpl_bad || res.sig_bad || pr < 0 ||
	    (res.violations && !a->ignore_violations))
		ok = false;

	if (a->json) {
		printf("{\"file\":");
		json_str(stdout, path);
		printf(",\"entries\":%llu,\"templates\":{", (unsigned long long)res.entries);
		for (size_t i = 0; i < res.ntmpl; i++) {
			printf("%s", i ? "," : "");
			json_str(stdout, res.tmpl_names[i]);
			printf(":%llu", (unsigned long long)res.tmpl_counts[i]);
		}
		printf("},\"violations\":%llu,\"template_mismatches\":%llu",
		       (unsigned long long)res.violations, (unsigned long long)res.tmpl_bad);
		if (res.first_tmpl_bad >= 0) {
			printf(",\"first_template_mismatch\":{\"index\":%lld,\"name\":",
			       (long long)res.first_tmpl_bad);
			json_str(stdout, res.first_tmpl_bad_name);
			printf("}");
		}
		if (kr) {
			printf(",\"signatures\":{\"verified\":%llu,\"failed\":%llu,\"no_key\":%llu,"
			       "\"unchecked\":%llu,\"unsigned\":%llu}",
			       (unsigned long long)res.sig_ok, (unsigned long long)res.sig_bad,
			       (unsigned long long)res.sig_nokey,
			       (unsigned long long)res.sig_unsupported,
			       (unsigned long long)res.sig_none);
			if (res.first_sig_bad >= 0) {
				printf(",\"first_signature_failure\":{\"index\":%lld,\"name\":",
				       (long long)res.first_sig_bad);
				json_str(stdout, res.first_sig_bad_name);
				printf("}");
			}
		}
		printf(",\"pcrs\":[");
		for (size_t i = 0; i < nv; i++) {
			printf("%s{\"bank\":\"%s\",\"pcr\":%u,\"status\":\"%s\",\"computed\":\"",
			       i ? "," : "", imactl_hash_name(v[i].algo), v[i].pcr,
			       status_name(v[i].status));
			hexs(stdout, v[i].computed, v[i].len);
			printf("\"");
			if (v[i].status != IMACTL_PCR_NO_REFERENCE) {
				printf(",\"expected\":\"");
				hexs(stdout, v[i].expected, v[i].len);
				printf("\",\"matched_at\":%llu",
				       (unsigned long long)v[i].matched_at);
			}
			printf("}");
		}
		printf("]");
		if (res.parse_rc < 0) {
			printf(",\"error\":");
			json_str(stdout, res.parse_diag.msg);
		}
		printf(",\"result\":\"%s\"}\n", ok ? "ok" : "fail");
	} else {
		printf("%s: %llu entries", path, (unsigned long long)res.entries);
		for (size_t i = 0; i < res.ntmpl; i++)
			printf("%s%s %llu", i ? ", " : " (", res.tmpl_names[i],
			       (unsigned long long)res.tmpl_counts[i]);
		printf("%s\n", res.ntmpl ? ")" : "");
		if (res.parse_rc < 0)
			print_diag(a->prog, path, &res.parse_diag, res.parse_rc);
		printf("template digests: %llu mismatched", (unsigned long long)res.tmpl_bad);
		if (res.first_tmpl_bad >= 0)
			printf(", first at entry %lld '%s'", (long long)res.first_tmpl_bad,
			       res.first_tmpl_bad_name);
		printf("\nviolations: %llu%s\n", (unsigned long long)res.violations,
		       res.violations && a->ignore_violations ? " (ignored)" : "");
		if (kr) {
			printf("signatures: %llu verified, %llu failed, %llu without key, %llu "
			       "unchecked, %llu unsigned",
			       (unsigned long long)res.sig_ok, (unsigned long long)res.sig_bad,
			       (unsigned long long)res.sig_nokey,
			       (unsigned long long)res.sig_unsupported,
			       (unsigned long long)res.sig_none);
			if (res.first_sig_bad >= 0)
				printf(", first failure at entry %lld '%s'",
				       (long long)res.first_sig_bad, res.first_sig_bad_name);
			printf("\n");
		}
		for (size_t i = 0; i < nv; i++) {
			printf("PCR-%02u %s: %s", v[i].pcr, imactl_hash_name(v[i].algo),
			       status_name(v[i].status));
			if (v[i].status == IMACTL_PCR_MATCH_AHEAD)
				printf(" at entry %llu; later entries not yet in the PCR",
				       (unsigned long long)v[i].matched_at);
			printf("\n  computed ");
			hexs(stdout, v[i].computed, v[i].len);
			if (v[i].status != IMACTL_PCR_NO_REFERENCE) {
				printf("\n  expected ");
				hexs(stdout, v[i].expected, v[i].len);
			}
			printf("\n");
		}
		if (pr == -EKEYREJECTED && res.first_tmpl_bad < 0)
			printf("PCR mismatch not localised to an entry: entries altered with "
			       "recomputed template digests, dropped or missing\n");
		else if (pr == -ENODATA && have_ref)
			printf("no reference value for any PCR the list extends\n");
		printf("result: %s\n", ok ? "ok" : "FAILED");
	}
	logcheck_result_done(&res);
	return ok ? EXIT_OK : EXIT_VERIFY;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: imactl log COMMAND [OPTIONS] [FILE]\n\n"
		   "Commands:\n"
		   "  show     print a binary or ascii measurement list (kernel ascii format, or "
		   "--json)\n"
		   "  verify   re-check template digests, signatures; replay every bank against "
		   "reference PCRs\n"
		   "  check    check entries against a golden list (--golden FILE)\n"
		   "  diff     compare two measurement lists (names added, removed, changed)\n"
		   "\nFILE defaults to " IMA_LOG_DEFAULT ".\n");
}

int cmd_log(int argc, char **argv)
{
	struct largs a = {0};
	int optind_ret = 0, r;
	const char *path = IMA_LOG_DEFAULT;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help_word(argv[1])) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "show")) {
		a.prog = "imactl log show";
		r = parse_args(&a, "[OPTIONS] [FILE|-]",
			       "Print a measurement list as the kernel's ascii list, or as JSON.",
			       show_opts, argc - 1, argv + 1, &optind_ret);
		if (r)
			return r < 0 ? EXIT_OK : r;
		if (argc - 1 - optind_ret > 1)
			return EXIT_USAGE;
		if (optind_ret < argc - 1)
			path = argv[1 + optind_ret];
		return do_show(&a, path);
	}
	if (!strcmp(argv[1], "verify")) {
		a.prog = "imactl log verify";
		r = parse_args(
			&a, "[OPTIONS] [FILE|-]",
			"Verify a measurement list: template digests, signatures (with -k or "
			"--keydir), and the replay of every bank against reference PCR "
			"values (--pcrs, --sysfs, --tpm; sysfs by default).",
			verify_opts, argc - 1, argv + 1, &optind_ret);
		if (r)
			return r < 0 ? EXIT_OK : r;
		if (argc - 1 - optind_ret > 1)
			return EXIT_USAGE;
		if (optind_ret < argc - 1)
			path = argv[1 + optind_ret];
		return do_verify(&a, path);
	}
	if (!strcmp(argv[1], "check"))
		return cmd_log_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return cmd_log_diff(argc - 1, argv + 1);
	fprintf(stderr, "imactl log: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

int cmd_bootaggr(int argc, char **argv)
{
	_cleanup_(imactl_ctx_freep) imactl_ctx *ctx = NULL;
	_cleanup_(imactl_pcrs_freep) imactl_pcrs *p = NULL;
	struct largs a = {.prog = "imactl bootaggr", .no_pcrs = true};
	imactl_diag d = {0};
	int optind_ret = 0, r, rc = EXIT_OK;
	bool first = true, compared = false;

	r = parse_args(&a, "[OPTIONS]",
		       "Compute IMA's boot_aggregate for every PCR bank (sha1 over PCR 0-7, others "
		       "over PCR 0-9) from the TCG event log or PCR values, and compare it with "
		       "a measurement list's first entry (--log).",
		       bootaggr_opts, argc, argv, &optind_ret);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (optind_ret != argc) {
		fprintf(stderr, "%s: unexpected operand '%s'\n", a.prog, argv[optind_ret]);
		return EXIT_USAGE;
	}
	if (imactl_ctx_new(&ctx, &d) < 0 || imactl_pcrs_new(&p) < 0)
		return EXIT_OPER;
	if (a.npcrs || a.sysfs || a.tpm) {
		bool have;
		r = load_reference(&a, p, &have);
		if (r)
			return r;
	} else {
		_cleanup_free_ uint8_t *buf = NULL;
		const char *ev = a.eventlog ? a.eventlog : BIOS_LOG_DEFAULT;
		size_t len;

		r = logcheck_read_file(ev, 64u << 20, &buf, &len);
		if (r < 0) {
			fprintf(stderr, "%s: cannot read event log '%s': %s\n", a.prog, ev,
				strerror(-r));
			return EXIT_OPER;
		}
		r = imactl_eventlog_replay(ctx, buf, len, p, NULL, &d);
		if (r < 0) {
			print_diag(a.prog, ev, &d, r);
			return EXIT_VERIFY;
		}
	}
	struct logcheck_result res = {0};
	if (a.log) {
		static const int sha1[] = {IMACTL_HASH_SHA1};
		struct logcheck_opts o = {
			.path = a.log, .digest_algo = -1, .banks = sha1, .nbanks = 1};
		r = logcheck_run(ctx, &o, &res, &d);
		if (r < 0) {
			print_diag(a.prog, a.log, &d, r);
			return EXIT_OPER;
		}
		logcheck_result_done(&res);
		if (!res.have_first) {
			fprintf(stderr, "%s: '%s' does not start with a boot_aggregate entry\n",
				a.prog, a.log);
			return EXIT_VERIFY;
		}
	}
	if (a.json)
		printf("{\"boot_aggregate\":{");
	for (int algo = 0; algo < IMACTL_HASH__MAX; algo++) {
		uint8_t agg[IMACTL_MAX_DIGEST_SIZE];
		bool want = !a.nbanks;

		for (size_t i = 0; i < a.nbanks; i++)
			want |= a.banks[i] == algo;
		if (!want || !imactl_pcrs_has_bank(p, algo) ||
		    imactl_boot_aggregate(ctx, algo, p, agg, NULL) < 0)
			continue;
		if (a.json) {
			printf("%s\"%s\":\"", first ? "" : ",", imactl_hash_name(algo));
			hexs(stdout, agg, imactl_hash_size(algo));
			printf("\"");
		} else {
			printf("%s:", imactl_hash_name(algo));
			hexs(stdout, agg, imactl_hash_size(algo));
			printf("\n");
		}
		first = false;
		if (a.log && res.first_algo == algo) {
			compared = true;
			if (memcmp(agg, res.first_digest, res.first_len) ||
			    res.first_len != imactl_hash_size(algo))
				rc = EXIT_VERIFY;
		}
	}
	if (a.json) {
		printf("}");
		if (a.log)
			printf(",\"log\":{\"bank\":\"%s\",\"result\":\"%s\"}",
			       imactl_hash_name(res.first_algo) ? imactl_hash_name(res.first_algo)
								: "?",
			       !compared ? "not-compared"
			       : rc	 ? "mismatch"
					 : "match");
		printf("}\n");
	} else if (a.log) {
		if (!compared)
			printf("%s: no %s boot_aggregate could be computed to compare\n", a.log,
			       imactl_hash_name(res.first_algo) ? imactl_hash_name(res.first_algo)
								: "?");
		else
			printf("%s: boot_aggregate (%s) %s\n", a.log,
			       imactl_hash_name(res.first_algo), rc ? "MISMATCH" : "matches");
	}
	if (first) {
		fprintf(stderr, "%s: no bank has PCR 0-9\n", a.prog);
		return EXIT_OPER;
	}
	if (a.log && !compared)
		return EXIT_VERIFY;
	return rc;
}
