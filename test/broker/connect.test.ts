import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { useRawBroker } from '../support/broker-suite.js';
import type { TestBroker } from '../support/test-broker.js';

describe('broker: CONNECT', function () {
  const suite = useRawBroker();
  let tb: TestBroker;

  /** `bytes` from a raw client to a new broker: closed with no CONNACK, and `lines` logged. */
  async function refusedWithoutConnack(bytes: number[], ...lines: RegExp[]): Promise<void> {
    tb = await suite.start();
    const client = await RawClient.open(tb.port);
    try {
      client.sendBytes(bytes);
      await client.waitClosed();
      assert.deepEqual(client.received, []);
      for (const line of lines) await tb.waitForLog(line);
    } finally {
      client.close();
    }
  }

  it('answers a v5 CONNECT like mosquitto: topic alias maximum 10, receive maximum 20, an assigned id for an empty one', async () => {
    tb = await suite.start();
    const { connack } = await suite.connect({ clientId: '', clean: false }, 5);
    assert.equal(connack.reasonCode, 0);
    assert.equal(connack.properties?.topicAliasMaximum, 10);
    assert.equal(connack.properties?.receiveMaximum, 20);
    assert.match(connack.properties?.assignedClientIdentifier ?? '', /^auto-[0-9A-F-]{36}$/);
    await tb.waitForLog(/New client connected from 127\.0\.0\.1:\d+ as auto-.* \(p5, c0, k60\)\./);
  });

  it('refuses an empty client id with a persistent session under 3.1.1 (0x02), and any empty id under 3.1', async () => {
    tb = await suite.start();
    const v4 = await suite.connect({ clientId: '', clean: false }, 4);
    assert.equal(v4.connack.reasonCode, 2);
    await v4.client.waitClosed();
    await tb.waitForLog(/Client <unknown> disconnected due to protocol error\./);
    const v3 = await suite.connect({ clientId: '', clean: true }, 3);
    assert.equal(v3.connack.reasonCode, 2);
    const clean = await suite.connect({ clientId: '', clean: true }, 4);
    assert.equal(clean.connack.reasonCode, 0);
  });

  it('accepts MQTT 3.1 (MQIsdp) client ids longer than 23 characters, as mosquitto does', async () => {
    tb = await suite.start();
    const { connack } = await suite.connect({ clientId: 'a-client-id-of-thirty-chars-xx' }, 3);
    assert.equal(connack.reasonCode, 0);
    await tb.waitForLog(/as a-client-id-of-thirty-chars-xx \(p1, c1, k60\)/);
  });

  it('answers an unknown protocol level with CONNACK 1 and closes', async () => {
    tb = await suite.start();
    const client = await RawClient.open(tb.port);
    try {
      // CONNECT "MQTT" level 6.
      client.sendBytes([0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x06, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x61]);
      const connack = await client.next('connack');
      assert.equal(connack.reasonCode, 1);
      await client.waitClosed();
      await tb.waitForLog(/Invalid protocol version 6 in CONNECT from 127\.0\.0\.1\./);
    } finally {
      client.close();
    }
  });

  it('closes without a CONNACK for an unknown protocol name, logging it as mosquitto does', async () => {
    // CONNECT "MQTX" level 4.
    await refusedWithoutConnack([0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x58, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x61], /Invalid protocol "MQTX" in CONNECT from 127\.0\.0\.1\./);
  });

  it('closes without a CONNACK for a 3.1.1 password without a user name, naming the client as mosquitto does', async () => {
    // CONNECT 3.1.1, flags: password and clean session, client id "dev1", password "p".
    await refusedWithoutConnack([0x10, 0x13, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x42, 0x00, 0x3c, 0x00, 0x04, 0x64, 0x65, 0x76, 0x31, 0x00, 0x01, 0x70], /^information: Protocol error from dev1: password without username, closing connection\.$/, /^notice: Client <unknown> disconnected due to protocol error\.$/);
  });

  it('closes without a CONNACK for a will of QoS 3, logging it as mosquitto does', async () => {
    // CONNECT 3.1.1, flags: will with QoS 3 and clean session; client id "a", will topic "t", empty payload.
    await refusedWithoutConnack([0x10, 0x12, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x1e, 0x00, 0x3c, 0x00, 0x01, 0x61, 0x00, 0x01, 0x74, 0x00, 0x00], /^information: Invalid Will QoS in CONNECT from 127\.0\.0\.1\.$/);
  });

  it('refuses anonymous clients when allow_anonymous is false (v3: 5, v5: 0x87) and asks the authenticate hook otherwise', async () => {
    const logins: string[] = [];
    tb = await suite.start({
      settings: { allowAnonymous: false },
      auth: {
        authenticate: ({ username, password }) => {
          logins.push(`${username}:${password?.toString()}`);
          return password?.toString() === 'right';
        },
      },
    });
    assert.equal((await suite.connect({ clientId: 'a' }, 4)).connack.reasonCode, 5);
    assert.equal((await suite.connect({ clientId: 'b' }, 5)).connack.reasonCode, 0x87);
    assert.equal((await suite.connect({ clientId: 'c', username: 'u', password: Buffer.from('wrong') }, 4)).connack.reasonCode, 5);
    assert.equal((await suite.connect({ clientId: 'd', username: 'u', password: Buffer.from('right') }, 4)).connack.reasonCode, 0);
    assert.deepEqual(logins, ['u:wrong', 'u:right']);
    await tb.waitForLog(/as d \(p2, c1, k60, u'u'\)\./);
  });

  it('enforces the listener client id prefix and protocol list', async () => {
    tb = await suite.start({ settings: { clientIdPrefix: 'lab-', protocolVersions: [4, 5] } });
    assert.equal((await suite.connect({ clientId: 'other' }, 4)).connack.reasonCode, 5);
    assert.equal((await suite.connect({ clientId: 'lab-1' }, 5)).connack.reasonCode, 0);
    assert.equal((await suite.connect({ clientId: 'lab-2' }, 3)).connack.reasonCode, 1);
  });

  it('refuses a v5 authentication method it does not know with 0x8C, and an AUTH packet with DISCONNECT 0x82', async () => {
    tb = await suite.start();
    const method = await suite.connect({ clientId: 'm', properties: { authenticationMethod: 'SCRAM-SHA-1' } }, 5);
    assert.equal(method.connack.reasonCode, 0x8c);
    await method.client.waitClosed();
    // mosquitto drops the client id before it logs this refusal.
    await tb.waitForLog(/^notice: Client <unknown> disconnected due to using not allowed feature \(QoS too high, retain not supported, or bad AUTH method\)\.$/);
    const { client } = await suite.connect({ clientId: 'n' }, 5);
    client.send({ type: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'x' } });
    assert.equal((await client.next('disconnect')).reasonCode, 0x82);
    await client.waitClosed();
  });

  it('tells a v5 client a lower keepalive with Server Keep Alive, and refuses a v3 one (max_keepalive)', async () => {
    tb = await suite.start({ limits: { maxKeepalive: 30 } });
    const v5 = await suite.connect({ clientId: 'k5', keepalive: 120 }, 5);
    assert.equal(v5.connack.properties?.serverKeepAlive, 30);
    const v4 = await suite.connect({ clientId: 'k4', keepalive: 120 }, 4);
    assert.equal(v4.connack.reasonCode, 2);
  });

  it('takes over a session: the old v5 connection gets DISCONNECT 0x8E and no will is sent', async () => {
    tb = await suite.start();
    const watcher = await suite.connect({ clientId: 'w' }, 4);
    watcher.client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'will/#', qos: 0 }] });
    await watcher.client.next('suback');
    const old = await suite.connect({ clientId: 'dup', clean: false, will: { topic: 'will/dup', payload: Buffer.from('gone'), qos: 0, retain: false }, properties: { sessionExpiryInterval: 60 } }, 5);
    const fresh = await suite.connect({ clientId: 'dup', clean: false, properties: { sessionExpiryInterval: 60 } }, 5);
    assert.equal(fresh.connack.sessionPresent, true);
    assert.equal((await old.client.next('disconnect')).reasonCode, 0x8e);
    await old.client.waitClosed();
    await tb.waitForLog(/Client dup already connected, closing old connection\./);
    await watcher.client.assertNone('publish');
  });
});
