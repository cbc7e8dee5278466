import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { TransportStream } from '../transport/types.js';

export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  /** DNS names and IP addresses the certificate covers (subjectAltName). */
  readonly names: readonly string[];
  readonly validFrom: string;
  readonly validTo: string;
  /** Issued by itself rather than by a CA (subject and issuer are the same name). */
  readonly selfSigned: boolean;
  readonly sha256: string;
}

export interface TlsFacts {
  /** As OpenSSL names it: TLSv1.2, TLSv1.3. */
  readonly protocol: string;
  readonly cipher: string;
  /** Whether the certificate chain was verified against the trusted CAs (false with --insecure). */
  readonly verified: boolean;
  /** Absent with TLS-PSK, which has no certificate. */
  readonly certificate?: CertificateFacts;
}

/** What the TLS session of a connection says, or undefined when the stream is not a TLS socket. */
export function tlsFactsOf(stream: TransportStream): TlsFacts | undefined {
  if (!isTlsSocket(stream)) return undefined;
  const peer = stream.getPeerCertificate();
  return {
    protocol: stream.getProtocol() ?? 'unknown',
    cipher: stream.getCipher().name,
    verified: stream.authorized,
    ...(Object.keys(peer).length === 0 ? {} : { certificate: certificateFacts(peer) }),
  };
}

function isTlsSocket(stream: TransportStream): stream is TransportStream & TLSSocket {
  return typeof (stream as Partial<TLSSocket>).getPeerCertificate === 'function' && typeof (stream as Partial<TLSSocket>).getProtocol === 'function';
}

function certificateFacts(peer: PeerCertificate): CertificateFacts {
  const names = (peer.subjectaltname ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:') || entry.startsWith('IP Address:'))
    .map((entry) => entry.slice(entry.indexOf(':') + 1));
  return {
    subject: distinguishedName(peer.subject),
    issuer: distinguishedName(peer.issuer),
    names,
    validFrom: new Date(peer.valid_from).toISOString(),
    validTo: new Date(peer.valid_to).toISOString(),
    selfSigned: distinguishedName(peer.subject) === distinguishedName(peer.issuer),
    sha256: peer.fingerprint256,
  };
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (name === undefined) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}
