/* SPDX-License-Identifier: MIT */
/*
 * The evaluator against ima_match_policy() semantics (ima_policy.c, 6.17):
 * first match per action class, dont_ rules, pcr/template from the measure
 * rule, appraise cancelling hash, euid with CAP_SETUID, POST_SETATTR, and
 * the data hooks KEY_CHECK and CRITICAL_DATA.  The sample policy cases are
 * the three the issue asks for.
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

#define EXT4  0xef53ul
#define TMPFS 0x01021994ul
#define PROC  0x9fa0ul

static imactl_policy *parse(const char *text)
{
	imactl_policy *p = NULL;
	imactl_diag d = {0};

	if (imactl_policy_parse(text, strlen(text), NULL, &p, &d)) {
		fprintf(stderr, "parse: %lu:%lu %s\n", d.line, d.column, d.msg);
		fail();
	}
	return p;
}

static imactl_policy *load_file(const char *name)
{
	char path[1024];
	const char *dir = getenv("IMACTL_TEST_DATA");
	FILE *f;
	static char buf[65536];
	size_t n;

	snprintf(path, sizeof(path), "%s/policy/%s", dir ? dir : "tests/data", name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return parse(buf);
}

static imactl_policy_decision eval(const imactl_policy *p, const imactl_policy_access *a)
{
	imactl_policy_decision dec;
	imactl_diag d = {0};

	assert_int_equal(imactl_policy_evaluate(p, a, &dec, &d), 0);
	return dec;
}

static imactl_policy_access exec_access(unsigned long fsmagic, uint32_t uid, uint32_t fowner)
{
	imactl_policy_access a = {0};

	a.func = "BPRM_CHECK";
	a.mask = IMACTL_POLICY_MAY_EXEC;
	a.fsmagic = fsmagic;
	a.fsname = fsmagic == EXT4 ? "ext4" : "tmpfs";
	a.uid = a.euid = a.suid = uid;
	a.gid = a.egid = a.sgid = uid;
	a.fowner = a.fgroup = fowner;
	return a;
}

/* tests/data/policy/sample.policy: measure lines 42-45, appraise lines 46-49. */
static void test_sample_policy(void **state)
{
	imactl_policy *p = load_file("sample.policy");
	imactl_policy_access a;
	imactl_policy_decision dec;
	(void)state;

	/* A root-owned binary executed by a user. */
	a = exec_access(EXT4, 1000, 0);
	dec = eval(p, &a);
	assert_int_equal(dec.actions, IMACTL_POLICY_ACT_MEASURE | IMACTL_POLICY_ACT_APPRAISE);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_MEASURE], 42);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_APPRAISE], 46);
	assert_int_equal(dec.rule[IMACTL_POLICY_CLASS_AUDIT], -1);
	assert_true(dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED);
	assert_false(dec.flags & IMACTL_POLICY_MODSIG_ALLOWED);
	assert_int_equal(dec.pcr, -1);
	assert_null(dec.template_name);

	/* A user's binary executed by root: the rules do not look at the owner. */
	a = exec_access(EXT4, 0, 1000);
	dec = eval(p, &a);
	assert_int_equal(dec.actions, IMACTL_POLICY_ACT_MEASURE | IMACTL_POLICY_ACT_APPRAISE);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_APPRAISE], 46);

	/* A kernel module. */
	a = exec_access(EXT4, 0, 0);
	a.func = "MODULE_CHECK";
	a.mask = IMACTL_POLICY_MAY_READ;
	dec = eval(p, &a);
	assert_int_equal(dec.actions, IMACTL_POLICY_ACT_MEASURE | IMACTL_POLICY_ACT_APPRAISE);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_MEASURE], 44);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_APPRAISE], 48);
	assert_true(dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED);

	/* A program on tmpfs: the dont_ rules decide both classes first. */
	a = exec_access(TMPFS, 1000, 1000);
	dec = eval(p, &a);
	assert_int_equal(dec.actions, 0);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_MEASURE], 13);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_APPRAISE], 14);

	/* A shared library mapped executable; a plain read matches nothing. */
	a = exec_access(EXT4, 1000, 0);
	a.func = "MMAP_CHECK";
	dec = eval(p, &a);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_APPRAISE], 47);
	a.func = "FILE_CHECK";
	a.mask = IMACTL_POLICY_MAY_READ;
	dec = eval(p, &a);
	assert_int_equal(dec.actions, 0);
	assert_int_equal(dec.rule[IMACTL_POLICY_CLASS_MEASURE], -1);
	imactl_policy_free(p);
}

