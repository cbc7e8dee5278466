import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { hashPassword, parseStoredPassword, verifyPassword } from '../../src/lib/passwd/hash.js';

/** Written by mosquitto_passwd 2.0.11 for the password "secret" (reference §14.4). */
const MOSQUITTO_7 =
  '$7$101$l+DY89ljDZwebw0d$IPdUhVIubN12VOV38dGjA+L52NZhUc6YnonbQXcohoVZyjvdiE0IJ7DyeuK6c13NnCaP0lsuqvzbyh51QJF31w==';
const MOSQUITTO_6 =
  '$6$55fmfWgjHs6qtToM$u1ZjC+7gAvrXMErnzNuKBtp7z15AAnDJ1ru9PGoLk68ioXEUePREOjz4oH6ZT2kBgUieEVYsT7A6SenIZdeYRg==';

const B64 = '[A-Za-z0-9+/]';

describe('passwd hashes ($6$, $7$)', () => {
  it("verifies mosquitto_passwd's own $7$ and $6$ lines", () => {
    assert.deepEqual(verifyPassword('secret', MOSQUITTO_7), { result: 'match' });
    assert.deepEqual(verifyPassword('secret', MOSQUITTO_6), { result: 'match' });
    assert.deepEqual(verifyPassword('Secret', MOSQUITTO_7), { result: 'mismatch' });
    assert.deepEqual(verifyPassword('secret ', MOSQUITTO_6), { result: 'mismatch' });
  });

  it('writes $7$101$ with a 12-byte salt and a 64-byte hash by default, a fresh salt each time', () => {
    const a = hashPassword('secret', 'sha512-pbkdf2');
    const b = hashPassword('secret', 'sha512-pbkdf2');
    assert.match(a, new RegExp(`^\\$7\\$101\\$${B64}{16}\\$${B64}{86}==$`));
    assert.notEqual(a, b);
    assert.deepEqual(verifyPassword('secret', a), { result: 'match' });
    assert.deepEqual(verifyPassword('wrong', a), { result: 'mismatch' });
  });

  it('writes $6$ for -H sha512 and the iteration count given', () => {
    const six = hashPassword('pa ss:wörd', 'sha512');
    assert.match(six, new RegExp(`^\\$6\\$${B64}{16}\\$${B64}{86}==$`));
    assert.deepEqual(verifyPassword('pa ss:wörd', six), { result: 'match' });
    const slow = hashPassword('x', 'sha512-pbkdf2', 5000);
    assert.ok(slow.startsWith('$7$5000$'));
    assert.deepEqual(verifyPassword('x', slow), { result: 'match' });
  });

  it('decodes the fields', () => {
    const stored = parseStoredPassword(MOSQUITTO_7);
    assert.equal(stored.kind, 'pbkdf2');
    if (stored.kind !== 'pbkdf2') return;
    assert.equal(stored.iterations, 101);
    assert.equal(stored.salt.length, 12);
    assert.equal(stored.hash.length, 64);
    assert.equal(parseStoredPassword('plain text').kind, 'plain');
  });

  it('reports mosquitto 2.1 lines ($7$ with a 64-byte salt, $argon2id$) as not verifiable', () => {
    const salt = randomBytes(64);
    const line = `$7$1000$${salt.toString('base64')}$${pbkdf2Sync('secret', salt, 1000, 64, 'sha512').toString('base64')}`;
    const argon = `$argon2id$v=19$m=47104,t=1,p=1$${randomBytes(64).toString('base64')}$${randomBytes(64).toString('base64')}`;
    for (const field of [line, argon]) {
      const verdict = verifyPassword('secret', field);
      assert.equal(verdict.result, 'unverifiable');
      assert.match(verdict.result === 'unverifiable' ? verdict.reason : '', /not verifiable by this version/);
      assert.equal(parseStoredPassword(field).kind, 'unverifiable');
    }
  });

  it('calls hashes that no broker decodes malformed, never a match', () => {
    const salt10 = randomBytes(10).toString('base64');
    const hash = randomBytes(64).toString('base64');
    const cases: [string, RegExp][] = [
      [`$7$101$${salt10}$${hash}`, /salt is 10 bytes/],
      [`$7$0$${randomBytes(12).toString('base64')}$${hash}`, /iteration count '0'/],
      [`$7$abc$${randomBytes(12).toString('base64')}$${hash}`, /iteration count 'abc'/],
      [`$6$${randomBytes(12).toString('base64')}$${randomBytes(32).toString('base64')}`, /hash is 32 bytes/],
      [`$6$not*base64!$${hash}`, /not base64/],
      ['$7$101$onlythree', /needs \$7\$iterations\$salt\$hash/],
      ['$6$', /needs \$6\$salt\$hash/],
    ];
    for (const [field, reason] of cases) {
      const stored = parseStoredPassword(field);
      assert.equal(stored.kind, 'malformed', field);
      assert.match(stored.kind === 'malformed' ? stored.reason : '', reason);
      assert.equal(verifyPassword('secret', field).result, 'unverifiable');
    }
  });
});
