import assert from 'node:assert/strict';
import { startBridges } from '../../src/lib/bridge/start.js';
import { bridgeLines, Peer } from '../support/bridge-peers.js';
import { FakeClock } from '../support/fake-clock.js';
import { freePort } from '../support/ports.js';
import type { RawClient } from '../support/raw-client.js';
import { ScriptedServer } from '../support/scripted-server.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

/** CONNACK as a 3.1.1 broker writes it: accepted, or refused for the protocol version. */
const CONNACK_ACCEPTED = [0x20, 2, 0, 0];
const CONNACK_BAD_VERSION = [0x20, 2, 0, 1];

/**
 * An edge broker on a fake clock with one bridge (`lines` after its `connection` line), remotes
 * played by scripted servers: each retry waits for the test to move the clock on.
 */
class Edge {
  private constructor(
    readonly broker: TestBroker,
    readonly clock: FakeClock,
    readonly watcher: Peer,
  ) {}

  static async start(name: string, lines: string[]): Promise<Edge> {
    const bridges = bridgeLines([`connection ${name}`, 'restart_timeout 1', 'bridge_attempt_unsubscribe false', 'topic a/# out', ...lines]);
    const clock = new FakeClock();
    const broker = await startTestBroker({ clock, attach: (b) => startBridges(bridges, b) });
    return new Edge(broker, clock, await Peer.open(broker.port, 'watcher', ['$SYS/broker/connection/#']));
  }

  /** The bridge's next CONNECT at `server`, and the remote's end of that connection. */
  static async connectAt(server: ScriptedServer): Promise<{ peer: RawClient; level: number; bridge: boolean }> {
    const peer = await server.nextPeer();
    const connect = await peer.next('connect');
    return { peer, level: connect.protocolVersion, bridge: connect.bridge === true };
  }

  /** The `nth` line matching `re`, then one restart_timeout on. */
  async retryAfter(re: RegExp, nth = 1): Promise<void> {
    await this.broker.waitForLog(re, 5000, nth);
    this.clock.advance(1000);
  }

  connecting(port: number): number {
    return this.broker.log.filter((l) => l.endsWith(`(127.0.0.1:${port})`) && l.includes('Connecting bridge (step 2)')).length;
  }

  async close(): Promise<void> {
    await this.watcher.close();
    await this.broker.close();
  }
}

describe('bridge fallbacks when the remote refuses the CONNECT (mosquitto 2.0 handle_connack.c)', function () {
  this.timeout(20_000);
  let server: ScriptedServer;
  let port: number;

  beforeEach(async () => {
    server = new ScriptedServer(5);
    port = await server.listen();
  });

  afterEach(async () => {
    await server.close();
  });

  it('try_private: refused with CONNACK 1, the bridge retries without the bridge bit, and keeps it off', async () => {
    const edge = await Edge.start('tp', [`address 127.0.0.1:${port}`]);
    try {
      const first = await Edge.connectAt(server);
      assert.deepEqual([first.level, first.bridge], [4, true]);
      first.peer.sendBytes(CONNACK_BAD_VERSION);
      await edge.retryAfter(/^error: Connection Refused: unacceptable protocol version$/);
      const second = await Edge.connectAt(server);
      assert.deepEqual([second.level, second.bridge], [4, false]);
      second.peer.sendBytes(CONNACK_ACCEPTED);
      await edge.watcher.until('$SYS/broker/connection/host.tp/state', '1');
      second.peer.close();
      await edge.retryAfter(/^notice: Client local\.host\.tp closed its connection\.$/);
      assert.equal((await Edge.connectAt(server)).bridge, false);
    } finally {
      await edge.close();
    }
  });

  it('a broker that stops while its bridge waits for CONNACK logs no error for that try: the bridge ended it', async () => {
    const edge = await Edge.start('stop', [`address 127.0.0.1:${port}`]);
    const { peer } = await Edge.connectAt(server);
    await edge.close();
    await peer.waitClosed();
    assert.deepEqual(edge.broker.log.filter((l) => l.startsWith('error:')), []);
  });

  it("a remote that sends what MQTT 3.1.1 does not have (AUTH) is left with mosquitto's words, and retried", async () => {
    const edge = await Edge.start('bad', [`address 127.0.0.1:${port}`]);
    try {
      const first = await Edge.connectAt(server);
      first.peer.sendBytes(CONNACK_ACCEPTED);
      await edge.watcher.until('$SYS/broker/connection/host.bad/state', '1');
      first.peer.sendBytes([0xf0, 0x00]);
      await edge.retryAfter(/^notice: Client local\.host\.bad disconnected due to protocol error\.$/);
      await Edge.connectAt(server);
    } finally {
      await edge.close();
    }
  });

  it('MQTT 5 refused by a 3.1.1 broker (CONNACK 1, no properties): the next try is 3.1.1 with the bridge bit', async () => {
    const edge = await Edge.start('v5', [`address 127.0.0.1:${port}`, 'bridge_protocol_version mqttv50']);
    try {
      const first = await Edge.connectAt(server);
      assert.deepEqual([first.level, first.bridge], [5, false]);
      first.peer.sendBytes(CONNACK_BAD_VERSION);
      await edge.retryAfter(/^notice: Warning: Remote bridge v5 does not support MQTT v5\.0, reconnecting using MQTT v3\.1\.1\.$/);
      const second = await Edge.connectAt(server);
      assert.deepEqual([second.level, second.bridge], [4, true]);
    } finally {
      await edge.close();
    }
  });
});

