import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { errnoOf } from '../errno-text.js';

/**
 * Creates `dir` and the folders missing above it, one level at a time, never `top` or anything
 * above it. Node 20's recursive mkdir is no substitute: under /proc it never returns, and on a
 * read-only file system it reports "No such file or directory". Errors are Node's own, for the
 * caller to word.
 */
export function makeFolders(dir: string, options: { mode?: number; top?: string } = {}): void {
  const mode = options.mode ?? 0o777;
  try {
    mkdirSync(dir, { mode });
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return;
    const parent = dirname(dir);
    if (errnoOf(err) !== 'ENOENT' || parent === dir || parent === options.top) throw err;
    makeFolders(parent, options);
    mkdirSync(dir, { mode });
  }
}
