/* SPDX-License-Identifier: MIT */
/*
 * imactl policy check|lint|print|builtin|explain: the IMA policy language
 * engine of libimactl (include/imactl/policy.h) on the command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "commands.h"
#include "imactl/policy.h"
#include "common.h"
#include "opts.h"
#include "util/cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_policy *, imactl_policy_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(imactl_policy_finding *, imactl_policy_findings_free)

#define INPUT_MAX (64u << 20) /* a policy or command line larger than this is refused */

enum {
	PO_KERNEL = 1,
	PO_JSON,
	PO_NO_MODSIG,
	PO_NO_ASYM,
	PO_LSM_UNDEFINED,
	PO_FIRST_LOAD,
	PO_TEMPLATE_FMT,
	PO_KERNEL_CONFIG,
	PO_LACKS_HASH,
	PO_CMDLINE,
	PO_DEFAULT_HASH,
	PO_DEFAULT_TEMPLATE,
	PO_CONFIG,
	PO_FUNC,
	PO_MASK,
	PO_PATH,
	PO_UID,
	PO_EUID,
	PO_SUID,
	PO_GID,
	PO_EGID,
	PO_SGID,
	PO_CAP_SETUID,
	PO_CAP_SETGID,
	PO_FOWNER,
	PO_FGROUP,
	PO_FSMAGIC,
	PO_FSNAME,
	PO_FSUUID,
	PO_OBJ_USER,
	PO_OBJ_ROLE,
	PO_OBJ_TYPE,
	PO_SUBJ_USER,
	PO_SUBJ_ROLE,
	PO_SUBJ_TYPE,
	PO_DATA,
};

