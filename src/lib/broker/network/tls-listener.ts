/**
 * The TLS side of mqt serve's listeners, loaded only when a listener has certfile/keyfile or
 * psk_hint, so that node:tls stays out of every other start-up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { RequestListener, ServerOptions } from 'node:http';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { DEFAULT_CIPHERS, TLSSocket, createSecureContext, createServer as createTlsServer, type SecureVersion, type Server as TlsServer, type TlsOptions } from 'node:tls';
import { errnoText } from '../../errno-text.js';
import { ErrorCode, MqttError } from '../../errors.js';
import type { CertificateTls, ConfFile, ListenerTls, TlsVersion } from '../config/tls-types.js';
import type { Origin } from '../config/basics.js';
import type { PskKeys } from '../config/types.js';
import { checkRevocation, revocationListsInPem, type RevocationList, type RevocationRefusal } from '../../pki/crl.js';
import { certificatesInPem } from '../../pki/inspect.js';

/** The first byte of DH parameters in DER. */
const DER_SEQUENCE = 0x30;

const MIN_VERSION: Readonly<Record<TlsVersion, SecureVersion>> = { 'tlsv1.3': 'TLSv1.3', 'tlsv1.2': 'TLSv1.2', 'tlsv1.1': 'TLSv1.1' };

/** A listener's TLS, ready to make servers: its keys loaded, its psk_file read. */
export interface SecureListener {
  /** A TLS server for `protocol mqtt`; connections arrive on 'secureConnection'. */
  tlsServer(): TlsServer;
  /** An HTTPS server for `protocol websockets`. */
  httpsServer(onRequest: RequestListener, http?: ServerOptions): HttpsServer;
  /** The MQTT username TLS proved for this connection, when the listener takes usernames from TLS. */
  usernameOf(socket: object): string | undefined;
  /** Why crlfile refuses this connection's client certificate (OpenSSL's name for it), if it does. */
  revocationOf(socket: object): RevocationRefusal | undefined;
}

function where(origin: Origin | undefined): string {
  return origin === undefined ? '' : `${origin.file}:${origin.line}: `;
}

function loadError(file: ConfFile, what: string, directive: string, cause: unknown): MqttError {
  return new MqttError(ErrorCode.ConfigError, `${where(file.origin)}Unable to load ${what} "${file.path}": ${errnoText(cause)}. Check ${directive}.`, { cause });
}

function read(file: ConfFile, what: string, directive: string): Buffer {
  try {
    return readFileSync(file.path);
  } catch (err) {
    throw loadError(file, what, directive, err);
  }
}

/** A file OpenSSL must accept for `option`: one that it refuses stops the start, naming the directive. */
function readChecked(file: ConfFile, what: string, directive: string, option: (pem: Buffer) => TlsOptions): Buffer {
  const pem = read(file, what, directive);
  try {
    createSecureContext(option(pem));
  } catch (err) {
    throw loadError(file, what, directive, reasonOf(err));
  }
  return pem;
}

/** Node silently drops DH parameters it cannot parse (DHE suites would then vanish): check there are some. */
function readDhParams(file: ConfFile): Buffer {
  const pem = readChecked(file, 'Diffie-Hellman parameters', 'dhparamfile', (dhparam) => ({ dhparam }));
  const body = /-----BEGIN (?:X9\.42 )?DH PARAMETERS-----([^-]*)-----END/.exec(pem.toString('latin1'))?.[1];
  if (body === undefined || Buffer.from(body, 'base64')[0] !== DER_SEQUENCE) throw loadError(file, 'Diffie-Hellman parameters', 'dhparamfile', 'no PEM DH PARAMETERS in it');
  return pem;
}

/** Every certificate file of a capath directory (OpenSSL's hashed names or any PEM file). */
function readCaPath(dir: ConfFile): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(dir.path);
  } catch (err) {
    throw loadError(dir, 'CA certificates from', 'capath', err);
  }
  const found: Buffer[] = [];
  for (const name of names.sort()) {
    try {
      const pem = readFileSync(join(dir.path, name));
      if (pem.includes('-----BEGIN CERTIFICATE-----')) found.push(pem);
    } catch {
      // Subdirectories and unreadable entries are not certificates OpenSSL would use either.
    }
  }
  return found;
}

