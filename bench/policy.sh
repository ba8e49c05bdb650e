#!/bin/bash
# bench/policy.sh: time `imactl policy check` on a generated 10,000-rule policy.
# No anchor tool exists (nothing else parses IMA policies), so this reports the
# absolute time and rules/s. The kernel's own load time of the same policy is
# not measured: loading it in a guest would apply it (one load per boot on
# Debian, IMA_WRITE_POLICY=n), which tests/kernel/probe-policy.sh must avoid.
#
#   IMACTL=build/src/imactl/imactl bench/policy.sh
#   BENCH_RULES (default 10000), BENCH_REPS (default 5), BENCH_KERNEL (default 6.1)
set -eu -o pipefail
IMACTL=${IMACTL:-build/src/imactl/imactl}
RULES=${BENCH_RULES:-10000}
REPS=${BENCH_REPS:-5}
KERNEL=${BENCH_KERNEL:-6.1}
[ -x "$IMACTL" ] || { echo "IMACTL=$IMACTL is not executable (build first)" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Rules accepted by 6.1 and newer: every action, most conditions and options.
awk -v n="$RULES" 'BEGIN {
	r[0] = "dont_measure fsmagic=0x%x"
	r[1] = "measure func=FILE_CHECK mask=^MAY_READ euid=%d pcr=11 template=ima-ng"
	r[2] = "appraise func=BPRM_CHECK fsuuid=8bcbe394-4f13-4144-be8e-5aa9ea2ce2f6 fowner<%d appraise_type=imasig"
	r[3] = "measure func=KEY_CHECK keyrings=.ima|.builtin_trusted_keys uid=%d"
	r[4] = "dont_appraise fsname=tmpfs fgroup>%d"
	r[5] = "audit func=MMAP_CHECK mask=MAY_EXEC gid=%d"
	r[6] = "hash func=FILE_CHECK fowner=%d"
	r[7] = "appraise func=MODULE_CHECK appraise_algos=sha256,sha512 uid<%d appraise_type=imasig"
	r[8] = "measure func=CRITICAL_DATA label=selinux uid=%d"
	r[9] = "dont_measure fsname=proc fowner=%d"
	for (i = 0; i < n; i++) printf(r[i % 10] "\n", i + 1)
}' >"$T/policy"
bytes=$(wc -c <"$T/policy")
"$IMACTL" policy check --kernel "$KERNEL" "$T/policy" >/dev/null ||
	{ echo "the generated policy is rejected:" >&2; "$IMACTL" policy check --kernel "$KERNEL" "$T/policy" >&2; exit 1; }

times=()
for _ in $(seq "$REPS"); do
	t0=$(date +%s%N)
	"$IMACTL" policy check --kernel "$KERNEL" "$T/policy" >/dev/null
	t1=$(date +%s%N)
	times+=($(((t1 - t0) / 1000)))
done
med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "policy check --kernel $KERNEL: $RULES rules ($bytes bytes), median of $REPS runs:" \
	"$(awk -v u="$med" 'BEGIN { printf "%.1f ms", u / 1000 }'), " \
	"$(awk -v u="$med" -v n="$RULES" 'BEGIN { printf "%.0f rules/s", n / (u / 1e6) }')" \
	"(whole process: exec, read, parse; all runs: ${times[*]} us)"
