# shellcheck shell=sh
# slow (a test PKI of its own: RSA key generation)
# t-pades-bt.sh - sign-pack --pades --tsa-url (PAdES B-T) and verify FILE.pdf's timestamp check,
# against the loopback TSA of scripts/test-tsa (`openssl ts -reply`) on a port picked when the
# test runs. Independent checks: pdfsig (NSS database trusting the test root), openssl cms over
# the ByteRange (scripts/pades-tool). The input PDF is generated here with qpdf.
. "$HOSO_TOP/tests/cli/lib.sh"
PKI=$HOSO_WORK/pki
PT=$HOSO_TOP/scripts/pades-tool

tsa_pid=""
stop_tsa() {
	[ -n "$tsa_pid" ] && kill "$tsa_pid" 2>/dev/null
	tsa_pid=""
}
trap stop_tsa EXIT INT TERM
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

need_pki
CA="--ca-file=$PKI/ca.pem"
"$HOSO_TOP/scripts/test-tsa" "$PKI" tsa.port 2>tsa.log &
tsa_pid=$!
i=0
while [ ! -s tsa.port ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -s tsa.port ] || { fail "the loopback TSA starts" "$(cat tsa.log)"; exit 1; }
TSA=http://127.0.0.1:$(cat tsa.port)

if ! { mkdir nss && certutil -N -d sql:nss --empty-password &&
    certutil -A -d sql:nss -n hoso-test-root -t "CT,C,C" -i "$PKI/ca.pem"; }; then
	fail "an NSS database trusting the test root can be made"
	exit 1
fi
cat >raw.pdf <<'EOF'
%PDF-1.7
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 41 >> stream
BT /F1 24 Tf 72 720 Td (Trang mot) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R /Size 6 >>
%%EOF
EOF
qpdf --stream-data=uncompress raw.pdf in.pdf 2>/dev/null
check "qpdf wrote the input PDF" qpdf --check in.pdf

# --- the command line ---
expect_exit 2 "--pades with --add-signature is a usage error" sign-pack --pades \
    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" --add-signature x.asice
contains "...saying how to add a second PDF signature" "$errout" "incremental update"
expect_exit 0 "sign-pack --help says --pades makes B-T with --tsa-url" sign-pack --help
contains "...B-T" "$out" "B-T with"

# --- B-T: signed, checked by others, verified ---
expect_exit 0 "a PDF is signed with a timestamp (B-T)" sign rsa2048 in.pdf bt.pdf --tsa-url "$TSA/tsa"
check "qpdf --check accepts it" qpdf --check bt.pdf
"$PT" extract bt.pdf 1 sig.der br.bin
openssl cms -cmsout -print -inform DER -in sig.der >cms.txt 2>&1
contains "the token is the unsigned attribute id-smime-aa-timeStampToken" "$(cat cms.txt)" \
    "id-smime-aa-timeStampToken"
# the token's own SignedData (inside unsignedAttrs) has one; the signer's signed attributes must not
lacks "still no signing-time attribute (EN 319 142-1)" "$(sed '/unsignedAttrs/q' cms.txt)" "signingTime"
check "openssl cms verifies /Contents over the ByteRange" openssl cms -verify -binary -inform DER \
    -in sig.der -content br.bin -CAfile "$PKI/ca.pem" -purpose any -out /dev/null
run pdfsig -nssdir sql:nss bt.pdf
contains "pdfsig: the signature is valid" "$out" "Signature is Valid"
contains "pdfsig: the certificate is trusted" "$out" "Certificate is Trusted"
expect_exit 0 "verify says valid" verify "$CA" bt.pdf
check "...one line, valid" [ "$out" = "bt.pdf: Signature1: valid" ]
expect_exit 0 "verify -v reports the timestamp" verify -v "$CA" bt.pdf
contains "...checked and passed, with the TSA's time" "$out" "5. timestamp: passed: signature time-stamped"
contains "...naming the TSA" "$out" "CN=hoso Test TSA"
contains "...the certificate checked at the timestamp's time" "$out" \
    "valid at the time of the signature's timestamp"
