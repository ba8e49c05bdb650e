/* SPDX-License-Identifier: MIT */
/*
 * IMA measurement list writer: produces a measurement list in the kernel's
 * formats (6.1 semantics) and extends software PCR banks, for a userspace
 * measurement daemon (imad).
 *
 * Files kept in the runtime directory (names as under securityfs; all are
 * created mode 0440 like the kernel's, owned by the caller):
 *
 *   binary_runtime_measurements   the kernel's binary list, little-endian
 *                                 (ima_canonical_fmt layout): u32 pcr, SHA-1
 *                                 template digest (20 bytes, as 6.1's list
 *                                 carries), u32 name_len, name, u32 data_len
 *                                 (absent for "ima"), template data
 *   ascii_runtime_measurements    the kernel's ascii lines, byte for byte
 *   runtime_measurements_count    "%lu\n" entries in the list
 *   violations                    "%lu\n" violations recorded
 *   pcrs-<bank>                   one line "PCR-NN: <hex>" (evmctl --pcrs
 *                                 format) per PCR the list has extended,
 *                                 ascending, per bank: pcrs-sha1,
 *                                 pcrs-sha256, ...; check with `imactl log
 *                                 verify --pcrs DIR/pcrs-sha256
 *                                 DIR/binary_runtime_measurements`
 *
 * One list, several PCRs and templates (ima_policy.c pcr= and template=):
 * the writer has its own template and PCR (imactl_mlog_writer_opts), used by
 * the boot_aggregate, violations (ima_add_violation() uses the default
 * template and CONFIG_IMA_MEASURE_PCR_IDX) and imactl_mlog_writer_add();
 * imactl_mlog_writer_add_ex() records an entry with its own PCR and
 * template, as ima_store_measurement() does for a rule's pcr=/template=.
 * Each entry extends its own PCR in every software bank (and the extend
 * hook gets that PCR); templates are parsed once and cached by name.
 *
 * Write order and crash safety: every entry is appended to the binary list
 * with one write() (O_APPEND), then its ascii line with one write(), then the
 * count, violations and pcrs-* files are replaced (temp file + rename).  A
 * failed or short append is truncated away and the entry is not extended.
 * A crash can therefore leave the lists one entry ahead of the pcrs-* files
 * (as a TPM read before the log is), never behind; `imactl log verify`
 * reports that as "match-ahead".  Nothing is fsync'ed per entry;
 * imactl_mlog_writer_free() fsyncs the lists.
 *
 * Deferred status files (imactl_mlog_writer_set_sync(w,
 * IMACTL_MLOG_SYNC_DEFERRED)): entries are still appended to both lists per
 * entry, exactly as above, but runtime_measurements_count, violations and the
 * pcrs-* files are replaced only by imactl_mlog_writer_flush() (which the
 * caller runs from a timer or an idle point, e.g. every 100 ms) and by
 * imactl_mlog_writer_free().  Rewriting those files is what an entry costs
 * (several hundred microseconds against a few for the appends); a daemon that
 * measures on a hot path defers it.  The invariant is the same, the distance
 * is larger: after a crash the lists may be ahead of the status files by the
 * entries added since the last flush (again "match-ahead" for `imactl log
 * verify`, with the replay matching the pcrs-* value at an earlier entry),
 * never behind: a status file is only ever written from values whose entries
 * are already in both lists.  Between flushes a reader of the runtime
 * directory sees a count and PCR values that lag the lists the same way.
 *
 * Like the kernel (ima_queue.c ima_add_template_entry()), an entry whose
 * template digest is already in the list for the same PCR is not added again
 * (imactl_mlog_writer_add() returns 0; the count does not change).
 */
#ifndef IMACTL_MLOG_WRITE_H
#define IMACTL_MLOG_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A measurement list writer. */
typedef struct imactl_mlog_writer imactl_mlog_writer;

/* Limits. */
#define IMACTL_MLOG_WRITER_BANKS_MAX	 8     /* software PCR banks */
#define IMACTL_MLOG_WRITER_PATH_MAX	 4096  /* bytes of a measured path (PATH_MAX) */
#define IMACTL_MLOG_WRITER_SIG_MAX	 65536 /* bytes of a security.ima value (XATTR_SIZE_MAX) */
#define IMACTL_MLOG_WRITER_TEMPLATES_MAX 16    /* distinct templates in one list */

/*
 * Called under the writer's lock after each entry (the boot_aggregate
 * included) is in both lists and extended into the software banks, in list
 * order: @pcr the entry's PCR, @data/@len the template data its template
 * digest covers (what each bank hashes), @violation for a violation entry
 * (every bank extends 0xff...).  For a TPM (imactl_tpm_extend_template());
 * its outcome does not change the list (as the kernel, which keeps an entry
 * whose TPM extension failed).
 */
typedef void (*imactl_mlog_extend_fn)(void *arg, unsigned int pcr, const uint8_t *data, size_t len,
				      int violation);

