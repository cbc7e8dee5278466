import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectCertificate } from '../../src/lib/pki/inspect.js';
import { requireScript } from '../support/tools.js';
import { MQT_BIN, mqt, startTool, stopAllTools, type ToolHandle } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * gen-ca at a terminal: `script` gives it a pseudo-terminal (sized, or inquirer cannot draw),
 * where the --interactive prompts and the ora spinner appear; piped, neither does.
 */
describe('interop: gen-ca at a terminal', function () {
  this.timeout(30_000);
  let dir: string;
  let script: string;

  before(async function () {
    script = requireScript(this);
    dir = await makeTempFolder('mqt-gen-ca-tty');
  });
  afterEach(() => stopAllTools());
  after(() => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })));

  /** `mqt gen-ca ARGS` on a terminal of 24 rows and `columns`; what it draws comes back on stdout. */
  const onTerminal = (args: string[], columns = 100): ToolHandle => {
    const command = [process.execPath, MQT_BIN, 'gen-ca', ...args].map((a) => `'${a}'`).join(' ');
    return startTool(script, ['-qefc', `stty rows 24 cols ${columns}; exec ${command}`, '/dev/null'], { env: { CI: '', TERM: 'xterm' } });
  };

  const answer = async (tool: ToolHandle, prompt: RegExp, keys: string): Promise<void> => {
    await tool.waitForOutput(prompt, 10_000, 'stdout');
    tool.write(keys);
  };

  it('--interactive asks for names, clients and lifetimes, then makes them with a spinner', async () => {
    const out = join(dir, 'asked');
    const tool = onTerminal(['--interactive', '--out', out]);
    await answer(tool, /Names the broker is reached by/, 'broker.test 10.1.2.3\r');
    await answer(tool, /Client certificates to make/, 'esp1\r');
    await answer(tool, /Server and client certificates valid for \(days\)/, '30\r');
    await answer(tool, /New CA valid for \(days\)/, '\r');
    await answer(tool, /Write the files to/, 'y\r');
    const result = await tool.waitForExit(20_000);
    assert.equal(result.code, 0, tool.describe());
    assert.match(result.stdout, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Generating 3 RSA-2048 keys/, 'the spinner turned');
    assert.deepEqual((await readdir(out)).sort(), ['ca.crt', 'ca.key', 'esp1.crt', 'esp1.key', 'server.crt', 'server.key']);
    const server = inspectCertificate(await readFile(join(out, 'server.crt'), 'utf8'), 'server.crt').facts;
    assert.deepEqual(server.altNames, { dns: ['broker.test', '10.1.2.3'], ip: ['10.1.2.3'], other: 0 });
    assert.equal(Math.round((server.notAfter.getTime() - server.notBefore.getTime()) / 86_400_000), 30);
  });

  it('Ctrl-C at a prompt writes nothing and exits 130', async () => {
    const out = join(dir, 'interrupted');
    const tool = onTerminal(['--interactive', '--out', out]);
    await answer(tool, /Names the broker is reached by/, '\u0003');
    assert.equal((await tool.waitForExit(10_000)).code, 130, tool.describe());
    await assert.rejects(readdir(out), { code: 'ENOENT' });
  });

  it('on a terminal that reports 0 columns, writes its files without a spinner', async () => {
    const out = join(dir, 'no-width');
    const tool = onTerminal(['--out', out], 0);
    const result = await tool.waitForExit(20_000);
    assert.equal(result.code, 0, tool.describe().slice(0, 2000));
    assert.doesNotMatch(result.stdout, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    assert.match(result.stdout, /^mosquitto\.conf:/m);
    assert.deepEqual((await readdir(out)).sort(), ['ca.crt', 'ca.key', 'server.crt', 'server.key']);
  });

  it('Ctrl-C while the spinner turns ends the run with 130', async () => {
    const out = join(dir, 'interrupted-spinner');
    const tool = onTerminal(['--out', out, '--bits', '4096']);
    await tool.waitForOutput(/Generating/, 10_000, 'stdout');
    tool.write('\u0003');
    assert.equal((await tool.waitForExit(10_000)).code, 130, tool.describe());
  });

  it('--interactive without a terminal is a usage error', async () => {
    const result = await mqt(['gen-ca', '--interactive', '--out', join(dir, 'piped')]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, "Error: --interactive needs a terminal.\nUse 'mqt gen-ca --help' to see usage.\n");
  });
});
