/**
 * What the broker logs for a client that sends what it should not, side by side: the same bytes
 * from a raw client to a private mosquitto and to `mqt serve` with mosquitto's default log types,
 * and the lines each logs about it compared (timestamps and ports left out).
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { RawClient } from '../support/raw-client.js';
import { makeTempFolder } from '../support/run-folder.js';
import { confArgs, startServe, stopServe, type RunningServe } from '../support/serve.js';

const DEFAULT_TYPES = ['log_type error', 'log_type warning', 'log_type notice', 'log_type information'];

/** The lines about a misbehaving client: the complaint, if any, and how its connection ended. */
const ABOUT_A_CLIENT = /^(Invalid|Empty|Protocol error|Warning: Received|Client )/;
/** The line that ends a case: its client is gone. */
const ENDED = /^Client \S+ (disconnected|closed its connection|has exceeded)/;

function connectBytes(clientId: string): number[] {
  const id = Buffer.from(clientId);
  return [0x10, 12 + id.length, 0, 4, ...Buffer.from('MQTT'), 4, 2, 0, 60, 0, id.length, ...id];
}

/** Each case's bytes: after a CONNECT as `id` (when `connected`), or instead of one. */
const CASES: { name: string; connected: boolean; bytes: (id: string) => number[] }[] = [
  { name: 'PUBLISH with QoS 3', connected: true, bytes: () => [0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01] },
  { name: 'a subscription with QoS 3', connected: true, bytes: () => [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x03] },
  { name: 'an empty subscription filter', connected: true, bytes: () => [0x82, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00] },
  { name: 'an invalid subscription filter', connected: true, bytes: () => [0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 0x61, 0x2b, 0x62, 0x00] },
  { name: 'an invalid unsubscription filter', connected: true, bytes: () => [0xa2, 0x09, 0x00, 0x01, 0x00, 0x05, 0x61, 0x2f, 0x23, 0x2f, 0x62] },
  { name: 'an empty unsubscription filter', connected: true, bytes: () => [0xa2, 0x04, 0x00, 0x01, 0x00, 0x00] },
  { name: 'packet type 0', connected: true, bytes: () => [0x00, 0x00] },
  { name: 'AUTH in MQTT 3.1.1', connected: true, bytes: () => [0xf0, 0x00] },
  { name: 'a PUBREC for an id never sent, then DISCONNECT', connected: true, bytes: () => [0x50, 0x02, 0x00, 0x05, 0xe0, 0x00] },
  {
    name: 'a 3.1.1 password without a user name',
    connected: false,
    bytes: (id) => {
      const c = connectBytes(id);
      return [0x10, c[1]! + 3, ...c.slice(2, 9), 0x42, ...c.slice(10), 0x00, 0x01, 0x70];
    },
  },
  {
    name: 'a will of QoS 3',
    connected: false,
    bytes: (id) => {
      const c = connectBytes(id);
      return [0x10, c[1]! + 5, ...c.slice(2, 9), 0x1e, ...c.slice(10), 0x00, 0x01, 0x74, 0x00, 0x00];
    },
  },
  { name: 'protocol name "MQTX"', connected: false, bytes: () => [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x58, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x61] },
];

interface Peer {
  port: number;
  log(): string;
}

/** The lines about the client `bytes` came from, once its end is logged, without timestamps and ports. */
async function linesFor(peer: Peer, connectAs: string | undefined, bytes: number[]): Promise<string[]> {
  const before = peer.log().length;
  const client = await RawClient.open(peer.port);
  try {
    if (connectAs !== undefined) {
      client.sendBytes(connectBytes(connectAs));
      await client.next('connack');
    }
    client.sendBytes(bytes);
    await client.waitClosed();
  } finally {
    client.close();
  }
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = peer
      .log()
      .slice(before)
      .split('\n')
      .map((l) => l.replace(/^\d+: /, '').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT'))
      .filter((l) => ABOUT_A_CLIENT.test(l));
    if (lines.some((l) => ENDED.test(l))) return lines;
    if (Date.now() > deadline) throw new Error(`no end of the client logged: ${JSON.stringify(lines)}`);
    await delay(20);
  }
}

describe("interop: what mqt serve and mosquitto log for a client's bad packets", function () {
  this.timeout(60_000);
  let mosquitto: Mosquitto;
  let serve: RunningServe;

  before(async function () {
    requireMosquitto(this);
    const dir = await makeTempFolder('bad-client-logs');
    [mosquitto, serve] = await Promise.all([
      startMosquitto(DEFAULT_TYPES),
      startServe(confArgs(dir, 'serve', (port) => [`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...DEFAULT_TYPES])),
    ]);
  });

  after(async () => {
    await Promise.all([mosquitto?.stop(), serve === undefined ? undefined : stopServe(serve)]);
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: the same lines`, async () => {
      const id = `bad${i}`;
      const mqt: Peer = { port: serve.port, log: () => serve.tool.stdout + serve.tool.stderr };
      const theirs = await linesFor(mosquitto, c.connected ? id : undefined, c.bytes(id));
      const ours = await linesFor(mqt, c.connected ? id : undefined, c.bytes(id));
      assert.deepEqual(ours, theirs);
    });
  }
});
