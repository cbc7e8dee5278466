import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mqt } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * The compile cache is a speed-up only: a home that is missing (a daemon user's /nonexistent) or
 * cannot hold folders (/proc) turns it off, and mqt neither creates a home nor hangs.
 */
describe('the compile cache and the home folder', function () {
  this.timeout(20_000);
  let dir: string;

  before(async () => {
    dir = await makeTempFolder('mqt-cache-home');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const version = (env: Record<string, string>) => mqt(['pub', '--version'], { env: { MQT_NO_COMPILE_CACHE: '', XDG_CACHE_HOME: '', ...env }, timeoutMs: 15_000 });

  it('makes ~/.cache/mqt (0700) in an existing home', async () => {
    const home = join(dir, 'home');
    await mkdir(home);
    const result = await version({ HOME: home });
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await stat(join(home, '.cache', 'mqt'))).mode & 0o777, 0o700);
    const files = await readdir(join(home, '.cache', 'mqt'));
    assert.ok(files.some((name) => name.startsWith('pub.cjs-')), files.join(' '));
  });

  it('never creates a missing home or XDG_CACHE_HOME', async () => {
    const missing = join(dir, 'nonexistent');
    assert.equal((await version({ HOME: missing })).code, 0);
    assert.equal((await version({ XDG_CACHE_HOME: missing })).code, 0);
    assert.equal(existsSync(missing), false);
  });

  it('runs to the end with HOME or XDG_CACHE_HOME in /proc', async () => {
    const home = await version({ HOME: '/proc' });
    assert.deepEqual([home.code, home.stdout], [0, 'mqt version 0.1.0\n']);
    assert.equal((await version({ XDG_CACHE_HOME: '/proc/mqt-cache' })).code, 0);
  });
});
