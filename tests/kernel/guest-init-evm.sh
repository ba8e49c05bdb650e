#!/bin/busybox sh
# /init (PID 1) of the EVM kernel-test initramfs (run-evm.sh). Like
# guest-init.sh, but first gives the kernel an EVM HMAC key whose plaintext the
# host knows and enables EVM. Files the host puts next to it:
#   /modules.list  modules to insmod, in order (from /lib/modules)
#   /test.conf     sh variables: MOUNTS="uuid:dir ..." CERTS EVM_BITS
#   /keys/kmk.bin  the master key (user key "kmk")
#   /keys/evm.blob the "load" blob of the encrypted key "evm-key", made on the
#                  host by `imactl evm key create`
#   /policy        IMA policy, written once to securityfs
#   /cases         "name mode path" lines; mode = read
# Every result goes to the serial console as one "IMAKT ..." line; the host
# judges them. The guest does not decide PASS/FAIL.

. /guest-lib.sh
kt_boot_guest
. /test.conf
kt_insmod_all

# Audit records go to printk when no auditd runs; do not let them be dropped.
echo 0 >/proc/sys/kernel/printk_ratelimit

# --- EVM keys ----------------------------------------------------------------
kmk=$(keyctl padd user kmk @u </keys/kmk.bin 2>/tmp/err)
say "KMK rc=$? id=$kmk err=$(oneline /tmp/err)"
evmk=$(keyctl add encrypted evm-key "load $(cat /keys/evm.blob)" @u 2>/tmp/err)
say "EVMKEY rc=$? id=$evmk err=$(oneline /tmp/err)"
# The kernel's own rendering of the key (for `imactl evm key open` on the host).
keyctl pipe "$evmk" >/tmp/out 2>/tmp/err
say "EVMPIPE rc=$? out=$(tr -d '\n' </tmp/out | tr -c ' -~' '?' | cut -c 1-1000) err=$(oneline /tmp/err)"

ring=$(keyctl newring _evm @u 2>/tmp/err)
say "KEYRING rc=$? id=$ring err=$(oneline /tmp/err)"
kt_import_certs "$ring"

echo "$EVM_BITS" >/sys/kernel/security/evm 2>/tmp/err
say "EVMINIT rc=$? bits=$EVM_BITS now=$(cat /sys/kernel/security/evm 2>&1) err=$(oneline /tmp/err)"

# --- images, read-only (EVM then never rewrites security.evm) ----------------
kt_mount_images
kt_write_policy

while read -r name mode path; do
	[ -n "$name" ] || continue
	x=$(getfattr -n security.ima -e hex "$path" 2>/dev/null | sed -n 's/^security.ima=//p')
	e=$(getfattr -n security.evm -e hex "$path" 2>/dev/null | sed -n 's/^security.evm=//p')
	st=$(stat -c '%i %u %g %f' "$path" 2>&1)
	say "XATTR $name ima=${x:-none} evm=${e:-none} stat=$st"
	: >/tmp/out
	: >/tmp/err
	case $mode in
	read) cat "$path" >/tmp/out 2>/tmp/err ;;
	*) echo "unknown mode $mode" >/tmp/err ;;
	esac
	rc=$?
	say "CASE $name rc=$rc out=$(oneline /tmp/out) err=$(oneline /tmp/err)"
done </cases

kt_dump_audit
dmesg | grep -i -e 'evm' -e 'encrypted' -e 'Oops' -e 'BUG' | tr -c ' -~\n' '?' | sed 's/^/IMAKT KMSG /'
finish
