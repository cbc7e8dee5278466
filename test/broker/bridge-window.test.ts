import assert from 'node:assert/strict';
import { bridgeSettings } from '../../src/lib/broker/config/bridge-directives.js';
import { parseConfText } from '../../src/lib/broker/config/mosquitto-conf.js';
import { emptyConfState } from '../../src/lib/broker/config/state.js';
import { startBridges } from '../../src/lib/bridge/start.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import type { Properties } from '../../src/lib/protocol/properties.js';
import type { RawClient } from '../support/raw-client.js';
import { Peer } from '../support/bridge-peers.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { ScriptedServer } from '../support/scripted-server.js';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from '../support/test-broker.js';

/** An edge with one bridge (`lines`, after its address) toward a scripted remote that has accepted it; resolves once its state is 1. */
async function bridgedEdge(
  version: ProtocolVersion,
  name: string,
  lines: string[],
  limits: TestBrokerOptions['limits'],
  connack: Properties | undefined,
): Promise<{ remoteServer: ScriptedServer; remote: RawClient; edge: TestBroker }> {
  const remoteServer = new ScriptedServer(version);
  const port = await remoteServer.listen();
  const conf = emptyConfState();
  parseConfText(conf, [`connection ${name}`, `address 127.0.0.1:${port}`, `remote_clientid ${name}-1`, 'bridge_attempt_unsubscribe false', 'notifications_local_only true', ...lines].join('\n'), 'bridge.conf');
  const bridges = bridgeSettings(conf.bridges, 'host');
  const edge = await startTestBroker({ limits, attach: (broker) => startBridges(bridges, broker) });
  const remote = await remoteServer.nextPeer();
  await remote.next('connect');
  remote.send({ type: 'connack', sessionPresent: false, reasonCode: 0, ...(connack === undefined ? {} : { properties: connack }) });
  const watcher = await Peer.open(edge.port, 'watcher', ['$SYS/broker/connection/#']);
  await watcher.until(`$SYS/broker/connection/${name}-1/state`, '1');
  await watcher.close();
  return { remoteServer, remote, edge };
}

/**
 * What a bridge holds for a remote that acknowledges nothing: max_inflight_messages in flight
 * there, max_queued_messages more in its local session, the rest dropped with mosquitto's line.
 * mosquitto 2.0.11 with the same settings holds the same 3 + 5 (its bridge context's queue).
 */
describe('a bridge toward a remote that does not acknowledge', function () {
  this.timeout(20_000);
  let remoteServer: ScriptedServer;
  let remote: RawClient;
  let edge: TestBroker;
  let publisher: Peer;
  let inFlight: PublishPacket[] = [];

  before(async () => {
    ({ remoteServer, remote, edge } = await bridgedEdge(4, 'slow', ['try_private false', 'topic s/# out 1'], { maxInflightMessages: 3, maxQueuedMessages: 5 }, undefined));
    publisher = await Peer.open(edge.port, 'publisher');
    for (let i = 1; i <= 10; i++) await publisher.publish('s/x', `m${i}`, 1);
  });

  after(async () => {
    await publisher?.close();
    await edge?.close();
    await remoteServer?.close();
  });

  it('has max_inflight_messages in flight toward the remote, and drops past max_queued_messages with a log line', async () => {
    await edge.waitForLog(/^notice: Outgoing messages are being dropped for client local\.slow-1\.$/);
    inFlight = [await remote.next('publish'), await remote.next('publish'), await remote.next('publish')];
    await remote.assertNone('publish', 'more than max_inflight_messages in flight');
    assert.deepEqual(
      inFlight.map((p) => p.payload.toString()),
      ['m1', 'm2', 'm3'],
    );
  });

  it('sends the queued ones in order as the remote acknowledges, each once', async () => {
    const got: string[] = ['m1', 'm2', 'm3'];
    const acked = new Set<number>();
    const ack = (packetId: number | undefined): void => {
      if (packetId === undefined || acked.has(packetId)) return;
      acked.add(packetId);
      remote.send({ type: 'puback', packetId });
    };
    for (const p of inFlight) ack(p.packetId);
    while (got.length < 8) {
      const p = await remote.next('publish');
      got.push(p.payload.toString());
      ack(p.packetId);
    }
    await remote.assertNone('publish', 'more than max_inflight_messages + max_queued_messages held');
    assert.deepEqual(got, ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
  });
});

/**
 * An MQTT 5 remote's Receive Maximum is the bridge's window, whatever max_inflight_messages says,
 * as mosquitto 2.0.11 takes it (src/handle_connack.c replaces the bridge's in-flight maximum).
 */
describe('an MQTT 5 bridge toward a remote with a Receive Maximum', function () {
  this.timeout(20_000);
  let remoteServer: ScriptedServer;
  let remote: RawClient;
  let edge: TestBroker;
  let publisher: Peer;

  before(async () => {
    ({ remoteServer, remote, edge } = await bridgedEdge(5, 'wide', ['bridge_protocol_version mqttv50', 'topic w/# out 1'], { maxInflightMessages: 2 }, { receiveMaximum: 5 }));
    publisher = await Peer.open(edge.port, 'publisher');
  });

  after(async () => {
    await publisher?.close();
    await edge?.close();
    await remoteServer?.close();
  });

  it('has Receive Maximum messages in flight, more than max_inflight_messages', async () => {
    for (let i = 1; i <= 8; i++) await publisher.publish('w/x', `m${i}`, 1);
    const inFlight = [];
    for (let i = 0; i < 5; i++) inFlight.push((await remote.next('publish')).payload.toString());
    await remote.assertNone('publish', 'more than the Receive Maximum in flight');
    assert.deepEqual(inFlight, ['m1', 'm2', 'm3', 'm4', 'm5']);
  });
});

describe("mosquitto's own bridge toward the same MQTT 5 remote (the reference for the window above)", function () {
  this.timeout(20_000);
  let remoteServer: ScriptedServer;
  let mosquitto: Mosquitto | undefined;

  before(function () {
    requireMosquitto(this);
  });

  after(async () => {
    await mosquitto?.stop();
    await remoteServer?.close();
  });

  it('has Receive Maximum messages in flight, more than max_inflight_messages', async () => {
    remoteServer = new ScriptedServer(5);
    const port = await remoteServer.listen();
    mosquitto = await startMosquitto([
      'max_inflight_messages 2',
      'connection wide',
      `address 127.0.0.1:${port}`,
      'remote_clientid wide-m',
      'bridge_protocol_version mqttv50',
      'bridge_attempt_unsubscribe false',
      'notifications_local_only true',
      'topic w/# out 1',
    ]);
    const remote = await remoteServer.nextPeer();
    await remote.next('connect');
    remote.send({ type: 'connack', sessionPresent: false, reasonCode: 0, properties: { receiveMaximum: 5 } });
    await mosquitto.waitForLog(/Received CONNACK on connection local\.[^\s]*wide-m/, 10_000);
    const publisher = await Peer.open(mosquitto.port, 'publisher');
    try {
      for (let i = 1; i <= 8; i++) await publisher.publish('w/x', `m${i}`, 1);
      const inFlight = [];
      for (let i = 0; i < 5; i++) inFlight.push((await remote.next('publish')).payload.toString());
      await remote.assertNone('publish', 'more than the Receive Maximum in flight');
      assert.deepEqual(inFlight, ['m1', 'm2', 'm3', 'm4', 'm5']);
    } finally {
      await publisher.close();
    }
  });
});
