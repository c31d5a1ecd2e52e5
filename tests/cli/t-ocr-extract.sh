# shellcheck shell=sh
# t-ocr-extract.sh - ocr-extract on a small dossier and on single images: outputs, re-runs,
# --force, -j, bad pages, missing language data. Kept to a few pages: about 30 s on 2 cores.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES
XSD=$HOSO_TOP/data/schema
TD=$HOSO_TOP/testdata/tesseract

attr() { xmllint --xpath "string(/dossier/pages/page[@n=$2]/@$3)" "$1/dossier.xml"; }
# nfc FILE: the file is UTF-8 in NFC (python3's unicodedata is independent of libunistring)
nfc() { python3 -c 'import sys, unicodedata as u; t = open(sys.argv[1], encoding="utf-8").read(); sys.exit(u.normalize("NFC", t) != t)' "$1"; }

# --- the command line ---
expect_exit 0 "--help exits 0" ocr-extract --help
contains "--help shows the synopsis" "$out" "ocr-extract [OPTION]"
expect_exit 0 "--version names the tool" ocr-extract --version
expect_exit 2 "no input is a usage error" ocr-extract
expect_exit 2 "a bad --page-timeout is a usage error" ocr-extract --page-timeout soon "$TD/phototest.tif"
expect_exit 2 "-j 0 is a usage error" ocr-extract -j 0 "$TD/phototest.tif"

# --- a dossier of two forms ---
scan-ingest -q -o st --dossier D "$FX/form-khai-sinh.png" "$FX/form-ct01.png" || exit 1
D=st/D
expect_exit 0 "a dossier is recognized" ocr-extract -q -j 2 "$D"
check "nothing on stderr with -q" [ -z "$errout" ]
t1=$(cat "$D/ocr/0001.txt")
contains "page 1's text holds the form title" "$t1" "KHAI SINH"
contains "page 1's text holds a label with diacritics" "$t1" "Họ, chữ đệm, tên"
contains "page 2's text holds its title" "$(cat "$D/ocr/0002.txt")" "THAY ĐỔI THÔNG TIN CƯ TRÚ"
check "the text is NFC" nfc "$D/ocr/0001.txt"
check "hOCR is written per page" grep -q "ocr_page" "$D/ocr/0001.hocr"
check "hOCR is well-formed XML" xmllint --noout "$D/ocr/0002.hocr"
check "the text records its page's sha256" [ "$(cat "$D/ocr/0001.sha256")" = "$(attr "$D" 1 sha256)" ]
check "dossier.xml validates against the XSD" xmllint --noout --schema "$XSD/dossier.xsd" "$D/dossier.xml"
check "dossier.xml lists page 1's text" [ "$(attr "$D" 1 text)" = ocr/0001.txt ]
check "dossier.xml lists page 2's hOCR" [ "$(attr "$D" 2 hocr)" = ocr/0002.hocr ]
check "dossier.xml lists the searchable PDF" [ "$(xmllint --xpath 'string(/dossier/ocr/@pdf)' "$D/dossier.xml")" = ocr/dossier.pdf ]
conf=$(attr "$D" 1 ocr_confidence)
check "page 1 has a confidence over 80 ($conf)" [ "${conf:-0}" -gt 80 ]
check "page 2 is marked ok" [ "$(attr "$D" 2 ocr_status)" = ok ]
check "ocr/dossier.pdf exists" [ -s "$D/ocr/dossier.pdf" ]
check "the PDF has both pages" [ "$(pdfinfo "$D/ocr/dossier.pdf" | sed -n 's/^Pages: *//p')" = 2 ]
pdftext=$(pdftotext "$D/ocr/dossier.pdf" - 2>/dev/null)
contains "pdftotext finds page 1's words in the PDF" "$pdftext" "KHAI SINH"
contains "pdftotext finds page 2's words in the PDF" "$pdftext" "Mẫu CT01"
check "no temporary files are left" [ -z "$(find st -name '.*.tmp.*')" ]

before=$(fingerprint st)
expect_exit 0 "a re-run succeeds" ocr-extract -v "$D"
contains "a re-run says the dossier is up to date" "$errout" "up to date"
check "a re-run changes no file" [ "$before" = "$(fingerprint st)" ]

# A dossier recognized before dossier.xml listed OCR files gets them listed by a re-run.
mkdir st3
cp -r "$D" st3/F
sed -i -e 's|<ma_ho_so>D</ma_ho_so>|<ma_ho_so>F</ma_ho_so>|' -e 's| text="[^"]*"||; s| hocr="[^"]*"||' \
    -e 's|<ocr pdf="[^"]*"/>||' st3/F/dossier.xml
check "(the copy lists no OCR file)" [ -z "$(attr st3/F 1 text)" ]
expect_exit 0 "a re-run of an unlisted dossier succeeds" ocr-extract -v st3/F
contains "...without recognizing again" "$errout" "up to date"
check "...and lists the text" [ "$(attr st3/F 1 text)" = ocr/0001.txt ]
check "...and the PDF" [ "$(xmllint --xpath 'string(/dossier/ocr/@pdf)' st3/F/dossier.xml)" = ocr/dossier.pdf ]
check "...and validates" xmllint --noout --schema "$XSD/dossier.xsd" st3/F/dossier.xml

