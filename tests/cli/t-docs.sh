# shellcheck shell=sh
# t-docs.sh - hoso(7) and README.md say only what the tools do (issue 22): every long option they
# give a tool is in that tool's --help, every tool hoso(7) names exists, and nothing that exists
# is still "planned". The same checks run on broken copies, to show they can fail.
. "$HOSO_TOP/tests/cli/lib.sh"
MAN7=$HOSO_TOP/man/man7/hoso.7
README=$HOSO_TOP/README.md

# Commands the docs' examples and cross-references may name that are not hoso's.
OTHER_PROGRAMS=" lp cron crontab flock pdfsig openssl unzip mkdir cd cat sha256sum make man tesseract
 xmllint sqlite3 systemctl systemd-escape "
# What hoso(7) and README.md may call "planned" (or "dự kiến"): a line holding the word must also
# hold one of these. A name here that becomes a tool (in build/bin) is refused: say it exists.
PLANNED_OK="hoso-renew-timestamps"

# --- the tools and their options ---
# A tool is a program of build/bin, or a script that make install installs into BINDIR under
# another name ("install -m 755 scripts/X $(DESTDIR)$(BINDIR)/NAME", e.g. hoso-monthly-report).
# Its options are every "--name" in its --help output: the option column, the usage lines and
# the descriptions (sign-pack gives --font inside --visible's); "--scan[=DEVICE]" is --scan.
mkdir -p opts
: >tools
for t in "$HOSO_BIN"/*; do
	[ -x "$t" ] && [ -f "$t" ] && printf '%s %s\n' "$(basename "$t")" "$t" >>tools
done
# shellcheck disable=SC2016 # $(DESTDIR) is the Makefile's, matched as it is written
sed -n 's|^[[:space:]]*install -m 755 scripts/\([^ ]*\) \$(DESTDIR)\$(BINDIR)/\([^ ]*\)$|\2 '"$HOSO_TOP"'/scripts/\1|p' \
    "$HOSO_TOP/Makefile" >>tools
while read -r name prog; do
	"$prog" --help 2>&1 | grep -o -- '--[a-z0-9][a-z0-9-]*' | sed 's/-*$//' | sort -u >"opts/$name"
done <tools
ntools=$(wc -l <tools)
check "the tools are found: build/bin and installed scripts ($ntools)" [ "$ntools" -ge 7 ]
check "scan-ingest's --help gives --watch (the option list is read)" grep -qx -- --watch opts/scan-ingest
check "hoso-monthly-report is a tool (from the Makefile's install rule)" [ -s opts/hoso-monthly-report ]
all_tools=$(cut -d' ' -f1 tools | tr '\n' ' ' | sed 's/ $//')

# --- what the docs attribute ---
# Both extractors print lines "each TOOLS --opt WHERE" (every one of TOOLS has it), "some TOOLS
# --opt WHERE" (at least one has it) and "name NAME WHERE" (NAME is named as a program); TOOLS is
# a comma list, or * for every tool.
#
# hoso(7), mdoc source ("\-" read as "-"; "Fl \-x" is --x; ".Nm A , B" and ".Xr A 1" name A, B):
#  - in an item ".It Xr TOOL 1", an option is TOOL's (each);
#  - in the head of an item of a list (".It Fl ..."), an option is each of the tools named by .Nm
#    in the text just before the ".Bl" (e.g. "scan-ingest, ... also take:"); none named: every
#    tool ("Every tool takes:");
#  - a line of a literal display (.Bd -literal; "\e" joins lines; split at && | ;) that is a
#    command: its first word after VAR=value is named, and its options are that command's (each);
#    a display holding an arrow ("-->" or "<--") is a drawing: "--NAME--" in it names NAME;
#  - anywhere else, an option is one of the tools named in the same paragraph (some), of any tool
#    when none is named.
cat >man.awk <<'EOF'
BEGIN { QUOTED = sprintf("%c[^%c]*%c|\"[^\"]*\"", 39, 39, 39) }
function flush(   i, scope) {
	scope = blk_tools == "" ? "*" : substr(blk_tools, 2)
	for (i = 1; i <= n_pend; i++)
		print "some " scope " " pend[i] " " pend_at[i]
	n_pend = 0
	blk_tools = ""
}
function named(t) {
	if (t == "")
		return
	print "name " t " " FILENAME ":" FNR
	if (index(blk_tools ",", "," t ",") == 0)
		blk_tools = blk_tools "," t
}
function opt(o) {
	sub(/[=\[].*$/, "", o)
	sub(/-+$/, "", o)
	if (o !~ /^--[a-z0-9]/)
		return
	if (item_tool != "" && depth == item_depth)
		print "each " item_tool " " o " " FILENAME ":" FNR
	else if (in_head)
		print "each " list_scope[depth] " " o " " FILENAME ":" FNR
	else {
		pend[++n_pend] = o
		pend_at[n_pend] = FILENAME ":" FNR
	}
}
function literal(line, at,   n, seg, i, j, w, k, cmd, rest) {
	gsub(QUOTED, "Q", line)
	n = split(line, seg, /&&|\||;/)
	for (i = 1; i <= n; i++) {
		k = split(seg[i], w, /[ \t]+/)
		cmd = ""
		for (j = 1; j <= k; j++) {
			if (w[j] == "" || w[j] ~ /^[A-Za-z_][A-Za-z0-9_]*=/)
				continue
			if (cmd == "") {
				cmd = w[j]
				print "name " cmd " " at
				continue
			}
			if (w[j] ~ /^--[a-z0-9]/) {
				rest = w[j]
				sub(/[=\[].*$/, "", rest)
				print "each " cmd " " rest " " at
			}
		}
	}
}
BEGIN { depth = 0 }
{ gsub(/\\-/, "-") }
/^\.Bd .*-literal/ { flush(); in_lit = 1; n_lit = 0; drawing = 0; next }
in_lit && /^\.Ed/ {
	in_lit = 0
	for (i = 1; i <= n_lit; i++) {
		if (drawing) {
			s = lit[i]
			while (match(s, /--[a-z][a-z0-9-]*[a-z0-9]--/)) {
				print "name " substr(s, RSTART + 2, RLENGTH - 4) " " lit_at[i]
				s = substr(s, RSTART + RLENGTH)
			}
		} else
			literal(lit[i], lit_at[i])
	}
	next
}
in_lit {
	line = $0
	if (cont) {
		lit[n_lit] = lit[n_lit] " " line
	} else {
		lit[++n_lit] = line
		lit_at[n_lit] = FILENAME ":" FNR
	}
	cont = sub(/\\e[ \t]*$/, "", lit[n_lit])
	if (line ~ /-->|<--/)
		drawing = 1
	next
}
/^\.(Sh|Ss|Pp|Ed)([ \t]|$)/ { flush(); next }
/^\.Bl([ \t]|$)/ {
	scope = blk_tools == "" ? "*" : substr(blk_tools, 2)
	flush()
	list_scope[++depth] = scope
	next
}
/^\.El([ \t]|$)/ {
	flush()
	if (item_tool != "" && depth == item_depth)
		item_tool = ""
	depth--
	next
}
/^\.It([ \t]|$)/ {
	flush()
	if (depth == item_depth)
		item_tool = ""
	if ($2 == "Xr" && $4 == "1") {
		item_tool = $3
		item_depth = depth
		named($3)
		next
	}
	in_head = 1
}
/^\./ {
	mac = ""
	for (i = 1; i <= NF; i++) {
		w = $i
		if (i == 1)
			sub(/^\./, "", w)
		if (w ~ /^[A-Z][a-z][a-z]?$/) {
			mac = w
			xr = 0
			continue
		}
		if (w ~ /^[,.:;()|\[\]]$/ || w == "\\&")
			continue
		if (mac == "Fl")
			opt("-" w)
		else if (mac == "Nm")
			named(w)
		else if (mac == "Xr") {
			if (xr == 0)
				xr_name = w
			else if (w == "1")
				named(xr_name)
			xr++
		}
	}
	in_head = 0
	next
}
{
	s = $0
	while (match(s, /(^|[ (])--[a-z0-9][a-z0-9-]*/)) {
		o = substr(s, RSTART, RLENGTH)
		sub(/^[ (]/, "", o)
		opt(o)
		s = substr(s, RSTART + RLENGTH)
	}
}
END { flush() }
EOF
extract_man() { awk -v all="$all_tools" -f man.awk "$1"; }

