import assert from 'node:assert/strict';
import type { QoS, Subscription } from '../../src/lib/protocol/packets.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { Properties } from '../../src/lib/protocol/properties.js';
import { useRawBroker } from '../support/broker-suite.js';
import { FakeClock } from '../support/fake-clock.js';
import type { RawClient } from '../support/raw-client.js';
import type { TestBroker } from '../support/test-broker.js';

describe('broker: routing', function () {
  const suite = useRawBroker();
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await suite.start();
  });

  function client(clientId: string, version: ProtocolVersion = 4, properties?: Properties): Promise<RawClient> {
    return suite.client({ clientId, properties }, version);
  }

  async function subscribe(c: RawClient, subscriptions: Subscription[], subscriptionIdentifier?: number): Promise<number[]> {
    c.send({
      type: 'subscribe',
      packetId: 1,
      subscriptions,
      properties: subscriptionIdentifier === undefined ? undefined : { subscriptionIdentifiers: [subscriptionIdentifier] },
    });
    return (await c.next('suback')).reasonCodes;
  }

  function publish(c: RawClient, topic: string, payload: string, qos: QoS = 0, retain = false, packetId = 1): void {
    c.send({ type: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false, packetId: qos > 0 ? packetId : undefined });
  }

  it('sends one copy at the highest QoS to a v3 client with overlapping subscriptions', async () => {
    const sub = await client('s');
    assert.deepEqual(await subscribe(sub, [{ topicFilter: 'a/+', qos: 0 }, { topicFilter: 'a/#', qos: 2 }, { topicFilter: 'a/b', qos: 1 }]), [0, 2, 1]);
    const pub = await client('p');
    publish(pub, 'a/b', 'x', 2);
    await pub.next('pubrec');
    pub.send({ type: 'pubrel', packetId: 1 });
    const msg = await sub.next('publish');
    assert.equal(msg.qos, 2);
    assert.equal(msg.packetId, 1, 'outgoing packet ids start at 1');
    await sub.assertNone('publish');
  });

  it('keeps nothing of a publish that failed midway: the next message goes only to its own subscribers', async () => {
    // An access check that throws stands for any failure in the middle of routing.
    const canRead = (c: { clientId: string }, topic: string): boolean => {
      if (c.clientId === 'trap' && topic === 'boom') throw new Error('access check failed');
      return true;
    };
    await suite.start({ auth: { canRead } });
    const early = await client('early');
    await subscribe(early, [{ topicFilter: '+', qos: 0 }]);
    const trap = await client('trap');
    await subscribe(trap, [{ topicFilter: 'boom', qos: 0 }]);
    const failing = await client('failing');
    publish(failing, 'boom', 'x');
    await failing.waitClosed();
    const next = await client('next');
    publish(next, 'quiet/x', 'y', 1);
    await next.next('puback');
    await early.assertNone('publish', "the failed publish's recipient got the next message");
  });

  it('gives each QoS 1 subscriber of the same message its own packet id', async () => {
    const a = await client('a');
    const b = await client('b');
    await subscribe(a, [{ topicFilter: 'only-a', qos: 1 }, { topicFilter: 'both', qos: 1 }]);
    await subscribe(b, [{ topicFilter: 'both', qos: 1 }]);
    const pub = await client('p');
    publish(pub, 'only-a', 'first', 1, false, 1);
    assert.equal((await a.next('publish')).packetId, 1);
    publish(pub, 'both', 'shared', 1, false, 2);
    const [toA, toB] = [await a.next('publish'), await b.next('publish')];
    assert.deepEqual([toA.packetId, toA.payload.toString(), toA.topic], [2, 'shared', 'both']);
    assert.deepEqual([toB.packetId, toB.payload.toString(), toB.topic], [1, 'shared', 'both']);
  });

  it('sends a v5 client a PUBLISH per matching subscription, each with its QoS and identifier', async () => {
    const sub = await client('s', 5);
    await subscribe(sub, [{ topicFilter: 'a/+', qos: 1 }], 7);
    await subscribe(sub, [{ topicFilter: 'a/#', qos: 0 }], 9);
    const pub = await client('p', 5);
    publish(pub, 'a/b', 'x', 1);
    const copies = [await sub.next('publish'), await sub.next('publish')].map((m) => `QoS ${m.qos} ids ${String(m.properties?.subscriptionIdentifiers)}`);
    assert.deepEqual(copies.sort(), ['QoS 0 ids 9', 'QoS 1 ids 7']);
    await sub.assertNone('publish');
  });

  it('never matches $-topics with a leading wildcard', async () => {
    const sub = await client('s');
    await subscribe(sub, [{ topicFilter: '#', qos: 0 }, { topicFilter: '+/x', qos: 0 }, { topicFilter: '$SYS/#', qos: 0 }]);
    const pub = await client('p');
    publish(pub, '$other/x', 'hidden');
    publish(pub, '$SYS/x', 'sys');
    const msg = await sub.next('publish');
    assert.equal(msg.topic, '$SYS/x');
    await sub.assertNone('publish');
  });

  it('shares a $share group: each message goes to one member, in turn', async () => {
    const a = await client('a', 5);
    const b = await client('b', 5);
    await subscribe(a, [{ topicFilter: '$share/g/job/#', qos: 0 }]);
    await subscribe(b, [{ topicFilter: '$share/g/job/#', qos: 0 }]);
    const pub = await client('p', 5);
    for (let i = 0; i < 4; i++) publish(pub, 'job/1', String(i));
    const got = await Promise.all([a.next('publish'), a.next('publish'), b.next('publish'), b.next('publish')]);
    assert.deepEqual(got.map((m) => m.payload.toString()).sort(), ['0', '1', '2', '3']);
  });

  it('honours no local, retain as published and retain handling', async () => {
    const pub = await client('p', 5);
    publish(pub, 'r/1', 'kept', 0, true);
    await pub.ping();
    const me = await client('me', 5);
    await subscribe(me, [{ topicFilter: 'r/#', qos: 0, noLocal: true, retainAsPublished: true, retainHandling: 2 }]);
    await me.assertNone('publish', 'retain handling 2 sends no retained message');
    publish(me, 'r/2', 'mine');
    publish(pub, 'r/3', 'theirs', 0, true);
    const got = await me.next('publish');
    assert.equal(got.payload.toString(), 'theirs');
    assert.equal(got.retain, true, 'retain as published keeps the flag');
    await subscribe(me, [{ topicFilter: 'r/#', qos: 0, retainHandling: 1 }]);
    await me.assertNone('publish', 'retain handling 1 skips an existing subscription');
    const other = await client('o', 5);
    await subscribe(other, [{ topicFilter: 'r/#', qos: 0 }]);
    const retained = [await other.next('publish'), await other.next('publish')];
    assert.deepEqual(retained.map((m) => `${m.topic}=${m.payload.toString()} r${m.retain ? 1 : 0}`).sort(), ['r/1=kept r1', 'r/3=theirs r1']);
  });

  it('replaces and clears retained messages; live deliveries to v3 clients carry retain 0', async () => {
    const pub = await client('p');
    publish(pub, 't', 'one', 1, true, 1);
    await pub.next('puback');
    publish(pub, 't', 'two', 1, true, 2);
    await pub.next('puback');
    const sub = await client('s');
    await subscribe(sub, [{ topicFilter: 't', qos: 1 }]);
    const first = await sub.next('publish');
    assert.deepEqual([first.payload.toString(), first.retain], ['two', true]);
    publish(pub, 't', '', 0, true);
    const live = await sub.next('publish');
    assert.deepEqual([live.payload.length, live.retain], [0, false]);
    const late = await client('late');
    await subscribe(late, [{ topicFilter: 't', qos: 0 }]);
    await late.assertNone('publish');
  });

  it('passes v5 properties through and sends the remaining message expiry', async () => {
    const clock = new FakeClock();
    tb = await suite.start({ clock });
    const pub = await client('p', 5);
    pub.send({
      type: 'publish', topic: 'props', payload: Buffer.from('{}'), qos: 0, retain: true, dup: false,
      properties: { payloadFormatIndicator: 1, contentType: 'application/json', responseTopic: 'reply/here', correlationData: Buffer.from('c1'), userProperties: [['k', 'v'], ['k', 'w']], messageExpiryInterval: 60 },
    });
    // The PINGRESP comes after the retained message is stored, with its expiry counted from then.
    await pub.ping();
    clock.advance(1000);
    const sub = await client('s', 5);
    await subscribe(sub, [{ topicFilter: 'props', qos: 0 }]);
    const msg = await sub.next('publish');
    const p = msg.properties!;
    assert.equal(p.payloadFormatIndicator, 1);
    assert.equal(p.contentType, 'application/json');
    assert.equal(p.responseTopic, 'reply/here');
    assert.equal(p.correlationData?.toString(), 'c1');
    assert.deepEqual(p.userProperties, [['k', 'v'], ['k', 'w']]);
    assert.equal(p.messageExpiryInterval, 59);
  });

  it('resolves incoming topic aliases and assigns outgoing ones when the client allows', async () => {
    const sub = await client('s', 5, { topicAliasMaximum: 2 });
    await subscribe(sub, [{ topicFilter: 'alias/#', qos: 0 }]);
    const pub = await client('p', 5);
    pub.send({ type: 'publish', topic: 'alias/long/topic', payload: Buffer.from('1'), qos: 0, retain: false, dup: false, properties: { topicAlias: 3 } });
    pub.send({ type: 'publish', topic: '', payload: Buffer.from('2'), qos: 0, retain: false, dup: false, properties: { topicAlias: 3 } });
    const first = await sub.next('publish');
    const second = await sub.next('publish');
    assert.deepEqual([first.topic, first.properties?.topicAlias], ['alias/long/topic', 1]);
    assert.deepEqual([second.topic, second.properties?.topicAlias, second.payload.toString()], ['', 1, '2']);
    pub.send({ type: 'publish', topic: 'alias/x', payload: Buffer.from('3'), qos: 0, retain: false, dup: false, properties: { topicAlias: 11 } });
    assert.equal((await pub.next('disconnect')).reasonCode, 0x94);
  });

  it('does not send a client packets larger than its Maximum Packet Size', async () => {
    const sub = await client('s', 5, { maximumPacketSize: 64 });
    await subscribe(sub, [{ topicFilter: 'big', qos: 1 }]);
    const pub = await client('p', 5);
    publish(pub, 'big', 'x'.repeat(200), 1, false, 1);
    publish(pub, 'big', 'small', 1, false, 2);
    const msg = await sub.next('publish');
    assert.equal(msg.payload.toString(), 'small');
    await tb.waitForLog(/Dropping too large outgoing PUBLISH for s \(208 bytes\)/);
  });

  it('answers v5 QoS 1 with 0x10 when nobody is subscribed', async () => {
    const pub = await client('p', 5);
    publish(pub, 'nobody/here', 'x', 1);
    assert.equal((await pub.next('puback')).reasonCode, 0x10);
  });

  it('logs the PUBACK of a QoS 1 message nobody receives as mosquitto 2.0 does: rc0 for v3.1.1, which has no reason codes, rc16 for v5', async () => {
    const v3 = await client('nobody-v3');
    publish(v3, 'nobody/here', 'x', 1);
    assert.equal((await v3.next('puback')).reasonCode, undefined);
    const v5 = await client('nobody-v5', 5);
    publish(v5, 'nobody/here', 'x', 1);
    await v5.next('puback');
    assert.deepEqual(
      tb.log.filter((line) => line.includes('Sending PUBACK to nobody-')),
      ['debug: Sending PUBACK to nobody-v3 (m1, rc0)', 'debug: Sending PUBACK to nobody-v5 (m1, rc16)'],
    );
  });

  it('answers v5 QoS 1 with success when the only subscriber may not read the topic, as mosquitto', async () => {
    await suite.start({ auth: { canRead: (c) => c.clientId !== 'blind' } });
    const blind = await client('blind');
    await subscribe(blind, [{ topicFilter: 'hidden', qos: 1 }]);
    const pub = await client('p', 5);
    publish(pub, 'hidden', 'x', 1);
    assert.equal((await pub.next('puback')).reasonCode, undefined);
    await blind.assertNone('publish');
  });
});
