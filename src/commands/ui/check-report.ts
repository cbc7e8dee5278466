import type { BrokerCheck, Granted } from '../../lib/probe/check-broker.js';
import type { PayloadProbe, PayloadRefusal } from '../../lib/probe/payload-probe.js';
import type { TlsFacts } from '../../lib/probe/tls-facts.js';
import type { ProtocolVersion } from '../../lib/protocol/constants.js';
import { reasonText } from '../../lib/protocol/reason-codes.js';
import { errorMessage } from './report.js';

const VERSION_NAMES: Readonly<Record<ProtocolVersion, string>> = { 3: '3.1', 4: '3.1.1', 5: '5' };
const NEVER = 0xffffffff;

type Row = readonly [string, string];

/** The findings as two aligned columns, one fact a line, in the order a student asks about them. */
export function checkTable(check: BrokerCheck, broker: string): string {
  const v5 = check.probedWith === 5;
  const only5 = v5 ? undefined : 'unknown (only MQTT 5 brokers say)';
  const rows: Row[] = [...check.versions].map(([version, outcome]) => [
    `MQTT ${VERSION_NAMES[version]}`,
    outcome.connected ? 'yes' : `no: ${errorMessage(outcome.error).replace(/^(Connection error|Error): /, '')}`,
  ]);
  rows.push(
    ['anonymous clients', yesNo(check.anonymous, 'allowed', 'refused')],
    ['maximum QoS', check.maximumQoS === undefined ? 'unknown' : String(check.maximumQoS)],
    ['retained messages', yesNo(check.retain, 'kept', 'not kept')],
    ['wildcard subscriptions', yesNo(check.wildcardSubscriptions, 'allowed', 'refused')],
    ['shared subscriptions', yesNo(check.sharedSubscriptions, 'allowed', 'refused')],
    ['subscription identifiers', only5 ?? yesNo(check.subscriptionIdentifiers, 'available', 'not available')],
    ['topic alias maximum', only5 ?? count(check.topicAliasMaximum, 'none (no aliases)')],
    ['receive maximum', only5 ?? count(check.receiveMaximum)],
    ['maximum packet size', only5 ?? packetSize(check.maximumPacketSize)],
    ['session expiry', only5 ?? granted(check.sessionExpiry, seconds)],
    ['server keep alive', only5 ?? granted(check.serverKeepAlive, (s) => `${s} s`)],
    ['own topics (mqt-check/#)', yesNo(check.echo, 'publish and subscribe work', 'a message sent there did not come back (ACL?)')],
    ['largest payload taken', payload(check.payload)],
    ['$SYS topics', sys(check.sys)],
  );
  if (check.tls !== undefined) rows.push(...tlsRows(check.tls));
  if (check.stoppedBy !== undefined) rows.push(['stopped early', errorMessage(check.stoppedBy)]);
  const width = Math.max(...rows.map(([name]) => name.length));
  const probed = check.probedWith === undefined ? '' : ` (probed with MQTT ${VERSION_NAMES[check.probedWith]})`;
  return `Broker ${broker}${probed}\n${rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n')}\n`;
}

/** The findings for --json: the same facts, with sizes in bytes and durations in seconds. */
export function checkJson(check: BrokerCheck, broker: string): object {
  const { versions, stoppedBy, probedWith, ...facts } = check;
  return {
    broker,
    versions: [...versions].map(([version, outcome]) =>
      outcome.connected
        ? { version: VERSION_NAMES[version], connected: true }
        : {
            version: VERSION_NAMES[version],
            connected: false,
            error: errorMessage(outcome.error),
            ...(outcome.error.reasonCode === undefined ? {} : { reasonCode: outcome.error.reasonCode }),
          },
    ),
    ...(probedWith === undefined ? {} : { probedWith: VERSION_NAMES[probedWith] }),
    ...facts,
    ...(stoppedBy === undefined ? {} : { stoppedBy: errorMessage(stoppedBy) }),
  };
}

function yesNo(value: boolean | undefined, yes: string, no: string): string {
  return value === undefined ? 'unknown' : value ? yes : no;
}

function count(value: number | undefined, zero?: string): string {
  if (value === undefined) return 'unknown';
  return value === 0 && zero !== undefined ? zero : String(value);
}

function packetSize(value: number | null | undefined): string {
  if (value === undefined) return 'unknown';
  return value === null ? "none stated (the protocol's limit, 256 MiB)" : `${value} bytes`;
}

function seconds(value: number): string {
  return value === NEVER ? 'never expires' : `${value} s`;
}

function granted(value: Granted | undefined, show: (n: number) => string): string {
  if (value === undefined) return 'unknown';
  return value.granted === value.asked ? `${show(value.granted)} (as asked)` : `${show(value.granted)} (asked for ${show(value.asked)})`;
}

function payload(probe: PayloadProbe | undefined): string {
  if (probe === undefined) return 'unknown';
  if (probe.refused === undefined) return `${bytes(probe.took ?? 0)} and more (the probe stops at --max-payload ${probe.limit})`;
  const took = probe.took === undefined ? 'none' : bytes(probe.took);
  return `${took} (${bytes(probe.refused.size)}: ${refusal(probe.refused.how)})`;
}

function refusal(how: PayloadRefusal): string {
  switch (how.kind) {
    case 'refused':
      return `refused, ${how.reasonCode === undefined ? 'no reason given' : reasonText(how.reasonCode)}`;
    case 'over-maximum-packet-size':
      return 'over its maximum packet size';
    case 'closed':
      return 'it closed the connection';
    case 'dropped':
      return 'acknowledged, never delivered';
  }
}

function sys(value: BrokerCheck['sys']): string {
  if (value === undefined) return 'unknown';
  return value.readable ? `readable${value.version === undefined ? '' : ` (${value.version})`}` : 'not readable';
}

function tlsRows(tls: TlsFacts): Row[] {
  const rows: Row[] = [['TLS', `${tls.protocol}, ${tls.cipher}, ${tls.verified ? 'certificate verified' : 'certificate NOT verified (--insecure)'}`]];
  const cert = tls.certificate;
  if (cert === undefined) return rows;
  rows.push(
    ['certificate', `${cert.subject}${cert.selfSigned ? ' (self-signed)' : `, issued by ${cert.issuer}`}`],
    ['certificate names', cert.names.length === 0 ? 'none (no subjectAltName)' : cert.names.join(', ')],
    ['certificate valid', `${cert.validFrom.slice(0, 10)} to ${cert.validTo.slice(0, 10)}`],
    ['certificate SHA-256', cert.sha256],
  );
  return rows;
}

function bytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
