/* SPDX-License-Identifier: MIT */
/*
 * Builtin policies and the kernel command line.
 *
 * Expected rule lists: transcribed by hand from the C structures of
 * security/integrity/ima/ima_policy.c (6.17: dont_measure_rules[],
 * original_measurement_rules[], default_measurement_rules[],
 * default_appraise_rules[], build_appraise_rules[], secure_boot_rules[],
 * critical_data_rules[]) and from the order of ima_init_policy(), written as the
 * kernel's ima_policy_show() prints them; magic values from
 * include/uapi/linux/magic.h.  Not from lib/policy_builtin.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "imactl/policy.h"

#define DONT_MEASURE                                        \
	"dont_measure fsmagic=0x9fa0 \n"                    \
	"dont_measure fsmagic=0x62656572 \n"                \
	"dont_measure fsmagic=0x64626720 \n"                \
	"dont_measure func=FILE_CHECK fsmagic=0x1021994 \n" \
	"dont_measure fsmagic=0x1cd1 \n"                    \
	"dont_measure fsmagic=0x42494e4d \n"                \
	"dont_measure fsmagic=0x73636673 \n"                \
	"dont_measure fsmagic=0xf97cff8c \n"                \
	"dont_measure fsmagic=0x43415d53 \n"                \
	"dont_measure fsmagic=0x27e0eb \n"                  \
	"dont_measure fsmagic=0x63677270 \n"                \
	"dont_measure fsmagic=0x6e736673 \n"                \
	"dont_measure fsmagic=0xde5e81e4 \n"

#define DEFAULT_MEASUREMENT                                \
	"measure func=MMAP_CHECK mask=MAY_EXEC \n"         \
	"measure func=BPRM_CHECK mask=MAY_EXEC \n"         \
	"measure func=FILE_CHECK mask=^MAY_READ euid=0 \n" \
	"measure func=FILE_CHECK mask=^MAY_READ uid=0 \n"  \
	"measure func=MODULE_CHECK \n"                     \
	"measure func=FIRMWARE_CHECK \n"                   \
	"measure func=POLICY_CHECK \n"

#define ORIGINAL_MEASUREMENT                             \
	"measure func=MMAP_CHECK mask=MAY_EXEC \n"       \
	"measure func=BPRM_CHECK mask=MAY_EXEC \n"       \
	"measure func=FILE_CHECK mask=MAY_READ uid=0 \n" \
	"measure func=MODULE_CHECK \n"                   \
	"measure func=FIRMWARE_CHECK \n"

#define DONT_APPRAISE                         \
	"dont_appraise fsmagic=0x9fa0 \n"     \
	"dont_appraise fsmagic=0x62656572 \n" \
	"dont_appraise fsmagic=0x64626720 \n" \
	"dont_appraise fsmagic=0x1021994 \n"  \
	"dont_appraise fsmagic=0x858458f6 \n" \
	"dont_appraise fsmagic=0x1cd1 \n"     \
	"dont_appraise fsmagic=0x42494e4d \n" \
	"dont_appraise fsmagic=0x73636673 \n" \
	"dont_appraise fsmagic=0xf97cff8c \n" \
	"dont_appraise fsmagic=0x43415d53 \n" \
	"dont_appraise fsmagic=0x6e736673 \n" \
	"dont_appraise fsmagic=0xde5e81e4 \n" \
	"dont_appraise fsmagic=0x27e0eb \n"   \
	"dont_appraise fsmagic=0x63677270 \n"

#define SECURE_BOOT                                                \
	"appraise func=MODULE_CHECK appraise_type=imasig \n"       \
	"appraise func=FIRMWARE_CHECK appraise_type=imasig \n"     \
	"appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig \n" \
	"appraise func=POLICY_CHECK appraise_type=imasig \n"

static imactl_policy *builtin_for(const char *cmdline, unsigned int flags, imactl_policy_boot *boot)
{
	imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
	imactl_policy *p = NULL;
	imactl_diag d = {0};

	o.flags = flags;
	assert_int_equal(
		imactl_policy_boot_parse(cmdline, strlen(cmdline), &o, NULL, NULL, boot, &d), 0);
	assert_int_equal(imactl_policy_builtin(boot, &o, &p, &d), 0);
	return p;
}

static void expect_rules(const char *cmdline, unsigned int flags, const char *want)
{
	imactl_policy_boot boot;
	imactl_policy *p = builtin_for(cmdline, flags, &boot);
	static char buf[16384];
	size_t len;

	assert_int_equal(imactl_policy_print(p, buf, sizeof(buf), &len), 0);
	if (strcmp(buf, want)) {
		fprintf(stderr, "cmdline '%s':\n--- got\n%s--- want\n%s", cmdline, buf, want);
		fail();
	}
	for (size_t i = 0; i < imactl_policy_rule_count(p); i++)
		assert_int_equal(imactl_policy_rule_line(p, i), 0);
	imactl_policy_free(p);
}

static void test_lists(void **state)
{
	(void)state;
	expect_rules("", 0, "");
	expect_rules("ima_policy=tcb", 0, DONT_MEASURE DEFAULT_MEASUREMENT);
	expect_rules("ima_tcb", 0, DONT_MEASURE ORIGINAL_MEASUREMENT);
	expect_rules("ima_policy=appraise_tcb", 0, DONT_APPRAISE "appraise fowner=0 \n");
	expect_rules("ima_appraise_tcb", 0, DONT_APPRAISE "appraise fowner=0 \n");
	expect_rules("ima_appraise_tcb",
		     IMACTL_POLICY_CFG_WRITE_POLICY | IMACTL_POLICY_CFG_SIGNED_INIT,
		     DONT_APPRAISE "appraise func=POLICY_CHECK appraise_type=imasig \n"
				   "appraise fowner=0 appraise_type=imasig \n");
	expect_rules("ima_policy=secure_boot", 0, SECURE_BOOT);
	expect_rules("ima_policy=critical_data", 0, "measure func=CRITICAL_DATA \n");
	expect_rules("ima_policy=fail_securely", 0, "");
	/* Combined, in ima_init_policy()'s order whatever the command-line order. */
	expect_rules("ima_policy=critical_data|secure_boot|appraise_tcb|tcb", 0,
		     DONT_MEASURE DEFAULT_MEASUREMENT SECURE_BOOT DONT_APPRAISE
		     "appraise fowner=0 \nmeasure func=CRITICAL_DATA \n");
	expect_rules("ima_policy=\"tcb appraise_tcb\"", 0,
		     DONT_MEASURE DEFAULT_MEASUREMENT DONT_APPRAISE "appraise fowner=0 \n");
	/* The first of ima_tcb and ima_policy=tcb wins. */
	expect_rules("ima_tcb ima_policy=tcb", 0, DONT_MEASURE ORIGINAL_MEASUREMENT);
	expect_rules("ima_policy=tcb ima_tcb", 0, DONT_MEASURE DEFAULT_MEASUREMENT);
	/* Build-time rules; secure_boot replaces them in the boot policy. */
	expect_rules("", IMACTL_POLICY_CFG_REQ_MODULE | IMACTL_POLICY_CFG_REQ_POLICY,
		     "appraise func=MODULE_CHECK appraise_type=imasig \n"
		     "appraise func=POLICY_CHECK appraise_type=imasig \n");
	expect_rules("ima_policy=secure_boot",
		     IMACTL_POLICY_CFG_REQ_MODULE | IMACTL_POLICY_CFG_REQ_FIRMWARE |
			     IMACTL_POLICY_CFG_REQ_KEXEC | IMACTL_POLICY_CFG_REQ_POLICY,
		     SECURE_BOOT);
	/* x86 arch policy with secure boot: signatures left to KEXEC_SIG/MODULE_SIG. */
	expect_rules("ima_policy=tcb", IMACTL_POLICY_CFG_SECURE_BOOT,
		     DONT_MEASURE DEFAULT_MEASUREMENT "measure func=KEXEC_KERNEL_CHECK \n"
						      "measure func=MODULE_CHECK \n");
	expect_rules("",
		     IMACTL_POLICY_CFG_SECURE_BOOT | IMACTL_POLICY_CFG_NO_KEXEC_SIG |
			     IMACTL_POLICY_CFG_NO_MODULE_SIG,
		     "appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig \n"
		     "measure func=KEXEC_KERNEL_CHECK \n"
		     "appraise func=MODULE_CHECK appraise_type=imasig \n"
		     "measure func=MODULE_CHECK \n");
}

