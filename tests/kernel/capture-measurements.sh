#!/bin/bash
# Capture IMA measurement fixtures from real kernels (not part of meson test:
# it downloads kernels and boots them). For each kernel, ONE boot under qemu
# (TCG) with swtpm as its TPM, ima_policy=tcb ima_template=ima-ng; /init
# (guest-init-measure.sh) then writes the tcb rules again with two in front:
#   measure func=KEY_CHECK template=ima-buf                       (keys -> ima-buf)
#   measure func=FILE_CHECK mask=MAY_READ uid=1000 template=ima-sig (uid 1000 reads -> ima-sig)
# so one log holds ima-ng, ima-sig (signed and unsigned files) and ima-buf
# entries, and one open_writers violation. Writes
#   tests/data/kernel-6.1-tcb-templates/   (Debian's linux-image-amd64, 6.1)
#   tests/data/kernel-6.12-tcb-templates/  (linux-image-6.12.*-amd64-unsigned)
# with the lists (legacy binary + ascii; on 6.12 also the per-bank lists), the
# PCR banks ('PCR-NN: hex', from /sys/class/tpm/tpm0/pcr-<alg>/NN), the BIOS
# event log, the kernel cmdline, the signing cert, tampered copies
# (tamper-mlog.py) and a README.txt.
#
# Environment:
#   KT_CAPTURE_KERNELS  default "6.1 6.12"; 6.12 = newest linux-image-6.12.*-amd64-unsigned
#                       apt knows, or set IMACTL_KERNEL_PKG_6_12=<package>
#   KT_CAPTURE_OUT      output root (default tests/data next to this script)
#   EVMCTL              signer (default /usr/bin/evmctl)
#   IMACTL_KERNEL_CACHE, KT_KEEP, KT_SMP, KT_BOOT_TIMEOUT   see lib.sh
# Exit: 0 captured, 1 a capture failed, 77 qemu/swtpm/kernel unobtainable, 99 harness error.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034 # read by kt_skip in lib.sh
KT_TEST_NAME="measurement capture"

[ "$(id -u)" -eq 0 ] || kt_die "must run as root (security.ima xattrs on the staged files)"
command -v qemu-system-x86_64 >/dev/null 2>&1 || kt_skip "qemu-system-x86_64 not installed"
command -v swtpm >/dev/null 2>&1 || kt_skip "swtpm not installed"
kt_need swtpm_setup xz openssl mkfs.ext4 cpio busybox keyctl modprobe depmod dpkg-deb apt-cache ldd python3 tar
BUSYBOX=$(command -v busybox)
ldd "$BUSYBOX" >/dev/null 2>&1 && kt_die "$BUSYBOX is not static (install busybox-static)"
EVMCTL=${EVMCTL:-/usr/bin/evmctl}
[ -x "$EVMCTL" ] || kt_die "no evmctl at $EVMCTL (set EVMCTL)"
OUT=${KT_CAPTURE_OUT:-$KT_DIR/../data}
OUT=$(cd "$OUT" && pwd) || kt_die "no output root"

kt_workdir imactl-capture
SWTPM_PID=
# shellcheck disable=SC2317 # invoked by kt_cleanup
kt_cleanup_hook() {
	[ -n "$SWTPM_PID" ] && kill "$SWTPM_PID" 2>/dev/null
	return 0
}

# --- signing key and the files the guest reads/executes ----------------------
mkdir -p "$WORK/keys"
kt_x509_cnf "$WORK/keys/x509.cnf" "imactl measurement capture key"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -config "$WORK/keys/x509.cnf" \
	-keyout "$WORK/keys/ima.pem" -out "$WORK/keys/ima.crt" 2>/dev/null || kt_die "openssl req failed"
openssl x509 -in "$WORK/keys/ima.crt" -outform DER -out "$WORK/keys/ima-cert.der" ||
	kt_die "openssl x509 failed"

STAGE=$WORK/stage
mkdir -p "$STAGE"
if ! kt_xattr_ok "$STAGE"; then
	mount -t tmpfs -o size=64m tmpfs "$STAGE" || kt_die "cannot mount a tmpfs for staging"
	STAGE_MOUNTED=1
fi
mkdir -p "$STAGE/data" "$STAGE/bin"
for f in signed unsigned hashed root; do
	printf 'imactl capture: %s file\n' "$f" >"$STAGE/data/$f.txt"
