import assert from 'node:assert/strict';
import { mqtInProcess } from '../support/in-process.js';
import { PRINT_USAGE } from './mosquitto-usage-source.js';

type Tool = keyof typeof PRINT_USAGE;

/** The build of mosquitto mqt stands for: TLS, TLS-PSK, SOCKS and WebSockets; no SRV; not Windows. */
const DEFINED: ReadonlySet<string> = new Set(['WITH_TLS', 'FINAL_WITH_TLS_PSK', 'WITH_TLS_PSK', 'WITH_SOCKS', 'WITH_WEBSOCKETS']);

/** The release whose VERSION and libmosquitto version print_usage prints. */
const MOSQUITTO_RELEASE = '2.1.2';

/** The lines of a C excerpt that the preprocessor keeps, for the symbols above. */
function preprocess(source: string): string[] {
  const kept: string[] = [];
  const active: boolean[] = [];
  for (const line of source.split('\n')) {
    const directive = /^#\s*(ifdef|ifndef|else|endif)\b\s*(\w*)/.exec(line);
    if (directive === null) {
      if (line !== '' && active.every(Boolean)) kept.push(line);
      continue;
    }
    const [, word, symbol = ''] = directive;
    if (word === 'ifdef') active.push(DEFINED.has(symbol));
    else if (word === 'ifndef') active.push(!DEFINED.has(symbol));
    else if (word === 'else') active.push(!active.pop());
    else active.pop();
  }
  assert.equal(active.length, 0, 'unbalanced #if');
  return kept;
}

/** What one `printf("...", args)` line prints: C escapes undone, %s and %d given the release. */
function printed(call: string): string {
  const match = /^printf\("((?:[^"\\]|\\.)*)"(.*)\);$/.exec(call);
  assert.ok(match !== null, `not a printf line: ${call}`);
  const [, literal = '', args = ''] = match;
  const text = literal.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  const values = args === '' ? [] : [MOSQUITTO_RELEASE, ...MOSQUITTO_RELEASE.split('.')];
  let next = 0;
  return text.replace(/%[sd]/g, () => values[next++] ?? assert.fail(`too few arguments: ${call}`));
}

/** mosquitto's usage text for the tool, as its print_usage writes it. */
function mosquittoUsage(tool: Tool): string {
  return preprocess(PRINT_USAGE[tool]).map(printed).join('');
}

async function run(tool: Tool, argv: readonly string[], mosquitto: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await mqtInProcess([tool, ...argv], { mosquitto });
  return { code, stdout, stderr };
}

describe('--help under a mosquitto name: mosquitto 2.1.2 usage, byte for byte', () => {
  for (const tool of ['pub', 'sub', 'rr', 'passwd'] as const) {
    it(`mosquitto_${tool} --help`, async () => {
      let expected = mosquittoUsage(tool);
      if (tool !== 'passwd') {
        // Where mosquitto names libmosquitto's version, mqt names itself, as --version does.
        const version = await run(tool, ['--version'], true);
        const line = `mosquitto_${tool} version ${MOSQUITTO_RELEASE} running on libmosquitto ${MOSQUITTO_RELEASE}.`;
        assert.match(version.stdout, new RegExp(`^mosquitto_${tool} version 2\\.1\\.2 running on mqt \\S+\\.\\n$`));
        assert.ok(expected.includes(line));
        expected = expected.replace(line, version.stdout.trimEnd());
      }
      assert.deepEqual(await run(tool, ['--help'], true), { code: 1, stdout: expected, stderr: '' });
    });
  }

  it('mosquitto_passwd --version prints that usage too: mosquitto_passwd has no --version', async () => {
    assert.deepEqual(await run('passwd', ['--version'], true), { code: 1, stdout: mosquittoUsage('passwd'), stderr: '' });
  });

  it('every flag the usage lists is one the command reads', async () => {
    for (const tool of ['pub', 'sub', 'rr'] as const) {
      const flags = new Set(mosquittoUsage(tool).match(/(?<=[[{| ])--?[a-zA-Z][\w-]*/g));
      // rr's synopsis lists -l, which mosquitto_rr itself refuses as an unknown option.
      if (tool === 'rr') flags.delete('-l');
      for (const flag of flags) {
        const got = await run(tool, [flag], true);
        assert.doesNotMatch(got.stderr, /Unknown option/, `${tool} ${flag}`);
      }
    }
  });

  it("mqt's own names keep mqt's help, exit 0", async () => {
    const own = await run('pub', ['--help'], false);
    assert.equal(own.code, 0);
    assert.match(own.stdout, /^mqt pub \[flags\]\n/);
    assert.match((await run('passwd', ['--help'], false)).stdout, /^mqt passwd /);
  });
});
