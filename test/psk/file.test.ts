import assert from 'node:assert/strict';
import { readFile, readdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { updatePskFile, updatePskText } from '../../src/lib/psk/file.js';
import { makeTempFolder } from '../support/run-folder.js';

describe('psk_file updates', () => {
  let dir: string;
  before(async () => {
    dir = await makeTempFolder('mqt-psk');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('append new identities and keep every other line as it was', () => {
    const before = '# class 3b\n  btsiot1 : 0123456789ABCDEF0123\n\nbroken line\n';
    const { text, update } = updatePskText(before, [{ identity: 'device1', key: 'aa' }], false);
    assert.equal(text, `${before}device1:aa\n`);
    assert.deepEqual(update, { added: ['device1'], replaced: [], unchanged: [], total: 2 });
  });

  it("read identities as mosquitto does (trimmed, up to the first ':') and refuse to change a key without replace", () => {
    const before = 'a:00\n  b : 0A0B\n';
    assert.deepEqual(updatePskText(before, [{ identity: 'b', key: '0a0b' }], false).update.unchanged, ['b']);
    assert.throws(
      () => updatePskText(before, [{ identity: 'b', key: 'ff' }], false),
      (err: unknown) => err instanceof MqttError && err.code === ErrorCode.FileExists && /different key for 'b'/.test(err.message),
    );
    const { text, update } = updatePskText(before, [{ identity: 'b', key: 'ff' }], true);
    assert.equal(text, 'a:00\nb:ff\n');
    assert.deepEqual(update.replaced, ['b']);
  });

  it('create a new file 0600, leave an existing one 0600 whatever its mode was, and leave no temporary file', async () => {
    const file = join(dir, 'psk.txt');
    const created = await updatePskFile(file, [{ identity: 'dev1', key: '00112233' }], false);
    assert.equal(created.created, true);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    await chmod(file, 0o640);
    const updated = await updatePskFile(file, [{ identity: 'dev2', key: '4455' }], false);
    assert.deepEqual([updated.created, updated.total], [false, 2]);
    assert.equal(await readFile(file, 'utf8'), 'dev1:00112233\ndev2:4455\n');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['psk.txt'], 'no temporary or lock file');
  });

  it('lose no identity when several updates run at once', async () => {
    const file = join(dir, 'busy.txt');
    const ids = Array.from({ length: 8 }, (_, i) => `dev${i}`);
    await Promise.all(ids.map((identity) => updatePskFile(file, [{ identity, key: '00' }], false)));
    assert.deepEqual((await readFile(file, 'utf8')).trim().split('\n').sort(), ids.map((id) => `${id}:00`));
  });

  it('leave the file untouched when refusing', async () => {
    const file = join(dir, 'keep.txt');
    await writeFile(file, 'dev1:00\n', { mode: 0o600 });
    const { mtimeMs } = await stat(file);
    await assert.rejects(updatePskFile(file, [{ identity: 'dev1', key: '11' }], false), /different key for 'dev1'/);
    assert.equal(await readFile(file, 'utf8'), 'dev1:00\n');
    assert.equal((await stat(file)).mtimeMs, mtimeMs);
  });
});
