/**
 * Packet → bytes. Every encoder adds up the exact remaining length first (validating as it goes),
 * then allocates one Buffer and writes the fields in order: no intermediate buffers, no concat.
 * Properties exist on the wire only in MQTT 5; for 3.1/3.1.1 they are ignored.
 */
import { Buffer } from 'node:buffer';
import { isValidTopicName } from '../topic.js';
import { MAX_VARINT, PacketType, ProtocolName, type ProtocolVersion } from './constants.js';
import type {
  AuthPacket,
  ConnackPacket,
  ConnectPacket,
  DisconnectPacket,
  Packet,
  PubAckFamilyPacket,
  PublishPacket,
  SubackPacket,
  SubscribePacket,
  UnsubackPacket,
  UnsubscribePacket,
} from './packets.js';
import { propertiesLength, writeProperties } from './property-codec.js';
import type { Properties, PropertyScope } from './properties.js';
import { SUBACK_FAILURE_V3 } from './reason-codes.js';
import {
  binaryFieldLength,
  invalidArgument,
  utf8FieldLength,
  varintLength,
  writeBinary,
  writeU16,
  writeUtf8,
  writeVarint,
} from './wire.js';

/**
 * Encodes one packet for a connection speaking `version`. CONNECT is the exception: it is encoded
 * for its own `protocolVersion`, since that field is what it announces.
 * Throws MqttError(InvalidArgument) for anything the protocol cannot carry.
 */
export function encode(packet: Packet, version: ProtocolVersion): Buffer {
  switch (packet.type) {
    case 'publish':
      return encodePublish(packet, version);
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return encodeAck(packet, version);
    case 'connect':
      return encodeConnect(packet);
    case 'connack':
      return encodeConnack(packet, version);
    case 'subscribe':
      return encodeSubscribe(packet, version);
    case 'suback':
      return encodeSuback(packet, version);
    case 'unsubscribe':
      return encodeUnsubscribe(packet, version);
    case 'unsuback':
      return encodeUnsuback(packet, version);
    case 'pingreq':
      return frame(PacketType.pingreq << 4, 0);
    case 'pingresp':
      return frame(PacketType.pingresp << 4, 0);
    case 'disconnect':
      return encodeDisconnect(packet, version);
    case 'auth':
      return encodeAuth(packet, version);
    default:
      throw invalidArgument(`unknown packet type ${String((packet as { type: unknown }).type)}`);
  }
}

/** Allocates the whole packet and writes the fixed header; the body starts at length - remaining. */
function frame(firstByte: number, remaining: number): Buffer {
  if (remaining > MAX_VARINT) {
    throw invalidArgument(`packet body of ${remaining} bytes exceeds the MQTT maximum of ${MAX_VARINT}`);
  }
  const buf = Buffer.allocUnsafe(1 + varintLength(remaining) + remaining);
  buf[0] = firstByte;
  writeVarint(buf, 1, remaining);
  return buf;
}

function checkPacketId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 0xffff) {
    throw invalidArgument(`packet identifier must be 1-65535, got ${String(id)}`);
  }
  return id;
}

function checkQos(qos: unknown, what: string): number {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw invalidArgument(`${what} must be 0, 1 or 2, got ${String(qos)}`);
  return qos;
}

function checkInteger(n: unknown, max: number, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
    throw invalidArgument(`${what} must be 0-${max}, got ${String(n)}`);
  }
  return n;
}

function checkList<T>(list: readonly T[], what: string): readonly T[] {
  const value: unknown = list;
  if (!Array.isArray(value) || value.length === 0) throw invalidArgument(`${what} must not be empty`);
  return list;
}

/** Size of a v5 properties block including its length prefix, or 0 for v3 (no block at all). */
function blockLength(propsLength: number): number {
  return varintLength(propsLength) + propsLength;
}

function writeBlock(buf: Buffer, off: number, props: Properties | undefined, propsLength: number): number {
  return writeProperties(buf, writeVarint(buf, off, propsLength), props);
}

