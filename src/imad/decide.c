/* SPDX-License-Identifier: MIT */
/*
 * From a fanotify permission event to a verdict, as the kernel's
 * process_measurement() does:
 *
 *   hook   FAN_OPEN_EXEC_PERM -> BPRM_CHECK, mask MAY_EXEC
 *          FAN_OPEN_PERM      -> FILE_CHECK, mask MAY_READ; MAY_EXEC for the
 *                                FAN_OPEN_PERM that follows an exec's
 *                                FAN_OPEN_EXEC_PERM (the same open: the kernel's
 *                                ima_file_check() sees MAY_EXEC there too).
 *                                fanotify does not report the open flags, so a
 *                                write open is judged as MAY_READ (documented).
 *          MMAP_CHECK (approximation) -> when the policy has MMAP_CHECK rules,
 *                                a read open of an ELF shared object (ET_DYN), which
 *                                is how the dynamic loader maps libraries, is also
 *                                evaluated as MMAP_CHECK mask=MAY_EXEC.  mmap() of
 *                                an fd opened earlier, and mprotect(), are not seen.
 *   access file owner/group from fstat, fsmagic from fstatfs (per device),
 *          fsuuid, task credentials from /proc/PID/status and LSM labels only
 *          when some rule looks at them.
 *   result the cache entry supplies the digest and earlier appraisals; only
 *          what is missing is computed: by the reader itself for a file of
 *          at most IMAD_INLINE_MAX bytes (IMAD_DECIDE_READER), else in a
 *          worker under the deadline (the fast path never touches content).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "imad.h"
#include "util/cleanup.h"

uint64_t imad_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t imad_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- per-device filesystem facts ------------------------------------------ */

#define FS_SLOTS 64
static struct {
	uint64_t dev;
	unsigned long magic;
	int used;
} fs_table[FS_SLOTS];
static pthread_mutex_t fs_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long fs_magic(int fd, uint64_t dev)
{
	struct statfs sfs;
	unsigned long m = 0;
	size_t slot = (size_t)(dev % FS_SLOTS);

	pthread_mutex_lock(&fs_lock);
	if (fs_table[slot].used && fs_table[slot].dev == dev)
		m = fs_table[slot].magic;
	pthread_mutex_unlock(&fs_lock);
	if (m)
		return m;
	if (fstatfs(fd, &sfs) < 0)
		return 0;
	m = (unsigned long)sfs.f_type;
	pthread_mutex_lock(&fs_lock);
	fs_table[slot].dev = dev;
	fs_table[slot].magic = m;
	fs_table[slot].used = 1;
	pthread_mutex_unlock(&fs_lock);
	return m;
}

/* ---- task credentials and labels ------------------------------------------- */

struct creds {
	uint32_t uid, euid, suid, gid, egid, sgid;
	int cap_setuid, cap_setgid;
	char label[256];
};

static int read_small(const char *path, char *buf, size_t cap)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static void read_creds(pid_t pid, unsigned int needs, struct creds *c)
{
	char path[64], buf[4096], *p;

	/* unknown credentials match no uid/gid rule: (uid_t)-1 is never a real id */
	memset(c, 0xff, offsetof(struct creds, cap_setuid));
	c->cap_setuid = c->cap_setgid = 0;
	c->label[0] = '\0';
	if (needs & IMAD_NEED_CREDS) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		if (read_small(path, buf, sizeof(buf)) > 0) {
			unsigned long long cap;
			if ((p = strstr(buf, "\nUid:")))
				sscanf(p + 5, "%u %u %u", &c->uid, &c->euid, &c->suid);
			if ((p = strstr(buf, "\nGid:")))
				sscanf(p + 5, "%u %u %u", &c->gid, &c->egid, &c->sgid);
			if ((p = strstr(buf, "\nCapEff:")) && sscanf(p + 8, "%llx", &cap) == 1) {
				c->cap_setuid = !!(cap & (1ull << 7));
				c->cap_setgid = !!(cap & (1ull << 6));
			}
		}
	}
	if (needs & IMAD_NEED_SUBJ_LABEL) {
		snprintf(path, sizeof(path), "/proc/%d/attr/current", (int)pid);
		if (read_small(path, c->label, sizeof(c->label)) > 0)
			c->label[strcspn(c->label, "\n")] = '\0';
	}
}

