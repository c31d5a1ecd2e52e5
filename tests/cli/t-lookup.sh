# shellcheck shell=sh
# t-lookup.sh - lookup: find dossiers by identity number, a name or a phrase typed as people type
# them (no diacritics, any case, NFD, đ as d), with diacritics typed ranking exact spellings
# first; the index kept by the writers and caught up, rebuilt or recreated by lookup when it is
# behind the store, damaged or of another schema; output formats; usage errors and exit codes.
# Most dossiers here are written by hand (dossier.xml, a page text, fields.xml as ocr-extract
# leaves them) so that the names and texts are exactly the ones each case needs; one dossier
# goes through the real scan-ingest, ocr-extract and review.
. "$HOSO_TOP/tests/cli/lib.sh"

DBOPT=
# shellcheck source=tests/cli/lookup-cases.sh
. "$HOSO_TOP/tests/cli/lookup-cases.sh"

# --- SQLite's file: damaged, of another schema ---
printf 'not a database at all\n' >st/index.sqlite
rm -f st/index.sqlite-wal st/index.sqlite-shm
expect_exit 0 "a damaged index is built again" lookup -o st --id 026090001234
contains "...saying so" "$errout" "built again"
check "...and finds both" [ "$(printf '%s\n' "$out" | grep -c '^U')" -eq 2 ]
sqlite3 st/index.sqlite "UPDATE meta SET value = '0' WHERE key = 'schema'"
expect_exit 0 "an index of another schema is built again" lookup -o st --name "do duc dat"
contains "...saying which" "$errout" "schema 0"
expect_exit 0 "--reindex builds it whole" lookup --reindex st
contains "...reporting the dossiers" "$errout" "4 dossiers, 4 indexed"

# --- bad input ---
# STORE/index.db names a shared database for the writers: anything but a postgresql:// URL
# in it is refused, not tried as a connection string or a file.
printf 'host=/tmp dbname=x\n' >st/index.db
expect_exit 3 "an index.db that is no postgresql:// URL is bad input" lookup -o st --id 026090001234
contains "...naming the file" "$errout" "st/index.db: not a PostgreSQL URL"
rm st/index.db
expect_exit 3 "a directory that is not a store: exit 3" lookup -o st/U1-240105-0001 --id 026090001234
contains "...naming it" "$errout" "st/U1-240105-0001: not a store"
expect_exit 3 "a store that is not there: exit 3" lookup -o nowhere --id 026090001234
contains "...naming it" "$errout" "nowhere"
expect_exit 2 "two stores is a usage error" lookup --id 026090001234 st st

# --- the writers keep the index: scan-ingest, ocr-extract, review ---
need_fixtures
expect_exit 0 "scan-ingest stores a page" scan-ingest -q -o st --dossier U4-240110-0001 "$FIXTURES/form-ct01.png"
expect_exit 0 "...found at once by its unit" lookup -q -o st --unit U4
contains "...there" "$out" "U4-240110-0001"
expect_exit 0 "ocr-extract reads the form" ocr-extract -q --form auto st/U4-240110-0001
expect_exit 0 "...whose values are found without catching up" lookup -v -o st --id 026195004567
contains "...the identity number read" "$out" "so_dinh_danh: 026195004567"
lacks "...no catching up was needed" "$errout" "indexed"
expect_exit 0 "...and its text" lookup -o st --text "dang ky thuong tru" --unit U4
# A correction saved by review (here through --import, as a spreadsheet gives it back).
printf 'dossier,page,field,label,reading,reason,value\r\nU4-240110-0001,1,ho_ten,,Lê Thị Hoa,,Lê Thị Hòa\r\n' >fixed.csv
expect_exit 0 "review --import saves a corrected name" review --import fixed.csv st/U4-240110-0001
expect_exit 0 "...which lookup finds at once" lookup -v -o st --name "le thi hoa" --unit U4 --format json
contains "...with the corrected value, checked by a person" "$out" '"field": "ho_ten", "value": "Lê Thị Hòa", "reviewed": true'
lacks "...no catching up was needed" "$errout" "indexed"
mkdir st/index.sqlite.d && rm -f st/index.sqlite st/index.sqlite-wal st/index.sqlite-shm &&
    mv st/index.sqlite.d st/index.sqlite
expect_exit 0 "an index that cannot be opened does not stop scan-ingest" scan-ingest -o st --dossier U5-240111-0001 "$FIXTURES/form-ct01.png"
contains "...which warns" "$errout" "catch up at the next lookup"
check "...and leaves index.stale" [ -e st/index.stale ]
check "...the page is stored" [ -s st/U5-240111-0001/dossier.xml ]
rmdir st/index.sqlite
expect_exit 0 "...lookup then builds the index and finds it" lookup -o st --unit U5
contains "...found" "$out" "U5-240111-0001"
expect_exit 0 "--no-index leaves the index to lookup" ocr-extract -q --no-index st/U5-240111-0001
check "...marking it behind" [ -e st/index.stale ]
expect_exit 0 "...lookup catches up and finds the text" lookup -o st --text "dang ky thuong tru" --unit U5
