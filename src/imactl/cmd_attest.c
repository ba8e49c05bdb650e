/* SPDX-License-Identifier: MIT */
/*
 * imactl attest verify: a TPM quote (AK signature, nonce, PCR digest), the
 * measurement list replayed to the quoted PCR values in every quoted bank,
 * and optionally the list's entries against a golden list, in one verdict.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "goldencheck.h"
#include "imactl/quote.h"
#include "logcheck.h"
#include "opts.h"
#include "util/cleanup.h"
#include "util/hex.h"

#define MAX_PCR_ARGS 8
#define MAX_EXCLUDES 64
#define MAX_BANKS    IMACTL_QUOTE_BANKS_MAX
#define SMALL_MAX    (64u << 10)

enum {
	AO_QUOTE = 1,
	AO_SIG,
	AO_SIG_FORMAT,
	AO_AK,
	AO_NONCE,
	AO_LOG,
	AO_GOLDEN,
	AO_EXCLUDE,
	AO_PCRS,
	AO_DIGEST_ALGO,
	AO_HASH_ALGO,
	AO_IGNORE_VIOLATIONS,
	AO_JSON,
};

enum { FMT_AUTO = 0, FMT_TSS, FMT_PLAIN };

struct aargs {
	const char *prog;
	const char *quote, *sig, *ak, *nonce, *log, *golden;
	int sig_format, digest_algo, hash_algo;
	const char *pcrs[MAX_PCR_ARGS];
	size_t npcrs;
	const char *excludes[MAX_EXCLUDES];
	size_t nexcludes;
	bool ignore_violations, json;
};

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_ctx *, imactl_ctx_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_key *, imactl_key_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_pcrs *, imactl_pcrs_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_golden *, imactl_golden_free)

static int on_opt(void *ud, int id, const char *arg)
{
	struct aargs *a = ud;
	int algo;

	switch (id) {
	case AO_QUOTE:
		a->quote = arg;
		break;
	case AO_SIG:
		a->sig = arg;
		break;
	case AO_SIG_FORMAT:
		if (!strcmp(arg, "tss"))
			a->sig_format = FMT_TSS;
		else if (!strcmp(arg, "plain"))
			a->sig_format = FMT_PLAIN;
		else {
			fprintf(stderr, "%s: --sig-format is 'tss' or 'plain'\n", a->prog);
			return EXIT_USAGE;
		}
		break;
	case AO_AK:
		a->ak = arg;
		break;
	case AO_NONCE:
		a->nonce = arg;
		break;
	case AO_LOG:
		a->log = arg;
		break;
	case AO_GOLDEN:
		a->golden = arg;
		break;
	case AO_EXCLUDE:
		return OPT_PUSH(a->prog, "exclude", a->excludes, a->nexcludes, arg);
	case AO_PCRS:
		return OPT_PUSH(a->prog, "pcrs", a->pcrs, a->npcrs, arg);
	case AO_DIGEST_ALGO:
	case AO_HASH_ALGO:
		algo = opt_tpm_hash(a->prog, arg, "a TPM hash");
		if (algo < 0) {
			return EXIT_USAGE;
		}
		if (id == AO_DIGEST_ALGO)
			a->digest_algo = algo;
		else
			a->hash_algo = algo;
		break;
	case AO_IGNORE_VIOLATIONS:
		a->ignore_violations = true;
		break;
	case AO_JSON:
		a->json = true;
		break;
	}
	return 0;
}

static const struct opt_spec verify_opts[] = {
	{AO_QUOTE, 'm', "quote", OPT_REQ, false, "FILE", "TPMS_ATTEST (tpm2_quote -m)"},
	{AO_SIG, 's', "sig", OPT_REQ, false, "FILE", "signature (tpm2_quote -s)"},
	{AO_SIG_FORMAT, 0, "sig-format", OPT_REQ, false, "tss|plain",
	 "signature format (default: tss when it parses as a TPMT_SIGNATURE, else plain)"},
	{AO_HASH_ALGO, 0, "hash-algo", OPT_REQ, false, "ALGO",
	 "hash of a plain signature (default sha256)"},
	{AO_AK, 'k', "ak", OPT_REQ, false, "PEM", "attestation key's public key"},
	{AO_NONCE, 'q', "nonce", OPT_REQ, false, "HEX", "the nonce (qualifying data) sent"},
	{AO_PCRS, 0, "pcrs", OPT_REQ, true, "[ALGO,]FILE",
	 "PCR values quoted: tpm2_pcrread output or evmctl's 'PCR-NN: hex' (default: the "
	 "values the log replays to)"},
	{AO_LOG, 'l', "log", OPT_REQ, false, "FILE",
	 "measurement list that must replay to the quoted PCRs"},
	{AO_GOLDEN, 'g', "golden", OPT_REQ, false, "FILE",
	 "check the list's entries against this golden list"},
	{AO_EXCLUDE, 0, "exclude", OPT_REQ, true, "REGEX", "golden check: skip matching paths"},
	{AO_IGNORE_VIOLATIONS, 0, "ignore-violations", OPT_NOARG, false, NULL,
	 "golden check: report violations without failing"},
	{AO_DIGEST_ALGO, 0, "digest-algo", OPT_REQ, false, "ALGO",
	 "template digest algorithm of the list (default: sha1, or the file name's _<algo>)"},
	{AO_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output"},
	{0},
};

static const char *rc_word(int rc)
{
	return rc == 0 ? "ok" : rc == 1 ? "not-checked" : "fail";
}

static const char *pcr_status_name(int s)
{
	switch (s) {
	case IMACTL_PCR_MATCH:
		return "match";
	case IMACTL_PCR_MATCH_AHEAD:
		return "match-ahead";
	case IMACTL_PCR_MISMATCH:
		return "mismatch";
	default:
		return "not-quoted";
	}
}

/* Read the quote, signature and AK; 0 or an exit code. */
static int load_inputs(struct aargs *a, imactl_ctx *ctx, uint8_t **msg, size_t *msg_len,
		       imactl_tpm_sig *sig, imactl_key **ak, uint8_t *nonce, size_t *nonce_len)
{
	_cleanup_free_ uint8_t *sb = NULL;
	imactl_diag d = {0};
	size_t sl;
	long n;
	int r;

	r = logcheck_read_file(a->quote, SMALL_MAX, msg, msg_len);
	if (r < 0) {
		fprintf(stderr, "%s: cannot read quote '%s': %s\n", a->prog, a->quote,
			strerror(-r));
		return EXIT_OPER;
	}
	r = logcheck_read_file(a->sig, SMALL_MAX, &sb, &sl);
	if (r < 0) {
		fprintf(stderr, "%s: cannot read signature '%s': %s\n", a->prog, a->sig,
			strerror(-r));
		return EXIT_OPER;
	}
	if (a->sig_format != FMT_PLAIN) {
		r = imactl_tpm_sig_parse(sb, sl, sig, &d);
		if (r < 0 && a->sig_format == FMT_TSS) {
			print_diag(a->prog, a->sig, &d, r);
			return EXIT_VERIFY;
		}
	}
	if (a->sig_format == FMT_PLAIN || (a->sig_format == FMT_AUTO && r < 0)) {
		r = imactl_tpm_sig_plain(sb, sl, a->hash_algo, sig, &d);
		if (r < 0) {
			print_diag(a->prog, a->sig, &d, r);
			return EXIT_VERIFY;
		}
	}
	r = imactl_key_load_public(ctx, a->ak, ak, &d);
	if (r < 0) {
		print_diag(a->prog, a->ak, &d, r);
		return EXIT_OPER;
	}
	n = hex_decode(a->nonce, strlen(a->nonce), nonce, IMACTL_QUOTE_DATA_MAX);
	if (n < 0) {
		fprintf(stderr, "%s: --nonce '%s' is not hex of at most %d bytes\n", a->prog,
			a->nonce, IMACTL_QUOTE_DATA_MAX);
		return EXIT_USAGE;
	}
	*nonce_len = (size_t)n;
	return 0;
}

