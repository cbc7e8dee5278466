import { generateKeyPair } from 'node:crypto';

/** RSA only: node-forge, which lays out the certificates, has no EC keys (nor the signature OIDs they need). */
export const RSA_BITS = [2048, 3072, 4096] as const;
export type RsaBits = (typeof RSA_BITS)[number];

export interface KeyPairPem {
  /** PKCS#1 (`RSA PRIVATE KEY`): what mosquitto, Node, mbedTLS and BearSSL all read. */
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/**
 * Node's native generator, asynchronous so that a spinner keeps turning (RSA-2048 takes
 * 0.1-0.9 s; node-forge's pure-JS path takes seconds).
 */
export function generateRsaKey(bits: RsaBits): Promise<KeyPairPem> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: bits,
        publicExponent: 0x10001,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      },
      (err, publicKeyPem, privateKeyPem) => {
        if (err) reject(err);
        else resolve({ privateKeyPem, publicKeyPem });
      },
    );
  });
}
