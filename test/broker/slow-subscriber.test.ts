/**
 * A subscriber that stops reading costs only itself: publishers are held for it a bounded time
 * (hold-budget.ts), then its own queue limits drop what it cannot take, logged once and counted,
 * while the publisher and every other subscriber go on. In memory on a fake clock, with a
 * subscriber whose socket takes nothing while it is stalled; then once on real sockets, at full
 * speed.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { connect } from 'node:net';
import { Duplex } from 'node:stream';
import { MqttClient } from '../../src/lib/client/client.js';
import { HOLD_MS } from '../../src/lib/broker/hold-budget.js';
import type { QoS } from '../../src/lib/protocol/packets.js';
import { useMemoryBroker, type MemoryBroker } from '../support/memory-broker.js';
import { RawClient } from '../support/raw-client.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

/** The broker's end of a pipe whose client can stop reading: its writes then never complete. */
class StallingEnd extends Duplex {
  peer: Duplex | undefined;
  private held: (() => void)[] | undefined;

  stall(): void {
    this.held = [];
  }

  /** The client reads the oldest write held, and no more. */
  readOne(): void {
    this.held?.shift()?.();
  }

  /** The client reads again: everything held arrives, and the broker's socket drains. */
  unstall(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const deliver of held) deliver();
  }

  override _read(): void {
    // Data is pushed by the client's writes.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const deliver = (): void => {
      this.peer?.push(chunk);
      done();
    };
    if (this.held === undefined) deliver();
    else this.held.push(deliver);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (this.peer !== undefined && !this.peer.destroyed) this.peer.destroy();
    done(error);
  }
}

class ClientEnd extends Duplex {
  constructor(private readonly broker: StallingEnd) {
    super();
  }

  override _read(): void {
    // Data is pushed by the broker's writes.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.broker.push(chunk);
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (!this.broker.destroyed) this.broker.destroy();
    done(error);
  }
}

