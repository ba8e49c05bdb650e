/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "imactl/walk.h"
#include "util/cleanup.h"

#define QUEUE_CAP 1024
#define MAX_DEPTH 4096
/* Files from this size on are queued ahead of the others. */
#define BIG_FILE (4 * 1024 * 1024)

/* A directory shared by the jobs of its entries; freed with the last reference. */
struct wdir {
	atomic_int refs;
	int fd;
	char *path;
};

struct job {
	struct wdir *dir; /* NULL: name is a root path, opened following symlinks */
	char *name;
};

struct walk {
	const imactl_walk_opts *o;
	imactl_walk_visit visit;
	imactl_walk_error on_error;
	void *ud;
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct job q[QUEUE_CAP];
	size_t head, n;
	int done;
	int idle_workers;     /* workers waiting for a job: signal only when there are some */
	int producer_waiting; /* the walker waits for room */
	int inline_mode;      /* one job at a time in the calling thread: no threads at all */
	atomic_int fatal;     /* first negative errno from a visitor */
	dev_t root_dev;
};

static void wdir_unref(struct wdir *d)
{
	if (d && atomic_fetch_sub(&d->refs, 1) == 1) {
		close(d->fd);
		free(d->path);
		free(d);
	}
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, a);
	if (a && dir[a - 1] != '/')
		p[a++] = '/';
	memcpy(p + a, name, b + 1);
	return p;
}

static int name_ok(const struct walk *w, const char *name)
{
	const char *base;

	if (!w->o->name_glob)
		return 1;
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	return fnmatch(w->o->name_glob, base, 0) == 0;
}

