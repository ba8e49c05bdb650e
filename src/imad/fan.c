/* SPDX-License-Identifier: MIT */
/*
 * The fanotify side: one FAN_CLASS_CONTENT group with FAN_OPEN_EXEC_PERM |
 * FAN_OPEN_PERM (and FAN_CLOSE_WRITE, to drop cache entries early) on the
 * mounts holding each --watch path.
 *
 * Threads:
 *   reader    reads events (a blocking read(), as a bare listener does: no
 *             poll() per event); allows its own pid; answers an event whose
 *             cache entry is settled for its hook after one fstat() and one
 *             lookup (imad_settled(): no policy evaluation, no /proc, no
 *             thread hand-off); answers what the cache and the policy settle
 *             without touching content (the fast path); does the work
 *             itself for a file of at most IMAD_INLINE_MAX bytes (one hash,
 *             one verify: bounded, and cheaper than two thread switches);
 *             hands the rest (big files, /proc scans for violations) to a
 *             worker.  Reply first, then log.
 *   workers   one per CPU: hash, measure, appraise, reply, then log.
 *   deadline  answers an event still unanswered after --deadline-ms with the
 *             configured fail-open/fail-closed verdict; a worker that finishes
 *             later finds the event answered (one atomic state per event).
 *
 * Release: stopping, or a fatal signal, dup2()s /dev/null over the group fd.
 * The group's last reference goes away, the kernel allows every pending
 * permission event, and the fd number stays taken so that no late reply can
 * land in a file that reused it.  A reader blocked in read() holds a
 * reference too: stopping interrupts it with SIGUSR1 (a no-op handler
 * without SA_RESTART; only the reader leaves SIGUSR1 unblocked) until it has
 * returned; a fatal signal ends the process, which drops it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "imad.h"
#include "util/cleanup.h"

/* The signal handler can only reach file-scope state: these two fds, nothing else. */
static volatile int sig_fan_fd = -1;
static volatile int sig_devnull = -1;

#define SLOTS	     4096
#define EXEC_RECENT  16
#define PERM_MASK    (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)
#define READ_BUFSIZE (64 * 1024)

enum { SLOT_FREE = 0, SLOT_PENDING, SLOT_ANSWERED };

struct slot {
	struct imad_event ev;
	atomic_int state;
	int next_free;
};

struct imad_fan {
	struct imad *d;
	int fd;
	int devnull;
	int wake;
	pthread_t reader, deadline, workers[16];
	unsigned int nworkers;
	int started;
	atomic_ullong heartbeat_ns;
	atomic_int in_read; /* the reader waits in read(): idle, not stuck */

	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	struct slot *slots;
	int free_head;
	int ring[SLOTS];
	unsigned int rhead, rtail, rcount;
	unsigned int inflight;
	unsigned int idle; /* workers waiting on qcond: signal only when one is */
	int qstop;

	unsigned int test_delay_ms; /* IMAD_TEST_DELAY_MS (test builds only) */
	int inline_work; /* the reader may hash small files itself (IMAD_DECIDE_READER) */

	struct {
		pid_t pid;
		uint64_t dev, ino;
	} execs[EXEC_RECENT];
	unsigned int exec_next;
};

/*
 * The reader's per-event read(), write() and close() as plain system calls:
 * glibc's wrappers are cancellation points, which in a threaded process cost
 * two atomic updates of the thread's cancel state each; nothing here is ever
 * cancelled.
 */
static ssize_t sys_read(int fd, void *buf, size_t len)
{
	return syscall(SYS_read, fd, buf, len);
}

static void sys_close(int fd)
{
	syscall(SYS_close, fd);
}

/*
 * The group, with FAN_ENABLE_AUDIT unless --audit off (fapolicyd's way): a
 * denial then carries FAN_AUDIT and the kernel writes an AUDIT_FANOTIFY
 * record in the opener's context.  The flag needs CAP_AUDIT_WRITE (EPERM)
 * and Linux 4.15 (EINVAL): without them the group is made without it.
 */
static int fan_init_group(struct imad *d)
{
	const unsigned int flags = FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_UNLIMITED_QUEUE;
	const unsigned int ev_flags = O_RDONLY | O_LARGEFILE | O_CLOEXEC;
	int fd;

	d->fan_audit = 0;
	if (d->cfg.audit != IMAD_AUDIT_OFF) {
		fd = fanotify_init(flags | FAN_ENABLE_AUDIT, ev_flags);
		if (fd >= 0 || (errno != EPERM && errno != EINVAL)) {
			d->fan_audit = fd >= 0;
			return fd;
		}
	}
	return fanotify_init(flags, ev_flags);
}

