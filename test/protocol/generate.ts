/**
 * Random valid packets of every type for a protocol version, in the canonical shape the decoder
 * produces (so encode → decode must give back a deep-equal packet).
 */
import { PacketType, type ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { AuthPacket, ConnectPacket, DisconnectPacket, Packet, PubAckFamilyPacket, QoS, Subscription } from '../../src/lib/protocol/packets.js';
import { PROPERTIES, type Properties, type PropertyScope, type PropertySpec } from '../../src/lib/protocol/properties.js';
import type { Prng } from './helpers.js';

export const ALL_TYPES = Object.keys(PacketType) as readonly Packet['type'][];

export function typesFor(version: ProtocolVersion): readonly Packet['type'][] {
  return version === 5 ? ALL_TYPES : ALL_TYPES.filter((t) => t !== 'auth');
}

/** Reason codes each MQTT 5 packet may carry (5.0 §2.4 and each packet's section). */
export const V5_REASONS = {
  connack: [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f],
  puback: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrec: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrel: [0x00, 0x92],
  pubcomp: [0x00, 0x92],
  suback: [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2],
  unsuback: [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91],
  disconnect: [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2],
  auth: [0x00, 0x18, 0x19],
} as const;

/** Properties where 0 is a protocol error. Every byte-typed property is a 0/1 flag. */
const NON_ZERO = new Set([0x0b, 0x21, 0x23, 0x27]);

/** Short strings in several UTF-8 widths, including a surrogate pair; never U+0000. */
const PIECES = ['a', 'b', 'z', '0', '9', '-', '_', ' ', 'é', 'ß', '中', '文', '😀', '\u007f', '\u0001', '$', 'x/y', '/'];

export interface GenerateOptions {
  /** Keep to what mqtt-packet's generator accepts (client id and password rules of its own). */
  mqttPacketCompatible?: boolean;
}

export class PacketGenerator {
  constructor(
    private readonly rng: Prng,
    private readonly options: GenerateOptions = {},
  ) {}

  text(min: number, max: number): string {
    const rng = this.rng;
    // Now and then a long string, to cross the short-string scan and two-byte lengths.
    const count = rng.bool(0.03) ? rng.int(40, 400) : rng.int(min, max);
    let s = '';
    for (let i = 0; i < count; i++) s += rng.pick(PIECES);
    return s;
  }

  /** A valid topic name: non-empty, no wildcards. */
  topicName(): string {
    return this.rng.bool(0.1) ? `$SYS/${this.text(0, 3)}` : this.text(1, 8);
  }

  /** Filters are not validated by the decoder (a server answers bad ones in SUBACK), so anything non-empty. */
  topicFilter(): string {
    const rng = this.rng;
    return rng.pick([() => this.text(1, 6), () => `${this.text(0, 3)}/+/${this.text(0, 3)}`, () => '#', () => `$share/g/${this.text(1, 3)}/#`])();
  }

  qos(): QoS {
    return this.rng.pick([0, 1, 2] as const);
  }

  packetId(): number {
    return this.rng.bool(0.1) ? this.rng.pick([1, 0xffff]) : this.rng.int(1, 0xffff);
  }

  payload(): Buffer {
    const rng = this.rng;
    return rng.bool(0.05) ? rng.bytes(200, 20000) : rng.bytes(0, 40);
  }

  private value(spec: PropertySpec): number | string | Buffer | [string, string] {
    const rng = this.rng;
    const min = NON_ZERO.has(spec.id) ? 1 : 0;
    switch (spec.type) {
      case 'byte':
        return rng.int(0, 1);
      case 'u16':
        return rng.bool(0.2) ? rng.pick([min, 0xffff]) : rng.int(min, 0xffff);
      case 'u32':
        return rng.bool(0.2) ? rng.pick([min, 0xffff_ffff]) : rng.int(min, 0xffff_ffff);
      case 'varint':
        return rng.pick([rng.int(1, 127), rng.int(128, 16383), rng.int(16384, 2097151), rng.int(2097152, 268435455)]);
      case 'string':
        return this.text(0, 6);
      case 'binary':
        return rng.bytes(0, 12);
      case 'pair':
        // mqtt-packet drops a repeated user property whose first value is '' (it tests truthiness).
        return [this.text(0, 4), this.text(this.options.mqttPacketCompatible === true ? 1 : 0, 4)];
    }
  }

  /** A random subset of the properties allowed in `scope`, or undefined (the decoder's "none"). */
  properties(scope: PropertyScope, version: ProtocolVersion, density = 0.25): Properties | undefined {
    if (version !== 5 || this.rng.bool(0.3)) return undefined;
    const props: Properties = {};
    const bag: { [K in keyof Properties]?: unknown } = props;
    let any = false;
    for (const spec of PROPERTIES) {
      if (!spec.in.includes(scope) || !this.rng.bool(density)) continue;
      any = true;
      if (spec.repeats === true) {
        const count = spec.id === 0x0b && scope !== 'publish' ? 1 : this.rng.int(1, 3);
        bag[spec.key] = Array.from({ length: count }, () => this.value(spec));
      } else {
        bag[spec.key] = this.value(spec);
      }
    }
    return any ? props : undefined;
  }

  /** The canonical form of an optional reason: absent when Success and nothing else follows. */
  private setReason(packet: { reasonCode?: number; properties?: Properties }, codes: readonly number[]): void {
    const code = this.rng.pick(codes);
    if (code !== 0 || packet.properties !== undefined) packet.reasonCode = code;
  }

  private ack<T extends 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'>(type: T, version: ProtocolVersion): PubAckFamilyPacket<T> {
    const packet: PubAckFamilyPacket<T> = { type, packetId: this.packetId() };
    if (version !== 5) return packet;
    const properties = this.properties(type, version);
    if (properties !== undefined) packet.properties = properties;
    this.setReason(packet, V5_REASONS[type]);
    return packet;
  }

  private subscription(version: ProtocolVersion): Subscription {
    const s: Subscription = { topicFilter: this.topicFilter(), qos: this.qos() };
    if (version === 5) {
      s.noLocal = this.rng.bool();
      s.retainAsPublished = this.rng.bool();
      s.retainHandling = this.rng.pick([0, 1, 2] as const);
    }
    return s;
  }

  packet(type: Packet['type'], version: ProtocolVersion): Packet {
    const rng = this.rng;
    const withProps = <T extends Exclude<Packet, { type: 'pingreq' | 'pingresp' }>>(packet: T, scope: PropertyScope): T => {
      const properties = this.properties(scope, version);
      if (properties !== undefined) packet.properties = properties;
      return packet;
    };
    const count = (): number => (rng.bool(0.1) ? rng.int(5, 30) : rng.int(1, 3));
    switch (type) {
      case 'connect': {
        const connect: ConnectPacket = { type, protocolVersion: version, clean: rng.bool(), keepalive: rng.int(0, 0xffff), clientId: this.text(0, 8) };
        // mqtt-packet refuses an empty client id before 3.1.1, and with a persistent session.
        if (this.options.mqttPacketCompatible === true && connect.clientId === '' && (version === 3 || !connect.clean)) {
          connect.clientId = 'id';
        }
        const properties = this.properties('connect', version);
        if (properties !== undefined) connect.properties = properties;
        if (rng.bool()) {
          connect.will = { topic: this.topicName(), payload: this.payload(), qos: this.qos(), retain: rng.bool() };
          const willProps = this.properties('will', version);
          if (willProps !== undefined) connect.will.properties = willProps;
        }
        if (rng.bool()) connect.username = this.text(0, 8);
        const passwordAllowed = connect.username !== undefined || (version === 5 && this.options.mqttPacketCompatible !== true);
        if (passwordAllowed && rng.bool()) connect.password = rng.bytes(0, 16);
        return connect;
      }
      case 'connack':
        return withProps(
          {
            type,
            sessionPresent: rng.bool(),
            reasonCode: version === 5 ? rng.pick(V5_REASONS.connack) : rng.int(0, 5),
          },
          'connack',
        );
      case 'publish': {
        const qos = this.qos();
        const p: Packet = { type, topic: this.topicName(), payload: this.payload(), qos, retain: rng.bool(), dup: qos > 0 && rng.bool() };
        if (qos > 0) p.packetId = this.packetId();
        const properties = this.properties('publish', version, 0.15);
        if (properties !== undefined) p.properties = properties;
        if (version === 5 && rng.bool(0.1)) {
          // An empty topic stands for an established topic alias, which must then be present.
          p.topic = '';
          p.properties = { ...p.properties, topicAlias: rng.int(1, 0xffff) };
        }
        return p;
      }
      case 'puback':
      case 'pubrec':
      case 'pubrel':
      case 'pubcomp':
        return this.ack(type, version);
      case 'subscribe':
        return withProps(
          { type, packetId: this.packetId(), subscriptions: Array.from({ length: count() }, () => this.subscription(version)) },
          'subscribe',
        );
      case 'suback': {
        const codes: readonly number[] = version === 5 ? V5_REASONS.suback : [0, 1, 2, 0x80];
        return withProps({ type, packetId: this.packetId(), reasonCodes: Array.from({ length: count() }, () => rng.pick(codes)) }, 'suback');
      }
      case 'unsubscribe':
        return withProps(
          { type, packetId: this.packetId(), topicFilters: Array.from({ length: count() }, () => this.topicFilter()) },
          'unsubscribe',
        );
      case 'unsuback':
        if (version !== 5) return { type, packetId: this.packetId(), reasonCodes: [] };
        return withProps(
          { type, packetId: this.packetId(), reasonCodes: Array.from({ length: count() }, () => rng.pick(V5_REASONS.unsuback)) },
          'unsuback',
        );
      case 'pingreq':
      case 'pingresp':
        return { type };
      case 'disconnect':
      case 'auth': {
        if (version !== 5) return { type };
        const p: DisconnectPacket | AuthPacket = type === 'auth' ? { type } : { type };
        const properties = this.properties(type, version);
        if (properties !== undefined) p.properties = properties;
        this.setReason(p, V5_REASONS[type]);
        return p;
      }
    }
  }
}
