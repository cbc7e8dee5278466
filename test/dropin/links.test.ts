import assert from 'node:assert/strict';
import { chmod, copyFile, lstat, mkdir, readFile, readlink, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { linkEach } from '../../src/lib/fs/symlinks.js';
import { MQT_BIN, runTool } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

const NAMES = ['mosquitto_pub', 'mosquitto_sub', 'mosquitto_rr', 'mosquitto_passwd', 'mosquitto_ctrl'];

describe('mqt link-mosquitto', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempFolder('mqt-links');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('makes the links a script then uses by name, each answering as its mosquitto client', async () => {
    const links = join(dir, 'bin');
    await mkdir(links);
    const script = [
      // LINKS first in PATH: link-mosquitto has no reason to warn that another mosquitto_pub wins.
      'PATH="$LINKS:$PATH"',
      'node "$MQT" link-mosquitto "$LINKS" > /dev/null || exit 90',
      'mosquitto_sub -q 3 -t a; echo "sub rc=$?"',
      'mosquitto_pub --version; echo "pub rc=$?"',
      'mosquitto_rr -t a -m x; echo "rr rc=$?"',
      'mosquitto_passwd -H md5 f u; echo "passwd rc=$?"',
    ].join('\n');
    const result = await runTool('sh', ['-c', script], { env: { MQT: MQT_BIN, LINKS: links }, timeoutMs: 50_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stderr,
      "Error: Invalid QoS given: 3\n\nUse 'mosquitto_sub --help' to see usage.\n" +
        "Error: All of topic, message, and response topic must be supplied.\n\nUse 'mosquitto_rr --help' to see usage.\n" +
        "Error: Unknown hash type 'md5'\n",
    );
    assert.match(result.stdout, /^sub rc=1\nmosquitto_pub version 2\.1\.2 running on mqt \S+\.\npub rc=1\nrr rc=1\npasswd rc=1\n$/);
    assert.deepEqual((await readdir(links)).sort(), [...NAMES].sort());
  });

  it('runs a copy of the launcher (not a link) through the mqt on PATH, and says so when there is none', async () => {
    const copies = join(dir, 'copies');
    const mqtOnPath = join(dir, 'path');
    await mkdir(copies);
    await mkdir(mqtOnPath);
    await copyFile(MQT_BIN, join(copies, 'mosquitto_pub'));
    await chmod(join(copies, 'mosquitto_pub'), 0o755);
    await symlink(MQT_BIN, join(mqtOnPath, 'mqt'));
    const script = [
      '"$COPIES/mosquitto_pub" --version; echo "found rc=$?"',
      'PATH="$COPIES:/usr/bin:/bin" mosquitto_pub --version; echo "lost rc=$?"',
    ].join('\n');
    const env = { COPIES: copies, PATH: `${mqtOnPath}:${process.env.PATH ?? ''}` };
    const result = await runTool('sh', ['-c', script], { env, timeoutMs: 30_000 });
    assert.match(result.stdout, /^mosquitto_pub version 2\.1\.2 running on mqt \S+\.\nfound rc=1\nlost rc=1\n$/);
    assert.equal(
      result.stderr,
      "Error: mosquitto_pub is a copy of mqt's launcher, and no mqt is on PATH to lead to the mqt package. " +
        'Install mqt (npm install -g mqt-cli), or make links instead of copies (mqt link-mosquitto DIR).\n',
    );
  });

  it('judges every name before making any: a file in the way is refused and nothing is made', async () => {
    await writeFile(join(dir, 'mosquitto_rr'), 'mine\n');
    await assert.rejects(linkEach(dir, NAMES, MQT_BIN, false), (err: unknown) => {
      assert.ok(err instanceof MqttError && err.code === ErrorCode.FileExists);
      assert.equal(err.message, `${join(dir, 'mosquitto_rr')} already exists (a file).`);
      return true;
    });
    assert.deepEqual(await readdir(dir), ['mosquitto_rr']);
    assert.equal(await readFile(join(dir, 'mosquitto_rr'), 'utf8'), 'mine\n');
  });

  it('replaces a link pointing elsewhere only when asked, without writing through it', async () => {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'keep\n');
    await symlink(victim, join(dir, 'mosquitto_pub'));
    await assert.rejects(linkEach(dir, NAMES, MQT_BIN, false), /already exists \(a link to .*victim\)/);
    const results = await linkEach(dir, NAMES, MQT_BIN, true);
    assert.deepEqual(
      results.map((r) => r.outcome),
      NAMES.map((_, i) => (i === 0 ? 'replaced' : 'made')),
    );
    assert.equal(await readlink(join(dir, 'mosquitto_pub')), MQT_BIN);
    assert.equal(await readFile(victim, 'utf8'), 'keep\n');
    assert.deepEqual(
      (await linkEach(dir, NAMES, MQT_BIN, false)).map((r) => r.outcome),
      NAMES.map(() => 'unchanged'),
    );
    assert.deepEqual((await readdir(dir)).sort(), [...NAMES, 'victim'].sort());
  });

  it('never replaces a folder, even when forced, and refuses a DIR that is not a folder', async () => {
    await mkdir(join(dir, 'mosquitto_sub'));
    await assert.rejects(linkEach(dir, NAMES, MQT_BIN, true), /mosquitto_sub is a folder\./);
    assert.ok((await lstat(join(dir, 'mosquitto_sub'))).isDirectory());
    await writeFile(join(dir, 'file'), '');
    await assert.rejects(linkEach(join(dir, 'file'), NAMES, MQT_BIN, true), /is not a folder\./);
    await assert.rejects(linkEach(join(dir, 'missing'), NAMES, MQT_BIN, true), /Unable to use folder .*missing\. No such file or directory\./);
  });
});
