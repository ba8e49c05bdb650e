#!/bin/busybox sh
# /init (PID 1) of the kernel-test initramfs. Generic: everything test-specific
# comes from files the host puts next to it:
#   /modules.list  modules to insmod, in order (from /lib/modules)
#   /test.conf     sh variables: MOUNTS="uuid:dir ..." KEYRING CERTS
#   /policy        IMA policy, written once to securityfs
#   /cases         "name mode path" lines; mode = read | exec
# Every result goes to the serial console as one "IMAKT ..." line; the host
# parses and judges them (run-appraise.sh). The guest does not decide PASS/FAIL.

. /guest-lib.sh
kt_boot_guest
. /test.conf
kt_insmod_all
kt_mount_images

# Keys: a keyring named by $KEYRING on the user keyring, certificates imported
# with the evmctl under test ("evmctl import CERT.der <id>").
ring=$(keyctl newring "$KEYRING" @u 2>/tmp/err)
rc=$?
say "KEYRING rc=$rc id=$ring err=$(oneline /tmp/err)"
kt_import_certs "$ring"

# Audit records go to printk when no auditd runs; do not let them be dropped.
echo 0 >/proc/sys/kernel/printk_ratelimit

kt_write_policy

while read -r name mode path; do
	[ -n "$name" ] || continue
	x=$(getfattr -n security.ima -e hex "$path" 2>/dev/null | sed -n 's/^security.ima=//p')
	say "XATTR $name ${x:-none}"
	: >/tmp/out
	: >/tmp/err
	case $mode in
	read) cat "$path" >/tmp/out 2>/tmp/err ;;
	exec) "$path" echo "RAN-$name" >/tmp/out 2>/tmp/err ;;
	*) echo "unknown mode $mode" >/tmp/err ;;
	esac
	rc=$?
	say "CASE $name rc=$rc out=$(oneline /tmp/out) err=$(oneline /tmp/err)"
done </cases

kt_dump_audit
finish
