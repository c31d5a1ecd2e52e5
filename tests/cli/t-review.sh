# shellcheck shell=sh
# t-review.sh - review: the web page's rules over HTTP (token, Host, Origin, saves, stale saves,
# validator refusals, crops, 50 clients at once), --list, --export and --import, and corrections
# kept when ocr-extract reads the dossier again. The page itself in a browser: t-review-browser.sh.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
XSD=$HOSO_TOP/data/schema

review_dossier st D || exit 1
check "the test's fields document is valid" xmllint --noout --schema "$XSD/fields.xsd" st/D/ocr/fields.xml

# --- the command line ---
expect_exit 0 "--help" review --help
contains "...names --export" "$out" "--export"
expect_exit 0 "--version" review --version
expect_exit 2 "no store is a usage error" review --list
expect_exit 3 "a store that is not a directory is bad input" review --list nowhere
expect_exit 2 "--list and --export together are a usage error" review --list --export x.csv st
expect_exit 2 "--listen without a port is a usage error" review --listen 127.0.0.1 st
expect_exit 2 "--idle-exit wants seconds" review --idle-exit soon st

expect_exit 1 "--list with values left exits 1" review --list st
contains "...and names the dossier and its count" "$out" "D	2"
expect_exit 1 "--list of the dossier itself" review --list st/D

# --- the server ---
start_review st
contains "the first line is the address with its token" "$url" "http://127.0.0.1:"
check "...a random token of 32 hex digits" [ "${#token}" -eq 32 ]
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
jar="hoso_review_$port=$token"
check "without the token: 403" [ "$(code "$base/")" = 403 ]
check "a wrong token of the right length: 403" [ "$(code "$base/?token=00000000000000000000000000000000")" = 403 ]
check "the crops need it too" [ "$(code "$base/crop/D/1/ho_ten")" = 403 ]
check "with the token: 200" [ "$(code "$url")" = 200 ]
check "another Host (DNS rebinding): refused" [ "$(code -H 'Host: attacker.example:80' "$url")" = 421 ]
check "...also on our port" [ "$(code -H "Host: attacker.example:$port" "$url")" = 421 ]
check "localhost with our port is us" [ "$(code -H "Host: localhost:$port" "$url")" = 200 ]
run curl -s -D headers.txt "$url"
contains "the start page lists the dossier" "$out" 'href="/d/D"'
contains "...with its count" "$out" "2 / 3"
contains "...declares UTF-8" "$out" '<meta charset="utf-8">'
lacks "...fetches nothing from outside" "$out" "https://"
check "the token becomes a cookie for the page's own requests" grep -q "Set-Cookie: $jar; Path=/; HttpOnly; SameSite=Strict" headers.txt
check "...and no page may frame it" grep -qi "X-Frame-Options: DENY" headers.txt
run curl -s -b "$jar" "$base/d/D"
contains "a dossier's page: a form per page" "$out" '<form method="post" action="/d/D/p/1"'
contains "...an input per value" "$out" 'name="ho_ten" value="Ffoàng Thu Hùng"'
contains "...the crop" "$out" 'src="/crop/D/1/ho_ten"'
contains "...the label of the template" "$out" "Họ, chữ đệm, tên:"
contains "...the reason" "$out" "handwritten"
contains "...the values not flagged folded" "$out" "<details>"
tag=$(printf '%s\n' "$out" | sed -n 's/.*name="v.ho_ten" value="\([0-9a-f]*\)".*/\1/p')
check "...each value with its version" [ "${#tag}" -eq 16 ]
run curl -s -b "$jar" -o crop.png -w '%{http_code} %{content_type}' "$base/crop/D/1/ho_ten"
check "a crop is a PNG" [ "$out" = "200 image/png" ]
check "...of the value's box (with a margin), not the page" [ "$(identify -format '%w' crop.png)" -lt 1000 ]
check "a field that is not there: 404" [ "$(code -b "$jar" "$base/crop/D/1/nope")" = 404 ]
check "a path out of the store: 404" [ "$(code -b "$jar" --path-as-is "$base/d/../../etc/passwd")" = 404 ]
check "a dossier that is not there: 404" [ "$(code -b "$jar" "$base/d/NOPE")" = 404 ]