lacks "...not the old caveat" "$out" "not checked yet"
expect_exit 0 "ECDSA signs B-T too" sign ec256 in.pdf bt-ec.pdf --tsa-url "$TSA/tsa"
expect_exit 0 "...and verifies" verify "$CA" bt-ec.pdf
expect_exit 0 "a B-T PDF signed again with a timestamp" sign ec256 bt.pdf bt2.pdf --tsa-url "$TSA/tsa"
run pdfsig -nssdir sql:nss bt2.pdf
check "pdfsig: both signatures valid" [ "$(echo "$out" | grep -c 'Signature is Valid')" -eq 2 ]
expect_exit 0 "verify: both valid" verify "$CA" bt2.pdf
expect_exit 0 "without --tsa-url: B-B, no timestamp" sign rsa2048 in.pdf bb.pdf
expect_exit 0 "...verify -v says so" verify -v "$CA" bb.pdf
contains "...no timestamp" "$out" "5. timestamp: skipped: no timestamp (PAdES B-B)"

# --- the timestamp is the time the certificate is checked at ---
expect_exit 0 "an expired-now signer time-stamped (TSA clock 2020-06-01) inside its validity is signed" \
    sign expired in.pdf et.pdf --signing-time 2020-06-01T00:00:00Z --tsa-url "$TSA/past"
expect_exit 0 "...and verifies as valid" verify -v "$CA" et.pdf
contains "...at the timestamp's time" "$out" "5. timestamp: passed: signature time-stamped 2020-06-01T00:00:10Z"
expect_exit 0 "a /M after the timestamp is signed" sign rsa2048 in.pdf late.pdf \
    --signing-time 2026-11-01T00:00:00Z --tsa-url "$TSA/past"
expect_exit 1 "...and verify says indeterminate" verify "$CA" late.pdf
contains "...naming both times" "$out" "is later than the timestamp's 2020-06-01T00:00:10Z"
expect_exit 0 "a token from a TSA under an untrusted root is made" sign rsa2048 in.pdf rogue.pdf \
    --tsa-url "$TSA/rogue"
expect_exit 1 "...and verify says indeterminate" verify "$CA" rogue.pdf
contains "...because the TSA is not trusted" "$out" "Untrusted TSA is not trusted"

# --- a tampered token: invalid ---
"$PT" extract bt.pdf 1 sig.der br.bin
flip_last sig.der tsig.der && "$PT" set-contents bt.pdf t-tsig.pdf 1 tsig.der
expect_exit 1 "a token whose TSA signature was changed: invalid" verify "$CA" t-tsig.pdf
contains "...invalid" "$out" "t-tsig.pdf: Signature1: invalid"
if flip_imprint sig.der imp.der; then
	"$PT" set-contents bt.pdf t-imp.pdf 1 imp.der
	expect_exit 1 "a token whose imprint was changed: invalid" verify "$CA" t-imp.pdf
	contains "...because of the imprint" "$out" "t-imp.pdf: Signature1: invalid: the timestamp's imprint"
else
	fail "the imprint can be found in the token"
fi

# --- a TSA that does not answer or answers wrong: exit 5, nothing written ---
expect_exit 5 "a TSA nobody listens on: exit 5" sign rsa2048 in.pdf down.pdf \
    --tsa-url "http://127.0.0.1:$(free_port)/tsa"
contains "...naming the URL" "$errout" "http://127.0.0.1:"
check "...and no output" [ ! -e down.pdf ]
expect_exit 5 "a TSA that answers garbage: exit 5" sign rsa2048 in.pdf junk.pdf --tsa-url "$TSA/garbage"
check "...and no output" [ ! -e junk.pdf ]
cp in.pdf inplace.pdf
expect_exit 5 "in place, a TSA down: exit 5" sign-pack -q --pades --key "$PKI/rsa2048.key" \
    --cert "$PKI/rsa2048.pem" --tsa-url "http://127.0.0.1:$(free_port)/tsa" inplace.pdf
check "...the file is left as it was" cmp in.pdf inplace.pdf
check "no temporary file is left" [ -z "$(find . -maxdepth 1 -name '.*.tmp.*')" ]

stop_tsa
echo "# $n_case cases"
