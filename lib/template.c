/* SPDX-License-Identifier: MIT */
/*
 * IMA template descriptors: the built-in templates of ima_template.c and
 * custom ima_template_fmt strings, validated as template_desc_init_fields()
 * does.
 */
#include <errno.h>
#include <string.h>

#include "diag.h"
#include "template.h"

const struct template_field_info template_field_table[TF__MAX] = {
#define FIELD(e, id, kind, usize) [TF_##e] = {id, kind, usize},
#include "template_fields.def"
#undef FIELD
};

/* ima_template.c builtin_templates[] */
static const struct {
	const char *name;
	const char *fmt;
} builtin_templates[] = {
	{"ima", "d|n"},
	{"ima-ng", "d-ng|n-ng"},
	{"ima-sig", "d-ng|n-ng|sig"},
	{"ima-ngv2", "d-ngv2|n-ng"},
	{"ima-sigv2", "d-ngv2|n-ng|sig"},
	{"ima-buf", "d-ng|n-ng|buf"},
	{"ima-modsig", "d-ng|n-ng|sig|d-modsig|modsig"},
	{"evm-sig", "d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode"},
};

const char *imactl_template_fmt(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(builtin_templates) / sizeof(builtin_templates[0]); i++)
		if (!strcmp(builtin_templates[i].name, name))
			return builtin_templates[i].fmt;
	return NULL;
}

const char *imactl_template_field_id(int kind)
{
	if (kind < 0 || kind >= TF__MAX)
		return NULL;
	return template_field_table[kind].id;
}

int template_field_lookup(const char *id, size_t len)
{
	for (int i = 0; i < TF__MAX; i++)
		if (strlen(template_field_table[i].id) == len &&
		    !memcmp(template_field_table[i].id, id, len))
			return i;
	return -1;
}

static int parse_fmt(struct template_desc *t, const char *fmt, imactl_diag *reterr)
{
	const char *p = fmt;
	unsigned int n = 0;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		int f;

		if (len == 0 || len > IMACTL_TEMPLATE_FIELD_ID_MAX)
			return diag_fail(reterr, -EBADMSG,
					 "template format '%s': field id of length %zu", fmt, len);
		if (n >= IMACTL_TEMPLATE_FIELDS_MAX)
			return diag_fail(reterr, -EBADMSG,
					 "template format '%s': more than %d fields", fmt,
					 IMACTL_TEMPLATE_FIELDS_MAX);
		f = template_field_lookup(p, len);
		if (f < 0)
			return diag_fail(reterr, -EOPNOTSUPP,
					 "template format '%s': unknown field '%.*s'", fmt,
					 (int)len, p);
		if (t)
			t->fields[n] = (uint8_t)f;
		n++;
		if (!bar)
			break;
		p = bar + 1;
	}
	if (t)
		t->nfields = n;
	return 0;
}

int imactl_template_check_fmt(const char *fmt, imactl_diag *reterr)
{
	if (!fmt)
		return -EINVAL;
	return parse_fmt(NULL, fmt, reterr);
}

int template_desc_init(struct template_desc *t, const char *name, size_t len, imactl_diag *reterr)
{
	const char *fmt;

	if (len == 0 || len > IMACTL_TEMPLATE_NAME_MAX)
		return diag_fail(reterr, -EBADMSG, "template name of length %zu", len);
	if (memchr(name, '\0', len))
		return diag_fail(reterr, -EBADMSG, "template name contains a NUL byte");
	memcpy(t->name, name, len);
	t->name[len] = '\0';
	/* lookup_template_desc() matches a name or a format string */
	fmt = imactl_template_fmt(t->name);
	t->fmt = fmt ? fmt : t->name;
	t->is_ima = !strcmp(t->name, "ima");
	return parse_fmt(t, t->fmt, reterr);
}
