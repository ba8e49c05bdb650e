/* SPDX-License-Identifier: MIT */
/*
 * imactl explain PATH: what the kernel would do with an access to PATH.
 * The policy engine (imactl_policy_evaluate) decides which rules match; the
 * appraisal runs with the library (imactl_explain_appraise_fd), which names
 * the kernel's audit cause; the verdict follows ima_appraise= (enforce, log,
 * fix); the fix is one line, specific to the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "imactl/audit.h"
#include "imactl/policy.h"
#include "inspect_common.h"
#include "opts.h"
#include "util/cleanup.h"

#define POLICY_MAX (4u << 20)

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_policy *, imactl_policy_free)

enum {
	X_POLICY = 1,
	X_BUILTIN,
	X_CMDLINE,
	X_KERNEL,
	X_FUNC,
	X_MASK,
	X_UID,
	X_EUID,
	X_GID,
	X_EGID,
	X_FSUUID,
	X_KEY,
	X_KEYDIR,
	X_HMACKEY,
	X_EVM,
	X_MODE,
	X_IMA_HASH,
	X_XATTR_USER,
	X_JSON,
};

static const struct opt_spec explain_opts[] = {
	{X_POLICY, 'p', "policy", OPT_REQ, false, "FILE", "the IMA policy in force"},
	{X_BUILTIN, 'b', "builtin", OPT_REQ, false, "NAME",
	 "a builtin policy: tcb, appraise_tcb, secure_boot, critical_data (ima_policy=NAME)"},
	{X_CMDLINE, 'c', "cmdline", OPT_REQ, false, "STRING",
	 "the builtin policy and ima_appraise= mode of a kernel command line"},
	{X_KERNEL, 0, "kernel", OPT_REQ, false, "VERSION", "kernel release (default: newest)"},
	{X_FUNC, 'f', "func", OPT_REQ, false, "HOOK",
	 "BPRM_CHECK, FILE_CHECK, MMAP_CHECK ... (default: BPRM_CHECK for executables, "
	 "else FILE_CHECK)"},
	{X_MASK, 'm', "mask", OPT_REQ, false, "MASK", "MAY_READ|MAY_EXEC... (default: the hook's)"},
	{X_UID, 0, "uid", OPT_REQ, false, "N", "task uid (default 0; also sets euid)"},
	{X_EUID, 0, "euid", OPT_REQ, false, "N", "task effective uid"},
	{X_GID, 0, "gid", OPT_REQ, false, "N", "task gid (default 0; also sets egid)"},
	{X_EGID, 0, "egid", OPT_REQ, false, "N", "task effective gid"},
	{X_FSUUID, 0, "fsuuid", OPT_REQ, false, "UUID",
	 "the filesystem UUID for fsuuid= rules (default: looked up)"},
	{X_KEY, 'k', "key", OPT_REQ, true, "CERT[,CERT]", "certificates on the .ima/.evm keyring"},
	{X_KEY, 0, "cert", OPT_REQ, true, "CERT", "same as --key"},
	{X_KEYDIR, 0, "keydir", OPT_REQ, true, "DIR", "every certificate in DIR (/etc/keys/ima)"},
	{X_HMACKEY, 0, "hmackey", OPT_REQ, false, "FILE",
	 "EVM HMAC key: EVM is active and HMACs are checked"},
	{X_EVM, 0, "evm", OPT_NOARG, false, NULL, "EVM is active (a key is loaded in the kernel)"},
	{X_MODE, 0, "appraise-mode", OPT_REQ, false, "MODE",
	 "ima_appraise=: enforce (default), log, fix, off"},
	{X_IMA_HASH, 0, "ima-hash", OPT_REQ, false, "ALGO",
	 "the kernel's ima_hash (default sha256)"},
	{X_XATTR_USER, 0, "xattr-user", OPT_NOARG, false, NULL,
	 "read user.ima/user.evm instead of security.* (testing)"},
	{X_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output"},
	{0},
};

static const char *const modes[] = {"off", "enforce", "fix", "log"};

struct expl {
	const char *prog;
	const char *policy_file, *builtin, *cmdline;
	imactl_policy_options po;
	imactl_policy_access acc;
	bool set_func, set_mask, set_euid, set_egid, set_fsuuid, evm, user, json;
	int mode; /* -1: from the command line / default enforce */
	int ima_hash;
	struct keyopts k;
};

