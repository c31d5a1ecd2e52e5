# shellcheck shell=sh
# bench/stats.sh - stats on a generated 10-million-row register against a mawk script and
# sqlite3 (import + GROUP BY) computing received/online/paper per unit on the same file:
# the headline is the command as the issue writes it (default -j, the number of CPUs: the
# file is read in parts in parallel), with -j 1 beside it for the single-thread ratio by
# wall and CPU time; stats -j 2 against -j 1 on two 5-million-row files; peak memory per
# distinct dossier.
# Each command runs once by default (a run takes tens of seconds), side by side in this run.
# The registers are generated once into $HOSO_BUILD/bench-data and reused
# (HOSO_BENCH_ROWS=N: N rows per half instead of 5000000, for a quick try;
# HOSO_BENCH_REPS=N: each command N times, the best kept).
# Targets (issue 6): >= 3x faster than mawk; -j 2 >= 1.5x -j 1; <= 64 B per dossier + a constant.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${HOSO_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin
rows=${HOSO_BENCH_ROWS:-5000000}
reps=${HOSO_BENCH_REPS:-1}
data=$build/bench-data
[ "$rows" = 5000000 ] || data=$build/bench-data-$rows
units=$top/testdata/units-vinh-phuc-2024.csv
from=2024-11-01
to=2025-08-31
mkdir -p "$data"
work=$(mktemp -d "${TMPDIR:-/tmp}/hoso-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Two halves with distinct codes (prefix A, B) and the same column order (same seed); --plain:
# no cell needs quoting, so a plain awk split is a correct peer; --dups 0: no code repeats, so
# the peers need no last-wins bookkeeping (stats keeps it anyway).
for p in A B; do
	[ -s "$data/reg-$p.csv" ] && continue
	echo "generating $rows rows into $data/reg-$p.csv (once)" >&2
	"$top/scripts/gen-register" --units "$units" --plain --dups 0 --seed 1 --rows "$rows" \
	    --prefix "$p" >"$data/reg-$p.csv.tmp"
	mv "$data/reg-$p.csv.tmp" "$data/reg-$p.csv"
done
if [ ! -s "$data/reg-all.csv" ]; then
	{ cat "$data/reg-A.csv"; tail -n +2 "$data/reg-B.csv"; } >"$data/reg-all.csv.tmp"
	mv "$data/reg-all.csv.tmp" "$data/reg-all.csv"
fi
all=$data/reg-all.csv
n_all=$((2 * rows))

cat >"$work/peer.awk" <<'EOF'
# received, online, paper per unit over [from, to]; columns found by header name
BEGIN { FS = "," }
NR == 1 {
	for (i = 1; i <= NF; i++) { h = tolower($i); gsub(/^ +| +$/, "", h); col[h] = i }
	cu = col["ma_don_vi"]; ck = col["kenh"]; cr = col["ngay_tiep_nhan"]
	next
}
{
	d = $cr
	if (substr(d, 3, 1) == "/") d = substr(d, 7, 4) "-" substr(d, 4, 2) "-" substr(d, 1, 2)
	else d = substr(d, 1, 10)
	if (d < from || d > to) next
	u = $cu; recv[u]++
	k = $ck
	if (k == "truc_tuyen" || k == "2") online[u]++; else paper[u]++
}
END { for (u in recv) printf "%s,%d,%d,%d\n", u, recv[u], online[u], paper[u] }
EOF

cols=$(head -n 1 "$all" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
cat >"$work/peer.sql" <<EOF
CREATE TABLE raw($cols);
.mode csv
.import --skip 1 $all raw
.mode csv
SELECT ma_don_vi, count(*), sum(kenh IN ('truc_tuyen', '2')), sum(kenh NOT IN ('truc_tuyen', '2'))
FROM (SELECT ma_don_vi, kenh, CASE WHEN substr(ngay_tiep_nhan, 3, 1) = '/'
  THEN substr(ngay_tiep_nhan, 7, 4) || '-' || substr(ngay_tiep_nhan, 4, 2) || '-' || substr(ngay_tiep_nhan, 1, 2)
  ELSE substr(ngay_tiep_nhan, 1, 10) END AS r FROM raw)
WHERE r BETWEEN '$from' AND '$to' GROUP BY ma_don_vi;
EOF

# measure NAME CMD...: $reps runs under GNU time; appends "NAME wall cpu rss_kb" to $work/t,
# the least wall and the least CPU time of the runs (a shared machine only ever adds time).
measure() {
	name=$1
	shift
	: >"$work/runs"
	i=0
	while [ "$i" -lt "$reps" ]; do
		rm -f "$work/db"	# sqlite3 imports into a fresh database each time
		/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out"
		cat "$work/time" >>"$work/runs"
		i=$((i + 1))
	done
	cat "$work/out"	# the output of the last run
	awk -v name="$name" '
	NR == 1 || $1 < w { w = $1 }
	NR == 1 || $2 + $3 < c { c = $2 + $3 }
	$4 > m { m = $4 }
	END { printf "%s %s %.2f %d\n", name, w, c, m }' "$work/runs" >>"$work/t"
}

: >"$work/t"
measure stats "$bin/stats" -q -r "$all" --from $from --to $to --by unit --format csv \
    -o "$work/stats.csv"
measure stats1 "$bin/stats" -q -j 1 -r "$all" --from $from --to $to --by unit --format csv \
    -o "$work/stats1.csv"
measure mawk mawk -v from=$from -v to=$to -f "$work/peer.awk" "$all" >"$work/mawk.csv"
rm -f "$work/db"
measure sqlite3 sqlite3 "$work/db" ".read $work/peer.sql" >"$work/sqlite.csv"
rm -f "$work/db"
measure j1 "$bin/stats" -q -j 1 -r "$data/reg-A.csv" -r "$data/reg-B.csv" --from $from --to $to \
    --format csv -o "$work/j1.csv"
measure j2 "$bin/stats" -q -j 2 -r "$data/reg-A.csv" -r "$data/reg-B.csv" --from $from --to $to \
    --format csv -o "$work/j2.csv"
# The constant: the same command on a register of one row.
head -n 2 "$all" >"$work/one.csv"
measure one "$bin/stats" -q -j 1 -r "$work/one.csv" --from $from --to $to --format csv \
    -o "$work/one.out"

# The three answers agree (stats: unit, received, online, paper; no TOTAL row).
tail -n +2 "$work/stats.csv" | grep -v '^TOTAL' | cut -d, -f1,3,4,5 | sort >"$work/s"
sort "$work/mawk.csv" >"$work/m"
tr -d '\r' <"$work/sqlite.csv" | sort >"$work/q"  # .mode csv ends rows with CRLF
agree=no
cmp -s "$work/s" "$work/m" && cmp -s "$work/s" "$work/q" && cmp -s "$work/j1.csv" "$work/j2.csv" &&
    cmp -s "$work/stats.csv" "$work/stats1.csv" && agree=yes

echo "stats --by unit --format csv on $n_all rows ($(du -m "$all" | cut -f1) MB), $(nproc) cores;"
echo "best of $reps run(s) each; the machine is shared: wall times are noisy, CPU times less so;"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
awk -v n="$n_all" -v agree="$agree" -v cpus="$(nproc)" '
{ wall[$1] = $2; cpu[$1] = $3; rss[$1] = $4 }
END {
	printf "%-34s %9s %9s %10s %10s\n", "command", "wall s", "cpu s", "peak MB", "wall ratio"
	printf "%-34s %9.2f %9.2f %10.1f %10s\n", "stats (default -j " cpus ")", wall["stats"], cpu["stats"], rss["stats"] / 1024, "1.00"
	printf "%-34s %9.2f %9.2f %10.1f %9.2fx\n", "stats -j 1", wall["stats1"], cpu["stats1"], rss["stats1"] / 1024, wall["stats1"] / wall["stats"]
	printf "%-34s %9.2f %9.2f %10.1f %9.2fx\n", "mawk script (peer)", wall["mawk"], cpu["mawk"], rss["mawk"] / 1024, wall["mawk"] / wall["stats"]
	printf "%-34s %9.2f %9.2f %10.1f %9.2fx\n", "sqlite3 .import + GROUP BY (peer)", wall["sqlite3"], cpu["sqlite3"], rss["sqlite3"] / 1024, wall["sqlite3"] / wall["stats"]
	printf "stats vs mawk: %.2fx by wall time (default -j %d; target >= 3x)\n", wall["mawk"] / wall["stats"], cpus
	printf "stats -j 1 vs mawk: %.2fx by wall time, %.2fx by CPU time\n", wall["mawk"] / wall["stats1"], cpu["mawk"] / cpu["stats1"]
	printf "stats vs sqlite3: %.2fx by wall time, %.2fx by CPU time (-j 1)\n", wall["sqlite3"] / wall["stats"], cpu["sqlite3"] / cpu["stats1"]
	printf "\n%-34s %9s %9s %10s\n", "two files of " n / 2 " rows", "wall s", "cpu s", "peak MB"
	printf "%-34s %9.2f %9.2f %10.1f\n", "stats -j 1", wall["j1"], cpu["j1"], rss["j1"] / 1024
	printf "%-34s %9.2f %9.2f %10.1f\n", "stats -j 2", wall["j2"], cpu["j2"], rss["j2"] / 1024
	printf "speed-up -j 2 / -j 1: %.2fx (target >= 1.5x)\n", wall["j1"] / wall["j2"]
	printf "\npeak memory: %.1f B per distinct dossier (%d dossiers) with -j 1 over a constant of %.1f MB (one-row run); target <= 64 B\n", (rss["stats1"] - rss["one"]) * 1024 / n, n, rss["one"] / 1024
	printf "with the default -j %d on the one file: %.1f B per dossier; with -j 2 on the two files: %.1f B\n", cpus, (rss["stats"] - rss["one"]) * 1024 / n, (rss["j2"] - rss["one"]) * 1024 / n
	printf "stats, mawk and sqlite3 give the same counts, -j N the same report as -j 1: %s\n", agree
}' "$work/t"
