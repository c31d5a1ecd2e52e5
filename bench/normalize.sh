#!/bin/sh
# bench/normalize.sh - page normalization (orientation + deskew + blank test + TIFF)
# against ImageMagick's "convert IN -deskew 40% +repage OUT.tif", on the same A4 300 dpi page.
# Usage: bench/normalize.sh [-n RUNS] [PAGE]
#   PAGE defaults to a generated grey text page turned 3 degrees.
#   HOSO_BUILD=DIR: the build directory holding bench/norm-bench (made by make bench).
# Both sides are timed as whole processes (read file, work, write TIFF).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=5
if [ "${1:-}" = "-n" ]; then
	runs=$2
	shift 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoso-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

page=${1:-}
if [ -z "$page" ]; then
	page=$tmp/page.png
	# About 60 lines of 40 pt text, like a typed form, then turned 3 degrees.
	set --
	y=300
	i=1
	while [ $y -lt 3200 ]; do
		set -- "$@" -annotate "+200+$y" \
		    "Line $i: The quick brown fox jumps over the lazy dog 0123456789."
		y=$((y + 50))
		i=$((i + 1))
	done
	convert -size 2480x3508 xc:white -font DejaVu-Sans -pointsize 40 -fill black "$@" \
	    -background white -rotate 3 -gravity center -extent 2480x3508 \
	    -colorspace Gray -depth 8 -units PixelsPerInch -density 300 "$page"
fi

# The driver is built by 'make bench' ($(BUILD)/bench/norm-bench), linked like the tools.
bench_bin=${HOSO_BUILD:-$top/build}/bench/norm-bench
if [ ! -x "$bench_bin" ]; then
	echo "normalize.sh: $bench_bin is missing: run 'make bench'" >&2
	exit 1
fi

now() {
	date +%s%N
}

# run NAME CMD...: time RUNS runs, print "NAME mean min" in seconds.
run() {
	name=$1
	shift
	total=0
	min=
	k=0
	while [ $k -lt "$runs" ]; do
		t0=$(now)
		"$@" 2>"$tmp/$name.err" >/dev/null
		t1=$(now)
		dt=$((t1 - t0))
		total=$((total + dt))
		if [ -z "$min" ] || [ $dt -lt "$min" ]; then min=$dt; fi
		k=$((k + 1))
	done
	echo "$name $((total / runs)) $min"
}

hoso=$(run hoso "$bench_bin" "$page" "$tmp/hoso.tif")
# +repage: without it deskew leaves a negative page offset that the TIFF writer refuses.
magick=$(run imagemagick convert "$page" -deskew 40% +repage "$tmp/magick.tif")

echo "page: $page ($(identify -format '%wx%h %[colorspace] %x' "$page"))"
echo "hoso: $(cat "$tmp/hoso.err")"
echo "ImageMagick: $(convert -version | head -n 1 | cut -d' ' -f2-3), OMP_THREAD_LIMIT=${OMP_THREAD_LIMIT:-unset}, $(nproc) cpus"
printf '%-14s %6s %10s %10s %8s\n' tool runs "mean s" "min s" ratio
magick_mean=$(echo "$magick" | cut -d' ' -f2)
echo "$hoso
$magick" | while read -r name mean min; do
	printf '%-14s %6d %10.3f %10.3f %7.1fx\n' "$name" "$runs" \
	    "$(echo "$mean / 1000000000" | bc -l)" "$(echo "$min / 1000000000" | bc -l)" \
	    "$(echo "$magick_mean / $mean" | bc -l)"
done
echo "ratio = ImageMagick mean / tool mean (target: hoso >= 3.0x)"
