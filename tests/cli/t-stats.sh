# shellcheck shell=sh
# t-stats.sh - stats on generated registers: counts equal an independent SQL computation of
# specs/register-csv.md with sqlite3, the spec's invariants hold, errors name file:line.
. "$HOSO_TOP/tests/cli/lib.sh"
UNITS=$TESTDATA/units-vinh-phuc-2024.csv
GEN=$HOSO_TOP/scripts/gen-register
XSD=$HOSO_TOP/data/schema

# canon FILE: the CSV rows of FILE, one per line, cells joined by '|' (quoting made neutral).
canon() {
	python3 -c 'import csv, sys
for r in csv.reader(open(sys.argv[1], encoding="utf-8", newline="")):
    print("|".join(c.replace("\n", "\\n") for c in r))' "$1"
}

# load DB FILE...: the registers into table raw (header from the file, trimmed and lowercased),
# in input order, and the units file into table units.
load() {
	db=$1
	shift
	rm -f "$db"
	cols=$(head -n 1 "$1" | sed 's/^\xef\xbb\xbf//; s/\r$//' | tr -d ' ' | tr '[:upper:]' '[:lower:]')
	sqlite3 "$db" "CREATE TABLE raw($cols);" \
		"CREATE TABLE units(code,name,level,parent,valid_from,valid_to,successor);" \
		'.mode csv' ".import --skip 1 $UNITS units" || return 1
	for f in "$@"; do sqlite3 "$db" '.mode csv' ".import --skip 1 $f raw" || return 1; done
}

# sql FROM TO BY DIRECT ASOF: the report of the spec as one SQL query, written from the spec.
sql() {
	F=$1 T=$2 by=$3 direct=$4 asof=$5
	nfd_co=$(printf 'co\314\201')
	cat <<SQL
CREATE TEMP VIEW last AS SELECT * FROM raw WHERE rowid IN (SELECT max(rowid) FROM raw GROUP BY trim(ma_ho_so));
CREATE TEMP VIEW d AS SELECT
  trim(ma_don_vi) AS unit,
  CASE WHEN trim(linh_vuc) = '' THEN '(không xác định)' ELSE trim(linh_vuc) END AS field,
  lower(trim(kenh)) IN ('truc_tuyen', '2') AS online,
  lower(trim(muc_do)) IN ('toan_trinh', '4') AS full,
  $(for c in ngay_tiep_nhan:r ngay_hen_tra:u ngay_ket_thuc:x; do
	echo "CASE WHEN trim(${c%:*}) = '' THEN NULL WHEN substr(${c%:*}, 3, 1) = '/' THEN substr(${c%:*}, 7, 4) || '-' || substr(${c%:*}, 4, 2) || '-' || substr(${c%:*}, 1, 2) ELSE substr(${c%:*}, 1, 10) END AS ${c#*:},"
  done)
  $(for c in so_hoa_ho_so:shs so_hoa_ket_qua:skq thanh_toan_truc_tuyen:tt ky_so:ks; do
	echo "lower(trim(${c%:*})) IN ('1', 'true', 'có', '$nfd_co') AS ${c#*:},"
  done)
  0 AS dummy
FROM last;
-- The unit valid on the date received, then (--as-of) the unit that stands for it on ASOF:
-- follow the successor, or when there is none go up to the parent, until one is valid.
CREATE TEMP VIEW att AS SELECT d.*, u.rowid AS uid FROM d JOIN units u ON u.code = d.unit
  AND (u.valid_from = '' OR u.valid_from <= d.r) AND (u.valid_to = '' OR d.r <= u.valid_to);
CREATE TEMP TABLE asof AS WITH RECURSIVE m(start, cur, n) AS (
  SELECT rowid, rowid, 0 FROM units
  UNION ALL
  SELECT m.start, (SELECT rowid FROM units WHERE code = CASE WHEN u.successor <> '' THEN u.successor ELSE u.parent END), m.n + 1
  FROM m JOIN units u ON u.rowid = m.cur
  WHERE '$asof' <> '' AND u.valid_to <> '' AND u.valid_to < '$asof' AND m.n < 50)
SELECT start, cur FROM m WHERE n = (SELECT max(n) FROM m m2 WHERE m2.start = m.start);
CREATE TEMP VIEW att2 AS SELECT att.*, asof.cur AS au FROM att JOIN asof ON asof.start = att.uid;
-- Ancestors (a unit is its own ancestor) for the roll-up.
CREATE TEMP TABLE anc AS WITH RECURSIVE a(uid, anc) AS (
  SELECT rowid, rowid FROM units
  UNION ALL
  SELECT a.uid, p.rowid FROM a JOIN units c ON c.rowid = a.anc JOIN units p ON p.code = c.parent)
SELECT * FROM a;
-- Periods: the whole one, or each month cut to it.
CREATE TEMP TABLE per AS WITH RECURSIVE mo(m) AS (
  SELECT substr('$F', 1, 7) UNION ALL
  SELECT substr(date(m || '-01', '+1 month'), 1, 7) FROM mo WHERE m < substr('$T', 1, 7))
SELECT m AS month, max('$F', m || '-01') AS f, min('$T', date(m || '-01', '+1 month', '-1 day')) AS t FROM mo
UNION ALL SELECT 'ALL', '$F', '$T';
CREATE TEMP VIEW c AS SELECT att2.*, p.month, p.f, p.t,
  (r BETWEEN p.f AND p.t) AS rec,
  (r < p.f AND (x IS NULL OR x >= p.f)) AS carried,
  (x BETWEEN p.f AND p.t) AS res,
  (r <= p.t AND (x IS NULL OR x > p.t)) AS pend
FROM att2, per p;
CREATE TEMP VIEW g AS SELECT c.*, $(
	if echo "$by" | grep -q unit; then
		if [ "$direct" = 1 ]; then echo "au AS gu"; else echo "anc.anc AS gu"; fi
	else echo "NULL AS gu"; fi) FROM c $(
	if echo "$by" | grep -q unit && [ "$direct" != 1 ]; then echo "JOIN anc ON anc.uid = c.au"; fi)
  WHERE (month = 'ALL') = ('$by' NOT LIKE '%month%');
CREATE TEMP VIEW counts AS SELECT gu,
  $(if echo "$by" | grep -q level; then echo "(SELECT level FROM units WHERE rowid = g.au) AS lv,"; else echo "NULL AS lv,"; fi)
  $(if echo "$by" | grep -q field; then echo "field AS fd,"; else echo "NULL AS fd,"; fi)
  $(if echo "$by" | grep -q month; then echo "month AS mo,"; else echo "NULL AS mo,"; fi)
  sum(rec) AS received, sum(rec AND online) AS online, sum(rec AND NOT online) AS paper,
  sum(carried) AS carried_over, sum(res) AS resolved,
  sum(res AND u IS NOT NULL AND x < u) AS early, sum(res AND (u IS NULL OR x = u)) AS on_time,
  sum(res AND u IS NOT NULL AND x > u) AS late, sum(pend) AS pending,
  sum(pend AND (u IS NULL OR u > t)) AS in_time, sum(pend AND u <= t) AS overdue,
  sum(rec AND shs) AS digitized, sum(res AND skq) AS digitized_results, sum(rec AND tt) AS paid_online,
  sum(res AND ks) AS signed, sum(rec AND online AND full) AS end_to_end
FROM g GROUP BY 1, 2, 3, 4 HAVING sum(rec) + sum(carried) > 0;
SQL
}

