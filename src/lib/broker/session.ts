/**
 * One session: what the broker keeps for a client id between connections (MQTT 3.1.1 §4.1, 5.0
 * §4.1). A clean session ends with its connection; a persistent one keeps its subscriptions and
 * queues QoS 1/2 messages while the client is away, until it reconnects or its v5 Session Expiry
 * Interval runs out. Outgoing QoS 1/2 flow control lives here too: at most `maxInflight` messages
 * await acknowledgement, the rest wait in a queue bounded by max_queued_messages/bytes.
 */
import type { QoS } from '../protocol/packets.js';
import type { LongTimer } from './long-timer.js';
import { isExpired, own, type BrokerMessage, type StoredWill } from './message.js';
import type { SessionHost, SessionLink } from './session-ports.js';
import type { SubscriptionOptions } from './subscriptions.js';
import type { BrokerAuth } from './types.js';

/** One message on its way to one client. */
export interface Outgoing {
  msg: BrokerMessage;
  qos: QoS;
  retain: boolean;
  subIds: number[] | undefined;
  packetId: number;
  /** QoS 2: PUBREC came back, PUBREL sent, waiting for PUBCOMP. */
  released: boolean;
  /** Its id in the journal when the session is persisted, else 0. */
  journalId: number;
}

/**
 * Bytes a client may have waiting in its socket buffer before further QoS 0 messages to it are
 * dropped, when max_queued_bytes sets no bound: a client that stops reading costs at most this,
 * even with max_queued_messages 0 (mosquitto then buffers without end).
 */
const QOS0_BUFFER_LIMIT = 16 * 1024 * 1024;

/**
 * The queue of a session that has queued nothing: shared, as most sessions never queue, and frozen,
 * so that a push onto it fails loudly instead of queueing for every session.
 */
const NO_QUEUE: Outgoing[] = Object.freeze([]) as unknown as Outgoing[];

/** Session Expiry Interval meaning "never" (5.0 §3.1.2.11.2); v3 persistent sessions use it too. */
export const NEVER_EXPIRES = 0xffff_ffff;

/** `C` is what its connections are: the broker's Connection, or a test's fake. */
export class Session<C extends SessionLink = SessionLink> {
  connection: C | undefined;
  // The three collections below are made on first use: the session of a short connection mostly
  // needs none of them, and an empty Map or Set still costs over 150 bytes.
  private subscriptionMap: Map<string, SubscriptionOptions> | undefined;
  private inflightMap: Map<number, Outgoing> | undefined;
  private incomingQos2Map: Map<number, BrokerMessage> | undefined;
  private queue = NO_QUEUE;
  private queueHead = 0;
  private queuedBytes = 0;
  /** The packet id taken last for an outgoing message (0 before the first); a restart carries on from it. */
  lastPacketId = 0;
  /** Seconds the session outlives its connection; NEVER_EXPIRES or 0 (ends with the connection). */
  expiryInterval = 0;
  expiryTimer: LongTimer | undefined;
  will: StoredWill | undefined;
  willTimer: LongTimer | undefined;
  username: string | undefined;
  /** Kept in the journal (persistence on and a session that outlives its connection). */
  persisted = false;
  /** The security hooks of the listener it last connected through (mosquitto's per_listener_settings rule). */
  auth: BrokerAuth | undefined;
  /** That listener's listenerKey: a session restored from the journal gets its hooks back by it. */
  listener: string | undefined;
  /**
   * Its last connection spoke MQTT 5: overlapping subscriptions then get a copy each, as mosquitto
   * sends them (MQTT 5 §3.3.4 allows it; a 3.1.1 client has one copy at the highest QoS, MQTT-3.3.5-1).
   */
  copyPerSubscription = false;
  /** Logged once per run of drops, as mosquitto does. */
  private dropping = false;
  /** Payload bytes of the messages in flight, for max_inflight_bytes. */
  private inflightBytes = 0;

  constructor(
    readonly broker: SessionHost,
    readonly clientId: string,
  ) {}

  get subscriptions(): Map<string, SubscriptionOptions> {
    return (this.subscriptionMap ??= new Map());
  }

  /** Forgets every subscription and returns the filters; a session that had none makes no map. */
  dropSubscriptions(): string[] {
    const filters = this.subscriptionMap === undefined ? [] : [...this.subscriptionMap.keys()];
    this.subscriptionMap = undefined;
    return filters;
  }

  /** Sent and not yet acknowledged, in send order (a Map keeps insertion order). */
  get inflight(): Map<number, Outgoing> {
    return (this.inflightMap ??= new Map());
  }

  /** Incoming QoS 2 messages answered with PUBREC, by packet id: each is delivered when its PUBREL comes. */
  get incomingQos2(): Map<number, BrokerMessage> {
    return (this.incomingQos2Map ??= new Map());
  }

  get queuedCount(): number {
    return this.queue.length - this.queueHead;
  }