static void reply(struct imad_fan *f, int fd, int verdict)
{
	/* FAN_AUDIT on denials only: an allowed open is no audit event */
	struct fanotify_response resp = {.fd = fd,
					 .response = verdict != IMAD_DENY ? FAN_ALLOW
						     : f->d->fan_audit	  ? FAN_DENY | FAN_AUDIT
									  : FAN_DENY};
	ssize_t n;

	do
		n = syscall(SYS_write, f->fd, &resp, sizeof(resp));
	while (n < 0 && errno == EINTR);
}

void imad_fan_release_signal_safe(void)
{
	int fd = sig_fan_fd, dn = sig_devnull;

	if (fd >= 0) {
		if (dn >= 0)
			dup2(dn, fd);
		else
			close(fd);
	}
}

unsigned int imad_test_delay_ms(void)
{
#ifdef IMAD_TEST_KNOBS
	const char *v = getenv("IMAD_TEST_DELAY_MS");
	char *end;
	unsigned long ms;

	if (!v || !*v)
		return 0;
	errno = 0;
	ms = strtoul(v, &end, 10);
	if (errno || *end || ms > 600000)
		return 0;
	return (unsigned int)ms;
#else
	return 0;
#endif
}

int imad_fan_probe(char *err, size_t errlen)
{
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "fanotify_init(FAN_CLASS_CONTENT): %m%s",
			 errno == EPERM	   ? " (needs CAP_SYS_ADMIN)"
			 : errno == EINVAL ? " (kernel without CONFIG_FANOTIFY_ACCESS_PERMISSIONS?)"
					   : "");
		return -errno;
	}
	close(fd);
	return 0;
}

/* The mount id of @path (statx), or 0 when the kernel does not say. */
static uint64_t mount_id(const char *path)
{
#ifdef STATX_MNT_ID
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) == 0 && (stx.stx_mask & STATX_MNT_ID))
		return stx.stx_mnt_id;
#else
	(void)path;
#endif
	return 0;
}

/*
 * The reader must never wait for a thread that waits for the reader.  The
 * main thread rewrites the list's status files (new files in the runtime
 * directory) under the list writer's lock; on a marked mount each of those
 * opens is a permission event only the reader answers, so a reader measuring
 * a file (the same lock) would deadlock with it.  A runtime directory on a
 * marked mount, or one whose mount cannot be told apart: no work in the
 * reader, every content check goes to the workers as before.
 */
static int inline_safe(struct imad *d)
{
	uint64_t rt = mount_id(d->cfg.runtime_dir);

	if (!rt)
		return 0;
	for (size_t i = 0; i < d->cfg.n_watch; i++) {
		uint64_t w = mount_id(d->cfg.watch[i]);
		if (!w || w == rt)
			return 0;
	}
	return 1;
}

int imad_fan_setup(struct imad *d, char *err, size_t errlen)
{
	struct imad_fan *f = calloc(1, sizeof(*f));
	int r;

	if (!f)
		return -ENOMEM;
	f->d = d;
	f->fd = f->wake = f->devnull = -1;
	f->slots = calloc(SLOTS, sizeof(*f->slots));
	if (!f->slots) {
		free(f);
		return -ENOMEM;
	}
	for (int i = 0; i < SLOTS; i++)
		f->slots[i].next_free = i + 1 < SLOTS ? i + 1 : -1;
	f->free_head = 0;
	pthread_mutex_init(&f->qlock, NULL);
	pthread_cond_init(&f->qcond, NULL);
	d->fan = f;
	f->test_delay_ms = imad_test_delay_ms();

	f->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	f->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->devnull < 0 || f->wake < 0) {
		snprintf(err, errlen, "cannot open /dev/null or an eventfd: %m");
		return -errno;
	}
	f->fd = fan_init_group(d);
	if (f->fd < 0) {
		r = -errno;
		imad_fan_probe(err, errlen);
		return r;
	}
	sig_devnull = f->devnull;
	sig_fan_fd = f->fd;

	for (size_t i = 0; i < d->cfg.n_watch; i++) {
		if (fanotify_mark(f->fd, FAN_MARK_ADD | FAN_MARK_MOUNT, PERM_MASK | FAN_CLOSE_WRITE,
				  AT_FDCWD, d->cfg.watch[i]) < 0) {
			r = -errno;
			snprintf(err, errlen, "cannot mark the mount holding '%s': %m",
				 d->cfg.watch[i]);
			return r;
		}
	}
	f->inline_work = !f->test_delay_ms && inline_safe(d);
	if (!f->inline_work && !f->test_delay_ms)
		imad_log(LOG_NOTICE,
			 "the runtime directory '%s' is on a watched mount (or its mount id is "
			 "unknown): every file is hashed in a worker thread",
			 d->cfg.runtime_dir);
	return 0;
}

