import { ErrorCode, isMqttError } from '../errors.js';
import type { QoS } from '../protocol/packets.js';
import type { ProbeConnection } from './probe-connection.js';

/** How the first payload too large for the broker fared. */
export type PayloadRefusal =
  /** Refused in the PUBACK (v5); reasonCode says why. */
  | { readonly kind: 'refused'; readonly reasonCode: number | undefined }
  /** Not sent: over the maximum packet size the broker's CONNACK stated. */
  | { readonly kind: 'over-maximum-packet-size' }
  /** The broker closed the connection. */
  | { readonly kind: 'closed' }
  /** Acknowledged but never delivered to the subscription (mosquitto's message_size_limit with v3). */
  | { readonly kind: 'dropped' };

export interface PayloadProbe {
  /** The largest payload that came back, in bytes, or undefined when even the smallest did not. */
  readonly took: number | undefined;
  /** The first size that did not, and how; absent when every size up to the limit did. */
  readonly refused?: { readonly size: number; readonly how: PayloadRefusal };
  /** The largest size the probe tries. */
  readonly limit: number;
}

/** The probe's sizes: ×4 from 256 bytes, then the limit itself. */
export function payloadSizes(limit: number): number[] {
  const sizes: number[] = [];
  for (let size = 256; size < limit; size *= 4) sizes.push(size);
  sizes.push(limit);
  return sizes;
}

/**
 * Publishes payloads of growing size to a topic the connection is subscribed to, each followed by
 * a ping barrier, until one does not come back or the limit is reached.
 */
export async function probePayloads(connection: ProbeConnection, topic: string, qos: QoS, limit: number): Promise<PayloadProbe> {
  await connection.step(connection.client.subscribe([{ topicFilter: topic, qos }]), 'SUBACK');
  let took: number | undefined;
  for (const size of payloadSizes(limit)) {
    const how = await sendOne(connection, topic, qos, size);
    if (how !== undefined) return { took, refused: { size, how }, limit };
    took = size;
  }
  return { took, limit };
}

async function sendOne(connection: ProbeConnection, topic: string, qos: QoS, size: number): Promise<PayloadRefusal | undefined> {
  const { client, received } = connection;
  received.length = 0;
  try {
    await connection.step(client.publish({ topic, payload: Buffer.alloc(size, 0x61), qos, retain: false }), 'PUBACK');
    await connection.barrier();
  } catch (err) {
    if (!isMqttError(err)) throw err;
    if (err.code === ErrorCode.PacketTooLarge) return { kind: 'over-maximum-packet-size' };
    if (err.code === ErrorCode.PublishRefused) return { kind: 'refused', reasonCode: err.reasonCode };
    if (!client.isConnected) return { kind: 'closed' };
    throw err;
  }
  return received.some((m) => m.topic === topic && m.payload.length === size) ? undefined : { kind: 'dropped' };
}
