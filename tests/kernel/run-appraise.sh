#!/bin/bash
# Real-kernel IMA appraisal test: files hashed and RSA-signed by the evmctl
# under test are accepted by Debian's IMA kernel (qemu, TCG, ima_appraise=enforce)
# and tampered, unsigned or foreign-key files are denied with the kernel's cause.
# One boot runs every case; see README.md.
#
# Environment:
#   EVMCTL   the evmctl to test (signer on the host, "import" in the guest)
#   IMACTL   if EVMCTL is unset: our imactl binary, invoked via an "evmctl" symlink
#   IMACTL_KERNEL_CACHE / IMACTL_KERNEL_DEB   see lib.sh
#   KT_KEEP=1   keep the work directory (it is always kept on failure)
# Exit: 0 all cases pass, 1 a case failed, 77 qemu/kernel unobtainable, 99 harness error.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

T0=$(date +%s)
[ "$(id -u)" -eq 0 ] || kt_die "must run as root (security.* xattrs on the staged files)"
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	kt_skip "qemu-system-x86_64 not installed (scripts/install-deps.sh installs qemu-system-x86)"
kt_need openssl mkfs.ext4 cpio busybox keyctl getfattr setfattr modprobe depmod dpkg-deb apt-cache ldd
BUSYBOX=$(command -v busybox)
ldd "$BUSYBOX" >/dev/null 2>&1 && kt_die "$BUSYBOX is not static (install busybox-static)"

kt_workdir imactl-kernel

# --- the evmctl under test -------------------------------------------------
if [ -z "${EVMCTL:-}" ] && [ -n "${IMACTL:-}" ]; then
	[ -x "$IMACTL" ] || kt_die "IMACTL=$IMACTL is not executable"
	ln -s "$(readlink -f "$IMACTL")" "$WORK/evmctl"
	EVMCTL=$WORK/evmctl
fi
if [ -z "${EVMCTL:-}" ]; then
	EVMCTL=$(command -v evmctl) || kt_die "set EVMCTL or IMACTL"
	kt_log "NOTE: neither EVMCTL nor IMACTL set: testing $EVMCTL (reference evmctl, not imactl)"
fi
# Invoke through a name ending in "evmctl" (argv[0] personality).
case $EVMCTL in
*/evmctl | evmctl) ;;
*)
	ln -sf "$(readlink -f "$EVMCTL")" "$WORK/evmctl"
	EVMCTL=$WORK/evmctl
	;;
esac
kt_log "evmctl under test: $EVMCTL -> $(readlink -f "$EVMCTL")"

kt_fetch_kernel

# --- keys: a trusted one (imported in the guest) and a foreign one ------------
mkdir -p "$WORK/keys"
kt_x509_cnf "$WORK/keys/x509.cnf" "imactl kernel test key"
for k in trusted foreign; do
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
		-config "$WORK/keys/x509.cnf" -subj "/CN=imactl kernel test $k" \
		-keyout "$WORK/keys/$k.pem" -out "$WORK/keys/$k.crt" 2>/dev/null ||
		kt_die "openssl req ($k) failed"
	openssl x509 -in "$WORK/keys/$k.crt" -outform DER -out "$WORK/keys/$k.der" ||
		kt_die "openssl x509 ($k) failed"
done

# --- cases -------------------------------------------------------------------
# name  image  mode  kind   prep     tamper  expect  cause
#   image  a: "appraise fsuuid=A" (hash or signature accepted)
#          b: "appraise fsuuid=B appraise_type=imasig" (signatures only)
#   kind   txt = data file, bin = static ELF (busybox copy), sh = #! script
#   prep   hash = ima_hash, sign = ima_sign with the imported key,
#          foreign = ima_sign with a key the kernel does not have, none
#   tamper yes = content changed after hashing/signing
CASES='
a-hash-read        a read txt hash    no  allow -
a-sig-read         a read txt sign    no  allow -
a-hash-exec        a exec bin hash    no  allow -
a-sig-exec         a exec bin sign    no  allow -
a-sig-script       a exec sh  sign    no  allow -
a-changed-hash     a read txt hash    yes deny  invalid-hash
a-changed-sig      a read txt sign    yes deny  invalid-signature
a-unsigned         a read txt none    no  deny  missing-hash
a-foreign          a read txt foreign no  deny  invalid-signature
a-changed-exec     a exec bin hash    yes deny  invalid-hash
a-unsigned-exec    a exec bin none    no  deny  missing-hash
b-sig-read         b read txt sign    no  allow -
b-sig-exec         b exec bin sign    no  allow -
b-sig-script       b exec sh  sign    no  allow -
b-hash-read        b read txt hash    no  deny  IMA-signature-required
b-hash-exec        b exec bin hash    no  deny  IMA-signature-required
b-unsigned         b read txt none    no  deny  IMA-signature-required
b-unsigned-script  b exec sh  none    no  deny  IMA-signature-required
b-foreign          b read txt foreign no  deny  invalid-signature
b-foreign-exec     b exec bin foreign no  deny  invalid-signature
b-changed-sig      b read txt sign    yes deny  invalid-signature
b-changed-script   b exec sh  sign    yes deny  invalid-signature
'
UUID_A=1b4e28ba-2fa1-4d1b-a7a2-0000000000a1
UUID_B=1b4e28ba-2fa1-4d1b-a7a2-0000000000b2