/* "user:role:type:level" -> parts (SELinux layout; other LSMs put the whole label in user) */
static void split_label(char *s, const char **user, const char **role, const char **type)
{
	char *save = NULL;

	*user = *role = *type = NULL;
	if (!s[0])
		return;
	*user = strtok_r(s, ":", &save);
	*role = strtok_r(NULL, ":", &save);
	*type = strtok_r(NULL, ":", &save);
}

/* ---- helpers --------------------------------------------------------------- */

static int is_elf_dso(int fd)
{
	uint8_t h[18];

	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return 0;
	return memcmp(h, "\177ELF", 4) == 0 && h[5] == 1 /* little endian */ && h[16] == 3 &&
	       h[17] == 0; /* ET_DYN */
}

static int proc_fd_dir = -1;

static void proc_fd_dir_open(void)
{
	proc_fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

void imad_fd_path(int fd, char *buf, size_t cap)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	char name[16];
	ssize_t n = -1;

	/* relative to a kept /proc/self/fd: no walk of "/proc/self/fd/" per event */
	pthread_once(&once, proc_fd_dir_open);
	snprintf(name, sizeof(name), "%d", fd);
	if (proc_fd_dir >= 0)
		n = readlinkat(proc_fd_dir, name, buf, cap - 1);
	if (n < 0) {
		char link[64];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, buf, cap - 1);
	}
	buf[n > 0 ? n : 0] = '\0';
}

static int breakglass(struct imad *d, const char *path)
{
	for (size_t i = 0; i < d->cfg.n_allow; i++) {
		size_t l = strlen(d->cfg.allow[i]);
		if (strncmp(path, d->cfg.allow[i], l) == 0 &&
		    (path[l] == '\0' || path[l] == '/' || (l && d->cfg.allow[i][l - 1] == '/')))
			return 1;
	}
	return 0;
}

int imad_event_stat(struct imad_event *ev)
{
	struct stat st;

	if (ev->have_stat)
		return 0;
	if (fstat(ev->fd, &st) < 0)
		return -errno;
	ev->have_stat = S_ISREG(st.st_mode) ? 1 : 2;
	ev->key.dev = st.st_dev;
	ev->key.ino = st.st_ino;
	ev->key.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	ev->key.ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
	ev->key.size = st.st_size;
	ev->fowner = st.st_uid;
	ev->fgroup = st.st_gid;
	return 0;
}

static const struct imad_appr *find_appr(const struct imad_entry *e, uint32_t flags, uint32_t algos,
					 int evm)
{
	for (int i = 0; i < IMAD_APPR_SLOTS; i++)
		if (e->appr[i].valid && e->appr[i].flags == flags && e->appr[i].algos == algos &&
		    e->appr[i].evm == evm)
			return &e->appr[i];
	return NULL;
}

static void put_appr(struct imad_entry *e, const struct imad_appr *a)
{
	for (int i = 0; i < IMAD_APPR_SLOTS; i++)
		if (!e->appr[i].valid) {
			e->appr[i] = *a;
			return;
		}
	e->appr[IMAD_APPR_SLOTS - 1] = e->appr[0];
	e->appr[0] = *a;
}

/* ---- the decision ---------------------------------------------------------- */

static uint32_t event_hook(const struct imad_event *ev)
{
	if (ev->mask & FAN_OPEN_EXEC_PERM)
		return IMAD_HOOK_BPRM;
	return ev->exec_open ? IMAD_HOOK_EXEC_OPEN : IMAD_HOOK_READ;
}

/*
 * The event's hook came out "allow, nothing to do" from the cache entry alone
 * (measured, audited, appraised and passed, or no rule): under a policy that
 * looks only at the file, every later event of this hook on this (dev, ino,
 * mtime, ctime, size) and generation ends the same way, so the reader may
 * answer it after one fstat and one lookup (imad_settled()).  The MMAP_CHECK
 * approximation is part of the read hook's decision and depends on the
 * content only, so it settles with it.
 */
static void settle(struct imad *d, const struct imad_event *ev, const struct imad_policy *pol,
		   const struct imad_entry *e)
{
	if (atomic_load(&d->settle_gen) == pol->gen && e->gen == pol->gen)
		imad_cache_settle(d->cache, e, event_hook(ev));
}

