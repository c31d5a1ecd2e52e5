# shellcheck shell=sh
# t-completion.sh - bash completion (data/bash-completion/hoso): every tool completes its own
# long options (from its --help), the fixed values some options take, template names for
# --form, directories where a directory is wanted, and files for operands.
. "$HOSO_TOP/tests/cli/lib.sh"

comp="$HOSO_TOP/data/bash-completion/hoso"
# hoso-monthly-report is scripts/monthly-report under the name make install gives it.
mkdir bin && ln -s "$HOSO_TOP/scripts/monthly-report" bin/hoso-monthly-report
# c WORD...: what bash offers for the last word
c() {
	PATH="$HOSO_BIN:$HOSO_WORK/bin:$PATH" HOSO_DATADIR="$HOSO_TOP/data" bash -c '
	    . "$1"; shift
	    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hoso_complete
	    [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
	    - "$comp" "$@"
}

for t in scan-ingest ocr-extract review lookup sign-pack verify stats hoso; do
	want=$("$HOSO_BIN/$t" --help | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u | tr '\n' ' ')
	got=$(c "$t" --)
	check "$t: -- offers every long option of its --help ($(echo "$want" | wc -w))" [ "$got" = "$want" ]
done
check "a prefix narrows it: lookup --na" [ "$(c lookup --na)" = "--name " ]
check "verify --oc gives both OCSP options" [ "$(c verify --oc)" = "--ocsp --ocsp-url " ]
check "stats --format: the formats stats writes" [ "$(c stats --format '')" = "csv html json text xml " ]
check "lookup --format: lookup's, not stats's" [ "$(c lookup --format '')" = "csv json text xml " ]
check "ocr-extract --form: auto and the templates installed" [ "$(c ocr-extract --form '')" = "auto ct01 khai-sinh tiep-nhan " ]
mkdir -p w/dir-a/sub && : >w/file-a
check "-o: directories only" [ "$(c lookup -o w/)" = "w/dir-a " ]
check "an operand: files and directories" [ "$(c verify w/)" = "w/dir-a w/file-a " ]
check "a value typed by the user is left alone (--id)" [ -z "$(c lookup --id '')" ]
check "hoso-monthly-report completes its options too" [ "$(c hoso-monthly-report --mo)" = "--month " ]
check "hoso: the tools first" [ "$(c hoso lo)" = "lookup " ]
check "hoso TOOL: then the tool's options" [ "$(c hoso lookup --na)" = "--name " ]
check "hoso TOOL: the tool's values" [ "$(c hoso stats --format j)" = "json " ]
check "hoso help: the tools" [ "$(c hoso help ver)" = "verify " ]
check "hoso monthly-report: hoso-monthly-report's options" [ "$(c hoso monthly-report --mo)" = "--month " ]
