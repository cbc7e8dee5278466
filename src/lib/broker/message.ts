import { Buffer } from 'node:buffer';
import type { QoS } from '../protocol/packets.js';
import { PROPERTY_BY_KEY, type Properties, type PropertyValues } from '../protocol/properties.js';

/**
 * An application message inside the broker: what a PUBLISH (or a will, or $SYS) carries, minus
 * everything that belongs to one hop (packet id, DUP, topic alias, subscription identifiers).
 */
export interface BrokerMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  /** The v5 properties forwarded unchanged: payload format, content type, response topic, correlation data, user properties. */
  properties: Properties | undefined;
  /** The clock's time after which the message is dropped (v5 message expiry); 0 = never. */
  expiresAt: number;
  /** Client id of the publisher, for no local; '' for wills of gone clients and $SYS. */
  senderId: string;
  /** True once payload and properties are copies the broker owns rather than views of a socket chunk. */
  owned: boolean;
  /** Encoded PUBLISH by (v3|v5, QoS, retain), for subscribers that need nothing per hop. */
  encoded: (Buffer | undefined)[] | undefined;
}

/** The PUBLISH properties that travel end to end (5.0 §3.3.2.3); topic alias, expiry and subscription ids are per hop. */
const FORWARDED: ReadonlySet<string> = new Set<keyof PropertyValues>(['payloadFormatIndicator', 'contentType', 'responseTopic', 'correlationData', 'userProperties']);
const FORWARDED_IDS: ReadonlySet<number> = new Set([...FORWARDED].map((key) => PROPERTY_BY_KEY.get(key as keyof PropertyValues)!.id));

/**
 * The properties of `props` that travel end to end, in the order they came (the decoder keeps
 * it, the encoder writes in it), as mosquitto passes them on.
 */
export function forwardedProperties(props: Properties | undefined): Properties | undefined {
  if (props === undefined) return undefined;
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(props)) {
    if (value !== undefined && FORWARDED.has(key)) (out ??= {})[key] = value;
  }
  if (out === undefined) return undefined;
  const forwarded: Properties = out;
  if (props.order !== undefined) forwarded.order = props.order.filter((id) => FORWARDED_IDS.has(id));
  return forwarded;
}

/**
 * Decoded payloads are views of the socket chunk they came in; a message that outlives the current
 * packet (queued, in flight, retained, a will) gets its own copy, once, shared by every holder.
 */
export function own(msg: BrokerMessage): BrokerMessage {
  if (msg.owned) return msg;
  msg.payload = Buffer.from(msg.payload);
  const cd = msg.properties?.correlationData;
  if (cd !== undefined && msg.properties !== undefined) msg.properties.correlationData = Buffer.from(cd);
  msg.owned = true;
  return msg;
}

export function newMessage(
  topic: string,
  payload: Buffer,
  qos: QoS,
  retain: boolean,
  properties: Properties | undefined,
  senderId: string,
  owned: boolean,
  /** The clock's time now, from which a Message Expiry Interval counts. */
  now: number,
): BrokerMessage {
  const expiry = properties?.messageExpiryInterval;
  return {
    topic,
    payload,
    qos,
    retain,
    properties: forwardedProperties(properties),
    expiresAt: expiry === undefined ? 0 : now + expiry * 1000,
    senderId,
    owned,
    encoded: undefined,
  };
}

/** Seconds left before expiry, rounded up, for the Message Expiry Interval sent on; undefined = never expires. */
export function remainingExpiry(msg: BrokerMessage, now: number): number | undefined {
  if (msg.expiresAt === 0) return undefined;
  return Math.max(0, Math.ceil((msg.expiresAt - now) / 1000));
}

export function isExpired(msg: BrokerMessage, now: number): boolean {
  return msg.expiresAt !== 0 && now >= msg.expiresAt;
}

/** A will as the session keeps it until it is published or cancelled. */
export interface StoredWill {
  msg: BrokerMessage;
  /** Seconds (v5 Will Delay Interval); 0 = at once. */
  delay: number;
  /** v5 Message Expiry Interval in seconds, which counts from publication (5.0 §3.1.3.2.4). */
  expiry: number | undefined;
}
