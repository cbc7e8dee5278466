import { hasFlag, readArgv, type ParsedArgs, type ReadArgvOptions } from '../options/argv.js';
import { resolveLayered } from '../options/layered-args.js';
import type { OptionSpec } from '../options/spec.js';
import { withOptionsFiles } from './options-files.js';
import { printWarning, reportError } from './report.js';

export type ArgvOutcome<T> = { settings: T } | { exitCode: number };

export interface CommandArgsOptions extends ReadArgvOptions {
  /**
   * Options files come first (mqt_<command> in the config directory, -o FILE, --profile NAME);
   * the table must then hold optionsFileOptions.
   */
  readonly optionsFiles?: boolean;
}

/**
 * Reads a command's argv and resolves it into settings. --help and --version, and every usage
 * error, end here with the exit code the command returns.
 */
export async function settingsFromArgv<T>(
  command: string,
  argv: readonly string[],
  byFlag: ReadonlyMap<string, OptionSpec>,
  resolve: (args: ParsedArgs) => T,
  options: CommandArgsOptions = {},
): Promise<ArgvOutcome<T>> {
  try {
    const args = readArgv(argv, byFlag, options);
    if (hasFlag(args, 'help') || hasFlag(args, 'version')) {
      const { showCommandHelp } = await import('./help.js');
      return { exitCode: await showCommandHelp(command, hasFlag(args, 'version')) };
    }
    if (options.optionsFiles !== true) return { settings: resolve(args) };
    const { layered, warnings } = withOptionsFiles(`mqt_${command}`, args, byFlag);
    for (const warning of warnings) printWarning(warning, hasFlag(layered.args, 'quiet'));
    return { settings: resolveLayered(layered, resolve) };
  } catch (err) {
    return { exitCode: await reportError(err, command) };
  }
}
