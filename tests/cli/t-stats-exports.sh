# shellcheck shell=sh
# t-stats-exports.sh - registers as one-stop systems and spreadsheets export them (issue 23):
# scripts/make-export turns generated spec registers into exports with a title block, an STT
# column, Vietnamese labels, values in words and unit codes that lost their leading zeros, as CSV
# (',' ';' TAB) and .xlsx with merged title cells; stats must count them exactly as the spec
# registers they came from. Then the errors: ambiguous headers, no header, unknown words.
. "$HOSO_TOP/tests/cli/lib.sh"
UNITS=$HOSO_TOP/testdata/units-vinh-phuc-2024.csv
period="--from 2024-11-01 --to 2025-08-31"

# counts FILE [OPTION...]: stats by unit and field over the whole period, as CSV.
counts() {
	f=$1
	shift
	# shellcheck disable=SC2086 # $period is two options
	stats -q -r "$f" -u "$UNITS" $period --by unit,field -f csv "$@"
}

for seed in 1 2 3 4; do
	"$HOSO_TOP/scripts/gen-register" --seed "$seed" --rows 500 --units "$UNITS" >"a$seed.csv"
	counts "a$seed.csv" >"want$seed.csv" || fail "seed $seed: the spec register is counted"
	for variant in comma semi tab xlsx labels; do
		case $variant in
		comma) set -- --format csv ;;
		semi) set -- --format csv --sep ";" ;;
		tab) set -- --format csv --sep tab ;;
		xlsx) set -- --format xlsx ;;
		labels) set -- --format csv --labels "file:cols$seed.txt" ;;
		esac
		out=e$seed-$variant.csv
		[ "$variant" = xlsx ] && out=e$seed-$variant.xlsx
		"$HOSO_TOP/scripts/make-export" --seed "$seed" --units "$UNITS" "$@" "a$seed.csv" "$out" 2>"make$seed-$variant.log" ||
			fail "seed $seed $variant: scripts/make-export runs" "$(cat "make$seed-$variant.log")"
		if [ "$variant" = labels ]; then
			run counts "$out" --columns "cols$seed.txt"
		else
			run counts "$out"
		fi
		if [ "$rc" -eq 0 ] && [ "$out" = "$(cat "want$seed.csv")" ]; then
			pass "seed $seed, $variant: the export counts as the spec register"
		else
			fail "seed $seed, $variant: the export counts as the spec register" "exit $rc" \
			    "stderr: $errout" "$(printf '%s\n' "$out" | diff "want$seed.csv" - | head -n 5)"
		fi
	done
done
# Old exports in 8-bit encodings: told apart by which reading is Vietnamese, or named.
for seed in 1 2; do
	for enc in windows-1258 tcvn3 vni; do
		"$HOSO_TOP/scripts/make-export" --seed "$seed" --units "$UNITS" --encoding "$enc" \
		    "a$seed.csv" "l$seed-$enc.csv" 2>/dev/null || fail "make-export --encoding $enc"
		run counts "l$seed-$enc.csv"
		if [ "$rc" -eq 0 ] && [ "$out" = "$(cat "want$seed.csv")" ]; then
			pass "seed $seed, $enc: found and counted as the spec register"
		else
			fail "seed $seed, $enc: found and counted as the spec register" "exit $rc" \
			    "stderr: $errout"
		fi
	done
done
check "...not UTF-8 at all" sh -c '! iconv -f UTF-8 -t UTF-8 l1-vni.csv >/dev/null 2>&1'
# shellcheck disable=SC2086
run stats -r l1-tcvn3.csv -u "$UNITS" $period -f csv
contains "...and the run says how it read the file" "$errout" "l1-tcvn3.csv: read as TCVN3"
run counts l1-vni.csv --encoding vni
check "--encoding vni reads it too" [ "$rc" -eq 0 ] && [ "$out" = "$(cat want1.csv)" ]
expect_exit 3 "--encoding tcvn3 on a VNI file: the header is not found" counts l1-vni.csv --encoding tcvn3
expect_exit 2 "an unknown --encoding is a usage error" stats -r l1-vni.csv --encoding latin1 --month 2025-03
printf 'ma_ho_so,kenh,ngay_tiep_nhan,ma_don_vi,linh_vuc\nA,1,2025-03-01,26,caf\351 cr\350me br\373l\351e \340 la fran\347aise\n' >latin1.csv
expect_exit 3 "Latin-1 text, no reading Vietnamese: refused" stats -r latin1.csv --month 2025-03
contains "...saying so, with the counts" "$errout" "latin1.csv: not UTF-8"

