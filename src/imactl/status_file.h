/* SPDX-License-Identifier: MIT */
/* imad's <runtime-dir>/status file (KEY: VALUE lines), as imactl status reads it. */
#ifndef IMACTL_STATUS_FILE_H
#define IMACTL_STATUS_FILE_H

#include <stddef.h>

#define STATUS_MAX_KEYS 96

struct status_kv {
	char *k, *v;
};

struct status {
	struct status_kv kv[STATUS_MAX_KEYS];
	size_t n;
	char *text;
};

/*
 * Split NUL-terminated @text into KEY: VALUE pairs in place (a line "KEY:"
 * has an empty value).  0; -EBADMSG for a line without ": " or without the
 * state and pid keys; -EMSGSIZE past STATUS_MAX_KEYS lines.
 */
int status_parse(struct status *s, char *text);
/* The value of @key, or NULL. */
const char *status_get(const struct status *s, const char *key);

#endif
