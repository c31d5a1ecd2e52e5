// pkijs-verify.mjs - an independent check of a hoso archive signature with PKI.js, sharing no
// code with hoso: the detached CMS SignedData (RFC 5652) in SIG (DER) over the bytes of
// MANIFEST, its signer's chain to the root in CA (PEM), checked at the signing time.
//   node tests/pkijs-verify.mjs SIG.p7s MANIFEST.xml CA.pem
// Prints "valid: <signer>" and exits 0, or "invalid: <why>" and exits 1; 2 for usage.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

const OID_DATA = "1.2.840.113549.1.7.1";
const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
const OID_CONTENT_TYPE = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const OID_SIGNING_TIME = "1.2.840.113549.1.9.5";
const OID_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47";
const DIGESTS = {
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

function invalid(why) {
  console.log(`invalid: ${why}`);
  process.exit(1);
}

function arrayBuffer(buf) {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

function certsFromPem(text) {
  const out = [];
  const re = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g;
  let m;
  while ((m = re.exec(text)) !== null)
    out.push(pkijs.Certificate.fromBER(arrayBuffer(Buffer.from(m[1].replace(/\s+/g, ""), "base64"))));
  return out;
}

function equalBytes(a, b) {
  const x = new Uint8Array(a), y = new Uint8Array(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function commonName(cert) {
  const cn = cert.subject.typesAndValues.find((tv) => tv.type === "2.5.4.3");
  return cn ? cn.value.valueBlock.value : "?";
}

async function main() {
  if (process.argv.length !== 5) {
    console.error("usage: node pkijs-verify.mjs SIG.p7s MANIFEST.xml CA.pem");
    process.exit(2);
  }
  const [sigPath, manifestPath, caPath] = process.argv.slice(2);
  pkijs.setEngine("node", new pkijs.CryptoEngine({ name: "node", crypto: webcrypto }));
  const sig = arrayBuffer(readFileSync(sigPath));
  const manifest = arrayBuffer(readFileSync(manifestPath));
  const roots = certsFromPem(readFileSync(caPath, "utf8"));
  if (roots.length === 0) {
    console.error(`${caPath}: no PEM certificate`);
    process.exit(2);
  }

  let cms, signed;
  try {
    cms = pkijs.ContentInfo.fromBER(sig);
    if (cms.contentType !== OID_SIGNED_DATA) invalid("not CMS SignedData");
    signed = new pkijs.SignedData({ schema: cms.content });
  } catch (e) {
    invalid(`cannot parse the CMS structure: ${e.message}`);
  }
  if (signed.encapContentInfo.eContentType !== OID_DATA || signed.encapContentInfo.eContent)
    invalid("not a detached signature over id-data");
  if (signed.signerInfos.length !== 1) invalid(`${signed.signerInfos.length} signers (one wanted)`);
  const si = signed.signerInfos[0];
  const hash = DIGESTS[si.digestAlgorithm.algorithmId];
  if (!hash) invalid(`digest algorithm ${si.digestAlgorithm.algorithmId} is not SHA-256/384/512`);
  if (!si.signedAttrs) invalid("no signed attributes");

  // The signed attributes CAdES-B-B asks for, each once (EN 319 122-1 5.2).
  const attrs = {};
  for (const a of si.signedAttrs.attributes) {
    if (attrs[a.type]) invalid(`signed attribute ${a.type} repeated`);
    attrs[a.type] = a;
  }
  for (const oid of [OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNING_TIME, OID_SIGNING_CERT_V2])
    if (!attrs[oid]) invalid(`signed attribute ${oid} missing`);

  // message-digest against our own digest of the manifest's bytes.
  const wanted = await webcrypto.subtle.digest(hash, manifest);
  const md = attrs[OID_MESSAGE_DIGEST].values[0];
  if (!(md instanceof asn1js.OctetString) || !equalBytes(md.valueBlock.valueHexView, wanted))
    invalid("message-digest does not match the manifest");
  const signingTime = attrs[OID_SIGNING_TIME].values[0].toDate();

  // Signature value and the chain from the certificates in the signature to the root,
  // as it was at the signing time.
  let result;
  try {
    result = await signed.verify({
      signer: 0,
      data: manifest,
      trustedCerts: roots,
      checkChain: true,
      checkDate: signingTime,
      extendedMode: true,
    });
  } catch (e) {
    invalid(e.message || String(e));
  }
  if (!result.signatureVerified) invalid(`the signature value does not verify${result.message ? ": " + result.message : ""}`);
  if (!result.signerCertificateVerified) invalid(`certificate chain: ${result.message}`);
  const path = result.certificatePath || [];
  const top = path.length > 0 ? path[path.length - 1] : null;
  if (!top || !roots.some((r) => equalBytes(r.toSchema().toBER(), top.toSchema().toBER())))
    invalid("the chain does not end at the given root");
  console.log(`valid: ${commonName(result.signerCertificate)}, ${hash}, signed ${signingTime.toISOString()}, chain of ${path.length}`);
}

main().catch((e) => invalid(e.message || String(e)));
