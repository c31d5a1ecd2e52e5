# shellcheck shell=sh
# t-form-eval.sh - scripts/form-eval --score on a hand-written case: ground truth and fields
# files with known right, wrong, flagged and missing values give the known rates and targets.
. "$HOSO_TOP/tests/cli/lib.sh"
EVAL=$HOSO_TOP/scripts/form-eval

# row LABEL: the table row of LABEL, blanks squeezed.
row() { printf '%s\n' "$out" | grep "^$1 " | tr -s ' '; }

mkdir -p set/khai-sinh set/ct01 fields good
cat >set/khai-sinh/ks-1-clean.json <<'EOF'
{"form": "khai-sinh", "condition": "clean",
 "fields": {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "2024-03-12",
            "so_dinh_danh_nguoi_yeu_cau": "026090001234", "gioi_tinh": "Nam"}}
EOF
cat >set/khai-sinh/ks-1-noise.json <<'EOF'
{"form": "khai-sinh", "condition": "noise",
 "fields": {"ho_ten_me": "Trần Thị Cúc", "nam_sinh_me": "1992"}}
EOF
cat >set/ct01/ct01-1-clean.json <<'EOF'
{"form": "ct01", "condition": "clean", "fields": {"email": "lethihoa@example.vn"}}
EOF
# ks-1-clean: right and unflagged (written decomposed: NFC makes it equal), right but
# flagged, wrong and flagged, wrong and NOT flagged. In a namespace, with other elements.
printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
    '<fields xmlns="urn:example:fields" form="khai-sinh"><page n="1">' \
    "  <field name=\"ho_ten\" confidence=\"93.1\" review=\"false\" raw=\"x\">Nguye$(printf '\314\202\314\203')n Văn An</field>" \
    '  <field name="ngay_sinh" confidence="40" review="true" raw="12/03/2024">2024-03-12</field>' \
    '  <field name="so_dinh_danh_nguoi_yeu_cau" confidence="88" review="true" raw="026O9">026O90001234</field>' \
    '  <field name="gioi_tinh" confidence="91" review="false" raw="Nữ">Nữ</field>' \
    '  <field name="que_quan" confidence="91" review="false" raw="">not in the truth</field>' \
    '</page></fields>' >fields/ks-1-clean.fields.xml
# ks-1-noise: right and unflagged; nam_sinh_me missing (a wrong flagged value).
cat >fields/ks-1-noise.fields.xml <<'EOF'
<fields><field name="ho_ten_me" confidence="95" review="false" raw="Trần Thị Cúc">Trần Thị Cúc</field></fields>
EOF
# ct01-1-clean has no fields file: its one field is wrong and flagged.

expect_exit 1 "targets missed: exit 1" "$EVAL" --score set fields
check "khai-sinh clean: 1 page, 4 fields, 50% exact, 50% flagged, 50% of unflagged right, 1 wrong unflagged" \
    [ "$(row 'khai-sinh / clean')" = "khai-sinh / clean 1 4 50.0% 50.0% 50.0% 1 0" ]
check "khai-sinh noise: a missing element is wrong and flagged, and its label not found" \
    [ "$(row 'khai-sinh / noise')" = "khai-sinh / noise 1 2 50.0% 50.0% 100.0% 0 1" ]
check "khai-sinh degraded sums the degraded conditions" \
    [ "$(row 'khai-sinh / degraded')" = "khai-sinh / degraded 1 2 50.0% 50.0% 100.0% 0 1" ]
check "ct01 clean: no fields file, all wrong and flagged, no unflagged value, no label" \
    [ "$(row 'ct01 / clean')" = "ct01 / clean 1 1 0.0% 100.0% - 0 1" ]
check "all clean: 2 pages, 5 fields, 40% exact, 60% flagged, 50% precision" \
    [ "$(row 'all / clean')" = "all / clean 2 5 40.0% 60.0% 50.0% 1 1" ]
contains "pages without fields and missing elements are counted" "$out" \
    "pages without a fields file: 1; field elements missing: 1"
contains "the clean target is checked" "$out" "MISSED: khai-sinh clean exact 50.0% < 97%"
contains "the degraded target is checked" "$out" "MISSED: khai-sinh degraded exact 50.0% < 90%"
contains "the precision target is checked (2 of 3 unflagged right)" "$out" \
    "MISSED: khai-sinh precision of unflagged 66.7% < 99%"
contains "the worst field shows expected and got" "$out" "gioi_tinh"
contains "(the miss itself)" "$out" "ks-1-clean: Nam | Nữ"
lacks "a field the truth does not name is not scored" "$out" "que_quan"

# The same pages extracted right: every target met.
cat >good/ks-1-clean.fields.xml <<'EOF'
<fields>
 <field name="ho_ten" review="false">Nguyễn Văn An</field>
 <field name="ngay_sinh" review="false">2024-03-12</field>
 <field name="so_dinh_danh_nguoi_yeu_cau" review="false">026090001234</field>
 <field name="gioi_tinh" review="false">Nam</field>
</fields>
EOF
cat >good/ks-1-noise.fields.xml <<'EOF'
<fields><field name="ho_ten_me" review="false">Trần Thị Cúc</field>
<field name="nam_sinh_me" review="true">1992</field></fields>
EOF
cat >good/ct01-1-clean.fields.xml <<'EOF'
<fields><field name="email" review="false">lethihoa@example.vn</field></fields>
EOF
expect_exit 0 "all right: exit 0" "$EVAL" --score set good
check "all right: 100% exact, flagged as marked" \
    [ "$(row 'all / noise')" = "all / noise 1 2 100.0% 50.0% 100.0% 0 0" ]
contains "all right: targets met" "$out" "targets: all met"

printf '<fields><field name="email">x</fields>' >good/ct01-1-clean.fields.xml
expect_exit 3 "a malformed fields file: exit 3" "$EVAL" --score set good
contains "(named)" "$errout" "ct01-1-clean.fields.xml"
expect_exit 3 "no ground truth: exit 3" "$EVAL" --score fields good
echo "# $n_case cases"
