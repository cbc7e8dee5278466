import assert from 'node:assert/strict';
import { bridgeSettings } from '../../src/lib/broker/config/bridge-directives.js';
import { parseConfText } from '../../src/lib/broker/config/mosquitto-conf.js';
import { emptyConfState } from '../../src/lib/broker/config/state.js';
import { startBridges } from '../../src/lib/bridge/start.js';
import { CuttableRelay, Peer } from '../support/bridge-peers.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

const STATE = '$SYS/broker/connection/edge-1/state';
const CLEAN_STATE = '$SYS/broker/connection/edge-c/state';

describe('mqt serve bridging to mosquitto (connection, topic in/out/both with prefixes)', function () {
  this.timeout(30_000);
  let mosquitto: Mosquitto;
  let relay: CuttableRelay;
  /** The way to mosquitto of a second bridge, with cleansession true. */
  let cleanRelay: CuttableRelay;
  let mqt: TestBroker;
  /** Subscribers at either end, and a publisher at each. */
  let edge: Peer;
  let centre: Peer;

  before(async function () {
    requireMosquitto(this);
    mosquitto = await startMosquitto();
    relay = await CuttableRelay.start(mosquitto.port);
    cleanRelay = await CuttableRelay.start(mosquitto.port);
    const conf = emptyConfState();
    const text = [
      'connection centre',
      `address 127.0.0.1:${relay.port}`,
      'remote_clientid edge-1',
      'restart_timeout 1',
      'topic sensors/# out 2 "" site1/',
      'topic cmd/# in 2 local/ hq/',
      'topic chat/# both 1',
      'connection clean',
      `address 127.0.0.1:${cleanRelay.port}`,
      'remote_clientid edge-c',
      'cleansession true',
      'restart_timeout 1',
      'topic cleanout/# out 1',
      'topic cleanin/# in 1',
    ].join('\n');
    parseConfText(conf, text, 'bridge.conf');
    const bridges = bridgeSettings(conf.bridges, 'host');
    centre = await Peer.open(mosquitto.port, 'centre-sub', ['site1/#', 'hq/#', 'chat/#', '$SYS/broker/connection/#']);
    mqt = await startTestBroker({ attach: (broker) => startBridges(bridges, broker) });
    edge = await Peer.open(mqt.port, 'edge-sub', ['local/#', 'sensors/#', 'chat/#', '$SYS/broker/connection/#']);
    await centre.until(STATE, '1');
    await edge.until(STATE, '1');
    await edge.until(CLEAN_STATE, '1');
  });

  after(async () => {
    await edge?.close();
    await centre?.close();
    await mqt?.close();
    await relay?.cut();
    await cleanRelay?.cut();
    await mosquitto?.stop();
  });

  it('connects as mosquitto does: its log line, the bridge bit, the retained state at both ends', async () => {
    assert.ok(mqt.log.includes(`notice: Connecting bridge (step 2) centre (127.0.0.1:${relay.port})`), mqt.log.join('\n'));
    assert.match(mosquitto.log(), /New bridge connected from 127\.0\.0\.1:\d+ as edge-1 \(p2, c0, k60\)\./);
    const late = await Peer.open(mqt.port, 'late', [STATE]);
    assert.equal((await late.until(STATE, '1')).retain, true);
    await late.close();
  });

  it('sends out-topics to the remote under its prefix, at QoS 0, 1 and 2', async () => {
    const sender = await Peer.open(mqt.port, 'sender');
    for (const qos of [0, 1, 2] as const) await sender.publish('sensors/t', `q${qos}`, qos);
    for (const qos of [0, 1, 2] as const) assert.equal((await centre.until('site1/sensors/t', `q${qos}`)).qos, qos);
    await sender.close();
  });

  it('brings in-topics from the remote under the local prefix', async () => {
    const sender = await Peer.open(mosquitto.port, 'far-sender');
    await sender.publish('hq/cmd/reboot', 'now', 2);
    assert.equal((await edge.until('local/cmd/reboot', 'now')).qos, 2);
    await sender.close();
  });

  it('carries a both-topic each way once, and never back', async () => {
    const near = await Peer.open(mqt.port, 'near');
    const far = await Peer.open(mosquitto.port, 'far');
    await far.publish('chat/a', 'from-centre');
    await edge.until('chat/a', 'from-centre');
    // An echo would reach the remote ahead of this marker, on the same bridge connection.
    await near.publish('chat/marker', 'm1');
    await centre.until('chat/marker', 'm1');
    assert.equal(centre.count('chat/a', 'from-centre'), 1);
    await near.publish('chat/b', 'from-edge');
    await centre.until('chat/b', 'from-edge');
    await far.publish('chat/marker', 'm2');
    await edge.until('chat/marker', 'm2');
    assert.equal(edge.count('chat/b', 'from-edge'), 1);
    await near.close();
    await far.close();
  });

  it('keeps the retain flag of what it sends, so the remote retains it', async () => {
    const sender = await Peer.open(mqt.port, 'retainer');
    await sender.publish('sensors/ret', 'kept', 1, true);
    await centre.until('site1/sensors/ret', 'kept');
    const late = await Peer.open(mosquitto.port, 'late-centre', ['site1/sensors/ret']);
    assert.equal((await late.until('site1/sensors/ret', 'kept')).retain, true);
    await sender.close();
    await late.close();
  });

  it('queues QoS 1 while the remote is away and delivers it once when it is back', async () => {
    const downs = edge.count(STATE, '0');
    await relay.cut();
    await mqt.waitForLog(/Client local\.edge-1 closed its connection\./, 10_000);
    await edge.until(STATE, '0', downs + 1);
    const sender = await Peer.open(mqt.port, 'while-away');
    await sender.publish('sensors/q', 'queued', 1);
    await relay.restore();
    await centre.until('site1/sensors/q', 'queued');
    await sender.publish('sensors/marker', 'after');
    await centre.until('site1/sensors/marker', 'after');
    assert.equal(centre.count('site1/sensors/q', 'queued'), 1);
    await sender.close();
  });

  it('cleansession true: a clean session at mosquitto, and what was sent either way while the bridge was away is gone', async () => {
    assert.match(mosquitto.log(), /New bridge connected from 127\.0\.0\.1:\d+ as edge-c \(p2, c1, k60\)\./);
    const near = await Peer.open(mqt.port, 'near-c', ['cleanin/#']);
    const far = await Peer.open(mosquitto.port, 'far-c', ['cleanout/#']);
    const downs = edge.count(CLEAN_STATE, '0');
    await cleanRelay.cut();
    await mqt.waitForLog(/Client local\.edge-c closed its connection\./, 10_000);
    await edge.until(CLEAN_STATE, '0', downs + 1);
    await near.publish('cleanout/away', 'lost-out', 1);
    await far.publish('cleanin/away', 'lost-in', 1);
    await cleanRelay.restore();
    await edge.until(CLEAN_STATE, '1', 2);
    // Sent after the reconnect on the same connections: anything kept from before would be ahead of them.
    await near.publish('cleanout/marker', 'm-out', 1);
    await far.until('cleanout/marker', 'm-out');
    await far.publish('cleanin/marker', 'm-in', 1);
    await near.until('cleanin/marker', 'm-in');
    assert.deepEqual([far.count('cleanout/away', 'lost-out'), near.count('cleanin/away', 'lost-in')], [0, 0]);
    await near.close();
    await far.close();
  });
});