/** Node takes TLS 1.2 ciphers and TLS 1.3 suites in one list; each half keeps its defaults when not given. */
function cipherList(tls: ListenerTls, tls12Default: string | undefined): string | undefined {
  const tls12 = tls.ciphers ?? tls12Default;
  if (tls.ciphersTls13 === undefined) return tls12;
  const defaults12 = DEFAULT_CIPHERS.split(':').filter((c) => !c.startsWith('TLS_')).join(':');
  return `${tls.ciphersTls13}:${tls12 ?? defaults12}`;
}

function readCa(tls: CertificateTls): Buffer[] {
  return [...(tls.cafile === undefined ? [] : [read(tls.cafile, 'CA certificates', 'cafile')]), ...(tls.capath === undefined ? [] : readCaPath(tls.capath))];
}

/** Every CRL of crlfile, as mosquitto loads them (X509_load_crl_file). */
function readRevocationLists(file: ConfFile): RevocationList[] {
  const pem = read(file, 'certificate revocation file', 'crlfile');
  try {
    return revocationListsInPem(pem.toString('latin1'));
  } catch (err) {
    throw loadError(file, 'certificate revocation file', 'crlfile', err instanceof Error ? err.message : err);
  }
}

/**
 * crlfile's check, after the handshake: Node's own (the `crl` option) wants a CRL for every
 * certificate of the chain, where mosquitto checks only the client's own. Node has no hook to do
 * this during the handshake, so a refused client gets no "certificate revoked" alert: the socket
 * is closed once the handshake is done.
 */
function revocationCheck(tls: CertificateTls, ca: readonly Buffer[]): ((socket: object) => RevocationRefusal | undefined) | undefined {
  if (tls.crlfile === undefined) return undefined;
  const lists = readRevocationLists(tls.crlfile);
  // As mosquitto: without require_certificate no client certificate is asked for, so none is checked.
  if (!tls.requireCertificate) return undefined;
  const authorities = ca.flatMap((pem) => certificatesInPem(pem.toString('latin1'))).flatMap(parsedCertificate);
  return (socket) => {
    const leaf = socket instanceof TLSSocket ? socket.getPeerX509Certificate() : undefined;
    if (leaf === undefined) return undefined;
    const issuer = [leaf.issuerCertificate, ...authorities].find((c) => c !== undefined && leaf.checkIssued(c) && leaf.verify(c.publicKey));
    try {
      return checkRevocation(leaf, issuer, lists, new Date());
    } catch {
      // A certificate TLS accepted but whose DER this reader cannot follow: no CRL can be matched to it.
      return 'UNABLE_TO_GET_CRL';
    }
  };
}

/** A CA certificate OpenSSL could not read is no issuer for it either. */
function parsedCertificate(pem: string): X509Certificate[] {
  try {
    return [new X509Certificate(pem)];
  } catch {
    return [];
  }
}

function certificateOptions(tls: CertificateTls, ca: Buffer[]): TlsOptions {
  const ciphers = cipherList(tls, undefined);
  return {
    cert: read(tls.certfile, 'server certificate', 'certfile'),
    key: read(tls.keyfile, 'server key file', 'keyfile'),
    ...(ca.length === 0 ? {} : { ca }),
    // As mosquitto: without require_certificate no client certificate is asked for at all.
    requestCert: tls.requireCertificate,
    rejectUnauthorized: tls.requireCertificate,
    minVersion: MIN_VERSION[tls.minVersion],
    ...(ciphers === undefined ? {} : { ciphers }),
  };
}

