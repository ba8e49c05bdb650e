#!/bin/bash
# The main job on a built-in default: a throwaway test key is generated, a
# sample tree in a temporary directory is hashed and signed, inspected and
# verified, then one file is tampered with and the failure is shown.
# Uses security.ima as root, user.ima otherwise.
set -euo pipefail

IMACTL=${IMACTL:-$(dirname "$0")/../build/src/imactl/imactl}
[ -x "$IMACTL" ] || { echo "demo: build first (no $IMACTL)" >&2; exit 2; }

work=$(mktemp -d /var/tmp/imactl-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
user=()
attr=security.ima
if [ "$(id -u)" != 0 ]; then
	user=(--xattr-user)
	attr=user.ima
fi

# headings in bold on a terminal only (no escape codes in a log or a pipe)
if [ -t 1 ]; then
	say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	say() { printf '\n== %s\n' "$*"; }
fi
run() { printf '$ %s\n' "$*"; "$@"; }

say "1. A throwaway RSA-2048 signing key and its certificate (SKID = key id)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/demo-key.pem" -out "$work/demo-cert.pem" \
	-days 1 -subj "/CN=imactl demo (throwaway)" -addext subjectKeyIdentifier=hash \
	-addext keyUsage=digitalSignature 2>/dev/null
echo "key: $work/demo-key.pem  cert: $work/demo-cert.pem"

say "2. A sample tree"
mkdir -p "$work/tree/bin" "$work/tree/lib" "$work/tree/etc"
cp /bin/true "$work/tree/bin/true"
printf '#!/bin/sh\necho hello from a signed script\n' >"$work/tree/bin/hello"
chmod +x "$work/tree/bin/hello"
head -c 300000 /dev/urandom >"$work/tree/lib/libdemo.so"
echo "setting=1" >"$work/tree/etc/demo.conf"
ln -s ../bin/true "$work/tree/lib/link-not-followed"
find "$work/tree" | sed "s|$work/||"

say "3. Hash every file (what the kernel's ima_appraise=fix would write)"
run "$IMACTL" hash -r "${user[@]}" "$work/tree"

say "4. Sign the executables instead (signature v2, RSA PKCS#1 v1.5, sha256)"
run "$IMACTL" sign -r --executable "${user[@]}" -k "$work/demo-key.pem" "$work/tree"

say "5. Inspect: what is on a file, decoded and checked against the certificate"
run "$IMACTL" inspect --cert "$work/demo-cert.pem" "$work/tree/bin/hello" "$work/tree/etc/demo.conf"

say "6. Verify the whole tree against the certificate"
run "$IMACTL" verify -r -v "${user[@]}" -k "$work/demo-cert.pem" "$work/tree"

say "7. Tamper with one file and verify again (exit status 1 expected)"
echo "setting=2" >"$work/tree/etc/demo.conf"
set +e
"$IMACTL" verify -r "${user[@]}" -k "$work/demo-cert.pem" "$work/tree"
rc=$?
set -e
echo "exit status: $rc"
[ "$rc" = 1 ] || { echo "demo: expected a verification failure" >&2; exit 1; }

say "8. The same through the evmctl personality (drop-in for ima-evm-utils)"
ln -s "$(readlink -f "$IMACTL")" "$work/evmctl"
run "$work/evmctl" ima_verify "${user[@]}" -k "$work/demo-cert.pem" "$work/tree/bin/hello" || true
echo
echo "demo: done"
