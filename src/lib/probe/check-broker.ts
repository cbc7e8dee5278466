import { randomBytes } from 'node:crypto';
import type { ClientOptions } from '../client/client-options.js';
import { ErrorCode, MqttError, isMqttError } from '../errors.js';
import type { ProtocolVersion } from '../protocol/constants.js';
import type { ConnackPacket, QoS } from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import { ReasonCode } from '../protocol/reason-codes.js';
import type { TransportTarget } from '../transport/types.js';
import { probePayloads, type PayloadProbe } from './payload-probe.js';
import { ProbeConnection } from './probe-connection.js';
import { tlsFactsOf, type TlsFacts } from './tls-facts.js';

export interface CheckOptions {
  readonly target: TransportTarget;
  /** The versions to try, oldest first; the newest that connects runs the probes. */
  readonly versions: readonly ProtocolVersion[];
  readonly username?: string;
  readonly password?: Buffer;
  readonly keepalive: number;
  /** The payload probe stops at this size: the check never sends more than a few times this. */
  readonly maxPayload: number;
  /** How long one step (connect, subscribe, publish, ping) may take. */
  readonly stepTimeoutMs: number;
}

export type VersionOutcome = { readonly connected: true } | { readonly connected: false; readonly error: MqttError };

/** What a broker said and did; a field left out is one the check could not tell. */
export interface BrokerCheck {
  readonly versions: ReadonlyMap<ProtocolVersion, VersionOutcome>;
  /** The version the probes below ran with: the newest that connected. */
  readonly probedWith?: ProtocolVersion;
  readonly anonymous?: boolean;
  readonly maximumQoS?: QoS;
  readonly retain?: boolean;
  readonly wildcardSubscriptions?: boolean;
  readonly sharedSubscriptions?: boolean;
  readonly subscriptionIdentifiers?: boolean;
  readonly topicAliasMaximum?: number;
  readonly receiveMaximum?: number;
  /** null: the broker states none (the protocol's own limit, 256 MiB, holds). */
  readonly maximumPacketSize?: number | null;
  readonly sessionExpiry?: Granted;
  readonly serverKeepAlive?: Granted;
  /** A message published to the check's own topic came back to its subscription. */
  readonly echo?: boolean;
  readonly payload?: PayloadProbe;
  /** $SYS/broker/version could be subscribed to and arrived (mosquitto's broker version text). */
  readonly sys?: { readonly readable: boolean; readonly version?: string };
  readonly tls?: TlsFacts;
  /** What cut the probes short, if anything did: the facts found before it are kept. */
  readonly stoppedBy?: MqttError;
}

/** A value asked for in CONNECT and the one the broker's CONNACK settled on. */
export interface Granted {
  readonly asked: number;
  readonly granted: number;
}

/** The session expiry the check asks for: "never", so that any cap the broker has shows. */
const NEVER = 0xffffffff;
/** Topics of the check's own, under one prefix an ACL can allow. */
export const CHECK_TOPIC_PREFIX = 'mqt-check';