# --- stage the image trees on an xattr-capable fs ----------------------------
STAGE=$WORK/stage
mkdir -p "$STAGE"
if ! kt_xattr_ok "$STAGE"; then
	mount -t tmpfs -o size=64m tmpfs "$STAGE" || kt_die "cannot mount a tmpfs for staging"
	STAGE_MOUNTED=1
	kt_xattr_ok "$STAGE" || kt_die "no filesystem with security.* xattrs for staging"
fi
mkdir -p "$STAGE/a" "$STAGE/b"
: >"$WORK/cases"
: >"$WORK/expect"
signer_log=$WORK/signer.log
fail_prep=0
while read -r name img mode kind prep tamper expect cause; do
	[ -n "$name" ] || continue
	case $kind in
	txt)
		rel=$name.txt
		{
			echo "content-$name"
			head -c 65536 /dev/zero | tr '\0' 'x'
			echo
		} >"$STAGE/$img/$rel"
		;;
	bin)
		rel=$name/busybox
		mkdir -p "$STAGE/$img/$name"
		cp "$BUSYBOX" "$STAGE/$img/$rel"
		;;
	sh)
		rel=$name.sh
		printf '#!/bin/sh\necho RAN-%s\n' "$name" >"$STAGE/$img/$rel"
		chmod 0755 "$STAGE/$img/$rel"
		;;
	esac
	f=$STAGE/$img/$rel
	case $prep in
	hash) cmd=("$EVMCTL" ima_hash -a sha256 "$f") ;;
	sign) cmd=("$EVMCTL" ima_sign -a sha256 -k "$WORK/keys/trusted.pem" "$f") ;;
	foreign) cmd=("$EVMCTL" ima_sign -a sha256 -k "$WORK/keys/foreign.pem" "$f") ;;
	none) cmd=() ;;
	esac
	if [ ${#cmd[@]} -gt 0 ]; then
		echo "+ ${cmd[*]}" >>"$signer_log"
		if ! "${cmd[@]}" >>"$signer_log" 2>&1; then
			echo "FAIL $name: '${cmd[*]#"$STAGE"/}' exited non-zero (see $signer_log)"
			fail_prep=1
		fi
		getfattr -n security.ima "$f" >/dev/null 2>&1 || {
			echo "FAIL $name: $prep left no security.ima on the file"
			fail_prep=1
		}
	fi
	if [ "$tamper" = yes ]; then
		case $kind in
		sh) printf 'echo TAMPERED\n' >>"$f" ;;
		*) printf 'tampered\n' >>"$f" ;;
		esac
	fi
	hx=$(getfattr -n security.ima -e hex "$f" 2>/dev/null | sed -n 's/^security.ima=//p')
	echo "$name $mode /mnt/$img/$rel" >>"$WORK/cases"
	echo "$name $mode /mnt/$img/$rel $expect $cause ${hx:-none}" >>"$WORK/expect"
done <<<"$CASES"

for img in a b; do
	uuid=$UUID_A
	[ $img = b ] && uuid=$UUID_B
	mkfs.ext4 -q -F -U "$uuid" -L "imakt-$img" -d "$STAGE/$img" "$WORK/$img.img" 48M >/dev/null ||
		kt_die "mkfs.ext4 -d for image $img failed"
done
[ -n "${STAGE_MOUNTED:-}" ] && umount "$STAGE"

# --- initramfs ---------------------------------------------------------------
R=$WORK/initramfs
kt_initramfs_base "$R" guest-init.sh
kt_initramfs_appraise "$R"
cp "$WORK/keys/trusted.der" "$R/keys/"
cp "$WORK/cases" "$R/cases"
cat >"$R/test.conf" <<EOF
MOUNTS="$UUID_A:/mnt/a $UUID_B:/mnt/b"
KEYRING=_ima
CERTS=/keys/trusted.der
EOF
# Most specific rule first: the first matching appraise rule decides.
cat >"$R/policy" <<EOF
appraise fsuuid=$UUID_B appraise_type=imasig
appraise fsuuid=$UUID_A
EOF
kt_pack_initramfs "$R" "$WORK/initramfs.cpio"

