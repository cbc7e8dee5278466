import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { isIP } from 'node:net';
import { errnoText } from '../../lib/errno-text.js';
import { parseKeyHex } from '../../lib/psk/validate.js';
import { readCertificateFolder, readCertificates, readOsCertificates, readPrivateKey } from '../../lib/transport/tls-files.js';
import type { TlsSettings } from '../../lib/transport/types.js';
import { UsageError, fromCommandLine, tight } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import type { OptionGroup } from './spec.js';

/** mqtts' port: the default once any TLS or PSK flag is given. */
export const TLS_DEFAULT_PORT = 8883;

/** Node's limit on a PSK identity (128 bytes, nodejs PR #35717). */
const MAX_PSK_IDENTITY_BYTES = 128;

export const tlsOptions: OptionGroup = {
  title: 'TLS (any of these turns TLS on; the port is then 8883 unless -p says otherwise)',
  options: [
    { key: 'cafile', flags: ['--cafile'], arity: 1, noun: 'file', valueName: 'FILE', describe: "trust the CA certificate(s) in FILE (PEM) to sign the broker's certificate" },
    { key: 'capath', flags: ['--capath'], arity: 1, noun: 'directory', valueName: 'DIR', describe: 'trust every PEM CA certificate in the files of DIR' },
    {
      key: 'osCerts',
      flags: ['--tls-use-os-certs'],
      arity: 0,
      describe: "trust the operating system's CA certificates (with no CA flag at all, Node's built-in list of public CAs)",
    },
    { key: 'cert', flags: ['--cert'], arity: 1, noun: 'file', valueName: 'FILE', describe: 'client certificate (PEM), for brokers with require_certificate; needs --key' },
    { key: 'key', flags: ['--key'], arity: 1, noun: 'file', valueName: 'FILE', describe: "the client certificate's private key (PEM); an encrypted one is asked for on the terminal" },
    {
      key: 'keyform',
      flags: ['--keyform'],
      arity: 1,
      noun: 'keyform',
      valueName: 'FORM',
      describe: "the form of --key: pem (the only one; mosquitto's engine needs OpenSSL engines, which Node does not load)",
    },
    { key: 'keypass', flags: ['--keypass'], arity: 1, secret: true, noun: 'passphrase', valueName: 'PASS', describe: 'passphrase of an encrypted --key' },
    {
      key: 'insecure',
      flags: ['--insecure'],
      arity: 0,
      describe: "do not check the broker's certificate at all: not who signed it, not its dates, not the host names it covers (still encrypted, but anyone in between can pose as the broker)",
    },
    { key: 'tlsVersion', flags: ['--tls-version'], arity: 1, noun: 'version', valueName: 'VER', describe: 'speak only this TLS version: tlsv1.3 or tlsv1.2 (default: the newest both sides know)' },
    { key: 'ciphers', flags: ['--ciphers'], arity: 1, noun: 'ciphers', valueName: 'LIST', describe: 'OpenSSL cipher list for TLS 1.2 (TLS 1.3 suites are not affected)' },
    { key: 'alpn', flags: ['--tls-alpn'], arity: 1, noun: 'protocol', valueName: 'PROTO', describe: 'ALPN protocol to ask for, e.g. mqtt (AWS IoT on port 443)' },
    { key: 'sni', flags: ['--sni'], arity: 1, noun: 'server name', valueName: 'NAME', describe: "server name to send and to check the broker's certificate against (default: the host)" },
    { key: 'psk', flags: ['--psk'], arity: 1, secret: true, noun: 'key', valueName: 'HEX', describe: 'TLS-PSK instead of certificates: the key in hex, as in the broker\'s psk_file; needs --psk-identity' },
    { key: 'pskIdentity', flags: ['--psk-identity'], arity: 1, noun: 'identity', valueName: 'ID', describe: 'TLS-PSK identity (the name before the colon in psk_file)' },
    {
      key: 'tlsEngine',
      flags: ['--tls-engine'],
      arity: 1,
      noun: 'engine_id',
      valueName: 'ENGINE',
      describe: 'refused: mqt has no OpenSSL engine support (accepted as a flag so that the refusal says why)',
    },
    {
      key: 'tlsEngineKpass',
      flags: ['--tls-engine-kpass-sha1'],
      arity: 1,
      noun: 'kpass sha1',
      valueName: 'SHA1',
      describe: 'refused, as --tls-engine is',
    },
    {
      key: 'noTls',
      flags: ['--no-tls'],
      arity: 0,
      describe: 'plain MQTT whatever else is given: the other TLS flags, an mqtts:// URL and port 8883 are ignored (the files are not read)',
    },
    {
      key: 'keylog',
      flags: ['--tls-keylog'],
      arity: 1,
      noun: 'file',
      valueName: 'FILE',
      describe: 'append the TLS session keys to FILE (NSS key log format, made 0600) so Wireshark can decrypt the capture',
    },
  ],
};