const TRANSPORT_FAILURES = new Set<ErrorCode>([ErrorCode.ConnectFailed, ErrorCode.HandshakeFailed, ErrorCode.TlsFailed]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Connects with each protocol version, then, with the newest that worked, asks the broker what it
 * allows: from the v5 CONNACK where it says so, else by trying (subscriptions, a retained message,
 * payloads of growing size) and concluding from a ping barrier, never from a wait, that something
 * did not arrive. Only a failure to reach the broker at all rejects.
 */
export async function checkBroker(options: CheckOptions): Promise<BrokerCheck> {
  const id = randomBytes(4).toString('hex');
  const versions = new Map<ProtocolVersion, VersionOutcome>();
  const check: Mutable<Omit<BrokerCheck, 'versions'>> = {};
  let connack: ConnackPacket | undefined;
  for (const version of options.versions) {
    try {
      const connection = await open(options, version, `mqt-check-${id}-v${version}`, version === 5 ? { sessionExpiryInterval: NEVER } : undefined);
      versions.set(version, { connected: true });
      check.probedWith = version;
      connack = connection.connack;
      check.tls ??= tlsFactsOf(connection.stream);
      await connection.close(version === 5 ? { sessionExpiryInterval: 0 } : undefined);
    } catch (err) {
      if (!isMqttError(err)) throw err;
      versions.set(version, { connected: false, error: err });
      // Failed before MQTT began: no other version would get further.
      if (TRANSPORT_FAILURES.has(err.code)) break;
    }
  }
  const best = check.probedWith;
  if (best === undefined || connack === undefined) {
    const errors = [...versions.values()].flatMap((outcome) => (outcome.connected ? [] : [outcome.error]));
    // Not one CONNACK: unreachable, and the same error a client command reports.
    if (!errors.some((error) => error.code === ErrorCode.ConnectionRefused)) throw errors[0]!;
    if (options.username === undefined && errors.some(refusesCredentials)) check.anonymous = false;
    return { versions, ...check };
  }
  Object.assign(check, connackFacts(best, connack, options.keepalive));
  check.anonymous = options.username === undefined ? true : await anonymousAllowed(options, best, `mqt-check-${id}-anon`);
  try {
    await probeFeatures(options, best, `${CHECK_TOPIC_PREFIX}/${id}`, `mqt-check-${id}-main`, check);
    if (check.echo === true) {
      const qos: QoS = check.maximumQoS === 0 ? 0 : 1;
      const connection = await open(options, best, `mqt-check-${id}-size`);
      try {
        check.payload = await probePayloads(connection, `${CHECK_TOPIC_PREFIX}/${id}/payload`, qos, options.maxPayload);
      } finally {
        await connection.close();
      }
    }
  } catch (err) {
    if (!isMqttError(err)) throw err;
    check.stoppedBy = err;
  }
  return { versions, ...check };
}

function open(options: CheckOptions, version: ProtocolVersion, clientId: string, connectProperties?: Properties): Promise<ProbeConnection> {
  const client: ClientOptions = {
    protocolVersion: version,
    clientId,
    clean: true,
    keepalive: options.keepalive,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(connectProperties === undefined ? {} : { connectProperties }),
  };
  return ProbeConnection.open(options.target, client, options.stepTimeoutMs);
}

function refusesCredentials(error: MqttError): boolean {
  const code = error.reasonCode;
  return (
    error.code === ErrorCode.ConnectionRefused &&
    (code === 4 || code === 5 || code === ReasonCode.BadUserNameOrPassword || code === ReasonCode.NotAuthorized)
  );
}

/** What a v5 CONNACK states (absent properties mean the protocol's defaults); nothing for v3. */
function connackFacts(version: ProtocolVersion, connack: ConnackPacket, keepalive: number): Partial<BrokerCheck> {
  if (version !== 5) return {};
  const p = connack.properties ?? {};
  return {
    maximumQoS: p.maximumQoS === 0 ? 0 : p.maximumQoS === 1 ? 1 : 2,
    ...(p.retainAvailable === 0 ? { retain: false } : {}),
    ...(p.wildcardSubscriptionAvailable === 0 ? { wildcardSubscriptions: false } : {}),
    ...(p.sharedSubscriptionAvailable === 0 ? { sharedSubscriptions: false } : {}),
    subscriptionIdentifiers: p.subscriptionIdentifierAvailable !== 0,
    topicAliasMaximum: p.topicAliasMaximum ?? 0,
    receiveMaximum: p.receiveMaximum ?? 65535,
    maximumPacketSize: p.maximumPacketSize ?? null,
    sessionExpiry: { asked: NEVER, granted: p.sessionExpiryInterval ?? NEVER },
    serverKeepAlive: { asked: keepalive, granted: p.serverKeepAlive ?? keepalive },
  };
}

/** With credentials given, whether the broker also lets a client in without them. */
async function anonymousAllowed(options: CheckOptions, version: ProtocolVersion, clientId: string): Promise<boolean | undefined> {
  const anonymous: CheckOptions = { ...options, username: undefined, password: undefined };
  try {
    await (await open(anonymous, version, clientId)).close();
    return true;
  } catch (err) {
    if (isMqttError(err) && refusesCredentials(err)) return false;
    return undefined;
  }
}

/** Subscriptions, a message to itself, $SYS and retain, on one connection. Retain goes last: v3 brokers without it hang up. */
async function probeFeatures(options: CheckOptions, version: ProtocolVersion, base: string, clientId: string, check: Mutable<Omit<BrokerCheck, 'versions'>>): Promise<void> {
  const connection = await open(options, version, clientId);
  try {
    const echoTopic = `${base}/echo`;
    const granted = await grant(connection, echoTopic, 2);
    if (granted !== undefined && version !== 5) check.maximumQoS = granted;
    const qos: QoS = check.maximumQoS === 0 ? 0 : 1;
    check.echo = granted !== undefined && (await echoes(connection, echoTopic, qos));
    // Refused on its own topics (an ACL), a refusal of the filters below would say nothing about wildcards.
    if (granted !== undefined) {
      if (check.wildcardSubscriptions === undefined) check.wildcardSubscriptions = (await grant(connection, `${base}/wild/+/#`, 0)) !== undefined;
      if (check.sharedSubscriptions === undefined) {
        check.sharedSubscriptions = (await grant(connection, `$share/${CHECK_TOPIC_PREFIX}/${base}/shared`, 0)) !== undefined;
      }
    }
    check.sys = await readSys(connection);
    if (check.retain === undefined && check.echo) check.retain = await retainKept(connection, `${base}/retain`, qos);
  } finally {
    await connection.close();
  }
}

/** Whether a message published to a topic the connection subscribed to comes back to it. */
async function echoes(connection: ProbeConnection, topic: string, qos: QoS): Promise<boolean> {
  try {
    await connection.step(connection.client.publish({ topic, payload: Buffer.from('echo'), qos, retain: false }), 'PUBACK');
  } catch (err) {
    if (isMqttError(err) && err.code === ErrorCode.PublishRefused) return false;
    throw err;
  }
  await connection.barrier();
  return connection.received.some((m) => m.topic === topic);
}

/** The QoS granted for a filter, or undefined when the broker refused it. */
async function grant(connection: ProbeConnection, topicFilter: string, qos: QoS): Promise<QoS | undefined> {
  const suback = await connection.step(connection.client.subscribe([{ topicFilter, qos }]), 'SUBACK');
  const code = suback.reasonCodes[0] ?? ReasonCode.UnspecifiedError;
  return code === 0 || code === 1 || code === 2 ? code : undefined;
}

async function readSys(connection: ProbeConnection): Promise<{ readable: boolean; version?: string }> {
  const topic = '$SYS/broker/version';
  if ((await grant(connection, topic, 0)) === undefined) return { readable: false };
  // Retained, so it comes right after the SUBACK; the barrier says whether it did.
  await connection.barrier();
  const message = connection.received.find((m) => m.topic === topic);
  return message === undefined ? { readable: false } : { readable: true, version: message.payload.toString('utf8') };
}

/** Publishes a retained message, subscribes, and sees whether it is handed back as retained; then clears it. */
async function retainKept(connection: ProbeConnection, topic: string, qos: QoS): Promise<boolean> {
  const { client } = connection;
  try {
    await connection.step(client.publish({ topic, payload: Buffer.from('retained'), qos, retain: true }), 'PUBACK');
    await grant(connection, topic, qos);
    await connection.barrier();
  } catch (err) {
    // Refused in a PUBACK (v5), or the connection closed (how mosquitto answers v3 clients).
    if (isMqttError(err) && (err.code === ErrorCode.PublishRefused || !client.isConnected)) return false;
    throw err;
  }
  const kept = connection.received.some((m) => m.topic === topic && m.retain);
  await connection.step(client.publish({ topic, payload: Buffer.alloc(0), qos, retain: true }), 'PUBACK');
  return kept;
}