int imad_settled(struct imad *d, const struct imad_event *ev)
{
	unsigned int gen = atomic_load(&d->settle_gen);

	if (!gen || ev->have_stat != 1)
		return 0;
	/* counted by the caller (imad_stats.fast) */
	return imad_cache_settled(d->cache, &ev->key, gen, event_hook(ev));
}

int imad_decide(struct imad *d, struct imad_event *ev, int how, struct imad_outcome *out)
{
	/* the reader's first look counts the cache hit or miss, and may settle */
	const int reader = how != IMAD_DECIDE_FULL;
	struct imad_policy *pol;
	imactl_policy_access a;
	imactl_policy_decision dec;
	struct creds cr;
	struct imad_entry e;
	const struct imad_appr *ap = NULL;
	struct imad_appr fresh;
	unsigned int acts;
	int pcr, need_measure, need_appraise, need_audit, need_violation, r;
	char objlabel[256];
	uint8_t small[512];
	uint8_t *ima = small;
	_cleanup_free_ uint8_t *big = NULL;
	long ima_len = 0;

	out->verdict = IMAD_ALLOW;
	out->op = out->cause = NULL;
	out->violation = NULL;
	out->fresh = 0;
	out->task.valid = 0;
	out->func = (ev->mask & FAN_OPEN_EXEC_PERM) ? "BPRM_CHECK" : "FILE_CHECK";

	r = imad_event_stat(ev);
	if (r < 0) {
		/* deny the unexpected: a permission event fd we cannot even stat */
		out->verdict = d->cfg.mode == IMAD_MODE_ENFORCE ? IMAD_DENY : IMAD_ALLOW;
		out->op = "collect_data";
		out->cause = "failed";
		snprintf(out->detail, sizeof(out->detail), "fstat: %s", strerror(-r));
		return 0;
	}
	if (ev->have_stat != 1)
		return 0; /* directories, devices, fifos: IMA appraises regular files */

	pol = imad_policy_get(d);
	if (!pol)
		return 0;

	memset(&a, 0, sizeof(a));
	a.func = out->func;
	a.mask = (ev->mask & FAN_OPEN_EXEC_PERM) || ev->exec_open ? IMACTL_POLICY_MAY_EXEC
								  : IMACTL_POLICY_MAY_READ;
	a.fsmagic = fs_magic(ev->fd, ev->key.dev);
	a.fsname = imactl_policy_fs_name(a.fsmagic);
	a.fowner = ev->fowner;
	a.fgroup = ev->fgroup;
	if (pol->needs & IMAD_NEED_FSUUID)
		if (imactl_fs_uuid_fd(ev->fd, a.fsuuid, NULL) < 0)
			memset(a.fsuuid, 0, sizeof(a.fsuuid));
	read_creds(ev->pid, pol->needs, &cr);
	a.uid = cr.uid;
	a.euid = cr.euid;
	a.suid = cr.suid;
	a.gid = cr.gid;
	a.egid = cr.egid;
	a.sgid = cr.sgid;
	a.cap_setuid = cr.cap_setuid;
	a.cap_setgid = cr.cap_setgid;
	split_label(cr.label, &a.subj_user, &a.subj_role, &a.subj_type);
	if (pol->needs & IMAD_NEED_OBJ_LABEL) {
		ssize_t n = fgetxattr(ev->fd, "security.selinux", objlabel, sizeof(objlabel) - 1);
		objlabel[n > 0 ? n : 0] = '\0';
		split_label(objlabel, &a.obj_user, &a.obj_role, &a.obj_type);
	}

	r = imactl_policy_evaluate(pol->p, &a, &dec, NULL);
	if (r < 0) {
		imad_policy_put(pol);
		out->verdict = d->cfg.mode == IMAD_MODE_ENFORCE ? IMAD_DENY : IMAD_ALLOW;
		out->op = "collect_data";
		out->cause = "failed";
		snprintf(out->detail, sizeof(out->detail), "policy evaluation failed");
		return 0;
	}

	if (!imad_cache_lookup(d->cache, &ev->key, &e)) {
		memset(&e, 0, sizeof(e));
		e.key = ev->key;
		e.algo = -1;
		e.elf_dso = -1;
		e.gen = pol->gen;
		if (reader)
			atomic_fetch_add(&d->st.cache_misses, 1);
	} else if (reader) {
		atomic_fetch_add(&d->st.cache_hits, 1);
	}
	if (e.gen != pol->gen) {
		/* a new policy: earlier appraisals were under other rules */
		memset(e.appr, 0, sizeof(e.appr));
		e.settled = 0;
		e.gen = pol->gen;
	}

	/* MMAP_CHECK approximation: the loader opens shared objects for reading */
	if ((pol->needs & IMAD_NEED_MMAP) && !(ev->mask & FAN_OPEN_EXEC_PERM) && !ev->exec_open) {
		if (e.elf_dso < 0) {
			e.elf_dso = is_elf_dso(ev->fd);
			imad_cache_store(d->cache, &e);
		}
		if (e.elf_dso) {
			imactl_policy_decision dm;
			a.func = "MMAP_CHECK";
			a.mask = IMACTL_POLICY_MAY_EXEC;
			if (imactl_policy_evaluate(pol->p, &a, &dm, NULL) == 0) {
				if ((dm.actions & IMACTL_POLICY_ACT_MEASURE) &&
				    !(dec.actions & IMACTL_POLICY_ACT_MEASURE)) {
					dec.pcr = dm.pcr;
					dec.template_name = dm.template_name;
				}
				if ((dm.actions & IMACTL_POLICY_ACT_APPRAISE) &&
				    !(dec.actions & IMACTL_POLICY_ACT_APPRAISE)) {
					dec.flags = dm.flags;
					dec.appraise_algos = dm.appraise_algos;
				}
				dec.actions |= dm.actions;
				out->func = "MMAP_CHECK";
			}
		}
	}

	acts = dec.actions &
	       (IMACTL_POLICY_ACT_MEASURE | IMACTL_POLICY_ACT_APPRAISE | IMACTL_POLICY_ACT_AUDIT);
	if (d->cfg.mode == IMAD_MODE_OFF)
		acts &= ~IMACTL_POLICY_ACT_APPRAISE;
	if (!acts) {
		if (reader)
			settle(d, ev, pol, &e);
		imad_policy_put(pol);
		return 0;
	}

	pcr = dec.pcr >= 0 ? dec.pcr : d->cfg.pcr;
	need_measure = (acts & IMACTL_POLICY_ACT_MEASURE) && !(e.measured_pcrs & (1u << pcr));
	need_audit = (acts & IMACTL_POLICY_ACT_AUDIT) && !e.audited;
	need_appraise = 0;
	if (acts & IMACTL_POLICY_ACT_APPRAISE) {
		ap = find_appr(&e, dec.flags, dec.appraise_algos, d->evm_key != NULL);
		need_appraise = ap == NULL;
	}

	/* a measured read while the file is open for write: find out who (violation.c) */
	need_violation = ev->writers && (acts & IMACTL_POLICY_ACT_MEASURE) &&
			 !(ev->mask & FAN_OPEN_EXEC_PERM) && !ev->exec_open;
	if (!need_measure && !need_audit && !need_appraise && !need_violation) {
		if (reader && (!ap || ap->pass))
			settle(d, ev, pol, &e);
		goto verdict;
	}
	/*
	 * Content work: a worker's, or the reader's own when it is bounded (a
	 * small file: one hash and at most one verify, cheaper than waking a
	 * worker and being woken by it).  A /proc scan (violations) and big files
	 * stay in the workers, under the deadline.
	 */
	if (how == IMAD_DECIDE_FAST ||
	    (how == IMAD_DECIDE_READER && (need_violation || ev->key.size > IMAD_INLINE_MAX))) {
		imad_policy_put(pol);
		return IMAD_NEED_WORK;
	}

	/* ---- slow path: read security.ima, hash once, measure, appraise ---- */
	out->fresh = 1;
	/* the path (a readlink of /proc/self/fd/N) only for what records it */
	if (need_violation) { /* ima_rdwr_violation_check() runs before the measurement */
		imad_fd_path(ev->fd, out->path, sizeof(out->path));
		out->violation = imad_violation_check(d, ev, out->path, 1);
	}
	if (!need_measure && !need_audit && !need_appraise)
		goto verdict;
	ima_len = imactl_xattr_get(ev->fd, IMACTL_XATTR_IMA, small, sizeof(small));
	if (ima_len == -ERANGE) {
		big = malloc(IMACTL_XATTR_MAX);
		if (big) {
			ima = big;
			ima_len = imactl_xattr_get(ev->fd, IMACTL_XATTR_IMA, big, IMACTL_XATTR_MAX);
		}
	}
	if (ima_len < 0 && ima_len != -ENODATA && ima_len != -EOPNOTSUPP) {
		atomic_fetch_add(&d->st.errors, 1);
		out->op = "appraise_data";
		out->cause = "unknown";
		snprintf(out->detail, sizeof(out->detail), "cannot read security.ima: %s",
			 strerror((int)-ima_len));
		fresh = (struct imad_appr){
			.valid = 0, .pass = 0, .op = out->op, .cause = out->cause};
		ap = &fresh;
		goto verdict;
	}
	if (ima_len < 0)
		ima_len = 0;

	r = imad_collect(d, ev->fd, &e, ima, ima_len);
	if (r < 0) {
		atomic_fetch_add(&d->st.errors, 1);
		snprintf(out->detail, sizeof(out->detail), "cannot hash: %s", strerror(-r));
		fresh = (struct imad_appr){
			.valid = 0, .pass = 0, .op = "collect_data", .cause = "failed"};
		/* ima_collect_measurement() failed: appraisal (if any) fails with it */
		ap = (acts & IMACTL_POLICY_ACT_APPRAISE) ? &fresh : NULL;
		goto verdict;
	}
	out->algo = e.algo;
	memcpy(out->digest, e.digest, sizeof(out->digest));

	if (need_measure) {
		const char *tmpl = dec.template_name ? dec.template_name : d->cfg.template_name;
		int sig = ima_len > 0 &&
			  (ima[0] == IMACTL_XATTR_DIGSIG || ima[0] == IMACTL_XATTR_VERITY_DIGSIG);
		if (!out->path[0])
			imad_fd_path(ev->fd, out->path, sizeof(out->path));
		r = imad_measure_add(d, ev->fd, pcr, tmpl, out->path, e.algo, e.digest,
				     sig ? ima : NULL, sig ? (size_t)ima_len : 0);
		if (r == 0) {
			e.measured_pcrs |= 1u << pcr;
			atomic_fetch_add(&d->st.measured, 1);
		} else {
			atomic_fetch_add(&d->st.errors, 1);
			imad_log_rl(
				LOG_ERR, "measurement of '%s' failed: %s", out->path,
				r == -EOPNOTSUPP
					? "measurement list writer not built in (partial feature)"
					: strerror(-r));
		}
	}
	if (need_audit) {
		e.audited = 1;
		out->audit_rule = 1;
	}
	if (need_appraise) {
		struct imad_appraise_in in = {dec.flags, dec.appraise_algos, d->cfg.mode, 0};
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		in.new_file = ima_len == 0 && ev->key.size == 0 &&
			      (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - ev->key.ctime_ns <
				      2000000000;
		imad_appraise(d, ev->fd, &e, ima, ima_len, &in, &fresh, out->detail,
			      sizeof(out->detail));
		atomic_fetch_add(&d->st.appraised, 1);
		put_appr(&e, &fresh);
		ap = &fresh;
		out->op = fresh.op;
		out->cause = fresh.cause;
		/* ima_fix_xattr(): not over a signature; EVM refuses a failing HMAC without evm=fix
		 */
		if (!fresh.pass && d->cfg.mode == IMAD_MODE_FIX &&
		    !(ima_len > 0 && ima[0] == IMACTL_XATTR_DIGSIG) &&
		    !(fresh.cause &&
		      (strcmp(fresh.cause, "invalid-HMAC") == 0 ||
		       strcmp(fresh.cause, "invalid-fail-immutable") == 0) &&
		      !d->cfg.evm_fix)) {
			char fdetail[200];
			if (imad_fix(d, ev->fd, &e, fdetail, sizeof(fdetail)) == 0)
				out->fixed = 1;
			else
				snprintf(out->detail, sizeof(out->detail), "%s", fdetail);
		}
	}
	if (!out->fixed)
		imad_cache_store(d->cache, &e);
	/* a fixed file has a new ctime: its next open appraises the new xattr */

verdict:
	imad_policy_put(pol);
	if (ap && !ap->pass) {
		out->op = ap->op;
		out->cause = ap->cause;
		if (d->cfg.mode == IMAD_MODE_ENFORCE && !out->fixed) {
			if (d->cfg.n_allow) {
				if (!out->path[0])
					imad_fd_path(ev->fd, out->path, sizeof(out->path));
				if (breakglass(d, out->path)) {
					out->breakglass = 1;
					atomic_fetch_add(&d->st.breakglass, 1);
					return 0;
				}
			}
			out->verdict = IMAD_DENY;
		}
	}
	return 0;
}

/*
 * ima_check_last_writer() -> ima_update_xattr(): when a file IMA appraises is
 * closed after a write, the kernel re-hashes it and rewrites security.ima
 * (and EVM its HMAC), in every appraisal mode; signatures are immutable and
 * are left alone.  fanotify reports the close (FAN_CLOSE_WRITE) after the
 * fact: the reader does small files inline, so a reopen right after the close
 * sees the new hash; larger ones go to a worker (a reopen racing that hash
 * may see the old value: documented).
 */
int imad_update_on_close(struct imad *d, struct imad_event *ev, char *detail, size_t detail_len)
{
	struct imad_policy *pol;
	imactl_policy_access a;
	imactl_policy_decision dec;
	struct creds cr;
	struct imad_entry e;
	uint8_t v[512];
	long n;
	int r;

	detail[0] = '\0';
	if (d->cfg.mode == IMAD_MODE_OFF || imad_event_stat(ev) < 0 || ev->have_stat != 1)
		return 0;
	pol = imad_policy_get(d);
	if (!pol)
		return 0;
	memset(&a, 0, sizeof(a));
	a.func = "FILE_CHECK";
	a.mask = IMACTL_POLICY_MAY_READ;
	a.fsmagic = fs_magic(ev->fd, ev->key.dev);
	a.fsname = imactl_policy_fs_name(a.fsmagic);
	a.fowner = ev->fowner;
	a.fgroup = ev->fgroup;
	if (pol->needs & IMAD_NEED_FSUUID)
		if (imactl_fs_uuid_fd(ev->fd, a.fsuuid, NULL) < 0)
			memset(a.fsuuid, 0, sizeof(a.fsuuid));
	read_creds(ev->pid, pol->needs & ~IMAD_NEED_SUBJ_LABEL, &cr);
	a.uid = cr.uid;
	a.euid = cr.euid;
	a.suid = cr.suid;
	a.gid = cr.gid;
	a.egid = cr.egid;
	a.sgid = cr.sgid;
	r = imactl_policy_evaluate(pol->p, &a, &dec, NULL);
	imad_policy_put(pol);
	if (r < 0 || !(dec.actions & IMACTL_POLICY_ACT_APPRAISE) ||
	    (dec.flags & IMACTL_POLICY_DIGSIG_REQUIRED))
		return 0;

	n = imactl_xattr_get(ev->fd, IMACTL_XATTR_IMA, v, sizeof(v));
	if (n == -ERANGE ||
	    (n > 0 && v[0] != IMACTL_XATTR_DIGEST && v[0] != IMACTL_XATTR_DIGEST_NG))
		return 0; /* a signature (IMA_DIGSIG): immutable */
	if (n < 0 && n != -ENODATA)
		return (int)n;
	memset(&e, 0, sizeof(e));
	e.key = ev->key; /* the size imad_collect() hashes against */
	e.algo = -1;
	r = imad_collect(d, ev->fd, &e, v, n > 0 ? n : 0);
	if (r < 0)
		return r;
	if (n > 0 && (size_t)n >= 2 && v[0] == IMACTL_XATTR_DIGEST_NG && v[1] == e.algo &&
	    (size_t)n - 2 == imactl_hash_size(e.algo) &&
	    memcmp(v + 2, e.digest, imactl_hash_size(e.algo)) == 0)
		return 0; /* unchanged content */
	r = imad_fix(d, ev->fd, &e, detail, detail_len);
	return r < 0 ? r : 1;
}
