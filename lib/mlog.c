/* SPDX-License-Identifier: MIT */
/*
 * Measurement list reader.  The entry parsers (bin_entry(), ascii_entry())
 * are pure and bounded: they see (p, avail) and either produce an entry,
 * report how many bytes they need (-EAGAIN, internal), or fail.  The driver
 * imactl_mlog_next() feeds them from a borrowed buffer or from an fd through
 * one window that holds a single entry, so memory does not grow with the log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ctx.h"
#include "diag.h"
#include "digest_table.h"
#include "template.h"
#include "util/bytes.h"
#include "util/hex.h"

#define TEMPLATE_CACHE	8
#define READ_CHUNK	(256u << 10)
#define IMA_NAME_PADDED 256 /* IMA_EVENT_NAME_LEN_MAX + 1 */
#define IMA_D_LEN	20  /* IMA_DIGEST_SIZE */
#define ALGO_NAME_MAX	64
#define BIN_NEED_LIMIT	(IMACTL_MLOG_TEMPLATE_DATA_MAX + 4096u)

struct imactl_mlog {
	imactl_ctx *ctx;
	int format;
	int digest_algo; /* -1: ascii, from the digest length */
	size_t digest_len;
	unsigned flags;
	bool be, be_decided;

	int fd; /* -1: buffer input */
	const uint8_t *data;
	size_t len, pos;
	uint8_t *own;
	size_t own_cap;
	bool eof;
	uint64_t base; /* input offset of data[0] */
	uint64_t index, line;
	int err;
	imactl_diag err_diag;

	struct template_desc tmpl[TEMPLATE_CACHE];
	unsigned int ntmpl, tmpl_next;

	uint8_t *scratch; /* ascii template data, "ima" hashed bytes */
	size_t scratch_cap;
	char *namebuf;
	size_t namebuf_cap;
	char algo_name[ALGO_NAME_MAX];
	char input_name[IMACTL_DIAG_FILE_MAX];
	imactl_mlog_entry e;
};

static inline uint32_t ld32(const struct imactl_mlog *l, const uint8_t *p)
{
	return l->be ? load_be32(p) : load_le32(p);
}

static int ensure_cap(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *n;
	size_t c;

	if (*cap >= need)
		return 0;
	c = *cap ? *cap : 4096;
	while (c < need)
		c *= 2;
	n = realloc(*buf, c);
	if (!n)
		return -ENOMEM;
	*buf = n;
	*cap = c;
	return 0;
}

static int fail(struct imactl_mlog *l, imactl_diag *reterr, int code, uint64_t off, const char *fmt,
		const char *detail)
{
	/* one place that records where: entry index, byte offset, ascii line */
	if (l->format == IMACTL_MLOG_ASCII)
		diag_fail_at(reterr, code, (unsigned long)off, "entry %llu (line %llu): %s%s",
			     (unsigned long long)l->index, (unsigned long long)l->line, fmt,
			     detail ? detail : "");
	else
		diag_fail_at(reterr, code, (unsigned long)off, "entry %llu (offset %llu): %s%s",
			     (unsigned long long)l->index, (unsigned long long)off, fmt,
			     detail ? detail : "");
	if (reterr && l->input_name[0])
		imactl_diag_set_file(reterr, l->input_name);
	return code;
}

static const struct template_desc *tmpl_get(struct imactl_mlog *l, const char *name, size_t len,
					    imactl_diag *reterr, int *ret_err)
{
	struct template_desc *t;
	int r;

	for (unsigned int i = 0; i < l->ntmpl; i++)
		if (strlen(l->tmpl[i].name) == len && !memcmp(l->tmpl[i].name, name, len))
			return &l->tmpl[i];
	if (l->ntmpl < TEMPLATE_CACHE)
		t = &l->tmpl[l->ntmpl++];
	else
		t = &l->tmpl[l->tmpl_next++ % TEMPLATE_CACHE];
	r = template_desc_init(t, name, len, reterr);
	if (r < 0) {
		t->name[0] = '\0';
		*ret_err = r;
		return NULL;
	}
	return t;
}