static void process(struct walk *w, struct job *j)
{
	_cleanup_free_ char *path = j->dir ? join(j->dir->path, j->name) : strdup(j->name);
	int flags = (w->o->open_flags ? w->o->open_flags : O_RDONLY) | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK;
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	int r;

	if (!path) {
		w->on_error(w->ud, j->name, -ENOMEM, "out of memory");
		return;
	}
	if (j->dir)
		fd = openat(j->dir->fd, j->name, flags | O_NOFOLLOW);
	else
		fd = open(j->name, flags);
	if (fd < 0) {
		/* ELOOP: a symlink raced in where a file was; not ours to follow. */
		w->on_error(w->ud, path, -errno, "open");
		return;
	}
	if (fstat(fd, &st) < 0) {
		w->on_error(w->ud, path, -errno, "fstat");
		return;
	}
	if (S_ISDIR(st.st_mode) && !j->dir && w->o->dir_operands) {
		if (w->o->filter_uid && st.st_uid != w->o->uid)
			return;
		r = w->visit(w->ud, fd, path, &st);
		if (r < 0) {
			int expected = 0;
			atomic_compare_exchange_strong(&w->fatal, &expected, r);
		}
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		if (!j->dir)
			w->on_error(w->ud, path, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
				    "not a regular file");
		return;
	}
	if (w->o->filter_uid && st.st_uid != w->o->uid)
		return;
	if (w->o->filter_executable && !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return;
	if (w->o->filter_fstype) {
		struct statfs sf;
		if (fstatfs(fd, &sf) < 0 || (unsigned long)sf.f_type != w->o->fstype_magic)
			return;
	}
	/* O_NONBLOCK was only for the open (fifos raced in, leases): visitors get a
	 * blocking fd; one F_SETFL, the other flags are known */
	(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	r = w->visit(w->ud, fd, path, &st);
	if (r < 0) {
		int expected = 0;
		atomic_compare_exchange_strong(&w->fatal, &expected, r);
	}
}

static void *worker(void *arg)
{
	struct walk *w = arg;

	for (;;) {
		struct job j;
		pthread_mutex_lock(&w->lock);
		while (w->n == 0 && !w->done) {
			w->idle_workers++;
			pthread_cond_wait(&w->not_empty, &w->lock);
			w->idle_workers--;
		}
		if (w->n == 0 && w->done) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		j = w->q[w->head];
		w->head = (w->head + 1) % QUEUE_CAP;
		w->n--;
		/* wake the walker only when it waits, and only once half the queue is free */
		if (w->producer_waiting && w->n <= QUEUE_CAP / 2)
			pthread_cond_signal(&w->not_full);
		pthread_mutex_unlock(&w->lock);
		if (!atomic_load(&w->fatal))
			process(w, &j);
		wdir_unref(j.dir);
		free(j.name);
	}
}

static int enqueue(struct walk *w, struct wdir *dir, const char *name, int front)
{
	char *n = strdup(name);

	if (!n)
		return -ENOMEM;
	if (dir)
		atomic_fetch_add(&dir->refs, 1);
	if (w->inline_mode) {
		struct job j = {dir, n};
		if (!atomic_load(&w->fatal))
			process(w, &j);
		wdir_unref(dir);
		free(n);
		return 0;
	}
	pthread_mutex_lock(&w->lock);
	while (w->n == QUEUE_CAP) {
		w->producer_waiting = 1;
		pthread_cond_wait(&w->not_full, &w->lock);
		w->producer_waiting = 0;
	}
	if (front) {
		/* large files first: the last files of a walk then are small ones, and no
		 * worker idles while another finishes a big file alone */
		w->head = (w->head + QUEUE_CAP - 1) % QUEUE_CAP;
		w->q[w->head] = (struct job){dir, n};
	} else {
		w->q[(w->head + w->n) % QUEUE_CAP] = (struct job){dir, n};
	}
	w->n++;
	if (w->idle_workers)
		pthread_cond_signal(&w->not_empty);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* With dirs_walked, a directory is visited (from the walking thread) before its entries. */
static int visit_dir(struct walk *w, struct wdir *d)
{
	struct stat st;
	int r;

	if (!w->o->dirs_walked)
		return 0;
	if (fstat(d->fd, &st) < 0) {
		w->on_error(w->ud, d->path, -errno, "fstat");
		return 0;
	}
	if (w->o->filter_uid && st.st_uid != w->o->uid)
		return 0;
	if (!name_ok(w, d->path))
		return 0;
	r = w->visit(w->ud, d->fd, d->path, &st);
	if (r < 0) {
		int expected = 0;
		atomic_compare_exchange_strong(&w->fatal, &expected, r);
	}
	return r;
}

/* Walk one directory (owning a reference to d) depth-first. */
static int walk_dir(struct walk *w, struct wdir *d, int depth)
{
	int dupfd;
	DIR *dir;
	struct dirent *de;
	int r = 0;

	if (depth > MAX_DEPTH) {
		w->on_error(w->ud, d->path, -ELOOP, "directory nesting too deep");
		return 0;
	}
	dupfd = fcntl(d->fd, F_DUPFD_CLOEXEC, 3);
	if (dupfd < 0 || !(dir = fdopendir(dupfd))) {
		w->on_error(w->ud, d->path, -errno, "opendir");
		if (dupfd >= 0)
			close(dupfd);
		return 0;
	}
	while (!atomic_load(&w->fatal) && (errno = 0, de = readdir(dir))) {
		unsigned char type = de->d_type;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(d->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue; /* vanished */
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		}
		if (type == DT_REG) {
			if (!name_ok(w, de->d_name))
				continue;
			struct stat st;
			int big = !w->inline_mode &&
				  fstatat(d->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				  st.st_size >= BIG_FILE;
			r = enqueue(w, d, de->d_name, big);
			if (r < 0)
				break;
		} else if (type == DT_DIR) {
			struct stat st;
			struct wdir *sub;
			int fd = openat(d->fd, de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				_cleanup_free_ char *p = join(d->path, de->d_name);
				if (errno != ENOENT)
					w->on_error(w->ud, p ? p : de->d_name, -errno,
						    "open directory");
				continue;
			}
			if (w->o->xdev && (fstat(fd, &st) < 0 || st.st_dev != w->root_dev)) {
				close(fd);
				continue;
			}
			sub = calloc(1, sizeof(*sub));
			if (!sub || !(sub->path = join(d->path, de->d_name))) {
				free(sub);
				close(fd);
				r = -ENOMEM;
				break;
			}
			sub->fd = fd;
			sub->refs = 1;
			r = visit_dir(w, sub);
			if (r == 0)
				r = walk_dir(w, sub, depth + 1);
			else
				wdir_unref(sub);
			if (r < 0)
				break;
		}
	}
	closedir(dir);
	wdir_unref(d);
	return r;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int imactl_walk(const char *const *roots, size_t nroots, const imactl_walk_opts *opts,
		imactl_walk_visit visit, imactl_walk_error on_error, void *userdata)
{
	struct walk w = {.o = opts, .visit = visit, .on_error = on_error, .ud = userdata};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = opts->jobs > 0 ? opts->jobs : (ncpu > 0 ? (int)ncpu : 1);
	pthread_t *th;
	int started = 0, r = 0;

	if (jobs > 256)
		jobs = 256;
	raise_nofile();
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.not_empty, NULL);
	pthread_cond_init(&w.not_full, NULL);
	/* A single file, or one worker asked for: do the work in this thread. */
	w.inline_mode = jobs == 1 || (!opts->recursive && nroots <= 1);
	th = calloc((size_t)jobs, sizeof(*th));
	if (!th)
		return -ENOMEM;
	for (int i = 0; i < jobs && !w.inline_mode; i++) {
		if (pthread_create(&th[i], NULL, worker, &w) != 0)
			break;
		started++;
	}
	if (!started && !w.inline_mode) {
		free(th);
		return -EAGAIN;
	}

	for (size_t i = 0; i < nroots && r == 0 && !atomic_load(&w.fatal); i++) {
		struct stat st;
		if (stat(roots[i], &st) < 0) {
			on_error(userdata, roots[i], -errno, "stat");
			continue;
		}
		if (S_ISDIR(st.st_mode) && opts->recursive) {
			struct wdir *d = calloc(1, sizeof(*d));
			if (!d) {
				r = -ENOMEM;
				break;
			}
			d->fd = open(roots[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			d->path = strdup(roots[i]);
			d->refs = 1;
			if (d->fd < 0 || !d->path) {
				on_error(userdata, roots[i], d->fd < 0 ? -errno : -ENOMEM,
					 "open directory");
				if (d->fd >= 0)
					close(d->fd);
				free(d->path);
				free(d);
				continue;
			}
			w.root_dev = st.st_dev;
			r = visit_dir(&w, d);
			if (r == 0)
				r = walk_dir(&w, d, 0);
			else
				wdir_unref(d);
		} else {
			r = enqueue(&w, NULL, roots[i], 0);
		}
	}

	pthread_mutex_lock(&w.lock);
	w.done = 1;
	pthread_cond_broadcast(&w.not_empty);
	pthread_mutex_unlock(&w.lock);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.not_empty);
	pthread_cond_destroy(&w.not_full);
	if (r < 0)
		return r;
	return atomic_load(&w.fatal);
}

static const struct {
	const char *name;
	unsigned long magic;
} fstypes[] = {
	{"ext2", 0xEF53},	  {"ext3", 0xEF53},	   {"ext4", 0xEF53},
	{"xfs", 0x58465342},	  {"btrfs", 0x9123683E},   {"tmpfs", 0x01021994},
	{"ramfs", 0x858458f6},	  {"f2fs", 0xF2F52010},	   {"vfat", 0x4d44},
	{"squashfs", 0x73717368}, {"overlay", 0x794c7630}, {"erofs", 0xE0F5E1E2},
	{"nfs", 0x6969},	  {"fuse", 0x65735546},	   {"jfs", 0x3153464a},
	{"reiserfs", 0x52654973}, {"zfs", 0x2fc12fc1},	   {"proc", 0x9fa0},
	{"sysfs", 0x62656572},	  {"debugfs", 0x64626720}, {"securityfs", 0x73636673},
};

int imactl_fstype_magic(const char *name, unsigned long *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(fstypes); i++)
		if (strcmp(fstypes[i].name, name) == 0) {
			*ret = fstypes[i].magic;
			return 0;
		}
	return -EOPNOTSUPP;
}
