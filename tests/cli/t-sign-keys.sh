# shellcheck shell=sh
# t-sign-keys.sh - where a signature's key comes from and who else signs: a key on a PKCS#11
# token (SoftHSM2), countersigning with --add-signature, and an independent check of the
# signatures with PKI.js (tests/pkijs-verify.mjs).
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
PKI=$HOSO_WORK/pki
HZ=$HOSO_TOP/scripts/make-hostile-zips
need_pki
scan-ingest -q -o st "$FIXTURES/batch" || { fail "a store can be made"; exit 1; }
D=st/000.17.22.H56-210531-0001
T=2026-11-01T08:00:00Z
T2=2026-11-02T09:30:00Z
CA="--ca-file=$PKI/ca.pem"
sum() { sha256sum "$1" | cut -d' ' -f1; }
# pem KEYNAME OPTION...: sign-pack with a PEM key of the test PKI
pem() {
	k=$1
	shift
	sign-pack --key "$PKI/$k.key" --cert "$PKI/$k.pem" --chain "$PKI/chain.pem" "$@"
}
pem rsa2048 -q --signing-time "$T" -o a.asice "$D" || fail "a dossier is signed with a PEM key"

# --- a key on a PKCS#11 token (SoftHSM2) ---
SOFTHSM2_CONF=$PKI/softhsm/softhsm2.conf
export SOFTHSM2_CONF
if [ -f "$PKI/pkcs11.module" ]; then
	MOD=$(cat "$PKI/pkcs11.module")
	pass "scripts/test-pki made a SoftHSM2 token"
else
	MOD=/usr/lib/softhsm/libsofthsm2.so
	fail "scripts/test-pki made a SoftHSM2 token" "$(cat pki.log)" "(softhsm2 and opensc come from scripts/install-deps)"
fi
URI='pkcs11:token=hoso;object=signer'
# tok URI OUT [OPTION...]: sign D with a key on the token, the PIN from a file
tok() {
	u=$1
	o=$2
	shift 2
	sign-pack -q --pkcs11 "$u" --pkcs11-module "$MOD" --pass "file:$PKI/pkcs11.pin" \
	    --chain "$PKI/chain.pem" --signing-time "$T" -o "$o" "$@" "$D"
}
expect_exit 0 "a key on the token signs (certificate from the token)" tok "$URI" k1.asice
expect_exit 0 "...and the archive verifies" verify "$CA" k1.asice
check "...as valid" [ "$out" = "k1.asice: valid" ]
check "the token's key and the PEM key give the same archive (same key, PKCS#1 v1.5)" [ "$(sum k1.asice)" = "$(sum a.asice)" ]
expect_exit 0 "the certificate may come from --cert instead" tok "$URI" k2.asice --cert "$PKI/rsa2048.pem"
check "...with the same result" [ "$(sum k2.asice)" = "$(sum a.asice)" ]
expect_exit 0 "an ECDSA key on the token signs" tok 'pkcs11:token=hoso;object=signer-ec' k3.asice
expect_exit 0 "...and verifies" verify -v "$CA" k3.asice
contains "...as ECDSA by the token's signer" "$out" "ECDSA 256, SHA-256, signed $T by C=VN,O=UBND xa Test,CN=Le Van C"
expect_exit 0 "the token signs with RSASSA-PSS" tok "$URI" k4.asice --pss
expect_exit 0 "...and verifies" verify -v "$CA" k4.asice
contains "...as PSS" "$out" "RSA 2048 PSS, SHA-256"
# The libp11 engine leaks a few hundred bytes (its RSA method and a context) when it fails to
# load a key, whatever the caller does; under LeakSanitizer those runs would abort, so for
# them alone leak detection is off. The engine is unloaded by then, so LSan cannot name it.
# nolsan CMD...: CMD without leak detection
nolsan() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$@"; }
expect_exit 0 "the PIN may come from the environment" sh -c "HOSO_PIN=\$(cat $PKI/pkcs11.pin) sign-pack -q --pkcs11 '$URI' --pkcs11-module $MOD --pass env:HOSO_PIN --signing-time $T -o k5.asice $D"
expect_exit 5 "a wrong PIN: the token refuses, exit 5" nolsan sh -c "HOSO_PIN=000000 sign-pack --pkcs11 '$URI' --pkcs11-module $MOD --pass env:HOSO_PIN -o w.asice $D"
contains "...saying why it may be" "$errout" "the token gave no private key (a wrong PIN"
expect_exit 5 "no PIN: the private key stays hidden, exit 5" nolsan sign-pack --pkcs11 "$URI" --pkcs11-module "$MOD" -o w.asice "$D"
contains "...and the message points at --pass" "$errout" "--pass"
expect_exit 5 "no such object on the token: exit 5" nolsan tok 'pkcs11:token=hoso;object=nobody' w.asice
expect_exit 3 "a module that does not exist: exit 3" sign-pack --pkcs11 "$URI" --pkcs11-module "$HOSO_WORK/no-such-module.so" --pass "file:$PKI/pkcs11.pin" -o w.asice "$D"
contains "...naming it" "$errout" "no-such-module.so: no such PKCS#11 module"
expect_exit 5 "a file that is not a PKCS#11 module: exit 5" nolsan sign-pack --pkcs11 "$URI" --pkcs11-module "$PKI/ca.pem" --pass "file:$PKI/pkcs11.pin" -o w.asice "$D"
expect_exit 2 "--pkcs11 wants a pkcs11: URI" sign-pack --pkcs11 signer --pkcs11-module "$MOD" -o w.asice "$D"
expect_exit 2 "--pkcs11-module without --pkcs11 is a usage error" pem rsa2048 --pkcs11-module "$MOD" -o w.asice "$D"
expect_exit 2 "--pkcs11 with --key is a usage error" sign-pack --pkcs11 "$URI" --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" -o w.asice "$D"
check "refused and failed runs write no archive" [ ! -e w.asice ]
run sign-pack --help
contains "--help names --pkcs11" "$out" "--pkcs11 URI"