static int set_name(struct imactl_mlog *l, const uint8_t *p, size_t len)
{
	size_t n = strnlen((const char *)p, len);

	if (ensure_cap((uint8_t **)&l->namebuf, &l->namebuf_cap, n + 1) < 0)
		return -ENOMEM;
	memcpy(l->namebuf, p, n);
	l->namebuf[n] = '\0';
	l->e.name = l->namebuf;
	l->e.name_len = n;
	return 0;
}

/* "<algo>:" NUL digest, or "<type>:<algo>:" NUL digest (d-ngv2). */
static int decode_digest_ng(struct imactl_mlog *l, const imactl_mlog_field *f, bool v2)
{
	const uint8_t *nul = memchr(f->data, '\0', f->len);
	size_t plen;
	const char *algo;
	size_t alen;

	if (!nul)
		return -EBADMSG;
	plen = (size_t)(nul - f->data);
	if (plen < 2 || f->data[plen - 1] != ':')
		return -EBADMSG;
	algo = (const char *)f->data;
	alen = plen - 1;
	l->e.file_digest_type = IMACTL_MLOG_DIGEST_NONE;
	if (v2) {
		const char *c = memchr(algo, ':', alen);
		if (!c)
			return -EBADMSG;
		if ((size_t)(c - algo) == 3 && !memcmp(algo, "ima", 3))
			l->e.file_digest_type = IMACTL_MLOG_DIGEST_IMA;
		else if ((size_t)(c - algo) == 6 && !memcmp(algo, "verity", 6))
			l->e.file_digest_type = IMACTL_MLOG_DIGEST_VERITY;
		else
			return -EBADMSG;
		alen -= (size_t)(c - algo) + 1;
		algo = c + 1;
	}
	if (alen == 0 || alen >= ALGO_NAME_MAX)
		return -EBADMSG;
	memcpy(l->algo_name, algo, alen);
	l->algo_name[alen] = '\0';
	l->e.file_algo_name = l->algo_name;
	l->e.file_algo = imactl_hash_from_name(l->algo_name);
	if (l->e.file_algo < 0)
		l->e.file_algo = -1;
	l->e.file_digest = nul + 1;
	l->e.file_digest_len = f->len - plen - 1;
	return 0;
}

/* Fill the convenience members of l->e from its fields. */
static int decode_fields(struct imactl_mlog *l, imactl_diag *reterr)
{
	imactl_mlog_entry *e = &l->e;
	bool have_digest = false;
	int r;

	e->file_algo = -1;
	for (unsigned int i = 0; i < e->nfields; i++) {
		const imactl_mlog_field *f = &e->fields[i];

		switch (f->kind) {
		case TF_D:
			if (have_digest)
				break;
			have_digest = true;
			e->file_digest = f->data;
			e->file_digest_len = f->len;
			e->file_algo = f->len == 20 ? IMACTL_HASH_SHA1 : -1;
			e->file_algo_name = e->file_algo >= 0 ? "sha1" : NULL;
			break;
		case TF_D_NG:
		case TF_D_NGV2:
			if (have_digest)
				break;
			have_digest = true;
			r = decode_digest_ng(l, f, f->kind == TF_D_NGV2);
			if (r < 0)
				return fail(l, reterr, r, e->offset, "malformed ", f->id);
			break;
		case TF_N:
		case TF_N_NG:
			if (set_name(l, f->data, f->len) < 0)
				return -ENOMEM;
			break;
		case TF_SIG:
			if (f->len) {
				e->sig = f->data;
				e->sig_len = f->len;
			}
			break;
		case TF_EVMSIG:
			if (f->len && !e->sig) {
				e->sig = f->data;
				e->sig_len = f->len;
			}
			break;
		case TF_BUF:
			e->buf = f->data;
			e->buf_len = f->len;
			break;
		default:
			break;
		}
	}
	return 0;
}

