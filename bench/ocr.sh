# shellcheck shell=sh
# bench/ocr.sh - ocr-extract against its peers on the same 40 generated form pages (A4,
# 300 dpi, grey PNG: the clean pages 1-14 of khai-sinh and ct01 and 1-12 of tiep-nhan of
# scripts/make-forms -n 14, the same pages as in make eval's set), measured side by side in one run, each with 2 processes or workers:
#   ocr-extract -j 2 --outdir DIR                 text, hOCR and a searchable PDF per page
#   tesseract PAGE OUT -l vie txt pdf, a loop of 2 parallel processes (xargs -P2),
#                                                 OMP_THREAD_LIMIT=1: text and PDF per page
#   ocrmypdf -j 2 -l vie --output-type pdf        one searchable PDF of the 40 pages (input: a
#                                                 PDF of the page images made by img2pdf,
#                                                 not timed); "skipped" when not installed
# and the peak RSS (GNU time %M) of ocr-extract -j 1 and -j 2 on 8 of the pages.
# Targets (issue 4): >= 1.0x the tesseract loop, >= 2x OCRmyPDF, <= 120 MB RSS per worker.
# HOSO_BENCH_RUNS=N takes the best of N runs of each (default 1).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/ocr-lib.sh
. "$top/bench/ocr-lib.sh"
"$top/scripts/make-forms" -j 2 -n 14 "$build/forms-bench" >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/hoso-bench-ocr.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/pages"
for f in khai-sinh ct01 tiep-nhan; do
	last=14
	[ "$f" = tiep-nhan ] && last=12
	for n in $(seq -f %03g 1 "$last"); do
		ln -s "$build/forms-bench/$f/$f-$n-clean.png" "$work/pages/$f-$n.png"
	done
done
set -- "$work"/pages/*.png
[ $# -eq 40 ] || { echo "bench/ocr.sh: wanted 40 pages, have $#" >&2; exit 1; }

ours() { "$bin/ocr-extract" -q -j 2 --outdir "$work/out" "$@"; }
tess_loop() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	printf '%s\n' "$@" | xargs -P 2 -I '{}' sh -c \
	    'tesseract "$1" "$2/$(basename "$1" .png)" -l vie txt pdf 2>/dev/null' _ '{}' "$work/out"
}
ocrmypdf_run() { ocrmypdf -q -j 2 -l vie --output-type pdf "$work/in.pdf" "$work/out/all.pdf"; }

t_ours=$(best ours "$@")
n_pdf=$(find "$work/out" -name '*.pdf' | wc -l)
[ "$n_pdf" -eq 40 ] || { echo "bench/ocr.sh: ocr-extract made $n_pdf PDFs, not 40" >&2; exit 1; }
t_tess=$(best tess_loop "$@")
n_pdf=$(find "$work/out" -name '*.pdf' | wc -l)
[ "$n_pdf" -eq 40 ] || { echo "bench/ocr.sh: the tesseract loop made $n_pdf PDFs, not 40" >&2; exit 1; }
t_ocrmypdf=""
why=""
if ! command -v ocrmypdf >/dev/null || ! command -v img2pdf >/dev/null; then
	why="not installed (scripts/install-deps --bench)"
elif ! img2pdf -o "$work/in.pdf" "$@" 2>"$work/img2pdf.err"; then
	why="img2pdf failed: $(head -c 200 "$work/img2pdf.err")"
else
	t_ocrmypdf=$(best ocrmypdf_run)
fi

# Peak RSS on 8 pages, one and two workers (kB).
rss() {
	rm -rf "$work/out"
	mkdir "$work/out"
	/usr/bin/time -f %M -o "$work/rss" "$bin/ocr-extract" -q -j "$1" --outdir "$work/out" \
	    "$work"/pages/ct01-00[1-4].png "$work"/pages/khai-sinh-00[1-4].png
	cat "$work/rss"
}
rss1=$(rss 1)
rss2=$(rss 2)

printf 'ocr, 40 generated A4 form pages (300 dpi), 2 workers or processes; %s run(s) each, best\n' "$runs"
printf 'load average at the end: %s (the machine is shared: timings are noisy)\n' \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
awk -v o="$t_ours" -v t="$t_tess" -v m="$t_ocrmypdf" -v why="$why" \
    -v r1="$rss1" -v r2="$rss2" 'BEGIN {
	printf "%-56s %9s %8s %14s\n", "", "seconds", "pages/s", "theirs/ours"
	printf "%-56s %9.2f %8.2f %14s\n", "ocr-extract -j 2 --outdir (txt, hOCR, PDF)", o, 40 / o, ""
	printf "%-56s %9.2f %8.2f %13.2fx\n", "tesseract -l vie txt pdf, xargs -P2, OMP_THREAD_LIMIT=1", \
	    t, 40 / t, t / o
	if (m != "")
		printf "%-56s %9.2f %8.2f %13.2fx\n", "ocrmypdf -j 2 -l vie --output-type pdf", m, 40 / m, m / o
	else
		printf "%-56s %s\n", "ocrmypdf -j 2", "skipped: " why
	printf "peak RSS of ocr-extract on 8 pages: -j 1 %.0f MB, -j 2 %.0f MB (%.0f MB per worker, the second %.0f MB)\n", \
	    r1 / 1024, r2 / 1024, r2 / 2048, (r2 - r1) / 1024
	tl = (t / o >= 1.0) ? "met" : "missed"
	om = (m == "") ? "not measured" : ((m / o >= 2.0) ? "met" : "missed")
	rm = (r1 / 1024 <= 120 && r2 / 2048 <= 120) ? "met" : "missed"
	printf "targets: >= 1.0x the tesseract loop (%s), >= 2x OCRmyPDF (%s), <= 120 MB per worker (%s)\n", \
	    tl, om, rm
}'
