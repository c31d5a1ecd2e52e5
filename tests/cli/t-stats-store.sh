# shellcheck shell=sh
# t-stats-store.sh - stats --store: the work of scan-ingest, ocr-extract and sign-pack counted per
# unit and month, a store dossier matched to its register row by code, in every output format.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES
UNITS=$TESTDATA/units-vinh-phuc-2024.csv
XSD=$HOSO_TOP/data/schema

# A small store made by scan-ingest from the fixtures:
#  08707-250305-0001  unit and date from its code, 2 pages (one blank), page 1 OCR'd at 80
#  X1                 also in the register (unit 08710, online): 1 page OCR'd at 91,
#                     ocr/fields.xml with 2 fields to review, a signed archive X1.asice
#  08707-250410-0002  April: outside the period
#  ZZ                 no unit, no date, not in the register: in no row
scan-ingest -q -j 1 -o st --dossier 08707-250305-0001 "$FX/form-ct01.png" "$FX/blank-white.png" &&
	scan-ingest -q -j 1 -o st --dossier X1 --received 2025-03-20 "$FX/form-tiep-nhan.png" &&
	scan-ingest -q -j 1 -o st --dossier 08707-250410-0002 "$FX/skew3.png" &&
	scan-ingest -q -j 1 -o st --dossier ZZ "$FX/noisy.png"
check "scan-ingest makes the store" [ -f st/X1/dossier.xml ]
# What ocr-extract records for a page (hoso-store(5)), set here without running Tesseract.
sed -i 's|<page n="1" |<page n="1" ocr_status="ok" ocr_confidence="80" |' st/08707-250305-0001/dossier.xml
sed -i 's|<page n="1" |<page n="1" ocr_status="ok" ocr_confidence="91" |' st/X1/dossier.xml
sed -i 's|<page n="1" |<page n="1" ocr_status="ok" ocr_confidence="50" |' st/08707-250410-0002/dossier.xml
mkdir st/X1/ocr
printf '<fields><field name="a" review="true"/><field name="b" review="false"/><group><field name="c" review="true"/></group></fields>\n' >st/X1/ocr/fields.xml
echo signed >X1.asice
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nX1,08710,2,2025-03-20\nY,08707,1,2025-03-02\n' >r.csv

# col FILE ROWKEY COLUMN: the cell of COLUMN in the CSV row whose first cell is ROWKEY
col() {
	python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    if r[next(iter(r))] == sys.argv[2]:
        print(r[sys.argv[3]])' "$@"
}

expect_exit 0 "--store with a register" stats -r r.csv -u "$UNITS" --month 2025-03 --direct --store st -f csv -o s.csv
contains "a dossier with no unit or date is reported, not counted" "$errout" "1 store dossiers have no unit or date"
contains "the matched dossiers are counted" "$errout" "4 store dossiers read, 1 of them matched in a register"
check "the store's columns come after the rates" \
	[ "$(head -n 1 s.csv | sed 's/.*signed_rate,//')" = "scanned,pages,blank_pages,ocr_pages,ocr_confidence,review_fields,archives_signed,reused,reuse_rate" ]
check "unit and date from the code: 1 dossier, 2 pages, 1 blank" \
	[ "$(col s.csv 08707 scanned),$(col s.csv 08707 pages),$(col s.csv 08707 blank_pages)" = "1,2,1" ]
check "OCR'd pages and their mean confidence" [ "$(col s.csv 08707 ocr_pages),$(col s.csv 08707 ocr_confidence)" = "1,80.0" ]
check "a store dossier in the register counts under the register's unit" [ "$(col s.csv 08710 scanned)" = 1 ]
check "fields to review are read from ocr/fields.xml" [ "$(col s.csv 08710 review_fields)" = 2 ]
check "an archive <code>.asice next to the store is a signed archive" [ "$(col s.csv 08710 archives_signed)" = 1 ]
check "the total's confidence is the mean over its pages" [ "$(col s.csv TOTAL ocr_confidence)" = 85.5 ]
check "the April dossier is outside March" [ "$(col s.csv TOTAL pages)" = 3 ]

