/* SPDX-License-Identifier: MIT */
/*
 * TPM transport choice and the no-hang rule (lib/tpm_tcti.c, lib/tpm_tss2.c):
 * TCTI strings parsed without side effects; a missing device, a regular file,
 * a closed port and a peer that accepts but never answers all fail, the
 * last within the timeout given.  Reading a live TPM is in tests/e2e/tpm.test
 * (swtpm).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "config.h"
#include "imactl/tpm.h"
#include "tpm_internal.h"

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_parse(void **state)
{
	struct tcti_target t;
	imactl_diag d = {0};

	(void)state;
	assert_int_equal(tpm_tcti_parse("device", &t, &d), 0);
	assert_int_equal(t.kind, TCTI_DEVICE);
	assert_string_equal(t.path, "/dev/tpm0");
	assert_string_equal(t.conf, "device:/dev/tpm0");
	assert_int_equal(tpm_tcti_parse("device:/dev/tpmrm0", &t, &d), 0);
	assert_string_equal(t.path, "/dev/tpmrm0");

	assert_int_equal(tpm_tcti_parse("swtpm", &t, &d), 0);
	assert_int_equal(t.kind, TCTI_TCP);
	assert_string_equal(t.host, "localhost");
	assert_int_equal(t.port, 2321);
	assert_int_equal(tpm_tcti_parse("swtpm:port=4000,host=127.0.0.1", &t, &d), 0);
	assert_string_equal(t.host, "127.0.0.1");
	assert_int_equal(t.port, 4000);
	assert_string_equal(t.conf, "swtpm:port=4000,host=127.0.0.1");
	assert_int_equal(tpm_tcti_parse("mssim:host=::1", &t, &d), 0);
	assert_string_equal(t.host, "::1");
	assert_int_equal(t.port, 2321);

	/* named explicitly: passed through, never probed */
	assert_int_equal(tpm_tcti_parse("tabrmd:bus_type=session", &t, &d), 0);
	assert_int_equal(t.kind, TCTI_OTHER);
	assert_string_equal(t.conf, "tabrmd:bus_type=session");
	assert_int_equal(tpm_tcti_probe(&t, 10, &d), 0);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",
		":x",
		"swtpm:port=0",
		"swtpm:port=65535", /* the control channel is port + 1 */
		"swtpm:port=12ab",
		"swtpm:port=",
		"mssim:localhost",
		"swtpm:port=99999999999",
	};
	struct tcti_target t;
	char longs[TPM_TCTI_CONF_MAX + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		imactl_diag d = {0};
		assert_int_equal(tpm_tcti_parse(bad[i], &t, &d), -EINVAL);
		assert_true(d.msg[0] != '\0');
	}
	assert_int_equal(tpm_tcti_parse(NULL, &t, NULL), -EINVAL);
	memset(longs, 'a', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	assert_int_equal(tpm_tcti_parse(longs, &t, NULL), -EINVAL);
	memcpy(longs, "device:", 7);
	assert_int_equal(tpm_tcti_parse(longs, &t, NULL), -EINVAL);
}

static void test_probe_device(void **state)
{
	struct tcti_target t;
	imactl_diag d = {0};
	char dir[] = "/tmp/imactl-tpm.XXXXXX", file[64];
	int fd;

	(void)state;
	assert_int_equal(tpm_tcti_parse("device:/dev/nonexistent", &t, NULL), 0);
	assert_int_equal(tpm_tcti_probe(&t, 1000, &d), -ENODEV);
	assert_non_null(strstr(d.msg, "no TPM"));
	assert_non_null(strstr(d.msg, "/dev/nonexistent"));

	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/tpm0", dir);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(t.path, sizeof(t.path), "%s", file);
	assert_int_equal(tpm_tcti_probe(&t, 1000, &d), -ENODEV);
	assert_non_null(strstr(d.msg, "not a character device"));
	unlink(file);
	rmdir(dir);
}

/* A listening socket on an ephemeral loopback port: *ret_port. */
static int listener(unsigned int *ret_port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*ret_port = ntohs(a.sin_port);
	return fd;
}

static void test_probe_tcp(void **state)
{
	struct tcti_target t;
	imactl_diag d = {0};
	struct timespec t0;
	unsigned int port;
	char conf[64];
	int fd;

	(void)state;
	/* closed: refused at once */
	fd = listener(&port);
	close(fd);
	snprintf(conf, sizeof(conf), "swtpm:host=127.0.0.1,port=%u", port);
	assert_int_equal(tpm_tcti_parse(conf, &t, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(tpm_tcti_probe(&t, 5000, &d), -ENODEV);
	assert_true(elapsed_ms(&t0) < 1000);
	assert_non_null(strstr(d.msg, "no TPM"));

	/* accepts (backlog) but never answers: the timeout, not a hang */
	fd = listener(&port);
	snprintf(conf, sizeof(conf), "swtpm:host=127.0.0.1,port=%u", port);
	assert_int_equal(tpm_tcti_parse(conf, &t, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(tpm_tcti_probe(&t, 200, &d), -ETIMEDOUT);
	assert_true(elapsed_ms(&t0) < 1000);
	assert_non_null(strstr(d.msg, "did not answer"));
	/* the same for the simulator's framing */
	snprintf(conf, sizeof(conf), "mssim:host=127.0.0.1,port=%u", port);
	assert_int_equal(tpm_tcti_parse(conf, &t, NULL), 0);
	assert_int_equal(tpm_tcti_probe(&t, 200, &d), -ETIMEDOUT);
	close(fd);
}

static void test_read_no_tpm(void **state)
{
	imactl_pcrs *p = NULL;
	imactl_diag d = {0};
	struct timespec t0;
	static const int md5[] = {IMACTL_HASH_MD5};
	int r;

	(void)state;
	assert_int_equal(imactl_tpm_supported(), HAVE_TSS2);
	assert_int_equal(imactl_pcrs_new(&p), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = imactl_pcrs_read_tpm(p, "device:/dev/nonexistent", NULL, 0, 0, &d);
	assert_true(elapsed_ms(&t0) < 1000);
	if (!HAVE_TSS2) {
		assert_int_equal(r, -EOPNOTSUPP);
		assert_non_null(strstr(d.msg, "tpm2-tss"));
		imactl_pcrs_free(p);
		return;
	}
	assert_int_equal(r, -ENODEV);
	assert_non_null(strstr(d.msg, "/dev/nonexistent"));
	/* nothing written on failure */
	for (int algo = 0; algo < IMACTL_HASH__MAX; algo++)
		assert_false(imactl_pcrs_has_bank(p, algo));
	/* a bank no TPM has is refused before any I/O */
	assert_int_equal(imactl_pcrs_read_tpm(p, "device:/dev/nonexistent", md5, 1, 0, &d),
			 -EOPNOTSUPP);
	assert_int_equal(imactl_pcrs_read_tpm(NULL, NULL, NULL, 0, 0, &d), -EINVAL);
	imactl_pcrs_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),	     cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_probe_device), cmocka_unit_test(test_probe_tcp),
		cmocka_unit_test(test_read_no_tpm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
