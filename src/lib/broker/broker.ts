/**
 * The broker core: sessions, the topic tree, retained messages and $SYS, fed connections by
 * whatever listens (src/commands/serve.ts). It never opens sockets and never prints: log lines go
 * out as 'log' events in mosquitto's words.
 */
import { EventEmitter } from 'node:events';
import type { QoS } from '../protocol/packets.js';
import { MAX_PACKET_SIZE } from '../protocol/framer.js';
import { ReasonCode } from '../protocol/reason-codes.js';
import type { TransportStream } from '../transport/types.js';
import { systemClock, type Clock } from './clock.js';
import { ConnectionTimers } from './connection-callbacks.js';
import { Connection, type ConnectionHost } from './connection.js';
import { LongTimer } from './long-timer.js';
import type { BrokerMessage } from './message.js';
import type { DurableLog } from './persistence/durable-log.js';
import { NEVER_EXPIRES, Session } from './session.js';
import type { AuthClient } from './session-ports.js';
import { BrokerStats } from './stats.js';
import { RetainedStore } from './retained.js';
import { SubscriptionTree, type SubscriptionOptions } from './subscriptions.js';
import { SysTopics } from './sys-topics.js';
import type { BrokerEvents, BrokerHandle, BrokerLimits, BrokerOptions, ConnectionInfo, ListenerInfo, LogLevel } from './types.js';
import { cancelWill, publishWill } from './will.js';

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
  /** Queued messages at which a connected client's publishers are paused: half max_queued_messages. */
  readonly backlogThreshold: number;
  readonly clock: Clock;
  readonly timers: ConnectionTimers;
  private readonly sessions = new Map<string, Session<Connection>>();
  private readonly connections = new Set<Connection>();
  private readonly perListener = new Map<ListenerInfo, number>();
  private readonly sys: SysTopics;
  private dirty: Connection[] = [];
  private flushScheduled = false;
  private closed = false;

  constructor(options: BrokerOptions) {
    super();
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.timers = new ConnectionTimers(this.clock);
    this.limits = options.limits;
    this.durable = options.durable;
    this.retained = new RetainedStore(options.durable);
    this.logDebug = options.logDebug ?? true;
    this.connectionMessages = options.connectionMessages ?? true;
    this.maxPacketIn = options.limits.maxPacketSize > 0 ? options.limits.maxPacketSize : MAX_PACKET_SIZE;
    const maxQueued = options.limits.maxQueuedMessages;
    this.backlogThreshold = maxQueued > 0 ? Math.max(1, Math.floor(maxQueued / 2)) : 1000;
    this.sys = new SysTopics(this);
    this.sys.start(options.sysInterval);
  }

  get sessionCount(): number {
    return this.sessions.size;
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
    if (this.connectionMessages) this.log('notice', `New connection from ${info.remoteAddress}:${info.remotePort} on port ${info.listener.port}.`);
    this.perListener.set(info.listener, count + 1);
    this.stats.sockets++;
    this.connections.add(new Connection(this, stream, info));
  }

  /** Called by a connection as it closes. */
  connectionClosed(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    const listener = conn.info.listener;
    this.perListener.set(listener, (this.perListener.get(listener) ?? 1) - 1);
  }

  /**
   * Binds a CONNECT to its session: the old connection of the same client id is closed (v5
   * DISCONNECT 0x8E), the session is resumed when the client asks and one exists, else a new one
   * starts. `present` is the CONNACK's Session Present flag.
   */
  attachSession(conn: Connection, clean: boolean): { session: Session<Connection>; present: boolean } {
    this.stats.connects++;
    const id = conn.clientId;
    let session = this.sessions.get(id);
    if (session !== undefined) {
      const old = session.connection;
      if (old !== undefined) {
        this.log('error', `Client ${id} already connected, closing old connection.`);
        // The old connection's will goes out only if its session ends here (mosquitto's rule).
        const ends = clean || session.expiryInterval === 0;
        if (!ends) cancelWill(session);
        session.connection = undefined;
        if (ends) publishWill(this, session);
        old.graceful = true;
        old.disconnect(ReasonCode.SessionTakenOver, 'takeover');
      } else {
        cancelWill(session);
      }
      session.expiryTimer?.cancel();
      session.expiryTimer = undefined;
      if (clean || session.expiryInterval === 0) {
        this.endSession(session);
        session = undefined;
      }
    }
    const present = session !== undefined;
    session ??= new Session<Connection>(this, id);
    this.sessions.set(id, session);
    session.connection = conn;
    conn.session = session;
    return { session, present };
  }

  /** A session's connection is gone: end it now, or when its expiry interval runs out. */
  sessionDetached(session: Session<Connection>): void {
    if (this.sessions.get(session.clientId) !== session) return;
    const expiry = session.expiryInterval;
    if (expiry === 0) {
      this.endSession(session);
      return;
    }
    // persistent_client_expiration bounds the sessions that would otherwise never expire.
    const lifetime = expiry === NEVER_EXPIRES ? this.limits.persistentClientExpiration : expiry;
    if (session.persisted) {
      this.durable!.sessionCreate(session.clientId, expiry, session.username, session.listener);
      if (lifetime > 0) this.durable!.sessionExpire(session.clientId, this.clock.now() + lifetime * 1000);
    }
    if (lifetime > 0) this.startExpiry(session, lifetime);
  }

  /** The session ends in `seconds` unless its client comes back. */
  private startExpiry(session: Session<Connection>, seconds: number): void {
    session.expiryTimer = new LongTimer(() => {
      if (session.connection !== undefined) return;
      this.log('notice', `Expiring client ${session.clientId} due to timeout.`);
      this.stats.expired++;
      this.endSession(session);
    }, seconds, this.clock);
  }

  /**
   * A client got its session (handle/connect.ts): with persistence on, one that outlives its
   * connection is journaled from now on, and a journaled one that no longer does is deleted.
   */
  sessionConnected(session: Session<Connection>): void {
    const durable = this.durable;
    if (durable === undefined) return;
    if (session.expiryInterval > 0) {
      session.persisted = true;
      durable.sessionCreate(session.clientId, session.expiryInterval, session.username, session.listener);
    } else if (session.persisted) {
      session.persisted = false;
      durable.sessionDelete(session.clientId);
    }
  }

  /** Puts back a disconnected session read from the journal at start-up, its expiry counting again. */
  restoreSession(session: Session<Connection>, expiresAt: number | undefined): void {
    this.sessions.set(session.clientId, session);
    for (const [filter, options] of session.subscriptions) this.subscriptions.add(session, filter, options);
    if (expiresAt !== undefined) this.startExpiry(session, Math.max(0, (expiresAt - this.clock.now()) / 1000));
  }

  private endSession(session: Session<Connection>): void {
    if (session.persisted) {
      session.persisted = false;
      this.durable!.sessionDelete(session.clientId);
    }
    if (session.will !== undefined) publishWill(this, session);
    session.expiryTimer?.cancel();
    for (const filter of session.dropSubscriptions()) this.subscriptions.remove(session, filter);
    session.clearMessages();
    if (this.sessions.get(session.clientId) === session) this.sessions.delete(session.clientId);
  }

  /**
   * Routes one message: retained store, then every matching subscription, merged per client (one
   * copy at the highest granted QoS, carrying every subscription identifier). A publisher whose
   * subscribers' sockets are full stops being read until they drain. Returns whether anyone matched.
   */
  publish(msg: BrokerMessage, from: Connection | undefined): boolean {
    if (msg.retain && this.limits.retainAvailable) this.retained.store(msg);
    const recipients = this.recipients;
    this.current = msg;
    this.matched = false;
    this.subscriptions.match(msg.topic, this.collect);
    this.current = undefined;
    if (recipients.size === 0) return this.matched;
    for (const [session, r] of recipients) {
      session.deliver(msg, this.outgoingQos(r.qos, msg.qos), r.retainAsPublished && msg.retain, r.subIds);
      const target = session.connection;
      if (from !== undefined && target !== undefined && (target.congested || session.backlogged)) from.waitFor(target);
    }
    recipients.clear();
    return true;
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
    if (options.noLocal && session.clientId === msg.senderId) return;
    if (!this.mayRead(session, msg.topic)) return;
    this.matched = true;
    const subIds = options.identifier === undefined ? undefined : [options.identifier];
    if (shared) {
      // Each group's pick gets its own copy, apart from the client's plain subscriptions.
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
    this.dirty.push(conn);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushAll);
  }

  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    const dirty = this.dirty;
    this.dirty = [];
    for (const conn of dirty) conn.flush();
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
    for (const session of this.sessions.values()) {
      session.expiryTimer?.cancel();
      session.willTimer?.cancel();
    }
    await Promise.all(
      streams.map(
        (stream) =>
          new Promise<void>((resolve) => {
            if (stream.destroyed) resolve();
            else stream.once('close', () => resolve());
          }),
      ),
    );
  }
}
