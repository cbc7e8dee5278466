import assert from 'node:assert/strict';
import { requireMosquitto } from '../support/mosquitto.js';
import { mosquittoPub, startMosquittoSub, stopAllTools, type ToolHandle } from '../support/spawn.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

/** The real mosquitto_pub and mosquitto_sub against the in-process broker. */
describe('broker: with mosquitto_pub and mosquitto_sub', function () {
  let tb: TestBroker;
  before(function () {
    requireMosquitto(this);
  });
  beforeEach(async () => {
    tb = await startTestBroker({ sysInterval: 1 });
  });
  afterEach(async () => {
    await stopAllTools();
    await tb.close();
  });

  const hp = (): string[] => ['-h', '127.0.0.1', '-p', String(tb.port)];

  async function sub(id: string, args: string[]): Promise<ToolHandle> {
    const tool = startMosquittoSub([...hp(), '-i', id, ...args]);
    await tb.waitForLog(new RegExp(`Sending SUBACK to ${id}$`));
    return tool;
  }

  async function pub(args: string[]): Promise<void> {
    const result = await mosquittoPub([...hp(), ...args]);
    assert.equal(result.code, 0, result.stderr);
  }

  it('delivers QoS 0, 1 and 2, in order, at the subscription QoS', async () => {
    const s = await sub('s-qos', ['-t', 'q/#', '-q', '2', '-v', '-C', '3']);
    await pub(['-t', 'q/0', '-m', 'zero', '-q', '0']);
    await pub(['-t', 'q/1', '-m', 'one', '-q', '1']);
    await pub(['-t', 'q/2', '-m', 'two', '-q', '2']);
    const result = await s.waitForExit(5000);
    assert.equal(result.stdout, 'q/0 zero\nq/1 one\nq/2 two\n');
    await tb.waitForLog(/Received PUBREL from .* \(Mid: 1\)/);
    assert.ok(tb.log.some((l) => /Sending PUBLISH to s-qos \(d0, q2, r0, m\d+, 'q\/2', \.\.\. \(3 bytes\)\)/.test(l)));
  });

  it('keeps, replaces and clears retained messages', async () => {
    await pub(['-t', 'ret', '-m', 'old', '-r']);
    await pub(['-t', 'ret', '-m', 'new', '-r', '-q', '1']);
    const first = await startMosquittoSub([...hp(), '-t', 'ret', '-C', '1', '-W', '3']).waitForExit(5000);
    assert.equal(first.stdout, 'new\n');
    await pub(['-t', 'ret', '-r', '-n']);
    const none = await startMosquittoSub([...hp(), '-t', 'ret', '-C', '1', '-W', '1']).waitForExit(5000);
    assert.equal(none.stdout, '');
  });

  it('publishes the will of a client that is killed', async () => {
    const watcher = await sub('watcher', ['-t', 'status/#', '-v', '-C', '1']);
    const doomed = await sub('doomed', ['-t', 'x', '--will-topic', 'status/doomed', '--will-payload', 'offline']);
    doomed.kill('SIGKILL');
    const result = await watcher.waitForExit(5000);
    assert.equal(result.stdout, 'status/doomed offline\n');
    await tb.waitForLog(/Client doomed closed its connection\./);
  });

  it('queues QoS 1 for a persistent session (-c -i) while the client is away', async () => {
    const first = await sub('keeper', ['-c', '-q', '1', '-t', 'p/t']);
    first.kill('SIGKILL');
    await tb.waitForLog(/Client keeper closed its connection\./);
    await pub(['-t', 'p/t', '-m', 'while-away-1', '-q', '1']);
    await pub(['-t', 'p/t', '-m', 'while-away-2', '-q', '1']);
    const back = await startMosquittoSub([...hp(), '-i', 'keeper', '-c', '-q', '1', '-t', 'p/t', '-C', '2']).waitForExit(5000);
    assert.equal(back.stdout, 'while-away-1\nwhile-away-2\n');
  });

  it('passes MQTT 5 properties through (-D in, -F out)', async () => {
    const s = await sub('props', ['-V', '5', '-t', 'v5', '-C', '1', '-F', '%C|%R|%P|%E|%p']);
    await pub([
      '-V', '5', '-t', 'v5', '-m', 'body',
      '-D', 'publish', 'content-type', 'text/plain',
      '-D', 'publish', 'response-topic', 'reply/to',
      '-D', 'publish', 'user-property', 'k', 'v',
      '-D', 'publish', 'message-expiry-interval', '100',
    ]);
    const result = await s.waitForExit(5000);
    assert.equal(result.stdout, 'text/plain|reply/to|k:v|100|body\n');
  });

  it('publishes $SYS statistics under mosquitto names', async () => {
    const topics = ['version', 'clients/connected', 'heap/current', 'heap/maximum'].flatMap((name) => ['-t', `$SYS/broker/${name}`]);
    const result = await startMosquittoSub([...hp(), ...topics, '-v', '-C', '4', '-W', '4']).waitForExit(6000);
    assert.match(result.stdout, /^\$SYS\/broker\/version mqt version test$/m);
    assert.match(result.stdout, /^\$SYS\/broker\/clients\/connected \d+$/m);
    assert.match(result.stdout, /^\$SYS\/broker\/heap\/current [1-9]\d*$/m);
    assert.match(result.stdout, /^\$SYS\/broker\/heap\/maximum [1-9]\d*$/m);
  });
});
