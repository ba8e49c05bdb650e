#!/bin/bash
# Real-kernel EVM test: security.evm HMACs (0x02), immutable (0x03) and
# portable (0x05) signatures written by our imactl on an ext4 image are judged
# by Debian's IMA/EVM kernel (qemu, TCG, ima_appraise=enforce, EVM enabled from
# /init with an HMAC key whose plaintext the host knows). One boot runs every
# case; see README.md.
#
# How the image is labelled: mkfs.ext4 -U <uuid> -d copies the staged files
# (with security.ima from our evmctl personality's ima_hash); the image is then
# loop-mounted on the host and `imactl evm hmac|sign` runs on the mounted
# files WITHOUT overrides, so inode number, generation and fs UUID are gathered
# by imactl itself (FS_IOC_GETVERSION, FS_IOC_GETFSUUID / libblkid). Offline
# tampering (chmod/chown/chgrp, a rewritten security.ima) happens on that mount
# too, after the EVM value was written. The EVM HMAC key reaches the kernel as
# the encrypted key "evm-key" loaded from the blob `imactl evm key create`
# made, under the user key "kmk".
#
# Environment:
#   IMACTL   our imactl (required; meson sets it)
#   IMACTL_KERNEL_CACHE / IMACTL_KERNEL_DEB   see lib.sh
#   KT_KEEP=1   keep the work directory (it is always kept on failure)
# Exit: 0 all checks pass, 1 a check failed, 77 qemu/kernel unobtainable, 99 harness error.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

T0=$(date +%s)
[ "$(id -u)" -eq 0 ] || kt_die "must run as root (loop mount, security.* xattrs)"
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	kt_skip "qemu-system-x86_64 not installed (scripts/install-deps.sh installs qemu-system-x86)"
kt_need openssl mkfs.ext4 cpio busybox keyctl getfattr setfattr modprobe depmod dpkg-deb apt-cache ldd losetup mount umount
BUSYBOX=$(command -v busybox)
ldd "$BUSYBOX" >/dev/null 2>&1 && kt_die "$BUSYBOX is not static (install busybox-static)"
[ -n "${IMACTL:-}" ] && [ -x "$IMACTL" ] || kt_die "set IMACTL to our imactl binary"
IMACTL=$(readlink -f "$IMACTL")

kt_workdir imactl-kernel-evm
MNT=$WORK/mnt
# shellcheck disable=SC2317 # invoked by kt_cleanup
kt_cleanup_hook() {
	mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
	[ -n "${STAGE_MOUNTED:-}" ] && umount "$WORK/stage" 2>/dev/null
	return 0
}

ln -s "$IMACTL" "$WORK/evmctl"
EVMCTL=$WORK/evmctl
kt_log "imactl under test: $IMACTL"

kt_fetch_kernel


# --- keys ----------------------------------------------------------------------
K=$WORK/keys
mkdir -p "$K"
kt_x509_cnf "$K/x509.cnf" "imactl kernel evm test key"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -config "$K/x509.cnf" \
	-keyout "$K/trusted.pem" -out "$K/trusted.crt" 2>/dev/null || kt_die "openssl req failed"
openssl x509 -in "$K/trusted.crt" -outform DER -out "$K/trusted.der" || kt_die "openssl x509 failed"
# Master key + EVM key plaintext + the kernel's "load" blob, all by imactl.
if "$IMACTL" evm key create --kmk-out "$K/kmk.bin" --key-out "$K/evmkey.bin" \
	--blob-out "$K/evm.blob" >"$WORK/keycreate.log" 2>&1; then
	ok "key create: imactl evm key create wrote kmk.bin, evmkey.bin ($(stat -c %s "$K/evmkey.bin") bytes), evm.blob"
else
	bad "key create: imactl evm key create failed: $(head -c 300 "$WORK/keycreate.log")"
fi
# The key as the kernel holds it: evmkey[MAX_KEY_SIZE] (see the cases below).
{
	cat "$K/evmkey.bin"
	head -c $((128 - $(stat -c %s "$K/evmkey.bin"))) /dev/zero
} >"$K/evmkey128.bin"

