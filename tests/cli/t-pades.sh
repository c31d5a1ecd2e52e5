# shellcheck shell=sh
# t-pades.sh - sign-pack --pades and verify FILE.pdf: PDFs of three makers (qpdf with an xref
# table and with an xref stream, img2pdf, ocr-extract), independent checks (pdfsig with an NSS
# database trusting the test root, openssl cms, qpdf --check, pdffonts, pdftotext), a visible
# signature, a second signature, tampering, hostile PDFs. Test PDFs are generated here (ImageMagick, img2pdf, qpdf, scripts/pades-tool).
. "$HOSO_TOP/tests/cli/lib.sh"
PKI=$HOSO_WORK/pki
PT=$HOSO_TOP/scripts/pades-tool
need_pki
CA="--ca-file=$PKI/ca.pem"
T=2026-11-01T08:00:00Z
# pdfsig_ok FILE N: pdfsig (poppler, NSS) finds N signatures, every one valid and trusted
pdfsig_ok() {
	pdfsig -nssdir sql:nss "$1" >pdfsig.out 2>&1
	[ "$(grep -c 'Signature is Valid' pdfsig.out)" -eq "$2" ] &&
	    [ "$(grep -c 'Certificate is Trusted' pdfsig.out)" -eq "$2" ] &&
	    [ "$(grep -c '^Signature #' pdfsig.out)" -eq "$2" ]
}
# cms_ok FILE N: openssl cms verifies signature N over the bytes of its ByteRange
cms_ok() {
	"$PT" extract "$1" "$2" sig.der br.bin &&
	    openssl cms -verify -binary -inform DER -in sig.der -content br.bin \
	    -CAfile "$PKI/ca.pem" -purpose any -out /dev/null 2>/dev/null
}
qpdf_ok() { qpdf --check "$1" >/dev/null 2>&1; }

if ! { mkdir nss && certutil -N -d sql:nss --empty-password &&
    certutil -A -d sql:nss -n hoso-test-root -t "CT,C,C" -i "$PKI/ca.pem"; }; then
	fail "an NSS database trusting the test root can be made"
	exit 1
fi

# --- input PDFs from three makers ---
cat >raw.pdf <<'EOF'
%PDF-1.7
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >> endobj
4 0 obj << /Length 41 >> stream
BT /F1 24 Tf 72 720 Td (Trang mot) Tj ET
endstream endobj
5 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R /Resources << /Font << /F1 6 0 R >> >> >> endobj
6 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
7 0 obj << /Length 41 >> stream
BT /F1 24 Tf 72 720 Td (Trang hai) Tj ET
endstream endobj
trailer << /Root 1 0 R /Size 8 >>
%%EOF
EOF
qpdf --stream-data=uncompress raw.pdf table.pdf 2>/dev/null
qpdf --object-streams=generate raw.pdf xstream.pdf 2>/dev/null
check "qpdf wrote a PDF with an xref table" grep -q '^xref' table.pdf
check "qpdf wrote a PDF with an xref stream" grep -q '/Type /XRef' xstream.pdf
convert -size 850x1100 xc:white -font DejaVu-Sans -pointsize 40 -draw "text 80,120 'Giấy khai sinh'" \
    -quality 85 scan.jpg && img2pdf -o scan.pdf scan.jpg 2>/dev/null
check "img2pdf wrote a scanned-page PDF" qpdf_ok scan.pdf

# --- the command line ---
expect_exit 0 "sign-pack --help names --pades" sign-pack --help
contains "sign-pack --help shows --pades" "$out" "--pades"
expect_exit 2 "--reason without --pades is a usage error" sign-pack --reason x \
    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" table.pdf
expect_exit 0 "verify --help names PDFs" verify --help
contains "verify --help speaks of PDF signatures" "$out" "PAdES"

