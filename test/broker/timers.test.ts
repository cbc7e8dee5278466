/**
 * The broker's timers on a fake clock, its clients on in-memory pairs: keepalive, will delay,
 * session and message expiry and the CONNECT deadline, each checked just before and at its time.
 */
import assert from 'node:assert/strict';
import type { ConnectPacket } from '../../src/lib/protocol/packets.js';
import { useMemoryBroker, type MemoryBroker } from '../support/memory-broker.js';
import { memoryPair } from '../support/memory-pair.js';
import { RawClient } from '../support/raw-client.js';

describe('broker: timers on a fake clock', function () {
  const start = useMemoryBroker();

  async function watch(mb: MemoryBroker, filter: string): Promise<RawClient> {
    const c = await mb.client({ clientId: `watch-${filter}` });
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: filter, qos: 1 }] });
    await c.next('suback');
    return c;
  }

  /** Everything the broker sent `c` before this has arrived once the PINGRESP has. */
  async function barrier(c: RawClient): Promise<void> {
    c.send({ type: 'pingreq' });
    await c.next('pingresp');
  }

  const will = (topic: string, delay?: number): ConnectPacket['will'] => ({
    topic,
    payload: Buffer.from('bye'),
    qos: 1,
    retain: false,
    ...(delay === undefined ? {} : { properties: { willDelayInterval: delay } }),
  });

  it('closes a client silent for 1.5 × its keepalive, not a millisecond before, and publishes its will', async () => {
    const mb = start();
    const watcher = await watch(mb, 'will/#');
    const quiet = await mb.client({ clientId: 'quiet', keepalive: 1, will: will('will/quiet') });
    mb.clock.advance(1499);
    assert.equal(mb.logged(/Client quiet has exceeded timeout/), false);
    mb.clock.advance(1);
    assert.ok(mb.logged(/^notice: Client quiet has exceeded timeout, disconnecting\.$/));
    assert.equal((await watcher.next('publish')).payload.toString(), 'bye');
    await quiet.waitClosed();
  });

  it('keeps a client that pings past its first keepalive period, and closes it 1.5 × keepalive after it falls silent', async () => {
    const mb = start();
    const talker = await mb.client({ clientId: 'talker', keepalive: 1 });
    for (let i = 0; i < 5; i++) {
      mb.clock.advance(500);
      await barrier(talker);
    }
    mb.clock.advance(1499);
    assert.equal(mb.logged(/exceeded timeout/), false);
    mb.clock.advance(1);
    assert.ok(mb.logged(/Client talker has exceeded timeout, disconnecting\./));
    await talker.waitClosed();
  });

  it('closes a connection that sends no CONNECT within 20 s', () => {
    const mb = start();
    const [near, far] = memoryPair();
    mb.broker.handleConnection(far, { remoteAddress: '127.0.0.1', remotePort: 1, listener: mb.listener });
    const silent = RawClient.over(near);
    mb.clock.advance(19_999);
    assert.equal(mb.logged(/Client <unknown> closed its connection/), false);
    mb.clock.advance(1);
    assert.ok(mb.logged(/Client <unknown> closed its connection\./));
    return silent.waitClosed();
  });

  /** Lets the in-memory pair carry what was just written to the broker (no clock involved). */
  const carried = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('counts keepalive from the last complete packet: an unfinished one dripped a byte at a time does not keep a client', async () => {
    const mb = start();
    const drip = await mb.client({ clientId: 'drip', keepalive: 1 });
    // A PUBLISH claiming 127 bytes of body, never finished.
    drip.sendBytes([0x30, 0x7f]);
    for (let i = 0; i < 2; i++) {
      mb.clock.advance(500);
      drip.sendBytes([0x00]);
      await carried();
    }
    mb.clock.advance(499);
    assert.equal(mb.logged(/Client drip has exceeded timeout/), false);
    mb.clock.advance(1);
    assert.ok(mb.logged(/^notice: Client drip has exceeded timeout, disconnecting\.$/));
    await drip.waitClosed();
  });

  it('closes a connection whose CONNECT is still unfinished 20 s on, however it drips', async () => {
    const mb = start();
    const [near, far] = memoryPair();
    mb.broker.handleConnection(far, { remoteAddress: '127.0.0.1', remotePort: 1, listener: mb.listener });
    const slow = RawClient.over(near);
    slow.sendBytes([0x10, 0x7f]);
    for (let i = 0; i < 19; i++) {
      mb.clock.advance(1000);
      slow.sendBytes([0x00]);
      await carried();
    }
    mb.clock.advance(999);
    assert.equal(mb.logged(/Client <unknown> closed its connection/), false);
    mb.clock.advance(1);
    assert.ok(mb.logged(/Client <unknown> closed its connection\./));
    await slow.waitClosed();
  });

  it('ends a v5 session when its expiry interval runs out, not before', async () => {
    const mb = start();
    const c = await mb.client({ clientId: 'short', clean: false, properties: { sessionExpiryInterval: 1 } }, 5);
    c.close();
    await mb.waitForLog(/Client short closed its connection\./);
    mb.clock.advance(999);
    assert.equal(mb.broker.sessionCount, 1);
    mb.clock.advance(1);
    assert.ok(mb.logged(/^notice: Expiring client short due to timeout\.$/));
    assert.equal(mb.broker.sessionCount, 0);
    const { connack } = await mb.connect({ clientId: 'short', clean: false }, 5);
    assert.equal(connack.sessionPresent, false);
  });

  it('keeps a session whose expiry is longer than a timer can hold (0xFFFFFFFE s) until that runs out', async () => {
    const mb = start();
    const c = await mb.client({ clientId: 'long', clean: false, properties: { sessionExpiryInterval: 0xffff_fffe } }, 5);
    c.close();
    await mb.waitForLog(/Client long closed its connection\./);
    mb.clock.advance((0xffff_fffe - 1) * 1000);
    assert.equal(mb.broker.sessionCount, 1);
    mb.clock.advance(1000);
    assert.equal(mb.broker.sessionCount, 0);
  });

  it('bounds sessions that never expire by persistent_client_expiration', async () => {
    const mb = start({ limits: { persistentClientExpiration: 3600 } });
    const c = await mb.client({ clientId: 'v3', clean: false });
    c.close();
    await mb.waitForLog(/Client v3 closed its connection\./);
    mb.clock.advance(3_599_999);
    assert.equal(mb.broker.sessionCount, 1);
    mb.clock.advance(1);
    assert.ok(mb.logged(/Expiring client v3 due to timeout\./));
  });

  it('holds a will for its delay; a reconnect within it cancels the will', async () => {
    const mb = start();
    const watcher = await watch(mb, 'd/#');
    const props = { sessionExpiryInterval: 60 };
    const a = await mb.client({ clientId: 'da', clean: false, will: will('d/a', 1), properties: props }, 5);
    const b = await mb.client({ clientId: 'db', clean: false, will: will('d/b', 1), properties: props }, 5);
    a.close();
    b.close();
    await mb.waitForLog(/Client da closed its connection\./);
    await mb.waitForLog(/Client db closed its connection\./);
    await mb.client({ clientId: 'db', clean: false, properties: props }, 5);
    mb.clock.advance(999);
    await barrier(watcher);
    assert.deepEqual(watcher.received, []);
    mb.clock.advance(1);
    assert.equal((await watcher.next('publish')).topic, 'd/a');
    mb.clock.advance(60_000);
    await barrier(watcher);
    assert.deepEqual(watcher.received, [], 'the will of db was cancelled');
  });

  it('sends a delayed will at once when the session ends first', async () => {
    const mb = start();
    const watcher = await watch(mb, 'd/#');
    const c = await mb.client({ clientId: 'brief', clean: false, will: will('d/brief', 60), properties: { sessionExpiryInterval: 2 } }, 5);
    c.close();
    await mb.waitForLog(/Client brief closed its connection\./);
    mb.clock.advance(1999);
    await barrier(watcher);
    assert.deepEqual(watcher.received, []);
    mb.clock.advance(1);
    assert.equal((await watcher.next('publish')).topic, 'd/brief');
  });

  it('drops a message whose expiry interval ran out while it waited, and counts the rest down', async () => {
    const mb = start();
    const sub = await mb.client({ clientId: 'away', clean: false, properties: { sessionExpiryInterval: 600 } }, 5);
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'x/#', qos: 1 }] });
    await sub.next('suback');
    sub.close();
    await mb.waitForLog(/Client away closed its connection\./);
    const pub = await mb.client({ clientId: 'pub' }, 5);
    const publish = (topic: string, expiry: number, packetId: number): void =>
      pub.send({ type: 'publish', topic, payload: Buffer.from(topic), qos: 1, retain: false, dup: false, packetId, properties: { messageExpiryInterval: expiry } });
    publish('x/short', 5, 1);
    publish('x/long', 30, 2);
    await pub.next('puback');
    await pub.next('puback');
    mb.clock.advance(5000);
    const back = await mb.client({ clientId: 'away', clean: false, properties: { sessionExpiryInterval: 600 } }, 5);
    const got = await back.next('publish');
    assert.equal(got.topic, 'x/long');
    assert.equal(got.properties?.messageExpiryInterval, 25);
    await barrier(back);
    assert.deepEqual(back.received, [], 'x/short expired on the way');
  });
});
