import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { startBridges } from '../../src/lib/bridge/start.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import { bridgeLines, Peer } from '../support/bridge-peers.js';
import { RawClient } from '../support/raw-client.js';
import { ScriptedServer } from '../support/scripted-server.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

/**
 * QoS 0 toward a remote that stops reading: the bridge is one more slow client of its broker.
 * What waits for the remote is bounded by max_queued_messages (mosquitto's out_packet_count
 * limit for QoS 0, with its log line); the publisher and local subscribers go on at full speed;
 * once the remote reads again, the bridge carries new messages, in order, none twice.
 */
describe('a bridge toward a remote that stops reading, QoS 0', function () {
  this.timeout(60_000);
  let remoteServer: ScriptedServer;
  let remote: RawClient;
  let edge: TestBroker;
  let publisher: RawClient;
  let local: Peer;
  /** Indexes of the z/load messages the local subscriber received, in order. */
  const localSeen: number[] = [];
  let localWaiter: (() => void) | undefined;

  /** Message `i` of the load: 4 KiB, its index first. */
  function loadPayload(i: number): Buffer {
    const payload = Buffer.alloc(4096, 0x7a);
    payload.writeUInt32BE(i);
    return payload;
  }

  before(async () => {
    remoteServer = new ScriptedServer(4);
    const port = await remoteServer.listen();
    const bridges = bridgeLines(['connection stuck', `address 127.0.0.1:${port}`, 'remote_clientid stuck-1', 'try_private false', 'bridge_attempt_unsubscribe false', 'notifications false', 'topic z/# out 0']);
    // max_queued_messages 100: the drops begin after 400 KB wait for the bridge, not 4 MB.
    edge = await startTestBroker({ limits: { maxQueuedMessages: 100 }, attach: (broker) => startBridges(bridges, broker) });
    remote = await remoteServer.nextPeer();
    await remote.next('connect');
    remote.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
    await edge.waitForLog(/Bridge local\.stuck-1 doing local SUBSCRIBE on topic z\/#/);
    // The bridge's local subscription is made once its SUBACK is back: a local client's round trip after it.
    local = await Peer.open(edge.port, 'local', ['z/#']);
    local.client.on('message', (p) => {
      if (p.topic !== 'z/load') return;
      localSeen.push(p.payload.readUInt32BE());
      localWaiter?.();
    });
    ({ client: publisher } = await RawClient.connected(edge.port, { clientId: 'publisher' }));
  });

  after(async () => {
    publisher?.close();
    await local?.close();
    await edge?.close();
    await remoteServer?.close();
  });

  it('drops for the remote past max_queued_messages, logged once, while the publisher and a local subscriber lose nothing', async () => {
    remote.socket.pause();
    // 6 MB: more than loopback's socket buffers and 100 packets of 4 KiB waiting for the bridge hold.
    const total = 1500;
    const round = 500;
    for (let sent = 0; sent < total; sent += round) {
      const arrived = new Promise<void>((resolve) => (localWaiter = () => localSeen.length === sent + round && resolve()));
      for (let i = sent; i < sent + round; i++) publisher.send({ type: 'publish', topic: 'z/load', payload: loadPayload(i), qos: 0, retain: false, dup: false });
      await publisher.ping();
      await arrived;
    }
    assert.deepEqual(localSeen, Array.from({ length: total }, (_, i) => i));
    assert.deepEqual(
      edge.log.filter((l) => l.includes('being dropped')),
      ['notice: Outgoing messages are being dropped for client local.stuck-1.'],
    );
  });

  it('carries new messages again once the remote reads; what it had reached it in order, each once', async () => {
    remote.socket.resume();
    // What waits for the remote drains first; QoS 0 published before it has is dropped like the
    // load, so the publisher repeats its message until one gets through.
    const arrived: PublishPacket[] = [];
    const repeat = setInterval(() => publisher.send({ type: 'publish', topic: 'z/after', payload: Buffer.from('after'), qos: 0, retain: false, dup: false }), 50);
    try {
      while (arrived.at(-1)?.topic !== 'z/after') arrived.push(await remote.next('publish', 30_000));
    } finally {
      clearInterval(repeat);
    }
    const loads = arrived.slice(0, -1).map((p) => (p.topic === 'z/load' ? p.payload.readUInt32BE() : -1));
    assert.ok(loads.length > 0 && loads.length < 1500, `${loads.length} of 1500 reached the remote`);
    // Increasing: in publishing order, none twice (and nothing but the load before 'after').
    assert.ok(
      loads.every((n, i) => n >= 0 && (i === 0 || n > loads[i - 1]!)),
      `out of order: ${loads.join(' ')}`,
    );
  });
});
