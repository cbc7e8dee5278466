/** An incoming PUBLISH (3.1.1 §3.3, 5.0 §3.3): checks, topic alias, limits, access, then routing and the ack. */
import type { PublishPacket } from '../../protocol/packets.js';
import { ReasonCode } from '../../protocol/reason-codes.js';
import { exceedsTopicDepth } from '../../topic.js';
import type { ClientConnection } from '../core.js';
import { mountTopic } from '../mount-point.js';
import { newMessage, own } from '../message.js';
import { answer, journalMark } from './answer.js';

/** mosquitto hands every PUBLISH under this prefix to its plugins' control API, never to subscribers. */
const CONTROL_PREFIX = '$CONTROL/';

function describe(conn: ClientConnection, p: PublishPacket, topic: string): string {
  return `${conn.name} (d${p.dup ? 1 : 0}, q${p.qos}, r${p.retain ? 1 : 0}, m${p.packetId ?? 0}, '${topic}', ... (${p.payload.length} bytes))`;
}

/**
 * Answers a QoS 1/2 PUBLISH with PUBACK or PUBREC, once what it changed in the journal since
 * `mark` is on disk; the reason code exists only in v5.
 */
function ack(conn: ClientConnection, p: PublishPacket, reasonCode: number, mark?: number): void {
  if (p.qos === 0) return;
  const type = p.qos === 1 ? 'puback' : 'pubrec';
  const packetId = p.packetId!;
  if (conn.debug) conn.broker.log('debug', `Sending ${type.toUpperCase()} to ${conn.name} (m${packetId}, rc${reasonCode})`);
  answer(conn, conn.version === 5 && reasonCode !== 0 ? { type, packetId, reasonCode } : { type, packetId }, mark);
}

/** Resolves a v5 topic alias (5.0 §3.3.2.3.4); undefined after disconnecting for a bad one. */
function resolveTopic(conn: ClientConnection, p: PublishPacket): string | undefined {
  const alias = p.properties?.topicAlias;
  if (alias === undefined) return p.topic;
  if (alias > conn.maxTopicAlias) {
    conn.disconnect(ReasonCode.TopicAliasInvalid, 'protocol');
    return undefined;
  }
  if (p.topic !== '') {
    conn.aliasesIn.set(alias, p.topic);
    return p.topic;
  }
  const topic = conn.aliasesIn.get(alias);
  if (topic === undefined) conn.disconnect(ReasonCode.ProtocolError, 'protocol');
  return topic;
}

export function handlePublish(conn: ClientConnection, p: PublishPacket): void {
  const broker = conn.broker;
  const limits = broker.limits;
  // MQTT-3.3.4-6: subscription identifiers travel only from the server; mosquitto 2.0 ignores one.
  if (p.properties?.subscriptionIdentifiers !== undefined) {
    conn.disconnect(ReasonCode.ProtocolError, 'protocol');
    return;
  }
  if (p.qos > conn.maximumQos) {
    broker.log('information', `Too high QoS in PUBLISH from ${conn.name}, disconnecting.`);
    conn.disconnect(ReasonCode.QoSNotSupported, 'not-supported');
    return;
  }
  if (p.retain && !limits.retainAvailable) {
    conn.disconnect(ReasonCode.RetainNotSupported, 'not-supported');
    return;
  }
  const resolved = resolveTopic(conn, p);
  if (resolved === undefined) return;
  const topic = mountTopic(conn.info.listener.settings.mountPoint, resolved);
  if (exceedsTopicDepth(topic)) {
    conn.disconnect(ReasonCode.ProtocolError, 'protocol');
    return;
  }
  const stats = broker.stats;
  stats.publishReceived++;
  stats.publishBytesReceived += p.payload.length;
  if (limits.messageSizeLimit > 0 && p.payload.length > limits.messageSizeLimit) {
    broker.log('notice', `Dropped too large PUBLISH from ${describe(conn, p, topic)}`);
    stats.dropped++;
    ack(conn, p, ReasonCode.PacketTooLarge);
    return;
  }
  if (!broker.mayWrite(conn, topic)) {
    broker.log('debug', `Denied PUBLISH from ${describe(conn, p, topic)}`);
    ack(conn, p, ReasonCode.NotAuthorized);
    return;
  }
  if (conn.debug) broker.log('debug', `Received PUBLISH from ${describe(conn, p, topic)}`);
  if (topic.startsWith(CONTROL_PREFIX)) {
    broker.control(conn, topic, p.payload);
    ack(conn, p, 0);
    return;
  }
  const session = conn.session!;
  const mark = journalMark(conn);
  if (p.qos === 2) {
    const id = p.packetId!;
    // Held until its PUBREL, when it is delivered (mosquitto's choice, 4.3.3 allows either): a
    // resent PUBLISH (DUP after a reconnect) is acknowledged again but not held twice.
    if (!session.incomingQos2.has(id)) {
      if (conn.version === 5 && session.incomingQos2.size >= limits.receiveMaximum && limits.receiveMaximum > 0) {
        conn.disconnect(ReasonCode.ReceiveMaximumExceeded, 'protocol');
        return;
      }
      if (limits.maxQueuedMessages > 0 && session.incomingQos2.size >= limits.maxInflightMessages + limits.maxQueuedMessages) {
        // Held messages cost their payload: past mosquitto's quota for them (max_inflight_messages
        // plus max_queued_messages) one is dropped, and acknowledged so the client moves on.
        broker.log('notice', `Dropped QoS 2 PUBLISH from ${describe(conn, p, topic)}: too many awaiting PUBREL`);
        stats.dropped++;
        ack(conn, p, ReasonCode.QuotaExceeded, mark);
        return;
      }
      const msg = own(newMessage(topic, p.payload, 2, p.retain, p.properties, conn.clientId, false, broker.clock.now()));
      session.incomingQos2.set(id, msg);
      if (session.persisted) broker.durable!.receive(conn.clientId, id, msg);
    }
    ack(conn, p, 0, mark);
    return;
  }
  const matched = broker.publish(newMessage(topic, p.payload, p.qos, p.retain, p.properties, conn.clientId, false, broker.clock.now()), conn);
  // 3.1.1 has no "no matching subscribers": mosquitto acks (and logs) such a message as a success.
  ack(conn, p, matched || conn.version !== 5 ? 0 : ReasonCode.NoMatchingSubscribers, mark);
}