# README.md (Markdown):
#  - a table row whose first cell is `TOOL`: TOOL is named, and the row's options are TOOL's
#    (each);
#  - a line of a fenced code block, or an inline code span, holding a command: the first word
#    that is a tool starts it ("$ ", VAR=value and cron's fields come before it; "\" joins lines;
#    split at && | ; and a # comment is cut), and its options are that tool's (each);
#  - any other option, in a code span or the text, is one of the tools named in its paragraph (a
#    code span that is a tool, or starts with one) (some), of any tool when none is named; a code
#    span that is another command (`scripts/make-forms --filled`, `make eval`) is not read.
cat >readme.awk <<'EOF'
BEGIN { QUOTED = sprintf("%c[^%c]*%c|\"[^\"]*\"", 39, 39, 39) }
function is_tool(w) { return index(" " all " ", " " w " ") > 0 }
function optname(o) { sub(/[=\[].*$/, "", o); sub(/-+$/, "", o); return o }
# The command in text s: prints its options, returns the tool (or "").
function command(s, at,   n, seg, i, k, w, j, tool, found) {
	gsub(QUOTED, "Q", s)
	sub(/(^|[ \t])#.*$/, "", s)
	n = split(s, seg, /&&|\||;/)
	found = ""
	for (i = 1; i <= n; i++) {
		k = split(seg[i], w, /[ \t]+/)
		tool = ""
		for (j = 1; j <= k; j++) {
			if (tool == "" && is_tool(w[j])) {
				tool = w[j]
				found = tool
			} else if (tool != "" && w[j] ~ /^--[a-z0-9]/)
				print "each " tool " " optname(w[j]) " " at
		}
	}
	return found
}
function para_end(   i, scope) {
	if (para == "")
		return
	scope = ""
	n_loose = 0
	s = para
	# Code spans first: commands, and the tools a paragraph names.
	while (match(s, /`[^`]*`/)) {
		span = substr(s, RSTART + 1, RLENGTH - 2)
		s = substr(s, 1, RSTART - 1) " " substr(s, RSTART + RLENGTH)
		t = command(span, para_at)
		split(span, first, /[ \t]+/)
		if (t != "") {
			if (index(scope ",", "," t ",") == 0)
				scope = scope "," t
		} else if (first[1] !~ /\// && index(others, " " first[1] " ") == 0)
			loose[++n_loose] = span
	}
	loose[++n_loose] = s
	scope = scope == "" ? "*" : substr(scope, 2)
	for (i = 1; i <= n_loose; i++) {
		r = loose[i]
		while (match(r, /(^|[ (])--[a-z0-9][a-z0-9-]*/)) {
			o = substr(r, RSTART, RLENGTH)
			sub(/^[ (]/, "", o)
			print "some " scope " " optname(o) " " para_at
			r = substr(r, RSTART + RLENGTH)
		}
	}
	para = ""
}
/^```/ { para_end(); fence = !fence; cont = ""; next }
fence {
	line = $0
	sub(/^\$ /, "", line)
	if (cont != "") { line = cont " " line } else { at = FILENAME ":" FNR }
	if (sub(/\\[ \t]*$/, "", line)) { cont = line; next }
	cont = ""
	command(line, at)
	next
}
/^\|/ {
	para_end()
	if (match($0, /^\|[ \t]*`[^`]*`[ \t]*\|/)) {
		cell = substr($0, RSTART, RLENGTH)
		gsub(/[|` \t]/, "", cell)
		if (is_tool(cell) || cell ~ /^[a-z][a-z0-9-]*$/) {
			print "name " cell " " FILENAME ":" FNR
			r = substr($0, RLENGTH + 1)
			while (match(r, /--[a-z0-9][a-z0-9-]*/)) {
				print "each " cell " " optname(substr(r, RSTART, RLENGTH)) " " FILENAME ":" FNR
				r = substr(r, RSTART + RLENGTH)
			}
		}
	}
	next
}
/^[ \t]*$/ || /^#/ { para_end(); if ($0 ~ /^#/) { para = $0; para_at = FILENAME ":" FNR; para_end() } next }
{
	if (para == "") { para = $0; para_at = FILENAME ":" FNR } else para = para " " $0
}
END { para_end() }
EOF
extract_readme() { awk -v all="$all_tools" -v others="$OTHER_PROGRAMS" -f readme.awk "$1"; }

# problems FILE EXTRACTOR: prints each claim of FILE that is false, one a line.
problems() {
	"$2" "$1" >claims
	while read -r kind who what at; do
		case $kind in
		name) # "name NAME WHERE"
			grep -q "^$who " tools && continue
			case $OTHER_PROGRAMS in *[[:space:]]"$who"[[:space:]]*) continue ;; esac
			echo "$what: names $who, which is not a tool (build/bin, or installed from scripts/)"
			;;
		each | some)
			scope=$(echo "$who" | tr ',' ' ')
			[ "$scope" = "*" ] && scope=$all_tools
			has=0
			lacking=""
			for t in $scope; do
				if [ -f "opts/$t" ] && grep -qx -- "$what" "opts/$t"; then
					has=$((has + 1))
				elif [ -f "opts/$t" ]; then
					lacking="$lacking $t"
				else
					lacking="$lacking $t(no such tool)"
				fi
			done
			if [ "$kind" = each ] && [ -n "$lacking" ]; then
				echo "$at: $what is not in the --help of:$lacking"
			elif [ "$kind" = some ] && [ "$has" -eq 0 ]; then
				echo "$at: $what is in the --help of none of: $scope"
			fi
			;;
		esac
	done <claims
}

