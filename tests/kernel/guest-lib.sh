# shellcheck shell=dash
# Sourced by every kernel-test /init (PID 1, busybox sh) as /guest-lib.sh: the
# boot prelude and the steps the guests share. Results go to the serial
# console as "IMAKT ..." lines; the host judges them, the guest decides nothing.

# kt_boot_guest [DIR...]: busybox applets, /dev /proc /sys securityfs, the
# console as stdio, the extra DIRs; then the BOOT line.
kt_boot_guest() {
	/bin/busybox mkdir -p /proc /sys /dev /tmp /mnt /sbin /usr/bin /usr/sbin "$@"
	/bin/busybox --install -s /bin
	export PATH=/bin:/sbin:/usr/bin:/usr/sbin
	mount -t devtmpfs devtmpfs /dev
	exec </dev/console >/dev/console 2>&1
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t securityfs securityfs /sys/kernel/security
	say "BOOT $(uname -r) $(cat /proc/cmdline)"
}

say() { echo "IMAKT $*"; }
# One line, printable ASCII only, so that the host can parse it.
oneline() { head -n 1 "$1" | tr -d '\n' | tr -c ' -~' '?' | cut -c 1-200; }
finish() {
	say "DONE"
	sync
	poweroff -f
	sleep 10
}

# The modules of /modules.list, in order.
kt_insmod_all() {
	while read -r m; do
		[ -n "$m" ] || continue
		insmod "/lib/modules/$m" || say "ERROR insmod $m"
	done </modules.list
}

# $MOUNTS ("uuid:dir ..."): each ext4 image by filesystem UUID, read-only.
kt_mount_images() {
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
}

# kt_import_certs RING: $CERTS into the keyring, with the evmctl under test.
kt_import_certs() {
	for c in $CERTS; do
		evmctl import "$c" "$1" >/tmp/out 2>/tmp/err
		rc=$?
		say "IMPORT rc=$rc cert=$c out=$(oneline /tmp/out) err=$(oneline /tmp/err)"
	done
	keyctl show "$1" 2>&1 | sed 's/^/IMAKT KEYS /'
}

# /policy, written once to securityfs.
kt_write_policy() {
	cat /policy >/sys/kernel/security/ima/policy 2>/tmp/err
	say "POLICY rc=$? err=$(oneline /tmp/err)"
}

# The kernel's audit records (type=1800, AUDIT_INTEGRITY_DATA) are printed by
# kauditd asynchronously: wait until their number stops changing, print them.
kt_dump_audit() {
	n=-1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		m=$(dmesg | grep -c 'type=1800')
		[ "$m" = "$n" ] && break
		n=$m
		sleep 0.5
	done
	dmesg | grep 'type=1800' | tr -c ' -~\n' '?' | sed 's/^/IMAKT AUDIT /'
}
