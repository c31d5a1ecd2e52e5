# shellcheck shell=sh
# slow (a test PKI of its own: RSA key generation)
# t-tsa-ocsp.sh - sign-pack --tsa-url (CAdES-B-T) and verify's timestamp and OCSP checks, against
# a loopback TSA (scripts/test-tsa, answering with `openssl ts -reply`) and `openssl ocsp` as the
# responder, both on 127.0.0.1 ports picked when the test runs and stopped when it ends.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES
PKI=$HOSO_WORK/pki

tsa_pid=""
ocsp_pid=""
stop_servers() {
	[ -n "$tsa_pid" ] && kill "$tsa_pid" 2>/dev/null
	[ -n "$ocsp_pid" ] && kill "$ocsp_pid" 2>/dev/null
	tsa_pid=""
	ocsp_pid=""
}
trap stop_servers EXIT INT TERM

# A port free now, for the OCSP URL that test-pki writes into the certificates.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_for FILE TEXT: poll (at most 10 s) until FILE holds TEXT.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

OP=$(free_port)
need_pki "$OP"
scan-ingest -q -o st "$FX/batch" || { fail "a store can be made"; exit 1; }
D=st/000.17.22.H56-210531-0001
CA="--ca-file=$PKI/ca.pem"

"$HOSO_TOP/scripts/test-tsa" "$PKI" tsa.port 2>tsa.log &
tsa_pid=$!
wait_for tsa.port . || { fail "the loopback TSA starts" "$(cat tsa.log)"; exit 1; }
TSA=http://127.0.0.1:$(cat tsa.port)
(cd "$PKI" && exec openssl ocsp -index db/int/index.txt -CA int.pem -rsigner ocsp.pem -rkey ocsp.key \
    -port "$OP" -ignore_err) >ocsp.log 2>&1 &
ocsp_pid=$!
wait_for ocsp.log "waiting for OCSP client" || { fail "the OCSP responder starts" "$(cat ocsp.log)"; exit 1; }

# sign KEYNAME OUT [OPTION...]: sign dossier D with a key of the test PKI
sign() {
	k=$1
	o=$2
	shift 2
	sign-pack -q --key "$PKI/$k.key" --cert "$PKI/$k.pem" --chain "$PKI/chain.pem" -o "$o" "$@" "$D"
}
# with_sig ARCHIVE OUT EDIT: ARCHIVE with its signature changed by the function EDIT
with_sig() {
	rm -rf ws && mkdir ws && (cd ws && unzip -q "../$1" META-INF/signature001.p7s) &&
	$3 ws/META-INF/signature001.p7s ws/sig.p7s &&
	"$HOSO_TOP/scripts/make-hostile-zips" rezip "$1" "$2" --set META-INF/signature001.p7s=ws/sig.p7s
}

# --- the command lines ---
expect_exit 0 "sign-pack --help names --tsa-url" sign-pack --help
contains "...with what it does" "$out" "--tsa-url URL"
expect_exit 0 "verify --help names --ocsp and --ocsp-url" verify --help
contains "...--ocsp" "$out" "--ocsp "
contains "...--ocsp-url" "$out" "--ocsp-url URL"
expect_exit 2 "--tsa-url with https is a usage error" sign rsa2048 w.asice --tsa-url https://127.0.0.1/tsa
expect_exit 2 "--tsa-url that is not a URL is a usage error" sign rsa2048 w.asice --tsa-url tsa.example
expect_exit 2 "--ocsp-url that is not http:// is a usage error" verify --ocsp-url ftp://x a.asice

