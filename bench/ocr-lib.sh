# shellcheck shell=sh disable=SC2034,SC2154 # variables set by or for the sourcing bench
# bench/ocr-lib.sh - what the OCR benches share; sourced after 'top' is set.
# Sets build, bin and runs (HOSO_BUILD, HOSO_BENCH_RUNS), one OpenMP thread per engine;
# best CMD... prints the best wall time in seconds of $runs runs of CMD, $work/out emptied
# before each (the caller sets work).
build=${HOSO_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin
runs=${HOSO_BENCH_RUNS:-1}
export OMP_THREAD_LIMIT=1 LC_ALL=C.UTF-8

now() { date +%s.%N; }
best() {
	b=""
	for _ in $(seq "$runs"); do
		rm -rf "$work/out"
		mkdir "$work/out"
		s=$(now)
		"$@"
		e=$(now)
		t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
		if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
	done
	echo "$b"
}
