/**
 * The broker: it routes each message through the topic tree to the sessions it reaches, keeps the
 * connections and their per-listener counts, and owns the session registry, retained messages and
 * $SYS. Connections come from whatever listens (network/listeners.ts, started by server.ts). It
 * never opens sockets and never prints: log lines go out as 'log' events in mosquitto's words.
 */
import { EventEmitter } from 'node:events';
import type { QoS } from '../protocol/packets.js';
import { MAX_PACKET_SIZE } from '../protocol/framer.js';
import { ReasonCode } from '../protocol/reason-codes.js';
import type { TransportStream } from '../transport/types.js';
import { systemClock, type Clock } from './clock.js';
import { ConnectionTimers } from './connection-callbacks.js';
import { Connection, type ConnectionHost } from './connection.js';
import { HUGE_BYTES, HugeGarbage } from './huge-garbage.js';
import { newMessage, type BrokerMessage } from './message.js';
import type { DurableLog } from './persistence/durable-log.js';
import type { RetainSource } from './persistence/records.js';
import type { Session } from './session.js';
import { SessionRegistry } from './session-registry.js';
import type { AuthClient } from './session-ports.js';
import { BrokerStats } from './stats.js';
import { RetainedStore } from './retained.js';
import { SubscriptionTree, type SubscriptionOptions } from './subscriptions.js';
import { SysTopics } from './sys-topics.js';
import type { BrokerEvents, BrokerHandle, BrokerLimits, BrokerOptions, ConnectionInfo, ListenerInfo, LogLevel } from './types.js';

/** What one PUBLISH owes one subscriber once overlapping subscriptions are merged. */
interface Recipient {
  qos: QoS;
  retainAsPublished: boolean;
  subIds: number[] | undefined;
}

export class Broker extends EventEmitter<BrokerEvents> implements BrokerHandle, ConnectionHost {
  readonly options: BrokerOptions;
  readonly limits: BrokerLimits;
  readonly stats = new BrokerStats();
  readonly subscriptions = new SubscriptionTree<Session<Connection>>();
  readonly retained: RetainedStore;
  /** The journal with persistence on; undefined otherwise, and then nothing below touches it. */
  readonly durable: DurableLog | undefined;
  /** Debug-level lines (one per packet) are only built when asked for, as they cost on the hot path. */
  readonly logDebug: boolean;
  /** connection_messages: the connect, disconnect and refused-connection lines. */
  readonly connectionMessages: boolean;
  /** Largest packet read from a client (max_packet_size), before any of its body is buffered. */
  readonly maxPacketIn: number;
  /** Largest CONNECT read from a client before it is authenticated. */
  readonly maxConnectIn: number;
  /** Queued messages at which a connected client's publishers are paused: half max_queued_messages. */
  readonly backlogThreshold: number;
  readonly clock: Clock;
  readonly timers: ConnectionTimers;
  readonly hugeGarbage: HugeGarbage;
  private readonly sessions: SessionRegistry;
  private readonly connections = new Set<Connection>();
  private readonly perListener = new Map<ListenerInfo, number>();
  private readonly sys: SysTopics;
  /**
   * The connections with packets batched this turn: the first `dirtyCount` entries. The array is
   * kept from turn to turn, so a turn allocates nothing for it.
   */
  private readonly dirty: (Connection | undefined)[] = [];
  private dirtyCount = 0;
  private closed = false;

  constructor(options: BrokerOptions) {
    super();
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.timers = new ConnectionTimers(this.clock);
    this.hugeGarbage = new HugeGarbage(this.clock);
    this.limits = options.limits;
    this.durable = options.durable;
    this.retained = new RetainedStore(options.durable);
    this.logDebug = options.logDebug ?? true;
    this.connectionMessages = options.connectionMessages ?? true;
    this.maxPacketIn = options.limits.maxPacketSize > 0 ? options.limits.maxPacketSize : MAX_PACKET_SIZE;
    this.maxConnectIn = Math.min(this.maxPacketIn, options.limits.maxConnectPacketSize);
    const maxQueued = options.limits.maxQueuedMessages;
    this.backlogThreshold = maxQueued > 0 ? Math.max(1, Math.floor(maxQueued / 2)) : 1000;
    this.retainSources = options.checkRetainSource === true ? new Map() : undefined;
    this.sessions = new SessionRegistry(this);
    this.sys = new SysTopics(this);
    this.sys.start(options.sysInterval);
  }

