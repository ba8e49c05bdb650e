#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Records reference outputs of ima-evm-utils' evmctl (Debian bookworm
# ima-evm-utils 1.4-1, OpenSSL 3.0) over tests/data/evmctl/content.txt with the
# TEST-ONLY keys of tests/data/keys/.  test_sig.c asserts that libimactl
# produces byte-identical RSA signatures (PKCS#1 v1.5 is deterministic) and
# verifies the (randomised) ECDSA ones.  The exact commands are below; each
# output file holds evmctl's stdout (one hex line) only.
#
# Usage (from the repository root): tests/data/gen/record-evmctl.sh
set -eu

cd "$(dirname "$0")/.."
k=keys
o=evmctl
printf 'imactl fixture content\n' >$o/content.txt

for a in sha1 sha256 sha384 sha512; do
	evmctl ima_sign -n --key $k/rsa2048.pem -a $a $o/content.txt 2>/dev/null \
		>$o/ima_sign-rsa2048-$a.hex
done
# sign_hash reads "<hexdigest> <name>" lines and appends the signature.
sha256sum $o/content.txt | evmctl sign_hash --key $k/rsa2048.pem -a sha256 2>/dev/null \
	>$o/sign_hash-rsa2048-sha256.txt
# Key id from the appended certificate's SKID.
evmctl ima_sign -n --key $k/rsa-skid-withcert.pem -a sha256 $o/content.txt 2>/dev/null \
	>$o/ima_sign-rsa-skid-withcert-sha256.hex
# Key id override.
evmctl ima_sign -n --keyid 0xa1b2c3d4 --key $k/rsa2048.pem -a sha256 $o/content.txt 2>/dev/null \
	>$o/ima_sign-rsa2048-keyid-a1b2c3d4-sha256.hex
# Legacy v1 (--rsa); the header carries the signing time, little-endian.
for a in sha1 sha256; do
	evmctl ima_sign --rsa -n --key $k/rsa2048.pem -a $a $o/content.txt 2>/dev/null \
		>$o/ima_sign-v1-rsa2048-$a.hex
done
# ECDSA (randomised: verified, not compared).
for c in p256 p384; do
	evmctl ima_sign -n --key $k/ec-$c.pem -a sha256 $o/content.txt 2>/dev/null \
		>$o/ima_sign-ec-$c-sha256.hex
done
evmctl --version >$o/EVMCTL_VERSION
