/**
 * persistence true at start-up: the journal is opened (replayed, a torn tail cut) and the broker
 * gets back its retained messages and persistent sessions, with their subscriptions and their
 * queued and in-flight messages.
 */
import type { Broker } from '../broker.js';
import { isExpired } from '../message.js';
import type { Connection } from '../connection.js';
import { Session } from '../session.js';
import { listenerKey } from '../listener-key.js';
import type { BrokerAuth, LogLevel } from '../types.js';
import type { ListenerConfig } from '../config/types.js';
import { DurableStore, restoredMessage } from './durable.js';
import { Journal } from './journal.js';
import type { DropReason } from './mosquitto-import.js';
import type { PersistenceSettings } from './settings.js';
import type { StoredSession } from './state.js';

type Log = (level: LogLevel, text: string) => void;

export async function openDurableStore(settings: PersistenceSettings, log: Log): Promise<DurableStore> {
  const report = (error: Error): void => log('error', `Error: ${error.message}`);
  const journal = await Journal.open(settings.dir, { onBackgroundError: report, ...(settings.stateFile === undefined ? {} : { stateFile: settings.stateFile }) });
  if (journal.stats.tornBytesDropped > 0) {
    log(
      'warning',
      `Warning: cut ${journal.stats.tornBytesDropped} bytes of an unfinished write off the journal in ${settings.dir}: a crash during a write leaves them, with nothing acknowledged in them; a journal cut short any other way has lost what was acknowledged after them.`,
    );
  }
  if (journal.stats.found === 'empty') log('warning', `Warning: ${journal.snapshotPath} is empty (0 bytes): the store starts empty.`);
  if (journal.stats.found === 'reset') log('warning', `Warning: ${journal.snapshotPath} is missing, so the store starts empty; the journal files in ${settings.dir} that went with it were removed.`);
  const imported = journal.stats.imported;
  if (imported !== undefined) {
    const { retained, sessions, subscriptions, messages } = imported;
    log(
      'notice',
      `Imported mosquitto database ${journal.snapshotPath} (format version ${imported.version}): ${retained} retained messages, ${sessions} sessions, ${subscriptions} subscriptions and ${messages} queued or in-flight messages; the original is kept as ${imported.keptAs}.`,
    );
    if (imported.dropped.size > 0) log('warning', `Warning: left out of the mosquitto database: ${[...imported.dropped].map(([reason, count]) => `${count} ${DROPPED[reason]}`).join(', ')}.`);
  }
  return new DurableStore(journal, settings, report);
}

const DROPPED: Readonly<Record<DropReason, string>> = {
  expired: 'expired messages',
  'ended-session': 'sessions with a session expiry interval of 0, which end with their connection',
  'no-session': 'subscriptions or messages of a client it holds no session for',
  'not-outgoing': 'client messages in a state mqt does not keep (incoming QoS 0 or 1, or unknown)',
  'unknown-chunk': 'chunks of a type mosquitto 2.0 does not write',
};

export interface RestoredCounts {
  retained: number;
  sessions: number;
  messages: number;
}

/**
 * Gives a new broker what its journal holds; expired sessions and messages are dropped on the way.
 * Each session gets back the security hooks of the listener it last came through (by listenerKey).
 */
export function restoreBroker(broker: Broker, durable: DurableStore, listeners: readonly ListenerConfig[] = []): RestoredCounts {
  const authOf = listenerAuth(listeners);
  const now = broker.clock.now();
  const counts: RestoredCounts = { retained: 0, sessions: 0, messages: 0 };
  const { retained, sessions } = durable.state;
  // Collected first: the records appended below change the state once they commit.
  for (const stored of [...retained.values()]) {
    const msg = restoredMessage(stored);
    if (isExpired(msg, now)) {
      durable.unretain(msg.topic);
      continue;
    }
    broker.retained.restore(msg);
    if (stored.source !== undefined) broker.restoreRetainSource(msg.topic, { clientId: stored.source.clientId, username: stored.source.username, auth: authOf(stored.source.listener) });
    counts.retained++;
  }
  for (const stored of [...sessions.values()]) {
    if (stored.expiresAt !== undefined && stored.expiresAt <= now) {
      durable.sessionDelete(stored.clientId);
      continue;
    }
    const session = restoredSession(broker, stored, authOf(stored.listener));
    broker.restoreSession(session, stored.expiresAt);
    counts.sessions++;
    counts.messages += stored.outgoing.size;
  }
  return counts;
}

/**
 * The security hooks for a restored session: its listener's. A session journaled without one, or
 * whose listener left the config, gets the hooks every listener shares (per_listener_settings
 * false), else the broker's own.
 */
function listenerAuth(listeners: readonly ListenerConfig[]): (key: string | undefined) => BrokerAuth | undefined {
  const byKey = new Map(listeners.map((l) => [listenerKey(l), l.settings.auth]));
  const shared = new Set(byKey.values()).size === 1 ? listeners[0]?.settings.auth : undefined;
  return (key) => (key !== undefined && byKey.has(key) ? byKey.get(key) : shared);
}

function restoredSession(broker: Broker, stored: StoredSession, auth: BrokerAuth | undefined): Session<Connection> {
  const session = new Session<Connection>(broker, stored.clientId);
  session.expiryInterval = stored.expiryInterval;
  session.username = stored.username;
  session.listener = stored.listener;
  session.auth = auth;
  session.persisted = true;
  for (const sub of stored.subscriptions.values()) {
    session.subscriptions.set(sub.topicFilter, {
      qos: sub.qos,
      noLocal: sub.noLocal ?? false,
      retainAsPublished: sub.retainAsPublished ?? false,
      retainHandling: sub.retainHandling ?? 0,
      identifier: sub.subscriptionIdentifier,
    });
  }
  for (const out of stored.outgoing.values()) {
    // A released QoS 2 message kept only its packet id: PUBREL is all that is sent again.
    const message = out.message ?? { topic: '', payload: Buffer.alloc(0), qos: 2, retain: false };
    session.restoreOutgoing(
      {
        msg: restoredMessage(message),
        qos: message.qos,
        retain: message.retain,
        subIds: out.subscriptionIdentifiers,
        packetId: out.packetId ?? 0,
        released: out.phase === 'released',
        journalId: out.id,
      },
      out.phase !== 'queued',
    );
  }
  session.lastPacketId = stored.lastPacketId;
  for (const [packetId, message] of stored.incoming) session.incomingQos2.set(packetId, { ...restoredMessage(message), senderId: stored.clientId });
  return session;
}
