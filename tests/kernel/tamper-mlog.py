#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Make tampered copies of a binary IMA measurement list (capture-measurements.sh).

usage: tamper-mlog.py LIST ALGO NAME OUTPREFIX [SUFFIX]

LIST is binary_runtime_measurements (ALGO sha1: the legacy file) or a 6.10+
binary_runtime_measurements_<ALGO> file (template digests of that bank).
The entry tampered with is the first whose file name is NAME. Writes
OUTPREFIX-digest-flip, -digest-rehash, -drop-entry and -truncate, each with
SUFFIX (default ".bin"; ".runtime_measurements_<algo>" keeps the bank in the
name, as imactl log reads it), and prints one README line per copy.
Entry numbers are 0-based positions in the list, as the reader reports them.
"""
import hashlib
import struct
import sys


def parse(data, dlen):
    """Entries as (start, end, pcr, digest, name, tdata_off, fields)."""
    out = []
    off = 0
    while off < len(data):
        start = off
        pcr, = struct.unpack_from("<I", data, off)
        off += 4
        digest = data[off:off + dlen]
        off += dlen
        nlen, = struct.unpack_from("<I", data, off)
        off += 4
        tname = data[off:off + nlen].decode()
        off += nlen
        if tname == "ima":
            raise SystemExit("template 'ima' not handled")
        tlen, = struct.unpack_from("<I", data, off)
        off += 4
        toff = off
        fields = []
        p = toff
        while p < toff + tlen:
            flen, = struct.unpack_from("<I", data, p)
            fields.append((p + 4, flen))
            p += 4 + flen
        off += tlen
        out.append((start, off, pcr, digest, tname, toff, tlen, fields))
    if off != len(data):
        raise SystemExit("trailing bytes")
    return out


def file_name(data, e):
    fields = e[7]
    if len(fields) < 2:
        return None
    o, n = fields[1]
    return data[o:o + n].rstrip(b"\0").decode(errors="replace")


def main():
    path, algo, want, prefix = sys.argv[1:5]
    sfx = sys.argv[5] if len(sys.argv) > 5 else ".bin"
    dlen = hashlib.new(algo).digest_size
    data = open(path, "rb").read()
    ents = parse(data, dlen)
    idx = next(i for i, e in enumerate(ents) if file_name(data, e) == want)
    e = ents[idx]
    # flip the last byte of the file digest (end of the d-ng field)
    fo, fl = e[7][0]
    flip = bytearray(data)
    flip[fo + fl - 1] ^= 0x01
    open(prefix + "-digest-flip" + sfx, "wb").write(flip)
    rehash = bytearray(flip)
    td = bytes(rehash[e[5]:e[5] + e[6]])
    rehash[e[0] + 4:e[0] + 4 + dlen] = hashlib.new(algo, td).digest()
    open(prefix + "-digest-rehash" + sfx, "wb").write(rehash)
    open(prefix + "-drop-entry" + sfx, "wb").write(data[:e[0]] + data[e[1]:])
    last = ents[-1]
    open(prefix + "-truncate" + sfx, "wb").write(data[:last[0]])
    base = prefix.rsplit("/", 1)[-1]
    print(f"{base}-digest-flip{sfx}: flipped the last byte of the file digest of entry {idx} "
          f"({want}), template hash NOT recomputed: template hash check fails at entry {idx}")
    print(f"{base}-digest-rehash{sfx}: same flip, {algo} template hash recomputed: template "
          f"hashes check, PCR replay fails (the PCR never matches after entry {idx})")
    print(f"{base}-drop-entry{sfx}: dropped entry {idx} ({want}): PCR replay fails")
    print(f"{base}-truncate{sfx}: dropped the last entry {len(ents) - 1} "
          f"({file_name(data, last)}): PCR replay fails (log behind the PCRs)")
    print(f"{path}: {len(ents)} entries, tampered {algo} list")


if __name__ == "__main__":
    main()
