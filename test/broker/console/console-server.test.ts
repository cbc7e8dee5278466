import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { indexFlags, readArgv } from '../../../src/commands/options/argv.js';
import { resolveServe, serveOptionGroups } from '../../../src/commands/options/serve.js';
import { parseConfText } from '../../../src/lib/broker/config/mosquitto-conf.js';
import { buildServeConfig, type CommandLineSettings } from '../../../src/lib/broker/config/serve-config.js';
import { emptyConfState } from '../../../src/lib/broker/config/state.js';
import type { ListenerConfig, ServeConfig } from '../../../src/lib/broker/config/types.js';
import { remedyText } from '../../../src/commands/ui/remedies.js';
import type { MqttError } from '../../../src/lib/errors.js';
import { LoginThrottle } from '../../../src/lib/broker/console/logins.js';
import { printDynsecFile } from '../../../src/lib/broker/dynsec/config-file.js';
import { initialDynsecData } from '../../../src/lib/broker/dynsec/initial-config.js';
import { startServer, type Server } from '../../../src/lib/broker/server.js';
import { serializePasswdFile, setPassword } from '../../../src/lib/passwd/file.js';
import { hashPassword } from '../../../src/lib/passwd/hash.js';
import { useBusyPort } from '../../support/ports.js';
import { makeTempFolder } from '../../support/run-folder.js';
import { ROOT } from '../../support/spawn.js';
import { testBrokerOptions } from '../../support/test-broker.js';

const CLI: CommandLineSettings = { ports: [], unixPaths: [], wsPorts: [], verbose: false, version: '0.1.0', consoleAssets: 'assets' };

function consoleOf(conf: string, cli: Partial<CommandLineSettings> = {}): ListenerConfig | undefined {
  const state = emptyConfState();
  parseConfText(state, conf, 'm.conf');
  return buildServeConfig(state, { ...CLI, ...cli }).listeners.find((l) => l.console !== undefined);
}

const flags = indexFlags(serveOptionGroups);
const webPort = (argv: string[]): number | undefined => resolveServe(readArgv(argv, flags)).webPort;

describe('web console: web_console, --web, and where a login is needed', () => {
  it('web_console PORT is a websockets listener on 127.0.0.1 without a login; with an address beyond loopback, a login and no anonymous', () => {
    const local = consoleOf('web_console 9001\n');
    assert.deepEqual([local?.protocol, local?.bindAddress, local?.port, local?.console], ['websockets', '127.0.0.1', 9001, { loginRequired: false, assetsDir: 'assets' }]);
    const open = consoleOf('listener 1883\nallow_anonymous true\nweb_console 9001 0.0.0.0 # for the class\n');
    assert.deepEqual([open?.bindAddress, open?.console?.loginRequired, open?.settings.allowAnonymous], ['0.0.0.0', true, false]);
    assert.equal(consoleOf('web_console 9001 ::1\n')?.console?.loginRequired, false);
    assert.equal(consoleOf('listener 1883\n'), undefined);
  });

  it('web_console is HTTPS on the certificate of the config\'s TLS listener, asking the browser for none', () => {
    const tls = consoleOf('listener 8883\ncafile ca.crt\ncertfile server.crt\nkeyfile server.key\nrequire_certificate true\nweb_console 9001\n')?.tls;
    assert.deepEqual([tls?.kind, tls?.kind === 'certificate' ? [tls.certfile.path, tls.keyfile.path, tls.requireCertificate] : undefined], ['certificate', ['server.crt', 'server.key', false]]);
    assert.equal(consoleOf('listener 1883\nweb_console 9001\n')?.tls, undefined);
  });

  it('web_console refuses a port that is not one, naming the line', () => {
    assert.throws(() => consoleOf('web_console 0\n'), /m\.conf:1: Invalid web_console value \(0\)/);
    assert.throws(() => consoleOf('web_console 9001 0.0.0.0 extra\n'), /m\.conf:1: Unexpected "extra" after the web_console address/);
  });

  it('--web takes a port after it or none (8080), and follows --bind; it replaces web_console', () => {
    assert.equal(webPort(['--web']), 8080);
    assert.equal(webPort(['--web', '9002', '-v']), 9002);
    assert.equal(webPort(['--web=9003']), 9003);
    assert.equal(webPort(['--web', '-v']), 8080);
    assert.equal(webPort(['-v']), undefined);
    assert.throws(() => webPort(['--web', '70000']), { message: "Invalid --web port '70000': give a number from 1 to 65535, or none for 8080." });
    assert.throws(() => webPort(['--web', 'abc', '-v']), { message: "Invalid --web port 'abc': give a number from 1 to 65535, or none for 8080." });
    const bound = consoleOf('web_console 9001\n', { webPort: 8080, bind: '0.0.0.0' });
    assert.deepEqual([bound?.port, bound?.bindAddress, bound?.console?.loginRequired], [8080, '0.0.0.0', true]);
    // With --tls, HTTPS on its certificate.
    const secure = consoleOf('', { webPort: 8080, tlsListener: { port: 8883, certfile: 's.crt', keyfile: 's.key' } });
    assert.deepEqual(secure?.tls?.kind === 'certificate' ? [secure.tls.certfile.path, secure.tls.keyfile.path] : [], ['s.crt', 's.key']);
  });
});

