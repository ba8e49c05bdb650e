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
 *
 * The audit subsystem too (--audit auto|on, built with libaudit:
 * audit_netlink.c).  A userspace process cannot send type 1800/1804/1807:
 * the kernel takes only AUDIT_USER and the user ranges (1100-1199,
 * 2100-2999) from userspace.  imad sends AUDIT_TRUSTED_APP (1121, "trusted
 * app msg - freestyle text"): the user types that sound closer are owned by
 * other formats (USER_AVC is SELinux's avc text, which audit2allow and
 * setroubleshoot parse; ANOM_* are IDS anomaly reports).  The kernel writes
 * its own header, for imad (pid= uid= auid= ses= subj=), then msg='TEXT'.
 * TEXT is the record above re-keyed so that no field repeats one of the
 * header:
 *   imad_type=INTEGRITY_DATA opid= ouid= oauid= oses= obj= op= cause=
 *   comm="" name="" dev="" ino= errno= exe="" hostname=? addr=? terminal=? res=
 * imad_type= names the kernel record type (INTEGRITY_DATA, INTEGRITY_PCR,
 * INTEGRITY_RULE); the opener's pid, uids, session and label take the
 * kernel's names for "the other process" (opid= ouid= oauid= oses= obj=, as
 * in OBJ_PID records); exe= ... res= is libaudit's audit_log_user_message()
 * suffix, whose res=success|failed stands for the kernel's res=1|0.
 * Untrusted strings (comm, name, file) follow the kernel's and libaudit's
 * rule (audit_value_needs_encoding()): quoted, or hex when they hold '"',
 * a blank, a control or a non-ASCII byte; in the audit copy also when they
 * hold a "'", which would end msg='...'.  A name whose hex form would not fit
 * the kernel's AUDIT_MESSAGE_TEXT_MAX becomes name=? there (syslog keeps it).
 * One rate limit covers both destinations.
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

#include "audit_netlink.h"
#include "imad.h"

#define RL_INTERVAL 5
#define RL_BURST    200

/* The longest hex name= the audit copy carries (AUDIT_MESSAGE_TEXT_MAX 8560, less the rest). */
#define AUDIT_NAME_MAX 7600

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

/*
 * The kernel's audit_log_untrustedstring(): quoted, or hex when it holds odd
 * bytes; @squote: a "'" is odd too (the value goes inside msg='...').
 */
