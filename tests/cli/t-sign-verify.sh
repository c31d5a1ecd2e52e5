# shellcheck shell=sh
# t-sign-verify.sh - sign-pack and verify as a clerk and an auditor use them: signing a dossier,
# determinism, independent checks (openssl cms, sha256sum), tampering, hostile archives.
. "$HOSO_TOP/tests/cli/lib.sh"
need_fixtures
FX=$FIXTURES
PKI=$HOSO_WORK/pki
HZ=$HOSO_TOP/scripts/make-hostile-zips
need_pki
scan-ingest -q -o st "$FX/batch" || { fail "a store can be made"; exit 1; }
D=st/000.17.22.H56-210531-0001
T=2026-11-01T08:00:00Z
CA="--ca-file=$PKI/ca.pem"
# sign KEYNAME OUT [OPTION...]: sign dossier D with a key of the test PKI
sign() {
	k=$1
	o=$2
	shift 2
	sign-pack -q --key "$PKI/$k.key" --cert "$PKI/$k.pem" --chain "$PKI/chain.pem" \
	    --signing-time "$T" -o "$o" "$@" "$D"
}
# resign ARCHIVE OUT KEYNAME [openssl cms option...]: the manifest signed again by openssl
resign() {
	a=$1
	o=$2
	k=$3
	shift 3
	rm -rf rs && mkdir rs && (cd rs && unzip -q "../$a") &&
	openssl cms -sign -binary -in rs/META-INF/ASiCManifest.xml -signer "$PKI/$k.pem" \
	    -inkey "$PKI/$k.key" -certfile "$PKI/chain.pem" -outform DER -out rs/sig.p7s "$@" &&
	"$HZ" rezip "$a" "$o" --set META-INF/signature001.p7s=rs/sig.p7s
}
sum() { sha256sum "$1" | cut -d' ' -f1; }
u16() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }

# --- the command lines ---
expect_exit 0 "sign-pack --help exits 0" sign-pack --help
contains "sign-pack --help shows the synopsis" "$out" "sign-pack [OPTION]"
expect_exit 0 "verify --help exits 0" verify --help
contains "verify --help shows the synopsis" "$out" "verify [OPTION]"
expect_exit 2 "sign-pack without a key is a usage error" sign-pack "$D"
expect_exit 2 "sign-pack with --key and --pkcs12 is a usage error" sign-pack --key a --cert b --pkcs12 c "$D"
expect_exit 2 "--digest sha1 is refused" sign -o w.asice rsa2048 --digest sha1
expect_exit 2 "--digest md5 is refused" sign rsa2048 w.asice --digest md5
expect_exit 2 "a signing time that is not ISO 8601 UTC is a usage error" sign rsa2048 w.asice --signing-time 2026-11-01
expect_exit 2 "an impossible signing time is a usage error" sign rsa2048 w.asice --signing-time 2026-02-30T08:00:00Z
expect_exit 2 "a signing time with a sign or a space in a field is a usage error" sign rsa2048 w.asice --signing-time 2026-+1-01T08:00:00Z
expect_exit 2 "a signing time with a space for a zero is a usage error" sign rsa2048 w.asice --signing-time "2026-11-01T 8:00:00Z"
expect_exit 2 "a password on the command line is refused" sign-pack --pkcs12 "$PKI/rsa2048.p12" --pass hoso-test-pass "$D"
expect_exit 2 "verify without an archive is a usage error" verify
expect_exit 2 "--extract with two archives is a usage error" verify --extract x a b
check "usage errors write no archive" [ ! -e w.asice ]

