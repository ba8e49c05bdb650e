/* SPDX-License-Identifier: MIT */
/*
 * The policy parser, line by line: for every rule the verdict of 6.1, 6.12
 * and the newest modelled kernel (6.17), the column the error points at, and
 * the kernel's read-back of accepted rules.
 *
 * Provenance of the verdicts: derived by reading ima_parse_rule() and
 * ima_validate_rule() of a 6.17 tree (security/integrity/ima/ima_policy.c),
 * with the 6.1/6.12 differences from kernel history (see lib/policy_tokens.def
 * and lib/policy_parse.c), then replayed on Debian's 6.1 and 6.12 kernels by
 * tests/kernel/probe-policy.sh (captures in tests/data/policy/, checked by
 * test_policy_kernel.c).  The probe corrected the 6.1 column of the fs-verity
 * rows (digest_type=verity, sigv3, ima-ngv2, ima-sigv2: in 6.1 since v5.19).
 * Rows assume every usable hash is built (no_algos = 0); Debian's kernels lack
 * sm3, which test_no_algos() and the probe's kernel configuration cover.
 * The 6.17 column has not been replayed on a real kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "imactl/policy.h"

#define K61  IMACTL_POLICY_KERNEL(6, 1)
#define K612 IMACTL_POLICY_KERNEL(6, 12)
#define K617 IMACTL_POLICY_KERNEL(6, 17)

enum { A61 = 1, A612 = 2, A617 = 4, ALL = 7, NONE = 0, NEW = A612 | A617 };

struct vcase {
	const char *line;
	unsigned int accept; /* A61 | A612 | A617 */
	unsigned long col;   /* column of the error (rejected rows), 0 = not checked */
	const char *print;   /* read-back on 6.12/6.17 without "\n"; NULL = the line */
	const char *print61; /* read-back on 6.1 when it differs */
	unsigned int flags;  /* IMACTL_POLICY_* */
	int no_roundtrip;    /* the kernel's read-back is not itself loadable */
};

#define UUID "8bcbe394-4f13-4144-be8e-5aa9ea2ce2f6"
#define LSMU IMACTL_POLICY_LSM_UNDEFINED

