import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { KeyPairPem } from './keys.js';
import type { HostName } from './names.js';

const { pki } = forge;

// forge exports it (cert.sign calls it); @types/node-forge leaves it out.
declare module 'node-forge' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace pki {
    function getTBSCertificate(cert: Certificate): asn1.Asn1;
  }
}

/** What signs: the CA's certificate (for the issuer name), its RSA key, and its key id for the AKI. */
export interface Signer {
  readonly cert: forge.pki.Certificate;
  readonly key: KeyObject;
  /** Raw bytes (forge's binary string) of the CA's subject key identifier. */
  readonly keyId: string;
}

export interface IssuedCertificate {
  readonly cert: forge.pki.Certificate;
  readonly certPem: string;
}

type AltName = { readonly type: 2; readonly value: string } | { readonly type: 7; readonly ip: string };

/** The extensions we write, in node-forge's spelling (its own typings leave them untyped). */
type Extension =
  | { readonly name: 'basicConstraints'; readonly cA: boolean; readonly critical: true }
  | {
      readonly name: 'keyUsage';
      readonly critical: true;
      readonly digitalSignature?: true;
      readonly keyEncipherment?: true;
      readonly keyCertSign?: true;
      readonly cRLSign?: true;
    }
  | { readonly name: 'extKeyUsage'; readonly serverAuth?: true; readonly clientAuth?: true }
  | { readonly name: 'subjectAltName'; readonly altNames: readonly AltName[] }
  | { readonly name: 'subjectKeyIdentifier' }
  | { readonly name: 'authorityKeyIdentifier'; readonly keyIdentifier: string };

export interface CertificateRequest {
  readonly subject: readonly forge.pki.CertificateField[];
  readonly keys: KeyPairPem;
  readonly days: number;
  readonly now: Date;
  readonly extensions: readonly Extension[];
}

/** Clocks of boards and brokers drift; a certificate that starts "now" fails on a clock a minute behind. */
const BACKDATE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * 16 random bytes, positive and without a leading zero byte: forge writes the hex as the raw
 * INTEGER, so a first nibble of 8 or more would make a negative serial (RFC 5280 forbids it).
 */
function newSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/**
 * Builds and signs one certificate; without a signer it is self-signed (a CA). Always SHA-256:
 * forge's default digest is SHA-1, and OpenSSL 3 brokers refuse to load such certificates.
 */
export function buildCertificate(request: CertificateRequest, signer?: Signer): IssuedCertificate {
  const cert = pki.createCertificate();
  // The public key goes in before the extensions: forge derives the SKI from it.
  cert.publicKey = pki.publicKeyFromPem(request.keys.publicKeyPem);
  cert.serialNumber = newSerialHex();
  cert.validity.notBefore = new Date(request.now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(request.now.getTime() + request.days * DAY_MS);
  cert.setSubject([...request.subject]);
  cert.setIssuer(signer === undefined ? [...request.subject] : signer.cert.subject.attributes);
  cert.setExtensions([...request.extensions]);
  signSha256(cert, signer?.key ?? createPrivateKey(request.keys.privateKeyPem));
  return { cert, certPem: pki.certificateToPem(cert) };
}

/**
 * What forge's cert.sign(key, sha256) does (sha256WithRSAEncryption, PKCS #1 v1.5, which is
 * deterministic: the same bytes), with the RSA arithmetic done by Node's OpenSSL: forge's is
 * JavaScript, half a second of CPU for a CA and its first leaf.
 */
function signSha256(cert: forge.pki.Certificate, key: KeyObject): void {
  cert.signatureOid = cert.siginfo.algorithmOid = pki.oids.sha256WithRSAEncryption!;
  cert.tbsCertificate = pki.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, key).toString('binary');
}

/**
 * The AKI names the CA's key. forge's `keyIdentifier: true` would write the leaf's own key id,
 * which OpenSSL and Node then cannot chain ("unable to get local issuer certificate").
 */
function authorityKeyId(signer: Signer): Extension {
  return { name: 'authorityKeyIdentifier', keyIdentifier: signer.keyId };
}

/**
 * Every DNS name as a DNS entry, every IP address both as an IP entry and as a DNS entry:
 * mbedTLS 2.x (ESP32) and BearSSL (ESP8266) compare the host string with DNS entries only.
 */
function subjectAltNames(names: readonly HostName[]): AltName[] {
  return names.flatMap((name): AltName[] =>
    name.kind === 'dns' ? [{ type: 2, value: name.text }] : [{ type: 2, value: name.text }, { type: 7, ip: name.text }],
  );
}

/**
 * A leaf: CA:FALSE, digitalSignature + keyEncipherment (ECDHE suites sign with the key, and
 * mbedTLS and BearSSL insist on digitalSignature), SKI and the CA's AKI, plus `extensions`.
 */
function issueLeaf(signer: Signer, keys: KeyPairPem, commonName: string, days: number, now: Date, extensions: readonly Extension[]): IssuedCertificate {
  return buildCertificate(
    {
      subject: [{ name: 'commonName', value: commonName }],
      keys,
      days,
      now,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
        ...extensions,
        { name: 'subjectKeyIdentifier' },
        authorityKeyId(signer),
      ],
    },
    signer,
  );
}

/** CN = the first name; every name in the SAN, which is all that clients compare once it exists. */
export function issueServerCertificate(signer: Signer, keys: KeyPairPem, names: readonly HostName[], days: number, now: Date): IssuedCertificate {
  return issueLeaf(signer, keys, names[0]?.text ?? 'localhost', days, now, [
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: subjectAltNames(names) },
  ]);
}

/** CN = the client's name: mosquitto's use_identity_as_username reads the CN. */
export function issueClientCertificate(signer: Signer, keys: KeyPairPem, name: string, days: number, now: Date): IssuedCertificate {
  return issueLeaf(signer, keys, name, days, now, [{ name: 'extKeyUsage', clientAuth: true }]);
}
