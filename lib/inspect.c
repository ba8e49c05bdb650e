/* SPDX-License-Identifier: MIT */
/*
 * Lenient, bounded decoding of IMA/EVM values for display, and the text forms
 * users paste (getfattr's 0x/0s, hex, base64).  No I/O, no crypto.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "imactl/digest.h"
#include "imactl/inspect.h"
#include "imactl/xattr.h"
#include "util/bytes.h"
#include "util/hex.h"

static const char *const problem_names[IMACTL_INSPECT__MAX] = {
	[IMACTL_INSPECT_OK] = "ok",
	[IMACTL_INSPECT_EMPTY] = "empty",
	[IMACTL_INSPECT_TOO_LONG] = "too-long",
	[IMACTL_INSPECT_UNKNOWN_TYPE] = "unknown-type",
	[IMACTL_INSPECT_UNKNOWN_VERSION] = "unknown-version",
	[IMACTL_INSPECT_WRONG_VERSION] = "wrong-version",
	[IMACTL_INSPECT_UNKNOWN_ALGO] = "unknown-algorithm",
	[IMACTL_INSPECT_TRUNCATED] = "truncated",
	[IMACTL_INSPECT_ZERO_PADDED] = "zero-padded",
	[IMACTL_INSPECT_TRAILING] = "trailing-bytes",
	[IMACTL_INSPECT_WRONG_LENGTH] = "wrong-length",
	[IMACTL_INSPECT_BAD_FIELD] = "bad-field",
};

const char *imactl_inspect_problem_name(enum imactl_inspect_problem p)
{
	if ((unsigned)p >= IMACTL_INSPECT__MAX)
		return "unknown";
	return problem_names[p];
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void set_problem(imactl_inspect_value *r, enum imactl_inspect_problem p, size_t off)
{
	if (r->problem != IMACTL_INSPECT_OK)
		return; /* the first problem found is the one reported */
	r->problem = p;
	r->problem_offset = off;
}

/* Length against what the header implies: truncated, padded or trailing. */
static void check_total(imactl_inspect_value *r, const uint8_t *v, size_t want)
{
	r->expected_len = want;
	if (r->len < want)
		set_problem(r, IMACTL_INSPECT_TRUNCATED, r->len);
	else if (r->len > want)
		set_problem(r,
			    all_zero(v + want, r->len - want) ? IMACTL_INSPECT_ZERO_PADDED
							      : IMACTL_INSPECT_TRAILING,
			    want);
}

/* v2/v3 header: type version algo keyid[4] sig_size[2,BE] sig */
static void decode_v2(imactl_inspect_value *r, const uint8_t *v)
{
	size_t len = r->len;

	if (len < 3) {
		set_problem(r, IMACTL_INSPECT_TRUNCATED, len);
		return;
	}
	r->hash_algo_raw = v[2];
	if (imactl_hash_name(v[2]))
		r->hash_algo = v[2];
	else
		set_problem(r, IMACTL_INSPECT_UNKNOWN_ALGO, 2);
	if (len >= 7) {
		r->has_keyid = 1;
		r->keyid = load_be32(v + 3);
	}
	if (len < IMACTL_SIG_V2_HDR_LEN) {
		set_problem(r, IMACTL_INSPECT_TRUNCATED, len);
		return;
	}
	r->has_sig_size = 1;
	r->sig_size = load_be16(v + 7);
	r->sig = v + IMACTL_SIG_V2_HDR_LEN;
	r->sig_len = len - IMACTL_SIG_V2_HDR_LEN;
	if (r->sig_len > r->sig_size)
		r->sig_len = r->sig_size;
	if (r->sig_size == 0)
		set_problem(r, IMACTL_INSPECT_WRONG_LENGTH, 7);
	check_total(r, v, IMACTL_SIG_V2_HDR_LEN + r->sig_size);
}

