# shellcheck shell=sh
# slow
# t-libhoso.sh - libhoso for other programs: make install-lib puts the shared library (with its
# SONAME), the static one, hoso.h with the public headers only, and hoso.pc; a program that
# includes <hoso.h> alone builds with `pkg-config --cflags --libs hoso`, runs against the
# installed libhoso.so.0, and does the work of the tools (ingest, read, search, count).
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures

build=$(dirname "$HOSO_BIN")
# The build's own flags, or make would rebuild it with others.
dev=
grep -q -- -Werror "$build/.flags" && dev=DEVELOPER=1
san=
case $build in *build-san) san=SANITIZE=address,undefined ;; esac
root=$HOSO_WORK/root
# shellcheck disable=SC2086 # $dev and $san: one option each, or none
expect_exit 0 "make install-lib (DESTDIR)" make -s -C "$HOSO_TOP" $dev $san DESTDIR="$root" install-lib
lib=$root/usr/local/lib
check "the shared library, its SONAME link and the link to build with" \
    [ -f "$lib/libhoso.so.0.1.0" ] && [ -L "$lib/libhoso.so.0" ] && [ -L "$lib/libhoso.so" ]
check "...whose SONAME is libhoso.so.0" sh -c "readelf -d '$lib/libhoso.so.0.1.0' | grep -q 'SONAME.*\\[libhoso.so.0\\]'"
exported=$(nm -D --defined-only "$lib/libhoso.so.0.1.0" | awk '$2 == "T" { print $3 }' | sed 's/@.*//')
check "...exporting hoso_* functions only" [ -z "$(printf '%s\n' "$exported" | grep -v '^hoso_')" ]
lacks "...not the internal ones (the PDF writer, the index's database)" "$exported" "hoso_pdf_"
lacks "...(the index's database)" "$exported" "hoso_idb_"
contains "...but the public ones" "$exported" "hoso_store_open"
check "the static library" [ -f "$lib/libhoso.a" ]
check "hoso.h and the public headers" [ -f "$root/usr/local/include/hoso.h" ] && [ -f "$root/usr/local/include/hoso/store.h" ]
check "...not the internal ones" [ ! -e "$root/usr/local/include/hoso/pdf.h" ] && [ ! -e "$root/usr/local/include/hoso/index_db.h" ]
check "no public header names an OpenSSL, Tesseract or libxml2 type" \
    sh -c "! grep -l 'openssl/\\|tesseract/\\|libxml/\\|leptonica' '$root'/usr/local/include/hoso/*.h"
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$lib/pkgconfig"
check "pkg-config knows hoso $(pkg-config --modversion hoso 2>&1)" [ "$(pkg-config --modversion hoso)" = 0.1.0 ]
# shellcheck disable=SC2046 # pkg-config's words are options
expect_exit 0 "a program with #include <hoso.h> builds with pkg-config --cflags --libs hoso" \
    cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o example "$HOSO_TOP/tests/libhoso/example.c" \
    $(pkg-config --cflags --libs hoso)
check "...linked to the shared library" sh -c "readelf -d example | grep -q 'NEEDED.*libhoso.so.0'"
# shellcheck disable=SC2046
expect_exit 0 "hoso.h is C++-clean too" g++ -fsyntax-only -Wall -Wextra -x c++ - $(pkg-config --cflags hoso) <<'EOF2'
#include <hoso.h>
int main() { return hoso_version() == nullptr; }
EOF2
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nA-1,09124,2,2025-03-02\nA-2,09124,1,2025-03-20\nA-3,09124,1,2025-04-01\n' >r.csv
expect_exit 0 "...and runs against the installed libhoso.so.0" \
    env LD_LIBRARY_PATH="$lib" ./example st 000.17.22.H56-261208-0001 "$FIXTURES/form-ct01.png" r.csv
contains "...the version" "$out" "built against 0.1.0, running 0.1.0"
contains "...ingests" "$out" "ingested: 1 page(s), 0 rejected"
contains "...reads the dossier back" "$out" "dossier 000.17.22.H56-261208-0001: 1 page(s), unit 000.17.22.H56, page 1 2480x3508 at 300 dpi"
contains "...finds it" "$out" "found by its unit: 1 dossier(s), first 000.17.22.H56-261208-0001"
contains "...counts the register" "$out" "register: 3 dossier(s), 2 received in March 2025, 1 online"
check "...using the installed library, not a copy inside it" \
    sh -c "LD_LIBRARY_PATH='$lib' ldd ./example | grep -q '$lib/libhoso.so.0'"
# hoso(3) documents the calls a program uses: each one it names is exported.
sed -n 's/^\.Fn \(hoso_[a-z_]*\).*/\1/p; s/^\.Nm \(hoso_[a-z_]*\).*/\1/p' "$HOSO_TOP/man/man3/hoso.3" |
    sort -u >documented
printf '%s\n' "$exported" | sort -u >exported
missing=$(comm -23 documented exported | tr '\n' ' ')
check "every function hoso(3) names is one libhoso.so exports ($missing)" [ -z "$missing" ]
