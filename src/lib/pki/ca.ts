import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { ErrorCode, MqttError } from '../errors.js';
import { buildCertificate, type Signer } from './issue.js';
import type { KeyPairPem } from './keys.js';

const { pki } = forge;

export interface CertificateAuthority extends Signer {
  readonly certPem: string;
}

export interface LoadedAuthority {
  readonly ca: CertificateAuthority;
  /** Problems that do not stop signing but will bite later (boards refusing the chain). */
  readonly warnings: readonly string[];
}

/** Where the CA came from, for messages: the two file names as the user gave them. */
export interface AuthorityFiles {
  readonly cert: string;
  readonly key: string;
}

/**
 * A random suffix keeps the CA's subject distinct from every leaf's and from other students'
 * CAs: OpenSSL takes a leaf whose subject equals its issuer's for a self-signed certificate.
 */
export function defaultCaName(): string {
  return `mqt CA ${randomBytes(3).toString('hex')}`;
}

/** A new root: CA:TRUE (critical; boards refuse CAs without it), keyCertSign + cRLSign, SKI. */
export function createCa(keys: KeyPairPem, commonName: string, days: number, now: Date): CertificateAuthority {
  const { cert, certPem } = buildCertificate({
    subject: [
      { name: 'commonName', value: commonName },
      { name: 'organizationName', value: 'mqt' },
    ],
    keys,
    days,
    now,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  return { cert, certPem, key: createPrivateKey(keys.privateKeyPem), keyId: cert.generateSubjectKeyIdentifier().getBytes() };
}

/**
 * Reads an existing CA to sign with. Refused: anything forge cannot sign with (EC keys, an
 * encrypted key), a key that does not belong to the certificate, an expired CA. Warned: a CA
 * that boards will not trust.
 */
export function loadCa(certPem: string, keyPem: string, files: AuthorityFiles, now: Date): LoadedAuthority {
  const cert = readCertificate(certPem, files.cert);
  const key = readPrivateKey(keyPem, files.key);
  if (!samePublicKey(certPem, keyPem)) {
    throw new MqttError(ErrorCode.InvalidCertificate, `${files.key} is not the key of ${files.cert}.`);
  }
  if (cert.validity.notAfter.getTime() <= now.getTime()) {
    throw new MqttError(ErrorCode.InvalidCertificate, `${files.cert} expired on ${cert.validity.notAfter.toISOString().slice(0, 10)}.`, {
      hint: `move ${files.cert} and ${files.key} away to make a new CA (boards then need the new ca.crt)`,
    });
  }
  const warnings: string[] = [];
  if (!isMarkedCa(cert)) {
    warnings.push(`${files.cert} is not marked as a CA (basicConstraints CA:TRUE): ESP32 and ESP8266 refuse the certificates it signs.`);
  }
  return { ca: { cert, certPem, key, keyId: subjectKeyId(cert) }, warnings };
}

function readCertificate(pem: string, file: string): forge.pki.Certificate {
  try {
    return pki.certificateFromPem(pem);
  } catch (err) {
    const reason = err instanceof Error && /not RSA/i.test(err.message) ? 'has no RSA key' : 'is not a PEM certificate';
    throw new MqttError(ErrorCode.InvalidCertificate, `${file} ${reason}: only an RSA CA can sign.`, {
      remedy: { kind: 'new-ca' },
      cause: err,
    });
  }
}

function readPrivateKey(pem: string, file: string): KeyObject {
  if (/-----BEGIN (ENCRYPTED|.* ENCRYPTED) PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new MqttError(ErrorCode.InvalidCertificate, `${file} is encrypted: the CA key must have no passphrase.`, {
      remedy: { kind: 'decrypt-key', file },
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new MqttError(ErrorCode.InvalidCertificate, `${file} is not an RSA private key in PEM.`, { cause: err });
  }
  if (key.asymmetricKeyType !== 'rsa') throw new MqttError(ErrorCode.InvalidCertificate, `${file} is not an RSA private key in PEM.`);
  return key;
}

function samePublicKey(certPem: string, keyPem: string): boolean {
  const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const fromKey = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  return fromCert.equals(fromKey);
}

function isMarkedCa(cert: forge.pki.Certificate): boolean {
  const ext = cert.getExtension('basicConstraints');
  return ext !== undefined && 'cA' in ext && ext.cA === true;
}

/** The CA's own SKI when it has one (other tools compute it differently), else the usual SHA-1 of its key. */
function subjectKeyId(cert: forge.pki.Certificate): string {
  const ext = cert.getExtension('subjectKeyIdentifier');
  if (ext !== undefined && 'subjectKeyIdentifier' in ext && typeof ext.subjectKeyIdentifier === 'string') {
    return forge.util.hexToBytes(ext.subjectKeyIdentifier);
  }
  return cert.generateSubjectKeyIdentifier().getBytes();
}
