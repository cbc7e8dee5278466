import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports.js';
import { MQT_BIN, runTool } from '../support/spawn.js';

/**
 * node-forge, ora, inquirer and ws cost start-up time: only gen-ca loads forge, and only when it
 * makes certificates; ora and inquirer only on a terminal; ws only for a WebSocket connection. A
 * preloaded hook reports every require() of them.
 */
describe('lazy loading of the heavy dependencies', function () {
  this.timeout(20_000);
  let dir: string;
  let hook: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mqt-lazy-'));
    hook = join(dir, 'hook.cjs');
    await writeFile(
      hook,
      `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(node-forge|ora|@inquirer\\/|ws$)/.test(request)) process.stderr.write('LOADED ' + request + '\\n');
  return load.call(this, request, ...rest);
};
`,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const loaded = async (args: string[]): Promise<string[]> => {
    const result = await runTool(process.execPath, ['--require', hook, MQT_BIN, ...args], { timeoutMs: 15_000 });
    return [...new Set([...result.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]!))];
  };

  it('pub, sub, gen-psk and gen-ca --help load none of them', async () => {
    const closed = String(await freePort());
    assert.deepEqual(await loaded(['pub', '-h', '127.0.0.1', '-p', closed, '-t', 't', '-m', 'x']), []);
    assert.deepEqual(await loaded(['sub', '--help']), []);
    assert.deepEqual(await loaded(['gen-psk', 'dev1']), []);
    assert.deepEqual(await loaded(['gen-ca', '--help']), []);
  });

  it('pub and sub load ws only for a WebSocket connection', async () => {
    const closed = String(await freePort());
    assert.deepEqual(await loaded(['pub', '-L', `ws://127.0.0.1:${closed}/mqtt#t`, '-m', 'x']), ['ws']);
    assert.deepEqual(await loaded(['sub', '--proxy', `socks5h://127.0.0.1:${closed}`, '-t', 't']), []);
  });

  it('gen-ca loads node-forge only to make certificates, and no spinner or prompt when piped', async () => {
    assert.deepEqual(await loaded(['gen-ca', '--out', join(dir, 'certs'), '--json']), ['node-forge']);
    assert.deepEqual(await loaded(['gen-ca', '--check', join(dir, 'certs', 'server.crt')]), []);
  });
});
