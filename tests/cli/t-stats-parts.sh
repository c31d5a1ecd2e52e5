# shellcheck shell=sh
# t-stats-parts.sh - stats -j N reading one CSV file in parts (HOSO_STATS_PART_SIZE, for tests
# only, makes the parts tiny so that every boundary case falls on one): the report, the
# warnings and the errors are byte for byte those of -j 1, whatever the part size.
. "$HOSO_TOP/tests/cli/lib.sh"
UNITS=$TESTDATA/units-vinh-phuc-2024.csv
GEN=$HOSO_TOP/scripts/gen-register

# same NAME ARGS...: stats ARGS with -j 1, then with -j 2 and -j 3 at several part sizes;
# stdout, stderr and the exit status must all be those of -j 1.
same() {
	name=$1
	shift
	stats -j 1 "$@" >one.out 2>one.err
	echo "exit $?" >>one.err
	bad=
	for size in 1 7 64 333 4096; do
		for j in 2 3; do
			HOSO_STATS_PART_SIZE=$size stats -j $j "$@" >n.out 2>n.err
			echo "exit $?" >>n.err
			cmp -s one.out n.out && cmp -s one.err n.err || bad="$bad $j/$size"
		done
	done
	if [ -z "$bad" ]; then
		pass "$name: -j 2 and -j 3 in parts give what -j 1 gives"
	else
		fail "$name: -j 2 and -j 3 in parts give what -j 1 gives" "differs at -j/part size:$bad" \
		    "-j 1 stderr: $(cat one.err)"
	fi
}

# Generated registers: every form the spec allows (quoted separators, quotes and newlines,
# NFD có, dd/mm/yyyy), duplicates within and across files.
"$GEN" --units "$UNITS" --seed 21 --rows 600 --dups 25 --crlf --bom >crlf.csv
"$GEN" --units "$UNITS" --seed 22 --rows 400 --dups 40 >lf.csv
check "the generated register has quoted newlines" grep -q '^[^"]*"[^"]*$' lf.csv
same "CRLF, BOM, duplicates" -r crlf.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 \
    --by unit,field -f csv
same "two files, duplicates across them" -r lf.csv -r crlf.csv -u "$UNITS" \
    --from 2024-11-01 --to 2025-08-31 --by unit,month -f csv
same "a file twice (every row a duplicate)" -r lf.csv -r lf.csv -u "$UNITS" --from 2024-11-01 \
    --to 2025-08-31 -f csv
stats -q -j 1 -r lf.csv -r lf.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 -f csv -o twice.csv
stats -q -j 1 -r lf.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 -f csv -o once.csv
check "a file twice counts as once" cmp -s twice.csv once.csv

# Quoted cells whose lines look like rows: a part that starts inside one reads rows that are
# not there, and must be read again from where the part before it really ended.
{
	printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,ngay_ket_thuc,linh_vuc\r\n'
	i=0
	while [ $i -lt 60 ]; do
		printf 'Q-%d,U%d,%d,2025-01-%02d,,"a\nFAKE-%d,U9,2,2025-01-01,,x\nFAKE-%d,U9,1,2025-01-02,,y\n"\r\n' \
		    $((i % 23)) $((i % 3)) $((i % 3 + 1)) $((i % 28 + 1)) $i $i
		printf 'P-%d,U1,2,2025-01-%02d,,"say ""hi""\r\nthere"\n\n' $((i % 17)) $((i % 28 + 1))
		i=$((i + 1))
	done
} >quoted.csv
same "quoted newlines that look like rows" -r quoted.csv --month 2025-01 --by unit,field -f csv
HOSO_STATS_PART_SIZE=50 stats -j 2 -vv -r quoted.csv --month 2025-01 -f csv >v.out 2>v.err
n_parts=$(sed -n 's/.*quoted\.csv: read in \([0-9]*\) parts.*/\1/p' v.err)
check "tiny parts: the file is read in many parts" [ "${n_parts:-0}" -gt 10 ]
lacks "tiny parts: some parts guessed wrong and were read again" "$(cat v.err)" \
    ", 0 of them again in order"
contains "the rows are those of the file, not the fake ones" "$(cat v.err)" "quoted.csv: 120 rows"
lacks "no fake dossier is counted" "$(cat v.out)" "U9"

# Errors in a later part name the true line; --lenient counts the same rows.
{
	printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,linh_vuc\n'
	i=0
	while [ $i -lt 300 ]; do
		[ $i = 250 ] && printf 'BAD-1,U1,1,2025-02-30,x\n'
		printf 'L-%d,U%d,1,2025-01-%02d,"two\nlines"\n' $((i % 40)) $((i % 4)) $((i % 28 + 1))
		i=$((i + 1))
	done
} >late.csv
bad_line=$(grep -n '^BAD-1,' late.csv | cut -d: -f1)
same "a bad date late in the file" -r late.csv --month 2025-01
HOSO_STATS_PART_SIZE=100 expect_exit 3 "a bad date in a later part is bad input" \
    stats -j 2 -r late.csv --month 2025-01