# --- sign, verify ---
expect_exit 0 "a dossier is signed" sign rsa2048 a.asice
check "no temporary file is left" [ -z "$(find . -maxdepth 1 -name '.*.tmp.*')" ]
expect_exit 0 "the archive verifies" verify "$CA" a.asice
check "verify prints 'valid'" [ "$out" = "a.asice: valid" ]
expect_exit 0 "verify -v reports every check" verify -v "$CA" a.asice
contains "check 1 is the container" "$out" "1. container: passed"
contains "check 2 is the manifests" "$out" "2. manifests: passed"
contains "check 3 is the signature, RSA PKCS#1 v1.5" "$out" "3. signature: passed: 1 signature(s); RSA 2048 PKCS#1 v1.5, SHA-256, signed 2026-11-01T08:00:00Z"
contains "check 4 is the certificate chain" "$out" "4. certificate: passed"
contains "check 5 says there is no timestamp" "$out" "5. timestamp: skipped"
contains "check 6 is BagIt" "$out" "6. BagIt: passed"
check "mimetype's content starts at byte 38" [ "$(dd if=a.asice bs=1 skip=38 count=31 2>/dev/null)" = "application/vnd.etsi.asic-e+zip" ]
check "mimetype is STORED" [ "$(u16 a.asice 8)" = 0 ]
check "mimetype has no extra field" [ "$(u16 a.asice 28)" = 0 ]
check "mimetype has no data descriptor (bit 3)" [ $(($(u16 a.asice 6) & 8)) = 0 ]
check "names are flagged UTF-8 (bit 11)" [ $(($(u16 a.asice 6) & 2048)) = 2048 ]
check "unzip -t finds no error" unzip -tq a.asice
run unzip -Z1 a.asice
check "entries are laid out as hoso-archive(5) says" [ "$(echo "$out" | tr '\n' ' ')" = "mimetype bagit.txt bag-info.txt manifest-sha256.txt tagmanifest-sha256.txt data/dossier.xml data/pages/0001.norm.tif data/pages/0001.png data/pages/0002.jpg data/pages/0002.norm.tif META-INF/ASiCManifest.xml META-INF/signature001.p7s " ]
run unzip -Zl a.asice mimetype
contains "entries carry the signing time" "$out" "26-Nov-01 08:00"
mkdir out && (cd out && sign-pack -q --key "$PKI/rsa2048.key" --cert "$PKI/rsa2048.pem" --chain "$PKI/chain.pem" --signing-time "$T" "../$D")
check "without -o the archive is <code>.asice" [ -f out/000.17.22.H56-210531-0001.asice ]
expect_exit 0 "two archives verify in one run with -j 2" verify -j 2 "$CA" a.asice out/000.17.22.H56-210531-0001.asice

# --- determinism ---
expect_exit 0 "the same dossier is signed again" sign rsa2048 b.asice
check "same input, same signing time, RSA PKCS#1 v1.5: byte-identical archives" [ "$(sum a.asice)" = "$(sum b.asice)" ]
sign rsa2048 c.asice --signing-time 2026-11-02T08:00:00Z
check "another signing time gives another archive" [ "$(sum a.asice)" != "$(sum c.asice)" ]

# --- other keys and digests ---
expect_exit 0 "an ECDSA P-256 key signs" sign ec256 e1.asice
expect_exit 0 "the ECDSA archive verifies" verify -v "$CA" e1.asice
contains "the signature is ECDSA" "$out" "ECDSA 256, SHA-256"
sign ec256 e2.asice
unzip -p e1.asice META-INF/ASiCManifest.xml >m1 && unzip -p e2.asice META-INF/ASiCManifest.xml >m2
check "with ECDSA the manifests are identical" cmp -s m1 m2
check "with ECDSA only the signature differs" [ "$(unzip -Z1 e1.asice | grep -v p7s | while read -r n; do unzip -p e1.asice "$n" | sha256sum; done)" = "$(unzip -Z1 e2.asice | grep -v p7s | while read -r n; do unzip -p e2.asice "$n" | sha256sum; done)" ]
expect_exit 0 "RSA 3072 with --pss signs" sign rsa3072 p.asice --pss
expect_exit 0 "the PSS archive verifies" verify -v "$CA" p.asice
contains "the signature is RSASSA-PSS" "$out" "RSA 3072 PSS, SHA-256"
expect_exit 0 "--digest sha384 signs" sign rsa2048 s384.asice --digest sha384
expect_exit 0 "the SHA-384 archive verifies" verify -v "$CA" s384.asice
contains "the manifest uses SHA-384" "$(unzip -p s384.asice META-INF/ASiCManifest.xml)" "xmldsig-more#sha384"
contains "the signature uses SHA-384" "$out" "RSA 2048 PKCS#1 v1.5, SHA-384"
expect_exit 0 "--digest sha512 signs and verifies" sh -c "sign-pack -q --key $PKI/ec256.key --cert $PKI/ec256.pem --chain $PKI/chain.pem --digest sha512 --signing-time $T -o s512.asice $D && verify $CA s512.asice"
expect_exit 0 "a PKCS#12 file with --pass file: signs" sign-pack -q --pkcs12 "$PKI/rsa2048.p12" --pass "file:$PKI/p12.pass" --signing-time "$T" -o p12.asice "$D"
check "PKCS#12 and PEM give the same archive" [ "$(sum p12.asice)" = "$(sum a.asice)" ]
expect_exit 3 "a PKCS#12 file with the wrong password is refused" sh -c "HOSO_PW=wrong sign-pack --pkcs12 $PKI/rsa2048.p12 --pass env:HOSO_PW -o w.asice $D"
expect_exit 0 "--pass env: opens an encrypted PEM key" sh -c "HOSO_PW=hoso-test-pass sign-pack -q --key $PKI/rsa2048-enc.key --cert $PKI/rsa2048.pem --pass env:HOSO_PW --signing-time $T -o enc.asice $D"
expect_exit 0 "--pass fd: opens an encrypted PEM key" sh -c "sign-pack -q --key $PKI/rsa2048-enc.key --cert $PKI/rsa2048.pem --pass fd:3 --signing-time $T -o enc2.asice $D 3<$PKI/p12.pass"
expect_exit 3 "an encrypted key without --pass is refused" sign-pack --key "$PKI/rsa2048-enc.key" --cert "$PKI/rsa2048.pem" -o w.asice "$D"
expect_exit 2 "an RSA 1024 key is refused before signing" sign rsa1024 w.asice
contains "the refusal names the key size" "$errout" "1024 bits"
expect_exit 2 "a certificate signed with SHA-1 is refused before signing" sign sha1 w.asice
expect_exit 2 "a certificate without a signing key usage is refused" sign noku w.asice
expect_exit 3 "a key that does not match the certificate is refused" sign-pack --key "$PKI/ec256.key" --cert "$PKI/rsa2048.pem" -o w.asice "$D"
check "refused keys write no archive" [ ! -e w.asice ]