const CERTIFICATE_FLAGS = ['cafile', 'capath', 'osCerts', 'cert', 'key', 'keyform', 'keypass', 'insecure'] as const;
const TLS_FLAGS = [...CERTIFICATE_FLAGS, 'tlsVersion', 'ciphers', 'alpn', 'sni', 'psk', 'pskIdentity', 'keylog'] as const;

export function wantsTls(args: ParsedArgs): boolean {
  return TLS_FLAGS.some((key) => hasFlag(args, key));
}

/**
 * The TLS settings the flags ask for, or undefined for a plain connection. `always` turns TLS on
 * without any TLS flag (mqtts://, wss://, mosquitto's -p 8883 rule). Files are read here, so a
 * missing or wrong one is reported before any connection; an encrypted key is opened later, on
 * the terminal if need be (see ui/secrets.ts).
 */
export function resolveTls(args: ParsedArgs, always = false): TlsSettings | undefined {
  if (!always && !wantsTls(args)) return undefined;
  checkTlsPairs(args);
  // As mosquitto 2.1: the TLS flags are still checked against each other, then set aside.
  if (hasFlag(args, 'noTls')) return undefined;
  const pskHex = lastValue(args, 'psk');
  const identity = lastValue(args, 'pskIdentity');
  const keylog = lastValue(args, 'keylog');
  const version = resolveVersion(lastValue(args, 'tlsVersion'));
  const ciphers = lastValue(args, 'ciphers');
  const alpn = lastValue(args, 'alpn');
  const sni = lastValue(args, 'sni');
  if (sni !== undefined && (sni === '' || isIP(sni) !== 0)) {
    throw new UsageError(`--sni takes a host name, not '${sni}': TLS sends no IP addresses as server names (use -h for the address).`);
  }
  const common: TlsSettings = {
    verify: !hasFlag(args, 'insecure'),
    ...(version === undefined ? {} : { minVersion: version, maxVersion: version }),
    ...(ciphers === undefined ? {} : { ciphers }),
    ...(alpn === undefined ? {} : { alpn: [alpn] }),
    ...(sni === undefined ? {} : { servername: sni }),
    ...(keylog === undefined ? {} : { keylog: keylogWriter(keylog) }),
  };
  if (pskHex !== undefined && identity !== undefined) return { ...common, psk: resolvePsk(pskHex, identity) };
  return { ...common, ...trustedCas(args), ...clientCertificate(args) };
}

/**
 * The flags that need or exclude each other, checked in mosquitto's order once all are read:
 * certificate with key, --keyform with --key, --psk without certificates and with an identity.
 */
export function checkTlsPairs(args: ParsedArgs): void {
  const certificate = hasFlag(args, 'cert');
  const key = hasFlag(args, 'key');
  if (certificate !== key) throw tight('Both certfile and keyfile must be provided if one of them is set.');
  const keyform = lastValue(args, 'keyform');
  if (keyform !== undefined && !key) throw tight('If keyform is set, keyfile must be also specified.');
  if (hasFlag(args, 'tlsEngineKpass') && (keyform === undefined || !hasFlag(args, 'tlsEngine'))) {
    throw tight('when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided.');
  }
  if (keyform === 'engine') throw noEngine('--keyform engine', ' Give --key a PEM file.');
  if (hasFlag(args, 'tlsEngine')) throw noEngine('--tls-engine', '');
  if (hasFlag(args, 'tlsEngineKpass')) throw noEngine('--tls-engine-kpass-sha1', '');
  if (keyform !== undefined && keyform !== 'pem') {
    throw new UsageError(`Invalid --keyform '${keyform}': the key must be a PEM file (--keyform pem).`, {
      text: "Problem setting key form, it must be one of 'pem' or 'engine'.",
      followUp: 'none',
    });
  }
  if (hasFlag(args, 'keypass') && !key) throw new UsageError('--keypass given but no --key.');
  if (hasFlag(args, 'psk')) {
    const given = CERTIFICATE_FLAGS.filter((flag) => hasFlag(args, flag));
    if (given.length > 0) {
      throw tight(
        'Only one of --psk or --cafile/--capath/--tls-use-os-certs/--cert/--insecure may be used at once.',
        given.includes('cafile') || given.includes('capath') ? 'Only one of --psk or --cafile/--capath may be used at once.' : undefined,
      );
    }
    if (!hasFlag(args, 'pskIdentity')) throw tight('--psk-identity required if --psk used.');
  } else if (hasFlag(args, 'pskIdentity')) {
    throw new UsageError('--psk-identity given but no --psk.');
  }
}

