import assert from 'node:assert/strict';
import { useBroker, unique } from '../support/hooks.js';
import { type ToolHandle, mqt, startMosquittoSub, startMqt, startTool, which } from '../support/spawn.js';

/**
 * Lines piped in per QoS: 50,000 at QoS 0 (1.4 MB of packets), far more than the pipe and socket
 * buffers hold, so reading stdin must wait for the socket; 5,000 at QoS 1 and 2, 250 times the
 * in-flight window, so every message waits for its acknowledgements. Larger counts proved nothing
 * more and cost the suite seconds of a CPU shared with the other test files.
 */
const LINES: Readonly<Record<string, number>> = { '0': 50_000, '1': 5_000, '2': 5_000 };

/**
 * mqt pub -l publishes every line of stdin: every piped line arrives, in order, at every
 * QoS, counted by mosquitto_sub. The broker keeps an unbounded queue (max_queued_messages 0):
 * with mosquitto's default of 1000 the *broker* drops QoS 1/2 messages to a slower subscriber,
 * which says nothing about the publisher.
 */
describe('interop: mqt pub -l (one message per line)', function () {
  this.timeout(30_000);
  // No debug lines: mosquitto would log each of the 60,000 messages two or three times, and
  // reading that log cost more CPU than the messages.
  const { broker, hp } = useBroker(['max_queued_messages 0', ...['error', 'warning', 'notice', 'information', 'subscribe'].map((type) => `log_type ${type}`)]);

  /** mosquitto_sub counting the messages; `lineBuffered` when the test reads its lines as they come. */
  async function receiver(topic: string, args: string[], lineBuffered = false): Promise<ToolHandle> {
    const id = unique('counter');
    const argv = [...hp(), '-i', id, '-t', topic, ...args];
    const tool = lineBuffered ? startMosquittoSub(argv) : startTool(which('mosquitto_sub') ?? 'mosquitto_sub', argv);
    // The subscribe log line ("ID QOS FILTER"), which mosquitto writes once the subscription is in place.
    await broker().waitForLog(new RegExp(`: ${id} \\d ${topic}\n`), 5000);
    return tool;
  }

  for (const qos of ['0', '1', '2']) {
    const lines = LINES[qos]!;
    const input = Array.from({ length: lines }, (_, i) => `${i + 1}\n`).join('');
    it(`is lossless at -q ${qos}: ${lines} lines in, ${lines} messages out, in order`, async () => {
      const topic = unique(`lines/q${qos}`);
      const counter = await receiver(topic, ['-q', '2', '-C', String(lines)]);
      const pub = await mqt(['pub', ...hp(), '-t', topic, '-l', '-q', qos], { input, timeoutMs: 20_000 });
      assert.equal(pub.code, 0, pub.stderr);
      assert.equal(pub.stderr, '');
      assert.equal(pub.stdout, '');
      const result = await counter.waitForExit(20_000);
      assert.equal(result.code, 0, `mosquitto_sub exit ${String(result.code)}: ${result.stdout.split('\n').length - 1} lines received`);
      assert.equal(result.stdout.length, input.length, 'as many bytes as were piped in');
      assert.ok(result.stdout === input, 'the lines arrive unchanged and in order');
    });
  }

  it('sends a final line without newline, an empty line as a zero-length message, and keeps "\\r"', async () => {
    const topic = unique('lines/edges');
    // %l: payload length, then the payload between brackets.
    const counter = await receiver(topic, ['-q', '1', '-C', '5', '-F', '%l [%p]']);
    const pub = await mqt(['pub', ...hp(), '-t', topic, '-l', '-q', '1'], { input: 'first\n\ncrlf\r\n  spaced  \nlast' });
    assert.deepEqual(pub, { code: 0, signal: null, stdout: '', stderr: '' });
    const result = await counter.waitForExit(5000);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '5 [first]\n0 []\n5 [crlf\r]\n10 [  spaced  ]\n4 [last]\n');
  });

  it('publishes each line as soon as it is read (stdin still open)', async () => {
    const topic = unique('lines/streaming');
    const counter = await receiver(topic, ['-q', '1', '-C', '2'], true);
    const pub = startMqt(['pub', ...hp(), '-t', topic, '-l', '-q', '1']);
    pub.write('one\n');
    await counter.waitForOutput(/^one\n/, 5000, 'stdout');
    assert.ok(pub.running, 'mqt pub -l is still reading stdin');
    pub.endStdin('two\n');
    const [published, received] = await Promise.all([pub.waitForExit(5000), counter.waitForExit(5000)]);
    assert.deepEqual(published, { code: 0, signal: null, stdout: '', stderr: '' });
    assert.equal(received.stdout, 'one\ntwo\n');
  });

  it('empty stdin: connects, sends nothing, exits 0', async () => {
    const result = await mqt(['pub', ...hp(), '-t', unique('lines/empty'), '-l', '-q', '1'], { input: '' });
    assert.deepEqual(result, { code: 0, signal: null, stdout: '', stderr: '' });
  });
});
