import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serviceUid } from '../../src/commands/ui/service-user.js';
import { mqtInProcess } from '../support/in-process.js';
import { MQT_BIN, runTool, which, type ToolResult } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

const CONF = 'listener 1883\nallow_anonymous true\npassword_file /etc/mosquitto/passwd\n';

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

/** One Error line, then at most a Hint line, exit 1. */
function refused(result: ToolResult, error: string, hint?: string): void {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stderr, `Error: ${error}\n${hint === undefined ? '' : `Hint: ${hint}.\n`}`);
}

/**
 * Files that hold secrets (server keys, psk_files, password files): never written through a
 * symbolic link into another file, always 0600 afterwards, and a mosquitto.conf named by mistake
 * is not appended to. gen-ca names the real reason when it cannot make its folder.
 */
describe('interop: private files and the files around them', function () {
  this.timeout(30_000);
  let root = '';
  /** A fresh folder per use, under one removed at the end. */
  const folder = (): Promise<string> => mkdtemp(join(root, 'case-'));
  before(async () => {
    root = await makeTempFolder('mqt-private');
  });
  after(() => (root === '' ? undefined : rm(root, { recursive: true, force: true })));

  /** `name` in a new folder, a link to `other` (which holds `text`, mode 0644). */
  const linkedFile = async (name: string, text: string): Promise<{ dir: string; link: string; other: string }> => {
    const dir = await folder();
    const other = join(dir, 'other.txt');
    await writeFile(other, text, { mode: 0o644 });
    const link = join(dir, name);
    await symlink(other, link);
    return { dir, link, other };
  };
  const linkError = (link: string, other: string): string => `${link} is a symbolic link to ${other}: a private file is never written through a link.`;
  const LINK_HINT = 'remove the link first';

  it('gen-ca --force never writes a key through a server.key link, and leaves a replaced key 0600', async () => {
    const { dir, link, other } = await linkedFile('server.key', 'not a key\n');
    refused(await mqtInProcess(['gen-ca', '--out', dir, '--force']), linkError(link, other), LINK_HINT);
    assert.equal(await readFile(other, 'utf8'), 'not a key\n');
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.deepEqual((await readdir(dir)).sort(), ['other.txt', 'server.key']);

    await rm(link);
    await writeFile(link, 'old key\n', { mode: 0o644 });
    await chmod(link, 0o644);
    const made = await mqtInProcess(['gen-ca', '--out', dir, '--force']);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(await modeOf(link), 0o600);
    assert.equal(await modeOf(join(dir, 'ca.key')), 0o600);
  });

  it('gen-psk --file refuses a link and leaves a psk_file 0600', async () => {
    const { link, other } = await linkedFile('psk.txt', 'a:00\n');
    refused(await mqtInProcess(['gen-psk', 'dev1', '--file', link]), linkError(link, other), LINK_HINT);
    assert.equal(await readFile(other, 'utf8'), 'a:00\n');

    const file = join(await folder(), 'psk.txt');
    await writeFile(file, 'a:00\n');
    await chmod(file, 0o644);
    assert.equal((await mqtInProcess(['gen-psk', 'dev1', '--file', file])).code, 0);
    assert.equal(await modeOf(file), 0o600);
  });

  it('passwd refuses a link and leaves a password file 0600', async () => {
    const { link, other } = await linkedFile('passwd', 'a:b\n');
    refused(await mqtInProcess(['passwd', '-b', link, 'alice', 'secret']), linkError(link, other), LINK_HINT);
    refused(await mqtInProcess(['passwd', '-c', '-b', link, 'alice', 'secret']), linkError(link, other), LINK_HINT);
    assert.equal(await readFile(other, 'utf8'), 'a:b\n');

    const file = join(await folder(), 'passwd');
    await writeFile(file, 'a:b\n');
    await chmod(file, 0o644);
    assert.equal((await mqtInProcess(['passwd', '-b', file, 'alice', 'secret'])).code, 0);
    assert.equal(await modeOf(file), 0o600);
  });

  it('passwd and gen-psk leave a mosquitto.conf alone unless --force', async () => {
    const conf = join(await folder(), 'mymosqui.conf');
    await writeFile(conf, CONF);
    refused(
      await mqtInProcess(['passwd', '-b', conf, 'user', 'pw']),
      `${conf} does not look like a password file: 3 of its 3 lines are not user:password lines.`,
      'check the file name; use --force to change it anyway',
    );
    refused(await mqtInProcess(['passwd', '-D', conf, 'user']), `${conf} does not look like a password file: 3 of its 3 lines are not user:password lines.`, 'check the file name; use --force to change it anyway');
    refused(
      await mqtInProcess(['gen-psk', 'id', '--file', conf]),
      `${conf} does not look like a psk_file: 3 of its 3 lines are not identity:key lines.`,
      'check the file name; use --force to add to it anyway',
    );
    assert.equal(await readFile(conf, 'utf8'), CONF);

    const forced = await mqtInProcess(['passwd', '--force', '-b', conf, 'user', 'pw']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(await readFile(conf, 'utf8'), /^user:\$7\$/m);
  });

  it('passwd still takes a password file with a few broken lines', async () => {
    const file = join(await folder(), 'passwd');
    await writeFile(file, 'a:b\nbroken\nc:d\n');
    const result = await mqtInProcess(['passwd', '-b', file, 'e', 'f']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(await readFile(file, 'utf8'), /^e:\$7\$/m);
  });

  it('passwd tells a person at a terminal how a mosquitto service can read the file', async function () {
    const script = which('script');
    if (script === undefined || serviceUid() === undefined) this.skip();
    const file = join(await folder(), 'passwd');
    const command = [process.execPath, MQT_BIN, 'passwd', '-c', '-b', file, 'alice', 'secret'].map((a) => `'${a}'`).join(' ');
    const atTerminal = await runTool(script, ['-qec', command, '/dev/null'], { timeoutMs: 15_000 });
    assert.equal(atTerminal.code, 0, atTerminal.stdout);
    assert.equal(atTerminal.stdout.replace(/\r/g, ''), `A mosquitto started as root reads the password file as user mosquitto:\n  sudo chown mosquitto ${file}\n`);
    const piped = await mqtInProcess(['passwd', '-b', file, 'bob', 'secret']);
    assert.deepEqual([piped.code, piped.stderr], [0, '']);
  });

  it('gen-psk --file prints how a mosquitto service can read the psk_file', async function () {
    if (serviceUid() === undefined) this.skip();
    const file = join(await folder(), 'psk.txt');
    const made = await mqtInProcess(['gen-psk', 'dev1', '--file', file]);
    assert.equal(made.code, 0, made.stderr);
    assert.ok(made.stdout.includes(`\nA mosquitto started as root reads the psk_file as user mosquitto:\n  sudo chown mosquitto ${file}\n`), made.stdout);
  });

  it('gen-ca names a read-only file system, and a folder it cannot make under /proc ends the run', async function () {
    const proc = await mqtInProcess(['gen-ca', '--out', '/proc/sys/mqt-certs']);
    // root is told the folder cannot exist there, anyone else is refused before that.
    assert.equal(proc.code, 1);
    assert.match(proc.stderr, /^Error: Unable to create folder \/proc\/sys\/mqt-certs\. (No such file or directory|Permission denied)\.\n$/);
    const unshare = which('unshare');
    if (unshare === undefined) this.skip();
    const dir = await folder();
    const inner = `mount -t tmpfs -o ro tmpfs '${dir}' && exec '${process.execPath}' '${MQT_BIN}' gen-ca --out '${dir}/certs'`;
    const result = await runTool(unshare, ['-rm', 'sh', '-c', inner], { timeoutMs: 15_000 });
    if (/unshare|mount/.test(result.stderr)) this.skip();
    refused(result, `Unable to create folder ${dir}/certs. Read-only file system.`);
  });
});
