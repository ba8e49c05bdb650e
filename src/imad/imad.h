/* SPDX-License-Identifier: MIT */
/*
 * imad: IMA/EVM measurement and appraisal in userspace, on fanotify
 * permission events.  Internal interfaces between the daemon's files:
 *
 *   main.c     setup, signals, status file, --check-config
 *   options.c  options and config file (one table)
 *   fan.c      fanotify group, marks, reader thread, workers, deadlines
 *   decide.c   event -> policy access -> decision (fast path and slow path)
 *   appraise.c hash once, appraise security.ima, EVM, fix mode
 *   cache.c    (dev, ino, mtime, ctime, size)-keyed bounded cache (CLOCK, hints)
 *   measure.c  measurement list (mlog writer) and software PCR
 *   reload.c   policy load: parse -> validate -> atomic swap
 *   notify.c   sd_notify datagrams (READY, WATCHDOG, STATUS, STOPPING)
 *   audit.c    integrity records with the kernel's op/cause text; rate limit
 *   audit_netlink.c  the same records to the audit subsystem (libaudit; optional)
 *   violation.c open-writers/ToMToU: read-lease probe, /proc scan
 *   privs.c    capability drop, no_new_privs and a seccomp deny list after setup
 */
#ifndef IMAD_IMAD_H
#define IMAD_IMAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "imactl/imactl.h"
#include "imactl/policy.h"

/* Appraisal modes, the kernel's ima_appraise= values. */
enum imad_mode {
	IMAD_MODE_OFF = IMACTL_POLICY_APPRAISE_OFF,
	IMAD_MODE_ENFORCE = IMACTL_POLICY_APPRAISE_ENFORCE,
	IMAD_MODE_FIX = IMACTL_POLICY_APPRAISE_FIX,
	IMAD_MODE_LOG = IMACTL_POLICY_APPRAISE_LOG,
};

const char *imad_mode_name(int mode);
int imad_mode_parse(const char *s);

/* --audit: records also to the audit subsystem (libaudit), FAN_AUDIT on denials. */
enum imad_audit_use {
	IMAD_AUDIT_AUTO = 0, /* when reachable; else one notice, syslog only */
	IMAD_AUDIT_ON,	     /* required: exit 3 at start-up when unreachable */
	IMAD_AUDIT_OFF,	     /* syslog only, no FAN_ENABLE_AUDIT */
};

#define IMAD_LIST_MAX	       64
#define IMAD_DEFAULT_RUNDIR    "/run/imad"
#define IMAD_DEFAULT_CONFIG    "/etc/imad/imad.conf"
#define IMAD_DEFAULT_KEYS      "/etc/keys/ima"
#define IMAD_DEFAULT_DEADLINE  10000 /* ms */
#define IMAD_DEFAULT_CACHE     65536 /* entries */
#define IMAD_MLOG_FLUSH_MS     100   /* status files of the measurement list: quiet for this long */
#define IMAD_MLOG_FLUSH_MAX_MS 1000  /* ... or at most this long behind a steady stream */
#define IMAD_INLINE_MAX	       (256 << 10) /* the reader hashes files up to this size itself */

/* Configuration: every field has a command-line option and a config key (main.c). */
struct imad_config {
	char *config_file;
	char *policy_file;    /* NULL: builtin_policy */
	char *builtin_policy; /* "tcb", "appraise_tcb", ... (ima_policy= values) */
	char *keys_dir;
	char *evm_key_file; /* EVM HMAC key plaintext (evm-key) */
	int evm_key_fd;	    /* or read from this inherited fd (evm-key-fd); -1: none */
	char *runtime_dir;
	char *template_name; /* default template, "ima-ng" */
	char *hash_name;     /* ima_hash, "sha256" */
	char *tcti;	     /* --tcti: TPM transport (NULL: /dev/tpmrm0, then /dev/tpm0) */
	char *watch[IMAD_LIST_MAX];
	size_t n_watch;
	char *allow[IMAD_LIST_MAX]; /* break-glass: always allowed (realpath'd) */
	size_t n_allow;
	int mode;
	int pcr;
	int fail_open; /* verdict when the deadline passes */
	int foreground;
	int reload; /* SIGHUP may replace the policy (CONFIG_IMA_WRITE_POLICY) */
	int evm_fix;
	int tpm;
	int check_config;
	int audit; /* enum imad_audit_use */
	unsigned int deadline_ms;
	unsigned int cache_entries;
	unsigned int workers;
};

/* ---- options.c ---- */
/* Defaults that need no allocation (mode, PCR unset, deadline, cache size). */
void imad_config_init(struct imad_config *c);
/*
 * The config file (--config FILE, else IMAD_DEFAULT_CONFIG when it exists),
 * then the command line over it.  0; 1 when done (--help, --version); < 0
 * on a bad line or option, said on stderr.  *@ret_exit: the exit status.
 */
