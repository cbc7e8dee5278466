import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { countedTopics, startCounter, summaryOf } from '../support/bench.js';
import { unique } from '../support/hooks.js';
import { requireMosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { startServe, type RunningServe } from '../support/serve.js';
import { mqt, stopAllTools, type ToolHandle } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/** Waits for the counter and asserts it took `perTopic` messages on each of `prefix/0..publishers-1`. */
async function assertCounted(counter: ToolHandle, prefix: string, publishers: number, perTopic: number): Promise<void> {
  const counted = await counter.waitForExit(10_000);
  assert.equal(counted.code, 0, counted.stderr);
  const topics = countedTopics(counted.stdout, prefix);
  assert.equal(topics.length, publishers * perTopic);
  for (let i = 0; i < publishers; i++) assert.equal(topics.filter((t) => t === `${prefix}/${i}`).length, perTopic, `${prefix}/${i}`);
}

/**
 * mqt bench against mqt serve, with a queue per client that holds a whole run, so that nothing may
 * be lost (with one in flight and ten queued, mqt serve drops for a subscriber that falls behind,
 * as mosquitto does: see bench.test.ts). A websockets listener on the same broker takes bench's --ws.
 */
describe('interop: mqt bench against mqt serve', function () {
  this.timeout(30_000);
  let dir: string;
  let serve: RunningServe;
  let wsPort: number;

  before(async function () {
    requireMosquitto(this);
    dir = await makeTempFolder('mqt-bench-serve');
  });
  // A broker per test: afterEach's stopAllTools ends it with the counters.
  beforeEach(async () => {
    wsPort = await freePort();
    serve = await startServe((port) => {
      const conf = join(dir, `serve-${port}.conf`);
      const settings = ['allow_anonymous true', 'max_queued_messages 10000'];
      writeFileSync(conf, `${[...settings, `listener ${port} 127.0.0.1`, `listener ${wsPort} 127.0.0.1`, 'protocol websockets'].join('\n')}\n`);
      return ['-c', conf];
    });
  });
  afterEach(() => stopAllTools());
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('pubsub at QoS 0: every message received, as mosquitto_sub counts them too', async () => {
    const prefix = unique('serve-q0');
    const counter = await startCounter(serve.hp, prefix, '0', 900);
    const run = await mqt(['bench', 'pubsub', ...serve.hp, '-c', '3', '-n', '300', '-t', `${prefix}/%i`, '--json'], { timeoutMs: 25_000 });
    assert.equal(run.code, 0, run.stderr);
    const r = summaryOf(run.stdout);
    assert.deepEqual([r.ok, r.messages.sent, r.messages.received, r.messages.expected], [true, 900, 900, 900]);
    await assertCounted(counter, prefix, 3, 300);
  });

  it('pubsub at QoS 1 with a window of 100: no loss, exit 0', async () => {
    const prefix = unique('serve-q1');
    const counter = await startCounter(serve.hp, prefix, '1', 4000);
    const run = await mqt(['bench', 'pubsub', ...serve.hp, '-c', '2', '-n', '2000', '-q', '1', '--inflight', '100', '-t', `${prefix}/%i`, '--json'], {
      timeoutMs: 25_000,
    });
    assert.equal(run.code, 0, run.stderr);
    const r = summaryOf(run.stdout);
    assert.deepEqual(
      [r.ok, r.reason, r.messages.sent, r.messages.acked, r.messages.received, r.messages.lost, r.messages.duplicates, r.messages.gaps],
      [true, null, 4000, 4000, 4000, 0, 0, 0],
    );
    await assertCounted(counter, prefix, 2, 2000);
    assert.doesNotMatch(serve.tool.stderr, /dropp/i);
  });

  it('pubsub over WebSocket (--ws to the websockets listener); mosquitto_sub counts over TCP', async () => {
    const prefix = unique('serve-ws');
    const counter = await startCounter(serve.hp, prefix, '1', 400);
    const run = await mqt(['bench', 'pubsub', '-h', '127.0.0.1', '-p', String(wsPort), '--ws', '-c', '2', '-n', '200', '-q', '1', '-t', `${prefix}/%i`, '--json'], {
      timeoutMs: 25_000,
    });
    assert.equal(run.code, 0, run.stderr);
    const r = summaryOf(run.stdout);
    assert.deepEqual([r.ok, r.connections.ok, r.messages.acked, r.messages.received, r.messages.lost], [true, 4, 400, 400, 0]);
    await assertCounted(counter, prefix, 2, 200);
  });
});
