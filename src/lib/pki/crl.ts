/**
 * Certificate revocation lists as mosquitto's crlfile uses them: every CRL of a PEM file, and a
 * client certificate checked against its own issuer's CRL only (OpenSSL's X509_V_FLAG_CRL_CHECK,
 * without CRL_CHECK_ALL). Node's `crl` option checks every certificate of the chain, so a
 * two-level CA would need a CRL from its root as well, which mosquitto does not ask for.
 */
import { verify, type X509Certificate } from 'node:crypto';
import { DerError, Tag, children, oidText, readTlv, timeValue, type Tlv } from './der.js';

export interface RevocationList {
  /** The issuer's Name, its DER contents, as the certificates it covers name their issuer. */
  readonly issuer: Buffer;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  /** The serial numbers revoked, in hexadecimal without leading zeros, upper case. */
  readonly revoked: ReadonlySet<string>;
  /** The signed part, whole (tag and length included), with its signature. */
  readonly signed: Buffer;
  readonly signatureAlgorithm: string;
  readonly signature: Buffer;
}

/** Why a client certificate is refused, under OpenSSL's names (as Node's authorizationError gives them). */
export type RevocationRefusal = 'UNABLE_TO_GET_CRL' | 'CRL_SIGNATURE_FAILURE' | 'CRL_NOT_YET_VALID' | 'CRL_HAS_EXPIRED' | 'CERT_REVOKED';

const PEM_BLOCK = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/g;

/** The hash each signature algorithm of a CRL uses (null: the key type decides, as for Ed25519). */
const SIGNATURE_HASHES: Readonly<Record<string, string | null>> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/** Every CRL in a PEM file, in order; a file without one, or a damaged one, throws a DerError. */
export function revocationListsInPem(text: string): RevocationList[] {
  const lists = [...text.matchAll(PEM_BLOCK)].map((m) => parseRevocationList(Buffer.from(m[1]!, 'base64')));
  if (lists.length === 0) throw new DerError('no PEM X509 CRL in it');
  return lists;
}

function parseRevocationList(der: Buffer): RevocationList {
  const [tbs, algorithm, signature] = children(readTlv(der, Tag.Sequence));
  if (tbs === undefined || algorithm === undefined || signature?.tag !== Tag.BitString) throw new DerError('not a CRL');
  const fields = children(tbs);
  // version is optional (v1 CRLs), the signature algorithm then comes first.
  const at = fields[0]?.tag === Tag.Integer ? 1 : 0;
  const issuer = fields[at + 1];
  const thisUpdate = fields[at + 2];
  if (issuer?.tag !== Tag.Sequence || thisUpdate === undefined) throw new DerError('not a CRL');
  const next = fields[at + 3];
  const hasNext = next !== undefined && (next.tag === Tag.UtcTime || next.tag === Tag.GeneralizedTime);
  const entries = fields[at + (hasNext ? 4 : 3)];
  const revoked = new Set<string>();
  if (entries?.tag === Tag.Sequence) {
    for (const entry of children(entries)) {
      const serial = children(entry)[0];
      if (serial?.tag !== Tag.Integer) throw new DerError('bad revoked entry');
      revoked.add(serialText(serial.value));
    }
  }
  const algorithmOid = children(algorithm)[0];
  if (algorithmOid?.tag !== Tag.Oid) throw new DerError('bad signature algorithm');
  return {
    issuer: issuer.value,
    thisUpdate: timeValue(thisUpdate),
    nextUpdate: hasNext ? timeValue(next) : undefined,
    revoked,
    signed: encode(tbs),
    signatureAlgorithm: oidText(algorithmOid.value),
    // A BIT STRING's first byte counts the unused bits of the last one: none in a signature.
    signature: signature.value.subarray(1),
  };
}

function serialText(bytes: Buffer): string {
  return bytes.toString('hex').toUpperCase().replace(/^0+(?=.)/, '');
}

/** A TLV's DER encoding again (DER lengths are minimal, so this is the bytes it was read from). */
function encode(tlv: Tlv): Buffer {
  const length = tlv.value.length;
  const size = length < 0x80 ? [length] : lengthBytes(length);
  return Buffer.concat([Buffer.from([tlv.tag, ...size]), tlv.value]);
}

function lengthBytes(length: number): number[] {
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** The issuer Name (DER contents) and serial number of a certificate. */
function issuerAndSerial(cert: X509Certificate): { issuer: Buffer; serial: string } {
  const [tbs] = children(readTlv(cert.raw, Tag.Sequence));
  if (tbs === undefined) throw new DerError('not a certificate');
  const fields = children(tbs);
  const at = fields[0]?.tag === Tag.explicit(0) ? 1 : 0;
  const serial = fields[at];
  const issuer = fields[at + 2];
  if (serial?.tag !== Tag.Integer || issuer?.tag !== Tag.Sequence) throw new DerError('not a certificate');
  return { issuer: issuer.value, serial: serialText(serial.value) };
}

function signedBy(list: RevocationList, issuer: X509Certificate): boolean {
  const hash = SIGNATURE_HASHES[list.signatureAlgorithm];
  if (hash === undefined) return false;
  try {
    return verify(hash, list.signed, issuer.publicKey, list.signature);
  } catch {
    return false;
  }
}

/**
 * Checks `leaf` as OpenSSL's CRL_CHECK does: its issuer must have a CRL among `lists`, signed by
 * `issuer` (the certificate that signed the leaf) and current at `now`, and the leaf's serial must
 * not be in it. Undefined when the leaf may pass.
 */
export function checkRevocation(leaf: X509Certificate, issuer: X509Certificate | undefined, lists: readonly RevocationList[], now: Date): RevocationRefusal | undefined {
  const { issuer: name, serial } = issuerAndSerial(leaf);
  const own = lists.filter((list) => list.issuer.equals(name));
  if (own.length === 0 || issuer === undefined) return 'UNABLE_TO_GET_CRL';
  const signed = own.filter((list) => signedBy(list, issuer));
  if (signed.length === 0) return 'CRL_SIGNATURE_FAILURE';
  const current = signed.filter((list) => list.thisUpdate <= now && (list.nextUpdate === undefined || now <= list.nextUpdate));
  if (current.length === 0) return signed.some((list) => list.thisUpdate > now) ? 'CRL_NOT_YET_VALID' : 'CRL_HAS_EXPIRED';
  return current.some((list) => list.revoked.has(serial)) ? 'CERT_REVOKED' : undefined;
}