static void entry_reset(struct imactl_mlog *l, uint64_t offset)
{
	memset(&l->e, 0, sizeof(l->e));
	l->e.index = l->index;
	l->e.offset = offset;
	l->e.file_algo = -1;
	l->e.digest_algo = l->digest_algo;
	l->e.digest_len = l->digest_len;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* The "ima" template's hashed bytes: d (20) || name zero-padded to 256. */
static int build_ima_hashed(struct imactl_mlog *l, const uint8_t *d, const uint8_t *name,
			    size_t nlen, size_t at)
{
	if (ensure_cap(&l->scratch, &l->scratch_cap, at + IMA_D_LEN + IMA_NAME_PADDED) < 0)
		return -ENOMEM;
	memmove(l->scratch + at, d, IMA_D_LEN);
	memset(l->scratch + at + IMA_D_LEN, 0, IMA_NAME_PADDED);
	memmove(l->scratch + at + IMA_D_LEN, name, nlen);
	l->e.hashed = l->scratch + at;
	l->e.hashed_len = IMA_D_LEN + IMA_NAME_PADDED;
	return 0;
}

/*
 * Split template data into the template's fields as ima_parse_buf() does with
 * ENFORCE_FIELDS | ENFORCE_BUFEND.
 */
static int split_fields(struct imactl_mlog *l, const struct template_desc *t, const uint8_t *p,
			size_t len, imactl_diag *reterr)
{
	struct cur c;

	cur_init(&c, p, len);
	for (unsigned int i = 0; i < t->nfields; i++) {
		uint32_t flen;

		if (cur_left(&c) < 4)
			return fail(l, reterr, -EBADMSG, l->e.offset,
				    "template data ends before field ",
				    template_field_table[t->fields[i]].id);
		flen = ld32(l, c.p);
		c.p += 4;
		if (flen > cur_left(&c))
			return fail(l, reterr, -EBADMSG, l->e.offset,
				    "field length beyond template data: ",
				    template_field_table[t->fields[i]].id);
		l->e.fields[i].id = template_field_table[t->fields[i]].id;
		l->e.fields[i].kind = t->fields[i];
		l->e.fields[i].data = c.p;
		l->e.fields[i].len = flen;
		c.p += flen;
	}
	if (cur_left(&c))
		return fail(l, reterr, -EBADMSG, l->e.offset,
			    "template data longer than its fields", NULL);
	l->e.nfields = t->nfields;
	return 0;
}

/*
 * Parse one binary entry at p.  Returns 0 and *ret_used, -EAGAIN with
 * *ret_need (bytes needed from p) when avail is short, or a negative errno.
 */
static int bin_entry(struct imactl_mlog *l, const uint8_t *p, size_t avail, size_t *ret_used,
		     size_t *ret_need, imactl_diag *reterr)
{
	const size_t dlen = l->digest_len;
	const struct template_desc *t;
	size_t need = 4 + dlen + 4, at;
	uint32_t name_len, tdl;
	int r = 0;

	if (avail < need)
		goto more;
	if (!l->be_decided) {
		/* a native list from a big-endian host: PCR numbers are small */
		if (!(l->flags & IMACTL_MLOG_BIG_ENDIAN) && load_le32(p) > 0xffff &&
		    load_be32(p) <= 0xffff)
			l->be = true;
		l->be_decided = true;
	}
	l->e.pcr = ld32(l, p);
	memcpy(l->e.digest, p + 4, dlen);
	l->e.violation = all_zero(l->e.digest, dlen);
	name_len = ld32(l, p + 4 + dlen);
	if (name_len == 0 || name_len > IMACTL_TEMPLATE_NAME_MAX)
		return fail(l, reterr, -EBADMSG, l->e.offset, "bad template name length", NULL);
	at = need;
	need += name_len;
	if (avail < need)
		goto more;
	t = tmpl_get(l, (const char *)p + at, name_len, reterr, &r);
	if (!t)
		return fail(l, reterr, r, l->e.offset, "template: ", reterr ? reterr->msg : NULL);
	l->e.template_name = t->name;
	l->e.template_fmt = t->fmt;
	at = need;

	if (t->is_ima) {
		/* no template data length; raw 20-byte d, then u32 len + name */
		uint32_t nlen;

		need += IMA_D_LEN + 4;
		if (avail < need)
			goto more;
		nlen = ld32(l, p + at + IMA_D_LEN);
		if (nlen >= IMA_NAME_PADDED)
			return fail(l, reterr, -EBADMSG, l->e.offset,
				    "'ima' template name longer than 255 bytes", NULL);
		need += nlen;
		if (avail < need)
			goto more;
		l->e.nfields = 2;
		l->e.fields[0] = (imactl_mlog_field){"d", TF_D, p + at, IMA_D_LEN};
		l->e.fields[1] = (imactl_mlog_field){"n", TF_N, p + at + IMA_D_LEN + 4, nlen};
		if (build_ima_hashed(l, p + at, p + at + IMA_D_LEN + 4, nlen, 0) < 0)
			return -ENOMEM;
	} else {
		need += 4;
		if (avail < need)
			goto more;
		tdl = ld32(l, p + at);
		if (tdl > IMACTL_MLOG_TEMPLATE_DATA_MAX)
			return fail(l, reterr, -EMSGSIZE, l->e.offset,
				    "template data over the size limit", NULL);
		at = need;
		need += tdl;
		if (avail < need)
			goto more;
		r = split_fields(l, t, p + at, tdl, reterr);
		if (r < 0)
			return r;
		l->e.hashed = p + at;
		l->e.hashed_len = tdl;
	}
	r = decode_fields(l, reterr);
	if (r < 0)
		return r;
	*ret_used = need;
	return 0;
more:
	*ret_need = need;
	return -EAGAIN;
}

static int parse_u32_dec(const char *s, size_t n, uint32_t *ret)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -EBADMSG;
	*ret = (uint32_t)v;
	return 0;
}