#define COMMON_OPTS                                                                          \
	{PO_KERNEL,                                                                          \
	 'k',                                                                                \
	 "kernel",                                                                           \
	 OPT_REQ,                                                                            \
	 false,                                                                              \
	 "VERSION",                                                                          \
	 "check as this kernel release would (6.1, 6.12, newest; default newest)"},          \
		{PO_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output"},     \
		{PO_NO_MODSIG,                                                               \
		 0,                                                                          \
		 "no-modsig",                                                                \
		 OPT_NOARG,                                                                  \
		 false,                                                                      \
		 NULL,                                                                       \
		 "kernel built without CONFIG_IMA_APPRAISE_MODSIG"},                         \
		{PO_NO_ASYM,                                                                 \
		 0,                                                                          \
		 "no-asymmetric-keys",                                                       \
		 OPT_NOARG,                                                                  \
		 false,                                                                      \
		 NULL,                                                                       \
		 "kernel built without CONFIG_IMA_MEASURE_ASYMMETRIC_KEYS"},                 \
		{PO_LSM_UNDEFINED,                                                           \
		 0,                                                                          \
		 "lsm-undefined",                                                            \
		 OPT_NOARG,                                                                  \
		 false,                                                                      \
		 NULL,                                                                       \
		 "no active LSM defines the obj_/subj_ labels used"},                        \
		{PO_FIRST_LOAD,                                                              \
		 0,                                                                          \
		 "first-load",                                                               \
		 OPT_NOARG,                                                                  \
		 false,                                                                      \
		 NULL,                                                                       \
		 "the write replaces the boot policy (undefined labels are then rejected)"}, \
		{PO_KERNEL_CONFIG,                                                           \
		 0,                                                                          \
		 "kernel-config",                                                            \
		 OPT_REQ,                                                                    \
		 false,                                                                      \
		 "FILE",                                                                     \
		 "the kernel's .config (/boot/config-RELEASE): modsig, asymmetric keys, "    \
		 "32/64-bit, the hashes its crypto API has, and the release (unless "        \
		 "--kernel)"},                                                               \
		{PO_LACKS_HASH,                                                              \
		 0,                                                                          \
		 "kernel-lacks-hash",                                                        \
		 OPT_REQ,                                                                    \
		 true,                                                                       \
		 "ALGO[,ALGO]",                                                              \
		 "the kernel's crypto API lacks these hashes (appraise_algos= naming one "   \
		 "is rejected)"},                                                            \
	{                                                                                    \
		PO_TEMPLATE_FMT, 0, "template-fmt", OPT_REQ, false, "FMT",                   \
			"ima_template_fmt= in force (template=FMT is then known)"            \
	}

static const struct opt_spec file_opts[] = {
	COMMON_OPTS,
	{0},
};

static const struct opt_spec builtin_opts[] = {
	COMMON_OPTS,
	{PO_CMDLINE, 'c', "cmdline", OPT_REQ, false, "STRING", "kernel command line to apply"},
	{PO_DEFAULT_HASH, 0, "default-hash", OPT_REQ, false, "ALGO",
	 "CONFIG_IMA_DEFAULT_HASH (default sha1; Debian: sha256)"},
	{PO_DEFAULT_TEMPLATE, 0, "default-template", OPT_REQ, false, "NAME",
	 "CONFIG_IMA_DEFAULT_TEMPLATE (default ima-ng; Debian: ima-sig)"},
	{PO_CONFIG, 0, "config", OPT_REQ, true, "LIST",
	 "build/firmware facts: write_policy, signed_init, require_module_sigs, "
	 "require_firmware_sigs, require_kexec_sigs, require_policy_sigs, secure_boot, "
	 "no_kexec_sig, no_module_sig"},
	{0},
};

static const struct opt_spec explain_opts[] = {
	COMMON_OPTS,
	{PO_CMDLINE, 'c', "cmdline", OPT_REQ, false, "STRING",
	 "explain the builtin policy of this command line instead of FILE"},
	{PO_CONFIG, 0, "config", OPT_REQ, true, "LIST", "build/firmware facts, as for 'builtin'"},
	{PO_FUNC, 'f', "func", OPT_REQ, false, "HOOK", "the hook, e.g. BPRM_CHECK (required)"},
	{PO_MASK, 'm', "mask", OPT_REQ, false, "MASK",
	 "MAY_EXEC|MAY_READ|... (default: what the hook uses)"},
	{PO_PATH, 'p', "path", OPT_REQ, false, "PATH",
	 "fill owner, group, fsmagic, fsname and obj_ labels from this file"},
	{PO_UID, 0, "uid", OPT_REQ, false, "N", "task uid (default: sets uid, euid, suid)"},
	{PO_EUID, 0, "euid", OPT_REQ, false, "N", "task effective uid"},
	{PO_SUID, 0, "suid", OPT_REQ, false, "N", "task saved uid"},
	{PO_GID, 0, "gid", OPT_REQ, false, "N", "task gid (default: sets gid, egid, sgid)"},
	{PO_EGID, 0, "egid", OPT_REQ, false, "N", "task effective gid"},
	{PO_SGID, 0, "sgid", OPT_REQ, false, "N", "task saved gid"},
	{PO_CAP_SETUID, 0, "cap-setuid", OPT_NOARG, false, NULL, "the task has CAP_SETUID"},
	{PO_CAP_SETGID, 0, "cap-setgid", OPT_NOARG, false, NULL, "the task has CAP_SETGID"},
	{PO_FOWNER, 0, "fowner", OPT_REQ, false, "N", "file owner"},
	{PO_FGROUP, 0, "fgroup", OPT_REQ, false, "N", "file group"},
	{PO_FSMAGIC, 0, "fsmagic", OPT_REQ, false, "HEX|NAME", "filesystem magic or name"},
	{PO_FSNAME, 0, "fsname", OPT_REQ, false, "NAME", "filesystem type name"},
	{PO_FSUUID, 0, "fsuuid", OPT_REQ, false, "UUID", "filesystem UUID"},
	{PO_OBJ_USER, 0, "obj-user", OPT_REQ, false, "LABEL", "file LSM user"},
	{PO_OBJ_ROLE, 0, "obj-role", OPT_REQ, false, "LABEL", "file LSM role"},
	{PO_OBJ_TYPE, 0, "obj-type", OPT_REQ, false, "LABEL", "file LSM type"},
	{PO_SUBJ_USER, 0, "subj-user", OPT_REQ, false, "LABEL", "task LSM user"},
	{PO_SUBJ_ROLE, 0, "subj-role", OPT_REQ, false, "LABEL", "task LSM role"},
	{PO_SUBJ_TYPE, 0, "subj-type", OPT_REQ, false, "LABEL", "task LSM type"},
	{PO_DATA, 0, "data", OPT_REQ, false, "NAME",
	 "keyring (KEY_CHECK) or label (CRITICAL_DATA)"},
	{0},
};

struct args {
	const char *prog;
	imactl_policy_options po;
	bool kernel_set;	   /* --kernel given */
	const char *kernel_config; /* --kernel-config FILE */
	bool json;
	const char *cmdline;
	const char *default_hash, *default_template;
	/* explain */
	imactl_policy_access acc;
	bool have_mask, have_path;
	const char *path;
	bool set_uid, set_euid, set_suid, set_gid, set_egid, set_sgid, set_fowner, set_fgroup;
	bool set_fsmagic;
};

static int parse_config_list(struct args *a, const char *list)
{
	static const struct {
		const char *name;
		unsigned int flag;
	} cfg[] = {
		{"write_policy", IMACTL_POLICY_CFG_WRITE_POLICY},
		{"signed_init", IMACTL_POLICY_CFG_SIGNED_INIT},
		{"require_module_sigs", IMACTL_POLICY_CFG_REQ_MODULE},
		{"require_firmware_sigs", IMACTL_POLICY_CFG_REQ_FIRMWARE},
		{"require_kexec_sigs", IMACTL_POLICY_CFG_REQ_KEXEC},
		{"require_policy_sigs", IMACTL_POLICY_CFG_REQ_POLICY},
		{"secure_boot", IMACTL_POLICY_CFG_SECURE_BOOT},
		{"no_kexec_sig", IMACTL_POLICY_CFG_NO_KEXEC_SIG},
		{"no_module_sig", IMACTL_POLICY_CFG_NO_MODULE_SIG},
	};
	_cleanup_free_ char *copy = strdup(list);
	char *s = copy, *item;

	if (!copy)
		return EXIT_OPER;
	while ((item = strsep(&s, ",")) != NULL) {
		bool found = false;
		for (size_t i = 0; i < ELEMENTSOF(cfg); i++)
			if (!strcmp(cfg[i].name, item)) {
				a->po.flags |= cfg[i].flag;
				found = true;
			}
		if (!found) {
			fprintf(stderr, "%s: unknown --config item '%s'\n", a->prog, item);
			return EXIT_USAGE;
		}
	}
	return 0;
}

static int parse_id(struct args *a, const char *opt, const char *s, uint32_t *ret, bool *set)
{
	unsigned int v;

	if (opts_parse_u32(s, 10, &v) < 0) {
		fprintf(stderr, "%s: --%s: '%s' is not a number\n", a->prog, opt, s);
		return EXIT_USAGE;
	}
	*ret = v;
	if (set)
		*set = true;
	return 0;
}

static int parse_uuid(const char *s, uint8_t out[16])
{
	int n = 0;

	for (const char *c = s; *c; c++) {
		unsigned int hi, lo;
		if (*c == '-')
			continue;
		if (n == 16 || sscanf(c, "%1x%1x", &hi, &lo) != 2)
			return -EINVAL;
		out[n++] = (uint8_t)(hi << 4 | lo);
		c++;
	}
	return n == 16 ? 0 : -EINVAL;
}

static int on_opt(void *userdata, int id, const char *arg)
{
	struct args *a = userdata;
	imactl_diag d = {0};
	int r;

	switch (id) {
	case PO_KERNEL:
		r = imactl_policy_kernel_parse(arg, &a->po.kernel, &d);
		if (r < 0) {
			fprintf(stderr, "%s: --kernel: %s\n", a->prog, d.msg);
			return EXIT_USAGE;
		}
		a->kernel_set = true;
		if (a->po.kernel > IMACTL_POLICY_KERNEL_NEWEST)
			fprintf(stderr,
				"%s: kernel %s is newer than the newest modelled release (%u.%u); "
				"checking with that grammar\n",
				a->prog, arg, IMACTL_POLICY_KERNEL_NEWEST / 1000,
				IMACTL_POLICY_KERNEL_NEWEST % 1000);
		return 0;
	case PO_JSON:
		a->json = true;
		return 0;
	case PO_NO_MODSIG:
		a->po.flags |= IMACTL_POLICY_NO_MODSIG;
		return 0;
	case PO_NO_ASYM:
		a->po.flags |= IMACTL_POLICY_NO_ASYMMETRIC_KEYS;
		return 0;
	case PO_LSM_UNDEFINED:
		a->po.flags |= IMACTL_POLICY_LSM_UNDEFINED;
		return 0;
	case PO_FIRST_LOAD:
		a->po.flags |= IMACTL_POLICY_FIRST_LOAD;
		return 0;
	case PO_TEMPLATE_FMT:
		a->po.template_fmt = arg;
		return 0;
	case PO_KERNEL_CONFIG:
		a->kernel_config = arg;
		return 0;
	case PO_LACKS_HASH: {
		_cleanup_free_ char *copy = strdup(arg);
		char *s = copy, *item;
		if (!copy)
			return EXIT_OPER;
		while ((item = strsep(&s, ",")) != NULL) {
			int bit = imactl_policy_algo_lookup(item);
			if (bit < 0) {
				fprintf(stderr, "%s: --kernel-lacks-hash: unknown hash '%s'\n",
					a->prog, item);
				return EXIT_USAGE;
			}
			a->po.no_algos |= 1u << bit;
		}
		return 0;
	}
	case PO_CMDLINE:
		a->cmdline = arg;
		return 0;
	case PO_DEFAULT_HASH:
		a->default_hash = arg;
		return 0;
	case PO_DEFAULT_TEMPLATE:
		a->default_template = arg;
		return 0;
	case PO_CONFIG:
		return parse_config_list(a, arg);
	case PO_FUNC:
		a->acc.func = arg;
		return 0;
	case PO_MASK:
		if (imactl_policy_mask_parse(arg, &a->acc.mask) < 0) {
			fprintf(stderr, "%s: --mask: '%s' is not a mask\n", a->prog, arg);
			return EXIT_USAGE;
		}
		a->have_mask = true;
		return 0;
	case PO_PATH:
		a->path = arg;
		return 0;
	case PO_UID:
		return parse_id(a, "uid", arg, &a->acc.uid, &a->set_uid);
	case PO_EUID:
		return parse_id(a, "euid", arg, &a->acc.euid, &a->set_euid);
	case PO_SUID:
		return parse_id(a, "suid", arg, &a->acc.suid, &a->set_suid);
	case PO_GID:
		return parse_id(a, "gid", arg, &a->acc.gid, &a->set_gid);
	case PO_EGID:
		return parse_id(a, "egid", arg, &a->acc.egid, &a->set_egid);
	case PO_SGID:
		return parse_id(a, "sgid", arg, &a->acc.sgid, &a->set_sgid);
	case PO_CAP_SETUID:
		a->acc.cap_setuid = 1;
		return 0;
	case PO_CAP_SETGID:
		a->acc.cap_setgid = 1;
		return 0;
	case PO_FOWNER:
		return parse_id(a, "fowner", arg, &a->acc.fowner, &a->set_fowner);
	case PO_FGROUP:
		return parse_id(a, "fgroup", arg, &a->acc.fgroup, &a->set_fgroup);
	case PO_FSMAGIC: {
		unsigned long long m;
		unsigned long byname = imactl_policy_fs_magic(arg);
		if (byname)
			m = byname;
		else if (opts_parse_u64(arg, 16, &m) < 0 &&
			 (strncmp(arg, "0x", 2) || opts_parse_u64(arg + 2, 16, &m) < 0)) {
			fprintf(stderr, "%s: --fsmagic: '%s' is neither hex nor a known name\n",
				a->prog, arg);
			return EXIT_USAGE;
		}
		a->acc.fsmagic = (unsigned long)m;
		a->set_fsmagic = true;
		if (!a->acc.fsname && byname)
			a->acc.fsname = arg;
		return 0;
	}
	case PO_FSNAME:
		a->acc.fsname = arg;
		return 0;
	case PO_FSUUID:
		if (parse_uuid(arg, a->acc.fsuuid) < 0) {
			fprintf(stderr, "%s: --fsuuid: '%s' is not a UUID\n", a->prog, arg);
			return EXIT_USAGE;
		}
		return 0;
	case PO_OBJ_USER:
		a->acc.obj_user = arg;
		return 0;
	case PO_OBJ_ROLE:
		a->acc.obj_role = arg;
		return 0;
	case PO_OBJ_TYPE:
		a->acc.obj_type = arg;
		return 0;
	case PO_SUBJ_USER:
		a->acc.subj_user = arg;
		return 0;
	case PO_SUBJ_ROLE:
		a->acc.subj_role = arg;
		return 0;
	case PO_SUBJ_TYPE:
		a->acc.subj_type = arg;
		return 0;
	case PO_DATA:
		a->acc.func_data = arg;
		return 0;
	default:
		return EXIT_USAGE;
	}
}

/* ---- input and output helpers -------------------------------------------- */

static int read_all(const char *prog, const char *name, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!strcmp(name, "-"))
		fd = dup(STDIN_FILENO);
	else
		fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open '%s': %s\n", prog, name, strerror(errno));
		return EXIT_OPER;
	}
	for (;;) {
		ssize_t n;
		if (len + 4096 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 65536;
			if (cap > INPUT_MAX + 4096) {
				fprintf(stderr, "%s: '%s' is larger than %u bytes\n", prog, name,
					INPUT_MAX);
				return EXIT_OPER;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				fprintf(stderr, "%s: out of memory\n", prog);
				return EXIT_OPER;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: cannot read '%s': %s\n", prog, name, strerror(errno));
			return EXIT_OPER;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!buf && !(buf = malloc(1)))
		return EXIT_OPER;
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*c < 0x20)
				fprintf(f, "\\u%04x", *c);
			else
				fputc(*c, f);
		}
	}
	fputc('"', f);
}

