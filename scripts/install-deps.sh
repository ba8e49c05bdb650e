#!/bin/sh
# Install the Debian packages imactl needs to build and test. Idempotent:
# packages already present are skipped, and apt is not touched at all when
# nothing is missing.
set -eu

PKGS="
build-essential pkg-config meson ninja-build clang clang-format
libssl-dev openssl libkeyutils-dev keyutils libblkid-dev libjson-c-dev libcmocka-dev
libtss2-dev tpm2-tools swtpm swtpm-tools
ima-evm-utils attr e2fsprogs xxd fsverity libfsverity-dev libaudit-dev
qemu-system-x86 busybox-static cpio kmod
"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