/** Lets the in-memory streams carry what was written (no clock involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('broker: a stalled subscriber costs only itself', function () {
  const stalledEnds: StallingEnd[] = [];
  // Before the brokers close: a socket that never drains would hold their close up.
  afterEach(() => {
    for (const end of stalledEnds.splice(0)) end.destroy();
  });
  const start = useMemoryBroker();

  async function stalledSubscriber(mb: MemoryBroker, qos: QoS): Promise<StallingEnd> {
    const far = new StallingEnd();
    const near = new ClientEnd(far);
    far.peer = near;
    stalledEnds.push(far);
    mb.broker.handleConnection(far, { remoteAddress: '127.0.0.1', remotePort: 2, listener: mb.listener });
    const c = RawClient.over(near);
    c.send({ type: 'connect', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'stalled' });
    await c.next('connack');
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '#', qos }] });
    await c.next('suback');
    far.stall();
    return far;
  }

  async function healthySubscriber(mb: MemoryBroker): Promise<RawClient> {
    const c = await mb.client({ clientId: 'healthy' });
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'load', qos: 0 }] });
    await c.next('suback');
    return c;
  }

  const payload = Buffer.alloc(1024, 0x61);

  it('holds a QoS 1 publisher for the hold time at most, then acknowledges everything and drops beyond the queue limits for that subscriber alone', async () => {
    const mb = start({ limits: { maxInflightMessages: 20, maxQueuedMessages: 100 } });
    await stalledSubscriber(mb, 1);
    const healthy = await healthySubscriber(mb);
    const pub = await mb.client({ clientId: 'pub' });
    const total = 300;
    for (let id = 1; id <= total; id++) pub.send({ type: 'publish', topic: 'load', payload, qos: 1, retain: false, dup: false, packetId: id });
    await settle();
    const held = pub.take('puback').length;
    assert.ok(held < total, 'the publisher was not held at all');
    mb.clock.advance(HOLD_MS - 1);
    await settle();
    assert.equal(pub.take('puback').length, 0, 'released before the hold time');
    mb.clock.advance(1);
    await pub.ping();
    assert.equal(pub.take('puback').length, total - held);
    await healthy.ping();
    assert.equal(healthy.take('publish').length, total);
    assert.equal(mb.broker.stats.dropped, total - 20 - 100);
    assert.deepEqual(mb.log.filter((l) => l.includes('being dropped')), ['notice: Outgoing messages are being dropped for client stalled.']);
  });

  it('drops QoS 0 once max_queued_messages packets wait for its socket; once its hold time is spent the publisher is not held for it again', async () => {
    const mb = start({ limits: { maxQueuedMessages: 50 } });
    await stalledSubscriber(mb, 0);
    const healthy = await healthySubscriber(mb);
    const pub = await mb.client({ clientId: 'pub' });
    const burst = (): void => {
      for (let i = 0; i < 500; i++) pub.send({ type: 'publish', topic: 'load', payload, qos: 0, retain: false, dup: false });
    };
    // The first burst fills the stalled socket; the second finds it full and is held, HOLD_MS at most.
    for (let round = 0; round < 2; round++) {
      burst();
      await settle();
      mb.clock.advance(HOLD_MS);
    }
    await pub.ping();
    // The third is read without the clock moving.
    burst();
    await pub.ping();
    await healthy.ping();
    assert.equal(healthy.take('publish').length, 1500);
    assert.ok(mb.broker.stats.dropped >= 1500 - 500 - 50, `dropped ${mb.broker.stats.dropped}`);
    assert.equal(mb.log.filter((l) => l.includes('being dropped')).length, 1);
  });

  it('counts as waiting only what its socket still holds: a client that reads, if never quite all, loses nothing', async () => {
    const mb = start({ limits: { maxQueuedMessages: 110 } });
    const slow = await stalledSubscriber(mb, 0);
    const pub = await mb.client({ clientId: 'pub' });
    const burst = (n: number): void => {
      for (let i = 0; i < n; i++) pub.send({ type: 'publish', topic: 'load', payload, qos: 0, retain: false, dup: false });
    };
    // 60 packets fill its socket; 40 more wait behind them, written once the hold time is over.
    burst(60);
    await settle();
    burst(40);
    await settle();
    mb.clock.advance(HOLD_MS);
    await pub.ping();
    // It reads the first 60: 40 wait, though 100 were written since its socket filled.
    slow.readOne();
    burst(30);
    await pub.ping();
    assert.equal(mb.broker.stats.dropped, 0);
    assert.equal(mb.broker.stats.publishSent, 130);
  });

  it('loses nothing for a subscriber that catches up within the hold time', async () => {
    const mb = start({ limits: { maxQueuedMessages: 50 } });
    const stalled = await stalledSubscriber(mb, 0);
    const pub = await mb.client({ clientId: 'pub' });
    for (let i = 0; i < 500; i++) pub.send({ type: 'publish', topic: 'load', payload, qos: 0, retain: false, dup: false });
    await settle();
    mb.clock.advance(HOLD_MS / 2);
    stalled.unstall();
    await pub.ping();
    assert.equal(mb.broker.stats.dropped, 0);
    assert.equal(mb.broker.stats.publishSent, 500);
  });
});

describe('broker: a `#` subscriber that never reads, on real sockets', function () {
  let tb: TestBroker;
  const raws: RawClient[] = [];
  const clients: MqttClient[] = [];
  before(async () => {
    tb = await startTestBroker();
  });
  after(async () => {
    for (const c of raws.splice(0)) c.close();
    for (const c of clients.splice(0)) c.destroy();
    await tb.close();
  });

  async function raw(clientId: string): Promise<RawClient> {
    const { client } = await RawClient.connected(tb.port, { clientId });
    raws.push(client);
    return client;
  }

  const payload = Buffer.alloc(1024, 0x62);

  /** Everything `pub` sent has been handled: its PINGRESP is back (20 MB on a shared CPU may take seconds). */
  async function handled(pub: RawClient): Promise<void> {
    pub.send({ type: 'pingreq' });
    await pub.next('pingresp', 30_000);
  }

  it('takes QoS 0 and QoS 1 publishers at full speed: every QoS 1 acknowledged, every message to the healthy subscriber, the stalled one dropped for, logged once and counted', async function () {
    this.timeout(60_000);
    const stalled = await raw('never-reads');
    stalled.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 1 }] });
    await stalled.next('suback');
    stalled.socket.pause();
    const healthy = new MqttClient({ protocolVersion: 4, clientId: 'reads', clean: true, keepalive: 30 });
    clients.push(healthy);
    await healthy.connect(connect({ host: '127.0.0.1', port: tb.port }));
    await healthy.subscribe([{ topicFilter: 'load/#', qos: 0 }]);
    const counts = new Map<string, number>();
    const ends = new Map<string, () => void>();
    healthy.on('message', (m) => {
      counts.set(m.topic, (counts.get(m.topic) ?? 0) + 1);
      ends.get(m.topic)?.();
    });
    /** Resolves when the healthy subscriber has received `n` messages on `topic`. */
    const received = (topic: string, n: number): Promise<void> =>
      new Promise((resolve) => {
        ends.set(topic, () => {
          if (counts.get(topic) === n) resolve();
        });
      });

    // In rounds the healthy subscriber, in this same process, keeps up with: the publisher itself
    // is never throttled by it, and nothing is dropped for it.
    const round = 500;
    async function publishInRounds(pub: RawClient, topic: string, qos: QoS, total: number): Promise<void> {
      for (let sent = 0; sent < total; sent += round) {
        const arrived = received(topic, sent + round);
        for (let i = 1; i <= round; i++) pub.send({ type: 'publish', topic, payload, qos, retain: false, dup: false, ...(qos > 0 ? { packetId: sent + i } : {}) });
        await handled(pub);
        await arrived;
      }
    }
    // QoS 0: more than loopback's socket buffers and max_queued_messages (1000) packets hold.
    await publishInRounds(await raw('pub-qos0'), 'load/0', 0, 20_000);
    // QoS 1: more than max_inflight_messages (20) and max_queued_messages (1000) hold; all acknowledged.
    const pub1 = await raw('pub-qos1');
    await publishInRounds(pub1, 'load/1', 1, 3000);
    assert.equal(pub1.take('puback').length, 3000);

    assert.ok(tb.broker.stats.dropped > 0, 'nothing was dropped for the stalled subscriber');
    assert.deepEqual(tb.log.filter((l) => l.includes('being dropped')), ['notice: Outgoing messages are being dropped for client never-reads.']);
  });
});
