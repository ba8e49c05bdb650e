/* SPDX-License-Identifier: MIT */
/*
 * Logging and integrity records.  Always called after the kernel has its
 * answer (the opener we block could be our own logger).
 *
 * Records carry the kernel's fields in its order (integrity_audit_message()
 * in security/integrity/integrity_audit.c):
 *   type=INTEGRITY_DATA msg=audit(SEC.MSEC:SERIAL): pid= uid= auid= ses= subj=
 *   op= cause= comm="" name="" dev="" ino= res= errno=
 * so that `imactl audit` and existing tooling read them unchanged.  They go to
 * stderr with --foreground, else to syslog (journald) as LOG_AUTHPRIV.
 * libaudit is not used in this build (it is not installed here; a userspace
 * daemon cannot emit type 1800 through it anyway: the kernel accepts only the
 * AUDIT_USER ranges from userspace).
 *
 * Rate limit: at most RL_BURST messages per RL_INTERVAL seconds; the number
 * suppressed is reported with the next message that gets through.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "imad.h"

#define RL_INTERVAL 5
#define RL_BURST    200

static int log_foreground;
static int log_echo = 1; /* start-up messages also go to stderr */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t rl_start;
static unsigned int rl_count, rl_suppressed;
static atomic_uint audit_serial;

