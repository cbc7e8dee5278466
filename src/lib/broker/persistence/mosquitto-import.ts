/**
 * A mosquitto database turned into mqt's durable state, as if mqt had written it: retained
 * messages, persistent sessions with their subscriptions, queued and in-flight messages, and the
 * incoming QoS 2 messages awaiting PUBREL. What has no place in it is counted by reason.
 */
import { forwardedProperties } from '../message.js';
import { listenerKey } from '../listener-key.js';
import { NEVER_EXPIRES } from '../session.js';
import type { MosquittoClientMessage, MosquittoDb, MosquittoMessage } from './mosquitto-db.js';
import type { StoredMessage } from './records.js';
import { emptyState, type DurableState, type OutgoingMessage, type StoredSession } from './state.js';

/** lib/mosquitto_internal.h's mosq_ms_*, as they stand for an outgoing message. */
const OUTGOING_PHASE: ReadonlyMap<number, OutgoingMessage['phase']> = new Map([
  [1, 'queued'], // publish_qos0
  [2, 'queued'], // publish_qos1
  [4, 'queued'], // publish_qos2
  [11, 'queued'], // queued
  [3, 'sent'], // wait_for_puback
  [5, 'sent'], // wait_for_pubrec
  [6, 'released'], // resend_pubrel
  [9, 'released'], // wait_for_pubcomp
]);

/** Why something of the file was left out. */
export type DropReason = 'expired' | 'ended-session' | 'no-session' | 'not-outgoing' | 'unknown-chunk';

export interface MosquittoImport {
  readonly state: DurableState;
  readonly retained: number;
  readonly sessions: number;
  readonly subscriptions: number;
  /** Queued and in-flight messages, both ways. */
  readonly messages: number;
  readonly dropped: ReadonlyMap<DropReason, number>;
}

/** `now`: ms since the epoch; an imported session's expiry counts from it. */
export function importMosquittoDb(db: MosquittoDb, now: number): MosquittoImport {
  const state = emptyState();
  const dropped = new Map<DropReason, number>();
  const drop = (reason: DropReason): void => {
    dropped.set(reason, (dropped.get(reason) ?? 0) + 1);
  };
  if (db.unknownChunks > 0) dropped.set('unknown-chunk', db.unknownChunks);
  const live = new Map<string, MosquittoMessage>();
  for (const [id, message] of db.messages) {
    if (message.expiryTime === 0 || message.expiryTime * 1000 > now) live.set(id, message);
  }
  for (const id of db.retained) {
    const message = live.get(id);
    if (message === undefined) drop('expired');
    else state.retained.set(message.topic, { ...stored(message), retain: true });
  }
  for (const client of db.clients) {
    // A session expiry of 0 ends with the connection: mosquitto keeps it only while its client is connected.
    if (client.sessionExpiryInterval === 0) {
      drop('ended-session');
      continue;
    }
    state.sessions.set(client.clientId, {
      clientId: client.clientId,
      expiryInterval: client.sessionExpiryInterval,
      username: client.username,
      listener: client.listenerPort === 0 ? undefined : listenerKey({ port: client.listenerPort }),
      // mosquitto 2.0 restores sessions without expiring them; here the client is taken to have left when mqt starts.
      expiresAt: client.sessionExpiryInterval === NEVER_EXPIRES ? undefined : now + client.sessionExpiryInterval * 1000,
      subscriptions: new Map(),
      outgoing: new Map(),
      incoming: new Map(),
      lastPacketId: client.lastMid,
    });
  }
  let subscriptions = 0;
  for (const sub of db.subscriptions) {
    const session = state.sessions.get(sub.clientId);
    if (session === undefined) {
      drop('no-session');
      continue;
    }
    const { topicFilter, qos, noLocal, retainAsPublished, identifier } = sub;
    session.subscriptions.set(topicFilter, { topicFilter, qos, noLocal, retainAsPublished, retainHandling: 0, ...(identifier === 0 ? {} : { subscriptionIdentifier: identifier }) });
    subscriptions++;
  }
  let messages = 0;
  for (const entry of db.clientMessages) {
    const session = state.sessions.get(entry.clientId);
    const message = live.get(entry.storeId);
    if (session === undefined) drop('no-session');
    else if (message === undefined) drop('expired');
    else if (entry.direction === 'in') {
      // Only a QoS 2 message held until its PUBREL is kept for an incoming one.
      if (entry.qos === 2) {
        session.incoming.set(entry.mid, { ...stored(message), qos: 2 });
        messages++;
      } else drop('not-outgoing');
    } else if (addOutgoing(state, session, entry, message)) messages++;
    else drop('not-outgoing');
  }
  return { state, retained: state.retained.size, sessions: state.sessions.size, subscriptions, messages, dropped };
}

function addOutgoing(state: DurableState, session: StoredSession, entry: MosquittoClientMessage, message: MosquittoMessage): boolean {
  const phase = OUTGOING_PHASE.get(entry.state);
  if (phase === undefined) return false;
  const id = ++state.lastMessageId;
  session.outgoing.set(id, {
    id,
    message: phase === 'released' ? undefined : { ...stored(message), qos: entry.qos, retain: entry.retain },
    phase,
    packetId: entry.mid === 0 ? undefined : entry.mid,
    ...(entry.subscriptionIdentifiers === undefined ? {} : { subscriptionIdentifiers: [...entry.subscriptionIdentifiers] }),
  });
  return true;
}

function stored(message: MosquittoMessage): StoredMessage {
  const properties = forwardedProperties(message.properties);
  return {
    topic: message.topic,
    payload: message.payload,
    qos: message.qos,
    retain: message.retain,
    ...(properties === undefined ? {} : { properties }),
    ...(message.expiryTime === 0 ? {} : { expiresAt: message.expiryTime * 1000 }),
  };
}
