import assert from 'node:assert/strict';
import type { PacketOf } from '../../src/lib/protocol/packets.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { RawClient } from '../support/raw-client.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

/** Waits until `client` holds a PUBLISH on `topic` with `payload`; every PUBLISH received so far stays readable in `seen`. */
async function arrival(client: RawClient, seen: PacketOf<'publish'>[], topic: string, payload: string): Promise<void> {
  for (;;) {
    const p = await client.next('publish', 10_000);
    seen.push(p);
    if (p.qos === 1) client.send({ type: 'puback', packetId: p.packetId! });
    if (p.topic === topic && p.payload.toString() === payload) return;
  }
}

function count(seen: PacketOf<'publish'>[], topic: string, payload: string): number {
  return seen.filter((p) => p.topic === topic && p.payload.toString() === payload).length;
}

describe('a mosquitto bridge into mqt serve (try_private)', function () {
  this.timeout(30_000);
  let mqt: TestBroker;
  let mosquitto: Mosquitto;
  let edge: RawClient;
  let centre: RawClient;
  const atEdge: PacketOf<'publish'>[] = [];
  const atCentre: PacketOf<'publish'>[] = [];

  before(async function () {
    requireMosquitto(this);
    mqt = await startTestBroker();
    mosquitto = await startMosquitto(['connection edge', `address 127.0.0.1:${mqt.port}`, 'remote_clientid centre-bridge', 'topic lab/# both 1']);
    await mqt.waitForLog(/New bridge connected/, 15_000);
    edge = (await RawClient.connected(mqt.port, { clientId: 'edge-sub' })).client;
    centre = (await RawClient.connected(mosquitto.port, { clientId: 'centre-sub' })).client;
    for (const c of [edge, centre]) {
      c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'lab/#', qos: 1 }] });
      await c.next('suback');
    }
    // mosquitto subscribes its bridge on mqt once connected: a message through it shows the way is open.
    while (!atEdge.some((p) => p.topic === 'lab/ready')) {
      centre.send({ type: 'publish', topic: 'lab/ready', payload: Buffer.from('?'), qos: 0, retain: false, dup: false });
      await centre.ping();
      await edge.ping();
      atEdge.push(...edge.take('publish'));
    }
  });

  after(async () => {
    edge?.close();
    centre?.close();
    await mosquitto?.stop();
    await mqt?.close();
  });

  it('logs the bridge as mosquitto does, with its protocol bit stripped', () => {
    assert.ok(mqt.log.some((l) => /^notice: New bridge connected from 127\.0\.0\.1:\d+ as centre-bridge \(p2, c0, k60\)\.$/.test(l)), mqt.log.join('\n'));
    assert.doesNotMatch(mosquitto.log(), /Connection Refused|falling back/i);
  });

  it('sends a message from the centre to the edge once and not back', async () => {
    centre.send({ type: 'publish', topic: 'lab/t', payload: Buffer.from('from-centre'), qos: 1, retain: false, dup: false, packetId: 7 });
    await arrival(edge, atEdge, 'lab/t', 'from-centre');
    // An echo from mqt would travel to mosquitto ahead of this marker, on the same bridge connection.
    edge.send({ type: 'publish', topic: 'lab/marker', payload: Buffer.from('m1'), qos: 1, retain: false, dup: false, packetId: 8 });
    await arrival(centre, atCentre, 'lab/marker', 'm1');
    assert.equal(count(atCentre, 'lab/t', 'from-centre'), 1);
  });

  it('sends a message from the edge to the centre once and not back', async () => {
    edge.send({ type: 'publish', topic: 'lab/u', payload: Buffer.from('from-edge'), qos: 1, retain: false, dup: false, packetId: 9 });
    await arrival(centre, atCentre, 'lab/u', 'from-edge');
    centre.send({ type: 'publish', topic: 'lab/marker', payload: Buffer.from('m2'), qos: 1, retain: false, dup: false, packetId: 10 });
    await arrival(edge, atEdge, 'lab/marker', 'm2');
    assert.equal(count(atEdge, 'lab/u', 'from-edge'), 1);
  });
});
