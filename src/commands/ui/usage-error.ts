import { MqttError } from '../../lib/errors.js';

/**
 * A mistake in how the command was called (unknown flag, missing or bad value, conflicting flags).
 * The report adds the "--help" hint and exits 1, as mosquitto's clients do.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs a library parser on a command-line value: what the library refuses (an MqttError) is a
 * mistake in the command line, reported with the --help hint.
 */
export function fromCommandLine<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof MqttError) throw new UsageError(err.message);
    throw err;
  }
}
