/* SPDX-License-Identifier: MIT */
/* Internal: fill an imactl_diag and return the code, in one expression. */
#ifndef IMACTL_LIB_DIAG_H
#define IMACTL_LIB_DIAG_H

#include "imactl/error.h"

int diag_fail(imactl_diag *d, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int diag_fail_at(imactl_diag *d, int code, unsigned long offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int diag_fail_pos(imactl_diag *d, int code, const char *file, unsigned long line,
		  unsigned long column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Append OpenSSL's error queue (and drain it) to the diagnostic; returns code. */
int diag_fail_ossl(imactl_diag *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Drain OpenSSL's error queue without recording it. */
void diag_ossl_drain(void);

#endif
