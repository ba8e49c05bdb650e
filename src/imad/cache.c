/* SPDX-License-Identifier: MIT */
/*
 * The appraisal/measurement cache: what the kernel keeps in the inode's
 * integrity cache (iint), keyed here by (dev, ino, mtime ns, ctime ns, size)
 * because userspace has no i_version and fanotify ignore marks are not a safe
 * cache (writes through a shared mmap do not clear them, FANOTIFY.md).  A
 * changed file gets a new key: its old entry simply ages out.  ctime covers
 * xattr changes (security.ima/evm rewritten), chmod and chown.
 *
 * Bounded: a fixed pool of entries, LRU eviction, one mutex (lookups copy the
 * entry out, so nothing is borrowed across the lock).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "imad.h"

struct node {
	struct imad_entry e;
	struct node *hnext;	  /* hash chain */
	struct node *prev, *next; /* LRU list, most recent at head */
	int used;
};

struct imad_cache {
	pthread_mutex_t lock;
	size_t max, n, nbuckets;
	struct node **buckets;
	struct node *pool;
	struct node *free_list;
	struct node *head, *tail;
};

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
	c->buckets = calloc(nb, sizeof(*c->buckets));
	c->pool = calloc(max, sizeof(*c->pool));
	if (!c->buckets || !c->pool) {
		free(c->buckets);
		free(c->pool);
		free(c);
		return -ENOMEM;
	}
	c->max = max;
	c->nbuckets = nb;
	for (size_t i = 0; i < max; i++) {
		c->pool[i].hnext = c->free_list;
		c->free_list = &c->pool[i];
	}
	pthread_mutex_init(&c->lock, NULL);
	*ret = c;
	return 0;
}

void imad_cache_free(struct imad_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c->pool);
	free(c);
}

static void lru_unlink(struct imad_cache *c, struct node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		c->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		c->tail = n->prev;
	n->prev = n->next = NULL;
}

static void lru_push(struct imad_cache *c, struct node *n)
{
	n->prev = NULL;
	n->next = c->head;
	if (c->head)
		c->head->prev = n;
	c->head = n;
	if (!c->tail)
		c->tail = n;
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
	lru_unlink(c, n);
	n->used = 0;
	n->hnext = c->free_list;
	c->free_list = n;
	c->n--;
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
			lru_unlink(c, *pp);
			lru_push(c, *pp);
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

	pthread_mutex_lock(&c->lock);
	pp = find(c, e->key.dev, e->key.ino);
	if (*pp) {
		n = *pp;
		n->e = *e;
		lru_unlink(c, n);
		lru_push(c, n);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	if (!c->free_list) {
		struct node *old = c->tail;
		drop(c, find(c, old->e.key.dev, old->e.key.ino));
	}
	n = c->free_list;
	c->free_list = n->hnext;
	n->e = *e;
	n->used = 1;
	n->hnext = c->buckets[hash_key(c, e->key.dev, e->key.ino)];
	c->buckets[hash_key(c, e->key.dev, e->key.ino)] = n;
	lru_push(c, n);
	c->n++;
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
	struct node *n;
	int ok = 0;

	pthread_mutex_lock(&c->lock);
	n = *find(c, k->dev, k->ino);
	if (n && n->e.gen == gen && (n->e.settled & hook) == hook &&
	    memcmp(&n->e.key, k, sizeof(*k)) == 0) {
		if (c->head != n) {
			lru_unlink(c, n);
			lru_push(c, n);
		}
		ok = 1;
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
		if (n->e.gen == e->gen && memcmp(&n->e.key, &e->key, sizeof(e->key)) == 0)
			n->e.settled |= hook;
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
	while (c->head)
		drop(c, find(c, c->head->e.key.dev, c->head->e.key.ino));
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
