# shellcheck shell=sh
# t-ocr-shard.sh - ocr-extract --shard I/N and dossier lists on standard input: the shares are
# the documented hash of the dossier code, disjoint, and two shards give what one run gives.
# slow: four one-page dossiers, each recognized twice (25 s of CPU).
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES
U=000.17.22.H56-210531

# shard_of CODE N: the share of ocr-extract(1), computed here with sha256sum.
shard_of() {
	h=$(printf %s "$1" | sha256sum | cut -c1-8)
	echo $((0x$h % $2 + 1))
}
# outputs STORE: what a run left that must not depend on how it was split: the OCR files
# (the PDF by its text) and the OCR record of each page in dossier.xml.
outputs() {
	for d in "$1"/*/; do
		code=$(basename "$d")
		for f in "$d"ocr/*.txt "$d"ocr/*.hocr "$d"ocr/*.sha256; do
			[ -f "$f" ] && echo "$code/$(basename "$f") $(sha256sum <"$f" | cut -c1-64)"
		done
		[ -f "$d/ocr/dossier.pdf" ] &&
			echo "$code/dossier.pdf text $(pdftotext "$d/ocr/dossier.pdf" - 2>/dev/null | sha256sum | cut -c1-64)"
		xmllint --xpath '//page/@ocr_status | //page/@ocr_confidence | //page/@text | //ocr/@pdf' \
		    "$d/dossier.xml" 2>/dev/null | tr -s ' \n' ' '
		echo
	done
}

# --- the command line ---
expect_exit 2 "--shard 0/2 is a usage error" ocr-extract --shard 0/2 "$FX/form-ct01.png"
expect_exit 2 "--shard 3/2 is a usage error" ocr-extract --shard 3/2 "$FX/form-ct01.png"
expect_exit 2 "--shard 1/0 is a usage error" ocr-extract --shard 1/0 "$FX/form-ct01.png"
expect_exit 2 "--shard 1 (no /N) is a usage error" ocr-extract --shard 1 "$FX/form-ct01.png"
contains "the usage error names the option" "$errout" "--shard"
expect_exit 0 "--help lists --shard" ocr-extract --help
contains "(--help)" "$out" "--shard I/N"

# --- four one-page dossiers; codes 1-3 fall in share 2 of 2, code 4 in share 1 ---
i=0
for f in form-khai-sinh.png form-ct01.png form-tiep-nhan.png ct01.jpg; do
	i=$((i + 1))
	scan-ingest -q -o st --dossier "$U-000$i" "$FX/$f" || exit 1
done
check "(the codes are split 3 + 1 by the hash)" [ "$(shard_of $U-0001 2)$(shard_of $U-0002 2)$(shard_of $U-0003 2)$(shard_of $U-0004 2)" = 2221 ]
cp -r st one
cp -r st two

# Runs start in the store: the hOCR title holds the dossier path as given.
expect_exit 0 "one run over all four dossiers" sh -c 'cd one && ocr-extract -q -j 2 *'
expect_exit 0 "share 1 of 2, from a list on standard input" \
    sh -c 'cd two && printf "%s\n\n" * | ocr-extract -v -j 2 --shard 1/2 -'
contains "-v tells how many inputs the share has" "$errout" "shard 1/2: 1 of 4"
check "share 1 recognized the dossier of share 1" [ -s "two/$U-0004/ocr/0001.txt" ]
for k in 1 2 3; do
	check "share 1 left dossier $k of share 2 alone" [ ! -e "two/$U-000$k/ocr" ]
done
expect_exit 0 "share 2 of 2, dossiers as operands" sh -c 'cd two && ocr-extract -q -j 2 --shard 2/2 *'
for k in 1 2 3; do
	check "share 2 recognized its dossier $k" [ -s "two/$U-000$k/ocr/0001.txt" ]
done
o1=$(outputs one)
o2=$(outputs two)
check "(the single run made 4 texts)" [ "$(printf '%s\n' "$o1" | grep -c '/0001.txt ')" = 4 ]
check "two shards give the same outputs as one run" [ "$o1" = "$o2" ]
[ "$o1" = "$o2" ] || printf '%s\n' "$o1" "----" "$o2" | sed 's/^/# /'

expect_exit 0 "a shard run again finds its dossiers up to date" ocr-extract -v --shard 2/2 two/*
contains "(up to date)" "$errout" "up to date"
lacks "a share never touches the other share's dossiers" "$errout" "$U-0004"

# A list read from standard input may mix with operands; the share does not depend on the order.
expect_exit 0 "operands and '-' together" sh -c "printf '%s\n' two/$U-0003 two/$U-0001 | ocr-extract -v --shard 2/2 two/$U-0002 - two/$U-0004"
contains "(3 of the 4 inputs are in share 2)" "$errout" "shard 2/2: 3 of 4"

echo "# $n_case cases"
