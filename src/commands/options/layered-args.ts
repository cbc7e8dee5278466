import { UsageError } from '../ui/usage-error.js';
import { readArgv, type ParsedArgs } from './argv.js';
import { checkValueBytes, type OptionLine } from './options-files.js';
import type { OptionSpec } from './spec.js';

type PerValue<T> = ReadonlyMap<string, readonly (T | undefined)[]>;

/**
 * Parsed options with where each value came from: "FILE:LINE" for a value an options file or
 * profile gave, undefined for the command line; and a file's bytes for a value they are not UTF-8
 * in. `origins` and `bytes` run parallel to `args.values`.
 */
export interface LayeredArgs {
  readonly args: ParsedArgs;
  readonly origins: PerValue<string>;
  readonly bytes: PerValue<Buffer>;
}

export function commandLineLayer(args: ParsedArgs): LayeredArgs {
  const none = new Map([...args.values].map(([key, list]) => [key, list.map(() => undefined)]));
  return { args, origins: none, bytes: none };
}

/**
 * Reads a file's option lines with the command-line reader, each line on its own as mosquitto
 * does (a flag missing its value never takes the next line's). A mistake names the file and line.
 */
export function readOptionLines(
  lines: readonly OptionLine[],
  byFlag: ReadonlyMap<string, OptionSpec>,
  file: string,
  refusedKeys: readonly string[],
): LayeredArgs {
  let layer = emptyLayer();
  for (const line of lines) {
    const where = `${file}:${line.number}`;
    let args: ParsedArgs;
    try {
      if (line.valueBytes !== undefined) checkValueBytes(line.words[0]!, byFlag.get(line.words[0]!));
      args = readArgv(line.words, byFlag);
    } catch (err) {
      if (err instanceof UsageError) throw err.withPrefix(`${where}: `);
      throw err;
    }
    const flag = line.words[0]!;
    if (args.leftOut.size > 0) throw new UsageError(`${where}: ${flag} needs a value in a file (it can only ask on the command line).`);
    if ([...args.values.keys()].some((key) => refusedKeys.includes(key))) {
      throw new UsageError(`${where}: ${flag} cannot be used in this file.`);
    }
    const origins = new Map([...args.values].map(([key, list]) => [key, list.map(() => where)]));
    const bytes = new Map([...args.values].map(([key, list]) => [key, list.map(() => line.valueBytes)]));
    layer = appendLayer(layer, { args, origins, bytes });
  }
  return layer;
}

/**
 * `upper` over `lower`: a flag given in `upper` sets aside `lower`'s values for it and for its
 * alternatives (OptionSpec.replaces), so the command line wins over a profile, and a profile over
 * the options file. Repeatable flags (sub's -t) and -D add up instead.
 */
export function overlay(lower: LayeredArgs, upper: LayeredArgs, byFlag: ReadonlyMap<string, OptionSpec>): LayeredArgs {
  const byKey = new Map([...byFlag.values()].map((spec) => [spec.key, spec]));
  const values = new Map(lower.args.values);
  const origins = new Map(lower.origins);
  const bytes = new Map(lower.bytes);
  const leftOut = new Set(lower.args.leftOut);
  for (const key of [...upper.args.values.keys(), ...upper.args.leftOut]) {
    const spec = byKey.get(key);
    if (spec === undefined || spec.repeat === true || spec.arity === 'property') continue;
    for (const replaced of [key, ...(spec.replaces ?? [])]) {
      if (byKey.get(replaced)?.repeat === true) continue;
      values.delete(replaced);
      origins.delete(replaced);
      bytes.delete(replaced);
      leftOut.delete(replaced);
    }
  }
  return appendLayer({ args: { ...lower.args, values, leftOut }, origins, bytes }, upper);
}

/** Both layers' values, `lower`'s first: within one file, lines read like one command line. */
function appendLayer(lower: LayeredArgs, upper: LayeredArgs): LayeredArgs {
  const values = new Map(lower.args.values);
  const origins = new Map(lower.origins);
  const bytes = new Map(lower.bytes);
  for (const [key, list] of upper.args.values) {
    values.set(key, [...(values.get(key) ?? []), ...list]);
    origins.set(key, [...(origins.get(key) ?? []), ...(upper.origins.get(key) ?? [])]);
    bytes.set(key, [...(bytes.get(key) ?? []), ...(upper.bytes.get(key) ?? list.map(() => undefined))]);
  }
  return {
    args: {
      values,
      properties: [...lower.args.properties, ...upper.args.properties],
      positionals: [...lower.args.positionals, ...upper.args.positionals],
      leftOut: new Set([...lower.args.leftOut, ...upper.args.leftOut]),
    },
    origins,
    bytes,
  };
}

/** No options at all: where there is no options file. */
export function emptyLayer(): LayeredArgs {
  return { args: { values: new Map(), properties: [], positionals: [], leftOut: new Set() }, origins: new Map(), bytes: new Map() };
}

/** A values map that remembers the last key asked for, to tell which flag a check was about. */
class ReadTracker extends Map<string, string[]> {
  lastKey: string | undefined;

  override get(key: string): string[] | undefined {
    this.lastKey = key;
    return super.get(key);
  }

  override has(key: string): boolean {
    this.lastKey = key;
    return super.has(key);
  }
}

/**
 * Resolves layered options into settings. A check fails right after reading the flag it is
 * about (-p's number, -V before "-D needs MQTT v5"), so when a usage error follows reading a
 * value a file gave, the error names that file and line: the command line does not show it.
 */
export function resolveLayered<T>(layered: LayeredArgs, resolve: (args: ParsedArgs) => T): T {
  const values = new ReadTracker(layered.args.values);
  const valueBytes = new Map<string, Buffer>();
  for (const [key, list] of layered.bytes) {
    const last = list.at(-1);
    if (last !== undefined) valueBytes.set(key, last);
  }
  try {
    return resolve({ ...layered.args, values, valueBytes });
  } catch (err) {
    const key = values.lastKey;
    const where = key === undefined ? undefined : layered.origins.get(key)?.at(-1);
    if (err instanceof UsageError && where !== undefined) throw err.withPrefix(`${where}: `);
    throw err;
  }
}
