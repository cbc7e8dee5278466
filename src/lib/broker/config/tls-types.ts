import type { Origin } from './basics.js';

/** A file a TLS directive names, with where it was named (for the start-up error if it cannot be read). */
export interface ConfFile {
  path: string;
  origin?: Origin;
}

/** mosquitto 2.0's tls_version values; each is the oldest version the listener accepts. */
export type TlsVersion = 'tlsv1.3' | 'tlsv1.2' | 'tlsv1.1';

/** The TLS directives of one listener section, as written. */
export interface TlsSection {
  cafile?: ConfFile;
  capath?: ConfFile;
  certfile?: ConfFile;
  keyfile?: ConfFile;
  crlfile?: ConfFile;
  dhparamfile?: ConfFile;
  requireCertificate?: boolean;
  useIdentityAsUsername?: boolean;
  useSubjectAsUsername?: boolean;
  tlsVersion?: TlsVersion;
  ciphers?: string;
  ciphersTls13?: string;
  /** Where ciphers or ciphers_tls1.3 was last written, for the error when OpenSSL knows none of them. */
  ciphersOrigin?: Origin;
  pskHint?: string;
  /** Where psk_hint was written, for the notes about it. */
  pskHintOrigin?: Origin;
}

/**
 * Where the MQTT username of a TLS client comes from: its certificate's CN
 * (use_identity_as_username), its whole subject (use_subject_as_username) or its PSK identity.
 */
export type TlsUsername = 'cn' | 'subject' | 'psk';

/** A TLS listener ready to open: certificates (certfile + keyfile) or pre-shared keys (psk_hint). */
export type ListenerTls = CertificateTls | PskTls;

interface CommonTls {
  minVersion: TlsVersion;
  /** TLS 1.2 cipher list (OpenSSL syntax); undefined = Node's defaults. */
  ciphers?: string;
  /** TLS 1.3 cipher suites; undefined = Node's defaults. */
  ciphersTls13?: string;
  ciphersOrigin?: Origin;
  usernameFrom?: TlsUsername;
  /** PEM Diffie-Hellman parameters for the DHE suites; undefined = OpenSSL's, chosen by key size as mosquitto does. */
  dhparamfile?: ConfFile;
}

export interface CertificateTls extends CommonTls {
  kind: 'certificate';
  certfile: ConfFile;
  keyfile: ConfFile;
  cafile?: ConfFile;
  capath?: ConfFile;
  /** PEM certificate revocation lists of the CAs: a revoked client certificate fails the handshake. */
  crlfile?: ConfFile;
  requireCertificate: boolean;
}

export interface PskTls extends CommonTls {
  kind: 'psk';
  hint: string;
  /** The psk_file of this listener (global unless per_listener_settings); none = every client refused. */
  pskFile?: ConfFile;
}