done
cp "$BUSYBOX" "$STAGE/bin/busybox"
printf '#!/bin/sh\necho script ran\n' >"$STAGE/bin/script.sh"
chmod 0644 "$STAGE"/data/*
chmod 0755 "$STAGE"/bin/*
for f in data/signed.txt bin/busybox bin/script.sh; do
	"$EVMCTL" ima_sign -a sha256 -k "$WORK/keys/ima.pem" "$STAGE/$f" >>"$WORK/sign.log" 2>&1 ||
		kt_die "evmctl ima_sign $f failed"
done
"$EVMCTL" ima_hash -a sha256 "$STAGE/data/hashed.txt" >>"$WORK/sign.log" 2>&1 || kt_die "evmctl ima_hash failed"
mkfs.ext4 -q -F -L imacap -d "$STAGE" "$WORK/files.img" 16M >/dev/null || kt_die "mkfs.ext4 failed"
[ -n "${STAGE_MOUNTED:-}" ] && umount "$STAGE"

# A written policy REPLACES the boot-time tcb rules (ima_update_policy()), so
# /init writes tcb again (Documentation/ABI/testing/ima_policy, its dont_measure
# fsmagic list and measure rules; no template=: the default, ima-ng) with two
# rules of ours in front. Checked with `imactl policy check --kernel 6.1|6.12`.
POLICY='dont_measure fsmagic=0x9fa0
dont_measure fsmagic=0x62656572
dont_measure fsmagic=0x64626720
dont_measure fsmagic=0x01021994
dont_measure fsmagic=0x1cd1
dont_measure fsmagic=0x42494e4d
dont_measure fsmagic=0x73636673
dont_measure fsmagic=0xf97cff8c
dont_measure fsmagic=0x43415d53
dont_measure fsmagic=0x27e0eb
dont_measure fsmagic=0x63677270
dont_measure fsmagic=0x6e736673
measure func=KEY_CHECK template=ima-buf
measure func=FILE_CHECK mask=MAY_READ uid=1000 template=ima-sig
measure func=MMAP_CHECK mask=MAY_EXEC
measure func=BPRM_CHECK mask=MAY_EXEC
measure func=FILE_CHECK mask=MAY_READ uid=0
measure func=MODULE_CHECK
measure func=FIRMWARE_CHECK
measure func=POLICY_CHECK'
APPEND="console=ttyS0 panic=-1 oops=panic rdinit=/init quiet loglevel=4"
APPEND="$APPEND ima_policy=tcb ima_template=ima-ng ima_hash=sha256 rootfstype=ramfs"

resolve_612() {
	[ -n "${IMACTL_KERNEL_PKG_6_12:-}" ] && {
		echo "$IMACTL_KERNEL_PKG_6_12"
		return
	}
	apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		grep -E '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64-unsigned$' | sort -V |
		while read -r p; do
			c=$(apt-cache policy "$p" 2>/dev/null) || continue
			[[ $c == *"Candidate: "[0-9]* ]] && echo "$p"
		done | tail -n1
}

# capture KERNEL-WORD: boot one kernel, write $OUT/kernel-<major.minor>-tcb-templates
capture() {
	local word=$1 banks pkg w=$WORK/$1 d qrc
	case $word in
	6.1)
		unset IMACTL_KERNEL_PKG
		# sha384/sha512 are modules on 6.1 (CONFIG_CRYPTO_SHA512=m): IMA could not
		# hash those banks at late_initcall, so the TPM gets sha1 + sha256 only.
		banks=sha1,sha256
		;;
	6.12)
		pkg=$(resolve_612)
		[ -n "$pkg" ] || pkg=linux-image-6.12.117+deb12-amd64-unsigned
		export IMACTL_KERNEL_PKG=$pkg
		banks=sha1,sha256,sha384,sha512
		;;
	*) kt_die "unknown kernel $word" ;;
	esac
	(
		kt_fetch_kernel
		mkdir -p "$w/tpm" "$w/root/bin" "$w/root/etc"
		R=$w/root
		kt_initramfs_base "$R" guest-init-measure.sh
		kt_copy_bin "$(command -v keyctl)" "$R" /usr/bin/keyctl
		# Only modules (6.12 builds virtio_pci in); 6.12's are .ko.xz: unpack them
		# for busybox insmod.
		mods=()
		for m in virtio_pci virtio_blk ext4 crc32c_generic; do
			modprobe -d "$KT_MODROOT" -S "$KT_KVER" --show-depends "$m" 2>/dev/null |
				grep -q '^insmod ' && mods+=("$m")
		done
		kt_add_modules "$R" "${mods[@]}"
		for f in "$R"/lib/modules/*.ko.xz; do
			[ -f "$f" ] && { xz -d "$f" || kt_die "xz -d $f failed"; }
		done
		sed -i 's/\.ko\.xz$/.ko/' "$R/modules.list"
		cp "$WORK/keys/ima-cert.der" "$R/ima-cert.der"
		printf '%s\n' "$POLICY" >"$R/policy"
		printf 'root:x:0:0::/:/bin/sh\nimakt:x:1000:1000::/:/bin/sh\n' >"$R/etc/passwd"
		printf 'root:x:0:\nimakt:x:1000:\n' >"$R/etc/group"
		kt_pack_initramfs "$R" "$w/initramfs.cpio"
		truncate -s 8M "$w/out.img"

		swtpm_setup --tpm2 --tpmstate "$w/tpm" --pcr-banks "$banks" --overwrite \
			>"$w/swtpm_setup.log" 2>&1 || kt_die "swtpm_setup failed: $(cat "$w/swtpm_setup.log")"
		swtpm socket --tpm2 --tpmstate dir="$w/tpm" --ctrl type=unixio,path="$w/tpm/sock" \
			--terminate --log file="$w/swtpm.log" &
		SWTPM_PID=$!
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ -S "$w/tpm/sock" ] && break
			sleep 0.2
		done
		kt_log "booting $KT_KVER (TPM banks $banks): $APPEND"
		kt_boot "$w/console.log" "$w/initramfs.cpio" "$APPEND" \
			-chardev "socket,id=chrtpm,path=$w/tpm/sock" \
			-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0 \
			-drive "file=$WORK/files.img,if=virtio,format=raw,readonly=on" \
			-drive "file=$w/out.img,if=virtio,format=raw"
		qrc=$?
		kill "$SWTPM_PID" 2>/dev/null
		wait "$SWTPM_PID" 2>/dev/null
		tr -d '\r' <"$w/console.log" | grep '^IMAKT' >&2
		grep -q '^IMAKT TAR rc=0' "$w/console.log" || kt_die "guest did not capture (qemu rc=$qrc), see $w/console.log"

		mm=$(echo "$KT_KVER" | cut -d. -f1,2)
		d=$OUT/kernel-$mm-tcb-templates
		rm -rf "$d"
		mkdir -p "$d"
		tar -xf "$w/out.img" -C "$d" || kt_die "tar -x failed"
		cp "$WORK/keys/ima-cert.der" "$d/"
		# keep the fixtures small: of the per-bank ascii lists only sha256's
		rm -f "$d"/ascii_runtime_measurements_sha1 "$d"/ascii_runtime_measurements_sha384 \
			"$d"/ascii_runtime_measurements_sha512
		chmod 0644 "$d"/*
		cd "$d" || exit 99
		{
			python3 "$KT_DIR/tamper-mlog.py" binary_runtime_measurements sha1 /mnt/data/root.txt tampered
			if [ -f binary_runtime_measurements_sha256 ]; then
				python3 "$KT_DIR/tamper-mlog.py" binary_runtime_measurements_sha256 sha256 \
					/mnt/data/signed.txt tampered .runtime_measurements_sha256
			fi
		} >"$w/tampered.txt" || kt_die "tamper-mlog.py failed"
		{
			echo "kernel: linux-image-$KT_KVER ($(cat kernel-release.txt)), package ${IMACTL_KERNEL_PKG:-the one linux-image-amd64 depends on}"
			echo "cmdline: $(cat kernel-cmdline.txt)"
			echo "made by: tests/kernel/capture-measurements.sh (qemu TCG, swtpm --tpm2 --pcr-banks $banks, SeaBIOS TCG2 event log)"
			echo "policy: ima_policy=tcb at boot, then written once from /init (guest-init-measure.sh):"
			echo "    the tcb rules again, with KEY_CHECK -> ima-buf and uid 1000 reads -> ima-sig in front:"
			printf '%s\n' "$POLICY" | sed 's/^/    /'
			echo "templates: ima-ng (tcb rules: boot_aggregate, execs, root reads), ima-sig (reads by uid 1000 of"
			echo "    /mnt/data/{signed,unsigned,hashed}.txt and /mnt/bin/busybox; signed.txt, busybox, script.sh carry RSA"
			echo "    signatures made with ima-cert.der's key), ima-buf (KEY_CHECK: the cert added to the _ima keyring)"
			echo "entries: $(cat runtime_measurements_count); violations: $(cat violations) (open_writers on /violation.txt)"
			echo "template counts: $(awk '{print $3}' ascii_runtime_measurements | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}' | sed 's/, $//')"
			echo "banks: $(ls pcrs-*.txt | sed 's/pcrs-\(.*\)\.txt/\1/' | paste -sd' ')"
			echo "lists: $(ls binary_runtime_measurements* ascii_runtime_measurements* | paste -sd' ')"
			echo "pcr files: 'PCR-NN: <hex>' lines, NN=00..23, read from /sys/class/tpm/tpm0/pcr-<bank>/NN"
			echo "           after the log was read (count unchanged around the PCR read)"
			echo "tampered copies (tests/kernel/tamper-mlog.py; entry numbers 0-based):"
			sed 's/^/  /' "$w/tampered.txt"
		} >README.txt
		kt_log "captured $d: $(cat runtime_measurements_count) entries"
	) || return 1
}

rc=0
for k in ${KT_CAPTURE_KERNELS:-6.1 6.12}; do
	capture "$k" || rc=1
done
exit $rc
