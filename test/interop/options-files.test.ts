import assert from 'node:assert/strict';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brokerSubscribed, unique, useBroker } from '../support/hooks.js';
import { passwordFile } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoPub, startMqt } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * Options files ($XDG_CONFIG_HOME/mqt_pub, mqt_sub), -o FILE and --profile NAME against a broker
 * that wants a password, so a run only succeeds when the file's options were used.
 */
describe('interop: options files and profiles', function () {
  this.timeout(15_000);
  let dir = '';
  let config = '';
  const { broker, hp } = useBroker(async () => {
    dir = await makeTempFolder('mqt-options-files');
    const file = await passwordFile(dir, { btsiot1: 'btsiotpass1' });
    return ['allow_anonymous false', `password_file ${file}`];
  });
  beforeEach(async () => {
    config = join(dir, unique('config'));
    await mkdir(join(config, 'mqt'), { recursive: true });
  });
  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  const port = (): string => hp()[3]!;
  const login = (): string => `-h 127.0.0.1\n-p ${port()}\n-u btsiot1\n-P btsiotpass1\n`;
  const write = (name: string, text: string, mode = 0o600): Promise<void> => writeFile(join(config, name), text, { mode });
  const run = (args: string[]) => mqtInProcess(args, { env: { XDG_CONFIG_HOME: config } });
  /** The broker's line for a PUBLISH from `id`: "(d0, q1, r0, m1, 'topic', ... (5 bytes))". */
  const received = (id: string) => broker().waitForLog(new RegExp(`Received PUBLISH from ${id} \\((d0, q\\d), .*\\)`), 5000);

  it('takes host, port, user, password and QoS from mqt_pub', async () => {
    await write('mqt_pub', `# the lab broker\n${login()}-q 1\n`);
    const id = unique('pub');
    const result = await run(['pub', '-i', id, '-t', 'cfg/a', '-m', 'x']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal((await received(id))[1], 'd0, q1');
  });

  it('lets the command line win over the file', async () => {
    const closed = await freePort();
    await write('mqt_pub', `${login()}-p ${closed}\n-q 1\n-m from the file\n`);
    const id = unique('pub');
    const result = await run(['pub', '-i', id, '-p', port(), '-q', '2', '-t', 'cfg/b', '-m', 'typed']);
    assert.equal(result.code, 0, result.stderr);
    assert.match((await received(id))[0], /q2, r0, m\d+, 'cfg\/b', \.\.\. \(5 bytes\)/);
  });

  it('reads the same file as mosquitto_pub: the value is the rest of the line, spaces kept', async () => {
    const text = `${login()}-t cfg/same\n-m hello world  \n`;
    await write('mqt_pub', text);
    await write('mosquitto_pub', text);
    const id = unique('sub');
    const sub = startMqt(['sub', ...hp(), '-i', id, '-u', 'btsiot1', '-P', 'btsiotpass1', '-t', 'cfg/same', '-C', '2', '-F', '[%p]']);
    await brokerSubscribed(broker(), id);
    const mine = await run(['pub']);
    assert.equal(mine.code, 0, mine.stderr);
    const theirs = await mosquittoPub([], { env: { XDG_CONFIG_HOME: config } });
    assert.equal(theirs.code, 0, theirs.stderr);
    const result = await sub.waitForExit(5000);
    assert.equal(result.stdout, '[hello world  ]\n[hello world  ]\n');
  });

  it('-o FILE replaces the default file, wherever it stands', async () => {
    await write('mqt_pub', '-p abc\n');
    const other = join(config, 'lab.options');
    await writeFile(other, login(), { mode: 0o600 });
    const result = await run(['pub', '-t', 'cfg/c', '-o', other, '-m', 'x']);
    assert.equal(result.code, 0, result.stderr);
    const missing = await run(['pub', '-t', 'cfg/c', '-m', 'x', '-o', join(config, 'none')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: Unable to read options file ".*none": No such file or directory\.$/m);
  });

  it('--profile takes the connection from a [NAME] section, for pub and sub', async () => {
    await write('mqt/profiles', `[other]\n-h 192.0.2.1\n\n[lab]\n${login()}`);
    const id = unique('sub');
    const sub = startMqt(['sub', '--profile', 'lab', '-i', id, '-t', 'cfg/profile', '-C', '1'], { env: { XDG_CONFIG_HOME: config } });
    await brokerSubscribed(broker(), id);
    const result = await run(['pub', '--profile', 'lab', '-t', 'cfg/profile', '-m', 'from lab']);
    assert.equal(result.code, 0, result.stderr);
    const got = await sub.waitForExit(5000);
    assert.equal(got.stdout, 'from lab\n');
    assert.equal(got.stderr, '');
  });

  it('--profile in mqt_sub picks the default profile', async () => {
    await write('mqt/profiles', `[lab]\n${login()}`);
    await write('mqt_sub', '--profile lab\n-t cfg/default\n');
    const id = unique('sub');
    const sub = startMqt(['sub', '-i', id, '-C', '1', '-v'], { env: { XDG_CONFIG_HOME: config } });
    await brokerSubscribed(broker(), id);
    assert.equal((await run(['pub', '--profile', 'lab', '-t', 'cfg/default', '-m', 'y'])).code, 0);
    assert.equal((await sub.waitForExit(5000)).stdout, 'cfg/default y\n');
  });

  it('warns once when a file holding a password is readable by others, and still runs', async () => {
    await write('mqt/profiles', `[lab]\n${login()}`);
    await chmod(join(config, 'mqt/profiles'), 0o644);
    const path = join(config, 'mqt', 'profiles');
    const result = await run(['pub', '--profile', 'lab', '-t', 'cfg/w', '-m', 'x']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, `Warning: ${path} holds a password and other users can read it: run chmod 600 ${path}\n`);
    const quiet = await run(['pub', '--profile', 'lab', '-t', 'cfg/w', '-m', 'x', '--quiet']);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '');
  });

  it('names the file and line of a mistake, and the profiles there are', async () => {
    await write('mqt_pub', `${login()}-Z\n`);
    const bad = await run(['pub', '-t', 'cfg/e', '-m', 'x']);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.split('\n')[0], `Error: ${join(config, 'mqt_pub')}:5: Unknown option '-Z'.`);
    await write('mqt_pub', '-p abc\n');
    const value = await run(['pub', '-t', 'cfg/e', '-m', 'x']);
    assert.equal(value.stderr.split('\n')[0], `Error: ${join(config, 'mqt_pub')}:1: Invalid port given: abc`);
    await write('mqt_pub', '');
    await write('mqt/profiles', '[lab]\n-h x\n[home]\n-h y\n');
    const unknown = await run(['sub', '--profile', 'lad', '-t', 'cfg/e']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.split('\n')[0], `Error: Unknown profile 'lad': ${join(config, 'mqt', 'profiles')} defines lab, home.`);
  });
});
