import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AclFile } from '../../../src/lib/broker/auth/acl-file.js';
import { Authorizer } from '../../../src/lib/broker/auth/authorizer.js';
import { PasswordFile } from '../../../src/lib/broker/auth/password-file.js';
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

describe('broker authorizer', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempFolder('mqt-authz');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("logs in as mosquitto 2.0 does: allow_anonymous × password_file × credentials", async () => {
    const file = join(dir, 'passwd');
    await writeFile(file, `alice:${hashPassword('secret', 'sha512-pbkdf2')}\neve:${hashPassword('', 'sha512-pbkdf2')}\n`);
    const passwords = PasswordFile.load(file);
    type Row = [withFile: boolean, allowAnonymous: boolean, username: string | undefined, password: string | undefined, accepted: boolean];
    const rows: Row[] = [
      [false, true, undefined, undefined, true],
      [false, true, 'anyone', 'whatever', true],
      [false, false, undefined, undefined, false],
      // Without a password_file there is nothing to check a username against.
      [false, false, 'alice', 'secret', false],
      [true, true, undefined, undefined, true],
      [true, false, undefined, undefined, false],
      [true, false, 'alice', 'secret', true],
      [true, true, 'alice', 'wrong', false],
      [true, true, 'alice', undefined, false],
      [true, true, 'mallory', 'secret', false],
      [true, false, undefined, 'secret', false],
      // mosquitto reads a zero-length password as none, even against the hash of an empty one.
      [true, true, 'eve', '', false],
      [true, true, 'eve', undefined, false],
    ];
    for (const [withFile, allowAnonymous, username, password, accepted] of rows) {
      const auth = new Authorizer(withFile ? { passwords } : {});
      const login = {
        clientId: 'c',
        connection: connection(allowAnonymous),
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password: Buffer.from(password) }),
      };
      assert.equal(auth.authenticate(login), accepted, JSON.stringify({ withFile, allowAnonymous, username, password }));
    }
  });

  it('keeps $SYS and $share out of reach whatever the acl_file says', () => {
    const open = new Authorizer({});
    const root = new Authorizer({ acl: AclFile.fromText('acl', 'topic #\ntopic $SYS/#\ntopic $share/#\n') });
    const who = { clientId: 'c' };
    for (const auth of [open, root]) {
      assert.equal(auth.canWrite(who, '$SYS/broker/uptime'), false);
      assert.equal(auth.canWrite(who, '$SYS/broker/connection/bridge1/state'), true);
      assert.equal(auth.canRead(who, '$SYS/broker/uptime'), true);
      assert.equal(auth.canWrite(who, '$share/g/x'), false);
      assert.equal(auth.canRead(who, '$share/g/x'), false);
      assert.equal(auth.canWrite(who, 'a/b'), true);
      assert.equal(auth.canSubscribe(who, '$share/g/a/#'), true);
    }
    const limited = new Authorizer({ acl: AclFile.fromText('acl', 'topic read a/#\n') });
    assert.equal(limited.canWrite(who, 'a/b'), false);
    assert.equal(limited.canRead(who, 'a/b'), true);
    assert.equal(limited.canSubscribe(who, 'b/#'), false);
  });
});
