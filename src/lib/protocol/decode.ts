/**
 * Bytes → Packet, for one packet whose fixed header has already been split off (the framer does
 * that). Validation is strict: anything MQTT 3.1.1 or 5.0 calls malformed or a protocol error is
 * an MqttError with code MalformedPacket (reason 0x81) or ProtocolError (0x82), so a server can
 * put the reason straight into its CONNACK or DISCONNECT. A CONNECT for a protocol name or level
 * we do not speak is a ProtocolError with reason 0x84 (Unsupported Protocol Version), which a
 * server answers with CONNACK 0x84 (v5) or 0x01 (v3) rather than just closing.
 *
 * Binary fields (payloads, passwords, correlation data…) are views into `body`, not copies: keep
 * one beyond the current packet (a retained message, a stored will) and you keep the whole chunk
 * it came in, so copy it first.
 */
import { ErrorCode, MqttError } from '../errors.js';
import { isValidTopicName } from '../topic.js';
import { PACKET_TYPE_NAMES, REQUIRED_FLAGS, type ProtocolVersion } from './constants.js';
import type {
  AuthPacket,
  ConnackPacket,
  ConnectPacket,
  DisconnectPacket,
  Packet,
  PubAckFamilyPacket,
  PublishPacket,
  QoS,
  RetainHandling,
  SubackPacket,
  SubscribePacket,
  Subscription,
  UnsubackPacket,
  UnsubscribePacket,
} from './packets.js';
import { readProperties } from './property-codec.js';
import type { Properties, PropertyScope } from './properties.js';
import { ConnackReturnCode, ReasonCode, SUBACK_FAILURE_V3 } from './reason-codes.js';
import { InvalidQosError, malformed, protocolError, Reader } from './wire.js';

/** One reader for every packet: decoding is synchronous and never re-enters itself. */
const reader = new Reader();

/**
 * Checks the first byte of a packet (type and flag bits, 5.0 §2.1.3). The framer calls it as soon
 * as the byte arrives, so garbage is refused before its body is buffered.
 */
export function checkFixedHeader(header: number, version: ProtocolVersion): void {
  const name = PACKET_TYPE_NAMES[header >> 4];
  // A type the version does not have is a protocol error, as mosquitto has it (read_handle.c's
  // default case, handle_auth.c); the spec names neither, and a wrong flag is malformed in both.
  if (name === undefined) throw protocolError(`reserved packet type ${header >> 4}`);
  if (name === 'publish') {
    const qos = (header >> 1) & 3;
    if (qos === 3) throw new InvalidQosError('publish', malformed('PUBLISH with QoS 3'));
    // MQTT-3.3.1-2: the DUP flag must be 0 for all QoS 0 messages.
    if (qos === 0 && (header & 0x08) !== 0) throw malformed('PUBLISH with DUP set at QoS 0');
    return;
  }
  if (name === 'auth' && version !== 5) throw protocolError('AUTH packet outside MQTT 5');
  const flags = header & 0x0f;
  // MQTT 3.1 sends PUBREL, SUBSCRIBE and UNSUBSCRIBE at QoS 1 and sets DUP on their retries (3.1 §2.1);
  // 3.1.1 fixed those flags at 0010.
  if (flags === 0x0a && version === 3 && REQUIRED_FLAGS[name] === 0x02) return;
  if (flags !== REQUIRED_FLAGS[name]) {
    throw malformed(`${name.toUpperCase()} with header flags 0x${(header & 0x0f).toString(16)}`);
  }
}

/**
 * Decodes one packet: `header` is its first byte, `body` the bytes after the remaining length.
 * CONNECT carries its own protocol level; every other packet is read as `version`.
 */
export function decodePacket(header: number, body: Buffer, version: ProtocolVersion): Packet {
  checkFixedHeader(header, version);
  return decodeRange(header, body, 0, body.length, version);
}

/**
 * decodePacket for a body at buf[start, end) whose header has passed checkFixedHeader: the
 * framer's entry, which spares a view and a second header check per packet.
 */
export function decodeRange(header: number, buf: Buffer, start: number, end: number, version: ProtocolVersion): Packet {
  const r = reader.reset(buf, start, end);
  const packet = decodeBody(header, r, version);
  if (r.pos !== r.end) throw malformed(`${r.end - r.pos} unexpected bytes at the end of ${packet.type.toUpperCase()}`);
  // Drop the shared reader's hold on the chunk, which would otherwise live until the next packet.
  r.release();
  return packet;
}

