import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brokerSubscribed, useBroker, unique } from '../support/hooks.js';
import { type CommandRun, mqtInProcess } from '../support/in-process.js';
import { mosquittoSub, startMosquittoSub, type ToolHandle } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * mqt sub -F and --json against mosquitto_sub 2.0.11 on the same messages: for the specifiers
 * 2.0.11 gets right, the bytes must be the same. The messages carry v5 properties set by
 * mosquitto_pub -D, and a binary payload sent with mosquitto_pub -f.
 */
describe('interop: mqt sub -F and --json', function () {
  this.timeout(15_000);
  const { broker, hp, publish, subscribeMqt } = useBroker();

  /** Every byte value, then a newline and a NUL: not UTF-8, and hard on anything text-based. */
  const BINARY = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)), Buffer.from('\n\0')]);
  let dir = '';
  let binaryFile = '';
  before(async () => {
    dir = await makeTempFolder('mqt-format');
    binaryFile = join(dir, 'payload.bin');
    await writeFile(binaryFile, BINARY);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const V5_PROPERTIES = [
    ['user-property', 'name', 'v1'],
    ['user-property', 'name', 'v2'],
    ['user-property', 'other', 'v3'],
    ['content-type', 'plain/text'],
    ['message-expiry-interval', '100'],
    ['response-topic', 'resp/t'],
    ['correlation-data', 'corr123'],
    ['payload-format-indicator', '1'],
  ].flatMap((property) => ['-D', 'publish', ...property]);

  /** Starts mqt sub and mosquitto_sub with the same arguments; both are subscribed on return. */
  async function bothSubscribed(args: string[]): Promise<[CommandRun, ToolHandle]> {
    const ours = await subscribeMqt(args);
    const theirsId = unique('mosquitto-sub');
    const theirs = startMosquittoSub([...hp(), '-i', theirsId, ...args]);
    await brokerSubscribed(broker(), theirsId);
    return [ours, theirs];
  }

  /** A retained message (sent before the subscribers start), then a v5 one, an empty one and a binary one. */
  async function publishMix(base: string, qos: string): Promise<void> {
    await publish(`${base}/p`, ['-V', '5', '-q', qos, '-m', 'hello world', ...V5_PROPERTIES]);
    await publish(`${base}/e`, ['-q', qos, '-n']);
    await publish(`${base}/b`, ['-q', qos, '-f', binaryFile]);
  }

  async function bothExit(ours: CommandRun, theirs: ToolHandle): Promise<void> {
    const [a, b] = await Promise.all([ours.waitForExit(5000), theirs.waitForExit(5000)]);
    assert.equal(b.code, 0, theirs.describe());
    assert.equal(a.code, 0, ours.describe());
    assert.equal(a.stderr, '');
  }

  /** Each format, and what its line for the v5 message must hold (so that empty output cannot pass). */
  const FORMATS: readonly [string, RegExp][] = [
    ['%t|%p|%l|%m|%q|%r|%x|%X', /\/p\|hello world\|11\|\d\|[01]\|0\|68656c6c6f20776f726c64\|68656C6C6F20776F726C64\n/],
    ['%P|%C|%E|%R|%F|%D|%S', /^name:v1 name:v2 other:v3\|plain\/text\|(100|99)\|resp\/t\|1\|corr123\|5$/m],
    ['%05l|%-6t|%8t|%.2t|%3q|%%|\\t|@@|%5C|%-5C|%5E|%-8R|%02E|%-3F|%4S', /^00011\|.*\|%\|\t\|@\|plain\/text\|plain\/text\| {2}(100| 99)\|resp\/t {2}\|(100|99)\|1 {2}\| {3}5$/m],
  ];
  for (const [format, check] of FORMATS) {
    for (const qos of ['0', '1']) {
      it(`-F '${format}' -q ${qos}: the same bytes as mosquitto_sub`, async () => {
        const base = unique('format');
        await publish(`${base}/r`, ['-r', '-m', 'kept']);
        const [ours, theirs] = await bothSubscribed([
          '-V', '5', '-t', `${base}/#`, '-q', qos, '-C', '4', '-F', format, '-D', 'subscribe', 'subscription-identifier', '5',
        ]);
        await publishMix(base, qos);
        await bothExit(ours, theirs);
        assert.match(ours.stdout, check);
        assert.equal(ours.stdoutBytes.toString('latin1'), theirs.stdoutBytes.toString('latin1'));
      });
    }
  }

  it("-N -F '%t\\0%l\\0': NUL-separated fields, the same bytes as mosquitto_sub", async () => {
    const base = unique('format-nul');
    const [ours, theirs] = await bothSubscribed(['-t', `${base}/#`, '-C', '3', '-N', '-F', '%t\\0%l\\0']);
    await publishMix(base, '0');
    await bothExit(ours, theirs);
    assert.equal(ours.stdoutBytes.toString('latin1'), theirs.stdoutBytes.toString('latin1'));
    assert.equal(ours.stdout, `${base}/p\u000011\u0000${base}/e\u00000\u0000${base}/b\u0000258\u0000`);
  });

  it('%I, %U and @ sequences have the shape of mosquitto_sub\'s and the same time', async () => {
    const topic = unique('format-time');
    const format = '%I|%U|@Y-@m-@dT@H:@M:@S.@N|@s|@a @b @j';
    const [ours, theirs] = await bothSubscribed(['-t', topic, '-C', '1', '-F', format]);
    await publish(topic, ['-m', 'x']);
    await bothExit(ours, theirs);
    const shape = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4})\|(\d+)\.\d{9}\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\|(\d+)\|[A-Z][a-z]{2} [A-Z][a-z]{2} \d{3}\n$/;
    const a = shape.exec(ours.stdout);
    const b = shape.exec(theirs.stdout);
    assert.ok(a !== null, ours.stdout);
    assert.ok(b !== null, theirs.stdout);
    assert.ok(Math.abs(Number(a[2]) - Number(b[2])) <= 2, `${a[2]} vs ${b[2]}`);
    assert.equal(a[2], a[3], '%U and @s give the same second');
    assert.equal(a[1]!.slice(-5), b[1]!.slice(-5), 'same zone offset');
  });

  it("%j of a text message has mosquitto_sub's fields (tst and the 2.0 retain number aside)", async () => {
    const base = unique('format-json');
    const [ours, theirs] = await bothSubscribed(['-V', '5', '-t', `${base}/#`, '-q', '1', '-C', '1', '-F', '%j']);
    await publish(`${base}/p`, ['-V', '5', '-q', '1', '-m', 'he said "hi" \\ back', '-D', 'publish', 'content-type', 'text/plain', '-D', 'publish', 'correlation-data', 'c1']);
    await bothExit(ours, theirs);
    const normalise = (line: string): unknown => {
      const object = JSON.parse(line) as Record<string, unknown>;
      delete object.tst;
      object.retain = Boolean(object.retain);
      return object;
    };
    assert.deepEqual(normalise(ours.stdout), normalise(theirs.stdout));
  });

  it('%J: a payload that is not JSON is reported on stderr like mosquitto_sub, and still counts for -C', async () => {
    const topic = unique('format-bad-json');
    const [ours, theirs] = await bothSubscribed(['-t', topic, '-C', '2', '-F', '%J']);
    await publish(topic, ['-m', '{"a":']);
    await publish(topic, ['-m', '{"a": 1}']);
    const [a, b] = await Promise.all([ours.waitForExit(5000), theirs.waitForExit(5000)]);
    assert.equal(a.code, 0, ours.describe());
    assert.equal(b.code, 0, theirs.describe());
    const expectedError = `Error: Message payload is not valid JSON on topic ${topic}.\n`;
    assert.equal(b.stderr, expectedError);
    assert.equal(a.stderr, expectedError);
    for (const out of [a.stdout, b.stdout]) assert.match(out, new RegExp(`^\\n\\{"tst":"[^"]+","topic":"${topic}","qos":0,"retain":(0|false),"payloadlen":8,"payload":\\{"a":1\\}\\}\\n$`));
  });

  it('--json: a binary payload decodes from payload_base64 to the exact bytes; text and empty payloads are strings', async () => {
    const base = unique('json');
    const sub = await subscribeMqt(['-V', '5', '-t', `${base}/#`, '-q', '1', '-C', '3', '--json']);
    await publishMix(base, '1');
    const result = await sub.waitForExit(5000);
    assert.equal(result.code, 0, sub.describe());
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 3);
    const [text, empty, binary] = lines as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    assert.deepEqual(Object.keys(text), ['tst', 'topic', 'qos', 'retain', 'payloadlen', 'mid', 'properties', 'payload']);
    assert.equal(text.payload, 'hello world');
    assert.deepEqual(text.properties, {
      'payload-format-indicator': 1,
      'message-expiry-interval': 100,
      'content-type': 'plain/text',
      'response-topic': 'resp/t',
      'correlation-data': 'corr123',
      'user-properties': [
        ['name', 'v1'],
        ['name', 'v2'],
        ['other', 'v3'],
      ],
    });
    assert.equal(empty.payload, '');
    assert.equal(binary.payloadlen, BINARY.length);
    assert.ok(!('payload' in binary));
    assert.ok(Buffer.from(binary.payload_base64 as string, 'base64').equals(BINARY), 'payload_base64 decodes to the bytes sent');
  });

  for (const [format, text] of [
    ['%Z', "Error: Invalid format specifier 'Z'."],
    ['%5', 'Error: Incomplete format specifier.'],
    ['a\\q', "Error: Invalid escape specifier 'q'."],
    ['%t\\', 'Error: Incomplete escape specifier.'],
  ] as const) {
    it(`-F '${format}' is refused before connecting, with exit 1 and mosquitto_sub's first line`, async () => {
      const id = unique('bad-format');
      const ours = await mqtInProcess(['sub', ...hp(), '-i', id, '-t', 'x', '-F', format]);
      assert.deepEqual(ours, { code: 1, signal: null, stdout: '', stderr: `${text}\nUse 'mqt sub --help' to see usage.\n` });
      const theirs = await mosquittoSub([...hp(), '-t', 'x', '-F', format]);
      assert.equal(theirs.code, 1);
      assert.equal(theirs.stderr.split('\n')[0], text);
      assert.ok(!broker().log().includes(id), 'the broker never saw the client');
    });
  }
});