/* ima_policy=tcb, built in: what root reads is measured, what users read is not. */
static void test_tcb(void **state)
{
	imactl_policy_boot boot;
	imactl_policy *p = NULL;
	imactl_policy_access a;
	imactl_policy_decision dec;
	imactl_diag d = {0};
	(void)state;

	assert_int_equal(
		imactl_policy_boot_parse("ima_policy=tcb", 14, NULL, NULL, NULL, &boot, &d), 0);
	assert_int_equal(imactl_policy_builtin(&boot, NULL, &p, &d), 0);

	a = exec_access(EXT4, 0, 1000);
	a.func = "FILE_CHECK";
	a.mask = IMACTL_POLICY_MAY_READ | IMACTL_POLICY_MAY_WRITE; /* ^MAY_READ: bit test */
	dec = eval(p, &a);
	assert_int_equal(dec.actions, IMACTL_POLICY_ACT_MEASURE);
	assert_int_equal(dec.rule[IMACTL_POLICY_CLASS_MEASURE], 15); /* the euid=0 rule */

	a.uid = a.euid = a.suid = 1000;
	dec = eval(p, &a);
	assert_int_equal(dec.actions, 0);

	/* setuid-root program: uid 1000, euid 0. */
	a.euid = 0;
	dec = eval(p, &a);
	assert_int_equal(dec.rule[IMACTL_POLICY_CLASS_MEASURE], 15);
	/* With CAP_SETUID the saved uid counts too. */
	a.euid = 1000;
	a.suid = 0;
	a.cap_setuid = 1;
	dec = eval(p, &a);
	assert_int_equal(dec.rule[IMACTL_POLICY_CLASS_MEASURE], 15);
	a.cap_setuid = 0;
	dec = eval(p, &a);
	assert_int_equal(dec.actions, 0);

	/* tmpfs is excluded for FILE_CHECK only: executables there are measured. */
	a = exec_access(TMPFS, 0, 0);
	a.func = "FILE_CHECK";
	a.mask = IMACTL_POLICY_MAY_READ;
	dec = eval(p, &a);
	assert_int_equal(dec.actions, 0);
	assert_int_equal(dec.rule[IMACTL_POLICY_CLASS_MEASURE], 3);
	a.func = "BPRM_CHECK";
	a.mask = IMACTL_POLICY_MAY_EXEC;
	dec = eval(p, &a);
	assert_int_equal(dec.actions, IMACTL_POLICY_ACT_MEASURE);
	assert_int_equal(dec.rule[IMACTL_POLICY_CLASS_MEASURE], 14);

	/* /proc is never measured. */
	a.fsmagic = PROC;
	dec = eval(p, &a);
	assert_int_equal(dec.actions, 0);
	assert_int_equal(dec.rule[IMACTL_POLICY_CLASS_MEASURE], 0);
	imactl_policy_free(p);
}