function v5PropertiesLength(version: ProtocolVersion, props: Properties | undefined, scope: PropertyScope): number {
  return version === 5 ? propertiesLength(props, scope) : 0;
}

function encodePublish(p: PublishPacket, version: ProtocolVersion): Buffer {
  const qos = checkQos(p.qos, 'QoS');
  // MQTT-3.3.1-2: DUP must be 0 for QoS 0; peers treat it as malformed.
  if (p.dup && qos === 0) throw invalidArgument('DUP cannot be set on a QoS 0 PUBLISH');
  const payload = p.payload;
  if (!(payload instanceof Uint8Array)) throw invalidArgument('payload must be a Buffer');
  let remaining = utf8FieldLength(p.topic, 'topic') + payload.length;
  if (p.topic.length === 0) {
    // 5.0 §3.3.2.1: an empty topic is how a publisher uses an already established topic alias.
    if (version !== 5 || p.properties?.topicAlias === undefined) {
      throw invalidArgument('topic must not be empty (unless a v5 topic alias is set)');
    }
  } else if (!isValidTopicName(p.topic)) {
    throw invalidArgument(`invalid topic name ${JSON.stringify(p.topic)}`);
  }
  if (qos > 0) remaining += 2;
  const propsLength = v5PropertiesLength(version, p.properties, 'publish');
  if (version === 5) remaining += blockLength(propsLength);
  const packetId = qos > 0 ? checkPacketId(p.packetId) : 0;

  const buf = frame((PacketType.publish << 4) | (p.dup ? 8 : 0) | (qos << 1) | (p.retain ? 1 : 0), remaining);
  let o = writeUtf8(buf, buf.length - remaining, p.topic);
  if (qos > 0) o = writeU16(buf, o, packetId);
  if (version === 5) o = writeBlock(buf, o, p.properties, propsLength);
  buf.set(payload, o);
  return buf;
}

/** PUBACK/PUBREC/PUBREL/PUBCOMP: v5 drops the reason code and properties when both are default. */
function encodeAck<T extends 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'>(
  p: PubAckFamilyPacket<T>,
  version: ProtocolVersion,
): Buffer {
  const packetId = checkPacketId(p.packetId);
  const reason = checkInteger(p.reasonCode ?? 0, 0xff, 'reason code');
  const propsLength = v5PropertiesLength(version, p.properties, p.type);
  let remaining = 2;
  if (version === 5 && propsLength > 0) remaining = 3 + blockLength(propsLength);
  // 5.0 §3.4.2.2.1: below 4 bytes the property length is implied 0, so it can be left out.
  else if (version === 5 && reason !== 0) remaining = 3;
  const header = (PacketType[p.type] << 4) | (p.type === 'pubrel' ? 2 : 0);
  const buf = frame(header, remaining);
  let o = writeU16(buf, buf.length - remaining, packetId);
  if (remaining > 2) buf[o++] = reason;
  if (remaining > 3) writeBlock(buf, o, p.properties, propsLength);
  return buf;
}

