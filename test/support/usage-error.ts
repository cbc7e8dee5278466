import assert from 'node:assert/strict';
import { UsageError } from '../../src/commands/ui/usage-error.js';

/** Asserts that `fn` throws a UsageError with exactly this message (or one matching the pattern). */
export function assertUsageError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}