static void test_semantics(void **state)
{
	imactl_policy *p;
	imactl_policy_access a = exec_access(EXT4, 0, 0);
	imactl_policy_decision dec;
	imactl_diag d = {0};
	(void)state;

	/* First match per class; options come from the deciding measure rule. */
	p = parse("measure func=BPRM_CHECK pcr=11 template=ima-sig\n"
		  "measure pcr=12 template=ima-ng\n"
		  "hash func=BPRM_CHECK\n"
		  "audit fowner=0\n"
		  "appraise func=BPRM_CHECK appraise_algos=sha256,sha512 permit_directio\n"
		  "appraise appraise_type=imasig\n");
	dec = eval(p, &a);
	assert_int_equal(dec.actions, IMACTL_POLICY_ACT_MEASURE | IMACTL_POLICY_ACT_AUDIT |
					      IMACTL_POLICY_ACT_APPRAISE);
	/* A matching appraise rule cancels "hash". */
	assert_false(dec.actions & IMACTL_POLICY_ACT_HASH);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_HASH], 3);
	assert_int_equal(dec.pcr, 11);
	assert_string_equal(dec.template_name, "ima-sig");
	assert_int_equal(dec.appraise_algos, (1u << 4) | (1u << 6));
	assert_true(dec.flags & IMACTL_POLICY_PERMIT_DIRECTIO);
	assert_false(dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED); /* line 6 never reached */
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_AUDIT], 4);
	imactl_policy_free(p);

	/* dont_hash decides hash; ids with < and >. */
	p = parse("dont_hash fowner<1000\nhash\nmeasure uid>999\n");
	dec = eval(p, &a);
	assert_int_equal(dec.actions, 0);
	a.fowner = 1000;
	a.uid = 1000;
	dec = eval(p, &a);
	assert_int_equal(dec.actions, IMACTL_POLICY_ACT_HASH | IMACTL_POLICY_ACT_MEASURE);
	imactl_policy_free(p);

	/* mask=MAY_READ is an exact comparison, ^MAY_READ a bit test. */
	p = parse("measure func=FILE_CHECK mask=MAY_READ\n");
	a = exec_access(EXT4, 0, 0);
	a.func = "FILE_CHECK";
	a.mask = IMACTL_POLICY_MAY_READ | IMACTL_POLICY_MAY_WRITE;
	assert_int_equal(eval(p, &a).actions, 0);
	a.mask = IMACTL_POLICY_MAY_READ;
	assert_int_equal(eval(p, &a).actions, IMACTL_POLICY_ACT_MEASURE);
	/* POST_SETATTR ignores func and mask. */
	a.func = "POST_SETATTR";
	a.mask = 0;
	assert_int_equal(eval(p, &a).actions, IMACTL_POLICY_ACT_MEASURE);
	/* Aliases are accepted for the access too. */
	a.func = "PATH_CHECK";
	a.mask = IMACTL_POLICY_MAY_READ;
	assert_int_equal(eval(p, &a).actions, IMACTL_POLICY_ACT_MEASURE);
	a.func = "NO_SUCH_HOOK";
	assert_int_equal(imactl_policy_evaluate(p, &a, &dec, &d), -EINVAL);
	imactl_policy_free(p);

	/* fsname, fsuuid and LSM labels. */
	p = parse("dont_appraise fsname=tmpfs\n"
		  "appraise fsuuid=8bcbe394-4f13-4144-be8e-5aa9ea2ce2f6 obj_type=bin_t\n");
	a = exec_access(EXT4, 0, 0);
	assert_int_equal(eval(p, &a).actions, 0);
	memcpy(a.fsuuid, "\x8b\xcb\xe3\x94\x4f\x13\x41\x44\xbe\x8e\x5a\xa9\xea\x2c\xe2\xf6", 16);
	assert_int_equal(eval(p, &a).actions, 0); /* no label */
	a.obj_type = "bin_t";
	assert_int_equal(eval(p, &a).actions, IMACTL_POLICY_ACT_APPRAISE);
	a.fsname = "tmpfs";
	dec = eval(p, &a);
	assert_int_equal(dec.actions, 0);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_APPRAISE], 1);
	imactl_policy_free(p);

	/* KEY_CHECK and CRITICAL_DATA match their func exactly and their data list. */
	p = parse("measure func=KEY_CHECK keyrings=.ima|.evm pcr=12\n"
		  "measure func=CRITICAL_DATA label=selinux\n"
		  "measure\n");
	a = exec_access(EXT4, 0, 0);
	a.func = "KEY_CHECK";
	a.func_data = ".builtin_trusted_keys";
	assert_int_equal(eval(p, &a).actions, 0); /* the catch-all "measure" does not match keys */
	a.func_data = ".evm";
	dec = eval(p, &a);
	assert_int_equal(dec.actions, IMACTL_POLICY_ACT_MEASURE);
	assert_int_equal(dec.pcr, 12);
	a.func = "CRITICAL_DATA";
	a.func_data = "selinux";
	assert_int_equal(eval(p, &a).line[IMACTL_POLICY_CLASS_MEASURE], 2);
	imactl_policy_free(p);

	/* SETXATTR_CHECK: only the first rule counts. */
	p = parse("appraise func=SETXATTR_CHECK appraise_algos=sha256\n"
		  "appraise func=SETXATTR_CHECK appraise_algos=md5\n");
	a.func = "SETXATTR_CHECK";
	dec = eval(p, &a);
	assert_int_equal(dec.appraise_algos, 1u << 4);
	assert_int_equal(dec.line[IMACTL_POLICY_CLASS_APPRAISE], 1);
	imactl_policy_free(p);

	/* Undefined LSM labels never match. */
	{
		imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
		const char *t = "measure obj_type=bin_t\n";
		o.flags = IMACTL_POLICY_LSM_UNDEFINED;
		p = NULL;
		assert_int_equal(imactl_policy_parse(t, strlen(t), &o, &p, &d), 0);
		a = exec_access(EXT4, 0, 0);
		a.obj_type = "bin_t";
		assert_int_equal(eval(p, &a).actions, 0);
		assert_int_equal(imactl_policy_rule_hidden(p, 0), 1);
		imactl_policy_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_policy),
		cmocka_unit_test(test_tcb),
		cmocka_unit_test(test_semantics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
