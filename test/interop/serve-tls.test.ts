import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import mqtt from 'mqtt';
import { boardResult, useBoardClients } from '../support/board-clients.js';
import { unique } from '../support/hooks.js';
import { requireMosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { LISTENING, assertOneConfigError, startServe, type RunningServe } from '../support/serve.js';
import { mqtInProcess } from '../support/in-process.js';
import { MQT_BIN, SUBSCRIBED, mosquittoPub, startMosquittoSub, startMqt, startTool } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

const KEY = '00112233445566778899aabbccddeeff';
const NEW_KEY = 'ffeeddccbbaa99887766554433221100';
/** MQTT 3.1.1 CONNECT, clean session, client id "psk12". */
const CONNECT = Buffer.from([0x10, 17, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 60, 0, 5, 0x70, 0x73, 0x6b, 0x31, 0x32]);

/** Connects with TLS 1.2 PSK only (what an ESP32's mbedTLS speaks) and resolves with the protocol and the CONNACK bytes. */
function connectTls12Psk(port: number, identity: string, key: string): Promise<{ protocol: string | null; connack: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      maxVersion: 'TLSv1.2',
      ciphers: 'PSK',
      pskCallback: () => ({ identity, psk: Buffer.from(key, 'hex') }),
      checkServerIdentity: () => undefined,
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
    socket.once('secureConnect', () => socket.write(CONNECT));
    socket.once('data', (data: Buffer) => {
      resolve({ protocol: socket.getProtocol(), connack: data.toString('hex') });
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/**
 * mqt serve's TLS listeners with the seeds' config lines and gen-ca's files: certificates
 * (seed 001), mutual TLS with the CN as username, TLS-PSK (seed 000) in TLS 1.3 and 1.2, wss,
 * the board-like C clients, and the start-up errors of bad TLS lines.
 */
describe('interop: mqt serve TLS and TLS-PSK listeners', function () {
  this.timeout(60_000);
  let dir: string;
  let serve: RunningServe | undefined;
  let ports: { tls: number; mutual: number; psk: number; wss: number };
  const file = (name: string): string => join(dir, 'certs', name);
  const pskFile = (): string => join(dir, 'psk.txt');

  before(async function () {
    requireMosquitto(this);
    dir = await makeTempFolder('mqt-serve-tls');
    for (const [out, extra] of [['certs', ['--client', 'device1']], ['other', []]] as const) {
      const made = await mqtInProcess(['gen-ca', '--out', join(dir, out), ...extra, '--json']);
      assert.equal(made.code, 0, made.stderr);
    }
    await writeFile(pskFile(), `# devices\ndevice1:${KEY}\n`, { mode: 0o600 });
    const [mutual, psk, wss] = [await freePort(), await freePort(), await freePort()];
    const certificate = [`cafile ${file('ca.crt')}`, `certfile ${file('server.crt')}`, `keyfile ${file('server.key')}`];
    serve = await startServe((port) => {
      ports = { tls: port, mutual, psk, wss };
      const conf = join(dir, 'mymosqui.conf');
      const lines = [
        'per_listener_settings false',
        'allow_anonymous true',
        `psk_file ${pskFile()}`,
        `listener ${port} 127.0.0.1`,
        ...certificate,
        `listener ${mutual} 127.0.0.1`,
        ...certificate,
        'require_certificate true',
        'use_identity_as_username true',
        `listener ${psk} 127.0.0.1`,
        'psk_hint mqt',
        'use_identity_as_username true',
        `listener ${wss} 127.0.0.1`,
        'protocol websockets',
        ...certificate,
      ];
      writeFileSync(conf, `${lines.join('\n')}\n`);
      return ['-c', conf, '-v'];
    });
  });
  after(async () => {
    serve?.tool.kill();
    await serve?.tool.exited;
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const tlsArgs = (host: string, port: number, ca = file('ca.crt')) => ['--cafile', ca, '-h', host, '-p', String(port)];

  for (const host of ['localhost', '127.0.0.1']) {
    it(`seed 001: mosquitto_sub --cafile ca.crt -h ${host} receives what mosquitto_pub --cafile sends`, async () => {
      const topic = unique('tls');
      const sub = startMosquittoSub([...tlsArgs(host, ports.tls), '-t', topic, '-C', '1', '-v', '-d']);
      await sub.waitForOutput(SUBSCRIBED, 5000, 'stdout');
      const pub = await mosquittoPub([...tlsArgs(host, ports.tls), '-t', topic, '-m', 'over TLS']);
      assert.equal(pub.code, 0, pub.stderr);
      assert.match((await sub.waitForExit(5000)).stdout, new RegExp(`^${topic} over TLS$`, 'm'));
    });
  }

  it('a client trusting another CA is refused in the handshake', async () => {
    const pub = await mosquittoPub([...tlsArgs('localhost', ports.tls, join(dir, 'other', 'ca.crt')), '-t', 'x', '-m', 'x']);
    assert.notEqual(pub.code, 0);
    assert.match(pub.stderr, /TLS|certificate verify failed/);
  });

  it('require_certificate + use_identity_as_username: a gen-ca client certificate connects as its CN, whatever -u says', async () => {
    const pub = await mosquittoPub([...tlsArgs('localhost', ports.mutual), '--cert', file('device1.crt'), '--key', file('device1.key'), '-u', 'someone', '-i', 'cn-check', '-t', 'x', '-m', 'x']);
    assert.equal(pub.code, 0, pub.stderr);
    await serve!.tool.waitForOutput(/as cn-check \(p\d, c1, k60, u'device1'\)/, 5000);
  });

  it('require_certificate: a client without a certificate is refused', async () => {
    const pub = await mosquittoPub([...tlsArgs('localhost', ports.mutual), '-t', 'x', '-m', 'x']);
    assert.notEqual(pub.code, 0);
    await serve!.tool.waitForOutput(/failed: TLS error: peer did not return a certificate\./, 5000);
  });

  it('seed 000: mosquitto_pub --psk/--psk-identity connects (TLS 1.3) as the identity; a wrong key is refused', async () => {
    const pskArgs = (key: string) => ['-h', '127.0.0.1', '-p', String(ports.psk), '--psk', key, '--psk-identity', 'device1', '-t', 'x', '-m', 'x'];
    const good = await mosquittoPub([...pskArgs(KEY), '-i', 'psk13']);
    assert.equal(good.code, 0, good.stderr);
    await serve!.tool.waitForOutput(/as psk13 \(p\d, c1, k60, u'device1'\)/, 5000);
    const wrong = await mosquittoPub(pskArgs(NEW_KEY));
    assert.notEqual(wrong.code, 0);
  });

  it('a TLS 1.2-only PSK client (as ESP32 mbedTLS) is offered PSK suites and accepted', async () => {
    const result = await connectTls12Psk(ports.psk, 'device1', KEY);
    assert.deepEqual(result, { protocol: 'TLSv1.2', connack: '20020000' });
  });

  it('SIGHUP reads the psk_file again: the new key connects, the old one no longer does', async () => {
    const original = await readFile(pskFile(), 'utf8');
    await writeFile(pskFile(), original.replace(KEY, NEW_KEY));
    try {
      serve!.tool.kill('SIGHUP');
      await serve!.tool.waitForOutput(/Reloading config\./, 5000);
      const pskArgs = (key: string) => ['-h', '127.0.0.1', '-p', String(ports.psk), '--psk', key, '--psk-identity', 'device1', '-t', 'x', '-m', 'x'];
      // The reload is asynchronous: wait until the new key is in force.
      let fresh = await mosquittoPub(pskArgs(NEW_KEY));
      for (let i = 0; i < 20 && fresh.code !== 0; i++) fresh = await mosquittoPub(pskArgs(NEW_KEY));
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.notEqual((await mosquittoPub(pskArgs(KEY))).code, 0);
    } finally {
      await writeFile(pskFile(), original);
      serve!.tool.kill('SIGHUP');
    }
  });

  it('a websockets listener with certfile/keyfile speaks wss: the mqtt package publishes, mosquitto_sub over TLS receives', async () => {
    const topic = unique('wss');
    const sub = startMosquittoSub([...tlsArgs('localhost', ports.tls), '-t', topic, '-C', '1', '-v', '-d']);
    await sub.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    const client = await mqtt.connectAsync(`wss://localhost:${ports.wss}/mqtt`, { ca: await readFile(file('ca.crt')), reconnectPeriod: 0, connectTimeout: 5000 });
    try {
      await client.publishAsync(topic, 'over wss', { qos: 1 });
    } finally {
      await client.endAsync();
    }
    assert.match((await sub.waitForExit(5000)).stdout, new RegExp(`^${topic} over wss$`, 'm'));
  });

  it('mqt sub -L wss://...#topic --cafile receives over the wss listener', async () => {
    const topic = unique('wss-sub');
    const sub = startMqt(['sub', '-L', `wss://localhost:${ports.wss}/mqtt#${topic}`, '--cafile', file('ca.crt'), '-C', '1', '-v', '-d']);
    await sub.waitForOutput(/SUBACK/, 5000);
    const pub = await mosquittoPub([...tlsArgs('localhost', ports.tls), '-t', topic, '-m', 'to mqt sub']);
    assert.equal(pub.code, 0, pub.stderr);
    const result = await sub.waitForExit(5000);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${topic} to mqt sub$`, 'm'));
  });

  describe('board clients', () => {
    const clients = useBoardClients();

    it('mbedTLS (ESP32) and BearSSL (ESP8266) accept the certificate listener by name', async () => {
      assert.match(await boardResult(clients().mbed, ['127.0.0.1', String(ports.tls), 'localhost', `ca=${file('ca.crt')}`]), /^RESULT OK .*connack=accepted$/);
      assert.match(await boardResult(clients().bear, ['127.0.0.1', String(ports.tls), 'localhost', file('ca.crt')]), /^RESULT OK .*connack=accepted$/);
    });

    it('both present a gen-ca client certificate to the require_certificate listener and log in as its CN', async () => {
      const before = serve!.tool.stderr.split("u'device1'").length;
      const cert = [file('device1.crt'), file('device1.key')] as const;
      assert.match(
        await boardResult(clients().mbed, ['127.0.0.1', String(ports.mutual), '127.0.0.1', `ca=${file('ca.crt')}`, `cert=${cert[0]}`, `key=${cert[1]}`]),
        /^RESULT OK .*connack=accepted$/,
      );
      assert.match(await boardResult(clients().bear, ['127.0.0.1', String(ports.mutual), 'localhost', file('ca.crt'), ...cert]), /^RESULT OK .*connack=accepted$/);
      // The log reaches this process through a pipe, possibly after the CONNACK reached the clients.
      const logins = () => serve!.tool.stderr.split("u'device1'").length - before;
      for (let waited = 0; logins() < 2 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(logins(), 2);
    });

    it('mbedTLS connects to the PSK listener with TLS 1.2 PSK', async () => {
      assert.match(await boardResult(clients().mbed, ['127.0.0.1', String(ports.psk), '-', `psk=${KEY}`, 'id=device1']), /^RESULT OK .*connack=accepted$/);
    });
  });
});

describe('interop: mqt serve refuses bad TLS lines at start-up', function () {
  this.timeout(20_000);
  let dir: string;
  before(async () => {
    dir = await makeTempFolder('mqt-serve-tls-bad');
    await writeFile(join(dir, 'server.crt'), '');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases: [string, (dir: string) => string[], RegExp][] = [
    ['certfile without keyfile', (d) => ['listener 1', `certfile ${d}/server.crt`], /^Error: \S+bad\.conf:2: Both certfile and keyfile must be provided if one of them is set\.$/],
    [
      'an unreadable keyfile',
      (d) => ['listener 1', `certfile ${d}/server.crt`, `keyfile ${d}/missing.key`],
      /^Error: \S+bad\.conf:3: Unable to load server key file "\S+missing\.key": No such file or directory\. Check keyfile\.$/,
    ],
    ['a cipher list OpenSSL does not know', () => ['listener 1', 'psk_hint x', 'ciphers NOPE'], /^Error: \S+bad\.conf:3: Unable to use ciphers "NOPE": no cipher match\.$/],
    ['a bad tls_version', () => ['listener 1', 'tls_version tlsv1.0'], /^Error: \S+bad\.conf:2: Invalid tls_version value \(tlsv1\.0\): use tlsv1\.3, tlsv1\.2, tlsv1\.1\.$/],
    [
      'a psk_file with a non-hex key',
      (d) => [`psk_file ${d}/psk.txt`, 'listener 1', 'psk_hint x'],
      /^Error: \S+bad\.conf:1: \S+psk\.txt:1: the key of identity "dev" contains non-hexadecimal characters\.$/,
    ],
  ];
  for (const [what, lines, error] of cases) {
    it(`${what}: one line naming file and line, exit 1`, async () => {
      await writeFile(join(dir, 'psk.txt'), 'dev:0x1234\n');
      const conf = join(dir, 'bad.conf');
      await writeFile(conf, `${lines(dir).join('\n')}\n`);
      assertOneConfigError(await mqtInProcess(['serve', '-c', conf]), error);
    });
  }
});

describe('interop: mqt serve --tls', function () {
  this.timeout(60_000);
  let dir: string;
  before(async function () {
    requireMosquitto(this);
    dir = await makeTempFolder('mqt-serve-tls-flag');
    // The printed line says `mqt`: a shim on PATH runs this build of it.
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'mqt'), `#!/bin/sh\nexec "${process.execPath}" "${MQT_BIN}" "$@"\n`);
    await chmod(join(dir, 'bin', 'mqt'), 0o755);
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const onPath = () => ({ PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` });

  /** Starts `mqt serve --tls` and returns it with the command line it printed for clients. */
  async function serveTls(tlsPort: number): Promise<{ serve: RunningServe; subLine: string; made: string }> {
    const serve = await startServe((port) => ['-p', String(port), '--tls', '--tls-port', String(tlsPort), '--tls-dir', join(dir, 'state')], LISTENING);
    const [line] = await serve.tool.waitForOutput(/^Clients trust it with .*: (mqt sub .*)$/m, 5000, 'stdout');
    const made = /^mqt serve: TLS on port \d+ for [^;]+; (.*) \S+\.$/m.exec(serve.tool.stdout)?.[1] ?? serve.tool.stdout;
    return { serve, subLine: /: (mqt sub .*)$/.exec(line)![1]!, made };
  }

  it('makes a CA and server certificate, and the printed mqt sub --cafile line works as printed; a second start reuses them', async () => {
    const tlsPort = await freePort();
    const first = await serveTls(tlsPort);
    try {
      assert.equal(first.made, 'CA and server certificate made in');
      assert.match(first.serve.tool.stdout, new RegExp(`127\\.0\\.0\\.1 port ${tlsPort} \\(TLS\\)`));
      assert.match(first.subLine, new RegExp(`^mqt sub --cafile /\\S+/state/ca\\.crt -p ${tlsPort} -t '#' -v$`));
      const caFile = join(dir, 'state', 'ca.crt');
      const pub = await mosquittoPub(['--cafile', caFile, '-h', 'localhost', '-p', String(tlsPort), '-t', 'serve-tls/retained', '-m', 'kept', '-r']);
      assert.equal(pub.code, 0, pub.stderr);
      const sub = startTool('sh', ['-c', `exec ${first.subLine}`], { env: onPath() });
      await sub.waitForOutput(/^serve-tls\/retained kept$/m, 5000, 'stdout');
      sub.kill();
      await sub.exited;
    } finally {
      first.serve.tool.kill();
      await first.serve.tool.exited;
    }
    const ca = await readFile(join(dir, 'state', 'ca.crt'), 'utf8');
    const second = await serveTls(tlsPort);
    second.serve.tool.kill();
    await second.serve.tool.exited;
    assert.equal(second.made, 'reused from');
    assert.equal(await readFile(join(dir, 'state', 'ca.crt'), 'utf8'), ca);
  });

  it("gen-ca's printed mqt serve --tls-dir line starts a TLS broker on gen-ca's files as they are", async () => {
    const certs = join(dir, 'gen-ca');
    const made = await mqtInProcess(['gen-ca', '--out', certs]);
    assert.equal(made.code, 0, made.stderr);
    const line = /^ {2}(mqt serve --tls-dir .*)$/m.exec(made.stdout)?.[1];
    assert.equal(line, `mqt serve --tls-dir ${certs}`, made.stdout);
    const server = await readFile(join(certs, 'server.crt'), 'utf8');
    const [port, tlsPort] = [await freePort(), await freePort()];
    // As printed, plus free ports instead of 1883 and 8883, which tests must not take.
    const serve = startTool('sh', ['-c', `exec ${line} -p ${port} --tls-port ${tlsPort}`], { env: onPath() });
    try {
      assert.match((await serve.waitForOutput(/^mqt serve: TLS on port .*$/m, 5000, 'stdout'))[0], /; reused from /);
      const pub = await mosquittoPub(['--cafile', join(certs, 'ca.crt'), '-h', 'localhost', '-p', String(tlsPort), '-t', 'x', '-m', 'x']);
      assert.equal(pub.code, 0, pub.stderr);
    } finally {
      serve.kill();
      await serve.exited;
    }
    assert.equal(await readFile(join(certs, 'server.crt'), 'utf8'), server);
  });
});
