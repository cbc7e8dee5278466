import type { CheckNote, CheckReport, HostCheck, Stack } from '../../lib/pki/check.js';
import type { CertificateFacts } from '../../lib/pki/inspect.js';

const LABELS: Readonly<Record<Stack | 'mosquitto', string>> = {
  mosquitto: 'mosquitto clients',
  'mosquitto-2.0': 'mosquitto 2.0 clients',
  'mosquitto-2.1': 'mosquitto 2.1+, Node.js',
  esp32: 'ESP32 (mbedTLS)',
  esp8266: 'ESP8266 (BearSSL)',
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** `mqt gen-ca --check` in plain words: what the certificate is, then a verdict per host and client. */
export function explainText(report: CheckReport, certFile: string, caFile: string | undefined, now: Date): string {
  const facts = report.certificate;
  const lines = [
    `${certFile}: ${kind(report)}`,
    `  Subject   ${facts.subject}`,
    `  Issuer    ${facts.issuer}`,
    `  Names     ${names(facts)}`,
    `  Valid     ${validity(facts, now)}`,
    `  Key       ${keyText(facts)}, signed with ${facts.signature.algorithm}`,
    `  Usage     ${usage(facts)}`,
    `  CA        ${facts.basicConstraints === undefined ? 'not said (no basicConstraints)' : facts.basicConstraints.ca ? 'yes (CA:TRUE)' : 'no (CA:FALSE)'}`,
    `  Chain     ${chain(report, caFile)}`,
    `  SHA-1     ${facts.sha1}`,
    `  SHA-256   ${facts.sha256}`,
  ];
  for (const host of report.hosts) lines.push('', `Connecting to ${host.host}:`, ...hostLines(host));
  if (report.client !== undefined) {
    const { refusals, username } = report.client;
    lines.push(
      '',
      refusals.length === 0
        ? `As a client certificate: mosquitto with require_certificate and use_identity_as_username takes it as user "${username ?? ''}".`
        : `As a client certificate: mosquitto with require_certificate refuses it. ${refusals.join(' ')}`,
    );
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `Note: ${noteText(n)}`));
  return `${lines.join('\n')}\n`;
}

const NOTES: Readonly<Record<CheckNote, string>> = {
  'chain-unchecked': 'The chain was not checked: give the CA with --ca to check it.',
  'is-ca': "This is the CA certificate itself: clients trust it (--cafile, setCACert, X509List); the broker's certfile is the server certificate.",
  'ip-only-entries': 'Some IP addresses are only IP entries: ESP32 (mbedTLS 2.x) and ESP8266 need them as DNS entries too (mqt gen-ca writes both).',
  'board-clock': 'Boards check dates too: set the clock (configTime/NTP) before connecting, or pin the fingerprint instead.',
};

/** A note of `gen-ca --check` in words, as the text and the JSON output give it. */
export function noteText(note: CheckNote): string {
  return NOTES[note];
}

function kind(report: CheckReport): string {
  if (report.roles.ca) return 'a CA certificate';
  if (report.roles.server && report.roles.client) return 'a certificate without extended key usage (fit for servers and clients)';
  if (report.roles.server) return 'a server certificate';
  return report.roles.client ? 'a client certificate' : 'a certificate for neither TLS servers nor clients';
}

function names(facts: CertificateFacts): string {
  if (facts.altNames === undefined) return `none besides the common name (${facts.commonName ?? 'none'})`;
  const parts = [];
  if (facts.altNames.dns.length > 0) parts.push(`DNS ${facts.altNames.dns.join(', ')}`);
  if (facts.altNames.ip.length > 0) parts.push(`IP ${facts.altNames.ip.join(', ')}`);
  if (facts.altNames.other > 0) parts.push(`${facts.altNames.other} of other kinds`);
  return parts.join('; ');
}

function validity(facts: CertificateFacts, now: Date): string {
  const span = `${day(facts.notBefore)} to ${day(facts.notAfter)}`;
  if (now < facts.notBefore) return `${span} (not yet valid)`;
  if (now > facts.notAfter) return `${span} (expired)`;
  return `${span} (${Math.floor((facts.notAfter.getTime() - now.getTime()) / DAY_MS)} days left)`;
}

function keyText(facts: CertificateFacts): string {
  const { type, bits, curve } = facts.key;
  return [type, bits === undefined ? undefined : `${bits} bits`, curve].filter((p) => p !== undefined).join(' ');
}

function usage(facts: CertificateFacts): string {
  const key = facts.keyUsage === undefined ? 'key usage not restricted' : `key ${facts.keyUsage.usages.join(', ') || 'none'}`;
  const extended = facts.extendedKeyUsage === undefined ? 'extended usage not restricted' : `extended ${facts.extendedKeyUsage.join(', ')}`;
  return `${key}; ${extended}`;
}

function chain(report: CheckReport, caFile: string | undefined): string {
  switch (report.chain) {
    case 'verified':
      return `signed by ${caFile ?? 'the CA'} ("${report.ca?.subject ?? ''}")`;
    case 'broken':
      return `not signed by ${caFile ?? 'the CA'} ("${report.ca?.subject ?? ''}")`;
    case 'same':
      return 'this is the CA certificate itself';
    default:
      return 'not checked (no CA given: --ca CA)';
  }
}

/** One line per client; the two mosquitto generations share a line when they agree. */
function hostLines(host: HostCheck): string[] {
  const { refusals } = host;
  const verdict = (list: readonly string[]): string => (list.length === 0 ? 'yes' : `no: ${list.join(' ')}`);
  const same = refusals['mosquitto-2.0'].join('\n') === refusals['mosquitto-2.1'].join('\n');
  const mosquitto: [string, readonly string[]][] = same
    ? [[LABELS.mosquitto, refusals['mosquitto-2.0']]]
    : [
        [LABELS['mosquitto-2.0'], refusals['mosquitto-2.0']],
        [LABELS['mosquitto-2.1'], refusals['mosquitto-2.1']],
      ];
  const rows: [string, readonly string[]][] = [...mosquitto, [LABELS.esp32, refusals.esp32], [LABELS.esp8266, refusals.esp8266]];
  return [...rows.map(([label, list]) => `  ${label.padEnd(24)}${verdict(list)}`), ...host.notes.map((n) => `  (${n})`)];
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