# --- boot --------------------------------------------------------------------
kt_boot_enforce "$WORK/initramfs.cpio" \
	-drive "file=$WORK/a.img,if=virtio,format=raw" \
	-drive "file=$WORK/b.img,if=virtio,format=raw"

# --- judge -------------------------------------------------------------------
tr -d '\r' <"$WORK/console.log" >"$WORK/console.txt"
LOG=$WORK/console.txt
if [ "$fail_prep" -eq 0 ]; then
	ok "signer: every ima_hash/ima_sign succeeded"
else
	bad "signer: see the FAIL lines above and $signer_log"
fi

if grep -q '^IMAKT DONE' "$LOG"; then
	ok "boot: guest ran to completion ($(sed -n 's/^IMAKT BOOT \([^ ]*\).*/\1/p' "$LOG"))"
else
	bad "boot: no 'IMAKT DONE' on the console (qemu rc=$qrc); last lines:"
	tail -n 30 "$LOG" | sed 's/^/    /'
fi
for img in a b; do
	if grep -q "^IMAKT MOUNT ok .* /mnt/$img\$" "$LOG"; then
		ok "mount: image $img by fs UUID"
	else
		bad "mount: image $img ($(grep "^IMAKT MOUNT .*/mnt/$img" "$LOG"))"
	fi
done
line=$(grep '^IMAKT IMPORT ' "$LOG")
case $line in
*"rc=0 "*) ok "import: evmctl import trusted.der <_ima id> in the guest ($line)" ;;
*) bad "import: ${line:-no IMPORT line}" ;;
esac
skid=$(openssl x509 -in "$WORK/keys/trusted.crt" -noout -ext subjectKeyIdentifier 2>/dev/null |
	tail -n1 | tr -d ' :' | tr 'A-F' 'a-f')
if grep -q '^IMAKT KEYS .*asymmetric' "$LOG" && grep '^IMAKT KEYS' "$LOG" | grep -qi "${skid: -8}"; then
	ok "keyring: _ima holds an asymmetric key with the cert's SKID ...${skid: -8}"
else
	bad "keyring: no asymmetric key ...${skid: -8} on _ima: $(grep '^IMAKT KEYS' "$LOG" | tr '\n' '|')"
fi
line=$(grep '^IMAKT POLICY ' "$LOG")
case $line in
*"rc=0 "*) ok "policy: loaded" ;;
*) bad "policy: ${line:-no POLICY line}" ;;
esac

while read -r name mode path expect cause hx; do
	line=$(grep "^IMAKT CASE $name " "$LOG")
	gx=$(sed -n "s/^IMAKT XATTR $name //p" "$LOG")
	what="$name ($mode $path, expect $expect${cause#-})"
	[ "$expect" = deny ] && what="$name ($mode $path, expect deny cause=$cause)"
	if [ -z "$line" ]; then
		bad "$what: no result on the console"
		continue
	fi
	if [ "$gx" != "$hx" ]; then
		bad "$what: security.ima in the guest ($gx) differs from the staged one ($hx)"
		continue
	fi
	rc=$(sed -n 's/.* rc=\([0-9]*\) .*/\1/p' <<<"$line")
	out=$(sed -n 's/.* out=\(.*\) err=.*/\1/p' <<<"$line")
	audit=$(grep '^IMAKT AUDIT ' "$LOG" | grep -F "name=\"$path\"")
	if [ "$expect" = allow ]; then
		want="content-$name"
		[ "$mode" = exec ] && want="RAN-$name"
		if [ "$rc" = 0 ] && [ "$out" = "$want" ] && [ -z "$audit" ]; then
			ok "$what: ${mode} ok, output '$out'"
		else
			bad "$what: $line${audit:+ / audit: $audit}"
		fi
	else
		acause=$(sed -n 's/.* cause=\([^ ]*\) .*/\1/p' <<<"$audit" | head -n1)
		if [ "$rc" != 0 ] && [[ $line == *"Permission denied"* ]] && [ "$acause" = "$cause" ]; then
			ok "$what: rc=$rc EACCES, kernel audit cause=$acause"
		else
			bad "$what: $line / audit: ${audit:-none}"
		fi
	fi
done <"$WORK/expect"

echo "kernel-appraise: $pass passed, $fail failed ($(($(date +%s) - T0)) s total, boot $boot_s s, kernel $KT_KVER, evmctl $(readlink -f "$EVMCTL"))"
[ "$fail" -eq 0 ] || exit 1
exit 0
