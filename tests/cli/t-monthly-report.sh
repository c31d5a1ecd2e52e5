# shellcheck shell=sh
# t-monthly-report.sh - hoso-monthly-report as cron runs it: the month before today (also in
# January), a month written whole or not at all, re-runs that replace it byte for byte, one
# log line per run, one run at a time, stats found beside it under cron's PATH.
. "$HOSO_TOP/tests/cli/lib.sh"
UNITS=$TESTDATA/units-vinh-phuc-2024.csv
MR=$HOSO_TOP/scripts/monthly-report

mkdir exports out
"$HOSO_TOP/scripts/gen-register" --units "$UNITS" --seed 3 --rows 300 >exports/2025.csv
# The formats stats has on this branch; html is added when stats has it.
cat >mr.conf <<CONF
# the monthly report of the test office
registers = $HOSO_WORK/exports
units = $UNITS
output = $HOSO_WORK/out
targets = online=80,signed=99
formats = text csv xml
stats = $HOSO_BIN/stats
CONF

# --- the month before today ---
expect_exit 0 "--today 2025-03-15 reports February" "$MR" --today 2025-03-15 mr.conf
three() { [ -s out/2025-02/report.txt ] && [ -s out/2025-02/report.csv ] && [ -s out/2025-02/report.xml ]; }
check "out/2025-02 holds the three formats" three
contains "one log line says ok" "$errout" "2025-02: ok: 3 files in"
check "the log is one line" [ "$(printf '%s\n' "$errout" | wc -l)" -eq 1 ]
expect_exit 0 "--today 2025-01-01 reports December of the year before" "$MR" --today 2025-01-01 mr.conf
check "out/2024-12 is written" [ -s out/2024-12/report.csv ]
expect_exit 0 "--today 2025-12-31 reports November" "$MR" --today 2025-12-31 mr.conf
check "out/2025-11 is written" [ -s out/2025-11/report.csv ]
stats -q -r exports/2025.csv -u "$UNITS" --month 2025-02 --target online=80,signed=99 -f csv -o want.csv
check "the CSV is what stats writes for that month" cmp want.csv out/2025-02/report.csv
check "the XML report is the month's" grep -q 'from="2025-02-01" to="2025-02-28"' out/2025-02/report.xml

# --- re-runs are idempotent and replace the month whole ---
sum() { (cd out && find . -type f | LC_ALL=C sort | xargs cat | cksum); }
before=$(sum)
expect_exit 0 "--month 2025-02 again" "$MR" --month 2025-02 --log run.log mr.conf
check "a re-run gives the same files" [ "$(sum)" = "$before" ]
check "--log appends the line to the file" grep -q '2025-02: ok' run.log
check "nothing is left but the months (and the lock)" [ "$(cd out && find . ! -name . ! -name .lock | LC_ALL=C sort | tr "\n" " ")" = "./2024-12 ./2024-12/report.csv ./2024-12/report.txt ./2024-12/report.xml ./2025-02 ./2025-02/report.csv ./2025-02/report.txt ./2025-02/report.xml ./2025-11 ./2025-11/report.csv ./2025-11/report.txt ./2025-11/report.xml " ]
echo stale >out/2025-02/stale.txt
expect_exit 0 "a re-run over a month with an extra file" "$MR" --month 2025-02 mr.conf
check "the month is replaced whole (the extra file is gone)" [ ! -e out/2025-02/stale.txt ]

# --- a failure in the middle leaves no month and no temporary directory ---
cat >failing-stats <<'SH'
#!/bin/sh
# stats that fails on the second format
for a in "$@"; do [ "$a" = csv ] && { echo "stats: disk on fire" >&2; exit "${FAIL_RC:-4}"; }; done
exec "$HOSO_BIN/stats" "$@"
SH
chmod +x failing-stats
sed "s|^stats = .*|stats = $HOSO_WORK/failing-stats|" mr.conf >fail.conf
expect_exit 4 "a failing stats fails the run with its status (4: I/O)" "$MR" --month 2025-04 fail.conf
contains "the log line says why" "$errout" "2025-04: failed: stats -f csv: stats: disk on fire"
check "no month directory is left" [ ! -e out/2025-04 ]
check "no temporary directory is left" [ -z "$(find out -name '.*' ! -name .lock)" ]
expect_exit 4 "a failing re-run of an existing month fails" "$MR" --month 2025-02 fail.conf
check "the earlier month is left as it was" [ "$(sum)" = "$before" ]
expect_exit 3 "stats' bad input (3) stays 3" env FAIL_RC=3 "$MR" --month 2025-04 fail.conf
expect_exit 5 "stats' engine failure (5) stays 5" env FAIL_RC=5 "$MR" --month 2025-04 fail.conf
sed 's|^targets = .*|targets = online=lots|' mr.conf >badtargets.conf
expect_exit 3 "a targets value stats refuses (its usage error) is a bad configuration" \
    "$MR" --month 2025-04 badtargets.conf