# --- cases -------------------------------------------------------------------
# name  prep  tamper  expect  cause
#   prep    hmac = imactl evm hmac --hmackey evmkey.bin (the 64-byte plaintext
#           exactly as `imactl evm key create --key-out` wrote it: what a user does);
#           hmac128 = the same with --hmackey evmkey128.bin: that plaintext
#           zero-padded to 128 bytes, which is the key the kernel really uses
#           (evm_crypto.c: evm_set_key() copies the plaintext into
#           evmkey[MAX_KEY_SIZE=128] and init_desc() calls
#           crypto_shash_setkey(tfm, evmkey, evmkey_len = MAX_KEY_SIZE); HMAC-SHA1
#           then hashes the 128-byte key, so padding is NOT a no-op). The tamper
#           cases and the controls use hmac128 so that they fail for the reason
#           they name, whatever the padding; hmac-ok and hmac128-ok tell the two apart.
#           hmac128-nouuid / hmac128-m32 = with a bare --uuid / --m32 (negative
#           controls: the kernel must reject them, which proves the UUID and the
#           64-bit inode width are covered);
#           imm = imactl evm sign (0x03); port = imactl evm sign --portable (0x05);
#           none = security.ima only
#   tamper  on the mounted image after the EVM value was written:
#           chmod 0600 / chown 4242 / chgrp 4343 / rehash = content changed and
#           security.ima rewritten to its new (correct) hash
#   cause   the kernel's type=1800 cause. 6.1 reports a failed immutable (0x03)
#           signature as invalid-HMAC (INTEGRITY_FAIL) and a failed portable
#           (0x05) one as invalid-fail-immutable (INTEGRITY_FAIL_IMMUTABLE).
CASES='
hmac-ok         hmac           -      allow -
hmac128-ok      hmac128        -      allow -
hmac-chmod      hmac128        chmod  deny  invalid-HMAC
hmac-chown      hmac128        chown  deny  invalid-HMAC
hmac-chgrp      hmac128        chgrp  deny  invalid-HMAC
hmac-rehash     hmac128        rehash deny  invalid-HMAC
hmac-nouuid     hmac128-nouuid -      deny  invalid-HMAC
hmac-m32        hmac128-m32    -      deny  invalid-HMAC
no-evm          none           -      deny  missing-HMAC
imm-ok          imm            -      allow -
port-ok         port           -      allow -
imm-chmod       imm            chmod  deny  invalid-HMAC
imm-chown       imm            chown  deny  invalid-HMAC
port-chmod      port           chmod  deny  invalid-fail-immutable
port-chgrp      port           chgrp  deny  invalid-fail-immutable
'
UUID=1b4e28ba-2fa1-4d1b-a7a2-0000000000e5

# --- stage the files with security.ima on an xattr-capable fs ----------------
STAGE=$WORK/stage
mkdir -p "$STAGE"
if ! kt_xattr_ok "$STAGE"; then
	mount -t tmpfs -o size=32m tmpfs "$STAGE" || kt_die "cannot mount a tmpfs for staging"
	STAGE_MOUNTED=1
	kt_xattr_ok "$STAGE" || kt_die "no filesystem with security.* xattrs for staging"
fi
mkdir -p "$STAGE/e"
signer_log=$WORK/signer.log
fail_prep=0
while read -r name prep tamper expect cause; do
	[ -n "$name" ] || continue
	{
		echo "content-$name"
		head -c 8192 /dev/zero | tr '\0' 'x'
		echo
	} >"$STAGE/e/$name.txt"
	chmod 0644 "$STAGE/e/$name.txt"
	echo "+ evmctl ima_hash -a sha256 $name.txt" >>"$signer_log"
	"$EVMCTL" ima_hash -a sha256 "$STAGE/e/$name.txt" >>"$signer_log" 2>&1 || {
		echo "FAIL $name: ima_hash failed (see $signer_log)"
		fail_prep=1
	}
done <<<"$CASES"
mkfs.ext4 -q -F -U "$UUID" -L imakt-evm -d "$STAGE/e" "$WORK/e.img" 32M >/dev/null ||
	kt_die "mkfs.ext4 -d failed"
[ -n "${STAGE_MOUNTED:-}" ] && umount "$STAGE" && STAGE_MOUNTED=

