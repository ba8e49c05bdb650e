/* SPDX-License-Identifier: MIT */
/*
 * Privilege drop after setup (fapolicyd's "drop capabilities after setup"):
 * once the fanotify group is marked, the runtime directory, keys, EVM key
 * and TPM are open, imad keeps only what the event path uses, with capset()
 * and prctl() directly (no libcap):
 *
 *   CAP_DAC_READ_SEARCH, CAP_DAC_OVERRIDE  the kernel opens each event's fd
 *             with the listener's credentials: without them a file imad may
 *             not read would be denied by the kernel itself; the policy file
 *             on SIGHUP, the runtime directory
 *   CAP_SYS_ADMIN  writing security.ima/security.evm (fix mode, and the hash
 *             update after an appraised file is written, in every mode but
 *             off): cap_inode_setxattr() wants it for security.*
 *   CAP_SYS_PTRACE  /proc/PID/fd and fdinfo of other processes (the
 *             open-writers/ToMToU scan) when their capabilities exceed imad's
 *   CAP_LEASE  the read-lease probe for writers on files imad does not own
 *   CAP_AUDIT_WRITE  only while integrity records go to the audit subsystem
 *             (audit_netlink.c): the kernel checks it on every message, of
 *             the socket's opener and of the sender.  FAN_AUDIT needs it
 *             only at fanotify_init(), before the drop
 *
 * Everything else leaves the effective, permitted, inheritable and bounding
 * sets (and the ambient set is cleared), and PR_SET_NO_NEW_PRIVS is set.
 *
 * Then a seccomp filter, on every thread (TSYNC): a deny list of system
 * calls imad never makes, answered EPERM (not a kill: a library doing
 * something unexpected fails one call instead of taking every waiting opener
 * down with the daemon): running programs (execve, execveat), other
 * processes' memory (ptrace, process_vm_*), mounts and namespaces, kernel
 * code and state (modules, kexec, bpf, perf_event_open, reboot, swap,
 * clocks, host names, iopl/ioperm, acct, userfaultfd).  System calls of
 * another ABI (x32, i386 through int 0x80) are refused alike.  Found
 * harmless by tests/e2e/imad.test, which runs every case under it and wants
 * exit 0 from every stop.  AddressSanitizer builds leave ptrace out:
 * LeakSanitizer stops imad's threads with it at exit.
 * Found by testing: tests/e2e/imad.test runs every case with this set.
 * Called from the main thread before the worker threads exist (capset()
 * changes the calling thread only; threads created later inherit it).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "audit_netlink.h"
#include "imad.h"

static const struct {
	int cap;
	const char *name;
} caps[] = {
	{CAP_DAC_OVERRIDE, "cap_dac_override"},
	{CAP_DAC_READ_SEARCH, "cap_dac_read_search"},
	{CAP_SYS_ADMIN, "cap_sys_admin"},
	{CAP_SYS_PTRACE, "cap_sys_ptrace"},
	{CAP_LEASE, "cap_lease"},
	{CAP_AUDIT_WRITE, "cap_audit_write"},
};

uint64_t imad_privs_keep(const struct imad *d)
{
	uint64_t keep = 0;

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (caps[i].cap == CAP_SYS_ADMIN && d->cfg.mode == IMAD_MODE_OFF)
			continue; /* no xattr is ever written */
		if (caps[i].cap == CAP_AUDIT_WRITE && !imad_auditnl_active())
			continue; /* no audit socket (or --audit off) */
		keep |= 1ull << caps[i].cap;
	}
	return keep;
}

void imad_privs_describe(uint64_t keep, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (keep & (1ull << caps[i].cap))
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s",
						off ? "," : "", caps[i].name);
}

int imad_privs_drop(const struct imad *d, char *err, size_t errlen)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	uint64_t keep = imad_privs_keep(d);
	int last = CAP_LAST_CAP;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	/*
	 * The bounding set first: dropping from it needs CAP_SETPCAP, dropped
	 * below.  Without CAP_SETPCAP (a unit's CapabilityBoundingSet= already
	 * narrowed it) the bounding set stays as given; the other sets and
	 * no_new_privs still hold.
	 */
	for (int c = 0; c <= last && c < 64; c++) {
		if (keep & (1ull << c) || prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) {
			if (errno == EPERM)
				break; /* no CAP_SETPCAP */
			snprintf(err, errlen, "PR_CAPBSET_DROP %d: %s", c, strerror(errno));
			return -errno;
		}
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, data) < 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -errno;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

/* Sanitizer builds (CI): LeakSanitizer stops the threads at exit with ptrace */
#if defined(__SANITIZE_ADDRESS__)
#define IMAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IMAD_SANITIZER 1
#endif
#endif

#ifdef SECCOMP_ARCH
static const int denied_syscalls[] = {
	SYS_execve,
	SYS_execveat,
#ifndef IMAD_SANITIZER
	SYS_ptrace,
#endif
	SYS_process_vm_readv,
	SYS_process_vm_writev,
	SYS_mount,
	SYS_umount2,
	SYS_pivot_root,
	SYS_unshare,
	SYS_setns,
	SYS_init_module,
	SYS_finit_module,
	SYS_delete_module,
	SYS_kexec_load,
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
	SYS_bpf,
	SYS_perf_event_open,
	SYS_reboot,
	SYS_swapon,
	SYS_swapoff,
	SYS_settimeofday,
	SYS_clock_settime,
	SYS_clock_adjtime,
	SYS_adjtimex,
	SYS_sethostname,
	SYS_setdomainname,
	SYS_acct,
	SYS_userfaultfd,
#ifdef SYS_iopl
	SYS_iopl,
#endif
#ifdef SYS_ioperm
	SYS_ioperm,
#endif
#ifdef SYS_open_tree
	SYS_open_tree,
	SYS_move_mount,
	SYS_fsopen,
	SYS_fsconfig,
	SYS_fsmount,
	SYS_fspick,
#endif
};
#endif

unsigned int imad_seccomp_count(void)
{
#ifdef SECCOMP_ARCH
	return sizeof(denied_syscalls) / sizeof(denied_syscalls[0]);
#else
	return 0;
#endif
}

int imad_seccomp_install(char *err, size_t errlen)
{
#ifdef SECCOMP_ARCH
	enum { N = sizeof(denied_syscalls) / sizeof(denied_syscalls[0]) };
	struct sock_filter f[N + 6];
	struct sock_fprog prog;
	unsigned int n = 0;
	const unsigned int deny_at = N + 5; /* index of the RET ERRNO below */

	/* the ABI first: another one's numbers mean other calls */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 0,
					    (unsigned char)(deny_at - n - 1));
	n++;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
	/* x32 numbers share the x86_64 arch value, with bit 30 set */
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u,
					    (unsigned char)(deny_at - n - 1), 0);
	n++;
#else
	/* (the same layout as x86_64's: reload nr where it tests x32) */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
#endif
	for (unsigned int i = 0; i < N; i++) {
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						    (unsigned int)denied_syscalls[i],
						    (unsigned char)(deny_at - n - 1), 0);
		n++;
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0) {
		snprintf(err, errlen, "seccomp: %s", strerror(errno));
		return -errno;
	}
	return 1;
#else
	(void)err;
	(void)errlen;
	return 0; /* no filter for this architecture */
#endif
}
