# shellcheck shell=sh disable=SC2086,SC2154,SC2016
# (sourced after lib.sh, which sets $out and $errout; $DBOPT is empty or "--db URL", two words;
# the sh -c scripts are single-quoted on purpose)
# lookup-cases.sh - the query cases of lookup, the same for every database: sourced by
# t-lookup.sh (SQLite, STORE/index.sqlite) and t-lookup-pg.sh (a PostgreSQL server of its own),
# with $DBOPT empty or "--db URL". Dossiers are written by hand (dossier.xml, a page text,
# fields.xml as ocr-extract leaves them) so that names and texts are exactly what each case needs.

# mk CODE DATE UNIT TITLE PAGE-TEXT [FIELD-ELEMENTS]: a dossier of one page, recognized.
mk() {
	d=st/$1
	mkdir -p "$d/ocr" "$d/pages"
	printf '%s\n' "$5" >"$d/ocr/0001.txt"
	fattr=
	if [ -n "${6:-}" ]; then
		printf '<?xml version="1.0" encoding="UTF-8"?>\n<fields version="1">\n<form name="khai-sinh" page="1">\n%s\n</form>\n</fields>\n' "$6" >"$d/ocr/fields.xml"
		fattr=' fields="ocr/fields.xml"'
	fi
	sha=$(printf %s "$1" | sha256sum | cut -c1-64)
	cat >"$d/dossier.xml.tmp" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<dossier version="1">
  <ma_ho_so>$1</ma_ho_so>
  <tieu_de>$4</tieu_de>
  <ma_don_vi>$3</ma_don_vi>
  <ngay_tiep_nhan>$2</ngay_tiep_nhan>
  <kenh>truc_tiep</kenh>
  <so_trang>1</so_trang>
  <pages>
    <page n="1" file="pages/0001.png" norm="pages/0001.norm.tif" source="x.png" sha256="$sha" size="10" width="100" height="100" dpi="300" colour="grey" rotation="0" skew="0.00" blank="false" ingested="2024-01-01T00:00:00Z" ocr_confidence="90" ocr_status="ok" text="ocr/0001.txt"/>
  </pages>
  <ocr$fattr/>
</dossier>
EOF
	mv "$d/dossier.xml.tmp" "$d/dossier.xml"
}
# f NAME TYPE REVIEW VALUE: one field element
f() {
	printf '<field name="%s" type="%s" confidence="95.0" review="%s" raw="%s" bbox="1 1 2 2">%s</field>' \
	    "$1" "$2" "$3" "$4" "$4"
}

mkdir st
mk U1-240105-0001 2024-01-05 U1 "Khai sinh" "Kính gửi UBND xã Hà Nam. Tôi là Nguyễn Văn An, cư trú tại Đông Anh." \
    "$(f ho_ten name false 'Nguyễn Văn An')$(f so_dinh_danh cccd true 026090001234)"
mk U1-240106-0001 2024-01-06 U1 "Khai sinh" "Hộ khẩu thường trú ở xã Hạ Long" \
    "$(f ho_ten name false 'Nguyễn Thị Hạ')"
mk U2-240107-0001 2024-01-07 U2 "Đăng ký tạm trú" "Đăng ký tạm trú tại phường Đống Đa" \
    "$(f ho_ten name false 'Trần Thị Hà')$(f so_dinh_danh cccd false 026090001234)"
mk U2-240108-0001 2024-01-08 U2 "Chứng thực" "Bản sao chứng thực giấy khai sinh của Đỗ Đức Đạt" \
    "$(f ho_ten name false 'Đỗ Đức Đạt')"

# --- identity numbers ---
expect_exit 0 "--id finds every paper of that person" lookup $DBOPT -o st --id 026090001234
contains "...newest first" "$out" "U2-240107-0001  2024-01-07  Đăng ký tạm trú"
check "...then the older one" [ "$(printf '%s\n' "$out" | grep -c '^U')" -eq 2 ]
check "...in that order" [ "$(printf '%s\n' "$out" | grep '^U' | head -n 1 | cut -c1-14)" = U2-240107-0001 ]
contains "...an unreviewed value is marked" "$out" "so_dinh_danh: 026090001234  (not yet reviewed)"
contains "...the index was built on first use, and said" "$errout" "4 dossiers, 4 indexed"
expect_exit 0 "an identity number typed in groups matches" lookup $DBOPT -o st --id "026 090 001 234"
expect_exit 1 "an identity number of nobody: exit 1" lookup $DBOPT -o st --id 026090009999
check "...printing nothing" [ -z "$out" ]
expect_exit 2 "a number that is no identity number is a usage error" lookup $DBOPT -o st --id 12345
contains "...saying what one is" "$errout" "12 digits"
expect_exit 1 "a part of a number does not match (exact)" lookup $DBOPT -o st --id 026090001