static const char *display_name(const char *file)
{
	return strcmp(file, "-") ? file : "<stdin>";
}

static void kernel_name(const imactl_policy_options *po, char *buf, size_t size)
{
	unsigned int k = po->kernel ? po->kernel : IMACTL_POLICY_KERNEL_NEWEST;
	snprintf(buf, size, "%u.%u", k / 1000, k % 1000);
}

/* Print "file:line:col: error: msg" and the line with a caret, as compilers do. */
static void print_parse_error(const char *text, size_t len, const imactl_diag *d)
{
	fprintf(stderr, "%s:", d->file[0] ? d->file : "<input>");
	if (d->line)
		fprintf(stderr, "%lu:", d->line);
	if (d->column)
		fprintf(stderr, "%lu:", d->column);
	fprintf(stderr, " error: %s\n", d->msg);
	if (d->line && d->column) {
		const char *s = text, *end = text + len;
		for (unsigned long l = 1; l < d->line && s < end; l++) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			s = nl ? nl + 1 : end;
		}
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		int n = (int)((nl ? nl : end) - s);
		fprintf(stderr, "  %.*s\n  %*s^\n", n, s, (int)d->column - 1, "");
	}
}

static void json_error(const imactl_diag *d)
{
	printf("\"error\":{\"line\":%lu,\"column\":%lu,\"message\":", d->line, d->column);
	json_string(stdout, d->msg);
	printf("}");
}

