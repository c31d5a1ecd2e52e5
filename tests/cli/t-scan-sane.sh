# shellcheck shell=sh
# t-scan-sane.sh - scan-ingest --scan through SANE, with SANE's own "test" device enabled in a
# private SANE_CONFIG_DIR: its document feeder (10 pages), its flatbed (one page), colour and
# grey, and a feeder that jams in the middle of a batch (HOSO_SCAN_TEST_JAM_AFTER sets the test
# device's read status to JAMMED after N pages): what was scanned is kept, the message says which
# page to scan again.
. "$HOSO_TOP/tests/cli/lib.sh"
mkdir sane
echo test >sane/dll.conf
cat >sane/test.conf <<'CONF'
number_of_devices 1
mode Color
depth 8
resolution 75
test-picture "Color pattern"
CONF
SANE_CONFIG_DIR=$PWD/sane
export SANE_CONFIG_DIR

expect_exit 0 "--list-scanners" scan-ingest --list-scanners
contains "...names SANE's test device" "$out" "test:0"
expect_exit 2 "--source without --scan is a usage error" scan-ingest --source adf x.png
expect_exit 2 "--scan takes no inputs" scan-ingest --scan x.png
expect_exit 2 "a bad --mode is a usage error" scan-ingest --scan --mode sepia

expect_exit 0 "a feeder batch" scan-ingest -o st --dossier A --scan=test:0 --source adf --resolution 100
contains "...every page of the feeder" "$errout" "10 pages scanned"
contains "...the first stored as it came" "$errout" "page 1 -> dossier A (1 pages)"
contains "...the same picture again is a duplicate, said so" "$errout" "page 10: already in dossier A"
check "...the page kept in colour" [ "$(xmllint --xpath 'string(//page[1]/@colour)' st/A/dossier.xml)" = colour ]
check "...at the resolution scanned" [ "$(xmllint --xpath 'string(//page[1]/@dpi)' st/A/dossier.xml)" = 100 ]
check "...nothing left in the spool" [ -z "$(ls st/.scans)" ]
expect_exit 0 "ocr-extract makes its searchable PDF" ocr-extract -q st/A
check "...with the page in colour (seals and signatures matter to auditors)" \
    sh -c "pdfimages -list st/A/ocr/dossier.pdf | awk 'NR == 3 { c = \$6 } END { exit c != \"rgb\" }'"

expect_exit 0 "the flatbed gives one page" scan-ingest -o st --dossier B --scan --source flatbed --mode gray --resolution 100
contains "...one page" "$errout" "1 page scanned"
check "...grey" [ "$(xmllint --xpath 'string(//page[1]/@colour)' st/B/dossier.xml)" = grey ]

expect_exit 4 "a jam in the middle of a batch is an I/O error" \
    env HOSO_SCAN_TEST_JAM_AFTER=3 scan-ingest -o st --dossier C --scan=test:0 --source adf --resolution 100
contains "...saying what the scanner said" "$errout" "page 4: the scanner stopped: Document feeder jammed"
contains "...and which page to scan again" "$errout" "pages 1 to 3 are stored; scan page 4"
check "...the pages before it are stored" [ "$(xmllint --xpath 'string(/dossier/so_trang)' st/C/dossier.xml)" = 1 ]
expect_exit 4 "a jam after the first page" \
    env HOSO_SCAN_TEST_JAM_AFTER=1 scan-ingest -o st --dossier D --scan=test:0 --source adf --resolution 100
contains "...says to scan from page 2" "$errout" "pages 1 to 1 are stored; scan page 2"
expect_exit 4 "a scanner that is not there" scan-ingest -o st --dossier E --scan=nope:0
contains "...is named" "$errout" "scanner nope:0: cannot open"
