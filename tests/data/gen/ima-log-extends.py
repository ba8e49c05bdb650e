#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Print the tpm2_pcrextend arguments that replay a binary IMA measurement
list (legacy SHA-1 file, little-endian, any template but "ima") into a TPM's
sha1 and sha256 banks, as the kernel extends them (ima_queue.c
ima_pcr_extend()): the sha1 bank with the logged template digest, the
sha256 bank with SHA-256 over the template data, a violation (all-zero
digest) with 0xff... in both.

    ima-log-extends.py binary_runtime_measurements  ->  "10:sha1=..,sha256=.. ..."
"""
import hashlib
import struct
import sys


def main():
    data = open(sys.argv[1], "rb").read()
    off, out = 0, []
    while off < len(data):
        pcr, = struct.unpack_from("<I", data, off)
        digest = data[off + 4:off + 24]
        nlen, = struct.unpack_from("<I", data, off + 24)
        name = data[off + 28:off + 28 + nlen]
        off += 28 + nlen
        if name == b"ima":
            sys.exit("ima-log-extends: template 'ima' not supported")
        tlen, = struct.unpack_from("<I", data, off)
        tdata = data[off + 4:off + 4 + tlen]
        off += 4 + tlen
        if digest == bytes(20):
            s1, s256 = "ff" * 20, "ff" * 32
        else:
            s1, s256 = digest.hex(), hashlib.sha256(tdata).hexdigest()
        out.append("%d:sha1=%s,sha256=%s" % (pcr, s1, s256))
    print(" ".join(out))


if __name__ == "__main__":
    main()
