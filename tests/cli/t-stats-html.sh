# shellcheck shell=sh
# t-stats-html.sh - stats --format html: one self-contained, well-formed page whose table holds
# the numbers of --format csv, whose trend equals --by month, that defuses hostile unit names,
# paginates many units, and that a real browser (headless Chromium, when installed) renders.
. "$HOSO_TOP/tests/cli/lib.sh"
UNITS=$TESTDATA/units-vinh-phuc-2024.csv
GEN=$HOSO_TOP/scripts/gen-register

# The checks an HTML page must pass, in one python3 program: check.py MODE FILE [ARGS].
cat >check.py <<'EOF'
import csv, html.parser, re, sys

VOID = {"meta", "br"}
ALLOWED = {"html", "head", "meta", "title", "style", "body", "header", "main", "h1", "h2", "p",
           "section", "div", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "br", "figure",
           "figcaption", "svg", "desc", "g", "rect", "line", "text", "circle"}

class Page(html.parser.HTMLParser):
    """Tags, attributes, ids and the text of table cells, by table class."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.tags, self.attrs, self.ids = [], [], set(), [], []
        self.tables, self.cur, self.cell, self.part = {}, None, None, None
        self.svg_titles, self.in_title, self.svg_text = [], False, []
        self.lang = None
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        d = dict(attrs)
        if tag == "html":
            self.lang = d.get("lang")
        if "id" in d:
            self.ids.append(d["id"])
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "table":
            self.cur = d.get("class", "")
            self.tables[self.cur] = []
        elif tag in ("thead", "tbody", "tfoot"):
            self.part = tag
        elif tag == "tr" and self.cur is not None and self.part in ("tbody", "tfoot"):
            self.tables[self.cur].append([])
        elif tag in ("td", "th") and self.cur is not None and self.part in ("tbody", "tfoot"):
            self.cell = ""
        elif tag == "title" and "svg" in self.stack:
            self.in_title = True
            self.svg_titles.append("")
        elif tag == "text":
            self.svg_text.append("")
    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else ""))
            return
        self.stack.pop()
        if tag in ("td", "th") and self.cell is not None:
            self.tables[self.cur][-1].append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.cur = None
        elif tag == "title":
            self.in_title = False
    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.in_title:
            self.svg_titles[-1] += data
        elif self.svg_text and "text" in self.stack:
            self.svg_text[-1] += data

def load(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    if p.stack:
        p.problems.append("unclosed: %s" % p.stack)
    return p

def fail(msg):
    print(msg)
    sys.exit(1)

mode, path = sys.argv[1], sys.argv[2]
p = load(path)
raw = open(path, encoding="utf-8").read()
if mode == "wellformed":
    if p.problems:
        fail("; ".join(p.problems[:5]))
    if len(p.ids) != len(set(p.ids)):
        fail("duplicate ids")
elif mode == "offline":
    # Nothing to fetch: no URL but the SVG namespace, no element or attribute that loads.
    urls = [m for m in re.findall(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\"' <>]*", raw)
            if m != "http://www.w3.org/2000/svg"]
    if urls:
        fail("URLs: %s" % urls[:3])
    if re.search(r"https?:", raw.replace('xmlns="http://www.w3.org/2000/svg"', "")):
        fail("an http: or https: reference")
    loading = [(t, k) for t, k, v in p.attrs if k in ("src", "href", "srcset", "action", "data",
               "poster", "xlink:href", "background")]
    if loading or re.search(r"url\(|@import|@font-face", raw):
        fail("something that loads: %s" % loading[:3])
    if p.tags - ALLOWED:
        fail("unexpected elements: %s" % sorted(p.tags - ALLOWED))
elif mode == "inert":
    # Input text must stay text: only our own elements, no event handlers, no script.
    if p.tags - ALLOWED:
        fail("unexpected elements: %s" % sorted(p.tags - ALLOWED))
    handlers = [(t, k) for t, k, v in p.attrs if k.startswith("on")]
    if handlers or re.search(r"<script", raw, re.I):
        fail("script or handlers: %s" % handlers[:3])
    for name in sys.argv[3:]:
        if not any(name in c for row in p.tables.get("b06", []) for c in row):
            fail("the table does not show %r as text" % name)
elif mode == "table":
    # The Biểu 06 table equals --format csv of the same run, cell by cell ("—" where empty).
    allrows = list(csv.reader(open(sys.argv[3], encoding="utf-8", newline="")))
    head, rows = allrows[0], allrows[1:]
    n_plans = sum(1 for h in head if h.endswith("_target"))
    n_group = len(head) - 16 - 4 - 2 * n_plans
    got = p.tables.get("b06", [])
    if len(got) != len(rows):
        fail("%d table rows, %d CSV rows" % (len(got), len(rows)))
    for g, w in zip(got, rows):
        if len(g) != n_group + 20 + n_plans:
            fail("row %s has %d cells" % (w[0], len(g)))
        if w[0] == "TOTAL":
            if g[0] != "TOTAL":
                fail("the total row says %r" % g[0])
        elif g[:n_group] != w[:n_group]:
            fail("row %s: %s != %s" % (w[0], g[:n_group], w[:n_group]))
        want = [c if c != "" else "\u2014" for c in w[n_group:n_group + 20]]
        if g[n_group:n_group + 20] != want:
            fail("row %s: %s != %s" % (w[0], g[n_group:n_group + 20], want))
        # Plans: CSV has a plan and a met column, the page one cell such as "80.0 not met".
        for i in range(n_plans):
            plan, met = w[n_group + 20 + 2 * i], w[n_group + 21 + 2 * i]
            exp = plan + {"true": " met", "false": " not met", "": ""}[met] if plan else ""
            if g[n_group + 20 + i] != exp:
                fail("row %s plan %d: %r != %r" % (w[0], i, g[n_group + 20 + i], exp))
elif mode == "trend":
    # Months of the period in the trend table equal --by month (received, resolved, online rate).
    rows = {r["month"]: r for r in csv.DictReader(open(sys.argv[3], encoding="utf-8", newline=""))}
    trend = p.tables.get("trend", [])
    seen = 0
    for m, rec, res, rate in trend:
        if m in rows:
            r = rows[m]
            want = [r["received"], r["resolved"], r["online_rate"] or "\u2014"]
            if [rec, res, rate] != want:
                fail("%s: %s != %s" % (m, [rec, res, rate], want))
            seen += 1
    if seen != len(rows) - 1:
        fail("%d months of the period in the trend, %d in the CSV" % (seen, len(rows) - 1))
    print(" ".join(r[0] for r in trend))
elif mode == "trendmonths":
    print(" ".join(r[0] + "=" + r[1] + "/" + r[2] for r in p.tables.get("trend", [])))
elif mode == "lang":
    print(p.lang)
elif mode == "coords":
    # Every SVG coordinate is a plain number (a locale's decimal comma would break it).
    bad = [(t, k, v) for t, k, v in p.attrs if k in ("x", "y", "x1", "x2", "y1", "y2", "width",
           "height", "cx", "cy", "r") and t != "svg" and not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", v)]
    if bad:
        fail("bad coordinates: %s" % bad[:3])
elif mode == "svgtitles":
    print("\n".join(p.svg_titles))
elif mode == "svgtext":
    print("\n".join(p.svg_text))
EOF

"$GEN" --units "$UNITS" --seed 5 --rows 3000 >reg.csv

# --- a month, per unit, with plans: the page and the CSV of the same run ---
expect_exit 0 "--format html writes a page" stats -q -r reg.csv -u "$UNITS" --month 2025-03 \
	--target online=80,signed=tinh:90,xa:60 -f html -o r.html
expect_exit 0 "--format csv of the same run" stats -q -r reg.csv -u "$UNITS" --month 2025-03 \
	--target online=80,signed=tinh:90,xa:60 -f csv -o r.csv
check "the page is well-formed XML (every element closed, text escaped)" xmllint --noout r.html
run python3 check.py wellformed r.html
check "the page's tags nest and ids are unique (python3 html.parser)" [ "$rc" -eq 0 ]
run python3 check.py offline r.html
check "nothing is fetched: no URL but the SVG namespace, no src/href, no url()" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || echo "#   $out"
contains "a Content-Security-Policy forbids the rest" "$(cat r.html)" "default-src 'none'"
contains "UTF-8 is declared" "$(head -n 5 r.html)" '<meta charset="utf-8"/>'
check "the page starts with the HTML5 doctype" [ "$(head -n 1 r.html)" = "<!DOCTYPE html>" ]
run python3 check.py lang r.html
check "lang is en under the C locale" [ "$out" = en ]
run python3 check.py table r.html r.csv
check "every table cell equals the CSV of the same run (counts, rates, plans)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || echo "#   $out"
contains "the table has the report's English headers" "$(cat r.html)" '<th scope="col" data-col="carried_over">Carried over</th>'
contains "the period is stated" "$(cat r.html)" "Period: 2025-03-01 to 2025-03-31"
contains "the units file is named" "$(cat r.html)" "Units: $UNITS"
contains "A4 landscape print style" "$(cat r.html)" "@page{size:A4 landscape"
check "three charts: channels, rates, trend" [ "$(grep -c '<section id="\(channels\|rates\|trend\)" class="chart">' r.html)" -eq 3 ]
check "every chart is labelled for screen readers" [ "$(grep -c '<svg ' r.html)" -eq "$(grep -c 'role="img" aria-labelledby="svg' r.html)" ]
run python3 check.py coords r.html
check "SVG coordinates are plain numbers" [ "$rc" -eq 0 ]

# --- the same under vi_VN: Vietnamese headers, lang="vi", and still dots in SVG numbers ---
expect_exit 0 "html under vi_VN" env LC_ALL=vi_VN.UTF-8 stats -q -r reg.csv -u "$UNITS" \
	--month 2025-03 --target online=80 -f html -o vi.html
run python3 check.py lang vi.html
check "lang is vi under vi_VN" [ "$out" = vi ]
contains "Vietnamese headers under vi_VN" "$(cat vi.html)" ">Tiếp nhận</th>"
contains "the total row is TỔNG CỘNG" "$(cat vi.html)" "TỔNG CỘNG"
run python3 check.py coords vi.html
check "SVG coordinates have no decimal comma under vi_VN" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || echo "#   $out"
check "the vi page is well-formed XML" xmllint --noout vi.html

# --- the trend: months of the period equal --by month; earlier months are whole months ---
expect_exit 0 "html over four months" stats -q -r reg.csv -u "$UNITS" --from 2025-01-10 \
	--to 2025-04-20 -f html -o t.html
stats -q -r reg.csv -u "$UNITS" --from 2025-01-10 --to 2025-04-20 --by month -f csv -o t.csv
run python3 check.py trend t.html t.csv
check "the trend's months of the period equal --by month (cut to the period)" [ "$rc" -eq 0 ]
contains "the trend starts where the register does (2024-11), not twelve months back" "$out" "2024-11 2024-12 2025-01 2025-02 2025-03 2025-04"
first=$(echo "$out" | cut -d' ' -f1)
run python3 check.py trendmonths t.html
whole=$(stats -q -r reg.csv -u "$UNITS" --month 2024-12 -f csv | awk -F, '$1 == "TOTAL" { print $3 "/" $7 }')
contains "a month before the period counts the whole month (= stats --month 2024-12)" "$out" "2024-12=$whole"
check "the first month shown has something received or resolved" [ "$first" = 2024-11 ]
expect_exit 0 "html for one month long after the data" stats -q -r reg.csv -u "$UNITS" --month 2026-06 -f html -o late.html
run python3 check.py trendmonths late.html
check "one month: the twelve months that end with it (2025-07..2026-06)" [ "$(echo "$out" | wc -w)" -eq 12 ]
contains "and the last is the period's month" "$out" "2026-06=0/0"
lacks "data from before the window is not shown" "$out" "2025-06="

# --- hostile unit names stay text ---
{
	echo "code,name,level,parent,valid_from,valid_to,successor"
	echo 'P1,<script>alert(1)</script>,tinh,,,,'
	echo 'X1,"""><svg onload=alert(1)>",xa,P1,,,'
	echo "X2,Xã &amp; ' <b>b</b> ]]> --> <!--,xa,P1,,,"
	echo "X3,Xã có một cái tên rất dài để thử cắt bớt nhãn trong biểu đồ cho vừa,xa,P1,,,"
} >evil-units.csv
"$GEN" --units evil-units.csv --seed 2 --rows 200 --from 2025-03-01 --to 2025-03-31 >evil.csv
expect_exit 0 "html with hostile unit names" stats -q -r evil.csv -u evil-units.csv --month 2025-03 \
	--title '<script>alert("title")</script>' -f html -o evil.html
