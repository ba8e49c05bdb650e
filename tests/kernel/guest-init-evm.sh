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

/bin/busybox mkdir -p /proc /sys /dev /tmp /mnt /sbin /usr/bin /usr/sbin
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security

say() { echo "IMAKT $*"; }
oneline() { head -n 1 "$1" | tr -d '\n' | tr -c ' -~' '?' | cut -c 1-200; }
finish() {
	say "DONE"
	sync
	poweroff -f
	sleep 10
}

say "BOOT $(uname -r) $(cat /proc/cmdline)"
. /test.conf

while read -r m; do
	insmod "/lib/modules/$m" || say "ERROR insmod $m"
done </modules.list

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
for c in $CERTS; do
	evmctl import "$c" "$ring" >/tmp/out 2>/tmp/err
	rc=$?
	say "IMPORT rc=$rc cert=$c out=$(oneline /tmp/out) err=$(oneline /tmp/err)"
done
keyctl show "$ring" 2>&1 | sed 's/^/IMAKT KEYS /'

echo "$EVM_BITS" >/sys/kernel/security/evm 2>/tmp/err
say "EVMINIT rc=$? bits=$EVM_BITS now=$(cat /sys/kernel/security/evm 2>&1) err=$(oneline /tmp/err)"

# --- images, read-only (EVM then never rewrites security.evm) ----------------
for pair in $MOUNTS; do
	uuid=${pair%%:*} dir=${pair#*:}
	dev=""
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		dev=$(findfs "UUID=$uuid" 2>/dev/null) && break
		sleep 0.5
	done
	mkdir -p "$dir"
	if [ -n "$dev" ] && mount -t ext4 -o ro "$dev" "$dir"; then
		say "MOUNT ok $uuid $dev $dir"
	else
		say "MOUNT fail $uuid $dir"
	fi
done

cat /policy >/sys/kernel/security/ima/policy 2>/tmp/err
say "POLICY rc=$? err=$(oneline /tmp/err)"

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

n=-1
for i in 1 2 3 4 5 6 7 8 9 10; do
	m=$(dmesg | grep -c 'type=1800')
	[ "$m" = "$n" ] && break
	n=$m
	sleep 0.5
done
dmesg | grep 'type=1800' | tr -c ' -~\n' '?' | sed 's/^/IMAKT AUDIT /'
dmesg | grep -i -e 'evm' -e 'encrypted' -e 'Oops' -e 'BUG' | tr -c ' -~\n' '?' | sed 's/^/IMAKT KMSG /'
finish