/* Parse FILE into a policy; on rejection print the error (or JSON) and return 1. */
static int load_policy(struct args *a, const char *file, const char *cmd, imactl_policy **ret)
{
	_cleanup_free_ char *text = NULL;
	imactl_diag d = {0};
	char kname[16];
	size_t len;
	int r;

	r = read_all(a->prog, file, &text, &len);
	if (r)
		return r;
	a->po.file = display_name(file);
	r = imactl_policy_parse(text, len, &a->po, ret, &d);
	if (r == 0)
		return 0;
	if (r == -ENOMEM || r == -EOPNOTSUPP) {
		fprintf(stderr, "%s: %s\n", a->prog, d.msg);
		return EXIT_OPER;
	}
	kernel_name(&a->po, kname, sizeof(kname));
	if (a->json) {
		printf("{\"command\":\"%s\",\"file\":", cmd);
		json_string(stdout, a->po.file);
		printf(",\"kernel\":\"%s\",\"accepted\":false,", kname);
		json_error(&d);
		printf("}\n");
	} else {
		print_parse_error(text, len, &d);
	}
	return EXIT_VERIFY;
}

/* --kernel-config: the build facts of the kernel the policy is meant for. */
static int apply_kernel_config(struct args *a)
{
	_cleanup_free_ char *text = NULL;
	imactl_policy_kconfig k;
	imactl_diag d = {0};
	size_t len;
	int r = read_all(a->prog, a->kernel_config, &text, &len);

	if (r)
		return r;
	if (imactl_policy_kconfig_parse(text, len, &k, &d) < 0) {
		fprintf(stderr, "%s: --kernel-config %s: %s\n", a->prog, a->kernel_config, d.msg);
		return EXIT_USAGE;
	}
	a->po.flags |= k.flags;
	a->po.no_algos |= k.no_algos;
	if (!a->kernel_set && k.kernel)
		a->po.kernel = k.kernel;
	return 0;
}

