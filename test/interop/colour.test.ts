import assert from 'node:assert/strict';
import { MQT_BIN, runTool } from '../support/spawn.js';
import { useBroker } from '../support/hooks.js';
import { requireScript } from '../support/tools.js';

const ESC = '\u001b[';

/**
 * Colour is for a person at a terminal: `script` gives mqt a pseudo-terminal, where errors and -d
 * lines are coloured; NO_COLOR and pipes get mosquitto's plain bytes.
 */
describe('colour on a terminal only', function () {
  this.timeout(15_000);
  const { hp } = useBroker();

  async function onTerminal(args: string[], env: Record<string, string> = {}): Promise<string> {
    const command = [process.execPath, MQT_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const result = await runTool('script', ['-qec', command, '/dev/null'], { timeoutMs: 10_000, env: { NO_COLOR: '', TERM: 'xterm', ...env } });
    return result.stdout;
  }

  before(function () {
    requireScript(this);
  });

  it('colours the Error: prefix and the -d lines on a terminal', async () => {
    const error = await onTerminal(['pub', '-t', 'a']);
    assert.ok(error.includes(`${ESC}31m`) && error.includes('Error:'), JSON.stringify(error));
    const debug = await onTerminal(['pub', ...hp(), '-t', 'a', '-m', 'x', '-d']);
    assert.ok(debug.includes(`${ESC}36mClient (null) sending CONNECT`), JSON.stringify(debug));
  });

  it('prints no escape codes with NO_COLOR or into a pipe', async () => {
    const plain = await onTerminal(['pub', ...hp(), '-t', 'a', '-m', 'x', '-d'], { NO_COLOR: '1' });
    assert.ok(plain.includes('Client (null) sending CONNECT') && !plain.includes(ESC), JSON.stringify(plain));
    const piped = await runTool(process.execPath, [MQT_BIN, 'pub', ...hp(), '-t', 'a', '-m', 'x', '-d'], { timeoutMs: 10_000, env: { NO_COLOR: '' } });
    assert.ok(!piped.stdout.includes(ESC));
  });

  it('FORCE_COLOR colours a pipe and outweighs NO_COLOR; FORCE_COLOR=0 turns colour off on a terminal', async () => {
    const args = [MQT_BIN, 'pub', ...hp(), '-t', 'a', '-m', 'x', '-d'];
    const forced = await runTool(process.execPath, args, { timeoutMs: 10_000, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    assert.ok(forced.stdout.includes(`${ESC}36mClient (null) sending CONNECT`), JSON.stringify(forced.stdout));
    const refused = await runTool(process.execPath, [MQT_BIN, 'pub', '-t', 'a'], { timeoutMs: 10_000, env: { FORCE_COLOR: '', TERM: 'dumb' } });
    assert.ok(refused.stderr.includes(`${ESC}31m`), JSON.stringify(refused.stderr));
    const off = await onTerminal(['pub', ...hp(), '-t', 'a', '-m', 'x', '-d'], { FORCE_COLOR: '0' });
    assert.ok(off.includes('Client (null) sending CONNECT') && !off.includes(ESC), JSON.stringify(off));
  });
});
