import assert from 'node:assert/strict';
import { startBridges } from '../../src/lib/bridge/start.js';
import { bridgeLines, Peer } from '../support/bridge-peers.js';
import { freePort } from '../support/ports.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

describe('mqt serve bridging to mqt serve (MQTT 5, clean session)', function () {
  this.timeout(20_000);
  let centre: TestBroker;
  let edge: TestBroker;
  let atCentre: Peer;
  let atEdge: Peer;

  before(async () => {
    centre = await startTestBroker();
    const bridges = bridgeLines([
      'connection up',
      `address 127.0.0.1:${centre.port}`,
      'remote_clientid edge-5',
      'bridge_protocol_version mqttv50',
      'cleansession true',
      'notification_topic bridges/edge-5',
      'topic # both 2 shop/ site/shop/',
    ]);
    edge = await startTestBroker({ attach: (broker) => startBridges(bridges, broker) });
    atCentre = await Peer.open(centre.port, 'centre-sub', ['site/#', 'bridges/#'], 5);
    atEdge = await Peer.open(edge.port, 'edge-sub', ['shop/#', 'bridges/#'], 5);
    await atCentre.until('bridges/edge-5', '1');
    await atEdge.until('bridges/edge-5', '1');
  });

  after(async () => {
    await atCentre?.close();
    await atEdge?.close();
    await edge?.close();
    await centre?.close();
  });

  it('connects with MQTT 5 and a clean session, its own lines hidden from the connection log', () => {
    assert.ok(centre.log.some((l) => /New client connected from 127\.0\.0\.1:\d+ as edge-5 \(p5, c1, k60\)\./.test(l)), centre.log.join('\n'));
    // The edge has had one client of its own so far: its subscriber.
    assert.equal(edge.log.filter((l) => l.startsWith('notice: New connection from')).length, 1, edge.log.join('\n'));
    assert.ok(!edge.log.some((l) => l.includes('as local.edge-5')), edge.log.join('\n'));
  });

  it('carries each way once under the prefixes, properties and all, and never back (no-local)', async () => {
    const near = await Peer.open(edge.port, 'near', [], 5);
    const far = await Peer.open(centre.port, 'far', [], 5);
    await near.client.publish({ topic: 'shop/till', payload: Buffer.from('sale'), qos: 2, retain: false, properties: { contentType: 'text/plain' } });
    const there = await atCentre.until('site/shop/till', 'sale');
    assert.equal(there.properties?.contentType, 'text/plain');
    await far.publish('site/shop/price', 'up', 1);
    await atEdge.until('shop/price', 'up');
    // Echoes would come before these markers, on the bridge's own connection.
    await far.publish('site/shop/marker', 'm1', 1);
    await atEdge.until('shop/marker', 'm1');
    await near.publish('shop/marker', 'm2', 1);
    await atCentre.until('site/shop/marker', 'm2');
    assert.deepEqual([atEdge.count('shop/till', 'sale'), atCentre.count('site/shop/price', 'up')], [1, 1]);
    await near.close();
    await far.close();
  });
});

describe('a bridge whose remote cannot be reached', function () {
  this.timeout(20_000);

  it('logs one line a try and retries, the broker running on', async () => {
    const closed = await freePort();
    const bridges = bridgeLines(['connection nowhere', `address 127.0.0.1:${closed}`, 'restart_timeout 1', 'topic a/# out']);
    const edge = await startTestBroker({ attach: (broker) => startBridges(bridges, broker) });
    try {
      await edge.waitForLog(/^error: Error creating bridge: Broken pipe\.$/, 10_000, 2);
      assert.equal(edge.log.filter((l) => l.startsWith('notice: Connecting bridge (step 2) nowhere')).length, 2);
      const peer = await Peer.open(edge.port, 'still-here', ['$SYS/broker/connection/#']);
      assert.equal((await peer.until('$SYS/broker/connection/host.nowhere/state', '0')).retain, true);
      await peer.close();
    } finally {
      await edge.close();
    }
  });
});

describe('a lazy bridge (start_type lazy)', function () {
  this.timeout(20_000);

  it('connects once threshold messages wait, sends them, and leaves after idle_timeout', async () => {
    const centre = await startTestBroker();
    const bridges = bridgeLines(['connection lazy', `address 127.0.0.1:${centre.port}`, 'remote_clientid lazy-1', 'start_type lazy', 'threshold 2', 'idle_timeout 1', 'topic q/# out 1']);
    const edge = await startTestBroker({ attach: (broker) => startBridges(bridges, broker) });
    const watcher = await Peer.open(centre.port, 'watcher', ['q/#', '$SYS/broker/connection/#']);
    const sender = await Peer.open(edge.port, 'sender');
    try {
      await sender.publish('q/1', 'first', 0);
      await sender.client.ping();
      assert.ok(!edge.log.some((l) => l.includes('Connecting bridge (step 2) lazy')), 'connected before the threshold');
      await sender.publish('q/2', 'second', 1);
      await watcher.until('q/2', 'second');
      assert.equal(watcher.count('q/1', 'first'), 1);
      await edge.waitForLog(/^notice: Bridge connection local\.lazy-1 has exceeded idle timeout, disconnecting\.$/, 10_000);
      await watcher.until('$SYS/broker/connection/lazy-1/state', '0');
      assert.equal(edge.log.filter((l) => l.includes('Connecting bridge (step 2) lazy')).length, 1);
    } finally {
      await sender.close();
      await watcher.close();
      await edge.close();
      await centre.close();
    }
  });
});
