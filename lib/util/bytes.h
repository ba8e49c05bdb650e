/* SPDX-License-Identifier: MIT */
/* Internal: explicit little/big-endian loads and stores; never cast wire bytes to structs. */
#ifndef IMACTL_UTIL_BYTES_H
#define IMACTL_UTIL_BYTES_H

#include <stdint.h>

static inline uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t load_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint16_t load_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}
static inline uint64_t load_le64(const uint8_t *p)
{
	return (uint64_t)load_le32(p) | ((uint64_t)load_le32(p + 4) << 32);
}
static inline uint64_t load_be64(const uint8_t *p)
{
	return ((uint64_t)load_be32(p) << 32) | load_be32(p + 4);
}
static inline void store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static inline void store_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}
static inline void store_le64(uint8_t *p, uint64_t v)
{
	store_le32(p, (uint32_t)v);
	store_le32(p + 4, (uint32_t)(v >> 32));
}

/* A bounded read cursor for pure parsers. */
struct cur {
	const uint8_t *p, *start, *end;
};

static inline void cur_init(struct cur *c, const uint8_t *p, size_t len)
{
	c->p = c->start = p;
	c->end = p + len;
}
static inline size_t cur_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}
static inline size_t cur_off(const struct cur *c)
{
	return (size_t)(c->p - c->start);
}

#endif