/**
 * mosquitto's use_subject_as_username: the subject as OpenSSL prints it with XN_FLAG_RFC2253, every
 * entry in reverse order (`CN=device2+OU=IoT,O=Lab\, Inc.,C=DE`). Node gives one RDN per line in
 * certificate order, the entries of a multi-valued RDN joined by " + ", escaped the RFC 2253 way.
 */
function subjectOf(socket: TLSSocket): string | undefined {
  const subject = socket.getPeerX509Certificate()?.subject;
  if (subject === undefined) return undefined;
  return subject
    .split('\n')
    .reverse()
    .map((rdn) => rdn.split(' + ').reverse().join('+'))
    .join(',');
}

/** mosquitto's use_identity_as_username: the certificate's first CN. */
function commonNameOf(socket: TLSSocket): string | undefined {
  const cn: string | string[] | undefined = socket.getPeerCertificate().subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

/** `pskKeys`: the psk_file of a PSK listener, loaded (and reloaded on SIGHUP) with the other security files. */
export function prepareTls(tls: ListenerTls, pskKeys: PskKeys | undefined): SecureListener {
  const identities = new WeakMap<TLSSocket, string>();
  let options: TlsOptions;
  let revocation: ((socket: object) => RevocationRefusal | undefined) | undefined;
  if (tls.kind === 'certificate') {
    const ca = readCa(tls);
    options = certificateOptions(tls, ca);
    revocation = revocationCheck(tls, ca);
  } else {
    const ciphers = cipherList(tls, 'PSK');
    options = {
      pskIdentityHint: tls.hint,
      pskCallback: (socket, identity) => {
        const key = pskKeys?.keyOf(identity);
        if (key === undefined) return null;
        identities.set(socket, identity);
        return key;
      },
      minVersion: MIN_VERSION[tls.minVersion],
      // PSK suites for TLS 1.2 clients (ESP32's mbedTLS); TLS 1.3 keeps Node's defaults.
      ...(ciphers === undefined ? {} : { ciphers }),
    };
  }
  // mosquitto lets OpenSSL pick DHE parameters by key size unless dhparamfile gives its own.
  options.dhparam = tls.dhparamfile === undefined ? 'auto' : readDhParams(tls.dhparamfile);
  checkKeys(tls, options);
  const usernameOf = (socket: object): string | undefined => {
    if (!(socket instanceof TLSSocket)) return undefined;
    switch (tls.usernameFrom) {
      case 'cn':
        return commonNameOf(socket);
      case 'subject':
        return subjectOf(socket);
      case 'psk':
        return identities.get(socket);
      default:
        return undefined;
    }
  };
  return {
    tlsServer: () => createTlsServer(options),
    httpsServer: (onRequest, http) => createHttpsServer({ ...options, ...http }, onRequest),
    usernameOf,
    revocationOf: (socket) => revocation?.(socket),
  };
}

/** A key that does not match its certificate, or a cipher list OpenSSL does not know, stops the start like mosquitto's. */
function checkKeys(tls: ListenerTls, options: TlsOptions): void {
  try {
    createSecureContext({ ...(options.ciphers === undefined ? {} : { ciphers: options.ciphers }) });
  } catch (err) {
    throw new MqttError(ErrorCode.ConfigError, `${where(tls.ciphersOrigin)}Unable to use ciphers "${options.ciphers ?? ''}": ${reasonOf(err)}.`, { cause: err });
  }
  try {
    createSecureContext(options);
  } catch (err) {
    const origin = tls.kind === 'certificate' ? tls.certfile.origin : undefined;
    const what = tls.kind === 'certificate' ? `certfile "${tls.certfile.path}" and keyfile "${tls.keyfile.path}"` : `psk_hint ${tls.hint}`;
    throw new MqttError(ErrorCode.ConfigError, `${where(origin)}Unable to use ${what}: ${reasonOf(err)}.`, { cause: err });
  }
}

/** OpenSSL's reason ("key values mismatch") without its error-code prefix. */
function reasonOf(err: unknown): string {
  return (err as { reason?: string }).reason ?? (err instanceof Error ? err.message : String(err));
}
