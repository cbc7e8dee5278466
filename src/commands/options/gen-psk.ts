import { PSK_BYTES, type PskBytes } from '../../lib/psk/generate.js';
import { checkIdentity, parseKeyHex } from '../../lib/psk/validate.js';
import { UsageError, fromCommandLine } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { genOutputOptions } from './gen-output.js';
import type { OptionGroup } from './spec.js';

export const pskKeyOptions: OptionGroup = {
  title: 'Keys',
  options: [
    { key: 'bytes', flags: ['--bytes'], arity: 1, noun: 'key length', valueName: 'N', describe: 'random key length in bytes: 16 (default) or 32, the most an ESP32 takes' },
    { key: 'key', flags: ['--key'], arity: 1, noun: 'key', valueName: 'HEX', describe: 'use this key (an even number of hex digits) instead of a random one' },
    {
      key: 'file',
      flags: ['--file'],
      arity: 1,
      noun: 'psk_file',
      valueName: 'PSKFILE',
      describe: 'add the identities to the broker psk_file PSKFILE, atomically, keeping every other line (0600 when new)',
    },
    { key: 'force', flags: ['--force'], arity: 0, describe: 'give an identity PSKFILE already has a new key; add to a PSKFILE that does not look like one' },
  ],
};

export const genPskOutputOptions = genOutputOptions("also print the ESP32 sketch's setPreSharedKey() line");

/** The identity when none is given, as in mosquitto's and the boards' examples. */
const DEFAULT_IDENTITY = 'device1';

export interface GenPskSettings {
  readonly identities: readonly string[];
  /** A random key of this many bytes per identity, unless `key` is given. */
  readonly bytes: PskBytes;
  readonly key: string | undefined;
  readonly file: string | undefined;
  readonly force: boolean;
  readonly arduino: boolean;
  readonly json: boolean;
}

export function resolveGenPsk(args: ParsedArgs): GenPskSettings {
  const keyText = lastValue(args, 'key');
  const bytesText = lastValue(args, 'bytes');
  if (keyText !== undefined && bytesText !== undefined) throw new UsageError('--bytes and --key cannot be used together.');
  const identities = args.positionals.length === 0 ? [DEFAULT_IDENTITY] : [...new Set(args.positionals)];
  return {
    identities: identities.map((identity) => fromCommandLine(() => checkIdentity(identity))),
    bytes: bytes(bytesText),
    key: keyText === undefined ? undefined : fromCommandLine(() => parseKeyHex(keyText)),
    file: lastValue(args, 'file'),
    force: hasFlag(args, 'force'),
    arduino: hasFlag(args, 'arduino'),
    json: hasFlag(args, 'json'),
  };
}

function bytes(text: string | undefined): PskBytes {
  if (text === undefined) return 16;
  const found = PSK_BYTES.find((b) => String(b) === text.trim());
  if (found === undefined) throw new UsageError(`--bytes must be ${PSK_BYTES.join(' or ')}.`);
  return found;
}

/** mqt gen-psk's flags, in the order --help lists them. */
export const genPskOptionGroups: readonly OptionGroup[] = [pskKeyOptions, genPskOutputOptions];
