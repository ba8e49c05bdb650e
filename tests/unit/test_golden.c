/* SPDX-License-Identifier: MIT */
/*
 * Golden lists: table, excludes, keylime runtime policy JSON round trip, and
 * the check of the kernel 6.1 capture (tests/data/kernel-6.1/measure) against
 * a golden list made from its own entries, then tampered.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/testutil.h"
#include "imactl/golden.h"
#include "imactl/imactl.h"
#include "imactl/mlog.h"

static imactl_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return imactl_ctx_new(&ctx, NULL);
}

static int teardown(void **state)
{
	(void)state;
	imactl_ctx_free(ctx);
	return 0;
}

static const uint8_t d1[32] = {1}, d2[32] = {2}, s1[20] = {1};

static void test_table(void **state)
{
	imactl_golden *g = NULL;
	imactl_diag d = {0};
	char name[64];

	(void)state;
	assert_int_equal(imactl_golden_new(&g), 0);
	assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, "/bin/a", d1, 32, &d), 0);
	assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, "/bin/a", d1, 32, &d), 0);
	assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, "/bin/a", s1, 20, &d), 0);
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_FILE, "/bin/a", d1, 32), 0);
	/* a 20-byte digest that was not recorded */
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_FILE, "/bin/a", d2, 20),
			 -EKEYREJECTED);
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_FILE, "/bin/a", s1, 20), 0);
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_FILE, "/bin/a", d2, 32),
			 -EKEYREJECTED);
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_FILE, "/bin/b", d1, 32), -ENOENT);
	/* kinds are separate name spaces */
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_BUF, "/bin/a", d1, 32), -ENOENT);
	/* growth */
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "/usr/lib/f%d", i);
		assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, name, d2, 32, &d), 0);
	}
	assert_int_equal(imactl_golden_count(g, IMACTL_GOLDEN_FILE), 5001);
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_FILE, "/usr/lib/f4321", d2, 32), 0);
	/* limits and bad input */
	assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, "", d1, 32, &d), -EINVAL);
	assert_int_equal(imactl_golden_add(g, 7, "/x", d1, 32, &d), -EINVAL);
	for (int i = 0; i < IMACTL_GOLDEN_DIGESTS_MAX; i++) {
		uint8_t v[32] = {0};
		v[0] = (uint8_t)i;
		v[1] = 0xee;
		imactl_golden_add(g, IMACTL_GOLDEN_FILE, "/many", v, 32, &d);
	}
	assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, "/many", d1, 32, &d), -EMSGSIZE);
	imactl_golden_free(g);
	imactl_golden_free(NULL);
}

static void test_excludes(void **state)
{
	imactl_golden *g = NULL;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(imactl_golden_new(&g), 0);
	assert_int_equal(imactl_golden_add_exclude(g, "/tmp/.*", &d), 0);
	assert_int_equal(imactl_golden_add_exclude(g, "/var/log", &d), 0);
	assert_int_equal(imactl_golden_excluded(g, "/tmp/x"), 1);
	/* anchored at the start, like re.match() */
	assert_int_equal(imactl_golden_excluded(g, "/home/tmp/x"), 0);
	/* a prefix match is enough, like re.match() */
	assert_int_equal(imactl_golden_excluded(g, "/var/log/messages"), 1);
	assert_int_equal(imactl_golden_excluded(g, "/usr/bin/ls"), 0);
	assert_int_equal(imactl_golden_add_exclude(g, "(", &d), -EBADMSG);
	assert_non_null(strstr(d.msg, "not a POSIX extended regex"));
	imactl_golden_free(g);
}

static const char policy[] =
	"{\"meta\":{\"version\":1,\"generator\":2},\"release\":0,"
	"\"digests\":{\"/usr/bin/"
	"a\":[\"0100000000000000000000000000000000000000000000000000000000000000\","
	"\"0100000000000000000000000000000000000000\"]},"
	"\"excludes\":[\"/tmp/.*\"],"
	"\"keyrings\":{\".ima\":["
	"\"0200000000000000000000000000000000000000000000000000000000000000\"]},"
	"\"ima\":{\"ignored_keyrings\":[\".builtin_trusted_keys\"],\"log_hash_alg\":\"sha1\","
	"\"dm_policy\":null},"
	"\"ima-buf\":{\"dm_table_load\":["
	"\"0100000000000000000000000000000000000000000000000000000000000000\"]},"
	"\"verification-keys\":\"\"}";