# --- label the image on a host loop mount ----------------------------------
mkdir -p "$MNT"
mount -o loop "$WORK/e.img" "$MNT" || kt_die "cannot loop-mount the image"
run() {
	echo "+ ${*#"$MNT"/}" >>"$signer_log"
	"$@" >>"$signer_log" 2>&1
}
xh() {
	local v
	v=$(getfattr -n "$2" -e hex "$1" 2>/dev/null | sed -n "s/^$2=//p")
	echo "${v:-none}"
}
: >"$WORK/expect"
: >"$WORK/cases"
while read -r name prep tamper expect cause; do
	[ -n "$name" ] || continue
	f=$MNT/$name.txt
	HK=(--hmackey "$K/evmkey.bin")
	case $prep in hmac128*) HK=(--hmackey "$K/evmkey128.bin") ;; esac
	vk=("${HK[@]}")
	case $prep in
	hmac | hmac128) cmd=("$IMACTL" evm hmac "${HK[@]}" "$f") ;;
	hmac128-nouuid) vk+=(--uuid) cmd=("$IMACTL" evm hmac "${HK[@]}" --uuid "$f") ;;
	hmac128-m32) vk+=(--m32) cmd=("$IMACTL" evm hmac "${HK[@]}" --m32 "$f") ;;
	imm) cmd=("$IMACTL" evm sign -a sha256 -k "$K/trusted.pem" "$f") ;;
	port) cmd=("$IMACTL" evm sign -a sha256 --portable -k "$K/trusted.pem" "$f") ;;
	none) cmd=() ;;
	esac
	if [ ${#cmd[@]} -gt 0 ]; then
		if ! run "${cmd[@]}"; then
			echo "FAIL $name: '${cmd[*]#"$MNT"/}' exited non-zero (see $signer_log)"
			fail_prep=1
		fi
		[ "$(xh "$f" security.evm)" != none ] || {
			echo "FAIL $name: $prep left no security.evm"
			fail_prep=1
		}
	fi
	# Our own verifier must agree before the tamper (good values only).
	case $prep in
	hmac*| imm | port)
		case $prep in imm | port) vk=(-k "$K/trusted.der") ;; esac
		if run "$IMACTL" evm verify "${vk[@]}" "$f"; then
			ok "$name: imactl evm verify accepts the fresh $prep value on the host"
		else
			bad "$name: imactl evm verify rejects the fresh $prep value (see $signer_log)"
		fi
		;;
	esac
	case $tamper in
	chmod) chmod 0600 "$f" ;;
	chown) chown 4242 "$f" ;;
	chgrp) chgrp 4343 "$f" ;;
	rehash)
		echo tampered >>"$f"
		run "$EVMCTL" ima_hash -a sha256 "$f" || fail_prep=1
		;;
	esac
	if [ "$tamper" != - ]; then
		if run "$IMACTL" evm verify "${vk[@]}" "$f"; then
			bad "$name: imactl evm verify still accepts the value after $tamper"
		else
			ok "$name: imactl evm verify rejects the value after $tamper on the host"
		fi
	fi
	st="$(stat -c '%i %u %g %f' "$f")"
	echo "$name read /mnt/e/$name.txt" >>"$WORK/cases"
	echo "$name /mnt/e/$name.txt $expect $cause $(xh "$f" security.ima) $(xh "$f" security.evm) ${st// /,}" >>"$WORK/expect"
done <<<"$CASES"
umount "$MNT" || kt_die "umount $MNT failed"

# --- initramfs ---------------------------------------------------------------
R=$WORK/initramfs
kt_initramfs_base "$R" guest-init-evm.sh
kt_initramfs_appraise "$R"
cp "$K/trusted.der" "$K/kmk.bin" "$K/evm.blob" "$R/keys/"
cp "$WORK/cases" "$R/cases"
cat >"$R/test.conf" <<EOF
MOUNTS="$UUID:/mnt/e"
CERTS=/keys/trusted.der
EVM_BITS=3
EOF
echo "appraise fsuuid=$UUID" >"$R/policy"
kt_pack_initramfs "$R" "$WORK/initramfs.cpio"

# --- boot --------------------------------------------------------------------
kt_boot_enforce "$WORK/initramfs.cpio" -drive "file=$WORK/e.img,if=virtio,format=raw"

# --- judge -------------------------------------------------------------------
tr -d '\r' <"$WORK/console.log" >"$WORK/console.txt"
LOG=$WORK/console.txt
if [ "$fail_prep" -eq 0 ]; then
	ok "signer: every ima_hash / evm hmac / evm sign on the mounted image succeeded"
else
	bad "signer: see the FAIL lines above and $signer_log"
fi
if grep -q '^IMAKT DONE' "$LOG"; then
	ok "boot: guest ran to completion ($(sed -n 's/^IMAKT BOOT \([^ ]*\).*/\1/p' "$LOG"))"
else
	bad "boot: no 'IMAKT DONE' on the console (qemu rc=$qrc); last lines:"
	tail -n 30 "$LOG" | sed 's/^/    /'
fi
for what in KMK EVMKEY KEYRING IMPORT POLICY; do
	line=$(grep "^IMAKT $what " "$LOG" | head -n1)
	case $line in
	*" rc=0 "*) ok "guest: $what ($line)" ;;
	*) bad "guest: $what: ${line:-no line}" ;;
	esac
