#!/bin/bash
# Real-kernel IMA policy probe: writes every line of the policy table in
# tests/unit/test_policy_parse.c to the policy file of Debian's IMA kernel
# (qemu, TCG) and compares the kernel's verdict with the table's for the
# release booted. One boot per kernel; no policy is ever applied.
#
# Probe method (security/integrity/ima/ima_fs.c): each line is written through
# a fresh open() of <securityfs>/ima/policy. A failing write returns the
# kernel's errno and clears valid_policy; a successful one is followed by an
# invalid line through the SAME descriptor, so that ima_release_policy() sees
# valid_policy == 0 and deletes the rules written through it instead of
# applying them. The policy file therefore stays (with IMA_WRITE_POLICY=n it
# disappears after the first applied policy): the guest checks it is still
# there after every probe, and that dmesg has no "policy update completed".
# Lines holding no rule (comments) are written last, without the invalid line,
# to see the release reject the empty update (ima_check_policy()).
#
# Environment:
#   KT_POLICY_TABLE_DUMP, KT_POLICY_PROBE   helpers built by meson
#                (tests/kernel/policy-table-dump, tests/kernel/policy-probe)
#   KT_POLICY_KERNELS   kernels to boot (default "default 6.12"):
#                default = the package linux-image-amd64 depends on (6.1 on
#                Debian 12); 6.12 = the newest linux-image-6.12.*-amd64-unsigned
#                apt knows (bookworm-security); or a package name.
#   KT_POLICY_CAPTURE_DIR   also write kernel-<release>-verdicts.txt there
#                (tests/data/policy/ holds the recorded ones)
#   KT_POLICY_REUSE=DIR   judge the consoles kept in an earlier work dir, no boot
#   IMACTL_KERNEL_CACHE, KT_KEEP, KT_SMP, KT_BOOT_TIMEOUT   see lib.sh, README.md
# Exit: 0 every check passed, 1 a check failed, 77 qemu or no kernel at all,
# 99 harness error.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"
KT_TEST_NAME="real-kernel IMA policy probe"

T0=$(date +%s)
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	kt_skip "qemu-system-x86_64 not installed (scripts/install-deps.sh installs qemu-system-x86)"
kt_need cpio busybox modprobe depmod dpkg-deb apt-cache ldd od
BUSYBOX=$(command -v busybox)
ldd "$BUSYBOX" >/dev/null 2>&1 && kt_die "$BUSYBOX is not static (install busybox-static)"
DUMP=${KT_POLICY_TABLE_DUMP:-}
PROBE=${KT_POLICY_PROBE:-}
[ -x "$DUMP" ] && [ -x "$PROBE" ] ||
	kt_die "set KT_POLICY_TABLE_DUMP and KT_POLICY_PROBE (meson test -C BUILD --suite kernel kernel-policy sets them)"
DATA=$KT_DIR/../data/policy

kt_workdir imactl-policy

# --- the table (read-only, from the compiled unit test) ----------------------
# Tab-separated from here on: "ROW ACCEPT FLAGS HEX ESCAPED" (ESCAPED keeps its blanks).
"$DUMP" table | sed -E 's/^([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) /\1\t\2\t\3\t\4\t/' >"$WORK/table" ||
	kt_die "$DUMP table failed"
nrows=$(wc -l <"$WORK/table")
[ "$nrows" -gt 0 ] || kt_die "empty table"
# Unique lines: "ID HEX ESCAPED"; ID = first row index holding the line.
awk -F '\t' -v OFS='\t' '!seen[$4]++ { print $1, $4, $5 }' "$WORK/table" >"$WORK/lines"
kt_log "table: $nrows rows, $(wc -l <"$WORK/lines") distinct lines"

# A line with an obj_/subj_ LSM label (escaped form on stdin).
has_label() { grep -Eq '(^|[ \t])(obj|subj)_(user|role|type)='; }
# A line holding no rule: only blanks, or a comment after blanks.
is_norule() { grep -Eq '^([ ]|\\t)*(#|$)'; }

# Kernel package for a KT_POLICY_KERNELS word (empty = linux-image-amd64's).
resolve_pkg() {
	case $1 in
	default) echo "" ;;
	[0-9]*.[0-9]*)
		apt-cache pkgnames "linux-image-$1." 2>/dev/null |
			grep -E "^linux-image-$1\.[0-9]+\+deb[0-9]+-amd64-unsigned\$" | sort -V |
			while read -r p; do
				# Not "| grep -q": under pipefail, grep exiting at the first match
				# can fail apt-cache with SIGPIPE, and the package looked unknown.
				c=$(apt-cache policy "$p" 2>/dev/null) || continue
				[[ $c == *"Candidate: "[0-9]* ]] && echo "$p"
			done | tail -n1
		;;
	*) echo "$1" ;;
	esac
}

