import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { generateCertificates } from '../../src/lib/pki/generate.js';
import { parseHostName } from '../../src/lib/pki/names.js';
import { brokerSubscribed, unique, useBroker } from '../support/hooks.js';
import { mqtInProcess } from '../support/in-process.js';
import { SUBSCRIBED, startMosquittoSub, startMqt } from '../support/spawn.js';
import { startWsBridge, type WsBridge } from '../support/ws-bridge.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * MQTT over WebSocket against the real mosquitto, through a WebSocket-to-TCP bridge standing in
 * for a websockets listener (Debian's mosquitto 2.0.11 cannot open one): mqt on the WebSocket
 * side, mosquitto_sub on the TCP side, and what the bridge saw of each upgrade.
 */
describe('interop: WebSocket (ws://, wss://)', function () {
  this.timeout(20_000);
  // Unlimited queue: a subscriber slowed by a busy machine must not lose QoS 1 messages to
  // mosquitto's default cap of 1000 queued per client.
  const { broker, hp } = useBroker(['max_queued_messages 0']);
  let bridge: WsBridge;
  const bridges: WsBridge[] = [];
  const started = async (options: Parameters<typeof startWsBridge>[1] = {}): Promise<WsBridge> => {
    const b = await startWsBridge(broker().port, options);
    bridges.push(b);
    return b;
  };
  before(async () => {
    bridge = await started();
  });
  after(async () => {
    await Promise.all(bridges.map((b) => b.close()));
  });

  it('pub and sub over ws:// reach mosquitto_sub and each other, with subprotocol mqtt, the path and a custom header', async () => {
    const topic = unique('ws');
    const watcher = startMosquittoSub([...hp(), '-t', topic, '-C', '1', '-d']);
    await watcher.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    const id = unique('ws-sub');
    const sub = startMqt(['sub', '-L', `ws://127.0.0.1:${bridge.port}/mqtt#${topic}`, '-i', id, '-C', '1', '-v']);
    await brokerSubscribed(broker(), id);
    const pub = await mqtInProcess(['pub', '-L', `ws://127.0.0.1:${bridge.port}/mqtt`, '-t', topic, '-m', 'over websocket', '-q', '1', '--ws-header', 'X-Mqt-Test: hello there']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.match((await watcher.waitForExit(5000)).stdout, /^over websocket$/m);
    const received = await sub.waitForExit(5000);
    assert.equal(received.code, 0, sub.describe());
    assert.equal(received.stdout, `${topic} over websocket\n`);
    const seen = bridge.upgrades.slice(-2);
    assert.deepEqual(seen.map((u) => [u.path, u.protocol]), [['/mqtt', 'mqtt'], ['/mqtt', 'mqtt']]);
    assert.equal(seen[1]!.headers['x-mqt-test'], 'hello there');
    assert.equal(bridge.textMessages, 0, 'MQTT went in binary messages only');
  });

  it('--ws with -h/-p and --ws-path talks to a bridge at another path, QoS 2 both ways', async () => {
    const custom = await started({ path: '/ws/custom?token=1' });
    const topic = unique('ws-path');
    const id = unique('ws-path-sub');
    const sub = startMqt(['sub', '--ws', '-h', '127.0.0.1', '-p', String(custom.port), '--ws-path', '/ws/custom?token=1', '-i', id, '-t', topic, '-q', '2', '-C', '2']);
    await brokerSubscribed(broker(), id);
    const pub = await mqtInProcess(['pub', '-L', `ws://127.0.0.1:${custom.port}/ws/custom?token=1#${topic}`, '-l', '-q', '2'], { input: 'one\ntwo\n' });
    assert.equal(pub.code, 0, pub.stderr);
    const result = await sub.waitForExit(5000);
    assert.equal(result.stdout, 'one\ntwo\n', sub.describe());
    assert.deepEqual(custom.upgrades.map((u) => u.path), ['/ws/custom?token=1', '/ws/custom?token=1']);
  });

  it('sub over ws:// notices the broker closing the connection and subscribes again', async () => {
    const topic = unique('ws-resub');
    const id = unique('ws-resubscriber');
    const url = `ws://127.0.0.1:${bridge.port}/mqtt#${topic}`;
    const sub = startMqt(['sub', '-L', url, '-i', id, '-C', '1', '-v']);
    await brokerSubscribed(broker(), id);
    // A second client with the same id takes the session over: the broker drops the first.
    const thief = startMqt(['sub', ...hp(), '-i', id, '-t', unique('other'), '-W', '1']);
    await thief.waitForExit(5000);
    await broker().waitForLog(new RegExp(`Sending SUBACK to ${id}\\n[^]*Sending SUBACK to ${id}\\n[^]*Sending SUBACK to ${id}\\n`), 8000);
    const pub = await mqtInProcess(['pub', '-L', url, '-m', 'after reconnect']);
    assert.equal(pub.code, 0, pub.stderr);
    const result = await sub.waitForExit(8000);
    assert.equal(result.stdout, `${topic} after reconnect\n`, sub.describe());
  });

  it('pub -l pushes 5000 lines through the WebSocket without losing one', async () => {
    const topic = unique('ws-lines');
    const id = unique('ws-lines-watcher');
    const watcher = startMosquittoSub([...hp(), '-i', id, '-t', topic, '-C', '5000', '-q', '1']);
    await brokerSubscribed(broker(), id);
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const pub = await mqtInProcess(['pub', '-L', `ws://127.0.0.1:${bridge.port}/mqtt#${topic}`, '-l', '-q', '1'], { input: `${lines.join('\n')}\n` });
    assert.equal(pub.code, 0, pub.stderr);
    assert.deepEqual((await watcher.waitForExit(15_000)).stdout.split('\n').slice(0, -1), lines);
  });

  it('a refused upgrade names the HTTP status and suggests --ws-path for a 404', async () => {
    const result = await mqtInProcess(['pub', '-L', `ws://127.0.0.1:${bridge.port}/wrong#t`, '-m', 'x']);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.split('\n')[0],
      `Error: The WebSocket upgrade at ws://127.0.0.1:${bridge.port}/wrong was refused: HTTP 404 Not Found.`,
    );
    assert.match(result.stderr, /^Hint: .*--ws-path.*\/mqtt/m);
  });

  it('a 401 suggests an Authorization header', async () => {
    const refusing = await started({ refuseWith: 401 });
    const result = await mqtInProcess(['sub', '-L', `ws://127.0.0.1:${refusing.port}/mqtt#t`]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /was refused: HTTP 401/);
    assert.match(result.stderr, /^Hint: .*--ws-header "Authorization: \.\.\."/m);
  });

  it('ws:// to a plain MQTT port says it is not a WebSocket port', async () => {
    const result = await mqtInProcess(['pub', '-L', `ws://127.0.0.1:${broker().port}/mqtt#t`, '-m', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: The server at 127\.0\.0\.1:\d+ closed the connection instead of answering the WebSocket upgrade\.$/m);
    assert.match(result.stderr, /^Hint: is 127\.0\.0\.1:\d+ a WebSocket port\?/m);
  });

  it('an endpoint that does not speak the mqtt subprotocol is named as such', async () => {
    const other = await started({ acceptMqtt: false });
    const result = await mqtInProcess(['pub', '-L', `ws://127.0.0.1:${other.port}/mqtt#t`, '-m', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /did not accept the subprotocol 'mqtt'/);
  });

  it('ws:// to a closed port is the usual connection refused', async () => {
    const closed = await started();
    const port = closed.port;
    await closed.close();
    const result = await mqtInProcess(['pub', '-L', `ws://127.0.0.1:${port}/mqtt#t`, '-m', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: Connection refused$/m);
  });

  describe('wss:// through an https bridge with a certificate from src/lib/pki', () => {
    let dir: string;
    let secure: WsBridge;
    let caFile: string;
    before(async function () {
      this.timeout(60_000);
      dir = await makeTempFolder('mqt-wss');
      const set = await generateCertificates({
        dir,
        bits: 2048,
        force: false,
        now: new Date(),
        ca: { commonName: 'mqt wss test CA', days: 30 },
        server: { names: ['localhost', '127.0.0.1'].map(parseHostName), days: 30, keepExisting: false },
        clients: [],
        clientDays: 30,
      });
      caFile = set.ca.certFile;
      secure = await started({ tls: { cert: await readFile(set.server.certFile), key: await readFile(set.server.keyFile) } });
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('publishes over wss:// when the CA is trusted (--cafile)', async () => {
      const topic = unique('wss');
      const watcher = startMosquittoSub([...hp(), '-t', topic, '-C', '1', '-d']);
      await watcher.waitForOutput(SUBSCRIBED, 5000, 'stdout');
      const pub = await mqtInProcess(['pub', '-L', `wss://localhost:${secure.port}/mqtt#${topic}`, '--cafile', caFile, '-m', 'over wss']);
      assert.equal(pub.code, 0, pub.stderr);
      assert.match((await watcher.waitForExit(5000)).stdout, /^over wss$/m);
      assert.equal(secure.upgrades.at(-1)?.protocol, 'mqtt');
    });

    it('refuses a certificate from an unknown CA, exit 1', async () => {
      const result = await mqtInProcess(['pub', '-L', `wss://localhost:${secure.port}/mqtt#t`, '-m', 'x']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^Error: TLS: the broker's certificate is signed by "[^"]+", a CA mqt does not trust: pass that CA's certificate with --cafile FILE\.$/m);
    });

    it('wss:// to a plain ws:// port fails in the TLS handshake, not later', async () => {
      const result = await mqtInProcess(['pub', '-L', `wss://127.0.0.1:${bridge.port}/mqtt#t`, '-m', 'x']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^Error: TLS: the broker closed the connection during the TLS handshake: no TLS on this port\?/m);
    });
  });
});
