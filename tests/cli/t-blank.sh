# shellcheck shell=sh
# t-blank.sh - the blank-page rule on generated pages (ImageMagick): the back sides a duplex
# scanner delivers (the other side's text showing through, mirrored and about 12% darker than
# the paper; dust; a dark strip at an edge; colour JPEG, grey PNG) are flagged blank, and a page
# with real content however little (one typed line, only a signature, only a red stamp, a short
# handwritten note) never is.
. "$HOSO_TOP/tests/cli/lib.sh"
A4="-size 2480x3508"
text=$(i=1; while [ $i -le 30 ]; do echo "Dòng $i của mặt trước: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"; i=$((i + 1)); done)

# back PAPER INK FONT EXTRA... OUT: the mirrored text of the front, and whatever EXTRA draws.
back() {
	paper=$1 ink=$2 font=$3 out=$4
	shift 4
	# shellcheck disable=SC2086 # $A4 is two words
	convert $A4 "xc:rgb($paper)" -font "$font" -pointsize 40 -fill "rgb($ink)" \
	    -annotate +150+300 "$text" -flop "$@" -density 300 -units PixelsPerInch "$out"
}
back 240,238,230 211,209,202 DejaVu-Sans b1.jpg -quality 85
back 235,235,230 207,207,203 DejaVu-Serif b2.jpg -blur 0x0.7 -quality 80
back 200,200,200 176,176,176 DejaVu-Sans-Bold b3.png -colorspace Gray
back 240,238,230 211,209,202 DejaVu-Sans b4.png -fill 'rgb(60,60,60)' -draw 'rectangle 2410,0 2480,3508'
back 240,238,230 211,209,202 DejaVu-Sans b5.png -fill black -draw 'circle 700,900 703,903' \
    -draw 'circle 1800,2500 1802,2502' -draw 'point 1200,3000' -draw 'point 400,2000'
back 225,222,210 198,195,185 DejaVu-Serif b6.jpg -fill 'rgb(50,50,50)' -draw 'rectangle 0,0 2480,60' -quality 75
# What scanning adds at the edges: a strip wider than the margin, the wedge of a page fed
# askew, an L of two strips round a corner, punch holes.
back 240,238,230 211,209,202 DejaVu-Sans b7.png -fill 'rgb(40,40,40)' -draw 'rectangle 2280,0 2480,3508'
back 240,238,230 211,209,202 DejaVu-Sans b8.png -fill 'rgb(30,30,30)' -draw 'polygon 0,0 300,0 0,3508'
back 240,238,230 211,209,202 DejaVu-Sans b9.png -fill 'rgb(60,60,60)' -draw 'rectangle 0,3300 2480,3508' \
    -draw 'rectangle 0,0 120,3508'
back 240,238,230 211,209,202 DejaVu-Sans b10.png -fill 'rgb(20,20,20)' -draw 'circle 200,400 240,400' \
    -draw 'circle 200,3100 240,3100'
expect_exit 0 "ten back sides are ingested" scan-ingest -v -o st --dossier B b1.jpg b2.jpg b3.png b4.png b5.png \
    b6.jpg b7.png b8.png b9.png b10.png
for n in 1 2 3 4 5 6 7 8 9 10; do
	check "back side $n is flagged blank" [ "$(xmllint --xpath "string(//page[$n]/@blank)" st/B/dossier.xml)" = true ]
done

P="$A4 xc:rgb(240,238,232)"
# shellcheck disable=SC2086 # $P is several words
convert $P -font DejaVu-Sans -pointsize 28 -fill black -annotate +300+1600 'Đã nhận đủ hồ sơ.' \
    -density 300 -units PixelsPerInch c1.png
# shellcheck disable=SC2086
convert $P -fill none -stroke 'rgb(30,40,160)' -strokewidth 4 \
    -draw 'path "M 1500,2800 C 1550,2700 1600,2900 1650,2780 S 1750,2850 1800,2760"' \
    -density 300 -units PixelsPerInch c2.png
# shellcheck disable=SC2086
convert $P -fill none -stroke 'rgb(200,30,30)' -strokewidth 6 -draw 'circle 1700,2700 1850,2700' \
    -stroke none -fill 'rgb(200,30,30)' -font DejaVu-Sans-Bold -pointsize 20 \
    -annotate +1620+2710 'UBND XÃ' -density 300 -units PixelsPerInch c3.png
# shellcheck disable=SC2086
convert $P -font DejaVu-Sans-Oblique -pointsize 36 -fill 'rgb(20,30,150)' \
    -annotate +900+1200 'Chuyển anh Nam' -density 300 -units PixelsPerInch c4.jpg
# One typed line beside a strip at the edge, and near punch holes: the line still counts.
# shellcheck disable=SC2086
convert $P -font DejaVu-Sans -pointsize 28 -fill black -annotate +300+1600 'Đã nhận đủ hồ sơ.' \
    -fill 'rgb(40,40,40)' -draw 'rectangle 2280,0 2480,3508' -draw 'circle 200,400 240,400' \
    -density 300 -units PixelsPerInch c5.png
# A short note written close to the left edge, by the holes.
# shellcheck disable=SC2086
convert $P -font DejaVu-Sans-Oblique -pointsize 36 -fill 'rgb(20,30,150)' -annotate +330+1700 'Đã xem' \
    -fill 'rgb(20,20,20)' -draw 'circle 200,1400 240,1400' -draw 'circle 200,2100 240,2100' \
    -density 300 -units PixelsPerInch c6.png
expect_exit 0 "six near-empty pages are ingested" scan-ingest -v -o st --dossier C c1.png c2.png c3.png c4.jpg \
    c5.png c6.png
for n in 1 2 3 4 5 6; do
	check "content page $n (line, signature, stamp, note, line by a strip, note by holes) is not flagged blank" \
	    [ "$(xmllint --xpath "string(//page[$n]/@blank)" st/C/dossier.xml)" = false ]
done
check "a page with only a signature is left as scanned (a slant is no skew)" \
    [ "$(xmllint --xpath 'string(//page[2]/@skew)' st/C/dossier.xml)" = 0.00 ]
