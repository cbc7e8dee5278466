/**
 * The broker's sessions by client id (mosquitto's context hash): a CONNECT takes over or resumes
 * one, a session whose connection is gone ends now or when its expiry interval runs out, and the
 * journal's sessions are put back at start-up.
 */
import { ReasonCode } from '../protocol/reason-codes.js';
import type { Connection } from './connection.js';
import type { BrokerCore } from './core.js';
import { LongTimer } from './long-timer.js';
import { NEVER_EXPIRES, Session } from './session.js';
import type { SubscriptionTree } from './subscriptions.js';
import { cancelWill, publishWill } from './will.js';

/** What the registry uses of the broker: the floor, with the tree of its own sessions. */
export interface RegistryHost extends BrokerCore {
  readonly subscriptions: SubscriptionTree<Session<Connection>>;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session<Connection>>();

  constructor(private readonly broker: RegistryHost) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Every session, connected or kept for an absent client. */
  all(): IterableIterator<Session<Connection>> {
    return this.sessions.values();
  }

  /** Stops every session's timers (the broker is closing). */
  stopTimers(): void {
    for (const session of this.sessions.values()) {
      session.expiryTimer?.cancel();
      session.willTimer?.cancel();
    }
  }

  /**
   * Binds a CONNECT to its session: the old connection of the same client id is closed (v5
   * DISCONNECT 0x8E), the session is resumed when the client asks and one exists, else a new one
   * starts. `present` is the CONNACK's Session Present flag.
   */
  attach(conn: Connection, clean: boolean): { session: Session<Connection>; present: boolean } {
    this.broker.stats.connects++;
    const id = conn.clientId;
    let session = this.sessions.get(id);
    if (session !== undefined) {
      const old = session.connection;
      if (old !== undefined) {
        this.broker.log('error', `Client ${id} already connected, closing old connection.`);
        // The old connection's will goes out only if its session ends here (mosquitto's rule).
        const ends = clean || session.expiryInterval === 0;
        if (!ends) cancelWill(session);
        session.connection = undefined;
        if (ends) publishWill(this.broker, session);
        old.graceful = true;
        old.disconnect(ReasonCode.SessionTakenOver, 'takeover');
      } else {
        cancelWill(session);
      }
      session.expiryTimer?.cancel();
      session.expiryTimer = undefined;
      if (clean || session.expiryInterval === 0) {
        this.end(session);
        session = undefined;
      }
    }
    const present = session !== undefined;
    session ??= new Session<Connection>(this.broker, id);
    this.sessions.set(id, session);
    session.connection = conn;
    session.copyPerSubscription = conn.version === 5;
    conn.session = session;
    return { session, present };
  }

  /** A session's connection is gone: end it now, or when its expiry interval runs out. */
  detached(session: Session<Connection>): void {
    if (this.sessions.get(session.clientId) !== session) return;
    const expiry = session.expiryInterval;
    if (expiry === 0) {
      this.end(session);
      return;
    }
    // persistent_client_expiration bounds the sessions that would otherwise never expire.
    const lifetime = expiry === NEVER_EXPIRES ? this.broker.limits.persistentClientExpiration : expiry;
    if (session.persisted) {
      this.broker.durable!.sessionCreate(session.clientId, expiry, session.username, session.listener);
      if (lifetime > 0) this.broker.durable!.sessionExpire(session.clientId, this.broker.clock.now() + lifetime * 1000);
    }
    if (lifetime > 0) this.startExpiry(session, lifetime);
  }

  /** The session ends in `seconds` unless its client comes back. */
  private startExpiry(session: Session<Connection>, seconds: number): void {
    const broker = this.broker;
    session.expiryTimer = new LongTimer(() => {
      if (session.connection !== undefined) return;
      broker.log('notice', `Expiring client ${session.clientId} due to timeout.`);
      broker.stats.expired++;
      this.end(session);
    }, seconds, broker.clock);
  }

  /**
   * A client got its session (handle/connect.ts): with persistence on, one that outlives its
   * connection is journaled from now on, and a journaled one that no longer does is deleted.
   */
  connected(session: Session<Connection>): void {
    const durable = this.broker.durable;
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
  restore(session: Session<Connection>, expiresAt: number | undefined): void {
    this.sessions.set(session.clientId, session);
    for (const [filter, options] of session.subscriptions) this.broker.subscriptions.add(session, filter, options);
    if (expiresAt !== undefined) this.startExpiry(session, Math.max(0, (expiresAt - this.broker.clock.now()) / 1000));
  }

  private end(session: Session<Connection>): void {
    if (session.persisted) {
      session.persisted = false;
      this.broker.durable!.sessionDelete(session.clientId);
    }
    if (session.will !== undefined) publishWill(this.broker, session);
    session.expiryTimer?.cancel();
    for (const filter of session.dropSubscriptions()) this.broker.subscriptions.remove(session, filter);
    session.clearMessages();
    if (this.sessions.get(session.clientId) === session) this.sessions.delete(session.clientId);
  }
}
