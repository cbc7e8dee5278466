import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { boardResult, useBoardClients } from '../support/board-clients.js';
import { requireOpenssl } from '../support/tools.js';
import { unique } from '../support/hooks.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoPub, mosquittoSub, runTool, stopAllTools } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

interface Summary {
  ca: { cert: string; created: boolean };
  server: { cert: string; key: string; names: string[]; sha1: string; sha256: string };
  clients: { name: string; cert: string; key: string }[];
  mosquittoConf: string[];
}

/**
 * gen-ca's files in the real world: loaded by mosquitto on TLS listeners, verified by openssl,
 * accepted by mosquitto_sub and by the two board-like clients (mbedTLS as on an ESP32, BearSSL
 * as on an ESP8266) by name and by IP, client certificates mapped to usernames. One gen-ca run
 * (three RSA keys) serves the file; a second one reuses its CA.
 */
describe('interop: gen-ca with mosquitto, openssl and board clients', function () {
  this.timeout(60_000);
  let dir: string;
  let certs: string;
  let summary: Summary;
  let broker: Mosquitto | undefined;
  let tlsPort: number;
  let mutualPort: number;
  let openssl: string;
  const file = (name: string): string => join(certs, name);

  before(async function () {
    requireMosquitto(this);
    openssl = requireOpenssl(this);
    dir = await makeTempFolder('mqt-gen-ca');
    certs = join(dir, 'certs');
    const made = await mqtInProcess(['gen-ca', '--out', certs, '--client', 'device1', '--json']);
    assert.equal(made.code, 0, made.stderr);
    summary = JSON.parse(made.stdout) as Summary;
    [tlsPort, mutualPort] = [await freePort(), await freePort()];
    const tls = [`cafile ${file('ca.crt')}`, `certfile ${file('server.crt')}`, `keyfile ${file('server.key')}`];
    broker = await startMosquitto([
      `listener ${tlsPort} 127.0.0.1`,
      ...tls,
      `listener ${mutualPort} 127.0.0.1`,
      ...tls,
      'require_certificate true',
      'use_identity_as_username true',
    ]);
    const pub = await mosquittoPub(['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'gen-ca/retained', '-m', 'over TLS', '-r']);
    assert.equal(pub.code, 0, pub.stderr);
  });
  afterEach(() => stopAllTools());
  after(async () => {
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const subscribe = (host: string, port: number, extra: string[] = []) =>
    mosquittoSub(['--cafile', file('ca.crt'), '-h', host, '-p', String(port), '-t', 'gen-ca/retained', '-C', '1', '-W', '5', ...extra]);

  it('writes keys 0600 and certificates 0644, and leaves no temporary file', async () => {
    assert.deepEqual((await readdir(certs)).sort(), ['ca.crt', 'ca.key', 'device1.crt', 'device1.key', 'server.crt', 'server.key']);
    for (const name of ['ca.key', 'server.key', 'device1.key']) assert.equal((await stat(file(name))).mode & 0o777, 0o600, name);
    for (const name of ['ca.crt', 'server.crt', 'device1.crt']) assert.equal((await stat(file(name))).mode & 0o777, 0o644, name);
  });

  it('passes openssl verify -CAfile ca.crt', async () => {
    const result = await runTool(openssl, ['verify', '-CAfile', file('ca.crt'), file('server.crt'), file('device1.crt')], { timeoutMs: 10_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /server\.crt: OK\n.*device1\.crt: OK/);
  });

  it("prints the SHA-1 fingerprint that openssl x509 -fingerprint prints, and mosquitto.conf lines with absolute paths", async () => {
    const result = await runTool(openssl, ['x509', '-noout', '-fingerprint', '-sha1', '-in', file('server.crt')], { timeoutMs: 10_000 });
    // OpenSSL 3 says 'sha1 Fingerprint=', 1.1 said 'SHA1 Fingerprint='.
    assert.equal(/^sha1 Fingerprint=(.*)$/im.exec(result.stdout)?.[1], summary.server.sha1);
    assert.deepEqual(summary.mosquittoConf, [
      'listener 8883',
      `cafile ${resolve(file('ca.crt'))}`,
      `certfile ${resolve(file('server.crt'))}`,
      `keyfile ${resolve(file('server.key'))}`,
      'require_certificate true',
      'use_identity_as_username true',
    ]);
    assert.deepEqual(summary.server.names.slice(0, 3), ['localhost', '127.0.0.1', '::1']);
  });

  for (const host of ['localhost', '127.0.0.1']) {
    it(`lets mosquitto_sub --cafile ca.crt connect with -h ${host}`, async () => {
      const result = await subscribe(host, tlsPort);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'over TLS\n');
    });
  }

  it('with require_certificate + use_identity_as_username: device1 connects as its CN, no certificate is refused', async () => {
    const id = unique('cert-user');
    const ok = await subscribe('localhost', mutualPort, ['-i', id, '--cert', file('device1.crt'), '--key', file('device1.key')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'over TLS\n');
    assert.match(broker!.log(), new RegExp(`New client connected from 127\\.0\\.0\\.1:\\d+ as ${id} \\(.*u'device1'\\)`));
    const refused = await subscribe('localhost', mutualPort);
    assert.notEqual(refused.code, 0);
    assert.equal(refused.stdout, '');
  });

  it('reuses the CA: a second run adds a client, keeps the server certificate, prints next steps and Arduino C', async () => {
    const caBefore = await readFile(file('ca.crt'), 'utf8');
    const serverBefore = await readFile(file('server.crt'), 'utf8');
    const result = await mqtInProcess(['gen-ca', '--out', certs, '--client', 'device2', '--arduino']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'no spinner and no warning when not on a terminal');
    assert.equal(await readFile(file('ca.crt'), 'utf8'), caBefore);
    assert.equal(await readFile(file('server.crt'), 'utf8'), serverBefore);
    const out = result.stdout;
    assert.match(out, /^CA {7}.*ca\.crt \(reused: "mqt CA [0-9a-f]{6}", valid until \d{4}-\d\d-\d\d\)$/m);
    assert.match(out, /^Server {3}.*server\.crt, key .*server\.key \(kept as it was, valid until/m);
    assert.ok(out.includes(`         SHA-1   ${summary.server.sha1}\n`));
    assert.ok(out.includes(`         SHA-256 ${summary.server.sha256}\n`));
    assert.match(out, /^Client {3}.*device2\.crt, key .*device2\.key \(username "device2"/m);
    assert.match(out, /^ {2}listener 8883\n {2}cafile \/.*\n {2}certfile \/.*\n {2}keyfile \/.*\n {2}require_certificate true\n {2}use_identity_as_username true$/m);
    assert.match(out, /A mosquitto started as root reads the key files as user mosquitto/);
    assert.match(out, /^ {2}mqt sub --cafile \S+ca\.crt -h localhost -p 8883 -t '#' -d --cert \S+device2\.crt --key \S+device2\.key$/m);
    const pem = caBefore.trim();
    assert.ok(out.includes(`const char caCert[] PROGMEM = R"EOF(\n${pem}\n)EOF";`), 'the CA as a raw string literal');
    const bytes = summary.server.sha1.split(':').map((b) => `0x${b}`).join(',');
    assert.ok(out.includes(`const uint8_t mqttCertFingerprint[] = {${bytes}};`), 'the fingerprint as a byte array');
  });

  it('overwrites nothing without --force: one Error line, exit 1, files and folder as they were', async () => {
    const hashes = async (): Promise<string[]> =>
      Promise.all((await readdir(certs)).sort().map(async (n) => `${n}:${createHash('sha256').update(await readFile(file(n))).digest('hex')}`));
    const before = await hashes();
    const result = await mqtInProcess(['gen-ca', '--out', certs, '--host', 'localhost']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: .*server\.key exists already\.\nHint: use --force to replace it, or --out another folder\.\n$/);
    assert.deepEqual(await hashes(), before);
  });

  it('answers bad input with one Error line and exit 1', async () => {
    await writeFile(join(dir, 'junk.crt'), 'not a certificate\n');
    const unused = join(dir, 'unused');
    for (const args of [
      ['--out', unused, '--bits', '1024'],
      ['--out', unused, '--client', 'a/b'],
      ['--out', unused, '--ip', 'broker.lan'],
      ['--out', unused, '--days', '-3'],
      ['--check', join(dir, 'missing.crt')],
      ['--check', join(dir, 'junk.crt')],
      ['--check', file('server.crt'), '--client', 'x'],
    ]) {
      const result = await mqtInProcess(['gen-ca', ...args]);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr.split('\n').filter((l) => l.startsWith('Error:')).length, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
    }
    assert.deepEqual((await readdir(dir)).sort(), ['certs', 'junk.crt'], 'no folder made for a refused run');
  });

  it('--check explains the server certificate, finds ca.crt beside it, and judges each board by host', async () => {
    const result = await mqtInProcess(['gen-ca', '--check', file('server.crt'), '--host', 'localhost', '--host', '192.0.2.7']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^.*server\.crt: a server certificate$/m);
    assert.match(result.stdout, /^ {2}Chain {5}signed by .*ca\.crt \("CN=mqt CA [0-9a-f]{6}, O=mqt"\)$/m);
    assert.match(result.stdout, /Connecting to localhost:\n {2}mosquitto clients {7}yes\n {2}ESP32 \(mbedTLS\) {9}yes\n {2}ESP8266 \(BearSSL\) {7}yes\n/);
    assert.match(result.stdout, /Connecting to 192\.0\.2\.7:\n {2}mosquitto 2\.0 clients {3}no: 192\.0\.2\.7 is not among its names/);
  });

  describe('board clients', () => {
    const clients = useBoardClients();

    for (const host of ['localhost', '127.0.0.1']) {
      it(`ESP32-like mbedTLS accepts the server as ${host}`, async () => {
        assert.match(await boardResult(clients().mbed, ['127.0.0.1', String(tlsPort), host, `ca=${file('ca.crt')}`]), /^RESULT OK .* verifyflags=0 connack=accepted$/);
      });
    }

    for (const name of ['localhost', '127.0.0.1', '-']) {
      it(`ESP8266-like BearSSL accepts the server ${name === '-' ? 'by IPAddress (no name)' : `as ${name}`}`, async () => {
        assert.match(await boardResult(clients().bear, ['127.0.0.1', String(tlsPort), name, file('ca.crt')]), /^RESULT OK .* ca_flag=CA connack=accepted$/);
      });
    }

    it('both present the client certificate and log in as its CN', async () => {
      const before = broker!.log().split("u'device1'").length;
      assert.match(
        await boardResult(clients().mbed, ['127.0.0.1', String(mutualPort), '127.0.0.1', `ca=${file('ca.crt')}`, `cert=${file('device1.crt')}`, `key=${file('device1.key')}`]),
        /^RESULT OK .*connack=accepted$/,
      );
      assert.match(
        await boardResult(clients().bear, ['127.0.0.1', String(mutualPort), 'localhost', file('ca.crt'), file('device1.crt'), file('device1.key')]),
        /^RESULT OK .*connack=accepted$/,
      );
      assert.equal(broker!.log().split("u'device1'").length - before, 2);
    });

    it("--check's verdicts match what the clients do with a tutorial-style certificate (IP only as an IP entry)", async () => {
      const stem = join(dir, 'row3');
      await writeFile(`${stem}.ext`, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
      for (const args of [
        ['genrsa', '-out', `${stem}.key`, '2048'],
        ['req', '-new', '-key', `${stem}.key`, '-subj', '/CN=localhost', '-out', `${stem}.csr`],
        ['x509', '-req', '-in', `${stem}.csr`, '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-set_serial', '7', '-days', '2', '-sha256', '-extfile', `${stem}.ext`, '-out', `${stem}.crt`],
      ]) {
        const made = await runTool(openssl, args, { timeoutMs: 10_000 });
        assert.equal(made.code, 0, made.stderr);
      }
      const port = await freePort();
      const row3 = await startMosquitto([`listener ${port} 127.0.0.1`, `cafile ${file('ca.crt')}`, `certfile ${stem}.crt`, `keyfile ${stem}.key`]);
      try {
        const checked = await mqtInProcess(['gen-ca', '--check', `${stem}.crt`, '--ca', file('ca.crt'), '--host', 'localhost', '--host', '127.0.0.1', '--json']);
        assert.equal(checked.code, 0, checked.stderr);
        const report = JSON.parse(checked.stdout) as { hosts: { host: string; refusals: Record<string, string[]> }[] };
        for (const { host, refusals } of report.hosts) {
          const accepts = (stack: string): boolean => refusals[stack]!.length === 0;
          const sub = await mosquittoSub(['--cafile', file('ca.crt'), '-h', host, '-p', String(port), '-t', 'x', '-W', '1']);
          // -W 1 with nothing to receive: 27 once connected, 1 when the handshake failed.
          assert.equal(sub.code === 27, accepts('mosquitto-2.0'), `mosquitto_sub -h ${host}: ${sub.stderr}`);
          const mbed = await boardResult(clients().mbed, ['127.0.0.1', String(port), host, `ca=${file('ca.crt')}`]);
          assert.equal(mbed.startsWith('RESULT OK'), accepts('esp32'), `mbedTLS ${host}: ${mbed}`);
          const bear = await boardResult(clients().bear, ['127.0.0.1', String(port), host, file('ca.crt')]);
          assert.equal(bear.startsWith('RESULT OK'), accepts('esp8266'), `BearSSL ${host}: ${bear}`);
        }
        assert.deepEqual(
          report.hosts.map((h) => [h.host, h.refusals.esp32!.length === 0]),
          [['localhost', true], ['127.0.0.1', false]],
          'the case the matrix is about: boards refuse the IP',
        );
      } finally {
        await row3.stop();
      }
    });
  });
});
