import assert from 'node:assert/strict';
import {
  deleteUser,
  findProblems,
  findUser,
  hashPlainPasswords,
  listUsers,
  parsePasswdFile,
  serializePasswdFile,
  setPassword,
  type PasswdLine,
} from '../../src/lib/passwd/file.js';

const H1 = '$6$55fmfWgjHs6qtToM$u1ZjC+7gAvrXMErnzNuKBtp7z15AAnDJ1ru9PGoLk68ioXEUePREOjz4oH6ZT2kBgUieEVYsT7A6SenIZdeYRg==';
const H2 = '$7$101$l+DY89ljDZwebw0d$IPdUhVIubN12VOV38dGjA+L52NZhUc6YnonbQXcohoVZyjvdiE0IJ7DyeuK6c13NnCaP0lsuqvzbyh51QJF31w==';

function parse(text: string | Buffer): PasswdLine[] {
  return parsePasswdFile(typeof text === 'string' ? Buffer.from(text) : text);
}

function text(lines: readonly PasswdLine[]): string {
  return serializePasswdFile(lines).toString('utf8');
}

describe('password file lines', () => {
  it('writes back every kind of line byte for byte', () => {
    const samples = [
      `# comment\n\nalice:${H1}\r\ngarbage without colon\n:${H2}\n  \t\nbob : ${H2} \n#x:y`,
      `alice:${H1}`,
      '',
      '\n\n',
      `ünïcode:${H1}\nsp ace:${H2}\n`,
    ];
    for (const sample of samples) assert.equal(text(parse(sample)), sample);
    // Bytes that are not UTF-8 survive too.
    const binary = Buffer.concat([Buffer.from('# \xff\xfe'), Buffer.from([0xff, 0xc3, 0x0a]), Buffer.from(`alice:${H1}\n`)]);
    assert.deepEqual(serializePasswdFile(parsePasswdFile(binary)), binary);
  });

  it('reads lines as the broker does', () => {
    const lines = parse(`# c\n\n  \nalice:${H1}\r\n bob :  ${H2}  \nx::y:z\nnocolon\n:${H2}\nuser:\nuser2: \n  #a:b\n`);
    assert.deepEqual(
      lines.map((l) => l.entry),
      [
        { kind: 'comment' },
        { kind: 'blank' },
        { kind: 'blank' },
        { kind: 'user', user: 'alice', password: H1 },
        { kind: 'user', user: 'bob', password: H2 },
        { kind: 'user', user: 'x', password: 'y' },
        { kind: 'corrupt', reason: "no ':' between user name and password" },
        { kind: 'corrupt', reason: 'empty user name' },
        { kind: 'corrupt', reason: 'no password' },
        { kind: 'corrupt', reason: 'no password' },
        { kind: 'user', user: '#a', password: 'b' },
      ],
    );
    assert.deepEqual(
      lines.map((l) => l.eol),
      ['\n', '\n', '\n', '\r\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n'],
    );
  });

  it('updates a user in place, keeping its line ending and every other line', () => {
    const before = `# users\r\nalice:${H1}\r\nbroken\r\nbob:${H2}\r\n`;
    const { lines, added } = setPassword(parse(before), 'alice', 'NEW');
    assert.equal(added, false);
    assert.equal(text(lines), `# users\r\nalice:NEW\r\nbroken\r\nbob:${H2}\r\n`);
  });

  it("appends a new user with the file's line ending, on a line of its own", () => {
    assert.equal(text(setPassword(parse(`a:${H1}\r\n`), 'b', 'X').lines), `a:${H1}\r\nb:X\r\n`);
    assert.equal(text(setPassword(parse(`a:${H1}`), 'b', 'X').lines), `a:${H1}\nb:X\n`);
    assert.equal(text(setPassword(parse(''), 'b', 'X').lines), 'b:X\n');
    assert.equal(text(setPassword(parse('# only a comment'), 'b', 'X').lines), '# only a comment\nb:X\n');
  });

  it('duplicate users: the last line wins, as in the broker; it is the one updated', () => {
    const lines = parse(`alice:${H1}\nbob:${H2}\nalice:${H2}\n`);
    assert.equal(findUser(lines, 'alice')?.entry.password, H2);
    assert.equal(text(setPassword(lines, 'alice', 'NEW').lines), `alice:${H1}\nbob:${H2}\nalice:NEW\n`);
    assert.deepEqual(listUsers(lines), ['alice', 'bob']);
    assert.deepEqual(findProblems(lines), [{ kind: 'duplicate', user: 'alice', lines: [1, 3] }]);
  });

  it('deletes every line of a user and nothing else', () => {
    const lines = parse(`alice:${H1}\n# keep\nbob:${H2}\nalice:${H2}\n`);
    const result = deleteUser(lines, 'alice');
    assert.equal(result.removed, 2);
    assert.equal(text(result.lines), `# keep\nbob:${H2}\n`);
    assert.equal(deleteUser(lines, 'nobody').removed, 0);
    assert.equal(text(deleteUser(parse(`alice:${H1}\n`), 'alice').lines), '');
  });

  it('hashes only plain-text passwords (-U), keeping hashed, 2.1, comment and corrupt lines', async () => {
    const argon = '$argon2id$v=19$m=47104,t=1,p=1$c2FsdA$aGFzaA';
    const before = `# c\nplain:pw1\r\nhashed:${H2}\nnew21:${argon}\nbroken\n spaced : pw2 \n`;
    const seen: string[] = [];
    const { lines, hashed } = await hashPlainPasswords(parse(before), (plain) => {
      seen.push(plain);
      return `H(${plain})`;
    });
    assert.equal(hashed, 2);
    assert.deepEqual(seen, ['pw1', 'pw2']);
    assert.equal(text(lines), `# c\nplain:H(pw1)\r\nhashed:${H2}\nnew21:${argon}\nbroken\nspaced:H(pw2)\n`);
  });

  it('reports corrupt lines and hashes that do not decode, with line numbers', () => {
    const lines = parse(`ok:${H1}\nnocolon\nbad:$7$101$c2hvcnQ=$${'A'.repeat(88)}\n`);
    assert.deepEqual(findProblems(lines), [
      { kind: 'corrupt', line: 2, reason: "no ':' between user name and password" },
      { kind: 'malformed', line: 3, user: 'bad', reason: 'the salt is 5 bytes, not 12' },
    ]);
  });
});