# planned FILE: prints each line that calls something planned but holds no PLANNED_OK name, or
# holds one that exists now.
planned() {
	grep -n -i -E 'planned|dự kiến|Dự kiến' "$1" | while IFS= read -r hit; do
		ok=0
		for p in $PLANNED_OK; do
			case $hit in *"$p"*)
				if grep -q "^$p " tools; then
					echo "$1:$hit (\"$p\" exists now)"
					ok=2
				else
					ok=1
				fi ;;
			esac
		done
		[ $ok -eq 0 ] && echo "$1:$hit"
	done
}

# report INTENT TEXT: one case, passing when TEXT is empty.
report() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}

# --- hoso(7) ---
extract_man "$MAN7" >man.claims
n=$(grep -c '^each\|^some' man.claims)
check "hoso(7): options are found in it ($n)" [ "$n" -ge 30 ]
check "hoso(7): the common options are every tool's" grep -q '^each \* --version ' man.claims
check "hoso(7): scan-ingest's item gives it --watch" grep -q '^each scan-ingest --watch ' man.claims
check "hoso(7): an example gives sign-pack --pkcs11" grep -q '^each sign-pack --pkcs11 ' man.claims
check "hoso(7): the drawing names review" grep -q '^name review ' man.claims
report "hoso(7): every option it gives a tool is in that tool's --help" \
    "$(problems "$MAN7" extract_man | grep -v ': names ')"
