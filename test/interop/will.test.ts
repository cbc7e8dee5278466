import assert from 'node:assert/strict';
import { brokerDisconnected, useBroker, unique } from '../support/hooks.js';
import { type ToolHandle, SUBSCRIBED, mosquittoPub, startMosquittoSub, startMqt } from '../support/spawn.js';

/**
 * Wills set by mqt sub are published by mosquitto when the client vanishes (SIGKILL), and when
 * mqt sub -V 5 is interrupted (SIGINT: DISCONNECT with reason 0x04 "with will", as mosquitto_sub
 * does); a -V 311 SIGINT is a normal DISCONNECT, which discards the will.
 */
describe('interop: wills', function () {
  this.timeout(15_000);
  const { broker, hp } = useBroker();

  /** A mosquitto_sub printing the first message on the will topic, subscribed when resolved. */
  async function watch(willTopic: string): Promise<ToolHandle> {
    const watcher = startMosquittoSub([...hp(), '-t', willTopic, '-v', '-C', '1', '-d']);
    await watcher.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    return watcher;
  }

  /** The will-carrying client, subscribed (so connected) when resolved. */
  async function startWithWill(start: (args: string[]) => ToolHandle, id: string, willTopic: string, version: string): Promise<ToolHandle> {
    const client = start([
      ...hp(), '-V', version, '-i', id, '-t', unique('idle'), '-d',
      '--will-topic', willTopic, '--will-payload', 'gone', '--will-qos', '1',
    ]);
    await client.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    return client;
  }

  const mqtSub = (args: string[]): ToolHandle => startMqt(['sub', ...args]);

  /** Publishes a sentinel on the will topic after `id` is gone: the watcher's first line tells. */
  async function firstMessageAfterDisconnect(watcher: ToolHandle, id: string, willTopic: string): Promise<string> {
    await brokerDisconnected(broker(), id);
    const sentinel = await mosquittoPub([...hp(), '-t', willTopic, '-m', 'sentinel', '-q', '1']);
    assert.equal(sentinel.code, 0, sentinel.stderr);
    const result = await watcher.waitForExit(5000);
    assert.equal(result.code, 0, watcher.describe());
    return result.stdout.split('\n').filter((l) => l.startsWith(`${willTopic} `)).join('\n');
  }

  for (const version of ['311', '5']) {
    it(`-V ${version}: the will is published when mqt sub is killed with SIGKILL`, async () => {
      const willTopic = unique('will/kill');
      const id = unique('victim');
      const watcher = await watch(willTopic);
      const victim = await startWithWill(mqtSub, id, willTopic, version);
      victim.kill('SIGKILL');
      const killed = await victim.waitForExit(5000);
      assert.equal(killed.signal, 'SIGKILL');
      assert.equal(await firstMessageAfterDisconnect(watcher, id, willTopic), `${willTopic} gone`);
    });
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`-V 5: ${signal} exits 0 after a DISCONNECT that makes the broker publish the will`, async () => {
      const willTopic = unique('will/sigint5');
      const id = unique('interrupted');
      const watcher = await watch(willTopic);
      const client = await startWithWill(mqtSub, id, willTopic, '5');
      client.kill(signal);
      const result = await client.waitForExit(5000);
      assert.equal(result.code, 0, client.describe());
      assert.equal(result.stderr, '');
      assert.ok(result.stdout.endsWith(`Client ${id} sending DISCONNECT\n`), result.stdout);
      const log = await brokerDisconnected(broker(), id);
      assert.equal(log[1], 'disconnected', 'a DISCONNECT packet, not a dropped socket');
      assert.equal(await firstMessageAfterDisconnect(watcher, id, willTopic), `${willTopic} gone`);
    });
  }

  it('-V 5: mosquitto_sub does the same on SIGINT (reference behaviour)', async () => {
    const willTopic = unique('will/sigint5-mosquitto');
    const id = unique('interrupted-mosquitto');
    const watcher = await watch(willTopic);
    const client = await startWithWill(startMosquittoSub, id, willTopic, '5');
    client.kill('SIGINT');
    const result = await client.waitForExit(5000);
    assert.equal(result.code, 0, client.describe());
    assert.equal(await firstMessageAfterDisconnect(watcher, id, willTopic), `${willTopic} gone`);
  });

  it('-V 311: SIGINT exits 0 after a normal DISCONNECT, and no will is published', async () => {
    const willTopic = unique('will/sigint311');
    const id = unique('interrupted');
    const watcher = await watch(willTopic);
    const client = await startWithWill(mqtSub, id, willTopic, '311');
    client.kill('SIGINT');
    const result = await client.waitForExit(5000);
    assert.equal(result.code, 0, client.describe());
    assert.equal(result.stderr, '');
    assert.ok(result.stdout.endsWith(`Client ${id} sending DISCONNECT\n`), result.stdout);
    const log = await brokerDisconnected(broker(), id);
    assert.equal(log[1], 'disconnected');
    assert.equal(await firstMessageAfterDisconnect(watcher, id, willTopic), `${willTopic} sentinel`);
  });
});
