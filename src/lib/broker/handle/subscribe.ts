/**
 * SUBSCRIBE → SUBACK, then the retained messages the new subscriptions ask for (3.1.1 §3.8,
 * 5.0 §3.8): v3 always, v5 by retain handling; never for shared subscriptions (5.0 §4.8.2).
 */
import type { QoS, SubscribePacket } from '../../protocol/packets.js';
import { ReasonCode, SUBACK_FAILURE_V3 } from '../../protocol/reason-codes.js';
import { exceedsTopicDepth, isMalformedShare, isValidTopicFilter, parseSharedSubscription } from '../../topic.js';
import type { ClientConnection } from '../core.js';
import { mountFilter } from '../mount-point.js';
import { answer, journalMark } from './answer.js';
import type { BrokerMessage } from '../message.js';
import type { SubscriptionOptions } from '../subscriptions.js';

export function handleSubscribe(conn: ClientConnection, p: SubscribePacket): void {
  const broker = conn.broker;
  const session = conn.session!;
  if (conn.debug) broker.log('debug', `Received SUBSCRIBE from ${conn.name}`);
  const identifier = p.properties?.subscriptionIdentifiers?.[0];
  const mark = journalMark(conn);
  const codes: number[] = [];
  const retained: [BrokerMessage[], QoS][] = [];
  // Only a filter naming $SYS can match it (MQTT-4.7.2-1). Made current before the subscriptions
  // exist, so that the update reaches them once, as the retained copy.
  if (p.subscriptions.some((s) => s.topicFilter.startsWith('$SYS'))) broker.refreshSys();
  const mountPoint = conn.info.listener.settings.mountPoint;
  for (const s of p.subscriptions) {
    if (isMalformedShare(s.topicFilter) && !exceedsTopicDepth(s.topicFilter)) {
      // mosquitto grants these and delivers nothing to them; refused in the SUBACK here, the
      // connection kept, as for any filter the broker will not take.
      codes.push(conn.version === 5 ? ReasonCode.TopicFilterInvalid : SUBACK_FAILURE_V3);
      continue;
    }
    if (!isValidTopicFilter(s.topicFilter) || exceedsTopicDepth(s.topicFilter)) {
      // mosquitto 2.0 reads an empty filter as none and fails on the bytes after it, without a line.
      if (s.topicFilter !== '') broker.log('information', `Invalid subscription string from ${conn.info.remoteAddress}, disconnecting.`);
      conn.disconnect(ReasonCode.MalformedPacket, 'malformed');
      return;
    }
    const filter = mountFilter(mountPoint, s.topicFilter);
    const share = parseSharedSubscription(filter);
    if (share !== undefined && s.noLocal === true) {
      // 5.0 §3.8.3.1: No Local on a shared subscription is a protocol error.
      conn.disconnect(ReasonCode.ProtocolError, 'protocol');
      return;
    }
    const qos = Math.min(s.qos, conn.maximumQos) as QoS;
    if (conn.debug) broker.log('debug', `\t${filter} (QoS ${qos})`);
    // The whole filter, $share/GROUP/ included, as mosquitto hands it to its plugins.
    if (!broker.maySubscribe(conn, filter)) {
      codes.push(conn.version === 5 ? ReasonCode.NotAuthorized : SUBACK_FAILURE_V3);
      continue;
    }
    // A v3 bridge has no subscription options to ask with, so it gets what a v5 bridge would ask for.
    const v3Bridge = conn.isBridge && conn.version !== 5;
    const options: SubscriptionOptions = {
      qos,
      noLocal: v3Bridge || s.noLocal === true,
      retainAsPublished: v3Bridge || s.retainAsPublished === true,
      retainHandling: s.retainHandling ?? 0,
      identifier,
    };
    const isNew = broker.subscriptions.add(session, filter, options);
    session.subscriptions.set(filter, options);
    if (session.persisted) broker.durable!.subscribe(session.clientId, filter, options);
    if (conn.info.internal !== true) broker.log('subscribe', `${conn.clientId} ${qos} ${filter}`);
    codes.push(qos);
    const wanted = options.retainHandling === 0 || (options.retainHandling === 1 && isNew);
    if (share === undefined && wanted) retained.push([broker.retained.matching(filter, broker.clock.now()), qos]);
  }
  if (conn.debug) broker.log('debug', `Sending SUBACK to ${conn.name}`);
  answer(conn, { type: 'suback', packetId: p.packetId, reasonCodes: codes }, mark);
  const subIds = identifier === undefined ? undefined : [identifier];
  for (const [messages, qos] of retained) {
    for (const msg of messages) {
      if (!broker.mayRead(conn, msg.topic) || !broker.retainSourceMayWrite(msg)) continue;
      session.deliver(msg, conn.broker.outgoingQos(qos, msg.qos), true, subIds);
    }
  }
}