/* Banks the quote selects that imactl can replay. */
static size_t quote_banks(imactl_ctx *ctx, const imactl_quote *q, int *banks)
{
	size_t n = 0;

	for (size_t i = 0; i < q->nbanks; i++)
		if (q->banks[i].mask && q->banks[i].algo >= 0 &&
		    imactl_hash_available(ctx, q->banks[i].algo))
			banks[n++] = q->banks[i].algo;
	return n;
}

static uint32_t bank_mask(const imactl_quote *q, int algo)
{
	for (size_t i = 0; i < q->nbanks; i++)
		if (q->banks[i].algo == algo)
			return q->banks[i].mask;
	return 0;
}

static void print_check(FILE *f, const char *what, int rc, const imactl_diag *d)
{
	fprintf(f, "%-10s %s", what, rc_word(rc));
	if (rc < 0 && d->msg[0])
		fprintf(f, ": %s", d->msg);
	fputc('\n', f);
}

static void json_check(FILE *f, const char *what, int rc, const imactl_diag *d, bool comma)
{
	fprintf(f, "%s\"%s\":{\"result\":\"%s\"", comma ? "," : "", what, rc_word(rc));
	if (rc < 0) {
		fprintf(f, ",\"error\":");
		json_str(f, d->msg);
	}
	fputc('}', f);
}