int imad_config_parse_args(struct imad_config *c, int argc, char **argv, int *ret_exit);
/* Config text (KEY = VALUE lines) from @name: 0, or -EINVAL naming name:line on stderr. */
int imad_config_parse_text(struct imad_config *c, const char *name, const char *text, size_t len);
/* Paths and names left unset get their defaults; -ENOMEM. */
int imad_config_defaults(struct imad_config *c);
void imad_config_free(struct imad_config *c);

/* What the policy's rules look at, so the event path gathers only that. */
enum {
	IMAD_NEED_CREDS = 1u << 0,	/* uid/euid/gid/egid rules */
	IMAD_NEED_FSUUID = 1u << 1,	/* fsuuid= */
	IMAD_NEED_OBJ_LABEL = 1u << 2,	/* obj_user/obj_role/obj_type */
	IMAD_NEED_SUBJ_LABEL = 1u << 3, /* subj_user/subj_role/subj_type */
	IMAD_NEED_MMAP = 1u << 4,	/* MMAP_CHECK rules: the loader approximation */
	IMAD_NEED_VIOLATION = 1u << 5,	/* measures FILE_CHECK: open-writers/ToMToU */
};

/* An immutable, reference-counted policy generation. */
struct imad_policy {
	imactl_policy *p;
	unsigned int gen;
	unsigned int needs; /* IMAD_NEED_* */
	char source[256];   /* file name or "builtin:NAME" */
	uint8_t sha256[32]; /* of the printed policy */
	atomic_int refs;
};

struct imad_cache;
struct imad_measure;
struct imad_fan;

/* Counters for the status file and `imad --status`. */
struct imad_stats {
	atomic_ulong events, allowed, denied, own, cache_hits, cache_misses, hashed, measured,
		appraised, deadline, errors, fixed, breakglass, reloads, reload_failed, violations,
		tpm_extends, tpm_errors;
	/*
	 * Events the reader answered from the cache alone: one event, one cache
	 * hit, one allow each (added in by readers of the counters).  Only the
	 * reader writes it: a relaxed load and store, no locked add per event.
	 */
	atomic_ulong fast;
};

struct imad {
	struct imad_config cfg;
	imactl_ctx *ctx;
	imactl_keyring *keys;
	imactl_secret *evm_key;
	int hash_algo;
	pid_t self;

	pthread_mutex_t policy_lock;
	struct imad_policy *policy; /* current generation, swapped under policy_lock */
	unsigned int policy_gen;
	/* policy_gen when the current policy looks at nothing but the file, else 0 */
	atomic_uint settle_gen;
	/* the current policy measures FILE_CHECK: probe reads for writers (violation.c) */
	atomic_int probe_writers;

	struct imad_cache *cache;
	struct imad_measure *measure;
	struct imad_fan *fan;
	int fan_audit; /* the group has FAN_ENABLE_AUDIT: denials carry FAN_AUDIT */
	struct imad_stats st;
	atomic_int stopping;
};

/* ---- reload.c ---- */
int imad_policy_load(struct imad *d, char *err, size_t errlen);
struct imad_policy *imad_policy_get(struct imad *d);
void imad_policy_put(struct imad_policy *p);
void imad_policy_release_all(struct imad *d);
int imad_policy_func_enforced(const char *func);
void imad_policy_write_runtime(struct imad *d);

/* ---- cache.c ---- */
struct imad_key {
	uint64_t dev, ino;
	int64_t mtime_ns, ctime_ns;
	int64_t size;
};

#define IMAD_APPR_SLOTS 2

/* One appraisal outcome, valid for the rule requirements it was computed under. */
struct imad_appr {
	uint8_t valid;
	uint8_t pass;
	uint32_t flags; /* IMACTL_POLICY_DIGSIG_REQUIRED ... that applied */
	uint32_t algos; /* appraise_algos= that applied */
	uint8_t evm;	/* EVM was checked (key configured) */
	const char *op, *cause;
};

struct imad_entry {
	/* key, gen and settled first: the cached fast path reads nothing else */
	struct imad_key key;
	unsigned int gen; /* policy generation of the appraisal results */
	/*
	 * IMAD_HOOK_* bits: that hook settled to "allow, nothing left to do"
	 * under policy generation gen, which depends on nothing but the file
	 * (no uid/gid/subj_ rule): the reader answers it from here alone.
	 */
	uint32_t settled;
	int algo; /* -1: no digest yet */
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	uint32_t measured_pcrs;
	int audited;
	int elf_dso; /* -1 unknown, 0/1 */
	struct imad_appr appr[IMAD_APPR_SLOTS];
};

