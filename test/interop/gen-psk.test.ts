import assert from 'node:assert/strict';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { boardResult, useBoardClients } from '../support/board-clients.js';
import { unique } from '../support/hooks.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoPub, stopAllTools } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

interface PskOutput {
  entries: { identity: string; key: string }[];
  update: { added: string[]; total: number; created: boolean };
  mosquittoConf: string[];
  test: string;
}

/**
 * gen-psk's psk_file in a real mosquitto: the listener lines it prints, mosquitto_pub with
 * --psk/--psk-identity logging in as the identity, a wrong key refused, and an ESP32-like
 * mbedTLS client connecting with the key.
 */
describe('interop: gen-psk with mosquitto', function () {
  this.timeout(30_000);
  let dir: string;
  let pskFile: string;
  let output: PskOutput;
  let broker: Mosquitto | undefined;
  let port: number;

  before(async function () {
    requireMosquitto(this);
    dir = await makeTempFolder('mqt-gen-psk');
    pskFile = join(dir, 'psk.txt');
    await writeFile(pskFile, '# classroom keys\nbtsiot1:0123456789abcdef0123\n', { mode: 0o600 });
    const made = await mqtInProcess(['gen-psk', 'dev1', '--file', pskFile, 'dev2', '--json']);
    assert.equal(made.code, 0, made.stderr);
    output = JSON.parse(made.stdout) as PskOutput;
    port = await freePort();
    // The printed listener lines, on our port and address.
    const lines = output.mosquittoConf.map((l) => (l.startsWith('listener ') ? `listener ${port} 127.0.0.1` : l));
    broker = await startMosquitto(lines);
  });
  afterEach(() => stopAllTools());
  after(async () => {
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const key = (identity: string): string => output.entries.find((e) => e.identity === identity)!.key;
  const publish = (identity: string, psk: string, id: string) =>
    mosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-i', id, '--psk-identity', identity, '--psk', psk, '-t', 'gen-psk/t', '-m', 'x']);

  it('adds the identities to the psk_file, keeps its other lines and mode, leaves no temporary file', async () => {
    assert.deepEqual(output.update, { added: ['dev1', 'dev2'], replaced: [], unchanged: [], total: 3, created: false });
    for (const { key: k } of output.entries) assert.match(k, /^[0-9a-f]{32}$/);
    assert.equal(await readFile(pskFile, 'utf8'), `# classroom keys\nbtsiot1:0123456789abcdef0123\ndev1:${key('dev1')}\ndev2:${key('dev2')}\n`);
    assert.equal((await stat(pskFile)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['psk.txt']);
    assert.deepEqual(output.mosquittoConf, ['listener 8884', 'psk_hint mqt', `psk_file ${resolve(pskFile)}`, 'use_identity_as_username true']);
    assert.equal(output.test, `mqt sub --psk ${key('dev1')} --psk-identity dev1 -h localhost -p 8884 -t '#' -d`);
  });

  it('lets mosquitto_pub --psk --psk-identity in, as the identity; old lines still work', async () => {
    for (const [identity, psk] of [['dev2', key('dev2')], ['btsiot1', '0123456789abcdef0123']] as const) {
      const id = unique('psk');
      const result = await publish(identity, psk, id);
      assert.equal(result.code, 0, result.stderr);
      assert.match(broker!.log(), new RegExp(`New client connected from 127\\.0\\.0\\.1:\\d+ as ${id} \\(.*u'${identity}'\\)`));
    }
  });

  it('refuses a wrong key', async () => {
    const wrong = key('dev1').replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const result = await publish('dev1', wrong, unique('wrong'));
    assert.notEqual(result.code, 0);
  });

  it('prints the psk_file lines first, then the listener and the test line, and the ESP32 line with --arduino', async () => {
    const result = await mqtInProcess(['gen-psk', 'esp1', '--key', '00112233445566778899AABBCCDDEEFF', '--arduino']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], 'esp1:00112233445566778899aabbccddeeff');
    assert.ok(result.stdout.includes("  listener 8884\n  psk_hint mqt\n  psk_file /etc/mosquitto/psk_file\n  use_identity_as_username true\n"));
    assert.ok(result.stdout.includes('  espClient.setPreSharedKey("esp1", "00112233445566778899aabbccddeeff");\n'));
    assert.match(result.stdout, /ESP8266 \(BearSSL\) has no TLS-PSK/);
  });

  it('answers bad identities and keys, and a changed key without --force, with one Error line and exit 1', async () => {
    const before = await readFile(pskFile, 'utf8');
    for (const args of [
      ['dev:1'],
      ['dev 1'],
      ['dev\u00071'],
      ['x'.repeat(65)],
      ['dev3', '--key', 'abc'],
      ['dev3', '--key', '0xabcd'],
      ['dev3', '--bytes', '20'],
      ['dev1', '--file', pskFile],
    ]) {
      const result = await mqtInProcess(['gen-psk', ...args]);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr.split('\n').filter((l) => l.startsWith('Error:')).length, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
    }
    assert.equal(await readFile(pskFile, 'utf8'), before);
  });

  it('gives an identity a new key with --force, in place', async () => {
    const result = await mqtInProcess(['gen-psk', 'dev1', '--file', pskFile, '--force', '--bytes', '32']);
    assert.equal(result.code, 0, result.stderr);
    const [line] = result.stdout.split('\n');
    assert.match(line!, /^dev1:[0-9a-f]{64}$/);
    assert.equal((await readFile(pskFile, 'utf8')).split('\n')[2], line);
    assert.match(result.stdout, /Updated .*psk\.txt: new key for dev1 \(3 identities in all\)\./);
  });

  describe('ESP32-like client', () => {
    const clients = useBoardClients();

    it('connects with setPreSharedKey-style identity and hex key (TLS 1.2 PSK, as mbedTLS 2.28 does)', async () => {
      const result = await boardResult(clients().mbed, ['127.0.0.1', String(port), '-', `psk=${key('dev2')}`, 'id=dev2']);
      assert.match(result, /^RESULT OK TLSv1\.2 \S*PSK\S* .*connack=accepted$/);
    });
  });
});