function encodeConnect(p: ConnectPacket): Buffer {
  const v = p.protocolVersion;
  if (v !== 3 && v !== 4 && v !== 5) throw invalidArgument(`unsupported protocol version ${String(v)}`);
  const name = ProtocolName[v];
  const keepalive = checkInteger(p.keepalive, 0xffff, 'keepalive');
  // Protocol name, level, flags, keepalive.
  let remaining = 2 + name.length + 1 + 1 + 2;
  const propsLength = v5PropertiesLength(v, p.properties, 'connect');
  if (v === 5) remaining += blockLength(propsLength);
  remaining += utf8FieldLength(p.clientId, 'client identifier');

  const will = p.will;
  let flags = p.clean ? 0x02 : 0;
  let willPropsLength = 0;
  if (will !== undefined) {
    const willQos = checkQos(will.qos, 'will QoS');
    if (!isValidTopicName(will.topic)) throw invalidArgument(`invalid will topic ${JSON.stringify(will.topic)}`);
    willPropsLength = v5PropertiesLength(v, will.properties, 'will');
    if (v === 5) remaining += blockLength(willPropsLength);
    remaining += utf8FieldLength(will.topic, 'will topic') + binaryFieldLength(will.payload, 'will payload');
    flags |= 0x04 | (willQos << 3) | (will.retain ? 0x20 : 0);
  }
  if (p.username !== undefined) {
    remaining += utf8FieldLength(p.username, 'username');
    flags |= 0x80;
  }
  if (p.password !== undefined) {
    // MQTT-3.1.2-22: before v5 a password needs a user name.
    if (v !== 5 && p.username === undefined) throw invalidArgument('MQTT 3 cannot send a password without a username');
    remaining += binaryFieldLength(p.password, 'password');
    flags |= 0x40;
  }

  const buf = frame(PacketType.connect << 4, remaining);
  let o = writeUtf8(buf, buf.length - remaining, name);
  buf[o++] = p.bridge === true && v !== 5 ? v | 0x80 : v;
  buf[o++] = flags;
  o = writeU16(buf, o, keepalive);
  if (v === 5) o = writeBlock(buf, o, p.properties, propsLength);
  o = writeUtf8(buf, o, p.clientId);
  if (will !== undefined) {
    if (v === 5) o = writeBlock(buf, o, will.properties, willPropsLength);
    o = writeUtf8(buf, o, will.topic);
    o = writeBinary(buf, o, will.payload);
  }
  if (p.username !== undefined) o = writeUtf8(buf, o, p.username);
  if (p.password !== undefined) writeBinary(buf, o, p.password);
  return buf;
}

function encodeConnack(p: ConnackPacket, version: ProtocolVersion): Buffer {
  const reason = checkInteger(p.reasonCode, 0xff, 'CONNACK reason code');
  const propsLength = v5PropertiesLength(version, p.properties, 'connack');
  const remaining = version === 5 ? 2 + blockLength(propsLength) : 2;
  const buf = frame(PacketType.connack << 4, remaining);
  let o = buf.length - remaining;
  buf[o++] = p.sessionPresent ? 1 : 0;
  buf[o++] = reason;
  if (version === 5) writeBlock(buf, o, p.properties, propsLength);
  return buf;
}

function subscriptionOptions(s: SubscribePacket['subscriptions'][number], version: ProtocolVersion): number {
  const qos = checkQos(s.qos, 'subscription QoS');
  if (version !== 5) return qos;
  const rh = checkInteger(s.retainHandling ?? 0, 2, 'retain handling');
  return qos | (s.noLocal === true ? 0x04 : 0) | (s.retainAsPublished === true ? 0x08 : 0) | (rh << 4);
}

function encodeSubscribe(p: SubscribePacket, version: ProtocolVersion): Buffer {
  const packetId = checkPacketId(p.packetId);
  const subs = checkList(p.subscriptions, 'subscriptions');
  const propsLength = v5PropertiesLength(version, p.properties, 'subscribe');
  let remaining = 2 + (version === 5 ? blockLength(propsLength) : 0);
  for (const s of subs) {
    remaining += utf8FieldLength(s.topicFilter, 'topic filter') + 1;
    subscriptionOptions(s, version);
  }
  const buf = frame((PacketType.subscribe << 4) | 2, remaining);
  let o = writeU16(buf, buf.length - remaining, packetId);
  if (version === 5) o = writeBlock(buf, o, p.properties, propsLength);
  for (const s of subs) {
    o = writeUtf8(buf, o, s.topicFilter);
    buf[o++] = subscriptionOptions(s, version);
  }
  return buf;
}

function checkSubackCode(code: unknown, version: ProtocolVersion): number {
  const c = checkInteger(code, 0xff, 'SUBACK reason code');
  if (version !== 5 && c > 2 && c !== SUBACK_FAILURE_V3) {
    throw invalidArgument(`MQTT 3 SUBACK codes are 0, 1, 2 or 0x80, got ${c}`);
  }
  return c;
}

