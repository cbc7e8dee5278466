/**
 * The debug lines of a bridge's traffic with its remote, as mosquitto logs them for its bridge
 * context (lib/send_*.c, lib/handle_*.c under WITH_BROKER): named by the local client id, topics
 * as they are on the wire out and as they are here on the way in. The bridge's in-memory local
 * side logs nothing of its own: mosquitto has no such connection.
 */
import type { CloseReason } from '../broker/core.js';
import type { MqttClient } from '../client/client.js';
import { ErrorCode, type MqttError } from '../errors.js';
import type { Packet, Subscription } from '../protocol/packets.js';
import { ReasonCode } from '../protocol/reason-codes.js';

/** Subscription options as mosquitto prints them: the byte without its QoS bits. */
function optionsByte(s: Subscription): string {
  const bits = (s.noLocal === true ? 0x04 : 0) | (s.retainAsPublished === true ? 0x08 : 0) | ((s.retainHandling ?? 0) << 4);
  return `0x${bits.toString(16).padStart(2, '0')}`;
}

function sentLines(name: string, packet: Packet): string[] {
  switch (packet.type) {
    case 'publish':
      return [`Sending PUBLISH to ${name} (d${packet.dup ? 1 : 0}, q${packet.qos}, r${packet.retain ? 1 : 0}, m${packet.packetId ?? 0}, '${packet.topic}', ... (${packet.payload.length} bytes))`];
    case 'puback':
      return [`Sending PUBACK to ${name} (m${packet.packetId}, rc${packet.reasonCode ?? 0})`];
    case 'pubrec':
      return [`Sending PUBREC to ${name} (m${packet.packetId}, rc${packet.reasonCode ?? 0})`];
    case 'pubrel':
      return [`Sending PUBREL to ${name} (m${packet.packetId})`];
    case 'pubcomp':
      return [`Sending PUBCOMP to ${name} (m${packet.packetId})`];
    case 'pingreq':
      return [`Sending PINGREQ to ${name}`];
    case 'subscribe':
      return packet.subscriptions.map((s) => `Bridge ${name} sending SUBSCRIBE (Mid: ${packet.packetId}, Topic: ${s.topicFilter}, QoS: ${s.qos}, Options: ${optionsByte(s)})`);
    case 'unsubscribe':
      return packet.topicFilters.map((t) => `Bridge ${name} sending UNSUBSCRIBE (Mid: ${packet.packetId}, Topic: ${t})`);
    case 'disconnect':
      return [`Bridge ${name} sending DISCONNECT`];
    default:
      return [];
  }
}

function receivedLine(name: string, packet: Packet, localTopic: (remote: string) => string): string | undefined {
  switch (packet.type) {
    case 'publish':
      return `Received PUBLISH from ${name} (d${packet.dup ? 1 : 0}, q${packet.qos}, r${packet.retain ? 1 : 0}, m${packet.packetId ?? 0}, '${localTopic(packet.topic)}', ... (${packet.payload.length} bytes))`;
    case 'puback':
      return `Received PUBACK from ${name} (Mid: ${packet.packetId}, RC:${packet.reasonCode ?? 0})`;
    case 'pubcomp':
      return `Received PUBCOMP from ${name} (Mid: ${packet.packetId}, RC:${packet.reasonCode ?? 0})`;
    case 'pubrec':
      return `Received PUBREC from ${name} (Mid: ${packet.packetId})`;
    case 'pubrel':
      return `Received PUBREL from ${name} (Mid: ${packet.packetId})`;
    case 'suback':
      return `Received SUBACK from ${name}`;
    case 'unsuback':
      return `Received UNSUBACK from ${name}`;
    case 'pingresp':
      return `Received PINGRESP from ${name}`;
    default:
      return undefined;
  }
}

/**
 * Logs `remote`'s packets (CONNECT and CONNACK have lines of their own in the bridge). mosquitto
 * writes its state notification without a PUBLISH line: `notificationTopic`'s messages have none.
 */
export function logRemotePackets(remote: MqttClient, name: string, notificationTopic: string, localTopic: (remote: string) => string, debug: (text: string) => void): void {
  remote.on('packetsend', (packet: Packet) => {
    if (packet.type === 'publish' && packet.topic === notificationTopic) return;
    for (const line of sentLines(name, packet)) debug(line);
  });
  remote.on('packetreceive', (packet: Packet) => {
    const line = receivedLine(name, packet, localTopic);
    if (line !== undefined) debug(line);
  });
}

/**
 * Why a bridge's remote connection ended, as mosquitto's do_disconnect() words it after
 * "Client NAME ": what the remote sent could not be read, or it closed. None when the remote
 * stopped answering PINGREQ: mosquitto's keepalive check closes a bridge's socket without a line.
 */
export function remoteLostReason(err: MqttError | undefined): CloseReason | undefined {
  if (err === undefined) return 'lost';
  if (err.code === ErrorCode.KeepaliveTimeout) return undefined;
  if (err.reasonCode === ReasonCode.PacketTooLarge) return 'oversize';
  if (err.code === ErrorCode.MalformedPacket) return 'malformed';
  if (err.code === ErrorCode.ProtocolError) return 'protocol';
  return 'lost';
}
