# shellcheck shell=sh
# bench/jobs.sh - scan-ingest -j 2 against -j 1 on the same 16 distinct A4 300 dpi pages,
# measured side by side in one run (best of 3 each). Target: -j 2 close to 2x -j 1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${HOSO_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin
"$top/scripts/make-fixtures" "$build/fixtures" >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/hoso-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck source=bench/pages.sh
. "$top/bench/pages.sh"
sixteen_pages "$work/pages"

best() { # best wall time in seconds of 3 runs of: scan-ingest -j $1
	b=""
	for _ in 1 2 3; do
		rm -rf "$work/store"
		s=$(date +%s.%N)
		"$bin/scan-ingest" -q -j "$1" -o "$work/store" --dossier B "$work/pages"
		e=$(date +%s.%N)
		t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
		if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
	done
	echo "$b"
}
t1=$(best 1)
t2=$(best 2)
printf '%-28s %10s %12s\n' "scan-ingest, 16 A4 pages" "seconds" "pages/s"
awk -v t1="$t1" -v t2="$t2" -v cores="$(nproc)" 'BEGIN {
	printf "%-28s %10.2f %12.2f\n", "-j 1", t1, 16 / t1
	printf "%-28s %10.2f %12.2f\n", "-j 2", t2, 16 / t2
	printf "speed-up -j 2 / -j 1: %.2fx (target: close to 2x; %d cores here)\n", t1 / t2, cores
}'