# --- names as people type them ---
expect_exit 0 "a name without diacritics finds it" lookup $DBOPT -o st --name "nguyen van an"
contains "...Nguyễn Văn An" "$out" "ho_ten: Nguyễn Văn An"
expect_exit 0 "...in capitals too" lookup $DBOPT -o st --name "NGUYEN VAN AN"
contains "...the same" "$out" "U1-240105-0001"
nfd=$(printf 'Nguye\314\202\314\203n Va\314\206n An')
expect_exit 0 "...typed decomposed (NFD)" lookup $DBOPT -o st --name "$nfd"
contains "...the same" "$out" "U1-240105-0001"
expect_exit 0 "đ typed as d" lookup $DBOPT -o st --name "do duc dat"
contains "...finds Đỗ Đức Đạt" "$out" "Đỗ Đức Đạt"
expect_exit 0 "\"ha\" finds Hà and Hạ" lookup $DBOPT -o st --name "thi ha"
check "...both" [ "$(printf '%s\n' "$out" | grep -c '^U')" -eq 2 ]
expect_exit 0 "\"Hạ\" typed with its mark" lookup $DBOPT -o st --name "Thị Hạ"
check "...puts Hạ first, though older" [ "$(printf '%s\n' "$out" | grep '^U' | head -n 1 | cut -c1-14)" = U1-240106-0001 ]
expect_exit 0 "\"Hà\" typed with its mark" lookup $DBOPT -o st --name "Thị Hà"
check "...puts Hà first" [ "$(printf '%s\n' "$out" | grep '^U' | head -n 1 | cut -c1-14)" = U2-240107-0001 ]
expect_exit 0 "the last word of a name may be its beginning, as typed so far" lookup $DBOPT -o st --name "do duc d"
contains "...Đỗ Đức Đạt" "$out" "Đỗ Đức Đạt"
expect_exit 0 "...'thi h' finds Hà and Hạ alike" lookup $DBOPT -o st --name "thi h"
check "...two dossiers" [ "$(printf '%s\n' "$out" | grep -c '^U')" -eq 2 ]
expect_exit 0 "...and a whole word still ranks first" lookup $DBOPT -o st --name "nguyen van an"
check "...Nguyễn Văn An first" [ "$(printf '%s\n' "$out" | grep '^U' | head -n 1 | cut -c1-14)" = U1-240105-0001 ]
expect_exit 1 "a name is not looked for in the page text" lookup $DBOPT -o st --name "Hà Nam"

# --- phrases ---
expect_exit 0 "a phrase of the page text" lookup $DBOPT -o st --text "ha long"
contains "...with the match marked" "$out" "ở xã [Hạ Long]"
lacks "...a page with both words apart is no phrase match" "$out" "U1-240105-0001"
expect_exit 0 "a phrase typed with diacritics ranks that spelling first" lookup $DBOPT -o st --text "xã Hà"
check "...two pages hold 'xa ha'" [ "$(printf '%s\n' "$out" | grep -c '^U')" -eq 2 ]
check "...Hà Nam's first" [ "$(printf '%s\n' "$out" | grep '^U' | head -n 1 | cut -c1-14)" = U1-240105-0001 ]
expect_exit 0 "đ in a phrase" lookup $DBOPT -o st --text "dong da"
contains "...found" "$out" "[Đống Đa]"
expect_exit 1 "FTS query syntax typed by a user is text, not an error" lookup $DBOPT -o st --text '"AND (OR* NEAR:x ^'
check "...no error message" [ -z "$errout" ]
long=$(printf '%0300d' 7)
expect_exit 1 "a word of 300 digits is searched (found by the fuzzer: it was an error)" lookup $DBOPT -o st --text "$long"
expect_exit 2 "a query longer than 1024 bytes is a usage error" lookup $DBOPT -o st --name "$long$long$long$long"
contains "...saying so" "$errout" "longer than 1024 bytes"
expect_exit 2 "a phrase of common words only is a usage error" lookup $DBOPT -o st --text "của và là"
contains "...saying why" "$errout" "common words"
expect_exit 2 "a phrase of punctuation only is a usage error" lookup $DBOPT -o st --text "... --- !!"
expect_exit 2 "an empty name is a usage error" lookup $DBOPT -o st --name ""
expect_exit 2 "no query at all is a usage error" lookup $DBOPT -o st

