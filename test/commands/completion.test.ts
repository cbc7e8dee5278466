import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMANDS } from '../../src/command-list.js';
import { mqt, runTool, which } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

const NAMES = Object.keys(COMMANDS);

describe('mqt completion', function () {
  this.timeout(20_000);
  let dir: string;
  let bashScript: string;

  before(async () => {
    dir = await makeTempFolder('mqt-completion');
    const result = await mqt(['completion', 'bash']);
    assert.equal(result.code, 0, result.stderr);
    bashScript = join(dir, 'mqt.bash');
    await writeFile(bashScript, result.stdout);
    await writeFile(join(dir, 'ca.crt'), '');
    await writeFile(join(dir, 'ca.key'), '');
    await mkdir(join(dir, 'certs'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** What bash offers for the last of `words`, as it would on Tab: the script sourced, COMP_WORDS set. */
  const complete = async (...words: string[]): Promise<string[]> => {
    const bash = which('bash');
    assert.ok(bash !== undefined, 'bash is needed');
    const array = words.map((w) => `'${w}'`).join(' ');
    const script = `cd '${dir}' && source ./mqt.bash; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _mqt; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = await runTool(bash, ['-c', script], { timeoutMs: 10_000 });
    assert.equal(result.stderr, '');
    return result.stdout.split('\n').filter((line) => line !== '').sort();
  };

  it('bash completes the commands and help', async () => {
    assert.deepEqual(await complete('mqt', 'pu'), ['pub']);
    assert.deepEqual(await complete('mqt', 'gen'), ['gen-ca', 'gen-psk']);
    assert.deepEqual(await complete('mqt', 'help', 'ch'), ['check']);
    assert.deepEqual(await complete('mqt', 'completion', ''), ['bash', 'fish', 'zsh']);
  });

  it('bash completes every flag of every command, from its flag table', async () => {
    for (const [name, row] of Object.entries(COMMANDS)) {
      const longFlags = (await row.options()).flatMap((g) => g.options.flatMap((o) => o.flags)).filter((f) => f.startsWith('--')).sort();
      assert.deepEqual(await complete('mqt', name, '--'), longFlags, name);
    }
    assert.deepEqual(await complete('mqt', 'sub', '--retain-'), ['--retain-as-published', '--retain-handling']);
  });

  it('bash completes -V values, QoS, files after file flags, folders after folder flags, nothing after -t', async () => {
    assert.deepEqual(await complete('mqt', 'pub', '-V', ''), ['mqttv31', 'mqttv311', 'mqttv5']);
    assert.deepEqual(await complete('mqt', 'sub', '-q', ''), ['0', '1', '2']);
    assert.deepEqual(await complete('mqt', 'sub', '-h', 'localhost', '--cafile', 'ca'), ['ca.crt', 'ca.key']);
    assert.deepEqual(await complete('mqt', 'pub', '--capath', ''), ['certs']);
    assert.deepEqual(await complete('mqt', 'pub', '-t', ''), []);
    assert.deepEqual(await complete('mqt', 'passwd', '-b', 'ca'), ['ca.crt', 'ca.key']);
    assert.deepEqual(await complete('mqt', 'bench', 'pub', '-q', '2', 'p'), ['pub', 'pubsub']);
  });

  it('zsh and fish scripts name every command and flag', async () => {
    for (const shell of ['zsh', 'fish']) {
      const result = await mqt(['completion', shell]);
      assert.equal(result.code, 0, result.stderr);
      for (const name of NAMES) assert.ok(result.stdout.includes(name), `${shell}: ${name}`);
      assert.match(result.stdout, shell === 'zsh' ? /^#compdef mqt$/m : /^complete -c mqt /m);
      assert.ok(result.stdout.includes(shell === 'zsh' ? '(mqttv31 mqttv311 mqttv5)' : "-l protocol-version -x -a 'mqttv31 mqttv311 mqttv5'"), shell);
      const checker = which(shell);
      if (checker !== undefined) {
        const file = join(dir, `mqt.${shell}`);
        await writeFile(file, result.stdout);
        // fish makes its config and data folders where XDG says: in this test's folder, not the machine's.
        const env = { XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir };
        const syntax = await runTool(checker, shell === 'zsh' ? ['-n', file] : ['--no-execute', file], { env, timeoutMs: 10_000 });
        assert.equal(syntax.code, 0, syntax.stderr);
        if (shell === 'fish') {
          // fish completes a command line on request: what it would offer on Tab.
          const offered = await runTool(checker, ['-c', `source '${file}'; complete -C 'mqt pub -V '`], { env, timeoutMs: 10_000 });
          assert.deepEqual(offered.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]).sort(), ['mqttv31', 'mqttv311', 'mqttv5']);
        }
      }
    }
  });

  it('an unknown or missing shell is a usage error', async () => {
    const unknown = await mqt(['completion', 'powershell']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error: Unknown shell 'powershell': mqt completion makes scripts for bash, zsh, fish\.\n/);
    const missing = await mqt(['completion']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: Name the shell: mqt completion bash\|zsh\|fish\.\n/);
  });
});
