import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../support/ports.js';
import { MQT_BIN, runTool, startTool } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/** The modules the hook saw loaded. */
function loadedIn(stderr: string): string[] {
  return [...new Set([...stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]!))];
}

/**
 * node-forge, ora, inquirer, node:tls and ws cost start-up time: only gen-ca loads forge, and only
 * when it makes certificates; ora and inquirer only on a terminal; node:tls only when a TLS flag
 * is given; ws only for a WebSocket connection or listener. A preloaded hook reports every
 * require() of them.
 */
describe('lazy loading of the heavy dependencies', function () {
  this.timeout(20_000);
  let dir: string;
  let hook: string;

  before(async () => {
    dir = await makeTempFolder('mqt-lazy');
    hook = join(dir, 'hook.cjs');
    await writeFile(
      hook,
      `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(node-forge|ora|@inquirer\\/|(node:)?tls$|ws$)/.test(request)) process.stderr.write('LOADED ' + request + '\\n');
  return load.call(this, request, ...rest);
};
`,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const loaded = async (args: string[]): Promise<string[]> => {
    const result = await runTool(process.execPath, ['--require', hook, MQT_BIN, ...args], { timeoutMs: 15_000 });
    return loadedIn(result.stderr);
  };

  it('pub, sub, rr, gen-psk and gen-ca --help load none of them', async () => {
    const closed = String(await freePort());
    assert.deepEqual(await loaded(['pub', '-h', '127.0.0.1', '-p', closed, '-t', 't', '-m', 'x']), []);
    assert.deepEqual(await loaded(['rr', '-h', '127.0.0.1', '-p', closed, '-t', 't', '-e', 'r', '-m', 'x']), []);
    assert.deepEqual(await loaded(['sub', '--help']), []);
    assert.deepEqual(await loaded(['gen-psk', 'dev1']), []);
    assert.deepEqual(await loaded(['gen-ca', '--help']), []);
  });

  it('pub and sub load node:tls only for TLS flags', async () => {
    // A port that accepts and hangs up: the TLS handshake starts, then fails.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as AddressInfo).port);
    try {
      assert.deepEqual(await loaded(['pub', '-h', '127.0.0.1', '-p', port, '--insecure', '-t', 't', '-m', 'x']), ['node:tls']);
      assert.deepEqual(await loaded(['sub', '-h', '127.0.0.1', '-p', port, '--psk', '00ff', '--psk-identity', 'a', '-t', 't']), ['node:tls']);
      assert.deepEqual(await loaded(['pub', '-h', '127.0.0.1', '-p', port, '-t', 't', '-m', 'x']), []);
    } finally {
      server.close();
    }
  });

  /** The heavy modules `mqt serve -p PORT EXTRA` loaded by the time it said where it listens. */
  const served = async (extra: string[]): Promise<string[]> => {
    const tool = startTool(process.execPath, ['--require', hook, MQT_BIN, 'serve', '-p', String(await freePort()), ...extra]);
    await tool.waitForOutput(/^mqt serve: listening on /m, 10_000, 'stdout');
    tool.kill('SIGTERM');
    return loadedIn((await tool.waitForExit(5000)).stderr);
  };

  it('serve loads ws only when a WebSocket listener is asked for', async () => {
    assert.deepEqual(await served([]), []);
    // ws itself requires node:tls (for wss), which is fine once a WebSocket listener exists.
    assert.deepEqual(await served(['--ws-port', String(await freePort())]), ['ws', 'tls']);
  });

  it('serve --tls loads node-forge only when it makes the certificates, not when it reuses them', async () => {
    const dir = await makeTempFolder('mqt-lazy-serve-tls');
    try {
      const tls = async () => served(['--tls-port', String(await freePort()), '--tls-dir', dir]);
      assert.deepEqual((await tls()).sort(), ['node-forge', 'node:tls']);
      assert.deepEqual(await tls(), ['node:tls']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('pub and sub load ws only for a WebSocket connection', async () => {
    const closed = String(await freePort());
    // ws requires node:tls itself (for wss); the WebSocket transport shares the TLS code.
    assert.deepEqual(await loaded(['pub', '-L', `ws://127.0.0.1:${closed}/mqtt#t`, '-m', 'x']), ['ws', 'tls', 'node:tls']);
    assert.deepEqual(await loaded(['sub', '--proxy', `socks5h://127.0.0.1:${closed}`, '-t', 't']), []);
  });

  it('gen-ca loads node-forge only to make certificates, and no spinner or prompt when piped', async () => {
    assert.deepEqual(await loaded(['gen-ca', '--out', join(dir, 'certs'), '--json']), ['node-forge']);
    assert.deepEqual(await loaded(['gen-ca', '--check', join(dir, 'certs', 'server.crt')]), []);
  });
});
