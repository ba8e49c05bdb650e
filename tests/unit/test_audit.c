/* SPDX-License-Identifier: MIT */
/*
 * lib/audit.c: the integrity audit record parser on real kernel lines
 * (tests/data/audit/kernel-6.1-dmesg.txt, captured from Debian 6.1.0-56 by
 * tests/kernel/run-appraise.sh), on the auditd, ausearch and journald shapes,
 * on malformed lines; and the cause table: every cause the 6.17 kernel logs
 * parses back from a kernel-format line to its own entry, with a fix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/testutil.h"
#include "imactl/audit.h"

static imactl_audit_record rec;

static int parse(const char *line)
{
	imactl_diag d = {0};
	return imactl_audit_parse_line(line, strlen(line), &rec, &d);
}

static void test_kernel_dmesg(void **state)
{
	size_t len, n = 0;
	char *text = (char *)tu_read(tu_data("audit/kernel-6.1-dmesg.txt"), &len);
	char *save = NULL;

	(void)state;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		assert_int_equal(parse(l), 1);
		assert_int_equal(rec.type, 1800);
		assert_int_equal(rec.source, IMACTL_AUDIT_SRC_KERNEL);
		assert_string_equal(rec.op, "appraise_data");
		assert_int_equal(rec.res, 0);
		assert_non_null(imactl_audit_cause_find(rec.op, rec.cause));
		n++;
	}
	assert_int_equal(n, 14);
	free(text);
	assert_int_equal(
		parse("[    5.118491] audit: type=1800 audit(1795919398.036:7): pid=248 uid=0 "
		      "auid=4294967295 ses=4294967295 subj=unconfined op=appraise_data "
		      "cause=missing-hash comm=\"cat\" name=\"/mnt/a/a-unsigned.txt\" dev=\"vda\" "
		      "ino=26 res=0 errno=0"),
		1);
	assert_string_equal(rec.stamp, "1795919398.036:7");
	assert_string_equal(rec.pid, "248");
	assert_string_equal(rec.subj, "unconfined");
	assert_string_equal(rec.cause, "missing-hash");
	assert_string_equal(rec.comm, "cat");
	assert_string_equal(rec.name, "/mnt/a/a-unsigned.txt");
	assert_string_equal(rec.dev, "vda");
	assert_string_equal(rec.ino, "26");
	assert_true(rec.has_errno);
	assert_int_equal(rec.err, 0);
}

static void test_shapes(void **state)
{
	(void)state;
	/* audit.log, the example (quoted op and cause) */
	assert_int_equal(parse("type=1800 audit(1700000000.123:45): pid=1 uid=0 auid=0 ses=1 "
			       "subj=system_u:system_r:init_t:s0 op=\"appraise_data\" "
			       "cause=\"missing-hash\" comm=\"bash\" name=\"/usr/bin/x\" "
			       "dev=\"dm-0\" ino=12 res=0 errno=0"),
			 1);
	assert_string_equal(rec.op, "appraise_data");
	assert_string_equal(rec.cause, "missing-hash");
	assert_string_equal(rec.subj, "system_u:system_r:init_t:s0");
	/* auditd with a named type, hex-encoded untrusted strings and the enriched suffix */
	assert_int_equal(parse("type=INTEGRITY_DATA msg=audit(1700000000.123:46): pid=2 uid=0 "
			       "auid=1000 ses=3 subj=unconfined op=appraise_data "
			       "cause=IMA-signature-required comm=6D7920736372697074 "
			       "name=2F746D702F6120622E7368 dev=\"sda1\" ino=99 res=0 errno=0"
			       "\x1d"
			       "AUID=\"alice\" UID=\"root\""),
			 1);
	assert_int_equal(rec.source, IMACTL_AUDIT_SRC_AUDITD);
	assert_string_equal(rec.stamp, "1700000000.123:46");
	assert_string_equal(rec.comm, "my script");
	assert_string_equal(rec.name, "/tmp/a b.sh");
	assert_string_equal(rec.uid, "0");
	/* ausearch -i */
	assert_int_equal(parse("type=INTEGRITY_DATA msg=audit(11/14/2023 22:13:20.123:47) : pid=3 "
			       "uid=root auid=unset ses=unset subj=unconfined op=appraise_data "
			       "cause=invalid-hash comm=cat name=/etc/x dev=vda ino=1 res=no "
			       "errno=0"),
			 1);
	assert_string_equal(rec.cause, "invalid-hash");
	assert_string_equal(rec.name, "/etc/x");
	assert_string_equal(rec.uid, "root");
	/* journald */
	assert_int_equal(parse("Nov 14 22:13:20 host audit[4242]: INTEGRITY_DATA pid=4242 uid=0 "
			       "auid=4294967295 ses=4294967295 subj=unconfined op=appraise_data "
			       "cause=invalid-signature comm=\"sh\" name=\"/opt/t\" dev=\"vda\" "
			       "ino=5 res=0 errno=0"),
			 1);
	assert_int_equal(rec.source, IMACTL_AUDIT_SRC_JOURNAL);
	assert_string_equal(rec.cause, "invalid-signature");
	assert_int_equal(
		parse("Nov 14 22:13:20 host kernel: audit: type=1800 "
		      "audit(1700000000.1:9): pid=1 uid=0 auid=0 ses=1 subj=u op=appraise_data "
		      "cause=missing-HMAC comm=\"x\" name=\"/y\" dev=\"vda\" ino=2 res=0 errno=0"),
		1);
	assert_int_equal(rec.source, IMACTL_AUDIT_SRC_KERNEL);
	/* the unquoted cause with blanks (ima_write_policy) */
	assert_int_equal(parse("type=1802 audit(1.2:3): pid=9 uid=0 auid=0 ses=1 subj=u "
			       "op=policy_update cause=signed policy required comm=\"sh\" res=0 "
			       "errno=0"),
			 1);
	assert_string_equal(rec.cause, "signed policy required");
	assert_string_equal(rec.comm, "sh");
	/* INTEGRITY_USERSPACE (AT_EXECVE_CHECK), numeric and UNKNOWN[] */
	assert_int_equal(parse("type=UNKNOWN[1808] msg=audit(1.2:4): pid=9 uid=0 auid=0 ses=1 "
			       "subj=u op=appraise_data cause=missing-hash comm=\"python3\" "
			       "name=\"/s.py\" dev=\"vda\" ino=3 res=0 errno=0"),
			 1);
	assert_int_equal(rec.type, 1808);
	assert_string_equal(imactl_audit_type_name(rec.type), "INTEGRITY_USERSPACE");
	/* records without a cause */
	assert_int_equal(parse("type=INTEGRITY_POLICY_RULE msg=audit(1.2:5): action=appraise "
			       "func=BPRM_CHECK appraise_type=imasig res=1"),
			 1);
	assert_string_equal(rec.rule, "action=appraise func=BPRM_CHECK appraise_type=imasig");
	assert_int_equal(rec.res, 1);
	assert_int_equal(parse("type=INTEGRITY_RULE msg=audit(1.2:6): file=\"/bin/ls\" "
			       "hash=\"sha256:abcd\" ppid=1 pid=2 auid=0 uid=0 comm=\"ls\""),
			 1);
	assert_string_equal(rec.name, "/bin/ls");
	assert_string_equal(rec.hash, "sha256:abcd");
	assert_int_equal(parse("type=1806 audit(1.2:7): xattr=\"security.foo\" res=0"), 1);
	assert_string_equal(rec.xattr, "security.foo");
}

