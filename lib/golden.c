/* SPDX-License-Identifier: MIT */
/*
 * Golden lists: a hash table per kind (name -> good digests), exclude
 * regexes, and the per-list check (see include/imactl/golden.h).  The JSON
 * form lives in golden_json.c.
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "golden_internal.h"
#include "util/cleanup.h"

#define TABLE_MIN 64

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

static void table_free(struct gtable *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		struct gname *n = t->slots[i];
		if (!n)
			continue;
		for (size_t j = 0; j < n->ndigests; j++)
			free(n->digests[j]);
		free(n->digests);
		free(n->digest_lens);
		free(n);
	}
	free(t->slots);
}

struct gname *golden_table_find(const struct gtable *t, const char *name)
{
	if (!t->cap)
		return NULL;
	for (size_t i = name_hash(name) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct gname *n = t->slots[i];
		if (!n)
			return NULL;
		if (!strcmp(n->name, name))
			return n;
	}
}

static int table_grow(struct gtable *t)
{
	size_t ncap = t->cap ? t->cap * 2 : TABLE_MIN;
	struct gname **ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		struct gname *n = t->slots[i];
		size_t j;
		if (!n)
			continue;
		for (j = name_hash(n->name) & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
			;
		ns[j] = n;
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

/* Find or insert @name. */
static int table_get(struct gtable *t, const char *name, struct gname **ret)
{
	struct gname *n = golden_table_find(t, name);
	size_t len, j;

	if (n) {
		*ret = n;
		return 0;
	}
	if ((t->count + 1) * 2 > t->cap && table_grow(t) < 0)
		return -ENOMEM;
	len = strlen(name);
	n = calloc(1, sizeof(*n) + len + 1);
	if (!n)
		return -ENOMEM;
	memcpy(n->name, name, len + 1);
	for (j = name_hash(name) & (t->cap - 1); t->slots[j]; j = (j + 1) & (t->cap - 1))
		;
	t->slots[j] = n;
	t->count++;
	*ret = n;
	return 0;
}

int imactl_golden_new(imactl_golden **ret)
{
	imactl_golden *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	*ret = g;
	return 0;
}

void imactl_golden_free(imactl_golden *g)
{
	if (!g)
		return;
	for (int k = 0; k < IMACTL_GOLDEN__KINDS; k++)
		table_free(&g->tables[k]);
	for (size_t i = 0; i < g->nexcludes; i++) {
		regfree(&g->excludes[i].re);
		free(g->excludes[i].text);
	}
	free(g->excludes);
	for (size_t i = 0; i < g->nignored; i++)
		free(g->ignored[i]);
	free(g->ignored);
	free(g->log_hash_alg);
	free(g);
}

int imactl_golden_add(imactl_golden *g, int kind, const char *name, const uint8_t *digest,
		      size_t len, imactl_diag *reterr)
{
	struct gname *n;
	uint8_t *copy;
	int r;

	if (kind < 0 || kind >= IMACTL_GOLDEN__KINDS || !name || !*name || !digest || !len)
		return diag_fail(reterr, -EINVAL, "golden: empty name or digest");
	if (strlen(name) >= IMACTL_GOLDEN_NAME_MAX)
		return diag_fail(reterr, -EMSGSIZE, "golden: name of %zu bytes (at most %d)",
				 strlen(name), IMACTL_GOLDEN_NAME_MAX - 1);
	if (len > IMACTL_MAX_DIGEST_SIZE)
		return diag_fail(reterr, -EINVAL, "golden: digest of %zu bytes for '%s'", len,
				 name);
	r = table_get(&g->tables[kind], name, &n);
	if (r < 0)
		return diag_fail(reterr, r, "golden: out of memory");
	for (size_t i = 0; i < n->ndigests; i++)
		if (n->digest_lens[i] == len && !memcmp(n->digests[i], digest, len))
			return 0;
	if (n->ndigests >= IMACTL_GOLDEN_DIGESTS_MAX)
		return diag_fail(reterr, -EMSGSIZE, "golden: more than %d digests for '%s'",
				 IMACTL_GOLDEN_DIGESTS_MAX, name);
	if (n->ndigests == n->cap) {
		size_t ncap = n->cap ? n->cap * 2 : 1;
		uint8_t **nd = realloc(n->digests, ncap * sizeof(*nd));
		if (!nd)
			return diag_fail(reterr, -ENOMEM, "golden: out of memory");
		n->digests = nd;
		size_t *nl = realloc(n->digest_lens, ncap * sizeof(*nl));
		if (!nl)
			return diag_fail(reterr, -ENOMEM, "golden: out of memory");
		n->digest_lens = nl;
		n->cap = ncap;
	}
	copy = malloc(len);
	if (!copy)
		return diag_fail(reterr, -ENOMEM, "golden: out of memory");
	memcpy(copy, digest, len);
	n->digests[n->ndigests] = copy;
	n->digest_lens[n->ndigests++] = len;
	return 0;
}

