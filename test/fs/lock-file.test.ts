import assert from 'node:assert/strict';
import { access, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { lockFile, withFileLock } from '../../src/lib/fs/lock-file.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * A pid no process can have (Linux keeps pids below 2^22, macOS below 100000): nobody holds a
 * lock under it, and finding one takes no process of our own.
 */
function deadPid(): number {
  return 2 ** 22 + 1;
}

function isFileLocked(err: unknown): boolean {
  return err instanceof MqttError && err.code === ErrorCode.FileLocked;
}

describe('lock files', () => {
  let dir = '';
  let target = '';
  beforeEach(async () => {
    dir = await makeTempFolder('mqt-lock');
    target = join(dir, 'pw');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets one holder in at a time; the next gets in when it is released', async () => {
    const first = await lockFile(target);
    assert.equal(first.path, `${target}.lock`);
    let secondIn = false;
    const second = lockFile(target).then((lock) => {
      secondIn = true;
      return lock;
    });
    // A third waiter that starts after the second and gives up has seen the lock held through
    // its own attempts, so the second has tried too: it must still be waiting.
    await assert.rejects(lockFile(target, { timeoutMs: 20 }), (err: unknown) => err instanceof MqttError && err.code === ErrorCode.FileLocked);
    assert.equal(secondIn, false);
    await first.release();
    await (await second).release();
    assert.deepEqual(await readdir(dir), []);
  });

  it('serialises read-modify-write: 30 concurrent increments all land', async () => {
    await writeFile(target, '0');
    await Promise.all(
      Array.from({ length: 30 }, () =>
        withFileLock(target, async () => {
          const value = Number(await readFile(target, 'utf8'));
          await new Promise((resolve) => setImmediate(resolve));
          await writeFile(target, String(value + 1));
        }),
      ),
    );
    assert.equal(await readFile(target, 'utf8'), '30');
  });

  it('gives up after the timeout while a live process holds the lock', async () => {
    const held = await lockFile(target);
    const started = Date.now();
    await assert.rejects(lockFile(target, { timeoutMs: 200 }), (err: unknown) => {
      assert.ok(isFileLocked(err));
      assert.match((err as Error).message, new RegExp(`is locked by process ${process.pid} on `));
      return true;
    });
    assert.ok(Date.now() - started < 2000);
    await held.release();
  });

  it('takes over a lock whose process is gone', async () => {
    await writeFile(`${target}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'old' }));
    const lock = await lockFile(target, { timeoutMs: 500 });
    const owner = JSON.parse(await readFile(lock.path, 'utf8')) as { token: string };
    assert.notEqual(owner.token, 'old');
    await lock.release();
  });

  it('takes over an unreadable or foreign lock only once it is older than staleMs', async () => {
    for (const content of ['', 'garbage', JSON.stringify({ pid: 1, host: 'elsewhere.invalid', token: 't' })]) {
      await writeFile(`${target}.lock`, content);
      await assert.rejects(lockFile(target, { timeoutMs: 100, staleMs: 60_000 }), isFileLocked);
      const old = new Date(Date.now() - 120_000);
      await utimes(`${target}.lock`, old, old);
      const lock = await lockFile(target, { timeoutMs: 500, staleMs: 60_000 });
      await lock.release();
    }
  });

  it('many waiters on one stale lock: exactly one holds it at a time', async () => {
    await writeFile(`${target}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'old' }));
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withFileLock(target, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside--;
        }),
      ),
    );
    assert.equal(most, 1);
    assert.deepEqual(await readdir(dir), []);
  });

  it('release leaves alone a lock that someone else has taken over', async () => {
    const lock = await lockFile(target);
    await writeFile(lock.path, JSON.stringify({ pid: process.pid, host: hostname(), token: 'other' }));
    await lock.release();
    await access(lock.path);
  });
});
