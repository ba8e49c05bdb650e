/* SPDX-License-Identifier: MIT */
/*
 * Choosing a TPM transport and checking that something is behind it before
 * tpm2-tss gets it: evmctl hands NULL to Tss2_TctiLdr_Initialize(), whose
 * search starts with tpm2-abrmd over D-Bus and can wait ~15 s on a machine
 * without a TPM.  Here a missing device or a closed port fails at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "tpm_internal.h"
#include "util/cleanup.h"

#define TCP_DEFAULT_HOST "localhost"
#define TCP_DEFAULT_PORT 2321u

static int copy_str(char *dst, size_t cap, const char *s, size_t len)
{
	if (len >= cap)
		return -EINVAL;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* "host=H,port=P" (either, both, any order); other keys are left to tpm2-tss. */
static int parse_tcp_conf(struct tcti_target *t, const char *conf, imactl_diag *reterr)
{
	const char *s = conf;

	if (copy_str(t->host, sizeof(t->host), TCP_DEFAULT_HOST, strlen(TCP_DEFAULT_HOST)) < 0)
		return -EINVAL;
	t->port = TCP_DEFAULT_PORT;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);

		if (n >= 5 && !strncmp(s, "host=", 5)) {
			if (n == 5 || copy_str(t->host, sizeof(t->host), s + 5, n - 5) < 0)
				return diag_fail(reterr, -EINVAL, "TCTI '%s': bad host name",
						 t->name);
		} else if (n >= 5 && !strncmp(s, "port=", 5)) {
			char num[8], *end;
			unsigned long v;

			if (copy_str(num, sizeof(num), s + 5, n - 5) < 0)
				return diag_fail(reterr, -EINVAL, "TCTI '%s': bad port", t->name);
			errno = 0;
			v = strtoul(num, &end, 10);
			if (errno || *end || end == num || v == 0 || v > 65534)
				return diag_fail(reterr, -EINVAL, "TCTI '%s': bad port '%s'",
						 t->name, num);
			t->port = (unsigned int)v;
		} else if (n && !memchr(s, '=', n)) {
			return diag_fail(reterr, -EINVAL,
					 "TCTI '%s': expected host=HOST,port=PORT, not '%.*s'",
					 t->name, (int)n, s);
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

int tpm_tcti_parse(const char *tcti, struct tcti_target *ret, imactl_diag *reterr)
{
	struct tcti_target t = {0};
	const char *colon, *conf;
	size_t nlen;

	if (!ret)
		return -EINVAL;
	if (!tcti || !*tcti)
		return diag_fail(reterr, -EINVAL, "empty TCTI string");
	if (strlen(tcti) >= sizeof(t.conf))
		return diag_fail(reterr, -EINVAL, "TCTI string too long");
	colon = strchr(tcti, ':');
	nlen = colon ? (size_t)(colon - tcti) : strlen(tcti);
	conf = colon ? colon + 1 : "";
	if (!nlen || copy_str(t.name, sizeof(t.name), tcti, nlen) < 0)
		return diag_fail(reterr, -EINVAL, "TCTI string '%s': bad TCTI name", tcti);
	/* tpm2-tss also accepts library names: libtss2-tcti-device.so.0 is "device" */
	if (!strcmp(t.name, "device") || !strcmp(t.name, "libtss2-tcti-device.so.0")) {
		t.kind = TCTI_DEVICE;
		if (copy_str(t.path, sizeof(t.path), *conf ? conf : TPM_DEV,
			     strlen(*conf ? conf : TPM_DEV)) < 0)
			return -EINVAL;
		snprintf(t.conf, sizeof(t.conf), "device:%s", t.path);
	} else if (!strcmp(t.name, "swtpm") || !strcmp(t.name, "mssim")) {
		int r;

		t.kind = TCTI_TCP;
		r = parse_tcp_conf(&t, conf, reterr);
		if (r < 0)
			return r;
		snprintf(t.conf, sizeof(t.conf), "%s", tcti);
	} else {
		t.kind = TCTI_OTHER;
		snprintf(t.conf, sizeof(t.conf), "%s", tcti);
	}
	*ret = t;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int probe_device(const char *path, imactl_diag *reterr)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0)
		return diag_fail(reterr, errno == ENOENT ? -ENODEV : -errno, "no TPM: '%s': %s",
				 path, strerror(errno));
	if (!S_ISCHR(st.st_mode))
		return diag_fail(reterr, -ENODEV, "no TPM: '%s' is not a character device", path);
	/* the TPM driver's open never sleeps; /dev/tpm0 is exclusive (EBUSY) */
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return diag_fail(reterr, -errno, "TPM '%s': cannot open: %s", path,
				 strerror(errno));
	close(fd);
	return 0;
}

