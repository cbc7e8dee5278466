import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/command-list.js';
import { DIRECTIVE_TABLE } from '../../src/lib/broker/config/directives.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The man pages are prose, so this keeps them from falling behind the option tables. */
describe('man pages', () => {
  for (const [name, row] of Object.entries(COMMANDS)) {
    it(`man/mqt-${name}.1 documents every flag of the command`, async () => {
      const text = readFileSync(join(ROOT, 'man', `mqt-${name}.1`), 'utf8').replace(/\\-/g, '-');
      const groups = await row.options();
      const missing = groups.flatMap((g) => g.options.flatMap((o) => o.flags)).filter((flag) => !text.includes(`\\fB${flag}\\fR`));
      assert.deepEqual(missing, []);
    });
  }

  it('man/mqt-serve.1 documents every mosquitto.conf directive mqt serve reads, each as a tagged paragraph', () => {
    const lines = readFileSync(join(ROOT, 'man', 'mqt-serve.1'), 'utf8').split('\n');
    // A tag is the line after .TP; aliases share their directive's tag ("maximum_qos ..., max_qos").
    const tags = lines.filter((_line, i) => lines[i - 1] === '.TP').join('\n');
    const missing = [...DIRECTIVE_TABLE.keys()].filter((name) => !new RegExp(`(^\\.(B|BR|BI) |\\\\fP)${name}\\b`, 'm').test(tags));
    assert.deepEqual(missing, []);
  });

  it('man/ holds mqt.1 and a page per command, and package.json lists each', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man: string[] };
    const expected = ['man/mqt.1', ...Object.keys(COMMANDS).map((name) => `man/mqt-${name}.1`)].sort();
    assert.deepEqual(readdirSync(join(ROOT, 'man')).map((name) => `man/${name}`).sort(), expected);
    assert.deepEqual([...pkg.man].sort(), expected);
  });

  it('man/mqt.1 lists every command', () => {
    const text = readFileSync(join(ROOT, 'man', 'mqt.1'), 'utf8');
    const missing = Object.keys(COMMANDS).filter((name) => !new RegExp(`^\\.B ${name.replaceAll('-', '\\\\-')}$`, 'm').test(text));
    assert.deepEqual(missing, []);
  });
});