/* Hooks of a permission event, for imad_entry.settled. */
enum {
	IMAD_HOOK_BPRM = 1u << 0,      /* FAN_OPEN_EXEC_PERM */
	IMAD_HOOK_EXEC_OPEN = 1u << 1, /* the FAN_OPEN_PERM of an exec */
	IMAD_HOOK_READ = 1u << 2,      /* any other FAN_OPEN_PERM */
};

int imad_cache_new(size_t max, struct imad_cache **ret);
void imad_cache_free(struct imad_cache *c);
/* Copy the entry for @k into @out; 1 when found (and still keyed the same), else 0. */
int imad_cache_lookup(struct imad_cache *c, const struct imad_key *k, struct imad_entry *out);
/* Insert or replace. */
void imad_cache_store(struct imad_cache *c, const struct imad_entry *e);
void imad_cache_invalidate(struct imad_cache *c, uint64_t dev, uint64_t ino);
/* 1 when @k's entry is of generation @gen with every bit of @hook settled (counts as a use). */
int imad_cache_settled(struct imad_cache *c, const struct imad_key *k, unsigned int gen,
		       uint32_t hook);
/*
 * Mark @hook settled in the entry for @e's key if it is still keyed the same
 * and of @e's generation; with no entry for (dev, ino), insert @e so marked.
 */
void imad_cache_settle(struct imad_cache *c, const struct imad_entry *e, uint32_t hook);
void imad_cache_clear(struct imad_cache *c);
size_t imad_cache_size(struct imad_cache *c);

/* ---- decide.c ---- */
enum imad_verdict {
	IMAD_ALLOW = 1,
	IMAD_DENY = 2,
	IMAD_NEED_WORK = 3,
};

/* One permission event, owned by whoever processes it. */
struct imad_event {
	int fd;
	pid_t pid;
	uint64_t mask;
	uint64_t t0_ns;	 /* CLOCK_MONOTONIC when read */
	int exec_open;	 /* FAN_OPEN_PERM of an exec open (follows FAN_OPEN_EXEC_PERM) */
	int close_write; /* FAN_CLOSE_WRITE: hash maintenance, nothing to answer */
	int writers;	 /* the file was open for write somewhere at the event */
	/* filled by the fast path, reused by the slow path */
	int have_stat;
	struct imad_key key;
	uint32_t fowner, fgroup;
};

/* What the decision needs logged once the kernel has its answer. */
/* Who opened the file, read before the reply: an opener that was denied may be
 * gone (and its /proc entry with it) by the time the record is written. */
struct imad_task {
	int valid;
	char comm[64];
	unsigned int uid, auid, ses;
	char subj[256];
};
void imad_task_snapshot(pid_t pid, struct imad_task *t);

struct imad_outcome {
	int verdict;
	int breakglass;
	int fixed;
	int fresh;	/* the content was looked at for this event (slow path): audit it */
	int audit_rule; /* an audit rule matched: INTEGRITY_RULE record */
	const char *func;
	const char *op, *cause;
	char detail[256];
	char path[4096];
	int algo;
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	struct imad_task task; /* filled before the reply when a record will be written */
	const char *violation; /* "open_writers", "ToMToU": recorded in the list */
};

/*
 * How much imad_decide() may do: IMAD_DECIDE_FAST only what needs no file
 * content (IMAD_NEED_WORK otherwise); IMAD_DECIDE_READER the same, plus the
 * work itself for a regular file of at most IMAD_INLINE_MAX bytes that needs
 * no /proc scan (bounded: one hash, one verify); IMAD_DECIDE_FULL everything
 * (a worker, or the reader when every slot is busy).
 */
enum { IMAD_DECIDE_FAST = 0, IMAD_DECIDE_FULL = 1, IMAD_DECIDE_READER = 2 };
int imad_decide(struct imad *d, struct imad_event *ev, int how, struct imad_outcome *out);
/* The reader's fast path after fstat: 1 when the cache settles @ev as allowed (nothing else). */
int imad_settled(struct imad *d, const struct imad_event *ev);
/* The last writer closed @fd: keep an appraised file's hash current (ima_update_xattr()). */
int imad_update_on_close(struct imad *d, struct imad_event *ev, char *detail, size_t detail_len);
int imad_event_stat(struct imad_event *ev);
uint64_t imad_now_ns(void);
/* CLOCK_MONOTONIC_COARSE (a few ms of resolution): heartbeats, not deadlines. */
uint64_t imad_coarse_ns(void);
/* The path of our open file @fd (readlinkat() on a kept /proc/self/fd); "" if unknown. */
void imad_fd_path(int fd, char *buf, size_t cap);

