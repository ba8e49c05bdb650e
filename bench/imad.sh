#!/bin/bash
# Per-open and per-exec overhead of imad, side by side in one run, on a
# loop-mounted ext4 the script creates: no listener, a bare allow-all
# fanotify listener (fan-allow.c), imad uncached (first open of each file:
# hash + compare / RSA verify) and imad cached; with BASE_BUILD_DIR, the
# same two imad rows for that build too (before/after in one run).
# fapolicyd is not run here (FANOTIFY.md: it needs a private mount
# namespace in this sandbox).
#
# Method: the machine drifts by tens of microseconds per exec between runs,
# more than the overheads measured.  So the file set is copied (xattrs
# included) to a second loop-mounted ext4 that no listener ever marks, and
# every figure is "marked mount minus unmarked mount", measured in
# alternating chunks (ROUNDS pairs) while the listener runs; the median of
# the per-pair differences is reported.  The "no listener" row is that
# difference with no listener at all (the method's own noise).
#
# Safety: every listener marks only the test mount and runs under
# `timeout 300`; every client runs under `timeout 120`; the EXIT trap stops
# listeners (TERM, then KILL) and unmounts.
#
#   bench/imad.sh BUILD_DIR [NFILES [BASE_BUILD_DIR]]      (root)
set -u
BUILD=${1:?usage: bench/imad.sh BUILD_DIR [NFILES]}
N=${2:-10000}
BASE=${3:-}
IMACTL=$BUILD/src/imactl/imactl
IMAD=$BUILD/src/imad/imad
HERE=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 77; }
T=$(mktemp -d /tmp/imad-bench.XXXXXX)
MNT=$T/mnt
REF=$T/ref
mkdir -p "$MNT" "$REF"
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
	mountpoint -q "$REF" && { umount "$REF" || umount -l "$REF"; }
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
truncate -s 1G "$T/refimg" && mkfs.ext4 -q -F "$T/refimg" && mount -o loop "$T/refimg" "$REF" &&
	cp -a "$MNT/." "$REF/" || exit 1
sed "s|^$MNT/|$REF/|" "$T/hlist" >"$T/hlist.ref"
sed "s|^$MNT/|$REF/|" "$T/slist" >"$T/slist.ref"
cat >"$T/policy" <<'POL'
measure func=BPRM_CHECK
measure func=FILE_CHECK mask=MAY_READ
appraise func=BPRM_CHECK appraise_type=imasig
appraise func=FILE_CHECK mask=MAY_READ
POL
# PIN=CPU: clients and listeners all on that CPU (no cross-CPU wake-ups: the
# listener's own cost); unset: wherever the scheduler puts them (real life)
TS=()
[ -n "${PIN:-}" ] && TS=(taskset -c "$PIN")
TO=("${TS[@]}" timeout 120)
sync
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null

opens() { "${TO[@]}" "$T/openloop" "$1" "$2"; }
execs() { "${TO[@]}" "$T/execloop" "$1" "$2"; }
row() { printf '%-30s %9s %9s %9s %11s %11s %6s\n' "$@"; }
median() { sort -n | awk '{a[NR] = $1} END {print NR ? (NR % 2 ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)) : "-"}'; }

FAILS=0
# pair KIND ARG CHUNK: median over ROUNDS of (marked - unmarked) ns per operation
pair()
{
	local k a b fa fb
	for k in $(seq "$ROUNDS"); do
		if [ "$1" = exec ]; then
			read -r a fa < <(execs "$MNT/bin/true" "$3")
			read -r b fb < <(execs "$REF/bin/true" "$3")
		else
			read -r a fa < <(opens "$T/$2" "$3")
			read -r b fb < <(opens "$T/$2.ref" "$3")
		fi
		FAILS=$((FAILS + ${fa:-1} + ${fb:-1}))
		[ -n "${RAW:-}" ] && echo "  $1 $2: marked $a unmarked $b" >&2
		echo $((a - b))
	done | median
}
# once LIST: one pass over LIST marked, then unmarked: the uncached difference
once()
{
	local a b fa fb
	read -r a fa < <(opens "$T/$1" 1)
	read -r b fb < <(opens "$T/$1.ref" 1)
	FAILS=$((FAILS + ${fa:-1} + ${fb:-1}))
	echo $((a - b))
}

start_imad()
{
	rm -rf "$T/rt"
	"${TS[@]}" timeout -k 5 300 "$1" --watch "$MNT" --policy "$T/policy" --keys "$T/keys" \
		--runtime-dir "$T/rt" --foreground 2>"$T/imad.log" &
	LPID=$!
	for _ in $(seq 100); do grep -qs '^state: running' "$T/rt/status" && return 0; sleep 0.05; done
	echo "imad did not start: $(head -c 300 "$T/imad.log")" >&2
	exit 1
}

ROUNDS=${ROUNDS:-7}
EX=${EX:-300}
opens "$T/hlist" 1 >/dev/null # warm the page cache
opens "$T/hlist.ref" 1 >/dev/null
opens "$T/slist" 1 >/dev/null
opens "$T/slist.ref" 1 >/dev/null
echo "overhead in ns per operation: marked mount minus unmarked mount, median of $ROUNDS alternating pairs${PIN:+, all pinned to CPU $PIN}"
row configuration open sig-open exec "1st open" "1st sig-open" fails
measure() # NAME: the cached columns
{
	local o s e
	FAILS=0
	o=$(pair open hlist 1)
	s=$(pair open slist 3)
	e=$(pair exec - "$EX")
	echo "$o $s $e $FAILS"
}
read -r o0 s0 e0 f0 < <(measure)
row "no listener" "$o0" "$s0" "$e0" - - "$f0"

"${TS[@]}" timeout -k 5 300 "$T/fan-allow" "$MNT" 2>/dev/null &
LPID=$!
sleep 0.3
read -r o1 s1 e1 f1 < <(measure)
row "allow-all listener" "$o1" "$s1" "$e1" - - "$f1"
stop_listener

imad_row() # NAME BINARY
{
	local u v o s e f
	start_imad "$2"
	FAILS=0
	u=$(once hlist)
	v=$(once slist)
	read -r o s e f < <(measure)
	stop_listener
	row "$1" "$o" "$s" "$e" "$u" "$v" "$((f + FAILS))"
	echo "  $(grep -E '^(cache_hit_rate|hashed|measured|denied):' "$T/rt/status" | tr '\n' ' ')"
	echo "$o $s $e" >"$T/last"
}
if [ -n "$BASE" ]; then
	imad_row "imad $(basename "$BASE")" "$BASE/src/imad/imad"
	read -r ob sb eb <"$T/last"
fi
imad_row "imad $(basename "$BUILD")" "$IMAD"
read -r o3 s3 e3 <"$T/last"
awk -v o1="$o1" -v o3="$o3" -v e1="$e1" -v e3="$e3" -v ob="${ob:-}" -v eb="${eb:-}" 'BEGIN {
	if (ob != "")
		printf "before: cached open %.2fx allow-all, exec %+.1f us\n", (o1 > 0 ? ob / o1 : 0), eb / 1000
	printf "after:  cached open %.2fx allow-all (target <= 1.2x), exec %+.1f us (target <= +15 us)\n", (o1 > 0 ? o3 / o1 : 0), e3 / 1000
}'
