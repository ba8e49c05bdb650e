/* SPDX-License-Identifier: MIT */
/*
 * Integrity audit records: a bounded line parser and the cause table.
 * Field formats follow integrity_audit_message() (integrity_audit.c):
 *   pid=%d uid=%u auid=%u ses=%u subj=%s op=%s cause=%s comm=<untrusted>
 *   [name=<untrusted>] [dev=<untrusted> ino=%lu] res=%d errno=%d
 * where <untrusted> is "quoted" or, when it holds blanks, quotes or control
 * characters, upper-case hex (audit_log_untrustedstring()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "imactl/audit.h"
#include "util/cleanup.h"

static const imactl_audit_cause causes[] = {
#define CAUSE(op, cause, type, meaning, fix) {op, cause, type, meaning, fix},
#include "audit_causes.def"
#undef CAUSE
};

static const char *const type_names[] = {
	/* include/uapi/linux/audit.h, 1800.. */
	"INTEGRITY_DATA",      "INTEGRITY_METADATA",	"INTEGRITY_STATUS",
	"INTEGRITY_HASH",      "INTEGRITY_PCR",		"INTEGRITY_RULE",
	"INTEGRITY_EVM_XATTR", "INTEGRITY_POLICY_RULE", "INTEGRITY_USERSPACE",
};

const char *imactl_audit_type_name(unsigned int type)
{
	if (type < IMACTL_AUDIT_INTEGRITY_FIRST || type > IMACTL_AUDIT_INTEGRITY_LAST)
		return NULL;
	return type_names[type - IMACTL_AUDIT_INTEGRITY_FIRST];
}

size_t imactl_audit_cause_count(void)
{
	return ELEMENTSOF(causes);
}

const imactl_audit_cause *imactl_audit_cause_get(size_t i)
{
	return i < ELEMENTSOF(causes) ? &causes[i] : NULL;
}

static int cause_matches(const imactl_audit_cause *c, const char *cause)
{
	size_t n = strlen(c->cause);

	if (n && c->cause[n - 1] == '(')
		return strncmp(cause, c->cause, n) == 0;
	return strcmp(cause, c->cause) == 0;
}

const imactl_audit_cause *imactl_audit_cause_find(const char *op, const char *cause)
{
	if (!cause)
		return NULL;
	for (size_t i = 0; op && i < ELEMENTSOF(causes); i++)
		if (strcmp(causes[i].op, op) == 0 && cause_matches(&causes[i], cause))
			return &causes[i];
	for (size_t i = 0; i < ELEMENTSOF(causes); i++)
		if (strcmp(causes[i].op, "*") == 0 && cause_matches(&causes[i], cause))
			return &causes[i];
	return NULL;
}

/* ---- line parser --------------------------------------------------------- */