/** A key in an OpenSSL engine (a smart card, an HSM): Node loads no engines, so mqt cannot use one. */
function noEngine(what: string, remedy: string): UsageError {
  return new UsageError(`${what} is not supported: mqt has no OpenSSL engine support (Node.js does not load OpenSSL engines).${remedy}`, { followUp: 'none' });
}

/**
 * --tls-keylog: the file is made (0600, never through a symbolic link) before connecting, so a
 * wrong path is an error at once; each handshake line is then appended, as mosquitto does.
 */
function keylogWriter(path: string): (line: Buffer) => void {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
  const append = (line: Buffer): void => {
    const fd = openSync(path, flags, 0o600);
    try {
      writeSync(fd, line);
    } finally {
      closeSync(fd);
    }
  };
  try {
    append(Buffer.alloc(0));
  } catch (err) {
    throw new UsageError(`Unable to open --tls-keylog file "${path}": ${errnoText(err)}.`, { followUp: 'none' });
  }
  return (line) => {
    try {
      append(line);
    } catch {
      // The file could be opened before connecting; a later failure (disk full) loses key lines
      // only, and must not break the MQTT session the user asked for.
    }
  };
}

function resolveVersion(text: string | undefined): 'TLSv1.2' | 'TLSv1.3' | undefined {
  if (text === undefined) return undefined;
  if (text === 'tlsv1.3') return 'TLSv1.3';
  if (text === 'tlsv1.2') return 'TLSv1.2';
  if (text === 'tlsv1.1' || text === 'tlsv1') throw new UsageError(`--tls-version ${text} is too old: Node's OpenSSL refuses it. Use tlsv1.2 or tlsv1.3.`);
  throw new UsageError(`Invalid --tls-version '${text}': use tlsv1.3 or tlsv1.2.`);
}

function resolvePsk(hex: string, identity: string): { identity: string; key: Buffer } {
  const key = Buffer.from(fromCommandLine(() => parseKeyHex(hex)), 'hex');
  const bytes = Buffer.byteLength(identity, 'utf8');
  if (bytes === 0 || bytes > MAX_PSK_IDENTITY_BYTES) {
    throw new UsageError(`Invalid --psk-identity: it must be 1 to ${MAX_PSK_IDENTITY_BYTES} bytes long.`);
  }
  return { identity, key };
}

/** --cafile, --capath and --tls-use-os-certs together replace Node's built-in CA list. */
function trustedCas(args: ParsedArgs): Pick<TlsSettings, 'ca'> {
  const cafile = lastValue(args, 'cafile');
  const capath = lastValue(args, 'capath');
  const ca: Buffer[] = [];
  if (cafile !== undefined) ca.push(readCertificates(cafile, 'CA file'));
  if (capath !== undefined) ca.push(...readCertificateFolder(capath));
  if (hasFlag(args, 'osCerts')) {
    const os = readOsCertificates();
    if (os !== undefined) ca.push(os);
  }
  // Nothing given: Node's built-in copy of the Mozilla CA list, the public CAs the OS trusts too.
  return ca.length === 0 ? {} : { ca };
}

function clientCertificate(args: ParsedArgs): Pick<TlsSettings, 'cert' | 'key' | 'passphrase' | 'clientFiles'> {
  const certFile = lastValue(args, 'cert');
  const keyFile = lastValue(args, 'key');
  const passphrase = lastValue(args, 'keypass');
  if (certFile === undefined || keyFile === undefined) return {};
  return {
    cert: readCertificates(certFile, 'certificate file'),
    key: readPrivateKey(keyFile),
    ...(passphrase === undefined ? {} : { passphrase }),
    clientFiles: { cert: certFile, key: keyFile },
  };
}
