import assert from 'node:assert/strict';
import { useBroker, unique } from '../support/hooks.js';
import { type CommandRun, mqtInProcess, startInProcess, stopInProcess } from '../support/in-process.js';
import { type ToolHandle, SUBSCRIBED, mosquittoPub, startMosquittoSub, stopAllTools } from '../support/spawn.js';

/** mqt's -d lines are mosquitto's, byte for byte, when both are run with the same arguments. */
describe('interop: -d output is mosquitto\'s', function () {
  this.timeout(15_000);
  const { hp } = useBroker();
  afterEach(async () => {
    await stopInProcess();
    await stopAllTools();
  });

  describe('mqt pub -d vs mosquitto_pub -d (fixed -i)', () => {
    const cases: string[][] = [
      ['-q', '0'],
      ['-q', '1'],
      ['-q', '2'],
      ['-q', '0', '-V', '5'],
      ['-q', '1', '-V', '5'],
      ['-q', '2', '-V', '5'],
      ['-q', '1', '-V', '31'],
      ['-q', '1', '-r'],
      ['-q', '2', '-r', '-V', '5'],
      ['-q', '0', '--repeat', '2'],
      ['-q', '1', '--repeat', '2'],
      ['-q', '2', '--repeat', '2', '-V', '5'],
      ['-n', '-q', '1'],
    ];
    for (const extra of cases) {
      it(extra.join(' '), async () => {
        const topic = unique('debug/pub');
        const message = extra.includes('-n') ? [] : ['-m', 'hello world'];
        const args = [...hp(), '-t', topic, ...message, '-i', 'fixed-pub-id', '-d', ...extra];
        const reference = await mosquittoPub(args);
        const ours = await mqtInProcess(['pub', ...args]);
        assert.equal(reference.code, 0, reference.stderr);
        assert.equal(ours.code, reference.code);
        assert.equal(ours.stderr, reference.stderr);
        assert.equal(ours.stdout, reference.stdout);
        assert.match(ours.stdout, /^Client fixed-pub-id sending CONNECT\n/);
      });
    }
  });

  describe('mqt pub -d vs mosquitto_pub -d without -i (ids normalised)', () => {
    // v3.1.1: "(null)"; v5: the broker's "auto-<UUID>" from CONNACK on; v3.1: "mosq-" + 18 random.
    const normalise = (text: string): string =>
      text.replace(/auto-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/g, 'auto-ID').replace(/mosq-[A-Za-z0-9]{18}/g, 'mosq-ID');
    for (const version of ['31', '311', '5']) {
      it(`-V ${version} -q 1`, async () => {
        const args = [...hp(), '-V', version, '-q', '1', '-t', unique('debug/noid'), '-m', 'x', '-d'];
        const reference = await mosquittoPub(args);
        const ours = await mqtInProcess(['pub', ...args]);
        assert.equal(reference.code, 0, reference.stderr);
        assert.equal(ours.code, 0, ours.stderr);
        assert.equal(normalise(ours.stdout), normalise(reference.stdout));
        assert.match(ours.stdout, version === '311' ? /^Client \(null\) sending CONNECT\n/ : version === '5' ? /^Client \(null\) sending CONNECT\nClient auto-/ : /^Client mosq-[A-Za-z0-9]{18} sending CONNECT\n/);
      });
    }
  });

  describe('mqt sub -d vs mosquitto_sub -d for one message (fixed -i)', () => {
    async function receiveOne(start: (args: string[]) => ToolHandle | CommandRun, qos: string, version: string): Promise<string> {
      const topic = `debug/sub/q${qos}/v${version}`;
      const subscriber = start([...hp(), '-V', version, '-q', qos, '-t', topic, '-C', '1', '-d', '-i', 'fixed-sub-id']);
      await subscriber.waitForOutput(SUBSCRIBED, 5000, 'stdout');
      const published = await mosquittoPub([...hp(), '-q', qos, '-t', topic, '-m', 'payload', '-i', 'fixed-publisher']);
      assert.equal(published.code, 0, published.stderr);
      const result = await subscriber.waitForExit(5000);
      assert.equal(result.code, 0, subscriber.describe());
      assert.equal(result.stderr, '');
      return result.stdout;
    }

    for (const version of ['311', '5']) {
      for (const qos of ['1', '2']) {
        it(`-q ${qos} -V ${version}`, async () => {
          const reference = await receiveOne(startMosquittoSub, qos, version);
          const ours = await receiveOne((a) => startInProcess(['sub', ...a]), qos, version);
          assert.equal(ours, reference);
          assert.ok(ours.includes(`received PUBLISH (d0, q${qos}, r0, m1, 'debug/sub/q${qos}/v${version}', ... (7 bytes))\n`), ours);
          assert.ok(ours.endsWith('payload\nClient fixed-sub-id sending DISCONNECT\n'), ours);
        });
      }
    }
  });
});
