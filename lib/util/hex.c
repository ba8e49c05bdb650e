/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "util/hex.h"

static const char digits[] = "0123456789abcdef";

void hex_encode(const uint8_t *p, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = 0;
}

void hex_fprint(FILE *f, const uint8_t *p, size_t len)
{
	char buf[129];

	while (len) {
		size_t n = len > 64 ? 64 : len;
		hex_encode(p, n, buf);
		fputs(buf, f);
		p += n;
		len -= n;
	}
}

int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long hex_decode(const char *s, size_t slen, uint8_t *out, size_t cap)
{
	if (slen % 2)
		return -EBADMSG;
	if (slen / 2 > cap)
		return -EMSGSIZE;
	for (size_t i = 0; i < slen / 2; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EBADMSG;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(slen / 2);
}
