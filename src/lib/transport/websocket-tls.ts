import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { errnoOf } from '../errno-text.js';
import { ErrorCode, MqttError } from '../errors.js';
import type { TlsSettings } from './types.js';

/** OpenSSL's verify codes for "signed by nobody this machine trusts", as Node reports them. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/**
 * Wraps a connected socket (direct or through the proxy) in TLS for wss:// and resolves once the
 * handshake and the certificate checks have passed.
 */
export function startTls(socket: Socket, host: string, where: string, settings: TlsSettings): Promise<TLSSocket> {
  if (settings.psk !== undefined) {
    return Promise.reject(new MqttError(ErrorCode.InvalidArgument, 'TLS-PSK is for mqtts:// brokers; wss:// takes certificates only.'));
  }
  const options = tlsOptions(settings, host);
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ ...options, socket });
    const onError = (err: Error): void => {
      tls.destroy();
      reject(tlsFailure(err, where, options.servername ?? host));
    };
    tls.once('error', onError);
    tls.once('secureConnect', () => {
      tls.off('error', onError);
      resolve(tls);
    });
  });
}

/** Node's TLS options for the settings: the CA, client certificate, name checked and versions. */
function tlsOptions(settings: TlsSettings, host: string): ConnectionOptions {
  const servername = settings.servername ?? (isIP(host) === 0 ? host : undefined);
  return {
    host,
    ...(servername === undefined ? {} : { servername }),
    rejectUnauthorized: settings.verify,
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    ...(settings.cert === undefined ? {} : { cert: settings.cert }),
    ...(settings.key === undefined ? {} : { key: settings.key }),
    ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase }),
    ...(settings.minVersion === undefined ? {} : { minVersion: settings.minVersion }),
    ...(settings.maxVersion === undefined ? {} : { maxVersion: settings.maxVersion }),
    ...(settings.ciphers === undefined ? {} : { ciphers: settings.ciphers }),
    ...(settings.alpn === undefined ? {} : { ALPNProtocols: settings.alpn }),
  };
}

/** The handshake failure in a student's words: which check failed, and what to do about it. */
function tlsFailure(err: Error, where: string, name: string): MqttError {
  const code = errnoOf(err) ?? '';
  const fail = (message: string, hint?: string): MqttError =>
    new MqttError(ErrorCode.ConnectFailed, message, { cause: err, ...(hint === undefined ? {} : { hint }) });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const covered = (err as Error & { cert?: { subjectaltname?: string } }).cert?.subjectaltname;
    return fail(
      `The certificate of ${where} does not cover the name ${name}.`,
      covered === undefined || covered === '' ? 'connect with a name the certificate was made for' : `it covers ${coveredNames(covered)}`,
    );
  }
  if (UNTRUSTED.has(code)) {
    return fail(
      `The certificate of ${where} is signed by a CA this machine does not trust${code.includes('SELF_SIGNED') ? ' (self-signed)' : ''}.`,
      'trust its CA: NODE_EXTRA_CA_CERTS=/path/to/ca.crt',
    );
  }
  if (code === 'CERT_HAS_EXPIRED') return fail(`The certificate of ${where} has expired.`);
  if (code === 'CERT_NOT_YET_VALID') return fail(`The certificate of ${where} is not valid yet (check both clocks).`);
  if (code === 'ECONNRESET' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(err.message)) {
    return fail(`TLS handshake with ${where} failed: the server does not speak TLS there.`, 'a plain WebSocket port needs ws:// instead of wss://');
  }
  return fail(`TLS handshake with ${where} failed: ${err.message}.`);
}

/** 'DNS:a, IP Address:1.2.3.4, DNS:1.2.3.4' as 'a, 1.2.3.4': certificates often list an IP twice. */
function coveredNames(subjectAltName: string): string {
  return [...new Set(subjectAltName.split(/,\s*/).map((entry) => entry.replace(/^(DNS|IP Address):/, '')))].join(', ');
}
