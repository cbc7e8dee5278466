import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { writeFileAtomic } from '../../src/lib/fs/atomic-write.js';
import { makeTempFolder } from '../support/run-folder.js';

describe('atomic file writes', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await makeTempFolder('mqt-atomic');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

  it('creates new files with mode 0600 whatever the umask, or the mode asked for', async () => {
    const old = process.umask(0);
    try {
      await writeFileAtomic(join(dir, 'a'), 'secret\n');
      await writeFileAtomic(join(dir, 'b'), 'public\n', { mode: 0o644 });
    } finally {
      process.umask(old);
    }
    assert.equal(await modeOf(join(dir, 'a')), 0o600);
    assert.equal(await modeOf(join(dir, 'b')), 0o644);
    assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'secret\n');
  });

  it("keeps an existing file's mode when replacing it", async () => {
    const file = join(dir, 'pw');
    await writeFile(file, 'old\n');
    await chmod(file, 0o640);
    const before = await stat(file);
    await writeFileAtomic(file, 'new\n', { overwrite: true });
    const after = await stat(file);
    assert.equal(after.mode & 0o777, 0o640);
    assert.equal(await readFile(file, 'utf8'), 'new\n');
    // A new inode: readers holding the old file never see a half-written one.
    assert.notEqual(after.ino, before.ino);
  });

  it('refuses to replace an existing file unless told', async () => {
    const file = join(dir, 'pw');
    await writeFile(file, 'keep me\n');
    await assert.rejects(writeFileAtomic(file, 'new\n'), (err: unknown) => {
      assert.ok(err instanceof MqttError);
      assert.equal(err.code, ErrorCode.FileExists);
      assert.equal(err.message, `Unable to open file ${file} for writing. File exists.`);
      return true;
    });
    assert.equal(await readFile(file, 'utf8'), 'keep me\n');
  });

  it('leaves no temporary file behind, after success or failure', async () => {
    await writeFileAtomic(join(dir, 'pw'), 'x');
    await writeFileAtomic(join(dir, 'pw'), 'y', { overwrite: true });
    await mkdir(join(dir, 'sub'));
    await assert.rejects(writeFileAtomic(join(dir, 'sub'), 'z', { overwrite: true }), MqttError);
    assert.deepEqual((await readdir(dir)).sort(), ['pw', 'sub']);
  });

  it('writes through a symbolic link, which stays a link', async () => {
    const target = join(dir, 'real');
    const link = join(dir, 'link');
    await writeFile(target, 'old\n');
    await symlink(target, link);
    await writeFileAtomic(link, 'new\n', { overwrite: true });
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readFile(target, 'utf8'), 'new\n');
  });

  it('never writes a private file through a symbolic link: the link and the file it points to stay', async () => {
    const target = join(dir, 'other');
    const link = join(dir, 'server.key');
    await writeFile(target, 'someone else\n');
    await symlink(target, link);
    await assert.rejects(writeFileAtomic(link, 'key\n', { overwrite: true, private: true }), (err: unknown) => {
      assert.ok(err instanceof MqttError);
      assert.equal(err.code, ErrorCode.FileError);
      assert.equal(err.message, `${link} is a symbolic link to ${target}: a private file is never written through a link.`);
      return true;
    });
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readFile(target, 'utf8'), 'someone else\n');
    assert.deepEqual((await readdir(dir)).sort(), ['other', 'server.key']);
  });

  it('leaves a replaced private file 0600 whatever its old mode', async () => {
    const file = join(dir, 'server.key');
    await writeFile(file, 'old\n');
    await chmod(file, 0o644);
    await writeFileAtomic(file, 'new\n', { overwrite: true, private: true });
    assert.equal(await modeOf(file), 0o600);
  });

  it('reports a missing folder as FileNotFound', async () => {
    const file = join(dir, 'no', 'pw');
    await assert.rejects(writeFileAtomic(file, 'x'), (err: unknown) => {
      assert.ok(err instanceof MqttError);
      assert.equal(err.code, ErrorCode.FileNotFound);
      assert.equal(err.message, `Unable to open file ${file} for writing. No such file or directory.`);
      return true;
    });
  });
});