void imad_log_init(int foreground)
{
	log_foreground = foreground;
	if (!foreground)
		openlog("imad", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void imad_log_started(void)
{
	log_echo = 0;
}

static void vlog(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void vlog(int prio, const char *fmt, va_list ap)
{
	char msg[6144];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_foreground) {
		pthread_mutex_lock(&log_lock);
		fprintf(stderr, "imad: %s\n", msg);
		pthread_mutex_unlock(&log_lock);
	} else {
		syslog(prio, "%s", msg);
		if (log_echo)
			fprintf(stderr, "imad: %s\n", msg);
	}
}

void imad_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

/* 1 when the message may go out; reports suppressed messages first. */
static int rl_pass(void)
{
	time_t now = time(NULL);
	unsigned int dropped = 0;
	int ok;

	pthread_mutex_lock(&log_lock);
	if (now - rl_start >= RL_INTERVAL) {
		dropped = rl_suppressed;
		rl_start = now;
		rl_count = 0;
		rl_suppressed = 0;
	}
	ok = rl_count < RL_BURST;
	if (ok)
		rl_count++;
	else
		rl_suppressed++;
	pthread_mutex_unlock(&log_lock);
	if (dropped)
		imad_log(LOG_WARNING, "%u messages suppressed (rate limit %u per %d s)", dropped,
			 RL_BURST, RL_INTERVAL);
	return ok;
}

void imad_log_rl(int prio, const char *fmt, ...)
{
	va_list ap;

	if (!rl_pass())
		return;
	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

/* The kernel's audit_log_untrustedstring(): quoted, or hex when it holds odd bytes. */
static void untrusted(char *out, size_t cap, const char *s)
{
	int odd = 0;
	size_t o = 0;

	for (const unsigned char *p = (const void *)s; *p; p++)
		if (*p == '"' || *p < 0x21 || *p > 0x7e)
			odd = 1;
	if (!odd) {
		snprintf(out, cap, "\"%s\"", s);
		return;
	}
	for (const unsigned char *p = (const void *)s; *p && o + 3 < cap; p++)
		o += (size_t)snprintf(out + o, cap - o, "%02X", *p);
	out[o] = '\0';
}

static void task_info(pid_t pid, char *comm, size_t ccap, unsigned int *uid, unsigned int *auid,
		      unsigned int *ses, char *subj, size_t scap);

void imad_task_snapshot(pid_t pid, struct imad_task *t)
{
	t->valid = 1;
	task_info(pid, t->comm, sizeof(t->comm), &t->uid, &t->auid, &t->ses, t->subj,
		  sizeof(t->subj));
}

static void task_info(pid_t pid, char *comm, size_t ccap, unsigned int *uid, unsigned int *auid,
		      unsigned int *ses, char *subj, size_t scap)
{
	char path[64], buf[256];
	FILE *f;

	*uid = *auid = *ses = 4294967295u;
	snprintf(comm, ccap, "?");
	snprintf(subj, scap, "unconfined");
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((f = fopen(path, "re"))) {
		if (fgets(buf, sizeof(buf), f)) {
			size_t l = strcspn(buf, "\n");
			if (l >= ccap)
				l = ccap - 1;
			memcpy(comm, buf, l);
			comm[l] = '\0';
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/loginuid", (int)pid);
	if ((f = fopen(path, "re"))) {
		if (fscanf(f, "%u", auid) != 1)
			*auid = 4294967295u;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/sessionid", (int)pid);
	if ((f = fopen(path, "re"))) {
		if (fscanf(f, "%u", ses) != 1)
			*ses = 4294967295u;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re"))) {
		while (fgets(buf, sizeof(buf), f))
			if (strncmp(buf, "Uid:", 4) == 0) {
				sscanf(buf + 4, "%u", uid);
				break;
			}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/attr/current", (int)pid);
	if ((f = fopen(path, "re"))) {
		if (fgets(buf, sizeof(buf), f) && buf[0]) {
			size_t l = strcspn(buf, "\n");
			if (l >= scap)
				l = scap - 1;
			memcpy(subj, buf, l);
			subj[l] = '\0';
		}
		fclose(f);
	}
}

static const char *type_name(unsigned int type)
{
	switch (type) {
	case 1800:
		return "INTEGRITY_DATA";
	case 1804:
		return "INTEGRITY_PCR";
	case 1807:
		return "INTEGRITY_RULE";
	default:
		return "INTEGRITY_DATA";
	}
}

void imad_audit(struct imad *d, unsigned int type, pid_t pid, const char *op, const char *cause,
		const char *path, uint64_t ino, uint64_t dev, int res, const char *extra,
		const struct imad_task *task)
{
	char comm[64], qcomm[140], qname[8300], subj[256];
	unsigned int uid, auid, ses;
	struct timespec ts;

	(void)d;
	if (!rl_pass())
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (task && task->valid) {
		snprintf(comm, sizeof(comm), "%s", task->comm);
		snprintf(subj, sizeof(subj), "%s", task->subj);
		uid = task->uid;
		auid = task->auid;
		ses = task->ses;
	} else {
		task_info(pid, comm, sizeof(comm), &uid, &auid, &ses, subj, sizeof(subj));
	}
	untrusted(qcomm, sizeof(qcomm), comm);
	untrusted(qname, sizeof(qname), path);
	if (type == 1807) {
		/* ima_audit_measurement(): file= hash= ppid= pid= auid= uid= ... comm= */
		imad_log(LOG_NOTICE | LOG_AUTHPRIV,
			 "type=%s msg=audit(%lld.%03ld:%u): file=%s %s pid=%d auid=%u uid=%u "
			 "ses=%u comm=%s dev=\"%u:%u\" ino=%llu",
			 type_name(type), (long long)ts.tv_sec, ts.tv_nsec / 1000000,
			 atomic_fetch_add(&audit_serial, 1) + 1, qname, extra ? extra : "",
			 (int)pid, auid, uid, ses, qcomm, major(dev), minor(dev),
			 (unsigned long long)ino);
		return;
	}
	imad_log(LOG_WARNING | LOG_AUTHPRIV,
		 "type=%s msg=audit(%lld.%03ld:%u): pid=%d uid=%u auid=%u ses=%u subj=%s op=%s "
		 "cause=%s comm=%s name=%s dev=\"%u:%u\" ino=%llu res=%d errno=0",
		 type_name(type), (long long)ts.tv_sec, ts.tv_nsec / 1000000,
		 atomic_fetch_add(&audit_serial, 1) + 1, (int)pid, uid, auid, ses, subj,
		 op ? op : "?", cause ? cause : "?", qcomm, qname, major(dev), minor(dev),
		 (unsigned long long)ino, res);
}
