/**
 * The broker's side of the journal: turns the changes of its durable state (retained messages,
 * persistent sessions, their subscriptions and QoS 1/2 messages) into journal records. Appends
 * never block the broker; a handler that must not answer before its records are on disk (PUBACK,
 * PUBREC, SUBACK) compares `appended` before and after its work and waits for `lastCommit`
 * (handle/answer.ts). Records commit in the order they are appended, so waiting for the last one
 * waits for all before it.
 *
 * The progress of an outgoing QoS 1 message (sent, acknowledged) is deferred: it goes into the
 * journal with the next record that someone waits for, or DEFER_MS later. Lost in a crash, it
 * only means the message is sent again, which QoS 1 allows; spared, the fsync a subscriber's
 * PUBACK would cost is shared with the publishers' next commit.
 */
import { asError, ErrorCode, MqttError } from '../../errors.js';
import type { QoS } from '../../protocol/packets.js';
import type { BrokerMessage } from '../message.js';
import type { SubscriptionOptions } from '../subscriptions.js';
import type { DurableLog } from './durable-log.js';
import type { Journal } from './journal.js';
import type { JournalRecord, RetainSource, StoredMessage } from './records.js';
import type { PersistenceSettings } from './settings.js';
import type { DurableState } from './state.js';

/** What the store needs of a Journal (tests hold its commits back through a wrapper). */
export type JournalPort = Pick<Journal, 'state' | 'stats' | 'append' | 'compact' | 'close'>;

/** Longest a deferred record waits for a commit to join. */
const DEFER_MS = 20;