# --- signing, checked by others ---
for f in table xstream scan; do
	expect_exit 0 "$f.pdf is signed" sign rsa2048 "$f.pdf" "$f-s.pdf" --reason "Sao y bản chính" \
	    --location "Hà Nội"
	check "$f.pdf: the original bytes are the start of the signed file" \
	    cmp -n "$(wc -c <"$f.pdf")" "$f.pdf" "$f-s.pdf"
	check "$f.pdf: qpdf --check accepts the signed file" qpdf_ok "$f-s.pdf"
	check "$f.pdf: pdfsig finds one valid, trusted signature" pdfsig_ok "$f-s.pdf" 1
	check "$f.pdf: openssl cms verifies /Contents over the ByteRange" cms_ok "$f-s.pdf" 1
	expect_exit 0 "$f.pdf: verify says valid" verify "$CA" "$f-s.pdf"
	contains "$f.pdf: verify names the field" "$out" "Signature1: valid"
done
check "the update of an xref-stream PDF is an xref stream" \
    [ "$(grep -c '/Type /XRef' xstream-s.pdf)" -eq 2 ]
check "the update of an xref-table PDF is a table" [ "$(grep -c '^xref' table-s.pdf)" -eq 2 ]
check "the signature dictionary is ETSI.CAdES.detached" grep -q '/SubFilter /ETSI.CAdES.detached' table-s.pdf
check "/Reason is a UTF-16 text string" grep -q '/Reason <FEFF' table-s.pdf
"$PT" extract table-s.pdf 1 sig.der br.bin
openssl cms -cmsout -print -inform DER -in sig.der >cms.txt 2>&1
contains "the CMS signs signing-certificate-v2" "$(cat cms.txt)" "id-smime-aa-signingCertificateV2"
lacks "the CMS has no signing-time (EN 319 142-1)" "$(cat cms.txt)" "signingTime"
expect_exit 0 "an ECDSA key signs too" sign ec256 table.pdf ec.pdf
check "pdfsig accepts the ECDSA signature" pdfsig_ok ec.pdf 1
expect_exit 0 "RSA-PSS signs too" sign rsa3072 table.pdf pss.pdf --pss --digest sha384
check "openssl cms verifies the PSS signature" cms_ok pss.pdf 1
expect_exit 0 "verify says the PSS signature is valid" verify "$CA" pss.pdf
cp table.pdf inplace.pdf
expect_exit 0 "without -o the file is signed in place" sign-pack -q --pades \
    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" --chain "$PKI/chain.pem" inplace.pdf
expect_exit 0 "the file signed in place verifies" verify "$CA" inplace.pdf

# --- a visible signature ---
expect_exit 0 "--visible signs with an appearance on page 1" sign rsa2048 table.pdf vis.pdf --visible \
    --reason "Sao y bản chính"
check "qpdf --check accepts the visible signature" qpdf_ok vis.pdf
check "pdfsig: the visible signature is valid and trusted" pdfsig_ok vis.pdf 1
pdffonts vis.pdf >fonts.txt 2>&1
check "the font is embedded as a subset with a ToUnicode map" \
    grep -Eq '^[A-Z]{6}\+DejaVuSans +CID TrueType +Identity-H +yes +yes +yes' fonts.txt
check "the subset is far smaller than the font" [ "$(wc -c <vis.pdf)" -lt 200000 ]
pdftotext -f 1 -l 1 vis.pdf vis.txt
contains "the appearance says who signed, in Vietnamese" "$(cat vis.txt)" "Đã ký số bởi: Nguyen Van A"
contains "the appearance gives the reason" "$(cat vis.txt)" "Lý do: Sao y bản chính"
expect_exit 0 "verify: the visible signature is valid" verify "$CA" vis.pdf
expect_exit 0 "a visible signature after another one" sign ec256 vis.pdf vis2.pdf --visible
check "pdfsig: both visible signatures valid" pdfsig_ok vis2.pdf 2
expect_exit 0 "verify: both visible signatures valid" verify "$CA" vis2.pdf
expect_exit 3 "a font file that is not a font is refused" sign rsa2048 table.pdf nofont.pdf --visible \
    --font table.pdf
check "nothing is written when the font is refused" [ ! -e nofont.pdf ]
expect_exit 2 "--visible without --pades is a usage error" sign-pack --visible \
    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" table.pdf