static int do_verify(struct aargs *a)
{
	_cleanup_(imactl_ctx_freep) imactl_ctx *ctx = NULL;
	_cleanup_(imactl_key_freep) imactl_key *ak = NULL;
	_cleanup_(imactl_pcrs_freep) imactl_pcrs *claimed = NULL, *quoted = NULL;
	_cleanup_(imactl_golden_freep) imactl_golden *golden = NULL;
	_cleanup_free_ uint8_t *msg = NULL;
	imactl_tpm_sig sig;
	imactl_quote_result qr;
	imactl_quote_check chk;
	uint8_t nonce[IMACTL_QUOTE_DATA_MAX];
	size_t msg_len, nonce_len;
	imactl_diag d = {0};
	struct goldencheck gc = {0};
	struct logcheck_result res = {0};
	bool have_log_run = false, ok, replay_ok = true, gc_init = false;
	int banks[MAX_BANKS];
	size_t nbanks = 0;
	imactl_pcr_verdict v[MAX_BANKS * IMACTL_PCR_COUNT];
	size_t nv = 0;
	char uncovered[256] = "";
	int r;

	if (imactl_ctx_new(&ctx, &d) < 0 || imactl_pcrs_new(&claimed) < 0 ||
	    imactl_pcrs_new(&quoted) < 0)
		return EXIT_OPER;
	r = load_inputs(a, ctx, &msg, &msg_len, &sig, &ak, nonce, &nonce_len);
	if (r)
		return r;
	if (a->golden) {
		r = goldencheck_load(a->prog, a->golden, a->excludes, a->nexcludes, &golden);
		if (r)
			return r;
	}
	for (size_t i = 0; i < a->npcrs; i++) {
		r = logcheck_load_pcrs(claimed, a->pcrs[i], &d);
		if (r < 0) {
			print_diag(a->prog, a->pcrs[i], &d, r);
			return EXIT_OPER;
		}
	}

	/* Without --pcrs the values are the log's replay: parse the quote for its banks first. */
	if (!a->npcrs) {
		imactl_quote q;
		struct logcheck_opts o = {.path = a->log, .digest_algo = a->digest_algo};

		if (!a->log) {
			fprintf(stderr,
				"%s: give the quoted PCR values (--pcrs) or a log (--log)\n",
				a->prog);
			return EXIT_USAGE;
		}
		r = imactl_quote_parse(msg, msg_len, &q, &d);
		if (r < 0) {
			print_diag(a->prog, a->quote, &d, r);
			return EXIT_VERIFY;
		}
		o.banks = banks;
		o.nbanks = nbanks = quote_banks(ctx, &q, banks);
		if (!nbanks) {
			fprintf(stderr, "%s: the quote selects no bank imactl can replay\n",
				a->prog);
			return EXIT_VERIFY;
		}
		r = logcheck_run(ctx, &o, &res, &d);
		if (r < 0) {
			print_diag(a->prog, a->log, &d, r);
			return EXIT_OPER;
		}
		for (size_t i = 0; i < nbanks; i++)
			for (unsigned int p = 0; p < IMACTL_PCR_COUNT; p++) {
				const uint8_t *pv = imactl_pcrs_get(imactl_replay_pcrs(res.replay),
								    banks[i], p);
				if (pv)
					imactl_pcrs_set(claimed, banks[i], p, pv,
							imactl_hash_size(banks[i]));
			}
		logcheck_result_done(&res);
	}

	chk = (imactl_quote_check){.msg = msg,
				   .msg_len = msg_len,
				   .sig = &sig,
				   .ak = ak,
				   .nonce = nonce,
				   .nonce_len = nonce_len,
				   .pcrs = claimed};
	r = imactl_quote_verify(ctx, &chk, &qr, &d);
	if (qr.parse < 0) {
		print_diag(a->prog, a->quote, &qr.parse_diag, qr.parse);
		return EXIT_VERIFY;
	}

	if (a->json) {
		printf("{\"quote\":{\"nonce\":\"");
		print_hex(stdout, qr.quote.nonce, qr.quote.nonce_len);
		printf("\",\"clock\":%llu,\"reset_count\":%u,\"restart_count\":%u,\"safe\":%s,"
		       "\"firmware_version\":\"%016llx\",\"banks\":[",
		       (unsigned long long)qr.quote.clock, qr.quote.reset_count,
		       qr.quote.restart_count, qr.quote.safe ? "true" : "false",
		       (unsigned long long)qr.quote.firmware_version);
		for (size_t i = 0; i < qr.quote.nbanks; i++) {
			const char *bn = imactl_hash_name(qr.quote.banks[i].algo);
			bool first = true;
			printf("%s{\"bank\":\"%s\",\"pcrs\":[", i ? "," : "", bn ? bn : "?");
			for (unsigned int p = 0; p < 32; p++)
				if (qr.quote.banks[i].mask & (1u << p)) {
					printf("%s%u", first ? "" : ",", p);
					first = false;
				}
			printf("]}");
		}
		printf("],\"pcr_digest\":\"");
		print_hex(stdout, qr.quote.pcr_digest, qr.quote.pcr_digest_len);
		printf("\"");
		json_check(stdout, "signature", qr.signature, &qr.signature_diag, true);
		json_check(stdout, "nonce", qr.nonce, &qr.nonce_diag, true);
		json_check(stdout, "pcr_digest_check", qr.pcrs, &qr.pcrs_diag, true);
		printf("}");
	} else {
		printf("quote: %zu-byte nonce, clock %llu, reset %u, restart %u, banks",
		       qr.quote.nonce_len, (unsigned long long)qr.quote.clock, qr.quote.reset_count,
		       qr.quote.restart_count);
		for (size_t i = 0; i < qr.quote.nbanks; i++) {
			const char *bn = imactl_hash_name(qr.quote.banks[i].algo);
			bool first = true;
			printf(" %s:", bn ? bn : "?");
			for (unsigned int p = 0; p < 32; p++)
				if (qr.quote.banks[i].mask & (1u << p)) {
					printf("%s%u", first ? "" : ",", p);
					first = false;
				}
		}
		printf("\n");
		print_check(stdout, "signature", qr.signature, &qr.signature_diag);
		print_check(stdout, "nonce", qr.nonce, &qr.nonce_diag);
		print_check(stdout, "pcrs", qr.pcrs, &qr.pcrs_diag);
	}
	ok = r == 0;

	/* The log: replayed against the quoted values (only those the quote covers). */
	if (a->log && qr.pcrs == 0) {
		struct logcheck_opts o = {.path = a->log, .digest_algo = a->digest_algo};
		uint32_t mask;

		r = imactl_quote_selected(&qr.quote, claimed, quoted, &d);
		if (r < 0) {
			print_diag(a->prog, "--pcrs", &d, r);
			return EXIT_OPER;
		}
		nbanks = quote_banks(ctx, &qr.quote, banks);
		o.banks = banks;
		o.nbanks = nbanks;
		o.expected = quoted;
		if (golden) {
			if (goldencheck_init(&gc, golden, a->json, stdout) < 0)
				return EXIT_OPER;
			gc_init = true;
			gc.ignore_violations = a->ignore_violations;
			o.on_entry = goldencheck_entry;
			o.ud = &gc;
			if (a->json)
				printf(",\"golden\":{\"findings\":[\n");
		}
		r = nbanks ? logcheck_run(ctx, &o, &res, &d) : -EOPNOTSUPP;
		if (r < 0) {
			if (a->json)
				printf("%s}\n", golden ? "]}" : "");
			if (!nbanks)
				fprintf(stderr, "%s: the quote selects no bank imactl can replay\n",
					a->prog);
			else
				print_diag(a->prog, a->log, &d, r);
			if (gc_init)
				goldencheck_done(&gc);
			return nbanks ? EXIT_OPER : EXIT_VERIFY;
		}
		have_log_run = true;
		if (golden && a->json) {
			printf("],");
			goldencheck_summary_json(&gc, stdout);
			printf("}");
		}
		nv = imactl_replay_verdicts(res.replay, v, ELEMENTSOF(v));
		if (nv > ELEMENTSOF(v))
			nv = ELEMENTSOF(v);
		mask = imactl_replay_pcr_mask(res.replay);
		for (size_t i = 0; i < nbanks; i++) {
			uint32_t miss = mask & ~bank_mask(&qr.quote, banks[i]);
			if (miss) {
				size_t l = strlen(uncovered);
				snprintf(uncovered + l, sizeof(uncovered) - l, "%s%s PCRs 0x%x",
					 l ? ", " : "", imactl_hash_name(banks[i]), miss);
			}
		}
		for (size_t i = 0; i < nv; i++)
			if (v[i].status != IMACTL_PCR_MATCH &&
			    v[i].status != IMACTL_PCR_MATCH_AHEAD)
				replay_ok = false;
		if (uncovered[0] || imactl_replay_result(res.replay) < 0 || res.parse_rc < 0 ||
		    res.tmpl_bad)
			replay_ok = false;
		if (!replay_ok)
			ok = false;
		if (golden && !goldencheck_ok(&gc))
			ok = false;
	} else if (a->log) {
		ok = false;
	}

	if (a->json) {
		if (a->log) {
			printf(",\"log\":{\"file\":");
			json_str(stdout, a->log);
			if (have_log_run) {
				printf(",\"entries\":%llu,\"template_mismatches\":%llu,\"pcrs\":[",
				       (unsigned long long)res.entries,
				       (unsigned long long)res.tmpl_bad);
				for (size_t i = 0; i < nv; i++) {
					printf("%s{\"bank\":\"%s\",\"pcr\":%u,\"status\":\"%s\","
					       "\"computed\":\"",
					       i ? "," : "", imactl_hash_name(v[i].algo), v[i].pcr,
					       pcr_status_name(v[i].status));
					print_hex(stdout, v[i].computed, v[i].len);
					printf("\"}");
				}
				printf("]");
				if (uncovered[0]) {
					printf(",\"not_quoted\":");
					json_str(stdout, uncovered);
				}
				if (res.parse_rc < 0) {
					printf(",\"error\":");
					json_str(stdout, res.parse_diag.msg);
				}
			}
			printf(",\"result\":\"%s\"}", !have_log_run ? "not-checked"
						      : replay_ok   ? "ok"
								    : "fail");
		}
		printf(",\"result\":\"%s\"}\n", ok ? "ok" : "fail");
	} else {
		if (have_log_run) {
			printf("log: %s: %llu entries, %llu template digest mismatches\n", a->log,
			       (unsigned long long)res.entries, (unsigned long long)res.tmpl_bad);
			if (res.parse_rc < 0)
				print_diag(a->prog, a->log, &res.parse_diag, res.parse_rc);
			for (size_t i = 0; i < nv; i++) {
				printf("PCR-%02u %s: %s", v[i].pcr, imactl_hash_name(v[i].algo),
				       pcr_status_name(v[i].status));
				if (v[i].status == IMACTL_PCR_MATCH_AHEAD)
					printf(" at entry %llu; later entries not yet quoted",
					       (unsigned long long)v[i].matched_at);
				printf("\n");
			}
			if (uncovered[0])
				printf("log extends PCRs the quote does not cover: %s\n",
				       uncovered);
			if (golden)
				goldencheck_summary(&gc, stdout);
		} else if (a->log) {
			printf("log: not checked: the PCR values are not the quoted ones\n");
		}
		printf("result: %s\n", ok ? "ok" : "FAILED");
	}
	if (have_log_run)
		logcheck_result_done(&res);
	if (gc_init)
		goldencheck_done(&gc);
	return ok ? EXIT_OK : EXIT_VERIFY;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: imactl attest verify --quote MSG --sig SIG --ak AK.pem --nonce HEX "
		   "[--pcrs FILE] [--log LOG] [--golden G]\n\n"
		   "Verify a TPM 2.0 quote (tpm2_quote -m/-s), the measurement list's replay to "
		   "the quoted PCRs and the list's entries against a golden list.\n");
}