static void st32(const struct imactl_mlog *l, uint8_t *p, uint32_t v)
{
	if (l->be)
		store_be32(p, v);
	else
		store_le32(p, v);
}

/*
 * Rebuild one field's binary bytes from its ascii form (the inverse of the
 * kernel's ima_show_template_data_ascii()) at out; returns the length or a
 * negative errno.  out has room for at least tok_len + 1 bytes.
 */
static long ascii_field(const struct imactl_mlog *l, int field, bool ima_tmpl, const char *tok,
			size_t n, uint8_t *out)
{
	const struct template_field_info *fi = &template_field_table[field];
	long r;

	switch (fi->kind) {
	case TFK_DIGEST:
	case TFK_HEX:
		return hex_decode(tok, n, out, n / 2 + 1);
	case TFK_DIGEST_NG:
	case TFK_DIGEST_NGV2: {
		const char *colon;
		size_t plen;

		if (n == 0)
			return 0; /* d-modsig of a file without appended signature */
		colon = NULL;
		for (size_t i = n; i > 0; i--)
			if (tok[i - 1] == ':') {
				colon = tok + i - 1;
				break;
			}
		if (!colon || colon == tok)
			return -EBADMSG;
		plen = (size_t)(colon - tok) + 1;
		memcpy(out, tok, plen);
		out[plen] = '\0';
		r = hex_decode(colon + 1, n - plen, out + plen + 1, n);
		return r < 0 ? r : (long)(plen + 1) + r;
	}
	case TFK_STRING:
		if (memchr(tok, '\0', n))
			return -EBADMSG;
		memcpy(out, tok, n);
		if (ima_tmpl)
			return (long)n; /* "ima": the name goes out without its NUL */
		out[n] = '\0';
		return (long)n + 1;
	case TFK_NAMES:
		memcpy(out, tok, n);
		return (long)n;
	case TFK_UINT: {
		uint32_t v;

		if (n == 0)
			return 0;
		if (parse_u32_dec(tok, n, &v) < 0)
			return -EBADMSG;
		if (fi->uint_size == 2) {
			if (v > 0xffff)
				return -EBADMSG;
			if (l->be)
				store_be16(out, (uint16_t)v);
			else
				store_le16(out, (uint16_t)v);
			return 2;
		}
		st32(l, out, v);
		return 4;
	}
	}
	return -EBADMSG;
}

