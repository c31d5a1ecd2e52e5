# shellcheck shell=sh
# t-scan-ingest.sh - scan-ingest from a clerk's point of view: batches, separators, rotation,
# skew, blank pages, archives, bad input, re-runs.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES
XSD=$HOSO_TOP/data/schema

# attr STORE CODE N NAME: attribute NAME of page N of a dossier
attr() {
	xmllint --xpath "string(/dossier/pages/page[@n=$3]/@$4)" "$1/$2/dossier.xml"
}
npages() { xmllint --xpath "count(/dossier/pages/page)" "$1/$2/dossier.xml"; }
# A store's content, minus the lock file: what a re-run must leave the same.

# --- the command line ---
expect_exit 0 "--help exits 0" scan-ingest --help
contains "--help shows the synopsis" "$out" "scan-ingest [OPTION]"
expect_exit 0 "--version exits 0" scan-ingest --version
contains "--version names the tool" "$out" "scan-ingest (hoso)"
expect_exit 2 "no input is a usage error" scan-ingest -o s0
expect_exit 2 "an unknown option is a usage error" scan-ingest --frobnicate x
expect_exit 2 "-j 0 is a usage error" scan-ingest -j 0 "$FX/form-ct01.png"
expect_exit 2 "a bad --channel is a usage error" scan-ingest --channel fax "$FX/form-ct01.png"
expect_exit 3 "an unsafe dossier code is bad input" scan-ingest -o s0 --dossier ../x "$FX/form-ct01.png"
check "an unsafe dossier code leaves no store" [ ! -e s0 ]

expect_exit 2 "a control character in --title is a usage error" scan-ingest -o s0 --dossier C --title "$(printf 'Hồ sơ\001x')" "$FX/form-ct01.png"
expect_exit 2 "an impossible --received date is a usage error" scan-ingest -o s0 --dossier C --received 2024-02-31 "$FX/form-ct01.png"
check "usage errors leave no store" [ ! -e s0 ]

# --- separator sheets ---
expect_exit 0 "a separator sheet is printed" scan-ingest --separator 000.17.22.H56-210531-0009 -o sheet.png
check "the sheet is an A4 300 dpi PNG" [ "$(identify -format '%w %h' sheet.png)" = "2480 3508" ]
run zbarimg -q --raw sheet.png
contains "the sheet's QR code carries HOSO:<code>" "$out" "HOSO:000.17.22.H56-210531-0009"
expect_exit 3 "no separator sheet for an unsafe code" scan-ingest --separator 'a/b' -o bad.png
check "nothing written for an unsafe code" [ ! -e bad.png ]