check "and leaves no month" [ ! -e out/2025-04 ]

# --- with --log, a failure goes to standard error too (cron mails it), success only to the log ---
expect_exit 4 "a failing run with --log" "$MR" --month 2025-04 --log fail.log fail.conf
contains "the failure is on standard error" "$errout" "2025-04: failed: stats -f csv: stats: disk on fire"
check "and in the log" grep -q '2025-04: failed: stats -f csv' fail.log
expect_exit 0 "a run with --log that works" "$MR" --month 2025-02 --log fail.log mr.conf
check "says nothing on standard error" [ -z "$errout" ]
check "and logs ok" grep -q '2025-02: ok' fail.log

# --- bad configurations and usage ---
printf 'output = %s/out\nregisters = %s/nothere\n' "$HOSO_WORK" "$HOSO_WORK" >bad.conf
expect_exit 3 "a missing register directory is bad input" "$MR" --month 2025-02 bad.conf
contains "the message names it" "$errout" "nothere is not a directory"
printf 'output = out\ncolour = blue\n' >bad2.conf
expect_exit 3 "an unknown key is bad input" "$MR" --month 2025-02 bad2.conf
contains "the message names file and line" "$errout" "bad2.conf:2: unknown key 'colour'"
sed 's|^formats = .*|formats = text pdf|' mr.conf >bad3.conf
expect_exit 3 "an unknown format is bad input" "$MR" --month 2025-05 bad3.conf
check "and leaves no month" [ ! -e out/2025-05 ]
expect_exit 2 "no configuration is a usage error" "$MR"
expect_exit 2 "a bad --month is a usage error" "$MR" --month 2025-13 mr.conf
expect_exit 2 "a bad --today is a usage error" "$MR" --today 2025-3-1 mr.conf
expect_exit 2 "--today 2025-01-39 (no such day) is a usage error" "$MR" --today 2025-01-39 mr.conf
expect_exit 2 "--today 2025-02-31 is a usage error" "$MR" --today 2025-02-31 mr.conf
expect_exit 2 "--today 2025-02-29 (not a leap year) is a usage error" "$MR" --today 2025-02-29 mr.conf
expect_exit 0 "--today 2024-02-29 (a leap year) reports January" "$MR" --today 2024-02-29 mr.conf
check "out/2024-01 is written" [ -s out/2024-01/report.csv ]

# Permissions do not hold for root: as root, run the command in a user namespace as an
# ordinary user that owns what root owns (unshare(1)).
unpriv_ok() { [ "$(id -u)" -ne 0 ] || unshare --user --map-user=1000 --map-group=1000 true 2>/dev/null; }
unpriv() {
	if [ "$(id -u)" -ne 0 ]; then "$@"; else unshare --user --map-user=1000 --map-group=1000 -- "$@"; fi
}

# --- an unreadable register directory is an I/O error, not "no register export" ---
mkdir locked
cp exports/2025.csv locked/
chmod 000 locked
sed "s|^registers = .*|registers = $HOSO_WORK/locked|" mr.conf >locked.conf
if unpriv_ok; then
	expect_exit 4 "an unreadable register directory is an I/O error" unpriv "$MR" --month 2025-02 locked.conf
	contains "the message says it cannot be read" "$errout" "cannot read the directory $HOSO_WORK/locked"
else
	pass "# SKIP an unreadable register directory (root without user namespaces)"
fi
chmod 755 locked

# --- a command that fails says so in one line, with the reason ---
mkdir ro-out
: >ro-out/.lock
chmod 555 ro-out
sed "s|^output = .*|output = $HOSO_WORK/ro-out|" mr.conf >ro.conf
if unpriv_ok; then
	expect_exit 4 "an output directory that cannot be written is an I/O error" unpriv "$MR" --month 2025-02 ro.conf
	check "the failure is one line on standard error" [ "$(printf '%s\n' "$errout" | wc -l)" -eq 1 ]
	contains "with mkdir's reason" "$errout" "2025-02: failed: mkdir: cannot create directory"
else
	pass "# SKIP an output directory that cannot be written (root without user namespaces)"
fi
chmod 755 ro-out

