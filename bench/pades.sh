# shellcheck shell=sh
# bench/pades.sh - sign-pack --pades and verify on a generated 200-page scanned PDF (~100 MB:
# img2pdf of 200 noisy A4 JPEG pages) against sha256sum over the same file, side by side in
# one run (best of 3 each). Target: each at least 0.7x sha256sum's speed; peak RSS (GNU time)
# flat in the file's size, shown for the same pages at 50 and at 200.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${HOSO_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/hoso-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$top/scripts/test-pki" "$work/pki" >/dev/null 2>&1
# four different pages of noise, which JPEG cannot shrink much (~0.5 MB each)
for i in 1 2 3 4; do
	convert -size 840x1188 xc:gray +noise Random -colorspace Gray -seed "$i" -quality 80 \
	    "$work/p$i.jpg"
done
pages() { i=0; while [ "$i" -lt "$1" ]; do echo "$work/p$((i % 4 + 1)).jpg"; i=$((i + 1)); done; }
# shellcheck disable=SC2046 # one word per page
img2pdf -o "$work/200.pdf" $(pages 200) 2>/dev/null
# shellcheck disable=SC2046
img2pdf -o "$work/50.pdf" $(pages 50) 2>/dev/null
k=$work/pki/rsa2048

secs() { # wall seconds of one run of "$@"
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}
best() { # best of 3
	b=""
	for _ in 1 2 3; do
		t=$(secs "$@")
		if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
	done
	echo "$b"
}
rss() { # peak RSS in MB of one run of "$@" (a program, not a function)
	/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || echo "warning: $* failed" >&2
	tail -n 1 "$work/rss" | awk '{ printf "%.1f", $1 / 1024 }'
}
sign() { "$bin/sign-pack" -q --pades --key "$k.key" --cert "$k.pem" --chain "$work/pki/chain.pem" \
    -o "$2" "$1"; }
verify() { "$bin/verify" -q --ca-file "$work/pki/ca.pem" "$1"; }

cat "$work/200.pdf" >/dev/null	# both read from the page cache
sign "$work/200.pdf" "$work/200-s.pdf"
sign "$work/50.pdf" "$work/50-s.pdf"
verify "$work/200-s.pdf" >/dev/null || echo "warning: the signed bench PDF does not verify"
mb=$(awk -v b="$(wc -c <"$work/200.pdf")" 'BEGIN { printf "%.1f", b / 1048576 }')
t_sha=$(best sha256sum "$work/200.pdf")
t_sign=$(best sign "$work/200.pdf" "$work/o.pdf")
t_ver=$(best verify "$work/200-s.pdf")
# what was timed did its work: the last signed copy verifies
verify "$work/o.pdf" >/dev/null || echo "warning: the timed signing did not produce a valid PDF"
printf '%-34s %9s %9s %12s\n' "200 pages, $mb MB" "seconds" "MB/s" "vs sha256sum"
awk -v sha="$t_sha" -v sg="$t_sign" -v vr="$t_ver" -v mb="$mb" 'BEGIN {
	printf "%-34s %9.3f %9.1f %12s\n", "sha256sum", sha, mb / sha, "1.00x"
	printf "%-34s %9.3f %9.1f %11.2fx\n", "sign-pack --pades", sg, mb / sg, sha / sg
	printf "%-34s %9.3f %9.1f %11.2fx\n", "verify", vr, mb / vr, sha / vr
	print "target: sign and verify at least 0.7x sha256sum"
}'
printf '%-34s %9s %9s\n' "peak RSS (MB)" "50 pages" "200 pages"
printf '%-34s %9s %9s\n' "sha256sum" "$(rss sha256sum "$work/50.pdf")" "$(rss sha256sum "$work/200.pdf")"
printf '%-34s %9s %9s\n' "sign-pack --pades" \
    "$(rss "$bin/sign-pack" -q --pades --key "$k.key" --cert "$k.pem" -o "$work/o.pdf" "$work/50.pdf")" \
    "$(rss "$bin/sign-pack" -q --pades --key "$k.key" --cert "$k.pem" -o "$work/o.pdf" "$work/200.pdf")"
printf '%-34s %9s %9s\n' "verify" "$(rss "$bin/verify" -q --ca-file "$work/pki/ca.pem" "$work/50-s.pdf")" \
    "$(rss "$bin/verify" -q --ca-file "$work/pki/ca.pem" "$work/200-s.pdf")"