# report FROM TO BY DIRECT ASOF: the CSV the spec asks for, from the views above.
report() {
	F=$1 T=$2 by=$3 direct=$4 asof=$5
	sql "$@"
	gcols="" tcols=""
	if echo "$by" | grep -q unit; then
		gcols="$gcols (SELECT code FROM units WHERE rowid = gu) AS unit, (SELECT name FROM units WHERE rowid = gu) AS unit_name,"
		tcols="$tcols 'TOTAL', 'TOTAL',"
	fi
	if echo "$by" | grep -q level; then
		gcols="$gcols coalesce(lv, (SELECT level FROM units WHERE rowid = gu)) AS level,"
		tcols="$tcols 'TOTAL',"
	fi
	echo "$by" | grep -q field && gcols="$gcols fd AS field," && tcols="$tcols 'TOTAL',"
	echo "$by" | grep -q month && gcols="$gcols mo AS month," && tcols="$tcols 'TOTAL',"
	# Plain --by unit lists, with zeros, every unit valid in the period (on ASOF) of a province with counts.
	zero=""
	if [ "$by" = unit ] && [ "$direct" != 1 ]; then
		zero="UNION ALL SELECT rowid, NULL, NULL, NULL, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 FROM units u WHERE rowid NOT IN (SELECT gu FROM counts)
		  AND (CASE WHEN '$asof' <> '' THEN (valid_from = '' OR valid_from <= '$asof') AND (valid_to = '' OR valid_to >= '$asof')
		       ELSE (valid_from = '' OR valid_from <= '$T') AND (valid_to = '' OR valid_to >= '$F') END)
		  AND (SELECT anc FROM anc WHERE uid = u.rowid AND anc IN (SELECT rowid FROM units WHERE parent = '')) IN
		      (SELECT anc FROM anc WHERE uid IN (SELECT gu FROM counts) AND anc IN (SELECT rowid FROM units WHERE parent = ''))"
	fi
	rates="CASE WHEN received = 0 THEN '' ELSE ((online * 2000 + received) / (2 * received) / 10) || '.' || ((online * 2000 + received) / (2 * received) % 10) END AS online_rate,
	  CASE WHEN received = 0 THEN '' ELSE ((digitized * 2000 + received) / (2 * received) / 10) || '.' || ((digitized * 2000 + received) / (2 * received) % 10) END AS digitization_rate,
	  CASE WHEN resolved = 0 THEN '' ELSE (((early + on_time) * 2000 + resolved) / (2 * resolved) / 10) || '.' || (((early + on_time) * 2000 + resolved) / (2 * resolved) % 10) END AS on_time_rate,
	  CASE WHEN resolved = 0 THEN '' ELSE ((signed * 2000 + resolved) / (2 * resolved) / 10) || '.' || ((signed * 2000 + resolved) / (2 * resolved) % 10) END AS signed_rate"
	list="received, online, paper, carried_over, resolved, early, on_time, late, pending, in_time, overdue, digitized, digitized_results, paid_online, signed, end_to_end"
	cat <<SQL
.headers on
.mode csv
SELECT $gcols $list, $rates FROM (SELECT * FROM counts $zero) ORDER BY gu,
  CASE lv WHEN 'tinh' THEN 1 WHEN 'huyen' THEN 2 WHEN 'xa' THEN 3 END, fd, mo;
.headers off
SELECT $tcols $list, $rates FROM (SELECT
  coalesce(sum(rec), 0) AS received, coalesce(sum(rec AND online), 0) AS online, coalesce(sum(rec AND NOT online), 0) AS paper,
  coalesce(sum(carried), 0) AS carried_over, coalesce(sum(res), 0) AS resolved,
  coalesce(sum(res AND u IS NOT NULL AND x < u), 0) AS early, coalesce(sum(res AND (u IS NULL OR x = u)), 0) AS on_time,
  coalesce(sum(res AND u IS NOT NULL AND x > u), 0) AS late, coalesce(sum(pend), 0) AS pending,
  coalesce(sum(pend AND (u IS NULL OR u > t)), 0) AS in_time, coalesce(sum(pend AND u <= t), 0) AS overdue,
  coalesce(sum(rec AND shs), 0) AS digitized, coalesce(sum(res AND skq), 0) AS digitized_results,
  coalesce(sum(rec AND tt), 0) AS paid_online, coalesce(sum(res AND ks), 0) AS signed,
  coalesce(sum(rec AND online AND full), 0) AS end_to_end FROM c WHERE month = 'ALL');
SQL
}

