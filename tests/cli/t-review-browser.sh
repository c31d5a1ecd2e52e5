# shellcheck shell=sh
# t-review-browser.sh - the review page in Debian's chromium (tests/review-browser.mjs with
# puppeteer-core): open the printed address, type a value with diacritics into a flagged row,
# Enter, and find it in fields.xml; a refused value, Esc, two browsers on one dossier.
. "$HOSO_TOP/tests/cli/lib.sh"
if ! command -v chromium >/dev/null 2>&1 || [ ! -d "$HOSO_TOP/tests/node_modules/puppeteer-core" ]; then
	fail "chromium and puppeteer-core are there (scripts/install-deps installs them)"
	exit 1
fi
review_dossier st D || exit 1
start_review st
check "review printed its address" [ -n "$url" ]
node "$HOSO_TOP/tests/review-browser.mjs" "$url" "$PWD/st/D" ${REVIEW_SCREENSHOT:+"$REVIEW_SCREENSHOT"}
kill -TERM "$pid"
wait "$pid"
check "the server stops with status 0" [ $? -eq 0 ]
