# shellcheck shell=sh
# t-hoso.sh - the front door: hoso TOOL runs the tool (arguments and exit status passed
# through), hoso --help lists every tool with one line, hoso help TOOL opens its manual,
# an unknown tool is a usage error.
. "$HOSO_TOP/tests/cli/lib.sh"

expect_exit 0 "hoso --help" hoso --help
for t in "$HOSO_BIN"/*; do
	name=$(basename "$t")
	[ "$name" = hoso ] && continue
	contains "...lists $name" "$out" "  $name "
done
contains "...and monthly-report (the program hoso-monthly-report)" "$out" "  monthly-report "
check "...in 80 columns" [ "$(printf '%s\n' "$out" | awk '{ if (length($0) > 80) n++ } END { print n + 0 }')" -eq 0 ]
expect_exit 0 "hoso --version" hoso --version
contains "...says it" "$out" "hoso 0.1.0"
expect_exit 0 "hoso TOOL runs the tool" hoso verify --version
contains "...whose output it is" "$out" "verify (hoso) 0.1.0"
expect_exit 2 "...its exit status passed through (verify: usage)" hoso verify --no-such-option
contains "...and its messages" "$errout" "verify"
expect_exit 1 "...exit 1 when the tool says no" hoso lookup -o "$HOSO_WORK" --unit NOBODY --reindex
expect_exit 2 "an unknown tool is a usage error" hoso nope
contains "...saying where the tools are listed" "$errout" "not a hoso tool: 'nope'"
expect_exit 2 "no tool at all: usage" hoso
expect_exit 2 "an option in place of a tool" hoso --nope
# help: man, here a stand-in that says what it was asked.
mkdir bin
printf '#!/bin/sh\necho "man $*"\n' >bin/man
printf '#!/bin/sh\necho "monthly report $*"\n' >bin/hoso-monthly-report
chmod +x bin/man bin/hoso-monthly-report
PATH="$HOSO_WORK/bin:$PATH" run hoso help lookup
check "hoso help TOOL opens the tool's manual" [ "$out" = "man lookup" ]
PATH="$HOSO_WORK/bin:$PATH" run hoso help monthly-report
check "...monthly-report's is hoso-monthly-report(1)" [ "$out" = "man hoso-monthly-report" ]
PATH="$HOSO_WORK/bin:$PATH" run hoso help
check "hoso help alone opens hoso(1)" [ "$out" = "man hoso" ]
expect_exit 2 "hoso help of an unknown tool" hoso help nope
PATH="$HOSO_WORK/bin:$PATH" run hoso monthly-report --month 2025-03 x.conf
check "hoso monthly-report runs hoso-monthly-report (from PATH when not beside hoso)" \
    [ "$out" = "monthly report --month 2025-03 x.conf" ]