# --- signing with a timestamp (CAdES-B-T) ---
expect_exit 0 "a dossier is signed with a timestamp" sign rsa2048 bt.asice --tsa-url "$TSA/tsa"
expect_exit 0 "the B-T archive verifies" verify "$CA" bt.asice
check "...as valid" [ "$out" = "bt.asice: valid" ]
expect_exit 0 "verify -v reports the timestamp" verify -v "$CA" bt.asice
contains "...check 5 passed, with the TSA" "$out" "5. timestamp: passed: signature time-stamped"
contains "...and its name" "$out" "CN=hoso Test TSA"
contains "...the certificate is checked at the timestamp's time" "$out" "valid at the time of the signature's timestamp"
rm -rf x && mkdir x && (cd x && unzip -q ../bt.asice)
expect_exit 0 "openssl cms -verify still accepts the B-T signature" openssl cms -verify -binary -inform DER \
    -in x/META-INF/signature001.p7s -content x/META-INF/ASiCManifest.xml -CAfile "$PKI/ca.pem" -purpose any -out /dev/null
run openssl cms -cmsout -print -inform DER -in x/META-INF/signature001.p7s
contains "the token is the unsigned attribute id-smime-aa-timeStampToken" "$out" "id-smime-aa-timeStampToken"
expect_exit 0 "an archive without a timestamp still verifies" sign rsa2048 bb.asice
expect_exit 0 "...as valid" verify -v "$CA" bb.asice
contains "...and says there is no timestamp" "$out" "5. timestamp: skipped: none (CAdES-B-B)"

# --- a TSA that does not answer or answers wrong: exit 5, the URL named, no archive ---
expect_exit 5 "a TSA nobody listens on: exit 5" sign rsa2048 down.asice --tsa-url "http://127.0.0.1:$(free_port)/tsa"
contains "...naming the URL" "$errout" "http://127.0.0.1:"
check "...and no archive" [ ! -e down.asice ]
expect_exit 5 "a TSA that answers garbage: exit 5" sign rsa2048 junk.asice --tsa-url "$TSA/garbage"
contains "...naming the URL" "$errout" "$TSA/garbage"
check "...and no archive" [ ! -e junk.asice ]
expect_exit 5 "a TSA that answers for another request: exit 5" sign rsa2048 other.asice --tsa-url "$TSA/other"
contains "...because the imprint differs" "$errout" "imprint"
check "...and no archive" [ ! -e other.asice ]
expect_exit 5 "a TSA URL that is not found (HTTP 404): exit 5" sign rsa2048 nf.asice --tsa-url "$TSA/nothere"
check "no temporary file is left" [ -z "$(find . -maxdepth 1 -name '.*.tmp.*')" ]

# --- timestamps verify must not accept ---
with_sig bt.asice imp.asice flip_imprint || fail "the imprint can be changed"
expect_exit 1 "a timestamp whose imprint was changed: invalid" verify "$CA" imp.asice
contains "...invalid, because of the imprint" "$out" "imp.asice: invalid: the timestamp's imprint"
with_sig bt.asice tsig.asice flip_last || fail "the token's signature can be changed"
expect_exit 1 "a timestamp whose signature was changed: invalid" verify "$CA" tsig.asice
contains "...invalid" "$out" "tsig.asice: invalid"
expect_exit 0 "a timestamp from a TSA under an untrusted root is made" sign rsa2048 rogue.asice --tsa-url "$TSA/rogue"
expect_exit 1 "...and verify says indeterminate" verify "$CA" rogue.asice
contains "...because the TSA is not trusted" "$out" "rogue.asice: indeterminate: the time-stamp authority C=VN,O=nobody,CN=Untrusted TSA is not trusted"
expect_exit 1 "a B-T archive without trust anchors: indeterminate" verify bt.asice
expect_exit 0 "a signing time after the timestamp is signed" sign rsa2048 late.asice --signing-time 2026-11-01T00:00:00Z --tsa-url "$TSA/past"
expect_exit 1 "...and verify says indeterminate" verify "$CA" late.asice
contains "...naming both times" "$out" "the signing time 2026-11-01T00:00:00Z is later than the timestamp's 2020-06-01T00:00:10Z"

# --- the timestamp is the time the certificate is checked at ---
expect_exit 2 "sign-pack refuses a signer certificate expired at the signing time" sign expired e.asice
contains "...and says so" "$errout" "is valid from 2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z, not at the signing time"
check "...writing nothing" [ ! -e e.asice ]
expect_exit 0 "an expired-now signer time-stamped (TSA clock 2020-06-01) inside its validity is signed" \
    sign expired et.asice --signing-time 2020-06-01T00:00:00Z --tsa-url "$TSA/past"
