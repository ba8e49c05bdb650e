# Helpers for the real-kernel tests (sourced by run-*.sh; bash).
# See README.md in this directory. Conventions: 0 = pass, 1 = a case failed,
# 77 = skip (no qemu / no kernel package obtainable), 99 = harness error.

KT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

kt_log() { printf '%s\n' "kernel-test: $*" >&2; }

# Hard error in the harness itself (not a kernel verdict).
kt_die() {
	kt_log "ERROR: $*"
	exit 99
}

# Loud skip: only for "qemu or the kernel package cannot be obtained at all".
kt_skip() {
	{
		echo "################################################################"
		echo "# SKIP (exit 77): $*"
		echo "# The ${KT_TEST_NAME:-real-kernel IMA appraisal test} did NOT run."
		echo "################################################################"
	} >&2
	exit 77
}

kt_need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 ||
			kt_die "'$p' not found (run scripts/install-deps.sh)"
	done
}

# kt_fetch_kernel: sets KT_KVER, KT_VMLINUZ, KT_MODROOT (a tree with
# lib/modules/$KT_KVER and modules.dep). Downloads Debian's linux-image-*-amd64
# package (the one linux-image-amd64 depends on) once into $IMACTL_KERNEL_CACHE
# (default /var/cache/imactl-kernel) and unpacks it there with dpkg-deb -x.
# IMACTL_KERNEL_DEB=/path/to/linux-image-....deb uses a given package instead.
# IMACTL_KERNEL_PKG=linux-image-<version>-amd64[-unsigned] fetches that package
# instead of the one linux-image-amd64 depends on (e.g. a 6.12 kernel from
# bookworm-security); without network, only that package's cached copy is used.
kt_fetch_kernel() {
	local cache=${IMACTL_KERNEL_CACHE:-/var/cache/imactl-kernel}
	local pkg="" deb="" dir

	mkdir -p "$cache" || kt_die "cannot create kernel cache $cache"
	if [ -n "${IMACTL_KERNEL_DEB:-}" ]; then
		deb=$IMACTL_KERNEL_DEB
		[ -f "$deb" ] || kt_skip "IMACTL_KERNEL_DEB=$deb does not exist"
		pkg=$(dpkg-deb -f "$deb" Package) || kt_skip "cannot read $deb"
	elif [ -n "${IMACTL_KERNEL_PKG:-}" ]; then
		pkg=$IMACTL_KERNEL_PKG
	else
		pkg=$(kt_resolve_kernel_pkg)
		if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
			kt_log "linux-image-amd64 unknown to apt-cache; running apt-get update"
			apt-get update -qq >&2 || true
			pkg=$(kt_resolve_kernel_pkg)
		fi
	fi

	if [ -n "$pkg" ] && [ -f "$cache/$pkg/.complete" ]; then
		dir=$cache/$pkg
	elif [ -n "$pkg" ]; then
		if [ -z "$deb" ]; then
			kt_log "downloading $pkg (apt-get download) into $cache"
			rm -f "$cache"/"$pkg"_*.deb
			if ! kt_apt_download "$cache" "$pkg" && [ "$(id -u)" -eq 0 ]; then
				kt_log "apt-get download $pkg failed; retrying after apt-get update"
				apt-get update -qq >&2 || true
				[ -z "${IMACTL_KERNEL_PKG:-}" ] && pkg=$(kt_resolve_kernel_pkg)
				[ -n "$pkg" ] && kt_apt_download "$cache" "$pkg"
			fi
			deb=$(ls "$cache"/"$pkg"_*.deb 2>/dev/null | head -n1)
		fi
		if [ -n "$deb" ] && [ -f "$deb" ]; then
			kt_log "unpacking $deb"
			rm -rf "$cache/$pkg.tmp"
			dpkg-deb -x "$deb" "$cache/$pkg.tmp" || kt_die "dpkg-deb -x $deb failed"
			rm -rf "${cache:?}/$pkg"
			mv "$cache/$pkg.tmp" "$cache/$pkg"
			[ -z "${IMACTL_KERNEL_DEB:-}" ] && rm -f "$deb"
			dir=$cache/$pkg
		fi
	fi
	if [ -z "${dir:-}" ] && [ -n "${IMACTL_KERNEL_PKG:-}" ]; then
		kt_skip "kernel package $IMACTL_KERNEL_PKG could not be obtained"
	fi
	if [ -z "${dir:-}" ]; then
		# Offline: fall back to any kernel unpacked earlier.
		dir=$(ls -d "$cache"/linux-image-*/.complete 2>/dev/null | sort -V | tail -n1)
		dir=${dir%/.complete}
		[ -n "$dir" ] || kt_skip "Debian kernel package could not be obtained" \
			"(apt-cache/apt-get download failed, nothing cached in $cache)"
		kt_log "using cached $dir (could not fetch ${pkg:-the current package})"
	fi

	KT_KVER=$(basename "$dir")
	KT_KVER=${KT_KVER#linux-image-}
	if [ ! -f "$dir/boot/vmlinuz-$KT_KVER" ]; then
		# e.g. linux-image-6.12.117+deb12-amd64-unsigned holds vmlinuz-6.12.117+deb12-amd64
		KT_KVER=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -n1)
		KT_KVER=${KT_KVER##*/vmlinuz-}
	fi
	KT_VMLINUZ=$dir/boot/vmlinuz-$KT_KVER
	KT_MODROOT=$dir
	KT_KCONFIG=$dir/boot/config-$KT_KVER
	[ -f "$KT_VMLINUZ" ] || kt_die "no $KT_VMLINUZ in $dir"
	if [ ! -f "$dir/.complete" ]; then
		depmod -b "$dir" "$KT_KVER" || kt_die "depmod -b $dir $KT_KVER failed"
		touch "$dir/.complete"
	fi
	kt_log "kernel $KT_KVER ($KT_VMLINUZ)"
}

kt_apt_download() {
	(cd "$1" && apt-get download -q -o APT::Sandbox::User=root "$2" >&2)
}

kt_resolve_kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ { print $2; exit }'
}

