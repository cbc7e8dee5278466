import assert from 'node:assert/strict';
import type { ToolResult } from './spawn.js';

/** The run failed with exactly this one line on stderr, nothing on stdout, and status 1. */
export function failedWith(result: ToolResult, line: string): void {
  assert.equal(result.stderr, `${line}\n`);
  assert.equal(result.stdout, '');
  assert.equal(result.code, 1);
}
