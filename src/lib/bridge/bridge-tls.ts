/**
 * bridge_cafile ... bridge_psk as the transport's TlsSettings, read once at start-up so that a
 * missing or wrong file stops mqt serve with its own error instead of failing every retry.
 */
import { Buffer } from 'node:buffer';
import type { BridgeTlsFiles } from '../broker/config/bridge-types.js';
import { parseKeyHex } from '../psk/validate.js';
import { readCertificateFolder, readCertificates, readPrivateKey } from '../transport/tls-files.js';
import type { TlsSettings } from '../transport/types.js';

const VERSIONS = { 'tlsv1.2': 'TLSv1.2', 'tlsv1.3': 'TLSv1.3' } as const;

export function bridgeTls(files: BridgeTlsFiles): TlsSettings {
  const version = files.version === undefined ? undefined : VERSIONS[files.version];
  const common: TlsSettings = {
    verify: !files.insecure,
    ...(version === undefined ? {} : { minVersion: version, maxVersion: version }),
    ...(files.alpn === undefined ? {} : { alpn: [files.alpn] }),
  };
  if (files.psk !== undefined && files.identity !== undefined) {
    return { ...common, psk: { identity: files.identity, key: Buffer.from(parseKeyHex(files.psk), 'hex') } };
  }
  const ca: Buffer[] = [];
  if (files.cafile !== undefined) ca.push(readCertificates(files.cafile, 'bridge_cafile'));
  if (files.capath !== undefined) ca.push(...readCertificateFolder(files.capath));
  return {
    ...common,
    ca,
    ...(files.certfile === undefined ? {} : { cert: readCertificates(files.certfile, 'bridge_certfile') }),
    ...(files.keyfile === undefined ? {} : { key: readPrivateKey(files.keyfile) }),
  };
}
