import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, MqttError, type Remedy } from '../errors.js';
import { fileError } from '../fs/file-errors.js';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: *4,ENCRYPTED/;

/** Where Linux distributions, the BSDs and macOS keep the system's CA bundle, most common first. */
const OS_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
  '/usr/local/share/certs/ca-root-nss.crt',
];

/**
 * The PEM certificates of a file (a CA file or a client certificate chain). `what` names the
 * file in messages ("CA file"). DER files and swapped key/certificate files are told apart.
 */
export function readCertificates(path: string, what: string): Buffer {
  const data = readOrThrow(path, what);
  const text = data.toString('latin1');
  if (text.match(CERTIFICATE) !== null) return data;
  if (PRIVATE_KEY.test(text)) throw notUsable(`${what} ${path} holds a private key, not a certificate`);
  if (data[0] === 0x30) {
    throw notUsable(`${what} ${path} is a DER (binary) certificate; mqt reads PEM`, undefined, { kind: 'der-to-pem', file: path });
  }
  throw notUsable(`${what} ${path} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`);
}

/** Every PEM certificate in the files of a folder (--capath: c_rehash'ed names or plain .crt files). */
export function readCertificateFolder(path: string): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (err) {
    throw fileError(err, `Unable to read CA folder ${path}`);
  }
  const found: Buffer[] = [];
  for (const name of names.sort()) {
    let text: string;
    try {
      text = readFileSync(join(path, name), 'latin1');
    } catch {
      // Sub-folders and unreadable entries are not certificates; OpenSSL skips them too.
      continue;
    }
    for (const [pem] of text.matchAll(CERTIFICATE)) found.push(Buffer.from(pem, 'latin1'));
  }
  if (found.length === 0) throw notUsable(`CA folder ${path} holds no PEM certificates`);
  return found;
}

/** The operating system's CA bundle, or undefined when none of the usual places has one. */
export function readOsCertificates(): Buffer | undefined {
  for (const path of OS_CA_BUNDLES) {
    try {
      return readFileSync(path);
    } catch {
      // Not this system's place: try the next.
    }
  }
  return undefined;
}

/** A PEM private key file (PKCS#1, PKCS#8, SEC1, encrypted or not). */
export function readPrivateKey(path: string): Buffer {
  const data = readOrThrow(path, 'key file');
  const text = data.toString('latin1');
  if (PRIVATE_KEY.test(text)) return data;
  if (text.match(CERTIFICATE) !== null) throw notUsable(`key file ${path} holds a certificate, not a private key`, undefined, { kind: 'swapped-cert-key' });
  throw notUsable(`key file ${path} is not a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" line)`);
}

export function isEncryptedKey(pem: Buffer): boolean {
  return ENCRYPTED_KEY.test(pem.toString('latin1'));
}

/**
 * Opens the key with the passphrase and checks that it belongs to the certificate, so that a
 * mix-up is told by file name before any connection (OpenSSL would only say "key values mismatch").
 */
export async function checkKeyPair(files: { cert: string; key: string }, cert: Buffer, key: Buffer, passphrase: string | undefined): Promise<void> {
  // Loaded here: only --cert/--key pay for node:crypto's X.509 code.
  const { X509Certificate, createPrivateKey } = await import('node:crypto');
  let privateKey;
  try {
    privateKey = createPrivateKey({ key, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) });
  } catch (err) {
    const encrypted = isEncryptedKey(key);
    throw notUsable(
      encrypted ? `the passphrase does not open key file ${files.key}` : `key file ${files.key} cannot be read as a private key`,
      err,
    );
  }
  let certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (err) {
    throw notUsable(`certificate file ${files.cert} cannot be read as a certificate`, err);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw notUsable(`key file ${files.key} does not belong to certificate ${files.cert} (they are not a pair)`);
  }
}

function readOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw fileError(err, `Unable to read ${what} ${path}`);
  }
}

function notUsable(message: string, cause?: unknown, remedy?: Remedy): MqttError {
  return new MqttError(ErrorCode.InvalidCertificate, `${message[0]!.toUpperCase()}${message.slice(1)}.`, {
    ...(cause === undefined ? {} : { cause }),
    ...(remedy === undefined ? {} : { remedy }),
  });
}