# --- a second signature (a leader after the clerk) ---
expect_exit 0 "a signed PDF is signed again" sign ec256 table-s.pdf two.pdf
check "qpdf --check accepts the twice-signed file" qpdf_ok two.pdf
check "pdfsig finds two valid, trusted signatures" pdfsig_ok two.pdf 2
check "openssl cms verifies the first signature" cms_ok two.pdf 1
check "openssl cms verifies the second signature" cms_ok two.pdf 2
expect_exit 0 "verify says both are valid" verify -v "$CA" two.pdf
contains "verify reports the later signature for the first" "$out" "signature field Signature2 added or signed after this signature"
expect_exit 0 "xref-stream PDF signed twice" sign ec256 xstream-s.pdf xtwo.pdf
check "pdfsig: both signatures of the xref-stream PDF valid" pdfsig_ok xtwo.pdf 2

# --- verify without trust, and the XML report ---
expect_exit 1 "no trust anchor: indeterminate" verify table-s.pdf
contains "indeterminate without a trust anchor" "$out" "indeterminate"
expect_exit 0 "the XML report covers a PDF" verify "$CA" --report r.xml two.pdf
check "the XML report validates against the schema" \
    xmllint --noout --schema "$HOSO_TOP/data/schema/verify-report.xsd" r.xml
check "the XML report has one pdf-signature per signature" \
    [ "$(xmllint --xpath 'count(//archive[@kind="pdf-signature"][@result="valid"])' r.xml)" = 2 ]

# --- tampering ---
"$PT" flip table-s.pdf t-byte.pdf "Trang mot"
expect_exit 1 "a byte changed in the signed range: invalid" verify "$CA" t-byte.pdf
contains "the digest mismatch is named" "$out" "message-digest does not match"
content=$(qpdf --show-pages table-s.pdf | sed -n '3p' | tr -d ' ' | cut -d' ' -f1 | sed 's/0R$//')
"$PT" append-page table-s.pdf t-page.pdf "$content" "Da sua noi dung"
check "the page-changing update is a readable PDF" qpdf_ok t-page.pdf
expect_exit 1 "an update after signing that changes a page: invalid" verify "$CA" t-page.pdf
contains "the change is named" "$out" "changed after signing"
"$PT" append-info table-s.pdf t-info.pdf 50
expect_exit 0 "an update that only adds document information: still valid" verify "$CA" t-info.pdf
# damage the signer left (page 1's content two bytes off in the xref, which qpdf repairs when it
# reads the page): a later update cannot be judged, which is indeterminate, not a forgery
python3 - table.pdf "$content" dmg.pdf <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
x = d.rindex(b"\nxref\n") + 6
first, count = (int(v) for v in d[x:d.index(b"\n", x)].split())
at = d.index(b"\n", x) + 1 + 20 * (int(sys.argv[2]) - first)
off = int(d[at:at + 10])
open(sys.argv[3], "wb").write(d[:at] + b"%010d" % (off - 2) + d[at + 10:])
PY
expect_exit 0 "a PDF with an xref entry two bytes off is signed" sign rsa2048 dmg.pdf dmg-s.pdf
expect_exit 0 "signed, the damaged PDF verifies (the signature covers it all)" verify "$CA" dmg-s.pdf
"$PT" append-info dmg-s.pdf dmg-si.pdf 50
expect_exit 1 "an update after a damaged signed revision: not valid" verify "$CA" dmg-si.pdf
contains "...but indeterminate, not invalid: the damage is the signer's" "$out" \
    "Signature1: indeterminate: what was done after signing cannot be told for sure"
"$PT" shrink table-s.pdf t-shrink.pdf
expect_exit 1 "a shrunk ByteRange: invalid" verify "$CA" t-shrink.pdf
sign rsa2048 table.pdf other.pdf --reason "khác"
"$PT" extract other.pdf 1 other.der other.bin
"$PT" set-contents table-s.pdf t-swap.pdf 1 other.der
expect_exit 1 "/Contents swapped with another signature's: invalid" verify "$CA" t-swap.pdf
"$PT" extract table-s.pdf 1 sig.der br.bin
openssl cms -sign -binary -md sha1 -in br.bin -signer "$PKI/rsa2048.pem" -inkey "$PKI/rsa2048.key" \
    -certfile "$PKI/chain.pem" -outform DER -out sha1.der 2>/dev/null
