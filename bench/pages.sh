# shellcheck shell=sh disable=SC2154 # $build is the sourcing script's
# bench/pages.sh - sourced by the benchmarks that ingest scans: sixteen_pages DIR makes
# DIR/01.png .. DIR/16.png, 16 different A4 300 dpi pages (the generated forms and a noisy
# page, each turned a little: a duplicate would be skipped, not normalized). Needs $build
# (the build directory, its fixtures made).
sixteen_pages() {
	mkdir -p "$1"
	i=0
	for f in form-khai-sinh form-ct01 form-tiep-nhan noisy; do
		for a in 0.5 1.5 -2 4; do
			i=$((i + 1))
			convert "$build/fixtures/$f.png" -background white -rotate "$a" -gravity center \
			    -extent 2480x3508 "$1/$(printf %02d $i).png"
		done
	done
}
