#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The audit netlink for imad.test, without auditd.

  audit_listen.py status          print "enabled N" (AUDIT_GET); exit 1 when
                                  the audit netlink does not answer
  audit_listen.py set-enabled N   AUDIT_SET enabled=N (0 or 1) and nothing
                                  else: no rule, no failure mode, no pid
  audit_listen.py probe           send one AUDIT_TRUSTED_APP message and see
                                  it come back on the read-only multicast
                                  group: exit 0 when it does
  audit_listen.py listen FILE SECONDS
                                  write every record of the multicast group
                                  (AUDIT_NLGRP_READLOG, which needs
                                  CAP_AUDIT_READ) to FILE as
                                  "type=N msg=audit(...): ..." lines; prints
                                  "ready" once bound; stops on SIGTERM or
                                  after SECONDS
"""
import os
import signal
import socket
import struct
import sys
import time

NETLINK_AUDIT = 9
AUDIT_NLGRP_READLOG = 1
AUDIT_GET, AUDIT_SET = 1000, 1001
AUDIT_TRUSTED_APP = 1121
AUDIT_STATUS_ENABLED = 1
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
HDR = struct.Struct("=IHHII")  # struct nlmsghdr
STATUS = struct.Struct("=IIIIIIIII")  # struct audit_status, its first 9 words


def request(ty, payload=b"", seq=1):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
    s.bind((0, 0))
    s.settimeout(2)
    s.send(HDR.pack(HDR.size + len(payload), ty, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + payload)
    replies = []
    try:
        while True:
            d = s.recv(65536)
            ln, rty, _, _, _ = HDR.unpack_from(d)
            if rty == NLMSG_ERROR:
                err = struct.unpack_from("=i", d, HDR.size)[0]
                if err:
                    raise OSError(-err, os.strerror(-err))
                if ty != AUDIT_GET or replies:
                    break
            else:
                replies.append((rty, d[HDR.size:ln]))
                break
    finally:
        s.close()
    return replies


def records(sock, deadline):
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            d = sock.recv(65536)
        except socket.timeout:
            return
        off = 0
        while off + HDR.size <= len(d):
            ln, ty, _, _, _ = HDR.unpack_from(d, off)
            if ln < HDR.size:
                break
            text = d[off + HDR.size:off + ln].rstrip(b"\0").decode("utf-8", "replace")
            yield ty, text
            off += (ln + 3) & ~3


def group_socket():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
    s.bind((0, 1 << (AUDIT_NLGRP_READLOG - 1)))
    return s


def main(argv):
    if len(argv) >= 2 and argv[1] == "status":
        for ty, body in request(AUDIT_GET):
            if ty == AUDIT_GET:
                print("enabled %d" % STATUS.unpack_from(body.ljust(STATUS.size, b"\0"))[1])
                return 0
        return 1
    if len(argv) == 3 and argv[1] == "set-enabled" and argv[2] in ("0", "1"):
        request(AUDIT_SET, STATUS.pack(AUDIT_STATUS_ENABLED, int(argv[2]), 0, 0, 0, 0, 0, 0, 0))
        return 0
    if len(argv) == 2 and argv[1] == "probe":
        g = group_socket()
        nonce = "imad_e2e_probe=%d.%d" % (os.getpid(), time.time_ns())
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
        s.bind((0, 0))
        msg = nonce.encode() + b"\0"
        s.send(HDR.pack(HDR.size + len(msg), AUDIT_TRUSTED_APP, NLM_F_REQUEST, 1, 0) + msg)
        for ty, text in records(g, time.monotonic() + 2):
            if ty == AUDIT_TRUSTED_APP and nonce in text:
                return 0
        return 1
    if len(argv) == 4 and argv[1] == "listen":
        g = group_socket()
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        deadline = time.monotonic() + float(argv[3])
        with open(argv[2], "w", buffering=1) as out:
            print("ready", flush=True)
            while not stop and time.monotonic() < deadline:
                for ty, text in records(g, min(deadline, time.monotonic() + 0.2)):
                    out.write("type=%d msg=%s\n" % (ty, text))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except OSError as e:
        sys.stderr.write("audit_listen: %s\n" % e)
        sys.exit(1)
