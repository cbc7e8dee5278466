import assert from 'node:assert/strict';
import { once } from 'node:events';
import { MqttClient, type ClientOptions } from '../../src/lib/client/client.js';
import { connectClient } from '../../src/lib/client/connect.js';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import { ReasonCode } from '../../src/lib/protocol/reason-codes.js';
import type { RawClient } from '../support/raw-client.js';
import { ScriptedServer } from '../support/scripted-server.js';

const TARGET = (port: number) => ({ kind: 'tcp' as const, host: '127.0.0.1', port });

function options(version: ProtocolVersion, extra: Partial<ClientOptions> = {}): ClientOptions {
  return { protocolVersion: version, clientId: 'c1', clean: true, keepalive: 60, ...extra };
}

describe('MqttClient against a scripted server', () => {
  let server: ScriptedServer;
  let client: MqttClient | undefined;

  afterEach(async () => {
    client?.destroy();
    client = undefined;
    await server.close();
  });

  /** A client whose CONNECT the server has read and not yet answered. */
  async function connectingTo(version: ProtocolVersion, extra: Partial<ClientOptions> = {}) {
    server = new ScriptedServer(version);
    const port = await server.listen();
    client = new MqttClient(options(version, extra));
    const connecting = connectClient(client, TARGET(port));
    const peer = await server.nextPeer();
    const connect = await peer.next('connect');
    return { connecting, peer, connect, port, client };
  }

  async function start(version: ProtocolVersion, extra: Partial<ClientOptions> = {}, sessionPresent = false) {
    const { connecting, peer, connect, port, client } = await connectingTo(version, extra);
    peer.send({ type: 'connack', sessionPresent, reasonCode: 0 });
    await connecting;
    return { peer, connect, port, client };
  }


  it('sends CONNECT with the options and resolves on CONNACK', async () => {
    const { connect } = await start(5, { clientId: 'abc', keepalive: 30, username: 'u', password: Buffer.from('p') });
    assert.equal(connect.clientId, 'abc');
    assert.equal(connect.keepalive, 30);
    assert.equal(connect.username, 'u');
    assert.deepEqual(connect.password, Buffer.from('p'));
  });

  it('rejects with ConnectionRefused and the CONNACK code when refused', async () => {
    const { connecting, peer } = await connectingTo(4);
    peer.send({ type: 'connack', sessionPresent: false, reasonCode: 5 });
    await assert.rejects(connecting, (err: MqttError) => {
      assert.equal(err.code, ErrorCode.ConnectionRefused);
      assert.equal(err.reasonCode, 5);
      assert.equal(err.message, 'Connection Refused: not authorised.');
      return true;
    });
  });

  it('resolves a QoS 1 publish on PUBACK and rejects on a v5 failure reason', async () => {
    const { peer, client } = await start(5);
    const ok = client.publish({ topic: 't', payload: Buffer.from('a'), qos: 1, retain: false });
    const first = await peer.next('publish');
    peer.send({ type: 'puback', packetId: first.packetId! });
    assert.deepEqual(await ok, { packetId: first.packetId, reasonCode: 0 });

    const refused = client.publish({ topic: 't', payload: Buffer.from('b'), qos: 1, retain: false });
    const second = await peer.next('publish');
    peer.send({ type: 'puback', packetId: second.packetId!, reasonCode: ReasonCode.NotAuthorized });
    await assert.rejects(refused, (err: MqttError) => err.code === ErrorCode.PublishRefused && err.reasonCode === 0x87);
  });

  it('runs the QoS 2 flow: PUBLISH, PUBREC, PUBREL, PUBCOMP', async () => {
    const { peer, client } = await start(4);
    const done = client.publish({ topic: 't', payload: Buffer.from('x'), qos: 2, retain: true });
    const publish = await peer.next('publish');
    assert.equal(publish.retain, true);
    peer.send({ type: 'pubrec', packetId: publish.packetId! });
    const pubrel = await peer.next('pubrel');
    assert.equal(pubrel.packetId, publish.packetId);
    peer.send({ type: 'pubcomp', packetId: publish.packetId! });
    await done;
  });

  it('keeps at most maxInflight QoS 1 messages unacknowledged', async () => {
    const { peer, client } = await start(4, { maxInflight: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => client.publish({ topic: 't', payload: Buffer.from(String(n)), qos: 1, retain: false }));
    const first = await peer.next('publish');
    const second = await peer.next('publish');
    await peer.assertNone('publish', 'a third PUBLISH went out before an ack');
    peer.send({ type: 'puback', packetId: first.packetId! });
    const third = await peer.next('publish');
    assert.equal(third.payload.toString(), '3');
    for (const p of [second, third]) peer.send({ type: 'puback', packetId: p.packetId! });
    for (const id of [4, 5]) {
      const p = await peer.next('publish');
      assert.equal(p.payload.toString(), String(id));
      peer.send({ type: 'puback', packetId: p.packetId! });
    }
    await Promise.all(all);
  });

  it('sends unacknowledged messages again with DUP when the session resumes', async () => {
    const { peer, port, client } = await start(4, { clean: false });
    const pending = client.publish({ topic: 't', payload: Buffer.from('again'), qos: 1, retain: false });
    const original = await peer.next('publish');
    assert.equal(original.dup, false);
    const closed = once(client, 'close');
    peer.socket.destroy();
    await closed;

    const reconnecting = connectClient(client, TARGET(port));
    const peer2: RawClient = await server.nextPeer();
    await peer2.next('connect');
    peer2.send({ type: 'connack', sessionPresent: true, reasonCode: 0 });
    await reconnecting;
    const resent = await peer2.next('publish');
    assert.equal(resent.dup, true);
    assert.equal(resent.packetId, original.packetId);
    assert.equal(resent.payload.toString(), 'again');
    peer2.send({ type: 'puback', packetId: resent.packetId! });
    await pending;
  });

  it('delivers an incoming QoS 2 message once, after PUBREL, even if the PUBLISH is repeated', async () => {
    const { peer, client } = await start(4);
    const messages: PublishPacket[] = [];
    client.on('message', (m) => messages.push(m));
    const publish: PublishPacket = { type: 'publish', topic: 'q2', payload: Buffer.from('once'), qos: 2, retain: false, dup: false, packetId: 7 };
    peer.send(publish);
    assert.equal((await peer.next('pubrec')).packetId, 7);
    peer.send({ ...publish, dup: true });
    assert.equal((await peer.next('pubrec')).packetId, 7);
    assert.equal(messages.length, 0);
    peer.send({ type: 'pubrel', packetId: 7 });
    assert.equal((await peer.next('pubcomp')).packetId, 7);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.payload.toString(), 'once');
  });

  it('acknowledges an incoming QoS 1 message with PUBACK', async () => {
    const { peer, client } = await start(4);
    const got = once(client, 'message');
    peer.send({ type: 'publish', topic: 'q1', payload: Buffer.from('m'), qos: 1, retain: false, dup: false, packetId: 3 });
    assert.equal((await peer.next('puback')).packetId, 3);
    const [message] = (await got) as [PublishPacket];
    assert.equal(message.topic, 'q1');
  });

  it('resolves topic aliases the server assigns', async () => {
    const { peer, client } = await start(5, { connectProperties: { topicAliasMaximum: 4 } });
    const topics: string[] = [];
    client.on('message', (m) => topics.push(m.topic));
    peer.send({ type: 'publish', topic: 'long/topic', payload: Buffer.from('1'), qos: 0, retain: false, dup: false, properties: { topicAlias: 2 } });
    peer.send({ type: 'publish', topic: '', payload: Buffer.from('2'), qos: 0, retain: false, dup: false, properties: { topicAlias: 2 } });
    const pinged = client.ping();
    await peer.next('pingreq');
    peer.send({ type: 'pingresp' });
    await pinged;
    assert.deepEqual(topics, ['long/topic', 'long/topic']);
  });

  it('closes with ServerDisconnect and the reason when the server sends DISCONNECT', async () => {
    const { peer, client } = await start(5);
    const closed = once(client, 'close');
    peer.send({ type: 'disconnect', reasonCode: ReasonCode.SessionTakenOver });
    const [err] = (await closed) as [MqttError];
    assert.equal(err.code, ErrorCode.ServerDisconnect);
    assert.equal(err.reasonCode, 0x8e);
    assert.equal(err.message, 'Session taken over');
  });

  it('pings when idle and declares the connection dead when no PINGRESP comes back', async function () {
    this.timeout(6000);
    const { peer, client } = await start(4, { keepalive: 1 });
    const closed = once(client, 'close');
    await peer.next('pingreq', 2000);
    const [err] = (await closed) as [MqttError];
    assert.equal(err.code, ErrorCode.KeepaliveTimeout);
  });

  for (const [qos, ack, expected] of [
    [2, 'puback', /with PUBACK$/],
    [1, 'pubrec', /with PUBREC$/],
    [2, 'pubcomp', /with PUBCOMP before PUBREC$/],
  ] as const) {
    it(`rejects a QoS ${qos} publish answered with ${ack.toUpperCase()}: a protocol error, v5 DISCONNECT 0x82`, async () => {
      const { peer, client } = await start(5);
      const closed = once(client, 'close');
      const publishing = client.publish({ topic: 't', payload: Buffer.from('x'), qos, retain: false });
      const publish = await peer.next('publish');
      peer.send({ type: ack, packetId: publish.packetId! });
      await assert.rejects(publishing, (err: MqttError) => err.code === ErrorCode.ProtocolError && expected.test(err.message));
      const [err] = (await closed) as [MqttError];
      assert.equal(err.code, ErrorCode.ProtocolError);
      assert.equal((await peer.next('disconnect')).reasonCode, ReasonCode.ProtocolError);
    });
  }

  it('fails the connect at once when the first packet from the server is not CONNACK', async () => {
    const { connecting, peer } = await connectingTo(4);
    peer.send({ type: 'suback', packetId: 1, reasonCodes: [0] });
    await assert.rejects(connecting, (err: MqttError) => {
      assert.equal(err.code, ErrorCode.ProtocolError);
      assert.equal(err.message, 'Protocol error: the broker sent SUBACK before CONNACK');
      return true;
    });
  });

  it('gives a broker that never answers CONNECT one keepalive period', async function () {
    this.timeout(6000);
    const { connecting } = await connectingTo(4, { keepalive: 1 });
    await assert.rejects(connecting, (err: MqttError) => {
      assert.equal(err.code, ErrorCode.KeepaliveTimeout);
      assert.equal(err.message, 'No CONNACK from the broker within 1 s.');
      return true;
    });
  });

  it('closes with MalformedPacket when the server sends bytes that break the grammar', async () => {
    const { peer, client } = await start(4);
    const closed = once(client, 'close');
    // A remaining length of five bytes: four is the most MQTT allows.
    peer.socket.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]));
    const [err] = (await closed) as [MqttError];
    assert.equal(err.code, ErrorCode.MalformedPacket);
  });

  it('sends DISCONNECT with a v5 reason and resolves when closed', async () => {
    const { peer, client } = await start(5);
    await client.disconnect(ReasonCode.DisconnectWithWillMessage);
    const packet = await peer.next('disconnect');
    assert.equal(packet.reasonCode, 4);
    assert.equal(client.isConnected, false);
  });
});