# --- independent checks: openssl cms, sha256sum, the BagIt declaration ---
mkdir x && (cd x && unzip -q ../a.asice)
expect_exit 0 "openssl cms -verify accepts the signature" openssl cms -verify -binary -inform DER -in x/META-INF/signature001.p7s -content x/META-INF/ASiCManifest.xml -CAfile "$PKI/ca.pem" -purpose any -out /dev/null
contains "openssl says so" "$errout" "Verification successful"
run openssl cms -cmsout -print -inform DER -in x/META-INF/signature001.p7s
contains "signed attribute content-type" "$out" "contentType"
contains "signed attribute message-digest" "$out" "messageDigest"
contains "signed attribute signing-time" "$out" "signingTime"
contains "signed attribute signing-certificate-v2" "$out" "id-smime-aa-signingCertificateV2"
check "bagit.txt is the BagIt 1.0 declaration" [ "$(cat x/bagit.txt)" = "$(printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8')" ]
expect_exit 0 "sha256sum -c accepts manifest-sha256.txt" sh -c "cd x && sha256sum -c --quiet manifest-sha256.txt"
expect_exit 0 "sha256sum -c accepts tagmanifest-sha256.txt" sh -c "cd x && sha256sum -c --quiet tagmanifest-sha256.txt"
check "every payload file is in manifest-sha256.txt, and only those" [ "$(cd x && find data -type f | LC_ALL=C sort)" = "$(cut -c67- x/manifest-sha256.txt | LC_ALL=C sort)" ]
oxum=$(sed -n 's/^Payload-Oxum: //p' x/bag-info.txt)
check "Payload-Oxum is bytes.files of data/" [ "$oxum" = "$(cd x && find data -type f -exec cat {} + | wc -c).$(cd x && find data -type f | wc -l)" ]
expect_exit 0 "a BagIt validator written apart from libhoso (tests/bagit-validate.py) accepts the bag" python3 "$HOSO_TOP/tests/bagit-validate.py" x
cp -R x xbad && printf 'x' >>xbad/data/dossier.xml && printf 'y' >xbad/data/extra.txt
expect_exit 1 "...and it is not a rubber stamp: a changed and an unlisted payload file are caught" python3 "$HOSO_TOP/tests/bagit-validate.py" xbad
contains "...naming the changed file" "$out" "data/dossier.xml: sha256 does not match"
contains "...and the unlisted one" "$out" "data/extra.txt is in data/ but not listed"
check "data/dossier.xml is the store's dossier.xml" cmp -s x/data/dossier.xml "$D/dossier.xml"
check "the original page is in the payload byte for byte" cmp -s x/data/pages/0001.png "$D/pages/0001.png"
check "the manifest references every file outside META-INF but mimetype" [ "$(grep -c DataObjectReference\ URI x/META-INF/ASiCManifest.xml)" = 9 ]
check "the manifest has no DOCTYPE and parses" xmllint --noout --nonet x/META-INF/ASiCManifest.xml

