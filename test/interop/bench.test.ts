import assert from 'node:assert/strict';
import { brokerSubscribed, unique, useBroker } from '../support/hooks.js';
import { mqt, startMosquittoSub, startMqt, type ToolHandle } from '../support/spawn.js';
import { lines, summaryOf } from '../support/bench.js';

/** Starts mosquitto_sub counting `count` messages under `prefix/#`; resolves once it is subscribed. */
async function startCounter(broker: ReturnType<ReturnType<typeof useBroker>['broker']>, hp: string[], prefix: string, qos: string, count: number): Promise<ToolHandle> {
  const id = unique('counter');
  // One line per message whatever the payload bytes: the topic, not the (binary) payload.
  const counter = startMosquittoSub([...hp, '-i', id, '-t', `${prefix}/#`, '-q', qos, '-C', String(count), '-F', '%t']);
  await brokerSubscribed(broker, id);
  return counter;
}

/**
 * mqt bench against the real mosquitto: its counts agree with an independent mosquitto_sub,
 * the summary is the documented JSON, and the exit status says what went wrong.
 */
describe('interop: mqt bench against mosquitto', function () {
  this.timeout(30_000);
  const { broker, hp } = useBroker();

  it('pubsub at QoS 1: every message received once, as mosquitto_sub counts them too', async () => {
    const prefix = unique('bench-q1');
    const counter = await startCounter(broker(), hp(), prefix, '1', 600);
    const run = await mqt(['bench', 'pubsub', ...hp(), '-c', '3', '-n', '200', '-q', '1', '-t', `${prefix}/%i`, '--json'], { timeoutMs: 25_000 });
    assert.equal(run.code, 0, run.stderr);
    const r = summaryOf(run.stdout);
    assert.equal(r.ok, true);
    assert.equal(r.reason, null);
    assert.deepEqual(
      [r.messages.sent, r.messages.acked, r.messages.received, r.messages.expected, r.messages.lost],
      [600, 600, 600, 600, 0],
    );
    assert.deepEqual([r.messages.duplicates, r.messages.out_of_order, r.messages.gaps, r.messages.foreign], [0, 0, 0, 0]);
    assert.equal(r.messages.slowest_subscriber, 200);
    assert.equal(r.latency_ms?.count, 600);
    const counted = await counter.waitForExit(10_000);
    assert.equal(counted.code, 0, counted.stderr);
    const topics = lines(counted.stdout);
    assert.equal(topics.length, 600);
    for (const i of [0, 1, 2]) assert.equal(topics.filter((t) => t === `${prefix}/${i}`).length, 200);
  });

  it('pub at QoS 0 with three publishers: the sent count is what mosquitto_sub receives', async () => {
    const prefix = unique('bench-q0');
    const counter = await startCounter(broker(), hp(), prefix, '0', 900);
    const run = await mqt(['bench', 'pub', ...hp(), '-c', '3', '-n', '300', '--workers', '2', '-t', `${prefix}/%i`, '--json'], { timeoutMs: 25_000 });
    assert.equal(run.code, 0, run.stderr);
    const r = summaryOf(run.stdout);
    assert.equal(r.messages.sent, 900);
    assert.equal(r.settings.workers, 2);
    const counted = await counter.waitForExit(10_000);
    assert.equal(lines(counted.stdout).length, 900);
  });

  it('--json prints one object with every documented key, and progress only on stderr', async () => {
    const prefix = unique('bench-json');
    const run = await mqt(['bench', 'pubsub', ...hp(), '-n', '50', '-q', '2', '-s', '100', '-t', `${prefix}/%i`, '--json'], { timeoutMs: 25_000 });
    assert.equal(run.code, 0, run.stderr);
    const r = summaryOf(run.stdout);
    assert.deepEqual(Object.keys(r), ['scenario', 'ok', 'reason', 'settings', 'elapsed_s', 'connections', 'messages', 'throughput', 'latency_ms', 'cpu', 'errors']);
    assert.deepEqual(Object.keys(r.messages), ['sent', 'acked', 'unacked', 'received', 'expected', 'lost', 'duplicates', 'out_of_order', 'gaps', 'foreign', 'slowest_subscriber']);
    assert.deepEqual(Object.keys(r.cpu), ['percent', 'cores', 'workers_busy_percent', 'machine_busy_percent', 'steal_percent', 'generator_bound']);
    assert.deepEqual(Object.keys(r.latency_ms ?? {}), ['count', 'min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max']);
    assert.equal(r.scenario, 'pubsub');
    assert.equal(r.settings.qos, 2);
    assert.equal(r.settings.payload_bytes, 100);
    assert.equal(r.messages.received, 50);
    assert.equal(r.throughput.received_mb_per_s > 0, true);
    const l = r.latency_ms!;
    assert.ok(l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, JSON.stringify(l));
    assert.equal(r.connections.ok, 2);
  });

  it('conn opens and closes every connection and reports connect times', async () => {
    const run = await mqt(['bench', 'conn', ...hp(), '-c', '20', '--ramp', '200', '--json'], { timeoutMs: 25_000 });
    assert.equal(run.code, 0, run.stderr);
    const r = summaryOf(run.stdout);
    assert.equal(r.connections.ok, 20);
    assert.equal(r.connections.connect_ms?.count, 20);
    assert.equal(r.messages.sent, 0);
  });

  it('sub counts what another bench run publishes, checking its sequence numbers', async () => {
    const topic = unique('bench-sub');
    const prefix = `${unique('subber')}-`;
    const sub = startMqt(['bench', 'sub', ...hp(), '-c', '2', '-I', prefix, '-t', topic, '-n', '100', '-d', '20', '--json']);
    await brokerSubscribed(broker(), `${prefix}sub1`);
    await brokerSubscribed(broker(), `${prefix}sub0`);
    const pub = await mqt(['bench', 'pub', ...hp(), '-n', '100', '-q', '1', '-t', topic, '--quiet'], { timeoutMs: 20_000 });
    assert.equal(pub.code, 0, pub.stderr);
    const done = await sub.waitForExit(20_000);
    assert.equal(done.code, 0, done.stderr);
    const r = summaryOf(done.stdout);
    assert.deepEqual([r.messages.received, r.messages.lost, r.messages.duplicates, r.messages.foreign], [200, 0, 0, 0]);
  });

  it('paces --rate, and prints one plain progress line per second into a pipe, then the summary', async () => {
    const run = await mqt(['bench', 'pub', ...hp(), '-d', '3.2', '--rate', '200', '-t', unique('bench-progress')], { timeoutMs: 20_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /\r/);
    const progress = lines(run.stdout).filter((l) => /^\s+\d+\.\ds load\s+sent\s+[\d,]+\/s/.test(l));
    assert.ok(progress.length >= 2, run.stdout);
    const sent = /^messages {5}sent ([\d,]+), acked \1$/m.exec(run.stdout);
    // --rate paces from the start of the load: 200/s for 3.2 s.
    const count = Number(sent?.[1]?.replace(/,/g, '') ?? NaN);
    assert.ok(count >= 560 && count <= 660, run.stdout);
    assert.match(run.stdout, /^result {7}ok$/m);
  });

  it('Ctrl-C ends the run early with the summary of what happened, exit 130', async () => {
    const prefix = unique('bench-int');
    const run = startMqt(['bench', 'pubsub', ...hp(), '-c', '2', '-d', '60', '--rate', '100', '-t', `${prefix}/%i`]);
    await run.waitForOutput(/^\s+\d+\.\ds load /m, 15_000, 'stdout');
    run.kill('SIGINT');
    const done = await run.waitForExit(15_000);
    assert.equal(done.code, 130, done.stderr);
    // Stopped mid-flight, the last messages may not have reached the subscribers yet.
    const m = /^messages {5}sent ([\d,]+), acked \1, received ([\d,]+) of \1 expected;/m.exec(done.stdout);
    const [sent, received] = [m?.[1], m?.[2]].map((t) => Number(t?.replace(/,/g, '') ?? NaN));
    assert.ok(sent! > 0 && received! > 0 && received! <= sent!, done.stdout);
    assert.match(done.stdout, /^result {7}ok$/m);
  });

  it('Ctrl-C during a slow --ramp stops opening connections at once', async () => {
    const run = startMqt(['bench', 'conn', ...hp(), '-c', '1000', '--ramp', '20', '--json']);
    await run.waitForOutput(/^\s+\d+\.\ds connecting /m, 15_000, 'stderr');
    run.kill('SIGINT');
    const done = await run.waitForExit(3000);
    assert.equal(done.code, 130, done.stderr);
    const r = summaryOf(done.stdout);
    assert.ok(r.connections.ok > 0 && r.connections.ok < 100, JSON.stringify(r.connections));
  });

  it('a broker that cannot be reached: exit 1 with one line naming the error', async () => {
    const run = await mqt(['bench', 'pub', '-h', '127.0.0.1', '-p', '1', '-c', '2', '-n', '5', '--quiet']);
    assert.deepEqual([run.code, run.stderr], [1, '']);
    const json = await mqt(['bench', 'pub', '-h', '127.0.0.1', '-p', '1', '-n', '5', '--json']);
    assert.equal(json.code, 1);
    const r = summaryOf(json.stdout);
    assert.equal(r.ok, false);
    assert.equal(r.connections.failed, 1);
    assert.match(r.reason ?? '', /^1 error, first: .*refused/i);
    assert.match(json.stderr, /^Error: 1 error, first: .*refused.*\n$/im);
  });
});

/**
 * mosquitto drops QoS 1 messages for a subscriber whose queue is full, after acknowledging them
 * to the publisher. With one message in flight and ten queued per client, a publisher with a
 * window of 100 overruns the subscriber's queue at once: the broker logs the drops, and bench
 * must report them as lost and fail.
 */
describe('interop: mqt bench catches the QoS 1 messages mosquitto drops', function () {
  this.timeout(30_000);
  const { broker, hp } = useBroker(['max_inflight_messages 1', 'max_queued_messages 10']);

  it('reports the loss, exits 3 with one line, and the broker log confirms the drops', async () => {
    const prefix = unique('bench-loss');
    const ids = `${unique('lossy')}-`;
    const run = await mqt(['bench', 'pubsub', ...hp(), '-I', ids, '-n', '2000', '-q', '1', '--inflight', '100', '-t', `${prefix}/%i`, '--json'], {
      timeoutMs: 25_000,
    });
    assert.equal(run.code, 3, run.stderr);
    const r = summaryOf(run.stdout);
    assert.equal(r.ok, false);
    assert.equal(r.messages.acked, 2000);
    assert.equal(r.messages.expected, 2000);
    assert.equal(r.errors.count, 0);
    assert.ok(r.messages.lost !== null && r.messages.lost > 0, JSON.stringify(r.messages));
    assert.equal(r.messages.lost, 2000 - r.messages.received);
    assert.ok(r.messages.gaps > 0);
    assert.equal(r.reason, `${r.messages.lost} of 2000 QoS 1 messages were lost: acknowledged to the publisher, never delivered to a subscriber`);
    assert.equal(lines(run.stderr).at(-1), `Error: ${r.reason}`);
    assert.match(broker().log(), new RegExp(`Outgoing messages are being dropped for client ${ids}sub0`));
  });
});

describe('interop: mqt bench refuses bad options', function () {
  it('a bad flag or topic template: one line and the --help hint, exit 1, before any connection', async () => {
    const bad = await mqt(['bench', 'pub', '-s', '1', '-p', '1']);
    assert.deepEqual([bad.code, bad.stdout], [1, '']);
    assert.equal(bad.stderr, "Error: Invalid -s '1': a whole number from 20 to 1000000.\nUse 'mqt bench --help' to see usage.\n");
    const topic = await mqt(['bench', 'pub', '-t', 'a/+/%i', '-p', '1']);
    assert.equal(topic.code, 1);
    assert.match(topic.stderr, /^Error: Invalid topic 'a\/\+\/0' for publisher 0: no \+ or # in a topic name\.\nUse/);
  });
});
