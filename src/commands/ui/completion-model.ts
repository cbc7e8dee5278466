import { COMMANDS, type CommandName, type CommandRow } from '../../command-list.js';
import type { OptionSpec } from '../options/spec.js';

/** What may follow a flag: a file, a folder, one of some words, or anything (nothing to offer). */
export type ValueKind = { kind: 'file' } | { kind: 'dir' } | { kind: 'words'; words: readonly string[] } | { kind: 'any' };

export interface FlagCompletion {
  /** Every spelling: ['-t', '--topic']. */
  readonly flags: readonly string[];
  readonly describe: string;
  /** Undefined for a switch. */
  readonly value: ValueKind | undefined;
}

export interface CommandCompletion {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly FlagCompletion[];
  readonly arguments: 'files' | readonly string[] | undefined;
}

/** Values the flag tables name by placeholder, and the few whose choices are a short list. */
const FILE_VALUES = new Set(['FILE', 'CERT', 'CA', 'PSKFILE']);
const WORDS_BY_KEY: Readonly<Record<string, readonly string[]>> = {
  protocolVersion: ['mqttv31', 'mqttv311', 'mqttv5'],
  tlsVersion: ['tlsv1.2', 'tlsv1.3'],
  qos: ['0', '1', '2'],
  willQos: ['0', '1', '2'],
  retainHandling: ['0', '1', '2'],
  hash: ['sha512', 'sha512-pbkdf2'],
  bits: ['2048', '3072', '4096'],
  bytes: ['16', '32'],
};

function valueOf(spec: OptionSpec): ValueKind | undefined {
  if (spec.arity === 0) return undefined;
  const words = WORDS_BY_KEY[spec.key];
  if (words !== undefined) return { kind: 'words', words };
  if (spec.key === 'unix' || FILE_VALUES.has(spec.valueName ?? '')) return { kind: 'file' };
  if (spec.valueName === 'DIR') return { kind: 'dir' };
  return { kind: 'any' };
}

/** Every command with its flags, from the registry and the flag tables, for the completion scripts. */
export async function completionModel(): Promise<CommandCompletion[]> {
  const entries = Object.entries(COMMANDS) as [CommandName, CommandRow][];
  return Promise.all(
    entries.map(async ([name, row]) => ({
      name,
      summary: row.summary,
      flags: (await row.options()).flatMap((group) => group.options.map((spec) => ({ flags: spec.flags, describe: spec.describe, value: valueOf(spec) }))),
      arguments: row.arguments,
    })),
  );
}