struct span {
	const char *p;
	size_t n;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int find(const char *s, size_t n, const char *needle, size_t from, size_t *ret)
{
	size_t k = strlen(needle);

	for (size_t i = from; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0) {
			*ret = i;
			return 1;
		}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Copy a value into a field, truncating; @untrusted decodes upper-case hex. */
static void put(char *dst, size_t cap, struct span v, int quoted, int untrusted)
{
	size_t n = 0;

	if (!quoted && untrusted && v.n >= 2 && v.n % 2 == 0) {
		int hex = 1;
		for (size_t i = 0; i < v.n && hex; i++)
			hex = hexval(v.p[i]) >= 0;
		if (hex) {
			for (size_t i = 0; i + 1 < v.n && n + 1 < cap; i += 2) {
				char c = (char)(hexval(v.p[i]) << 4 | hexval(v.p[i + 1]));
				dst[n++] = c ? c : '?';
			}
			dst[n] = '\0';
			return;
		}
	}
	if (!quoted && v.n == 6 && memcmp(v.p, "(null)", 6) == 0)
		v.n = 0;
	for (size_t i = 0; i < v.n && n + 1 < cap; i++)
		dst[n++] = v.p[i] ? v.p[i] : '?';
	dst[n] = '\0';
}

static int parse_int(struct span v, int *ret)
{
	long x = 0;
	int neg = 0;
	size_t i = 0;

	if (v.n && v.p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == v.n)
		return -EBADMSG;
	for (; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9' || x > 100000000)
			return -EBADMSG;
		x = x * 10 + (v.p[i] - '0');
	}
	*ret = (int)(neg ? -x : x);
	return 0;
}

/* The record type at @s: "1800", "INTEGRITY_DATA", "UNKNOWN[1808]"; 0 if none. */
static unsigned int type_at(const char *s, size_t n, size_t *ret_len)
{
	size_t i = 0;
	unsigned int t = 0;

	if (n >= 8 && memcmp(s, "UNKNOWN[", 8) == 0) {
		for (i = 8; i < n && s[i] >= '0' && s[i] <= '9' && i < 14; i++)
			t = t * 10 + (unsigned)(s[i] - '0');
		if (i >= n || s[i] != ']')
			return 0;
		*ret_len = i + 1;
		return imactl_audit_type_name(t) ? t : 0;
	}
	if (n && s[0] >= '0' && s[0] <= '9') {
		for (i = 0; i < n && s[i] >= '0' && s[i] <= '9' && i < 6; i++)
			t = t * 10 + (unsigned)(s[i] - '0');
		if (i < n && !is_blank(s[i]))
			return 0;
		*ret_len = i;
		return imactl_audit_type_name(t) ? t : 0;
	}
	for (t = IMACTL_AUDIT_INTEGRITY_FIRST; t <= IMACTL_AUDIT_INTEGRITY_LAST; t++) {
		const char *name = imactl_audit_type_name(t);
		size_t k = strlen(name);
		if (n >= k && memcmp(s, name, k) == 0 && (n == k || is_blank(s[k]))) {
			*ret_len = k;
			return t;
		}
	}
	return 0;
}

/* "TRUSTED_APP" or "1121" at @s (imad's records); 1 and its length, else 0. */
static int user_type_at(const char *s, size_t n, size_t *ret_len)
{
	static const char *const forms[] = {"TRUSTED_APP", "1121"};

	for (size_t i = 0; i < 2; i++) {
		size_t k = strlen(forms[i]);
		if (n >= k && memcmp(s, forms[i], k) == 0 && (n == k || is_blank(s[k]))) {
			*ret_len = k;
			return 1;
		}
	}
	return 0;
}

/* Locate the record type and where its fields start. */
static unsigned int locate(const char *s, size_t n, imactl_audit_record *r, size_t *ret_body)
{
	size_t at = 0, tl = 0, from = 0;
	unsigned int t;

	/* "type=NNNN" / "type=NAME" (auditd, dmesg) */
	while (find(s, n, "type=", from, &at)) {
		from = at + 5;
		if (at > 0 && !is_blank(s[at - 1]))
			continue;
		t = type_at(s + from, n - from, &tl);
		if (!t) {
			/* imad's copy: TRUSTED_APP (1121) naming its kernel type */
			size_t it;
			if (!user_type_at(s + from, n - from, &tl) ||
			    !find(s, n, "imad_type=", from + tl, &it) ||
			    (it > 0 && !is_blank(s[it - 1]) && s[it - 1] != '\''))
				continue;
			t = type_at(s + it + 10, n - it - 10, &it);
			if (!t)
				continue;
			r->source = IMACTL_AUDIT_SRC_IMAD;
		} else {
			r->source = (at >= 7 && memcmp(s + at - 7, "audit: ", 7) == 0)
					    ? IMACTL_AUDIT_SRC_KERNEL
					    : IMACTL_AUDIT_SRC_AUDITD;
		}
		*ret_body = from + tl;
		/* "msg=audit(STAMP): " or "audit(STAMP): " (ausearch -i: ") : ") */
		if (find(s, n, "audit(", *ret_body, &at) && at <= *ret_body + 5) {
			size_t close;
			if (find(s, n, ")", at, &close)) {
				struct span st = {s + at + 6, close - at - 6};
				put(r->stamp, sizeof(r->stamp), st, 1, 0);
				*ret_body = close + 1;
				while (*ret_body < n &&
				       (s[*ret_body] == ':' || is_blank(s[*ret_body])))
					(*ret_body)++;
			}
		}
		return t;
	}
	/* journald: "audit[PID]: INTEGRITY_DATA pid=..." or "audit: INTEGRITY_DATA ..." */
	from = 0;
	while (find(s, n, "INTEGRITY_", from, &at)) {
		from = at + 1;
		if (at < 2 || s[at - 1] != ' ' || s[at - 2] != ':')
			continue;
		t = type_at(s + at, n - at, &tl);
		if (!t)
			continue;
		r->source = IMACTL_AUDIT_SRC_JOURNAL;
		*ret_body = at + tl;
		return t;
	}
	return 0;
}

int imactl_audit_parse_line(const char *s, size_t n, imactl_audit_record *ret, imactl_diag *reterr)
{
	imactl_audit_record r;
	size_t i, end, comm_at = 0;
	int have_comm, imad;
	unsigned int t;

	if (n > IMACTL_AUDIT_LINE_MAX)
		return diag_fail(reterr, -EMSGSIZE, "line of %zu bytes is over %d", n,
				 IMACTL_AUDIT_LINE_MAX);
	memset(&r, 0, sizeof(r));
	r.res = -1;
	/* auditd's enriched format appends interpreted fields after 0x1d */
	end = n;
	for (i = 0; i < n; i++)
		if (s[i] == 0x1d || s[i] == '\n' || s[i] == '\0') {
			end = i;
			break;
		}
	n = end;
	t = locate(s, n, &r, &i);
	if (!t)
		return 0;
	r.type = t;
	imad = r.source == IMACTL_AUDIT_SRC_IMAD;
	have_comm = find(s, n, " comm=", i, &comm_at);

	while (i < n) {
		struct span key, val;
		int quoted = 0;

		while (i < n && is_blank(s[i]))
			i++;
		key.p = s + i;
		while (i < n && s[i] != '=' && !is_blank(s[i]))
			i++;
		key.n = (size_t)(s + i - key.p);
		if (i >= n || s[i] != '=') {
			/* a word without '=' (INTEGRITY_POLICY_RULE has "action=..." only) */
			continue;
		}
		i++;
		if (i < n && s[i] == '"') {
			size_t close;
			quoted = 1;
			i++;
			if (!find(s, n, "\"", i, &close))
				close = n;
			val.p = s + i;
			val.n = close - i;
			i = close < n ? close + 1 : n;
		} else {
			size_t stop = i;
			/* cause=%s is unquoted and may hold blanks: it runs up to " comm=" */
			if (key.n == 5 && memcmp(key.p, "cause", 5) == 0 && have_comm &&
			    comm_at >= i)
				stop = comm_at;
			else
				while (stop < n && !is_blank(s[stop]))
					stop++;
			val.p = s + i;
			val.n = stop - i;
			i = stop;
		}
#define KEY(k) (key.n == sizeof(k) - 1 && memcmp(key.p, k, sizeof(k) - 1) == 0)
		if (imad) {
			/* the header's pid/uid/auid/ses/subj are imad's: the opener's are o*= */
			if (val.n && val.p[val.n - 1] == '\'')
				val.n--; /* the last field closes msg='...' */
			if (KEY("pid") || KEY("uid") || KEY("auid") || KEY("ses") || KEY("subj") ||
			    KEY("msg") || KEY("exe") || KEY("hostname") || KEY("addr") ||
			    KEY("terminal"))
				continue;
			if (KEY("opid"))
				key = (struct span){"pid", 3};
			else if (KEY("ouid"))
				key = (struct span){"uid", 3};
			else if (KEY("oauid"))
				key = (struct span){"auid", 4};
			else if (KEY("oses"))
				key = (struct span){"ses", 3};
			else if (KEY("obj"))
				key = (struct span){"subj", 4};
			else if (KEY("res")) {
				/* libaudit's res=success|failed for the kernel's res=1|0 */
				if (val.n == 7 && memcmp(val.p, "success", 7) == 0)
					r.res = 1;
				else if (val.n == 6 && memcmp(val.p, "failed", 6) == 0)
					r.res = 0;
				continue;
			}
		}
		if (KEY("pid"))
			put(r.pid, sizeof(r.pid), val, quoted, 0);
		else if (KEY("uid"))
			put(r.uid, sizeof(r.uid), val, quoted, 0);
		else if (KEY("auid"))
			put(r.auid, sizeof(r.auid), val, quoted, 0);
		else if (KEY("ses"))
			put(r.ses, sizeof(r.ses), val, quoted, 0);
		else if (KEY("subj"))
			put(r.subj, sizeof(r.subj), val, quoted, 0);
		else if (KEY("op"))
			put(r.op, sizeof(r.op), val, quoted, 0);
		else if (KEY("cause"))
			put(r.cause, sizeof(r.cause), val, quoted, 0);
		else if (KEY("comm"))
			put(r.comm, sizeof(r.comm), val, quoted, 1);
		else if (KEY("name") || KEY("file"))
			put(r.name, sizeof(r.name), val, quoted, 1);
		else if (KEY("dev"))
			put(r.dev, sizeof(r.dev), val, quoted, 1);
		else if (KEY("ino"))
			put(r.ino, sizeof(r.ino), val, quoted, 0);
		else if (KEY("hash"))
			put(r.hash, sizeof(r.hash), val, quoted, 0);
		else if (KEY("xattr"))
			put(r.xattr, sizeof(r.xattr), val, quoted, 1);
		else if (KEY("res"))
			(void)parse_int(val, &r.res);
		else if (KEY("errno"))
			r.has_errno = parse_int(val, &r.err) == 0;
		else if (t == 1807 && key.n && !imad) {
			/* policy rule records: keep the rule's own fields */
			size_t used = strlen(r.rule);
			if (used + key.n + val.n + 2 < sizeof(r.rule))
				snprintf(r.rule + used, sizeof(r.rule) - used, "%s%.*s=%.*s",
					 used ? " " : "", (int)key.n, key.p, (int)val.n, val.p);
		}
#undef KEY
	}
	/* Records that carry a cause must have op= and cause=. */
	if ((t == 1800 || t == 1801 || t == 1802 || t == 1804 || t == 1808) &&
	    (!r.op[0] || !r.cause[0]))
		return diag_fail(reterr, -EBADMSG,
				 "%s record without op= and cause=", imactl_audit_type_name(t));
	*ret = r;
	return 1;
}
