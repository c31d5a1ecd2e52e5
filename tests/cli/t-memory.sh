# shellcheck shell=sh
# t-memory.sh - memory stays flat in the number of pages: a 400-page TIFF is read page by
# page, so scan-ingest's peak memory exceeds that of a 20-page run by no more than the
# input file it holds (read whole, up to 256 MiB), plus a small margin.
. "$HOSO_TOP/tests/cli/lib.sh"
page=$TESTDATA/tesseract/phototest.tif
set --
i=0
while [ $i -lt 400 ]; do set -- "$@" "$page"; i=$((i + 1)); done
tiffcp "$@" p400.tif
tiffcp "$page" "$page" "$page" "$page" "$page" "$page" "$page" "$page" "$page" "$page" \
	"$page" "$page" "$page" "$page" "$page" "$page" "$page" "$page" "$page" "$page" p20.tif
# Under AddressSanitizer freed memory waits in a quarantine (256 MB): measure without it.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
export ASAN_OPTIONS
peak() { /usr/bin/time -f %M scan-ingest -q -j 2 -o "st-$1" --dossier M --xml "$1.xml" "$1.tif" 2>&1 >/dev/null | tail -n 1; }
m20=$(peak p20)
m400=$(peak p400)
size_kb=$(($(stat -c %s p400.tif) / 1024))
# The pages are one page 400 times: the first is stored, the others are read and skipped.
check "all 400 pages were read (1 stored, 399 identical skipped)" \
	[ "$(xmllint --xpath 'concat(/ingest/@pages, " ", /ingest/@duplicates)' p400.xml)" = "1 399" ]
check "peak memory: 20 pages ${m20} KB, 400 pages ${m400} KB (input file ${size_kb} KB)" \
	[ "$m400" -le $((m20 + size_kb + 8192)) ]
echo "# $n_case cases"
