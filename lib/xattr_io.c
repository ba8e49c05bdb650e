/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/xattr.h>

#include "imactl/xattr.h"

long imactl_xattr_get(int fd, const char *name, uint8_t *buf, size_t cap)
{
	ssize_t n = fgetxattr(fd, name, buf, cap);

	if (n < 0)
		return errno == ENODATA ? -ENODATA : -errno;
	return (long)n;
}

int imactl_xattr_set(int fd, const char *name, const uint8_t *value, size_t len)
{
	return fsetxattr(fd, name, value, len, 0) < 0 ? -errno : 0;
}

int imactl_xattr_remove(int fd, const char *name)
{
	if (fremovexattr(fd, name) < 0)
		return errno == ENODATA ? 0 : -errno;
	return 0;
}
