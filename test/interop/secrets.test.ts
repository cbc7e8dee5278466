import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBroker } from '../support/hooks.js';
import { passwordFile } from '../support/mosquitto.js';
import { mqtInProcess } from '../support/in-process.js';
import { MQT_BIN, startTool, type ToolResult } from '../support/spawn.js';
import { requireScript } from '../support/tools.js';
import { makeTempFolder } from '../support/run-folder.js';

/** Passwords that stay off argv: --pw-env and --pw-file, and -P alone outside a terminal. */
describe('interop: passwords off the command line', function () {
  this.timeout(15_000);
  let dir = '';
  const { hp } = useBroker(async () => {
    dir = await makeTempFolder('mqt-secrets');
    const file = await passwordFile(dir, { btsiot1: 'btsiotpass1' });
    return ['allow_anonymous false', `password_file ${file}`];
  });
  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  const pub = (args: string[], env: Record<string, string> = {}) =>
    mqtInProcess(['pub', ...hp(), '-u', 'btsiot1', '-t', 'PV/sunshine', '-m', 'yes', ...args], { env });

  it('--pw-env reads the password from the environment', async () => {
    assert.equal((await pub(['--pw-env', 'MQT_TEST_PW'], { MQT_TEST_PW: 'btsiotpass1' })).code, 0);
    const wrong = await pub(['--pw-env', 'MQT_TEST_PW'], { MQT_TEST_PW: 'nope' });
    assert.equal(wrong.code, 5, wrong.stderr);
  });

  it('--pw-env names a variable that is not set', async () => {
    const result = await pub(['--pw-env', 'MQT_TEST_UNSET']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: --pw-env: the environment variable MQT_TEST_UNSET is not set\.$/m);
  });

  it('--pw-file reads the first line of a file', async () => {
    const file = join(dir, 'pw.txt');
    await writeFile(file, 'btsiotpass1\r\nignored\n', { mode: 0o600 });
    assert.equal((await pub(['--pw-file', file])).code, 0);
    const missing = await pub(['--pw-file', join(dir, 'none')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: Unable to read password file ".*none": No such file or directory\.$/m);
  });

  it('-P alone asks on a terminal, and says what to use instead when there is none', async () => {
    const result = await pub(['-P']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: -P without a value asks on a terminal, and stdin is not one: use --pw-env VAR or --pw-file FILE\.$/m);
  });

  /** `mqt pub ... -P` on a pseudo-terminal (util-linux script), `shellTail` after it; types the password at the prompt. */
  async function promptedPub(ctx: Mocha.Context, shellTail: string): Promise<ToolResult> {
    const script = requireScript(ctx);
    const command = [process.execPath, MQT_BIN, 'pub', ...hp(), '-u', 'btsiot1', '-t', 'PV/sunshine', '-m', 'yes', '-d', '-P']
      .map((a) => `'${a}'`)
      .join(' ');
    const tool = startTool(script, ['-qefc', `${command}${shellTail}`, '/dev/null']);
    await tool.waitForOutput(/Password:/, 10_000, 'stdout');
    tool.write('btsiotpass1\r');
    return tool.waitForExit(10_000);
  }

  it('-P alone on a terminal asks without echo, and the password works', async function () {
    const result = await promptedPub(this, '');
    assert.equal(result.code, 0, result.stdout);
    assert.ok(!result.stdout.includes('btsiotpass1'), 'the password is not echoed');
  });

  it('-P alone with stdout redirected: the prompt shows on the terminal, the file holds only the -d lines', async function () {
    const out = join(dir, 'prompted.out');
    const result = await promptedPub(this, ` > '${out}'`);
    assert.equal(result.code, 0, result.stdout);
    const written = await readFile(out, 'utf8');
    assert.match(written, /^Client \S+ sending CONNECT\n/);
    assert.ok(!written.includes('Password') && !written.includes('\x1b'), JSON.stringify(written));
  });

  it('-L carries host, port, user, password and topic in one URL; -P given too wins', async () => {
    const [, host, , port] = hp();
    const url = `mqtt://btsiot1:btsiotpass1@${host}:${port}/PV/sunshine`;
    assert.equal((await mqtInProcess(['pub', '-L', url, '-m', 'yes'])).code, 0);
    const overridden = await mqtInProcess(['pub', '-L', url, '-P', 'wrong', '-m', 'yes']);
    assert.equal(overridden.code, 5, overridden.stderr);
    const noTopic = await mqtInProcess(['pub', '-L', `mqtt://${host}:${port}`, '-m', 'yes']);
    assert.equal(noTopic.code, 1);
    assert.match(noTopic.stderr, /^Error: Invalid URL for -L argument specified - topic missing\.$/m);
  });

  it('refuses two password sources', async () => {
    const result = await pub(['-P', 'x', '--pw-env', 'HOME']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: Only one of -P, --pw-env and --pw-file may be given\.$/m);
  });
});
