import assert from 'node:assert/strict';
import { indexFlags, readArgv } from '../../src/commands/options/argv.js';
import { passwdOptionGroups, resolvePasswd } from '../../src/commands/options/passwd.js';
import { pubOptionGroups } from '../../src/commands/options/pub.js';
import { UsageError } from '../../src/commands/ui/usage-error.js';

const flags = indexFlags(passwdOptionGroups);

function passwd(argv: string[]) {
  return resolvePasswd(readArgv(argv, flags, { positionals: true }));
}

function usageError(argv: string[], message: string): void {
  assert.throws(
    () => passwd(argv),
    (err: Error) => {
      assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe('argv reader with positionals (mosquitto_passwd rules)', () => {
  it('takes options first, then everything from the first non-option on as positional', () => {
    const args = readArgv(['-c', '-b', 'pw', 'alice', '-secret'], flags, { positionals: true });
    assert.deepEqual(args.positionals, ['pw', 'alice', '-secret']);
    assert.ok(args.values.has('create'));
  });

  it("ends options at '--', so that a file may start with '-'", () => {
    assert.deepEqual(readArgv(['-b', '--', '-x', 'u', 'p'], flags, { positionals: true }).positionals, ['-x', 'u', 'p']);
  });

  it('names an unknown option instead of taking it as the file (mosquitto created ./-x)', () => {
    usageError(['-c', '-b', '-x', 'u', 'p'], "Unknown option '-x'.");
  });

  it('still refuses positionals for commands that take none', () => {
    assert.throws(() => readArgv(['extra'], indexFlags(pubOptionGroups)), /Unknown option 'extra'/);
    assert.deepEqual(readArgv(['-t', 'a'], indexFlags(pubOptionGroups)).positionals, []);
  });
});

describe('mqt passwd arguments', () => {
  it('reads each mode', () => {
    assert.deepEqual(passwd(['-c', '-b', 'pw', 'btsiot1', 'btsiotpass1']), {
      mode: 'create',
      file: 'pw',
      user: 'btsiot1',
      password: 'btsiotpass1',
      hashType: 'sha512-pbkdf2',
      iterations: 101,
      force: false,
    });
    assert.equal(passwd(['--force', 'pw', 'u']).force, true);
    assert.equal(passwd(['pw', 'u']).mode, 'add');
    assert.equal(passwd(['pw', 'u']).password, undefined);
    assert.equal(passwd(['-D', 'pw', 'u']).mode, 'delete');
    assert.equal(passwd(['-H', 'sha512', '-I', '9', '-U', 'pw']).hashType, 'sha512');
    assert.equal(passwd(['-I', '5000', '-U', 'pw']).iterations, 5000);
    assert.equal(passwd(['--check', 'pw', 'u']).mode, 'check');
    assert.equal(passwd(['--check', '-b', 'pw', 'u', 'p']).password, 'p');
    assert.equal(passwd(['--list', 'pw']).mode, 'list');
    assert.equal(passwd(['--create', '--batch', '--hash=sha512', 'pw', 'u', 'p']).hashType, 'sha512');
  });

  it("uses mosquitto_passwd's messages for its mistakes", () => {
    usageError(['-c', '-D', 'pw', 'u'], '-c and -D cannot be used together.');
    usageError(['-c', '-U', 'pw'], '-c and -U cannot be used together.');
    usageError(['-D', '-U', 'pw'], '-D and -U cannot be used together.');
    usageError(['-b', '-D', 'pw', 'u'], '-b and -D cannot be used together.');
    usageError(['-c', '-b', 'pw', 'u'], '-c argument given but password file, username, or password missing.');
    usageError(['-c', 'pw'], '-c argument given but password file or username missing.');
    usageError(['-D', 'pw'], '-D argument given but password file or username missing.');
    usageError(['-U'], '-U argument given but password file missing.');
    usageError(['-U', 'pw', 'extra'], "Too many arguments: 'extra'.");
    usageError(['-H', 'nohash', 'pw', 'u'], "Unknown hash type 'nohash'");
    usageError(['-H'], '-H argument given but not enough other arguments.');
    usageError(['-I'], '-I argument given but not enough other arguments.');
    usageError(['-I', '0', 'pw', 'u'], 'Number of iterations must be > 0.');
    usageError(['-I', 'junk', 'pw', 'u'], 'Number of iterations must be > 0.');
    usageError(['-b', 'pw', 'a:b', 'p'], "Username must not contain the ':' character.");
    usageError(['-b', 'pw', 'a\tb', 'p'], 'Username must not contain control characters.');
    usageError(['-b', 'pw', 'x'.repeat(65536), 'p'], 'Username must be less than 65536 characters long.');
    usageError(['-b', 'pw', 'u', 'p'.repeat(65536)], 'Password must be less than 65536 characters long.');
  });

  it('refuses the user names no broker can use, which mosquitto_passwd wrote', () => {
    usageError(['-b', 'pw', '', 'p'], 'Username must not be empty.');
    usageError(['-b', 'pw', '#admin', 'p'], "Username must not start with '#': the broker reads such a line as a comment.");
    usageError(['-b', 'pw', ' bob', 'p'], 'Username must not start or end with a space: the broker trims it.');
    assert.equal(passwd(['-b', 'pw', 'sp ace', 'p']).user, 'sp ace');
    assert.equal(passwd(['-b', 'pw', 'ünïcode', 'p']).user, 'ünïcode');
  });

  it('counts positionals strictly, also with -c (mosquitto ignored extra ones)', () => {
    usageError(['pw'], 'Password file or username missing.');
    usageError(['-b', 'pw', 'u'], 'Password file, username, or password missing.');
    usageError(['-c', '-b', 'pw', 'u', 'my', 'pass'], "Too many arguments: 'pass' (quote a password that contains spaces).");
    usageError(['--check', 'pw'], '--check argument given but password file or username missing.');
    usageError(['--list'], '--list argument given but password file missing.');
  });

  it('refuses --check and --list with the modes that write', () => {
    usageError(['--check', '-c', 'pw', 'u'], '--check and -c cannot be used together.');
    usageError(['--list', '-D', 'pw', 'u'], '--list and -D cannot be used together.');
    usageError(['--check', '--list', 'pw'], '--check and --list cannot be used together.');
    usageError(['--list', '-b', 'pw'], '--list and -b cannot be used together.');
  });
});
