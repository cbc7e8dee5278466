import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allValues, indexFlags, lastValue, readArgv } from '../../src/commands/options/argv.js';
import { resolveConnect } from '../../src/commands/options/connect.js';
import { commandLineLayer, overlay, readOptionLines, resolveLayered, type LayeredArgs } from '../../src/commands/options/layered-args.js';
import { resolveMessage } from '../../src/commands/options/message.js';
import { optionLines, profileSections } from '../../src/commands/options/options-files.js';
import { pubOptionGroups } from '../../src/commands/options/pub.js';
import { rrOptionGroups } from '../../src/commands/options/rr.js';
import { subOptionGroups } from '../../src/commands/options/sub.js';
import { mqtInProcess } from '../support/in-process.js';
import { makeTempFolder } from '../support/run-folder.js';
import { ScriptedServer } from '../support/scripted-server.js';
import { assertUsageError as usageError } from '../support/usage-error.js';

const pubFlags = indexFlags(pubOptionGroups);
const subFlags = indexFlags(subOptionGroups);
const rrFlags = indexFlags(rrOptionGroups);

function fileLayer(text: string, flags = pubFlags, file = '/cfg/mqt_pub'): LayeredArgs {
  return readOptionLines(optionLines(text, flags), flags, file, ['optionsFile']);
}

/** The options file under the command line, as `mqt pub` layers them. */
function layered(text: string, argv: string[], flags = pubFlags): LayeredArgs {
  return overlay(fileLayer(text, flags), commandLineLayer(readArgv(argv, flags)), flags);
}

describe('options file lines (mosquitto format)', () => {
  it('splits at the first space only: the value keeps its inner and trailing spaces', () => {
    assert.deepEqual(optionLines('-m hello world  \n', pubFlags), [{ number: 1, words: ['-m', 'hello world  '] }]);
  });

  it('skips comments, blank lines, leading spaces and a byte-order mark, and accepts CR LF', () => {
    assert.deepEqual(optionLines('\uFEFF-d\n', pubFlags), [{ number: 1, words: ['-d'] }]);
    const lines = optionLines('# broker\r\n\r\n   \n  -d\r\n-h lab\r\n  # indented comment\n', pubFlags);
    assert.deepEqual(lines, [
      { number: 4, words: ['-d'] },
      { number: 5, words: ['-h', 'lab'] },
    ]);
  });

  it('gives -D its words, the value keeping the rest of the line', () => {
    const lines = optionLines('-D connect user-property site lab one\n-D publish content-type text/plain\n', pubFlags);
    assert.deepEqual(lines.map((l) => l.words), [
      ['-D', 'connect', 'user-property', 'site', 'lab one'],
      ['-D', 'publish', 'content-type', 'text/plain'],
    ]);
  });

  it('reads a line like a command line, and an error names the file and line', () => {
    usageError(() => fileLayer('-h lab\n-Z\n'), "/cfg/mqt_pub:2: Unknown option '-Z'.");
    usageError(() => fileLayer('-t\n-m x\n'), '/cfg/mqt_pub:1: -t argument given but no topic specified.');
    usageError(() => fileLayer('-d extra\n'), "/cfg/mqt_pub:1: Unknown option 'extra'.");
    usageError(() => fileLayer('-h\tlab\n'), "/cfg/mqt_pub:1: Unknown option '-h\tlab'.");
  });

  it('keeps the bytes of a value that is not UTF-8, and refuses a topic of them as mosquitto does', () => {
    const file = Buffer.concat([Buffer.from('  -m x'), Buffer.from([0xfe, 0x20, 0xff]), Buffer.from('\r\n-h lab\n')]);
    assert.deepEqual(optionLines(file, pubFlags), [
      { number: 1, words: ['-m', 'x\uFFFD \uFFFD'], valueBytes: Buffer.from([0x78, 0xfe, 0x20, 0xff]) },
      { number: 2, words: ['-h', 'lab'] },
    ]);
    const bad = (line: string): Buffer => Buffer.concat([Buffer.from(`-d\n${line} a`), Buffer.from([0xff]), Buffer.from('\n')]);
    for (const [line, flags] of [['-t', pubFlags], ['--will-topic', pubFlags], ['-T', subFlags], ['-U', subFlags], ['-e', rrFlags]] as const) {
      usageError(() => readOptionLines(optionLines(bad(line), flags), flags, '/f', []), `/f:2: Malformed UTF-8 in ${line} argument.`);
    }
  });

  it('refuses -P without a value (only the command line can ask) and -o inside an options file', () => {
    usageError(() => fileLayer('-P\n'), '/cfg/mqt_pub:1: -P needs a value in a file (it can only ask on the command line).');
    usageError(() => fileLayer('-o other\n'), '/cfg/mqt_pub:1: -o cannot be used in this file.');
  });
});