int imactl_golden_add_exclude(imactl_golden *g, const char *regex, imactl_diag *reterr)
{
	_cleanup_free_ char *anchored = NULL;
	struct gexclude *nx, *x;
	int r;

	if (!regex)
		return diag_fail(reterr, -EINVAL, "golden: no exclude");
	if (g->nexcludes >= IMACTL_GOLDEN_EXCLUDES_MAX)
		return diag_fail(reterr, -EMSGSIZE, "golden: more than %d excludes",
				 IMACTL_GOLDEN_EXCLUDES_MAX);
	if (strlen(regex) >= IMACTL_GOLDEN_NAME_MAX)
		return diag_fail(reterr, -EMSGSIZE, "golden: exclude of %zu bytes", strlen(regex));
	nx = realloc(g->excludes, (g->nexcludes + 1) * sizeof(*nx));
	if (!nx)
		return diag_fail(reterr, -ENOMEM, "golden: out of memory");
	g->excludes = nx;
	x = &g->excludes[g->nexcludes];
	memset(x, 0, sizeof(*x));
	/* re.match(): the match starts at the beginning of the path */
	if (asprintf(&anchored, "^(%s)", regex) < 0)
		return diag_fail(reterr, -ENOMEM, "golden: out of memory");
	r = regcomp(&x->re, anchored, REG_EXTENDED | REG_NOSUB);
	if (r) {
		char why[128];
		regerror(r, &x->re, why, sizeof(why));
		return diag_fail(reterr, -EBADMSG, "exclude '%s' is not a POSIX extended regex: %s",
				 regex, why);
	}
	x->text = strdup(regex);
	if (!x->text) {
		regfree(&x->re);
		return diag_fail(reterr, -ENOMEM, "golden: out of memory");
	}
	g->nexcludes++;
	return 0;
}

int imactl_golden_add_ignored_keyring(imactl_golden *g, const char *name, imactl_diag *reterr)
{
	char **ni;

	if (!name || !*name)
		return diag_fail(reterr, -EINVAL, "golden: empty keyring name");
	for (size_t i = 0; i < g->nignored; i++)
		if (!strcmp(g->ignored[i], name))
			return 0;
	if (g->nignored >= IMACTL_GOLDEN_EXCLUDES_MAX)
		return diag_fail(reterr, -EMSGSIZE, "golden: too many ignored keyrings");
	ni = realloc(g->ignored, (g->nignored + 1) * sizeof(*ni));
	if (!ni)
		return diag_fail(reterr, -ENOMEM, "golden: out of memory");
	g->ignored = ni;
	if (!(g->ignored[g->nignored] = strdup(name)))
		return diag_fail(reterr, -ENOMEM, "golden: out of memory");
	g->nignored++;
	return 0;
}

size_t imactl_golden_count(const imactl_golden *g, int kind)
{
	if (!g || kind < 0 || kind >= IMACTL_GOLDEN__KINDS)
		return 0;
	return g->tables[kind].count;
}