static void test_json_roundtrip(void **state)
{
	imactl_golden *g = NULL, *g2 = NULL;
	imactl_diag d = {0};
	char *out = NULL, *out2 = NULL;

	(void)state;
	assert_int_equal(imactl_golden_parse_json(policy, strlen(policy), &g, &d), 0);
	assert_int_equal(imactl_golden_count(g, IMACTL_GOLDEN_FILE), 1);
	assert_int_equal(imactl_golden_count(g, IMACTL_GOLDEN_KEYRING), 1);
	assert_int_equal(imactl_golden_count(g, IMACTL_GOLDEN_BUF), 1);
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_FILE, "/usr/bin/a", d1, 32), 0);
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_FILE, "/usr/bin/a", s1, 20), 0);
	assert_int_equal(imactl_golden_lookup(g, IMACTL_GOLDEN_KEYRING, ".ima", d2, 32), 0);
	assert_int_equal(imactl_golden_excluded(g, "/tmp/z"), 1);
	assert_int_equal(imactl_golden_to_json(g, &out, &d), 0);
	assert_non_null(strstr(out, "\"ignored_keyrings\""));
	assert_non_null(strstr(out, "\"log_hash_alg\": \"sha1\""));
	assert_non_null(strstr(out, "\"ima-buf\""));
	assert_non_null(strstr(out, "\"verification-keys\""));
	assert_int_equal(imactl_golden_parse_json(out, strlen(out), &g2, &d), 0);
	assert_int_equal(imactl_golden_to_json(g2, &out2, &d), 0);
	assert_string_equal(out, out2);
	free(out);
	free(out2);
	imactl_golden_free(g);
	imactl_golden_free(g2);
}

static void test_json_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"digests\":[]}",
		"{\"digests\":{\"/a\":\"00\"}}",
		"{\"digests\":{\"/a\":[1]}}",
		"{\"digests\":{\"/a\":[\"0g\"]}}",
		"{\"digests\":{\"/a\":[\"000\"]}}",
		"{\"excludes\":[\"(\"]}",
		"{\"excludes\":\"x\"}",
		"{\"meta\":{}}",
		"{\"ima\":{\"log_hash_alg\":1}}",
		"{\"digests\":{}} x",
		"{\"digests\":{",
		/* a NUL inside a path would be cut by json-c and match "/a" */
		"{\"digests\":{\"/a\\u0000b\":[\"00\"]}}",
	};
	imactl_golden *g = NULL;
	imactl_diag d = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = imactl_golden_parse_json(bad[i], strlen(bad[i]), &g, &d);
		if (r != -EBADMSG)
			fail_msg("'%s': %d", bad[i], r);
	}
	assert_int_equal(imactl_golden_parse_json("{\"meta\":{\"version\":2}}", 23, &g, &d),
			 -EOPNOTSUPP);
	assert_int_equal(imactl_golden_parse_json("{}", 2, &g, &d), 0);
	imactl_golden_free(g);
}

/* A golden list of the capture's own entries; returns the statuses counted. */
static void check_log(const imactl_golden *g, const char *rel, unsigned counts[8])
{
	size_t len;
	uint8_t *data = tu_read(tu_data(rel), &len);
	imactl_mlog *l = NULL;
	imactl_golden_check *c = NULL;
	const imactl_mlog_entry *e;
	imactl_diag d = {0};
	int r;

	memset(counts, 0, 8 * sizeof(unsigned));
	assert_int_equal(imactl_mlog_open_buf(ctx, data, len, IMACTL_MLOG_AUTO, -1, 0, &l, &d), 0);
	assert_int_equal(imactl_golden_check_new(g, &c), 0);
	while ((r = imactl_mlog_next(l, &e, &d)) == 1) {
		int st = imactl_golden_check_entry(c, e);
		assert_in_range(st, 0, 7);
		counts[st]++;
	}
	assert_int_equal(r, 0);
	imactl_golden_check_free(c);
	imactl_mlog_free(l);
	free(data);
}

static imactl_golden *golden_from(const char *rel)
{
	size_t len;
	uint8_t *data = tu_read(tu_data(rel), &len);
	imactl_mlog *l = NULL;
	imactl_golden *g = NULL;
	const imactl_mlog_entry *e;
	imactl_diag d = {0};

	assert_int_equal(imactl_golden_new(&g), 0);
	assert_int_equal(imactl_mlog_open_buf(ctx, data, len, IMACTL_MLOG_AUTO, -1, 0, &l, &d), 0);
	while (imactl_mlog_next(l, &e, &d) == 1)
		if (!e->violation && e->file_digest && strcmp(e->name, "boot_aggregate"))
			assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, e->name,
							   e->file_digest, e->file_digest_len, &d),
					 0);
	imactl_mlog_free(l);
	free(data);
	return g;
}