static int num(struct expl *e, const char *opt, const char *arg, uint32_t *ret)
{
	unsigned int v;

	if (opts_parse_u32(arg, 10, &v) < 0) {
		fprintf(stderr, "%s: --%s '%s' is not a number\n", e->prog, opt, arg);
		return EXIT_USAGE;
	}
	*ret = v;
	return 0;
}

static int on_opt(void *ud, int id, const char *arg)
{
	struct expl *e = ud;
	int r;

	switch (id) {
	case X_POLICY:
		e->policy_file = arg;
		break;
	case X_BUILTIN:
		e->builtin = arg;
		break;
	case X_CMDLINE:
		e->cmdline = arg;
		break;
	case X_KERNEL:
		if (imactl_policy_kernel_parse(arg, &e->po.kernel, NULL) < 0) {
			fprintf(stderr, "%s: unknown kernel release '%s'\n", e->prog, arg);
			return EXIT_USAGE;
		}
		break;
	case X_FUNC:
		e->acc.func = arg;
		e->set_func = true;
		break;
	case X_MASK:
		if (imactl_policy_mask_parse(arg, &e->acc.mask) < 0) {
			fprintf(stderr, "%s: bad --mask '%s'\n", e->prog, arg);
			return EXIT_USAGE;
		}
		e->set_mask = true;
		break;
	case X_UID:
		return num(e, "uid", arg, &e->acc.uid);
	case X_EUID:
		e->set_euid = true;
		return num(e, "euid", arg, &e->acc.euid);
	case X_GID:
		return num(e, "gid", arg, &e->acc.gid);
	case X_EGID:
		e->set_egid = true;
		return num(e, "egid", arg, &e->acc.egid);
	case X_FSUUID:
		if (imactl_uuid_parse(arg, e->acc.fsuuid) < 0) {
			fprintf(stderr, "%s: --fsuuid '%s' is not a UUID\n", e->prog, arg);
			return EXIT_USAGE;
		}
		e->set_fsuuid = true;
		break;
	case X_KEY:
		return keyopts_add_keys(&e->k, e->prog, (char *)arg);
	case X_KEYDIR:
		return keyopts_add_dir(&e->k, e->prog, arg);
	case X_HMACKEY:
		e->k.hmackey_path = arg;
		e->evm = true;
		break;
	case X_EVM:
		e->evm = true;
		break;
	case X_MODE:
		for (r = 0; r < 4; r++)
			if (!strcmp(arg, modes[r]))
				break;
		if (r == 4) {
			fprintf(stderr, "%s: --appraise-mode must be enforce, log, fix or off\n",
				e->prog);
			return EXIT_USAGE;
		}
		e->mode = r;
		break;
	case X_IMA_HASH:
		e->ima_hash = imactl_hash_from_name(arg);
		if (e->ima_hash < 0) {
			fprintf(stderr, "%s: unknown hash algorithm '%s'\n", e->prog, arg);
			return EXIT_USAGE;
		}
		break;
	case X_XATTR_USER:
		e->user = true;
		break;
	case X_JSON:
		e->json = true;
		break;
	}
	return 0;
}

