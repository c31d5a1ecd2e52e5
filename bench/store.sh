# shellcheck shell=sh
# bench/store.sh - issue 22: the cost of ingesting one large dossier must be linear in its
# pages. scan-ingest -j 2 of 1 250, 2 500 and 5 000 small distinct generated pages (PNG, 160 x
# 120 pixels: the store's own work, not the imaging, is what grows) into one dossier each; the
# time per page should not grow with the dossier (ratio of the 5 000-page run's per-page time
# to the 1 250-page run's: linear is ~1, quadratic would be ~4).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${HOSO_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/hoso-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Distinct pages, fast: a grey PNG with the page's number in the first bytes of its pixels.
python3 - "$work/pages" 5000 <<'EOF'
import os, struct, sys, zlib
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
w, h = 160, 120
def chunk(t, d):
    c = struct.pack(">I", len(d)) + t + d
    return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
for i in range(n):
    rows = bytearray()
    for y in range(h):
        row = bytearray([255] * w)
        if y == 10:
            row[0:8] = struct.pack(">Q", i + 1)
        for x in range(20, 140, 7):
            if 40 <= y <= 80 and (x + y + i) % 3 == 0:
                row[x] = 0
        rows += b"\0" + row
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")
    with open(os.path.join(out, "%05d.png" % i), "wb") as f:
        f.write(png)
EOF
run() { # $1 pages: wall ms of scan-ingest of the first $1 pages into one dossier
	rm -rf "$work/st" "$work/in"
	mkdir "$work/in"
	find "$work/pages" -name '*.png' | sort | head -n "$1" | xargs -I{} ln {} "$work/in/"
	s=$(date +%s%N)
	"$bin/scan-ingest" -q -j 2 --no-orient --no-deskew -o "$work/st" --dossier BIG-240101-0001 "$work/in"
	e=$(date +%s%N)
	n=$(grep -c '<page ' "$work/st/BIG-240101-0001/dossier.xml")
	[ "$n" -eq "$1" ] || { echo "bench/store.sh: $n pages stored of $1" >&2; exit 1; }
	echo $(((e - s) / 1000000))
}
printf '%-34s %10s %14s\n' "scan-ingest, one dossier" "ms" "ms per page"
t1=$(run 1250)
t2=$(run 2500)
t4=$(run 5000)
awk -v t1="$t1" -v t2="$t2" -v t4="$t4" 'BEGIN {
	printf "%-34s %10d %14.2f\n", "1 250 pages", t1, t1 / 1250
	printf "%-34s %10d %14.2f\n", "2 500 pages", t2, t2 / 2500
	printf "%-34s %10d %14.2f\n", "5 000 pages", t4, t4 / 5000
	r = (t4 / 5000) / (t1 / 1250)
	printf "per-page time, 5 000 against 1 250: %.2fx (linear ~1; quadratic ~4) %s\n", r,
	    r < 1.5 ? "ok" : "NOT LINEAR"
}'
