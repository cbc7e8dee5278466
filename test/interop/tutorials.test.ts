import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { requireMosquitto, startMosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { confArgs, startServe, stopServe, type RunningServe } from '../support/serve.js';
import { mqtInProcess } from '../support/in-process.js';
import { startMqt, stopAllTools, type ToolResult } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * The flows of the classroom tutorials (../shared/seeds: a Raspberry Pi course on MQTT with
 * passwords and TLS-PSK, a TLS-with-certificates walk-through, a slide deck on listeners, HiveMQ's
 * essentials), done with mqt: mqt serve stands in for mosquitto with the tutorials' own config
 * lines, mqt passwd, gen-psk and gen-ca make the files, mqt sub and pub talk as the tutorials'
 * mosquitto_sub and mosquitto_pub lines do. Where a step ends in a refusal, the refusal says why.
 */
describe('interop: the classroom tutorials, with mqt', function () {
  this.timeout(60_000);
  let dir = '';
  const running: RunningServe[] = [];

  before(async () => {
    dir = await makeTempFolder('mqt-tutorials');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map(stopServe));
    await stopAllTools();
  });
  after(() => (dir === '' ? undefined : rm(dir, { recursive: true, force: true })));

  /** mqt serve -c with `lines`, `listener PORT` first (the tutorials listen on 1883 or 8883). */
  const serve = async (name: string, lines: string[]): Promise<RunningServe> => {
    const server = await startServe(confArgs(dir, name, (port) => [`listener ${port} 127.0.0.1`, 'connection_messages true', ...lines]));
    running.push(server);
    return server;
  };

  /** The tutorial's subscriber (-d, one message), then its publisher; the subscriber's output. */
  const pubSub = async (subArgs: string[], pubArgs: string[]): Promise<{ sub: ToolResult; pub: ToolResult }> => {
    const sub = startMqt(['sub', ...subArgs, '-d', '-C', '1']);
    await sub.waitForOutput(/received SUBACK/, 10_000, 'stdout');
    const pub = await mqtInProcess(['pub', ...pubArgs, '-d']);
    assert.equal(pub.code, 0, `${pub.stdout}${pub.stderr}`);
    return { sub: await sub.waitForExit(10_000), pub };
  };

  const hostPort = (server: RunningServe): string[] => ['-h', '127.0.0.1', '-p', String(server.port)];

  describe('SENIN/BUSSY: MQTT on a Raspberry Pi', () => {
    it('an anonymous listener: mosquitto_sub/pub -V mqttv311 -t PV/sunshine', async () => {
      const server = await serve('anonymous', ['allow_anonymous true']);
      const { sub } = await pubSub(
        ['-V', 'mqttv311', ...hostPort(server), '-t', 'PV/sunshine'],
        ['-V', 'mqttv311', ...hostPort(server), '-t', 'PV/sunshine', '-m', 'yes'],
      );
      assert.equal(sub.code, 0, sub.stderr);
      assert.match(sub.stdout, /^yes$/m);
    });

    it('a password file made with passwd -c -b, then two users logging in; anonymous clients are told why they are refused', async () => {
      const file = join(dir, 'mosqui_passfile');
      assert.equal((await mqtInProcess(['passwd', '-c', '-b', file, 'btsiot1', 'btsiotpass1'])).code, 0);
      assert.equal((await mqtInProcess(['passwd', '-b', file, 'btsiot2', 'btsiotpass2'])).code, 0);
      const server = await serve('passwords', ['allow_anonymous false', `password_file ${file}`]);
      const { sub } = await pubSub(
        ['-V', 'mqttv311', ...hostPort(server), '-i', 'mycl1', '-u', 'btsiot1', '-P', 'btsiotpass1', '-t', 'PV/sunshine'],
        ['-V', 'mqttv311', ...hostPort(server), '-i', 'mycl2', '-u', 'btsiot2', '-P', 'btsiotpass2', '-t', 'PV/sunshine', '-m', 'Greetings'],
      );
      assert.match(sub.stdout, /^Greetings$/m);

      const wrong = await mqtInProcess(['pub', '-V', 'mqttv311', ...hostPort(server), '-u', 'btsiot1', '-P', 'nope', '-t', 'PV/sunshine', '-m', 'x']);
      assert.deepEqual([wrong.code, wrong.stderr], [5, 'Connection error: Connection Refused: not authorised.\n']);
      const anonymous = await mqtInProcess(['pub', '-V', 'mqttv311', ...hostPort(server), '-i', 'anon1', '-t', 'PV/sunshine', '-m', 'x']);
      assert.equal(anonymous.code, 5);
      assert.equal(
        anonymous.stderr,
        'Connection error: Connection Refused: not authorised.\n' +
          'Hint: the broker refuses clients that send no username (mosquitto 2.0 does unless its config says allow_anonymous true): log in with -u and -P.\n',
      );
      const v5 = await mqtInProcess(['pub', '-V', '5', ...hostPort(server), '-t', 'PV/sunshine', '-m', 'x']);
      assert.equal(v5.code, 135);
      assert.match(v5.stderr, /^Connection error: Not authorized\nHint: the broker refuses clients that send no username/);
      await server.tool.waitForOutput(/Client anon1 sent no username, and anonymous clients need allow_anonymous true\.$/m, 5000);
      // mosquitto's own line stays as it is (no id: mosquitto forgets it on a failed login), before the reason.
      assert.match(server.tool.stdout + server.tool.stderr, /Client <unknown> disconnected, not authorised\.\n.*Client anon1 sent no username/);
    });

    it('TLS-PSK: the psk_file from gen-psk --key, psk_hint btsiot, users still logging in with -u/-P', async () => {
      const passwords = join(dir, 'psk-passfile');
      assert.equal((await mqtInProcess(['passwd', '-c', '-b', passwords, 'btsiot1', 'btsiotpass1'])).code, 0);
      const pskFile = join(dir, 'mosqui_pskfile');
      const made = await mqtInProcess(['gen-psk', 'btsiot1', '--key', '0123456789abcdef0123', '--file', pskFile]);
      assert.equal(made.code, 0, made.stderr);
      const server = await serve('psk', ['psk_hint btsiot', `psk_file ${pskFile}`, 'allow_anonymous false', `password_file ${passwords}`]);
      const psk = ['--psk-identity', 'btsiot1', '--psk', '0123456789abcdef0123', '-u', 'btsiot1', '-P', 'btsiotpass1'];
      const { sub } = await pubSub(
        ['-V', 'mqttv311', ...hostPort(server), '-i', 'btsiot-client1', ...psk, '-t', 'PV/sunshine'],
        ['-V', 'mqttv311', ...hostPort(server), '-i', 'btsiot-client2', ...psk, '-t', 'PV/sunshine', '-m', 'Hallo_BTS-IoT_:)'],
      );
      assert.match(sub.stdout, /^Hallo_BTS-IoT_:\)$/m);
    });
  });

  describe('TLS with certificates (openssl steps done by gen-ca)', () => {
    let certs = '';
    let printed: { mosquittoConf: string[]; test: string };
    before(async () => {
      certs = join(dir, 'certs');
      const made = await mqtInProcess(['gen-ca', '--out', certs, '--json']);
      assert.equal(made.code, 0, made.stderr);
      printed = JSON.parse(made.stdout) as typeof printed;
    });

    /** The printed lines with the listener on `port`, and the printed test line's flags there. */
    const onPort = (port: number): string[] => printed.mosquittoConf.map((l) => (l.startsWith('listener ') ? `listener ${port} 127.0.0.1` : l));
    const testFlags = (port: number): string[] => ['--cafile', join(certs, 'ca.crt'), '-h', 'localhost', '-p', String(port)];

    it("gen-ca's printed mosquitto.conf lines work as printed: the printed test line connects to mqt serve", async () => {
      assert.match(printed.test, /^mqt sub --cafile \S+ -h localhost -p 8883 -t '#' -d$/);
      const server = await startServe(confArgs(dir, 'printed-tls', onPort));
      running.push(server);
      const { sub } = await pubSub([...testFlags(server.port), '-t', 'test'], [...testFlags(server.port), '-t', 'test', '-m', 'Hello MQTT']);
      assert.match(sub.stdout, /^Hello MQTT$/m);
    });

    it('and mosquitto 2.0 takes the printed lines as they are, comment included', async function () {
      requireMosquitto(this);
      const port = await freePort();
      const broker = await startMosquitto(onPort(port));
      try {
        const { sub } = await pubSub([...testFlags(port), '-t', 'test'], [...testFlags(port), '-t', 'test', '-m', 'Hello MQTT']);
        assert.match(sub.stdout, /^Hello MQTT$/m);
      } finally {
        await broker.stop();
      }
    });
  });

  describe('listeners slides: plain MQTT, TLS and WebSockets side by side', () => {
    it('one client per listener, all seeing the same topic', async () => {
      const certs = join(dir, 'slides-certs');
      assert.equal((await mqtInProcess(['gen-ca', '--out', certs])).code, 0);
      const tls = [`cafile ${resolve(certs, 'ca.crt')}`, `certfile ${resolve(certs, 'server.crt')}`, `keyfile ${resolve(certs, 'server.key')}`];
      const ports = await Promise.all([0, 1, 2].map(() => freePort()));
      const [tlsPort, wsPort, wssPort] = ports as [number, number, number];
      const server = await serve('listeners', [
        'allow_anonymous true',
        `listener ${tlsPort} 127.0.0.1`,
        ...tls,
        `listener ${wsPort} 127.0.0.1`,
        'protocol websockets',
        `listener ${wssPort} 127.0.0.1`,
        'protocol websockets',
        ...tls,
      ]);
      const ca = ['--cafile', join(certs, 'ca.crt')];
      const { sub } = await pubSub([...hostPort(server), '-t', 'slides/#'], ['-h', 'localhost', '-p', String(tlsPort), ...ca, '-t', 'slides/tls', '-m', 'over TLS']);
      assert.match(sub.stdout, /^over TLS$/m);
      const ws = await pubSub(['-h', '127.0.0.1', '-p', String(wsPort), '--ws', '-t', 'slides/#'], ['-h', 'localhost', '-p', String(wssPort), '--ws', ...ca, '-t', 'slides/wss', '-m', 'over wss']);
      assert.match(ws.sub.stdout, /^over wss$/m);
    });
  });

  describe("HiveMQ's essentials: username and password, CONNACK return codes", () => {
    it('a wrong password is refused with the CONNACK code mosquitto 2.0 sends, and no anonymous hint; a good login works', async () => {
      const file = join(dir, 'hivemq-passwd');
      assert.equal((await mqtInProcess(['passwd', '-c', '-b', file, 'user1', 'frugal12'])).code, 0);
      const server = await serve('hivemq', ['allow_anonymous false', `password_file ${file}`]);
      const { sub } = await pubSub([...hostPort(server), '-u', 'user1', '-P', 'frugal12', '-t', 'a'], [...hostPort(server), '-u', 'user1', '-P', 'frugal12', '-t', 'a', '-m', 'ok']);
      assert.match(sub.stdout, /^ok$/m);
      const bad = await mqtInProcess(['pub', '-V', '5', ...hostPort(server), '-u', 'user1', '-P', 'wrong', '-t', 'a', '-m', 'x']);
      assert.deepEqual([bad.code, bad.stderr], [135, 'Connection error: Not authorized\n']);
    });
  });
});
