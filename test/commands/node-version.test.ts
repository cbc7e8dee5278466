import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MQT_BIN, ROOT, runTool } from '../support/spawn.js';

const { nodeVersionProblem } = createRequire(import.meta.url)(join(ROOT, 'bin', 'node-version.cjs')) as {
  nodeVersionProblem: (version: string) => string | null;
};

describe('the Node.js version check of bin/mqt.cjs', () => {
  it('takes 20.19 and later', () => {
    for (const version of ['20.19.0', '20.20.1', '22.0.0', '24.11.1', process.versions.node]) assert.equal(nodeVersionProblem(version), null, version);
  });

  it('names the version needed, the one found and how to get a newer one for anything older', () => {
    for (const version of ['18.19.0', '20.18.3', '16.0.0', '12.22.12']) {
      const problem = nodeVersionProblem(version);
      assert.match(problem ?? '', new RegExp(`^mqt needs Node\\.js 20\\.19 or later; this is ${version.replaceAll('.', '\\.')}\\. Install .*nodejs\\.org`));
      assert.doesNotMatch(problem ?? '', /\n/);
    }
  });

  it('stops an old Node with that one line and exit 1, before loading anything else', async () => {
    // The launcher as an old Node runs it: process.versions faked before its first line.
    const fake = "Object.defineProperty(process.versions, 'node', { value: '18.19.0' }); require(process.argv[1]);";
    const result = await runTool(process.execPath, ['-e', fake, MQT_BIN, 'pub', '-t', 'x', '-m', 'y'], { timeoutMs: 10_000 });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^Error: mqt needs Node\.js 20\.19 or later; this is 18\.19\.0\. [^\n]*\n$/);
  });
});
