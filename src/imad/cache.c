/* SPDX-License-Identifier: MIT */
/*
 * The appraisal/measurement cache: what the kernel keeps in the inode's
 * integrity cache (iint), keyed here by (dev, ino, mtime ns, ctime ns, size)
 * because userspace has no i_version and fanotify ignore marks are not a safe
 * cache (writes through a shared mmap do not clear them, FANOTIFY.md).  A
 * changed file gets a new key: its old entry is dropped when seen, or ages
 * out.  ctime covers xattr changes (security.ima/evm rewritten), chmod and
 * chown.
 *
 * Bounded: a fixed pool of entries, one mutex (lookups copy the entry out, so
 * nothing is borrowed across the lock).  Eviction is CLOCK (second chance):
 * a hit only sets the entry's bit in a reference bitmap (8 KiB for 65,536
 * entries: it stays in the CPU's cache), where an LRU list would write three
 * other entries' links on every hit.  When the pool is full, the hand sweeps
 * it, clearing reference bits, and evicts the first entry not used since the
 * last sweep.
 *
 * The reader's fast path (imad_cache_settled()) reads one 64-byte line: a
 * direct-mapped hint table, indexed like the buckets, holds for one entry
 * per slot its key, generation and settled hooks, and its pool index.  A
 * hint is only a shortcut: it is written when an entry settles, cleared when
 * its entry goes, and a miss there falls back to the buckets.  Between the
 * opener's open() and imad's fstat() the client has usually streamed its
 * file through the CPU caches: each random line is a cache miss, and the
 * bucket-then-entry walk was two of them.
 *
 * Memory: the pool, the buckets and the hints are anonymous mappings
 * aligned to 2 MiB, offered transparent huge pages (fewer TLB misses on the
 * random loads of a lookup) and touched once at start: about 330 bytes per
 * entry, 21 MiB for the default 65,536.  Left to first use, each new 2 MiB
 * page would be zeroed inside some event's answer (~0.4 ms each time,
 * measured on the bench machine).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "imad.h"

/* hnext, then the entry's key, gen and settled: one 64-byte line for a hit */
struct node {
	struct node *hnext; /* hash chain, or free list */
	struct imad_entry e;
	uint8_t used;
} __attribute__((aligned(64)));

/* One settled entry per slot: what the fast path compares, in one line. */
struct hint {
	struct imad_key key;
	unsigned int gen;
	uint32_t settled; /* 0: empty slot */
	uint32_t idx;	  /* pool index of the entry */
} __attribute__((aligned(64)));

struct imad_cache {
	pthread_mutex_t lock;
	size_t max, n, nbuckets, hand;
	size_t fresh; /* pool[fresh..max) never used yet */
	struct node **buckets;
	struct node *pool;
	struct node *free_list;
	struct hint *hints; /* nbuckets slots */
	uint64_t *ref;	    /* CLOCK reference bits, one per pool entry */
	size_t buckets_len, pool_len, hints_len;
};

static void ref_set(struct imad_cache *c, size_t i)
{
	c->ref[i / 64] |= 1ull << (i % 64);
}

static int ref_test_clear(struct imad_cache *c, size_t i)
{
	uint64_t bit = 1ull << (i % 64);
	int was = !!(c->ref[i / 64] & bit);

	c->ref[i / 64] &= ~bit;
	return was;
}

#define HUGE_ALIGN (2u << 20)

