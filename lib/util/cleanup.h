/* SPDX-License-Identifier: MIT */
/* Internal: cleanup attributes and ownership helpers (lib and src only). */
#ifndef IMACTL_UTIL_CLEANUP_H
#define IMACTL_UTIL_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand ownership out of a cleanup-managed local. */
#define TAKE_PTR(p)                      \
	({                               \
		__typeof__(p) _tp = (p); \
		(p) = NULL;              \
		_tp;                     \
	})

#define TAKE_FD(fd)             \
	({                      \
		int _tf = (fd); \
		(fd) = -EBADF;  \
		_tf;            \
	})

/* Define a "freep" wrapper for a typed destructor that accepts NULL. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
	static inline void func##p(type *p)     \
	{                                       \
		if (*p)                         \
			func(*p);               \
	}

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

#endif