typedef struct imactl_mlog_writer_opts {
	/*
	 * Directory for the files above; created (0755) if missing, its parent
	 * must exist.  Files inside are replaced atomically at open.  One
	 * writer per directory: a second open fails with -EBUSY (flock).
	 */
	const char *runtime_dir;
	/*
	 * "ima-ng" (default when NULL), "ima-sig", "ima", "ima-ngv2",
	 * "ima-sigv2", or a custom format string ("d-ng|n-ng|sig") built from
	 * the fields d, n, d-ng, d-ngv2, n-ng and sig.  Templates with a 'd'
	 * field ("ima") need hash_algo sha1.
	 */
	const char *template_name;
	/* PCR index recorded in entries and extended (0..23; imad passes 10). */
	int pcr;
	/*
	 * File digest algorithm (kernel hash id) of d-ng/d-ngv2 fields, the
	 * kernel's ima_hash; -1 = sha256 (sha1 for templates with a 'd' field).
	 */
	int hash_algo;
	/* PCR banks extended in software (kernel hash ids); NULL = sha1 + sha256. */
	const int *banks;
	size_t nbanks;
	/*
	 * TCG event log the boot_aggregate is computed from.  NULL:
	 * /sys/kernel/security/tpm0/binary_bios_measurements when it exists,
	 * else a zero boot_aggregate as the kernel records without a TPM.
	 * "" (empty): no TPM, zero boot_aggregate.  Any other path must be
	 * readable and parse.
	 */
	const char *bios_log;
	/* Optional: extend elsewhere too (a TPM PCR), see imactl_mlog_extend_fn. */
	imactl_mlog_extend_fn extend;
	void *extend_arg;
} imactl_mlog_writer_opts;

/**
 * imactl_mlog_writer_open() - create the runtime directory's files with the
 * boot_aggregate as first entry (file name "boot_aggregate"; its digest is
 * the boot_aggregate of the event log's bank matching hash_algo, else sha256,
 * else sha1, as ima_calc_boot_aggregate() picks a TPM bank; zeros with
 * hash_algo without a TPM or such a bank), and extend it into every bank.
 * @ctx: borrowed; must outlive the writer.
 * @o: options; copied.
 * @ret: the writer (owned; imactl_mlog_writer_free()).
 *
 * Returns 0; -EINVAL (bad option); -EOPNOTSUPP (template, field, hash or bank
 * not supported, named in the diag); -EBUSY (another writer holds the
 * directory); -EBADMSG/-EMSGSIZE (event log malformed or over 16 MiB);
 * -ENOMEM; or a negative errno from the file system (an explicit bios_log
 * that cannot be opened included).
 */
int imactl_mlog_writer_open(imactl_ctx *ctx, const imactl_mlog_writer_opts *o,
			    imactl_mlog_writer **ret, imactl_diag *reterr);

/**
 * imactl_mlog_writer_add() - append one measurement.  Thread-safe (one
 * internal mutex serialises the writer).
 * @path: the measured file's path (NUL-terminated, 1..PATH_MAX bytes);
 *        spaces are logged as '_' as the kernel does; the 'n' field keeps
 *        only the last component of a path over 255 bytes.
 * @digest: the file content digest with hash_algo (hash size bytes).
 * @sig, @siglen: the security.ima value for templates with a sig field (may
 *        be NULL/0).  As ima_eventsig_init(), only a signature (type 0x03
 *        or 0x06) is logged; any other value leaves the field empty.
 *
 * Returns 0 (also when the entry was a duplicate and not added); -EINVAL;
 * -EMSGSIZE (path or sig over its limit); -ENOMEM; -EIO (an earlier append
 * could not be undone; the writer refuses further entries); or a negative
 * errno from the file system (the diag names the file):
 *  - appending to a list failed: the partial append was truncated away;
 *    nothing was added or extended;
 *  - replacing runtime_measurements_count, violations or a pcrs-* file
 *    failed (IMACTL_MLOG_SYNC_EACH only; deferred mode does not touch them
 *    here): the entry IS in both lists and extended in memory; the files
 *    are rewritten by the next call, imactl_mlog_writer_flush() or
 *    imactl_mlog_writer_free().
 *    Retrying the same measurement is harmless (a duplicate is not added),
 *    retrying a violation records it twice.
 */
int imactl_mlog_writer_add(imactl_mlog_writer *w, const char *path, const uint8_t *digest,
			   const uint8_t *sig, size_t siglen, imactl_diag *reterr);

/* Per-entry options of imactl_mlog_writer_add_ex(); initialise with IMACTL_MLOG_ADD_OPTS_INIT. */
typedef struct imactl_mlog_add_opts {
	/* PCR of the entry, 0..IMACTL_PCR_COUNT-1; -1: the writer's. */
	int pcr;
	/*
	 * Template of the entry, as imactl_mlog_writer_opts.template_name (a
	 * built-in name or a custom format string; the name is logged as
	 * given); NULL: the writer's.
	 */
	const char *template_name;
	/*
	 * The file's SHA-1 digest (20 bytes) for a template with a 'd' field
	 * ("ima") when the writer's hash_algo is not sha1 (the kernel rehashes
	 * the file with SHA-1 for it); ignored otherwise.
	 */
	const uint8_t *sha1_digest;
} imactl_mlog_add_opts;