static const struct vcase cases[] = {
	/* actions */
	{"measure", ALL, 0, "measure ", NULL, 0, 0},
	{"dont_measure", ALL, 0, "dont_measure ", NULL, 0, 0},
	{"appraise", ALL, 0, "appraise ", NULL, 0, 0},
	{"dont_appraise", ALL, 0, "dont_appraise ", NULL, 0, 0},
	{"audit", ALL, 0, "audit ", NULL, 0, 0},
	{"hash", ALL, 0, "hash ", NULL, 0, 0},
	{"dont_hash", ALL, 0, "dont_hash ", NULL, 0, 0},
	{"measure measure", NONE, 9, NULL, NULL, 0, 0},
	{"measure appraise", NONE, 9, NULL, NULL, 0, 0},
	{"dont_hash hash", NONE, 11, NULL, NULL, 0, 0},
	{"func=BPRM_CHECK", NONE, 1, NULL, NULL, 0, 0},
	{"Measure", NONE, 1, NULL, NULL, 0, 0},
	{"measure=1", NONE, 1, NULL, NULL, 0, 0},
	{"measure\r", NONE, 1, NULL, NULL, 0, 0},
	{"measures", NONE, 1, NULL, NULL, 0, 0},
	{"  measure  func=BPRM_CHECK  ", ALL, 0, "measure func=BPRM_CHECK ", NULL, 0, 0},
	{"\tmeasure\tfunc=BPRM_CHECK", ALL, 0, "measure func=BPRM_CHECK ", NULL, 0, 0},
	/* func= */
	{"measure func=FILE_CHECK", ALL, 0, "measure func=FILE_CHECK ", NULL, 0, 0},
	{"measure func=PATH_CHECK", ALL, 0, "measure func=FILE_CHECK ", NULL, 0, 0},
	{"measure func=MODULE_CHECK", ALL, 0, "measure func=MODULE_CHECK ", NULL, 0, 0},
	{"measure func=FIRMWARE_CHECK", ALL, 0, "measure func=FIRMWARE_CHECK ", NULL, 0, 0},
	{"measure func=MMAP_CHECK", ALL, 0, "measure func=MMAP_CHECK ", NULL, 0, 0},
	{"measure func=FILE_MMAP", ALL, 0, "measure func=MMAP_CHECK ", NULL, 0, 0},
	{"measure func=MMAP_CHECK_REQPROT", NEW, 9, "measure func=MMAP_CHECK_REQPROT ", NULL, 0, 0},
	{"measure func=BPRM_CHECK", ALL, 0, "measure func=BPRM_CHECK ", NULL, 0, 0},
	{"measure func=CREDS_CHECK", ALL, 0, "measure func=CREDS_CHECK ", NULL, 0, 0},
	{"measure func=KEXEC_KERNEL_CHECK", ALL, 0, "measure func=KEXEC_KERNEL_CHECK ", NULL, 0, 0},
	{"measure func=KEXEC_INITRAMFS_CHECK", ALL, 0, "measure func=KEXEC_INITRAMFS_CHECK ", NULL,
	 0, 0},
	{"measure func=POLICY_CHECK", ALL, 0, "measure func=POLICY_CHECK ", NULL, 0, 0},
	{"measure func=KEXEC_CMDLINE", ALL, 0, "measure func=KEXEC_CMDLINE ", NULL, 0, 0},
	{"measure func=KEY_CHECK", ALL, 0, "measure func=KEY_CHECK ", NULL, 0, 0},
	{"measure func=CRITICAL_DATA", ALL, 0, "measure func=CRITICAL_DATA ", NULL, 0, 0},
	{"measure func=SETXATTR_CHECK", NONE, 1, NULL, NULL, 0, 0},
	{"appraise func=SETXATTR_CHECK appraise_algos=sha256", ALL, 0,
	 "appraise func=SETXATTR_CHECK appraise_algos=sha256 ", NULL, 0, 0},
	{"measure func=POST_SETATTR", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=bprm_check", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=NONE", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=BPRM_CHECK func=BPRM_CHECK", NONE, 25, NULL, NULL, 0, 0},
	{"measure func=BPRM_CHECK func=FILE_CHECK", NONE, 25, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK", NONE, 9, NULL, NULL, IMACTL_POLICY_NO_ASYMMETRIC_KEYS, 0},
	/* mask= */
	{"measure func=FILE_CHECK mask=MAY_READ", ALL, 0, "measure func=FILE_CHECK mask=MAY_READ ",
	 NULL, 0, 0},
	{"measure func=FILE_CHECK mask=^MAY_READ", ALL, 0,
	 "measure func=FILE_CHECK mask=^MAY_READ ", NULL, 0, 0},
	{"measure mask=MAY_WRITE", ALL, 0, "measure mask=MAY_WRITE ", NULL, 0, 0},
	{"measure mask=MAY_APPEND", ALL, 0, "measure mask=MAY_APPEND ", NULL, 0, 0},
	{"measure mask=MAY_EXEC", ALL, 0, "measure mask=MAY_EXEC ", NULL, 0, 0},
	{"measure mask=^MAY_EXEC", ALL, 0, "measure mask=^MAY_EXEC ", NULL, 0, 0},
	{"measure mask=MAY_READ|MAY_WRITE", NONE, 9, NULL, NULL, 0, 0},
	{"measure mask=MAY_READ mask=MAY_WRITE", NONE, 23, NULL, NULL, 0, 0},
	{"measure mask=may_read", NONE, 9, NULL, NULL, 0, 0},
	{"measure mask=^^MAY_READ", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=KEXEC_CMDLINE mask=MAY_READ", NONE, 28, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK mask=MAY_READ", NONE, 24, NULL, NULL, 0, 0},
	{"measure func=MODULE_CHECK mask=MAY_READ", ALL, 0,
	 "measure func=MODULE_CHECK mask=MAY_READ ", NULL, 0, 0},
	/* fsmagic= (kstrtoul base 16) */
	{"dont_measure fsmagic=0x9fa0", ALL, 0, "dont_measure fsmagic=0x9fa0 ", NULL, 0, 0},
	{"dont_measure fsmagic=9fa0", ALL, 0, "dont_measure fsmagic=0x9fa0 ", NULL, 0, 0},
	{"dont_measure fsmagic=0X9FA0", ALL, 0, "dont_measure fsmagic=0x9fa0 ", NULL, 0, 0},
	{"dont_measure fsmagic=+9fa0", ALL, 0, "dont_measure fsmagic=0x9fa0 ", NULL, 0, 0},
	{"dont_measure fsmagic=0x01021994", ALL, 0, "dont_measure fsmagic=0x1021994 ", NULL, 0, 0},
	{"dont_measure fsmagic=xyz", NONE, 14, NULL, NULL, 0, 0},
	{"dont_measure fsmagic=0x", NONE, 14, NULL, NULL, 0, 0},
	{"dont_measure fsmagic=-1", NONE, 14, NULL, NULL, 0, 0},
	{"dont_measure fsmagic=0x9fa0 fsmagic=0x9fa0", NONE, 29, NULL, NULL, 0, 0},
	{"dont_measure fsmagic=0 fsmagic=0x9fa0", ALL, 0, "dont_measure fsmagic=0x9fa0 ", NULL, 0,
	 0},
	{"dont_measure fsmagic=10000000000000000", NONE, 14, NULL, NULL, 0, 0},
	{"dont_measure fsmagic=ffffffffffffffff", ALL, 0,
	 "dont_measure fsmagic=0xffffffffffffffff ", NULL, 0, 0},
	{"measure func=KEY_CHECK fsmagic=0x9fa0", NONE, 24, NULL, NULL, 0, 0},
	{"measure func=KEXEC_CMDLINE fsmagic=0x9fa0", ALL, 0,
	 "measure func=KEXEC_CMDLINE fsmagic=0x9fa0 ", NULL, 0, 0},
	/* fsname= (no duplicate check: last wins) */
	{"dont_measure fsname=tmpfs", ALL, 0, "dont_measure fsname=tmpfs ", NULL, 0, 0},
	{"dont_measure fsname=tmpfs fsname=proc", ALL, 0, "dont_measure fsname=proc ", NULL, 0, 0},
	{"dont_measure fsname=", NONE, 14, NULL, NULL, 0, 0},
	{"measure func=CRITICAL_DATA fsname=tmpfs", NONE, 28, NULL, NULL, 0, 0},
	/* fsuuid= (uuid_parse: 36 characters, the rest is not looked at) */
	{"appraise fsuuid=" UUID, ALL, 0, "appraise fsuuid=" UUID " ", NULL, 0, 0},
	{"appraise fsuuid=8BCBE394-4F13-4144-BE8E-5AA9EA2CE2F6", ALL, 0,
	 "appraise fsuuid=" UUID " ", NULL, 0, 0},
	{"appraise fsuuid=" UUID "xyz", ALL, 0, "appraise fsuuid=" UUID " ", NULL, 0, 0},
	{"appraise fsuuid=8bcbe3944f134144be8e5aa9ea2ce2f6", NONE, 10, NULL, NULL, 0, 0},
	{"appraise fsuuid=8bcbe394-4f13-4144-be8e-5aa9ea2ce2f", NONE, 10, NULL, NULL, 0, 0},
	{"appraise fsuuid=" UUID " fsuuid=" UUID, NONE, 54, NULL, NULL, 0, 0},
	{"appraise fsuuid=00000000-0000-0000-0000-000000000000 fsuuid=" UUID, ALL, 0,
	 "appraise fsuuid=" UUID " ", NULL, 0, 0},
	{"measure func=KEY_CHECK fsuuid=" UUID, NONE, 24, NULL, NULL, 0, 0},
	/* uid, euid, gid, egid, fowner, fgroup with =, <, > */
	{"measure uid=0", ALL, 0, "measure uid=0 ", NULL, 0, 0},
	{"measure uid=1000", ALL, 0, "measure uid=1000 ", NULL, 0, 0},
	{"measure uid>999", ALL, 0, "measure uid>999 ", NULL, 0, 0},
	{"measure uid<1000", ALL, 0, "measure uid<1000 ", NULL, 0, 0},
	{"measure euid=0", ALL, 0, "measure euid=0 ", NULL, 0, 0},
	{"measure euid>0", ALL, 0, "measure euid>0 ", NULL, 0, 0},
	{"measure euid<1", ALL, 0, "measure euid<1 ", NULL, 0, 0},
	{"measure gid=0", ALL, 0, "measure gid=0 ", NULL, 0, 0},
	{"measure gid>10", ALL, 0, "measure gid>10 ", NULL, 0, 0},
	{"measure gid<10", ALL, 0, "measure gid<10 ", NULL, 0, 0},
	{"measure egid=0", ALL, 0, "measure egid=0 ", NULL, 0, 0},
	{"measure egid>5", ALL, 0, "measure egid>5 ", NULL, 0, 0},
	{"measure egid<5", ALL, 0, "measure egid<5 ", NULL, 0, 0},
	{"measure fowner=0", ALL, 0, "measure fowner=0 ", NULL, 0, 0},
	{"measure fowner>1000", ALL, 0, "measure fowner>1000 ", NULL, 0, 0},
	{"measure fowner<1000", ALL, 0, "measure fowner<1000 ", NULL, 0, 0},
	{"measure fgroup=0", ALL, 0, "measure fgroup=0 ", NULL, 0, 0},
	{"measure fgroup>1", ALL, 0, "measure fgroup>1 ", NULL, 0, 0},
	{"measure fgroup<1", ALL, 0, "measure fgroup<1 ", NULL, 0, 0},
	{"measure uid=0 euid=0", NONE, 15, NULL, NULL, 0, 0},
	{"measure euid=0 uid=0", NONE, 16, NULL, NULL, 0, 0},
	{"measure uid=0 uid>5", NONE, 15, NULL, NULL, 0, 0},
	{"measure gid=0 egid=0", NONE, 15, NULL, NULL, 0, 0},
	{"measure fowner=0 fowner=1", NONE, 18, NULL, NULL, 0, 0},
	{"measure fgroup=0 fgroup>1", NONE, 18, NULL, NULL, 0, 0},
	{"measure uid=0 gid=0 fowner=0 fgroup=0", ALL, 0, "measure uid=0 gid=0 fowner=0 fgroup=0 ",
	 NULL, 0, 0},
	{"measure fgroup=0 fowner=0 gid=0 uid=0", ALL, 0, "measure uid=0 gid=0 fowner=0 fgroup=0 ",
	 NULL, 0, 0},
	{"measure uid=-1", NONE, 9, NULL, NULL, 0, 0},
	{"measure uid=4294967295", NONE, 9, NULL, NULL, 0, 0},
	/* The kernel prints ids with %d: the read-back of a large id is negative. */
	{"measure uid=4294967294", ALL, 0, "measure uid=-2 ", NULL, 0, 1},
	{"measure uid=4294967296", NONE, 9, NULL, NULL, 0, 0},
	{"measure uid=+5", ALL, 0, "measure uid=5 ", NULL, 0, 0},
	{"measure uid=0x10", NONE, 9, NULL, NULL, 0, 0},
	{"measure uid=", NONE, 9, NULL, NULL, 0, 0},
	{"measure uid!=0", NONE, 9, NULL, NULL, 0, 0},
	{"measure uid>=0", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK uid=0", ALL, 0, "measure func=KEY_CHECK uid=0 ", NULL, 0, 0},
	{"measure func=KEY_CHECK euid=0", NONE, 24, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK gid=0", ALL, 0, "measure func=KEY_CHECK gid=0 ", NULL, 0, 0},
	{"measure func=KEY_CHECK fowner=0", NONE, 24, NULL, NULL, 0, 0},
	{"measure func=CRITICAL_DATA uid=0", ALL, 0, "measure func=CRITICAL_DATA uid=0 ", NULL, 0,
	 0},
	{"measure func=CRITICAL_DATA egid=0", NONE, 28, NULL, NULL, 0, 0},
	/* LSM labels */
	{"measure obj_type=var_log_t", ALL, 0, "measure obj_type=var_log_t ", NULL, 0, 0},
	{"dont_measure subj_type=t subj_role=r subj_user=u obj_type=etc_t obj_role=object_r "
	 "obj_user=system_u",
	 ALL, 0,
	 "dont_measure obj_user=system_u obj_role=object_r obj_type=etc_t subj_user=u subj_role=r "
	 "subj_type=t ",
	 NULL, 0, 0},
	{"measure obj_type=a obj_type=b", NONE, 20, NULL, NULL, 0, 0},
	{"measure obj_type=", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK subj_type=t", NONE, 24, NULL, NULL, 0, 0},
	{"measure func=CRITICAL_DATA obj_type=t", NONE, 28, NULL, NULL, 0, 0},
	{"measure func=KEXEC_CMDLINE subj_type=t", ALL, 0,
	 "measure func=KEXEC_CMDLINE subj_type=t ", NULL, 0, 0},
	{"measure lsm=selinux", NONE, 9, NULL, NULL, 0, 0},
	{"measure obj_type=t", NONE, 9, NULL, NULL, LSMU | IMACTL_POLICY_FIRST_LOAD, 0},
	/* Undefined labels on a later load: accepted, hidden from the read-back. */
	{"measure obj_type=t", ALL, 0, "", NULL, LSMU, 0},
	{"measure obj_type=a obj_type=b", ALL, 0, "", NULL, LSMU, 0},
	/* appraise_type=, digest_type= and their order */
	{"appraise appraise_type=imasig", ALL, 0, "appraise appraise_type=imasig ", NULL, 0, 0},
	{"appraise func=MODULE_CHECK appraise_type=imasig|modsig", ALL, 0,
	 "appraise func=MODULE_CHECK appraise_type=imasig|modsig ", NULL, 0, 0},
	{"appraise func=BPRM_CHECK appraise_type=imasig|modsig", NONE, 26, NULL, NULL, 0, 0},
	{"appraise func=MODULE_CHECK appraise_type=imasig|modsig", NONE, 28, NULL, NULL,
	 IMACTL_POLICY_NO_MODSIG, 0},
	{"appraise appraise_type=modsig", NONE, 10, NULL, NULL, 0, 0},
	{"appraise appraise_type=sigv3", NONE, 10, NULL, NULL, 0, 0},
	/* The kernel prints appraise_type before digest_type, so its own read-back of a
	 * sigv3 rule is rejected when written back. */
	{"appraise func=BPRM_CHECK digest_type=verity appraise_type=sigv3", ALL, 0,
	 "appraise func=BPRM_CHECK appraise_type=sigv3 digest_type=verity ", NULL, 0, 1},
	{"appraise func=BPRM_CHECK appraise_type=sigv3 digest_type=verity", NONE, 26, NULL, NULL, 0,
	 0},
	{"appraise func=BPRM_CHECK appraise_type=imasig digest_type=verity", NONE, 47, NULL, NULL,
	 0, 0},
	{"appraise func=BPRM_CHECK digest_type=verity appraise_type=imasig", NONE, 0, NULL, NULL, 0,
	 0},
	{"appraise func=BPRM_CHECK digest_type=verity", NONE, 26, NULL, NULL, 0, 0},
	{"measure func=BPRM_CHECK digest_type=verity", ALL, 0,
	 "measure func=BPRM_CHECK digest_type=verity ", NULL, 0, 0},
	{"measure func=FILE_CHECK digest_type=verity template=ima-ngv2", ALL, 0,
	 "measure func=FILE_CHECK template=ima-ngv2 digest_type=verity ", NULL, 0, 0},
	{"measure func=MODULE_CHECK digest_type=verity", NONE, 27, NULL, NULL, 0, 0},
	{"measure digest_type=hash", NONE, 9, NULL, NULL, 0, 0},
	{"measure digest_type=verity digest_type=verity", ALL, 0, "measure digest_type=verity ",
	 NULL, 0, 0},
	/* The ABI document's own example names a template that does not exist. */
	{"measure func=BPRM_CHECK digest_type=verity template=ima-sigv3", NONE, 0, NULL, NULL, 0,
	 0},
	{"appraise appraise_type=imasig appraise_type=imasig", ALL, 0,
	 "appraise appraise_type=imasig ", NULL, 0, 0},
	{"measure appraise_type=imasig", NONE, 9, NULL, NULL, 0, 0},
	{"dont_appraise appraise_type=imasig", NONE, 15, NULL, NULL, 0, 0},
	{"appraise func=KEXEC_CMDLINE appraise_type=imasig", NONE, 1, NULL, NULL, 0, 0},
	/* appraise_flag=: meaningful before 6.6, ignored since */
	{"appraise appraise_flag=check_blacklist", NEW, 10, "appraise ", NULL, 0, 0},
	{"appraise func=MODULE_CHECK appraise_type=imasig|modsig appraise_flag=check_blacklist",
	 ALL, 0, "appraise func=MODULE_CHECK appraise_type=imasig|modsig ",
	 "appraise func=MODULE_CHECK appraise_type=imasig|modsig appraise_flag=check_blacklist ", 0,
	 0},
	{"appraise func=MODULE_CHECK appraise_flag=blacklist appraise_type=imasig|modsig", ALL, 0,
	 "appraise func=MODULE_CHECK appraise_type=imasig|modsig ",
	 "appraise func=MODULE_CHECK appraise_type=imasig|modsig appraise_flag=check_blacklist ", 0,
	 0},
	{"appraise func=MODULE_CHECK appraise_flag=foo appraise_type=imasig|modsig", NEW, 28,
	 "appraise func=MODULE_CHECK appraise_type=imasig|modsig ", NULL, 0, 0},
	{"measure appraise_flag=check_blacklist", NEW, 9, "measure ", NULL, 0, 0},
	{"appraise func=MODULE_CHECK appraise_type=imasig", ALL, 0,
	 "appraise func=MODULE_CHECK appraise_type=imasig ", NULL, 0, 0},
	{"appraise func=FIRMWARE_CHECK appraise_type=imasig", ALL, 0,
	 "appraise func=FIRMWARE_CHECK appraise_type=imasig ", NULL, 0, 0},
	/* appraise_algos= */
	{"appraise appraise_algos=sha256,sha512", ALL, 0, "appraise appraise_algos=sha256,sha512 ",
	 NULL, 0, 0},
	{"appraise appraise_algos=sha512,sha256", ALL, 0, "appraise appraise_algos=sha256,sha512 ",
	 NULL, 0, 0},
	{"appraise appraise_algos=sha256,sha256", ALL, 0, "appraise appraise_algos=sha256 ", NULL,
	 0, 0},
	{"appraise appraise_algos=sha256,", NONE, 10, NULL, NULL, 0, 0},
	{"appraise appraise_algos=,sha256", NONE, 10, NULL, NULL, 0, 0},
	{"appraise appraise_algos=SHA256", NONE, 10, NULL, NULL, 0, 0},
	{"appraise appraise_algos=tgr192", NONE, 10, NULL, NULL, 0, 0},
	{"appraise appraise_algos=rmd128", NONE, 10, NULL, NULL, 0, 0},
	{"appraise appraise_algos=sha3-256", NEW, 10, "appraise appraise_algos=sha3-256 ", NULL, 0,
	 0},
	{"appraise appraise_algos=md5,sha1", ALL, 0, "appraise appraise_algos=md5,sha1 ", NULL, 0,
	 0},
	{"appraise appraise_algos=sm3,streebog256,wp512,rmd160", ALL, 0,
	 "appraise appraise_algos=rmd160,wp512,sm3,streebog256 ", NULL, 0, 0},
	{"appraise appraise_algos=sha256 appraise_algos=sha512", NONE, 32, NULL, NULL, 0, 0},
	{"measure appraise_algos=sha256", NONE, 9, NULL, NULL, 0, 0},
	{"appraise func=SETXATTR_CHECK", NONE, 10, NULL, NULL, 0, 0},
	{"appraise func=SETXATTR_CHECK appraise_algos=sha256 fowner=0", NONE, 52, NULL, NULL, 0, 0},
	{"appraise func=SETXATTR_CHECK appraise_algos=sha256 appraise_type=imasig", NONE, 52, NULL,
	 NULL, 0, 0},
	{"dont_appraise func=SETXATTR_CHECK appraise_algos=sha256", NONE, 35, NULL, NULL, 0, 0},
	{"appraise func=MODULE_CHECK appraise_algos=sha256", ALL, 0,
	 "appraise func=MODULE_CHECK appraise_algos=sha256 ", NULL, 0, 0},
	/* permit_directio */
	{"measure permit_directio", ALL, 0, "measure permit_directio ", NULL, 0, 0},
	{"measure permit_directio permit_directio", ALL, 0, "measure permit_directio ", NULL, 0, 0},
	{"measure func=KEY_CHECK permit_directio", NONE, 24, NULL, NULL, 0, 0},
	{"measure permit_directio=1", NONE, 9, NULL, NULL, 0, 0},
	/* pcr= (kstrtoint; below the bits of an unsigned long) */
	{"measure pcr=11", ALL, 0, "measure pcr=11 ", NULL, 0, 0},
	{"measure pcr=0", ALL, 0, "measure pcr=0 ", NULL, 0, 0},
	{"measure pcr=63", ALL, 0, "measure pcr=63 ", NULL, 0, 0},
	{"measure pcr=64", NONE, 9, NULL, NULL, 0, 0},
	{"measure pcr=-1", NONE, 9, NULL, NULL, 0, 0},
	{"measure pcr=-0", ALL, 0, "measure pcr=0 ", NULL, 0, 0},
	{"measure pcr=+5", ALL, 0, "measure pcr=5 ", NULL, 0, 0},
	{"measure pcr=10 pcr=11", ALL, 0, "measure pcr=11 ", NULL, 0, 0},
	{"measure pcr=abc", NONE, 9, NULL, NULL, 0, 0},
	{"measure pcr=2147483648", NONE, 9, NULL, NULL, 0, 0},
	{"dont_measure pcr=11", NONE, 14, NULL, NULL, 0, 0},
	{"appraise pcr=11", NONE, 10, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK pcr=12", ALL, 0, "measure func=KEY_CHECK pcr=12 ", NULL, 0, 0},
	{"measure func=CRITICAL_DATA pcr=12", ALL, 0, "measure func=CRITICAL_DATA pcr=12 ", NULL, 0,
	 0},
	{"measure pcr=32", NONE, 9, NULL, NULL, IMACTL_POLICY_32BIT, 0},
	{"measure pcr=31", ALL, 0, "measure pcr=31 ", NULL, IMACTL_POLICY_32BIT, 0},
	/* template= (measure first; name or format of a defined template) */
	{"measure template=ima-ng", ALL, 0, "measure template=ima-ng ", NULL, 0, 0},
	{"measure template=ima", ALL, 0, "measure template=ima ", NULL, 0, 0},
	{"measure template=ima-sig", ALL, 0, "measure template=ima-sig ", NULL, 0, 0},
	{"measure template=ima-buf", ALL, 0, "measure template=ima-buf ", NULL, 0, 0},
	{"measure template=ima-modsig", ALL, 0, "measure template=ima-modsig ", NULL, 0, 0},
	{"measure template=evm-sig", ALL, 0, "measure template=evm-sig ", NULL, 0, 0},
	{"measure template=ima-ngv2", ALL, 0, "measure template=ima-ngv2 ", NULL, 0, 0},
	{"measure template=ima-sigv2", ALL, 0, "measure template=ima-sigv2 ", NULL, 0, 0},
	{"measure template=ima-sigv3", NONE, 9, NULL, NULL, 0, 0},
	{"measure template=d-ng|n-ng", ALL, 0, "measure template=ima-ng ", NULL, 0, 0},
	{"template=ima-ng measure", NONE, 1, NULL, NULL, 0, 0},
	{"dont_measure template=ima-ng", NONE, 14, NULL, NULL, 0, 0},
	{"measure template=ima-ng template=ima-ng", NONE, 25, NULL, NULL, 0, 0},
	{"measure template=foo", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK template=ima-buf", ALL, 0,
	 "measure func=KEY_CHECK template=ima-buf ", NULL, 0, 0},
	/* keyrings= and label= */
	{"measure func=KEY_CHECK keyrings=.ima|.builtin_trusted_keys", ALL, 0,
	 "measure func=KEY_CHECK keyrings=.ima|.builtin_trusted_keys ", NULL, 0, 0},
	{"measure func=KEY_CHECK keyrings=.ima||.evm", NONE, 24, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK keyrings=|.ima", NONE, 24, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK keyrings=.ima|", NONE, 24, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK keyrings=.ima keyrings=.evm", NONE, 38, NULL, NULL, 0, 0},
	{"measure keyrings=.ima", NONE, 9, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK keyrings=.ima", NONE, 9, NULL, NULL,
	 IMACTL_POLICY_NO_ASYMMETRIC_KEYS, 0},
	{"measure func=CRITICAL_DATA keyrings=.ima", NONE, 28, NULL, NULL,
	 IMACTL_POLICY_NO_ASYMMETRIC_KEYS, 0},
	{"measure func=CRITICAL_DATA", ALL, 0, "measure func=CRITICAL_DATA ", NULL,
	 IMACTL_POLICY_NO_ASYMMETRIC_KEYS, 0},
	{"measure func=CRITICAL_DATA label=selinux|kernel_info", ALL, 0,
	 "measure func=CRITICAL_DATA label=selinux|kernel_info ", NULL, 0, 0},
	{"measure func=CRITICAL_DATA label=a label=b", NONE, 36, NULL, NULL, 0, 0},
	{"measure func=KEY_CHECK label=selinux", NONE, 24, NULL, NULL, 0, 0},
	{"measure label=selinux", NONE, 9, NULL, NULL, 0, 0},
	{"dont_measure func=KEY_CHECK keyrings=.ima", ALL, 0,
	 "dont_measure func=KEY_CHECK keyrings=.ima ", NULL, 0, 0},
	{"appraise func=KEY_CHECK", NONE, 1, NULL, NULL, 0, 0},
	{"audit func=CRITICAL_DATA", NONE, 1, NULL, NULL, 0, 0},
	{"hash func=KEXEC_CMDLINE", NONE, 1, NULL, NULL, 0, 0},
	/* suffixed comments: accepted from 6.14 */
	{"measure func=BPRM_CHECK #comment", A617, 25, "measure func=BPRM_CHECK ", NULL, 0, 0},
	{"measure # comment", A617, 9, "measure ", NULL, 0, 0},
	{"measure func=BPRM_CHECK#x", NONE, 9, NULL, NULL, 0, 0},
	{"# measure", NONE, 0, NULL, NULL, 0, 0}, /* a comment only: an empty policy */
	/* other actions with conditions */
	{"audit func=BPRM_CHECK", ALL, 0, "audit func=BPRM_CHECK ", NULL, 0, 0},
	{"hash func=FILE_CHECK", ALL, 0, "hash func=FILE_CHECK ", NULL, 0, 0},
	{"dont_hash fsmagic=0x9fa0", ALL, 0, "dont_hash fsmagic=0x9fa0 ", NULL, 0, 0},
	{"audit func=MODULE_CHECK appraise_type=imasig", NONE, 25, NULL, NULL, 0, 0},
	{"hash pcr=10", NONE, 6, NULL, NULL, 0, 0},
	/* whole rules, canonical field order */
	{"measure func=FILE_CHECK mask=^MAY_READ euid=0", ALL, 0,
	 "measure func=FILE_CHECK mask=^MAY_READ euid=0 ", NULL, 0, 0},
	{"appraise fowner=0 appraise_type=imasig", ALL, 0,
	 "appraise fowner=0 appraise_type=imasig ", NULL, 0, 0},
	{"measure func=KEXEC_KERNEL_CHECK pcr=4", ALL, 0, "measure func=KEXEC_KERNEL_CHECK pcr=4 ",
	 NULL, 0, 0},
	{"appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig|modsig", ALL, 0,
	 "appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig|modsig ", NULL, 0, 0},
	{"measure permit_directio template=ima-ng pcr=11 fowner=0 fsmagic=0x9fa0 mask=MAY_READ "
	 "func=FILE_CHECK",
	 ALL, 0,
	 "measure func=FILE_CHECK mask=MAY_READ fsmagic=0x9fa0 pcr=11 fowner=0 template=ima-ng "
	 "permit_directio ",
	 NULL, 0, 0},
	{"appraise func=BPRM_CHECK fsuuid=" UUID " fowner<1000 fgroup>10 obj_type=bin_t "
	 "appraise_algos=sha512,sha384 appraise_type=imasig permit_directio",
	 ALL, 0,
	 "appraise func=BPRM_CHECK fsuuid=" UUID " fowner<1000 fgroup>10 "
	 "appraise_algos=sha384,sha512 obj_type=bin_t appraise_type=imasig permit_directio ",
	 NULL, 0, 0},
	{"measure func=KEY_CHECK keyrings=.ima uid=0 pcr=11 template=ima-buf", ALL, 0,
	 "measure func=KEY_CHECK keyrings=.ima pcr=11 uid=0 template=ima-buf ", NULL, 0, 0},
};

static unsigned int kernel_of(int i)
{
	static const unsigned int k[] = {K61, K612, K617};
	return k[i];
}

static void test_table(void **state)
{
	(void)state;
	int n_rows = 0;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct vcase *v = &cases[c];
		n_rows++;
		for (int ki = 0; ki < 3; ki++) {
			imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
			imactl_policy *p = NULL;
			imactl_diag d = {0};
			bool want = v->accept & (1u << ki);
			int r;

			o.kernel = kernel_of(ki);
			o.flags = v->flags;
			o.file = "t";
			r = imactl_policy_parse(v->line, strlen(v->line), &o, &p, &d);
			if (want != (r == 0)) {
				fprintf(stderr, "row %zu '%s' kernel %u: want %s, got %d (%s)\n", c,
					v->line, o.kernel, want ? "accept" : "EINVAL", r, d.msg);
				fail();
			}
			if (!want) {
				assert_int_equal(r, -EINVAL);
				assert_null(p);
				if (v->col && d.column != v->col) {
					fprintf(stderr,
						"row %zu '%s' kernel %u: column %lu, want %lu "
						"(%s)\n",
						c, v->line, o.kernel, d.column, v->col, d.msg);
					fail();
				}
				if (v->col)
					assert_int_equal(d.line, 1);
				continue;
			}
			{
				const char *expect = ki == 0 && v->print61 ? v->print61 : v->print;
				char buf[1024], want_buf[1024];
				size_t len;
				assert_int_equal(imactl_policy_print(p, buf, sizeof(buf), &len), 0);
				snprintf(want_buf, sizeof(want_buf), "%s%s", expect,
					 expect[0] ? "\n" : "");
				if (strcmp(buf, want_buf)) {
					fprintf(stderr,
						"row %zu kernel %u: print '%s', want '%s'\n", c,
						o.kernel, buf, want_buf);
					fail();
				}
				assert_int_equal(len, strlen(want_buf));
				/* Round trip: the read-back parses to the same read-back. */
				if (!v->no_roundtrip && buf[0]) {
					imactl_policy *q = NULL;
					char again[1024];
					if (imactl_policy_parse(buf, len, &o, &q, &d)) {
						fprintf(stderr,
							"row %zu: read-back '%s' rejected: %s\n", c,
							buf, d.msg);
						fail();
					}
					assert_int_equal(
						imactl_policy_print(q, again, sizeof(again), &len),
						0);
					assert_string_equal(again, buf);
					imactl_policy_free(q);
				}
			}
			imactl_policy_free(p);
		}
	}
	assert_true(n_rows >= 150);
}

static int parse(const char *text, unsigned int kernel, unsigned int flags, imactl_policy **p,
		 imactl_diag *d)
{
	imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;

	o.kernel = kernel;
	o.flags = flags;
	o.file = "policy.txt";
	memset(d, 0, sizeof(*d));
	*p = NULL;
	return imactl_policy_parse(text, strlen(text), &o, p, d);
}

static void test_file_level(void **state)
{
	imactl_policy *p;
	imactl_diag d;
	(void)state;

	/* ima_check_policy(): an update with no rules fails. */
	assert_int_equal(parse("", 0, 0, &p, &d), -EINVAL);
	assert_int_equal(parse("# only\n   # comments\n\n\t\n", 0, 0, &p, &d), -EINVAL);
	assert_int_equal(parse("", 0, IMACTL_POLICY_ALLOW_EMPTY, &p, &d), 0);
	assert_int_equal(imactl_policy_rule_count(p), 0);
	imactl_policy_free(p);

	/* A write that starts with '/' is a policy file path to the kernel. */
	assert_int_equal(parse("/etc/ima/policy\n", 0, 0, &p, &d), -EINVAL);
	assert_int_equal(d.line, 1);
	assert_int_equal(parse(" /etc/ima/policy\n", 0, 0, &p, &d), -EINVAL); /* unknown token */
	assert_int_equal(d.column, 2);

	/* All or nothing, and the error names file, line, column and token. */
	assert_int_equal(parse("measure func=BPRM_CHECK\n# c\n\nappraise fowner=0 "
			       "appraise_type=imasgi\nmeasure\n",
			       0, 0, &p, &d),
			 -EINVAL);
	assert_null(p);
	assert_string_equal(d.file, "policy.txt");
	assert_int_equal(d.line, 4);
	assert_int_equal(d.column, 19);
	assert_non_null(strstr(d.msg, "imasgi"));

	/* Rules keep their source lines; comments and blank lines are skipped. */
	assert_int_equal(
		parse("# x\nmeasure func=BPRM_CHECK\n\n  # y\nappraise fowner=0", 0, 0, &p, &d), 0);
	assert_int_equal(imactl_policy_rule_count(p), 2);
	assert_int_equal(imactl_policy_rule_line(p, 0), 2);
	assert_int_equal(imactl_policy_rule_line(p, 1), 5);
	assert_string_equal(imactl_policy_rule_source(p, 1), "appraise fowner=0");
	imactl_policy_free(p);

	/* DOS line endings: the kernel does not strip '\r'. */
	assert_int_equal(parse("measure func=BPRM_CHECK\r\n", 0, 0, &p, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "carriage return"));
	assert_int_equal(parse("measure\n\r\n", 0, 0, &p, &d), -EINVAL);
	assert_int_equal(d.line, 2);

	/* NUL bytes: not policy text. */
	{
		imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
		p = NULL;
		assert_int_equal(imactl_policy_parse("measure\0x\n", 10, &o, &p, &d), -EBADMSG);
	}

	/* A line longer than one write() is split by the kernel. */
	{
		size_t n = 5000;
		char *big = malloc(n + 1);
		assert_non_null(big);
		memset(big, ' ', n);
		memcpy(big, "measure", 7);
		big[n] = '\0';
		assert_int_equal(parse(big, 0, 0, &p, &d), -EMSGSIZE);
		free(big);
	}

	/* A custom template format from ima_template_fmt= can be named by its format. */
	{
		imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
		char buf[256];
		size_t len;
		const char *t = "measure template=d-ng|n-ng|sig|iuid";
		o.template_fmt = "d-ng|n-ng|sig|iuid";
		assert_int_equal(imactl_policy_parse(t, strlen(t), &o, &p, &d), 0);
		assert_int_equal(imactl_policy_print(p, buf, sizeof(buf), &len), 0);
		assert_string_equal(buf, "measure template= \n");
		imactl_policy_free(p);
		o.template_fmt = NULL;
		assert_int_equal(imactl_policy_parse(t, strlen(t), &o, &p, &d), -EINVAL);
	}
}

static void test_print_buffer(void **state)
{
	imactl_policy *p;
	imactl_diag d;
	char small[8];
	size_t len = 0;
	(void)state;

	assert_int_equal(
		parse("measure func=BPRM_CHECK\ndont_measure fsmagic=0x9fa0\n", 0, 0, &p, &d), 0);
	assert_int_equal(imactl_policy_print(p, small, sizeof(small), &len), -EMSGSIZE);
	assert_int_equal(len, strlen("measure func=BPRM_CHECK \ndont_measure fsmagic=0x9fa0 \n"));
	assert_int_equal(imactl_policy_print(p, NULL, 0, &len), -EMSGSIZE);
	{
		char *buf = malloc(len + 1);
		assert_int_equal(imactl_policy_print(p, buf, len + 1, &len), 0);
		assert_string_equal(buf,
				    "measure func=BPRM_CHECK \ndont_measure fsmagic=0x9fa0 \n");
		free(buf);
	}
	assert_int_equal(imactl_policy_print_rule(p, 5, small, sizeof(small), &len), -ERANGE);
	imactl_policy_free(p);
	imactl_policy_free(NULL);
}

/* --mask of policy explain / explain: MAY_* names joined by | or ,, or a number */
static void test_mask_parse(void **state)
{
	unsigned int m = 0;

	(void)state;
	assert_int_equal(imactl_policy_mask_parse("MAY_READ", &m), 0);
	assert_int_equal(m, IMACTL_POLICY_MAY_READ);
	assert_int_equal(imactl_policy_mask_parse("MAY_READ|MAY_EXEC", &m), 0);
	assert_int_equal(m, IMACTL_POLICY_MAY_READ | IMACTL_POLICY_MAY_EXEC);
	assert_int_equal(imactl_policy_mask_parse("MAY_WRITE,MAY_APPEND", &m), 0);
	assert_int_equal(m, IMACTL_POLICY_MAY_WRITE | IMACTL_POLICY_MAY_APPEND);
	assert_int_equal(imactl_policy_mask_parse("0x5", &m), 0);
	assert_int_equal(m, 5);
	m = 77;
	assert_int_equal(imactl_policy_mask_parse("MAY_READX", &m), -EINVAL);
	assert_int_equal(imactl_policy_mask_parse("MAY_REA", &m), -EINVAL);
	assert_int_equal(imactl_policy_mask_parse("MAY_READ|", &m), -EINVAL);
	assert_int_equal(imactl_policy_mask_parse("MAY_READ||MAY_EXEC", &m), -EINVAL);
	assert_int_equal(imactl_policy_mask_parse("^MAY_READ", &m), -EINVAL);
	assert_int_equal(imactl_policy_mask_parse("", &m), -EINVAL);
	assert_int_equal(imactl_policy_mask_parse("5x", &m), -EINVAL);
	assert_int_equal(m, 77); /* untouched on error */
}

static void test_kernel_parse(void **state)
{
	unsigned int k;
	imactl_diag d = {0};
	(void)state;

	assert_int_equal(imactl_policy_kernel_parse("6.1", &k, &d), 0);
	assert_int_equal(k, K61);
	assert_int_equal(imactl_policy_kernel_parse("6.12", &k, &d), 0);
	assert_int_equal(k, K612);
	assert_int_equal(imactl_policy_kernel_parse("6.1.0-31-amd64", &k, &d), 0);
	assert_int_equal(k, K61);
	assert_int_equal(imactl_policy_kernel_parse("6.12.9", &k, &d), 0);
	assert_int_equal(k, K612);
	assert_int_equal(imactl_policy_kernel_parse("newest", &k, &d), 0);
	assert_int_equal(k, IMACTL_POLICY_KERNEL_NEWEST);
	assert_int_equal(imactl_policy_kernel_parse("7.2", &k, &d), 0);
	assert_int_equal(imactl_policy_kernel_parse("5.15", &k, &d), -EOPNOTSUPP);
	assert_int_equal(imactl_policy_kernel_parse("six", &k, &d), -EINVAL);
	assert_int_equal(imactl_policy_kernel_parse("6", &k, &d), -EINVAL);
	assert_int_equal(imactl_policy_kernel_parse("6.x", &k, &d), -EINVAL);
	assert_int_equal(imactl_policy_kernel_parse("", &k, &d), -EINVAL);
}

/* appraise_algos= against the hashes a kernel's crypto API has (build configuration). */
static void test_no_algos(void **state)
{
	static const char sm3[] = "appraise appraise_algos=sm3,streebog256,wp512,rmd160";
	/* What Debian's 6.1.0-56 (6.1.192) .config says, abridged. */
	static const char deb61[] = "#\n"
				    "# Automatically generated file; DO NOT EDIT.\n"
				    "# Linux/x86 6.1.192 Kernel Configuration\n"
				    "#\n"
				    "CONFIG_64BIT=y\n"
				    "CONFIG_IMA=y\n"
				    "CONFIG_IMA_MEASURE_ASYMMETRIC_KEYS=y\n"
				    "CONFIG_CRYPTO_MD4=m\n"
				    "CONFIG_CRYPTO_MD5=y\n"
				    "CONFIG_CRYPTO_RMD160=m\n"
				    "CONFIG_CRYPTO_SHA1=y\n"
				    "CONFIG_CRYPTO_SHA256=y\n"
				    "CONFIG_CRYPTO_SHA512=m\n"
				    "CONFIG_CRYPTO_SHA3=m\n"
				    "# CONFIG_CRYPTO_SM3_GENERIC is not set\n"
				    "CONFIG_CRYPTO_STREEBOG=m\n"
				    "CONFIG_CRYPTO_WP512=m\n"
				    "# CONFIG_CRYPTO_SM3_AVX_X86_64 is not set\n";
	imactl_policy_options o = IMACTL_POLICY_OPTIONS_INIT;
	imactl_policy_kconfig k;
	imactl_policy *p = NULL;
	imactl_diag d = {0};
	(void)state;

	assert_int_equal(imactl_policy_algo_lookup("sm3"), 17);
	assert_int_equal(imactl_policy_algo_lookup("sha256"), 4);
	assert_int_equal(imactl_policy_algo_lookup("SHA256"), -1);

	/* Without build facts every usable hash counts as built. */
	o.kernel = K61;
	assert_int_equal(imactl_policy_parse(sm3, strlen(sm3), &o, &p, &d), 0);
	imactl_policy_free(p);
	p = NULL;
	/* The kernel lacks sm3: EINVAL at the appraise_algos token. */
	o.no_algos = 1u << imactl_policy_algo_lookup("sm3");
	assert_int_equal(imactl_policy_parse(sm3, strlen(sm3), &o, &p, &d), -EINVAL);
	assert_null(p);
	assert_int_equal(d.column, 10);
	assert_non_null(strstr(d.msg, "sm3"));
	assert_non_null(strstr(d.msg, "CRYPTO_SM3_GENERIC"));
	assert_int_equal(
		imactl_policy_parse("appraise appraise_algos=sha256,wp512", 36, &o, &p, &d), 0);
	imactl_policy_free(p);
	p = NULL;
	/* A version 1 options structure has no no_algos: it is not read. */
	o.version = 1;
	assert_int_equal(imactl_policy_parse(sm3, strlen(sm3), &o, &p, &d), 0);
	imactl_policy_free(p);
	p = NULL;
	o.version = 3;
	assert_int_equal(imactl_policy_parse(sm3, strlen(sm3), &o, &p, &d), -EINVAL);

	/* A kernel .config. */
	assert_int_equal(imactl_policy_kconfig_parse(deb61, strlen(deb61), &k, &d), 0);
	assert_int_equal(k.kernel, K61);
	assert_int_equal(k.flags, IMACTL_POLICY_NO_MODSIG | IMACTL_POLICY_CRYPTO_KNOWN);
	assert_int_equal(k.no_algos, 1u << 17); /* sm3 only; Tiger/RMD-128 are rejected anyway */
	o = (imactl_policy_options)IMACTL_POLICY_OPTIONS_INIT;
	o.kernel = k.kernel;
	o.flags = k.flags;
	o.no_algos = k.no_algos;
	assert_int_equal(imactl_policy_parse(sm3, strlen(sm3), &o, &p, &d), -EINVAL);
	/* An arch implementation provides the algorithm name as well. */
	{
		char cfg[2048];
		snprintf(cfg, sizeof(cfg), "%sCONFIG_CRYPTO_SM3_AVX_X86_64=m\n", deb61);
		assert_int_equal(imactl_policy_kconfig_parse(cfg, strlen(cfg), &k, &d), 0);
		assert_int_equal(k.no_algos, 0);
		/* No SHA-512 at all, a 32-bit build, modsig, no header. */
		snprintf(cfg, sizeof(cfg),
			 "CONFIG_IMA=y\nCONFIG_IMA_APPRAISE_MODSIG=y\nCONFIG_CRYPTO_SHA256=y\n");
		assert_int_equal(imactl_policy_kconfig_parse(cfg, strlen(cfg), &k, &d), 0);
		assert_int_equal(k.kernel, 0);
		assert_int_equal(k.flags, IMACTL_POLICY_NO_ASYMMETRIC_KEYS | IMACTL_POLICY_32BIT |
						  IMACTL_POLICY_CRYPTO_KNOWN);
		assert_true(k.no_algos & (1u << imactl_policy_algo_lookup("sha512")));
		assert_true(k.no_algos & (1u << imactl_policy_algo_lookup("sha384")));
		assert_false(k.no_algos & (1u << imactl_policy_algo_lookup("sha256")));
		assert_false(k.no_algos & (1u << imactl_policy_algo_lookup("sha224")));
		/* "=n" and a prefix of a longer symbol do not count as set. */
		snprintf(cfg, sizeof(cfg),
			 "CONFIG_IMA=y\nCONFIG_CRYPTO_SHA256=n\nCONFIG_CRYPTO_SHA256_X=y\n");
		assert_int_equal(imactl_policy_kconfig_parse(cfg, strlen(cfg), &k, &d), 0);
		assert_true(k.no_algos & (1u << imactl_policy_algo_lookup("sha256")));
	}
	/* Not the configuration of an IMA kernel. */
	assert_int_equal(imactl_policy_kconfig_parse("CONFIG_64BIT=y\n", 15, &k, &d), -EINVAL);
	assert_int_equal(imactl_policy_kconfig_parse("", 0, &k, &d), -EINVAL);
}

/* Issue 7: a 10,000-rule policy parses in well under a second. */
static void test_10k_rules(void **state)
{
	static const char *const rules[] = {
		"dont_measure fsmagic=0x9fa0\n",
		"measure func=FILE_CHECK mask=^MAY_READ euid=0 pcr=11 template=ima-ng\n",
		"appraise func=BPRM_CHECK fsuuid=" UUID " fowner<1000 appraise_type=imasig\n",
		"measure func=KEY_CHECK keyrings=.ima|.builtin_trusted_keys\n",
		"dont_appraise obj_type=var_log_t\n",
	};
	size_t cap = 10000 * 128, len = 0;
	char *text = malloc(cap);
	imactl_policy *p;
	imactl_diag d;
	struct timespec t0, t1;
	double secs;
	(void)state;

	assert_non_null(text);
	for (int i = 0; i < 10000; i++) {
		const char *r = rules[i % 5];
		size_t n = strlen(r);
		memcpy(text + len, r, n);
		len += n;
	}
	text[len] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(parse(text, 0, 0, &p, &d), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("parsed 10000 rules (%zu bytes) in %.1f ms\n", len, secs * 1e3);
	assert_int_equal(imactl_policy_rule_count(p), 10000);
	assert_true(secs < 0.5);
	imactl_policy_free(p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),	     cmocka_unit_test(test_file_level),
		cmocka_unit_test(test_print_buffer), cmocka_unit_test(test_kernel_parse),
		cmocka_unit_test(test_mask_parse),   cmocka_unit_test(test_no_algos),
		cmocka_unit_test(test_10k_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
