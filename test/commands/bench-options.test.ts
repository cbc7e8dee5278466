import assert from 'node:assert/strict';
import { indexFlags, readArgv } from '../../src/commands/options/argv.js';
import { benchOptionGroups, resolveBench } from '../../src/commands/options/bench.js';

const byFlag = indexFlags(benchOptionGroups);
const resolve = (argv: string[]): ReturnType<typeof resolveBench> => resolveBench(readArgv(argv, byFlag, { positionals: true, interleaved: true }));

describe('bench options', () => {
  it('reads the scenario anywhere among the flags, and applies the defaults', () => {
    const { bench, json } = resolve(['-c', '4', 'pubsub', '-q', '1']);
    assert.equal(bench.scenario, 'pubsub');
    assert.deepEqual([bench.publishers, bench.subscribers, bench.qos, bench.payloadBytes], [4, 4, 1, 32]);
    assert.deepEqual([bench.messages, bench.durationMs, bench.rate, bench.topic, bench.subTopic], [undefined, 10_000, undefined, 'mqt-bench/%i', 'mqt-bench/%i']);
    assert.equal(json, false);
  });

  it('-n alone limits the run to 600 s; -d decides with it', () => {
    assert.equal(resolve(['pub', '-n', '10']).bench.durationMs, 600_000);
    assert.equal(resolve(['pub', '-n', '10', '-d', '1.5']).bench.durationMs, 1500);
  });

  it('--rate is in all, or per publisher with /conn', () => {
    assert.equal(resolve(['pub', '-c', '5', '--rate', '1000']).bench.rate, 1000);
    assert.equal(resolve(['pub', '-c', '5', '--rate', '100/conn']).bench.rate, 500);
  });

  it('takes the connection flags from pub: -V, -u, --inflight (as -M), -I', () => {
    const { bench } = resolve(['conn', '-V', '5', '-u', 'alice', '--inflight', '50', '-I', 'x-', '-h', 'h', '-p', '1884']);
    assert.deepEqual([bench.client.protocolVersion, bench.client.username, bench.client.maxInflight, bench.clientIdPrefix], [5, 'alice', 50, 'x-']);
    assert.deepEqual(bench.target, { kind: 'tcp', host: 'h', port: 1884, noDelay: false });
  });

  it('never uses more workers than connections', () => {
    assert.equal(resolve(['pub', '-c', '1', '--workers', '8']).bench.workers, 1);
    assert.equal(resolve(['pubsub', '-c', '3', '--workers', '4']).bench.workers, 4);
  });

  const refusals: [string[], RegExp][] = [
    [[], /^Which scenario\? Give one of: pub, sub, pubsub, conn\.$/],
    [['flood'], /^Unknown scenario 'flood'/],
    [['pub', 'sub'], /^Unexpected argument 'sub'\.$/],
    [['pub', '-s', '10'], /^Invalid -s '10'/],
    [['pub', '-c', '0'], /^Invalid -c '0'/],
    [['pub', '--rate', 'fast'], /^Invalid --rate 'fast'/],
    [['pub', '--subs', '2'], /^--subs does not apply to bench pub\.$/],
    [['conn', '-n', '5'], /^-n does not apply to bench conn\.$/],
    [['sub', '--rate', '5'], /^--rate does not apply to bench sub\.$/],
    [['pub', '-q', '3'], /^Invalid QoS '3'/],
    [['pub', '-d', '0'], /^Invalid -d '0'/],
    [['pub', '-i', 'one'], /^Unknown option '-i'\.$/],
  ];
  for (const [argv, message] of refusals) {
    it(`refuses ${argv.join(' ') || 'no scenario'}`, () => {
      assert.throws(() => resolve(argv), (err: Error) => message.test(err.message));
    });
  }
});
