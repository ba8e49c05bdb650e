/* SPDX-License-Identifier: MIT */
/*
 * imad's integrity records as userspace audit messages, through libaudit
 * (docs/imad.8.md, AUDIT).  The kernel takes only the user ranges from
 * userspace (AUDIT_USER, 1100-1199, 2100-2999), so the INTEGRITY_* types
 * cannot be sent; audit.c builds the text and this file sends it as
 * AUDIT_TRUSTED_APP, with libaudit's exe=/res= suffix.
 *
 * One socket, one sender thread.  libaudit sends a message and waits for
 * the kernel's ACK, and the kernel may hold a userspace message for up to
 * audit_backlog_wait_time (60 s by default) while auditd is behind: were the
 * reader thread to send, a stalled auditd would stall every opener waiting
 * in fanotify's queue, which no deadline covers until the reader reads it.
 * So callers only queue the text (bounded: a full queue drops the record,
 * which still went to syslog, and says so), and the sender thread talks to
 * the kernel.  A refusal (EPERM, ECONNREFUSED) closes the socket there;
 * imad_auditnl_take_refusal() hands it to the caller to log once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libaudit.h>

#include "audit_netlink.h"

_Static_assert(IMAD_AUDIT_USER_TYPE == AUDIT_TRUSTED_APP, "imad's audit type");

#define QMAX 128

static pthread_mutex_t nl_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nl_cond = PTHREAD_COND_INITIALIZER;
static int nl_fd = -1; /* the sender thread's once started */
static atomic_int nl_active;
static atomic_int nl_refused; /* errno of a refusal not yet reported */
static struct {
	char *text;
	int res;
} q[QMAX];
static unsigned int q_head, q_count;
static int q_stop, sender_started;
static pthread_t sender;

static void *sender_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&nl_lock);
	for (;;) {
		char *text;
		int res, fd, rc;

		while (!q_count && !q_stop)
			pthread_cond_wait(&nl_cond, &nl_lock);
		if (!q_count)
			break;
		text = q[q_head].text;
		res = q[q_head].res;
		q_head = (q_head + 1) % QMAX;
		q_count--;
		fd = nl_fd;
		pthread_mutex_unlock(&nl_lock);
		/* > 0 the message's sequence number; 0 ECONNREFUSED; else -errno */
		rc = fd < 0 ? -ENOTCONN
			    : audit_log_user_message(fd, AUDIT_TRUSTED_APP, text, NULL, NULL, NULL,
						     res);
		free(text);
		pthread_mutex_lock(&nl_lock);
		if (rc == 0)
			rc = -ECONNREFUSED;
		if ((rc == -EPERM || rc == -ECONNREFUSED) && nl_fd >= 0) {
			audit_close(nl_fd);
			nl_fd = -1;
			atomic_store(&nl_active, 0);
			atomic_store(&nl_refused, -rc);
		}
	}
	pthread_mutex_unlock(&nl_lock);
	return NULL;
}

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

int imad_auditnl_take_refusal(void)
{
	return -atomic_exchange(&nl_refused, 0);
}

int imad_auditnl_send(const char *text, int res)
{
	char *copy;

	if (!atomic_load(&nl_active))
		return -ENOTCONN;
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	pthread_mutex_lock(&nl_lock);
	if (!sender_started && !q_stop) {
		if (pthread_create(&sender, NULL, sender_main, NULL) != 0) {
			pthread_mutex_unlock(&nl_lock);
			free(copy);
			return -EAGAIN;
		}
		sender_started = 1;
	}
	if (q_stop || q_count == QMAX) {
		int r = q_stop ? -ENOTCONN : -ENOBUFS; /* stopping; or auditd is behind */

		pthread_mutex_unlock(&nl_lock);
		free(copy);
		return r; /* the record stays in syslog */
	}
	q[(q_head + q_count) % QMAX].text = copy;
	q[(q_head + q_count) % QMAX].res = res;
	q_count++;
	pthread_cond_signal(&nl_cond);
	pthread_mutex_unlock(&nl_lock);
	return 0;
}

void imad_auditnl_close(void)
{
	struct timespec ts;
	int joined = 1;

	pthread_mutex_lock(&nl_lock);
	q_stop = 1;
	pthread_cond_broadcast(&nl_cond);
	pthread_mutex_unlock(&nl_lock);
	if (sender_started) {
		/* queued records go out first; a kernel holding one (auditd behind)
		 * gets two seconds, then the process exits without it */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 2;
		joined = pthread_timedjoin_np(sender, NULL, &ts) == 0;
		sender_started = !joined;
	}
	pthread_mutex_lock(&nl_lock);
	if (joined && nl_fd >= 0) {
		audit_close(nl_fd);
		nl_fd = -1;
	}
	atomic_store(&nl_active, 0);
	pthread_mutex_unlock(&nl_lock);
}
