/**
 * The page's MQTT 5 packets, made and read by the project's own codec (src/lib/protocol), which the
 * build bundles with a Buffer for the browser (src/web/node-buffer.ts). This file only turns the
 * library's packets into what the page shows.
 */
import { Buffer } from 'node:buffer';
import { encode } from '../lib/protocol/encode.js';
import { PacketReader } from '../lib/protocol/framer.js';
import type { Packet, QoS } from '../lib/protocol/packets.js';
import { PROPERTIES, type Properties } from '../lib/protocol/properties.js';

export type { QoS };

/** A v5 property as the page shows it: its name and its value in words. */
export interface ShownProperty {
  name: string;
  value: string;
}

export interface OutgoingProperties {
  contentType?: string;
  responseTopic?: string;
  messageExpiry?: number;
  userProperties?: [string, string][];
}

export interface IncomingPublish {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  packetId: number;
  properties: ShownProperty[];
}

const VERSION = 5;

const send = (packet: Packet): Uint8Array => encode(packet, VERSION);

export function encodeConnect(clientId: string, keepalive: number, username?: string, password?: string): Uint8Array {
  return send({
    type: 'connect',
    protocolVersion: VERSION,
    clean: true,
    keepalive,
    clientId,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password: Buffer.from(password) }),
  });
}

export function encodePublish(topic: string, payload: Uint8Array, qos: QoS, retain: boolean, packetId: number, props: OutgoingProperties = {}): Uint8Array {
  const properties: Properties = {
    ...(props.contentType === undefined ? {} : { contentType: props.contentType }),
    ...(props.responseTopic === undefined ? {} : { responseTopic: props.responseTopic }),
    ...(props.messageExpiry === undefined ? {} : { messageExpiryInterval: props.messageExpiry }),
    ...(props.userProperties === undefined || props.userProperties.length === 0 ? {} : { userProperties: props.userProperties }),
  };
  return send({ type: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false, ...(qos > 0 ? { packetId } : {}), properties });
}

export function encodeAck(type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp', packetId: number): Uint8Array {
  return send({ type, packetId });
}

/** Retain As Published, so a live message's retain flag says what its publisher asked for. */
export function encodeSubscribe(packetId: number, filters: readonly string[], qos: QoS): Uint8Array {
  return send({ type: 'subscribe', packetId, subscriptions: filters.map((topicFilter) => ({ topicFilter, qos, retainAsPublished: true })) });
}

export function encodeUnsubscribe(packetId: number, filters: readonly string[]): Uint8Array {
  return send({ type: 'unsubscribe', packetId, topicFilters: [...filters] });
}

export const PINGREQ = send({ type: 'pingreq' });
export const DISCONNECT = send({ type: 'disconnect' });

/** "content-type" → "Content Type", as the page names a property. */
const title = (name: string): string =>
  name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');

/** The properties in the order the codec read them, one row per value of a repeated one. */
export function shownProperties(properties: Properties | undefined): ShownProperty[] {
  const shown: ShownProperty[] = [];
  for (const [key, value] of Object.entries(properties ?? {}) as [keyof Properties, Properties[keyof Properties]][]) {
    const spec = PROPERTIES.find((p) => p.key === key);
    if (spec === undefined || value === undefined) continue;
    const name = title(spec.name);
    if (key === 'userProperties') for (const [k, v] of value as [string, string][]) shown.push({ name, value: `${k}=${v}` });
    else if (Array.isArray(value)) for (const v of value) shown.push({ name, value: String(v) });
    else shown.push({ name, value: Buffer.isBuffer(value) ? value.toString('hex') : String(value) });
  }
  return shown;
}

/** Splits the broker's byte stream into packets, read at MQTT 5. */
export class PacketStream {
  private readonly reader = new PacketReader({ version: VERSION });

  push(chunk: Uint8Array): Packet[] {
    const packets: Packet[] = [];
    this.reader.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), (p) => packets.push(p));
    return packets;
  }
}