function decodeBody(header: number, r: Reader, version: ProtocolVersion): Packet {
  switch (header >> 4) {
    case 3:
      return decodePublish(header, r, version);
    case 4:
      return decodeAck('puback', r, version);
    case 5:
      return decodeAck('pubrec', r, version);
    case 6:
      return decodeAck('pubrel', r, version);
    case 7:
      return decodeAck('pubcomp', r, version);
    case 1:
      return decodeConnect(r);
    case 2:
      return decodeConnack(r, version);
    case 8:
      return decodeSubscribe(r, version);
    case 9:
      return decodeSuback(r, version);
    case 10:
      return decodeUnsubscribe(r, version);
    case 11:
      return decodeUnsuback(r, version);
    case 12:
      return { type: 'pingreq' };
    case 13:
      return { type: 'pingresp' };
    case 14:
      return decodeDisconnect(r, version);
    default:
      return decodeAuth(r);
  }
}

/**
 * MQTT-2.3.1-1: packets that carry an identifier must use a non-zero one. The spec names no
 * reason; SUBSCRIBE and UNSUBSCRIBE call it malformed, the others a protocol error, as mosquitto.
 */
function readPacketId(r: Reader, fault: (message: string) => Error = protocolError): number {
  const id = r.u16('packet identifier');
  if (id === 0) throw fault('packet identifier 0');
  return id;
}

