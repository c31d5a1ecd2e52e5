# shellcheck shell=sh
# slow: 65601 generated files, about 40 s here and more on a busy machine
# t-zip64.sh - an archive that needs ZIP64 (APPNOTE 4.3.14): more than 65535 entries, the cheap
# way there (a dossier of 16400 generated pages, each a tiny page, normalized page, text and
# hOCR file). sign-pack writes it, verify accepts it, and unzip and 7z read it.
. "$HOSO_TOP/tests/cli/lib.sh"
PKI=$HOSO_WORK/pki
need_pki
D=st/000.17.22.H56-261101-0064
pages=16400
python3 - "$D" "$pages" <<'EOF' || fail "a dossier of $pages pages can be generated"
import hashlib, os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d + "/pages")
os.makedirs(d + "/ocr")
rows = []
for i in range(1, n + 1):
    k = "%05d" % i
    page = b"page %d\n" % i
    for name, data in (("pages/%s.png" % k, page), ("pages/%s.norm.tif" % k, b"norm %d\n" % i),
                       ("ocr/%s.txt" % k, b"text %d\n" % i), ("ocr/%s.hocr" % k, b"<p>%d</p>\n" % i)):
        with open(d + "/" + name, "wb") as f:
            f.write(data)
    rows.append('    <page n="%d" file="pages/%s.png" norm="pages/%s.norm.tif" text="ocr/%s.txt" '
                'hocr="ocr/%s.hocr" sha256="%s" size="%d" dpi="300" colour="grey" blank="false"/>'
                % (i, k, k, k, k, hashlib.sha256(page).hexdigest(), len(page)))
with open(d + "/dossier.xml", "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<dossier version="1">\n'
            "  <ma_ho_so>%s</ma_ho_so>\n  <ma_don_vi>000.17.22.H56</ma_don_vi>\n"
            "  <ngay_tiep_nhan>2026-11-01</ngay_tiep_nhan>\n  <kenh>truc_tiep</kenh>\n"
            "  <thoi_han_bao_quan>10</thoi_han_bao_quan>\n  <ngon_ngu>vi</ngon_ngu>\n"
            "  <so_trang>%d</so_trang>\n  <pages>\n%s\n  </pages>\n</dossier>\n"
            % (os.path.basename(d), n, "\n".join(rows)))
EOF
entries=$((4 * pages + 1 + 4 + 1 + 2))
expect_exit 0 "a dossier of $((4 * pages + 1)) files is signed" sign-pack -q --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" --chain "$PKI/chain.pem" --signing-time 2026-11-01T08:00:00Z -o big.asice "$D"
# The end of central directory record (4.3.16) keeps 0xffff entries and points on to the
# ZIP64 end record (4.3.14) through its locator (4.3.15), just before it.
size=$(wc -c <big.asice)
check "the end record says 0xffff entries (ZIP64)" [ "$(od -An -tu2 -j $((size - 12)) -N2 big.asice | tr -d ' ')" = 65535 ]
check "a ZIP64 end of central directory locator precedes it" [ "$(od -An -tx4 -j $((size - 42)) -N4 big.asice | tr -d ' ')" = 07064b50 ]
check "the ZIP64 end record counts every entry" [ "$(od -An -tu8 -j $(($(od -An -tu8 -j $((size - 34)) -N8 big.asice | tr -d ' ') + 32)) -N8 big.asice | tr -d ' ')" = "$entries" ]
expect_exit 0 "verify accepts it" verify -v --ca-file "$PKI/ca.pem" big.asice
contains "...as valid" "$out" "big.asice: valid"
contains "...with every entry" "$out" "$entries entries"
contains "...and every payload file in the bag" "$out" "$((4 * pages + 1)) payload files"
expect_exit 0 "unzip -t accepts it" unzip -tq big.asice
if command -v 7z >/dev/null 2>&1; then
	expect_exit 0 "7z t accepts it" 7z t big.asice
	contains "...with every entry" "$out" "Files: $entries"
else
	fail "7z is installed (p7zip-full, scripts/install-deps)"
fi
expect_exit 0 "a countersignature can be added to it" sign-pack -q --key "$PKI/ec256.key" --cert "$PKI/ec256.pem" --chain "$PKI/chain.pem" --add-signature big.asice
expect_exit 0 "...and it still verifies" verify --ca-file "$PKI/ca.pem" big.asice
echo "# $n_case cases"
