import assert from 'node:assert/strict';
import { brokerSubscribed, unique, useBroker } from '../support/hooks.js';
import { freePort } from '../support/ports.js';
import { startSocksProxy, type SocksProxy } from '../support/socks-proxy.js';
import { mqtInProcess } from '../support/in-process.js';
import { SUBSCRIBED, startMosquittoSub, startMqt } from '../support/spawn.js';
import { startWsBridge, type WsBridge } from '../support/ws-bridge.js';

/**
 * --proxy through a small SOCKS5 proxy (test/support) in front of the real mosquitto: how the
 * destination was named to the proxy, logging in, and each way it can go wrong.
 */
describe('interop: SOCKS5 proxy (--proxy)', function () {
  this.timeout(20_000);
  const { broker } = useBroker();
  const proxies: SocksProxy[] = [];
  let bridge: WsBridge | undefined;
  const proxy = async (options: Parameters<typeof startSocksProxy>[0] = {}): Promise<SocksProxy> => {
    const started = await startSocksProxy(options);
    proxies.push(started);
    return started;
  };
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await bridge?.close();
  });

  it('pub and sub go through socks5h://, which hands the proxy the host name', async () => {
    const open = await proxy();
    const topic = unique('socks');
    const id = unique('socks-sub');
    const via = ['--proxy', `socks5h://127.0.0.1:${open.port}`, '-h', 'localhost', '-p', String(broker().port)];
    const sub = startMqt(['sub', ...via, '-i', id, '-t', topic, '-C', '1', '-v']);
    await brokerSubscribed(broker(), id);
    const pub = await mqtInProcess(['pub', ...via, '-t', topic, '-m', 'through the proxy', '-q', '1']);
    assert.equal(pub.code, 0, pub.stderr);
    const result = await sub.waitForExit(5000);
    assert.equal(result.stdout, `${topic} through the proxy\n`, sub.describe());
    assert.deepEqual(open.connects, [
      { addressType: 'domain', host: 'localhost', port: broker().port },
      { addressType: 'domain', host: 'localhost', port: broker().port },
    ]);
  });

  it('socks5:// resolves the name here and sends the proxy an address', async () => {
    const open = await proxy();
    const pub = await mqtInProcess(['pub', '--proxy', `socks5://127.0.0.1:${open.port}`, '-h', 'localhost', '-p', String(broker().port), '-t', 't', '-m', 'x']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.deepEqual(open.connects, [{ addressType: 'ipv4', host: '127.0.0.1', port: broker().port }]);
  });

  it('logs in with user:password from the URL (percent-decoded) and delivers', async () => {
    const locked = await proxy({ credentials: { username: 'proxy@user', password: 'p:ss' } });
    const topic = unique('socks-auth');
    const watcher = startMosquittoSub(['-h', '127.0.0.1', '-p', String(broker().port), '-t', topic, '-C', '1', '-d']);
    await watcher.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    const pub = await mqtInProcess(['pub', '--proxy', `socks5h://proxy%40user:p%3Ass@127.0.0.1:${locked.port}`, '-L', `mqtt://localhost:${broker().port}/${topic}`, '-m', 'logged in']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.match((await watcher.waitForExit(5000)).stdout, /^logged in$/m);
    assert.equal(locked.connects[0]?.username, 'proxy@user');
  });

  it('a wrong proxy password is one clear line and exit 1', async () => {
    const locked = await proxy({ credentials: { username: 'u', password: 'right' } });
    const result = await mqtInProcess(['pub', '--proxy', `socks5h://u:wrong@127.0.0.1:${locked.port}`, '-p', String(broker().port), '-t', 't', '-m', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^Error: The SOCKS proxy at 127\\.0\\.0\\.1:${locked.port} refused the username and password\\.$`, 'm'));
    assert.deepEqual(locked.connects, [], 'no CONNECT after a failed login');
  });

  it('a proxy that wants a login says so when none is given', async () => {
    const locked = await proxy({ credentials: { username: 'u', password: 'p' } });
    const result = await mqtInProcess(['sub', '--proxy', `socks5h://127.0.0.1:${locked.port}`, '-p', String(broker().port), '-t', 't']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: The SOCKS proxy at 127\.0\.0\.1:\d+ wants a username and password\.$/m);
    assert.match(result.stderr, /^Hint: give them in --proxy socks5h:\/\/user:password@/m);
  });

  it('the destination refusing the proxy is told apart from the proxy being down', async () => {
    const open = await proxy();
    const closed = await freePort();
    const refused = await mqtInProcess(['pub', '--proxy', `socks5h://127.0.0.1:${open.port}`, '-h', '127.0.0.1', '-p', String(closed), '-t', 't', '-m', 'x']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`could not connect to 127\\.0\\.0\\.1:${closed}: connection refused by the destination \\(SOCKS reply 5\\)\\.$`, 'm'));
    const down = await mqtInProcess(['pub', '--proxy', `socks5h://127.0.0.1:${closed}`, '-p', String(broker().port), '-t', 't', '-m', 'x']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^Error: Connection refused$/m);
    assert.match(down.stderr, new RegExp(`^Hint: is a SOCKS proxy listening on 127\\.0\\.0\\.1:${closed}\\?$`, 'm'));
  });

  for (const [code, text] of [
    [2, /connection not allowed by the proxy's rules \(SOCKS reply 2\)/],
    [4, /host unreachable from the proxy \(SOCKS reply 4\)/],
    [8, /address type not supported \(SOCKS reply 8\)[^]*socks5:\/\//],
  ] as const) {
    it(`reply ${code} from the proxy is named`, async () => {
      const refusing = await proxy({ replyCode: code });
      const result = await mqtInProcess(['pub', '--proxy', `socks5h://127.0.0.1:${refusing.port}`, '-p', String(broker().port), '-t', 't', '-m', 'x']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, text);
    });
  }

  it('a WebSocket connection goes through the proxy too', async () => {
    const open = await proxy();
    bridge = await startWsBridge(broker().port);
    const topic = unique('socks-ws');
    const watcher = startMosquittoSub(['-h', '127.0.0.1', '-p', String(broker().port), '-t', topic, '-C', '1', '-d']);
    await watcher.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    const pub = await mqtInProcess(['pub', '--proxy', `socks5h://127.0.0.1:${open.port}`, '-L', `ws://localhost:${bridge.port}/mqtt#${topic}`, '-m', 'ws via socks']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.match((await watcher.waitForExit(5000)).stdout, /^ws via socks$/m);
    assert.deepEqual(open.connects, [{ addressType: 'domain', host: 'localhost', port: bridge.port }]);
    assert.equal(bridge.upgrades.length, 1);
  });
});