int cmd_attest(int argc, char **argv)
{
	struct aargs a = {
		.prog = "imactl attest verify", .digest_algo = -1, .hash_algo = IMACTL_HASH_SHA256};
	int optind_ret = 0, r;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help_word(argv[1])) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "verify")) {
		fprintf(stderr, "imactl attest: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	r = opts_parse(a.prog, "--quote MSG --sig SIG --ak PEM --nonce HEX [OPTIONS]",
		       "Verify a TPM quote: the AK signature, the nonce and the PCR digest over "
		       "the PCR values; replay the measurement list (--log) to the quoted values "
		       "in every quoted bank; check its entries against a golden list (--golden). "
		       "Exit 0 only when every check holds.",
		       verify_opts, argc - 1, argv + 1, on_opt, &a, &optind_ret);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (optind_ret != argc - 1) {
		fprintf(stderr, "%s: unexpected operand '%s'\n", a.prog, argv[1 + optind_ret]);
		return EXIT_USAGE;
	}
	if (!a.quote || !a.sig || !a.ak || !a.nonce) {
		fprintf(stderr, "%s: --quote, --sig, --ak and --nonce are required\n", a.prog);
		return EXIT_USAGE;
	}
	if (a.golden && !a.log) {
		fprintf(stderr, "%s: --golden needs --log\n", a.prog);
		return EXIT_USAGE;
	}
	return do_verify(&a);
}