done
# The kernel accepted our blob (EVMKEY above); it must also hand back a blob
# that `imactl evm key open` decrypts to the plaintext we hashed with.
sed -n 's/^IMAKT EVMPIPE rc=0 out=\(default [^ ]* [0-9]* [0-9a-f]*\) err=.*/\1/p' "$LOG" >"$WORK/pipe.blob"
if [ -s "$WORK/pipe.blob" ] &&
	"$IMACTL" evm key open --kmk "$K/kmk.bin" --blob "$WORK/pipe.blob" --key-out "$WORK/pipe.key" 2>"$WORK/pipe.err" &&
	cmp -s "$WORK/pipe.key" "$K/evmkey.bin"; then
	ok "key pipe: the kernel's 'keyctl pipe' blob opens with imactl evm key open to our plaintext"
else
	bad "key pipe: $(grep '^IMAKT EVMPIPE' "$LOG" | cut -c1-200) / $(cat "$WORK/pipe.err" 2>/dev/null)"
fi
line=$(grep '^IMAKT EVMINIT ' "$LOG")
case $line in
*"rc=0 "*"now=3 "*) ok "evm: enabled with HMAC and signatures ($line)" ;;
*) bad "evm: ${line:-no EVMINIT line}" ;;
esac
skid=$(openssl x509 -in "$K/trusted.crt" -noout -ext subjectKeyIdentifier 2>/dev/null |
	tail -n1 | tr -d ' :' | tr 'A-F' 'a-f')
if grep -q '^IMAKT KEYS .*asymmetric' "$LOG" && grep '^IMAKT KEYS' "$LOG" | grep -qi "${skid: -8}"; then
	ok "keyring: _evm holds an asymmetric key with the cert's SKID ...${skid: -8}"
else
	bad "keyring: no asymmetric key ...${skid: -8} on _evm: $(grep '^IMAKT KEYS' "$LOG" | tr '\n' '|')"
fi
if grep -q '^IMAKT MOUNT ok .* /mnt/e$' "$LOG"; then
	ok "mount: image by fs UUID $UUID"
else
	bad "mount: $(grep '^IMAKT MOUNT' "$LOG")"
fi
if grep -q -e '^IMAKT KMSG .*Oops' -e '^IMAKT KMSG .*BUG' "$LOG"; then
	bad "kernel: an oops/BUG was logged: $(grep '^IMAKT KMSG' "$LOG" | head -n3 | tr '\n' '|')"
fi

while read -r name path expect cause ima evm st; do
	line=$(grep "^IMAKT CASE $name " "$LOG")
	gx=$(sed -n "s/^IMAKT XATTR $name //p" "$LOG")
	what="$name (read $path, expect $expect${cause#-})"
	[ "$expect" = deny ] && what="$name (read $path, expect deny cause=$cause)"
	if [ -z "$line" ]; then
		bad "$what: no result on the console"
		continue
	fi
	want="ima=$ima evm=$evm stat=${st//,/ }"
	if [ "$gx" != "$want" ]; then
		bad "$what: the guest sees '$gx', the host staged '$want'"
		continue
	fi
	rc=$(sed -n 's/.* rc=\([0-9]*\) .*/\1/p' <<<"$line")
	out=$(sed -n 's/.* out=\(.*\) err=.*/\1/p' <<<"$line")
	audit=$(grep '^IMAKT AUDIT ' "$LOG" | grep -F "name=\"$path\"")
	acause=$(sed -n 's/.* cause=\([^ ]*\) .*/\1/p' <<<"$audit" | head -n1)
	if [ "$expect" = allow ]; then
		if [ "$rc" = 0 ] && [ "$out" = "content-$name" ] && [ -z "$audit" ]; then
			ok "$what: read ok, output '$out'"
		else
			bad "$what: $line${audit:+ / audit: $audit}"
		fi
	else
		if [ "$rc" != 0 ] && [[ $line == *"Permission denied"* ]] && [ "$acause" = "$cause" ]; then
			ok "$what: rc=$rc EACCES, kernel audit cause=$acause"
		else
			bad "$what: $line / kernel audit cause=${acause:-none} (${audit:-no audit record})"
		fi
	fi
done <"$WORK/expect"

echo "kernel-evm: $pass passed, $fail failed ($(($(date +%s) - T0)) s total, boot $boot_s s, kernel $KT_KVER, imactl $IMACTL)"
[ "$fail" -eq 0 ] || exit 1
exit 0
