#!/usr/bin/env python3
"""Write a synthetic ima-ng binary_runtime_measurements of N entries (PCR 10,
sha256 file digests, correct SHA-1 template digests) and the matching
sha1/sha256 PCR-10 values in evmctl's --pcrs format.
usage: mlog_gen.py N OUTDIR"""
import hashlib, os, struct, sys

n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
p1, p256 = bytes(20), bytes(32)
with open(os.path.join(out, "list.bin"), "wb") as f:
    for i in range(n):
        name = b"/usr/lib/file-%08d.so\0" % i
        d = b"sha256:\0" + hashlib.sha256(name).digest()
        td = struct.pack("<I", len(d)) + d + struct.pack("<I", len(name)) + name
        h1 = hashlib.sha1(td).digest()
        f.write(struct.pack("<I", 10) + h1 + struct.pack("<I", 6) + b"ima-ng" +
                struct.pack("<I", len(td)) + td)
        p1 = hashlib.sha1(p1 + h1).digest()
        p256 = hashlib.sha256(p256 + hashlib.sha256(td).digest()).digest()
for alg, v in (("sha1", p1), ("sha256", p256)):
    with open(os.path.join(out, "pcrs-%s.txt" % alg), "w") as f:
        for i in range(24):
            f.write("PCR-%02d: %s\n" % (i, v.hex() if i == 10 else "00" * len(v)))
