import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { useRawBroker } from '../support/broker-suite.js';

describe('broker: access hooks, sessions and shutdown', function () {
  const suite = useRawBroker();
  const { start, client } = suite;

  const secret = (topic: string): boolean => !topic.startsWith('secret');

  it('applies canWrite to PUBLISH (v5 PUBACK 0x87, v3 a plain ack) and to wills: nothing is delivered', async () => {
    const b = await start({ auth: { canWrite: (_c, topic) => secret(topic) } });
    const sub = await client({ clientId: 's' });
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 1 }] });
    await sub.next('suback');
    const v5 = await client({ clientId: 'w5' }, 5);
    v5.send({ type: 'publish', topic: 'secret/x', payload: Buffer.from('no'), qos: 1, retain: false, dup: false, packetId: 1 });
    assert.equal((await v5.next('puback')).reasonCode, 0x87);
    const v4 = await client({ clientId: 'w4' });
    v4.send({ type: 'publish', topic: 'secret/y', payload: Buffer.from('no'), qos: 1, retain: false, dup: false, packetId: 1 });
    assert.equal((await v4.next('puback')).reasonCode, undefined);
    await b.waitForLog(/Denied PUBLISH from w4 \(d0, q1, r0, m1, 'secret\/y', \.\.\. \(2 bytes\)\)/);
    const willer = await client({ clientId: 'wl', will: { topic: 'secret/will', payload: Buffer.from('no'), qos: 0, retain: false } });
    willer.close();
    await b.waitForLog(/Client wl closed its connection\./);
    await sub.assertNone('publish');
  });

  it('applies canRead to deliveries and retained messages, canSubscribe to subscriptions', async () => {
    await start({ auth: { canRead: (_c, topic) => secret(topic), canSubscribe: (_c, filter) => secret(filter) } });
    const pub = await client({ clientId: 'p' });
    pub.send({ type: 'publish', topic: 'secret/r', payload: Buffer.from('hidden'), qos: 0, retain: true, dup: false });
    pub.send({ type: 'publish', topic: 'open/r', payload: Buffer.from('shown'), qos: 0, retain: true, dup: false });
    const v4 = await client({ clientId: 'r4' });
    v4.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 0 }, { topicFilter: 'secret/#', qos: 0 }] });
    assert.deepEqual((await v4.next('suback')).reasonCodes, [0, 0x80]);
    const retained = await v4.next('publish');
    assert.equal(retained.payload.toString(), 'shown');
    await v4.assertNone('publish');
    const v5 = await client({ clientId: 'r5' }, 5);
    v5.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'secret/+', qos: 1 }] });
    assert.deepEqual((await v5.next('suback')).reasonCodes, [0x87]);
  });

  it('answers UNSUBSCRIBE per filter in v5 (0x11 when there was none) and stops delivery', async () => {
    await start();
    const c = await client({ clientId: 'u' }, 5);
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a', qos: 0 }] });
    await c.next('suback');
    c.send({ type: 'unsubscribe', packetId: 2, topicFilters: ['a', 'b'] });
    assert.deepEqual((await c.next('unsuback')).reasonCodes, [0, 0x11]);
    c.send({ type: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    await c.assertNone('publish');
  });

  it('limits connections per listener (max_connections) and logs the refusal as mosquitto does', async () => {
    const b = await start({ settings: { maxConnections: 1 } });
    await client({ clientId: 'one' });
    const second = await RawClient.open(suite.broker().port);
    try {
      await second.waitClosed();
    } finally {
      second.close();
    }
    await b.waitForLog(/^notice: Client connection from 127\.0\.0\.1 denied: max_connections exceeded\.$/);
    assert.equal(b.log.filter((l) => l.startsWith('notice: New connection from 127.0.0.1:')).length, 1, b.log.join('\n'));
  });

  it('connection_messages false silences the connect, disconnect and refusal lines', async () => {
    const b = await start({ connectionMessages: false, settings: { maxConnections: 1 } });
    const c = await client({ clientId: 'quiet' });
    const refused = await RawClient.open(suite.broker().port);
    await refused.waitClosed();
    refused.close();
    c.send({ type: 'disconnect' });
    await c.waitClosed();
    const lost = await client({ clientId: 'lost' });
    lost.close();
    await b.waitForLog(/Received DISCONNECT from quiet/);
    while (b.broker.connectedCount > 0) await new Promise((r) => setTimeout(r, 10));
    const lines = b.log.filter((l) => /New connection|New client connected|disconnected|closed its connection|denied/.test(l));
    assert.deepEqual(lines, []);
    assert.ok(b.log.some((l) => l.startsWith('debug: ')), 'the broker still logs');
  });

  it('sends v5 clients DISCONNECT 0x8B on shutdown and closes every connection', async () => {
    const b = await start();
    const v5 = await client({ clientId: 'c5' }, 5);
    const v4 = await client({ clientId: 'c4' });
    await b.broker.close();
    assert.equal((await v5.next('disconnect')).reasonCode, 0x8b);
    await v5.waitClosed();
    await v4.waitClosed();
    assert.deepEqual(v4.received, []);
  });
});