static int parse_cmd_args(struct args *a, const char *usage, const char *summary,
			  const struct opt_spec *spec, int argc, char **argv, int *ret_optind)
{
	int r = opts_parse(a->prog, usage, summary, spec, argc, argv, on_opt, a, ret_optind);

	if (r < 0)
		return -1; /* --help */
	if (r == 0 && a->kernel_config)
		r = apply_kernel_config(a);
	return r;
}

/* ---- check / print / lint ------------------------------------------------ */

static int do_check(struct args *a, const char *file)
{
	_cleanup_(imactl_policy_freep) imactl_policy *p = NULL;
	char kname[16];
	int r = load_policy(a, file, "check", &p);

	if (r)
		return r;
	kernel_name(&a->po, kname, sizeof(kname));
	if (a->json) {
		printf("{\"command\":\"check\",\"file\":");
		json_string(stdout, a->po.file);
		printf(",\"kernel\":\"%s\",\"accepted\":true,\"rules\":%zu}\n", kname,
		       imactl_policy_rule_count(p));
	} else {
		printf("%s: accepted by kernel %s (%zu rules)\n", a->po.file, kname,
		       imactl_policy_rule_count(p));
	}
	return EXIT_OK;
}

static int do_print(struct args *a, const char *file)
{
	_cleanup_(imactl_policy_freep) imactl_policy *p = NULL;
	int r = load_policy(a, file, "print", &p);

	if (r)
		return r;
	if (a->json) {
		printf("{\"command\":\"print\",\"rules\":[");
		for (size_t i = 0, n = 0; i < imactl_policy_rule_count(p); i++) {
			char line[8192];
			size_t len;
			if (imactl_policy_rule_hidden(p, i))
				continue;
			if (imactl_policy_print_rule(p, i, line, sizeof(line), &len) < 0)
				return EXIT_OPER;
			if (len && line[len - 1] == '\n')
				line[len - 1] = '\0';
			printf("%s{\"line\":%lu,\"text\":", n++ ? "," : "",
			       imactl_policy_rule_line(p, i));
			json_string(stdout, line);
			printf("}");
		}
		printf("]}\n");
		return EXIT_OK;
	}
	for (size_t i = 0; i < imactl_policy_rule_count(p); i++) {
		char line[8192];
		size_t len;
		if (imactl_policy_rule_hidden(p, i))
			continue;
		if (imactl_policy_print_rule(p, i, line, sizeof(line), &len) < 0)
			return EXIT_OPER;
		fputs(line, stdout);
	}
	return EXIT_OK;
}

static int do_lint(struct args *a, const char *file)
{
	_cleanup_(imactl_policy_freep) imactl_policy *p = NULL;
	_cleanup_(imactl_policy_findings_freep) imactl_policy_finding *f = NULL;
	imactl_diag d = {0};
	size_t n = 0;
	int r = load_policy(a, file, "lint", &p);

	if (r)
		return r;
	r = imactl_policy_lint(p, &f, &n, &d);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", a->prog, d.msg);
		return EXIT_OPER;
	}
	if (a->json) {
		printf("{\"command\":\"lint\",\"file\":");
		json_string(stdout, a->po.file);
		printf(",\"accepted\":true,\"findings\":[");
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"code\":\"%s\",\"line\":%lu,\"column\":%lu,\"message\":",
			       i ? "," : "", f[i].code, f[i].line, f[i].column);
			json_string(stdout, f[i].msg);
			printf("}");
		}
		printf("]}\n");
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s:%lu:%lu: warning[%s]: %s\n", a->po.file, f[i].line, f[i].column,
			       f[i].code, f[i].msg);
		if (!n)
			printf("%s: no warnings\n", a->po.file);
	}
	return n ? EXIT_VERIFY : EXIT_OK;
}

/* ---- builtin ------------------------------------------------------------- */

static const char *const appraise_modes[] = {"off", "enforce", "fix", "log"};

static int boot_from_args(struct args *a, const char *file, imactl_policy_boot *boot)
{
	_cleanup_free_ char *text = NULL;
	imactl_diag d = {0};
	const char *cmdline = a->cmdline;
	size_t len = cmdline ? strlen(cmdline) : 0;
	int r;

	if (file) {
		r = read_all(a->prog, file, &text, &len);
		if (r)
			return r;
		cmdline = text;
	}
	r = imactl_policy_boot_parse(cmdline ? cmdline : "", len, &a->po, a->default_hash,
				     a->default_template, boot, &d);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", a->prog, d.msg);
		return EXIT_USAGE;
	}
	return 0;
}

