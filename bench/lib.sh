# shellcheck shell=bash
# Shared by bench/evm.sh and bench/verify.sh (sourced; set $here first):
# messages, root, the anchor and our binary, and the gen-tree.sh tree.
#
#   bench_init NAME WHY   log()/die() prefixed "bench/NAME"; root required
#                         (WHY: the xattrs written); REF=/usr/bin/evmctl,
#                         IMACTL (default build/src/imactl/imactl), SCALE,
#                         SEED, TREE (BENCH_SCALE, BENCH_SEED, BENCH_TREE),
#                         REPS (BENCH_REPS, default 3); the tree made or reused.
bench_init() {
	BENCH_NAME=$1
	log() { echo "bench/$BENCH_NAME: $*" >&2; }
	die() {
		log "ERROR: $*"
		exit 1
	}
	[[ $(id -u) -eq 0 ]] || die "run as root ($2)"
	REF=/usr/bin/evmctl
	[[ -x $REF ]] || die "$REF not installed"
	IMACTL=${IMACTL:-$here/../build/src/imactl/imactl}
	[[ -x $IMACTL ]] || die "IMACTL=$IMACTL not executable (build first)"
	IMACTL=$(readlink -f "$IMACTL")
	SCALE=${BENCH_SCALE:-1}
	SEED=${BENCH_SEED:-20240601}
	TREE=${BENCH_TREE:-/var/tmp/imactl-bench/tree-s$SCALE}
	REPS=${BENCH_REPS:-3}
	BENCH_SCALE=$SCALE BENCH_SEED=$SEED "$here/gen-tree.sh" --reuse "$TREE" >&2 || die "no tree"
}