/** The hot path: no closures, no allocation beyond the strings, views and the packet itself. */
function decodePublish(header: number, r: Reader, version: ProtocolVersion): PublishPacket {
  const qos = ((header >> 1) & 3) as QoS;
  const topic = r.utf8('topic');
  const packetId = qos > 0 ? readPacketId(r) : 0;
  const properties = version === 5 ? readProperties(r, 'publish') : undefined;
  if (topic.length === 0) {
    // 5.0 §3.3.2.1: empty means "use the topic alias"; without one it is a protocol error.
    if (version !== 5) throw malformed('PUBLISH with an empty topic');
    if (properties?.topicAlias === undefined) throw protocolError('PUBLISH with an empty topic and no topic alias');
  } else if (!isValidTopicName(topic)) {
    // A readable topic whose only fault is a wildcard breaks a rule of PUBLISH (MQTT-3.3.2-2)
    // rather than the encoding: a protocol error, as mosquitto answers it.
    const fault = isValidTopicName(topic.replace(/[+#]/g, '_')) ? protocolError : malformed;
    throw fault(`PUBLISH topic ${JSON.stringify(topic)} is not a valid topic name`);
  }
  const packet: PublishPacket = {
    type: 'publish',
    topic,
    payload: r.rest(),
    qos,
    retain: (header & 1) !== 0,
    dup: (header & 8) !== 0,
  };
  if (qos > 0) packet.packetId = packetId;
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

/** v5 acks may stop after the packet id, or after the reason code (§3.4.2.1, §3.4.2.2.1). */
function decodeAck<T extends 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'>(
  type: T,
  r: Reader,
  version: ProtocolVersion,
): PubAckFamilyPacket<T> {
  const packet: PubAckFamilyPacket<T> = { type, packetId: readPacketId(r) };
  if (version === 5 && r.remaining() > 0) {
    packet.reasonCode = r.u8();
    if (r.remaining() > 0) {
      readPropertiesInto(r, type, packet);
    }
  }
  return packet;
}

/**
 * A CONNECT for a protocol name or level this library does not speak. A server answers it with
 * CONNACK 0x01 (v3) or 0x84 (v5), hence the distinct reason code; the name and level are kept
 * because a broker words the two cases differently.
 */
export class UnsupportedProtocolError extends MqttError {
  constructor(
    readonly protocolName: string,
    readonly protocolLevel: number,
  ) {
    super(ErrorCode.ProtocolError, `Unsupported protocol ${JSON.stringify(protocolName)} level ${protocolLevel}`, {
      reasonCode: ReasonCode.UnsupportedProtocolVersion,
    });
  }
}

/**
 * MQTT-3.1.2-22: before MQTT 5, a password needs a user name. Found once the client id is read,
 * as mosquitto finds it, which names the client in its log.
 */
export class PasswordWithoutUsernameError extends MqttError {
  constructor(readonly clientId: string) {
    super(ErrorCode.ProtocolError, 'Protocol error: CONNECT password without a username', { reasonCode: ReasonCode.ProtocolError });
  }
}

function decodeConnect(r: Reader): ConnectPacket {
  const name = r.utf8('protocol name');
  const wireLevel = r.u8('protocol level');
  const bridge = (wireLevel & 0x80) !== 0 && (wireLevel & 0x7f) !== 5;
  const level = bridge ? wireLevel & 0x7f : wireLevel;
  if (!(level === 3 ? name === 'MQIsdp' : (level === 4 || level === 5) && name === 'MQTT')) {
    throw new UnsupportedProtocolError(name, wireLevel);
  }
  const flags = r.u8('connect flags');
  // MQTT-3.1.2-3: the reserved bit must be zero.
  if ((flags & 0x01) !== 0) throw malformed('CONNECT reserved flag set');
  const hasWill = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 3;
  const willRetain = (flags & 0x20) !== 0;
  if (!hasWill && (willQos !== 0 || willRetain)) throw malformed('CONNECT will QoS or retain set without a will');
  if (willQos === 3) throw new InvalidQosError('will', malformed('CONNECT will QoS 3'));
  const hasUsername = (flags & 0x80) !== 0;
  const hasPassword = (flags & 0x40) !== 0;

  const keepalive = r.u16('keepalive');
  const properties = level === 5 ? readProperties(r, 'connect') : undefined;
  const packet: ConnectPacket = {
    type: 'connect',
    protocolVersion: level as ProtocolVersion,
    clean: (flags & 0x02) !== 0,
    keepalive,
    clientId: r.utf8('client identifier'),
  };
  if (bridge) packet.bridge = true;
  if (hasWill) {
    const willProperties = level === 5 ? readProperties(r, 'will') : undefined;
    const topic = r.utf8('will topic');
    if (!isValidTopicName(topic)) throw malformed(`will topic ${JSON.stringify(topic)} is not a valid topic name`);
    packet.will = { topic, payload: r.binary('will payload'), qos: willQos as QoS, retain: willRetain };
    if (willProperties !== undefined) packet.will.properties = willProperties;
  }
  if (hasUsername) packet.username = r.utf8('username');
  if (hasPassword && !hasUsername && level !== 5) throw new PasswordWithoutUsernameError(packet.clientId);
  if (hasPassword) packet.password = r.binary('password');
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

function decodeConnack(r: Reader, version: ProtocolVersion): ConnackPacket {
  const flags = r.u8('CONNACK flags');
  // 3.1.1 §3.2.2.1, 5.0 §3.2.2.1: bits 7-1 are reserved.
  if ((flags & 0xfe) !== 0) throw malformed('CONNACK reserved flags set');
  const packet: ConnackPacket = { type: 'connack', sessionPresent: flags === 1, reasonCode: r.u8('CONNACK reason code') };
  // A 3.1.1 broker refuses a v5 CONNECT with its own two-byte CONNACK 1: libmosquitto reads it as
  // the v5 code for the same refusal, which is what lets a bridge fall back to 3.1.1.
  if (version === 5 && r.remaining() === 0 && packet.reasonCode === ConnackReturnCode.UnacceptableProtocolVersion) {
    packet.reasonCode = ReasonCode.UnsupportedProtocolVersion;
  } else if (version === 5) {
    readPropertiesInto(r, 'connack', packet);
  }
  return packet;
}

function decodeSubscribe(r: Reader, version: ProtocolVersion): SubscribePacket {
  const packet: SubscribePacket = { type: 'subscribe', packetId: readPacketId(r, malformed), subscriptions: [] };
  if (version === 5) {
    readPropertiesInto(r, 'subscribe', packet);
  }
  // MQTT-3.8.3-3: at least one filter.
  if (r.remaining() === 0) throw protocolError('SUBSCRIBE without topic filters');
  while (r.remaining() > 0) {
    const topicFilter = r.utf8('topic filter');
    packet.subscriptions.push(readSubscriptionOptions(topicFilter, r.u8('subscription options'), version));
  }
  return packet;
}

function readSubscriptionOptions(topicFilter: string, options: number, version: ProtocolVersion): Subscription {
  const qos = options & 3;
  if (version !== 5) {
    // 3.1.1 MQTT-3.8.3-4: reserved bits or QoS 3 make the packet malformed.
    // mosquitto reads the whole byte as the QoS, so reserved bits are an invalid QoS to it.
    if ((options & 0xfc) !== 0) throw new InvalidQosError('subscribe', malformed('SUBSCRIBE reserved option bits set'));
    if (qos === 3) throw new InvalidQosError('subscribe', malformed('SUBSCRIBE with QoS 3'));
    return { topicFilter, qos: qos as QoS };
  }
  // 5.0 §3.8.3.1: reserved bits are malformed; QoS 3 and retain handling 3 are protocol errors.
  if ((options & 0xc0) !== 0) throw malformed('SUBSCRIBE reserved option bits set');
  if (qos === 3) throw new InvalidQosError('subscribe', protocolError('SUBSCRIBE with QoS 3'));
  const retainHandling = (options >> 4) & 3;
  if (retainHandling === 3) throw protocolError('SUBSCRIBE with retain handling 3');
  return {
    topicFilter,
    qos: qos as QoS,
    noLocal: (options & 0x04) !== 0,
    retainAsPublished: (options & 0x08) !== 0,
    retainHandling: retainHandling as RetainHandling,
  };
}

function decodeSuback(r: Reader, version: ProtocolVersion): SubackPacket {
  const packet: SubackPacket = { type: 'suback', packetId: readPacketId(r), reasonCodes: [] };
  if (version === 5) {
    readPropertiesInto(r, 'suback', packet);
  }
  // A SUBACK answers a SUBSCRIBE, which has at least one filter, with one code per filter.
  if (r.remaining() === 0) throw protocolError('SUBACK without reason codes');
  while (r.remaining() > 0) {
    const code = r.u8();
    // 3.1.1 §3.9.3 allows only 0x80 as a failure, but some brokers send v5 codes such as 0x87 to
    // 3.1.1 clients whose subscription is denied: every code >= 0x80 is read as a failure.
    if (version !== 5 && code > 2 && code < SUBACK_FAILURE_V3) throw malformed(`SUBACK return code 0x${code.toString(16)}`);
    packet.reasonCodes.push(code);
  }
  return packet;
}

function decodeUnsubscribe(r: Reader, version: ProtocolVersion): UnsubscribePacket {
  const packet: UnsubscribePacket = { type: 'unsubscribe', packetId: readPacketId(r, malformed), topicFilters: [] };
  if (version === 5) {
    readPropertiesInto(r, 'unsubscribe', packet);
  }
  // MQTT-3.10.3-2: at least one filter.
  if (r.remaining() === 0) throw protocolError('UNSUBSCRIBE without topic filters');
  while (r.remaining() > 0) packet.topicFilters.push(r.utf8('topic filter'));
  return packet;
}

function decodeUnsuback(r: Reader, version: ProtocolVersion): UnsubackPacket {
  const packet: UnsubackPacket = { type: 'unsuback', packetId: readPacketId(r), reasonCodes: [] };
  if (version !== 5) return packet;
  readPropertiesInto(r, 'unsuback', packet);
  if (r.remaining() === 0) throw protocolError('UNSUBACK without reason codes');
  while (r.remaining() > 0) packet.reasonCodes.push(r.u8());
  return packet;
}

/** v5 DISCONNECT may be empty, a bare reason code, or reason plus properties (§3.14.2). */
function decodeDisconnect(r: Reader, version: ProtocolVersion): DisconnectPacket {
  const packet: DisconnectPacket = { type: 'disconnect' };
  if (version === 5 && r.remaining() > 0) {
    packet.reasonCode = r.u8();
    if (r.remaining() > 0) {
      readPropertiesInto(r, 'disconnect', packet);
    }
  }
  return packet;
}

/** Only reached for v5 (checkFixedHeader refuses AUTH otherwise). A bare reason is accepted too. */
function decodeAuth(r: Reader): AuthPacket {
  const packet: AuthPacket = { type: 'auth' };
  if (r.remaining() > 0) {
    packet.reasonCode = r.u8();
    if (r.remaining() > 0) {
      readPropertiesInto(r, 'auth', packet);
    }
  }
  return packet;
}

/** Reads a v5 property block and attaches it only when it holds something, so decoded packets compare equal to built ones. */
function readPropertiesInto(r: Reader, scope: PropertyScope, packet: { properties?: Properties }): void {
  const properties = readProperties(r, scope);
  if (properties !== undefined) packet.properties = properties;
}
