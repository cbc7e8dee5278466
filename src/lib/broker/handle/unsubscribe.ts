import type { UnsubscribePacket } from '../../protocol/packets.js';
import { ReasonCode } from '../../protocol/reason-codes.js';
import { exceedsTopicDepth, isValidTopicFilter } from '../../topic.js';
import type { ClientConnection } from '../core.js';
import { mountFilter } from '../mount-point.js';
import { answer, journalMark } from './answer.js';

/** UNSUBSCRIBE → UNSUBACK; v5 says per filter whether a subscription existed (0x11 when not). */
export function handleUnsubscribe(conn: ClientConnection, p: UnsubscribePacket): void {
  const broker = conn.broker;
  const session = conn.session!;
  if (conn.debug) broker.log('debug', `Received UNSUBSCRIBE from ${conn.name}`);
  const codes: number[] = [];
  const mark = journalMark(conn);
  const mountPoint = conn.info.listener.settings.mountPoint;
  for (const raw of p.topicFilters) {
    if (!isValidTopicFilter(raw) || exceedsTopicDepth(raw)) {
      // mosquitto's handle_unsubscribe.c names the client by its id here (its SUBSCRIBE lines use the address).
      broker.log('information', `${raw === '' ? 'Empty' : 'Invalid'} unsubscription string from ${conn.clientId}, disconnecting.`);
      conn.disconnect(ReasonCode.MalformedPacket, 'malformed');
      return;
    }
    const filter = mountFilter(mountPoint, raw);
    if (conn.debug) broker.log('debug', `\t${filter}`);
    if (!broker.mayUnsubscribe(conn, filter)) {
      // Refused, the subscription stays; mosquitto logs the line all the same.
      broker.log('unsubscribe', `${conn.clientId} ${filter}`);
      codes.push(ReasonCode.NotAuthorized);
      continue;
    }
    const existed = broker.subscriptions.remove(session, filter);
    if (session.subscriptions.delete(filter) && session.persisted) broker.durable!.unsubscribe(session.clientId, filter);
    broker.log('unsubscribe', `${conn.clientId} ${filter}`);
    codes.push(existed ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted);
  }
  if (conn.debug) broker.log('debug', `Sending UNSUBACK to ${conn.name}`);
  answer(conn, { type: 'unsuback', packetId: p.packetId, reasonCodes: codes }, mark);
}