static imactl_policy_boot boot_of(const char *cmdline, unsigned int flags, const char *hash,
				  const char *tmpl)
{
	imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
	imactl_policy_boot b;
	imactl_diag d = {0};

	o.flags = flags;
	assert_int_equal(imactl_policy_boot_parse(cmdline, strlen(cmdline), &o, hash, tmpl, &b, &d),
			 0);
	return b;
}

static void test_cmdline(void **state)
{
	imactl_policy_boot b;
	(void)state;

	b = boot_of("BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet", 0, NULL, NULL);
	assert_int_equal(b.builtin, 0);
	assert_int_equal(b.appraise, IMACTL_POLICY_APPRAISE_ENFORCE);
	assert_string_equal(b.hash, "sha1");
	assert_string_equal(b.template_name, "ima-ng");
	assert_int_equal(b.evm_fix, 0);

	b = boot_of("ima_policy=tcb ima_appraise=fix ima_hash=sha256 ima_template=ima-sig evm=fix",
		    0, NULL, NULL);
	assert_int_equal(b.builtin, IMACTL_POLICY_BUILTIN_TCB);
	assert_int_equal(b.appraise, IMACTL_POLICY_APPRAISE_FIX);
	assert_string_equal(b.hash, "sha256");
	assert_string_equal(b.template_name, "ima-sig");
	assert_string_equal(b.template_fmt, "d-ng|n-ng|sig");
	assert_int_equal(b.evm_fix, 1);
	assert_int_equal(b.n_notes, 0);

	/* Unknown policy names are reported and ignored. */
	b = boot_of("ima_policy=tcb|bogus", 0, NULL, NULL);
	assert_int_equal(b.builtin, IMACTL_POLICY_BUILTIN_TCB);
	assert_int_equal(b.n_notes, 1);
	assert_non_null(strstr(b.notes[0], "bogus"));

	/* ima_appraise= values are prefix-matched; junk is ignored. */
	assert_int_equal(boot_of("ima_appraise=off", 0, NULL, NULL).appraise,
			 IMACTL_POLICY_APPRAISE_OFF);
	assert_int_equal(boot_of("ima_appraise=logging", 0, NULL, NULL).appraise,
			 IMACTL_POLICY_APPRAISE_LOG);
	b = boot_of("ima_appraise=maybe", 0, NULL, NULL);
	assert_int_equal(b.appraise, IMACTL_POLICY_APPRAISE_ENFORCE);
	assert_int_equal(b.n_notes, 1);
	/* With secure boot only enforce is honoured. */
	b = boot_of("ima_appraise=off", IMACTL_POLICY_CFG_SECURE_BOOT, NULL, NULL);
	assert_int_equal(b.appraise, IMACTL_POLICY_APPRAISE_ENFORCE);
	assert_int_equal(b.n_notes, 1);

	/* ima_hash=: exact names; the 'ima' template only takes sha1/md5 (prefix). */
	b = boot_of("ima_hash=sha512 ima_hash=sha256", 0, NULL, NULL);
	assert_string_equal(b.hash, "sha512"); /* only the first is applied */
	b = boot_of("ima_hash=blake2", 0, "sha256", NULL);
	assert_string_equal(b.hash, "sha256");
	assert_int_equal(b.n_notes, 1);
	b = boot_of("ima_template=ima ima_hash=sha256", 0, NULL, NULL);
	assert_string_equal(b.template_name, "ima");
	assert_string_equal(b.hash, "sha1");
	assert_int_equal(b.n_notes, 1);
	b = boot_of("ima_hash=sha256 ima_template=ima", 0, NULL, NULL);
	assert_string_equal(b.template_name, "ima-ng");
	assert_int_equal(b.n_notes, 1);

	/* Templates: unknown names fall back; the first valid setting wins. */
	b = boot_of("ima_template=ima-sigv3", 0, NULL, "ima-sig");
	assert_string_equal(b.template_name, "ima-sig");
	assert_int_equal(b.n_notes, 1);
	b = boot_of("ima_template_fmt=d-ng|n-ng|sig|iuid ima_template=ima-buf", 0, NULL, NULL);
	assert_string_equal(b.template_name, "");
	assert_string_equal(b.template_fmt, "d-ng|n-ng|sig|iuid");
	b = boot_of("ima_template_fmt=d-ng|bogus", 0, NULL, NULL);
	assert_string_equal(b.template_name, "ima-ng");
	assert_int_equal(b.n_notes, 1);
	{
		imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
		imactl_diag d = {0};
		o.kernel = IMACTL_POLICY_KERNEL(6, 1);
		assert_int_equal(imactl_policy_boot_parse("ima_template=ima-ngv2", 21, &o, NULL,
							  NULL, &b, &d),
				 0);
		/* ima-ngv2 is in 6.1 (since 5.19; probed on Debian's 6.1). */
		assert_string_equal(b.template_name, "ima-ngv2");
	}

	/* Everything after "--" belongs to init. */
	b = boot_of("quiet -- ima_policy=tcb", 0, NULL, NULL);
	assert_int_equal(b.builtin, 0);
	/* '-' and '_' are the same in parameter names. */
	b = boot_of("ima-policy=critical_data", 0, NULL, NULL);
	assert_int_equal(b.builtin, IMACTL_POLICY_BUILTIN_CRITICAL_DATA);

	/* Bad defaults are the caller's error. */
	{
		imactl_diag d = {0};
		assert_int_equal(imactl_policy_boot_parse("", 0, NULL, "sha999", NULL, &b, &d),
				 -EINVAL);
		assert_int_equal(imactl_policy_boot_parse("", 0, NULL, NULL, "nope", &b, &d),
				 -EINVAL);
	}
}

/* fail_securely marks every appraise decision. */
static void test_fail_securely(void **state)
{
	imactl_policy_boot boot;
	imactl_policy *p = builtin_for("ima_policy=appraise_tcb|fail_securely", 0, &boot);
	imactl_policy_access a = {0};
	imactl_policy_decision dec;
	imactl_diag d = {0};
	(void)state;

	a.func = "BPRM_CHECK";
	a.mask = IMACTL_POLICY_MAY_EXEC;
	a.fsmagic = 0xef53;
	assert_int_equal(imactl_policy_evaluate(p, &a, &dec, &d), 0);
	assert_true(dec.actions & IMACTL_POLICY_ACT_APPRAISE);
	assert_true(dec.flags & IMACTL_POLICY_FAIL_UNVERIFIABLE);
	imactl_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_fail_securely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
