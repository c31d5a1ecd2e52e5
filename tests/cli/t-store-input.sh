# shellcheck shell=sh
# t-store-input.sh - a store as input, as a clerk types it: ocr-extract STORE reads each of its
# dossiers (those done are skipped), sign-pack STORE signs each, verify DIR checks each archive
# and PDF in the directory, in name order.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
PKI=$HOSO_WORK/pki
need_pki
CA="--ca-file=$PKI/ca.pem"
KEY="--key $PKI/rsa2048.key --cert $PKI/rsa2048.pem --chain $PKI/chain.pem"

scan-ingest -q -o st --dossier B "$FIXTURES/form-ct01.png" &&
    scan-ingest -q -o st --dossier A "$FIXTURES/form-tiep-nhan.png" || exit 1
expect_exit 0 "ocr-extract STORE reads every dossier of the store" ocr-extract -q st
check "...the first" [ -s st/A/ocr/dossier.pdf ]
check "...and the second" [ -s st/B/ocr/dossier.pdf ]
expect_exit 0 "...again: nothing to do" ocr-extract -v st
contains "...each dossier says it is up to date" "$errout" "st/A: up to date"
contains "...both" "$errout" "st/B: up to date"
expect_exit 0 "ocr-extract STORE/DOSSIER still reads one dossier" ocr-extract -q st/A

mkdir arch
# shellcheck disable=SC2086 # KEY is several options
expect_exit 0 "sign-pack STORE signs every dossier" sh -c "cd arch && sign-pack -q $KEY ../st"
check "...into CODE.asice each" [ -s arch/A.asice ] && [ -s arch/B.asice ]
# shellcheck disable=SC2086
expect_exit 2 "-o with a store of two dossiers is a usage error" sign-pack $KEY -o x.asice st
expect_exit 0 "verify DIR checks each archive in it" verify "$CA" arch
contains "...in name order" "$out" "arch/A.asice: valid
arch/B.asice: valid"
cp st/A/ocr/dossier.pdf arch/C.pdf
touch arch/notes.txt
expect_exit 1 "...and each PDF (an unsigned one is not valid)" verify "$CA" arch
contains "...naming it" "$out" "arch/C.pdf"
lacks "...and nothing else in the directory" "$out" "notes.txt"
mkdir empty
expect_exit 3 "verify of a directory without archives is bad input" verify "$CA" empty
contains "...saying so" "$errout" "empty: no archive (.asice) or PDF"
