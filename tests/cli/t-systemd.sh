# shellcheck shell=sh
# t-systemd.sh - the systemd units shipped (data/systemd/) are what systemd accepts
# (systemd-analyze verify, with ExecStart pointed at this build's programs, as make install
# points them at BINDIR), and the timer keeps the schedule hoso-monthly-report(1) gives cron.
. "$HOSO_TOP/tests/cli/lib.sh"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	fail "systemd-analyze is installed (scripts/install-deps installs systemd)"
	exit 1
fi
mkdir units
for u in "$HOSO_TOP"/data/systemd/*; do
	name=$(basename "$u")
	sed "s|/usr/bin/hoso-monthly-report|$HOSO_TOP/scripts/monthly-report|; s|/usr/bin/|$HOSO_BIN/|" \
	    "$u" >"units/$name"
done
for u in units/*; do
	name=$(basename "$u")
	case $name in *@.service) inst=units/$(echo "$name" | sed 's/@/@srv-scans/'); cp "$u" "$inst"; u=$inst ;; esac
	run systemd-analyze verify --man=no "$u"
	check "$name: systemd-analyze verify says nothing ($errout)" [ "$rc" -eq 0 ] && [ -z "$errout" ]
done
grep -q '^OnCalendar=\*-\*-01 02:30:00$' units/hoso-monthly-report.timer
check "the timer runs on the first of the month at 02:30, as the crontab line of hoso-monthly-report(1)" [ $? -eq 0 ]
check "...and catches up a run missed while the machine was off" grep -q '^Persistent=true$' units/hoso-monthly-report.timer
check "the service runs the report with the configuration and the log of hoso-monthly-report(1)" \
    grep -q 'hoso-monthly-report --log /var/log/hoso/monthly-report.log /etc/hoso/monthly-report.conf$' \
    "$HOSO_TOP/data/systemd/hoso-monthly-report.service"
# The check can fail: a timer with a calendar systemd cannot read.
sed 's/^OnCalendar=.*/OnCalendar=every first monday/' units/hoso-monthly-report.timer >bad.timer
run systemd-analyze verify --man=no bad.timer
check "a timer with a bad OnCalendar= is refused by the same check" [ -n "$errout" ]