static void builtin_names(unsigned int b, char *buf, size_t size)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{IMACTL_POLICY_BUILTIN_TCB, "tcb"},
		{IMACTL_POLICY_BUILTIN_ORIGINAL_TCB, "ima_tcb"},
		{IMACTL_POLICY_BUILTIN_APPRAISE_TCB, "appraise_tcb"},
		{IMACTL_POLICY_BUILTIN_SECURE_BOOT, "secure_boot"},
		{IMACTL_POLICY_BUILTIN_CRITICAL_DATA, "critical_data"},
		{IMACTL_POLICY_BUILTIN_FAIL_SECURELY, "fail_securely"},
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if ((b & names[i].bit) && used < size)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " " : "",
						 names[i].name);
}

static int do_builtin(struct args *a, const char *file)
{
	_cleanup_(imactl_policy_freep) imactl_policy *p = NULL;
	imactl_policy_boot boot;
	imactl_diag d = {0};
	char names[128];
	int r;

	r = boot_from_args(a, file, &boot);
	if (r)
		return r;
	r = imactl_policy_builtin(&boot, &a->po, &p, &d);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", a->prog, d.msg);
		return EXIT_OPER;
	}
	builtin_names(boot.builtin, names, sizeof(names));
	if (a->json) {
		printf("{\"command\":\"builtin\",\"policies\":");
		json_string(stdout, names);
		printf(",\"appraise\":\"%s\",\"hash\":", appraise_modes[boot.appraise]);
		json_string(stdout, boot.hash);
		printf(",\"template\":");
		json_string(stdout, boot.template_name);
		printf(",\"template_fmt\":");
		json_string(stdout, boot.template_fmt);
		printf(",\"evm_fix\":%s,\"notes\":[", boot.evm_fix ? "true" : "false");
		for (unsigned int i = 0; i < boot.n_notes; i++) {
			if (i)
				printf(",");
			json_string(stdout, boot.notes[i]);
		}
		printf("],\"rules\":[");
		for (size_t i = 0; i < imactl_policy_rule_count(p); i++) {
			char line[1024];
			size_t len;
			if (imactl_policy_print_rule(p, i, line, sizeof(line), &len) < 0)
				return EXIT_OPER;
			if (len)
				line[len - 1] = '\0';
			if (i)
				printf(",");
			json_string(stdout, line);
		}
		printf("]}\n");
		return EXIT_OK;
	}
	printf("# ima_policy: %s\n",
	       names[0] ? names : "(none: no rules until a policy is loaded)");
	printf("# ima_appraise: %s\n", appraise_modes[boot.appraise]);
	printf("# ima_hash: %s\n", boot.hash);
	printf("# ima_template: %s (%s)\n", boot.template_name[0] ? boot.template_name : "custom",
	       boot.template_fmt);
	printf("# evm: %s\n", boot.evm_fix ? "fix" : "enforce");
	for (unsigned int i = 0; i < boot.n_notes; i++)
		printf("# note: %s\n", boot.notes[i]);
	for (size_t i = 0; i < imactl_policy_rule_count(p); i++) {
		char line[1024];
		size_t len;
		if (imactl_policy_print_rule(p, i, line, sizeof(line), &len) < 0)
			return EXIT_OPER;
		fputs(line, stdout);
	}
	return EXIT_OK;
}

/* ---- explain ------------------------------------------------------------- */

/* The superblock type of the mount holding @st_dev, from /proc/self/mountinfo. */
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
		if (sscanf(line, "%*s %*s %u:%u", &maj, &min) != 2)
			continue;
		if (makedev(maj, min) != dev)
			continue;
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		sep += 3;
		sep[strcspn(sep, " ")] = '\0';
		/* "fuse.sshfs": the kernel's s_type->name is the part before the dot. */
		free(found);
		found = strndup(sep, strcspn(sep, "."));
	}
	return found;
}

/* Split "user:role:type[:level]" into its parts (in place). */
static void split_context(char *ctx, const char **user, const char **role, const char **type)
{
	char *s = ctx;

	*user = strsep(&s, ":");
	*role = s ? strsep(&s, ":") : NULL;
	*type = s ? strsep(&s, ":") : NULL;
}

struct path_info {
	char *fsname;
	char selinux[256];
};

static int fill_from_path(struct args *a, struct path_info *pi)
{
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	struct statfs sfs;
	ssize_t n;

	/* The kernel evaluates the file an access reaches, so symlinks are followed. */
	fd = open(a->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open '%s': %s\n", a->prog, a->path, strerror(errno));
		return EXIT_OPER;
	}
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0) {
		fprintf(stderr, "%s: cannot stat '%s': %s\n", a->prog, a->path, strerror(errno));
		return EXIT_OPER;
	}
	if (!a->set_fowner)
		a->acc.fowner = st.st_uid;
	if (!a->set_fgroup)
		a->acc.fgroup = st.st_gid;
	if (!a->set_fsmagic)
		a->acc.fsmagic = (unsigned long)sfs.f_type;
	if (!a->acc.fsname) {
		pi->fsname = mount_fstype(st.st_dev);
		a->acc.fsname = pi->fsname;
	}
	n = fgetxattr(fd, "security.selinux", pi->selinux, sizeof(pi->selinux) - 1);
	if (n > 0) {
		const char *u, *r, *t;
		pi->selinux[n] = '\0';
		split_context(pi->selinux, &u, &r, &t);
		if (!a->acc.obj_user)
			a->acc.obj_user = u;
		if (!a->acc.obj_role)
			a->acc.obj_role = r;
		if (!a->acc.obj_type)
			a->acc.obj_type = t;
	}
	return 0;
}

