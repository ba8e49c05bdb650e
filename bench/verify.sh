#!/usr/bin/env bash
# bench/verify.sh — IMA signature verification: imactl vs Debian's evmctl 1.4,
# on a copy of the tree bench/gen-tree.sh makes (reused when run.sh made it),
# every file signed with one RSA-2048 key (security.ima, signature v2).
#
#   evmctl ima_verify per file   find -exec evmctl ima_verify -k CERT {}   (anchor:
#                                1.4 has no -r for ima_verify)
#   evmctl(ours) per file        the same with our binary via its evmctl symlink
#   imactl verify -r             imactl verify -r -k CERT TREE
#
# Every run must verify every file (exit 0); a tampered copy of one file must
# fail in each tool (checked once, before timing). Reports files/s and the
# ratio to the anchor; the median of BENCH_REPS runs.
#
# Environment: IMACTL (default build/src/imactl/imactl), BENCH_SCALE (default
# 1), BENCH_SEED, BENCH_TREE, BENCH_PERFILE_N (files in the per-file subset,
# default 500), BENCH_REPS (default 3). Run as root (security.ima).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_init verify "security.ima xattrs"
NPF=${BENCH_PERFILE_N:-500}

W=$(mktemp -d /var/tmp/imactl-bench-verify.XXXXXX)
trap 'rm -rf -- "$W"' EXIT
OURS=$W/evmctl
ln -s "$IMACTL" "$OURS"
log "copying the tree and signing it (RSA-2048, imactl sign -r)"
cp -a "$TREE" "$W/tree"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" -subj /CN=bench \
	-addext subjectKeyIdentifier=hash -days 2 >/dev/null 2>&1
openssl x509 -in "$W/cert.pem" -outform der -out "$W/cert.der"
"$IMACTL" sign -r -q -k "$W/key.pem" "$W/tree" || die "signing failed"
find "$W/tree" -type f | sort >"$W/all"
N=$(wc -l <"$W/all")
awk -v n="$(((N + NPF - 1) / NPF))" 'NR % n == 0' "$W/all" | head -n "$NPF" >"$W/sub"
NS=$(wc -l <"$W/sub")
find "$W/tree" -type f -exec cat {} + >/dev/null

# the tampered twin: one file changed after signing fails in all three
T=$(head -1 "$W/sub")
cp -a "$T" "$W/orig"
echo tamper >>"$T"
"$REF" ima_verify -k "$W/cert.der" "$T" >/dev/null 2>&1 && die "evmctl 1.4 accepted a tampered file"
"$OURS" ima_verify -k "$W/cert.der" "$T" >/dev/null 2>&1 && die "our evmctl accepted a tampered file"
"$IMACTL" verify -k "$W/cert.der" "$T" >/dev/null 2>&1 && die "imactl verify accepted a tampered file"
cp -a "$W/orig" "$T"

timeit() { # NAME CMD...: seconds, or die when the command fails
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>"$W/err" || die "$1 failed: $(head -c 300 "$W/err")"
	t1=$EPOCHREALTIME
	python3 -c "print($t1 - $t0)"
}
perfile() { # BINARY: ima_verify every file of the subset, one process each
	xargs -a "$W/sub" -d '\n' -n 1 "$1" ima_verify -k "$W/cert.der"
}
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
: >"$W/t.ref"
: >"$W/t.ours"
: >"$W/t.r"
for rep in $(seq "$REPS"); do
	log "rep $rep/$REPS"
	timeit perfile "$REF" >>"$W/t.ref"
	timeit perfile "$OURS" >>"$W/t.ours"
	timeit "$IMACTL" verify -r -q -k "$W/cert.der" "$W/tree" >>"$W/t.r"
done
ref=$(median <"$W/t.ref")
ours=$(median <"$W/t.ours")
r=$(median <"$W/t.r")
python3 - "$NS" "$N" "$ref" "$ours" "$r" "$(git -C "$here/.." describe --always --dirty 2>/dev/null)" <<'PY'
import sys
ns, n, ref, ours, r, rev = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:6]), sys.argv[6]
a = ns / ref
print(f"bench/verify.sh at {rev}: RSA-2048 signatures v2, median of runs, warm page cache")
print(f"{'tool':<30} {'files':>6} {'time s':>8} {'files/s':>9} {'vs anchor':>9}")
for name, files, t in (("evmctl 1.4 ima_verify per file", ns, ref),
                       ("imactl as evmctl, per file", ns, ours),
                       ("imactl verify -r", n, r)):
    print(f"{name:<30} {files:>6} {t:>8.3f} {files / t:>9.0f} {files / t / a:>8.2f}x")
PY