# kt_copy_bin SRC DESTROOT GUESTPATH: copy an executable and the shared
# libraries ldd reports into the initramfs tree. Libraries outside the system
# directories (e.g. a build tree's libimactl.so) are placed in
# /lib/x86_64-linux-gnu so that the loader finds them without RUNPATH.
kt_copy_bin() {
	local src=$1 root=$2 gpath=$3 line name path
	src=$(readlink -f "$src")
	install -D -m 0755 "$src" "$root$gpath"
	if ldd "$src" 2>/dev/null | grep -q 'not found'; then
		kt_die "ldd $src: missing libraries: $(ldd "$src" | grep 'not found' | tr '\n' ' ')"
	fi
	ldd "$src" 2>/dev/null | while read -r line; do
		case $line in
		*"=>"*" ("*)
			name=${line%% =>*}
			path=${line#*=> }
			path=${path% (*}
			[ -f "$path" ] || continue
			install -D -m 0755 "$(readlink -f "$path")" "$root/lib/x86_64-linux-gnu/$name"
			;;
		/*" ("*)
			path=${line%% (*}
			install -D -m 0755 "$(readlink -f "$path")" "$root$path"
			;;
		esac
	done
}

# kt_add_modules ROOT MOD...: copy modules and their dependencies (in load
# order) into ROOT/lib/modules and list them in ROOT/modules.list.
kt_add_modules() {
	local root=$1 m line ko
	shift
	mkdir -p "$root/lib/modules"
	: >"$root/modules.list"
	for m in "$@"; do
		modprobe -d "$KT_MODROOT" -S "$KT_KVER" --show-depends "$m" ||
			kt_die "module $m not found in $KT_KVER"
	done | while read -r line; do
		case $line in
		insmod\ *) ko=${line#insmod } ko=${ko%% *} ;;
		builtin\ *) continue ;;
		*) continue ;;
		esac
		grep -qxF "$(basename "$ko")" "$root/modules.list" && continue
		cp "$ko" "$root/lib/modules/"
		basename "$ko" >>"$root/modules.list"
	done
	for m in "$@"; do
		grep -q "^$m\.ko" "$root/modules.list" || kt_die "module $m missing from initramfs"
	done
}

# kt_lsm_without_bpf: the kernel's default LSM order minus "bpf" (KERNEL.md:
# the 6.1 BPF LSM oopses with EVM HMAC keys; we keep it out to be safe).
kt_lsm_without_bpf() {
	sed -n 's/^CONFIG_LSM="\(.*\)"$/\1/p' "$KT_KCONFIG" |
		tr ',' '\n' | grep -vx bpf | paste -sd, -
}

# kt_boot LOG INITRD APPEND [qemu args...]: one TCG boot, console on LOG.
kt_boot() {
	local log=$1 initrd=$2 append=$3
	shift 3
	timeout "${KT_BOOT_TIMEOUT:-300}" qemu-system-x86_64 \
		-accel tcg -cpu max -smp "${KT_SMP:-2}" -m 512 \
		-nodefaults -display none -no-reboot -net none \
		-serial "file:$log" \
		-kernel "$KT_VMLINUZ" -initrd "$initrd" -append "$append" \
		"$@"
}

# Whether FS holding DIR accepts security.* xattrs (needs root).
kt_xattr_ok() {
	local f=$1/.xattr-probe rc
	: >"$f"
	setfattr -n security.imakt -v 0x01 "$f" 2>/dev/null
	rc=$?
	rm -f "$f"
	return $rc
}

# kt_workdir PREFIX: a fresh $WORK, removed at exit after a pass or a skip
# (kept, and said, after a failure or with KT_KEEP set). A script's own
# kt_cleanup_hook, when defined, runs first (unmounts, stray daemons).
kt_workdir() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || kt_die "mktemp failed"
	trap kt_cleanup EXIT
}
# shellcheck disable=SC2317 # invoked by the EXIT trap
kt_cleanup() {
	local rc=$?
	if declare -F kt_cleanup_hook >/dev/null; then kt_cleanup_hook; fi
	if { [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; } && [ -z "${KT_KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		kt_log "work directory kept: $WORK (a console.log, when a guest booted)"
	fi
}

# Verdicts: PASS/FAIL lines, counted in $pass and $fail.
pass=0
fail=0
ok() {
	echo "PASS $*"
	pass=$((pass + 1))
}
bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

# kt_x509_cnf FILE CN: an openssl req config for an IMA signing certificate
# (digitalSignature, subject and authority key ids: what the kernel's keyring wants).
kt_x509_cnf() {
	cat >"$1" <<CNF
[req]
distinguished_name = dn
prompt = no
x509_extensions = ext
[dn]
CN = $2
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
}

# kt_initramfs_base ROOT INIT: ROOT/init (INIT), the guest library and busybox.
kt_initramfs_base() {
	mkdir -p "$1/bin" "$1/keys"
	install -m 0755 "$KT_DIR/$2" "$1/init"
	install -m 0644 "$KT_DIR/guest-lib.sh" "$1/guest-lib.sh"
	cp "$BUSYBOX" "$1/bin/busybox"
}

# kt_pack_initramfs ROOT OUT: ROOT as a newc cpio archive.
kt_pack_initramfs() {
	(cd "$1" && find . | cpio -o -H newc --quiet) >"$2" || kt_die "cpio failed"
}

# kt_initramfs_appraise ROOT: what an appraisal guest runs besides busybox:
# the evmctl under test, keyctl, getfattr and the modules for virtio ext4
# images with sha256/sha512 signatures.
kt_initramfs_appraise() {
	kt_copy_bin "$EVMCTL" "$1" /usr/bin/evmctl
	kt_copy_bin "$(command -v keyctl)" "$1" /usr/bin/keyctl
	kt_copy_bin "$(command -v getfattr)" "$1" /usr/bin/getfattr
	kt_add_modules "$1" virtio_pci virtio_blk ext4 crc32c_generic sha512_generic
}

# kt_boot_enforce CPIO [qemu args]: one boot with ima_appraise=enforce, the
# console in $WORK/console.log, qemu's status in $qrc, and the boot's seconds
# in $boot_s.
kt_boot_enforce() {
	local append t0 cpio=$1
	shift
	append="console=ttyS0 panic=-1 oops=panic rdinit=/init quiet loglevel=3"
	append="$append ima_appraise=enforce lsm=$(kt_lsm_without_bpf)"
	kt_log "booting $KT_KVER under qemu (TCG): $append"
	t0=$(date +%s)
	kt_boot "$WORK/console.log" "$cpio" "$append" "$@"
	qrc=$?
	boot_s=$(($(date +%s) - t0))
	kt_log "qemu exited rc=$qrc after $boot_s s"
}
