import assert from 'node:assert/strict';
import { rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openListenerSecurity } from '../../../src/lib/broker/auth/listener-security.js';
import type { SecuritySection } from '../../../src/lib/broker/config/state.js';
import type { ListenerConfig } from '../../../src/lib/broker/config/types.js';
import type { ConnectionInfo } from '../../../src/lib/broker/types.js';
import { hashPassword } from '../../../src/lib/passwd/hash.js';
import { makeTempFolder } from '../../support/run-folder.js';

function connection(allowAnonymous: boolean): ConnectionInfo {
  return {
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    listener: { port: 1883, address: '0.0.0.0', key: '1883 0.0.0.0', protocol: 'mqtt', settings: { allowAnonymous, maxConnections: -1 } },
  };
}

function listener(security: SecuritySection, psk = false): ListenerConfig {
  return {
    port: 8883,
    protocol: 'mqtt',
    settings: { allowAnonymous: false, maxConnections: -1 },
    security,
    ...(psk ? { tls: { kind: 'psk', hint: 'lab', minVersion: 'tlsv1.2' } } : {}),
  };
}

describe('listener security files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempFolder('mqt-listener-security');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reloads every file before reload returns (SIGHUP: nothing after the signal meets the old files), reporting the one that failed and keeping its old content', async () => {
    const pwPath = join(dir, 'passwd');
    const aclPath = join(dir, 'acl');
    const pskPath = join(dir, 'psk');
    await writeFile(pwPath, `alice:${hashPassword('one', 'sha512')}\n`);
    await writeFile(aclPath, 'topic read a\n');
    await writeFile(pskPath, 'dev:00ff\n');
    const section: SecuritySection = { passwordFile: pwPath, aclFile: aclPath, pskFile: { path: pskPath } };
    const [plain, psk] = [listener(section), listener(section, true)];
    const security = openListenerSecurity([plain, psk]);
    const auth = plain.settings.auth!;
    assert.equal(psk.settings.auth, auth, 'one section, one authorizer');
    const login = (password: string): boolean | Promise<boolean> | undefined =>
      auth.authenticate?.({ clientId: 'c', username: 'alice', password: Buffer.from(password), connection: connection(false) });
    await writeFile(pwPath, `alice:${hashPassword('two', 'sha512')}\n`);
    await writeFile(aclPath, 'topic read a\nnonsense\n');
    await writeFile(pskPath, 'dev:0102\n');
    const { errors } = security.reload();
    assert.deepEqual(errors.map((e) => e.message), [`${aclPath}:2: invalid line "nonsense": expected "user", "topic" or "pattern" (separated by spaces), or '#' in the first column for a comment`]);
    assert.equal(login('two'), true);
    assert.equal(login('one'), false);
    assert.equal(auth.canRead?.({ clientId: 'c' }, 'a'), true);
    assert.deepEqual(psk.pskKeys?.keyOf('dev'), Buffer.from([1, 2]));
    await unlink(pwPath);
    await writeFile(aclPath, 'topic read b\n');
    assert.equal(security.reload().errors.length, 1);
    assert.equal(login('two'), true);
    assert.equal(auth.canRead?.({ clientId: 'c' }, 'b'), true);
  });

  it('reads a psk_file once for every PSK listener of its section, and names the config line of a bad one', async () => {
    const pskPath = join(dir, 'psk');
    await writeFile(pskPath, 'dev:00ff\n');
    const section: SecuritySection = { pskFile: { path: pskPath, origin: { file: 'm.conf', line: 3 } } };
    const [v4, v6] = [listener(section, true), listener(section, true)];
    openListenerSecurity([v4, v6]);
    assert.ok(v4.pskKeys !== undefined && v4.pskKeys === v6.pskKeys);
    await writeFile(pskPath, 'dev:zz\n');
    assert.throws(() => openListenerSecurity([listener({ pskFile: { path: pskPath, origin: { file: 'm.conf', line: 3 } } }, true)]), {
      message: `m.conf:3: ${pskPath}:1: the key of identity "dev" contains non-hexadecimal characters.`,
    });
  });
});