# --- countersigning: --add-signature ---
# cd_offset ARCHIVE: where the central directory starts (no comment, no ZIP64 here)
cd_offset() { od -An -tu4 -j $(($(wc -c <"$1") - 6)) -N4 "$1" | tr -d ' '; }
cp a.asice c.asice
expect_exit 0 "a second official countersigns" pem ec256 -q --signing-time "$T2" --add-signature c.asice
check "no temporary file is left" [ -z "$(find . -maxdepth 1 -name '.*.tmp.*')" ]
off=$(cd_offset a.asice)
check "every entry of the signed archive is kept byte for byte (local headers and data)" cmp -s -n "$off" a.asice c.asice
cdlen=$(($(wc -c <a.asice) - off - 22))
check "...and so are their central directory records" [ "$(tail -c +$((off + 1)) a.asice | head -c $cdlen | sha256sum)" = "$(tail -c +$(($(cd_offset c.asice) + 1)) c.asice | head -c $cdlen | sha256sum)" ]
run unzip -Z1 c.asice
check "the new manifest and signature come after the old entries" [ "$(echo "$out" | tail -n 4 | tr '\n' ' ')" = "META-INF/ASiCManifest.xml META-INF/signature001.p7s META-INF/ASiCManifest002.xml META-INF/signature002.p7s " ]
for n in $(unzip -Z1 a.asice); do
	[ "$(unzip -p a.asice "$n" | sha256sum)" = "$(unzip -p c.asice "$n" | sha256sum)" ] || fail "entry $n unchanged" "it differs"
