#!/bin/busybox sh
# shellcheck shell=dash
# /init (PID 1) of the measurement-capture initramfs (capture-measurements.sh).
# Boot: ima_policy=tcb ima_template=ima-ng; this init writes the policy in
# /policy (tcb again, plus ima-sig for reads by uid 1000, ima-buf for KEY_CHECK), exercises
# files on the ext4 image (/dev/vda, mounted read-only on /mnt), adds the
# signing certificate to the _ima keyring, opens a file for writing while it
# is read (an open_writers violation), then copies the measurement lists, the
# PCR banks and the BIOS event log to a tmpfs (not measured under tcb) and
# writes them as a tar stream to the second disk (/dev/vdb).
# Progress goes to the serial console as "IMAKT ..." lines.

. /guest-lib.sh
kt_boot_guest /out
mount -t tmpfs -o size=32m tmpfs /out
S=/sys/kernel/security/ima
kt_insmod_all

for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -b /dev/vda ] && [ -b /dev/vdb ] && break
	sleep 0.5
done
if mount -t ext4 -o ro /dev/vda /mnt; then
	say "MOUNT ok"
else
	say "MOUNT fail"
fi

cat /policy >$S/policy 2>/tmp/err
say "POLICY rc=$? $(head -c 200 /tmp/err)"

# KEY_CHECK -> one ima-buf entry named after the keyring, buf = the DER cert.
ring=$(keyctl newring _ima @u)
keyctl padd asymmetric "" "$ring" </ima-cert.der >/dev/null
say "KEY rc=$? ring=$ring"

# FILE_CHECK by uid 1000 -> ima-sig (the file's security.ima in the sig field).
for f in /mnt/data/signed.txt /mnt/data/unsigned.txt /mnt/data/hashed.txt /mnt/bin/busybox; do
	su -s /bin/sh imakt -c "cat $f >/dev/null"
	say "READ-1000 rc=$? $f"
done
# tcb rules -> ima-ng: reads by root, executions.
cat /mnt/data/root.txt >/dev/null
say "READ-0 rc=$? /mnt/data/root.txt"
/mnt/bin/busybox true
say "EXEC rc=$? /mnt/bin/busybox"
/mnt/bin/script.sh
say "EXEC rc=$? /mnt/bin/script.sh"
# open_writers violation: a root read of a file open for writing (ramfs).
echo violation >/violation.txt
exec 3>>/violation.txt
cat /violation.txt >/dev/null
exec 3>&-
say "VIOLATION $(cat $S/violations)"

# Capture: the log and the PCRs must agree; retry if the log grew meanwhile.
for _ in 1 2 3 4 5; do
	n1=$(cat $S/runtime_measurements_count)
	rm -rf /out/c
	mkdir -p /out/c
	for f in $S/binary_runtime_measurements* $S/ascii_runtime_measurements*; do
		cat "$f" >"/out/c/${f##*/}"
	done
	for b in /sys/class/tpm/tpm0/pcr-*; do
		alg=${b##*/pcr-}
		for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23; do
			printf 'PCR-%02d: %s\n' "$i" "$(tr 'A-F' 'a-f' <"$b/$i")"
		done >"/out/c/pcrs-$alg.txt"
	done
	n2=$(cat $S/runtime_measurements_count)
	[ "$n1" = "$n2" ] && break
	say "RETRY log grew $n1 -> $n2"
done
cp $S/runtime_measurements_count $S/violations /out/c/
cat /sys/kernel/security/tpm0/binary_bios_measurements >/out/c/binary_bios_measurements
cat /sys/class/tpm/tpm0/tpm_version_major >/out/c/tpm_version_major
cat /proc/cmdline >/out/c/kernel-cmdline.txt
uname -r >/out/c/kernel-release.txt
say "CAPTURED entries=$n2 files=$(ls /out/c | tr '\n' ' ')"
tar -cf /dev/vdb -C /out/c .
say "TAR rc=$?"
finish
