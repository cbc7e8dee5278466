import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One folder per test run, for what every test file can share (certificates made once) and for
 * the suites' own temporary folders. `npm test` makes it in mocha's global setup and hands it to
 * the parallel workers through this variable; a file run alone makes its own, removed at exit.
 */
const RUN_FOLDER = 'MQT_TEST_RUN_FOLDER';

export function mochaGlobalSetup(): void {
  process.env[RUN_FOLDER] = mkdtempSync(join(tmpdir(), 'mqt-test-run-'));
}

export function mochaGlobalTeardown(): void {
  const folder = process.env[RUN_FOLDER];
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
}

export function runFolder(): string {
  let folder = process.env[RUN_FOLDER];
  if (folder === undefined) {
    const own = mkdtempSync(join(tmpdir(), 'mqt-test-run-'));
    process.on('exit', () => {
      rmSync(own, { recursive: true, force: true });
    });
    process.env[RUN_FOLDER] = own;
    folder = own;
  }
  return folder;
}

/**
 * A new empty folder (`prefix`, a dash, random letters) for a test. The caller removes it when done;
 * whatever is left goes with the run folder.
 */
export function makeTempFolder(prefix: string): Promise<string> {
  return mkdtemp(join(runFolder(), `${prefix}-`));
}

