/* SPDX-License-Identifier: MIT */
/*
 * The filesystem UUID the kernel hashes into EVM HMACs and immutable
 * signatures: the superblock's s_uuid.  FS_IOC_GETFSUUID (Linux 6.5) returns
 * exactly that; before it, libblkid reads the UUID from the block device
 * (what ext4 and xfs copy into s_uuid).  The ioctl is one cheap syscall per
 * file and is never cached.  Only the libblkid fallback (a device probe) is
 * cached, process-wide and bounded, keyed by device number AND mount id
 * (statx STATX_MNT_ID), so a device number reused by another filesystem
 * after an unmount does not return a stale UUID.  No subprocess ever runs
 * (evmctl runs `blkid` per file).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "config.h"
#if HAVE_BLKID
#include <blkid/blkid.h>
#endif

#include "diag.h"
#include "imactl/evm.h"
#include "util/hex.h"

#ifndef FS_IOC_GETFSUUID
struct fsuuid2 {
	uint8_t len;
	uint8_t uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct fsuuid2)
#endif

#define UUID_CACHE 64

static struct {
	dev_t dev;
	uint64_t mnt_id;
	int valid;
	uint8_t uuid[16];
} cache[UUID_CACHE];
static size_t cache_n;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

int imactl_uuid_parse(const char *s, uint8_t out[16])
{
	size_t n = 0;

	for (const char *p = s; *p; p++) {
		int hi, lo;
		if (*p == '-')
			continue;
		if (n == 16 || !p[1])
			return -EINVAL;
		hi = hex_nibble(p[0]);
		lo = hex_nibble(p[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[n++] = (uint8_t)(hi << 4 | lo);
		p++;
	}
	return n == 16 ? 0 : -EINVAL;
}

static int lookup(dev_t dev, uint64_t mnt_id, uint8_t out[16])
{
	int found = 0;

	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < cache_n; i++)
		if (cache[i].dev == dev && cache[i].mnt_id == mnt_id && cache[i].valid) {
			memcpy(out, cache[i].uuid, 16);
			found = 1;
			break;
		}
	pthread_mutex_unlock(&cache_lock);
	return found;
}

static void store(dev_t dev, uint64_t mnt_id, const uint8_t uuid[16])
{
	pthread_mutex_lock(&cache_lock);
	if (cache_n < UUID_CACHE) {
		cache[cache_n].dev = dev;
		cache[cache_n].mnt_id = mnt_id;
		cache[cache_n].valid = 1;
		memcpy(cache[cache_n].uuid, uuid, 16);
		cache_n++;
	}
	pthread_mutex_unlock(&cache_lock);
}

#if HAVE_BLKID
static int blkid_uuid(dev_t dev, uint8_t out[16])
{
	char *devname = blkid_devno_to_devname(dev);
	char *value;
	int r = -ENODEV;

	if (!devname)
		return -ENODEV;
	value = blkid_get_tag_value(NULL, "UUID", devname);
	if (value) {
		r = imactl_uuid_parse(value, out);
		free(value);
	}
	free(devname);
	return r;
}
#endif

int imactl_fs_uuid_fd(int fd, uint8_t out[16], imactl_diag *reterr)
{
	struct fsuuid2 fu = {.len = 16};
	struct stat st;
	int r = -ENODEV;

	if (fstat(fd, &st) < 0)
		return diag_fail(reterr, -errno, "fstat: %m");
	if (ioctl(fd, FS_IOC_GETFSUUID, &fu) == 0 && fu.len == 16) {
		memcpy(out, fu.uuid, 16);
		return 0;
	}
#if HAVE_BLKID
	{
		struct statx sx = {0};
		uint64_t mnt_id = 0;
		if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 &&
		    (sx.stx_mask & STATX_MNT_ID))
			mnt_id = sx.stx_mnt_id;
		if (lookup(st.st_dev, mnt_id, out))
			return 0;
		r = blkid_uuid(st.st_dev, out);
		if (r == 0) {
			store(st.st_dev, mnt_id, out);
			return 0;
		}
	}
#endif
	return diag_fail(reterr, -EOPNOTSUPP,
			 "cannot determine the filesystem UUID of device %u:%u (no "
			 "FS_IOC_GETFSUUID, no block device%s): give it with --uuid=UUID "
			 "(all zeros for a filesystem without one), leave it out with --uuid, or "
			 "sign --portable",
			 major(st.st_dev), minor(st.st_dev),
			 HAVE_BLKID ? "" : ", built without libblkid");
}
