/* SPDX-License-Identifier: MIT */
/*
 * Parallel, bounded tree walk for bulk operations.  The calling thread walks
 * directories depth-first (openat, O_NOFOLLOW, one fd per level) and hands
 * regular files to a pool of workers through a bounded queue, so memory stays
 * bounded whatever the tree size.  Each worker opens its file once, relative
 * to the parent directory's fd (O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC), fstat()s it,
 * applies the filters and calls the visitor with the open fd.
 */
#ifndef IMACTL_WALK_H
#define IMACTL_WALK_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "imactl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct imactl_walk_opts {
	int recursive;	/* descend into directories given as roots */
	int xdev;	/* do not cross into other filesystems (find -xdev) */
	int jobs;	/* worker threads; 0 = number of online CPUs */
	int open_flags; /* extra open flags for files (e.g. O_RDWR); 0 = O_RDONLY */
	int filter_uid; /* only files owned by uid */
	uid_t uid;
	int filter_fstype; /* only files on a filesystem with this statfs magic */
	unsigned long fstype_magic;
	int filter_executable; /* only files with an execute bit */
	int dir_operands;      /* visit directories given as operands (EVM covers them) */
	int dirs_walked;       /* with recursive: visit every directory walked too */
	const char *name_glob; /* only files whose basename matches (fnmatch) */
} imactl_walk_opts;

/*
 * Called once per selected regular file, from a worker thread: @fd is open on
 * it (closed by the walker after return), @path is for messages.  Returns 0 to
 * go on, or a negative errno to stop the walk (fatal error).
 */
typedef int (*imactl_walk_visit)(void *userdata, int fd, const char *path, const struct stat *st);

/*
 * Called for a file or directory that could not be processed (vanished,
 * unreadable, not a regular file given as a root): @err is a negative errno,
 * @what says which step failed.  May be called from any thread.
 */
typedef void (*imactl_walk_error)(void *userdata, const char *path, int err, const char *what);

/**
 * imactl_walk() - visit the regular files under @roots.
 *
 * Roots are opened following symlinks (the user named them); everything found
 * below them is opened without following symlinks.  Symlinks, devices, fifos
 * and sockets found while walking are skipped silently, like evmctl -r.
 *
 * Returns 0 when the walk completed (per-file errors go to @on_error), or the
 * first negative errno a visitor returned.
 */
int imactl_walk(const char *const *roots, size_t nroots, const imactl_walk_opts *opts,
		imactl_walk_visit visit, imactl_walk_error on_error, void *userdata);

/**
 * imactl_fstype_magic() - statfs magic for a filesystem name ("ext4", "xfs",
 * "btrfs", "tmpfs" ...).  Returns 0 and sets *ret, or -EOPNOTSUPP.
 */
int imactl_fstype_magic(const char *name, unsigned long *ret);

#ifdef __cplusplus
}
#endif
#endif
