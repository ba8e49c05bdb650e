/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "diag.h"

const char *imactl_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case -EBADMSG:
		return "malformed input";
	case -EKEYREJECTED:
		return "verification failed";
	case -ENOKEY:
		return "no matching key";
	case -ENODATA:
		return "no such attribute";
	case -EOPNOTSUPP:
		return "not supported";
	case -EMSGSIZE:
		return "over a size limit";
	default:
		return code < 0 ? strerror(-code) : "unknown error";
	}
}

void imactl_diag_clear(imactl_diag *d)
{
	if (d)
		memset(d, 0, sizeof(*d));
}

void imactl_diag_set_file(imactl_diag *d, const char *file)
{
	if (d && file)
		snprintf(d->file, sizeof(d->file), "%s", file);
}

static int vset(imactl_diag *d, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static int vset(imactl_diag *d, int code, const char *fmt, va_list ap)
{
	if (!d)
		return code;
	d->code = code;
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	return code;
}

int diag_fail(imactl_diag *d, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(d, code, fmt, ap);
	va_end(ap);
	return code;
}

int diag_fail_at(imactl_diag *d, int code, unsigned long offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(d, code, fmt, ap);
	va_end(ap);
	if (d) {
		d->offset = offset;
		d->has_offset = 1;
	}
	return code;
}

int diag_fail_pos(imactl_diag *d, int code, const char *file, unsigned long line,
		  unsigned long column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(d, code, fmt, ap);
	va_end(ap);
	if (d) {
		imactl_diag_set_file(d, file);
		d->line = line;
		d->column = column;
	}
	return code;
}

void diag_ossl_drain(void)
{
	ERR_clear_error();
}

int diag_fail_ossl(imactl_diag *d, int code, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	const char *reason = NULL;

	/* Keep the most specific (last) reason OpenSSL queued, drop the rest. */
	while ((e = ERR_get_error()) != 0) {
		const char *r = ERR_reason_error_string(e);
		if (r)
			reason = r;
	}
	va_start(ap, fmt);
	vset(d, code, fmt, ap);
	va_end(ap);
	if (d && reason) {
		size_t n = strlen(d->msg);
		snprintf(d->msg + n, sizeof(d->msg) - n, ": %s", reason);
	}
	return code;
}
