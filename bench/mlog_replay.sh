#!/bin/bash
# Replay speed: imactl log verify (template re-check + sha1 and sha256 banks)
# vs evmctl ima_measurement, on synthetic ima-ng lists of 10^4..10^6 entries.
# usage: bench/mlog_replay.sh BUILD_DIR
set -eu
B=${1:?build dir}
I=$B/src/imactl/imactl
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
for n in 10000 100000 1000000; do
	python3 "$(dirname "$0")/mlog_gen.py" $n "$W/$n"
	P="--pcrs sha1,$W/$n/pcrs-sha1.txt --pcrs sha256,$W/$n/pcrs-sha256.txt"
	t0=$(date +%s.%N); "$I" log verify $P "$W/$n/list.bin" >/dev/null; t1=$(date +%s.%N)
	ours=$(echo "$t1 - $t0" | bc)
	if [ -x /usr/bin/evmctl ]; then
		t0=$(date +%s.%N); /usr/bin/evmctl ima_measurement $P "$W/$n/list.bin" 2>/dev/null; t1=$(date +%s.%N)
		ref=$(echo "$t1 - $t0" | bc)
	else
		ref=nan
	fi
	/usr/bin/time -f "%M" -o "$W/rss" "$I" log verify $P "$W/$n/list.bin" >/dev/null
	printf '%8d entries: imactl %.3fs (%.0f entries/s, max RSS %s KiB)  evmctl %.3fs (%.0f entries/s)\n' \
		$n "$ours" "$(echo "$n / $ours" | bc -l)" "$(cat "$W/rss")" "$ref" "$(echo "$n / $ref" | bc -l)"
done
