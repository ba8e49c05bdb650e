/* SPDX-License-Identifier: MIT */
/* Internal: IMA template descriptors and field table (template_fields.def). */
#ifndef IMACTL_LIB_TEMPLATE_H
#define IMACTL_LIB_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imactl/mlog.h"

enum template_field_kind {
	TFK_DIGEST,
	TFK_DIGEST_NG,
	TFK_DIGEST_NGV2,
	TFK_STRING,
	TFK_NAMES,
	TFK_HEX,
	TFK_UINT,
};

enum template_field {
#define FIELD(e, id, kind, usize) TF_##e,
#include "template_fields.def"
#undef FIELD
	TF__MAX
};

struct template_field_info {
	const char *id;
	enum template_field_kind kind;
	unsigned int uint_size;
};

extern const struct template_field_info template_field_table[TF__MAX];

/* A parsed template descriptor: a name and its fields. */
struct template_desc {
	char name[IMACTL_TEMPLATE_NAME_MAX + 1];
	const char *fmt; /* built-in fmt or name itself for custom formats */
	bool is_ima;	 /* the legacy "ima" template: no data length, padded name */
	unsigned int nfields;
	uint8_t fields[IMACTL_TEMPLATE_FIELDS_MAX]; /* enum template_field */
};

/*
 * template_desc_init() - describe the template called @name (@len bytes, not
 * NUL-terminated): a built-in name, or a format string as the kernel logs
 * custom templates.  Returns 0, -EBADMSG or -EOPNOTSUPP (unknown field).
 */
int template_desc_init(struct template_desc *t, const char *name, size_t len, imactl_diag *reterr);

/* template_field_lookup() - field number for an id of @len bytes, or -1. */
int template_field_lookup(const char *id, size_t len);

#endif