/* Wait for @events on @fd until @deadline: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};

	for (;;) {
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* A connected non-blocking socket in *ret_fd, or -errno / -ETIMEDOUT. */
static int connect_one(const struct addrinfo *ai, int64_t deadline, int *ret_fd)
{
	_cleanup_close_ int fd = -EBADF;
	socklen_t sl = sizeof(int);
	int err = 0, r;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			return -errno;
		r = wait_fd(fd, POLLOUT, deadline);
		if (r < 0)
			return r;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
			return -errno;
		if (err)
			return -err;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/*
 * The swtpm and mssim TCTIs talk to a second port (port + 1) while they
 * initialise, with blocking reads and no timeout: swtpm's control channel
 * (CMD_SET_LOCALITY) or the simulator's platform port (power on).  A peer
 * that accepts and never answers would hang them, so it is asked first:
 * command 1 is CMD_GET_CAPABILITY on swtpm's control channel and
 * MS_SIM_POWER_ON on mssim's platform port (which its TCTI sends anyway);
 * both answer with at least a 4-byte result.
 */
/*
 * And the command port the same way: tpm2-tss 3.2's swtpm and mssim TCTIs
 * read their answers with blocking reads whatever timeout Esys asks for, so
 * the TPM is asked once here, with a deadline, before they get it:
 * TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES, TPM_PT_MANUFACTURER, 1), whose
 * answer starts with a 10-byte TPM response header.
 */
static const uint8_t tpm_getcap_cmd[22] = {
	0x80, 0x01,		/* TPM_ST_NO_SESSIONS */
	0x00, 0x00, 0x00, 0x16, /* commandSize */
	0x00, 0x00, 0x01, 0x7a, /* TPM_CC_GetCapability */
	0x00, 0x00, 0x00, 0x06, /* TPM_CAP_TPM_PROPERTIES */
	0x00, 0x00, 0x01, 0x05, /* TPM_PT_MANUFACTURER */
	0x00, 0x00, 0x00, 0x01, /* propertyCount */
};
/* mssim frames a command as: TPM_SEND_COMMAND, locality, size, command */
static const uint8_t sim_send_hdr[9] = {0, 0, 0, 8, 0, 0, 0, 0, 22};

static int ping(int fd, const uint8_t *cmd, size_t len, size_t want, int64_t deadline)
{
	uint8_t resp[64];
	size_t got = 0;
	ssize_t n;
	int r;

	r = wait_fd(fd, POLLOUT, deadline);
	if (r < 0)
		return r;
	n = send(fd, cmd, len, MSG_NOSIGNAL);
	if (n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	while (got < want) {
		r = wait_fd(fd, POLLIN, deadline);
		if (r < 0)
			return r;
		n = recv(fd, resp + got, sizeof(resp) - got, 0);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		if (n > 0)
			got += (size_t)n;
	}
	return 0;
}

static int ping_ctrl(int fd, int64_t deadline)
{
	static const uint8_t cmd[4] = {0, 0, 0, 1};

	return ping(fd, cmd, sizeof(cmd), 4, deadline);
}

static int ping_tpm(const struct tcti_target *t, int fd, int64_t deadline)
{
	uint8_t cmd[sizeof(sim_send_hdr) + sizeof(tpm_getcap_cmd)];

	/* swtpm's socket takes the bare command and answers with the bare response */
	if (!strcmp(t->name, "swtpm"))
		return ping(fd, tpm_getcap_cmd, sizeof(tpm_getcap_cmd), 10, deadline);
	memcpy(cmd, sim_send_hdr, sizeof(sim_send_hdr));
	memcpy(cmd + sizeof(sim_send_hdr), tpm_getcap_cmd, sizeof(tpm_getcap_cmd));
	/* the simulator answers: 4-byte size, then the response (>= 10 bytes) */
	return ping(fd, cmd, sizeof(cmd), 4 + 10, deadline);
}

/* Connect to @port (and with @ping, ask it command 1) before @deadline. */
static int probe_port(const struct tcti_target *t, unsigned int port, bool ctrl, int64_t deadline,
		      unsigned int timeout_ms, imactl_diag *reterr)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char sport[8];
	int r = -ENODEV, g, fd = -EBADF;

	snprintf(sport, sizeof(sport), "%u", port);
	g = getaddrinfo(t->host, sport, &hints, &res);
	if (g)
		return diag_fail(reterr, -ENODEV, "no TPM: TCTI '%s': host '%s': %s", t->name,
				 t->host, gai_strerror(g));
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		r = connect_one(ai, deadline, &fd);
		if (r == 0 || r == -ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	if (r == 0) {
		r = ctrl ? ping_ctrl(fd, deadline) : ping_tpm(t, fd, deadline);
		close(fd);
		if (r < 0)
			return diag_fail(reterr, r == -ETIMEDOUT ? r : -ENODEV,
					 "no TPM: TCTI '%s': %s:%u (%s port) accepted but %s",
					 t->name, t->host, port, ctrl ? "control" : "command",
					 r == -ETIMEDOUT ? "did not answer in time"
							 : "closed without answering");
		return 0;
	}
	if (r == -ETIMEDOUT)
		return diag_fail(reterr, r, "no TPM: TCTI '%s': %s:%u did not answer within %u ms",
				 t->name, t->host, port, timeout_ms);
	if (r < 0)
		return diag_fail(reterr, -ENODEV, "no TPM: TCTI '%s': %s:%u: %s", t->name, t->host,
				 port, strerror(-r));
	return 0;
}

static int probe_tcp(const struct tcti_target *t, unsigned int timeout_ms, imactl_diag *reterr)
{
	int64_t deadline = now_ms() + timeout_ms;
	int r;

	r = probe_port(t, t->port, false, deadline, timeout_ms, reterr);
	if (r < 0)
		return r;
	return probe_port(t, t->port + 1, true, deadline, timeout_ms, reterr);
}

int tpm_tcti_probe(const struct tcti_target *t, unsigned int timeout_ms, imactl_diag *reterr)
{
	if (!t)
		return -EINVAL;
	switch (t->kind) {
	case TCTI_DEVICE:
		return probe_device(t->path, reterr);
	case TCTI_TCP:
		return probe_tcp(t, timeout_ms, reterr);
	default:
		return 0;
	}
}

int tpm_tcti_resolve(const char *tcti, unsigned int timeout_ms, struct tcti_target *ret,
		     imactl_diag *reterr)
{
	struct tcti_target t;
	int r;

	if (!ret)
		return -EINVAL;
	if (!tcti || !*tcti) {
		/* the resource manager first (shareable), then the raw device */
		if (!access(TPM_DEV_RM, F_OK))
			tcti = "device:" TPM_DEV_RM;
		else if (!access(TPM_DEV, F_OK))
			tcti = "device:" TPM_DEV;
		else
			return diag_fail(reterr, -ENODEV,
					 "no TPM: neither " TPM_DEV_RM " nor " TPM_DEV " exists");
	}
	r = tpm_tcti_parse(tcti, &t, reterr);
	if (r < 0)
		return r;
	r = tpm_tcti_probe(&t, timeout_ms, reterr);
	if (r < 0)
		return r;
	*ret = t;
	return 0;
}
