# shellcheck shell=sh
# t-scan-watch.sh - scan-ingest --watch DIR, the hot folder: files there at start and files
# dropped later are ingested once they hold still, then moved to done/; a bad file goes to
# failed/ with its reason; a file still being written is not read half; one watcher a folder;
# SIGTERM ends the watch with status 0.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES

mkdir hot
cp "$FX/form-ct01.png" hot/early.png
scan-ingest --watch hot -o st --dossier W --settle 1 >watch.out 2>watch.err &
pid=$!
# wait_for PATH: until it exists (at most 30 s)
wait_for() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$1" ]
}
check "a file there at the start is taken" wait_for hot/done/early.png
check "...and stored" [ "$(xmllint --xpath 'string(/dossier/so_trang)' st/W/dossier.xml)" = 1 ]
check "...and gone from the folder" [ ! -e hot/early.png ]

expect_exit 4 "a second watcher on the same folder is refused" scan-ingest --watch hot -o st --dossier W
contains "...saying another one watches it" "$errout" "another scan-ingest --watch"

# A file written in two halves, 0.5 s apart: never read half.
head -c 4000 "$FX/form-tiep-nhan.png" >hot/.part
mv hot/.part hot/slow.png
sleep 0.5
tail -c +4001 "$FX/form-tiep-nhan.png" >>hot/slow.png
check "a file written slowly is taken once whole" wait_for hot/done/slow.png
check "...and not as a bad file" [ ! -e hot/failed/slow.png ]
check "...its page stored" [ "$(xmllint --xpath 'string(/dossier/so_trang)' st/W/dossier.xml)" = 2 ]

printf 'not an image' >hot/bad.png
check "a bad file goes to failed/" wait_for hot/failed/bad.png.reason
check "...itself too" [ -e hot/failed/bad.png ]
check "...with its reason beside it" grep -q "bad.png" hot/failed/bad.png.reason
cp "$FX/form-ct01.png" hot/again.png
check "the same page again is taken (a duplicate, not stored twice)" wait_for hot/done/again.png
check "...still two pages" [ "$(xmllint --xpath 'string(/dossier/so_trang)' st/W/dossier.xml)" = 2 ]
cp "$FX/form-ct01.png" hot/early.png
check "a name already in done/ gets another there" wait_for hot/done/early.png.1

kill -TERM "$pid"
wait "$pid"
check "SIGTERM ends the watch with status 0" [ $? -eq 0 ]
contains "each file had its line" "$(cat watch.err)" "slow.png: dossier W: 1 pages added"
contains "...and the bad one its reason" "$(cat watch.err)" "bad.png: not taken"
check "no temporary files are left" [ -z "$(find st hot -name '.*.tmp.*')" ]
expect_exit 2 "--watch takes no inputs" scan-ingest --watch hot -o st x.png