contains "the error names the true line" "$errout" "late.csv:$bad_line: ngay_tiep_nhan: not a date"
same "--lenient skips the same rows" --lenient -r late.csv -r crlf.csv -u "$UNITS" \
    --from 2024-11-01 --to 2025-08-31 -f csv
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nA-1,U1,1,2025-01-02\nA-2,U1,1,"2025-01-03\n' >open.csv
same "a quoted cell open at the end of the file" -r open.csv --month 2025-01
same "an unknown unit in a later file" -r lf.csv -r quoted.csv -u "$UNITS" --month 2025-01
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,linh_vuc\nC1,U1,1,2025-01-03,Bad\001\nC2,U1,1,2025-01-03,Bad\001\nC3,U\0332,1,2025-01-03,ok\nC4,U1,1,2025-01-03,ok\n' >ctl.csv
same "control characters in names" -r lf.csv -r ctl.csv --month 2025-01 --by field
python3 -c "print('ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,x\nA0,U1,2,2025-01-03,a\nA1,U1,2,2025-01-03,' + 'y' * 1100000 + '\nA3,U1,2,2025-01-03,z')" >long.csv
same "a row over 1 MiB" -r long.csv --month 2025-01
same "a row over 1 MiB, --lenient" --lenient -r long.csv --month 2025-01
same "control characters in names, --lenient" --lenient -r ctl.csv -r lf.csv --month 2025-01 --by field

# Past 4096 rows the table is made big enough at once from the bytes per row (the first part's
# for the rows of all parts); many duplicates make that guess too big, a file after it too small.
"$GEN" --units "$UNITS" --seed 23 --rows 12000 --dups 30 >big.csv
"$GEN" --units "$UNITS" --seed 23 --rows 3000 --dups 30 >small.csv	# the same columns, codes
stats -j 1 -r big.csv -r small.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 --by unit,field \
    -f csv >one.out 2>one.err
bad=
for size in 100000 400000; do
	for j in 2 3; do
		HOSO_STATS_PART_SIZE=$size stats -j $j -r big.csv -r small.csv -u "$UNITS" \
		    --from 2024-11-01 --to 2025-08-31 --by unit,field -f csv >n.out 2>n.err
		cmp -s one.out n.out && cmp -s one.err n.err || bad="$bad $j/$size"
	done
done
check "over 4096 rows, in parts of 100-400 kB: what -j 1 gives${bad:+ (differs at$bad)}" \
    [ -z "$bad" ]
stats -j 1 -r small.csv -r big.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 -f csv >a.out
cat small.csv >both.csv
tail -n +2 big.csv >>both.csv
stats -j 1 -r both.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 -f csv >b.out
check "two files as one: the same report" cmp -s a.out b.out

# Parts of more than 65536 dossiers are merged by taking over their chunks, smaller ones by
# copying their records: two parts of 120000 rows (84000 dossiers), then a small file.
python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
col = [c.strip().lower() for c in rows[0]].index("ma_ho_so")
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(rows[0])
for k in range(20):
    for r in rows[1:]:
        r = list(r)
        r[col] = "K%d-%s" % (k, r[col].strip())
        w.writerow(r)' big.csv >huge.csv
half=$(($(stat -c %s huge.csv) / 2 + 1000))
stats -j 1 -r huge.csv -r small.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 -f csv \
    >one.out 2>one.err
HOSO_STATS_PART_SIZE=$half stats -j 2 -r huge.csv -r small.csv -u "$UNITS" \
    --from 2024-11-01 --to 2025-08-31 -f csv >n.out 2>n.err
check "two parts of over 65536 dossiers and a small file: what -j 1 gives" cmp -s one.out n.out
codes=$(python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
col = [c.strip().lower() for c in rows[0]].index("ma_ho_so")
print(len({r[col] for r in rows[1:len(rows) // 2]}))' huge.csv)
check "...the first half holds over 65536 dossiers ($codes)" [ "$codes" -gt 65536 ]

# A year of daily exports: each file is a kpi of its own while it is read, and is merged by
# copying; no more than a few are read ahead of the merge. Before, each kept 2.3 MB (records
# and codes chunks) and 4096 files failed with "too many dossiers".
mkdir daily
set --
d=1
while [ $d -le 400 ]; do
	printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nD%d-1,09124,2,2025-03-01\nD%d-2,09124,1,2025-03-02\n' \
	    $d $d >daily/$d.csv
	set -- "$@" -r daily/$d.csv
	d=$((d + 1))
done
expect_exit 0 "400 small files with -j 2" stats -q -j 2 "$@" --month 2025-03 -f csv
contains "...all their dossiers counted" "$out" "TOTAL,TOTAL,800,400,400,"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
    /usr/bin/time -f %M stats -q -j 2 "$@" --month 2025-03 -f csv -o /dev/null 2>peak.kb
peak=$(tail -n 1 peak.kb)
check "...in at most 64 MB (peak $peak kB; was 2.3 MB a file)" [ "$peak" -lt 65536 ]
HOSO_STATS_PART_SIZE=64 stats -j 1 -r big.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 \
    -f csv >one.out 2>one.err
HOSO_STATS_PART_SIZE=64 stats -j 2 -r big.csv -u "$UNITS" --from 2024-11-01 --to 2025-08-31 \
    -f csv >n.out 2>n.err
check "12000 rows in parts of 64 bytes (thousands of parts): what -j 1 gives" cmp -s one.out n.out

echo "# $n_case cases"