function encodeSuback(p: SubackPacket, version: ProtocolVersion): Buffer {
  const packetId = checkPacketId(p.packetId);
  const codes = checkList(p.reasonCodes, 'SUBACK reason codes');
  for (const c of codes) checkSubackCode(c, version);
  const propsLength = v5PropertiesLength(version, p.properties, 'suback');
  const remaining = 2 + (version === 5 ? blockLength(propsLength) : 0) + codes.length;
  const buf = frame(PacketType.suback << 4, remaining);
  let o = writeU16(buf, buf.length - remaining, packetId);
  if (version === 5) o = writeBlock(buf, o, p.properties, propsLength);
  for (const c of codes) buf[o++] = c;
  return buf;
}

function encodeUnsubscribe(p: UnsubscribePacket, version: ProtocolVersion): Buffer {
  const packetId = checkPacketId(p.packetId);
  const filters = checkList(p.topicFilters, 'topic filters');
  const propsLength = v5PropertiesLength(version, p.properties, 'unsubscribe');
  let remaining = 2 + (version === 5 ? blockLength(propsLength) : 0);
  for (const f of filters) remaining += utf8FieldLength(f, 'topic filter');
  const buf = frame((PacketType.unsubscribe << 4) | 2, remaining);
  let o = writeU16(buf, buf.length - remaining, packetId);
  if (version === 5) o = writeBlock(buf, o, p.properties, propsLength);
  for (const f of filters) o = writeUtf8(buf, o, f);
  return buf;
}

/** v3 UNSUBACK is just the packet identifier; v5 adds properties and one code per filter. */
function encodeUnsuback(p: UnsubackPacket, version: ProtocolVersion): Buffer {
  const packetId = checkPacketId(p.packetId);
  if (version !== 5) {
    const buf = frame(PacketType.unsuback << 4, 2);
    writeU16(buf, buf.length - 2, packetId);
    return buf;
  }
  const codes = checkList(p.reasonCodes, 'UNSUBACK reason codes');
  for (const c of codes) checkInteger(c, 0xff, 'UNSUBACK reason code');
  const propsLength = propertiesLength(p.properties, 'unsuback');
  const remaining = 2 + blockLength(propsLength) + codes.length;
  const buf = frame(PacketType.unsuback << 4, remaining);
  let o = writeU16(buf, buf.length - remaining, packetId);
  o = writeBlock(buf, o, p.properties, propsLength);
  for (const c of codes) buf[o++] = c;
  return buf;
}

/** v5 DISCONNECT: 0 bytes for a plain normal disconnection, 1 for a bare reason (§3.14.2.2.1). */
function encodeDisconnect(p: DisconnectPacket, version: ProtocolVersion): Buffer {
  if (version !== 5) return frame(PacketType.disconnect << 4, 0);
  const reason = checkInteger(p.reasonCode ?? 0, 0xff, 'DISCONNECT reason code');
  const propsLength = propertiesLength(p.properties, 'disconnect');
  const remaining = propsLength > 0 ? 1 + blockLength(propsLength) : reason !== 0 ? 1 : 0;
  const buf = frame(PacketType.disconnect << 4, remaining);
  const o = buf.length - remaining;
  if (remaining > 0) buf[o] = reason;
  if (remaining > 1) writeBlock(buf, o + 1, p.properties, propsLength);
  return buf;
}

/**
 * AUTH exists only in MQTT 5. Success without properties is the empty form (§3.15.2); otherwise
 * the property length is always written, as §3.15.2.2.1 gives no implied-zero rule for AUTH.
 */
function encodeAuth(p: AuthPacket, version: ProtocolVersion): Buffer {
  if (version !== 5) throw invalidArgument('AUTH exists only in MQTT 5');
  const reason = checkInteger(p.reasonCode ?? 0, 0xff, 'AUTH reason code');
  const propsLength = propertiesLength(p.properties, 'auth');
  const remaining = propsLength > 0 || reason !== 0 ? 1 + blockLength(propsLength) : 0;
  const buf = frame(PacketType.auth << 4, remaining);
  if (remaining > 0) {
    const o = buf.length - remaining;
    buf[o] = reason;
    writeBlock(buf, o + 1, p.properties, propsLength);
  }
  return buf;
}
