import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBroker } from '../support/hooks.js';
import { type Mosquitto, passwordFile, requireMosquitto, startMosquitto } from '../support/mosquitto.js';
import { MQT_BIN, type ToolResult, mosquittoPub, mqt, runTool, startTool, stopAllTools, which } from '../support/spawn.js';
import { requireScript } from '../support/tools.js';
import { makeTempFolder } from '../support/run-folder.js';
import { mqtInProcess } from '../support/in-process.js';

const TIMEOUT_MS = 10_000;

/** `mqt passwd ARGS` in this process: what it writes and says is the same as a spawned one's. */
function passwd(args: readonly string[], input?: string): Promise<ToolResult> {
  return mqtInProcess(['passwd', ...args], input === undefined ? {} : { input });
}

function mosquittoPasswd(args: readonly string[], input?: string): Promise<ToolResult> {
  return runTool(which('mosquitto_passwd') ?? 'mosquitto_passwd', args, { timeoutMs: TIMEOUT_MS, ...(input === undefined ? {} : { input }) });
}

function ok(result: ToolResult): void {
  assert.equal(result.code, 0, `exit ${String(result.code)}: ${result.stderr}`);
}

/** mosquitto_pub's exit code when logging in as `user`: 0 accepted, 5 not authorised. */
async function login(broker: Mosquitto, user: string, password: string): Promise<number | null> {
  const result = await mosquittoPub(['-h', '127.0.0.1', '-p', String(broker.port), '-u', user, '-P', password, '-t', 't', '-m', 'x']);
  return result.code;
}

async function withBroker(file: string, body: (broker: Mosquitto) => Promise<void>): Promise<void> {
  const broker = await startMosquitto(['allow_anonymous false', `password_file ${file}`]);
  try {
    await body(broker);
  } finally {
    await broker.stop();
  }
}

const firstLine = (text: string): string => text.split('\n')[0] ?? '';