export class DurableStore implements DurableLog {
  /** Records appended so far; a handler compares it before and after its work. */
  appended = 0;
  /** Resolves once every record appended so far is on disk. */
  lastCommit: Promise<void> = Promise.resolve();
  /** The first write error; from then on nothing is acknowledged. */
  failure: MqttError | undefined;
  private nextId: number;
  private readonly onFailure: (error: unknown) => void;
  private readonly compactEvery: number;
  private sinceCompaction = 0;
  private readonly autosave: NodeJS.Timeout | undefined;
  private deferred: JournalRecord[] = [];
  private deferTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly journal: JournalPort,
    settings: PersistenceSettings,
    /** Told on the first failed write and on a failed compaction. */
    private readonly report: (error: Error) => void,
  ) {
    this.nextId = journal.state.lastMessageId + 1;
    // mosquitto saves its whole database this often; mqt has every change on disk already and
    // only compacts the journal then (it also does once the journal outgrows its snapshot).
    const every = settings.autosaveInterval;
    this.compactEvery = settings.autosaveOnChanges ? every : 0;
    if (every > 0 && !settings.autosaveOnChanges) this.autosave = setInterval(() => this.compactNow(), every * 1000).unref();
    this.onFailure = (error: unknown): void => {
      if (this.failure !== undefined) return;
      this.failure = error instanceof MqttError ? error : new MqttError(ErrorCode.FileError, asError(error).message, { cause: error });
      report(this.failure);
    };
  }

  /** What the journal held at start-up, with every change committed since. */
  get state(): DurableState {
    return this.journal.state;
  }

  private append(record: JournalRecord): void {
    if (this.deferred.length > 0) this.appendDeferred();
    this.write(record);
  }

  private defer(record: JournalRecord): void {
    this.deferred.push(record);
    this.deferTimer ??= setTimeout(this.appendDeferred, DEFER_MS);
  }

  private readonly appendDeferred = (): void => {
    clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    const records = this.deferred;
    this.deferred = [];
    for (const record of records) this.write(record);
  };

  private write(record: JournalRecord): void {
    const commit = this.journal.append(record);
    commit.catch(this.onFailure);
    this.lastCommit = commit;
    this.appended++;
    if (this.compactEvery > 0 && ++this.sinceCompaction >= this.compactEvery) this.compactNow();
  }

  private compactNow(): void {
    this.sinceCompaction = 0;
    if (this.failure === undefined) this.journal.compact().catch(this.report);
  }

  retain(msg: BrokerMessage, source: RetainSource | undefined): void {
    const message = stored(msg, msg.qos, true);
    if (source !== undefined) message.source = source;
    this.append({ type: 'retain', message });
  }

  unretain(topic: string): void {
    this.append({ type: 'unretain', topic });
  }

  /** A persistent session started, resumed, or changed its expiry interval. */
  sessionCreate(clientId: string, expiryInterval: number, username: string | undefined, listener: string | undefined): void {
    this.append({
      type: 'session-create',
      clientId,
      expiryInterval,
      ...(username === undefined ? {} : { username }),
      ...(listener === undefined ? {} : { listener }),
    });
  }

  sessionExpire(clientId: string, expiresAt: number): void {
    this.append({ type: 'session-expire', clientId, expiresAt });
  }

  sessionDelete(clientId: string): void {
    this.append({ type: 'session-delete', clientId });
  }

  subscribe(clientId: string, topicFilter: string, options: SubscriptionOptions): void {
    const { qos, noLocal, retainAsPublished, retainHandling, identifier } = options;
    const subscription = { topicFilter, qos, noLocal, retainAsPublished, retainHandling, ...(identifier === undefined ? {} : { subscriptionIdentifier: identifier }) };
    this.append({ type: 'subscribe', clientId, subscription });
  }

  unsubscribe(clientId: string, topicFilter: string): void {
    this.append({ type: 'unsubscribe', clientId, topicFilter });
  }

  /** A QoS 1/2 message for a persistent session, with the packet id taken for it; returns the id its later records use. */
  enqueue(clientId: string, msg: BrokerMessage, qos: QoS, retain: boolean, subIds: number[] | undefined, packetId: number): number {
    const id = this.nextId++;
    const ids = subIds === undefined ? {} : { subscriptionIdentifiers: subIds };
    this.append({ type: 'enqueue', clientId, id, message: stored(msg, qos, retain), ...ids, ...(packetId === 0 ? {} : { packetId }) });
    return id;
  }

  /** `deferred` for QoS 1 (see above). */
  sent(clientId: string, id: number, packetId: number, deferred: boolean): void {
    const record: JournalRecord = { type: 'sent', clientId, id, packetId };
    if (deferred) this.defer(record);
    else this.append(record);
  }

  released(clientId: string, id: number): void {
    this.append({ type: 'released', clientId, id });
  }

  complete(clientId: string, id: number, deferred: boolean): void {
    const record: JournalRecord = { type: 'complete', clientId, id };
    if (deferred) this.defer(record);
    else this.append(record);
  }

  /** An incoming QoS 2 message answered with PUBREC: held whole, since it is delivered at its PUBREL. */
  receive(clientId: string, packetId: number, msg: BrokerMessage): void {
    this.append({ type: 'receive', clientId, packetId, message: stored(msg, 2, msg.retain) });
  }

  release(clientId: string, packetId: number): void {
    this.append({ type: 'release', clientId, packetId });
  }

  /** Waits for the records appended so far, compacts (a quick start next time), closes the journal. */
  async close(): Promise<void> {
    clearInterval(this.autosave);
    this.appendDeferred();
    if (this.failure === undefined && this.journal.stats.records > 0) await this.journal.compact().catch(this.report);
    await this.journal.close();
  }
}

/** The message as the journal keeps it; its payload must be the broker's own copy (message.ts own()). */
function stored(msg: BrokerMessage, qos: QoS, retain: boolean): StoredMessage {
  const message: StoredMessage = { topic: msg.topic, payload: msg.payload, qos, retain };
  // forwardedProperties() kept only the properties that travel end to end.
  if (msg.properties !== undefined) message.properties = msg.properties;
  if (msg.expiresAt !== 0) message.expiresAt = msg.expiresAt;
  return message;
}

/** The broker message a stored one stands for, after a restart. */
export function restoredMessage(message: StoredMessage): BrokerMessage {
  return {
    topic: message.topic,
    payload: message.payload,
    qos: message.qos,
    retain: message.retain,
    properties: message.properties,
    expiresAt: message.expiresAt ?? 0,
    senderId: '',
    owned: true,
    encoded: undefined,
  };
}
