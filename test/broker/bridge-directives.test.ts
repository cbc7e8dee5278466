import assert from 'node:assert/strict';
import { startBridges } from '../../src/lib/bridge/start.js';
import { bridgeLines, Peer } from '../support/bridge-peers.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

describe('bridge directives: notification_topic, notifications_local_only, bridge_outgoing_retain, bridge_max_packet_size', function () {
  this.timeout(20_000);
  let centre: TestBroker;
  let edge: TestBroker;
  let atCentre: Peer;
  let atEdge: Peer;
  let sender: Peer;

  before(async () => {
    centre = await startTestBroker();
    atCentre = await Peer.open(centre.port, 'centre-sub', ['out/#', 'bridges/#', '$SYS/broker/connection/#']);
    const bridges = bridgeLines([
      'connection dir',
      `address 127.0.0.1:${centre.port}`,
      'remote_clientid edge-d',
      'notification_topic bridges/edge-d',
      'notifications_local_only true',
      'bridge_outgoing_retain false',
      'bridge_max_packet_size 100',
      'topic out/# out 1',
      'topic in/# in 1',
    ]);
    // One in flight: a dropped message that kept its place in the window would stop every later one.
    edge = await startTestBroker({ limits: { maxInflightMessages: 1 }, attach: (broker) => startBridges(bridges, broker) });
    atEdge = await Peer.open(edge.port, 'edge-sub', ['in/#', 'bridges/#', '$SYS/broker/connection/#']);
    sender = await Peer.open(edge.port, 'sender');
    await atEdge.until('bridges/edge-d', '1');
  });

  after(async () => {
    await sender?.close();
    await atEdge?.close();
    await atCentre?.close();
    await edge?.close();
    await centre?.close();
  });

  /** Something sent after the rest, on the same connection: once it is at the centre, so is whatever went before. */
  async function marker(payload: string): Promise<void> {
    await sender.publish('out/marker', payload);
    await atCentre.until('out/marker', payload);
  }

  it('publishes the state, retained, on notification_topic here and not at the remote', async () => {
    await marker('m1');
    const late = await Peer.open(edge.port, 'late-edge', ['bridges/edge-d']);
    assert.equal((await late.until('bridges/edge-d', '1')).retain, true);
    await late.close();
    assert.deepEqual(
      atEdge.seen.filter((p) => p.topic.startsWith('$SYS/')).map((p) => p.topic),
      [],
    );
    assert.deepEqual(
      atCentre.seen.filter((p) => p.topic !== 'out/marker').map((p) => `${p.topic} ${p.payload.toString()}`),
      [],
    );
  });

  it('clears the retain flag of what goes to the remote, so the remote keeps nothing', async () => {
    await sender.publish('out/kept', 'value', 1, true);
    assert.equal((await atCentre.until('out/kept', 'value')).retain, false);
    const late = await Peer.open(centre.port, 'late', ['out/kept']);
    await late.client.ping();
    assert.equal(late.count('out/kept', 'value'), 0);
    await late.close();
  });

  it('drops a message too large for the remote, logged as mosquitto does, and still takes large ones in', async () => {
    await sender.publish('out/big', 'x'.repeat(200), 1);
    await marker('m2');
    assert.equal(atCentre.count('out/big', 'x'.repeat(200)), 0);
    assert.ok(edge.log.includes('notice: Dropping too large outgoing PUBLISH for local.edge-d (211 bytes)'), edge.log.join('\n'));
    await sender.publish('out/fits', 'y'.repeat(80), 1);
    await atCentre.until('out/fits', 'y'.repeat(80));
    const far = await Peer.open(centre.port, 'far');
    await far.publish('in/large', 'z'.repeat(300), 1);
    await atEdge.until('in/large', 'z'.repeat(300));
    await far.close();
  });
});