"$PT" set-contents table-s.pdf t-sha1.pdf 1 sha1.der
expect_exit 1 "re-signed with SHA-1: invalid" verify "$CA" t-sha1.pdf
contains "SHA-1 is named" "$out" "SHA1 is refused"
expect_exit 1 "a PDF without a signature is not valid" verify "$CA" table.pdf

# --- refused inputs ---
qpdf --encrypt "" owner 256 -- table.pdf enc.pdf 2>/dev/null
expect_exit 3 "an encrypted PDF is refused" sign rsa2048 enc.pdf enc-s.pdf
contains "the refusal says encrypted" "$errout" "encrypted"
check "nothing is written for a refused PDF" [ ! -e enc-s.pdf ]
expect_exit 3 "a damaged PDF is refused for signing" sign rsa2048 raw.pdf raw-s.pdf
expect_exit 2 "a weak key is refused" sign rsa1024 table.pdf weak.pdf
"$PT" hostile h
run timeout 60 sign-pack --pades --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" \
    -o h/huge-stream-s.pdf h/huge-stream.pdf
check "a stream claiming 2^40 bytes is never read to sign (bounded time, $rc)" [ "$rc" -eq 0 ]
for f in page-loop deep broken-xref; do
	expect_exit 3 "hostile $f.pdf: signing refuses it" timeout 60 sign-pack --pades \
	    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" -o "h/$f-s.pdf" "h/$f.pdf"
	check "hostile $f.pdf: the message names the file" [ -n "$errout" ]
done
for f in field-loop range-outside sha1-subfilter deep huge-stream page-loop broken-xref; do
	run timeout 60 verify "$CA" "h/$f.pdf"
	check "hostile $f.pdf: verify says no, or bad input, in bounded time ($rc)" \
	    [ "$rc" -eq 1 -o "$rc" -eq 3 ]
done

# --- a dossier: its searchable PDF signed before packing ---
if ! { scan-ingest -q -o st --dossier D "$HOSO_TOP/testdata/tesseract/phototest.tif" &&
    ocr-extract -q st/D; }; then
	fail "a dossier with a searchable PDF can be made"
fi
expect_exit 0 "sign-pack --pades STORE/DOSSIER signs and packs" sign-pack -q --pades \
    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" --chain "$PKI/chain.pem" -o D.asice st/D
check "the dossier's PDF is signed in place" pdfsig_ok st/D/ocr/dossier.pdf 1
expect_exit 0 "the archive verifies (the packed PDF is the signed one)" verify "$CA" D.asice
expect_exit 0 "verify -v also reports the PDF inside the archive" verify -v "$CA" D.asice
contains "the signed PDF in the archive is named and valid" "$out" \
    "PDF D.asice!data/ocr/dossier.pdf: Signature1: valid"
mkdir x && (cd x && unzip -q ../D.asice data/ocr/dossier.pdf)
check "the PDF in the archive is the signed one" cmp x/data/ocr/dossier.pdf st/D/ocr/dossier.pdf

# --- archives and PDFs in one run: each told by its content, all under -j, in input order ---
mkdir mix && cp two.pdf mix/a.pdf && cp D.asice mix/b.asice && cp table.pdf mix/c.pdf &&
    cp table-s.pdf mix/d.asice
expect_exit 1 "verify -j 2 of a directory of archives and PDFs" verify -j 2 "$CA" mix
check "...one line per archive and per PDF signature, in name order; d.asice is a PDF" \
    [ "$out" = "$(printf '%s\n' "mix/a.pdf: Signature1: valid" "mix/a.pdf: Signature2: valid" \
    "mix/b.asice: valid" "mix/c.pdf: no signature: invalid: the PDF has no signed signature field" \
    "mix/d.asice: Signature1: valid")" ]
expect_exit 2 "--extract of a PDF is a usage error" verify "$CA" --extract xd mix/a.pdf
check "...and writes nothing" [ ! -e xd ]
scan-ingest -q -o st --dossier E "$HOSO_TOP/testdata/tesseract/phototest.tif"
expect_exit 3 "a dossier without ocr/dossier.pdf is refused" sign-pack -q --pades \
    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" -o E.asice st/E

echo "# $n_case cases"