static int load_policy(struct expl *e, imactl_policy **ret)
{
	imactl_diag d = {0};
	int r;

	if (e->policy_file) {
		_cleanup_free_ char *text = malloc(POLICY_MAX + 1);
		_cleanup_fclose_ FILE *f = fopen(e->policy_file, "re");
		long n;
		if (!text)
			return EXIT_OPER;
		if (!f) {
			fprintf(stderr, "%s: cannot open '%s': %s\n", e->prog, e->policy_file,
				strerror(errno));
			return EXIT_OPER;
		}
		n = read_stream(f, (uint8_t *)text, POLICY_MAX);
		if (n < 0) {
			fprintf(stderr, "%s: %s: %s\n", e->prog, e->policy_file, strerror((int)-n));
			return EXIT_OPER;
		}
		e->po.file = e->policy_file;
		r = imactl_policy_parse(text, (size_t)n, &e->po, ret, &d);
		if (r < 0) {
			print_diag(e->prog, e->policy_file, &d, r);
			fprintf(stderr,
				"%s: the kernel would reject this policy ('imactl policy check' "
				"says more)\n",
				e->prog);
			return EXIT_USAGE;
		}
		if (e->mode < 0)
			e->mode = IMACTL_POLICY_APPRAISE_ENFORCE;
		return 0;
	} else {
		imactl_policy_boot boot;
		char cmd[512];
		if (e->builtin)
			snprintf(cmd, sizeof(cmd), "ima_policy=%s", e->builtin);
		else
			snprintf(cmd, sizeof(cmd), "%s", e->cmdline);
		r = imactl_policy_boot_parse(cmd, strlen(cmd), &e->po, NULL, NULL, &boot, &d);
		if (r < 0) {
			fprintf(stderr, "%s: %s\n", e->prog, d.msg);
			return EXIT_USAGE;
		}
		if (e->builtin && !boot.builtin) {
			fprintf(stderr,
				"%s: unknown builtin policy '%s' (tcb, appraise_tcb, "
				"secure_boot, critical_data, fail_securely)\n",
				e->prog, e->builtin);
			return EXIT_USAGE;
		}
		if (e->mode < 0)
			e->mode = boot.appraise;
		r = imactl_policy_builtin(&boot, &e->po, ret, &d);
		if (r < 0) {
			fprintf(stderr, "%s: %s\n", e->prog, d.msg);
			return EXIT_OPER;
		}
		return 0;
	}
}

/* The superblock type of the mount holding @dev (/proc/self/mountinfo). */
static char *mount_fstype(dev_t dev)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	char *found = NULL;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		unsigned int maj, min;
		char *sep;
		if (sscanf(line, "%*s %*s %u:%u", &maj, &min) != 2 || makedev(maj, min) != dev)
			continue;
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		sep += 3;
		sep[strcspn(sep, " ")] = '\0';
		free(found);
		found = strndup(sep, strcspn(sep, "."));
	}
	return found;
}

static void rule_text(const imactl_policy *p, long i, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	if (i >= 0 && imactl_policy_print_rule(p, (size_t)i, buf, cap, &len) == 0 && len) {
		buf[len - 1] = '\0';
		if (len >= 2 && buf[len - 2] == ' ')
			buf[len - 2] = '\0';
	}
}

static void where(const imactl_policy_decision *dec, int cls, char *buf, size_t cap)
{
	if (dec->line[cls])
		snprintf(buf, cap, "line %lu", dec->line[cls]);
	else
		snprintf(buf, cap, "builtin rule %ld", dec->rule[cls] + 1);
}