/* Parse one ascii line (without its newline): "%2d <hex> <template> <field>...". */
static int ascii_entry(struct imactl_mlog *l, const char *s, size_t n, imactl_diag *reterr)
{
	const char *end = s + n, *tok;
	const struct template_desc *t;
	size_t dhex, at;
	uint32_t pcr;
	int r = 0;

	while (s < end && *s == ' ')
		s++;
	tok = s;
	while (s < end && *s != ' ')
		s++;
	if (s == end || parse_u32_dec(tok, (size_t)(s - tok), &pcr) < 0)
		return fail(l, reterr, -EBADMSG, l->e.offset, "bad PCR number", NULL);
	l->e.pcr = pcr;
	tok = ++s;
	while (s < end && *s != ' ')
		s++;
	dhex = (size_t)(s - tok);
	if (s == end || dhex % 2 || dhex / 2 > IMACTL_MAX_DIGEST_SIZE || dhex == 0)
		return fail(l, reterr, -EBADMSG, l->e.offset, "bad template digest", NULL);
	if (l->digest_algo < 0) {
		int a = hash_algo_for_len(dhex / 2);
		if (a < 0)
			return fail(l, reterr, -EBADMSG, l->e.offset,
				    "template digest of unknown length", NULL);
		l->e.digest_algo = a;
		l->e.digest_len = dhex / 2;
	} else if (dhex / 2 != l->digest_len) {
		return fail(l, reterr, -EBADMSG, l->e.offset,
			    "template digest length does not match the bank", NULL);
	}
	if (hex_decode(tok, dhex, l->e.digest, sizeof(l->e.digest)) != (long)(dhex / 2))
		return fail(l, reterr, -EBADMSG, l->e.offset, "bad template digest hex", NULL);
	l->e.violation = all_zero(l->e.digest, l->e.digest_len);
	tok = ++s;
	while (s < end && *s != ' ')
		s++;
	t = tmpl_get(l, tok, (size_t)(s - tok), reterr, &r);
	if (!t)
		return fail(l, reterr, r, l->e.offset, "template: ", reterr ? reterr->msg : NULL);
	l->e.template_name = t->name;
	l->e.template_fmt = t->fmt;

	/* room: every field as u32 + at most its token length + NUL, plus "ima" hashing */
	if (ensure_cap(&l->scratch, &l->scratch_cap,
		       n + 5 * IMACTL_TEMPLATE_FIELDS_MAX + 2 * (IMA_D_LEN + IMA_NAME_PADDED)) < 0)
		return -ENOMEM;
	at = 0;
	for (unsigned int i = 0; i < t->nfields; i++) {
		long flen;

		if (s == end || *s != ' ')
			return fail(l, reterr, -EBADMSG, l->e.offset, "missing field ",
				    template_field_table[t->fields[i]].id);
		tok = ++s;
		while (s < end && *s != ' ')
			s++;
		if (i + 1 == t->nfields)
			s = end; /* the last field runs to the end of the line */
		flen = ascii_field(l, t->fields[i], t->is_ima, tok, (size_t)(s - tok),
				   l->scratch + at + (t->is_ima ? 0 : 4));
		if (flen < 0)
			return fail(l, reterr, -EBADMSG, l->e.offset, "malformed field ",
				    template_field_table[t->fields[i]].id);
		if (!t->is_ima) {
			st32(l, l->scratch + at, (uint32_t)flen);
			at += 4;
		}
		l->e.fields[i].id = template_field_table[t->fields[i]].id;
		l->e.fields[i].kind = t->fields[i];
		l->e.fields[i].data = l->scratch + at;
		l->e.fields[i].len = (uint32_t)flen;
		at += (size_t)flen;
	}
	if (s != end)
		return fail(l, reterr, -EBADMSG, l->e.offset, "extra data after the fields", NULL);
	l->e.nfields = t->nfields;
	if (t->is_ima) {
		if (l->e.fields[0].len != IMA_D_LEN || l->e.fields[1].len >= IMA_NAME_PADDED)
			return fail(l, reterr, -EBADMSG, l->e.offset, "malformed 'ima' entry",
				    NULL);
		r = build_ima_hashed(l, l->e.fields[0].data, l->e.fields[1].data,
				     l->e.fields[1].len, at);
		if (r < 0)
			return r;
	} else {
		l->e.hashed = l->scratch;
		l->e.hashed_len = at;
	}
	return decode_fields(l, reterr);
}

