/* SPDX-License-Identifier: MIT */
/*
 * imad's integrity records as userspace audit messages, through libaudit
 * (docs/imad.8.md, AUDIT).  The kernel takes only the user ranges from
 * userspace (AUDIT_USER, 1100-1199, 2100-2999), so the INTEGRITY_* types
 * cannot be sent; audit.c builds the text and this file sends it as
 * AUDIT_TRUSTED_APP, with libaudit's exe=/res= suffix.
 *
 * One socket for every thread: libaudit sends a message and waits for the
 * kernel's ACK on the same socket, so the exchange is serialised.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <libaudit.h>

#include "audit_netlink.h"

_Static_assert(IMAD_AUDIT_USER_TYPE == AUDIT_TRUSTED_APP, "imad's audit type");

static pthread_mutex_t nl_lock = PTHREAD_MUTEX_INITIALIZER;
static int nl_fd = -1;
static atomic_int nl_active;

/*
 * The kernel answers ECONNREFUSED to audit messages from any user namespace
 * but the initial one (audit_netlink_ok()), and libaudit reports that as
 * "sent": tell it at start-up instead.  The initial namespace maps every uid.
 */
static int initial_user_ns(void)
{
	unsigned long inner, outer, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int ok;

	if (!f)
		return 1; /* no user namespaces in this kernel */
	ok = fscanf(f, "%lu %lu %lu", &inner, &outer, &count) == 3 && inner == 0 && outer == 0 &&
	     count == 4294967295ul;
	fclose(f);
	return ok;
}

int imad_auditnl_open(char *err, size_t errlen)
{
	int fd;

	if (!audit_can_write()) {
		snprintf(err, errlen, "no CAP_AUDIT_WRITE");
		return -EPERM;
	}
	if (!initial_user_ns()) {
		snprintf(err, errlen,
			 "not in the initial user namespace (the kernel takes audit messages "
			 "from it alone)");
		return -ECONNREFUSED;
	}
	set_aumessage_mode(MSG_QUIET, DBG_NO); /* libaudit logs nothing of its own */
	fd = audit_open();
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "audit_open: %s%s", strerror(e),
			 e == EPROTONOSUPPORT || e == EINVAL || e == EAFNOSUPPORT
				 ? " (kernel without CONFIG_AUDIT)"
				 : "");
		return e == EPROTONOSUPPORT || e == EINVAL || e == EAFNOSUPPORT ? -EOPNOTSUPP : -e;
	}
	pthread_mutex_lock(&nl_lock);
	if (nl_fd >= 0)
		audit_close(nl_fd);
	nl_fd = fd;
	atomic_store(&nl_active, 1);
	pthread_mutex_unlock(&nl_lock);
	return 0;
}

int imad_auditnl_active(void)
{
	return atomic_load(&nl_active);
}

int imad_auditnl_send(const char *text, int res)
{
	int rc;

	pthread_mutex_lock(&nl_lock);
	if (nl_fd < 0) {
		pthread_mutex_unlock(&nl_lock);
		return -ENOTCONN;
	}
	/* > 0 the message's sequence number; 0 ECONNREFUSED; else -errno */
	rc = audit_log_user_message(nl_fd, AUDIT_TRUSTED_APP, text, NULL, NULL, NULL, res);
	if (rc == 0)
		rc = -ECONNREFUSED;
	if (rc == -EPERM || rc == -ECONNREFUSED) {
		audit_close(nl_fd);
		nl_fd = -1;
		atomic_store(&nl_active, 0);
	}
	pthread_mutex_unlock(&nl_lock);
	return rc > 0 ? 0 : rc;
}

void imad_auditnl_close(void)
{
	pthread_mutex_lock(&nl_lock);
	if (nl_fd >= 0)
		audit_close(nl_fd);
	nl_fd = -1;
	atomic_store(&nl_active, 0);
	pthread_mutex_unlock(&nl_lock);
}
