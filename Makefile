# hoso - build, test, install.   make | make check | make demo | make bench | make eval
# Knobs: PREFIX DESTDIR CC CFLAGS LDFLAGS DEVELOPER=1 SANITIZE=address,undefined

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR     = $(PREFIX)/bin
DATADIR    = $(PREFIX)/share/hoso
MANDIR     = $(PREFIX)/share/man
LOCALEDIR  = $(PREFIX)/share/locale
SYSTEMDDIR = $(PREFIX)/lib/systemd/system
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
PKGCONFIGDIR = $(LIBDIR)/pkgconfig
# libhoso.so.ABI_VERSION: bump it (and the node of lib/libhoso.map) when the ABI changes.
ABI_VERSION = 0

CC        ?= cc
CFLAGS    ?= -O2 -g
PKG_CONFIG ?= pkg-config
PKGS       = sqlite3 libpq libmicrohttpd sane-backends lept libpng libjpeg libtiff-4 libxml-2.0 libarchive zbar libqrencode openssl zlib libqpdf tesseract \
             harfbuzz-subset

WARN       = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-format-nonliteral -Wvla
ifeq ($(DEVELOPER),1)
WARN      += -Werror
endif

BUILD      = build
ifneq ($(SANITIZE),)
BUILD      = build-san
SANFLAGS   = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

DEPCFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
DEPLIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lunistring -lpthread -lm

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DHOSO_NLS -DHOSO_VERSION='"$(VERSION)"' \
             -DHOSO_LOCALEDIR='"$(LOCALEDIR)"' -DHOSO_DATADIR='"$(DATADIR)"' \
             -Ilib -Icmd/common $(DEPCFLAGS) $(WARN) $(SANFLAGS) $(CFLAGS) -MMD -MP -fPIC  # PIC: one set of objects for libhoso.a and libhoso.so
ALL_LDFLAGS = $(SANFLAGS) $(CFLAGS) $(LDFLAGS)

