/* SPDX-License-Identifier: MIT */
/*
 * Golden lists: the good content hashes of files (and of ima-buf and key
 * measurements) recorded at provisioning, and the check of a measurement
 * list against them: unknown paths, hash mismatches, violations and
 * ToMToU (one path measured with different contents), with exclude regexes.
 *
 * The on-disk form is keylime's runtime policy JSON (keylime/ima/types.py
 * RuntimePolicyType, version 1):
 *   {"meta": {"version": 1, "generator": N},
 *    "release": 0,
 *    "digests": {"/path": ["hex", ...]},   file content digests, any algorithm
 *    "excludes": ["regex", ...],           matched at the start of the path
 *    "keyrings": {"name": ["hex", ...]},   ima-buf key measurements by keyring
 *    "ima": {"ignored_keyrings": [...], "log_hash_alg": "sha1", "dm_policy": null},
 *    "ima-buf": {"name": ["hex", ...]},    other ima-buf measurements by name
 *    "verification-keys": ""}
 * Digests carry no algorithm name: a digest matches a measurement with the
 * same bytes (and so the same length).  Excludes are POSIX extended regular
 * expressions, anchored at the start of the path like Python's re.match()
 * keylime uses; Python-only syntax (\d, (?:...), lookarounds) is rejected.
 */
#ifndef IMACTL_GOLDEN_H
#define IMACTL_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/digest.h"
#include "imactl/error.h"
#include "imactl/mlog.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A golden list. */
typedef struct imactl_golden imactl_golden;
/* A check of measurement list entries against a golden list. */
typedef struct imactl_golden_check imactl_golden_check;

/* Limits. */
#define IMACTL_GOLDEN_NAME_MAX	   4096		/* bytes of a path or name */
#define IMACTL_GOLDEN_DIGESTS_MAX  64		/* good digests of one name */
#define IMACTL_GOLDEN_EXCLUDES_MAX 1024		/* exclude regexes */
#define IMACTL_GOLDEN_JSON_MAX	   (256u << 20) /* bytes of a runtime policy */

/* What a name refers to. */
enum imactl_golden_kind {
	IMACTL_GOLDEN_FILE = 0, /* "digests": file paths */
	IMACTL_GOLDEN_KEYRING,	/* "keyrings": ima-buf key measurements, by keyring */
	IMACTL_GOLDEN_BUF,	/* "ima-buf": other ima-buf measurements, by name */
	IMACTL_GOLDEN__KINDS
};

int imactl_golden_new(imactl_golden **ret);
/** imactl_golden_free() - NULL is a no-op. */
void imactl_golden_free(imactl_golden *g);

/**
 * imactl_golden_add() - record @digest as good for @name (copied); a digest
 * already recorded for it is not added twice.  Not thread-safe: serialise
 * callers.
 * Returns 0; -EINVAL (empty name or digest, unknown kind); -EMSGSIZE (name
 * or digest count over its limit); -ENOMEM.
 */
int imactl_golden_add(imactl_golden *g, int kind, const char *name, const uint8_t *digest,
		      size_t len, imactl_diag *reterr);

/**
 * imactl_golden_add_exclude() - add an exclude regex (see above).
 * Returns 0; -EBADMSG (does not compile, the diag says why); -EMSGSIZE.
 */
int imactl_golden_add_exclude(imactl_golden *g, const char *regex, imactl_diag *reterr);

/** imactl_golden_add_ignored_keyring() - a keyring ("*": all) whose keys are not checked. */
int imactl_golden_add_ignored_keyring(imactl_golden *g, const char *name, imactl_diag *reterr);

/** imactl_golden_count() - number of names of @kind. */
size_t imactl_golden_count(const imactl_golden *g, int kind);

/** imactl_golden_excluded() - 1 when an exclude regex matches @path, else 0. */
int imactl_golden_excluded(const imactl_golden *g, const char *path);

/**
 * imactl_golden_lookup() - check one measurement.
 * Returns 0 (a good digest of @name), -ENOENT (@name unknown), -EKEYREJECTED
 * (@name known, digest not among its good ones).
 */
int imactl_golden_lookup(const imactl_golden *g, int kind, const char *name, const uint8_t *digest,
			 size_t len);

/**
 * imactl_golden_parse_json() - load a keylime runtime policy.  Unknown
 * top-level members are ignored; members of the wrong type, non-hex or
 * odd-length digests, bad regexes are -EBADMSG (the diag names the member).
 * Returns 0, -EBADMSG, -EMSGSIZE, -ENOMEM, or -EOPNOTSUPP (built without
 * json-c, or a "meta" version other than 1).
 */
int imactl_golden_parse_json(const char *text, size_t len, imactl_golden **ret,
			     imactl_diag *reterr);

/**
 * imactl_golden_to_json() - the list as a keylime runtime policy (names
 * sorted, pretty-printed), NUL-terminated; free() it.
 * Returns 0, -ENOMEM or -EOPNOTSUPP (built without json-c).
 */
int imactl_golden_to_json(const imactl_golden *g, char **ret, imactl_diag *reterr);

/* Verdict on one entry, from imactl_golden_check_entry(). */
enum imactl_golden_status {
	IMACTL_GOLDEN_OK = 0,	 /* a good digest */
	IMACTL_GOLDEN_EXCLUDED,	 /* path matched an exclude */
	IMACTL_GOLDEN_IGNORED,	 /* a key on an ignored keyring; boot_aggregate not in the list */
	IMACTL_GOLDEN_UNKNOWN,	 /* name not in the list */
	IMACTL_GOLDEN_MISMATCH,	 /* known name, digest not a good one */
	IMACTL_GOLDEN_VIOLATION, /* a violation entry (zero digest) */
	IMACTL_GOLDEN_TOMTOU,	 /* path already measured with another digest in this list */
	IMACTL_GOLDEN_NODIGEST,	 /* entry carries no file digest (template "ima" with no n?) */
};

/** imactl_golden_status_name() - "ok", "excluded", ... ; never NULL. */
const char *imactl_golden_status_name(int status);

/**
 * imactl_golden_check_new() - start checking the entries of one list
 * against @g (borrowed; must outlive the check).  The check remembers each
 * path's first digest to recognise ToMToU; memory grows with distinct paths.
 */
int imactl_golden_check_new(const imactl_golden *g, imactl_golden_check **ret);
void imactl_golden_check_free(imactl_golden_check *c);

/**
 * imactl_golden_check_entry() - the verdict on @e (enum imactl_golden_status,
 * >= 0), or -ENOMEM.  A path measured again with a digest it had before is
 * judged as the first time; with a new digest, TOMTOU takes precedence over
 * the golden verdict (which a later lookup can still give).
 */
int imactl_golden_check_entry(imactl_golden_check *c, const imactl_mlog_entry *e);

#ifdef __cplusplus
}
#endif
#endif