/* The one-line fix, specific to what was found. */
static void fix_line(struct expl *e, const char *path, const imactl_explain_result *x,
		     const char *rule_where, char *buf, size_t cap)
{
	const imactl_audit_cause *c = imactl_audit_cause_find(x->op, x->cause);
	const char *dirs = e->k.nkeydirs ? e->k.keydirs[0] : e->k.nkeys ? e->k.keys[0] : NULL;
	char kl[600];

	if (!strcmp(x->cause, "missing-hash")) {
		snprintf(buf, cap,
			 "%s has no security.ima: hash it ('imactl hash %s') or sign it "
			 "('imactl sign -k KEY %s')",
			 path, path, path);
	} else if (!strcmp(x->cause, "IMA-signature-required") && x->ima_present) {
		snprintf(buf, cap,
			 "%s has only a hash and the rule (%s) requires a signature: sign it "
			 "('imactl sign -k KEY %s') with a key whose certificate is on .ima",
			 path, rule_where, path);
	} else if (!strcmp(x->cause, "IMA-signature-required")) {
		snprintf(buf, cap,
			 "%s has no security.ima and the rule (%s) requires a signature: sign it "
			 "('imactl sign -k KEY %s')",
			 path, rule_where, path);
	} else if (!strcmp(x->cause, "invalid-hash")) {
		snprintf(buf, cap,
			 "the content of %s changed after it was hashed: restore it, or re-hash it "
			 "if the change is legitimate ('imactl hash %s')",
			 path, path);
	} else if (!strcmp(x->cause, "invalid-signature") && x->has_keyid && !x->key && dirs) {
		snprintf(buf, cap,
			 "signed with key %08x, which no certificate in %s matches: import it or "
			 "re-sign",
			 x->keyid, dirs);
	} else if (!strcmp(x->cause, "invalid-signature") && x->has_keyid && !x->key) {
		snprintf(buf, cap,
			 "signed with key %08x: give --keydir/--key to check which certificate "
			 "matches; the kernel needs it on the .ima keyring",
			 x->keyid);
	} else if (!strcmp(x->cause, "invalid-signature") && x->key) {
		key_label(x->key, kl, sizeof(kl));
		snprintf(buf, cap,
			 "the signature by key %08x (%s) does not match the content now: %.200s; "
			 "re-sign or restore the file",
			 x->keyid, kl, x->detail);
	} else if (c) {
		snprintf(buf, cap, "%s", c->fix);
	} else {
		snprintf(buf, cap, "see dmesg and 'imactl inspect %s'", path);
	}
}

static void json_rule(const char *name, const imactl_policy *p, const imactl_policy_decision *dec,
		      int cls, unsigned int bit)
{
	char src[4096];

	rule_text(p, dec->rule[cls], src, sizeof(src));
	printf("\"%s\": {\"action\": %s, \"rule\": %ld, \"line\": %lu, \"text\": ", name,
	       (dec->actions & bit) ? "true" : "false", dec->rule[cls], dec->line[cls]);
	json_str(stdout, src);
	printf("}");
}