describe('options file under the command line', () => {
  it('takes host, port and QoS from the file', () => {
    const { args } = layered('-h lab\n-p 1884\n-q 1\n', ['-t', 'a', '-m', 'x']);
    const connect = resolveConnect(args, { invalidIdText: 'Invalid id.' });
    assert.deepEqual(connect.target, { kind: 'tcp', host: 'lab', port: 1884, noDelay: false });
    assert.equal(resolveMessage(args).qos, 1);
  });

  it('lets the command line win, -m included (mosquitto refuses two messages)', () => {
    const { args } = layered('-h lab\n-q 1\n-m from file\n', ['-h', 'other', '-t', 'a', '-m', 'typed']);
    assert.equal(lastValue(args, 'host'), 'other');
    assert.equal(lastValue(args, 'qos'), '1');
    assert.deepEqual(allValues(args, 'message'), ['typed']);
  });

  it('sets aside the alternatives of a flag given on the command line', () => {
    const withEnv = layered('-P fromfile\n', ['--pw-env', 'PW', '-t', 'a', '-m', 'x']).args;
    assert.deepEqual(resolveConnect(withEnv, { invalidIdText: 'Invalid id.' }).passwordSource, { kind: 'env', name: 'PW' });
    const withUrl = layered('-h lab\n-p 1884\n-t file/topic\n', ['-L', 'mqtt://other:1999/url/topic', '-m', 'x']).args;
    assert.deepEqual(resolveConnect(withUrl, { invalidIdText: 'Invalid id.' }).target, { kind: 'tcp', host: 'other', port: 1999, noDelay: false });
    assert.equal(resolveMessage(withUrl).topic, 'url/topic');
    const withNull = layered('-m x\n', ['-t', 'a', '-n']).args;
    assert.deepEqual([...withNull.values.keys()].sort(), ['null', 'topic']);
    resolveMessage(withNull);
  });

  it("adds sub's topics from the file to the command line's, as mosquitto_sub does", () => {
    const { args } = layered('-t file/#\n', ['-t', 'typed/#'], subFlags);
    assert.deepEqual(allValues(args, 'topic'), ['file/#', 'typed/#']);
  });

  it("gives the file's -m bytes that are not UTF-8 as they are, unless the command line replaces that -m", () => {
    const file = Buffer.concat([Buffer.from('-m '), Buffer.from([0xc3, 0x28])]);
    const bytesOf = (argv: string[]): Buffer | undefined =>
      resolveLayered(overlay(readOptionLines(optionLines(file, pubFlags), pubFlags, '/f', []), commandLineLayer(readArgv(argv, pubFlags)), pubFlags), (args) =>
        args.valueBytes?.get('message'),
      );
    assert.deepEqual(bytesOf(['-t', 'a']), Buffer.from([0xc3, 0x28]));
    assert.equal(bytesOf(['-m', 'typed']), undefined);
    assert.equal(bytesOf(['-n']), undefined);
  });

  it('names the file and line of a value that fails a later check', () => {
    const resolve = (text: string, argv: string[]) =>
      resolveLayered(layered(text, argv), (args) => resolveConnect(args, { invalidIdText: 'Invalid id.' }));
    usageError(() => resolve('# x\n-p abc\n', ['-t', 'a']), '/cfg/mqt_pub:2: Invalid port given: abc');
    usageError(() => resolve('-V 311\n', ['-x', '60']), '/cfg/mqt_pub:1: -x/--session-expiry needs MQTT v5: drop -V or use -V 5.');
    usageError(() => resolve('-h lab\n', ['-p', 'abc']), 'Invalid port given: abc');
  });
});

describe('profiles file', () => {
  const text = '# profiles\n[lab]\n-h lab.example\n-p 8883\n\n[home]\n-h 192.168.1.5\n';

  it('reads [NAME] sections of option lines', () => {
    const sections = profileSections(text, pubFlags, '/cfg/profiles');
    assert.deepEqual([...sections.keys()], ['lab', 'home']);
    assert.deepEqual(sections.get('lab')?.lines.map((l) => [l.number, l.words]), [
      [3, ['-h', 'lab.example']],
      [4, ['-p', '8883']],
    ]);
  });

  it('refuses options before the first header, bad headers and a name used twice', () => {
    usageError(() => profileSections('-h x\n[lab]\n', pubFlags, '/p'), '/p:1: options must follow a [NAME] profile header.');
    usageError(() => profileSections('[my lab]\n', pubFlags, '/p'), '/p:1: a profile header is [NAME], with no spaces in NAME.');
    usageError(() => profileSections('[lab]\n[x]\n[lab]\n', pubFlags, '/p'), "/p:3: profile 'lab' is already defined on line 1.");
  });
});

describe('an options file whose -m is not UTF-8', () => {
  it('pub publishes its bytes unchanged, as mosquitto_pub does', async () => {
    const dir = await makeTempFolder('mqt-options-bytes');
    const file = join(dir, 'options');
    await writeFile(file, Buffer.concat([Buffer.from('-t t\n-m x'), Buffer.from([0xfe, 0xff]), Buffer.from('y\n')]));
    const server = new ScriptedServer(4);
    try {
      const port = await server.listen();
      const running = mqtInProcess(['pub', '-p', String(port), '-o', file]);
      const peer = await server.nextPeer();
      await peer.next('connect');
      peer.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
      const publish = await peer.next('publish');
      assert.deepEqual([publish.payload, (await running).code], [Buffer.from([0x78, 0xfe, 0xff, 0x79]), 0]);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
