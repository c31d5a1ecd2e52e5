# shellcheck shell=sh
# t-lookup-pg.sh - lookup on a shared PostgreSQL index: the same query cases as SQLite
# (lookup-cases.sh) against a PostgreSQL server this test starts for itself (Debian's
# postgresql: initdb in a temporary directory, a Unix socket there, no TCP), then what is
# PostgreSQL's own: the URL recorded in the store so the writers keep it, several stores in one
# database searched together, a database of another schema made again.
. "$HOSO_TOP/tests/cli/lib.sh"

pgbin=
for d in /usr/lib/postgresql/*/bin; do pgbin=$d; done	# the newest (Debian 12 has one: 15)
if [ ! -x "$pgbin/initdb" ]; then
	fail "PostgreSQL's server is installed (scripts/install-deps installs postgresql)"
	exit 1
fi
# The server refuses to run as root: as root it runs as the postgres user.
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	as_pg() { runuser -u postgres -- "$@"; }
fi
pgdir=$(mktemp -d /tmp/hoso-pg.XXXXXX)
chmod 755 "$pgdir"
[ "$(id -u)" -eq 0 ] && chown postgres "$pgdir"
stop_pg() {
	as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$pgdir"
}
trap stop_pg EXIT
if ! as_pg "$pgbin/initdb" -D "$pgdir/data" -U hoso --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$pgdir/initdb.log" 2>&1 ||
    ! as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-k $pgdir -c listen_addresses='' -p 5432" start >/dev/null 2>&1; then
	fail "a PostgreSQL server of the test's own starts" "$(cat "$pgdir"/*.log 2>/dev/null)"
	exit 1
fi
pass "a PostgreSQL server of the test's own starts (initdb, a socket in $pgdir)"
URL="postgresql:///postgres?host=$pgdir&port=5432&user=hoso"
psql_() { psql -X -q -t -A -d "$URL" -c "$1"; }

DBOPT="--db $URL"
# shellcheck source=tests/cli/lookup-cases.sh
. "$HOSO_TOP/tests/cli/lookup-cases.sh"

# --- PostgreSQL's own ---
check "the store records the shared index for its writers" [ "$(cat st/index.db)" = "$URL" ]
check "...and has no SQLite index" [ ! -e st/index.sqlite ]
expect_exit 0 "lookup without --db uses the recorded one" lookup -o st --id 026090001234
contains "...found" "$out" "U2-240107-0001"
mk U6-240112-0001 2024-01-12 U6 "Kho khác" "Một kho khác của xã bên cạnh" "$(f ho_ten name false 'Vương Thị Ngân')"
mkdir st2 && mv st/U6-240112-0001 st2/
expect_exit 0 "a second store joins the same database" lookup --db "$URL" -o st2 --unit U6
check "...its dossier is there" [ "$(printf '%s\n' "$out" | grep -c '^U6')" -eq 1 ]
expect_exit 0 "the first store's dossiers stay (each store's own are synced)" lookup -o st --unit U2
check "...both U2 dossiers" [ "$(printf '%s\n' "$out" | grep -c '^U2')" -eq 2 ]
expect_exit 0 "--db without a store searches every store of the database" lookup --db "$URL" --name "vuong thi ngan"
contains "...the second store's" "$out" "U6-240112-0001"
expect_exit 0 "...and the first's" lookup --db "$URL" --name "do duc dat"
contains "...found" "$out" "U2-240108-0001"
expect_exit 2 "--reindex without a store is a usage error" lookup --db "$URL" --reindex
expect_exit 2 "--db with something else than a postgresql:// URL" lookup --db /tmp/x.sqlite --id 026090001234

need_fixtures
expect_exit 0 "scan-ingest updates the shared index (the URL recorded in the store)" \
    scan-ingest -q -o st --dossier U7-240113-0001 "$FIXTURES/form-ct01.png"
check "...no SQLite index was made" [ ! -e st/index.sqlite ]
check "...the dossier is in the database at once" [ "$(psql_ "SELECT count(*) FROM hoso_dossiers WHERE code = 'U7-240113-0001'")" -eq 1 ]
expect_exit 0 "ocr-extract too" ocr-extract -q --form auto st/U7-240113-0001
check "...its identity number in the database" [ "$(psql_ "SELECT count(*) FROM hoso_fields WHERE value = '026195004567' AND type = 'cccd'")" -ge 1 ]

psql_ "UPDATE hoso_meta SET value = '0' WHERE store = '' AND key = 'schema'"
expect_exit 0 "a database of another schema is made again" lookup -o st --id 026195004567
contains "...saying why" "$errout" "schema 0"
contains "...and the store's dossiers found again" "$out" "U7-240113-0001"
stop_pg
trap - EXIT
expect_exit 4 "a database that is not there is an I/O error" lookup --db "$URL" --id 026195004567
contains "...naming PostgreSQL" "$errout" "PostgreSQL"
