/**
 * Packet-level answers of `mqt serve`'s broker next to mosquitto 2.0's: the same bytes go to both
 * (one in-process mqt broker and one mosquitto for the whole suite), and each test says what each
 * of them answers. Where they differ, the difference is the one man mqt-serve's DIFFERENCES lists.
 */
import assert from 'node:assert/strict';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { ConnectPacket, PacketOf } from '../../src/lib/protocol/packets.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { RawClient } from '../support/raw-client.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

interface Target {
  name: 'mqt' | 'mosquitto';
  port: number;
}

/** A variable byte integer (MQTT §1.5.5). */
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function str(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

/** A whole packet: first byte, remaining length, body parts. */
function packet(first: number, ...parts: (Buffer | number[])[]): Buffer {
  const body = Buffer.concat(parts.map((p) => Buffer.from(p)));
  return Buffer.concat([Buffer.from([first, ...varint(body.length)]), body]);
}

/** A topic with `separators` slashes: separators + 1 levels under "deep". */
function deepTopic(separators: number): string {
  return `deep${'/l'.repeat(separators)}`;
}

describe('interop: packet-level answers, mqt serve beside mosquitto 2.0', function () {
  this.timeout(15_000);
  let mqtBroker: TestBroker | undefined;
  let mosquitto: Mosquitto | undefined;
  const targets: Target[] = [];
  const open: RawClient[] = [];
  let ids = 0;

  before(async function () {
    requireMosquitto(this);
    [mqtBroker, mosquitto] = await Promise.all([startTestBroker(), startMosquitto()]);
    targets.push({ name: 'mqt', port: mqtBroker.port }, { name: 'mosquitto', port: mosquitto.port });
  });

  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  after(async () => {
    await Promise.all([mqtBroker?.close(), mosquitto?.stop()]);
  });

  async function client(t: Target, version: ProtocolVersion = 4, fields: Partial<ConnectPacket> = {}): Promise<RawClient> {
    const { client: c, connack } = await RawClient.connected(t.port, { clientId: `wire-${++ids}`, ...fields }, version);
    open.push(c);
    assert.equal(connack.reasonCode, 0, `${t.name} refused the CONNECT`);
    return c;
  }

  async function subscriber(t: Target, filter: string, version: ProtocolVersion = 4): Promise<RawClient> {
    const c = await client(t, version);
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: filter, qos: 1 }] });
    await c.next('suback');
    return c;
  }

  /** How the broker ended the connection: its v5 DISCONNECT reason, or a bare close. */
  async function ending(c: RawClient): Promise<string> {
    await c.waitClosed();
    const disconnect = c.take('disconnect')[0];
    return disconnect === undefined ? 'closed' : `DISCONNECT 0x${(disconnect.reasonCode ?? 0).toString(16)}`;
  }

  /** The ending of a v5 and of a v3.1.1 connection that send `bytes`. */
  async function endings(t: Target, bytes: Buffer | ((version: ProtocolVersion) => Buffer)): Promise<string[]> {
    const got: string[] = [];
    for (const version of [5, 4] as const) {
      const c = await client(t, version);
      c.sendBytes(typeof bytes === 'function' ? bytes(version) : bytes);
      got.push(await ending(c));
    }
    return got;
  }

  describe('topic depth (mosquitto TOPIC_HIERARCHY_LIMIT: at most 200 "/")', () => {
    it('delivers a PUBLISH of 200 "/", refuses one of 201, and the next message goes only where it belongs', async () => {
      for (const t of targets) {
        const watcher = await subscriber(t, 'deep/#');
        const pub = await client(t, 5);
        pub.send({ type: 'publish', topic: deepTopic(200), payload: Buffer.from('ok'), qos: 1, packetId: 1, retain: false, dup: false });
        assert.equal((await pub.next('puback')).reasonCode, undefined, t.name);
        assert.equal((await watcher.next('publish')).topic, deepTopic(200), t.name);
        for (const separators of [201, 10_000]) {
          const deep = await client(t, 5);
          deep.send({ type: 'publish', topic: deepTopic(separators), payload: Buffer.from('no'), qos: 0, retain: false, dup: false });
          assert.equal(await ending(deep), 'DISCONNECT 0x82', `${t.name}, ${separators} "/"`);
        }
        // What matched the refused topic must not carry over to the next message, whoever sends it.
        const other = await client(t, 4);
        other.send({ type: 'publish', topic: 'elsewhere', payload: Buffer.from('x'), qos: 1, packetId: 1, retain: false, dup: false });
        await other.next('puback');
        await watcher.assertNone('publish', `${t.name} routed the next message to the deep topic's subscriber`);
      }
    });

    it('closes a v3.1.1 connection that publishes 201 "/"', async () => {
      for (const t of targets) {
        const deep = await client(t, 4);
        deep.send({ type: 'publish', topic: deepTopic(201), payload: Buffer.from('no'), qos: 0, retain: false, dup: false });
        assert.equal(await ending(deep), 'closed', t.name);
      }
    });

    it('refuses a SUBSCRIBE or UNSUBSCRIBE filter of 201 "/" as malformed', async () => {
      const filter = `${deepTopic(200)}/#`;
      for (const t of targets) {
        const subscribe = (v: ProtocolVersion): Buffer => packet(0x82, [0, 1], v === 5 ? [0] : [], str(filter), [1]);
        const unsubscribe = (v: ProtocolVersion): Buffer => packet(0xa2, [0, 1], v === 5 ? [0] : [], str(filter));
        assert.deepEqual(await endings(t, subscribe), ['DISCONNECT 0x81', 'closed'], `${t.name} SUBSCRIBE`);
        assert.deepEqual(await endings(t, unsubscribe), ['DISCONNECT 0x81', 'closed'], `${t.name} UNSUBSCRIBE`);
      }
    });

    it('refuses a will topic of 201 "/" without a CONNACK', async () => {
      for (const t of targets) {
        const c = await RawClient.open(t.port, 4);
        open.push(c);
        c.send({ type: 'connect', protocolVersion: 4, clean: true, keepalive: 60, clientId: `wire-${++ids}`, will: { topic: deepTopic(201), payload: Buffer.from('w'), qos: 0, retain: false } });
        await c.waitClosed();
        assert.deepEqual(c.received, [], t.name);
      }
    });
  });

  describe('v5 acknowledgements', () => {
    it("acks a QoS 1 PUBLISH whose only subscription is the publisher's own No Local one with 0x00, not 0x10", async () => {
      for (const t of targets) {
        const c = await client(t, 5);
        c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: `nolocal/${t.name}`, qos: 1, noLocal: true }] });
        await c.next('suback');
        c.send({ type: 'publish', topic: `nolocal/${t.name}`, payload: Buffer.from('x'), qos: 1, packetId: 2, retain: false, dup: false });
        assert.equal((await c.next('puback')).reasonCode ?? 0, 0, `${t.name}: a subscription matched`);
        c.send({ type: 'publish', topic: `nolocal/${t.name}/none`, payload: Buffer.from('x'), qos: 1, packetId: 3, retain: false, dup: false });
        assert.equal((await c.next('puback')).reasonCode, 0x10, `${t.name}: nothing matched`);
        await c.assertNone('publish');
      }
    });
  });

  describe('QoS 2 from a client', () => {
    it('is delivered when its PUBREL arrives, after the PUBREC, and once', async () => {
      for (const t of targets) {
        const topic = `q2/${t.name}`;
        const sub = await subscriber(t, topic);
        const pub = await client(t, 4);
        pub.send({ type: 'publish', topic, payload: Buffer.from('x'), qos: 2, packetId: 9, retain: false, dup: false });
        await pub.next('pubrec');
        await sub.assertNone('publish', `${t.name} delivered before the PUBREL`);
        pub.send({ type: 'publish', topic, payload: Buffer.from('x'), qos: 2, packetId: 9, retain: false, dup: true });
        await pub.next('pubrec');
        pub.send({ type: 'pubrel', packetId: 9 });
        await pub.next('pubcomp');
        assert.equal((await sub.next('publish')).payload.toString(), 'x', t.name);
        await sub.assertNone('publish', `${t.name} delivered twice`);
      }
    });
  });

  describe('acknowledgements of the wrong kind (3.1.1 §4.3)', () => {
    /** A subscriber holding one message at `qos` in flight from the broker, and that PUBLISH's id. */
    async function holding(t: Target, qos: 1 | 2, version: ProtocolVersion): Promise<{ c: RawClient; id: number }> {
      const topic = `ack/${t.name}/${++ids}`;
      const c = await client(t, version);
      c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: topic, qos }] });
      await c.next('suback');
      const pub = await client(t, 4);
      pub.send({ type: 'publish', topic, payload: Buffer.from('x'), qos, packetId: 1, retain: false, dup: false });
      if (qos === 2) {
        await pub.next('pubrec');
        pub.send({ type: 'pubrel', packetId: 1 });
      }
      const id = (await c.next('publish')).packetId!;
      return { c, id };
    }

    const cases: [string, 1 | 2, (c: RawClient, id: number) => Promise<void> | void][] = [
      ['PUBCOMP for a QoS 1 message', 1, (c, id) => {
        c.send({ type: 'pubcomp', packetId: id });
      }],
      ['PUBREC for a QoS 1 message', 1, (c, id) => {
        c.send({ type: 'pubrec', packetId: id });
      }],
      ['PUBACK for a QoS 2 message', 2, (c, id) => {
        c.send({ type: 'puback', packetId: id });
      }],
      ['PUBCOMP before PUBREC', 2, (c, id) => {
        c.send({ type: 'pubcomp', packetId: id });
      }],
      [
        'PUBACK after PUBREL',
        2,
        async (c, id) => {
          c.send({ type: 'pubrec', packetId: id });
          await c.next('pubrel');
          c.send({ type: 'puback', packetId: id });
        },
      ],
    ];
    for (const [name, qos, wrong] of cases) {
      it(`closes the connection on ${name}`, async () => {
        for (const t of targets) {
          const { c, id } = await holding(t, qos, 4);
          await wrong(c, id);
          assert.equal(await ending(c), 'closed', t.name);
        }
      });
    }

    it('tells a v5 client why with DISCONNECT 0x82, where mosquitto only closes', async () => {
      const expected = { mqt: 'DISCONNECT 0x82', mosquitto: 'closed' };
      for (const t of targets) {
        const { c, id } = await holding(t, 2, 5);
        c.send({ type: 'puback', packetId: id });
        assert.equal(await ending(c), expected[t.name], t.name);
      }
    });

    it('only ignores an acknowledgement for an id with nothing in flight', async () => {
      for (const t of targets) {
        const c = await client(t, 4);
        c.send({ type: 'puback', packetId: 7 });
        c.send({ type: 'pubcomp', packetId: 8 });
        c.send({ type: 'pubrec', packetId: 9 });
        assert.equal((await c.next('pubrel')).packetId, 9, t.name);
        await c.ping();
      }
    });
  });

  describe('CONNACK', () => {
    it("closes, without a CONNACK, a client whose Maximum Packet Size the CONNACK would exceed", async () => {
      for (const t of targets) {
        const c = await RawClient.open(t.port, 5);
        open.push(c);
        c.send({ type: 'connect', protocolVersion: 5, clean: true, keepalive: 60, clientId: `wire-${++ids}`, properties: { maximumPacketSize: 6 } });
        await c.waitClosed();
        assert.deepEqual(c.received, [], t.name);
        await client(t, 5, { properties: { maximumPacketSize: 100 } });
      }
    });
  });

  describe('v5 PUBLISH properties', () => {
    /** A v5 QoS 1 PUBLISH, id 1, whose property block is `block` (its length included). */
    const publishWith = (topic: string, block: number[]): Buffer => packet(0x32, str(topic), [0, 1], block, Buffer.from('p'));

    it('passes a Payload Format Indicator of 2 on, as mosquitto does', async () => {
      for (const t of targets) {
        const topic = `pfi/${t.name}`;
        const sub = await subscriber(t, topic, 5);
        const pub = await client(t, 5);
        pub.sendBytes(publishWith(topic, [2, 0x01, 2]));
        await pub.next('puback');
        assert.equal((await sub.next('publish')).properties?.payloadFormatIndicator, 2, t.name);
      }
    });

    it('takes Message Expiry Interval 0 as a lifetime already over (MQTT-3.3.2-6), which mosquitto reads as none', async () => {
      const expected = {
        mqt: 'delivered with expiry 0, not retained',
        mosquitto: 'delivered with expiry none, retained',
      };
      for (const t of targets) {
        const topic = `expiry0/${t.name}`;
        const sub = await subscriber(t, topic, 5);
        const pub = await client(t, 5);
        pub.send({ type: 'publish', topic, payload: Buffer.from('x'), qos: 1, packetId: 1, retain: true, dup: false, properties: { messageExpiryInterval: 0 } });
        await pub.next('puback');
        const expiry = (await sub.next('publish')).properties?.messageExpiryInterval;
        const late = await subscriber(t, topic, 5);
        const retained = await late.assertNone('publish').then(
          () => 'not retained',
          () => 'retained',
        );
        assert.equal(`delivered with expiry ${expiry ?? 'none'}, ${retained}`, expected[t.name], t.name);
      }
    });

    it('refuses a property length written in more bytes than it needs as malformed', async () => {
      for (const t of targets) {
        const c = await client(t, 5);
        c.sendBytes(publishWith(`long/${t.name}`, [0x80, 0x00]));
        assert.equal(await ending(c), 'DISCONNECT 0x81', t.name);
      }
    });

    it('refuses a Subscription Identifier from a client (MQTT-3.3.4-6), which mosquitto ignores', async () => {
      const expected = { mqt: 'DISCONNECT 0x82', mosquitto: 'PUBACK' };
      for (const t of targets) {
        const c = await client(t, 5);
        c.sendBytes(publishWith(`subid/${t.name}`, [2, 0x0b, 5]));
        const got = await c.next('puback').then(
          () => 'PUBACK',
          () => ending(c),
        );
        assert.equal(got, expected[t.name], t.name);
      }
    });
  });

  describe('property order', () => {
    const props = { userProperties: [['k', 'v']] as [string, string][], responseTopic: 'r', contentType: 'c', payloadFormatIndicator: 1 };
    const order = ['userProperties', 'responseTopic', 'contentType', 'payloadFormatIndicator'];

    it('forwards a PUBLISH\'s properties in the order they came, after the subscription identifier', async () => {
      for (const t of targets) {
        const topic = `order/${t.name}`;
        const sub = await client(t, 5);
        sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: topic, qos: 0 }], properties: { subscriptionIdentifiers: [3] } });
        await sub.next('suback');
        const pub = await client(t, 5);
        pub.send({ type: 'publish', topic, payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: props });
        const got = await sub.next('publish');
        assert.deepEqual(Object.keys(got.properties ?? {}), ['subscriptionIdentifiers', ...order], t.name);
      }
    });

    it('publishes a will with its properties in the order they came', async () => {
      for (const t of targets) {
        const topic = `order/will/${t.name}`;
        const sub = await subscriber(t, topic, 5);
        const dying = await client(t, 5, { will: { topic, payload: Buffer.from('w'), qos: 0, retain: false, properties: props } });
        dying.close();
        const got = await sub.next('publish');
        assert.deepEqual(Object.keys(got.properties ?? {}), order, t.name);
      }
    });

    /** Rows interleaved as a client may send them: user properties around content type, expiry and response topic. */
    const userProperty = (name: string, value: string): Buffer => Buffer.concat([Buffer.from([0x26]), str(name), str(value)]);
    const before = Buffer.concat([userProperty('a', '1'), Buffer.from([0x03]), str('text/plain'), userProperty('b', '2')]);
    const after = Buffer.concat([Buffer.from([0x08]), str('re/ply'), userProperty('c', '3')]);
    const expiry = Buffer.from([0x02, 0, 0, 0, 60]);
    const sent = Buffer.concat([before, expiry, after]);
    /** What a subscriber with identifier 3 gets: mosquitto puts the identifier first and the remaining expiry last. */
    const forwarded = (topic: string, payload: string): Buffer => {
      const rows = Buffer.concat([Buffer.from([0x0b, 3]), before, after, expiry]);
      return packet(0x30, str(topic), varint(rows.length), rows, Buffer.from(payload));
    };

    /** A v5 subscriber to `topic` with Subscription Identifier 3, recording the bytes it gets after its SUBACK. */
    async function recordingSubscriber(t: Target, topic: string): Promise<{ sub: RawClient; bytes: () => Buffer }> {
      const sub = await client(t, 5);
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: topic, qos: 0 }], properties: { subscriptionIdentifiers: [3] } });
      await sub.next('suback');
      return { sub, bytes: sub.recordBytes() };
    }

    it('forwards interleaved PUBLISH properties byte for byte as mosquitto does', async () => {
      const got: Record<string, string> = {};
      for (const t of targets) {
        const { sub, bytes } = await recordingSubscriber(t, 'order/bytes');
        const pub = await client(t, 5);
        pub.sendBytes(packet(0x30, str('order/bytes'), varint(sent.length), sent, Buffer.from('m')));
        await sub.next('publish');
        got[t.name] = bytes().toString('hex');
      }
      assert.equal(got.mqt, got.mosquitto);
      assert.equal(got.mqt, forwarded('order/bytes', 'm').toString('hex'));
    });

    it('publishes a will with interleaved properties byte for byte as mosquitto does', async () => {
      const willRows = Buffer.concat([before, Buffer.from([0x18, 0, 0, 0, 0]), expiry, after]);
      const got: Record<string, string> = {};
      for (const t of targets) {
        const { sub, bytes } = await recordingSubscriber(t, 'order/will');
        const dying = await RawClient.open(t.port, 5);
        open.push(dying);
        // CONNECT v5, flags will + clean start, keepalive 60, no properties.
        dying.sendBytes(packet(0x10, str('MQTT'), [5, 0x06, 0, 60, 0], str(`wire-${++ids}`), varint(willRows.length), willRows, str('order/will'), str('w')));
        await dying.next('connack');
        dying.close();
        await sub.next('publish');
        got[t.name] = bytes().toString('hex');
      }
      assert.equal(got.mqt, got.mosquitto);
      assert.equal(got.mqt, forwarded('order/will', 'w').toString('hex'));
    });
  });

  describe('overlapping subscriptions', () => {
    it('sends an MQTT 5 client a copy per subscription as mosquitto does, and a 3.1.1 one a copy at the highest QoS where mosquitto sends the first match only', async () => {
      const expected = {
        mqt: { 5: ['QoS 0, ids 2', 'QoS 1, ids 1'], 4: ['QoS 1'] },
        mosquitto: { 5: ['QoS 0, ids 2', 'QoS 1, ids 1'], 4: ['QoS 0'] },
      };
      for (const t of targets) {
        for (const version of [5, 4] as const) {
          const topic = `overlap/${t.name}/${version}`;
          const sub = await client(t, version);
          for (const [packetId, topicFilter, qos] of [[1, `${topic}/#`, 1], [2, `${topic}/+`, 0]] as const) {
            sub.send({ type: 'subscribe', packetId, subscriptions: [{ topicFilter, qos }], ...(version === 5 ? { properties: { subscriptionIdentifiers: [packetId] } } : {}) });
            await sub.next('suback');
          }
          const pub = await client(t, 4);
          pub.send({ type: 'publish', topic: `${topic}/x`, payload: Buffer.from('x'), qos: 1, packetId: 1, retain: false, dup: false });
          await pub.next('puback');
          await sub.ping();
          const copies = sub.take('publish').map((p) => `QoS ${p.qos}${p.properties?.subscriptionIdentifiers ? `, ids ${p.properties.subscriptionIdentifiers.join(',')}` : ''}`);
          assert.deepEqual(copies.sort(), expected[t.name][version], `${t.name} v${version}`);
        }
      }
    });
  });

  describe('packet identifiers of queued messages', () => {
    it('takes an id when a message is queued for an offline session, so one that expires before delivery still used one', async () => {
      const session = { clientId: `wire-queued-${++ids}`, clean: false, properties: { sessionExpiryInterval: 300 } };
      const message = (payload: string, packetId: number): PacketOf<'publish'> => ({ type: 'publish', topic: 'queued/ids', payload: Buffer.from(payload), qos: 1, packetId, retain: false, dup: false });
      for (const t of targets) {
        const sub = await client(t, 5, { ...session, clean: true });
        sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'queued/ids', qos: 1 }] });
        await sub.next('suback');
        sub.send({ type: 'disconnect' });
        await sub.waitClosed();
        const pub = await client(t, 5);
        pub.send({ ...message('expires', 1), properties: { messageExpiryInterval: 1 } });
        pub.send(message('stays', 2));
        await pub.next('puback');
        await pub.next('puback');
      }
      // Real time has to pass for mosquitto, which counts expiry in whole seconds and drops a message
      // once its second is over: at most 2 s, spent once for both brokers (mosquitto's queued last).
      const expired = (Math.floor(Date.now() / 1000) + 2) * 1000;
      await new Promise((resolve) => setTimeout(resolve, expired - Date.now()));
      const got: Record<string, string> = {};
      for (const t of targets) {
        const sub = await client(t, 5, session);
        const delivered = await sub.next('publish');
        got[t.name] = `${delivered.payload.toString()} as id ${delivered.packetId}`;
      }
      assert.deepEqual(got, { mqt: 'stays as id 2', mosquitto: 'stays as id 2' });
    });
  });

  describe('MQTT 3.1 retries', () => {
    it('accepts DUP on a 3.1 PUBREL, SUBSCRIBE and UNSUBSCRIBE, and closes a 3.1.1 connection for it', async () => {
      for (const t of targets) {
        const old = await client(t, 3);
        old.sendBytes(packet(0x8a, [0, 1], str('retry/t'), [1]));
        assert.deepEqual((await old.next('suback')).reasonCodes, [1], t.name);
        old.sendBytes(packet(0xaa, [0, 2], str('retry/t')));
        assert.equal((await old.next('unsuback')).packetId, 2, t.name);
        old.sendBytes(packet(0x34, str('retry/t'), [0, 3], Buffer.from('x')));
        await old.next('pubrec');
        old.sendBytes(packet(0x6a, [0, 3]));
        assert.equal((await old.next('pubcomp')).packetId, 3, t.name);
        for (const bytes of [packet(0x8a, [0, 1], str('retry/t'), [1]), packet(0x6a, [0, 3])]) {
          const c = await client(t, 4);
          c.sendBytes(bytes);
          assert.equal(await ending(c), 'closed', t.name);
        }
      }
    });
  });

  describe('bad identifiers and topics', () => {
    it('answers a PUBLISH topic with a wildcard with DISCONNECT 0x82 (v5)', async () => {
      for (const t of targets) {
        const publish = (v: ProtocolVersion): Buffer => packet(0x30, str('a/+/b'), v === 5 ? [0] : []);
        assert.deepEqual(await endings(t, publish), ['DISCONNECT 0x82', 'closed'], t.name);
      }
    });

    it('answers packet identifier 0 in SUBSCRIBE and UNSUBSCRIBE with DISCONNECT 0x81 (v5)', async () => {
      for (const t of targets) {
        const subscribe = (v: ProtocolVersion): Buffer => packet(0x82, [0, 0], v === 5 ? [0] : [], str('a'), [0]);
        const unsubscribe = (v: ProtocolVersion): Buffer => packet(0xa2, [0, 0], v === 5 ? [0] : [], str('a'));
        assert.deepEqual(await endings(t, subscribe), ['DISCONNECT 0x81', 'closed'], `${t.name} SUBSCRIBE`);
        assert.deepEqual(await endings(t, unsubscribe), ['DISCONNECT 0x81', 'closed'], `${t.name} UNSUBSCRIBE`);
      }
    });
  });
});
