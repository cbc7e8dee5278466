import type { X509Certificate } from 'node:crypto';

export interface Fingerprints {
  /** `AA:BB:…`, as `openssl x509 -noout -fingerprint -sha1` prints it. ESP8266 setFingerprint() pins this. */
  readonly sha1: string;
  /** ESP32's WiFiClientSecure::verify() compares SHA-256. */
  readonly sha256: string;
}

/**
 * Over the certificate's own DER bytes, never a re-encoding (forge's could differ for foreign
 * certificates), so it matches what the server sends.
 */
export function fingerprintsOf(cert: X509Certificate): Fingerprints {
  return { sha1: cert.fingerprint, sha256: cert.fingerprint256 };
}

/** `AA:BB:…` back to bytes, for a C array. */
export function fingerprintBytes(fingerprint: string): Buffer {
  return Buffer.from(fingerprint.replace(/:/g, ''), 'hex');
}
