# shellcheck shell=sh
# tests/cli/lib.sh - tiny harness for CLI tests: each case is one line of intent and an assertion.
# Sourced by tests/cli/t-*.sh; the runner counts "ok" and "not ok" lines.
# Environment from tests/run: HOSO_BIN, HOSO_TOP, HOSO_WORK (an empty directory, the cwd).

n_case=0
# shellcheck disable=SC2034 # used by the scripts that source this file
TESTDATA=$HOSO_TOP/testdata
FIXTURES=${HOSO_FIXTURES:-$HOSO_TOP/build/fixtures}

pass() { n_case=$((n_case + 1)); echo "ok $n_case - $1"; }
fail() {
	n_case=$((n_case + 1))
	echo "not ok $n_case - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
}

# fingerprint STORE: the sha256 of every file of a store, in name order; not the lock files, nor
# the search index (index.sqlite*, index.stale): a cache, rebuilt from the store (lookup(1)).
fingerprint() {
	(cd "$1" && find . -type f ! -name .lock ! -name 'index.sqlite*' ! -name index.stale |
	    LC_ALL=C sort | xargs sha256sum)
}

# run CMD...: runs it, keeps stdout in $out, stderr in $errout and status in $rc.
run() {
	"$@" >"$HOSO_WORK/.out" 2>"$HOSO_WORK/.err"
	rc=$?
	out=$(cat "$HOSO_WORK/.out")
	errout=$(cat "$HOSO_WORK/.err")
}

# expect_exit N "intent" CMD...: the command exits with status N.
expect_exit() {
	want=$1
	intent=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then
		pass "$intent"
	else
		fail "$intent" "command: $*" "exit $rc, wanted $want" "stdout: $out" "stderr: $errout"
	fi
}

# check "intent" TEST-ARGS...: a shell test ([ ... ]) or any command that must succeed.
check() {
	intent=$1
	shift
	if "$@"; then pass "$intent"; else fail "$intent" "failed: $*"; fi
}

# contains "intent" HAYSTACK NEEDLE: the text holds the fixed string.
contains() {
	case $2 in
	*"$3"*) pass "$1" ;;
	*) fail "$1" "wanted: $3" "in: $2" ;;
	esac
}

# lacks "intent" HAYSTACK NEEDLE
lacks() {
	case $2 in
	*"$3"*) fail "$1" "unwanted: $3" "in: $2" ;;
	*) pass "$1" ;;
	esac
}

# sign KEYNAME IN OUT [OPTION...]: sign-pack --pades IN with the test PKI's key KEYNAME ($PKI,
# with its chain) into OUT; $T, when set, is the signing time.
sign() {
	k=$1
	i=$2
	o=$3
	shift 3
	sign-pack -q --pades --key "$PKI/$k.key" --cert "$PKI/$k.pem" --chain "$PKI/chain.pem" \
	    ${T:+--signing-time "$T"} "$@" -o "$o" "$i"
}

# need_fixtures: generate the test scans once per build (scripts/make-fixtures is idempotent).
need_fixtures() {
	"$HOSO_TOP/scripts/make-fixtures" "$FIXTURES" >/dev/null 2>&1 || {
		fail "fixtures can be generated" "scripts/make-fixtures $FIXTURES failed"
		exit 1
	}
}

# need_pki [ARG...]: make the throw-away test PKI in $PKI (scripts/test-pki $PKI ARG...), its
# log in pki.log; a test that cannot have it stops.
# shellcheck disable=SC2120 # the arguments are optional
need_pki() {
	"$HOSO_TOP/scripts/test-pki" "$PKI" "$@" >pki.log 2>&1 || {
		fail "the test PKI can be made" "$(cat pki.log)"
		exit 1
	}
}

# Timestamp tampering, for the CAdES-B-T and PAdES B-T tests (a CMS in DER):
# flip_imprint IN OUT: flip one bit of the timestamp's imprint (the SHA-256 of the signature value,
# a 256-byte OCTET STRING for RSA 2048, found where that hash occurs in the file).
flip_imprint() {
	python3 - "$1" "$2" <<'PY'
import hashlib, sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(len(b) - 260):
    if b[i:i + 4] == b"\x04\x82\x01\x00":
        j = b.find(hashlib.sha256(b[i + 4:i + 260]).digest())
        if j >= 0:
            b[j] ^= 1
            open(sys.argv[2], "wb").write(b)
            sys.exit(0)
sys.exit(1)
PY
}
# flip_last IN OUT: flip one bit of the last byte: the TSA's signature, the token coming last.
flip_last() {
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-1] ^= 1; open(sys.argv[2], "wb").write(b)' "$1" "$2"
}

# review_fields: a fields document for the review tests, written here rather than read by
# Tesseract, so that what is flagged does not depend on the engine's version; its boxes are on
# the khai-sinh fixture page.
review_fields() {
	cat <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<fields version="1">
  <form name="khai-sinh" page="1">
    <field name="ho_ten" confidence="61.0" review="true" raw="Ffoàng T.hu.Hùng" reason="handwritten" bbox="600 1210 1050 1295">Ffoàng Thu Hùng</field>
    <field name="ngay_sinh" confidence="90.0" review="true" raw="12/03/2O24" reason="not a date" bbox="730 1320 1060 1400">12/03/2O24</field>
    <field name="dan_toc" confidence="96.5" review="false" raw="Kinh" bbox="390 1532 544 1605">Kinh</field>
  </form>
</fields>
EOF
}

# review_dossier STORE CODE: the khai-sinh fixture page as dossier STORE/CODE, read by
# ocr-extract --form (so that dossier.xml lists ocr/fields.xml), then given review_fields.
review_dossier() {
	need_fixtures
	scan-ingest -q -o "$1" --dossier "$2" "$FIXTURES/form-khai-sinh.png" &&
	    ocr-extract -q --form khai-sinh "$1/$2" && review_fields >"$1/$2/ocr/fields.xml"
}

# start_review ARG...: review in the background; sets $url (the first line it prints), $base,
# $token, $hostport, $port and $pid.
# shellcheck disable=SC2034 # set for the scripts that source this file
start_review() {
	rm -f url.txt
	review --idle-exit 300 "$@" >url.txt 2>review.err &
	pid=$!
	i=0
	while [ ! -s url.txt ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	url=$(head -n 1 url.txt)
	base=${url%%/\?*}
	token=${url##*token=}
	hostport=${base#http://}
	port=${hostport##*:}
}
