import type { PeerCertificate } from 'node:tls';
import { TlsError, type TlsProblem } from '../errors.js';

/** What was asked of the handshake: needed to tell, say, a refused PSK from a refused cipher. */
export interface HandshakeContext {
  /** The name the certificate must cover: --sni, else the host typed. */
  readonly name: string;
  readonly pskIdentity: string | undefined;
  readonly clientCert: boolean;
  /** The one TLS version asked for (--tls-version), if any. */
  readonly version: string | undefined;
  readonly alpn: readonly string[] | undefined;
}

/** OpenSSL's codes for a CA that is not in the trusted set. */
const UNKNOWN_CA = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** Node's (ERR_SSL_...) codes, without the prefix and the alert's protocol name. */
const PSK_REFUSALS = /ILLEGAL_PARAMETER|BAD_RECORD_MAC|DECRYPT_ERROR|HANDSHAKE_FAILURE|UNKNOWN_PSK_IDENTITY/;
const VERSION_REFUSALS = /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|INAPPROPRIATE_FALLBACK/;
const NOT_TLS = /^(ECONNRESET|EPIPE|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG|ERR_SSL_RECORD_LAYER_FAILURE|ERR_SSL_HTTP_REQUEST)$/;
const CLIENT_CERT_REFUSALS = /UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_EXPIRED|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|ACCESS_DENIED/;

/** Why a completed handshake's certificate was not accepted (socket.authorizationError). */
export function verificationProblem(reason: string, cert: PeerCertificate | undefined, name: string): TlsProblem {
  if (reason === 'ERR_TLS_CERT_ALTNAME_INVALID') return { kind: 'wrong-name', host: name, names: certificateNames(cert) };
  if (reason === 'CERT_HAS_EXPIRED' && cert?.valid_to !== undefined) return { kind: 'expired', notAfter: new Date(cert.valid_to) };
  if (reason === 'CERT_NOT_YET_VALID' && cert?.valid_from !== undefined) return { kind: 'not-yet-valid', notBefore: new Date(cert.valid_from) };
  if (reason === 'DEPTH_ZERO_SELF_SIGNED_CERT') return { kind: 'self-signed', subject: nameOf(cert?.subject) };
  if (UNKNOWN_CA.has(reason)) return { kind: 'unknown-ca', issuer: nameOf(cert?.issuer) };
  return { kind: 'untrusted', reason };
}

/** Why a handshake (or, in TLS 1.3, the moment after it) failed, from Node's error. */
export function handshakeProblem(err: Error, context: HandshakeContext): TlsProblem {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (NOT_TLS.test(code)) return { kind: 'not-tls' };
  if (VERSION_REFUSALS.test(code)) return { kind: 'version', version: context.version };
  if (context.pskIdentity !== undefined && PSK_REFUSALS.test(code)) return { kind: 'psk-refused', identity: context.pskIdentity };
  if (code.endsWith('CERTIFICATE_REQUIRED')) return { kind: 'client-cert-required' };
  if (context.clientCert && CLIENT_CERT_REFUSALS.test(code)) return { kind: 'client-cert-refused' };
  if (code.endsWith('NO_APPLICATION_PROTOCOL')) return { kind: 'alpn-refused', protocols: context.alpn ?? [] };
  if (code.endsWith('HANDSHAKE_FAILURE')) return { kind: 'handshake-refused', clientCert: context.clientCert };
  return { kind: 'other', reason: openSslReason(err) };
}

/** The error for a problem; its message is for logs and library users, the command words its own. */
export function tlsError(problem: TlsProblem, cause?: unknown): TlsError {
  const detail = 'reason' in problem ? `: ${problem.reason}` : '';
  return new TlsError(problem, `TLS connection failed (${problem.kind}${detail}).`, cause);
}

/**
 * The DNS and IP names of a certificate, each once (board-friendly certificates list an IP both
 * as IP and as DNS entry); its common name when it has no alternative names.
 */
export function certificateNames(cert: PeerCertificate | undefined): string[] {
  const alt = cert?.subjectaltname;
  if (alt === undefined || alt === '') return cert?.subject?.CN === undefined ? [] : [String(cert.subject.CN)];
  const names = alt
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:') || entry.startsWith('IP Address:'))
    .map((entry) => entry.slice(entry.indexOf(':') + 1));
  return [...new Set(names)];
}

function nameOf(entity: PeerCertificate['subject'] | undefined): string {
  const value = entity?.CN ?? entity?.O;
  return value === undefined ? 'unnamed' : String(value);
}

/** "…:ssl3_read_bytes:tlsv1 alert unknown ca:…" → "tlsv1 alert unknown ca"; else the message. */
function openSslReason(err: Error): string {
  const reason = (err as Error & { reason?: unknown }).reason;
  return typeof reason === 'string' && reason !== '' ? reason : err.message;
}
