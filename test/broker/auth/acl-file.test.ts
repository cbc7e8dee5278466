import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AclFile } from '../../../src/lib/broker/auth/acl-file.js';
import { intersectFilters, toLevels } from '../../../src/lib/broker/auth/filter-cover.js';
import { ErrorCode, isMqttError } from '../../../src/lib/errors.js';
import { topicMatches } from '../../../src/lib/topic.js';
import { ACL_TEXT, ALICE, ANON, BOB, ROOT, ROWS, type Who } from './acl-table.js';
import { makeTempFolder } from '../../support/run-folder.js';

const acl = AclFile.fromText('acl', ACL_TEXT);

function label(who: Who): string {
  return who.username ?? `anonymous ${who.clientId}`;
}

describe('acl_file decisions', () => {
  it('reads and writes as the table says (users × topics × actions)', () => {
    for (const [who, action, topic, allowed] of ROWS) {
      const got = action === 'read' ? acl.canRead(who, topic) : acl.canWrite(who, topic);
      assert.equal(got, allowed, `${label(who)} ${action} ${topic}`);
    }
  });

  it('refuses a subscription only when no topic it matches is readable', () => {
    const rows: [Who, string, boolean][] = [
      [ANON, 'public/#', true],
      [ANON, 'public/secret', false],
      [ANON, 'public/+', true],
      [ANON, '#', true],
      [ANON, 'alice/#', false],
      [ANON, 'devices/anon1/blocked', false],
      [ANON, 'devices/+/blocked', false],
      [ANON, 'devices/+/temp', true],
      [ANON, '$SYS/#', false],
      [ALICE, 'alice/private/#', false],
      [ALICE, 'alice/private/+/x', false],
      [ALICE, 'alice/+', true],
      [ALICE, 'shared/inbox', true],
      [ALICE, 'users/alice/#', true],
      [ALICE, 'users/bob/#', false],
      [ALICE, 'prealice', false],
      [ALICE, '$share/g/alice/#', true],
      [ALICE, '$share/g/alice/private/#', false],
      [BOB, 'shared/locked', false],
      [BOB, 'shared/+', true],
      [ROOT, '$SYS/#', true],
      [ROOT, '+/+', true],
    ];
    for (const [who, filter, allowed] of rows) assert.equal(acl.canSubscribe(who, filter), allowed, `${label(who)} subscribe ${filter}`);
  });

  it('sees a filter covered by several denies together, none of which covers it alone', () => {
    const eve = AclFile.fromText('acl', 'user eve\ntopic read x/#\ntopic deny x\ntopic deny x/+/#\ntopic read y/+\ntopic deny y/a\n');
    const who = { clientId: 'e', username: 'eve' };
    const rows: [string, boolean][] = [
      ['x/#', false],
      ['x/+', false],
      ['x', false],
      ['y/+', true],
      ['y/a', false],
      ['y/#', true],
      ['#', true],
    ];
    for (const [filter, allowed] of rows) assert.equal(eve.canSubscribe(who, filter), allowed, filter);
  });

  it('agrees with canRead over every topic, for random acl_files and filters', () => {
    // Topics up to one level deeper than any rule, over the rules' words plus one more, reach
    // every case the decision can depend on.
    const words = ['a', 'b', '$s', ''];
    const universe: string[] = [];
    const grow = (prefix: string[]): void => {
      if (prefix.length > 0) universe.push(prefix.join('/'));
      if (prefix.length < 4) for (const word of [...words, 'c']) grow([...prefix, word]);
    };
    grow([]);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed >>> 16) % n;
    };
    const randomFilter = (): string => {
      const levels: string[] = [];
      const count = 1 + random(3);
      for (let i = 0; i < count; i++) levels.push(i === count - 1 && random(4) === 0 ? '#' : random(3) === 0 ? '+' : words[random(words.length)]!);
      return levels.join('/');
    };
    const access = ['read', 'deny', 'write', 'readwrite'];
    for (let round = 0; round < 300; round++) {
      const lines = ['user u'];
      for (let i = 1 + random(4); i > 0; i--) {
        // An empty topic would leave "topic read", a rule for the topic "read" (see the grammar).
        const topic = randomFilter();
        lines.push(`topic ${access[random(access.length)]!} ${topic === '' ? 'a' : topic}`);
      }
      const file = AclFile.fromText('acl', `${lines.join('\n')}\n`);
      const who = { clientId: 'c', username: 'u' };
      for (let i = 0; i < 5; i++) {
        const filter = randomFilter();
        const expected = universe.some((topic) => topicMatches(filter, topic) && file.canRead(who, topic));
        assert.equal(file.canSubscribe(who, filter), expected, `${lines.join(' | ')} :: subscribe ${filter}`);
      }
    }
  });

  it('intersects filters, keeping leading wildcards away from $-topics', () => {
    const rows: [string, string, string | undefined][] = [
      ['a/#', '+/b', 'a/b'],
      ['a/#', 'a', 'a'],
      ['+/b/#', 'a/+/c/#', 'a/b/c/#'],
      ['a/+', 'a/b/c', undefined],
      ['#', '$SYS/x', undefined],
      ['$SYS/#', '$SYS/+', '$SYS/+'],
      ['a', 'b', undefined],
    ];
    for (const [a, b, expected] of rows) assert.equal(intersectFilters(toLevels(a), toLevels(b))?.join('/'), expected, `${a} ∩ ${b}`);
  });

  it('decides a subscription 5,000 levels deep against rules as deep, without overflowing the stack', () => {
    const deep = Array.from({ length: 5_000 }, (_, i) => `l${i}`);
    const file = AclFile.fromText('acl', `user eve\ntopic read ${deep.join('/')}/#\ntopic deny ${deep.join('/')}/+/x\n`);
    const who = { clientId: 'e', username: 'eve' };
    assert.equal(file.canSubscribe(who, deep.map(() => '+').join('/')), true);
    assert.equal(file.canSubscribe(who, `${deep.join('/')}/+/x`), false);
    assert.equal(file.canSubscribe(who, `${deep.join('/')}/+/y`), true);
  });

  it('denies everything with an empty file, and nothing to whom it does not name', () => {
    const empty = AclFile.fromText('acl', '');
    assert.equal(empty.canRead(ANON, 'a'), false);
    assert.equal(empty.canWrite(ALICE, 'a'), false);
    assert.equal(empty.canSubscribe(ALICE, '#'), false);
  });
});