# --- the XML report ---
expect_exit 0 "verify --report writes the XML report" verify "$CA" --report r.xml a.asice e1.asice
check "the report validates against verify-report.xsd" xmllint --noout --schema "$HOSO_TOP/data/schema/verify-report.xsd" r.xml
check "the report names six checks per archive" [ "$(xmllint --xpath 'count(/verify-report/archive[1]/check)' r.xml)" = 6 ]
check "the report says valid" [ "$(xmllint --xpath 'string(/verify-report/archive[1]/@result)' r.xml)" = valid ]

# --- tampering: never valid ---
notvalid() {
	intent=$1
	shift
	run verify "$CA" "$@"
	case $out in
	*": valid"*) fail "$intent" "verify said: $out" ;;
	*) if [ "$rc" -ne 0 ]; then pass "$intent"; else fail "$intent" "exit 0: $out"; fi ;;
	esac
}
size=$(wc -c <a.asice)
cp a.asice t1.asice
printf 'X' | dd of=t1.asice bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
notvalid "one byte changed in place is caught" t1.asice
cp x/data/pages/0001.png page.png && printf 'X' | dd of=page.png bs=1 seek=1000 conv=notrunc 2>/dev/null
"$HZ" rezip a.asice t2.asice --set data/pages/0001.png=page.png
notvalid "a payload byte changed (ZIP rewritten cleanly) is caught" t2.asice
contains "...by the manifest digest" "$out" "data/pages/0001.png does not match"
cp x/data/dossier.xml dx.xml && sed -i 's/Vĩnh viễn/10 năm/' dx.xml
"$HZ" rezip a.asice t3.asice --set data/dossier.xml=dx.xml
notvalid "a changed dossier.xml is caught" t3.asice
sed 's/<ds:DigestValue>./<ds:DigestValue>A/' x/META-INF/ASiCManifest.xml >man.xml
"$HZ" rezip a.asice t4.asice --set META-INF/ASiCManifest.xml=man.xml
notvalid "a changed manifest is caught" -v t4.asice
contains "...by the message digest" "$out" "message-digest does not match"
# Write X there, or Y when the (random) signature already has an X.
at=$(($(wc -c <x/META-INF/signature001.p7s) - 10))
ch=X && [ "$(od -An -c -j "$at" -N1 x/META-INF/signature001.p7s | tr -d ' ')" = X ] && ch=Y
cp x/META-INF/signature001.p7s sig.p7s && printf '%s' "$ch" | dd of=sig.p7s bs=1 seek="$at" conv=notrunc 2>/dev/null
"$HZ" rezip a.asice t5.asice --set META-INF/signature001.p7s=sig.p7s
notvalid "a changed signature value is caught" t5.asice
printf 'application/vnd.etsi.asic-s+zip' >mt
"$HZ" rezip a.asice t6.asice --set mimetype=mt
notvalid "a changed mimetype is caught" t6.asice
echo extra >extra.txt
"$HZ" rezip a.asice t7.asice --add data/zz-extra.txt=extra.txt
notvalid "an added entry is caught" t7.asice
"$HZ" rezip a.asice t8.asice --drop data/pages/0002.jpg
notvalid "a removed entry is caught" t8.asice
"$HZ" rezip a.asice t9.asice --rename data/pages/0001.png=data/pages/0001.PNG.png
notvalid "a renamed entry is caught" t9.asice
"$HZ" rezip a.asice t10.asice --reverse
notvalid "reordered entries are caught" t10.asice
"$HZ" rezip a.asice t11.asice --drop META-INF/signature001.p7s
notvalid "a missing signature is caught" t11.asice
"$HZ" rezip a.asice t12.asice
expect_exit 0 "(the same archive rewritten without a change still verifies)" verify "$CA" t12.asice