/* Make at least need bytes available at data + pos; 1, 0 at EOF first, or -errno. */
static int fill(struct imactl_mlog *l, size_t need)
{
	size_t have = l->len - l->pos;

	if (have >= need)
		return 1;
	if (l->fd < 0 || l->eof)
		return 0;
	if (l->pos) {
		memmove(l->own, l->own + l->pos, have);
		l->base += l->pos;
		l->pos = 0;
		l->len = have;
	}
	if (ensure_cap(&l->own, &l->own_cap, need > READ_CHUNK ? need : READ_CHUNK) < 0)
		return -ENOMEM;
	l->data = l->own;
	while (l->len < need) {
		ssize_t n = read(l->fd, l->own + l->len, l->own_cap - l->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			l->eof = true;
			return 0;
		}
		l->len += (size_t)n;
	}
	return 1;
}

static int next_binary(struct imactl_mlog *l, imactl_diag *reterr)
{
	size_t need = 4, used = 0;

	for (;;) {
		int r = fill(l, need);
		if (r < 0)
			return fail(l, reterr, r, l->base + l->pos, "read error", NULL);
		if (r == 0 && l->len == l->pos)
			return 0; /* clean end between entries */
		entry_reset(l, l->base + l->pos);
		r = bin_entry(l, l->data + l->pos, l->len - l->pos, &used, &need, reterr);
		if (r == 0)
			break;
		if (r != -EAGAIN)
			return r;
		if (need > BIN_NEED_LIMIT)
			return fail(l, reterr, -EMSGSIZE, l->e.offset, "entry over the size limit",
				    NULL);
		if (l->len - l->pos >= need || l->fd < 0 || l->eof)
			return fail(l, reterr, -EBADMSG, l->e.offset, "truncated entry", NULL);
	}
	l->pos += used;
	return 1;
}

static int next_ascii(struct imactl_mlog *l, imactl_diag *reterr)
{
	const uint8_t *nl;
	size_t scanned = 0, n;
	int r;

	for (;;) {
		nl = memchr(l->data + l->pos + scanned, '\n', l->len - l->pos - scanned);
		if (nl)
			break;
		scanned = l->len - l->pos;
		if (scanned > IMACTL_MLOG_ASCII_LINE_MAX)
			return fail(l, reterr, -EMSGSIZE, l->base + l->pos,
				    "line over the size limit", NULL);
		r = fill(l, scanned + 1);
		if (r < 0)
			return fail(l, reterr, r, l->base + l->pos, "read error", NULL);
		if (r == 0)
			break;
	}
	n = nl ? (size_t)(nl - (l->data + l->pos)) : l->len - l->pos;
	if (!nl && n == 0)
		return 0;
	l->line++;
	entry_reset(l, l->base + l->pos);
	l->e.line = l->line;
	if (memchr(l->data + l->pos, '\0', n))
		return fail(l, reterr, -EBADMSG, l->e.offset, "NUL byte in an ascii list", NULL);
	r = ascii_entry(l, (const char *)l->data + l->pos, n, reterr);
	if (r < 0)
		return r;
	l->pos += n + (nl ? 1 : 0);
	return 1;
}

int imactl_mlog_next(imactl_mlog *l, const imactl_mlog_entry **ret_entry, imactl_diag *reterr)
{
	int r;

	if (!l || !ret_entry)
		return -EINVAL;
	if (l->err) {
		if (reterr)
			*reterr = l->err_diag;
		return l->err;
	}
	if (l->format == IMACTL_MLOG_AUTO) {
		r = fill(l, 1);
		if (r < 0)
			return diag_fail(reterr, r, "read error");
		if (r == 0)
			return 0;
		l->format = (l->data[l->pos] == ' ' ||
			     (l->data[l->pos] >= '0' && l->data[l->pos] <= '9'))
				    ? IMACTL_MLOG_ASCII
				    : IMACTL_MLOG_BINARY;
		if (l->format == IMACTL_MLOG_BINARY && l->digest_algo < 0) {
			l->digest_algo = IMACTL_HASH_SHA1;
			l->digest_len = 20;
		}
	}
	r = l->format == IMACTL_MLOG_ASCII ? next_ascii(l, &l->err_diag)
					   : next_binary(l, &l->err_diag);
	if (r < 0) {
		l->err = r;
		l->err_diag.code = r;
		if (reterr)
			*reterr = l->err_diag;
		return r;
	}
	if (r == 0)
		return 0;
	l->index++;
	*ret_entry = &l->e;
	return 1;
}

