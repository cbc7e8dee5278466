import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { MqttClient } from '../../src/lib/client/client.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import { FakeClock } from '../support/fake-clock.js';
import { RawClient } from '../support/raw-client.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

/**
 * Resolves once `probe` has given the same answer for `turns` event-loop turns in a row: the
 * broker and its clients share this loop, so data moving over loopback shows on the next turn.
 * How a test knows that a flow has stopped without waiting on the wall clock.
 */
async function settled(probe: () => readonly number[], turns = 50): Promise<void> {
  let last = probe().join();
  for (let same = 0; same < turns; ) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = probe().join();
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

describe('broker: flows and backpressure', function () {
  let tb: TestBroker;
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];
  // A clock that stands still: a paused publisher's longest pause (MAX_PAUSE_MS) never runs out
  // while a test looks.
  beforeEach(async () => {
    tb = await startTestBroker({ clock: new FakeClock() });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const r of raws.splice(0)) r.close();
    await tb.close();
  });

  async function mqttClient(clientId: string, protocolVersion: 4 | 5): Promise<MqttClient> {
    const client = new MqttClient({ protocolVersion, clientId, clean: true, keepalive: 30 });
    clients.push(client);
    await client.connect(connect({ host: '127.0.0.1', port: tb.port }));
    return client;
  }

  it('carries QoS 1 and 2 between our own clients, v3.1.1 to v5, with every message exactly once', async () => {
    const sub = await mqttClient('flow-sub', 5);
    const got: PublishPacket[] = [];
    const allArrived = new Promise<void>((resolve) => {
      sub.on('message', (m) => {
        got.push(m);
        if (got.length === 100) resolve();
      });
    });
    await sub.subscribe([{ topicFilter: 'flow/#', qos: 2 }]);
    const pub = await mqttClient('flow-pub', 4);
    const sends = [];
    for (let i = 0; i < 100; i++) {
      sends.push(pub.publish({ topic: `flow/${i % 3}`, payload: Buffer.from(String(i)), qos: i % 2 === 0 ? 2 : 1, retain: false }));
    }
    await Promise.all(sends);
    await allArrived;
    const numbers = got.map((m) => Number(m.payload.toString()));
    assert.deepEqual([...numbers].sort((a, b) => a - b), [...Array(100).keys()]);
    // Order holds per QoS (our client hands QoS 2 over only after PUBREL, so the two interleave).
    for (const parity of [0, 1]) {
      const sameQos = numbers.filter((n) => n % 2 === parity);
      assert.deepEqual(sameQos, [...sameQos].sort((a, b) => a - b));
    }
  });

  it('stops reading a publisher while a subscriber does not read, and loses nothing once it does', async function () {
    this.slow(6000);
    const sub = (await RawClient.connected(tb.port, { clientId: 'stalled' })).client;
    raws.push(sub);
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'flood', qos: 0 }] });
    await sub.next('suback');
    sub.socket.pause();
    const pub = (await RawClient.connected(tb.port, { clientId: 'flooder' })).client;
    raws.push(pub);
    const total = 20_000;
    const payload = Buffer.alloc(1024, 0x61);
    for (let i = 0; i < total; i++) pub.send({ type: 'publish', topic: 'flood', payload, qos: 0, retain: false, dup: false });
    await settled(() => [tb.broker.stats.publishReceived, pub.socket.writableLength]);
    const read = tb.broker.stats.publishReceived;
    assert.ok(read < total, `the broker read all ${total} publishes into memory`);
    assert.ok(pub.socket.writableLength > 0, 'the publisher was not pushed back');
    // RawClient's own 'data' listener came first: the packets of this chunk are counted already.
    const allArrived = new Promise<void>((resolve) => {
      sub.socket.on('data', () => {
        if (sub.received.length >= total) resolve();
      });
    });
    sub.socket.resume();
    await allArrived;
    assert.equal(sub.received.length, total);
  });

  it('pauses a QoS 1 publisher while a subscriber lags, instead of dropping at max_queued_messages', async function () {
    await tb.close();
    tb = await startTestBroker({ limits: { maxInflightMessages: 2, maxQueuedMessages: 10 }, clock: new FakeClock() });
    const sub = (await RawClient.connected(tb.port, { clientId: 'lagging' })).client;
    raws.push(sub);
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'work', qos: 1 }] });
    await sub.next('suback');
    const pub = (await RawClient.connected(tb.port, { clientId: 'producer' })).client;
    raws.push(pub);
    const total = 30;
    for (let id = 1; id <= total; id++) {
      pub.send({ type: 'publish', topic: 'work', payload: Buffer.from(String(id)), qos: 1, retain: false, dup: false, packetId: id });
      await new Promise((r) => setTimeout(r, 5));
    }
    await settled(() => [pub.received.length, sub.received.length]);
    const acked = pub.received.filter((p) => p.type === 'puback').length;
    assert.ok(acked < total, 'the publisher was read to the end although the subscriber lagged');
    const got: string[] = [];
    while (got.length < total) {
      const m = await sub.next('publish');
      got.push(m.payload.toString());
      sub.send({ type: 'puback', packetId: m.packetId! });
    }
    assert.deepEqual(got, Array.from({ length: total }, (_, i) => String(i + 1)));
    assert.equal(tb.broker.stats.dropped, 0);
  });
});
