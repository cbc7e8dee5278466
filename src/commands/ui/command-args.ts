import { hasFlag, readArgv, type ParsedArgs, type ReadArgvOptions } from '../options/argv.js';
import { commandLineLayer, overlay, resolveLayered } from '../options/layered-args.js';
import type { OptionSpec } from '../options/spec.js';
import { optionsFileLayer } from './options-files.js';
import { programOf, type Invocation, type Program } from './program.js';
import { printWarning, reportError } from './report.js';

export type ArgvOutcome<T> = { settings: T } | { exitCode: number };

export interface CommandArgsOptions extends ReadArgvOptions, Invocation {
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
  const program = programOf(command, options);
  const readOptions: ReadArgvOptions = { ...options, mosquitto: program.mosquitto };
  try {
    if (options.optionsFiles !== true) {
      const args = readArgv(argv, byFlag, readOptions);
      return (await helpOrVersion(args, program)) ?? { settings: resolve(args) };
    }
    // The files' values are read (and checked) before the command line's, as mosquitto does, so
    // the first bad value wins wherever it is; a first, unchecked reading finds -o and --profile.
    const { layered: files, warnings } = optionsFileLayer(program, readArgv(argv, byFlag, { ...readOptions, checkValues: false }), byFlag);
    const args = readArgv(argv, byFlag, readOptions);
    const shown = await helpOrVersion(args, program);
    if (shown !== undefined) return shown;
    const layered = overlay(files, commandLineLayer(args), byFlag);
    for (const warning of warnings) printWarning(warning, hasFlag(layered.args, 'quiet'));
    return { settings: resolveLayered(layered, resolve) };
  } catch (err) {
    return { exitCode: await reportError(err, program) };
  }
}

async function helpOrVersion(args: ParsedArgs, program: Program): Promise<{ exitCode: number } | undefined> {
  if (!hasFlag(args, 'help') && !hasFlag(args, 'version')) return undefined;
  const { showCommandHelp } = await import('./help.js');
  return { exitCode: await showCommandHelp(program.command, hasFlag(args, 'version'), program) };
}
