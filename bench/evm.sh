#!/usr/bin/env bash
# bench/evm.sh — EVM signing and HMACs: imactl vs Debian's evmctl 1.4, on the
# tree bench/gen-tree.sh makes (reused when run.sh already made it).
#
#   evmctl sign per file    find -exec evmctl sign --uuid=U -k K {}   (subset)
#   evmctl -r sign          evmctl -r sign --uuid=U -k K TREE         (anchor)
#   evmctl(ours) -r sign    the same with our binary via its evmctl symlink
#   imactl evm sign -r      imactl evm sign -r -k K TREE (UUID found by itself)
#   evmctl hmac per file    find -exec evmctl hmac {}                 (subset;
#                           1.4 reads /etc/keys/evm-key-plain: created for the
#                           run when absent and removed afterwards)
#   imactl evm hmac -r      imactl evm hmac -r --hmackey KEY TREE
#
# evmctl is always given --uuid=: without it 1.4 runs blkid per file (and fails
# where no block device is visible). 1.4's hmac is HMAC-SHA256 without a UUID
# (wrong for the kernel): it is timed only as the per-file baseline.
# Targets (issue 3): EVM signing >= 3x `evmctl -r sign`; HMAC >= 50x evmctl
# per file.
#
# Environment: IMACTL (default build/src/imactl/imactl), BENCH_SCALE (default
# 1), BENCH_SEED, BENCH_TREE (default /var/tmp/imactl-bench/tree-s$BENCH_SCALE),
# BENCH_PERFILE_N (files in the per-file subsets, default 300), BENCH_REPS
# (default 3, the median is reported). Run as root (security.evm).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_init evm "security.evm xattrs"
NPF=${BENCH_PERFILE_N:-300}
U=3f2504e0-4f89-41d3-9a0c-0305e82c3301


W=$(mktemp -d /var/tmp/imactl-bench-evm.XXXXXX)
PLAIN=/etc/keys/evm-key-plain
MADE_PLAIN=
MADE_KEYDIR=
cleanup() {
	[[ -n $MADE_PLAIN ]] && rm -f "$PLAIN"
	[[ -n $MADE_KEYDIR ]] && rmdir /etc/keys 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/k.pem" -out "$W/k.crt" -subj /CN=bench-evm \
	-addext subjectKeyIdentifier=hash >/dev/null 2>&1 || die "openssl req failed"
openssl x509 -in "$W/k.crt" -outform DER -out "$W/k.der"
head -c 64 /dev/urandom >"$W/evmkey.bin"
if [[ ! -e $PLAIN ]]; then
	[[ -d /etc/keys ]] || { mkdir -p /etc/keys && MADE_KEYDIR=1; }
	install -m 0600 "$W/evmkey.bin" "$PLAIN"
	MADE_PLAIN=1
fi
ln -s "$IMACTL" "$W/evmctl"

NFILES=$(find "$TREE" -type f | wc -l)
# Per-file subset: every k-th regular file, hard-linked into a view.
mkdir -p "$W/pf"
k=$(((NFILES + NPF - 1) / NPF))
find "$TREE" -type f | sort | awk -v k="$k" 'NR % k == 1' | head -n "$NPF" |
	while read -r f; do ln "$f" "$W/pf/$(echo "$f" | md5sum | cut -c1-16)"; done
NPFA=$(find "$W/pf" -type f | wc -l)
log "tree: $NFILES regular files; per-file subset: $NPFA files"
log "warm-up read"
find "$TREE" -type f -exec cat {} + >/dev/null

clear_evm() { find "$1" -type f -exec setfattr -x security.evm {} + 2>/dev/null || true; }

# timeit NAME DIR NFILES CMD...: median wall time of REPS runs (security.evm
# removed before each); records "NAME files seconds" in $W/res.
timeit() {
	local name=$1 dir=$2 n=$3 r t0 t1 ts=()
	shift 3
	for ((r = 0; r < REPS; r++)); do
		clear_evm "$dir"
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>"$W/err" || {
			log "$name: exited non-zero: $(head -c 300 "$W/err")"
			echo "$name $n FAILED" >>"$W/res"
			return 0
		}
		t1=$(date +%s.%N)
		ts+=("$(echo "$t1 - $t0" | bc)")
	done
	# every regular file must carry a security.evm after the (last) run
	# (imactl labels the directories too, as the kernel's EVM covers them:
	# only regular files are counted)
	local got
	got=$(find "$dir" -type f -print0 | xargs -0 getfattr -h --absolute-names -n security.evm 2>/dev/null |
		grep -c '^security.evm=' || true)
	if [[ $got -ne $n ]]; then
		log "$name: $got of $n files carry security.evm after the run"
		echo "$name $n FAILED" >>"$W/res"
		return 0
	fi
	echo "$name $n $(printf '%s\n' "${ts[@]}" | sort -n | sed -n "$(((REPS + 1) / 2))p")" >>"$W/res"
	log "$name: done"
}

: >"$W/res"
timeit "evmctl-1.4 sign per file" "$W/pf" "$NPFA" \
	find "$W/pf" -type f -exec "$REF" sign --uuid=$U -k "$W/k.pem" {} \;
timeit "evmctl-1.4 -r sign" "$TREE" "$NFILES" "$REF" -r sign --uuid=$U -k "$W/k.pem" "$TREE"
timeit "evmctl(ours) -r sign" "$TREE" "$NFILES" "$W/evmctl" -r sign --uuid=$U -k "$W/k.pem" "$TREE"
timeit "imactl evm sign -r" "$TREE" "$NFILES" "$IMACTL" evm sign -r -q -k "$W/k.pem" "$TREE"
timeit "evmctl-1.4 hmac per file" "$W/pf" "$NPFA" find "$W/pf" -type f -exec "$REF" hmac {} \;
timeit "imactl evm hmac -r" "$TREE" "$NFILES" "$IMACTL" evm hmac -r -q --hmackey "$W/evmkey.bin" "$TREE"
# sanity: imactl's values verify
"$IMACTL" evm verify -r -q --hmackey "$W/evmkey.bin" "$TREE" || log "WARNING: imactl evm verify -r failed on the HMACs"
clear_evm "$TREE"

echo
echo "EVM bench: $NFILES files (scale $SCALE), per-file subset $NPFA, median of $REPS, $(nproc) CPUs"
awk '
{ n = $(NF-1); t = $NF; name = $1; for (i = 2; i <= NF - 2; i++) name = name " " $i
  rate[name] = (t == "FAILED") ? 0 : n / t; order[++k] = name; tt[name] = t }
END {
  printf "%-28s %10s %10s\n", "command", "seconds", "files/s"
  for (i = 1; i <= k; i++) printf "%-28s %10s %10.0f\n", order[i], tt[order[i]], rate[order[i]]
  a = rate["evmctl-1.4 -r sign"]; h = rate["evmctl-1.4 hmac per file"]
  if (a > 0) {
    printf "imactl evm sign -r vs evmctl-1.4 -r sign:       %.1fx (target >= 3x)\n", rate["imactl evm sign -r"] / a
    printf "imactl evm sign -r vs evmctl-1.4 sign per file: %.1fx\n", rate["imactl evm sign -r"] / rate["evmctl-1.4 sign per file"]
    printf "evmctl(ours) -r sign vs evmctl-1.4 -r sign:     %.1fx\n", rate["evmctl(ours) -r sign"] / a
  }
  if (h > 0) printf "imactl evm hmac -r vs evmctl-1.4 hmac per file: %.0fx (target >= 50x)\n", rate["imactl evm hmac -r"] / h
}' "$W/res"
