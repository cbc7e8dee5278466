import assert from 'node:assert/strict';
import { startBridges } from '../../src/lib/bridge/start.js';
import { bridgeLines, Peer } from '../support/bridge-peers.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { startTestBroker } from '../support/test-broker.js';

/**
 * The same bridge section at a mosquitto edge and at an mqt edge, toward one mosquitto centre,
 * through the same steps: both log the same bridge lines (log_type all), in the same order.
 */
describe('a bridge logs as mosquitto 2.0 logs its bridge', function () {
  this.timeout(30_000);
  let centre: Mosquitto;

  before(async function () {
    requireMosquitto(this);
    centre = await startMosquitto();
  });

  after(async () => {
    await centre?.stop();
  });

  const section = (remoteId: string, port = centre.port): string[] => [
    'connection c1',
    `address 127.0.0.1:${port}`,
    `remote_clientid ${remoteId}`,
    'local_clientid local.edge',
    'topic t/# both 1 e/ c/',
  ];

  /** The lines of the bridge and the broker's "running", without timestamps or levels, the remote id (each edge has its own) as REMOTE. */
  function bridgeLinesOf(log: string[], remoteId: string): string[] {
    return log
      .map((l) => l.replace(/^\d+: /, '').replace(/^(debug|notice|error|information|warning): /, ''))
      .map((l) => (/ version .* running$/.test(l) ? 'running' : l))
      .filter((l) => l === 'running' || l.includes('local.edge') || l.startsWith('Bridge ') || l.startsWith('Connecting bridge'))
      .map((l) => l.replaceAll(remoteId, 'REMOTE'));
  }

  /** Connects, carries messages out (QoS 0, then 1) and one in (QoS 1), and returns the edge's bridge lines up to the last PUBACK. */
  async function run(edgePort: number, remoteId: string, waitForLog: (re: RegExp) => Promise<unknown>, log: () => string[]): Promise<string[]> {
    const atCentre = await Peer.open(centre.port, `watch-${remoteId}`, ['c/t/#', `$SYS/broker/connection/${remoteId}/state`]);
    try {
      await atCentre.until(`$SYS/broker/connection/${remoteId}/state`, '1');
      // The state comes before the SUBACK: the messages below go after it at either edge.
      await waitForLog(/Received SUBACK from local\.edge/);
      const atEdge = await Peer.open(edgePort, `edge-sub-${remoteId}`, ['e/t/#']);
      // QoS 0 first: mosquitto sends it as m0, and the QoS 1 after it takes the next id.
      await atEdge.publish('e/t/w', 'zero', 0);
      await atCentre.until('c/t/w', 'zero');
      await atEdge.publish('e/t/x', 'out', 1);
      await atCentre.until('c/t/x', 'out');
      await atCentre.publish('c/t/y', 'in', 1);
      await atEdge.until('e/t/y', 'in');
      await waitForLog(/Sending PUBACK to local\.edge \(m1, rc0\)/);
      await atEdge.close();
      return bridgeLinesOf(log(), remoteId);
    } finally {
      await atCentre.close();
    }
  }

  type Scenario = (edgePort: number, remoteId: string, waitForLog: (re: RegExp) => Promise<unknown>, log: () => string[]) => Promise<string[]>;

  /** `scenario` at a mosquitto edge, then at an mqt edge, each with `lines(its remote id)`: their bridge lines, mqt's first. */
  async function bothEdges(lines: (remoteId: string) => string[], scenario: Scenario): Promise<[string[], string[]]> {
    const mosquittoEdge = await startMosquitto(lines('edge-m'));
    let theirs: string[];
    try {
      theirs = await scenario(
        mosquittoEdge.port,
        'edge-m',
        (re) => mosquittoEdge.waitForLog(re, 10_000),
        () => mosquittoEdge.log().split('\n'),
      );
    } finally {
      await mosquittoEdge.stop();
    }
    const bridges = bridgeLines(lines('edge-q'));
    const mqtEdge = await startTestBroker({ attach: (broker) => startBridges(bridges, broker) });
    try {
      return [await scenario(mqtEdge.port, 'edge-q', (re) => mqtEdge.waitForLog(re), () => mqtEdge.log), theirs];
    } finally {
      await mqtEdge.close();
    }
  }

  it('connecting, subscribing, QoS 0 and 1 out, QoS 1 in', async () => {
    const [ours, theirs] = await bothEdges(section, run);
    assert.deepEqual(ours, theirs);
    assert.ok(ours.some((l) => l.startsWith("Sending PUBLISH to local.edge (d0, q1, r0, m3, 'c/t/x'")), ours.join('\n'));
  });

  it('a remote that refuses the connection: the first try, up to its error line', async () => {
    const closed = await freePort();
    const [ours, theirs] = await bothEdges(
      (remoteId) => section(remoteId, closed),
      async (_port, remoteId, waitForLog, log) => {
        await waitForLog(/Error creating bridge/);
        return bridgeLinesOf(log(), remoteId).concat(log().filter((l) => l.includes('Error creating bridge')).map((l) => l.replace(/^(\d+: |error: )/, '')));
      },
    );
    assert.deepEqual(ours, theirs);
    assert.equal(ours.at(-1), 'Error creating bridge: Broken pipe.');
  });
});