# --- signers verify must not accept ---
expect_exit 1 "no trust anchor: indeterminate" verify a.asice
contains "...and says why" "$out" "indeterminate: no trust anchor"
sign-pack -q --key "$PKI/untrusted.key" --cert "$PKI/untrusted.pem" --signing-time "$T" -o u.asice "$D"
expect_exit 1 "a signer under an untrusted root: indeterminate" verify "$CA" u.asice
contains "...indeterminate" "$out" "u.asice: indeterminate"
# sign-pack refuses an expired certificate (t-tsa-ocsp.sh); openssl signs with it now.
resign a.asice x1.asice expired -cades
expect_exit 1 "a signer expired at the signing time: indeterminate" verify "$CA" x1.asice
contains "...because expired" "$out" "expired"
sign revoked rv.asice
expect_exit 0 "(without --crl revocation is not checked)" verify "$CA" rv.asice
expect_exit 1 "a signer revoked after the signing time, with --crl: indeterminate" verify "$CA" --crl "$PKI/crl.pem" rv.asice
contains "...because revoked" "$out" "revoked"
sign revoked rv2.asice --signing-time 2040-01-01T00:00:00Z
expect_exit 1 "a signer revoked before the signing time, with --crl: invalid" verify "$CA" --crl "$PKI/crl.pem" rv2.asice
contains "...invalid" "$out" "rv2.asice: invalid"
expect_exit 1 "a CRL from another issuer leaves revocation indeterminate" verify "$CA" --crl "$PKI/root-crl.pem" a.asice
contains "...and says so" "$out" "no CRL from the issuer"
expect_exit 0 "a good signer with --crl is valid" sh -c "verify $CA --crl $PKI/crl.pem a.asice >/dev/null || exit 1; exit 0"
resign a.asice r1.asice sha1 -md sha256 -cades
notvalid "a signer whose certificate is signed with SHA-1 (signed by openssl) is refused" r1.asice
resign a.asice r2.asice rsa2048 -md sha1 -cades
notvalid "a signature made with SHA-1 is refused" r2.asice
contains "...naming the digest" "$out" "SHA1"
resign a.asice r3.asice noku -md sha256 -cades
notvalid "a certificate without digitalSignature/nonRepudiation is refused" r3.asice
resign a.asice r4.asice rsa2048 -md sha256 -noattr
notvalid "a signature without signed attributes is refused" r4.asice
resign a.asice r5.asice rsa2048 -md sha256
notvalid "a signature without signing-certificate-v2 is refused" r5.asice
resign a.asice r6.asice rsa2048 -md sha256 -cades
expect_exit 0 "(the same re-signing with -cades is accepted: the tests above are fair)" verify "$CA" r6.asice

# --- hostile archives: a clear refusal, nothing written anywhere ---
"$HZ" hostile h a.asice || fail "hostile archives can be made"
for f in h/*.asice; do
	n=$(basename "$f" .asice)
	run verify "$CA" --extract "ex-$n" "$f"
	if [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then
		fail "hostile $n: exit 1 or 3" "exit $rc: $out $errout"
	elif [ -e "ex-$n" ]; then
		fail "hostile $n: nothing extracted" "ex-$n exists"
	else
		case $out in
		*": invalid: "* | *": not a container: "*) pass "hostile $n: refused ($rc): ${out#*: }" ;;
		*) fail "hostile $n: a clear refusal" "$out" ;;
		esac
	fi
done
check "no hostile name was written anywhere" [ ! -e evil.txt ] && [ ! -e ../evil.txt ] && [ ! -e /tmp/evil.txt ]
expect_exit 3 "a missing archive is bad input" verify "$CA" nonexistent.asice

# --- extraction ---
expect_exit 0 "a valid archive is extracted" verify "$CA" --extract ex a.asice
expect_exit 0 "the extracted bag passes sha256sum -c" sh -c "cd ex && sha256sum -c --quiet manifest-sha256.txt"
check "the extracted payload is the dossier's" cmp -s ex/data/pages/0002.jpg "$D/pages/0002.jpg"
expect_exit 1 "an invalid archive is not extracted" verify "$CA" --extract ex2 t2.asice
check "...nothing written" [ ! -e ex2 ]
mkdir ex3 && ln -s /tmp ex3/data
expect_exit 3 "extraction never follows a symbolic link already in DIR" verify "$CA" --extract ex3 a.asice
check "...nothing written through it" [ ! -e /tmp/dossier.xml ]
expect_exit 4 "extraction never overwrites a file" verify "$CA" --extract ex a.asice

# --- OCR output travels with the pages (archive.md: OCR text, hOCR, searchable PDF) ---
scan-ingest -q -o sto --dossier O "$FX/form-khai-sinh.png" || { fail "an OCR dossier can be made"; exit 1; }
expect_exit 0 "the dossier is recognized" ocr-extract -q sto/O
D=sto/O
expect_exit 0 "a recognized dossier is signed" sign rsa2048 o.asice
run unzip -Z1 o.asice
for f in data/dossier.xml data/pages/0001.png data/ocr/0001.txt data/ocr/0001.hocr data/ocr/dossier.pdf; do
	contains "the archive holds $f" "$out" "$f"
done
check "no unlisted OCR file is packed" [ -z "$(unzip -Z1 o.asice | grep 'ocr/.*\.sha256')" ]
expect_exit 0 "the archive with OCR output verifies" verify "$CA" o.asice
check "...as valid" [ "$out" = "o.asice: valid" ]
check "the packed text is the dossier's" [ "$(unzip -p o.asice data/ocr/0001.txt | sum -)" = "$(sum sto/O/ocr/0001.txt)" ]
