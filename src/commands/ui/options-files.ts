import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf, errnoText } from '../../lib/errno-text.js';
import { allValues, lastValue, type ParsedArgs } from '../options/argv.js';
import { emptyLayer, overlay, readOptionLines, type LayeredArgs } from '../options/layered-args.js';
import { optionLines, profileSections } from '../options/options-files.js';
import type { OptionSpec } from '../options/spec.js';
import { ExitCode } from './exit-codes.js';
import { InputError } from './input-error.js';
import type { Program } from './program.js';
import { UsageError } from './usage-error.js';

export interface WithFiles {
  readonly layered: LayeredArgs;
  /** Files holding a secret that others can read: one warning each, printed unless --quiet. */
  readonly warnings: string[];
}

/**
 * The options that files give, which the command line then overrides, as mosquitto_pub/sub do:
 * first the options file (-o FILE, else see defaultOptionsFile), then the --profile section of
 * $XDG_CONFIG_HOME/mqt/profiles, the second winning over the first. `commandLine` is read for -o
 * and --profile only.
 */
export function optionsFileLayer(program: Program, commandLine: ParsedArgs, byFlag: ReadonlyMap<string, OptionSpec>): WithFiles {
  const warnings: string[] = [];
  const given = allValues(commandLine, 'optionsFile');
  if (given.length > 1) throw new UsageError('Duplicate -o argument given.');
  const configDir = configHome(process.env);
  const path = given[0] ?? (configDir === undefined ? undefined : defaultOptionsFile(program, configDir));
  const text = path === undefined ? undefined : readOptionsText(path, given.length > 0);
  let layered = emptyLayer();
  if (path !== undefined && text !== undefined) {
    layered = readOptionLines(optionLines(text, byFlag), byFlag, path, ['optionsFile']);
    warnIfExposed(path, layered, byFlag, warnings);
  }
  const profile = lastValue(commandLine, 'profile') ?? lastValue(layered.args, 'profile');
  if (profile !== undefined) {
    const profileLayer = readProfile(profile, configDir, byFlag, warnings);
    layered = overlay(layered, profileLayer, byFlag);
  }
  return { layered, warnings };
}

/**
 * mosquitto_pub reads mosquitto_pub in the config directory; `mqt pub` reads mqt_pub there if it
 * exists, else mosquitto_pub: a mosquitto user's defaults apply at once, and an mqt_pub file, once
 * made, is the whole of mqt's defaults (the two are not merged, so no flag is set that mqt_pub
 * leaves out and no conflict can come from two files).
 */
function defaultOptionsFile(program: Program, configDir: string): string {
  const mosquittoFile = join(configDir, `mosquitto_${program.command}`);
  if (program.mosquitto) return mosquittoFile;
  const mqtFile = join(configDir, `mqt_${program.command}`);
  return existsSync(mqtFile) ? mqtFile : mosquittoFile;
}

/** XDG's base directory for settings; an empty XDG_CONFIG_HOME counts as unset. */
function configHome(env: NodeJS.ProcessEnv): string | undefined {
  if (env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '') return env.XDG_CONFIG_HOME;
  return env.HOME === undefined || env.HOME === '' ? undefined : join(env.HOME, '.config');
}

function profilesPath(configDir: string): string {
  return join(configDir, 'mqt', 'profiles');
}

/**
 * A missing default options file is normal; one named by -o is an error (mosquitto ignores it).
 * A file that exists but cannot be read is always an error: its options would silently vanish.
 */
function readOptionsText(path: string, required: boolean): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if (!required && errnoOf(err) === 'ENOENT') return undefined;
    throw new InputError(`Unable to read options file "${path}": ${errnoText(err)}.`, ExitCode.Failure);
  }
}

function readProfile(name: string, configDir: string | undefined, byFlag: ReadonlyMap<string, OptionSpec>, warnings: string[]): LayeredArgs {
  if (configDir === undefined) throw new UsageError(`Unknown profile '${name}': neither XDG_CONFIG_HOME nor HOME is set.`);
  const path = profilesPath(configDir);
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') throw new UsageError(`Unknown profile '${name}': there is no ${path}.`);
    throw new InputError(`Unable to read profiles file "${path}": ${errnoText(err)}.`, ExitCode.Failure);
  }
  // Every profile is read, not only the one asked for: a mistake anywhere in the file shows at once.
  const layers = new Map(
    [...profileSections(text, byFlag, path)].map(([section, { lines }]) => [
      section,
      readOptionLines(lines, byFlag, path, ['optionsFile', 'profile']),
    ]),
  );
  for (const layer of layers.values()) if (warnIfExposed(path, layer, byFlag, warnings)) break;
  const chosen = layers.get(name);
  if (chosen !== undefined) return chosen;
  const known = [...layers.keys()];
  throw new UsageError(
    `Unknown profile '${name}': ${known.length === 0 ? `${path} defines none` : `${path} defines ${known.join(', ')}`}.`,
  );
}

/** Warns when a file gives a secret (-P) and its mode lets the group or others read it. */
function warnIfExposed(path: string, layer: LayeredArgs, byFlag: ReadonlyMap<string, OptionSpec>, warnings: string[]): boolean {
  const secret = [...byFlag.values()].find((spec) => spec.secret === true && layer.args.values.has(spec.key));
  if (secret === undefined) return false;
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return false;
  }
  if ((mode & 0o044) === 0) return false;
  warnings.push(`${path} holds a ${secret.noun ?? 'secret'} and other users can read it: run chmod 600 ${path}`);
  return true;
}