describe('acl_file grammar', () => {
  it("reads mosquitto's quirks as mosquitto does", () => {
    // One word after "topic" is the topic; everything after the access word is the topic.
    const file = AclFile.fromText('acl', 'topic read\ntopic read  a b \r\n   topic write c\n\n    \n#topic d\n');
    assert.equal(file.canWrite(ANON, 'read'), true);
    assert.equal(file.canRead(ANON, 'a b'), true);
    assert.equal(file.canWrite(ANON, 'a b'), false);
    assert.equal(file.canWrite(ANON, 'c'), true);
    assert.equal(file.canRead(ANON, 'd'), false);
    // "user" sections for one name join, and a username may hold spaces.
    const users = AclFile.fromText('acl', 'user al ice\ntopic read a\nuser bob\ntopic b\nuser  al ice \ntopic write a\n');
    assert.equal(users.canWrite({ clientId: 'x', username: 'al ice' }, 'a'), true);
    assert.equal(users.canRead({ clientId: 'x', username: 'al ice' }, 'a'), true);
  });

  it('warns about a pattern with neither %c nor %u', () => {
    const file = AclFile.fromText('acl', 'pattern read a/%c\npattern read plain/#\n');
    assert.deepEqual(
      file.warnings.map((w) => w.message),
      ['acl:2: ACL pattern "plain/#" does not contain %c or %u'],
    );
  });

  it('refuses bad lines naming file, line and problem', () => {
    const rows: [string, RegExp][] = [
      ['topic', /^acl:1: empty topic$/],
      ['topic read a\ntopic Read b', /^acl:2: invalid topic access type "Read"/],
      ['topic read a/#/b', /^acl:1: invalid ACL topic "a\/#\/b"$/],
      ['pattern write x/%c+', /^acl:1: invalid ACL topic "x\/%c\+"$/],
      ['user', /^acl:1: missing username after "user"$/],
      ['user   ', /^acl:1: missing username/],
      ['\ntopic\tread\ta', /^acl:2: invalid line "topic\tread\ta"/],
      ['  # indented comment', /^acl:1: invalid line/],
      ['allow a', /^acl:1: invalid line "allow a": expected "user", "topic" or "pattern"/],
    ];
    for (const [text, message] of rows) {
      assert.throws(() => AclFile.fromText('acl', text), (err: unknown) => isMqttError(err) && err.code === ErrorCode.InvalidFile && message.test(err.message), text);
    }
  });

  it('reloads, and keeps the old rules when the new file is bad', async () => {
    const dir = await makeTempFolder('mqt-acl');
    try {
      const path = join(dir, 'acl');
      await writeFile(path, 'topic read a\n');
      const file = AclFile.load(path);
      await writeFile(path, 'topic read b\n');
      file.reload();
      assert.equal(file.canRead(ANON, 'a'), false);
      assert.equal(file.canRead(ANON, 'b'), true);
      await writeFile(path, 'topic read c\nbogus\n');
      assert.throws(() => file.reload(), (err: unknown) => isMqttError(err) && err.message.startsWith(`${path}:2: invalid line`));
      assert.equal(file.canRead(ANON, 'b'), true);
      assert.throws(() => AclFile.load(join(dir, 'none')), (err: unknown) => isMqttError(err) && err.code === ErrorCode.FileNotFound);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