  /**
   * More queued than the client is taking: publishers feeding it wait (broker.publish) rather than
   * run the queue into max_queued_messages, where messages would have to be dropped.
   */
  get backlogged(): boolean {
    return this.queuedCount >= this.broker.backlogThreshold;
  }

  /**
   * Its publishers may be read again: the queue is down to half the threshold. Woken as soon as
   * it dropped below, they would be paused again a message later, a pause and a resume per
   * message (10 QoS 1 publishers into one subscriber ran at 0.7× mosquitto that way).
   */
  get readyForMore(): boolean {
    return this.queuedCount * 2 < this.broker.backlogThreshold;
  }

  /**
   * Hands a message to this client: QoS 0 goes out now or nowhere (with queue_qos0_messages, it
   * waits in the queue while the client is away); QoS 1/2 go out when a slot of
   * the in-flight window is free, wait in the queue otherwise, and are dropped (with a log line and
   * $SYS count) only when a configured queue limit is reached.
   */
  deliver(msg: BrokerMessage, qos: QoS, retain: boolean, subIds: number[] | undefined): void {
    const conn = this.connection;
    if (qos === 0 && (conn !== undefined || !this.broker.limits.queueQos0Messages)) {
      if (conn === undefined) return;
      if (this.cannotTakeQos0(conn)) this.drop();
      else conn.sendPublish(msg, 0, retain, subIds, 0, false);
      return;
    }
    own(msg);
    // The packet id is taken now, as mosquitto takes it when it queues: a message dropped or expired
    // before it goes out still used one.
    const out: Outgoing = { msg, qos, retain, subIds, packetId: qos === 0 ? 0 : this.allocatePacketId(), released: false, journalId: 0 };
    if (conn !== undefined && this.queuedCount === 0 && this.hasRoom(conn)) {
      if (this.persisted) out.journalId = this.broker.durable!.enqueue(this.clientId, msg, qos, retain, subIds, out.packetId);
      this.send(conn, out);
      return;
    }
    const limits = this.broker.limits;
    const count = this.queuedCount;
    if (
      (limits.maxQueuedMessages > 0 && count >= limits.maxQueuedMessages) ||
      (limits.maxQueuedBytes > 0 && this.queuedBytes + msg.payload.length > limits.maxQueuedBytes)
    ) {
      this.drop();
      return;
    }
    if (this.persisted) out.journalId = this.broker.durable!.enqueue(this.clientId, msg, qos, retain, subIds, out.packetId);
    this.enqueue(out);
  }

  /**
   * QoS 0 goes out now or is dropped; as in mosquitto's db__ready_for_flight, it is dropped once the
   * packets waiting for the client's socket reach max_queued_messages, or their bytes (beyond
   * max_inflight_bytes) max_queued_bytes.
   */
  private cannotTakeQos0(conn: SessionLink): boolean {
    const limits = this.broker.limits;
    if (limits.maxQueuedMessages > 0 && conn.pendingPackets >= limits.maxQueuedMessages) return true;
    const bytes = conn.pendingBytes;
    return limits.maxQueuedBytes > 0 ? bytes - limits.maxInflightBytes >= limits.maxQueuedBytes : bytes > QOS0_BUFFER_LIMIT;
  }

  /** The client took everything written to it: a new run of drops is logged again. */
  caughtUp(): void {
    if (this.queuedCount === 0) this.dropping = false;
  }

  private drop(): void {
    this.broker.stats.dropped++;
    if (this.dropping) return;
    this.dropping = true;
    this.broker.log('notice', `Outgoing messages are being dropped for client ${this.clientId}.`);
  }

  private send(conn: SessionLink, out: Outgoing): void {
    if (out.qos === 0) {
      // Queued while its client was away (queue_qos0_messages): sent once, nothing to wait for.
      conn.sendPublish(out.msg, 0, out.retain, out.subIds, 0, false);
      this.forget(out);
      return;
    }
    // Taken when queued; a fresh one only when that id is still in flight (after the ids wrapped) or
    // none was taken (a message queued by an older version's journal).
    if (out.packetId === 0 || this.inflight.has(out.packetId)) out.packetId = this.allocatePacketId();
    this.hold(out);
    if (!conn.sendPublish(out.msg, out.qos, out.retain, out.subIds, out.packetId, false)) {
      // Too large for the client's Maximum Packet Size: 5.0 §3.1.2.11.4 says discard it as if sent.
      this.settle(out);
    } else if (out.journalId !== 0) {
      this.broker.durable!.sent(this.clientId, out.journalId, out.packetId, out.qos === 1);
    }
  }

  /**
   * Whether one more QoS 1/2 message may go out now: max_inflight_messages (or the client's Receive
   * Maximum) and max_inflight_bytes. As mosquitto documents it (2.0.11 does not keep to it), a
   * message goes while the bytes in flight are under the limit, so one larger still goes, alone.
   */
  private hasRoom(conn: SessionLink): boolean {
    const maxBytes = this.broker.limits.maxInflightBytes;
    return this.inflight.size < conn.maxInflight && (maxBytes === 0 || this.inflightBytes < maxBytes);
  }

