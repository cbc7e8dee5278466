import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { countedTopics, startCounter, summaryOf } from '../support/bench.js';
import { unique } from '../support/hooks.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { mqtInProcess } from '../support/in-process.js';
import { mqt, stopAllTools } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * mqt bench over TLS to a real mosquitto listener with the certificates `mqt gen-ca` made: the
 * same --cafile as pub and sub. mosquitto_sub counts on the broker's plain listener.
 */
describe('interop: mqt bench over TLS to mosquitto', function () {
  this.timeout(30_000);
  let dir: string;
  let broker: Mosquitto | undefined;
  let tls: string[];
  let ca: string;
  let caName: string;

  before(async function () {
    requireMosquitto(this);
    dir = await makeTempFolder('mqt-bench-tls');
    const made = await mqtInProcess(['gen-ca', '--out', dir, '--json']);
    assert.equal(made.code, 0, made.stderr);
    const printed = JSON.parse(made.stdout) as { ca: { cert: string; name: string }; mosquittoConf: string[] };
    ca = printed.ca.cert;
    caName = printed.ca.name;
    const port = await freePort();
    broker = await startMosquitto(printed.mosquittoConf.map((l) => (l.startsWith('listener ') ? `listener ${port} 127.0.0.1` : l)));
    tls = ['-h', '127.0.0.1', '-p', String(port)];
  });
  afterEach(() => stopAllTools());
  after(async () => {
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('pubsub at QoS 1 with --cafile: every message received, as mosquitto_sub counts them too', async () => {
    const prefix = unique('bench-tls');
    const counter = await startCounter(['-h', '127.0.0.1', '-p', String(broker!.port)], prefix, '1', 400);
    const run = await mqt(['bench', 'pubsub', ...tls, '--cafile', ca, '-c', '2', '-n', '200', '-q', '1', '-t', `${prefix}/%i`, '--json'], { timeoutMs: 25_000 });
    assert.equal(run.code, 0, run.stderr);
    const r = summaryOf(run.stdout);
    assert.deepEqual([r.ok, r.connections.ok, r.messages.acked, r.messages.received, r.messages.lost], [true, 4, 400, 400, 0]);
    const counted = await counter.waitForExit(10_000);
    assert.equal(counted.code, 0, counted.stderr);
    assert.equal(countedTopics(counted.stdout, prefix).length, 400);
  });

  it('without --cafile the broker is not trusted: exit 1, the reason says which CA to pass with --cafile, as pub does', async () => {
    const run = await mqt(['bench', 'pub', ...tls, '--tls-use-os-certs', '-n', '5', '--quiet']);
    assert.equal(run.code, 1);
    const json = await mqt(['bench', 'pub', ...tls, '--tls-use-os-certs', '-n', '5', '--json']);
    assert.equal(json.code, 1);
    assert.equal(summaryOf(json.stdout).reason, `1 error, first: TLS: the broker's certificate is signed by "${caName}", a CA mqt does not trust: pass that CA's certificate with --cafile FILE.`);
  });
});
