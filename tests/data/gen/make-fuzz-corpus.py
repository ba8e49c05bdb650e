#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora tests/fuzz/corpus/{xattr,key}/ from the fixtures.

Real values come from tests/data/evmctl/ (evmctl 1.4 output) and
tests/data/keys/ (TEST-ONLY keys); malformed seeds are named after the bug
they model.  Run from anywhere; rerun after the fixtures change.  Crash
reproducers found by fuzzing are added by hand and kept (crash-*/regress-*).
"""
import hashlib
import os
import struct
import subprocess

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
data = os.path.join(top, "tests", "data")
cx = os.path.join(top, "tests", "fuzz", "corpus", "xattr")
ck = os.path.join(top, "tests", "fuzz", "corpus", "key")
os.makedirs(cx, exist_ok=True)
os.makedirs(ck, exist_ok=True)


def hexfile(rel):
    with open(os.path.join(data, rel)) as f:
        return bytes.fromhex(f.read().split()[0])


def put(d, name, b):
    with open(os.path.join(d, name), "wb") as f:
        f.write(b)


content = open(os.path.join(data, "evmctl", "content.txt"), "rb").read()
v2 = hexfile("evmctl/ima_sign-rsa2048-sha256.hex")
ec = hexfile("evmctl/ima_sign-ec-p256-sha256.hex")
v1 = hexfile("evmctl/ima_sign-v1-rsa2048-sha1.hex")

# --- xattr: real values of every type --------------------------------------
put(cx, "digest-sha1", b"\x01" + hashlib.sha1(content).digest())
put(cx, "digest-md5-legacy", b"\x01" + hashlib.md5(content).digest())
put(cx, "hmac-sha1", b"\x02" + bytes(range(20)))
put(cx, "digsig-v2-rsa2048-sha256-evmctl", v2)
put(cx, "digsig-v2-rsa2048-sha512-evmctl", hexfile("evmctl/ima_sign-rsa2048-sha512.hex"))
put(cx, "digsig-v2-ecdsa-p256-evmctl", ec)
put(cx, "digsig-v2-ecdsa-p384-evmctl", hexfile("evmctl/ima_sign-ec-p384-sha256.hex"))
put(cx, "digsig-v1-rsa2048-sha1-evmctl", v1)
put(cx, "digsig-v1-rsa2048-sha256-evmctl", hexfile("evmctl/ima_sign-v1-rsa2048-sha256.hex"))
for algo, name, size in [(4, "sha256", 32), (5, "sha384", 48), (6, "sha512", 64),
                         (7, "sha224", 28), (17, "sm3", 32), (18, "streebog256", 32),
                         (20, "sha3-256", 32), (22, "sha3-512", 64)]:
    put(cx, "digest-ng-" + name, bytes([4, algo]) + bytes(size))
put(cx, "portable-digsig-v2", b"\x05" + v2[1:])
put(cx, "verity-digsig-v3", b"\x06\x03" + v2[2:])

# --- xattr: malformed, named after the bug they model ----------------------
# rpm#1833 (RhBug:2018937): ECDSA signatures padded with zeros to a fixed length.
put(cx, "zero-padded-ecdsa-sig-rpm1833", ec + bytes(72 - (len(ec) - 9)))
put(cx, "trailing-garbage-after-sig", v2 + b"\x01\x02")
put(cx, "sig-length-longer-than-data", v2[:-1])
put(cx, "sig-length-zero", v2[:7] + b"\x00\x00" + v2[9:])
put(cx, "sig-length-le-swapped", v2[:7] + v2[8:9] + v2[7:8] + v2[9:])
put(cx, "truncated-sig-header", v2[:5])
put(cx, "type-only-digsig", b"\x03")
put(cx, "empty", b"")
put(cx, "unknown-type-07", b"\x07" + bytes(32))
put(cx, "unknown-algo-in-sig-header", v2[:2] + b"\x17" + v2[3:])
put(cx, "digest-ng-unknown-algo-ff", b"\x04\xff" + bytes(32))
put(cx, "digest-ng-sha1-length-says-sha256", b"\x04\x04" + bytes(20))
put(cx, "digest-sha256-as-legacy-type1", b"\x01" + bytes(32))
put(cx, "portable-with-v3", b"\x05\x03" + v2[2:])
put(cx, "verity-with-v2", b"\x06\x02" + v2[2:])
put(cx, "digsig-with-v3-kernel-rejects", b"\x03\x03" + v2[2:])
put(cx, "v1-two-mpis", v1[:16] + b"\x02" + v1[17:])
put(cx, "v1-mpi-bits-too-large", v1[:17] + b"\xff\xff" + v1[19:])
put(cx, "v1-truncated-mpi", v1[:40])
put(cx, "hmac-short", b"\x02" + bytes(19))

# --- key: certificates and public keys --------------------------------------
def keyfile(name):
    return open(os.path.join(data, "keys", name), "rb").read()


for name in ["rsa2048.crt", "rsa2048.crt.der", "rsa2048.pub.pem", "rsa2048.pub.der",
             "rsa2048.pkcs1pub.pem", "rsa2048-noskid.crt", "rsa-skid.crt", "ec-p256.crt",
             "ec-p384.crt", "garbage.pem"]:
    put(ck, name, keyfile(name))
der = keyfile("rsa2048.crt.der")
pem = keyfile("rsa2048.crt")
put(ck, "der-cert-truncated", der[:len(der) // 2])
put(ck, "der-cert-trailing-byte", der + b"\x00")
put(ck, "pem-cert-bad-base64", pem.replace(b"M", b"*", 3))
put(ck, "pem-header-only", b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
put(ck, "private-key-pem-is-not-public", keyfile("rsa2048.pem"))
put(ck, "ed25519-spki-unsupported-type",
    subprocess.run(["openssl", "pkey", "-in", os.path.join(data, "keys", "ed25519.pem"),
                    "-pubout", "-outform", "DER"], check=True, capture_output=True).stdout)
put(ck, "asn1-huge-length", b"\x30\x84\xff\xff\xff\xff\x30\x00")