/* ---- appraise.c ---- */
struct imad_appraise_in {
	uint32_t flags; /* decision flags */
	uint32_t algos; /* appraise_algos */
	int mode;
	int new_file; /* looks created by this open (IMA_NEW_FILE approximation) */
};

/* Collect the digest (into @e, once), then appraise; fills @out->op/cause. */
int imad_collect(struct imad *d, int fd, struct imad_entry *e, uint8_t *ima, long ima_len);
int imad_appraise(struct imad *d, int fd, struct imad_entry *e, const uint8_t *ima, long ima_len,
		  const struct imad_appraise_in *in, struct imad_appr *ret, char *detail,
		  size_t detail_len);
int imad_fix(struct imad *d, int fd, struct imad_entry *e, char *detail, size_t detail_len);

/* ---- measure.c ---- */
int imad_measure_open(struct imad *d, char *err, size_t errlen);
void imad_measure_close(struct imad *d);
/* Rewrite the count/violations/pcrs-* files if entries were added since the last flush. */
void imad_measure_flush(struct imad *d);
/* Add a measurement; 0, or a negative errno (logged by the caller). */
int imad_measure_add(struct imad *d, int fd, int pcr, const char *template_name, const char *path,
		     int algo, const uint8_t *digest, const uint8_t *sig, size_t sig_len);
/* Record an open-writers/ToMToU violation for @path; 0 or a negative errno. */
int imad_measure_violation(struct imad *d, const char *path);
/* Entries in the list, boot_aggregate included. */
size_t imad_measure_count(struct imad *d);
/* Bit n set when the list has extended PCR n (the daemon's --pcr and rules' pcr=). */
uint32_t imad_measure_pcr_mask(struct imad *d);

/* ---- violation.c ---- */
/*
 * 1 when the file of @fd is open for write anywhere (a read lease is
 * refused).  Else *@leased says whether a read lease is now held on @fd:
 * closing @fd or imad_lease_release() drops it; drop it before any slow work.
 */
int imad_writers_probe(int fd, int *leased);
void imad_lease_release(int fd);
/* Find the other opens of the event's file; record and return the violation, or NULL. */
const char *imad_violation_check(struct imad *d, const struct imad_event *ev, const char *path,
				 int measured_before);

/* ---- privs.c ---- */
/* The capabilities kept after setup (bit per CAP_*). */
uint64_t imad_privs_keep(const struct imad *d);
void imad_privs_describe(uint64_t keep, char *buf, size_t len);
/* Drop every other capability (all sets), set no_new_privs; 0 or -errno. */
int imad_privs_drop(const struct imad *d, char *err, size_t errlen);
/*
 * The seccomp deny list (privs.c), on every thread, after imad_privs_drop():
 * 1 installed, 0 no filter for this architecture, or -errno.
 */
int imad_seccomp_install(char *err, size_t errlen);
/* System calls in the deny list (0: none on this architecture). */
unsigned int imad_seccomp_count(void);

/* ---- fan.c ---- */
int imad_fan_setup(struct imad *d, char *err, size_t errlen);
int imad_fan_start(struct imad *d);
void imad_fan_stop(struct imad *d);
/* Healthy: the reader looped recently and no event is overdue. */
int imad_fan_healthy(struct imad *d);
/* Async-signal-safe: release every waiting process now (dup2 /dev/null over the group fd). */
void imad_fan_release_signal_safe(void);
int imad_fan_probe(char *err, size_t errlen);
/*
 * Test builds only (IMAD_TEST_KNOBS): IMAD_TEST_DELAY_MS from the
 * environment, a delay before each worker decision; 0 otherwise.  Never a
 * config key.
 */
unsigned int imad_test_delay_ms(void);

/* ---- notify.c ---- */
int imad_notify(const char *msg);
uint64_t imad_watchdog_usec(void);

/* ---- audit.c ---- */
void imad_log_init(int foreground);
/*
 * Open the audit subsystem as @d->cfg.audit asks (before the capability
 * drop).  0 (in use or not, a notice says why not), or -errno with @err when
 * --audit on cannot be honoured.
 */
int imad_audit_open(struct imad *d, char *err, size_t errlen);
void imad_audit_close(void);
/* One line for --check-config and the start-up log: where records go. */
void imad_audit_describe(const struct imad *d, char *buf, size_t len);
/* Start-up is over: without --foreground, stop echoing to stderr. */
void imad_log_started(void);
void imad_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Rate-limited; prio as syslog. */
void imad_log_rl(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* INTEGRITY_DATA (1800) / INTEGRITY_RULE (1807) record, kernel field order; rate-limited. */
void imad_audit(struct imad *d, unsigned int type, pid_t pid, const char *op, const char *cause,
		const char *path, uint64_t ino, uint64_t dev, int res, const char *extra,
		const struct imad_task *task);

#endif
