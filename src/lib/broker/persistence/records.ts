import type { QoS, Subscription } from '../../protocol/packets.js';
import type { Properties } from '../../protocol/properties.js';

/** The v5 properties that travel with an application message and must survive a restart. */
export type MessageProperties = Pick<Properties, 'payloadFormatIndicator' | 'contentType' | 'responseTopic' | 'correlationData' | 'userProperties' | 'order'>;

/** check_retain_source: who published a retained message, kept so that the check outlives a restart. */
export interface RetainSource {
  clientId: string;
  username?: string;
  /** The listener it came through (listenerKey), whose security hooks the check asks. */
  listener?: string;
}

export interface StoredMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: MessageProperties;
  /** Milliseconds since the epoch when the message expires (v5 Message Expiry Interval). */
  expiresAt?: number;
  /** Retained messages only, with check_retain_source on. */
  source?: RetainSource;
}

export interface StoredSubscription extends Subscription {
  subscriptionIdentifier?: number;
}

/**
 * One change to the broker's durable state. The broker appends a record, and sends PUBACK or
 * PUBREC (or lets a client see its new state) only once the append has resolved.
 *
 * Outgoing messages of a session carry an `id` chosen by the broker, unique among the
 * messages held (DurableState.lastMessageId tells where to go on after a restart): the packet id
 * changes when a message is resent on a new connection, the id does not.
 */
export type JournalRecord =
  /** A retained message set (or replaced) on its topic. */
  | { type: 'retain'; message: StoredMessage }
  /** The retained message of a topic cleared (empty retained PUBLISH, or expiry). */
  | { type: 'unretain'; topic: string }
  /**
   * A persistent session created or taken over; clears any expiry time it had. The username, and
   * the listener it came through (listenerKey), are what access checks use while its client is away.
   */
  | { type: 'session-create'; clientId: string; expiryInterval: number; username?: string; listener?: string }
  /** Its client went away: the session expires at this time (ms since the epoch). */
  | { type: 'session-expire'; clientId: string; expiresAt: number }
  /** The session ended (clean start, expiry, or a client asking for a session expiry of 0). */
  | { type: 'session-delete'; clientId: string }
  | { type: 'subscribe'; clientId: string; subscription: StoredSubscription }
  | { type: 'unsubscribe'; clientId: string; topicFilter: string }
  /**
   * A QoS 1/2 message queued for the session's client, with the identifiers of the v5 subscriptions
   * it matched and the packet id taken for it then (absent in journals of older versions).
   */
  | { type: 'enqueue'; clientId: string; id: number; message: StoredMessage; subscriptionIdentifiers?: number[]; packetId?: number }
  /** The message went out as PUBLISH with this packet id (a resend keeps the id). */
  | { type: 'sent'; clientId: string; id: number; packetId: number }
  /** QoS 2: PUBREC came back and PUBREL went out; the payload is no longer needed. */
  | { type: 'released'; clientId: string; id: number }
  /** PUBACK (QoS 1) or PUBCOMP (QoS 2) came back: the message is done. */
  | { type: 'complete'; clientId: string; id: number }
  /** An incoming QoS 2 PUBLISH held until its PUBREL, so a resend is not delivered twice. */
  | { type: 'receive'; clientId: string; packetId: number; message: StoredMessage }
  /** Its PUBREL came: the message has been delivered, the packet id is free. */
  | { type: 'release'; clientId: string; packetId: number }
  /** In a snapshot: the packet id the session took last, where new ones go on from (mosquitto's last_mid). */
  | { type: 'last-packet-id'; clientId: string; packetId: number };

export type RecordType = JournalRecord['type'];

const RECORD_TYPES: ReadonlySet<string> = new Set<RecordType>([
  'retain',
  'unretain',
  'session-create',
  'session-expire',
  'session-delete',
  'subscribe',
  'unsubscribe',
  'enqueue',
  'sent',
  'released',
  'complete',
  'receive',
  'release',
  'last-packet-id',
]);

/** Buffers inside records become {"$b": base64} in JSON and back. */
const BUFFER_KEY = '$b';

/** JSON text of a value holding records, with every Buffer stored as base64. */
export function stringifyRecords(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, key: string, converted: unknown): unknown {
    // Buffer.toJSON has already run on `converted`; the holder still has the Buffer itself.
    const raw = (this as Record<string, unknown>)[key];
    return Buffer.isBuffer(raw) ? { [BUFFER_KEY]: raw.toString('base64') } : converted;
  });
}

export function parseRecords(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const encoded = (value as Record<string, unknown>)[BUFFER_KEY];
      if (typeof encoded === 'string' && Object.keys(value).length === 1) return Buffer.from(encoded, 'base64');
    }
    return value;
  });
}

/**
 * Narrows decoded JSON to records. Only the tag is checked: the frame's CRC already vouches
 * that these are the bytes we wrote.
 */
export function isRecordList(value: unknown): value is JournalRecord[] {
  return (
    Array.isArray(value) &&
    value.every((item: unknown) => typeof item === 'object' && item !== null && RECORD_TYPES.has(String((item as Record<string, unknown>).type)))
  );
}
