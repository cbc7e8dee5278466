import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pubOptionGroups } from '../../src/commands/options/pub.js';
import { subOptionGroups } from '../../src/commands/options/sub.js';
import { rrOptionGroups } from '../../src/commands/options/rr.js';
import { passwdOptionGroups } from '../../src/commands/options/passwd.js';
import { genCaOptionGroups } from '../../src/commands/options/gen-ca.js';
import { genPskOptionGroups } from '../../src/commands/options/gen-psk.js';
import { serveOptionGroups } from '../../src/commands/options/serve.js';
import { benchOptionGroups } from '../../src/commands/options/bench.js';
import { linkMosquittoOptionGroups } from '../../src/commands/options/link-mosquitto.js';
import type { OptionGroup } from '../../src/commands/options/spec.js';
import { DIRECTIVE_TABLE } from '../../src/lib/broker/config/directives.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The man pages are prose, so this keeps them from falling behind the option tables. */
describe('man pages', () => {
  const pages: [string, readonly OptionGroup[]][] = [
    ['mqt-pub.1', pubOptionGroups],
    ['mqt-sub.1', subOptionGroups],
    ['mqt-rr.1', rrOptionGroups],
    ['mqt-passwd.1', passwdOptionGroups],
    ['mqt-gen-ca.1', genCaOptionGroups],
    ['mqt-gen-psk.1', genPskOptionGroups],
    ['mqt-serve.1', serveOptionGroups],
    ['mqt-bench.1', benchOptionGroups],
    ['mqt-link-mosquitto.1', linkMosquittoOptionGroups],
  ];
  for (const [page, groups] of pages) {
    it(`man/${page} documents every flag of the command`, () => {
      const text = readFileSync(join(ROOT, 'man', page), 'utf8').replace(/\\-/g, '-');
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

  it('package.json lists every page in man/', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man: string[] };
    const pages = readdirSync(join(ROOT, 'man')).map((name) => `man/${name}`);
    assert.deepEqual([...pkg.man].sort(), pages.sort());
  });
});
