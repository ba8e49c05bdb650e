#!/bin/busybox sh
# /init (PID 1) of the kernel-test initramfs. Generic: everything test-specific
# comes from files the host puts next to it:
#   /modules.list  modules to insmod, in order (from /lib/modules)
#   /test.conf     sh variables: MOUNTS="uuid:dir ..." KEYRING CERTS
#   /policy        IMA policy, written once to securityfs
#   /cases         "name mode path" lines; mode = read | exec
# Every result goes to the serial console as one "IMAKT ..." line; the host
# parses and judges them (run-appraise.sh). The guest does not decide PASS/FAIL.

/bin/busybox mkdir -p /proc /sys /dev /tmp /mnt /sbin /usr/bin /usr/sbin
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security

say() { echo "IMAKT $*"; }
# One line, printable ASCII only, so that the host can parse it.
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

# Mount the test images by filesystem UUID (findfs), read-only.
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

# Keys: a keyring named by $KEYRING on the user keyring, certificates imported
# with the evmctl under test ("evmctl import CERT.der <id>").
ring=$(keyctl newring "$KEYRING" @u 2>/tmp/err)
rc=$?
say "KEYRING rc=$rc id=$ring err=$(oneline /tmp/err)"
for c in $CERTS; do
	evmctl import "$c" "$ring" >/tmp/out 2>/tmp/err
	rc=$?
	say "IMPORT rc=$rc cert=$c out=$(oneline /tmp/out) err=$(oneline /tmp/err)"
done
keyctl show "$ring" 2>&1 | sed 's/^/IMAKT KEYS /'

# Audit records go to printk when no auditd runs; do not let them be dropped.
echo 0 >/proc/sys/kernel/printk_ratelimit

cat /policy >/sys/kernel/security/ima/policy 2>/tmp/err
rc=$?
say "POLICY rc=$rc err=$(oneline /tmp/err)"

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

# The kernel's audit records (type=1800 = AUDIT_INTEGRITY_DATA) are printed by
# kauditd asynchronously: wait until their number stops changing.
n=-1
for i in 1 2 3 4 5 6 7 8 9 10; do
	m=$(dmesg | grep -c 'type=1800')
	[ "$m" = "$n" ] && break
	n=$m
	sleep 0.5
done
dmesg | grep 'type=1800' | tr -c ' -~\n' '?' | sed 's/^/IMAKT AUDIT /'
finish
