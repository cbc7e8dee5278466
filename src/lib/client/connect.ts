import { openTransport } from '../transport/open.js';
import type { TransportTarget } from '../transport/types.js';
import type { ConnackPacket } from '../protocol/packets.js';
import type { MqttClient } from './client.js';

/**
 * Opens the transport for a target and runs CONNECT/CONNACK on it. The one connect path that
 * pub, sub and later bench share.
 */
export async function connectClient(client: MqttClient, target: TransportTarget): Promise<ConnackPacket> {
  const stream = await openTransport(target);
  return client.connect(stream);
}
