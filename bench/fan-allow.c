/* SPDX-License-Identifier: MIT */
/* A bare allow-all fanotify permission listener (bench baseline): marks the
 * mount holding argv[1], answers FAN_ALLOW to everything, exits on SIGTERM. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/fanotify.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[65536];
	int fd;

	if (argc != 2)
		return 2;
	fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC | O_LARGEFILE);
	if (fd < 0 || fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_MOUNT,
				    FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM, AT_FDCWD, argv[1]) < 0) {
		perror("fanotify");
		return 1;
	}
	fprintf(stderr, "ready\n");
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return 0;
		for (struct fanotify_event_metadata *m = (void *)buf; FAN_EVENT_OK(m, n);
		     m = FAN_EVENT_NEXT(m, n)) {
			struct fanotify_response r = {.fd = m->fd, .response = FAN_ALLOW};
			if (m->fd < 0)
				continue;
			if (write(fd, &r, sizeof(r)) < 0)
				return 1;
			close(m->fd);
		}
	}
}