# Flags (IMACTL_POLICY_*) naming / parsing.
F_NO_MODSIG=1 F_NO_ASYM=2 F_LSMU=4 F_FIRST=8 F_32BIT=32
flag_names() {
	local f=$1 out=""
	((f & F_FIRST)) && out+=",first-load"
	((f & F_NO_MODSIG)) && out+=",no-modsig"
	((f & F_NO_ASYM)) && out+=",no-asymmetric-keys"
	((f & F_LSMU)) && out+=",lsm-undefined"
	((f & F_32BIT)) && out+=",32bit"
	out=${out#,}
	echo "${out:--}"
}
# Flag names plus "lacks-ALGO" for each hash this kernel's .config leaves out
# ($LACKS, comma-separated or "-"): the boot's context for a line.
ctx_names() {
	local out
	out=$(flag_names "$1")
	[ "$out" = - ] && out=""
	if [ "$LACKS" != - ]; then
		out+=",lacks-${LACKS//,/,lacks-}"
	fi
	out=${out#,}
	echo "${out:--}"
}
errname() {
	case $1 in
	22) echo EINVAL ;; 13) echo EACCES ;; 12) echo ENOMEM ;; 7) echo E2BIG ;;
	1) echo EPERM ;; 16) echo EBUSY ;; 2) echo ENOENT ;; 95) echo EOPNOTSUPP ;;
	*) echo "errno$1" ;;
	esac
}