int cmd_explain(int argc, char **argv)
{
	struct expl e = {
		.prog = "imactl explain",
		.po = IMACTL_POLICY_OPTIONS_INIT,
		.mode = -1,
		.ima_hash = IMACTL_HASH_SHA256,
	};
	_cleanup_(imactl_policy_freep) imactl_policy *p = NULL;
	imactl_ctx *ctx = NULL;
	imactl_policy_decision dec;
	imactl_explain_result x = {0};
	imactl_explain_opts xo = {0};
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *fsname = NULL;
	imactl_diag d = {0};
	const char *path;
	char selinux[256], rw[64] = "", fix[1024] = "", comm[17] = "<reader>";
	bool appraised = false, denied = false;
	struct stat st;
	struct statfs sfs;
	int optind_ = 0, r, rc = EXIT_OK;

	r = opts_parse(
		e.prog,
		"PATH (--policy FILE | --builtin NAME | --cmdline STRING) [--func HOOK] "
		"[--uid N ...] [--keydir DIR] [--hmackey FILE]",
		"Explain what the kernel would do with an access to PATH: the policy rules "
		"that match,\nwhat is measured and appraised, what appraisal finds on this "
		"file, the verdict with\nthe kernel's audit cause, and the fix.  Exit status: "
		"0 allowed, 1 denied, 2 usage,\n3 operational error.",
		explain_opts, argc, argv, on_opt, &e, &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r)
		return r;
	if (argc - optind_ != 1) {
		fprintf(stderr, "%s: give exactly one PATH\nTry '%s --help'.\n", e.prog, e.prog);
		return EXIT_USAGE;
	}
	if (!!e.policy_file + !!e.builtin + !!e.cmdline != 1) {
		fprintf(stderr, "%s: give one of --policy, --builtin, --cmdline\n", e.prog);
		return EXIT_USAGE;
	}
	path = argv[optind_];
	r = load_policy(&e, &p);
	if (r)
		return r;

	/* The access: the file the path reaches (symlinks followed, as the access would). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0) {
		fprintf(stderr, "%s: cannot open '%s': %s\n", e.prog, path, strerror(errno));
		return EXIT_OPER;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: '%s' is not a regular file (IMA only acts on those)\n", e.prog,
			path);
		return EXIT_USAGE;
	}
	if (!e.set_func)
		e.acc.func = (st.st_mode & 0111) ? "BPRM_CHECK" : "FILE_CHECK";
	if (!e.set_mask)
		e.acc.mask =
			(!strcmp(e.acc.func, "BPRM_CHECK") || !strcmp(e.acc.func, "MMAP_CHECK") ||
			 !strcmp(e.acc.func, "MMAP_CHECK_REQPROT") ||
			 !strcmp(e.acc.func, "FILE_MMAP") || !strcmp(e.acc.func, "CREDS_CHECK"))
				? IMACTL_POLICY_MAY_EXEC
				: IMACTL_POLICY_MAY_READ;
	if (!e.set_euid)
		e.acc.euid = e.acc.uid;
	e.acc.suid = e.acc.euid;
	if (!e.set_egid)
		e.acc.egid = e.acc.gid;
	e.acc.sgid = e.acc.egid;
	e.acc.fowner = st.st_uid;
	e.acc.fgroup = st.st_gid;
	e.acc.fsmagic = (unsigned long)sfs.f_type;
	fsname = mount_fstype(st.st_dev);
	e.acc.fsname = fsname;
	if (!e.set_fsuuid && imactl_fs_uuid_fd(fd, e.acc.fsuuid, NULL) < 0)
		memset(e.acc.fsuuid, 0, 16);
	{
		ssize_t n = fgetxattr(fd, "security.selinux", selinux, sizeof(selinux) - 1);
		if (n > 0) {
			char *s = selinux;
			selinux[n] = '\0';
			e.acc.obj_user = strsep(&s, ":");
			e.acc.obj_role = s ? strsep(&s, ":") : NULL;
			e.acc.obj_type = s ? strsep(&s, ":") : NULL;
		}
	}
	r = imactl_policy_evaluate(p, &e.acc, &dec, &d);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", e.prog, d.msg);
		return EXIT_USAGE;
	}

	if (imactl_ctx_new(&ctx, NULL) < 0)
		return EXIT_OPER;
	rc = keyopts_load(&e.k, ctx, e.prog);
	if (rc)
		goto out;

	appraised =
		(dec.actions & IMACTL_POLICY_ACT_APPRAISE) && e.mode != IMACTL_POLICY_APPRAISE_OFF;
	if (appraised) {
		xo.flags =
			(e.user ? IMACTL_EXPLAIN_USER_XATTRS : 0) |
			(e.evm ? IMACTL_EXPLAIN_EVM_ACTIVE : 0) |
			((dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED)
				 ? IMACTL_EXPLAIN_DIGSIG_REQUIRED
				 : 0) |
			((dec.flags & IMACTL_POLICY_VERITY_REQUIRED)
				 ? IMACTL_EXPLAIN_VERITY_REQUIRED
				 : 0) |
			((dec.flags & IMACTL_POLICY_MODSIG_ALLOWED) ? IMACTL_EXPLAIN_MODSIG_ALLOWED
								    : 0);
		xo.appraise_algos = dec.appraise_algos;
		xo.default_algo = e.ima_hash;
		xo.keyring = e.k.ring;
		xo.hmac_key = e.k.hmackey ? imactl_secret_data(e.k.hmackey) : NULL;
		xo.hmac_key_len = e.k.hmackey ? imactl_secret_len(e.k.hmackey) : 0;
		r = imactl_explain_appraise_fd(ctx, fd, &xo, &x, &d);
		if (r < 0) {
			print_diag(e.prog, path, &d, r);
			rc = EXIT_OPER;
			goto out;
		}
		where(&dec, IMACTL_POLICY_CLASS_APPRAISE, rw, sizeof(rw));
		if (!x.pass) {
			fix_line(&e, path, &x, rw, fix, sizeof(fix));
			denied = e.mode == IMACTL_POLICY_APPRAISE_ENFORCE;
			/* fix mode relabels hashes, never signatures (ima_appraise_measurement) */
			if (e.mode == IMACTL_POLICY_APPRAISE_FIX &&
			    x.ima_type != IMACTL_XATTR_DIGSIG && !strcmp(x.op, "appraise_data"))
				denied = false;
		}
	}
	{
		/* comm of the task: the basename of what executes or reads */
		const char *b = strrchr(path, '/');
		if (!strcmp(e.acc.func, "BPRM_CHECK"))
			snprintf(comm, sizeof(comm), "%s", b ? b + 1 : path);
	}

	if (e.json) {
		printf("{\"command\": \"explain\", \"path\": ");
		json_str(stdout, path);
		printf(", \"access\": {\"func\": ");
		json_str(stdout, e.acc.func);
		printf(", \"mask\": %u, \"uid\": %u, \"euid\": %u, \"gid\": %u, \"egid\": %u, "
		       "\"fowner\": %u, \"fgroup\": %u, \"fsmagic\": \"0x%lx\", \"fsname\": ",
		       e.acc.mask, e.acc.uid, e.acc.euid, e.acc.gid, e.acc.egid, e.acc.fowner,
		       e.acc.fgroup, e.acc.fsmagic);
		json_str(stdout, e.acc.fsname ? e.acc.fsname : "");
		printf("}, \"appraise_mode\": \"%s\", \"rules\": {", modes[e.mode]);
		json_rule("measure", p, &dec, IMACTL_POLICY_CLASS_MEASURE,
			  IMACTL_POLICY_ACT_MEASURE);
		printf(", ");
		json_rule("appraise", p, &dec, IMACTL_POLICY_CLASS_APPRAISE,
			  IMACTL_POLICY_ACT_APPRAISE);
		printf(", ");
		json_rule("audit", p, &dec, IMACTL_POLICY_CLASS_AUDIT, IMACTL_POLICY_ACT_AUDIT);
		printf(", ");
		json_rule("hash", p, &dec, IMACTL_POLICY_CLASS_HASH, IMACTL_POLICY_ACT_HASH);
		printf("}, \"digsig_required\": %s, \"verity_required\": %s, \"appraisal\": ",
		       (dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED) ? "true" : "false",
		       (dec.flags & IMACTL_POLICY_VERITY_REQUIRED) ? "true" : "false");
		if (!appraised) {
			printf("null");
		} else {
			printf("{\"pass\": %s, \"op\": ", x.pass ? "true" : "false");
			if (x.pass)
				printf("null, \"cause\": null");
			else {
				json_str(stdout, x.op);
				printf(", \"cause\": ");
				json_str(stdout, x.cause);
			}
			printf(", \"ima_type\": ");
			if (x.ima_present)
				printf("%u", x.ima_type);
			else
				printf("null");
			printf(", \"keyid\": ");
			if (x.has_keyid)
				printf("\"%08x\"", x.keyid);
			else
				printf("null");
			printf(", \"evm_status\": \"%s\", \"detail\": ",
			       imactl_evm_status_name(x.evm_status));
			json_str(stdout, x.detail);
			printf("}");
		}
		printf(", \"verdict\": \"%s\", \"fix\": ", denied ? "deny" : "allow");
		if (fix[0])
			json_str(stdout, fix);
		else
			printf("null");
		printf("}\n");
		goto verdict;
	}

	printf("access: %s %s, %s uid=%u euid=%u gid=%u, file owner %u:%u on %s (fsmagic 0x%lx)\n",
	       e.acc.func,
	       e.acc.mask == IMACTL_POLICY_MAY_EXEC   ? "MAY_EXEC"
	       : e.acc.mask == IMACTL_POLICY_MAY_READ ? "MAY_READ"
						      : "mask",
	       path, e.acc.uid, e.acc.euid, e.acc.gid, e.acc.fowner, e.acc.fgroup,
	       e.acc.fsname ? e.acc.fsname : "?", e.acc.fsmagic);
	{
		static const struct {
			const char *name;
			int cls;
			unsigned int bit;
		} classes[] = {
			{"measure", IMACTL_POLICY_CLASS_MEASURE, IMACTL_POLICY_ACT_MEASURE},
			{"appraise", IMACTL_POLICY_CLASS_APPRAISE, IMACTL_POLICY_ACT_APPRAISE},
			{"audit", IMACTL_POLICY_CLASS_AUDIT, IMACTL_POLICY_ACT_AUDIT},
			{"hash", IMACTL_POLICY_CLASS_HASH, IMACTL_POLICY_ACT_HASH},
		};
		for (size_t i = 0; i < ELEMENTSOF(classes); i++) {
			char src[4096], wh[64];
			int cls = classes[i].cls;
			if (dec.rule[cls] < 0) {
				printf("%-9s no   (no rule matches)\n", classes[i].name);
				continue;
			}
			rule_text(p, dec.rule[cls], src, sizeof(src));
			where(&dec, cls, wh, sizeof(wh));
			printf("%-9s %-4s (%s: %s)\n", classes[i].name,
			       (dec.actions & classes[i].bit) ? "yes" : "no", wh, src);
		}
	}
	if (dec.actions & IMACTL_POLICY_ACT_MEASURE)
		printf("measured: into PCR %d with template %s\n", dec.pcr >= 0 ? dec.pcr : 10,
		       dec.template_name ? dec.template_name : "(the default)");
	if (!(dec.actions & IMACTL_POLICY_ACT_APPRAISE)) {
		printf("appraisal: none (no appraise rule matches)\n");
		printf("verdict: ALLOW\n");
		goto verdict;
	}
	if (!appraised) {
		printf("appraisal: off (ima_appraise=off)\nverdict: ALLOW\n");
		goto verdict;
	}
	printf("appraisal: requires %s (%s)\n",
	       (dec.flags & IMACTL_POLICY_VERITY_REQUIRED)   ? "an fs-verity sigv3 signature"
	       : (dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED) ? "a signature (imasig)"
							     : "a valid hash or signature",
	       rw);
	if (x.ima_present)
		printf("  security.ima: type 0x%02x (%s), %d bytes%s", x.ima_type,
		       imactl_xattr_type_name(x.ima_type), x.ima_len, x.has_keyid ? "" : "\n");
	else
		printf("  security.ima: none\n");
	if (x.has_keyid) {
		char kl[600];
		if (x.key)
			key_label(x.key, kl, sizeof(kl));
		printf(", key %08x%s%s\n", x.keyid, x.key ? " = " : "",
		       x.key ? kl : (e.k.ring ? " (no given certificate matches)" : ""));
	}
	if (e.evm)
		printf("  EVM: %s\n", imactl_evm_status_name(x.evm_status));
	if (x.pass) {
		printf("  result: pass\nverdict: ALLOW\n");
		goto verdict;
	}
	printf("  result: fail: %s\n", x.detail);
	printf("verdict: %s, audit: type=1800 op=%s cause=%s comm=\"%s\" name=\"%s\" res=0\n",
	       denied ? "DENY (EACCES)"
	       : e.mode == IMACTL_POLICY_APPRAISE_LOG
		       ? "ALLOW (ima_appraise=log)"
		       : "ALLOW (ima_appraise=fix relabels the hash)",
	       x.op, x.cause, comm, path);
	printf("fix: %s\n", fix);
verdict:
	rc = denied ? EXIT_VERIFY : EXIT_OK;
out:
	keyopts_free(&e.k);
	imactl_ctx_free(ctx);
	return rc;
}