static unsigned int default_mask(const char *func)
{
	if (!strcmp(func, "BPRM_CHECK") || !strcmp(func, "MMAP_CHECK") ||
	    !strcmp(func, "FILE_MMAP") || !strcmp(func, "MMAP_CHECK_REQPROT") ||
	    !strcmp(func, "CREDS_CHECK"))
		return IMACTL_POLICY_MAY_EXEC;
	return IMACTL_POLICY_MAY_READ;
}

static void explain_class(const imactl_policy *p, const imactl_policy_decision *dec, int cls,
			  const char *name, bool json, bool *first)
{
	static const unsigned int bit[] = {IMACTL_POLICY_ACT_MEASURE, IMACTL_POLICY_ACT_APPRAISE,
					   IMACTL_POLICY_ACT_AUDIT, IMACTL_POLICY_ACT_HASH};
	bool yes = dec->actions & bit[cls];
	char src[8192] = "";
	size_t len = 0;

	if (dec->rule[cls] >= 0 &&
	    imactl_policy_print_rule(p, (size_t)dec->rule[cls], src, sizeof(src), &len) == 0 && len)
		src[len - 1] = '\0';
	if (json) {
		printf("%s\"%s\":{\"action\":%s,\"rule\":%ld,\"line\":%lu,\"text\":",
		       *first ? "" : ",", name, yes ? "true" : "false", dec->rule[cls],
		       dec->line[cls]);
		json_string(stdout, src);
		printf("}");
		*first = false;
		return;
	}
	printf("%-9s %-3s ", name, yes ? "yes" : "no");
	if (dec->rule[cls] < 0)
		printf("(no rule matches)\n");
	else if (dec->line[cls])
		printf("(line %lu: %s)\n", dec->line[cls], src);
	else
		printf("(builtin rule %ld: %s)\n", dec->rule[cls] + 1, src);
}

static int do_explain(struct args *a, const char *file)
{
	_cleanup_(imactl_policy_freep) imactl_policy *p = NULL;
	struct path_info pi = {0};
	imactl_policy_decision dec;
	imactl_diag d = {0};
	bool first = true;
	int r;

	if (!a->acc.func) {
		fprintf(stderr, "%s: --func is required\n", a->prog);
		return EXIT_USAGE;
	}
	if (a->cmdline) {
		imactl_policy_boot boot;
		if (file) {
			fprintf(stderr, "%s: give either FILE or --cmdline\n", a->prog);
			return EXIT_USAGE;
		}
		r = boot_from_args(a, NULL, &boot);
		if (r)
			return r;
		r = imactl_policy_builtin(&boot, &a->po, &p, &d);
		if (r < 0) {
			fprintf(stderr, "%s: %s\n", a->prog, d.msg);
			return EXIT_OPER;
		}
	} else {
		if (!file) {
			fprintf(stderr, "%s: missing FILE (or --cmdline)\n", a->prog);
			return EXIT_USAGE;
		}
		r = load_policy(a, file, "explain", &p);
		if (r)
			return r;
	}
	/* Credentials default to "everything the same", like a plain task. */
	if (!a->set_euid)
		a->acc.euid = a->acc.uid;
	if (!a->set_suid)
		a->acc.suid = a->acc.euid;
	if (!a->set_egid)
		a->acc.egid = a->acc.gid;
	if (!a->set_sgid)
		a->acc.sgid = a->acc.egid;
	if (!a->have_mask)
		a->acc.mask = default_mask(a->acc.func);
	if (a->path) {
		r = fill_from_path(a, &pi);
		if (r) {
			free(pi.fsname);
			return r;
		}
	}
	r = imactl_policy_evaluate(p, &a->acc, &dec, &d);
	if (r < 0) {
		free(pi.fsname);
		fprintf(stderr, "%s: %s\n", a->prog, d.msg);
		return EXIT_USAGE;
	}
	if (a->json) {
		printf("{\"command\":\"explain\",\"func\":");
		json_string(stdout, a->acc.func);
		printf(",\"mask\":%u,\"fsmagic\":\"0x%lx\",\"fsname\":", a->acc.mask,
		       a->acc.fsmagic);
		json_string(stdout, a->acc.fsname ? a->acc.fsname : "");
		printf(",\"uid\":%u,\"euid\":%u,\"fowner\":%u,\"decisions\":{", a->acc.uid,
		       a->acc.euid, a->acc.fowner);
	} else {
		printf("access: func=%s mask=0x%x fsmagic=0x%lx fsname=%s uid=%u euid=%u gid=%u "
		       "fowner=%u fgroup=%u\n",
		       a->acc.func, a->acc.mask, a->acc.fsmagic,
		       a->acc.fsname ? a->acc.fsname : "?", a->acc.uid, a->acc.euid, a->acc.gid,
		       a->acc.fowner, a->acc.fgroup);
	}
	explain_class(p, &dec, IMACTL_POLICY_CLASS_MEASURE, "measure", a->json, &first);
	explain_class(p, &dec, IMACTL_POLICY_CLASS_APPRAISE, "appraise", a->json, &first);
	explain_class(p, &dec, IMACTL_POLICY_CLASS_AUDIT, "audit", a->json, &first);
	explain_class(p, &dec, IMACTL_POLICY_CLASS_HASH, "hash", a->json, &first);
	if (a->json) {
		printf("},\"pcr\":%d,\"template\":", dec.pcr);
		json_string(stdout, dec.template_name ? dec.template_name : "");
		printf(",\"digsig_required\":%s,\"modsig_allowed\":%s,\"verity\":%s,"
		       "\"appraise_algos\":[",
		       (dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED) ? "true" : "false",
		       (dec.flags & IMACTL_POLICY_MODSIG_ALLOWED) ? "true" : "false",
		       (dec.flags & IMACTL_POLICY_VERITY_REQUIRED) ? "true" : "false");
	} else {
		if (dec.actions & IMACTL_POLICY_ACT_MEASURE)
			printf("measure into PCR %d with template %s\n",
			       dec.pcr >= 0 ? dec.pcr : 10,
			       dec.template_name ? dec.template_name : "(default)");
		if (dec.actions & IMACTL_POLICY_ACT_APPRAISE)
			printf("appraisal requires %s%s%s\n",
			       (dec.flags & IMACTL_POLICY_VERITY_REQUIRED) ? "an fs-verity sigv3 "
									     "signature"
			       : (dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED)
				       ? "a signature (imasig)"
				       : "a valid hash or signature",
			       (dec.flags & IMACTL_POLICY_MODSIG_ALLOWED) ? " or an appended modsig"
									  : "",
			       (dec.flags & IMACTL_POLICY_FAIL_UNVERIFIABLE)
				       ? "; unverifiable signatures fail (fail_securely)"
				       : "");
		if (dec.appraise_algos)
			printf("allowed hash algorithms:");
	}
	for (unsigned int b = 0, n = 0; b < 32; b++) {
		if (!(dec.appraise_algos & (1u << b)) || !imactl_policy_algo_name(b))
			continue;
		if (a->json) {
			printf("%s", n++ ? "," : "");
			json_string(stdout, imactl_policy_algo_name(b));
		} else {
			printf(" %s", imactl_policy_algo_name(b));
		}
	}
	if (a->json)
		printf("]}\n");
	else if (dec.appraise_algos)
		printf("\n");
	free(pi.fsname);
	return EXIT_OK;
}

