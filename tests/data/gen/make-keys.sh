#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Generates the TEST-ONLY key fixtures in tests/data/keys/.  These private
# keys are public (committed to git) and must never be used for anything but
# the imactl test suite.  Run once; the committed files are the fixtures, and
# tests/data/evmctl/ holds evmctl outputs made with them (see
# record-evmctl.sh), so regenerating the keys invalidates those recordings.
#
# Usage: tests/data/gen/make-keys.sh [outdir]   (default: tests/data/keys)
set -eu

out=${1:-$(dirname "$0")/../keys}
mkdir -p "$out"
cd "$out"

days=36500
pass=imactl-test-passphrase

# RSA-2048: the key evmctl byte-identity tests use.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.pem
openssl pkey -in rsa2048.pem -traditional -out rsa2048-trad.pem
openssl pkey -in rsa2048.pem -outform DER -out rsa2048.der
openssl pkey -in rsa2048.pem -aes-256-cbc -passout pass:$pass -out rsa2048-enc.pem
openssl pkey -in rsa2048.pem -pubout -out rsa2048.pub.pem
openssl pkey -in rsa2048.pem -pubout -outform DER -out rsa2048.pub.der
openssl rsa -in rsa2048.pem -RSAPublicKey_out -out rsa2048.pkcs1pub.pem 2>/dev/null
openssl req -new -x509 -key rsa2048.pem -subj "/CN=imactl TEST ONLY RSA-2048" -days $days \
	-addext subjectKeyIdentifier=hash -out rsa2048.crt
openssl x509 -in rsa2048.crt -outform DER -out rsa2048.crt.der
# The same key in a certificate without a subjectKeyIdentifier.
openssl req -new -x509 -key rsa2048.pem -subj "/CN=imactl TEST ONLY no SKID" -days $days \
	-addext subjectKeyIdentifier=none -addext authorityKeyIdentifier=none -out rsa2048-noskid.crt

# A second RSA-2048 key whose certificate carries a custom SKID, and the
# private key with that certificate appended (evmctl takes the key id from it).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-skid.pem
openssl req -new -x509 -key rsa-skid.pem -subj "/CN=imactl TEST ONLY custom SKID" -days $days \
	-addext subjectKeyIdentifier=0102030405060708 -out rsa-skid.crt
cat rsa-skid.pem rsa-skid.crt >rsa-skid-withcert.pem

# EC keys.
for c in P-256 P-384; do
	n=$(echo $c | tr -d - | tr 'P' 'p')
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:$c -out ec-$n.pem
	openssl req -new -x509 -key ec-$n.pem -subj "/CN=imactl TEST ONLY EC-$c" -days $days \
		-addext subjectKeyIdentifier=hash -out ec-$n.crt
done

# A key type IMA cannot use.
openssl genpkey -algorithm ED25519 -out ed25519.pem

# Broken inputs.
head -c 600 rsa2048.pem >truncated.pem
printf 'this is not a key\n' >garbage.pem
