import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { Subscription } from '../../src/lib/protocol/packets.js';
import { requireMosquitto, startMosquitto } from '../support/mosquitto.js';
import { RawClient } from '../support/raw-client.js';
import { makeTempFolder } from '../support/run-folder.js';
import { startConfBroker, type TestBroker } from '../support/test-broker.js';

/**
 * A student who ran mosquitto 2.0 with persistence switches to mqt serve on the same
 * persistence_location: mosquitto writes mosquitto.db when stopped, and mqt starts from it.
 */
describe('mqt serve imports the mosquitto.db mosquitto 2.0.11 wrote', function () {
  let dir: string;
  let serve: TestBroker;
  /** mosquitto.db as mosquitto wrote it. */
  let written: Buffer;
  const V5 = { clientId: 'v5-keeper', clean: false, properties: { sessionExpiryInterval: 3600 } };
  const V3 = { clientId: 'v3-keeper', clean: false };
  /** Got a QoS 1 message and left before acknowledging it. */
  const GAUGE = { clientId: 'gauge-reader', clean: false, properties: { sessionExpiryInterval: 3600 } };
  /** Sent a QoS 2 message and left after its PUBREC, before PUBREL. */
  const SENDER = { clientId: 'gauge-sender', clean: false };

  /** Connects, subscribes (SUBACK back), disconnects: a persistent session whose client is away. */
  async function leaveSession(port: number, connect: typeof V5 | typeof V3, version: ProtocolVersion, subscription: Subscription, identifier?: number): Promise<void> {
    const { client } = await RawClient.connected(port, connect, version);
    client.send({ type: 'subscribe', packetId: 1, subscriptions: [subscription], ...(identifier === undefined ? {} : { properties: { subscriptionIdentifiers: [identifier] } }) });
    await client.next('suback');
    client.send({ type: 'disconnect' });
    await client.waitClosed();
  }

  async function publish(port: number, topic: string, payload: string, retain: boolean): Promise<void> {
    const { client } = await RawClient.connected(port, { clientId: 'publisher' });
    client.send({ type: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain, dup: false, packetId: 1 });
    await client.next('puback');
    client.close();
  }

  before(async function () {
    requireMosquitto(this);
    dir = await makeTempFolder('mqt-mosquitto-db');
    const store = [`persistence true`, `persistence_location ${dir}/`];
    const mosquitto = await startMosquitto(store);
    try {
      await leaveSession(mosquitto.port, V5, 5, { topicFilter: 'plant/#', qos: 1 }, 7);
      await leaveSession(mosquitto.port, V3, 4, { topicFilter: 'plant/+', qos: 1 });
      await publish(mosquitto.port, 'status/plant', 'retained before the switch', true);
      await publish(mosquitto.port, 'plant/a', 'queued before the switch', false);
      const reader = (await RawClient.connected(mosquitto.port, GAUGE, 5)).client;
      reader.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'gauge/#', qos: 1 }] });
      await reader.next('suback');
      await publish(mosquitto.port, 'gauge/1', 'in flight before the switch', false);
      await reader.next('publish');
      reader.send({ type: 'disconnect' });
      await reader.waitClosed();
      const sender = (await RawClient.connected(mosquitto.port, SENDER)).client;
      sender.send({ type: 'publish', topic: 'gauge/2', payload: Buffer.from('released after the switch'), qos: 2, retain: false, dup: false, packetId: 9 });
      await sender.next('pubrec');
      sender.close();
      await sender.waitClosed();
    } finally {
      await mosquitto.stop();
    }
    written = await readFile(join(dir, 'mosquitto.db'));
    serve = await startConfBroker(dir, (port) => [`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...store]);
  });

  after(async () => {
    await serve?.close();
  });

  it('logs what it imported and keeps the original byte for byte', async () => {
    const db = join(dir, 'mosquitto.db');
    assert.ok(
      serve.log.includes(`notice: Imported mosquitto database ${db} (format version 6): 1 retained messages, 4 sessions, 3 subscriptions and 4 queued or in-flight messages; the original is kept as ${db}.mosquitto-2.0.`),
      serve.log.join('\n'),
    );
    assert.deepEqual(await readFile(`${db}.mosquitto-2.0`), written);
    assert.ok((await readFile(db)).subarray(0, 8).equals(Buffer.from('MQTSNAP1')), "mosquitto.db is mqt's own now");
  });

  // plant/v3 also matches the MQTT 5 session's plant/#, which no longer reads; plant/v5/routed only it.
  for (const [connect, version, identifiers, routedTopic] of [
    [V5, 5, [7], 'plant/v5/routed'],
    [V3, 4, undefined, 'plant/v3'],
  ] as const) {
    it(`gives the MQTT ${version === 5 ? '5' : '3.1.1'} session back with its queued message, and its subscription still routes`, async () => {
      const { client, connack } = await RawClient.connected(serve.port, connect, version);
      try {
        assert.equal(connack.sessionPresent, true);
        const queued = await client.next('publish');
        assert.deepEqual([queued.topic, queued.payload.toString(), queued.qos, queued.properties?.subscriptionIdentifiers], ['plant/a', 'queued before the switch', 1, identifiers]);
        client.send({ type: 'puback', packetId: queued.packetId! });
        await publish(serve.port, routedTopic, 'routed after the switch', false);
        const routed = await client.next('publish');
        assert.deepEqual([routed.topic, routed.payload.toString()], [routedTopic, 'routed after the switch']);
        client.send({ type: 'puback', packetId: routed.packetId! });
      } finally {
        client.close();
      }
    });
  }

  it('sends the unacknowledged message again with DUP, and delivers the QoS 2 message its sender releases after the switch', async () => {
    const { client: reader, connack } = await RawClient.connected(serve.port, GAUGE, 5);
    try {
      assert.equal(connack.sessionPresent, true);
      const again = await reader.next('publish');
      assert.deepEqual([again.topic, again.payload.toString(), again.dup], ['gauge/1', 'in flight before the switch', true]);
      reader.send({ type: 'puback', packetId: again.packetId! });
      const { client: sender } = await RawClient.connected(serve.port, SENDER);
      sender.send({ type: 'pubrel', packetId: 9 });
      await sender.next('pubcomp');
      sender.close();
      const released = await reader.next('publish');
      assert.deepEqual([released.topic, released.payload.toString()], ['gauge/2', 'released after the switch']);
      reader.send({ type: 'puback', packetId: released.packetId! });
    } finally {
      reader.close();
    }
  });

  it('delivers the retained message', async () => {
    const { client } = await RawClient.connected(serve.port, { clientId: 'newcomer' });
    try {
      client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'status/#', qos: 1 }] });
      const retained = await client.next('publish');
      assert.deepEqual([retained.topic, retained.payload.toString(), retained.retain], ['status/plant', 'retained before the switch', true]);
    } finally {
      client.close();
    }
  });
});