#define IMACTL_MLOG_ADD_OPTS_INIT                                     \
	{                                                             \
		.pcr = -1, .template_name = NULL, .sha1_digest = NULL \
	}

/**
 * imactl_mlog_writer_add_ex() - imactl_mlog_writer_add() with the entry's
 * own PCR and template (@o may be NULL: the writer's).  A template is
 * parsed and checked on its first use and cached by name.  A duplicate is
 * one whose template digest is in the list for the same PCR (the same file
 * measured into two PCRs is logged twice).
 *
 * Returns as imactl_mlog_writer_add(), and: -EINVAL (PCR out of range,
 * template malformed, 'd' field without sha1_digest); -EOPNOTSUPP (a field
 * the writer cannot fill, named in the diag); -ENOSPC (over
 * IMACTL_MLOG_WRITER_TEMPLATES_MAX templates).  Nothing is added then.
 */
int imactl_mlog_writer_add_ex(imactl_mlog_writer *w, const imactl_mlog_add_opts *o,
			      const char *path, const uint8_t *digest, const uint8_t *sig,
			      size_t siglen, imactl_diag *reterr);

/* imactl_mlog_template_check() flag: a 'd' field, give imactl_mlog_add_opts.sha1_digest */
#define IMACTL_MLOG_TEMPLATE_SHA1 0x1u

/**
 * imactl_mlog_template_check() - whether the writer can record entries with
 * template @name (a built-in name or a custom format string), without a
 * writer: for validating a policy's template= before it is used.
 * @ret_flags: optional, IMACTL_MLOG_TEMPLATE_* of the template.
 * Returns 0, -EINVAL (malformed) or -EOPNOTSUPP (a field such as buf,
 * modsig or evmsig that the writer cannot fill; named in the diag).
 */
int imactl_mlog_template_check(const char *name, unsigned int *ret_flags, imactl_diag *reterr);

/**
 * imactl_mlog_writer_add_violation() - record a ToMToU/open-writers
 * violation as ima_add_violation(): all-zero template digest in the list,
 * zero file digest in the data, 0xff... extended into every bank, the
 * violations counter incremented.  Like the kernel's, it is recorded with
 * the writer's template and PCR whatever rule measured the file.  Returns as
 * imactl_mlog_writer_add().
 */
int imactl_mlog_writer_add_violation(imactl_mlog_writer *w, const char *path, imactl_diag *reterr);

/**
 * imactl_mlog_writer_pcr() - the current software value of the writer's PCR
 * (imactl_mlog_writer_opts.pcr) in bank @bank (kernel hash id) into @out
 * (that bank's digest size).
 * Returns 0, or -EINVAL when the writer has no such bank.
 */
int imactl_mlog_writer_pcr(imactl_mlog_writer *w, int bank, uint8_t *out);

/**
 * imactl_mlog_writer_pcr_index() - as imactl_mlog_writer_pcr() for PCR @pcr
 * (zeros for a PCR no entry extended).  Returns 0, or -EINVAL (no such bank,
 * @pcr >= IMACTL_PCR_COUNT).
 */
int imactl_mlog_writer_pcr_index(imactl_mlog_writer *w, int bank, unsigned int pcr, uint8_t *out);

/** imactl_mlog_writer_pcr_mask() - bit n set when an entry extended PCR n (the pcrs-* lines). */
uint32_t imactl_mlog_writer_pcr_mask(imactl_mlog_writer *w);

/** imactl_mlog_writer_count() - entries in the list, boot_aggregate included. */
size_t imactl_mlog_writer_count(imactl_mlog_writer *w);

/* When the status files (count, violations, pcrs-*) are rewritten. */
enum imactl_mlog_sync {
	IMACTL_MLOG_SYNC_EACH = 0,     /* with every entry (the default) */
	IMACTL_MLOG_SYNC_DEFERRED = 1, /* by imactl_mlog_writer_flush() and _free() only */
};

/**
 * imactl_mlog_writer_set_sync() - choose when the status files are rewritten
 * (enum imactl_mlog_sync).  Switching to IMACTL_MLOG_SYNC_EACH does not
 * rewrite lagging files by itself: the next entry or flush does.
 * Returns 0, or -EINVAL (no writer, unknown mode).
 */
int imactl_mlog_writer_set_sync(imactl_mlog_writer *w, int mode);

/**
 * imactl_mlog_writer_flush() - rewrite runtime_measurements_count, violations
 * and the pcrs-* files if they lag the lists (deferred mode, or an earlier
 * failed rewrite).  Thread-safe; cheap when nothing lags (one mutex).
 * Returns 1 when the files were rewritten, 0 when nothing lagged, or a
 * negative errno from the file system (the diag names the file; the files
 * stay marked lagging and the next flush retries).
 */
int imactl_mlog_writer_flush(imactl_mlog_writer *w, imactl_diag *reterr);

/** imactl_mlog_writer_free() - rewrite lagging status files, fsync the lists, close; NULL is a
 * no-op. */
void imactl_mlog_writer_free(imactl_mlog_writer *w);

#ifdef __cplusplus
}
#endif
#endif
