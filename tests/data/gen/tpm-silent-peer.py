#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tpm-silent-peer.py PORT SECONDS: listen on 127.0.0.1:PORT and PORT+1 like
swtpm (command and control channels); the control channel answers, the
command channel accepts and never answers.  tpm.test uses it to check that
imactl gives up on such a TPM within its timeout instead of hanging."""
import socket, sys, threading, time
port = int(sys.argv[1])
def main_ch(s):
    conns = []
    while True:
        c, _ = s.accept(); conns.append(c)  # read nothing, answer nothing
def ctrl_ch(s):
    while True:
        c, _ = s.accept()
        try:
            while c.recv(64):
                c.sendall(b"\0\0\0\0\0\0\0\0")
        except OSError:
            pass
        c.close()
ss = []
for p, f in ((port, main_ch), (port + 1, ctrl_ch)):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", p)); s.listen(5)
    threading.Thread(target=f, args=(s,), daemon=True).start()
print("ready", flush=True)
time.sleep(float(sys.argv[2]))
