import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireMosquitto } from '../support/mosquitto.js';
import { freePort, useBusyPort } from '../support/ports.js';
import { LISTENING, confArgs, startServe } from '../support/serve.js';
import { mqtInProcess } from '../support/in-process.js';
import { MQT_BIN, SUBSCRIBED, TOOL_ENV, mosquittoPub, startMosquittoSub, stopAllTools } from '../support/spawn.js';
import { unique } from '../support/hooks.js';
import { makeTempFolder } from '../support/run-folder.js';

const dir = await makeTempFolder('mqt-serve');

async function conf(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** `-c FILE` with a config written for the port startServe picked. */
const confFor = (name: string, lines: (port: number) => string[], more: string[] = []): ((port: number) => string[]) => confArgs(dir, name, lines, more);

/** mosquitto_sub -C 1 subscribed (SUBACK seen), then mosquitto_pub, then what the subscriber printed. */
async function roundTrip(hp: string[], pubArgs: string[], subArgs: string[] = []): Promise<string> {
  const topic = unique('serve');
  const sub = startMosquittoSub([...hp, '-t', topic, '-C', '1', '-v', '-d', ...subArgs]);
  await sub.waitForOutput(SUBSCRIBED, 5000, 'stdout');
  const pub = await mosquittoPub([...hp, '-t', topic, ...pubArgs]);
  assert.equal(pub.code, 0, pub.stderr);
  const result = await sub.waitForExit(5000);
  assert.equal(result.code, 0, sub.describe());
  return result.stdout.split('\n').filter((l) => l.startsWith(`${topic} `)).join('\n').slice(topic.length + 1);
}

/**
 * `mqt serve` as students and scripts start it: no flags (local only, one line), mosquitto's
 * `-c FILE -p PORT -v`, with the real mosquitto_pub and mosquitto_sub as clients.
 */
describe('interop: mqt serve', function () {
  this.timeout(20_000);
  before(function () {
    requireMosquitto(this);
  });
  afterEach(stopAllTools);
  after(() => rm(dir, { recursive: true, force: true }));

  it('with no config prints one line saying where it listens and how to open it up, and nothing else', async () => {
    const serve = await startServe((port) => ['-p', String(port)], LISTENING);
    assert.equal(
      serve.tool.stdout,
      `mqt serve: listening on 127.0.0.1 port ${serve.port}, [::1] port ${serve.port}: this machine only, anonymous. ` +
        'For other machines: mqt serve --bind 0.0.0.0 (or -c FILE with a listener line).\n',
    );
    assert.equal(await roundTrip(serve.hp, ['-m', 'hello', '-q', '1']), 'hello');
    assert.equal(await roundTrip(['-h', '::1', '-p', String(serve.port)], ['-m', 'over IPv6', '-q', '2']), 'over IPv6');
    serve.tool.kill('SIGTERM');
    const result = await serve.tool.waitForExit(3000);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /^\d+: New client connected from 127\.0\.0\.1:\d+ as \S+ \(p2, c1, k60\)\.$/m);
    assert.doesNotMatch(result.stderr, /Opening|starting|running/);
  });

  it('--bind opens the quick start on that address, still anonymous, and says so in its line', async () => {
    const serve = await startServe((port) => ['--bind', '127.0.0.1', '-p', String(port)], LISTENING);
    assert.equal(serve.tool.stdout, `mqt serve: listening on 127.0.0.1 port ${serve.port}, anonymous (clients need no username).\n`);
    assert.equal(await roundTrip(serve.hp, ['-m', 'bound', '-u', 'any', '-P', 'thing']), 'bound');
  });

  it('retained messages and QoS 2 go through mosquitto_pub and mosquitto_sub', async () => {
    const serve = await startServe((port) => ['-p', String(port)], LISTENING);
    const topic = unique('retained');
    const pub = await mosquittoPub([...serve.hp, '-t', topic, '-m', 'kept', '-r', '-q', '2']);
    assert.equal(pub.code, 0, pub.stderr);
    const sub = startMosquittoSub([...serve.hp, '-t', topic, '-C', '1', '-v', '-q', '2']);
    const result = await sub.waitForExit(5000);
    assert.equal(result.stdout, `${topic} kept\n`);
  });

  it('`-c FILE -p PORT -v` runs as mosquitto would, with its log lines', async () => {
    const file = await conf('plain.conf', ['# no listener: local only, on the -p port', 'sys_interval 1']);
    const serve = await startServe((port) => ['-c', file, '-p', String(port), '-v']);
    const id = unique('verbose');
    assert.equal(await roundTrip(serve.hp, ['-m', 'v', '-i', id, '-u', 'student']), 'v');
    serve.tool.kill('SIGINT');
    const { code, stderr } = await serve.tool.waitForExit(3000);
    assert.equal(code, 0);
    const lines = stderr.split('\n').map((l) => l.replace(/^\d+: /, ''));
    assert.deepEqual(lines.slice(0, 8), [
      'mqt version 0.1.0 starting',
      `Config loaded from ${file}.`,
      'Starting in local only mode. Connections will only be possible from clients running on this machine.',
      'Create a configuration file which defines a listener to allow remote access, or start mqt serve with --bind 0.0.0.0.',
      'For more details see man mqt-serve.',
      `Opening ipv4 listen socket on port ${serve.port}.`,
      `Opening ipv6 listen socket on port ${serve.port}.`,
      'mqt version 0.1.0 running',
    ]);
    assert.ok(lines.includes(`Sending CONNACK to ${id} (0, 0)`), stderr);
    assert.match(stderr, new RegExp(`New client connected from 127\\.0\\.0\\.1:\\d+ as ${id} \\(p2, c1, k60, u'student'\\)\\.`));
    assert.match(stderr, /^\d+: mqt version 0\.1\.0 terminating$/m);
    assert.match(stderr, /^\d{10}: /);
  });

  it('`2> FILE` gets every log line, in order, up to the last one at exit', async () => {
    const log = join(dir, 'serve-stderr.log');
    const port = await freePort();
    const out = await open(log, 'w');
    const child = spawn(process.execPath, [MQT_BIN, 'serve', '-p', String(port), '-v'], { stdio: ['ignore', 'ignore', out.fd], env: TOOL_ENV });
    await out.close();
    try {
      const hp = ['-h', '127.0.0.1', '-p', String(port)];
      let sent = await mosquittoPub([...hp, '-t', 'a', '-m', 'x', '-i', 'first']);
      for (let i = 0; sent.code !== 0 && i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        sent = await mosquittoPub([...hp, '-t', 'a', '-m', 'x', '-i', 'first']);
      }
      assert.equal(sent.code, 0, sent.stderr);
      assert.equal((await mosquittoPub([...hp, '-t', 'a', '-m', 'x', '-i', 'second'])).code, 0);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
    const lines = (await readFile(log, 'utf8')).split('\n').map((l) => l.replace(/^\d+: /, ''));
    const at = (text: string): number => lines.findIndex((l) => l.startsWith(text));
    const order = ['mqt version 0.1.0 running', 'New client connected from 127.0.0.1:', 'Client first disconnected.', 'Client second disconnected.', 'mqt version 0.1.0 terminating'];
    for (const text of order) assert.ok(at(text) >= 0, `no "${text}" in:\n${lines.join('\n')}`);
    assert.deepEqual(order.map(at), order.map(at).toSorted((a, b) => a - b));
  });

  it("the seed's config (listener + allow_anonymous true) leaves local-only mode, and -p is ignored as in mosquitto", async () => {
    const serve = await startServe(confFor('seed', (port) => [`listener ${port} 127.0.0.1`, 'allow_anonymous true'], ['-p', '1', '-v']));
    assert.match(serve.tool.stderr, /Warning: -p 1 ignored: the config file defines the listeners \(as mosquitto does\)\./);
    assert.doesNotMatch(serve.tool.stderr, /local only/);
    assert.equal(await roundTrip(serve.hp, ['-m', 'seed']), 'seed');
  });

  it('allow_anonymous defaults to false once a listener is configured: CONNACK 5', async () => {
    const serve = await startServe(confFor('closed', (port) => [`listener ${port} 127.0.0.1`]));
    for (const login of [[], ['-u', 'student', '-P', 'anything']]) {
      // Without a password file, mosquitto 2.0 refuses a username too.
      const pub = await mosquittoPub([...serve.hp, '-t', 't', '-m', 'x', ...login]);
      assert.equal(pub.code, 5, pub.stderr);
      assert.match(pub.stderr, /not authori[sz]ed/i);
    }
  });

  it('an unknown directive is an error naming file and line, exit 1, no stack trace', async () => {
    const file = await conf('bad.conf', ['listener 1883', 'allow_anonymous true', 'foo bar']);
    const result = await mqtInProcess(['serve', '-c', file]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `Error: ${file}:3: Unknown configuration variable "foo".\n`);
    assert.equal(result.stdout, '');
  });

  it('a directive of the security issue is refused by name, not ignored', async () => {
    const file = await conf('secure.conf', ['listener 8883', 'tls_engine pkcs11']);
    const result = await mqtInProcess(['serve', '-c', file]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `Error: ${file}:2: tls_engine is not supported by mqt serve yet.\n`);
  });

  it('--bind with a config that defines listeners is one line, exit 1', async () => {
    const file = await conf('bind.conf', ['listener 1883 127.0.0.1']);
    const result = await mqtInProcess(['serve', '-c', file, '--bind', '0.0.0.0']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'Error: --bind cannot be used with a config file that defines listeners: give the address on their listener lines.\n');
    assert.equal(result.stdout, '');
  });

  it('a missing config file, bad -p and -d are one line each', async () => {
    const missing = await mqtInProcess(['serve', '-c', join(dir, 'none.conf')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `Error: Unable to open config file ${join(dir, 'none.conf')}: No such file or directory.\n`);
    const badPort = await mqtInProcess(['serve', '-p', '0']);
    assert.equal(badPort.code, 1);
    assert.match(badPort.stderr, /^Error: Invalid port specified \(0\)\.\n/);
    const daemon = await mqtInProcess(['serve', '-d']);
    assert.equal(daemon.code, 1);
    assert.match(daemon.stderr, /^Error: -d\/--daemon is not supported: run mqt serve under systemd/);
  });

  describe('a port in use', () => {
    const busyPort = useBusyPort();

    it('is one line naming the address and port, exit 1', async () => {
      const port = busyPort();
      const result = await mqtInProcess(['serve', '-p', String(port)]);
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        `Error: Unable to listen on 127.0.0.1 port ${port}: Address already in use (is another broker running? Stop it, or choose another port with -p).\n`,
      );
      assert.equal(result.stdout, '');
    });
  });

  it('SIGTERM with clients connected exits 0 at once; SIGHUP does not stop it', async () => {
    const serve = await startServe((port) => ['-p', String(port), '-v']);
    const sub = startMosquittoSub([...serve.hp, '-t', 'hold/#', '-d']);
    await sub.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    serve.tool.kill('SIGHUP');
    await serve.tool.waitForOutput(/Reloading config\.$/m, 3000, 'stderr');
    assert.ok(serve.tool.running);
    const started = Date.now();
    serve.tool.kill('SIGTERM');
    const result = await serve.tool.waitForExit(3000);
    assert.equal(result.code, 0, serve.tool.describe());
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  });
});