# --- criteria together, filters ---
expect_exit 0 "--id and --name together: both must hold" lookup $DBOPT -o st --id 026090001234 --name "tran thi ha"
check "...one dossier" [ "$(printf '%s\n' "$out" | grep -c '^U')" -eq 1 ]
expect_exit 0 "--unit alone lists that unit's dossiers" lookup $DBOPT -o st --unit U2
check "...two" [ "$(printf '%s\n' "$out" | grep -c '^U2')" -eq 2 ]
expect_exit 0 "--from/--to bound the date received" lookup $DBOPT -o st --from 2024-01-06 --to 2024-01-07
check "...two days, two dossiers" [ "$(printf '%s\n' "$out" | grep -c '^U')" -eq 2 ]
expect_exit 2 "a date not written YYYY-MM-DD is a usage error" lookup $DBOPT -o st --from 06/01/2024
expect_exit 1 "--form of a template nobody used" lookup $DBOPT -o st --name "nguyen" --form ct01
expect_exit 0 "--limit 1" lookup $DBOPT -o st --unit U2 --limit 1
check "...shows one" [ "$(printf '%s\n' "$out" | grep -c '^U')" -eq 1 ]
contains "...and says there are more" "$errout" "more dossiers match"

# --- formats ---
expect_exit 0 "--format json" lookup $DBOPT -o st --id 026090001234 --format json
check "...is JSON" sh -c 'printf "%s" "$1" | python3 -m json.tool >/dev/null' sh "$out"
contains "...with reviewed false for the flagged value" "$out" '"reviewed": false'
expect_exit 0 "--format xml" lookup $DBOPT -o st --text "ha long" --format xml
check "...valid by data/schema/lookup.xsd" sh -c 'printf "%s" "$1" | xmllint --noout --schema "$2" - 2>/dev/null' sh "$out" "$HOSO_TOP/data/schema/lookup.xsd"
contains "...with the snippet" "$out" '<snippet page="1">Hộ khẩu thường trú ở xã [Hạ Long]</snippet>'
expect_exit 0 "--format csv" lookup $DBOPT -o st --name "Đỗ Đức Đạt" --format csv
contains "...a header and a row" "$out" "U2-240108-0001,2024-01-08,U2,Chứng thực,1,1,1,khai-sinh,ho_ten,Đỗ Đức Đạt,true,"
expect_exit 2 "an unknown format is a usage error" lookup $DBOPT -o st --id 026090001234 --format yaml

# --- the index follows the store ---
mk U3-240109-0001 2024-01-09 U3 "Mới" "Giấy tờ mới thêm vào kho" "$(f ho_ten name false 'Phạm Minh Khôi')"
expect_exit 0 "a dossier put into the store by hand is found (the store changed)" lookup $DBOPT -o st --name "pham minh khoi"
contains "...found" "$out" "U3-240109-0001"
rm -r st/U3-240109-0001
expect_exit 1 "a dossier removed from the store is no longer found" lookup $DBOPT -o st --name "pham minh khoi"
# A writer that could not update the index leaves index.stale; lookup catches up.
sed 's/Trần Thị Hà/Trần Thị Hằng/g' st/U2-240107-0001/ocr/fields.xml >x.xml && mv x.xml st/U2-240107-0001/ocr/fields.xml
touch st/U2-240107-0001/dossier.xml
: >st/index.stale
expect_exit 0 "index.stale makes lookup catch up" lookup $DBOPT -o st --name "tran thi hang"
check "...and it is taken away" [ ! -e st/index.stale ]
contains "...saying why" "$errout" "catching up"