/* v1 (ima-evm-utils lib/digsig.c): ts[4] pkalgo hash keyid[8] nmpi, MPI = bits[2,BE] bytes */
static void decode_v1(imactl_inspect_value *r, const uint8_t *v)
{
	size_t len = r->len;

	if (len >= 6)
		memcpy(&r->timestamp_v1, v + 2, 4);
	if (len >= 7) {
		r->v1_pkalgo = v[6];
		if (v[6] != 0)
			set_problem(r, IMACTL_INSPECT_BAD_FIELD, 6);
	}
	if (len >= 8) {
		r->hash_algo_raw = v[7];
		if (v[7] == 0)
			r->hash_algo = IMACTL_HASH_SHA1;
		else if (v[7] == 1)
			r->hash_algo = IMACTL_HASH_SHA256;
		else
			set_problem(r, IMACTL_INSPECT_UNKNOWN_ALGO, 7);
	}
	if (len >= 16) {
		r->has_keyid_v1 = 1;
		memcpy(r->keyid_v1, v + 8, 8);
	}
	if (len >= 17) {
		r->v1_nmpi = v[16];
		if (v[16] != 1)
			set_problem(r, IMACTL_INSPECT_BAD_FIELD, 16);
	}
	if (len < IMACTL_SIG_V1_HDR_LEN + 2) {
		set_problem(r, IMACTL_INSPECT_TRUNCATED, len);
		return;
	}
	r->v1_mpi_bits = load_be16(v + IMACTL_SIG_V1_HDR_LEN);
	r->has_sig_size = 1;
	r->sig_size = (r->v1_mpi_bits + 7) / 8;
	r->sig = v + IMACTL_SIG_V1_HDR_LEN + 2;
	r->sig_len = len - IMACTL_SIG_V1_HDR_LEN - 2;
	if (r->sig_len > r->sig_size)
		r->sig_len = r->sig_size;
	if (r->sig_size == 0)
		set_problem(r, IMACTL_INSPECT_WRONG_LENGTH, IMACTL_SIG_V1_HDR_LEN);
	check_total(r, v, IMACTL_SIG_V1_HDR_LEN + 2 + r->sig_size);
}

static void decode_digest(imactl_inspect_value *r, const uint8_t *v, size_t start, size_t want)
{
	r->digest = v + start;
	r->digest_len = r->len - start;
	r->digest_expected = want;
	if (want)
		check_total(r, v, start + want);
}

int imactl_inspect_decode(const uint8_t *v, size_t len, imactl_inspect_value *ret)
{
	imactl_inspect_value r;
	imactl_xattr_view view;
	imactl_diag d = {0};
	int rc;

	if (!ret || (!v && len))
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.len = len;
	r.hash_algo = -1;
	r.hash_algo_raw = -1;
	r.type_name = "none";
	if (len == 0) {
		r.problem = IMACTL_INSPECT_EMPTY;
		snprintf(r.msg, sizeof(r.msg), "empty value");
		*ret = r;
		return 0;
	}
	r.type = v[0];
	r.type_name = imactl_xattr_type_name(v[0]);
	if (len > IMACTL_XATTR_MAX) {
		r.problem = IMACTL_INSPECT_TOO_LONG;
		r.problem_offset = IMACTL_XATTR_MAX;
		snprintf(r.msg, sizeof(r.msg), "value of %zu bytes is over %d", len,
			 IMACTL_XATTR_MAX);
		*ret = r;
		return 0;
	}

	switch (v[0]) {
	case IMACTL_XATTR_DIGEST:
		/* the kernel infers sha1 or md5 from the length (ima_get_hash_algo()) */
		if (len == 1 + 16)
			r.hash_algo = IMACTL_HASH_MD5;
		else
			r.hash_algo = IMACTL_HASH_SHA1;
		decode_digest(&r, v, 1, len == 1 + 16 ? 16 : 20);
		if (r.problem != IMACTL_INSPECT_OK)
			r.problem = IMACTL_INSPECT_WRONG_LENGTH;
		break;
	case IMACTL_XATTR_HMAC:
		r.hash_algo = IMACTL_HASH_SHA1;
		decode_digest(&r, v, 1, 20);
		break;
	case IMACTL_XATTR_DIGEST_NG:
		if (len < 2) {
			set_problem(&r, IMACTL_INSPECT_TRUNCATED, 1);
			break;
		}
		r.hash_algo_raw = v[1];
		if (!imactl_hash_size(v[1])) {
			set_problem(&r, IMACTL_INSPECT_UNKNOWN_ALGO, 1);
			decode_digest(&r, v, 2, 0);
			break;
		}
		r.hash_algo = v[1];
		decode_digest(&r, v, 2, imactl_hash_size(v[1]));
		break;
	case IMACTL_XATTR_DIGSIG:
	case IMACTL_XATTR_PORTABLE_DIGSIG:
	case IMACTL_XATTR_VERITY_DIGSIG:
		if (len < 2) {
			set_problem(&r, IMACTL_INSPECT_TRUNCATED, 1);
			break;
		}
		r.has_version = 1;
		r.version = v[1];
		if (v[1] < 1 || v[1] > 3)
			set_problem(&r, IMACTL_INSPECT_UNKNOWN_VERSION, 1);
		else if ((v[0] == IMACTL_XATTR_DIGSIG && v[1] == 3) ||
			 (v[0] == IMACTL_XATTR_PORTABLE_DIGSIG && v[1] != 2) ||
			 (v[0] == IMACTL_XATTR_VERITY_DIGSIG && v[1] != 3))
			set_problem(&r, IMACTL_INSPECT_WRONG_VERSION, 1);
		if (v[0] == IMACTL_XATTR_DIGSIG && v[1] == 1)
			decode_v1(&r, v);
		else if (v[1] >= 2 && v[1] <= 3)
			decode_v2(&r, v);
		break;
	default:
		set_problem(&r, IMACTL_INSPECT_UNKNOWN_TYPE, 0);
		break;
	}

	/* Validity is the codec's verdict, so inspect and verify never disagree. */
	rc = imactl_xattr_decode(v, len, &view, &d);
	if (rc == 0) {
		r.problem = IMACTL_INSPECT_OK;
		r.problem_offset = 0;
	} else {
		if (r.problem == IMACTL_INSPECT_OK)
			r.problem = IMACTL_INSPECT_BAD_FIELD;
		if (d.has_offset)
			r.problem_offset = d.offset;
		snprintf(r.msg, sizeof(r.msg), "%s", d.msg);
	}
	*ret = r;
	return 0;
}