/** mqt passwd next to mosquitto_passwd 2.0 and the real broker. */
describe('interop: mqt passwd', function () {
  this.timeout(30_000);
  let root = '';
  let count = 0;
  /** A fresh folder per test, under one removed at the end. */
  const folder = async (): Promise<string> => {
    count += 1;
    const dir = join(root, String(count));
    await mkdir(dir);
    return dir;
  };
  before(async function () {
    requireMosquitto(this);
    root = await makeTempFolder('mqt-passwd');
  });
  after(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true });
  });
  afterEach(stopAllTools);

  describe('the broker reads what mqt passwd writes', () => {
    const users = [
      { user: 'btsiot1', password: 'btsiotpass1', flags: [] },
      { user: 'sha', password: 'pa ss:wörd', flags: ['-H', 'sha512'] },
      { user: 'ünïcode', password: 'pässwörd', flags: [] },
      { user: 'sp ace', password: 'with space', flags: ['-I', '5000'] },
    ];
    let file = '';
    const { broker } = useBroker(async () => {
      file = join(await folder(), 'mosqui_passfile');
      ok(await passwd(['-c', '-b', file, 'first', 'firstpass']));
      for (const { user, password, flags } of users) ok(await passwd([...flags, '-b', file, user, password]));
      return ['allow_anonymous false', `password_file ${file}`];
    });

    it('writes $7$ (12-byte salt, 101 or -I iterations) and $6$ lines, in a 0600 file', async () => {
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const lines = (await readFile(file, 'utf8')).split('\n');
      assert.match(lines[1] ?? '', /^btsiot1:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
      assert.match(lines[2] ?? '', /^sha:\$6\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
      assert.match(lines[4] ?? '', /^sp ace:\$7\$5000\$/);
      assert.equal(lines.length, 6);
    });

    for (const { user, password, flags } of users) {
      it(`${user} (${flags.join(' ') || 'default'}): right password CONNACK 0, wrong password 5`, async () => {
        assert.equal(await login(broker(), user, password), 0);
        assert.equal(await login(broker(), user, `${password}x`), 5);
      });
    }

    it('mqt pub logs in too, and a user not in the file is refused', async () => {
      const args = ['pub', '-h', '127.0.0.1', '-p', String(broker().port), '-t', 't', '-m', 'x'];
      ok(await mqtInProcess([...args, '-u', 'ünïcode', '-P', 'pässwörd']));
      assert.equal((await mqtInProcess([...args, '-u', 'nobody', '-P', 'x'])).code, 5);
    });
  });

  it('updates, adds and deletes users in a file from mosquitto_passwd, which then still updates it', async () => {
    const file = await passwordFile(await folder(), { alice: 'a1', bob: 'b1', carol: 'c1' });
    ok(await passwd(['-b', file, 'alice', 'a2']));
    ok(await passwd(['-b', file, 'dave', 'd1']));
    ok(await passwd(['-D', file, 'carol']));
    const theirs = await mosquittoPasswd(['-b', file, 'bob', 'b2']);
    assert.deepEqual([theirs.code, theirs.stderr], [0, '']);
    ok(await mosquittoPasswd(['-b', file, 'erin', 'e1']));
    ok(await mosquittoPasswd(['-D', file, 'dave']));
    const listed = await passwd(['--list', file]);
    assert.deepEqual([listed.code, listed.stdout], [0, 'alice\nbob\nerin\n']);
    await withBroker(file, async (broker) => {
      assert.equal(await login(broker, 'alice', 'a2'), 0);
      assert.equal(await login(broker, 'alice', 'a1'), 5);
      assert.equal(await login(broker, 'bob', 'b2'), 0);
      assert.equal(await login(broker, 'erin', 'e1'), 0);
      assert.equal(await login(broker, 'carol', 'c1'), 5);
      assert.equal(await login(broker, 'dave', 'd1'), 5);
    });
  });

  it('-U hashes the plain lines of a mixed file and leaves hashed lines and comments alone', async () => {
    const file = join(await folder(), 'pw');
    ok(await passwd(['-c', '-b', file, 'hashed', 'hp']));
    const hashedLine = (await readFile(file, 'utf8')).trimEnd();
    const before = `# classroom users\nplain1:pw1\n${hashedLine}\n\n plain2 : pw2 \r\n`;
    await writeFile(file, before);
    ok(await passwd(['-U', file]));
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.equal(lines[0], '# classroom users');
    assert.match(lines[1] ?? '', /^plain1:\$7\$101\$/);
    assert.equal(lines[2], hashedLine);
    assert.equal(lines[3], '');
    assert.match(lines[4] ?? '', /^plain2:\$7\$101\$\S+\r$/);
    await withBroker(file, async (broker) => {
      assert.equal(await login(broker, 'plain1', 'pw1'), 0);
      assert.equal(await login(broker, 'plain2', 'pw2'), 0);
      assert.equal(await login(broker, 'hashed', 'hp'), 0);
    });
    // Nothing left to hash: the file is not rewritten.
    const mtime = (await stat(file)).mtimeMs;
    ok(await passwd(['-U', file]));
    assert.equal((await stat(file)).mtimeMs, mtime);
  });

  it('keeps corrupt lines and comments when adding a user (mosquitto_passwd dropped the rest of the file), and says so', async () => {
    const file = await passwordFile(await folder(), { alice: 'a1', bob: 'b1' });
    const [alice, bob] = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const before = `${alice}\nthis line is corrupt\n# a comment\n${bob}`;
    await writeFile(file, before);
    const result = await passwd(['-b', file, 'carol', 'c1']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, `Warning: Line 2 of ${file} is corrupt (no ':' between user name and password); kept unchanged.\n`);
    const after = await readFile(file, 'utf8');
    assert.ok(after.startsWith(`${before}\ncarol:$7$101$`), after);
    await withBroker(file, async (broker) => {
      assert.equal(await login(broker, 'bob', 'b1'), 0);
      assert.equal(await login(broker, 'carol', 'c1'), 0);
    });
  });

  it('three mqt passwd processes adding 4 users each to one file at once: all 12 land', async function () {
    this.timeout(120_000);
    const file = join(await folder(), 'pw');
    ok(await passwd(['-c', '-b', file, 'seed', 'seed']));
    // Three writers keep the lock contended at every step; each process launch costs CPU, and
    // without the lock twelve of them lost an update in 3 runs of 3 (as thirty and a hundred did).
    const writer = async (prefix: string): Promise<void> => {
      for (let i = 0; i < 4; i++) ok(await mqt(['passwd', '-b', file, `${prefix}${i}`, `pw-${prefix}${i}`]));
    };
    await Promise.all([writer('a'), writer('b'), writer('c')]);
    const listed = (await passwd(['--list', file])).stdout.trimEnd().split('\n');
    assert.equal(listed.length, 13);
    assert.equal(new Set(listed).size, 13);
    assert.deepEqual(await readdir(join(file, '..')), ['pw']);
    ok(await passwd(['--check', '-b', file, 'c3', 'pw-c3']));
  });

  describe('passwords from stdin when it is not a terminal', () => {
    it('reads the password and its confirmation from two lines, with the prompts on stdout', async () => {
      const file = join(await folder(), 'pw');
      const result = await passwd(['-c', file, 'alice'], 's3cret\ns3cret\n');
      assert.deepEqual([result.code, result.stdout, result.stderr], [0, 'Password: \nReenter password: \n', '']);
      ok(await passwd(['--check', '-b', file, 'alice', 's3cret']));
    });

    const cases = [
      { name: 'a mismatch', input: 'one\ntwo\n', code: 2, error: 'Error: Passwords do not match.' },
      { name: 'an empty password', input: '\n', code: 1, error: 'Error: Empty password.' },
      { name: 'no input at all', input: '', code: 1, error: 'Error: Empty password.' },
      { name: 'no confirmation', input: 'one\n', code: 1, error: 'Error: Empty password.' },
      { name: 'an empty confirmation', input: 'one\n\n', code: 1, error: 'Error: Empty password.' },
    ];
    for (const { name, input, code, error } of cases) {
      it(`${name}: exit ${code}, "${error}", as mosquitto_passwd; the file is unchanged`, async () => {
        const dir = await folder();
        const [ours, theirs] = [join(dir, 'ours'), join(dir, 'theirs')];
        ok(await passwd(['-c', '-b', ours, 'keep', 'k']));
        ok(await mosquittoPasswd(['-c', '-b', theirs, 'keep', 'k']));
        const before = await readFile(ours, 'utf8');
        const mine = await passwd([ours, 'alice'], input);
        const reference = await mosquittoPasswd([theirs, 'alice'], input);
        assert.deepEqual([reference.code, firstLine(reference.stderr)], [code, error]);
        assert.deepEqual([mine.code, mine.stderr], [code, `${error}\n`]);
        assert.equal(mine.stdout, reference.stdout);
        assert.equal(await readFile(ours, 'utf8'), before);
      });
    }
  });

  describe('on a terminal', () => {
    let script = 'script';
    /** Runs `mqt ARGS` on a pseudo-terminal (util-linux script), typing each answer once its prompt shows. */
    async function onTerminal(args: string, answers: [RegExp, string][]): Promise<ToolResult> {
      const tool = startTool(script, ['-qefc', `'${process.execPath}' '${MQT_BIN}' passwd ${args}`, '/dev/null']);
      for (const [prompt, keys] of answers) {
        await tool.waitForOutput(prompt, TIMEOUT_MS, 'stdout');
        tool.write(keys);
      }
      return tool.waitForExit(TIMEOUT_MS);
    }
    before(function () {
      script = requireScript(this);
    });

    it('asks twice with the input hidden, and the password works', async () => {
      const file = join(await folder(), 'pw');
      const result = await onTerminal(`-c '${file}' alice`, [
        [/Password:/, 'hidden1\r'],
        [/Reenter password:/, 'hidden1\r'],
      ]);
      assert.equal(result.code, 0, result.stdout);
      assert.ok(!result.stdout.includes('hidden1'), 'the password is not echoed');
      ok(await passwd(['--check', '-b', file, 'alice', 'hidden1']));
    });

    it('prompts on the terminal with stdout and stderr redirected: the files get no prompt and no escape sequence', async () => {
      const dir = await folder();
      const [file, out, err] = [join(dir, 'pw'), join(dir, 'out'), join(dir, 'err')];
      const result = await onTerminal(`-c '${file}' alice > '${out}' 2> '${err}'`, [
        [/Password:/, 'hidden2\r'],
        [/Reenter password:/, 'hidden2\r'],
      ]);
      assert.equal(result.code, 0, result.stdout);
      assert.equal(await readFile(out, 'utf8'), '');
      assert.equal(await readFile(err, 'utf8'), '');
      ok(await passwd(['--check', '-b', file, 'alice', 'hidden2']));
    });

    it('Ctrl-C at the prompt exits 130 (mosquitto_passwd: 0) and writes nothing', async () => {
      const dir = await folder();
      const result = await onTerminal(`-c '${join(dir, 'pw')}' alice`, [
        [/Password:/, 'abc\r'],
        [/Reenter password:/, '\x03'],
      ]);
      assert.equal(result.code, 130, result.stdout);
      assert.deepEqual(await readdir(dir), []);
    });
  });

  describe('-c and missing files', () => {
    it('without -c adds to an existing file; with -c replaces it, 0600 whatever its mode was', async () => {
      const file = await passwordFile(await folder(), { alice: 'a1' });
      await chmod(file, 0o640);
      ok(await passwd(['-b', file, 'bob', 'b1']));
      assert.deepEqual((await passwd(['--list', file])).stdout, 'alice\nbob\n');
      ok(await passwd(['-c', '-b', file, 'carol', 'c1']));
      assert.deepEqual((await passwd(['--list', file])).stdout, 'carol\n');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
    });

    it("a missing file without -c: mosquitto_passwd's error, a hint, exit 1", async () => {
      const file = join(await folder(), 'nofile');
      const theirs = await mosquittoPasswd(['-b', file, 'u', 'p']);
      const ours = await passwd(['-b', file, 'u', 'p']);
      assert.equal(theirs.code, 1);
      assert.equal(firstLine(theirs.stderr), `Error: Unable to open password file ${file}. No such file or directory.`);
      assert.equal(ours.code, 1);
      assert.equal(ours.stderr, `${firstLine(theirs.stderr)}\nHint: no such file — use -c to create it.\n`);
      // Before any prompt, as mosquitto_passwd: no password is asked for a file that is not there.
      const prompted = await passwd([file, 'u'], 'p\np\n');
      assert.deepEqual([prompted.code, prompted.stdout], [1, '']);
    });
  });

  describe('--check and --list', () => {
    it('checks passwords of mqt and mosquitto_passwd lines; exit 0 match, 1 otherwise', async () => {
      const file = await passwordFile(await folder(), { alice: 'secret' });
      ok(await passwd(['-H', 'sha512', '-b', file, 'bob', 'b0b']));
      const match = await passwd(['--check', '-b', file, 'alice', 'secret']);
      assert.deepEqual([match.code, match.stdout], [0, 'The password of user alice matches.\n']);
      ok(await passwd(['--check', file, 'bob'], 'b0b\n'));
      const wrong = await passwd(['--check', '-b', file, 'alice', 'Secret']);
      assert.deepEqual([wrong.code, wrong.stderr], [1, 'Error: The password of user alice does not match.\n']);
      const missing = await passwd(['--check', '-b', file, 'nobody', 'x']);
      assert.deepEqual([missing.code, missing.stderr], [1, 'Error: User nobody not found in password file.\n']);
    });

    it('keeps mosquitto 2.1 lines: checks argon2id ones, reports $7$ ones with 64-byte salts as not verifiable', async () => {
      const file = await passwordFile(await folder(), { alice: 'secret' });
      const salt = randomBytes(64);
      const line21 = `new21:$7$1000$${salt.toString('base64')}$${pbkdf2Sync('secret', salt, 1000, 64, 'sha512').toString('base64')}`;
      // "secret", by the reference argon2 CLI with small costs (see test/passwd/hash.test.ts).
      const argon = 'argon:$argon2id$v=19$m=256,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$QFKX5Faccg/XuSh9t6CQGQGZp9f/Ggly2ARzmlhiXdE';
      await writeFile(file, `${await readFile(file, 'utf8')}${line21}\n${argon}\n`);
      ok(await passwd(['-b', file, 'bob', 'b1']));
      const text = await readFile(file, 'utf8');
      assert.ok(text.includes(`\n${line21}\n${argon}\nbob:`), text);
      const result = await passwd(['--check', '-b', file, 'new21', 'secret']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^Error: Cannot check the password of user new21: .*not verifiable by this version\.\n$/);
      assert.equal((await passwd(['--check', '-b', file, 'argon', 'secret'])).code, 0);
      assert.equal((await passwd(['--check', '-b', file, 'argon', 'Secret'])).code, 1);
      assert.equal((await passwd(['--list', file])).stdout, 'alice\nnew21\nargon\nbob\n');
    });

    it("-H argon2id writes mosquitto 2.1's argon2id line, which --check then verifies", async () => {
      const file = await passwordFile(await folder(), { alice: 'secret' });
      ok(await passwd(['-H', 'argon2id', '-b', file, 'carol', 'c4rol']));
      assert.match(await readFile(file, 'utf8'), /\ncarol:\$argon2id\$v=19\$m=47104,t=1,p=1\$[A-Za-z0-9+/]{86}\$[A-Za-z0-9+/]{86}\n$/);
      const match = await passwd(['--check', '-b', file, 'carol', 'c4rol']);
      assert.deepEqual([match.code, match.stdout], [0, 'The password of user carol matches.\n']);
    });
  });

  describe("usage errors: mosquitto_passwd's words, exit 1, before touching any file", () => {
    const cases: { args: string[]; error: string; same: boolean }[] = [
      { args: ['-c', '-D', 'F', 'u'], error: 'Error: -c and -D cannot be used together.', same: true },
      { args: ['-c', '-U', 'F'], error: 'Error: -c and -U cannot be used together.', same: true },
      { args: ['-D', '-U', 'F'], error: 'Error: -D and -U cannot be used together.', same: true },
      { args: ['-b', '-D', 'F', 'u'], error: 'Error: -b and -D cannot be used together.', same: true },
      { args: ['-H', 'nohash', 'F', 'u'], error: "Error: Unknown hash type 'nohash'", same: true },
      { args: ['-I', '0', 'F', 'u'], error: 'Error: Number of iterations must be > 0.', same: true },
      { args: ['-c', '-b', 'F', 'u'], error: 'Error: -c argument given but password file, username, or password missing.', same: true },
      { args: ['-c', 'F'], error: 'Error: -c argument given but password file or username missing.', same: true },
      { args: ['-D', 'F'], error: 'Error: -D argument given but password file or username missing.', same: true },
      { args: ['-U'], error: 'Error: -U argument given but password file missing.', same: true },
      { args: ['-b', 'F', 'a:b', 'p'], error: "Error: Username must not contain the ':' character.", same: true },
      { args: ['-b', 'F', 'a\tb', 'p'], error: 'Error: Username must not contain control characters.', same: true },
      { args: ['-c', '-b', '-x', 'u', 'p'], error: "Error: Unknown option '-x'.", same: false },
      { args: ['-c', '-b', 'F', '', 'p'], error: 'Error: Username must not be empty.', same: false },
    ];
    for (const { args, error, same } of cases) {
      it(`mqt passwd ${args.map((a) => JSON.stringify(a)).join(' ')}`, async () => {
        const dir = await folder();
        const full = args.map((a) => (a === 'F' ? join(dir, 'pw') : a));
        const ours = await passwd(full);
        assert.deepEqual([ours.code, ours.stderr], [1, `${error}\nUse 'mqt passwd --help' to see usage.\n`]);
        assert.deepEqual(await readdir(dir), []);
        if (same) {
          const theirs = await mosquittoPasswd(full);
          assert.deepEqual([theirs.code, firstLine(theirs.stderr)], [1, error]);
        }
      });
    }

    it('--help: usage on stdout, exit 0', async () => {
      const result = await passwd(['--help']);
      assert.equal(result.code, 0);
      assert.ok(result.stdout.startsWith('mqt passwd [-H sha512|sha512-pbkdf2] [-I N] [-c | -D] FILE USER\n'), result.stdout);
      for (const flag of ['-c, --create', '-D, --delete', '-b, --batch', '-U, --hash-plain', '-H, --hash', '-I, --iterations', '--check', '--list']) {
        assert.ok(result.stdout.includes(flag), `mentions ${flag}`);
      }
    });
  });
});
