/* SPDX-License-Identifier: MIT */
/*
 * Open-writers and ToMToU violations (ima_main.c ima_rdwr_violation_check()),
 * approximated on fanotify, which reports neither the opener's open flags nor
 * who else has the file open:
 *
 *  1. the reader probes, for every FAN_OPEN_PERM (not an exec) under a policy
 *     that measures FILE_CHECK, whether the file is open for write anywhere:
 *     a read lease (F_SETLEASE F_RDLCK on the event's read-only fd, released
 *     at once) is refused with EAGAIN exactly when the inode's i_writecount
 *     is positive, the kernel's own inode_is_open_for_write() test.  Two
 *     fcntl() calls, no /proc;
 *  2. only then, in a worker, the opens of that inode are found in
 *     /proc/PID/fd and their access modes in /proc/PID/fdinfo.  The opener is
 *     still inside open(): its new fd is not installed yet, so every write
 *     open found belongs to someone else:
 *       - another writer: "open_writers" (the opener reads while it is
 *         written; if the opener writes too, the kernel would have said
 *         ToMToU when readers exist: reported as open_writers here);
 *       - no other writer: the writer the probe saw is the opener itself; if
 *         others have the file open for read: "ToMToU".
 *
 * Limits (docs/imad.8.md): a writer that opens and the /proc scan racing; a
 * file system without leases (fs.leases-enable = 0, some FUSE/NFS) gives no
 * violations; writers in other PID namespaces than imad's /proc are missed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <unistd.h>

#include "imad.h"

int imad_writers_probe(int fd, int *leased)
{
	*leased = 0;
	if (fcntl(fd, F_SETLEASE, F_RDLCK) < 0)
		return errno == EAGAIN ? 1 : 0; /* EINVAL/EACCES: no leases here, no signal */
	*leased = 1;
	return 0;
}

void imad_lease_release(int fd)
{
	fcntl(fd, F_SETLEASE, F_UNLCK);
}

/* O_ACCMODE of /proc/PID/fdinfo/FD, or -1. */
static int fdinfo_accmode(const char *pid, const char *fd)
{
	char path[600], line[128];
	int mode = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "flags:", 6) == 0) {
			mode = (int)(strtoul(line + 6, NULL, 8) & O_ACCMODE);
			break;
		}
	fclose(f);
	return mode;
}

/* Count other opens of (dev, ino) for write and for read only. */
static void scan_opens(const struct imad_key *k, pid_t self, unsigned int *ret_w,
		       unsigned int *ret_r)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;

	*ret_w = *ret_r = 0;
	if (!proc)
		return;
	while ((p = readdir(proc))) {
		char dpath[300];
		struct dirent *f;
		DIR *fds;

		if (p->d_name[0] < '1' || p->d_name[0] > '9' || atoi(p->d_name) == self)
			continue;
		snprintf(dpath, sizeof(dpath), "/proc/%s/fd", p->d_name);
		fds = opendir(dpath);
		if (!fds)
			continue;
		while ((f = readdir(fds))) {
			struct stat st;
			int mode;

			if (f->d_name[0] == '.')
				continue;
			if (fstatat(dirfd(fds), f->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode) ||
			    (uint64_t)st.st_ino != k->ino || (uint64_t)st.st_dev != k->dev)
				continue;
			mode = fdinfo_accmode(p->d_name, f->d_name);
			if (mode == O_WRONLY || mode == O_RDWR)
				(*ret_w)++;
			else if (mode == O_RDONLY)
				(*ret_r)++;
		}
		closedir(fds);
	}
	closedir(proc);
}

const char *imad_violation_check(struct imad *d, const struct imad_event *ev, const char *path,
				 int measured_before)
{
	unsigned int w, r;
	const char *cause = NULL;

	scan_opens(&ev->key, d->self, &w, &r);
	if (w)
		cause = "open_writers";
	else if (r && measured_before)
		cause = "ToMToU";
	if (!cause)
		return NULL;
	if (imad_measure_violation(d, path) < 0)
		atomic_fetch_add(&d->st.errors, 1);
	return cause;
}