report "hoso(7): every program it names is a tool or a known other program" \
    "$(problems "$MAN7" extract_man | grep ': names ')"
for t in $all_tools; do
	check "hoso(7) names $t" grep -q "^name $t " man.claims
done
report "hoso(7): nothing is \"planned\" but what is allowed ($PLANNED_OK)" "$(planned "$MAN7")"

# --- README.md ---
extract_readme "$README" >readme.claims
n=$(grep -c '^each\|^some' readme.claims)
check "README.md: options are found in it ($n)" [ "$n" -ge 30 ]
check "README.md: a code line gives sign-pack --tsa-url" grep -q '^each sign-pack --tsa-url ' readme.claims
check "README.md: a code span gives review --import" grep -q '^each review --import ' readme.claims
check "README.md: the cron line gives hoso-monthly-report --log" \
    grep -q '^each hoso-monthly-report --log ' readme.claims
check "README.md: the table gives sign-pack --pades" grep -q '^each sign-pack --pades ' readme.claims
report "README.md: every option it gives a tool is in that tool's --help" \
    "$(problems "$README" extract_readme)"
report "README.md: nothing is \"planned\" but what is allowed ($PLANNED_OK)" "$(planned "$README")"

# --- the checks can fail ---
cp "$MAN7" bad.7
cat >>bad.7 <<'EOF'
.Pp
.Xr findall 1
finds a dossier
.Pq Fl \-code .
.Bd -literal -offset indent
verify --no-such-option x.asice
.Ed
Search is planned.
EOF
out=$(problems bad.7 extract_man)
contains "a broken hoso(7): a tool that does not exist is found" "$out" "names findall"
contains "a broken hoso(7): an example's unknown option is found" "$out" "--no-such-option is not in the --help of: verify"
contains "a broken hoso(7): an option no tool has is found" "$out" "--code is in the --help of none of"
contains "a broken hoso(7): \"planned\" is found" "$(planned bad.7)" "Search is planned."
# shellcheck disable=SC2016 # backquotes are Markdown's
sed 's/^\(| `verify` |\)/\1 `--deep` /' "$README" >bad.md
# shellcheck disable=SC2016 # backquotes are Markdown's
printf '\n```\nstats --month 2026-01 --per-hour -r x.csv\n```\n\nRun `review --undo STORE`.\n' >>bad.md
# shellcheck disable=SC2016 # backquotes are Markdown's
printf '\nExcel input is planned; `review` is dự kiến.\n' >>bad.md
out=$(problems bad.md extract_readme)
contains "a broken README.md: a table row's unknown option is found" "$out" "--deep is not in the --help of: verify"
contains "a broken README.md: a code line's unknown option is found" "$out" "--per-hour is not in the --help of: stats"
contains "a broken README.md: a code span's unknown option is found" "$out" "--undo is not in the --help of: review"
lacks "a broken README.md: a real option is not blamed" "$out" "--month"
out=$(planned bad.md)
contains "a broken README.md: \"planned\" is found" "$out" "Excel input is planned"
out=$(PLANNED_OK=review; planned bad.md)
contains "a broken README.md: \"dự kiến\" of a tool that exists is found" "$out" '"review" exists now'
