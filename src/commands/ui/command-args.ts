import { hasFlag, readArgv, type ParsedArgs, type ReadArgvOptions } from '../options/argv.js';
import type { OptionSpec } from '../options/spec.js';
import { reportError } from './report.js';

export type ArgvOutcome<T> = { settings: T } | { exitCode: number };

/**
 * Reads a command's argv and resolves it into settings. --help and --version, and every usage
 * error, end here with the exit code the command returns.
 */
export async function settingsFromArgv<T>(
  command: string,
  argv: readonly string[],
  byFlag: ReadonlyMap<string, OptionSpec>,
  resolve: (args: ParsedArgs) => T,
  options: ReadArgvOptions = {},
): Promise<ArgvOutcome<T>> {
  try {
    const args = readArgv(argv, byFlag, options);
    if (hasFlag(args, 'help') || hasFlag(args, 'version')) {
      const { showCommandHelp } = await import('./help.js');
      return { exitCode: await showCommandHelp(command, hasFlag(args, 'version')) };
    }
    return { settings: resolve(args) };
  } catch (err) {
    return { exitCode: await reportError(err, command) };
  }
}