static void untrusted(char *out, size_t cap, const char *s, int squote)
{
	int odd = 0;
	size_t o = 0;

	for (const unsigned char *p = (const void *)s; *p; p++)
		if (*p == '"' || *p < 0x21 || *p > 0x7e || (squote && *p == '\''))
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

/* An LSM label as the audit copy's obj=: as it is, or hex when it holds odd bytes. */
static void label(char *out, size_t cap, const char *s)
{
	int odd = 0;

	for (const unsigned char *p = (const void *)s; *p; p++)
		if (*p == '"' || *p == '\'' || *p < 0x21 || *p > 0x7e)
			odd = 1;
	if (odd) {
		untrusted(out, cap, s, 1);
		return;
	}
	snprintf(out, cap, "%s", s);
}

/* The record's copy to the audit subsystem (see the top of this file). */
static void audit_copy(unsigned int type, pid_t pid, const char *op, const char *cause,
		       const char *path, uint64_t ino, uint64_t dev, int res, const char *extra,
		       const char *comm, unsigned int uid, unsigned int auid, unsigned int ses,
		       const char *subj)
{
	char qcomm[140], qname[8300], obj[520], text[8560];
	int r;

	untrusted(qcomm, sizeof(qcomm), comm, 1);
	untrusted(qname, sizeof(qname), path, 1);
	if (strlen(qname) > AUDIT_NAME_MAX)
		snprintf(qname, sizeof(qname), "?");
	label(obj, sizeof(obj), subj);
	if (type == 1807)
		snprintf(text, sizeof(text),
			 "imad_type=%s file=%s %s opid=%d oauid=%u ouid=%u oses=%u comm=%s "
			 "dev=\"%u:%u\" ino=%llu",
			 type_name(type), qname, extra ? extra : "", (int)pid, auid, uid, ses,
			 qcomm, major(dev), minor(dev), (unsigned long long)ino);
	else
		snprintf(text, sizeof(text),
			 "imad_type=%s opid=%d ouid=%u oauid=%u oses=%u obj=%s op=%s cause=%s "
			 "comm=%s name=%s dev=\"%u:%u\" ino=%llu errno=0",
			 type_name(type), (int)pid, uid, auid, ses, obj, op ? op : "?",
			 cause ? cause : "?", qcomm, qname, major(dev), minor(dev),
			 (unsigned long long)ino);
	r = imad_auditnl_send(text, res);
	if (r == -ENOBUFS)
		imad_log(LOG_WARNING,
			 "audit record dropped: the audit subsystem is behind (it is in %s)",
			 log_foreground ? "stderr" : "syslog");
	else if (r < 0 && r != -ENOTCONN)
		imad_log(LOG_WARNING, "audit record not sent: %s", strerror(-r));
}

void imad_audit(struct imad *d, unsigned int type, pid_t pid, const char *op, const char *cause,
		const char *path, uint64_t ino, uint64_t dev, int res, const char *extra,
		const struct imad_task *task)
{
	char comm[64], qcomm[140], qname[8300], subj[256];
	unsigned int uid, auid, ses;
	int r;
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
	untrusted(qcomm, sizeof(qcomm), comm, 0);
	untrusted(qname, sizeof(qname), path, 0);
	if (type == 1807) {
		/* ima_audit_measurement(): file= hash= ppid= pid= auid= uid= ... comm= */
		imad_log(LOG_NOTICE | LOG_AUTHPRIV,
			 "type=%s msg=audit(%lld.%03ld:%u): file=%s %s pid=%d auid=%u uid=%u "
			 "ses=%u comm=%s dev=\"%u:%u\" ino=%llu",
			 type_name(type), (long long)ts.tv_sec, ts.tv_nsec / 1000000,
			 atomic_fetch_add(&audit_serial, 1) + 1, qname, extra ? extra : "",
			 (int)pid, auid, uid, ses, qcomm, major(dev), minor(dev),
			 (unsigned long long)ino);
	} else {
		imad_log(LOG_WARNING | LOG_AUTHPRIV,
			 "type=%s msg=audit(%lld.%03ld:%u): pid=%d uid=%u auid=%u ses=%u subj=%s "
			 "op=%s cause=%s comm=%s name=%s dev=\"%u:%u\" ino=%llu res=%d errno=0",
			 type_name(type), (long long)ts.tv_sec, ts.tv_nsec / 1000000,
			 atomic_fetch_add(&audit_serial, 1) + 1, (int)pid, uid, auid, ses, subj,
			 op ? op : "?", cause ? cause : "?", qcomm, qname, major(dev), minor(dev),
			 (unsigned long long)ino, res);
	}
	r = imad_auditnl_take_refusal();
	if (r < 0)
		imad_log(LOG_NOTICE,
			 "the audit subsystem refused a record (%s): integrity records go to %s "
			 "only from now on",
			 strerror(-r), log_foreground ? "stderr" : "syslog");
	if (imad_auditnl_active())
		audit_copy(type, pid, op, cause, path, ino, dev, res, extra, comm, uid, auid, ses,
			   subj);
}

/* Why the audit subsystem is not in use (for imad_audit_describe()). */
static char audit_why[256] = "--audit off";

int imad_audit_open(struct imad *d, char *err, size_t errlen)
{
	int r;

	if (d->cfg.audit == IMAD_AUDIT_OFF)
		return 0;
	r = imad_auditnl_open(audit_why, sizeof(audit_why));
	if (r == 0)
		return 0;
	if (d->cfg.audit == IMAD_AUDIT_ON) {
		snprintf(err, errlen, "--audit on: the audit subsystem cannot be used: %s",
			 audit_why);
		return r;
	}
	/* a build without libaudit behaves as before it existed: no notice (the info line says it)
	 */
	if (!d->cfg.check_config && HAVE_LIBAUDIT)
		imad_log(LOG_NOTICE,
			 "the audit subsystem is not used (%s): integrity records go to %s only",
			 audit_why, log_foreground ? "stderr" : "syslog");
	return 0;
}

void imad_audit_close(void)
{
	imad_auditnl_close();
}

void imad_audit_describe(const struct imad *d, char *buf, size_t len)
{
	if (imad_auditnl_active())
		snprintf(buf, len,
			 "integrity records to %s and the audit subsystem (AUDIT_TRUSTED_APP %d, "
			 "imad_type=INTEGRITY_*)",
			 d->cfg.foreground ? "stderr" : "syslog", IMAD_AUDIT_USER_TYPE);
	else
		snprintf(buf, len, "integrity records to %s only (%s)",
			 d->cfg.foreground ? "stderr" : "syslog", audit_why);
}