check "the exports had a title block above the header" [ "$(grep -n '^STT' e1-comma.csv | cut -d: -f1)" -gt 2 ]
check "...and values in words" grep -qi "trực tuyến\|truc tuyen" e1-comma.csv
check "...and unit codes without their leading zeros" grep -q "stripped the leading zeros of [1-9]" make1-comma.log
run counts e1-comma.csv
lacks "stats says nothing under -q" "$errout" "leading zeros"
# shellcheck disable=SC2086
run stats -r e1-comma.csv -u "$UNITS" $period -f csv
contains "...and counts the repaired codes without -q" "$errout" "lost their leading zeros"

# --- what is not read, and says why ---
printf 'Mã hồ sơ,Số hồ sơ,Hình thức nộp,Ngày tiếp nhận,Mã đơn vị\nA,B,Trực tiếp,01/03/2025,26\n' >amb.csv
expect_exit 3 "two cells for one column are an error" stats -r amb.csv --month 2025-03
contains "...naming both" "$errout" "both 'Mã hồ sơ' and 'Số hồ sơ' name column ma_ho_so"
printf 'ma_ho_so = Số hồ sơ\n' >pick.txt
expect_exit 0 "...which a --columns file settles" stats -q -r amb.csv --columns pick.txt --month 2025-03
i=0
: >title.csv
while [ $i -lt 60 ]; do echo "tiêu đề $i" >>title.csv; i=$((i + 1)); done
printf 'Mã hồ sơ,Hình thức nộp,Ngày tiếp nhận,Mã đơn vị\nA,Trực tiếp,01/03/2025,26\n' >>title.csv
expect_exit 3 "no header in the first 50 rows is an error" stats -r title.csv --month 2025-03
contains "...saying what it looked for" "$errout" "no header row in the first 50 rows"
printf 'SỔ THEO DÕI\n\nMã hồ sơ;Hình thức nộp;Ngày tiếp nhận;Mã đơn vị\nA;Qua mạng;01/03/2025;26\n' >word.csv
expect_exit 3 "an unknown word is a row error" stats -r word.csv --month 2025-03
contains "...naming the file, line, column and value" "$errout" "word.csv:4: kenh:"
contains "...and the value" "$errout" "Qua mạng"
printf 'Mã hồ sơ;Hình thức nộp;Ngày tiếp nhận;Mã đơn vị\nA;TRỰC TUYẾN;01/03/2025;26\nB;Nộp trực tiếp;01/03/2025;26\n' >ok.csv
run stats -r ok.csv --month 2025-03 -f csv
contains "a title line without separators, ';', words in capitals: read" "$out" "TOTAL,TOTAL,2,1,1"
printf 'ma_ho_so = Mã hồ sơ\nkenh: Hình thức nộp\n' >badcols.txt
expect_exit 3 "a columns file line that is not 'column = label' is an error" stats -r ok.csv --columns badcols.txt --month 2025-03
contains "...naming file:line" "$errout" "badcols.txt:2:"
printf 'ma_hs = Mã hồ sơ\n' >badcols2.txt
expect_exit 3 "...and so is a column hoso-register(5) does not have" stats -r ok.csv --columns badcols2.txt --month 2025-03
contains "...naming it" "$errout" "'ma_hs' is not a column"

# A code that lost its zeros and could be two units: an error naming one.
cat >u2.csv <<'EOF'
code,name,level,parent,valid_from,valid_to,successor
01,Tỉnh A,tinh,,,,
001,Huyện B,huyen,01,,,
EOF
printf 'ma_ho_so,kenh,ngay_tiep_nhan,ma_don_vi\nA,1,2025-03-01,1\n' >z.csv
expect_exit 3 "a stripped code that could be two units is an error" stats -r z.csv -u u2.csv --month 2025-03
contains "...saying so" "$errout" "lost its leading zeros and could be"
