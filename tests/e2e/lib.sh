# shellcheck shell=bash
# Helpers for the e2e tests.  Source after `set -u`:
#   . "$(dirname "$0")/lib.sh"
# Each test prints one "PASS name" / "FAIL name" line per check and ends with
# summary, which prints "N passed, N failed" and exits non-zero on failures.
# Exit 77 (skip) is only for a truly absent prerequisite.

: "${IMACTL:?IMACTL must point at the built imactl binary}"
case $IMACTL in /*) ;; *) IMACTL=$PWD/$IMACTL ;; esac

E2E_PASS=0
E2E_FAIL=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/imactl-e2e.XXXXXX") || exit 1
e2e_cleanup()
{
	# undo chmod 000 / immutable bits a test may have left, then remove
	chmod -R u+rwX "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap e2e_cleanup EXIT

pass()
{
	echo "PASS $1"
	E2E_PASS=$((E2E_PASS + 1))
}

fail()
{
	echo "FAIL $1${2:+ ($2)}"
	E2E_FAIL=$((E2E_FAIL + 1))
}

# check NAME CMD...: PASS when CMD succeeds
check()
{
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# expect_pass NAME CMD...: CMD exits 0 (its output goes to $tmp/last.out/.err)
expect_pass()
{
	local name=$1 rc
	shift
	"$@" >"$tmp/last.out" 2>"$tmp/last.err"
	rc=$?
	if [ "$rc" -eq 0 ]; then pass "$name"; else fail "$name" "exit $rc: $(head -c 300 "$tmp/last.err")"; fi
}

# expect_fail NAME CMD...: CMD exits non-zero
expect_fail()
{
	local name=$1 rc
	shift
	"$@" >"$tmp/last.out" 2>"$tmp/last.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then pass "$name"; else fail "$name" "exit 0"; fi
}

# expect_rc NAME RC CMD...: CMD exits with RC
expect_rc()
{
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$tmp/last.out" 2>"$tmp/last.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$name"; else fail "$name" "exit $rc, want $want: $(head -c 300 "$tmp/last.err")"; fi
}

# same NAME A B: two strings are equal
same()
{
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "'$(printf %s "$2" | head -c 200)' != '$(printf %s "$3" | head -c 200)'"; fi
}

# contains NAME FILE PATTERN (grep -E)
contains()
{
	if grep -Eq -- "$3" "$2"; then pass "$1"; else fail "$1" "no /$3/ in: $(head -c 300 "$2")"; fi
}

summary()
{
	echo "$E2E_PASS passed, $E2E_FAIL failed"
	[ "$E2E_FAIL" -eq 0 ] && exit 0
	exit 1
}

skip()
{
	echo "SKIP: $*"
	exit 77
}

need()
{
	local c
	for c; do command -v "$c" >/dev/null 2>&1 || skip "$c not installed"; done
}

# gen_rsa DIR NAME BITS: NAME.pem (private key), NAME.der / NAME.crt (self-signed
# certificate with a SubjectKeyIdentifier, DER / PEM), NAME.pub (PEM public key)
gen_rsa()
{
	gen_key "$1" "$2" -newkey "rsa:$3"
}

# gen_ec DIR NAME CURVE (prime256v1, secp384r1)
gen_ec()
{
	gen_key "$1" "$2" -newkey ec -pkeyopt "ec_paramgen_curve:$3"
}

gen_key()
{
	local d=$1 n=$2
	shift 2
	openssl req -x509 "$@" -nodes -keyout "$d/$n.pem" -out "$d/$n.crt" -subj "/CN=imactl e2e $n" \
		-days 3650 -addext subjectKeyIdentifier=hash -addext basicConstraints=critical,CA:FALSE \
		-addext keyUsage=digitalSignature >/dev/null 2>&1 &&
		openssl x509 -in "$d/$n.crt" -outform DER -out "$d/$n.der" &&
		openssl pkey -in "$d/$n.pem" -pubout -out "$d/$n.pub" 2>/dev/null ||
		{
			echo "cannot generate key $n" >&2
			exit 1
		}
}

# Where xattrs go: security.ima as root on a filesystem that takes it, else
# user.ima with --xattr-user.
XATTR=security.ima
XUSER=()
if [ "$(id -u)" -ne 0 ] || ! { : >"$tmp/.probe" && setfattr -n security.ima -v 0x0401 "$tmp/.probe" 2>/dev/null; }; then
	XATTR=user.ima
	XUSER=(--xattr-user)
fi
rm -f "$tmp/.probe"

# xhex FILE [NAME]: the hex value of the ima xattr (empty when absent)
xhex()
{
	getfattr --absolute-names -e hex -n "${2:-$XATTR}" "$1" 2>/dev/null | sed -n 's/^[^=]*=0x//p'
}

# xset FILE HEX [NAME]
xset()
{
	setfattr -n "${3:-$XATTR}" -v "0x$2" "$1"
}

# fstate FILE: content hash, mtime and xattr, to prove a failure changed nothing
fstate()
{
	printf '%s %s %s\n' "$(sha256sum <"$1" | cut -d' ' -f1)" "$(stat -c %Y.%y "$1")" "$(xhex "$1")"
}
