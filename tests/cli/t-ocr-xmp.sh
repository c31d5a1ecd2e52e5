# shellcheck shell=sh
# t-ocr-xmp.sh - the searchable PDF of ocr-extract carries XMP metadata and a matching /Info:
# checked with qpdf --check, pdfinfo, pdfinfo -meta and xmllint (no exiftool); the PDF is still
# signable (PAdES, pdfsig) and the archive's BagIt manifest has its digest. The dossier is made
# from testdata/tesseract/phototest.tif; the test PKI is scripts/test-pki's.
. "$HOSO_TOP/tests/cli/lib.sh"
PKI=$HOSO_WORK/pki

# A title that needs escaping in XML (& <) and in a PDF string (parentheses), in Vietnamese.
TITLE='Đăng ký khai sinh (bản sao) & <trích lục>'
scan-ingest -q -o st --dossier D --title "$TITLE" "$HOSO_TOP/testdata/tesseract/phototest.tif" ||
    { fail "a dossier can be made"; exit 1; }
expect_exit 0 "ocr-extract makes the searchable PDF" ocr-extract -q st/D
P=st/D/ocr/dossier.pdf
check "qpdf --check accepts it" qpdf --check "$P"
pdfinfo "$P" >info.txt 2>&1
contains "pdfinfo: the title is the dossier code and title" "$(cat info.txt)" "Title:           D — $TITLE"
contains "pdfinfo: the creator tool is hoso ocr-extract" "$(cat info.txt)" "Creator:         hoso ocr-extract "
contains "pdfinfo: there is a metadata stream" "$(cat info.txt)" "Metadata Stream: yes"
pdfinfo -meta "$P" >meta.xml 2>/dev/null
check "the XMP packet is well-formed XML" xmllint --noout meta.xml
xp() {
	xmllint --xpath "string($1)" meta.xml 2>/dev/null
}
# xmllint --xpath has no namespace bindings: match on local names
check "dc:title is the dossier code and title, unescaped again" \
    [ "$(xp '//*[local-name()="title"]/*[local-name()="Alt"]/*[local-name()="li"]')" = "D — $TITLE" ]
check "dc:title is in the Dublin Core namespace" \
    [ "$(xp 'namespace-uri(//*[local-name()="title"])')" = "http://purl.org/dc/elements/1.1/" ]
contains "xmp:CreatorTool names ocr-extract and its version" \
    "$(xp '//*[local-name()="CreatorTool"]')" "hoso ocr-extract "
producer=$(sed -n 's/^Producer: *//p' info.txt)
check "pdf:Producer says what /Info /Producer says ($producer)" \
    [ -n "$producer" ] && [ "$(xp '//*[local-name()="Producer"]')" = "$producer" ]
check "xmp:CreateDate is an ISO 8601 time" \
    sh -c "echo '$(xp '//*[local-name()="CreateDate"]')' | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'"
check "the packet is wrapped in xpacket instructions" grep -q '^<?xpacket end=' meta.xml
qpdf --show-object=trailer "$P" >trailer.txt 2>&1
contains "the trailer names the new /Info" "$(cat trailer.txt)" "/Info"
check "the metadata is an incremental update: two %%EOF" [ "$(grep -c '%%EOF' "$P")" -eq 2 ]

# --- still signable, and the archive has the digest of the file as it is ---
need_pki
expect_exit 0 "sign-pack --pades signs the dossier's PDF and packs it" sign-pack -q --pades \
    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" --chain "$PKI/chain.pem" -o D.asice st/D
check "qpdf --check accepts the signed PDF" qpdf --check "$P"
expect_exit 0 "verify: the signed PDF is valid" verify --ca-file="$PKI/ca.pem" "$P"
pdfinfo -meta "$P" >meta2.xml 2>/dev/null
check "the signed PDF keeps the metadata" cmp meta.xml meta2.xml
expect_exit 0 "verify: the archive is valid" verify --ca-file="$PKI/ca.pem" D.asice
mkdir x && (cd x && unzip -q ../D.asice)
want=$(sha256sum "$P" | cut -d' ' -f1)
check "the BagIt manifest holds the digest of the PDF as it is" \
    grep -q "^$want  data/ocr/dossier.pdf$" x/manifest-sha256.txt

# --- a PDF of --pdf (no dossier): titled by its file name ---
expect_exit 0 "ocr-extract --pdf makes a PDF of a page" ocr-extract -q --pdf one.pdf \
    "$HOSO_TOP/testdata/tesseract/phototest.tif"
check "qpdf --check accepts it" qpdf --check one.pdf
contains "its title is its file name" "$(pdfinfo one.pdf)" "Title:           one.pdf"

# --- the page images keep the scan's colour, depth and resolution ---
# Generated pages (ImageMagick, DejaVu Sans): an RGB page with a red seal at 200 ppi, and a
# 1-bit G4 page at 300 ppi. pdfimages -list: page num type width height color comp bpc enc ...
convert -size 1654x700 xc:white -fill black -font DejaVu-Sans -pointsize 48 \
    -annotate +100+200 'Giấy khai sinh số 123' -fill red -draw 'circle 1300,450 1450,450' \
    -units PixelsPerInch -density 200 colour.png
convert -size 2480x900 xc:white -fill black -font DejaVu-Sans -pointsize 60 \
    -annotate +150+300 'Tờ khai căn cước' -type bilevel -depth 1 -compress group4 \
    -units PixelsPerInch -density 300 bilevel.tif
imgs() {
	pdfimages -list "$1" 2>/dev/null | awk 'NR > 2 { print $4, $5, $6, $8, $9, $13, $14 }'
}
expect_exit 0 "ocr-extract --pdf of a colour and a 1-bit page" ocr-extract -q --pdf pages.pdf \
    colour.png bilevel.tif
imgs pages.pdf >imgs.txt
check "the colour page stays RGB at its size and 200 ppi (JPEG)" \
    [ "$(sed -n 1p imgs.txt)" = "1654 700 rgb 8 jpeg 200 200" ]
check "the 1-bit page stays 1-bit at its size and 300 ppi (CCITT G4)" \
    [ "$(sed -n 2p imgs.txt)" = "2480 900 gray 1 ccitt 300 300" ]
expect_exit 0 "a dossier of the colour page" scan-ingest -q -o st --dossier C colour.png
expect_exit 0 "ocr-extract on it" ocr-extract -q st/C
check "the dossier's PDF shows the page in colour" \
    sh -c "pdfimages -list st/C/ocr/dossier.pdf | awk 'NR == 3 { exit \$6 != \"rgb\" }'"
check "... and its text layer was read from it" sh -c "pdftotext st/C/ocr/dossier.pdf - | grep -q 'khai sinh'"
echo "# $n_case cases"
