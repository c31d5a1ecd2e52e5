# shellcheck shell=sh
# t-pdf-attacks.sh - verify FILE.pdf against published attacks on PDF signatures: Universal
# Signature Forgery, Incremental Saving and Signature Wrapping (Mladenov et al., "1 Trillion
# Dollar Refund", 2019), Shadow Hide/Replace/Hide-and-Replace (Mainka et al., NDS 2021), Evil
# Annotation and Sneaky Signature on certified documents (Rohlmann et al., IEEE S&P 2021), and
# more changes a reader shows after signing (catalog, pages, forms, /Info, xref tricks).
# Every PDF is generated here: scripts/pdf-attacks writes unsigned bases, sign-pack signs them
# (pdf-attacks certifies some with DocMDP), `pdf-attacks make` writes one file per case and
# `pdf-attacks check` proves with qpdf, poppler and openssl that each attack is what it claims.
# A reject case must never be called valid: exit 1, no signature valid on stdout or in the XML
# report, within 60 seconds (for a reject-first case, only the attacked first signature: a
# sound later one may be valid). A benign later revision must stay valid (exit 0).
. "$HOSO_TOP/tests/cli/lib.sh"
PKI=$HOSO_WORK/pki
PA=$HOSO_TOP/scripts/pdf-attacks
need_pki
CA="--ca-file=$PKI/ca.pem"
T=2026-11-01T08:00:00Z
# certify P OUT: bases/plain.pdf certified (DocMDP /P P) by pdf-attacks' own openssl signer
certify() {
	"$PA" certify --p "$1" --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" \
	    --chain "$PKI/chain.pem" bases/plain.pdf "$2"
}
# claims NAME EXPECT WHAT: pdf-attacks check said "OK NAME: ..." (qpdf, poppler, openssl agree)
claims() {
	line=$(grep "^[A-Z]* $1: " check.txt)
	intent="$1: the attack is what it claims ($3)"
	[ "$2" = valid ] && intent="$1: the benign revision is what it claims ($3)"
	case $line in
	"OK $1: "*) pass "$intent" ;;
	*) fail "$intent" "pdf-attacks check: ${line:-no line}" ;;
	esac
}
# report_calls_none_valid FILE: the XML report, if written, has no result="valid"
report_calls_none_valid() { [ ! -e "$1" ] || ! grep -q 'result="valid"' "$1"; }
# first_not_valid FILE: the XML report's first signature is there and not valid
first_not_valid() {
	[ "$(xmllint --xpath 'string(//archive[1]/@result)' "$1" 2>/dev/null)" != valid ] &&
	    [ -n "$(xmllint --xpath 'string(//archive[1]/@result)' "$1" 2>/dev/null)" ]
}
# ended_not_valid RC: verify neither said valid (0) nor was stopped by timeout (124)
ended_not_valid() { [ "$1" -ne 0 ] && [ "$1" -ne 124 ]; }

# --- the signed inputs: bases signed by sign-pack, certified by pdf-attacks ---
check "pdf-attacks writes the unsigned bases" "$PA" bases bases
mkdir signed
for f in bases/*.pdf; do
	b=$(basename "$f")
	expect_exit 0 "sign-pack signs the base $b" sign rsa2048 "$f" "signed/$b"
done
expect_exit 0 "a second, invisible signature on plain.pdf" sign ec256 signed/plain.pdf \
    signed/plain-sig2.pdf
expect_exit 0 "a second, visible signature on plain.pdf" sign ec256 signed/plain.pdf \
    signed/plain-vis2.pdf --visible
expect_exit 0 "a second signature on xstream.pdf" sign ec256 signed/xstream.pdf \
    signed/xstream-sig2.pdf
for p in 1 2 3; do
	check "pdf-attacks certifies plain.pdf with DocMDP /P $p" certify "$p" "signed/cert-p$p.pdf"
done
expect_exit 0 "sign-pack signs the P=1 certified file" sign ec256 signed/cert-p1.pdf \
    signed/cert-p1-sig2.pdf
expect_exit 0 "sign-pack signs the P=2 certified file" sign ec256 signed/cert-p2.pdf \
    signed/cert-p2-sig2.pdf

# --- the attacks, and the proof that each is real ---
expect_exit 0 "pdf-attacks makes every case" "$PA" make --pki "$PKI" signed attacks
check "cases.tsv lists the cases" [ "$(wc -l <attacks/cases.tsv)" -ge 80 ]
"$PA" check attacks >check.txt 2>&1

# --- verify on each: a reject case is never valid, a benign one stays valid ---
tab=$(printf '\t')
while IFS="$tab" read -r name expect what; do
	claims "$name" "$expect" "$what"
	run timeout 60 verify "$CA" --report "r-$name.xml" "attacks/$name.pdf" </dev/null
	if [ "$expect" = valid ]; then
		if [ "$rc" -eq 0 ]; then
			pass "$name: verify says valid ($what)"
		else
			fail "$name: verify says valid ($what)" "exit $rc" "$out" "$errout"
		fi
		continue
	fi
	check "$name: verify never exits 0 and ends within 60 s (exit $rc)" ended_not_valid "$rc"
	if [ "$rc" -eq 1 ]; then
		pass "$name: verify exits 1 ($what)"
	else
		fail "$name: verify exits 1 ($what)" "exit $rc" "$out" "$errout"
	fi
	if [ "$expect" = reject-first ]; then
		lacks "$name: the first signature is not called valid" "$(echo "$out" | head -n 1)" \
		    ": valid"
		check "$name: the XML report calls the first signature not valid" \
		    first_not_valid "r-$name.xml"
		continue
	fi
	lacks "$name: no signature is called valid" "$out" ": valid"
	check "$name: the XML report calls no signature valid" report_calls_none_valid "r-$name.xml"
done <attacks/cases.tsv
# the while loop runs in this shell (a redirect, not a pipe): its counts carry on

# --- what the report says of a change: its kind, object and page (verify-report.xsd) ---
schema=$HOSO_TOP/data/schema/verify-report.xsd
xp() { xmllint --xpath "$2" "$1" 2>/dev/null; }
for r in r-isa-content-redefined.xml r-valid-second-visible-signature.xml \
    r-annot-freetext-over-amount.xml; do
	check "$r validates against the schema" xmllint --noout --schema "$schema" "$r"
done
check "the content redefined after signing is named: object 4 0, not permitted" \
    [ "$(xp r-isa-content-redefined.xml 'count(//change[@permitted="false"][@kind="object"][@object="4 0"])')" = 1 ]
check "the annotation over the amount is named with its page" \
    [ "$(xp r-annot-freetext-over-amount.xml 'count(//change[@permitted="false"][@kind="annotation"][@page="1"])')" = 1 ]
check "a second visible signature is a permitted change, on page 1" \
    [ "$(xp r-valid-second-visible-signature.xml 'count(//archive[1]/change[@permitted="true"][@kind="signature-added"][@page="1"])')" = 1 ]
expect_exit 1 "verify -v lists what is not permitted" verify -v "$CA" attacks/form-da-white.pdf
contains "the /DA change is printed as not permitted" "$out" "not permitted: the form's /DA changed"
expect_exit 0 "verify -v lists what is permitted" verify -v "$CA" attacks/valid-info-update.pdf
contains "the /Info update is printed as permitted" "$out" "permitted: the document information"
expect_exit 1 "in Vietnamese too" env LC_ALL=vi_VN.UTF-8 verify -v "$CA" \
    attacks/isa-root-swap-new-catalog.pdf
contains "the swapped catalog is named in Vietnamese" "$out" "danh mục tài liệu (catalog) khác"

echo "# $n_case cases"
