import { ErrorCode, MqttError } from '../errors.js';
import type { PublishPacket } from '../protocol/packets.js';
import { ReasonCode } from '../protocol/reason-codes.js';

/**
 * MQTT 5 topic aliases the server sets on PUBLISH to us (§3.3.2.3.4): a topic with an alias
 * defines it, an empty topic with an alias uses it. The map lives for one connection.
 */
export class InboundTopicAliases {
  private readonly topics = new Map<number, string>();

  constructor(private readonly maximum: number) {}

  /** The packet with its real topic; throws a protocol error for an alias we never allowed. */
  resolve(packet: PublishPacket): PublishPacket {
    const alias = packet.properties?.topicAlias;
    if (alias === undefined) return packet;
    if (alias === 0 || alias > this.maximum) {
      throw new MqttError(ErrorCode.ProtocolError, `The broker used topic alias ${alias}, above our maximum of ${this.maximum}.`, {
        reasonCode: ReasonCode.TopicAliasInvalid,
      });
    }
    if (packet.topic !== '') {
      this.topics.set(alias, packet.topic);
      return packet;
    }
    const topic = this.topics.get(alias);
    if (topic === undefined) {
      throw new MqttError(ErrorCode.ProtocolError, `The broker used unknown topic alias ${alias}.`, {
        reasonCode: ReasonCode.ProtocolError,
      });
    }
    return { ...packet, topic };
  }
}
