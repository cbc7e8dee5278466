import type { JournalRecord, StoredMessage, StoredSubscription } from './records.js';

/** An outgoing QoS 1/2 message of a session, from queued to acknowledged. */
export interface OutgoingMessage {
  readonly id: number;
  /** Undefined once a QoS 2 message is released: only its packet id is still needed. */
  message: StoredMessage | undefined;
  /** queued: not sent yet; sent: PUBLISH out, awaiting PUBACK/PUBREC; released: PUBREL out, awaiting PUBCOMP. */
  phase: 'queued' | 'sent' | 'released';
  packetId: number | undefined;
  /** The identifiers of the v5 subscriptions the message matched, sent with it. */
  subscriptionIdentifiers?: number[];
}

export interface StoredSession {
  readonly clientId: string;
  expiryInterval: number;
  username: string | undefined;
  /** The listenerKey of the listener its client last came through. */
  listener: string | undefined;
  /** Set while no client holds the session. */
  expiresAt: number | undefined;
  /** By topic filter. */
  readonly subscriptions: Map<string, StoredSubscription>;
  /** By id, in the order they were queued. */
  readonly outgoing: Map<number, OutgoingMessage>;
  /** Incoming QoS 2 messages awaiting PUBREL, by packet id. */
  readonly incoming: Map<number, StoredMessage>;
  /** The packet id taken last for an outgoing message; 0 before the first. */
  lastPacketId: number;
}

/** What the journal holds: what a restarted broker starts from. */
export interface DurableState {
  readonly retained: Map<string, StoredMessage>;
  readonly sessions: Map<string, StoredSession>;
  /** The largest id of the outgoing messages held: new ids go on above it. */
  lastMessageId: number;
}

export function emptyState(): DurableState {
  return { retained: new Map(), sessions: new Map(), lastMessageId: 0 };
}

/**
 * Applies one record. Records about a session that does not exist are ignored: they can only
 * follow its deletion in the same batch, and the deletion wins.
 */
export function applyRecord(state: DurableState, record: JournalRecord): void {
  switch (record.type) {
    case 'retain':
      state.retained.set(record.message.topic, record.message);
      return;
    case 'unretain':
      state.retained.delete(record.topic);
      return;
    case 'session-create': {
      const session = state.sessions.get(record.clientId);
      if (session === undefined) {
        state.sessions.set(record.clientId, {
          clientId: record.clientId,
          expiryInterval: record.expiryInterval,
          username: record.username,
          listener: record.listener,
          expiresAt: undefined,
          subscriptions: new Map(),
          outgoing: new Map(),
          incoming: new Map(),
          lastPacketId: 0,
        });
      } else {
        session.expiryInterval = record.expiryInterval;
        session.username = record.username;
        session.listener = record.listener;
        session.expiresAt = undefined;
      }
      return;
    }
    case 'session-delete':
      state.sessions.delete(record.clientId);
      return;
    default:
      applySessionRecord(state, record);
  }
}

type SessionRecord = Exclude<JournalRecord, { type: 'retain' | 'unretain' | 'session-create' | 'session-delete' }>;

function applySessionRecord(state: DurableState, record: SessionRecord): void {
  const session = state.sessions.get(record.clientId);
  if (session === undefined) return;
  switch (record.type) {
    case 'session-expire':
      session.expiresAt = record.expiresAt;
      return;
    case 'subscribe':
      session.subscriptions.set(record.subscription.topicFilter, record.subscription);
      return;
    case 'unsubscribe':
      session.subscriptions.delete(record.topicFilter);
      return;
    case 'enqueue':
      session.outgoing.set(record.id, {
        id: record.id,
        message: record.message,
        phase: 'queued',
        packetId: record.packetId,
        ...(record.subscriptionIdentifiers === undefined ? {} : { subscriptionIdentifiers: record.subscriptionIdentifiers }),
      });
      state.lastMessageId = Math.max(state.lastMessageId, record.id);
      if (record.packetId !== undefined) session.lastPacketId = record.packetId;
      return;
    case 'sent': {
      const message = session.outgoing.get(record.id);
      if (message === undefined) return;
      // Journals of older versions took the packet id only when sending.
      if (message.packetId === undefined) session.lastPacketId = record.packetId;
      Object.assign(message, { phase: 'sent', packetId: record.packetId });
      return;
    }
    case 'released': {
      const message = session.outgoing.get(record.id);
      if (message !== undefined) Object.assign(message, { phase: 'released', message: undefined });
      return;
    }
    case 'complete':
      session.outgoing.delete(record.id);
      return;
    case 'receive':
      session.incoming.set(record.packetId, record.message);
      return;
    case 'release':
      session.incoming.delete(record.packetId);
      return;
    case 'last-packet-id':
      session.lastPacketId = record.packetId;
      return;
  }
}

/**
 * The records that rebuild `state` from nothing, for a snapshot. Replaying them gives an equal
 * state (the property the compaction tests check).
 */
export function stateToRecords(state: DurableState): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const session of state.sessions.values()) {
    const { clientId } = session;
    const username = session.username === undefined ? {} : { username: session.username };
    const listener = session.listener === undefined ? {} : { listener: session.listener };
    records.push({ type: 'session-create', clientId, expiryInterval: session.expiryInterval, ...username, ...listener });
    if (session.expiresAt !== undefined) records.push({ type: 'session-expire', clientId, expiresAt: session.expiresAt });
    for (const subscription of session.subscriptions.values()) records.push({ type: 'subscribe', clientId, subscription });
    for (const out of session.outgoing.values()) records.push(...outgoingRecords(clientId, out));
    for (const [packetId, message] of session.incoming) records.push({ type: 'receive', clientId, packetId, message });
    // After the enqueue records, whose packet ids are older.
    if (session.lastPacketId !== 0) records.push({ type: 'last-packet-id', clientId, packetId: session.lastPacketId });
  }
  for (const message of state.retained.values()) records.push({ type: 'retain', message });
  return records;
}

function outgoingRecords(clientId: string, out: OutgoingMessage): JournalRecord[] {
  // A released message has dropped its payload; an empty one stands in, never to be sent again.
  const message = out.message ?? { topic: '', payload: Buffer.alloc(0), qos: 2, retain: false };
  const ids = out.subscriptionIdentifiers === undefined ? {} : { subscriptionIdentifiers: out.subscriptionIdentifiers };
  const packetId = out.packetId === undefined ? {} : { packetId: out.packetId };
  const records: JournalRecord[] = [{ type: 'enqueue', clientId, id: out.id, message, ...ids, ...packetId }];
  if (out.packetId !== undefined && out.phase !== 'queued') records.push({ type: 'sent', clientId, id: out.id, packetId: out.packetId });
  if (out.phase === 'released') records.push({ type: 'released', clientId, id: out.id });
  return records;
}