/* ---- logging after the reply ----------------------------------------------- */

static void account_and_log(struct imad_fan *f, struct imad_event *ev, struct imad_outcome *o,
			    int answered_late)
{
	struct imad *d = f->d;
	char path[4096];
	const char *p = o->path;

	if (o->verdict == IMAD_DENY)
		atomic_fetch_add(&d->st.denied, 1);
	else
		atomic_fetch_add(&d->st.allowed, 1);
	if (!o->cause && !o->audit_rule && !o->breakglass && !o->fixed && !answered_late &&
	    !o->violation)
		return;
	if (!p[0]) {
		imad_fd_path(ev->fd, path, sizeof(path));
		p = path;
	}
	if (o->violation) {
		imad_audit(d, 1804, ev->pid, "invalid_pcr", o->violation, p, ev->key.ino,
			   ev->key.dev, 0, NULL, &o->task);
	}
	if (o->audit_rule) {
		char extra[300];
		size_t hl = imactl_hash_size(o->algo), off;
		off = (size_t)snprintf(extra, sizeof(extra),
				       "hash=\"%s:", imactl_hash_name(o->algo));
		for (size_t i = 0; i < hl && off + 3 < sizeof(extra); i++)
			off += (size_t)snprintf(extra + off, sizeof(extra) - off, "%02x",
						o->digest[i]);
		snprintf(extra + off, sizeof(extra) - off, "\"");
		imad_audit(d, 1807, ev->pid, NULL, NULL, p, ev->key.ino, ev->key.dev, 1, extra,
			   &o->task);
	}
	if (o->cause) {
		if (o->fresh) /* a fresh appraisal: the kernel audits it once */
			imad_audit(d, 1800, ev->pid, o->op, o->cause, p, ev->key.ino, ev->key.dev,
				   0, NULL, &o->task);
		imad_log_rl(o->verdict == IMAD_DENY ? LOG_WARNING : LOG_NOTICE,
			    "%s %s '%s' pid %d: %s%s%s%s (mode %s)",
			    o->verdict == IMAD_DENY ? "denied" : "allowed", o->func, p,
			    (int)ev->pid, o->cause, o->detail[0] ? ": " : "", o->detail,
			    o->fixed	    ? ", security.ima fixed"
			    : o->breakglass ? ", break-glass allowlist"
					    : "",
			    imad_mode_name(d->cfg.mode));
	}
	if (answered_late)
		imad_log_rl(LOG_WARNING,
			    "'%s' pid %d: the deadline passed before the verdict (%s); answered %s",
			    p, (int)ev->pid, o->verdict == IMAD_DENY ? "deny" : "allow",
			    d->cfg.fail_open ? "allow (fail-open)" : "deny (fail-closed)");
}

/* ---- workers --------------------------------------------------------------- */

#define CLOSE_INLINE_MAX (4 << 20) /* re-hash on close in the reader up to this size */

static void update_on_close(struct imad_fan *f, struct imad_event *ev)
{
	char detail[256], path[4096];
	int r = imad_update_on_close(f->d, ev, detail, sizeof(detail));

	if (r == 0)
		return;
	imad_fd_path(ev->fd, path, sizeof(path));
	if (r > 0)
		imad_log_rl(LOG_INFO, "'%s' closed after a write: security.ima updated", path);
	else
		imad_log_rl(LOG_WARNING, "'%s' closed after a write: security.ima not updated: %s",
			    path, detail[0] ? detail : strerror(-r));
}

static void slot_free(struct imad_fan *f, int i)
{
	pthread_mutex_lock(&f->qlock);
	atomic_store(&f->slots[i].state, SLOT_FREE);
	f->slots[i].next_free = f->free_head;
	f->free_head = i;
	f->inflight--;
	pthread_mutex_unlock(&f->qlock);
}