# --- a morning's batch with two separator sheets ---
expect_exit 0 "a batch with separators is ingested" scan-ingest -q -o st "$FX/batch"
check "the first separator starts dossier ...0001" [ -f st/000.17.22.H56-210531-0001/dossier.xml ]
check "the second separator starts dossier ...0002" [ -f st/000.17.22.H56-210531-0002/dossier.xml ]
check "only two dossiers were made" [ "$(find st -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 2 ]
check "dossier 1 has the two pages after its sheet" [ "$(npages st 000.17.22.H56-210531-0001)" = 2 ]
check "dossier 2 has the two pages after its sheet" [ "$(npages st 000.17.22.H56-210531-0002)" = 2 ]
check "dossier.xml validates against the XSD" \
	xmllint --noout --schema "$XSD/dossier.xsd" st/000.17.22.H56-210531-0001/dossier.xml st/000.17.22.H56-210531-0002/dossier.xml
check "the noisy blank page is flagged blank" [ "$(attr st 000.17.22.H56-210531-0002 2 blank)" = true ]
check "text pages are not flagged blank" [ "$(attr st 000.17.22.H56-210531-0001 1 blank)$(attr st 000.17.22.H56-210531-0001 2 blank)$(attr st 000.17.22.H56-210531-0002 1 blank)" = falsefalsefalse ]
d1=st/000.17.22.H56-210531-0001
check "the original is stored byte for byte" cmp "$d1/$(attr st 000.17.22.H56-210531-0001 1 file)" "$FX/batch/002-form-khai-sinh.png"
check "sha256 is that of the original" [ "$(attr st 000.17.22.H56-210531-0001 1 sha256)" = "$(sha256sum <"$FX/batch/002-form-khai-sinh.png" | cut -d' ' -f1)" ]
check "a JPEG keeps its .jpg name" [ "$(attr st 000.17.22.H56-210531-0001 2 file)" = pages/0002.jpg ]
check "the normalized page is a TIFF" [ "$(identify -format '%m' "$d1/pages/0001.norm.tif")" = TIFF ]
check "the dossier code gives the unit" [ "$(xmllint --xpath 'string(/dossier/ma_don_vi)' $d1/dossier.xml)" = 000.17.22.H56 ]
check "the dossier code gives the date received" [ "$(xmllint --xpath 'string(/dossier/ngay_tiep_nhan)' $d1/dossier.xml)" = 2021-05-31 ]
check "no temporary files are left" [ -z "$(find st -name '.*.tmp.*')" ]

before=$(fingerprint st)
expect_exit 0 "running the same batch again succeeds" scan-ingest -o st --xml rerun.xml "$FX/batch"
check "the re-run adds no page" [ "$(xmllint --xpath 'string(/ingest/@pages)' rerun.xml)" = 0 ]
check "the re-run counts 4 duplicates" [ "$(xmllint --xpath 'string(/ingest/@duplicates)' rerun.xml)" = 4 ]
check "the summary XML validates" xmllint --noout --schema "$XSD/ingest-summary.xsd" rerun.xml
check "the re-run leaves the store as it was" [ "$before" = "$(fingerprint st)" ]

# --- rotation and skew ---
expect_exit 0 "rotated and skewed pages are ingested" \
	scan-ingest -q -o rs --dossier R "$FX/form-khai-sinh.png" "$FX/rot90.png" "$FX/rot180.png" "$FX/rot270.png" "$FX/skew3.png"
check "an upright page is not turned" [ "$(attr rs R 1 rotation)" = 0 ]
check "a page scanned 90 deg clockwise is turned 270" [ "$(attr rs R 2 rotation)" = 270 ]
check "a page scanned upside down is turned 180" [ "$(attr rs R 3 rotation)" = 180 ]
check "a page scanned 270 deg clockwise is turned 90" [ "$(attr rs R 4 rotation)" = 90 ]
skew=$(attr rs R 5 skew)
check "a 3 deg skew is measured within 0.3 deg ($skew)" awk -v s="$skew" 'BEGIN { s = s < 0 ? -s : s; exit !(s >= 2.7 && s <= 3.3) }'
check "an upright page gets the same size back" [ "$(identify -format '%w %h' rs/R/pages/0003.norm.tif)" = "2480 3508" ]

# --- formats ---
expect_exit 0 "TIFF, JPEG, PNM and PNG pages are ingested" \
	scan-ingest -q -o fm --dossier F "$FX/ct01.jpg" "$FX/ct01.pnm" "$FX/ct01-bw.tif" "$FX/ct01-lzw.tif" "$FX/multi.tif"
check "a 3-page TIFF gives 3 pages (7 in all)" [ "$(npages fm F)" = 7 ]
check "pages of a multipage TIFF remember their page number" [ "$(attr fm F 7 source_page)" = 3 ]
check "a 1-bit page stays black and white" [ "$(attr fm F 3 colour)" = bw ]
check "a colour JPEG stays colour" [ "$(attr fm F 1 colour)" = colour ]
check "a split G4 page keeps its G4 coding" [ "$(identify -format '%C' fm/F/pages/0005.tif)" = Group4 ]
check "a split JPEG page keeps its JPEG coding" [ "$(identify -format '%C' fm/F/pages/0007.tif)" = JPEG ]
check "the split pages have the original pixels" [ "$(compare -metric AE fm/F/pages/0006.tif "$FX/multi.tif[1]" null: 2>&1)" = 0 ]

# --- PDF scans ---
expect_exit 0 "a scanned PDF is ingested page by page" scan-ingest -q -o pdf --dossier P "$FX/scan.pdf"
check "both pages of the PDF are stored" [ "$(npages pdf P)" = 2 ]
check "the CCITT page comes out as a G4 TIFF" [ "$(identify -format '%C' pdf/P/pages/0001.tif)" = Group4 ]
check "the CCITT page has the scanned pixels" [ "$(compare -metric AE pdf/P/pages/0001.tif "$FX/multi.tif[0]" null: 2>&1)" = 0 ]
check "the JPEG page comes out as the JPEG it is" [ "$(attr pdf P 2 file)" = pages/0002.jpg ]
check "PDF pages remember their page number" [ "$(attr pdf P 2 source_page)" = 2 ]

# --- archives, read in place ---
for a in scans.zip scans.tar.gz scans.7z; do
	expect_exit 0 "$a is read in place" scan-ingest -q -o "ar-$a" "$FX/$a"
	check "$a gives the same two dossiers" [ "$(find "ar-$a" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 2 ]
	check "$a members are named archive:member" [ "$(attr "ar-$a" 000.17.22.H56-210531-0001 1 source)" = "$FX/$a:scans/002-form-khai-sinh.png" ]
done
mkdir hz && cd hz || exit 1
expect_exit 3 "a hostile archive stores its good members and rejects the rest" scan-ingest -o st --dossier H "$FX/hostile.zip"
contains "the symlink member is named in the error" "$errout" "hostile.zip:"
check "member names never become paths" sh -c '[ ! -e ../evil.png ] && [ ! -e /abs.png ] && [ ! -e evil.png ]'
check "a ../ member is only a label" [ "$(xmllint --xpath "count(/dossier/pages/page[@source='$FX/hostile.zip:../../evil.png'])" st/H/dossier.xml)" = 1 ]
cd .. || exit 1

# --- stdin list ---
printf '%s\n' "$FX/form-ct01.png" "" "$FX/form-tiep-nhan.png" >list.txt
expect_exit 0 "'-' reads paths from standard input" sh -c "scan-ingest -q -o sl --dossier S - <list.txt"
check "both listed files are stored" [ "$(npages sl S)" = 2 ]

# --- blank pages ---
expect_exit 0 "--drop-blank drops blank pages" scan-ingest -o db --dossier B --drop-blank --xml db.xml \
	"$FX/blank-white.png" "$FX/blank-noisy.png" "$FX/blank-grey.jpg" "$FX/form-ct01.png"
check "only the text page is stored" [ "$(npages db B)" = 1 ]
check "the three blank pages are counted as dropped" [ "$(xmllint --xpath 'string(/ingest/@dropped_blank)' db.xml)" = 3 ]

# --- pages with no dossier ---
expect_exit 3 "pages before the first separator without --dossier are rejected" scan-ingest -o nd "$FX/form-ct01.png"
contains "the rejected page is named" "$errout" "form-ct01.png"
check "nothing entered the store" [ -z "$(ls nd 2>/dev/null)" ]

# --- bad input ---
for f in empty.tif truncated.png truncated.tif notimage.tif bomb.png garbage.jpg; do
	expect_exit 3 "bad input $f gives exit 3" scan-ingest -o bad --dossier X "$FX/bad/$f"
	contains "the error names $f" "$errout" "$f"
done
check "bad input leaves a clean store" [ -z "$(ls bad 2>/dev/null)" ]
expect_exit 3 "a batch goes on past a bad file" scan-ingest -o mixed --dossier M "$FX/bad/truncated.png" "$FX/form-ct01.png" "$FX/bad/empty.tif"
check "the good page after a bad one is stored" [ "$(npages mixed M)" = 1 ]
expect_exit 3 "a missing file is bad input" scan-ingest -o miss --dossier M /nonexistent/scan.tif
contains "the missing file is named" "$errout" "/nonexistent/scan.tif"

mkfifo fifo.png
expect_exit 3 "a FIFO among the inputs is rejected and the batch goes on" scan-ingest -o ff --dossier F fifo.png "$FX/form-ct01.png"
check "the page after the FIFO is stored" [ "$(npages ff F)" = 1 ]

# --- separator sheets that cannot be used ---
mkdir badsep
cp "$FX/sep-A.png" badsep/1.png
cp "$FX/form-ct01.png" badsep/2.png
qrencode -s 20 -m 4 -o badsep/3.png 'HOSO:not a code/..'
cp "$FX/form-tiep-nhan.png" badsep/4.png
expect_exit 3 "a separator with an unusable code is rejected" scan-ingest -o bs badsep
contains "the bad sheet is named" "$errout" "badsep/3.png"
contains "the page after it is rejected, not filed in the previous dossier" "$errout" "badsep/4.png"
check "the dossier before the bad sheet keeps only its own page" [ "$(npages bs 000.17.22.H56-210531-0001)" = 1 ]

# --- the store is not ours to clobber ---
mkdir -p home/Docs/pages
echo precious >home/Docs/pages/photo.jpg
echo notes >home/Docs/notes.txt
expect_exit 4 "a folder with the dossier's name but not a dossier stops the batch" scan-ingest -o home --dossier Docs "$FX/form-ct01.png"
contains "the message names the folder" "$errout" "home/Docs"
# shellcheck disable=SC2016 # the inner shell expands it
check "nothing in that folder was touched" sh -c '[ "$(cat home/Docs/pages/photo.jpg)" = precious ] && [ -f home/Docs/notes.txt ] && [ ! -e home/Docs/.lock ] && [ ! -e home/Docs/dossier.xml ]'
echo "a file" >notadir
expect_exit 4 "a store path that is a file is a system error, not bad input" scan-ingest -o notadir --dossier N "$FX/form-ct01.png"

# --- workers do not change the result ---
expect_exit 0 "-j 1 ingests the batch" env SOURCE_DATE_EPOCH=1790000000 scan-ingest -q -j 1 -o j1 "$FX/batch" "$FX/multi.tif"
expect_exit 0 "-j 3 ingests the batch" env SOURCE_DATE_EPOCH=1790000000 scan-ingest -q -j 3 -o j3 "$FX/batch" "$FX/multi.tif"
# shellcheck disable=SC2016 # the inner shell expands it
check "-j 1 and -j 3 make byte-identical, non-empty stores" sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' - "$(fingerprint j1)" "$(fingerprint j3)"

echo "# $n_case cases"
