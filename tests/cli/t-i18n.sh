# shellcheck shell=sh
# t-i18n.sh - messages in Vietnamese under vi_VN.UTF-8, in English under C, and a complete
# catalog (po/vi.po: every msgid translated, nothing fuzzy).
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES
VI=vi_VN.UTF-8

# --- the catalog itself ---
# scripts/install-deps creates vi_VN.UTF-8, so a missing locale is a failure, not a skip.
check "the $VI locale is installed (scripts/install-deps)" \
	sh -c 'locale -a 2>/dev/null | grep -qi "^vi_VN\.utf-\{0,1\}8$"'
check "the Vietnamese catalog is built" [ -f "$HOSO_LOCALEDIR/vi/LC_MESSAGES/hoso.mo" ]
run msgfmt --check --statistics -o /dev/null "$HOSO_TOP/po/vi.po"
stats="$out$errout"
check "po/vi.po passes msgfmt --check ($stats)" [ "$rc" -eq 0 ]
contains "po/vi.po has translated messages" "$stats" "translated message"
lacks "po/vi.po has no untranslated message" "$stats" "untranslated"
lacks "po/vi.po has no fuzzy translation" "$stats" "fuzzy"
# Every msgid of the sources is in vi.po (a msgid added since the last "make po" is not).
tmpot=$HOSO_WORK/hoso.pot
(cd "$HOSO_TOP" && xgettext --from-code=UTF-8 -k_ -kN_ -o "$tmpot" lib/*.c cmd/common/*.c cmd/*/main.c) 2>/dev/null
missing=$(msgcmp "$HOSO_TOP/po/vi.po" "$tmpot" 2>&1)
intent="every msgid in the sources is translated in po/vi.po (make po, then translate)"
if [ -z "$missing" ]; then pass "$intent"; else fail "$intent" "msgcmp says: $missing"; fi

