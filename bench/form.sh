# shellcheck shell=sh
# bench/form.sh - ocr-extract --form against the tesseract CLI on the same colour A4 pages
# (300 dpi JPEG, filled in by hand in blue: the first 3 pages of each form of
# scripts/make-forms --filled --conditions hand-blue), measured side by side in one run, one
# page a process, one after the other, OMP_THREAD_LIMIT=1:
#   ocr-extract -j 1 --form FORM --fields OUT PAGE    the fields document of the page
#   tesseract PAGE OUT -l vie                         the text of the page
# Target (issue 16): ocr-extract --form <= 1.3x the time of tesseract -l vie on the same page.
# HOSO_BENCH_RUNS=N takes the best of N runs of each page (default 1).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/ocr-lib.sh
. "$top/bench/ocr-lib.sh"
# the templates of this tree, as tests/run does
export HOSO_DATADIR="${HOSO_DATADIR:-$top/data}"
set="$build/forms-bench-filled"
"$top/scripts/make-forms" -j 2 -n 3 --filled-only --conditions hand-blue "$set" >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/hoso-bench-form.XXXXXX")
trap 'rm -rf "$work"' EXIT

ours() { "$bin/ocr-extract" -q -j 1 --form "$1" --fields "$work/out.xml" "$2"; }
theirs() { tesseract "$2" "$work/out" -l vie 2>/dev/null; }
# peak RSS (kB) of one run of CMD FORM PAGE
rss() { /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1; cat "$work/rss"; }

printf '%-34s %9s %9s %8s\n' "page" "ours s" "tess s" "ours/tess"
tot_o=0 tot_t=0 n=0 worst=0 over=0
for form in khai-sinh ct01 tiep-nhan; do
	for page in "$set/$form/$form"-00[1-3]-hand-blue.jpg; do
		[ -f "$page" ] || { echo "bench/form.sh: no page $page" >&2; exit 1; }
		o=$(best ours "$form" "$page")
		grep -q '<field ' "$work/out.xml" || { echo "bench/form.sh: no fields read on $page" >&2; exit 1; }
		t=$(best theirs "$form" "$page")
		[ -s "$work/out.txt" ] || { echo "bench/form.sh: tesseract read nothing on $page" >&2; exit 1; }
		r=$(awk -v o="$o" -v t="$t" 'BEGIN { printf "%.2f", o / t }')
		printf '%-34s %9.2f %9.2f %7.2fx\n' "$(basename "$page")" "$o" "$t" "$r"
		tot_o=$(awk -v a="$tot_o" -v b="$o" 'BEGIN { print a + b }')
		tot_t=$(awk -v a="$tot_t" -v b="$t" 'BEGIN { print a + b }')
		worst=$(awk -v a="$worst" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
		n=$((n + 1))
		awk -v r="$r" 'BEGIN { exit !(r > 1.3) }' && over=$((over + 1))
	done
done
page="$set/ct01/ct01-001-hand-blue.jpg"
rss_o=$(rss "$bin/ocr-extract" -q -j 1 --form ct01 --fields "$work/out.xml" "$page")
rss_t=$(rss tesseract "$page" "$work/out" -l vie)
printf 'load average at the end: %s (the machine is shared: timings are noisy); %s run(s), best\n' \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs"
awk -v o="$tot_o" -v t="$tot_t" -v n="$n" -v w="$worst" -v ro="$rss_o" -v rt="$rss_t" -v over="$over" 'BEGIN {
	printf "%d pages: ocr-extract --form %.2f s, tesseract -l vie %.2f s: %.2fx (worst page %.2fx)\n", \
	    n, o, t, o / t, w
	printf "peak RSS on ct01-001: ocr-extract --form %.0f MB, tesseract %.0f MB\n", ro / 1024, rt / 1024
	printf "target: <= 1.3x tesseract -l vie on the same page: all pages together %s; %d of %d pages over\n", \
	    (o / t <= 1.3) ? "met" : "missed", over, n
}'
