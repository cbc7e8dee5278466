import { X509Certificate } from 'node:crypto';
import { ErrorCode, MqttError } from '../errors.js';
import { fingerprintsOf } from './fingerprint.js';
import { DerError, Tag, children, oidText, readTlv, timeValue, type Tlv } from './der.js';
import { ipBytes, ipText } from './names.js';

export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

/** What a certificate says, read once; plain data (it goes into --json output as it is). */
export interface CertificateFacts {
  readonly version: number;
  readonly serialHex: string;
  /** `CN=localhost, O=mqt` */
  readonly subject: string;
  readonly issuer: string;
  readonly commonName: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** `RSA with SHA-256`; the hash alone decides whether OpenSSL 3 and mbedTLS accept it. */
  readonly signature: { readonly algorithm: string; readonly hash: string | undefined };
  readonly key: { readonly type: string; readonly bits?: number; readonly curve?: string };
  readonly basicConstraints?: { readonly ca: boolean; readonly critical: boolean };
  readonly keyUsage?: { readonly critical: boolean; readonly usages: readonly KeyUsage[] };
  /** serverAuth, clientAuth, anyExtendedKeyUsage, or the OID of anything else. */
  readonly extendedKeyUsage?: readonly string[];
  /** Absent when the certificate has no SAN extension at all (then every stack falls back to the CN). */
  readonly altNames?: { readonly dns: readonly string[]; readonly ip: readonly string[]; readonly other: number };
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  readonly sha1: string;
  readonly sha256: string;
}

export interface InspectedCertificate {
  readonly facts: CertificateFacts;
  /** Node's view, for signature checks and for chaining the way OpenSSL does it. */
  readonly x509: X509Certificate;
}

const SIGNATURES: Readonly<Record<string, readonly [string, string]>> = {
  '1.2.840.113549.1.1.4': ['RSA with MD5', 'MD5'],
  '1.2.840.113549.1.1.5': ['RSA with SHA-1', 'SHA-1'],
  '1.2.840.113549.1.1.11': ['RSA with SHA-256', 'SHA-256'],
  '1.2.840.113549.1.1.12': ['RSA with SHA-384', 'SHA-384'],
  '1.2.840.113549.1.1.13': ['RSA with SHA-512', 'SHA-512'],
  '1.2.840.10045.4.1': ['ECDSA with SHA-1', 'SHA-1'],
  '1.2.840.10045.4.3.2': ['ECDSA with SHA-256', 'SHA-256'],
  '1.2.840.10045.4.3.3': ['ECDSA with SHA-384', 'SHA-384'],
  '1.2.840.10045.4.3.4': ['ECDSA with SHA-512', 'SHA-512'],
  '1.3.101.112': ['Ed25519', 'SHA-512'],
};

const EXTENDED_USAGES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM file, in order (a server file may carry its chain). */
export function certificatesInPem(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

/** The names a certificate answers to, each once: its SAN entries (IP spellings merged), or the CN. */
export function namesIn(facts: CertificateFacts): string[] {
  if (facts.altNames === undefined) return facts.commonName === undefined ? [] : [facts.commonName];
  const names = [...facts.altNames.dns, ...facts.altNames.ip].map((name) => {
    const bytes = ipBytes(name);
    return bytes === undefined ? name.toLowerCase() : ipText(bytes);
  });
  return [...new Set(names)];
}

/** `label` names the certificate in errors (its file name). */
export function inspectCertificate(pem: string, label: string): InspectedCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch (err) {
    throw new MqttError(ErrorCode.InvalidCertificate, `${label} is not a PEM certificate.`, { cause: err });
  }
  try {
    return { x509, facts: readFields(x509) };
  } catch (err) {
    if (!(err instanceof DerError)) throw err;
    throw new MqttError(ErrorCode.InvalidCertificate, `${label} could not be read (${err.message}).`, { cause: err });
  }
}