static int mlog_new(imactl_ctx *ctx, int format, int digest_algo, unsigned flags, imactl_mlog **ret,
		    imactl_diag *reterr)
{
	struct imactl_mlog *l;

	if (format < IMACTL_MLOG_AUTO || format > IMACTL_MLOG_ASCII)
		return diag_fail(reterr, -EINVAL, "bad measurement list format %d", format);
	if (digest_algo >= 0 && imactl_hash_size(digest_algo) == 0)
		return diag_fail(reterr, -EOPNOTSUPP, "unknown template digest algorithm %d",
				 digest_algo);
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->ctx = ctx;
	l->format = format;
	l->flags = flags;
	l->be = (flags & IMACTL_MLOG_BIG_ENDIAN) != 0;
	l->be_decided = l->be;
	l->fd = -1;
	l->digest_algo = digest_algo;
	l->digest_len = digest_algo >= 0 ? imactl_hash_size(digest_algo) : 0;
	if (format == IMACTL_MLOG_BINARY && digest_algo < 0) {
		l->digest_algo = IMACTL_HASH_SHA1;
		l->digest_len = 20;
	}
	*ret = l;
	return 0;
}

int imactl_mlog_open_buf(imactl_ctx *ctx, const uint8_t *data, size_t len, int format,
			 int digest_algo, unsigned flags, imactl_mlog **ret_log,
			 imactl_diag *reterr)
{
	imactl_mlog *l = NULL;
	int r;

	if (!ret_log || (!data && len))
		return -EINVAL;
	r = mlog_new(ctx, format, digest_algo, flags, &l, reterr);
	if (r < 0)
		return r;
	l->data = data;
	l->len = len;
	*ret_log = l;
	return 0;
}

int imactl_mlog_open_fd(imactl_ctx *ctx, int fd, int format, int digest_algo, unsigned flags,
			imactl_mlog **ret_log, imactl_diag *reterr)
{
	imactl_mlog *l = NULL;
	int r;

	if (!ret_log || fd < 0)
		return -EINVAL;
	r = mlog_new(ctx, format, digest_algo, flags, &l, reterr);
	if (r < 0)
		return r;
	l->fd = fd;
	*ret_log = l;
	return 0;
}

void imactl_mlog_set_name(imactl_mlog *l, const char *name)
{
	if (l && name)
		snprintf(l->input_name, sizeof(l->input_name), "%s", name);
}

int imactl_mlog_format(const imactl_mlog *l)
{
	return l ? l->format : IMACTL_MLOG_AUTO;
}

void imactl_mlog_free(imactl_mlog *l)
{
	if (!l)
		return;
	free(l->own);
	free(l->scratch);
	free(l->namebuf);
	free(l);
}

int imactl_mlog_entry_check(imactl_ctx *ctx, const imactl_mlog_entry *e, imactl_diag *reterr)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	const EVP_MD *m;
	unsigned int mdlen = 0;

	if (!e)
		return -EINVAL;
	if (e->violation)
		return 0;
	m = ctx_md(ctx, e->digest_algo);
	if (!m)
		return diag_fail(reterr, -EOPNOTSUPP, "template digest algorithm %s unavailable",
				 imactl_hash_name(e->digest_algo) ? imactl_hash_name(e->digest_algo)
								  : "?");
	if (!EVP_Digest(e->hashed, e->hashed_len, md, &mdlen, m, NULL))
		return diag_fail_ossl(reterr, -ENOMEM, "hashing template data");
	if (mdlen != e->digest_len || memcmp(md, e->digest, mdlen))
		return diag_fail_at(reterr, -EKEYREJECTED, (unsigned long)e->offset,
				    "entry %llu: template digest does not match its data",
				    (unsigned long long)e->index);
	return 0;
}
