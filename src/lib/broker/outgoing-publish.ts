/**
 * Outgoing PUBLISH bytes for one client. A message that needs nothing per client is encoded once
 * per shape (protocol, QoS, retain) and shared: QoS 0 subscribers take the bytes as they are,
 * QoS 1/2 a copy patched with their packet id. Otherwise the per-hop v5 properties are added:
 * remaining expiry, subscription identifiers, and a topic alias the broker assigns (5.0 §3.3.2.3.4).
 */
import type { Buffer } from 'node:buffer';
import type { ProtocolVersion } from '../protocol/constants.js';
import { encode } from '../protocol/encode.js';
import type { PublishPacket, QoS } from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import { withPacketId } from './encoded-packet.js';
import { remainingExpiry, type BrokerMessage } from './message.js';

export class PublishEncoder {
  /** Topic aliases announced to this client, by topic; made on first use. */
  private aliases: Map<string, number> | undefined;
  /** Set by hopProperties: the client knows the alias already, so the topic is left out. */
  private aliasKnown = false;

  constructor(
    private readonly version: ProtocolVersion,
    /** The client's Topic Alias Maximum: aliases the broker may assign it. */
    private readonly aliasMax: number,
  ) {}

  encode(msg: BrokerMessage, qos: QoS, retain: boolean, subIds: number[] | undefined, packetId: number, dup: boolean, now: number): Buffer {
    const v5 = this.version === 5;
    if (subIds === undefined && msg.expiresAt === 0 && this.aliasMax === 0) {
      const slot = (v5 ? 6 : 0) + qos * 2 + (retain ? 1 : 0);
      msg.encoded ??= [];
      const shared = (msg.encoded[slot] ??= encode(publishPacket(msg, qos, retain, 1, false, msg.properties), this.version));
      return qos === 0 ? shared : withPacketId(shared, packetId, dup);
    }
    const packet = publishPacket(msg, qos, retain, packetId, dup, v5 ? this.hopProperties(msg, subIds, now) : undefined);
    if (this.aliasKnown) packet.topic = '';
    return encode(packet, this.version);
  }

  /** The bytes encode() made were not sent: an alias they announced would be unknown to the client. */
  notSent(msg: BrokerMessage): void {
    const aliases = this.aliases;
    if (!this.aliasKnown && aliases !== undefined && aliases.get(msg.topic) === aliases.size) aliases.delete(msg.topic);
  }

  private hopProperties(msg: BrokerMessage, subIds: number[] | undefined, now: number): Properties | undefined {
    const expiry = remainingExpiry(msg, now);
    let alias: number | undefined;
    this.aliasKnown = false;
    if (this.aliasMax > 0) {
      const aliases = (this.aliases ??= new Map<string, number>());
      alias = aliases.get(msg.topic);
      if (alias !== undefined) {
        this.aliasKnown = true;
      } else if (aliases.size < this.aliasMax) {
        alias = aliases.size + 1;
        aliases.set(msg.topic, alias);
      }
    }
    if (expiry === undefined && subIds === undefined && alias === undefined) return msg.properties;
    // mosquitto's order: the subscription identifiers, what the publisher sent, then the expiry.
    const props: Properties = subIds === undefined ? { ...msg.properties } : { subscriptionIdentifiers: subIds, ...msg.properties };
    if (expiry !== undefined) props.messageExpiryInterval = expiry;
    if (alias !== undefined) props.topicAlias = alias;
    return props;
  }
}

function publishPacket(msg: BrokerMessage, qos: QoS, retain: boolean, packetId: number, dup: boolean, properties: Properties | undefined): PublishPacket {
  const packet: PublishPacket = { type: 'publish', topic: msg.topic, payload: msg.payload, qos, retain, dup };
  if (qos > 0) packet.packetId = packetId;
  if (properties !== undefined) packet.properties = properties;
  return packet;
}