describe('bridge failover over several addresses (mosquitto 2.0 bridge.c)', function () {
  this.timeout(20_000);
  let backup: ScriptedServer;
  let primary: ScriptedServer;
  let primaryPort: number;
  let backupPort: number;

  beforeEach(async () => {
    primaryPort = await freePort();
    backup = new ScriptedServer(4);
    backupPort = await backup.listen();
    primary = new ScriptedServer(4);
  });

  afterEach(async () => {
    await backup.close();
    await primary.close();
  });

  /** The first address refuses, the bridge moves to the second, which accepts; then the first opens. */
  async function onBackup(name: string, roundRobin: boolean): Promise<{ edge: Edge; peer: RawClient }> {
    const edge = await Edge.start(name, [`addresses 127.0.0.1:${primaryPort} 127.0.0.1:${backupPort}`, `round_robin ${roundRobin}`]);
    await edge.retryAfter(/^error: Error creating bridge: Broken pipe\.$/);
    const { peer } = await Edge.connectAt(backup);
    peer.sendBytes(CONNACK_ACCEPTED);
    await edge.watcher.until(`$SYS/broker/connection/host.${name}/state`, '1');
    assert.deepEqual([edge.connecting(primaryPort), edge.connecting(backupPort)], [1, 1]);
    await primary.listen(primaryPort);
    return { edge, peer };
  }

  it('round_robin false: on a backup, it looks for the primary every 5 s and goes back to it', async () => {
    const { edge, peer } = await onBackup('rr-false', false);
    try {
      edge.clock.advance(5000);
      const probe = await primary.nextPeer();
      await peer.closed;
      await edge.retryAfter(/^notice: Client local\.host\.rr-false closed its connection\.$/);
      const back = await Edge.connectAt(primary);
      assert.notEqual(back.peer, probe);
      assert.deepEqual([edge.connecting(primaryPort), edge.connecting(backupPort)], [2, 1]);
    } finally {
      await edge.close();
    }
  });

  it('round_robin true: it stays on the backup until that connection fails, then takes the next address', async () => {
    const { edge, peer } = await onBackup('rr-true', true);
    try {
      edge.clock.advance(10_000);
      peer.close();
      await edge.retryAfter(/^notice: Client local\.host\.rr-true closed its connection\.$/);
      // A probe would have reached the primary first, sending no CONNECT.
      const next = await Edge.connectAt(primary);
      assert.equal(next.level, 4);
      assert.deepEqual([edge.connecting(primaryPort), edge.connecting(backupPort)], [2, 1]);
    } finally {
      await edge.close();
    }
  });
});
