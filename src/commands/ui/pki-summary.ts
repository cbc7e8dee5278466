import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { caCertLiteral, fingerprintArray, tlsUsageComment } from '../../lib/output/board-snippets.js';
import { TLS_PORT, tlsListenerLines } from '../../lib/output/broker-config.js';
import { fingerprintBytes } from '../../lib/pki/fingerprint.js';
import type { GeneratedSet } from '../../lib/pki/generate.js';
import { inspectCertificate, namesIn, type CertificateFacts } from '../../lib/pki/inspect.js';
import { coversNames } from '../../lib/pki/machine-certs.js';
import { defaultHostNames } from '../../lib/pki/names.js';
import { chownHint } from './service-user.js';
import { shellWord } from './shell-word.js';

/** What gen-ca made, read back from the certificates themselves, for the text and the JSON output. */
export interface GenCaSummary {
  readonly dir: string;
  readonly ca: { readonly cert: string; readonly key: string; readonly created: boolean; readonly name: string; readonly notAfter: Date; readonly sha1: string; readonly sha256: string };
  readonly server: { readonly cert: string; readonly key: string; readonly kept: boolean; readonly names: readonly string[]; readonly notAfter: Date; readonly sha1: string; readonly sha256: string };
  readonly clients: readonly { readonly name: string; readonly cert: string; readonly key: string; readonly notAfter: Date; readonly sha1: string; readonly sha256: string }[];
  readonly mosquittoConf: readonly string[];
  readonly test: string;
  /** `mqt serve` with these files, when the server certificate has the names `mqt serve --tls` needs. */
  readonly serve?: string;
  readonly warnings: readonly string[];
  readonly arduino?: string;
}

export function summarize(dir: string, set: GeneratedSet, warnings: readonly string[], arduino: boolean): GenCaSummary {
  const facts = (pem: string, file: string): CertificateFacts => inspectCertificate(pem, file).facts;
  const ca = facts(set.ca.certPem, set.ca.certFile);
  const server = facts(set.server.certPem, set.server.certFile);
  const names = namesIn(server);
  const [firstClient] = set.clients;
  const test = [
    'mqt sub --cafile',
    shellWord(set.ca.certFile),
    `-h ${shellWord(names[0] ?? 'localhost')} -p ${TLS_PORT} -t '#' -d`,
    ...(firstClient === undefined ? [] : [`--cert ${shellWord(firstClient.certFile)} --key ${shellWord(firstClient.keyFile)}`]),
  ].join(' ');
  return {
    dir,
    ca: { cert: set.ca.certFile, key: set.ca.keyFile, created: set.ca.created, name: ca.commonName ?? ca.subject, notAfter: ca.notAfter, sha1: ca.sha1, sha256: ca.sha256 },
    server: { cert: set.server.certFile, key: set.server.keyFile, kept: set.server.kept, names, notAfter: server.notAfter, sha1: server.sha1, sha256: server.sha256 },
    clients: set.clients.map((c) => {
      const f = facts(c.certPem, c.certFile);
      return { name: c.name, cert: c.certFile, key: c.keyFile, notAfter: f.notAfter, sha1: f.sha1, sha256: f.sha256 };
    }),
    mosquittoConf: tlsListenerLines({ ca: resolve(set.ca.certFile), cert: resolve(set.server.certFile), key: resolve(set.server.keyFile) }, set.clients.length > 0),
    test,
    // serve --tls makes a new server certificate in its folder when this one lacks a local name.
    ...(coversNames(new Set(names), defaultHostNames(hostname())) ? { serve: `mqt serve --tls-dir ${shellWord(resolve(dir))}` } : {}),
    warnings: [...set.warnings, ...warnings],
    ...(arduino
      ? {
          arduino: [
            caCertLiteral(set.ca.certPem, set.ca.certFile),
            '',
            fingerprintArray(fingerprintBytes(server.sha1), set.server.certFile),
            '',
            tlsUsageComment(names),
          ].join('\n'),
        }
      : {}),
  };
}

/**
 * Plain text: what was written, the names and fingerprints, then the next steps (broker
 * configuration, a test line). `lanAddresses` are offered when boards could not reach the
 * broker by any name the certificate has.
 */
export function summaryText(summary: GenCaSummary, lanAddresses: readonly string[]): string {
  const { ca, server } = summary;
  const lines = [
    `CA       ${ca.cert} (${ca.created ? 'new' : 'reused'}: "${ca.name}", valid until ${day(ca.notAfter)})`,
    `         key ${ca.key}: keep it private, it signs certificates`,
    `Server   ${server.cert}, key ${server.key} (${server.kept ? 'kept as it was, ' : ''}valid until ${day(server.notAfter)})`,
    `         names ${server.names.join(', ')}`,
    `         SHA-1   ${server.sha1}`,
    `         SHA-256 ${server.sha256}`,
    ...summary.clients.map((c) => `Client   ${c.cert}, key ${c.key} (username "${c.name}", valid until ${day(c.notAfter)})`),
    '',
    'mosquitto.conf:',
    ...summary.mosquittoConf.map((l) => `  ${l}`),
    ...chownHint('the key files', server.key),
    '',
    'Test (the broker restarted with these lines):',
    `  ${summary.test}`,
  ];
  if (summary.serve !== undefined) {
    lines.push('', `Or a TLS broker on ${TLS_PORT} (beside MQTT on 1883, this machine only) with these files, no config needed:`, `  ${summary.serve}`);
  }
  const missing = lanAddresses.filter((a) => !server.names.includes(a));
  if (missing.length > 0) {
    lines.push('', `Boards reach this machine by its network address: add ${missing.map((a) => `--ip ${a}`).join(' ')} (with --force) to cover it.`);
  }
  if (summary.arduino !== undefined) lines.push('', summary.arduino);
  return `${lines.join('\n')}\n`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