# --- one kernel ----------------------------------------------------------------
probe_kernel() {
	local word=$1 pkg kw=$WORK/k-$1 rel bit cfg ctx_base mods m R APPEND TB TE qrc LOG LACKS
	mkdir -p "$kw"
	pkg=$(resolve_pkg "$word")
	if [ "$word" != default ] && [ -z "$pkg" ]; then
		echo "NOTE kernel '$word': no such package known to apt (apt-cache pkgnames" \
			"linux-image-$word.*-amd64-unsigned): not probed"
		return 0
	fi
	# kt_fetch_kernel may exit (77/99): run it in a subshell, keep its variables.
	(
		if [ -n "$pkg" ]; then export IMACTL_KERNEL_PKG=$pkg; else unset IMACTL_KERNEL_PKG; fi
		kt_fetch_kernel
		declare -p KT_KVER KT_VMLINUZ KT_MODROOT KT_KCONFIG >"$kw/kernel.vars"
	)
	local frc=$?
	if [ "$frc" -ne 0 ]; then
		if [ "$word" = default ]; then exit "$frc"; fi
		echo "NOTE kernel '$word' ($pkg) could not be obtained (rc=$frc): not probed"
		return 0
	fi
	# shellcheck disable=SC1091
	. "$kw/kernel.vars"
	rel=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$KT_KVER")
	case $rel in
	6.1) bit=1 ;; 6.12) bit=2 ;; 6.17) bit=4 ;; *) bit=0 ;;
	esac
	cfg() { grep -q "^CONFIG_$1=y" "$KT_KCONFIG"; }
	ctx_base=$F_FIRST
	cfg IMA_APPRAISE_MODSIG || ctx_base=$((ctx_base | F_NO_MODSIG))
	cfg IMA_MEASURE_ASYMMETRIC_KEYS || ctx_base=$((ctx_base | F_NO_ASYM))
	cfg IMA_WRITE_POLICY && kt_log "WARNING: IMA_WRITE_POLICY=y: the file-stays check proves less"
	# Hashes the crypto API lacks (appraise_algos= naming one is rejected: build
	# configuration, not grammar), as imactl --kernel-config reads the .config.
	LACKS=$("$DUMP" lacks "$KT_KCONFIG") || kt_die "$DUMP lacks $KT_KCONFIG failed"
	local cfgfacts=""
	for m in IMA_APPRAISE_MODSIG IMA_MEASURE_ASYMMETRIC_KEYS IMA_LSM_RULES IMA_WRITE_POLICY \
		IMA_READ_POLICY IMA_ARCH_POLICY SECURITY_SELINUX SECURITY_APPARMOR SECURITY_SMACK \
		CRYPTO_MD5 CRYPTO_SHA512 CRYPTO_SHA3 CRYPTO_SM3_GENERIC CRYPTO_STREEBOG CRYPTO_WP512 \
		CRYPTO_RMD160 FS_VERITY; do
		v=$(sed -n "s/^CONFIG_$m=\(.*\)/\1/p" "$KT_KCONFIG")
		cfgfacts+=" $m=${v:-n}"
	done
	cfgfacts+=" LSM=$(sed -n 's/^CONFIG_LSM="\(.*\)"/\1/p' "$KT_KCONFIG")"

	# Probe input: rule lines first (mode w), rule-less lines last (mode r).
	: >"$kw/probe.lines"
	local id hex esc
	while IFS=$'\t' read -r id hex esc; do
		is_norule <<<"$esc" || echo "$id w $hex"
	done <"$WORK/lines" >>"$kw/probe.lines"
	while IFS=$'\t' read -r id hex esc; do
		is_norule <<<"$esc" && echo "$id r $hex"
	done <"$WORK/lines" >>"$kw/probe.lines"

	# Initramfs: busybox, the probe, and the hash modules appraise_algos= may
	# ask for (a full system would modprobe them on demand: crypto_has_alg()).
	R=$kw/initramfs
	kt_initramfs_base "$R" guest-policy-init.sh
	kt_copy_bin "$PROBE" "$R" /bin/policy-probe
	mods=()
	for m in sha512_generic sha3_generic streebog_generic wp512 rmd160 sm3_generic md4 \
		tgr192; do
		modprobe -d "$KT_MODROOT" -S "$KT_KVER" --show-depends "$m" 2>/dev/null |
			grep -q '^insmod ' && mods+=("$m")
	done
	if [ ${#mods[@]} -gt 0 ]; then
		kt_add_modules "$R" "${mods[@]}"
	else
		mkdir -p "$R/lib/modules"
		: >"$R/modules.list"
	fi
	cp "$kw/probe.lines" "$R/probe.lines"
	kt_pack_initramfs "$R" "$kw/initramfs.cpio"

	# Debian's default LSMs (no lsm=): the verdict of LSM-label rules depends on them.
	APPEND="console=ttyS0 panic=-1 oops=panic rdinit=/init quiet loglevel=3 log_buf_len=8M"
	kt_log "booting $KT_KVER under qemu (TCG) for $(wc -l <"$kw/probe.lines") probes"
	TB=$(date +%s)
	if [ -n "${KT_POLICY_REUSE:-}" ] && [ -f "$KT_POLICY_REUSE/k-$word/console.log" ]; then
		# Development aid: judge the console of an earlier run (kept work dir).
		kt_log "KT_POLICY_REUSE: not booting, reading $KT_POLICY_REUSE/k-$word/console.log"
		cmp -s "$KT_POLICY_REUSE/k-$word/probe.lines" "$kw/probe.lines" ||
			kt_die "KT_POLICY_REUSE: the probe lines changed since that run"
		# The console must come from the kernel resolved now (apt may pick another).
		if [ -f "$KT_POLICY_REUSE/k-$word/kernel.vars" ]; then
			local was
			was=$(sed -n 's/^declare -- KT_KVER="\(.*\)"$/\1/p' "$KT_POLICY_REUSE/k-$word/kernel.vars")
			[ "$was" = "$KT_KVER" ] ||
				kt_die "KT_POLICY_REUSE: that run booted $was, '$word' now resolves to $KT_KVER"
		fi
		cp "$KT_POLICY_REUSE/k-$word/console.log" "$kw/console.log"
		qrc=0
	else
		kt_boot "$kw/console.log" "$kw/initramfs.cpio" "$APPEND"
		qrc=$?
	fi
	TE=$(date +%s)
	kt_log "qemu exited rc=$qrc after $((TE - TB)) s"
	tr -d '\r' <"$kw/console.log" >"$kw/console.txt"
	LOG=$kw/console.txt

	local tag="[$KT_KVER]"
	if grep -q '^IMAKT DONE' "$LOG"; then
		ok "$tag boot: guest ran to completion in $((TE - TB)) s ($(sed -n 's/^IMAKT LSM //p' "$LOG"))"
	else
		bad "$tag boot: no 'IMAKT DONE' on the console (qemu rc=$qrc); last lines:"
		tail -n 30 "$LOG" | sed 's/^/    /'
		return 0
	fi
	grep '^IMAKT ERROR' "$LOG" | sed 's/^/NOTE /'
	local upd
	upd=$(sed -n 's/^IMAKT UPDATES //p' "$LOG")
	if grep -q '^IMAKT POLICYFILE present-after' "$LOG" && [[ $upd == *"completed=0" ]]; then
		ok "$tag nothing applied: policy file still present, dmesg: $upd"
	else
		bad "$tag a probe applied a policy: $(grep '^IMAKT POLICYFILE' "$LOG" | tr '\n' ' ') $upd"
	fi

	# Kernel verdict per line ID: accept | reject:ERRNO.
	local res w inv file verdict missing=0 badinv=0
	declare -A KV=()
	while read -r id m hex; do
		res=$(grep -m1 "^IMAKT PROBE $id " "$LOG")
		if [ -z "$res" ]; then
			missing=$((missing + 1))
			continue
		fi
		w=$(sed -n 's/.* w=\([^ ]*\).*/\1/p' <<<"$res")
		inv=$(sed -n 's/.* inv=\([^ ]*\).*/\1/p' <<<"$res")
		file=$(sed -n 's/.* file=\([^ ]*\).*/\1/p' <<<"$res")
		case $w in
		ok)
			if [ "$m" = r ]; then
				# No rule: the release decides (empty update: rejected).
				if [ "$file" = present ]; then verdict=reject:22; else verdict=accept; fi
			else
				verdict=accept
				[[ $inv == errno:* ]] || badinv=$((badinv + 1))
			fi
			;;
		errno:*) verdict=reject:${w#errno:} ;;
		*) verdict=unknown:$w ;;
		esac
		KV[$id]=$verdict
	done <"$kw/probe.lines"
	if [ "$missing" -eq 0 ] && [ "$badinv" -eq 0 ]; then
		ok "$tag every probe reported, every accepted line invalidated through its descriptor"
	else
		bad "$tag $missing probes missing from the console, $badinv invalidation writes did not fail"
	fi

	# imactl's own verdict under this boot's context, per distinct line.
	local -A CTX=() IV=()
	while IFS=$'\t' read -r id hex esc; do
		local c=$ctx_base
		has_label <<<"$esc" && c=$((c | F_LSMU))
		CTX[$id]=$c
		echo "$(printf '%x' "$c") $hex"
	done <"$WORK/lines" >"$kw/eval.in"
	"$DUMP" eval "$rel" "$LACKS" <"$kw/eval.in" >"$kw/eval.out" || kt_die "$DUMP eval $rel failed"
	local i=0
	local -a ids=()
	while IFS=$'\t' read -r id hex esc; do ids+=("$id"); done <"$WORK/lines"
	while read -r v; do
		IV[${ids[$i]}]=$v
		i=$((i + 1))
	done <"$kw/eval.out"

	# Table rows: compared where the row's context is this boot's.
	local -A ID_OF=() COVERED=() TMARK=()
	while IFS=$'\t' read -r id hex esc; do ID_OF[$hex]=$id; done <"$WORK/lines"
	# A row is compared when its flags (the configuration and load context it
	# was written for; rows assume every usable hash is built) and this boot's
	# (flags and the hashes its .config lacks) give the same verdict in imactl's
	# model; otherwise it is about another context (SKIP) and the line is
	# checked below against imactl in this boot's context instead.
	local row acc rflags kv want got ncmp=0 nskip=0 rv
	local -a ROWV=()
	cut -f3,4 "$WORK/table" | tr '\t' ' ' >"$kw/evalrow.in"
	mapfile -t ROWV < <("$DUMP" eval "$rel" <"$kw/evalrow.in") || kt_die "$DUMP eval failed"
	while IFS=$'\t' read -r row acc rflags hex esc; do
		id=${ID_OF[$hex]}
		kv=${KV[$id]:-missing}
		rflags=$((16#$rflags))
		if [ "$bit" -eq 0 ]; then continue; fi
		rv=${ROWV[$row]}
		if [ "${rv%%:*}" != "${IV[$id]%%:*}" ]; then
			echo "SKIP $tag row $row \"$esc\": written for $(flag_names "$rflags") (imactl: ${rv%%:*}), this boot is $(ctx_names "${CTX[$id]}") (imactl: ${IV[$id]%%:*})"
			nskip=$((nskip + 1))
			continue
		fi
		ncmp=$((ncmp + 1))
		COVERED[$id]=1
		want=reject
		((acc & bit)) && want=accept
		got=${kv%%:*}
		if [ "$want" = "$got" ]; then
			ok "$tag row $row \"$esc\": $want"
		else
			bad "$tag row $row \"$esc\": table $rel ${want/reject/EINVAL}, kernel ${kv/reject:/errno }"
			TMARK[$id]=1
		fi
	done <"$WORK/table"
	# Lines no comparable row covers: the kernel against imactl in this context.
	while IFS=$'\t' read -r id hex esc; do
		[ -n "${COVERED[$id]:-}" ] && continue
		want=${IV[$id]%%:*}
		got=${KV[$id]:-missing}
		got=${got%%:*}
		if [ "$want" = "$got" ]; then
			ok "$tag line \"$esc\": $got (imactl --kernel $rel $(ctx_names "${CTX[$id]}"))"
		else
			bad "$tag line \"$esc\": imactl --kernel $rel $(ctx_names "${CTX[$id]}") $want, kernel ${KV[$id]/reject:/errno }"
		fi
	done <"$WORK/lines"
	echo "NOTE $tag $ncmp table rows compared, $nskip rows written for another context (SKIP)"

	# Capture: one line per distinct policy line.
	local cap=$kw/kernel-$rel-verdicts.txt marks
	{
		echo "# IMA policy verdicts of a real kernel, one per distinct line of the table in"
		echo "# tests/unit/test_policy_parse.c; written by tests/kernel/probe-policy.sh."
		echo "# kernel: $KT_KVER (Debian package ${pkg:-that linux-image-amd64 depends on}), qemu TCG, $(date -u +%Y-%m-%d)"
		echo "# active LSMs (Debian's default, no lsm=): $(sed -n 's/^IMAKT LSM //p' "$LOG")"
		echo "# config:$cfgfacts"
		echo "# hash modules loaded before probing (a full system modprobes them on demand): ${mods[*]:-none}"
		echo "# crypto API lacks (boot/config-$KT_KVER, as imactl --kernel-config reads it): ${LACKS/#-/none}"
		echo "# method: each line written (plus \\n) through its own open() of <securityfs>/ima/policy;"
		echo "#   an accepted write is followed by an invalid line through the same descriptor, so the"
		echo "#   release discards it; the policy file was still present after every probe."
		echo "# format: VERDICT FLAGS MARKS | \"LINE\""
		echo "#   VERDICT  accept, or the errno name the write (or, for a line without a rule, the release) gave"
		echo "#   FLAGS    this boot as imactl_policy flags for this line (first-load: nothing was ever"
		echo "#            applied; lsm-undefined: the labels mean nothing to the active LSMs;"
		echo "#            lacks-ALGO: the .config leaves ALGO out of the crypto API, options.no_algos)"
		echo "#   MARKS    - or a list: table = a row of the table for $rel in this context says otherwise;"
		echo "#            imactl = imactl_policy_parse(--kernel $rel, FLAGS) says otherwise"
		echo "#   LINE     the policy line, C escapes (\\t \\r \\\\ \\\")"
		while IFS=$'\t' read -r id hex esc; do
			kv=${KV[$id]:-missing}
			case $kv in
			accept) verdict=accept ;;
			reject:*) verdict=$(errname "${kv#reject:}") ;;
			*) verdict=$kv ;;
			esac
			marks=""
			[ -n "${TMARK[$id]:-}" ] && marks+=",table"
			[ "${IV[$id]%%:*}" != "${kv%%:*}" ] && marks+=",imactl"
			marks=${marks#,}
			printf '%s %s %s | "%s"\n' "$verdict" "$(ctx_names "${CTX[$id]}")" "${marks:--}" \
				"${esc//\"/\\\"}"
		done <"$WORK/lines"
	} >"$cap"
	if [ -f "$DATA/${cap##*/}" ]; then
		local d
		d=$(diff <(grep -v '^#' "$DATA/${cap##*/}" | sed 's/ [^ ]* [^ ]* |/ |/') \
			<(grep -v '^#' "$cap" | sed 's/ [^ ]* [^ ]* |/ |/'))
		if [ -z "$d" ]; then
			echo "NOTE $tag verdicts identical to the recorded $DATA/${cap##*/}"
		else
			echo "NOTE $tag verdicts differ from the recorded ${cap##*/} (another $rel build?):"
			sed 's/^/    /' <<<"$d"
		fi
	fi
	if [ -n "${KT_POLICY_CAPTURE_DIR:-}" ]; then
		cp "$cap" "$KT_POLICY_CAPTURE_DIR/" && kt_log "capture written to $KT_POLICY_CAPTURE_DIR/${cap##*/}"
	fi
	local pt
	pt=$(sed -n 's/^IMAKT PROBE-TIME //p' "$LOG")
	echo "NOTE $tag probing took $(awk '{ printf "%.2f", $2 - $1 }' <<<"$pt") s of guest time"
}

for k in ${KT_POLICY_KERNELS:-default 6.12}; do
	probe_kernel "$k"
done

echo "kernel-policy: $pass passed, $fail failed ($(($(date +%s) - T0)) s total)"
[ "$pass" -gt 0 ] || exit 99
[ "$fail" -eq 0 ] || exit 1
exit 0
