import type { Packet, PublishPacket } from '../protocol/packets.js';

/**
 * The lines libmosquitto logs for each packet, which mosquitto_pub/sub -d print and classroom
 * handouts show: "Client <id> sending PUBLISH (d0, q1, r0, m1, 'PV/sunshine', ... (3 bytes))".
 * An empty client id prints as "(null)", as mosquitto 2.0 does.
 */
export function debugLine(direction: 'sending' | 'received', packet: Packet, clientId: string, mid?: number): string {
  const who = `Client ${clientId === '' ? '(null)' : clientId} ${direction}`;
  switch (packet.type) {
    case 'connect':
      return `${who} CONNECT`;
    case 'connack':
      return `${who} CONNACK (${packet.reasonCode})`;
    case 'publish':
      return `${who} PUBLISH ${publishSummary(packet, mid)}`;
    case 'puback':
    case 'pubcomp':
      return direction === 'received'
        ? `${who} ${packet.type.toUpperCase()} (Mid: ${packet.packetId}, RC:${packet.reasonCode ?? 0})`
        : `${who} ${packet.type.toUpperCase()} (m${packet.packetId}${packet.type === 'puback' ? `, rc${packet.reasonCode ?? 0}` : ''})`;
    case 'pubrec':
      return direction === 'received'
        ? `${who} PUBREC (Mid: ${packet.packetId})`
        : `${who} PUBREC (m${packet.packetId}, rc${packet.reasonCode ?? 0})`;
    case 'pubrel':
      return direction === 'received' ? `${who} PUBREL (Mid: ${packet.packetId})` : `${who} PUBREL (m${packet.packetId})`;
    case 'subscribe':
      return packet.subscriptions
        .map((s) => {
          const options = s.qos | (s.noLocal ? 0x04 : 0) | (s.retainAsPublished ? 0x08 : 0) | ((s.retainHandling ?? 0) << 4);
          return `${who} SUBSCRIBE (Mid: ${packet.packetId}, Topic: ${s.topicFilter}, QoS: ${s.qos}, Options: 0x${hex2(options & 0xfc)})`;
        })
        .join('\n');
    case 'unsubscribe':
      return packet.topicFilters.map((f) => `${who} UNSUBSCRIBE (Mid: ${packet.packetId}, Topic: ${f})`).join('\n');
    case 'disconnect':
      return direction === 'received' ? `Received DISCONNECT (${packet.reasonCode ?? 0})` : `${who} DISCONNECT`;
    default:
      return `${who} ${packet.type.toUpperCase()}`;
  }
}

function publishSummary(packet: PublishPacket, mid: number | undefined): string {
  const topic = packet.topic === '' ? '(null)' : packet.topic;
  return `(d${packet.dup ? 1 : 0}, q${packet.qos}, r${packet.retain ? 1 : 0}, m${packet.packetId ?? mid ?? 0}, '${topic}', ... (${packet.payload.length} bytes))`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