# --- the differential test: stats against sqlite3, several seeds, groupings and periods ---
# Two overlapping exports: the second repeats the first rows with changed values (last wins).
# Seed 3's are past 4096 rows, where the table is sized from the bytes per row.
for seed in 1 2 3; do
	n=1500
	[ $seed = 3 ] && n=4200
	"$GEN" --units "$UNITS" --seed $seed --rows $n >a$seed.csv
	"$GEN" --units "$UNITS" --seed $seed --rows $((n + 500)) --variant $seed >b$seed.csv
	load db$seed a$seed.csv b$seed.csv || fail "seed $seed: sqlite3 loads the registers"
	for case in "2024-12-01 2024-12-31 unit 0 -" "2025-05-01 2025-07-31 unit 0 -" \
		"2025-01-01 2025-03-31 unit 1 -" "2025-02-01 2025-04-30 level 0 -" \
		"2024-11-15 2025-02-14 field 0 -" "2025-01-01 2025-06-30 month 0 -" \
		"2025-03-01 2025-05-31 unit,month 0 -" "2025-04-10 2025-04-10 level,field 0 -" \
		"2025-06-01 2025-08-31 unit 0 2025-07-01" "2025-01-01 2025-08-31 unit,field 1 2025-07-01"; do
		# shellcheck disable=SC2086 # the case is split on purpose
		set -- $case
		asof=$5
		[ "$asof" = - ] && asof=""
		direct=""
		[ "$4" = 1 ] && direct=--direct
		report "$1" "$2" "$3" "$4" "$asof" | sqlite3 db$seed >want.csv 2>sql.err
		# shellcheck disable=SC2086
		stats -q -r a$seed.csv -r b$seed.csv -u "$UNITS" --from "$1" --to "$2" --by "$3" $direct \
			${asof:+--as-of "$asof"} --format csv -o got.csv
		if [ -s want.csv ] && [ "$(canon got.csv)" = "$(canon want.csv)" ]; then
			pass "seed $seed, $1..$2, --by $3${direct:+ --direct}${asof:+ --as-of $asof}: stats = sqlite3"
		else
			fail "seed $seed, $1..$2, --by $3${direct:+ --direct}${asof:+ --as-of $asof}: stats = sqlite3" \
				"$(cat sql.err)" "$(canon got.csv | diff - "$(canon want.csv >w.txt; echo w.txt)" | head -n 20)"
		fi
	done