/* Zeroed, 2 MiB-aligned anonymous memory offered huge pages; NULL on failure. */
static void *big_zalloc(size_t len, size_t *ret_len)
{
	size_t l = (len + HUGE_ALIGN - 1) & ~(size_t)(HUGE_ALIGN - 1);
	uint8_t *p = mmap(NULL, l + HUGE_ALIGN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	if ((uintptr_t)p + l + HUGE_ALIGN > a + l)
		munmap((void *)(a + l), (uintptr_t)p + l + HUGE_ALIGN - (a + l));
#ifdef MADV_HUGEPAGE
	madvise((void *)a, l, MADV_HUGEPAGE); /* a hint: no huge pages is fine */
#endif
	memset((void *)a, 0, l); /* fault it in now, not during an event */
	*ret_len = l;
	return (void *)a;
}

static void big_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

static size_t hash_key(const struct imad_cache *c, uint64_t dev, uint64_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ull ^ (dev + 0x7f4a7c159e3779b9ull);

	h ^= h >> 29;
	return (size_t)(h & (c->nbuckets - 1));
}

int imad_cache_new(size_t max, struct imad_cache **ret)
{
	struct imad_cache *c;
	size_t nb = 16;

	if (max < 16)
		max = 16;
	while (nb < max)
		nb <<= 1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->buckets = big_zalloc(nb * sizeof(*c->buckets), &c->buckets_len);
	c->pool = big_zalloc(max * sizeof(*c->pool), &c->pool_len);
	c->hints = big_zalloc(nb * sizeof(*c->hints), &c->hints_len);
	c->ref = calloc((max + 63) / 64, sizeof(*c->ref));
	if (!c->buckets || !c->pool || !c->hints || !c->ref) {
		big_free(c->buckets, c->buckets_len);
		big_free(c->pool, c->pool_len);
		big_free(c->hints, c->hints_len);
		free(c->ref);
		free(c);
		return -ENOMEM;
	}
	c->max = max;
	c->nbuckets = nb;
	pthread_mutex_init(&c->lock, NULL);
	*ret = c;
	return 0;
}

void imad_cache_free(struct imad_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	big_free(c->buckets, c->buckets_len);
	big_free(c->pool, c->pool_len);
	big_free(c->hints, c->hints_len);
	free(c->ref);
	free(c);
}

static size_t idx_of(const struct imad_cache *c, const struct node *n)
{
	return (size_t)(n - c->pool);
}

/* The hint slot for @n now says what @n says (or nothing, if @n is not settled). */
static void hint_put(struct imad_cache *c, const struct node *n)
{
	struct hint *h = &c->hints[hash_key(c, n->e.key.dev, n->e.key.ino)];

	if (!n->e.settled) {
		if (h->settled && h->idx == idx_of(c, n))
			h->settled = 0;
		return;
	}
	h->key = n->e.key;
	h->gen = n->e.gen;
	h->settled = n->e.settled;
	h->idx = (uint32_t)idx_of(c, n);
}

static void hint_drop(struct imad_cache *c, const struct node *n)
{
	struct hint *h = &c->hints[hash_key(c, n->e.key.dev, n->e.key.ino)];

	if (h->settled && h->idx == idx_of(c, n))
		h->settled = 0;
}

/* Find the node for (dev, ino), whatever its times; returns the link pointing at it. */
static struct node **find(struct imad_cache *c, uint64_t dev, uint64_t ino)
{
	struct node **pp = &c->buckets[hash_key(c, dev, ino)];

	while (*pp && ((*pp)->e.key.dev != dev || (*pp)->e.key.ino != ino))
		pp = &(*pp)->hnext;
	return pp;
}

static void drop(struct imad_cache *c, struct node **pp)
{
	struct node *n = *pp;

	*pp = n->hnext;
	hint_drop(c, n);
	ref_test_clear(c, idx_of(c, n));
	n->used = 0;
	n->hnext = c->free_list;
	c->free_list = n;
	c->n--;
}

/* A free node: recycled, never used, else the CLOCK victim's. */
static struct node *take(struct imad_cache *c)
{
	struct node *n;

	if (!c->free_list && c->fresh < c->max)
		return &c->pool[c->fresh++];
	if (!c->free_list) {
		for (;;) {
			n = &c->pool[c->hand];
			c->hand = (c->hand + 1) % c->max;
			if (!n->used)
				continue; /* not reached: full pool, no free node */
			if (ref_test_clear(c, idx_of(c, n)))
				continue;
			drop(c, find(c, n->e.key.dev, n->e.key.ino));
			break;
		}
	}
	n = c->free_list;
	c->free_list = n->hnext;
	return n;
}

int imad_cache_lookup(struct imad_cache *c, const struct imad_key *k, struct imad_entry *out)
{
	struct node **pp;
	int found = 0;

	pthread_mutex_lock(&c->lock);
	pp = find(c, k->dev, k->ino);
	if (*pp) {
		if (memcmp(&(*pp)->e.key, k, sizeof(*k)) == 0) {
			*out = (*pp)->e;
			ref_set(c, idx_of(c, *pp));
			found = 1;
		} else {
			/* the file changed: its old results are worthless */
			drop(c, pp);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

void imad_cache_store(struct imad_cache *c, const struct imad_entry *e)
{
	struct node **pp, *n;
	size_t b;

	pthread_mutex_lock(&c->lock);
	pp = find(c, e->key.dev, e->key.ino);
	if (*pp) {
		n = *pp;
		n->e = *e;
		ref_set(c, idx_of(c, n));
		hint_put(c, n);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	n = take(c);
	n->e = *e;
	n->used = 1;
	ref_set(c, idx_of(c, n));
	b = hash_key(c, e->key.dev, e->key.ino);
	n->hnext = c->buckets[b];
	c->buckets[b] = n;
	c->n++;
	hint_put(c, n);
	pthread_mutex_unlock(&c->lock);
}

void imad_cache_invalidate(struct imad_cache *c, uint64_t dev, uint64_t ino)
{
	struct node **pp;

	pthread_mutex_lock(&c->lock);
	pp = find(c, dev, ino);
	if (*pp)
		drop(c, pp);
	pthread_mutex_unlock(&c->lock);
}

int imad_cache_settled(struct imad_cache *c, const struct imad_key *k, unsigned int gen,
		       uint32_t hook)
{
	const struct hint *h = &c->hints[hash_key(c, k->dev, k->ino)];
	struct node *n;
	int ok = 0;

	pthread_mutex_lock(&c->lock);
	if (h->settled && h->gen == gen && (h->settled & hook) == hook &&
	    memcmp(&h->key, k, sizeof(*k)) == 0) {
		/* the hint: one line; the entry it names is keyed the same (hint_put) */
		ref_set(c, h->idx);
		ok = 1;
	} else {
		n = *find(c, k->dev, k->ino);
		if (n && n->e.gen == gen && (n->e.settled & hook) == hook &&
		    memcmp(&n->e.key, k, sizeof(*k)) == 0) {
			ref_set(c, idx_of(c, n));
			hint_put(c, n);
			ok = 1;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

void imad_cache_settle(struct imad_cache *c, const struct imad_entry *e, uint32_t hook)
{
	struct node *n;
	struct imad_entry copy;

	pthread_mutex_lock(&c->lock);
	n = *find(c, e->key.dev, e->key.ino);
	if (n) {
		/* in place: a worker may have added results since @e was copied out */
		if (n->e.gen == e->gen && memcmp(&n->e.key, &e->key, sizeof(e->key)) == 0) {
			n->e.settled |= hook;
			hint_put(c, n);
		}
		pthread_mutex_unlock(&c->lock);
		return;
	}
	pthread_mutex_unlock(&c->lock);
	copy = *e;
	copy.settled |= hook;
	imad_cache_store(c, &copy);
}

void imad_cache_clear(struct imad_cache *c)
{
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->fresh; i++)
		if (c->pool[i].used)
			drop(c, find(c, c->pool[i].e.key.dev, c->pool[i].e.key.ino));
	c->hand = 0;
	pthread_mutex_unlock(&c->lock);
}

size_t imad_cache_size(struct imad_cache *c)
{
	size_t n;

	pthread_mutex_lock(&c->lock);
	n = c->n;
	pthread_mutex_unlock(&c->lock);
	return n;
}