/* ---- dispatch ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "Usage: imactl policy COMMAND [OPTIONS] [FILE|-]\n\n"
		   "Commands:\n"
		   "  check     exit 0 only if the kernel would accept the whole policy\n"
		   "  lint      warn about accepted policies that will misbehave\n"
		   "  print     print the policy as the kernel reads it back\n"
		   "  builtin   the boot-time policy and settings of a kernel command line\n"
		   "  explain   which rules decide measure/appraise/audit/hash for an access\n"
		   "\nRun 'imactl policy COMMAND --help' for its options.\n");
}

int cmd_policy(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct args *a, const char *file);
		const struct opt_spec *spec;
		const char *usage, *summary;
		bool file_optional;
	} cmds[] = {
		{"check", do_check, file_opts, "[OPTIONS] FILE|-",
		 "Check a policy as the chosen kernel would (all-or-nothing).", false},
		{"lint", do_lint, file_opts, "[OPTIONS] FILE|-",
		 "Warn about policies that will not do what they look like.", false},
		{"print", do_print, file_opts, "[OPTIONS] FILE|-",
		 "Print the policy as the kernel reads it back (canonical form).", false},
		{"builtin", do_builtin, builtin_opts, "[OPTIONS] [CMDLINE-FILE|-]",
		 "Show the builtin policy and settings a kernel command line selects "
		 "(from --cmdline, a file such as /proc/cmdline, or standard input).",
		 true},
		{"explain", do_explain, explain_opts, "[OPTIONS] --func HOOK FILE|-",
		 "Explain what the kernel decides for one access under a policy.", true},
	};
	char prog[64];

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help_word(argv[1])) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ELEMENTSOF(cmds); i++) {
		struct args a = {.po = IMACTL_POLICY_OPTIONS_INIT};
		const char *file = NULL;
		int optind_ret = 0, r;

		if (strcmp(argv[1], cmds[i].name))
			continue;
		snprintf(prog, sizeof(prog), "imactl policy %s", cmds[i].name);
		a.prog = prog;
		a.acc.uid = 0;
		r = parse_cmd_args(&a, cmds[i].usage, cmds[i].summary, cmds[i].spec, argc - 1,
				   argv + 1, &optind_ret);
		if (r < 0)
			return EXIT_OK;
		if (r)
			return r;
		if (argc - 1 - optind_ret > 1) {
			fprintf(stderr, "%s: too many arguments\n", prog);
			return EXIT_USAGE;
		}
		if (argc - 1 - optind_ret == 1)
			file = argv[1 + optind_ret];
		if (!file && !cmds[i].file_optional) {
			fprintf(stderr, "%s: missing FILE (use - for standard input)\n", prog);
			return EXIT_USAGE;
		}
		if (!strcmp(cmds[i].name, "builtin") && file && a.cmdline) {
			fprintf(stderr, "%s: give either a command-line file or --cmdline\n", prog);
			return EXIT_USAGE;
		}
		return cmds[i].fn(&a, file);
	}
	fprintf(stderr, "imactl policy: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
