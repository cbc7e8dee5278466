import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { hashPassword, makePasswordHash, parseStoredPassword, verifyPassword } from '../../src/lib/passwd/hash.js';

/** Written by mosquitto_passwd 2.0.11 for the password "secret" (reference §14.4). */
const MOSQUITTO_7 =
  '$7$101$l+DY89ljDZwebw0d$IPdUhVIubN12VOV38dGjA+L52NZhUc6YnonbQXcohoVZyjvdiE0IJ7DyeuK6c13NnCaP0lsuqvzbyh51QJF31w==';
const MOSQUITTO_6 =
  '$6$55fmfWgjHs6qtToM$u1ZjC+7gAvrXMErnzNuKBtp7z15AAnDJ1ru9PGoLk68ioXEUePREOjz4oH6ZT2kBgUieEVYsT7A6SenIZdeYRg==';

const B64 = '[A-Za-z0-9+/]';

/**
 * Made with the reference implementation, Debian's argon2 CLI (0~20171227): `echo -n secret |
 * argon2 saltsaltsaltsalt -id -t 2 -k 256 -p 2 -l 32 -e`. Small costs keep the test cheap; two
 * lanes and two passes check that hash-wasm reads every parameter as the reference does.
 */
const REFERENCE_ARGON2ID = '$argon2id$v=19$m=256,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$QFKX5Faccg/XuSh9t6CQGQGZp9f/Ggly2ARzmlhiXdE';

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

  it('reports mosquitto 2.1 $7$ lines with a 64-byte salt as not verifiable', async () => {
    const salt = randomBytes(64);
    const line = `$7$1000$${salt.toString('base64')}$${pbkdf2Sync('secret', salt, 1000, 64, 'sha512').toString('base64')}`;
    const verdict = await verifyPassword('secret', line);
    assert.equal(verdict.result, 'unverifiable');
    assert.match(verdict.result === 'unverifiable' ? verdict.reason : '', /not verifiable by this version/);
    assert.equal(parseStoredPassword(line).kind, 'unverifiable');
  });

  it('calls hashes that no broker decodes malformed, never a match', async () => {
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
      assert.equal((await verifyPassword('secret', field)).result, 'unverifiable');
    }
  });

  it('verifies argon2id lines made by the reference implementation', async () => {
    assert.deepEqual(await verifyPassword('secret', REFERENCE_ARGON2ID), { result: 'match' });
    assert.deepEqual(await verifyPassword(Buffer.from('secreT'), REFERENCE_ARGON2ID), { result: 'mismatch' });
  });

  it("writes argon2id with mosquitto 2.1's parameters: 46 MiB, one pass, one lane, 64-byte salt and hash", async () => {
    // Verified by the passwd round trip (test/interop/passwd.test.ts): one 46 MiB hash is enough here.
    const field = await makePasswordHash('pa ss:wörd', 'argon2id');
    assert.match(field, new RegExp(`^\\$argon2id\\$v=19\\$m=47104,t=1,p=1\\$${B64}{86}\\$${B64}{86}$`));
  });

  it('refuses argon2id lines asking for absurd costs, before computing anything', async () => {
    const tail = '$c2FsdHNhbHRzYWx0c2FsdA$QFKX5Faccg/XuSh9t6CQGQGZp9f/Ggly2ARzmlhiXdE';
    const cases: [string, RegExp][] = [
      [`$argon2id$v=19$m=4294967295,t=1,p=1${tail}`, /memory m=4294967295 KiB is outside 8\.\.262144/],
      [`$argon2id$v=19$m=47104,t=100000,p=1${tail}`, /time cost t=100000 is outside 1\.\.16/],
      [`$argon2id$v=19$m=47104,t=1,p=255${tail}`, /parallelism p=255 is outside 1\.\.16/],
      [`$argon2id$v=19$m=262144,t=5,p=1${tail}`, /cost m\*t=1310720 KiB is over 1048576/],
      [`$argon2id$v=16$m=47104,t=1,p=1${tail}`, /version 16 is not supported/],
      ['$argon2id$v=19$m=47104,t=1,p=1$c2FsdA$aGFzaA', /salt is 4 bytes/],
      ['$argon2id$v=19$m=47104,t=1$c2FsdA$aGFzaA', /needs \$argon2id\$v=19/],
    ];
    for (const [field, reason] of cases) {
      const stored = parseStoredPassword(field);
      assert.equal(stored.kind, 'malformed', field);
      assert.match(stored.kind === 'malformed' ? stored.reason : '', reason);
      assert.equal((await verifyPassword('secret', field)).result, 'unverifiable');
    }
  });
});
