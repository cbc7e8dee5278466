import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { ConnectPacket } from '../../src/lib/protocol/packets.js';
import { FakeClock } from '../support/fake-clock.js';
import { RawClient } from '../support/raw-client.js';
import { useRawBroker } from '../support/broker-suite.js';
import { startTestBroker } from '../support/test-broker.js';

describe('broker: bad input, limits and wills', function () {
  const suite = useRawBroker();
  const { start, client } = suite;

  async function watch(filter: string): Promise<RawClient> {
    const c = await client({ clientId: `watch-${filter}` });
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: filter, qos: 1 }] });
    await c.next('suback');
    return c;
  }

  const will = (topic: string): ConnectPacket['will'] => ({ topic, payload: Buffer.from('will'), qos: 0, retain: false });

  // PUBLISH QoS 0 whose topic length (0x0010) runs past the packet.
  const MALFORMED = [0x30, 0x04, 0x00, 0x10, 0x61, 0x62];

  it('closes a v3 connection on malformed input and publishes its will', async () => {
    const b = await start();
    const watcher = await watch('will/#');
    const bad = await client({ clientId: 'bad', will: will('will/bad') });
    bad.sendBytes(MALFORMED);
    await bad.waitClosed();
    assert.equal((await watcher.next('publish')).topic, 'will/bad');
    assert.deepEqual(bad.received, []);
    await b.waitForLog(/Client bad disconnected due to malformed packet\./);
  });

  it("names a QoS of 3 in the log before closing, in mosquitto 2.0's words, and a reserved packet type as a protocol error", async () => {
    const b = await start();
    const cases: [string, number[], RegExp[]][] = [
      ['q3pub', [0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01], [/^information: Invalid QoS in PUBLISH from q3pub, disconnecting\.$/, /^notice: Client q3pub disconnected due to malformed packet\.$/]],
      ['q3sub', [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x03], [/^information: Invalid QoS in subscription command from .+, disconnecting\.$/, /^notice: Client q3sub disconnected due to malformed packet\.$/]],
      ['type0', [0x00, 0x00], [/^notice: Client type0 disconnected due to protocol error\.$/]],
      ['auth3', [0xf0, 0x00], [/^notice: Client auth3 disconnected due to protocol error\.$/]],
    ];
    for (const [id, bytes, lines] of cases) {
      const bad = await client({ clientId: id });
      bad.sendBytes(bytes);
      await bad.waitClosed();
      for (const line of lines) await b.waitForLog(line);
    }
    // mosquitto reads an empty filter as none and fails on the next bytes: no "Invalid subscription string" line.
    const empty = await client({ clientId: 'empty' });
    empty.sendBytes([0x82, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00]);
    await empty.waitClosed();
    await b.waitForLog(/^notice: Client empty disconnected due to malformed packet\.$/);
    assert.equal(b.log.filter((l) => l.includes('Invalid subscription string')).length, 0);
    // UNSUBSCRIBE names the client by its id, and an empty filter has words of its own.
    const unsubs: [string, number[], RegExp][] = [
      ['unsub-bad', [0xa2, 0x09, 0x00, 0x01, 0x00, 0x05, 0x61, 0x2f, 0x23, 0x2f, 0x62], /^information: Invalid unsubscription string from unsub-bad, disconnecting\.$/],
      ['unsub-empty', [0xa2, 0x04, 0x00, 0x01, 0x00, 0x00], /^information: Empty unsubscription string from unsub-empty, disconnecting\.$/],
    ];
    for (const [id, bytes, line] of unsubs) {
      const bad = await client({ clientId: id });
      bad.sendBytes(bytes);
      await bad.waitClosed();
      await b.waitForLog(line);
    }
  });

  it('warns of a PUBREC for a packet identifier it never sent, in mosquitto\'s words, and answers it with PUBREL', async () => {
    const b = await start();
    const c = await client({ clientId: 'stray' });
    c.send({ type: 'pubrec', packetId: 5 });
    assert.equal((await c.next('pubrel')).packetId, 5);
    await b.waitForLog(/^warning: Warning: Received PUBREC from stray for an unknown packet identifier 5\.$/);
  });

  it('refuses a $share/ filter with no share name or nothing after it in the SUBACK, keeping the connection', async () => {
    await start();
    for (const version of [4, 5] as const) {
      const c = await client({ clientId: `share-${version}` }, version);
      c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '$share//a', qos: 0 }, { topicFilter: '$share/g', qos: 0 }, { topicFilter: '$share/g/a', qos: 1 }] });
      const failure = version === 5 ? 0x8f : 0x80;
      assert.deepEqual((await c.next('suback')).reasonCodes, [failure, failure, 1]);
      await c.ping();
    }
  });

  it('sends a v5 client DISCONNECT 0x81 for malformed input, 0x82 for a protocol error', async () => {
    await start();
    const bad = await client({ clientId: 'bad5' }, 5);
    bad.sendBytes(MALFORMED);
    assert.equal((await bad.next('disconnect')).reasonCode, 0x81);
    await bad.waitClosed();
    const second = await client({ clientId: 'twice' }, 5);
    second.send({ type: 'connect', protocolVersion: 5, clean: true, keepalive: 60, clientId: 'twice' });
    assert.equal((await second.next('disconnect')).reasonCode, 0x82);
  });

  it('disconnects a v5 client that exceeds the receive maximum with 0x93', async () => {
    await start({ limits: { receiveMaximum: 2 } });
    const c = await client({ clientId: 'greedy' }, 5);
    for (let id = 1; id <= 3; id++) {
      c.send({ type: 'publish', topic: 'q2', payload: Buffer.from('x'), qos: 2, retain: false, dup: false, packetId: id });
    }
    assert.equal((await c.next('disconnect')).reasonCode, 0x93);
    await c.waitClosed();
  });

  it('after its DISCONNECT, reads on (discarding) until the client closes too, so a client still sending is not reset', async () => {
    const b = await start({ limits: { receiveMaximum: 2 } });
    const other = await client({ clientId: 'other' }, 5);
    // Half open, as a client that writes on after the broker's FIN (paho's test_flow_control2 sends PUBREL).
    const socket = connect({ host: '127.0.0.1', port: b.port, allowHalfOpen: true });
    let failure: Error | undefined;
    socket.on('error', (err) => (failure = err));
    const c = RawClient.over(socket, 5);
    try {
      await once(socket, 'connect');
      c.send({ type: 'connect', protocolVersion: 5, clean: true, keepalive: 60, clientId: 'greedy' });
      await c.next('connack');
      for (let id = 1; id <= 3; id++) {
        c.send({ type: 'publish', topic: 'q2', payload: Buffer.from('x'), qos: 2, retain: false, dup: false, packetId: id });
      }
      assert.equal((await c.next('disconnect')).reasonCode, 0x93);
      assert.deepEqual(
        c.take('pubrec').map((p) => p.packetId),
        [1, 2],
      );
      await once(socket, 'end');
      // Each write after a round trip through the broker: a socket it had closed would have reset the first, failing the second.
      for (const packetId of [1, 2]) {
        c.send({ type: 'pubrel', packetId, reasonCode: 0 });
        await other.ping();
      }
      socket.end();
      await c.waitClosed();
      assert.equal(failure, undefined);
    } finally {
      c.close();
    }
  });

  it('stopping the broker destroys a socket it had closed whose client never closed its side', async () => {
    // On a fake clock the 2 s grace for a closed socket never runs out: only the stop can end it.
    const b = await startTestBroker({ clock: new FakeClock() });
    const socket = connect({ host: '127.0.0.1', port: b.port, allowHalfOpen: true });
    socket.on('error', () => undefined);
    const c = RawClient.over(socket);
    try {
      await once(socket, 'connect');
      c.send({ type: 'connect', protocolVersion: 4, clean: true, keepalive: 60, clientId: 'lingers' });
      await c.next('connack');
      c.send({ type: 'connect', protocolVersion: 4, clean: true, keepalive: 60, clientId: 'lingers' });
      await once(socket, 'end');
      // Resolves only once every socket is gone: one left reading on, waiting for this side to close, would hold it forever.
      await b.close();
    } finally {
      c.close();
    }
  });

  it('drops a v3 QoS 2 PUBLISH past max_inflight_messages + max_queued_messages awaiting PUBREL, still acknowledging it', async () => {
    const b = await start({ limits: { maxInflightMessages: 1, maxQueuedMessages: 1 } });
    // At QoS 0, so that no queue of the watcher's holds the publisher back.
    const watcher = await client({ clientId: 'watch-held' });
    watcher.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'held/#', qos: 0 }] });
    await watcher.next('suback');
    const c = await client({ clientId: 'hoarder' });
    for (let id = 1; id <= 3; id++) {
      c.send({ type: 'publish', topic: `held/${id}`, payload: Buffer.from('x'), qos: 2, retain: false, dup: false, packetId: id });
      assert.equal((await c.next('pubrec')).packetId, id);
    }
    for (let id = 1; id <= 3; id++) {
      c.send({ type: 'pubrel', packetId: id });
      assert.equal((await c.next('pubcomp')).packetId, id);
    }
    assert.deepEqual([(await watcher.next('publish')).topic, (await watcher.next('publish')).topic], ['held/1', 'held/2']);
    await watcher.assertNone('publish');
    await b.waitForLog(/Dropped QoS 2 PUBLISH from hoarder .*'held\/3'.*too many awaiting PUBREL/);
  });

  it('refuses packets over max_packet_size with 0x95, announced in the CONNACK', async () => {
    await start({ limits: { maxPacketSize: 100 } });
    const { client: c, connack } = await suite.connect({ clientId: 'big' }, 5);
    assert.equal(connack.properties?.maximumPacketSize, 100);
    c.send({ type: 'publish', topic: 't', payload: Buffer.alloc(200), qos: 0, retain: false, dup: false });
    assert.equal((await c.next('disconnect')).reasonCode, 0x95);
  });

  it('refuses QoS above maximum_qos (0x9B) and retained messages when retain is not available (0x9A)', async () => {
    await start({ limits: { maximumQos: 1, retainAvailable: false } });
    const { client: q, connack } = await suite.connect({ clientId: 'q' }, 5);
    assert.equal(connack.properties?.maximumQoS, 1);
    assert.equal(connack.properties?.retainAvailable, 0);
    q.send({ type: 'publish', topic: 't', payload: Buffer.from('x'), qos: 2, retain: false, dup: false, packetId: 1 });
    assert.equal((await q.next('disconnect')).reasonCode, 0x9b);
    const r = await client({ clientId: 'r' }, 5);
    r.send({ type: 'publish', topic: 't', payload: Buffer.from('x'), qos: 0, retain: true, dup: false });
    assert.equal((await r.next('disconnect')).reasonCode, 0x9a);
  });

  it("a listener's maximum_qos and max_topic_alias override the broker's", async () => {
    await start({ limits: { maximumQos: 2, maxTopicAlias: 10 }, settings: { maximumQos: 1, maxTopicAlias: 3 } });
    const { client: c, connack } = await suite.connect({ clientId: 'l' }, 5);
    assert.equal(connack.properties?.maximumQoS, 1);
    assert.equal(connack.properties?.topicAliasMaximum, 3);
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a', qos: 2 }] });
    assert.deepEqual((await c.next('suback')).reasonCodes, [1]);
    c.send({ type: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: 3 } });
    assert.equal((await c.next('publish')).payload.toString(), 'x');
    c.send({ type: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: 4 } });
    assert.equal((await c.next('disconnect')).reasonCode, 0x94);
    const q = await client({ clientId: 'q' }, 5);
    q.send({ type: 'publish', topic: 't', payload: Buffer.from('x'), qos: 2, retain: false, dup: false, packetId: 1 });
    assert.equal((await q.next('disconnect')).reasonCode, 0x9b);
  });

  it('drops payloads over message_size_limit, says so, and counts them in $SYS', async () => {
    const b = await start({ limits: { messageSizeLimit: 10 }, sysInterval: 1 });
    const watcher = await watch('size/#');
    const c = await client({ clientId: 'sz' }, 5);
    c.send({ type: 'publish', topic: 'size/a', payload: Buffer.alloc(11), qos: 1, retain: false, dup: false, packetId: 1 });
    assert.equal((await c.next('puback')).reasonCode, 0x95);
    await b.waitForLog(/notice: Dropped too large PUBLISH from sz \(d0, q1, r0, m1, 'size\/a', \.\.\. \(11 bytes\)\)/);
    await watcher.assertNone('publish');
    const sys = await client({ clientId: 'sys' });
    sys.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '$SYS/broker/publish/messages/dropped', qos: 0 }] });
    // Made current by the subscription, not by the next sys_interval.
    assert.equal((await sys.next('publish')).payload.toString(), '1');
  });

  it('makes the $SYS counters current for a client subscribing to them, not only every sys_interval', async () => {
    // On a fake clock the interval never comes: what the subscriber reads was updated for it.
    await start({ sysInterval: 10, clock: new FakeClock() });
    await watch('a/#');
    await watch('b/#');
    const sys = await client({ clientId: 'student' });
    sys.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '$SYS/broker/clients/total', qos: 0 }, { topicFilter: '$SYS/broker/subscriptions/count', qos: 0 }] });
    await sys.next('suback');
    const values = [await sys.next('publish'), await sys.next('publish')].map((p) => `${p.topic} ${p.payload.toString()}`);
    assert.deepEqual(values, ['$SYS/broker/clients/total 3', '$SYS/broker/subscriptions/count 2']);
  });

  it('drops QoS 1 beyond max_queued_messages for an offline session, logs it once and counts it', async () => {
    const b = await start({ limits: { maxQueuedMessages: 3 } });
    const away = await client({ clientId: 'away', clean: false });
    away.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'load', qos: 1 }] });
    await away.next('suback');
    away.close();
    await b.waitForLog(/Client away closed its connection\./);
    const pub = await client({ clientId: 'pub' });
    for (let id = 1; id <= 8; id++) pub.send({ type: 'publish', topic: 'load', payload: Buffer.from(String(id)), qos: 1, retain: false, dup: false, packetId: id });
    for (let id = 1; id <= 8; id++) await pub.next('puback');
    await b.waitForLog(/Outgoing messages are being dropped for client away\./);
    assert.equal(b.log.filter((l) => l.includes('being dropped')).length, 1);
    assert.equal(b.broker.stats.dropped, 5);
    const back = await client({ clientId: 'away', clean: false });
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await back.next('publish');
      got.push(m.payload.toString());
      back.send({ type: 'puback', packetId: m.packetId! });
    }
    assert.deepEqual(got, ['1', '2', '3']);
    await back.assertNone('publish');
  });

  it('sends the will after a v5 DISCONNECT 0x04, but not after a normal DISCONNECT', async () => {
    await start();
    const watcher = await watch('w/#');
    const normal = await client({ clientId: 'n', will: will('w/normal') }, 5);
    normal.send({ type: 'disconnect' });
    await normal.waitClosed();
    const withWill = await client({ clientId: 'ww', will: will('w/asked') }, 5);
    withWill.send({ type: 'disconnect', reasonCode: 0x04 });
    assert.equal((await watcher.next('publish')).topic, 'w/asked');
    await watcher.assertNone('publish');
  });

  it('resumes a persistent session: queued QoS 1 arrives, unacknowledged ones again with DUP', async () => {
    await start();
    const sub = await client({ clientId: 'keep', clean: false });
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'p', qos: 1 }] });
    await sub.next('suback');
    const pub = await client({ clientId: 'pp' });
    pub.send({ type: 'publish', topic: 'p', payload: Buffer.from('unacked'), qos: 1, retain: false, dup: false, packetId: 1 });
    const first = await sub.next('publish');
    sub.close();
    await suite.broker().waitForLog(/Client keep closed its connection\./);
    pub.send({ type: 'publish', topic: 'p', payload: Buffer.from('queued'), qos: 1, retain: false, dup: false, packetId: 2 });
    await pub.next('puback');
    await pub.next('puback');
    const { client: again, connack } = await suite.connect({ clientId: 'keep', clean: false });
    assert.equal(connack.sessionPresent, true);
    const resent = await again.next('publish');
    const queued = await again.next('publish');
    assert.deepEqual([resent.payload.toString(), resent.dup, resent.packetId], ['unacked', true, first.packetId]);
    assert.deepEqual([queued.payload.toString(), queued.dup], ['queued', false]);
  });
});