/* ---- text forms ---------------------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int decode_hex(const char *s, size_t len, size_t base, uint8_t *out, size_t cap,
		      size_t *ret_len, imactl_diag *d)
{
	size_t n = 0;
	int hi = -1;

	for (size_t i = 0; i < len; i++) {
		int x;
		if (is_blank(s[i]))
			continue;
		x = hex_nibble(s[i]);
		if (x < 0)
			return diag_fail_at(d, -EBADMSG, base + i, "'%c' is not a hex digit", s[i]);
		if (hi < 0) {
			hi = x;
			continue;
		}
		if (n == cap)
			return diag_fail(d, -EMSGSIZE, "value longer than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | x);
		hi = -1;
	}
	if (hi >= 0)
		return diag_fail_at(d, -EBADMSG, base + len, "odd number of hex digits");
	*ret_len = n;
	return 0;
}

static int decode_b64(const char *s, size_t len, size_t base, uint8_t *out, size_t cap,
		      size_t *ret_len, imactl_diag *d)
{
	uint32_t acc = 0;
	size_t n = 0, bits = 0, pad = 0;

	for (size_t i = 0; i < len; i++) {
		int x;
		if (is_blank(s[i]))
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		x = b64val(s[i]);
		if (x < 0 || pad)
			return diag_fail_at(d, -EBADMSG, base + i, "'%c' is not base64", s[i]);
		acc = (acc << 6) | (uint32_t)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return diag_fail(d, -EMSGSIZE, "value longer than %zu bytes", cap);
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (pad > 2 || bits >= 6 || acc != 0)
		return diag_fail_at(d, -EBADMSG, base + len, "base64 ends in the middle of a byte");
	*ret_len = n;
	return 0;
}

int imactl_inspect_parse_text(const char *s, size_t len, uint8_t *out, size_t cap, size_t *ret_len,
			      imactl_diag *reterr)
{
	size_t a = 0, b = len, eq;
	int only_hex = 1;

	while (a < b && is_blank(s[a]))
		a++;
	while (b > a && is_blank(s[b - 1]))
		b--;
	/* A getfattr line "security.ima=0x...": a dotted name, then '=' and more text. */
	for (eq = a; eq < b && s[eq] != '='; eq++)
		if (!(s[eq] == '.' || s[eq] == '_' || s[eq] == '-' ||
		      (s[eq] >= 'a' && s[eq] <= 'z') || (s[eq] >= 'A' && s[eq] <= 'Z') ||
		      (s[eq] >= '0' && s[eq] <= '9')))
			break;
	if (eq < b && s[eq] == '=' && memchr(s + a, '.', eq - a) && eq + 1 < b && s[eq + 1] != '=')
		a = eq + 1;
	if (b - a >= 2 && s[a] == '"' && s[b - 1] == '"') {
		a++;
		b--;
	}
	if (a == b)
		return diag_fail_at(reterr, -EBADMSG, a, "no value");
	if (b - a >= 2 && s[a] == '0' && (s[a + 1] == 'x' || s[a + 1] == 'X'))
		return decode_hex(s + a + 2, b - a - 2, a + 2, out, cap, ret_len, reterr);
	if (b - a >= 2 && s[a] == '0' && (s[a + 1] == 's' || s[a + 1] == 'S'))
		return decode_b64(s + a + 2, b - a - 2, a + 2, out, cap, ret_len, reterr);
	/* Bare text: hex when it can be (all hex digits, even count), else base64. */
	for (size_t i = a, n = 0; i < b; i++) {
		if (is_blank(s[i]))
			continue;
		n++;
		if (hex_nibble(s[i]) < 0) {
			only_hex = 0;
			break;
		}
		if (i + 1 == b && n % 2)
			only_hex = 0;
	}
	if (only_hex)
		return decode_hex(s + a, b - a, a, out, cap, ret_len, reterr);
	return decode_b64(s + a, b - a, a, out, cap, ret_len, reterr);
}
