import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { useBroker, unique } from '../support/hooks.js';
import { passwordFile, requireMosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { type ToolResult, mosquittoPub, runTool, stopAllTools, which } from '../support/spawn.js';
import { mqtInProcess } from '../support/in-process.js';
import { makeTempFolder } from '../support/run-folder.js';

const firstLine = (text: string): string => text.split('\n').find((l) => l !== '') ?? '';

/** Exit codes and error messages of mqt pub and mqt sub, next to mosquitto's. */
describe('interop: exit codes and error messages', function () {
  this.timeout(15_000);

  describe('no broker listening', () => {
    let port = 0;
    before(async function () {
      requireMosquitto(this);
      port = await freePort();
    });
    afterEach(stopAllTools);

    it('mqt pub: exit 1, "Error: Connection refused" (as mosquitto_pub)', async () => {
      const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 't', '-m', 'x'];
      const ours = await mqtInProcess(['pub', ...args]);
      const theirs = await mosquittoPub(args);
      assert.equal(theirs.code, 1);
      assert.equal(firstLine(theirs.stderr), 'Error: Connection refused');
      assert.equal(ours.code, 1);
      assert.ok(ours.stderr.startsWith('Error: Connection refused'), ours.stderr);
      assert.equal(ours.stdout, '');
    });

    it('mqt sub: exit 1, "Error: Connection refused" (as mosquitto_sub)', async () => {
      const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 't'];
      const ours = await mqtInProcess(['sub', ...args]);
      const theirs = await runTool(which('mosquitto_sub') ?? 'mosquitto_sub', args, { timeoutMs: 5000 });
      assert.equal(theirs.code, 1);
      assert.equal(firstLine(theirs.stderr), 'Error: Connection refused');
      assert.equal(ours.code, 1);
      assert.ok(ours.stderr.startsWith('Error: Connection refused'), ours.stderr);
      assert.equal(ours.stdout, '');
    });
  });

  describe('a broker with a password file and allow_anonymous false', () => {
    let dir = '';
    const { hp } = useBroker(async () => {
      dir = await makeTempFolder('mqt-passwd');
      const file = await passwordFile(dir, { alice: 'secret', bob: 'pa ss:wörd' });
      return ['allow_anonymous false', `password_file ${file}`];
    });
    after(async () => {
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });

    const refusals = [
      { version: '31', code: 5, line: 'Connection error: Connection Refused: not authorised.' },
      { version: '311', code: 5, line: 'Connection error: Connection Refused: not authorised.' },
      { version: '5', code: 135, line: 'Connection error: Not authorized' },
    ];
    for (const { version, code, line } of refusals) {
      it(`-V ${version} bad password: exit ${code}, "${line}" (as mosquitto_pub)`, async () => {
        const args = [...hp(), '-V', version, '-u', 'alice', '-P', 'wrong', '-t', 't', '-m', 'x'];
        const theirs = await mosquittoPub(args);
        assert.equal(theirs.code, code);
        assert.equal(firstLine(theirs.stderr), line);
        const ours = await mqtInProcess(['pub', ...args]);
        assert.equal(ours.code, theirs.code);
        assert.equal(firstLine(ours.stderr), line);
        assert.equal(ours.stdout, '');
        // mosquitto_pub adds a second, misleading line ("Error: The connection was refused." /
        // "Error: A network protocol error occurred..."); mqt prints one line (documented).
      });

      it(`-V ${version} bad password, mqt sub: exit ${code}, "${line}"`, async () => {
        const args = [...hp(), '-V', version, '-u', 'alice', '-P', 'wrong', '-t', 't'];
        const theirs = await runTool(which('mosquitto_sub') ?? 'mosquitto_sub', args, { timeoutMs: 5000 });
        const ours = await mqtInProcess(['sub', ...args]);
        assert.deepEqual({ code: theirs.code, line: firstLine(theirs.stderr) }, { code, line });
        assert.deepEqual({ code: ours.code, line: firstLine(ours.stderr), stdout: ours.stdout }, { code, line, stdout: '' });
      });
    }

    it('no credentials at all: refused too (exit 5)', async () => {
      const ours = await mqtInProcess(['pub', ...hp(), '-t', 't', '-m', 'x']);
      assert.equal(ours.code, 5);
      assert.equal(firstLine(ours.stderr), 'Connection error: Connection Refused: not authorised.');
    });

    for (const version of ['311', '5']) {
      it(`-V ${version} right credentials: pub and sub exit 0, silently`, async () => {
        const topic = unique('auth');
        const pub = await mqtInProcess(['pub', ...hp(), '-V', version, '-u', 'bob', '-P', 'pa ss:wörd', '-t', topic, '-m', 'x', '-r', '-q', '1']);
        assert.deepEqual(pub, { code: 0, signal: null, stdout: '', stderr: '' });
        const sub = await mqtInProcess(['sub', ...hp(), '-V', version, '-u', 'alice', '-P', 'secret', '-t', topic, '-C', '1']);
        assert.deepEqual(sub, { code: 0, signal: null, stdout: 'x\n', stderr: '' });
      });
    }
  });

  describe('usage errors: exit 1, "Error: ..." and the --help hint on stderr', () => {
    let port = 0;
    before(async function () {
      requireMosquitto(this);
      // Nothing listens here: a usage error must be reported before any connection attempt.
      port = await freePort();
    });
    afterEach(stopAllTools);

    // `same`: mosquitto 2.0.11 prints the same first line with the same arguments.
    const cases: { tool: 'pub' | 'sub'; args: string[]; error: string; same: boolean }[] = [
      { tool: 'pub', args: ['-t', 'a'], error: 'Error: Both topic and message must be supplied.', same: true },
      { tool: 'pub', args: ['-m', 'x'], error: 'Error: Both topic and message must be supplied.', same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', '-q', '3'], error: 'Error: Invalid QoS given: 3', same: true },
      { tool: 'pub', args: ['-t', 'a/+', '-m', 'x'], error: "Error: Invalid publish topic 'a/+', does it contain '+' or '#'?", same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', '-n'], error: 'Error: Only one type of message can be sent at once.', same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', '-c'], error: 'Error: You must provide a client id if you are using the -c option.', same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', '-k', '0'], error: 'Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.', same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', '-V', '4'], error: 'Error: Invalid protocol version argument given.', same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', '--repeat', '0'], error: 'Error: --repeat argument must be >0.', same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', '--will-payload', 'p'], error: 'Error: Will payload given, but no will topic given.', same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', '--bogus'], error: "Error: Unknown option '--bogus'.", same: true },
      { tool: 'pub', args: ['-t', 'a', '-m', 'x', 'extra'], error: "Error: Unknown option 'extra'.", same: true },
      { tool: 'sub', args: ['-t', 'a', '-W', '0'], error: 'Error: Invalid timeout "0".', same: true },
      { tool: 'sub', args: ['-t', 'a', '-C', '0'], error: 'Error: Invalid message count "0".', same: true },
      { tool: 'sub', args: ['-t', 'a/#/b'], error: "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?", same: true },
      { tool: 'sub', args: ['-t', 'a', '-T', '++'], error: "Error: Invalid filter topic '++', are all '+' and '#' wildcards correct?", same: true },
      { tool: 'sub', args: ['-t', 'a', '-R', '--retained-only'], error: "Error: Combining '-R' and '--retained-only' makes no sense.", same: true },
      { tool: 'sub', args: ['-t', 'a', '--bogus'], error: "Error: Unknown option '--bogus'.", same: true },
      { tool: 'sub', args: [], error: 'Error: You must specify a topic to subscribe to (-t) or unsubscribe from (-U).', same: false },
    ];

    for (const { tool, args, error, same } of cases) {
      it(`mqt ${tool} ${args.join(' ')}`, async () => {
        const full = ['-h', '127.0.0.1', '-p', String(port), ...args];
        const ours: ToolResult = await mqtInProcess([tool, ...full]);
        assert.equal(ours.code, 1, ours.stderr);
        assert.equal(firstLine(ours.stderr), error);
        assert.ok(ours.stderr.includes(`Use 'mqt ${tool} --help' to see usage.`), ours.stderr);
        assert.ok(!ours.stderr.includes('    at '), `no stack trace:\n${ours.stderr}`);
        if (same) {
          const theirs = await runTool(which(`mosquitto_${tool}`) ?? `mosquitto_${tool}`, full, { timeoutMs: 5000 });
          assert.equal(theirs.code, 1);
          assert.equal(firstLine(theirs.stderr), error, 'mosquitto prints the same error');
        }
      });
    }
  });

  describe('--help', () => {
    afterEach(stopAllTools);

    for (const tool of ['pub', 'sub'] as const) {
      it(`mqt ${tool} --help: usage on stdout, exit 0 (mosquitto exits 1)`, async () => {
        const ours = await mqtInProcess([tool, '--help']);
        assert.equal(ours.code, 0);
        assert.equal(ours.stderr, '');
        assert.ok(ours.stdout.startsWith(`mqt ${tool} [flags]\n`), ours.stdout);
        for (const flag of ['-t, --topic', '-q, --qos', '-h, --host', '-p, --port', '-V, --protocol-version', '-d, --debug']) {
          assert.ok(ours.stdout.includes(flag), `mentions ${flag}`);
        }
      });
    }
  });
});
