import assert from 'node:assert/strict';
import { readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireOpenssl } from '../support/tools.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { opensslPki, type OpensslPki } from '../support/openssl-pki.js';
import { freePort } from '../support/ports.js';
import { mqt, stopAllTools } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/** One NSS key log line: a label, the client random and a secret, both in hex. */
const KEYLOG_LINE = /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,}$/;

describe('--tls-keylog (mosquitto 2.1)', function () {
  this.timeout(60_000);
  let dir: string;
  let pki: OpensslPki;
  let broker: Mosquitto | undefined;
  let port = 0;

  before(async function () {
    requireMosquitto(this);
    const openssl = requireOpenssl(this);
    dir = await makeTempFolder('mqt-keylog');
    pki = await opensslPki(openssl);
    port = await freePort();
    broker = await startMosquitto([`listener ${port} 127.0.0.1`, `cafile ${pki.ca}`, `certfile ${pki.server.cert}`, `keyfile ${pki.server.key}`]);
  });
  afterEach(() => stopAllTools());
  after(async () => {
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const pub = (keylog: string): ReturnType<typeof mqt> =>
    mqt(['pub', '--cafile', pki.ca, '-h', 'localhost', '-p', String(port), '-t', 'keylog/t', '-m', 'x', '--tls-keylog', keylog]);

  it('appends the session secrets in the NSS key log format to a file made 0600', async () => {
    const file = join(dir, 'keys.log');
    const first = await pub(file);
    assert.equal(first.code, 0, first.stderr);
    const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
    assert.ok(lines.length >= 4, `a TLS 1.3 handshake logs four secrets or more: ${lines.join(' | ')}`);
    for (const line of lines) assert.match(line, KEYLOG_LINE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await pub(file)).code, 0);
    const after = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
    assert.equal(after.length, 2 * lines.length, 'the second connection is appended');
    assert.deepEqual(after.slice(0, lines.length), lines);
  });

  it('refuses before connecting to write through a symbolic link or into a missing folder', async () => {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'keep\n');
    const link = join(dir, 'link.log');
    await symlink(victim, link);
    const refused = await pub(link);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: Unable to open --tls-keylog file ".*link\.log": /);
    assert.equal(await readFile(victim, 'utf8'), 'keep\n');
    const missing = await pub(join(dir, 'no', 'keys.log'));
    assert.match(missing.stderr, /^Error: Unable to open --tls-keylog file ".*keys\.log": No such file or directory\.\n/);
  });
});