done
pass "every old entry reads the same"
mkdir x && (cd x && unzip -q ../c.asice)
check "the second manifest references the same data objects as the first" [ "$(grep -o 'DataObjectReference URI="[^"]*"' x/META-INF/ASiCManifest.xml)" = "$(grep -o 'DataObjectReference URI="[^"]*"' x/META-INF/ASiCManifest002.xml)" ]
contains "the second manifest names its own signature" "$(cat x/META-INF/ASiCManifest002.xml)" 'SigReference URI="META-INF/signature002.p7s"'
expect_exit 0 "the countersigned archive verifies" verify -v "$CA" c.asice
contains "...both signatures checked" "$out" "passed: 2 signature(s)"
contains "...the first signer reported" "$out" "signed $T by C=VN,O=UBND xa Test,CN=Nguyen Van A (RSA 2048)"
contains "...the second signer reported" "$out" "ECDSA 256, SHA-256, signed $T2 by C=VN,O=UBND xa Test,CN=Le Van C (ECDSA P-256)"
contains "...both manifests" "$out" "2 manifest(s)"
check "unzip -t accepts the countersigned archive" unzip -tq c.asice
expect_exit 0 "openssl cms -verify accepts the countersignature" openssl cms -verify -binary -inform DER -in x/META-INF/signature002.p7s -content x/META-INF/ASiCManifest002.xml -CAfile "$PKI/ca.pem" -purpose any -out /dev/null
cp c.asice c-before.asice
expect_exit 0 "a third signature from the token, into -o" sign-pack -q --pkcs11 "$URI" --pkcs11-module "$MOD" --pass "file:$PKI/pkcs11.pin" --chain "$PKI/chain.pem" --signing-time "$T2" --add-signature c.asice -o c3.asice
check "...leaves the input untouched" cmp -s c.asice c-before.asice
check "...as ASiCManifest003.xml and signature003.p7s" [ "$(unzip -Z1 c3.asice | tail -n 2 | tr '\n' ' ')" = "META-INF/ASiCManifest003.xml META-INF/signature003.p7s " ]
expect_exit 0 "...and all three verify" verify -v "$CA" c3.asice
contains "...each reported" "$out" "passed: 3 signature(s)"
cp a.asice d3.asice
expect_exit 0 "a countersignature may use another digest and PSS" pem rsa3072 -q --digest sha384 --pss --signing-time "$T2" --add-signature d3.asice
contains "...its manifest in SHA-384" "$(unzip -p d3.asice META-INF/ASiCManifest002.xml)" "xmldsig-more#sha384"
expect_exit 0 "...and both signatures verify" verify -v "$CA" d3.asice
contains "...the second as PSS with SHA-384" "$out" "RSA 3072 PSS, SHA-384, signed $T2"
cp a.asice d1.asice && cp a.asice d2.asice
pem rsa3072 -q --signing-time "$T2" --add-signature d1.asice
pem rsa3072 -q --signing-time "$T2" --add-signature d2.asice
check "countersigning is deterministic with RSA PKCS#1 v1.5" [ "$(sum d1.asice)" = "$(sum d2.asice)" ]

# tampering with either signature, manifest or the data: never valid
notvalid() {
	intent=$1
	shift
	run verify "$CA" "$@"
	case $out in
	*": valid"*) fail "$intent" "verify said: $out" ;;
	*) if [ "$rc" -ne 0 ]; then pass "$intent"; else fail "$intent" "exit 0: $out"; fi ;;
	esac
}
sed 's/<ds:DigestValue>./<ds:DigestValue>A/' x/META-INF/ASiCManifest002.xml >m2.xml
"$HZ" rezip c.asice t1.asice --set META-INF/ASiCManifest002.xml=m2.xml
notvalid "a changed second manifest is caught" t1.asice
cp x/META-INF/signature002.p7s s2.p7s && printf 'X' | dd of=s2.p7s bs=1 seek=$(($(wc -c <s2.p7s) - 10)) conv=notrunc 2>/dev/null
"$HZ" rezip c.asice t2.asice --set META-INF/signature002.p7s=s2.p7s
notvalid "a changed countersignature is caught" t2.asice
cp x/META-INF/signature001.p7s s1.p7s && printf 'X' | dd of=s1.p7s bs=1 seek=$(($(wc -c <s1.p7s) - 10)) conv=notrunc 2>/dev/null
"$HZ" rezip c.asice t3.asice --set META-INF/signature001.p7s=s1.p7s
notvalid "a changed first signature of a countersigned archive is caught" t3.asice
"$HZ" rezip c.asice t4.asice --drop META-INF/signature002.p7s
notvalid "a missing countersignature is caught" t4.asice
cp x/data/dossier.xml dx.xml && sed -i 's/Vĩnh viễn/10 năm/' dx.xml
"$HZ" rezip c.asice t5.asice --set data/dossier.xml=dx.xml
notvalid "a changed payload file is caught with two signatures" t5.asice
"$HZ" rezip c.asice t6.asice --set META-INF/ASiCManifest002.xml=x/META-INF/ASiCManifest.xml
notvalid "a second manifest that reuses the first signature is caught" -v t6.asice
contains "...as the same signature named twice" "$out" "name the same signature"
"$HZ" rezip c.asice t7.asice
expect_exit 0 "(the archive rewritten without a change still verifies)" verify "$CA" t7.asice