int imactl_golden_excluded(const imactl_golden *g, const char *path)
{
	for (size_t i = 0; i < g->nexcludes; i++)
		if (regexec(&g->excludes[i].re, path, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

int imactl_golden_lookup(const imactl_golden *g, int kind, const char *name, const uint8_t *digest,
			 size_t len)
{
	const struct gname *n;

	if (kind < 0 || kind >= IMACTL_GOLDEN__KINDS)
		return -EINVAL;
	n = golden_table_find(&g->tables[kind], name);
	if (!n)
		return -ENOENT;
	for (size_t i = 0; i < n->ndigests; i++)
		if (n->digest_lens[i] == len && !memcmp(n->digests[i], digest, len))
			return 0;
	return -EKEYREJECTED;
}

static bool keyring_ignored(const imactl_golden *g, const char *name)
{
	for (size_t i = 0; i < g->nignored; i++)
		if (!strcmp(g->ignored[i], "*") || !strcmp(g->ignored[i], name))
			return true;
	return false;
}

const char *imactl_golden_status_name(int status)
{
	switch (status) {
	case IMACTL_GOLDEN_OK:
		return "ok";
	case IMACTL_GOLDEN_EXCLUDED:
		return "excluded";
	case IMACTL_GOLDEN_IGNORED:
		return "ignored";
	case IMACTL_GOLDEN_UNKNOWN:
		return "unknown";
	case IMACTL_GOLDEN_MISMATCH:
		return "mismatch";
	case IMACTL_GOLDEN_VIOLATION:
		return "violation";
	case IMACTL_GOLDEN_TOMTOU:
		return "tomtou";
	case IMACTL_GOLDEN_NODIGEST:
		return "no-digest";
	default:
		return "?";
	}
}

/* The digests seen per path in one list: a golden table reused. */
struct imactl_golden_check {
	const imactl_golden *g;
	struct gtable seen;
};

int imactl_golden_check_new(const imactl_golden *g, imactl_golden_check **ret)
{
	imactl_golden_check *c;

	if (!g)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->g = g;
	*ret = c;
	return 0;
}

void imactl_golden_check_free(imactl_golden_check *c)
{
	if (!c)
		return;
	table_free(&c->seen);
	free(c);
}

/* Remember @digest for @name; 1 when the name was seen before with another digest. */
static int seen_add(imactl_golden_check *c, const char *name, const uint8_t *digest, size_t len)
{
	struct gname *n;
	bool had;
	int r;

	r = table_get(&c->seen, name, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n->ndigests; i++)
		if (n->digest_lens[i] == len && !memcmp(n->digests[i], digest, len))
			return 0;
	had = n->ndigests > 0;
	/* bounded: a path with more than DIGESTS_MAX contents keeps reporting ToMToU */
	if (n->ndigests < IMACTL_GOLDEN_DIGESTS_MAX) {
		uint8_t **nd = realloc(n->digests, (n->ndigests + 1) * sizeof(*nd));
		size_t *nl;
		if (!nd)
			return -ENOMEM;
		n->digests = nd;
		nl = realloc(n->digest_lens, (n->ndigests + 1) * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		n->digest_lens = nl;
		if (!(nd[n->ndigests] = malloc(len)))
			return -ENOMEM;
		memcpy(nd[n->ndigests], digest, len);
		nl[n->ndigests++] = len;
		n->cap = n->ndigests;
	}
	return had ? 1 : 0;
}

int imactl_golden_check_entry(imactl_golden_check *c, const imactl_mlog_entry *e)
{
	const imactl_golden *g = c->g;
	const char *name = e->name ? e->name : "";
	int kind = IMACTL_GOLDEN_FILE, r;

	if (e->violation)
		return IMACTL_GOLDEN_VIOLATION;
	if (!e->file_digest || !e->file_digest_len)
		return IMACTL_GOLDEN_NODIGEST;
	if (e->buf) {
		/* ima-buf: keys by keyring name, other buffers by name (keylime) */
		if (golden_table_find(&g->tables[IMACTL_GOLDEN_KEYRING], name) ||
		    keyring_ignored(g, name)) {
			if (keyring_ignored(g, name))
				return IMACTL_GOLDEN_IGNORED;
			kind = IMACTL_GOLDEN_KEYRING;
		} else {
			kind = IMACTL_GOLDEN_BUF;
		}
	} else if (imactl_golden_excluded(g, name)) {
		return IMACTL_GOLDEN_EXCLUDED;
	} else if (!strcmp(name, "boot_aggregate") &&
		   !golden_table_find(&g->tables[IMACTL_GOLDEN_FILE], name)) {
		/* checked against the TPM by `imactl bootaggr`, not a file */
		return IMACTL_GOLDEN_IGNORED;
	}
	if (kind == IMACTL_GOLDEN_FILE) {
		r = seen_add(c, name, e->file_digest, e->file_digest_len);
		if (r < 0)
			return r;
		if (r > 0)
			return IMACTL_GOLDEN_TOMTOU;
	}
	r = imactl_golden_lookup(g, kind, name, e->file_digest, e->file_digest_len);
	if (r == -ENOENT)
		return IMACTL_GOLDEN_UNKNOWN;
	if (r == -EKEYREJECTED)
		return IMACTL_GOLDEN_MISMATCH;
	return IMACTL_GOLDEN_OK;
}