# --- a stand-in for stats: writes its arguments to stats.args and "report" to -o; FAKE_RC
# makes it fail, FAKE_SLEEP makes it sleep (after touching stats.started) ---
cat >fake-stats <<'SH'
#!/bin/sh
printf '%s\n' "$@" >"$HOSO_WORK/stats.args"
if [ -n "${FAKE_SLEEP:-}" ]; then : >"$HOSO_WORK/stats.started"; exec sleep "$FAKE_SLEEP"; fi
[ -n "${FAKE_RC:-}" ] && { echo "stats: fake failure" >&2; exit "$FAKE_RC"; }
while [ $# -gt 1 ]; do [ "$1" = -o ] && echo report >"$2"; shift; done
SH
chmod +x fake-stats

# --- register exports go to stats in name order, *.csv and *.xlsx together ---
mkdir sorted
touch sorted/b.csv sorted/a.xlsx sorted/C.csv sorted/notes.txt
cat >sorted.conf <<CONF
registers = $HOSO_WORK/sorted
output = $HOSO_WORK/out
formats = csv
stats = $HOSO_WORK/fake-stats
CONF
registers_given() { sed -n '/^-r$/{n;p;}' stats.args | sed "s|^$HOSO_WORK/sorted/||" | tr '\n' ' '; }
expect_exit 0 "a run over .csv and .xlsx exports" "$MR" --month 2025-02 sorted.conf
check "stats gets them in byte order, csv and xlsx mixed" [ "$(registers_given)" = "C.csv a.xlsx b.csv " ]
if command -v bash >/dev/null && locale -a 2>/dev/null | grep -qx 'vi_VN.utf8'; then
	expect_exit 0 "run by bash under a Vietnamese locale" env LC_ALL=vi_VN.utf8 bash "$MR" --month 2025-02 sorted.conf
	check "the same order (the locale's collation is not used)" [ "$(registers_given)" = "C.csv a.xlsx b.csv " ]
else
	pass "# SKIP the order under bash and vi_VN.utf8 (not installed)"
	pass "# SKIP"
fi

# --- lenient: the rows stats skipped are in the log line ---
mkdir lenient-exports
"$HOSO_TOP/scripts/gen-register" --units "$UNITS" --seed 5 --rows 40 --plain --dups 0 \
    --from 2025-02-01 --to 2025-02-28 >lenient-exports/a.csv
# One more row with an extra cell: a row stats skips with --lenient.
row=$(sed -n 2p lenient-exports/a.csv)
printf '%s,extra\n' "$row" >>lenient-exports/a.csv
sed "s|^registers = .*|registers = $HOSO_WORK/lenient-exports|" mr.conf >lenient.conf
echo "lenient = yes" >>lenient.conf
expect_exit 0 "a lenient run over an export with a bad row" "$MR" --month 2025-02 lenient.conf
contains "the log line says ok" "$errout" "2025-02: ok: 3 files in"
contains "and how many rows were skipped, and why" "$errout" "1 rows skipped: invalid text"
check "in one line" [ "$(printf '%s\n' "$errout" | wc -l)" -eq 1 ]

# --- stats is found beside the script under cron's PATH (make install puts both in BINDIR) ---
mkdir bin elsewhere
cp "$MR" bin/hoso-monthly-report
ln -s "$HOSO_BIN/stats" bin/stats
ln -s "$HOSO_WORK/bin/hoso-monthly-report" elsewhere/mr
grep -v '^stats = ' mr.conf >cron.conf
expect_exit 0 "under PATH=/usr/bin:/bin the stats beside the script is run" \
    env PATH=/usr/bin:/bin "$HOSO_WORK/bin/hoso-monthly-report" --month 2025-06 cron.conf
check "out/2025-06 is written" [ -s out/2025-06/report.csv ]
expect_exit 0 "also when the script is run through a symbolic link" \
    env PATH=/usr/bin:/bin "$HOSO_WORK/elsewhere/mr" --month 2025-06 cron.conf
rm bin/stats
expect_exit 4 "no stats beside it nor on the PATH is a system error" \
    env PATH=/usr/bin:/bin "$HOSO_WORK/bin/hoso-monthly-report" --month 2025-06 cron.conf
contains "the message says where it looked" "$errout" "cannot find stats beside $HOSO_WORK/bin/hoso-monthly-report"

# --- re-runs are byte for byte the same, the HTML report too: its "Generated" time is the
# newest input's (SOURCE_DATE_EPOCH, unless set) ---
mkdir repro repro/exports repro/out
cp exports/2025.csv repro/exports/
cp "$UNITS" repro/units.csv
TZ=UTC0 touch -t 202502011200 repro/units.csv
TZ=UTC0 touch -t 202503011234 repro/exports/2025.csv
cat >repro.conf <<CONF
registers = $HOSO_WORK/repro/exports
units = $HOSO_WORK/repro/units.csv
output = $HOSO_WORK/repro/out
targets = online=80,signed=99
formats = text csv xml html json
stats = $HOSO_BIN/stats
CONF
expect_exit 0 "a run with every format" env -u SOURCE_DATE_EPOCH TZ=UTC0 "$MR" --month 2025-02 repro.conf
check "the HTML report was generated at the newest input's time" \
    grep -q 'Generated: 2025-03-01 12:34 +0000' repro/out/2025-02/report.html
cp -R repro/out/2025-02 repro/first
sleep 1
expect_exit 0 "the same run again" env -u SOURCE_DATE_EPOCH TZ=UTC0 "$MR" --month 2025-02 repro.conf
same_files() {
	for f in repro/first/*; do cmp "$f" "repro/out/2025-02/${f##*/}" || return 1; done
	[ "$(ls repro/first)" = "$(ls repro/out/2025-02)" ]
}
check "gives every file byte for byte the same" same_files
expect_exit 0 "SOURCE_DATE_EPOCH already set" env SOURCE_DATE_EPOCH=86400 TZ=UTC0 "$MR" --month 2025-02 repro.conf
check "is the one used" grep -q 'Generated: 1970-01-02 00:00 +0000' repro/out/2025-02/report.html