done

# The invariants of the spec on every row of every report above (the last one is enough to read).
for seed in 1 2 3; do
	stats -q -r a$seed.csv -r b$seed.csv -u "$UNITS" --from 2025-01-01 --to 2025-06-30 --by unit,month \
		--format csv -o inv.csv
	bad=$(python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
for r in rows:
    n = {k: int(v) for k, v in r.items() if v.isdigit() and k not in ("unit", "month")}
    if (n["received"] != n["online"] + n["paper"] or
        n["resolved"] != n["early"] + n["on_time"] + n["late"] or
        n["pending"] != n["in_time"] + n["overdue"] or
        n["carried_over"] + n["received"] != n["resolved"] + n["pending"]):
        print(r)
print(len(rows), file=sys.stderr)' inv.csv 2>/dev/null)
	check "seed $seed: the invariants hold on every row" [ -z "$bad" ]
done

# --- -j reads files in parallel and merges them in order: the same report as -j 1 ---
for u in "-u $UNITS" ""; do
	# shellcheck disable=SC2086 # $u is one option and its argument, or nothing
	stats -q -j 1 $u -r a1.csv -r b1.csv -r a2.csv -r b2.csv --from 2025-01-01 --to 2025-06-30 \
		--by unit,field --format csv -o j1.csv
	# shellcheck disable=SC2086
	stats -q -j 2 $u -r a1.csv -r b1.csv -r a2.csv -r b2.csv --from 2025-01-01 --to 2025-06-30 \
		--by unit,field --format csv -o j2.csv
	check "-j 2 gives the report of -j 1 (last wins across files${u:+, units file})" cmp j1.csv j2.csv
done
expect_exit 0 "-j 1 counts duplicates" stats -j 1 -r a1.csv -r b1.csv --month 2025-01
dups1=$(echo "$errout" | grep 'duplicate rows')
expect_exit 0 "-j 2 counts duplicates" stats -j 2 -r a1.csv -r b1.csv --month 2025-01
same_dups() {
	[ -n "$dups1" ] && [ "$(echo "$errout" | grep 'duplicate rows')" = "$dups1" ] &&
		[ "$(echo "$dups1" | tr -dc 0-9)" -ge 1500 ]
}
check "-j 2 counts as many duplicates as -j 1 (at least the 1500 repeated rows)" same_dups
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nX,1,1,2025-01-40\n' >late-bad.csv
expect_exit 3 "-j 2: a bad row in a later file is bad input" stats -j 2 -r a1.csv -r late-bad.csv --month 2025-01
contains "-j 2: the message names that file and line" "$errout" "late-bad.csv:2: ngay_tiep_nhan"

# --- the same data in every dress gives the same report ---
"$GEN" --units "$UNITS" --seed 7 --rows 500 >plain.csv
"$GEN" --units "$UNITS" --seed 7 --rows 500 --sep ';' --crlf --bom >semi.csv
"$GEN" --units "$UNITS" --seed 7 --rows 500 --sep tab --crlf >tab.csv
stats -q -r plain.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by unit,field -f csv -o p.csv
stats -q -r semi.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by unit,field -f csv -o s.csv
stats -q -r - -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by unit,field -f csv -o t.csv <tab.csv
check "';', CRLF and a BOM give the same counts as ','" cmp p.csv s.csv
check "TAB separators read from standard input give the same counts" cmp p.csv t.csv

# --- Excel workbooks: the same rows as .xlsx give the same report ---
X2X=$HOSO_TOP/scripts/csv-to-xlsx
"$X2X" plain.csv shared.xlsx
"$X2X" plain.csv inline.xlsx --inline --sparse-rows
cp shared.xlsx named-like-csv.csv
stats -q -r shared.xlsx -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by unit,field -f csv -o x1.csv
stats -q -r inline.xlsx -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by unit,field -f csv -o x2.csv
stats -q -r named-like-csv.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by unit,field -f csv -o x3.csv
check "an .xlsx (shared strings, serial dates, booleans, gaps) gives the CSV's report" cmp p.csv x1.csv
check "inline strings and empty rows between rows give the same report" cmp p.csv x2.csv
check "a workbook is told by its content, not its name" cmp p.csv x3.csv
stats -q -j 2 -r shared.xlsx -r semi.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 -f csv -o xj2.csv
stats -q -j 1 -r shared.xlsx -r semi.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 -f csv -o xj1.csv
check "workbooks and CSV read in parallel give the report of -j 1" cmp xj1.csv xj2.csv
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nA,08707,1,2025-01-03\nB,08707,1,someday\n' >badx.csv
"$X2X" badx.csv badx.xlsx
expect_exit 3 "a bad date in a workbook is bad input" stats -r badx.xlsx -u "$UNITS" --month 2025-01
contains "the message names file, sheet (its tab) and cell" "$errout" "badx.xlsx: So theo doi!D3: ngay_tiep_nhan: not a date"
head -c 300 shared.xlsx >trunc.xlsx
expect_exit 3 "a truncated workbook is bad input" stats -r trunc.xlsx --month 2025-01
contains "the truncated workbook is named" "$errout" "trunc.xlsx: cannot read archive"
expect_exit 0 "a workbook as standard input redirected from a file is read" sh -c "stats -q -r - --month 2025-01 <shared.xlsx"
expect_exit 3 "a workbook through a pipe is bad input" sh -c "cat shared.xlsx | stats -r - --month 2025-01"
contains "it must be a file" "$errout" "an Excel workbook must be a file, not a pipe"
python3 -c 'import zipfile; zipfile.ZipFile("nosheet.xlsx", "w").writestr("xl/workbook.xml", "<workbook/>")'
expect_exit 3 "a workbook without a first sheet is bad input" stats -r nosheet.xlsx --month 2025-01
contains "the missing sheet is named" "$errout" "nosheet.xlsx: no xl/worksheets/sheet1.xml in the workbook"
# The first tab is the sheet read, wherever its part is: here xl/worksheets/sheet2.xml (absolute
# Target), with a cover sheet as sheet1.xml on the second tab.
python3 -c 'import zipfile
ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
def row(n, cells):
    return "<row r=\"%d\">%s</row>" % (n, "".join("<c r=\"%s%d\" t=\"inlineStr\"><is><t>%s</t></is></c>" % (chr(65 + i), n, v) for i, v in enumerate(cells)))
z = zipfile.ZipFile("tabs.xlsx", "w")
z.writestr("xl/workbook.xml", "<workbook %s><sheets><sheet name=\"Sổ tiếp nhận\" sheetId=\"2\" r:id=\"rId7\"/><sheet name=\"Bìa\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" % ns)
z.writestr("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"x\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId7\" Type=\"x\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>")
z.writestr("xl/worksheets/sheet1.xml", "<worksheet %s><sheetData>%s</sheetData></worksheet>" % (ns, row(1, ["BÁO CÁO"])))
z.writestr("xl/worksheets/sheet2.xml", "<worksheet %s><sheetData>%s%s%s</sheetData></worksheet>" % (ns, row(1, ["ma_ho_so", "ma_don_vi", "kenh", "ngay_tiep_nhan"]), row(2, ["A", "08707", "1", "2025-01-03"]), row(3, ["B", "08707", "2", "someday"])))'
expect_exit 3 "a workbook's first tab is read, whatever its part" stats -r tabs.xlsx -u "$UNITS" --month 2025-01
contains "...and the message names the tab" "$errout" "tabs.xlsx: Sổ tiếp nhận!D3: ngay_tiep_nhan: not a date"
python3 -c 'import zipfile
z = zipfile.ZipFile("doctype.xlsx", "w")
z.writestr("xl/worksheets/sheet1.xml", "<!DOCTYPE x [<!ENTITY a \"b\">]><worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>")'
expect_exit 3 "a DOCTYPE in a sheet is refused" stats -r doctype.xlsx --month 2025-01
contains "the DOCTYPE is named" "$errout" "a DOCTYPE is not allowed"

# --- output formats ---
expect_exit 0 "XML output" stats -r plain.csv -u "$UNITS" --month 2025-03 --by level,month --target online=tinh:90,xa:60,signed=99 -f xml -o r.xml
check "the XML report validates against stats.xsd" xmllint --noout --schema "$XSD/stats.xsd" r.xml
expect_exit 0 "JSON output" stats -r plain.csv -u "$UNITS" --month 2025-03 -f json -o r.json
check "the JSON report parses and has a total" python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["total"]["unit"] == "TOTAL"' r.json
expect_exit 0 "text output" stats -r plain.csv -u "$UNITS" --month 2025-03 --direct --target online=50
contains "the text table has English headers under C" "$out" "Carried over"
contains "the text table marks targets" "$out" "not met"
expect_exit 0 "text output under vi_VN" env LC_ALL=vi_VN.UTF-8 stats -r plain.csv -u "$UNITS" --month 2025-03
contains "the text table has Vietnamese headers under vi_VN" "$out" "Tiếp nhận"
expect_exit 0 "text by level" stats -q -r plain.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by level
contains "levels are named for people in text" "$out" "commune"
expect_exit 0 "text by level under vi_VN" env LC_ALL=vi_VN.UTF-8 stats -q -r plain.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by level
contains "...in Vietnamese under vi_VN" "$out" "xã"
expect_exit 0 "csv by level" stats -q -r plain.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by level -f csv
contains "CSV keeps the spec's level codes" "$out" "
xa,"
# Field names from a register: a quoted newline, wide CJK characters, a decomposed accent.
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,linh_vuc\nW1,09124,1,2025-01-03,"Hai\ndòng"\nW2,09124,2,2025-01-04,土地管理\nW3,09124,2,2025-01-05,Da\314\202t\nW4,09124,1,2025-01-06,Đất đai\n' >wide.csv
expect_exit 0 "text output with odd field names" stats -q -r wide.csv -u "$UNITS" --month 2025-01 --by field
contains "a newline in a name is shown escaped" "$out" 'Hai\x0Adòng'
printf '%s\n' "$out" >wide.txt
# Every row of the table ends at the same column, counted as a terminal does.
widths=$(python3 -c 'import sys, unicodedata as u
rows = open(sys.argv[1], encoding="utf-8").read().split("\n\n")[1].split("\n")[1:]
print("\n".join(str(sum(0 if u.combining(c) else 2 if u.east_asian_width(c) in "WF" else 1
    for c in r)) for r in rows))' wide.txt)
check "the rows line up with wide and combining characters ($(printf '%s' "$widths" | tr '\n' ' '))" \
	[ "$(printf '%s\n' "$widths" | sort -u | wc -l)" -eq 1 ]
check "the table has a header, four fields and TOTAL" [ "$(printf '%s\n' "$widths" | wc -l)" -eq 5 ]
expect_exit 0 "csv with targets" stats -r plain.csv -u "$UNITS" --month 2025-03 -f csv --target online=80
contains "targets add a plan and a met column" "$(echo "$out" | head -n 1)" "signed_rate,online_target,online_met"

# --- errors and --lenient ---
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,ngay_ket_thuc\nA,08707,1,2025-01-02,\n"B\nB",08707,2,2025-01-32,\nC,99999,1,2025-01-03,\nD,08707,4,2025-01-03,\nE,08707,1,2025-01-05,2025-01-04\n' >bad.csv
expect_exit 3 "a bad date is bad input" stats -r bad.csv -u "$UNITS" --month 2025-01
contains "the message names file:line and column" "$errout" "bad.csv:3: ngay_tiep_nhan: not a date"
expect_exit 0 "--lenient skips bad rows" stats --lenient -r bad.csv -u "$UNITS" --month 2025-01 -f csv -o len.csv
contains "--lenient says how many were skipped for a bad date" "$errout" "1 rows skipped: a date that does not parse"
contains "--lenient names an unknown unit" "$errout" "unit not in the units file"
contains "--lenient names an end before the start" "$errout" "finished before it was received"
check "--lenient counts the one good row" [ "$(sed -n 's/^TOTAL,TOTAL,\([0-9]*\),.*/\1/p' len.csv)" = 1 ]
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nC,99999,1,2025-01-03\n' >unk.csv
expect_exit 3 "an unknown unit is bad input" stats -r unk.csv -u "$UNITS" --month 2025-01
contains "the unknown unit is named with row and date" "$errout" "unk.csv:2: ma_don_vi: unit '99999' is not in the units file on 2025-01-03"

# A province code reused in July for a new unit: a commune under it rolls up, for each
# dossier, to the province of the dossier's date (or of --as-of's).
printf 'code,name,level,parent,valid_from,valid_to,successor\n25,Old,tinh,,,2025-06-30,25\n25,New,tinh,,2025-07-01,,\n100,Commune,xa,25,,,\n' >reuse.csv
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nR1,100,2,2025-03-01\nR2,100,1,2025-08-01\nR3,100,1,2025-08-02\n' >reuse-reg.csv
for j in 1 2; do
	expect_exit 0 "a reused province code, -j $j" stats -q -j $j -r reuse-reg.csv -u reuse.csv --from 2025-01-01 --to 2025-12-31 -f csv
	contains "...March's dossier under the old province" "$out" "25,Old,1,"
	contains "...August's under the new one" "$out" "25,New,2,"
	contains "...all three under the commune" "$out" "100,Commune,3,"
done
expect_exit 0 "a reused province code by month" stats -q -r reuse-reg.csv -u reuse.csv --from 2025-01-01 --to 2025-12-31 --by unit,month -f csv
contains "...March under the old province" "$out" "25,Old,2025-03,1,"
contains "...August under the new one" "$out" "25,New,2025-08,2,"
expect_exit 0 "a reused province code with --as-of" stats -q -r reuse-reg.csv -u reuse.csv --from 2025-01-01 --to 2025-12-31 --as-of 2025-12-01 -f csv
contains "...all under the new province" "$out" "25,New,3,"
lacks "...none under the old" "$out" "25,Old,"
printf 'code,name,level,parent,valid_from,valid_to,successor\n25,Old,tinh,,,2025-06-30,\n100,Commune,xa,25,,,\n' >orphan.csv
expect_exit 3 "a unit valid longer than its parent is bad input" stats -q -r reuse-reg.csv -u orphan.csv --month 2025-03
contains "...naming the first day without a parent" "$errout" "orphan.csv:3: parent '25' is not a unit valid on 2025-07-01, when '100' is"
printf 'code,name,level,parent,valid_from,valid_to,successor\n25,P,tinh,,,,\n100,Commune,xa,99,,,\n' >noparent.csv
expect_exit 3 "a parent code in no line of the units file is bad input" stats -q -r reuse-reg.csv -u noparent.csv --month 2025-03
contains "...naming it" "$errout" "noparent.csv:3: parent '99' is not a unit valid while '100' is"
printf 'code,name,level,parent,valid_from,valid_to,successor\n25,P,tinh,100,,,\n100,Commune,xa,25,,,\n' >loop.csv
expect_exit 3 "a loop of parents is bad input" stats -q -r reuse-reg.csv -u loop.csv --month 2025-03
contains "...naming a unit in it" "$errout" "is its own ancestor"
# Names reach the report: XML 1.0 cannot carry most control characters, a terminal obeys ESC.
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,linh_vuc\nC1,U1,1,2025-01-03,Bad\001field\nC2,U1,1,2025-01-03,Bad\001field\nC3,U\0332,1,2025-01-03,ok\nC4,U1,1,2025-01-03,ok\n' >ctl.csv
expect_exit 3 "a control character in linh_vuc is bad input" stats -r ctl.csv --month 2025-01 --by field -f xml
contains "...naming file, line and column" "$errout" "ctl.csv:2: linh_vuc: contains a control character"
expect_exit 0 "--lenient skips every row with it" stats --lenient -r ctl.csv --month 2025-01 --by field -f xml
contains "...the unit code's row too" "$errout" "3 rows skipped: invalid text"
contains "...and the XML report is written" "$out" "</stats>"
printf 'code,name,level,parent,valid_from,valid_to,successor\n25,P\033[31m,tinh,,,,\n' >uctl.csv
expect_exit 3 "a control character in a units file name is bad input" stats -r plain.csv -u uctl.csv --month 2025-01
contains "...naming file, line and column" "$errout" "uctl.csv:2: name: contains a control character"
printf 'ma_ho_so,kenh,ngay_tiep_nhan\n' >nocol.csv
expect_exit 3 "a missing column is bad input" stats -r nocol.csv --month 2025-01
contains "the missing column is named with the file" "$errout" "nocol.csv: the header has no column 'ma_don_vi'"
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nA,1,1,\3772025-01-03\n' >utf.csv
expect_exit 3 "invalid UTF-8 is bad input" stats -r utf.csv --month 2025-01
contains "invalid UTF-8 names file:line" "$errout" "utf.csv:2: ngay_tiep_nhan: not valid UTF-8"
expect_exit 3 "a missing register is bad input" stats -r nothere.csv --month 2025-01

# --- -o is atomic: a failed run leaves the old report whole ---
echo old >keep.csv
expect_exit 3 "a failing run with -o" stats -r bad.csv -u "$UNITS" --month 2025-01 -o keep.csv
check "the old report is left as it was" [ "$(cat keep.csv)" = old ]
check "no temporary file is left" [ -z "$(find . -name '.keep.csv.tmp.*')" ]
expect_exit 0 "a good run replaces it" stats -r plain.csv -u "$UNITS" --month 2025-01 -f csv -o keep.csv
check "the new report is in place" grep -q '^TOTAL,TOTAL,' keep.csv

# --- -o names files, links and devices the way a shell's ">" does ---
O="-r plain.csv -u $UNITS --month 2025-01 -f csv"
chmod 640 keep.csv
# shellcheck disable=SC2086
stats -q $O -o keep.csv
check "a replaced report keeps its mode" [ "$(stat -c %a keep.csv)" = 640 ]
rm -f fresh.csv
# shellcheck disable=SC2086
(umask 077 && stats -q $O -o fresh.csv)
check "a new report gets 0666 less the umask" [ "$(stat -c %a fresh.csv)" = 600 ]
ln -s keep.csv link.csv
echo stale >keep.csv
# shellcheck disable=SC2086
expect_exit 0 "-o through a symbolic link" stats -q $O -o link.csv
check "the link is still a link" [ -L link.csv ]
check "the link's target holds the report" grep -q '^TOTAL,TOTAL,' keep.csv
mkdir -p linked
ln -s linked/new.csv dangling.csv
# shellcheck disable=SC2086
expect_exit 0 "-o through a link to a file not yet there" stats -q $O -o dangling.csv
check "the file is made where the link points" [ -L dangling.csv ] && [ -s linked/new.csv ]
mkfifo pipe.fifo
wc -l <pipe.fifo >fifo.count &
# shellcheck disable=SC2086
expect_exit 0 "-o onto a FIFO" stats -q $O -o pipe.fifo
wait
check "the FIFO stays a FIFO" [ -p pipe.fifo ]
check "the report went through the FIFO" [ "$(tr -d ' ' <fifo.count)" -gt 1 ]
# shellcheck disable=SC2086
expect_exit 0 "-o /dev/stdout writes to standard output" stats -q $O -o /dev/stdout
contains "the report is on standard output" "$out" "TOTAL,TOTAL,"
check "/dev/stdout is left alone" [ -L /dev/stdout ] || [ -c /dev/stdout ]
# shellcheck disable=SC2086
expect_exit 0 "-o /dev/null" stats -q $O -o /dev/null
check "/dev/null stays a device" [ -c /dev/null ]
if [ -c /dev/full ]; then
	# shellcheck disable=SC2086
	expect_exit 4 "a full device is an I/O error" stats -q $O -o /dev/full
	contains "the error names the output" "$errout" "/dev/full: cannot write"
	check "/dev/full stays a device" [ -c /dev/full ]
fi
# shellcheck disable=SC2086
expect_exit 4 "-o into a missing directory is an I/O error" stats -q $O -o nodir/r.csv
contains "the error names the output" "$errout" "nodir/r.csv"
# shellcheck disable=SC2086
expect_exit 4 "-o onto a directory is an I/O error" stats -q $O -o linked

# --- the command line ---
expect_exit 0 "--help exits 0" stats --help
contains "--help shows the synopsis" "$out" "Usage: stats [OPTION]"
contains "--help explains --as-of" "$out" "--as-of DATE"
expect_exit 0 "--version exits 0" stats --version
contains "--version names the tool" "$out" "stats (hoso)"
expect_exit 2 "no register is a usage error" stats --month 2025-01
expect_exit 2 "no period is a usage error" stats -r plain.csv
expect_exit 2 "a bad --month is a usage error" stats -r plain.csv --month 2025-13
expect_exit 2 "a bad --by is a usage error" stats -r plain.csv --month 2025-01 --by commune
expect_exit 2 "a bad --target is a usage error" stats -r plain.csv --month 2025-01 --target fast=9
expect_exit 2 "--by naming a group twice is a usage error" stats -r plain.csv --month 2025-01 --by unit,unit
contains "...saying which" "$errout" "--by names unit twice"
expect_exit 2 "--by with a trailing comma is a usage error" stats -r plain.csv --month 2025-01 --by unit,
expect_exit 2 "a plan given twice is a usage error" stats -r plain.csv --month 2025-01 --target online=80,online=70
expect_exit 2 "...also across two --target" stats -r plain.csv --month 2025-01 --target online=80 --target online=70
expect_exit 2 "--target with a trailing comma is a usage error" stats -r plain.csv --month 2025-01 --target online=80,
expect_exit 0 "two --target add up" stats -q -r plain.csv -u "$UNITS" --month 2025-01 -f csv --target online=80 --target signed=90
contains "...the first plan is kept" "$out" "online_target"
contains "...and the second added" "$out" "signed_target"
expect_exit 2 "an unknown option is a usage error" stats --bogus
contains "getopt's message names the tool, not its path" "$errout" "stats: unrecognized option"
lacks "...and no directory" "$errout" "/stats:"
expect_exit 2 "--as-of without --units is a usage error" stats -r plain.csv --month 2025-01 --as-of 2025-07-01
expect_exit 2 "--from after --to is a usage error" stats -r plain.csv --from 2025-02-01 --to 2025-01-01

echo "# $n_case cases"