expect_exit 0 "...and verifies as valid" verify -v "$CA" et.asice
contains "...checked at the timestamp's time" "$out" "5. timestamp: passed: signature time-stamped 2020-06-01T00:00:10Z"
# hoso-archive(5): without a timestamp the certificate is checked at the signing-time attribute.
expect_exit 0 "without a timestamp: valid at its signing time, as hoso-archive(5) says" \
    sign expired en.asice --signing-time 2020-06-01T00:00:00Z
expect_exit 0 "...verify says valid" verify "$CA" en.asice

# --- OCSP ---
expect_exit 0 "a good signer asked about through the responder in its certificate: valid" verify "$CA" --ocsp bb.asice
expect_exit 0 "...verify -v says not revoked" verify -v "$CA" --ocsp bb.asice
contains "...not revoked" "$out" "not revoked"
expect_exit 0 "--ocsp-url names the responder" verify "$CA" --ocsp-url "http://127.0.0.1:$OP/" bb.asice
expect_exit 0 "a revoked signer (signed after the revocation) is signed" sign revoked rv.asice
expect_exit 1 "...and with --ocsp: invalid" verify "$CA" --ocsp rv.asice
contains "...invalid, revoked before the signing time" "$out" "rv.asice: invalid: C=VN,O=UBND xa Test,CN=Revoked Signer was revoked on"
expect_exit 0 "(without --ocsp revocation is not checked)" verify "$CA" rv.asice
expect_exit 0 "a revoked signer signing before the revocation, without a timestamp, is signed" \
    sign revoked rvb.asice --signing-time 2021-06-01T00:00:00Z
expect_exit 1 "...and with --ocsp: indeterminate (no proof the signature is older)" verify "$CA" --ocsp rvb.asice
contains "...says why" "$out" "no timestamp proves the signature older"
expect_exit 0 "a revoked signer time-stamped (2020) before the revocation is signed" \
    sign revoked rvt.asice --signing-time 2020-06-01T00:00:00Z --tsa-url "$TSA/past"
expect_exit 0 "...and with --ocsp: valid, the timestamp proves the signature older" verify "$CA" --ocsp rvt.asice
expect_exit 0 "...and the same with --crl" verify "$CA" --crl "$PKI/crl.pem" rvt.asice
expect_exit 1 "--ocsp and --crl: revoked in either source is revoked" verify "$CA" --ocsp --crl "$PKI/root-crl.pem" rv.asice
contains "...invalid" "$out" "rv.asice: invalid"
expect_exit 0 "--ocsp and a --crl from another issuer: OCSP answers, valid" verify "$CA" --ocsp --crl "$PKI/root-crl.pem" bb.asice
expect_exit 1 "no trust anchor: indeterminate before OCSP matters" verify --ocsp bb.asice
expect_exit 1 "an OCSP responder nobody listens on: indeterminate" verify "$CA" --ocsp-url "http://127.0.0.1:$(free_port)/" bb.asice
contains "...naming it" "$out" "bb.asice: indeterminate: revocation of"
contains "...as unreachable" "$out" "no answer from the OCSP responder"
kill "$ocsp_pid" 2>/dev/null
wait "$ocsp_pid" 2>/dev/null
ocsp_pid=""
expect_exit 1 "the responder in the certificate down: indeterminate" verify "$CA" --ocsp bb.asice
contains "...indeterminate" "$out" "bb.asice: indeterminate"
expect_exit 0 "the responder down but --crl answers: valid (either source may answer)" verify "$CA" --ocsp --crl "$PKI/crl.pem" bb.asice
expect_exit 1 "the responder down and --crl of another issuer: indeterminate" verify "$CA" --ocsp --crl "$PKI/root-crl.pem" bb.asice
contains "...naming both" "$out" "no CRL from its issuer among the --crl files, and no answer from the OCSP responder"

stop_servers
echo "# $n_case cases"