mkdir arch
expect_exit 0 "--archives names another directory" stats -q -r r.csv -u "$UNITS" --month 2025-03 --store st --archives arch -f csv -o a.csv
check "no archive there: none signed" [ "$(col a.csv TOTAL archives_signed)" = 0 ]
expect_exit 0 "--store alone, by month" stats -q -u "$UNITS" --from 2025-03-01 --to 2025-04-30 --by month --store st -f csv -o m.csv
check "each month has its own dossiers" [ "$(col m.csv 2025-03 scanned),$(col m.csv 2025-04 scanned)" = "1,1" ]
check "without a register a dossier takes the date of its dossier.xml" [ "$(col m.csv 2025-04 ocr_confidence)" = 50.0 ]
expect_exit 0 "--store in XML" stats -q -r r.csv -u "$UNITS" --month 2025-03 --store st -f xml -o s.xml
check "the XML report with the store's counts validates against stats.xsd" xmllint --noout --schema "$XSD/stats.xsd" s.xml
expect_exit 0 "--store in JSON" stats -q -r r.csv -u "$UNITS" --month 2025-03 --store st -f json -o s.json
check "the JSON report has the store's counts" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["total"]["review_fields"] == 2 and d["total"]["ocr_confidence"] == 85.5' s.json
expect_exit 0 "--store in text" stats -r r.csv -u "$UNITS" --month 2025-03 --store st
contains "the text table has the store's columns" "$out" "Fields to review"
expect_exit 0 "--store in HTML" stats -q -r r.csv -u "$UNITS" --month 2025-03 --store st -f html -o s.html
check "the HTML report is well-formed XHTML-ish HTML" xmllint --html --noout s.html
contains "its table has a band for the store" "$(cat s.html)" "In the dossier store</th>"
# The cell under each store column (data-col), in the TOTAL row (tfoot): column k of the row.
htcol() {
	python3 - "$1" "$2" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
cols = re.findall(r'data-col="([a-z_]+)"', h.split("<tbody>")[0])
foot = h.split("<tfoot>")[1].split("</tfoot>")[0]
cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", foot)
print(cells[cols.index(sys.argv[2])] if sys.argv[2] in cols else "missing")
PY
}
check "the TOTAL row's pages, confidence and fields to review" \
	[ "$(htcol s.html pages),$(htcol s.html ocr_confidence),$(htcol s.html review_fields)" = "3,85.5,2" ]
expect_exit 0 "HTML without --store" stats -q -r r.csv -u "$UNITS" --month 2025-03 -f html -o n.html
lacks "...has no store band" "$(cat n.html)" "In the dossier store"
expect_exit 0 "without --store no store column" stats -r r.csv -u "$UNITS" --month 2025-03 -f csv
lacks "without --store the columns are the spec's" "$out" "scanned"

# A broken dossier.xml is reported and skipped; the rest is counted.
mkdir st/BROKEN && echo '<dossier' >st/BROKEN/dossier.xml
expect_exit 0 "a broken dossier.xml does not stop the report" stats -r r.csv -u "$UNITS" --month 2025-03 --store st -f csv -o b.csv
contains "the broken file is named" "$errout" "st/BROKEN/dossier.xml"
check "the others are still counted" [ "$(col b.csv TOTAL pages)" = 3 ]
expect_exit 3 "a missing store is bad input" stats -r r.csv --month 2025-03 --store nothere
expect_exit 2 "--archives without --store is a usage error" stats -r r.csv --month 2025-03 --archives arch

# Reuse: a dossier whose page is the very file (sha256) another dossier ingested before it
# reused that paper (lookup found it, scan-ingest took it from the store); a new scan is not.
SOURCE_DATE_EPOCH=1741000000 scan-ingest -q -o ru --dossier 08707-250301-0001 "$FX/form-ct01.png" &&
	SOURCE_DATE_EPOCH=1741100000 scan-ingest -q -o ru --dossier 08707-250302-0002 \
	    ru/08707-250301-0001/pages/0001.png "$FX/form-tiep-nhan.png" &&
	SOURCE_DATE_EPOCH=1741200000 scan-ingest -q -o ru --dossier 08707-250303-0003 "$FX/skew3.png" &&
	SOURCE_DATE_EPOCH=1741300000 scan-ingest -q -o ru --dossier 08707-250304-0004 "$FX/skew3.png"
check "a store with a paper taken again from it" [ -f ru/08707-250304-0004/dossier.xml ]
expect_exit 0 "--store counts the dossiers that reused a paper" stats -q -u "$UNITS" --month 2025-03 --store ru -f csv -o ru.csv
check "...two of four: the copy from the store, and the same file given again" [ "$(col ru.csv TOTAL reused)" = 2 ]
check "...the reuse rate per 100 dossiers scanned" [ "$(col ru.csv TOTAL reuse_rate)" = 50.0 ]
SOURCE_DATE_EPOCH=1741000000 scan-ingest -q -o ru2 --dossier 08707-250301-0001 "$FX/form-ct01.png" &&
	SOURCE_DATE_EPOCH=1741000000 scan-ingest -q -o ru2 --dossier 08707-250302-0002 "$FX/form-ct01.png"
expect_exit 0 "the same file in two dossiers of the same moment" stats -q -u "$UNITS" --month 2025-03 --store ru2 -f csv -o ru2.csv
check "...is no reuse (neither was there before)" [ "$(col ru2.csv TOTAL reused)" = 0 ]
expect_exit 0 "reuse in XML" stats -q -u "$UNITS" --month 2025-03 --store ru -f xml -o ru.xml
# shellcheck disable=SC2016 # $1 is the sh -c script's
check "...valid by stats.xsd, with reused and reuse_rate" sh -c 'xmllint --noout --schema "$1" ru.xml 2>/dev/null && grep -q "reused=\"2\" reuse_rate=\"50.0\"" ru.xml' - "$XSD/stats.xsd"
echo "# $n_case cases"