static void test_not_records(void **state)
{
	char *big;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("type=1400 audit(1.2:3): apparmor=\"DENIED\" op=\"open\""), 0);
	assert_int_equal(parse("[    1.0] ima: No TPM chip found, activating TPM-bypass!"), 0);
	assert_int_equal(parse("subtype=1800 op=x cause=y"), 0);
	assert_int_equal(parse("type=18000 op=x"), 0);
	assert_int_equal(parse("the INTEGRITY_DATA record"), 0);
	/* an integrity record without op/cause is reported, not guessed */
	assert_int_equal(
		imactl_audit_parse_line("type=1800 audit(1.2:3): pid=1 res=0", 35, &rec, &d),
		-EBADMSG);
	assert_non_null(strstr(d.msg, "INTEGRITY_DATA"));
	big = malloc(IMACTL_AUDIT_LINE_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', IMACTL_AUDIT_LINE_MAX + 1);
	assert_int_equal(imactl_audit_parse_line(big, IMACTL_AUDIT_LINE_MAX + 1, &rec, &d),
			 -EMSGSIZE);
	free(big);
	/* unterminated quote, names longer than the fields: bounded, truncated */
	assert_int_equal(parse("type=1800 audit(1.2:3): op=appraise_data cause=missing-hash "
			       "comm=\"never closed"),
			 1);
	assert_string_equal(rec.comm, "never closed");
}

