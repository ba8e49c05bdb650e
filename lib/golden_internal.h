/* SPDX-License-Identifier: MIT */
/* Internal: the golden list object, shared by golden.c and golden_json.c. */
#ifndef IMACTL_LIB_GOLDEN_INTERNAL_H
#define IMACTL_LIB_GOLDEN_INTERNAL_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "imactl/golden.h"

/* One name and its good digests. */
struct gname {
	uint8_t **digests;
	size_t *digest_lens;
	size_t ndigests, cap;
	char name[]; /* NUL-terminated */
};

/* Open addressing, linear probing; cap is a power of two, at most half full. */
struct gtable {
	struct gname **slots;
	size_t cap, count;
};

struct gexclude {
	regex_t re;
	char *text;
};

struct imactl_golden {
	struct gtable tables[IMACTL_GOLDEN__KINDS];
	struct gexclude *excludes;
	size_t nexcludes;
	char **ignored; /* ima.ignored_keyrings */
	size_t nignored;
	char *log_hash_alg; /* ima.log_hash_alg as read, NULL: "sha1" */
};

struct gname *golden_table_find(const struct gtable *t, const char *name);

#endif