# --- Vietnamese ---
expect_exit 0 "--help exits 0 under $VI" env LC_ALL=$VI scan-ingest --help
contains "--help says 'Cách dùng'" "$out" "Cách dùng: scan-ingest"
contains "--help speaks of the kho hồ sơ" "$out" "kho hồ sơ"
contains "--help explains --dossier in Vietnamese" "$out" "đưa các trang vào hồ sơ"
contains "--help names the worker threads 'luồng xử lý'" "$out" "luồng xử lý"
contains "--help keeps the option names" "$out" "--drop-blank"
contains "--help gives the exit status in Vietnamese" "$out" "Mã thoát"
lacks "--help has no English left" "$out" "Usage:"
# Characters, not bytes: each Vietnamese letter is one column (awk may count bytes).
wide=$(printf '%s\n' "$out" | while IFS= read -r line; do
	[ "$(printf '%s' "$line" | LC_ALL=$VI wc -m)" -le 80 ] || printf '%s\n' "$line"
done)
if [ -z "$wide" ]; then pass "--help lines fit in 80 columns under $VI"
else fail "--help lines fit in 80 columns under $VI" "too wide: $wide"; fi
# And so do every other tool's, the front door's among them.
for t in "$HOSO_BIN"/*; do
	name=$(basename "$t")
	help=$(LC_ALL=$VI "$t" --help 2>&1)
	wide=$(printf '%s\n' "$help" | while IFS= read -r line; do
		[ "$(printf '%s' "$line" | LC_ALL=$VI wc -m)" -le 80 ] || printf '%s\n' "$line"
	done)
	english=
	case $help in *Usage:*) english="English left" ;; esac
	check "$name --help: Vietnamese, in 80 columns ($wide$english)" [ -z "$wide$english" ]
done

expect_exit 2 "no input is a usage error under $VI" env LC_ALL=$VI scan-ingest -o s0
contains "no input says 'chưa có đầu vào'" "$errout" "chưa có đầu vào"
contains "the usage error points to --help in Vietnamese" "$errout" "Chạy 'scan-ingest --help' để xem hướng dẫn"
expect_exit 2 "-j 0 is a usage error under $VI" env LC_ALL=$VI scan-ingest -j 0 "$FX/form-ct01.png"
contains "-j 0 speaks of 'luồng xử lý'" "$errout" "số luồng xử lý phải từ 1 đến 256"

expect_exit 3 "an empty file is rejected under $VI" env LC_ALL=$VI scan-ingest -o vi --dossier X "$FX/bad/empty.tif"
contains "the empty file is named" "$errout" "empty.tif"
contains "the empty file is a 'tệp rỗng'" "$errout" "tệp rỗng"
contains "the summary line is Vietnamese" "$errout" "tổng hợp: 0 hồ sơ, đã lưu 0 trang"
contains "the summary counts what was rejected" "$errout" "1 mục bị từ chối"
lacks "the summary has no English left" "$errout" "summary:"

expect_exit 0 "a page is stored under $VI" env LC_ALL=$VI scan-ingest -o vi2 --dossier V "$FX/form-ct01.png"
contains "the dossier line is Vietnamese" "$errout" "hồ sơ V: thêm 1 trang"
contains "the summary counts stored pages" "$errout" "đã lưu 1 trang"

# Messages made while an archive is read must be in Vietnamese too.
expect_exit 3 "a hostile archive is rejected in part under $VI" \
	env LC_ALL=$VI scan-ingest -o vi3 --dossier H "$FX/hostile.zip"
contains "a symlink member is 'không phải tệp thông thường'" "$errout" "link.png: không phải tệp thông thường"

# --- English under C ---
expect_exit 0 "--help exits 0 under C" env LC_ALL=C scan-ingest --help
contains "--help is English under C" "$out" "Usage: scan-ingest [OPTION]"
lacks "--help has no Vietnamese under C" "$out" "Cách dùng"
expect_exit 2 "no input is a usage error under C" env LC_ALL=C scan-ingest -o s0
contains "no input is English under C" "$errout" "no input:"
contains "the --help hint is English under C" "$errout" "Try 'scan-ingest --help'"
expect_exit 3 "an empty file is rejected under C" env LC_ALL=C scan-ingest -o en --dossier X "$FX/bad/empty.tif"
contains "the empty file is an 'empty file' under C" "$errout" "empty.tif: empty file"
contains "the summary line is English under C" "$errout" "summary: dossiers 0, pages stored 0"
lacks "the summary has no Vietnamese under C" "$errout" "tổng hợp"

# --- numbers stay numbers under vi_VN (decimal comma): what we write is read by programs ---
expect_exit 0 "ocr-extract --form under $VI" env LC_ALL=$VI ocr-extract -q --form khai-sinh --fields vi-fields.xml "$FX/form-khai-sinh.png"
check "...writes confidence with a point: fields.xml is valid" xmllint --noout --schema "$HOSO_TOP/data/schema/fields.xsd" vi-fields.xml
expect_exit 0 "a tilted page stored under $VI" env LC_ALL=$VI scan-ingest -q -o vi3 --dossier T "$FX/form-ct01.png"
check "...dossier.xml is valid (skew, a decimal)" xmllint --noout --schema "$HOSO_TOP/data/schema/dossier.xsd" vi3/T/dossier.xml
review_dossier vi4 R || exit 1
expect_exit 1 "review --list reads fields.xml under $VI" env LC_ALL=$VI review --list vi4
contains "...and says what is left in Vietnamese" "$errout" "còn 2 giá trị cần soát lại"
# Run from the build tree, the tools find its catalogs and templates without any variable.
expect_exit 0 "from the build tree, messages without HOSO_LOCALEDIR" env -u HOSO_LOCALEDIR LC_ALL=$VI scan-ingest --help
contains "...in Vietnamese" "$out" "Cách dùng: scan-ingest"
expect_exit 0 "...and templates without HOSO_DATADIR" env -u HOSO_DATADIR ocr-extract -q --form khai-sinh --fields - "$FX/form-khai-sinh.png"
contains "...read with them" "$out" '<form name="khai-sinh"'
LC_ALL=$VI start_review vi4
run curl -s "$base/d/R?token=$token"
kill -TERM "$pid"
wait "$pid"
contains "the review page is in Vietnamese under $VI" "$out" '<html lang="vi">'
contains "...the reasons too" "$out" "chữ viết tay"
lacks "...not in English" "$out" ">handwritten<"

echo "# $n_case cases"
