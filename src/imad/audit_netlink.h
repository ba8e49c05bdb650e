/* SPDX-License-Identifier: MIT */
/*
 * The audit subsystem as a second destination of imad's integrity records
 * (audit_netlink.c, built with libaudit: meson feature `audit`).  Without
 * libaudit the stubs below stand in: nothing is opened, records go to
 * syslog only, and callers need no #ifdef.
 */
#ifndef IMAD_AUDIT_NETLINK_H
#define IMAD_AUDIT_NETLINK_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* The user message type of imad's records: libaudit.h's AUDIT_TRUSTED_APP. */
#define IMAD_AUDIT_USER_TYPE 1121

#if HAVE_LIBAUDIT
/*
 * Open the audit netlink socket; before the capability drop (the kernel
 * checks CAP_AUDIT_WRITE of the opener and of the sender).  0, or a
 * negative errno with the reason in @err: -EOPNOTSUPP (no audit in the
 * kernel), -EPERM (no CAP_AUDIT_WRITE), -ECONNREFUSED (not in the initial
 * user namespace, whose messages alone the kernel takes).
 */
int imad_auditnl_open(char *err, size_t errlen);
/* 1 while records also go to the audit subsystem. */
int imad_auditnl_active(void);
/*
 * Queue one AUDIT_TRUSTED_APP message for the sender thread: @text, then
 * libaudit's exe= hostname= addr= terminal= res= (res=success when @res,
 * else failed).  Never waits for the kernel.  0; -ENOBUFS when the queue is
 * full (auditd behind: the record is dropped); -ENOTCONN when not in use.
 */
int imad_auditnl_send(const char *text, int res);
/*
 * 0, or once after the kernel refused a record: -EPERM or -ECONNREFUSED (the
 * socket is closed and imad_auditnl_active() is 0 since; the caller logs it).
 */
int imad_auditnl_take_refusal(void);
void imad_auditnl_close(void);
#else
static inline int imad_auditnl_open(char *err, size_t errlen)
{
	snprintf(err, errlen, "imad was built without libaudit");
	return -EOPNOTSUPP;
}
static inline int imad_auditnl_active(void)
{
	return 0;
}
static inline int imad_auditnl_send(const char *text, int res)
{
	(void)text;
	(void)res;
	return -EOPNOTSUPP;
}
static inline int imad_auditnl_take_refusal(void)
{
	return 0;
}
static inline void imad_auditnl_close(void)
{
}
#endif

#endif