LIB_SRC    = $(sort $(wildcard lib/*.c))
LIB_OBJ    = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBHOSO    = $(BUILD)/libhoso.a
LIBHOSO_SO = $(BUILD)/libhoso.so.$(VERSION)
# What a program includes (hoso.h and these, installed in INCLUDEDIR/hoso/) and what the
# shared library exports (lib/libhoso.map, made from them by scripts/libhoso-symbols).
PUBLIC_HEADERS = lib/err.h lib/buf.h lib/log.h lib/version.h lib/store.h lib/ingest.h \
             lib/ocrrun.h lib/review.h lib/index.h lib/pack.h lib/verify.h lib/kpi.h lib/report.h \
             lib/digest.h lib/ocr.h lib/img.h lib/qr.h lib/template.h lib/validate.h lib/cms.h \
             lib/zip.h lib/register.h lib/date.h lib/units.h lib/verdict.h
COMMON_SRC = $(sort $(wildcard cmd/common/*.c))
COMMON_OBJ = $(COMMON_SRC:%.c=$(BUILD)/%.o)
TOOLS      = $(notdir $(filter-out cmd/common,$(patsubst %/,%,$(sort $(dir $(wildcard cmd/*/main.c))))))
BINS       = $(TOOLS:%=$(BUILD)/bin/%)
UNIT_SRC   = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC   = $(sort $(wildcard fuzz/fuzz_*.c))
MAN_PAGES  = $(sort $(wildcard man/man*/*.[0-9]))
# man 3 hoso_store_open ... opens hoso(3), which documents them all.
MAN3_LINKS = $(shell sed -n 's/^\.Nm \(hoso_[a-z_]*\).*/\1/p' man/man3/hoso.3)
PO_FILES   = $(sort $(wildcard po/*.po))
MO_FILES   = $(PO_FILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/hoso.mo)
# Shell scripts only (scripts/ also holds python3 ones), for shellcheck.
SCRIPTS    = $(shell grep -lE '^(\#!.*sh$$|\# shellcheck shell=)' $(sort $(wildcard scripts/*)) \
             .ci/run tests/run bench/run $(wildcard tests/cli/*.sh bench/*.sh))

.PHONY: all tools tests check check-fast check-layers check-abi update-abi install-lib demo bench eval install uninstall clean fuzz lint po FORCE
.SUFFIXES:
# Objects of tools and tests are intermediate to make: keep them, or every make relinks.
.SECONDARY:

all: tools $(MO_FILES) $(LIBHOSO_SO) $(BUILD)/include/hoso.h $(BUILD)/hoso.pc

tools: $(BINS)

# Objects depend on the flags too (as git's GIT-CFLAGS): a new PREFIX or CFLAGS rebuilds,
# so that 'make install PREFIX=/usr' never installs tools looking in /usr/local.
FLAGS_NOW = $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)
$(BUILD)/.flags: FORCE
	@mkdir -p $(@D)
	$(if $(subst x$(strip $(file < $@)),,x$(strip $(FLAGS_NOW))),$(shell mkdir -p $(@D))$(file > $@,$(FLAGS_NOW)),@:)
FORCE:

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBHOSO): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# The shared library exports the public functions only (lib/libhoso.map), and says its
# dependencies (the package's shlibs are computed from them).
$(LIBHOSO_SO): $(LIB_OBJ) lib/libhoso.map
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libhoso.so.$(ABI_VERSION) -Wl,--version-script=lib/libhoso.map \
	    -Wl,--no-undefined $(ALL_LDFLAGS) -o $@ $(LIB_OBJ) $(DEPLIBS)
	ln -sf $(@F) $(BUILD)/libhoso.so.$(ABI_VERSION)
	ln -sf $(@F) $(BUILD)/libhoso.so

$(BUILD)/include/hoso.h: include/hoso.h.in Makefile $(PUBLIC_HEADERS)
	@mkdir -p $(@D)/hoso
	sed -e 's/@MAJOR@/$(word 1,$(subst ., ,$(VERSION)))/' -e 's/@MINOR@/$(word 2,$(subst ., ,$(VERSION)))/' \
	    -e 's/@PATCH@/$(word 3,$(subst ., ,$(VERSION)))/' include/hoso.h.in >$@.tmp
	cp $(PUBLIC_HEADERS) $(@D)/hoso/
	mv $@.tmp $@

$(BUILD)/hoso.pc: hoso.pc.in Makefile
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@LIBS_PRIVATE@|$(strip $(DEPLIBS))|' hoso.pc.in >$@
$(BUILD)/bin/%: $(BUILD)/cmd/%/main.o $(COMMON_OBJ) $(LIBHOSO)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPLIBS)

# review serves its page script and style from inside the binary: nothing to install or find.
$(BUILD)/cmd/review/main.o: $(BUILD)/gen/review-assets.h
$(BUILD)/cmd/review/main.o: ALL_CFLAGS += -I$(BUILD)/gen
$(BUILD)/gen/review-assets.h: cmd/review/review.js cmd/review/review.css scripts/embed
	@mkdir -p $(@D)
	scripts/embed review_js cmd/review/review.js review_css cmd/review/review.css > $@.tmp
	mv $@.tmp $@

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBHOSO)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPLIBS) $(shell $(PKG_CONFIG) --libs cmocka)

$(BUILD)/locale/%/LC_MESSAGES/hoso.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

tests: all $(UNIT_BINS) tests/node_modules/.package-lock.json

# PKI.js for tests/pkijs-verify.mjs, exactly as tests/package-lock.json pins it (npm registry).
# Without npm the rule says so and the PKI.js test fails with what to install.
tests/node_modules/.package-lock.json: tests/package-lock.json tests/package.json
	@if command -v npm >/dev/null 2>&1; then \
	    cd tests && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "make: npm not found: the PKI.js test will fail (scripts/install-deps installs it)"; fi

# make check always builds with -Werror; the runner's last line is "N passed, N failed".
# It starts with check-layers: a second, before the build.
check: check-layers
	$(MAKE) DEVELOPER=1 tests
	$(MAKE) DEVELOPER=1 check-abi
	HOSO_BUILD=$(BUILD) tests/run

# The quick subset (.ci/run repeats it under the sanitizers).
check-fast: check-layers
	$(MAKE) DEVELOPER=1 tests
	HOSO_BUILD=$(BUILD) tests/run --fast

# No lib/ file includes a header of a higher layer, or of cmd/; every header has a layer
# (lib/LAYERS says which and why).
check-layers:
	scripts/check-layers

# The ABI is what lib/libhoso.map and lib/libhoso.abi record: the public headers still declare
# exactly the map's functions, the built library exports exactly those, and abidiff (abigail)
# finds no incompatible change of their types against lib/libhoso.abi unless the SONAME was
# bumped (ABI_VERSION). After a deliberate change: make update-abi (and, when a function
# disappears or a type changes incompatibly, bump ABI_VERSION first).
ABIDW_OPTS = --no-show-locs --no-corpus-path --drop-private-types --headers-dir $(BUILD)/include/hoso
check-abi: $(LIBHOSO_SO) $(BUILD)/include/hoso.h
	@scripts/libhoso-symbols $(PUBLIC_HEADERS) | diff -u lib/libhoso.map - || \
	    { echo "check-abi: the public headers declare other functions than lib/libhoso.map"; exit 1; }
	@nm -D --defined-only $(LIBHOSO_SO) | awk '$$2 == "T" { print $$3 }' | sed 's/@.*//' | \
	    LC_ALL=C sort >$(BUILD)/exported.txt
	@grep -o 'hoso_[a-z0-9_]*' lib/libhoso.map | LC_ALL=C sort | diff -u - $(BUILD)/exported.txt || \
	    { echo "check-abi: libhoso.so exports other functions than lib/libhoso.map"; exit 1; }
	@echo "check-abi: $$(wc -l <$(BUILD)/exported.txt) functions exported, as lib/libhoso.map says"
	@abidw $(ABIDW_OPTS) $(LIBHOSO_SO) >$(BUILD)/libhoso.abi
	@s=0; abidiff --no-show-locs lib/libhoso.abi $(BUILD)/libhoso.abi >$(BUILD)/abidiff.txt || s=$$?; \
	if [ $$((s & 3)) -ne 0 ]; then cat $(BUILD)/abidiff.txt; echo "check-abi: abidiff failed ($$s)"; exit 1; fi; \
	old=$$(sed -n "s/.*soname='\([^']*\)'.*/\1/p" lib/libhoso.abi | head -n 1); \
	broken=$$(grep -c '^[A-Z][a-z]* changes summary: \([1-9][0-9]* Removed\|[0-9]* Removed, [1-9][0-9]* Changed\)' \
	    $(BUILD)/abidiff.txt); \
	if { [ $$((s & 8)) -ne 0 ] || [ "$$broken" -gt 0 ]; } && [ "$$old" = libhoso.so.$(ABI_VERSION) ]; then \
	    cat $(BUILD)/abidiff.txt; \
	    echo "check-abi: a function or variable removed or changed with the SONAME still $$old: bump ABI_VERSION, then make update-abi"; \
	    exit 1; fi; \
	if [ $$((s & 4)) -ne 0 ]; then echo "check-abi: compatible ABI changes since lib/libhoso.abi (make update-abi records them)"; \
	else echo "check-abi: the types of the public functions are those of lib/libhoso.abi"; fi

# After a deliberate change of the public functions or their types (see check-abi).
# The map first: the library is linked with it, then described.
update-abi:
	scripts/libhoso-symbols $(PUBLIC_HEADERS) >lib/libhoso.map
	$(MAKE) $(LIBHOSO_SO) $(BUILD)/include/hoso.h
	abidw $(ABIDW_OPTS) $(LIBHOSO_SO) >lib/libhoso.abi

demo:
	scripts/install-deps
	$(MAKE) all
	HOSO_BUILD=$(BUILD) scripts/demo

# Bench drivers link libhoso like the tools.
$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIBHOSO)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPLIBS)

bench: all $(BUILD)/bench/norm-bench $(BUILD)/bench/index-gen
	HOSO_BUILD=$(BUILD) bench/run

# Field accuracy of ocr-extract --form on the generated form set, and CER (minutes; not in check).
eval: all
	HOSO_BUILD=$(BUILD) scripts/form-eval

po: po/hoso.pot
po/hoso.pot: $(LIB_SRC) $(COMMON_SRC) $(wildcard cmd/*/main.c)
	xgettext --from-code=UTF-8 -k_ -kN_ --package-name=hoso --package-version=$(VERSION) \
	    --add-comments=TRANSLATORS -o $@ $^
	for p in $(PO_FILES); do msgmerge -q --update --backup=none $$p $@; done

fuzz:
	@mkdir -p $(BUILD)-fuzz
	$(MAKE) BUILD=$(BUILD)-fuzz CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
	    $(BUILD)-fuzz/libhoso.a
	for f in $(FUZZ_SRC); do \
	    clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Ilib $(DEPCFLAGS) \
	        -o $(BUILD)-fuzz/$$(basename $$f .c) $$f $(BUILD)-fuzz/libhoso.a $(DEPLIBS) || exit 1; \
	done
	@echo "fuzzers in $(BUILD)-fuzz/; run e.g. $(BUILD)-fuzz/fuzz_tiff -max_total_time=60 testdata/"

lint:
	mandoc -Tlint -Wwarning $(MAN_PAGES)
	shellcheck -x $(SCRIPTS)
	shellcheck -s bash data/bash-completion/hoso

install: all install-lib
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/schema $(DESTDIR)$(DATADIR)/templates \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 755 scripts/monthly-report $(DESTDIR)$(BINDIR)/hoso-monthly-report
	install -m 644 data/schema/*.xsd $(DESTDIR)$(DATADIR)/schema/
	install -m 644 data/templates/*.xml $(DESTDIR)$(DATADIR)/templates/
	install -d $(DESTDIR)$(SYSTEMDDIR)
	for u in hoso-scan-watch@.service hoso-monthly-report.service hoso-monthly-report.timer; do \
	    sed 's|/usr/bin/|$(BINDIR)/|' data/systemd/$$u >$(DESTDIR)$(SYSTEMDDIR)/$$u || exit 1; \
	done
	install -d $(DESTDIR)$(COMPLETIONDIR)
	sed 's|@DATADIR@|$(DATADIR)|' data/bash-completion/hoso >$(DESTDIR)$(COMPLETIONDIR)/hoso
	for t in $(TOOLS) hoso-monthly-report; do ln -sf hoso $(DESTDIR)$(COMPLETIONDIR)/$$t; done
	for m in $(MAN_PAGES); do install -m 644 $$m $(DESTDIR)$(MANDIR)/$$(basename $$(dirname $$m))/; done
	for f in $(MAN3_LINKS); do ln -sf hoso.3 $(DESTDIR)$(MANDIR)/man3/$$f.3; done
	for l in $(PO_FILES:po/%.po=%); do \
	    install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
	    install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/hoso.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; \
	done

# The library for programs: libhoso.so.VERSION with its SONAME link and the link to build
# with, the static library, hoso.h and the public headers (only those), hoso.pc.
install-lib: $(LIBHOSO_SO) $(LIBHOSO) $(BUILD)/include/hoso.h $(BUILD)/hoso.pc
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/hoso $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 $(LIBHOSO_SO) $(LIBHOSO) $(DESTDIR)$(LIBDIR)/
	ln -sf libhoso.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libhoso.so.$(ABI_VERSION)
	ln -sf libhoso.so.$(ABI_VERSION) $(DESTDIR)$(LIBDIR)/libhoso.so
	install -m 644 $(BUILD)/include/hoso.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/hoso/
	install -m 644 $(BUILD)/hoso.pc $(DESTDIR)$(PKGCONFIGDIR)/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libhoso.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libhoso.so.$(ABI_VERSION) \
	    $(DESTDIR)$(LIBDIR)/libhoso.so $(DESTDIR)$(LIBDIR)/libhoso.a \
	    $(DESTDIR)$(INCLUDEDIR)/hoso.h $(DESTDIR)$(PKGCONFIGDIR)/hoso.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/hoso
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(DESTDIR)$(BINDIR)/hoso-monthly-report
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(COMPLETIONDIR)/hoso $(TOOLS:%=$(DESTDIR)$(COMPLETIONDIR)/%) \
	    $(DESTDIR)$(COMPLETIONDIR)/hoso-monthly-report
	rm -f $(DESTDIR)$(SYSTEMDDIR)/hoso-scan-watch@.service \
	    $(DESTDIR)$(SYSTEMDDIR)/hoso-monthly-report.service \
	    $(DESTDIR)$(SYSTEMDDIR)/hoso-monthly-report.timer
	for m in $(MAN_PAGES); do rm -f $(DESTDIR)$(MANDIR)/$$(basename $$(dirname $$m))/$$(basename $$m); done
	for f in $(MAN3_LINKS); do rm -f $(DESTDIR)$(MANDIR)/man3/$$f.3; done
	for l in $(PO_FILES:po/%.po=%); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/hoso.mo; done

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
