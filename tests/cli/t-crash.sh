# shellcheck shell=sh disable=SC2086 # $inputs: a list of paths without spaces
# slow
# t-crash.sh - kill -9 at any moment of an ingest, then re-run: the store must be the one an
# uninterrupted run makes, and every dossier must stay readable and valid in between.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES
export SOURCE_DATE_EPOCH=1790000000
inputs="$FX/batch $FX/multi.tif $FX/rot90.png $FX/skew3.png $FX/ct01.jpg"

# consistent STORE: every listed page's files exist and the original has the listed sha256.
consistent() {
	for x in "$1"/*/dossier.xml; do
		[ -f "$x" ] || continue
		d=$(dirname "$x")
		n=$(xmllint --xpath 'count(/dossier/pages/page)' "$x") || return 1
		i=1
		while [ "$i" -le "$n" ]; do
			f=$(xmllint --xpath "string(/dossier/pages/page[$i]/@file)" "$x")
			m=$(xmllint --xpath "string(/dossier/pages/page[$i]/@norm)" "$x")
			h=$(xmllint --xpath "string(/dossier/pages/page[$i]/@sha256)" "$x")
			[ -f "$d/$m" ] || return 1
			[ "$(sha256sum <"$d/$f" | cut -d' ' -f1)" = "$h" ] || return 1
			i=$((i + 1))
		done
	done
}

t0=$(date +%s%N)
scan-ingest -q -j 2 -o ref --dossier K $inputs 2>/dev/null
rc=$?
t1=$(date +%s%N)
ref=$(fingerprint ref)
check "the reference run succeeds (exit $rc)" [ "$rc" -eq 0 ]
check "the reference run stored its pages" [ -n "$ref" ]
check "the reference store is consistent" consistent ref

# Kills at 5% to 80% of the reference run's own duration: early, middle, late.
interrupted=0
for pct in 5 15 25 35 45 55 65 80; do
	delay=$(awk -v t0="$t0" -v t1="$t1" -v p="$pct" 'BEGIN { printf "%.3f", (t1 - t0) * p / 100 / 1e9 }')
	rm -rf crash
	scan-ingest -q -j 2 -o crash --dossier K $inputs 2>/dev/null &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n_now=$(find crash -type f 2>/dev/null | wc -l)
	echo "# kill at ${pct}%: ${n_now} files in the store"
	[ -d crash ] && [ "$(fingerprint crash)" != "$ref" ] && interrupted=$((interrupted + 1))
	valid=1
	for x in crash/*/dossier.xml; do
		[ -f "$x" ] || continue
		xmllint --noout --schema "$HOSO_TOP/data/schema/dossier.xsd" "$x" 2>/dev/null || valid=0
	done
	check "after kill -9 at ${pct}% of a run (${delay}s) every dossier.xml is valid" [ $valid -eq 1 ]
	check "after kill -9 at ${pct}% every listed page is there with its sha256" consistent crash
	scan-ingest -q -j 2 -o crash --dossier K $inputs 2>/dev/null
	check "a re-run after kill -9 at ${pct}% of a run gives the uninterrupted store" [ "$(fingerprint crash)" = "$ref" ]
done
# Otherwise the cases above would prove nothing: the kills must land mid-run.
check "at least 3 of the 8 kills interrupted a run ($interrupted did)" [ $interrupted -ge 3 ]
echo "# $n_case cases"