cp "$D/ocr/0001.txt" j2.txt
cp "$D/ocr/0002.txt" j2b.txt
touch -d 2000-01-01 "$D/ocr/dossier.pdf"
expect_exit 0 "--force with -j 1 recognizes again" ocr-extract -q --force -j 1 "$D"
check "--force rewrote the PDF" [ "$(find "$D/ocr/dossier.pdf" -newermt 2001-01-01)" ]
check "-j 1 and -j 2 give identical text files" cmp "$D/ocr/0001.txt" j2.txt
check "-j 1 and -j 2 give identical text files (page 2)" cmp "$D/ocr/0002.txt" j2b.txt

# --- a damaged page: that page fails, the rest is done ---
mkdir st2
cp -r "$D" st2/E
rm -r st2/E/ocr
sed -i 's|<ma_ho_so>D</ma_ho_so>|<ma_ho_so>E</ma_ho_so>|' st2/E/dossier.xml
head -c 3000 "$D/pages/0002.norm.tif" >st2/E/pages/0002.norm.tif
expect_exit 3 "a damaged page gives exit 3" ocr-extract -j 2 st2/E
contains "the message names the dossier and page" "$errout" "st2/E: page 2"
check "the good page is done" grep -q "KHAI SINH" st2/E/ocr/0001.txt
check "the damaged page has no text" [ ! -e st2/E/ocr/0002.txt ]
check "the damaged page lists no text" [ -z "$(attr st2/E 2 text)" ]
check "the good page lists its text" [ "$(attr st2/E 1 text)" = ocr/0001.txt ]
contains "the damaged page is marked failed" "$(attr st2/E 2 ocr_status)" "failed"
check "the good page is marked ok" [ "$(attr st2/E 1 ocr_status)" = ok ]
check "the PDF holds the good page" [ "$(pdfinfo st2/E/ocr/dossier.pdf | sed -n 's/^Pages: *//p')" = 1 ]
check "dossier.xml still validates" xmllint --noout --schema "$XSD/dossier.xsd" st2/E/dossier.xml

# --- missing language data ---
mkdir empty
expect_exit 5 "no language data gives exit 5" env TESSDATA_PREFIX="$PWD/empty" ocr-extract --force "$D"
contains "the message names the Debian package" "$errout" "tesseract-ocr-vie"
expect_exit 5 "--tessdata naming an empty directory gives exit 5" ocr-extract --tessdata empty -l vie+eng --force "$D"
contains "the message names both packages" "$errout" "tesseract-ocr-vie tesseract-ocr-eng"
check "a failed start leaves the dossier as it was" [ "$(attr "$D" 1 ocr_status)" = ok ]

# --- image files ---
expect_exit 0 "--text - prints an image's text" ocr-extract -l eng --text - "$TD/phototest.tif"
contains "the text is the page's" "$out" "quick brown dog"
expect_exit 0 "Vietnamese by default" ocr-extract "$TD/viet.tif"
contains "a word with diacritics comes out NFC" "$out" "$(printf 'ti\341\272\277ng')"
expect_exit 0 "--outdir writes NAME.txt, NAME.hocr, NAME.pdf" ocr-extract -l eng --outdir od "$TD/phototest.tif" "$TD/phototest-rotated-180.png"
check "od/phototest.txt holds the text" grep -q "lazy fox" od/phototest.txt
check "od/phototest.hocr is there" [ -s od/phototest.hocr ]
check "od/phototest-rotated-180.pdf is there" [ -s od/phototest-rotated-180.pdf ]
expect_exit 0 "--pdf and --hocr join several images" ocr-extract -l eng --pdf all.pdf --hocr all.hocr "$TD/phototest.tif" "$TD/viet.tif"
check "the joined PDF has two pages" [ "$(pdfinfo all.pdf | sed -n 's/^Pages: *//p')" = 2 ]
check "the joined hOCR has two pages" [ "$(grep -c "class='ocr_page'" all.hocr)" = 2 ]
expect_exit 3 "a page past --page-timeout fails with exit 3" ocr-extract -l eng --page-timeout 0.001 "$TD/phototest.tif"
contains "the message says the deadline stopped it" "$errout" "deadline"
expect_exit 3 "a damaged image fails with exit 3" ocr-extract -l eng --text t.txt "$FX/bad/truncated.png" "$TD/phototest.tif"
check "the good image's text is still written" grep -q "lazy fox" t.txt
expect_exit 2 "dossiers and images together are a usage error" ocr-extract "$D" "$TD/phototest.tif"
expect_exit 2 "--text with a dossier is a usage error" ocr-extract --text - "$D"
expect_exit 0 "a multipage TIFF is read page by page" ocr-extract -j 2 --text m.txt --pdf m.pdf "$FX/multi.tif"
check "its PDF has the three pages" [ "$(pdfinfo m.pdf | sed -n 's/^Pages: *//p')" = 3 ]
check "its text has the three pages, form feeds between" [ "$(tr -cd '\f' <m.txt | wc -c)" -eq 2 ]
check "its third page is the receipt" grep -q "TIẾP NHẬN" m.txt