post() { curl -s -b "$jar" -H "Origin: http://$hostport" -H 'Accept: application/json' "$@"; }
check "a save without Origin (a cross-site form): 403" [ "$(code -b "$jar" --data-urlencode 'ho_ten=X' --data "v.ho_ten=$tag" "$base/d/D/p/1")" = 403 ]
check "...from another Origin: 403" [ "$(code -b "$jar" -H 'Origin: http://evil.example' --data-urlencode 'ho_ten=X' --data "v.ho_ten=$tag" "$base/d/D/p/1")" = 403 ]
check "...not a form: 415" [ "$(code -b "$jar" -H "Origin: http://$hostport" -H 'Content-Type: application/json' --data '{}' "$base/d/D/p/1")" = 415 ]
check "...too large: 413" [ "$(head -c 400000 /dev/zero | tr '\0' a | code -b "$jar" -H "Origin: http://$hostport" --data-binary @- "$base/d/D/p/1")" = 413 ]
check "nothing was changed by those" grep -q '>Ffoàng Thu Hùng<' st/D/ocr/fields.xml
# The name typed decomposed (NFD), as some input methods send it.
nfd=$(printf 'Hoa\314\200ng Thu Hu\314\200ng')
run post --data-urlencode "ho_ten=$nfd" --data "v.ho_ten=$tag" "$base/d/D/p/1"
contains "a save answers saved" "$out" '"status":"saved"'
contains "...and what is left" "$out" '"left":1'
check "fields.xml has the value, NFC" grep -q '>Hoàng Thu Hùng</field>' st/D/ocr/fields.xml
check "...no longer flagged, with the machine's reading kept" grep -q 'name="ho_ten" confidence="61.0" review="false" raw="Ffoàng T.hu.Hùng" reason="handwritten" by="[^"]*" at="[0-9T:+-]*" ocr="Ffoàng Thu Hùng"' st/D/ocr/fields.xml
check "...and still valid" xmllint --noout --schema "$XSD/fields.xsd" st/D/ocr/fields.xml
check "dossier.xml records the review" [ "$(xmllint --xpath 'string(/dossier/review/@left)' st/D/dossier.xml)" = 1 ]
check "...and is valid" xmllint --noout --schema "$XSD/dossier.xsd" st/D/dossier.xml
run post --data-urlencode "ho_ten=Someone Else" --data "v.ho_ten=$tag" "$base/d/D/p/1"
contains "a save from a page loaded before is refused" "$out" '"status":"stale"'
contains "...saying who changed it" "$out" "since you saw it"
check "...nothing overwritten" grep -q '>Hoàng Thu Hùng</field>' st/D/ocr/fields.xml
run post --data-urlencode "ho_ten=<script>alert(1)</script>" --data "v.ho_ten=$tag" "$base/d/D/p/1"
lacks "no value is echoed unescaped" "$out" "<script>"
tag2=$(curl -s -b "$jar" "$base/d/D" | sed -n 's/.*name="v.ngay_sinh" value="\([0-9a-f]*\)".*/\1/p')
run post --data-urlencode "ngay_sinh=31/02/2024" --data "v.ngay_sinh=$tag2" "$base/d/D/p/1"
contains "the validator refuses a date that is not one" "$out" '"status":"refused"'
check "...and it stays flagged" grep -q 'name="ngay_sinh" confidence="90.0" review="true"' st/D/ocr/fields.xml
run post --data-urlencode "ngay_sinh=12/03/2024" --data "v.ngay_sinh=$tag2" "$base/d/D/p/1"
contains "a right date is saved" "$out" '"status":"saved"'
check "...normalized as ocr-extract writes it" grep -q '>2024-03-12</field>' st/D/ocr/fields.xml
run curl -s -b "$jar" -H "Origin: http://$hostport" -o /dev/null -w '%{http_code} %{redirect_url}' --data-urlencode "dan_toc=Kinh" --data "v.dan_toc=$(curl -s -b "$jar" "$base/d/D" | sed -n 's/.*name="v.dan_toc" value="\([0-9a-f]*\)".*/\1/p')" "$base/d/D/p/1"
contains "a plain form post (no script) saves and goes back to the page" "$out" "303 $base/d/D"
check "...the confirmed value has who and when" grep -q 'name="dan_toc" confidence="96.5" review="false" raw="Kinh" by=' st/D/ocr/fields.xml
expect_exit 0 "--list with nothing left exits 0" review --list st
run curl -s -b "$jar" "$base/"
contains "the start page the server had listed before shows the saves" "$out" '<td class="num">0 / 3</td>'
contains "...and nothing left" "$out" "0 values left to review"

# 50 clients at once, each saving to its own dossier, while others read pages and crops.
i=1
while [ $i -le 50 ]; do
	mkdir -p "st/L$i/ocr"
	sed "s|<ma_ho_so>D</ma_ho_so>|<ma_ho_so>L$i</ma_ho_so>|; /<review /d" st/D/dossier.xml >"st/L$i/dossier.xml"
	review_fields >"st/L$i/ocr/fields.xml"
	i=$((i + 1))
done
tagL=$(curl -s -b "$jar" "$base/d/L1" | sed -n 's/.*name="v.ho_ten" value="\([0-9a-f]*\)".*/\1/p')
# name N: a different name for each client N, of Vietnamese syllables (what the validator takes).
name() {
	printf 'Lê %s %s' "$(echo 'Văn Thị Đức Ngọc Quốc' | cut -d " " -f $((($1 - 1) / 10 + 1)))" \
	    "$(echo 'An Bình Chi Dũng Giang Hà Khoa Lan Minh Nam' | cut -d " " -f $((($1 - 1) % 10 + 1)))"
}
i=1
pids=
while [ $i -le 50 ]; do
	post --data-urlencode "ho_ten=$(name $i)" --data "v.ho_ten=$tagL" "$base/d/L$i/p/1" >"load$i.json" &
	pids="$pids $!"
	curl -s -b "$jar" -o /dev/null "$base/crop/D/1/ngay_sinh" &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait "$p"; done
ok=0
i=1
while [ $i -le 50 ]; do
	grep -q "\"status\":\"saved\"" "load$i.json" && grep -q ">$(name $i)</field>" "st/L$i/ocr/fields.xml" && ok=$((ok + 1))
	i=$((i + 1))
done
check "50 concurrent saves to 50 dossiers: every one saved, nothing lost ($ok)" [ "$ok" -eq 50 ]
check "...and the server still answers" [ "$(code "$url")" = 200 ]

# --- scripts and spreadsheets ---
expect_exit 0 "--export writes the flagged values" review --export flagged.csv st
check "...a CSV with the header" [ "$(head -n 1 flagged.csv | tr -d '\r')" = "dossier,page,field,label,reading,reason,value" ]
check "...one row per flagged value" [ "$(grep -c '^L' flagged.csv)" -eq 50 ]
contains "...saying how many" "$errout" "50"
# Correct L7's date; L8's row is edited after another save (stale); one row names a dossier not there.
{
	head -n 1 flagged.csv
	grep '^L7,' flagged.csv | sed 's/,\r$/,12\/03\/2024\r/'
	grep '^L8,' flagged.csv | sed 's/12\/03\/2O24/12\/03\/1999/; s/,\r$/,13\/03\/2024\r/'
	printf 'NOPE,1,ngay_sinh,x,y,z,01/01/2000\r\n'
} >fixed.csv
expect_exit 1 "--import with a refused row exits 1" review --import fixed.csv st
contains "...names the stale row with file:line" "$errout" "fixed.csv:3:"
contains "...and the unknown dossier" "$errout" "fixed.csv:4:"
check "...L7 is corrected" grep -q '>2024-03-12</field>' st/L7/ocr/fields.xml
check "...L8 is not" grep -q '>12/03/2O24</field>' st/L8/ocr/fields.xml

# The same as a workbook, as a spreadsheet program would give it back.
expect_exit 0 "--export FILE.xlsx writes a workbook" review --export flagged.xlsx st
check "...whose sheet is well-formed XML" sh -c 'unzip -p flagged.xlsx xl/worksheets/sheet1.xml | xmllint --noout -'
contains "...with the flagged values" "$(unzip -p flagged.xlsx xl/worksheets/sheet1.xml)" "12/03/2O24"
expect_exit 0 "...which --import reads (no value filled in: nothing to do)" review --import flagged.xlsx st
contains "...and says so" "$errout" "0 corrections saved, 0 refused"
{
	head -n 1 flagged.csv
	grep '^L9,' flagged.csv | sed 's/,\r$/,09\/03\/2024\r/'
} >fixed9.csv
"$HOSO_TOP/scripts/csv-to-xlsx" fixed9.csv fixed9.xlsx
expect_exit 0 "an .xlsx with a value filled in is applied" review --import fixed9.xlsx st
check "...L9 is corrected" grep -q '>2024-03-09</field>' st/L9/ocr/fields.xml

# --- learning from corrections ---
expect_exit 0 "--export-training writes what people checked" review --export-training tr st/D
check "...the corrected name's line image" [ -s tr/D-p1-ho_ten.png ]
check "...with its text" [ "$(cat tr/D-p1-ho_ten.gt.txt)" = "Hoàng Thu Hùng" ]
check "...not the date (stored normalized, not as written)" [ ! -e tr/D-p1-ngay_sinh.png ]
check "...the line image is the value's box, not the page" [ "$(identify -format '%h' tr/D-p1-ho_ten.png)" -lt 200 ]
expect_exit 3 "--export-training without templates is refused" review --templates "$PWD/none" --export-training tr2 st/D
expect_exit 3 "training from Debian's integer vie model is refused" "$HOSO_TOP/scripts/train-from-corrections" tr out.traineddata
contains "...saying what it needs" "$errout" "float model of tessdata_best"

# --- corrections are kept when the dossier is read again ---
expect_exit 0 "ocr-extract --force on a reviewed dossier" ocr-extract -q --force --form khai-sinh st/D
check "...keeps the person's value" [ "$(xmllint --xpath "string(//field[@name='ho_ten'])" st/D/ocr/fields.xml)" = "Hoàng Thu Hùng" ]
check "...as reviewed" [ "$(xmllint --xpath "string(//field[@name='ho_ten']/@review)" st/D/ocr/fields.xml)" = false ]
check "...with who did it" [ -n "$(xmllint --xpath "string(//field[@name='ho_ten']/@by)" st/D/ocr/fields.xml)" ]
check "...valid" xmllint --noout --schema "$XSD/fields.xsd" st/D/ocr/fields.xml

# --- a dossier another program is writing (ocr-extract holds its lock for the whole run) ---
flock st/D/.lock sleep 14 &
holder=$!
sleep 0.5
t0=$(date +%s)
check "the start page does not wait for a dossier's writer" [ "$(code "$url")" = 200 ]
check "...nor the dossier's own page" [ "$(code -b "$jar" "$base/d/D")" = 200 ]
check "...nor a crop" [ "$(code -b "$jar" "$base/crop/D/1/ho_ten")" = 200 ]
check "...all at once" [ $(($(date +%s) - t0)) -le 3 ]
tagW=$(curl -s -b "$jar" "$base/d/D" | sed -n 's/.*name="v.ngay_sinh" value="\([0-9a-f]*\)".*/\1/p')
run curl -s -b "$jar" -H "Origin: http://$hostport" -H 'Accept: application/json' -w ' %{http_code}' \
    --data-urlencode "ngay_sinh=12/03/2024" --data "v.ngay_sinh=$tagW" "$base/d/D/p/1"
contains "a save waits a while, then says the dossier is busy (503)" "$out" " 503"
contains "...in words" "$out" "busy"
wait "$holder"
run post --data-urlencode "ngay_sinh=12/03/2024" --data "v.ngay_sinh=$tagW" "$base/d/D/p/1"
contains "...and saves once the writer is done" "$out" '"status":"saved"'

# --- a dossier already signed ---
PKI=$HOSO_WORK/pki
need_pki
expect_exit 0 "the dossier is signed (sign-pack --pades)" sign-pack -q --pades \
    --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" --chain "$PKI/chain.pem" -o D.asice st/D
run curl -s -b "$jar" "$base/d/D"
contains "the page of a signed dossier says so" "$out" 'class="signed"'
run curl -s -b "$jar" "$base/d/L3"
lacks "...and only of a signed one" "$out" 'class="signed"'
tagD=$(curl -s -b "$jar" "$base/d/D" | sed -n 's/.*name="v.dan_toc" value="\([0-9a-f]*\)".*/\1/p')
run post --data-urlencode "dan_toc=Tày" --data "v.dan_toc=$tagD" "$base/d/D/p/1"
contains "...a correction is still saved in the store" "$out" '"status":"saved"'
check "...while the signed archive keeps the old value" sh -c 'unzip -p D.asice data/ocr/fields.xml | grep -q ">Kinh</field>"'

kill -TERM "$pid"
wait "$pid"
check "SIGTERM stops the server with status 0" [ $? -eq 0 ]
check "no temporary files are left" [ -z "$(find st -name '.*.tmp.*')" ]

# --idle-exit
review --idle-exit 1 st >/dev/null 2>&1 &
pid=$!
sleep 2.5
check "--idle-exit stops the server when nobody asks" sh -c "! kill -0 $pid 2>/dev/null"
wait "$pid" 2>/dev/null
echo "# done"