describe('web console: the login throttle', () => {
  it('refuses a user from an address after five failures, for a minute from the first; other addresses and users go on', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) {
      assert.equal(throttle.blocked('10.0.0.9', 'teacher'), false);
      throttle.failed('10.0.0.9', 'teacher');
    }
    assert.equal(throttle.blocked('10.0.0.9', 'teacher'), true);
    assert.equal(throttle.blocked('10.0.0.8', 'teacher'), false);
    assert.equal(throttle.blocked('10.0.0.9', 'student'), false);
    now += 59_999;
    assert.equal(throttle.blocked('10.0.0.9', 'teacher'), true);
    now += 1;
    assert.equal(throttle.blocked('10.0.0.9', 'teacher'), false);
  });
});

describe('web console: the HTTP side', function () {
  this.timeout(10_000);
  let server: Server;
  let dir: string;
  let open: string;
  let locked: string;
  const busyPort = useBusyPort();

  const config = (listeners: ListenerConfig[]): ServeConfig => ({
    listeners,
    brokerOptions: testBrokerOptions({}),
    logging: { destinations: [], types: [], timestamps: false, connectionMessages: false },
    localOnly: false,
    tcpNoDelay: false,
    notes: [],
  });
  const hooks = { openLog: () => Promise.resolve({ log: () => undefined, reopen: () => Promise.resolve(), close: () => Promise.resolve() }), showStartup: () => false };
  const consoleListener = (loginRequired: boolean, passwordFile?: string): ListenerConfig => ({
    port: 0,
    bindAddress: '127.0.0.1',
    protocol: 'websockets',
    settings: { allowAnonymous: !loginRequired, maxConnections: -1 },
    security: passwordFile === undefined ? {} : { passwordFile },
    console: { loginRequired, assetsDir: join(ROOT, 'dist', 'web') },
  });

  before(async () => {
    dir = await makeTempFolder('console-http');
    const users = setPassword([], 'teacher', hashPassword('chalk', 'sha512-pbkdf2')).lines;
    // "secret" as argon2id, by the reference argon2 CLI with small costs (see test/passwd/hash.test.ts).
    const argon2id = '$argon2id$v=19$m=256,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$QFKX5Faccg/XuSh9t6CQGQGZp9f/Ggly2ARzmlhiXdE';
    await writeFile(join(dir, 'passwd'), serializePasswdFile(setPassword(users, 'assistant', argon2id).lines), { mode: 0o600 });
    server = await startServer(config([consoleListener(false), consoleListener(true, join(dir, 'passwd'))]), hooks);
    open = `http://127.0.0.1:${server.endpoints[0]!.port}`;
    locked = `http://127.0.0.1:${server.endpoints[1]!.port}`;
  });
  after(() => server?.close());

  const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('serves the page, and on this machine the broker view without a login', async () => {
    const page = await fetch(`${open}/`);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(await page.text(), /<script type="module" src="\/console.js">/);
    assert.equal((await fetch(`${open}/console.js`)).status, 200);
    assert.equal((await fetch(`${open}/../package.json`)).status, 404);
    const view = (await (await fetch(`${open}/api/broker`)).json()) as { listeners: { console: boolean }[] };
    assert.deepEqual(view.listeners.map((l) => l.console), [true, true]);
  });

  it('without a login it answers only requests naming 127.0.0.1 or localhost, and only JSON posts', async () => {
    // A page of another site reaching 127.0.0.1 through its own name (DNS rebinding) gets nothing.
    assert.equal(await statusWithHost(`${open}/api/broker`, 'evil.example'), 421);
    assert.equal(await statusWithHost(`${open}/api/broker`, 'localhost:8080'), 200);
    // A form post (no preflight) from another site cannot disconnect anyone.
    const form = await fetch(`${open}/api/disconnect`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"clientId":"x"}' });
    assert.equal(form.status, 415);
    assert.equal((await post(`${open}/api/disconnect`, { clientId: 'nobody' })).status, 404);
  });

  it('beyond this machine nothing answers before a login, which checks the password_file', async () => {
    assert.equal((await fetch(`${locked}/api/broker`)).status, 401);
    const session = (await (await fetch(`${locked}/api/session`)).json()) as object;
    assert.deepEqual(session, { loginRequired: true, loginPossible: true, user: null, admin: false });
    assert.equal((await post(`${locked}/api/login`, { username: 'teacher', password: 'wrong' })).status, 403);
    assert.equal((await post(`${locked}/api/login`, { username: 'teacher' })).status, 400);
    assert.equal((await post(`${locked}/api/login`, { username: 'assistant', password: 'wrong' })).status, 403);
    assert.equal((await post(`${locked}/api/login`, { username: 'assistant', password: 'secret' })).status, 200);
    const login = (await (await post(`${locked}/api/login`, { username: 'teacher', password: 'chalk' })).json()) as { token: string; user: string };
    assert.equal(login.user, 'teacher');
    const bearer = { Authorization: `Bearer ${login.token}` };
    assert.equal((await fetch(`${locked}/api/broker`, { headers: bearer })).status, 200);
    assert.equal((await post(`${locked}/api/logout`, {}, bearer)).status, 200);
    assert.equal((await fetch(`${locked}/api/broker`, { headers: bearer })).status, 401);
  });

  it('a login body larger than a few names is refused unread', async () => {
    // The right password: only the size keeps it out.
    const res = await post(`${locked}/api/login`, { username: 'teacher', password: 'chalk', padding: 'x'.repeat(10_000) }).catch(() => undefined);
    assert.notEqual(res?.status, 200);
  });

  it('after five wrong passwords for a user, even the right one waits a minute', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await post(`${locked}/api/login`, { username: 'teacher', password: `guess${i}` })).status, 403);
    const right = await post(`${locked}/api/login`, { username: 'teacher', password: 'chalk' });
    assert.deepEqual([right.status, await right.json()], [429, { error: 'too many wrong passwords: wait a minute' }]);
  });

  it('a console whose port is taken names the console\'s flag and directive, not -p', async () => {
    const taken = { ...consoleListener(false), port: busyPort() };
    await assert.rejects(startServer(config([taken]), hooks), (err: MqttError) => {
      assert.match(err.message, /^Unable to listen on 127\.0\.0\.1 port \d+: Address already in use\.$/);
      assert.equal(remedyText(err.remedy!), 'is another program using it? Stop it, or give the web console another port: --web PORT, or web_console PORT');
      return true;
    });
  });

  it('with dynamic security, its users log in, and those whose roles send control commands are admins', async () => {
    const data = initialDynsecData('teacher', 'chalk');
    const teacher = data.clients.get('teacher')!;
    data.clients.set('student', { ...teacher, username: 'student', textname: undefined, roles: [], groups: [] });
    const file = join(dir, 'dynsec.json');
    await writeFile(file, printDynsecFile(data), { mode: 0o600 });
    const listener: ListenerConfig = { ...consoleListener(true), security: { dynsec: { path: 'dynamic-security', origin: { file: 'm.conf', line: 1 }, configFile: file } } };
    const dynsec = await startServer(config([listener]), hooks);
    try {
      const url = `http://127.0.0.1:${dynsec.endpoints[0]!.port}`;
      assert.equal((await post(`${url}/api/login`, { username: 'student', password: 'wrong' })).status, 403);
      const roles = async (username: string): Promise<unknown> => {
        const res = await post(`${url}/api/login`, { username, password: 'chalk' });
        return [res.status, ((await res.json()) as { admin: boolean }).admin];
      };
      assert.deepEqual(await roles('teacher'), [200, true]);
      assert.deepEqual(await roles('student'), [200, false]);
    } finally {
      await dynsec.close();
    }
  });

  it('a console beyond this machine without a password_file does not start, saying why', async () => {
    await assert.rejects(startServer(config([consoleListener(true)]), hooks), /web console on 127\.0\.0\.1:0 is open beyond this machine, so it needs users to log in: a password_file or the dynamic security plugin is needed/);
  });
});

/** The status of a GET that names `host` in its Host header (fetch always names the URL's). */
function statusWithHost(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).once('error', reject);
  });
}