#define LOG "kernel-6.1/measure/binary_runtime_measurements"

static void test_kernel_log(void **state)
{
	imactl_golden *g = golden_from(LOG);
	unsigned n[8];
	uint8_t bad[32] = {0};
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(imactl_golden_count(g, IMACTL_GOLDEN_FILE), 27);
	check_log(g, LOG, n);
	assert_int_equal(n[IMACTL_GOLDEN_OK], 27);
	assert_int_equal(n[IMACTL_GOLDEN_IGNORED], 1); /* boot_aggregate: not in the list */
	/* the ascii list reads the same */
	check_log(g, "kernel-6.1/measure/ascii_runtime_measurements", n);
	assert_int_equal(n[IMACTL_GOLDEN_OK], 27);
	/* tampered twin: the list changed (file content digest flipped, template rehashed) */
	check_log(g, "kernel-6.1/measure/tampered-digest-rehash.bin", n);
	assert_int_equal(n[IMACTL_GOLDEN_MISMATCH], 1);
	assert_int_equal(n[IMACTL_GOLDEN_OK], 26);
	imactl_golden_free(g);

	/* tampered twin: the golden list lacks one path, another has a different hash */
	g = golden_from(LOG);
	assert_int_equal(imactl_golden_add_exclude(g, "/lib/modules/", &d), 0);
	check_log(g, LOG, n);
	assert_true(n[IMACTL_GOLDEN_EXCLUDED] > 0);
	assert_int_equal(n[IMACTL_GOLDEN_OK] + n[IMACTL_GOLDEN_EXCLUDED], 27);
	imactl_golden_free(g);

	assert_int_equal(imactl_golden_new(&g), 0);
	assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, "/init", bad, 32, &d), 0);
	check_log(g, LOG, n);
	assert_int_equal(n[IMACTL_GOLDEN_MISMATCH], 1);
	assert_int_equal(n[IMACTL_GOLDEN_UNKNOWN], 26);
	imactl_golden_free(g);
}

/* ToMToU and violations on synthetic entries */
static void test_tomtou_violation(void **state)
{
	imactl_golden *g = NULL;
	imactl_golden_check *c = NULL;
	imactl_mlog_entry e;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(imactl_golden_new(&g), 0);
	assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, "/etc/x", d1, 32, &d), 0);
	assert_int_equal(imactl_golden_add(g, IMACTL_GOLDEN_FILE, "/etc/x", d2, 32, &d), 0);
	assert_int_equal(imactl_golden_check_new(g, &c), 0);
	memset(&e, 0, sizeof(e));
	e.name = "/etc/x";
	e.file_digest = d1;
	e.file_digest_len = 32;
	assert_int_equal(imactl_golden_check_entry(c, &e), IMACTL_GOLDEN_OK);
	assert_int_equal(imactl_golden_check_entry(c, &e), IMACTL_GOLDEN_OK);
	e.file_digest = d2; /* both good, but one path with two contents in one boot */
	assert_int_equal(imactl_golden_check_entry(c, &e), IMACTL_GOLDEN_TOMTOU);
	e.violation = true;
	assert_int_equal(imactl_golden_check_entry(c, &e), IMACTL_GOLDEN_VIOLATION);
	e.violation = false;
	e.file_digest = NULL;
	assert_int_equal(imactl_golden_check_entry(c, &e), IMACTL_GOLDEN_NODIGEST);
	/* ima-buf */
	e.file_digest = d2;
	e.buf = d2;
	e.buf_len = 1;
	e.name = "dm_table_load";
	assert_int_equal(imactl_golden_check_entry(c, &e), IMACTL_GOLDEN_UNKNOWN);
	assert_string_equal(imactl_golden_status_name(IMACTL_GOLDEN_TOMTOU), "tomtou");
	imactl_golden_check_free(c);
	imactl_golden_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),	       cmocka_unit_test(test_excludes),
		cmocka_unit_test(test_json_roundtrip), cmocka_unit_test(test_json_bad),
		cmocka_unit_test(test_kernel_log),     cmocka_unit_test(test_tomtou_violation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
