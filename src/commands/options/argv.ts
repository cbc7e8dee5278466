import { UsageError, tight } from '../ui/usage-error.js';
import type { OptionGroup, OptionSpec } from './spec.js';

/** What the argv reader found: values per key in the order given, -D tuples, and positionals. */
export interface ParsedArgs {
  readonly values: Map<string, string[]>;
  readonly properties: string[][];
  /** The arguments after the options, when the reader was asked to collect them. */
  readonly positionals: string[];
  /** Keys of flags that ended the command line without their value (see valueMayBeLeftOut). */
  readonly leftOut: Set<string>;
  /** The bytes of a key's last value, where an options file held them not as UTF-8 (-m's payload). */
  readonly valueBytes?: ReadonlyMap<string, Buffer>;
}

export interface ReadArgvOptions {
  /**
   * Options first, then positional arguments (mosquitto_passwd FILE USER): the first argument
   * that does not start with '-', and everything after it, is positional; so is everything after
   * '--'. Without this, positionals are refused as unknown options (pub, sub).
   */
  readonly positionals?: boolean;
  /**
   * With `positionals`: positional arguments may also stand between options (gen-psk's
   * `dev1 --file psk.txt dev2`); '--' still makes everything after it positional.
   */
  readonly interleaved?: boolean;
  /**
   * Run each flag's `check` on its value as it is read (the default). Without it the reading is
   * only a first look (for -o and --profile): unknown options, conflicts and a last flag without
   * its value are passed over, as mosquitto's scan for -o passes over everything else, so the
   * options file's mistakes are reported before the command line's.
   */
  readonly checkValues?: boolean;
  /** mosquitto's clients: a flag never goes without its value (-P alone is an error, no prompt). */
  readonly mosquitto?: boolean;
}

export function lastValue(args: ParsedArgs, key: string): string | undefined {
  const list = args.values.get(key);
  return list === undefined ? undefined : list[list.length - 1];
}

export function allValues(args: ParsedArgs, key: string): string[] {
  return args.values.get(key) ?? [];
}

export function hasFlag(args: ParsedArgs, key: string): boolean {
  return args.values.has(key);
}

export function indexFlags(groups: readonly OptionGroup[]): Map<string, OptionSpec> {
  const byFlag = new Map<string, OptionSpec>();
  for (const group of groups) for (const spec of group.options) for (const flag of spec.flags) byFlag.set(flag, spec);
  return byFlag;
}

/** How many words follow -D: "command name value", or "command user-property key value". */
export function propertyWordCount(name: string | undefined): 3 | 4 {
  return name?.toLowerCase() === 'user-property' ? 4 : 3;
}

/** mosquitto names the flag as its table does (-h for --host too); mqt names it as it was typed. */
function missingValue(spec: OptionSpec, typed: string): UsageError {
  if (spec.missingValue !== undefined) return new UsageError(spec.missingValue);
  const what = `argument given but no ${spec.noun ?? 'value'} specified.`;
  return new UsageError(`${typed} ${what}`, { text: `${spec.mosquittoFlag ?? spec.flags[0]} ${what}`, blankLine: true });
}

/**
 * Reads argv the way mosquitto's clients do, so scripts behave the same: each flag is matched
 * exactly (no clustering), and a flag's value is the next argument whatever it looks like
 * (`-m -d` publishes "-d"). Added over mosquitto: `--flag=value` for long flags.
 */
export function readArgv(argv: readonly string[], byFlag: ReadonlyMap<string, OptionSpec>, options: ReadArgvOptions = {}): ParsedArgs {
  const values = new Map<string, string[]>();
  const properties: string[][] = [];
  const positionals: string[] = [];
  const leftOut = new Set<string>();
  const check = options.checkValues !== false;
  const add = (key: string, value: string): void => {
    const list = values.get(key);
    if (list === undefined) values.set(key, [value]);
    else list.push(value);
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (options.positionals === true && (arg === '--' || arg === '-' || !arg.startsWith('-'))) {
      if (options.interleaved === true && arg !== '--') {
        positionals.push(arg);
        continue;
      }
      positionals.push(...argv.slice(arg === '--' ? i + 1 : i));
      break;
    }
    let inline: string | undefined;
    let spec = byFlag.get(arg);
    if (spec === undefined && arg.startsWith('--') && arg.includes('=')) {
      const eq = arg.indexOf('=');
      spec = byFlag.get(arg.slice(0, eq));
      if (spec !== undefined && (spec.arity === 1 || spec.optionalValue !== undefined)) {
        inline = arg.slice(eq + 1);
        arg = arg.slice(0, eq);
      } else {
        spec = undefined;
      }
    }
    if (spec === undefined) {
      if (check) throw tight(`Unknown option '${arg}'.`);
      continue;
    }
    if (check && spec.conflicts !== undefined && spec.conflicts.keys.some((key) => values.has(key))) throw spec.conflicts.error();
    if (spec.arity === 0) {
      const next = argv[i + 1];
      if (inline !== undefined) add(spec.key, inline);
      else if (spec.optionalValue !== undefined && next !== undefined && spec.optionalValue.test(next)) add(spec.key, argv[++i]!);
      else add(spec.key, '');
      if (spec.endsReading === true) break;
    } else if (spec.arity === 1) {
      const value = inline ?? argv[++i];
      if (value === undefined && spec.valueMayBeLeftOut === true && options.mosquitto !== true) {
        leftOut.add(spec.key);
        continue;
      }
      if (value === undefined) {
        if (check) throw missingValue(spec, arg);
        break;
      }
      if (check) spec.check?.([value]);
      add(spec.key, value);
    } else {
      const command = argv[i + 1];
      const name = argv[i + 2];
      const count = propertyWordCount(name);
      const tuple = argv.slice(i + 1, i + 1 + count);
      if (command === undefined || tuple.length < count) {
        if (check) throw new UsageError('--property argument given but not enough arguments specified.');
        break;
      }
      if (check) spec.check?.(tuple);
      properties.push(tuple);
      add(spec.key, '');
      i += count;
    }
  }
  return { values, properties, positionals, leftOut };
}
