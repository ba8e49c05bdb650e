/* SPDX-License-Identifier: MIT */
/* Internal: hex encoding and decoding. */
#ifndef IMACTL_UTIL_HEX_H
#define IMACTL_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Write 2*len lowercase hex digits and a NUL into out (2*len+1 bytes). */
void hex_encode(const uint8_t *p, size_t len, char *out);
/* Value of one hex digit (either case), or -1. */
int hex_nibble(char c);
/* Print lowercase hex to a stream. */
void hex_fprint(FILE *f, const uint8_t *p, size_t len);
/*
 * Decode a hex string of even length into out (cap bytes).  Returns the byte count or -EBADMSG (odd
 * length, non-hex digit) / -EMSGSIZE (longer than cap).
 */
long hex_decode(const char *s, size_t slen, uint8_t *out, size_t cap);

#endif
