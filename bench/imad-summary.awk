# bench/imad.sh's summary: reads "NAME... o u bh bh2 eh xh s us bs bs2 es xs fails other"
# lines; -v hb= hs= (sha256sum of a 100 MiB file, us), ho= (openssl dgst of it, us),
# vr= (RSA-2048 verify, us), im= (imad row name)
{
	k = NF - 14
	name = $1
	for (i = 2; i <= k; i++) name = name " " $i
	for (i = 1; i <= 13; i++) v[name, i] = $(k + i)
	names[++n] = name
}
function us(x) { return x == "-" ? "-" : sprintf("%.1f", x / 1000) }
function rat(a, b) { return (b + 0 > 0 && a != "-") ? sprintf("%.2fx", a / b) : "-" }
function line(label, r, off,    i, c, out) {
	out = sprintf("%-22s", label)
	for (c = 1; c <= 5; c++) {
		i = col[c] + off
		out = out sprintf(" %9s", us(v[r, i]))
	}
	print out
}
function ratios(label, r, ref, off, refoff,    c, out) {
	out = sprintf("  %-20s", label)
	for (c = 1; c <= 5; c++) out = out sprintf(" %9s", rat(v[r, col[c] + off], v[ref, col[c] + refoff]))
	print out
}
function ok(b) { return b ? "met" : "NOT MET" }
function targets(r, label,    worse, i, cn, h4) {
	print "targets, " label
	printf "  cached open <= 1.2x allow-all: sha256 %s (%s), RSA %s (%s)\n", rat(v[r, 1], v[A, 1]), ok(v[r, 1] <= 1.2 * v[A, 1]), rat(v[r, 7], v[A, 7]), ok(v[r, 7] <= 1.2 * v[A, 7])
	printf "  cached exec <= +15 us: sha256 %+.1f us (%s), RSA %+.1f us (%s)\n", v[r, 5] / 1000, ok(v[r, 5] <= 15000), v[r, 11] / 1000, ok(v[r, 11] <= 15000)
	printf "  100 MiB 1st open <= 1.2 x (sha256sum + verify): sha256 %.1f ms vs %.1f ms (%s), RSA %.1f ms vs %.1f ms (%s)\n", v[r, 3] / 1e6, 1.2 * hb / 1000, ok(v[r, 3] / 1000 <= 1.2 * hb), v[r, 9] / 1e6, 1.2 * (hs + vr) / 1000, ok(v[r, 9] / 1000 <= 1.2 * (hs + vr))
	printf "    same against openssl dgst -sha256 (%.1f ms): sha256 %s, RSA %s\n", ho / 1000, ok(v[r, 3] / 1000 <= 1.2 * ho), ok(v[r, 9] / 1000 <= 1.2 * (ho + vr))
	h4 = ho / 25600 * 1000   # ns to hash 4 KiB at openssl's 100 MiB rate
	printf "  4 KiB 1st open, imad minus allow-all <= 1.2 x (hash 4 KiB %.1f us + verify %.1f us): sha256 %.1f us (%s), RSA %.1f us (%s)\n", h4 / 1000, vr, (v[r, 2] - v[A, 2]) / 1000, ok(v[r, 2] - v[A, 2] <= 1.2 * h4), (v[r, 8] - v[A, 8]) / 1000, ok(v[r, 8] - v[A, 8] <= 1.2 * (h4 + vr * 1000))
	if (hasF) {
		worse = ""
		split("open 1st-open 100M-1st 100M-2nd exec 1st-exec", cn, " ")
		for (i = 1; i <= 6; i++) {
			if (i == 4) continue   # 100M 2nd: one cached open, not a column of the target
			if (v[r, i] + 0 >= v[F, i] + 0) worse = worse " sha256:" cn[i]
			if (v[r, i + 6] + 0 >= v[F, i + 6] + 0) worse = worse " RSA:" cn[i]
		}
		printf "  better than fapolicyd in every column: %s%s\n", ok(worse == ""), (worse == "" ? "" : " (not better:" worse ")")
	}
}
END {
	col[1] = 1; col[2] = 2; col[3] = 3; col[4] = 5; col[5] = 6   # open, 1st open, 100M 1st, exec, 1st exec
	A = "allow-all listener"; F = "fapolicyd sha256"; hasF = ((F, 1) in v)
	P = "imad appraise-only"; hasP = ((P, 1) in v)
	print ""
	print "summary, us per operation over the unmarked mount (hashed set: sha256 in security.ima; signed set: RSA-2048 signature v2)"
	print "imad: measure + appraise BPRM_CHECK and FILE_CHECK reads; imad appraise-only: appraise them, no list (fapolicyd's duties)"
	printf "%-22s %9s %9s %9s %9s %9s\n", "configuration", "open", "1st open", "100M 1st", "exec", "1st exec"
	line("no listener", "no listener", 0)
	line("allow-all", A, 0)
	line("imad sha256", im, 0)
	line("imad RSA", im, 6)
	if (hasP) { line("imad appraise sha256", P, 0); line("imad appraise RSA", P, 6) }
	if (hasF) { line("fapolicyd (hashed set)", F, 0); line("fapolicyd (signed set)", F, 6) }
	print "ratios"
	ratios("imad sha256/allow", im, A, 0, 0)
	ratios("imad RSA/allow", im, A, 6, 6)
	if (hasP) {
		ratios("appraise sha256/allow", P, A, 0, 0)
		ratios("appraise RSA/allow", P, A, 6, 6)
	}
	if (hasF) {
		ratios("imad sha256/fapd", im, F, 0, 0)
		ratios("imad RSA/fapd", im, F, 6, 6)
		if (hasP) {
			ratios("appraise sha256/fapd", P, F, 0, 0)
			ratios("appraise RSA/fapd", P, F, 6, 6)
		}
		ratios("fapd/allow", F, A, 0, 0)
	}
	targets(im, "imad (measure + appraise)")
	if (hasP) targets(P, "imad appraise-only")
}
