/* SPDX-License-Identifier: MIT */
/* The linter: every check with a case that fires and a near miss that does not. */
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

struct result {
	imactl_policy_finding *f;
	size_t n;
};

static struct result lint_opts(const char *text, unsigned int flags)
{
	imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
	imactl_policy *p = NULL;
	imactl_diag d = {0};
	struct result r = {0};

	o.flags = flags;
	if (imactl_policy_parse(text, strlen(text), &o, &p, &d)) {
		fprintf(stderr, "parse: %lu:%lu %s\n", d.line, d.column, d.msg);
		fail();
	}
	assert_int_equal(imactl_policy_lint(p, &r.f, &r.n, &d), 0);
	imactl_policy_free(p);
	return r;
}

static struct result lint(const char *text)
{
	return lint_opts(text, 0);
}

static size_t count(const struct result *r, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].code, code))
			n++;
	return n;
}

static const imactl_policy_finding *find(const struct result *r, const char *code)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].code, code))
			return &r->f[i];
	return NULL;
}

static void done(struct result *r)
{
	imactl_policy_findings_free(r->f);
	r->f = NULL;
}

static char *read_fixture(const char *name)
{
	char path[1024];
	const char *dir = getenv("IMACTL_TEST_DATA");
	FILE *f;
	char *buf = calloc(1, 65536);

	snprintf(path, sizeof(path), "%s/policy/%s", dir ? dir : "tests/data", name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(buf);
	if (fread(buf, 1, 65535, f) == 0)
		fail();
	fclose(f);
	return buf;
}

/* The sample policy lints with the two warnings a reader agrees with. */
static void test_sample(void **state)
{
	char *text = read_fixture("sample.policy");
	struct result r = lint(text);
	(void)state;

	for (size_t i = 0; i < r.n; i++)
		printf("  %lu:%lu %s %s\n", r.f[i].line, r.f[i].column, r.f[i].code, r.f[i].msg);
	assert_int_equal(r.n, 2);
	assert_int_equal(count(&r, "tmpfs-exec"), 2);
	assert_int_equal(r.f[0].line, 14);
	assert_int_equal(r.f[1].line, 16);
	done(&r);
	free(text);
}

static void test_pseudo_fs(void **state)
{
	struct result r;
	const imactl_policy_finding *f;
	(void)state;

	r = lint("dont_measure fsmagic=0x9fa0\nmeasure func=FILE_CHECK\n");
	f = find(&r, "pseudo-fs");
	assert_non_null(f);
	assert_int_equal(f->line, 2);
	assert_null(strstr(f->msg, "proc,"));
	assert_non_null(strstr(f->msg, "sysfs"));
	assert_non_null(strstr(f->msg, "efivarfs"));
	done(&r);

	/* By name is as good as by magic; exec-only rules do not need it. */
	r = lint("dont_appraise fsname=proc\ndont_appraise fsname=sysfs\n"
		 "dont_appraise fsmagic=0x64626720\ndont_appraise fsmagic=0x1021994\n"
		 "dont_appraise fsmagic=0x858458f6\ndont_appraise fsmagic=0x1cd1\n"
		 "dont_appraise fsmagic=0x42494e4d\ndont_appraise fsmagic=0x73636673\n"
		 "dont_appraise fsmagic=0xf97cff8c\ndont_appraise fsmagic=0x27e0eb\n"
		 "dont_appraise fsmagic=0x63677270\ndont_appraise fsmagic=0x6e736673\n"
		 "dont_appraise fsmagic=0xde5e81e4\nappraise fowner=0\n"
		 "appraise func=BPRM_CHECK\n");
	assert_int_equal(count(&r, "pseudo-fs"), 0);
	done(&r);
	r = lint("appraise func=BPRM_CHECK appraise_type=imasig\n");
	assert_int_equal(count(&r, "pseudo-fs"), 0);
	done(&r);
	/* A rule limited to one filesystem is not a catch-all. */
	r = lint("appraise fsuuid=8bcbe394-4f13-4144-be8e-5aa9ea2ce2f6\n");
	assert_int_equal(count(&r, "pseudo-fs"), 0);
	done(&r);
}

static void test_shadowed(void **state)
{
	struct result r;
	const imactl_policy_finding *f;
	(void)state;

	r = lint("dont_measure fowner=0\nmeasure func=BPRM_CHECK fowner=0\n");
	f = find(&r, "shadowed");
	assert_non_null(f);
	assert_int_equal(f->line, 2);
	done(&r);
	r = lint("measure func=BPRM_CHECK\nmeasure func=BPRM_CHECK pcr=11\n");
	assert_non_null(find(&r, "unreachable"));
	done(&r);
	r = lint("measure func=FILE_CHECK mask=^MAY_READ uid<1000\n"
		 "measure func=FILE_CHECK mask=MAY_READ uid=0\n");
	assert_non_null(find(&r, "unreachable"));
	done(&r);
	/* Near misses: different class, narrower earlier rule, data hooks. */
	r = lint(
		"dont_appraise fowner=0\nmeasure fowner=0\n"
		"measure func=BPRM_CHECK uid=0\nmeasure func=BPRM_CHECK\n"
		"dont_measure uid=5\nmeasure func=KEY_CHECK uid=5\n"
		"measure func=FILE_CHECK mask=^MAY_READ\nmeasure func=FILE_CHECK mask=MAY_WRITE\n");
	assert_int_equal(count(&r, "shadowed") + count(&r, "unreachable"), 0);
	done(&r);
}

static void test_never_matches(void **state)
{
	struct result r;
	(void)state;

	r = lint("measure func=BPRM_CHECK mask=MAY_READ\n");
	assert_non_null(find(&r, "never-matches"));
	done(&r);
	r = lint("measure func=MODULE_CHECK mask=^MAY_EXEC\n");
	assert_non_null(find(&r, "never-matches"));
	done(&r);
	r = lint(
		"measure func=MMAP_CHECK mask=MAY_EXEC\nmeasure func=MODULE_CHECK mask=MAY_READ\n");
	assert_int_equal(count(&r, "never-matches"), 0);
	done(&r);
	r = lint_opts("measure obj_type=bin_t\n", IMACTL_POLICY_LSM_UNDEFINED);
	assert_non_null(find(&r, "lsm-never-matches"));
	done(&r);
	r = lint("measure obj_type=system_u:object_r:bin_t:s0\n");
	assert_non_null(find(&r, "lsm-never-matches"));
	done(&r);
	r = lint("measure obj_type=bin_t\n");
	assert_int_equal(count(&r, "lsm-never-matches"), 0);
	done(&r);
}

static void test_appraise_checks(void **state)
{
	struct result r;
	(void)state;

	r = lint("appraise fowner=0 appraise_type=imasig\n");
	assert_non_null(find(&r, "imasig-mutable"));
	done(&r);
	r = lint("appraise func=BPRM_CHECK appraise_type=imasig\n"
		 "appraise func=FILE_CHECK mask=MAY_EXEC appraise_type=imasig\n"
		 "appraise fsuuid=8bcbe394-4f13-4144-be8e-5aa9ea2ce2f6 appraise_type=imasig\n");
	assert_int_equal(count(&r, "imasig-mutable"), 0);
	done(&r);

	r = lint("dont_appraise fsmagic=0x1021994\nappraise func=BPRM_CHECK\n");
	assert_non_null(find(&r, "tmpfs-exec"));
	done(&r);
	r = lint("dont_appraise func=FILE_CHECK fsmagic=0x1021994\nappraise func=BPRM_CHECK\n");
	assert_int_equal(count(&r, "tmpfs-exec"), 0);
	done(&r);

	r = lint("appraise func=SETXATTR_CHECK appraise_algos=sha1,sha256\n");
	assert_non_null(find(&r, "weak-hash"));
	done(&r);
	/* Hashes distribution kernels often leave out (Debian lacks sm3). */
	r = lint("appraise appraise_algos=sha256,sm3,streebog256\n");
	assert_int_equal(count(&r, "uncommon-hash"), 1);
	{
		const imactl_policy_finding *f = find(&r, "uncommon-hash");
		const char *m = f ? f->msg : "";
		assert_non_null(strstr(m, "sm3,streebog256"));
		assert_int_equal(f ? f->column : 0, 10);
	}
	done(&r);
	r = lint("appraise appraise_algos=sha256,sha512\nappraise appraise_algos=wp512\n");
	assert_int_equal(count(&r, "uncommon-hash"), 1);
	assert_int_equal(find(&r, "uncommon-hash")->line, 2);
	done(&r);
	/* With the kernel's configuration known, the parser has checked instead. */
	r = lint_opts("appraise appraise_algos=wp512\n", IMACTL_POLICY_CRYPTO_KNOWN);
	assert_int_equal(count(&r, "uncommon-hash"), 0);
	done(&r);

	r = lint("appraise func=SETXATTR_CHECK appraise_algos=sha256,sha512\n"
		 "appraise func=SETXATTR_CHECK appraise_algos=sha384\n");
	assert_int_equal(count(&r, "weak-hash"), 0);
	assert_int_equal(count(&r, "setxattr-ignored"), 1);
	assert_int_equal(find(&r, "setxattr-ignored")->line, 2);
	done(&r);

	r = lint("appraise func=POLICY_CHECK appraise_type=imasig\n");
	assert_non_null(find(&r, "signed-policy"));
	done(&r);
	r = lint("measure func=POLICY_CHECK\n");
	assert_int_equal(count(&r, "signed-policy"), 0);
	done(&r);
}

static void test_misc(void **state)
{
	struct result r;
	(void)state;

	r = lint("measure pcr=10 pcr=11\n");
	assert_non_null(find(&r, "repeated"));
	done(&r);
	r = lint("appraise fsuuid=8bcbe394-4f13-4144-be8e-5aa9ea2ce2f6-x\n");
	assert_non_null(find(&r, "fsuuid-junk"));
	done(&r);
	r = lint("measure func=KEY_CHECK gid=0\n");
	assert_non_null(find(&r, "ignored-condition"));
	done(&r);
	r = lint("appraise func=MODULE_CHECK appraise_type=imasig|modsig "
		 "appraise_flag=check_blacklist\n");
	assert_non_null(find(&r, "deprecated"));
	done(&r);
	r = lint("dont_measure fsname=ext4\r\n");
	assert_non_null(find(&r, "carriage-return"));
	done(&r);
	r = lint("measure func=BPRM_CHECK\n");
	assert_int_equal(r.n, 0);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),		cmocka_unit_test(test_pseudo_fs),
		cmocka_unit_test(test_shadowed),	cmocka_unit_test(test_never_matches),
		cmocka_unit_test(test_appraise_checks), cmocka_unit_test(test_misc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
