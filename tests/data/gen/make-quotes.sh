#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Make real TPM 2.0 quotes with tpm2-tools on swtpm, for tests/data/quote/.
#
#   tests/data/gen/make-quotes.sh [OUTDIR]     (default: tests/data/quote)
#
# Starts a private swtpm on 127.0.0.1 (a free port pair), creates an
# endorsement key and two attestation keys (RSA, ECC), replays a measurement
# list (IMA_LOG, default the kernel-6.1 fixture) into PCR 10 of the sha1 and
# sha256 banks, and quotes PCRs 0,10 of both banks with a fixed
# nonce.  For each AK it saves:
#   <ak>.msg        TPM2B_ATTEST body (tpm2_quote -m)
#   <ak>.sig        TPMT_SIGNATURE (tpm2_quote -s, tss format)
#   <ak>.sig.plain  the bare signature (tpm2_quote -f plain: PKCS#1 / DER ECDSA)
#   <ak>.plain.msg  the TPMS_ATTEST of the plain-format quote
#   <ak>.pub.pem    the AK public key (tpm2_createak -f pem)
#   pcrs.txt        PCR values quoted (tpm2_pcrread output)
#   nonce.hex       the qualifying data
#   VERSIONS        tool versions, for provenance
# Nothing private is written to OUTDIR: the TPM state lives in a temporary
# directory that is deleted on exit.
#
# Environment: SWTPM_PORT (server port; ctrl is +1), default: a free one.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../quote}
log=${IMA_LOG:-$here/../kernel-6.1/measure/binary_runtime_measurements}
mkdir -p "$out"
out=$(cd "$out" && pwd)
nonce=${NONCE:-5a1f0e0ddecafbadc0ffee0123456789}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/make-quotes.XXXXXX")
swtpm_pid=
cleanup()
{
	if [ -n "$swtpm_pid" ]; then
		kill "$swtpm_pid" 2>/dev/null || true
		wait "$swtpm_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

port_free()
{
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port()
{
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if port_free "$p" && port_free $((p + 1)); then
			echo "$p"
			return 0
		fi
	done
	return 1
}

port=${SWTPM_PORT:-$(pick_port)}
mkdir -p "$tmp/state"
timeout 600 swtpm socket --tpm2 \
	--server type=tcp,port="$port",bindaddr=127.0.0.1 \
	--ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
	--tpmstate dir="$tmp/state" \
	--flags not-need-init,startup-clear >"$tmp/swtpm.log" 2>&1 &
swtpm_pid=$!
export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"

for i in $(seq 1 50); do
	if tpm2_getrandom 8 >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "$swtpm_pid" 2>/dev/null; then
		echo "make-quotes: swtpm exited: $(cat "$tmp/swtpm.log")" >&2
		exit 1
	fi
	sleep 0.1
done

cd "$tmp"
# no resource manager in between: flush transient objects after every step
flush() { tpm2_flushcontext -t >/dev/null; tpm2_flushcontext -s >/dev/null; }
tpm2_createek -c ek.ctx -G rsa -u ek.pub >/dev/null
flush
# PCR 10 as the kernel left it: the kernel-6.1 fixture's measurement list replayed
# into both banks, so `imactl attest verify --log` has a real list to check
# shellcheck disable=SC2046
tpm2_pcrextend $(python3 "$here/ima-log-extends.py" "$log")

for ak in rsa ecc; do
	case $ak in
	rsa) G=rsa s=rsassa ;;
	ecc) G=ecc s=ecdsa ;;
	esac
	tpm2_createak -C ek.ctx -c "$ak.ctx" -G "$G" -g sha256 -s "$s" \
		-u "$out/$ak.pub.pem" -f pem -n "$ak.name" -r "$ak.priv" >/dev/null
	flush
	tpm2_quote -c "$ak.ctx" -l sha1:0,10+sha256:0,10 -q "$nonce" -g sha256 \
		-m "$out/$ak.msg" -s "$out/$ak.sig" -o "$tmp/$ak.pcrs" >/dev/null
	flush
	tpm2_quote -c "$ak.ctx" -l sha1:0,10+sha256:0,10 -q "$nonce" -g sha256 \
		-m "$tmp/$ak.msg2" -s "$out/$ak.sig.plain" -f plain >/dev/null
	flush
	cp "$tmp/$ak.msg2" "$out/$ak.plain.msg"
	# the TPM's own check of what it signed
	tpm2_checkquote -u "$out/$ak.pub.pem" -m "$out/$ak.msg" -s "$out/$ak.sig" \
		-f "$tmp/$ak.pcrs" -g sha256 -q "$nonce" >/dev/null
done
tpm2_pcrread sha1:0,10+sha256:0,10 >"$out/pcrs.txt"
echo "$nonce" >"$out/nonce.hex"
{
	swtpm --version | head -1
	tpm2_quote --version
} >"$out/VERSIONS"
echo "make-quotes: wrote $out"