# what cannot be countersigned
"$HZ" rezip a.asice bad.asice --set data/dossier.xml=dx.xml
cp bad.asice bad-before.asice
expect_exit 3 "an archive that does not verify is not countersigned" pem ec256 --add-signature bad.asice
contains "...saying why" "$errout" "refusing to countersign"
check "...and is left as it was" cmp -s bad.asice bad-before.asice
echo "not a zip" >notzip.asice
expect_exit 3 "a file that is not an archive is not countersigned" pem ec256 --add-signature notzip.asice
expect_exit 3 "a missing archive is bad input" pem ec256 --add-signature nonexistent.asice
expect_exit 2 "--add-signature with a dossier too is a usage error" pem ec256 --add-signature c.asice "$D"

# --- PKI.js: an independent implementation checks the same signatures ---
PJ=$HOSO_TOP/tests/pkijs-verify.mjs
if ! command -v node >/dev/null 2>&1; then
	echo "# skipped: node is not installed, so PKI.js cannot run (scripts/install-deps installs it)"
elif [ ! -d "$HOSO_TOP/tests/node_modules/pkijs" ]; then
	fail "PKI.js is installed in tests/node_modules" "run scripts/install-deps (npm ci in tests/)"
else
	expect_exit 0 "PKI.js verifies the signature of a signed archive" node "$PJ" x/META-INF/signature001.p7s x/META-INF/ASiCManifest.xml "$PKI/ca.pem"
	contains "...its signer and chain to the root" "$out" "valid: Nguyen Van A (RSA 2048), SHA-256, signed 2026-11-01T08:00:00.000Z, chain of 3"
	expect_exit 0 "PKI.js verifies the ECDSA countersignature" node "$PJ" x/META-INF/signature002.p7s x/META-INF/ASiCManifest002.xml "$PKI/ca.pem"
	contains "...by its signer" "$out" "valid: Le Van C (ECDSA P-256)"
	mkdir y && (cd y && unzip -q ../k4.asice)
	expect_exit 0 "PKI.js verifies a PSS signature made on the token" node "$PJ" y/META-INF/signature001.p7s y/META-INF/ASiCManifest.xml "$PKI/ca.pem"
	expect_exit 1 "PKI.js: a changed manifest is invalid" node "$PJ" x/META-INF/signature002.p7s m2.xml "$PKI/ca.pem"
	contains "...by its message digest" "$out" "invalid: message-digest does not match"
	expect_exit 1 "PKI.js: a manifest under another manifest's signature is invalid" node "$PJ" x/META-INF/signature001.p7s x/META-INF/ASiCManifest002.xml "$PKI/ca.pem"
	expect_exit 1 "PKI.js: a changed signature value is invalid" node "$PJ" s1.p7s x/META-INF/ASiCManifest.xml "$PKI/ca.pem"
	contains "...as such" "$out" "invalid: the signature value does not verify"
	expect_exit 1 "PKI.js: a chain to another root is invalid" node "$PJ" x/META-INF/signature001.p7s x/META-INF/ASiCManifest.xml "$PKI/rogue.pem"
	pem expired -q --signing-time "$T" -o ex.asice "$D"
	mkdir z && (cd z && unzip -q ../ex.asice)
	expect_exit 1 "PKI.js: a signer expired at the signing time is invalid" node "$PJ" z/META-INF/signature001.p7s z/META-INF/ASiCManifest.xml "$PKI/ca.pem"
fi
echo "# $n_case cases"
