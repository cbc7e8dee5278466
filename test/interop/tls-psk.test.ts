import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brokerSubscribed, unique } from '../support/hooks.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { failedWith } from '../support/failures.js';
import { mqtInProcess } from '../support/in-process.js';
import { startMqt, stopAllTools } from '../support/spawn.js';
import { startTlsSniffer, type TlsSniffer } from '../support/tls-sniffer.js';
import { makeTempFolder } from '../support/run-folder.js';

const KEY = '00112233445566778899aabbccddeeff';

/**
 * TLS-PSK against mosquitto's psk_hint/psk_file listeners: TLS 1.3 by default, TLS 1.2 when asked
 * (a relay reads the version from the ServerHello), the identity as username, a wrong key and a
 * certificate port refused in words, and no key in -d output.
 */
describe('interop: TLS-PSK', function () {
  this.timeout(30_000);
  let dir: string;
  let broker: Mosquitto | undefined;
  let sniffer: TlsSniffer | undefined;
  const port = { psk: 0, psk12: 0 };

  before(async function () {
    requireMosquitto(this);
    dir = await makeTempFolder('mqt-tls-psk');
    const pskFile = join(dir, 'psk.txt');
    await writeFile(pskFile, `dev1:${KEY}\n`);
    [port.psk, port.psk12] = [await freePort(), await freePort()];
    broker = await startMosquitto([
      'per_listener_settings false',
      `psk_file ${pskFile}`,
      `listener ${port.psk} 127.0.0.1`,
      'psk_hint mqt',
      'use_identity_as_username true',
      `listener ${port.psk12} 127.0.0.1`,
      'psk_hint mqt',
      'use_identity_as_username true',
      'tls_version tlsv1.2',
    ]);
    sniffer = await startTlsSniffer(port.psk12);
  });
  afterEach(() => stopAllTools());
  after(async () => {
    await sniffer?.close();
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const psk = (key = KEY): string[] => ['--psk', key, '--psk-identity', 'dev1'];

  it('carries a QoS 1 message from mqt pub to mqt sub over TLS 1.3 PSK, as the identity, with no key in -d output', async () => {
    const id = unique('psk-sub');
    const topic = unique('psk');
    const sub = startMqt(['sub', ...psk(), '-h', 'localhost', '-p', String(port.psk), '-i', id, '-t', topic, '-q', '1', '-C', '1', '-d']);
    await brokerSubscribed(broker!, id);
    assert.match(broker!.log(), new RegExp(`New client connected from 127\\.0\\.0\\.1:\\d+ as ${id} \\(.*u'dev1'\\)`));
    const sent = await mqtInProcess(['pub', ...psk(), '-h', '127.0.0.1', '-p', String(port.psk), '-t', topic, '-q', '1', '-m', 'over PSK', '-d']);
    assert.equal(sent.code, 0, sent.stderr);
    const received = await sub.waitForExit(10_000);
    assert.equal(received.code, 0, received.stderr);
    assert.match(received.stdout, /^over PSK$/m);
    for (const output of [sent.stdout, received.stdout]) assert.ok(!output.includes(KEY), 'no key in -d output');
  });

  it('speaks TLS 1.2 PSK with --tls-version tlsv1.2, and the newest version without it', async () => {
    const via = ['-h', '127.0.0.1', '-p', String(sniffer!.port)];
    const v12 = await mqtInProcess(['pub', ...psk(), '--tls-version', 'tlsv1.2', ...via, '-t', 'psk/t', '-m', 'x']);
    assert.equal(v12.code, 0, v12.stderr);
    const newest = await mqtInProcess(['pub', ...psk(), ...via, '-t', 'psk/t', '-m', 'x']);
    assert.equal(newest.code, 0, newest.stderr);
    assert.deepEqual(sniffer!.versions, ['TLSv1.2', 'TLSv1.3']);
  });

  for (const version of [[], ['--tls-version', 'tlsv1.2']]) {
    it(`refuses a wrong key in one line${version.length === 0 ? '' : ' (TLS 1.2)'}`, async () => {
      const wrong = `${KEY.slice(0, -2)}ef`;
      const result = await mqtInProcess(['pub', ...psk(wrong), ...version, '-p', String(port.psk), '-t', 'psk/t', '-m', 'x']);
      failedWith(result, 'Error: TLS-PSK: the broker refused identity "dev1" with this key: check --psk-identity and --psk against the broker\'s psk_file.');
    });
  }

  it('refuses odd-length and non-hex keys, and --psk without --psk-identity, before connecting', async () => {
    const cases: [string[], string][] = [
      [['--psk', 'abc', '--psk-identity', 'dev1'], 'Error: Invalid PSK key: 3 hex digits; a key is whole bytes, an even number of digits.'],
      [['--psk', '0x1234', '--psk-identity', 'dev1'], "Error: Invalid PSK key '0x1234': use hexadecimal digits only (no 0x, spaces or colons)."],
      [['--psk', KEY], 'Error: --psk-identity required if --psk used.'],
      [['--psk', KEY, '--psk-identity', 'dev1', '--cafile', 'ca.crt'], 'Error: Only one of --psk or --cafile/--capath/--tls-use-os-certs/--cert/--insecure may be used at once.'],
    ];
    for (const [args, line] of cases) {
      const result = await mqtInProcess(['pub', ...args, '-p', String(port.psk), '-t', 'psk/t', '-m', 'x']);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr, `${line}\nUse 'mqt pub --help' to see usage.\n`);
    }
  });
});