check "the hostile page is still well-formed XML" xmllint --noout evil.html
run python3 check.py inert evil.html '<script>alert(1)</script>' '"><svg onload=alert(1)>' "Xã &amp; ' <b>b</b> ]]> --> <!--"
check "no script, no handler, no foreign element; the names show as text" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || echo "#   $out"
contains "a name is escaped, not markup" "$(cat evil.html)" "&lt;script&gt;alert(1)&lt;/script&gt;"
contains "the title is escaped too" "$(cat evil.html)" "<h1>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;</h1>"
run python3 check.py svgtext evil.html
contains "a long name is cut in the chart" "$out" "Xã có một cái tên rất dài để th…"
run python3 check.py svgtitles evil.html
contains "and whole in its tooltip" "$out" "X3 Xã có một cái tên rất dài để thử cắt bớt nhãn trong biểu đồ cho vừa"

# --- 100 communes: charts are paginated, 25 rows per SVG ---
{
	echo "code,name,level,parent,valid_from,valid_to,successor"
	echo "T1,Tỉnh Thử,tinh,,,,"
	i=1
	while [ $i -le 100 ]; do
		echo "C$i,Xã Thử Nghiệm Số $i,xa,T1,,,"
		i=$((i + 1))
	done
} >many-units.csv
"$GEN" --units many-units.csv --seed 3 --rows 2000 --from 2025-03-01 --to 2025-03-31 >many.csv
expect_exit 0 "html with 100 communes" stats -q -r many.csv -u many-units.csv --month 2025-03 -f html -o many.html
n_svg=$(sed -n '/<section id="channels"/,/<\/section>/p' many.html | grep -c '<svg ')
check "101 rows give five pages of the online/paper chart (found $n_svg)" [ "$n_svg" -eq 5 ]
contains "each page says which it is" "$(cat many.html)" "<figcaption>Dossiers received online and on paper (5/5)</figcaption>"
check "no chart page is taller than 25 rows" [ -z "$(sed -n 's/.*<svg [^>]*height="\([0-9]*\)".*/\1/p' many.html | awk '$1 > 650')" ]
check "the table has every unit (101 rows and the total)" [ "$(grep -c '^<tr class="lv-' many.html)" -eq 101 ]

# --- without a units file, with --lenient; reproducible with SOURCE_DATE_EPOCH ---
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan\nA,U1,1,2025-03-02\nB,U2,2,2025-03-40\n' >small.csv
expect_exit 0 "html without units, --lenient" env TZ=UTC SOURCE_DATE_EPOCH=1000000000 stats -q --lenient -r small.csv --month 2025-03 -f html -o s1.html
contains "says the units come from the registers" "$(cat s1.html)" "no units file"
contains "says a row was skipped" "$(cat s1.html)" "Rows skipped (--lenient): bad_date 1"
contains "the generation time is SOURCE_DATE_EPOCH's" "$(cat s1.html)" "Generated: 2001-09-09 01:46 +0000"
env TZ=UTC SOURCE_DATE_EPOCH=1000000000 stats -q --lenient -r small.csv --month 2025-03 -f html -o s2.html
check "the same input and time give the same bytes" cmp s1.html s2.html
run python3 check.py offline s1.html
check "the small page is offline too" [ "$rc" -eq 0 ]

# --- nothing to chart ---
printf 'ma_ho_so,ma_don_vi,kenh,ngay_tiep_nhan,ngay_ket_thuc\nA,U1,1,2025-03-02,2025-03-03\n' >done.csv
expect_exit 0 "html of a period with no rows (--direct)" stats -q -r done.csv --month 2030-01 --direct -f html -o empty.html
check "the empty page is well-formed" xmllint --noout empty.html
check "both bar charts say there is nothing to chart" [ "$(grep -c 'No rows to chart.' empty.html)" -eq 2 ]

# --- the command line ---
expect_exit 2 "an unknown format is a usage error" stats -r reg.csv --month 2025-03 -f pdf
contains "the message lists html" "$errout" "text, csv, json, xml or html"
expect_exit 0 "--help" stats --help
contains "--help mentions html" "$out" "html (a page"
contains "--help mentions --title" "$out" "--title TEXT"

# --- a real browser: headless Chromium renders the page to a non-blank screenshot ---
browser=""
for b in chromium chromium-browser; do
	if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
	fail "chromium is there (scripts/install-deps installs it)"
else
	stats -q -r reg.csv -u "$UNITS" --month 2025-03 --by level --target online=80,signed=tinh:90,xa:60 \
		-f html -o b.html
	mkdir -p home
	HOME=$PWD/home XDG_CONFIG_HOME=$PWD/home/.config XDG_CACHE_HOME=$PWD/home/.cache \
		XDG_RUNTIME_DIR=$PWD/home timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
		--no-first-run --hide-scrollbars --screenshot="$PWD/shot.png" --window-size=1280,2000 \
		"file://$PWD/b.html" >browser.log 2>&1
	check "chromium wrote a screenshot" [ -s shot.png ]
	[ -s shot.png ] || tail -n 5 browser.log | sed 's/^/#   /'
	check "the screenshot is 1280x2000" [ "$(identify -format '%wx%h' shot.png 2>/dev/null)" = 1280x2000 ]
	sd=$(convert shot.png -colorspace Gray -format '%[fx:standard_deviation]' info: 2>/dev/null)
	colours=$(convert shot.png -format '%k' info: 2>/dev/null)
	check "the screenshot is not a blank page (grey deviation $sd > 0.05)" \
		awk -v v="${sd:-0}" 'BEGIN { exit !(v > 0.05) }'
	check "the screenshot has many colours ($colours > 64: text, tables and charts)" [ "${colours:-0}" -gt 64 ]
	# The charts were drawn: pixels of the online blue and the paper orange are there.
	blue=$(convert shot.png -fuzz 3% -fill black -opaque '#0072B2' -fill white +opaque black \
		-colorspace Gray -format '%[fx:1-mean]' info: 2>/dev/null)
	orange=$(convert shot.png -fuzz 3% -fill black -opaque '#E69F00' -fill white +opaque black \
		-colorspace Gray -format '%[fx:1-mean]' info: 2>/dev/null)
	check "the online bars are drawn (share of blue pixels $blue)" awk -v v="${blue:-0}" 'BEGIN { exit !(v > 0.002) }'
	check "the paper bars are drawn (share of orange pixels $orange)" awk -v v="${orange:-0}" 'BEGIN { exit !(v > 0.002) }'
fi

echo "# $n_case cases"