# --- stale temporary months of killed runs are cleaned up; a live run's are left ---
mkdir out/.2025-09.tmp.99999999 "out/.2025-09.tmp.$$" out/.2025-10.old.99999998 out/.2025-11.old.99999997
echo earlier >out/.2025-10.old.99999998/report.txt
echo earlier >out/.2025-11.old.99999997/report.txt
expect_exit 0 "a run over the leftovers of killed runs" "$MR" --month 2025-02 mr.conf
check "a killed run's temporary month is removed" [ ! -e out/.2025-09.tmp.99999999 ]
check "a live run's temporary month is left" [ -d "out/.2025-09.tmp.$$" ]
check "a month set aside by a killed run is put back" grep -q earlier out/2025-10/report.txt
check "or removed when the month is there" [ ! -e out/.2025-11.old.99999997 ]
check "the month there is kept" [ -s out/2025-11/report.csv ]
rmdir "out/.2025-09.tmp.$$"

# --- SIGTERM: stats is stopped, the month left out, one line logged ---
# sorted.conf's fake stats sleeps first when FAKE_SLEEP is set.
rm -f stats.started
FAKE_SLEEP=5 "$MR" --month 2025-08 --log int.log sorted.conf >int.out 2>int.err &
pid=$!
i=0
while [ ! -e stats.started ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$pid"
start=$(date +%s)
wait "$pid"
rc=$?
check "an interrupted run exits 4" [ "$rc" -eq 4 ]
check "at once, without waiting for stats" [ $(($(date +%s) - start)) -lt 3 ]
check "it logs one line: interrupted" grep -q '2025-08: failed: interrupted by SIGTERM' int.log
check "on standard error too" grep -q '2025-08: failed: interrupted by SIGTERM' int.err
check "and leaves no month" [ ! -e out/2025-08 ]
check "nor a temporary directory" [ -z "$(find out -name '.2025-08*')" ]

# --- two runs of a month at once: one after the other, never one inside the other ---
# A mv that takes its time over a month renamed into place widens the window between the
# check for an earlier month and the rename, so two runs without a lock would overlap there.
mkdir slowbin
real_mv=$(command -v mv)
cat >slowbin/mv <<SH
#!/bin/sh
case \$* in *.tmp.*) sleep 1 ;; esac
exec $real_mv "\$@"
SH
chmod +x slowbin/mv
PATH=$HOSO_WORK/slowbin:$PATH "$MR" --month 2025-07 mr.conf >race1.out 2>race1.err &
p1=$!
PATH=$HOSO_WORK/slowbin:$PATH "$MR" --month 2025-07 mr.conf >race2.out 2>race2.err &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
check "both runs end ok" [ "$r1 $r2" = "0 0" ]
check "out/2025-07 holds the three reports and nothing else" \
    [ "$(cd out/2025-07 && find . ! -name . | LC_ALL=C sort | tr '\n' ' ')" = "./report.csv ./report.txt ./report.xml " ]
check "no temporary or old month is left" [ -z "$(find out -name '.2025-07*')" ]

expect_exit 0 "--help" "$MR" --help
contains "--help shows the synopsis" "$out" "Usage: hoso-monthly-report"
echo "# $n_case cases"