function readFields(x509: X509Certificate): CertificateFacts {
  const [tbs, algorithm] = children(readTlv(x509.raw));
  if (tbs === undefined || algorithm === undefined) throw new DerError('not a certificate');
  const fields = children(tbs);
  const hasVersion = fields[0]?.tag === Tag.explicit(0);
  const [serial, , , validity] = fields.slice(hasVersion ? 1 : 0);
  if (serial === undefined || validity === undefined) throw new DerError('truncated certificate');
  const [notBefore, notAfter] = children(validity);
  if (notBefore === undefined || notAfter === undefined) throw new DerError('bad validity');
  const sigOid = oidText(children(algorithm)[0]?.value ?? Buffer.alloc(0));
  const [sigName, hash] = SIGNATURES[sigOid] ?? [`signature ${sigOid}`, undefined];
  const details = x509.publicKey.asymmetricKeyDetails;
  const extensionsTlv = fields.find((f) => f.tag === Tag.explicit(3));
  return {
    version: hasVersion ? readTlv(fields[0]!.value, Tag.Integer).value.readUIntBE(0, 1) + 1 : 1,
    serialHex: serial.value.toString('hex'),
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    commonName: commonNameOf(x509.subject),
    notBefore: timeValue(notBefore),
    notAfter: timeValue(notAfter),
    signature: { algorithm: sigName, hash },
    key: {
      type: (x509.publicKey.asymmetricKeyType ?? 'unknown').toUpperCase(),
      ...(details?.modulusLength === undefined ? {} : { bits: details.modulusLength }),
      ...(details?.namedCurve === undefined ? {} : { curve: details.namedCurve }),
    },
    ...(extensionsTlv === undefined ? {} : readExtensions(readTlv(extensionsTlv.value, Tag.Sequence))),
    ...fingerprintsOf(x509),
  };
}

function commonNameOf(subject: string): string | undefined {
  const line = subject.split('\n').find((l) => l.startsWith('CN='));
  return line?.slice(3);
}

type ExtensionFields = Pick<
  CertificateFacts,
  'basicConstraints' | 'keyUsage' | 'extendedKeyUsage' | 'altNames' | 'subjectKeyId' | 'authorityKeyId'
>;

function readExtensions(sequence: Tlv): ExtensionFields {
  const found: { -readonly [K in keyof ExtensionFields]: ExtensionFields[K] } = {};
  for (const extension of children(sequence)) {
    const parts = children(extension);
    const id = oidText(parts[0]?.value ?? Buffer.alloc(0));
    const critical = parts[1]?.tag === Tag.Boolean && parts[1].value[0] !== 0;
    const octets = parts[parts.length - 1];
    if (octets === undefined || octets.tag !== Tag.OctetString) throw new DerError(`bad extension ${id}`);
    const value = readTlv(octets.value);
    switch (id) {
      case '2.5.29.19': {
        const [first] = children(value);
        found.basicConstraints = { ca: first?.tag === Tag.Boolean && first.value[0] !== 0, critical };
        break;
      }
      case '2.5.29.15':
        found.keyUsage = { critical, usages: keyUsages(value) };
        break;
      case '2.5.29.37':
        found.extendedKeyUsage = children(value).map((oid) => EXTENDED_USAGES[oidText(oid.value)] ?? oidText(oid.value));
        break;
      case '2.5.29.17':
        found.altNames = altNames(value);
        break;
      case '2.5.29.14':
        if (value.tag !== Tag.OctetString) throw new DerError('bad subjectKeyIdentifier');
        found.subjectKeyId = value.value.toString('hex');
        break;
      case '2.5.29.35': {
        const keyId = children(value).find((part) => part.tag === Tag.implicit(0));
        if (keyId !== undefined) found.authorityKeyId = keyId.value.toString('hex');
        break;
      }
      default:
        break;
    }
  }
  return found;
}

/** A BIT STRING: the first octet counts unused bits; bit 0 (the top bit) is digitalSignature. */
function keyUsages(value: Tlv): KeyUsage[] {
  if (value.tag !== Tag.BitString) throw new DerError('bad keyUsage');
  const bits = value.value.subarray(1);
  return KEY_USAGES.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

function altNames(value: Tlv): NonNullable<CertificateFacts['altNames']> {
  const dns: string[] = [];
  const ip: string[] = [];
  let other = 0;
  for (const name of children(value)) {
    if (name.tag === Tag.implicit(2)) dns.push(name.value.toString('latin1'));
    else if (name.tag === Tag.implicit(7)) ip.push(ipText(name.value));
    else other++;
  }
  return { dns, ip, other };
}
