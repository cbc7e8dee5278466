import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { ErrorCode, MqttError, type TlsProblem } from '../errors.js';
import { handshakeProblem, tlsError, verificationProblem, type HandshakeContext } from './tls-problems.js';
import type { TlsSettings, TransportStream } from './types.js';

/**
 * TLS 1.2 suites for TLS-PSK (Node's default list has none); TLS 1.3 needs nothing, its suites
 * do PSK as they are. No NULL encryption, no RSA-PSK (it needs a server certificate).
 */
const PSK_CIPHERS = 'PSK:!eNULL:!aRSA';

/** Bounds of the wait for a TLS 1.3 broker's session ticket: twice the handshake's time, within these. */
const MIN_TICKET_WAIT_MS = 20;
const MAX_TICKET_WAIT_MS = 1000;

/**
 * Node's options for a TLS client with these settings. `host` is the host typed by the user:
 * the certificate must cover it (or the --sni name). Certificate checks are left to
 * `peerProblem`, after the handshake, where the certificate can be read to explain a refusal.
 */
export function tlsConnectOptions(settings: TlsSettings, host: string): ConnectionOptions {
  const name = settings.servername ?? host;
  const { psk } = settings;
  return {
    host: name,
    // RFC 6066 forbids IP addresses in SNI; Node warns when given one.
    ...(isIP(name) === 0 ? { servername: name } : {}),
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    ...(settings.cert === undefined ? {} : { cert: settings.cert }),
    ...(settings.key === undefined ? {} : { key: settings.key }),
    ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase }),
    ...(settings.minVersion === undefined ? {} : { minVersion: settings.minVersion }),
    ...(settings.maxVersion === undefined ? {} : { maxVersion: settings.maxVersion }),
    ...(settings.ciphers !== undefined ? { ciphers: settings.ciphers } : psk !== undefined ? { ciphers: PSK_CIPHERS } : {}),
    ...(settings.alpn === undefined ? {} : { ALPNProtocols: settings.alpn }),
    rejectUnauthorized: false,
    ...(psk === undefined
      ? {}
      : {
          // The hint is null in TLS 1.3 and unused: the identity is ours to give.
          pskCallback: () => ({ identity: psk.identity, psk: psk.key }),
          // No certificate in PSK mode; without this Node refuses a TLS 1.2 PSK handshake.
          checkServerIdentity: () => undefined,
        }),
  };
}

/** Why the peer of a finished handshake must not be trusted, or undefined when it may be. */
export function peerProblem(socket: TLSSocket, settings: TlsSettings, host: string): TlsProblem | undefined {
  if (settings.psk !== undefined) {
    // A broker with certfile and psk_hint on one listener answers PSK clients with its certificate.
    return Object.keys(socket.getPeerCertificate()).length > 0 ? { kind: 'psk-not-offered' } : undefined;
  }
  if (!settings.verify || socket.authorized) return undefined;
  return verificationProblem(String(socket.authorizationError), socket.getPeerCertificate(), settings.servername ?? host);
}

export function handshakeContext(settings: TlsSettings, host: string): HandshakeContext {
  return {
    name: settings.servername ?? host,
    pskIdentity: settings.psk?.identity,
    clientCert: settings.cert !== undefined,
    version: settings.minVersion === settings.maxVersion ? settings.minVersion : undefined,
    alpn: settings.alpn,
  };
}

/**
 * Runs the TLS handshake over an open connection and resolves with the encrypted stream once the
 * broker's certificate (or PSK) is accepted. Failures reject with a TlsError naming the cause.
 */
export function startTls(socket: Duplex, settings: TlsSettings, host: string): Promise<TransportStream> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let secure: TLSSocket;
    try {
      secure = tlsConnect({ ...tlsConnectOptions(settings, host), socket });
    } catch (err) {
      socket.destroy();
      reject(settingsError(err, settings));
      return;
    }
    if (settings.keylog !== undefined) secure.on('keylog', settings.keylog);
    const context = handshakeContext(settings, host);
    let settled = false;
    let ticketWait: NodeJS.Timeout | undefined;
    const onError = (err: Error): void => {
      settled = true;
      clearTimeout(ticketWait);
      secure.destroy();
      reject(tlsError(handshakeProblem(err, context), err));
    };
    const ready = (): void => {
      if (settled) return;
      settled = true;
      secure.off('error', onError);
      // A TLS alert arriving later (say, in a broker that sends no session ticket) is still named.
      const explainError = (err: Error): MqttError | undefined =>
        ((err as NodeJS.ErrnoException).code ?? '').startsWith('ERR_SSL_') ? tlsError(handshakeProblem(err, context), err) : undefined;
      resolve(Object.assign(secure, { explainError }));
    };
    secure.once('error', onError);
    secure.once('secureConnect', () => {
      const problem = peerProblem(secure, settings, host);
      if (problem !== undefined) {
        settled = true;
        secure.off('error', onError);
        secure.once('error', () => undefined);
        secure.destroy();
        reject(tlsError(problem));
        return;
      }
      if (secure.getProtocol() !== 'TLSv1.3') {
        ready();
        return;
      }
      // In TLS 1.3 our side finishes before the broker has judged our certificate (or its
      // absence); its session ticket, or its refusal, follows one trip later. Written before
      // that, CONNECT would meet a connection reset instead of the refusal.
      ticketWait = setTimeout(ready, Math.min(MAX_TICKET_WAIT_MS, Math.max(MIN_TICKET_WAIT_MS, 2 * (Date.now() - started))));
      secure.once('session', () => {
        clearTimeout(ticketWait);
        // Not from inside the event: Node drops a write made while the ticket is being handled,
        // so a Node-based TLS server (aedes, an https bridge) would never see CONNECT.
        setImmediate(ready);
      });
    });
  });
}

/** Node refuses some settings before connecting: an unknown cipher list, a key that does not open. */
function settingsError(err: unknown, settings: TlsSettings): MqttError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_SSL_NO_CIPHER_MATCH') {
    return new MqttError(ErrorCode.InvalidArgument, `No cipher in '${settings.ciphers ?? ''}' is known to OpenSSL.`, { cause: err });
  }
  if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
    return new MqttError(ErrorCode.InvalidCertificate, 'The client key does not belong to the client certificate.', { cause: err });
  }
  if (code === 'ERR_OSSL_BAD_DECRYPT') {
    return new MqttError(ErrorCode.InvalidCertificate, 'The passphrase does not open the client key.', { cause: err });
  }
  return new MqttError(ErrorCode.InvalidArgument, `TLS settings refused: ${message}`, { cause: err });
}
