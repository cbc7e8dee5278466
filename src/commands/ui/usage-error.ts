/**
 * A mistake in how the command was called (unknown flag, missing or bad value, conflicting flags).
 * The report adds the "--help" hint and exits 1, as mosquitto's clients do.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
