#!/bin/bash
# Per-open and per-exec overhead of imad, side by side in one run, on a
# loop-mounted ext4 the script creates: no listener, a bare allow-all
# fanotify listener (fan-allow.c), imad uncached (first open of each file:
# hash + compare / RSA verify) and imad cached.  fapolicyd is not run here
# (FANOTIFY.md: it needs a private mount namespace in this sandbox).
#
# Safety: every listener marks only the test mount and runs under
# `timeout 300`; every client runs under `timeout 120`; the EXIT trap stops
# listeners (TERM, then KILL) and unmounts.
#
#   bench/imad.sh BUILD_DIR [NFILES]      (root)
set -u
BUILD=${1:?usage: bench/imad.sh BUILD_DIR [NFILES]}
N=${2:-10000}
IMACTL=$BUILD/src/imactl/imactl
IMAD=$BUILD/src/imad/imad
HERE=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 77; }
T=$(mktemp -d /tmp/imad-bench.XXXXXX)
MNT=$T/mnt
mkdir -p "$MNT"
LPID=
stop_listener()
{
	[ -n "$LPID" ] || return 0
	kill -TERM "$LPID" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$LPID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$LPID" 2>/dev/null
	pkill -KILL -P "$LPID" 2>/dev/null
	wait "$LPID" 2>/dev/null
	LPID=
}
cleanup()
{
	stop_listener
	mountpoint -q "$MNT" && { umount "$MNT" || umount -l "$MNT"; }
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

cc -O2 -D_GNU_SOURCE -o "$T/fan-allow" "$HERE/fan-allow.c" && cc -O2 -D_GNU_SOURCE -o "$T/openloop" "$HERE/openloop.c" &&
	cc -O2 -D_GNU_SOURCE -o "$T/execloop" "$HERE/execloop.c" || exit 1
truncate -s 1G "$T/img" && mkfs.ext4 -q -F "$T/img" && mount -o loop "$T/img" "$MNT" || exit 1

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -subj /CN=bench \
	-addext subjectKeyIdentifier=hash -days 2 >/dev/null 2>&1
mkdir -p "$T/keys" && cp "$T/cert.pem" "$T/keys/"
mkdir -p "$MNT/h" "$MNT/s" "$MNT/bin"
echo "creating $N hashed 4 KiB files and $((N / 10)) RSA-signed ones" >&2
for i in $(seq "$N"); do head -c 4096 /dev/urandom >"$MNT/h/f$i"; done
for i in $(seq $((N / 10))); do head -c 4096 /dev/urandom >"$MNT/s/f$i"; done
"$IMACTL" hash -r -q "$MNT/h" && "$IMACTL" sign -r -q -k "$T/key.pem" "$MNT/s" || exit 1
cp /bin/true "$MNT/bin/true" && "$IMACTL" sign -q -k "$T/key.pem" "$MNT/bin/true"
find "$MNT/h" -type f >"$T/hlist"
find "$MNT/s" -type f >"$T/slist"
cat >"$T/policy" <<'POL'
measure func=BPRM_CHECK
measure func=FILE_CHECK mask=MAY_READ
appraise func=BPRM_CHECK appraise_type=imasig
appraise func=FILE_CHECK mask=MAY_READ
POL
TO=(timeout 120)
sync
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null

opens() { "${TO[@]}" "$T/openloop" "$1" "$2"; }
execs() { "${TO[@]}" "$T/execloop" "$MNT/bin/true" "$1"; }
row() { printf '%-28s %12s %12s %12s %10s\n' "$@"; }

start_imad()
{
	rm -rf "$T/rt"
	timeout -k 5 300 "$IMAD" --watch "$MNT" --policy "$T/policy" --keys "$T/keys" \
		--runtime-dir "$T/rt" --foreground 2>"$T/imad.log" &
	LPID=$!
	for _ in $(seq 100); do grep -qs '^state: running' "$T/rt/status" && return 0; sleep 0.05; done
	echo "imad did not start: $(head -c 300 "$T/imad.log")" >&2
	exit 1
}

R=3
EX=2000
opens "$T/hlist" 1 >/dev/null # warm the page cache
row configuration "open ns" "sig-open ns" "exec ns" failures
read -r o0 f0 < <(opens "$T/hlist" $R)
read -r s0 g0 < <(opens "$T/slist" $R)
read -r e0 x0 < <(execs $EX)
row "no listener" "$o0" "$s0" "$e0" "$((f0 + g0 + x0))"

timeout -k 5 300 "$T/fan-allow" "$MNT" 2>/dev/null &
LPID=$!
sleep 0.3
read -r o1 f1 < <(opens "$T/hlist" $R)
read -r s1 g1 < <(opens "$T/slist" $R)
read -r e1 x1 < <(execs $EX)
row "allow-all listener" "$o1" "$s1" "$e1" "$((f1 + g1 + x1))"
stop_listener

start_imad
read -r o2 f2 < <(opens "$T/hlist" 1)
read -r s2 g2 < <(opens "$T/slist" 1)
read -r e2 x2 < <(execs 1)
row "imad uncached (1st open)" "$o2" "$s2" "$e2" "$((f2 + g2 + x2))"
read -r o3 f3 < <(opens "$T/hlist" $R)
read -r s3 g3 < <(opens "$T/slist" $R)
read -r e3 x3 < <(execs $EX)
row "imad cached" "$o3" "$s3" "$e3" "$((f3 + g3 + x3))"
stop_listener
grep -E '^(cache_hit_rate|hashed|measured|denied):' "$T/rt/status" | tr '\n' ' '
echo
awk -v o0="$o0" -v o1="$o1" -v o2="$o2" -v o3="$o3" -v s0="$s0" -v s2="$s2" -v e0="$e0" -v e1="$e1" -v e3="$e3" 'BEGIN {
	printf "overhead per open: allow-all +%.1f us, imad cached +%.1f us (%.2fx allow-all), imad uncached sha256 +%.1f us, RSA +%.1f us\n",
		(o1-o0)/1000, (o3-o0)/1000, (o1 > o0 ? (o3-o0)/(o1-o0) : 0), (o2-o0)/1000, (s2-s0)/1000
	printf "overhead per exec: allow-all +%.1f us, imad cached +%.1f us\n", (e1-e0)/1000, (e3-e0)/1000
}'