  private hold(out: Outgoing): void {
    this.inflight.set(out.packetId, out);
    this.inflightBytes += out.msg.payload.length;
  }

  /** A message in flight is done with (acknowledged, refused, expired or too large). */
  private settle(out: Outgoing): void {
    this.inflight.delete(out.packetId);
    this.inflightBytes -= out.msg.payload.length;
    this.forget(out);
  }

  /** The message is done with (acknowledged, expired or discarded): the journal lets it go too. */
  private forget(out: Outgoing): void {
    if (out.journalId !== 0) this.broker.durable!.complete(this.clientId, out.journalId, out.qos === 1);
  }

  /** Packet ids start at 1 and skip those still in flight (mosquitto's order). */
  private allocatePacketId(): number {
    for (;;) {
      const id = this.lastPacketId === 0xffff ? 1 : this.lastPacketId + 1;
      this.lastPacketId = id;
      if (!this.inflight.has(id)) return id;
    }
  }

  /** Fills free in-flight slots from the queue. */
  pump(): void {
    const conn = this.connection;
    if (conn === undefined) return;
    const now = this.broker.clock.now();
    while (this.queueHead < this.queue.length && this.hasRoom(conn)) {
      const out = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined as unknown as Outgoing;
      this.queuedBytes -= out.msg.payload.length;
      // Read access is checked again on the way out, as mosquitto does: an acl_file reloaded
      // since the message was queued has the last word.
      if (isExpired(out.msg, now) || !this.broker.mayRead(this, out.msg.topic)) {
        this.forget(out);
        continue;
      }
      this.send(conn, out);
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    if (this.queuedCount === 0) this.dropping = false;
    if (this.readyForMore) conn.wake();
  }

  /**
   * False for an acknowledgement of the wrong kind for what is in flight under `packetId`: PUBACK
   * for QoS 2, PUBREC or PUBCOMP for QoS 1, PUBCOMP before PUBREC. The connection ends for it
   * (3.1.1 §4.3, mosquitto's database.c); an id with nothing in flight is only ignored.
   */
  acceptsAck(packetId: number, ack: 'puback' | 'pubrec' | 'pubcomp'): boolean {
    const out = this.inflightMap?.get(packetId);
    if (out === undefined) return true;
    if (ack === 'puback') return out.qos === 1;
    return out.qos === 2 && (ack === 'pubrec' || out.released);
  }

  /** PUBACK, or PUBCOMP: the message is done. False when no such message was in flight. */
  complete(packetId: number, qos: QoS): boolean {
    const out = this.inflight.get(packetId);
    if (out === undefined || out.qos !== qos) return false;
    this.settle(out);
    this.pump();
    return true;
  }

  /** PUBREC: true when the id belongs to a QoS 2 message in flight, which now awaits PUBCOMP. */
  received(packetId: number, failed: boolean): boolean {
    const out = this.inflight.get(packetId);
    if (out === undefined || out.qos !== 2) return false;
    if (failed) {
      this.settle(out);
      this.pump();
    } else if (!out.released) {
      out.released = true;
      if (out.journalId !== 0) this.broker.durable!.released(this.clientId, out.journalId);
    }
    return true;
  }

  /**
   * After a reconnect with the session kept: unacknowledged PUBLISH again with DUP, PUBREL again
   * for those past PUBREC, in their original order (MQTT-4.4.0-1), then the queue.
   */
  resume(conn: SessionLink): void {
    const now = this.broker.clock.now();
    for (const out of this.inflightMap === undefined ? [] : [...this.inflightMap.values()]) {
      if (out.released) {
        conn.sendPubrel(out.packetId);
      } else if (isExpired(out.msg, now) || !this.broker.mayRead(this, out.msg.topic) || !conn.sendPublish(out.msg, out.qos, out.retain, out.subIds, out.packetId, true)) {
        this.settle(out);
      }
    }
    this.pump();
  }

  /**
   * Puts back a message read from the journal at start-up: queued, or in flight under its old
   * packet id (resume() sends it again with DUP, or PUBREL once released).
   */
  restoreOutgoing(out: Outgoing, inFlight: boolean): void {
    if (!inFlight) {
      this.enqueue(out);
      return;
    }
    this.hold(out);
  }

  /** Drops everything a clean start throws away. */
  clearMessages(): void {
    this.inflightMap?.clear();
    this.inflightBytes = 0;
    this.queue = NO_QUEUE;
    this.queueHead = 0;
    this.queuedBytes = 0;
    this.incomingQos2Map?.clear();
  }

  private enqueue(out: Outgoing): void {
    if (this.queue === NO_QUEUE) this.queue = [];
    this.queue.push(out);
    this.queuedBytes += out.msg.payload.length;
  }
}