/* Every cause in the table: a kernel-format line parses back to that entry, with a fix. */
static void test_every_cause(void **state)
{
	(void)state;
	assert_true(imactl_audit_cause_count() >= 40);
	for (size_t i = 0; i < imactl_audit_cause_count(); i++) {
		const imactl_audit_cause *c = imactl_audit_cause_get(i);
		char line[1024], cause[160];
		const char *op = strcmp(c->op, "*") ? c->op : "add_template_measure";
		size_t n = strlen(c->cause);

		if (c->type == 1801 && !strcmp(c->op, "*"))
			op = "appraise_metadata";
		if (n && c->cause[n - 1] == '(')
			snprintf(cause, sizeof(cause), "%s-5)", c->cause);
		else
			snprintf(cause, sizeof(cause), "%s", c->cause);
		snprintf(line, sizeof(line),
			 "audit: type=%u audit(1700000000.1:%zu): pid=1 uid=0 auid=4294967295 "
			 "ses=4294967295 subj=unconfined op=%s cause=%s comm=\"t\" name=\"/f\" "
			 "dev=\"vda\" ino=7 res=0 errno=0",
			 c->type, i, op, cause);
		assert_int_equal(parse(line), 1);
		assert_int_equal(rec.type, c->type);
		assert_string_equal(rec.cause, cause);
		assert_ptr_equal(imactl_audit_cause_find(rec.op, rec.cause), c);
		assert_true(strlen(c->fix) > 10);
		assert_true(strlen(c->meaning) > 10);
		assert_non_null(imactl_audit_type_name(c->type));
	}
	/* the same cause string under two ops has two entries */
	assert_ptr_not_equal(imactl_audit_cause_find("appraise_data", "unknown"),
			     imactl_audit_cause_find("appraise_metadata", "unknown"));
	assert_ptr_not_equal(imactl_audit_cause_find("set_data", "denied-hash-algorithm"),
			     imactl_audit_cause_find("collect_data", "denied-hash-algorithm"));
	assert_null(imactl_audit_cause_find("appraise_data", "no-such-cause"));
	assert_null(imactl_audit_cause_find(NULL, NULL));
	assert_null(imactl_audit_type_name(1799));
	assert_null(imactl_audit_type_name(1809));
}

/* imad's copy through the audit subsystem (docs/imad.8.md, Audit): the opener's fields */
static void test_imad_records(void **state)
{
	(void)state;
	assert_int_equal(
		parse("type=1121 msg=audit(1764393600.123:456): pid=4242 uid=0 "
		      "auid=4294967295 ses=4294967295 subj=unconfined "
		      "msg='imad_type=INTEGRITY_DATA opid=1234 ouid=1000 oauid=1000 "
		      "oses=3 obj=user_u:user_r:user_t:s0 op=appraise_data "
		      "cause=missing-hash comm=\"cat\" name=\"/data/f\" dev=\"7:2\" ino=12 "
		      "errno=0 exe=\"/usr/sbin/imad\" hostname=? addr=? terminal=? "
		      "res=failed'"),
		1);
	assert_int_equal(rec.type, 1800);
	assert_int_equal(rec.source, IMACTL_AUDIT_SRC_IMAD);
	assert_string_equal(rec.stamp, "1764393600.123:456");
	assert_string_equal(rec.pid, "1234");
	assert_string_equal(rec.uid, "1000");
	assert_string_equal(rec.auid, "1000");
	assert_string_equal(rec.ses, "3");
	assert_string_equal(rec.subj, "user_u:user_r:user_t:s0");
	assert_string_equal(rec.op, "appraise_data");
	assert_string_equal(rec.cause, "missing-hash");
	assert_string_equal(rec.comm, "cat");
	assert_string_equal(rec.name, "/data/f");
	assert_string_equal(rec.dev, "7:2");
	assert_string_equal(rec.ino, "12");
	assert_int_equal(rec.res, 0);
	assert_true(rec.has_errno);
	/* ausearch -i: the type by name, a hex name (a quote in it), res=success */
	assert_int_equal(parse("type=TRUSTED_APP msg=audit(11/29/2026 05:00:00.123:457) : pid=4242 "
			       "uid=root auid=unset ses=unset subj=unconfined "
			       "msg='imad_type=INTEGRITY_PCR opid=77 ouid=root oauid=alice oses=2 "
			       "obj=unconfined op=invalid_pcr cause=open_writers comm=\"sh\" "
			       "name=2F746D702F69742773 dev=\"7:2\" ino=9 errno=0 "
			       "exe=/usr/sbin/imad hostname=? addr=? terminal=? res=success'"),
			 1);
	assert_int_equal(rec.type, 1804);
	assert_string_equal(rec.pid, "77");
	assert_string_equal(rec.auid, "alice");
	assert_string_equal(rec.name, "/tmp/it's");
	assert_string_equal(rec.cause, "open_writers");
	assert_int_equal(rec.res, 1);
	/* a TRUSTED_APP message that is not imad's is not an integrity record */
	assert_int_equal(parse("type=1121 msg=audit(1.2:3): pid=1 uid=0 auid=0 ses=1 "
			       "msg='op=something cause=else res=failed'"),
			 0);
	/* imad's INTEGRITY_DATA without op=/cause= is unusable, as the kernel's */
	assert_int_equal(parse("type=1121 msg=audit(1.2:3): pid=1 uid=0 "
			       "msg='imad_type=INTEGRITY_DATA opid=2 comm=\"x\" res=failed'"),
			 -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_dmesg), cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_imad_records), cmocka_unit_test(test_not_records),
		cmocka_unit_test(test_every_cause),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
