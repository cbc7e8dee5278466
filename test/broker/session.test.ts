/** One Session against fakes of its broker and connection: flow control without sockets. */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { newMessage, type BrokerMessage } from '../../src/lib/broker/message.js';
import { Session } from '../../src/lib/broker/session.js';
import type { AuthClient, SessionHost, SessionLink } from '../../src/lib/broker/session-ports.js';
import { BrokerStats } from '../../src/lib/broker/stats.js';
import { DEFAULT_LIMITS, type BrokerLimits, type LogLevel } from '../../src/lib/broker/types.js';
import type { QoS } from '../../src/lib/protocol/packets.js';
import { FakeClock } from '../support/fake-clock.js';

class FakeHost implements SessionHost {
  readonly clock = new FakeClock();
  readonly stats = new BrokerStats();
  readonly durable = undefined;
  readonly logged: string[] = [];
  limits: BrokerLimits;
  backlogThreshold = 500;
  unreadable = new Set<string>();

  constructor(limits: Partial<BrokerLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  log(level: LogLevel, text: string): void {
    this.logged.push(`${level}: ${text}`);
  }

  mayRead(_client: AuthClient, topic: string): boolean {
    return !this.unreadable.has(topic);
  }
}

/** What went out, as "PUBLISH topic q1 m3 dup" or "PUBREL m3". */
class FakeLink implements SessionLink {
  readonly sent: string[] = [];
  pendingBytes = 0;
  pendingPackets = 0;
  wakes = 0;
  /** Payloads longer than this are "too large for the client". */
  maxPayload = Infinity;

  constructor(readonly maxInflight: number) {}

  sendPublish(msg: BrokerMessage, qos: QoS, _retain: boolean, _subIds: number[] | undefined, packetId: number, dup: boolean): boolean {
    if (msg.payload.length > this.maxPayload) return false;
    this.sent.push(`PUBLISH ${msg.topic} q${qos}${qos > 0 ? ` m${packetId}` : ''}${dup ? ' dup' : ''}`);
    return true;
  }

  sendPubrel(packetId: number): void {
    this.sent.push(`PUBREL m${packetId}`);
  }

  wake(): void {
    this.wakes++;
  }