  refreshSys(): void {
    this.sys.refresh();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Every session, connected or kept for an absent client (the web console's clients view). */
  allSessions(): IterableIterator<Session<Connection>> {
    return this.sessions.all();
  }

  get connectedCount(): number {
    let n = 0;
    for (const conn of this.connections) if (conn.state === 'active') n++;
    return n;
  }

  /** The security layer's read check (absent = allowed); `client` is a Session or Connection. */
  mayRead(client: AuthClient, topic: string): boolean {
    const auth = client.auth ?? this.options.auth;
    return auth?.canRead === undefined || auth.canRead(client, topic);
  }

  mayWrite(client: AuthClient, topic: string): boolean {
    const auth = client.auth ?? this.options.auth;
    return auth?.canWrite === undefined || auth.canWrite(client, topic);
  }

  maySubscribe(client: AuthClient, filter: string): boolean {
    const auth = client.auth ?? this.options.auth;
    return auth?.canSubscribe === undefined || auth.canSubscribe(client, filter);
  }

  mayUnsubscribe(client: AuthClient, filter: string): boolean {
    const auth = client.auth ?? this.options.auth;
    return auth?.canUnsubscribe === undefined || auth.canUnsubscribe(client, filter);
  }

  /**
   * A $CONTROL message: the control API answers on its response topic, as a message from the
   * broker, and the clients a change concerns are disconnected first, without their wills, as
   * mosquitto's plugin kicks them.
   */
  control(from: Connection, topic: string, payload: Buffer): void {
    const answer = (from.auth ?? this.options.auth)?.control?.(from, topic, payload);
    if (answer === undefined) return;
    for (const line of answer.logLines ?? []) this.log('information', line);
    if (answer.kicks.length > 0) this.kick(new Set(answer.kicks));
    const response = answer.response;
    if (response === undefined) return;
    const send = (): void => {
      if (!this.closed) this.publish(newMessage(response.topic, response.payload, 0, false, undefined, '', false, this.clock.now()), undefined);
    };
    if (answer.saved === undefined) send();
    else void answer.saved.then(send);
  }

  /** Disconnects every client logged in as one of `usernames` (undefined: those without one), in one pass. */
  private kick(usernames: ReadonlySet<string | undefined>): void {
    for (const conn of [...this.connections]) {
      if (conn.state === 'active' && usernames.has(conn.username)) kickConnection(conn);
    }
  }

  /** Ends the connection of the client with this id, as an administrator's kick; false when none is connected. */
  kickClient(clientId: string): boolean {
    for (const conn of this.connections) {
      if (conn.state !== 'active' || conn.clientId !== clientId) continue;
      kickConnection(conn);
      return true;
    }
    return false;
  }

  log(level: LogLevel, text: string): void {
    this.emit('log', level, text);
  }

  handleConnection(stream: TransportStream, info: ConnectionInfo): void {
    const max = info.listener.settings.maxConnections;
    const count = this.perListener.get(info.listener) ?? 0;
    if (this.closed) {
      stream.destroy();
      return;
    }
    // mosquitto checks the limit before it counts the connection as new, so a refused one logs only this.
    if (max >= 0 && count >= max) {
      if (this.connectionMessages) this.log('notice', `Client connection from ${info.remoteAddress} denied: max_connections exceeded.`);
      stream.destroy();
      return;
    }
    if (this.connectionMessages && info.internal !== true) this.log('notice', `New connection from ${info.remoteAddress}:${info.remotePort} on port ${info.listener.port}.`);
    this.perListener.set(info.listener, count + 1);
    this.stats.sockets++;
    this.connections.add(new Connection(this, stream, info));
  }

  /** Called by a connection as it closes. */
  connectionClosed(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.hugeGarbage.connectionEnded();
    const listener = conn.info.listener;
    this.perListener.set(listener, (this.perListener.get(listener) ?? 1) - 1);
  }

  attachSession(conn: Connection, clean: boolean): { session: Session<Connection>; present: boolean } {
    return this.sessions.attach(conn, clean);
  }

  sessionDetached(session: Session<Connection>): void {
    this.sessions.detached(session);
  }

  sessionConnected(session: Session<Connection>): void {
    this.sessions.connected(session);
  }

  /** Puts back a disconnected session read from the journal at start-up, its expiry counting again. */
  restoreSession(session: Session<Connection>, expiresAt: number | undefined): void {
    this.sessions.restore(session, expiresAt);
  }

  /**
   * Routes one message: retained store, then every matching subscription: a copy each for MQTT 5
   * clients, merged for older ones (one copy at the highest granted QoS). A publisher whose
   * subscribers' sockets are full stops being read until they drain. Returns whether any subscription matched.
   */
  publish(msg: BrokerMessage, from: Connection | undefined): boolean {
    if (msg.payload.length >= HUGE_BYTES) this.hugeGarbage.follow(msg.payload);
    if (msg.retain && this.limits.retainAvailable) {
      this.retained.store(msg, this.retainSources === undefined ? undefined : this.noteRetainSource(msg, from));
    }
    const recipients = this.recipients;
    this.current = msg;
    this.matched = false;
    try {
      this.subscriptions.match(msg.topic, this.collect);
      for (const [session, r] of recipients) {
        session.deliver(msg, this.outgoingQos(r.qos, msg.qos), r.retainAsPublished && msg.retain, r.subIds);
        const target = session.connection;
        if (from !== undefined && target !== undefined && (target.congested || session.backlogged)) from.waitFor(target);
      }
    } finally {
      // Whatever went wrong, the next message starts from nothing: a recipient left behind here
      // would receive it, whatever its subscriptions and its ACL say.
      this.current = undefined;
      recipients.clear();
    }
    return this.matched;
  }

  /** check_retain_source: the publishers of the retained messages, by topic; the broker's own have none. */
  private readonly retainSources: Map<string, AuthClient> | undefined;

  /** Returns the publisher as the journal keeps it. */
  private noteRetainSource(msg: BrokerMessage, from: Connection | undefined): RetainSource | undefined {
    if (from === undefined || msg.payload.length === 0) {
      this.retainSources!.delete(msg.topic);
      return undefined;
    }
    this.retainSources!.set(msg.topic, { clientId: from.clientId, username: from.username, auth: from.auth });
    return { clientId: from.clientId, ...(from.username === undefined ? {} : { username: from.username }), listener: from.info.listener.key };
  }

  /** A retained message's publisher read back from the journal, with its listener's security hooks. */
  restoreRetainSource(topic: string, source: AuthClient): void {
    this.retainSources?.set(topic, source);
  }

  retainSourceMayWrite(msg: BrokerMessage): boolean {
    const source = this.retainSources?.get(msg.topic);
    return source === undefined || this.mayWrite(source, msg.topic);
  }

  /** The QoS a message published at `published` goes out with to a subscription granted `granted`. */
  outgoingQos(granted: QoS, published: QoS): QoS {
    return this.limits.upgradeOutgoingQos || granted < published ? granted : published;
  }

  private readonly recipients = new Map<Session<Connection>, Recipient>();
  private current: BrokerMessage | undefined;
  private matched = false;

  private readonly collect = (session: Session<Connection>, options: SubscriptionOptions, shared: boolean): void => {
    const msg = this.current!;
    // A subscription counts as a match even when No Local or the ACL then skips it: v5's 0x10 says
    // the topic has no subscription at all (mosquitto's subs.c).
    this.matched = true;
    if (options.noLocal && session.clientId === msg.senderId) return;
    if (!this.mayRead(session, msg.topic)) return;
    const subIds = options.identifier === undefined ? undefined : [options.identifier];
    if (shared || session.copyPerSubscription) {
      // Each group's pick gets its own copy, apart from the client's plain subscriptions; an MQTT 5
      // client gets one for each of its matching subscriptions, with that one's QoS and identifier.
      session.deliver(msg, this.outgoingQos(options.qos, msg.qos), options.retainAsPublished && msg.retain, subIds);
      return;
    }
    const r = this.recipients.get(session);
    if (r === undefined) {
      this.recipients.set(session, { qos: options.qos, retainAsPublished: options.retainAsPublished, subIds });
      return;
    }
    if (options.qos > r.qos) r.qos = options.qos;
    if (options.retainAsPublished) r.retainAsPublished = true;
    if (options.identifier !== undefined) (r.subIds ??= []).push(options.identifier);
  };

  /** Connections with packets batched this turn write them once I/O callbacks are done. */
  scheduleFlush(conn: Connection): void {
    if (this.dirtyCount === 0) setImmediate(this.flushAll);
    this.dirty[this.dirtyCount++] = conn;
  }

  private readonly flushAll = (): void => {
    const dirty = this.dirty;
    try {
      // Entries added during the pass are flushed in it too.
      for (let i = 0; i < this.dirtyCount; i++) {
        const conn = dirty[i]!;
        dirty[i] = undefined;
        conn.flush();
      }
    } finally {
      // Whatever happened, the next batched packet schedules a pass again.
      dirty.fill(undefined, 0, this.dirtyCount);
      this.dirtyCount = 0;
    }
  };

  /** Sends v5 clients DISCONNECT 0x8B, closes every connection, stops timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sys.stop();
    const streams = [...this.connections].map((conn) => conn.stream);
    for (const conn of [...this.connections]) {
      conn.graceful = true;
      conn.disconnect(ReasonCode.ServerShuttingDown, 'shutdown');
    }
    this.sessions.stopTimers();
    await Promise.all(
      streams.map(
        (stream) =>
          new Promise<void>((resolve) => {
            if (stream.destroyed) resolve();
            else stream.once('close', () => resolve());
          }),
      ),
    );
    // Sockets closed earlier and still draining: the listeners no longer know them all.
    this.timers.closeDeadlines.expireAll();
  }
}

/** mosquitto's kick (dynamic security's kickClient, the console's button): DISCONNECT 0x98 and no will. */
function kickConnection(conn: Connection): void {
  conn.graceful = true;
  conn.disconnect(ReasonCode.AdministrativeAction, 'administrative');
}