static void *worker_main(void *arg)
{
	struct imad_fan *f = arg;

	for (;;) {
		struct imad_outcome o;
		struct slot *s;
		int i, expected = SLOT_PENDING, late;

		pthread_mutex_lock(&f->qlock);
		while (!f->rcount && !f->qstop) {
			f->idle++;
			pthread_cond_wait(&f->qcond, &f->qlock);
			f->idle--;
		}
		if (!f->rcount) {
			pthread_mutex_unlock(&f->qlock);
			return NULL;
		}
		i = f->ring[f->rhead];
		f->rhead = (f->rhead + 1) % SLOTS;
		f->rcount--;
		pthread_mutex_unlock(&f->qlock);

		s = &f->slots[i];
		o.path[0] = '\0';
		o.detail[0] = '\0';
		o.audit_rule = o.breakglass = o.fixed = 0;
		o.violation = NULL;
		if (f->qstop) {
			/* shutting down: the group is gone; the kernel allowed the event */
			close(s->ev.fd);
			slot_free(f, i);
			continue;
		}
		if (s->ev.close_write) {
			update_on_close(f, &s->ev);
			close(s->ev.fd);
			slot_free(f, i);
			continue;
		}
		if (f->test_delay_ms) {
			/* a slow hash or a slow disk, on demand: the deadline test */
			struct timespec ts = {f->test_delay_ms / 1000,
					      (long)(f->test_delay_ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
		imad_decide(f->d, &s->ev, IMAD_DECIDE_FULL, &o);
		if (o.cause || o.audit_rule || o.violation)
			imad_task_snapshot(s->ev.pid, &o.task);
		late = !atomic_compare_exchange_strong(&s->state, &expected, SLOT_ANSWERED);
		if (!late)
			reply(f, s->ev.fd, o.verdict);
		account_and_log(f, &s->ev, &o, late);
		close(s->ev.fd);
		slot_free(f, i);
	}
}

static void *deadline_main(void *arg)
{
	struct imad_fan *f = arg;
	struct imad *d = f->d;
	uint64_t limit = (uint64_t)d->cfg.deadline_ms * 1000000ull;
	struct timespec tick = {0, 20 * 1000000};

	if (d->cfg.deadline_ms < 200)
		tick.tv_nsec = (long)d->cfg.deadline_ms * 1000000 / 4 + 1000000;
	while (!atomic_load(&d->stopping)) {
		uint64_t now;
		unsigned int inflight;

		nanosleep(&tick, NULL);
		pthread_mutex_lock(&f->qlock);
		inflight = f->inflight;
		pthread_mutex_unlock(&f->qlock);
		if (!inflight)
			continue;
		now = imad_now_ns();
		for (int i = 0; i < SLOTS; i++) {
			struct slot *s = &f->slots[i];
			int expected = SLOT_PENDING;
			if (atomic_load(&s->state) != SLOT_PENDING || now - s->ev.t0_ns < limit)
				continue;
			if (atomic_compare_exchange_strong(&s->state, &expected, SLOT_ANSWERED)) {
				reply(f, s->ev.fd, d->cfg.fail_open ? IMAD_ALLOW : IMAD_DENY);
				atomic_fetch_add(&d->st.deadline, 1);
			}
		}
	}
	return NULL;
}

/* ---- reader ---------------------------------------------------------------- */

static void exec_note(struct imad_fan *f, const struct imad_event *ev)
{
	unsigned int i = f->exec_next++ % EXEC_RECENT;

	f->execs[i].pid = ev->pid;
	f->execs[i].dev = ev->key.dev;
	f->execs[i].ino = ev->key.ino;
}

static int exec_match(struct imad_fan *f, const struct imad_event *ev)
{
	for (unsigned int i = 0; i < EXEC_RECENT; i++)
		if (f->execs[i].pid == ev->pid && f->execs[i].dev == ev->key.dev &&
		    f->execs[i].ino == ev->key.ino) {
			f->execs[i].pid = 0;
			return 1;
		}
	return 0;
}

static int enqueue(struct imad_fan *f, const struct imad_event *ev, int state)
{
	int i;

	pthread_mutex_lock(&f->qlock);
	i = f->free_head;
	if (i < 0) {
		pthread_mutex_unlock(&f->qlock);
		return -EBUSY;
	}
	f->free_head = f->slots[i].next_free;
	f->slots[i].ev = *ev;
	atomic_store(&f->slots[i].state, state);
	f->ring[f->rtail] = i;
	f->rtail = (f->rtail + 1) % SLOTS;
	f->rcount++;
	f->inflight++;
	if (f->idle)
		pthread_cond_signal(&f->qcond);
	pthread_mutex_unlock(&f->qlock);
	return 0;
}

static void handle(struct imad_fan *f, const struct fanotify_event_metadata *md)
{
	struct imad *d = f->d;
	struct imad_event ev = {0};
	struct imad_outcome o;
	int r;

	if (md->mask & FAN_CLOSE_WRITE) {
		ev.fd = md->fd;
		ev.pid = md->pid;
		ev.close_write = 1;
		if (imad_event_stat(&ev) == 0)
			imad_cache_invalidate(d->cache, ev.key.dev, ev.key.ino);
		if (md->pid != d->self && ev.have_stat == 1 && d->cfg.mode != IMAD_MODE_OFF) {
			if (ev.key.size > CLOSE_INLINE_MAX && enqueue(f, &ev, SLOT_ANSWERED) == 0)
				return;
			update_on_close(f, &ev);
		}
		close(md->fd);
		return;
	}
	if (!(md->mask & PERM_MASK)) {
		close(md->fd);
		return;
	}
	if (md->pid == d->self) {
		atomic_fetch_add(&d->st.events, 1);
		/* never block ourselves: our own opens (keys, policy, logs) are allowed */
		reply(f, md->fd, IMAD_ALLOW);
		atomic_fetch_add(&d->st.own, 1);
		close(md->fd);
		return;
	}
	ev.fd = md->fd;
	ev.pid = md->pid;
	ev.mask = md->mask;
	if (imad_event_stat(&ev) == 0) {
		if (md->mask & FAN_OPEN_EXEC_PERM)
			exec_note(f, &ev);
		else
			ev.exec_open = exec_match(f, &ev);
		int leased = 0;

		/* open-writers/ToMToU: a read-lease probe, only under a policy measuring reads */
		if (!(md->mask & FAN_OPEN_EXEC_PERM) && !ev.exec_open && ev.have_stat == 1 &&
		    atomic_load(&d->probe_writers))
			ev.writers = imad_writers_probe(ev.fd, &leased);
		if (!ev.writers && imad_settled(d, &ev)) {
			/* the fast path: fstat, one lookup, reply; close() drops the lease */
			reply(f, ev.fd, IMAD_ALLOW);
			sys_close(ev.fd);
			atomic_store_explicit(
				&d->st.fast,
				atomic_load_explicit(&d->st.fast, memory_order_relaxed) + 1,
				memory_order_relaxed);
			return;
		}
		if (leased)
			imad_lease_release(ev.fd);
	}
	atomic_fetch_add(&d->st.events, 1);
	ev.t0_ns = imad_now_ns();
	o.path[0] = '\0';
	o.detail[0] = '\0';
	o.audit_rule = o.breakglass = o.fixed = 0;
	o.violation = NULL;
	/* small files are hashed and verified right here (inline_safe()); the test
	 * delay knob (IMAD_TEST_DELAY_MS) stands for slow work, which is the workers' */
	r = imad_decide(d, &ev, f->inline_work ? IMAD_DECIDE_READER : IMAD_DECIDE_FAST, &o);
	if (r == IMAD_NEED_WORK) {
		if (enqueue(f, &ev, SLOT_PENDING) == 0)
			return;
		/* every slot busy: do the work here (backpressure on the openers) */
		imad_decide(d, &ev, IMAD_DECIDE_FULL, &o);
	}
	if (o.cause || o.audit_rule || o.violation)
		imad_task_snapshot(ev.pid, &o.task);
	reply(f, ev.fd, o.verdict);
	account_and_log(f, &ev, &o, 0);
	close(ev.fd);
}

static void *reader_main(void *arg)
{
	struct imad_fan *f = arg;
	struct imad *d = f->d;
	_cleanup_free_ char *buf = malloc(READ_BUFSIZE);

	sigset_t usr1;

	if (!buf)
		return NULL;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	while (!atomic_load(&d->stopping)) {
		ssize_t n;

		/* relaxed: the health check allows seconds, not nanoseconds */
		atomic_store_explicit(&f->heartbeat_ns, imad_coarse_ns(), memory_order_relaxed);
		atomic_store_explicit(&f->in_read, 1, memory_order_relaxed);
		n = sys_read(f->fd, buf, READ_BUFSIZE);
		atomic_store_explicit(&f->in_read, 0, memory_order_relaxed);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue; /* SIGUSR1: stopping is checked above */
		if (n <= 0)
			break; /* EOF or EBADF: the group fd was replaced by /dev/null */
		for (const struct fanotify_event_metadata *md = (void *)buf; FAN_EVENT_OK(md, n);
		     md = FAN_EVENT_NEXT(md, n)) {
			if (md->vers != FANOTIFY_METADATA_VERSION) {
				imad_log(LOG_CRIT, "fanotify metadata version %u, expected %u",
					 md->vers, FANOTIFY_METADATA_VERSION);
				imad_fan_release_signal_safe();
				return NULL;
			}
			if (md->mask & FAN_Q_OVERFLOW) {
				imad_log_rl(LOG_ERR, "fanotify queue overflow: events were lost");
				continue;
			}
			if (md->fd < 0)
				continue;
			handle(f, md);
		}
	}
	return NULL;
}

static void wake_handler(int sig)
{
	(void)sig;
}

int imad_fan_start(struct imad *d)
{
	struct imad_fan *f = d->fan;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct sigaction sa = {.sa_handler =
				       wake_handler}; /* no SA_RESTART: read() returns EINTR */
	sigset_t usr1;

	sigaction(SIGUSR1, &sa, NULL);
	/* only the reader takes SIGUSR1 (it unblocks it itself) */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	f->nworkers = d->cfg.workers ? d->cfg.workers : (ncpu > 0 ? (unsigned int)ncpu : 1);
	if (f->nworkers > ELEMENTSOF(f->workers))
		f->nworkers = ELEMENTSOF(f->workers);
	atomic_store(&f->heartbeat_ns, imad_coarse_ns());
	for (unsigned int i = 0; i < f->nworkers; i++)
		if (pthread_create(&f->workers[i], NULL, worker_main, f) != 0)
			return -EAGAIN;
	if (pthread_create(&f->deadline, NULL, deadline_main, f) != 0)
		return -EAGAIN;
	if (pthread_create(&f->reader, NULL, reader_main, f) != 0)
		return -EAGAIN;
	f->started = 1;
	return 0;
}

int imad_fan_healthy(struct imad *d)
{
	struct imad_fan *f = d->fan;
	uint64_t now = imad_coarse_ns();
	uint64_t limit = 2ull * d->cfg.deadline_ms * 1000000ull + 5000000000ull;

	if (!f || !f->started)
		return 0;
	/* waiting in read() is idle, not stalled: the kernel has nothing for it */
	return atomic_load(&f->in_read) || now - atomic_load(&f->heartbeat_ns) < limit;
}

void imad_fan_stop(struct imad *d)
{
	struct imad_fan *f = d->fan;
	uint64_t one = 1;

	if (!f)
		return;
	atomic_store(&d->stopping, 1);
	/* release every waiting opener first, then wind the threads down */
	if (f->fd >= 0)
		dup2(f->devnull, f->fd);
	if (f->started) {
		if (write(f->wake, &one, sizeof(one)) < 0) {
			/* unused by the reader now; kept for its fd slot */
		}
		/* interrupt the reader's read() until it has let go of the group */
		for (;;) {
			struct timespec ts;

			pthread_kill(f->reader, SIGUSR1);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20 * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			if (pthread_timedjoin_np(f->reader, NULL, &ts) == 0)
				break;
		}
		pthread_mutex_lock(&f->qlock);
		f->qstop = 1;
		pthread_cond_broadcast(&f->qcond);
		pthread_mutex_unlock(&f->qlock);
		for (unsigned int i = 0; i < f->nworkers; i++)
			pthread_join(f->workers[i], NULL);
		pthread_join(f->deadline, NULL);
	}
	sig_fan_fd = -1;
	if (f->fd >= 0)
		close(f->fd);
	if (f->wake >= 0)
		close(f->wake);
	if (f->devnull >= 0)
		close(f->devnull);
	sig_devnull = -1;
	free(f->slots);
	free(f);
	d->fan = NULL;
}