  /** Takes what was sent so far. */
  take(): string[] {
    return this.sent.splice(0);
  }
}

function message(host: FakeHost, topic: string, size = 1, expirySeconds?: number): BrokerMessage {
  const properties = expirySeconds === undefined ? undefined : { messageExpiryInterval: expirySeconds };
  return newMessage(topic, Buffer.alloc(size), 1, false, properties, 'pub', false, host.clock.now());
}

function connected(host: FakeHost, window: number): { session: Session<FakeLink>; link: FakeLink } {
  const session = new Session<FakeLink>(host, 'c');
  const link = new FakeLink(window);
  session.connection = link;
  return { session, link };
}

describe('broker: Session flow control', () => {
  it('keeps at most the window in flight, queues the rest, and sends the next as each is acknowledged', () => {
    const host = new FakeHost();
    const { session, link } = connected(host, 2);
    for (const t of ['a', 'b', 'c', 'd']) session.deliver(message(host, t), 1, false, undefined);
    assert.deepEqual(link.take(), ['PUBLISH a q1 m1', 'PUBLISH b q1 m2']);
    assert.equal(session.queuedCount, 2);
    assert.equal(session.complete(1, 1), true);
    assert.deepEqual(link.take(), ['PUBLISH c q1 m3']);
    assert.equal(session.complete(1, 1), false, 'an id no longer in flight');
    assert.equal(session.complete(2, 2), false, 'a PUBCOMP for a QoS 1 message');
    session.complete(2, 1);
    session.complete(3, 1);
    assert.deepEqual(link.take(), ['PUBLISH d q1 m4']);
    assert.equal(session.queuedCount, 0);
  });

  it('takes QoS 2 through PUBREC to PUBCOMP, and a refused PUBREC frees the slot at once', () => {
    const host = new FakeHost();
    const { session, link } = connected(host, 1);
    session.deliver(message(host, 'a'), 2, false, undefined);
    session.deliver(message(host, 'b'), 2, false, undefined);
    session.deliver(message(host, 'c'), 2, false, undefined);
    assert.deepEqual(link.take(), ['PUBLISH a q2 m1']);
    assert.equal(session.received(1, false), true);
    assert.deepEqual(link.take(), [], 'still in flight until PUBCOMP');
    assert.equal(session.complete(1, 2), true);
    assert.deepEqual(link.take(), ['PUBLISH b q2 m2']);
    assert.equal(session.received(2, true), true);
    assert.deepEqual(link.take(), ['PUBLISH c q2 m3']);
    assert.equal(session.received(9, false), false);
  });

  it('takes a packet id when a message is queued, as mosquitto: one that expires or is dropped in between still used its id', () => {
    const host = new FakeHost({ maxQueuedMessages: 2 });
    const session = new Session<FakeLink>(host, 'c');
    session.deliver(message(host, 'expires', 1, 1), 1, false, undefined);
    session.deliver(message(host, 'kept'), 1, false, undefined);
    session.deliver(message(host, 'dropped'), 1, false, undefined);
    host.clock.advance(2000);
    const link = new FakeLink(10);
    session.connection = link;
    session.resume(link);
    assert.deepEqual(link.take(), ['PUBLISH kept q1 m2']);
    session.deliver(message(host, 'next'), 1, false, undefined);
    assert.deepEqual(link.take(), ['PUBLISH next q1 m4']);
    assert.equal(session.lastPacketId, 4);
  });

  it('stops sending while the bytes in flight reach max_inflight_bytes, but sends one larger message alone', () => {
    const host = new FakeHost({ maxInflightBytes: 10 });
    const { session, link } = connected(host, 20);
    session.deliver(message(host, 'big', 50), 1, false, undefined);
    session.deliver(message(host, 'small', 1), 1, false, undefined);
    assert.deepEqual(link.take(), ['PUBLISH big q1 m1']);
    session.complete(1, 1);
    assert.deepEqual(link.take(), ['PUBLISH small q1 m2']);
  });

  it('drops what is past max_queued_messages, counting each and logging once per run of drops', () => {
    const host = new FakeHost({ maxQueuedMessages: 2 });
    const session = new Session(host, 'away');
    for (const t of ['a', 'b', 'c', 'd']) session.deliver(message(host, t), 1, false, undefined);
    assert.equal(session.queuedCount, 2);
    assert.equal(host.stats.dropped, 2);
    assert.deepEqual(host.logged, ['notice: Outgoing messages are being dropped for client away.']);
  });

  it('drops what would take the queue past max_queued_bytes', () => {
    const host = new FakeHost({ maxQueuedBytes: 10 });
    const session = new Session(host, 'away');
    session.deliver(message(host, 'a', 6), 1, false, undefined);
    session.deliver(message(host, 'b', 5), 1, false, undefined);
    session.deliver(message(host, 'c', 4), 1, false, undefined);
    assert.equal(session.queuedCount, 2);
    assert.equal(host.stats.dropped, 1);
  });

  it('sends QoS 0 at once or not at all, unless queue_qos0_messages keeps it for a client away', () => {
    const host = new FakeHost();
    const away = new Session(host, 'away');
    away.deliver(message(host, 'zero'), 0, false, undefined);
    assert.equal(away.queuedCount, 0);
    const keeping = new Session(new FakeHost({ queueQos0Messages: true }), 'keeps');
    keeping.deliver(message(host, 'zero'), 0, false, undefined);
    assert.equal(keeping.queuedCount, 1);
    const link = new FakeLink(1);
    keeping.connection = link;
    keeping.resume(link);
    assert.deepEqual(link.take(), ['PUBLISH zero q0']);
  });

  it('drops QoS 0 for a client whose socket holds over 16 MiB unsent (no max_queued_bytes)', () => {
    const host = new FakeHost();
    const { session, link } = connected(host, 20);
    link.pendingBytes = 16 * 1024 * 1024 + 1;
    session.deliver(message(host, 'zero'), 0, false, undefined);
    assert.deepEqual(link.take(), []);
    assert.equal(host.stats.dropped, 1);
  });

  it('drops QoS 0 once max_queued_messages packets, or max_queued_bytes, wait for the socket (mosquitto db__ready_for_flight)', () => {
    const host = new FakeHost({ maxQueuedMessages: 3, maxQueuedBytes: 1000 });
    const { session, link } = connected(host, 20);
    link.pendingPackets = 2;
    session.deliver(message(host, 'a'), 0, false, undefined);
    link.pendingPackets = 3;
    session.deliver(message(host, 'b'), 0, false, undefined);
    link.pendingPackets = 0;
    link.pendingBytes = 1000;
    session.deliver(message(host, 'c'), 0, false, undefined);
    assert.deepEqual(link.take(), ['PUBLISH a q0']);
    assert.equal(host.stats.dropped, 2);
    assert.deepEqual(host.logged, ['notice: Outgoing messages are being dropped for client c.']);
  });

  it('on resume sends the unacknowledged again with DUP, PUBREL for those past PUBREC, in order, then the queue', () => {
    const host = new FakeHost();
    const first = connected(host, 3);
    const session = first.session;
    session.deliver(message(host, 'a'), 1, false, undefined);
    session.deliver(message(host, 'b'), 2, false, undefined);
    session.deliver(message(host, 'c'), 1, false, undefined);
    session.received(2, false);
    session.connection = undefined;
    session.deliver(message(host, 'd'), 1, false, undefined);
    const link = new FakeLink(3);
    session.connection = link;
    session.resume(link);
    assert.deepEqual(link.take(), ['PUBLISH a q1 m1 dup', 'PUBREL m2', 'PUBLISH c q1 m3 dup']);
    session.complete(1, 1);
    assert.deepEqual(link.take(), ['PUBLISH d q1 m4']);
  });

  it('drops messages whose expiry passed while they waited, in the queue and in flight', () => {
    const host = new FakeHost();
    const first = connected(host, 1);
    const session = first.session;
    session.deliver(message(host, 'inflight', 1, 5), 1, false, undefined);
    session.connection = undefined;
    session.deliver(message(host, 'short', 1, 5), 1, false, undefined);
    session.deliver(message(host, 'long', 1, 60), 1, false, undefined);
    host.clock.advance(5000);
    const link = new FakeLink(1);
    session.connection = link;
    session.resume(link);
    assert.deepEqual(link.take(), ['PUBLISH long q1 m3'], "'short' took m2 when it was queued");
    assert.equal(session.queuedCount, 0);
  });

  it('checks read access again on the way out, and settles a message too large for the client as if sent', () => {
    const host = new FakeHost();
    const session = new Session<FakeLink>(host, 'c');
    session.deliver(message(host, 'revoked'), 1, false, undefined);
    session.deliver(message(host, 'huge', 100), 1, false, undefined);
    session.deliver(message(host, 'fine'), 1, false, undefined);
    host.unreadable.add('revoked');
    const link = new FakeLink(1);
    link.maxPayload = 10;
    session.connection = link;
    session.resume(link);
    assert.deepEqual(link.take(), ['PUBLISH fine q1 m3'], "'revoked' and 'huge' took m1 and m2 when they were queued");
  });

  it('gives packet ids from 1, wraps after 65535 and skips those still in flight', () => {
    const host = new FakeHost({ maxInflightMessages: 0 });
    const { session, link } = connected(host, 0xffff);
    session.deliver(message(host, 'held'), 1, false, undefined);
    for (let i = 2; i <= 0xffff; i++) {
      session.deliver(message(host, 't'), 1, false, undefined);
      session.complete(i, 1);
    }
    link.take();
    session.deliver(message(host, 'wrapped'), 1, false, undefined);
    assert.deepEqual(link.take(), ['PUBLISH wrapped q1 m2'], 'm1 is still in flight');
  });

  it('is backlogged at the threshold and ready for more below half of it, waking the publishers then', () => {
    const host = new FakeHost();
    host.backlogThreshold = 4;
    const { session, link } = connected(host, 1);
    for (let i = 0; i < 5; i++) session.deliver(message(host, `m${i}`), 1, false, undefined);
    assert.equal(session.queuedCount, 4);
    assert.equal(session.backlogged, true);
    session.complete(1, 1);
    session.complete(2, 1);
    assert.equal(session.backlogged, false);
    assert.equal(session.readyForMore, false);
    assert.equal(link.wakes, 0);
    session.complete(3, 1);
    assert.equal(session.readyForMore, true);
    assert.equal(link.wakes, 1);
  });
});
