import assert from 'node:assert/strict';
import { rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PasswordFile } from '../../../src/lib/broker/auth/password-file.js';
import { ErrorCode, isMqttError } from '../../../src/lib/errors.js';
import { hashPassword } from '../../../src/lib/passwd/hash.js';
import { makeTempFolder } from '../../support/run-folder.js';

/** Written by mosquitto_passwd 2.0.11 for the password "secret". */
const MOSQUITTO_7 =
  '$7$101$l+DY89ljDZwebw0d$IPdUhVIubN12VOV38dGjA+L52NZhUc6YnonbQXcohoVZyjvdiE0IJ7DyeuK6c13NnCaP0lsuqvzbyh51QJF31w==';
const MOSQUITTO_6 =
  '$6$55fmfWgjHs6qtToM$u1ZjC+7gAvrXMErnzNuKBtp7z15AAnDJ1ru9PGoLk68ioXEUePREOjz4oH6ZT2kBgUieEVYsT7A6SenIZdeYRg==';

const pw = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('broker password_file', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await makeTempFolder('mqt-pwfile');
    file = join(dir, 'passwd');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks $7$ and $6$ users: right, wrong, missing and unknown', async () => {
    await writeFile(file, `# users\nalice:${MOSQUITTO_7}\r\n bob : ${MOSQUITTO_6}\ncarol:${hashPassword('pässword', 'sha512-pbkdf2', 1000)}\n`);
    const table = PasswordFile.load(file);
    const rows: [string, string | undefined, boolean][] = [
      ['alice', 'secret', true],
      ['alice', 'Secret', false],
      ['alice', '', false],
      ['alice', undefined, false],
      ['bob', 'secret', true],
      ['bob', 'secret ', false],
      ['carol', 'pässword', true],
      ['carol', 'password', false],
      ['dave', 'secret', false],
      ['Alice', 'secret', false],
    ];
    for (const [user, password, expected] of rows) {
      assert.equal(table.check(user, password === undefined ? undefined : pw(password)), expected, `${user} / ${String(password)}`);
    }
    assert.deepEqual(table.users, ['alice', 'bob', 'carol']);
    assert.deepEqual(table.problems, []);
  });

  it('leaves out bad lines and reports each with file and line, as mosquitto logs them', async () => {
    const lines = [
      `good:${MOSQUITTO_7}`,
      'plain:secret',
      'nocolon',
      `broken:$7$0$${MOSQUITTO_7.split('$')[3]!}$${MOSQUITTO_7.split('$')[4]!}`,
      `hostile:$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QFKX5Faccg/XuSh9t6CQGQGZp9f/Ggly2ARzmlhiXdE`,
      'nopassword:',
      `twice:${MOSQUITTO_6}`,
      `twice:${MOSQUITTO_7}`,
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    const table = PasswordFile.load(file);
    assert.deepEqual(table.users, ['good', 'twice']);
    assert.ok(table.check('twice', pw('secret')));
    const messages = table.problems.map((problem) => problem.message);
    assert.deepEqual(
      messages.map((m) => m.slice(0, m.indexOf(': ', file.length + 1))),
      [2, 3, 4, 5, 6, 8].map((n) => `${file}:${n}`),
    );
    assert.match(messages[0]!, /user plain removed: the password is not hashed$/);
    assert.deepEqual(table.problems[0]!.remedy, { kind: 'hash-passwords' }, 'mqt serve words how to hash the file');
    assert.match(messages[1]!, /line ignored: no ':'/);
    assert.match(messages[2]!, /user broken removed: invalid iteration count '0'/);
    assert.match(messages[3]!, /user hostile removed: argon2id memory m=4294967295 KiB is outside 8\.\.262144$/);
    assert.match(messages[4]!, /line ignored: no password/);
    assert.match(messages[5]!, /user twice is also on line 7: line 8 is used/);
    assert.ok(table.problems.every((problem) => problem.code === ErrorCode.InvalidFile));
  });

  it('refuses a user whose last line is damaged, even when an older line was good', async () => {
    await writeFile(file, `alice:${MOSQUITTO_7}\nalice:$7$101$short$hash\n`);
    const table = PasswordFile.load(file);
    assert.equal(table.check('alice', pw('secret')), false);
    assert.deepEqual(table.users, []);
  });

  it('throws FileNotFound for a missing file', () => {
    assert.throws(() => PasswordFile.load(join(dir, 'nope')), (err: unknown) => isMqttError(err) && err.code === ErrorCode.FileNotFound);
  });

  it('reloads, and keeps the old table when the reload fails', async () => {
    await writeFile(file, `alice:${MOSQUITTO_7}\n`);
    const table = PasswordFile.load(file);
    await writeFile(file, `alice:${hashPassword('changed', 'sha512')}\nbob:${MOSQUITTO_6}\n`);
    table.reload();
    assert.equal(table.check('alice', pw('secret')), false);
    assert.equal(table.check('alice', pw('changed')), true);
    assert.equal(table.check('bob', pw('secret')), true);
    await unlink(file);
    assert.throws(() => table.reload(), (err: unknown) => isMqttError(err) && err.code === ErrorCode.FileNotFound && err.message.includes(file));
    assert.equal(table.check('alice', pw('changed')), true);
  });
});
